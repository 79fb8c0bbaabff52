# SPDX-License-Identifier: ISC
#
# lib.sh: TAP helpers for the shell tests.  Source it, then:
#	plan N | done_testing
#	ok COND-EXIT-STATUS DESC ; is GOT WANT DESC ; run_is STATUS DESC -- CMD...
#	skip N REASON
#	slow_sleep SECONDS (scaled by VALISE_SLOW under valgrind)
#	is_program FILE (an ELF program, not check-valgrind's wrapper script)
# Each test gets its own directory $T, removed at exit.  The binaries are
# $VALISE and $VALISED (from VALISE_BUILD, set by the Makefile).

: "${VALISE_BUILD:=$(cd "$(dirname "$0")/.." && pwd)/build}"
: "${VALISE_SRC:=$(cd "$(dirname "$0")/.." && pwd)}"
VALISE="$VALISE_BUILD/valise"
VALISED="$VALISE_BUILD/valised"
export VALISE VALISED VALISE_BUILD VALISE_SRC

_tap_n=0
_tap_failed=0
_tap_planned=

T=$(mktemp -d "${TMPDIR:-/tmp}/valise-test.XXXXXX") || {
	echo "Bail out! mktemp failed"
	exit 255
}
_tap_cleanup() {
	if [ -n "${TAP_CLEANUP:-}" ]; then
		eval "$TAP_CLEANUP" || :
	fi
	if [ -n "${VALISE_KEEP:-}" ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap _tap_cleanup EXIT
trap 'exit 129' HUP INT TERM

plan() { _tap_planned=$1; echo "1..$1"; }
diag() { echo "# $*" >&2; }

ok() {	# ok STATUS DESC: passes when STATUS is 0
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

skip() {	# skip N REASON: N tests that cannot run here
	_sk=0
	while [ $_sk -lt "$1" ]; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $2"
		_sk=$((_sk + 1))
	done
}

is() {	# is GOT WANT DESC
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "     got: '$1'"
		diag "expected: '$2'"
	fi
}

# run CMD...: run a command, keep its status in $rc, stdout in $out,
# stderr in $err (files $T/out and $T/err hold them too).
run() {
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# like GOT PATTERN DESC: grep -E match
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "'$1' does not match /$2/"
	fi
}

# slow_sleep SECONDS: a pause the test means as "long enough for the node
# to act", scaled like fedlib.sh's wait_for by VALISE_SLOW (20 under
# valgrind).  Prefer waiting for evidence; this is for checking that
# something did NOT happen.
slow_sleep() {
	sleep "$(awk -v s="$1" -v k="${VALISE_SLOW:-1}" \
	    'BEGIN { printf "%.3f", s * k }')"
}

# is_program FILE: FILE is an ELF program; under make check-valgrind
# $VALISE and $VALISED are scripts that run valgrind on the program.
is_program() {
	[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]
}

done_testing() {
	if [ -z "$_tap_planned" ]; then
		echo "1..$_tap_n"
	elif [ "$_tap_planned" -ne "$_tap_n" ]; then
		diag "planned $_tap_planned tests, ran $_tap_n"
		exit 255
	fi
	[ "$_tap_failed" -eq 0 ] || exit 1
	exit 0
}

# sqlcipher_settings KEYHEX: the PRAGMAs that open a valise database in the
# stock sqlcipher shell, as node/db.c sets them; pipe them before the SQL.
sqlcipher_settings() {
	printf '%s\n' "PRAGMA key = \"x'$1'\";" \
	    "PRAGMA cipher = 'aes-256-cbc';" \
	    "PRAGMA cipher_page_size = 4096;" \
	    "PRAGMA kdf_iter = 64000;" \
	    "PRAGMA cipher_use_hmac = ON;" \
	    "PRAGMA cipher_hmac_pgno = le;" \
	    "PRAGMA cipher_hmac_salt_mask = \"x'3a'\";" \
	    "PRAGMA fast_kdf_iter = 2;"
}
