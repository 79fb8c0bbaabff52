/* SPDX-License-Identifier: ISC */
/*
 * clearance: parsing and formatting of clearances and affiliations
 * (docs/labels.md section 7).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy/clearance.h"
#include "policy/label.h"
#include "policy/policy.h"
#include "policy/policy_int.h"
#include "policy/rel.h"

static void
set_aff(struct clearance_subject *s)
{
	memset(s->aff, 0, sizeof(s->aff));
	if (s->nat >= 0)
		policy_bit_set(s->aff, (unsigned)s->nat);
	if (s->orgs & CLEARANCE_ORG_NATO)
		policy_bit_set(s->aff, (unsigned)rel_lookup("NATO", 4));
	if (s->orgs & CLEARANCE_ORG_EU)
		policy_bit_set(s->aff, (unsigned)rel_lookup("EU", 2));
}

void
clearance_subject_init(struct clearance_subject *s)
{
	if (s == NULL)
		return;
	memset(s, 0, sizeof(*s));
	s->nat = -1;
}

static void
clear_errors(struct label_error *err)
{
	if (err != NULL) {
		err->pos = 0;
		err->msg[0] = '\0';
	}
}

/* The first local name of the rank that full name s[0..len) stands for. */
static const char *
local_name(const struct policy_def *p, const char *s, size_t len)
{
	int r = policy_find_level(p, s, len, false, NULL);

	return r >= 0 && p->local[r] >= 0 ? p->names[p->local[r]].name : "?";
}

/* One "P:LEVEL[v,...]" in s[b..e). */
static int
parse_one(const struct policy_tables *t, const char *s, const uint16_t *map,
    size_t b, size_t e, struct clearance *c, struct label_error *err)
{
	const struct policy_def *p;
	size_t i, colon, lb, le, vb;
	int pi, r;

	memset(c, 0, sizeof(*c));
	if (b == e)
		return policy_error(err, map[b > 0 ? b - 1 : 0], "empty "
		    "clearance at position %zu",
		    (size_t)map[b > 0 ? b - 1 : 0]);
	for (colon = b; colon < e && s[colon] != ':'; colon++)
		;
	if (colon == e)
		return policy_error(err, map[b], "missing policy prefix in "
		    "'%.*s' at position %zu (e.g. BE:SECRET)", (int)(e - b),
		    s + b, (size_t)map[b]);
	if (colon == b)
		return policy_error(err, map[b], "missing policy before ':' at "
		    "position %zu", (size_t)map[b]);
	if ((pi = policy_find_n(t, s + b, colon - b)) < 0)
		return policy_error(err, map[b], "unknown policy '%.*s' at "
		    "position %zu", (int)(colon - b), s + b, (size_t)map[b]);
	p = &t->pol[pi];
	lb = colon + 1;
	for (le = lb; le < e && s[le] != '['; le++)
		;
	if (le == lb)
		return policy_error(err, map[colon], "missing level after "
		    "'%s:' at position %zu", p->id, (size_t)map[colon]);
	r = policy_find_level(p, s + lb, le - lb, true, NULL);
	if (r < 0 && policy_find_level(p, s + lb, le - lb, false, NULL) < 0)
		return policy_error(err, map[lb], "unknown level '%.*s' for "
		    "policy %s at position %zu", (int)(le - lb), s + lb, p->id,
		    (size_t)map[lb]);
	if (r < 0)
		return policy_error(err, map[lb], "'%.*s' at position %zu is "
		    "not a local level name of %s (write %s:%s)",
		    (int)(le - lb), s + lb, (size_t)map[lb], p->id, p->id,
		    local_name(p, s + lb, le - lb));
	c->policy = (uint8_t)pi;
	c->maxrank = (uint8_t)r;
	if (le == e)
		return 0;
	/* "[" value *( "," value ) "]" and nothing after it. */
	if (s[e - 1] != ']')
		return policy_error(err, map[le], "unterminated '[' at "
		    "position %zu", (size_t)map[le]);
	vb = le + 1;
	if (vb == e - 1)
		return policy_error(err, map[le], "empty category list at "
		    "position %zu", (size_t)map[le]);
	for (i = vb; i <= e - 1; i++) {
		int vi;

		if (i < e - 1 && s[i] != ',')
			continue;
		if (i == vb)
			return policy_error(err, map[vb], "empty category "
			    "value at position %zu", (size_t)map[vb]);
		if ((vi = policy_find_value(p, s + vb, i - vb)) < 0 ||
		    memchr(s + vb, '[', i - vb) != NULL ||
		    memchr(s + vb, ']', i - vb) != NULL)
			return policy_error(err, map[vb], "unknown category "
			    "'%.*s' for policy %s at position %zu",
			    (int)(i - vb), s + vb, p->id, (size_t)map[vb]);
		if (policy_bit(p->imask, (unsigned)vi))
			return policy_error(err, map[vb], "'%.*s' at position "
			    "%zu is informative and cannot be held",
			    (int)(i - vb), s + vb, (size_t)map[vb]);
		policy_bit_set(c->values, (unsigned)vi);
		vb = i + 1;
	}
	return 0;
}

int
clearance_parse(const struct policy_tables *t, const char *text,
    struct clearance_subject *s, struct label_error *err)
{
	char n[CLEARANCE_TEXT_MAX + 1];
	uint16_t map[CLEARANCE_TEXT_MAX + 1];
	size_t len, b, i, depth = 0;
	int ret;

	clear_errors(err);
	if (s == NULL)
		return -EINVAL;
	memset(s->clr, 0, sizeof(s->clr));
	s->nclr = 0;
	if (t == NULL || text == NULL)
		return policy_error(err, 0, "no clearance");
	if (strlen(text) > CLEARANCE_TEXT_MAX) {
		policy_error(err, 0, "clearance too long (more than %d bytes)",
		    CLEARANCE_TEXT_MAX);
		return -EMSGSIZE;
	}
	if ((ret = policy_normalise(text, n, sizeof(n), map,
	    POLICY_SEPS_CLEARANCE, err)) != 0)
		return ret;
	len = strlen(n);
	if (len == 0)
		return policy_error(err, 0, "empty clearance");
	map[len] = (uint16_t)(len > 0 ? map[len - 1] + 1 : 1);
	for (b = 0, i = 0; i <= len; i++) {
		if (i < len && n[i] == '[')
			depth++;
		if (i < len && n[i] == ']') {
			if (depth == 0)
				goto out_bracket;
			depth--;
			if (i + 1 < len && n[i + 1] != '+')
				goto out_bracket;
		}
		if (i < len && (n[i] != '+' || depth > 0))
			continue;
		if (depth > 0)
			goto out_bracket;
		if (s->nclr >= CLEARANCE_MAX) {
			ret = policy_error(err, map[b], "more than %d "
			    "clearances", CLEARANCE_MAX);
			goto out_clear;
		}
		if ((ret = parse_one(t, n, map, b, i, &s->clr[s->nclr],
		    err)) != 0)
			goto out_clear;
		s->nclr++;
		b = i + 1;
	}
	return 0;

out_bracket:
	ret = policy_error(err, map[i < len ? i : len], "misplaced '[' or ']' "
	    "at position %zu", (size_t)map[i < len ? i : len]);
out_clear:
	memset(s->clr, 0, sizeof(s->clr));
	s->nclr = 0;
	return ret;
}

int
clearance_parse_nat(const char *text, struct clearance_subject *s,
    struct label_error *err)
{
	char n[16];
	int idx;

	clear_errors(err);
	if (s == NULL)
		return -EINVAL;
	s->nat = -1;
	set_aff(s);
	if (text == NULL || strlen(text) >= sizeof(n) ||
	    policy_normalise(text, n, sizeof(n), NULL, POLICY_SEPS_LABEL,
	    err) != 0)
		return policy_error(err, 0, "nationality: expected an ISO "
		    "3166-1 alpha-3 code or '-'");
	if (strcmp(n, "-") == 0)
		return 0;
	idx = rel_lookup(n, strlen(n));
	if (idx < 0 || rel_is_org(idx))
		return policy_error(err, 0, "nationality: '%s' is not an "
		    "assigned ISO 3166-1 alpha-3 code (or '-')", n);
	s->nat = idx;
	set_aff(s);
	return 0;
}

int
clearance_parse_orgs(const char *text, struct clearance_subject *s,
    struct label_error *err)
{
	char n[64];
	unsigned orgs = 0;
	size_t b, i, len;

	clear_errors(err);
	if (s == NULL)
		return -EINVAL;
	s->orgs = 0;
	set_aff(s);
	if (text == NULL || strlen(text) >= sizeof(n) ||
	    policy_normalise(text, n, sizeof(n), NULL, POLICY_SEPS_LABEL,
	    err) != 0)
		return policy_error(err, 0, "organisations: expected a comma "
		    "list of NATO and EU, or '-'");
	if (strcmp(n, "-") == 0)
		return 0;
	len = strlen(n);
	if (len == 0)
		return policy_error(err, 0, "organisations: empty (use '-' for "
		    "none)");
	for (b = 0, i = 0; i <= len; i++) {
		if (i < len && n[i] != ',')
			continue;
		if (i - b == 4 && memcmp(n + b, "NATO", 4) == 0)
			orgs |= CLEARANCE_ORG_NATO;
		else if (i - b == 2 && memcmp(n + b, "EU", 2) == 0)
			orgs |= CLEARANCE_ORG_EU;
		else
			return policy_error(err, b + 1, "organisations: '%.*s' "
			    "is not NATO or EU", (int)(i - b), n + b);
		b = i + 1;
	}
	s->orgs = orgs;
	set_aff(s);
	return 0;
}

static size_t
append(char *buf, size_t cap, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (n < cap && len < cap - n)
		memcpy(buf + n, s, len + 1);
	return n + len;
}

static size_t
format_one(const struct policy_tables *t, const struct clearance *c,
    char *buf, size_t cap, size_t n)
{
	const struct policy_def *p = &t->pol[c->policy];
	bool first = true;
	unsigned i;

	n = append(buf, cap, n, p->id);
	n = append(buf, cap, n, ":");
	n = append(buf, cap, n, p->names[p->local[c->maxrank]].name);
	for (i = 0; i < p->nvalues; i++) {
		unsigned v = p->sorted[i];

		if (!policy_bit(c->values, v))
			continue;
		n = append(buf, cap, n, first ? "[" : ",");
		n = append(buf, cap, n, p->values[v].name);
		first = false;
	}
	if (!first)
		n = append(buf, cap, n, "]");
	return n;
}

static bool
clearance_ok(const struct policy_tables *t, const struct clearance *c)
{
	return c->policy < t->npol && c->maxrank < POLICY_RANKS &&
	    t->pol[c->policy].local[c->maxrank] >= 0;
}

int
clearance_format(const struct policy_tables *t, const struct clearance *c,
    char *buf, size_t cap)
{
	size_t n;

	if (buf == NULL || cap == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (t == NULL || c == NULL || !clearance_ok(t, c))
		return -EINVAL;
	n = format_one(t, c, buf, cap, 0);
	if (n >= cap) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

int
clearance_format_subject(const struct policy_tables *t,
    const struct clearance_subject *s, char *buf, size_t cap)
{
	size_t n = 0;
	unsigned i;

	if (buf == NULL || cap == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (t == NULL || s == NULL || s->nclr > CLEARANCE_MAX)
		return -EINVAL;
	for (i = 0; i < s->nclr; i++) {
		if (!clearance_ok(t, &s->clr[i]))
			return -EINVAL;
		if (i > 0)
			n = append(buf, cap, n, "+");
		n = format_one(t, &s->clr[i], buf, cap, n);
	}
	if (n >= cap) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}
