/* SPDX-License-Identifier: ISC */
/*
 * store: queue, de-duplication, inbox and sent tables on node/db.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "node/db.h"
#include "node/store.h"

/* Statements prepared once at open, by index. */
enum {
	Q_ENQUEUE, Q_ENQUEUE_BODY, Q_DUE, Q_FIND, Q_DEQUEUE, Q_DEQUEUE_BODY,
	Q_DEFER, Q_WAKE, Q_EXPIRED, Q_SIZE, Q_SIZE_ROW, Q_SIZE_ADD, Q_SEEN,
	Q_INBOX_ADD, Q_INBOX_LIST, Q_INBOX_GET, Q_INBOX_READ,
	Q_SENT_ADD, Q_SENT_UPDATE, Q_SENT_UPDATE_NODE, Q_SENT_ONE, Q_SENT_ALL,
	Q_WIPE_OFF, Q_WIPE_ON,
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_ENQUEUE] = "INSERT INTO queue(kind, id, dest, next_hop, origin, "
	    "precedence, expires, len, next_try, attempts) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, length(?8), 0, 0)",
	[Q_ENQUEUE_BODY] = "INSERT INTO queue_body(seq, bytes) "
	    "VALUES (last_insert_rowid(), ?1)",
	[Q_DUE] = "SELECT q.seq, kind, id, dest, next_hop, origin, precedence, "
	    "expires, attempts, bytes FROM queue AS q JOIN queue_body AS b "
	    "ON b.seq = q.seq WHERE next_hop = ?1 AND next_try <= ?2 "
	    "ORDER BY precedence, q.seq LIMIT ?3",
	[Q_FIND] = "SELECT seq, next_hop, precedence, len FROM queue "
	    "WHERE kind = ?1 AND id = ?2 AND dest = ?3",
	[Q_DEQUEUE] = "DELETE FROM queue WHERE seq = ?1",
	[Q_DEQUEUE_BODY] = "DELETE FROM queue_body WHERE seq = ?1",
	[Q_DEFER] = "UPDATE OR FAIL queue SET next_try = ?2, "
	    "attempts = attempts + 1 WHERE seq = ?1",
	[Q_WAKE] = "UPDATE OR FAIL queue SET next_try = 0 WHERE next_hop = ?1",
	[Q_EXPIRED] = "SELECT q.seq, kind, id, dest, next_hop, origin, "
	    "precedence, expires, attempts, bytes FROM queue AS q "
	    "JOIN queue_body AS b ON b.seq = q.seq "
	    "WHERE expires <= ?1 ORDER BY q.seq LIMIT ?2",
	[Q_SIZE] = "SELECT precedence, n, bytes FROM queue_size "
	    "WHERE next_hop = ?1",
	[Q_SIZE_ROW] = "INSERT OR IGNORE INTO queue_size VALUES (?1, ?2, 0, 0)",
	[Q_SIZE_ADD] = "UPDATE OR FAIL queue_size SET n = n + ?3, "
	    "bytes = bytes + ?4 WHERE next_hop = ?1 AND precedence = ?2",
	[Q_SEEN] = "INSERT INTO seen(kind, id, dest, at) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[Q_INBOX_ADD] = "INSERT INTO inbox(id, login, origin, label, "
	    "precedence, created, received, subject, envelope, read_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)",
	[Q_INBOX_LIST] = "SELECT id, login, origin, label, precedence, created, "
	    "received, read_at, subject FROM inbox WHERE login = ?1 OR "
	    "login = '' ORDER BY received DESC, rowid DESC",
	[Q_INBOX_GET] = "SELECT id, login, origin, label, precedence, created, "
	    "received, read_at, subject, envelope FROM inbox WHERE id = ?1 AND "
	    "(login = ?2 OR login = '') ORDER BY login DESC LIMIT 1",
	[Q_INBOX_READ] = "UPDATE OR FAIL inbox SET read_at = ?3 "
	    "WHERE id = ?1 AND (login = ?2 OR login = '') AND read_at = 0",
	[Q_SENT_ADD] = "INSERT OR IGNORE INTO sent(id, rcpt, node, label, "
	    "created, updated, status, via, reason) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8)",
	[Q_SENT_UPDATE] = "UPDATE OR FAIL sent SET status = ?3, "
	    "via = coalesce(?4, via), reason = coalesce(?5, reason), "
	    "updated = ?6 WHERE id = ?1 AND rcpt = ?2 AND "
	    "(status < ?3 OR ?3 >= 4) AND status < 4",
	[Q_SENT_UPDATE_NODE] = "UPDATE OR FAIL sent SET status = ?3, "
	    "via = coalesce(?4, via), reason = coalesce(?5, reason), "
	    "updated = ?6 WHERE id = ?1 AND node = ?2 AND "
	    "(status < ?3 OR ?3 >= 4) AND status < 4",
	[Q_SENT_ONE] = "SELECT id, rcpt, label, created, updated, status, via, "
	    "reason FROM sent WHERE id = ?1 ORDER BY rcpt",
	[Q_SENT_ALL] = "SELECT id, rcpt, label, created, updated, status, via, "
	    "reason FROM sent ORDER BY created DESC, id, rcpt",
	/* Around the deletion of a queue body only: see store_dequeue. */
	[Q_WIPE_OFF] = "PRAGMA secure_delete = 0",
	[Q_WIPE_ON] = "PRAGMA secure_delete = 1",
};

static int	wipe(struct store *, bool);

static const struct db_migration migrations[] = {
	{ 1,
	  "CREATE TABLE queue ("
	  " seq INTEGER PRIMARY KEY,"
	  " kind INTEGER NOT NULL, id BLOB NOT NULL, dest TEXT NOT NULL,"
	  " next_hop TEXT NOT NULL, origin TEXT NOT NULL,"
	  " precedence INTEGER NOT NULL, expires INTEGER NOT NULL,"
	  " bytes BLOB NOT NULL, next_try INTEGER NOT NULL,"
	  " attempts INTEGER NOT NULL,"
	  " UNIQUE (kind, id, dest));"
	  "CREATE INDEX queue_hop ON queue(next_hop, precedence, seq);"
	  "CREATE INDEX queue_expiry ON queue(expires);"
	  "CREATE TABLE seen ("
	  " kind INTEGER NOT NULL, id BLOB NOT NULL, dest TEXT NOT NULL,"
	  " at INTEGER NOT NULL, PRIMARY KEY (kind, id, dest)) WITHOUT ROWID;"
	  "CREATE TABLE inbox ("
	  " id BLOB NOT NULL, login TEXT NOT NULL, origin TEXT NOT NULL,"
	  " label TEXT NOT NULL, precedence INTEGER NOT NULL,"
	  " created INTEGER NOT NULL, received INTEGER NOT NULL,"
	  " subject TEXT NOT NULL, envelope BLOB NOT NULL,"
	  " read_at INTEGER NOT NULL, UNIQUE (id, login));"
	  "CREATE INDEX inbox_login ON inbox(login, received);"
	  "CREATE TABLE sent ("
	  " id BLOB NOT NULL, rcpt TEXT NOT NULL, node TEXT NOT NULL,"
	  " label TEXT NOT NULL, created INTEGER NOT NULL,"
	  " updated INTEGER NOT NULL, status INTEGER NOT NULL,"
	  " via TEXT, reason TEXT, PRIMARY KEY (id, rcpt));"
	  "CREATE INDEX sent_node ON sent(id, node);" },
	/*
	 * Every submission checks the queue's size against queue_max_bytes.
	 * Summing the queue costs one scan of it, decrypting every page: a
	 * node holding 100,000 messages did a few submissions a second.  The
	 * sums are kept by triggers instead, in the same transactions as the
	 * queue, so a rollback undoes both.
	 */
	{ 2,
	  "CREATE TABLE queue_size ("
	  " next_hop TEXT NOT NULL, precedence INTEGER NOT NULL,"
	  " n INTEGER NOT NULL, bytes INTEGER NOT NULL,"
	  " PRIMARY KEY (next_hop, precedence)) WITHOUT ROWID;"
	  "INSERT INTO queue_size SELECT next_hop, precedence, count(*),"
	  " sum(length(bytes)) FROM queue GROUP BY next_hop, precedence;"
	  "CREATE TRIGGER queue_size_insert AFTER INSERT ON queue BEGIN"
	  " INSERT OR IGNORE INTO queue_size VALUES"
	  "  (new.next_hop, new.precedence, 0, 0);"
	  " UPDATE queue_size SET n = n + 1, bytes = bytes + length(new.bytes)"
	  "  WHERE next_hop = new.next_hop AND precedence = new.precedence;"
	  "END;"
	  "CREATE TRIGGER queue_size_delete AFTER DELETE ON queue BEGIN"
	  " UPDATE queue_size SET n = n - 1, bytes = bytes - length(old.bytes)"
	  "  WHERE next_hop = old.next_hop AND precedence = old.precedence;"
	  "END;"
	  "CREATE TRIGGER queue_size_update"
	  " AFTER UPDATE OF next_hop, precedence, bytes ON queue BEGIN"
	  " UPDATE queue_size SET n = n - 1, bytes = bytes - length(old.bytes)"
	  "  WHERE next_hop = old.next_hop AND precedence = old.precedence;"
	  " INSERT OR IGNORE INTO queue_size VALUES"
	  "  (new.next_hop, new.precedence, 0, 0);"
	  " UPDATE queue_size SET n = n + 1, bytes = bytes + length(new.bytes)"
	  "  WHERE next_hop = new.next_hop AND precedence = new.precedence;"
	  "END;" },
	/*
	 * The envelope lived in the queue row, before next_try and attempts:
	 * deferring a sent message rewrote the whole record and its overflow
	 * page, and every scan for due messages read (and decrypted) the
	 * envelopes of everything in flight, about 45 page ciphers per
	 * message.  The envelope now has a table of its own, written once and
	 * read once per send; the queue rows are small.
	 *
	 * The triggers that kept queue_size go too: a statement that fires a
	 * trigger inside a transaction opens a statement journal, and
	 * SQLCipher encrypts every page it journals, a dozen page ciphers
	 * per queued or dequeued item.  store.c keeps the sums itself, and
	 * single-row updates say OR FAIL, which needs no statement journal.
	 */
	{ 3,
	  "CREATE TABLE queue_body ("
	  " seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL);"
	  "INSERT INTO queue_body SELECT seq, bytes FROM queue;"
	  "CREATE TABLE queue3 ("
	  " seq INTEGER PRIMARY KEY,"
	  " kind INTEGER NOT NULL, id BLOB NOT NULL, dest TEXT NOT NULL,"
	  " next_hop TEXT NOT NULL, origin TEXT NOT NULL,"
	  " precedence INTEGER NOT NULL, expires INTEGER NOT NULL,"
	  " len INTEGER NOT NULL, next_try INTEGER NOT NULL,"
	  " attempts INTEGER NOT NULL,"
	  " UNIQUE (kind, id, dest));"
	  "INSERT INTO queue3 SELECT seq, kind, id, dest, next_hop, origin,"
	  " precedence, expires, length(bytes), next_try, attempts FROM queue;"
	  "DROP TABLE queue;"
	  "ALTER TABLE queue3 RENAME TO queue;"
	  "CREATE INDEX queue_hop"
	  " ON queue(next_hop, precedence, seq, next_try);"
	  "CREATE INDEX queue_expiry ON queue(expires);"
	  "DELETE FROM queue_size;"
	  "INSERT INTO queue_size SELECT next_hop, precedence, count(*),"
	  " sum(len) FROM queue GROUP BY next_hop, precedence;" },
	/*
	 * Message ids are hashes: every index keyed by one takes each new
	 * row on a random page, and once the index outgrows a commit's
	 * batch, each message dirties (and SQLCipher ciphers) a page of its
	 * own there.  sent_node (id, node) repeated the primary key's
	 * prefix: lookups by id and node use the primary key (id, rcpt)
	 * and compare the node on the few rows of one message.
	 */
	{ 4,
	  "DROP INDEX IF EXISTS sent_node;" },
};

struct store {
	struct db	*db;
	struct db_stmt	*q[Q_COUNT];
	/* A change of several statements failed half-way: the transaction
	 * must not commit (it is rolled back), nor the savepoint be released,
	 * so that the queue and its sums never disagree. */
	bool		 broken;
	bool		 broken_before_sp;
	bool		 wipe_off;	/* secure_delete may be off (wipe) */
};

int
store_open(struct store **sp, const char *path, const uint8_t key[32])
{
	struct store *s;
	size_t i;
	int r;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	if ((r = db_open(&s->db, path, key, DB_CREATE)) != 0)
		goto fail;
	if ((r = db_migrate(s->db, migrations,
	    sizeof(migrations) / sizeof(migrations[0]))) != 0)
		goto fail;
	for (i = 0; i < Q_COUNT; i++)
		if ((r = db_prepare(s->db, &s->q[i], sql[i])) != 0)
			goto fail;
	*sp = s;
	return 0;
fail:
	store_close(&s);
	return r;
}

void
store_close(struct store **sp)
{
	struct store *s;
	size_t i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	for (i = 0; i < Q_COUNT; i++)
		db_finalize(s->q[i]);
	db_close(s->db);
	free(s);
	*sp = NULL;
}

int
store_begin(struct store *s)
{
	int r;

	/* A failed store_dequeue may have left zeroing off. */
	if (s->wipe_off && (r = wipe(s, true)) != 0)
		return r;
	return db_begin(s->db);
}

int
store_commit(struct store *s)
{
	if (s->broken) {
		store_rollback(s);
		return -EIO;
	}
	return db_commit(s->db);
}

void
store_fail(struct store *s)
{
	s->broken = true;
}

int
store_rollback(struct store *s)
{
	s->broken = s->broken_before_sp = false;
	return db_rollback(s->db);
}

int
store_savepoint(struct store *s)
{
	s->broken_before_sp = s->broken;
	return db_exec(s->db, "SAVEPOINT item");
}

int
store_savepoint_release(struct store *s)
{
	if (s->broken)
		return -EIO;
	return db_exec(s->db, "RELEASE item");
}

int
store_savepoint_rollback(struct store *s)
{
	int r = db_exec(s->db, "ROLLBACK TO item");

	if (r == 0)
		s->broken = s->broken_before_sp;
	return r != 0 ? r : db_exec(s->db, "RELEASE item");
}

/* Run a statement with no result rows; reset it on every path. */
static int
run(struct db_stmt *st)
{
	int r = db_step(st);

	db_reset(st);
	return r == DB_DONE ? 0 : r < 0 ? r : -EPROTO;
}

/* secure_delete on or off.  Until it is back on, the transaction does not
 * commit (broken) and no other begins (store_begin). */
static int
wipe(struct store *s, bool on)
{
	struct db_stmt *st = s->q[on ? Q_WIPE_ON : Q_WIPE_OFF];
	int r;

	s->wipe_off = true;
	r = db_step(st);
	db_reset(st);
	if (r != DB_ROW) {
		s->broken = true;
		return r < 0 ? r : -EPROTO;
	}
	s->wipe_off = !on;
	return 0;
}

static void
copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src != NULL ? src : "", n);
	dst[n] = '\0';
}

static int
copy_id(uint8_t id[STORE_ID_BYTES], struct db_stmt *st, int col)
{
	size_t len;
	const void *p = db_col_blob(st, col, &len);

	if (len != STORE_ID_BYTES)
		return -EBADMSG;
	memcpy(id, p, STORE_ID_BYTES);
	return 0;
}

/* Add n items of len bytes to the sums for (next_hop, precedence). */
static int
size_add(struct store *s, const char *next_hop, int64_t prec, int64_t n,
    int64_t len)
{
	struct db_stmt *st = s->q[Q_SIZE_ROW];
	int r;

	if ((r = db_bind_text(st, 1, next_hop)) != 0 ||
	    (r = db_bind_int(st, 2, prec)) != 0 || (r = run(st)) != 0) {
		db_reset(st);
		return r;
	}
	st = s->q[Q_SIZE_ADD];
	if ((r = db_bind_text(st, 1, next_hop)) != 0 ||
	    (r = db_bind_int(st, 2, prec)) != 0 ||
	    (r = db_bind_int(st, 3, n)) != 0 ||
	    (r = db_bind_int(st, 4, len)) != 0) {
		db_reset(st);
		return r;
	}
	return run(st);
}

int
store_enqueue(struct store *s, const struct store_item *it)
{
	struct db_stmt *st = s->q[Q_ENQUEUE];
	int r;

	if ((r = db_bind_int(st, 1, it->kind)) != 0 ||
	    (r = db_bind_blob(st, 2, it->id, STORE_ID_BYTES)) != 0 ||
	    (r = db_bind_text(st, 3, it->dest)) != 0 ||
	    (r = db_bind_text(st, 4, it->next_hop)) != 0 ||
	    (r = db_bind_text(st, 5, it->origin)) != 0 ||
	    (r = db_bind_int(st, 6, it->precedence)) != 0 ||
	    (r = db_bind_int(st, 7, it->expires)) != 0 ||
	    (r = db_bind_blob(st, 8, it->bytes, it->len)) != 0) {
		db_reset(st);
		return r;
	}
	if ((r = run(st)) != 0)
		return r;
	/* Right after the queue row: last_insert_rowid() is its seq. */
	st = s->q[Q_ENQUEUE_BODY];
	if ((r = db_bind_blob(st, 1, it->bytes, it->len)) != 0 ||
	    (r = run(st)) != 0 ||
	    (r = size_add(s, it->next_hop, it->precedence, 1,
	    (int64_t)it->len)) != 0) {
		db_reset(st);
		s->broken = true;
	}
	return r;
}

void
store_item_clear(struct store_item *it)
{
	free(it->bytes);
	memset(it, 0, sizeof(*it));
}

/* Read queue rows (the column order of Q_DUE and Q_EXPIRED). */
static int
read_items(struct db_stmt *st, struct store_item *items, size_t max,
    size_t *n)
{
	const void *p;
	size_t len;
	int r;

	*n = 0;
	while (*n < max && (r = db_step(st)) == DB_ROW) {
		struct store_item *it = &items[*n];

		memset(it, 0, sizeof(*it));
		it->seq = db_col_int(st, 0);
		it->kind = (enum store_kind)db_col_int(st, 1);
		if ((r = copy_id(it->id, st, 2)) != 0)
			goto fail;
		copy_text(it->dest, sizeof(it->dest), db_col_text(st, 3));
		copy_text(it->next_hop, sizeof(it->next_hop),
		    db_col_text(st, 4));
		copy_text(it->origin, sizeof(it->origin), db_col_text(st, 5));
		it->precedence = (int)db_col_int(st, 6);
		it->expires = db_col_int(st, 7);
		it->attempts = (int)db_col_int(st, 8);
		p = db_col_blob(st, 9, &len);
		if ((it->bytes = malloc(len > 0 ? len : 1)) == NULL) {
			r = -ENOMEM;
			goto fail;
		}
		memcpy(it->bytes, p, len);
		it->len = len;
		(*n)++;
	}
	if (*n < max && r != DB_DONE)
		goto fail;
	db_reset(st);
	return 0;
fail:
	while (*n > 0)
		store_item_clear(&items[--(*n)]);
	db_reset(st);
	return r < 0 ? r : -EBADMSG;
}

int
store_due(struct store *s, const char *next_hop, int64_t now_ms,
    struct store_item *items, size_t max, size_t *n)
{
	struct db_stmt *st = s->q[Q_DUE];
	int r;

	*n = 0;
	if ((r = db_bind_text(st, 1, next_hop)) != 0 ||
	    (r = db_bind_int(st, 2, now_ms)) != 0 ||
	    (r = db_bind_int(st, 3, (int64_t)max)) != 0) {
		db_reset(st);
		return r;
	}
	return read_items(st, items, max, n);
}

int
store_expired(struct store *s, int64_t now, struct store_item *items,
    size_t max, size_t *n)
{
	struct db_stmt *st = s->q[Q_EXPIRED];
	int r;

	*n = 0;
	if ((r = db_bind_int(st, 1, now)) != 0 ||
	    (r = db_bind_int(st, 2, (int64_t)max)) != 0) {
		db_reset(st);
		return r;
	}
	return read_items(st, items, max, n);
}

int
store_dequeue(struct store *s, enum store_kind kind,
    const uint8_t id[STORE_ID_BYTES], const char *dest)
{
	struct db_stmt *st = s->q[Q_FIND];
	char next_hop[STORE_NAME_MAX + 1];
	int64_t seq, prec, len;
	int r;

	if ((r = db_bind_int(st, 1, kind)) != 0 ||
	    (r = db_bind_blob(st, 2, id, STORE_ID_BYTES)) != 0 ||
	    (r = db_bind_text(st, 3, dest)) != 0 ||
	    (r = db_step(st)) != DB_ROW) {
		db_reset(st);
		/* Not queued (any more) is not an error. */
		return r == DB_DONE ? 0 : r < 0 ? r : -EPROTO;
	}
	seq = db_col_int(st, 0);
	copy_text(next_hop, sizeof(next_hop), db_col_text(st, 1));
	prec = db_col_int(st, 2);
	len = db_col_int(st, 3);
	db_reset(st);
	st = s->q[Q_DEQUEUE];
	if ((r = db_bind_int(st, 1, seq)) != 0 || (r = run(st)) != 0) {
		db_reset(st);
		return r;
	}
	/*
	 * The body is deleted without secure_delete's zeroing, which wrote
	 * (and ciphered) one more page per message, the freed overflow page:
	 * a quarter of the bytes its origin wrote per message.  Nothing is
	 * lost by it.  A body is a wire object: its clear part (origin,
	 * recipients, label, precedence, id; times and sizes) is what the
	 * audit log records of it at every hop and keeps, its body is
	 * end-to-end encrypted to the destination nodes, and a destination
	 * keeps its own copy in the inbox.  The freed page stays under the
	 * store's page cipher until it is reused.  Every other deletion
	 * keeps zeroing.
	 */
	st = s->q[Q_DEQUEUE_BODY];
	if ((r = wipe(s, false)) != 0 ||
	    (r = db_bind_int(st, 1, seq)) != 0 || (r = run(st)) != 0 ||
	    (r = wipe(s, true)) != 0 ||
	    (r = size_add(s, next_hop, prec, -1, -len)) != 0) {
		db_reset(st);
		s->broken = true;
	}
	return r;
}

int
store_defer(struct store *s, int64_t seq, int64_t next_try_ms)
{
	struct db_stmt *st = s->q[Q_DEFER];
	int r;

	if ((r = db_bind_int(st, 1, seq)) != 0 ||
	    (r = db_bind_int(st, 2, next_try_ms)) != 0) {
		db_reset(st);
		return r;
	}
	return run(st);
}

int
store_wake(struct store *s, const char *next_hop)
{
	struct db_stmt *st = s->q[Q_WAKE];
	int r;

	if ((r = db_bind_text(st, 1, next_hop)) != 0) {
		db_reset(st);
		return r;
	}
	return run(st);
}

int
store_queue_size(struct store *s, const char *next_hop, int64_t *bytes,
    int64_t counts[4])
{
	struct db_stmt *st = s->q[Q_SIZE];
	int r;

	*bytes = 0;
	memset(counts, 0, 4 * sizeof(counts[0]));
	if ((r = db_bind_text(st, 1, next_hop)) != 0) {
		db_reset(st);
		return r;
	}
	while ((r = db_step(st)) == DB_ROW) {
		int64_t p = db_col_int(st, 0);

		if (p >= 0 && p < 4)
			counts[p] = db_col_int(st, 1);
		*bytes += db_col_int(st, 2);
	}
	db_reset(st);
	return r == DB_DONE ? 0 : r;
}

int
store_mark_seen(struct store *s, enum store_kind kind,
    const uint8_t id[STORE_ID_BYTES], const char *dest, int64_t now)
{
	struct db_stmt *st = s->q[Q_SEEN];
	int r;

	if ((r = db_bind_int(st, 1, kind)) != 0 ||
	    (r = db_bind_blob(st, 2, id, STORE_ID_BYTES)) != 0 ||
	    (r = db_bind_text(st, 3, dest)) != 0 ||
	    (r = db_bind_int(st, 4, now)) != 0) {
		db_reset(st);
		return r;
	}
	/* A duplicate fails the statement (-EEXIST), not the transaction. */
	return run(st);
}

int
store_inbox_add(struct store *s, const struct store_inbox_row *row,
    const uint8_t *envelope, size_t len)
{
	struct db_stmt *st = s->q[Q_INBOX_ADD];
	int r;

	if ((r = db_bind_blob(st, 1, row->id, STORE_ID_BYTES)) != 0 ||
	    (r = db_bind_text(st, 2, row->login)) != 0 ||
	    (r = db_bind_text(st, 3, row->origin)) != 0 ||
	    (r = db_bind_text(st, 4, row->label)) != 0 ||
	    (r = db_bind_int(st, 5, row->precedence)) != 0 ||
	    (r = db_bind_int(st, 6, row->created)) != 0 ||
	    (r = db_bind_int(st, 7, row->received)) != 0 ||
	    (r = db_bind_text(st, 8, row->subject)) != 0 ||
	    (r = db_bind_blob(st, 9, envelope, len)) != 0) {
		db_reset(st);
		return r;
	}
	/* A duplicate fails the statement (-EEXIST), not the transaction. */
	return run(st);
}

static int
read_inbox_row(struct db_stmt *st, struct store_inbox_row *row)
{
	memset(row, 0, sizeof(*row));
	if (copy_id(row->id, st, 0) != 0)
		return -EBADMSG;
	copy_text(row->login, sizeof(row->login), db_col_text(st, 1));
	copy_text(row->origin, sizeof(row->origin), db_col_text(st, 2));
	copy_text(row->label, sizeof(row->label), db_col_text(st, 3));
	row->precedence = (int)db_col_int(st, 4);
	row->created = db_col_int(st, 5);
	row->received = db_col_int(st, 6);
	row->read_at = db_col_int(st, 7);
	copy_text(row->subject, sizeof(row->subject), db_col_text(st, 8));
	return 0;
}

/* Collect rows with a reader into a growing array. */
static int
collect(struct db_stmt *st, size_t elem, int (*read)(struct db_stmt *,
    void *), void **rows, size_t *n)
{
	size_t cap = 0;
	void *arr = NULL, *grown;
	int r;

	*rows = NULL;
	*n = 0;
	while ((r = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = reallocarray(arr, cap, elem)) == NULL) {
				r = -ENOMEM;
				break;
			}
			arr = grown;
		}
		if ((r = read(st, (char *)arr + *n * elem)) != 0)
			break;
		(*n)++;
	}
	db_reset(st);
	if (r != DB_DONE) {
		free(arr);
		*n = 0;
		return r < 0 ? r : -EBADMSG;
	}
	*rows = arr;
	return 0;
}

static int
read_inbox_any(struct db_stmt *st, void *row)
{
	return read_inbox_row(st, row);
}

int
store_inbox_list(struct store *s, const char *login,
    struct store_inbox_row **rows, size_t *n)
{
	struct db_stmt *st = s->q[Q_INBOX_LIST];
	int r;

	if ((r = db_bind_text(st, 1, login)) != 0) {
		db_reset(st);
		return r;
	}
	return collect(st, sizeof(**rows), read_inbox_any, (void **)rows, n);
}

int
store_inbox_get(struct store *s, const uint8_t id[STORE_ID_BYTES],
    const char *login, struct store_inbox_row *row, uint8_t **envelope,
    size_t *len)
{
	struct db_stmt *st = s->q[Q_INBOX_GET];
	const void *p;
	int r;

	*envelope = NULL;
	*len = 0;
	if ((r = db_bind_blob(st, 1, id, STORE_ID_BYTES)) != 0 ||
	    (r = db_bind_text(st, 2, login)) != 0) {
		db_reset(st);
		return r;
	}
	if ((r = db_step(st)) != DB_ROW) {
		db_reset(st);
		return r == DB_DONE ? -ENOENT : r;
	}
	if ((r = read_inbox_row(st, row)) == 0) {
		p = db_col_blob(st, 9, len);
		if ((*envelope = malloc(*len > 0 ? *len : 1)) == NULL)
			r = -ENOMEM;
		else
			memcpy(*envelope, p, *len);
	}
	db_reset(st);
	return r;
}

int
store_inbox_mark_read(struct store *s, const uint8_t id[STORE_ID_BYTES],
    const char *login, int64_t now)
{
	struct db_stmt *st = s->q[Q_INBOX_READ];
	int r;

	if ((r = db_bind_blob(st, 1, id, STORE_ID_BYTES)) != 0 ||
	    (r = db_bind_text(st, 2, login)) != 0 ||
	    (r = db_bind_int(st, 3, now)) != 0) {
		db_reset(st);
		return r;
	}
	return run(st);
}

int
store_sent_add(struct store *s, const struct store_sent_row *row)
{
	struct db_stmt *st = s->q[Q_SENT_ADD];
	const char *at = strchr(row->rcpt, '@');
	int r;

	if ((r = db_bind_blob(st, 1, row->id, STORE_ID_BYTES)) != 0 ||
	    (r = db_bind_text(st, 2, row->rcpt)) != 0 ||
	    (r = db_bind_text(st, 3, at != NULL ? at + 1 : row->rcpt)) != 0 ||
	    (r = db_bind_text(st, 4, row->label)) != 0 ||
	    (r = db_bind_int(st, 5, row->created)) != 0 ||
	    (r = db_bind_int(st, 6, row->status)) != 0 ||
	    (r = db_bind_text(st, 7, row->via[0] ? row->via : NULL)) != 0 ||
	    (r = db_bind_text(st, 8, row->reason[0] ? row->reason : NULL))
	    != 0) {
		db_reset(st);
		return r;
	}
	return run(st);
}

int
store_sent_update(struct store *s, const uint8_t id[STORE_ID_BYTES],
    const char *rcpt_or_node, bool exact, enum store_status status,
    const char *via, const char *reason, int64_t now)
{
	struct db_stmt *st = exact ? s->q[Q_SENT_UPDATE] :
	    s->q[Q_SENT_UPDATE_NODE];
	int r;

	if ((r = db_bind_blob(st, 1, id, STORE_ID_BYTES)) != 0 ||
	    (r = db_bind_text(st, 2, rcpt_or_node)) != 0 ||
	    (r = db_bind_int(st, 3, status)) != 0 ||
	    (r = db_bind_text(st, 4, via)) != 0 ||
	    (r = db_bind_text(st, 5, reason)) != 0 ||
	    (r = db_bind_int(st, 6, now)) != 0) {
		db_reset(st);
		return r;
	}
	if ((r = run(st)) != 0)
		return r;
	return db_changes(s->db) > 0 ? 0 : -ENOENT;
}

static int
read_sent_row(struct db_stmt *st, void *p)
{
	struct store_sent_row *row = p;

	memset(row, 0, sizeof(*row));
	if (copy_id(row->id, st, 0) != 0)
		return -EBADMSG;
	copy_text(row->rcpt, sizeof(row->rcpt), db_col_text(st, 1));
	copy_text(row->label, sizeof(row->label), db_col_text(st, 2));
	row->created = db_col_int(st, 3);
	row->updated = db_col_int(st, 4);
	row->status = (enum store_status)db_col_int(st, 5);
	copy_text(row->via, sizeof(row->via), db_col_text(st, 6));
	copy_text(row->reason, sizeof(row->reason), db_col_text(st, 7));
	return 0;
}

int
store_sent_list(struct store *s, const uint8_t *id,
    struct store_sent_row **rows, size_t *n)
{
	struct db_stmt *st = id != NULL ? s->q[Q_SENT_ONE] : s->q[Q_SENT_ALL];
	int r;

	if (id != NULL && (r = db_bind_blob(st, 1, id, STORE_ID_BYTES)) != 0) {
		db_reset(st);
		return r;
	}
	return collect(st, sizeof(**rows), read_sent_row, (void **)rows, n);
}

const char *
store_status_name(enum store_status st)
{
	static const char *const names[] = { "queued", "relayed", "delivered",
	    "read", "refused", "expired" };

	return st >= STORE_QUEUED && st <= STORE_EXPIRED ? names[st] : "?";
}
