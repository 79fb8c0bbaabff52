#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bench_federation: 20 nodes on this machine.  Four hubs (N01-N04) are
# linked to each other; each has four leaves (N05-N20) linked to it only.
# Routes send a leaf's traffic through its hub, and a hub's traffic for
# another hub's leaf through that hub, so every node reaches every other
# in at most three hops (leaf, hub, hub, leaf).
#
# All pairs: each node sends one 4 KiB message to each of the 19 others
# (one `valise send --batch` per node, all at once): 380 messages, each
# checked to be in its recipient's inbox exactly once.
#   federation_nodes             20
#   federation_all_pairs_s       from the first submission until every
#                                inbox holds its 19 messages
#   federation_rss_per_node_mib  mean VmRSS of the 20 valised afterwards
: "${FED_PORT:=$((30000 + ($$ % 1000) * 25))}"
. "$(dirname "$0")/lib.sh"

NHUBS=4
LEAVES=4
NNODES=$((NHUBS * (LEAVES + 1)))

name() { printf 'N%02d' "$1"; }
hub_of() {	# the hub of node $1 (a hub is its own)
	if [ "$1" -le $NHUBS ]; then
		echo "$1"
	else
		echo $(( ($1 - NHUBS - 1) / LEAVES + 1 ))
	fi
}

i=1
while [ $i -le $NNODES ]; do
	fed_add "$(name $i)" BEL NATO,EU "$BENCH_ACC" || exit 1
	fed_user "$(name $i)" "$(id -un)" "$BENCH_ACC" BEL NATO officer
	i=$((i + 1))
done
i=1
while [ $i -le $NNODES ]; do
	hi=$(hub_of $i)
	j=1
	while [ $j -le $NNODES ]; do
		hj=$(hub_of $j)
		if [ $j -gt $i ] && { [ $i -le $NHUBS ] && [ $j -le $NHUBS ] ||
		    [ $hj -eq $i ]; }; then
			fed_link "$(name $i)" "$(name $j)"
		fi
		if [ $j -ne $i ]; then
			if [ $i -gt $NHUBS ] && [ $j -ne $hi ]; then
				# A leaf: everything but its hub via the hub.
				fed_route "$(name $i)" "$(name $j)" "$(name $hi)"
			elif [ $i -le $NHUBS ] && [ $j -gt $NHUBS ] &&
			    [ $hj -ne $i ]; then
				# A hub: another hub's leaf via that hub.
				fed_route "$(name $i)" "$(name $j)" "$(name $hj)"
			fi
		fi
		j=$((j + 1))
	done
	i=$((i + 1))
done
fed_write

i=1
while [ $i -le $NNODES ]; do
	fed_start "$(name $i)" || exit 1
	i=$((i + 1))
done
bench_body_file "$T/body"
body=$(cat "$T/body")
i=1
while [ $i -le $NNODES ]; do
	j=1
	while [ $j -le $NNODES ]; do
		[ $j -ne $i ] && printf '{"to":"%s","label":"%s","subject":"%s to %s","body":"%s"}\n' \
		    "$(name $j)" "$BENCH_LABEL" "$(name $i)" "$(name $j)" "$body"
		j=$((j + 1))
	done >"$T/pairs.$i"
	i=$((i + 1))
done

want=$((NNODES - 1))
t0=$(bench_now)
i=1
senders=
while [ $i -le $NNODES ]; do
	( bench_send_batch "$(name $i)" "$T/pairs.$i" ) &
	senders="$senders $!"
	i=$((i + 1))
done
for p in $senders; do	# not a bare wait: the nodes are children too
	wait "$p" || { echo "bench_federation: a sender failed" >&2; exit 1; }
done
# Poll every inbox until each holds its 19 (at most 120 s).
k=0
left=$NNODES
while [ $left -gt 0 ] && [ $k -lt 1200 ]; do
	left=0
	i=1
	while [ $i -le $NNODES ]; do
		if [ ! -f "$T/full.$i" ]; then
			if [ "$(bench_inbox_count "$(name $i)")" -ge $want ]; then
				bench_now >"$T/full.$i"
			else
				left=$((left + 1))
			fi
		fi
		i=$((i + 1))
	done
	[ $left -gt 0 ] && sleep 0.1
	k=$((k + 1))
done
t1=$(sort -n "$T"/full.* | tail -n 1)
if [ $left -gt 0 ]; then
	echo "bench_federation: $left inboxes incomplete after 120 s" >&2
	exit 1
fi

# Exactly once: 19 messages in each inbox, one from each other node, and
# still so a moment later (resends after lost acknowledgements have had
# time to arrive).
sleep 2
bad=0
rss_sum=0
i=1
while [ $i -le $NNODES ]; do
	v "$(name $i)" inbox --json >"$T/inbox.$i"
	n=$(grep -c '"id"' "$T/inbox.$i")
	o=$(grep -o '"origin":"[^"]*"' "$T/inbox.$i" | sort -u | wc -l)
	if [ "$n" -ne $want ] || [ "$o" -ne $want ]; then
		echo "bench_federation: $(name $i): $n messages from $o" \
		    "origins" >&2
		bad=$((bad + 1))
	fi
	rss_sum=$(bench_calc "$rss_sum + $(bench_rss_mib \
	    "$(cat "$FED/$(name $i)/pid")")" 1)
	i=$((i + 1))
done
[ $bad -eq 0 ] || exit 1
secs=$(bench_calc "$t1 - $t0" 2)
rss=$(bench_calc "$rss_sum / $NNODES" 1)
printf '%-52s %12s\n' "figure" "value"
printf '%-52s %12s\n' "nodes (4 linked hubs, 4 leaves each)" "$NNODES"
printf '%-52s %12s\n' "all pairs, $((NNODES * want)) messages, exactly once, s" \
    "$secs"
printf '%-52s %12s\n' "RSS per node, mean, MiB" "$rss"
bench_result federation_nodes "$NNODES"
bench_result federation_messages $((NNODES * want))
bench_result federation_all_pairs_s "$secs"
bench_result federation_rss_per_node_mib "$rss"
fed_stop_all
exit 0
