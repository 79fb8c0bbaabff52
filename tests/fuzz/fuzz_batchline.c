/* SPDX-License-Identifier: ISC */
/*
 * fuzz_batchline: the `valise send --batch` line reader, checked against
 * the control socket's JSON decoder (jansson, through ctl_msg_from_json).
 * A line the reader accepts must decode there too, to the same members;
 * a line the decoder refuses must be refused by the reader.
 */
#include <stdlib.h>
#include <string.h>

#include "node/batchline.h"
#include "node/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[BATCHLINE_ERR_MAX];
	struct ctl_msg *m = NULL;
	struct batchline bl;
	const char *v;
	int64_t n;
	int i, r, j;

	r = batchline_parse((const char *)data, size, &bl, err);
	j = ctl_msg_from_json((const char *)data, size, &m);
	if (r != 0) {
		if (bl.buf != NULL || err[0] == '\0')
			abort();
		ctl_msg_free(&m);
		return 0;
	}
	if (j != 0)
		abort();	/* accepted what JSON refuses */
	for (i = 0; i < BATCHLINE_NMEMBERS; i++) {
		v = ctl_msg_str(m, batchline_member_name(i));
		if ((v == NULL) != (bl.str[i] == NULL))
			abort();
		if (v != NULL && (strlen(v) != bl.len[i] ||
		    memcmp(v, bl.str[i], bl.len[i]) != 0))
			abort();
	}
	if (bl.expires_is_number &&
	    (ctl_msg_int(m, "expires", &n) != 0 || n != bl.expires))
		abort();
	batchline_clear(&bl);
	ctl_msg_free(&m);
	return 0;
}
