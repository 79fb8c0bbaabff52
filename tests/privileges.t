#!/bin/sh
# SPDX-License-Identifier: ISC
# Privileges (issue 9 item 9; reliability.md scenario 50).  valised is
# started the way the packaged systemd unit starts it: as the unit's User
# and Group, with its capability sets, NoNewPrivileges, LimitCORE, UMask
# and ExecStart, all read from packaging/systemd/valised.service, so that
# a change to the unit is seen here.  Then:
#   /proc/PID/status and limits: not root, no capabilities, no_new_privs,
#     no core dumps, not dumpable;
#   the running daemon cannot open files outside its state and
#     configuration directories (Landlock): its configuration's
#     directory is swapped for a symbolic link to its key directory, to
#     another directory, or to one in /etc or /usr, and a SIGHUP reload
#     is refused with EACCES although the file modes let its user read
#     the file;
#   its name service helper (node/lookup.h) is another process of the
#     same user, with no capabilities, no_new_privs, not dumpable, and
#     nothing open but its socket: no store, no audit log, no key;
#   it still works: status, a message each way with a second node that
#     it reaches by host name (resolved by the helper), a SIGHUP reload
#     after the file was replaced, a new Unix account;
#   systemd is told READY=1 and STOPPING=1; kill -SEGV leaves no core.
# Seccomp=2 comes from the unit's SystemCallFilter=, which only systemd
# applies: `systemd-analyze verify` checks the unit here, and
# tests/systemd.t has a real systemd start the unit and reads Seccomp.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (to start valised as the unit's user)"
	exit 0
fi
# Under make check-valgrind $VALISED is a script that runs valgrind, whose
# process is not valised's and which does not know the Landlock calls.
if ! is_program "$VALISED"; then
	echo "1..0 # SKIP $VALISED is not the program itself (check-valgrind)"
	exit 0
fi
for c in setpriv prlimit useradd python3; do
	if ! command -v $c >/dev/null; then
		echo "1..0 # SKIP $c is not installed (make deps)"
		exit 0
	fi
done

UNIT="$VALISE_SRC/packaging/systemd/valised.service"
unit() {	# unit KEY: every value KEY= has in the unit, one a line
	sed -n "s/^$1=//p" "$UNIT"
}
unit_has() {	# unit_has LINE: the unit holds exactly this line
	grep -qx -- "$1" "$UNIT"
}
skip() {	# skip REASON: one skipped test
	ok 0 "# SKIP $1"
}

# --- the unit ----------------------------------------------------------------

U=$(unit User)
G=$(unit Group)
is "$U" valise "the unit runs valised as its own user"
is "$G" valise "and its own group"
is "$(unit SupplementaryGroups)" "" "with no supplementary groups"
unit_has "NoNewPrivileges=yes"
ok $? "NoNewPrivileges=yes"
unit_has "CapabilityBoundingSet=" && [ "$(unit CapabilityBoundingSet)" = "" ]
ok $? "CapabilityBoundingSet= is empty: no capability at all"
unit_has "AmbientCapabilities=" && [ "$(unit AmbientCapabilities)" = "" ]
ok $? "AmbientCapabilities= is empty"
is "$(unit LimitCORE)" 0 "LimitCORE=0"
like "$(unit SystemCallFilter | tr '\n' ' ')" "landlock_create_ruleset.*landlock_add_rule.*landlock_restrict_self" \
    "the system call filter lets valised confine itself with Landlock"
like "$(unit ExecStart)" "^/usr/sbin/valised " "ExecStart runs /usr/sbin/valised"

if command -v systemd-analyze >/dev/null; then
	# The unit as installed, with the binary from this build (verify
	# checks that ExecStart's program exists).
	sed "s#/usr/sbin/valised#$VALISED#" "$UNIT" >"$T/valised.service"
	run systemd-analyze verify --man=no "$T/valised.service"
	is "$rc" 0 "systemd-analyze verify accepts the unit"
	[ "$rc" -eq 0 ] || diag "$err"
	run systemd-analyze security --offline=true --threshold=20 \
	    "$T/valised.service"
	is "$rc" 0 "systemd-analyze security rates its exposure 2.0 or lower"
	[ "$rc" -eq 0 ] || diag "$(printf '%s\n' "$out" | tail -n 1)"
else
	skip "systemd-analyze is not installed"
	skip "systemd-analyze is not installed"
fi

# The options of setpriv and prlimit that do what the unit's lines say.
# A setting this test cannot reproduce fails here rather than being
# silently ignored.
SETPRIV=
unit_has "NoNewPrivileges=yes" && SETPRIV="$SETPRIV --no-new-privs"
[ -z "$(unit CapabilityBoundingSet)" ] && SETPRIV="$SETPRIV --bounding-set=-all"
[ -z "$(unit AmbientCapabilities)" ] &&
    SETPRIV="$SETPRIV --inh-caps=-all --ambient-caps=-all"
[ -z "$(unit SupplementaryGroups)" ] && SETPRIV="$SETPRIV --clear-groups"
CORE=$(unit LimitCORE)
UMASK=$(unit UMask)
EXEC=$(unit ExecStart)
PRE=$(unit ExecStartPre)
case "$SETPRIV" in
*no-new-privs*bounding-set*inh-caps*clear-groups*) ok 0 "setpriv options derived from the unit:$SETPRIV" ;;
*) ok 1 "setpriv options derived from the unit:$SETPRIV" ;;
esac

# --- the unit's user ----------------------------------------------------------

made_user=
made_group=
if ! getent group "$G" >/dev/null; then
	groupadd --system "$G" || { echo "Bail out! groupadd $G"; exit 255; }
	made_group=yes
fi
if ! getent passwd "$U" >/dev/null; then
	useradd --system --gid "$G" --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin "$U" ||
	    { echo "Bail out! useradd $U"; exit 255; }
	made_user=yes
fi
XU=vtpriv$$	# an account made while the node runs
TAP_CLEANUP="fed_stop_all; userdel $XU 2>/dev/null; [ -z '$made_user' ] || userdel $U; [ -z '$made_group' ] || groupdel $G 2>/dev/null"
uid=$(id -u "$U")
gid=$(getent group "$G" | cut -d: -f3)
[ "$uid" -ne 0 ]
ok $? "the unit's user $U is not root (uid $uid)"

# --- two nodes: A started as the unit does, B as a plain test node ------------

fed_add NODE-A BEL NATO "BE:SECRET+NATO:SECRET"
fed_add NODE-B BEL NATO "BE:SECRET+NATO:SECRET"
fed_link NODE-A NODE-B
for n in NODE-A NODE-B; do
	fed_user $n root "BE:SECRET+NATO:SECRET" BEL NATO officer,auditor
done
# A reaches B by host name: the confined node cannot read /etc/hosts,
# its helper resolves the name for it.  NODE-X's name resolves nowhere.
fed_endpoint NODE-A NODE-B "tcp://localhost:$(cat "$FED/NODE-B/port")"
fed_add NODE-X BEL NATO "BE:SECRET+NATO:SECRET"
fed_link NODE-A NODE-X
fed_endpoint NODE-A NODE-X "tcp://valise-t-nowhere.invalid:9"
fed_write

# A is laid out like a package: the configuration alone in its directory,
# the key and the state elsewhere, all owned by the unit's user (so that
# only the sandbox, not the file modes, can keep it out of them).  Its
# log, pid and working directory are outside all three.
A="$FED/NODE-A"
AK="$T/a-keys"
AS="$T/a-state"
ALOG="$T/a.log"
APID="$T/a.pid"
mv "$A/keys" "$AK"
mkdir -m 0710 "$AS"
mkdir -m 0755 "$T/outside" "$T/a-cwd"
sed -i "s#key_dir = \"keys\";#key_dir = \"$AK\";#; s#state_dir = \"state\";#state_dir = \"$AS\";#" \
    "$A/valise.conf"
# Copies of the (valid, absolute-path) configuration where the node must
# not read: its key directory and a directory of its user's.
cp "$A/valise.conf" "$AK/valise.conf"
cp "$A/valise.conf" "$T/outside/valise.conf"
chown -R "$uid:$gid" "$AK" "$AS" "$A" "$T/outside" "$T/a-cwd"
chmod 0700 "$AK"
chmod 0644 "$A/valise.conf" "$AK/valise.conf" "$T/outside/valise.conf"
chmod 0755 "$T" "$FED" "$A"

stop_a() {
	[ -f "$APID" ] || return 0
	kill -TERM "$(cat "$APID")" 2>/dev/null
	wait_for 10 sh -c "! kill -0 $(cat "$APID") 2>/dev/null"
	kill -KILL "$(cat "$APID")" 2>/dev/null
	rm -f "$APID"
}

# What the unit's ExecStart and ExecStartPre run here.
as_unit() {	# as_unit COMMAND-LINE-FROM-THE-UNIT
	_cmd=$(printf '%s\n' "$1" | sed "s#/usr/sbin/valised#$VALISED#g; s#/etc/valise/valise.conf#$A/valise.conf#g")
	cd "$T/a-cwd" || return 1
	umask "${UMASK:-0022}"
	# shellcheck disable=SC2086 # word splitting is meant
	exec prlimit --core="$CORE:$CORE" setpriv --reuid="$uid" \
	    --regid="$gid" $SETPRIV env NOTIFY_SOCKET="$T/notify" $_cmd
}

# systemd's notification socket (Type=notify).
cat >"$T/notify.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.settimeout(300)
try:
    while True:
        print(s.recv(4096).decode(), flush=True)
except socket.timeout:
    pass
EOF
python3 "$T/notify.py" "$T/notify" >"$T/notify.out" 2>&1 &
notify_pid=$!
TAP_CLEANUP="kill $notify_pid 2>/dev/null; stop_a; [ -d '$A.real' ] && rm -f '$A' && mv '$A.real' '$A'; $TAP_CLEANUP"
wait_for 10 test -S "$T/notify"

start_a() {
	(as_unit "$EXEC") >>"$ALOG" 2>&1 &
	echo $! >"$APID"
	if ! wait_for 15 "$VALISE" status -c "$A/valise.conf"; then
		echo "# NODE-A did not start; its log:" >&2
		tail -n 20 "$ALOG" >&2
		return 1
	fi
}

(as_unit "$PRE") >"$T/pre.out" 2>&1
is "$?" 0 "ExecStartPre (--check-config) passes as the unit's user"

start_a || { echo "Bail out! NODE-A did not start as the unit's user"; exit 255; }
fed_start NODE-B || { echo "Bail out! NODE-B did not start"; exit 255; }
pid=$(cat "$APID")

# --- /proc/PID: who the daemon is ----------------------------------------------

st="/proc/$pid/status"
like "$(sed -n 's/^Name:[[:space:]]*//p' "$st")" "^valised" "PID $pid is valised itself"
is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st")" "$uid $uid $uid $uid" \
    "Uid: real, effective, saved and fs uid are $U's, not 0"
is "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "$st")" "$gid $gid $gid $gid" \
    "Gid: all $G's"
is "$(awk '/^Groups:/ { print $2 }' "$st")" "" "Groups: none"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "$(awk "/^$c:/ { print \$2 }" "$st")" 0000000000000000 "$c: no capability"
done
is "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")" 1 "NoNewPrivs: 1"
sec=$(awk '/^Seccomp:/ { print $2 }' "$st")
if [ "$sec" = 2 ]; then
	ok 0 "Seccomp: 2"
else
	skip "Seccomp: $sec, the filter is the unit's SystemCallFilter= and only systemd applies it (tests/systemd.t)"
fi
like "$(grep '^Max core file size' "/proc/$pid/limits")" " 0 +0 +bytes" \
    "Max core file size: 0 (soft and hard)"
# A process that is not dumpable has its /proc files owned by root.
is "$(stat -c %u "/proc/$pid/environ")" 0 \
    "not dumpable: /proc/$pid belongs to root, not to $U"
wait_for 10 grep -q "READY=1" "$T/notify.out"
ok $? "systemd is told READY=1 from inside the sandbox"
grep -q "sandbox: Landlock ABI" "$ALOG"
ok $? "its log says it confined itself"

# --- its name service helper -----------------------------------------------------

helper=$(sed -n 's/.*names through helper \([0-9][0-9]*\).*/\1/p' "$ALOG" | tail -n 1)
hst="/proc/${helper:-0}/status"
is "$(awk '/^PPid:/ { print $2 }' "$hst" 2>/dev/null)" "$pid" \
    "its name service helper (PID ${helper:-none}) is the node's child"
is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$hst" 2>/dev/null)" \
    "$uid $uid $uid $uid" "the helper runs as $U"
is "$(awk '/^CapEff:/ { print $2 }' "$hst" 2>/dev/null)$(awk '/^CapBnd:/ { print $2 }' "$hst" 2>/dev/null)" \
    0000000000000000""0000000000000000 "with no capability"
is "$(awk '/^NoNewPrivs:/ { print $2 }' "$hst" 2>/dev/null)" 1 \
    "and NoNewPrivs: 1"
is "$(stat -c %u "/proc/${helper:-0}/environ" 2>/dev/null)" 0 \
    "not dumpable either"
is "$(for f in "/proc/${helper:-0}"/fd/*; do
	case ${f##*/} in [012]) ;; *) readlink "$f" | sed 's/:.*//' ;; esac
    done)" socket "it holds nothing but its socket: no store, audit log or key"

# --- it works -------------------------------------------------------------------

run v NODE-A status
is "$rc" 0 "valise status answers"
like "$out" "sandbox: +Landlock ABI [0-9]+" "and says the node is confined by Landlock"
is "$(stat -c '%U %a' "$AS/store.db")" "$U 600" \
    "the store belongs to $U, mode 600 (the unit's UMask)"

echo "from A, confined" >"$T/m1"
run v NODE-A send --to NODE-B --label "NATO SECRET" --subject a2b "$T/m1"
is "$rc" 0 "A sends to B"
id1=$out
wait_for 20 sh -c "\"\$VALISE\" inbox -c \"$FED/NODE-B/valise.conf\" --json | grep -q ${id1:-NOID}"
ok $? "B receives it"

echo "from B, to the confined node" >"$T/m2"
run v NODE-B send --to NODE-A --label "NATO SECRET" --subject b2a "$T/m2"
is "$rc" 0 "B sends to A"
id2=$out
wait_for 20 sh -c "\"\$VALISE\" inbox -c \"$A/valise.conf\" --json | grep -q ${id2:-NOID}"
ok $? "A receives it"
grep -q "peer NODE-B: tcp://localhost:[0-9]* is tcp://127.0.0.1:" "$ALOG"
ok $? "A found B by host name, through its helper"
wait_for 20 grep -q "peer NODE-X: cannot connect to tcp://valise-t-nowhere.invalid:9: [a-z ]*; trying again every 30 s" "$ALOG"
ok $? "a peer whose name does not resolve is logged, to be tried again"
run v NODE-A read "${id2:-NOID}"
is "$rc" 0 "A verifies, decrypts and shows it"
like "$out" "from B, to the confined node" "with its body"

# useradd replaces /etc/passwd: the node must still read the new one.
useradd -M -N -s /bin/sh "$XU" 2>/dev/null
run v NODE-A status
is "$rc" 0 "a Unix account added while it runs: the node still knows its users"
userdel "$XU" 2>/dev/null

# --- SIGHUP, and what the running node cannot open ----------------------------

# hup PATTERN: SIGHUP, then wait until one more line of A's log matches.
hup() {
	_n=$(grep -c -- "$1" "$ALOG")
	kill -HUP "$pid"
	wait_for 10 sh -c "[ \$(grep -c -- '$1' '$ALOG') -gt $_n ]"
}

# A reload reads a configuration file replaced by a new one (sed -i), as
# an editor does: the rule is on the directory, not on the old file.
sed -i 's/checkpoint_seconds = 5;/checkpoint_seconds = 6;/' "$A/valise.conf"
chown "$uid:$gid" "$A/valise.conf"
hup "configuration reloaded"
ok $? "SIGHUP: the node reloads its configuration file, replaced by sed -i"

# The same path now leads elsewhere: the configuration's directory is
# moved away and a symbolic link to another directory takes its name.
# The node's user may read the file there; the node may not.
# In /etc and /usr too: the system's files are not the node's either.
ETCD=/etc/valise-t-privileges.$$
USRD=/usr/local/share/valise-t-privileges.$$
TAP_CLEANUP="rm -rf '$ETCD' '$USRD'; $TAP_CLEANUP"
for d in "$ETCD" "$USRD"; do
	mkdir -p "$d" && cp "$T/outside/valise.conf" "$d/" &&
	    chmod 0755 "$d" && chmod 0644 "$d/valise.conf"
done
mv "$A" "$A.real"
for d in "$AK" "$T/outside" "$ETCD" "$USRD"; do
	ln -s "$d" "$A"
	setpriv --reuid="$uid" --regid="$gid" --clear-groups \
	    cat "$A/valise.conf" >/dev/null 2>&1
	ok $? "$U may read $d/valise.conf by its mode"
	hup "configuration refused"
	ok $? "the running node may not: the reload through $d is refused"
	grep "cannot read" "$ALOG" | tail -n 1 >"$T/why"
	like "$(cat "$T/why")" "$A/valise.conf: cannot read: Permission denied" \
	    "with EACCES"
	rm "$A"
done
mv "$A.real" "$A"
hup "configuration reloaded"
ok $? "back in its own directory, the configuration reloads"

echo "after the reloads" >"$T/m3"
run v NODE-A send --to NODE-B --label "NATO SECRET" --subject after "$T/m3"
is "$rc" 0 "A sends after the reloads"
id3=$out
wait_for 20 sh -c "\"\$VALISE\" inbox -c \"$FED/NODE-B/valise.conf\" --json | grep -q ${id3:-NOID}"
ok $? "and B receives it"

run v NODE-A audit verify
is "$rc" 0 "A's audit log verifies"
! grep -l "Sanitizer\|runtime error" "$ALOG" "$FED"/*/log 2>/dev/null
ok $? "no sanitizer report in the logs"

# --- stop, then a crash ----------------------------------------------------------

kill -TERM "$pid"
wait "$pid"
is "$?" 0 "SIGTERM: the node stops with status 0"
rm -f "$APID"
wait_for 5 grep -q "STOPPING=1" "$T/notify.out"
ok $? "systemd is told STOPPING=1"

# Its helper killed, the confined node cannot start another: it stops,
# as on SIGTERM but with status 4, for Restart=on-failure to start it
# again with a new helper.
start_a || { echo "Bail out! NODE-A did not start again"; exit 255; }
pid=$(cat "$APID")
helper=$(sed -n 's/.*names through helper \([0-9][0-9]*\).*/\1/p' "$ALOG" | tail -n 1)
kill -KILL "${helper:-0}"
wait "$pid"
is "$?" 4 "its helper killed, the node stops with status 4"
rm -f "$APID"
grep -q "the name service helper has gone; stopping" "$ALOG"
ok $? "and says why in its log"

start_a || { echo "Bail out! NODE-A did not start again"; exit 255; }
pid=$(cat "$APID")
run v NODE-A audit log --event stop
like "$out" "the name service helper has gone" \
    "started again, its audit log holds why it stopped"
kill -SEGV "$pid"
{ wait "$pid"; } 2>/dev/null	# no "Segmentation fault" from the shell
rc=$?
if [ -n "${ASAN_OPTIONS:-}" ]; then	# make check-asan: abort_on_error
	is "$rc" 134 "kill -SEGV ends the node (ASan's report, then abort)"
else
	is "$rc" 139 "kill -SEGV ends the node (128 + 11)"
fi
rm -f "$APID"
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
case "$pattern" in
"|"* | */*)
	skip "core_pattern '$pattern' sends cores elsewhere; not looked for" ;;
*)
	is "$(ls -A "$T/a-cwd" | wc -l | tr -d ' ')" 0 \
	    "and leaves no core in its working directory (core_pattern '$pattern')" ;;
esac

done_testing
