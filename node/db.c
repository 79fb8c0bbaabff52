/* SPDX-License-Identifier: ISC */
/*
 * db: SQLCipher open, keying, settings check, prepared statements,
 * transactions and schema migration.  The only file that includes
 * <sqlite3.h>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SQLITE_HAS_CODEC 1
#include <sqlite3.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "node/db.h"

/* "x'" + 64 hex digits + "'": the raw-key form SQLCipher understands. */
#define DB_RAWKEY_LEN	(2 + 2 * DB_KEY_BYTES + 1)

struct db {
	sqlite3		*h;
	bool		 rdonly;
	int		(*fault)(void *, const char *);
	void		*fault_ctx;
	char		 cipher_version[32];
};

struct db_stmt {
	sqlite3_stmt	*st;
	struct db	*db;
};

/*
 * A setting and the value it must read back as.  Set after the key and
 * before the first read: that is when SQLCipher applies them.
 */
static const struct {
	const char	*set;
	const char	*get;
	const char	*want;
} cipher_settings[] = {
	/* Deprecated in 3.4 (and gone in 4), but the only way to name it. */
	{ "PRAGMA cipher = 'aes-256-cbc'", "PRAGMA cipher", "aes-256-cbc" },
	{ "PRAGMA cipher_page_size = 4096", "PRAGMA cipher_page_size",
	    "4096" },
	{ "PRAGMA kdf_iter = 64000", "PRAGMA kdf_iter", "64000" },
	{ "PRAGMA cipher_use_hmac = ON", "PRAGMA cipher_use_hmac", "1" },
	{ "PRAGMA cipher_hmac_pgno = le", "PRAGMA cipher_hmac_pgno", "le" },
	{ "PRAGMA cipher_hmac_salt_mask = \"x'3a'\"",
	    "PRAGMA cipher_hmac_salt_mask", "3a" },
	{ "PRAGMA fast_kdf_iter = 2", "PRAGMA fast_kdf_iter", "2" },
};

/* Connection settings, applied once the key has been checked. */
static const struct {
	const char	*set;
	const char	*get;
	const char	*want;
	bool		 rw_only;	/* cannot be set on a read-only file */
} conn_settings[] = {
	{ "PRAGMA journal_mode = WAL", "PRAGMA journal_mode", "wal", true },
	{ "PRAGMA synchronous = FULL", "PRAGMA synchronous", "2", false },
	{ "PRAGMA foreign_keys = ON", "PRAGMA foreign_keys", "1", false },
	{ "PRAGMA secure_delete = ON", "PRAGMA secure_delete", "1", false },
	{ "PRAGMA temp_store = MEMORY", "PRAGMA temp_store", "2", false },
	/* Every page missed in the cache is read, HMAC-checked and
	 * decrypted again: 8 MiB keeps a busy queue's pages (the default is
	 * 2 MiB).  Memory is taken only as pages are used. */
	{ "PRAGMA cache_size = -8192", "PRAGMA cache_size", "-8192", false },
};

static int	db_error(struct db *, int);
static int	pragma_get(struct db *, const char *, char *, size_t);
static int	pragma_apply(struct db *, const char *, const char *,
		    const char *);
static int	hook(struct db *, const char *);

int
db_open(struct db **dbp, const char *path, const uint8_t key[DB_KEY_BYTES],
    int flags)
{
	struct db *db;
	char *rawkey = NULL;
	int oflags, rc, ret;
	size_t i;

	*dbp = NULL;
	if (path == NULL || key == NULL ||
	    (flags & ~(DB_RDONLY | DB_CREATE)) != 0 ||
	    ((flags & DB_RDONLY) && (flags & DB_CREATE)))
		return -EINVAL;
	/* Temporary tables and indices must never reach the disk in clear. */
	if (!sqlite3_compileoption_used("TEMP_STORE=2") &&
	    !sqlite3_compileoption_used("TEMP_STORE=3"))
		return -ENOTSUP;
	if (!sqlite3_compileoption_used("HAS_CODEC"))
		return -ENOTSUP;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return -ENOMEM;
	db->rdonly = (flags & DB_RDONLY) != 0;
	if (db->rdonly)
		oflags = SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE |
		    ((flags & DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
	oflags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(path, &db->h, oflags, NULL);
	if (rc != SQLITE_OK) {
		ret = rc == SQLITE_CANTOPEN ? -ENOENT : db_error(db, rc);
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);

	/* The key goes through sqlite3_key, never into SQL text or a log. */
	if ((rawkey = secmem_alloc(DB_RAWKEY_LEN + 1)) == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	rawkey[0] = 'x';
	rawkey[1] = '\'';
	prim_to_hex(rawkey + 2, key, DB_KEY_BYTES);
	rawkey[DB_RAWKEY_LEN - 1] = '\'';
	rawkey[DB_RAWKEY_LEN] = '\0';
	rc = sqlite3_key(db->h, rawkey, DB_RAWKEY_LEN);
	secmem_free(rawkey);
	if (rc != SQLITE_OK) {
		ret = db_error(db, rc);
		goto fail;
	}
	if ((ret = pragma_get(db, "PRAGMA cipher_version", db->cipher_version,
	    sizeof(db->cipher_version))) != 0)
		goto fail;
	if (db->cipher_version[0] == '\0') {
		ret = -ENOTSUP;
		goto fail;
	}
	for (i = 0; i < sizeof(cipher_settings) / sizeof(cipher_settings[0]);
	    i++)
		if ((ret = pragma_apply(db, cipher_settings[i].set,
		    cipher_settings[i].get, cipher_settings[i].want)) != 0)
			goto fail;

	/* The probe: a wrong key or a foreign file fails here, unwritten. */
	if ((ret = db_exec(db, "SELECT count(*) FROM sqlite_master")) != 0)
		goto fail;

	for (i = 0; i < sizeof(conn_settings) / sizeof(conn_settings[0]);
	    i++) {
		if (db->rdonly && conn_settings[i].rw_only)
			continue;
		if ((ret = pragma_apply(db, conn_settings[i].set,
		    conn_settings[i].get, conn_settings[i].want)) != 0)
			goto fail;
	}
	if (db->rdonly && (ret = pragma_apply(db, "PRAGMA query_only = 1",
	    "PRAGMA query_only", "1")) != 0)
		goto fail;
	*dbp = db;
	return 0;
fail:
	db_close(db);
	return ret;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_close_v2(db->h);
	free(db);
}

bool
db_readonly(const struct db *db)
{
	return db->rdonly;
}

int
db_exec(struct db *db, const char *sql)
{
	int ret;

	if ((ret = hook(db, "exec")) != 0)
		return ret;
	return db_error(db, sqlite3_exec(db->h, sql, NULL, NULL, NULL));
}

int
db_user_version(struct db *db, int *version)
{
	struct db_stmt *st;
	int ret;

	*version = 0;
	if ((ret = db_prepare(db, &st, "PRAGMA user_version")) != 0)
		return ret;
	if ((ret = db_step(st)) == DB_ROW) {
		*version = (int)db_col_int(st, 0);
		ret = 0;
	} else if (ret == DB_DONE)
		ret = -EBADMSG;
	db_finalize(st);
	return ret;
}

int
db_migrate(struct db *db, const struct db_migration *steps, size_t n)
{
	char sql[64];
	int cur, ret;
	size_t i;

	if ((ret = db_user_version(db, &cur)) != 0)
		return ret;
	if (n == 0 || cur > steps[n - 1].version)
		return cur > 0 ? -ENOTSUP : 0;
	if (cur == steps[n - 1].version)
		return 0;
	if (db->rdonly)
		return -EROFS;
	if ((ret = db_begin(db)) != 0)
		return ret;
	for (i = 0; i < n; i++) {
		if (steps[i].version <= cur)
			continue;
		if ((ret = db_exec(db, steps[i].sql)) != 0)
			goto fail;
		/* PRAGMA takes no parameters; the value is our constant. */
		if (snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    steps[i].version) >= (int)sizeof(sql)) {
			ret = -EINVAL;
			goto fail;
		}
		if ((ret = db_exec(db, sql)) != 0)
			goto fail;
	}
	if ((ret = db_commit(db)) != 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return ret;
}

int
db_begin(struct db *db)
{
	int ret;

	if (db->rdonly)
		return -EROFS;
	if ((ret = hook(db, "begin")) != 0)
		return ret;
	return db_error(db, sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL));
}

int
db_commit(struct db *db)
{
	int ret;

	if ((ret = hook(db, "commit")) != 0)
		return ret;
	return db_error(db, sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL));
}

int
db_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return 0;
	return db_error(db, sqlite3_exec(db->h, "ROLLBACK", NULL, NULL,
	    NULL));
}

bool
db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

int
db_prepare(struct db *db, struct db_stmt **stp, const char *sql)
{
	struct db_stmt *st;
	const char *tail = NULL;
	int rc;

	*stp = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return -ENOMEM;
	st->db = db;
	rc = sqlite3_prepare_v2(db->h, sql, -1, &st->st, &tail);
	if (rc != SQLITE_OK) {
		free(st);
		return db_error(db, rc);
	}
	/* One statement per call: trailing SQL would be silently dropped. */
	if (st->st == NULL || (tail != NULL && *tail != '\0')) {
		sqlite3_finalize(st->st);
		free(st);
		return -EINVAL;
	}
	*stp = st;
	return 0;
}

void
db_finalize(struct db_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->st);
	free(st);
}

int
db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	return db_error(st->db, sqlite3_bind_int64(st->st, idx, v));
}

int
db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		return db_bind_null(st, idx);
	return db_error(st->db, sqlite3_bind_text(st->st, idx, s, -1,
	    SQLITE_TRANSIENT));
}

int
db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len)
{
	if (p == NULL)
		return db_bind_null(st, idx);
	if (len > (size_t)INT32_MAX)
		return -EMSGSIZE;
	return db_error(st->db, sqlite3_bind_blob(st->st, idx, p, (int)len,
	    SQLITE_TRANSIENT));
}

int
db_bind_null(struct db_stmt *st, int idx)
{
	return db_error(st->db, sqlite3_bind_null(st->st, idx));
}

int
db_step(struct db_stmt *st)
{
	int rc, ret;

	if ((ret = hook(st->db, "step")) != 0)
		return ret;
	rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return db_error(st->db, rc);
}

int
db_reset(struct db_stmt *st)
{
	int rc;

	rc = sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
	/* reset repeats the last step's error, already reported by step. */
	(void)rc;
	return 0;
}

int
db_column_count(struct db_stmt *st)
{
	return sqlite3_column_count(st->st);
}

bool
db_col_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

int64_t
db_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

const char *
db_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->st, col);
}

const void *
db_col_blob(struct db_stmt *st, int col, size_t *len)
{
	const void *p;
	int n;

	p = sqlite3_column_blob(st->st, col);
	n = sqlite3_column_bytes(st->st, col);
	*len = n > 0 ? (size_t)n : 0;
	return p;
}

int64_t
db_last_rowid(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int64_t
db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

const char *
db_errmsg(struct db *db)
{
	return db != NULL && db->h != NULL ? sqlite3_errmsg(db->h) :
	    "out of memory";
}

const char *
db_cipher_version(struct db *db)
{
	return db->cipher_version;
}

void
db_set_fault(struct db *db, int (*fault)(void *, const char *), void *ctx)
{
	db->fault = fault;
	db->fault_ctx = ctx;
}

/* --- helpers ------------------------------------------------------------ */

static int
hook(struct db *db, const char *op)
{
	int ret;

	if (db->fault == NULL)
		return 0;
	ret = db->fault(db->fault_ctx, op);
	return ret < 0 ? ret : 0;
}

/* Map an SQLite result code to -errno (see db.h). */
static int
db_error(struct db *db, int rc)
{
	int sys;

	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
		return -EBADMSG;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_SCHEMA:
		return -EAGAIN;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EPERM;
	case SQLITE_CONSTRAINT:
		return rc == SQLITE_CONSTRAINT_TRIGGER ? -EPERM : -EEXIST;
	case SQLITE_TOOBIG:
		return -EMSGSIZE;
	case SQLITE_INTERRUPT:
		return -EINTR;
	case SQLITE_CANTOPEN:
		sys = db != NULL && db->h != NULL ?
		    sqlite3_system_errno(db->h) : 0;
		return sys > 0 ? -sys : -ENOENT;
	case SQLITE_IOERR:
		sys = db != NULL && db->h != NULL ?
		    sqlite3_system_errno(db->h) : 0;
		return sys == ENOSPC || sys == EDQUOT ? -ENOSPC : -EIO;
	case SQLITE_ERROR:
	case SQLITE_RANGE:
	case SQLITE_MISUSE:
		return -EINVAL;
	default:
		return -EIO;
	}
}

/* The first column of the first row of a PRAGMA, as text ("" if none). */
static int
pragma_get(struct db *db, const char *sql, char *out, size_t outlen)
{
	struct db_stmt *st;
	const char *v;
	int ret;

	out[0] = '\0';
	if ((ret = db_prepare(db, &st, sql)) != 0)
		return ret;
	ret = db_step(st);
	if (ret == DB_ROW) {
		if ((v = db_col_text(st, 0)) != NULL &&
		    strlen(v) < outlen)
			memcpy(out, v, strlen(v) + 1);
		ret = 0;
	}
	db_finalize(st);
	return ret < 0 ? ret : 0;
}

/* Set a pragma and read it back: unknown pragmas are silently ignored. */
static int
pragma_apply(struct db *db, const char *set, const char *get,
    const char *want)
{
	struct db_stmt *st;
	char got[64];
	int ret;

	if ((ret = db_prepare(db, &st, set)) != 0)
		return ret;
	/* A setter may return a row (journal_mode does); drain it. */
	while ((ret = db_step(st)) == DB_ROW)
		;
	db_finalize(st);
	if (ret < 0)
		return ret;
	if ((ret = pragma_get(db, get, got, sizeof(got))) != 0)
		return ret;
	return strcasecmp(got, want) == 0 ? 0 : -ENOTSUP;
}
