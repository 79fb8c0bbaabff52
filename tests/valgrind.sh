#!/bin/sh
# SPDX-License-Identifier: ISC
#
# valgrind.sh BUILD TEST-PROGRAMS... -- TEST-SCRIPTS...: run the suite with
# every program under valgrind memcheck (make check-valgrind).  A wrapper
# directory mirrors BUILD: valise, valised, tests/t_*.t and tests/tool_*
# are scripts that exec valgrind on the real binary, so the shell tests,
# which start binaries through $VALISE_BUILD, run them under memcheck too.
# Each process logs to $VG/logs/PID.log; the run fails on any memcheck
# error or definite leak in any log, or any process that crashed, whatever
# the tests said.  Third-party noise is suppressed by tests/valgrind.supp.
set -u
BUILD=$1
shift
SRC=${VALISE_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
SUPP="$SRC/tests/valgrind.supp"
VG="$BUILD/valgrind"
rm -rf "$VG"
mkdir -p "$VG/tests" "$VG/logs"
# officer.t runs the CLI as unprivileged users: they must log here too.
chmod 1777 "$VG/logs"
command -v valgrind >/dev/null 2>&1 || {
	echo "check-valgrind: valgrind is not installed (packaging/deps.sh)" >&2
	exit 1
}
t0=$(date +%s)

# Not --quiet: every log ends with its ERROR SUMMARY, so a process that
# was killed before it could check for leaks (kill -9 in the crash tests)
# is told apart from a clean one.  --gen-suppressions=all puts a ready
# suppression under each report, for tests/valgrind.supp when the report
# is third-party noise (and only then).
# valise execs valise-offline (label, audit) from the directory of
# /proc/self/exe, which memcheck reports as the real binary's: the valise
# wrapper follows that exec (--trace-children, EXTRA), and the offline
# program's log replaces the few instructions valise ran before it.
wrap() {	# REAL WRAPPER [EXTRA]
	cat >"$2" <<EOW
#!/bin/sh
exec valgrind --tool=memcheck --leak-check=full ${3:-} \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --track-origins=no --child-silent-after-fork=yes --num-callers=24 \\
    --suppressions="$SUPP" --gen-suppressions=all \\
    --log-file="$VG/logs/%p.log" "$1" "\$@"
EOW
	chmod 755 "$2"
}

wrap "$BUILD/valise" "$VG/valise" --trace-children=yes
wrap "$BUILD/valised" "$VG/valised"
# every test program too: rel_hostile.t runs t_transport.t itself
for t in "$BUILD"/tests/tool_* "$BUILD"/tests/t_*.t; do
	[ -x "$t" ] && wrap "$t" "$VG/tests/${t##*/}"
done
progs=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	wrap "$(cd "$(dirname "$1")" && pwd)/${1##*/}" "$VG/tests/${1##*/}"
	progs="$progs $VG/tests/${1##*/}"
	shift
done
[ "${1:-}" = "--" ] && shift

# Everything is 20-50 times slower under memcheck: the tests scale their
# waits by VALISE_SLOW (docs/development.md lists them).
VALISE_BUILD="$VG" VALISE_SLOW=${VALISE_SLOW:-20} \
    ${PROVE:-prove} --exec '' $progs "$@"
status=$?
tests=passed
[ $status -eq 0 ] || tests=FAILED

L="$VG/logs"
n=$(find "$L" -name '*.log' | wc -l)
done=$(grep -rl --include='*.log' 'ERROR SUMMARY:' "$L" | wc -l)
errors=$(grep -rhoE --include='*.log' 'ERROR SUMMARY: [0-9]+' "$L" |
    awk '{ s += $3 } END { print s + 0 }')
leaks=$(grep -rlE --include='*.log' 'definitely lost: [1-9]' "$L" | wc -l)
# A crash is a failure even when the test around it passed.
bad=$( { grep -rlE --include='*.log' 'ERROR SUMMARY: [1-9]' "$L"
    grep -rlE --include='*.log' \
    'Process terminating with default action of signal (4|6|7|8|11) ' "$L"
    } | sort -u)
crashed=$(grep -rlE --include='*.log' \
    'Process terminating with default action of signal (4|6|7|8|11) ' "$L" |
    wc -l)
if [ -n "$bad" ]; then
	echo "check-valgrind: memcheck reports in:" >&2
	for f in $bad; do
		echo "== $f" >&2
		grep -v '^==[0-9]*== \(Memcheck\|Copyright\|Using Valgrind\|$\)' \
		    "$f" | head -n 80 >&2
	done
	status=1
fi
echo "check-valgrind: $n processes under memcheck in $(($(date +%s) - t0)) s" \
    "($((n - done)) killed before their leak check);" \
    "$errors errors, $leaks with definite leaks, $crashed crashed;" \
    "tests $tests"
exit $status
