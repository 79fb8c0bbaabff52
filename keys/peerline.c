/* SPDX-License-Identifier: ISC */
/*
 * peerline: strict parsing and formatting of peer lines; fingerprints.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypto/prim.h"
#include "keys/peerline.h"

#define FPR_KEY		"valise-peer-fpr1"
#define FPR_KEY_BYTES	16

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int
fingerprint(struct peerline *peer)
{
	uint8_t in[1 + NAME_NODE_MAX + 3 * 32], h[32];
	size_t n = strlen(peer->name), i, bit, o = 0;
	unsigned v;

	in[0] = (uint8_t)n;
	memcpy(in + 1, peer->name, n);
	memcpy(in + 1 + n, peer->sign_pk, 32);
	memcpy(in + 1 + n + 32, peer->box_pk, 32);
	memcpy(in + 1 + n + 64, peer->curve_pk, 32);
	if (prim_hash(h, sizeof(h), in, 1 + n + 96,
	    (const uint8_t *)FPR_KEY, FPR_KEY_BYTES) != 0)
		return -EINVAL;
	/* 30 digits of 5 bits each, most significant bit first. */
	for (i = 0; i < PEERLINE_FPR_GROUPS * PEERLINE_FPR_GROUP_LEN; i++) {
		if (i > 0 && i % PEERLINE_FPR_GROUP_LEN == 0)
			peer->fingerprint[o++] = ' ';
		for (v = 0, bit = i * 5; bit < i * 5 + 5; bit++)
			v = (v << 1) | ((h[bit / 8] >> (7 - bit % 8)) & 1);
		peer->fingerprint[o++] = crockford[v];
	}
	peer->fingerprint[o] = '\0';
	return 0;
}

int
peerline_from_keys(const char *name, const uint8_t *sign_pk,
    const uint8_t *box_pk, const uint8_t *curve_pk, struct peerline *peer)
{
	memset(peer, 0, sizeof(*peer));
	if (name == NULL || !name_node_valid(name, strlen(name)) ||
	    !prim_sign_pk_ok(sign_pk) || !prim_box_pk_ok(box_pk) ||
	    !prim_box_pk_ok(curve_pk))
		return -EINVAL;
	memcpy(peer->name, name, strlen(name) + 1);
	memcpy(peer->sign_pk, sign_pk, 32);
	memcpy(peer->box_pk, box_pk, 32);
	memcpy(peer->curve_pk, curve_pk, 32);
	return fingerprint(peer);
}

int
peerline_format(const struct peerline *peer, char *out, size_t outcap)
{
	char k[3][PEERLINE_KEY_CHARS + 1];
	int n;

	if (outcap > 0)
		out[0] = '\0';
	prim_to_base64(k[0], sizeof(k[0]), peer->sign_pk, 32);
	prim_to_base64(k[1], sizeof(k[1]), peer->box_pk, 32);
	prim_to_base64(k[2], sizeof(k[2]), peer->curve_pk, 32);
	n = snprintf(out, outcap, "%s%s:%s:%s:%s", PEERLINE_TAG, peer->name,
	    k[0], k[1], k[2]);
	if (n < 0 || (size_t)n >= outcap) {
		if (outcap > 0)
			out[0] = '\0';
		return -EMSGSIZE;
	}
	return 0;
}

/* One key field at *p up to the next ':' (or the end for the last). */
static const char *
parse_key(const char **p, bool last, uint8_t out[32], bool sign,
    const char *missing, const char *length, const char *base64,
    const char *weak)
{
	const char *end = last ? *p + strlen(*p) : strchr(*p, ':');
	size_t len;

	if (end == NULL) {
		/* No separator: the key is there but what follows is not. */
		return missing;
	}
	len = (size_t)(end - *p);
	if (len == 0)
		return missing;
	if (len != PEERLINE_KEY_CHARS)
		return length;
	if (prim_from_base64(out, 32, *p, len) != 0)
		return base64;
	if (sign ? !prim_sign_pk_ok(out) : !prim_box_pk_ok(out))
		return weak;
	*p = last ? end : end + 1;
	return NULL;
}

int
peerline_parse(const char *text, struct peerline *peer, const char **whyp)
{
	const char *p, *colon, *why = NULL;
	size_t len, i, n, colons;

	memset(peer, 0, sizeof(*peer));
	if (whyp != NULL)
		*whyp = NULL;
	if (text == NULL || (len = strlen(text)) == 0) {
		why = "the line is empty";
		goto bad;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] <= 0x20 ||
		    (unsigned char)text[i] >= 0x7f) {
			why = "the line holds a space, control or non-ASCII "
			    "character (paste it exactly)";
			goto bad;
		}
	if (strncmp(text, "valise", 6) == 0 && strchr(text, ':') != NULL &&
	    strncmp(text, PEERLINE_TAG, strlen(PEERLINE_TAG)) != 0) {
		why = "unsupported version tag (this program reads 'valise1:')";
		goto bad;
	}
	if (strncmp(text, PEERLINE_TAG, strlen(PEERLINE_TAG)) != 0) {
		why = "missing version tag: a peer line begins with 'valise1:'";
		goto bad;
	}
	/* Fields are bounded one by one below; this only caps the work. */
	if (len > 4 * PEERLINE_MAX) {
		why = "the line is far longer than any valid peer line";
		goto bad;
	}
	p = text + strlen(PEERLINE_TAG);
	/* NODE:SIGN:ENVELOPE:TRANSPORT is four fields, three colons. */
	for (colons = 0, colon = p; (colon = strchr(colon, ':')) != NULL;
	    colon++)
		colons++;
	if (colons < 3) {
		why = colons == 0 ? "missing signing, envelope and transport "
		    "keys after the node name" : colons == 1 ?
		    "missing envelope and transport keys" :
		    "missing transport key";
		goto bad;
	}
	if (colons > 3) {
		why = "trailing characters after the transport key";
		goto bad;
	}
	colon = strchr(p, ':');
	n = (size_t)(colon - p);
	if (n == 0) {
		why = "missing node name";
		goto bad;
	}
	if (n > NAME_NODE_MAX) {
		why = "the node name is longer than 32 characters";
		goto bad;
	}
	if (!name_node_valid(p, n)) {
		why = "the node name may hold only A-Z, 0-9 and '-', not first "
		    "or last";
		goto bad;
	}
	memcpy(peer->name, p, n);
	peer->name[n] = '\0';
	p = colon + 1;
	if ((why = parse_key(&p, false, peer->sign_pk, true,
	    "missing signing key",
	    "the signing key is not 44 base64 characters",
	    "the signing key is not valid base64",
	    "the signing key is not a valid Ed25519 public key")) != NULL)
		goto bad;
	if ((why = parse_key(&p, false, peer->box_pk, false,
	    "missing envelope key",
	    "the envelope key is not 44 base64 characters",
	    "the envelope key is not valid base64",
	    "the envelope key is a small-order X25519 point")) != NULL)
		goto bad;
	if (strlen(p) > PEERLINE_KEY_CHARS) {
		why = "trailing characters after the transport key";
		goto bad;
	}
	if ((why = parse_key(&p, true, peer->curve_pk, false,
	    "missing transport key",
	    "the transport key is not 44 base64 characters",
	    "the transport key is not valid base64",
	    "the transport key is a small-order Curve25519 point")) != NULL)
		goto bad;
	if (fingerprint(peer) != 0) {
		why = "cannot compute the fingerprint";
		goto bad;
	}
	return 0;
bad:
	memset(peer, 0, sizeof(*peer));
	if (whyp != NULL)
		*whyp = why;
	return -EINVAL;
}
