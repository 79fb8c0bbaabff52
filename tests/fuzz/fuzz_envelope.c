/* SPDX-License-Identifier: ISC */
/*
 * fuzz_envelope: envelope parsing, verification and opening.
 *
 * The first input byte picks a mode.  Even: the rest is parsed as is (what
 * a relay receives).  Odd: the trailer of the rest is first recomputed
 * with the fixed origin key, so the fuzzer also reaches verify and open
 * with structures of its choosing: for a version byte of 3, as a batch of
 * one (index 0, count 1, no path); else in format 2's layout (id and
 * signature).  Bit 2 opens, and bit 3 verifies, through a cache of key
 * agreements and batch roots kept across inputs, as the node does.  A
 * parsed envelope must give back exactly its input bytes; an opened one
 * must hold the body length its header announced; what verifies through
 * the cache must verify without it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/envelope.h"
#include "crypto/prim.h"
#include "crypto/secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The keys of tests/t_envelope.c, so its vectors are useful seeds. */
static uint8_t origin_pk[32], origin_sk[64], nl_pk[32], nl_sk[32];
static struct envelope_keys *keys;

static void
init(void)
{
	static int done;
	uint8_t seed[32];

	if (done)
		return;
	if (secmem_init() != 0)
		abort();
	memset(seed, 0x01, sizeof(seed));
	if (prim_sign_keypair(origin_pk, origin_sk, seed) != 0)
		abort();
	memset(seed, 0x03, sizeof(seed));
	if (prim_box_keypair(nl_pk, nl_sk, seed) != 0 ||
	    envelope_keys_new(&keys) != 0)
		abort();
	done = 1;
}

/*
 * Sign w[0..len) as the origin would.  Format 3: index 0 and count 1 just
 * before the id, which covers what precedes them, and the signature over
 * "valise-envelope3" || 0x0001 || the root, that is H(0 || id).  Format 2:
 * the id covers all before it, the signature "valise-envelope1" || id.
 */
static void
fixup(uint8_t *w, size_t len)
{
	uint8_t m[16 + 2 + ENVELOPE_ID_BYTES], leaf[1 + ENVELOPE_ID_BYTES];
	uint8_t *id;
	bool v3 = len > ENVELOPE_MAGIC_BYTES && w[ENVELOPE_MAGIC_BYTES] == 3;
	size_t place = v3 ? 4 : 0, mlen;

	if (len < place + ENVELOPE_TRAILER_BYTES)
		return;
	id = w + len - ENVELOPE_TRAILER_BYTES;
	if (v3)	/* u16 index 0, u16 count 1 */
		memcpy(id - place, "\x00\x00\x00\x01", place);
	if (prim_hash(id, ENVELOPE_ID_BYTES, w, (size_t)(id - w) - place,
	    NULL, 0) != 0)
		abort();
	if (v3) {
		leaf[0] = 0x00;
		memcpy(leaf + 1, id, ENVELOPE_ID_BYTES);
		memcpy(m, "valise-envelope3\x00\x01", 18);
		if (prim_hash(m + 18, ENVELOPE_ID_BYTES, leaf, sizeof(leaf),
		    NULL, 0) != 0)
			abort();
		mlen = sizeof(m);
	} else {
		memcpy(m, "valise-envelope1", 16);
		memcpy(m + 16, id, ENVELOPE_ID_BYTES);
		mlen = 16 + ENVELOPE_ID_BYTES;
	}
	if (prim_sign(id + ENVELOPE_ID_BYTES, m, mlen, origin_sk) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct envelope *env = NULL;
	const struct envelope_info *in;
	const uint8_t *wire;
	uint8_t *buf, *body = NULL;
	size_t len, wlen, body_len = 0;
	int r;

	init();
	if (size < 1 || size > 1 + 65536)
		return 0;
	len = size - 1;
	if ((buf = malloc(len + 1)) == NULL)
		abort();
	memcpy(buf, data + 1, len);
	if (data[0] & 1)
		fixup(buf, len);
	r = envelope_parse(buf, len, (data[0] & 2) ? 4096 : 0, &env);
	if (r != 0) {
		if (env != NULL)
			abort();
		goto out;
	}
	wire = envelope_wire(env, &wlen);
	if (wlen != len || memcmp(wire, buf, len) != 0)
		abort();
	in = envelope_info(env);
	if (in->nrcpts < 1 || in->nrcpts > ENVELOPE_RECIPIENTS_MAX ||
	    in->nnodes < 1 || in->nnodes > in->nrcpts ||
	    strlen(in->label) == 0 || in->expires <= in->created)
		abort();
	if (data[0] & 8) {
		if (envelope_verify_cached(env, origin_pk, keys) != 0)
			goto out;
		/* A cached root never admits what a full check refuses. */
		if (envelope_verify(env, origin_pk) != 0)
			abort();
	} else if (envelope_verify(env, origin_pk) != 0)
		goto out;
	r = envelope_open_cached(env, "NL-MINBUZA", nl_pk, nl_sk,
	    (data[0] & 4) ? keys : NULL, &body, &body_len);
	if (r == 0 && body_len != in->body_len)
		abort();
	if (r != 0 && (body != NULL || body_len != 0))
		abort();
	envelope_body_free(&body, body_len);
out:
	envelope_free(&env);
	free(buf);
	return 0;
}
