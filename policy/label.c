/* SPDX-License-Identifier: ISC */
/*
 * label: normalisation, strict parsing, validation and the canonical form
 * of classification labels, and dominance and join (docs/labels.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy/label.h"
#include "policy/policy.h"
#include "policy/policy_int.h"
#include "policy/rel.h"

/*
 * Latin-1 letters U+00C0..U+00FF folded to their base letter; 0 marks
 * characters that are not an accented Latin letter (Æ, Ð, ×, Ø, Þ, ß...),
 * which are rejected rather than guessed at.
 */
static const char fold_latin1[64] =
    "AAAAAA\0CEEEEIIII\0NOOOOO\0\0UUUUY\0\0"
    "AAAAAA\0CEEEEIIII\0NOOOOO\0\0UUUUY\0Y";

struct parse {
	const struct policy_tables *t;
	const char	*s;		/* normalised text */
	const uint16_t	*map;		/* positions in the text as given */
	size_t		n;
	struct label_error *err;
};

static int	parse_class(struct parse *, size_t, size_t, struct label *);
static int	parse_rel(struct parse *, size_t, size_t, struct label *);
static int	parse_cats(struct parse *, size_t, size_t, struct label *);
static size_t	pos_at(const struct parse *, size_t);

static bool
is_sep(char c, const char *seps)
{
	return c != '\0' && strchr(seps, c) != NULL;
}

int
policy_normalise(const char *in, char *out, size_t cap, uint16_t *map,
    const char *seps, struct label_error *err)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, chr = 0;
	bool space = false;

	if (err != NULL) {
		err->pos = 0;
		err->msg[0] = '\0';
	}
	if (cap == 0)
		return -EMSGSIZE;
	out[0] = '\0';
	if (in == NULL)
		return policy_error(err, 0, "no text");
	while (p[i] != '\0') {
		unsigned char c = p[i];
		char f;

		chr++;
		if (c < 0x20 || c == 0x7f)
			return policy_error(err, chr, "control character at "
			    "position %zu", chr);
		if (c < 0x80) {
			f = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') :
			    (char)c;
			i++;
		} else if (c == 0xc2 || c == 0xc3) {
			unsigned char c2 = p[i + 1];

			if ((c2 & 0xc0) != 0x80)
				return policy_error(err, chr, "invalid UTF-8 "
				    "at position %zu", chr);
			if (c == 0xc2 && c2 < 0xa0)
				return policy_error(err, chr, "control "
				    "character at position %zu", chr);
			f = c == 0xc3 ? fold_latin1[c2 - 0x80] : 0;
			if (f == 0)
				return policy_error(err, chr, "non-ASCII "
				    "character at position %zu (only accented "
				    "Latin-1 letters are folded)", chr);
			i += 2;
		} else if (c >= 0xc4 && c <= 0xf4) {
			size_t k, len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

			for (k = 1; k < len; k++)
				if ((p[i + k] & 0xc0) != 0x80)
					return policy_error(err, chr, "invalid "
					    "UTF-8 at position %zu", chr);
			return policy_error(err, chr, "non-ASCII character at "
			    "position %zu (only accented Latin-1 letters are "
			    "folded)", chr);
		} else {
			return policy_error(err, chr, "invalid UTF-8 at "
			    "position %zu", chr);
		}
		if (f == ' ') {
			space = true;
			continue;
		}
		/* A pending space survives only between two non-separators. */
		if (space && o > 0 && !is_sep(out[o - 1], seps) &&
		    !is_sep(f, seps)) {
			if (o + 1 >= cap)
				return policy_error(err, 0, "text too long");
			if (map != NULL)
				map[o] = (uint16_t)(chr - 1);
			out[o++] = ' ';
		}
		space = false;
		if (o + 1 >= cap)
			return policy_error(err, 0, "text too long");
		if (map != NULL)
			map[o] = (uint16_t)chr;
		out[o++] = f;
	}
	out[o] = '\0';
	return 0;
}

int
label_normalise(const char *in, char *out, size_t cap,
    struct label_error *err)
{
	if (in != NULL && strlen(in) > LABEL_TEXT_MAX) {
		policy_error(err, 0, "label too long (more than %d bytes)",
		    LABEL_TEXT_MAX);
		return -EMSGSIZE;
	}
	return policy_normalise(in, out, cap, NULL, POLICY_SEPS_LABEL, err);
}

static size_t
pos_at(const struct parse *ps, size_t i)
{
	if (ps->map == NULL)
		return 0;
	if (i < ps->n)
		return ps->map[i];
	return ps->n > 0 ? (size_t)ps->map[ps->n - 1] + 1 : 0;
}

/* Find "//" at or after i, or n. */
static size_t
find_dslash(const char *s, size_t i, size_t n)
{
	for (; i + 1 < n; i++)
		if (s[i] == '/' && s[i + 1] == '/')
			return i;
	return n;
}

static int
parse_text(const struct policy_tables *t, const char *s, const uint16_t *map,
    size_t n, struct label *l, struct label_error *err)
{
	struct parse ps = { t, s, map, n, err };
	size_t i, e;
	bool rel_seen = false;
	int ret;

	memset(l, 0, sizeof(*l));
	if (n == 0)
		return policy_error(err, 0, "empty label");
	e = find_dslash(s, 0, n);
	if ((ret = parse_class(&ps, 0, e, l)) != 0)
		return ret;
	for (i = e; i < n; i = e) {
		size_t b = i + 2;

		e = find_dslash(s, b, n);
		if (b == e)
			return policy_error(err, pos_at(&ps, b < n ? b : i),
			    "empty segment at position %zu",
			    pos_at(&ps, b < n ? b : i));
		if (strncmp(s + b, "REL", 3) == 0 &&
		    (e - b == 3 || s[b + 3] == ' ' ||
		    strncmp(s + b, "RELEASABLE TO", 13) == 0)) {
			if (rel_seen)
				return policy_error(err, pos_at(&ps, b),
				    "second REL segment at position %zu",
				    pos_at(&ps, b));
			rel_seen = true;
			ret = parse_rel(&ps, b, e, l);
		} else {
			ret = parse_cats(&ps, b, e, l);
		}
		if (ret != 0)
			return ret;
	}
	/* The owner token is implied: keep the set canonical. */
	policy_bit_clear(l->rel, (unsigned)t->pol[l->policy].owner);
	return 0;
}

int
label_parse(const struct policy_tables *t, const char *text, struct label *l,
    struct label_error *err)
{
	char s[LABEL_TEXT_MAX + 1];
	uint16_t map[LABEL_TEXT_MAX + 1];
	int ret;

	if (err != NULL) {
		err->pos = 0;
		err->msg[0] = '\0';
	}
	if (l == NULL)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	if (t == NULL || text == NULL)
		return policy_error(err, 0, "no label");
	if (strlen(text) > LABEL_TEXT_MAX) {
		policy_error(err, 0, "label too long (more than %d bytes)",
		    LABEL_TEXT_MAX);
		return -EMSGSIZE;
	}
	if ((ret = policy_normalise(text, s, sizeof(s), map, POLICY_SEPS_LABEL,
	    err)) != 0)
		return ret;
	ret = parse_text(t, s, map, strlen(s), l, err);
	if (ret != 0)
		memset(l, 0, sizeof(*l));
	return ret;
}

/* The class: "P:LEVEL" (local or full name of P) or a full name. */
static int
parse_class(struct parse *ps, size_t b, size_t e, struct label *l)
{
	const struct policy_tables *t = ps->t;
	const char *s = ps->s;
	size_t c, len = e - b;
	unsigned i;
	int pi, r;

	if (len == 0)
		return policy_error(ps->err, pos_at(ps, b), "missing "
		    "classification at position %zu", pos_at(ps, b));
	for (c = b; c < e && s[c] != ':'; c++)
		;
	if (c < e) {
		if (c == b)
			return policy_error(ps->err, pos_at(ps, b), "missing "
			    "policy before ':' at position %zu", pos_at(ps, b));
		if ((pi = policy_find_n(t, s + b, c - b)) < 0)
			return policy_error(ps->err, pos_at(ps, b), "unknown "
			    "policy '%.*s' at position %zu (known: BE, NATO, "
			    "EU%s)", (int)(c - b), s + b, pos_at(ps, b),
			    t->npol > 3 ? " and configured ones" : "");
		if (c + 1 == e)
			return policy_error(ps->err, pos_at(ps, c), "missing "
			    "classification level after '%s:' at position %zu",
			    t->pol[pi].id, pos_at(ps, c));
		r = policy_find_level(&t->pol[pi], s + c + 1, e - c - 1, false,
		    NULL);
		if (r < 0)
			return policy_error(ps->err, pos_at(ps, c + 1),
			    "unknown classification level '%.*s' for policy "
			    "%s at position %zu", (int)(e - c - 1), s + c + 1,
			    t->pol[pi].id, pos_at(ps, c + 1));
		l->policy = (uint8_t)pi;
		l->rank = (uint8_t)r;
		return 0;
	}
	for (i = 0; i < t->npol; i++) {
		int k;

		r = policy_find_level(&t->pol[i], s + b, len, false, &k);
		if (r >= 0 && k == POLICY_NAME_FULL) {
			l->policy = (uint8_t)i;
			l->rank = (uint8_t)r;
			return 0;
		}
	}
	for (i = 0; i < t->npol; i++)
		if (policy_find_level(&t->pol[i], s + b, len, true, NULL) >= 0)
			return policy_error(ps->err, pos_at(ps, b), "'%.*s' at "
			    "position %zu is a level name that needs a policy "
			    "prefix (e.g. BE:%.*s)", (int)len, s + b,
			    pos_at(ps, b), (int)len, s + b);
	return policy_error(ps->err, pos_at(ps, b), "unknown classification "
	    "'%.*s' at position %zu", (int)len, s + b, pos_at(ps, b));
}

static int
parse_rel(struct parse *ps, size_t b, size_t e, struct label *l)
{
	static const char *const prefixes[] = {
		"RELEASABLE TO ", "REL TO ", "REL ",
	};
	const char *s = ps->s;
	size_t i, k, start = b;

	if (e - b == 6 && strncmp(s + b, "REL TO", 6) == 0)
		return policy_error(ps->err, pos_at(ps, start), "empty REL "
		    "list at position %zu", pos_at(ps, start));
	for (k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++)
		if (e - b > strlen(prefixes[k]) &&
		    strncmp(s + b, prefixes[k], strlen(prefixes[k])) == 0) {
			b += strlen(prefixes[k]);
			break;
		}
	if (b == start)
		return policy_error(ps->err, pos_at(ps, start), "empty REL "
		    "list at position %zu", pos_at(ps, start));
	for (i = b; i <= e; i++) {
		int idx;

		if (i < e && s[i] != ',')
			continue;
		if (i == b)
			return policy_error(ps->err, pos_at(ps, b), "empty REL "
			    "value at position %zu", pos_at(ps, b));
		idx = rel_lookup(s + b, i - b);
		if (idx < 0)
			return policy_error(ps->err, pos_at(ps, b), "'%.*s' at "
			    "position %zu is not an assigned ISO 3166-1 "
			    "alpha-3 code nor NATO or EU", (int)(i - b), s + b,
			    pos_at(ps, b));
		policy_bit_set(l->rel, (unsigned)idx);
		b = i + 1;
	}
	return 0;
}

static int
parse_cats(struct parse *ps, size_t b, size_t e, struct label *l)
{
	const struct policy_def *p = &ps->t->pol[l->policy];
	const char *s = ps->s;
	size_t i;

	for (i = b; i <= e; i++) {
		const struct policy_value *v;
		char lvl[POLICY_NAME_MAX + POLICY_ID_MAX + 2];
		int vi;

		if (i < e && s[i] != '/')
			continue;
		if (i == b)
			return policy_error(ps->err, pos_at(ps, b), "empty "
			    "token at position %zu", pos_at(ps, b));
		if ((vi = policy_find_value(p, s + b, i - b)) < 0) {
			bool code = rel_lookup(s + b, i - b) >= 0;

			return policy_error(ps->err, pos_at(ps, b), "unknown "
			    "category '%.*s' for policy %s at position %zu%s",
			    (int)(i - b), s + b, p->id, pos_at(ps, b),
			    code ? " (countries go in a REL TO segment)" : "");
		}
		v = &p->values[vi];
		if (l->rank < v->minrank) {
			if (policy_rank_display(p, v->minrank, lvl,
			    sizeof(lvl)) != 0)
				lvl[0] = '\0';
			return policy_error(ps->err, pos_at(ps, b), "%s at "
			    "position %zu needs at least %s", v->name,
			    pos_at(ps, b), lvl);
		}
		policy_bit_set(l->values, (unsigned)vi);
		b = i + 1;
	}
	return 0;
}

/* --- canonical form ---------------------------------------------------- */

static size_t
append(char *buf, size_t cap, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (n < cap && len < cap - n)
		memcpy(buf + n, s, len + 1);
	return n + len;
}

static size_t
append_group(const struct policy_def *p, const struct label *l,
    const uint64_t *mask, char *buf, size_t cap, size_t n)
{
	bool first = true;
	unsigned i;

	for (i = 0; i < p->nvalues; i++) {
		unsigned v = p->sorted[i];

		if (!policy_bit(l->values, v) || !policy_bit(mask, v))
			continue;
		n = append(buf, cap, n, first ? "//" : "/");
		n = append(buf, cap, n, p->values[v].name);
		first = false;
	}
	return n;
}

int
label_format(const struct policy_tables *t, const struct label *l,
    char *buf, size_t cap)
{
	const struct policy_def *p;
	char cls[POLICY_NAME_MAX + POLICY_ID_MAX + 2];
	size_t n = 0;
	bool first = true;
	int i;

	if (buf == NULL || cap == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (t == NULL || l == NULL || l->policy >= t->npol ||
	    l->rank >= POLICY_RANKS)
		return -EINVAL;
	p = &t->pol[l->policy];
	if (policy_rank_display(p, l->rank, cls, sizeof(cls)) != 0)
		return -EINVAL;
	n = append(buf, cap, n, cls);
	n = append_group(p, l, p->rmask, buf, cap, n);
	n = append_group(p, l, p->pmask, buf, cap, n);
	n = append_group(p, l, p->imask, buf, cap, n);
	for (i = 0; i < REL_CODES; i++) {
		if (!policy_bit(l->rel, (unsigned)i) || i == p->owner)
			continue;
		n = append(buf, cap, n, first ? "//REL TO " : ",");
		n = append(buf, cap, n, rel_code(i));
		first = false;
	}
	if (n >= cap) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

/* --- comparison -------------------------------------------------------- */

bool
label_equal(const struct label *a, const struct label *b)
{
	unsigned w;

	if (a->policy != b->policy || a->rank != b->rank)
		return false;
	for (w = 0; w < POLICY_VALUE_WORDS; w++)
		if (a->values[w] != b->values[w])
			return false;
	for (w = 0; w < REL_WORDS; w++)
		if (a->rel[w] != b->rel[w])
			return false;
	return true;
}

bool
label_dominates(const struct policy_tables *t, const struct label *a,
    const struct label *b)
{
	const struct policy_def *p;
	unsigned i, w;

	if (t == NULL || a == NULL || b == NULL || a->policy != b->policy ||
	    a->policy >= t->npol)
		return false;
	p = &t->pol[a->policy];
	if (a->rank < b->rank)
		return false;
	/*
	 * Restrictive values, and informative ones too: the spec leaves them
	 * out, but keeping them makes dominance a partial order and means a
	 * reply may not drop its parent's handling markings.
	 */
	for (w = 0; w < POLICY_VALUE_WORDS; w++)
		if ((b->values[w] & (p->rmask[w] | p->imask[w])) &
		    ~a->values[w])
			return false;
	for (i = 0; i < p->ntags; i++) {
		const uint64_t *m = p->tags[i].mask;
		bool in_a = false, in_b = false;

		if (p->tags[i].type != POLICY_CAT_PERMISSIVE)
			continue;
		for (w = 0; w < POLICY_VALUE_WORDS; w++) {
			in_a = in_a || (a->values[w] & m[w]) != 0;
			in_b = in_b || (b->values[w] & m[w]) != 0;
		}
		/* Absent is the universe: only the universe contains it. */
		if (!in_a && in_b)
			return false;
		if (!in_a || !in_b)
			continue;
		for (w = 0; w < POLICY_VALUE_WORDS; w++)
			if ((a->values[w] & m[w]) & ~b->values[w])
				return false;
	}
	/* eff_rel(a) within eff_rel(b); both hold the owner. */
	for (w = 0; w < REL_WORDS; w++)
		if (a->rel[w] & ~b->rel[w])
			return false;
	return true;
}

int
label_join(const struct policy_tables *t, const struct label *a,
    const struct label *b, struct label *out, struct label_error *err)
{
	const struct policy_def *p;
	struct label j;
	unsigned i, w;

	if (err != NULL) {
		err->pos = 0;
		err->msg[0] = '\0';
	}
	if (t == NULL || a == NULL || b == NULL || out == NULL ||
	    a->policy >= t->npol)
		return policy_error(err, 0, "invalid arguments");
	if (a->policy != b->policy) {
		policy_error(err, 0, "cannot join labels of policies %s and %s",
		    t->pol[a->policy].id, b->policy < t->npol ?
		    t->pol[b->policy].id : "?");
		return -EXDEV;
	}
	p = &t->pol[a->policy];
	memset(&j, 0, sizeof(j));
	j.policy = a->policy;
	j.rank = a->rank > b->rank ? a->rank : b->rank;
	for (w = 0; w < POLICY_VALUE_WORDS; w++)
		j.values[w] = (a->values[w] | b->values[w]) &
		    (p->rmask[w] | p->imask[w]);
	for (i = 0; i < p->ntags; i++) {
		const uint64_t *m = p->tags[i].mask;
		bool in_a = false, in_b = false, any = false;

		if (p->tags[i].type != POLICY_CAT_PERMISSIVE)
			continue;
		for (w = 0; w < POLICY_VALUE_WORDS; w++) {
			in_a = in_a || (a->values[w] & m[w]) != 0;
			in_b = in_b || (b->values[w] & m[w]) != 0;
		}
		for (w = 0; w < POLICY_VALUE_WORDS; w++) {
			uint64_t v;

			if (in_a && in_b)
				v = a->values[w] & b->values[w] & m[w];
			else
				v = (a->values[w] | b->values[w]) & m[w];
			j.values[w] |= v;
			any = any || v != 0;
		}
		if ((in_a || in_b) && !any)
			return policy_error(err, 0, "the labels have no %s "
			    "value in common: no label satisfies both",
			    p->tags[i].name);
	}
	for (w = 0; w < REL_WORDS; w++)
		j.rel[w] = a->rel[w] & b->rel[w];
	*out = j;
	return 0;
}

/* --- builder and accessors --------------------------------------------- */

/* Normalise one token for the builder; separators make it invalid. */
static int
token(const char *in, char *out, size_t cap, const char *what,
    struct label_error *err)
{
	size_t i;

	if (in == NULL || strlen(in) >= cap)
		return policy_error(err, 0, "%s missing or too long", what);
	if (policy_normalise(in, out, cap, NULL, POLICY_SEPS_LABEL, err) != 0)
		return -EINVAL;
	if (out[0] == '\0')
		return policy_error(err, 0, "empty %s", what);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == ':' || out[i] == ',' || out[i] == '+' ||
		    out[i] == '[' || out[i] == ']' ||
		    (out[i] == '/' && out[i + 1] == '/'))
			return policy_error(err, 0, "%s '%s' holds a separator",
			    what, out);
	return 0;
}

int
label_init(const struct policy_tables *t, const char *policy,
    const char *level, struct label *l, struct label_error *err)
{
	char pn[POLICY_NAME_MAX], ln[POLICY_NAME_MAX];
	int pi, r;

	if (l == NULL)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	if (t == NULL)
		return policy_error(err, 0, "no tables");
	if (token(policy, pn, sizeof(pn), "policy", err) != 0 ||
	    token(level, ln, sizeof(ln), "classification", err) != 0)
		return -EINVAL;
	if ((pi = policy_find_n(t, pn, strlen(pn))) < 0)
		return policy_error(err, 0, "unknown policy '%s'", pn);
	if ((r = policy_find_level(&t->pol[pi], ln, strlen(ln), false,
	    NULL)) < 0)
		return policy_error(err, 0, "unknown classification level "
		    "'%s' for policy %s", ln, t->pol[pi].id);
	l->policy = (uint8_t)pi;
	l->rank = (uint8_t)r;
	return 0;
}

int
label_add_value(const struct policy_tables *t, struct label *l,
    const char *tag, enum policy_cat_type type, const char *value,
    struct label_error *err)
{
	char vn[POLICY_NAME_MAX], tn[POLICY_NAME_MAX], want[POLICY_NAME_MAX];
	const struct policy_def *p;
	const struct policy_tag *tg;
	int vi;

	if (t == NULL || l == NULL || l->policy >= t->npol)
		return policy_error(err, 0, "invalid arguments");
	p = &t->pol[l->policy];
	if (token(value, vn, sizeof(vn), "category value", err) != 0)
		return -EINVAL;
	if ((vi = policy_find_value(p, vn, strlen(vn))) < 0)
		return policy_error(err, 0, "unknown category '%s' for policy "
		    "%s", vn, p->id);
	tg = &p->tags[p->values[vi].tag];
	if (tag != NULL) {
		if (token(tag, tn, sizeof(tn), "category tag", err) != 0)
			return -EINVAL;
		if (policy_normalise(tg->name, want, sizeof(want), NULL,
		    POLICY_SEPS_LABEL, NULL) != 0 || strcmp(tn, want) != 0)
			return policy_error(err, 0, "category '%s' does not "
			    "belong to tag '%s' (it is under '%s')", vn, tn,
			    tg->name);
		if (tg->type != type)
			return policy_error(err, 0, "category tag '%s' is not "
			    "of the type given", tg->name);
	}
	policy_bit_set(l->values, (unsigned)vi);
	return 0;
}

int
label_add_rel(const struct policy_tables *t, struct label *l,
    const char *code, struct label_error *err)
{
	char cn[8];
	int idx;

	if (t == NULL || l == NULL || l->policy >= t->npol)
		return policy_error(err, 0, "invalid arguments");
	if (token(code, cn, sizeof(cn), "REL code", err) != 0)
		return -EINVAL;
	if ((idx = rel_lookup(cn, strlen(cn))) < 0)
		return policy_error(err, 0, "'%s' is not an assigned ISO "
		    "3166-1 alpha-3 code nor NATO or EU", cn);
	if (idx != t->pol[l->policy].owner)
		policy_bit_set(l->rel, (unsigned)idx);
	return 0;
}

int
label_validate(const struct policy_tables *t, const struct label *l,
    struct label_error *err)
{
	const struct policy_def *p;
	char lvl[POLICY_NAME_MAX + POLICY_ID_MAX + 2];
	unsigned i, w;

	if (err != NULL) {
		err->pos = 0;
		err->msg[0] = '\0';
	}
	if (t == NULL || l == NULL || l->policy >= t->npol ||
	    l->rank >= POLICY_RANKS)
		return policy_error(err, 0, "invalid label");
	p = &t->pol[l->policy];
	if (p->local[l->rank] < 0 && p->display[l->rank] < 0)
		return policy_error(err, 0, "undefined level");
	for (w = 0; w < POLICY_VALUE_WORDS; w++)
		if (l->values[w] & ~(p->rmask[w] | p->pmask[w] | p->imask[w]))
			return policy_error(err, 0, "unknown category value");
	if (policy_bit(l->rel, (unsigned)p->owner))
		return policy_error(err, 0, "owner token in the REL set");
	for (w = 0; w < REL_WORDS; w++)
		if (w * 64 + 64 > REL_CODES &&
		    (l->rel[w] >> (REL_CODES - w * 64)) != 0)
			return policy_error(err, 0, "unknown REL code");
	for (i = 0; i < p->nvalues; i++) {
		const struct policy_value *v = &p->values[i];

		if (!policy_bit(l->values, i) || l->rank >= v->minrank)
			continue;
		if (policy_rank_display(p, v->minrank, lvl, sizeof(lvl)) != 0)
			lvl[0] = '\0';
		return policy_error(err, 0, "%s needs at least %s", v->name,
		    lvl);
	}
	return 0;
}

const char *
label_policy_id(const struct policy_tables *t, const struct label *l)
{
	if (t == NULL || l == NULL || l->policy >= t->npol)
		return NULL;
	return t->pol[l->policy].id;
}

const char *
label_level_local(const struct policy_tables *t, const struct label *l)
{
	const struct policy_def *p;

	if (t == NULL || l == NULL || l->policy >= t->npol ||
	    l->rank >= POLICY_RANKS)
		return NULL;
	p = &t->pol[l->policy];
	if (p->local[l->rank] >= 0)
		return p->names[p->local[l->rank]].name;
	if (p->display[l->rank] >= 0)
		return p->names[p->display[l->rank]].name;
	return NULL;
}

size_t
label_tag_values(const struct policy_tables *t, const struct label *l,
    unsigned tag, const char **vals, size_t cap)
{
	const struct policy_def *p;
	size_t n = 0;
	unsigned i;

	if (t == NULL || l == NULL || l->policy >= t->npol)
		return 0;
	p = &t->pol[l->policy];
	if (tag >= p->ntags)
		return 0;
	for (i = 0; i < p->nvalues; i++) {
		unsigned v = p->sorted[i];

		if (!policy_bit(l->values, v) || p->values[v].tag != tag)
			continue;
		if (n < cap && vals != NULL)
			vals[n] = p->values[v].name;
		n++;
	}
	return n;
}

size_t
label_rel_codes(const struct policy_tables *t, const struct label *l,
    bool with_owner, const char **codes, size_t cap)
{
	size_t n = 0;
	int i, owner;

	if (t == NULL || l == NULL || l->policy >= t->npol)
		return 0;
	owner = t->pol[l->policy].owner;
	for (i = 0; i < REL_CODES; i++) {
		if (!(policy_bit(l->rel, (unsigned)i) ||
		    (with_owner && i == owner)))
			continue;
		if (n < cap && codes != NULL)
			codes[n] = rel_code(i);
		n++;
	}
	return n;
}
