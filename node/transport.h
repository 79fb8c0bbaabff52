/* SPDX-License-Identifier: ISC */
/*
 * transport: node-to-node traffic over ZeroMQ with CURVE, peers pinned by
 * key.  This and no other file includes <zmq.h>.
 *
 * One ROUTER socket is bound on the node's `listen` endpoint as a CURVE
 * server; a ZAP handler (a REP socket on inproc://zeromq.zap.01, bound before
 * the ROUTER and serviced by transport_poll) accepts only the transport keys
 * of configured, unrevoked peers and names each connection by peer.  One
 * DEALER per peer connects to that peer's ROUTER, pinned to its server key.
 *
 * Defence in depth: libzmq 4.3 accepts any client key when no ZAP handler
 * answers and domain enforcement is not compiled in, so every frame that
 * reaches the ROUTER must also carry a User-Id that our handler set for an
 * allowed peer; anything else is dropped and reported as -EACCES.
 *
 * Frames are opaque bytes of at most TRANSPORT_FRAME_MAX; ZMQ_MAXMSGSIZE
 * makes libzmq drop a larger one before it is buffered.  ZeroMQ queues are
 * never the system of record: the caller keeps every message in its store
 * until the next hop acknowledges it.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRANSPORT_KEY_BYTES	32
#define TRANSPORT_NAME_MAX	32
#define TRANSPORT_ENDPOINT_MAX	512	/* as long as a configured endpoint */
/* A 16 MiB body, its envelope and framing: anything larger is refused. */
#define TRANSPORT_FRAME_MAX	(17u * 1024 * 1024)
#define TRANSPORT_PEERS_MAX	256
#define TRANSPORT_FDS_MAX	64	/* extra descriptors transport_poll watches */

struct transport;

struct transport_opts {
	const char	*listen;		/* tcp://HOST:PORT */
	uint8_t		 public_key[TRANSPORT_KEY_BYTES];
	uint8_t		 secret_key[TRANSPORT_KEY_BYTES];
	int		 heartbeat_ms;		/* 0: default */
	int		 handshake_ms;		/* 0: default */
	int		 revive_ms;		/* 0: default (15 s) */
	bool		 no_zap;		/* tests only: run without handler */
	bool		 no_enforce;		/* tests only: as libzmq without
						 * ZMQ_ZAP_ENFORCE_DOMAIN */
};

/* Where a received frame came from. */
enum transport_dir {
	TRANSPORT_INBOUND,	/* a peer's DEALER sent it to our ROUTER */
	TRANSPORT_REPLY,	/* a peer's ROUTER answered our DEALER */
};

struct transport_msg {
	enum transport_dir	dir;
	char		peer[TRANSPORT_NAME_MAX + 1];	/* authenticated name */
	uint8_t		*data;		/* owned; free with transport_msg_clear */
	size_t		len;
	uint8_t		route[256];	/* ROUTER routing id, for replies */
	size_t		route_len;
};

/*
 * Create the sockets: the ZAP handler first, then the bound ROUTER.  The
 * secret key is copied into guarded memory; the caller wipes its own copy.
 * 0 or -errno (-EADDRINUSE when the endpoint is taken).
 */
int	transport_new(const struct transport_opts *opts, struct transport **out)
	    __attribute__((warn_unused_result));
void	transport_free(struct transport **tp);

/* Whether libzmq enforces the ZAP domain (compiled with the draft API). */
bool	transport_zap_enforced(const struct transport *t);

/* The allow list the ZAP handler consults: add a peer, or empty it. */
int	transport_allow(struct transport *t, const char *name,
	    const uint8_t key[TRANSPORT_KEY_BYTES]);
void	transport_disallow_all(struct transport *t);

/* Open (or replace) the DEALER to a peer, pinned to its server key.
 * -EINVAL for a name or an endpoint too long. */
int	transport_connect(struct transport *t, const char *name,
	    const char *endpoint, const uint8_t server_key[TRANSPORT_KEY_BYTES]);
/* Close the DEALER to a peer at once, dropping what libzmq still holds. */
int	transport_disconnect(struct transport *t, const char *name);

/*
 * Close and re-create the ROUTER, so that every inbound connection is torn
 * down now and must pass the ZAP handler again (revocation on SIGHUP).
 */
int	transport_rebind(struct transport *t);

/*
 * Wait up to timeout_ms (-1: forever) for a frame on any socket or for one
 * of the nfds descriptors in fds to become readable; fd_ready[i] is set for
 * each readable descriptor.  ZAP requests are answered here.  Returns the
 * number of things ready (0 on timeout) or -errno (-EINTR on a signal).
 */
int	transport_poll(struct transport *t, int timeout_ms, const int *fds,
	    bool *fd_ready, size_t nfds);

/*
 * Take one received frame without blocking.  0 with *m filled; -EAGAIN
 * when nothing is waiting; -EACCES when a frame arrived without a valid
 * peer identity (it is dropped; m->peer says "?"); -EMSGSIZE for a frame
 * with unexpected parts.  Call transport_msg_clear() after each 0 return.
 */
int	transport_recv(struct transport *t, struct transport_msg *m)
	    __attribute__((warn_unused_result));
void	transport_msg_clear(struct transport_msg *m);

/* Send a frame to a peer over our DEALER.  -EAGAIN when not connected or
 * the pipe is full (keep it queued and retry), -ENOENT for no such peer. */
int	transport_send(struct transport *t, const char *peer,
	    const uint8_t *data, size_t len);

/* Answer a TRANSPORT_INBOUND frame over the ROUTER it came in on. */
int	transport_reply(struct transport *t, const struct transport_msg *to,
	    const uint8_t *data, size_t len);

/* True while our DEALER to the peer has a completed CURVE handshake. */
bool	transport_peer_up(const struct transport *t, const char *name);

/* A connection the ZAP handler refused, for the audit log. */
#define TRANSPORT_REFUSALS_MAX	64	/* kept until taken; more are counted */
struct transport_refusal {
	uint8_t	key[TRANSPORT_KEY_BYTES];	/* the client's CURVE key */
	bool	has_key;
	char	address[64];			/* the client's IP address */
};
/* Take up to max refusals recorded since the last call; returns how many,
 * and adds to *dropped those that did not fit in the buffer. */
size_t	transport_take_refusals(struct transport *t,
	    struct transport_refusal *out, size_t max, uint64_t *dropped);

/* Counters for status and tests. */
struct transport_stats {
	uint64_t	zap_accepted, zap_refused, unauthenticated;
	uint64_t	dealers_renewed;	/* replaced, libzmq gave up */
};
void	transport_stats(const struct transport *t, struct transport_stats *st);

#endif /* TRANSPORT_H */
