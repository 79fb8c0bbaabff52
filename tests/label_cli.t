#!/bin/sh
# SPDX-License-Identifier: ISC
# valise label check / show: the command-line contract of issue 4, exit
# statuses included (0 allow, 1 deny, 2 invalid or usage).
. "$(dirname "$0")/lib.sh"

# check EXPECTED-STATUS EXPECTED-LINE-REGEX DESC -- ARGS...
check() {
	_want_rc=$1 _want_out=$2 _desc=$3
	shift 4
	run "$VALISE" label check "$@"
	is "$rc" "$_want_rc" "$_desc: exit $_want_rc"
	like "$out" "$_want_out" "$_desc: prints '$_want_out'"
	is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "$_desc: one line"
}

# allow
check 0 '^allow$' "BE:SECRET reads BE:SECRET" -- \
	--clearance BE:SECRET --nat BEL BE:SECRET
check 0 '^allow$' "normalised label" -- \
	--clearance 'NATO:SECRET' --nat nld --orgs nato \
	' nato secret // rel to bel , nld '
check 0 '^allow$' "BE SECRET reads NATO SECRET with NATO in orgs" -- \
	--clearance BE:SECRET --nat BEL --orgs NATO 'NATO SECRET'
check 0 '^allow$' "explicit --op read" -- \
	--clearance BE:SECRET --nat BEL --op read BE:GEHEIM
check 0 '^allow$' "forward to an accredited peer" -- \
	--clearance NATO:SECRET --nat NLD --orgs NATO --op forward 'NS'
check 0 '^allow$' "node check passes" -- \
	--clearance 'NATO:SECRET[ATOMAL]' --nat NLD --orgs NATO \
	--node-clearance 'BE:TRES SECRET+NATO:COSMIC TOP SECRET[ATOMAL]' \
	--node-nat BEL --node-orgs NATO,EU 'NATO SECRET//ATOMAL'
check 0 '^allow$' "accents in arguments" -- \
	--clearance 'be:très secret' --nat BEL 'BE:TRÈS SECRET'

# deny
check 1 '^deny: .*level' "no read up" -- \
	--clearance BE:CONFIDENTIEL --nat BEL BE:SECRET
check 1 '^deny: .*releasable' "owner rule: NATO without orgs" -- \
	--clearance BE:SECRET --nat BEL 'NATO SECRET'
check 1 '^deny: .*releasable' "BE label, no REL, other nationality" -- \
	--clearance NATO:SECRET --nat NLD --orgs NATO BE:SECRET
check 1 '^deny: restrictive category ATOMAL' \
	"one clearance at a time (section 3 example)" -- \
	--clearance 'BE:SECRET+NATO:CONFIDENTIAL[ATOMAL]' --nat BEL \
	--orgs NATO 'NATO SECRET//ATOMAL'
check 1 '^deny: permissive category' "MISSION needs a value" -- \
	--clearance 'NATO:SECRET[NMI]' --nat BEL --orgs NATO 'NS//KFOR'
check 1 '^deny: exceeds node accreditation' "node first" -- \
	--clearance 'NATO:COSMIC TOP SECRET' --nat NLD --orgs NATO \
	--node-clearance BE:SECRET --node-nat BEL --node-orgs NATO CTS
check 1 '^deny: exceeds node accreditation' "node orgs default to -" -- \
	--clearance 'NATO:SECRET' --nat NLD --orgs NATO \
	--node-clearance BE:SECRET --node-nat BEL NS
check 1 '^deny: ' "forward: no write down" -- \
	--clearance NATO:CONFIDENTIAL --nat NLD --orgs NATO --op forward NS

# invalid label, clearance, affiliation: exit 2
check 2 '^invalid: label: .*needs a policy prefix' "bare SECRET" -- \
	--clearance BE:SECRET --nat BEL SECRET
check 2 '^invalid: label: empty label' "empty label" -- \
	--clearance BE:SECRET --nat BEL ''
check 2 "^invalid: label: 'XYZ' at position 21" "REL XYZ" -- \
	--clearance BE:SECRET --nat BEL 'NATO SECRET//REL TO XYZ'
check 2 '^invalid: label: ATOMAL at position 18 needs at least' \
	"validity rule" -- \
	--clearance BE:SECRET --nat BEL 'NATO RESTRICTED//ATOMAL'
check 2 '^invalid: label: second REL' "two REL segments" -- \
	--clearance BE:SECRET --nat BEL 'NS//REL TO BEL//REL TO NLD'
check 2 '^invalid: clearance: unknown policy' "unknown policy" -- \
	--clearance ES:SECRETO --nat BEL BE:SECRET
check 2 '^invalid: clearance: .*informative' "informative value held" -- \
	--clearance 'NATO:SECRET[STAFF]' --nat BEL BE:SECRET
check 2 '^invalid: nationality' "alpha-2 nationality" -- \
	--clearance BE:SECRET --nat BE BE:SECRET
check 2 '^invalid: organisations' "unknown organisation" -- \
	--clearance BE:SECRET --nat BEL --orgs UN BE:SECRET
check 2 '^invalid: node clearance' "invalid node clearance" -- \
	--clearance BE:SECRET --nat BEL --node-clearance BE:TOP \
	--node-nat BEL BE:SECRET
check 2 '^invalid: node nationality' "invalid node nationality" -- \
	--clearance BE:SECRET --nat BEL --node-clearance BE:SECRET \
	--node-nat XX BE:SECRET

# usage errors: exit 2
check 2 '^invalid: usage: --clearance is required' "no --clearance" -- \
	--nat BEL BE:SECRET
check 2 '^invalid: usage: --nat is required' "no --nat" -- \
	--clearance BE:SECRET BE:SECRET
check 2 '^invalid: usage: missing LABEL' "no label" -- \
	--clearance BE:SECRET --nat BEL
check 2 '^invalid: usage: expected exactly one LABEL' "unquoted label" -- \
	--clearance BE:SECRET --nat BEL NATO SECRET
check 2 '^invalid: usage: --op is read or forward' "bad --op" -- \
	--clearance BE:SECRET --nat BEL --op write BE:SECRET
check 2 '^invalid: usage: --node-clearance and --node-nat' \
	"node clearance alone" -- \
	--clearance BE:SECRET --nat BEL --node-clearance BE:SECRET BE:SECRET
check 2 '^invalid: usage: --node-orgs needs' "node orgs alone" -- \
	--clearance BE:SECRET --nat BEL --node-orgs NATO BE:SECRET
check 2 '^invalid: usage: unknown option' "unknown option" -- \
	--clearance BE:SECRET --nat BEL --bogus BE:SECRET
check 2 '^invalid: usage: an option is given twice' "repeated option" -- \
	--clearance BE:SECRET --clearance BE:TRES\ SECRET --nat BEL BE:SECRET
check 2 '^invalid: usage: an option is missing its value' "no value" -- \
	--clearance

run "$VALISE" label check --help
is "$rc" 0 "check --help exits 0"
like "$out" '^usage: valise label check --clearance CLR --nat NAT' \
	"and prints the usage"

# show
run "$VALISE" label show ' nato secret // rel to bel , nld '
is "$rc" 0 "show exits 0"
is "$out" "NATO SECRET//REL TO BEL,NLD" "show prints the canonical form"
run "$VALISE" label show 'BE:GEHEIM//REL NLD'
is "$out" "BE:SECRET//REL TO NLD" "BE canonical form uses the FR name"
run "$VALISE" label show 'Très Secret UE'
is "$out" "TRES SECRET UE/EU TOP SECRET" "EU full name"
run "$VALISE" label show 'NATO SECRET//FOO'
is "$rc" 2 "show of an invalid label exits 2"
is "$out" "" "and prints nothing on stdout"
like "$err" "unknown category 'FOO' for policy NATO at position 14" \
	"but says what and where on stderr"
run "$VALISE" label show
is "$rc" 2 "show without a label exits 2"
run "$VALISE" label show NATO SECRET
is "$rc" 2 "show with two words exits 2"

run "$VALISE" label show --xml 'NATO SECRET//ATOMAL//REL TO BEL'
is "$rc" 0 "show --xml exits 0"
like "$out" '<originatorConfidentialityLabel xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0">' \
	"writes an originatorConfidentialityLabel"
like "$out" '<Classification>SECRET</Classification>' "local Classification"
like "$out" '<GenericValue>NATO</GenericValue>' "owner in Releasable To"
like "$out" '<CreationDateTime>[0-9]{4}-[0-9]{2}-[0-9]{2}T' "creation time"
printf '%s\n' "$out" >"$T/l.xml"
run "$VALISE" label show --from-xml "$T/l.xml"
is "$rc" 0 "show --from-xml exits 0"
is "$out" "NATO SECRET//ATOMAL//REL TO BEL" "and reads the label back"
run "$VALISE" label show --xml --from-xml "$T/l.xml"
is "$rc" 0 "--xml --from-xml converts XML to XML"
run "$VALISE" label show --xml 'SECRET'
is "$rc" 2 "show --xml of an invalid label exits 2"

cat >"$T/sample.xml" <<'XML'
<OriginatorConfidentialityLabel xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0">
  <ConfidentialityInformation>
    <PolicyIdentifier URL="urn:oid:1.3.26.1.3.1">NATO</PolicyIdentifier><Classification>SECRET</Classification>
    <Category TagName="Additional Sensitivity" Type="RESTRICTIVE"><GenericValue>ATOMAL</GenericValue></Category>
    <Category TagName="Releasable To" Type="PERMISSIVE"><GenericValue>NATO</GenericValue><GenericValue>BEL</GenericValue></Category>
  </ConfidentialityInformation>
  <CreationDateTime>2025-03-01T10:00:00Z</CreationDateTime>
</OriginatorConfidentialityLabel>
XML
run "$VALISE" label show --from-xml "$T/sample.xml"
is "$out" "NATO SECRET//ATOMAL//REL TO BEL" \
	"reads the Originator/URL variant of the spec sample"

cat >"$T/xxe.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<originatorConfidentialityLabel xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"><ConfidentialityInformation><PolicyIdentifier>NATO</PolicyIdentifier><Classification>&x;</Classification></ConfidentialityInformation></originatorConfidentialityLabel>
XML
run "$VALISE" label show --from-xml "$T/xxe.xml"
is "$rc" 2 "an external entity is refused with exit 2"
like "$err" 'DOCTYPE or ENTITY declaration is not allowed' "and says why"
printf 'garbage <<<' >"$T/garbage.xml"
run "$VALISE" label show --from-xml "$T/garbage.xml"
is "$rc" 2 "garbage XML exits 2"
is "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1 \
	"with one line on stderr (libxml2 stays quiet)"
printf '<?xml version="1.0" encoding="EUC-JP"?><a>\377\377\377</a>' \
	>"$T/eucjp.xml"
run "$VALISE" label show --from-xml "$T/eucjp.xml"
is "$rc" 2 "an XML file in another encoding exits 2"
is "$err" "valise label show: invalid XML label: unsupported encoding \
(UTF-8, US-ASCII or ISO-8859-1 only)" "with our message only"
printf '<a xmlns="urn:nato:stanag:4774:confidentialitymetadatalabel:1:0">\377\376</a>' \
	>"$T/badutf8.xml"
run "$VALISE" label show --from-xml "$T/badutf8.xml"
is "$rc" 2 "invalid UTF-8 in XML exits 2"
is "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1 "with one line on stderr"
head -c 70000 /dev/zero | tr '\0' ' ' >"$T/big.xml"
run "$VALISE" label show --from-xml "$T/big.xml"
is "$rc" 2 "an XML file over 64 KiB exits 2"
like "$err" 'larger than' "and says it is too large"
run "$VALISE" label show --from-xml "$T/nonexistent.xml"
is "$rc" 2 "a missing file exits 2"
ln -s "$T/l.xml" "$T/link.xml"
run "$VALISE" label show --from-xml "$T/link.xml"
is "$rc" 2 "a symbolic link is not followed"
run "$VALISE" label show --from-xml "$T/l.xml" NS
is "$rc" 2 "a LABEL and --from-xml together is a usage error"

run "$VALISE" label
is "$rc" 2 "valise label alone exits 2"
run "$VALISE" label frob
is "$rc" 2 "an unknown label command exits 2"
run "$VALISE" label --help
is "$rc" 0 "valise label --help exits 0"
like "$out" 'valise label show \[--xml\] LABEL' "and documents show"
run "$VALISE" --help
like "$out" 'label +' "valise --help lists label"

done_testing
