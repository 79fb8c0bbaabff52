/* SPDX-License-Identifier: ISC */
/*
 * t_transport: CURVE between nodes on loopback: a known peer gets through
 * and is named; an unknown key, a wrong server key, a peer without a ZAP
 * handler and an oversized frame do not; revocation by rebind cuts a live
 * connection; a DEALER that libzmq gave up on after a protocol error is
 * replaced and reaches its peer again; a node that is busy elsewhere keeps
 * reading its peers' connections (libzmq#4364).
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "node/transport.h"
#include "tests/tap.h"

struct kp {
	uint8_t pk[32], sk[32];
};

static void
mkkey(struct kp *k, uint8_t seed_byte)
{
	uint8_t seed[PRIM_BOX_SEED_BYTES];

	memset(seed, seed_byte, sizeof(seed));
	if (prim_box_keypair(k->pk, k->sk, seed) != 0)
		BAIL_OUT("keypair");
}

static struct transport *
node(const char *listen, const struct kp *k, bool no_zap, bool no_enforce)
{
	struct transport_opts o = { .listen = listen, .no_zap = no_zap,
	    .no_enforce = no_enforce,
	    .heartbeat_ms = 200, .handshake_ms = 1000, .revive_ms = 1500 };
	struct transport *t;
	int r;

	memcpy(o.public_key, k->pk, 32);
	memcpy(o.secret_key, k->sk, 32);
	if ((r = transport_new(&o, &t)) != 0)
		BAIL_OUT("transport_new %s: %s", listen, strerror(-r));
	return t;
}

/* Ports from the pid, so that concurrent runs of the suite do not clash. */
static char ep[7][64];
static int port6;

static void
pick_ports(void)
{
	int base = 20000 + (int)(getpid() % 4000) * 8, i;

	for (i = 1; i <= 6; i++)
		snprintf(ep[i], sizeof(ep[i]), "tcp://127.0.0.1:%d", base + i);
	port6 = base + 6;
}

/* Waits are longer under valgrind (VALISE_SLOW, tests/valgrind.sh). */
static long
slow(long ms)
{
	const char *v = getenv("VALISE_SLOW");

	return v != NULL && atoi(v) > 1 ? ms * atoi(v) : ms;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Keep sending `msg` from `from` to `peer` (it is dropped until the
 * handshake completes) and pump both ends for up to ms milliseconds.
 * Returns the receive status at `to` (0 when a frame arrived).
 */
static int
exchange(struct transport *from, const char *peer, struct transport *to,
    const char *msg, int ms, struct transport_msg *got)
{
	long end = now_ms() + ms;
	int r = -EAGAIN, last = -EAGAIN;

	while (now_ms() < end) {
		transport_send(from, peer, (const uint8_t *)msg, strlen(msg));
		transport_poll(from, 10, NULL, NULL, 0);
		transport_poll(to, 10, NULL, NULL, 0);
		while ((r = transport_recv(to, got)) != -EAGAIN) {
			if (r == 0)
				return 0;
			last = r;
		}
	}
	return last;
}

/*
 * Be a peer that does not speak ZMTP: accept the DEALER's connection on
 * port6 and answer junk, which libzmq takes as a protocol error.  1 when
 * the junk was sent.
 */
static int
speak_junk(struct transport *t)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port6),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char junk[64];
	long end;
	int ls, fd = -1, one = 1, sent = 0;

	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 0;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(ls, 4) != 0 || fcntl(ls, F_SETFL, O_NONBLOCK) != 0)
		goto out;
	for (end = now_ms() + 3000; fd < 0 && now_ms() < end; ) {
		transport_poll(t, 10, NULL, NULL, 0);
		fd = accept(ls, NULL, NULL);
	}
	if (fd < 0)
		goto out;
	memset(junk, 'x', sizeof(junk));
	sent = write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk);
	for (end = now_ms() + 300; now_ms() < end; )
		transport_poll(t, 10, NULL, NULL, 0);
	close(fd);
out:
	close(ls);
	return sent;
}

int
main(void)
{
	struct kp a, b, c;
	struct transport *ta, *tb, *tc, *tn, *tg;
	struct transport_msg m;
	struct transport_stats st;
	uint8_t *big;
	int r;

	if (secmem_init() != 0)
		BAIL_OUT("secmem_init");
	pick_ports();
	mkkey(&a, 1);
	mkkey(&b, 2);
	mkkey(&c, 3);

	ta = node(ep[1], &a, false, false);
	tb = node(ep[2], &b, false, false);
	tc = node(ep[3], &c, false, false);
	note("ZAP domain enforcement offered by libzmq: %s",
	    transport_zap_enforced(ta) ? "yes" : "no");
	ok(transport_allow(ta, "NODE-B", b.pk) == 0, "A allows B");

	/* B, known, reaches A and is named by A's ZAP handler. */
	transport_connect(tb, "NODE-A", ep[1], a.pk);
	r = exchange(tb, "NODE-A", ta, "hello", 3000, &m);
	is(r, 0, "a known peer's frame arrives");
	is_str(m.peer, "NODE-B", "named by its key, not by anything it says");
	is(m.dir, TRANSPORT_INBOUND, "inbound on the ROUTER");
	ok(m.len == 5 && memcmp(m.data, "hello", 5) == 0, "payload intact");
	is(transport_reply(ta, &m, (const uint8_t *)"ack", 3), 0, "reply");
	transport_msg_clear(&m);
	{
		long end = now_ms() + 2000;
		r = -EAGAIN;
		while (now_ms() < end && r != 0) {
			transport_poll(tb, 10, NULL, NULL, 0);
			r = transport_recv(tb, &m);
		}
	}
	is(r, 0, "the reply comes back");
	ok(transport_peer_up(tb, "NODE-A"), "B's link to A is up (handshake seen)");
	ok(!transport_peer_up(tb, "NODE-X"), "no link to an unknown peer");
	ok(r == 0 && m.dir == TRANSPORT_REPLY && strcmp(m.peer, "NODE-A") == 0
	    && m.len == 3, "on B's DEALER to A");
	transport_msg_clear(&m);

	/* C, unknown to A, is refused by the handler. */
	transport_connect(tc, "NODE-A", ep[1], a.pk);
	r = exchange(tc, "NODE-A", ta, "intruder", 800, &m);
	ok(r != 0, "an unknown key gets nothing through");
	transport_stats(ta, &st);
	ok(st.zap_refused >= 1, "and the ZAP handler refused it");

	/* B pinned to the wrong server key: the handshake fails. */
	transport_connect(tb, "NODE-C", ep[3], a.pk);
	transport_allow(tc, "NODE-B", b.pk);
	r = exchange(tb, "NODE-C", tc, "pinned", 800, &m);
	ok(r != 0, "a server with another key than the pinned one is not used");

	/* A node whose ZAP handler is not running refuses unknown keys when
	 * libzmq enforces the domain ... */
	tn = node(ep[4], &a, true, false);
	transport_allow(tn, "NODE-B", b.pk);
	transport_connect(tc, "NODE-N", ep[4], a.pk);
	r = exchange(tc, "NODE-N", tn, "no-zap", 1000, &m);
	if (transport_zap_enforced(tn))
		ok(r != 0, "no handler, domain enforced: unknown key refused");
	else
		is(r, -EACCES, "no handler: unknown key refused");
	transport_free(&tn);

	/* ... and when it does not (libzmq 4.3 then lets any key in), no
	 * frame without our handler's User-Id is accepted. */
	tn = node(ep[5], &a, true, true);
	transport_allow(tn, "NODE-B", b.pk);
	ok(!transport_zap_enforced(tn), "enforcement off for this node");
	transport_connect(tc, "NODE-N2", ep[5], a.pk);
	r = exchange(tc, "NODE-N2", tn, "no-zap", 1500, &m);
	is(r, -EACCES, "no handler, no enforcement: an unknown key's frame is "
	    "refused as unauthenticated");
	transport_connect(tb, "NODE-N2", ep[5], a.pk);
	r = exchange(tb, "NODE-N2", tn, "no-zap", 1500, &m);
	is(r, -EACCES, "and so is a known key's, with no handler to vouch");
	transport_stats(tn, &st);
	ok(st.zap_accepted == 0 && st.unauthenticated >= 2,
	    "counted as unauthenticated");
	transport_free(&tn);

	/* An oversized frame is dropped by libzmq before it is buffered. */
	big = calloc(1, TRANSPORT_FRAME_MAX + 1);
	is(transport_send(tb, "NODE-A", big, TRANSPORT_FRAME_MAX + 1),
	    -EMSGSIZE, "we refuse to send an oversized frame");
	free(big);

	/* A peer that answers junk: libzmq 4.3 ends the DEALER's session
	 * on the protocol error and never reconnects it; the transport
	 * replaces it, so B reaches the real G that listens there next. */
	transport_connect(tb, "NODE-G", ep[6], c.pk);
	ok(speak_junk(tb), "a junk peer took B's connection and answered junk");
	tg = node(ep[6], &c, false, false);
	transport_allow(tg, "NODE-B", b.pk);
	r = exchange(tb, "NODE-G", tg, "revived", 6000, &m);
	is(r, 0, "after the protocol error B's DEALER is replaced and gets "
	    "through");
	if (r == 0)
		transport_msg_clear(&m);
	transport_stats(tb, &st);
	ok(st.dealers_renewed >= 1, "counted as renewed");
	transport_free(&tg);

	/*
	 * A node busy with a long round reads nothing from its ROUTER for
	 * longer than its peers' heartbeat timeout.  libzmq must not stop
	 * reading their connections meanwhile: a connection stopped on a
	 * full queue misses PINGs, so the peer gives up on it (the frames
	 * held are lost), and if that peer resets it with a PING among the
	 * unread bytes, draining the queue aborts libzmq 4.3.4
	 * (libzmq#4364).  Here B's heartbeat times out after 600 ms.
	 */
	{
		enum { N = 4000, SZ = 8192 };
		uint8_t *frame = calloc(1, SZ);
		int sent = 0, got = 0;
		long end;

		if (frame == NULL)
			BAIL_OUT("calloc");
		for (end = now_ms() + slow(10000); sent < N && now_ms() < end; ) {
			memcpy(frame, &sent, sizeof(sent));
			if (transport_send(tb, "NODE-A", frame, SZ) == 0)
				sent++;
			else
				transport_poll(tb, 10, NULL, NULL, 0);
		}
		is(sent, N, "B sends A 32 MiB, more than the kernel buffers");
		for (end = now_ms() + slow(2000); now_ms() < end; )
			transport_poll(tb, 50, NULL, NULL, 0);
		for (end = now_ms() + slow(10000); got < N && now_ms() < end; ) {
			transport_poll(ta, 10, NULL, NULL, 0);
			while (transport_recv(ta, &m) == 0) {
				if (m.len == SZ && memcmp(m.data, &got,
				    sizeof(got)) == 0)
					got++;
				transport_msg_clear(&m);
			}
		}
		is(got, N, "A, busy for 2 s, then gets every frame in order: "
		    "its connection from B was read all along");
		free(frame);
	}

	/* Revocation: drop B from the allow list and rebind. */
	r = exchange(tb, "NODE-A", ta, "before", 2000, &m);
	is(r, 0, "B still reaches A");
	transport_msg_clear(&m);
	transport_disallow_all(ta);
	is(transport_rebind(ta), 0, "rebind the ROUTER");
	r = exchange(tb, "NODE-A", ta, "after", 1500, &m);
	ok(r != 0, "after revocation B's live connection is cut");
	if (r == 0)
		transport_msg_clear(&m);

	transport_free(&ta);
	transport_free(&tb);
	transport_free(&tc);
	ok(ta == NULL, "transport_free clears the pointer");
	return done_testing();
}
