/* SPDX-License-Identifier: ISC */
/*
 * policy_int.h: the layout of the policy tables and the helpers shared by
 * policy.c, label.c and clearance.c.  Private to policy/: nothing outside
 * this directory includes it.
 */
#ifndef POLICY_INT_H
#define POLICY_INT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy/label.h"
#include "policy/policy.h"
#include "policy/rel.h"

struct policy_levelname {
	char		name[POLICY_NAME_MAX];
	uint8_t		len;
	uint8_t		rank;
	uint8_t		kind;		/* enum policy_name_kind */
};

struct policy_tag {
	char		name[POLICY_NAME_MAX];
	uint8_t		type;		/* enum policy_cat_type */
	uint64_t	mask[POLICY_VALUE_WORDS];
};

struct policy_value {
	char		name[POLICY_VALUE_NAME_MAX];
	uint8_t		len;
	uint8_t		tag;
	uint8_t		minrank;
};

struct policy_def {
	char		id[POLICY_ID_MAX];
	char		uri[POLICY_URI_MAX];
	int		owner;			/* REL index */
	int8_t		display[POLICY_RANKS];	/* first full name, or -1 */
	int8_t		local[POLICY_RANKS];	/* first local name, or -1 */
	struct policy_levelname names[POLICY_LEVEL_NAMES_MAX];
	unsigned	nnames;
	struct policy_tag tags[POLICY_TAGS_MAX];
	unsigned	ntags;
	struct policy_value values[POLICY_VALUES_MAX];
	unsigned	nvalues;
	uint8_t		sorted[POLICY_VALUES_MAX]; /* value indices by name */
	uint64_t	rmask[POLICY_VALUE_WORDS];
	uint64_t	pmask[POLICY_VALUE_WORDS];
	uint64_t	imask[POLICY_VALUE_WORDS];
	int8_t		equiv[POLICY_RANKS][POLICY_MAX]; /* rank there, or -1 */
};

struct policy_tables {
	struct policy_def pol[POLICY_MAX];
	unsigned	npol;
};

/* Separators next to which normalisation drops spaces. */
#define POLICY_SEPS_LABEL	"/,:"
#define POLICY_SEPS_CLEARANCE	"/,:+[]"

/*
 * Normalise in (see label_normalise) into out (cap bytes with NUL).  When
 * map is not NULL, map[i] receives the 1-based character position in in
 * of out[i] (map must have cap entries).  Returns 0, -EINVAL, -EMSGSIZE.
 */
int	policy_normalise(const char *in, char *out, size_t cap, uint16_t *map,
	    const char *seps, struct label_error *err);

/*
 * Record an error (message and 1-based position) in err, which may be
 * NULL, and evaluate to -EINVAL.  A macro rather than a variadic function:
 * policy/ may not include <stdarg.h> (make depcheck).
 */
#define policy_error(err, pos, ...)					\
	(((err) != NULL ?						\
	    (void)snprintf((err)->msg, sizeof((err)->msg), __VA_ARGS__) :\
	    (void)0), policy_error_at((err), (pos)))

static inline int
policy_error_at(struct label_error *err, size_t pos)
{
	if (err != NULL)
		err->pos = pos;
	return -EINVAL;
}

/* Index of policy s[0..len), or -1. */
int	policy_find_n(const struct policy_tables *t, const char *s, size_t len);

/*
 * Rank of level name s[0..len) in policy p, or -1.  With local_only, full
 * names do not count; *kind (if not NULL) receives the kind that matched.
 */
int	policy_find_level(const struct policy_def *p, const char *s, size_t len,
	    bool local_only, int *kind);

/* Index of category value s[0..len) in policy p, or -1. */
int	policy_find_value(const struct policy_def *p, const char *s,
	    size_t len);

/* The canonical display name of rank r of policy p into buf. */
int	policy_rank_display(const struct policy_def *p, unsigned r, char *buf,
	    size_t cap);

static inline bool
policy_bit(const uint64_t *set, unsigned i)
{
	return (set[i / 64] >> (i % 64)) & 1u;
}

static inline void
policy_bit_set(uint64_t *set, unsigned i)
{
	set[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline void
policy_bit_clear(uint64_t *set, unsigned i)
{
	set[i / 64] &= ~((uint64_t)1 << (i % 64));
}

#endif /* POLICY_INT_H */
