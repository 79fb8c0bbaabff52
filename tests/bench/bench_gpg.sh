#!/bin/sh
# SPDX-License-Identifier: ISC
#
# bench_gpg: GnuPG as an officer's script would use it, one process per
# message.  Two key holders in temporary GNUPGHOMEs, each with an ed25519
# signing key and a cv25519 encryption subkey, no passphrase; each knows
# the other's public key.  BENCH_GPG messages of 4 KiB:
#   gpg_sign_encrypt_msgs_per_s    gpg --sign --encrypt (alice to bob)
#   gpg_decrypt_verify_msgs_per_s  gpg --decrypt, signature checked (bob)
. "$(dirname "$0")/lib.sh"

: "${BENCH_GPG:=300}"

if ! command -v gpg >/dev/null 2>&1; then
	echo "bench_gpg: gnupg is not installed (packaging/deps.sh --bench)"
	exit 0
fi
G=$T/gpg
mkdir -p "$G/alice" "$G/bob" "$G/out" "$G/plain"
chmod 700 "$G/alice" "$G/bob"
GPG="gpg --batch --quiet --no-tty --pinentry-mode loopback --passphrase="
gpg_stop() {
	gpgconf --homedir "$G/alice" --kill all 2>/dev/null
	gpgconf --homedir "$G/bob" --kill all 2>/dev/null
}
TAP_CLEANUP="gpg_stop"

# newkey HOME UID: ed25519 primary (sign), cv25519 subkey (encrypt).
newkey() {
	$GPG --homedir "$1" --quick-gen-key "$2" ed25519 sign never &&
	    fpr=$($GPG --homedir "$1" --with-colons --list-secret-keys "$2" |
	    awk -F: '$1 == "fpr" { print $10; exit }') &&
	    $GPG --homedir "$1" --quick-add-key "$fpr" cv25519 encr never &&
	    $GPG --homedir "$1" --export "$2" >"$G/$3.pub"
}
newkey "$G/alice" "alice@bench.invalid" alice &&
    newkey "$G/bob" "bob@bench.invalid" bob &&
    $GPG --homedir "$G/alice" --import "$G/bob.pub" 2>/dev/null &&
    $GPG --homedir "$G/bob" --import "$G/alice.pub" 2>/dev/null || {
	echo "bench_gpg: key generation failed" >&2
	exit 1
}
bench_body_file "$G/body"
# Start each agent before timing, as a user's session would have it.
echo warm | $GPG --homedir "$G/alice" --trust-model always \
    -u alice@bench.invalid -r bob@bench.invalid --sign --encrypt \
    -o "$G/warm.gpg" && $GPG --homedir "$G/bob" --trust-model always \
    -o /dev/null --decrypt "$G/warm.gpg" 2>/dev/null || {
	echo "bench_gpg: warm-up failed" >&2
	exit 1
}

t0=$(bench_now)
i=0
while [ $i -lt "$BENCH_GPG" ]; do
	$GPG --homedir "$G/alice" --trust-model always \
	    -u alice@bench.invalid -r bob@bench.invalid --sign --encrypt \
	    -o "$G/out/m$i.gpg" "$G/body" || exit 1
	i=$((i + 1))
done
t1=$(bench_now)
i=0
bad=0
while [ $i -lt "$BENCH_GPG" ]; do
	# --status-fd tells a good signature from none at all.
	$GPG --homedir "$G/bob" --trust-model always --status-fd 3 \
	    -o "$G/plain/m$i" --decrypt "$G/out/m$i.gpg" 3>"$G/status" \
	    2>/dev/null || exit 1
	grep -q '^\[GNUPG:\] GOODSIG' "$G/status" || bad=$((bad + 1))
	i=$((i + 1))
done
t2=$(bench_now)
if [ $bad -ne 0 ] || ! cmp -s "$G/body" "$G/plain/m0"; then
	echo "bench_gpg: $bad messages without a good signature" >&2
	exit 1
fi
se=$(bench_calc "$BENCH_GPG / ($t1 - $t0)" 1)
dv=$(bench_calc "$BENCH_GPG / ($t2 - $t1)" 1)
printf '%-52s %12s\n' "gpg, one process per 4 KiB message" "msgs/s"
printf '%-52s %12s\n' "sign + encrypt (ed25519, cv25519)" "$se"
printf '%-52s %12s\n' "decrypt + verify" "$dv"
bench_result gpg_sign_encrypt_msgs_per_s "$se"
bench_result gpg_decrypt_verify_msgs_per_s "$dv"
exit 0
