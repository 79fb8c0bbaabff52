/* SPDX-License-Identifier: ISC */
/*
 * fuzz_lookup: the name service helper's two parsers, its requests (first
 * byte even) and the node's reading of its answers (odd).  Each accepts
 * only one whole datagram with its text NUL-terminated, and leaves
 * nothing of what it refused.
 */
#include <stdlib.h>
#include <string.h>

#include "node/lookup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
answer(const uint8_t *data, size_t size)
{
	static const struct lookup_answer zero;
	struct lookup_answer a;

	if (lookup_parse_answer(data, size, &a) != 0) {
		if (memcmp(&a, &zero, sizeof(a)) != 0)
			abort();
		return;
	}
	if (size != sizeof(a) || a.err > 0 || a.err < -4095 ||
	    memchr(a.text, '\0', sizeof(a.text)) == NULL ||
	    memcmp(&a, data, sizeof(a)) != 0)
		abort();
}

static void
request(const uint8_t *data, size_t size)
{
	static const struct lookup_request zero;
	struct lookup_request q;

	if (lookup_parse(data, size, &q) != 0) {
		if (memcmp(&q, &zero, sizeof(q)) != 0)
			abort();
		return;
	}
	if (size != sizeof(q) || memchr(q.name, '\0', sizeof(q.name)) == NULL ||
	    (q.kind != LOOKUP_LOGIN && q.kind != LOOKUP_HOST) ||
	    (q.kind == LOOKUP_HOST && q.name[0] == '\0') ||
	    memcmp(&q, data, sizeof(q)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		answer(data + 1, size - 1);
	else
		request(data + 1, size - 1);
	return 0;
}
