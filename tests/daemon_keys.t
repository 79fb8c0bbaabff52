#!/bin/sh
# SPDX-License-Identifier: ISC
# A node whose key is passphrase-protected starts unattended with the
# passphrase file named in its configuration, and refuses to start with a
# wrong one, a key readable by others, or another node's key.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/n"
printf 'correct horse battery staple\n' >"$T/n/pass"
chmod 600 "$T/n/pass"
"$VALISE" keygen --dir "$T/n/keys" --name DK-A --passphrase-file "$T/n/pass" \
    >/dev/null 2>&1
is "$?" 0 "keygen with a passphrase file"
# A port nothing listens on (tests and benchmarks share the machine).
port=$((30000 + $$ % 5000))
while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do
	port=$((port + 1))
done
cat >"$T/n/valise.conf" <<EOC
node = { name = "DK-A"; nationality = "BEL"; accreditation = "BE:SECRET";
  listen = "tcp://127.0.0.1:$port"; key_dir = "keys"; state_dir = "state";
  passphrase_file = "pass"; };
users = ( { login = "$(id -un)"; clearance = "BE:SECRET"; nationality = "BEL";
  roles = ["officer"]; } );
EOC
start() {	# start: run valised for a moment; its status in $rc
	"$VALISED" -c "$T/n/valise.conf" >"$T/log" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt $((50 * ${VALISE_SLOW:-1})) ] &&
	    kill -0 $pid 2>/dev/null &&
	    ! "$VALISE" status -c "$T/n/valise.conf" >/dev/null 2>&1; do
		sleep 0.1
		i=$((i + 1))
	done
	"$VALISE" status -c "$T/n/valise.conf" >/dev/null 2>&1
	up=$?
	kill -TERM $pid 2>/dev/null
	wait $pid
	rc=$?
}
start
is "$up" 0 "the node starts with its passphrase file"
is "$rc" 0 "and stops cleanly"
[ "$up" -eq 0 ] && [ "$rc" -eq 0 ] || diag "$(cat "$T/log")"

printf 'wrong\n' >"$T/n/pass"
start
ok "$([ "$up" -ne 0 ] && [ "$rc" -ne 0 ]; echo $?)" "a wrong passphrase: the node does not start"
like "$(cat "$T/log")" "passphrase" "and says why"

printf 'correct horse battery staple\n' >"$T/n/pass"
chmod 644 "$T/n/keys/node.sec"
start
ok "$([ "$up" -ne 0 ]; echo $?)" "a key file readable by others is refused"
chmod 600 "$T/n/keys/node.sec"

sed -i 's/name = "DK-A"/name = "DK-B"/' "$T/n/valise.conf"
start
ok "$([ "$up" -ne 0 ]; echo $?)" "another node's key is refused"
like "$(cat "$T/log")" "the key is for node 'DK-A'" "naming both"

done_testing
