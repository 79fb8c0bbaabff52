#!/bin/sh
# SPDX-License-Identifier: ISC
# Privileges under a real systemd (issue 9 item 9).  tests/privileges.t
# starts valised the way the packaged unit says; this test has systemd
# itself start it from packaging/systemd/valised.service, unchanged, so
# that what systemd alone applies (SystemCallFilter=, ProtectSystem=,
# StateDirectory=, Type=notify) is seen too.
#
# The machine need not run systemd: /lib/systemd/systemd becomes PID 1 of
# a new PID, mount and cgroup namespace, as in a container.  In that
# mount namespace only, /etc and /usr/sbin are overlays (the package's
# user, /etc/valise and /usr/sbin/valised go there), /var/lib, /var/log
# and /run are empty, and cgroup2 is mounted from a cgroup made for the
# test; its unit path holds the unit, journald's units (for the node's
# log) and a few empty targets, nothing else.  The
# host's files, users and cgroups are left as they were: killing PID 1
# ends the namespaces, and the test's cgroup is removed.
#
# Then /proc/MAINPID/status: the unit's user, no capabilities,
# NoNewPrivs 1, Seccomp 2, no core dumps; its name service helper
# (node/lookup.h) likewise; the node works; and it cannot read a
# configuration outside its own directory, in /etc either, although its
# user may.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "needs root (to run systemd in namespaces)"
# Under make check-valgrind $VALISED is a script that runs valgrind.
is_program "$VALISED" ||
    skip_all "$VALISED is not the program itself (check-valgrind)"
# systemd gives the unit a clean environment: no ASAN_OPTIONS, and
# LeakSanitizer's exit check needs ptrace, which SystemCallFilter= denies.
[ -z "${ASAN_OPTIONS:-}" ] ||
    skip_all "an ASan build: the unit's sandbox is for the program itself"
SYSTEMD=/lib/systemd/systemd
[ -x "$SYSTEMD" ] || skip_all "$SYSTEMD is not installed (make deps)"
for c in unshare nsenter systemctl systemd-sysusers systemd-tmpfiles; do
	command -v $c >/dev/null || skip_all "$c is not installed (make deps)"
done
grep -qw overlay /proc/filesystems ||
    skip_all "the kernel has no overlay file system (modprobe overlay)"
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	CG2=/sys/fs/cgroup
elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	CG2=/sys/fs/cgroup/unified
else
	skip_all "no cgroup2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified"
fi

UNIT="$VALISE_SRC/packaging/systemd/valised.service"
CONF=/etc/valise/valise.conf	# the unit's paths, inside the namespace

# --- two nodes: A for systemd, B a plain test node ----------------------------

fed_add NODE-A BEL NATO "BE:SECRET+NATO:SECRET"
fed_add NODE-B BEL NATO "BE:SECRET+NATO:SECRET"
fed_link NODE-A NODE-B
for n in NODE-A NODE-B; do
	fed_user $n root "BE:SECRET+NATO:SECRET" BEL NATO officer,auditor
done
fed_write
A="$FED/NODE-A"
sed -i 's#key_dir = "keys";#key_dir = "/etc/valise/keys";#; s#state_dir = "state";#state_dir = "/var/lib/valise";#' \
    "$A/valise.conf"

# --- the namespace ------------------------------------------------------------

SD="$T/sd"
mkdir -p "$SD/units"
cp "$UNIT" "$SD/units/valised.service"
# DefaultDependencies= of a service name these; here they start nothing.
for u in sysinit basic shutdown network-online sockets; do
	printf '[Unit]\nDescription=%s (valise test)\n' $u >"$SD/units/$u.target"
done
# The journal, for the node's log (the unit leaves StandardOutput= to
# systemd's default, the journal).
for u in systemd-journald.service systemd-journald.socket \
    systemd-journald-dev-log.socket; do
	[ -f "/lib/systemd/system/$u" ] ||
	    skip_all "/lib/systemd/system/$u is missing (make deps)"
	cp "/lib/systemd/system/$u" "$SD/units/$u"
done
printf '[Unit]\nDescription=valise test\nWants=systemd-journald.service\n' \
    >"$SD/units/valise-test.target"
: >"$SD/console"
cat >"$SD/boot.sh" <<EOF
set -e
mount -t proc proc /proc
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=0755 tmpfs /var/lib
mount -t tmpfs -o mode=0755 tmpfs /var/log
mount -t cgroup2 cgroup2 /sys/fs/cgroup
for d in etc usr/sbin; do
	mkdir -p /run/valise-test/\$d/up /run/valise-test/\$d/work
	mount -t overlay overlay -o lowerdir=/\$d,upperdir=/run/valise-test/\$d/up,workdir=/run/valise-test/\$d/work /\$d
done
# Nothing in here writes to the host's console.
mount --bind "$SD/console" /dev/console
# What the package installs (packaging/mkdeb.sh, debian/postinst).
systemd-sysusers "$VALISE_SRC/packaging/systemd/valise.sysusers" \\
    >"$SD/sysusers.out" 2>&1 || { cat "$SD/sysusers.out"; exit 1; }
systemd-tmpfiles --create "$VALISE_SRC/packaging/systemd/valise.tmpfiles"
install -m 0755 "$VALISED" /usr/sbin/valised
install -o root -g valise -m 0640 "$A/valise.conf" $CONF
install -o valise -g valise -m 0600 "$A"/keys/* /etc/valise/keys/
exec env SYSTEMD_UNIT_PATH="$SD/units" container=valise-test $SYSTEMD \\
    --unit=valise-test.target --log-target=console --log-level=notice
EOF

CG="$CG2/valise-test.$$"
mkdir "$CG" || skip_all "cannot make a cgroup in $CG2"
upid=
INIT=
stop_ns() {
	[ -n "$INIT" ] && kill -KILL "$INIT" 2>/dev/null
	[ -n "$upid" ] && wait "$upid" 2>/dev/null
	# The namespace's cgroups empty once its processes are gone.
	_i=0
	while [ -d "$CG" ] && [ $_i -lt 50 ]; do
		find "$CG" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$CG" ] && sleep 0.1
		_i=$((_i + 1))
	done
	[ -d "$CG" ] && echo "# could not remove $CG" >&2
	INIT=
	upid=
}
TAP_CLEANUP="stop_ns; $TAP_CLEANUP"

sh -c "echo \$\$ >'$CG/cgroup.procs' && exec unshare --pid --fork \
    --mount --propagation private --cgroup sh '$SD/boot.sh'" \
    >"$SD/log" 2>&1 </dev/null &
upid=$!
# PID 1 of the namespace is unshare's only child.
wait_for 10 sh -c "[ -n \"\$(cat /proc/$upid/task/$upid/children)\" ]"
INIT=$(tr -d ' ' <"/proc/$upid/task/$upid/children" 2>/dev/null)
in_ns() {	# in_ns CMD...: run CMD in the namespace's mounts and PIDs
	nsenter -t "$INIT" -m -p "$@"
}
sdctl() {
	in_ns systemctl "$@"
}
booted() {
	case "$(sdctl is-system-running 2>/dev/null)" in
	running | degraded) return 0 ;;
	*) return 1 ;;
	esac
}
settled() {	# booted, or the namespace is gone
	booted || ! kill -0 "$upid" 2>/dev/null
}
[ -n "$INIT" ] && wait_for 30 settled
if [ -z "$INIT" ] || ! booted; then
	if kill -0 "$upid" 2>/dev/null; then
		why="not running after 30 s ($(sdctl is-system-running 2>&1))"
	else
		wait "$upid"
		why="it exited with status $?"
		upid=
	fi
	last=$(cat "$SD/log" "$SD/console" 2>/dev/null | grep . | tail -n 3 |
	    tr '\n' ' ')
	stop_ns
	skip_all "systemd does not run in a PID namespace here: $why${last:+: $last}"
fi

# --- systemd starts the packaged unit -------------------------------------------

fed_start NODE-B || { echo "Bail out! NODE-B did not start"; exit 255; }
is "$(sdctl show -p FragmentPath --value valised.service)" \
    "$SD/units/valised.service" "systemd loads the packaged unit"
cmp -s "$UNIT" "$SD/units/valised.service"
ok $? "unchanged"
run sdctl start valised.service
is "$rc" 0 "systemctl start valised: ExecStartPre, ExecStart, then READY=1"
[ "$rc" -eq 0 ] || diag "$err$(in_ns journalctl -q -n 20 -o cat)"
is "$(sdctl is-active valised.service)" active "the unit is active"
pid=$(sdctl show -p MainPID --value valised.service)
st=$(in_ns cat "/proc/${pid:-0}/status")
uid=$(in_ns id -u valise)
gid=$(in_ns id -g valise)

# --- /proc/MAINPID/status: who the daemon is ------------------------------------

like "$(printf '%s\n' "$st" | sed -n 's/^Name:[[:space:]]*//p')" "^valised" \
    "MainPID $pid is valised"
[ "${uid:-0}" -ne 0 ]
ok $? "user valise (made by the package's sysusers file) is not root: $uid"
is "$(printf '%s\n' "$st" | awk '/^Uid:/ { print $2, $3, $4, $5 }')" \
    "$uid $uid $uid $uid" "Uid: real, effective, saved and fs uid are valise's"
is "$(printf '%s\n' "$st" | awk '/^Gid:/ { print $2, $3, $4, $5 }')" \
    "$gid $gid $gid $gid" "Gid: all valise's"
# systemd calls initgroups(): the user's own group, no other.
is "$(printf '%s\n' "$st" | awk '/^Groups:/ { $1 = ""; print }' | tr -d ' ')" \
    "$gid" "Groups: valise's own group only"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "$(printf '%s\n' "$st" | awk "/^$c:/ { print \$2 }")" \
	    0000000000000000 "$c: no capability"
done
is "$(printf '%s\n' "$st" | awk '/^NoNewPrivs:/ { print $2 }')" 1 "NoNewPrivs: 1"
is "$(printf '%s\n' "$st" | awk '/^Seccomp:/ { print $2 }')" 2 \
    "Seccomp: 2 (the unit's SystemCallFilter=)"
like "$(in_ns grep '^Max core file size' "/proc/${pid:-0}/limits")" \
    " 0 +0 +bytes" "Max core file size: 0 (LimitCORE=0)"
is "$(in_ns stat -c %u "/proc/${pid:-0}/environ")" 0 \
    "not dumpable: /proc/$pid belongs to root, not to valise"

# --- its name service helper, in the same unit ----------------------------------

helper=$(in_ns pgrep -P "${pid:-0}" -x valised | head -n 1)
hst=$(in_ns cat "/proc/${helper:-0}/status" 2>/dev/null)
ok "$([ -n "$helper" ]; echo $?)" "the node has one child, its name service helper (${helper:-none})"
is "$(printf '%s\n' "$hst" | awk '/^Uid:/ { print $2, $3, $4, $5 }')" \
    "$uid $uid $uid $uid" "the helper runs as valise"
is "$(printf '%s\n' "$hst" | awk '/^CapEff:/ { print $2 }')" \
    0000000000000000 "with no capability"
is "$(printf '%s\n' "$hst" | awk '/^NoNewPrivs:/ { print $2 }')" 1 \
    "NoNewPrivs: 1"
is "$(printf '%s\n' "$hst" | awk '/^Seccomp:/ { print $2 }')" 2 \
    "Seccomp: 2, the unit's filter"

# --- it works, confined -----------------------------------------------------------

run in_ns "$VALISE" status -c $CONF
is "$rc" 0 "valise status answers through the control socket"
like "$out" "sandbox: +Landlock ABI [0-9]+" "the node is confined by Landlock"
is "$(in_ns stat -c '%U %a' /var/lib/valise/store.db)" "valise 600" \
    "its store is in StateDirectory=, owned by valise, mode 600 (UMask=)"

echo "from A, under systemd" >"$T/m1"
run in_ns "$VALISE" send -c $CONF --to NODE-B --label "NATO SECRET" \
    --subject a2b "$T/m1"
is "$rc" 0 "A sends to B"
id1=$out
wait_for 20 sh -c "\"\$VALISE\" inbox -c \"$FED/NODE-B/valise.conf\" --json | grep -q ${id1:-NOID}"
ok $? "B receives it"
echo "from B, to the node under systemd" >"$T/m2"
run v NODE-B send --to NODE-A --label "NATO SECRET" --subject b2a "$T/m2"
id2=$out
wait_for 20 sh -c "nsenter -t $INIT -m -p \"\$VALISE\" inbox -c $CONF --json | grep -q ${id2:-NOID}"
ok $? "A receives a message from B"
run in_ns "$VALISE" read -c $CONF "${id2:-NOID}"
like "$out" "from B, to the node under systemd" "A verifies, decrypts and shows it"

# --- what it cannot open ----------------------------------------------------------

# The node's log, from the namespace's journal.
journal() {
	nsenter -t "$INIT" -m -p journalctl -q -o cat -u valised.service
}
loglines() {	# loglines PATTERN: how many lines of the node's log match
	journal | grep -c -- "$1"
}
# morelines PATTERN N: wait until more than N lines match.
morelines() {
	wait_for 10 sh -c "[ \$(nsenter -t $INIT -m -p journalctl -q -o cat -u valised.service | grep -c -- '$1') -gt $2 ]"
}
journal | grep -q "sandbox: Landlock ABI"
ok $? "its log, in the journal, says it confined itself"
n=$(loglines "configuration reloaded")
run sdctl reload valised.service
morelines "configuration reloaded" "$n"
ok $? "systemctl reload: ExecReload checks the file, then the node reloads it"

# /etc/valise becomes a symbolic link to a directory the node's user may
# read: the configuration there is refused (EACCES) although its mode
# lets valise read it, in /etc too (its helper reads the user database
# and the resolver's files for it).  /usr is the host's in this
# namespace: tests/privileges.t tries it.  The ExecReload check is not
# confined and would pass: SIGHUP goes straight to the node.
in_ns mv /etc/valise /etc/valise.real
for d in /var/lib/valise-outside /run/valise-outside /etc/valise-outside; do
	in_ns sh -c "mkdir -m 0755 $d &&
	    install -o root -g valise -m 0640 /etc/valise.real/valise.conf $d/ &&
	    ln -s $d /etc/valise"
	in_ns setpriv --reuid=valise --regid=valise --init-groups \
	    cat $CONF >/dev/null 2>&1
	ok $? "valise may read $d/valise.conf by its mode"
	n=$(loglines "configuration refused")
	sdctl kill --kill-whom=main --signal=HUP valised.service
	morelines "configuration refused" "$n"
	ok $? "the running node may not: the reload through $d is refused"
	like "$(journal | grep 'cannot read' | tail -n 1)" \
	    "$CONF: cannot read: Permission denied" "with EACCES"
	in_ns rm /etc/valise
done
in_ns mv /etc/valise.real /etc/valise
n=$(loglines "configuration reloaded")
run sdctl reload valised.service
morelines "configuration reloaded" "$n"
ok $? "back in /etc/valise, the configuration reloads"

# --- stop, then a crash --------------------------------------------------------------

run sdctl stop valised.service
is "$(sdctl show -p ExecMainStatus --value valised.service) $rc" "0 0" \
    "systemctl stop: the node exits with status 0"
run sdctl start valised.service
pid=$(sdctl show -p MainPID --value valised.service)
sdctl kill --kill-whom=main --signal=SEGV valised.service
wait_for 5 sh -c "[ \"\$(nsenter -t $INIT -m -p systemctl show -p ExecMainPID --value valised.service)\" = $pid ] &&
    [ \"\$(nsenter -t $INIT -m -p systemctl show -p ExecMainCode --value valised.service)\" != 0 ]"
# CLD_KILLED is 2, CLD_DUMPED 3: the kernel says whether a core was made.
is "$(sdctl show -p ExecMainCode --value valised.service) $(sdctl show -p ExecMainStatus --value valised.service)" \
    "2 11" "kill -SEGV: killed by SIGSEGV, and no core dumped"
sdctl stop valised.service

done_testing
