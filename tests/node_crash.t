#!/bin/sh
# SPDX-License-Identifier: ISC
# kill -9 of the receiving node during 2,000 messages relayed A -> B -> C,
# then restart: every message whose id A's command printed is in C's inbox
# exactly once.  Also: precedence order, expiry, SIGHUP revocation.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"

N=${CRASH_MESSAGES:-2000}
fed_add NODE-A BEL NATO "BE:SECRET+NATO:SECRET"
fed_add NODE-B BEL NATO "BE:SECRET+NATO:SECRET"
fed_add NODE-C BEL NATO "BE:SECRET+NATO:SECRET"
fed_link NODE-A NODE-B
fed_link NODE-B NODE-C
fed_route NODE-A NODE-C NODE-B
fed_route NODE-C NODE-A NODE-B
for n in NODE-A NODE-B NODE-C; do
	fed_user $n root "BE:SECRET+NATO:SECRET" BEL NATO officer,auditor
done
fed_write
for n in NODE-A NODE-B NODE-C; do
	fed_start $n || { echo "Bail out! $n did not start"; exit 255; }
done

# Batches of 100 messages; C is killed and restarted while they flow.
i=0
: >"$T/ids"
while [ $i -lt "$N" ]; do
	: >"$T/batch"
	k=0
	while [ $k -lt 100 ]; do
		echo "{\"to\":\"NODE-C\",\"label\":\"NATO SECRET\",\"subject\":\"m$((i + k))\",\"body\":\"message $((i + k))\"}" >>"$T/batch"
		k=$((k + 1))
	done
	v NODE-A send --batch "$T/batch" >>"$T/ids" 2>>"$T/send.err"
	i=$((i + 100))
	case $((i % 500)) in
	200) fed_kill NODE-C ;;
	400) fed_start NODE-C >/dev/null 2>&1 ;;
	esac
done
fed_kill NODE-C
sleep 0.3
fed_start NODE-C
printed=$(grep -c . "$T/ids")
is "$printed" "$N" "A printed an id for every message"

count_in_c() {
	v NODE-C inbox --json | grep -o '"id":"[0-9a-f]*"' | sort -u | wc -l
}
wait_for 120 sh -c "[ \$(\"\$VALISE\" inbox -c \"$FED/NODE-C/valise.conf\" --json | grep -o '\"id\":\"[0-9a-f]*\"' | sort -u | wc -l) -ge $N ]"
v NODE-C inbox --json | grep -o '"id":"[0-9a-f]*"' | sed 's/"id":"//; s/"//' | sort >"$T/inbox"
sort "$T/ids" >"$T/ids.sorted"
is "$(wc -l <"$T/inbox" | tr -d ' ')" "$N" "C's inbox holds $N messages"
is "$(uniq -d "$T/inbox" | wc -l | tr -d ' ')" 0 "none of them twice"
is "$(comm -23 "$T/ids.sorted" "$T/inbox" | wc -l | tr -d ' ')" 0 \
    "every id A printed is there (nothing lost)"

# A killed -9 while the receipts of its messages come back.  A round that
# only applies receipts and acknowledges them may wait for the next round
# before it commits (DAEMON_DEFER_MS), and a crash loses it whole: those
# receipts, never acknowledged, come again.  However often A dies, it ends
# knowing that every message it sent was delivered.
for delay in 0.02 0.05 0.1 0.2 0.4; do
	v NODE-A send --batch "$T/batch" >>"$T/ids" 2>>"$T/send.err"
	slow_sleep "$delay"
	fed_kill NODE-A
	fed_start NODE-A >/dev/null 2>&1
done
M=$(grep -c . "$T/ids")
is "$M" "$((N + 500))" "A printed an id for each of 500 more messages"
delivered_at_a() {
	[ "$("$VALISE" sent -c "$FED/NODE-A/valise.conf" --json |
	    grep -c '"status":"delivered"')" -eq "$1" ]
}
wait_for 60 delivered_at_a "$M"
ok $? "after five kills of A, its sent list says delivered for all $M"
run v NODE-A sent --json
is "$(echo "$out" | grep -o '"status":"[a-z]*"' | sort -u | tr '\n' ' ')" \
    '"status":"delivered" ' "and nothing else"

# Precedence: with B stopped, queue ROUTINE then FLASH at A; when B comes
# back, the FLASH message leaves first.
fed_stop NODE-B
echo routine | v NODE-A send --to NODE-B --label "BE:SECRET" --precedence routine --subject r1 - >"$T/r1"
echo routine | v NODE-A send --to NODE-B --label "BE:SECRET" --precedence routine --subject r2 - >"$T/r2"
echo flash | v NODE-A send --to NODE-B --label "BE:SECRET" --precedence flash --subject f1 - >"$T/f1"
fed_start NODE-B
wait_for 30 sh -c "[ \$(\"\$VALISE\" inbox -c \"$FED/NODE-B/valise.conf\" --json | grep -c '\"id\"') -ge 3 ]"
# The inbox lists newest first: the FLASH one must have arrived first.
order=$(v NODE-B inbox --json | grep -o '"subject":"[a-z0-9]*"' | sed 's/"subject":"//; s/"//' | tr '\n' ' ')
is "$order" "r2 r1 f1 " "FLASH left the queue before the older ROUTINE messages"

# Expiry: with C down, a message with a 1-second life expires at B and A
# is told.
fed_stop NODE-C
echo brief | v NODE-A send --to NODE-C --label "BE:SECRET" --expires 1s - >"$T/e1"
eid=$(cat "$T/e1")
wait_for 20 sh -c "\"\$VALISE\" sent -c \"$FED/NODE-A/valise.conf\" $eid | grep -q expired"
run v NODE-A sent "$eid"
like "$out" "expired" "an expired message is reported to the origin"
fed_start NODE-C

# Revocation: revoke A's key at B and SIGHUP; A's live connection is cut
# and its messages are no longer taken.
fpr=$("$VALISE" id --dir "$FED/NODE-A/keys" | sed -n 's/^fingerprint: //p')
sed -i "\$a revoked = [ \"$fpr\" ];" "$FED/NODE-B/valise.conf"
kill -HUP "$(cat "$FED/NODE-B/pid")"
wait_for 10 grep -q "configuration reloaded" "$FED/NODE-B/log"
ok $? "B reloads its configuration on SIGHUP"
echo after | v NODE-A send --to NODE-B --label "BE:SECRET" --subject revoked - >"$T/rv"
slow_sleep 3	# long enough for A to deliver it, were A not revoked
run v NODE-B inbox --json
ok "$(echo "$out" | grep -c '"subject":"revoked"')" "after SIGHUP a revoked peer's message is not taken"
run v NODE-A sent "$(cat "$T/rv")"
like "$out" "queued" "it stays queued at the origin"

fed_stop_all
fed_logs_clean
ok $? "no sanitizer report in any node's log"
is "$(cat "$FED"/*/exit | sort -u | tr '\n' ' ')" "0 " "every node exits 0 on SIGTERM"

done_testing
