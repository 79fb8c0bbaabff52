#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bench_node: two valise nodes on loopback, BE-A -> BE-B, one recipient,
# 4 KiB bodies, every message durable (synchronous=FULL) and audited at
# both ends (the default configuration):
#
#   bulk_msgs_per_s         BENCH_BULK messages submitted with
#                           `valise send --batch` (files of BENCH_BULK_FILE
#                           lines, one after the other), from the first
#                           submission until all are committed in BE-B's
#                           inbox
#   per_process_msgs_per_s  BENCH_PROC messages, one `valise send` process
#                           each, one after the other, from the first until
#                           all are in BE-B's inbox
#   process_start_per_s, process_status_per_s  the same loop running
#                           `valise --version` and `valise status`: what a
#                           process costs before the node does any work
#   process_true_per_s      and running /bin/true: what starting any
#                           process costs on this machine today
#   latency_p50_ms, _p99_ms from a send's reply (durably queued and
#                           audited at BE-A) until the message is committed
#                           in BE-B's inbox, at BENCH_LAT_RATE messages/s
#                           offered (bench_node_drv latency)
#   rss_idle_mib            VmRSS of BE-A's valised, started, connected,
#                           idle; before any traffic
#   rss_idle_helper_mib     and of its name service helper (node/lookup.h),
#                           a second process; "" without one (no Landlock)
#
# "In the inbox" is observed by bench_node_drv, which reads BE-B's store
# read-only and so sees a message only once its commit is on disk.
. "$(dirname "$0")/lib.sh"

: "${BENCH_BULK:=10000}"
: "${BENCH_BULK_FILE:=2500}"
: "${BENCH_PROC:=500}"
: "${BENCH_LAT_RATE:=1000}"
: "${BENCH_LAT_MSGS:=5000}"
DRV="$VALISE_BUILD/bench/bench_node_drv"

bench_start_pair || exit 1
CONF_A=$FED/BE-A/valise.conf
CONF_B=$FED/BE-B/valise.conf

# Idle: both up and linked, nothing sent yet.
sleep 2
rss_idle=$(bench_rss_mib "$(cat "$FED/BE-A/pid")")
rss_idle_b=$(bench_rss_mib "$(cat "$FED/BE-B/pid")")
helper_a=$(pgrep -P "$(cat "$FED/BE-A/pid")" -x valised | head -n 1)
rss_helper=${helper_a:+$(bench_rss_mib "$helper_a")}

# --- bulk ---------------------------------------------------------------
bench_batch_file "$BENCH_BULK_FILE" BE-B "$BENCH_LABEL" "$T/bulk.jsonl"
files=$((BENCH_BULK / BENCH_BULK_FILE))
total=$((files * BENCH_BULK_FILE))
"$DRV" wait "$CONF_B" "$total" 300 >"$T/bulk.done" &
drv=$!
sleep 0.5	# the watcher has opened the store
t0=$(bench_now)
i=0
while [ $i -lt $files ]; do
	bench_send_batch BE-A "$T/bulk.jsonl" || { kill $drv; exit 1; }
	i=$((i + 1))
done
t1=$(bench_now)
wait $drv || exit 1
bulk_s=$(bench_calc "$(cat "$T/bulk.done") - $t0")
bulk=$(bench_calc "$total / $bulk_s" 0)
submit=$(bench_calc "$total / ($t1 - $t0)" 0)
rss_bulk_a=$(bench_rss_mib "$(cat "$FED/BE-A/pid")")
rss_bulk_b=$(bench_rss_mib "$(cat "$FED/BE-B/pid")")
have=$total

# --- one process per message ----------------------------------------------
bench_body_file "$T/body"
"$DRV" wait "$CONF_B" $((have + BENCH_PROC)) 300 >"$T/proc.done" &
drv=$!
sleep 0.5
t0=$(bench_now)
i=0
fails=0
while [ $i -lt "$BENCH_PROC" ]; do
	"$VALISE" send -c "$CONF_A" --to BE-B --label "$BENCH_LABEL" \
	    --subject "process $i" "$T/body" >/dev/null || fails=$((fails + 1))
	i=$((i + 1))
done
wait $drv || { echo "bench_node: $fails sends failed" >&2; exit 1; }
proc_s=$(bench_calc "$(cat "$T/proc.done") - $t0")
proc=$(bench_calc "$BENCH_PROC / $proc_s" 0)
have=$((have + BENCH_PROC))

# What bounds one process per message, in the same loop: starting the
# program and nothing else (valise --version), and starting it, reading
# the configuration and one control-socket round trip that writes nothing
# (valise status).  A send adds the node's round: seal, store and audit
# commits with their fdatasyncs.
floor_rate() {	# PROGRAM ARGS...: BENCH_PROC runs, per second
	_t0=$(bench_now)
	_i=0
	while [ $_i -lt "$BENCH_PROC" ]; do
		"$@" >/dev/null || return 1
		_i=$((_i + 1))
	done
	bench_calc "$BENCH_PROC / ($(bench_now) - $_t0)" 0
}
true_floor=$(floor_rate /bin/true) || exit 1
start_floor=$(floor_rate "$VALISE" --version) || exit 1
status_floor=$(floor_rate "$VALISE" status -c "$CONF_A") || exit 1

# --- latency at a steady offered rate ---------------------------------------
sleep 1
"$DRV" latency "$CONF_A" "$CONF_B" "$BENCH_LAT_RATE" "$BENCH_LAT_MSGS" \
    >"$T/lat" || exit 1
read -r p50 p99 pmax achieved <"$T/lat"

printf '%-52s %12s\n' "figure" "value"
printf '%-52s %12s\n' "bulk, --batch of $BENCH_BULK_FILE, msgs/s" "$bulk"
printf '%-52s %12s\n' "  (submission alone, msgs/s)" "$submit"
printf '%-52s %12s\n' "  (batch refused as busy, resubmitted)" \
    "$BENCH_RETRIES"
printf '%-52s %12s\n' "one valise send per message, msgs/s" "$proc"
printf '%-52s %12s\n' "  (/bin/true per process, /s)" "$true_floor"
printf '%-52s %12s\n' "  (valise --version per process, /s)" "$start_floor"
printf '%-52s %12s\n' "  (valise status per process, /s)" "$status_floor"
printf '%-52s %12s\n' "latency p50 at $BENCH_LAT_RATE/s offered, ms" "$p50"
printf '%-52s %12s\n' "latency p99, ms" "$p99"
printf '%-52s %12s\n' "latency max, ms" "$pmax"
printf '%-52s %12s\n' "  (rate achieved, msgs/s)" "$achieved"
printf '%-52s %12s\n' "RSS idle, sender / receiver, MiB" \
    "$rss_idle / $rss_idle_b"
printf '%-52s %12s\n' "RSS idle, the sender's name service helper, MiB" \
    "${rss_helper:-none}"
printf '%-52s %12s\n' "RSS after bulk, sender / receiver, MiB" \
    "$rss_bulk_a / $rss_bulk_b"

bench_result bulk_msgs_per_s "$bulk"
bench_result bulk_submit_msgs_per_s "$submit"
bench_result bulk_busy_retries "$BENCH_RETRIES"
bench_result per_process_msgs_per_s "$proc"
bench_result process_true_per_s "$true_floor"
bench_result process_start_per_s "$start_floor"
bench_result process_status_per_s "$status_floor"
bench_result latency_p50_ms "$p50"
bench_result latency_p99_ms "$p99"
bench_result latency_max_ms "$pmax"
bench_result latency_offered_per_s "$BENCH_LAT_RATE"
bench_result latency_achieved_per_s "$achieved"
bench_result rss_idle_mib "$rss_idle"
bench_result rss_idle_receiver_mib "$rss_idle_b"
bench_result rss_idle_helper_mib "$rss_helper"
bench_result rss_after_bulk_mib "$rss_bulk_a"
bench_result rss_after_bulk_receiver_mib "$rss_bulk_b"
fed_stop_all
exit 0
