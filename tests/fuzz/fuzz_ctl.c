/* SPDX-License-Identifier: ISC */
/*
 * fuzz_ctl: control-socket frame bodies (JSON, then maybe a NUL and the
 * blob area), as the daemon parses them from local clients.  Accepted
 * frames are read through every getter, bytes inside items too, and
 * printed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "node/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "op", "to", "label", "body",
	    "items", NULL };
	static FILE *null;
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
		for (i = 0; i < ctl_msg_count(m, keys[k]); i++) {
			const struct ctl_msg *it = ctl_msg_item(m, keys[k], i);

			if (it != NULL && ctl_msg_bytes(it, "body", 1024, &buf,
			    &len) == 0) {
				if (len > 1024)
					abort();
				free(buf);
			}
		}
	}
	if (null == NULL)
		null = fopen("/dev/null", "w");
	if (null != NULL)
		(void)ctl_msg_print(m, null);
	ctl_msg_free(&m);
	return 0;
}
