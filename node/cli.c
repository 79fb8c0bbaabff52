/* SPDX-License-Identifier: ISC */
/*
 * valise: the command-line tool of liaison officers, auditors and
 * sysadmins.  It dispatches to one subcommand from the table below and
 * prints its usage from the same table.
 */
#include <stdio.h>
#include <string.h>

#include "crypto/secmem.h"
#include "node/cmds.h"
#include "node/util.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*summary;
} subcommands[] = {
	{ "send",	cmd_send_main,		"send a labelled message" },
	{ "inbox",	cmd_inbox_main,		"list the messages you may read" },
	{ "read",	cmd_read_main,		"read a message" },
	{ "reply",	cmd_reply_main,		"reply to a message" },
	{ "sent",	cmd_sent_main,		"the fate of the messages sent" },
	{ "status",	cmd_status_main,	"the node, its peers and queues" },
	{ "peers",	cmd_peers_main,		"known nodes and their fingerprints" },
	{ "label",	cmd_label_main,		"check or show a classification label" },
	{ "audit",	cmd_audit_main,		"query and verify the audit log" },
	{ "keygen",	cmd_keygen_main,	"create this node's keys" },
	{ "id",		cmd_id_main,		"print this node's peer line" },
	{ "fingerprint", cmd_fingerprint_main,	"fingerprint of a pasted peer line" },
	{ "version",	cmd_version_main,	"print the version" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: valise <command> [<args>]\n\n"
	    "Commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-12s %s\n", subcommands[i].name,
		    subcommands[i].summary);
	fprintf(f, "\nRun 'valise <command> --help' for a command's options.\n"
	    "Exit status: 0 success, 1 refused, 2 usage or invalid input,\n"
	    "3 temporary failure, 4 internal or storage error.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (secmem_init() != 0) {
		fprintf(stderr, "valise: cannot initialise libsodium or "
		    "disable core dumps\n");
		return EXIT_INTERNAL;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version_main(1, argv + 1);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "valise: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
