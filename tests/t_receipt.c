/* SPDX-License-Identifier: ISC */
/*
 * t_receipt: signed receipts.  Round trips of the three types; every
 * single-byte flip and truncation refused; a trailing byte; a receipt
 * moved to another message or claimed by another node; malleated
 * signature and small-order key; the field rules; batches of ids (bounds,
 * order, repeats); and a known-answer vector
 * (tests/data/TEST-ONLY-receipt-v2.txt).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/prim.h"
#include "crypto/receipt.h"
#include "crypto/secmem.h"
#include "tests/tap.h"

#define KAT_FILE	"tests/data/TEST-ONLY-receipt-v2.txt"

static uint8_t pk[PRIM_SIGN_PK_BYTES], sk[PRIM_SIGN_SK_BYTES];
static uint8_t opk[PRIM_SIGN_PK_BYTES], osk[PRIM_SIGN_SK_BYTES];
static uint8_t msg_id[RECEIPT_ID_BYTES];

/* 0 when wire parses and verifies under key, else the first error. */
static int
accept(const uint8_t *wire, size_t len, const uint8_t *key)
{
	struct receipt *r = NULL;
	int ret;

	if ((ret = receipt_parse(wire, len, &r)) != 0)
		return ret;
	ret = receipt_verify(r, key);
	receipt_free(&r);
	return ret;
}

static struct receipt_params
ndr(void)
{
	struct receipt_params p = {
		.type = RECEIPT_NONDELIVERY,
		.msg_ids = msg_id,
		.nids = 1,
		.node = "NL-MINBUZA",
		.user = "alice@NL-MINBUZA",
		.time = 1798765200,
		.reason = RECEIPT_REASON_POLICY_DENIED,
		.text = "clearance below NATO SECRET",
	};
	return p;
}

static void
test_round_trip(void)
{
	struct receipt_params p = ndr();
	const struct receipt_info *in;
	struct receipt *r = NULL;
	uint8_t *w, *c;
	size_t len, i, bad = 0;

	is(receipt_create(&p, sk, &w, &len), 0,
	    "create a non-delivery receipt");
	is(receipt_parse(w, len, &r), 0, "parse it");
	in = receipt_info(r);
	is(in->type, RECEIPT_NONDELIVERY, "type");
	is(in->nids, 1, "one message id");
	is_mem(in->msg_ids[0], msg_id, sizeof(msg_id), "message id");
	is_str(in->node, "NL-MINBUZA", "node");
	is_str(in->user, "alice@NL-MINBUZA", "user");
	is(in->time, 1798765200, "time");
	is(in->reason, RECEIPT_REASON_POLICY_DENIED, "reason");
	is_str(in->text, "clearance below NATO SECRET", "text");
	ok(!receipt_verified(r), "not verified yet");
	is(receipt_verify(r, pk), 0, "verifies with the node's key");
	ok(receipt_verified(r), "verified");
	is(receipt_verify(r, opk), -EBADMSG,
	    "another node's key does not verify it");
	receipt_free(&r);
	ok(r == NULL, "receipt_free clears the pointer");

	if ((c = malloc(len + 1)) == NULL)
		BAIL_OUT("malloc");
	for (i = 0; i < len; i++) {
		memcpy(c, w, len);
		c[i] ^= 0x01;
		bad += accept(c, len, pk) == 0;
		memcpy(c, w, len);
		c[i] ^= 0xff;
		bad += accept(c, len, pk) == 0;
	}
	is(bad, 0, "every single-byte flip of the %zu bytes is refused", len);
	for (i = 0; i < len; i++)
		bad += accept(w, i, pk) == 0;
	is(bad, 0, "every truncation length is refused");
	memcpy(c, w, len);
	c[len] = 0;
	is(accept(c, len + 1, pk), -EBADMSG, "a trailing byte is refused");
	memcpy(c, w, len);
	c[7] ^= 0x80;		/* first byte of the message id */
	is(accept(c, len, pk), -EBADMSG,
	    "a receipt moved to another message id is refused");
	free(c);
	free(w);

	p.type = RECEIPT_DELIVERY;
	p.reason = RECEIPT_REASON_NONE;
	p.text = NULL;
	is(receipt_create(&p, sk, &w, &len), 0, "create a delivery receipt");
	is(accept(w, len, pk), 0, "it verifies");
	free(w);
	p.type = RECEIPT_READ;
	is(receipt_create(&p, sk, &w, &len), 0, "create a read receipt");
	is(accept(w, len, pk), 0, "it verifies");
	free(w);
	p.user = NULL;
	p.type = RECEIPT_DELIVERY;
	is(receipt_create(&p, sk, &w, &len), 0,
	    "a delivery receipt without a user");
	is(accept(w, len, pk), 0, "it verifies");
	free(w);
}

/* Re-sign edited receipt bytes with the issuer's key. */
static void
resign(uint8_t *w, size_t len)
{
	uint8_t d[RECEIPT_ID_BYTES], m[16 + RECEIPT_ID_BYTES];

	if (prim_hash(d, sizeof(d), w, len - PRIM_SIG_BYTES, NULL, 0) != 0)
		BAIL_OUT("hash");
	memcpy(m, "valise-receipt-1", 16);
	memcpy(m + 16, d, sizeof(d));
	if (prim_sign(w + len - PRIM_SIG_BYTES, m, sizeof(m), sk) != 0)
		BAIL_OUT("sign");
}

/* A batch of delivery receipts: one signature over many message ids. */
static void
test_batch(void)
{
	uint8_t ids[RECEIPT_IDS_MAX + 1][RECEIPT_ID_BYTES], *w = NULL, *c;
	struct receipt_params p = ndr();
	const struct receipt_info *in;
	struct receipt *r = NULL;
	size_t len, i;
	bool ascending = true;

	for (i = 0; i <= RECEIPT_IDS_MAX; i++)
		memset(ids[i], (int)(0xf0 - i), RECEIPT_ID_BYTES);
	p.type = RECEIPT_DELIVERY;
	p.reason = RECEIPT_REASON_NONE;
	p.text = NULL;
	p.user = NULL;
	p.msg_ids = &ids[0][0];
	p.nids = RECEIPT_IDS_MAX;
	is(receipt_create(&p, sk, &w, &len), 0,
	    "a receipt for RECEIPT_IDS_MAX messages");
	ok(len <= RECEIPT_WIRE_MAX, "within RECEIPT_WIRE_MAX");
	is(receipt_parse(w, len, &r), 0, "parses");
	in = receipt_info(r);
	is(in->nids, RECEIPT_IDS_MAX, "with all its ids");
	for (i = 1; i < in->nids; i++)
		ascending &= memcmp(in->msg_ids[i - 1], in->msg_ids[i],
		    RECEIPT_ID_BYTES) < 0;
	ok(ascending, "in ascending order, whatever order they were given");
	is_mem(in->msg_ids[0], ids[RECEIPT_IDS_MAX - 1], RECEIPT_ID_BYTES,
	    "the smallest first");
	is(receipt_verify(r, pk), 0, "one signature verifies the batch");
	receipt_free(&r);

	/* Ids out of order or repeated are another encoding: refused even
	 * when signed by the issuer. */
	if ((c = malloc(len)) == NULL)
		BAIL_OUT("malloc");
	memcpy(c, w, len);
	memcpy(c + 7, w + 7 + RECEIPT_ID_BYTES, RECEIPT_ID_BYTES);
	memcpy(c + 7 + RECEIPT_ID_BYTES, w + 7, RECEIPT_ID_BYTES);
	resign(c, len);
	is(accept(c, len, pk), -EBADMSG, "ids out of order are refused");
	memcpy(c + 7 + RECEIPT_ID_BYTES, c + 7, RECEIPT_ID_BYTES);
	resign(c, len);
	is(accept(c, len, pk), -EBADMSG, "a repeated id is refused");
	memcpy(c, w, len);
	c[6] = 0;
	is(accept(c, len, pk), -EBADMSG, "a count of 0 is refused");
	c[6] = RECEIPT_IDS_MAX + 1;
	is(accept(c, len, pk), -EBADMSG,
	    "a count above RECEIPT_IDS_MAX is refused");
	memcpy(c, w, len);
	c[6] = RECEIPT_IDS_MAX - 1;
	is(accept(c, len - RECEIPT_ID_BYTES, pk), -EBADMSG,
	    "an id dropped from a signed batch breaks the signature");
	free(c);
	free(w);
	w = NULL;

	p.nids = RECEIPT_IDS_MAX + 1;
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "more than RECEIPT_IDS_MAX ids refused");
	p.nids = 0;
	is(receipt_create(&p, sk, &w, &len), -EINVAL, "no id refused");
	memcpy(ids[1], ids[0], RECEIPT_ID_BYTES);
	p.nids = 3;
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "the same id twice refused");
	ok(w == NULL, "nothing returned on refusal");
}

static void
test_rules(void)
{
	struct receipt_params p;
	uint8_t *w = NULL, *s;
	size_t len, i;
	uint8_t small[PRIM_SIGN_PK_BYTES] = { 1 }, carry;
	static const uint8_t L[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63,
	    0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	unsigned sum;
	char longtext[RECEIPT_TEXT_MAX + 2];

	p = ndr();
	p.reason = RECEIPT_REASON_NONE;
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "a non-delivery receipt needs a reason");
	p = ndr();
	p.type = RECEIPT_DELIVERY;
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "a delivery receipt may not carry a reason");
	p = ndr();
	p.reason = (enum receipt_reason)(RECEIPT_REASON_MAX + 1);
	is(receipt_create(&p, sk, &w, &len), -EINVAL, "unknown reason refused");
	p = ndr();
	p.type = (enum receipt_type)4;
	is(receipt_create(&p, sk, &w, &len), -EINVAL, "unknown type refused");
	p = ndr();
	p.user = "alice@BE-MFA";
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "a node may not speak for another node's user");
	p.user = "NL-MINBUZA";
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "the user must be user@node");
	p = ndr();
	p.type = RECEIPT_READ;
	p.reason = RECEIPT_REASON_NONE;
	p.text = NULL;
	p.user = NULL;
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "a read receipt names its reader");
	p = ndr();
	p.text = "line\nbreak";
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "control bytes in the text refused");
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	p.text = longtext;
	is(receipt_create(&p, sk, &w, &len), -EINVAL,
	    "a text above RECEIPT_TEXT_MAX refused");
	ok(w == NULL, "nothing returned on refusal");

	p = ndr();
	if (receipt_create(&p, sk, &w, &len) != 0)
		BAIL_OUT("create");
	s = w + len - PRIM_SIG_BYTES;
	for (i = 0, carry = 0; i < 32; i++) {
		sum = (unsigned)s[32 + i] + L[i] + carry;
		s[32 + i] = (uint8_t)sum;
		carry = (uint8_t)(sum >> 8);
	}
	is(accept(w, len, pk), -EBADMSG, "a malleated signature is refused");
	memset(s, 0, PRIM_SIG_BYTES);
	s[0] = 1;
	is(accept(w, len, small), -EBADMSG,
	    "a small-order key with the trivial signature is refused");
	free(w);
	is(accept((const uint8_t *)"", RECEIPT_WIRE_MAX + 1, pk), -EMSGSIZE,
	    "an oversized receipt is refused before reading");
}

static void
test_known_answer(void)
{
	struct receipt_params p = ndr();
	char *hex, line[4096], *want = NULL;
	const char *src = getenv("VALISE_SRC");
	char path[4096];
	uint8_t *w;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", KAT_FILE);
	is(receipt_create(&p, sk, &w, &len), 0, "create the vector receipt");
	if ((hex = malloc(2 * len + 1)) == NULL)
		BAIL_OUT("malloc");
	prim_to_hex(hex, w, len);
	if (getenv("VALISE_KAT_WRITE") != NULL) {
		if ((f = fopen(path, "w")) == NULL)
			BAIL_OUT("cannot write %s", path);
		fprintf(f, "# TEST-ONLY known-answer vector, receipt format 2."
		    "\n# Fixed seeds in tests/t_receipt.c.  Never edit.\n"
		    "receipt %s\n", hex);
		fclose(f);
	}
	if ((f = fopen(path, "r")) == NULL)
		BAIL_OUT("cannot read %s", path);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "receipt ", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			want = strdup(line + 8);
		}
	fclose(f);
	if (want == NULL)
		BAIL_OUT("malformed %s", path);
	is_str(hex, want, "the receipt bytes match the vector");
	free(want);
	free(hex);
	free(w);
}

int
main(void)
{
	uint8_t seed[32];

	if (secmem_init() != 0)
		BAIL_OUT("secmem_init");
	memset(seed, 0x31, sizeof(seed));
	if (prim_sign_keypair(pk, sk, seed) != 0)
		BAIL_OUT("key");
	memset(seed, 0x32, sizeof(seed));
	if (prim_sign_keypair(opk, osk, seed) != 0)
		BAIL_OUT("key");
	memset(msg_id, 0x77, sizeof(msg_id));
	test_round_trip();
	test_rules();
	test_batch();
	test_known_answer();
	return done_testing();
}
