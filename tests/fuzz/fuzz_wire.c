/* SPDX-License-Identifier: ISC */
/*
 * fuzz_wire: node frames (wire_parse: DATA, ACK, WITNESS) and the
 * decrypted payload inside an envelope (wire_payload_decode), the first
 * bytes every peer frame meets.
 * What parses must point inside the input and re-encode to the same bytes
 * (one encoding per frame); a decoded subject is NUL-terminated and
 * bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "node/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_frame(const uint8_t *data, size_t size)
{
	struct wire_frame f;
	uint8_t ack[WIRE_ACK_MAX], wbuf[5 + WIRE_WITNESS_MAX], *out = NULL;
	size_t n;

	if (wire_parse(data, size, &f) != 0)
		return;
	if (f.type == WIRE_DATA) {
		if (f.len == 0 || f.data < data || f.data + f.len != data + size)
			abort();
		if (wire_data(f.kind, f.dest, f.data, f.len, &out, &n) != 0 ||
		    n != size || memcmp(out, data, size) != 0)
			abort();
		free(out);
	} else if (f.type == WIRE_WITNESS) {
		if (strlen(f.text) > WIRE_WITNESS_MAX ||
		    wire_witness(f.witness, f.text, wbuf, sizeof(wbuf),
		    &n) != 0 || n != size || memcmp(wbuf, data, size) != 0)
			abort();
	} else {
		if (wire_ack(f.kind, f.id, f.dest, f.status, ack, &n) != 0 ||
		    n != size || memcmp(ack, data, size) != 0)
			abort();
	}
}

static void
check_payload(const uint8_t *data, size_t size)
{
	struct wire_payload p;
	uint8_t *out = NULL;
	size_t n;

	if (wire_payload_decode(data, size, &p) != 0)
		return;
	if (strlen(p.subject) > WIRE_SUBJECT_MAX ||
	    strlen(p.author) > WIRE_AUTHOR_MAX ||
	    (p.body_len > 0 && (p.body < data ||
	    p.body + p.body_len != data + size)))
		abort();
	if (wire_payload_encode(p.subject, p.author, p.body, p.body_len, &out,
	    &n) != 0 || n != size || memcmp(out, data, size) != 0)
		abort();
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_frame(data, size);
	check_payload(data, size);
	return 0;
}
