/* SPDX-License-Identifier: ISC */
/*
 * store: the node's durable message store, an SQLCipher database
 * (state_dir/store.db) keyed with a subkey of the node secret.
 *
 *	queue	every envelope or receipt this node still owes to a next
 *		hop, one row per (kind, id, destination node), until that
 *		hop acknowledges it or it expires
 *	seen	what this node has already taken from a previous hop, per
 *		(kind, id, destination), so that a copy arriving again (a
 *		lost acknowledgement, a replay) is acknowledged and dropped
 *	inbox	messages delivered here, one row per local recipient
 *	sent	per recipient of each message this node originated: queued,
 *		relayed, delivered, read, refused or expired
 *
 * Writes happen inside store_begin()/store_commit(), so that many
 * messages share one fsync (group commit).  Nothing may be acknowledged,
 * to the command line or to a peer, before store_commit() returned 0.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_ID_BYTES		32
#define STORE_NAME_MAX		32
#define STORE_ADDR_MAX		(2 * STORE_NAME_MAX + 1)
#define STORE_LABEL_MAX		1024
#define STORE_TEXT_MAX		256	/* reasons, rule names, subjects */

enum store_kind {
	STORE_MESSAGE	= 1,	/* an envelope */
	STORE_RECEIPT	= 2,	/* a signed receipt */
};

/* Per-recipient state of a message this node sent. */
enum store_status {
	STORE_QUEUED	= 0,
	STORE_RELAYED	= 1,	/* the next hop has it; not yet delivered */
	STORE_DELIVERED	= 2,
	STORE_READ	= 3,
	STORE_REFUSED	= 4,
	STORE_EXPIRED	= 5,
};

struct store;

/* One queued item, as handed to the sender. */
struct store_item {
	int64_t		seq;
	enum store_kind	kind;
	uint8_t		id[STORE_ID_BYTES];
	char		dest[STORE_NAME_MAX + 1];
	char		next_hop[STORE_NAME_MAX + 1];
	char		origin[STORE_NAME_MAX + 1];
	int		precedence;	/* 0 FLASH .. 3 ROUTINE */
	int64_t		expires;	/* Unix seconds */
	int		attempts;
	uint8_t		*bytes;		/* owned; store_item_clear() */
	size_t		len;
};

/* A message in the inbox (bodies stay in their envelope). */
struct store_inbox_row {
	uint8_t		id[STORE_ID_BYTES];
	char		login[STORE_NAME_MAX + 1];	/* "" for the node */
	char		origin[STORE_NAME_MAX + 1];
	char		label[STORE_LABEL_MAX + 1];
	int		precedence;
	int64_t		created, received, read_at;	/* read_at 0: unread */
	char		subject[STORE_TEXT_MAX + 1];
};

struct store_sent_row {
	uint8_t		id[STORE_ID_BYTES];
	char		rcpt[STORE_ADDR_MAX + 1];
	char		label[STORE_LABEL_MAX + 1];
	int64_t		created, updated;
	enum store_status status;
	char		via[STORE_NAME_MAX + 1];
	char		reason[STORE_TEXT_MAX + 1];
};

/* Open (creating) the store at path with its 32-byte key.  0 or -errno;
 * -EBADMSG for a wrong key or a corrupt file. */
int	store_open(struct store **sp, const char *path, const uint8_t key[32])
	    __attribute__((warn_unused_result));
void	store_close(struct store **sp);

/* Group commit.  store_commit() returns only once the data is on disk. */
int	store_begin(struct store *s);
int	store_commit(struct store *s) __attribute__((warn_unused_result));
/* A change failed half-way: the transaction will not commit
 * (store_commit rolls it back and returns -EIO). */
void	store_fail(struct store *s);
int	store_rollback(struct store *s);

/*
 * A savepoint inside the open transaction, so that one request or frame
 * can be undone without undoing the rest of the round.  Not nested.
 */
int	store_savepoint(struct store *s);
int	store_savepoint_release(struct store *s);
int	store_savepoint_rollback(struct store *s);

/*
 * Queue bytes for dest through next_hop.  -EEXIST when (kind, id, dest) is
 * queued already.
 */
int	store_enqueue(struct store *s, const struct store_item *it);

/*
 * Up to max items for next_hop that are due at now_ms, highest precedence
 * first, then oldest first.  *n receives the count; clear each item.
 */
int	store_due(struct store *s, const char *next_hop, int64_t now_ms,
	    struct store_item *items, size_t max, size_t *n);
void	store_item_clear(struct store_item *it);

/* Remove a queued item (acknowledged, refused for good, or expired). */
int	store_dequeue(struct store *s, enum store_kind kind,
	    const uint8_t id[STORE_ID_BYTES], const char *dest);
/* Not before next_try_ms again; attempts is counted up. */
int	store_defer(struct store *s, int64_t seq, int64_t next_try_ms);
/* Make every item for next_hop due now (the peer is back). */
int	store_wake(struct store *s, const char *next_hop);

/* Items that expired at now (Unix seconds), at most max. */
int	store_expired(struct store *s, int64_t now, struct store_item *items,
	    size_t max, size_t *n);

/* Bytes and items queued for next_hop, per precedence (counts[4]). */
int	store_queue_size(struct store *s, const char *next_hop,
	    int64_t *bytes, int64_t counts[4]);

/* Record that (kind, id, dest) was taken; -EEXIST when already seen. */
int	store_mark_seen(struct store *s, enum store_kind kind,
	    const uint8_t id[STORE_ID_BYTES], const char *dest, int64_t now);

/* Deliver to a local recipient; -EEXIST when already there. */
int	store_inbox_add(struct store *s, const struct store_inbox_row *row,
	    const uint8_t *envelope, size_t len);
/* The inbox rows of login (and the node's own, login ""), newest first. */
int	store_inbox_list(struct store *s, const char *login,
	    struct store_inbox_row **rows, size_t *n);
/* One row and its envelope (malloc'd).  -ENOENT when absent. */
int	store_inbox_get(struct store *s, const uint8_t id[STORE_ID_BYTES],
	    const char *login, struct store_inbox_row *row, uint8_t **envelope,
	    size_t *len);
int	store_inbox_mark_read(struct store *s, const uint8_t id[STORE_ID_BYTES],
	    const char *login, int64_t now);

/* Sent messages: one row per recipient address. */
int	store_sent_add(struct store *s, const struct store_sent_row *row);
/*
 * Move the recipient rcpt of id (exact), or every recipient of id on the
 * node rcpt (not exact), to status, forward only: a late "relayed" never
 * undoes "read", and refused or expired are final.  -ENOENT when no row
 * changed.
 */
int	store_sent_update(struct store *s, const uint8_t id[STORE_ID_BYTES],
	    const char *rcpt, bool exact, enum store_status status,
	    const char *via, const char *reason, int64_t now);
/* Rows for id (all sent messages when id is NULL), newest first. */
int	store_sent_list(struct store *s, const uint8_t *id,
	    struct store_sent_row **rows, size_t *n);

const char *store_status_name(enum store_status st);

#endif /* STORE_H */
