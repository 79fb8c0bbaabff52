/* SPDX-License-Identifier: ISC */
/*
 * t_envelope: the envelope format.  Round trips for one and many
 * recipients; every single-byte flip and every truncation refused; a
 * trailing byte, the wrong recipient, a signature by another node, a label
 * swapped between two envelopes, a header re-signed by a relay, a
 * malleated signature and small-order keys refused; the inner label
 * check; size bounds; and a known-answer vector from fixed seeds
 * (tests/data/TEST-ONLY-envelope-v2.txt) so that the format cannot drift;
 * key agreements cached between envelopes: shared, rotated, bounded, and
 * a wrapped key moved between envelopes of one batch refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/envelope.h"
#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "tests/tap.h"

#define KAT_FILE	"tests/data/TEST-ONLY-envelope-v2.txt"

struct signer {
	uint8_t	pk[PRIM_SIGN_PK_BYTES];
	uint8_t	sk[PRIM_SIGN_SK_BYTES];
};

struct boxkeys {
	uint8_t	pk[PRIM_BOX_PK_BYTES];
	uint8_t	sk[PRIM_BOX_SK_BYTES];
};

/* Fixed test keys: origin BE-MFA, recipient nodes BE-MFA, NL-MINBUZA,
 * FR-MEAE; a relay and an unrelated node that can sign. */
static struct signer origin, relay, other;
static struct boxkeys be, nl, fr;

static void
keys_init(void)
{
	uint8_t seed[32];

	memset(seed, 0x01, sizeof(seed));
	if (prim_sign_keypair(origin.pk, origin.sk, seed) != 0)
		BAIL_OUT("origin key");
	memset(seed, 0x09, sizeof(seed));
	if (prim_sign_keypair(relay.pk, relay.sk, seed) != 0)
		BAIL_OUT("relay key");
	memset(seed, 0x0a, sizeof(seed));
	if (prim_sign_keypair(other.pk, other.sk, seed) != 0)
		BAIL_OUT("other key");
	memset(seed, 0x02, sizeof(seed));
	if (prim_box_keypair(be.pk, be.sk, seed) != 0)
		BAIL_OUT("be key");
	memset(seed, 0x03, sizeof(seed));
	if (prim_box_keypair(nl.pk, nl.sk, seed) != 0)
		BAIL_OUT("nl key");
	memset(seed, 0x04, sizeof(seed));
	if (prim_box_keypair(fr.pk, fr.sk, seed) != 0)
		BAIL_OUT("fr key");
}

static struct envelope_params
params(const struct envelope_rcpt *r, size_t n, const char *label)
{
	struct envelope_params p = {
		.origin = "BE-MFA",
		.rcpts = r,
		.nrcpts = n,
		.label = label,
		.precedence = ENVELOPE_PRIORITY,
		.created = 1798761600,		/* 2027-01-01T00:00:00Z */
		.expires = 1798761600 + 86400,
	};
	return p;
}

/*
 * Parse, verify with origin_pk and open as node: 0 when all three pass
 * and the body equals want, else the first error.
 */
static int
accept(const uint8_t *wire, size_t len, const uint8_t *origin_pk,
    const char *node, const struct boxkeys *k, const uint8_t *want,
    size_t want_len)
{
	struct envelope *env = NULL;
	uint8_t *body = NULL;
	size_t body_len = 0;
	int ret;

	if ((ret = envelope_parse(wire, len, 0, &env)) != 0)
		return ret;
	if ((ret = envelope_verify(env, origin_pk)) != 0)
		goto out;
	if ((ret = envelope_open(env, node, k->pk, k->sk, &body,
	    &body_len)) != 0)
		goto out;
	if (body_len != want_len || (want_len > 0 &&
	    memcmp(body, want, want_len) != 0))
		ret = -EPROTO;
	envelope_body_free(&body, body_len);
out:
	envelope_free(&env);
	return ret;
}

/* Recompute the id of an edited envelope and sign it with sk, as a relay
 * or forger holding some Ed25519 key can. */
static void
resign(uint8_t *wire, size_t len, const uint8_t *sk)
{
	uint8_t *id = wire + len - ENVELOPE_TRAILER_BYTES;
	uint8_t m[16 + ENVELOPE_ID_BYTES];

	if (prim_hash(id, ENVELOPE_ID_BYTES, wire, (size_t)(id - wire), NULL,
	    0) != 0)
		BAIL_OUT("hash");
	memcpy(m, "valise-envelope1", 16);
	memcpy(m + 16, id, ENVELOPE_ID_BYTES);
	if (prim_sign(id + ENVELOPE_ID_BYTES, m, sizeof(m), sk) != 0)
		BAIL_OUT("sign");
}

/* Offset of the label's length prefix in a parsed envelope's header. */
static size_t
label_offset(const struct envelope_info *in)
{
	size_t off = ENVELOPE_MAGIC_BYTES + 1 + 1 + strlen(in->origin) + 1, i;

	for (i = 0; i < in->nrcpts; i++)
		off += 1 + strlen(in->rcpts[i]);
	return off;
}

static void
test_round_trips(void)
{
	struct envelope_rcpt one[] = { { "alice@NL-MINBUZA", nl.pk } };
	struct envelope_rcpt many[ENVELOPE_RECIPIENTS_MAX + 1];
	char addrs[ENVELOPE_RECIPIENTS_MAX + 1][16];
	struct envelope_params p =
	    params(one, 1, "NATO SECRET//REL TO BEL,NLD");
	const struct envelope_info *in;
	struct envelope *env = NULL;
	uint8_t *wire = NULL, *body = NULL, id[ENVELOPE_ID_BYTES];
	size_t len, body_len, i;
	const char msg[] = "Rendez-vous au Berlaymont, 14h.";
	int bad;

	is(envelope_seal(&p, origin.sk, (const uint8_t *)msg, sizeof(msg),
	    &wire, &len, id), 0, "seal to one recipient");
	is(envelope_parse(wire, len, 0, &env), 0, "parse it");
	in = envelope_info(env);
	is_str(in->origin, "BE-MFA", "origin");
	is(in->nrcpts, 1, "one recipient");
	is_str(in->rcpts[0], "alice@NL-MINBUZA", "recipient address");
	is_str(in->nodes[0], "NL-MINBUZA", "recipient node");
	is_str(in->label, "NATO SECRET//REL TO BEL,NLD", "label");
	is(in->precedence, ENVELOPE_PRIORITY, "precedence");
	is(in->created, 1798761600, "created");
	is(in->expires, 1798761600 + 86400, "expires");
	is(in->body_len, sizeof(msg), "body length");
	is_mem(in->id, id, sizeof(id), "the id seal returned is the parsed id");
	ok(!envelope_expired(env, 1798761600 + 86399), "not yet expired");
	ok(envelope_expired(env, 1798761600 + 86400), "expired at expires");
	ok(envelope_has_node(env, "NL-MINBUZA"), "has its node");
	ok(!envelope_has_node(env, "BE-MFA"), "not another");
	is(envelope_open(env, "NL-MINBUZA", nl.pk, nl.sk, &body, &body_len),
	    -EPERM, "opening before verifying is refused");
	ok(body == NULL && body_len == 0, "and gives nothing");
	is(envelope_verify(env, origin.pk), 0, "verify with the origin's key");
	is(envelope_open(env, "NL-MINBUZA", nl.pk, nl.sk, &body, &body_len),
	    0, "open as the recipient node");
	ok(body_len == sizeof(msg) && memcmp(body, msg, sizeof(msg)) == 0,
	    "the body comes back");
	envelope_body_free(&body, body_len);
	ok(body == NULL, "body_free clears the pointer");
	envelope_free(&env);
	ok(env == NULL, "envelope_free clears the pointer");
	envelope_free(&env);
	free(wire);

	/* 32 recipients on three nodes, several users per node. */
	for (i = 0; i <= ENVELOPE_RECIPIENTS_MAX; i++) {
		const char *node = i % 3 == 0 ? "BE-MFA" : i % 3 == 1 ?
		    "NL-MINBUZA" : "FR-MEAE";

		snprintf(addrs[i], sizeof(addrs[i]), "u%zu@%s", i, node);
		if (i == 5)
			snprintf(addrs[i], sizeof(addrs[i]), "FR-MEAE");
		many[i].addr = addrs[i];
		many[i].box_pk = i % 3 == 0 ? be.pk : i % 3 == 1 ? nl.pk :
		    fr.pk;
	}
	p = params(many, ENVELOPE_RECIPIENTS_MAX, "BE:GEHEIM");
	is(envelope_seal(&p, origin.sk, (const uint8_t *)msg, sizeof(msg),
	    &wire, &len, NULL), 0, "seal to 32 recipients on 3 nodes");
	is(envelope_parse(wire, len, 0, &env), 0, "parse it");
	is(envelope_info(env)->nnodes, 3, "three wrapped keys");
	envelope_free(&env);
	bad = 0;
	bad += accept(wire, len, origin.pk, "BE-MFA", &be,
	    (const uint8_t *)msg, sizeof(msg)) != 0;
	bad += accept(wire, len, origin.pk, "NL-MINBUZA", &nl,
	    (const uint8_t *)msg, sizeof(msg)) != 0;
	bad += accept(wire, len, origin.pk, "FR-MEAE", &fr,
	    (const uint8_t *)msg, sizeof(msg)) != 0;
	is(bad, 0, "each of the three nodes opens it");
	free(wire);
	p.nrcpts = ENVELOPE_RECIPIENTS_MAX + 1;
	is(envelope_seal(&p, origin.sk, (const uint8_t *)msg, sizeof(msg),
	    &wire, &len, NULL), -EINVAL, "33 recipients refused");
	ok(wire == NULL && len == 0, "and nothing returned");

	/* An empty body is allowed. */
	p = params(one, 1, "BE:NON CLASSIFIE");
	is(envelope_seal(&p, origin.sk, NULL, 0, &wire, &len, NULL), 0,
	    "seal an empty body");
	is(accept(wire, len, origin.pk, "NL-MINBUZA", &nl, NULL, 0), 0,
	    "and open it");
	free(wire);
}

static void
test_seal_refusals(void)
{
	struct envelope_rcpt r[2] = { { "alice@BE-MFA", be.pk },
	    { "alice@BE-MFA", be.pk } };
	uint8_t small[PRIM_BOX_PK_BYTES] = { 0 }, *wire = NULL, b = 0;
	struct envelope_params p = params(r, 2, "BE:GEHEIM");
	size_t len;

	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "a duplicate recipient is refused");
	r[1].addr = "bob@BE-MFA";
	r[1].box_pk = nl.pk;
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "two keys for one node are refused");
	r[1].box_pk = be.pk;
	p.label = "BE:GEHEIM\n";
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "a label with a control byte is refused");
	p.label = "";
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "an empty label is refused");
	p.label = "BE:GEHEIM";
	p.expires = p.created;
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "expires not after created is refused");
	p = params(r, 2, "BE:GEHEIM");
	p.precedence = (enum envelope_precedence)4;
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "an unknown precedence is refused");
	p = params(r, 2, "BE:GEHEIM");
	p.origin = "be-mfa";
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "an invalid origin name is refused");
	p = params(r, 2, "BE:GEHEIM");
	is(envelope_seal(&p, origin.sk, &b, ENVELOPE_BODY_MAX + 1, &wire, &len,
	    NULL), -EMSGSIZE, "a body above ENVELOPE_BODY_MAX is refused");
	r[0].box_pk = r[1].box_pk = small;
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "a small-order recipient key is refused");
	ok(wire == NULL, "nothing returned on refusal");
}

/* A ~1 KiB envelope to two nodes for the exhaustive tests. */
static uint8_t body1k[700];

static int
seal_1k(uint8_t **wire, size_t *len, const char *label)
{
	struct envelope_rcpt r[] = { { "alice@NL-MINBUZA", nl.pk },
	    { "bob@FR-MEAE", fr.pk }, { "carol@NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 3, label);

	return envelope_seal(&p, origin.sk, body1k, sizeof(body1k), wire, len,
	    NULL);
}

static void
test_exhaustive(void)
{
	uint8_t *wire, *copy;
	size_t len, i, flips_ok = 0, cuts_ok = 0;

	memset(body1k, 'm', sizeof(body1k));
	if (seal_1k(&wire, &len, "NATO SECRET//ATOMAL") != 0)
		BAIL_OUT("seal");
	ok(len > 1000 && len < 1200, "a %zu-byte envelope", len);
	is(accept(wire, len, origin.pk, "NL-MINBUZA", &nl, body1k,
	    sizeof(body1k)), 0, "it opens untouched");
	if ((copy = malloc(len + 1)) == NULL)
		BAIL_OUT("malloc");
	for (i = 0; i < len; i++) {
		memcpy(copy, wire, len);
		copy[i] ^= 0x01;
		if (accept(copy, len, origin.pk, "NL-MINBUZA", &nl, body1k,
		    sizeof(body1k)) == 0)
			flips_ok++;
		memcpy(copy, wire, len);
		copy[i] ^= 0xff;
		if (accept(copy, len, origin.pk, "NL-MINBUZA", &nl, body1k,
		    sizeof(body1k)) == 0)
			flips_ok++;
	}
	is(flips_ok, 0, "every single-byte flip (0x01 and 0xff) of all %zu "
	    "bytes is refused", len);
	for (i = 0; i < len; i++)
		if (accept(wire, i, origin.pk, "NL-MINBUZA", &nl, body1k,
		    sizeof(body1k)) == 0)
			cuts_ok++;
	is(cuts_ok, 0, "every truncation length 0..%zu is refused", len - 1);
	memcpy(copy, wire, len);
	copy[len] = 0;
	is(accept(copy, len + 1, origin.pk, "NL-MINBUZA", &nl, body1k,
	    sizeof(body1k)), -EBADMSG, "a trailing byte is refused");
	free(copy);
	free(wire);
}

static void
test_forgeries(void)
{
	struct envelope_rcpt r[] = { { "alice@NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 1, "BE:GEHEIM");
	struct envelope *env = NULL;
	uint8_t *a, *b, *body = NULL, ida[ENVELOPE_ID_BYTES], *sig, carry;
	uint8_t small[PRIM_SIGN_PK_BYTES] = { 1 };
	size_t alen, blen, body_len, off, i;
	const uint8_t *wire;
	const char msg[] = "body";
	/* The order L of the Ed25519 base point, little-endian. */
	static const uint8_t L[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63,
	    0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	unsigned sum;

	/* Wrong recipient. */
	if (envelope_seal(&p, origin.sk, (const uint8_t *)msg, sizeof(msg),
	    &a, &alen, ida) != 0)
		BAIL_OUT("seal");
	is(accept(a, alen, origin.pk, "FR-MEAE", &fr, NULL, 0), -ENOENT,
	    "a node that is not a recipient cannot open");
	is(accept(a, alen, origin.pk, "NL-MINBUZA", &fr, NULL, 0), -EBADMSG,
	    "the recipient's name with another node's key cannot open");

	/* Signed by another node's key, claiming to be BE-MFA. */
	if (envelope_seal(&p, other.sk, (const uint8_t *)msg, sizeof(msg),
	    &b, &blen, NULL) != 0)
		BAIL_OUT("seal");
	is(accept(b, blen, origin.pk, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "an envelope signed by another node's key is refused");
	free(b);

	/* A relay re-signs an unchanged envelope: the id is unchanged. */
	if ((b = malloc(alen)) == NULL)
		BAIL_OUT("malloc");
	memcpy(b, a, alen);
	resign(b, alen, relay.sk);
	ok(memcmp(b + alen - ENVELOPE_TRAILER_BYTES, ida, sizeof(ida)) == 0,
	    "re-signing keeps the message id (de-duplication catches it)");
	is(accept(b, alen, origin.pk, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "and the relay's signature does not pass as the origin's");

	/* A relay edits the header (later expiry) and re-signs it. */
	if (envelope_parse(a, alen, 0, &env) != 0)
		BAIL_OUT("parse");
	off = label_offset(envelope_info(env)) + 2 + strlen("BE:GEHEIM") +
	    1 + 8 + 7;
	envelope_free(&env);
	memcpy(b, a, alen);
	b[off] ^= 0x40;			/* low byte of expires */
	resign(b, alen, relay.sk);
	is(envelope_parse(b, alen, 0, &env), 0,
	    "a relay-edited, relay-signed envelope parses");
	ok(memcmp(envelope_info(env)->id, ida, sizeof(ida)) != 0,
	    "with another message id");
	is(envelope_verify(env, origin.pk), -EBADMSG,
	    "and does not verify as the origin's");
	is(envelope_verify(env, relay.pk), 0,
	    "it verifies only as the relay's own");
	is(envelope_open(env, "NL-MINBUZA", nl.pk, nl.sk, &body, &body_len),
	    -EBADMSG, "and even then the body (header as AD) does not open");
	envelope_free(&env);

	/* Malleated signature: S + L. */
	memcpy(b, a, alen);
	sig = b + alen - PRIM_SIG_BYTES;
	for (i = 0, carry = 0; i < 32; i++) {
		sum = (unsigned)sig[32 + i] + L[i] + carry;
		sig[32 + i] = (uint8_t)sum;
		carry = (uint8_t)(sum >> 8);
	}
	is(accept(b, alen, origin.pk, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "a malleated signature (S + L) is refused");
	if (envelope_parse(b, alen, 0, &env) != 0)
		BAIL_OUT("parse");
	wire = envelope_wire(env, &off);
	ok(off == alen && memcmp(wire + alen - ENVELOPE_TRAILER_BYTES, ida,
	    sizeof(ida)) == 0, "and its id is the original's (no new id)");
	envelope_free(&env);

	/* Small-order key: identity point with R = identity, S = 0 verifies
	 * any message under a lax verifier. */
	memcpy(b, a, alen);
	sig = b + alen - PRIM_SIG_BYTES;
	memset(sig, 0, PRIM_SIG_BYTES);
	sig[0] = 1;
	is(accept(b, alen, small, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "a small-order origin key with the trivial signature is refused");
	is(accept(a, alen, small, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "a small-order origin key is refused for a real envelope");
	memset(small, 0, sizeof(small));
	is(accept(a, alen, small, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "the all-zero origin key is refused");
	free(b);
	free(a);
}

static void
test_label_swap(void)
{
	uint8_t *a, *b, *c;
	size_t alen, blen, off;
	struct envelope *env = NULL;

	/* Two envelopes whose labels have the same length. */
	memset(body1k, 'm', sizeof(body1k));
	if (seal_1k(&a, &alen, "BE:GEHEIM") != 0 ||
	    seal_1k(&b, &blen, "BE:SECRET") != 0 || alen != blen)
		BAIL_OUT("seal");
	if (envelope_parse(a, alen, 0, &env) != 0)
		BAIL_OUT("parse");
	off = label_offset(envelope_info(env)) + 2;
	envelope_free(&env);
	if ((c = malloc(alen)) == NULL)
		BAIL_OUT("malloc");
	memcpy(c, a, alen);
	memcpy(c + off, b + off, strlen("BE:SECRET"));
	is(envelope_parse(c, alen, 0, &env), -EBADMSG,
	    "a label copied from another envelope breaks the id");
	resign(c, alen, relay.sk);
	is(accept(c, alen, origin.pk, "NL-MINBUZA", &nl, body1k,
	    sizeof(body1k)), -EBADMSG,
	    "and with a recomputed id the origin signature fails");
	resign(c, alen, origin.sk);
	is(accept(c, alen, origin.pk, "NL-MINBUZA", &nl, body1k,
	    sizeof(body1k)), -EBADMSG,
	    "even re-signed by the origin's key the body (AD) does not open");
	free(a);
	free(b);
	free(c);
}

/*
 * A buggy or malicious origin puts one label outside and another inside:
 * the receiver must refuse with -EPROTO (quarantine, labels.md section 5).
 */
static void
test_inner_label(void)
{
	struct envelope_rcpt r[] = { { "NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 1, "BE:SECRET");
	uint8_t key[32], nonce[24], seed[32], *w, *ct, *pt;
	struct envelope_fixed fx = { key, nonce, seed };
	struct envelope *env = NULL;
	size_t len, hlen, ctlen;
	uint8_t *body = NULL;
	size_t body_len = 0;
	const char msg[] = "inner";

	memset(key, 0x11, sizeof(key));
	memset(nonce, 0x12, sizeof(nonce));
	memset(seed, 0x13, sizeof(seed));
	if (envelope_seal_fixed(&p, origin.sk, (const uint8_t *)msg,
	    sizeof(msg), &fx, &w, &len, NULL) != 0)
		BAIL_OUT("seal");
	hlen = 4 + 1 + 1 + 6 + 1 + 1 + 10 + 2 + 9 + 1 + 8 + 8 + 24 + 4;
	ct = w + hlen + ENVELOPE_WRAPPED_BYTES;
	ctlen = 2 + 9 + sizeof(msg) + PRIM_AEAD_TAG_BYTES;
	if ((pt = malloc(ctlen)) == NULL ||
	    prim_aead_open(pt, ct, ctlen, w, hlen, nonce, key) != 0)
		BAIL_OUT("decrypt");
	ok(memcmp(pt, "\0\x09" "BE:SECRET", 11) == 0,
	    "the ciphertext holds the label again");
	memcpy(pt + 2, "BE:GEHEIM", 9);
	if (prim_aead_seal(ct, pt, ctlen - PRIM_AEAD_TAG_BYTES, w, hlen, nonce,
	    key) != 0)
		BAIL_OUT("encrypt");
	resign(w, len, origin.sk);
	is(envelope_parse(w, len, 0, &env), 0, "parses");
	is(envelope_verify(env, origin.pk), 0, "verifies (origin signed it)");
	is(envelope_open(env, "NL-MINBUZA", nl.pk, nl.sk, &body, &body_len),
	    -EPROTO, "an inner label unlike the outer one is refused");
	ok(body == NULL && body_len == 0, "with no plaintext returned");
	envelope_free(&env);
	free(pt);
	free(w);
}

static void
test_bounds(void)
{
	struct envelope_rcpt r[] = { { "NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 1, "BE:SECRET");
	struct envelope *env = NULL;
	uint8_t *big, *w, ver;
	size_t len;

	if ((big = calloc(1, ENVELOPE_BODY_MAX)) == NULL)
		BAIL_OUT("calloc");
	is(envelope_seal(&p, origin.sk, big, ENVELOPE_BODY_MAX, &w, &len,
	    NULL), 0, "a 16 MiB body seals");
	is(accept(w, len, origin.pk, "NL-MINBUZA", &nl, big,
	    ENVELOPE_BODY_MAX), 0, "and opens");
	is(envelope_parse(w, len, ENVELOPE_BODY_MAX - 1, &env), -EMSGSIZE,
	    "a node bounding bodies lower refuses it");
	is(envelope_parse(w, len, 1024, &env), -EMSGSIZE,
	    "before reading it (whole size above the bound)");
	is(envelope_parse(w, len, ENVELOPE_BODY_MAX + 1, &env), -EINVAL,
	    "a bound above ENVELOPE_BODY_MAX is a caller error");
	ok(env == NULL, "no envelope on failure");
	free(w);
	free(big);

	if (envelope_seal(&p, origin.sk, (const uint8_t *)"x", 1, &w,
	    &len, NULL) != 0)
		BAIL_OUT("seal");
	ver = w[4];
	w[4] = 1;
	is(envelope_parse(w, len, 0, &env), -EPROTONOSUPPORT,
	    "format 1 (a sealed box per key) is named as unsupported");
	w[4] = 3;
	is(envelope_parse(w, len, 0, &env), -EPROTONOSUPPORT,
	    "another format version is named as such");
	w[4] = ver;
	is(envelope_parse(w, len, 1, &env), 0, "a 1-byte bound admits 1 byte");
	envelope_free(&env);
	free(w);
	is(envelope_parse(NULL, 0, 0, &env), -EBADMSG, "empty input refused");
}

static const char *
kat_path(void)
{
	static char path[4096];
	const char *src = getenv("VALISE_SRC");

	if (snprintf(path, sizeof(path), "%s/%s", src ? src : ".", KAT_FILE) >=
	    (int)sizeof(path))
		BAIL_OUT("path too long");
	return path;
}

/*
 * The known answer: fixed keys (above), fixed body key, nonce and
 * ephemeral seeds.  With VALISE_KAT_WRITE=1 the vector is (re)written;
 * only do that for a deliberate format change, with a version bump.
 */
static void
test_known_answer(void)
{
	struct envelope_rcpt r[] = { { "alice@NL-MINBUZA", nl.pk },
	    { "FR-MEAE", fr.pk }, { "bob@NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 3,
	    "NATO SECRET//ATOMAL//REL TO BEL,FRA,NLD");
	uint8_t key[32], nonce[24], seeds[64], *w, id[ENVELOPE_ID_BYTES];
	struct envelope_fixed fx = { key, nonce, seeds };
	const char msg[] = "Known-answer body for valise envelope format 2.\n";
	char *hex, idhex[2 * ENVELOPE_ID_BYTES + 1], line[16384];
	char *want_id = NULL, *want_env = NULL;
	size_t len;
	FILE *f;

	p.precedence = ENVELOPE_FLASH;
	memset(key, 0x21, sizeof(key));
	memset(nonce, 0x22, sizeof(nonce));
	memset(seeds, 0x23, 32);
	memset(seeds + 32, 0x24, 32);
	is(envelope_seal_fixed(&p, origin.sk, (const uint8_t *)msg,
	    sizeof(msg) - 1, &fx, &w, &len, id), 0, "fixed-randomness seal");
	if ((hex = malloc(2 * len + 1)) == NULL)
		BAIL_OUT("malloc");
	prim_to_hex(hex, w, len);
	prim_to_hex(idhex, id, sizeof(id));
	if (getenv("VALISE_KAT_WRITE") != NULL) {
		if ((f = fopen(kat_path(), "w")) == NULL)
			BAIL_OUT("cannot write %s", kat_path());
		fprintf(f,
		    "# TEST-ONLY known-answer vector, envelope format 2.\n"
		    "# Keys, body key, nonce and ephemeral seeds are fixed in "
		    "tests/t_envelope.c\n# (test_known_answer).  Never edit: "
		    "a change here is a format change.\nid %s\nenvelope %s\n",
		    idhex, hex);
		fclose(f);
		note("wrote %s", kat_path());
	}
	if ((f = fopen(kat_path(), "r")) == NULL)
		BAIL_OUT("cannot read %s", kat_path());
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "id ", 3) == 0)
			want_id = strdup(line + 3);
		else if (strncmp(line, "envelope ", 9) == 0)
			want_env = strdup(line + 9);
	}
	fclose(f);
	if (want_id == NULL || want_env == NULL)
		BAIL_OUT("malformed %s", kat_path());
	is_str(idhex, want_id, "the message id matches the vector");
	is(strlen(hex), strlen(want_env), "the envelope length matches");
	is_mem(hex, want_env, strlen(hex) < strlen(want_env) ? strlen(hex) :
	    strlen(want_env), "the envelope bytes match the vector");
	free(w);
	/* And the checked-in bytes still parse, verify and open. */
	len = strlen(want_env) / 2;
	if ((w = malloc(len)) == NULL ||
	    prim_from_hex(w, len, want_env, 2 * len) != 0)
		BAIL_OUT("hex");
	is(accept(w, len, origin.pk, "FR-MEAE", &fr, (const uint8_t *)msg,
	    sizeof(msg) - 1), 0, "the vector opens for FR-MEAE");
	is(accept(w, len, origin.pk, "NL-MINBUZA", &nl, (const uint8_t *)msg,
	    sizeof(msg) - 1), 0, "and for NL-MINBUZA");
	free(w);
	free(hex);
	free(want_id);
	free(want_env);
}

/* Offset of the first wrapped key of a sealed envelope. */
static size_t
keys_offset(const uint8_t *w, size_t len)
{
	struct envelope *env = NULL;
	const struct envelope_info *in;
	size_t off;

	if (envelope_parse(w, len, 0, &env) != 0)
		BAIL_OUT("parse");
	in = envelope_info(env);
	off = label_offset(in) + 2 + strlen(in->label) + 1 + 8 + 8 +
	    ENVELOPE_NONCE_BYTES + 4;
	envelope_free(&env);
	return off;
}

/* Seal "cached" to r with keys at time t. */
static uint8_t *
seal_at(const struct envelope_rcpt *r, struct envelope_keys *keys,
    uint64_t t, size_t *len)
{
	struct envelope_params p = params(r, 1, "BE:SECRET");
	uint8_t *w;

	p.keys = keys;
	p.created = t;
	p.expires = t + 86400;
	if (envelope_seal(&p, origin.sk, (const uint8_t *)"cached", 6, &w,
	    len, NULL) != 0)
		BAIL_OUT("seal");
	return w;
}

/* Parse, verify and open as NL-MINBUZA with keys: 0 or the error. */
static int
open_cached(const uint8_t *w, size_t len, struct envelope_keys *keys)
{
	struct envelope *env = NULL;
	uint8_t *body = NULL;
	size_t body_len = 0;
	int r;

	if ((r = envelope_parse(w, len, 0, &env)) == 0 &&
	    (r = envelope_verify(env, origin.pk)) == 0 &&
	    (r = envelope_open_cached(env, "NL-MINBUZA", nl.pk, nl.sk, keys,
	    &body, &body_len)) == 0 &&
	    (body_len != 6 || memcmp(body, "cached", 6) != 0))
		r = -EPROTO;
	envelope_body_free(&body, body_len);
	envelope_free(&env);
	return r;
}

/* Whether the first wrapped key of w has the ephemeral key epk. */
static bool
has_eph(const uint8_t *w, size_t len, const uint8_t *epk)
{
	return memcmp(w + keys_offset(w, len), epk, PRIM_BOX_PK_BYTES) == 0;
}

/*
 * Key agreements reused between envelopes: one ephemeral key per recipient
 * node key for a bounded number of envelopes and seconds, and on the other
 * side one shared key per ephemeral key; each wrapped key bound to its own
 * envelope by its nonce.
 */
static void
test_cached_keys(void)
{
	const struct envelope_rcpt r[] = { { "NL-MINBUZA", nl.pk } };
	const struct envelope_rcpt rf[] = { { "FR-MEAE", fr.pk } };
	struct envelope_keys *sk = NULL, *rk = NULL;
	const uint64_t t0 = 1798761600;
	uint8_t *a, *b, *c, epk[PRIM_BOX_PK_BYTES];
	size_t alen, blen, clen, ka, kb, i;
	bool same = true, fresh = true;
	int fails = 0;

	if (envelope_keys_new(&sk) != 0 || envelope_keys_new(&rk) != 0)
		BAIL_OUT("envelope_keys_new");
	a = seal_at(r, sk, t0, &alen);
	b = seal_at(r, sk, t0 + 1, &blen);
	ka = keys_offset(a, alen);
	kb = keys_offset(b, blen);
	memcpy(epk, a + ka, sizeof(epk));
	ok(has_eph(b, blen, epk),
	    "two envelopes of a batch share the ephemeral public key");
	ok(memcmp(a + ka + PRIM_BOX_PK_BYTES, b + kb + PRIM_BOX_PK_BYTES,
	    ENVELOPE_WRAPPED_BYTES - PRIM_BOX_PK_BYTES) != 0,
	    "and nothing else of their wrapped keys");
	is(open_cached(a, alen, rk), 0, "the first opens, caching its key");
	is(open_cached(b, blen, rk), 0, "the second opens with the cache");
	is(open_cached(b, blen, NULL), 0, "and without it");
	is(accept(a, alen, origin.pk, "NL-MINBUZA", &nl,
	    (const uint8_t *)"cached", 6), 0, "envelope_open opens it too");

	/* A wrapped key moved to another envelope of the batch (same
	 * ephemeral key, same shared key), even re-signed by the origin. */
	memcpy(b + kb, a + ka, ENVELOPE_WRAPPED_BYTES);
	resign(b, blen, origin.sk);
	is(open_cached(b, blen, rk), -EBADMSG,
	    "a wrapped key moved between envelopes of a batch does not open");
	is(open_cached(b, blen, NULL), -EBADMSG, "nor without the cache");
	free(b);

	/* A small-order ephemeral key, with and without the cache. */
	b = seal_at(r, sk, t0, &blen);
	memset(b + kb, 0, PRIM_BOX_PK_BYTES);
	resign(b, blen, origin.sk);
	is(open_cached(b, blen, rk), -EBADMSG,
	    "a small-order ephemeral key is refused");
	is(open_cached(b, blen, NULL), -EBADMSG, "also without the cache");
	free(b);
	free(a);

	c = seal_at(r, NULL, t0, &clen);
	ok(!has_eph(c, clen, epk),
	    "without a cache each envelope has its own ephemeral key");
	free(c);
	c = seal_at(rf, sk, t0, &clen);
	ok(!has_eph(c, clen, epk),
	    "another recipient node, another ephemeral key");
	free(c);

	/* Rotation by time: ENVELOPE_EPH_SECONDS_MAX after the first use,
	 * and when the clock goes back. */
	c = seal_at(r, sk, t0 + ENVELOPE_EPH_SECONDS_MAX - 1, &clen);
	ok(has_eph(c, clen, epk),
	    "the same ephemeral key just before the time bound");
	free(c);
	c = seal_at(r, sk, t0 + ENVELOPE_EPH_SECONDS_MAX, &clen);
	ok(!has_eph(c, clen, epk), "a new one at the time bound");
	memcpy(epk, c + keys_offset(c, clen), sizeof(epk));
	is(open_cached(c, clen, rk), 0, "which opens");
	free(c);
	c = seal_at(r, sk, t0, &clen);
	ok(!has_eph(c, clen, epk), "and a new one when the clock goes back");
	memcpy(epk, c + keys_offset(c, clen), sizeof(epk));
	free(c);

	/* Rotation by count: the key just made has had one use. */
	for (i = 1; i <= ENVELOPE_EPH_MESSAGES_MAX; i++) {
		c = seal_at(r, sk, t0, &clen);
		if (i < ENVELOPE_EPH_MESSAGES_MAX)
			same &= has_eph(c, clen, epk);
		else
			fresh = !has_eph(c, clen, epk);
		if (i % 97 == 0 || i == ENVELOPE_EPH_MESSAGES_MAX)
			fails += open_cached(c, clen, rk) != 0;
		free(c);
	}
	ok(same, "one ephemeral key for ENVELOPE_EPH_MESSAGES_MAX envelopes");
	ok(fresh, "and a new one after them");
	is(fails, 0, "all of them open");

	/* More ephemeral keys than the opening cache holds, and more node
	 * keys than the sealing cache holds: slots are reused, nothing
	 * mixed up. */
	for (i = 0; i < ENVELOPE_KEYS_OPEN_SLOTS + 8; i++) {
		a = seal_at(r, NULL, t0, &alen);
		fails += open_cached(a, alen, rk) != 0;
		free(a);
	}
	is(fails, 0, "%d ephemeral keys open through a cache of %d",
	    ENVELOPE_KEYS_OPEN_SLOTS + 8, ENVELOPE_KEYS_OPEN_SLOTS);
	for (i = 0; i < ENVELOPE_KEYS_SEAL_SLOTS + 4; i++) {
		struct boxkeys k;
		struct envelope_rcpt rn[] = { { "NL-MINBUZA", k.pk } };
		uint8_t seed[32];

		memset(seed, 0x40 + (int)i, sizeof(seed));
		if (prim_box_keypair(k.pk, k.sk, seed) != 0)
			BAIL_OUT("box key");
		a = seal_at(rn, sk, t0, &alen);
		fails += accept(a, alen, origin.pk, "NL-MINBUZA", &k,
		    (const uint8_t *)"cached", 6) != 0;
		free(a);
		secmem_wipe(&k, sizeof(k));
	}
	is(fails, 0, "%d node keys seal through a cache of %d",
	    ENVELOPE_KEYS_SEAL_SLOTS + 4, ENVELOPE_KEYS_SEAL_SLOTS);
	a = seal_at(r, sk, t0, &alen);
	is(open_cached(a, alen, rk), 0, "and the first node key still works");
	free(a);
	envelope_keys_free(&sk);
	envelope_keys_free(&rk);
	ok(sk == NULL && rk == NULL, "envelope_keys_free clears the pointer");
	envelope_keys_free(NULL);
}

static void
test_precedence(void)
{
	enum envelope_precedence pr;

	is_str(envelope_precedence_name(ENVELOPE_FLASH), "FLASH", "FLASH");
	is_str(envelope_precedence_name(ENVELOPE_ROUTINE), "ROUTINE",
	    "ROUTINE");
	ok(envelope_precedence_name((enum envelope_precedence)9) == NULL,
	    "no name for 9");
	is(envelope_precedence_parse("IMMEDIATE", &pr), 0, "parse IMMEDIATE");
	is(pr, ENVELOPE_IMMEDIATE, "value");
	is(envelope_precedence_parse("flash", &pr), -EINVAL,
	    "lower case refused");
}

int
main(void)
{
	if (secmem_init() != 0)
		BAIL_OUT("secmem_init");
	keys_init();
	test_round_trips();
	test_seal_refusals();
	test_exhaustive();
	test_forgeries();
	test_label_swap();
	test_inner_label();
	test_bounds();
	test_known_answer();
	test_cached_keys();
	test_precedence();
	return done_testing();
}
