/* SPDX-License-Identifier: ISC */
/*
 * t_prim: the libsodium wrappers: known answers from fixed seeds, refusal
 * of forgeries and tampering, strict hex and base64.
 */
#include <errno.h>
#include <string.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "tests/tap.h"

static void
test_sign(void)
{
	uint8_t seed[PRIM_SIGN_SEED_BYTES], pk[PRIM_SIGN_PK_BYTES];
	uint8_t sk[PRIM_SIGN_SK_BYTES], sig[PRIM_SIG_BYTES];
	uint8_t zero_pk[PRIM_SIGN_PK_BYTES] = { 0 };
	char hex[2 * PRIM_SIGN_PK_BYTES + 1];
	const uint8_t msg[] = "valise";
	/* Ed25519 public key for the all-zero seed (RFC 8032 style vector). */
	const char *want =
	    "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";

	memset(seed, 0, sizeof(seed));
	is(prim_sign_keypair(pk, sk, seed), 0, "sign key pair from seed");
	prim_to_hex(hex, pk, sizeof(pk));
	is_str(hex, want, "known public key for the zero seed");
	is(prim_sign(sig, msg, sizeof(msg), sk), 0, "sign");
	is(prim_verify(sig, msg, sizeof(msg), pk), 0, "verify");
	sig[0] ^= 1;
	is(prim_verify(sig, msg, sizeof(msg), pk), -EBADMSG,
	    "flipped signature refused");
	sig[0] ^= 1;
	is(prim_verify(sig, msg, sizeof(msg) - 1, pk), -EBADMSG,
	    "truncated message refused");
	is(prim_verify(sig, msg, sizeof(msg), zero_pk), -EBADMSG,
	    "small-order (zero) public key refused");
	secmem_wipe(sk, sizeof(sk));
}

static void
test_seal_aead(void)
{
	uint8_t seed[PRIM_BOX_SEED_BYTES] = { 1 }, pk[PRIM_BOX_PK_BYTES];
	uint8_t sk[PRIM_BOX_SK_BYTES], pk2[PRIM_BOX_PK_BYTES];
	uint8_t key[PRIM_AEAD_KEY_BYTES] = { 7 }, nonce[PRIM_AEAD_NONCE_BYTES];
	uint8_t m[32], c[32 + PRIM_SEAL_OVERHEAD], out[32];
	uint8_t ac[32 + PRIM_AEAD_TAG_BYTES];
	const uint8_t ad[] = "header";

	memset(m, 0x5a, sizeof(m));
	memset(nonce, 3, sizeof(nonce));
	is(prim_box_keypair(pk, sk, seed), 0, "box key pair from seed");
	is(prim_box_public(pk2, sk), 0, "public from secret");
	is_mem(pk2, pk, sizeof(pk), "matches the key pair");
	is(prim_seal(c, m, sizeof(m), pk), 0, "seal");
	is(prim_seal_open(out, c, sizeof(c), pk, sk), 0, "open the seal");
	is_mem(out, m, sizeof(m), "round trip");
	c[10] ^= 0x80;
	is(prim_seal_open(out, c, sizeof(c), pk, sk), -EBADMSG,
	    "tampered seal refused");
	is(prim_seal_open(out, c, PRIM_SEAL_OVERHEAD - 1, pk, sk), -EBADMSG,
	    "short seal refused");

	is(prim_aead_seal(ac, m, sizeof(m), ad, sizeof(ad), nonce, key), 0,
	    "aead seal");
	is(prim_aead_open(out, ac, sizeof(ac), ad, sizeof(ad), nonce, key), 0,
	    "aead open");
	is_mem(out, m, sizeof(m), "aead round trip");
	is(prim_aead_open(out, ac, sizeof(ac), ad, sizeof(ad) - 1, nonce, key),
	    -EBADMSG, "other associated data refused");
	ac[0] ^= 1;
	is(prim_aead_open(out, ac, sizeof(ac), ad, sizeof(ad), nonce, key),
	    -EBADMSG, "tampered ciphertext refused");
	secmem_wipe(sk, sizeof(sk));
}

static void
test_hash_kdf(void)
{
	uint8_t a[32], b[32], key[PRIM_KDF_KEY_BYTES] = { 9 };
	struct prim_hash h;
	char hex[65];

	is(prim_hash(a, 32, (const uint8_t *)"abc", 3, NULL, 0), 0, "blake2b");
	prim_to_hex(hex, a, 32);
	is_str(hex,
	    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
	    "BLAKE2b-256 of abc");
	is(prim_hash_init(&h, 32, NULL, 0), 0, "stream init");
	is(prim_hash_update(&h, (const uint8_t *)"a", 1), 0, "update a");
	is(prim_hash_update(&h, (const uint8_t *)"bc", 2), 0, "update bc");
	is(prim_hash_final(&h, b), 0, "final");
	is_mem(a, b, 32, "streaming equals one-shot");
	is(prim_hash(a, 8, (const uint8_t *)"abc", 3, NULL, 0), -EINVAL,
	    "output below the minimum refused");
	is(prim_kdf(a, 32, 1, "valise-a", key), 0, "kdf subkey 1");
	is(prim_kdf(b, 32, 2, "valise-a", key), 0, "kdf subkey 2");
	ok(!prim_equal(a, b, 32), "subkeys differ by id");
	is(prim_kdf(b, 32, 1, "valise-b", key), 0, "kdf other context");
	ok(!prim_equal(a, b, 32), "subkeys differ by context");
	ok(prim_equal(a, a, 32), "prim_equal on equal buffers");
}

static void
test_codecs(void)
{
	const uint8_t in[5] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };
	uint8_t out[5];
	char b64[16], hex[11];

	prim_to_hex(hex, in, sizeof(in));
	is_str(hex, "deadbeef01", "hex encode");
	is(prim_from_hex(out, 5, hex, 10), 0, "hex decode");
	is_mem(out, in, 5, "hex round trip");
	is(prim_from_hex(out, 5, hex, 9), -EINVAL, "odd hex length refused");
	is(prim_from_hex(out, 4, hex, 10), -EINVAL, "too long for output");
	is(prim_from_hex(out, 5, "deadbeefzz", 10), -EINVAL, "bad hex digit");
	is(prim_from_hex(out, 5, "dead beef0", 10), -EINVAL, "space in hex");

	is(prim_base64_len(5), 9, "base64 length with NUL");
	prim_to_base64(b64, sizeof(b64), in, sizeof(in));
	is_str(b64, "3q2+7wE=", "base64 encode");
	is(prim_from_base64(out, 5, b64, strlen(b64)), 0, "base64 decode");
	is_mem(out, in, 5, "base64 round trip");
	is(prim_from_base64(out, 5, "3q2+7wF=", 8), -EINVAL,
	    "non-canonical last digit refused");
	is(prim_from_base64(out, 5, "3q2+7wE", 7), -EINVAL, "missing padding");
	is(prim_from_base64(out, 5, "3q2+7wE==", 9), -EINVAL, "extra padding");
	is(prim_from_base64(out, 4, "3q2+7wE=", 8), -EINVAL, "wrong length");
	is(prim_from_base64(out, 5, "3q2-7wE=", 8), -EINVAL, "bad alphabet");
	/* Found by fuzz_codec: the decoder lets some non-ASCII bytes pass. */
	is(prim_from_base64(out, 5, "3q0\x86" "7wE=", 8), -EINVAL,
	    "non-ASCII byte refused");
}

/* prim_box_shared and its boxes, prim_sign_pk_ok and prim_box_pk_ok. */
static void
test_additions(void)
{
	uint8_t seed[PRIM_BOX_SEED_BYTES] = { 4 };
	uint8_t eph[PRIM_BOX_SEED_BYTES] = { 5 };
	uint8_t pk[PRIM_BOX_PK_BYTES], sk[PRIM_BOX_SK_BYTES];
	uint8_t epk[PRIM_BOX_PK_BYTES], esk[PRIM_BOX_SK_BYTES];
	uint8_t k1[PRIM_BOX_SHARED_BYTES], k2[PRIM_BOX_SHARED_BYTES];
	uint8_t nonce[PRIM_BOX_NONCE_BYTES] = { 6 };
	uint8_t spk[PRIM_SIGN_PK_BYTES], ssk[PRIM_SIGN_SK_BYTES];
	uint8_t m[32], c1[32 + PRIM_SEAL_OVERHEAD], out[32];
	uint8_t b[PRIM_BOX_MAC_BYTES + 32];
	uint8_t small[PRIM_BOX_PK_BYTES] = { 0 };
	/* The Ed25519 identity point (order 1) encodes as 01 00 ... 00. */
	uint8_t order1[PRIM_SIGN_PK_BYTES] = { 1 };

	memset(m, 0x33, sizeof(m));
	is(prim_box_keypair(pk, sk, seed), 0, "box key pair");
	is(prim_box_keypair(epk, esk, eph), 0, "ephemeral key pair");
	is(prim_box_shared(k1, pk, esk), 0, "shared key, sender's side");
	is(prim_box_shared(k2, epk, sk), 0, "shared key, recipient's side");
	is_mem(k1, k2, sizeof(k1), "both sides agree");
	is(prim_box_seal_shared(b, m, sizeof(m), nonce, k1), 0,
	    "box under the shared key");
	is(prim_box_open_shared(out, b, sizeof(b), nonce, k2), 0,
	    "opens under the other side's key");
	is_mem(out, m, sizeof(m), "round trip");
	nonce[0] ^= 1;
	is(prim_box_open_shared(out, b, sizeof(b), nonce, k2), -EBADMSG,
	    "another nonce does not open it");
	nonce[0] ^= 1;
	b[sizeof(b) - 1] ^= 1;
	is(prim_box_open_shared(out, b, sizeof(b), nonce, k2), -EBADMSG,
	    "a flipped bit does not open");
	is(prim_box_open_shared(out, b, PRIM_BOX_MAC_BYTES - 1, nonce, k2),
	    -EBADMSG, "shorter than a MAC refused");
	is(prim_box_shared(k1, small, esk), -EINVAL,
	    "no shared key with a small-order key");
	ok(prim_is_zero(k1, sizeof(k1)), "and nothing left in the output");
	is(prim_seal(c1, m, sizeof(m), small), -EINVAL,
	    "random seal to a small-order key refused");

	ok(prim_box_pk_ok(pk), "a real X25519 key is accepted");
	ok(!prim_box_pk_ok(small), "the zero X25519 key is refused");
	small[0] = 1;
	ok(!prim_box_pk_ok(small), "the X25519 point 1 (order 1) is refused");
	memset(seed, 0, sizeof(seed));
	is(prim_sign_keypair(spk, ssk, seed), 0, "sign key pair");
	ok(prim_sign_pk_ok(spk), "a real Ed25519 key is accepted");
	ok(!prim_sign_pk_ok(order1), "the Ed25519 identity point is refused");
	memset(order1, 0, sizeof(order1));
	ok(!prim_sign_pk_ok(order1), "the all-zero Ed25519 key is refused");
	secmem_wipe(sk, sizeof(sk));
	secmem_wipe(esk, sizeof(esk));
	secmem_wipe(k2, sizeof(k2));
	secmem_wipe(ssk, sizeof(ssk));
}

int
main(void)
{
	if (secmem_init() != 0)
		BAIL_OUT("secmem_init");
	ok(secmem_dumps_disabled(), "core dumps are off after secmem_init");
	test_sign();
	test_seal_aead();
	test_hash_kdf();
	test_codecs();
	test_additions();
	return done_testing();
}
