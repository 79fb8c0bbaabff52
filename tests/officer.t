#!/bin/sh
# SPDX-License-Identifier: ISC
# The officer's and the auditor's command line across three nodes, as root
# and as unprivileged users created here (one cleared, one not, one
# unknown to the node): send, relay, inbox, read, receipts in sent, reply,
# refusals (all audited), JSON parsed back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null ||
    ! command -v setpriv >/dev/null; then
	echo "1..0 # SKIP needs root, useradd and setpriv"
	exit 0
fi
sfx=$$
G=vt$sfx
U1=vtok$sfx	# cleared for NATO SECRET
U2=vtlow$sfx	# BE:RESTREINT only
U3=vtunk$sfx	# in the group, not configured
groupadd "$G" || { echo "Bail out! groupadd"; exit 255; }
for u in $U1 $U2 $U3; do
	useradd -M -N -g "$G" -s /bin/sh "$u" ||
	    { echo "Bail out! useradd $u"; exit 255; }
done
TAP_CLEANUP="fed_stop_all; for u in $U1 $U2 $U3; do userdel \$u 2>/dev/null; done; groupdel $G 2>/dev/null"

as() {	# as USER CMD...: run as an unprivileged user, with its group
	_u=$1
	shift
	setpriv --reuid="$(id -u "$_u")" --regid="$(id -g "$_u")" \
	    --init-groups "$@"
}
json_ok() {	# json_ok TEXT: it parses as JSON
	printf '%s' "$1" | python3 -c 'import json,sys; json.load(sys.stdin)'
}

FED_EXTRA="control_group = \"$G\";"
fed_add BE-MFA BEL NATO,EU "BE:SECRET+NATO:SECRET[ATOMAL]+EU:SECRET"
fed_add BE-DEF BEL NATO,EU "BE:SECRET+NATO:SECRET"
fed_add BE-CUTA BEL NATO "BE:SECRET+NATO:SECRET"
fed_link BE-MFA BE-DEF
fed_link BE-DEF BE-CUTA
fed_route BE-MFA BE-CUTA BE-DEF
fed_route BE-CUTA BE-MFA BE-DEF
for n in BE-MFA BE-DEF BE-CUTA; do
	fed_user $n root "BE:SECRET+NATO:SECRET" BEL NATO officer,auditor
	fed_user $n $U1 "BE:SECRET+NATO:SECRET" BEL NATO officer
	fed_user $n $U2 "BE:RESTREINT" BEL - officer
done
fed_write
chmod 755 "$T" "$FED" "$FED"/*
chmod 644 "$FED"/*/valise.conf
for n in BE-MFA BE-DEF BE-CUTA; do
	fed_start $n || { echo "Bail out! $n did not start"; exit 255; }
done
CUTA="$FED/BE-CUTA/valise.conf"
MFA="$FED/BE-MFA/valise.conf"

ls -l "$FED/BE-CUTA/state/control.sock" >"$T/ls"
like "$(cat "$T/ls")" "^srw-rw---- .* root $G " "the control socket is 0660, group $G"

# root at BE-MFA writes to the cleared user at BE-CUTA and to the node.
run v BE-MFA send --to "$U1@BE-CUTA,BE-CUTA" --label "NATO SECRET" \
    --subject "for the analyst" --precedence immediate "$VALISE_SRC/README.md"
is "$rc" 0 "send to a user and a node, relayed via BE-DEF"
id1=$out
wait_for 15 sh -c "\"\$VALISE\" inbox -c \"$CUTA\" --json | grep -q ${id1:-NOID}"

run as "$U1" "$VALISE" inbox -c "$CUTA"
is "$rc" 0 "the cleared user lists the inbox"
like "$out" "for the analyst" "and sees the message"
run as "$U1" "$VALISE" inbox -c "$CUTA" --json
json_ok "$out"
ok $? "inbox --json parses"
like "$out" "\"label\":\"NATO SECRET\"" "with the canonical label"

run as "$U2" "$VALISE" inbox -c "$CUTA"
is "$rc" 0 "the uncleared user lists the inbox"
like "$out" "1 message above your clearance" "and only gets a count"
case "$out" in *"for the analyst"*) ok 1 "no subject leaks";; *) ok 0 "no subject leaks";; esac
run as "$U2" "$VALISE" read -c "$CUTA" "$id1"
is "$rc" 1 "the uncleared user is refused at read"
like "$err" "not cleared" "with the reason"
run as "$U2" "$VALISE" send -c "$CUTA" --to BE-MFA --label "NATO SECRET" "$VALISE_SRC/README.md"
is "$rc" 1 "nobody sends above their clearance"

run as "$U3" "$VALISE" inbox -c "$CUTA"
is "$rc" 1 "a uid the node does not know is refused"
like "$err" "not a user of this node" "and told so"

run as "$U1" "$VALISE" read -c "$CUTA" "$id1"
is "$rc" 0 "the cleared user reads it"
like "$(echo "$out" | head -n 1)" "^NATO SECRET$" "top banner"
like "$out" "From: +root@BE-MFA" "the author is shown"

run as "$U1" sh -c "echo 'noted' | \"\$VALISE\" reply -c \"$CUTA\" --label 'BE:SECRET' $id1 -"
is "$rc" 1 "a reply labelled below the original is refused"
like "$err" "at least NATO SECRET" "naming the original's label"
run as "$U1" sh -c "echo 'noted' | \"\$VALISE\" reply -c \"$CUTA\" $id1 -"
is "$rc" 0 "a reply with the original's label is sent"
rid=$out
wait_for 15 sh -c "\"\$VALISE\" inbox -c \"$MFA\" --json | grep -q ${rid:-NOID}"
run v BE-MFA read "$rid"
like "$out" "Re: for the analyst" "the reply reached its author's node"
like "$out" "From: +$U1@BE-CUTA" "from the user who wrote it"

wait_for 15 sh -c "\"\$VALISE\" sent -c \"$MFA\" $id1 | grep -q read"
run v BE-MFA sent "$id1" --json
json_ok "$out"
ok $? "sent --json parses"
like "$out" "\"recipient\":\"$U1@BE-CUTA\",[^}]*\"status\":\"read\"" "the user's read receipt"
like "$out" "\"recipient\":\"BE-CUTA\",[^}]*\"status\":\"delivered\"" "the node's delivery receipt"
like "$out" "\"via\":\"BE-DEF\"" "relayed via BE-DEF"

run v BE-MFA status --json
json_ok "$out"
ok $? "status --json parses"
run as "$U1" "$VALISE" status -c "$CUTA"
is "$rc" 0 "an officer sees the status"

# The auditor's commands through the node.
run as "$U1" "$VALISE" audit log -c "$CUTA"
is "$rc" 1 "an officer who is not an auditor is refused"
run v BE-CUTA audit log --event deny --json
is "$rc" 0 "the auditor queries the log through the node"
json_ok "$out"
ok $? "audit log --json parses"
like "$out" "\"login\":\"$U2\"" "the refused read is audited with the login"
run v BE-CUTA audit log --event auth-failure
like "$out" "$U3" "the unknown uid is audited"
run v BE-CUTA audit log --event deny --csv
like "$out" "$U1,[0-9]*,.*audit: role not held" "the officer's refused audit query is audited"
run v BE-CUTA audit log --event audit-access
like "$out" "root" "every auditor query is itself audited"
run v BE-CUTA audit log --label-at-least "NATO SECRET" --event read
like "$out" "NATO SECRET" "--label-at-least selects by dominance"
run v BE-CUTA audit verify
is "$rc" 0 "audit verify through the node"
like "$out" "^ok: [0-9]+ entries" "says ok"
# Without a witness's checkpoint yet, truncation cannot be excluded; once
# a peer holds one (every checkpoint_seconds, so on a slow run such as
# under valgrind), what follows it is not anchored.  Both say the limit.
like "$out" "truncation after seq [0-9]+ cannot be excluded|entries after seq [0-9]+ are not anchored" \
    "and what it cannot exclude"
run v BE-CUTA audit export-key --out "$T/audit.key"
is "$rc" 0 "export-key through the node"
fed_stop BE-CUTA
run "$VALISE" audit verify --db "$FED/BE-CUTA/state/audit.db" --key-file "$T/audit.key"
is "$rc" 0 "the exported key verifies the log offline"

done_testing
