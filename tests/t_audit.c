/* SPDX-License-Identifier: ISC */
/*
 * t_audit: the audit log (node/audit.c) and the SQLCipher helper under it
 * (node/db.c): append, group commit, verify, tampering, wrong key,
 * checkpoints, forward-secure MAC key evolution, witnesses, fail-closed on
 * an injected commit error and on a full tmpfs.
 *
 * Run with arguments it is also the fixture maker for tests/audit_tamper.t,
 * so that the valise program itself has no code path that writes a log:
 *	t_audit.t populate DB KEYFILE COUNT EVERY
 * appends COUNT synthetic events to DB (created if absent) with a
 * checkpoint every EVERY entries, signed by the TEST-ONLY key below.
 */
#include <sys/mount.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "node/audit.h"
#include "node/db.h"
#include "node/util.h"
#include "tests/tap.h"

/* TEST-ONLY: a fixed signing seed and audit key, never used elsewhere. */
static const uint8_t test_seed[32] = "TEST-ONLY audit signer seed 01!";
static const uint8_t test_key[32] = "TEST-ONLY audit db key 0123456";

struct signer_ctx {
	uint8_t	sk[PRIM_SIGN_SK_BYTES];
	int	fail;		/* -errno to return instead of signing */
	int	calls;
};

static int
test_sign(void *vctx, uint8_t sig[AUDIT_SIG_BYTES], const uint8_t *m,
    size_t mlen)
{
	struct signer_ctx *c = vctx;

	c->calls++;
	if (c->fail != 0)
		return c->fail;
	return prim_sign(sig, m, mlen, c->sk);
}

static struct signer_ctx sctx;
static struct audit_signer signer;

static void
signer_setup(void)
{
	if (prim_sign_keypair(signer.pk, sctx.sk, test_seed) != 0)
		BAIL_OUT("keypair");
	signer.sign = test_sign;
	signer.ctx = &sctx;
}

static struct audit_event
sample(size_t i)
{
	/* One slot per position in a batch (at most 64). */
	static char msgs[64][32], rules[64][16];
	char *msg = msgs[i % 64], *rule = rules[i % 64];
	struct audit_event ev;

	memset(&ev, 0, sizeof(ev));
	snprintf(msg, sizeof(msgs[0]), "%016zx", i * 2654435761u);
	snprintf(rule, sizeof(rules[0]), "rule-%zu", i % 7);
	ev.type = (enum audit_event_type)(1 + i % AUDIT_EV_MAX);
	ev.msg_id = msg;
	ev.origin = "node-a.mil.be";
	ev.prev_hop = i % 2 ? "node-b" : NULL;
	ev.next_hop = "node-c";
	ev.recipients = "alice@fin,bob@def";
	ev.login = i % 3 ? "alice" : "bob";
	ev.uid = i % 3 ? 1001 : 1002;
	ev.label = i % 4 ? "CONFIDENTIEL" : "SECRET";
	ev.precedence = "routine";
	ev.decision = i % 5 ? "allow" : "deny";
	ev.rule = rule;
	ev.policy_hash = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
	ev.peer_fpr = "SHA256:abcdef";
	ev.detail = NULL;
	return ev;
}

static int
append_n(struct audit *a, size_t n, size_t batch)
{
	struct audit_event ev[64];
	size_t i, k, done = 0;
	int ret;

	while (done < n) {
		k = n - done < batch ? n - done : batch;
		if (k > 64)
			k = 64;
		for (i = 0; i < k; i++)
			ev[i] = sample(done + i);
		if ((ret = audit_append(a, ev, k, NULL)) != 0)
			return ret;
		done += k;
	}
	return 0;
}

static char dir[256];

static void
path_in(char *buf, size_t len, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		BAIL_OUT("path too long");
}

static int
copy_file(const char *from, const char *to)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	return system(cmd);
}

static struct audit_config cfg100 = { 100, 0 };
static struct audit_config cfg50 = { 50, 0 };

static struct audit *
open_rw(const char *path, const struct audit_config *cfg)
{
	struct audit *a;
	int ret;

	if ((ret = audit_open(&a, path, test_key, &signer, cfg,
	    AUDIT_CREATE)) != 0)
		BAIL_OUT("audit_open %s: %s", path, strerror(-ret));
	return a;
}

static void
verify_is(struct audit *a, enum audit_fault want, uint64_t bad_seq,
    const char *what)
{
	struct audit_verify_result res;
	int ret;

	ret = audit_verify(a, test_key, NULL, NULL, &res);
	is(ret, 0, "%s: verify runs", what);
	if (!is(res.fault, want, "%s: fault %d", what, (int)want))
		diag("what: %s", res.what);
	if (want != AUDIT_FAULT_NONE)
		is(res.bad_seq, bad_seq, "%s: first bad seq %llu", what,
		    (unsigned long long)bad_seq);
}

/* Run SQL on the log through db.c, as an attacker with the key would. */
static void
tamper(const char *path, const char *sql)
{
	struct db *db;
	int ret;

	if ((ret = db_open(&db, path, test_key, 0)) != 0)
		BAIL_OUT("db_open: %s", strerror(-ret));
	if ((ret = db_exec(db, sql)) != 0)
		BAIL_OUT("tamper '%s': %s (%s)", sql, strerror(-ret),
		    db_errmsg(db));
	db_close(db);
}

/* --- db.c --------------------------------------------------------------- */

static void
test_db(void)
{
	char path[512];
	struct db *db;
	struct db_stmt *st;
	struct stat before, after;
	uint8_t wrong[32];
	static const struct db_migration steps[] = {
		{ 1, "CREATE TABLE t (a INTEGER, b TEXT, c BLOB)" },
		{ 2, "CREATE INDEX t_a ON t (a)" },
	};
	int v, ret;

	path_in(path, sizeof(path), "db.db");
	ok(db_open(&db, path, test_key, 0) == -ENOENT,
	    "db: opening a missing file without DB_CREATE is -ENOENT");
	ok(db_open(&db, path, test_key, DB_CREATE | DB_RDONLY) == -EINVAL,
	    "db: read-only create is refused");
	is(db_open(&db, path, test_key, DB_CREATE), 0, "db: create");
	ok(strncmp(db_cipher_version(db), "3.", 2) == 0 ||
	    strncmp(db_cipher_version(db), "4.", 2) == 0,
	    "db: cipher_version is read (%s)", db_cipher_version(db));
	is(db_migrate(db, steps, 2), 0, "db: migrate to 2");
	is(db_user_version(db, &v), 0, "db: user_version");
	is(v, 2, "db: user_version is 2");
	is(db_migrate(db, steps, 2), 0, "db: migrate again is a no-op");
	is(db_migrate(db, steps, 1), -ENOTSUP,
	    "db: a database newer than the code is refused");
	is(db_prepare(db, &st, "INSERT INTO t VALUES (?1, ?2, ?3)"), 0,
	    "db: prepare");
	is(db_bind_int(st, 1, 42), 0, "db: bind int");
	is(db_bind_text(st, 2, "x'; DROP TABLE t; --"), 0, "db: bind text");
	is(db_bind_blob(st, 3, "\0\1\2", 3), 0, "db: bind blob");
	is(db_step(st), DB_DONE, "db: insert");
	db_finalize(st);
	is(db_prepare(db, &st, "SELECT 1; SELECT 2"), -EINVAL,
	    "db: two statements in one prepare are refused");
	is(db_prepare(db, &st, "SELECT a, b, c FROM t"), 0, "db: select");
	if (is(db_step(st), DB_ROW, "db: one row")) {
		size_t n;
		const uint8_t *b = db_col_blob(st, 2, &n);

		is(db_col_int(st, 0), 42, "db: int back");
		is_str(db_col_text(st, 1), "x'; DROP TABLE t; --",
		    "db: bound text stays data");
		ok(n == 3 && b[2] == 2, "db: blob back");
	}
	db_finalize(st);
	is(db_begin(db), 0, "db: begin");
	ok(db_in_transaction(db), "db: in a transaction");
	is(db_exec(db, "INSERT INTO t VALUES (1, NULL, NULL)"), 0,
	    "db: insert in it");
	is(db_rollback(db), 0, "db: rollback");
	ok(!db_in_transaction(db), "db: not in a transaction after rollback");
	db_close(db);

	/* A wrong key fails at open and writes nothing. */
	memcpy(wrong, test_key, sizeof(wrong));
	wrong[0] ^= 1;
	stat(path, &before);
	is(db_open(&db, path, wrong, 0), -EBADMSG,
	    "db: a wrong key fails at open with -EBADMSG");
	ok(db == NULL, "db: no handle on failure");
	stat(path, &after);
	ok(before.st_size == after.st_size &&
	    before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	    before.st_mtim.tv_nsec == after.st_mtim.tv_nsec,
	    "db: the file is untouched by a wrong key");

	is(db_open(&db, path, test_key, DB_RDONLY), 0, "db: open read-only");
	ok(db_readonly(db), "db: the handle says read-only");
	ret = db_exec(db, "INSERT INTO t VALUES (2, NULL, NULL)");
	ok(ret == -EROFS || ret == -EPERM,
	    "db: a write on a read-only handle fails (%d)", ret);
	is(db_begin(db), -EROFS, "db: no transaction on a read-only handle");
	db_close(db);
	db_close(NULL);
}

/* --- audit.c ------------------------------------------------------------ */

static void
test_basic(void)
{
	char path[512];
	struct audit *a, *r;
	struct audit_status st;
	struct audit_event ev[10], bad;
	uint64_t first;
	uint8_t wrong[32];
	char longf[AUDIT_FIELD_MAX + 2];
	int i;

	path_in(path, sizeof(path), "basic.db");
	a = open_rw(path, &cfg100);
	ev[0] = sample(0);
	is(audit_append(a, ev, 1, &first), 0, "append one event");
	is(first, 1, "the first sequence number is 1");
	for (i = 0; i < 10; i++)
		ev[i] = sample((size_t)i + 1);
	is(audit_append(a, ev, 10, &first), 0, "group commit of 10");
	is(first, 2, "the group starts at 2");
	audit_status(a, &st);
	is(st.entries, 11, "status: 11 entries");
	ok(!st.alarm, "status: no alarm");

	bad = sample(0);
	bad.origin = "evil\033[2Jnode";
	is(audit_append(a, &bad, 1, NULL), -EINVAL,
	    "a control character in a field is refused");
	memset(longf, 'x', sizeof(longf) - 1);
	longf[sizeof(longf) - 1] = '\0';
	bad = sample(0);
	bad.label = longf;
	is(audit_append(a, &bad, 1, NULL), -EMSGSIZE,
	    "a field over AUDIT_FIELD_MAX is refused");
	bad = sample(0);
	bad.type = 0;
	is(audit_append(a, &bad, 1, NULL), -EINVAL, "type 0 is refused");
	is(audit_append(a, ev, 0, NULL), -EINVAL, "an empty batch is refused");
	audit_status(a, &st);
	ok(!st.alarm && st.entries == 11,
	    "refused events raise no alarm and append nothing");
	verify_is(a, AUDIT_FAULT_NONE, 0, "clean log");
	audit_close(a);

	memcpy(wrong, test_key, sizeof(wrong));
	wrong[31] ^= 0x80;
	is(audit_open(&r, path, wrong, NULL, NULL, AUDIT_RDONLY), -EBADMSG,
	    "a wrong audit key fails at open");
	is(audit_open(&r, path, test_key, NULL, NULL, AUDIT_RDONLY), 0,
	    "reopen read-only");
	ev[0] = sample(0);
	is(audit_append(r, ev, 1, NULL), -EROFS,
	    "a read-only handle cannot append");
	verify_is(r, AUDIT_FAULT_NONE, 0, "read-only verify");
	audit_close(r);

	{
		struct audit_signer other = signer;

		other.pk[0] ^= 1;
		is(audit_open(&r, path, test_key, &other, &cfg100, 0),
		    -EKEYREJECTED, "a writer with another signing key is "
		    "refused");
	}
}

struct query_ctx {
	int	n;
	int	bad;
};

static int
count_cb(void *vctx, const struct audit_record *r)
{
	struct query_ctx *c = vctx;

	c->n++;
	if (r->ev.login == NULL)
		c->bad++;
	return 0;
}

static bool
label_secret(void *ctx, const char *label)
{
	(void)ctx;
	return label != NULL && strcmp(label, "SECRET") == 0;
}

static void
test_query(void)
{
	char path[512];
	struct audit *a;
	struct audit_filter f;
	struct query_ctx c;

	path_in(path, sizeof(path), "query.db");
	a = open_rw(path, &cfg100);
	if (append_n(a, 60, 60) != 0)
		BAIL_OUT("append");
	memset(&c, 0, sizeof(c));
	is(audit_query(a, NULL, count_cb, &c), 0, "query all");
	is(c.n, 60, "60 records");
	memset(&f, 0, sizeof(f));
	f.login = "bob";
	memset(&c, 0, sizeof(c));
	is(audit_query(a, &f, count_cb, &c), 0, "query by user");
	is(c.n, 20, "bob has 20");
	memset(&f, 0, sizeof(f));
	f.type = AUDIT_EV_DENY;
	memset(&c, 0, sizeof(c));
	is(audit_query(a, &f, count_cb, &c), 0, "query by event");
	is(c.n, 4, "4 deny events");
	memset(&f, 0, sizeof(f));
	f.label_ok = label_secret;
	memset(&c, 0, sizeof(c));
	is(audit_query(a, &f, count_cb, &c), 0, "query by label callback");
	is(c.n, 15, "15 SECRET events");
	memset(&f, 0, sizeof(f));
	f.since_us = 1;
	f.until_us = 2;
	memset(&c, 0, sizeof(c));
	is(audit_query(a, &f, count_cb, &c), 0, "query by time");
	is(c.n, 0, "none in 1970");
	audit_close(a);
}

static void
test_tamper(void)
{
	char path[512], copy[512];
	struct audit *a;
	struct audit_verify_result res;
	struct audit_checkpoint cp;

	path_in(path, sizeof(path), "tamper.db");
	path_in(copy, sizeof(copy), "tamper-copy.db");
	a = open_rw(path, &cfg50);
	if (append_n(a, 250, 50) != 0)
		BAIL_OUT("append");
	audit_close(a);

#define RO(p) (audit_open(&a, (p), test_key, NULL, NULL, AUDIT_RDONLY) == 0 \
	? a : (BAIL_OUT("open"), NULL))
	copy_file(path, copy);
	tamper(copy, "DROP TRIGGER events_no_update;"
	    "UPDATE events SET origin = 'node-x' WHERE seq = 42");
	verify_is(RO(copy), AUDIT_FAULT_LINK, 42, "modified field");
	audit_close(a);

	copy_file(path, copy);
	tamper(copy, "DROP TRIGGER events_no_delete;"
	    "DELETE FROM events WHERE seq = 120");
	verify_is(RO(copy), AUDIT_FAULT_GAP, 120, "deleted middle row");
	audit_close(a);

	copy_file(path, copy);
	tamper(copy, "DROP TRIGGER events_no_update;"
	    "UPDATE events SET seq = -seq WHERE seq IN (10, 11);"
	    "UPDATE events SET seq = 11 WHERE seq = -10;"
	    "UPDATE events SET seq = 10 WHERE seq = -11");
	verify_is(RO(copy), AUDIT_FAULT_LINK, 10, "swapped rows");
	audit_close(a);

	/* Truncation that also fixes the state row: only a checkpoint sees. */
	copy_file(path, copy);
	tamper(copy, "DROP TRIGGER events_no_delete;"
	    "DROP TRIGGER checkpoints_no_delete;"
	    "DELETE FROM events WHERE seq > 200;"
	    "DELETE FROM checkpoints WHERE seq > 200;"
	    "UPDATE state SET seq = 200, link = "
	    "(SELECT link FROM events WHERE seq = 200)");
	a = RO(path);
	is(audit_checkpoint_latest(a, &cp), 0, "latest checkpoint");
	is(cp.seq, 250, "it covers seq 250");
	audit_close(a);
	a = RO(copy);
	is(audit_verify(a, test_key, &cp, NULL, &res), 0,
	    "verify the truncated copy against the checkpoint");
	is(res.fault, AUDIT_FAULT_TRUNCATED, "truncation detected");
	ok(strstr(res.what, "log shorter than checkpoint seq 250") != NULL,
	    "it says: %s", res.what);
	is(audit_verify(a, test_key, NULL, NULL, &res), 0,
	    "verify without the checkpoint");
	ok(res.fault == AUDIT_FAULT_STATE || res.fault == AUDIT_FAULT_NONE,
	    "without it the truncation is at best a state mismatch");
	audit_close(a);

	/* Rewrite an old entry with the chain recomputed: the MAC catches it. */
	copy_file(path, copy);
	{
		struct db *db;
		struct db_stmt *st;
		struct audit_record r;
		uint8_t prev[32], link[32], enc[8192];
		struct prim_hash h;
		size_t n;
		const void *p;
		int len;

		if (db_open(&db, copy, test_key, 0) != 0)
			BAIL_OUT("db_open");
		if (db_prepare(db, &st, "SELECT link FROM events WHERE "
		    "seq = 4") != 0 || db_step(st) != DB_ROW)
			BAIL_OUT("select");
		p = db_col_blob(st, 0, &n);
		memcpy(prev, p, 32);
		db_finalize(st);
		if (db_prepare(db, &st, "SELECT time_us FROM events WHERE "
		    "seq = 5") != 0 || db_step(st) != DB_ROW)
			BAIL_OUT("select");
		memset(&r, 0, sizeof(r));
		r.seq = 5;
		r.time_us = db_col_int(st, 0);
		db_finalize(st);
		r.ev = sample(4);
		r.ev.decision = "allow";
		r.ev.rule = "rule-forged";
		len = audit_encode(&r, enc, sizeof(enc));
		prim_hash_init(&h, 32, NULL, 0);
		prim_hash_update(&h, (const uint8_t *)"valise audit link v1",
		    21);
		prim_hash_update(&h, prev, 32);
		prim_hash_update(&h, enc, (size_t)len);
		prim_hash_final(&h, link);
		/* Only seq 5's own link: the next link now breaks, unless
		 * all later links are recomputed, which we do not need. */
		if (db_exec(db, "DROP TRIGGER events_no_update") != 0 ||
		    db_prepare(db, &st, "UPDATE events SET rule = "
		    "'rule-forged', decision = 'allow', link = ?1 "
		    "WHERE seq = 5") != 0 ||
		    db_bind_blob(st, 1, link, 32) != 0 ||
		    db_step(st) != DB_DONE)
			BAIL_OUT("update");
		db_finalize(st);
		db_close(db);
	}
	verify_is(RO(copy), AUDIT_FAULT_MAC, 5,
	    "entry rewritten with a recomputed link");
	audit_close(a);
	verify_is(RO(path), AUDIT_FAULT_NONE, 0, "the original is clean");
	audit_close(a);
#undef RO
}

/* The MAC key evolves per entry; the state row holds only the next one. */
static void
test_forward_secure(void)
{
	char path[512];
	struct audit *a;
	struct db *db;
	struct db_stmt *st;
	uint8_t k[32], log_id[16], statekey[32], next[32];
	struct prim_hash h;
	const void *p;
	size_t n;
	int i;
	static const char evo[8] = { 'a', 'u', 'd', 'i', 't', 'e', 'v', 'o' };

	path_in(path, sizeof(path), "fs.db");
	a = open_rw(path, &cfg100);
	if (db_open(&db, path, test_key, DB_RDONLY) != 0)
		BAIL_OUT("db_open");
	if (db_prepare(db, &st, "SELECT log_id FROM meta") != 0 ||
	    db_step(st) != DB_ROW)
		BAIL_OUT("meta");
	p = db_col_blob(st, 0, &n);
	memcpy(log_id, p, 16);
	db_finalize(st);
	/* A_1 as documented: keyed BLAKE2b of the tag and the log id. */
	prim_hash_init(&h, 32, test_key, 32);
	prim_hash_update(&h, (const uint8_t *)"valise audit mac0 v1", 21);
	prim_hash_update(&h, log_id, 16);
	prim_hash_final(&h, k);

#define STATE_KEY() do { \
	if (db_prepare(db, &st, "SELECT mac_key FROM state") != 0 || \
	    db_step(st) != DB_ROW) BAIL_OUT("state"); \
	p = db_col_blob(st, 0, &n); memcpy(statekey, p, 32); \
	db_finalize(st); } while (0)
	STATE_KEY();
	ok(prim_equal(statekey, k, 32), "a new log holds A_1 = H(key, log id)");
	if (append_n(a, 3, 3) != 0)
		BAIL_OUT("append");
	STATE_KEY();
	ok(!prim_equal(statekey, k, 32), "after 3 entries A_1 is gone");
	for (i = 0; i < 3; i++) {
		prim_kdf(next, 32, 1, evo, k);
		memcpy(k, next, 32);
	}
	ok(prim_equal(statekey, k, 32),
	    "the state holds A_4 = KDF^3(A_1), the next key only");
	db_close(db);
	audit_close(a);
#undef STATE_KEY
}

static int64_t fake_now;

static int64_t
fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static void
test_checkpoints(void)
{
	char path[512], text[AUDIT_CHECKPOINT_TEXT_MAX], t2[600];
	struct audit *a, *w;
	struct audit_checkpoint cp, cp2, parsed;
	struct audit_config cfg = { 10, 60 };
	struct audit_status st;
	size_t i, len;
	int n, rejected;

	path_in(path, sizeof(path), "cp.db");
	fake_now = 1700000000LL * 1000000;
	a = open_rw(path, &cfg);
	audit_set_clock(a, fake_clock, NULL);
	is(audit_checkpoint_latest(a, &cp), -ENOENT, "no checkpoint yet");
	if (append_n(a, 25, 5) != 0)
		BAIL_OUT("append");
	is(audit_checkpoint_latest(a, &cp), 0, "checkpoints by count");
	is(cp.seq, 20, "the latest covers seq 20");
	is(audit_checkpoint_verify(&cp, signer.pk), 0,
	    "its signature verifies under the node key");
	fake_now += 61 * 1000000LL;
	if (append_n(a, 1, 1) != 0)
		BAIL_OUT("append");
	is(audit_checkpoint_latest(a, &cp), 0, "checkpoint by time");
	is(cp.seq, 26, "after 61 s a checkpoint covers seq 26");
	if (append_n(a, 2, 2) != 0)
		BAIL_OUT("append");
	is(audit_checkpoint_now(a), 0, "forced checkpoint");
	is(audit_checkpoint_latest(a, &cp), 0, "latest");
	is(cp.seq, 28, "it covers seq 28");
	audit_status(a, &st);
	is(st.checkpoint_seq, 28, "status shows it");

	n = audit_checkpoint_format(&cp, text, sizeof(text));
	ok(n > 0, "format a checkpoint");
	len = (size_t)n;
	is(audit_checkpoint_parse(&parsed, text, len), 0, "parse it back");
	ok(memcmp(&parsed, &cp, sizeof(cp)) == 0, "the round trip is exact");
	rejected = 0;
	for (i = 0; i < len; i++)
		if (audit_checkpoint_parse(&parsed, text, i) != 0)
			rejected++;
	is(rejected, (int)len, "every truncation is rejected");
	snprintf(t2, sizeof(t2), "%sx", text);
	ok(audit_checkpoint_parse(&parsed, t2, len + 1) != 0,
	    "trailing data is rejected");
	rejected = 0;
	for (i = 0; i < len; i++) {
		memcpy(t2, text, len);
		t2[i] ^= 0x01;
		if (audit_checkpoint_parse(&parsed, t2, len) != 0 ||
		    audit_checkpoint_verify(&parsed, signer.pk) != 0)
			rejected++;
	}
	/* Flipping the case bit of a hex letter keeps the value. */
	ok(rejected >= (int)len - 200, "flipped bits: %d of %zu rejected",
	    rejected, len);
	cp2 = cp;
	cp2.seq++;
	ok(audit_checkpoint_verify(&cp2, NULL) != 0,
	    "a changed seq breaks the signature");

	/* Witnesses: another node keeps our checkpoints. */
	path_in(path, sizeof(path), "witness.db");
	w = open_rw(path, &cfg100);
	is(audit_witness_store(w, "node-a", &cp, signer.pk), 0,
	    "store a witnessed checkpoint");
	is(audit_witness_store(w, "node-a", &cp, signer.pk), 0,
	    "storing it twice is harmless");
	is(audit_witness_store(w, "node-a", &cp2, signer.pk), -EBADMSG,
	    "a bad signature is refused");
	{
		uint8_t other[32];

		memcpy(other, signer.pk, 32);
		other[0] ^= 1;
		is(audit_witness_store(w, "node-a", &cp, other), -EBADMSG,
		    "a checkpoint from an unexpected key is refused");
	}
	/* Equivocation: a second head for the same seq, validly signed. */
	{
		uint8_t m[26 + 16 + 8 + 32 + 8];
		size_t o = 0;
		int j;

		cp2 = cp;
		cp2.head[0] ^= 1;
		memcpy(m, "valise audit checkpoint v1", 26);
		o = 26;
		memcpy(m + o, cp2.log_id, 16);
		o += 16;
		for (j = 7; j >= 0; j--)
			m[o++] = (uint8_t)(cp2.seq >> (8 * j));
		memcpy(m + o, cp2.head, 32);
		o += 32;
		for (j = 7; j >= 0; j--)
			m[o++] = (uint8_t)((uint64_t)cp2.time >> (8 * j));
		prim_sign(cp2.sig, m, sizeof(m), sctx.sk);
		is(audit_checkpoint_verify(&cp2, signer.pk), 0,
		    "the test forges a valid second head");
		is(audit_witness_store(w, "node-b", &cp2, signer.pk), -EEXIST,
		    "equivocation is reported");
	}
	is(audit_witness_latest(w, cp.log_id, &parsed), 0, "latest witness");
	is(parsed.seq, 28, "it is seq 28");
	audit_close(w);

	/* Signing failure is an audit failure: fail closed. */
	sctx.fail = -EIO;
	fake_now += 3600 * 1000000LL;
	is(audit_append(a, (struct audit_event[]){ sample(1) }, 1, NULL), -EIO,
	    "a failing signer fails the append");
	audit_status(a, &st);
	ok(st.alarm && st.entries == 28, "alarm raised, nothing appended");
	sctx.fail = 0;
	audit_close(a);
}

struct fault_ctx {
	const char	*op;
	int		 err;
	int		 hits;
};

static int
fault_hook(void *vctx, const char *op)
{
	struct fault_ctx *c = vctx;

	if (c->err != 0 && strcmp(op, c->op) == 0) {
		c->hits++;
		return c->err;
	}
	return 0;
}

static void
test_fail_closed_injected(void)
{
	char path[512];
	struct audit *a;
	struct audit_status st;
	struct fault_ctx fc = { "commit", -ENOSPC, 0 };
	uint64_t first;

	path_in(path, sizeof(path), "inject.db");
	a = open_rw(path, &cfg100);
	if (append_n(a, 10, 10) != 0)
		BAIL_OUT("append");
	db_set_fault(audit_db(a), fault_hook, &fc);
	is(append_n(a, 5, 5), -ENOSPC, "an injected commit failure is "
	    "returned to the caller");
	audit_status(a, &st);
	ok(st.alarm, "status raises the alarm");
	is(st.last_error, -ENOSPC, "status names the error");
	is(st.entries, 10, "nothing was appended");
	fc.op = "step";
	fc.err = -EIO;
	is(append_n(a, 5, 5), -EIO, "an injected write error too");
	audit_status(a, &st);
	is(st.failures, 2, "two failures counted");
	db_set_fault(audit_db(a), NULL, NULL);
	is(audit_append(a, (struct audit_event[]){ sample(2) }, 1, &first), 0,
	    "appends work again once the fault is gone");
	is(first, 11, "and continue at seq 11");
	audit_status(a, &st);
	ok(st.alarm, "the alarm stays until cleared");
	audit_alarm_clear(a);
	audit_status(a, &st);
	ok(!st.alarm, "cleared");
	verify_is(a, AUDIT_FAULT_NONE, 0, "the log is clean after the "
	    "failures");
	audit_close(a);
}

static void
test_fail_closed_tmpfs(void)
{
	char mnt[512], path[512];
	struct audit *a;
	struct audit_status st;
	struct audit_event ev[64];
	char big[AUDIT_RECIPIENTS_MAX];
	uint64_t done = 0;
	int i, ret = 0, tries;

	path_in(mnt, sizeof(mnt), "full");
	if (geteuid() != 0) {
		ok(1, "# SKIP not root: no tmpfs");
		return;
	}
	mkdir(mnt, 0700);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=512k") != 0) {
		ok(1, "# SKIP cannot mount a tmpfs: %s", strerror(errno));
		return;
	}
	path_in(path, sizeof(path), "full/audit.db");
	a = open_rw(path, &cfg100);
	memset(big, 'r', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 64; i++) {
		ev[i] = sample((size_t)i);
		ev[i].recipients = big;
	}
	for (tries = 0; tries < 1000; tries++) {
		if ((ret = audit_append(a, ev, 8, NULL)) != 0)
			break;
		done += 8;
	}
	is(ret, -ENOSPC, "a full filesystem fails the append with -ENOSPC");
	audit_status(a, &st);
	ok(st.alarm && st.last_error == -ENOSPC, "and raises the alarm");
	is(st.entries, done, "the failed group left nothing behind");
	audit_close(a);
	if (audit_open(&a, path, test_key, NULL, NULL, AUDIT_RDONLY) == 0) {
		verify_is(a, AUDIT_FAULT_NONE, 0, "after a full disk");
		audit_status(a, &st);
		is(st.entries, done, "every acknowledged entry is there");
		audit_close(a);
	} else
		ok(0, "reopen after a full disk");
	if (umount(mnt) != 0)
		diag("umount %s: %s", mnt, strerror(errno));
}

/* --- fixture maker ------------------------------------------------------ */

static int
populate(int argc, char **argv)
{
	struct audit *a;
	struct audit_config cfg;
	uint8_t key[32];
	char *buf;
	size_t len;
	long long count, every;
	int ret;

	if (argc != 6 || util_strtonum(argv[4], 0, 10000000, &count) != 0 ||
	    util_strtonum(argv[5], 0, 10000000, &every) != 0) {
		fprintf(stderr, "usage: t_audit.t populate DB KEYFILE COUNT "
		    "EVERY\n");
		return 2;
	}
	if (util_read_file(argv[3], 200, &buf, &len) != 0 ||
	    len < 64 || prim_from_hex(key, 32, buf, 64) != 0) {
		fprintf(stderr, "populate: bad key file\n");
		return 2;
	}
	free(buf);
	signer_setup();
	cfg.checkpoint_every = (uint64_t)every;
	cfg.checkpoint_secs = 0;
	if ((ret = audit_open(&a, argv[2], key, &signer, &cfg,
	    AUDIT_CREATE)) != 0) {
		fprintf(stderr, "populate: %s\n", strerror(-ret));
		return 1;
	}
	ret = append_n(a, (size_t)count, 50);
	audit_close(a);
	secmem_wipe(key, sizeof(key));
	if (ret != 0) {
		fprintf(stderr, "populate: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char cmd[600];

	if (secmem_init() != 0)
		BAIL_OUT("secmem_init");
	if (argc > 1 && strcmp(argv[1], "populate") == 0)
		return populate(argc, argv);
	snprintf(dir, sizeof(dir), "%s/t_audit.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		BAIL_OUT("mkdtemp");
	signer_setup();

	test_db();
	test_basic();
	test_query();
	test_tamper();
	test_forward_secure();
	test_checkpoints();
	test_fail_closed_injected();
	test_fail_closed_tmpfs();

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
