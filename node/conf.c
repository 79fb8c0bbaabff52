/* SPDX-License-Identifier: ISC */
/*
 * conf: table-driven reading of valise.conf with libconfig.  This is the
 * only file that includes <libconfig.h>; everything it returns is copied out
 * of libconfig's memory before config_destroy().
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "node/conf.h"
#include "node/util.h"

enum ftype {
	F_NODENAME,	/* [A-Z0-9-], starts with a letter or digit */
	F_LOGIN,	/* [a-z_][a-z0-9_.-]* */
	F_TEXT,		/* printable ASCII */
	F_ENDPOINT,	/* tcp://host:port or ipc://path */
	F_PATH,		/* made absolute against the config's directory */
	F_NAT,		/* three letters A-Z, or "-" */
	F_ORGS,		/* array of "NATO", "EU" */
	F_ROLES,	/* array of "officer", "auditor" */
	F_INT,		/* integer in [min, max] */
	F_WORD,		/* one of the words in .words */
};

struct field {
	const char	*name;
	enum ftype	 type;
	bool		 required;
	size_t		 off;
	size_t		 cap;		/* string fields: buffer size */
	int64_t		 min, max, def;	/* F_INT */
	const char	*const *words;	/* F_WORD */
};

#define STR(s, f, t, req) { #f, t, req, offsetof(s, f), \
	sizeof(((s *)0)->f), 0, 0, 0, NULL }
#define NUM(s, f, req, lo, hi, d) { #f, F_INT, req, offsetof(s, f), 0, \
	lo, hi, d, NULL }
#define BITS(s, f, t, req) { #f, t, req, offsetof(s, f), 0, 0, 0, 0, NULL }
#define WORD(s, f, req, w) { #f, F_WORD, req, offsetof(s, f), \
	sizeof(((s *)0)->f), 0, 0, 0, w }

static const char *const log_words[] = { "stderr", "syslog", NULL };
static const char *const sandbox_words[] = { "on", "required", "off", NULL };
static const char *const cat_words[] = { "restrictive", "permissive",
	"informative", NULL };

static const struct field node_fields[] = {
	STR(struct conf, name, F_NODENAME, true),
	STR(struct conf, nationality, F_NAT, true),
	BITS(struct conf, organisations, F_ORGS, false),
	STR(struct conf, accreditation, F_TEXT, true),
	STR(struct conf, listen, F_ENDPOINT, true),
	STR(struct conf, key_dir, F_PATH, true),
	STR(struct conf, state_dir, F_PATH, true),
	STR(struct conf, passphrase_file, F_PATH, false),
	STR(struct conf, control_group, F_LOGIN, false),
	WORD(struct conf, log, false, log_words),
	WORD(struct conf, sandbox, false, sandbox_words),
	NUM(struct conf, body_max, false, 1, 16 * 1024 * 1024,
	    16 * 1024 * 1024),
	NUM(struct conf, queue_max_bytes, false, 1024 * 1024,
	    INT64_C(1) << 40, INT64_C(1) << 30),
	NUM(struct conf, disk_reserve, false, 0, INT64_C(1) << 40,
	    64 * 1024 * 1024),
	NUM(struct conf, checkpoint_entries, false, 1, 1000000, 1000),
	NUM(struct conf, checkpoint_seconds, false, 1, 86400, 300),
	NUM(struct conf, retry_min_ms, false, 10, 3600000, 200),
	NUM(struct conf, retry_max_ms, false, 10, 86400000, 60000),
	NUM(struct conf, heartbeat_ms, false, 100, 600000, 2000),
	NUM(struct conf, default_expiry, false, 60, 365 * 86400, 7 * 86400),
};

static const struct field peer_fields[] = {
	STR(struct conf_peer, name, F_NODENAME, true),
	STR(struct conf_peer, endpoint, F_ENDPOINT, false),
	STR(struct conf_peer, key, F_TEXT, true),
	STR(struct conf_peer, nationality, F_NAT, true),
	BITS(struct conf_peer, organisations, F_ORGS, false),
	STR(struct conf_peer, accreditation, F_TEXT, true),
};

static const struct field user_fields[] = {
	STR(struct conf_user, login, F_LOGIN, true),
	STR(struct conf_user, clearance, F_TEXT, true),
	STR(struct conf_user, nationality, F_NAT, true),
	BITS(struct conf_user, organisations, F_ORGS, false),
	BITS(struct conf_user, roles, F_ROLES, true),
};

static const struct field route_fields[] = {
	STR(struct conf_route, destination, F_NODENAME, true),
	STR(struct conf_route, via, F_NODENAME, true),
};

static const struct field category_fields[] = {
	STR(struct conf_category, policy, F_TEXT, true),
	STR(struct conf_category, tag, F_TEXT, true),
	STR(struct conf_category, value, F_TEXT, true),
	WORD(struct conf_category, type, true, cat_words),
	NUM(struct conf_category, min_rank, false, 0, 4, 0),
};

static const struct field policy_fields[] = {
	STR(struct conf_policy, id, F_TEXT, true),
	STR(struct conf_policy, owner, F_TEXT, true),
	STR(struct conf_policy, uri, F_TEXT, false),
};

static const struct field equivalence_fields[] = {
	STR(struct conf_equivalence, a, F_TEXT, true),
	NUM(struct conf_equivalence, rank_a, true, 0, 4, 0),
	STR(struct conf_equivalence, b, F_TEXT, true),
	NUM(struct conf_equivalence, rank_b, true, 0, 4, 0),
};

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* One list section: where its array lives in struct conf, its element. */
struct section {
	const char		*name;
	const struct field	*fields;
	size_t			 nfields;
	size_t			 elem_size;
	size_t			 max;
	size_t			 arr_off;	/* offset of the array pointer */
	size_t			 n_off;		/* offset of the count */
	size_t			 line_off;	/* offset of the element's line */
};

static const struct section sections[] = {
	{ "peers", peer_fields, NFIELDS(peer_fields), sizeof(struct conf_peer),
	  CONF_PEERS_MAX, offsetof(struct conf, peers),
	  offsetof(struct conf, npeers), offsetof(struct conf_peer, line) },
	{ "users", user_fields, NFIELDS(user_fields), sizeof(struct conf_user),
	  CONF_USERS_MAX, offsetof(struct conf, users),
	  offsetof(struct conf, nusers), offsetof(struct conf_user, line) },
	{ "routes", route_fields, NFIELDS(route_fields),
	  sizeof(struct conf_route), CONF_ROUTES_MAX,
	  offsetof(struct conf, routes), offsetof(struct conf, nroutes),
	  offsetof(struct conf_route, line) },
};

void
conf_error(struct conf_errors *errs, const struct conf *conf, int line,
    const char *fmt, ...)
{
	char what[CONF_ERROR_LEN];
	va_list ap;
	int n;

	if (errs->n >= CONF_ERRORS_MAX) {
		errs->truncated = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* A message cut short still names the file and line. */
	if (line > 0)
		n = snprintf(errs->msg[errs->n], CONF_ERROR_LEN, "%s:%d: %s",
		    conf->path, line, what);
	else
		n = snprintf(errs->msg[errs->n], CONF_ERROR_LEN, "%s: %s",
		    conf->path, what);
	if (n < 0 || n >= CONF_ERROR_LEN)
		memcpy(errs->msg[errs->n] + CONF_ERROR_LEN - 4, "...", 4);
	errs->n++;
}

static int
line_of(const config_setting_t *s)
{
	return s == NULL ? 0 : (int)config_setting_source_line(s);
}

static bool
is_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static bool
valid_nodename(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > CONF_NAME_MAX || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool
valid_login(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > CONF_NAME_MAX ||
	    !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

static bool
valid_nat(const char *s)
{
	if (strcmp(s, "-") == 0)
		return true;
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' &&
	    s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}

static bool
valid_endpoint(const char *s)
{
	const char *colon;
	long long port;

	if (strncmp(s, "ipc://", 6) == 0)
		return s[6] == '/' && is_printable(s);
	if (strncmp(s, "tcp://", 6) != 0 || !is_printable(s))
		return false;
	if ((colon = strrchr(s + 6, ':')) == NULL || colon == s + 6)
		return false;
	return util_strtonum(colon + 1, 1, 65535, &port) == 0;
}

/* Resolve value against the configuration's directory into dst. */
static bool
make_path(const struct conf *conf, char *dst, size_t cap, const char *value)
{
	int n;

	if (value[0] == '/')
		n = snprintf(dst, cap, "%s", value);
	else
		n = snprintf(dst, cap, "%s/%s", conf->dir, value);
	return n > 0 && (size_t)n < cap;
}

static void
read_bits(struct conf *conf, struct conf_errors *errs, const char *where,
    const config_setting_t *s, const struct field *f, unsigned *bits)
{
	static const char *const org_names[] = { "NATO", "EU", NULL };
	static const char *const role_names[] = { "officer", "auditor", NULL };
	const char *const *names = f->type == F_ORGS ? org_names : role_names;
	int i, n, k;

	*bits = 0;
	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		conf_error(errs, conf, line_of(s), "%s: %s: must be a list of "
		    "strings, e.g. [\"%s\"]", where, f->name, names[0]);
		return;
	}
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (v == NULL) {
			conf_error(errs, conf, line_of(s), "%s: %s: element %d is "
			    "not a string", where, f->name, i + 1);
			continue;
		}
		if (f->type == F_ORGS && strcmp(v, "-") == 0 && n == 1)
			continue;
		for (k = 0; names[k] != NULL; k++)
			if (strcmp(v, names[k]) == 0)
				break;
		if (names[k] == NULL) {
			conf_error(errs, conf, line_of(s), "%s: %s: unknown value "
			    "'%s' (expected %s%s%s)", where, f->name, v, names[0],
			    names[1] ? " or " : "", names[1] ? names[1] : "");
			continue;
		}
		if (*bits & (1u << k))
			conf_error(errs, conf, line_of(s), "%s: %s: '%s' is listed "
			    "twice", where, f->name, v);
		*bits |= 1u << k;
	}
	if (f->type == F_ROLES && *bits == 0)
		conf_error(errs, conf, line_of(s), "%s: %s: at least one role is "
		    "needed (officer, auditor)", where, f->name);
}

static void
read_string(struct conf *conf, struct conf_errors *errs, const char *where,
    const config_setting_t *s, const struct field *f, char *dst)
{
	const char *v = config_setting_get_string(s);
	int line = line_of(s);
	size_t k;

	if (v == NULL) {
		conf_error(errs, conf, line, "%s: %s: must be a string", where, f->name);
		return;
	}
	if (!is_printable(v)) {
		conf_error(errs, conf, line, "%s: %s: control or non-ASCII "
		    "character", where, f->name);
		return;
	}
	if (f->type == F_PATH) {
		if (v[0] == '\0' || !make_path(conf, dst, f->cap, v))
			conf_error(errs, conf, line, "%s: %s: %s", where, f->name,
			    v[0] == '\0' ? "empty path" : "path too long");
		return;
	}
	if (strlen(v) >= f->cap) {
		conf_error(errs, conf, line, "%s: %s: longer than %zu characters",
		    where, f->name, f->cap - 1);
		return;
	}
	switch (f->type) {
	case F_NODENAME:
		if (!valid_nodename(v)) {
			conf_error(errs, conf, line, "%s: %s: '%s' is not a node "
			    "name (A-Z, 0-9 and '-', at most %d)", where, f->name, v,
			    CONF_NAME_MAX);
			return;
		}
		break;
	case F_LOGIN:
		if (!valid_login(v)) {
			conf_error(errs, conf, line, "%s: %s: '%s' is not a valid "
			    "login or group name", where, f->name, v);
			return;
		}
		break;
	case F_NAT:
		if (!valid_nat(v)) {
			conf_error(errs, conf, line, "%s: %s: '%s' is not an "
			    "ISO 3166-1 alpha-3 code or '-'", where, f->name, v);
			return;
		}
		break;
	case F_ENDPOINT:
		if (!valid_endpoint(v)) {
			conf_error(errs, conf, line, "%s: %s: '%s' is not an "
			    "endpoint (tcp://HOST:PORT or ipc:///PATH)",
			    where, f->name, v);
			return;
		}
		break;
	case F_WORD:
		for (k = 0; f->words[k] != NULL; k++)
			if (strcmp(v, f->words[k]) == 0)
				break;
		if (f->words[k] == NULL) {
			conf_error(errs, conf, line, "%s: %s: unknown value '%s'",
			    where, f->name, v);
			return;
		}
		break;
	default:
		if (v[0] == '\0') {
			conf_error(errs, conf, line, "%s: %s: must not be empty",
			    where, f->name);
			return;
		}
		break;
	}
	memcpy(dst, v, strlen(v) + 1);
}

static void
read_int(struct conf *conf, struct conf_errors *errs, const char *where,
    const config_setting_t *s, const struct field *f, int64_t *dst)
{
	long long v;

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		conf_error(errs, conf, line_of(s), "%s: %s: must be an integer",
		    where, f->name);
		return;
	}
	v = config_setting_get_int64(s);
	if (v < f->min || v > f->max) {
		conf_error(errs, conf, line_of(s), "%s: %s: %lld is out of range "
		    "[%lld, %lld]", where, f->name, v, (long long)f->min,
		    (long long)f->max);
		return;
	}
	*dst = v;
}

/* Read the settings of one group into base, per the field table. */
static void
read_group(struct conf *conf, struct conf_errors *errs,
    const config_setting_t *group, const char *where,
    const struct field *fields, size_t nfields, void *base)
{
	bool seen[32] = { false };
	unsigned char *b = base;
	int i, n;
	size_t k;

	for (k = 0; k < nfields; k++)
		if (fields[k].type == F_INT)
			memcpy(b + fields[k].off, &fields[k].def,
			    sizeof(int64_t));
	if (!config_setting_is_group(group)) {
		conf_error(errs, conf, line_of(group), "%s: must be a group "
		    "{ ... }", where);
		return;
	}
	n = config_setting_length(group);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group,
		    (unsigned)i);
		const char *name = config_setting_name(s);

		for (k = 0; k < nfields; k++)
			if (name != NULL && strcmp(name, fields[k].name) == 0)
				break;
		if (k == nfields) {
			conf_error(errs, conf, line_of(s), "%s: unknown "
			    "setting '%s'", where, name ? name : "?");
			continue;
		}
		seen[k] = true;
		switch (fields[k].type) {
		case F_ORGS:
		case F_ROLES:
			read_bits(conf, errs, where, s, &fields[k],
			    (unsigned *)(b + fields[k].off));
			break;
		case F_INT:
			read_int(conf, errs, where, s, &fields[k],
			    (int64_t *)(b + fields[k].off));
			break;
		default:
			read_string(conf, errs, where, s, &fields[k],
			    (char *)(b + fields[k].off));
			break;
		}
	}
	for (k = 0; k < nfields; k++)
		if (fields[k].required && !seen[k])
			conf_error(errs, conf, line_of(group), "%s: missing "
			    "required setting '%s'", where, fields[k].name);
}

static void
read_section(struct conf *conf, struct conf_errors *errs,
    const config_setting_t *list, const struct section *sec)
{
	unsigned char *arr;
	size_t n, i;
	char where[64];

	if (!config_setting_is_list(list)) {
		conf_error(errs, conf, line_of(list), "%s: must be a list "
		    "( { ... }, ... )", sec->name);
		return;
	}
	n = (size_t)config_setting_length(list);
	if (n > sec->max) {
		conf_error(errs, conf, line_of(list), "%s: %zu entries, at "
		    "most %zu", sec->name, n, sec->max);
		return;
	}
	if (n == 0)
		return;
	if ((arr = calloc(n, sec->elem_size)) == NULL) {
		conf_error(errs, conf, 0, "out of memory");
		return;
	}
	memcpy((unsigned char *)conf + sec->arr_off, &arr, sizeof(arr));
	memcpy((unsigned char *)conf + sec->n_off, &n, sizeof(n));
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list,
		    (unsigned)i);
		int line = line_of(e);

		snprintf(where, sizeof(where), "%s[%zu]", sec->name, i + 1);
		memcpy(arr + i * sec->elem_size + sec->line_off, &line,
		    sizeof(line));
		read_group(conf, errs, e, where, sec->fields, sec->nfields,
		    arr + i * sec->elem_size);
	}
}

static void
read_revoked(struct conf *conf, struct conf_errors *errs,
    const config_setting_t *s)
{
	size_t n, i;

	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		conf_error(errs, conf, line_of(s), "revoked: must be a list "
		    "of fingerprints [\"...\", ...]");
		return;
	}
	n = (size_t)config_setting_length(s);
	if (n > CONF_REVOKED_MAX) {
		conf_error(errs, conf, line_of(s), "revoked: %zu entries, at "
		    "most %d", n, CONF_REVOKED_MAX);
		return;
	}
	if (n == 0 || (conf->revoked = calloc(n, sizeof(*conf->revoked)))
	    == NULL)
		return;
	for (i = 0; i < n; i++) {
		const char *v = config_setting_get_string(
		    config_setting_get_elem(s, (unsigned)i));

		if (v == NULL || v[0] == '\0' || !is_printable(v) ||
		    strlen(v) > CONF_TEXT_MAX) {
			conf_error(errs, conf, line_of(s), "revoked[%zu]: must "
			    "be a fingerprint string", i + 1);
			continue;
		}
		memcpy(conf->revoked[conf->nrevoked++], v, strlen(v) + 1);
	}
}

/* A list of groups under a name, each read by read_group into an array. */
static void *
read_groups(struct conf *conf, struct conf_errors *errs,
    const config_setting_t *list, const char *what, size_t max,
    size_t elem, const struct field *fields, size_t nfields, size_t line_off,
    size_t *np)
{
	unsigned char *arr;
	char where[64];
	size_t n, k;
	int line;

	*np = 0;
	if (!config_setting_is_list(list) ||
	    (size_t)config_setting_length(list) > max) {
		conf_error(errs, conf, line_of(list), "%s: must be a list of at "
		    "most %zu groups ( { ... }, ... )", what, max);
		return NULL;
	}
	n = (size_t)config_setting_length(list);
	if (n == 0 || (arr = calloc(n, elem)) == NULL)
		return NULL;
	for (k = 0; k < n; k++) {
		const config_setting_t *e = config_setting_get_elem(list,
		    (unsigned)k);

		snprintf(where, sizeof(where), "%s[%zu]", what, k + 1);
		line = line_of(e);
		memcpy(arr + k * elem + line_off, &line, sizeof(line));
		read_group(conf, errs, e, where, fields, nfields,
		    arr + k * elem);
	}
	*np = n;
	return arr;
}

/* levels = ( { rank = N; local = [ "..." ]; full = [ "..." ]; }, ... ) */
static void
read_levels(struct conf *conf, struct conf_errors *errs,
    const config_setting_t *list, const char *where, struct conf_policy *p)
{
	static const char *const kinds[] = { "local", "full" };
	int i, n, k, j, m;

	if (!config_setting_is_list(list)) {
		conf_error(errs, conf, line_of(list), "%s.levels: must be a list "
		    "( { rank = N; local = [ ... ]; full = [ ... ]; }, ... )",
		    where);
		return;
	}
	n = config_setting_length(list);
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list,
		    (unsigned)i), *e;
		long long rank;
		int cnt = 0;

		if (!config_setting_is_group(g) ||
		    (e = config_setting_get_member(g, "rank")) == NULL ||
		    (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64) ||
		    (rank = config_setting_get_int64(e)) < 0 || rank > 4) {
			conf_error(errs, conf, line_of(g), "%s.levels[%d]: needs "
			    "rank = 0..4", where, i + 1);
			continue;
		}
		for (j = 0; j < config_setting_length(g); j++) {
			const char *nm = config_setting_name(
			    config_setting_get_elem(g, (unsigned)j));

			if (strcmp(nm, "rank") != 0 && strcmp(nm, "local") != 0 &&
			    strcmp(nm, "full") != 0)
				conf_error(errs, conf, line_of(g), "%s.levels[%d]: "
				    "unknown setting '%s'", where, i + 1, nm);
		}
		for (k = 0; k < 2; k++) {
			if ((e = config_setting_get_member(g, kinds[k])) == NULL)
				continue;
			if (!config_setting_is_array(e)) {
				conf_error(errs, conf, line_of(e), "%s.levels[%d]."
				    "%s: must be a list of strings", where,
				    i + 1, kinds[k]);
				continue;
			}
			m = config_setting_length(e);
			for (j = 0; j < m; j++) {
				const char *v = config_setting_get_string(
				    config_setting_get_elem(e, (unsigned)j));
				struct conf_level_name *ln;

				if (v == NULL || v[0] == '\0' || !is_printable(v) ||
				    strlen(v) >= sizeof(ln->name)) {
					conf_error(errs, conf, line_of(e), "%s."
					    "levels[%d].%s: element %d is not a "
					    "level name", where, i + 1, kinds[k],
					    j + 1);
					continue;
				}
				if (p->nnames >= CONF_LEVEL_NAMES_MAX) {
					conf_error(errs, conf, line_of(e), "%s: "
					    "more than %d level names", where,
					    CONF_LEVEL_NAMES_MAX);
					return;
				}
				ln = &p->names[p->nnames++];
				ln->rank = rank;
				ln->full = k == 1;
				memcpy(ln->name, v, strlen(v) + 1);
				cnt++;
			}
		}
		if (cnt == 0)
			conf_error(errs, conf, line_of(g), "%s.levels[%d]: no "
			    "name (local = [ ... ] or full = [ ... ])", where,
			    i + 1);
	}
}

/*
 * policy = { policies = ( ... ); categories = ( ... );
 *            equivalences = ( ... ); }
 */
static void
read_policy(struct conf *conf, struct conf_errors *errs,
    const config_setting_t *s)
{
	const config_setting_t *pols = NULL, *cats = NULL, *eqs = NULL;
	char where[64];
	int i, n;
	size_t k;

	if (!config_setting_is_group(s)) {
		conf_error(errs, conf, line_of(s), "policy: must be a group "
		    "{ policies = ( ... ); categories = ( ... ); "
		    "equivalences = ( ... ); }");
		return;
	}
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s,
		    (unsigned)i);
		const char *name = config_setting_name(e);

		if (name != NULL && strcmp(name, "categories") == 0)
			cats = e;
		else if (name != NULL && strcmp(name, "policies") == 0)
			pols = e;
		else if (name != NULL && strcmp(name, "equivalences") == 0)
			eqs = e;
		else
			conf_error(errs, conf, line_of(e), "policy: unknown "
			    "setting '%s'", name ? name : "?");
	}
	if (pols != NULL && config_setting_is_list(pols) &&
	    (size_t)config_setting_length(pols) <= CONF_POLICIES_MAX &&
	    config_setting_length(pols) > 0 &&
	    (conf->policies = calloc((size_t)config_setting_length(pols),
	    sizeof(*conf->policies))) != NULL) {
		for (k = 0; k < (size_t)config_setting_length(pols); k++) {
			const config_setting_t *g = config_setting_get_elem(
			    pols, (unsigned)k), *lv;
			struct conf_policy *p = &conf->policies[k];
			config_setting_t *copy;

			snprintf(where, sizeof(where), "policy.policies[%zu]",
			    k + 1);
			p->line = line_of(g);
			/* levels is nested: read it apart from the flat
			 * fields, which read_group checks. */
			lv = config_setting_is_group(g) ?
			    config_setting_get_member(g, "levels") : NULL;
			if (lv == NULL) {
				conf_error(errs, conf, p->line, "%s: missing "
				    "required setting 'levels'", where);
			} else {
				read_levels(conf, errs, lv, where, p);
				copy = (config_setting_t *)g;
				config_setting_remove(copy, "levels");
			}
			read_group(conf, errs, g, where, policy_fields,
			    NFIELDS(policy_fields), p);
		}
		conf->npolicies = (size_t)config_setting_length(pols);
	} else if (pols != NULL) {
		conf_error(errs, conf, line_of(pols), "policy.policies: must be "
		    "a list of at most %d groups", CONF_POLICIES_MAX);
	}
	if (cats != NULL)
		conf->categories = read_groups(conf, errs, cats,
		    "policy.categories", CONF_CATEGORIES_MAX,
		    sizeof(*conf->categories), category_fields,
		    NFIELDS(category_fields),
		    offsetof(struct conf_category, line), &conf->ncategories);
	if (eqs != NULL)
		conf->equivalences = read_groups(conf, errs, eqs,
		    "policy.equivalences", CONF_EQUIVALENCES_MAX,
		    sizeof(*conf->equivalences), equivalence_fields,
		    NFIELDS(equivalence_fields),
		    offsetof(struct conf_equivalence, line),
		    &conf->nequivalences);
}

/* Cross-setting rules: unique names, routes through known peers. */
static void
check_references(struct conf *conf, struct conf_errors *errs)
{
	size_t i, j;

	for (i = 0; i < conf->npeers; i++) {
		const struct conf_peer *p = &conf->peers[i];

		if (p->name[0] != '\0' && strcmp(p->name, conf->name) == 0)
			conf_error(errs, conf, p->line, "peers: '%s' is this "
			    "node's own name", p->name);
		for (j = 0; j < i; j++)
			if (p->name[0] != '\0' &&
			    strcmp(p->name, conf->peers[j].name) == 0)
				conf_error(errs, conf, p->line, "peers: '%s' is "
				    "configured twice", p->name);
	}
	for (i = 0; i < conf->nusers; i++)
		for (j = 0; j < i; j++)
			if (conf->users[i].login[0] != '\0' &&
			    strcmp(conf->users[i].login, conf->users[j].login)
			    == 0)
				conf_error(errs, conf, conf->users[i].line,
				    "users: '%s' is configured twice",
				    conf->users[i].login);
	for (i = 0; i < conf->nroutes; i++) {
		const struct conf_route *r = &conf->routes[i];

		if (r->via[0] != '\0' && conf_peer(conf, r->via) == NULL)
			conf_error(errs, conf, r->line, "routes: via '%s' is "
			    "not a configured peer", r->via);
		if (strcmp(r->destination, conf->name) == 0)
			conf_error(errs, conf, r->line, "routes: '%s' is this "
			    "node itself", r->destination);
		for (j = 0; j < i; j++)
			if (strcmp(r->destination,
			    conf->routes[j].destination) == 0)
				conf_error(errs, conf, r->line, "routes: two "
				    "routes to '%s'", r->destination);
	}
	if (conf->retry_min_ms > conf->retry_max_ms)
		conf_error(errs, conf, 0, "node: retry_min_ms is larger than "
		    "retry_max_ms");
}

static int
set_paths(struct conf *conf, const char *path, struct conf_errors *errs)
{
	const char *slash;
	size_t dlen;

	if (strlen(path) >= sizeof(conf->path)) {
		snprintf(errs->msg[0], CONF_ERROR_LEN, "configuration path "
		    "too long");
		errs->n = 1;
		return -ENAMETOOLONG;
	}
	memcpy(conf->path, path, strlen(path) + 1);
	if ((slash = strrchr(path, '/')) == NULL) {
		if (getcwd(conf->dir, sizeof(conf->dir)) == NULL)
			return -errno;
		return 0;
	}
	dlen = slash == path ? 1 : (size_t)(slash - path);
	memcpy(conf->dir, path, dlen);
	conf->dir[dlen] = '\0';
	if (conf->dir[0] != '/') {
		char abs[CONF_PATH_MAX], cwd[CONF_PATH_MAX];
		int n;

		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return -errno;
		n = snprintf(abs, sizeof(abs), "%s/%s", cwd, conf->dir);
		if (n < 0 || (size_t)n >= sizeof(abs))
			return -ENAMETOOLONG;
		memcpy(conf->dir, abs, (size_t)n + 1);
	}
	return 0;
}

int
conf_load(const char *path, struct conf **out, struct conf_errors *errs)
{
	struct conf tmp;
	char *text = NULL;
	size_t len;
	int ret;

	*out = NULL;
	memset(errs, 0, sizeof(*errs));
	memset(&tmp, 0, sizeof(tmp));
	snprintf(tmp.path, sizeof(tmp.path), "%s", path);
	/* Read it ourselves: bounded, no symbolic link, a clear error. */
	if ((ret = util_read_file(path, CONF_FILE_MAX, &text, &len)) != 0) {
		conf_error(errs, &tmp, 0, "cannot read: %s", ret == -EFBIG ?
		    "larger than 1 MiB" : ret == -ELOOP ? "a symbolic link" :
		    strerror(-ret));
		return ret;
	}
	ret = conf_load_text(path, text, len, out, errs);
	free(text);
	return ret;
}

int
conf_load_text(const char *path, const char *text, size_t len,
    struct conf **out, struct conf_errors *errs)
{
	static const char *const top[] = { "node", "peers", "routes", "users",
	    "revoked", "policy", NULL };
	struct conf *conf = NULL;
	config_setting_t *root, *s;
	config_t cfg;
	size_t k;
	int ret, i, n;

	*out = NULL;
	memset(errs, 0, sizeof(*errs));
	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return -ENOMEM;
	if ((ret = set_paths(conf, path, errs)) != 0)
		goto out_free;
	if (len > CONF_FILE_MAX || strlen(text) != len) {
		conf_error(errs, conf, 0, len > CONF_FILE_MAX ?
		    "larger than 1 MiB" : "contains a NUL byte");
		ret = -EINVAL;
		goto out_free;
	}
	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		conf_error(errs, conf, config_error_line(&cfg), "%s",
		    config_error_text(&cfg));
		ret = -EINVAL;
		goto out_cfg;
	}
	root = config_root_setting(&cfg);
	n = config_setting_length(root);
	for (i = 0; i < n; i++) {
		const char *name;

		s = config_setting_get_elem(root, (unsigned)i);
		name = config_setting_name(s);
		for (k = 0; top[k] != NULL; k++)
			if (strcmp(name, top[k]) == 0)
				break;
		if (top[k] == NULL)
			conf_error(errs, conf, line_of(s), "unknown setting "
			    "'%s'", name);
	}
	strcpy(conf->log, "stderr");
	strcpy(conf->sandbox, "on");
	if ((s = config_lookup(&cfg, "node")) == NULL)
		conf_error(errs, conf, 0, "missing required group 'node'");
	else
		read_group(conf, errs, s, "node", node_fields,
		    NFIELDS(node_fields), conf);
	for (k = 0; k < NFIELDS(sections); k++)
		if ((s = config_lookup(&cfg, sections[k].name)) != NULL)
			read_section(conf, errs, s, &sections[k]);
	if ((s = config_lookup(&cfg, "revoked")) != NULL)
		read_revoked(conf, errs, s);
	if ((s = config_lookup(&cfg, "policy")) != NULL)
		read_policy(conf, errs, s);
	check_references(conf, errs);
	ret = errs->n > 0 ? -EINVAL : 0;
out_cfg:
	config_destroy(&cfg);
out_free:
	if (ret == 0)
		*out = conf;
	else
		conf_free(&conf);
	return ret;
}

void
conf_free(struct conf **confp)
{
	struct conf *conf;

	if (confp == NULL || (conf = *confp) == NULL)
		return;
	free(conf->peers);
	free(conf->users);
	free(conf->routes);
	free(conf->revoked);
	free(conf->categories);
	free(conf->policies);
	free(conf->equivalences);
	free(conf);
	*confp = NULL;
}

const struct conf_peer *
conf_peer(const struct conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->npeers; i++)
		if (strcmp(conf->peers[i].name, name) == 0)
			return &conf->peers[i];
	return NULL;
}

const struct conf_user *
conf_user(const struct conf *conf, const char *login)
{
	size_t i;

	for (i = 0; i < conf->nusers; i++)
		if (strcmp(conf->users[i].login, login) == 0)
			return &conf->users[i];
	return NULL;
}

const char *
conf_default_path(void)
{
	const char *p = getenv("VALISE_CONFIG");

	return p != NULL && p[0] != '\0' ? p : "/etc/valise/valise.conf";
}
