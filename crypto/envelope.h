/* SPDX-License-Identifier: ISC */
/*
 * envelope: the sealed, signed, labelled container in which one message
 * travels between nodes (docs/protocol.md, section 2, byte by byte).
 *
 *	header		version, origin node, 1..ENVELOPE_RECIPIENTS_MAX
 *			recipients (NODE or user@NODE), the canonical
 *			label, precedence, created, expires, AEAD nonce,
 *			body length
 *	wrapped keys	the random body key boxed to each distinct
 *			recipient node, in order of first mention, under an
 *			ephemeral X25519 key (section 2.2)
 *	ciphertext	XChaCha20-Poly1305 of (label again || body), the
 *			whole header as associated data
 *	trailer		path, index, count: the envelope's place in its
 *			batch; message id = BLAKE2b-256(header || wrapped
 *			keys || ciphertext); Ed25519 signature by the origin
 *			over "valise-envelope3" || count || the root of a
 *			hash tree whose leaves are the ids of the batch
 *
 * Because the signature covers a digest of everything before the trailer,
 * the label is bound to the content and the recipients are named inside
 * what is signed.  The id never covers the signature, so a re-signed copy
 * keeps its id and is caught by de-duplication.
 *
 * An origin signs the envelopes of one send request together: one
 * signature for up to ENVELOPE_BATCH_MAX envelopes (envelope_draft, then
 * envelope_sign_batch).  Each still verifies alone, from its id and path;
 * an envelope_keys cache remembers the roots it verified, so a receiver
 * checks one signature per batch.  Format 2 (one signature over the id)
 * still parses and verifies, for envelopes stored before the upgrade.
 *
 * Life cycle on a node:
 *	envelope_draft()	seal, without the signature
 *	envelope_sign_batch()	sign 1..ENVELOPE_BATCH_MAX drafts at once
 *	envelope_seal()		both, for one envelope
 *	envelope_parse()	bounded; public data only; what a relay does
 *	envelope_verify()	against the origin's signing public key
 *	envelope_open()		with the local node's X25519 key pair, only
 *				after a successful verify; checks the inner
 *				label against the outer one
 *
 * An envelope_keys cache lets a node agree a key once per batch instead of
 * once per envelope: sealing reuses one ephemeral key pair per recipient
 * node for at most ENVELOPE_EPH_MESSAGES_MAX envelopes and
 * ENVELOPE_EPH_SECONDS_MAX seconds (its secret is wiped as soon as the
 * shared key is computed), and opening remembers the shared keys of the
 * last ENVELOPE_KEYS_OPEN_SLOTS ephemeral keys.  Each wrapped key has its
 * own nonce, so the envelopes of a batch share nothing but that public
 * key.  The cache lives in guarded memory (secmem).
 *
 * Functions return 0 or -errno and never print.  The label is an opaque,
 * bounded string here; its meaning belongs to the policy engine.
 */
#ifndef ENVELOPE_H
#define ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/name.h"
#include "crypto/prim.h"

#define ENVELOPE_WUR __attribute__((warn_unused_result))

#define ENVELOPE_VERSION	3
/* Envelopes one signature covers, and the most hashes on a path to the
 * root of their tree (log2 of the batch). */
#define ENVELOPE_BATCH_MAX	256
#define ENVELOPE_PATH_MAX	8
/* A message to more nodes than this is a broadcast, which valise does not
 * do; the bound also keeps the header of every envelope under 4 KiB. */
#define ENVELOPE_RECIPIENTS_MAX	32
/* A canonical label (labels.md section 2) is far shorter; 1 KiB leaves room
 * for long compartment and REL TO lists. */
#define ENVELOPE_LABEL_MAX	1024
/* The largest body: 16 MiB.  A node may accept less (envelope_parse's
 * body_max); files larger than this go by other means. */
#define ENVELOPE_BODY_MAX	(16u * 1024 * 1024)

#define ENVELOPE_MAGIC		"VLSE"
#define ENVELOPE_MAGIC_BYTES	4
#define ENVELOPE_ID_BYTES	32
#define ENVELOPE_KEY_BYTES	PRIM_AEAD_KEY_BYTES
#define ENVELOPE_NONCE_BYTES	PRIM_AEAD_NONCE_BYTES
/* A wrapped key: ephemeral public key || MAC || boxed body key. */
#define ENVELOPE_WRAPPED_BYTES	(PRIM_BOX_PK_BYTES + PRIM_BOX_MAC_BYTES + \
	    ENVELOPE_KEY_BYTES)
/* How long sealing may use one ephemeral key pair for a recipient node. */
#define ENVELOPE_EPH_MESSAGES_MAX	1024
#define ENVELOPE_EPH_SECONDS_MAX	60
/* Recipient node keys, ephemeral keys seen and verified batch roots that
 * a cache remembers. */
#define ENVELOPE_KEYS_SEAL_SLOTS	32
#define ENVELOPE_KEYS_OPEN_SLOTS	64
#define ENVELOPE_KEYS_ROOT_SLOTS	16
/* Every envelope ends with the message id and the signature. */
#define ENVELOPE_TRAILER_BYTES	(ENVELOPE_ID_BYTES + PRIM_SIG_BYTES)
/* The longest trailer: path, index and count before them. */
#define ENVELOPE_TRAILER_MAX	(ENVELOPE_PATH_MAX * ENVELOPE_ID_BYTES + \
	    2 + 2 + ENVELOPE_TRAILER_BYTES)
/* The longest header, and the most bytes an envelope adds to its body. */
#define ENVELOPE_HEADER_MAX	(ENVELOPE_MAGIC_BYTES + 1 + \
	    1 + NAME_NODE_MAX + 1 + \
	    ENVELOPE_RECIPIENTS_MAX * (1 + NAME_ADDR_MAX) + \
	    2 + ENVELOPE_LABEL_MAX + 1 + 8 + 8 + ENVELOPE_NONCE_BYTES + 4)
#define ENVELOPE_OVERHEAD_MAX	(ENVELOPE_HEADER_MAX + \
	    ENVELOPE_RECIPIENTS_MAX * ENVELOPE_WRAPPED_BYTES + \
	    2 + ENVELOPE_LABEL_MAX + PRIM_AEAD_TAG_BYTES + \
	    ENVELOPE_TRAILER_MAX)
/* The largest envelope on the wire, for sizing transport limits. */
#define ENVELOPE_WIRE_MAX	(ENVELOPE_OVERHEAD_MAX + ENVELOPE_BODY_MAX)

/* Precedence, highest first (ACP 121 order); the wire value is the enum. */
enum envelope_precedence {
	ENVELOPE_FLASH		= 0,
	ENVELOPE_IMMEDIATE	= 1,
	ENVELOPE_PRIORITY	= 2,
	ENVELOPE_ROUTINE	= 3,
};

/* One recipient for envelope_seal(). */
struct envelope_rcpt {
	const char	*addr;		/* "NODE" or "user@NODE" */
	const uint8_t	*box_pk;	/* NODE's X25519 envelope public key
					   (PRIM_BOX_PK_BYTES) */
};

struct envelope_keys;

/* What envelope_seal() puts in the header. */
struct envelope_params {
	const char			*origin;	/* this node's name */
	const struct envelope_rcpt	*rcpts;
	size_t				 nrcpts;
	const char			*label;		/* canonical label */
	enum envelope_precedence	 precedence;
	uint64_t			 created;	/* Unix seconds */
	uint64_t			 expires;	/* > created */
	/* Key agreements to reuse, or NULL: a new ephemeral key pair for
	 * this envelope alone.  created is its clock. */
	struct envelope_keys		*keys;
};

/*
 * For known-answer tests only: the randomness of a seal made explicit.
 * Reusing a body key and nonce for two bodies reveals both.
 */
struct envelope_fixed {
	const uint8_t	*body_key;	/* ENVELOPE_KEY_BYTES */
	const uint8_t	*nonce;		/* ENVELOPE_NONCE_BYTES */
	const uint8_t	*eph_seeds;	/* PRIM_BOX_SEED_BYTES per distinct
					   recipient node, in wire order;
					   the params' keys are not used */
};

/* An envelope sealed and not yet signed, then signed: envelope_draft()
 * fills it, envelope_sign_batch() completes it, envelope_draft_free()
 * frees it (or the caller takes wire and frees it). */
struct envelope_draft {
	uint8_t		*wire;		/* malloc'd, with room for a trailer */
	size_t		 len;		/* the whole envelope once signed */
	size_t		 cap;
	bool		 sealed;	/* signed: wire[0..len) is complete */
	uint8_t		 id[ENVELOPE_ID_BYTES];
};

/* The public content of a parsed envelope (read-only). */
struct envelope_info {
	unsigned			 version;
	char				 origin[NAME_NODE_MAX + 1];
	size_t				 nrcpts;
	char				 rcpts[ENVELOPE_RECIPIENTS_MAX]
					     [NAME_ADDR_MAX + 1];
	/* The distinct recipient nodes, one wrapped key each. */
	size_t				 nnodes;
	char				 nodes[ENVELOPE_RECIPIENTS_MAX]
					     [NAME_NODE_MAX + 1];
	char				 label[ENVELOPE_LABEL_MAX + 1];
	enum envelope_precedence	 precedence;
	uint64_t			 created;
	uint64_t			 expires;
	size_t				 body_len;
	uint8_t				 id[ENVELOPE_ID_BYTES];
};

struct envelope;

/*
 * Seal body[0..body_len) from the origin whose Ed25519 secret key is
 * sign_sk (PRIM_SIGN_SK_BYTES) to the recipients of p.  Recipients on one
 * node must name the same box key; the body key is wrapped once per node.
 * On success *out (malloc'd, the caller frees it) holds *outlen bytes and
 * id, if not NULL, the message id.  0; -EINVAL for bad parameters (name,
 * address, duplicate recipient, empty or oversized label, control bytes
 * in the label, precedence, times, a small-order box key); -EMSGSIZE for
 * a body above ENVELOPE_BODY_MAX; -ENOMEM.
 */
int	envelope_seal(const struct envelope_params *p, const uint8_t *sign_sk,
	    const uint8_t *body, size_t body_len, uint8_t **out,
	    size_t *outlen, uint8_t id[ENVELOPE_ID_BYTES]);

/* envelope_seal() with the randomness of fx (known-answer tests only). */
int	envelope_seal_fixed(const struct envelope_params *p,
	    const uint8_t *sign_sk, const uint8_t *body, size_t body_len,
	    const struct envelope_fixed *fx, uint8_t **out, size_t *outlen,
	    uint8_t id[ENVELOPE_ID_BYTES]);

/*
 * The first half of envelope_seal(): encrypt body to the recipients of p
 * into *dr, with its message id and without its signature.  0 or the
 * errors of envelope_seal(); on failure *dr is empty.
 */
int	envelope_draft(const struct envelope_params *p, const uint8_t *body,
	    size_t body_len, struct envelope_draft *dr) ENVELOPE_WUR;

/* envelope_draft() with the randomness of fx (known-answer tests only). */
int	envelope_draft_fixed(const struct envelope_params *p,
	    const uint8_t *body, size_t body_len,
	    const struct envelope_fixed *fx, struct envelope_draft *dr)
	    ENVELOPE_WUR;

/*
 * Sign drafts dr[0..n) together with sign_sk: one signature over the root
 * of the tree of their ids, and in each draft its place in the tree.  0;
 * -EINVAL when n is 0 or above ENVELOPE_BATCH_MAX or a draft is empty or
 * already signed; -ENOMEM.  On failure no draft is signed.
 */
int	envelope_sign_batch(struct envelope_draft *dr, size_t n,
	    const uint8_t *sign_sk) ENVELOPE_WUR;

/* Wipe and free a draft's bytes; an empty draft is allowed. */
void	envelope_draft_free(struct envelope_draft *dr);

/*
 * Parse wire[0..len) with public data only: the size is bounded first
 * (body_max, 0 meaning ENVELOPE_BODY_MAX), then every field is read
 * through the bounded reader and checked, trailing bytes are refused and
 * the message id is recomputed and compared.  The envelope keeps its own
 * copy of the bytes.  0 with *envp owned by the caller; -EMSGSIZE when
 * len or the body exceeds the bound; -EPROTONOSUPPORT for another
 * version; -EBADMSG for anything else malformed; -EINVAL for body_max
 * above ENVELOPE_BODY_MAX; -ENOMEM.  The signature is NOT checked.
 */
int	envelope_parse(const uint8_t *wire, size_t len, size_t body_max,
	    struct envelope **envp) ENVELOPE_WUR;

/* The header of a parsed envelope, valid until envelope_free(). */
const struct envelope_info *envelope_info(const struct envelope *env);

/* The envelope's bytes, for forwarding; valid until envelope_free(). */
const uint8_t *envelope_wire(const struct envelope *env, size_t *len);

/*
 * Check the origin's signature with its Ed25519 public key (looked up by
 * the caller from envelope_info()->origin).  0, marking the envelope
 * verified; -EBADMSG for a bad, malleated or small-order signature or key.
 */
int	envelope_verify(struct envelope *env, const uint8_t *origin_sign_pk)
	    ENVELOPE_WUR;

/* envelope_verify() that first looks for the envelope's batch root (with
 * its signature and key) among those keys (which may be NULL) verified,
 * and remembers it after a successful check. */
int	envelope_verify_cached(struct envelope *env,
	    const uint8_t *origin_sign_pk, struct envelope_keys *keys)
	    ENVELOPE_WUR;

/* True after a successful envelope_verify(). */
bool	envelope_verified(const struct envelope *env);

/* True when node is one of the envelope's recipient nodes. */
bool	envelope_has_node(const struct envelope *env, const char *node);

/* True when the envelope has expired at time now (Unix seconds). */
bool	envelope_expired(const struct envelope *env, uint64_t now);

/*
 * Open a verified envelope as node with its X25519 envelope key pair:
 * unwrap the body key, decrypt, and check that the label inside the
 * ciphertext equals the header's.  Only then *body (malloc'd, free it
 * with envelope_body_free) holds *body_len bytes; never partial plaintext.
 * 0; -EPERM when not verified; -ENOENT when node is not a recipient;
 * -EBADMSG when the key does not unwrap or the body does not decrypt;
 * -EPROTO when the inner label differs (quarantine the message); -ENOMEM.
 */
int	envelope_open(const struct envelope *env, const char *node,
	    const uint8_t *box_pk, const uint8_t *box_sk, uint8_t **body,
	    size_t *body_len) ENVELOPE_WUR;

/* envelope_open() taking and keeping the shared key of the envelope's
 * ephemeral key in keys (which may be NULL). */
int	envelope_open_cached(const struct envelope *env, const char *node,
	    const uint8_t *box_pk, const uint8_t *box_sk,
	    struct envelope_keys *keys, uint8_t **body, size_t *body_len)
	    ENVELOPE_WUR;

/* A new, empty cache of key agreements and verified roots (guarded
 * memory).  0 or -ENOMEM. */
int	envelope_keys_new(struct envelope_keys **keysp) ENVELOPE_WUR;
/* Wipe and free it, setting *keysp to NULL; NULL is allowed. */
void	envelope_keys_free(struct envelope_keys **keysp);

/* Wipe and free a body from envelope_open(); NULL is allowed. */
void	envelope_body_free(uint8_t **body, size_t body_len);

/* Free a parsed envelope and set *envp to NULL; NULL is allowed. */
void	envelope_free(struct envelope **envp);

/* "FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE", or NULL. */
const char *envelope_precedence_name(enum envelope_precedence p);
/* The precedence named s (exact upper case).  0 or -EINVAL. */
int	envelope_precedence_parse(const char *s, enum envelope_precedence *p)
	    ENVELOPE_WUR;

#endif /* ENVELOPE_H */
