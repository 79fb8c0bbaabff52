#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The manual pages render without a warning, and cannot drift from the
# code: every subcommand of `valise --help`, every option of every --help,
# every setting in node/conf.c's table and every column the commands print
# must appear in them.
. "$(dirname "$0")/lib.sh"

MAN="$VALISE_SRC/docs/man"

if ! command -v groff >/dev/null 2>&1; then
	echo "1..0 # SKIP groff is not installed (packaging/deps.sh)"
	exit 0
fi

for p in valise.1 valised.8 valise.conf.5; do
	run groff -man -ww -z "$MAN/$p"
	is "$rc:$err" "0:" "$p: groff -man -ww renders it without a warning"
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man --warnings -l "$MAN/$p" >/dev/null 2>"$T/err"
		is "$?:$(cat "$T/err")" "0:" "$p: man -l renders it without a warning"
	else
		ok 0 "# SKIP man is not installed"
	fi
done

# Words as they stand in the source: \- is a hyphen there.
src() { sed 's/\\-/-/g' "$MAN/$1"; }

# Every subcommand has its own section in valise(1).
"$VALISE" --help >"$T/help"
cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' "$T/help")
[ -n "$cmds" ]
ok $? "valise --help lists commands"
for c in $cmds; do
	src valise.1 | grep -qx ".SS \"valise $c\""
	ok $? "valise.1 has a section for valise $c"
done

# Every option any command's --help shows is in valise(1).
{
	for c in $cmds; do "$VALISE" "$c" --help 2>&1; done
	"$VALISE" audit --help 2>&1
	"$VALISE" label --help 2>&1
} | grep -o -- '--[a-z][a-z-]*' | sort -u >"$T/opts"
[ -s "$T/opts" ]
ok $? "the commands' --help list options"
for o in $(cat "$T/opts"); do
	src valise.1 | grep -q -- "$o"
	ok $? "valise.1 documents $o"
done
"$VALISED" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$T/dopts"
for o in $(cat "$T/dopts"); do
	src valised.8 | grep -q -- "$o"
	ok $? "valised.8 documents $o"
done

# Every column the commands print (the JSON field names too).
sed -n 's/.*{ "\([a-z_]*\)", REPORT_[A-Z]* }.*/\1/p' \
    "$VALISE_SRC/node/cmd_node.c" "$VALISE_SRC/node/cmd_audit.c" |
    sort -u >"$T/cols"
[ -s "$T/cols" ]
ok $? "the commands' columns are found"
for c in $(cat "$T/cols"); do
	src valise.1 | grep -qw -- "$c"
	ok $? "valise.1 documents the field $c"
done

# Every setting in node/conf.c's table has its entry in valise.conf(5).
sed -n 's/.*\(STR\|NUM\|BITS\|WORD\)(struct [a-z_]*, \([a-z_]*\),.*/\2/p' \
    "$VALISE_SRC/node/conf.c" | sort -u >"$T/settings"
[ "$(wc -l <"$T/settings")" -ge 20 ]
ok $? "node/conf.c's setting table is found"
for s in $(cat "$T/settings"); do
	src valise.conf.5 | grep -q "^\\.BR $s \" ("
	ok $? "valise.conf.5 documents the setting $s"
done
for s in $(sed -n 's/.*top\[\] = {\(.*\)/\1/p;/top\[\]/{n;p}' \
    "$VALISE_SRC/node/conf.c" | grep -o '"[a-z]*"' | tr -d '"'); do
	src valise.conf.5 | grep -qw "$s"
	ok $? "valise.conf.5 documents the section $s"
done

# The exit statuses.
for page in valise.1 valised.8; do
	src "$page" | grep -q '^\.SH EXIT STATUS'
	ok $? "$page has an EXIT STATUS section"
done
for n in 0 1 2 3 4; do
	src valise.1 | sed -n '/^\.SH EXIT STATUS/,/^\.SH/p' | grep -qx ".B $n"
	ok $? "valise.1 explains exit status $n"
done

done_testing
