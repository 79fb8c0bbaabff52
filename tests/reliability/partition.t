#!/bin/sh
# SPDX-License-Identifier: ISC
# Reliability suite, partitions and bad links (scenarios 9, 10 and 13 of
# reliability.md; 11 and 12 are in tests/rel_hostile.t):
#    9  A and B in two network namespaces joined by a veth pair; B's end
#       is taken down for REL_PARTITION_SECONDS while A sends N9 messages,
#       and A is killed -9 and restarted in the middle: A's status shows B
#       down within the heartbeat timeout, every id A printed is in B's
#       inbox or queued at A, and all arrive once after the link heals
#   10 C -> D through tests/rel_chaos.py, since this kernel may lack
#       sch_netem: segments dropped, duplicated, reordered, corrupted and
#       stalled in both directions while C sends N10 messages: nothing
#       lost, nothing twice, no damaged frame past CURVE (no integrity
#       failure, no rejected frame at either node), the nodes reconnect
#   13 the same link throttled to about 10 messages a second while C sends
#       N13: nothing dropped, C's RSS under 64 MiB, C's sent list says
#       "queued", never "delivered" for what D does not have; everything
#       arrives once the throttle is lifted
# Sizes: REL_FULL=1 (make check-reliability) N9=5000, N10=2000, N13=3000
# and a 60 s partition; otherwise 300, 300, 400 and 12 s.
# REL_PARTITION_SECONDS sets the partition (reliability.md asks for 600).
# Needs root, `ip netns` with veth and python3; skipped otherwise.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fedlib.sh"
. "$(dirname "$0")/../rellib.sh"

if [ -n "${REL_FULL:-}" ]; then
	N9=5000; N10=2000; N13=3000
	PART=${REL_PARTITION_SECONDS:-60}; CHAOS_SECONDS=40; SLOW_SECONDS=20
else
	N9=300; N10=300; N13=400
	PART=${REL_PARTITION_SECONDS:-12}; CHAOS_SECONDS=15; SLOW_SECONDS=8
fi
HB_BOUND=10	# heartbeat every 2 s, peer dead 6 s after an unanswered one
RSS_BOUND=65536	# kB
PY=/usr/bin/python3
CHAOS="$VALISE_SRC/tests/rel_chaos.py"
# Chances per segment of at most 1460 bytes, each way.  Inside one TCP
# stream any of them breaks the connection, so they are far below netem's
# per-packet "loss 20% duplicate 5% reorder 25% corrupt 0.1%", which TCP
# itself would repair on a real link.
FAULTS="drop=0.01 dup=0.01 reorder=0.02 corrupt=0.02 stall=0.004"

NSA=valiseA$$
NSB=valiseB$$
VA=vsA$$
VB=vsB$$
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1 ||
    ! [ -x "$PY" ]; then
	echo "1..0 # SKIP needs root, ip (iproute2) and python3"
	exit 0
fi
CHAOS_PID=
chaos_stop() {
	[ -n "$CHAOS_PID" ] || return 0
	kill -TERM "$CHAOS_PID" 2>/dev/null
	wait "$CHAOS_PID" 2>/dev/null
	CHAOS_PID=
}
net_cleanup() {
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null	# takes the veth pair with it
}
BG=	# the pids of the watchers below, for the cleanup
NAP=
bg_stop() {
	for _p in $BG $NAP; do
		kill "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	BG=
}
TAP_CLEANUP="bg_stop; fed_stop_all; chaos_stop; net_cleanup"
if ! ip netns add "$NSA" 2>/dev/null || ! ip netns add "$NSB" ||
    ! ip link add "$VA" netns "$NSA" type veth peer name "$VB" \
    netns "$NSB"; then
	echo "1..0 # SKIP cannot create network namespaces joined by veth"
	exit 0
fi
ip -n "$NSA" addr add 10.9.0.1/24 dev "$VA"
ip -n "$NSB" addr add 10.9.0.2/24 dev "$VB"
for ns in "$NSA" "$NSB"; do
	ip -n "$ns" link set lo up
done
ip -n "$NSA" link set "$VA" up
ip -n "$NSB" link set "$VB" up

SEC="BE:SECRET+NATO:SECRET"
for n in NODE-A NODE-B NODE-C NODE-D; do
	fed_add $n BEL NATO "$SEC"
	fed_user $n root "$SEC" BEL NATO officer,auditor
done
fed_link NODE-A NODE-B
fed_link NODE-C NODE-D
fed_netns NODE-A "$NSA" 10.9.0.1
fed_netns NODE-B "$NSB" 10.9.0.2

# C and D reach each other only through the chaos proxy.
echo "mode=pass" >"$T/chaos.ctl"
"$PY" "$CHAOS" "$T/chaos.ctl" "$T/chaos.stats" \
    "$(cat "$FED/NODE-D/port")" "$(cat "$FED/NODE-C/port")" \
    >"$T/chaos.out" 2>&1 &
CHAOS_PID=$!
wait_for 10 grep -q '^ready' "$T/chaos.out" || {
	echo "Bail out! the chaos proxy did not start: $(cat "$T/chaos.out")"
	exit 255
}
set -- $(cat "$T/chaos.out")
fed_endpoint NODE-C NODE-D "tcp://127.0.0.1:$2"
fed_endpoint NODE-D NODE-C "tcp://127.0.0.1:$3"
fed_write
for n in NODE-A NODE-B NODE-C NODE-D; do
	fed_start $n || { echo "Bail out! $n did not start"; exit 255; }
done

# chaos SETTING...: the proxy's new settings, taken at once
chaos() {
	printf '%s\n' "$@" >"$T/chaos.ctl"
	kill -HUP "$CHAOS_PID"
	sleep 0.3
}
chaos_stat() {
	tr ' ' '\n' <"$T/chaos.stats" | sed -n "s/^$1=//p"
}

# batch TO FROM COUNT PREFIX: a --batch file on stdout
batch() {
	awk -v t="$1" -v f="$2" -v n="$3" -v p="$4" 'BEGIN {
	    for (i = f; i < f + n; i++)
		printf "{\"to\":\"%s\",\"label\":\"NATO SECRET\",\"subject\":\"%s%d\",\"body\":\"message %d\"}\n", t, p, i, i }'
}
# send_all NODE TO FROM COUNT PREFIX IDSFILE: in batches of 100; the ids
# printed are appended to IDSFILE
send_all() {
	_s=$3
	while [ "$_s" -lt $(($3 + $4)) ]; do
		_sn=$(($3 + $4 - _s))
		[ "$_sn" -gt 100 ] && _sn=100
		batch "$2" "$_s" "$_sn" "$5" >"$T/batch"
		v "$1" send --batch "$T/batch" >>"$6" 2>>"$T/send.err"
		_s=$((_s + _sn))
	done
}
# subject_ids NODE PREFIX: ids in NODE's inbox whose subject starts so
subject_ids() {
	v "$1" inbox --json | grep "\"subject\": *\"$2" |
	    grep -o '"id": *"[0-9a-f]*"' | sed 's/.*"\([0-9a-f]*\)"$/\1/'
}
inbox_has() {	# NODE PREFIX COUNT
	[ "$(subject_ids "$1" "$2" | sort -u | wc -l)" -ge "$3" ]
}
# sent_ids NODE STATUS-ERE: ids of NODE's sent rows in those states
sent_ids() {
	v "$1" sent --json | grep -E "\"status\": *\"($2)\"" |
	    grep -o '"id": *"[0-9a-f]*"' | sed 's/.*"\([0-9a-f]*\)"$/\1/' |
	    sort -u
}
all_delivered() {	# NODE IDSFILE
	[ "$(sent_ids "$1" 'delivered|read' | comm -12 - "$2" | wc -l)" -ge \
	    "$(wc -l <"$2")" ]
}
# check_inbox NODE PREFIX IDSFILE: sets $lost, $dups, $extra
check_inbox() {
	subject_ids "$1" "$2" | sort >"$T/inbox"
	sort -u "$3" >"$T/want"
	lost=$(comm -23 "$T/want" "$T/inbox" | wc -l)
	dups=$(uniq -d "$T/inbox" | wc -l)
	extra=$(comm -13 "$T/want" "$T/inbox" | sort -u | wc -l)
}
# peer_up NODE PEER: NODE's status shows its link to PEER connected
peer_up() {
	v "$1" status --json | grep -o "{[^{}]*\"name\": *\"$2\"[^{}]*}" |
	    grep -q '"connected": *true'
}
status_num() {	# NODE FIELD: a number from NODE's status
	v "$1" status --json | grep -o "\"$2\": *[0-9]*" | head -n 1 |
	    sed 's/.*: *//'
}
# nap MS: sleep, but let a signal end the test at once (sh runs its trap
# only after a foreground command)
nap() {
	[ "$1" -gt 0 ] || return 0
	sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" &
	NAP=$!
	wait $NAP
	NAP=
}
secs() {	# MS: as seconds with one decimal
	awk -v m="$1" 'BEGIN { printf "%.1f", m / 1000 }'
}
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
rss_kb() {	# PID FIELD (VmRSS, VmHWM)
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# ------------------------------------------------------------------- 9
sc_begin 9 "veth between A's and B's network namespaces taken down for $PART s (REL_PARTITION_SECONDS) while A sends $N9 messages, A killed -9 and restarted in the middle"
: >"$T/ids9"
pre=$((N9 / 5))
wait_for 20 peer_up NODE-A NODE-B
sc_check $? "A never connected to B over the veth"
send_all NODE-A NODE-B 0 "$pre" p9- "$T/ids9"
wait_for 60 inbox_has NODE-B p9- "$pre"
sc_check $? "the first $pre did not arrive before the partition"
ip -n "$NSB" link set "$VB" down
down=$(now_ms)
(
	while peer_up NODE-A NODE-B && [ $(($(now_ms) - down)) -lt 60000 ]; do
		sleep 0.1
	done
	echo $(($(now_ms) - down)) >"$T/detect9"
) &
watcher=$!
BG="$BG $watcher"
send_all NODE-A NODE-B "$pre" $((N9 - pre)) p9- "$T/ids9"
wait "$watcher"
detect=$(cat "$T/detect9")
[ "$detect" -le $((HB_BOUND * 1000)) ]
sc_check $? "A's status showed B connected for $detect ms into the partition (bound ${HB_BOUND} s)"
during=$(subject_ids NODE-B p9- | sort -u | wc -l)
fed_kill NODE-A
fed_start NODE-A
sc_check $? "A did not restart during the partition"
! peer_up NODE-A NODE-B
sc_check $? "restarted A shows B connected across a link that is down"
sent_ids NODE-A queued >"$T/queued9"
subject_ids NODE-B p9- | sort -u >"$T/inbox9"
missing=$(sort -u "$T/ids9" | comm -23 - "$T/inbox9" | comm -23 - "$T/queued9" | wc -l)
[ "$missing" -eq 0 ]
sc_check $? "LOST: $missing printed ids neither in B's inbox nor queued at A after its kill -9"
queued=$(status_num NODE-A queued_routine)
left=$((PART * 1000 - ($(now_ms) - down)))
nap "$left"
held=$(subject_ids NODE-B p9- | sort -u | wc -l)
[ "$held" -eq "$during" ]
sc_check $? "B's inbox grew from $during to $held while the link was down"
ip -n "$NSB" link set "$VB" up
up=$(now_ms)
wait_for 60 peer_up NODE-A NODE-B
sc_check $? "A did not reconnect to B within 60 s of the link coming back"
reconnect=$(($(now_ms) - up))
wait_for 300 inbox_has NODE-B p9- "$N9"
drain=$(($(now_ms) - up))
printed=$(sort -u "$T/ids9" | wc -l)
[ "$printed" -eq "$N9" ]
sc_check $? "A printed $printed ids for $N9 messages: $(tail -n 1 "$T/send.err")"
check_inbox NODE-B p9- "$T/ids9"
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost of A's ids never reached B"
[ "$dups" -eq 0 ]
sc_check $? "DUPLICATED: $dups ids twice in B's inbox"
[ "$extra" -eq 0 ]
sc_check $? "$extra ids in B's inbox that A never printed"
wait_for 60 all_delivered NODE-A "$T/want"
sc_check $? "A's sent list does not show all $N9 delivered: $(sent_ids NODE-A delivered | wc -l)"
sc_end "$during arrived before the cut; A's status showed B down after $(secs "$detect") s (heartbeat 2 s, timeout 6 s); $queued queued at A through its kill -9; link back after $(secs $((up - down))) s: reconnected in $(secs "$reconnect") s, all $N9 in B's inbox once each $(secs "$drain") s later, A shows them delivered"

# ------------------------------------------------------------------ 10
sc_begin 10 "C -> D through the chaos proxy (no netem needed): per segment of 1460 bytes, both ways, $FAULTS (stalls 1-8 s) for $CHAOS_SECONDS s while C sends $N10 messages"
: >"$T/ids10"
wait_for 20 peer_up NODE-C NODE-D
sc_check $? "C never connected to D through the proxy"
f0=$(audit_count NODE-D integrity-failure)
c0=$(chaos_stat connections)
chaos mode=chaos $FAULTS seed=10
start=$(now_ms)
send_all NODE-C NODE-D 0 "$N10" p10- "$T/ids10"
left=$((CHAOS_SECONDS * 1000 - ($(now_ms) - start)))
nap "$left"
chaos mode=pass
under=$(subject_ids NODE-D p10- | sort -u | wc -l)
faults=$(($(chaos_stat dropped) + $(chaos_stat duplicated) + \
    $(chaos_stat reordered) + $(chaos_stat corrupted) + $(chaos_stat stalls)))
wait_for 180 inbox_has NODE-D p10- "$N10"
printed=$(sort -u "$T/ids10" | wc -l)
[ "$printed" -eq "$N10" ]
sc_check $? "C printed $printed ids for $N10 messages"
check_inbox NODE-D p10- "$T/ids10"
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost of C's ids never reached D"
[ "$dups" -eq 0 ]
sc_check $? "DUPLICATED: $dups ids twice in D's inbox"
[ "$extra" -eq 0 ]
sc_check $? "ACCEPTED: $extra ids in D's inbox that C never printed"
wait_for 60 all_delivered NODE-C "$T/want"
sc_check $? "C's sent list does not show all $N10 delivered (receipts cross the bad link too)"
f1=$(audit_count NODE-D integrity-failure)
rc=$(status_num NODE-C rejected_frames)
rd=$(status_num NODE-D rejected_frames)
[ "$f1" -eq "$f0" ] && [ "$rc" -eq 0 ] && [ "$rd" -eq 0 ]
sc_check $? "ACCEPTED: damaged data got past CURVE: D audited $((f1 - f0)) integrity failures, rejected frames C $rc D $rd"
[ "$(chaos_stat corrupted)" -gt 0 ]
sc_check $? "the proxy corrupted no segment: the link was not bad"
reconn=$(($(chaos_stat connections) - c0))
[ "$reconn" -gt 0 ]
sc_check $? "no connection was torn down and made again"
[ "$under" -gt 0 ]
sc_check $? "nothing at all arrived while the link was bad"
sc_end "$faults faults injected ($(chaos_stat corrupted) corrupted, $(chaos_stat dropped) dropped, $(chaos_stat duplicated) duplicated, $(chaos_stat reordered) reordered, $(chaos_stat stalls) stalls): the nodes dropped the damaged connections and made $reconn new ones; $under arrived while the link was bad, all $N10 once each after; none damaged accepted (no integrity failure, no rejected frame); C shows all delivered"

# ------------------------------------------------------------------ 13
sc_begin 13 "the C -> D link throttled to about 10 messages a second for $SLOW_SECONDS s while C sends $N13 messages"
: >"$T/ids13"
cpid=$(node_pid NODE-C)
d0=$(audit_count NODE-D relay-in duplicate)
chaos mode=throttle rate=2000
send_all NODE-C NODE-D 0 100 p13- "$T/ids13"
# what a message costs on the wire, from C's queue
qb=$(status_num NODE-C queued_bytes)
qn=$(status_num NODE-C queued_routine)
per=$((qb / (qn > 0 ? qn : 1) + 100))	# + ZMTP, CURVE and wire headers
rate=$((10 * per))
chaos mode=throttle rate=$rate
(
	max=0
	while [ ! -f "$T/rss.stop" ] && kill -0 "$cpid" 2>/dev/null; do
		r=$(rss_kb "$cpid" VmRSS)
		[ "${r:-0}" -gt "$max" ] && max=$r && echo "$max" >"$T/rss13"
		sleep 0.5
	done
) &
sampler=$!
BG="$BG $sampler"
start=$(now_ms)
send_all NODE-C NODE-D 100 $((N13 - 100)) p13- "$T/ids13"
submit=$(($(now_ms) - start))
left=$((SLOW_SECONDS * 1000 - submit))
nap "$left"
sent_ids NODE-C 'delivered|read' >"$T/told13"
sent_ids NODE-C queued >"$T/queued13"
subject_ids NODE-D p13- | sort -u >"$T/have13"
slow=$(wc -l <"$T/have13")
sort -u "$T/ids13" >"$T/ids13.s"
lie=$(comm -12 "$T/told13" "$T/ids13.s" | comm -23 - "$T/have13" | wc -l)
nq=$(comm -12 "$T/queued13" "$T/ids13.s" | wc -l)
elapsed=$(($(now_ms) - start))
dthrottle=$(($(audit_count NODE-D relay-in duplicate) - d0))
chaos mode=pass
wait_for 180 inbox_has NODE-D p13- "$N13"
drain=$(($(now_ms) - start - elapsed))
touch "$T/rss.stop"
wait "$sampler"
rss=$(cat "$T/rss13" 2>/dev/null || echo 0)
hwm=$(rss_kb "$cpid" VmHWM)
printed=$(wc -l <"$T/ids13.s")
[ "$printed" -eq "$N13" ]
sc_check $? "C printed $printed ids for $N13 messages: $(tail -n 1 "$T/send.err")"
check_inbox NODE-D p13- "$T/ids13"
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost of C's ids never reached D"
[ "$dups" -eq 0 ]
sc_check $? "DUPLICATED: $dups ids twice in D's inbox"
[ "$extra" -eq 0 ]
sc_check $? "$extra ids in D's inbox that C never printed"
[ "$lie" -eq 0 ]
sc_check $? "C's sent list said delivered for $lie messages D did not have"
[ "$nq" -gt 0 ]
sc_check $? "none of C's sent rows said queued while the link was throttled"
[ "${hwm:-0}" -lt "$RSS_BOUND" ]
sc_check $? "C's peak RSS reached ${hwm} kB (bound $RSS_BOUND kB)"
wait_for 60 all_delivered NODE-C "$T/want"
sc_check $? "C's sent list does not show all $N13 delivered after the throttle"
dupsup=$(($(audit_count NODE-D relay-in duplicate) - d0))
sc_end "throttled to $rate bytes/s ($per bytes a message): all $N13 submitted in $(secs "$submit") s; in $(secs "$elapsed") s $slow arrived (the link could carry about $((rate * elapsed / 1000 / per))) and D answered $dthrottle resends duplicate; C's sent list said queued for $nq, delivered only for what D had; C's RSS peaked at $((hwm / 1024)) MiB (sampled $((rss / 1024)) MiB, bound 64); throttle lifted: all $N13 once each $(secs "$drain") s later ($dupsup duplicates answered in all)"

fed_stop_all
fed_logs_clean
ok $? "no sanitizer report in any node's log"
is "$(cat "$FED"/*/exit | sort -u | tr '\n' ' ')" "0 " "every node exits 0 on SIGTERM"
done_testing
