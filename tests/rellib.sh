# SPDX-License-Identifier: ISC
#
# rellib.sh: helpers for the reliability suite (issue 9, scenarios in
# docs of ../shared/reference/reliability.md).  Source after lib.sh and
# fedlib.sh.  Every scenario ends in ONE TAP line that says its number,
# what was done and the result, and on failure what was lost, duplicated
# or accepted that should not have been:
#
#	sc_begin NUM "what was done"
#	sc_check STATUS "what went wrong when STATUS is not 0"
#	sc_end "the result when everything held"
#
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
	else
		ok 1 "scenario $_sc_num: $_sc_what: FAILED: $_sc_fail"
	fi
}

relpeer() {
	"$RELPEER" "$@"
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
