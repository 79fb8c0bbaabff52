#!/bin/sh
# SPDX-License-Identifier: ISC
# Three nodes on loopback: A -> B directly, A -> C via B, a label refused at
# a relay accredited below it (and the origin told), a user refused at read.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"

fed_add BE-MFA BEL NATO,EU "BE:SECRET+NATO:SECRET[ATOMAL]+EU:SECRET"
fed_add BE-DEF BEL NATO,EU "BE:SECRET+NATO:SECRET"
fed_add BE-CUTA BEL - "BE:SECRET"
fed_add BE-LOW BEL - "BE:CONFIDENTIEL"
fed_add BE-RLY BEL NATO "BE:CONFIDENTIEL"
fed_add NATO-X - NATO "NATO:SECRET"
fed_link BE-MFA BE-DEF
fed_link BE-MFA BE-LOW
fed_link BE-MFA BE-RLY
fed_link BE-RLY NATO-X
fed_route BE-MFA NATO-X BE-RLY
fed_route NATO-X BE-MFA BE-RLY
# BE-MFA's sysadmin believes BE-RLY relays NATO SECRET; BE-RLY is only
# accredited to BE:CONFIDENTIEL.
fed_accredit BE-MFA BE-RLY "BE:CONFIDENTIEL+NATO:SECRET"
fed_link BE-DEF BE-CUTA
fed_route BE-MFA BE-CUTA BE-DEF
fed_route BE-CUTA BE-MFA BE-DEF
for n in BE-MFA BE-DEF BE-CUTA BE-LOW BE-RLY NATO-X; do
	fed_user $n root "BE:SECRET+NATO:SECRET" BEL NATO officer,auditor
done
fed_write

run "$VALISED" -c "$FED/BE-MFA/valise.conf" --check-config
is "$rc" 0 "generated configuration passes --check-config"

run "$VALISE" status -c "$FED/BE-MFA/valise.conf"
is "$rc" 3 "valise status exits 3 when the node is not running"

for n in BE-MFA BE-DEF BE-CUTA BE-LOW BE-RLY NATO-X; do
	fed_start $n || BAIL_OUT="yes"
done
[ -z "${BAIL_OUT:-}" ] || { echo "Bail out! a node did not start"; exit 255; }

pid=$(cat "$FED/BE-MFA/pid")
like "$(grep '^NoNewPrivs:' /proc/$pid/status)" "1" "valised runs with no_new_privs"
like "$(grep '^Max core file size' /proc/$pid/limits)" " 0 +0 " "and no core dumps"

run v BE-MFA status
is "$rc" 0 "valise status exits 0 when the node answers"
like "$out" "node: +BE-MFA" "status names the node"
like "$out" "sandbox: +(Landlock ABI [0-9]+|none: .+)" \
    "and says whether it confined itself"

echo "NATO secret body" >"$T/m1"
run v BE-MFA send --to BE-DEF --label "NATO SECRET" --subject "first" "$T/m1"
is "$rc" 0 "A -> B: send accepted"
id1=$out
like "$id1" '^[0-9a-f]{64}$' "send prints the message id"

wait_for 10 sh -c "v() { \"\$VALISE\" \"\$1\" -c \"$FED/BE-DEF/valise.conf\" --json; }; v inbox | grep -q $id1"
run v BE-DEF inbox --json
like "$out" "${id1:-NO-ID}" "the message is in B's inbox"
run v BE-DEF inbox
like "$out" "$(echo "$id1" | cut -c1-16) " "the inbox shows a 16-digit prefix of the id"
run v BE-DEF read "$(echo "$id1" | cut -c1-12)"
is "$rc" 0 "read takes a unique prefix"
run v BE-DEF read "$(echo "$id1" | cut -c1-6)"
is "$rc" 2 "but not one shorter than 8 digits"
run v BE-DEF read "0000000000"
is "$rc" 2 "an unknown id exits 2"
run v BE-DEF read "$id1"
is "$rc" 0 "B reads it"
like "$(echo "$out" | head -n 1)" '^NATO SECRET$' "the label is the top banner"
like "$(echo "$out" | tail -n 1)" '^NATO SECRET$' "and the bottom banner"
like "$out" "NATO secret body" "the body is intact"

echo "for CUTA" >"$T/m2"
run v BE-MFA send --to BE-CUTA --label "BE:SECRET" --subject relayed "$T/m2"
is "$rc" 0 "A -> C via B: send accepted"
id2=$out
wait_for 10 sh -c "\"\$VALISE\" inbox -c \"$FED/BE-CUTA/valise.conf\" --json | grep -q $id2"
run v BE-CUTA read "$id2"
like "$out" "for CUTA" "the relayed message reached C"

run v BE-MFA send --to BE-LOW --label "BE:SECRET" "$T/m2"
is "$rc" 1 "a label above the next hop's accreditation is refused at submission"
like "$err" "refused" "with the reason"

run v BE-MFA send --to NATO-X --label "NATO SECRET" "$T/m1"
is "$rc" 0 "NATO SECRET via a relay BE-MFA believes accredited for it"
idx=$out
wait_for 10 sh -c "\"\$VALISE\" sent -c \"$FED/BE-MFA/valise.conf\" ${idx:-NOID} | grep -q refused"
run v BE-MFA sent "$idx"
like "$out" "refused.*exceeds node accreditation" "the relay accredited only to BE:CONFIDENTIEL refused it, and the origin was told"
run v BE-RLY audit log --event deny
like "$out" "${idx:-NOID}" "the relay audited the refusal"
run v NATO-X inbox --json
case "$out" in *"${idx:-NOID}"*) ok 1 "nothing reached the destination";;
*) ok 0 "nothing reached the destination";; esac

run v BE-MFA send --to BE-DEF --label "NATO SECRET//ATOMAL" "$T/m1"
is "$rc" 1 "nobody sends above their own clearance"

run v BE-MFA send --to BE-DEF --label "SECRET" "$T/m1"
is "$rc" 2 "an invalid label exits 2"

run v BE-MFA send --to BE-NOWHERE --label "BE:SECRET" "$T/m1"
is "$rc" 2 "an unknown node exits 2"

wait_for 10 sh -c "\"\$VALISE\" sent -c \"$FED/BE-MFA/valise.conf\" $id2 | grep -q read"
run v BE-MFA sent "$id2" --json
like "$out" '"status": *"read"' "the read receipt from C reached A"
run v BE-MFA sent "$id1"
like "$out" "read" "and B's"

# Delivery receipts: B signs one for all a round delivered from A, and A
# still records each message as delivered.  B is down while A queues the
# messages, so that they reach it together.
relay_out_receipts() {
	v BE-DEF audit log --event relay-out | grep -c 'receipt'
}
before=$(relay_out_receipts)
fed_stop BE-DEF
: >"$T/batch"
i=0
while [ $i -lt 20 ]; do
	printf '{"to":"BE-DEF","label":"BE:SECRET","subject":"batch %d","body":"b%d"}\n' \
	    $i $i >>"$T/batch"
	i=$((i + 1))
done
# A bad line stops the batch, naming the line and the reason; its group
# of lines (valise(1): 256 a request) is not sent.
head -n 2 "$T/batch" >"$T/bad"
echo '{"to":"BE-DEF","lable":"BE:SECRET","body":"x"}' >>"$T/bad"
tail -n 1 "$T/batch" >>"$T/bad"
run v BE-MFA send --batch "$T/bad"
is "$rc" 2 "a batch line with an unknown member exits 2"
like "$err" "batch line 3: unknown member 'lable'" "naming the line and the member"
is "$(printf '%s\n' "$out" | grep -c '^[0-9a-f]\{64\}$')" 0 \
    "nothing of its group of 256 is queued, not even the lines before it"
# A line the policy refuses (above the next hop's accreditation) stops
# its request in the node: the audit log records the refusal, and no
# submission for the line before it, which was not sent.
submits() {
	v BE-MFA audit log --event submit | grep -c 'submit'
}
denies() {
	v BE-MFA audit log --event deny | grep -c 'send refused'
}
s0=$(submits)
d0=$(denies)
head -n 1 "$T/batch" >"$T/bad"
echo '{"to":"BE-LOW","label":"BE:SECRET","body":"x"}' >>"$T/bad"
run v BE-MFA send --batch "$T/bad"
is "$rc" 1 "a batch with a line above the route's accreditation exits 1"
like "$err" "message 2: refused" "naming the message"
is "$(submits) $(denies)" "$s0 $((d0 + 1))" \
    "the audit log has the refusal and no submission for line 1"
echo '{"to":"BE-DEF","label":"BE:SECRET","body":"\ud800"}' >"$T/bad"
run v BE-MFA send --batch "$T/bad"
is "$rc" 2 "a body that is not valid JSON text exits 2"
like "$err" "batch line 1: a lone high surrogate" "saying why"
run v BE-MFA send --batch "$T/batch"
is "$rc" 0 "A queues 20 messages for B while B is down"
printf '%s\n' "$out" | grep '^[0-9a-f]\{64\}$' >"$T/batch.ids"
is "$(wc -l <"$T/batch.ids")" 20 "and prints 20 ids"
fed_start BE-DEF || BAIL_OUT "BE-DEF did not restart"
delivered() {
	n=0
	while read -r bid; do
		v BE-MFA sent "$bid" | grep -q delivered && n=$((n + 1))
	done <"$T/batch.ids"
	echo $n
}
wait_for 20 sh -c "test \$(\"\$VALISE\" sent -c \"$FED/BE-MFA/valise.conf\" --json | grep -c '\"delivered\"') -ge 20"
is "$(delivered)" 20 "A records every one of them as delivered"
run v BE-MFA audit log --event receipt
n=0
while read -r bid; do
	printf '%s\n' "$out" | grep "$bid" | grep -q accepted && n=$((n + 1))
done <"$T/batch.ids"
is "$n" 20 "A's audit log has an accepted receipt event for each message"
more_receipts() {
	[ "$(relay_out_receipts)" -gt "$before" ]
}
wait_for 10 more_receipts	# B records one when A acknowledges it
receipts=$(($(relay_out_receipts) - before))
[ "$receipts" -ge 1 ] && [ "$receipts" -lt 20 ]
ok $? "B sent fewer signed receipts ($receipts) than messages (20)"

# Each message of a batch has its own recipients: after a line for two
# nodes, a line for one does not inherit the other.
printf '%s\n' \
    '{"to":"BE-DEF, BE-CUTA","label":"BE:SECRET","subject":"two","body":"x"}' \
    '{"to":"BE-DEF","label":"BE:SECRET","subject":"one","body":"y"}' \
    >"$T/mixed"
run v BE-MFA send --batch "$T/mixed"
set -- $out
run v BE-MFA sent --json "${1:-none}"
is "$(printf '%s\n' "$out" | grep -o '"recipient":"[A-Z-]*"' | tr '\n' ' ')" \
    '"recipient":"BE-CUTA" "recipient":"BE-DEF" ' \
    "a batch's message to two nodes has both"
run v BE-MFA sent --json "${2:-none}"
is "$(printf '%s\n' "$out" | grep -o '"recipient":"[A-Z-]*"' | tr '\n' ' ')" \
    '"recipient":"BE-DEF" ' "the next line's message only its own"
# The two were signed together (one signature for the request); each
# still verifies alone: the first through the relay BE-DEF to BE-CUTA,
# the second at BE-DEF.
wait_for 10 sh -c "\"\$VALISE\" inbox -c \"$FED/BE-CUTA/valise.conf\" --json | grep -q ${1:-none}"
ok $? "a batch's message reaches BE-CUTA through the relay"
wait_for 10 sh -c "\"\$VALISE\" inbox -c \"$FED/BE-DEF/valise.conf\" --json | grep -q ${2:-none}"
ok $? "and its other message BE-DEF"

# Checkpoints go to the peers, which keep them as witnesses for auditors.
wait_for 15 sh -c "\"\$VALISE\" audit checkpoint -c \"$FED/BE-DEF/valise.conf\" --witness BE-MFA >\"$T/cp\""
ok $? "BE-DEF holds a checkpoint of BE-MFA's log"
like "$(cat "$T/cp")" "." "and exports it for an auditor"
run v BE-MFA audit verify
is "$rc" 0 "verify through the node asks the peers for their witnesses"
like "$out" "external checkpoint at seq [0-9]+ (matches|witnessed)" "and checks the log against the latest"
like "$out" "peer BE-(DEF|LOW|RLY) holds as a witness" "naming the peer"
run v BE-MFA audit export-key --out "$T/mfa.key"
is "$rc" 0 "BE-MFA's auditor exports the key"
fed_stop BE-MFA
run "$VALISE" audit verify --db "$FED/BE-MFA/state/audit.db" --key-file "$T/mfa.key" --checkpoint "$T/cp"
is "$rc" 0 "BE-MFA's log verifies against the checkpoint its peer witnessed"
like "$out" "external checkpoint at seq [0-9]+ matches" "and says so"

fed_stop_all
fed_logs_clean
ok $? "no sanitizer report in any node's log"
is "$(cat "$FED"/*/exit | sort -u | tr '\n' ' ')" "0 " "every node exits 0 on SIGTERM"

done_testing
