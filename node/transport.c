/* SPDX-License-Identifier: ISC */
/*
 * transport: CURVE-secured ZeroMQ sockets between nodes, with our own ZAP
 * handler.  See transport.h for the model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "crypto/secmem.h"
#include "node/transport.h"
#include "node/util.h"

#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93	/* draft API in libzmq 4.3 */
#endif

#define ZAP_ENDPOINT	"inproc://zeromq.zap.01"
#define ZAP_DOMAIN	"valise"
#define ZAP_FRAMES_MAX	8
/* A DEALER is replaced when libzmq disconnected it and scheduled no retry
 * within REVIVE_FIRST_MS (doubling up to REVIVE_BACKOFF_MAX_MS while new
 * ones fail too: a peer that refuses our key is not hammered), or when it
 * has heard nothing at all for revive_ms (a connect that hangs in the
 * kernel's SYN backoff across a partition). */
#define REVIVE_FIRST_MS		1000
#define REVIVE_BACKOFF_MAX_MS	60000
#define REVIVE_MS		15000	/* > RECONNECT_IVL_MAX + HANDSHAKE_IVL */

struct allowed {
	char	name[TRANSPORT_NAME_MAX + 1];
	uint8_t	key[TRANSPORT_KEY_BYTES];
};

struct dealer {
	char	name[TRANSPORT_NAME_MAX + 1];
	char	endpoint[TRANSPORT_ENDPOINT_MAX + 1];
	uint8_t	server_key[TRANSPORT_KEY_BYTES];
	void	*sock;
	void	*monitor;	/* PAIR receiving the DEALER's events */
	bool	up;		/* CURVE handshake done, not disconnected */
	int64_t	heard_at;	/* monotonic ms: opened, or its last event */
	int64_t	given_up_at;	/* 0, or when to replace it: disconnected
				 * and libzmq scheduled no retry */
	int	backoff_ms;	/* delay for the next given_up_at */
};

struct transport {
	void		*ctx;
	void		*zap;		/* REP, NULL when no_zap */
	void		*router;
	char		 listen[512];
	bool		 zap_enforced;
	bool		 no_enforce;
	bool		 rebinding;
	int		 heartbeat_ms, handshake_ms, revive_ms;
	uint8_t		 public_key[TRANSPORT_KEY_BYTES];
	uint8_t		*secret_key;	/* secmem */
	struct allowed	 allowed[TRANSPORT_PEERS_MAX];
	size_t		 nallowed;
	struct dealer	 dealers[TRANSPORT_PEERS_MAX];
	size_t		 ndealers;
	size_t		 next_dealer;	/* fair receive across dealers */
	unsigned	 monitors;	/* to name monitor endpoints uniquely */
	struct transport_stats stats;
	struct transport_refusal refusals[TRANSPORT_REFUSALS_MAX];
	size_t		 nrefusals;
	uint64_t	 refusals_dropped;
};

static void
close_dealer(struct dealer *d)
{
	/* Stop the monitor before closing the socket it watches. */
	zmq_socket_monitor(d->sock, NULL, 0);
	zmq_close(d->monitor);
	zmq_close(d->sock);
	d->monitor = d->sock = NULL;
	d->up = false;
}

static int
zerr(void)
{
	return errno > 0 ? -errno : -EIO;
}

static int
setopt_int(void *sock, int opt, int v)
{
	return zmq_setsockopt(sock, opt, &v, sizeof(v)) == 0 ? 0 : zerr();
}

/*
 * Options common to both ends: bounded frames, heartbeats, no lingering,
 * and no receive high-water mark.  libzmq 4.3.4 stops reading a connection
 * whose inbound queue is at ZMQ_RCVHWM, keeping the rest of its last read
 * undecoded; if the peer then resets the connection and a PING was among
 * those bytes, draining the queue makes the engine answer PONG on a dead
 * connection and abort ("!_io_error", stream_engine_base.cpp; libzmq#4364).
 * A peer's heartbeat timeout while we commit a long round is enough.  So
 * input is never stopped: what a peer may have in flight is bounded by the
 * protocol instead (the sender's window of unacknowledged frames, and
 * ZMQ_MAXMSGSIZE per frame), and the daemon reads the socket every round.
 */
static int
common_opts(struct transport *t, void *sock)
{
	int64_t max = TRANSPORT_FRAME_MAX;
	int r;

	if (zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &max, sizeof(max)) != 0)
		return zerr();
	if ((r = setopt_int(sock, ZMQ_RCVHWM, 0)) != 0 ||
	    (r = setopt_int(sock, ZMQ_LINGER, 0)) != 0 ||
	    (r = setopt_int(sock, ZMQ_HANDSHAKE_IVL, t->handshake_ms)) != 0 ||
	    (r = setopt_int(sock, ZMQ_HEARTBEAT_IVL, t->heartbeat_ms)) != 0 ||
	    (r = setopt_int(sock, ZMQ_HEARTBEAT_TIMEOUT,
	    3 * t->heartbeat_ms)) != 0 ||
	    (r = setopt_int(sock, ZMQ_HEARTBEAT_TTL, 6 * t->heartbeat_ms)) != 0)
		return r;
	return 0;
}

static int
open_router(struct transport *t)
{
	int r, tries;

	if ((t->router = zmq_socket(t->ctx, ZMQ_ROUTER)) == NULL)
		return zerr();
	if ((r = common_opts(t, t->router)) != 0 ||
	    (r = setopt_int(t->router, ZMQ_ROUTER_MANDATORY, 1)) != 0 ||
	    (r = setopt_int(t->router, ZMQ_CURVE_SERVER, 1)) != 0)
		goto fail;
	if (zmq_setsockopt(t->router, ZMQ_CURVE_SECRETKEY, t->secret_key,
	    TRANSPORT_KEY_BYTES) != 0 ||
	    zmq_setsockopt(t->router, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN,
	    strlen(ZAP_DOMAIN)) != 0) {
		r = zerr();
		goto fail;
	}
	/* Where libzmq offers it, refuse all clients when no handler runs. */
	t->zap_enforced = !t->no_enforce &&
	    setopt_int(t->router, ZMQ_ZAP_ENFORCE_DOMAIN, 1) == 0;
	/* After transport_rebind() the old listener closes asynchronously:
	 * give the I/O thread up to a second to release the port. */
	for (tries = 0; zmq_bind(t->router, t->listen) != 0; tries++) {
		r = zerr();
		if (r != -EADDRINUSE || tries >= 50 || !t->rebinding)
			goto fail;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	return 0;
fail:
	zmq_close(t->router);
	t->router = NULL;
	return r;
}

int
transport_new(const struct transport_opts *opts, struct transport **out)
{
	struct transport *t;
	int r;

	*out = NULL;
	if (opts->listen == NULL || strlen(opts->listen) >= sizeof(t->listen))
		return -EINVAL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -ENOMEM;
	if ((t->secret_key = secmem_alloc(TRANSPORT_KEY_BYTES)) == NULL) {
		free(t);
		return -ENOMEM;
	}
	memcpy(t->secret_key, opts->secret_key, TRANSPORT_KEY_BYTES);
	memcpy(t->public_key, opts->public_key, TRANSPORT_KEY_BYTES);
	strcpy(t->listen, opts->listen);
	t->no_enforce = opts->no_enforce;
	t->heartbeat_ms = opts->heartbeat_ms > 0 ? opts->heartbeat_ms : 2000;
	t->handshake_ms = opts->handshake_ms > 0 ? opts->handshake_ms : 5000;
	t->revive_ms = opts->revive_ms > 0 ? opts->revive_ms : REVIVE_MS;
	if ((t->ctx = zmq_ctx_new()) == NULL) {
		r = zerr();
		goto fail;
	}
	/* The handler must exist before the first client can knock. */
	if (!opts->no_zap) {
		if ((t->zap = zmq_socket(t->ctx, ZMQ_REP)) == NULL ||
		    setopt_int(t->zap, ZMQ_LINGER, 0) != 0 ||
		    zmq_bind(t->zap, ZAP_ENDPOINT) != 0) {
			r = zerr();
			goto fail;
		}
	}
	if ((r = open_router(t)) != 0)
		goto fail;
	*out = t;
	return 0;
fail:
	transport_free(&t);
	return r;
}

void
transport_free(struct transport **tp)
{
	struct transport *t;
	size_t i;

	if (tp == NULL || (t = *tp) == NULL)
		return;
	for (i = 0; i < t->ndealers; i++)
		close_dealer(&t->dealers[i]);
	if (t->router != NULL)
		zmq_close(t->router);
	if (t->zap != NULL)
		zmq_close(t->zap);
	if (t->ctx != NULL)
		zmq_ctx_term(t->ctx);
	secmem_free(t->secret_key);
	secmem_wipe(t, sizeof(*t));
	free(t);
	*tp = NULL;
}

bool
transport_zap_enforced(const struct transport *t)
{
	return t->zap_enforced;
}

int
transport_allow(struct transport *t, const char *name,
    const uint8_t key[TRANSPORT_KEY_BYTES])
{
	struct allowed *a;

	if (strlen(name) > TRANSPORT_NAME_MAX || name[0] == '\0')
		return -EINVAL;
	if (t->nallowed >= TRANSPORT_PEERS_MAX)
		return -ENOSPC;
	a = &t->allowed[t->nallowed++];
	strcpy(a->name, name);
	memcpy(a->key, key, TRANSPORT_KEY_BYTES);
	return 0;
}

void
transport_disallow_all(struct transport *t)
{
	memset(t->allowed, 0, sizeof(t->allowed));
	t->nallowed = 0;
}

static const struct allowed *
find_allowed(const struct transport *t, const uint8_t *key)
{
	size_t i;

	for (i = 0; i < t->nallowed; i++)
		if (memcmp(t->allowed[i].key, key, TRANSPORT_KEY_BYTES) == 0)
			return &t->allowed[i];
	return NULL;
}

static const struct allowed *
find_allowed_name(const struct transport *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nallowed; i++)
		if (strcmp(t->allowed[i].name, name) == 0)
			return &t->allowed[i];
	return NULL;
}

static struct dealer *
find_dealer(struct transport *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ndealers; i++)
		if (strcmp(t->dealers[i].name, name) == 0)
			return &t->dealers[i];
	return NULL;
}

/* A new DEALER and the PAIR watching it, connecting to endpoint. */
static int
open_dealer(struct transport *t, const char *endpoint,
    const uint8_t server_key[TRANSPORT_KEY_BYTES], void **sockp,
    void **monitorp)
{
	void *sock, *monitor = NULL;
	char mon[64];
	int r;

	*sockp = *monitorp = NULL;
	if ((sock = zmq_socket(t->ctx, ZMQ_DEALER)) == NULL)
		return zerr();
	/* ZMQ_IMMEDIATE: no queueing towards a peer that is not connected;
	 * the store keeps the message and retries. */
	if ((r = common_opts(t, sock)) != 0 ||
	    (r = setopt_int(sock, ZMQ_IMMEDIATE, 1)) != 0 ||
	    (r = setopt_int(sock, ZMQ_RECONNECT_IVL, 100)) != 0 ||
	    (r = setopt_int(sock, ZMQ_RECONNECT_IVL_MAX, 5000)) != 0 ||
	    (r = setopt_int(sock, ZMQ_SNDHWM, 10000)) != 0)
		goto fail;
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_key,
	    TRANSPORT_KEY_BYTES) != 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, t->public_key,
	    TRANSPORT_KEY_BYTES) != 0 ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, t->secret_key,
	    TRANSPORT_KEY_BYTES) != 0) {
		r = zerr();
		goto fail;
	}
	/* Watch the connection, from before it starts: up once the CURVE
	 * handshake succeeds, down when it drops, alive while libzmq
	 * retries. */
	snprintf(mon, sizeof(mon), "inproc://valise-monitor-%u", t->monitors++);
	if (zmq_socket_monitor(sock, mon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
	    ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED) != 0 ||
	    (monitor = zmq_socket(t->ctx, ZMQ_PAIR)) == NULL ||
	    setopt_int(monitor, ZMQ_LINGER, 0) != 0 ||
	    zmq_connect(monitor, mon) != 0 || zmq_connect(sock, endpoint) != 0) {
		r = zerr();
		if (monitor != NULL) {
			zmq_socket_monitor(sock, NULL, 0);
			zmq_close(monitor);
		}
		goto fail;
	}
	*sockp = sock;
	*monitorp = monitor;
	return 0;
fail:
	zmq_close(sock);
	return r;
}

int
transport_connect(struct transport *t, const char *name, const char *endpoint,
    const uint8_t server_key[TRANSPORT_KEY_BYTES])
{
	struct dealer *d;
	void *sock, *monitor;
	int r;

	if (strlen(name) > TRANSPORT_NAME_MAX || name[0] == '\0' ||
	    strlen(endpoint) > TRANSPORT_ENDPOINT_MAX)
		return -EINVAL;
	if ((d = find_dealer(t, name)) == NULL &&
	    t->ndealers >= TRANSPORT_PEERS_MAX)
		return -ENOSPC;
	if ((r = open_dealer(t, endpoint, server_key, &sock, &monitor)) != 0)
		return r;
	if (d != NULL) {
		close_dealer(d);
	} else {
		d = &t->dealers[t->ndealers++];
		strcpy(d->name, name);
	}
	strcpy(d->endpoint, endpoint);
	memcpy(d->server_key, server_key, TRANSPORT_KEY_BYTES);
	d->sock = sock;
	d->monitor = monitor;
	d->up = false;
	d->heard_at = util_mono_ms();
	d->given_up_at = 0;
	d->backoff_ms = REVIVE_FIRST_MS;
	return 0;
}

/*
 * Replace each DEALER that libzmq gave up on (see REVIVE_FIRST_MS): it
 * never reconnects one whose connection ended in a protocol error.  What
 * its pipe held is dropped; the caller's store resends it.
 */
static void
revive_dealers(struct transport *t)
{
	int64_t now = util_mono_ms();
	void *sock, *monitor;
	size_t i;

	for (i = 0; i < t->ndealers; i++) {
		struct dealer *d = &t->dealers[i];

		if (d->up || (d->given_up_at != 0 ? now < d->given_up_at :
		    now - d->heard_at < t->revive_ms))
			continue;
		d->heard_at = now;
		d->given_up_at = 0;
		d->backoff_ms = d->backoff_ms < REVIVE_BACKOFF_MAX_MS / 2 ?
		    d->backoff_ms * 2 : REVIVE_BACKOFF_MAX_MS;
		if (open_dealer(t, d->endpoint, d->server_key, &sock,
		    &monitor) != 0)
			continue;
		close_dealer(d);
		d->sock = sock;
		d->monitor = monitor;
		t->stats.dealers_renewed++;
	}
}

int
transport_disconnect(struct transport *t, const char *name)
{
	struct dealer *d = find_dealer(t, name);
	size_t i;

	if (d == NULL)
		return -ENOENT;
	close_dealer(d);
	i = (size_t)(d - t->dealers);
	memmove(d, d + 1, (t->ndealers - i - 1) * sizeof(*d));
	t->ndealers--;
	return 0;
}

int
transport_rebind(struct transport *t)
{
	int r;

	if (t->router != NULL) {
		zmq_unbind(t->router, t->listen);
		zmq_close(t->router);
		t->router = NULL;
	}
	t->rebinding = true;
	r = open_router(t);
	t->rebinding = false;
	return r;
}

/* Keep what the audit log needs to know of a refused connection. */
static void
record_refusal(struct transport *t, size_t n, zmq_msg_t *parts)
{
	struct transport_refusal *r;
	size_t len;

	if (t->nrefusals >= TRANSPORT_REFUSALS_MAX) {
		t->refusals_dropped++;
		return;
	}
	r = &t->refusals[t->nrefusals++];
	memset(r, 0, sizeof(*r));
	if (n >= 4 && (len = zmq_msg_size(&parts[3])) < sizeof(r->address))
		memcpy(r->address, zmq_msg_data(&parts[3]), len);
	if (n >= 7 && zmq_msg_size(&parts[6]) == TRANSPORT_KEY_BYTES) {
		memcpy(r->key, zmq_msg_data(&parts[6]), TRANSPORT_KEY_BYTES);
		r->has_key = true;
	}
}

size_t
transport_take_refusals(struct transport *t, struct transport_refusal *out,
    size_t max, uint64_t *dropped)
{
	size_t n = t->nrefusals < max ? t->nrefusals : max;

	memcpy(out, t->refusals, n * sizeof(*out));
	memmove(t->refusals, t->refusals + n,
	    (t->nrefusals - n) * sizeof(*out));
	t->nrefusals -= n;
	*dropped += t->refusals_dropped;
	t->refusals_dropped = 0;
	return n;
}

/*
 * Answer one ZAP request (RFC 27): accept a CURVE client whose key is on
 * the allow list, with the peer's name as User-Id; refuse anything else.
 */
static void
zap_answer(struct transport *t)
{
	zmq_msg_t parts[ZAP_FRAMES_MAX];
	const struct allowed *a = NULL;
	const char *code = "400", *text = "refused";
	size_t n = 0, i;
	int more = 1;

	while (more && n < ZAP_FRAMES_MAX) {
		zmq_msg_init(&parts[n]);
		if (zmq_msg_recv(&parts[n], t->zap, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&parts[n]);
			break;
		}
		more = zmq_msg_more(&parts[n]);
		n++;
	}
	while (more) {		/* more frames than any valid request */
		zmq_msg_t junk;
		zmq_msg_init(&junk);
		if (zmq_msg_recv(&junk, t->zap, ZMQ_DONTWAIT) < 0)
			more = 0;
		else
			more = zmq_msg_more(&junk);
		zmq_msg_close(&junk);
		n = 0;
	}
	if (n < 2)
		goto out;	/* nothing we can even answer */
	/* version, request id, domain, address, identity, mechanism, key */
	if (n == 7 && zmq_msg_size(&parts[0]) == 3 &&
	    memcmp(zmq_msg_data(&parts[0]), "1.0", 3) == 0 &&
	    zmq_msg_size(&parts[2]) == strlen(ZAP_DOMAIN) &&
	    memcmp(zmq_msg_data(&parts[2]), ZAP_DOMAIN, strlen(ZAP_DOMAIN))
	    == 0 && zmq_msg_size(&parts[5]) == 5 &&
	    memcmp(zmq_msg_data(&parts[5]), "CURVE", 5) == 0 &&
	    zmq_msg_size(&parts[6]) == TRANSPORT_KEY_BYTES &&
	    (a = find_allowed(t, zmq_msg_data(&parts[6]))) != NULL) {
		code = "200";
		text = "OK";
	}
	if (a != NULL) {
		t->stats.zap_accepted++;
	} else {
		t->stats.zap_refused++;
		record_refusal(t, n, parts);
	}
	zmq_send(t->zap, "1.0", 3, ZMQ_SNDMORE);
	zmq_send(t->zap, zmq_msg_data(&parts[1]), zmq_msg_size(&parts[1]),
	    ZMQ_SNDMORE);
	zmq_send(t->zap, code, 3, ZMQ_SNDMORE);
	zmq_send(t->zap, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(t->zap, a ? a->name : "", a ? strlen(a->name) : 0,
	    ZMQ_SNDMORE);
	zmq_send(t->zap, "", 0, 0);
out:
	for (i = 0; i < n; i++)
		zmq_msg_close(&parts[i]);
}

/* Read a dealer's monitor events: handshake done, disconnected, or a
 * reconnection scheduled. */
static void
monitor_events(struct dealer *d)
{
	zmq_msg_t ev, addr;
	uint16_t event;

	for (;;) {
		zmq_msg_init(&ev);
		if (zmq_msg_recv(&ev, d->monitor, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&ev);
			return;
		}
		if (zmq_msg_size(&ev) >= 2) {
			memcpy(&event, zmq_msg_data(&ev), sizeof(event));
			d->heard_at = util_mono_ms();
			if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
				d->up = true;
				d->given_up_at = 0;
				d->backoff_ms = REVIVE_FIRST_MS;
			} else if (event == ZMQ_EVENT_DISCONNECTED) {
				d->up = false;
				d->given_up_at = d->heard_at + d->backoff_ms;
			} else if (event == ZMQ_EVENT_CONNECT_RETRIED) {
				d->given_up_at = 0;
			}
		}
		if (zmq_msg_more(&ev)) {
			zmq_msg_init(&addr);
			(void)zmq_msg_recv(&addr, d->monitor, ZMQ_DONTWAIT);
			zmq_msg_close(&addr);
		}
		zmq_msg_close(&ev);
	}
}

bool
transport_peer_up(const struct transport *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ndealers; i++)
		if (strcmp(t->dealers[i].name, name) == 0)
			return t->dealers[i].up;
	return false;
}

int
transport_poll(struct transport *t, int timeout_ms, const int *fds,
    bool *fd_ready, size_t nfds)
{
	zmq_pollitem_t items[2 + 2 * TRANSPORT_PEERS_MAX + TRANSPORT_FDS_MAX];
	size_t n = 0, i, first_mon, first_fd;
	int r, ready = 0;

	if (nfds > TRANSPORT_FDS_MAX)
		return -EINVAL;
	revive_dealers(t);
	if (t->zap != NULL)
		items[n++] = (zmq_pollitem_t){ t->zap, 0, ZMQ_POLLIN, 0 };
	items[n++] = (zmq_pollitem_t){ t->router, 0, ZMQ_POLLIN, 0 };
	for (i = 0; i < t->ndealers; i++)
		items[n++] = (zmq_pollitem_t){ t->dealers[i].sock, 0,
		    ZMQ_POLLIN, 0 };
	first_mon = n;
	for (i = 0; i < t->ndealers; i++)
		items[n++] = (zmq_pollitem_t){ t->dealers[i].monitor, 0,
		    ZMQ_POLLIN, 0 };
	first_fd = n;
	for (i = 0; i < nfds; i++) {
		items[n++] = (zmq_pollitem_t){ NULL, fds[i], ZMQ_POLLIN, 0 };
		fd_ready[i] = false;
	}
	if ((r = zmq_poll(items, (int)n, timeout_ms)) < 0)
		return zerr();
	for (i = 0; i < n; i++) {
		if (!(items[i].revents & (ZMQ_POLLIN | ZMQ_POLLERR)))
			continue;
		if (t->zap != NULL && i == 0) {
			while (zmq_poll(&items[0], 1, 0) > 0)
				zap_answer(t);
			continue;
		}
		if (i >= first_mon && i < first_fd) {
			monitor_events(&t->dealers[i - first_mon]);
			continue;
		}
		if (i >= first_fd)
			fd_ready[i - first_fd] = true;
		ready++;
	}
	return ready;
}

void
transport_msg_clear(struct transport_msg *m)
{
	free(m->data);
	memset(m, 0, sizeof(*m));
}

/* Receive the rest of a multipart message and drop it. */
static void
drain(void *sock)
{
	zmq_msg_t junk;
	int more = 1;

	while (more) {
		zmq_msg_init(&junk);
		if (zmq_msg_recv(&junk, sock, ZMQ_DONTWAIT) < 0)
			more = 0;
		else
			more = zmq_msg_more(&junk);
		zmq_msg_close(&junk);
	}
}

static int
take_payload(zmq_msg_t *msg, void *sock, struct transport_msg *m)
{
	if (zmq_msg_more(msg)) {
		drain(sock);
		return -EMSGSIZE;
	}
	m->len = zmq_msg_size(msg);
	if ((m->data = malloc(m->len > 0 ? m->len : 1)) == NULL)
		return -ENOMEM;
	memcpy(m->data, zmq_msg_data(msg), m->len);
	return 0;
}

static int
recv_router(struct transport *t, struct transport_msg *m)
{
	zmq_msg_t rid, msg;
	const char *uid;
	int r;

	zmq_msg_init(&rid);
	if (zmq_msg_recv(&rid, t->router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&rid);
		return -EAGAIN;
	}
	if (!zmq_msg_more(&rid) || zmq_msg_size(&rid) > sizeof(m->route)) {
		zmq_msg_close(&rid);
		drain(t->router);
		return -EMSGSIZE;
	}
	m->route_len = zmq_msg_size(&rid);
	memcpy(m->route, zmq_msg_data(&rid), m->route_len);
	zmq_msg_close(&rid);
	zmq_msg_init(&msg);
	if (zmq_msg_recv(&msg, t->router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&msg);
		return -EMSGSIZE;
	}
	m->dir = TRANSPORT_INBOUND;
	/* The name our ZAP handler gave this connection, and it must still
	 * be allowed: without a handler libzmq leaves User-Id empty. */
	uid = zmq_msg_gets(&msg, "User-Id");
	if (uid == NULL || uid[0] == '\0' || strlen(uid) > TRANSPORT_NAME_MAX ||
	    find_allowed_name(t, uid) == NULL) {
		strcpy(m->peer, "?");
		t->stats.unauthenticated++;
		if (zmq_msg_more(&msg))
			drain(t->router);
		zmq_msg_close(&msg);
		return -EACCES;
	}
	strcpy(m->peer, uid);
	r = take_payload(&msg, t->router, m);
	zmq_msg_close(&msg);
	return r;
}

int
transport_recv(struct transport *t, struct transport_msg *m)
{
	zmq_msg_t msg;
	size_t i, k;
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = recv_router(t, m)) != -EAGAIN)
		return r;
	for (k = 0; k < t->ndealers; k++) {
		struct dealer *d;

		i = (t->next_dealer + k) % t->ndealers;
		d = &t->dealers[i];
		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, d->sock, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&msg);
			continue;
		}
		t->next_dealer = i + 1;
		m->dir = TRANSPORT_REPLY;
		strcpy(m->peer, d->name);
		r = take_payload(&msg, d->sock, m);
		zmq_msg_close(&msg);
		return r;
	}
	return -EAGAIN;
}

int
transport_send(struct transport *t, const char *peer, const uint8_t *data,
    size_t len)
{
	struct dealer *d = find_dealer(t, peer);

	if (d == NULL)
		return -ENOENT;
	if (len > TRANSPORT_FRAME_MAX)
		return -EMSGSIZE;
	if (zmq_send(d->sock, data, len, ZMQ_DONTWAIT) < 0)
		return zerr();
	return 0;
}

int
transport_reply(struct transport *t, const struct transport_msg *to,
    const uint8_t *data, size_t len)
{
	if (to->dir != TRANSPORT_INBOUND || to->route_len == 0)
		return -EINVAL;
	if (zmq_send(t->router, to->route, to->route_len,
	    ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
		return zerr();
	if (zmq_send(t->router, data, len, ZMQ_DONTWAIT) < 0)
		return zerr();
	return 0;
}

void
transport_stats(const struct transport *t, struct transport_stats *st)
{
	*st = t->stats;
}
