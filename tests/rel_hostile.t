#!/bin/sh
# SPDX-License-Identifier: ISC
# Reliability suite, hostile peers (scenarios 31-38, 41, 42, 45-47 of
# reliability.md): a relay that rewrites, splices, malleates, redirects,
# reflects and replays; a spoofed origin; unknown and revoked keys; a
# third-party client (python3-zmq) speaking garbage, oversized frames,
# NULL/PLAIN and raw bytes; a handshake flood; an authenticated peer
# flooding.  Each is refused and audited while an honest peer is served.
#
#	A --- M (tool_relpeer, the hostile relay) --- C --- B (honest)
#	                                              |---- F (flooder)
#	                                              `---- R (revoked)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"
. "$(dirname "$0")/rellib.sh"

# VALISE_SLOW (valgrind) scales every wait: rel_zmq.py's and tool_relpeer's
# own, the relay's lifetime, and the pauses before a "not delivered" check.
PY="timeout $((60 * ${VALISE_SLOW:-1})) /usr/bin/python3"
ZPY="$VALISE_SRC/tests/rel_zmq.py"
if ! /usr/bin/python3 -c 'import zmq' 2>/dev/null; then
	echo "1..0 # SKIP python3-zmq is not installed (make deps)"
	exit 0
fi

SEC="BE:SECRET+NATO:SECRET"
fed_add NODE-A BEL NATO "$SEC"
fed_add NODE-M BEL NATO "$SEC"
fed_add NODE-C BEL NATO "$SEC"
fed_add NODE-B BEL NATO "BE:CONFIDENTIEL"
fed_add NODE-F BEL NATO "BE:CONFIDENTIEL"
fed_add NODE-R BEL NATO "$SEC"
fed_link NODE-A NODE-M
fed_link NODE-M NODE-C
fed_link NODE-B NODE-C
fed_link NODE-F NODE-C
fed_link NODE-R NODE-C
fed_route NODE-A NODE-C NODE-M
fed_route NODE-C NODE-A NODE-M
for n in NODE-A NODE-C NODE-B; do
	fed_user $n root "$SEC" BEL NATO officer,auditor
done
FED_REVOKED="\"$("$VALISE" id --dir "$FED/NODE-R/keys" |
    sed -n 's/^fingerprint: //p')\""
FED_EXTRA="body_max = 65536;"
fed_write
for n in NODE-A NODE-C NODE-B; do
	fed_start $n || { echo "Bail out! $n did not start"; exit 255; }
done
CPORT=$(cat "$FED/NODE-C/port")
CEP="tcp://127.0.0.1:$CPORT"
CPK=$(relpeer key "$FED" NODE-C curve-pk)

RELAY_PID=
relay_start() {	# MODE SECONDS [ARG]
	RELAY_OUT="$T/relay-$1.out"
	for _try in 1 2 3 4 5; do
		"$RELPEER" relay "$FED" NODE-M "$1" \
		    "$(($2 * ${VALISE_SLOW:-1}))" ${3:+"$3"} \
		    >"$RELAY_OUT" 2>&1 &
		RELAY_PID=$!
		wait_for 10 grep -q '^ready\|transport_new' "$RELAY_OUT"
		grep -q '^ready' "$RELAY_OUT" && return 0
		wait "$RELAY_PID"	# the port is still held: try again
		sleep 1
	done
	return 1
}
relay_stop() {
	[ -n "$RELAY_PID" ] || return 0
	kill "$RELAY_PID" 2>/dev/null
	wait "$RELAY_PID" 2>/dev/null
	RELAY_PID=
}
TAP_CLEANUP="relay_stop; fed_stop_all"

# served FROM TO LABEL SECONDS: an honest message arrives within SECONDS;
# sets $lat to the seconds it took.
served() {
	_t0=$(date +%s)
	_id=$(echo "honest" | v "$1" send --to "$2" --label "$3" -)
	[ -n "$_id" ] || return 1
	wait_for "$4" sh -c "\"\$VALISE\" inbox -c \"$FED/$2/valise.conf\" \
	    --json | grep -q $_id" || return 1
	lat=$(($(date +%s) - _t0))
}

# send_ac LABEL SUBJECT: A -> C through the relay; prints the id.
send_ac() {
	echo "body of $2" | v NODE-A send --to NODE-C --label "$1" \
	    --subject "$2" -
}

not_delivered() {	# ID: not in C's inbox, not reported delivered to A
	! inbox_ids NODE-C | grep -q "$1" &&
	    ! sent_status NODE-A "$1" | grep -Eq 'delivered|read'
}

# ------------------------------------------------------------------ 31
sc_begin 31 "relay M rewrites NATO CONFIDENTIAL to NATO UNCLASSIFIED in transit (id recomputed), and BE:SECRET to BE:NON CLASSIFIE (raw)"
f0=$(audit_count NODE-C integrity-failure)
relay_start label 30 "NATO UNCLASSIFIED"
id=$(send_ac "NATO CONFIDENTIAL" s31)
wait_for 15 grep -q "^ack NODE-C" "$RELAY_OUT"
sc_check $? "C never answered the tampered frame"
grep -q "^ack NODE-C .* rejected" "$RELAY_OUT"
sc_check $? "C did not reject it: $(grep '^ack NODE-C' "$RELAY_OUT")"
relay_stop
# A label of another length no longer matches the ciphertext's length:
# malformed, refused without an answer (the lying relay keeps it).
relay_start label-raw 30 "BE:NON CLASSIFIE"
id2=$(send_ac "BE:SECRET" s31b)
wait_for 10 grep -q "^out NODE-C" "$RELAY_OUT"
slow_sleep 1
relay_stop
not_delivered "$id"
sc_check $? "ACCEPTED: the relabelled message $id was delivered"
not_delivered "$id2"
sc_check $? "ACCEPTED: the raw-relabelled message $id2 was delivered"
f1=$(audit_count NODE-C integrity-failure)
[ $((f1 - f0)) -ge 2 ]
sc_check $? "C audited $((f1 - f0)) integrity failures, not 2"
audit_count NODE-C integrity-failure "altered in transit by NODE-M" >/dev/null
sc_check $? "the audit does not name the relay NODE-M"
sc_end "C refused both (bad signature; malformed), audited 2 integrity failures naming NODE-M; A never told delivered"

# ------------------------------------------------------------------ 32
sc_begin 32 "relay M splices NATO UNCLASSIFIED message 2's header (label) with NATO CONFIDENTIAL message 1's body, and the reverse"
f0=$(audit_count NODE-C integrity-failure)
relay_start swap 30
id1=$(send_ac "NATO CONFIDENTIAL" s32a)
id2=$(send_ac "NATO UNCLASSIFIED" s32b)
wait_for 15 sh -c "[ \$(grep -c '^ack NODE-C' \"$RELAY_OUT\") -ge 2 ]"
sc_check $? "C did not answer both spliced frames"
[ "$(grep -c '^ack NODE-C .* rejected' "$RELAY_OUT")" -eq 2 ]
sc_check $? "C did not reject both: $(grep '^ack NODE-C' "$RELAY_OUT" | tr '\n' ' ')"
relay_stop
not_delivered "$id1" && not_delivered "$id2"
sc_check $? "ACCEPTED: a spliced message reached C's inbox"
f1=$(audit_count NODE-C integrity-failure)
[ $((f1 - f0)) -ge 2 ]
sc_check $? "C audited $((f1 - f0)) integrity failures, not 2"
sc_end "both splices refused (signature), 2 integrity failures audited, nothing delivered"

# ------------------------------------------------------------------ 38
sc_begin 38 "relay M turns the origin's signature S into S+L"
f0=$(audit_count NODE-C integrity-failure)
relay_start sig 30
id=$(send_ac "BE:SECRET" s38)
wait_for 15 grep -q "^ack NODE-C" "$RELAY_OUT"
grep -q "^ack NODE-C .* rejected" "$RELAY_OUT"
sc_check $? "C did not reject the malleated signature: $(grep '^ack NODE-C' "$RELAY_OUT")"
relay_stop
not_delivered "$id"
sc_check $? "ACCEPTED: the message with S+L was delivered"
[ $(($(audit_count NODE-C integrity-failure) - f0)) -ge 1 ]
sc_check $? "no integrity failure audited"
sc_end "non-canonical signature refused and audited (re-signing cannot pass: the id excludes the signature and Ed25519 is deterministic)"

# ------------------------------------------------------------------ 36
sc_begin 36 "relay M reflects C's own message back to C, and redirects A's message for C to B"
a0=$(audit_count NODE-C auth-failure reflection)
f0=$(audit_count NODE-C integrity-failure "does not name")
relay_start reflect 30
rid=$(echo reflected | v NODE-C send --to NODE-A --label "BE:SECRET" --subject s36 -)
wait_for 15 grep -q "^ack NODE-C $rid" "$RELAY_OUT"
grep -q "^ack NODE-C $rid rejected" "$RELAY_OUT"
sc_check $? "C did not reject its own message (relay: $(tr '\n' ';' <"$RELAY_OUT"))"
relay_stop
! inbox_ids NODE-C | grep -q "$rid"
sc_check $? "ACCEPTED: C delivered its own reflected message to itself"
[ $(($(audit_count NODE-C auth-failure reflection) - a0)) -ge 1 ]
sc_check $? "no reflection auth-failure audited at C"
relay_start redirect 30 NODE-B
id=$(send_ac "BE:SECRET" s36b)
wait_for 15 grep -q "^ack NODE-C $id" "$RELAY_OUT"
grep -q "^ack NODE-C $id rejected" "$RELAY_OUT"
sc_check $? "C did not reject a frame for B that the envelope does not name"
relay_stop
slow_sleep 1
! inbox_ids NODE-B | grep -q "$id" && ! inbox_ids NODE-C | grep -q "$id"
sc_check $? "ACCEPTED: the redirected message was delivered to B or C"
[ $(($(audit_count NODE-C integrity-failure "does not name") - f0)) -ge 1 ]
sc_check $? "no integrity failure audited for the redirect"
sc_end "reflection refused (auth-failure audited); surreptitious forwarding to B refused (integrity-failure audited)"

# ------------------------------------------------------------------ 37
sc_begin 37 "authenticated peer M sends a message claiming origin A, signed with M's key"
f0=$(audit_count NODE-C integrity-failure "bad origin signature")
relpeer seal "$FED" NODE-M NODE-A NODE-C "BE:SECRET" "$T/spoof.frame"
relpeer send "$FED" NODE-M NODE-C "$T/spoof.frame" >"$T/spoof.out" 2>&1
grep -q '^ack NODE-C .* rejected' "$T/spoof.out"
sc_check $? "C did not reject the spoofed origin: $(grep ack "$T/spoof.out")"
sid=$(sed -n 's/^ack NODE-C \([0-9a-f]*\) .*/\1/p' "$T/spoof.out")
! inbox_ids NODE-C | grep -q "${sid:-none}"
sc_check $? "ACCEPTED: the spoofed message is in C's inbox"
[ $(($(audit_count NODE-C integrity-failure "bad origin signature") - f0)) -ge 1 ]
sc_check $? "no 'bad origin signature' audited"
sc_end "refused (A's signature does not verify), integrity failure audited with the hop NODE-M"

# ------------------------------------------------------------------ 33
sc_begin 33 "a validly signed message from A with an unknown label XX:SECRET, injected by M"
relpeer seal "$FED" NODE-A NODE-A NODE-C "XX:SECRET" "$T/badlabel.frame"
relpeer send "$FED" NODE-M NODE-C "$T/badlabel.frame" >"$T/badlabel.out" 2>&1
grep -q '^ack NODE-C' "$T/badlabel.out"
sc_check $? "C never answered"
bid=$(sed -n 's/^ack NODE-C \([0-9a-f]*\) .*/\1/p' "$T/badlabel.out")
! inbox_ids NODE-C | grep -q "${bid:-none}"
sc_check $? "ACCEPTED: a message with an unknown label was delivered"
audit_count NODE-C integrity-failure invalid-label >/dev/null
sc_check $? "no invalid-label refusal audited"
sc_end "default deny: refused as invalid-label (audited), non-delivery receipt queued for A"

# ------------------------------------------------------------------ 34
sc_begin 34 "M injects A's BE:SECRET message for B into C, whose link to B is accredited BE:CONFIDENTIEL"
d0=$(audit_count NODE-C deny)
relpeer seal "$FED" NODE-A NODE-A NODE-B "BE:SECRET" "$T/hop.frame"
relpeer send "$FED" NODE-M NODE-C "$T/hop.frame" >"$T/hop.out" 2>&1
hid=$(sed -n 's/^ack NODE-C \([0-9a-f]*\) .*/\1/p' "$T/hop.out")
slow_sleep 1
! inbox_ids NODE-B | grep -q "${hid:-none}"
sc_check $? "ACCEPTED: a SECRET message was forwarded to a CONFIDENTIEL node"
[ $(($(audit_count NODE-C deny) - d0)) -ge 1 ]
sc_check $? "no egress denial audited at the relay C"
sc_end "the relay C refused to forward it (egress deny audited), non-delivery receipt queued for A"

# ------------------------------------------------------------------ 35
sc_begin 35 "M captures A's message in transit, replays it at once and again after C restarts"
mkdir -p "$T/capt"
relay_start pass 30 "$T/capt"
id=$(send_ac "BE:SECRET" s35)
wait_for 15 grep -q "^ack NODE-C $id taken" "$RELAY_OUT"
sc_check $? "the honest relay run did not deliver"
relay_stop
relpeer send "$FED" NODE-M NODE-C "$T/capt/1.frame" >"$T/replay1.out" 2>&1
grep -q "^ack NODE-C $id duplicate" "$T/replay1.out"
sc_check $? "an immediate replay was not answered duplicate: $(grep ack "$T/replay1.out")"
fed_stop NODE-C
fed_start NODE-C
relpeer send "$FED" NODE-M NODE-C "$T/capt/1.frame" >"$T/replay2.out" 2>&1
grep -q "^ack NODE-C $id duplicate" "$T/replay2.out"
sc_check $? "a replay after restart was not answered duplicate: $(grep ack "$T/replay2.out")"
n=$(inbox_ids NODE-C | grep -c "$id")
[ "$n" -eq 1 ]
sc_check $? "DUPLICATED: C's inbox holds $n copies of $id"
[ "$(audit_count NODE-C relay-in duplicate)" -ge 2 ]
sc_check $? "the duplicates are not audited"
sc_end "both replays answered duplicate (durable de-duplication), one copy in C's inbox, audited"

# ------------------------------------------------------------------ 41
sc_begin 41 "CURVE clients with an unknown key (python3-zmq) and with revoked R's key"
$PY "$ZPY" unknown "$CEP" "$CPK" >"$T/unknown.out" 2>&1
grep -q 'handshake=no.*replies=0' "$T/unknown.out"
sc_check $? "ACCEPTED: the unknown key was let in: $(cat "$T/unknown.out")"
relpeer seal "$FED" NODE-R NODE-R NODE-C "BE:SECRET" "$T/revoked.frame"
relpeer send "$FED" NODE-R NODE-C "$T/revoked.frame" >"$T/revoked.out" 2>&1
grep -q '^answers 0' "$T/revoked.out"
sc_check $? "ACCEPTED: the revoked key got an answer: $(cat "$T/revoked.out")"
served NODE-B NODE-C "BE:CONFIDENTIEL" 15
sc_check $? "B was not served afterwards"
sc_end "both refused at the ZAP handler, B still served"
# The refusal is audited with the client's key and address.
n=$(audit_count NODE-C auth-failure "ZAP handler")
ok "$([ "$n" -ge 1 ]; echo $?)" "scenario 41: ZAP refusals are audited ($n)"

# ------------------------------------------------------------------ 42
sc_begin 42 "a ROUTER without a ZAP handler, with and without domain enforcement (t_transport)"
# (its ports come from its pid and may meet ours: one retry)
"$VALISE_BUILD/tests/t_transport.t" >"$T/t_transport.out" 2>&1 ||
    "$VALISE_BUILD/tests/t_transport.t" >"$T/t_transport.out" 2>&1
grep -q '^ok .* no handler' "$T/t_transport.out" &&
    ! grep -q '^not ok .*no handler' "$T/t_transport.out"
sc_check $? "a connection without a handler got through: $(grep 'no handler' "$T/t_transport.out")"
sc_end "unknown and known keys refused without a handler; frames without a handler-set User-Id dropped"

# ------------------------------------------------------------------ 6/45
FPK=$(relpeer key "$FED" NODE-F curve-pk)
FSK=$(relpeer key "$FED" NODE-F curve-sk)
sc_begin 45 "known key F (python3-zmq) sends junk frames, an 18 MB frame, NULL, PLAIN and raw bytes"
m0=$(audit_count NODE-C integrity-failure "NODE-F")
cpid=$(node_pid NODE-C)
rss0=$(awk '/VmRSS/ {print $2}' "/proc/$cpid/status")
$PY "$ZPY" garbage "$CEP" "$CPK" "$FPK" "$FSK" >"$T/garbage.out" 2>&1
# A junk envelope in a well-formed DATA frame may be answered REJECTED (so an
# honest hop stops resending it); nothing else may be answered.
grep -q 'handshake=ok' "$T/garbage.out" &&
	[ "$(sed -n 's/.* replies=\([0-9]*\) rejected=\([0-9]*\) .*/\1 \2/p' "$T/garbage.out" |
	    awk '{ print ($1 == $2) }')" = 1 ]
sc_check $? "junk frames were answered other than REJECTED: $(cat "$T/garbage.out")"
$PY "$ZPY" oversize "$CEP" "$CPK" "$FPK" "$FSK" 18000000 >"$T/big.out" 2>&1
grep -q 'replies=0 rejected=0 disconnected=yes' "$T/big.out"
sc_check $? "the oversized frame did not get F disconnected: $(cat "$T/big.out")"
$PY "$ZPY" null "$CEP" >"$T/null.out" 2>&1
grep -q 'handshake=no replies=0' "$T/null.out"
sc_check $? "ACCEPTED: NULL mechanism: $(cat "$T/null.out")"
$PY "$ZPY" plain "$CEP" >"$T/plain.out" 2>&1
grep -q 'handshake=no replies=0' "$T/plain.out"
sc_check $? "ACCEPTED: PLAIN mechanism: $(cat "$T/plain.out")"
$PY "$ZPY" rawbytes 127.0.0.1 "$CPORT" >"$T/raw.out" 2>&1
grep -q 'closed_by_server=yes' "$T/raw.out"
sc_check $? "random bytes did not get the connection closed"
relpeer seal "$FED" NODE-F NODE-F NODE-C "BE:CONFIDENTIEL" "$T/overbody.frame" 100000
relpeer send "$FED" NODE-F NODE-C "$T/overbody.frame" >"$T/overbody.out" 2>&1
grep -q '^ack .* rejected$' "$T/overbody.out" &&
	! grep '^ack ' "$T/overbody.out" | grep -qv ' rejected$'
sc_check $? "a body over body_max was not answered REJECTED: $(grep ack "$T/overbody.out")"
kill -0 "$cpid" 2>/dev/null
sc_check $? "C died"
rss1=$(awk '/VmRSS/ {print $2}' "/proc/$cpid/status")
[ $((rss1 - rss0)) -lt 65536 ]
sc_check $? "C's RSS grew by $((rss1 - rss0)) kB"
[ $(($(audit_count NODE-C integrity-failure "NODE-F") - m0)) -ge 3 ]
sc_check $? "junk from F not audited as integrity failures naming NODE-F"
served NODE-B NODE-C "BE:CONFIDENTIEL" 15
sc_check $? "B was not served afterwards"
sc_end "junk refused and audited against NODE-F, big frame cut the connection, NULL/PLAIN/raw refused; C up (RSS +$((rss1 - rss0)) kB), B served"

# ------------------------------------------------------------------ 46
sc_begin 46 "1,000 TCP connections that never finish the CURVE handshake"
fd0=$(fd_count "$cpid")
$PY "$ZPY" slowloris 127.0.0.1 "$CPORT" 1000 12 >"$T/slow.out" 2>&1 &
spid=$!
wait_for 20 grep -q '^opened' "$T/slow.out"
fdmax=$(fd_count "$cpid")
served NODE-B NODE-C "BE:CONFIDENTIEL" 20
sc_check $? "B was not served during the flood"
slat=$lat
wait "$spid"
opened=$(sed -n 's/^opened=//p' "$T/slow.out")
closed=$(sed -n 's/^closed_by_server=//p' "$T/slow.out")
[ "${opened:-0}" -ge 1000 ]
sc_check $? "only ${opened:-0} connections opened"
[ "${closed:-0}" -ge "${opened:-1}" ]
sc_check $? "only ${closed:-0} of ${opened:-0} closed by the node within 12 s"
slow_sleep 1
fd1=$(fd_count "$cpid")
[ "$fd1" -le $((fd0 + 10)) ]
sc_check $? "C holds $fd1 descriptors after, $fd0 before"
sc_end "all ${closed:-0} closed by the handshake timeout, fds $fd0 -> $fdmax -> $fd1, B served in ${slat:-?} s"

# ------------------------------------------------------------------ 47
sc_begin 47 "authenticated F floods C (3,000 envelopes, 4 KiB bodies), sends labels above its accreditation, then 20,000 junk frames with PINGs and a reset"
i0=$(audit_count NODE-C deny "NODE-F")
relpeer seal "$FED" NODE-F NODE-F NODE-C "BE:SECRET" "$T/ceiling.frame"
relpeer send "$FED" NODE-F NODE-C "$T/ceiling.frame" >"$T/ceiling.out" 2>&1
cid=$(sed -n 's/^ack NODE-C \([0-9a-f]*\) .*/\1/p' "$T/ceiling.out")
! inbox_ids NODE-C | grep -q "${cid:-none}"
sc_check $? "ACCEPTED: a BE:SECRET message from a BE:CONFIDENTIEL peer was delivered"
[ $(($(audit_count NODE-C deny "NODE-F") - i0)) -ge 1 ]
sc_check $? "the over-ceiling label is not audited as a denial against NODE-F"
relpeer flood "$FED" NODE-F NODE-C 3000 "BE:CONFIDENTIEL" 4096 60 >"$T/flood.out" 2>&1 &
fpid=$!
slow_sleep 1
served NODE-B NODE-C "BE:CONFIDENTIEL" 30
sc_check $? "B was not served within 30 s during the flood"
flat=$lat
wait "$fpid"
taken=$(sed -n 's/.*taken \([0-9]*\).*/\1/p' "$T/flood.out")
# F speaks CurveZMQ by hand: 20,000 junk frames, a PING behind every
# fifth, then a TCP reset (what aborted libzmq 4.3.4 when C's queue from F
# was full: libzmq#4364; tests/t_transport.t shows why it no longer fills).
$PY "$ZPY" pingreset 127.0.0.1 "$CPORT" "$CPK" "$FPK" "$FSK" 20000 \
    >"$T/pingreset.out" 2>&1
grep -q 'handshake=ok .* reset=yes' "$T/pingreset.out"
sc_check $? "the PING-and-reset peer did not get through: $(cat "$T/pingreset.out")"
slow_sleep 2
kill -0 "$cpid" 2>/dev/null
sc_check $? "C died under the flood: $(tail -n 3 "$FED/NODE-C/log")"
served NODE-B NODE-C "BE:CONFIDENTIEL" 30
sc_check $? "B was not served after F's reset"
nf=$(audit_count NODE-C deliver "NODE-F")
[ "$nf" -ge "${taken:-1}" ]
sc_check $? "C audited $nf deliveries from NODE-F but acknowledged ${taken:-0}"
sc_end "over-ceiling refused and audited; $(sed 's/^flood //' "$T/flood.out"); B served in ${flat:-?} s; every acknowledged one audited against NODE-F; C survived the PING-and-reset peer"

# ------------------------------------------------------------------ 11
sc_begin 11 "lost acknowledgements: relay M forwards A's message but answers A nothing for 12 s"
d0=$(audit_count NODE-C relay-in duplicate)
relay_start noack 25 12
id=$(send_ac "BE:SECRET" s11)
sleep 14
wait_for 10 grep -q "^ack NODE-A" "$RELAY_OUT"
relay_stop
sends=$(grep -c "^out NODE-C NODE-C $id" "$RELAY_OUT")
[ "$sends" -ge 2 ]
sc_check $? "A did not retry (M forwarded $sends copies)"
n=$(inbox_ids NODE-C | grep -c "$id")
[ "$n" -eq 1 ]
sc_check $? "DUPLICATED or LOST: $n copies in C's inbox"
nd=$(($(audit_count NODE-C relay-in duplicate) - d0))
[ "$nd" -eq $((sends - 1)) ]
sc_check $? "$nd duplicates audited for $((sends - 1)) retries"
sc_end "A retried $((sends - 1)) times, C suppressed and audited each duplicate, one copy delivered"

# ------------------------------------------------------------------ 12
sc_begin 12 "SIGSTOP of C for 12 s while B sends 50 messages, then SIGCONT"
cpid=$(node_pid NODE-C)
bpid=$(node_pid NODE-B)
kill -STOP "$cpid"
: >"$T/ids12"
k=0
while [ $k -lt 50 ]; do
	echo "stalled $k" | v NODE-B send --to NODE-C --label "BE:CONFIDENTIEL" \
	    --subject "st$k" - >>"$T/ids12" 2>>"$T/st.err"
	k=$((k + 1))
done
sleep 12
rssb=$(awk '/VmRSS/ {print $2}' "/proc/$bpid/status")
kill -CONT "$cpid"
wait_for 60 sh -c "[ \$(\"\$VALISE\" inbox -c \"$FED/NODE-C/valise.conf\" --json | grep -c '\"subject\": *\"st[0-9]*\"') -ge 50 ]"
inbox_ids NODE-C | sort >"$T/inbox12"
lost=$(sort "$T/ids12" | comm -23 - "$T/inbox12" | wc -l)
[ "$(grep -c . "$T/ids12")" -eq 50 ]
sc_check $? "B printed $(grep -c . "$T/ids12") ids, not 50"
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost messages"
[ "$(uniq -d "$T/inbox12" | wc -l)" -eq 0 ]
sc_check $? "DUPLICATED: ids twice in C's inbox"
# The bound is the node's (64 MiB, issue 6).  Under ASan, VmRSS also
# counts shadow memory and the allocator's quarantine of freed blocks (up
# to 256 MiB), and under valgrind ($VALISED is then a script) the tool's
# own: it says nothing about the node there, and is not checked.
if [ -z "${ASAN_OPTIONS:-}" ] && is_program "$VALISED"; then
	[ "${rssb:-0}" -lt 65536 ]
	sc_check $? "B's RSS reached ${rssb} kB"
fi
sc_end "all 50 queued at B (RSS ${rssb} kB) and delivered once after SIGCONT"

fed_stop_all
fed_logs_clean
ok $? "no sanitizer report in any node's log"
is "$(cat "$FED"/*/exit | sort -u | tr '\n' ' ')" "0 " "every node exits 0 on SIGTERM"
done_testing
