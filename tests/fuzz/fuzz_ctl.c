/* SPDX-License-Identifier: ISC */
/*
 * fuzz_ctl: control-socket frame bodies, as the daemon parses them from
 * local clients.  Accepted frames are read through every getter.
 */
#include <stdlib.h>

#include "node/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "op", "to", "label", "body",
	    "items", NULL };
	struct ctl_msg *m = NULL;
	uint8_t *buf;
	size_t len, i, k;
	int64_t v;
	bool b;

	if (ctl_msg_parse(data, size, &m) != 0) {
		if (m != NULL)
			abort();
		return 0;
	}
	for (k = 0; keys[k] != NULL; k++) {
		(void)ctl_msg_str(m, keys[k]);
		(void)ctl_msg_int(m, keys[k], &v);
		(void)ctl_msg_bool(m, keys[k], &b);
		if (ctl_msg_bytes(m, keys[k], 1024, &buf, &len) == 0) {
			if (len > 1024)
				abort();
			free(buf);
		}
		for (i = 0; i < ctl_msg_count(m, keys[k]); i++)
			(void)ctl_msg_item(m, keys[k], i);
	}
	ctl_msg_free(&m);
	return 0;
}
