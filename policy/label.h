/* SPDX-License-Identifier: ISC */
/*
 * label: classification labels (docs/labels.md).  Text is normalised
 * (case, Latin-1 accents, whitespace), parsed strictly against the policy
 * tables and validated; there is never a default label.  The canonical
 * display form is unique for a label: two labels with the same meaning
 * format the same.
 *
 * struct label is a fixed-size value type, so labels live on the stack and
 * decisions need no allocation.  Its fields are indices into the tables
 * that parsed it; treat them as read-only and build labels only through
 * label_parse() or the label_init()/label_add_*()/label_validate() builder.
 */
#ifndef LABEL_H
#define LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "policy/rel.h"

/*
 * Longest label text accepted, in bytes, before normalisation.  A
 * canonical label always fits (a full vocabulary and every REL code), so
 * anything label_format() writes parses again.
 */
#define LABEL_TEXT_MAX		8192
/* Buffer size that always holds label_format() output with its NUL. */
#define LABEL_FORMAT_MAX	LABEL_TEXT_MAX
/* An error message with its NUL. */
#define LABEL_ERROR_MAX		160

struct label {
	uint8_t		policy;		/* index in the tables */
	uint8_t		rank;		/* 0..POLICY_RANKS-1 */
	uint64_t	values[POLICY_VALUE_WORDS];	/* R, P and I values */
	uint64_t	rel[REL_WORDS];	/* REL codes but the owner token */
};

/*
 * Why a text was rejected.  pos is the 1-based character position in the
 * text as given (before normalisation) of what is wrong, or 0 when the
 * whole text is at fault (empty, too long).  msg says what is wrong and
 * quotes the offending token in its normalised form.
 */
struct label_error {
	size_t		pos;
	char		msg[LABEL_ERROR_MAX];
};

/*
 * Parse and validate label text (section 2 syntax).  On success *l holds
 * the label; on failure *l is zeroed, err (if not NULL) says why.
 * Returns 0, -EINVAL (invalid label) or -EMSGSIZE (longer than
 * LABEL_TEXT_MAX).
 */
int	label_parse(const struct policy_tables *t, const char *text,
	    struct label *l, struct label_error *err) POLICY_WUR;

/*
 * The canonical display form:
 *   <full name or P:<first local name>>[//R][//P][//I][//REL TO codes]
 * each group sorted, REL without the owner token.  Writes a NUL-terminated
 * string of at most cap bytes (LABEL_FORMAT_MAX always suffices).
 * Returns 0, -ENOSPC or -EINVAL (a label that is not from these tables).
 */
int	label_format(const struct policy_tables *t, const struct label *l,
	    char *buf, size_t cap) POLICY_WUR;

/* Same label (same policy, rank, values and effective REL). */
bool	label_equal(const struct label *a, const struct label *b);

/*
 * Dominance within one policy: a >= b iff rank a >= rank b, R(a) contains
 * R(b), I(a) contains I(b) (our addition, see docs/labels.md), and for
 * every permissive tag T (REL included) effT(a) is a subset of effT(b),
 * where an absent tag is the universe and eff REL includes the owner.
 * Labels of different policies never dominate one another.
 */
bool	label_dominates(const struct policy_tables *t, const struct label *a,
	    const struct label *b);

/*
 * Join (least upper bound) of two labels of one policy, for replies and
 * aggregates: highest rank, union of restrictive and informative values,
 * intersection of each permissive tag (REL on effective sets).  *out may
 * alias a or b.  Returns 0, -EXDEV (different policies) or -EINVAL (a
 * non-REL permissive intersection is empty: no label satisfies both).
 */
int	label_join(const struct policy_tables *t, const struct label *a,
	    const struct label *b, struct label *out,
	    struct label_error *err) POLICY_WUR;

/*
 * Section 2 normalisation of in: reject control characters and invalid
 * UTF-8, fold Latin-1 accented letters, reject other non-ASCII, uppercase,
 * collapse spaces, drop spaces next to '/', ',' and ':', trim.  Writes at
 * most cap bytes with the NUL.  Returns 0, -EINVAL or -EMSGSIZE.
 */
int	label_normalise(const char *in, char *out, size_t cap,
	    struct label_error *err) POLICY_WUR;

/*
 * Builder, for adapters that read labels from structured input (4774 XML)
 * and must not splice untrusted strings into label text.  Each string is
 * one normalised token; separators in it are errors.
 *
 * label_init: policy id and a level name of that policy (local or full).
 * label_add_value: a category value; when tag is not NULL the value must
 *	belong to that tag (matched by name, normalised) and the tag must be
 *	of the given type.
 * label_add_rel: a REL code (alpha-3 or NATO/EU); the owner is dropped.
 * label_validate: the validity rules; call it last.
 * All return 0 or -EINVAL (err says why).
 */
int	label_init(const struct policy_tables *t, const char *policy,
	    const char *level, struct label *l, struct label_error *err)
	    POLICY_WUR;
int	label_add_value(const struct policy_tables *t, struct label *l,
	    const char *tag, enum policy_cat_type type, const char *value,
	    struct label_error *err) POLICY_WUR;
int	label_add_rel(const struct policy_tables *t, struct label *l,
	    const char *code, struct label_error *err) POLICY_WUR;
int	label_validate(const struct policy_tables *t, const struct label *l,
	    struct label_error *err) POLICY_WUR;

/*
 * Accessors for adapters.  Strings are valid until the tables are freed.
 * label_policy_id: the policy identifier ("NATO").
 * label_level_local: the rank's first local name ("SECRET"), for 4774
 *	Classification.
 * label_tag_values: the label's values of tag number tag (see
 *	policy_tables_tag), sorted, into vals[0..cap); returns how many
 *	there are (which may exceed cap).
 * label_rel_codes: the label's REL codes, sorted, with the owner token
 *	when with_owner; returns how many (may exceed cap).
 */
const char *label_policy_id(const struct policy_tables *t,
	    const struct label *l);
const char *label_level_local(const struct policy_tables *t,
	    const struct label *l);
size_t	label_tag_values(const struct policy_tables *t, const struct label *l,
	    unsigned tag, const char **vals, size_t cap);
size_t	label_rel_codes(const struct policy_tables *t, const struct label *l,
	    bool with_owner, const char **codes, size_t cap);

#endif /* LABEL_H */
