/* SPDX-License-Identifier: ISC */
/*
 * policy: the built-in BE, NATO and EU policies, the API that extends them
 * from the configuration file, their canonical serialisation, and the
 * access control decision function (docs/labels.md section 3).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/clearance.h"
#include "policy/label.h"
#include "policy/policy.h"
#include "policy/policy_int.h"
#include "policy/rel.h"

/*
 * Append to buf at offset n, as far as cap allows, and evaluate to the
 * offset the full text would reach; callers compare it with cap at the
 * end.  A macro because policy/ may not include <stdarg.h>.
 */
#define put(buf, cap, n, ...)						\
	((n) + put_len(snprintf((n) < (cap) ? (buf) + (n) : NULL,	\
	    (n) < (cap) ? (cap) - (n) : 0, __VA_ARGS__)))

static size_t
put_len(int w)
{
	return w < 0 ? 0 : (size_t)w;
}

/* The built-in tables, section 1 and 2 of the specification. */
struct builtin_level {
	const char	*policy;
	unsigned	rank;
	enum policy_name_kind kind;
	const char	*name;
};

static const struct builtin_level builtin_levels[] = {
	/* NATO: full names first, so the first is the display form. */
	{ "NATO", 0, POLICY_NAME_FULL, "NATO UNCLASSIFIED" },
	{ "NATO", 0, POLICY_NAME_FULL, "NU" },
	{ "NATO", 0, POLICY_NAME_LOCAL, "UNCLASSIFIED" },
	{ "NATO", 1, POLICY_NAME_FULL, "NATO RESTRICTED" },
	{ "NATO", 1, POLICY_NAME_FULL, "NR" },
	{ "NATO", 1, POLICY_NAME_LOCAL, "RESTRICTED" },
	{ "NATO", 2, POLICY_NAME_FULL, "NATO CONFIDENTIAL" },
	{ "NATO", 2, POLICY_NAME_FULL, "NC" },
	{ "NATO", 2, POLICY_NAME_LOCAL, "CONFIDENTIAL" },
	{ "NATO", 3, POLICY_NAME_FULL, "NATO SECRET" },
	{ "NATO", 3, POLICY_NAME_FULL, "NS" },
	{ "NATO", 3, POLICY_NAME_LOCAL, "SECRET" },
	{ "NATO", 4, POLICY_NAME_FULL, "COSMIC TOP SECRET" },
	{ "NATO", 4, POLICY_NAME_FULL, "CTS" },
	{ "NATO", 4, POLICY_NAME_LOCAL, "COSMIC TOP SECRET" },
	{ "NATO", 4, POLICY_NAME_LOCAL, "TOP SECRET" },
	/* EU: no full name for rank 0, so it displays as EU:UNCLASSIFIED. */
	{ "EU", 0, POLICY_NAME_LOCAL, "UNCLASSIFIED" },
	{ "EU", 1, POLICY_NAME_FULL, "RESTREINT UE/EU RESTRICTED" },
	{ "EU", 1, POLICY_NAME_FULL, "RESTREINT UE" },
	{ "EU", 1, POLICY_NAME_FULL, "EU RESTRICTED" },
	{ "EU", 1, POLICY_NAME_LOCAL, "RESTREINT" },
	{ "EU", 1, POLICY_NAME_LOCAL, "RESTRICTED" },
	{ "EU", 2, POLICY_NAME_FULL, "CONFIDENTIEL UE/EU CONFIDENTIAL" },
	{ "EU", 2, POLICY_NAME_FULL, "CONFIDENTIEL UE" },
	{ "EU", 2, POLICY_NAME_FULL, "EU CONFIDENTIAL" },
	{ "EU", 2, POLICY_NAME_LOCAL, "CONFIDENTIEL" },
	{ "EU", 2, POLICY_NAME_LOCAL, "CONFIDENTIAL" },
	{ "EU", 3, POLICY_NAME_FULL, "SECRET UE/EU SECRET" },
	{ "EU", 3, POLICY_NAME_FULL, "SECRET UE" },
	{ "EU", 3, POLICY_NAME_FULL, "EU SECRET" },
	{ "EU", 3, POLICY_NAME_LOCAL, "SECRET" },
	{ "EU", 4, POLICY_NAME_FULL, "TRES SECRET UE/EU TOP SECRET" },
	{ "EU", 4, POLICY_NAME_FULL, "TRES SECRET UE" },
	{ "EU", 4, POLICY_NAME_FULL, "EU TOP SECRET" },
	{ "EU", 4, POLICY_NAME_LOCAL, "TRES SECRET" },
	{ "EU", 4, POLICY_NAME_LOCAL, "TOP SECRET" },
	/* BE: no full names, the "BE:" prefix is mandatory. */
	{ "BE", 0, POLICY_NAME_LOCAL, "NON CLASSIFIE" },
	{ "BE", 0, POLICY_NAME_LOCAL, "NIET GECLASSIFICEERD" },
	{ "BE", 0, POLICY_NAME_LOCAL, "UNCLASSIFIED" },
	{ "BE", 1, POLICY_NAME_LOCAL, "RESTREINT" },
	{ "BE", 1, POLICY_NAME_LOCAL, "BEPERKT" },
	{ "BE", 1, POLICY_NAME_LOCAL, "DIFFUSION RESTREINTE" },
	{ "BE", 1, POLICY_NAME_LOCAL, "BEPERKTE VERSPREIDING" },
	{ "BE", 2, POLICY_NAME_LOCAL, "CONFIDENTIEL" },
	{ "BE", 2, POLICY_NAME_LOCAL, "VERTROUWELIJK" },
	{ "BE", 3, POLICY_NAME_LOCAL, "SECRET" },
	{ "BE", 3, POLICY_NAME_LOCAL, "GEHEIM" },
	{ "BE", 4, POLICY_NAME_LOCAL, "TRES SECRET" },
	{ "BE", 4, POLICY_NAME_LOCAL, "ZEER GEHEIM" },
};

struct builtin_category {
	const char	*tag;
	enum policy_cat_type type;
	const char	*value;
	unsigned	minrank;	/* SPIF excludedClass */
};

static const struct builtin_category builtin_nato_categories[] = {
	{ "Additional Sensitivity", POLICY_CAT_RESTRICTIVE, "ATOMAL", 2 },
	{ "Additional Sensitivity", POLICY_CAT_RESTRICTIVE, "CRYPTO", 2 },
	{ "Additional Sensitivity", POLICY_CAT_RESTRICTIVE, "BOHEMIA", 1 },
	{ "Mission", POLICY_CAT_PERMISSIVE, "KFOR", 0 },
	{ "Mission", POLICY_CAT_PERMISSIVE, "NMI", 0 },
	{ "Administrative", POLICY_CAT_INFORMATIVE, "MANAGEMENT", 0 },
	{ "Administrative", POLICY_CAT_INFORMATIVE, "STAFF", 0 },
	{ "Administrative", POLICY_CAT_INFORMATIVE, "PERSONAL", 0 },
	{ "Administrative", POLICY_CAT_INFORMATIVE, "MEDICAL", 0 },
	{ "Administrative", POLICY_CAT_INFORMATIVE, "COMMERCIAL", 0 },
};

/* Level equivalence (section 4): one rank scale for all three. */
static const char *const builtin_equiv[][2] = {
	{ "BE", "NATO" }, { "BE", "EU" }, { "NATO", "EU" },
};

static int	add_policy(struct policy_tables *, const char *, const char *,
		    const char *);
static bool	name_ok(const char *, bool);
static bool	value_ok(const char *);
static bool	rel_like(const char *);
static int	norm_name(const char *, char *, size_t);
static bool	acdf(const struct policy_tables *, const struct label *,
		    const struct clearance *, const uint64_t *,
		    enum policy_rule *, char *, size_t);
static int	acdf_star(const struct policy_tables *, const struct label *,
		    const struct clearance_subject *, enum policy_rule *,
		    char *, size_t);

struct policy_tables *
policy_tables_new(void)
{
	struct policy_tables *t;
	size_t i;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (add_policy(t, "NATO", "NATO", NULL) != 0 ||
	    add_policy(t, "EU", "EU", NULL) != 0 ||
	    add_policy(t, "BE", "BEL", NULL) != 0)
		goto out_free;
	for (i = 0; i < sizeof(builtin_levels) / sizeof(builtin_levels[0]);
	    i++) {
		const struct builtin_level *b = &builtin_levels[i];

		if (policy_tables_add_level(t, b->policy, b->rank, b->name,
		    b->kind) != 0)
			goto out_free;
	}
	for (i = 0; i < sizeof(builtin_nato_categories) /
	    sizeof(builtin_nato_categories[0]); i++) {
		const struct builtin_category *c = &builtin_nato_categories[i];

		if (policy_tables_add_category(t, "NATO", c->tag, c->type,
		    c->value, c->minrank) != 0)
			goto out_free;
	}
	for (i = 0; i < sizeof(builtin_equiv) / sizeof(builtin_equiv[0]);
	    i++) {
		unsigned r;

		for (r = 0; r < POLICY_RANKS; r++)
			if (policy_tables_add_equivalence(t,
			    builtin_equiv[i][0], r, builtin_equiv[i][1],
			    r) != 0)
				goto out_free;
	}
	return t;

out_free:
	/* Only a bug in the tables above can get here. */
	free(t);
	return NULL;
}

void
policy_tables_free(struct policy_tables **tp)
{
	if (tp == NULL || *tp == NULL)
		return;
	free(*tp);
	*tp = NULL;
}

int
policy_tables_add_policy(struct policy_tables *t, const char *id,
    const char *owner, const char *uri)
{
	if (t == NULL || id == NULL || owner == NULL)
		return -EINVAL;
	return add_policy(t, id, owner, uri);
}

static int
add_policy(struct policy_tables *t, const char *id, const char *owner,
    const char *uri)
{
	char nid[POLICY_ID_MAX], nowner[8];
	struct policy_def *p;
	size_t i;
	int o;

	if (norm_name(id, nid, sizeof(nid)) != 0 ||
	    norm_name(owner, nowner, sizeof(nowner)) != 0)
		return -EINVAL;
	for (i = 0; nid[i] != '\0'; i++)
		if (!((nid[i] >= 'A' && nid[i] <= 'Z') ||
		    (nid[i] >= '0' && nid[i] <= '9') || nid[i] == '-' ||
		    nid[i] == '_'))
			return -EINVAL;
	if ((o = rel_lookup(nowner, strlen(nowner))) < 0)
		return -EINVAL;
	if (uri != NULL) {
		if (strlen(uri) >= POLICY_URI_MAX)
			return -EINVAL;
		for (i = 0; uri[i] != '\0'; i++)
			if (uri[i] <= ' ' || uri[i] >= 0x7f || uri[i] == '"')
				return -EINVAL;
	}
	if (policy_find_n(t, nid, strlen(nid)) >= 0)
		return -EEXIST;
	if (t->npol >= POLICY_MAX)
		return -ENOSPC;
	p = &t->pol[t->npol];
	memset(p, 0, sizeof(*p));
	memcpy(p->id, nid, strlen(nid) + 1);
	if (uri != NULL)
		memcpy(p->uri, uri, strlen(uri) + 1);
	p->owner = o;
	memset(p->display, -1, sizeof(p->display));
	memset(p->local, -1, sizeof(p->local));
	memset(p->equiv, -1, sizeof(p->equiv));
	t->npol++;
	return 0;
}

int
policy_tables_add_level(struct policy_tables *t, const char *policy,
    unsigned rank, const char *name, enum policy_name_kind kind)
{
	char n[POLICY_NAME_MAX];
	struct policy_levelname *ln;
	struct policy_def *p;
	unsigned i;
	int pi, k, r;

	if (t == NULL || policy == NULL || name == NULL)
		return -EINVAL;
	if ((pi = policy_tables_find(t, policy)) < 0)
		return -ENOENT;
	p = &t->pol[pi];
	if (rank >= POLICY_RANKS ||
	    (kind != POLICY_NAME_LOCAL && kind != POLICY_NAME_FULL))
		return -EINVAL;
	if (norm_name(name, n, sizeof(n)) != 0 ||
	    !name_ok(n, kind == POLICY_NAME_FULL))
		return -EINVAL;
	if (kind == POLICY_NAME_FULL) {
		/* Self-identifying: unique across every policy. */
		for (i = 0; i < t->npol; i++) {
			r = policy_find_level(&t->pol[i], n, strlen(n), false,
			    &k);
			if (r >= 0 && k == POLICY_NAME_FULL)
				return -EEXIST;
		}
	}
	/* Within the policy a name means one rank whatever its kind. */
	r = policy_find_level(p, n, strlen(n), false, &k);
	if (r >= 0 && (r != (int)rank || k == (int)kind))
		return -EEXIST;
	for (i = 0; i < p->nnames; i++)
		if (strcmp(p->names[i].name, n) == 0 &&
		    p->names[i].kind == kind)
			return -EEXIST;
	if (p->nnames >= POLICY_LEVEL_NAMES_MAX)
		return -ENOSPC;
	ln = &p->names[p->nnames];
	memcpy(ln->name, n, strlen(n) + 1);
	ln->len = (uint8_t)strlen(n);
	ln->rank = (uint8_t)rank;
	ln->kind = (uint8_t)kind;
	if (kind == POLICY_NAME_FULL && p->display[rank] < 0)
		p->display[rank] = (int8_t)p->nnames;
	if (kind == POLICY_NAME_LOCAL && p->local[rank] < 0)
		p->local[rank] = (int8_t)p->nnames;
	p->nnames++;
	return 0;
}

int
policy_tables_add_category(struct policy_tables *t, const char *policy,
    const char *tag, enum policy_cat_type type, const char *value,
    unsigned minrank)
{
	char ntag[POLICY_NAME_MAX], nval[POLICY_VALUE_NAME_MAX];
	struct policy_def *p;
	struct policy_value *v;
	unsigned i, ti, vi;
	int pi;

	if (t == NULL || policy == NULL || tag == NULL || value == NULL)
		return -EINVAL;
	if ((pi = policy_tables_find(t, policy)) < 0)
		return -ENOENT;
	p = &t->pol[pi];
	if (type != POLICY_CAT_RESTRICTIVE && type != POLICY_CAT_PERMISSIVE &&
	    type != POLICY_CAT_INFORMATIVE)
		return -EINVAL;
	if (minrank >= POLICY_RANKS)
		return -EINVAL;
	if (norm_name(tag, ntag, sizeof(ntag)) != 0 || !name_ok(ntag, false) ||
	    rel_like(ntag))
		return -EINVAL;
	if (norm_name(value, nval, sizeof(nval)) != 0 || !value_ok(nval) ||
	    rel_like(nval))
		return -EINVAL;
	if (policy_find_value(p, nval, strlen(nval)) >= 0)
		return -EEXIST;
	if (p->nvalues >= POLICY_VALUES_MAX)
		return -ENOSPC;
	for (ti = 0; ti < p->ntags; ti++) {
		char n[POLICY_NAME_MAX];

		if (norm_name(p->tags[ti].name, n, sizeof(n)) == 0 &&
		    strcmp(n, ntag) == 0)
			break;
	}
	if (ti < p->ntags && p->tags[ti].type != type)
		return -EINVAL;
	if (ti == p->ntags) {
		if (p->ntags >= POLICY_TAGS_MAX)
			return -ENOSPC;
		/* Keep the tag's spelling as given: it is the XML TagName. */
		if (strlen(tag) >= POLICY_NAME_MAX)
			return -EINVAL;
		memcpy(p->tags[ti].name, tag, strlen(tag) + 1);
		p->tags[ti].type = (uint8_t)type;
		p->ntags++;
	}
	vi = p->nvalues;
	v = &p->values[vi];
	memcpy(v->name, nval, strlen(nval) + 1);
	v->len = (uint8_t)strlen(nval);
	v->tag = (uint8_t)ti;
	v->minrank = (uint8_t)minrank;
	policy_bit_set(p->tags[ti].mask, vi);
	policy_bit_set(type == POLICY_CAT_RESTRICTIVE ? p->rmask :
	    type == POLICY_CAT_PERMISSIVE ? p->pmask : p->imask, vi);
	/* Insert into the by-name order used for display. */
	for (i = p->nvalues; i > 0 &&
	    strcmp(p->values[p->sorted[i - 1]].name, nval) > 0; i--)
		p->sorted[i] = p->sorted[i - 1];
	p->sorted[i] = (uint8_t)vi;
	p->nvalues++;
	return 0;
}

int
policy_tables_add_equivalence(struct policy_tables *t, const char *a,
    unsigned ra, const char *b, unsigned rb)
{
	struct policy_def *pa, *pb;
	unsigned r;
	int ia, ib;

	if (t == NULL || a == NULL || b == NULL)
		return -EINVAL;
	if ((ia = policy_tables_find(t, a)) < 0 ||
	    (ib = policy_tables_find(t, b)) < 0)
		return -ENOENT;
	if (ia == ib || ra >= POLICY_RANKS || rb >= POLICY_RANKS)
		return -EINVAL;
	pa = &t->pol[ia];
	pb = &t->pol[ib];
	if (pa->local[ra] < 0 && pa->display[ra] < 0)
		return -EINVAL;
	if (pb->local[rb] < 0 && pb->display[rb] < 0)
		return -EINVAL;
	if (pa->equiv[ra][ib] == (int8_t)rb && pb->equiv[rb][ia] == (int8_t)ra)
		return 0;
	if (pa->equiv[ra][ib] >= 0 || pb->equiv[rb][ia] >= 0)
		return -EEXIST;
	for (r = 0; r < POLICY_RANKS; r++) {
		int m = pa->equiv[r][ib];

		if (m < 0)
			continue;
		if ((r < ra && m >= (int)rb) || (r > ra && m <= (int)rb))
			return -EINVAL;
	}
	pa->equiv[ra][ib] = (int8_t)rb;
	pb->equiv[rb][ia] = (int8_t)ra;
	return 0;
}

int
policy_tables_find(const struct policy_tables *t, const char *id)
{
	char n[POLICY_ID_MAX];
	int i;

	if (t == NULL || id == NULL || norm_name(id, n, sizeof(n)) != 0)
		return -ENOENT;
	i = policy_find_n(t, n, strlen(n));
	return i < 0 ? -ENOENT : i;
}

const char *
policy_tables_id(const struct policy_tables *t, int idx)
{
	if (t == NULL || idx < 0 || (unsigned)idx >= t->npol)
		return NULL;
	return t->pol[idx].id;
}

const char *
policy_tables_uri(const struct policy_tables *t, int idx)
{
	if (t == NULL || idx < 0 || (unsigned)idx >= t->npol)
		return NULL;
	return t->pol[idx].uri;
}

unsigned
policy_tables_ntags(const struct policy_tables *t, int idx)
{
	if (t == NULL || idx < 0 || (unsigned)idx >= t->npol)
		return 0;
	return t->pol[idx].ntags;
}

const char *
policy_tables_tag(const struct policy_tables *t, int idx, unsigned tag,
    enum policy_cat_type *type)
{
	if (t == NULL || idx < 0 || (unsigned)idx >= t->npol ||
	    tag >= t->pol[idx].ntags)
		return NULL;
	if (type != NULL)
		*type = (enum policy_cat_type)t->pol[idx].tags[tag].type;
	return t->pol[idx].tags[tag].name;
}

static const char *const cat_type_names[] = {
	"restrictive", "permissive", "informative",
};

int
policy_tables_canonical(const struct policy_tables *t, char *buf,
    size_t cap, size_t *len)
{
	unsigned order[POLICY_MAX], tord[POLICY_TAGS_MAX];
	char tn[POLICY_TAGS_MAX][POLICY_NAME_MAX];
	size_t n = 0;
	unsigned i, j, k, r;

	if (len != NULL)
		*len = 0;
	if (t == NULL || len == NULL || (buf == NULL && cap != 0))
		return -EINVAL;
	if (cap > 0)
		buf[0] = '\0';
	/* Policies by id, tags by normalised name, values by name. */
	for (i = 0; i < t->npol; i++) {
		for (j = i; j > 0 &&
		    strcmp(t->pol[order[j - 1]].id, t->pol[i].id) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	n = put(buf, cap, n, "valise-policy-tables 1\n");
	for (i = 0; i < t->npol; i++) {
		const struct policy_def *p = &t->pol[order[i]];

		n = put(buf, cap, n, "policy %s owner %s uri \"%s\"\n", p->id,
		    rel_code(p->owner), p->uri);
		/* Declaration order matters here: the first name displays. */
		for (r = 0; r < POLICY_RANKS; r++)
			for (j = 0; j < p->nnames; j++)
				if (p->names[j].rank == r)
					n = put(buf, cap, n,
					    "level %u %s \"%s\"\n", r,
					    p->names[j].kind == POLICY_NAME_FULL
					    ? "full" : "local",
					    p->names[j].name);
		for (j = 0; j < p->ntags; j++) {
			if (norm_name(p->tags[j].name, tn[j],
			    sizeof(tn[j])) != 0)
				tn[j][0] = '\0';
			for (k = j; k > 0 && strcmp(tn[tord[k - 1]], tn[j]) > 0;
			    k--)
				tord[k] = tord[k - 1];
			tord[k] = j;
		}
		for (j = 0; j < p->ntags; j++) {
			const struct policy_tag *tg = &p->tags[tord[j]];

			n = put(buf, cap, n, "tag \"%s\" %s\n", tg->name,
			    cat_type_names[tg->type]);
			for (k = 0; k < p->nvalues; k++) {
				const struct policy_value *v =
				    &p->values[p->sorted[k]];

				if (v->tag == tord[j])
					n = put(buf, cap, n,
					    "value %s minrank %u\n", v->name,
					    v->minrank);
			}
		}
		for (r = 0; r < POLICY_RANKS; r++)
			for (j = 0; j < t->npol; j++) {
				int m = p->equiv[r][order[j]];

				if (m >= 0)
					n = put(buf, cap, n, "equiv %u %s %d\n",
					    r, t->pol[order[j]].id, m);
			}
	}
	*len = n;
	return n < cap ? 0 : -ENOSPC;
}

/* --- lookups shared with label.c and clearance.c -------------------- */

int
policy_find_n(const struct policy_tables *t, const char *s, size_t len)
{
	unsigned i;

	for (i = 0; i < t->npol; i++)
		if (strlen(t->pol[i].id) == len &&
		    memcmp(t->pol[i].id, s, len) == 0)
			return (int)i;
	return -1;
}

int
policy_find_level(const struct policy_def *p, const char *s, size_t len,
    bool local_only, int *kind)
{
	unsigned i;

	for (i = 0; i < p->nnames; i++) {
		const struct policy_levelname *n = &p->names[i];

		if (n->len != len || memcmp(n->name, s, len) != 0)
			continue;
		if (local_only && n->kind != POLICY_NAME_LOCAL)
			continue;
		if (kind != NULL)
			*kind = n->kind;
		return n->rank;
	}
	return -1;
}

int
policy_find_value(const struct policy_def *p, const char *s, size_t len)
{
	unsigned i;

	for (i = 0; i < p->nvalues; i++)
		if (p->values[i].len == len &&
		    memcmp(p->values[i].name, s, len) == 0)
			return (int)i;
	return -1;
}

int
policy_rank_display(const struct policy_def *p, unsigned r, char *buf,
    size_t cap)
{
	int w;

	if (r >= POLICY_RANKS)
		return -EINVAL;
	if (p->display[r] >= 0)
		w = snprintf(buf, cap, "%s", p->names[p->display[r]].name);
	else if (p->local[r] >= 0)
		w = snprintf(buf, cap, "%s:%s", p->id,
		    p->names[p->local[r]].name);
	else
		return -EINVAL;
	return (w < 0 || (size_t)w >= cap) ? -ENOSPC : 0;
}

/* Normalise a name given to the API; -EINVAL if it does not fit. */
static int
norm_name(const char *in, char *out, size_t cap)
{
	if (strlen(in) >= cap * 4)
		return -EINVAL;
	if (policy_normalise(in, out, cap, NULL, POLICY_SEPS_CLEARANCE,
	    NULL) != 0 || out[0] == '\0')
		return -EINVAL;
	return 0;
}

/* Letters, digits, single spaces, '-', '_' and (full names) '/'. */
static bool
name_ok(const char *s, bool slash)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == ' ' || c == '-' || c == '_')
			continue;
		if (c == '/' && slash && i > 0 && s[i + 1] != '\0' &&
		    s[i + 1] != '/')
			continue;
		return false;
	}
	return i > 0;
}

static bool
value_ok(const char *s)
{
	return name_ok(s, false);
}

/* Tokens that would read as a REL segment or the REL tag. */
static bool
rel_like(const char *s)
{
	return strcmp(s, "REL") == 0 || strncmp(s, "REL ", 4) == 0 ||
	    strncmp(s, "RELEASABLE", 10) == 0;
}

/* --- the access control decision function ---------------------------- */

static const char *
policy_display(const struct policy_tables *t, const struct label *l,
    char *buf, size_t cap)
{
	if (policy_rank_display(&t->pol[l->policy], l->rank, buf, cap) != 0)
		snprintf(buf, cap, "%s rank %u", t->pol[l->policy].id, l->rank);
	return buf;
}

/* Append the names of the values in set (sorted) to buf, comma-joined. */
static void
list_values(const struct policy_def *p, const uint64_t *set, char *buf,
    size_t cap)
{
	size_t n = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < p->nvalues; i++) {
		unsigned v = p->sorted[i];

		if (policy_bit(set, v))
			n = put(buf, cap, n, "%s%s", n > 0 ? "," : "",
			    p->values[v].name);
	}
}

/*
 * ACDF(L, C, A) of section 3, for one clearance.  On failure *rule and
 * why (a human reason) say which rule failed.
 */
static bool
acdf(const struct policy_tables *t, const struct label *l,
    const struct clearance *c, const uint64_t *aff, enum policy_rule *rule,
    char *why, size_t cap)
{
	const struct policy_def *p = &t->pol[l->policy];
	char cl[POLICY_NAME_MAX + POLICY_ID_MAX + 8];
	char ln[POLICY_NAME_MAX + POLICY_ID_MAX + 8];
	char vals[160];
	uint64_t need[POLICY_VALUE_WORDS];
	unsigned i, w;
	int r;
	bool any;

	/* 1 level, through the equivalence table across policies. */
	r = c->policy == l->policy ? l->rank :
	    p->equiv[l->rank][c->policy];
	if (r < 0 || r > c->maxrank) {
		*rule = POLICY_RULE_LEVEL;
		if (policy_rank_display(&t->pol[c->policy], c->maxrank, cl,
		    sizeof(cl)) != 0)
			cl[0] = '\0';
		policy_display(t, l, ln, sizeof(ln));
		if (r < 0)
			snprintf(why, cap, "level: %s has no equivalent in "
			    "policy %s (clearance %s)", ln,
			    t->pol[c->policy].id, cl);
		else
			snprintf(why, cap, "level: %s is above clearance %s",
			    ln, cl);
		return false;
	}
	/* 2 restrictive: every value, under a clearance of the same policy. */
	any = false;
	for (w = 0; w < POLICY_VALUE_WORDS; w++) {
		need[w] = l->values[w] & p->rmask[w];
		any = any || need[w] != 0;
	}
	if (any) {
		if (c->policy != l->policy) {
			*rule = POLICY_RULE_RESTRICTIVE;
			list_values(p, need, vals, sizeof(vals));
			snprintf(why, cap, "restrictive category %s needs a %s "
			    "clearance", vals, p->id);
			return false;
		}
		any = false;
		for (w = 0; w < POLICY_VALUE_WORDS; w++) {
			need[w] &= ~c->values[w];
			any = any || need[w] != 0;
		}
		if (any) {
			*rule = POLICY_RULE_RESTRICTIVE;
			list_values(p, need, vals, sizeof(vals));
			snprintf(why, cap, "restrictive category %s not held "
			    "by clearance %s:%s", vals, p->id,
			    p->local[c->maxrank] >= 0 ?
			    p->names[p->local[c->maxrank]].name : "?");
			return false;
		}
	}
	/* 3 permissive: for each tag present, one of its values. */
	for (i = 0; i < p->ntags; i++) {
		const struct policy_tag *tg = &p->tags[i];
		bool present = false, held = false;

		if (tg->type != POLICY_CAT_PERMISSIVE)
			continue;
		for (w = 0; w < POLICY_VALUE_WORDS; w++) {
			need[w] = l->values[w] & tg->mask[w];
			present = present || need[w] != 0;
			if (c->policy == l->policy)
				held = held || (need[w] & c->values[w]) != 0;
		}
		if (!present || held)
			continue;
		*rule = POLICY_RULE_PERMISSIVE;
		list_values(p, need, vals, sizeof(vals));
		if (c->policy != l->policy)
			snprintf(why, cap, "permissive category %s needs a %s "
			    "clearance", vals, p->id);
		else
			snprintf(why, cap, "permissive category %s: none of "
			    "%s held", tg->name, vals);
		return false;
	}
	/* 4 releasability: (REL + owner) must meet the affiliations. */
	any = policy_bit(aff, (unsigned)p->owner);
	for (w = 0; w < REL_WORDS && !any; w++)
		any = (l->rel[w] & aff[w]) != 0;
	if (!any) {
		size_t n = 0;
		int k;

		*rule = POLICY_RULE_REL;
		vals[0] = '\0';
		for (k = 0; k < REL_CODES; k++)
			if (k == p->owner || policy_bit(l->rel, (unsigned)k))
				n = put(vals, sizeof(vals), n, "%s%s",
				    n > 0 ? "," : "", rel_code(k));
		snprintf(why, cap, "not releasable: REL TO %s does not "
		    "include the nationality or organisations", vals);
		return false;
	}
	/* 5 informative values are ignored. */
	*rule = POLICY_RULE_ALLOW;
	return true;
}

/*
 * ACDF*(L, X): one clearance at a time.  Returns the index of the
 * clearance that passed, or -1 with the furthest failure in *rule/why.
 */
static int
acdf_star(const struct policy_tables *t, const struct label *l,
    const struct clearance_subject *x, enum policy_rule *rule, char *why,
    size_t cap)
{
	char tmp[POLICY_REASON_MAX];
	enum policy_rule r, best = POLICY_RULE_ALLOW;
	unsigned i;

	if (x->nclr == 0) {
		*rule = POLICY_RULE_NO_CLEARANCE;
		snprintf(why, cap, "no clearance");
		return -1;
	}
	for (i = 0; i < x->nclr && i < CLEARANCE_MAX; i++) {
		if (x->clr[i].policy >= t->npol ||
		    x->clr[i].maxrank >= POLICY_RANKS)
			continue;
		if (acdf(t, l, &x->clr[i], x->aff, &r, tmp, sizeof(tmp))) {
			*rule = POLICY_RULE_ALLOW;
			return (int)i;
		}
		if (best == POLICY_RULE_ALLOW || r > best) {
			best = r;
			snprintf(why, cap, "%s", tmp);
		}
	}
	if (best == POLICY_RULE_ALLOW) {
		best = POLICY_RULE_NO_CLEARANCE;
		snprintf(why, cap, "no usable clearance");
	}
	*rule = best;
	return -1;
}

int
policy_decide(const struct policy_tables *t, enum policy_op op,
    const struct label *l, const struct clearance_subject *node,
    const struct clearance_subject *subject, struct policy_decision *d)
{
	char why[POLICY_REASON_MAX];
	enum policy_rule rule;
	int c;

	if (d == NULL)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->clearance = -1;
	d->rule = POLICY_RULE_NO_CLEARANCE;
	if (t == NULL || l == NULL || subject == NULL ||
	    l->policy >= t->npol || l->rank >= POLICY_RANKS ||
	    (op != POLICY_OP_READ && op != POLICY_OP_FORWARD &&
	    op != POLICY_OP_INGRESS)) {
		snprintf(d->reason, sizeof(d->reason), "invalid arguments");
		return -EINVAL;
	}
	if (op == POLICY_OP_INGRESS) {
		c = acdf_star(t, l, subject, &rule, why, sizeof(why));
		if (c < 0) {
			d->check = POLICY_CHECK_INGRESS;
			d->rule = rule;
			d->incident = true;
			snprintf(d->reason, sizeof(d->reason), "security "
			    "incident: exceeds the sending peer's "
			    "accreditation (%.180s)", why);
			return 0;
		}
	}
	if (node != NULL) {
		c = acdf_star(t, l, node, &rule, why, sizeof(why));
		if (c < 0) {
			d->check = POLICY_CHECK_NODE;
			d->rule = rule;
			snprintf(d->reason, sizeof(d->reason), "exceeds node "
			    "accreditation (%.220s)", why);
			return 0;
		}
	}
	if (op != POLICY_OP_INGRESS) {
		c = acdf_star(t, l, subject, &rule, why, sizeof(why));
		if (c < 0) {
			d->check = POLICY_CHECK_SUBJECT;
			d->rule = rule;
			memcpy(d->reason, why, sizeof(d->reason));
			return 0;
		}
	}
	d->allow = true;
	d->check = POLICY_CHECK_NONE;
	d->rule = POLICY_RULE_ALLOW;
	d->clearance = c;
	snprintf(d->reason, sizeof(d->reason), "allowed");
	return 0;
}

const char *
policy_op_name(enum policy_op op)
{
	switch (op) {
	case POLICY_OP_READ:
		return "read";
	case POLICY_OP_FORWARD:
		return "forward";
	case POLICY_OP_INGRESS:
		return "ingress";
	}
	return "?";
}

const char *
policy_rule_name(enum policy_rule rule)
{
	switch (rule) {
	case POLICY_RULE_ALLOW:
		return "allow";
	case POLICY_RULE_NO_CLEARANCE:
		return "no-clearance";
	case POLICY_RULE_LEVEL:
		return "level";
	case POLICY_RULE_RESTRICTIVE:
		return "restrictive";
	case POLICY_RULE_PERMISSIVE:
		return "permissive";
	case POLICY_RULE_REL:
		return "releasability";
	}
	return "?";
}

const char *
policy_check_name(enum policy_check check)
{
	switch (check) {
	case POLICY_CHECK_NONE:
		return "none";
	case POLICY_CHECK_NODE:
		return "node";
	case POLICY_CHECK_SUBJECT:
		return "subject";
	case POLICY_CHECK_INGRESS:
		return "ingress";
	}
	return "?";
}
