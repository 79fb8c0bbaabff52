/* SPDX-License-Identifier: ISC */
/*
 * t_xml4774: STANAG 4774 XML export and import: round trips, the variants
 * of section 6, and hostile input (external entities, DTDs, entity bombs,
 * oversize, garbage, every truncation, injection through values).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/xml4774.h"
#include "policy/label.h"
#include "policy/policy.h"
#include "tests/tap.h"

static struct policy_tables *T;

#define NS	"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"

static const char sample[] =
    "<originatorConfidentialityLabel xmlns=\"" NS "\">\n"
    "  <ConfidentialityInformation>\n"
    "    <PolicyIdentifier>NATO</PolicyIdentifier>"
    "<Classification>SECRET</Classification>\n"
    "    <Category TagName=\"Additional Sensitivity\" Type=\"RESTRICTIVE\">"
    "<GenericValue>ATOMAL</GenericValue></Category>\n"
    "    <Category TagName=\"Releasable To\" Type=\"PERMISSIVE\">"
    "<GenericValue>NATO</GenericValue><GenericValue>BEL</GenericValue>"
    "</Category>\n"
    "  </ConfidentialityInformation>\n"
    "  <CreationDateTime>2025-03-01T10:00:00Z</CreationDateTime>\n"
    "</originatorConfidentialityLabel>";

/* Import xml and compare the canonical form with want (NULL: refused). */
static void
imports(const char *xml, const char *want, const char *what)
{
	char buf[LABEL_FORMAT_MAX];
	struct label_error err;
	struct label l;
	int r;

	r = xml4774_import(T, xml, strlen(xml), &l, &err);
	if (want == NULL) {
		if (!ok(r != 0 && err.msg[0] != '\0', "refused: %s", what))
			diag("accepted");
		else
			note("%s: %s", what, err.msg);
		return;
	}
	if (r != 0 || label_format(T, &l, buf, sizeof(buf)) != 0) {
		ok(0, "accepted: %s", what);
		diag("%s", err.msg);
		return;
	}
	is_str(buf, want, "accepted: %s", what);
}

/* A document with ConfidentialityInformation body ci. */
static char *
doc(const char *root, const char *ci)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf), "<?xml version=\"1.0\"?>\n<%s xmlns=\"" NS
	    "\"><ConfidentialityInformation>%s</ConfidentialityInformation>"
	    "</%s>", root, ci, root);
	return buf;
}

#define CI(pol, cls, rest) \
	"<PolicyIdentifier>" pol "</PolicyIdentifier><Classification>" cls \
	"</Classification>" rest
#define CAT(tag, type, vals) \
	"<Category TagName=\"" tag "\" Type=\"" type "\">" vals "</Category>"
#define GV(v)	"<GenericValue>" v "</GenericValue>"
#define ROOT	"originatorConfidentialityLabel"

static void
test_roundtrip(void)
{
	static const char *const labels[] = {
		"NATO SECRET//ATOMAL//REL TO BEL,NLD",
		"NATO SECRET", "BE:SECRET", "BE:SECRET//REL TO NLD,EU",
		"EU:UNCLASSIFIED", "TRES SECRET UE/EU TOP SECRET//REL TO NATO",
		"COSMIC TOP SECRET//ATOMAL/BOHEMIA/CRYPTO//KFOR/NMI//"
		"COMMERCIAL/MANAGEMENT/MEDICAL/PERSONAL/STAFF//"
		"REL TO ABW,EU,USA,ZWE",
		"NATO UNCLASSIFIED//STAFF", "BE:RESTREINT", "NR//BOHEMIA",
	};
	char buf[LABEL_FORMAT_MAX], want[LABEL_FORMAT_MAX], *xml;
	struct label_error err;
	struct label l, back;
	size_t i, len;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		if (label_parse(T, labels[i], &l, &err) != 0)
			BAIL_OUT("'%s': %s", labels[i], err.msg);
		if (!ok(xml4774_export(T, &l, "2025-03-01T10:00:00Z", &xml,
		    &len) == 0, "export '%s'", labels[i]))
			continue;
		ok(len == strlen(xml), "length is right");
		ok(xml4774_import(T, xml, len, &back, &err) == 0 &&
		    label_equal(&l, &back), "imports back to the same label");
		if (label_format(T, &back, buf, sizeof(buf)) != 0)
			buf[0] = '\0';
		if (label_format(T, &l, want, sizeof(want)) != 0)
			want[0] = '\0';
		is_str(buf, want, "and the same canonical form");
		free(xml);
	}
	/* What the export looks like. */
	if (label_parse(T, "NATO SECRET//ATOMAL//REL TO BEL", &l, &err) != 0 ||
	    xml4774_export(T, &l, NULL, &xml, &len) != 0)
		BAIL_OUT("export");
	ok(strstr(xml, "<originatorConfidentialityLabel xmlns=\"" NS "\">") !=
	    NULL, "root and namespace");
	ok(strstr(xml, "<PolicyIdentifier>NATO</PolicyIdentifier>") != NULL,
	    "PolicyIdentifier");
	ok(strstr(xml, "<Classification>SECRET</Classification>") != NULL,
	    "the policy-local Classification");
	ok(strstr(xml, "TagName=\"Releasable To\" Type=\"PERMISSIVE\"") !=
	    NULL, "Releasable To is PERMISSIVE");
	ok(strstr(xml, "<GenericValue>BEL</GenericValue>\n      "
	    "<GenericValue>NATO</GenericValue>") != NULL,
	    "and lists the owner token explicitly");
	ok(strstr(xml, "CreationDateTime") == NULL, "no time when none given");
	free(xml);
	if (label_parse(T, "BE:SECRET", &l, &err) != 0 ||
	    xml4774_export(T, &l, NULL, &xml, &len) != 0)
		BAIL_OUT("export");
	ok(strstr(xml, "<GenericValue>BEL</GenericValue>") != NULL,
	    "a BE label with no REL is written Releasable To BEL");
	free(xml);
	is(xml4774_export(T, &l, "now; rm -rf", &xml, &len), -EINVAL,
	    "a bad CreationDateTime is refused");
	ok(xml == NULL && len == 0, "and nothing is returned");
	l.policy = 77;
	is(xml4774_export(T, &l, NULL, &xml, &len), -EINVAL,
	    "a label from other tables is refused");
}

static void
test_variants(void)
{
	imports(sample, "NATO SECRET//ATOMAL//REL TO BEL",
	    "the section 6 sample");
	imports(doc("OriginatorConfidentialityLabel", CI("NATO", "SECRET", "")),
	    "NATO SECRET", "the Originator... root spelling");
	imports(doc(ROOT, "<PolicyIdentifier URI=\"urn:oid:1.3.26.1.3.1\">NATO"
	    "</PolicyIdentifier><Classification>SECRET</Classification>"),
	    "NATO SECRET", "PolicyIdentifier with URI");
	imports(doc(ROOT, "<PolicyIdentifier URL=\"urn:oid:1.3.26.1.3.1\">NATO"
	    "</PolicyIdentifier><Classification>SECRET</Classification>"),
	    "NATO SECRET", "PolicyIdentifier with URL");
	imports(doc(ROOT, "<PolicyIdentifier URI=\"urn:a\" URL=\"urn:b\">NATO"
	    "</PolicyIdentifier><Classification>SECRET</Classification>"),
	    NULL, "URI and URL that differ");
	imports(doc(ROOT, CI(" nato ", "\n  Secret\n", "")), "NATO SECRET",
	    "whitespace and case in text");
	imports(doc(ROOT, CI("EU", "TRÈS SECRET", CAT("Releasable To",
	    "PERMISSIVE", GV("EU") GV("bel")))),
	    "TRES SECRET UE/EU TOP SECRET//REL TO BEL", "accents in UTF-8");
	imports("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><" ROOT
	    " xmlns=\"" NS "\"><ConfidentialityInformation>"
	    CI("EU", "TR\xc8S SECRET", "") "</ConfidentialityInformation></"
	    ROOT ">", "TRES SECRET UE/EU TOP SECRET", "a Latin-1 document");
	imports(doc(ROOT, CI("NATO", "NATO SECRET", "")), "NATO SECRET",
	    "a full name as Classification");
	imports(doc(ROOT, CI("BE", "GEHEIM", "")), "BE:SECRET",
	    "a BE label (Dutch name)");
	imports(doc(ROOT, CI("NATO", "SECRET", "<PrivacyMark>IN CONFIDENCE"
	    "</PrivacyMark>")), "NATO SECRET", "PrivacyMark is ignored");
	imports(doc(ROOT, CI("NATO", "SECRET", "<!-- c --><?pi x?>")),
	    "NATO SECRET", "comments and PIs");
	imports(doc(ROOT, CI("NATO", "<![CDATA[SECRET]]>", "")), "NATO SECRET",
	    "CDATA");
	imports(doc(ROOT, CI("NATO", "&#83;ECRET", "")), "NATO SECRET",
	    "a character reference");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Mission", "PERMISSIVE",
	    GV("KFOR")) CAT("Administrative", "INFORMATIVE", GV("STAFF"))
	    CAT("Releasable To", "PERMISSIVE", GV("NATO")))),
	    "NATO SECRET//KFOR//STAFF", "Mission and Administrative");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("ADDITIONAL SENSITIVITY",
	    "RESTRICTIVE", GV("crypto")))), "NATO SECRET//CRYPTO",
	    "TagName matched without case");
}

static void
test_refused(void)
{
	char *big, *p;
	struct label_error err;
	struct label l;
	size_t n, len, bad;

	/* The label itself. */
	imports(doc(ROOT, ""), NULL, "no PolicyIdentifier");
	imports(doc(ROOT, "<PolicyIdentifier>NATO</PolicyIdentifier>"), NULL,
	    "no Classification (no default label)");
	imports(doc(ROOT, CI("XX", "SECRET", "")), NULL, "unknown policy");
	imports(doc(ROOT, CI("NATO", "GEHEIM", "")), NULL, "unknown level");
	imports(doc(ROOT, CI("", "SECRET", "")), NULL, "empty policy");
	imports(doc(ROOT, CI("NATO", "RESTRICTED", CAT("Additional Sensitivity",
	    "RESTRICTIVE", GV("ATOMAL")))), NULL, "ATOMAL below NC");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Additional Sensitivity",
	    "PERMISSIVE", GV("ATOMAL")))), NULL,
	    "a type that is not the tag's");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Mission", "PERMISSIVE",
	    GV("ATOMAL")))), NULL, "a value under another tag");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Caveat", "RESTRICTIVE",
	    GV("ATOMAL")))), NULL, "an unknown TagName");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Mission", "OPTIONAL",
	    GV("KFOR")))), NULL, "an unknown Type");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Mission", "PERMISSIVE",
	    ""))), NULL, "a Category without values");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Mission", "PERMISSIVE",
	    GV("")))), NULL, "an empty GenericValue");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Mission", "PERMISSIVE",
	    GV("KFOR")) CAT("Mission", "PERMISSIVE", GV("NMI")))), NULL,
	    "a repeated Category");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Releasable To",
	    "PERMISSIVE", GV("BEL")) CAT("Releasable To", "PERMISSIVE",
	    GV("NLD")))), NULL, "two Releasable To");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Releasable To",
	    "RESTRICTIVE", GV("BEL")))), NULL, "a RESTRICTIVE Releasable To");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Releasable To",
	    "PERMISSIVE", GV("BE")))), NULL, "an alpha-2 code");
	imports(doc(ROOT, CI("NATO", "SECRET", "<Category Type=\"PERMISSIVE\">"
	    GV("BEL") "</Category>")), NULL, "a Category without TagName");
	/* Injection: XML text is never spliced into label text. */
	imports(doc(ROOT, CI("NATO", "SECRET//REL TO RUS", "")), NULL,
	    "a Classification holding a REL segment");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Mission", "PERMISSIVE",
	    GV("KFOR//REL TO RUS")))), NULL, "a value holding a segment");
	imports(doc(ROOT, CI("NATO", "SECRET", CAT("Releasable To",
	    "PERMISSIVE", GV("BEL,RUS")))), NULL, "a REL value with a comma");
	imports(doc(ROOT, CI("NATO:SECRET", "SECRET", "")), NULL,
	    "a policy holding ':'");
	imports(doc(ROOT, CI("NATO", "SEC\nRET", "")), NULL,
	    "a newline inside a value");
	/* Structure. */
	imports("<" ROOT "><ConfidentialityInformation>" CI("NATO", "SECRET",
	    "") "</ConfidentialityInformation></" ROOT ">", NULL,
	    "no namespace");
	imports("<" ROOT " xmlns=\"urn:other\"><ConfidentialityInformation>"
	    CI("NATO", "SECRET", "") "</ConfidentialityInformation></" ROOT ">",
	    NULL, "another namespace");
	imports(doc("alternativeConfidentialityLabel",
	    CI("NATO", "SECRET", "")), NULL,
	    "an alternative label is not an originator label");
	imports(doc(ROOT, CI("NATO", "SECRET", "<Extra/>")), NULL,
	    "an unknown element");
	imports(doc(ROOT, CI("NATO", "SECRET", "stray text")), NULL,
	    "stray text");
	imports(doc(ROOT, CI("NATO", "SECRET", "<Classification>TOP SECRET"
	    "</Classification>")), NULL, "two Classifications");
	imports(doc(ROOT, CI("NATO", "<b>SECRET</b>", "")), NULL,
	    "an element inside a value");
	imports(doc(ROOT, CI("NATO", "SECRET", "")) , "NATO SECRET",
	    "(control) the same document without the fault");
	imports("<" ROOT " xmlns=\"" NS "\"/>", NULL, "no "
	    "ConfidentialityInformation");
	imports("<" ROOT " xmlns=\"" NS "\"><ConfidentialityInformation>"
	    CI("NATO", "SECRET", "") "</ConfidentialityInformation>"
	    "<ConfidentialityInformation>" CI("NATO", "SECRET", "")
	    "</ConfidentialityInformation></" ROOT ">", NULL,
	    "two ConfidentialityInformation");
	imports(doc(ROOT, CI("NATO", "SECRET&amp;", "")), NULL,
	    "an escaped '&' in a value");
	imports(doc(ROOT, CI("NATO", "&undefined;", "")), NULL,
	    "an undefined entity");

	/* Hostile documents. */
	imports("<?xml version=\"1.0\"?>\n<!DOCTYPE l [\n<!ENTITY xxe SYSTEM "
	    "\"file:///etc/passwd\">\n]>\n<" ROOT " xmlns=\"" NS "\">"
	    "<ConfidentialityInformation>" CI("NATO", "&xxe;", "")
	    "</ConfidentialityInformation></" ROOT ">", NULL,
	    "an external entity (XXE)");
	imports("<?xml version=\"1.0\"?>\n<!DOCTYPE l SYSTEM "
	    "\"http://127.0.0.1:9/evil.dtd\">\n<" ROOT " xmlns=\"" NS "\">"
	    "<ConfidentialityInformation>" CI("NATO", "SECRET", "")
	    "</ConfidentialityInformation></" ROOT ">", NULL,
	    "an external DTD");
	imports("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	    "<!ENTITY lol \"lol\">\n"
	    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	    "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	    "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	    "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	    "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	    "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	    "]>\n<" ROOT " xmlns=\"" NS "\"><ConfidentialityInformation>"
	    CI("NATO", "&lol9;", "") "</ConfidentialityInformation></" ROOT
	    ">", NULL, "billion laughs");
	imports("<!DOCTYPE x><x/>", NULL, "a bare DOCTYPE");
	imports("<?xml version=\"1.0\" encoding=\"IBM037\"?>"
	    "\x4c\x5a\xc4\xd6\xc3\xe3\xe8\xd7\xc5\x40\x93\x40\xad\x4c"
	    "\x5a\xc5\xd5\xe3\xc9\xe3\xe8\x40\xa7\x40\xe2\xe8\xe2\xe3"
	    "\xc5\xd4\x40\x7f\x86\x89\x93\x85\x7a\x61\x61\x61\x85\xa3"
	    "\x83\x61\x97\x81\xa2\xa2\xa6\x84\x7f\x6e\xbd\x6e", NULL,
	    "a DOCTYPE hidden in EBCDIC");
	imports("\x4c\x5a\xc4\xd6\xc3\xe3\xe8\xd7\xc5", NULL,
	    "an EBCDIC document");
	imports("<?xml version=\"1.0\" encoding=\"UTF-7\"?><" ROOT " xmlns=\""
	    NS "\"><ConfidentialityInformation>" CI("NATO", "SECRET", "")
	    "</ConfidentialityInformation></" ROOT ">", NULL,
	    "a document declared in UTF-7");
	imports("<?xml version=\"1.0\" encoding=\"EUC-JP\"?><" ROOT " xmlns=\""
	    NS "\">\xff\xff\xff\xff</" ROOT ">", NULL,
	    "a document declared in EUC-JP, with bytes iconv rejects");
	imports("<?xml version=\"1.0\" encoding=\"utf-8\"?><" ROOT " xmlns=\""
	    NS "\"><ConfidentialityInformation>" CI("NATO", "SECRET", "")
	    "</ConfidentialityInformation></" ROOT ">", "NATO SECRET",
	    "a declared utf-8 in lower case");
	imports("<?xml version=\"1.0\" encoding=\"UTF-8\"", NULL,
	    "an unterminated XML declaration");
	is(xml4774_import(T, "\xff\xfe<\0a\0/\0>\0", 10, &l, &err), -EINVAL,
	    "a UTF-16 document");
	imports("", NULL, "empty input");
	imports("not xml at all", NULL, "garbage text");
	imports("\x89PNG\r\n\x1a\n\x00\x00", NULL, "binary garbage");
	imports("<" ROOT " xmlns=\"" NS "\"><ConfidentialityInformation>",
	    NULL, "unclosed elements");
	imports("<" ROOT " xmlns=\"" NS "\"></wrong>", NULL, "mismatched tags");
	is(xml4774_import(T, "<a>\0</a>", 8, &l, &err), -EINVAL,
	    "an embedded NUL");
	is(xml4774_import(T, NULL, 0, &l, &err), -EINVAL, "NULL input");

	/* Oversize: XML4774_MAX is read, one byte more is not. */
	if ((big = malloc(XML4774_MAX + 2)) == NULL)
		BAIL_OUT("out of memory");
	p = doc(ROOT, CI("NATO", "SECRET", ""));
	len = strlen(p);
	memcpy(big, p, len);
	memset(big + len, ' ', XML4774_MAX + 1 - len);
	ok(xml4774_import(T, big, XML4774_MAX, &l, &err) == 0,
	    "a document of XML4774_MAX bytes is read");
	is(xml4774_import(T, big, XML4774_MAX + 1, &l, &err), -EMSGSIZE,
	    "one byte more is -EMSGSIZE");
	/* Deep nesting inside the limit is refused, not recursed into. */
	for (n = 0; n + 3 < XML4774_MAX / 2; n += 3)
		memcpy(big + n, "<a>", 3);
	is(xml4774_import(T, big, n, &l, &err), -EINVAL, "deeply nested "
	    "elements");
	free(big);

	/* Every truncation of the sample is refused. */
	len = strlen(sample);
	for (n = 0, bad = 0; n < len; n++)
		if (xml4774_import(T, sample, n, &l, &err) != -EINVAL)
			bad++;
	is(bad, 0, "every one of %zu truncations of the sample is refused",
	    len);
}

int
main(void)
{
	if ((T = policy_tables_new()) == NULL)
		BAIL_OUT("policy_tables_new");
	test_roundtrip();
	test_variants();
	test_refused();
	policy_tables_free(&T);
	return done_testing();
}
