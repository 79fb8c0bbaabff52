/* SPDX-License-Identifier: ISC */
/*
 * bench_envelope: seal and open of 4 KiB bodies for 1 and 5 recipients,
 * next to the raw cost of the same primitives measured in the same run:
 *
 *	raw seal	prim_aead_seal of the body (the header as AD),
 *			prim_seal of the key per recipient, prim_sign over
 *			header || wrapped keys || ciphertext
 *	raw open	prim_verify over the same, prim_seal_open of one
 *			key, prim_aead_open of the body
 *
 * Also seal then open on one core, with a key agreement per envelope, with
 * the caches valised keeps (envelope_keys), and as valised seals a send
 * request: a batch of ENVELOPE_BATCH_MAX signed once, each envelope then
 * verified through the cache of verified roots.
 *
 * Target: the envelope costs at most 1.25x the raw primitives.  Each figure
 * is the median of ROUNDS interleaved rounds of at least ROUND_SECONDS, so
 * that the shared machine's noise hits both sides alike.  Figures go to
 * stdout and, as key=value lines, to the file named by $BENCH_RESULTS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/envelope.h"
#include "crypto/prim.h"
#include "crypto/secmem.h"

#define BODY_BYTES	4096
#define ROUNDS		7
#define ROUND_SECONDS	0.2
#define TARGET_RATIO	1.25
#define HEADER_BYTES	120	/* about an envelope header's size */

struct ctx {
	size_t			 nrcpts;
	struct envelope_params	 p;
	struct envelope_rcpt	 rcpts[5];
	uint8_t			 sign_pk[32], sign_sk[64];
	uint8_t			 box_pk[5][32], box_sk[5][32];
	uint8_t			 body[BODY_BYTES];
	uint8_t			*sealed;	/* an envelope to open */
	size_t			 sealed_len;
	/* The raw construction's buffers. */
	uint8_t			 raw[HEADER_BYTES + 5 * 80 + BODY_BYTES + 16];
	size_t			 raw_len;
	uint8_t			 raw_sig[64];
	uint8_t			 out[BODY_BYTES];
	/* Key agreements kept across envelopes, as valised keeps them. */
	struct envelope_keys	*seal_keys, *open_keys;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_envelope: %s failed\n", what);
	exit(1);
}

static void
env_seal(struct ctx *c)
{
	uint8_t *w;
	size_t len;

	if (envelope_seal(&c->p, c->sign_sk, c->body, BODY_BYTES, &w, &len,
	    NULL) != 0)
		die("envelope_seal");
	free(w);
}

static void
env_open(struct ctx *c)
{
	struct envelope *env = NULL;
	uint8_t *body = NULL;
	size_t len = 0;

	if (envelope_parse(c->sealed, c->sealed_len, 0, &env) != 0 ||
	    envelope_verify(env, c->sign_pk) != 0 ||
	    envelope_open(env, "N0", c->box_pk[0], c->box_sk[0], &body,
	    &len) != 0)
		die("envelope open");
	envelope_body_free(&body, len);
	envelope_free(&env);
}

static void
raw_seal(struct ctx *c)
{
	uint8_t key[32], nonce[24];
	uint8_t *keys = c->raw + HEADER_BYTES;
	uint8_t *ct = keys + c->nrcpts * 80;
	size_t i;

	prim_random(key, sizeof(key));
	prim_random(nonce, sizeof(nonce));
	if (prim_aead_seal(ct, c->body, BODY_BYTES, c->raw, HEADER_BYTES,
	    nonce, key) != 0)
		die("prim_aead_seal");
	for (i = 0; i < c->nrcpts; i++)
		if (prim_seal(keys + i * 80, key, 32, c->box_pk[i]) != 0)
			die("prim_seal");
	c->raw_len = HEADER_BYTES + c->nrcpts * 80 + BODY_BYTES + 16;
	if (prim_sign(c->raw_sig, c->raw, c->raw_len, c->sign_sk) != 0)
		die("prim_sign");
	secmem_wipe(key, sizeof(key));
}

static void
raw_open(struct ctx *c)
{
	static const uint8_t nonce[24];
	uint8_t key[32];
	uint8_t *keys = c->raw + HEADER_BYTES;
	uint8_t *ct = keys + c->nrcpts * 80;

	if (prim_verify(c->raw_sig, c->raw, c->raw_len, c->sign_pk) != 0)
		die("prim_verify");
	if (prim_seal_open(key, keys, 80, c->box_pk[0], c->box_sk[0]) != 0)
		die("prim_seal_open");
	/* The tag fails (the nonce is not the seal's): the whole body is
	 * still authenticated, which is the cost being measured. */
	(void)!prim_aead_open(c->out, ct, BODY_BYTES + 16, c->raw,
	    HEADER_BYTES, nonce, key);
}

/* Parse, verify and open w as N0, with the key caches or without. */
static void
open_one(struct ctx *c, const uint8_t *w, size_t len, bool cached)
{
	struct envelope *env = NULL;
	uint8_t *body = NULL;
	size_t blen = 0;

	if (envelope_parse(w, len, 0, &env) != 0 ||
	    envelope_verify_cached(env, c->sign_pk,
	    cached ? c->open_keys : NULL) != 0 ||
	    envelope_open_cached(env, "N0", c->box_pk[0], c->box_sk[0],
	    cached ? c->open_keys : NULL, &body, &blen) != 0)
		die("open");
	envelope_body_free(&body, blen);
	envelope_free(&env);
}

/* Seal and open, with the key caches (cached) or a key agreement per
 * envelope. */
static void
seal_open(struct ctx *c, bool cached)
{
	struct envelope_params p = c->p;
	uint8_t *w;
	size_t len;

	p.keys = cached ? c->seal_keys : NULL;
	if (envelope_seal(&p, c->sign_sk, c->body, BODY_BYTES, &w, &len,
	    NULL) != 0)
		die("envelope_seal");
	open_one(c, w, len, cached);
	free(w);
}

/* A send request's worth, as valised seals it: ENVELOPE_BATCH_MAX drafts
 * signed once, then each opened with the caches. */
static void
seal_open_batch(struct ctx *c)
{
	static struct envelope_draft dr[ENVELOPE_BATCH_MAX];
	struct envelope_params p = c->p;
	size_t i;

	p.keys = c->seal_keys;
	for (i = 0; i < ENVELOPE_BATCH_MAX; i++)
		if (envelope_draft(&p, c->body, BODY_BYTES, &dr[i]) != 0)
			die("envelope_draft");
	if (envelope_sign_batch(dr, ENVELOPE_BATCH_MAX, c->sign_sk) != 0)
		die("envelope_sign_batch");
	for (i = 0; i < ENVELOPE_BATCH_MAX; i++) {
		open_one(c, dr[i].wire, dr[i].len, true);
		envelope_draft_free(&dr[i]);
	}
}

static void
seal_and_open(struct ctx *c)
{
	seal_open(c, false);
}

static void
seal_and_open_cached(struct ctx *c)
{
	seal_open(c, true);
}

/* Operations per second of fn over one round. */
static double
round_rate(void (*fn)(struct ctx *), struct ctx *c)
{
	double t0 = now(), t;
	long n = 0;

	do {
		fn(c);
		n++;
	} while ((t = now() - t0) < ROUND_SECONDS);
	return (double)n / t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v)
{
	qsort(v, ROUNDS, sizeof(*v), cmp_double);
	return v[ROUNDS / 2];
}

static void
setup(struct ctx *c, size_t nrcpts)
{
	static char names[5][4];
	uint8_t seed[32];
	size_t i;

	envelope_keys_free(&c->seal_keys);
	envelope_keys_free(&c->open_keys);
	memset(c, 0, sizeof(*c));
	c->nrcpts = nrcpts;
	if (envelope_keys_new(&c->seal_keys) != 0 ||
	    envelope_keys_new(&c->open_keys) != 0)
		die("envelope_keys_new");
	memset(seed, 0x01, sizeof(seed));
	if (prim_sign_keypair(c->sign_pk, c->sign_sk, seed) != 0)
		die("keys");
	for (i = 0; i < nrcpts; i++) {
		memset(seed, (int)(0x10 + i), sizeof(seed));
		if (prim_box_keypair(c->box_pk[i], c->box_sk[i], seed) != 0)
			die("keys");
		snprintf(names[i], sizeof(names[i]), "N%zu", i);
		c->rcpts[i].addr = names[i];
		c->rcpts[i].box_pk = c->box_pk[i];
	}
	prim_random(c->body, sizeof(c->body));
	prim_random(c->raw, HEADER_BYTES);
	c->p.origin = "BE-MFA";
	c->p.rcpts = c->rcpts;
	c->p.nrcpts = nrcpts;
	c->p.label = "NATO SECRET//REL TO BEL,NLD";
	c->p.precedence = ENVELOPE_ROUTINE;
	c->p.created = 1798761600;
	c->p.expires = 1798761600 + 86400;
	if (envelope_seal(&c->p, c->sign_sk, c->body, BODY_BYTES, &c->sealed,
	    &c->sealed_len, NULL) != 0)
		die("envelope_seal");
	raw_seal(c);
}

int
main(void)
{
	static struct ctx c;
	static const size_t counts[] = { 1, 5 };
	double es[ROUNDS], eo[ROUNDS], rs[ROUNDS], ro[ROUNDS], lim[ROUNDS];
	double cl[ROUNDS], bt[ROUNDS];
	double r_es, r_eo, r_rs, r_ro, r_lim = 0, r_cl = 0, r_bt = 0;
	const char *path = getenv("BENCH_RESULTS");
	FILE *res = NULL;
	size_t k, i;

	if (secmem_init() != 0)
		die("secmem_init");
	if (path != NULL && (res = fopen(path, "a")) == NULL)
		die("opening $BENCH_RESULTS");
	printf("%-28s %12s %12s %7s %7s\n", "4 KiB body", "envelope/s",
	    "raw/s", "ratio", "target");
	for (k = 0; k < 2; k++) {
		setup(&c, counts[k]);
		for (i = 0; i < ROUNDS; i++) {
			es[i] = round_rate(env_seal, &c);
			rs[i] = round_rate(raw_seal, &c);
			eo[i] = round_rate(env_open, &c);
			ro[i] = round_rate(raw_open, &c);
			if (k == 0) {
				lim[i] = round_rate(seal_and_open, &c);
				cl[i] = round_rate(seal_and_open_cached, &c);
				bt[i] = ENVELOPE_BATCH_MAX *
				    round_rate(seal_open_batch, &c);
			}
		}
		r_es = median(es);
		r_rs = median(rs);
		r_eo = median(eo);
		r_ro = median(ro);
		if (k == 0) {
			r_lim = median(lim);
			r_cl = median(cl);
			r_bt = median(bt);
		}
		printf("seal, %zu recipient%-9s %12.0f %12.0f %6.2fx %6.2fx\n",
		    counts[k], counts[k] > 1 ? "s" : "", r_es, r_rs,
		    r_rs / r_es, TARGET_RATIO);
		printf("open, %zu recipient%-9s %12.0f %12.0f %6.2fx %6.2fx\n",
		    counts[k], counts[k] > 1 ? "s" : "", r_eo, r_ro,
		    r_ro / r_eo, TARGET_RATIO);
		printf("  (envelope of %zu bytes)\n", c.sealed_len);
		if (res != NULL)
			fprintf(res, "envelope_seal_%zu_per_s=%.0f\n"
			    "envelope_open_%zu_per_s=%.0f\n"
			    "raw_seal_%zu_per_s=%.0f\nraw_open_%zu_per_s=%.0f\n"
			    "envelope_seal_%zu_ratio=%.3f\n"
			    "envelope_open_%zu_ratio=%.3f\n"
			    "envelope_bytes_4k_%zu=%zu\n",
			    counts[k], r_es, counts[k], r_eo, counts[k], r_rs,
			    counts[k], r_ro, counts[k], r_rs / r_es, counts[k],
			    r_ro / r_eo, counts[k], c.sealed_len);
		free(c.sealed);
	}
	envelope_keys_free(&c.seal_keys);
	envelope_keys_free(&c.open_keys);
	printf("envelope seal then open, one core, 1 recipient: "
	    "%.0f msgs/s\n", r_lim);
	printf("  the same with key agreements cached: %.0f msgs/s\n", r_cl);
	printf("  and signed %d at a time (as valised): %.0f msgs/s\n",
	    ENVELOPE_BATCH_MAX, r_bt);
	/* The raw limit (crypto_limit_*) is bench_limit's. */
	if (res != NULL) {
		fprintf(res, "envelope_seal_open_1core_msgs_per_s=%.0f\n"
		    "envelope_seal_open_cached_1core_msgs_per_s=%.0f\n"
		    "envelope_seal_open_batch_1core_msgs_per_s=%.0f\n",
		    r_lim, r_cl, r_bt);
		fclose(res);
	}
	return 0;
}
