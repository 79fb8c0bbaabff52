/* SPDX-License-Identifier: ISC */
/*
 * audit: the node's tamper-evident, append-only audit log, in an SQLCipher
 * database (node/db.h).  One row per event, metadata only: never a body, a
 * subject or key material.
 *
 * Each entry j carries
 *	link_j = BLAKE2b-256("valise audit link v1" || link_{j-1} || E_j)
 *	mac_j  = BLAKE2b-256 keyed with A_j ("valise audit mac v1" || link_j)
 * where E_j is the canonical encoding of the entry (seq, time, type and every
 * field, length-prefixed) and link_0 is derived from the log's random id.
 * The MAC key evolves per entry, A_{j+1} = KDF(A_j), and each old value is
 * wiped: the handle and the database hold only the next key.  A_1 is
 * derived from the audit key and the log id, so an auditor holding the audit
 * key can check every MAC; see docs/auditor-guide.md for what this does and
 * does not protect against.
 *
 * Every N entries or T seconds a checkpoint (seq, head = link_seq, time) is
 * signed with Ed25519 through a callback, because the identity key lives in
 * its own module (later in its own process).  Checkpoints are exported for
 * auditors and sent to peers, who keep them as witnesses
 * (audit_witness_store); audit_verify() checks the log against them.
 *
 * Appends are group commits: audit_append() writes many events in one
 * transaction with one fsync (WAL, synchronous=FULL) and returns 0 only once
 * they are durable.  Fail closed: any other return means nothing was
 * recorded, the caller must not perform the actions the events describe, and
 * the handle raises an alarm that audit_status() reports until cleared.
 *
 * Functions return 0 or -errno and never print.  -EBADMSG means a corrupt
 * database or a wrong key; -ENOSPC a full disk.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_WUR __attribute__((warn_unused_result))

#define AUDIT_KEY_BYTES		32	/* the SQLCipher key of audit.db */
#define AUDIT_HASH_BYTES	32	/* links, heads and MACs */
#define AUDIT_LOGID_BYTES	16
#define AUDIT_PK_BYTES		32	/* Ed25519 public key */
#define AUDIT_SIG_BYTES		64

/*
 * Bounds on what one event may carry.  A field is a name, an id, a label or
 * a hash; 256 bytes hold any of them with room to spare.  Recipients is a
 * comma-separated list: 64 names of up to 63 bytes.  A larger value is a
 * caller bug or an attack, and is refused with -EMSGSIZE.
 */
#define AUDIT_FIELD_MAX		256
#define AUDIT_RECIPIENTS_MAX	4096
/* Events in one group commit: bounds the time the write lock is held. */
#define AUDIT_BATCH_MAX		4096
/* A checkpoint as text (audit_checkpoint_format) is well under this. */
#define AUDIT_CHECKPOINT_TEXT_MAX 512
/* The description in an audit_verify_result. */
#define AUDIT_WHAT_MAX		160

/* Event types.  The numbers are part of the canonical encoding: append only. */
enum audit_event_type {
	AUDIT_EV_SUBMIT = 1,
	AUDIT_EV_RELAY_IN,
	AUDIT_EV_RELAY_OUT,
	AUDIT_EV_DELIVER,
	AUDIT_EV_READ,
	AUDIT_EV_DENY,
	AUDIT_EV_EXPIRE,
	AUDIT_EV_RECEIPT,
	AUDIT_EV_AUTH_FAILURE,
	AUDIT_EV_INTEGRITY_FAILURE,
	AUDIT_EV_CONFIG_LOAD,
	AUDIT_EV_KEY_EVENT,
	AUDIT_EV_START,
	AUDIT_EV_STOP,
	AUDIT_EV_AUDIT_ACCESS,
};
#define AUDIT_EV_MAX	AUDIT_EV_AUDIT_ACCESS

/*
 * One event.  Strings are borrowed, may be NULL (absent, stored as NULL and
 * encoded as empty), and must not contain control characters.  uid is -1
 * when there is no local user.  Time and sequence number are assigned by
 * audit_append().
 */
struct audit_event {
	enum audit_event_type	 type;
	const char		*msg_id;	/* message id (hex) */
	const char		*origin;	/* originating node */
	const char		*prev_hop;
	const char		*next_hop;
	const char		*recipients;	/* comma-separated */
	const char		*login;		/* local user */
	int64_t			 uid;
	const char		*label;		/* canonical label */
	const char		*precedence;
	const char		*decision;	/* allow, deny, ... */
	const char		*rule;		/* the policy rule that fired */
	const char		*policy_hash;
	const char		*peer_fpr;	/* peer key fingerprint */
	const char		*detail;	/* a reason code or command name */
};

/* A stored entry, as audit_query() hands it out. */
struct audit_record {
	uint64_t		seq;
	int64_t			time_us;	/* microseconds since the epoch */
	struct audit_event	ev;
	uint8_t			link[AUDIT_HASH_BYTES];
	uint8_t			mac[AUDIT_HASH_BYTES];
};

/*
 * A signed checkpoint.  The signature is Ed25519 by signer over
 *	"valise audit checkpoint v1" || log_id || seq (u64 BE) ||
 *	head || time (i64 BE, seconds)
 */
struct audit_checkpoint {
	uint8_t		log_id[AUDIT_LOGID_BYTES];
	uint64_t	seq;
	uint8_t		head[AUDIT_HASH_BYTES];
	int64_t		time;
	uint8_t		signer[AUDIT_PK_BYTES];
	uint8_t		sig[AUDIT_SIG_BYTES];
};

/*
 * Signs checkpoints.  sign() writes an Ed25519 signature of m to sig and
 * returns 0, or -errno; pk is the matching public key.  The node passes its
 * keyholder here.
 */
struct audit_signer {
	int		(*sign)(void *ctx, uint8_t sig[AUDIT_SIG_BYTES],
			    const uint8_t *m, size_t mlen);
	void		*ctx;
	uint8_t		 pk[AUDIT_PK_BYTES];
};

/* When to write checkpoints; 0 turns a trigger off. */
struct audit_config {
	uint64_t	checkpoint_every;	/* entries */
	uint32_t	checkpoint_secs;	/* seconds, checked at append */
};

/* Flags for audit_open(). */
#define AUDIT_RDONLY	0x1	/* auditor: read-only, no signer needed */
#define AUDIT_CREATE	0x2	/* create a new log if the file is absent */

struct audit_status {
	uint8_t		log_id[AUDIT_LOGID_BYTES];
	uint8_t		signer[AUDIT_PK_BYTES];
	uint64_t	entries;		/* last sequence number */
	uint8_t		head[AUDIT_HASH_BYTES];
	uint64_t	checkpoint_seq;		/* last local checkpoint */
	int64_t		checkpoint_time;
	bool		alarm;			/* a commit has failed */
	bool		broken;			/* state lost: reopen */
	uint64_t	failures;		/* failed appends since clear */
	int		last_error;		/* -errno of the last failure */
	int64_t		last_error_time;	/* seconds */
};

/* What audit_verify() found, in order of the log. */
enum audit_fault {
	AUDIT_FAULT_NONE = 0,
	AUDIT_FAULT_GAP,		/* a sequence number is missing */
	AUDIT_FAULT_FIELD,		/* an entry cannot be decoded */
	AUDIT_FAULT_LINK,		/* contents do not match the chain */
	AUDIT_FAULT_MAC,		/* MAC wrong: chain rebuilt or forged */
	AUDIT_FAULT_CHECKPOINT_SIG,	/* a checkpoint signature is bad */
	AUDIT_FAULT_CHECKPOINT_HEAD,	/* log differs from a checkpoint */
	AUDIT_FAULT_TRUNCATED,		/* log shorter than a checkpoint */
	AUDIT_FAULT_STATE,		/* node state does not match the log */
	AUDIT_FAULT_WRONG_LOG,		/* checkpoint of another log */
	AUDIT_FAULT_SIGNER,		/* signed by a key we do not trust */
};

struct audit_verify_result {
	enum audit_fault fault;
	uint64_t	bad_seq;		/* first bad sequence number */
	char		what[AUDIT_WHAT_MAX];	/* human description */
	uint64_t	entries;		/* entries checked */
	uint8_t		head[AUDIT_HASH_BYTES];
	uint64_t	checkpoints;		/* signatures checked */
	uint64_t	last_checkpoint_seq;	/* in the file */
	bool		external_checked;	/* an external one matched */
	uint64_t	external_seq;
};

/* Filter for audit_query(); zero/NULL fields match everything. */
struct audit_filter {
	int64_t			 since_us;	/* time >= since */
	int64_t			 until_us;	/* time < until */
	enum audit_event_type	 type;
	const char		*login;
	const char		*msg_id;
	uint64_t		 after_seq;	/* seq > after_seq (paging) */
	/* Keep a record only if label_ok(ctx, label) (e.g. dominance). */
	bool			(*label_ok)(void *ctx, const char *label);
	void			*label_ctx;
};

struct audit;
struct db;

/* The stable name of an event type ("relay-in"), or NULL. */
const char *audit_event_name(enum audit_event_type type);
/* Parse an event name.  0 or -EINVAL. */
int	audit_event_parse(const char *name, enum audit_event_type *type)
	    AUDIT_WUR;

/*
 * Open (or with AUDIT_CREATE, create) the log at path with the audit key
 * (copied only as far as SQLCipher needs it).  A writer needs signer (its
 * public key must match the one the log was created with, else
 * -EKEYREJECTED) and cfg; a reader (AUDIT_RDONLY) needs neither.  A wrong
 * key fails here with -EBADMSG before anything is written.
 */
int	audit_open(struct audit **ap, const char *path,
	    const uint8_t key[AUDIT_KEY_BYTES],
	    const struct audit_signer *signer, const struct audit_config *cfg,
	    int flags) AUDIT_WUR;

/* Close and wipe the MAC key.  NULL is allowed. */
void	audit_close(struct audit *a);

/*
 * Append n events (1..AUDIT_BATCH_MAX) in one transaction, and sign a
 * checkpoint if one is due.  On 0 all are durable, numbered from
 * *first_seq (may be NULL).  On error none is, the in-memory state is
 * rolled back and the alarm is raised: -EINVAL or -EMSGSIZE for a bad event
 * (no alarm: nothing was tried), -ENOSPC, -EIO, -EAGAIN, or the signer's
 * error.  -EIO without trying when the handle is broken.
 */
int	audit_append(struct audit *a, const struct audit_event *ev, size_t n,
	    uint64_t *first_seq) AUDIT_WUR;

/* Sign a checkpoint now if entries were added since the last.  0 or -errno. */
int	audit_checkpoint_now(struct audit *a) AUDIT_WUR;

/* Replace the clock (microseconds since the epoch); NULL restores it. */
void	audit_set_clock(struct audit *a, int64_t (*now_us)(void *), void *ctx);

/* The handle's state, including the alarm. */
void	audit_status(struct audit *a, struct audit_status *st);

/* Acknowledge the alarm (the operator has acted). */
void	audit_alarm_clear(struct audit *a);

/* The latest local checkpoint.  0, or -ENOENT when there is none. */
int	audit_checkpoint_latest(struct audit *a, struct audit_checkpoint *cp)
	    AUDIT_WUR;

/*
 * Check a checkpoint's signature under cp->signer (and, if pk is not NULL,
 * that cp->signer is pk).  0 or -EBADMSG.
 */
int	audit_checkpoint_verify(const struct audit_checkpoint *cp,
	    const uint8_t *pk) AUDIT_WUR;

/*
 * Text form of a checkpoint (what `valise audit checkpoint` prints and
 * auditors keep):
 *	valise audit checkpoint v1
 *	log <32 hex>
 *	seq <decimal>
 *	head <64 hex>
 *	time <decimal seconds>
 *	signer <64 hex>
 *	sig <128 hex>
 * each line ending in "\n".  audit_checkpoint_format returns the length
 * written (NUL not counted) or -ENOSPC if buf is too small.
 * audit_checkpoint_parse accepts exactly that form (lowercase or uppercase
 * hex, nothing else) and does not verify the signature: -EBADMSG otherwise.
 */
int	audit_checkpoint_format(const struct audit_checkpoint *cp, char *buf,
	    size_t len);
int	audit_checkpoint_parse(struct audit_checkpoint *cp, const char *text,
	    size_t len) AUDIT_WUR;

/*
 * Keep a checkpoint witnessed from peer (a name for the record) whose key
 * is pk.  The signature is checked first (-EBADMSG).  A second checkpoint
 * for the same log and sequence with a different head is equivocation: it
 * is stored as evidence beside the first and -EEXIST is returned.
 */
int	audit_witness_store(struct audit *a, const char *peer,
	    const struct audit_checkpoint *cp, const uint8_t pk[AUDIT_PK_BYTES])
	    AUDIT_WUR;

/* The latest checkpoint witnessed from the node named peer (its log as
 * that peer sent it), for export to auditors.  0 or -ENOENT. */
int	audit_witness_latest_from(struct audit *a, const char *peer,
	    struct audit_checkpoint *cp) AUDIT_WUR;

/* The witnessed checkpoint of highest seq for log_id.  0 or -ENOENT. */
int	audit_witness_latest(struct audit *a,
	    const uint8_t log_id[AUDIT_LOGID_BYTES],
	    struct audit_checkpoint *cp) AUDIT_WUR;

/*
 * Check the whole log: sequence, every link, every MAC (which needs the
 * audit key), every stored checkpoint signature and head, the node state
 * row, and, if external is not NULL, the log against that checkpoint
 * (signature, log id, head at its seq, and no truncation before it).  If
 * signer is not NULL every checkpoint must be signed by it.
 * Returns 0 when the check ran to the end, with res->fault telling whether
 * the log is clean; -EBADMSG when the database is corrupt (or the key is
 * wrong) part way, with res->entries the count read before; or -errno.
 */
int	audit_verify(struct audit *a, const uint8_t key[AUDIT_KEY_BYTES],
	    const struct audit_checkpoint *external, const uint8_t *signer,
	    struct audit_verify_result *res) AUDIT_WUR;

/*
 * Call cb for each record matching f (NULL: all), in sequence order.  The
 * record's strings are valid during the call.  A non-zero return from cb
 * stops the walk and is returned.  0 or -errno.
 */
int	audit_query(struct audit *a, const struct audit_filter *f,
	    int (*cb)(void *ctx, const struct audit_record *r), void *ctx)
	    AUDIT_WUR;

/*
 * The database handle underneath, for tests (db_set_fault) and maintenance
 * tools.  Borrowed: valid until audit_close().
 */
struct db *audit_db(struct audit *a);

/*
 * Canonical encoding of an entry, as hashed into the chain: writes at most
 * len bytes to buf and returns the full length, or -EINVAL / -EMSGSIZE for
 * an event that audit_append() would refuse.  Exposed for tests and tools.
 */
int	audit_encode(const struct audit_record *r, uint8_t *buf, size_t len);

#endif /* AUDIT_H */
