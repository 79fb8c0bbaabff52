/* SPDX-License-Identifier: ISC */
/*
 * valised: one department's node.  The store-and-forward loop arrives with
 * the node issue; for now the program only knows its version and usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "crypto/secmem.h"
#include "node/util.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: valised -c CONFIG [-f] [--check-config]\n"
	    "       valised --version\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ "version",	no_argument,	NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	if (secmem_init() != 0) {
		fprintf(stderr, "valised: cannot initialise libsodium or "
		    "disable core dumps\n");
		return EXIT_INTERNAL;
	}
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("valised %s\n", VALISE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	fprintf(stderr, "valised: the node daemon is not built yet\n");
	return EXIT_INTERNAL;
}
