/* SPDX-License-Identifier: ISC */
/*
 * valise send and reply: submit one message, or many with --batch, to the
 * local node.
 * The node checks the label against the sender's clearance and against
 * every route before anything is queued; the id printed means the message
 * is durably queued and its audit record committed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/batchline.h"
#include "node/client.h"
#include "node/cmds.h"
#include "node/util.h"

#define SEND_CHUNK	256	/* messages per request (the node's bound) */
#define BATCH_LINE_MAX	(24u * 1024 * 1024)

static void
usage(FILE *f)
{
	fprintf(f, "usage: valise send [-c CONFIG] [--json] --to RCPT[,RCPT...] "
	    "--label LABEL\n"
	    "           [--precedence flash|immediate|priority|routine]\n"
	    "           [--subject TEXT] [--expires DURATION] [FILE|-]\n"
	    "       valise send [-c CONFIG] [--json] --batch FILE\n"
	    "RCPT is NODE or login@NODE; DURATION is N[smhd].\n");
}

/* "90", "90s", "15m", "2h", "7d" -> seconds in [1, 365 days]. */
static int
parse_duration(const char *s, long long *secs)
{
	char num[32];
	size_t n = strlen(s);
	long long mult = 1;

	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's': mult = 1; num[--n] = '\0'; break;
	case 'm': mult = 60; num[--n] = '\0'; break;
	case 'h': mult = 3600; num[--n] = '\0'; break;
	case 'd': mult = 86400; num[--n] = '\0'; break;
	default: break;
	}
	if (util_strtonum(num, 1, 365 * 86400, secs) != 0 ||
	    *secs > 365 * 86400 / mult)
		return -EINVAL;
	*secs *= mult;
	return 0;
}

static int
add_recipients(struct ctl_msg *item, const char *list)
{
	char buf[4096], *p, *save = NULL;
	struct ctl_msg *t;

	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, list, strlen(list) + 1);
	for (p = strtok_r(buf, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || (t = ctl_msg_add(item, "to")) == NULL ||
		    ctl_msg_set_str(t, "addr", p) != 0)
			return -EINVAL;
	}
	return ctl_msg_count(item, "to") > 0 ? 0 : -EINVAL;
}

/* Read a body from FILE or stdin ("-"), at most max bytes. */
static int
read_body(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	uint8_t *b, *g;
	ssize_t k;
	int r;

	if (strcmp(path, "-") != 0) {
		char *text;

		if ((r = util_read_file(path, max, &text, len)) != 0)
			return r;
		*buf = (uint8_t *)text;
		return 0;
	}
	if ((b = malloc(cap)) == NULL)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(b);
				return -EFBIG;
			}
			cap *= 2;
			if ((g = realloc(b, cap)) == NULL) {
				free(b);
				return -ENOMEM;
			}
			b = g;
		}
		k = read(STDIN_FILENO, b + n, cap - n);
		if (k < 0) {
			r = -errno;
			free(b);
			return r;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (n > max) {
		free(b);
		return -EFBIG;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* One line of a batch file, as a request item. */
static int
batch_item(struct ctl_msg *req, const char *line, size_t len, size_t lineno)
{
	static const enum batchline_member copy[] = { BATCHLINE_LABEL,
	    BATCHLINE_PRECEDENCE, BATCHLINE_SUBJECT };
	char err[BATCHLINE_ERR_MAX];
	struct ctl_msg *item;
	struct batchline bl;
	long long secs;
	size_t i;
	int r;

	if ((r = batchline_parse(line, len, &bl, err)) != 0) {
		fprintf(stderr, "valise send: batch line %zu: %s\n", lineno,
		    r == -ENOMEM ? strerror(ENOMEM) : err);
		return r;
	}
	r = -EINVAL;
	if ((item = ctl_msg_add(req, "items")) == NULL)
		goto out;
	for (i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
		if (bl.str[copy[i]] != NULL)
			ctl_msg_set_str(item, batchline_member_name(copy[i]),
			    bl.str[copy[i]]);
	if (bl.str[BATCHLINE_TO] == NULL ||
	    add_recipients(item, bl.str[BATCHLINE_TO]) != 0) {
		fprintf(stderr, "valise send: batch line %zu: 'to' must be "
		    "a string of recipients separated by commas\n", lineno);
		goto out;
	}
	if (bl.str[BATCHLINE_EXPIRES] != NULL) {
		if (parse_duration(bl.str[BATCHLINE_EXPIRES], &secs) != 0) {
			fprintf(stderr, "valise send: batch line %zu: bad "
			    "expires '%s'\n", lineno,
			    bl.str[BATCHLINE_EXPIRES]);
			goto out;
		}
		ctl_msg_set_int(item, "expires", secs);
	} else if (bl.expires_is_number) {
		ctl_msg_set_int(item, "expires", bl.expires);
	}
	if (bl.str[BATCHLINE_BODY] == NULL) {
		fprintf(stderr, "valise send: batch line %zu: 'body' (text) "
		    "is required\n", lineno);
		goto out;
	}
	ctl_msg_set_bytes(item, "body", (const uint8_t *)bl.str[BATCHLINE_BODY],
	    bl.len[BATCHLINE_BODY]);
	r = 0;
out:
	batchline_clear(&bl);
	return r;
}

static int
flush(struct client_conn *c, struct ctl_msg **req, bool json, size_t *sent)
{
	struct ctl_msg *reply = NULL;
	size_t i, n;
	int st;

	if (ctl_msg_count(*req, "items") == 0)
		return EXIT_OK;
	st = client_call(c, "send", *req, &reply);
	ctl_msg_free(req);
	*req = ctl_msg_new();
	if (st != EXIT_OK) {
		if (*sent > 0)
			fprintf(stderr, "valise send: %zu messages before this "
			    "one were queued\n", *sent);
		ctl_msg_free(&reply);
		return st;
	}
	n = ctl_msg_count(reply, "ids");
	for (i = 0; i < n; i++) {
		const char *id = ctl_msg_str(ctl_msg_item(reply, "ids", i),
		    "id");

		if (json)
			printf("{\"id\":\"%s\"}\n", id ? id : "");
		else
			printf("%s\n", id ? id : "");
	}
	*sent += n;
	ctl_msg_free(&reply);
	return EXIT_OK;
}

static int
send_batch(struct client_conn *c, const char *path, bool json)
{
	struct ctl_msg *req = ctl_msg_new();
	char *text = NULL, *line, *nl;
	size_t len, lineno = 0, sent = 0;
	int r, st = EXIT_OK;

	if ((r = util_read_file(path, BATCH_LINE_MAX, &text, &len)) != 0) {
		fprintf(stderr, "valise send: %s: %s\n", path, strerror(-r));
		ctl_msg_free(&req);
		return EXIT_USAGE;
	}
	for (line = text; st == EXIT_OK && line < text + len; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL)
			nl = text + len;
		if (nl == line)
			continue;
		ctl_msg_set_str(req, "op", "send");
		if (batch_item(req, line, (size_t)(nl - line), lineno) != 0) {
			st = EXIT_USAGE;
			break;
		}
		if (ctl_msg_count(req, "items") == SEND_CHUNK)
			st = flush(c, &req, json, &sent);
	}
	if (st == EXIT_OK) {
		ctl_msg_set_str(req, "op", "send");
		st = flush(c, &req, json, &sent);
	}
	ctl_msg_free(&req);
	free(text);
	return st;
}

int
cmd_send_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "json",	no_argument,	NULL, 'j' },
		{ "to",		required_argument, NULL, 't' },
		{ "label",	required_argument, NULL, 'l' },
		{ "precedence",	required_argument, NULL, 'p' },
		{ "subject",	required_argument, NULL, 's' },
		{ "expires",	required_argument, NULL, 'e' },
		{ "batch",	required_argument, NULL, 'b' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = conf_default_path(), *label = NULL, *prec = NULL;
	const char *subject = NULL, *batch = NULL, *file = "-";
	struct ctl_msg *req = NULL, *item;
	struct client_conn c;
	long long expires = 0;
	uint8_t *body = NULL;
	size_t body_len = 0, sent = 0;
	bool json = false;
	int ch, st, r;

	req = ctl_msg_new();
	item = ctl_msg_add(req, "items");
	if (req == NULL || item == NULL)
		return EXIT_INTERNAL;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'j': json = true; break;
		case 't':
			if (add_recipients(item, optarg) != 0) {
				fprintf(stderr, "valise send: bad --to '%s'\n",
				    optarg);
				st = EXIT_USAGE;
				goto out;
			}
			break;
		case 'l': label = optarg; break;
		case 'p': prec = optarg; break;
		case 's': subject = optarg; break;
		case 'e':
			if (parse_duration(optarg, &expires) != 0) {
				fprintf(stderr, "valise send: --expires '%s': "
				    "use N, Ns, Nm, Nh or Nd (at most 365 "
				    "days)\n", optarg);
				st = EXIT_USAGE;
				goto out;
			}
			break;
		case 'b': batch = optarg; break;
		case 'h':
			usage(stdout);
			st = EXIT_OK;
			goto out;
		default:
			usage(stderr);
			st = EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind != argc || (batch == NULL && (label == NULL ||
	    ctl_msg_count(item, "to") == 0)) || (batch != NULL &&
	    (label != NULL || ctl_msg_count(item, "to") > 0))) {
		usage(stderr);
		st = EXIT_USAGE;
		goto out;
	}
	if ((st = client_open(&c, "send", config)) != EXIT_OK)
		goto out;
	if (batch != NULL) {
		st = send_batch(&c, batch, json);
		client_close(&c);
		goto out;
	}
	if ((r = read_body(file, (size_t)c.conf->body_max, &body, &body_len))
	    != 0) {
		fprintf(stderr, "valise send: %s: %s\n", file, r == -EFBIG ?
		    "larger than the node's body_max" : strerror(-r));
		client_close(&c);
		st = EXIT_USAGE;
		goto out;
	}
	ctl_msg_set_str(req, "op", "send");
	ctl_msg_set_str(item, "label", label);
	if (prec != NULL)
		ctl_msg_set_str(item, "precedence", prec);
	if (subject != NULL && ctl_msg_set_str(item, "subject", subject) != 0) {
		fprintf(stderr, "valise send: the subject is not valid UTF-8\n");
		client_close(&c);
		st = EXIT_USAGE;
		goto out;
	}
	if (expires > 0)
		ctl_msg_set_int(item, "expires", expires);
	ctl_msg_set_bytes(item, "body", body, body_len);
	st = flush(&c, &req, json, &sent);
	client_close(&c);
out:
	free(body);
	ctl_msg_free(&req);
	return st;
}

/*
 * valise reply ID [--label LABEL] [--subject TEXT] [--precedence P]
 * [FILE|-]: to the author of a message in the inbox, with a label that
 * dominates the original's (the original's own label by default).
 */
int
cmd_reply_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "json",	no_argument,	NULL, 'j' },
		{ "label",	required_argument, NULL, 'l' },
		{ "precedence",	required_argument, NULL, 'p' },
		{ "subject",	required_argument, NULL, 's' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const use = "usage: valise reply [-c CONFIG] "
	    "[--json] [--label LABEL] [--subject TEXT]\n"
	    "           [--precedence flash|immediate|priority|routine] ID "
	    "[FILE|-]\n";
	const char *config = conf_default_path(), *label = NULL, *prec = NULL;
	const char *subject = NULL, *id, *file = "-";
	struct ctl_msg *req = NULL, *reply = NULL;
	struct client_conn c;
	uint8_t *body = NULL;
	size_t body_len = 0;
	bool json = false;
	int ch, st, r;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'j': json = true; break;
		case 'l': label = optarg; break;
		case 'p': prec = optarg; break;
		case 's': subject = optarg; break;
		case 'h':
			fputs(use, stdout);
			return EXIT_OK;
		default:
			fputs(use, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		fputs(use, stderr);
		return EXIT_USAGE;
	}
	id = argv[optind++];
	if (optind < argc)
		file = argv[optind];
	if ((st = client_open(&c, "reply", config)) != EXIT_OK)
		return st;
	if ((r = read_body(file, (size_t)c.conf->body_max, &body, &body_len))
	    != 0) {
		fprintf(stderr, "valise reply: %s: %s\n", file, r == -EFBIG ?
		    "larger than the node's body_max" : strerror(-r));
		st = EXIT_USAGE;
		goto out;
	}
	if ((req = ctl_msg_new()) == NULL) {
		st = EXIT_INTERNAL;
		goto out;
	}
	ctl_msg_set_str(req, "op", "reply");
	ctl_msg_set_str(req, "id", id);
	if (label != NULL)
		ctl_msg_set_str(req, "label", label);
	if (prec != NULL)
		ctl_msg_set_str(req, "precedence", prec);
	if (subject != NULL && ctl_msg_set_str(req, "subject", subject) != 0) {
		fprintf(stderr, "valise reply: the subject is not valid UTF-8\n");
		st = EXIT_USAGE;
		goto out;
	}
	ctl_msg_set_bytes(req, "body", body, body_len);
	if ((st = client_call(&c, "reply", req, &reply)) == EXIT_OK) {
		const char *rid = ctl_msg_str(ctl_msg_item(reply, "ids", 0),
		    "id");

		if (json)
			printf("{\"id\":\"%s\"}\n", rid ? rid : "");
		else
			printf("%s\n", rid ? rid : "");
	}
out:
	free(body);
	ctl_msg_free(&req);
	ctl_msg_free(&reply);
	client_close(&c);
	return st;
}
