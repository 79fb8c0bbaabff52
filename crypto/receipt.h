/* SPDX-License-Identifier: ISC */
/*
 * receipt: signed delivery, read and non-delivery receipts
 * (docs/protocol.md, section 3).
 *
 * A receipt names the message ids it answers (one, or a batch of delivery
 * receipts signed once) and the node that issues it,
 * optionally the user on that node, a time, and for non-delivery a reason
 * code and a short text, for every id alike.  The issuing node signs
 * "valise-receipt-1" || BLAKE2b-256(everything before the signature) with
 * its Ed25519 key, so a receipt cannot be moved to other messages or
 * claimed by another node.
 * As for envelopes: parse with public data, then verify with the issuing
 * node's signing public key.  Functions return 0 or -errno; never print.
 */
#ifndef RECEIPT_H
#define RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/name.h"
#include "crypto/prim.h"

#define RECEIPT_WUR __attribute__((warn_unused_result))

#define RECEIPT_VERSION		2
#define RECEIPT_MAGIC		"VLSR"
#define RECEIPT_MAGIC_BYTES	4
#define RECEIPT_ID_BYTES	32	/* = ENVELOPE_ID_BYTES */
/* Message ids one receipt answers: a round's deliveries to one origin,
 * in batches of at most 64 (2 KiB of ids). */
#define RECEIPT_IDS_MAX		64
/* A reason text is a short human explanation, not a report: 256 bytes. */
#define RECEIPT_TEXT_MAX	256
/* The largest receipt on the wire. */
#define RECEIPT_WIRE_MAX	(RECEIPT_MAGIC_BYTES + 1 + 1 + \
	    1 + RECEIPT_IDS_MAX * RECEIPT_ID_BYTES + 1 + NAME_NODE_MAX + 1 + NAME_ADDR_MAX + 8 + \
	    2 + 2 + RECEIPT_TEXT_MAX + PRIM_SIG_BYTES)

enum receipt_type {
	RECEIPT_DELIVERY	= 1,	/* stored in the recipient's inbox */
	RECEIPT_READ		= 2,	/* opened by the named user */
	RECEIPT_NONDELIVERY	= 3,	/* refused or undeliverable: reason */
};

/* Why a message was not delivered; 0 for the other types. */
enum receipt_reason {
	RECEIPT_REASON_NONE		= 0,
	RECEIPT_REASON_EXPIRED		= 1,	/* arrived after expires */
	RECEIPT_REASON_UNKNOWN_USER	= 2,	/* no such user on the node */
	RECEIPT_REASON_POLICY_DENIED	= 3,	/* label exceeds clearance */
	RECEIPT_REASON_LABEL_MISMATCH	= 4,	/* inner and outer labels */
	RECEIPT_REASON_UNREADABLE	= 5,	/* failed to verify or open */
	RECEIPT_REASON_TOO_LARGE	= 6,	/* body above the bound */
	RECEIPT_REASON_OTHER		= 7,	/* see the text */
};
#define RECEIPT_REASON_MAX	RECEIPT_REASON_OTHER

struct receipt_params {
	enum receipt_type	 type;
	const uint8_t		*msg_ids;	/* nids * RECEIPT_ID_BYTES,
						   distinct, any order */
	size_t			 nids;		/* 1..RECEIPT_IDS_MAX */
	const char		*node;		/* the issuing node */
	const char		*user;		/* user@node or NULL/"";
						   needed for RECEIPT_READ */
	uint64_t		 time;		/* Unix seconds */
	enum receipt_reason	 reason;	/* non-zero iff NONDELIVERY */
	const char		*text;		/* NULL/"" unless NONDELIVERY */
};

struct receipt_info {
	unsigned		 version;
	enum receipt_type	 type;
	size_t			 nids;
	uint8_t			 msg_ids[RECEIPT_IDS_MAX][RECEIPT_ID_BYTES];
					/* in ascending byte order */
	char			 node[NAME_NODE_MAX + 1];
	char			 user[NAME_ADDR_MAX + 1];	/* may be "" */
	uint64_t		 time;
	enum receipt_reason	 reason;
	char			 text[RECEIPT_TEXT_MAX + 1];	/* may be "" */
	/* BLAKE2b-256 of the signed bytes: a receipt's own id. */
	uint8_t			 digest[RECEIPT_ID_BYTES];
};

struct receipt;

/*
 * Create and sign a receipt with the issuing node's Ed25519 secret key.
 * *out is malloc'd (the caller frees it), *outlen bytes.  0; -EINVAL for
 * an unknown type or reason, a reason on a positive receipt or none on a
 * non-delivery, an invalid node or user, a user on another node, a READ
 * receipt without a user, a text with control bytes or too long, no id,
 * more than RECEIPT_IDS_MAX or the same id twice; -ENOMEM.  The ids are
 * written in ascending order (one encoding per set of ids).
 */
int	receipt_create(const struct receipt_params *p, const uint8_t *sign_sk,
	    uint8_t **out, size_t *outlen);

/*
 * Parse wire[0..len) (at most RECEIPT_WIRE_MAX) through the bounded
 * reader, with every rule receipt_create() enforces, refusing trailing
 * bytes.  0 with *rp owned by the caller; -EMSGSIZE; -EPROTONOSUPPORT for
 * another version; -EBADMSG; -ENOMEM.  The signature is NOT checked.
 */
int	receipt_parse(const uint8_t *wire, size_t len, struct receipt **rp)
	    RECEIPT_WUR;

/* The content of a parsed receipt, valid until receipt_free(). */
const struct receipt_info *receipt_info(const struct receipt *r);

/* Check the signature with the issuing node's Ed25519 public key.
 * 0 or -EBADMSG. */
int	receipt_verify(struct receipt *r, const uint8_t *node_sign_pk)
	    RECEIPT_WUR;

bool	receipt_verified(const struct receipt *r);

/* Free and set *rp to NULL; NULL is allowed. */
void	receipt_free(struct receipt **rp);

/* "delivery", "read", "non-delivery", or NULL. */
const char *receipt_type_name(enum receipt_type t);
/* "expired", "unknown-user", ... or NULL. */
const char *receipt_reason_name(enum receipt_reason r);

#endif /* RECEIPT_H */
