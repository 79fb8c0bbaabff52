/* SPDX-License-Identifier: ISC */
/*
 * fed: parse the text parts of the configuration (clearances, peer lines,
 * extra categories) into the structures the daemon decides with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/fed.h"
#include "node/policyhash.h"

static void
orgs_text(unsigned orgs, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s", orgs & CONF_ORG_NATO ? "NATO" : "",
	    (orgs & CONF_ORG_NATO) && (orgs & CONF_ORG_EU) ? "," : "",
	    orgs & CONF_ORG_EU ? "EU" : "");
	if (buf[0] == '\0')
		snprintf(buf, cap, "-");
}

/* Parse a clearance with its affiliations; report errors at line. */
static void
subject(const struct fed *f, struct conf_errors *errs, int line,
    const char *where, const char *clr, const char *nat, unsigned orgs,
    struct clearance_subject *s)
{
	struct label_error lerr;
	char otext[16];

	clearance_subject_init(s);
	if (clearance_parse(f->tables, clr, s, &lerr) != 0)
		conf_error(errs, f->conf, line, "%s: '%s': %s", where, clr,
		    lerr.msg);
	if (clearance_parse_nat(nat, s, &lerr) != 0)
		conf_error(errs, f->conf, line, "%s: nationality '%s': %s",
		    where, nat, lerr.msg);
	orgs_text(orgs, otext, sizeof(otext));
	if (clearance_parse_orgs(otext, s, &lerr) != 0)
		conf_error(errs, f->conf, line, "%s: organisations: %s",
		    where, lerr.msg);
}

static const char *
why(int r)
{
	switch (-r) {
	case EEXIST:
		return "it clashes with one already defined";
	case ENOSPC:
		return "the tables are full";
	case ENOENT:
		return "no such policy";
	default:
		return "not a valid name, token or rank";
	}
}

/* Extra policies and their level names, then equivalences. */
static void
add_policies(struct fed *f, struct conf_errors *errs)
{
	size_t i, k;
	int r;

	for (i = 0; i < f->conf->npolicies; i++) {
		const struct conf_policy *p = &f->conf->policies[i];

		if ((r = policy_tables_add_policy(f->tables, p->id, p->owner,
		    p->uri[0] ? p->uri : NULL)) != 0) {
			conf_error(errs, f->conf, p->line, "policy.policies: "
			    "cannot add policy '%s' (owner '%s'): %s", p->id,
			    p->owner, why(r));
			continue;
		}
		for (k = 0; k < p->nnames; k++)
			if ((r = policy_tables_add_level(f->tables, p->id,
			    (unsigned)p->names[k].rank, p->names[k].name,
			    p->names[k].full ? POLICY_NAME_FULL :
			    POLICY_NAME_LOCAL)) != 0)
				conf_error(errs, f->conf, p->line, "policy."
				    "policies: %s: level name '%s' (rank %lld): "
				    "%s", p->id, p->names[k].name,
				    (long long)p->names[k].rank, why(r));
	}
}

static void
add_equivalences(struct fed *f, struct conf_errors *errs)
{
	size_t i;
	int r;

	for (i = 0; i < f->conf->nequivalences; i++) {
		const struct conf_equivalence *e = &f->conf->equivalences[i];

		if ((r = policy_tables_add_equivalence(f->tables, e->a,
		    (unsigned)e->rank_a, e->b, (unsigned)e->rank_b)) != 0)
			conf_error(errs, f->conf, e->line, "policy.equivalences: "
			    "%s:%lld = %s:%lld: %s", e->a, (long long)e->rank_a,
			    e->b, (long long)e->rank_b, r == -EINVAL ?
			    "not monotonic with the equivalences in force, or a "
			    "bad rank" : why(r));
	}
}

static void
add_categories(struct fed *f, struct conf_errors *errs)
{
	static const struct {
		const char		*name;
		enum policy_cat_type	 type;
	} types[] = {
		{ "restrictive", POLICY_CAT_RESTRICTIVE },
		{ "permissive", POLICY_CAT_PERMISSIVE },
		{ "informative", POLICY_CAT_INFORMATIVE },
	};
	size_t i, k;
	int r;

	for (i = 0; i < f->conf->ncategories; i++) {
		const struct conf_category *c = &f->conf->categories[i];

		for (k = 0; k < 3; k++)
			if (strcmp(c->type, types[k].name) == 0)
				break;
		if (k == 3)
			continue;	/* conf already reported it */
		if ((r = policy_tables_add_category(f->tables, c->policy,
		    c->tag, types[k].type, c->value, (unsigned)c->min_rank)) != 0)
			conf_error(errs, f->conf, c->line, "policy.categories: "
			    "cannot add %s value '%s' to tag '%s' of %s: %s",
			    c->type, c->value, c->tag, c->policy, why(r));
	}
}

int
fed_build(const struct conf *conf, struct fed **out, struct conf_errors *errs)
{
	const struct conf_peer *p;
	struct fed *f;
	const char *why;
	size_t i, k, before = errs->n;

	*out = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -ENOMEM;
	f->conf = conf;
	if ((f->tables = policy_tables_new()) == NULL)
		goto nomem;
	add_policies(f, errs);
	add_categories(f, errs);
	add_equivalences(f, errs);
	if (policyhash_hex(f->tables, f->policy_hash) != 0)
		conf_error(errs, conf, 0, "policy: cannot hash the tables");
	subject(f, errs, 0, "node: accreditation", conf->accreditation,
	    conf->nationality, conf->organisations, &f->self);

	if (conf->npeers > 0 &&
	    (f->nodes = calloc(conf->npeers, sizeof(*f->nodes))) == NULL)
		goto nomem;
	for (i = 0; i < conf->npeers; i++) {
		struct fed_node *n = &f->nodes[f->nnodes++];

		p = &conf->peers[i];
		n->conf = p;
		n->direct = p->endpoint[0] != '\0';
		if (peerline_parse(p->key, &n->keys, &why) != 0)
			conf_error(errs, conf, p->line, "peers: %s: key: %s",
			    p->name, why);
		else if (strcmp(n->keys.name, p->name) != 0)
			conf_error(errs, conf, p->line, "peers: %s: key: the "
			    "line is for node '%s'", p->name, n->keys.name);
		subject(f, errs, p->line, "peers: accreditation",
		    p->accreditation, p->nationality, p->organisations,
		    &n->accreditation);
		for (k = 0; k < conf->nrevoked; k++)
			if (strcmp(conf->revoked[k], n->keys.fingerprint) == 0)
				n->revoked = true;
	}
	if (conf->nusers > 0 &&
	    (f->users = calloc(conf->nusers, sizeof(*f->users))) == NULL)
		goto nomem;
	for (i = 0; i < conf->nusers; i++) {
		const struct conf_user *u = &conf->users[i];
		struct fed_user *fu = &f->users[f->nusers++];

		fu->conf = u;
		subject(f, errs, u->line, "users: clearance", u->clearance,
		    u->nationality, u->organisations, &fu->clearance);
	}
	for (i = 0; i < conf->nroutes; i++) {
		const struct conf_route *r = &conf->routes[i];
		const struct fed_node *via = fed_node(f, r->via);

		if (via != NULL && !via->direct)
			conf_error(errs, conf, r->line, "routes: via '%s' has "
			    "no endpoint: it is not a direct peer", r->via);
	}
	if (errs->n > before) {
		fed_free(&f);
		return -EINVAL;
	}
	*out = f;
	return 0;
nomem:
	fed_free(&f);
	return -ENOMEM;
}

void
fed_free(struct fed **fp)
{
	struct fed *f;

	if (fp == NULL || (f = *fp) == NULL)
		return;
	policy_tables_free(&f->tables);
	free(f->nodes);
	free(f->users);
	free(f);
	*fp = NULL;
}

const struct fed_node *
fed_node(const struct fed *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nnodes; i++)
		if (strcmp(f->nodes[i].conf->name, name) == 0)
			return &f->nodes[i];
	return NULL;
}

const struct fed_user *
fed_user(const struct fed *f, const char *login)
{
	size_t i;

	for (i = 0; i < f->nusers; i++)
		if (strcmp(f->users[i].conf->login, login) == 0)
			return &f->users[i];
	return NULL;
}

const struct fed_node *
fed_next_hop(const struct fed *f, const char *dest)
{
	const struct fed_node *n = fed_node(f, dest), *via;
	size_t i;

	if (n != NULL && n->revoked)
		return NULL;
	/* A configured route wins over a direct link: "reached only via". */
	for (i = 0; i < f->conf->nroutes; i++) {
		if (strcmp(f->conf->routes[i].destination, dest) != 0)
			continue;
		via = fed_node(f, f->conf->routes[i].via);
		return via != NULL && via->direct && !via->revoked ? via : NULL;
	}
	return n != NULL && n->direct ? n : NULL;
}
