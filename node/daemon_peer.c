/* SPDX-License-Identifier: ISC */
/*
 * daemon_peer: node-to-node traffic.  Every frame from a peer is checked in
 * this order: well-formed, origin known, signature, addressed to a node it
 * names, not seen before, not expired, label valid, ingress (the sending
 * peer's accreditation) and the node's own accreditation; then it is
 * delivered here, or checked for egress against the next hop and queued.
 * Whatever is taken is acknowledged only when the round commits.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/envelope.h"
#include "crypto/name.h"
#include "crypto/receipt.h"
#include "crypto/secmem.h"
#include "keys/identity.h"
#include "node/daemon.h"
#include "node/log.h"
#include "node/util.h"

#define RETRY_AFTER_MS	DAEMON_ACK_TIMEOUT_MS
#define SEND_PER_ROUND	256
/* At most this many sent and not yet acknowledged per link: more would only
 * wait in the peer's socket past RETRY_AFTER_MS and be sent again. */
#define SEND_WINDOW	1024

#define set_detail(e, ...) do { \
	if ((e) != NULL) { \
		util_fmt((e)->detail, sizeof((e)->detail), __VA_ARGS__); \
		(e)->ev.detail = (e)->detail; \
	} \
} while (0)

/* Wall-clock milliseconds: queue retry times survive a restart. */
static int64_t
wall_ms(void)
{
	return daemon_now() * 1000;
}

static struct devent *
event_for(struct daemon *d, enum audit_event_type type,
    const struct envelope_info *info, const char *prev, const char *next)
{
	struct devent *e = daemon_event(d, type);
	size_t i, off = 0;

	if (e == NULL)
		return NULL;
	if (info != NULL) {
		daemon_hex(e->id, info->id, sizeof(info->id));
		e->ev.msg_id = e->id;
		DEVENT_SET(e, origin, origin, info->origin);
		util_fmt(e->label, sizeof(e->label), "%s", info->label);
		e->ev.label = e->label;
		e->ev.precedence = envelope_precedence_name(info->precedence);
		for (i = 0; i < info->nrcpts && off < sizeof(e->rcpts); i++)
			off += (size_t)snprintf(e->rcpts + off,
			    sizeof(e->rcpts) - off, "%s%s", i ? "," : "",
			    info->rcpts[i]);
		e->ev.recipients = e->rcpts;
	}
	DEVENT_SET(e, prev, prev_hop, prev);
	DEVENT_SET(e, next, next_hop, next);
	if (prev != NULL)
		e->ev.peer_fpr = daemon_peer_fpr(d, prev);
	return e;
}


/* ------------------------------------------------------------- receipts */

/*
 * Apply a receipt about a message this node originated.  A receipt names
 * a user (user@node), or else speaks for the issuing node; a relay's
 * non-delivery receipt names the destination it could not reach at the
 * start of its text ("NODE: why"), since a node signs only for itself.
 */
static void
apply_receipt(struct daemon *d, enum receipt_type type,
    const uint8_t id[WIRE_ID_BYTES], const char *issuer, const char *user,
    enum receipt_reason reason, const char *text)
{
	enum store_status st = STORE_DELIVERED;
	char why[STORE_TEXT_MAX + 1] = "", node[NAME_NODE_MAX + 1];
	const char *colon, *at;
	size_t n;

	util_fmt(node, sizeof(node), "%s", issuer);
	if (type == RECEIPT_NONDELIVERY && text != NULL &&
	    (colon = strstr(text, ": ")) != NULL &&
	    (n = (size_t)(colon - text)) <= NAME_NODE_MAX &&
	    name_node_valid(text, n)) {
		util_fmt(node, sizeof(node), "%.*s", (int)n, text);
		text = colon + 2;
	}
	switch (type) {
	case RECEIPT_DELIVERY:
		st = STORE_DELIVERED;
		break;
	case RECEIPT_READ:
		st = STORE_READ;
		break;
	case RECEIPT_NONDELIVERY:
		st = reason == RECEIPT_REASON_EXPIRED ? STORE_EXPIRED :
		    STORE_REFUSED;
		util_fmt(why, sizeof(why), "%s%s%s", receipt_reason_name(reason),
		    text != NULL && text[0] ? ": " : "", text ? text : "");
		break;
	}
	if (daemon_txn(d) != 0)
		return;
	if (user != NULL && user[0] != '\0' && (at = strchr(user, '@'))) {
		/* The user's own row; else the node's row when the message
		 * went to the node (a read says nothing of other users). */
		if (store_sent_update(d->store, id, user, true, st, NULL,
		    why[0] ? why : NULL, daemon_now()) == 0)
			return;
		util_fmt(node, sizeof(node), "%s", at + 1);
		store_sent_update(d->store, id, node, type == RECEIPT_READ, st,
		    NULL, why[0] ? why : NULL, daemon_now());
		return;
	}
	store_sent_update(d->store, id, node, false, st, NULL,
	    why[0] ? why : NULL, daemon_now());
}

/* Sign a receipt and queue it to origin (inside the round). */
static int
queue_receipt(struct daemon *d, const struct receipt_params *p,
    const char *origin)
{
	const struct fed_node *hop;
	struct store_item it;
	struct receipt *rc = NULL;
	uint8_t *bytes = NULL;
	size_t len;
	int r;

	if ((hop = fed_next_hop(d->fed, origin)) == NULL) {
		log_warn("receipt for %s: no route back to %s", origin, origin);
		return -EHOSTUNREACH;
	}
	if ((r = receipt_create(p, identity_sign_sk(d->id), &bytes, &len))
	    != 0)
		return r;
	if ((r = receipt_parse(bytes, len, &rc)) != 0)
		goto out;
	memset(&it, 0, sizeof(it));
	it.kind = STORE_RECEIPT;
	memcpy(it.id, receipt_info(rc)->digest, sizeof(it.id));
	snprintf(it.dest, sizeof(it.dest), "%s", origin);
	snprintf(it.next_hop, sizeof(it.next_hop), "%s", hop->conf->name);
	snprintf(it.origin, sizeof(it.origin), "%s", d->conf->name);
	it.precedence = ENVELOPE_IMMEDIATE;
	it.expires = daemon_now() + d->conf->default_expiry;
	it.bytes = bytes;
	it.len = len;
	if ((r = daemon_txn(d)) == 0)
		r = store_enqueue(d->store, &it);
out:
	receipt_free(&rc);
	free(bytes);
	return r == -EEXIST ? 0 : r;
}

int
peer_receipt(struct daemon *d, enum receipt_type type,
    const uint8_t id[WIRE_ID_BYTES], const char *origin, const char *dest,
    const char *user, enum receipt_reason reason, const char *text)
{
	char full[RECEIPT_TEXT_MAX + 1];
	struct receipt_params p = { .type = type, .msg_ids = id, .nids = 1,
	    .node = d->conf->name, .user = user, .time = (uint64_t)daemon_now(),
	    .reason = reason, .text = text };

	/* A relay names the destination it could not reach. */
	if (type == RECEIPT_NONDELIVERY && dest != NULL &&
	    strcmp(dest, d->conf->name) != 0 && (user == NULL || !user[0])) {
		util_fmt(full, sizeof(full), "%s: %s", dest, text ? text : "");
		p.text = full;
	}
	if (strcmp(origin, d->conf->name) == 0) {
		apply_receipt(d, type, id, d->conf->name, user, reason, p.text);
		return 0;
	}
	return queue_receipt(d, &p, origin);
}

/*
 * A message from origin was delivered here: its delivery receipt waits
 * for the end of the round, to be signed with the others to that origin.
 */
static void
receipt_delivered(struct daemon *d, const uint8_t id[WIRE_ID_BYTES],
    const char *origin)
{
	struct daemon_receipt *dr;

	if (strcmp(origin, d->conf->name) == 0) {
		apply_receipt(d, RECEIPT_DELIVERY, id, d->conf->name, NULL,
		    RECEIPT_REASON_NONE, NULL);
		return;
	}
	if (d->nreceipts == DAEMON_BATCH_MAX)
		peer_flush_receipts(d);
	dr = &d->receipts[d->nreceipts++];
	util_fmt(dr->origin, sizeof(dr->origin), "%s", origin);
	memcpy(dr->id, id, sizeof(dr->id));
}

void
peer_flush_receipts(struct daemon *d)
{
	uint8_t ids[RECEIPT_IDS_MAX][RECEIPT_ID_BYTES];
	struct receipt_params p = { .type = RECEIPT_DELIVERY,
	    .node = d->conf->name, .time = (uint64_t)daemon_now(),
	    .reason = RECEIPT_REASON_NONE, .msg_ids = &ids[0][0] };
	char origin[NAME_NODE_MAX + 1];
	size_t i, kept;
	int r;

	while (d->nreceipts > 0) {
		/* The first waiting origin's receipts, up to a batch; the
		 * others move up. */
		util_fmt(origin, sizeof(origin), "%s", d->receipts[0].origin);
		p.nids = 0;
		for (i = kept = 0; i < d->nreceipts; i++) {
			struct daemon_receipt *dr = &d->receipts[i];

			if (p.nids < RECEIPT_IDS_MAX &&
			    strcmp(dr->origin, origin) == 0)
				memcpy(ids[p.nids++], dr->id, RECEIPT_ID_BYTES);
			else
				d->receipts[kept++] = *dr;
		}
		d->nreceipts = kept;
		if ((r = queue_receipt(d, &p, origin)) != 0 &&
		    r != -EHOSTUNREACH) {
			/* Delivered must mean told: undo the round. */
			log_err("cannot queue delivery receipts to %s: %s; "
			    "undoing the round", origin, strerror(-r));
			store_fail(d->store);
			d->nreceipts = 0;
		}
	}
}

/* One audit event per message id a receipt answers. */
static void
receipt_events(struct daemon *d, struct transport_msg *m,
    const struct receipt_info *info, const char *decision, const char *rule,
    const char *next)
{
	struct devent *e;
	size_t i;

	for (i = 0; i < info->nids; i++) {
		if ((e = event_for(d, AUDIT_EV_RECEIPT, NULL, m->peer, next))
		    == NULL)
			return;
		daemon_hex(e->id, info->msg_ids[i], RECEIPT_ID_BYTES);
		e->ev.msg_id = e->id;
		DEVENT_SET(e, origin, origin, info->node);
		util_fmt(e->detail, sizeof(e->detail), "%s%s%s",
		    receipt_type_name(info->type), info->reason ? ": " : "",
		    info->reason ? receipt_reason_name(info->reason) : "");
		e->ev.detail = e->detail;
		e->ev.decision = decision;
		e->ev.rule = rule;
	}
}

static void
handle_receipt(struct daemon *d, struct transport_msg *m,
    const struct wire_frame *f)
{
	const struct receipt_info *info;
	const struct fed_node *issuer, *hop;
	struct receipt *rc = NULL;
	struct store_item it;
	struct devent *e;
	size_t i;
	int r;

	if ((r = receipt_parse(f->data, f->len, &rc)) != 0) {
		e = event_for(d, AUDIT_EV_INTEGRITY_FAILURE, NULL, m->peer,
		    NULL);
		set_detail(e, "malformed receipt from %s", m->peer);
		return;
	}
	info = receipt_info(rc);
	issuer = fed_node(d->fed, info->node);
	if (issuer == NULL || issuer->revoked ||
	    receipt_verify(rc, issuer->keys.sign_pk) != 0) {
		e = event_for(d, AUDIT_EV_INTEGRITY_FAILURE, NULL, m->peer,
		    NULL);
		set_detail(e, "receipt with a bad signature or an unknown "
		    "issuer '%s'", info->node);
		daemon_queue_ack(d, m, WIRE_RECEIPT, info->digest, f->dest,
		    WIRE_ACK_REJECTED);
		goto out;
	}
	/* Taken whole or not at all, as an envelope (handle_envelope). */
	if (daemon_txn(d) != 0)
		goto out;
	r = store_mark_seen(d->store, STORE_RECEIPT, info->digest, f->dest,
	    daemon_now());
	if (r == -EEXIST) {
		receipt_events(d, m, info, "duplicate", NULL, NULL);
		daemon_queue_ack(d, m, WIRE_RECEIPT, info->digest, f->dest,
		    WIRE_ACK_DUPLICATE);
		goto out;
	}
	if (r != 0)
		goto failed;
	if (strcmp(f->dest, d->conf->name) == 0) {
		for (i = 0; i < info->nids; i++)
			apply_receipt(d, info->type, info->msg_ids[i],
			    info->node, info->user, info->reason, info->text);
		receipt_events(d, m, info, "accepted", NULL, NULL);
	} else {
		if ((hop = fed_next_hop(d->fed, f->dest)) == NULL) {
			receipt_events(d, m, info, "dropped", "no-route",
			    NULL);
			daemon_queue_ack(d, m, WIRE_RECEIPT, info->digest,
			    f->dest, WIRE_ACK_REJECTED);
			goto out;
		}
		memset(&it, 0, sizeof(it));
		it.kind = STORE_RECEIPT;
		memcpy(it.id, info->digest, sizeof(it.id));
		snprintf(it.dest, sizeof(it.dest), "%s", f->dest);
		snprintf(it.next_hop, sizeof(it.next_hop), "%s",
		    hop->conf->name);
		snprintf(it.origin, sizeof(it.origin), "%s", info->node);
		it.precedence = ENVELOPE_IMMEDIATE;
		it.expires = daemon_now() + d->conf->default_expiry;
		it.bytes = (uint8_t *)f->data;
		it.len = f->len;
		r = store_enqueue(d->store, &it);
		if (r != 0 && r != -EEXIST)
			goto failed;
		receipt_events(d, m, info, "relayed", NULL, hop->conf->name);
	}
	daemon_queue_ack(d, m, WIRE_RECEIPT, info->digest, f->dest,
	    WIRE_ACK_TAKEN);
	goto out;
failed:
	log_err("cannot store %s's receipt: %s; undoing the round", m->peer,
	    strerror(-r));
	store_fail(d->store);
out:
	receipt_free(&rc);
}

/* ------------------------------------------------------------- messages */

/*
 * Refuse a message for good: audit the rule that fired and tell the
 * origin with a signed non-delivery receipt.
 */
static void
refuse(struct daemon *d, const struct envelope_info *info, const char *prev,
    const char *dest, enum audit_event_type type, const char *rule,
    const char *why, enum receipt_reason reason)
{
	struct devent *e = event_for(d, type, info, prev, NULL);

	if (e != NULL) {
		e->ev.decision = "deny";
		util_fmt(e->rule, sizeof(e->rule), "%s", rule);
		e->ev.rule = e->rule;
		set_detail(e, "%s", why);
	}
	log_info("message %.16s... from %s refused: %s", e ? e->id : "?",
	    info->origin, why);
	peer_receipt(d, RECEIPT_NONDELIVERY, info->id, info->origin, dest, "",
	    reason, why);
}

int
peer_deliver(struct daemon *d, const struct envelope *env, const char *prev,
    const struct label *label)
{
	const struct envelope_info *info = envelope_info(env);
	struct store_inbox_row row;
	struct wire_payload pl;
	const uint8_t *wire;
	uint8_t *body = NULL;
	size_t body_len, wlen, i, delivered = 0;
	struct devent *e;
	int r;

	(void)label;
	r = envelope_open_cached(env, d->conf->name, identity_box_pk(d->id),
	    identity_box_sk(d->id), d->keys, &body, &body_len);
	if (r != 0) {
		refuse(d, info, prev, d->conf->name, AUDIT_EV_INTEGRITY_FAILURE,
		    r == -EPROTO ? "label-mismatch" : "unreadable",
		    r == -EPROTO ? "the inner label differs from the outer "
		    "label (quarantined)" : "the body does not decrypt",
		    r == -EPROTO ? RECEIPT_REASON_LABEL_MISMATCH :
		    RECEIPT_REASON_UNREADABLE);
		return 0;
	}
	if (wire_payload_decode(body, body_len, &pl) != 0) {
		envelope_body_free(&body, body_len);
		refuse(d, info, prev, d->conf->name, AUDIT_EV_INTEGRITY_FAILURE, "unreadable",
		    "the payload is malformed", RECEIPT_REASON_UNREADABLE);
		return 0;
	}
	envelope_body_free(&body, body_len);
	wire = envelope_wire(env, &wlen);
	memset(&row, 0, sizeof(row));
	memcpy(row.id, info->id, sizeof(row.id));
	snprintf(row.origin, sizeof(row.origin), "%s", info->origin);
	snprintf(row.label, sizeof(row.label), "%s", info->label);
	util_fmt(row.subject, sizeof(row.subject), "%s", pl.subject);
	secmem_wipe(&pl, sizeof(pl));
	row.precedence = (int)info->precedence;
	row.created = (int64_t)info->created;
	row.received = daemon_now();
	for (i = 0; i < info->nrcpts; i++) {
		const char *at = strchr(info->rcpts[i], '@');
		const char *node = at ? at + 1 : info->rcpts[i];

		if (strcmp(node, d->conf->name) != 0)
			continue;
		if (at != NULL) {
			snprintf(row.login, sizeof(row.login), "%.*s",
			    (int)(at - info->rcpts[i]), info->rcpts[i]);
			if (fed_user(d->fed, row.login) == NULL) {
				peer_receipt(d, RECEIPT_NONDELIVERY, info->id,
				    info->origin, NULL, info->rcpts[i],
				    RECEIPT_REASON_UNKNOWN_USER,
				    "no such user on this node");
				continue;
			}
		} else {
			row.login[0] = '\0';
		}
		r = store_inbox_add(d->store, &row, wire, wlen);
		if (r == 0)
			delivered++;
		else if (r != -EEXIST)
			return r;
	}
	if (delivered > 0) {
		e = event_for(d, AUDIT_EV_DELIVER, info, prev, NULL);
		if (e != NULL)
			e->ev.decision = "allow";
		receipt_delivered(d, info->id, info->origin);
	}
	return 0;
}

static void
handle_envelope(struct daemon *d, struct transport_msg *m,
    const struct wire_frame *f)
{
	const struct fed_node *origin, *from, *hop;
	const struct envelope_info *info;
	struct policy_decision dec;
	struct envelope *env = NULL;
	struct label_error lerr;
	struct store_item it;
	struct label label;
	struct devent *e;
	int64_t qbytes, counts[4];
	bool failed = false;
	int r;

	if ((r = envelope_parse(f->data, f->len, (size_t)d->conf->body_max,
	    &env)) != 0) {
		e = event_for(d, AUDIT_EV_INTEGRITY_FAILURE, NULL, m->peer,
		    NULL);
		set_detail(e, "malformed or oversized envelope from %s",
		    m->peer);
		d->rejected_frames++;
		/* Answer with the id its trailer claims (id, then the
		 * signature), so an honest previous hop stops resending it. */
		if (f->len >= ENVELOPE_TRAILER_BYTES)
			daemon_queue_ack(d, m, WIRE_ENVELOPE, f->data + f->len -
			    ENVELOPE_TRAILER_BYTES, f->dest, WIRE_ACK_REJECTED);
		return;
	}
	info = envelope_info(env);
	from = fed_node(d->fed, m->peer);
	origin = fed_node(d->fed, info->origin);
	if (from == NULL)	/* the transport only lets configured peers in */
		goto out;
	if (strcmp(info->origin, d->conf->name) == 0 || origin == NULL ||
	    origin->revoked) {
		e = event_for(d, AUDIT_EV_AUTH_FAILURE, info, m->peer, NULL);
		if (e != NULL)
			e->ev.decision = "deny";
		if (strcmp(info->origin, d->conf->name) == 0)
			set_detail(e, "%s", "a message claiming to come from "
			    "this node (reflection)");
		else
			set_detail(e, "unknown or revoked origin '%s'",
			    info->origin);
		daemon_queue_ack(d, m, WIRE_ENVELOPE, info->id, f->dest,
		    WIRE_ACK_REJECTED);
		goto out;
	}
	if (envelope_verify_cached(env, origin->keys.sign_pk, d->keys) != 0) {
		e = event_for(d, AUDIT_EV_INTEGRITY_FAILURE, info, m->peer,
		    NULL);
		if (e != NULL)
			e->ev.decision = "deny";
		set_detail(e, "bad origin signature (forged or altered "
		    "in transit by %s)", m->peer);
		daemon_queue_ack(d, m, WIRE_ENVELOPE, info->id, f->dest,
		    WIRE_ACK_REJECTED);
		goto out;
	}
	if (!envelope_has_node(env, f->dest)) {
		e = event_for(d, AUDIT_EV_INTEGRITY_FAILURE, info, m->peer,
		    NULL);
		set_detail(e, "frame addressed to '%s', which the envelope "
		    "does not name", f->dest);
		daemon_queue_ack(d, m, WIRE_ENVELOPE, info->id, f->dest,
		    WIRE_ACK_REJECTED);
		goto out;
	}
	/* Over the per-peer cap: take nothing, the previous hop retries.
	 * Checked before anything is written, so that nothing is undone. */
	if (strcmp(f->dest, d->conf->name) != 0 &&
	    (hop = fed_next_hop(d->fed, f->dest)) != NULL &&
	    store_queue_size(d->store, hop->conf->name, &qbytes, counts) == 0 &&
	    qbytes + (int64_t)f->len > d->conf->queue_max_bytes) {
		log_warn("queue for %s is full: not taking %s's message yet",
		    hop->conf->name, m->peer);
		goto out;
	}
	/*
	 * A frame is taken whole or not at all: one marked seen but not
	 * stored would be lost when the previous hop resends it.  A write
	 * that fails after the first one fails the round (store_fail), which
	 * is rolled back and acknowledges nothing.  (Not a savepoint per
	 * frame: SQLCipher encrypts every page a savepoint journals.)
	 */
	if (daemon_txn(d) != 0)
		goto out;
	r = store_mark_seen(d->store, STORE_MESSAGE, info->id, f->dest,
	    daemon_now());
	if (r == -EEXIST) {
		/* A resend after a lost acknowledgement, or a replay. */
		e = event_for(d, AUDIT_EV_RELAY_IN, info, m->peer, NULL);
		if (e != NULL)
			e->ev.decision = "duplicate";
		daemon_queue_ack(d, m, WIRE_ENVELOPE, info->id, f->dest,
		    WIRE_ACK_DUPLICATE);
		goto out;
	}
	if (r != 0) {
		failed = true;
		goto out;
	}
	if (envelope_expired(env, (uint64_t)daemon_now())) {
		refuse(d, info, m->peer, f->dest, AUDIT_EV_EXPIRE, "expired",
		    "arrived after its expiry time", RECEIPT_REASON_EXPIRED);
		goto ack;
	}
	if (label_parse(d->fed->tables, info->label, &label, &lerr) != 0) {
		refuse(d, info, m->peer, f->dest, AUDIT_EV_INTEGRITY_FAILURE,
		    "invalid-label", "the label is invalid (quarantined)",
		    RECEIPT_REASON_OTHER);
		goto ack;
	}
	if (policy_decide(d->fed->tables, POLICY_OP_INGRESS, &label,
	    &d->fed->self, &from->accreditation, &dec) != 0 || !dec.allow) {
		char why[STORE_TEXT_MAX + 1];

		util_fmt(why, sizeof(why), "%s: %s%s",
		    policy_check_name(dec.check), dec.reason,
		    dec.incident ? " (security incident: the sending peer is "
		    "not accredited for it)" : "");
		refuse(d, info, m->peer, f->dest, AUDIT_EV_DENY,
		    policy_rule_name(dec.rule), why,
		    RECEIPT_REASON_POLICY_DENIED);
		goto ack;
	}
	if (strcmp(f->dest, d->conf->name) == 0) {
		if ((r = peer_deliver(d, env, m->peer, &label)) != 0) {
			failed = true;
			goto out;
		}
		goto ack;
	}
	if ((hop = fed_next_hop(d->fed, f->dest)) == NULL) {
		refuse(d, info, m->peer, f->dest, AUDIT_EV_DENY, "no-route",
		    "no route to the destination", RECEIPT_REASON_OTHER);
		goto ack;
	}
	if (policy_decide(d->fed->tables, POLICY_OP_FORWARD, &label,
	    &d->fed->self, &hop->accreditation, &dec) != 0 || !dec.allow) {
		char why[STORE_TEXT_MAX + 1];

		util_fmt(why, sizeof(why), "egress to %s: %s",
		    hop->conf->name, dec.reason);
		refuse(d, info, m->peer, f->dest, AUDIT_EV_DENY,
		    policy_rule_name(dec.rule), why,
		    RECEIPT_REASON_POLICY_DENIED);
		goto ack;
	}
	memset(&it, 0, sizeof(it));
	it.kind = STORE_MESSAGE;
	memcpy(it.id, info->id, sizeof(it.id));
	snprintf(it.dest, sizeof(it.dest), "%s", f->dest);
	snprintf(it.next_hop, sizeof(it.next_hop), "%s", hop->conf->name);
	snprintf(it.origin, sizeof(it.origin), "%s", info->origin);
	it.precedence = (int)info->precedence;
	it.expires = (int64_t)info->expires;
	it.bytes = (uint8_t *)f->data;
	it.len = f->len;
	if ((r = store_enqueue(d->store, &it)) != 0 && r != -EEXIST) {
		failed = true;
		goto out;
	}
	e = event_for(d, AUDIT_EV_RELAY_IN, info, m->peer, hop->conf->name);
	if (e != NULL)
		e->ev.decision = "allow";
ack:
	daemon_queue_ack(d, m, WIRE_ENVELOPE, info->id, f->dest,
	    WIRE_ACK_TAKEN);
out:
	if (failed) {
		log_err("cannot store %s's message: %s; undoing the round",
		    m->peer, strerror(-r));
		store_fail(d->store);
	}
	envelope_free(&env);
}

static void
handle_ack(struct daemon *d, struct transport_msg *m,
    const struct wire_frame *f)
{
	static const char *const status[] = { "taken", "duplicate",
	    "rejected" };
	struct link *l = daemon_link(d, m->peer);
	struct devent *e;

	if (l != NULL) {
		l->last_contact = daemon_now();
		l->backoff_ms = 0;
		l->last_ack_ms = daemon_now_ms();
		if (l->inflight > 0)
			l->inflight--;
	}
	if (daemon_txn(d) != 0)
		return;
	if (store_dequeue(d->store, f->kind == WIRE_ENVELOPE ? STORE_MESSAGE :
	    STORE_RECEIPT, f->id, f->dest) != 0)
		return;
	if (f->kind == WIRE_ENVELOPE) {
		store_sent_update(d->store, f->id, f->dest, false,
		    f->status == WIRE_ACK_REJECTED ? STORE_REFUSED :
		    STORE_RELAYED, m->peer, f->status == WIRE_ACK_REJECTED ?
		    "rejected by the next hop" : NULL, daemon_now());
	}
	if ((e = event_for(d, AUDIT_EV_RELAY_OUT, NULL, NULL, m->peer)) != NULL) {
		daemon_hex(e->id, f->id, sizeof(f->id));
		e->ev.msg_id = e->id;
		snprintf(e->rcpts, sizeof(e->rcpts), "%s", f->dest);
		e->ev.recipients = e->rcpts;
		e->ev.peer_fpr = daemon_peer_fpr(d, m->peer);
		e->ev.decision = status[f->status];
		e->ev.detail = f->kind == WIRE_ENVELOPE ? "message" : "receipt";
	}
}

/*
 * A peer's latest audit checkpoint: keep it as a witness of its log.  Two
 * different heads for one sequence number is equivocation, an incident.
 */
/* A witness of our own log, answered by a peer for a pending verify. */
static void
witness_answer(struct daemon *d, struct transport_msg *m,
    const struct wire_frame *f)
{
	struct pending_verify *v = &d->verify;
	struct audit_checkpoint cp;
	struct audit_status st;

	if (!v->active)
		return;
	v->answered++;
	audit_status(d->audit, &st);
	if (audit_checkpoint_parse(&cp, f->text, strlen(f->text)) != 0 ||
	    memcmp(cp.log_id, st.log_id, sizeof(cp.log_id)) != 0 ||
	    audit_checkpoint_verify(&cp, identity_sign_pk(d->id)) != 0)
		return;
	if (!v->have || cp.seq > v->best.seq) {
		v->best = cp;
		v->have = true;
		util_fmt(v->from, sizeof(v->from), "%s", m->peer);
	}
}

/*
 * Witness frames: a peer's checkpoint to keep (equivocation, two heads
 * for one sequence number, is an incident); a peer asking for what we
 * hold of some node's log; a peer answering our own question.
 */
static void
handle_witness(struct daemon *d, struct transport_msg *m,
    const struct wire_frame *f)
{
	const struct fed_node *n = fed_node(d->fed, m->peer);
	struct audit_checkpoint cp;
	char text[AUDIT_CHECKPOINT_TEXT_MAX];
	uint8_t frame[WIRE_WITNESS_MAX + 8];
	struct devent *e;
	size_t len;
	int r;

	if (n == NULL)
		return;
	if (f->witness == WIRE_WITNESS_ANSWER) {
		witness_answer(d, m, f);
		return;
	}
	if (f->witness == WIRE_WITNESS_ASK) {
		if (audit_witness_latest_from(d->audit, f->text, &cp) == 0 &&
		    audit_checkpoint_format(&cp, text, sizeof(text)) >= 0 &&
		    wire_witness(WIRE_WITNESS_ANSWER, text, frame,
		    sizeof(frame), &len) == 0)
			transport_reply(d->tp, m, frame, len);
		return;
	}
	if (audit_checkpoint_parse(&cp, f->text, strlen(f->text)) != 0)
		r = -EBADMSG;
	else
		r = audit_witness_store(d->audit, m->peer, &cp,
		    n->keys.sign_pk);
	if (r == 0)
		return;
	e = event_for(d, AUDIT_EV_INTEGRITY_FAILURE, NULL, m->peer, NULL);
	set_detail(e, "%s", r == -EEXIST ? "equivocation: the peer signed "
	    "two different heads for one checkpoint" : r == -EBADMSG ?
	    "witnessed checkpoint with a bad signature" :
	    "cannot store a witnessed checkpoint");
	if (r == -EEXIST)
		log_err("peer %s signed two different audit heads for one "
		    "sequence number (kept as evidence)", m->peer);
}

size_t
peer_ask_witnesses(struct daemon *d)
{
	uint8_t frame[WIRE_WITNESS_MAX + 8];
	size_t len, i, n = 0;

	if (wire_witness(WIRE_WITNESS_ASK, d->conf->name, frame,
	    sizeof(frame), &len) != 0)
		return 0;
	for (i = 0; i < d->nlinks; i++)
		if (d->links[i].connected &&
		    transport_send(d->tp, d->links[i].node->conf->name, frame,
		    len) == 0)
			n++;
	return n;
}

/* Send this node's latest checkpoint to every link, as a witness. */
void
peer_send_witness(struct daemon *d)
{
	struct audit_checkpoint cp;
	char text[AUDIT_CHECKPOINT_TEXT_MAX];
	uint8_t frame[WIRE_WITNESS_MAX + 8];
	size_t len, i;

	if (audit_checkpoint_latest(d->audit, &cp) != 0 ||
	    audit_checkpoint_format(&cp, text, sizeof(text)) < 0 ||
	    wire_witness(WIRE_WITNESS_PUSH, text, frame, sizeof(frame),
	    &len) != 0)
		return;
	for (i = 0; i < d->nlinks; i++)
		if (d->links[i].connected)
			transport_send(d->tp, d->links[i].node->conf->name,
			    frame, len);
}

void
peer_frame(struct daemon *d, struct transport_msg *m)
{
	struct wire_frame f;
	struct link *l;
	struct devent *e;

	if (wire_parse(m->data, m->len, &f) != 0 ||
	    (m->dir == TRANSPORT_INBOUND) != (f.type == WIRE_DATA ||
	    (f.type == WIRE_WITNESS && f.witness != WIRE_WITNESS_ANSWER))) {
		e = event_for(d, AUDIT_EV_INTEGRITY_FAILURE, NULL,
		    m->dir == TRANSPORT_INBOUND ? m->peer : NULL,
		    m->dir == TRANSPORT_REPLY ? m->peer : NULL);
		set_detail(e, "malformed frame from %s", m->peer);
		if (e != NULL)
			e->ev.peer_fpr = daemon_peer_fpr(d, m->peer);
		d->rejected_frames++;
		return;
	}
	if ((l = daemon_link(d, m->peer)) != NULL)
		l->last_contact = daemon_now();
	if (f.type == WIRE_ACK)
		handle_ack(d, m, &f);
	else if (f.type == WIRE_WITNESS)
		handle_witness(d, m, &f);
	else if (f.kind == WIRE_ENVELOPE)
		handle_envelope(d, m, &f);
	else
		handle_receipt(d, m, &f);
}

/*
 * How long to wait for an acknowledgement before resending: retry_min_ms,
 * doubling with each attempt up to retry_max_ms, and never less than the
 * time a busy peer needs to commit a round.
 */
static int64_t
retry_after(const struct daemon *d, int attempts)
{
	int64_t ms = d->conf->retry_min_ms;

	while (attempts-- > 0 && ms < d->conf->retry_max_ms)
		ms *= 2;
	if (ms > d->conf->retry_max_ms)
		ms = d->conf->retry_max_ms;
	return ms < RETRY_AFTER_MS ? RETRY_AFTER_MS : ms;
}

/*
 * Send what is due to each link, highest precedence first.  A sent item
 * becomes due again after RETRY_AFTER_MS unless acknowledged (the
 * deferral is part of the round's transaction).
 */
void
peer_send_due(struct daemon *d)
{
	struct store_item *items;
	size_t i, k, n;
	uint8_t *frame;
	size_t flen;
	int room, r;

	if ((items = calloc(SEND_PER_ROUND, sizeof(*items))) == NULL)
		return;
	for (i = 0; i < d->nlinks; i++) {
		struct link *l = &d->links[i];
		bool up = transport_peer_up(d->tp, l->node->conf->name);

		/* A peer that comes back gets its queue at once, not after
		 * the retry delays run out. */
		if (up && !l->up && daemon_txn(d) == 0) {
			store_wake(d->store, l->node->conf->name);
			l->retry_at_ms = 0;
			l->backoff_ms = 0;
			l->inflight = 0;
			log_info("peer %s connected", l->node->conf->name);
		} else if (!up && l->up) {
			log_info("peer %s disconnected", l->node->conf->name);
		}
		l->up = up;
		if (!l->connected || !up || daemon_now_ms() < l->retry_at_ms)
			continue;
		/* No acknowledgement for a retry period: those sent are
		 * lost or the peer is stuck; their retries reopen the window. */
		if (l->inflight > 0 &&
		    daemon_now_ms() - l->last_ack_ms > RETRY_AFTER_MS)
			l->inflight = 0;
		room = SEND_WINDOW - l->inflight;
		if (room > SEND_PER_ROUND)
			room = SEND_PER_ROUND;
		if (room <= 0 || store_due(d->store, l->node->conf->name,
		    wall_ms(), items, (size_t)room, &n) != 0 || n == 0)
			continue;
		if (daemon_txn(d) != 0) {
			for (k = 0; k < n; k++)
				store_item_clear(&items[k]);
			continue;
		}
		for (k = 0; k < n; k++) {
			r = wire_data(items[k].kind == STORE_MESSAGE ?
			    WIRE_ENVELOPE : WIRE_RECEIPT, items[k].dest,
			    items[k].bytes, items[k].len, &frame, &flen);
			if (r == 0) {
				r = transport_send(d->tp, l->node->conf->name,
				    frame, flen);
				free(frame);
			}
			if (r == -EAGAIN) {
				/* Not connected or the pipe is full. */
				l->backoff_ms = l->backoff_ms ?
				    l->backoff_ms * 2 : 100;
				if (l->backoff_ms > 5000)
					l->backoff_ms = 5000;
				l->retry_at_ms = daemon_now_ms() +
				    l->backoff_ms;
				break;
			}
			if (l->inflight++ == 0)
				l->last_ack_ms = daemon_now_ms();
			store_defer(d->store, items[k].seq,
			    wall_ms() + retry_after(d, items[k].attempts));
		}
		for (k = 0; k < n; k++)
			store_item_clear(&items[k]);
	}
	free(items);
}

/* Drop what expired in the queue; tell the origin. */
void
peer_expire(struct daemon *d)
{
	struct store_item items[64];
	struct devent *e;
	size_t n, k, room;

	/* Each expiry records an event and may queue a receipt. */
	room = (DAEMON_EVENTS_MAX - d->nevents) / 2;
	if (room > 64)
		room = 64;
	if (room == 0 || store_expired(d->store, daemon_now(), items, room,
	    &n) != 0 || n == 0)
		return;
	if (daemon_txn(d) != 0)
		goto out;
	for (k = 0; k < n; k++) {
		store_dequeue(d->store, items[k].kind, items[k].id,
		    items[k].dest);
		if ((e = event_for(d, AUDIT_EV_EXPIRE, NULL, NULL,
		    items[k].next_hop)) != NULL) {
			daemon_hex(e->id, items[k].id, sizeof(items[k].id));
			e->ev.msg_id = e->id;
			snprintf(e->rcpts, sizeof(e->rcpts), "%s",
			    items[k].dest);
			e->ev.recipients = e->rcpts;
			DEVENT_SET(e, origin, origin, items[k].origin);
			e->ev.detail = items[k].kind == STORE_MESSAGE ?
			    "message expired in the queue" :
			    "receipt expired in the queue";
		}
		if (items[k].kind != STORE_MESSAGE)
			continue;
		if (strcmp(items[k].origin, d->conf->name) == 0)
			store_sent_update(d->store, items[k].id, items[k].dest,
			    false,
			    STORE_EXPIRED, NULL, "expired before delivery",
			    daemon_now());
		else
			peer_receipt(d, RECEIPT_NONDELIVERY, items[k].id,
			    items[k].origin, items[k].dest, "",
			    RECEIPT_REASON_EXPIRED,
			    "expired in the queue");
	}
out:
	for (k = 0; k < n; k++)
		store_item_clear(&items[k]);
}
