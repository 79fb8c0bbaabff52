/* SPDX-License-Identifier: ISC */
/*
 * bench_audit: appends per second with group commit (target >= 40,000/s)
 * and the time to verify a log of 1,000,000 entries (target <= 10 s), on
 * a real file in $TMPDIR with synchronous=FULL.
 *
 * Appends go in groups of AUDIT_BENCH_GROUP events, one transaction and one
 * fsync each: the daemon acknowledges a batch of messages after one commit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "node/audit.h"

#define AUDIT_BENCH_ENTRIES	1000000
#define AUDIT_BENCH_GROUP	1000

static uint8_t sk[PRIM_SIGN_SK_BYTES];

static int
sign(void *ctx, uint8_t sig[AUDIT_SIG_BYTES], const uint8_t *m, size_t mlen)
{
	(void)ctx;
	return prim_sign(sig, m, mlen, sk);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	static struct audit_event ev[AUDIT_BENCH_GROUP];
	static char ids[AUDIT_BENCH_GROUP][24];
	struct audit_signer signer;
	struct audit_config cfg = { 10000, 60 };
	struct audit_verify_result res;
	struct audit *a;
	uint8_t key[AUDIT_KEY_BYTES], seed[32];
	char dir[256], path[300], cmd[320];
	const char *out;
	double t0, append_s, verify_s, rate;
	size_t i, done;
	FILE *f;
	int ret;

	if (secmem_init() != 0)
		return 1;
	snprintf(dir, sizeof(dir), "%s/bench_audit.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/audit.db", dir);
	prim_random(key, sizeof(key));
	prim_random(seed, sizeof(seed));
	prim_sign_keypair(signer.pk, sk, seed);
	signer.sign = sign;
	signer.ctx = NULL;
	if ((ret = audit_open(&a, path, key, &signer, &cfg,
	    AUDIT_CREATE)) != 0) {
		fprintf(stderr, "bench_audit: open: %s\n", strerror(-ret));
		return 1;
	}
	for (i = 0; i < AUDIT_BENCH_GROUP; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		snprintf(ids[i], sizeof(ids[i]), "%016zx", i * 2654435761u);
		ev[i].type = (enum audit_event_type)(1 + i % AUDIT_EV_MAX);
		ev[i].msg_id = ids[i];
		ev[i].origin = "node-a.defense.be";
		ev[i].next_hop = "node-b.finances.be";
		ev[i].recipients = "j.peeters@finances,m.dubois@defense";
		ev[i].login = "jpeeters";
		ev[i].uid = 1001;
		ev[i].label = "CONFIDENTIEL / VERTROUWELIJK";
		ev[i].precedence = "priority";
		ev[i].decision = "allow";
		ev[i].rule = "rule-12";
		ev[i].policy_hash = "3f2a9c0e5d1b4a7f8e6d5c4b3a291807";
		ev[i].peer_fpr = "b3c1f0aa9e2d4c6b";
	}
	t0 = now();
	for (done = 0; done < AUDIT_BENCH_ENTRIES; done += AUDIT_BENCH_GROUP)
		if ((ret = audit_append(a, ev, AUDIT_BENCH_GROUP, NULL)) != 0) {
			fprintf(stderr, "bench_audit: append: %s\n",
			    strerror(-ret));
			return 1;
		}
	append_s = now() - t0;
	audit_close(a);
	rate = AUDIT_BENCH_ENTRIES / append_s;

	if ((ret = audit_open(&a, path, key, NULL, NULL, AUDIT_RDONLY)) != 0)
		return 1;
	t0 = now();
	ret = audit_verify(a, key, NULL, NULL, &res);
	verify_s = now() - t0;
	audit_close(a);
	if (ret != 0 || res.fault != AUDIT_FAULT_NONE ||
	    res.entries != AUDIT_BENCH_ENTRIES) {
		fprintf(stderr, "bench_audit: verify failed: %d %s\n", ret,
		    res.what);
		return 1;
	}

	printf("%-44s %14s %12s\n", "figure", "value", "target");
	printf("%-44s %14.0f %12s%s\n",
	    "audit appends/s (groups of 1000, FULL)", rate, ">= 40000",
	    rate >= 40000 ? "" : "  MISSED");
	printf("%-44s %14.2f %12s%s\n", "audit verify 1,000,000 entries (s)",
	    verify_s, "<= 10", verify_s <= 10 ? "" : "  MISSED");
	if ((out = getenv("BENCH_RESULTS")) != NULL &&
	    (f = fopen(out, "a")) != NULL) {
		fprintf(f, "audit_append_per_s=%.0f\n", rate);
		fprintf(f, "audit_verify_1m_s=%.2f\n", verify_s);
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_audit: could not remove %s\n", dir);
	secmem_wipe(key, sizeof(key));
	secmem_wipe(sk, sizeof(sk));
	/* A missed target is reported, not an error: machines are shared. */
	return 0;
}
