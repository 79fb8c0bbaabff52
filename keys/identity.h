/* SPDX-License-Identifier: ISC */
/*
 * identity: a node's keys, all derived from ONE 32-byte node secret with
 * crypto_kdf (prim_kdf), one context per purpose, so that a key file holds
 * a single secret and no key serves two purposes:
 *
 *	context "valsign1", id 1	Ed25519 seed: envelopes, receipts
 *	context "valenvl1", id 1	X25519 seed: body keys of envelopes
 *	context "valcurv1", id 1	Curve25519 seed: ZeroMQ CURVE transport
 *	context "valdbkey", id 1	32-byte key of the message store
 *	context "valdbkey", id 2	32-byte key of the audit log
 *
 * The secret and the secret keys live in one secmem_alloc() block, made
 * read-only once derived, and wiped by identity_free().  Public keys are
 * ordinary memory.  Functions return 0 or -errno and never print.
 */
#ifndef IDENTITY_H
#define IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/name.h"
#include "crypto/prim.h"

#define IDENTITY_SECRET_BYTES	PRIM_KDF_KEY_BYTES
#define IDENTITY_DB_KEY_BYTES	32

#define IDENTITY_CTX_SIGN	"valsign1"
#define IDENTITY_CTX_BOX	"valenvl1"
#define IDENTITY_CTX_CURVE	"valcurv1"
#define IDENTITY_CTX_DB		"valdbkey"

struct identity;

/* A new identity for node name (name.h rules) from a fresh random secret.
 * 0 with *idp owned by the caller; -EINVAL for a bad name; -ENOMEM. */
int	identity_generate(const char *name, struct identity **idp);

/* The identity of name for a given node secret (key files, tests). */
int	identity_from_secret(const char *name,
	    const uint8_t secret[IDENTITY_SECRET_BYTES], struct identity **idp);

/* Borrowed, valid until identity_free(). */
const char	*identity_name(const struct identity *id);
const uint8_t	*identity_sign_pk(const struct identity *id);	/* 32 */
const uint8_t	*identity_box_pk(const struct identity *id);	/* 32 */
const uint8_t	*identity_curve_pk(const struct identity *id);	/* 32 */

/*
 * Secret keys, borrowed from guarded memory, valid until identity_free().
 * Never copy them out; pass them straight to envelope_seal/open etc.
 * identity_secret() is for keyfile_write() only.
 */
const uint8_t	*identity_sign_sk(const struct identity *id);	/* 64 */
const uint8_t	*identity_box_sk(const struct identity *id);	/* 32 */
const uint8_t	*identity_curve_sk(const struct identity *id);	/* 32 */
const uint8_t	*identity_secret(const struct identity *id);	/* 32 */

/*
 * The 32-byte database key for purpose "store" (message store) or "audit"
 * (audit log) into out, which the caller wipes after use (best kept in
 * secmem_alloc() memory).  0, or -EINVAL for another purpose (out zeroed).
 */
int	identity_db_key(const struct identity *id, const char *purpose,
	    uint8_t out[IDENTITY_DB_KEY_BYTES])
	    __attribute__((warn_unused_result));

/* Wipe and free; set *idp to NULL.  NULL is allowed. */
void	identity_free(struct identity **idp);

#endif /* IDENTITY_H */
