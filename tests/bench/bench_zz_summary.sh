#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bench_zz_summary: run last (name order); reads every key=value the other
# benchmarks appended to $BENCH_RESULTS and prints the table of issue 10:
# figure, valise, comparison, ratio, target.  A missed target is marked
# MISSED; it does not fail the run (the machines are shared and noisy, and
# only the ratios measured side by side mean much).  A figure that was not
# measured (a benchmark failed or was skipped) shows as "-".
set -u
: "${BENCH_RESULTS:?run by tests/bench/run.sh}"

awk -F= '
{ val[$1] = $2 }
function has(k) { return (k in val) && val[k] != "" }
function fmt(k) { return has(k) ? val[k] : "-" }
# row(figure, valise key, comparison key or "", factor, target text,
#     op, bound): the ratio is valise / (factor * comparison); the target
#     is met when ratio (or the value itself, without a comparison) op bound;
#     op "" prints a figure that has no target
function row(fig, vk, ck, factor, ttext, op, bound,    v, c, r, x, mark) {
	v = fmt(vk)
	c = ck == "" ? "" : fmt(ck)
	r = "-"
	mark = ""
	if (ck != "" && has(vk) && has(ck) && val[ck] + 0 > 0) {
		r = sprintf("%.2fx", val[vk] / (factor * val[ck]))
		x = val[vk] / (factor * val[ck])
	} else if (ck == "" && has(vk)) {
		x = val[vk] + 0
	} else {
		mark = "  (not measured)"
	}
	if (mark == "" && ((op == ">=" && x < bound) ||
	    (op == "<=" && x > bound)))
		mark = "  MISSED"
	if (mark != "" && op != "")	# op "": a figure without a target
		misses++
	printf "%-34s %10s %10s %9s  %-24s%s\n", fig, v, c, r, ttext, mark
}
END {
	printf "\n%-34s %10s %10s %9s  %-24s\n", "figure", "valise",
	    "comparison", "ratio", "target"
	row("bulk msgs/s vs 2-core crypto", "bulk_msgs_per_s",
	    "crypto_limit_2core_msgs_per_s", 1, ">= 0.50x the limit",
	    ">=", 0.5)
	row("bulk msgs/s vs NNCP", "bulk_msgs_per_s", "nncp_msgs_per_s", 1,
	    ">= 80x NNCP", ">=", 80)
	row("per-process msgs/s vs NNCP", "per_process_msgs_per_s",
	    "nncp_msgs_per_s", 1, ">= 10x NNCP", ">=", 10)
	row("per-process msgs/s vs gpg s+e", "per_process_msgs_per_s",
	    "gpg_sign_encrypt_msgs_per_s", 1, ">= 5x gpg", ">=", 5)
	row("per-process msgs/s vs gpg d+v", "per_process_msgs_per_s",
	    "gpg_decrypt_verify_msgs_per_s", 1, ">= 5x gpg", ">=", 5)
	row("  /bin/true/s vs NNCP", "process_true_per_s",
	    "nncp_msgs_per_s", 1, "(any process, this machine)", "", 0)
	row("  valise --version/s vs NNCP", "process_start_per_s",
	    "nncp_msgs_per_s", 1, "(what a process costs)", "", 0)
	row("  valise status/s vs NNCP", "process_status_per_s",
	    "nncp_msgs_per_s", 1, "(and a round trip)", "", 0)
	row("latency p50 ms at 1000/s", "latency_p50_ms", "", 1, "<= 1 ms",
	    "<=", 1)
	row("latency p99 ms at 1000/s", "latency_p99_ms", "", 1, "<= 5 ms",
	    "<=", 5)
	row("RSS idle MiB", "rss_idle_mib", "", 1, "<= 32 MiB", "<=", 32)
	row("RSS 100,000 queued MiB", "rss_100k_queued_mib", "", 1,
	    "<= 64 MiB", "<=", 64)
	row("audit verify 1,000,000 s", "audit_verify_1m_s", "", 1,
	    "<= 10 s", "<=", 10)
	printf "%-34s %10s\n", "crypto limit 1 core / 2 cores",
	    fmt("crypto_limit_1core_msgs_per_s") " / " \
	    fmt("crypto_limit_2core_msgs_per_s")
	printf "%-34s %10s %10s\n", "federation: nodes, all pairs s",
	    fmt("federation_nodes"), fmt("federation_all_pairs_s")
	printf "%-34s %10s\n", "federation RSS per node MiB",
	    fmt("federation_rss_per_node_mib")
	printf "\n%d target(s) missed or not measured\n", misses
	printf "summary_targets_missed=%d\n", misses >> ENVIRON["BENCH_RESULTS"]
}' "$BENCH_RESULTS"
exit 0
