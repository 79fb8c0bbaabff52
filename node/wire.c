/* SPDX-License-Identifier: ISC */
/*
 * wire: node frames and the envelope payload, through the bounded buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/buf.h"
#include "crypto/name.h"
#include "node/wire.h"

static int
get_dest(struct buf_reader *r, char dest[WIRE_NAME_MAX + 1])
{
	if (buf_get_str8(r, dest, WIRE_NAME_MAX + 1, 1, WIRE_NAME_MAX) != 0 ||
	    !name_node_valid(dest, strlen(dest)))
		return -EBADMSG;
	return 0;
}

int
wire_parse(const uint8_t *buf, size_t len, struct wire_frame *f)
{
	struct buf_reader r;
	uint8_t version, type, kind, status;

	memset(f, 0, sizeof(*f));
	buf_reader_init(&r, buf, len);
	if (buf_get_u8(&r, &version) != 0 || version != WIRE_VERSION ||
	    buf_get_u8(&r, &type) != 0 || buf_get_u8(&r, &kind) != 0)
		return -EBADMSG;
	if (type == WIRE_WITNESS) {
		f->type = WIRE_WITNESS;
		if (kind > WIRE_WITNESS_ANSWER || buf_get_str16(&r, f->text,
		    sizeof(f->text), 1, WIRE_WITNESS_MAX) != 0 ||
		    buf_end(&r) != 0)
			return -EBADMSG;
		f->witness = (enum wire_witness_kind)kind;
		return 0;
	}
	if (kind != WIRE_ENVELOPE && kind != WIRE_RECEIPT)
		return -EBADMSG;
	f->kind = (enum wire_kind)kind;
	switch (type) {
	case WIRE_DATA:
		f->type = WIRE_DATA;
		if (get_dest(&r, f->dest) != 0 || buf_remaining(&r) == 0)
			return -EBADMSG;
		f->len = buf_remaining(&r);
		if (buf_get_ref(&r, &f->data, f->len) != 0)
			return -EBADMSG;
		return 0;
	case WIRE_ACK:
		f->type = WIRE_ACK;
		if (buf_get_bytes(&r, f->id, WIRE_ID_BYTES) != 0 ||
		    get_dest(&r, f->dest) != 0 ||
		    buf_get_u8(&r, &status) != 0 ||
		    status > WIRE_ACK_REJECTED || buf_end(&r) != 0)
			return -EBADMSG;
		f->status = (enum wire_ack_status)status;
		return 0;
	default:
		return -EBADMSG;
	}
}

int
wire_data(enum wire_kind kind, const char *dest, const uint8_t *data,
    size_t len, uint8_t **out, size_t *outlen)
{
	struct buf_writer w;
	uint8_t *buf;
	size_t cap = WIRE_DATA_HEADER_MAX + len;

	*out = NULL;
	*outlen = 0;
	if (len == 0 || !name_node_valid(dest, strlen(dest)))
		return -EINVAL;
	if ((buf = malloc(cap)) == NULL)
		return -ENOMEM;
	buf_writer_init(&w, buf, cap);
	if (buf_put_u8(&w, WIRE_VERSION) != 0 ||
	    buf_put_u8(&w, WIRE_DATA) != 0 ||
	    buf_put_u8(&w, (uint8_t)kind) != 0 ||
	    buf_put_str8(&w, dest) != 0 || buf_put_bytes(&w, data, len) != 0) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*outlen = buf_writer_len(&w);
	return 0;
}

int
wire_ack(enum wire_kind kind, const uint8_t id[WIRE_ID_BYTES],
    const char *dest, enum wire_ack_status status, uint8_t *buf,
    size_t *outlen)
{
	struct buf_writer w;

	*outlen = 0;
	buf_writer_init(&w, buf, WIRE_ACK_MAX);
	if (!name_node_valid(dest, strlen(dest)) ||
	    buf_put_u8(&w, WIRE_VERSION) != 0 ||
	    buf_put_u8(&w, WIRE_ACK) != 0 ||
	    buf_put_u8(&w, (uint8_t)kind) != 0 ||
	    buf_put_bytes(&w, id, WIRE_ID_BYTES) != 0 ||
	    buf_put_str8(&w, dest) != 0 ||
	    buf_put_u8(&w, (uint8_t)status) != 0)
		return -EINVAL;
	*outlen = buf_writer_len(&w);
	return 0;
}

int
wire_witness(enum wire_witness_kind k, const char *text, uint8_t *buf,
    size_t cap, size_t *outlen)
{
	struct buf_writer w;

	*outlen = 0;
	if (strlen(text) == 0 || strlen(text) > WIRE_WITNESS_MAX)
		return -EINVAL;
	buf_writer_init(&w, buf, cap);
	if (buf_put_u8(&w, WIRE_VERSION) != 0 ||
	    buf_put_u8(&w, WIRE_WITNESS) != 0 || buf_put_u8(&w, (uint8_t)k) != 0 ||
	    buf_put_str16(&w, text) != 0)
		return -EMSGSIZE;
	*outlen = buf_writer_len(&w);
	return 0;
}

int
wire_payload_encode(const char *subject, const char *author,
    const uint8_t *body, size_t len, uint8_t **out, size_t *outlen)
{
	struct buf_writer w;
	size_t slen = strlen(subject), alen = strlen(author);
	size_t cap = 2 + slen + 1 + alen + len;
	uint8_t *buf;

	*out = NULL;
	*outlen = 0;
	if (slen > WIRE_SUBJECT_MAX || alen > WIRE_AUTHOR_MAX ||
	    (alen > 0 && !name_addr_valid(author, alen)))
		return -EINVAL;
	if ((buf = malloc(cap > 0 ? cap : 1)) == NULL)
		return -ENOMEM;
	buf_writer_init(&w, buf, cap);
	if (buf_put_str16(&w, subject) != 0 ||
	    buf_put_str8(&w, author) != 0 ||
	    buf_put_bytes(&w, body, len) != 0) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*outlen = buf_writer_len(&w);
	return 0;
}

int
wire_payload_decode(const uint8_t *buf, size_t len, struct wire_payload *p)
{
	struct buf_reader r;

	memset(p, 0, sizeof(*p));
	buf_reader_init(&r, buf, len);
	if (buf_get_str16(&r, p->subject, sizeof(p->subject), 0,
	    WIRE_SUBJECT_MAX) != 0 ||
	    buf_get_str8(&r, p->author, sizeof(p->author), 0,
	    WIRE_AUTHOR_MAX) != 0 ||
	    (p->author[0] != '\0' &&
	    !name_addr_valid(p->author, strlen(p->author))))
		goto bad;
	p->body_len = buf_remaining(&r);
	if (p->body_len > 0 && buf_get_ref(&r, &p->body, p->body_len) != 0)
		goto bad;
	return 0;
bad:
	memset(p, 0, sizeof(*p));
	return -EBADMSG;
}
