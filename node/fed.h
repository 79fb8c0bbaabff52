/* SPDX-License-Identifier: ISC */
/*
 * fed: the federation as this node sees it, built from a loaded struct
 * conf: the policy tables (built-ins plus the configured categories), this
 * node's accreditation, every known node with its public keys and
 * accreditation, routes, local users with their clearances, and the
 * revoked fingerprints.  Everything the configuration only holds as text
 * (clearances, peer lines) is parsed here, with errors that name the
 * file, the line and the setting, so that `valised --check-config` reports
 * them too.
 */
#ifndef FED_H
#define FED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys/peerline.h"
#include "node/conf.h"
#include "policy/clearance.h"
#include "policy/label.h"
#include "policy/policy.h"

struct fed_node {
	const struct conf_peer	*conf;		/* borrowed from the conf */
	struct peerline		 keys;		/* name, public keys, fingerprint */
	struct clearance_subject accreditation;
	bool			 direct;	/* has an endpoint: a link */
	bool			 revoked;
};

struct fed_user {
	const struct conf_user	*conf;
	struct clearance_subject clearance;
};

struct fed {
	const struct conf	*conf;		/* borrowed; outlives the fed */
	struct policy_tables	*tables;
	char			 policy_hash[65];
	struct clearance_subject self;		/* this node's accreditation */
	struct fed_node		*nodes;
	size_t			 nnodes;
	struct fed_user		*users;
	size_t			 nusers;
};

/*
 * Build the federation view of conf.  0, or -EINVAL with every problem
 * added to errs (which the caller initialised, e.g. by conf_load).
 */
int	fed_build(const struct conf *conf, struct fed **out,
	    struct conf_errors *errs) __attribute__((warn_unused_result));
void	fed_free(struct fed **fp);

/* A known node by name (direct or not), or NULL. */
const struct fed_node *fed_node(const struct fed *f, const char *name);
/* A configured local user by login, or NULL. */
const struct fed_user *fed_user(const struct fed *f, const char *login);

/*
 * The next hop towards dest: the `via` of its route when one is
 * configured, else dest itself when it is a direct, unrevoked peer.  NULL
 * when unreachable (no route, revoked, or the route's hop is revoked).
 * A route may name a destination whose keys are not configured: this node
 * can then relay to it but not encrypt to it.
 */
const struct fed_node *fed_next_hop(const struct fed *f, const char *dest);

#endif /* FED_H */
