/* SPDX-License-Identifier: ISC */
/*
 * valise label: the policy engine on the command line, for security
 * officers and for tests.  `check` is a what-if access decision; `show`
 * prints a label's canonical form or its STANAG 4774 XML.  The command
 * line is a contract (issue 4): keep it stable.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/cmds.h"
#include "node/util.h"
#include "node/xml4774.h"
#include "policy/clearance.h"
#include "policy/label.h"
#include "policy/policy.h"

static const char usage_text[] =
    "usage: valise label check --clearance CLR --nat NAT [--orgs ORGS]\n"
    "                          [--node-clearance CLR --node-nat NAT "
    "[--node-orgs ORGS]]\n"
    "                          [--op read|forward] LABEL\n"
    "       valise label show [--xml] LABEL\n"
    "       valise label show [--xml] --from-xml FILE\n"
    "\n"
    "  CLR   clearances, e.g. BE:SECRET+NATO:SECRET[ATOMAL]\n"
    "  NAT   ISO 3166-1 alpha-3 nationality, or - for an international body\n"
    "  ORGS  comma list of NATO and EU, or - (the default)\n"
    "  LABEL e.g. 'NATO SECRET//ATOMAL//REL TO BEL,NLD' (one argument)\n"
    "\n"
    "check prints one line, allow, deny: REASON or invalid: REASON, and\n"
    "exits 0 (allow), 1 (deny) or 2 (invalid input or usage).  Without\n"
    "--node-* options the node's accreditation is not checked.\n"
    "show prints the canonical label or its STANAG 4774 XML; exit 2 if\n"
    "the label is invalid.\n";

static void
usage(FILE *f)
{
	fputs(usage_text, f);
}

/* One line on stdout, the usage on stderr, exit status 2. */
static int
check_usage(const char *why)
{
	printf("invalid: usage: %s\n", why);
	usage(stderr);
	return EXIT_USAGE;
}

enum {
	OPT_CLEARANCE = 256, OPT_NAT, OPT_ORGS, OPT_NODE_CLEARANCE,
	OPT_NODE_NAT, OPT_NODE_ORGS, OPT_OP, OPT_XML, OPT_FROM_XML, OPT_HELP,
};

static const struct option check_opts[] = {
	{ "clearance",		required_argument, NULL, OPT_CLEARANCE },
	{ "nat",		required_argument, NULL, OPT_NAT },
	{ "orgs",		required_argument, NULL, OPT_ORGS },
	{ "node-clearance",	required_argument, NULL, OPT_NODE_CLEARANCE },
	{ "node-nat",		required_argument, NULL, OPT_NODE_NAT },
	{ "node-orgs",		required_argument, NULL, OPT_NODE_ORGS },
	{ "op",			required_argument, NULL, OPT_OP },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ NULL,			0,		   NULL, 0 },
};

/* Fill a subject from its three texts; on error print the invalid line. */
static int
load_subject(const struct policy_tables *t, const char *who, const char *clr,
    const char *nat, const char *orgs, struct clearance_subject *s)
{
	struct label_error err;

	clearance_subject_init(s);
	if (clearance_parse(t, clr, s, &err) != 0) {
		printf("invalid: %sclearance: %s\n", who, err.msg);
		return -EINVAL;
	}
	if (clearance_parse_nat(nat, s, &err) != 0) {
		printf("invalid: %s%s\n", who, err.msg);
		return -EINVAL;
	}
	if (clearance_parse_orgs(orgs, s, &err) != 0) {
		printf("invalid: %s%s\n", who, err.msg);
		return -EINVAL;
	}
	return 0;
}

static int
cmd_check(struct policy_tables *t, int argc, char **argv)
{
	const char *opt[OPT_HELP - OPT_CLEARANCE] = { NULL };
	struct clearance_subject subj, node;
	struct policy_decision d;
	struct label_error err;
	struct label l;
	enum policy_op op = POLICY_OP_READ;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", check_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			usage(stdout);
			return EXIT_OK;
		case OPT_CLEARANCE:
		case OPT_NAT:
		case OPT_ORGS:
		case OPT_NODE_CLEARANCE:
		case OPT_NODE_NAT:
		case OPT_NODE_ORGS:
		case OPT_OP:
			if (opt[c - OPT_CLEARANCE] != NULL)
				return check_usage("an option is given twice");
			opt[c - OPT_CLEARANCE] = optarg;
			break;
		case ':':
			return check_usage("an option is missing its value");
		default:
			return check_usage("unknown option");
		}
	}
	if (argc - optind != 1)
		return check_usage(argc == optind ? "missing LABEL" :
		    "expected exactly one LABEL (quote it)");
	if (opt[OPT_CLEARANCE - OPT_CLEARANCE] == NULL)
		return check_usage("--clearance is required");
	if (opt[OPT_NAT - OPT_CLEARANCE] == NULL)
		return check_usage("--nat is required");
	if ((opt[OPT_NODE_CLEARANCE - OPT_CLEARANCE] == NULL) !=
	    (opt[OPT_NODE_NAT - OPT_CLEARANCE] == NULL))
		return check_usage("--node-clearance and --node-nat go "
		    "together");
	if (opt[OPT_NODE_ORGS - OPT_CLEARANCE] != NULL &&
	    opt[OPT_NODE_CLEARANCE - OPT_CLEARANCE] == NULL)
		return check_usage("--node-orgs needs --node-clearance and "
		    "--node-nat");
	if (opt[OPT_OP - OPT_CLEARANCE] != NULL) {
		if (strcmp(opt[OPT_OP - OPT_CLEARANCE], "read") == 0)
			op = POLICY_OP_READ;
		else if (strcmp(opt[OPT_OP - OPT_CLEARANCE], "forward") == 0)
			op = POLICY_OP_FORWARD;
		else
			return check_usage("--op is read or forward");
	}
	/* An invalid label never reaches the decision function. */
	if (label_parse(t, argv[optind], &l, &err) != 0) {
		printf("invalid: label: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (load_subject(t, "", opt[OPT_CLEARANCE - OPT_CLEARANCE],
	    opt[OPT_NAT - OPT_CLEARANCE],
	    opt[OPT_ORGS - OPT_CLEARANCE] != NULL ?
	    opt[OPT_ORGS - OPT_CLEARANCE] : "-", &subj) != 0)
		return EXIT_USAGE;
	if (opt[OPT_NODE_CLEARANCE - OPT_CLEARANCE] != NULL &&
	    load_subject(t, "node ", opt[OPT_NODE_CLEARANCE - OPT_CLEARANCE],
	    opt[OPT_NODE_NAT - OPT_CLEARANCE],
	    opt[OPT_NODE_ORGS - OPT_CLEARANCE] != NULL ?
	    opt[OPT_NODE_ORGS - OPT_CLEARANCE] : "-", &node) != 0)
		return EXIT_USAGE;
	if (policy_decide(t, op, &l,
	    opt[OPT_NODE_CLEARANCE - OPT_CLEARANCE] != NULL ? &node : NULL,
	    &subj, &d) != 0) {
		printf("invalid: internal error in the decision function\n");
		return EXIT_INTERNAL;
	}
	if (d.allow) {
		printf("allow\n");
		return EXIT_OK;
	}
	printf("deny: %s\n", d.reason);
	return EXIT_REFUSED;
}

static const struct option show_opts[] = {
	{ "xml",	no_argument,	   NULL, OPT_XML },
	{ "from-xml",	required_argument, NULL, OPT_FROM_XML },
	{ "help",	no_argument,	   NULL, OPT_HELP },
	{ NULL,		0,		   NULL, 0 },
};

static int
show_error(const char *what, const char *msg)
{
	fprintf(stderr, "valise label show: %s: %s\n", what, msg);
	return EXIT_USAGE;
}

static int
cmd_show(struct policy_tables *t, int argc, char **argv)
{
	char text[LABEL_FORMAT_MAX], now[XML4774_TIME_MAX + 1];
	const char *from = NULL;
	struct label_error err;
	struct label l;
	struct tm tm;
	time_t clock;
	char *xml = NULL, *buf = NULL;
	size_t len;
	int c, ret, want_xml = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", show_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			usage(stdout);
			return EXIT_OK;
		case OPT_XML:
			want_xml = 1;
			break;
		case OPT_FROM_XML:
			if (from != NULL)
				return show_error("usage", "--from-xml is "
				    "given twice");
			from = optarg;
			break;
		case ':':
			return show_error("usage", "an option is missing its "
			    "value");
		default:
			return show_error("usage", "unknown option (see "
			    "valise label --help)");
		}
	}
	if (from != NULL && argc != optind)
		return show_error("usage", "give either LABEL or --from-xml "
		    "FILE");
	if (from == NULL && argc - optind != 1)
		return show_error("usage", argc == optind ? "missing LABEL" :
		    "expected exactly one LABEL (quote it)");
	if (from != NULL) {
		if ((ret = util_read_file(from, XML4774_MAX, &buf, &len)) != 0)
			return show_error(from, ret == -EFBIG ?
			    "larger than the 64 KiB an XML label may have" :
			    strerror(-ret));
		ret = xml4774_import(t, buf, len, &l, &err);
		free(buf);
		if (ret != 0)
			return show_error("invalid XML label", err.msg);
	} else if (label_parse(t, argv[optind], &l, &err) != 0) {
		return show_error("invalid label", err.msg);
	}
	if (!want_xml) {
		if (label_format(t, &l, text, sizeof(text)) != 0)
			return show_error("internal error", "cannot format");
		printf("%s\n", text);
		return EXIT_OK;
	}
	clock = time(NULL);
	if (gmtime_r(&clock, &tm) == NULL ||
	    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return show_error("internal error", "no clock");
	if (xml4774_export(t, &l, now, &xml, &len) != 0)
		return show_error("internal error", "cannot write XML");
	fwrite(xml, 1, len, stdout);
	free(xml);
	return EXIT_OK;
}

int
cmd_label_main(int argc, char **argv)
{
	struct policy_tables *t;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "show") != 0) {
		fprintf(stderr, "valise label: unknown command '%s'\n",
		    argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((t = policy_tables_new()) == NULL) {
		fprintf(stderr, "valise label: out of memory\n");
		return EXIT_INTERNAL;
	}
	if (strcmp(argv[1], "check") == 0)
		ret = cmd_check(t, argc - 1, argv + 1);
	else
		ret = cmd_show(t, argc - 1, argv + 1);
	policy_tables_free(&t);
	return ret;
}
