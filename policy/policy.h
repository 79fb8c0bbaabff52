/* SPDX-License-Identifier: ISC */
/*
 * policy: the policy tables (a built-in "mini-SPIF" for BE, NATO and EU,
 * extensible from the configuration file) and the access control decision
 * function of docs/labels.md section 3.
 *
 * Pure C: libc only, no I/O.  The only allocation is the tables object
 * itself (policy_tables_new / policy_tables_free); parsing, formatting and
 * decisions work on caller-owned fixed-size structs.
 *
 * The tables are append-only: a policy, level name, category value or
 * equivalence, once added, is never removed or renumbered, so a struct
 * label or struct clearance_subject parsed earlier stays valid while the
 * tables grow.  Both are valid only with the tables that produced them.
 * The tables are not locked: add everything at start-up, then share them
 * read-only (decisions never write to them).
 */
#ifndef POLICY_H
#define POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_WUR	__attribute__((warn_unused_result))

/* Built-in policies take 3 slots; the rest are for configured ones. */
#define POLICY_MAX		16
/* Ranks 0..4: unclassified .. top secret (section 1 of the spec). */
#define POLICY_RANKS		5
/* A policy identifier ("NATO") with its NUL: short, it is typed often. */
#define POLICY_ID_MAX		16
/* A level or tag name with its NUL ("RESTREINT UE/EU RESTRICTED"). */
#define POLICY_NAME_MAX		48
/* A category value with its NUL ("ATOMAL"); bounds a canonical label. */
#define POLICY_VALUE_NAME_MAX	24
/* Level names (local and full) of one policy; BE has 11, EU 20. */
#define POLICY_LEVEL_NAMES_MAX	32
/* Category tags (ATOMAL's tag, MISSION, ADMIN...) of one policy. */
#define POLICY_TAGS_MAX		16
/* Category values of one policy: the width of a label's value bitset. */
#define POLICY_VALUES_MAX	128
#define POLICY_VALUE_WORDS	(POLICY_VALUES_MAX / 64)
/* An optional policy OID or URN (4774 PolicyIdentifier@URI), with NUL. */
#define POLICY_URI_MAX		128
/* A decision's human reason, with its NUL; longer reasons are cut. */
#define POLICY_REASON_MAX	256

struct label;
struct clearance_subject;
struct policy_tables;

/* Category types (SDN.801c / Open XML SPIF tagType). */
enum policy_cat_type {
	POLICY_CAT_RESTRICTIVE,	/* the clearance must hold every value */
	POLICY_CAT_PERMISSIVE,	/* the clearance must hold one value */
	POLICY_CAT_INFORMATIVE,	/* displayed and audited, never decides */
};

/* Kinds of level name (section 2 of the spec). */
enum policy_name_kind {
	POLICY_NAME_LOCAL,	/* valid after "P:" ("SECRET") */
	POLICY_NAME_FULL,	/* self-identifying ("NATO SECRET", "NS") */
};

/*
 * New tables holding the built-in BE, NATO and EU policies, their level
 * names, category vocabularies, validity rules and level equivalences.
 * Returns NULL only when out of memory.  Free with policy_tables_free().
 */
struct policy_tables *policy_tables_new(void);

/* Free tables from policy_tables_new(); NULL-safe; sets *tp to NULL. */
void	policy_tables_free(struct policy_tables **tp);

/*
 * Declare a new policy.  id: 1..15 characters of A-Z, 0-9, '-' and '_'
 * (case-folded), not a built-in or already declared id.  owner: the
 * policy's owner token, an assigned ISO 3166-1 alpha-3 code or NATO/EU;
 * it is always part of the effective releasability of the policy's labels.
 * uri: an optional OID or URN (NULL or "" for none), checked against
 * PolicyIdentifier@URI on 4774 XML import.
 * The new policy has no levels: add them with policy_tables_add_level().
 * Returns 0, -EINVAL (bad id, owner or uri), -EEXIST or -ENOSPC (more than
 * POLICY_MAX policies).
 */
int	policy_tables_add_policy(struct policy_tables *t, const char *id,
	    const char *owner, const char *uri) POLICY_WUR;

/*
 * Give rank (0..POLICY_RANKS-1) of a policy a level name.  Names are
 * normalised like labels (case, accents, spaces); they may hold letters,
 * digits, spaces, '-', '_' and, in full names, '/'.  The first local name
 * of a rank is its 4774 Classification on XML export; the first full name
 * is its canonical display form, else "<ID>:<first local name>" is.
 * A full name must be unique across all policies; a local name unique
 * within its policy.
 * Returns 0, -ENOENT (no such policy), -EINVAL (bad rank, kind or name),
 * -EEXIST (the name is taken) or -ENOSPC.
 */
int	policy_tables_add_level(struct policy_tables *t, const char *policy,
	    unsigned rank, const char *name, enum policy_name_kind kind)
	    POLICY_WUR;

/*
 * Add a category value to a policy's vocabulary, under tag (created on
 * first use, with this type; a tag keeps its first type).  A value is a
 * token of A-Z, 0-9, '-' and '_' up to POLICY_VALUE_NAME_MAX-1 characters,
 * unique within its policy, and may not be REL-like (REL, RELEASABLE...).
 * minrank is the validity rule (SPIF excludedClass): a label carrying the
 * value below minrank is invalid.  The tag name "Releasable To" is
 * reserved for REL.
 * Returns 0, -ENOENT (no such policy), -EINVAL (bad tag, type, value,
 * minrank, or a type that differs from the tag's), -EEXIST or -ENOSPC.
 */
int	policy_tables_add_category(struct policy_tables *t, const char *policy,
	    const char *tag, enum policy_cat_type type, const char *value,
	    unsigned minrank) POLICY_WUR;

/*
 * Declare that rank ra of policy a protects like rank rb of policy b
 * (both ways).  Both ranks must have a name.  Mappings stay monotonic:
 * one that would cross an existing mapping is refused.  There is no
 * transitivity: X~NATO and NATO~BE do not make X~BE.
 * Returns 0, -ENOENT, -EINVAL (undefined rank, same policy, or not
 * monotonic) or -EEXIST (ra or rb is already mapped differently).
 */
int	policy_tables_add_equivalence(struct policy_tables *t, const char *a,
	    unsigned ra, const char *b, unsigned rb) POLICY_WUR;

/* Index of policy id (normalised), or -ENOENT. */
int	policy_tables_find(const struct policy_tables *t, const char *id);

/* Identifier of the policy at index idx, or NULL. */
const char *policy_tables_id(const struct policy_tables *t, int idx);

/* The policy's configured OID/URN ("" for none), or NULL. */
const char *policy_tables_uri(const struct policy_tables *t, int idx);

/* Number of category tags of the policy at idx (0 when out of range). */
unsigned policy_tables_ntags(const struct policy_tables *t, int idx);

/*
 * Name and type of tag number tag of policy idx, or NULL.  Names are valid
 * until the tables are freed.
 */
const char *policy_tables_tag(const struct policy_tables *t, int idx,
	    unsigned tag, enum policy_cat_type *type);

/*
 * Canonical, deterministic serialisation of the tables in force, for the
 * "policy version" hash logged with every decision (the node hashes it
 * with BLAKE2b, see node/policyhash.h).  It does not depend on the order
 * in which configured items were declared.  Writes at most cap bytes,
 * NUL-terminated, to buf; *len receives the length it needs without the
 * NUL.  Call with buf NULL and cap 0 to learn the size.
 * Returns 0, or -ENOSPC when cap <= *len.
 */
int	policy_tables_canonical(const struct policy_tables *t, char *buf,
	    size_t cap, size_t *len);

/* Operations of the decision function. */
enum policy_op {
	POLICY_OP_READ,		/* deliver to a local user */
	POLICY_OP_FORWARD,	/* send to a peer (subject: its accred.) */
	POLICY_OP_INGRESS,	/* relay: accept from a peer (section 5.3) */
};

/* Which check made the decision. */
enum policy_check {
	POLICY_CHECK_NONE,	/* allowed: every check passed */
	POLICY_CHECK_NODE,	/* the node's own accreditation */
	POLICY_CHECK_SUBJECT,	/* the user's clearance / the peer's */
	POLICY_CHECK_INGRESS,	/* the sending peer's accreditation */
};

/* The rule that fired (section 3 ACDF steps). */
enum policy_rule {
	POLICY_RULE_ALLOW,	/* no rule failed */
	POLICY_RULE_NO_CLEARANCE, /* the subject holds no clearance */
	POLICY_RULE_LEVEL,	/* 1: rank, or no level equivalence */
	POLICY_RULE_RESTRICTIVE, /* 2: a restrictive value not held */
	POLICY_RULE_PERMISSIVE,	/* 3: no value of a permissive tag held */
	POLICY_RULE_REL,	/* 4: releasability / owner rule */
};

struct policy_decision {
	bool		allow;
	bool		incident;	/* ingress failure: security incident */
	enum policy_check check;
	enum policy_rule rule;
	int		clearance;	/* index of the subject's clearance
					 * that allowed, or -1 */
	char		reason[POLICY_REASON_MAX];
};

/*
 * The access decision for label l (already parsed and validated).
 *   read, forward: if node is not NULL, ACDF*(l, node) first ("exceeds
 *	node accreditation"), then ACDF*(l, subject).
 *   ingress: ACDF*(l, subject) where subject is the peer the message came
 *	from (a failure sets incident), then the node if not NULL.
 * ACDF* holds when one clearance alone passes every rule (level,
 * restrictive, permissive, releasability).  When all fail, the reported
 * rule is from the clearance that got furthest (the first one on a tie).
 * Returns 0 with *d filled (d->allow tells the decision), or -EINVAL for
 * bad arguments (then d->allow is false: fail closed).
 */
int	policy_decide(const struct policy_tables *t, enum policy_op op,
	    const struct label *l, const struct clearance_subject *node,
	    const struct clearance_subject *subject,
	    struct policy_decision *d) POLICY_WUR;

/* Short names for logs: "read", "level", "node"... ("?" if unknown). */
const char *policy_op_name(enum policy_op op);
const char *policy_rule_name(enum policy_rule rule);
const char *policy_check_name(enum policy_check check);

#endif /* POLICY_H */
