/* SPDX-License-Identifier: ISC */
/*
 * receipt: create, parse and verify signed receipts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/buf.h"
#include "crypto/name.h"
#include "crypto/prim.h"
#include "crypto/receipt.h"
#include "crypto/secmem.h"

#define SIG_CONTEXT		"valise-receipt-1"
#define SIG_CONTEXT_BYTES	16

struct receipt {
	struct receipt_info	info;
	uint8_t			sig[PRIM_SIG_BYTES];
	bool			verified;
};

static const char *const type_names[] = {
	[RECEIPT_DELIVERY] = "delivery",
	[RECEIPT_READ] = "read",
	[RECEIPT_NONDELIVERY] = "non-delivery",
};

static const char *const reason_names[] = {
	[RECEIPT_REASON_NONE] = "none",
	[RECEIPT_REASON_EXPIRED] = "expired",
	[RECEIPT_REASON_UNKNOWN_USER] = "unknown-user",
	[RECEIPT_REASON_POLICY_DENIED] = "policy-denied",
	[RECEIPT_REASON_LABEL_MISMATCH] = "label-mismatch",
	[RECEIPT_REASON_UNREADABLE] = "unreadable",
	[RECEIPT_REASON_TOO_LARGE] = "too-large",
	[RECEIPT_REASON_OTHER] = "other",
};

static bool
text_valid(const char *s, size_t len)
{
	size_t i;

	if (len > RECEIPT_TEXT_MAX)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return false;
	return true;
}

/* The rules shared by create and parse. */
static bool
fields_valid(unsigned type, const char *node, const char *user,
    unsigned reason, const char *text)
{
	const char *unode;
	size_t ulen = strlen(user), unodelen;

	if (type < RECEIPT_DELIVERY || type > RECEIPT_NONDELIVERY ||
	    reason > RECEIPT_REASON_MAX)
		return false;
	if (!name_node_valid(node, strlen(node)))
		return false;
	if ((type == RECEIPT_NONDELIVERY) != (reason != RECEIPT_REASON_NONE))
		return false;
	if (type != RECEIPT_NONDELIVERY && text[0] != '\0')
		return false;
	if (!text_valid(text, strlen(text)))
		return false;
	if (type == RECEIPT_READ && ulen == 0)
		return false;
	if (ulen > 0) {
		/* A node speaks only for its own users. */
		if (name_addr_node(user, ulen, &unode, &unodelen) != 0 ||
		    unode == user || strlen(node) != unodelen ||
		    memcmp(node, unode, unodelen) != 0)
			return false;
	}
	return true;
}

static int
id_cmp(const void *a, const void *b)
{
	return memcmp(a, b, RECEIPT_ID_BYTES);
}

/* Whether n ids are in strictly ascending order (so none repeats). */
static bool
ids_ascending(const uint8_t *ids, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (memcmp(ids + (i - 1) * RECEIPT_ID_BYTES,
		    ids + i * RECEIPT_ID_BYTES, RECEIPT_ID_BYTES) >= 0)
			return false;
	return true;
}

static int
sign_digest(const uint8_t *d, const uint8_t *sk, uint8_t *sig)
{
	uint8_t m[SIG_CONTEXT_BYTES + RECEIPT_ID_BYTES];

	memcpy(m, SIG_CONTEXT, SIG_CONTEXT_BYTES);
	memcpy(m + SIG_CONTEXT_BYTES, d, RECEIPT_ID_BYTES);
	return prim_sign(sig, m, sizeof(m), sk);
}

int
receipt_create(const struct receipt_params *p, const uint8_t *sign_sk,
    uint8_t **outp, size_t *outlenp)
{
	const char *user, *text;
	uint8_t *out, *sig, *ids, d[RECEIPT_ID_BYTES];
	struct buf_writer w;
	size_t len;
	int ret = -EINVAL;

	*outp = NULL;
	*outlenp = 0;
	if (p == NULL || sign_sk == NULL || p->msg_ids == NULL ||
	    p->nids == 0 || p->nids > RECEIPT_IDS_MAX || p->node == NULL)
		return -EINVAL;
	user = p->user != NULL ? p->user : "";
	text = p->text != NULL ? p->text : "";
	if (!fields_valid((unsigned)p->type, p->node, user,
	    (unsigned)p->reason, text))
		return -EINVAL;
	len = RECEIPT_MAGIC_BYTES + 1 + 1 + 1 + p->nids * RECEIPT_ID_BYTES +
	    1 + strlen(p->node) + 1 + strlen(user) + 8 + 2 + 2 + strlen(text) +
	    PRIM_SIG_BYTES;
	if ((out = malloc(len)) == NULL)
		return -ENOMEM;
	buf_writer_init(&w, out, len);
	if (buf_put_bytes(&w, RECEIPT_MAGIC, RECEIPT_MAGIC_BYTES) != 0 ||
	    buf_put_u8(&w, RECEIPT_VERSION) != 0 ||
	    buf_put_u8(&w, (uint8_t)p->type) != 0 ||
	    buf_put_u8(&w, (uint8_t)p->nids) != 0 ||
	    buf_put_reserve(&w, &ids, p->nids * RECEIPT_ID_BYTES) != 0)
		goto out_free;
	memcpy(ids, p->msg_ids, p->nids * RECEIPT_ID_BYTES);
	qsort(ids, p->nids, RECEIPT_ID_BYTES, id_cmp);
	if (!ids_ascending(ids, p->nids) ||
	    buf_put_str8(&w, p->node) != 0 ||
	    buf_put_str8(&w, user) != 0 ||
	    buf_put_u64(&w, p->time) != 0 ||
	    buf_put_u16(&w, (uint16_t)p->reason) != 0 ||
	    buf_put_str16(&w, text) != 0)
		goto out_free;
	if (prim_hash(d, sizeof(d), out, buf_writer_len(&w), NULL, 0) != 0 ||
	    buf_put_reserve(&w, &sig, PRIM_SIG_BYTES) != 0 ||
	    buf_writer_len(&w) != len || sign_digest(d, sign_sk, sig) != 0)
		goto out_free;
	*outp = out;
	*outlenp = len;
	return 0;
out_free:
	free(out);
	return ret;
}

int
receipt_parse(const uint8_t *wire, size_t len, struct receipt **rp)
{
	struct receipt *r;
	struct receipt_info *in;
	struct buf_reader b;
	const uint8_t *magic;
	uint8_t version, type, nids;
	uint16_t reason;
	size_t signed_len;
	int ret = -EBADMSG;

	*rp = NULL;
	if (len > RECEIPT_WIRE_MAX)
		return -EMSGSIZE;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	in = &r->info;
	buf_reader_init(&b, wire, len);
	if (buf_get_ref(&b, &magic, RECEIPT_MAGIC_BYTES) != 0 ||
	    memcmp(magic, RECEIPT_MAGIC, RECEIPT_MAGIC_BYTES) != 0 ||
	    buf_get_u8(&b, &version) != 0)
		goto out_free;
	if (version != RECEIPT_VERSION) {
		ret = -EPROTONOSUPPORT;
		goto out_free;
	}
	in->version = version;
	if (buf_get_u8(&b, &type) != 0 ||
	    buf_get_u8(&b, &nids) != 0 ||
	    nids == 0 || nids > RECEIPT_IDS_MAX ||
	    buf_get_bytes(&b, in->msg_ids, (size_t)nids *
	    RECEIPT_ID_BYTES) != 0 ||
	    !ids_ascending(&in->msg_ids[0][0], nids) ||
	    buf_get_str8(&b, in->node, sizeof(in->node), 1,
	    NAME_NODE_MAX) != 0 ||
	    buf_get_str8(&b, in->user, sizeof(in->user), 0,
	    NAME_ADDR_MAX) != 0 ||
	    buf_get_u64(&b, &in->time) != 0 ||
	    buf_get_u16(&b, &reason) != 0 ||
	    buf_get_str16(&b, in->text, sizeof(in->text), 0,
	    RECEIPT_TEXT_MAX) != 0)
		goto out_free;
	signed_len = buf_offset(&b);
	if (buf_get_bytes(&b, r->sig, sizeof(r->sig)) != 0 ||
	    buf_end(&b) != 0)
		goto out_free;
	if (!fields_valid(type, in->node, in->user, reason, in->text))
		goto out_free;
	in->nids = nids;
	in->type = (enum receipt_type)type;
	in->reason = (enum receipt_reason)reason;
	if (prim_hash(in->digest, sizeof(in->digest), wire, signed_len, NULL,
	    0) != 0)
		goto out_free;
	*rp = r;
	return 0;
out_free:
	receipt_free(&r);
	return ret;
}

const struct receipt_info *
receipt_info(const struct receipt *r)
{
	return &r->info;
}

int
receipt_verify(struct receipt *r, const uint8_t *node_sign_pk)
{
	uint8_t m[SIG_CONTEXT_BYTES + RECEIPT_ID_BYTES];

	r->verified = false;
	if (node_sign_pk == NULL)
		return -EINVAL;
	memcpy(m, SIG_CONTEXT, SIG_CONTEXT_BYTES);
	memcpy(m + SIG_CONTEXT_BYTES, r->info.digest, RECEIPT_ID_BYTES);
	if (prim_verify(r->sig, m, sizeof(m), node_sign_pk) != 0)
		return -EBADMSG;
	r->verified = true;
	return 0;
}

bool
receipt_verified(const struct receipt *r)
{
	return r != NULL && r->verified;
}

void
receipt_free(struct receipt **rp)
{
	if (rp == NULL || *rp == NULL)
		return;
	secmem_wipe(*rp, sizeof(**rp));
	free(*rp);
	*rp = NULL;
}

const char *
receipt_type_name(enum receipt_type t)
{
	if (t < RECEIPT_DELIVERY || t > RECEIPT_NONDELIVERY)
		return NULL;
	return type_names[t];
}

const char *
receipt_reason_name(enum receipt_reason r)
{
	if ((unsigned)r > RECEIPT_REASON_MAX)
		return NULL;
	return reason_names[r];
}
