#!/bin/sh
# SPDX-License-Identifier: ISC
#
# make bench: run every benchmark program ($VALISE_BUILD/bench/bench_*) and
# every benchmark script (tests/bench/bench_*.sh), in name order.  Each
# prints its own table and appends "key=value" lines to $BENCH_RESULTS;
# this script turns those into one flat JSON object in bench-results.json.
# Programs named bench_*_drv are helpers of the scripts, not run alone;
# bench_zz_summary.sh, last, prints the table against the targets.
set -eu
: "${VALISE_BUILD:?VALISE_BUILD is set by the Makefile}"
src=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_RESULTS=$(mktemp "${TMPDIR:-/tmp}/valise-bench.XXXXXX")
export BENCH_RESULTS
trap 'rm -f "$BENCH_RESULTS"' EXIT

status=0
for b in "$VALISE_BUILD"/bench/bench_* "$src"/tests/bench/bench_*.sh; do
	[ -e "$b" ] || continue
	case "$b" in *_drv) continue ;; esac	# a helper of a script
	echo "== ${b##*/}"
	case "$b" in
	*.sh) sh "$b" || status=1 ;;
	*) "$b" || status=1 ;;
	esac
done

{
	printf '{\n  "date": "%s",\n  "machine": "%s, %s cores"' \
	    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(uname -m)" "$(nproc)"
	while IFS='=' read -r k v; do
		case "$v" in
		''|*[!0-9.eE+-]*) printf ',\n  "%s": "%s"' "$k" "$v" ;;
		*) printf ',\n  "%s": %s' "$k" "$v" ;;
		esac
	done <"$BENCH_RESULTS"
	printf '\n}\n'
} >"$src/bench-results.json"
echo "bench: figures written to bench-results.json"
exit $status
