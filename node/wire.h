/* SPDX-License-Identifier: ISC */
/*
 * wire: the frames nodes exchange over the transport, and the payload
 * inside an envelope's encrypted body (docs/protocol.md, section "node
 * frames").
 *
 *	DATA	version 1, type 1, kind (1 envelope, 2 receipt),
 *		str8 destination node, then the envelope or receipt bytes
 *	WITNESS	version 1, type 3, kind, str16 text:
 *		kind 0: the sender's latest signed audit checkpoint, for the
 *		receiver to keep as a witness (no acknowledgement);
 *		kind 1: a request for the latest checkpoint of the node
 *		named in text that the receiver holds, answered with
 *		kind 2: that checkpoint (text), on the same connection
 *	ACK	version 1, type 2, kind, 32-byte id, str8 destination,
 *		status: the receiver has taken responsibility (stored,
 *		delivered, or refused with a non-delivery receipt queued),
 *		already had it, or rejected it as malformed
 *
 * An ACK is sent only after the store and the audit log have committed.
 * The payload inside the envelope is str16 subject, str8 author (the
 * sending officer, login@NODE, or "" for the node itself), then the body:
 * who wrote a message is as confidential as what it says.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_VERSION		1
#define WIRE_ID_BYTES		32
#define WIRE_NAME_MAX		32
#define WIRE_SUBJECT_MAX	256	/* bytes of UTF-8 */
#define WIRE_ACK_MAX		(4 + WIRE_ID_BYTES + 1 + WIRE_NAME_MAX + 1)
#define WIRE_DATA_HEADER_MAX	(4 + WIRE_NAME_MAX)

enum wire_type {
	WIRE_DATA	= 1,
	WIRE_ACK	= 2,
	WIRE_WITNESS	= 3,
};

#define WIRE_WITNESS_MAX	512	/* a checkpoint's text */

enum wire_witness_kind {
	WIRE_WITNESS_PUSH	= 0,
	WIRE_WITNESS_ASK	= 1,
	WIRE_WITNESS_ANSWER	= 2,
};

enum wire_kind {
	WIRE_ENVELOPE	= 1,
	WIRE_RECEIPT	= 2,
};

enum wire_ack_status {
	WIRE_ACK_TAKEN		= 0,
	WIRE_ACK_DUPLICATE	= 1,
	WIRE_ACK_REJECTED	= 2,	/* malformed, unverifiable, unroutable */
};

struct wire_frame {
	enum wire_type		type;
	enum wire_kind		kind;
	char			dest[WIRE_NAME_MAX + 1];
	/* DATA */
	const uint8_t		*data;	/* points into the parsed buffer */
	size_t			len;
	/* WITNESS */
	enum wire_witness_kind	witness;
	char			text[WIRE_WITNESS_MAX + 1];
	/* ACK */
	uint8_t			id[WIRE_ID_BYTES];
	enum wire_ack_status	status;
};

/* Parse a received frame; data points into buf.  0 or -EBADMSG. */
int	wire_parse(const uint8_t *buf, size_t len, struct wire_frame *f)
	    __attribute__((warn_unused_result));

/* A DATA frame, malloc'd into *out.  0, -EINVAL or -ENOMEM. */
int	wire_data(enum wire_kind kind, const char *dest, const uint8_t *data,
	    size_t len, uint8_t **out, size_t *outlen);

/* An ACK frame into buf (WIRE_ACK_MAX bytes); *outlen its length. */
int	wire_ack(enum wire_kind kind, const uint8_t id[WIRE_ID_BYTES],
	    const char *dest, enum wire_ack_status status, uint8_t *buf,
	    size_t *outlen);

#define WIRE_AUTHOR_MAX	(2 * WIRE_NAME_MAX + 1)

struct wire_payload {
	char		subject[WIRE_SUBJECT_MAX + 1];
	char		author[WIRE_AUTHOR_MAX + 1];	/* "" or login@NODE */
	const uint8_t	*body;		/* points into the decoded buffer */
	size_t		body_len;
};

/* A WITNESS frame of kind k with text into buf; *outlen set. */
int	wire_witness(enum wire_witness_kind k, const char *text, uint8_t *buf,
	    size_t cap, size_t *outlen);

/* The envelope body: subject, author and text.  malloc'd into *out. */
int	wire_payload_encode(const char *subject, const char *author,
	    const uint8_t *body, size_t len, uint8_t **out, size_t *outlen);
/* Split a decrypted payload; strings are copied (NUL-terminated), the
 * body points into buf.  0 or -EBADMSG. */
int	wire_payload_decode(const uint8_t *buf, size_t len,
	    struct wire_payload *p) __attribute__((warn_unused_result));

#endif /* WIRE_H */
