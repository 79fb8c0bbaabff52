/* SPDX-License-Identifier: ISC */
/*
 * t_store: the message store: precedence then age order, retry deferral,
 * de-duplication, expiry, inbox, sent status moving forward only, a
 * wrong key refused at open, a store of an older schema upgraded with
 * its queue intact, and the pages a dequeue writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "crypto/secmem.h"
#include "node/db.h"
#include "node/store.h"
#include "tests/tap.h"

static void
item(struct store_item *it, uint8_t idbyte, const char *dest, int prec,
    int64_t expires)
{
	static uint8_t payload[16];

	memset(it, 0, sizeof(*it));
	it->kind = STORE_MESSAGE;
	memset(it->id, idbyte, sizeof(it->id));
	snprintf(it->dest, sizeof(it->dest), "%s", dest);
	snprintf(it->next_hop, sizeof(it->next_hop), "HOP");
	snprintf(it->origin, sizeof(it->origin), "ME");
	it->precedence = prec;
	it->expires = expires;
	memset(payload, idbyte, sizeof(payload));
	it->bytes = payload;
	it->len = sizeof(payload);
}

/* The first column of the first row of sql; -1 if it cannot be read. */
static int64_t
scalar(struct db *db, const char *sql)
{
	struct db_stmt *st = NULL;
	int64_t v = -1;

	if (db != NULL && db_prepare(db, &st, sql) == 0 &&
	    db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_finalize(st);
	return v;
}

/*
 * A store as version 2 left it (the envelope inside the queue row), with
 * two messages queued; the current code must upgrade it keeping both, their
 * bytes and the queue's sums.
 */
static void
upgrade_from_v2(const char *dir, const uint8_t key[32])
{
	char path[128];
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	struct store *s = NULL;
	struct store_item due[4];
	int64_t bytes, counts[4];
	size_t n = 0, i;

	snprintf(path, sizeof(path), "%s/old.db", dir);
	if (db_open(&db, path, key, DB_CREATE) != 0 || db_exec(db,
	    "CREATE TABLE queue (seq INTEGER PRIMARY KEY,"
	    " kind INTEGER NOT NULL, id BLOB NOT NULL, dest TEXT NOT NULL,"
	    " next_hop TEXT NOT NULL, origin TEXT NOT NULL,"
	    " precedence INTEGER NOT NULL, expires INTEGER NOT NULL,"
	    " bytes BLOB NOT NULL, next_try INTEGER NOT NULL,"
	    " attempts INTEGER NOT NULL, UNIQUE (kind, id, dest));"
	    "CREATE TABLE seen (kind INTEGER NOT NULL, id BLOB NOT NULL,"
	    " dest TEXT NOT NULL, at INTEGER NOT NULL,"
	    " PRIMARY KEY (kind, id, dest)) WITHOUT ROWID;"
	    "CREATE TABLE inbox (id BLOB NOT NULL, login TEXT NOT NULL,"
	    " origin TEXT NOT NULL, label TEXT NOT NULL,"
	    " precedence INTEGER NOT NULL, created INTEGER NOT NULL,"
	    " received INTEGER NOT NULL, subject TEXT NOT NULL,"
	    " envelope BLOB NOT NULL, read_at INTEGER NOT NULL,"
	    " UNIQUE (id, login));"
	    "CREATE TABLE sent (id BLOB NOT NULL, rcpt TEXT NOT NULL,"
	    " node TEXT NOT NULL, label TEXT NOT NULL,"
	    " created INTEGER NOT NULL, updated INTEGER NOT NULL,"
	    " status INTEGER NOT NULL, via TEXT, reason TEXT,"
	    " PRIMARY KEY (id, rcpt));"
	    "CREATE INDEX sent_node ON sent(id, node);"
	    "CREATE TABLE queue_size (next_hop TEXT NOT NULL,"
	    " precedence INTEGER NOT NULL, n INTEGER NOT NULL,"
	    " bytes INTEGER NOT NULL, PRIMARY KEY (next_hop, precedence))"
	    " WITHOUT ROWID;"
	    "INSERT INTO queue VALUES (1, 1, zeroblob(32), 'B', 'HOP', 'ME',"
	    " 3, 9999, x'0102030405', 0, 0);"
	    "INSERT INTO queue VALUES (2, 1, randomblob(32), 'B', 'HOP', 'ME',"
	    " 0, 9999, x'0a0b0c', 7000, 2);"
	    "INSERT INTO queue_size VALUES ('HOP', 3, 1, 5), ('HOP', 0, 1, 3);"
	    "CREATE TRIGGER queue_size_insert AFTER INSERT ON queue BEGIN"
	    " UPDATE queue_size SET n = n + 1 WHERE next_hop = new.next_hop;"
	    "END;"
	    "PRAGMA user_version = 2;") != 0)
		BAIL_OUT("building a version 2 store");
	db_close(db);
	is(store_open(&s, path, key), 0, "a version 2 store opens (upgraded)");
	if (s == NULL)
		return;
	is(store_due(s, "HOP", 8000, due, 4, &n), 0, "its queue is read");
	ok(n == 2 && due[0].precedence == 0 && due[0].len == 3 &&
	    memcmp(due[0].bytes, "\x0a\x0b\x0c", 3) == 0 &&
	    due[0].attempts == 2 && due[1].len == 5 &&
	    memcmp(due[1].bytes, "\x01\x02\x03\x04\x05", 5) == 0,
	    "both messages kept, with their bytes, attempts and order");
	for (i = 0; i < n; i++)
		store_item_clear(&due[i]);
	ok(store_queue_size(s, "HOP", &bytes, counts) == 0 && bytes == 8 &&
	    counts[0] == 1 && counts[3] == 1, "the queue's sums kept");
	is(store_begin(s), 0, "begin");
	is(store_dequeue(s, STORE_MESSAGE, (const uint8_t *)
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "B"), 0,
	    "dequeue an upgraded message");
	is(store_commit(s), 0, "commit");
	ok(store_queue_size(s, "HOP", &bytes, counts) == 0 && bytes == 3 &&
	    counts[3] == 0, "its bytes leave the sums");
	store_close(&s);
	if (db_open(&db, path, key, 0) == 0 && db_prepare(db, &st,
	    "SELECT count(*), sum(length(bytes)) FROM queue_body") == 0 &&
	    db_step(st) == DB_ROW)
		ok(db_col_int(st, 0) == 1 && db_col_int(st, 1) == 3,
		    "the dequeued envelope is deleted with its queue row");
	else
		ok(0, "reading queue_body");
	db_finalize(st);
	st = NULL;
	/* A trigger's statement journal costs a page cipher per page. */
	is(scalar(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'trigger'"), 0, "no triggers left in the store");
	/* Each index keyed by a message id costs a random page per message;
	 * the update by node must still find its rows by the primary key. */
	is(scalar(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'index' AND tbl_name = 'sent'"), 1,
	    "sent has one index: its primary key");
	if (db != NULL && db_prepare(db, &st, "EXPLAIN QUERY PLAN UPDATE sent "
	    "SET status = 3 WHERE id = x'00' AND node = 'N'") == 0 &&
	    db_step(st) == DB_ROW) {
		const char *plan = db_col_text(st, 3);

		ok(plan != NULL && strstr(plan, "SEARCH") != NULL &&
		    strstr(plan, "sqlite_autoindex_sent_1") != NULL,
		    "an update by id and node searches the primary key (%s)",
		    plan ? plan : "no plan");
	} else
		ok(0, "EXPLAIN QUERY PLAN");
	db_finalize(st);
	db_close(db);
}

/* Frames in path's write-ahead log (4 KiB pages); -1 if it cannot tell. */
static long
wal_frames(const char *path)
{
	char wal[160];
	struct stat sb;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (stat(wal, &sb) != 0)
		return -1;
	return sb.st_size < 32 ? 0 : (long)(sb.st_size - 32) / (24 + 4096);
}

/*
 * Taking envelopes off the queue does not zero their freed pages
 * (store_dequeue says why): 20 bodies of 4 KiB, one overflow page each,
 * dequeued in one commit, write fewer than 20 pages.  With secure_delete
 * they wrote the 20 zeroed pages and the leaves.
 */
static void
dequeue_pages(const char *dir, const uint8_t key[32])
{
	static uint8_t body[4096];
	char path[128];
	struct store *s = NULL;
	struct store_item it, due[20];
	struct db *db = NULL;
	int64_t bytes, counts[4];
	size_t i, n = 0;
	long frames;
	int r = 0;

	snprintf(path, sizeof(path), "%s/pages.db", dir);
	if (store_open(&s, path, key) != 0)
		BAIL_OUT("store_open pages.db");
	store_begin(s);
	for (i = 0; i < 20; i++) {
		item(&it, (uint8_t)(100 + i), "B", 3, 5000);
		memset(body, (int)i, sizeof(body));
		it.bytes = body;
		it.len = sizeof(body);
		r |= store_enqueue(s, &it);
	}
	is(r | store_commit(s), 0, "queue 20 bodies of 4 KiB");
	/* Empty the log, so that it holds only what the dequeue writes. */
	ok(db_open(&db, path, key, 0) == 0 &&
	    db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") == 0 &&
	    wal_frames(path) == 0, "checkpoint: the log is empty");
	db_close(db);
	store_begin(s);
	for (i = 0; i < 20; i++) {
		memset(it.id, (int)(100 + i), sizeof(it.id));
		r |= store_dequeue(s, STORE_MESSAGE, it.id, "B");
	}
	is(r | store_commit(s), 0, "dequeue all 20 in one commit");
	frames = wal_frames(path);
	ok(frames > 0 && frames < 20,
	    "the dequeue wrote %ld pages, fewer than one per body", frames);
	store_due(s, "HOP", 0, due, 20, &n);
	store_queue_size(s, "HOP", &bytes, counts);
	ok(n == 0 && bytes == 0 && counts[3] == 0, "the queue is empty");
	store_close(&s);
}

int
main(void)
{
	char dir[] = "/tmp/t_store.XXXXXX", path[128];
	uint8_t key[32], other[32], id[32], *env;
	struct store *s = NULL;
	struct store_item it, due[8];
	struct store_inbox_row row, got, *rows;
	struct store_sent_row sent, *srows;
	int64_t bytes, counts[4];
	size_t n, i, len;
	int r;

	if (secmem_init() != 0 || mkdtemp(dir) == NULL)
		BAIL_OUT("setup");
	snprintf(path, sizeof(path), "%s/store.db", dir);
	memset(key, 0x11, sizeof(key));
	memset(other, 0x22, sizeof(other));
	is(store_open(&s, path, key), 0, "open a new store");
	if (s == NULL)
		BAIL_OUT("store_open");

	is(store_begin(s), 0, "begin");
	item(&it, 1, "B", 3, 5000);	/* routine, oldest */
	is(store_enqueue(s, &it), 0, "queue a ROUTINE message");
	item(&it, 2, "B", 0, 5000);	/* flash */
	is(store_enqueue(s, &it), 0, "queue a FLASH message");
	item(&it, 3, "C", 3, 100);	/* routine, expires early */
	is(store_enqueue(s, &it), 0, "queue a second ROUTINE message");
	item(&it, 1, "B", 3, 5000);
	is(store_enqueue(s, &it), -EEXIST, "the same (id, dest) twice is refused");
	item(&it, 1, "C", 3, 5000);
	is(store_enqueue(s, &it), 0, "the same id for another destination");
	is(store_commit(s), 0, "commit");

	is(store_due(s, "HOP", 0, due, 8, &n), 0, "due items");
	is(n, 4, "all four are due");
	ok(n == 4 && due[0].id[0] == 2 && due[1].id[0] == 1 &&
	    due[2].id[0] == 3 && due[3].id[0] == 1,
	    "FLASH first, then ROUTINE oldest first");
	ok(n == 4 && due[0].len == 16 && due[0].bytes[0] == 2, "bytes intact");
	for (i = 0; i < n; i++)
		store_item_clear(&due[i]);
	is(store_queue_size(s, "HOP", &bytes, counts), 0, "queue size");
	ok(bytes == 64 && counts[0] == 1 && counts[3] == 3,
	    "bytes and counts per precedence");

	memset(id, 2, sizeof(id));
	store_begin(s);
	is(store_dequeue(s, STORE_MESSAGE, id, "B"), 0, "dequeue the FLASH one");
	store_due(s, "HOP", 0, due, 8, &n);
	is(store_defer(s, due[0].seq, 10000), 0, "defer the first due item");
	for (i = 0; i < n; i++)
		store_item_clear(&due[i]);
	is(store_commit(s), 0, "commit");
	is(store_queue_size(s, "HOP", &bytes, counts), 0, "queue size again");
	ok(bytes == 48 && counts[0] == 0 && counts[3] == 3,
	    "a dequeued item leaves the sums; a deferral does not");
	store_begin(s);
	item(&it, 4, "B", 0, 5000);
	store_enqueue(s, &it);
	store_rollback(s);
	store_queue_size(s, "HOP", &bytes, counts);
	ok(bytes == 48 && counts[0] == 0 && counts[3] == 3,
	    "a rolled-back enqueue leaves the sums as they were");
	store_queue_size(s, "NOBODY", &bytes, counts);
	ok(bytes == 0 && counts[0] == 0 && counts[3] == 0,
	    "nothing queued for an unknown hop");
	store_due(s, "HOP", 5000, due, 8, &n);
	is(n, 2, "a deferred item is not due before its time");
	for (i = 0; i < n; i++)
		store_item_clear(&due[i]);
	is(store_wake(s, "HOP"), 0, "wake the hop");
	store_due(s, "HOP", 5000, due, 8, &n);
	ok(n == 3 && due[0].attempts == 1, "due again, attempts counted");
	for (i = 0; i < n; i++)
		store_item_clear(&due[i]);

	is(store_expired(s, 1000, due, 8, &n), 0, "expired items");
	ok(n == 1 && due[0].id[0] == 3, "only the one past its expiry");
	for (i = 0; i < n; i++)
		store_item_clear(&due[i]);

	memset(id, 9, sizeof(id));
	is(store_mark_seen(s, STORE_MESSAGE, id, "ME", 1), 0, "first sight");
	is(store_mark_seen(s, STORE_MESSAGE, id, "ME", 2), -EEXIST,
	    "a replay of the same id is recognised");
	is(store_mark_seen(s, STORE_RECEIPT, id, "ME", 2), 0,
	    "kinds are kept apart");

	memset(&row, 0, sizeof(row));
	memcpy(row.id, id, sizeof(id));
	strcpy(row.login, "jdupont");
	strcpy(row.origin, "BE-MFA");
	strcpy(row.label, "NATO SECRET");
	strcpy(row.subject, "hello");
	row.received = 10;
	is(store_inbox_add(s, &row, (const uint8_t *)"ENV", 3), 0, "deliver");
	is(store_inbox_add(s, &row, (const uint8_t *)"ENV", 3), -EEXIST,
	    "delivered exactly once");
	strcpy(row.login, "");
	row.id[0] = 7;
	store_inbox_add(s, &row, (const uint8_t *)"ENV2", 4);
	is(store_inbox_list(s, "jdupont", &rows, &n), 0, "list the inbox");
	is(n, 2, "a user sees their own and the node's messages");
	free(rows);
	store_inbox_list(s, "amaes", &rows, &n);
	is(n, 1, "another user sees only the node's");
	free(rows);
	is(store_inbox_get(s, id, "jdupont", &got, &env, &len), 0, "get");
	ok(len == 3 && memcmp(env, "ENV", 3) == 0 &&
	    strcmp(got.subject, "hello") == 0, "the envelope and subject");
	free(env);
	is(store_inbox_get(s, id, "amaes", &got, &env, &len), -ENOENT,
	    "not another user's message");
	is(store_inbox_mark_read(s, id, "jdupont", 20), 0, "mark read");
	store_inbox_get(s, id, "jdupont", &got, &env, &len);
	is(got.read_at, 20, "read time kept");
	free(env);

	memset(&sent, 0, sizeof(sent));
	memcpy(sent.id, id, sizeof(id));
	strcpy(sent.rcpt, "jdupont@BE-DEF");
	strcpy(sent.label, "NATO SECRET");
	is(store_sent_add(s, &sent), 0, "sent row");
	strcpy(sent.rcpt, "BE-CUTA");
	store_sent_add(s, &sent);
	store_sent_update(s, id, "BE-DEF", false, STORE_DELIVERED, "BE-DEF", NULL, 5);
	store_sent_update(s, id, "BE-DEF", false, STORE_RELAYED, "X", NULL, 6);
	store_sent_update(s, id, "BE-CUTA", true, STORE_REFUSED, "BE-DEF",
	    "exceeds node accreditation", 7);
	store_sent_update(s, id, "BE-CUTA", true, STORE_DELIVERED, NULL, NULL, 8);
	is(store_sent_list(s, id, &srows, &n), 0, "sent list");
	ok(n == 2 && srows[0].status == STORE_REFUSED &&
	    strcmp(srows[0].reason, "exceeds node accreditation") == 0,
	    "a refusal is final and keeps its rule");
	ok(n == 2 && srows[1].status == STORE_DELIVERED &&
	    strcmp(srows[1].via, "BE-DEF") == 0,
	    "status moves forward only (late 'relayed' ignored)");
	free(srows);
	store_close(&s);
	ok(s == NULL, "close clears the pointer");

	r = store_open(&s, path, other);
	is(r, -EBADMSG, "a wrong key fails at open");
	store_close(&s);
	is(store_open(&s, path, key), 0, "the right key reopens");
	store_due(s, "HOP", 5000, due, 8, &n);
	is(n, 3, "queued items survive a reopen");
	for (i = 0; i < n; i++)
		store_item_clear(&due[i]);
	store_close(&s);
	upgrade_from_v2(dir, key);
	dequeue_pages(dir, key);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		diag("cleanup failed");
	return done_testing();
}
