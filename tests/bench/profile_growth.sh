#!/bin/sh
# SPDX-License-Identifier: ISC
#
# profile_growth.sh [ROUNDS]: how the cost of a message changes as the
# stores grow.  Two nodes as in bench_node.sh; ROUNDS (default 3) rounds
# of 10,000 messages submitted with `valise send --batch` (four files of
# 2,500) into the same nodes, one after the other.  For each round it
# prints the bulk rate, the CPU time of each valised per message (utime +
# stime from /proc/PID/stat, all threads), the bytes each wrote per
# message (wchar from /proc/PID/io: WAL frames and checkpoints of both
# databases), the share of the round each daemon's main thread spent on
# a CPU and waiting for one (/proc/PID/task/PID/schedstat: whether that
# thread, which does all of a node's work, is what limits the rate) and
# the share of the machine left idle (/proc/stat).
# Not part of `make bench`: run it by hand, e.g.
#
#   make OPT='-O2 -g -DNDEBUG' all build/bench/bench_node_drv
#   VALISE_BUILD=$PWD/build sh tests/bench/profile_growth.sh 3
. "$(dirname "$0")/lib.sh"

ROUNDS=${1:-3}
PER_ROUND=10000
DRV="$VALISE_BUILD/bench/bench_node_drv"

bench_start_pair || exit 1
bench_batch_file 2500 BE-B "$BENCH_LABEL" "$T/bulk.jsonl"

cpu_ticks() {	# PID: utime + stime, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
wchar() {	# PID: bytes written so far
	awk '/^wchar/ { print $2 }' "/proc/$1/io"
}
sched() {	# PID: "ns on a CPU, ns runnable" of its main thread
	awk '{ print $1, $2 }' "/proc/$1/task/$1/schedstat"
}
idle_total() {	# "idle+iowait total" of /proc/stat, in ticks
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i;
	    print $5 + $6, t }' /proc/stat
}

hz=$(getconf CLK_TCK)
printf '%-6s %9s %9s %9s %9s %9s %11s %11s %5s\n' round "msgs/s" \
    "A us/msg" "B us/msg" "A B/msg" "B B/msg" "A run/wait" "B run/wait" idle
r=1
while [ $r -le "$ROUNDS" ]; do
	"$DRV" wait "$FED/BE-B/valise.conf" $((r * PER_ROUND)) 600 \
	    >"$T/done" &
	drv=$!
	sleep 0.5	# the watcher has opened the store
	ca=$(cpu_ticks "$PID_A"); cb=$(cpu_ticks "$PID_B")
	wa=$(wchar "$PID_A"); wb=$(wchar "$PID_B")
	sa=$(sched "$PID_A"); sb=$(sched "$PID_B")
	set -- $(idle_total)
	i0=$1 t0s=$2
	t0=$(bench_now)
	for f in 1 2 3 4; do
		bench_send_batch BE-A "$T/bulk.jsonl" || { kill $drv; exit 1; }
	done
	wait $drv || exit 1
	set -- $(idle_total) $sa $(sched "$PID_A") $sb $(sched "$PID_B")
	awk -v n=$PER_ROUND -v r=$r -v hz="$hz" \
	    -v s="$(bench_calc "$(cat "$T/done") - $t0" 6)" \
	    -v ar=$(($5 - $3)) -v aw=$(($6 - $4)) \
	    -v br=$(($9 - $7)) -v bw=$((${10} - $8)) \
	    -v ca=$(($(cpu_ticks "$PID_A") - ca)) -v cb=$(($(cpu_ticks "$PID_B") - cb)) \
	    -v wa=$(($(wchar "$PID_A") - wa)) -v wb=$(($(wchar "$PID_B") - wb)) \
	    -v idle=$(($1 - i0)) -v total=$(($2 - t0s)) 'BEGIN {
		w = s * 1e7	# ns of schedstat to % of the round
		printf "%-6d %9.0f %9.0f %9.0f %9.0f %9.0f %5.0f/%-4.0f %5.0f/%-4.0f %4.0f%%\n",
		    r, n / s, ca * 1e6 / hz / n, cb * 1e6 / hz / n,
		    wa / n, wb / n, ar / w, aw / w, br / w, bw / w,
		    100 * idle / total }'
	r=$((r + 1))
done
fed_stop_all
