/* SPDX-License-Identifier: ISC */
/*
 * valise-offline: the valise commands that need libxml2 or SQLCipher,
 * `label` (RFC 4774 XML) and `audit` (offline on a copy of the log), in a
 * program of their own so that every other valise command starts without
 * loading them (see cli.c).  valise runs it as "valise-offline COMMAND
 * ARGS..."; it is not meant to be run by hand.
 */
#include <stdio.h>
#include <string.h>

#include "crypto/secmem.h"
#include "node/cmds.h"
#include "node/util.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} subcommands[] = {
	{ "label",	cmd_label_main },
	{ "audit",	cmd_audit_main },
};

int
main(int argc, char **argv)
{
	size_t i;

	if (secmem_init() != 0) {
		fprintf(stderr, "valise: cannot initialise libsodium or "
		    "disable core dumps\n");
		return EXIT_INTERNAL;
	}
	for (i = 0; argc >= 2 &&
	    i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "valise-offline: run by valise for 'label' and "
	    "'audit'; use valise\n");
	return EXIT_USAGE;
}
