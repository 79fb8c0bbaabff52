#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bench_queue: the memory of a node holding a large queue.  BE-A queues
# BENCH_QUEUE messages of 4 KiB for BE-B, which is configured but never
# started (an offline peer), with `valise send --batch`; then
#   rss_100k_queued_mib   VmRSS of BE-A's valised with them all queued
#   queue_submit_msgs_per_s  the submission rate while the queue grows
# (rss_idle_mib is bench_node's: the same node before any traffic.)
. "$(dirname "$0")/lib.sh"

: "${BENCH_QUEUE:=100000}"
: "${BENCH_QUEUE_FILE:=5000}"

bench_two_nodes
fed_start BE-A || exit 1
pid=$(cat "$FED/BE-A/pid")
rss0=$(bench_rss_mib "$pid")
bench_batch_file "$BENCH_QUEUE_FILE" BE-B "$BENCH_LABEL" "$T/q.jsonl"
files=$((BENCH_QUEUE / BENCH_QUEUE_FILE))
t0=$(bench_now)
i=0
while [ $i -lt $files ]; do
	bench_send_batch BE-A "$T/q.jsonl" || exit 1
	i=$((i + 1))
done
t1=$(bench_now)
queued=$(v BE-A status --json | tr ',' '\n' |
    awk -F: '/"queued_routine"/ { gsub(/[^0-9]/, "", $2); print $2 }')
sleep 2		# the node settles: nothing is due before its backoff
rss=$(bench_rss_mib "$pid")
rate=$(bench_calc "$((files * BENCH_QUEUE_FILE)) / ($t1 - $t0)" 0)
printf '%-52s %12s\n' "figure" "value"
printf '%-52s %12s\n' "messages queued for an offline peer" "$queued"
printf '%-52s %12s\n' "RSS before, MiB" "$rss0"
printf '%-52s %12s\n' "RSS with them queued, MiB" "$rss"
printf '%-52s %12s\n' "submission while the queue grows, msgs/s" "$rate"
bench_result queue_messages "$queued"
bench_result rss_100k_queued_mib "$rss"
bench_result queue_submit_msgs_per_s "$rate"
fed_stop_all
exit 0
