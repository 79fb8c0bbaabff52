/* SPDX-License-Identifier: ISC */
/*
 * audit: append-only, hash-chained, forward-MACed audit log with signed
 * checkpoints, on top of node/db.c.  The design is in audit.h and
 * docs/auditor-guide.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "node/audit.h"
#include "node/db.h"

#define AUDIT_FORMAT		1
#define AUDIT_NSTR		13	/* string fields in an event */
/* Largest canonical encoding: header, 12 fields, recipients, uid. */
#define AUDIT_ENC_MAX	(4 + 8 + 8 + 1 + 8 + \
	(AUDIT_NSTR - 1) * (4 + AUDIT_FIELD_MAX) + 4 + AUDIT_RECIPIENTS_MAX)
#define AUDIT_CP_MSG_LEN	(26 + AUDIT_LOGID_BYTES + 8 + \
	AUDIT_HASH_BYTES + 8)

static const char link_tag[] = "valise audit link v1";
static const char mac_tag[] = "valise audit mac v1";
static const char genesis_tag[] = "valise audit genesis v1";
static const char cp_tag[26] = "valise audit checkpoint v1";
static const char mac0_tag[] = "valise audit mac0 v1";
static const char evolve_ctx[PRIM_KDF_CONTEXT_BYTES] = {
	'a', 'u', 'd', 'i', 't', 'e', 'v', 'o' };

struct audit {
	struct db		*db;
	bool			 rdonly;
	struct audit_signer	 signer;
	bool			 have_signer;
	struct audit_config	 cfg;
	int64_t			(*now_us)(void *);
	void			*now_ctx;

	uint8_t			 log_id[AUDIT_LOGID_BYTES];
	uint8_t			 meta_signer[AUDIT_PK_BYTES];
	uint64_t		 seq;
	uint8_t			 link[AUDIT_HASH_BYTES];
	uint64_t		 cp_seq;
	int64_t			 cp_time;
	/* secmem: the current MAC key, then a copy for rollback. */
	uint8_t			*mac_key;

	bool			 alarm;
	bool			 broken;
	uint64_t		 failures;
	int			 last_error;
	int64_t			 last_error_time;

	struct db_stmt		*ins_event;
	struct db_stmt		*upd_state;
	struct db_stmt		*ins_cp;
};

static const char *const event_names[AUDIT_EV_MAX + 1] = {
	[AUDIT_EV_SUBMIT] = "submit",
	[AUDIT_EV_RELAY_IN] = "relay-in",
	[AUDIT_EV_RELAY_OUT] = "relay-out",
	[AUDIT_EV_DELIVER] = "deliver",
	[AUDIT_EV_READ] = "read",
	[AUDIT_EV_DENY] = "deny",
	[AUDIT_EV_EXPIRE] = "expire",
	[AUDIT_EV_RECEIPT] = "receipt",
	[AUDIT_EV_AUTH_FAILURE] = "auth-failure",
	[AUDIT_EV_INTEGRITY_FAILURE] = "integrity-failure",
	[AUDIT_EV_CONFIG_LOAD] = "config-load",
	[AUDIT_EV_KEY_EVENT] = "key-event",
	[AUDIT_EV_START] = "start",
	[AUDIT_EV_STOP] = "stop",
	[AUDIT_EV_AUDIT_ACCESS] = "audit-access",
};

/*
 * The schema.  The triggers only stop accidents: anyone with the key can
 * drop them, which is what the hash chain, the MACs and the checkpoints are
 * for.  The state row is the node's, not the log's: it is updated with each
 * commit and holds the next MAC key.
 */
static const struct db_migration schema[] = {
	{ 1,
	"CREATE TABLE meta ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  format INTEGER NOT NULL,"
	"  log_id BLOB NOT NULL,"
	"  signer BLOB NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE state ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  seq INTEGER NOT NULL,"
	"  link BLOB NOT NULL,"
	"  mac_key BLOB NOT NULL,"
	"  cp_seq INTEGER NOT NULL,"
	"  cp_time INTEGER NOT NULL);"
	"CREATE TABLE events ("
	"  seq INTEGER PRIMARY KEY,"
	"  time_us INTEGER NOT NULL,"
	"  event TEXT NOT NULL,"
	"  msg_id TEXT, origin TEXT, prev_hop TEXT, next_hop TEXT,"
	"  recipients TEXT, login TEXT, uid INTEGER, label TEXT,"
	"  precedence TEXT, decision TEXT, rule TEXT, policy_hash TEXT,"
	"  peer_fpr TEXT, detail TEXT,"
	"  link BLOB NOT NULL,"
	"  mac BLOB NOT NULL);"
	"CREATE TABLE checkpoints ("
	"  seq INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  head BLOB NOT NULL,"
	"  sig BLOB NOT NULL);"
	"CREATE TABLE witness ("
	"  peer TEXT NOT NULL,"
	"  log_id BLOB NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  head BLOB NOT NULL,"
	"  signer BLOB NOT NULL,"
	"  sig BLOB NOT NULL,"
	"  received INTEGER NOT NULL,"
	"  PRIMARY KEY (log_id, seq, head));"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	"CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	"CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	"CREATE TRIGGER witness_no_update BEFORE UPDATE ON witness"
	"  BEGIN SELECT RAISE(ABORT, 'witnesses are append-only'); END;"
	"CREATE TRIGGER witness_no_delete BEFORE DELETE ON witness"
	"  BEGIN SELECT RAISE(ABORT, 'witnesses are append-only'); END;" },
};

#define EVENT_COLUMNS \
	"seq, time_us, event, msg_id, origin, prev_hop, next_hop, " \
	"recipients, login, uid, label, precedence, decision, rule, " \
	"policy_hash, peer_fpr, detail, link, mac"

static int	load(struct audit *);
static int	initialise(struct audit *, const uint8_t *);
static int	prepare_writer(struct audit *);
static int	append_one(struct audit *, const struct audit_event *,
		    int64_t);
static int	checkpoint_write(struct audit *, int64_t);
static int	state_write(struct audit *);
static int	event_check(const struct audit_event *);
static void	genesis(uint8_t[AUDIT_HASH_BYTES],
		    const uint8_t[AUDIT_LOGID_BYTES]);
static void	mac0(uint8_t[AUDIT_HASH_BYTES], const uint8_t *,
		    const uint8_t[AUDIT_LOGID_BYTES]);
static int	chain(uint8_t[AUDIT_HASH_BYTES], const uint8_t *,
		    const struct audit_record *);
static void	mac_entry(uint8_t[AUDIT_HASH_BYTES], const uint8_t *,
		    const uint8_t[AUDIT_HASH_BYTES]);
static void	evolve(uint8_t *);
static void	cp_message(uint8_t[AUDIT_CP_MSG_LEN],
		    const struct audit_checkpoint *);
static int	record_from_row(struct db_stmt *, struct audit_record *);
static int64_t	clock_now(struct audit *);
static void	put_u64(uint8_t *, uint64_t);
static void	put_u32(uint8_t *, uint32_t);
static int	blob32(struct db_stmt *, int, uint8_t *, size_t);
static void	fail(struct audit *, int);

const char *
audit_event_name(enum audit_event_type type)
{
	if ((int)type < 1 || type > AUDIT_EV_MAX)
		return NULL;
	return event_names[type];
}

int
audit_event_parse(const char *name, enum audit_event_type *type)
{
	int i;

	*type = 0;
	if (name == NULL)
		return -EINVAL;
	for (i = 1; i <= AUDIT_EV_MAX; i++)
		if (strcmp(name, event_names[i]) == 0) {
			*type = (enum audit_event_type)i;
			return 0;
		}
	return -EINVAL;
}

int
audit_open(struct audit **ap, const char *path,
    const uint8_t key[AUDIT_KEY_BYTES], const struct audit_signer *signer,
    const struct audit_config *cfg, int flags)
{
	struct audit *a;
	int dbflags, ret, version;

	*ap = NULL;
	if ((flags & ~(AUDIT_RDONLY | AUDIT_CREATE)) != 0 ||
	    ((flags & AUDIT_RDONLY) && (flags & AUDIT_CREATE)))
		return -EINVAL;
	if (!(flags & AUDIT_RDONLY) && (signer == NULL ||
	    signer->sign == NULL || cfg == NULL))
		return -EINVAL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -ENOMEM;
	a->rdonly = (flags & AUDIT_RDONLY) != 0;
	if (signer != NULL) {
		a->signer = *signer;
		a->have_signer = true;
	}
	if (cfg != NULL)
		a->cfg = *cfg;
	if ((a->mac_key = secmem_alloc(2 * AUDIT_HASH_BYTES)) == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	dbflags = a->rdonly ? DB_RDONLY :
	    ((flags & AUDIT_CREATE) ? DB_CREATE : 0);
	if ((ret = db_open(&a->db, path, key, dbflags)) != 0)
		goto fail;
	if ((ret = db_user_version(a->db, &version)) != 0)
		goto fail;
	if (version > AUDIT_FORMAT) {
		ret = -ENOTSUP;
		goto fail;
	}
	if (version == 0 && !(flags & AUDIT_CREATE)) {
		/* An empty database, or not ours. */
		ret = -EBADMSG;
		goto fail;
	}
	if (version == 0) {
		if ((ret = db_migrate(a->db, schema,
		    sizeof(schema) / sizeof(schema[0]))) != 0)
			goto fail;
		if ((ret = initialise(a, key)) != 0)
			goto fail;
		/* The audit key is not kept: A_1 is now in the state row. */
	}
	if ((ret = load(a)) != 0)
		goto fail;
	if (!a->rdonly) {
		if (memcmp(a->signer.pk, a->meta_signer, AUDIT_PK_BYTES) !=
		    0) {
			ret = -EKEYREJECTED;
			goto fail;
		}
		if ((ret = prepare_writer(a)) != 0)
			goto fail;
	}
	if (secmem_noaccess(a->mac_key) != 0) {
		ret = -EIO;
		goto fail;
	}
	*ap = a;
	return 0;
fail:
	audit_close(a);
	return ret;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	db_finalize(a->ins_event);
	db_finalize(a->upd_state);
	db_finalize(a->ins_cp);
	db_close(a->db);
	if (a->mac_key != NULL) {
		(void)secmem_readwrite(a->mac_key);
		secmem_free(a->mac_key);
	}
	secmem_wipe(a, sizeof(*a));
	free(a);
}

struct db *
audit_db(struct audit *a)
{
	return a->db;
}

void
audit_set_clock(struct audit *a, int64_t (*now_us)(void *), void *ctx)
{
	a->now_us = now_us;
	a->now_ctx = ctx;
}

int
audit_append(struct audit *a, const struct audit_event *ev, size_t n,
    uint64_t *first_seq)
{
	uint8_t saved_link[AUDIT_HASH_BYTES];
	uint64_t saved_seq, saved_cp_seq;
	int64_t saved_cp_time, now;
	size_t i;
	int ret;

	if (first_seq != NULL)
		*first_seq = 0;
	if (a->rdonly)
		return -EROFS;
	if (ev == NULL || n == 0 || n > AUDIT_BATCH_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((ret = event_check(&ev[i])) != 0)
			return ret;
	if (a->broken) {
		fail(a, -EIO);
		return -EIO;
	}
	if (secmem_readwrite(a->mac_key) != 0) {
		fail(a, -EIO);
		return -EIO;
	}
	saved_seq = a->seq;
	saved_cp_seq = a->cp_seq;
	saved_cp_time = a->cp_time;
	memcpy(saved_link, a->link, sizeof(saved_link));
	memcpy(a->mac_key + AUDIT_HASH_BYTES, a->mac_key, AUDIT_HASH_BYTES);

	now = clock_now(a);
	if ((ret = db_begin(a->db)) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if ((ret = append_one(a, &ev[i], now)) != 0)
			goto fail_rollback;
	if ((a->cfg.checkpoint_every > 0 &&
	    a->seq - a->cp_seq >= a->cfg.checkpoint_every) ||
	    (a->cfg.checkpoint_secs > 0 &&
	    now / 1000000 - a->cp_time >= (int64_t)a->cfg.checkpoint_secs))
		if ((ret = checkpoint_write(a, now)) != 0)
			goto fail_rollback;
	if ((ret = state_write(a)) != 0)
		goto fail_rollback;
	if ((ret = db_commit(a->db)) != 0)
		goto fail_rollback;
	if (first_seq != NULL)
		*first_seq = saved_seq + 1;
	secmem_wipe(a->mac_key + AUDIT_HASH_BYTES, AUDIT_HASH_BYTES);
	(void)secmem_noaccess(a->mac_key);
	return 0;
fail_rollback:
	if (db_rollback(a->db) != 0 || db_in_transaction(a->db))
		a->broken = true;
fail:
	a->seq = saved_seq;
	a->cp_seq = saved_cp_seq;
	a->cp_time = saved_cp_time;
	memcpy(a->link, saved_link, sizeof(saved_link));
	memcpy(a->mac_key, a->mac_key + AUDIT_HASH_BYTES, AUDIT_HASH_BYTES);
	secmem_wipe(a->mac_key + AUDIT_HASH_BYTES, AUDIT_HASH_BYTES);
	(void)secmem_noaccess(a->mac_key);
	fail(a, ret);
	return ret;
}

int
audit_checkpoint_now(struct audit *a)
{
	uint64_t saved_cp_seq = a->cp_seq;
	int64_t now, saved_cp_time = a->cp_time;
	int ret;

	if (a->rdonly)
		return -EROFS;
	if (a->broken)
		return -EIO;
	if (a->seq == a->cp_seq)
		return 0;
	now = clock_now(a);
	if ((ret = db_begin(a->db)) != 0)
		goto fail;
	if ((ret = checkpoint_write(a, now)) != 0 ||
	    (ret = secmem_readwrite(a->mac_key)) != 0)
		goto fail_rollback;
	ret = state_write(a);
	(void)secmem_noaccess(a->mac_key);
	if (ret != 0 || (ret = db_commit(a->db)) != 0)
		goto fail_rollback;
	return 0;
fail_rollback:
	if (db_rollback(a->db) != 0 || db_in_transaction(a->db))
		a->broken = true;
	a->cp_seq = saved_cp_seq;
	a->cp_time = saved_cp_time;
fail:
	fail(a, ret);
	return ret;
}

void
audit_status(struct audit *a, struct audit_status *st)
{
	memset(st, 0, sizeof(*st));
	memcpy(st->log_id, a->log_id, sizeof(st->log_id));
	memcpy(st->signer, a->meta_signer, sizeof(st->signer));
	st->entries = a->seq;
	memcpy(st->head, a->link, sizeof(st->head));
	st->checkpoint_seq = a->cp_seq;
	st->checkpoint_time = a->cp_time;
	st->alarm = a->alarm;
	st->broken = a->broken;
	st->failures = a->failures;
	st->last_error = a->last_error;
	st->last_error_time = a->last_error_time;
}

void
audit_alarm_clear(struct audit *a)
{
	a->alarm = false;
	a->failures = 0;
	a->last_error = 0;
	a->last_error_time = 0;
}

int
audit_checkpoint_latest(struct audit *a, struct audit_checkpoint *cp)
{
	struct db_stmt *st;
	int ret;

	memset(cp, 0, sizeof(*cp));
	if ((ret = db_prepare(a->db, &st, "SELECT seq, time, head, sig "
	    "FROM checkpoints ORDER BY seq DESC LIMIT 1")) != 0)
		return ret;
	if ((ret = db_step(st)) == DB_ROW) {
		memcpy(cp->log_id, a->log_id, sizeof(cp->log_id));
		memcpy(cp->signer, a->meta_signer, sizeof(cp->signer));
		cp->seq = (uint64_t)db_col_int(st, 0);
		cp->time = db_col_int(st, 1);
		if (blob32(st, 2, cp->head, sizeof(cp->head)) != 0 ||
		    blob32(st, 3, cp->sig, sizeof(cp->sig)) != 0)
			ret = -EBADMSG;
		else
			ret = 0;
	} else if (ret == DB_DONE)
		ret = -ENOENT;
	db_finalize(st);
	return ret;
}

int
audit_checkpoint_verify(const struct audit_checkpoint *cp, const uint8_t *pk)
{
	uint8_t m[AUDIT_CP_MSG_LEN];

	if (pk != NULL && memcmp(pk, cp->signer, AUDIT_PK_BYTES) != 0)
		return -EBADMSG;
	cp_message(m, cp);
	return prim_verify(cp->sig, m, sizeof(m), cp->signer) == 0 ? 0 :
	    -EBADMSG;
}

int
audit_checkpoint_format(const struct audit_checkpoint *cp, char *buf,
    size_t len)
{
	char log[2 * AUDIT_LOGID_BYTES + 1], head[2 * AUDIT_HASH_BYTES + 1];
	char pk[2 * AUDIT_PK_BYTES + 1], sig[2 * AUDIT_SIG_BYTES + 1];
	int n;

	prim_to_hex(log, cp->log_id, sizeof(cp->log_id));
	prim_to_hex(head, cp->head, sizeof(cp->head));
	prim_to_hex(pk, cp->signer, sizeof(cp->signer));
	prim_to_hex(sig, cp->sig, sizeof(cp->sig));
	n = snprintf(buf, len, "valise audit checkpoint v1\nlog %s\n"
	    "seq %llu\nhead %s\ntime %lld\nsigner %s\nsig %s\n", log,
	    (unsigned long long)cp->seq, head, (long long)cp->time, pk, sig);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

/*
 * Parse one "name value\n" line at *p of exactly the given name; value is
 * [*vp, *vp + *vlen).  The value may not be empty or contain a space.
 */
static int
cp_line(const char **p, const char *end, const char *name, const char **vp,
    size_t *vlen)
{
	size_t nlen = strlen(name);
	const char *q;

	if ((size_t)(end - *p) < nlen + 2 || memcmp(*p, name, nlen) != 0 ||
	    (*p)[nlen] != ' ')
		return -EBADMSG;
	*vp = *p + nlen + 1;
	for (q = *vp; q < end && *q != '\n'; q++)
		if (*q == ' ' || *q == '\0' || *q == '\r')
			return -EBADMSG;
	if (q == end || q == *vp)
		return -EBADMSG;
	*vlen = (size_t)(q - *vp);
	*p = q + 1;
	return 0;
}

/* A decimal number of at most 19 digits, no sign, no leading zero. */
static int
cp_num(const char *v, size_t len, int64_t *out)
{
	int64_t n = 0;
	size_t i;

	if (len == 0 || len > 18 || (len > 1 && v[0] == '0'))
		return -EBADMSG;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EBADMSG;
		n = n * 10 + (v[i] - '0');
	}
	*out = n;
	return 0;
}

int
audit_checkpoint_parse(struct audit_checkpoint *cp, const char *text,
    size_t len)
{
	static const char first[] = "valise audit checkpoint v1\n";
	const char *p = text, *end = text + len, *v;
	struct audit_checkpoint c;
	int64_t num;
	size_t vlen;

	memset(cp, 0, sizeof(*cp));
	memset(&c, 0, sizeof(c));
	if (text == NULL || len > AUDIT_CHECKPOINT_TEXT_MAX ||
	    len < sizeof(first) - 1 || memcmp(p, first, sizeof(first) - 1))
		return -EBADMSG;
	p += sizeof(first) - 1;
	if (cp_line(&p, end, "log", &v, &vlen) != 0 ||
	    prim_from_hex(c.log_id, sizeof(c.log_id), v, vlen) != 0)
		return -EBADMSG;
	if (cp_line(&p, end, "seq", &v, &vlen) != 0 ||
	    cp_num(v, vlen, &num) != 0 || num == 0)
		return -EBADMSG;
	c.seq = (uint64_t)num;
	if (cp_line(&p, end, "head", &v, &vlen) != 0 ||
	    prim_from_hex(c.head, sizeof(c.head), v, vlen) != 0)
		return -EBADMSG;
	if (cp_line(&p, end, "time", &v, &vlen) != 0 ||
	    cp_num(v, vlen, &c.time) != 0)
		return -EBADMSG;
	if (cp_line(&p, end, "signer", &v, &vlen) != 0 ||
	    prim_from_hex(c.signer, sizeof(c.signer), v, vlen) != 0)
		return -EBADMSG;
	if (cp_line(&p, end, "sig", &v, &vlen) != 0 ||
	    prim_from_hex(c.sig, sizeof(c.sig), v, vlen) != 0)
		return -EBADMSG;
	if (p != end)
		return -EBADMSG;
	*cp = c;
	return 0;
}

int
audit_witness_store(struct audit *a, const char *peer,
    const struct audit_checkpoint *cp, const uint8_t pk[AUDIT_PK_BYTES])
{
	struct db_stmt *st = NULL;
	bool equivocation = false;
	int ret;

	if (a->rdonly)
		return -EROFS;
	if (peer == NULL || strlen(peer) > AUDIT_FIELD_MAX)
		return -EINVAL;
	if (audit_checkpoint_verify(cp, pk) != 0)
		return -EBADMSG;
	if ((ret = db_begin(a->db)) != 0)
		return ret;
	if ((ret = db_prepare(a->db, &st, "SELECT count(*) FROM witness "
	    "WHERE log_id = ?1 AND seq = ?2 AND head <> ?3")) != 0)
		goto fail;
	if ((ret = db_bind_blob(st, 1, cp->log_id, sizeof(cp->log_id))) ||
	    (ret = db_bind_int(st, 2, (int64_t)cp->seq)) ||
	    (ret = db_bind_blob(st, 3, cp->head, sizeof(cp->head))))
		goto fail;
	if ((ret = db_step(st)) != DB_ROW) {
		ret = ret < 0 ? ret : -EIO;
		goto fail;
	}
	equivocation = db_col_int(st, 0) > 0;
	db_finalize(st);
	if ((ret = db_prepare(a->db, &st, "INSERT OR IGNORE INTO witness "
	    "(peer, log_id, seq, time, head, signer, sig, received) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")) != 0)
		goto fail;
	if ((ret = db_bind_text(st, 1, peer)) ||
	    (ret = db_bind_blob(st, 2, cp->log_id, sizeof(cp->log_id))) ||
	    (ret = db_bind_int(st, 3, (int64_t)cp->seq)) ||
	    (ret = db_bind_int(st, 4, cp->time)) ||
	    (ret = db_bind_blob(st, 5, cp->head, sizeof(cp->head))) ||
	    (ret = db_bind_blob(st, 6, cp->signer, sizeof(cp->signer))) ||
	    (ret = db_bind_blob(st, 7, cp->sig, sizeof(cp->sig))) ||
	    (ret = db_bind_int(st, 8, clock_now(a) / 1000000)))
		goto fail;
	if ((ret = db_step(st)) < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	if ((ret = db_commit(a->db)) != 0)
		goto fail;
	return equivocation ? -EEXIST : 0;
fail:
	db_finalize(st);
	db_rollback(a->db);
	return ret;
}

int
audit_witness_latest(struct audit *a, const uint8_t log_id[AUDIT_LOGID_BYTES],
    struct audit_checkpoint *cp)
{
	struct db_stmt *st;
	int ret;

	memset(cp, 0, sizeof(*cp));
	if ((ret = db_prepare(a->db, &st, "SELECT seq, time, head, signer, "
	    "sig FROM witness WHERE log_id = ?1 ORDER BY seq DESC "
	    "LIMIT 1")) != 0)
		return ret;
	if ((ret = db_bind_blob(st, 1, log_id, AUDIT_LOGID_BYTES)) != 0)
		goto out;
	if ((ret = db_step(st)) == DB_ROW) {
		memcpy(cp->log_id, log_id, sizeof(cp->log_id));
		cp->seq = (uint64_t)db_col_int(st, 0);
		cp->time = db_col_int(st, 1);
		ret = blob32(st, 2, cp->head, sizeof(cp->head)) ||
		    blob32(st, 3, cp->signer, sizeof(cp->signer)) ||
		    blob32(st, 4, cp->sig, sizeof(cp->sig)) ? -EBADMSG : 0;
	} else if (ret == DB_DONE)
		ret = -ENOENT;
out:
	db_finalize(st);
	return ret;
}

int
audit_witness_latest_from(struct audit *a, const char *peer,
    struct audit_checkpoint *cp)
{
	struct db_stmt *st;
	int ret;

	memset(cp, 0, sizeof(*cp));
	if ((ret = db_prepare(a->db, &st, "SELECT seq, time, head, signer, "
	    "sig, log_id FROM witness WHERE peer = ?1 ORDER BY seq DESC "
	    "LIMIT 1")) != 0)
		return ret;
	if ((ret = db_bind_text(st, 1, peer)) != 0)
		goto out;
	if ((ret = db_step(st)) == DB_ROW) {
		size_t len;
		const void *p = db_col_blob(st, 5, &len);

		cp->seq = (uint64_t)db_col_int(st, 0);
		cp->time = db_col_int(st, 1);
		ret = len != AUDIT_LOGID_BYTES ||
		    blob32(st, 2, cp->head, sizeof(cp->head)) ||
		    blob32(st, 3, cp->signer, sizeof(cp->signer)) ||
		    blob32(st, 4, cp->sig, sizeof(cp->sig)) ? -EBADMSG : 0;
		if (ret == 0)
			memcpy(cp->log_id, p, AUDIT_LOGID_BYTES);
	} else if (ret == DB_DONE)
		ret = -ENOENT;
out:
	db_finalize(st);
	return ret;
}

/* --- verification ------------------------------------------------------- */

struct cp_list {
	struct audit_checkpoint	*v;
	size_t			 n;
};

static void __attribute__((format(printf, 4, 5)))
fault(struct audit_verify_result *res, enum audit_fault f, uint64_t seq,
    const char *fmt, ...)
{
	va_list ap;

	if (res->fault != AUDIT_FAULT_NONE)
		return;
	res->fault = f;
	res->bad_seq = seq;
	va_start(ap, fmt);
	vsnprintf(res->what, sizeof(res->what), fmt, ap);
	va_end(ap);
}

static int
load_checkpoints(struct audit *a, struct cp_list *l)
{
	struct audit_checkpoint *v;
	struct db_stmt *st;
	size_t cap = 0;
	int ret;

	l->v = NULL;
	l->n = 0;
	if ((ret = db_prepare(a->db, &st, "SELECT seq, time, head, sig "
	    "FROM checkpoints ORDER BY seq")) != 0)
		return ret;
	while ((ret = db_step(st)) == DB_ROW) {
		if (l->n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL) {
				ret = -ENOMEM;
				break;
			}
			l->v = v;
		}
		v = &l->v[l->n++];
		memset(v, 0, sizeof(*v));
		memcpy(v->log_id, a->log_id, sizeof(v->log_id));
		memcpy(v->signer, a->meta_signer, sizeof(v->signer));
		v->seq = (uint64_t)db_col_int(st, 0);
		v->time = db_col_int(st, 1);
		/* A malformed row keeps a zero signature, which fails. */
		if (blob32(st, 2, v->head, sizeof(v->head)) != 0 ||
		    blob32(st, 3, v->sig, sizeof(v->sig)) != 0)
			memset(v->sig, 0, sizeof(v->sig));
	}
	db_finalize(st);
	if (ret < 0) {
		free(l->v);
		l->v = NULL;
		l->n = 0;
		return ret;
	}
	return 0;
}

int
audit_verify(struct audit *a, const uint8_t key[AUDIT_KEY_BYTES],
    const struct audit_checkpoint *ext, const uint8_t *signer,
    struct audit_verify_result *res)
{
	struct audit_record r;
	struct cp_list cps;
	struct db_stmt *st = NULL;
	uint8_t link[AUDIT_HASH_BYTES], mac[AUDIT_HASH_BYTES];
	uint8_t state_link[AUDIT_HASH_BYTES];
	uint8_t *k;
	uint64_t expect = 1, state_seq = 0;
	size_t ci = 0, i;
	int bad, ret;

	memset(res, 0, sizeof(*res));
	if ((k = secmem_alloc(2 * AUDIT_HASH_BYTES)) == NULL)
		return -ENOMEM;
	if ((ret = load_checkpoints(a, &cps)) != 0)
		goto out_key;

	if (signer != NULL && memcmp(signer, a->meta_signer,
	    AUDIT_PK_BYTES) != 0)
		fault(res, AUDIT_FAULT_SIGNER, 0, "the log was created for "
		    "another signing key than the one given");
	if (ext != NULL) {
		if (memcmp(ext->log_id, a->log_id, sizeof(a->log_id)) != 0)
			fault(res, AUDIT_FAULT_WRONG_LOG, 0, "the external "
			    "checkpoint belongs to another log");
		else if (audit_checkpoint_verify(ext, a->meta_signer) != 0)
			fault(res, AUDIT_FAULT_CHECKPOINT_SIG, ext->seq,
			    "the external checkpoint at seq %llu is not "
			    "signed by this log's key",
			    (unsigned long long)ext->seq);
		res->external_seq = ext->seq;
	}
	for (i = 0; i < cps.n; i++) {
		if (audit_checkpoint_verify(&cps.v[i], NULL) != 0)
			fault(res, AUDIT_FAULT_CHECKPOINT_SIG, cps.v[i].seq,
			    "checkpoint at seq %llu: bad signature",
			    (unsigned long long)cps.v[i].seq);
		res->checkpoints++;
	}

	genesis(link, a->log_id);
	mac0(k, key, a->log_id);
	if ((ret = db_prepare(a->db, &st, "SELECT " EVENT_COLUMNS
	    " FROM events ORDER BY seq")) != 0)
		goto out;
	while ((ret = db_step(st)) == DB_ROW) {
		bad = record_from_row(st, &r);
		if (r.seq != expect) {
			if (r.seq > expect)
				fault(res, AUDIT_FAULT_GAP, expect, "entry "
				    "%llu is missing (the next is %llu)",
				    (unsigned long long)expect,
				    (unsigned long long)r.seq);
			else
				fault(res, AUDIT_FAULT_GAP, expect,
				    "entry %llu: bad sequence number %lld",
				    (unsigned long long)expect,
				    (long long)r.seq);
			break;
		}
		if (bad != 0) {
			fault(res, AUDIT_FAULT_FIELD, r.seq, "entry %llu: "
			    "cannot be decoded", (unsigned long long)r.seq);
			break;
		}
		if (chain(link, link, &r) != 0) {
			fault(res, AUDIT_FAULT_FIELD, r.seq, "entry %llu: "
			    "a field is too long", (unsigned long long)r.seq);
			break;
		}
		if (memcmp(link, r.link, sizeof(link)) != 0) {
			fault(res, AUDIT_FAULT_LINK, r.seq, "entry %llu: "
			    "contents do not match its hash-chain link "
			    "(modified, moved or inserted)",
			    (unsigned long long)r.seq);
			break;
		}
		mac_entry(mac, k, link);
		if (!prim_equal(mac, r.mac, sizeof(mac))) {
			fault(res, AUDIT_FAULT_MAC, r.seq, "entry %llu: MAC "
			    "does not verify (forged, or the chain was "
			    "recomputed)", (unsigned long long)r.seq);
			break;
		}
		evolve(k);
		for (; ci < cps.n && cps.v[ci].seq <= r.seq; ci++) {
			if (cps.v[ci].seq == r.seq && memcmp(cps.v[ci].head,
			    link, sizeof(link)) == 0) {
				res->last_checkpoint_seq = r.seq;
				continue;
			}
			fault(res, AUDIT_FAULT_CHECKPOINT_HEAD, cps.v[ci].seq,
			    "checkpoint at seq %llu does not match the log",
			    (unsigned long long)cps.v[ci].seq);
		}
		if (ext != NULL && ext->seq == r.seq) {
			if (memcmp(ext->head, link, sizeof(link)) != 0)
				fault(res, AUDIT_FAULT_CHECKPOINT_HEAD, r.seq,
				    "the log differs from the external "
				    "checkpoint at seq %llu (rolled back or "
				    "rewritten)", (unsigned long long)r.seq);
			else
				res->external_checked = true;
		}
		res->entries = r.seq;
		memcpy(res->head, link, sizeof(link));
		expect++;
		if (res->fault != AUDIT_FAULT_NONE)
			break;
	}
	db_finalize(st);
	st = NULL;
	if (ret < 0)
		goto out;
	ret = 0;
	if (res->fault != AUDIT_FAULT_NONE)
		goto out;
	if (res->entries == 0)
		memcpy(res->head, link, sizeof(link));

	/* What should exist beyond the end of what we read. */
	if (ext != NULL && ext->seq > res->entries)
		fault(res, AUDIT_FAULT_TRUNCATED, res->entries + 1,
		    "log shorter than checkpoint seq %llu (it ends at seq "
		    "%llu): truncated or rolled back",
		    (unsigned long long)ext->seq,
		    (unsigned long long)res->entries);
	if (ci < cps.n)
		fault(res, AUDIT_FAULT_TRUNCATED, res->entries + 1,
		    "log shorter than checkpoint seq %llu (it ends at seq "
		    "%llu): truncated", (unsigned long long)cps.v[cps.n - 1].seq,
		    (unsigned long long)res->entries);

	/* The node's state row must continue exactly where the log ends. */
	if ((ret = db_prepare(a->db, &st, "SELECT seq, link, mac_key FROM "
	    "state WHERE id = 1")) != 0)
		goto out;
	if ((ret = db_step(st)) == DB_ROW) {
		state_seq = (uint64_t)db_col_int(st, 0);
		if (blob32(st, 1, state_link, sizeof(state_link)) != 0 ||
		    blob32(st, 2, k + AUDIT_HASH_BYTES, AUDIT_HASH_BYTES) !=
		    0)
			fault(res, AUDIT_FAULT_STATE, res->entries + 1,
			    "the node state row cannot be decoded");
		else if (state_seq != res->entries ||
		    memcmp(state_link, res->head, sizeof(state_link)) != 0)
			fault(res, AUDIT_FAULT_STATE, res->entries + 1,
			    "log ends at seq %llu but the node state records "
			    "seq %llu: truncated or rolled back",
			    (unsigned long long)res->entries,
			    (unsigned long long)state_seq);
		else if (!prim_equal(k, k + AUDIT_HASH_BYTES,
		    AUDIT_HASH_BYTES))
			fault(res, AUDIT_FAULT_STATE, res->entries + 1,
			    "the node state's MAC key does not follow from "
			    "the log");
		ret = 0;
	} else if (ret == DB_DONE) {
		fault(res, AUDIT_FAULT_STATE, res->entries + 1,
		    "the node state row is missing");
		ret = 0;
	}
	db_finalize(st);
	st = NULL;
out:
	db_finalize(st);
	free(cps.v);
out_key:
	secmem_free(k);
	return ret;
}

int
audit_query(struct audit *a, const struct audit_filter *f,
    int (*cb)(void *, const struct audit_record *), void *ctx)
{
	struct audit_record r;
	struct db_stmt *st;
	int ret;

	if ((ret = db_prepare(a->db, &st, "SELECT " EVENT_COLUMNS
	    " FROM events WHERE (?1 IS NULL OR time_us >= ?1)"
	    " AND (?2 IS NULL OR time_us < ?2)"
	    " AND (?3 IS NULL OR event = ?3)"
	    " AND (?4 IS NULL OR login = ?4)"
	    " AND (?5 IS NULL OR msg_id = ?5)"
	    " AND (?6 IS NULL OR seq > ?6) ORDER BY seq")) != 0)
		return ret;
	if (f != NULL) {
		if ((f->since_us != 0 &&
		    (ret = db_bind_int(st, 1, f->since_us)) != 0) ||
		    (f->until_us != 0 &&
		    (ret = db_bind_int(st, 2, f->until_us)) != 0) ||
		    (f->type != 0 &&
		    (ret = db_bind_text(st, 3, audit_event_name(f->type))) !=
		    0) ||
		    (ret = db_bind_text(st, 4, f->login)) != 0 ||
		    (ret = db_bind_text(st, 5, f->msg_id)) != 0 ||
		    (f->after_seq != 0 &&
		    (ret = db_bind_int(st, 6, (int64_t)f->after_seq)) != 0))
			goto out;
	}
	while ((ret = db_step(st)) == DB_ROW) {
		(void)record_from_row(st, &r);
		if (f != NULL && f->label_ok != NULL &&
		    !f->label_ok(f->label_ctx, r.ev.label))
			continue;
		if ((ret = cb(ctx, &r)) != 0)
			goto out;
	}
	if (ret == DB_DONE)
		ret = 0;
out:
	db_finalize(st);
	return ret;
}

/* --- encoding ----------------------------------------------------------- */

static const char *
str_field(const struct audit_event *ev, int i)
{
	const char *const v[AUDIT_NSTR] = {
		ev->msg_id, ev->origin, ev->prev_hop, ev->next_hop,
		ev->recipients, ev->login, ev->label, ev->precedence,
		ev->decision, ev->rule, ev->policy_hash, ev->peer_fpr,
		ev->detail,
	};

	return v[i];
}

int
audit_encode(const struct audit_record *r, uint8_t *buf, size_t len)
{
	uint8_t tmp[AUDIT_ENC_MAX];
	const char *s;
	size_t n = 0, sl;
	int i;

	if ((int)r->ev.type < 1 || r->ev.type > AUDIT_EV_MAX)
		return -EINVAL;
	memcpy(tmp, "VAE1", 4);
	put_u64(tmp + 4, r->seq);
	put_u64(tmp + 12, (uint64_t)r->time_us);
	tmp[20] = (uint8_t)r->ev.type;
	n = 21;
	for (i = 0; i < AUDIT_NSTR; i++) {
		s = str_field(&r->ev, i);
		sl = s != NULL ? strlen(s) : 0;
		if (sl > (i == 4 ? AUDIT_RECIPIENTS_MAX : AUDIT_FIELD_MAX))
			return -EMSGSIZE;
		put_u32(tmp + n, (uint32_t)sl);
		if (sl > 0)
			memcpy(tmp + n + 4, s, sl);
		n += 4 + sl;
	}
	put_u64(tmp + n, (uint64_t)r->ev.uid);
	n += 8;
	if (buf != NULL)
		memcpy(buf, tmp, n < len ? n : len);
	return (int)n;
}

/* --- helpers ------------------------------------------------------------ */

static int
event_check(const struct audit_event *ev)
{
	const unsigned char *p;
	const char *s;
	size_t sl;
	int i;

	if ((int)ev->type < 1 || ev->type > AUDIT_EV_MAX || ev->uid < -1)
		return -EINVAL;
	for (i = 0; i < AUDIT_NSTR; i++) {
		if ((s = str_field(ev, i)) == NULL)
			continue;
		sl = strlen(s);
		if (sl > (i == 4 ? AUDIT_RECIPIENTS_MAX : AUDIT_FIELD_MAX))
			return -EMSGSIZE;
		/* No control characters: output must not be able to lie. */
		for (p = (const unsigned char *)s; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				return -EINVAL;
	}
	return 0;
}

static int
initialise(struct audit *a, const uint8_t *key)
{
	struct db_stmt *st = NULL;
	uint8_t link[AUDIT_HASH_BYTES];
	int64_t now;
	int ret;

	/* Called with a->mac_key read-write, before load(). */
	prim_random(a->log_id, sizeof(a->log_id));
	genesis(link, a->log_id);
	mac0(a->mac_key, key, a->log_id);
	now = clock_now(a);
	if ((ret = db_begin(a->db)) != 0)
		return ret;
	if ((ret = db_prepare(a->db, &st, "INSERT INTO meta (id, format, "
	    "log_id, signer, created) VALUES (1, ?1, ?2, ?3, ?4)")) != 0)
		goto fail;
	if ((ret = db_bind_int(st, 1, AUDIT_FORMAT)) ||
	    (ret = db_bind_blob(st, 2, a->log_id, sizeof(a->log_id))) ||
	    (ret = db_bind_blob(st, 3, a->signer.pk, sizeof(a->signer.pk))) ||
	    (ret = db_bind_int(st, 4, now / 1000000)))
		goto fail;
	if ((ret = db_step(st)) < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	if ((ret = db_prepare(a->db, &st, "INSERT INTO state (id, seq, link, "
	    "mac_key, cp_seq, cp_time) VALUES (1, 0, ?1, ?2, 0, ?3)")) != 0)
		goto fail;
	if ((ret = db_bind_blob(st, 1, link, sizeof(link))) ||
	    (ret = db_bind_blob(st, 2, a->mac_key, AUDIT_HASH_BYTES)) ||
	    (ret = db_bind_int(st, 3, now / 1000000)))
		goto fail;
	if ((ret = db_step(st)) < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	return db_commit(a->db);
fail:
	db_finalize(st);
	db_rollback(a->db);
	return ret;
}

/* Read meta and state into the handle.  The MAC key stays readable. */
static int
load(struct audit *a)
{
	struct db_stmt *st;
	int ret;

	if ((ret = db_prepare(a->db, &st, "SELECT m.format, m.log_id, "
	    "m.signer, s.seq, s.link, s.mac_key, s.cp_seq, s.cp_time "
	    "FROM meta m, state s WHERE m.id = 1 AND s.id = 1")) != 0)
		return ret == -EINVAL ? -EBADMSG : ret;
	if ((ret = db_step(st)) != DB_ROW) {
		db_finalize(st);
		return ret < 0 ? ret : -EBADMSG;
	}
	if (db_col_int(st, 0) != AUDIT_FORMAT ||
	    blob32(st, 1, a->log_id, sizeof(a->log_id)) != 0 ||
	    blob32(st, 2, a->meta_signer, sizeof(a->meta_signer)) != 0 ||
	    blob32(st, 4, a->link, sizeof(a->link)) != 0 ||
	    secmem_readwrite(a->mac_key) != 0 ||
	    blob32(st, 5, a->mac_key, AUDIT_HASH_BYTES) != 0) {
		db_finalize(st);
		return -EBADMSG;
	}
	a->seq = (uint64_t)db_col_int(st, 3);
	a->cp_seq = (uint64_t)db_col_int(st, 6);
	a->cp_time = db_col_int(st, 7);
	db_finalize(st);
	/* An auditor's handle does not need the node's MAC key at all. */
	if (a->rdonly)
		secmem_wipe(a->mac_key, AUDIT_HASH_BYTES);
	return 0;
}

static int
prepare_writer(struct audit *a)
{
	int ret;

	if ((ret = db_prepare(a->db, &a->ins_event, "INSERT INTO events ("
	    EVENT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)")) != 0)
		return ret;
	if ((ret = db_prepare(a->db, &a->upd_state, "UPDATE state SET "
	    "seq = ?1, link = ?2, mac_key = ?3, cp_seq = ?4, cp_time = ?5 "
	    "WHERE id = 1")) != 0)
		return ret;
	return db_prepare(a->db, &a->ins_cp, "INSERT INTO checkpoints (seq, "
	    "time, head, sig) VALUES (?1, ?2, ?3, ?4)");
}

/* Chain, MAC and insert one event; advance the handle's state. */
static int
append_one(struct audit *a, const struct audit_event *ev, int64_t now)
{
	struct audit_record r;
	struct db_stmt *st = a->ins_event;
	int i, ret;

	memset(&r, 0, sizeof(r));
	r.seq = a->seq + 1;
	r.time_us = now;
	r.ev = *ev;
	if ((ret = chain(r.link, a->link, &r)) != 0)
		return ret;
	mac_entry(r.mac, a->mac_key, r.link);
	if ((ret = db_bind_int(st, 1, (int64_t)r.seq)) ||
	    (ret = db_bind_int(st, 2, r.time_us)) ||
	    (ret = db_bind_text(st, 3, audit_event_name(ev->type))))
		goto out;
	for (i = 0; i < AUDIT_NSTR; i++) {
		/* Columns 4..17 in EVENT_COLUMNS order, uid at 10. */
		static const int col[AUDIT_NSTR] = {
			4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17 };
		const char *s = str_field(ev, i);

		if ((ret = db_bind_text(st, col[i],
		    s != NULL && *s != '\0' ? s : NULL)) != 0)
			goto out;
	}
	if ((ret = ev->uid < 0 ? db_bind_null(st, 10) :
	    db_bind_int(st, 10, ev->uid)) ||
	    (ret = db_bind_blob(st, 18, r.link, sizeof(r.link))) ||
	    (ret = db_bind_blob(st, 19, r.mac, sizeof(r.mac))))
		goto out;
	if ((ret = db_step(st)) < 0)
		goto out;
	ret = 0;
	a->seq = r.seq;
	memcpy(a->link, r.link, sizeof(a->link));
	evolve(a->mac_key);
out:
	db_reset(st);
	return ret;
}

static int
checkpoint_write(struct audit *a, int64_t now)
{
	struct audit_checkpoint cp;
	uint8_t m[AUDIT_CP_MSG_LEN];
	struct db_stmt *st = a->ins_cp;
	int ret;

	if (a->seq == a->cp_seq)
		return 0;
	memset(&cp, 0, sizeof(cp));
	memcpy(cp.log_id, a->log_id, sizeof(cp.log_id));
	cp.seq = a->seq;
	memcpy(cp.head, a->link, sizeof(cp.head));
	cp.time = now / 1000000;
	memcpy(cp.signer, a->meta_signer, sizeof(cp.signer));
	cp_message(m, &cp);
	if ((ret = a->signer.sign(a->signer.ctx, cp.sig, m, sizeof(m))) != 0)
		return ret < 0 ? ret : -EIO;
	/* A signer with the wrong key would make checkpoints worthless. */
	if (prim_verify(cp.sig, m, sizeof(m), a->meta_signer) != 0)
		return -EKEYREJECTED;
	if ((ret = db_bind_int(st, 1, (int64_t)cp.seq)) ||
	    (ret = db_bind_int(st, 2, cp.time)) ||
	    (ret = db_bind_blob(st, 3, cp.head, sizeof(cp.head))) ||
	    (ret = db_bind_blob(st, 4, cp.sig, sizeof(cp.sig))))
		goto out;
	if ((ret = db_step(st)) < 0)
		goto out;
	ret = 0;
	a->cp_seq = cp.seq;
	a->cp_time = cp.time;
out:
	db_reset(st);
	return ret;
}

static int
state_write(struct audit *a)
{
	struct db_stmt *st = a->upd_state;
	int ret;

	if ((ret = db_bind_int(st, 1, (int64_t)a->seq)) ||
	    (ret = db_bind_blob(st, 2, a->link, sizeof(a->link))) ||
	    (ret = db_bind_blob(st, 3, a->mac_key, AUDIT_HASH_BYTES)) ||
	    (ret = db_bind_int(st, 4, (int64_t)a->cp_seq)) ||
	    (ret = db_bind_int(st, 5, a->cp_time)))
		goto out;
	ret = db_step(st) < 0 ? -EIO : 0;
out:
	db_reset(st);
	return ret;
}

static void
genesis(uint8_t out[AUDIT_HASH_BYTES], const uint8_t log_id[AUDIT_LOGID_BYTES])
{
	struct prim_hash h;

	prim_hash_init(&h, AUDIT_HASH_BYTES, NULL, 0);
	prim_hash_update(&h, (const uint8_t *)genesis_tag, sizeof(genesis_tag));
	prim_hash_update(&h, log_id, AUDIT_LOGID_BYTES);
	prim_hash_final(&h, out);
}

/* A_1: from the audit key and the log id (so two logs never share keys). */
static void
mac0(uint8_t out[AUDIT_HASH_BYTES], const uint8_t *key,
    const uint8_t log_id[AUDIT_LOGID_BYTES])
{
	struct prim_hash h;

	prim_hash_init(&h, AUDIT_HASH_BYTES, key, AUDIT_KEY_BYTES);
	prim_hash_update(&h, (const uint8_t *)mac0_tag, sizeof(mac0_tag));
	prim_hash_update(&h, log_id, AUDIT_LOGID_BYTES);
	prim_hash_final(&h, out);
}

static int
chain(uint8_t out[AUDIT_HASH_BYTES], const uint8_t *prev,
    const struct audit_record *r)
{
	uint8_t enc[AUDIT_ENC_MAX];
	struct prim_hash h;
	int n;

	if ((n = audit_encode(r, enc, sizeof(enc))) < 0)
		return n;
	prim_hash_init(&h, AUDIT_HASH_BYTES, NULL, 0);
	prim_hash_update(&h, (const uint8_t *)link_tag, sizeof(link_tag));
	prim_hash_update(&h, prev, AUDIT_HASH_BYTES);
	prim_hash_update(&h, enc, (size_t)n);
	prim_hash_final(&h, out);
	return 0;
}

static void
mac_entry(uint8_t out[AUDIT_HASH_BYTES], const uint8_t *key,
    const uint8_t link[AUDIT_HASH_BYTES])
{
	struct prim_hash h;

	prim_hash_init(&h, AUDIT_HASH_BYTES, key, AUDIT_HASH_BYTES);
	prim_hash_update(&h, (const uint8_t *)mac_tag, sizeof(mac_tag));
	prim_hash_update(&h, link, AUDIT_HASH_BYTES);
	prim_hash_final(&h, out);
}

/* A_{j+1} = KDF(A_j), in place: the old value is gone. */
static void
evolve(uint8_t *key)
{
	uint8_t next[AUDIT_HASH_BYTES];

	prim_kdf(next, sizeof(next), 1, evolve_ctx, key);
	memcpy(key, next, sizeof(next));
	secmem_wipe(next, sizeof(next));
}

static void
cp_message(uint8_t m[AUDIT_CP_MSG_LEN], const struct audit_checkpoint *cp)
{
	size_t n = 0;

	memcpy(m, cp_tag, sizeof(cp_tag));
	n += sizeof(cp_tag);
	memcpy(m + n, cp->log_id, AUDIT_LOGID_BYTES);
	n += AUDIT_LOGID_BYTES;
	put_u64(m + n, cp->seq);
	n += 8;
	memcpy(m + n, cp->head, AUDIT_HASH_BYTES);
	n += AUDIT_HASH_BYTES;
	put_u64(m + n, (uint64_t)cp->time);
}

static const char *
text_or_null(struct db_stmt *st, int col)
{
	return db_col_null(st, col) ? NULL : db_col_text(st, col);
}

/* 0, or -EBADMSG when the type, link or MAC cannot be decoded. */
static int
record_from_row(struct db_stmt *st, struct audit_record *r)
{
	enum audit_event_type t;
	int bad;

	memset(r, 0, sizeof(*r));
	r->seq = (uint64_t)db_col_int(st, 0);
	r->time_us = db_col_int(st, 1);
	r->ev.type = audit_event_parse(db_col_text(st, 2), &t) == 0 ? t : 0;
	r->ev.msg_id = text_or_null(st, 3);
	r->ev.origin = text_or_null(st, 4);
	r->ev.prev_hop = text_or_null(st, 5);
	r->ev.next_hop = text_or_null(st, 6);
	r->ev.recipients = text_or_null(st, 7);
	r->ev.login = text_or_null(st, 8);
	r->ev.uid = db_col_null(st, 9) ? -1 : db_col_int(st, 9);
	r->ev.label = text_or_null(st, 10);
	r->ev.precedence = text_or_null(st, 11);
	r->ev.decision = text_or_null(st, 12);
	r->ev.rule = text_or_null(st, 13);
	r->ev.policy_hash = text_or_null(st, 14);
	r->ev.peer_fpr = text_or_null(st, 15);
	r->ev.detail = text_or_null(st, 16);
	bad = blob32(st, 17, r->link, sizeof(r->link));
	bad |= blob32(st, 18, r->mac, sizeof(r->mac));
	return bad != 0 || (int)r->ev.type == 0 ? -EBADMSG : 0;
}

static int64_t
clock_now(struct audit *a)
{
	struct timespec ts;

	if (a->now_us != NULL)
		return a->now_us(a->now_ctx);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
put_u64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Copy a blob column of exactly len bytes; -EBADMSG otherwise. */
static int
blob32(struct db_stmt *st, int col, uint8_t *out, size_t len)
{
	const void *p;
	size_t n;

	p = db_col_blob(st, col, &n);
	if (p == NULL || n != len) {
		memset(out, 0, len);
		return -EBADMSG;
	}
	memcpy(out, p, len);
	return 0;
}

/* Fail closed: remember the failure so that status shows the alarm. */
static void
fail(struct audit *a, int err)
{
	if (err == -EINVAL || err == -EMSGSIZE)
		return;
	a->alarm = true;
	a->failures++;
	a->last_error = err;
	a->last_error_time = clock_now(a) / 1000000;
}
