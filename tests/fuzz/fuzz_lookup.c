/* SPDX-License-Identifier: ISC */
/*
 * fuzz_lookup: the name service helper's request parser.  It accepts only
 * a whole request of a known kind with a NUL-terminated name, and leaves
 * nothing of what it refused.
 */
#include <stdlib.h>
#include <string.h>

#include "node/lookup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lookup_request zero;
	struct lookup_request q;

	if (lookup_parse(data, size, &q) != 0) {
		if (memcmp(&q, &zero, sizeof(q)) != 0)
			abort();
		return 0;
	}
	if (size != sizeof(q) || memchr(q.name, '\0', sizeof(q.name)) == NULL ||
	    (q.kind != LOOKUP_LOGIN && q.kind != LOOKUP_HOST) ||
	    (q.kind == LOOKUP_HOST && q.name[0] == '\0') ||
	    memcmp(&q, data, sizeof(q)) != 0)
		abort();
	return 0;
}
