/* SPDX-License-Identifier: ISC */
/*
 * db: the one place that talks to SQLCipher.  The audit log uses it now and
 * the message store will use it later, so it knows nothing about either.
 *
 * Opening a database keys it with a 32-byte raw key (never a passphrase, so
 * no PBKDF2 at open), sets every cipher parameter explicitly and reads each
 * one back, because SQLCipher 3.4 silently ignores a pragma it does not know.
 * It then probes the file with one read, so a wrong key fails in db_open()
 * before anything is written.  The settings are listed in DB_PRAGMAS_DOC and
 * in docs/auditor-guide.md: the stock `sqlcipher` shell needs the same ones.
 *
 * SQL is only ever a constant string; data goes through the bind helpers.
 * Every function returns 0 or a negative errno, and never prints:
 *	-ENOSPC		the disk or the database is full (SQLITE_FULL)
 *	-EBADMSG	wrong key, not a database, or corrupt (NOTADB, CORRUPT)
 *	-EAGAIN		busy or locked; try again
 *	-EIO		an I/O error below SQLite
 *	-ENOTSUP	a cipher setting was not applied (wrong SQLCipher build)
 *	-EROFS		a write on a read-only handle
 *	-EPERM		an append-only trigger refused a change
 *	-EEXIST		another constraint failed (a duplicate key)
 *	-ENOENT		the file does not exist (and DB_CREATE was not given)
 *	-EINVAL		bad SQL or bad arguments (a programming error)
 */
#ifndef DB_H
#define DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DB_KEY_BYTES	32

/*
 * The cipher settings, as one would type them into the sqlcipher shell after
 * PRAGMA key.  SQLCipher 3.4 defaults to 1024-byte pages; we use 4096 (the
 * SQLCipher 4 default, and the page size of the OS) for throughput.  With a
 * raw key kdf_iter is not used to derive the page key, but it is still set
 * so that a file never depends on a build's default.  The page HMAC is
 * HMAC-SHA1 in 3.4, which has no pragma to choose it (cipher_hmac_algorithm
 * is 4.x only and would be silently ignored); cipher_use_hmac turns it on.
 */
#define DB_PRAGMAS_DOC \
	"PRAGMA cipher = 'aes-256-cbc';\n" \
	"PRAGMA cipher_page_size = 4096;\n" \
	"PRAGMA kdf_iter = 64000;\n" \
	"PRAGMA cipher_use_hmac = ON;\n" \
	"PRAGMA cipher_hmac_pgno = le;\n" \
	"PRAGMA cipher_hmac_salt_mask = \"x'3a'\";\n" \
	"PRAGMA fast_kdf_iter = 2;\n"

/* Flags for db_open(). */
#define DB_RDONLY	0x1	/* open read-only; every write fails -EROFS */
#define DB_CREATE	0x2	/* create the file if it does not exist */

/* db_step() results besides -errno. */
#define DB_DONE		0
#define DB_ROW		1

struct db;
struct db_stmt;

/*
 * One schema step: when the database's user_version is below version, sql
 * is run and user_version becomes version.  Steps are listed in increasing
 * version order and never edited once released.
 */
struct db_migration {
	int		 version;
	const char	*sql;
};

/*
 * Open path with key (DB_KEY_BYTES, not kept by this module: SQLCipher
 * keeps its own derived copy).  Sets and checks the cipher settings, probes
 * the key with a read, then sets journal_mode=WAL, synchronous=FULL,
 * foreign_keys=ON, secure_delete=ON, temp_store=MEMORY and an 8 MiB page
 * cache, and reads each back.  A read-only handle also sets query_only.  *dbp is NULL on error.
 * 0, -ENOENT, -EBADMSG (wrong key or not a database), -ENOTSUP, or -errno.
 */
int	db_open(struct db **dbp, const char *path,
	    const uint8_t key[DB_KEY_BYTES], int flags)
	    __attribute__((warn_unused_result));

/*
 * Close.  Statements should be finalised first; any left are finalised by
 * SQLite when the last one goes (sqlite3_close_v2).  NULL is allowed.
 */
void	db_close(struct db *db);

/* True for a handle opened with DB_RDONLY. */
bool	db_readonly(const struct db *db);

/* Run constant SQL (one or more statements, no parameters).  0 or -errno. */
int	db_exec(struct db *db, const char *sql);

/*
 * Bring the schema up to the last step of steps[0..n-1] in one transaction.
 * -ENOTSUP when the database is newer than every step (written by a later
 * version), -EROFS when a step is pending on a read-only handle.
 */
int	db_migrate(struct db *db, const struct db_migration *steps, size_t n);

/* The database's user_version. */
int	db_user_version(struct db *db, int *version);

/*
 * Transactions.  db_begin() takes the write lock at once (BEGIN IMMEDIATE),
 * so a busy database fails here (-EAGAIN) rather than half-way through.
 * db_rollback() is harmless when no transaction is open.
 */
int	db_begin(struct db *db);
int	db_commit(struct db *db);
int	db_rollback(struct db *db);
bool	db_in_transaction(struct db *db);

/* Compile sql (one statement).  Free with db_finalize(); NULL is allowed. */
int	db_prepare(struct db *db, struct db_stmt **stp, const char *sql);
void	db_finalize(struct db_stmt *st);

/*
 * Parameters are numbered from 1.  A NULL string or blob binds SQL NULL.
 * Text and blobs are copied (SQLITE_TRANSIENT).
 */
int	db_bind_int(struct db_stmt *st, int idx, int64_t v);
int	db_bind_text(struct db_stmt *st, int idx, const char *s);
int	db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len);
int	db_bind_null(struct db_stmt *st, int idx);

/* DB_ROW, DB_DONE, or -errno. */
int	db_step(struct db_stmt *st) __attribute__((warn_unused_result));

/* Reset a statement for another run and clear its bindings. */
int	db_reset(struct db_stmt *st);

/*
 * Columns of the current row, numbered from 0.  Text and blobs are borrowed
 * and valid until the next db_step(), db_reset() or db_finalize().  NULL
 * reads as 0, NULL text or a NULL blob of length 0.
 */
int	db_column_count(struct db_stmt *st);
bool	db_col_null(struct db_stmt *st, int col);
int64_t	db_col_int(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);

/* The rowid of the last insert on this handle. */
int64_t	db_last_rowid(struct db *db);

/* Rows changed by the last INSERT, UPDATE or DELETE on this handle. */
int64_t	db_changes(struct db *db);

/*
 * SQLite's message for the last error on this handle, for the caller's log.
 * It never contains key material (the key is not SQL text).  Borrowed.
 */
const char *db_errmsg(struct db *db);

/* The SQLCipher version string, e.g. "3.4.1".  Borrowed. */
const char *db_cipher_version(struct db *db);

/*
 * Fault injection for tests: before each db_step(), db_exec(), db_begin()
 * and db_commit(), fault(ctx, op) is called with op one of "step", "exec",
 * "begin", "commit"; a negative return fails that operation with that
 * value, as if SQLite had.  NULL removes the hook.
 */
void	db_set_fault(struct db *db, int (*fault)(void *ctx, const char *op),
	    void *ctx);

#endif /* DB_H */
