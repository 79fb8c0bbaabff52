/* SPDX-License-Identifier: ISC */
/*
 * valise fingerprint LINE: the fingerprint of a pasted peer line, to
 * compare with what the other department reads over the phone.  The line
 * is parsed strictly and any fault is named.
 */
#include <stdio.h>
#include <string.h>

#include "keys/peerline.h"
#include "node/cmds.h"
#include "node/util.h"

int
cmd_fingerprint_main(int argc, char **argv)
{
	struct peerline peer;
	const char *why = NULL;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("usage: valise fingerprint 'valise1:NODE:...'\n");
		return EXIT_OK;
	}
	if (argc != 2) {
		fprintf(stderr,
		    "usage: valise fingerprint 'valise1:NODE:...'\n");
		return EXIT_USAGE;
	}
	if (peerline_parse(argv[1], &peer, &why) != 0) {
		fprintf(stderr, "valise fingerprint: invalid peer line: %s\n",
		    why != NULL ? why : "unknown fault");
		return EXIT_USAGE;
	}
	printf("%s\n", peer.fingerprint);
	return EXIT_OK;
}
