#!/bin/sh
# SPDX-License-Identifier: ISC
# Reliability suite, crashes (scenarios 1-3 of reliability.md):
#   1  kill -9 of the receiving node B at random points while A sends
#      REL_MESSAGES messages (REL_ROUNDS kills)
#   2  kill -9 of the sending node A during command-line submissions
#   3  kill -9 during recovery: B while it takes A's backlog, A while it
#      starts up; the third start converges
# After each: every id a command printed is in B's inbox exactly once,
# and PRAGMA integrity_check (stock sqlcipher shell) and `valise audit
# verify` are clean on both nodes.  `make check` runs a reduced size;
# `make check-reliability` sets REL_FULL=1 (10,000 messages, 20 rounds).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"
. "$(dirname "$0")/rellib.sh"

if [ -n "${REL_FULL:-}" ]; then
	N=${REL_MESSAGES:-10000}; ROUNDS=${REL_ROUNDS:-20}; SUBMITS=1000
else
	N=${REL_MESSAGES:-1500}; ROUNDS=${REL_ROUNDS:-4}; SUBMITS=150
fi
if ! command -v sqlcipher >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlcipher shell is not installed (make deps)"
	exit 0
fi

rel_pair
fed_write
for n in NODE-A NODE-B; do
	fed_start $n || { echo "Bail out! $n did not start"; exit 255; }
done

inbox_count() {
	inbox_ids NODE-B | sort -u | wc -l
}
wait_inbox() {	# COUNT SECONDS
	wait_for "$2" sh -c "[ \$(\"\$VALISE\" inbox -c \"$FED/NODE-B/valise.conf\" \
	    --json | grep -o '\"id\": *\"[0-9a-f]*\"' | sort -u | wc -l) -ge $1 ]"
}
# check IDSFILE: sets $lost, $dups, $extra against B's inbox
check_inbox() {
	inbox_ids NODE-B | sort >"$T/inbox"
	sort -u "$1" >"$T/want"
	lost=$(comm -23 "$T/want" "$T/inbox" | wc -l | tr -d ' ')
	dups=$(uniq -d "$T/inbox" | wc -l | tr -d ' ')
	extra=$(comm -13 "$T/want" "$T/inbox" | sort -u | wc -l | tr -d ' ')
}
# both nodes stopped cleanly, then their databases checked
check_dbs() {
	fed_stop NODE-A
	fed_stop NODE-B
	for n in NODE-A NODE-B; do
		r=$(integrity $n)
		[ "$r" = "store=ok audit=ok verify=ok" ]
		sc_check $? "$n databases: $r"
	done
	fed_start NODE-A && fed_start NODE-B
}
batch() {	# FROM COUNT PREFIX -> a --batch file on stdout
	awk -v f="$1" -v n="$2" -v p="$3" 'BEGIN { for (i = f; i < f + n; i++)
	    printf "{\"to\":\"NODE-B\",\"label\":\"NATO SECRET\",\"subject\":\"%s%d\",\"body\":\"message %d\"}\n", p, i, i }'
}

# ------------------------------------------------------------------- 1
sc_begin 1 "kill -9 of receiver B at $ROUNDS random points while A sends $N messages"
: >"$T/ids1"
(
	k=0
	while [ $k -lt "$ROUNDS" ]; do
		rand_sleep 300 2500
		fed_kill NODE-B
		rand_sleep 50 500
		fed_start NODE-B >/dev/null 2>&1
		k=$((k + 1))
	done
	echo done >"$T/killer.done"
) &
killer=$!
PACE=$(awk -v r="$ROUNDS" -v n="$N" 'BEGIN { printf "%.3f", r * 1.4 / (n / 100) }')
i=0
while [ $i -lt "$N" ]; do
	batch $i 100 m >"$T/batch"
	v NODE-A send --batch "$T/batch" >>"$T/ids1" 2>>"$T/send.err"
	i=$((i + 100))
	# spread the batches over the kill rounds (about 1.4 s each)
	sleep "$PACE"
done
wait "$killer"
[ -f "$FED/NODE-B/pid" ] || fed_start NODE-B
printed=$(grep -c . "$T/ids1")
[ "$printed" -eq "$N" ]
sc_check $? "A printed $printed ids for $N messages"
wait_inbox "$printed" 300
check_inbox "$T/ids1"
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost acknowledged messages missing from B's inbox"
[ "$dups" -eq 0 ]
sc_check $? "DUPLICATED: $dups ids twice in B's inbox"
[ "$extra" -eq 0 ]
sc_check $? "$extra ids in B's inbox that A never printed"
check_dbs
sc_end "$printed sent, $printed in B's inbox once each, $ROUNDS kills; integrity_check and audit verify clean"

# ------------------------------------------------------------------- 2
sc_begin 2 "kill -9 of sender A thrice at random points during single command-line submissions"
: >"$T/ids2"
(
	k=0
	while [ $k -lt 3 ]; do
		rand_sleep 300 1500
		fed_kill NODE-A
		rand_sleep 50 300
		fed_start NODE-A >/dev/null 2>&1
		k=$((k + 1))
	done
	touch "$T/killer2.done"
) &
killer=$!
i=0
failed=0
# at least SUBMITS, and on until the three kills are done
while [ $i -lt "$SUBMITS" ] ||
    { [ ! -f "$T/killer2.done" ] && [ $i -lt $((SUBMITS * 50)) ]; }; do
	if id=$(echo "submission $i" | v NODE-A send --to NODE-B \
	    --label "NATO SECRET" --subject "s$i" - 2>/dev/null) &&
	    [ -n "$id" ]; then
		echo "$id" >>"$T/ids2"
	else
		failed=$((failed + 1))
	fi
	i=$((i + 1))
done
wait "$killer"
[ -f "$FED/NODE-A/pid" ] || fed_start NODE-A
printed=$(grep -c . "$T/ids2")
wait_inbox $((N + printed)) 120
cat "$T/ids1" "$T/ids2" >"$T/ids12"
check_inbox "$T/ids12"
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost ids the command printed are missing"
[ "$dups" -eq 0 ]
sc_check $? "DUPLICATED: $dups ids twice"
[ "$extra" -le "$failed" ]
sc_check $? "$extra unprinted ids delivered for $failed failed submissions"
ds=$(v NODE-B inbox --json | grep -o '"subject": *"s[0-9]*"' | sort | uniq -d | wc -l)
[ "$ds" -eq 0 ]
sc_check $? "DUPLICATED: $ds submissions delivered twice under two ids"
check_dbs
sc_end "$i submissions, $printed ids printed, all delivered once; $failed submissions refused while A was down, $extra of them delivered once; databases clean"

# ------------------------------------------------------------------- 3
sc_begin 3 "kill -9 during recovery: B thrice while taking a 1,000-message backlog, A thrice during start-up"
fed_stop NODE-B
: >"$T/ids3"
batch 0 500 r >"$T/batch"
v NODE-A send --batch "$T/batch" >>"$T/ids3" 2>>"$T/send.err"
batch 500 500 r >"$T/batch"
v NODE-A send --batch "$T/batch" >>"$T/ids3" 2>>"$T/send.err"
for k in 1 2 3; do
	fed_start NODE-B >/dev/null 2>&1
	rand_sleep 100 1200
	fed_kill NODE-B
done
for k in 1 2 3; do
	"$VALISED" -c "$FED/NODE-A/valise.conf" >>"$FED/NODE-A/log" 2>&1 &
	apid=$!
	fed_kill NODE-A
	rand_sleep 20 400
	kill -KILL "$apid" 2>/dev/null
	wait "$apid" 2>/dev/null
done
fed_start NODE-A && fed_start NODE-B
sc_check $? "the third start did not come up"
cat "$T/ids12" "$T/ids3" >"$T/all"
wait_inbox "$(sort -u "$T/all" | wc -l)" 120
check_inbox "$T/all"
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost ids missing"
[ "$dups" -eq 0 ]
sc_check $? "DUPLICATED: $dups ids twice"
check_dbs
sc_end "converged on the third start: $(grep -c . "$T/ids3") backlog messages delivered once each; databases clean"

fed_stop_all
fed_logs_clean
ok $? "no sanitizer report in any node's log"
done_testing
