/* SPDX-License-Identifier: ISC */
/*
 * t_label: the policy engine against docs/labels.md.  A table of (subject,
 * label, operation, expected) cases for every rule, alias, error and
 * normalisation; canonical forms; error positions; clearance syntax;
 * configured extensions and the canonical tables; and property tests over
 * thousands of random labels (dominance is a partial order, join is the
 * least upper bound, equivalence round-trips, format -> parse round-trips).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/clearance.h"
#include "policy/label.h"
#include "policy/policy.h"
#include "policy/rel.h"
#include "tests/tap.h"

static struct policy_tables *T;

/* --- the decision table ------------------------------------------------ */

enum want { ALLOW, DENY, BADLABEL, BADCLR };

struct dcase {
	const char	*clr, *nat, *orgs;	/* the subject */
	const char	*nclr, *nnat, *norgs;	/* the node, or nclr NULL */
	enum policy_op	op;
	const char	*label;
	enum want	want;
	enum policy_check check;		/* for DENY */
	enum policy_rule rule;			/* for DENY */
};

#define RD	POLICY_OP_READ
#define FW	POLICY_OP_FORWARD
#define IN	POLICY_OP_INGRESS
#define SUBJ	POLICY_CHECK_SUBJECT
#define NODE	POLICY_CHECK_NODE
#define INGR	POLICY_CHECK_INGRESS
#define LVL	POLICY_RULE_LEVEL
#define RES	POLICY_RULE_RESTRICTIVE
#define PER	POLICY_RULE_PERMISSIVE
#define REL	POLICY_RULE_REL
#define NOC	POLICY_RULE_NO_CLEARANCE
#define OK0	POLICY_RULE_ALLOW

/* A read by a user, with no node check. */
#define U(c, n, o, l, w, r)	{ c, n, o, NULL, NULL, NULL, RD, l, w, SUBJ, r }
/* An operation with the node's accreditation. */
#define N(c, n, o, nc, nn, no, op, l, w, ch, r) \
	{ c, n, o, nc, nn, no, op, l, w, ch, r }

static const struct dcase dcases[] = {
	/* Rule 1, level, within BE: four levels, FR and NL names. */
	U("BE:SECRET", "BEL", "-", "BE:SECRET", ALLOW, OK0),
	U("BE:SECRET", "BEL", "-", "BE:CONFIDENTIEL", ALLOW, OK0),
	U("BE:SECRET", "BEL", "-", "BE:RESTREINT", ALLOW, OK0),
	U("BE:SECRET", "BEL", "-", "BE:NON CLASSIFIE", ALLOW, OK0),
	U("BE:SECRET", "BEL", "-", "BE:TRES SECRET", DENY, LVL),
	U("BE:CONFIDENTIEL", "BEL", "-", "BE:SECRET", DENY, LVL),
	U("BE:VERTROUWELIJK", "BEL", "-", "BE:GEHEIM", DENY, LVL),
	U("BE:VERTROUWELIJK", "BEL", "-", "BE:CONFIDENTIEL", ALLOW, OK0),
	U("BE:GEHEIM", "BEL", "-", "BE:ZEER GEHEIM", DENY, LVL),
	U("BE:ZEER GEHEIM", "BEL", "-", "BE:TRES SECRET", ALLOW, OK0),
	U("BE:TRES SECRET", "BEL", "-", "BE:ZEER GEHEIM", ALLOW, OK0),
	U("BE:RESTREINT", "BEL", "-", "BE:BEPERKT", ALLOW, OK0),
	U("BE:BEPERKT", "BEL", "-", "BE:CONFIDENTIEL", DENY, LVL),
	U("BE:NON CLASSIFIE", "BEL", "-", "BE:RESTREINT", DENY, LVL),
	U("BE:NON CLASSIFIE", "BEL", "-", "BE:NON CLASSIFIE", ALLOW, OK0),
	U("BE:NIET GECLASSIFICEERD", "BEL", "-", "BE:UNCLASSIFIED", ALLOW,
	    OK0),
	/* The legacy DR alias is BE rank 1 (fail-safe). */
	U("BE:RESTREINT", "BEL", "-", "BE:DIFFUSION RESTREINTE", ALLOW, OK0),
	U("BE:BEPERKT", "BEL", "-", "BE:BEPERKTE VERSPREIDING", ALLOW, OK0),
	U("BE:NON CLASSIFIE", "BEL", "-", "BE:DIFFUSION RESTREINTE", DENY,
	    LVL),
	U("BE:NIET GECLASSIFICEERD", "BEL", "-", "BE:BEPERKTE VERSPREIDING",
	    DENY, LVL),
	U("BE:DIFFUSION RESTREINTE", "BEL", "-", "BE:RESTREINT", ALLOW, OK0),
	U("BE:DIFFUSION RESTREINTE", "BEL", "-", "BE:CONFIDENTIEL", DENY, LVL),
	/* Level within NATO, all full names and abbreviations. */
	U("NATO:SECRET", "BEL", "NATO", "NATO SECRET", ALLOW, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NS", ALLOW, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NC", ALLOW, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NR", ALLOW, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NU", ALLOW, OK0),
	U("NATO:SECRET", "BEL", "NATO", "COSMIC TOP SECRET", DENY, LVL),
	U("NATO:SECRET", "BEL", "NATO", "CTS", DENY, LVL),
	U("NATO:TOP SECRET", "BEL", "NATO", "CTS", ALLOW, OK0),
	U("NATO:COSMIC TOP SECRET", "BEL", "NATO", "NATO:TOP SECRET", ALLOW,
	    OK0),
	U("NATO:CONFIDENTIAL", "BEL", "NATO", "NATO SECRET", DENY, LVL),
	U("NATO:RESTRICTED", "BEL", "NATO", "NATO CONFIDENTIAL", DENY, LVL),
	U("NATO:UNCLASSIFIED", "BEL", "NATO", "NATO RESTRICTED", DENY, LVL),
	U("NATO:UNCLASSIFIED", "BEL", "NATO", "NATO UNCLASSIFIED", ALLOW, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO:NS", ALLOW, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO:SECRET", ALLOW, OK0),
	/* Level within EU. */
	U("EU:SECRET", "FRA", "EU", "SECRET UE", ALLOW, OK0),
	U("EU:SECRET", "FRA", "EU", "EU SECRET", ALLOW, OK0),
	U("EU:SECRET", "FRA", "EU", "SECRET UE/EU SECRET", ALLOW, OK0),
	U("EU:SECRET", "FRA", "EU", "TRES SECRET UE", DENY, LVL),
	U("EU:SECRET", "FRA", "EU", "EU TOP SECRET", DENY, LVL),
	U("EU:TRES SECRET", "FRA", "EU", "TRES SECRET UE/EU TOP SECRET",
	    ALLOW, OK0),
	U("EU:TOP SECRET", "FRA", "EU", "EU:TRES SECRET", ALLOW, OK0),
	U("EU:CONFIDENTIEL", "FRA", "EU", "CONFIDENTIEL UE", ALLOW, OK0),
	U("EU:CONFIDENTIAL", "FRA", "EU", "EU CONFIDENTIAL", ALLOW, OK0),
	U("EU:RESTREINT", "FRA", "EU", "CONFIDENTIEL UE/EU CONFIDENTIAL", DENY,
	    LVL),
	U("EU:RESTRICTED", "FRA", "EU", "RESTREINT UE", ALLOW, OK0),
	U("EU:RESTREINT", "FRA", "EU", "EU RESTRICTED", ALLOW, OK0),
	U("EU:UNCLASSIFIED", "FRA", "EU", "RESTREINT UE/EU RESTRICTED", DENY,
	    LVL),
	U("EU:UNCLASSIFIED", "FRA", "EU", "EU:UNCLASSIFIED", ALLOW, OK0),
	/* Level equivalence across policies (section 4). */
	U("BE:SECRET", "BEL", "NATO", "NATO SECRET", ALLOW, OK0),
	U("BE:SECRET", "BEL", "NATO", "COSMIC TOP SECRET", DENY, LVL),
	U("BE:CONFIDENTIEL", "BEL", "NATO", "NATO SECRET", DENY, LVL),
	U("BE:CONFIDENTIEL", "BEL", "NATO", "NATO CONFIDENTIAL", ALLOW, OK0),
	U("BE:RESTREINT", "BEL", "NATO", "NATO RESTRICTED", ALLOW, OK0),
	U("BE:NON CLASSIFIE", "BEL", "NATO", "NATO RESTRICTED", DENY, LVL),
	U("BE:NON CLASSIFIE", "BEL", "NATO", "NATO UNCLASSIFIED", ALLOW, OK0),
	U("BE:TRES SECRET", "BEL", "NATO", "CTS", ALLOW, OK0),
	U("BE:SECRET", "BEL", "EU", "SECRET UE", ALLOW, OK0),
	U("BE:SECRET", "BEL", "EU", "TRES SECRET UE", DENY, LVL),
	U("BE:RESTREINT", "BEL", "EU", "RESTREINT UE", ALLOW, OK0),
	U("BE:DIFFUSION RESTREINTE", "BEL", "EU", "RESTREINT UE", ALLOW, OK0),
	U("BE:NON CLASSIFIE", "BEL", "EU", "RESTREINT UE", DENY, LVL),
	U("NATO:SECRET", "NLD", "NATO", "BE:SECRET//REL TO NLD", ALLOW, OK0),
	U("NATO:CONFIDENTIAL", "NLD", "NATO", "BE:SECRET//REL TO NLD", DENY,
	    LVL),
	U("NATO:SECRET", "FRA", "NATO,EU", "SECRET UE", ALLOW, OK0),
	U("NATO:CONFIDENTIAL", "FRA", "NATO,EU", "SECRET UE", DENY, LVL),
	U("EU:SECRET", "FRA", "EU,NATO", "NATO SECRET", ALLOW, OK0),
	U("EU:SECRET", "FRA", "EU", "NATO SECRET//REL TO FRA", ALLOW, OK0),
	U("EU:RESTREINT", "DEU", "EU,NATO", "NR", ALLOW, OK0),
	U("EU:RESTREINT", "DEU", "EU,NATO", "NC", DENY, LVL),
	U("EU:SECRET", "BEL", "EU", "BE:SECRET", ALLOW, OK0),
	U("EU:SECRET", "BEL", "EU", "BE:TRES SECRET", DENY, LVL),
	/* Equivalence grants no access: the owner rule still applies. */
	U("BE:SECRET", "BEL", "-", "NATO SECRET", DENY, REL),
	U("BE:SECRET", "BEL", "EU", "NATO SECRET", DENY, REL),
	U("BE:SECRET", "BEL", "NATO", "SECRET UE", DENY, REL),
	U("EU:RESTREINT", "DEU", "EU", "NR", DENY, REL),
	U("NATO:SECRET", "NLD", "NATO", "BE:SECRET", DENY, REL),
	/* Rule 2, restrictive: every value, same policy only. */
	U("NATO:SECRET[ATOMAL]", "BEL", "NATO", "NATO SECRET//ATOMAL", ALLOW,
	    OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO SECRET//ATOMAL", DENY, RES),
	U("NATO:SECRET[CRYPTO]", "BEL", "NATO", "NATO SECRET//ATOMAL", DENY,
	    RES),
	U("NATO:SECRET[ATOMAL]", "BEL", "NATO", "NATO SECRET//ATOMAL/CRYPTO",
	    DENY, RES),
	U("NATO:SECRET[ATOMAL,CRYPTO]", "BEL", "NATO",
	    "NATO SECRET//ATOMAL/CRYPTO", ALLOW, OK0),
	U("NATO:SECRET[ATOMAL,CRYPTO,BOHEMIA]", "BEL", "NATO",
	    "NATO CONFIDENTIAL//CRYPTO", ALLOW, OK0),
	U("NATO:TOP SECRET[BOHEMIA]", "BEL", "NATO", "CTS//BOHEMIA", ALLOW,
	    OK0),
	U("NATO:SECRET[BOHEMIA]", "BEL", "NATO", "CTS//BOHEMIA", DENY, LVL),
	U("NATO:RESTRICTED[BOHEMIA]", "BEL", "NATO", "NR//BOHEMIA", ALLOW,
	    OK0),
	U("NATO:SECRET[ATOMAL]", "BEL", "-", "NATO SECRET//ATOMAL", DENY, REL),
	/* No category equivalence: ATOMAL needs a NATO clearance. */
	U("BE:SECRET", "BEL", "NATO", "NATO SECRET//ATOMAL", DENY, RES),
	U("BE:TRES SECRET", "BEL", "NATO", "NATO CONFIDENTIAL//CRYPTO", DENY,
	    RES),
	U("EU:TRES SECRET", "BEL", "NATO,EU", "NC//CRYPTO", DENY, RES),
	/* One clearance at a time (section 3). */
	U("BE:SECRET+NATO:CONFIDENTIAL[ATOMAL]", "BEL", "NATO",
	    "NATO SECRET//ATOMAL", DENY, RES),
	U("NATO:CONFIDENTIAL[ATOMAL]+BE:SECRET", "BEL", "NATO",
	    "NATO SECRET//ATOMAL", DENY, RES),
	U("NATO:CONFIDENTIAL[ATOMAL]+NATO:SECRET", "BEL", "NATO",
	    "NATO SECRET//ATOMAL", DENY, RES),
	U("BE:SECRET+NATO:SECRET[ATOMAL]", "BEL", "NATO",
	    "NATO SECRET//ATOMAL", ALLOW, OK0),
	U("NATO:SECRET[KFOR]+NATO:SECRET[ATOMAL]", "BEL", "NATO",
	    "NATO SECRET//ATOMAL//KFOR", DENY, PER),
	U("NATO:SECRET[ATOMAL,KFOR]", "BEL", "NATO",
	    "NATO SECRET//ATOMAL//KFOR", ALLOW, OK0),
	U("BE:CONFIDENTIEL+EU:SECRET", "BEL", "EU", "SECRET UE", ALLOW, OK0),
	U("BE:CONFIDENTIEL+EU:CONFIDENTIEL", "BEL", "EU", "SECRET UE", DENY,
	    LVL),
	/* Rule 3, permissive: one value of each tag, same policy only. */
	U("NATO:SECRET[KFOR]", "NLD", "NATO", "NATO SECRET//KFOR", ALLOW, OK0),
	U("NATO:SECRET[KFOR]", "NLD", "NATO", "NATO SECRET//KFOR/NMI", ALLOW,
	    OK0),
	U("NATO:SECRET[NMI]", "NLD", "NATO", "NATO SECRET//KFOR/NMI", ALLOW,
	    OK0),
	U("NATO:SECRET[NMI]", "NLD", "NATO", "NATO SECRET//KFOR", DENY, PER),
	U("NATO:SECRET", "NLD", "NATO", "NATO SECRET//KFOR", DENY, PER),
	U("NATO:SECRET[ATOMAL]", "NLD", "NATO", "NATO SECRET//ATOMAL//KFOR",
	    DENY, PER),
	U("BE:SECRET", "BEL", "NATO", "NATO SECRET//KFOR", DENY, PER),
	U("NATO:RESTRICTED[KFOR]", "NLD", "NATO", "NR//KFOR", ALLOW, OK0),
	U("NATO:RESTRICTED[KFOR]", "NLD", "NATO", "NC//KFOR", DENY, LVL),
	/* Rule 5, informative values never decide. */
	U("NATO:UNCLASSIFIED", "BEL", "NATO", "NATO UNCLASSIFIED//STAFF",
	    ALLOW, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO SECRET//MEDICAL/PERSONAL", ALLOW,
	    OK0),
	U("NATO:SECRET", "BEL", "NATO", "NS//MANAGEMENT/COMMERCIAL", ALLOW,
	    OK0),
	U("BE:SECRET", "BEL", "NATO", "NATO SECRET//STAFF", ALLOW, OK0),
	U("NATO:SECRET", "BEL", "-", "NATO SECRET//STAFF", DENY, REL),
	/* Rule 4, releasability with the owner rule. */
	U("NATO:SECRET", "NLD", "-", "NATO SECRET", DENY, REL),
	U("NATO:SECRET", "NLD", "-", "NATO SECRET//REL TO NLD", ALLOW, OK0),
	U("NATO:SECRET", "NLD", "-", "NATO SECRET//REL NLD", ALLOW, OK0),
	U("NATO:SECRET", "NLD", "-", "NATO SECRET//RELEASABLE TO NLD", ALLOW,
	    OK0),
	U("NATO:SECRET", "NLD", "-", "NATO SECRET//REL TO BEL,DEU", DENY, REL),
	U("NATO:SECRET", "NLD", "NATO", "NATO SECRET", ALLOW, OK0),
	U("NATO:SECRET", "-", "NATO", "NATO SECRET", ALLOW, OK0),
	U("NATO:SECRET", "-", "-", "NATO SECRET//REL TO BEL", DENY, REL),
	U("NATO:SECRET", "-", "EU", "NATO SECRET//REL TO EU", ALLOW, OK0),
	U("BE:SECRET", "NLD", "-", "BE:SECRET", DENY, REL),
	U("BE:SECRET", "NLD", "NATO", "BE:SECRET", DENY, REL),
	U("BE:SECRET", "NLD", "NATO", "BE:SECRET//REL TO NATO", ALLOW, OK0),
	U("BE:SECRET", "NLD", "EU", "BE:SECRET//REL TO NATO", DENY, REL),
	U("BE:SECRET", "NLD", "EU", "BE:SECRET//REL TO EU,NATO", ALLOW, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//REL TO NLD", ALLOW, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//REL TO BEL", ALLOW, OK0),
	U("BE:SECRET", "LUX", "-", "BE:SECRET//REL TO NLD,LUX", ALLOW, OK0),
	U("BE:SECRET", "FRA", "-", "BE:SECRET//REL TO NLD,LUX", DENY, REL),
	U("EU:SECRET", "FRA", "-", "SECRET UE", DENY, REL),
	U("EU:SECRET", "USA", "NATO", "SECRET UE//REL TO NATO", ALLOW, OK0),
	U("EU:SECRET", "USA", "NATO", "SECRET UE//REL TO USA", ALLOW, OK0),
	U("NATO:SECRET", "USA", "-", "NATO SECRET//REL TO USA,GBR", ALLOW, OK0),
	U("NATO:RESTRICTED", "JPN", "-",
	    "NATO RESTRICTED//REL TO NATO,JPN,CHE,UKR", ALLOW, OK0),
	U("NATO:RESTRICTED", "KOR", "-",
	    "NATO RESTRICTED//REL TO NATO,JPN,CHE,UKR", DENY, REL),
	U("NATO:UNCLASSIFIED", "CHN", "-", "NU", DENY, REL),
	/* Normalised input decides like canonical input. */
	U(" nato : secret [ atomal ] ", "bel", "nato",
	    " nato secret // atomal ", ALLOW, OK0),
	U("be:très secret", "bel", "-", "BE:TRÈS SECRET", ALLOW, OK0),
	U("BE:Geheim", "Bel", "-", "be : geheim // rel   to nld", ALLOW, OK0),
	U("eu:très secret", "fra", "eu", "très secret ue", ALLOW, OK0),
	U("NATO:SECRET", "NLD", "nato , eu", "Secret UE", ALLOW, OK0),
	/* The node's accreditation first (read). */
	N("NATO:COSMIC TOP SECRET", "NLD", "NATO", "BE:SECRET", "BEL", "NATO",
	    RD, "COSMIC TOP SECRET", DENY, NODE, LVL),
	N("NATO:COSMIC TOP SECRET", "NLD", "NATO", "BE:TRES SECRET", "BEL",
	    "NATO", RD, "COSMIC TOP SECRET", ALLOW, POLICY_CHECK_NONE, OK0),
	N("NATO:SECRET[ATOMAL]", "NLD", "NATO", "NATO:SECRET", "BEL", "NATO",
	    RD, "NATO SECRET//ATOMAL", DENY, NODE, RES),
	N("NATO:SECRET[ATOMAL]", "NLD", "NATO", "NATO:SECRET[ATOMAL]", "BEL",
	    "NATO", RD, "NATO SECRET//ATOMAL", ALLOW, POLICY_CHECK_NONE, OK0),
	N("NATO:SECRET[KFOR]", "NLD", "NATO", "NATO:SECRET", "BEL", "NATO",
	    RD, "NATO SECRET//KFOR", DENY, NODE, PER),
	N("NATO:SECRET", "NLD", "NATO", "BE:SECRET", "BEL", "-",
	    RD, "NATO SECRET", DENY, NODE, REL),
	N("BE:CONFIDENTIEL", "BEL", "-", "BE:SECRET", "BEL", "-",
	    RD, "BE:SECRET", DENY, SUBJ, LVL),
	N("BE:SECRET", "BEL", "-", "BE:SECRET", "BEL", "-",
	    RD, "BE:SECRET//REL TO NLD", ALLOW, POLICY_CHECK_NONE, OK0),
	N("BE:TRES SECRET", "BEL", "-", "BE:SECRET", "BEL", "-",
	    RD, "BE:TRES SECRET", DENY, NODE, LVL),
	N("BE:SECRET", "BEL", "-", "BE:SECRET+NATO:SECRET", "BEL", "NATO",
	    RD, "NATO SECRET", DENY, SUBJ, REL),
	/* The node check comes first even when the subject also fails. */
	N("BE:RESTREINT", "BEL", "-", "BE:CONFIDENTIEL", "BEL", "-",
	    RD, "BE:SECRET", DENY, NODE, LVL),
	/* Forward: the peer's accreditation (no write down). */
	N("NATO:SECRET", "NLD", "NATO", "NATO:SECRET", "BEL", "NATO",
	    FW, "NATO SECRET", ALLOW, POLICY_CHECK_NONE, OK0),
	N("NATO:CONFIDENTIAL", "NLD", "NATO", "NATO:SECRET", "BEL", "NATO",
	    FW, "NATO SECRET", DENY, SUBJ, LVL),
	N("NATO:SECRET", "NLD", "NATO", "BE:SECRET", "BEL", "NATO",
	    FW, "BE:SECRET", DENY, SUBJ, REL),
	N("NATO:SECRET", "NLD", "NATO", "BE:SECRET", "BEL", "NATO",
	    FW, "BE:SECRET//REL TO NATO", ALLOW, POLICY_CHECK_NONE, OK0),
	N("NATO:SECRET", "NLD", "NATO", "BE:CONFIDENTIEL", "BEL", "NATO",
	    FW, "NATO SECRET", DENY, NODE, LVL),
	{ "NATO:SECRET", "NLD", "NATO", NULL, NULL, NULL, FW, "NATO SECRET",
	    ALLOW, POLICY_CHECK_NONE, OK0 },
	{ "BE:SECRET", "NLD", "-", NULL, NULL, NULL, FW, "BE:SECRET",
	    DENY, SUBJ, REL },
	/* Ingress at a relay: the sending peer first (an incident). */
	N("NATO:CONFIDENTIAL", "NLD", "NATO", "NATO:SECRET", "BEL", "NATO",
	    IN, "NATO SECRET", DENY, INGR, LVL),
	N("NATO:SECRET", "NLD", "NATO", "NATO:CONFIDENTIAL", "BEL", "NATO",
	    IN, "NATO SECRET", DENY, NODE, LVL),
	N("NATO:CONFIDENTIAL", "NLD", "NATO", "NATO:CONFIDENTIAL", "BEL",
	    "NATO", IN, "NATO SECRET", DENY, INGR, LVL),
	N("NATO:SECRET", "NLD", "NATO", "NATO:SECRET", "BEL", "NATO",
	    IN, "NATO SECRET", ALLOW, POLICY_CHECK_NONE, OK0),
	N("NATO:SECRET", "NLD", "-", "NATO:SECRET", "BEL", "NATO",
	    IN, "NATO SECRET", DENY, INGR, REL),
	/* Invalid labels never reach the ACDF (section 2 errors). */
	U("BE:SECRET", "BEL", "-", "", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "   ", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "SECRET", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "GEHEIM", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "TOP SECRET", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "RESERVADO", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "ES:RESERVADO", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "NL:GEHEIM", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", ":SECRET", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:CONFIDENTIAL", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:NATO SECRET", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//REL TO BE", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//REL TO XYZ", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//REL TO BEL NLD", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//REL TO", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//REL TO NLD//REL TO LUX",
	    BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//ATOMAL", BADLABEL, OK0),
	U("BE:SECRET", "BEL", "-", "BE:SECRET//", BADLABEL, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO SECRET///ATOMAL", BADLABEL, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO SECRET//ATOMAL/", BADLABEL, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO SECRET//FOO", BADLABEL, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO RESTRICTED//ATOMAL", BADLABEL,
	    OK0),
	U("NATO:SECRET", "BEL", "NATO", "NR//CRYPTO", BADLABEL, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NU//BOHEMIA", BADLABEL, OK0),
	U("NATO:SECRET", "BEL", "NATO", "NATO\tSECRET", BADLABEL, OK0),
	/* Invalid clearances and affiliations are errors too. */
	U("SECRET", "BEL", "-", "BE:SECRET", BADCLR, OK0),
	U("BE:CONFIDENTIAL", "BEL", "-", "BE:SECRET", BADCLR, OK0),
	U("NATO:NS", "BEL", "NATO", "NATO SECRET", BADCLR, OK0),
	U("NATO:SECRET[STAFF]", "BEL", "NATO", "NATO SECRET", BADCLR, OK0),
	U("NATO:SECRET[FOO]", "BEL", "NATO", "NATO SECRET", BADCLR, OK0),
	U("BE:SECRET[ATOMAL]", "BEL", "NATO", "NATO SECRET", BADCLR, OK0),
	U("XX:SECRET", "BEL", "NATO", "NATO SECRET", BADCLR, OK0),
	U("BE:SECRET", "BE", "-", "BE:SECRET", BADCLR, OK0),
	U("BE:SECRET", "NATO", "-", "BE:SECRET", BADCLR, OK0),
	U("BE:SECRET", "XYZ", "-", "BE:SECRET", BADCLR, OK0),
	U("BE:SECRET", "BEL", "UN", "BE:SECRET", BADCLR, OK0),
	U("BE:SECRET", "BEL", "NATO,", "BE:SECRET", BADCLR, OK0),
	U("BE:SECRET", "BEL", "", "BE:SECRET", BADCLR, OK0),
};

static int
load(const char *clr, const char *nat, const char *orgs,
    struct clearance_subject *s)
{
	struct label_error err;

	clearance_subject_init(s);
	if (clearance_parse(T, clr, s, &err) != 0 ||
	    clearance_parse_nat(nat, s, &err) != 0 ||
	    clearance_parse_orgs(orgs, s, &err) != 0)
		return -1;
	return 0;
}

static void
test_decisions(void)
{
	static const char *const wants[] = { "allow", "deny", "invalid label",
	    "invalid clearance" };
	size_t i, n = sizeof(dcases) / sizeof(dcases[0]);

	note("decision table: %zu cases", n);
	for (i = 0; i < n; i++) {
		const struct dcase *c = &dcases[i];
		struct clearance_subject subj, node;
		struct policy_decision d;
		struct label_error err;
		struct label l;
		enum want got;
		int r;

		if (label_parse(T, c->label, &l, &err) != 0) {
			got = BADLABEL;
		} else if (load(c->clr, c->nat, c->orgs, &subj) != 0 ||
		    (c->nclr != NULL &&
		    load(c->nclr, c->nnat, c->norgs, &node) != 0)) {
			got = BADCLR;
		} else {
			r = policy_decide(T, c->op, &l,
			    c->nclr != NULL ? &node : NULL, &subj, &d);
			if (r != 0) {
				ok(0, "case %zu: policy_decide failed", i);
				continue;
			}
			got = d.allow ? ALLOW : DENY;
			if (got == DENY && c->want == DENY &&
			    (d.check != c->check || d.rule != c->rule)) {
				ok(0, "case %zu: %s '%s' %s: denied by %s/%s, "
				    "expected %s/%s (%s)", i, c->clr, c->label,
				    policy_op_name(c->op),
				    policy_check_name(d.check),
				    policy_rule_name(d.rule),
				    policy_check_name(c->check),
				    policy_rule_name(c->rule), d.reason);
				continue;
			}
			if (got == DENY && d.reason[0] == '\0') {
				ok(0, "case %zu: deny without a reason", i);
				continue;
			}
			if (got == DENY && d.incident !=
			    (d.check == POLICY_CHECK_INGRESS)) {
				ok(0, "case %zu: incident flag wrong", i);
				continue;
			}
		}
		ok(got == c->want, "case %zu: %s [%s %s] %s '%s' -> %s", i,
		    c->clr, c->nat, c->orgs, policy_op_name(c->op), c->label,
		    wants[c->want]);
		if (got != c->want)
			diag("got %s", wants[got]);
	}
}

/* --- canonical forms and normalisation --------------------------------- */

static const struct {
	const char	*in, *out;
} canon[] = {
	{ " nato secret // rel to bel , nld ", "NATO SECRET//REL TO BEL,NLD" },
	{ "NATO SECRET//ATOMAL//REL TO BEL,NLD",
	    "NATO SECRET//ATOMAL//REL TO BEL,NLD" },
	{ "BE:GEHEIM//REL NLD", "BE:SECRET//REL TO NLD" },
	{ "NATO UNCLASSIFIED//STAFF", "NATO UNCLASSIFIED//STAFF" },
	{ "Très Secret UE", "TRES SECRET UE/EU TOP SECRET" },
	{ "TRÈS SECRET UE/EU TOP SECRET", "TRES SECRET UE/EU TOP SECRET" },
	{ "tres secret ue / eu top secret", "TRES SECRET UE/EU TOP SECRET" },
	{ "EU TOP SECRET", "TRES SECRET UE/EU TOP SECRET" },
	{ "EU:TOP SECRET", "TRES SECRET UE/EU TOP SECRET" },
	{ "EU:TRÈS SECRET", "TRES SECRET UE/EU TOP SECRET" },
	{ "EU:TRES SECRET UE", "TRES SECRET UE/EU TOP SECRET" },
	{ "SECRET UE", "SECRET UE/EU SECRET" },
	{ "EU SECRET", "SECRET UE/EU SECRET" },
	{ "EU:SECRET", "SECRET UE/EU SECRET" },
	{ "CONFIDENTIEL UE", "CONFIDENTIEL UE/EU CONFIDENTIAL" },
	{ "EU CONFIDENTIAL", "CONFIDENTIEL UE/EU CONFIDENTIAL" },
	{ "EU:CONFIDENTIEL", "CONFIDENTIEL UE/EU CONFIDENTIAL" },
	{ "EU:CONFIDENTIAL", "CONFIDENTIEL UE/EU CONFIDENTIAL" },
	{ "RESTREINT UE", "RESTREINT UE/EU RESTRICTED" },
	{ "EU RESTRICTED", "RESTREINT UE/EU RESTRICTED" },
	{ "EU:RESTREINT", "RESTREINT UE/EU RESTRICTED" },
	{ "EU:RESTRICTED", "RESTREINT UE/EU RESTRICTED" },
	{ "Restreint UE / EU Restricted", "RESTREINT UE/EU RESTRICTED" },
	{ "eu:unclassified", "EU:UNCLASSIFIED" },
	{ "be:très secret", "BE:TRES SECRET" },
	{ "BE:ZEER    GEHEIM", "BE:TRES SECRET" },
	{ "be : geheim", "BE:SECRET" },
	{ "BE:VERTROUWELIJK", "BE:CONFIDENTIEL" },
	{ "BE:BEPERKT", "BE:RESTREINT" },
	{ "BE:DIFFUSION RESTREINTE", "BE:RESTREINT" },
	{ "BE:BEPERKTE VERSPREIDING", "BE:RESTREINT" },
	{ "be:non classifié", "BE:NON CLASSIFIE" },
	{ "BE:Niet Geclassificeerd", "BE:NON CLASSIFIE" },
	{ "BE:UNCLASSIFIED", "BE:NON CLASSIFIE" },
	{ "ns", "NATO SECRET" },
	{ "NU", "NATO UNCLASSIFIED" },
	{ "NR", "NATO RESTRICTED" },
	{ "NC", "NATO CONFIDENTIAL" },
	{ "CTS", "COSMIC TOP SECRET" },
	{ "NATO:TOP SECRET", "COSMIC TOP SECRET" },
	{ "NATO:COSMIC TOP SECRET", "COSMIC TOP SECRET" },
	{ "nato:secret", "NATO SECRET" },
	{ "NATO:NS", "NATO SECRET" },
	{ "NATO:NATO SECRET", "NATO SECRET" },
	{ "NATO:UNCLASSIFIED", "NATO UNCLASSIFIED" },
	{ "  NATO   SECRET  ", "NATO SECRET" },
	{ "NATO SECRET//REL TO NLD,BEL,NLD", "NATO SECRET//REL TO BEL,NLD" },
	{ "NATO SECRET//ATOMAL/ATOMAL", "NATO SECRET//ATOMAL" },
	{ "NATO SECRET//ATOMAL//ATOMAL", "NATO SECRET//ATOMAL" },
	{ "NATO SECRET//REL TO NATO", "NATO SECRET" },
	{ "BE:SECRET//REL TO BEL", "BE:SECRET" },
	{ "SECRET UE//REL TO EU,BEL", "SECRET UE/EU SECRET//REL TO BEL" },
	{ "NATO SECRET//REL TO EU,NATO,ZWE,ABW",
	    "NATO SECRET//REL TO ABW,EU,ZWE" },
	{ "NATO SECRET//STAFF//KFOR//CRYPTO",
	    "NATO SECRET//CRYPTO//KFOR//STAFF" },
	{ "NATO SECRET//KFOR/STAFF/CRYPTO",
	    "NATO SECRET//CRYPTO//KFOR//STAFF" },
	{ "NATO SECRET//REL TO BEL//NMI/KFOR//BOHEMIA/ATOMAL",
	    "NATO SECRET//ATOMAL/BOHEMIA//KFOR/NMI//REL TO BEL" },
	{ "nato secret//rel nld", "NATO SECRET//REL TO NLD" },
	{ "NATO SECRET//RELEASABLE TO NLD", "NATO SECRET//REL TO NLD" },
	{ "NATO SECRET // Releasable To Nld , Deu",
	    "NATO SECRET//REL TO DEU,NLD" },
	{ "NC//CRYPTO", "NATO CONFIDENTIAL//CRYPTO" },
	{ "NR//BOHEMIA", "NATO RESTRICTED//BOHEMIA" },
	{ "NU//STAFF/MEDICAL", "NATO UNCLASSIFIED//MEDICAL/STAFF" },
	{ "NATO SECRET//REL TO ALA,CUW,SXM,BES,SSD",
	    "NATO SECRET//REL TO ALA,BES,CUW,SSD,SXM" },
};

static void
test_canonical(void)
{
	char buf[LABEL_FORMAT_MAX];
	struct label_error err;
	struct label l, again;
	size_t i;

	for (i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
		if (!ok(label_parse(T, canon[i].in, &l, &err) == 0,
		    "'%s' parses", canon[i].in)) {
			diag("%s", err.msg);
			continue;
		}
		if (label_format(T, &l, buf, sizeof(buf)) != 0)
			buf[0] = '\0';
		is_str(buf, canon[i].out, "'%s' is displayed '%s'", canon[i].in,
		    canon[i].out);
		ok(label_parse(T, buf, &again, &err) == 0 &&
		    label_equal(&l, &again), "'%s' parses back to the same "
		    "label", buf);
	}
	/* A small buffer is refused, not overrun. */
	if (label_parse(T, "NATO SECRET//ATOMAL", &l, &err) == 0) {
		is(label_format(T, &l, buf, 5), -ENOSPC, "format into 5 bytes "
		    "is -ENOSPC");
		is_str(buf, "", "and leaves an empty string");
		is(label_format(T, &l, buf, strlen("NATO SECRET//ATOMAL")),
		    -ENOSPC, "one byte short is -ENOSPC");
		is(label_format(T, &l, buf, strlen("NATO SECRET//ATOMAL") + 1),
		    0, "exact size fits");
	}
}

/* Errors: what is wrong (a word of the message) and where. */
static const struct {
	const char	*in;
	const char	*what;
	size_t		pos;
} errors[] = {
	{ "", "empty label", 0 },
	{ "   ", "empty label", 0 },
	{ "//REL TO BEL", "missing classification", 1 },
	{ "FOO", "unknown classification", 1 },
	{ "SECRET", "needs a policy prefix", 1 },
	{ "GEHEIM", "needs a policy prefix", 1 },
	{ "XX:SECRET", "unknown policy 'XX'", 1 },
	{ ":SECRET", "missing policy", 1 },
	{ "NATO:", "missing classification level", 5 },
	{ "NATO:FOO", "unknown classification level 'FOO'", 6 },
	{ "BE:NATO SECRET", "unknown classification level", 4 },
	{ "EU:NS", "unknown classification level", 4 },
	{ "NATO SECRET//", "empty segment", 12 },
	{ "NATO SECRET////ATOMAL", "empty segment", 14 },
	{ "NATO SECRET///ATOMAL", "empty token", 14 },
	{ "NATO SECRET//ATOMAL/", "empty token", 21 },
	{ "NATO SECRET//ATOMAL//", "empty segment", 20 },
	{ "NATO SECRET//REL TO BEL//REL TO NLD", "second REL", 26 },
	{ "NATO SECRET//REL BEL//RELEASABLE TO NLD", "second REL", 23 },
	{ "NATO SECRET//REL TO BE", "'BE' at position 21 is not an assigned",
	    21 },
	{ "NATO SECRET//REL TO XYZ", "'XYZ'", 21 },
	{ "NATO SECRET//REL TO BEL NLD", "'BEL NLD'", 21 },
	{ "NATO SECRET//REL TO UK", "'UK'", 21 },
	{ "NATO SECRET//REL TO USSR", "'USSR'", 21 },
	{ "NATO SECRET//REL TO YUG", "'YUG'", 21 },
	{ "NATO SECRET//REL TO", "empty REL list", 14 },
	{ "NATO SECRET//REL", "empty REL list", 14 },
	{ "NATO SECRET//RELEASABLE TO", "empty REL list", 14 },
	{ "NATO SECRET//REL TO BEL,", "empty REL value", 25 },
	{ "NATO SECRET//REL TO BEL,,NLD", "empty REL value", 25 },
	{ "NATO SECRET//FOO", "unknown category 'FOO'", 14 },
	{ "NATO SECRET//BEL", "REL TO segment", 14 },
	{ "BE:SECRET//ATOMAL", "unknown category 'ATOMAL' for policy BE", 12 },
	{ "SECRET UE//KFOR", "for policy EU", 12 },
	{ "NATO SECRET//ATOMAL/FOO", "unknown category 'FOO'", 21 },
	{ "NATO RESTRICTED//ATOMAL", "needs at least NATO CONFIDENTIAL", 18 },
	{ "NR//CRYPTO", "CRYPTO at position 5 needs at least", 5 },
	{ "NU//BOHEMIA", "needs at least NATO RESTRICTED", 5 },
	{ "NATO\tSECRET", "control character", 5 },
	{ "NATO SECRET\n", "control character", 12 },
	{ "NATO\x7fSECRET", "control character", 5 },
	{ "NATO SECRET\xc2\x85", "control character", 12 },
	{ "NATO SECRET\xc2\xa0", "non-ASCII", 12 },
	{ "NATO SECRET//REL TO BEL\xe2\x82\xac", "non-ASCII", 24 },
	{ "\xc3\x9f", "non-ASCII", 1 },
	{ "NATO \xc3\x86", "non-ASCII", 6 },
	{ "NATO \xc3\x98", "non-ASCII", 6 },
	{ "\xff", "invalid UTF-8", 1 },
	{ "NATO SECRET\xc3", "invalid UTF-8", 12 },
	{ "NATO SECRET\xc8", "invalid UTF-8", 12 },
	{ "\xc0\x80", "invalid UTF-8", 1 },
	{ "\xe2\x82", "invalid UTF-8", 1 },
	{ "  nato secret//foo", "'FOO'", 16 },
	{ "TR\xc3\x88S SECRET UE//FOO", "'FOO'", 17 },
	{ "NATO SECRET//ATOMAL+KFOR", "unknown category", 14 },
	{ "NATO SECRET//REL TO,BEL", "'TO' at position 18", 18 },
	{ "NATO SECRET//EU", "REL TO segment", 14 },
};

static void
test_errors(void)
{
	struct label_error err;
	struct label l;
	size_t i;
	char *big;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		int r = label_parse(T, errors[i].in, &l, &err);

		ok(r == -EINVAL && strstr(err.msg, errors[i].what) != NULL &&
		    err.pos == errors[i].pos, "error %zu: '%s' at %zu", i,
		    errors[i].what, errors[i].pos);
		if (r != -EINVAL || strstr(err.msg, errors[i].what) == NULL ||
		    err.pos != errors[i].pos)
			diag("r=%d pos=%zu msg=%s", r, err.pos, err.msg);
	}
	/* No silent default: a rejected label is all zero. */
	l.rank = 3;
	is(label_parse(T, "NATO SECRET//FOO", &l, &err), -EINVAL, "FOO");
	ok(l.rank == 0 && l.policy == 0, "a rejected label is zeroed");
	is(label_parse(T, NULL, &l, &err), -EINVAL, "NULL text is invalid");
	is(label_parse(NULL, "NS", &l, &err), -EINVAL, "NULL tables");
	is(label_parse(T, "NS", &l, NULL), 0, "err may be NULL");
	/* Oversize: exactly LABEL_TEXT_MAX is read, one more is not. */
	if ((big = malloc(LABEL_TEXT_MAX + 2)) == NULL)
		BAIL_OUT("out of memory");
	memset(big, ' ', LABEL_TEXT_MAX + 1);
	memcpy(big, "NS", 2);
	big[LABEL_TEXT_MAX] = '\0';
	is(label_parse(T, big, &l, &err), 0, "a label of LABEL_TEXT_MAX "
	    "bytes (padded) parses");
	big[LABEL_TEXT_MAX] = ' ';
	big[LABEL_TEXT_MAX + 1] = '\0';
	is(label_parse(T, big, &l, &err), -EMSGSIZE, "one byte more is "
	    "-EMSGSIZE");
	ok(strstr(err.msg, "too long") != NULL, "and says it is too long");
	free(big);
	/* Truncations of a valid label: valid or a clean error, no crash. */
	{
		const char *full = "COSMIC TOP SECRET//ATOMAL/BOHEMIA//KFOR/NMI"
		    "//STAFF//REL TO BEL,NLD,EU";
		char cut[128];
		size_t n, bad = 0, good = 0;

		for (n = 0; n < strlen(full); n++) {
			memcpy(cut, full, n);
			cut[n] = '\0';
			if (label_parse(T, cut, &l, &err) == 0)
				good++;
			else if (err.msg[0] != '\0')
				bad++;
		}
		ok(good + bad == strlen(full), "every truncation of a label "
		    "parses or reports why (%zu valid, %zu invalid)", good,
		    bad);
	}
}

/* --- clearances -------------------------------------------------------- */

static const struct {
	const char	*in, *out;	/* out NULL: an error */
	const char	*what;
	size_t		pos;
} clrs[] = {
	{ "BE:SECRET", "BE:SECRET", NULL, 0 },
	{ "BE:SECRET+NATO:SECRET[ATOMAL]", "BE:SECRET+NATO:SECRET[ATOMAL]",
	    NULL, 0 },
	{ "NATO:SECRET[ATOMAL,CRYPTO,KFOR,NMI]+EU:SECRET",
	    "NATO:SECRET[ATOMAL,CRYPTO,KFOR,NMI]+EU:SECRET", NULL, 0 },
	{ " nato : secret [ nmi , atomal ] + be : geheim ",
	    "NATO:SECRET[ATOMAL,NMI]+BE:SECRET", NULL, 0 },
	{ "be:très secret", "BE:TRES SECRET", NULL, 0 },
	{ "BE:ZEER GEHEIM", "BE:TRES SECRET", NULL, 0 },
	{ "NATO:TOP SECRET", "NATO:COSMIC TOP SECRET", NULL, 0 },
	{ "EU:RESTRICTED", "EU:RESTREINT", NULL, 0 },
	{ "NATO:SECRET[ATOMAL,ATOMAL]", "NATO:SECRET[ATOMAL]", NULL, 0 },
	{ "", NULL, "empty clearance", 0 },
	{ "SECRET", NULL, "missing policy prefix", 1 },
	{ ":SECRET", NULL, "missing policy", 1 },
	{ "XX:SECRET", NULL, "unknown policy 'XX'", 1 },
	{ "NATO:", NULL, "missing level", 5 },
	{ "NATO:FOO", NULL, "unknown level 'FOO'", 6 },
	{ "NATO:NS", NULL, "not a local level name", 6 },
	{ "NATO:NATO SECRET", NULL, "not a local level name", 6 },
	{ "EU:SECRET UE", NULL, "not a local level name", 4 },
	{ "BE:CONFIDENTIAL", NULL, "unknown level", 4 },
	{ "NATO:SECRET[]", NULL, "empty category list", 12 },
	{ "NATO:SECRET[FOO]", NULL, "unknown category 'FOO'", 13 },
	{ "NATO:SECRET[STAFF]", NULL, "informative", 13 },
	{ "NATO:SECRET[ATOMAL,]", NULL, "empty category value", 20 },
	{ "NATO:SECRET[,ATOMAL]", NULL, "empty category value", 13 },
	{ "NATO:SECRET[ATOMAL", NULL, "misplaced", 19 },
	{ "NATO:SECRET]", NULL, "misplaced", 12 },
	{ "NATO:SECRET[ATOMAL]X", NULL, "misplaced", 19 },
	{ "NATO:SECRET[A[B]]", NULL, "misplaced", 16 },
	{ "BE:SECRET[ATOMAL]", NULL, "unknown category 'ATOMAL' for policy BE",
	    11 },
	{ "BE:SECRET+", NULL, "empty clearance", 10 },
	{ "+BE:SECRET", NULL, "empty clearance", 1 },
	{ "BE:SECRET++NATO:SECRET", NULL, "empty clearance", 10 },
	{ "BE:SECRET,NATO:SECRET", NULL, "unknown level", 4 },
	{ "BE:SECRET//REL TO BEL", NULL, "unknown level", 4 },
	{ "BE:SECRET\t", NULL, "control character", 10 },
	{ "BE:SECRET+BE:SECRET+BE:SECRET+BE:SECRET+BE:SECRET+BE:SECRET+"
	    "BE:SECRET+BE:SECRET+BE:SECRET", NULL, "more than 8", 81 },
};

static void
test_clearances(void)
{
	char buf[CLEARANCE_FORMAT_MAX];
	struct clearance_subject s;
	struct label_error err;
	size_t i;
	char *big;

	for (i = 0; i < sizeof(clrs) / sizeof(clrs[0]); i++) {
		int r;

		clearance_subject_init(&s);
		r = clearance_parse(T, clrs[i].in, &s, &err);
		if (clrs[i].out != NULL) {
			if (r != 0 || clearance_format_subject(T, &s, buf,
			    sizeof(buf)) != 0)
				buf[0] = '\0';
			if (!is_str(buf, clrs[i].out, "clearance '%s'",
			    clrs[i].in))
				diag("%s", err.msg);
		} else {
			ok(r == -EINVAL && s.nclr == 0 &&
			    strstr(err.msg, clrs[i].what) != NULL &&
			    err.pos == clrs[i].pos, "clearance '%s' is "
			    "refused: %s at %zu", clrs[i].in, clrs[i].what,
			    clrs[i].pos);
			if (r != -EINVAL || strstr(err.msg, clrs[i].what) ==
			    NULL || err.pos != clrs[i].pos)
				diag("r=%d pos=%zu msg=%s", r, err.pos,
				    err.msg);
		}
	}
	if ((big = malloc(CLEARANCE_TEXT_MAX + 2)) == NULL)
		BAIL_OUT("out of memory");
	memset(big, ' ', CLEARANCE_TEXT_MAX + 1);
	memcpy(big, "BE:SECRET", 9);
	big[CLEARANCE_TEXT_MAX] = '\0';
	is(clearance_parse(T, big, &s, &err), 0, "a clearance of "
	    "CLEARANCE_TEXT_MAX bytes parses");
	big[CLEARANCE_TEXT_MAX] = ' ';
	big[CLEARANCE_TEXT_MAX + 1] = '\0';
	is(clearance_parse(T, big, &s, &err), -EMSGSIZE, "one more byte is "
	    "-EMSGSIZE");
	free(big);

	/* Affiliations. */
	clearance_subject_init(&s);
	is(clearance_parse_nat("bel", &s, &err), 0, "nat bel");
	is_str(rel_code(s.nat), "BEL", "is BEL");
	is(clearance_parse_nat("-", &s, &err), 0, "nat -");
	is(s.nat, -1, "is none");
	is(clearance_parse_nat("BE", &s, &err), -EINVAL, "nat BE (alpha-2)");
	is(clearance_parse_nat("NATO", &s, &err), -EINVAL, "nat NATO is an "
	    "organisation");
	is(clearance_parse_nat("", &s, &err), -EINVAL, "nat empty");
	is(clearance_parse_nat("BELGIUM", &s, &err), -EINVAL, "nat BELGIUM");
	is(clearance_parse_nat(NULL, &s, &err), -EINVAL, "nat NULL");
	is(clearance_parse_orgs("nato, eu", &s, &err), 0, "orgs 'nato, eu'");
	is(s.orgs, CLEARANCE_ORG_NATO | CLEARANCE_ORG_EU, "both");
	is(clearance_parse_orgs("EU,EU", &s, &err), 0, "orgs EU,EU");
	is(s.orgs, CLEARANCE_ORG_EU, "collapse to EU");
	is(clearance_parse_orgs("-", &s, &err), 0, "orgs -");
	is(s.orgs, 0, "none");
	is(clearance_parse_orgs("NATO,-", &s, &err), -EINVAL, "orgs NATO,-");
	is(clearance_parse_orgs("UN", &s, &err), -EINVAL, "orgs UN");
	is(clearance_parse_orgs(",NATO", &s, &err), -EINVAL, "orgs ,NATO");
	is(clearance_parse_orgs("", &s, &err), -EINVAL, "orgs empty");
	is(s.orgs, 0, "a refused orgs list leaves none");
}

/* Truncations and garbage: accepted or refused with a reason, never more. */
static void
test_garbage(void)
{
	const char *clr = "NATO:SECRET[ATOMAL,KFOR]+BE:TRES SECRET+EU:SECRET";
	struct clearance_subject s;
	struct label_error err;
	struct label l;
	char buf[64];
	size_t n, i, k, quiet = 0, good = 0;

	/* clearance_parse leaves the affiliations alone: start from none */
	clearance_subject_init(&s);
	for (n = 0; n < strlen(clr); n++) {
		memcpy(buf, clr, n);
		buf[n] = '\0';
		if (clearance_parse(T, buf, &s, &err) == 0)
			good++;
		else if (err.msg[0] == '\0' || s.nclr != 0)
			quiet++;
	}
	is(quiet, 0, "every truncation of a clearance parses or says why "
	    "(%zu of %zu parse)", good, strlen(clr));
	for (i = 0, quiet = 0; i < 20000; i++) {
		size_t len = 1 + (size_t)(i % 40);

		for (k = 0; k < len; k++)
			buf[k] = (char)(1 + (i * 7919 + k * 104729) % 255);
		buf[len] = '\0';
		if (label_parse(T, buf, &l, &err) != 0 && err.msg[0] == '\0')
			quiet++;
		if (clearance_parse(T, buf, &s, &err) != 0 &&
		    err.msg[0] == '\0')
			quiet++;
		if (clearance_parse_nat(buf, &s, &err) != 0 &&
		    (err.msg[0] == '\0' || s.nat != -1))
			quiet++;
		if (clearance_parse_orgs(buf, &s, &err) != 0 &&
		    (err.msg[0] == '\0' || s.orgs != 0))
			quiet++;
	}
	is(quiet, 0, "20000 garbage strings are refused with a reason by "
	    "every parser");
	memset(buf, 'A', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	is(clearance_parse_nat(buf, &s, &err), -EINVAL, "an oversize "
	    "nationality");
	is(clearance_parse_orgs(buf, &s, &err), -EINVAL, "an oversize "
	    "organisation list");
}

/* The REL code space: the 249 assigned alpha-3 codes plus NATO and EU. */
static void
test_rel_table(void)
{
	size_t i, iso = 0, orgs = 0, sorted = 1, found = 1;

	for (i = 0; i < REL_CODES; i++) {
		const char *c = rel_code((int)i);

		if (rel_is_org((int)i))
			orgs++;
		else if (strlen(c) == 3)
			iso++;
		if (i > 0 && strcmp(rel_code((int)i - 1), c) >= 0)
			sorted = 0;
		if (rel_lookup(c, strlen(c)) != (int)i)
			found = 0;
	}
	is(iso, 249, "249 assigned ISO 3166-1 alpha-3 codes");
	is(orgs, 2, "and the organisation tokens NATO and EU");
	ok(sorted, "sorted by strcmp, so REL displays in order");
	ok(found, "every code is found at its index");
	ok(rel_lookup("BEL", 3) >= 0 && rel_lookup("SSD", 3) >= 0 &&
	    rel_lookup("BES", 3) >= 0 && rel_lookup("XKX", 3) < 0 &&
	    rel_lookup("ANT", 3) < 0 && rel_lookup("UK", 2) < 0 &&
	    rel_lookup("bel", 3) < 0 && rel_lookup(NULL, 3) < 0,
	    "SSD and BES are assigned; XKX, ANT and UK are not");
	ok(rel_code(-1) == NULL && rel_code(REL_CODES) == NULL,
	    "out of range is NULL");
}

/* --- the empty subject, bad arguments ---------------------------------- */

static void
test_fail_closed(void)
{
	struct clearance_subject s;
	struct policy_decision d;
	struct label_error err;
	struct label l;

	if (label_parse(T, "NATO UNCLASSIFIED", &l, &err) != 0)
		BAIL_OUT("NU does not parse");
	clearance_subject_init(&s);
	is(policy_decide(T, POLICY_OP_READ, &l, NULL, &s, &d), 0,
	    "decide for a subject with nothing");
	ok(!d.allow && d.rule == POLICY_RULE_NO_CLEARANCE, "is a deny: no "
	    "clearance");
	ok(clearance_parse_orgs("NATO", &s, &err) == 0, "orgs NATO");
	is(policy_decide(T, POLICY_OP_READ, &l, NULL, &s, &d), 0,
	    "decide with affiliations but no clearance");
	ok(!d.allow, "still a deny");
	is(policy_decide(T, POLICY_OP_READ, &l, NULL, NULL, &d), -EINVAL,
	    "NULL subject is -EINVAL");
	ok(!d.allow, "and fails closed");
	l.policy = 99;
	is(policy_decide(T, POLICY_OP_READ, &l, NULL, &s, &d), -EINVAL,
	    "a label from other tables is -EINVAL");
	ok(!d.allow, "and fails closed");
	if (label_parse(T, "NU", &l, &err) != 0)
		BAIL_OUT("NU does not parse");
	is(policy_decide(T, (enum policy_op)7, &l, NULL, &s, &d), -EINVAL,
	    "an unknown op is -EINVAL");
	ok(!d.allow, "and fails closed");
	is(policy_decide(T, POLICY_OP_READ, &l, NULL, &s, NULL), -EINVAL,
	    "NULL decision");
}

/* --- extensions from configuration ------------------------------------- */

static void
test_extensions(void)
{
	struct policy_tables *t, *u;
	struct clearance_subject s;
	struct policy_decision d;
	struct label_error err;
	struct label l;
	char buf[LABEL_FORMAT_MAX], *c1, *c2;
	size_t n1, n2;
	int i;

	if ((t = policy_tables_new()) == NULL)
		BAIL_OUT("out of memory");
	is(policy_tables_add_policy(t, "fr", "FRA", "urn:oid:1.2.3"), 0,
	    "add policy FR owned by FRA");
	is(policy_tables_add_policy(t, "FR", "FRA", NULL), -EEXIST,
	    "twice is -EEXIST");
	is(policy_tables_add_policy(t, "NATO", "NATO", NULL), -EEXIST,
	    "a built-in id is -EEXIST");
	is(policy_tables_add_policy(t, "ES", "ES", NULL), -EINVAL,
	    "owner ES (alpha-2) is -EINVAL");
	is(policy_tables_add_policy(t, "E:S", "ESP", NULL), -EINVAL,
	    "id with ':' is -EINVAL");
	is(policy_tables_add_policy(t, "", "ESP", NULL), -EINVAL,
	    "empty id is -EINVAL");
	is(policy_tables_add_policy(t, "ES", "ESP", "has space"), -EINVAL,
	    "uri with a space is -EINVAL");
	is(policy_tables_add_level(t, "FR", 2, "Confidentiel Défense",
	    POLICY_NAME_LOCAL), 0, "add FR:CONFIDENTIEL DEFENSE at 2");
	is(policy_tables_add_level(t, "FR", 3, "Secret Défense",
	    POLICY_NAME_LOCAL), 0, "add FR:SECRET DEFENSE at 3");
	is(policy_tables_add_level(t, "FR", 3, "SD", POLICY_NAME_FULL), 0,
	    "add full name SD at 3");
	is(policy_tables_add_level(t, "FR", 3, "NS", POLICY_NAME_FULL),
	    -EEXIST, "full name NS is NATO's");
	is(policy_tables_add_level(t, "FR", 2, "SECRET DEFENSE",
	    POLICY_NAME_LOCAL), -EEXIST, "a name at two ranks");
	is(policy_tables_add_level(t, "FR", 5, "X", POLICY_NAME_LOCAL),
	    -EINVAL, "rank 5");
	is(policy_tables_add_level(t, "FR", 1, "A:B", POLICY_NAME_LOCAL),
	    -EINVAL, "a name with ':'");
	is(policy_tables_add_level(t, "FR", 1, "A/B", POLICY_NAME_LOCAL),
	    -EINVAL, "a local name with '/'");
	is(policy_tables_add_level(t, "XX", 1, "A", POLICY_NAME_LOCAL),
	    -ENOENT, "no such policy");
	is(policy_tables_add_category(t, "FR", "Special",
	    POLICY_CAT_RESTRICTIVE, "SPECIAL FRANCE", 3), 0,
	    "add restrictive SPECIAL FRANCE, min 3");
	is(policy_tables_add_category(t, "FR", "Ops", POLICY_CAT_PERMISSIVE,
	    "BARKHANE", 0), 0, "add permissive BARKHANE");
	is(policy_tables_add_category(t, "FR", "Ops", POLICY_CAT_RESTRICTIVE,
	    "SERVAL", 0), -EINVAL, "a tag keeps its type");
	is(policy_tables_add_category(t, "FR", "Ops", POLICY_CAT_PERMISSIVE,
	    "BARKHANE", 0), -EEXIST, "a value twice");
	is(policy_tables_add_category(t, "FR", "Ops", POLICY_CAT_PERMISSIVE,
	    "REL TO X", 0), -EINVAL, "a REL-like value");
	is(policy_tables_add_category(t, "FR", "Releasable To",
	    POLICY_CAT_PERMISSIVE, "X", 0), -EINVAL, "the REL tag is reserved");
	is(policy_tables_add_category(t, "FR", "Ops", POLICY_CAT_PERMISSIVE,
	    "A/B", 0), -EINVAL, "a value with '/'");
	is(policy_tables_add_category(t, "NATO", "Mission",
	    POLICY_CAT_PERMISSIVE, "RSM", 0), 0,
	    "extend NATO Mission with RSM");
	is(policy_tables_add_equivalence(t, "FR", 3, "NATO", 3), 0,
	    "FR 3 ~ NATO 3");
	is(policy_tables_add_equivalence(t, "FR", 3, "NATO", 3), 0,
	    "again is harmless");
	is(policy_tables_add_equivalence(t, "FR", 3, "NATO", 2), -EEXIST,
	    "FR 3 ~ NATO 2 conflicts");
	is(policy_tables_add_equivalence(t, "FR", 2, "NATO", 4), -EINVAL,
	    "FR 2 ~ NATO 4 would cross");
	is(policy_tables_add_equivalence(t, "FR", 1, "NATO", 1), -EINVAL,
	    "FR 1 has no name");
	is(policy_tables_add_equivalence(t, "FR", 2, "FR", 2), -EINVAL,
	    "a policy with itself");
	is(policy_tables_add_equivalence(t, "FR", 2, "NATO", 2), 0,
	    "FR 2 ~ NATO 2");

	ok(label_parse(t, "fr:secret défense//barkhane//rel to bel", &l,
	    &err) == 0, "an FR label parses");
	ok(label_format(t, &l, buf, sizeof(buf)) == 0 &&
	    strcmp(buf, "SD//BARKHANE//REL TO BEL") == 0,
	    "and displays by its full name: %s", buf);
	ok(label_parse(t, "FR:CONFIDENTIEL DEFENSE//SPECIAL FRANCE", &l,
	    &err) != 0, "the configured validity rule holds");
	ok(label_parse(t, "NATO SECRET//RSM", &l, &err) == 0,
	    "NATO gains RSM");
	ok(label_parse(T, "NATO SECRET//RSM", &l, &err) != 0,
	    "in those tables only");
	clearance_subject_init(&s);
	ok(clearance_parse(t, "NATO:SECRET", &s, &err) == 0 &&
	    clearance_parse_orgs("NATO", &s, &err) == 0 &&
	    clearance_parse_nat("BEL", &s, &err) == 0, "a NATO:SECRET subject");
	ok(label_parse(t, "FR:SECRET DEFENSE//REL TO NATO", &l, &err) == 0 &&
	    policy_decide(t, POLICY_OP_READ, &l, NULL, &s, &d) == 0 &&
	    d.allow, "reads FR SD REL NATO through the configured "
	    "equivalence");
	ok(label_parse(t, "FR:SECRET DEFENSE//REL TO NATO", &l, &err) == 0 &&
	    clearance_parse(t, "BE:TRES SECRET", &s, &err) == 0 &&
	    policy_decide(t, POLICY_OP_READ, &l, NULL, &s, &d) == 0 &&
	    !d.allow && d.rule == POLICY_RULE_LEVEL, "but not with BE:TRES "
	    "SECRET: equivalence is not transitive");

	/* The canonical tables do not depend on declaration order. */
	if ((u = policy_tables_new()) == NULL)
		BAIL_OUT("out of memory");
	ok(policy_tables_add_policy(u, "FR", "FRA", "urn:oid:1.2.3") == 0 &&
	    policy_tables_add_category(u, "NATO", "Mission",
	    POLICY_CAT_PERMISSIVE, "RSM", 0) == 0 &&
	    policy_tables_add_level(u, "FR", 3, "SECRET DEFENSE",
	    POLICY_NAME_LOCAL) == 0 &&
	    policy_tables_add_level(u, "FR", 2, "CONFIDENTIEL DEFENSE",
	    POLICY_NAME_LOCAL) == 0 &&
	    policy_tables_add_level(u, "FR", 3, "SD", POLICY_NAME_FULL) == 0 &&
	    policy_tables_add_equivalence(u, "NATO", 2, "FR", 2) == 0 &&
	    policy_tables_add_equivalence(u, "NATO", 3, "FR", 3) == 0 &&
	    policy_tables_add_category(u, "FR", "Ops", POLICY_CAT_PERMISSIVE,
	    "BARKHANE", 0) == 0 &&
	    policy_tables_add_category(u, "FR", "Special",
	    POLICY_CAT_RESTRICTIVE, "SPECIAL FRANCE", 3) == 0,
	    "the same declarations in another order");
	is(policy_tables_canonical(t, NULL, 0, &n1), -ENOSPC, "size query");
	is(policy_tables_canonical(u, NULL, 0, &n2), -ENOSPC, "size query");
	c1 = malloc(n1 + 1);
	c2 = malloc(n2 + 1);
	if (c1 == NULL || c2 == NULL)
		BAIL_OUT("out of memory");
	is(policy_tables_canonical(t, c1, n1 + 1, &n1), 0, "canonical t");
	is(policy_tables_canonical(u, c2, n2 + 1, &n2), 0, "canonical u");
	ok(n1 == n2 && strcmp(c1, c2) == 0, "are identical");
	is(policy_tables_canonical(t, c1, n1, &n1), -ENOSPC, "one byte short "
	    "is -ENOSPC");
	ok(strstr(c1, "policy FR owner FRA uri \"urn:oid:1.2.3\"") != NULL,
	    "the serialisation names the policy");
	free(c1);
	free(c2);
	is(policy_tables_add_level(u, "FR", 3, "TS", POLICY_NAME_FULL), 0,
	    "one more name");
	policy_tables_canonical(T, NULL, 0, &n1);
	policy_tables_canonical(u, NULL, 0, &n2);
	ok(n1 != n2, "changes the serialisation");
	policy_tables_free(&u);
	ok(u == NULL, "policy_tables_free NULLs the pointer");
	policy_tables_free(&u);
	policy_tables_free(NULL);

	/* Room for POLICY_MAX policies, then -ENOSPC. */
	for (i = 0; i < POLICY_MAX; i++) {
		char id[8];

		snprintf(id, sizeof(id), "P%d", i);
		if (policy_tables_add_policy(t, id, "BEL", NULL) != 0)
			break;
	}
	is(i, POLICY_MAX - 4, "%d more policies fit", POLICY_MAX - 4);
	policy_tables_free(&t);
}

/* --- property tests ----------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *const pool_rel[] = {
	"BEL", "NLD", "LUX", "FRA", "DEU", "USA", "NATO", "EU", "JPN",
};
static const char *const nato_vals[] = {
	"ATOMAL", "CRYPTO", "BOHEMIA", "KFOR", "NMI", "STAFF", "MEDICAL",
};

/* A random valid label of policy pol (or any when pol < 0). */
static void
random_label(int pol, struct label *l)
{
	static const char *const ids[] = { "NATO", "EU", "BE" };
	static const char *const levels[3][5] = {
		{ "UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET",
		    "TOP SECRET" },
		{ "UNCLASSIFIED", "RESTREINT", "CONFIDENTIEL", "SECRET",
		    "TRES SECRET" },
		{ "NON CLASSIFIE", "RESTREINT", "CONFIDENTIEL", "SECRET",
		    "TRES SECRET" },
	};
	struct label_error err;
	size_t i;

	for (;;) {
		int p = pol >= 0 ? pol : (int)rnd(3);

		if (label_init(T, ids[p], levels[p][rnd(5)], l, &err) != 0)
			BAIL_OUT("%s", err.msg);
		if (p == 0)
			for (i = 0; i < 7; i++)
				if (rnd(3) == 0 && label_add_value(T, l, NULL,
				    POLICY_CAT_PERMISSIVE, nato_vals[i],
				    &err) != 0)
					BAIL_OUT("%s", err.msg);
		if (rnd(2) == 0)
			for (i = 0; i < 9; i++)
				if (rnd(3) == 0 && label_add_rel(T, l,
				    pool_rel[i], &err) != 0)
					BAIL_OUT("%s", err.msg);
		if (label_validate(T, l, &err) == 0)
			return;
	}
}

static void
random_subject(struct clearance_subject *s)
{
	static const char *const clrs_pool[] = {
		"NATO:SECRET[ATOMAL,KFOR]", "NATO:COSMIC TOP SECRET[ATOMAL,"
		"CRYPTO,BOHEMIA,KFOR,NMI]", "NATO:CONFIDENTIAL", "BE:SECRET",
		"BE:TRES SECRET", "EU:SECRET", "NATO:RESTRICTED[NMI]",
		"BE:RESTREINT+NATO:SECRET[CRYPTO]", "EU:RESTREINT+BE:SECRET",
	};
	static const char *const nats[] = { "BEL", "NLD", "FRA", "USA", "-" };
	static const char *const orgs[] = { "-", "NATO", "EU", "NATO,EU" };
	struct label_error err;

	clearance_subject_init(s);
	if (clearance_parse(T, clrs_pool[rnd(9)], s, &err) != 0 ||
	    clearance_parse_nat(nats[rnd(5)], s, &err) != 0 ||
	    clearance_parse_orgs(orgs[rnd(4)], s, &err) != 0)
		BAIL_OUT("random subject: %s", err.msg);
}

static bool
allowed(const struct label *l, const struct clearance_subject *s)
{
	struct policy_decision d;

	return policy_decide(T, POLICY_OP_READ, l, NULL, s, &d) == 0 &&
	    d.allow;
}

static void
test_properties(void)
{
	char buf[LABEL_FORMAT_MAX];
	struct clearance_subject s;
	struct label_error err;
	struct label a, b, c, j, j2, m, back;
	size_t i, n = 5000, rt = 0, refl = 0, anti = 0, trans = 0, ub = 0;
	size_t least = 0, comm = 0, mono = 0, tries_trans = 0, least_n = 0;
	size_t joins = 0, idem = 0;

	for (i = 0; i < n; i++) {
		int pol = (int)rnd(3);

		random_label(-1, &a);
		/* format -> parse round trip. */
		if (label_format(T, &a, buf, sizeof(buf)) == 0 &&
		    label_parse(T, buf, &back, &err) == 0 &&
		    label_equal(&a, &back))
			rt++;
		else
			diag("round trip failed for '%s': %s", buf, err.msg);
		refl += label_dominates(T, &a, &a);
		random_label(pol, &a);
		random_label(pol, &b);
		random_label(pol, &c);
		if (label_dominates(T, &a, &b) && label_dominates(T, &b, &a))
			anti += !label_equal(&a, &b);
		if (label_dominates(T, &a, &b) && label_dominates(T, &b, &c)) {
			tries_trans++;
			trans += !label_dominates(T, &a, &c);
		}
		/* join is an upper bound, the least one, and commutes. */
		if (label_join(T, &a, &b, &j, &err) == 0) {
			joins++;
			ub += !(label_dominates(T, &j, &a) &&
			    label_dominates(T, &j, &b));
			comm += !(label_join(T, &b, &a, &j2, &err) == 0 &&
			    label_equal(&j, &j2));
			idem += !(label_join(T, &j, &j, &j2, &err) == 0 &&
			    label_equal(&j, &j2));
			if (label_join(T, &j, &c, &m, &err) == 0) {
				least_n++;
				least += !label_dominates(T, &m, &j);
			}
			if (label_dominates(T, &c, &a) &&
			    label_dominates(T, &c, &b)) {
				least_n++;
				least += !label_dominates(T, &c, &j);
			}
		}
		/* No read up: whoever reads a label reads what it dominates. */
		random_subject(&s);
		if (label_dominates(T, &a, &b) && allowed(&a, &s))
			mono += !allowed(&b, &s);
	}
	is(rt, n, "format -> parse round trip for %zu random labels", n);
	is(refl, n, "dominance is reflexive");
	is(anti, 0, "dominance is antisymmetric");
	is(trans, 0, "dominance is transitive (%zu chains)", tries_trans);
	ok(joins > n / 4, "%zu joins succeed", joins);
	is(ub, 0, "join is an upper bound of both");
	is(least, 0, "join is below every upper bound (%zu checked)", least_n);
	is(comm, 0, "join commutes");
	is(idem, 0, "join is idempotent");
	is(mono, 0, "a subject who reads a label reads every label it "
	    "dominates");

	/* Different policies neither dominate nor join. */
	ok(label_parse(T, "NS", &a, &err) == 0 &&
	    label_parse(T, "BE:SECRET", &b, &err) == 0, "NS and BE:SECRET");
	ok(!label_dominates(T, &a, &b) && !label_dominates(T, &b, &a),
	    "are incomparable");
	is(label_join(T, &a, &b, &j, &err), -EXDEV, "and do not join");
	/* Join examples. */
	ok(label_parse(T, "NC//ATOMAL//KFOR//REL TO BEL,NLD", &a, &err) == 0 &&
	    label_parse(T, "NS//CRYPTO//KFOR/NMI//STAFF//REL TO NLD,DEU", &b,
	    &err) == 0 && label_join(T, &a, &b, &j, &err) == 0 &&
	    label_format(T, &j, buf, sizeof(buf)) == 0, "join two labels");
	is_str(buf, "NATO SECRET//ATOMAL/CRYPTO//KFOR//STAFF//REL TO NLD",
	    "max rank, R union, P and REL intersection, I union");
	ok(label_parse(T, "NS//KFOR", &a, &err) == 0 &&
	    label_parse(T, "NS//NMI", &b, &err) == 0, "NS//KFOR and NS//NMI");
	is(label_join(T, &a, &b, &j, &err), -EINVAL, "have no join");
	ok(strstr(err.msg, "Mission") != NULL, "the error names the tag");
	ok(label_parse(T, "NS//REL TO BEL", &a, &err) == 0 &&
	    label_parse(T, "NS//REL TO NLD", &b, &err) == 0 &&
	    label_join(T, &a, &b, &j, &err) == 0 &&
	    label_format(T, &j, buf, sizeof(buf)) == 0, "disjoint REL joins");
	is_str(buf, "NATO SECRET", "to the owner only");
	ok(label_parse(T, "NS//KFOR", &a, &err) == 0 &&
	    label_parse(T, "NS", &b, &err) == 0 &&
	    label_dominates(T, &a, &b) && !label_dominates(T, &b, &a),
	    "NS//KFOR dominates NS, not the reverse");
	ok(label_parse(T, "NS", &a, &err) == 0 &&
	    label_parse(T, "NS//REL TO BEL", &b, &err) == 0 &&
	    label_dominates(T, &a, &b) && !label_dominates(T, &b, &a),
	    "NS dominates NS//REL TO BEL (fewer releases)");
	ok(label_parse(T, "NS//KFOR", &a, &err) == 0 &&
	    label_parse(T, "NS//KFOR/NMI", &b, &err) == 0 &&
	    label_dominates(T, &a, &b) && !label_dominates(T, &b, &a),
	    "NS//KFOR dominates NS//KFOR/NMI");
}

/* Equivalence round-trips: P rank r ~ Q rank r ~ P rank r, both ways. */
static void
test_equivalence(void)
{
	static const char *const full[3][5] = {
		{ "NU", "NR", "NC", "NS", "CTS" },
		{ "EU:UNCLASSIFIED", "RESTREINT UE", "CONFIDENTIEL UE",
		    "SECRET UE", "TRES SECRET UE" },
		{ "BE:NON CLASSIFIE", "BE:RESTREINT", "BE:CONFIDENTIEL",
		    "BE:SECRET", "BE:TRES SECRET" },
	};
	static const char *const local[3][5] = {
		{ "NATO:UNCLASSIFIED", "NATO:RESTRICTED", "NATO:CONFIDENTIAL",
		    "NATO:SECRET", "NATO:TOP SECRET" },
		{ "EU:UNCLASSIFIED", "EU:RESTREINT", "EU:CONFIDENTIEL",
		    "EU:SECRET", "EU:TRES SECRET" },
		{ "BE:NON CLASSIFIE", "BE:RESTREINT", "BE:CONFIDENTIEL",
		    "BE:SECRET", "BE:TRES SECRET" },
	};
	struct clearance_subject s;
	struct label_error err;
	struct label l;
	size_t bad = 0, n = 0;
	int p, q, r, k;

	for (p = 0; p < 3; p++)
		for (q = 0; q < 3; q++)
			for (r = 0; r < 5; r++)
				for (k = 0; k < 5; k++) {
					clearance_subject_init(&s);
					if (label_parse(T, full[p][r], &l,
					    &err) != 0 ||
					    clearance_parse(T, local[q][k], &s,
					    &err) != 0 ||
					    clearance_parse_nat("BEL", &s,
					    &err) != 0 ||
					    clearance_parse_orgs("NATO,EU", &s,
					    &err) != 0)
						BAIL_OUT("equivalence setup");
					n++;
					bad += allowed(&l, &s) != (r <= k);
				}
	is(bad, 0, "P rank r readable by Q rank k iff r <= k, for all %zu "
	    "(P, Q, r, k)", n);
}

int
main(void)
{
	if ((T = policy_tables_new()) == NULL)
		BAIL_OUT("policy_tables_new failed");
	test_decisions();
	test_canonical();
	test_errors();
	test_clearances();
	test_garbage();
	test_rel_table();
	test_fail_closed();
	test_extensions();
	test_properties();
	test_equivalence();
	policy_tables_free(&T);
	return done_testing();
}
