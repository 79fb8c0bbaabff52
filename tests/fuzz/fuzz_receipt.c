/* SPDX-License-Identifier: ISC */
/*
 * fuzz_receipt: receipt parsing.  Whatever parses must be something
 * receipt_create() accepts, and re-creating it must give back the same
 * signed bytes (one encoding per receipt).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/prim.h"
#include "crypto/receipt.h"
#include "crypto/secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t pk[32], sk[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int done;
	struct receipt *r = NULL;
	const struct receipt_info *in;
	struct receipt_params p;
	uint8_t seed[32], *w;
	size_t len;

	if (!done) {
		if (secmem_init() != 0)
			abort();
		memset(seed, 0x31, sizeof(seed));	/* t_receipt's key */
		if (prim_sign_keypair(pk, sk, seed) != 0)
			abort();
		done = 1;
	}
	if (receipt_parse(data, size, &r) != 0) {
		if (r != NULL)
			abort();
		return 0;
	}
	in = receipt_info(r);
	(void)receipt_verify(r, pk);
	p.type = in->type;
	p.msg_ids = &in->msg_ids[0][0];
	p.nids = in->nids;
	p.node = in->node;
	p.user = in->user;
	p.time = in->time;
	p.reason = in->reason;
	p.text = in->text;
	if (receipt_create(&p, sk, &w, &len) != 0)
		abort();
	if (len != size || memcmp(w, data, len - PRIM_SIG_BYTES) != 0)
		abort();
	free(w);
	receipt_free(&r);
	return 0;
}
