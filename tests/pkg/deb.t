#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The Debian package on this machine: lintian, install, the programs, the
# user, the directories and their modes, the unit, a node started from the
# installed files, then purge.  It changes the machine, so it is not part
# of `make check`; `make check-deb` (and CI) runs it, as root.  It refuses
# to touch a machine where valise is already installed.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP installs a package: root only"
	exit 0
fi
if ! command -v dpkg >/dev/null 2>&1; then
	echo "1..0 # SKIP dpkg is not available"
	exit 0
fi
if dpkg-query -W -f='${Status}' valise 2>/dev/null | grep -q installed ||
    [ -e /etc/valise ] || [ -e /var/lib/valise ]; then
	echo "1..0 # SKIP valise is already installed here; not touching it"
	exit 0
fi

: "${VALISE_VERSION:=$(sed -n 's/^VERSION *= *//p' "$VALISE_SRC/Makefile")}"
DEB="$VALISE_BUILD/valise_${VALISE_VERSION}_$(dpkg --print-architecture).deb"
[ -f "$DEB" ] || { echo "Bail out! $DEB not built (make deb)"; exit 255; }

had_user=no
getent passwd valise >/dev/null 2>&1 && had_user=yes
pid=
# Leave the machine as it was, whatever happened.
TAP_CLEANUP='
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -f /etc/valise/keys/node.sec /var/lib/valise/*.db \
	    /var/lib/valise/*.db-* /var/lib/valise/control.sock
	dpkg --purge valise >/dev/null 2>&1
	[ "$had_user" = no ] && { userdel valise; groupdel valise; } \
	    >/dev/null 2>&1
	:'

# --- the file ----------------------------------------------------------------

if command -v lintian >/dev/null 2>&1; then
	run lintian --fail-on error "$DEB"
	is "$rc" 0 "lintian reports no errors"
	[ "$rc" -eq 0 ] || diag "$out"
else
	ok 0 "# SKIP lintian is not installed (packaging/deps.sh --deb)"
fi
run dpkg-deb -c "$DEB"
for f in ./usr/bin/valise ./usr/libexec/valise/valise-offline \
    ./usr/sbin/valised ./etc/valise/valise.conf \
    ./lib/systemd/system/valised.service ./usr/lib/sysusers.d/valise.conf \
    ./usr/lib/tmpfiles.d/valise.conf ./usr/share/man/man1/valise.1.gz \
    ./usr/share/man/man8/valised.8.gz ./usr/share/man/man5/valise.conf.5.gz \
    ./usr/share/doc/valise/copyright; do
	like "$out" " $f\$" "the package holds $f"
done
run dpkg-deb -f "$DEB" Depends
like "$out" "libsodium" "Depends names the libraries (dpkg-shlibdeps)"
run sh -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -xOf - ./conffiles"
is "$out" "/etc/valise/valise.conf" "valise.conf is a conffile"

# --- install -------------------------------------------------------------------

run dpkg -i "$DEB"
is "$rc" 0 "dpkg -i installs it"
[ "$rc" -eq 0 ] || { diag "$err"; echo "Bail out! install failed"; exit 255; }

run valise --version
is "$out" "valise $VALISE_VERSION" "valise --version"
run valised --version
is "$out" "valised $VALISE_VERSION" "valised --version"
run valise label show "NATO SECRET"
is "$out" "NATO SECRET" "valise label runs the installed valise-offline"
run valised --check-config -c /etc/valise/valise.conf
is "$rc" 0 "the shipped valise.conf passes valised --check-config"
[ "$rc" -eq 0 ] || diag "$err"

run getent passwd valise
is "$rc" 0 "the valise user exists"
like "$out" ':/usr/sbin/nologin$|:/bin/false$' "and has no login shell"
run getent group valise
is "$rc" 0 "the valise group exists"
is "$(stat -c '%a %U %G' /etc/valise/valise.conf)" "640 root valise" \
    "valise.conf is 0640 root:valise"
is "$(stat -c '%a %U %G' /etc/valise/keys)" "700 valise valise" \
    "/etc/valise/keys is 0700 valise"
is "$(stat -c '%a %U %G' /var/lib/valise)" "710 valise valise" \
    "/var/lib/valise is 0710 valise"

U=/lib/systemd/system/valised.service
for d in User=valise Type=notify NoNewPrivileges=yes ProtectSystem=strict \
    ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
    MemoryDenyWriteExecute=yes CapabilityBoundingSet= StateDirectory=valise \
    RuntimeDirectory=valise LimitCORE=0 UMask=0077 \
    'ExecReload=/bin/kill -HUP $MAINPID'; do
	grep -qxF "$d" "$U"
	ok $? "the unit sets $d"
done
if grep -q '^PrivateUsers=yes' "$U"; then r=1; else r=0; fi
ok $r "the unit keeps real uids (SO_PEERCRED needs them)"
if command -v systemd-analyze >/dev/null 2>&1; then
	run systemd-analyze verify "$U"
	is "$rc:$out$err" "0:" "systemd-analyze verify passes, silently"
else
	ok 0 "# SKIP systemd-analyze is not installed"
fi
for p in valise valised valise.conf; do
	run man -w "$p"
	is "$rc" 0 "man $p is installed"
done

# --- a node from the installed files, as the valise user -----------------------

run setpriv --reuid valise --regid valise --init-groups valise keygen \
    --dir /etc/valise/keys --name CHANGE-ME --no-passphrase
is "$rc" 0 "keygen as valise writes /etc/valise/keys/node.sec"
is "$(stat -c '%a %U' /etc/valise/keys/node.sec 2>/dev/null)" "600 valise" \
    "node.sec is 0600 valise"
setpriv --reuid valise --regid valise --init-groups \
    valised -c /etc/valise/valise.conf >"$T/node.log" 2>&1 &
pid=$!
i=0
while [ ! -S /var/lib/valise/control.sock ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
ok "$([ -S /var/lib/valise/control.sock ]; echo $?)" \
    "the node starts and opens /var/lib/valise/control.sock"
is "$(stat -c '%a %G' /var/lib/valise/control.sock 2>/dev/null)" \
    "660 valise" "the control socket is 0660, group valise"
run valise status
is "$rc" 1 "root, not a configured user, is refused (exit 1)"
like "$err" "not a user of this node" "and told why"
is "$(stat -c '%a' /var/lib/valise/audit.db 2>/dev/null)" "600" \
    "audit.db is 0600"
kill "$pid" 2>/dev/null
wait "$pid"
is "$?" 0 "the node exits 0 on SIGTERM"
pid=
[ -n "${VALISE_VERBOSE:-}" ] && cat "$T/node.log" >&2

# --- purge ---------------------------------------------------------------------

rm -f /etc/valise/keys/node.sec /var/lib/valise/*.db /var/lib/valise/*.db-*
run dpkg --purge valise
is "$rc" 0 "dpkg --purge removes it"
run dpkg-query -W -f='${Status}' valise
unlike=0; echo "$out" | grep -q 'installed' && unlike=1
ok $unlike "the package is gone"
ok "$([ ! -e /etc/valise ] && [ ! -e /var/lib/valise ]; echo $?)" \
    "/etc/valise and /var/lib/valise are gone"
ok "$([ ! -e /usr/sbin/valised ]; echo $?)" "valised is gone"

done_testing
