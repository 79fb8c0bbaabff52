/* SPDX-License-Identifier: ISC */
/*
 * peerline: a node's public identity as one line that another department
 * pastes into its configuration (docs/protocol.md, section 5):
 *
 *	valise1:NODE:SIGN:ENVELOPE:TRANSPORT
 *
 * where NODE follows name.h and each key is the exact 44-character padded
 * base64 of a 32-byte public key: Ed25519 signing, X25519 envelope,
 * Curve25519 ZeroMQ CURVE transport.  No spaces, no trailing characters.
 *
 * The fingerprint that two people read to each other over the phone is
 * six groups of five characters from the Crockford base32 alphabet (no I,
 * L, O, U), 150 bits of BLAKE2b-256 keyed "valise-peer-fpr1" over the
 * name and the three keys, e.g. "4K7QZ 0D1MX ...".
 */
#ifndef PEERLINE_H
#define PEERLINE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/name.h"
#include "crypto/prim.h"

#define PEERLINE_TAG		"valise1:"
/* Base64 of a 32-byte key, with its padding. */
#define PEERLINE_KEY_CHARS	44
/* The longest valid line: tag, name, three ':'-separated keys. */
#define PEERLINE_MAX		(sizeof(PEERLINE_TAG) - 1 + NAME_NODE_MAX + \
				    3 * (1 + PEERLINE_KEY_CHARS))
#define PEERLINE_FPR_GROUPS	6
#define PEERLINE_FPR_GROUP_LEN	5
/* "XXXXX XXXXX XXXXX XXXXX XXXXX XXXXX" */
#define PEERLINE_FPR_LEN	(PEERLINE_FPR_GROUPS * \
				    (PEERLINE_FPR_GROUP_LEN + 1) - 1)

struct peerline {
	char	name[NAME_NODE_MAX + 1];
	uint8_t	sign_pk[PRIM_SIGN_PK_BYTES];
	uint8_t	box_pk[PRIM_BOX_PK_BYTES];
	uint8_t	curve_pk[PRIM_BOX_PK_BYTES];
	char	fingerprint[PEERLINE_FPR_LEN + 1];
};

/*
 * Parse one line (without its newline) into *peer, fingerprint included.
 * 0, or -EINVAL with *why (if why is not NULL) a static sentence naming
 * what is wrong, e.g. "the envelope key is not 44 base64 characters";
 * *peer is zeroed then.  Small-order keys are refused.
 */
int	peerline_parse(const char *text, struct peerline *peer,
	    const char **why) __attribute__((warn_unused_result));

/*
 * Fill *peer from a name and three public keys, fingerprint included.
 * 0, or -EINVAL for an invalid name or small-order key.
 */
int	peerline_from_keys(const char *name, const uint8_t *sign_pk,
	    const uint8_t *box_pk, const uint8_t *curve_pk,
	    struct peerline *peer) __attribute__((warn_unused_result));

/* The line of *peer into out (NUL-terminated): 0, or -EMSGSIZE when
 * outcap is below PEERLINE_MAX + 1. */
int	peerline_format(const struct peerline *peer, char *out, size_t outcap);

#endif /* PEERLINE_H */
