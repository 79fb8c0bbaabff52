#!/bin/sh
# SPDX-License-Identifier: ISC
# Policy tables extended from the configuration, without recompiling: an
# extra policy with its level names, an extra category and an equivalence,
# used end to end between two nodes; bad declarations named with their line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fedlib.sh"

FED_TOPLEVEL='policy = {
  policies = ( { id = "FR"; owner = "FRA"; uri = "urn:oid:1.2.250.1";
                 levels = ( { rank = 3; local = [ "SECRET DEFENSE" ]; full = [ "SD" ]; },
                            { rank = 2; local = [ "CONFIDENTIEL DEFENSE" ]; } ); } );
  categories = ( { policy = "NATO"; tag = "MISSION"; value = "EUFOR"; type = "permissive"; } );
  equivalences = ( { a = "FR"; rank_a = 3; b = "NATO"; rank_b = 3; } );
};'
ACC="BE:SECRET+NATO:SECRET[EUFOR]+FR:SECRET DEFENSE"
fed_add PC-A BEL NATO "$ACC"
fed_add PC-B BEL NATO "$ACC"
fed_link PC-A PC-B
for n in PC-A PC-B; do
	fed_user $n "$(id -un)" "$ACC" BEL NATO officer
done
fed_write

run "$VALISED" -c "$FED/PC-A/valise.conf" --check-config
is "$rc" 0 "a configuration declaring a policy, a category and an equivalence is valid"
h1=$(echo "$out" | sed -n 's/.*(policy \([0-9a-f]*\)).*/\1/p')
printf 'node = { name = "X"; nationality = "BEL"; accreditation = "BE:SECRET";\n  listen = "tcp://127.0.0.1:1"; key_dir = "k"; state_dir = "s"; };\n' >"$T/plain.conf"
run "$VALISED" -c "$T/plain.conf" --check-config
h0=$(echo "$out" | sed -n 's/.*(policy \([0-9a-f]*\)).*/\1/p')
ok "$([ -n "$h0" ] && [ -n "$h1" ] && [ "$h0" != "$h1" ]; echo $?)" \
    "the policy hash changes with the tables in force ($h0 -> $h1)"

for n in PC-A PC-B; do
	fed_start $n || { echo "Bail out! $n did not start"; exit 255; }
done
echo "plan de vol" >"$T/m"
run v PC-A send --to PC-B --label "sd//rel to bel" --subject fr "$T/m"
is "$rc" 0 "a label of the configured policy is accepted"
id1=$out
run v PC-A send --to PC-B --label "NATO SECRET//EUFOR" --subject mission "$T/m"
is "$rc" 0 "a configured NATO category is accepted"
id2=$out
wait_for 15 sh -c "[ \$(\"\$VALISE\" inbox -c \"$FED/PC-B/valise.conf\" --json | grep -c '\"id\"') -ge 2 ]"
run v PC-B inbox --json
like "$out" '"label":"SD//REL TO BEL"' "delivered with its canonical form (the full name)"
like "$out" '"label":"NATO SECRET//EUFOR"' "and the NATO one"
run v PC-B read "$id1"
is "$rc" 0 "the reader cleared for FR:SECRET DEFENSE reads it"
run v PC-A send --to PC-B --label "FR:TRES SECRET" "$T/m"
is "$rc" 2 "a level the policy does not declare is an invalid label"

# Bad declarations: each error names the file, the line and the problem.
cat >"$T/bad.conf" <<EOC
node = { name = "X"; nationality = "BEL"; accreditation = "BE:SECRET";
  listen = "tcp://127.0.0.1:1"; key_dir = "k"; state_dir = "s"; };
policy = {
  policies = ( { id = "NATO"; owner = "NATO"; levels = ( { rank = 1; local = [ "X" ]; } ); },
               { id = "ES"; owner = "ESP"; levels = ( { rank = 3; local = [ "SECRETO" ]; } ); } );
  equivalences = ( { a = "ES"; rank_a = 3; b = "QQ"; rank_b = 3; } );
};
EOC
run "$VALISED" -c "$T/bad.conf" --check-config
is "$rc" 2 "bad policy declarations are refused"
like "$err" "bad.conf:4: policy.policies: cannot add policy 'NATO'" "a policy that exists already, with its line"
like "$err" "bad.conf:6: policy.equivalences: ES:3 = QQ:3" "an equivalence with an unknown policy"
sed 's/rank = 3; local = \[ "SECRETO"/rank = 9; local = [ "SECRETO"/' "$T/bad.conf" >"$T/bad2.conf"
run "$VALISED" -c "$T/bad2.conf" --check-config
like "$err" "bad2.conf:5: policy.policies\[2\].levels\[1\]: needs rank = 0..4" "an out-of-range rank"

fed_stop_all
done_testing
