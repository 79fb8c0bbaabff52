#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bench_nncp: the peer valise is compared with, run as its users run it.
# Two NNCP nodes (alice, bob) configured in a temporary directory with
# nncp-cfgnew; BENCH_NNCP messages of 4 KiB, each sent with one nncp-file
# process (encrypted and signed to bob), carried with nncp-xfer through a
# directory (alice -tx, then bob -rx) and tossed with nncp-toss into bob's
# incoming directory.  nncp_msgs_per_s is messages over the time from the
# first nncp-file until the toss is done and every file is there.
. "$(dirname "$0")/lib.sh"

: "${BENCH_NNCP:=1000}"

if ! command -v nncp-file >/dev/null 2>&1; then
	echo "bench_nncp: nncp is not installed (packaging/deps.sh --bench)"
	exit 0
fi
N=$T/nncp
mkdir -p "$N/alice/spool" "$N/bob/spool" "$N/bob/incoming" "$N/xfer"
nncp-cfgnew -nocomments >"$N/alice.keys"
nncp-cfgnew -nocomments >"$N/bob.keys"

# key NODE FIELD: a key from that node's generated configuration.
key() {
	awk -v f="$2:" '$1 == f { print $2; exit }' "$N/$1.keys"
}

# conf SELF OTHER: SELF's configuration knowing OTHER (Hjson is JSON).
conf() {
	cat <<EOF
{
  spool: $N/$1/spool
  log: $N/$1/log
  self: {
    id: $(key "$1" id)
    exchpub: $(key "$1" exchpub)
    exchprv: $(key "$1" exchprv)
    signpub: $(key "$1" signpub)
    signprv: $(key "$1" signprv)
    noiseprv: $(key "$1" noiseprv)
    noisepub: $(key "$1" noisepub)
  }
  neigh: {
    self: {
      id: $(key "$1" id)
      exchpub: $(key "$1" exchpub)
      signpub: $(key "$1" signpub)
      noisepub: $(key "$1" noisepub)
    }
    $2: {
      id: $(key "$2" id)
      exchpub: $(key "$2" exchpub)
      signpub: $(key "$2" signpub)
      noisepub: $(key "$2" noisepub)
      incoming: $N/$1/incoming
    }
  }
}
EOF
}
conf alice bob >"$N/alice.hjson"
conf bob alice >"$N/bob.hjson"
bench_body_file "$N/body"

t0=$(bench_now)
i=0
while [ $i -lt "$BENCH_NNCP" ]; do
	nncp-file -quiet -cfg "$N/alice.hjson" "$N/body" "bob:m$i" || {
		echo "bench_nncp: nncp-file failed" >&2
		exit 1
	}
	i=$((i + 1))
done
t1=$(bench_now)
nncp-xfer -quiet -cfg "$N/alice.hjson" -mkdir -tx "$N/xfer" &&
    nncp-xfer -quiet -cfg "$N/bob.hjson" -rx "$N/xfer" &&
    nncp-toss -quiet -cfg "$N/bob.hjson" || {
	echo "bench_nncp: transfer or toss failed" >&2
	exit 1
}
t2=$(bench_now)
got=$(ls "$N/bob/incoming" | wc -l)
if [ "$got" -ne "$BENCH_NNCP" ]; then
	echo "bench_nncp: $got of $BENCH_NNCP files arrived" >&2
	exit 1
fi
rate=$(bench_calc "$BENCH_NNCP / ($t2 - $t0)" 1)
per_file=$(bench_calc "($t1 - $t0) * 1000 / $BENCH_NNCP" 2)
printf '%-52s %12s\n' "NNCP $BENCH_NNCP x 4 KiB: nncp-file, xfer, toss" \
    "msgs/s"
printf '%-52s %12s\n' "end to end" "$rate"
printf '%-52s %12s\n' "  (ms per nncp-file)" "$per_file"
printf '%-52s %12s\n' "  (xfer and toss, s)" "$(bench_calc "$t2 - $t1" 2)"
bench_result nncp_msgs_per_s "$rate"
bench_result nncp_file_ms "$per_file"
exit 0
