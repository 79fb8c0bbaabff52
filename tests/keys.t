#!/bin/sh
# SPDX-License-Identifier: ISC
# valise keygen, id and fingerprint: outputs, refusals and exit statuses.
. "$(dirname "$0")/lib.sh"

K="$T/keys"

VALISE_CONFIG="$T/none.conf" run "$VALISE" keygen --name BE-MFA --no-passphrase
is "$rc" 2 "keygen without --dir and without a configuration exits 2"
like "$err" 'give --dir DIR, or -c CONFIG' "and says what to give"

# Without --dir, the key_dir of the configuration.
cat >"$T/c.conf" <<EOF
node = { name = "BE-CFG"; nationality = "BEL"; accreditation = "BE:SECRET";
  listen = "tcp://127.0.0.1:7999"; key_dir = "cfgkeys"; state_dir = "s"; };
EOF
run "$VALISE" keygen -c "$T/c.conf" --name BE-CFG --no-passphrase
is "$rc" 0 "keygen -c CONFIG writes into its key_dir"
ok "$([ -f "$T/cfgkeys/node.sec" ]; echo $?)" "relative to the configuration's directory"
VALISE_CONFIG="$T/c.conf" run "$VALISE" id
like "$out" '^valise1:BE-CFG:' "valise id finds it through VALISE_CONFIG"

run "$VALISE" keygen --dir "$K" --no-passphrase
is "$rc" 2 "keygen without --name exits 2"

run "$VALISE" keygen --dir "$K" --name be-mfa --no-passphrase
is "$rc" 2 "a lower-case node name exits 2"
like "$err" "invalid node name 'be-mfa': use 1 to 32 of A-Z, 0-9 and '-'" \
    "and the naming rules are stated"

run "$VALISE" keygen --dir "$K" --name -BE --no-passphrase
is "$rc" 2 "a name starting with '-' exits 2"

run "$VALISE" keygen --dir "$K" --name BE-MFA --no-passphrase \
    --passphrase-file /dev/null
is "$rc" 2 "both passphrase options exit 2"
like "$err" 'exclude each other' "and say why"

run "$VALISE" keygen --dir "$K" --name BE-MFA
is "$rc" 2 "no passphrase option and no terminal exits 2"
like "$err" 'stdin is not a terminal; use --passphrase-file FILE' \
    "and names the two options"
ok "$([ ! -e "$K/node.sec" ]; echo $?)" "no key file was written"

run "$VALISE" keygen --dir "$K" --name BE-MFA --bogus
is "$rc" 2 "an unknown option exits 2"

run "$VALISE" keygen --dir "$K" --name BE-MFA --no-passphrase
is "$rc" 0 "keygen --no-passphrase exits 0"
like "$err" 'warning: .*node.sec is not encrypted; only its file permissions' \
    "and warns that only file permissions protect the key"
line1=$(sed -n 1p "$T/out")
line2=$(sed -n 2p "$T/out")
like "$line1" '^valise1:BE-MFA:[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$' \
    "it prints the peer line"
like "$line2" '^fingerprint: ([0-9A-HJKMNP-TV-Z]{5} ){5}[0-9A-HJKMNP-TV-Z]{5}$' \
    "and a fingerprint of six groups of five"
is "$(stat -c %a "$K/node.sec")" 600 "the key file is mode 0600"
is "$(stat -c %a "$K")" 700 "the key directory is created 0700"
like "$(head -n 1 "$K/node.sec")" '^untrusted comment: valise node secret key for BE-MFA' \
    "the key file starts with an untrusted comment"
sum=$(cksum <"$K/node.sec")

run "$VALISE" keygen --dir "$K" --name BE-MFA --no-passphrase
is "$rc" 1 "keygen over an existing key exits 1"
like "$err" 'already exists and is never overwritten' "and says so"
is "$(cksum <"$K/node.sec")" "$sum" "the key file is unchanged"

run "$VALISE" id --dir "$K"
is "$rc" 0 "valise id exits 0"
is "$(sed -n 1p "$T/out")" "$line1" "id prints the same peer line"
is "$(sed -n 2p "$T/out")" "$line2" "and the same fingerprint"
is "$(wc -l <"$T/out" | tr -d ' ')" 2 "on exactly two lines"

VALISE_CONFIG="$T/none.conf" run "$VALISE" id
is "$rc" 2 "id without --dir and without a configuration exits 2"
like "$err" 'give --dir DIR' "and says so"

run "$VALISE" fingerprint "$line1"
is "$rc" 0 "valise fingerprint exits 0"
is "fingerprint: $out" "$line2" "and prints the same fingerprint"

run "$VALISE" fingerprint "$line1 "
is "$rc" 2 "a trailing space exits 2"
like "$err" 'invalid peer line: the line holds a space' "and is named"
run "$VALISE" fingerprint "$line1:AAAA"
is "$rc" 2 "a trailing field exits 2"
like "$err" 'trailing characters after the transport key' "and is named"
run "$VALISE" fingerprint "valise2:${line1#valise1:}"
is "$rc" 2 "another version tag exits 2"
like "$err" 'unsupported version tag' "and is named"
run "$VALISE" fingerprint "$(printf '%s' "$line1" | cut -c1-100)"
is "$rc" 2 "a cut line exits 2"
like "$err" 'missing (envelope|transport)' "and the missing key is named"
run "$VALISE" fingerprint
is "$rc" 2 "fingerprint without a line exits 2"
run "$VALISE" fingerprint "$line1" extra
is "$rc" 2 "fingerprint with two arguments exits 2"

# Refusals at load.
chmod 644 "$K/node.sec"
run "$VALISE" id --dir "$K"
is "$rc" 1 "a key file readable by others exits 1"
like "$err" 'accessible to group or others' "and says so"
chmod 600 "$K/node.sec"

mkdir "$T/ln" && chmod 700 "$T/ln" && ln -s "$K/node.sec" "$T/ln/node.sec"
run "$VALISE" id --dir "$T/ln"
is "$rc" 1 "a symbolic link exits 1"
like "$err" 'is a symbolic link' "and says so"

mkdir -m 700 "$T/cut"
head -c 100 "$K/node.sec" >"$T/cut/node.sec" && chmod 600 "$T/cut/node.sec"
run "$VALISE" id --dir "$T/cut"
is "$rc" 1 "a truncated key file exits 1"
like "$err" 'is truncated or malformed' "and says so"

mkdir -m 700 "$T/tamper"
python3 - "$K/node.sec" "$T/tamper/node.sec" <<'PY'
import base64, sys
c, b = open(sys.argv[1]).read().split("\n")[:2]
r = bytearray(base64.b64decode(b))
r[70] ^= 1
open(sys.argv[2], "w").write(c + "\n" + base64.b64encode(bytes(r)).decode() + "\n")
PY
chmod 600 "$T/tamper/node.sec"
run "$VALISE" id --dir "$T/tamper"
is "$rc" 1 "a tampered key file exits 1"
like "$err" 'damaged or has been tampered with' "and says so"

run "$VALISE" id --dir "$T/none"
is "$rc" 2 "a missing key file exits 2"
like "$err" 'does not exist' "and says so"

# A passphrase from a file, as an unattended daemon will use.
printf 'correct horse battery staple\n' >"$T/pass"
chmod 644 "$T/pass"
run "$VALISE" keygen --dir "$T/p" --name NL-MINBUZA --passphrase-file "$T/pass"
is "$rc" 1 "a passphrase file readable by others exits 1"
like "$err" 'passphrase file .* accessible to group or others' "and says so"
ok "$([ ! -e "$T/p/node.sec" ]; echo $?)" "and no key file is written"
run "$VALISE" keygen --dir "$T/p" --name NL-MINBUZA --passphrase-file "$T/nope"
is "$rc" 2 "a missing passphrase file exits 2"
chmod 600 "$T/pass"
run "$VALISE" keygen --dir "$T/p" --name NL-MINBUZA --passphrase-file "$T/pass"
is "$rc" 0 "keygen with --passphrase-file exits 0"
case "$err" in *warning*) ok 1 "no warning with a passphrase" ;;
*) ok 0 "no warning with a passphrase" ;; esac
like "$(head -n 1 "$T/p/node.sec")" 'passphrase, Argon2id' \
    "the comment says the key is passphrase-protected"
run "$VALISE" id --dir "$T/p"
is "$rc" 0 "id needs no passphrase"
like "$out" '^valise1:NL-MINBUZA:' "and prints the peer line"

# The passphrase asked twice on a terminal (a pseudo-terminal here).
tty_keygen() {	# tty_keygen DIR FIRST SECOND: run keygen under a pty
	python3 - "$VALISE" "$1" "$2" "$3" <<'PY'
import os, pty, signal, sys
valise, d, a, b = sys.argv[1:]
signal.alarm(60)	# never hang the suite
pid, fd = pty.fork()
if pid == 0:
    os.execv(valise, [valise, "keygen", "--dir", d, "--name", "FR-MEAE"])
out = b""
def wait_for(s):
    global out
    while s not in out:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
wait_for(b"Passphrase for the node key: ")
os.write(fd, a.encode() + b"\n")
wait_for(b"Same passphrase again: ")
os.write(fd, b.encode() + b"\n")
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
}
run tty_keygen "$T/tty" "one secret" "another secret"
is "$rc" 2 "two different passphrases on the terminal exit 2"
like "$out" 'the passphrases differ' "and say so"
case "$out" in *"one secret"*) ok 1 "the passphrase is not echoed" ;;
*) ok 0 "the passphrase is not echoed" ;; esac
run tty_keygen "$T/tty" "same secret" "same secret"
is "$rc" 0 "the same passphrase twice on the terminal exits 0"
like "$(head -n 1 "$T/tty/node.sec")" 'passphrase, Argon2id' \
    "and the key is passphrase-protected"

done_testing
