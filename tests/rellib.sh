# SPDX-License-Identifier: ISC
#
# rellib.sh: helpers for the reliability suite (issue 9, scenarios in
# docs of ../shared/reference/reliability.md).  Source after lib.sh and
# fedlib.sh.  Every scenario ends in ONE TAP line that says its number,
# what was done and the result, and on failure what was lost, duplicated
# or accepted that should not have been (a failure that ends in
# "# TODO why" is a known defect, reported but not counted):
#
#	sc_begin NUM "what was done"
#	sc_check STATUS "what went wrong when STATUS is not 0"
#	sc_end "the result when everything held"
#
#	rel_pair		NODE-A and NODE-B, linked, accredited and
#				cleared $SEC, root an officer and auditor on
#				both (not written: set FED_EXTRA, fed_write)
#	relpeer ARGS...		the hostile node (tests/tool_relpeer.c)
#	audit_csv NODE		NODE's audit log as CSV (a copy, offline)
#	audit_count NODE EVENT [PATTERN]
#	inbox_ids NODE		the ids in NODE's inbox, one a line
#	sent_status NODE ID	the status A's `valise sent ID` shows

RELPEER="$VALISE_BUILD/tests/tool_relpeer"

_sc_num=
_sc_what=
_sc_fail=
sc_begin() {
	_sc_num=$1
	_sc_what=$2
	_sc_fail=
}
sc_check() {
	[ "$1" -eq 0 ] && return 0
	_sc_fail="${_sc_fail:+$_sc_fail; }$2"
	return 1
}
sc_end() {
	if [ -z "$_sc_fail" ]; then
		ok 0 "scenario $_sc_num: $_sc_what: $1"
	elif [ -z "${_sc_fail##*# TODO*}" ]; then
		# a known defect: reported, not counted (TAP TODO)
		_tap_n=$((_tap_n + 1))
		echo "not ok $_tap_n - scenario $_sc_num: $_sc_what: FAILED: $_sc_fail"
	else
		ok 1 "scenario $_sc_num: $_sc_what: FAILED: $_sc_fail"
	fi
}

relpeer() {
	"$RELPEER" "$@"
}

SEC="BE:SECRET+NATO:SECRET"
rel_pair() {
	fed_add NODE-A BEL NATO "$SEC"
	fed_add NODE-B BEL NATO "$SEC"
	fed_link NODE-A NODE-B
	for _n in NODE-A NODE-B; do
		fed_user $_n root "$SEC" BEL NATO officer,auditor
	done
}

# A consistent copy of NODE's audit log (the WAL too), read offline with
# the key derived from the node's secret.
audit_csv() {
	_ad="$T/audit-copy-$1"
	rm -rf "$_ad"
	mkdir -p "$_ad"
	cp "$FED/$1/state/audit.db" "$_ad/audit.db" 2>/dev/null
	[ -f "$FED/$1/state/audit.db-wal" ] &&
	    cp "$FED/$1/state/audit.db-wal" "$_ad/audit.db-wal"
	(umask 077; relpeer key "$FED" "$1" audit >"$_ad/key")
	"$VALISE" audit log --db "$_ad/audit.db" --key-file "$_ad/key" --csv
}

# audit_count NODE EVENT [PATTERN]: events of that type (matching PATTERN)
audit_count() {
	audit_csv "$1" | grep -- ",$2," | grep -c -- "${3:-.}"
}

inbox_ids() {
	v "$1" inbox --json | grep -o '"id": *"[0-9a-f]*"' |
	    sed 's/.*"\([0-9a-f]*\)"$/\1/'
}

sent_status() {
	v "$1" sent "$2" --json | grep -o '"status": *"[a-z]*"' |
	    sed 's/.*"\([a-z]*\)"$/\1/' | sort -u | tr '\n' ' '
}

# the pid's open descriptors
fd_count() {
	ls "/proc/$1/fd" 2>/dev/null | wc -l
}

node_pid() {
	cat "$FED/$1/pid"
}

# integrity NODE: "store=ok audit=ok verify=ok" when PRAGMA integrity_check
# (stock sqlcipher shell, the node's derived keys) and `valise audit verify`
# are clean on a stopped node's databases.
integrity() {
	_res=
	for _db in store audit; do
		_k=$(relpeer key "$FED" "$1" "$_db")
		_r=$({ sqlcipher_settings "$_k"; echo "PRAGMA integrity_check;"; } |
		    sqlcipher -bail "$FED/$1/state/$_db.db" 2>&1 |
		    grep -v 'cipher command is deprecated' | tr '\n' ' ')
		[ "$_r" = "ok " ] && _r=ok
		_res="$_res $_db=$_r"
	done
	_ad="$T/verify-$1"
	rm -rf "$_ad"
	mkdir -p "$_ad"
	cp "$FED/$1/state/audit.db" "$_ad/"
	[ -f "$FED/$1/state/audit.db-wal" ] &&
	    cp "$FED/$1/state/audit.db-wal" "$_ad/"
	(umask 077; relpeer key "$FED" "$1" audit >"$_ad/key")
	if "$VALISE" audit verify --db "$_ad/audit.db" --key-file "$_ad/key" \
	    >"$_ad/out" 2>&1; then
		_res="$_res verify=ok"
	else
		_res="$_res verify=$(head -n 1 "$_ad/out")"
	fi
	echo "${_res# }"
}

# rand_sleep LO HI: sleep a random number of milliseconds, scaled by
# VALISE_SLOW: a kill point is a moment in the node's work, and under
# valgrind that work takes 20 times longer.
rand_sleep() {
	_ms=$(awk -v lo="$1" -v hi="$2" -v s="$$$(date +%N)" \
	    -v k="${VALISE_SLOW:-1}" 'BEGIN { srand(s % 1000003);
	    printf "%d", (lo + rand() * (hi - lo)) * k }')
	sleep "$(printf '%d.%03d' $((_ms / 1000)) $((_ms % 1000)))"
}
