/* SPDX-License-Identifier: ISC */
/*
 * envelope: seal, parse, verify and open (format in docs/protocol.md).
 *
 * The signed content (header || wrapped keys || ciphertext) is hashed once
 * with BLAKE2b-256; that digest is the message id, and the signature is
 * over a 16-byte context and the root of the batch's tree of ids (format
 * 3) or the id (format 2).  So sealing and opening a 4 KiB body pass over
 * it twice (AEAD, BLAKE2b) rather than four times (AEAD, then Ed25519's
 * two SHA-512 passes over everything).
 *
 * The tree is RFC 9162's (Certificate Transparency): leaf = H(0 || id),
 * node = H(1 || left || right), built level by level with an odd last
 * node moving up unchanged; a path lists the siblings from the leaf up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/buf.h"
#include "crypto/envelope.h"
#include "crypto/name.h"
#include "crypto/prim.h"
#include "crypto/secmem.h"

#define SIG_CONTEXT_V2		"valise-envelope1"
#define SIG_CONTEXT		"valise-envelope3"
#define SIG_CONTEXT_BYTES	16
/* What the format-3 signature covers: context || u16 count || root. */
#define SIG_MESSAGE_BYTES	(SIG_CONTEXT_BYTES + 2 + ENVELOPE_ID_BYTES)
/* Tree nodes of a full batch, every level (2n - 1 at most). */
#define TREE_NODES_MAX		(2 * ENVELOPE_BATCH_MAX)

/* An ephemeral key pair in use for sealing to one recipient node key. */
struct eph_seal {
	uint8_t		rpk[PRIM_BOX_PK_BYTES];
	uint8_t		epk[PRIM_BOX_PK_BYTES];
	uint8_t		k[PRIM_BOX_SHARED_BYTES];
	uint64_t	born;		/* the first envelope's created */
	uint32_t	uses;		/* 0: a free slot */
};

/* The shared key of an ephemeral key seen when opening. */
struct eph_open {
	uint8_t		epk[PRIM_BOX_PK_BYTES];
	uint8_t		rpk[PRIM_BOX_PK_BYTES];
	uint8_t		k[PRIM_BOX_SHARED_BYTES];
	uint64_t	last;		/* 0: a free slot */
};

/* A batch root whose signature verified. */
struct root_seen {
	uint8_t		pk[PRIM_SIGN_PK_BYTES];
	uint8_t		msg[SIG_MESSAGE_BYTES];
	uint8_t		sig[PRIM_SIG_BYTES];
	uint64_t	last;		/* 0: a free slot */
};

struct envelope_keys {
	struct eph_seal	seal[ENVELOPE_KEYS_SEAL_SLOTS];
	struct eph_open	open[ENVELOPE_KEYS_OPEN_SLOTS];
	struct root_seen roots[ENVELOPE_KEYS_ROOT_SLOTS];
	uint64_t	clock;		/* counts uses, for the LRUs */
};

struct envelope {
	struct envelope_info	 info;
	uint8_t			*wire;		/* own copy */
	size_t			 len;
	size_t			 header_len;
	const uint8_t		*nonce;		/* into wire */
	const uint8_t		*keys;		/* nnodes wrapped keys */
	const uint8_t		*ct;
	size_t			 ct_len;
	const uint8_t		*path;		/* format 3: npath hashes */
	size_t			 npath;
	uint16_t		 index, count;
	const uint8_t		*sig;
	bool			 verified;
};

static const char *const precedence_names[] = {
	[ENVELOPE_FLASH] = "FLASH",
	[ENVELOPE_IMMEDIATE] = "IMMEDIATE",
	[ENVELOPE_PRIORITY] = "PRIORITY",
	[ENVELOPE_ROUTINE] = "ROUTINE",
};

/* A label is opaque here, but never holds NUL or other control bytes. */
static bool
label_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > ENVELOPE_LABEL_MAX)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return false;
	return true;
}

/*
 * The distinct nodes of rcpts in order of first mention, and for each
 * recipient the index of its node.  -EINVAL for an invalid or duplicate
 * address.
 */
static int
collect_nodes(const char *const *addrs, size_t n,
    char nodes[][NAME_NODE_MAX + 1], size_t *nnodes, size_t *node_of)
{
	const char *node;
	size_t i, j, nodelen, len;

	*nnodes = 0;
	for (i = 0; i < n; i++) {
		len = strlen(addrs[i]);
		if (name_addr_node(addrs[i], len, &node, &nodelen) != 0)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (strcmp(addrs[j], addrs[i]) == 0)
				return -EINVAL;
		for (j = 0; j < *nnodes; j++)
			if (strlen(nodes[j]) == nodelen &&
			    memcmp(nodes[j], node, nodelen) == 0)
				break;
		if (j == *nnodes) {
			memcpy(nodes[j], node, nodelen);
			nodes[j][nodelen] = '\0';
			(*nnodes)++;
		}
		if (node_of != NULL)
			node_of[i] = j;
	}
	return 0;
}

/* Hashes on the path of leaf index in a tree of count leaves. */
static size_t
path_len(size_t index, size_t count)
{
	size_t n = 0;

	for (; count > 1; index >>= 1, count = (count + 1) / 2)
		if ((index ^ 1) < count)
			n++;
	return n;
}

static int
leaf_hash(uint8_t h[ENVELOPE_ID_BYTES], const uint8_t id[ENVELOPE_ID_BYTES])
{
	uint8_t in[1 + ENVELOPE_ID_BYTES];

	in[0] = 0;
	memcpy(in + 1, id, ENVELOPE_ID_BYTES);
	return prim_hash(h, ENVELOPE_ID_BYTES, in, sizeof(in), NULL, 0);
}

static int
node_hash(uint8_t h[ENVELOPE_ID_BYTES], const uint8_t left[ENVELOPE_ID_BYTES],
    const uint8_t right[ENVELOPE_ID_BYTES])
{
	uint8_t in[1 + 2 * ENVELOPE_ID_BYTES];

	in[0] = 1;
	memcpy(in + 1, left, ENVELOPE_ID_BYTES);
	memcpy(in + 1 + ENVELOPE_ID_BYTES, right, ENVELOPE_ID_BYTES);
	return prim_hash(h, ENVELOPE_ID_BYTES, in, sizeof(in), NULL, 0);
}

/* What a format-3 origin signs: context || count || root. */
static void
sig_message(uint8_t m[SIG_MESSAGE_BYTES], size_t count,
    const uint8_t root[ENVELOPE_ID_BYTES])
{
	memcpy(m, SIG_CONTEXT, SIG_CONTEXT_BYTES);
	m[SIG_CONTEXT_BYTES] = (uint8_t)(count >> 8);
	m[SIG_CONTEXT_BYTES + 1] = (uint8_t)count;
	memcpy(m + SIG_CONTEXT_BYTES + 2, root, ENVELOPE_ID_BYTES);
}

/*
 * The nonce of a wrapped key: BLAKE2b-192(body nonce || epk || rpk).  The
 * body nonce is random for each envelope, so the nonces under one shared
 * key never repeat, and none needs to travel.
 */
static int
wrap_nonce(uint8_t wn[PRIM_BOX_NONCE_BYTES],
    const uint8_t nonce[ENVELOPE_NONCE_BYTES],
    const uint8_t epk[PRIM_BOX_PK_BYTES], const uint8_t rpk[PRIM_BOX_PK_BYTES])
{
	uint8_t in[ENVELOPE_NONCE_BYTES + 2 * PRIM_BOX_PK_BYTES];

	memcpy(in, nonce, ENVELOPE_NONCE_BYTES);
	memcpy(in + ENVELOPE_NONCE_BYTES, epk, PRIM_BOX_PK_BYTES);
	memcpy(in + ENVELOPE_NONCE_BYTES + PRIM_BOX_PK_BYTES, rpk,
	    PRIM_BOX_PK_BYTES);
	return prim_hash(wn, PRIM_BOX_NONCE_BYTES, in, sizeof(in), NULL, 0);
}

/* A fresh ephemeral key pair (from seed, if not NULL) and its shared key
 * with rpk; the ephemeral secret is wiped at once. */
static int
eph_new(uint8_t epk[PRIM_BOX_PK_BYTES], uint8_t k[PRIM_BOX_SHARED_BYTES],
    const uint8_t rpk[PRIM_BOX_PK_BYTES], const uint8_t *seed)
{
	uint8_t esk[PRIM_BOX_SK_BYTES], rnd[PRIM_BOX_SEED_BYTES];
	int ret;

	if (seed == NULL) {
		prim_random(rnd, sizeof(rnd));
		seed = rnd;
	}
	if ((ret = prim_box_keypair(epk, esk, seed)) == 0)
		ret = prim_box_shared(k, rpk, esk);
	secmem_wipe(esk, sizeof(esk));
	secmem_wipe(rnd, sizeof(rnd));
	return ret;
}

/*
 * The ephemeral key to seal to rpk with at time now: the cache's while it
 * is young enough, else a new one, kept in the slot of rpk or else in the
 * oldest slot.
 */
static int
eph_for_seal(struct envelope_keys *keys, const uint8_t rpk[PRIM_BOX_PK_BYTES],
    uint64_t now, uint8_t epk[PRIM_BOX_PK_BYTES],
    uint8_t k[PRIM_BOX_SHARED_BYTES])
{
	struct eph_seal *e, *slot = &keys->seal[0];
	size_t i;
	int ret;

	for (i = 0; i < ENVELOPE_KEYS_SEAL_SLOTS; i++) {
		e = &keys->seal[i];
		if (e->uses > 0 && memcmp(e->rpk, rpk, PRIM_BOX_PK_BYTES) == 0) {
			slot = e;
			break;
		}
		if (e->uses == 0 || (slot->uses > 0 && e->born < slot->born))
			slot = e;
	}
	if (slot->uses == 0 || slot->uses >= ENVELOPE_EPH_MESSAGES_MAX ||
	    memcmp(slot->rpk, rpk, PRIM_BOX_PK_BYTES) != 0 ||
	    now < slot->born || now - slot->born >= ENVELOPE_EPH_SECONDS_MAX) {
		secmem_wipe(slot, sizeof(*slot));
		if ((ret = eph_new(slot->epk, slot->k, rpk, NULL)) != 0) {
			secmem_wipe(slot, sizeof(*slot));
			return ret;
		}
		memcpy(slot->rpk, rpk, PRIM_BOX_PK_BYTES);
		slot->born = now;
	}
	slot->uses++;
	memcpy(epk, slot->epk, PRIM_BOX_PK_BYTES);
	memcpy(k, slot->k, PRIM_BOX_SHARED_BYTES);
	return 0;
}

/*
 * Wrap the body key to the node key rpk: wk = epk || box(key) under the
 * shared key of an ephemeral key pair, from keys (may be NULL) or seed
 * (known-answer tests; may be NULL).  -EINVAL for a small-order rpk.
 */
static int
wrap_key(uint8_t wk[ENVELOPE_WRAPPED_BYTES],
    const uint8_t key[ENVELOPE_KEY_BYTES],
    const uint8_t nonce[ENVELOPE_NONCE_BYTES],
    const uint8_t rpk[PRIM_BOX_PK_BYTES], struct envelope_keys *keys,
    uint64_t now, const uint8_t *seed)
{
	uint8_t k[PRIM_BOX_SHARED_BYTES], wn[PRIM_BOX_NONCE_BYTES];
	int ret;

	ret = keys != NULL ? eph_for_seal(keys, rpk, now, wk, k) :
	    eph_new(wk, k, rpk, seed);
	if (ret == 0)
		ret = wrap_nonce(wn, nonce, wk, rpk);
	if (ret == 0)
		ret = prim_box_seal_shared(wk + PRIM_BOX_PK_BYTES, key,
		    ENVELOPE_KEY_BYTES, wn, k);
	secmem_wipe(k, sizeof(k));
	return ret;
}

static int
draft(const struct envelope_params *p, const uint8_t *body, size_t body_len,
    const struct envelope_fixed *fx, struct envelope_draft *dr)
{
	char nodes[ENVELOPE_RECIPIENTS_MAX][NAME_NODE_MAX + 1];
	const char *addrs[ENVELOPE_RECIPIENTS_MAX];
	const uint8_t *node_pk[ENVELOPE_RECIPIENTS_MAX];
	size_t node_of[ENVELOPE_RECIPIENTS_MAX];
	uint8_t key[ENVELOPE_KEY_BYTES], nonce[ENVELOPE_NONCE_BYTES];
	uint8_t *out = NULL, *keys, *ct;
	struct buf_writer w;
	size_t i, nnodes, label_len, header_len, pt_len, len;
	int ret = -EINVAL;

	memset(dr, 0, sizeof(*dr));
	if (p == NULL || (body == NULL && body_len > 0))
		return -EINVAL;
	if (body_len > ENVELOPE_BODY_MAX)
		return -EMSGSIZE;
	if (p->origin == NULL ||
	    !name_node_valid(p->origin, strlen(p->origin)) ||
	    p->nrcpts == 0 || p->nrcpts > ENVELOPE_RECIPIENTS_MAX ||
	    p->rcpts == NULL || p->label == NULL ||
	    (unsigned)p->precedence > ENVELOPE_ROUTINE ||
	    p->expires <= p->created)
		return -EINVAL;
	label_len = strlen(p->label);
	if (!label_valid(p->label, label_len))
		return -EINVAL;
	for (i = 0; i < p->nrcpts; i++) {
		if (p->rcpts[i].addr == NULL || p->rcpts[i].box_pk == NULL)
			return -EINVAL;
		addrs[i] = p->rcpts[i].addr;
	}
	if (collect_nodes(addrs, p->nrcpts, nodes, &nnodes, node_of) != 0)
		return -EINVAL;
	/* One node, one key: two recipients on a node must agree on it. */
	for (i = 0; i < nnodes; i++)
		node_pk[i] = NULL;
	for (i = 0; i < p->nrcpts; i++) {
		if (node_pk[node_of[i]] == NULL)
			node_pk[node_of[i]] = p->rcpts[i].box_pk;
		else if (memcmp(node_pk[node_of[i]], p->rcpts[i].box_pk,
		    PRIM_BOX_PK_BYTES) != 0)
			return -EINVAL;
	}

	header_len = ENVELOPE_MAGIC_BYTES + 1 + 1 + strlen(p->origin) + 1 +
	    2 + label_len + 1 + 8 + 8 + ENVELOPE_NONCE_BYTES + 4;
	for (i = 0; i < p->nrcpts; i++)
		header_len += 1 + strlen(addrs[i]);
	pt_len = 2 + label_len + body_len;
	len = header_len + nnodes * ENVELOPE_WRAPPED_BYTES + pt_len +
	    PRIM_AEAD_TAG_BYTES;
	if ((out = malloc(len + ENVELOPE_TRAILER_MAX)) == NULL)
		return -ENOMEM;

	if (fx != NULL) {
		memcpy(key, fx->body_key, sizeof(key));
		memcpy(nonce, fx->nonce, sizeof(nonce));
	} else {
		/* One draw, not two: each is a system call (getrandom). */
		uint8_t rnd[sizeof(key) + sizeof(nonce)];

		prim_random(rnd, sizeof(rnd));
		memcpy(key, rnd, sizeof(key));
		memcpy(nonce, rnd + sizeof(key), sizeof(nonce));
		secmem_wipe(rnd, sizeof(rnd));
	}

	buf_writer_init(&w, out, len);
	if (buf_put_bytes(&w, ENVELOPE_MAGIC, ENVELOPE_MAGIC_BYTES) != 0 ||
	    buf_put_u8(&w, ENVELOPE_VERSION) != 0 ||
	    buf_put_str8(&w, p->origin) != 0 ||
	    buf_put_u8(&w, (uint8_t)p->nrcpts) != 0)
		goto out_free;
	for (i = 0; i < p->nrcpts; i++)
		if (buf_put_str8(&w, addrs[i]) != 0)
			goto out_free;
	if (buf_put_str16(&w, p->label) != 0 ||
	    buf_put_u8(&w, (uint8_t)p->precedence) != 0 ||
	    buf_put_u64(&w, p->created) != 0 ||
	    buf_put_u64(&w, p->expires) != 0 ||
	    buf_put_bytes(&w, nonce, sizeof(nonce)) != 0 ||
	    buf_put_u32(&w, (uint32_t)body_len) != 0 ||
	    buf_writer_len(&w) != header_len)
		goto out_free;
	if (buf_put_reserve(&w, &keys, nnodes * ENVELOPE_WRAPPED_BYTES) != 0 ||
	    buf_put_reserve(&w, &ct, pt_len + PRIM_AEAD_TAG_BYTES) != 0 ||
	    buf_writer_len(&w) != len)
		goto out_free;

	/* The inner label || body, encrypted in place. */
	ct[0] = (uint8_t)(label_len >> 8);
	ct[1] = (uint8_t)label_len;
	memcpy(ct + 2, p->label, label_len);
	if (body_len > 0)
		memcpy(ct + 2 + label_len, body, body_len);
	if ((ret = prim_aead_seal(ct, ct, pt_len, out, header_len, nonce,
	    key)) != 0)
		goto out_free;

	for (i = 0; i < nnodes; i++) {
		/* A small-order key fails here (all-zero shared secret):
		 * no separate check, which would cost a scalar multiplication
		 * per recipient. */
		ret = wrap_key(keys + i * ENVELOPE_WRAPPED_BYTES, key, nonce,
		    node_pk[i], fx != NULL ? NULL : p->keys, p->created,
		    fx != NULL ? fx->eph_seeds + i * PRIM_BOX_SEED_BYTES :
		    NULL);
		if (ret != 0) {
			ret = -EINVAL;
			goto out_free;
		}
	}

	if ((ret = prim_hash(dr->id, sizeof(dr->id), out, len, NULL, 0)) != 0)
		goto out_free;
	dr->wire = out;
	dr->len = len;
	dr->cap = len + ENVELOPE_TRAILER_MAX;
	ret = 0;
	goto out;
out_free:
	if (ret == 0)
		ret = -EINVAL;
	secmem_wipe(out, len);
	free(out);
	memset(dr, 0, sizeof(*dr));
out:
	secmem_wipe(key, sizeof(key));
	return ret;
}

int
envelope_draft(const struct envelope_params *p, const uint8_t *body,
    size_t body_len, struct envelope_draft *dr)
{
	return draft(p, body, body_len, NULL, dr);
}

int
envelope_draft_fixed(const struct envelope_params *p, const uint8_t *body,
    size_t body_len, const struct envelope_fixed *fx,
    struct envelope_draft *dr)
{
	if (fx == NULL || fx->body_key == NULL || fx->nonce == NULL ||
	    fx->eph_seeds == NULL) {
		memset(dr, 0, sizeof(*dr));
		return -EINVAL;
	}
	return draft(p, body, body_len, fx, dr);
}

void
envelope_draft_free(struct envelope_draft *dr)
{
	if (dr->wire != NULL) {
		secmem_wipe(dr->wire, dr->cap);
		free(dr->wire);
	}
	memset(dr, 0, sizeof(*dr));
}

/*
 * Sign: the tree's levels one after the other in t (level 0: the leaves),
 * one signature over its root, then each draft's trailer: its path,
 * index, count, id and that signature.
 */
int
envelope_sign_batch(struct envelope_draft *dr, size_t n,
    const uint8_t *sign_sk)
{
	uint8_t (*t)[ENVELOPE_ID_BYTES], sm[SIG_MESSAGE_BYTES];
	uint8_t sig[PRIM_SIG_BYTES];
	size_t i, j, lvl, width, idx, level_at[ENVELOPE_PATH_MAX + 1], nlevels;
	int ret = -EINVAL;

	if (n == 0 || n > ENVELOPE_BATCH_MAX || sign_sk == NULL)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (dr[i].wire == NULL || dr[i].sealed ||
		    dr[i].cap < dr[i].len + ENVELOPE_TRAILER_MAX)
			return -EINVAL;
	if ((t = malloc(TREE_NODES_MAX * sizeof(*t))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (leaf_hash(t[i], dr[i].id) != 0)
			goto out;
	level_at[0] = 0;
	nlevels = 1;
	for (width = n, j = n; width > 1; width = (width + 1) / 2) {
		size_t at = level_at[nlevels - 1];

		level_at[nlevels++] = j;
		for (i = 0; i + 1 < width; i += 2, j++)
			if (node_hash(t[j], t[at + i], t[at + i + 1]) != 0)
				goto out;
		if (i < width)
			memcpy(t[j++], t[at + i], ENVELOPE_ID_BYTES);
	}
	sig_message(sm, n, t[level_at[nlevels - 1]]);	/* the root */
	if (prim_sign(sig, sm, sizeof(sm), sign_sk) != 0)
		goto out;
	/* Each draft has room for the longest trailer (checked above). */
	for (i = 0; i < n; i++) {
		uint8_t *o = dr[i].wire + dr[i].len;

		for (lvl = 0, idx = i, width = n; lvl + 1 < nlevels;
		    lvl++, idx >>= 1, width = (width + 1) / 2)
			if ((idx ^ 1) < width) {
				memcpy(o, t[level_at[lvl] + (idx ^ 1)],
				    ENVELOPE_ID_BYTES);
				o += ENVELOPE_ID_BYTES;
			}
		o[0] = (uint8_t)(i >> 8);
		o[1] = (uint8_t)i;
		o[2] = (uint8_t)(n >> 8);
		o[3] = (uint8_t)n;
		memcpy(o + 4, dr[i].id, ENVELOPE_ID_BYTES);
		memcpy(o + 4 + ENVELOPE_ID_BYTES, sig, sizeof(sig));
		dr[i].len = (size_t)(o - dr[i].wire) + 4 +
		    ENVELOPE_TRAILER_BYTES;
		dr[i].sealed = true;
	}
	ret = 0;
out:
	free(t);
	return ret;
}

/* A batch of one; fx NULL draws the randomness. */
static int
seal(const struct envelope_params *p, const uint8_t *sign_sk,
    const uint8_t *body, size_t body_len, const struct envelope_fixed *fx,
    uint8_t **out, size_t *outlen, uint8_t id[ENVELOPE_ID_BYTES])
{
	struct envelope_draft dr;
	int ret;

	*out = NULL;
	*outlen = 0;
	if (id != NULL)
		memset(id, 0, ENVELOPE_ID_BYTES);
	if (sign_sk == NULL)
		return -EINVAL;
	if ((ret = draft(p, body, body_len, fx, &dr)) != 0)
		return ret;
	if ((ret = envelope_sign_batch(&dr, 1, sign_sk)) != 0) {
		envelope_draft_free(&dr);
		return ret;
	}
	if (id != NULL)
		memcpy(id, dr.id, ENVELOPE_ID_BYTES);
	*out = dr.wire;
	*outlen = dr.len;
	return 0;
}

int
envelope_seal(const struct envelope_params *p, const uint8_t *sign_sk,
    const uint8_t *body, size_t body_len, uint8_t **out, size_t *outlen,
    uint8_t id[ENVELOPE_ID_BYTES])
{
	return seal(p, sign_sk, body, body_len, NULL, out, outlen, id);
}

int
envelope_seal_fixed(const struct envelope_params *p, const uint8_t *sign_sk,
    const uint8_t *body, size_t body_len, const struct envelope_fixed *fx,
    uint8_t **out, size_t *outlen, uint8_t id[ENVELOPE_ID_BYTES])
{
	if (fx == NULL || fx->body_key == NULL || fx->nonce == NULL ||
	    fx->eph_seeds == NULL) {
		*out = NULL;
		*outlen = 0;
		return -EINVAL;
	}
	return seal(p, sign_sk, body, body_len, fx, out, outlen, id);
}

/* Read the header into env->info; every check of section 2.1. */
static int
parse_header(struct envelope *env, struct buf_reader *r, size_t body_max)
{
	struct envelope_info *in = &env->info;
	const char *addrs[ENVELOPE_RECIPIENTS_MAX];
	const uint8_t *magic;
	uint8_t version, n, prec;
	uint32_t body_len;
	size_t i;

	if (buf_get_ref(r, &magic, ENVELOPE_MAGIC_BYTES) != 0 ||
	    memcmp(magic, ENVELOPE_MAGIC, ENVELOPE_MAGIC_BYTES) != 0 ||
	    buf_get_u8(r, &version) != 0)
		return -EBADMSG;
	if (version != 2 && version != ENVELOPE_VERSION)
		return -EPROTONOSUPPORT;
	in->version = version;
	if (buf_get_str8(r, in->origin, sizeof(in->origin), 1,
	    NAME_NODE_MAX) != 0 ||
	    !name_node_valid(in->origin, strlen(in->origin)) ||
	    buf_get_u8(r, &n) != 0 || n == 0 || n > ENVELOPE_RECIPIENTS_MAX)
		return -EBADMSG;
	in->nrcpts = n;
	for (i = 0; i < n; i++) {
		if (buf_get_str8(r, in->rcpts[i], sizeof(in->rcpts[i]), 1,
		    NAME_ADDR_MAX) != 0)
			return -EBADMSG;
		addrs[i] = in->rcpts[i];
	}
	if (collect_nodes(addrs, n, in->nodes, &in->nnodes, NULL) != 0)
		return -EBADMSG;
	if (buf_get_str16(r, in->label, sizeof(in->label), 1,
	    ENVELOPE_LABEL_MAX) != 0 ||
	    !label_valid(in->label, strlen(in->label)) ||
	    buf_get_u8(r, &prec) != 0 || prec > ENVELOPE_ROUTINE ||
	    buf_get_u64(r, &in->created) != 0 ||
	    buf_get_u64(r, &in->expires) != 0 ||
	    in->expires <= in->created ||
	    buf_get_ref(r, &env->nonce, ENVELOPE_NONCE_BYTES) != 0 ||
	    buf_get_u32(r, &body_len) != 0)
		return -EBADMSG;
	in->precedence = (enum envelope_precedence)prec;
	if (body_len > body_max)
		return -EMSGSIZE;
	in->body_len = body_len;
	env->header_len = buf_offset(r);
	return 0;
}

/*
 * Format 3: the path, index and count before the id and signature.  The
 * path's length follows from index and count; what lies between the
 * ciphertext and the last 100 bytes must be exactly that.
 */
static int
parse_batch(struct envelope *env, struct buf_reader *r)
{
	size_t rest = buf_remaining(r), path_bytes;

	if (rest < 4 + ENVELOPE_TRAILER_BYTES)
		return -EBADMSG;
	path_bytes = rest - 4 - ENVELOPE_TRAILER_BYTES;
	if (path_bytes % ENVELOPE_ID_BYTES != 0 ||
	    path_bytes > ENVELOPE_PATH_MAX * ENVELOPE_ID_BYTES ||
	    buf_get_ref(r, &env->path, path_bytes) != 0 ||
	    buf_get_u16(r, &env->index) != 0 ||
	    buf_get_u16(r, &env->count) != 0 ||
	    env->count == 0 || env->count > ENVELOPE_BATCH_MAX ||
	    env->index >= env->count ||
	    path_len(env->index, env->count) * ENVELOPE_ID_BYTES != path_bytes)
		return -EBADMSG;
	env->npath = path_bytes / ENVELOPE_ID_BYTES;
	return 0;
}

int
envelope_parse(const uint8_t *wire, size_t len, size_t body_max,
    struct envelope **envp)
{
	struct envelope *env;
	struct buf_reader r;
	const uint8_t *id;
	uint8_t want[ENVELOPE_ID_BYTES];
	size_t signed_len;
	int ret;

	*envp = NULL;
	if (body_max == 0)
		body_max = ENVELOPE_BODY_MAX;
	if (body_max > ENVELOPE_BODY_MAX)
		return -EINVAL;
	if (len > ENVELOPE_OVERHEAD_MAX + body_max)
		return -EMSGSIZE;
	if (wire == NULL || len == 0)
		return -EBADMSG;
	if ((env = calloc(1, sizeof(*env))) == NULL)
		return -ENOMEM;
	if ((env->wire = malloc(len)) == NULL) {
		ret = -ENOMEM;
		goto out_free;
	}
	memcpy(env->wire, wire, len);
	env->len = len;

	buf_reader_init(&r, env->wire, len);
	if ((ret = parse_header(env, &r, body_max)) != 0)
		goto out_free;
	env->ct_len = 2 + strlen(env->info.label) + env->info.body_len +
	    PRIM_AEAD_TAG_BYTES;
	ret = -EBADMSG;
	if (buf_get_ref(&r, &env->keys,
	    env->info.nnodes * ENVELOPE_WRAPPED_BYTES) != 0 ||
	    buf_get_ref(&r, &env->ct, env->ct_len) != 0)
		goto out_free;
	signed_len = buf_offset(&r);
	if (env->info.version > 2 && (ret = parse_batch(env, &r)) != 0)
		goto out_free;
	ret = -EBADMSG;
	if (buf_get_ref(&r, &id, ENVELOPE_ID_BYTES) != 0 ||
	    buf_get_ref(&r, &env->sig, PRIM_SIG_BYTES) != 0 ||
	    buf_end(&r) != 0)
		goto out_free;
	if (prim_hash(want, sizeof(want), env->wire, signed_len, NULL,
	    0) != 0 ||
	    memcmp(want, id, sizeof(want)) != 0)
		goto out_free;
	memcpy(env->info.id, id, ENVELOPE_ID_BYTES);
	*envp = env;
	return 0;
out_free:
	envelope_free(&env);
	return ret;
}

const struct envelope_info *
envelope_info(const struct envelope *env)
{
	return &env->info;
}

const uint8_t *
envelope_wire(const struct envelope *env, size_t *len)
{
	*len = env->len;
	return env->wire;
}

/* The root of env's batch: its leaf folded with its path. */
static int
batch_root(const struct envelope *env, uint8_t root[ENVELOPE_ID_BYTES])
{
	const uint8_t *p = env->path;
	size_t idx = env->index, width = env->count;

	if (leaf_hash(root, env->info.id) != 0)
		return -EBADMSG;
	for (; width > 1; idx >>= 1, width = (width + 1) / 2) {
		if ((idx ^ 1) >= width)
			continue;	/* the odd last node moves up */
		if ((idx & 1 ? node_hash(root, p, root) :
		    node_hash(root, root, p)) != 0)
			return -EBADMSG;
		p += ENVELOPE_ID_BYTES;
	}
	return p == env->path + env->npath * ENVELOPE_ID_BYTES ? 0 : -EBADMSG;
}

/* The cached root equal to (pk, sm, sig), or NULL. */
static struct root_seen *
root_find(struct envelope_keys *keys, const uint8_t *pk, const uint8_t *sm,
    const uint8_t *sig)
{
	size_t i;

	for (i = 0; keys != NULL && i < ENVELOPE_KEYS_ROOT_SLOTS; i++) {
		struct root_seen *e = &keys->roots[i];

		if (e->last > 0 && memcmp(e->msg, sm, SIG_MESSAGE_BYTES) == 0 &&
		    memcmp(e->pk, pk, PRIM_SIGN_PK_BYTES) == 0 &&
		    memcmp(e->sig, sig, PRIM_SIG_BYTES) == 0)
			return e;
	}
	return NULL;
}

/* Remember a verified root in place of the least recently used. */
static void
root_keep(struct envelope_keys *keys, const uint8_t *pk, const uint8_t *sm,
    const uint8_t *sig)
{
	struct root_seen *slot = &keys->roots[0];
	size_t i;

	for (i = 1; i < ENVELOPE_KEYS_ROOT_SLOTS; i++)
		if (keys->roots[i].last < slot->last)
			slot = &keys->roots[i];
	memcpy(slot->pk, pk, PRIM_SIGN_PK_BYTES);
	memcpy(slot->msg, sm, SIG_MESSAGE_BYTES);
	memcpy(slot->sig, sig, PRIM_SIG_BYTES);
	slot->last = ++keys->clock;
}

int
envelope_verify_cached(struct envelope *env, const uint8_t *origin_sign_pk,
    struct envelope_keys *keys)
{
	uint8_t sm[SIG_MESSAGE_BYTES], root[ENVELOPE_ID_BYTES];
	struct root_seen *seen;

	env->verified = false;
	if (origin_sign_pk == NULL)
		return -EINVAL;
	if (env->info.version == 2) {
		memcpy(sm, SIG_CONTEXT_V2, SIG_CONTEXT_BYTES);
		memcpy(sm + SIG_CONTEXT_BYTES, env->info.id, ENVELOPE_ID_BYTES);
		if (prim_verify(env->sig, sm, SIG_CONTEXT_BYTES +
		    ENVELOPE_ID_BYTES, origin_sign_pk) != 0)
			return -EBADMSG;
		env->verified = true;
		return 0;
	}
	if (batch_root(env, root) != 0)
		return -EBADMSG;
	sig_message(sm, env->count, root);
	if ((seen = root_find(keys, origin_sign_pk, sm, env->sig)) != NULL) {
		seen->last = ++keys->clock;
	} else {
		if (prim_verify(env->sig, sm, sizeof(sm), origin_sign_pk) != 0)
			return -EBADMSG;
		if (keys != NULL)
			root_keep(keys, origin_sign_pk, sm, env->sig);
	}
	env->verified = true;
	return 0;
}

int
envelope_verify(struct envelope *env, const uint8_t *origin_sign_pk)
{
	return envelope_verify_cached(env, origin_sign_pk, NULL);
}

bool
envelope_verified(const struct envelope *env)
{
	return env != NULL && env->verified;
}

static int
node_index(const struct envelope *env, const char *node, size_t *idx)
{
	size_t i;

	for (i = 0; i < env->info.nnodes; i++)
		if (strcmp(env->info.nodes[i], node) == 0) {
			*idx = i;
			return 0;
		}
	return -ENOENT;
}

bool
envelope_has_node(const struct envelope *env, const char *node)
{
	size_t i;

	return node != NULL && node_index(env, node, &i) == 0;
}

bool
envelope_expired(const struct envelope *env, uint64_t now)
{
	return now >= env->info.expires;
}

/*
 * The shared key of the ephemeral key epk with the key pair (rpk, rsk): the
 * cache's, else computed and kept in place of the least recently used.
 */
static int
eph_for_open(struct envelope_keys *keys, const uint8_t epk[PRIM_BOX_PK_BYTES],
    const uint8_t rpk[PRIM_BOX_PK_BYTES], const uint8_t rsk[PRIM_BOX_SK_BYTES],
    uint8_t k[PRIM_BOX_SHARED_BYTES])
{
	struct eph_open *e, *slot;
	size_t i;

	if (keys == NULL)
		return prim_box_shared(k, epk, rsk);
	slot = &keys->open[0];
	for (i = 0; i < ENVELOPE_KEYS_OPEN_SLOTS; i++) {
		e = &keys->open[i];
		if (e->last > 0 &&
		    memcmp(e->epk, epk, PRIM_BOX_PK_BYTES) == 0 &&
		    memcmp(e->rpk, rpk, PRIM_BOX_PK_BYTES) == 0) {
			e->last = ++keys->clock;
			memcpy(k, e->k, PRIM_BOX_SHARED_BYTES);
			return 0;
		}
		if (e->last < slot->last)
			slot = e;
	}
	if (prim_box_shared(k, epk, rsk) != 0)
		return -EINVAL;
	secmem_wipe(slot, sizeof(*slot));
	memcpy(slot->epk, epk, PRIM_BOX_PK_BYTES);
	memcpy(slot->rpk, rpk, PRIM_BOX_PK_BYTES);
	memcpy(slot->k, k, PRIM_BOX_SHARED_BYTES);
	slot->last = ++keys->clock;
	return 0;
}

/* Unwrap the body key of wk (section 2.2). */
static int
unwrap_key(uint8_t key[ENVELOPE_KEY_BYTES],
    const uint8_t wk[ENVELOPE_WRAPPED_BYTES],
    const uint8_t nonce[ENVELOPE_NONCE_BYTES],
    const uint8_t rpk[PRIM_BOX_PK_BYTES], const uint8_t rsk[PRIM_BOX_SK_BYTES],
    struct envelope_keys *keys)
{
	uint8_t k[PRIM_BOX_SHARED_BYTES], wn[PRIM_BOX_NONCE_BYTES];
	int ret = -EBADMSG;

	if (eph_for_open(keys, wk, rpk, rsk, k) == 0 &&
	    wrap_nonce(wn, nonce, wk, rpk) == 0 &&
	    prim_box_open_shared(key, wk + PRIM_BOX_PK_BYTES,
	    ENVELOPE_WRAPPED_BYTES - PRIM_BOX_PK_BYTES, wn, k) == 0)
		ret = 0;
	secmem_wipe(k, sizeof(k));
	return ret;
}

int
envelope_open(const struct envelope *env, const char *node,
    const uint8_t *box_pk, const uint8_t *box_sk, uint8_t **bodyp,
    size_t *body_lenp)
{
	return envelope_open_cached(env, node, box_pk, box_sk, NULL, bodyp,
	    body_lenp);
}

int
envelope_open_cached(const struct envelope *env, const char *node,
    const uint8_t *box_pk, const uint8_t *box_sk, struct envelope_keys *keys,
    uint8_t **bodyp, size_t *body_lenp)
{
	uint8_t key[ENVELOPE_KEY_BYTES], *pt = NULL;
	size_t idx, pt_len, label_len;
	int ret;

	*bodyp = NULL;
	*body_lenp = 0;
	if (node == NULL || box_pk == NULL || box_sk == NULL)
		return -EINVAL;
	if (!env->verified)
		return -EPERM;
	if ((ret = node_index(env, node, &idx)) != 0)
		return ret;
	if (unwrap_key(key, env->keys + idx * ENVELOPE_WRAPPED_BYTES,
	    env->nonce, box_pk, box_sk, keys) != 0) {
		ret = -EBADMSG;
		goto out;
	}
	pt_len = env->ct_len - PRIM_AEAD_TAG_BYTES;
	if ((pt = malloc(pt_len)) == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	if (prim_aead_open(pt, env->ct, env->ct_len, env->wire,
	    env->header_len, env->nonce, key) != 0) {
		ret = -EBADMSG;
		goto out_free;
	}
	/* labels.md section 5: the label inside must equal the one outside. */
	label_len = strlen(env->info.label);
	if (((size_t)pt[0] << 8 | pt[1]) != label_len ||
	    memcmp(pt + 2, env->info.label, label_len) != 0) {
		ret = -EPROTO;
		goto out_free;
	}
	memmove(pt, pt + 2 + label_len, env->info.body_len);
	/* The tail still holds the last bytes of the body: wipe it now, as
	 * envelope_body_free() only knows body_len. */
	secmem_wipe(pt + env->info.body_len, pt_len - env->info.body_len);
	*bodyp = pt;
	*body_lenp = env->info.body_len;
	ret = 0;
	goto out;
out_free:
	secmem_wipe(pt, pt_len);
	free(pt);
out:
	secmem_wipe(key, sizeof(key));
	return ret;
}

int
envelope_keys_new(struct envelope_keys **keysp)
{
	/* secmem_alloc memory is zero-filled: every slot free. */
	if ((*keysp = secmem_alloc(sizeof(**keysp))) == NULL)
		return -ENOMEM;
	return 0;
}

void
envelope_keys_free(struct envelope_keys **keysp)
{
	if (keysp == NULL || *keysp == NULL)
		return;
	secmem_free(*keysp);
	*keysp = NULL;
}

void
envelope_body_free(uint8_t **body, size_t body_len)
{
	if (body == NULL || *body == NULL)
		return;
	if (body_len > 0)
		secmem_wipe(*body, body_len);
	free(*body);
	*body = NULL;
}

void
envelope_free(struct envelope **envp)
{
	struct envelope *env;

	if (envp == NULL || (env = *envp) == NULL)
		return;
	free(env->wire);
	secmem_wipe(env, sizeof(*env));
	free(env);
	*envp = NULL;
}

const char *
envelope_precedence_name(enum envelope_precedence p)
{
	if ((unsigned)p > ENVELOPE_ROUTINE)
		return NULL;
	return precedence_names[p];
}

int
envelope_precedence_parse(const char *s, enum envelope_precedence *p)
{
	unsigned i;

	*p = ENVELOPE_ROUTINE;
	for (i = 0; s != NULL && i <= ENVELOPE_ROUTINE; i++)
		if (strcmp(s, precedence_names[i]) == 0) {
			*p = (enum envelope_precedence)i;
			return 0;
		}
	return -EINVAL;
}
