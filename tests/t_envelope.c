/* SPDX-License-Identifier: ISC */
/*
 * t_envelope: the envelope format.  Round trips for one and many
 * recipients; every single-byte flip and every truncation refused; a
 * trailing byte, the wrong recipient, a signature by another node, a label
 * swapped between two envelopes, a header re-signed by a relay, a
 * malleated signature and small-order keys refused; the inner label
 * check; size bounds; key agreements cached between envelopes: shared,
 * rotated, bounded, and a wrapped key moved between envelopes of one
 * batch refused.
 *
 * Batches (format 3) of 1, 2, 3, 5, 8, 255 and ENVELOPE_BATCH_MAX: each
 * path leads to the RFC 9162 root of the batch's ids, computed here by
 * the RFC's recursion rather than level by level as the library does, and
 * each member verifies and opens alone, with and without a cache.
 * Refused: 0 or ENVELOPE_BATCH_MAX + 1 drafts, a signed or an empty draft
 * (and then nothing signed); a path hash, an index or a count changed; a
 * path one hash too long or too short; an id swapped within the batch; a
 * root re-signed by a relay; a member carried with another batch's path
 * and signature; every flip and truncation of each member of a batch of
 * three.  The cache of verified roots never stands in for a check: a
 * signature changed after its root was cached, a root cached for another
 * key, more batches than it holds.
 *
 * Known answers, so that the format cannot drift: a batch of three from
 * fixed seeds (tests/data/TEST-ONLY-envelope-v3.txt), its tree and
 * signature also recomputed here by hand; and the format-2 vector
 * (tests/data/TEST-ONLY-envelope-v2.txt), which must still parse, verify
 * and open, as stored messages do.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/envelope.h"
#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "tests/tap.h"

#define KAT2_FILE	"tests/data/TEST-ONLY-envelope-v2.txt"
#define KAT3_FILE	"tests/data/TEST-ONLY-envelope-v3.txt"
#define KAT3_N		3

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define HASH_BYTES	ENVELOPE_ID_BYTES
/* Format 3's trailer after the path: u16 index, u16 count, id, signature. */
#define TAIL3_BYTES	(2 + 2 + ENVELOPE_TRAILER_BYTES)
/* What an origin signs: format 2, context || id; format 3, context ||
 * u16 count || root. */
#define SIG2_CONTEXT	"valise-envelope1"
#define SIG3_CONTEXT	"valise-envelope3"
#define SIG_CONTEXT_BYTES 16
#define SIG3_MESSAGE_BYTES (SIG_CONTEXT_BYTES + 2 + HASH_BYTES)
/* Room for the body of a member of a test batch, "batch member 256". */
#define MEMBER_BODY_MAX	32
/* Batches verified through one cache: more than it has root slots. */
#define CACHE_BATCHES	(ENVELOPE_KEYS_ROOT_SLOTS + 4)

struct signer {
	uint8_t	pk[PRIM_SIGN_PK_BYTES];
	uint8_t	sk[PRIM_SIGN_SK_BYTES];
};

struct boxkeys {
	uint8_t	pk[PRIM_BOX_PK_BYTES];
	uint8_t	sk[PRIM_BOX_SK_BYTES];
};

/* Fixed test keys: origin BE-MFA, recipient nodes BE-MFA, NL-MINBUZA,
 * FR-MEAE; a relay and an unrelated node that can sign. */
static struct signer origin, relay, other;
static struct boxkeys be, nl, fr;

static void
keys_init(void)
{
	uint8_t seed[32];

	memset(seed, 0x01, sizeof(seed));
	if (prim_sign_keypair(origin.pk, origin.sk, seed) != 0)
		BAIL_OUT("origin key");
	memset(seed, 0x09, sizeof(seed));
	if (prim_sign_keypair(relay.pk, relay.sk, seed) != 0)
		BAIL_OUT("relay key");
	memset(seed, 0x0a, sizeof(seed));
	if (prim_sign_keypair(other.pk, other.sk, seed) != 0)
		BAIL_OUT("other key");
	memset(seed, 0x02, sizeof(seed));
	if (prim_box_keypair(be.pk, be.sk, seed) != 0)
		BAIL_OUT("be key");
	memset(seed, 0x03, sizeof(seed));
	if (prim_box_keypair(nl.pk, nl.sk, seed) != 0)
		BAIL_OUT("nl key");
	memset(seed, 0x04, sizeof(seed));
	if (prim_box_keypair(fr.pk, fr.sk, seed) != 0)
		BAIL_OUT("fr key");
}

/* The node of an address, and the box keys of a test node. */
static const char *
node_of(const char *addr)
{
	const char *at = strchr(addr, '@');

	return at != NULL ? at + 1 : addr;
}

static const struct boxkeys *
boxkeys_of(const char *node)
{
	if (strcmp(node, "BE-MFA") == 0)
		return &be;
	if (strcmp(node, "NL-MINBUZA") == 0)
		return &nl;
	if (strcmp(node, "FR-MEAE") == 0)
		return &fr;
	BAIL_OUT("no keys for %s", node);
}

static struct envelope_params
params(const struct envelope_rcpt *r, size_t n, const char *label)
{
	struct envelope_params p = {
		.origin = "BE-MFA",
		.rcpts = r,
		.nrcpts = n,
		.label = label,
		.precedence = ENVELOPE_PRIORITY,
		.created = 1798761600,		/* 2027-01-01T00:00:00Z */
		.expires = 1798761600 + 86400,
	};
	return p;
}

/* Where a receiver refuses an envelope. */
enum stage {
	ACCEPTED,
	AT_PARSE,
	AT_VERIFY,
	AT_OPEN,
};

/* A receiving node, the body it expects, and the cache it verifies and
 * opens through (NULL: none, envelope_verify and envelope_open). */
struct receiver {
	const char		*node;
	const struct boxkeys	*k;
	const uint8_t		*body;
	size_t			 body_len;
	struct envelope_keys	*keys;
};

/*
 * Parse, verify with origin_pk and open as rc: 0 when all three pass and
 * the body is the one expected, else the first error; *at, if not NULL,
 * names the step that refused.
 */
static int
receive(const uint8_t *wire, size_t len, const uint8_t *origin_pk,
    const struct receiver *rc, enum stage *at)
{
	struct envelope *env = NULL;
	enum stage step = AT_PARSE;
	uint8_t *body = NULL;
	size_t body_len = 0;
	int ret;

	if ((ret = envelope_parse(wire, len, 0, &env)) != 0)
		goto out;
	step = AT_VERIFY;
	ret = rc->keys != NULL ?
	    envelope_verify_cached(env, origin_pk, rc->keys) :
	    envelope_verify(env, origin_pk);
	if (ret != 0)
		goto out;
	step = AT_OPEN;
	ret = rc->keys != NULL ?
	    envelope_open_cached(env, rc->node, rc->k->pk, rc->k->sk,
	    rc->keys, &body, &body_len) :
	    envelope_open(env, rc->node, rc->k->pk, rc->k->sk, &body,
	    &body_len);
	if (ret != 0)
		goto out;
	if (body_len != rc->body_len || (body_len > 0 &&
	    memcmp(body, rc->body, body_len) != 0))
		ret = -EPROTO;
	else
		step = ACCEPTED;
	envelope_body_free(&body, body_len);
out:
	envelope_free(&env);
	if (at != NULL)
		*at = step;
	return ret;
}

/*
 * Parse, verify with origin_pk and open as node: 0 when all three pass
 * and the body equals want, else the first error.
 */
static int
accept(const uint8_t *wire, size_t len, const uint8_t *origin_pk,
    const char *node, const struct boxkeys *k, const uint8_t *want,
    size_t want_len)
{
	const struct receiver rc = { node, k, want, want_len, NULL };

	return receive(wire, len, origin_pk, &rc, NULL);
}

/* envelope_parse()'s answer for wire[0..len). */
static int
parse_err(const uint8_t *wire, size_t len)
{
	struct envelope *env = NULL;
	int ret;

	ret = envelope_parse(wire, len, 0, &env);
	envelope_free(&env);
	return ret;
}

/*
 * The tree of format 3, written again here from docs/protocol.md so that
 * the library and the tests must agree: leaf = H(0 || id), node = H(1 ||
 * left || right), H being BLAKE2b-256.
 */
static void
tree_leaf(uint8_t h[HASH_BYTES], const uint8_t *id)
{
	uint8_t in[1 + HASH_BYTES];

	in[0] = 0x00;
	memcpy(in + 1, id, HASH_BYTES);
	if (prim_hash(h, HASH_BYTES, in, sizeof(in), NULL, 0) != 0)
		BAIL_OUT("hash");
}

/* h may be left or right: both are copied before it is written. */
static void
tree_node(uint8_t h[HASH_BYTES], const uint8_t *left, const uint8_t *right)
{
	uint8_t in[1 + 2 * HASH_BYTES];

	in[0] = 0x01;
	memcpy(in + 1, left, HASH_BYTES);
	memcpy(in + 1 + HASH_BYTES, right, HASH_BYTES);
	if (prim_hash(h, HASH_BYTES, in, sizeof(in), NULL, 0) != 0)
		BAIL_OUT("hash");
}

/*
 * RFC 9162's MTH of ids[0..n), n >= 1, by its recursion (split at the
 * largest power of two below n), where the library builds the tree level
 * by level: the same tree by another road.
 */
static void
tree_root(uint8_t h[HASH_BYTES], const uint8_t (*ids)[HASH_BYTES], size_t n)
{
	uint8_t left[HASH_BYTES], right[HASH_BYTES];
	size_t k;

	if (n == 1) {
		tree_leaf(h, ids[0]);
		return;
	}
	for (k = 1; 2 * k < n; k *= 2)
		;
	tree_root(left, ids, k);
	tree_root(right, ids + k, n - k);
	tree_node(h, left, right);
}

/* Hashes on the path of leaf index of count: a sibling at every level
 * but where the node is the odd last one, which moves up unchanged. */
static size_t
tree_path_len(size_t index, size_t count)
{
	size_t n = 0;

	for (; count > 1; index /= 2, count = (count + 1) / 2)
		if ((index ^ 1) < count)
			n++;
	return n;
}

/* Where the fields of an envelope's trailer lie, format 2 or 3 (offsets;
 * the id covers what lies before path). */
struct trailer {
	unsigned	version;
	size_t		index, count, npath;
	size_t		path, at_index, id, sig;
};

static void
trailer_of(const uint8_t *w, size_t len, struct trailer *t)
{
	memset(t, 0, sizeof(*t));
	if (len < ENVELOPE_MAGIC_BYTES + 1 + TAIL3_BYTES)
		BAIL_OUT("an envelope of %zu bytes", len);
	t->version = w[ENVELOPE_MAGIC_BYTES];
	t->id = len - ENVELOPE_TRAILER_BYTES;
	t->sig = len - PRIM_SIG_BYTES;
	if (t->version == 2) {
		t->path = t->id;
		return;
	}
	t->at_index = len - TAIL3_BYTES;
	t->index = (size_t)w[t->at_index] << 8 | w[t->at_index + 1];
	t->count = (size_t)w[t->at_index + 2] << 8 | w[t->at_index + 3];
	t->npath = tree_path_len(t->index, t->count);
	if (t->at_index < t->npath * HASH_BYTES)
		BAIL_OUT("no room for a path of %zu", t->npath);
	t->path = t->at_index - t->npath * HASH_BYTES;
}

static void
put_u16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The root the path of w leads to from the leaf of its id. */
static void
path_root(const uint8_t *w, const struct trailer *t,
    uint8_t root[HASH_BYTES])
{
	const uint8_t *p = w + t->path;
	size_t idx = t->index, width = t->count;

	tree_leaf(root, w + t->id);
	for (; width > 1; idx /= 2, width = (width + 1) / 2) {
		if ((idx ^ 1) >= width)
			continue;
		if (idx & 1)
			tree_node(root, p, root);
		else
			tree_node(root, root, p);
		p += HASH_BYTES;
	}
}

static void
sig3_message(uint8_t m[SIG3_MESSAGE_BYTES], size_t count,
    const uint8_t *root)
{
	memcpy(m, SIG3_CONTEXT, SIG_CONTEXT_BYTES);
	put_u16(m + SIG_CONTEXT_BYTES, count);
	memcpy(m + SIG_CONTEXT_BYTES + 2, root, HASH_BYTES);
}

/* What the origin of w signs, into m; its length. */
static size_t
signed_message(const uint8_t *w, const struct trailer *t,
    uint8_t m[SIG3_MESSAGE_BYTES])
{
	uint8_t root[HASH_BYTES];

	if (t->version == 2) {
		memcpy(m, SIG2_CONTEXT, SIG_CONTEXT_BYTES);
		memcpy(m + SIG_CONTEXT_BYTES, w + t->id, HASH_BYTES);
		return SIG_CONTEXT_BYTES + HASH_BYTES;
	}
	path_root(w, t, root);
	sig3_message(m, t->count, root);
	return SIG3_MESSAGE_BYTES;
}

/*
 * Recompute the id of an edited envelope and sign it with sk, as a relay
 * or forger holding some Ed25519 key can: format 2 signs the id, format 3
 * the count and the root the envelope's own path leads to (for a batch
 * of one, the leaf of the id).
 */
static void
resign(uint8_t *wire, size_t len, const uint8_t *sk)
{
	uint8_t m[SIG3_MESSAGE_BYTES];
	struct trailer t;
	size_t mlen;

	trailer_of(wire, len, &t);
	if (prim_hash(wire + t.id, HASH_BYTES, wire, t.path, NULL, 0) != 0)
		BAIL_OUT("hash");
	mlen = signed_message(wire, &t, m);
	if (prim_sign(wire + t.sig, m, mlen, sk) != 0)
		BAIL_OUT("sign");
}

/* Add L, the order of the Ed25519 base point, to the S half of sig: the
 * same equation holds, with another encoding (malleability). */
static void
sig_add_order(uint8_t *sig)
{
	/* L, little-endian. */
	static const uint8_t L[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63,
	    0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	unsigned sum, carry = 0;
	size_t i;

	for (i = 0; i < 32; i++) {
		sum = (unsigned)sig[32 + i] + L[i] + carry;
		sig[32 + i] = (uint8_t)sum;
		carry = sum >> 8;
	}
}

/* Offset of the label's length prefix in a parsed envelope's header. */
static size_t
label_offset(const struct envelope_info *in)
{
	size_t off = ENVELOPE_MAGIC_BYTES + 1 + 1 + strlen(in->origin) + 1, i;

	for (i = 0; i < in->nrcpts; i++)
		off += 1 + strlen(in->rcpts[i]);
	return off;
}

/*
 * Count the single-byte flips (0x01 and 0xff) and the truncations of
 * w[0..len) that rc still accepts from the origin.
 */
static void
count_edits(const uint8_t *w, size_t len, const struct receiver *rc,
    size_t *flips_ok, size_t *cuts_ok)
{
	static const uint8_t masks[] = { 0x01, 0xff };
	uint8_t *copy;
	size_t i, m;

	*flips_ok = *cuts_ok = 0;
	if ((copy = malloc(len)) == NULL)
		BAIL_OUT("malloc");
	for (i = 0; i < len; i++)
		for (m = 0; m < NITEMS(masks); m++) {
			memcpy(copy, w, len);
			copy[i] ^= masks[m];
			if (receive(copy, len, origin.pk, rc, NULL) == 0)
				(*flips_ok)++;
		}
	for (i = 0; i < len; i++)
		if (receive(w, i, origin.pk, rc, NULL) == 0)
			(*cuts_ok)++;
	free(copy);
}

static void
test_round_trips(void)
{
	struct envelope_rcpt one[] = { { "alice@NL-MINBUZA", nl.pk } };
	struct envelope_rcpt many[ENVELOPE_RECIPIENTS_MAX + 1];
	char addrs[ENVELOPE_RECIPIENTS_MAX + 1][16];
	struct envelope_params p =
	    params(one, 1, "NATO SECRET//REL TO BEL,NLD");
	const struct envelope_info *in;
	struct envelope *env = NULL;
	uint8_t *wire = NULL, *body = NULL, id[ENVELOPE_ID_BYTES];
	size_t len, body_len, i;
	const char msg[] = "Rendez-vous au Berlaymont, 14h.";
	int bad;

	is(envelope_seal(&p, origin.sk, (const uint8_t *)msg, sizeof(msg),
	    &wire, &len, id), 0, "seal to one recipient");
	is(envelope_parse(wire, len, 0, &env), 0, "parse it");
	in = envelope_info(env);
	is(in->version, 3, "sealed as format 3");
	is_str(in->origin, "BE-MFA", "origin");
	is(in->nrcpts, 1, "one recipient");
	is_str(in->rcpts[0], "alice@NL-MINBUZA", "recipient address");
	is_str(in->nodes[0], "NL-MINBUZA", "recipient node");
	is_str(in->label, "NATO SECRET//REL TO BEL,NLD", "label");
	is(in->precedence, ENVELOPE_PRIORITY, "precedence");
	is(in->created, 1798761600, "created");
	is(in->expires, 1798761600 + 86400, "expires");
	is(in->body_len, sizeof(msg), "body length");
	is_mem(in->id, id, sizeof(id), "the id seal returned is the parsed id");
	ok(!envelope_expired(env, 1798761600 + 86399), "not yet expired");
	ok(envelope_expired(env, 1798761600 + 86400), "expired at expires");
	ok(envelope_has_node(env, "NL-MINBUZA"), "has its node");
	ok(!envelope_has_node(env, "BE-MFA"), "not another");
	is(envelope_open(env, "NL-MINBUZA", nl.pk, nl.sk, &body, &body_len),
	    -EPERM, "opening before verifying is refused");
	ok(body == NULL && body_len == 0, "and gives nothing");
	is(envelope_verify(env, origin.pk), 0, "verify with the origin's key");
	is(envelope_open(env, "NL-MINBUZA", nl.pk, nl.sk, &body, &body_len),
	    0, "open as the recipient node");
	ok(body_len == sizeof(msg) && memcmp(body, msg, sizeof(msg)) == 0,
	    "the body comes back");
	envelope_body_free(&body, body_len);
	ok(body == NULL, "body_free clears the pointer");
	envelope_free(&env);
	ok(env == NULL, "envelope_free clears the pointer");
	envelope_free(&env);
	free(wire);

	/* 32 recipients on three nodes, several users per node. */
	for (i = 0; i <= ENVELOPE_RECIPIENTS_MAX; i++) {
		const char *node = i % 3 == 0 ? "BE-MFA" : i % 3 == 1 ?
		    "NL-MINBUZA" : "FR-MEAE";

		snprintf(addrs[i], sizeof(addrs[i]), "u%zu@%s", i, node);
		if (i == 5)
			snprintf(addrs[i], sizeof(addrs[i]), "FR-MEAE");
		many[i].addr = addrs[i];
		many[i].box_pk = i % 3 == 0 ? be.pk : i % 3 == 1 ? nl.pk :
		    fr.pk;
	}
	p = params(many, ENVELOPE_RECIPIENTS_MAX, "BE:GEHEIM");
	is(envelope_seal(&p, origin.sk, (const uint8_t *)msg, sizeof(msg),
	    &wire, &len, NULL), 0, "seal to 32 recipients on 3 nodes");
	is(envelope_parse(wire, len, 0, &env), 0, "parse it");
	is(envelope_info(env)->nnodes, 3, "three wrapped keys");
	envelope_free(&env);
	bad = 0;
	bad += accept(wire, len, origin.pk, "BE-MFA", &be,
	    (const uint8_t *)msg, sizeof(msg)) != 0;
	bad += accept(wire, len, origin.pk, "NL-MINBUZA", &nl,
	    (const uint8_t *)msg, sizeof(msg)) != 0;
	bad += accept(wire, len, origin.pk, "FR-MEAE", &fr,
	    (const uint8_t *)msg, sizeof(msg)) != 0;
	is(bad, 0, "each of the three nodes opens it");
	free(wire);
	p.nrcpts = ENVELOPE_RECIPIENTS_MAX + 1;
	is(envelope_seal(&p, origin.sk, (const uint8_t *)msg, sizeof(msg),
	    &wire, &len, NULL), -EINVAL, "33 recipients refused");
	ok(wire == NULL && len == 0, "and nothing returned");

	/* An empty body is allowed. */
	p = params(one, 1, "BE:NON CLASSIFIE");
	is(envelope_seal(&p, origin.sk, NULL, 0, &wire, &len, NULL), 0,
	    "seal an empty body");
	is(accept(wire, len, origin.pk, "NL-MINBUZA", &nl, NULL, 0), 0,
	    "and open it");
	free(wire);
}

static void
test_seal_refusals(void)
{
	struct envelope_rcpt r[2] = { { "alice@BE-MFA", be.pk },
	    { "alice@BE-MFA", be.pk } };
	uint8_t small[PRIM_BOX_PK_BYTES] = { 0 }, *wire = NULL, b = 0;
	struct envelope_params p = params(r, 2, "BE:GEHEIM");
	size_t len;

	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "a duplicate recipient is refused");
	r[1].addr = "bob@BE-MFA";
	r[1].box_pk = nl.pk;
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "two keys for one node are refused");
	r[1].box_pk = be.pk;
	p.label = "BE:GEHEIM\n";
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "a label with a control byte is refused");
	p.label = "";
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "an empty label is refused");
	p.label = "BE:GEHEIM";
	p.expires = p.created;
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "expires not after created is refused");
	p = params(r, 2, "BE:GEHEIM");
	p.precedence = (enum envelope_precedence)4;
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "an unknown precedence is refused");
	p = params(r, 2, "BE:GEHEIM");
	p.origin = "be-mfa";
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "an invalid origin name is refused");
	p = params(r, 2, "BE:GEHEIM");
	is(envelope_seal(&p, origin.sk, &b, ENVELOPE_BODY_MAX + 1, &wire, &len,
	    NULL), -EMSGSIZE, "a body above ENVELOPE_BODY_MAX is refused");
	r[0].box_pk = r[1].box_pk = small;
	is(envelope_seal(&p, origin.sk, &b, 1, &wire, &len, NULL), -EINVAL,
	    "a small-order recipient key is refused");
	ok(wire == NULL, "nothing returned on refusal");
}

/* A ~1 KiB envelope to two nodes for the exhaustive tests. */
static uint8_t body1k[700];

static int
seal_1k(uint8_t **wire, size_t *len, const char *label)
{
	struct envelope_rcpt r[] = { { "alice@NL-MINBUZA", nl.pk },
	    { "bob@FR-MEAE", fr.pk }, { "carol@NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 3, label);

	return envelope_seal(&p, origin.sk, body1k, sizeof(body1k), wire, len,
	    NULL);
}

static void
test_exhaustive(void)
{
	const struct receiver rc = { "NL-MINBUZA", &nl, body1k,
	    sizeof(body1k), NULL };
	uint8_t *wire, *copy;
	size_t len, flips_ok, cuts_ok;

	memset(body1k, 'm', sizeof(body1k));
	if (seal_1k(&wire, &len, "NATO SECRET//ATOMAL") != 0)
		BAIL_OUT("seal");
	ok(len > 1000 && len < 1200, "a %zu-byte envelope", len);
	is(receive(wire, len, origin.pk, &rc, NULL), 0, "it opens untouched");
	count_edits(wire, len, &rc, &flips_ok, &cuts_ok);
	is(flips_ok, 0, "every single-byte flip (0x01 and 0xff) of all %zu "
	    "bytes is refused", len);
	is(cuts_ok, 0, "every truncation length 0..%zu is refused", len - 1);
	if ((copy = malloc(len + 1)) == NULL)
		BAIL_OUT("malloc");
	memcpy(copy, wire, len);
	copy[len] = 0;
	is(receive(copy, len + 1, origin.pk, &rc, NULL), -EBADMSG,
	    "a trailing byte is refused");
	free(copy);
	free(wire);
}

static void
test_forgeries(void)
{
	struct envelope_rcpt r[] = { { "alice@NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 1, "BE:GEHEIM");
	struct envelope *env = NULL;
	uint8_t *a, *b, *body = NULL, ida[ENVELOPE_ID_BYTES], *sig;
	uint8_t small[PRIM_SIGN_PK_BYTES] = { 1 };
	size_t alen, blen, body_len, off;
	const uint8_t *wire;
	const char msg[] = "body";

	/* Wrong recipient. */
	if (envelope_seal(&p, origin.sk, (const uint8_t *)msg, sizeof(msg),
	    &a, &alen, ida) != 0)
		BAIL_OUT("seal");
	is(accept(a, alen, origin.pk, "FR-MEAE", &fr, NULL, 0), -ENOENT,
	    "a node that is not a recipient cannot open");
	is(accept(a, alen, origin.pk, "NL-MINBUZA", &fr, NULL, 0), -EBADMSG,
	    "the recipient's name with another node's key cannot open");

	/* Signed by another node's key, claiming to be BE-MFA. */
	if (envelope_seal(&p, other.sk, (const uint8_t *)msg, sizeof(msg),
	    &b, &blen, NULL) != 0)
		BAIL_OUT("seal");
	is(accept(b, blen, origin.pk, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "an envelope signed by another node's key is refused");
	free(b);

	/* A relay re-signs an unchanged envelope: the id is unchanged. */
	if ((b = malloc(alen)) == NULL)
		BAIL_OUT("malloc");
	memcpy(b, a, alen);
	resign(b, alen, relay.sk);
	ok(memcmp(b + alen - ENVELOPE_TRAILER_BYTES, ida, sizeof(ida)) == 0,
	    "re-signing keeps the message id (de-duplication catches it)");
	is(accept(b, alen, origin.pk, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "and the relay's signature does not pass as the origin's");

	/* A relay edits the header (later expiry) and re-signs it. */
	if (envelope_parse(a, alen, 0, &env) != 0)
		BAIL_OUT("parse");
	off = label_offset(envelope_info(env)) + 2 + strlen("BE:GEHEIM") +
	    1 + 8 + 7;
	envelope_free(&env);
	memcpy(b, a, alen);
	b[off] ^= 0x40;			/* low byte of expires */
	resign(b, alen, relay.sk);
	is(envelope_parse(b, alen, 0, &env), 0,
	    "a relay-edited, relay-signed envelope parses");
	ok(memcmp(envelope_info(env)->id, ida, sizeof(ida)) != 0,
	    "with another message id");
	is(envelope_verify(env, origin.pk), -EBADMSG,
	    "and does not verify as the origin's");
	is(envelope_verify(env, relay.pk), 0,
	    "it verifies only as the relay's own");
	is(envelope_open(env, "NL-MINBUZA", nl.pk, nl.sk, &body, &body_len),
	    -EBADMSG, "and even then the body (header as AD) does not open");
	envelope_free(&env);

	/* Malleated signature: S + L. */
	memcpy(b, a, alen);
	sig_add_order(b + alen - PRIM_SIG_BYTES);
	is(accept(b, alen, origin.pk, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "a malleated signature (S + L) is refused");
	if (envelope_parse(b, alen, 0, &env) != 0)
		BAIL_OUT("parse");
	wire = envelope_wire(env, &off);
	ok(off == alen && memcmp(wire + alen - ENVELOPE_TRAILER_BYTES, ida,
	    sizeof(ida)) == 0, "and its id is the original's (no new id)");
	envelope_free(&env);

	/* Small-order key: identity point with R = identity, S = 0 verifies
	 * any message under a lax verifier. */
	memcpy(b, a, alen);
	sig = b + alen - PRIM_SIG_BYTES;
	memset(sig, 0, PRIM_SIG_BYTES);
	sig[0] = 1;
	is(accept(b, alen, small, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "a small-order origin key with the trivial signature is refused");
	is(accept(a, alen, small, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "a small-order origin key is refused for a real envelope");
	memset(small, 0, sizeof(small));
	is(accept(a, alen, small, "NL-MINBUZA", &nl, NULL, 0), -EBADMSG,
	    "the all-zero origin key is refused");
	free(b);
	free(a);
}

static void
test_label_swap(void)
{
	uint8_t *a, *b, *c;
	size_t alen, blen, off;
	struct envelope *env = NULL;

	/* Two envelopes whose labels have the same length. */
	memset(body1k, 'm', sizeof(body1k));
	if (seal_1k(&a, &alen, "BE:GEHEIM") != 0 ||
	    seal_1k(&b, &blen, "BE:SECRET") != 0 || alen != blen)
		BAIL_OUT("seal");
	if (envelope_parse(a, alen, 0, &env) != 0)
		BAIL_OUT("parse");
	off = label_offset(envelope_info(env)) + 2;
	envelope_free(&env);
	if ((c = malloc(alen)) == NULL)
		BAIL_OUT("malloc");
	memcpy(c, a, alen);
	memcpy(c + off, b + off, strlen("BE:SECRET"));
	is(envelope_parse(c, alen, 0, &env), -EBADMSG,
	    "a label copied from another envelope breaks the id");
	resign(c, alen, relay.sk);
	is(accept(c, alen, origin.pk, "NL-MINBUZA", &nl, body1k,
	    sizeof(body1k)), -EBADMSG,
	    "and with a recomputed id the origin signature fails");
	resign(c, alen, origin.sk);
	is(accept(c, alen, origin.pk, "NL-MINBUZA", &nl, body1k,
	    sizeof(body1k)), -EBADMSG,
	    "even re-signed by the origin's key the body (AD) does not open");
	free(a);
	free(b);
	free(c);
}

/*
 * A buggy or malicious origin puts one label outside and another inside:
 * the receiver must refuse with -EPROTO (quarantine, labels.md section 5).
 */
static void
test_inner_label(void)
{
	struct envelope_rcpt r[] = { { "NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 1, "BE:SECRET");
	uint8_t key[32], nonce[24], seed[32], *w, *ct, *pt;
	struct envelope_fixed fx = { key, nonce, seed };
	struct envelope *env = NULL;
	size_t len, hlen, ctlen;
	uint8_t *body = NULL;
	size_t body_len = 0;
	const char msg[] = "inner";

	memset(key, 0x11, sizeof(key));
	memset(nonce, 0x12, sizeof(nonce));
	memset(seed, 0x13, sizeof(seed));
	if (envelope_seal_fixed(&p, origin.sk, (const uint8_t *)msg,
	    sizeof(msg), &fx, &w, &len, NULL) != 0)
		BAIL_OUT("seal");
	hlen = 4 + 1 + 1 + 6 + 1 + 1 + 10 + 2 + 9 + 1 + 8 + 8 + 24 + 4;
	ct = w + hlen + ENVELOPE_WRAPPED_BYTES;
	ctlen = 2 + 9 + sizeof(msg) + PRIM_AEAD_TAG_BYTES;
	if ((pt = malloc(ctlen)) == NULL ||
	    prim_aead_open(pt, ct, ctlen, w, hlen, nonce, key) != 0)
		BAIL_OUT("decrypt");
	ok(memcmp(pt, "\0\x09" "BE:SECRET", 11) == 0,
	    "the ciphertext holds the label again");
	memcpy(pt + 2, "BE:GEHEIM", 9);
	if (prim_aead_seal(ct, pt, ctlen - PRIM_AEAD_TAG_BYTES, w, hlen, nonce,
	    key) != 0)
		BAIL_OUT("encrypt");
	resign(w, len, origin.sk);
	is(envelope_parse(w, len, 0, &env), 0, "parses");
	is(envelope_verify(env, origin.pk), 0, "verifies (origin signed it)");
	is(envelope_open(env, "NL-MINBUZA", nl.pk, nl.sk, &body, &body_len),
	    -EPROTO, "an inner label unlike the outer one is refused");
	ok(body == NULL && body_len == 0, "with no plaintext returned");
	envelope_free(&env);
	free(pt);
	free(w);
}

static void
test_bounds(void)
{
	struct envelope_rcpt r[] = { { "NL-MINBUZA", nl.pk } };
	struct envelope_params p = params(r, 1, "BE:SECRET");
	struct envelope *env = NULL;
	uint8_t *big, *w, ver;
	size_t len;

	if ((big = calloc(1, ENVELOPE_BODY_MAX)) == NULL)
		BAIL_OUT("calloc");
	is(envelope_seal(&p, origin.sk, big, ENVELOPE_BODY_MAX, &w, &len,
	    NULL), 0, "a 16 MiB body seals");
	is(accept(w, len, origin.pk, "NL-MINBUZA", &nl, big,
	    ENVELOPE_BODY_MAX), 0, "and opens");
	is(envelope_parse(w, len, ENVELOPE_BODY_MAX - 1, &env), -EMSGSIZE,
	    "a node bounding bodies lower refuses it");
	is(envelope_parse(w, len, 1024, &env), -EMSGSIZE,
	    "before reading it (whole size above the bound)");
	is(envelope_parse(w, len, ENVELOPE_BODY_MAX + 1, &env), -EINVAL,
	    "a bound above ENVELOPE_BODY_MAX is a caller error");
	ok(env == NULL, "no envelope on failure");
	free(w);
	free(big);

	if (envelope_seal(&p, origin.sk, (const uint8_t *)"x", 1, &w,
	    &len, NULL) != 0)
		BAIL_OUT("seal");
	ver = w[4];
	w[4] = 1;
	is(envelope_parse(w, len, 0, &env), -EPROTONOSUPPORT,
	    "format 1 (a sealed box per key) is named as unsupported");
	w[4] = 4;
	is(envelope_parse(w, len, 0, &env), -EPROTONOSUPPORT,
	    "another format version (4) is named as such");
	w[4] = 2;
	is(envelope_parse(w, len, 0, &env), -EBADMSG,
	    "a format-3 envelope relabelled as format 2 is refused");
	w[4] = ver;
	is(envelope_parse(w, len, 1, &env), 0, "a 1-byte bound admits 1 byte");
	envelope_free(&env);
	free(w);
	is(envelope_parse(NULL, 0, 0, &env), -EBADMSG, "empty input refused");
}

static const char *
kat_path(const char *file)
{
	static char path[4096];
	const char *src = getenv("VALISE_SRC");

	if (snprintf(path, sizeof(path), "%s/%s", src ? src : ".", file) >=
	    (int)sizeof(path))
		BAIL_OUT("path too long");
	return path;
}

/* The n (id, envelope) pairs of a vector file, in hex, malloc'd. */
static void
kat_read(const char *file, char **ids, char **envs, size_t n)
{
	char line[16384];
	size_t nids = 0, nenvs = 0, i;
	FILE *f;

	if ((f = fopen(kat_path(file), "r")) == NULL)
		BAIL_OUT("cannot read %s", kat_path(file));
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "id ", 3) == 0 && nids++ < n)
			ids[nids - 1] = strdup(line + 3);
		else if (strncmp(line, "envelope ", 9) == 0 && nenvs++ < n)
			envs[nenvs - 1] = strdup(line + 9);
	}
	fclose(f);
	if (nids != n || nenvs != n)
		BAIL_OUT("malformed %s", kat_path(file));
	for (i = 0; i < n; i++)
		if (ids[i] == NULL || envs[i] == NULL)
			BAIL_OUT("strdup");
}

static void
kat_free(char **ids, char **envs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ids[i]);
		free(envs[i]);
	}
}

/* The bytes of hex, malloc'd. */
static uint8_t *
from_hex(const char *hex, size_t *len)
{
	uint8_t *w;

	*len = strlen(hex) / 2;
	if ((w = malloc(*len)) == NULL ||
	    prim_from_hex(w, *len, hex, 2 * *len) != 0)
		BAIL_OUT("hex");
	return w;
}

/*
 * The vector of format 2, written when envelopes were signed one by one:
 * sealing no longer makes it, but stored messages are in it, so its
 * bytes must still parse, verify and open, and refuse what they refused.
 */
static void
test_known_answer_v2(void)
{
	const char msg[] = "Known-answer body for valise envelope format 2.\n";
	struct receiver rc = { "FR-MEAE", &fr, (const uint8_t *)msg,
	    sizeof(msg) - 1, NULL };
	char *want_id, *want_env, idhex[2 * HASH_BYTES + 1];
	struct envelope *env = NULL;
	uint8_t *w, *b;
	size_t len, flips_ok, cuts_ok;
	struct trailer t;

	kat_read(KAT2_FILE, &want_id, &want_env, 1);
	w = from_hex(want_env, &len);
	is(envelope_parse(w, len, 0, &env), 0, "the format-2 vector parses");
	is(envelope_info(env)->version, 2, "as format 2");
	prim_to_hex(idhex, envelope_info(env)->id, HASH_BYTES);
	is_str(idhex, want_id, "with the vector's message id");
	envelope_free(&env);
	is(receive(w, len, origin.pk, &rc, NULL), 0,
	    "the vector opens for FR-MEAE");
	rc.node = "NL-MINBUZA";
	rc.k = &nl;
	is(receive(w, len, origin.pk, &rc, NULL), 0, "and for NL-MINBUZA");
	if (envelope_keys_new(&rc.keys) != 0)
		BAIL_OUT("envelope_keys_new");
	is(receive(w, len, origin.pk, &rc, NULL), 0, "and through a cache");
	count_edits(w, len, &rc, &flips_ok, &cuts_ok);
	is(flips_ok + cuts_ok, 0,
	    "every single-byte flip and truncation of it is refused");
	envelope_keys_free(&rc.keys);

	if ((b = malloc(len)) == NULL)
		BAIL_OUT("malloc");
	memcpy(b, w, len);
	resign(b, len, relay.sk);
	trailer_of(b, len, &t);
	ok(memcmp(b + t.id, w + t.id, HASH_BYTES) == 0 &&
	    receive(b, len, origin.pk, &rc, NULL) == -EBADMSG,
	    "re-signed by a relay it keeps its id, and is refused as the "
	    "origin's");
	is(receive(b, len, relay.pk, &rc, NULL), 0,
	    "it passes only as the relay's own");
	free(b);
	free(w);
	kat_free(&want_id, &want_env, 1);
}

/* The batch of the format-3 vector: three envelopes, the first to two
 * nodes (two ephemeral seeds), each with its own randomness. */
static const struct kat3_member {
	const char			*addrs[2];	/* or one, NULL */
	const char			*label;
	enum envelope_precedence	 precedence;
	const char			*body;
} kat3[KAT3_N] = {
	{ { "alice@NL-MINBUZA", "FR-MEAE" }, "NATO SECRET//REL TO BEL,FRA,NLD",
	    ENVELOPE_FLASH,
	    "Known-answer body 0 for valise envelope format 3.\n" },
	{ { "FR-MEAE", NULL }, "BE:GEHEIM", ENVELOPE_IMMEDIATE,
	    "Known-answer body 1 for valise envelope format 3.\n" },
	{ { "bob@NL-MINBUZA", NULL }, "NATO SECRET//ATOMAL//REL TO BEL,NLD",
	    ENVELOPE_ROUTINE,
	    "Known-answer body 2 for valise envelope format 3.\n" },
};

/* Draft the members of kat3 with fixed randomness: body key 0x31 + i,
 * nonce 0x41 + i, ephemeral seeds 0x51 + 2i and 0x52 + 2i. */
static void
kat3_draft(struct envelope_draft dr[KAT3_N])
{
	uint8_t key[ENVELOPE_KEY_BYTES], nonce[ENVELOPE_NONCE_BYTES];
	uint8_t seeds[2 * PRIM_BOX_SEED_BYTES];
	const struct envelope_fixed fx = { key, nonce, seeds };
	struct envelope_rcpt r[2];
	struct envelope_params p;
	size_t i, n;

	for (i = 0; i < KAT3_N; i++) {
		for (n = 0; n < 2 && kat3[i].addrs[n] != NULL; n++) {
			r[n].addr = kat3[i].addrs[n];
			r[n].box_pk = boxkeys_of(node_of(r[n].addr))->pk;
		}
		p = params(r, n, kat3[i].label);
		p.precedence = kat3[i].precedence;
		memset(key, 0x31 + (int)i, sizeof(key));
		memset(nonce, 0x41 + (int)i, sizeof(nonce));
		memset(seeds, 0x51 + 2 * (int)i, PRIM_BOX_SEED_BYTES);
		memset(seeds + PRIM_BOX_SEED_BYTES, 0x52 + 2 * (int)i,
		    PRIM_BOX_SEED_BYTES);
		if (envelope_draft_fixed(&p, (const uint8_t *)kat3[i].body,
		    strlen(kat3[i].body), &fx, &dr[i]) != 0)
			BAIL_OUT("draft %zu", i);
	}
}

/* Rewrite the format-3 vector: only for a deliberate format change,
 * with a version bump. */
static void
kat3_write(const struct envelope_draft dr[KAT3_N], char *const hex[KAT3_N])
{
	char idhex[2 * HASH_BYTES + 1];
	size_t i;
	FILE *f;

	if ((f = fopen(kat_path(KAT3_FILE), "w")) == NULL)
		BAIL_OUT("cannot write %s", kat_path(KAT3_FILE));
	fprintf(f,
	    "# TEST-ONLY known-answer vector, envelope format 3: a batch of "
	    "three signed\n# together.  Keys, body keys, nonces and ephemeral "
	    "seeds are fixed in\n# tests/t_envelope.c (kat3, kat3_draft).  "
	    "Never edit: a change here is a\n# format change.\n");
	for (i = 0; i < KAT3_N; i++) {
		prim_to_hex(idhex, dr[i].id, HASH_BYTES);
		fprintf(f, "id %s\nenvelope %s\n", idhex, hex[i]);
	}
	if (fclose(f) != 0)
		BAIL_OUT("cannot write %s", kat_path(KAT3_FILE));
	note("wrote %s", kat_path(KAT3_FILE));
}

/*
 * The tree of the vector's batch by hand, with no loop to share a mistake
 * with the library: L0, L1, L2 the leaves, L2 the odd node that moves up,
 * root = H(1 || H(1 || L0 || L1) || L2).  Each member carries its
 * siblings leaf-up, and the one signature is over "valise-envelope3" ||
 * 0x0003 || root.
 */
static void
kat3_tree(uint8_t *const w[KAT3_N], const size_t len[KAT3_N])
{
	uint8_t leaf[KAT3_N][HASH_BYTES], n01[HASH_BYTES], root[HASH_BYTES];
	uint8_t m[SIG3_MESSAGE_BYTES];
	struct trailer t[KAT3_N];
	bool placed = true;
	size_t i;

	for (i = 0; i < KAT3_N; i++) {
		trailer_of(w[i], len[i], &t[i]);
		tree_leaf(leaf[i], w[i] + t[i].id);
		placed = placed && t[i].index == i && t[i].count == KAT3_N;
	}
	tree_node(n01, leaf[0], leaf[1]);
	tree_node(root, n01, leaf[2]);
	ok(placed && t[0].npath == 2 && t[1].npath == 2 && t[2].npath == 1 &&
	    memcmp(w[0] + t[0].path, leaf[1], HASH_BYTES) == 0 &&
	    memcmp(w[0] + t[0].path + HASH_BYTES, leaf[2], HASH_BYTES) == 0 &&
	    memcmp(w[1] + t[1].path, leaf[0], HASH_BYTES) == 0 &&
	    memcmp(w[1] + t[1].path + HASH_BYTES, leaf[2], HASH_BYTES) == 0 &&
	    memcmp(w[2] + t[2].path, n01, HASH_BYTES) == 0,
	    "members 0, 1, 2 of 3 carry the paths (L1, L2), (L0, L2) and "
	    "(H(1 || L0 || L1))");
	memcpy(m, "valise-envelope3", 16);
	m[16] = 0x00;
	m[17] = 0x03;
	memcpy(m + 18, root, HASH_BYTES);
	ok(memcmp(w[0] + t[0].sig, w[1] + t[1].sig, PRIM_SIG_BYTES) == 0 &&
	    memcmp(w[0] + t[0].sig, w[2] + t[2].sig, PRIM_SIG_BYTES) == 0 &&
	    prim_verify(w[0] + t[0].sig, m, sizeof(m), origin.pk) == 0,
	    "and one signature, over valise-envelope3 || 0x0003 || "
	    "H(1 || H(1 || L0 || L1) || L2)");
}

/*
 * The known answer of format 3: fixed keys (above), and the fixed
 * randomness of kat3_draft.  With VALISE_KAT_WRITE=1 the vector is
 * (re)written.
 */
static void
test_known_answer_v3(void)
{
	struct envelope_draft dr[KAT3_N];
	char *want_id[KAT3_N], *want_env[KAT3_N], *hex[KAT3_N];
	char idhex[2 * HASH_BYTES + 1];
	uint8_t *w[KAT3_N];
	size_t len[KAT3_N], i, j, refused;
	struct receiver rc;

	kat3_draft(dr);
	is(envelope_sign_batch(dr, KAT3_N, origin.sk), 0,
	    "three fixed-randomness drafts sign as one batch");
	for (i = 0; i < KAT3_N; i++) {
		if ((hex[i] = malloc(2 * dr[i].len + 1)) == NULL)
			BAIL_OUT("malloc");
		prim_to_hex(hex[i], dr[i].wire, dr[i].len);
	}
	if (getenv("VALISE_KAT_WRITE") != NULL)
		kat3_write(dr, hex);
	kat_read(KAT3_FILE, want_id, want_env, KAT3_N);
	for (i = 0; i < KAT3_N; i++) {
		prim_to_hex(idhex, dr[i].id, HASH_BYTES);
		is_str(idhex, want_id[i],
		    "member %zu: the message id matches the vector", i);
		is(strlen(hex[i]), strlen(want_env[i]),
		    "member %zu: the envelope length matches", i);
		is_mem(hex[i], want_env[i], strlen(hex[i]) <
		    strlen(want_env[i]) ? strlen(hex[i]) : strlen(want_env[i]),
		    "member %zu: the envelope bytes match the vector", i);
	}
	/* And the checked-in bytes open, each for each of its nodes. */
	for (i = 0; i < KAT3_N; i++) {
		w[i] = from_hex(want_env[i], &len[i]);
		refused = 0;
		for (j = 0; j < 2 && kat3[i].addrs[j] != NULL; j++) {
			rc.node = node_of(kat3[i].addrs[j]);
			rc.k = boxkeys_of(rc.node);
			rc.body = (const uint8_t *)kat3[i].body;
			rc.body_len = strlen(kat3[i].body);
			rc.keys = NULL;
			if (receive(w[i], len[i], origin.pk, &rc, NULL) != 0)
				refused++;
		}
		is(refused, 0, "member %zu of the vector opens for each of its "
		    "nodes", i);
	}
	kat3_tree(w, len);
	for (i = 0; i < KAT3_N; i++) {
		free(w[i]);
		free(hex[i]);
		envelope_draft_free(&dr[i]);
	}
	kat_free(want_id, want_env, KAT3_N);
}

/* The body of member i of a test batch: each its own. */
static size_t
member_body(char b[MEMBER_BODY_MAX], size_t i)
{
	return (size_t)snprintf(b, MEMBER_BODY_MAX, "batch member %zu", i);
}

/* n drafts to NL-MINBUZA, member i with member_body(i), signed together
 * with sk unless it is NULL. */
static struct envelope_draft *
batch_new(size_t n, const uint8_t *sk)
{
	const struct envelope_rcpt r[] = { { "NL-MINBUZA", nl.pk } };
	const struct envelope_params p = params(r, 1, "BE:SECRET");
	struct envelope_draft *dr;
	char b[MEMBER_BODY_MAX];
	size_t i, blen;

	if ((dr = calloc(n, sizeof(*dr))) == NULL)
		BAIL_OUT("calloc");
	for (i = 0; i < n; i++) {
		blen = member_body(b, i);
		if (envelope_draft(&p, (const uint8_t *)b, blen, &dr[i]) != 0)
			BAIL_OUT("draft");
	}
	if (sk != NULL && envelope_sign_batch(dr, n, sk) != 0)
		BAIL_OUT("sign");
	return dr;
}

static void
batch_free(struct envelope_draft *dr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		envelope_draft_free(&dr[i]);
	free(dr);
}

/* Where NL-MINBUZA refuses w[0..len) as member i of a test batch from
 * the holder of pk, verifying and opening through keys (may be NULL). */
static enum stage
member_stage(const uint8_t *w, size_t len, size_t i, const uint8_t *pk,
    struct envelope_keys *keys)
{
	char b[MEMBER_BODY_MAX];
	struct receiver rc = { "NL-MINBUZA", &nl, (const uint8_t *)b, 0,
	    keys };
	enum stage at;

	rc.body_len = member_body(b, i);
	(void)receive(w, len, pk, &rc, &at);
	return at;
}

/* member_stage() of the signed draft dr[i], untouched. */
static enum stage
draft_stage(const struct envelope_draft *dr, size_t i, const uint8_t *pk,
    struct envelope_keys *keys)
{
	return member_stage(dr[i].wire, dr[i].len, i, pk, keys);
}

/* A copy of a signed draft's bytes, with room for extra more, and where
 * its trailer lies. */
static uint8_t *
draft_copy(const struct envelope_draft *d, size_t extra, struct trailer *t)
{
	uint8_t *w;

	if ((w = malloc(d->len + extra)) == NULL)
		BAIL_OUT("malloc");
	memcpy(w, d->wire, d->len);
	trailer_of(w, d->len, t);
	return w;
}

/*
 * A batch of n: every member carries its place and the one signature,
 * and its path leads to the root of the batch's ids by RFC 9162's own
 * recursion; every member verifies and opens alone, without a cache and
 * through one.
 */
static void
check_batch(size_t n)
{
	struct envelope_draft *dr = batch_new(n, origin.sk);
	struct envelope_keys *keys = NULL;
	uint8_t (*ids)[HASH_BYTES], want[HASH_BYTES], root[HASH_BYTES];
	uint8_t m[SIG3_MESSAGE_BYTES];
	const uint8_t *sig = dr[0].wire + dr[0].len - PRIM_SIG_BYTES;
	size_t i, misplaced = 0, refused = 0;
	struct trailer t;

	if ((ids = calloc(n, sizeof(*ids))) == NULL ||
	    envelope_keys_new(&keys) != 0)
		BAIL_OUT("calloc");
	for (i = 0; i < n; i++)
		memcpy(ids[i], dr[i].id, HASH_BYTES);
	tree_root(want, (const uint8_t (*)[HASH_BYTES])ids, n);
	for (i = 0; i < n; i++) {
		trailer_of(dr[i].wire, dr[i].len, &t);
		path_root(dr[i].wire, &t, root);
		if (t.index != i || t.count != n ||
		    memcmp(dr[i].wire + t.id, ids[i], HASH_BYTES) != 0 ||
		    memcmp(root, want, HASH_BYTES) != 0 ||
		    memcmp(dr[i].wire + t.sig, sig, PRIM_SIG_BYTES) != 0)
			misplaced++;
	}
	sig3_message(m, n, want);
	ok(misplaced == 0 && prim_verify(sig, m, sizeof(m), origin.pk) == 0,
	    "a batch of %zu: each path leads to the RFC 9162 root of the ids, "
	    "under the one signature", n);
	for (i = 0; i < n; i++) {
		if (draft_stage(dr, i, origin.pk, NULL) != ACCEPTED)
			refused++;
		if (draft_stage(dr, i, origin.pk, keys) != ACCEPTED)
			refused++;
	}
	is(refused, 0, "and each member verifies and opens alone, without "
	    "and with a cache");
	envelope_keys_free(&keys);
	free(ids);
	batch_free(dr, n);
}

static void
test_batch_sizes(void)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 8, 255,
	    ENVELOPE_BATCH_MAX };
	size_t i;

	for (i = 0; i < NITEMS(sizes); i++)
		check_batch(sizes[i]);
}

/* A draft as envelope_sign_batch() must leave it when it refuses. */
struct draft_state {
	size_t	len;
	bool	sealed;
	uint8_t	h[HASH_BYTES];
};

static void
draft_state(const struct envelope_draft *d, struct draft_state *s)
{
	memset(s, 0, sizeof(*s));
	s->len = d->len;
	s->sealed = d->sealed;
	if (d->wire != NULL && prim_hash(s->h, HASH_BYTES, d->wire, d->len,
	    NULL, 0) != 0)
		BAIL_OUT("hash");
}

/*
 * Sign dr[0..n) with the origin's key where that must fail: the error,
 * and in *intact whether each draft of dr[0..all) is as it was.
 */
static int
sign_refused(struct envelope_draft *dr, size_t n, size_t all, bool *intact)
{
	struct draft_state *before, after;
	size_t i;
	int ret;

	if ((before = calloc(all, sizeof(*before))) == NULL)
		BAIL_OUT("calloc");
	for (i = 0; i < all; i++)
		draft_state(&dr[i], &before[i]);
	ret = envelope_sign_batch(dr, n, origin.sk);
	*intact = true;
	for (i = 0; i < all; i++) {
		draft_state(&dr[i], &after);
		if (after.len != before[i].len ||
		    after.sealed != before[i].sealed ||
		    memcmp(after.h, before[i].h, HASH_BYTES) != 0)
			*intact = false;
	}
	free(before);
	return ret;
}

static void
test_batch_signing(void)
{
	const size_t n = ENVELOPE_BATCH_MAX + 1;
	struct envelope_draft *dr = batch_new(n, NULL);
	bool intact;

	is(sign_refused(dr, 0, 1, &intact), -EINVAL,
	    "a batch of no drafts is refused");
	ok(intact, "and nothing is signed");
	is(sign_refused(dr, n, n, &intact), -EINVAL,
	    "a batch of %zu drafts is refused", n);
	ok(intact, "and none of them is signed");
	if (envelope_sign_batch(&dr[2], 1, origin.sk) != 0)
		BAIL_OUT("sign");
	is(sign_refused(dr, 3, 3, &intact), -EINVAL,
	    "a batch holding a draft signed already is refused");
	ok(intact, "and neither it nor the others change");
	envelope_draft_free(&dr[1]);
	is(sign_refused(dr, 2, 2, &intact), -EINVAL,
	    "a batch holding an empty draft is refused");
	ok(intact, "and the other is not signed");
	ok(envelope_sign_batch(&dr[0], 1, origin.sk) == 0 &&
	    envelope_sign_batch(&dr[3], n - 3, origin.sk) == 0 &&
	    draft_stage(dr, 0, origin.pk, NULL) == ACCEPTED &&
	    draft_stage(dr, 2, origin.pk, NULL) == ACCEPTED &&
	    draft_stage(dr, n - 1, origin.pk, NULL) == ACCEPTED,
	    "the drafts refused sign afterwards and verify, as does the one "
	    "signed before");
	batch_free(dr, n);
}

/*
 * A copy of member d with its path one hash longer (its last hash twice)
 * or shorter (without its last), index and count unchanged: *len bytes.
 */
static uint8_t *
path_resized(const struct envelope_draft *d, bool longer, size_t *len)
{
	struct trailer t;
	uint8_t *w = draft_copy(d, HASH_BYTES, &t);

	if (longer) {
		memmove(w + t.at_index + HASH_BYTES, w + t.at_index,
		    TAIL3_BYTES);
		memcpy(w + t.at_index, w + t.at_index - HASH_BYTES,
		    HASH_BYTES);
		*len = d->len + HASH_BYTES;
	} else {
		memmove(w + t.at_index - HASH_BYTES, w + t.at_index,
		    TAIL3_BYTES);
		*len = d->len - HASH_BYTES;
	}
	return w;
}

/* Attacks on the envelopes of a batch, each refused. */
static void
test_batch_forgeries(void)
{
	static const size_t bad_counts[] = { 0, 1, 2,
	    ENVELOPE_BATCH_MAX + 1, 65535 };
	struct envelope_draft *a = batch_new(3, origin.sk);
	struct envelope_draft *b = batch_new(3, origin.sk);
	struct envelope_keys *keys = NULL;
	uint8_t *w, root[HASH_BYTES], root4[HASH_BYTES];
	size_t i, len, refused, longer = 0, shorter = 0;
	struct trailer t, t4, tb;

	/* A path hash flipped: the id still holds, the root does not. */
	w = draft_copy(&a[0], 0, &t);
	w[t.path + HASH_BYTES - 1] ^= 0x01;
	is(member_stage(w, a[0].len, 0, origin.pk, NULL), AT_VERIFY,
	    "a path hash flipped parses, and the verify refuses it");
	free(w);

	/* Another index: the leaf on the other side, or a path of another
	 * length. */
	w = draft_copy(&a[0], 0, &t);
	put_u16(w + t.at_index, 1);
	is(member_stage(w, a[0].len, 0, origin.pk, NULL), AT_VERIFY,
	    "index 0 changed to 1 of the same count: the verify refuses it");
	free(w);
	w = draft_copy(&a[2], 0, &t);
	put_u16(w + t.at_index, 0);
	is(parse_err(w, a[2].len), -EBADMSG,
	    "index 2 changed to 0, whose path is longer: the parse refuses it");
	free(w);

	/* Another count.  3 as 4 keeps member 0's path and root: only the
	 * count in the signed message tells them apart. */
	w = draft_copy(&a[0], 0, &t);
	path_root(w, &t, root);
	put_u16(w + t.at_index + 2, 4);
	trailer_of(w, a[0].len, &t4);
	path_root(w, &t4, root4);
	ok(t4.npath == t.npath && memcmp(root, root4, HASH_BYTES) == 0,
	    "count 3 changed to 4: member 0's path still fits, and leads to "
	    "the same root");
	is(member_stage(w, a[0].len, 0, origin.pk, NULL), AT_VERIFY,
	    "and the verify refuses it, the count being signed");
	refused = 0;
	for (i = 0; i < NITEMS(bad_counts); i++) {
		put_u16(w + t.at_index + 2, bad_counts[i]);
		if (parse_err(w, a[0].len) == -EBADMSG)
			refused++;
	}
	is(refused, NITEMS(bad_counts), "a count of 0, 1, 2, 257 or 65535, "
	    "which member 0's path does not fit: the parse refuses it");
	free(w);

	for (i = 0; i < 3; i++) {
		w = path_resized(&a[i], true, &len);
		if (parse_err(w, len) == -EBADMSG)
			longer++;
		free(w);
		w = path_resized(&a[i], false, &len);
		if (parse_err(w, len) == -EBADMSG)
			shorter++;
		free(w);
	}
	is(longer, 3, "a path one hash too long: the parse refuses it, for "
	    "each member");
	is(shorter, 3, "a path one hash too short: the parse refuses it, for "
	    "each member");

	w = draft_copy(&a[0], 0, &t);
	memcpy(w + t.id, a[1].id, HASH_BYTES);
	is(parse_err(w, a[0].len), -EBADMSG, "member 0 under member 1's id: "
	    "the parse refuses it (the id is recomputed)");
	free(w);

	w = draft_copy(&a[1], 0, &t);
	resign(w, a[1].len, relay.sk);
	ok(memcmp(w + t.id, a[1].id, HASH_BYTES) == 0 &&
	    member_stage(w, a[1].len, 1, origin.pk, NULL) == AT_VERIFY,
	    "a batch's root re-signed by a relay keeps the id, and is refused "
	    "as the origin's");
	is(member_stage(w, a[1].len, 1, relay.pk, NULL), ACCEPTED,
	    "it passes only as the relay's own");
	free(w);

	/* Each member of a with the path, place and signature of b's, whose
	 * root the cache holds. */
	if (envelope_keys_new(&keys) != 0)
		BAIL_OUT("envelope_keys_new");
	refused = 0;
	for (i = 0; i < 3; i++) {
		if (a[i].len != b[i].len ||
		    draft_stage(b, i, origin.pk, keys) != ACCEPTED)
			BAIL_OUT("batch b");
		w = draft_copy(&a[i], 0, &t);
		trailer_of(b[i].wire, b[i].len, &tb);
		memcpy(w + t.path, b[i].wire + tb.path, t.id - t.path);
		memcpy(w + t.sig, b[i].wire + tb.sig, PRIM_SIG_BYTES);
		if (member_stage(w, a[i].len, i, origin.pk, keys) == AT_VERIFY)
			refused++;
		free(w);
	}
	is(refused, 3, "a leaf of one batch with the path and signature of "
	    "another is refused, that batch's root cached");
	envelope_keys_free(&keys);
	batch_free(a, 3);
	batch_free(b, 3);
}

/* Every flip and truncation of each member of a batch of three, and a
 * trailing byte, refused with the batch's root in the cache. */
static void
test_batch_exhaustive(void)
{
	struct envelope_draft *dr = batch_new(3, origin.sk);
	char b[MEMBER_BODY_MAX];
	struct receiver rc = { "NL-MINBUZA", &nl, (const uint8_t *)b, 0,
	    NULL };
	size_t i, flips_ok, cuts_ok, trailing = 0;
	struct trailer t;
	uint8_t *w;

	if (envelope_keys_new(&rc.keys) != 0)
		BAIL_OUT("envelope_keys_new");
	for (i = 0; i < 3; i++) {
		rc.body_len = member_body(b, i);
		is(receive(dr[i].wire, dr[i].len, origin.pk, &rc, NULL), 0,
		    "member %zu of a batch of 3 opens untouched, through the "
		    "cache", i);
		count_edits(dr[i].wire, dr[i].len, &rc, &flips_ok, &cuts_ok);
		is(flips_ok, 0, "every single-byte flip of its %zu bytes is "
		    "refused", dr[i].len);
		is(cuts_ok, 0, "every truncation length 0..%zu is refused",
		    dr[i].len - 1);
		w = draft_copy(&dr[i], 1, &t);
		w[dr[i].len] = 0;
		if (parse_err(w, dr[i].len + 1) != -EBADMSG)
			trailing++;
		free(w);
	}
	is(trailing, 0, "a trailing byte on any member is refused");
	envelope_keys_free(&rc.keys);
	batch_free(dr, 3);
}

/*
 * The cache of verified roots saves the signature check of the next
 * members of a batch, and nothing else: the key, the count, the path and
 * the signature bytes are still those verified.
 */
static void
test_batch_cache(void)
{
	struct envelope_draft *a = batch_new(3, origin.sk);
	struct envelope_draft *r = batch_new(3, relay.sk);
	struct envelope_draft *many[CACHE_BATCHES];
	struct envelope_keys *keys = NULL;
	size_t j, refused = 0, forged = 0;
	struct trailer t;
	uint8_t *w;

	if (envelope_keys_new(&keys) != 0)
		BAIL_OUT("envelope_keys_new");
	is(draft_stage(a, 0, origin.pk, keys), ACCEPTED,
	    "member 0 verifies, and the cache keeps its batch's root");
	is(draft_stage(a, 1, origin.pk, keys), ACCEPTED,
	    "member 1 verifies through that root");
	w = draft_copy(&a[1], 0, &t);
	w[t.sig + 5] ^= 0x01;
	is(member_stage(w, a[1].len, 1, origin.pk, keys), AT_VERIFY,
	    "member 1 with its signature changed after the root was cached "
	    "is refused");
	memcpy(w, a[1].wire, a[1].len);
	sig_add_order(w + t.sig);
	is(member_stage(w, a[1].len, 1, origin.pk, keys), AT_VERIFY,
	    "and with its signature malleated (S + L)");
	memcpy(w, a[1].wire, a[1].len);
	w[t.path] ^= 0x01;
	is(member_stage(w, a[1].len, 1, origin.pk, keys), AT_VERIFY,
	    "member 1 with a path hash flipped is refused, the root cached");
	memcpy(w, a[1].wire, a[1].len);
	put_u16(w + t.at_index + 2, 4);
	is(member_stage(w, a[1].len, 1, origin.pk, keys), AT_VERIFY,
	    "and with count 4, whose path leads to the cached root");
	free(w);

	is(draft_stage(r, 0, relay.pk, keys), ACCEPTED,
	    "a batch the relay signed verifies as the relay's, its root "
	    "cached");
	is(draft_stage(r, 1, origin.pk, keys), AT_VERIFY,
	    "a root cached for the relay's key does not verify a member "
	    "claimed under the origin's");
	is(draft_stage(a, 2, relay.pk, keys), AT_VERIFY,
	    "nor a root cached for the origin's key one claimed under the "
	    "relay's");

	for (j = 0; j < CACHE_BATCHES; j++) {
		many[j] = batch_new(2, origin.sk);
		if (draft_stage(many[j], 0, origin.pk, keys) != ACCEPTED)
			refused++;
	}
	for (j = 0; j < CACHE_BATCHES; j++) {
		if (draft_stage(many[j], 1, origin.pk, keys) != ACCEPTED)
			refused++;
		w = draft_copy(&many[j][1], 0, &t);
		w[t.sig] ^= 0x01;
		if (member_stage(w, many[j][1].len, 1, origin.pk, keys) !=
		    AT_VERIFY)
			forged++;
		free(w);
		batch_free(many[j], 2);
	}
	is(refused, 0, "%d batches through a cache of %d roots: each member "
	    "verifies", CACHE_BATCHES, ENVELOPE_KEYS_ROOT_SLOTS);
	is(forged, 0, "and none with its signature changed");
	is(draft_stage(a, 2, origin.pk, keys), ACCEPTED,
	    "the first batch, its root evicted since, still verifies");
	envelope_keys_free(&keys);
	batch_free(a, 3);
	batch_free(r, 3);
}

/* Offset of the first wrapped key of a sealed envelope. */
static size_t
keys_offset(const uint8_t *w, size_t len)
{
	struct envelope *env = NULL;
	const struct envelope_info *in;
	size_t off;

	if (envelope_parse(w, len, 0, &env) != 0)
		BAIL_OUT("parse");
	in = envelope_info(env);
	off = label_offset(in) + 2 + strlen(in->label) + 1 + 8 + 8 +
	    ENVELOPE_NONCE_BYTES + 4;
	envelope_free(&env);
	return off;
}

/* Seal "cached" to r with keys at time t. */
static uint8_t *
seal_at(const struct envelope_rcpt *r, struct envelope_keys *keys,
    uint64_t t, size_t *len)
{
	struct envelope_params p = params(r, 1, "BE:SECRET");
	uint8_t *w;

	p.keys = keys;
	p.created = t;
	p.expires = t + 86400;
	if (envelope_seal(&p, origin.sk, (const uint8_t *)"cached", 6, &w,
	    len, NULL) != 0)
		BAIL_OUT("seal");
	return w;
}

/* Parse, verify and open as NL-MINBUZA with keys: 0 or the error. */
static int
open_cached(const uint8_t *w, size_t len, struct envelope_keys *keys)
{
	const struct receiver rc = { "NL-MINBUZA", &nl,
	    (const uint8_t *)"cached", 6, keys };

	return receive(w, len, origin.pk, &rc, NULL);
}

/* Whether the first wrapped key of w has the ephemeral key epk. */
static bool
has_eph(const uint8_t *w, size_t len, const uint8_t *epk)
{
	return memcmp(w + keys_offset(w, len), epk, PRIM_BOX_PK_BYTES) == 0;
}

/*
 * Key agreements reused between envelopes: one ephemeral key per recipient
 * node key for a bounded number of envelopes and seconds, and on the other
 * side one shared key per ephemeral key; each wrapped key bound to its own
 * envelope by its nonce.
 */
static void
test_cached_keys(void)
{
	const struct envelope_rcpt r[] = { { "NL-MINBUZA", nl.pk } };
	const struct envelope_rcpt rf[] = { { "FR-MEAE", fr.pk } };
	struct envelope_keys *sk = NULL, *rk = NULL;
	const uint64_t t0 = 1798761600;
	uint8_t *a, *b, *c, epk[PRIM_BOX_PK_BYTES];
	size_t alen, blen, clen, ka, kb, i;
	bool same = true, fresh = true;
	int fails = 0;

	if (envelope_keys_new(&sk) != 0 || envelope_keys_new(&rk) != 0)
		BAIL_OUT("envelope_keys_new");
	a = seal_at(r, sk, t0, &alen);
	b = seal_at(r, sk, t0 + 1, &blen);
	ka = keys_offset(a, alen);
	kb = keys_offset(b, blen);
	memcpy(epk, a + ka, sizeof(epk));
	ok(has_eph(b, blen, epk),
	    "two envelopes of a batch share the ephemeral public key");
	ok(memcmp(a + ka + PRIM_BOX_PK_BYTES, b + kb + PRIM_BOX_PK_BYTES,
	    ENVELOPE_WRAPPED_BYTES - PRIM_BOX_PK_BYTES) != 0,
	    "and nothing else of their wrapped keys");
	is(open_cached(a, alen, rk), 0, "the first opens, caching its key");
	is(open_cached(b, blen, rk), 0, "the second opens with the cache");
	is(open_cached(b, blen, NULL), 0, "and without it");
	is(accept(a, alen, origin.pk, "NL-MINBUZA", &nl,
	    (const uint8_t *)"cached", 6), 0, "envelope_open opens it too");

	/* A wrapped key moved to another envelope of the batch (same
	 * ephemeral key, same shared key), even re-signed by the origin. */
	memcpy(b + kb, a + ka, ENVELOPE_WRAPPED_BYTES);
	resign(b, blen, origin.sk);
	is(open_cached(b, blen, rk), -EBADMSG,
	    "a wrapped key moved between envelopes of a batch does not open");
	is(open_cached(b, blen, NULL), -EBADMSG, "nor without the cache");
	free(b);

	/* A small-order ephemeral key, with and without the cache. */
	b = seal_at(r, sk, t0, &blen);
	memset(b + kb, 0, PRIM_BOX_PK_BYTES);
	resign(b, blen, origin.sk);
	is(open_cached(b, blen, rk), -EBADMSG,
	    "a small-order ephemeral key is refused");
	is(open_cached(b, blen, NULL), -EBADMSG, "also without the cache");
	free(b);
	free(a);

	c = seal_at(r, NULL, t0, &clen);
	ok(!has_eph(c, clen, epk),
	    "without a cache each envelope has its own ephemeral key");
	free(c);
	c = seal_at(rf, sk, t0, &clen);
	ok(!has_eph(c, clen, epk),
	    "another recipient node, another ephemeral key");
	free(c);

	/* Rotation by time: ENVELOPE_EPH_SECONDS_MAX after the first use,
	 * and when the clock goes back. */
	c = seal_at(r, sk, t0 + ENVELOPE_EPH_SECONDS_MAX - 1, &clen);
	ok(has_eph(c, clen, epk),
	    "the same ephemeral key just before the time bound");
	free(c);
	c = seal_at(r, sk, t0 + ENVELOPE_EPH_SECONDS_MAX, &clen);
	ok(!has_eph(c, clen, epk), "a new one at the time bound");
	memcpy(epk, c + keys_offset(c, clen), sizeof(epk));
	is(open_cached(c, clen, rk), 0, "which opens");
	free(c);
	c = seal_at(r, sk, t0, &clen);
	ok(!has_eph(c, clen, epk), "and a new one when the clock goes back");
	memcpy(epk, c + keys_offset(c, clen), sizeof(epk));
	free(c);

	/* Rotation by count: the key just made has had one use. */
	for (i = 1; i <= ENVELOPE_EPH_MESSAGES_MAX; i++) {
		c = seal_at(r, sk, t0, &clen);
		if (i < ENVELOPE_EPH_MESSAGES_MAX)
			same &= has_eph(c, clen, epk);
		else
			fresh = !has_eph(c, clen, epk);
		if (i % 97 == 0 || i == ENVELOPE_EPH_MESSAGES_MAX)
			fails += open_cached(c, clen, rk) != 0;
		free(c);
	}
	ok(same, "one ephemeral key for ENVELOPE_EPH_MESSAGES_MAX envelopes");
	ok(fresh, "and a new one after them");
	is(fails, 0, "all of them open");

	/* More ephemeral keys than the opening cache holds, and more node
	 * keys than the sealing cache holds: slots are reused, nothing
	 * mixed up. */
	for (i = 0; i < ENVELOPE_KEYS_OPEN_SLOTS + 8; i++) {
		a = seal_at(r, NULL, t0, &alen);
		fails += open_cached(a, alen, rk) != 0;
		free(a);
	}
	is(fails, 0, "%d ephemeral keys open through a cache of %d",
	    ENVELOPE_KEYS_OPEN_SLOTS + 8, ENVELOPE_KEYS_OPEN_SLOTS);
	for (i = 0; i < ENVELOPE_KEYS_SEAL_SLOTS + 4; i++) {
		struct boxkeys k;
		struct envelope_rcpt rn[] = { { "NL-MINBUZA", k.pk } };
		uint8_t seed[32];

		memset(seed, 0x40 + (int)i, sizeof(seed));
		if (prim_box_keypair(k.pk, k.sk, seed) != 0)
			BAIL_OUT("box key");
		a = seal_at(rn, sk, t0, &alen);
		fails += accept(a, alen, origin.pk, "NL-MINBUZA", &k,
		    (const uint8_t *)"cached", 6) != 0;
		free(a);
		secmem_wipe(&k, sizeof(k));
	}
	is(fails, 0, "%d node keys seal through a cache of %d",
	    ENVELOPE_KEYS_SEAL_SLOTS + 4, ENVELOPE_KEYS_SEAL_SLOTS);
	a = seal_at(r, sk, t0, &alen);
	is(open_cached(a, alen, rk), 0, "and the first node key still works");
	free(a);
	envelope_keys_free(&sk);
	envelope_keys_free(&rk);
	ok(sk == NULL && rk == NULL, "envelope_keys_free clears the pointer");
	envelope_keys_free(NULL);
}

static void
test_precedence(void)
{
	enum envelope_precedence pr;

	is_str(envelope_precedence_name(ENVELOPE_FLASH), "FLASH", "FLASH");
	is_str(envelope_precedence_name(ENVELOPE_ROUTINE), "ROUTINE",
	    "ROUTINE");
	ok(envelope_precedence_name((enum envelope_precedence)9) == NULL,
	    "no name for 9");
	is(envelope_precedence_parse("IMMEDIATE", &pr), 0, "parse IMMEDIATE");
	is(pr, ENVELOPE_IMMEDIATE, "value");
	is(envelope_precedence_parse("flash", &pr), -EINVAL,
	    "lower case refused");
}

int
main(void)
{
	if (secmem_init() != 0)
		BAIL_OUT("secmem_init");
	keys_init();
	test_round_trips();
	test_seal_refusals();
	test_exhaustive();
	test_forgeries();
	test_label_swap();
	test_inner_label();
	test_bounds();
	test_known_answer_v2();
	test_known_answer_v3();
	test_cached_keys();
	test_batch_sizes();
	test_batch_signing();
	test_batch_forgeries();
	test_batch_exhaustive();
	test_batch_cache();
	test_precedence();
	return done_testing();
}
