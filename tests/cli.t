#!/bin/sh
# SPDX-License-Identifier: ISC
# The two programs' usage, version and exit statuses.
. "$(dirname "$0")/lib.sh"

run "$VALISE" --help
is "$rc" 0 "valise --help exits 0"
like "$out" '^usage: valise <command>' "valise --help prints usage on stdout"
like "$out" 'version +print the version' "usage lists commands from the table"

run "$VALISE" --version
is "$rc" 0 "valise --version exits 0"
like "$out" '^valise [0-9]+\.[0-9]+\.[0-9]+$' "valise --version prints the version"

run "$VALISE" frobnicate
is "$rc" 2 "an unknown subcommand exits 2"
like "$err" "unknown command 'frobnicate'" "it is named on stderr"
like "$err" '^usage: valise' "and the usage follows on stderr"
is "$out" "" "nothing on stdout"

run "$VALISE"
is "$rc" 2 "no subcommand exits 2"

run "$VALISE" version extra
is "$rc" 2 "valise version with an argument exits 2"

run "$VALISED" --version
is "$rc" 0 "valised --version exits 0"
like "$out" '^valised [0-9]+\.[0-9]+\.[0-9]+$' "valised --version prints the version"

run "$VALISED" --bogus
is "$rc" 2 "valised with an unknown option exits 2"

# The issue's example as written, with a real peer line for BE-DEF.
"$VALISE" keygen --dir "$T/def" --name BE-DEF --no-passphrase 2>/dev/null
line=$("$VALISE" id --dir "$T/def" | head -n 1)
sed "s|valise1:\.\.\.|$line|" "$VALISE_SRC/tests/data/issue-example.conf" \
    >"$T/example.conf"
run "$VALISED" -c "$T/example.conf" --check-config
is "$rc" 0 "valised --check-config accepts the issue's example"
run "$VALISED" -c "$VALISE_SRC/tests/data/issue-example.conf" --check-config
is "$rc" 2 "the example's placeholder key is refused"
like "$err" "issue-example.conf:12: peers: BE-DEF: key:" "naming the line"

printf 'node = { name = "x"; colour = 1; };\nextra = 2;\n' >"$T/bad.conf"
run "$VALISED" -c "$T/bad.conf" --check-config
is "$rc" 2 "valised --check-config exits 2 on a bad file"
like "$err" "bad.conf:1: node: unknown setting 'colour'" "names file, line, setting"
like "$err" "bad.conf:2: unknown setting 'extra'" "and every other error"
like "$err" "missing required setting 'state_dir'" "including missing settings"

run "$VALISED" -c "$T/missing.conf" --check-config
is "$rc" 2 "a missing configuration file exits 2"
like "$err" "missing.conf: cannot read" "and says so"

# label and audit run valise-offline, found next to valise (a build tree)
# or in ../libexec/valise/ (an installed tree); valise itself does not
# load libxml2 or SQLCipher.  Under make check-valgrind $VALISE is a
# script that runs valgrind on the build tree's valise, which finds the
# build tree's valise-offline wherever the script is copied.
if ! is_program "$VALISE"; then
	skip 5 "$VALISE is not the program itself (check-valgrind)"
	done_testing
	exit
fi
mkdir -p "$T/tree/bin" "$T/tree/libexec/valise" "$T/alone"
cp "$VALISE" "$T/tree/bin/valise"
cp "$VALISE_BUILD/valise-offline" "$T/tree/libexec/valise/"
run "$T/tree/bin/valise" label show "NATO SECRET"
is "$out" "NATO SECRET" "label runs ../libexec/valise/valise-offline"
cp "$VALISE" "$T/alone/valise"
run "$T/alone/valise" audit verify
is "$rc" 4 "without valise-offline, audit exits 4"
like "$err" "cannot run valise-offline for 'audit'" "and says why"
run sh -c "ldd '$VALISE' | grep -c 'libsqlcipher\|libxml2'"
is "$out" 0 "valise does not load SQLCipher or libxml2"
run "$VALISE_BUILD/valise-offline" send
is "$rc" 2 "valise-offline runs only label and audit"

done_testing
