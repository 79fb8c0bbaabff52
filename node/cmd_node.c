/* SPDX-License-Identifier: ISC */
/*
 * valise inbox, read, sent, status, peers: the officer's views of the
 * local node.  Human output is aligned columns with local times; --json
 * gives the field names documented in valise(1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/client.h"
#include "node/cmds.h"
#include "node/report.h"
#include "node/util.h"

struct common {
	const char	*config;
	bool		 json;
	const char	*arg;		/* the one positional argument */
};

/* Options every one of these commands takes; one optional argument. */
static int
parse_common(int argc, char **argv, const char *usage, bool want_arg,
    bool arg_required, struct common *o)
{
	static const struct option opts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "json",	no_argument,	NULL, 'j' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	o->config = conf_default_path();
	o->json = false;
	o->arg = NULL;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'j': o->json = true; break;
		case 'h':
			printf("usage: %s\n", usage);
			return -1;
		default:
			fprintf(stderr, "usage: %s\n", usage);
			return EXIT_USAGE;
		}
	}
	if (want_arg && optind < argc)
		o->arg = argv[optind++];
	if (optind != argc || (arg_required && o->arg == NULL)) {
		fprintf(stderr, "usage: %s\n", usage);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Connect, send {op, id?}, and hand back the reply. */
static int
request(const struct common *o, const char *cmd, const char *op,
    const char *id, struct ctl_msg **reply)
{
	struct client_conn c;
	struct ctl_msg *req = ctl_msg_new();
	int st;

	*reply = NULL;
	if (req == NULL)
		return EXIT_INTERNAL;
	if ((st = client_open(&c, cmd, o->config)) == EXIT_OK) {
		ctl_msg_set_str(req, "op", op);
		if (id != NULL)
			ctl_msg_set_str(req, "id", id);
		st = client_call(&c, cmd, req, reply);
		client_close(&c);
	}
	ctl_msg_free(&req);
	return st;
}

static const char *
str(const struct ctl_msg *m, const char *key)
{
	const char *s = ctl_msg_str(m, key);

	return s != NULL ? s : "";
}

static int64_t
num(const struct ctl_msg *m, const char *key)
{
	int64_t v = 0;

	(void)ctl_msg_int(m, key, &v);
	return v;
}

/* What a column holds, so that JSON gets numbers and booleans and the
 * terminal gets local times and yes/no. */
enum kind { K_STR, K_INT, K_TIME, K_BOOL };

struct column {
	const char	*name;
	enum kind	 kind;
};

#define COLS_MAX	16

/* Print the list under key with the columns given, as text or JSON. */
static int
table(const struct ctl_msg *reply, const char *key,
    const struct column *cols, size_t ncols, bool json)
{
	struct report_col rc[COLS_MAX];
	struct report *r = NULL;
	char when[32];
	size_t i, k;
	bool b;

	for (k = 0; k < ncols && k < COLS_MAX; k++) {
		rc[k].name = cols[k].name;
		switch (cols[k].kind) {
		case K_INT:
			rc[k].type = REPORT_INT;
			break;
		case K_TIME:
			rc[k].type = json ? REPORT_INT : REPORT_STR;
			break;
		case K_BOOL:
			rc[k].type = REPORT_BOOL;
			break;
		default:
			rc[k].type = REPORT_STR;
			break;
		}
	}
	if (report_new(&r, stdout, json ? REPORT_JSON : REPORT_TEXT, rc,
	    ncols) != 0)
		return EXIT_INTERNAL;
	for (i = 0; i < ctl_msg_count(reply, key); i++) {
		const struct ctl_msg *m = ctl_msg_item(reply, key, i);

		for (k = 0; k < ncols; k++) {
			switch (cols[k].kind) {
			case K_INT:
				report_int(r, k, num(m, cols[k].name));
				break;
			case K_TIME:
				if (json) {
					report_int(r, k, num(m, cols[k].name));
					break;
				}
				client_time(when, sizeof(when),
				    num(m, cols[k].name));
				report_str(r, k, when);
				break;
			case K_BOOL:
				b = false;
				(void)ctl_msg_bool(m, cols[k].name, &b);
				report_bool(r, k, b);
				break;
			default:
				/* Ids are long: the terminal shows a prefix,
				 * which read, reply and sent accept. */
				if (!json && strcmp(cols[k].name, "id") == 0) {
					util_fmt(when, sizeof(when), "%.16s",
					    str(m, "id"));
					report_str(r, k, when);
				} else {
					report_str(r, k, str(m, cols[k].name));
				}
				break;
			}
		}
		report_row(r);
	}
	report_end(r);
	report_free(r);
	return EXIT_OK;
}

int
cmd_inbox_main(int argc, char **argv)
{
	static const struct column cols[] = {
		{ "id", K_STR }, { "received", K_TIME }, { "origin", K_STR },
		{ "precedence", K_STR }, { "label", K_STR },
		{ "subject", K_STR }, { "read", K_BOOL },
	};
	struct ctl_msg *reply = NULL;
	struct common o;
	int64_t above;
	int st;

	if ((st = parse_common(argc, argv, "valise inbox [-c CONFIG] [--json]",
	    false, false, &o)) != EXIT_OK)
		return st < 0 ? EXIT_OK : st;
	if ((st = request(&o, "inbox", "inbox", NULL, &reply)) != EXIT_OK)
		goto out;
	above = num(reply, "above_clearance");
	if (o.json) {
		/* One object: the messages and the count above clearance. */
		printf("{\"above_clearance\":%lld,\"messages\":",
		    (long long)above);
		fflush(stdout);
		table(reply, "messages", cols, 7, true);
		printf("}\n");
	} else {
		if (ctl_msg_count(reply, "messages") == 0)
			printf("no messages you are cleared to read\n");
		else
			table(reply, "messages", cols, 7, false);
		if (above > 0)
			printf("%lld message%s above your clearance\n",
			    (long long)above, above == 1 ? "" : "s");
	}
out:
	ctl_msg_free(&reply);
	return st;
}

int
cmd_read_main(int argc, char **argv)
{
	struct ctl_msg *reply = NULL;
	struct common o;
	uint8_t *body = NULL;
	size_t len = 0;
	char when[32];
	int st;

	if ((st = parse_common(argc, argv, "valise read [-c CONFIG] [--json] "
	    "ID", true, true, &o)) != EXIT_OK)
		return st < 0 ? EXIT_OK : st;
	if ((st = request(&o, "read", "read", o.arg, &reply)) != EXIT_OK)
		goto out;
	if (ctl_msg_bytes(reply, "body", CTL_FRAME_MAX, &body, &len) != 0) {
		fprintf(stderr, "valise read: malformed answer\n");
		st = EXIT_INTERNAL;
		goto out;
	}
	if (o.json) {
		/* The reply already holds the documented fields; the body
		 * stays base64 there. */
		struct ctl_msg *out = ctl_msg_new();
		static const char *const keys[] = { "id", "origin", "author",
		    "label", "precedence", "subject", NULL };
		size_t i;

		for (i = 0; keys[i] != NULL; i++)
			ctl_msg_set_str(out, keys[i], str(reply, keys[i]));
		ctl_msg_set_int(out, "created", num(reply, "created"));
		ctl_msg_set_int(out, "received", num(reply, "received"));
		ctl_msg_set_bytes(out, "body_base64", body, len);
		ctl_msg_print(out, stdout);
		ctl_msg_free(&out);
		goto out;
	}
	/* The label as a banner at the top and the bottom, as classified
	 * documents are marked. */
	printf("%s\n\n", str(reply, "label"));
	client_time(when, sizeof(when), num(reply, "created"));
	printf("From:       %s\nSent:       %s\nPrecedence: %s\nSubject:    "
	    "%s\nId:         %s\n\n", str(reply, "author")[0] ?
	    str(reply, "author") : str(reply, "origin"), when,
	    str(reply, "precedence"), str(reply, "subject"), str(reply, "id"));
	fwrite(body, 1, len, stdout);
	if (len > 0 && body[len - 1] != '\n')
		putchar('\n');
	printf("\n%s\n", str(reply, "label"));
out:
	free(body);
	ctl_msg_free(&reply);
	return st;
}

int
cmd_sent_main(int argc, char **argv)
{
	static const struct column cols[] = {
		{ "id", K_STR }, { "recipient", K_STR }, { "status", K_STR },
		{ "via", K_STR }, { "updated", K_TIME }, { "label", K_STR },
		{ "reason", K_STR },
	};
	struct ctl_msg *reply = NULL;
	struct common o;
	int st;

	if ((st = parse_common(argc, argv, "valise sent [-c CONFIG] [--json] "
	    "[ID]", true, false, &o)) != EXIT_OK)
		return st < 0 ? EXIT_OK : st;
	if ((st = request(&o, "sent", "sent", o.arg, &reply)) == EXIT_OK)
		st = table(reply, "recipients", cols, 7, o.json);
	ctl_msg_free(&reply);
	return st;
}

int
cmd_status_main(int argc, char **argv)
{
	static const struct column cols[] = {
		{ "name", K_STR }, { "connected", K_BOOL },
		{ "last_contact", K_TIME }, { "queued_flash", K_INT },
		{ "queued_immediate", K_INT }, { "queued_priority", K_INT },
		{ "queued_routine", K_INT }, { "queued_bytes", K_INT },
	};
	struct ctl_msg *reply = NULL;
	struct common o;
	bool alarm = false;
	char when[32];
	int st;

	if ((st = parse_common(argc, argv, "valise status [-c CONFIG] "
	    "[--json]", false, false, &o)) != EXIT_OK)
		return st < 0 ? EXIT_OK : st;
	if ((st = request(&o, "status", "status", NULL, &reply)) != EXIT_OK)
		goto out;
	if (o.json) {
		ctl_msg_del(reply, "status");
		ctl_msg_print(reply, stdout);
		goto out;
	}
	(void)ctl_msg_bool(reply, "alarm", &alarm);
	client_time(when, sizeof(when), num(reply, "started"));
	printf("node:        %s (%s)\nlistening:   %s\nrunning since %s\n",
	    str(reply, "node"), str(reply, "fingerprint"), str(reply, "listen"),
	    when);
	client_time(when, sizeof(when), num(reply, "audit_checkpoint_time"));
	printf("audit log:   %lld entries, last checkpoint at %lld (%s)%s\n"
	    "policy:      %.16s\nsandbox:     %s\n\n",
	    (long long)num(reply, "audit_entries"),
	    (long long)num(reply, "audit_checkpoint_seq"), when,
	    alarm ? ", ALARM: writes failing" : "", str(reply, "policy_hash"),
	    str(reply, "sandbox"));
	table(reply, "peers", cols, 8, false);
out:
	ctl_msg_free(&reply);
	return st;
}

int
cmd_peers_main(int argc, char **argv)
{
	static const struct column cols[] = {
		{ "name", K_STR }, { "fingerprint", K_STR },
		{ "endpoint", K_STR }, { "nationality", K_STR },
		{ "organisations", K_STR }, { "accreditation", K_STR },
		{ "direct", K_BOOL }, { "revoked", K_BOOL },
	};
	struct ctl_msg *reply = NULL;
	struct common o;
	int st;

	if ((st = parse_common(argc, argv, "valise peers [-c CONFIG] [--json]",
	    false, false, &o)) != EXIT_OK)
		return st < 0 ? EXIT_OK : st;
	if ((st = request(&o, "peers", "peers", NULL, &reply)) == EXIT_OK)
		st = table(reply, "peers", cols, 8, o.json);
	ctl_msg_free(&reply);
	return st;
}
