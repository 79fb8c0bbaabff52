/* SPDX-License-Identifier: ISC */
/*
 * clearance: clearances and affiliations of a subject (a local user, a
 * peer node, or this node's own accreditation), in the one-line syntax of
 * docs/labels.md section 7:
 *
 *	BE:SECRET+NATO:SECRET[ATOMAL,KFOR]	nat BEL	orgs NATO,EU
 *
 * Each clearance is a policy, a maximum rank (a local level name of that
 * policy) and the restrictive and permissive values it holds.  They are
 * evaluated one at a time by policy_decide().  The same normalisation as
 * for labels applies; spaces next to '+', '[' and ']' are dropped too.
 */
#ifndef CLEARANCE_H
#define CLEARANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/label.h"
#include "policy/policy.h"
#include "policy/rel.h"

/* Clearances of one subject; a person rarely holds more than three. */
#define CLEARANCE_MAX		8
/* Longest clearance text accepted, in bytes. */
#define CLEARANCE_TEXT_MAX	2048
/* Buffer size that always holds clearance_format() output. */
#define CLEARANCE_FORMAT_MAX	(CLEARANCE_MAX * 3200)

/* Organisation bits of a subject. */
#define CLEARANCE_ORG_NATO	0x1u
#define CLEARANCE_ORG_EU	0x2u

struct clearance {
	uint8_t		policy;		/* index in the tables */
	uint8_t		maxrank;
	uint64_t	values[POLICY_VALUE_WORDS]; /* R and P values held */
};

struct clearance_subject {
	struct clearance clr[CLEARANCE_MAX];
	unsigned	nclr;
	int		nat;		/* REL index of nationality, -1: "-" */
	unsigned	orgs;		/* CLEARANCE_ORG_* */
	uint64_t	aff[REL_WORDS];	/* {nat} + orgs, derived */
};

/*
 * A subject with no clearance and no affiliation: every decision about it
 * is a deny.
 */
void	clearance_subject_init(struct clearance_subject *s);

/*
 * Parse clearance text into s->clr / s->nclr (the affiliations are left
 * alone).  An unknown policy, level or value, an informative value, a
 * full level name or an empty part is an error with its position.
 * On failure the clearances of s are emptied.
 * Returns 0, -EINVAL or -EMSGSIZE.
 */
int	clearance_parse(const struct policy_tables *t, const char *text,
	    struct clearance_subject *s, struct label_error *err) POLICY_WUR;

/*
 * Nationality: an assigned ISO 3166-1 alpha-3 code, or "-" for an
 * international body.  On failure s->nat is -1.  Returns 0 or -EINVAL.
 */
int	clearance_parse_nat(const char *text, struct clearance_subject *s,
	    struct label_error *err) POLICY_WUR;

/*
 * Organisations: a comma list of NATO and EU, or "-" for none.  On
 * failure s->orgs is 0.  Returns 0 or -EINVAL.
 */
int	clearance_parse_orgs(const char *text, struct clearance_subject *s,
	    struct label_error *err) POLICY_WUR;

/*
 * Canonical text of one clearance ("NATO:SECRET[ATOMAL,KFOR]", values
 * sorted), or of all of a subject's joined by '+'.  Return 0, -ENOSPC or
 * -EINVAL.
 */
int	clearance_format(const struct policy_tables *t,
	    const struct clearance *c, char *buf, size_t cap) POLICY_WUR;
int	clearance_format_subject(const struct policy_tables *t,
	    const struct clearance_subject *s, char *buf, size_t cap)
	    POLICY_WUR;

#endif /* CLEARANCE_H */
