/* SPDX-License-Identifier: ISC */
/*
 * fuzz_codec: strict hex and base64 decoding of fixed-size objects.  A
 * decoded value must re-encode to exactly the input (one text per object).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[64];
	char text[160], again[160];
	size_t n;

	if (size == 0 || size >= sizeof(text))
		return 0;
	if (secmem_init() != 0)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	n = size / 2;
	if (n <= sizeof(out) && prim_from_hex(out, n, text, size) == 0) {
		prim_to_hex(again, out, n);
		if (strcasecmp(again, text) != 0)
			abort();
	}
	for (n = 1; n <= sizeof(out); n++) {
		if (prim_from_base64(out, n, text, size) != 0)
			continue;
		prim_to_base64(again, sizeof(again), out, n);
		if (strcmp(again, text) != 0)
			abort();
	}
	return 0;
}
