#!/bin/sh
# SPDX-License-Identifier: ISC
# Reliability suite, disk faults (scenarios 5-7 of reliability.md):
#   5  fdatasync/fsync fail with EIO (strace -e inject) from the Nth call
#      on: no submission is acknowledged without a durable write, and
#      every id printed survives a restart
#   6  the state directory on a 16 MiB tmpfs, flooded: submissions get a
#      temporary refusal (exit 3) at the reserve, before ENOSPC; they are
#      taken again by themselves once space is freed
#   7  the disk fills under the audit log and the store while the node
#      receives: it fails closed (nothing acknowledged, alarm in status)
#      and resumes by itself; nothing lost, nothing twice, verify clean
# Needs root (tmpfs) and strace; skipped otherwise.  Run by
# make check-reliability only.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fedlib.sh"
. "$(dirname "$0")/../rellib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v strace >/dev/null 2>&1 ||
    ! command -v sqlcipher >/dev/null 2>&1; then
	echo "1..0 # SKIP needs root, strace and sqlcipher"
	exit 0
fi

rel_pair
FED_EXTRA="disk_reserve = 2097152;"
fed_write
mkdir -p "$FED/NODE-B/state"
mount -t tmpfs -o size=16m tmpfs "$FED/NODE-B/state" || {
	echo "1..0 # SKIP cannot mount a tmpfs"
	exit 0
}
TAP_CLEANUP="fed_stop_all; umount '$FED/NODE-B/state'"
chmod 700 "$FED/NODE-B/state"

# ------------------------------------------------------------------- 5
sc_begin 5 "fdatasync/fsync fail with EIO from the Nth call on (N = 30, 60, 120) while B's command submits"
: >"$T/ids5"
refused=0
fed_start NODE-B && fed_stop NODE-B	# create the databases first
for N in 30 60 120; do
	strace -f -qq -o /dev/null -e trace=fdatasync,fsync \
	    -e inject=fdatasync,fsync:error=EIO:when=$N+ \
	    "$VALISED" -c "$FED/NODE-B/valise.conf" >>"$FED/NODE-B/log" 2>&1 &
	spid=$!
	wait_for 20 v NODE-B status
	alarm=no
	k=0
	while [ $k -lt 40 ]; do
		if id=$(echo "eio $N $k" | v NODE-B send --to NODE-A \
		    --label "NATO SECRET" --subject "e$N-$k" - 2>/dev/null); then
			echo "$id" >>"$T/ids5"
		else
			refused=$((refused + 1))
		fi
		k=$((k + 1))
	done
	v NODE-B status --json | grep -q '"alarm": *true' && alarm=yes
	echo "$N $alarm" >>"$T/alarms"
	pkill -KILL -P "$spid" 2>/dev/null	# valised, strace's child
	kill -KILL "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
done
fed_start NODE-B
sc_check $? "B did not restart after the injected failures"
v NODE-B sent --json | grep -o '"id": *"[0-9a-f]*"' |
    sed 's/.*"\([0-9a-f]*\)"$/\1/' | sort -u >"$T/sent5"
lost=$(sort -u "$T/ids5" | comm -23 - "$T/sent5" | wc -l)
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost acknowledged submissions are not in B's store after restart"
[ "$refused" -gt 0 ]
sc_check $? "no submission was refused: the injection never bit"
grep -q ' yes' "$T/alarms"
sc_check $? "no alarm in valise status while fsync failed"
fed_stop NODE-B
r=$(integrity NODE-B)
[ "$r" = "store=ok audit=ok verify=ok" ]
sc_check $? "databases after restart: $r"
sc_end "$(grep -c . "$T/ids5") acknowledged and all durable, $refused refused (exit 4), alarm raised; databases clean"

# ------------------------------------------------------------------- 6
sc_begin 6 "B's state on a 16 MiB tmpfs; 256 KiB submissions until refused, then 4 MiB freed"
fed_start NODE-B
head -c 4194304 /dev/zero >"$FED/NODE-B/state/ballast"
head -c 262144 /dev/urandom | base64 -w0 >"$T/big"
: >"$T/ids6"
k=0
first_refusal=
while [ $k -lt 80 ]; do
	run v NODE-B send --to NODE-A --label "NATO SECRET" --subject "f$k" "$T/big"
	if [ "$rc" -eq 0 ]; then
		echo "$out" >>"$T/ids6"
	else
		first_refusal="$rc: $err"
		break
	fi
	k=$((k + 1))
done
case $first_refusal in
3:*) ;;
*) sc_check 1 "the first refusal was not temporary: '${first_refusal:-none}'" ;;
esac
rm -f "$FED/NODE-B/state/ballast"
run v NODE-B send --to NODE-A --label "NATO SECRET" --subject after "$T/big"
sc_check "$rc" "after 4 MiB freed a submission is still refused: $rc $err"
[ "$rc" -eq 0 ] && echo "$out" >>"$T/ids6"
fed_start NODE-A
wait_for 60 sh -c "[ \$(\"\$VALISE\" inbox -c \"$FED/NODE-A/valise.conf\" --json | grep -c '\"id\"') -ge $(grep -c . "$T/ids6") ]"
inbox_ids NODE-A | sort >"$T/inbox6"
lost=$(sort "$T/ids6" | comm -23 - "$T/inbox6" | wc -l)
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost accepted messages never reached A"
sc_end "$(grep -c . "$T/ids6") taken, then refused with exit 3 before ENOSPC; taken again once space was freed; all delivered"

# ------------------------------------------------------------------- 7
sc_begin 7 "the disk under B's store and audit log fills while A sends 200 messages to B"
# A fresh 16 MiB tmpfs: scenario 6 left B's store and its WAL filling the
# old one (SQLite keeps a file's size after its rows are deleted), so
# freeing the ballast below would free nothing.
fed_stop NODE-B
umount "$FED/NODE-B/state" &&
	mount -t tmpfs -o size=16m tmpfs "$FED/NODE-B/state" &&
	chmod 700 "$FED/NODE-B/state"
sc_check $? "cannot remount B's tmpfs"
fed_start NODE-B
fed_stop NODE-A
: >"$T/ids7"
k=0
while [ $k -lt 200 ]; do
	echo "{\"to\":\"NODE-B\",\"label\":\"NATO SECRET\",\"subject\":\"d$k\",\"body\":\"$(head -c 3000 /dev/zero | tr '\0' x)\"}"
	k=$((k + 1))
done >"$T/batch7"
v NODE-A send --batch "$T/batch7" >/dev/null 2>&1 || :
fed_start NODE-A
v NODE-A send --batch "$T/batch7" >"$T/ids7" 2>"$T/err7"
avail=$(df -k --output=avail "$FED/NODE-B/state" | tail -n 1)
head -c $(( (avail - 64) * 1024 )) /dev/zero >"$FED/NODE-B/state/ballast" 2>/dev/null
wait_for 10 sh -c "\"\$VALISE\" status -c \"$FED/NODE-B/valise.conf\" --json | grep -q '\"alarm\": *true'"
alarm=$?
got_full=$(inbox_ids NODE-B | grep -c -f "$T/ids7")
kill -0 "$(node_pid NODE-B)"
sc_check $? "B died when the disk filled"
rm -f "$FED/NODE-B/state/ballast"
wait_for 60 sh -c "[ \$(\"\$VALISE\" inbox -c \"$FED/NODE-B/valise.conf\" --json | grep -c '\"subject\": *\"d[0-9]*\"') -ge 200 ]"
inbox_ids NODE-B | sort >"$T/inbox7"
lost=$(sort "$T/ids7" | comm -23 - "$T/inbox7" | wc -l)
dups=$(uniq -d "$T/inbox7" | wc -l)
[ "$lost" -eq 0 ]
sc_check $? "LOST: $lost of A's messages never reached B"
[ "$dups" -eq 0 ]
sc_check $? "DUPLICATED: $dups"
[ "$alarm" -eq 0 ]
sc_check $? "no alarm in B's status while the disk was full ($got_full delivered before)"
v NODE-B status --json | grep -q '"alarm": *false'
sc_check $? "the alarm did not clear by itself after space was freed"
fed_stop_all
r=$(integrity NODE-B)
[ "$r" = "store=ok audit=ok verify=ok" ]
sc_check $? "B's databases: $r"
sc_end "B failed closed with the alarm raised ($got_full of 200 taken before), resumed by itself: all 200 once, audit verify clean (no gap)"

fed_stop_all
done_testing
