/* SPDX-License-Identifier: ISC */
/*
 * prim: the cryptographic primitives valise uses, one function each, so that
 * this file and secmem.c are the only users of <sodium.h>.
 *
 *	signing		Ed25519 (detached)
 *	sealing		X25519 sealed boxes (crypto_box_seal), and crypto_box
 *			with a precomputed shared key, for body keys
 *	AEAD		XChaCha20-Poly1305-IETF
 *	hashing		BLAKE2b, keyed or not, one-shot or streaming
 *	derivation	crypto_kdf (BLAKE2b) subkeys; Argon2id passphrases
 *	encoding	constant-time hex and base64 (URL-safe-free, padded)
 *	comparison	constant-time equality
 *
 * Functions return 0 or -errno.  Verification and decryption failures are
 * -EBADMSG and carry warn_unused_result: ignoring them is always a bug.
 */
#ifndef PRIM_H
#define PRIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRIM_WUR __attribute__((warn_unused_result))

#define PRIM_SIGN_PK_BYTES	32
#define PRIM_SIGN_SK_BYTES	64	/* seed || public key */
#define PRIM_SIGN_SEED_BYTES	32
#define PRIM_SIG_BYTES		64
#define PRIM_BOX_PK_BYTES	32
#define PRIM_BOX_SK_BYTES	32
#define PRIM_BOX_SEED_BYTES	32
#define PRIM_SEAL_OVERHEAD	48	/* ephemeral pk + MAC */
#define PRIM_BOX_SHARED_BYTES	32	/* crypto_box_beforenm */
#define PRIM_BOX_NONCE_BYTES	24
#define PRIM_BOX_MAC_BYTES	16
#define PRIM_AEAD_KEY_BYTES	32
#define PRIM_AEAD_NONCE_BYTES	24
#define PRIM_AEAD_TAG_BYTES	16
#define PRIM_HASH_BYTES		32	/* default BLAKE2b output */
#define PRIM_HASH_MIN_BYTES	16
#define PRIM_HASH_MAX_BYTES	64
#define PRIM_HASH_KEY_BYTES	32
#define PRIM_KDF_KEY_BYTES	32
#define PRIM_KDF_CONTEXT_BYTES	8
#define PRIM_KDF_MIN_BYTES	16
#define PRIM_KDF_MAX_BYTES	64
#define PRIM_PWHASH_SALT_BYTES	16
#define PRIM_CURVE_KEY_BYTES	32	/* ZeroMQ CURVE public/secret key */

/* Argon2id cost levels, as libsodium names them. */
enum prim_pwhash_cost {
	PRIM_PWHASH_INTERACTIVE,
	PRIM_PWHASH_MODERATE,
	PRIM_PWHASH_SENSITIVE,
};

/* Ed25519 key pair from a 32-byte seed. */
int	prim_sign_keypair(uint8_t pk[PRIM_SIGN_PK_BYTES],
	    uint8_t sk[PRIM_SIGN_SK_BYTES], const uint8_t seed[PRIM_SIGN_SEED_BYTES]);
int	prim_sign(uint8_t sig[PRIM_SIG_BYTES], const uint8_t *m, size_t mlen,
	    const uint8_t sk[PRIM_SIGN_SK_BYTES]);
/* 0, or -EBADMSG for a bad signature, small-order key or malleated S. */
int	prim_verify(const uint8_t sig[PRIM_SIG_BYTES], const uint8_t *m,
	    size_t mlen, const uint8_t pk[PRIM_SIGN_PK_BYTES]) PRIM_WUR;

/* X25519 key pair from a 32-byte seed (also used for CURVE keys). */
int	prim_box_keypair(uint8_t pk[PRIM_BOX_PK_BYTES],
	    uint8_t sk[PRIM_BOX_SK_BYTES], const uint8_t seed[PRIM_BOX_SEED_BYTES]);
/* Public key of an X25519 secret key. */
int	prim_box_public(uint8_t pk[PRIM_BOX_PK_BYTES],
	    const uint8_t sk[PRIM_BOX_SK_BYTES]);
/* Sealed box: out receives mlen + PRIM_SEAL_OVERHEAD bytes. */
int	prim_seal(uint8_t *out, const uint8_t *m, size_t mlen,
	    const uint8_t pk[PRIM_BOX_PK_BYTES]);
/* out receives clen - PRIM_SEAL_OVERHEAD bytes; -EBADMSG on failure. */
int	prim_seal_open(uint8_t *out, const uint8_t *c, size_t clen,
	    const uint8_t pk[PRIM_BOX_PK_BYTES],
	    const uint8_t sk[PRIM_BOX_SK_BYTES]) PRIM_WUR;

/*
 * The key an X25519 key pair shares with a public key (crypto_box_beforenm),
 * for many boxes between the two.  -EINVAL for a small-order pk (all-zero
 * shared secret).
 */
int	prim_box_shared(uint8_t k[PRIM_BOX_SHARED_BYTES],
	    const uint8_t pk[PRIM_BOX_PK_BYTES],
	    const uint8_t sk[PRIM_BOX_SK_BYTES]) PRIM_WUR;
/* crypto_box under a shared key: c receives PRIM_BOX_MAC_BYTES + mlen
 * bytes (MAC first).  A nonce must never repeat under one key. */
int	prim_box_seal_shared(uint8_t *c, const uint8_t *m, size_t mlen,
	    const uint8_t nonce[PRIM_BOX_NONCE_BYTES],
	    const uint8_t k[PRIM_BOX_SHARED_BYTES]);
/* m receives clen - PRIM_BOX_MAC_BYTES bytes, only if the MAC verifies. */
int	prim_box_open_shared(uint8_t *m, const uint8_t *c, size_t clen,
	    const uint8_t nonce[PRIM_BOX_NONCE_BYTES],
	    const uint8_t k[PRIM_BOX_SHARED_BYTES]) PRIM_WUR;

/* AEAD: c receives mlen + PRIM_AEAD_TAG_BYTES bytes. */
int	prim_aead_seal(uint8_t *c, const uint8_t *m, size_t mlen,
	    const uint8_t *ad, size_t adlen,
	    const uint8_t nonce[PRIM_AEAD_NONCE_BYTES],
	    const uint8_t key[PRIM_AEAD_KEY_BYTES]);
/* m receives clen - PRIM_AEAD_TAG_BYTES bytes, only if the tag verifies. */
int	prim_aead_open(uint8_t *m, const uint8_t *c, size_t clen,
	    const uint8_t *ad, size_t adlen,
	    const uint8_t nonce[PRIM_AEAD_NONCE_BYTES],
	    const uint8_t key[PRIM_AEAD_KEY_BYTES]) PRIM_WUR;

/* BLAKE2b of in, outlen in [PRIM_HASH_MIN_BYTES, PRIM_HASH_MAX_BYTES];
 * key may be NULL (keylen 0) or up to PRIM_HASH_MAX_BYTES. */
int	prim_hash(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen,
	    const uint8_t *key, size_t keylen);

/* Streaming BLAKE2b.  The state is opaque; wipe it with prim_hash_final. */
struct prim_hash {
	_Alignas(64) unsigned char opaque[384];
	size_t outlen;
};
int	prim_hash_init(struct prim_hash *h, size_t outlen, const uint8_t *key,
	    size_t keylen);
int	prim_hash_update(struct prim_hash *h, const uint8_t *in, size_t inlen);
int	prim_hash_final(struct prim_hash *h, uint8_t *out);

/* Subkey number id under an 8-character context. */
int	prim_kdf(uint8_t *sub, size_t sublen, uint64_t id,
	    const char ctx[PRIM_KDF_CONTEXT_BYTES],
	    const uint8_t key[PRIM_KDF_KEY_BYTES]);

/* Argon2id.  -ENOMEM when the memory limit cannot be met. */
int	prim_pwhash(uint8_t *out, size_t outlen, const char *pass,
	    size_t passlen, const uint8_t salt[PRIM_PWHASH_SALT_BYTES],
	    enum prim_pwhash_cost cost) PRIM_WUR;
/* The opslimit/memlimit a cost level stands for (recorded in key files). */
void	prim_pwhash_limits(enum prim_pwhash_cost cost, uint64_t *ops,
	    uint64_t *mem);
/* Argon2id with explicit limits, as read back from a key file. */
int	prim_pwhash_limits_derive(uint8_t *out, size_t outlen, const char *pass,
	    size_t passlen, const uint8_t salt[PRIM_PWHASH_SALT_BYTES],
	    uint64_t ops, uint64_t mem) PRIM_WUR;

void	prim_random(void *buf, size_t len);
uint32_t prim_random_uniform(uint32_t upper);

/* Constant-time comparison of secrets, MACs and tags. */
bool	prim_equal(const void *a, const void *b, size_t len);
bool	prim_is_zero(const void *p, size_t len);

/* Hex: out needs 2 * len + 1 bytes. */
void	prim_to_hex(char *out, const uint8_t *in, size_t len);
/* Exactly outlen bytes from exactly 2 * outlen hex digits, else -EINVAL. */
int	prim_from_hex(uint8_t *out, size_t outlen, const char *hex,
	    size_t hexlen) PRIM_WUR;
/* Padded standard base64: out needs prim_base64_len(len) bytes (with NUL). */
size_t	prim_base64_len(size_t len);
void	prim_to_base64(char *out, size_t outcap, const uint8_t *in, size_t len);
/* Decode padded base64 to exactly outlen bytes, else -EINVAL. */
int	prim_from_base64(uint8_t *out, size_t outlen, const char *b64,
	    size_t b64len) PRIM_WUR;

/*
 * Additions for envelopes and identities (issue 3).
 */

/* True when pk is a canonical Ed25519 point of large order. */
bool	prim_sign_pk_ok(const uint8_t pk[PRIM_SIGN_PK_BYTES]) PRIM_WUR;

/* True when an X25519 public key is not in the small-order subgroup (a
 * Diffie-Hellman with it would not give an all-zero shared secret). */
bool	prim_box_pk_ok(const uint8_t pk[PRIM_BOX_PK_BYTES]) PRIM_WUR;

#endif /* PRIM_H */
