/* SPDX-License-Identifier: ISC */
/*
 * valise: the command-line tool of liaison officers, auditors and
 * sysadmins.  It dispatches to one subcommand from the table below and
 * prints its usage from the same table.
 *
 * `label` and `audit` need libxml2 (with ICU and libstdc++) or SQLCipher
 * (with libcrypto): loading them cost every valise process 2-4 ms, more
 * than a send.  Those two commands live in valise-offline (cli_offline.c),
 * which valise runs in its place.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/secmem.h"
#include "node/cmds.h"
#include "node/util.h"

#define OFFLINE_NAME	"valise-offline"

static int	exec_offline(int, char **);

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
	{ "label",	exec_offline,		"check or show a classification label" },
	{ "audit",	exec_offline,		"query and verify the audit log" },
	{ "keygen",	cmd_keygen_main,	"create this node's keys" },
	{ "id",		cmd_id_main,		"print this node's peer line" },
	{ "fingerprint", cmd_fingerprint_main,	"fingerprint of a pasted peer line" },
	{ "version",	cmd_version_main,	"print the version" },
};

/*
 * Run valise-offline with the same arguments: next to this program (the
 * build tree), else in ../libexec/valise/ from it (an installed tree).
 * Returns only on failure.
 */
static int
exec_offline(int argc, char **argv)
{
	static const char *const where[] = { "/" OFFLINE_NAME,
	    "/../libexec/valise/" OFFLINE_NAME };
	char self[PATH_MAX], path[PATH_MAX + 64], *slash, **args;
	ssize_t n;
	size_t i;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
		fprintf(stderr, "valise: cannot find this program: %s\n",
		    strerror(errno));
		return EXIT_INTERNAL;
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if ((args = calloc((size_t)argc + 2, sizeof(*args))) == NULL)
		return EXIT_INTERNAL;
	args[0] = (char *)OFFLINE_NAME;
	for (i = 0; i < (size_t)argc; i++)
		args[i + 1] = argv[i];
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		util_fmt(path, sizeof(path), "%s%s", self, where[i]);
		if (access(path, X_OK) == 0) {
			execv(path, args);
			break;
		}
	}
	fprintf(stderr, "valise: cannot run %s for '%s': %s\n", OFFLINE_NAME,
	    argv[0], strerror(errno));
	free(args);
	return EXIT_INTERNAL;
}

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
