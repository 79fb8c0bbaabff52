/* SPDX-License-Identifier: ISC */
/*
 * fuzz_peerline: strict peer-line parsing.  A refused line always comes
 * with a reason; an accepted one formats back to exactly the input.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/secmem.h"
#include "keys/peerline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int done;
	struct peerline peer;
	char text[1024], again[PEERLINE_MAX + 1];
	const char *why = NULL;

	if (!done) {
		if (secmem_init() != 0)
			abort();
		done = 1;
	}
	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (peerline_parse(text, &peer, &why) != 0) {
		if (why == NULL || peer.name[0] != '\0')
			abort();
		return 0;
	}
	if (peerline_format(&peer, again, sizeof(again)) != 0 ||
	    strcmp(again, text) != 0 || strlen(peer.fingerprint) !=
	    PEERLINE_FPR_LEN)
		abort();
	return 0;
}
