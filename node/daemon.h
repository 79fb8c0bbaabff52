/* SPDX-License-Identifier: ISC */
/*
 * daemon.h: the state of a running valised, shared by daemon.c (start-up,
 * the event loop, group commit), daemon_peer.c (node-to-node traffic) and
 * daemon_ctl.c (requests from the local `valise` command).  Private to the
 * daemon program.
 *
 * The loop works in rounds: take every frame and request that is ready,
 * apply them to the store inside one transaction while collecting their
 * audit events, commit the audit log and then the store, and only then
 * send the acknowledgements and replies those rounds earned.  If either
 * commit fails, nothing of the round is acknowledged (fail closed).
 */
#ifndef DAEMON_H
#define DAEMON_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include "crypto/receipt.h"
#include "node/audit.h"
#include "node/conf.h"
#include "node/ctl.h"
#include "node/fed.h"
#include "node/lookup.h"
#include "node/store.h"
#include "node/transport.h"
#include "node/util.h"
#include "node/wire.h"

#define DAEMON_BATCH_MAX	512	/* frames and requests per round */
/*
 * Audit events per round.  A busy origin's round holds a send request's
 * (CTL_BATCH_MAX) with its peers' acknowledgements and receipts of the
 * request before (one event per message each): with room for only one
 * of the three, each took a round, and two fdatasyncs, of its own.
 */
#define DAEMON_EVENTS_MAX	(3 * DAEMON_BATCH_MAX)
#define DAEMON_CLIENTS_MAX	48	/* concurrent control connections */
#define DAEMON_ACK_TIMEOUT_MS	5000	/* resend what was not acknowledged */
#define DAEMON_EVENT_TEXT	1100
/*
 * A round that only took in news (peers' acknowledgements of what we sent,
 * receipts for our own messages, retry times) need not be on disk now: it
 * is kept open for the next round, up to this long and DAEMON_DEFER_EVENTS
 * events (leaving room for a full send request), so that it costs no
 * fsync of its own; the acknowledgements it owes peers wait with it.  A
 * crash loses it whole (store and audit alike): we send again and the
 * peer answers "duplicate", or the peer sends its receipt again; either
 * is audited then.
 */
#define DAEMON_DEFER_MS		20
#define DAEMON_DEFER_EVENTS	(DAEMON_EVENTS_MAX - DAEMON_BATCH_MAX)

/* How often a peer whose host name did not resolve is tried again. */
#define DAEMON_RECONNECT_MS	30000

/* An audit event with room for the strings it points to. */
struct devent {
	struct audit_event	ev;
	char	id[2 * WIRE_ID_BYTES + 1];
	char	label[STORE_LABEL_MAX + 1];
	char	rcpts[DAEMON_EVENT_TEXT];
	char	detail[STORE_TEXT_MAX + 1];
	char	rule[64];
	char	login[STORE_NAME_MAX + 1];
	char	origin[STORE_NAME_MAX + 1];
	char	prev[STORE_NAME_MAX + 1];
	char	next[STORE_NAME_MAX + 1];
};

/* Copy v into the event's own buffer: events outlive the frames and rows
 * they describe until the round commits. */
#define DEVENT_SET(e, buf, evfield, v) do { \
	const char *v_ = (v); \
	if (v_ != NULL) { \
		util_fmt((e)->buf, sizeof((e)->buf), "%s", v_); \
		(e)->ev.evfield = (e)->buf; \
	} \
} while (0)

/* One direct peer. */
struct link {
	const struct fed_node	*node;
	bool			 connected;	/* transport_connect done */
	int			 connect_err;	/* why not, logged once */
	int64_t			 connect_at_ms;	/* next try, if not */
	uint32_t		 resolving;	/* lookup ticket, 0 none */
	int64_t			 resolve_asked_ms;
	bool			 up;		/* CURVE handshake done */
	int64_t			 last_contact;	/* Unix seconds, 0 never */
	int64_t			 retry_at_ms;	/* not before, after EAGAIN */
	int			 backoff_ms;
	int			 inflight;	/* sent, not yet acknowledged */
	int64_t			 last_ack_ms;	/* or when inflight rose from 0 */
};

struct client {
	int			fd;		/* -1: free slot */
	uid_t			uid;
	pid_t			pid;
	char			login[STORE_NAME_MAX + 1];	/* "" unknown */
	struct ctl_reader	reader;
};

/* A reply or acknowledgement held until the round commits. */
struct pending {
	bool			 is_ack;
	/* ack */
	struct transport_msg	 to;		/* route of the frame acked */
	uint8_t			 ack[WIRE_ACK_MAX];
	size_t			 acklen;
	/* reply */
	int			 client;	/* index in clients */
	struct ctl_msg		*reply;
	bool			 needs_commit;	/* it recorded or changed
						 * something in this round */
};

/* An auditor's verify waiting for the peers' witnesses of this log. */
struct pending_verify {
	bool			 active;
	int			 client;
	struct ctl_msg		*reply;
	int64_t			 deadline_ms;
	size_t			 asked, answered;
	bool			 have;
	struct audit_checkpoint	 best;
	char			 from[STORE_NAME_MAX + 1];
};

#define DAEMON_DEFERRED		100	/* a handler will reply later */
#define DAEMON_WITNESS_WAIT_MS	2000

struct envelope_keys;

/* A delivery receipt waiting for the end of the round. */
struct daemon_receipt {
	char		origin[NAME_NODE_MAX + 1];
	uint8_t		id[WIRE_ID_BYTES];
};

struct daemon {
	struct conf		*conf;
	struct fed		*fed;
	struct identity		*id;
	struct envelope_keys	*keys;		/* key agreements, reused
						 * across envelopes */
	char			 fpr[64];	/* this node's fingerprint */
	char			 sandbox[80];	/* "Landlock ABI N", "off",
						 * "none: why" */
	struct store		*store;
	struct audit		*audit;
	struct transport	*tp;
	struct lookup		*lookup;	/* names, outside the sandbox;
						 * NULL: asked in-process */
	int			 ctl_fd;
	gid_t			 ctl_gid;	/* control_group, or -1 */
	char			 ctl_path[CONF_PATH_MAX];
	struct client		 clients[DAEMON_CLIENTS_MAX];
	struct link		*links;
	size_t			 nlinks;

	/* the current round */
	bool			 in_txn;
	int64_t			 txn_ms;	/* when the transaction began */
	bool			 deferred;	/* kept open, see DAEMON_DEFER_MS */
	struct devent		 events[DAEMON_EVENTS_MAX];
	struct audit_event	 round_evs[DAEMON_EVENTS_MAX];	/* round_commit */
	size_t			 nevents;
	uint64_t		 events_total;	/* ever recorded, for replies */
	struct pending		 pending[DAEMON_BATCH_MAX];
	size_t			 npending;
	size_t			 nwork;		/* frames + requests taken */
	struct daemon_receipt	 receipts[DAEMON_BATCH_MAX];
	size_t			 nreceipts;	/* peer_flush_receipts */
	/* Free space of state_dir (check_space): read once per round, less
	 * what the round's submissions took since. */
	bool			 space_known;
	int64_t			 space_avail;

	struct pending_verify	 verify;
	bool			 overflow;	/* an event did not fit */
	bool			 fail_closed;	/* audit or store failing */
	int			 last_error;
	int64_t			 started;
	uint64_t		 rejected_frames;
};

/* daemon.c */
int64_t	daemon_now(void);		/* Unix seconds */
int64_t	daemon_now_ms(void);		/* monotonic milliseconds */
int	daemon_txn(struct daemon *d);	/* open the round's transaction */
/* End the round now: commit, then acknowledge and reply (daemon.h top). */
void	daemon_flush(struct daemon *d);
struct devent *daemon_event(struct daemon *d, enum audit_event_type type);
void	daemon_events_drop(struct daemon *d, size_t n);
void	daemon_hex(char *out, const uint8_t *id, size_t len);
/* Queue a reply; one that needs_commit becomes an error if the round
 * cannot commit (a read-only answer such as status goes out anyway). */
int	daemon_queue_reply(struct daemon *d, int client, struct ctl_msg *reply,
	    bool needs_commit);
int	daemon_queue_ack(struct daemon *d, const struct transport_msg *to,
	    enum wire_kind kind, const uint8_t id[WIRE_ID_BYTES],
	    const char *dest, enum wire_ack_status status);
struct link *daemon_link(struct daemon *d, const char *name);
const char *daemon_peer_fpr(struct daemon *d, const char *name);

/* daemon_peer.c */
void	peer_frame(struct daemon *d, struct transport_msg *m);
void	peer_send_due(struct daemon *d);
void	peer_expire(struct daemon *d);
void	peer_send_witness(struct daemon *d);
/* Ask every connected peer for the checkpoint of our log it holds;
 * returns how many were asked. */
size_t	peer_ask_witnesses(struct daemon *d);
/*
 * Queue a signed receipt to origin about msg id (inside the round).  dest
 * is the destination node a non-delivery concerns (NULL: this node).
 */
int	peer_receipt(struct daemon *d, enum receipt_type type,
	    const uint8_t id[WIRE_ID_BYTES], const char *origin,
	    const char *dest, const char *user, enum receipt_reason reason,
	    const char *text);
/* Sign the round's delivery receipts, one per origin and RECEIPT_IDS_MAX
 * ids, and queue them (inside the round, before it commits). */
void	peer_flush_receipts(struct daemon *d);

/* Deliver a verified, policy-checked envelope to the local inbox. */
struct envelope;
struct label;
int	peer_deliver(struct daemon *d, const struct envelope *env,
	    const char *prev, const struct label *label);

/* daemon_ctl.c */
void	ctl_client_ready(struct daemon *d, int client);
/* Finish a verify once the peers answered or the wait is over. */
void	ctl_verify_poll(struct daemon *d);

#endif /* DAEMON_H */
