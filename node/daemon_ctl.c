/* SPDX-License-Identifier: ISC */
/*
 * daemon_ctl: requests from the local `valise` command.  The caller is
 * identified by its uid (SO_PEERCRED), mapped to a login and then to a
 * configured user; nothing the client says about itself is believed.
 * Requests dispatch from one table that names the role each needs, and
 * every reply waits for the round's commit, so an audited action is never
 * reported done before its audit record is on disk.
 */
#include <sys/statvfs.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/envelope.h"
#include "crypto/prim.h"
#include "crypto/name.h"
#include "crypto/secmem.h"
#include "keys/identity.h"
#include "node/daemon.h"
#include "node/log.h"
#include "node/util.h"

#define CTL_BATCH_MAX	256	/* messages in one send request */
#define ROLE_ANY	0

struct req {
	struct daemon		*d;
	int			 client;
	const struct fed_user	*user;
	const struct ctl_msg	*msg;
	struct ctl_msg		*reply;
};

typedef int (*ctl_handler)(struct req *);

static int op_status(struct req *);
static int op_peers(struct req *);
static int op_send(struct req *);
static int op_inbox(struct req *);
static int op_read(struct req *);
static int op_sent(struct req *);
static int op_audit(struct req *);
static int op_reply(struct req *);

static const struct {
	const char	*op;
	ctl_handler	 fn;
	unsigned	 role;		/* CONF_ROLE_*, or ROLE_ANY */
} ops[] = {
	{ "status",	op_status,	ROLE_ANY },
	{ "peers",	op_peers,	ROLE_ANY },
	{ "send",	op_send,	CONF_ROLE_OFFICER },
	{ "inbox",	op_inbox,	CONF_ROLE_OFFICER },
	{ "read",	op_read,	CONF_ROLE_OFFICER },
	{ "sent",	op_sent,	CONF_ROLE_OFFICER },
	{ "reply",	op_reply,	CONF_ROLE_OFFICER },
	{ "audit",	op_audit,	CONF_ROLE_AUDITOR },
};

/* Fail a request: status and a message for the user. */
static int __attribute__((format(printf, 3, 4)))
fail(struct req *q, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctl_msg_set_int(q->reply, "status", status);
	ctl_msg_set_str(q->reply, "error", msg);
	return status;
}

static struct devent *
user_event(struct req *q, enum audit_event_type type)
{
	struct devent *e = daemon_event(q->d, type);

	if (e == NULL)
		return NULL;
	snprintf(e->login, sizeof(e->login), "%s", q->d->clients[q->client].login);
	e->ev.login = e->login;
	e->ev.uid = (int64_t)q->d->clients[q->client].uid;
	return e;
}

#define ID_PREFIX_MIN	8	/* hex digits a short id needs */

/*
 * A message id from the request: 64 hex digits, or a unique prefix of at
 * least ID_PREFIX_MIN of the ids in the caller's inbox (in_sent false) or
 * among the messages sent (in_sent true), as the human output shows them.
 * 0, or the status of the reply already failed.
 */
static int
resolve_id(struct req *q, bool in_sent, uint8_t id[WIRE_ID_BYTES])
{
	const char *text = ctl_msg_str(q->msg, "id");
	struct store_inbox_row *in = NULL;
	struct store_sent_row *out = NULL;
	char hex[2 * WIRE_ID_BYTES + 1];
	size_t len, n = 0, i, found = 0;
	int r;

	len = text != NULL ? strlen(text) : 0;
	if (len == 2 * WIRE_ID_BYTES &&
	    prim_from_hex(id, WIRE_ID_BYTES, text, len) == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!((text[i] >= '0' && text[i] <= '9') ||
		    (text[i] >= 'a' && text[i] <= 'f')))
			break;
	if (len < ID_PREFIX_MIN || len > 2 * WIRE_ID_BYTES || i != len)
		return fail(q, EXIT_USAGE, "a message id is 64 hex digits, or "
		    "a unique prefix of at least %d", ID_PREFIX_MIN);
	r = in_sent ? store_sent_list(q->d->store, NULL, &out, &n) :
	    store_inbox_list(q->d->store, q->user->conf->login, &in, &n);
	if (r != 0)
		return fail(q, EXIT_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
	for (i = 0; i < n; i++) {
		const uint8_t *cand = in_sent ? out[i].id : in[i].id;

		daemon_hex(hex, cand, WIRE_ID_BYTES);
		if (strncmp(hex, text, len) != 0 ||
		    (found > 0 && memcmp(id, cand, WIRE_ID_BYTES) == 0))
			continue;
		memcpy(id, cand, WIRE_ID_BYTES);
		found++;
	}
	free(in);
	free(out);
	if (found == 1)
		return 0;
	return fail(q, EXIT_USAGE, found == 0 ? "no message %s" :
	    "%s is ambiguous: give more digits", text);
}

/* ---------------------------------------------------------------- status */

static int
op_status(struct req *q)
{
	struct daemon *d = q->d;
	struct audit_status ast;
	struct ctl_msg *p;
	int64_t bytes, counts[4];
	size_t i;

	ctl_msg_set_str(q->reply, "node", d->conf->name);
	ctl_msg_set_str(q->reply, "fingerprint", d->fpr);
	ctl_msg_set_str(q->reply, "listen", d->conf->listen);
	ctl_msg_set_int(q->reply, "started", d->started);
	ctl_msg_set_str(q->reply, "policy_hash", d->fed->policy_hash);
	ctl_msg_set_str(q->reply, "sandbox", d->sandbox);
	for (i = 0; i < d->nlinks; i++) {
		const struct link *l = &d->links[i];

		if ((p = ctl_msg_add(q->reply, "peers")) == NULL)
			return fail(q, EXIT_INTERNAL, "out of memory");
		ctl_msg_set_str(p, "name", l->node->conf->name);
		ctl_msg_set_str(p, "endpoint", l->node->conf->endpoint);
		ctl_msg_set_bool(p, "connected", l->up);
		ctl_msg_set_int(p, "last_contact", l->last_contact);
		if (store_queue_size(d->store, l->node->conf->name, &bytes,
		    counts) == 0) {
			ctl_msg_set_int(p, "queued_flash", counts[0]);
			ctl_msg_set_int(p, "queued_immediate", counts[1]);
			ctl_msg_set_int(p, "queued_priority", counts[2]);
			ctl_msg_set_int(p, "queued_routine", counts[3]);
			ctl_msg_set_int(p, "queued_bytes", bytes);
		}
	}
	audit_status(d->audit, &ast);
	ctl_msg_set_int(q->reply, "audit_entries", (int64_t)ast.entries);
	ctl_msg_set_int(q->reply, "audit_checkpoint_seq",
	    (int64_t)ast.checkpoint_seq);
	ctl_msg_set_int(q->reply, "audit_checkpoint_time", ast.checkpoint_time);
	ctl_msg_set_bool(q->reply, "alarm", ast.alarm || d->fail_closed);
	ctl_msg_set_int(q->reply, "rejected_frames", (int64_t)d->rejected_frames);
	return 0;
}

static int
op_peers(struct req *q)
{
	struct daemon *d = q->d;
	struct ctl_msg *p;
	size_t i;

	for (i = 0; i < d->fed->nnodes; i++) {
		const struct fed_node *n = &d->fed->nodes[i];

		if ((p = ctl_msg_add(q->reply, "peers")) == NULL)
			return fail(q, EXIT_INTERNAL, "out of memory");
		ctl_msg_set_str(p, "name", n->conf->name);
		ctl_msg_set_str(p, "endpoint", n->conf->endpoint);
		ctl_msg_set_str(p, "fingerprint", n->keys.fingerprint);
		ctl_msg_set_str(p, "nationality", n->conf->nationality);
		ctl_msg_set_str(p, "organisations",
		    (n->conf->organisations & CONF_ORG_NATO) &&
		    (n->conf->organisations & CONF_ORG_EU) ? "NATO,EU" :
		    n->conf->organisations & CONF_ORG_NATO ? "NATO" :
		    n->conf->organisations & CONF_ORG_EU ? "EU" : "-");
		ctl_msg_set_str(p, "accreditation", n->conf->accreditation);
		ctl_msg_set_bool(p, "direct", n->direct);
		ctl_msg_set_bool(p, "revoked", n->revoked);
	}
	return 0;
}

/* ------------------------------------------------------------------ send */

/* One message of a send request, checked and ready to seal. */
struct outmsg {
	struct label	 label;
	char		 canon[LABEL_FORMAT_MAX];
	char		 rcpts[ENVELOPE_RECIPIENTS_MAX][NAME_ADDR_MAX + 1];
	size_t		 nrcpts;
	char		 nodes[ENVELOPE_RECIPIENTS_MAX][NAME_NODE_MAX + 1];
	const struct fed_node *hops[ENVELOPE_RECIPIENTS_MAX];	/* NULL: here */
	size_t		 nnodes;
	enum envelope_precedence prec;
	const char	*subject;
	int64_t		 expires;
	uint8_t		*body;
	size_t		 body_len;
};

static int
add_rcpt(struct req *q, struct outmsg *o, const char *addr)
{
	struct daemon *d = q->d;
	const char *at = strchr(addr, '@'), *node = at ? at + 1 : addr;
	const struct fed_node *n = NULL, *hop = NULL;
	size_t i;

	if (!name_addr_valid(addr, strlen(addr)))
		return fail(q, EXIT_USAGE, "'%s' is not a recipient (NODE or "
		    "login@NODE)", addr);
	if (o->nrcpts >= ENVELOPE_RECIPIENTS_MAX)
		return fail(q, EXIT_USAGE, "more than %d recipients",
		    ENVELOPE_RECIPIENTS_MAX);
	for (i = 0; i < o->nrcpts; i++)
		if (strcmp(o->rcpts[i], addr) == 0)
			return fail(q, EXIT_USAGE, "recipient '%s' is named "
			    "twice", addr);
	if (strcmp(node, d->conf->name) == 0) {
		if (at != NULL) {
			char login[NAME_USER_MAX + 1];

			snprintf(login, sizeof(login), "%.*s",
			    (int)(at - addr), addr);
			if (fed_user(d->fed, login) == NULL)
				return fail(q, EXIT_USAGE, "no user '%s' on "
				    "this node", login);
		}
	} else {
		if ((n = fed_node(d->fed, node)) == NULL)
			return fail(q, EXIT_USAGE, "unknown node '%s'%s", node,
			    fed_next_hop(d->fed, node) != NULL ? " (there is a "
			    "route to it, but its key is not among the peers)" :
			    "");
		if (n->revoked)
			return fail(q, EXIT_REFUSED, "node '%s' is revoked",
			    node);
		if ((hop = fed_next_hop(d->fed, node)) == NULL)
			return fail(q, EXIT_USAGE, "no route to '%s'", node);
	}
	snprintf(o->rcpts[o->nrcpts++], NAME_ADDR_MAX + 1, "%s", addr);
	for (i = 0; i < o->nnodes; i++)
		if (strcmp(o->nodes[i], node) == 0)
			return 0;
	snprintf(o->nodes[o->nnodes], NAME_NODE_MAX + 1, "%s", node);
	o->hops[o->nnodes++] = hop;
	return 0;
}

/* The policy for each route: the next hop and the destination node. */
static int
check_routes(struct req *q, struct outmsg *o)
{
	struct policy_decision dec;
	size_t i;

	for (i = 0; i < o->nnodes; i++) {
		const struct fed_node *dst;

		if (o->hops[i] == NULL)
			continue;	/* local: checked at read */
		if (policy_decide(q->d->fed->tables, POLICY_OP_FORWARD,
		    &o->label, &q->d->fed->self, &o->hops[i]->accreditation,
		    &dec) != 0 || !dec.allow)
			return fail(q, EXIT_REFUSED, "refused: the route to %s "
			    "goes through %s: %s", o->nodes[i],
			    o->hops[i]->conf->name, dec.reason);
		dst = fed_node(q->d->fed, o->nodes[i]);
		if (dst != o->hops[i] &&
		    (policy_decide(q->d->fed->tables, POLICY_OP_FORWARD,
		    &o->label, NULL, &dst->accreditation, &dec) != 0 ||
		    !dec.allow))
			return fail(q, EXIT_REFUSED, "refused: destination "
			    "%s: %s", o->nodes[i], dec.reason);
	}
	return 0;
}

static int
check_space(struct req *q, struct outmsg *o, size_t wire_len)
{
	struct daemon *d = q->d;
	struct statvfs vfs;
	int64_t bytes, counts[4];
	size_t i;

	/* One statvfs per round, not one per message of a batch: system
	 * calls cost microseconds on these virtual machines. */
	if (!d->space_known && statvfs(d->conf->state_dir, &vfs) == 0) {
		d->space_avail = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
		d->space_known = true;
	}
	if (d->space_known &&
	    d->space_avail < d->conf->disk_reserve + (int64_t)wire_len)
		return fail(q, EXIT_TEMPFAIL, "the node's disk is full (free "
		    "space below the reserve); try again later");
	for (i = 0; i < o->nnodes; i++) {
		if (o->hops[i] == NULL)
			continue;
		if (store_queue_size(d->store, o->hops[i]->conf->name,
		    &bytes, counts) == 0 &&
		    bytes + (int64_t)wire_len > d->conf->queue_max_bytes)
			return fail(q, EXIT_TEMPFAIL, "the queue for %s is "
			    "full; try again later", o->hops[i]->conf->name);
	}
	if (d->space_known)
		d->space_avail -= (int64_t)wire_len;
	return 0;
}

/* Read and check one message of a send request. */
static int
parse_outmsg(struct req *q, const struct ctl_msg *m, struct outmsg *o)
{
	struct daemon *d = q->d;
	struct policy_decision dec;
	struct label_error lerr;
	const char *s;
	int64_t v;
	size_t i, n;
	int r;

	/* Not a memset: the struct is 15 KiB, its arrays are read only up
	 * to their counts, and a batch parses thousands of these. */
	o->canon[0] = '\0';
	o->nrcpts = o->nnodes = 0;
	o->subject = NULL;
	o->body = NULL;
	o->body_len = 0;
	if ((s = ctl_msg_str(m, "label")) == NULL)
		return fail(q, EXIT_USAGE, "a label is required (--label)");
	if (label_parse(d->fed->tables, s, &o->label, &lerr) != 0)
		return fail(q, EXIT_USAGE, "invalid label '%s': %s", s,
		    lerr.msg);
	if (label_format(d->fed->tables, &o->label, o->canon,
	    sizeof(o->canon)) != 0 || strlen(o->canon) > ENVELOPE_LABEL_MAX)
		return fail(q, EXIT_USAGE, "label too long");
	/* Nobody sends above their own clearance (XEP-0258). */
	if (policy_decide(d->fed->tables, POLICY_OP_READ, &o->label,
	    &d->fed->self, &q->user->clearance, &dec) != 0 || !dec.allow)
		return fail(q, EXIT_REFUSED, "refused: you may not send %s: %s",
		    o->canon, dec.reason);
	o->prec = ENVELOPE_ROUTINE;
	if ((s = ctl_msg_str(m, "precedence")) != NULL) {
		char up[16];

		for (i = 0; s[i] != '\0' && i < sizeof(up) - 1; i++)
			up[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ?
			    s[i] - 32 : s[i]);
		up[i] = '\0';
		if (s[i] != '\0' || envelope_precedence_parse(up, &o->prec)
		    != 0)
			return fail(q, EXIT_USAGE, "precedence '%s': use flash, "
			    "immediate, priority or routine", s);
	}
	o->subject = ctl_msg_str(m, "subject");
	if (o->subject == NULL)
		o->subject = "";
	if (strlen(o->subject) > WIRE_SUBJECT_MAX)
		return fail(q, EXIT_USAGE, "the subject is longer than %d "
		    "bytes", WIRE_SUBJECT_MAX);
	for (i = 0; o->subject[i] != '\0'; i++)
		if ((unsigned char)o->subject[i] < 0x20)
			return fail(q, EXIT_USAGE, "control character in the "
			    "subject");
	o->expires = d->conf->default_expiry;
	if ((r = ctl_msg_int(m, "expires", &v)) == 0) {
		if (v < 1 || v > 365 * 86400)
			return fail(q, EXIT_USAGE, "expiry must be between 1 "
			    "second and 365 days");
		o->expires = v;
	} else if (r != -ENOENT) {
		return fail(q, EXIT_USAGE, "expires: not a number of seconds");
	}
	n = ctl_msg_count(m, "to");
	if (n == 0)
		return fail(q, EXIT_USAGE, "at least one recipient (--to)");
	for (i = 0; i < n; i++) {
		const struct ctl_msg *t = ctl_msg_item(m, "to", i);

		if (t == NULL || (s = ctl_msg_str(t, "addr")) == NULL)
			return fail(q, EXIT_USAGE, "bad recipient list");
		if ((r = add_rcpt(q, o, s)) != 0)
			return r;
	}
	if ((r = check_routes(q, o)) != 0)
		return r;
	r = ctl_msg_bytes(m, "body", (size_t)d->conf->body_max, &o->body,
	    &o->body_len);
	if (r == -EMSGSIZE)
		return fail(q, EXIT_USAGE, "the body is larger than %lld bytes",
		    (long long)d->conf->body_max);
	if (r != 0)
		return fail(q, EXIT_USAGE, "the body is missing or malformed");
	return 0;
}

/*
 * Where one message of a send request goes, kept from its seal to the
 * moment the request's batch is signed and its envelopes can be stored.
 */
struct route {
	const struct fed_node	*dst[ENVELOPE_RECIPIENTS_MAX];	/* NULL: here */
	const struct fed_node	*hops[ENVELOPE_RECIPIENTS_MAX];
	size_t			 nnodes;
	enum envelope_precedence prec;
	uint64_t		 expires;
};

/*
 * Seal one checked message into dr, without its signature, and record
 * it: the sent list, the audit event and the reply's id.  Its route for
 * store_sealed() once the batch is signed.
 */
static int
seal_outmsg(struct req *q, struct outmsg *o, struct envelope_draft *dr,
    struct route *rt, struct ctl_msg *ids)
{
	struct daemon *d = q->d;
	struct envelope_rcpt rcpts[ENVELOPE_RECIPIENTS_MAX];
	struct envelope_params p;
	struct store_sent_row sent;
	struct devent *e;
	uint8_t *payload = NULL;
	size_t plen, i;
	char hex[2 * ENVELOPE_ID_BYTES + 1], author[WIRE_AUTHOR_MAX + 1];
	int r;

	for (i = 0; i < o->nrcpts; i++) {
		const char *at = strchr(o->rcpts[i], '@');
		const char *node = at ? at + 1 : o->rcpts[i];
		const struct fed_node *n = fed_node(d->fed, node);

		rcpts[i].addr = o->rcpts[i];
		rcpts[i].box_pk = n != NULL ? n->keys.box_pk :
		    identity_box_pk(d->id);
	}
	memset(&p, 0, sizeof(p));
	p.origin = d->conf->name;
	p.rcpts = rcpts;
	p.nrcpts = o->nrcpts;
	p.label = o->canon;
	p.precedence = o->prec;
	p.created = (uint64_t)daemon_now();
	p.expires = p.created + (uint64_t)o->expires;
	p.keys = d->keys;
	util_fmt(author, sizeof(author), "%s@%s", q->user->conf->login,
	    d->conf->name);
	if ((r = wire_payload_encode(o->subject, author, o->body, o->body_len,
	    &payload, &plen)) != 0)
		return fail(q, EXIT_INTERNAL, "cannot encode the message");
	r = envelope_draft(&p, payload, plen, dr);
	secmem_wipe(payload, plen);
	free(payload);
	if (r != 0)
		return fail(q, r == -EMSGSIZE ? EXIT_USAGE : EXIT_INTERNAL,
		    "cannot seal the message: %s", strerror(-r));
	if ((r = check_space(q, o, dr->len + ENVELOPE_TRAILER_MAX)) != 0)
		return r;
	for (i = 0; i < o->nnodes; i++) {
		rt->hops[i] = o->hops[i];
		rt->dst[i] = o->hops[i] != NULL ?
		    fed_node(d->fed, o->nodes[i]) : NULL;
	}
	rt->nnodes = o->nnodes;
	rt->prec = o->prec;
	rt->expires = p.expires;

	daemon_hex(hex, dr->id, sizeof(dr->id));
	for (i = 0; i < o->nrcpts; i++) {
		const char *at = strchr(o->rcpts[i], '@');
		const char *node = at ? at + 1 : o->rcpts[i];
		const struct fed_node *hop = fed_next_hop(d->fed, node);

		memset(&sent, 0, sizeof(sent));
		memcpy(sent.id, dr->id, sizeof(dr->id));
		snprintf(sent.rcpt, sizeof(sent.rcpt), "%s", o->rcpts[i]);
		util_fmt(sent.label, sizeof(sent.label), "%s", o->canon);
		sent.created = daemon_now();
		sent.status = STORE_QUEUED;
		if (hop != NULL && strcmp(node, d->conf->name) != 0)
			snprintf(sent.via, sizeof(sent.via), "%s",
			    hop->conf->name);
		store_sent_add(d->store, &sent);
	}
	if ((e = user_event(q, AUDIT_EV_SUBMIT)) != NULL) {
		size_t off = 0;

		snprintf(e->id, sizeof(e->id), "%s", hex);
		e->ev.msg_id = e->id;
		e->ev.origin = d->conf->name;
		util_fmt(e->label, sizeof(e->label), "%s", o->canon);
		e->ev.label = e->label;
		e->ev.precedence = envelope_precedence_name(o->prec);
		for (i = 0; i < o->nrcpts && off < sizeof(e->rcpts); i++)
			off += (size_t)snprintf(e->rcpts + off,
			    sizeof(e->rcpts) - off, "%s%s", i ? "," : "",
			    o->rcpts[i]);
		e->ev.recipients = e->rcpts;
		e->ev.decision = "allow";
		e->ev.next_hop = o->hops[0] ? o->hops[0]->conf->name : NULL;
	}
	if (ctl_msg_set_str(ids, "id", hex) != 0)
		return fail(q, EXIT_INTERNAL, "out of memory");
	return 0;
}

/* Deliver here the signed envelope wire[0..len) addressed to this node. */
static int
deliver_own(struct req *q, const uint8_t *wire, size_t len)
{
	struct daemon *d = q->d;
	struct envelope *env = NULL;
	struct label_error lerr;
	struct label label;
	int r = -EINVAL;

	if (envelope_parse(wire, len, 0, &env) == 0 &&
	    envelope_verify_cached(env, identity_sign_pk(d->id), d->keys)
	    == 0 &&
	    label_parse(d->fed->tables, envelope_info(env)->label, &label,
	    &lerr) == 0 &&
	    store_mark_seen(d->store, STORE_MESSAGE, envelope_info(env)->id,
	    d->conf->name, daemon_now()) == 0)
		r = peer_deliver(d, env, NULL, &label);
	envelope_free(&env);
	return r;
}

/* Queue a signed envelope for each node of its route, or deliver it. */
static int
store_sealed(struct req *q, const struct envelope_draft *dr,
    const struct route *rt)
{
	struct daemon *d = q->d;
	struct store_item it;
	size_t k;
	int r;

	for (k = 0; k < rt->nnodes; k++) {
		if (rt->hops[k] == NULL) {
			if (deliver_own(q, dr->wire, dr->len) != 0)
				return fail(q, EXIT_INTERNAL, "local delivery "
				    "failed");
			continue;
		}
		memset(&it, 0, sizeof(it));
		it.kind = STORE_MESSAGE;
		memcpy(it.id, dr->id, sizeof(dr->id));
		snprintf(it.dest, sizeof(it.dest), "%s",
		    rt->dst[k]->conf->name);
		snprintf(it.next_hop, sizeof(it.next_hop), "%s",
		    rt->hops[k]->conf->name);
		snprintf(it.origin, sizeof(it.origin), "%s", d->conf->name);
		it.precedence = (int)rt->prec;
		it.expires = (int64_t)rt->expires;
		it.bytes = dr->wire;
		it.len = dr->len;
		if ((r = store_enqueue(d->store, &it)) != 0)
			return fail(q, r == -ENOSPC ? EXIT_TEMPFAIL :
			    EXIT_INTERNAL, "cannot queue the message: %s",
			    strerror(-r));
	}
	return 0;
}

static void
outmsg_clear(struct outmsg *o)
{
	if (o->body != NULL) {
		secmem_wipe(o->body, o->body_len);
		free(o->body);
	}
	o->body = NULL;
}

/*
 * A send request carries one or more messages under "items".  All are
 * checked before any is queued; a refusal names the item.  The reply
 * (the ids) is sent only after the round commits.
 */
/* Sign sealed messages dr[0..n) together and store each. */
static int
sign_and_store(struct req *q, struct envelope_draft *dr,
    const struct route *rt, size_t n)
{
	size_t i;
	int r = 0;

	if (envelope_sign_batch(dr, n, identity_sign_sk(q->d->id)) != 0)
		return fail(q, EXIT_INTERNAL, "cannot sign the messages");
	for (i = 0; i < n && r == 0; i++)
		r = store_sealed(q, &dr[i], &rt[i]);
	return r;
}

static int
op_send(struct req *q)
{
	struct daemon *d = q->d;
	struct envelope_draft *drs = NULL;
	struct route *rts = NULL;
	struct outmsg *o;
	struct devent *e;
	size_t n = ctl_msg_count(q->msg, "items"), i, ev0;
	int r = 0;

	if (n == 0 || n > CTL_BATCH_MAX)
		return fail(q, EXIT_USAGE, "a send request holds 1 to %d "
		    "messages", CTL_BATCH_MAX);
	/* A request that does not fit in this round gets a round of its
	 * own: commit what is pending first. */
	if (d->nevents + n + 4 > DAEMON_EVENTS_MAX ||
	    d->npending + 2 > DAEMON_BATCH_MAX)
		daemon_flush(d);
	o = calloc(1, sizeof(*o));
	drs = calloc(n, sizeof(*drs));
	rts = calloc(n, sizeof(*rts));
	if (o == NULL || drs == NULL || rts == NULL) {
		r = fail(q, EXIT_INTERNAL, "out of memory");
		goto out;
	}
	if (daemon_txn(d) != 0 || store_savepoint(d->store) != 0) {
		r = fail(q, EXIT_INTERNAL, "the store cannot start a write");
		goto out;
	}
	ev0 = d->nevents;
	/* Check and seal every message, then sign them together (one
	 * signature for the request), then store them. */
	for (i = 0; i < n && r == 0; i++) {
		const struct ctl_msg *m = ctl_msg_item(q->msg, "items", i);
		struct ctl_msg *ids;

		if (m == NULL) {
			r = fail(q, EXIT_USAGE, "item %zu is not an object",
			    i + 1);
			break;
		}
		if ((r = parse_outmsg(q, m, o)) != 0) {
			/* The messages before it are not sent: only the
			 * refusal is recorded. */
			daemon_events_drop(d, ev0);
			if (r == EXIT_REFUSED &&
			    (e = user_event(q, AUDIT_EV_DENY)) != NULL) {
				util_fmt(e->label, sizeof(e->label), "%s",
				    o->canon);
				e->ev.label = e->label;
				e->ev.decision = "deny";
				util_fmt(e->detail, sizeof(e->detail),
				    "send refused: %s", ctl_msg_str(q->reply,
				    "error") ? ctl_msg_str(q->reply, "error") :
				    "");
				e->ev.detail = e->detail;
			}
			ev0 = d->nevents;
			if (n > 1) {
				const char *err = ctl_msg_str(q->reply,
				    "error");
				char msg[600];

				snprintf(msg, sizeof(msg), "message %zu: %s",
				    i + 1, err ? err : "");
				ctl_msg_set_str(q->reply, "error", msg);
			}
			outmsg_clear(o);
			break;
		}
		if ((ids = ctl_msg_add(q->reply, "ids")) == NULL)
			r = fail(q, EXIT_INTERNAL, "out of memory");
		else
			r = seal_outmsg(q, o, &drs[i], &rts[i], ids);
		outmsg_clear(o);
	}
	if (r == 0)
		r = sign_and_store(q, drs, rts, n);
	/* All or nothing: a batch that fails half-way queues none, records
	 * none as sent, and the rest of the round (other requests, peers'
	 * frames) is untouched. */
	if (r != 0) {
		daemon_events_drop(d, ev0);
		store_savepoint_rollback(d->store);
		ctl_msg_del(q->reply, "ids");
	} else {
		store_savepoint_release(d->store);
	}
out:
	for (i = 0; drs != NULL && i < n; i++)
		envelope_draft_free(&drs[i]);
	free(drs);
	free(rts);
	free(o);
	return r;
}

/* ----------------------------------------------------------- inbox, read */

static bool
cleared(struct req *q, const char *label_text)
{
	struct policy_decision dec;
	struct label_error lerr;
	struct label l;

	return label_parse(q->d->fed->tables, label_text, &l, &lerr) == 0 &&
	    policy_decide(q->d->fed->tables, POLICY_OP_READ, &l,
	    &q->d->fed->self, &q->user->clearance, &dec) == 0 && dec.allow;
}

static int
op_inbox(struct req *q)
{
	struct store_inbox_row *rows = NULL;
	struct ctl_msg *it;
	char hex[2 * STORE_ID_BYTES + 1];
	size_t n, i, above = 0;
	int r;

	if ((r = store_inbox_list(q->d->store, q->user->conf->login, &rows,
	    &n)) != 0)
		return fail(q, EXIT_INTERNAL, "cannot read the inbox: %s",
		    strerror(-r));
	for (i = 0; i < n; i++) {
		if (!cleared(q, rows[i].label)) {
			above++;
			continue;
		}
		if ((it = ctl_msg_add(q->reply, "messages")) == NULL)
			break;
		daemon_hex(hex, rows[i].id, sizeof(rows[i].id));
		ctl_msg_set_str(it, "id", hex);
		ctl_msg_set_int(it, "received", rows[i].received);
		ctl_msg_set_int(it, "created", rows[i].created);
		ctl_msg_set_str(it, "origin", rows[i].origin);
		ctl_msg_set_str(it, "to", rows[i].login[0] ?
		    rows[i].login : q->d->conf->name);
		ctl_msg_set_str(it, "precedence",
		    envelope_precedence_name(rows[i].precedence));
		ctl_msg_set_str(it, "label", rows[i].label);
		ctl_msg_set_str(it, "subject", rows[i].subject);
		ctl_msg_set_bool(it, "read", rows[i].read_at != 0);
	}
	ctl_msg_set_int(q->reply, "above_clearance", (int64_t)above);
	free(rows);
	return 0;
}

/* A message of the caller's inbox, verified and opened. */
struct opened {
	uint8_t			 id[WIRE_ID_BYTES];
	struct store_inbox_row	 row;
	uint8_t			*wire;
	size_t			 wlen;
	struct envelope		*env;
	uint8_t			*payload;
	size_t			 plen;
	struct wire_payload	 pl;
};

static void
inbox_close(struct opened *m)
{
	secmem_wipe(&m->pl, sizeof(m->pl));
	if (m->payload != NULL)
		envelope_body_free(&m->payload, m->plen);
	envelope_free(&m->env);
	free(m->wire);
	m->wire = NULL;
}

/*
 * Find the message named by the request's "id" in the caller's inbox,
 * check the caller is cleared for its label, verify it again and open it.
 * e, when not NULL, is the read event to fill in (and turn into a deny or
 * an integrity failure).  0, or the status of the reply already failed.
 */
static int
inbox_open(struct req *q, struct devent *e, struct opened *m)
{
	struct daemon *d = q->d;
	const struct fed_node *origin;
	int r;

	memset(m, 0, sizeof(*m));
	if ((r = resolve_id(q, false, m->id)) != 0)
		return r;
	r = store_inbox_get(d->store, m->id, q->user->conf->login, &m->row,
	    &m->wire, &m->wlen);
	if (r == -ENOENT)
		return fail(q, EXIT_USAGE, "no message %s in your inbox",
		    ctl_msg_str(q->msg, "id"));
	if (r != 0)
		return fail(q, EXIT_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
	if (e != NULL) {
		daemon_hex(e->id, m->id, sizeof(m->id));
		e->ev.msg_id = e->id;
		DEVENT_SET(e, origin, origin, m->row.origin);
		util_fmt(e->label, sizeof(e->label), "%s", m->row.label);
		e->ev.label = e->label;
	}
	if (!cleared(q, m->row.label)) {
		if (e != NULL) {
			e->ev.type = AUDIT_EV_DENY;
			e->ev.decision = "deny";
			e->ev.detail = "read refused: above the user's clearance";
		}
		return fail(q, EXIT_REFUSED, "refused: you are not cleared to "
		    "read %s", m->row.label);
	}
	origin = strcmp(m->row.origin, d->conf->name) == 0 ? NULL :
	    fed_node(d->fed, m->row.origin);
	if (envelope_parse(m->wire, m->wlen, 0, &m->env) != 0 ||
	    envelope_verify_cached(m->env, origin != NULL ?
	    origin->keys.sign_pk : identity_sign_pk(d->id), d->keys) != 0 ||
	    envelope_open_cached(m->env, d->conf->name, identity_box_pk(d->id),
	    identity_box_sk(d->id), d->keys, &m->payload, &m->plen) != 0 ||
	    wire_payload_decode(m->payload, m->plen, &m->pl) != 0) {
		if (e != NULL) {
			e->ev.type = AUDIT_EV_INTEGRITY_FAILURE;
			e->ev.decision = "deny";
			e->ev.detail = "stored message does not verify or open";
		}
		return fail(q, EXIT_INTERNAL, "the stored message does not "
		    "verify or open");
	}
	if (e != NULL)
		e->ev.decision = "allow";
	return 0;
}

static int
op_read(struct req *q)
{
	struct daemon *d = q->d;
	struct opened m;
	char user[NAME_ADDR_MAX + 1], hex[2 * WIRE_ID_BYTES + 1];
	int r;

	if ((r = inbox_open(q, user_event(q, AUDIT_EV_READ), &m)) != 0)
		goto out;
	if (daemon_txn(d) != 0) {
		r = fail(q, EXIT_INTERNAL, "the store cannot start a write");
		goto out;
	}
	if (m.row.read_at == 0) {
		util_fmt(user, sizeof(user), "%s@%s", q->user->conf->login,
		    d->conf->name);
		store_inbox_mark_read(d->store, m.id, q->user->conf->login,
		    daemon_now());
		peer_receipt(d, RECEIPT_READ, m.id, m.row.origin, NULL, user,
		    RECEIPT_REASON_NONE, NULL);
	}
	daemon_hex(hex, m.id, sizeof(m.id));
	ctl_msg_set_str(q->reply, "id", hex);
	ctl_msg_set_str(q->reply, "origin", m.row.origin);
	ctl_msg_set_str(q->reply, "label", m.row.label);
	ctl_msg_set_str(q->reply, "precedence",
	    envelope_precedence_name(m.row.precedence));
	ctl_msg_set_int(q->reply, "created", m.row.created);
	ctl_msg_set_int(q->reply, "received", m.row.received);
	ctl_msg_set_str(q->reply, "subject", m.pl.subject);
	ctl_msg_set_str(q->reply, "author", m.pl.author);
	ctl_msg_set_bytes(q->reply, "body", m.pl.body, m.pl.body_len);
out:
	inbox_close(&m);
	return r;
}

/*
 * Reply to a message in the user's inbox: to its author (or its origin
 * node), with a label that dominates the original's.  Without --label the
 * original label is used; a label that does not dominate it is refused,
 * and the refusal names the join of the two, the lowest label that would.
 */
static int
op_reply(struct req *q)
{
	struct daemon *d = q->d;
	struct opened m;
	struct label orig, mine, join;
	struct label_error lerr;
	struct ctl_msg *item = NULL, *to, *ids;
	struct outmsg *o = NULL;
	struct envelope_draft dr;
	struct route rt;
	uint8_t *body = NULL;
	size_t blen = 0, ev0;
	const char *s;
	char canon[LABEL_FORMAT_MAX], subject[WIRE_SUBJECT_MAX + 1];
	int r;

	memset(&dr, 0, sizeof(dr));

	if ((r = inbox_open(q, NULL, &m)) != 0)
		goto out;
	if (label_parse(d->fed->tables, m.row.label, &orig, &lerr) != 0) {
		r = fail(q, EXIT_INTERNAL, "the original's label is invalid");
		goto out;
	}
	mine = orig;
	if ((s = ctl_msg_str(q->msg, "label")) != NULL) {
		if (label_parse(d->fed->tables, s, &mine, &lerr) != 0) {
			r = fail(q, EXIT_USAGE, "invalid label '%s': %s", s,
			    lerr.msg);
			goto out;
		}
		if (!label_dominates(d->fed->tables, &mine, &orig)) {
			if (label_join(d->fed->tables, &mine, &orig, &join,
			    &lerr) == 0 && label_format(d->fed->tables, &join,
			    canon, sizeof(canon)) == 0)
				r = fail(q, EXIT_REFUSED, "refused: a reply must "
				    "be labelled at least %s; the lowest label "
				    "covering both is %s", m.row.label, canon);
			else
				r = fail(q, EXIT_REFUSED, "refused: a reply must "
				    "be labelled at least %s (%s)", m.row.label,
				    lerr.msg);
			goto out;
		}
	}
	if (label_format(d->fed->tables, &mine, canon, sizeof(canon)) != 0) {
		r = fail(q, EXIT_INTERNAL, "cannot format the label");
		goto out;
	}
	if ((s = ctl_msg_str(q->msg, "subject")) == NULL) {
		util_fmt(subject, sizeof(subject), "%s%s",
		    strncmp(m.pl.subject, "Re: ", 4) == 0 ? "" : "Re: ",
		    m.pl.subject);
		s = subject;
	}
	/* The reply as a send request item, checked like any other. */
	if ((item = ctl_msg_new()) == NULL || (to = ctl_msg_add(item, "to"))
	    == NULL || (o = calloc(1, sizeof(*o))) == NULL) {
		r = fail(q, EXIT_INTERNAL, "out of memory");
		goto out;
	}
	ctl_msg_set_str(to, "addr", m.pl.author[0] ? m.pl.author :
	    m.row.origin);
	ctl_msg_set_str(item, "label", canon);
	ctl_msg_set_str(item, "subject", s);
	if ((s = ctl_msg_str(q->msg, "precedence")) != NULL)
		ctl_msg_set_str(item, "precedence", s);
	if (ctl_msg_bytes(q->msg, "body", (size_t)d->conf->body_max, &body,
	    &blen) != 0) {
		r = fail(q, EXIT_USAGE, "the body is missing or too large");
		goto out;
	}
	ctl_msg_set_bytes(item, "body", body, blen);
	if (daemon_txn(d) != 0 || store_savepoint(d->store) != 0) {
		r = fail(q, EXIT_INTERNAL, "the store cannot start a write");
		goto out;
	}
	ev0 = d->nevents;
	if ((r = parse_outmsg(q, item, o)) == 0) {
		if ((ids = ctl_msg_add(q->reply, "ids")) == NULL)
			r = fail(q, EXIT_INTERNAL, "out of memory");
		else if ((r = seal_outmsg(q, o, &dr, &rt, ids)) == 0)
			r = sign_and_store(q, &dr, &rt, 1);
	}
	outmsg_clear(o);
	if (r != 0) {
		daemon_events_drop(d, ev0);
		store_savepoint_rollback(d->store);
	} else {
		store_savepoint_release(d->store);
	}
out:
	envelope_draft_free(&dr);
	if (body != NULL) {
		secmem_wipe(body, blen);
		free(body);
	}
	free(o);
	ctl_msg_free(&item);
	inbox_close(&m);
	return r;
}

static int
op_sent(struct req *q)
{
	struct store_sent_row *rows = NULL;
	struct ctl_msg *it;
	uint8_t id[WIRE_ID_BYTES];
	const char *want = ctl_msg_str(q->msg, "id");
	char hex[2 * STORE_ID_BYTES + 1];
	size_t n, i;
	int r;

	if (want != NULL && (r = resolve_id(q, true, id)) != 0)
		return r;
	if ((r = store_sent_list(q->d->store, want ? id : NULL, &rows, &n))
	    != 0)
		return fail(q, EXIT_INTERNAL, "cannot read the store: %s",
		    strerror(-r));
	for (i = 0; i < n; i++) {
		if (!cleared(q, rows[i].label))
			continue;
		if ((it = ctl_msg_add(q->reply, "recipients")) == NULL)
			break;
		daemon_hex(hex, rows[i].id, sizeof(rows[i].id));
		ctl_msg_set_str(it, "id", hex);
		ctl_msg_set_str(it, "recipient", rows[i].rcpt);
		ctl_msg_set_str(it, "label", rows[i].label);
		ctl_msg_set_str(it, "status", store_status_name(rows[i].status));
		ctl_msg_set_str(it, "via", rows[i].via);
		ctl_msg_set_str(it, "reason", rows[i].reason);
		ctl_msg_set_int(it, "created", rows[i].created);
		ctl_msg_set_int(it, "updated", rows[i].updated);
	}
	free(rows);
	if (want != NULL && n == 0)
		return fail(q, EXIT_USAGE, "no sent message %s", want);
	return 0;
}

/* ----------------------------------------------------------------- audit */

#define AUDIT_PAGE	2000	/* records per reply; the client pages */

struct audit_page {
	struct req	*q;
	size_t		 n;
	bool		 hashes;
	struct label	 at_least;
};

static bool
label_at_least(void *ctx, const char *text)
{
	struct audit_page *p = ctx;
	struct label_error lerr;
	struct label l;

	return text != NULL && label_parse(p->q->d->fed->tables, text, &l,
	    &lerr) == 0 && label_dominates(p->q->d->fed->tables, &l,
	    &p->at_least);
}

static int
audit_row(void *ctx, const struct audit_record *r)
{
	struct audit_page *p = ctx;
	const struct audit_event *e = &r->ev;
	struct ctl_msg *it;
	char hex[2 * AUDIT_HASH_BYTES + 1];

	if (p->n >= AUDIT_PAGE)
		return 1;	/* page full: stop the walk */
	if ((it = ctl_msg_add(p->q->reply, "records")) == NULL)
		return -ENOMEM;
	ctl_msg_set_int(it, "seq", (int64_t)r->seq);
	ctl_msg_set_int(it, "time_us", r->time_us);
	ctl_msg_set_str(it, "event", audit_event_name(e->type));
#define OPT(k, v) do { if ((v) != NULL) ctl_msg_set_str(it, k, v); } while (0)
	OPT("msg_id", e->msg_id);
	OPT("origin", e->origin);
	OPT("prev_hop", e->prev_hop);
	OPT("next_hop", e->next_hop);
	OPT("recipients", e->recipients);
	OPT("login", e->login);
	OPT("label", e->label);
	OPT("precedence", e->precedence);
	OPT("decision", e->decision);
	OPT("rule", e->rule);
	OPT("policy_hash", e->policy_hash);
	OPT("peer_fpr", e->peer_fpr);
	OPT("detail", e->detail);
#undef OPT
	ctl_msg_set_int(it, "uid", e->uid);
	if (p->hashes) {
		prim_to_hex(hex, r->link, sizeof(r->link));
		ctl_msg_set_str(it, "link", hex);
		prim_to_hex(hex, r->mac, sizeof(r->mac));
		ctl_msg_set_str(it, "mac", hex);
	}
	p->n++;
	return 0;
}

/* Verify the node's log, against ext when not NULL, into reply. */
static int
verify_reply(struct daemon *d, struct ctl_msg *reply,
    const struct audit_checkpoint *ext, const char *from)
{
	struct audit_verify_result res;
	uint8_t key[IDENTITY_DB_KEY_BYTES];
	char hex[2 * AUDIT_HASH_BYTES + 1];
	int r;

	if (identity_db_key(d->id, "audit", key) != 0) {
		ctl_msg_set_int(reply, "status", EXIT_INTERNAL);
		ctl_msg_set_str(reply, "error", "no audit key");
		return EXIT_INTERNAL;
	}
	r = audit_verify(d->audit, key, ext, identity_sign_pk(d->id), &res);
	secmem_wipe(key, sizeof(key));
	ctl_msg_set_int(reply, "result", r);
	ctl_msg_set_int(reply, "fault", res.fault);
	ctl_msg_set_int(reply, "bad_seq", (int64_t)res.bad_seq);
	ctl_msg_set_str(reply, "what", res.what);
	ctl_msg_set_int(reply, "entries", (int64_t)res.entries);
	prim_to_hex(hex, res.head, sizeof(res.head));
	ctl_msg_set_str(reply, "head", hex);
	ctl_msg_set_int(reply, "checkpoints", (int64_t)res.checkpoints);
	ctl_msg_set_int(reply, "last_checkpoint_seq",
	    (int64_t)res.last_checkpoint_seq);
	ctl_msg_set_bool(reply, "external_checked", res.external_checked);
	ctl_msg_set_int(reply, "external_seq", (int64_t)res.external_seq);
	if (from != NULL)
		ctl_msg_set_str(reply, "witness", from);
	return 0;
}

void
ctl_verify_poll(struct daemon *d)
{
	struct pending_verify *v = &d->verify;

	if (!v->active || (v->answered < v->asked &&
	    daemon_now_ms() < v->deadline_ms))
		return;
	v->active = false;
	verify_reply(d, v->reply, v->have ? &v->best : NULL,
	    v->have ? v->from : NULL);
	if (ctl_msg_int(v->reply, "status", &(int64_t){ 0 }) == -ENOENT)
		ctl_msg_set_int(v->reply, "status", EXIT_OK);
	daemon_queue_reply(d, v->client, v->reply, true);
	v->reply = NULL;
}

/*
 * The auditor's commands, run on the node's own log.  Every request is
 * itself audited (audit-access), with what was asked.
 */
static int
op_audit(struct req *q)
{
	struct daemon *d = q->d;
	const char *verb = ctl_msg_str(q->msg, "verb"), *s;
	struct audit_filter f;
	struct audit_page page;
	struct audit_checkpoint cp, ext;
	struct label_error lerr;
	struct devent *e;
	uint8_t key[IDENTITY_DB_KEY_BYTES];
	char text[AUDIT_CHECKPOINT_TEXT_MAX], hex[2 * AUDIT_HASH_BYTES + 1];
	int64_t v;
	int r;

	if (verb == NULL)
		return fail(q, EXIT_USAGE, "audit: no verb");
	if ((e = user_event(q, AUDIT_EV_AUDIT_ACCESS)) != NULL) {
		util_fmt(e->detail, sizeof(e->detail), "audit %s%s%s", verb,
		    ctl_msg_str(q->msg, "what") ? " " : "",
		    ctl_msg_str(q->msg, "what") ? ctl_msg_str(q->msg, "what") :
		    "");
		e->ev.detail = e->detail;
		e->ev.decision = "allow";
	}
	if (strcmp(verb, "log") == 0 || strcmp(verb, "export") == 0) {
		memset(&f, 0, sizeof(f));
		memset(&page, 0, sizeof(page));
		page.q = q;
		page.hashes = strcmp(verb, "export") == 0;
		if (ctl_msg_int(q->msg, "after_seq", &v) == 0 && v > 0)
			f.after_seq = (uint64_t)v;
		if (!page.hashes) {
			(void)ctl_msg_int(q->msg, "since_us", &f.since_us);
			(void)ctl_msg_int(q->msg, "until_us", &f.until_us);
			if ((s = ctl_msg_str(q->msg, "event")) != NULL &&
			    audit_event_parse(s, &f.type) != 0)
				return fail(q, EXIT_USAGE, "unknown event '%s'",
				    s);
			f.login = ctl_msg_str(q->msg, "user");
			f.msg_id = ctl_msg_str(q->msg, "msg");
			if ((s = ctl_msg_str(q->msg, "label_at_least")) != NULL) {
				if (label_parse(d->fed->tables, s,
				    &page.at_least, &lerr) != 0)
					return fail(q, EXIT_USAGE, "invalid "
					    "label '%s': %s", s, lerr.msg);
				f.label_ok = label_at_least;
				f.label_ctx = &page;
			}
		}
		r = audit_query(d->audit, &f, audit_row, &page);
		if (r < 0)
			return fail(q, EXIT_INTERNAL, "audit log: %s",
			    strerror(-r));
		ctl_msg_set_bool(q->reply, "more", r == 1);
		return 0;
	}
	if (strcmp(verb, "verify") == 0) {
		const char *cps = ctl_msg_str(q->msg, "checkpoint");

		if (cps != NULL) {
			if (audit_checkpoint_parse(&ext, cps, strlen(cps)) != 0)
				return fail(q, EXIT_USAGE, "not a checkpoint");
			return verify_reply(d, q->reply, &ext, NULL);
		}
		/* No checkpoint given: ask the peers what they witnessed of
		 * this log, and verify against the latest once they answer. */
		if (!d->verify.active && (d->verify.asked =
		    peer_ask_witnesses(d)) > 0) {
			d->verify.active = true;
			d->verify.client = q->client;
			d->verify.reply = q->reply;
			d->verify.deadline_ms = daemon_now_ms() +
			    DAEMON_WITNESS_WAIT_MS;
			d->verify.answered = 0;
			d->verify.have = false;
			return DAEMON_DEFERRED;
		}
		return verify_reply(d, q->reply, NULL, NULL);
	}
	if (strcmp(verb, "checkpoint") == 0) {
		s = ctl_msg_str(q->msg, "witness");
		r = s != NULL ? audit_witness_latest_from(d->audit, s, &cp) :
		    audit_checkpoint_latest(d->audit, &cp);
		if (r == -ENOENT)
			return fail(q, EXIT_TEMPFAIL, "no checkpoint %s%s yet",
			    s ? "witnessed from " : "", s ? s : "");
		if (r != 0 || audit_checkpoint_format(&cp, text,
		    sizeof(text)) < 0)
			return fail(q, EXIT_INTERNAL, "cannot read the latest "
			    "checkpoint");
		ctl_msg_set_str(q->reply, "checkpoint", text);
		return 0;
	}
	if (strcmp(verb, "export-key") == 0) {
		if (e != NULL) {
			e->ev.type = AUDIT_EV_KEY_EVENT;
			e->ev.detail = "audit database key exported";
		}
		if ((r = identity_db_key(d->id, "audit", key)) != 0)
			return fail(q, EXIT_INTERNAL, "no audit key");
		prim_to_hex(hex, key, sizeof(key));
		secmem_wipe(key, sizeof(key));
		ctl_msg_set_str(q->reply, "key", hex);
		secmem_wipe(hex, sizeof(hex));
		return 0;
	}
	return fail(q, EXIT_USAGE, "audit: unknown verb '%s'", verb);
}

/* ------------------------------------------------------------- dispatch */

/* The caller's login from the kernel-reported uid ("" when unknown). */
static void
identify(struct daemon *d, struct client *c)
{
	int r;

	if (c->login[0] != '\0')
		return;
	r = lookup_login(d->lookup, c->uid, c->login, sizeof(c->login));
	if (r != 0 && r != -ENOENT)
		log_warn("control: cannot name uid %u: %s", (unsigned)c->uid,
		    strerror(-r));
}

static void
dispatch(struct daemon *d, int client, const struct ctl_msg *msg)
{
	struct client *c = &d->clients[client];
	struct req q = { d, client, NULL, msg, ctl_msg_new() };
	const char *op = ctl_msg_str(msg, "op");
	struct devent *e;
	uint64_t events = d->events_total;
	size_t i;

	if (q.reply == NULL)
		return;
	identify(d, c);
	for (i = 0; op != NULL && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(op, ops[i].op) == 0)
			break;
	if (op == NULL || i == sizeof(ops) / sizeof(ops[0])) {
		fail(&q, EXIT_USAGE, "unknown request '%s'", op ? op : "");
		goto reply;
	}
	q.user = fed_user(d->fed, c->login);
	if (q.user == NULL || (ops[i].role != ROLE_ANY &&
	    !(q.user->conf->roles & ops[i].role))) {
		if ((e = user_event(&q, q.user == NULL ? AUDIT_EV_AUTH_FAILURE :
		    AUDIT_EV_DENY)) != NULL) {
			e->ev.decision = "deny";
			snprintf(e->detail, sizeof(e->detail), "%s: %s", op,
			    q.user == NULL ? "not a configured user" :
			    "role not held");
			e->ev.detail = e->detail;
		}
		fail(&q, EXIT_REFUSED, "refused: %s", q.user == NULL ?
		    "you are not a user of this node" : "your role does not "
		    "allow this");
		goto reply;
	}
	switch (ops[i].fn(&q)) {
	case DAEMON_DEFERRED:
		return;		/* the handler keeps q.reply and replies later */
	case 0:
		if (ctl_msg_int(q.reply, "status", &(int64_t){ 0 }) == -ENOENT)
			ctl_msg_set_int(q.reply, "status", EXIT_OK);
		break;
	}
reply:
	/* An answer that recorded an event or opened a write waits for
	 * the commit; a read-only one does not depend on it. */
	daemon_queue_reply(d, client, q.reply, d->events_total != events ||
	    d->overflow);
}

void
ctl_client_ready(struct daemon *d, int client)
{
	struct client *c = &d->clients[client];
	struct ctl_msg *msg = NULL;
	int r;

	r = ctl_reader_feed(&c->reader, c->fd, &msg);
	if (r == -EAGAIN)
		return;
	if (r != 0) {
		if (r != -ECONNRESET)
			log_info("control: dropping client pid %d: %s",
			    (int)c->pid, strerror(-r));
		close(c->fd);
		ctl_reader_clear(&c->reader);
		c->fd = -1;
		return;
	}
	d->nwork++;
	dispatch(d, client, msg);
	ctl_msg_free(&msg);
}
