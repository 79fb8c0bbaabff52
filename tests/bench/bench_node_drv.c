/* SPDX-License-Identifier: ISC */
/*
 * bench_node_drv: a helper of bench_node.sh (run.sh does not run it on its
 * own).  It watches the receiving node's message store directly, read-only
 * (SQLCipher in WAL mode lets a reader in beside the daemon), so that what
 * it sees is what the node has committed: a store commit in WAL mode is
 * visible to other connections only once its frames are synced (synchronous
 * = FULL), and the daemon commits the audit log before the store.  The key
 * is derived from the node's secret, as the daemon does.
 *
 *	bench_node_drv wait CONF N SECS
 *		print the wall-clock time (seconds, ns precision) at which
 *		CONF's inbox first held N messages; exit 1 after SECS
 *
 *	bench_node_drv latency CONF_FROM CONF_TO RATE N
 *		submit N messages of 4 KiB to CONF_TO's node through
 *		CONF_FROM's control socket, one request per message, paced
 *		at RATE per second (each as soon as possible when behind)
 *		over LAT_CONNS connections, so that a reply slower than
 *		1/RATE does not lower the rate offered (as officers on
 *		several terminals), while another thread polls CONF_TO's
 *		inbox every POLL_US;
 *		prints "p50_ms p99_ms max_ms achieved_per_s" where each
 *		latency is from the reply (the id: durably queued and
 *		audited at the origin) to the message being seen committed
 *		in the peer's inbox
 *
 * Resolution: the poll period plus one query, about 0.1-0.3 ms here.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "keys/identity.h"
#include "keys/keyfile.h"
#include "node/client.h"
#include "node/conf.h"
#include "node/db.h"
#include "node/util.h"

#define DRV_BODY_BYTES	4096
#define DRV_MSGS_MAX	100000
#define POLL_US		100
#define ID_BYTES	32
#define LAT_CONNS	4	/* control connections submitting at once */

struct sample {
	uint8_t	id[ID_BYTES];
	bool	has_id;
	double	acked;		/* 0: not yet */
	double	seen;		/* 0: not yet */
};

static struct sample *samples;
static size_t nsamples;
static size_t nseen;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;
static volatile int polling;	/* the poller has its starting rowid */

/* Ids seen before their reply was read (rare: the reply is sent first). */
static struct {
	uint8_t	id[ID_BYTES];
	double	seen;
} early[1024];
static size_t nearly;

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, int r)
{
	fprintf(stderr, "bench_node_drv: %s: %s\n", what,
	    r ? strerror(r < 0 ? -r : r) : "failed");
	exit(1);
}

/* Open the store of the node configured at path, read-only. */
static struct db *
open_store(const char *path)
{
	struct conf_errors errs;
	struct conf *conf = NULL;
	struct identity *id = NULL;
	uint8_t key[IDENTITY_DB_KEY_BYTES];
	char p[CONF_PATH_MAX + 32];
	struct db *db = NULL;
	int r;

	if ((r = conf_load(path, &conf, &errs)) != 0)
		die(path, r);
	snprintf(p, sizeof(p), "%s/%s", conf->key_dir, KEYFILE_NAME);
	if ((r = keyfile_load(p, NULL, 0, &id)) != 0)
		die(p, r);
	if ((r = identity_db_key(id, "store", key)) != 0)
		die("store key", r);
	identity_free(&id);
	snprintf(p, sizeof(p), "%s/store.db", conf->state_dir);
	r = db_open(&db, p, key, DB_RDONLY);
	secmem_wipe(key, sizeof(key));
	if (r != 0)
		die(p, r);
	conf_free(&conf);
	return db;
}

static int64_t
max_rowid(struct db *db, struct db_stmt *st)
{
	int64_t v = 0;
	int r;

	if ((r = db_step(st)) == DB_ROW)
		v = db_col_int(st, 0);
	else if (r < 0 && r != -EAGAIN)
		die("max(rowid)", r);
	db_reset(st);
	(void)db;
	return v;
}

static int
cmd_wait(const char *conf, long n, long secs)
{
	struct db *db = open_store(conf);
	struct db_stmt *st = NULL;
	double deadline = wall() + (double)secs;
	int r;

	/* Rows are only added during a benchmark: max(rowid) is the count,
	 * found in O(log n) instead of a scan. */
	if ((r = db_prepare(db, &st, "SELECT max(rowid) FROM inbox")) != 0)
		die("prepare", r);
	while (wall() < deadline) {
		if (max_rowid(db, st) >= n) {
			printf("%.6f\n", wall());
			db_finalize(st);
			db_close(db);
			return 0;
		}
		usleep(1000);
	}
	db_finalize(st);
	db_close(db);
	fprintf(stderr, "bench_node_drv: %ld messages not in the inbox after "
	    "%ld s\n", n, secs);
	return 1;
}

static void
record_seen(const uint8_t *id, double t)
{
	size_t i;

	pthread_mutex_lock(&mu);
	for (i = nsamples; i-- > 0;)
		if (samples[i].has_id &&
		    memcmp(samples[i].id, id, ID_BYTES) == 0) {
			if (samples[i].seen == 0) {
				samples[i].seen = t;
				nseen++;
			}
			pthread_mutex_unlock(&mu);
			return;
		}
	if (nearly < sizeof(early) / sizeof(early[0])) {
		memcpy(early[nearly].id, id, ID_BYTES);
		early[nearly++].seen = t;
	}
	pthread_mutex_unlock(&mu);
}

static void *
poller(void *arg)
{
	struct db *db = arg;
	struct db_stmt *st = NULL;
	int64_t last = 0;
	const void *id;
	size_t len;
	double t;
	int r;

	/* Only what arrives from now on: earlier messages are not ours. */
	if ((r = db_prepare(db, &st, "SELECT max(rowid) FROM inbox")) != 0)
		die("prepare", r);
	last = max_rowid(db, st);
	db_finalize(st);
	if ((r = db_prepare(db, &st, "SELECT rowid, id FROM inbox WHERE "
	    "rowid > ?1 ORDER BY rowid")) != 0)
		die("prepare", r);
	polling = 1;
	while (!stop) {
		db_bind_int(st, 1, last);
		t = wall();
		while ((r = db_step(st)) == DB_ROW) {
			last = db_col_int(st, 0);
			id = db_col_blob(st, 1, &len);
			if (len == ID_BYTES)
				record_seen(id, t);
		}
		if (r < 0 && r != -EAGAIN)
			die("polling the inbox", r);
		db_reset(st);
		usleep(POLL_US);
	}
	db_finalize(st);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One control connection submitting samples i = first, first + step, ... */
struct sender {
	const char	*from;
	const char	*to_name;
	double		 t0, rate;
	size_t		 first, step;
	double		 last_acked;
};

static void *
sender(void *arg)
{
	struct sender *s = arg;
	struct client_conn c;
	struct ctl_msg *req, *item, *t, *reply;
	uint8_t body[DRV_BODY_BYTES];
	char subject[64];
	const char *hex;
	double due, acked;
	size_t i, k;

	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)('a' + i % 26);
	if (client_open(&c, "bench", s->from) != EXIT_OK)
		die("connecting to the node", ECONNREFUSED);
	for (i = s->first; i < nsamples; i += s->step) {
		due = s->t0 + (double)i / s->rate;
		while (wall() < due)
			usleep((useconds_t)((due - wall()) * 1e6) + 1);
		req = ctl_msg_new();
		item = ctl_msg_add(req, "items");
		t = item ? ctl_msg_add(item, "to") : NULL;
		snprintf(subject, sizeof(subject), "latency %zu", i);
		if (t == NULL || ctl_msg_set_str(req, "op", "send") != 0 ||
		    ctl_msg_set_str(t, "addr", s->to_name) != 0 ||
		    ctl_msg_set_str(item, "label", "BE:SECRET") != 0 ||
		    ctl_msg_set_str(item, "subject", subject) != 0 ||
		    ctl_msg_set_bytes(item, "body", body, sizeof(body)) != 0)
			die("building a request", ENOMEM);
		if (client_call(&c, "bench", req, &reply) != EXIT_OK)
			die("send", EIO);
		acked = wall();
		ctl_msg_free(&req);
		hex = ctl_msg_str(ctl_msg_item(reply, "ids", 0), "id");
		pthread_mutex_lock(&mu);
		if (hex == NULL || prim_from_hex(samples[i].id, ID_BYTES, hex,
		    strlen(hex)) != 0)
			die("reply without an id", EBADMSG);
		samples[i].acked = acked;
		samples[i].has_id = true;
		for (k = 0; k < nearly; k++)
			if (memcmp(early[k].id, samples[i].id, ID_BYTES) == 0) {
				samples[i].seen = early[k].seen;
				nseen++;
			}
		pthread_mutex_unlock(&mu);
		ctl_msg_free(&reply);
		s->last_acked = acked;
	}
	client_close(&c);
	return NULL;
}

static int
cmd_latency(const char *from, const char *to, double rate, long n)
{
	struct db *db = open_store(to);
	struct conf_errors errs;
	struct conf *tconf = NULL;
	struct sender snd[LAT_CONNS];
	pthread_t th, sth[LAT_CONNS];
	double t0, *lat, acked;
	size_t i, k, m;
	int r;

	if ((r = conf_load(to, &tconf, &errs)) != 0)
		die(to, r);
	if ((samples = calloc((size_t)n, sizeof(*samples))) == NULL ||
	    (lat = calloc((size_t)n, sizeof(*lat))) == NULL)
		die("calloc", ENOMEM);
	nsamples = (size_t)n;
	if ((r = pthread_create(&th, NULL, poller, db)) != 0)
		die("pthread_create", r);
	while (!polling)
		usleep(1000);
	t0 = wall();
	for (k = 0; k < LAT_CONNS; k++) {
		snd[k] = (struct sender){ .from = from, .to_name = tconf->name,
		    .t0 = t0, .rate = rate, .first = k, .step = LAT_CONNS };
		if ((r = pthread_create(&sth[k], NULL, sender, &snd[k])) != 0)
			die("pthread_create", r);
	}
	acked = t0;
	for (k = 0; k < LAT_CONNS; k++) {
		pthread_join(sth[k], NULL);
		if (snd[k].last_acked > acked)
			acked = snd[k].last_acked;
	}
	/* Let the last ones arrive (30 s at most). */
	for (k = 0; k < 30000; k++) {
		pthread_mutex_lock(&mu);
		m = nseen;
		pthread_mutex_unlock(&mu);
		if (m >= (size_t)n)
			break;
		usleep(1000);
	}
	stop = 1;
	pthread_join(th, NULL);
	db_close(db);
	for (i = 0, m = 0; i < (size_t)n; i++)
		if (samples[i].seen > 0) {
			lat[m] = samples[i].seen - samples[i].acked;
			if (lat[m] < 0)
				lat[m] = 0;
			m++;
		}
	if (m < (size_t)n) {
		fprintf(stderr, "bench_node_drv: only %zu of %ld messages "
		    "arrived; missing:", m, n);
		for (i = 0; i < (size_t)n; i++)
			if (samples[i].seen == 0)
				fprintf(stderr, " %zu", i);
		fprintf(stderr, "\n");
		return 1;
	}
	qsort(lat, m, sizeof(*lat), cmp_double);
	printf("%.3f %.3f %.3f %.0f\n", lat[m / 2] * 1e3,
	    lat[(m * 99) / 100] * 1e3, lat[m - 1] * 1e3,
	    (double)n / (acked - t0));
	conf_free(&tconf);
	free(lat);
	free(samples);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_node_drv wait CONF N SECS\n"
	    "       bench_node_drv latency CONF_FROM CONF_TO RATE N\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	long n;

	if (secmem_init() != 0)
		die("secmem_init", 0);
	if (argc == 5 && strcmp(argv[1], "wait") == 0)
		return cmd_wait(argv[2], strtol(argv[3], NULL, 10),
		    strtol(argv[4], NULL, 10));
	if (argc == 6 && strcmp(argv[1], "latency") == 0) {
		n = strtol(argv[5], NULL, 10);
		if (n < 1 || n > DRV_MSGS_MAX)
			usage();
		return cmd_latency(argv[2], argv[3], strtod(argv[4], NULL), n);
	}
	usage();
	return 2;
}
