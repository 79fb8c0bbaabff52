/* SPDX-License-Identifier: ISC */
/*
 * conf: the node's configuration file (libconfig syntax, valise.conf(5)),
 * read by this module alone into one validated struct conf.
 *
 * Every setting is declared in a table with its type and bounds.  Unknown
 * settings, wrong types, out-of-range values and missing required settings
 * are errors naming the file, the line and the setting; conf_load() collects
 * all of them rather than stopping at the first.  Relative paths are made
 * relative to the configuration file's directory.
 *
 * The strings kept here are checked for shape only (lengths, characters);
 * clearances, labels and peer lines are parsed by their own modules, which
 * the caller runs over the loaded configuration.
 */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_FILE_MAX		(1024 * 1024)	/* a config larger is a mistake */
#define CONF_NAME_MAX		32	/* node names and logins */
#define CONF_TEXT_MAX		512	/* clearances, endpoints, peer lines */
#define CONF_PATH_MAX		1024
#define CONF_PEERS_MAX		256
#define CONF_USERS_MAX		4096
#define CONF_ROUTES_MAX		4096
#define CONF_REVOKED_MAX	4096
#define CONF_CATEGORIES_MAX	256
#define CONF_ERRORS_MAX		64
#define CONF_ERROR_LEN		384

/* Organisation tokens and user roles, as bits. */
enum {
	CONF_ORG_NATO	= 1 << 0,
	CONF_ORG_EU	= 1 << 1,
};
enum {
	CONF_ROLE_OFFICER	= 1 << 0,
	CONF_ROLE_AUDITOR	= 1 << 1,
};

struct conf_peer {
	char	name[CONF_NAME_MAX + 1];
	char	endpoint[CONF_TEXT_MAX + 1];	/* "": reached by a route */
	char	key[CONF_TEXT_MAX + 1];		/* the peer's `valise1:` line */
	char	nationality[4];			/* alpha-3 or "-" */
	unsigned organisations;				/* CONF_ORG_* */
	char	accreditation[CONF_TEXT_MAX + 1];
	int	line;
};

struct conf_user {
	char	login[CONF_NAME_MAX + 1];
	char	clearance[CONF_TEXT_MAX + 1];
	char	nationality[4];
	unsigned organisations;
	unsigned roles;				/* CONF_ROLE_* */
	int	line;
};

struct conf_route {
	char	destination[CONF_NAME_MAX + 1];
	char	via[CONF_NAME_MAX + 1];
	int	line;
};

/* An extra category declared in the policy section (labels.md §1). */
struct conf_category {
	char	policy[CONF_NAME_MAX + 1];
	char	tag[CONF_NAME_MAX + 1];		/* e.g. "MISSION" */
	char	value[CONF_NAME_MAX + 1];	/* e.g. "EUFOR" */
	char	type[16];			/* restrictive|permissive|informative */
	int64_t	min_rank;			/* lowest rank it may appear at */
	int	line;
};

/* An extra policy (labels.md section 1, "config"): id, owner token,
 * optional URI/OID, and its level names by rank. */
#define CONF_POLICIES_MAX	16
#define CONF_LEVEL_NAMES_MAX	32
#define CONF_EQUIVALENCES_MAX	64

struct conf_level_name {
	int64_t	rank;
	char	name[64];
	bool	full;		/* a self-identifying full name */
};

struct conf_policy {
	char	id[CONF_NAME_MAX + 1];
	char	owner[CONF_NAME_MAX + 1];
	char	uri[256];
	struct conf_level_name names[CONF_LEVEL_NAMES_MAX];
	size_t	nnames;
	int	line;
};

/* Level a:rank_a protects like b:rank_b (both ways). */
struct conf_equivalence {
	char	a[CONF_NAME_MAX + 1];
	int64_t	rank_a;
	char	b[CONF_NAME_MAX + 1];
	int64_t	rank_b;
	int	line;
};

struct conf {
	char	path[CONF_PATH_MAX];	/* the file as given */
	char	dir[CONF_PATH_MAX];	/* its directory, for relative paths */

	char	name[CONF_NAME_MAX + 1];
	char	nationality[4];
	unsigned organisations;
	char	accreditation[CONF_TEXT_MAX + 1];
	char	listen[CONF_TEXT_MAX + 1];
	char	key_dir[CONF_PATH_MAX];
	char	state_dir[CONF_PATH_MAX];
	char	passphrase_file[CONF_PATH_MAX];	/* "" when unset */
	char	control_group[CONF_NAME_MAX + 1];	/* "" when unset */
	char	log[16];			/* "stderr" or "syslog" */
	char	sandbox[16];			/* "on", "required" or "off" */
	int64_t	body_max;			/* bytes */
	int64_t	queue_max_bytes;		/* per peer */
	int64_t	disk_reserve;			/* bytes kept free */
	int64_t	checkpoint_entries;
	int64_t	checkpoint_seconds;
	int64_t	retry_min_ms, retry_max_ms;
	int64_t	heartbeat_ms;			/* ZMTP PING interval */
	int64_t	default_expiry;			/* seconds */

	struct conf_peer	*peers;
	size_t			 npeers;
	struct conf_user	*users;
	size_t			 nusers;
	struct conf_route	*routes;
	size_t			 nroutes;
	char			(*revoked)[CONF_TEXT_MAX + 1];
	size_t			 nrevoked;
	struct conf_category	*categories;
	size_t			 ncategories;
	struct conf_policy	*policies;
	size_t			 npolicies;
	struct conf_equivalence	*equivalences;
	size_t			 nequivalences;
};

/* Errors found while loading, each "FILE:LINE: setting: problem". */
struct conf_errors {
	size_t	n;
	bool	truncated;		/* more than CONF_ERRORS_MAX */
	char	msg[CONF_ERRORS_MAX][CONF_ERROR_LEN];
};

/*
 * Read and validate the file at path.  On success *out is an owned conf
 * (free with conf_free) and returns 0.  On failure returns -EINVAL with
 * every problem found in errs, or another -errno when the file cannot be
 * read at all (errs then holds one message saying why).
 */
int	conf_load(const char *path, struct conf **out, struct conf_errors *errs)
	    __attribute__((warn_unused_result));

/* The same for text already in memory; path names it in errors and
 * anchors relative paths. */
int	conf_load_text(const char *path, const char *text, size_t len,
	    struct conf **out, struct conf_errors *errs)
	    __attribute__((warn_unused_result));

/* Free a conf from conf_load; *confp becomes NULL.  NULL is allowed. */
void	conf_free(struct conf **confp);

/* Add an error to errs (for callers that validate the conf further). */
void	conf_error(struct conf_errors *errs, const struct conf *conf, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Lookups; NULL when absent.  Valid until the conf is freed. */
const struct conf_peer	*conf_peer(const struct conf *conf, const char *name);
const struct conf_user	*conf_user(const struct conf *conf, const char *login);

/* The default configuration path: $VALISE_CONFIG or /etc/valise/valise.conf */
const char	*conf_default_path(void);

#endif /* CONF_H */
