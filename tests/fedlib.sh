# SPDX-License-Identifier: ISC
#
# fedlib.sh: build and run a federation of valise nodes on this machine, for
# the tests and the demo.  Source it after tests/lib.sh (or set $T, $VALISE
# and $VALISED yourself).
#
#	fed_add NAME NAT ORGS ACCREDITATION	keys + a port for a node
#	fed_link A B				a direct CURVE link
#	fed_route NODE DEST VIA			a route
#	fed_user NODE LOGIN CLEARANCE NAT ORGS ROLES
#	fed_accredit NODE PEER ACCREDITATION	NODE's view of PEER
#	fed_netns NODE NETNS ADDR		run NODE in a network namespace
#	fed_endpoint NODE PEER ENDPOINT		NODE reaches PEER there (a proxy)
#	fed_write				write every valise.conf
#	fed_start NAME / fed_stop NAME / fed_kill NAME
#	fed_stop_all				(also run at exit)
#	v NAME ARGS...				valise -c NAME's config ARGS...
#
# ORGS and ROLES are comma lists ("NATO,EU", "officer"), or "-".

FED="$T/fed"
mkdir -p "$FED"
: "${FED_PORT:=$((20000 + ($$ % 2000) * 10))}"

# The next TCP port from FED_PORT that nothing listens on: tests and
# benchmarks run side by side on shared machines.
_fed_port() {
	while ss -Htln "sport = :$FED_PORT" 2>/dev/null | grep -q . ||
	    grep -qx "$FED_PORT" "$FED"/*/port 2>/dev/null; do
		FED_PORT=$((FED_PORT + 1))
	done
	echo "$FED_PORT"
	FED_PORT=$((FED_PORT + 1))
}

_fed_list() {	# "NATO,EU" -> "NATO", "EU"
	[ "$1" = "-" ] && return 0
	echo "$1" | sed 's/[^,][^,]*/"&"/g; s/,/, /g'
}

fed_add() {
	mkdir -p "$FED/$1"
	_fed_port >"$FED/$1/port.new"
	mv "$FED/$1/port.new" "$FED/$1/port"
	printf '%s\n' "$2" >"$FED/$1/nat"
	printf '%s\n' "$3" >"$FED/$1/orgs"
	printf '%s\n' "$4" >"$FED/$1/acc"
	: >"$FED/$1/links"
	: >"$FED/$1/routes"
	: >"$FED/$1/users"
	"$VALISE" keygen --dir "$FED/$1/keys" --name "$1" --no-passphrase \
	    >/dev/null 2>&1 || { echo "fedlib: keygen $1 failed" >&2; return 1; }
	"$VALISE" id --dir "$FED/$1/keys" | head -n 1 >"$FED/$1/line"
	echo "$1" >>"$FED/nodes"
}

# fed_accredit NODE PEER ACCREDITATION: what NODE's sysadmin believes PEER
# is accredited for (defaults to PEER's own accreditation).
fed_accredit() {
	printf '%s\n' "$3" >"$FED/$1/acc.$2"
}

# fed_netns NODE NETNS ADDR: NODE's valised runs in the network namespace
# NETNS (`ip netns exec`, so root only) and listens on ADDR, where its
# peers reach it; the control socket is a file, so `v` works unchanged.
fed_netns() {
	printf '%s\n' "$2" >"$FED/$1/netns"
	printf '%s\n' "$3" >"$FED/$1/addr"
}

# fed_endpoint NODE PEER ENDPOINT: NODE connects to PEER at ENDPOINT (a
# fault-injecting proxy, say) instead of where PEER listens.
fed_endpoint() {
	printf '%s\n' "$3" >"$FED/$1/ep.$2"
}

_fed_addr() {
	if [ -f "$FED/$1/addr" ]; then
		cat "$FED/$1/addr"
	else
		echo 127.0.0.1
	fi
}

fed_link() {
	echo "$2" >>"$FED/$1/links"
	echo "$1" >>"$FED/$2/links"
}

fed_route() {
	echo "$2 $3" >>"$FED/$1/routes"
}

fed_user() {
	echo "$2|$3|$4|$5|$6" >>"$FED/$1/users"
}

fed_write() {
	for n in $(cat "$FED/nodes"); do
		c="$FED/$n/valise.conf"
		{
		echo "node = {"
		echo "  name = \"$n\";"
		echo "  nationality = \"$(cat "$FED/$n/nat")\";"
		echo "  organisations = [$(_fed_list "$(cat "$FED/$n/orgs")")];"
		echo "  accreditation = \"$(cat "$FED/$n/acc")\";"
		echo "  listen = \"tcp://$(_fed_addr "$n"):$(cat "$FED/$n/port")\";"
		echo "  key_dir = \"keys\";"
		echo "  state_dir = \"state\";"
		echo "  checkpoint_seconds = 5;"
		# under valgrind a node drains a burst 20 times slower: scale
		# the time its peers wait for a PONG before hanging up
		echo "  heartbeat_ms = $((2000 * ${VALISE_SLOW:-1}));"
		[ -n "${FED_EXTRA:-}" ] && echo "  $FED_EXTRA"
		echo "};"
		echo "peers = ("
		sep=""
		for p in $(cat "$FED/nodes"); do
			[ "$p" = "$n" ] && continue
			printf '%s  { name = "%s"; key = "%s";\n' "$sep" "$p" \
			    "$(cat "$FED/$p/line")"
			if [ -f "$FED/$n/ep.$p" ]; then
				printf '    endpoint = "%s";\n' \
				    "$(cat "$FED/$n/ep.$p")"
			elif grep -qx "$p" "$FED/$n/links"; then
				printf '    endpoint = "tcp://%s:%s";\n' \
				    "$(_fed_addr "$p")" "$(cat "$FED/$p/port")"
			fi
			printf '    nationality = "%s"; organisations = [%s];\n' \
			    "$(cat "$FED/$p/nat")" \
			    "$(_fed_list "$(cat "$FED/$p/orgs")")"
			if [ -f "$FED/$n/acc.$p" ]; then
				_acc=$(cat "$FED/$n/acc.$p")
			else
				_acc=$(cat "$FED/$p/acc")
			fi
			printf '    accreditation = "%s"; }' "$_acc"
			sep=",
"
		done
		echo
		echo ");"
		echo "routes = ("
		sep=""
		while read -r dest via; do
			printf '%s  { destination = "%s"; via = "%s"; }' "$sep" \
			    "$dest" "$via"
			sep=",
"
		done <"$FED/$n/routes"
		echo
		echo ");"
		echo "users = ("
		sep=""
		while IFS='|' read -r login clr nat orgs roles; do
			printf '%s  { login = "%s"; clearance = "%s";\n' "$sep" \
			    "$login" "$clr"
			printf '    nationality = "%s"; organisations = [%s]; roles = [%s]; }' \
			    "$nat" "$(_fed_list "$orgs")" "$(_fed_list "$roles" |
			    sed 's/"\([a-z]*\)"/"\1"/g')"
			sep=",
"
		done <"$FED/$n/users"
		echo
		echo ");"
		[ -n "${FED_REVOKED:-}" ] && echo "revoked = [ $FED_REVOKED ];"
		[ -n "${FED_TOPLEVEL:-}" ] && printf '%s\n' "$FED_TOPLEVEL"
		} >"$c"
	done
}

v() {
	_vn=$1
	_vc=$2
	shift 2
	"$VALISE" "$_vc" -c "$FED/$_vn/valise.conf" "$@"
}

fed_start() {
	if [ -f "$FED/$1/netns" ]; then
		# ip netns exec execs valised in place: $! is valised
		ip netns exec "$(cat "$FED/$1/netns")" \
		    "$VALISED" -c "$FED/$1/valise.conf" >>"$FED/$1/log" 2>&1 &
	else
		"$VALISED" -c "$FED/$1/valise.conf" >>"$FED/$1/log" 2>&1 &
	fi
	echo $! >"$FED/$1/pid"
	_fi=0
	while [ $_fi -lt $((100 * ${VALISE_SLOW:-1})) ]; do
		if [ -S "$FED/$1/state/control.sock" ] &&
		    "$VALISE" status -c "$FED/$1/valise.conf" >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$(cat "$FED/$1/pid")" 2>/dev/null; then
			echo "fedlib: $1 exited; its log:" >&2
			tail -n 20 "$FED/$1/log" >&2
			return 1
		fi
		sleep 0.1
		_fi=$((_fi + 1))
	done
	echo "fedlib: $1 did not come up" >&2
	return 1
}

fed_stop() {
	[ -f "$FED/$1/pid" ] || return 0
	pid=$(cat "$FED/$1/pid")
	kill -TERM "$pid" 2>/dev/null
	_fi=0	# under valgrind the exit includes the leak check
	while kill -0 "$pid" 2>/dev/null &&
	    [ $_fi -lt $((100 * ${VALISE_SLOW:-1})) ]; do
		sleep 0.1
		_fi=$((_fi + 1))
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo $? >"$FED/$1/exit"
	rm -f "$FED/$1/pid"
}

# fed_logs_clean: 0 when no node's log holds a sanitizer report.
fed_logs_clean() {
	! grep -l "Sanitizer\|runtime error" "$FED"/*/log 2>/dev/null
}

fed_kill() {
	[ -f "$FED/$1/pid" ] || return 0
	kill -KILL "$(cat "$FED/$1/pid")" 2>/dev/null
	wait "$(cat "$FED/$1/pid")" 2>/dev/null
	rm -f "$FED/$1/pid"
}

fed_stop_all() {
	[ -f "$FED/nodes" ] || return 0
	for n in $(cat "$FED/nodes"); do
		fed_stop "$n"
	done
}

# wait_for SECONDS CMD...: poll until CMD succeeds.
wait_for() {
	_w=$(($1 * 10 * ${VALISE_SLOW:-1}))	# VALISE_SLOW: under valgrind
	shift
	while [ $_w -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_w=$((_w - 1))
	done
	return 1
}

TAP_CLEANUP="fed_stop_all"
