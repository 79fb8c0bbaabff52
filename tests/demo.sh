#!/bin/sh
# SPDX-License-Identifier: ISC
#
# make demo: four department nodes on this machine, each with its own keys
# and configuration in a temporary directory, exchanging labelled messages.
# Every step says what it does, checks that it happened, and the demo exits
# 0 only if every step did what it said.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/fedlib.sh"

ME=$(id -un)
step=0
failed=0
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
check() {	# check DESCRIPTION STATUS
	if [ "$2" -eq 0 ]; then
		printf '  \033[32mOK\033[0m  %s\n' "$1"
	else
		printf '  \033[31mFAILED\033[0m  %s\n' "$1"
		failed=$((failed + 1))
	fi
}
show() { sed 's/^/    /'; }
next() { step=$((step + 1)); say "$step. $*"; }

next "Four departments generate their keys and exchange peer lines"
fed_add BE-MFA BEL NATO,EU "BE:SECRET+NATO:SECRET[ATOMAL]+EU:SECRET"
fed_add BE-DEF BEL NATO,EU "BE:SECRET+NATO:SECRET"
fed_add BE-CUTA BEL NATO "BE:SECRET+NATO:RESTRICTED"
fed_add NATO-LIAISON - NATO "NATO:SECRET[ATOMAL]"
fed_link BE-MFA BE-DEF
fed_link BE-DEF BE-CUTA
fed_link BE-DEF NATO-LIAISON
fed_route BE-MFA BE-CUTA BE-DEF
fed_route BE-MFA NATO-LIAISON BE-DEF
fed_route BE-CUTA BE-MFA BE-DEF
fed_route NATO-LIAISON BE-MFA BE-DEF
# Foreign Affairs believes Defence holds ATOMAL; Defence does not.
fed_accredit BE-MFA BE-DEF "BE:SECRET+NATO:SECRET[ATOMAL]"
fed_user BE-MFA "$ME" "BE:SECRET+NATO:SECRET[ATOMAL]" BEL NATO officer,auditor
fed_user BE-DEF "$ME" "BE:SECRET+NATO:SECRET" BEL NATO officer,auditor
fed_user BE-CUTA "$ME" "BE:SECRET" BEL - officer,auditor
fed_user NATO-LIAISON "$ME" "NATO:SECRET[ATOMAL]" - NATO officer
fed_write
for n in BE-MFA BE-DEF BE-CUTA NATO-LIAISON; do
	"$VALISE" id --dir "$FED/$n/keys" | sed -n 's/^fingerprint: /    '"$n"': /p'
done
check "keys and configurations for 4 nodes in $FED" 0

next "The nodes start (valised) and pin each other's CURVE keys"
for n in BE-MFA BE-DEF BE-CUTA NATO-LIAISON; do
	fed_start $n
	check "$n is up" $?
done
v BE-DEF status | show

next "A NATO SECRET message from Foreign Affairs to Defence"
echo "Exercise STEADFAST: liaison team arrives Monday." >"$T/m1"
id1=$(v BE-MFA send --to BE-DEF --label "nato secret" --subject "Exercise" "$T/m1")
check "valise send printed the message id $id1" $?
wait_for 15 sh -c "\"\$VALISE\" inbox -c \"$FED/BE-DEF/valise.conf\" --json | grep -q ${id1:-NOID}"
check "it is in Defence's inbox" $?
v BE-DEF read "$id1" | show
v BE-DEF read "$id1" | head -n 1 | grep -qx "NATO SECRET"
check "read shows the canonical label as a banner" $?

next "A message to the threat-assessment unit, relayed via Defence"
echo "Threat level review at 14:00." >"$T/m2"
id2=$(v BE-MFA send --to BE-CUTA --label "BE:GEHEIM" --subject "Review" "$T/m2")
check "sent $id2 (BE:GEHEIM is BE:SECRET in canonical form)" $?
wait_for 15 sh -c "\"\$VALISE\" inbox -c \"$FED/BE-CUTA/valise.conf\" --json | grep -q ${id2:-NOID}"
check "BE-CUTA received it through BE-DEF" $?
v BE-CUTA inbox | show
v BE-CUTA read "$id2" >/dev/null
check "BE-CUTA's officer reads it" $?

next "An ATOMAL message refused at the relay because of its label"
echo "ATOMAL annex." >"$T/m3"
id3=$(v BE-MFA send --to NATO-LIAISON --label "NATO SECRET//ATOMAL" --subject "Annex" "$T/m3")
check "Foreign Affairs accepted it (it believes Defence holds ATOMAL)" $?
wait_for 15 sh -c "\"\$VALISE\" sent -c \"$FED/BE-MFA/valise.conf\" ${id3:-NOID} | grep -q refused"
check "Defence refused to relay it and told the origin" $?
v BE-MFA sent "$id3" | show

next "An officer without the clearance is refused at read"
echo "NATO RESTRICTED note." >"$T/m4"
id4=$(v BE-MFA send --to BE-CUTA --label "NATO RESTRICTED" --subject "Note" "$T/m4")
wait_for 15 sh -c "\"\$VALISE\" inbox -c \"$FED/BE-CUTA/valise.conf\" | grep -q 'above your clearance'"
v BE-CUTA inbox | show
v BE-CUTA read "$id4" 2>&1 | show
v BE-CUTA read "$id4" >/dev/null 2>&1
[ $? -eq 1 ]
check "read refused (exit 1): BE-CUTA's officer holds no NATO clearance" $?

next "Delivery and read receipts in 'sent'"
wait_for 15 sh -c "\"\$VALISE\" sent -c \"$FED/BE-MFA/valise.conf\" ${id2:-NOID} | grep -q read"
v BE-MFA sent | show
v BE-MFA sent "$id1" | grep -q "read"
check "BE-DEF's read receipt arrived" $?
v BE-MFA sent "$id2" | grep -q "read"
check "BE-CUTA's read receipt arrived, relayed by BE-DEF" $?

next "The auditor reviews BE-CUTA's log and verifies it"
v BE-CUTA audit log | show
v BE-CUTA audit log --event deny | grep -q "read refused"
check "the refused read is in the audit log" $?
v BE-CUTA audit verify | show
v BE-CUTA audit verify >/dev/null
check "audit verify: the hash chain, MACs and checkpoints are intact" $?

next "The nodes stop"
fed_stop_all
[ "$(cat "$FED"/*/exit | sort -u)" = "0" ]
check "every node exited cleanly" $?

echo
if [ $failed -eq 0 ]; then
	echo "demo: all $step steps did what they said."
	exit 0
fi
echo "demo: $failed checks FAILED." >&2
exit 1
