# SPDX-License-Identifier: ISC
#
# lib.sh: what the benchmark scripts share.  Source it first; it sources
# tests/lib.sh (a private directory $T, removed at exit; $VALISE, $VALISED)
# and tests/fedlib.sh (fed_add, fed_link, fed_start, v, ...).
#
#	bench_result KEY VALUE		append KEY=VALUE to $BENCH_RESULTS
#	bench_now			seconds since the epoch, ns precision
#	bench_calc EXPR			awk arithmetic, printed
#	bench_batch_file N TO LABEL OUT	N lines for `valise send --batch`,
#					4 KiB bodies
#	bench_send_batch NODE FILE	submit FILE, resubmitting the rest of
#					it after a temporary refusal (exit 3)
#	bench_inbox_count NODE		messages in NODE's inbox
#	bench_wait_inbox NODE N SECS	poll until NODE's inbox holds N
#	bench_rss_mib PID		VmRSS of PID in MiB
#	bench_start_pair		bench_two_nodes, both started; their
#					pids in PID_A and PID_B
#
# These figures are for comparison in one run, not for timing tests: the
# machines are shared and noisy.

: "${VALISE_BUILD:?VALISE_BUILD is set by the Makefile}"
: "${VALISE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
export VALISE_SRC
. "$VALISE_SRC/tests/lib.sh"
. "$VALISE_SRC/tests/fedlib.sh"

BENCH_BODY_BYTES=4096
BENCH_LABEL="BE:SECRET"
BENCH_ACC="BE:SECRET+NATO:SECRET"

bench_result() {
	echo "$1=$2" >>"${BENCH_RESULTS:-/dev/null}"
}

bench_now() {
	date +%s.%N
}

bench_calc() {
	awk "BEGIN { printf \"%.${2:-3}f\\n\", $1 }"
}

# Eight different random 4 KiB bodies, used in turn; the text is ASCII so
# that it goes into JSON as it is.
bench_batch_file() {
	python3 - "$1" "$2" "$3" "$4" "$BENCH_BODY_BYTES" <<'EOF'
import random, string, sys
n, to, label, out, size = int(sys.argv[1]), sys.argv[2], sys.argv[3], \
    sys.argv[4], int(sys.argv[5])
rnd = random.Random(n)
alpha = string.ascii_letters + string.digits
bodies = ["".join(rnd.choice(alpha) for _ in range(size)) for _ in range(8)]
with open(out, "w") as f:
    for i in range(n):
        f.write('{"to":"%s","label":"%s","subject":"bench %d","body":"%s"}\n'
                % (to, label, i, bodies[i % 8]))
EOF
}

# A 4 KiB body in a file, for one-message-per-process senders.
bench_body_file() {
	python3 -c "import random, string, sys
rnd = random.Random(7)
sys.stdout.write(''.join(rnd.choice(string.ascii_letters)
    for _ in range($BENCH_BODY_BYTES)))" >"$1"
}

# Submit a batch file.  `valise send --batch` stops at the first
# temporary refusal (exit 3: "the node is busy"), having printed the ids
# of what was queued before it; the rest of the file is submitted again,
# as an officer's script would.  BENCH_RETRIES counts the refusals.
BENCH_RETRIES=0
bench_send_batch() {
	_bf=$2
	_bdone=0
	_btotal=$(wc -l <"$_bf")
	_btries=0
	while [ "$_bdone" -lt "$_btotal" ] && [ $_btries -lt 1000 ]; do
		if [ "$_bdone" -gt 0 ]; then
			tail -n +"$((_bdone + 1))" "$2" >"$T/batch.$1.rest"
			_bf=$T/batch.$1.rest
		fi
		v "$1" send --batch "$_bf" >"$T/batch.$1.ids" 2>"$T/batch.$1.err"
		_brc=$?
		_bdone=$((_bdone + $(wc -l <"$T/batch.$1.ids")))
		[ $_brc -eq 0 ] && break
		if [ $_brc -ne 3 ]; then
			echo "bench: valise send --batch exited $_brc:" >&2
			cat "$T/batch.$1.err" >&2
			return 1
		fi
		BENCH_RETRIES=$((BENCH_RETRIES + 1))
		_btries=$((_btries + 1))
		sleep 0.01
	done
	[ "$_bdone" -ge "$_btotal" ]
}

bench_inbox_count() {
	v "$1" inbox --json 2>/dev/null | grep -c '"id"'
}

bench_wait_inbox() {
	_wn=$(($3 * 20))
	while [ $_wn -gt 0 ]; do
		[ "$(bench_inbox_count "$1")" -ge "$2" ] && return 0
		sleep 0.05
		_wn=$((_wn - 1))
	done
	return 1
}

bench_rss_mib() {
	awk '/^VmRSS:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"
}

# Two nodes on loopback, both durable and audited (the defaults), with the
# bench user (whoever runs it) an officer on both.
bench_two_nodes() {
	fed_add BE-A BEL NATO,EU "$BENCH_ACC"
	fed_add BE-B BEL NATO,EU "$BENCH_ACC"
	fed_link BE-A BE-B
	for _n in BE-A BE-B; do
		fed_user $_n "$(id -un)" "$BENCH_ACC" BEL NATO officer,auditor
	done
	fed_write
}

bench_start_pair() {
	bench_two_nodes
	fed_start BE-A && fed_start BE-B || return 1
	PID_A=$(cat "$FED/BE-A/pid")
	PID_B=$(cat "$FED/BE-B/pid")
}
