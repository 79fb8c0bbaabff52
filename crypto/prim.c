/* SPDX-License-Identifier: ISC */
/*
 * prim: thin, checked wrappers around the libsodium primitives.  The sizes
 * in prim.h are asserted against libsodium's here, at compile time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/prim.h"

_Static_assert(PRIM_SIGN_PK_BYTES == crypto_sign_PUBLICKEYBYTES, "sign pk");
_Static_assert(PRIM_SIGN_SK_BYTES == crypto_sign_SECRETKEYBYTES, "sign sk");
_Static_assert(PRIM_SIGN_SEED_BYTES == crypto_sign_SEEDBYTES, "sign seed");
_Static_assert(PRIM_SIG_BYTES == crypto_sign_BYTES, "sig");
_Static_assert(PRIM_BOX_PK_BYTES == crypto_box_PUBLICKEYBYTES, "box pk");
_Static_assert(PRIM_BOX_SK_BYTES == crypto_box_SECRETKEYBYTES, "box sk");
_Static_assert(PRIM_BOX_SEED_BYTES == crypto_box_SEEDBYTES, "box seed");
_Static_assert(PRIM_SEAL_OVERHEAD == crypto_box_SEALBYTES, "seal");
_Static_assert(PRIM_BOX_SHARED_BYTES == crypto_box_BEFORENMBYTES, "shared");
_Static_assert(PRIM_BOX_NONCE_BYTES == crypto_box_NONCEBYTES, "box nonce");
_Static_assert(PRIM_BOX_MAC_BYTES == crypto_box_MACBYTES, "box mac");
_Static_assert(PRIM_AEAD_KEY_BYTES ==
    crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "aead key");
_Static_assert(PRIM_AEAD_NONCE_BYTES ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "aead nonce");
_Static_assert(PRIM_AEAD_TAG_BYTES ==
    crypto_aead_xchacha20poly1305_ietf_ABYTES, "aead tag");
_Static_assert(PRIM_HASH_MIN_BYTES == crypto_generichash_BYTES_MIN, "hmin");
_Static_assert(PRIM_HASH_MAX_BYTES == crypto_generichash_BYTES_MAX, "hmax");
_Static_assert(PRIM_KDF_KEY_BYTES == crypto_kdf_KEYBYTES, "kdf key");
_Static_assert(PRIM_KDF_CONTEXT_BYTES == crypto_kdf_CONTEXTBYTES, "kdf ctx");
_Static_assert(PRIM_KDF_MIN_BYTES == crypto_kdf_BYTES_MIN, "kdf min");
_Static_assert(PRIM_KDF_MAX_BYTES == crypto_kdf_BYTES_MAX, "kdf max");
_Static_assert(PRIM_PWHASH_SALT_BYTES == crypto_pwhash_SALTBYTES, "salt");
_Static_assert(sizeof(((struct prim_hash *)0)->opaque) >=
    sizeof(crypto_generichash_state), "hash state");

int
prim_sign_keypair(uint8_t pk[PRIM_SIGN_PK_BYTES],
    uint8_t sk[PRIM_SIGN_SK_BYTES], const uint8_t seed[PRIM_SIGN_SEED_BYTES])
{
	return crypto_sign_seed_keypair(pk, sk, seed) == 0 ? 0 : -EINVAL;
}

int
prim_sign(uint8_t sig[PRIM_SIG_BYTES], const uint8_t *m, size_t mlen,
    const uint8_t sk[PRIM_SIGN_SK_BYTES])
{
	return crypto_sign_detached(sig, NULL, m, mlen, sk) == 0 ? 0 : -EINVAL;
}

int
prim_verify(const uint8_t sig[PRIM_SIG_BYTES], const uint8_t *m, size_t mlen,
    const uint8_t pk[PRIM_SIGN_PK_BYTES])
{
	return crypto_sign_verify_detached(sig, m, mlen, pk) == 0 ? 0 :
	    -EBADMSG;
}

int
prim_box_keypair(uint8_t pk[PRIM_BOX_PK_BYTES],
    uint8_t sk[PRIM_BOX_SK_BYTES], const uint8_t seed[PRIM_BOX_SEED_BYTES])
{
	return crypto_box_seed_keypair(pk, sk, seed) == 0 ? 0 : -EINVAL;
}

int
prim_box_public(uint8_t pk[PRIM_BOX_PK_BYTES],
    const uint8_t sk[PRIM_BOX_SK_BYTES])
{
	return crypto_scalarmult_base(pk, sk) == 0 ? 0 : -EINVAL;
}

int
prim_seal(uint8_t *out, const uint8_t *m, size_t mlen,
    const uint8_t pk[PRIM_BOX_PK_BYTES])
{
	return crypto_box_seal(out, m, mlen, pk) == 0 ? 0 : -EINVAL;
}

int
prim_seal_open(uint8_t *out, const uint8_t *c, size_t clen,
    const uint8_t pk[PRIM_BOX_PK_BYTES], const uint8_t sk[PRIM_BOX_SK_BYTES])
{
	if (clen < PRIM_SEAL_OVERHEAD)
		return -EBADMSG;
	return crypto_box_seal_open(out, c, clen, pk, sk) == 0 ? 0 : -EBADMSG;
}

int
prim_box_shared(uint8_t k[PRIM_BOX_SHARED_BYTES],
    const uint8_t pk[PRIM_BOX_PK_BYTES], const uint8_t sk[PRIM_BOX_SK_BYTES])
{
	if (crypto_box_beforenm(k, pk, sk) != 0) {
		sodium_memzero(k, PRIM_BOX_SHARED_BYTES);
		return -EINVAL;
	}
	return 0;
}

int
prim_box_seal_shared(uint8_t *c, const uint8_t *m, size_t mlen,
    const uint8_t nonce[PRIM_BOX_NONCE_BYTES],
    const uint8_t k[PRIM_BOX_SHARED_BYTES])
{
	if (mlen > crypto_box_MESSAGEBYTES_MAX - crypto_box_MACBYTES)
		return -EMSGSIZE;
	return crypto_box_easy_afternm(c, m, mlen, nonce, k) == 0 ? 0 :
	    -EINVAL;
}

int
prim_box_open_shared(uint8_t *m, const uint8_t *c, size_t clen,
    const uint8_t nonce[PRIM_BOX_NONCE_BYTES],
    const uint8_t k[PRIM_BOX_SHARED_BYTES])
{
	if (clen < crypto_box_MACBYTES)
		return -EBADMSG;
	return crypto_box_open_easy_afternm(m, c, clen, nonce, k) == 0 ? 0 :
	    -EBADMSG;
}

int
prim_aead_seal(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
    size_t adlen, const uint8_t nonce[PRIM_AEAD_NONCE_BYTES],
    const uint8_t key[PRIM_AEAD_KEY_BYTES])
{
	if (mlen > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
		return -EMSGSIZE;
	crypto_aead_xchacha20poly1305_ietf_encrypt(c, NULL, m, mlen, ad, adlen,
	    NULL, nonce, key);
	return 0;
}

int
prim_aead_open(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad,
    size_t adlen, const uint8_t nonce[PRIM_AEAD_NONCE_BYTES],
    const uint8_t key[PRIM_AEAD_KEY_BYTES])
{
	if (clen < PRIM_AEAD_TAG_BYTES)
		return -EBADMSG;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(m, NULL, NULL, c,
	    clen, ad, adlen, nonce, key) == 0 ? 0 : -EBADMSG;
}

int
prim_hash(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen,
    const uint8_t *key, size_t keylen)
{
	if (outlen < PRIM_HASH_MIN_BYTES || outlen > PRIM_HASH_MAX_BYTES ||
	    keylen > crypto_generichash_KEYBYTES_MAX)
		return -EINVAL;
	return crypto_generichash(out, outlen, in, inlen, key, keylen) == 0 ?
	    0 : -EINVAL;
}

int
prim_hash_init(struct prim_hash *h, size_t outlen, const uint8_t *key,
    size_t keylen)
{
	if (outlen < PRIM_HASH_MIN_BYTES || outlen > PRIM_HASH_MAX_BYTES ||
	    keylen > crypto_generichash_KEYBYTES_MAX)
		return -EINVAL;
	h->outlen = outlen;
	return crypto_generichash_init((crypto_generichash_state *)h->opaque,
	    key, keylen, outlen) == 0 ? 0 : -EINVAL;
}

int
prim_hash_update(struct prim_hash *h, const uint8_t *in, size_t inlen)
{
	return crypto_generichash_update(
	    (crypto_generichash_state *)h->opaque, in, inlen) == 0 ? 0 :
	    -EINVAL;
}

int
prim_hash_final(struct prim_hash *h, uint8_t *out)
{
	int r;

	r = crypto_generichash_final((crypto_generichash_state *)h->opaque,
	    out, h->outlen);
	sodium_memzero(h, sizeof(*h));
	return r == 0 ? 0 : -EINVAL;
}

int
prim_kdf(uint8_t *sub, size_t sublen, uint64_t id,
    const char ctx[PRIM_KDF_CONTEXT_BYTES], const uint8_t key[PRIM_KDF_KEY_BYTES])
{
	if (sublen < PRIM_KDF_MIN_BYTES || sublen > PRIM_KDF_MAX_BYTES)
		return -EINVAL;
	return crypto_kdf_derive_from_key(sub, sublen, id, ctx, key) == 0 ?
	    0 : -EINVAL;
}

void
prim_pwhash_limits(enum prim_pwhash_cost cost, uint64_t *ops, uint64_t *mem)
{
	switch (cost) {
	case PRIM_PWHASH_INTERACTIVE:
		*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
		break;
	case PRIM_PWHASH_SENSITIVE:
		*ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
		break;
	case PRIM_PWHASH_MODERATE:
	default:
		*ops = crypto_pwhash_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_MEMLIMIT_MODERATE;
		break;
	}
}

int
prim_pwhash_limits_derive(uint8_t *out, size_t outlen, const char *pass,
    size_t passlen, const uint8_t salt[PRIM_PWHASH_SALT_BYTES], uint64_t ops,
    uint64_t mem)
{
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_MAX ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_MAX ||
	    outlen < crypto_pwhash_BYTES_MIN || mem > SIZE_MAX)
		return -EINVAL;
	if (crypto_pwhash(out, outlen, pass, passlen, salt, ops, (size_t)mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -ENOMEM;
	return 0;
}

int
prim_pwhash(uint8_t *out, size_t outlen, const char *pass, size_t passlen,
    const uint8_t salt[PRIM_PWHASH_SALT_BYTES], enum prim_pwhash_cost cost)
{
	uint64_t ops, mem;

	prim_pwhash_limits(cost, &ops, &mem);
	return prim_pwhash_limits_derive(out, outlen, pass, passlen, salt, ops,
	    mem);
}

void
prim_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

uint32_t
prim_random_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

bool
prim_equal(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}

bool
prim_is_zero(const void *p, size_t len)
{
	return sodium_is_zero(p, len) == 1;
}

void
prim_to_hex(char *out, const uint8_t *in, size_t len)
{
	sodium_bin2hex(out, 2 * len + 1, in, len);
}

int
prim_from_hex(uint8_t *out, size_t outlen, const char *hex, size_t hexlen)
{
	size_t got = 0;
	const char *end = NULL;

	if (hexlen != 2 * outlen)
		return -EINVAL;
	if (sodium_hex2bin(out, outlen, hex, hexlen, NULL, &got, &end) != 0 ||
	    got != outlen || end != hex + hexlen) {
		sodium_memzero(out, outlen);
		return -EINVAL;
	}
	return 0;
}

size_t
prim_base64_len(size_t len)
{
	return sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
}

void
prim_to_base64(char *out, size_t outcap, const uint8_t *in, size_t len)
{
	sodium_bin2base64(out, outcap, in, len, sodium_base64_VARIANT_ORIGINAL);
}

/*
 * One object has exactly one text form: re-encode and compare the whole
 * text, which refuses stray low bits in the last digit and any byte the
 * decoder let through (it passes some non-ASCII bytes).
 */
static bool
canonical_base64(const uint8_t *bin, size_t binlen, const char *b64,
    size_t b64len)
{
	size_t cap = prim_base64_len(binlen);
	char *again;
	bool same;

	if (cap != b64len + 1 || (again = malloc(cap)) == NULL)
		return false;
	sodium_bin2base64(again, cap, bin, binlen,
	    sodium_base64_VARIANT_ORIGINAL);
	same = sodium_memcmp(again, b64, b64len) == 0;
	sodium_memzero(again, cap);
	free(again);
	return same;
}

int
prim_from_base64(uint8_t *out, size_t outlen, const char *b64, size_t b64len)
{
	size_t got = 0;
	const char *end = NULL;

	if (b64len != prim_base64_len(outlen) - 1)
		return -EINVAL;
	if (sodium_base642bin(out, outlen, b64, b64len, NULL, &got, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || got != outlen ||
	    end != b64 + b64len)
		goto bad;
	if (!canonical_base64(out, outlen, b64, b64len))
		goto bad;
	return 0;
bad:
	sodium_memzero(out, outlen);
	return -EINVAL;
}

bool
prim_sign_pk_ok(const uint8_t pk[PRIM_SIGN_PK_BYTES])
{
	return crypto_core_ed25519_is_valid_point(pk) == 1;
}

bool
prim_box_pk_ok(const uint8_t pk[PRIM_BOX_PK_BYTES])
{
	/* A clamped scalar clears the cofactor: the product is the identity
	 * (refused by crypto_scalarmult) exactly for small-order points. */
	static const uint8_t scalar[crypto_scalarmult_SCALARBYTES] = { 1 };
	uint8_t q[crypto_scalarmult_BYTES];
	int r;

	r = crypto_scalarmult(q, scalar, pk);
	sodium_memzero(q, sizeof(q));
	return r == 0;
}
