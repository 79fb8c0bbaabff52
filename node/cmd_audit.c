/* SPDX-License-Identifier: ISC */
/*
 * valise audit: the auditor's commands.
 *
 *	valise audit log [filters] [--json|--csv]
 *	valise audit verify [--checkpoint FILE] [--signer HEX]
 *	valise audit checkpoint
 *	valise audit export --json|--csv
 *	valise audit export-key --out FILE
 *
 * Without --db, a command goes through the local node (-c CONFIG): the
 * daemon checks the auditor role in the configuration, refuses anyone
 * else (exit 1), and audits every query and every refusal.  With --db
 * FILE --key-file FILE it works offline on a copy of audit.db, opened
 * read-only: holding the key file is then the authorisation.  Nothing
 * here writes to the log.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "node/audit.h"
#include "node/client.h"
#include "node/cmds.h"
#include "node/report.h"
#include "node/util.h"
#include "policy/label.h"
#include "policy/policy.h"

/* A key file is 64 hex digits and an optional newline. */
#define KEYFILE_HEX	(2 * AUDIT_KEY_BYTES)

enum verb {
	VERB_LOG,
	VERB_VERIFY,
	VERB_CHECKPOINT,
	VERB_EXPORT,
	VERB_EXPORT_KEY,
};

struct opts {
	enum verb		 verb;
	const char		*config;
	const char		*db;
	const char		*key_file;
	const char		*checkpoint;
	const char		*signer;
	const char		*witness;
	const char		*out;
	const char		*label_at_least;
	enum report_format	 fmt;
	bool			 fmt_set;
	struct audit_filter	 filter;
	/* --label-at-least, offline: built-in policy tables */
	struct policy_tables	*tables;
	struct label		 at_least;
};

static const struct {
	const char	*name;
	enum verb	 verb;
	const char	*args;
} verbs[] = {
	{ "log", VERB_LOG, "[--since T] [--until T] [--event E] "
	    "[--user LOGIN] [--msg ID]\n\t\t[--label-at-least LABEL] "
	    "[--json|--csv]" },
	{ "verify", VERB_VERIFY, "[--checkpoint FILE] [--signer HEX]" },
	{ "checkpoint", VERB_CHECKPOINT, "[--witness NODE]" },
	{ "export", VERB_EXPORT, "--json|--csv" },
	{ "export-key", VERB_EXPORT_KEY, "--out FILE" },
};

/* Columns of `log` and `export` (export adds link and mac). */
enum {
	C_SEQ, C_TIME, C_EVENT, C_MSG, C_ORIGIN, C_PREV, C_NEXT, C_RCPT,
	C_LOGIN, C_UID, C_LABEL, C_PREC, C_DECISION, C_RULE, C_POLICY,
	C_PEER, C_DETAIL, C_LINK, C_MAC, C_NCOLS
};
static const struct report_col columns[C_NCOLS] = {
	{ "seq", REPORT_INT }, { "time", REPORT_STR },
	{ "event", REPORT_STR }, { "msg_id", REPORT_STR },
	{ "origin", REPORT_STR }, { "prev_hop", REPORT_STR },
	{ "next_hop", REPORT_STR }, { "recipients", REPORT_STR },
	{ "login", REPORT_STR }, { "uid", REPORT_INT },
	{ "label", REPORT_STR }, { "precedence", REPORT_STR },
	{ "decision", REPORT_STR }, { "rule", REPORT_STR },
	{ "policy_hash", REPORT_STR }, { "peer_fpr", REPORT_STR },
	{ "detail", REPORT_STR }, { "link", REPORT_STR },
	{ "mac", REPORT_STR },
};

static void	usage(FILE *);
static int	parse_opts(int, char **, struct opts *);
static int	parse_time(const char *, int64_t *);
static int	read_key_file(const char *, uint8_t *);
static int	source_open(const struct opts *, struct audit **, uint8_t *);
static int	online(struct opts *);
static bool	label_at_least(void *, const char *);
static int	do_log(struct audit *, const struct opts *);
static int	do_verify(struct audit *, const uint8_t *,
		    const struct opts *);
static int	do_checkpoint(struct audit *, const char *);
static int	do_export_key(const uint8_t *, const struct opts *);
static int	open_error(const struct opts *, int);
static int	print_verify(int, const struct audit_verify_result *,
		    const char *, bool);

int
cmd_audit_main(int argc, char **argv)
{
	struct opts o;
	struct audit *a = NULL;
	uint8_t *key;
	int ret, status;

	if ((ret = parse_opts(argc, argv, &o)) != 0) {
		policy_tables_free(&o.tables);
		return ret > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (o.db == NULL) {
		status = online(&o);
		policy_tables_free(&o.tables);
		return status;
	}
	if ((key = secmem_alloc(AUDIT_KEY_BYTES)) == NULL) {
		fprintf(stderr, "valise audit: out of memory\n");
		return EXIT_INTERNAL;
	}
	if ((status = source_open(&o, &a, key)) != EXIT_OK)
		goto out;
	switch (o.verb) {
	case VERB_LOG:
	case VERB_EXPORT:
		status = do_log(a, &o);
		break;
	case VERB_VERIFY:
		status = do_verify(a, key, &o);
		break;
	case VERB_CHECKPOINT:
		status = do_checkpoint(a, o.witness);
		break;
	case VERB_EXPORT_KEY:
		status = do_export_key(key, &o);
		break;
	}
out:
	audit_close(a);
	secmem_free(key);
	policy_tables_free(&o.tables);
	return status;
}

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: valise audit <command> [-c CONFIG | --db FILE "
	    "--key-file FILE] [options]\n\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-11s %s\n", verbs[i].name, verbs[i].args);
	fprintf(f, "\nWithout --db the command asks the local node (auditors "
	    "only; audited).\n--db FILE --key-file FILE work on a copy of "
	    "audit.db, opened read-only;\nthe key file holds 64 hex digits "
	    "(mode "
	    "0600), as export-key writes it.\nTimes are seconds since the "
	    "epoch, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC).\n"
	    "verify exits 0 when clean, 1 when tampering is found, 2 on "
	    "usage errors.\n");
}

enum {
	O_DB = 256, O_KEYFILE, O_CONFIG, O_SINCE, O_UNTIL, O_EVENT, O_USER, O_MSG,
	O_LABEL, O_JSON, O_CSV, O_CHECKPOINT, O_SIGNER, O_OUT, O_WITNESS,
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "key-file", required_argument, NULL, O_KEYFILE },
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "event", required_argument, NULL, O_EVENT },
		{ "user", required_argument, NULL, O_USER },
		{ "msg", required_argument, NULL, O_MSG },
		{ "label-at-least", required_argument, NULL, O_LABEL },
		{ "json", no_argument, NULL, O_JSON },
		{ "csv", no_argument, NULL, O_CSV },
		{ "checkpoint", required_argument, NULL, O_CHECKPOINT },
		{ "signer", required_argument, NULL, O_SIGNER },
		{ "out", required_argument, NULL, O_OUT },
		{ "witness", required_argument, NULL, O_WITNESS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Which options each verb takes, as a bit per option. */
#define B(x) (1u << ((x) - O_DB))
	static const unsigned allowed[] = {
		[VERB_LOG] = B(O_SINCE) | B(O_UNTIL) | B(O_EVENT) |
		    B(O_USER) | B(O_MSG) | B(O_LABEL) | B(O_JSON) | B(O_CSV),
		[VERB_VERIFY] = B(O_CHECKPOINT) | B(O_SIGNER),
		[VERB_CHECKPOINT] = B(O_WITNESS),
		[VERB_EXPORT] = B(O_JSON) | B(O_CSV),
		[VERB_EXPORT_KEY] = B(O_OUT),
	};
	size_t i;
	int c;

	memset(o, 0, sizeof(*o));
	o->config = conf_default_path();
	/* `valise audit -c CONFIG VERB ...` as well as `... VERB -c CONFIG` */
	while (argc >= 3 && (strcmp(argv[1], "-c") == 0 ||
	    strcmp(argv[1], "--config") == 0)) {
		o->config = argv[2];
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		usage(stderr);
		return -EINVAL;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 1;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0])) {
		fprintf(stderr, "valise audit: unknown command '%s'\n\n",
		    argv[1]);
		usage(stderr);
		return -EINVAL;
	}
	o->verb = verbs[i].verb;
	argc--;
	argv++;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == '?')
			goto bad;
		if (c == 'c')
			c = O_CONFIG;
		if (c != O_DB && c != O_KEYFILE && c != O_CONFIG &&
		    !(allowed[o->verb] & B(c))) {
			fprintf(stderr, "valise audit %s: option '%s' does "
			    "not apply\n", verbs[i].name, argv[optind - 1]);
			goto bad;
		}
		switch (c) {
		case O_DB:
			o->db = optarg;
			break;
		case O_KEYFILE:
			o->key_file = optarg;
			break;
		case O_CONFIG:
			o->config = optarg;
			break;
		case O_SINCE:
		case O_UNTIL:
			if (parse_time(optarg, c == O_SINCE ?
			    &o->filter.since_us : &o->filter.until_us) != 0) {
				fprintf(stderr, "valise audit: bad time '%s'\n",
				    optarg);
				goto bad;
			}
			break;
		case O_EVENT:
			if (audit_event_parse(optarg, &o->filter.type) != 0) {
				fprintf(stderr, "valise audit: unknown event "
				    "'%s'\n", optarg);
				goto bad;
			}
			break;
		case O_USER:
			o->filter.login = optarg;
			break;
		case O_MSG:
			o->filter.msg_id = optarg;
			break;
		case O_LABEL:
			o->label_at_least = optarg;
			break;
		case O_JSON:
		case O_CSV:
			if (o->fmt_set) {
				fprintf(stderr, "valise audit: --json and "
				    "--csv exclude each other\n");
				goto bad;
			}
			o->fmt = c == O_JSON ? REPORT_JSON : REPORT_CSV;
			o->fmt_set = true;
			break;
		case O_CHECKPOINT:
			o->checkpoint = optarg;
			break;
		case O_SIGNER:
			o->signer = optarg;
			break;
		case O_OUT:
			o->out = optarg;
			break;
		case O_WITNESS:
			o->witness = optarg;
			break;
		}
	}
#undef B
	if (optind != argc) {
		fprintf(stderr, "valise audit %s: unexpected argument '%s'\n",
		    verbs[i].name, argv[optind]);
		goto bad;
	}
	if (o->verb == VERB_EXPORT && !o->fmt_set) {
		fprintf(stderr, "valise audit export: --json or --csv is "
		    "required\n");
		goto bad;
	}
	if (o->verb == VERB_EXPORT_KEY && o->out == NULL) {
		fprintf(stderr, "valise audit export-key: --out FILE is "
		    "required\n");
		goto bad;
	}
	if ((o->db == NULL) != (o->key_file == NULL)) {
		fprintf(stderr, "valise audit: --db and --key-file go "
		    "together\n");
		goto bad;
	}
	if (o->label_at_least != NULL && o->db != NULL) {
		struct label_error lerr;

		/* Offline, the built-in tables decide; through the node, the
		 * node's own tables (with its configured categories) do. */
		if ((o->tables = policy_tables_new()) == NULL ||
		    label_parse(o->tables, o->label_at_least, &o->at_least,
		    &lerr) != 0) {
			fprintf(stderr, "valise audit: --label-at-least: "
			    "invalid label '%s': %s\n", o->label_at_least,
			    o->tables ? lerr.msg : "out of memory");
			goto bad;
		}
		o->filter.label_ok = label_at_least;
		o->filter.label_ctx = o;
	}
	if (o->filter.since_us != 0 && o->filter.until_us != 0 &&
	    o->filter.since_us >= o->filter.until_us) {
		fprintf(stderr, "valise audit: --since must be before "
		    "--until\n");
		goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "usage: valise audit %s [-c CONFIG | --db FILE "
	    "--key-file FILE] %s\n", verbs[i].name, verbs[i].args);
	return -EINVAL;
}

static bool
label_at_least(void *ctx, const char *text)
{
	struct opts *o = ctx;
	struct label_error lerr;
	struct label l;

	return text != NULL && label_parse(o->tables, text, &l, &lerr) == 0 &&
	    label_dominates(o->tables, &l, &o->at_least);
}

/* Open a copy of the log, read-only, with the key file. */
static int
source_open(const struct opts *o, struct audit **ap, uint8_t *key)
{
	int ret;

	if ((ret = read_key_file(o->key_file, key)) != 0) {
		if (ret == -EPERM)
			fprintf(stderr, "valise audit: %s: readable by group "
			    "or others; refused (chmod 600)\n", o->key_file);
		else if (ret == -EBADMSG)
			fprintf(stderr, "valise audit: %s: not a key file "
			    "(64 hex digits)\n", o->key_file);
		else
			fprintf(stderr, "valise audit: %s: %s\n",
			    o->key_file, strerror(-ret));
		return EXIT_USAGE;
	}
	if ((ret = audit_open(ap, o->db, key, NULL, NULL, AUDIT_RDONLY)) != 0)
		return open_error(o, ret);
	return EXIT_OK;
}

static int
open_error(const struct opts *o, int ret)
{
	switch (ret) {
	case -EBADMSG:
		fprintf(stderr, "valise audit: %s: corrupt or wrong key\n",
		    o->db);
		return EXIT_REFUSED;
	case -ENOENT:
		fprintf(stderr, "valise audit: %s: no such file\n", o->db);
		return EXIT_USAGE;
	case -ENOTSUP:
		fprintf(stderr, "valise audit: %s: unsupported format or "
		    "SQLCipher settings not applied\n", o->db);
		return EXIT_INTERNAL;
	default:
		fprintf(stderr, "valise audit: %s: %s\n", o->db,
		    strerror(-ret));
		return util_exit_status(ret) == EXIT_REFUSED ? EXIT_INTERNAL :
		    util_exit_status(ret);
	}
}

/* --- log and export ----------------------------------------------------- */

struct log_ctx {
	struct report	*rep;
	bool		 hashes;
};

static void
format_time(char *buf, size_t len, int64_t us)
{
	struct tm tm;
	time_t t = (time_t)(us / 1000000);
	int64_t frac = us % 1000000;

	if (frac < 0) {
		frac += 1000000;
		t--;
	}
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "%lld", (long long)us);
		return;
	}
	snprintf(buf + strlen(buf), len - strlen(buf), ".%06lldZ",
	    (long long)frac);
}

static int
log_row(void *ctx, const struct audit_record *r)
{
	struct log_ctx *c = ctx;
	struct report *rep = c->rep;
	char t[64], hex[2 * AUDIT_HASH_BYTES + 1];
	const struct audit_event *e = &r->ev;
	int ret;

	format_time(t, sizeof(t), r->time_us);
	if ((ret = report_int(rep, C_SEQ, (int64_t)r->seq)) ||
	    (ret = report_str(rep, C_TIME, t)) ||
	    (ret = report_str(rep, C_EVENT, audit_event_name(e->type))) ||
	    (ret = report_str(rep, C_MSG, e->msg_id)) ||
	    (ret = report_str(rep, C_ORIGIN, e->origin)) ||
	    (ret = report_str(rep, C_PREV, e->prev_hop)) ||
	    (ret = report_str(rep, C_NEXT, e->next_hop)) ||
	    (ret = report_str(rep, C_RCPT, e->recipients)) ||
	    (ret = report_str(rep, C_LOGIN, e->login)) ||
	    (e->uid >= 0 && (ret = report_int(rep, C_UID, e->uid))) ||
	    (ret = report_str(rep, C_LABEL, e->label)) ||
	    (ret = report_str(rep, C_PREC, e->precedence)) ||
	    (ret = report_str(rep, C_DECISION, e->decision)) ||
	    (ret = report_str(rep, C_RULE, e->rule)) ||
	    (ret = report_str(rep, C_POLICY, e->policy_hash)) ||
	    (ret = report_str(rep, C_PEER, e->peer_fpr)) ||
	    (ret = report_str(rep, C_DETAIL, e->detail)))
		return ret;
	if (c->hashes) {
		prim_to_hex(hex, r->link, sizeof(r->link));
		if ((ret = report_str(rep, C_LINK, hex)) != 0)
			return ret;
		prim_to_hex(hex, r->mac, sizeof(r->mac));
		if ((ret = report_str(rep, C_MAC, hex)) != 0)
			return ret;
	}
	return report_row(rep);
}

/*
 * log shows what the filters select; export writes every entry with its
 * link and MAC.  Neither verifies: run verify for that (the guide says so).
 */
static int
do_log(struct audit *a, const struct opts *o)
{
	struct log_ctx c;
	int ret, ret2;

	c.hashes = o->verb == VERB_EXPORT;
	if ((ret = report_new(&c.rep, stdout, o->fmt, columns,
	    c.hashes ? C_NCOLS : C_LINK)) != 0) {
		fprintf(stderr, "valise audit: %s\n", strerror(-ret));
		return EXIT_INTERNAL;
	}
	ret = audit_query(a, o->verb == VERB_EXPORT ? NULL : &o->filter,
	    log_row, &c);
	ret2 = report_end(c.rep);
	report_free(c.rep);
	if (ret == -EBADMSG) {
		fprintf(stderr, "valise audit: %s: corrupt or wrong key\n",
		    o->db);
		return EXIT_REFUSED;
	}
	if (ret != 0 || ret2 != 0) {
		fprintf(stderr, "valise audit: %s\n",
		    strerror(-(ret != 0 ? ret : ret2)));
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

/* --- verify and checkpoint ---------------------------------------------- */

static int
read_checkpoint(const char *path, struct audit_checkpoint *cp)
{
	char *buf;
	size_t len;
	int ret;

	if ((ret = util_read_file(path, AUDIT_CHECKPOINT_TEXT_MAX, &buf,
	    &len)) != 0)
		return ret;
	ret = audit_checkpoint_parse(cp, buf, len);
	free(buf);
	return ret;
}

static int
do_verify(struct audit *a, const uint8_t *key, const struct opts *o)
{
	struct audit_verify_result res;
	struct audit_checkpoint ext, *extp = NULL;
	uint8_t pk[AUDIT_PK_BYTES];
	int ret;

	if (o->checkpoint != NULL) {
		if ((ret = read_checkpoint(o->checkpoint, &ext)) != 0) {
			fprintf(stderr, "valise audit verify: %s: %s\n",
			    o->checkpoint, ret == -EBADMSG ?
			    "not a checkpoint" : strerror(-ret));
			return EXIT_USAGE;
		}
		extp = &ext;
	}
	if (o->signer != NULL && prim_from_hex(pk, sizeof(pk), o->signer,
	    strlen(o->signer)) != 0) {
		fprintf(stderr, "valise audit verify: --signer wants 64 hex "
		    "digits\n");
		return EXIT_USAGE;
	}
	ret = audit_verify(a, key, extp, o->signer != NULL ? pk : NULL, &res);
	return print_verify(ret, &res, o->db, extp != NULL);
}

/* What verify found, the same offline and through the node. */
static int
print_verify(int ret, const struct audit_verify_result *res, const char *name,
    bool external)
{
	char hex[2 * AUDIT_HASH_BYTES + 1];

	if (ret == -EBADMSG) {
		printf("FAILED: %s: corrupt or wrong key (after %llu good "
		    "entries)\n", name, (unsigned long long)res->entries);
		return EXIT_REFUSED;
	}
	if (ret != 0) {
		fprintf(stderr, "valise audit verify: %s: %s\n", name,
		    strerror(-ret));
		return EXIT_INTERNAL;
	}
	if (res->fault != AUDIT_FAULT_NONE) {
		printf("FAILED: first bad seq %llu: %s\n",
		    (unsigned long long)res->bad_seq, res->what);
		return EXIT_REFUSED;
	}
	prim_to_hex(hex, res->head, sizeof(res->head));
	printf("ok: %llu entries, head %s\n",
	    (unsigned long long)res->entries, hex);
	printf("checkpoints: %llu signatures verified, last at seq %llu\n",
	    (unsigned long long)res->checkpoints,
	    (unsigned long long)res->last_checkpoint_seq);
	if (!external)
		printf("warning: no external checkpoint: truncation after seq "
		    "%llu cannot be excluded\n",
		    (unsigned long long)res->last_checkpoint_seq);
	else if (res->external_seq < res->entries)
		printf("external checkpoint at seq %llu matches; entries "
		    "after seq %llu are not anchored by it\n",
		    (unsigned long long)res->external_seq,
		    (unsigned long long)res->external_seq);
	else
		printf("external checkpoint at seq %llu matches\n",
		    (unsigned long long)res->external_seq);
	return EXIT_OK;
}

/* The latest checkpoint of this log, or one witnessed from a peer. */
static int
do_checkpoint(struct audit *a, const char *witness)
{
	struct audit_checkpoint cp;
	char buf[AUDIT_CHECKPOINT_TEXT_MAX];
	int ret;

	ret = witness != NULL ? audit_witness_latest_from(a, witness, &cp) :
	    audit_checkpoint_latest(a, &cp);
	if (ret == -ENOENT) {
		fprintf(stderr, "valise audit checkpoint: no checkpoint%s%s "
		    "yet\n", witness ? " witnessed from " : "",
		    witness ? witness : "");
		return EXIT_TEMPFAIL;
	}
	if (ret == -EBADMSG) {
		fprintf(stderr, "valise audit checkpoint: corrupt or wrong "
		    "key\n");
		return EXIT_REFUSED;
	}
	if (ret != 0 || (ret = audit_checkpoint_format(&cp, buf,
	    sizeof(buf))) < 0) {
		fprintf(stderr, "valise audit checkpoint: %s\n",
		    strerror(-ret));
		return EXIT_INTERNAL;
	}
	if (audit_checkpoint_verify(&cp, NULL) != 0) {
		fprintf(stderr, "valise audit checkpoint: the latest "
		    "checkpoint has a bad signature; run verify\n");
		return EXIT_REFUSED;
	}
	fputs(buf, stdout);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INTERNAL;
}

/* --- keys --------------------------------------------------------------- */

/*
 * Read a key file: a regular file, not a link, mode 0600 or stricter,
 * exactly 64 hex digits and an optional newline.  0, -EPERM for a file
 * others may read, -EBADMSG for bad contents, or -errno.
 */
static int
read_key_file(const char *path, uint8_t *key)
{
	char buf[KEYFILE_HEX + 2];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd, ret;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		ret = -EPERM;
		goto out;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == KEYFILE_HEX + 1 && buf[KEYFILE_HEX] == '\n')
		len--;
	ret = len == KEYFILE_HEX && prim_from_hex(key, AUDIT_KEY_BYTES, buf,
	    len) == 0 ? 0 : -EBADMSG;
out:
	secmem_wipe(buf, sizeof(buf));
	close(fd);
	return ret;
}

/*
 * Write the key for the stock sqlcipher shell: a new file (O_EXCL, never
 * through a link), mode 0600, 64 hex digits.  The log was opened with the
 * key first, so a key that does not open it is never exported.
 */
static int
do_export_key(const uint8_t *key, const struct opts *o)
{
	char hex[KEYFILE_HEX + 2];
	size_t off = 0;
	ssize_t n;
	int fd, ret = 0;

	fd = open(o->out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "valise audit export-key: %s: %s\n", o->out,
		    strerror(errno));
		return errno == EEXIST ? EXIT_USAGE : EXIT_INTERNAL;
	}
	prim_to_hex(hex, key, AUDIT_KEY_BYTES);
	hex[KEYFILE_HEX] = '\n';
	while (off < KEYFILE_HEX + 1) {
		n = write(fd, hex + off, KEYFILE_HEX + 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		off += (size_t)n;
	}
	secmem_wipe(hex, sizeof(hex));
	if (ret == 0 && fsync(fd) != 0)
		ret = -errno;
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	if (ret != 0) {
		unlink(o->out);
		fprintf(stderr, "valise audit export-key: %s: %s\n", o->out,
		    strerror(-ret));
		return EXIT_INTERNAL;
	}
	fprintf(stderr, "valise audit export-key: key written to %s (mode "
	    "0600); keep it with the same care as the node's keys\n", o->out);
	return EXIT_OK;
}

/* --- through the node --------------------------------------------------- */

static const char *
item_str(const struct ctl_msg *m, const char *k)
{
	return ctl_msg_str(m, k);
}

/* A record from the node's reply, for log_row(). */
static void
item_record(const struct ctl_msg *m, struct audit_record *r)
{
	int64_t v = 0;
	const char *s;

	memset(r, 0, sizeof(*r));
	(void)ctl_msg_int(m, "seq", &v);
	r->seq = (uint64_t)v;
	(void)ctl_msg_int(m, "time_us", &r->time_us);
	if ((s = item_str(m, "event")) == NULL ||
	    audit_event_parse(s, &r->ev.type) != 0)
		r->ev.type = 0;
	r->ev.msg_id = item_str(m, "msg_id");
	r->ev.origin = item_str(m, "origin");
	r->ev.prev_hop = item_str(m, "prev_hop");
	r->ev.next_hop = item_str(m, "next_hop");
	r->ev.recipients = item_str(m, "recipients");
	r->ev.login = item_str(m, "login");
	(void)ctl_msg_int(m, "uid", &r->ev.uid);
	r->ev.label = item_str(m, "label");
	r->ev.precedence = item_str(m, "precedence");
	r->ev.decision = item_str(m, "decision");
	r->ev.rule = item_str(m, "rule");
	r->ev.policy_hash = item_str(m, "policy_hash");
	r->ev.peer_fpr = item_str(m, "peer_fpr");
	r->ev.detail = item_str(m, "detail");
	/* A malformed hash reads as zeros (prim_from_hex clears it). */
	if ((s = item_str(m, "link")) != NULL &&
	    prim_from_hex(r->link, sizeof(r->link), s, strlen(s)) != 0)
		memset(r->link, 0, sizeof(r->link));
	if ((s = item_str(m, "mac")) != NULL &&
	    prim_from_hex(r->mac, sizeof(r->mac), s, strlen(s)) != 0)
		memset(r->mac, 0, sizeof(r->mac));
}

static int
online_log(struct client_conn *c, const struct opts *o)
{
	struct ctl_msg *req = NULL, *reply = NULL;
	struct audit_record rec;
	struct log_ctx lc;
	uint64_t after = 0;
	bool more = true;
	size_t i, n;
	int st = EXIT_OK, ret;

	lc.hashes = o->verb == VERB_EXPORT;
	lc.rep = NULL;
	while (more && st == EXIT_OK) {
		if ((req = ctl_msg_new()) == NULL) {
			st = EXIT_INTERNAL;
			break;
		}
		ctl_msg_set_str(req, "op", "audit");
		ctl_msg_set_str(req, "verb", lc.hashes ? "export" : "log");
		ctl_msg_set_int(req, "after_seq", (int64_t)after);
		if (o->filter.since_us)
			ctl_msg_set_int(req, "since_us", o->filter.since_us);
		if (o->filter.until_us)
			ctl_msg_set_int(req, "until_us", o->filter.until_us);
		if (o->filter.type)
			ctl_msg_set_str(req, "event",
			    audit_event_name(o->filter.type));
		if (o->filter.login)
			ctl_msg_set_str(req, "user", o->filter.login);
		if (o->filter.msg_id)
			ctl_msg_set_str(req, "msg", o->filter.msg_id);
		if (o->label_at_least)
			ctl_msg_set_str(req, "label_at_least",
			    o->label_at_least);
		ctl_msg_set_str(req, "what", after == 0 ? "first page" :
		    "next page");
		st = client_call(c, "audit", req, &reply);
		ctl_msg_free(&req);
		if (st != EXIT_OK)
			break;
		/* The header only once the node has said yes. */
		if (lc.rep == NULL && (ret = report_new(&lc.rep, stdout,
		    o->fmt, columns, lc.hashes ? C_NCOLS : C_LINK)) != 0) {
			st = EXIT_INTERNAL;
			break;
		}
		n = ctl_msg_count(reply, "records");
		for (i = 0; i < n; i++) {
			item_record(ctl_msg_item(reply, "records", i), &rec);
			if (log_row(&lc, &rec) != 0) {
				st = EXIT_INTERNAL;
				break;
			}
			after = rec.seq;
		}
		more = false;
		(void)ctl_msg_bool(reply, "more", &more);
		ctl_msg_free(&reply);
	}
	ctl_msg_free(&reply);
	if (lc.rep != NULL) {
		if (report_end(lc.rep) != 0 && st == EXIT_OK)
			st = EXIT_INTERNAL;
		report_free(lc.rep);
	}
	return st;
}

static int
online(struct opts *o)
{
	struct client_conn c;
	struct ctl_msg *req, *reply = NULL;
	struct audit_verify_result res;
	struct audit_checkpoint ext;
	uint8_t *key;
	int64_t v;
	const char *s;
	char *cptext = NULL;
	size_t cplen;
	int st, ret;

	if (o->signer != NULL) {
		fprintf(stderr, "valise audit verify: --signer applies to a "
		    "copy (--db); the node checks against its own key\n");
		return EXIT_USAGE;
	}
	if (o->checkpoint != NULL) {
		if ((ret = util_read_file(o->checkpoint,
		    AUDIT_CHECKPOINT_TEXT_MAX, &cptext, &cplen)) != 0 ||
		    audit_checkpoint_parse(&ext, cptext, cplen) != 0) {
			fprintf(stderr, "valise audit verify: %s: %s\n",
			    o->checkpoint, ret ? strerror(-ret) :
			    "not a checkpoint");
			free(cptext);
			return EXIT_USAGE;
		}
	}
	if ((st = client_open(&c, "audit", o->config)) != EXIT_OK) {
		free(cptext);
		return st;
	}
	if (o->verb == VERB_LOG || o->verb == VERB_EXPORT) {
		st = online_log(&c, o);
		goto out;
	}
	if ((req = ctl_msg_new()) == NULL) {
		st = EXIT_INTERNAL;
		goto out;
	}
	ctl_msg_set_str(req, "op", "audit");
	ctl_msg_set_str(req, "verb", o->verb == VERB_VERIFY ? "verify" :
	    o->verb == VERB_CHECKPOINT ? "checkpoint" : "export-key");
	if (cptext != NULL)
		ctl_msg_set_str(req, "checkpoint", cptext);
	if (o->witness != NULL)
		ctl_msg_set_str(req, "witness", o->witness);
	st = client_call(&c, "audit", req, &reply);
	ctl_msg_free(&req);
	if (st != EXIT_OK) {
		ctl_msg_free(&reply);
		goto out;
	}
	switch (o->verb) {
	case VERB_VERIFY:
		memset(&res, 0, sizeof(res));
		(void)ctl_msg_int(reply, "result", &v);
		ret = (int)v;
		(void)ctl_msg_int(reply, "fault", &v);
		res.fault = (enum audit_fault)v;
		(void)ctl_msg_int(reply, "bad_seq", &v);
		res.bad_seq = (uint64_t)v;
		util_fmt(res.what, sizeof(res.what), "%s",
		    (s = ctl_msg_str(reply, "what")) ? s : "");
		(void)ctl_msg_int(reply, "entries", &v);
		res.entries = (uint64_t)v;
		if ((s = ctl_msg_str(reply, "head")) == NULL ||
		    prim_from_hex(res.head, sizeof(res.head), s,
		    strlen(s)) != 0)
			memset(res.head, 0, sizeof(res.head));
		(void)ctl_msg_int(reply, "checkpoints", &v);
		res.checkpoints = (uint64_t)v;
		(void)ctl_msg_int(reply, "last_checkpoint_seq", &v);
		res.last_checkpoint_seq = (uint64_t)v;
		(void)ctl_msg_int(reply, "external_seq", &v);
		res.external_seq = (uint64_t)v;
		s = ctl_msg_str(reply, "witness");
		st = print_verify(ret, &res, "node's audit.db",
		    cptext != NULL || s != NULL);
		if (s != NULL && st == EXIT_OK)
			printf("(the latest checkpoint of this log that peer "
			    "%s holds as a witness)\n", s);
		break;
	case VERB_CHECKPOINT:
		fputs((s = ctl_msg_str(reply, "checkpoint")) ? s : "", stdout);
		break;
	default:
		if ((key = secmem_alloc(AUDIT_KEY_BYTES)) == NULL ||
		    (s = ctl_msg_str(reply, "key")) == NULL ||
		    prim_from_hex(key, AUDIT_KEY_BYTES, s, strlen(s)) != 0) {
			fprintf(stderr, "valise audit export-key: malformed "
			    "answer\n");
			st = EXIT_INTERNAL;
		} else {
			st = do_export_key(key, o);
		}
		secmem_free(key);
		break;
	}
	ctl_msg_free(&reply);
out:
	free(cptext);
	client_close(&c);
	return st;
}

/* --- times -------------------------------------------------------------- */

/* Seconds since the epoch, YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS[Z], UTC. */
static int
parse_time(const char *s, int64_t *us)
{
	static const char *const formats[] = {
		"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d",
	};
	long long secs;
	struct tm tm;
	const char *end;
	size_t i;
	time_t t;

	*us = 0;
	if (s[0] >= '0' && s[0] <= '9' && strchr(s, '-') == NULL) {
		if (util_strtonum(s, 1, 253402300799LL, &secs) != 0)
			return -EINVAL;
		*us = secs * 1000000;
		return 0;
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end == NULL || *end != '\0')
			continue;
		if ((t = timegm(&tm)) == (time_t)-1 || t <= 0)
			return -EINVAL;
		*us = (int64_t)t * 1000000;
		return 0;
	}
	return -EINVAL;
}
