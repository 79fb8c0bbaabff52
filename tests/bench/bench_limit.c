/* SPDX-License-Identifier: ISC */
/*
 * bench_limit: the cryptographic limit of a message through two nodes,
 * measured with the raw primitives (crypto/prim.h, the only libsodium
 * wrapper) on a 4 KiB body for one recipient.  One message is
 *
 *	seal	(at the origin)	prim_aead_seal of the body with a fresh key
 *				and nonce, prim_seal of the key to the
 *				recipient, prim_sign over header || wrapped
 *				key || ciphertext
 *	open	(at the peer)	prim_verify, prim_seal_open of the key,
 *				prim_aead_open of the body
 *
 * done one after the other on one core, or in two processes at once (one
 * per core).  Whatever a node adds (framing, the store, the audit log, the
 * transport) comes on top, so a node can reach at most this rate.
 *
 * Prints the figures and appends crypto_limit_1core_msgs_per_s and
 * crypto_limit_2core_msgs_per_s to the file named by $BENCH_RESULTS.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"

#define BODY_BYTES	4096
#define HEADER_BYTES	120	/* about an envelope header's size */
#define WRAPPED_BYTES	(PRIM_AEAD_KEY_BYTES + PRIM_SEAL_OVERHEAD)
#define ROUNDS		5
#define ROUND_SECONDS	0.4
#define NPROCS		2

struct msg {
	uint8_t	body[BODY_BYTES];
	uint8_t	out[BODY_BYTES];
	/* header || wrapped key || ciphertext + tag: what is signed */
	uint8_t	wire[HEADER_BYTES + WRAPPED_BYTES + BODY_BYTES +
		    PRIM_AEAD_TAG_BYTES];
	uint8_t	nonce[PRIM_AEAD_NONCE_BYTES];
	uint8_t	sig[PRIM_SIG_BYTES];
	uint8_t	sign_pk[PRIM_SIGN_PK_BYTES], sign_sk[PRIM_SIGN_SK_BYTES];
	uint8_t	box_pk[PRIM_BOX_PK_BYTES], box_sk[PRIM_BOX_SK_BYTES];
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
	fprintf(stderr, "bench_limit: %s failed\n", what);
	exit(1);
}

static void
seal_one(struct msg *m)
{
	uint8_t key[PRIM_AEAD_KEY_BYTES];
	uint8_t *wrapped = m->wire + HEADER_BYTES;
	uint8_t *ct = wrapped + WRAPPED_BYTES;

	prim_random(key, sizeof(key));
	prim_random(m->nonce, sizeof(m->nonce));
	if (prim_aead_seal(ct, m->body, BODY_BYTES, m->wire, HEADER_BYTES,
	    m->nonce, key) != 0 ||
	    prim_seal(wrapped, key, sizeof(key), m->box_pk) != 0 ||
	    prim_sign(m->sig, m->wire, sizeof(m->wire), m->sign_sk) != 0)
		die("seal");
	secmem_wipe(key, sizeof(key));
}

static void
open_one(struct msg *m)
{
	uint8_t key[PRIM_AEAD_KEY_BYTES];
	uint8_t *wrapped = m->wire + HEADER_BYTES;
	uint8_t *ct = wrapped + WRAPPED_BYTES;

	if (prim_verify(m->sig, m->wire, sizeof(m->wire), m->sign_pk) != 0 ||
	    prim_seal_open(key, wrapped, WRAPPED_BYTES, m->box_pk,
	    m->box_sk) != 0 ||
	    prim_aead_open(m->out, ct, BODY_BYTES + PRIM_AEAD_TAG_BYTES,
	    m->wire, HEADER_BYTES, m->nonce, key) != 0)
		die("open");
	secmem_wipe(key, sizeof(key));
}

static void
setup(struct msg *m)
{
	uint8_t seed[32];

	memset(m, 0, sizeof(*m));
	memset(seed, 0x01, sizeof(seed));
	if (prim_sign_keypair(m->sign_pk, m->sign_sk, seed) != 0)
		die("keys");
	memset(seed, 0x02, sizeof(seed));
	if (prim_box_keypair(m->box_pk, m->box_sk, seed) != 0)
		die("keys");
	prim_random(m->body, sizeof(m->body));
	prim_random(m->wire, HEADER_BYTES);
}

/* Messages (seal then open) per second over one round of at least secs. */
static double
round_rate(struct msg *m, double secs)
{
	double t0 = now(), t;
	long n = 0;

	do {
		seal_one(m);
		open_one(m);
		n++;
	} while ((t = now() - t0) < secs);
	return (double)n / t;
}

/*
 * NPROCS processes run a round at the same time; each writes its rate to
 * the pipe.  The sum is the rate of the whole machine.
 */
static double
parallel_rate(struct msg *m)
{
	int fds[2];
	pid_t pids[NPROCS];
	double sum = 0, r;
	int i, st;

	if (pipe(fds) != 0)
		die("pipe");
	fflush(stdout);
	for (i = 0; i < NPROCS; i++) {
		if ((pids[i] = fork()) < 0)
			die("fork");
		if (pids[i] == 0) {
			close(fds[0]);
			r = round_rate(m, ROUND_SECONDS);
			if (write(fds[1], &r, sizeof(r)) != sizeof(r))
				_exit(1);
			_exit(0);
		}
	}
	close(fds[1]);
	for (i = 0; i < NPROCS; i++) {
		if (read(fds[0], &r, sizeof(r)) != sizeof(r))
			die("reading a child's rate");
		sum += r;
	}
	close(fds[0]);
	for (i = 0; i < NPROCS; i++)
		if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			die("a child");
	return sum;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(void)
{
	static struct msg m;
	double one[ROUNDS], two[ROUNDS], r1, r2;
	const char *path = getenv("BENCH_RESULTS");
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	FILE *res;
	int i;

	if (secmem_init() != 0)
		die("secmem_init");
	setup(&m);
	seal_one(&m);
	open_one(&m);
	/* Interleaved, so that the machine's noise hits both alike. */
	for (i = 0; i < ROUNDS; i++) {
		one[i] = round_rate(&m, ROUND_SECONDS);
		two[i] = parallel_rate(&m);
	}
	qsort(one, ROUNDS, sizeof(double), cmp_double);
	qsort(two, ROUNDS, sizeof(double), cmp_double);
	r1 = one[ROUNDS / 2];
	r2 = two[ROUNDS / 2];
	printf("%-52s %10s\n", "raw seal + open of 4 KiB, 1 recipient",
	    "msgs/s");
	printf("%-52s %10.0f\n", "crypto limit, one core", r1);
	printf("%-52s %10.0f\n", "crypto limit, two processes (two cores)", r2);
	if (ncpu < NPROCS)
		printf("  (this machine reports %ld online CPU)\n", ncpu);
	if (path != NULL) {
		if ((res = fopen(path, "a")) == NULL)
			die("opening $BENCH_RESULTS");
		fprintf(res, "crypto_limit_1core_msgs_per_s=%.0f\n"
		    "crypto_limit_2core_msgs_per_s=%.0f\n", r1, r2);
		fclose(res);
	}
	return 0;
}
