#!/bin/sh
# SPDX-License-Identifier: ISC
# The auditor's view of tampering: a log is altered with the STOCK sqlcipher
# shell and the exported key, the way an insider would, and `valise audit
# verify` must name what happened.  Also: wrong key, flipped bytes, key file
# rules, the read-only open, and the JSON and CSV outputs.
. "$(dirname "$0")/lib.sh"

POPULATE="$VALISE_BUILD/tests/t_audit.t"
umask 077
KEYHEX=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
echo "$KEYHEX" >"$T/key"
A="$VALISE audit"

if ! command -v sqlcipher >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlcipher shell is not installed"
	exit 0
fi

# sqlc DB SQL: run SQL in the stock shell with the key and our settings.
sqlc() {
	{ sqlcipher_settings "$KEYHEX"; printf '%s\n' "$2"; } |
	    sqlcipher -bail "$1" >/dev/null
}

# A log of 200 entries with a checkpoint every 50; keep the state at 100.
"$POPULATE" populate "$T/base.db" "$T/key" 100 50
ok $? "populate 100 entries"
cp "$T/base.db" "$T/old.db"
"$POPULATE" populate "$T/base.db" "$T/key" 100 50
ok $? "populate 100 more"
sum_before=$(sha256sum <"$T/base.db")

run $A verify --db "$T/base.db" --key-file "$T/key"
is "$rc" 0 "verify a clean log exits 0"
like "$out" '^ok: 200 entries, head [0-9a-f]{64}$' "it prints ok, the count and the head"
like "$out" 'truncation after seq 200 cannot be excluded' \
    "without an external checkpoint it says truncation cannot be excluded"

run $A checkpoint --db "$T/base.db" --key-file "$T/key"
is "$rc" 0 "checkpoint exits 0"
like "$out" '^valise audit checkpoint v1' "it prints the checkpoint"
printf '%s\n' "$out" >"$T/cp200"
like "$(sed -n 3p "$T/cp200")" '^seq 200$' "the latest checkpoint is at seq 200"

run $A verify --db "$T/base.db" --key-file "$T/key" --checkpoint "$T/cp200"
is "$rc" 0 "verify against the exported checkpoint exits 0"
like "$out" 'external checkpoint at seq 200 matches' "and says it matches"

is "$(sha256sum <"$T/base.db")" "$sum_before" "the database was opened read-only: unchanged"

# Export the key for the stock shell.
run $A export-key --db "$T/base.db" --key-file "$T/key" --out "$T/exported"
is "$rc" 0 "export-key exits 0"
is "$(stat -c %a "$T/exported")" 600 "the exported key is mode 0600"
is "$(cat "$T/exported")" "$KEYHEX" "it holds the key as 64 hex digits"
run $A export-key --db "$T/base.db" --key-file "$T/key" --out "$T/exported"
is "$rc" 2 "export-key will not overwrite a file"
ln -s "$T/nowhere" "$T/link"
run $A export-key --db "$T/base.db" --key-file "$T/key" --out "$T/link"
ok $((rc == 0)) "export-key will not write through a symbolic link"
ok $(test ! -e "$T/nowhere"; echo $?) "and nothing was created behind it"

cp "$T/key" "$T/key644" && chmod 644 "$T/key644"
run $A verify --db "$T/base.db" --key-file "$T/key644"
is "$rc" 2 "a key file readable by others is refused"
like "$err" 'readable by group or others' "and the reason is given"

echo 0001020304050607080900000000000000000000000000000000000000000000 >"$T/wrong"
run $A verify --db "$T/base.db" --key-file "$T/wrong"
is "$rc" 1 "a wrong key exits 1"
like "$err" 'corrupt or wrong key' "a wrong key says corrupt or wrong key"
is "$(sha256sum <"$T/base.db")" "$sum_before" "a wrong key changes nothing"

run $A verify --key-file "$T/key"
is "$rc" 2 "without --db (no node connection yet) verify is a usage error"

# --- tampering with the stock shell ------------------------------------------

cp "$T/base.db" "$T/m.db"
sqlc "$T/m.db" "DROP TRIGGER events_no_update; UPDATE events SET origin = 'node-x' WHERE seq = 42;"
ok $? "sqlcipher: modify a field of seq 42"
run $A verify --db "$T/m.db" --key-file "$T/key"
is "$rc" 1 "a modified field exits 1"
like "$out" 'first bad seq 42: .*hash-chain' "and names seq 42 and the broken link"

cp "$T/base.db" "$T/d.db"
sqlc "$T/d.db" "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 100;"
ok $? "sqlcipher: delete the middle row 100"
run $A verify --db "$T/d.db" --key-file "$T/key"
is "$rc" 1 "a deleted row exits 1"
like "$out" 'first bad seq 100: entry 100 is missing' "and names the missing seq"

cp "$T/base.db" "$T/s.db"
sqlc "$T/s.db" "DROP TRIGGER events_no_update;
UPDATE events SET seq = -seq WHERE seq IN (10, 11);
UPDATE events SET seq = 11 WHERE seq = -10;
UPDATE events SET seq = 10 WHERE seq = -11;"
ok $? "sqlcipher: swap rows 10 and 11"
run $A verify --db "$T/s.db" --key-file "$T/key"
is "$rc" 1 "swapped rows exit 1"
like "$out" 'first bad seq 10:' "and name seq 10"

cp "$T/base.db" "$T/t.db"
sqlc "$T/t.db" "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq > 150;"
ok $? "sqlcipher: delete the last 50 rows"
run $A verify --db "$T/t.db" --key-file "$T/key" --checkpoint "$T/cp200"
is "$rc" 1 "truncation exits 1 against the checkpoint"
like "$out" 'log shorter than checkpoint seq 200' "and says the log is shorter than the checkpoint"

# A careful attacker also removes the checkpoints and fixes the state row.
sqlc "$T/t.db" "DROP TRIGGER checkpoints_no_delete; DELETE FROM checkpoints WHERE seq > 150;
UPDATE state SET seq = 150, cp_seq = 150, link = (SELECT link FROM events WHERE seq = 150);"
run $A verify --db "$T/t.db" --key-file "$T/key"
like "$out" 'truncation after seq 150 cannot be excluded|first bad seq' \
    "a careful truncation is never reported as plainly ok"
run $A verify --db "$T/t.db" --key-file "$T/key" --checkpoint "$T/cp200"
is "$rc" 1 "but the external checkpoint still catches it"
like "$out" 'log shorter than checkpoint seq 200' "as a log shorter than the checkpoint"

cp "$T/old.db" "$T/r.db"
run $A verify --db "$T/r.db" --key-file "$T/key"
is "$rc" 0 "an older copy is self-consistent"
run $A verify --db "$T/r.db" --key-file "$T/key" --checkpoint "$T/cp200"
is "$rc" 1 "replacing the file with an older copy is caught by the checkpoint"
like "$out" 'log shorter than checkpoint seq 200' "as a log shorter than the checkpoint"

sed 's/^seq 200$/seq 199/' "$T/cp200" >"$T/cpbad"
run $A verify --db "$T/base.db" --key-file "$T/key" --checkpoint "$T/cpbad"
is "$rc" 1 "a forged external checkpoint exits 1"
like "$out" 'not signed by this log' "and is named as badly signed"
printf 'garbage\n' >"$T/cpjunk"
run $A verify --db "$T/base.db" --key-file "$T/key" --checkpoint "$T/cpjunk"
is "$rc" 2 "a file that is not a checkpoint is a usage error"

# --- raw corruption ----------------------------------------------------------
# Flip one byte at a pseudo-random offset, 20 times (fixed seed).  SQLCipher's
# page HMAC catches nearly all; the 12 padding bytes after each page's HMAC
# are not covered, so a flip there leaves every row verified and is fine.
size=$(stat -c %s "$T/base.db")
crashed=0 detected=0 wrongmsg=0
for i in $(seq 1 20); do
	cp "$T/base.db" "$T/f.db"
	python3 -c "
import random, sys
random.seed($i)
off = random.randrange($size)
with open(sys.argv[1], 'r+b') as f:
    f.seek(off); b = f.read(1); f.seek(off)
    f.write(bytes([b[0] ^ (1 << random.randrange(8))]))
" "$T/f.db"
	run $A verify --db "$T/f.db" --key-file "$T/key"
	case $rc in
	0) ;;
	1) detected=$((detected + 1))
	   printf '%s %s\n' "$out" "$err" | grep -q 'corrupt or wrong key' ||
	       wrongmsg=$((wrongmsg + 1)) ;;
	*) crashed=$((crashed + 1)); diag "flip $i: exit $rc: $err" ;;
	esac
done
is "$crashed" 0 "20 flipped bytes: no crash, no unexpected exit"
is "$wrongmsg" 0 "every detected flip says corrupt or wrong key"
ok $((detected < 17)) "at least 17 of 20 flips detected ($detected)"

# --- outputs -----------------------------------------------------------------

run $A export --json --db "$T/base.db" --key-file "$T/key"
is "$rc" 0 "export --json exits 0"
printf '%s\n' "$out" >"$T/export.json"
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d), d[0]["seq"], type(d[0]["uid"]).__name__, len(d[0]["link"]))' "$T/export.json")
is "$n" "200 1 int 64" "the JSON parses: 200 objects, numbers as numbers, links in hex"
if command -v jq >/dev/null 2>&1; then
	is "$(jq -r '.[41].origin' "$T/export.json")" "node-a.mil.be" "jq reads it"
else
	ok 0 "# SKIP jq not installed"
fi
run $A log --json --db "$T/base.db" --key-file "$T/key" --user bob --event submit
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), set(r["login"] for r in d), set(r["event"] for r in d))')" \
    "14 {'bob'} {'submit'}" "log filters by user and event"
run $A log --json --db "$T/base.db" --key-file "$T/key" --msg nosuchmessage
is "$out" "[]" "an empty selection is an empty JSON array"

run $A export --csv --db "$T/base.db" --key-file "$T/key"
is "$rc" 0 "export --csv exits 0"
printf '%s\n' "$out" >"$T/export.csv"
like "$(head -n 1 "$T/export.csv")" "$(printf '^seq,time,event,msg_id,origin,.*,link,mac\r$')" \
    "CSV: a header line ending in CRLF"
n=$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
print(len(rows), len(set(len(r) for r in rows)), rows[1][7])' "$T/export.csv")
is "$n" "201 1 alice@fin,bob@def" "CSV parses per RFC 4180: 201 rows of equal width, commas quoted"

run $A log --db "$T/base.db" --key-file "$T/key" --since 2000-01-01 --until 2000-01-02
is "$rc" 0 "log with a time range exits 0"
like "$out" '^seq +time +event' "the text output has a header"
run $A log --db "$T/base.db" --key-file "$T/key" --since yesterday
is "$rc" 2 "a bad time is a usage error"
run $A log --db "$T/base.db" --key-file "$T/key" --event nonsense
is "$rc" 2 "an unknown event is a usage error"
run $A log --db "$T/base.db" --key-file "$T/key" --json --csv
is "$rc" 2 "--json with --csv is a usage error"
run $A verify --db "$T/base.db" --key-file "$T/key" --json
is "$rc" 2 "an option of another command is a usage error"
run $A export --db "$T/base.db" --key-file "$T/key"
is "$rc" 2 "export without a format is a usage error"

run "$VALISE" --help
like "$out" 'audit +query and verify the audit log' "valise --help lists audit"

done_testing
