/* SPDX-License-Identifier: ISC */
/*
 * valise version: print the version of this program.
 */
#include <stdio.h>

#include "node/cmds.h"
#include "node/util.h"

int
cmd_version_main(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "usage: valise version\n");
		return EXIT_USAGE;
	}
	printf("valise %s\n", VALISE_VERSION);
	return EXIT_OK;
}
