#!/bin/sh
# SPDX-License-Identifier: ISC
#
# profile_node.sh [N]: where a node's instructions go, per message.  Two
# nodes as in bench_node.sh, both valised under callgrind; N messages
# (default 2000) submitted with `valise send --batch` and delivered; then
# both daemons are stopped and the inclusive profile of each is printed,
# per message.  Instruction counts, unlike times, repeat on these shared
# machines.  Not part of `make bench`: run it by hand, e.g.
#
#   make OPT='-O2 -g -DNDEBUG' all
#   VALISE_BUILD=$PWD/build sh tests/bench/profile_node.sh 2000
#
# The callgrind files stay in $PROFILE_OUT (default ./profile-node).
. "$(dirname "$0")/lib.sh"

N=${1:-2000}
OUT=${PROFILE_OUT:-$PWD/profile-node}
mkdir -p "$OUT"
rm -f "$OUT"/callgrind.*

cat >"$T/valised" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --quiet ${PROFILE_ARGS:-} \
    --callgrind-out-file="$OUT/callgrind.%p" "$VALISE_BUILD/valised" "\$@"
EOF
chmod +x "$T/valised"
VALISED=$T/valised
VALISE_SLOW=20
# Under callgrind everything is about 50 times slower: without a long
# retry delay the origin would resend what the peer has not yet answered,
# and the profile would count work a real run does not do.
FED_EXTRA="retry_min_ms = 600000; retry_max_ms = 600000;"

bench_start_pair || exit 1
bench_batch_file "$N" BE-B "$BENCH_LABEL" "$T/prof.jsonl"
bench_send_batch BE-A "$T/prof.jsonl" || exit 1
bench_wait_inbox BE-B "$N" 600 || { echo "profile: not delivered" >&2; exit 1; }
sleep 2		# the last receipts and acknowledgements
kill -TERM "$PID_A" "$PID_B"
wait_for 60 sh -c "! kill -0 $PID_A 2>/dev/null && ! kill -0 $PID_B 2>/dev/null"

for side in "A $PID_A" "B $PID_B"; do
	set -- $side
	f=$OUT/callgrind.$2
	echo "== BE-$1 (valised), per message of $N"
	callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
	    awk -v n="$N" '
		/PROGRAM TOTALS/ { gsub(",", "", $1); printf "%-12.0f total\n", $1 / n; next }
		/^ *[0-9,]+ .*\(/ && shown < 40 {
			v = $1; gsub(",", "", v); $1 = "";
			sub(/^ +/, ""); sub(/ \[.*/, "");
			printf "%-12.0f %s\n", v / n, $0; shown++ }'
done
