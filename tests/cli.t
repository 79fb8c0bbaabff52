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

done_testing
