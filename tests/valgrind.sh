#!/bin/sh
# SPDX-License-Identifier: ISC
#
# valgrind.sh BUILD TEST-PROGRAMS... -- TEST-SCRIPTS...: run the suite with
# every program under valgrind memcheck (make check-valgrind).  A wrapper
# directory mirrors BUILD: valise, valised, tests/t_*.t and tests/tool_*
# are scripts that exec valgrind on the real binary, so the shell tests,
# which start binaries through $VALISE_BUILD, run them under memcheck too.
# Each process logs to $VG/logs/PID.log; the run fails on any memcheck
# error or definite leak in any log, whatever the tests said.
set -u
BUILD=$1
shift
VG="$BUILD/valgrind"
rm -rf "$VG"
mkdir -p "$VG/tests" "$VG/logs"
command -v valgrind >/dev/null 2>&1 || {
	echo "check-valgrind: valgrind is not installed" >&2
	exit 1
}

wrap() {	# REAL WRAPPER
	cat >"$2" <<EOW
#!/bin/sh
exec valgrind --quiet --tool=memcheck --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --track-origins=no --child-silent-after-fork=yes \\
    --log-file="$VG/logs/%p.log" "$1" "\$@"
EOW
	chmod +x "$2"
}

wrap "$BUILD/valise" "$VG/valise"
wrap "$BUILD/valised" "$VG/valised"
for t in "$BUILD"/tests/tool_*; do
	[ -x "$t" ] && wrap "$t" "$VG/tests/${t##*/}"
done
progs=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	wrap "$(cd "$(dirname "$1")" && pwd)/${1##*/}" "$VG/tests/${1##*/}"
	progs="$progs $VG/tests/${1##*/}"
	shift
done
[ "${1:-}" = "--" ] && shift

# Everything is 20-50 times slower under memcheck: the shell tests' waits
# are scaled by VALISE_SLOW where they honour it.
VALISE_BUILD="$VG" VALISE_SLOW=20 ${PROVE:-prove} --exec '' $progs "$@"
status=$?

# --quiet: a log is written to only for an error or a definite leak, or
# for valgrind 3.19's warning that it does not know the Landlock calls
# (444-446): it answers ENOSYS and the node runs unconfined under
# memcheck, which is not an error of the node's.
landlock_warning() {	# LOG: the log holds nothing else
	! grep -v -e 'WARNING: unhandled amd64-linux syscall: 44[4-6]$' \
	    -e 'You may be able to write your own handler' \
	    -e 'README_MISSING_SYSCALL_OR_IOCTL' \
	    -e 'Nevertheless we consider this a bug' \
	    -e 'valgrind.org/support/bug_reports.html' "$1" | grep -q .
}
bad=
for f in $(find "$VG/logs" -name '*.log' -size +0 | sort); do
	landlock_warning "$f" || bad="$bad $f"
done
bad=$(echo $bad | tr ' ' '\n')
if [ -n "$bad" ]; then
	echo "check-valgrind: memcheck reports in:" >&2
	for f in $bad; do
		echo "== $f" >&2
		head -n 40 "$f" >&2
	done
	status=1
fi
n=$(ls "$VG"/logs | wc -l)
echo "check-valgrind: $n processes under memcheck, $(echo "$bad" |
    grep -c .) with errors or definite leaks"
exit $status
