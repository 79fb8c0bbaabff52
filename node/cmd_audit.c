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
 * Today every command works offline, on a copy of audit.db named with
 * --db FILE --key-file FILE, opened read-only: nothing here writes to the
 * log.  The node connection (through ctl, with the daemon checking the
 * auditor role and auditing every query and refusal) comes with the node
 * issue; it slots in at source_open() and authorise() below, and the
 * commands themselves do not change.
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
#include "node/cmds.h"
#include "node/report.h"
#include "node/util.h"

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
	const char		*db;
	const char		*key_file;
	const char		*checkpoint;
	const char		*signer;
	const char		*out;
	const char		*label_at_least;
	enum report_format	 fmt;
	bool			 fmt_set;
	struct audit_filter	 filter;
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
	{ "checkpoint", VERB_CHECKPOINT, "" },
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
static int	authorise(const struct opts *);
static int	source_open(const struct opts *, struct audit **, uint8_t *);
static int	do_log(struct audit *, const struct opts *);
static int	do_verify(struct audit *, const uint8_t *,
		    const struct opts *);
static int	do_checkpoint(struct audit *);
static int	do_export_key(struct audit *, const uint8_t *,
		    const struct opts *);
static int	open_error(const struct opts *, int);

int
cmd_audit_main(int argc, char **argv)
{
	struct opts o;
	struct audit *a = NULL;
	uint8_t *key;
	int ret, status;

	if ((ret = parse_opts(argc, argv, &o)) != 0)
		return ret > 0 ? EXIT_OK : EXIT_USAGE;
	if ((ret = authorise(&o)) != 0)
		return EXIT_REFUSED;
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
		status = do_checkpoint(a);
		break;
	case VERB_EXPORT_KEY:
		status = do_export_key(a, key, &o);
		break;
	}
out:
	audit_close(a);
	secmem_free(key);
	return status;
}

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: valise audit <command> --db FILE --key-file FILE "
	    "[options]\n\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-11s %s\n", verbs[i].name, verbs[i].args);
	fprintf(f, "\n--db FILE --key-file FILE work on a copy of audit.db, "
	    "opened read-only;\nthe key file holds 64 hex digits (mode "
	    "0600), as export-key writes it.\nTimes are seconds since the "
	    "epoch, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC).\n"
	    "verify exits 0 when clean, 1 when tampering is found, 2 on "
	    "usage errors.\n");
}

enum {
	O_DB = 256, O_KEYFILE, O_SINCE, O_UNTIL, O_EVENT, O_USER, O_MSG,
	O_LABEL, O_JSON, O_CSV, O_CHECKPOINT, O_SIGNER, O_OUT,
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Which options each verb takes, as a bit per option. */
#define B(x) (1u << ((x) - O_DB))
	static const unsigned allowed[] = {
		[VERB_LOG] = B(O_SINCE) | B(O_UNTIL) | B(O_EVENT) |
		    B(O_USER) | B(O_MSG) | B(O_LABEL) | B(O_JSON) | B(O_CSV),
		[VERB_VERIFY] = B(O_CHECKPOINT) | B(O_SIGNER),
		[VERB_CHECKPOINT] = 0,
		[VERB_EXPORT] = B(O_JSON) | B(O_CSV),
		[VERB_EXPORT_KEY] = B(O_OUT),
	};
	size_t i;
	int c;

	memset(o, 0, sizeof(*o));
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
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == '?')
			goto bad;
		if (c != O_DB && c != O_KEYFILE &&
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
	if (o->label_at_least != NULL) {
		/* Needs label_dominates() from policy/label.h (issue 3). */
		fprintf(stderr, "valise audit: --label-at-least is not "
		    "available in this build yet\n");
		goto bad;
	}
	if (o->filter.since_us != 0 && o->filter.until_us != 0 &&
	    o->filter.since_us >= o->filter.until_us) {
		fprintf(stderr, "valise audit: --since must be before "
		    "--until\n");
		goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "usage: valise audit %s --db FILE --key-file FILE "
	    "%s\n", verbs[i].name, verbs[i].args);
	return -EINVAL;
}

/*
 * Who may run this.  Offline, holding the key file is the authorisation:
 * the file is the auditor's.  Through the node, the daemon will check the
 * auditor role in the configuration, refuse anyone else with exit 1, and
 * audit the query or the refusal (node issue).
 */
static int
authorise(const struct opts *o)
{
	(void)o;
	return 0;
}

/* Open the log: today only offline, read-only, on a copy. */
static int
source_open(const struct opts *o, struct audit **ap, uint8_t *key)
{
	int ret;

	if (o->db == NULL || o->key_file == NULL) {
		fprintf(stderr, "valise audit: the node connection is not "
		    "available in this build; use --db FILE --key-file FILE "
		    "on a copy of audit.db\n");
		return EXIT_USAGE;
	}
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
	char hex[2 * AUDIT_HASH_BYTES + 1];
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
	if (ret == -EBADMSG) {
		printf("FAILED: %s: corrupt or wrong key (after %llu good "
		    "entries)\n", o->db, (unsigned long long)res.entries);
		return EXIT_REFUSED;
	}
	if (ret != 0) {
		fprintf(stderr, "valise audit verify: %s: %s\n", o->db,
		    strerror(-ret));
		return EXIT_INTERNAL;
	}
	if (res.fault != AUDIT_FAULT_NONE) {
		printf("FAILED: first bad seq %llu: %s\n",
		    (unsigned long long)res.bad_seq, res.what);
		return EXIT_REFUSED;
	}
	prim_to_hex(hex, res.head, sizeof(res.head));
	printf("ok: %llu entries, head %s\n", (unsigned long long)res.entries,
	    hex);
	printf("checkpoints: %llu signatures verified, last at seq %llu\n",
	    (unsigned long long)res.checkpoints,
	    (unsigned long long)res.last_checkpoint_seq);
	if (extp == NULL)
		printf("warning: no external checkpoint: truncation after seq "
		    "%llu cannot be excluded\n",
		    (unsigned long long)res.last_checkpoint_seq);
	else if (res.external_seq < res.entries)
		printf("external checkpoint at seq %llu matches; entries "
		    "after seq %llu are not anchored by it\n",
		    (unsigned long long)res.external_seq,
		    (unsigned long long)res.external_seq);
	else
		printf("external checkpoint at seq %llu matches\n",
		    (unsigned long long)res.external_seq);
	return EXIT_OK;
}

static int
do_checkpoint(struct audit *a)
{
	struct audit_checkpoint cp;
	char buf[AUDIT_CHECKPOINT_TEXT_MAX];
	int ret;

	if ((ret = audit_checkpoint_latest(a, &cp)) == -ENOENT) {
		fprintf(stderr, "valise audit checkpoint: no checkpoint yet\n");
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
do_export_key(struct audit *a, const uint8_t *key, const struct opts *o)
{
	char hex[KEYFILE_HEX + 2];
	size_t off = 0;
	ssize_t n;
	int fd, ret = 0;

	(void)a;
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
