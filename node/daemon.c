/* SPDX-License-Identifier: ISC */
/*
 * valised: one department's node.  Start-up, the event loop with group
 * commit, signals, and shutdown; see daemon.h for the round structure.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/envelope.h"
#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "keys/identity.h"
#include "keys/keyfile.h"
#include "keys/peerline.h"
#include "node/daemon.h"
#include "node/log.h"
#include "node/sandbox.h"
#include "node/util.h"

static volatile sig_atomic_t got_term, got_hup;

static void	audit_recover(struct daemon *);

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

int64_t
daemon_now(void)
{
	return (int64_t)time(NULL);
}

int64_t
daemon_now_ms(void)
{
	return util_mono_ms();
}

void
daemon_hex(char *out, const uint8_t *id, size_t len)
{
	prim_to_hex(out, id, len);
}

int
daemon_txn(struct daemon *d)
{
	int r;

	if (d->in_txn)
		return 0;
	if ((r = store_begin(d->store)) != 0)
		return r;
	d->in_txn = true;
	d->txn_ms = daemon_now_ms();
	return 0;
}

/* A fresh event in the round, filled with what every event carries. */
struct devent *
daemon_event(struct daemon *d, enum audit_event_type type)
{
	struct devent *e;

	if (d->nevents >= DAEMON_EVENTS_MAX) {
		/* The round cannot record what it did: it must not commit. */
		d->overflow = true;
		return NULL;
	}
	e = &d->events[d->nevents++];
	d->events_total++;
	memset(e, 0, sizeof(*e));
	e->ev.type = type;
	e->ev.policy_hash = d->fed->policy_hash;
	e->ev.uid = -1;
	return e;
}

/* Forget the round's events from the n-th on (a request rolled back). */
void
daemon_events_drop(struct daemon *d, size_t n)
{
	if (n < d->nevents) {
		d->events_total -= d->nevents - n;
		d->nevents = n;
	}
}

int
daemon_queue_reply(struct daemon *d, int client, struct ctl_msg *reply,
    bool needs_commit)
{
	struct pending *p;

	if (d->npending >= DAEMON_BATCH_MAX) {
		ctl_msg_free(&reply);
		return -ENOBUFS;
	}
	p = &d->pending[d->npending++];
	memset(p, 0, sizeof(*p));
	p->client = client;
	p->reply = reply;
	p->needs_commit = needs_commit;
	return 0;
}

int
daemon_queue_ack(struct daemon *d, const struct transport_msg *to,
    enum wire_kind kind, const uint8_t id[WIRE_ID_BYTES], const char *dest,
    enum wire_ack_status status)
{
	struct pending *p;
	int r;

	if (d->npending >= DAEMON_BATCH_MAX)
		return -ENOBUFS;
	p = &d->pending[d->npending];
	memset(p, 0, sizeof(*p));
	p->is_ack = true;
	p->to.dir = to->dir;
	memcpy(p->to.route, to->route, to->route_len);
	p->to.route_len = to->route_len;
	memcpy(p->to.peer, to->peer, sizeof(p->to.peer));
	if ((r = wire_ack(kind, id, dest, status, p->ack, &p->acklen)) != 0)
		return r;
	d->npending++;
	return 0;
}

struct link *
daemon_link(struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nlinks; i++)
		if (strcmp(d->links[i].node->conf->name, name) == 0)
			return &d->links[i];
	return NULL;
}

const char *
daemon_peer_fpr(struct daemon *d, const char *name)
{
	const struct fed_node *n = fed_node(d->fed, name);

	return n != NULL ? n->keys.fingerprint : "";
}

/* Drop a reply or acknowledgement without sending it. */
static void
pending_drop(struct pending *p)
{
	if (!p->is_ack)
		ctl_msg_free(&p->reply);
}

static void
client_close(struct daemon *d, int i)
{
	if (d->clients[i].fd >= 0)
		close(d->clients[i].fd);
	ctl_reader_clear(&d->clients[i].reader);
	d->clients[i].fd = -1;
}

/*
 * End the round: commit the audit events, then the store; only if both
 * succeed are the acknowledgements and replies sent.  Otherwise the
 * store is rolled back, peers get no acknowledgement (they will resend)
 * and clients get an error (exit 4): fail closed.
 */
static void
round_commit(struct daemon *d)
{
	struct audit_event *evs = d->round_evs;
	uint64_t first;
	size_t i;
	int r = 0;

	if (d->nreceipts > 0)
		peer_flush_receipts(d);
	for (i = 0; i < d->nevents; i++)
		evs[i] = d->events[i].ev;
	if (d->overflow) {
		r = -ENOBUFS;
		log_err("more than %d audit events in one round; undoing it",
		    DAEMON_EVENTS_MAX);
		d->overflow = false;
	} else if (d->nevents > 0 &&
	    (r = audit_append(d->audit, evs, d->nevents, &first)) != 0)
		log_err("audit log: cannot commit %zu events: %s; failing "
		    "closed", d->nevents, strerror(-r));
	if (d->in_txn) {
		if (r == 0 && (r = store_commit(d->store)) != 0)
			log_err("message store: commit failed: %s; failing "
			    "closed", strerror(-r));
		if (r != 0)
			store_rollback(d->store);
		d->in_txn = false;
	}
	if (r != 0 && !d->fail_closed)
		log_err("ALARM: nothing is acknowledged until the audit log "
		    "and the store accept writes again");
	if (r != 0)
		audit_recover(d);
	else if (r == 0 && d->fail_closed && d->nevents + d->npending > 0) {
		/* Resumed by itself: the alarm stays in the log, not in the
		 * status of a node that works again. */
		log_info("the audit log and the store accept writes again");
		audit_alarm_clear(d->audit);
	}
	if (r != 0 || d->nevents + d->npending > 0 || d->in_txn) {
		d->fail_closed = r != 0;
		d->last_error = r;
	}
	for (i = 0; i < d->npending; i++) {
		struct pending *p = &d->pending[i];

		if (r != 0 && (p->is_ack || p->needs_commit)) {
			if (!p->is_ack && d->clients[p->client].fd >= 0) {
				struct ctl_msg *err = ctl_msg_new();
				ctl_msg_set_int(err, "status", EXIT_INTERNAL);
				ctl_msg_set_str(err, "error", "the node cannot "
				    "write its store or audit log; nothing was "
				    "done");
				ctl_send(d->clients[p->client].fd, err);
				ctl_msg_free(&err);
			}
			pending_drop(p);
			continue;
		}
		if (p->is_ack) {
			transport_reply(d->tp, &p->to, p->ack, p->acklen);
		} else {
			if (d->clients[p->client].fd >= 0 &&
			    ctl_send(d->clients[p->client].fd, p->reply) != 0)
				client_close(d, p->client);
			ctl_msg_free(&p->reply);
		}
	}
	d->nevents = 0;
	d->npending = 0;
	d->nwork = 0;
	d->space_known = false;
}

void
daemon_flush(struct daemon *d)
{
	round_commit(d);
}

/* An event that records only news of what was already done: a peer's
 * acknowledgement, or a receipt for this node's own messages (applied to
 * the sent table, forwarded to nobody). */
static bool
event_is_news(const struct devent *e)
{
	if (e->ev.type == AUDIT_EV_RELAY_OUT)
		return true;
	return e->ev.type == AUDIT_EV_RECEIPT && e->ev.decision != NULL &&
	    (strcmp(e->ev.decision, "accepted") == 0 ||
	    strcmp(e->ev.decision, "duplicate") == 0);
}

/*
 * Whether the round may wait for the next one (DAEMON_DEFER_MS): no reply
 * to a client, nothing recorded but news (event_is_news), and nothing
 * queued to send, so that nothing is sent before it is on disk.  Its
 * acknowledgements of receipts wait with it: the peer resends only after
 * DAEMON_ACK_TIMEOUT_MS.  In bulk, the origin's rounds that applied its
 * receipts were half its commits (two fdatasyncs each).
 */
static bool
round_deferrable(struct daemon *d)
{
	size_t i;

	if (!d->in_txn || d->overflow || d->fail_closed ||
	    d->nevents > DAEMON_DEFER_EVENTS ||
	    daemon_now_ms() - d->txn_ms >= DAEMON_DEFER_MS)
		return false;
	for (i = 0; i < d->npending; i++)
		if (!d->pending[i].is_ack)
			return false;
	for (i = 0; i < d->nevents; i++)
		if (!event_is_news(&d->events[i]))
			return false;
	return true;
}

/* ---------------------------------------------------------------- start */

static int
audit_sign(void *ctx, uint8_t sig[AUDIT_SIG_BYTES], const uint8_t *m,
    size_t mlen)
{
	struct daemon *d = ctx;

	return prim_sign(sig, m, mlen, identity_sign_sk(d->id));
}

static int
load_identity(struct daemon *d)
{
	char path[CONF_PATH_MAX + 16], *pass = NULL;
	size_t passlen = 0;
	int r;

	if (snprintf(path, sizeof(path), "%s/%s", d->conf->key_dir,
	    KEYFILE_NAME) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (d->conf->passphrase_file[0] != '\0' &&
	    (r = keyfile_read_passphrase(d->conf->passphrase_file, &pass,
	    &passlen)) != 0) {
		log_err("%s: %s", d->conf->passphrase_file,
		    keyfile_strerror(r));
		return r;
	}
	r = keyfile_load(path, pass, passlen, &d->id);
	if (pass != NULL) {
		secmem_wipe(pass, passlen);
		secmem_free(pass);
	}
	if (r != 0) {
		log_err("%s: %s", path, keyfile_strerror(r));
		return r;
	}
	if (strcmp(identity_name(d->id), d->conf->name) != 0) {
		log_err("%s: the key is for node '%s', the configuration says "
		    "'%s'", path, identity_name(d->id), d->conf->name);
		return -EINVAL;
	}
	if ((r = envelope_keys_new(&d->keys)) != 0)
		log_err("cannot allocate guarded memory: %s", strerror(-r));
	return r;
}

static int
open_audit(struct daemon *d, struct audit **ap)
{
	struct audit_signer signer = { audit_sign, d, { 0 } };
	struct audit_config acfg;
	uint8_t key[IDENTITY_DB_KEY_BYTES];
	char path[CONF_PATH_MAX + 16];
	int r;

	snprintf(path, sizeof(path), "%s/audit.db", d->conf->state_dir);
	memcpy(signer.pk, identity_sign_pk(d->id), AUDIT_PK_BYTES);
	acfg.checkpoint_every = (uint64_t)d->conf->checkpoint_entries;
	acfg.checkpoint_secs = (uint32_t)d->conf->checkpoint_seconds;
	if ((r = identity_db_key(d->id, "audit", key)) != 0)
		return r;
	r = audit_open(ap, path, key, &signer, &acfg, AUDIT_CREATE);
	secmem_wipe(key, sizeof(key));
	if (r != 0)
		log_err("%s: cannot open the audit log: %s", path,
		    r == -EBADMSG ? "corrupt or wrong key" : strerror(-r));
	return r;
}

/*
 * After a failed commit (a full disk, an I/O error) the audit handle may
 * have lost its state; open the log again, at most once a second, so the
 * node resumes by itself once the disk accepts writes.  The old handle
 * stays in use until a new one is open.
 */
static void
audit_recover(struct daemon *d)
{
	static int64_t last;
	struct audit_status st;
	struct audit *fresh = NULL;

	audit_status(d->audit, &st);
	if (!st.broken || daemon_now() == last)
		return;
	last = daemon_now();
	if (open_audit(d, &fresh) != 0)
		return;
	audit_close(d->audit);
	d->audit = fresh;
	log_info("audit log reopened after a failed write");
}

static int
open_databases(struct daemon *d)
{
	uint8_t key[IDENTITY_DB_KEY_BYTES];
	char path[CONF_PATH_MAX + 16];
	int r;

	if (mkdir(d->conf->state_dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/store.db", d->conf->state_dir);
	if ((r = identity_db_key(d->id, "store", key)) != 0)
		return r;
	r = store_open(&d->store, path, key);
	secmem_wipe(key, sizeof(key));
	if (r != 0) {
		log_err("%s: cannot open the message store: %s", path,
		    r == -EBADMSG ? "corrupt or wrong key" : strerror(-r));
		return r;
	}
	return open_audit(d, &d->audit);
}

/*
 * Connect a link, its peer's host name resolved by the helper (lookup.h),
 * which is asked without waiting: a later call takes the answer.  Tried
 * at start and on SIGHUP, then every DAEMON_RECONNECT_MS while it fails;
 * a failure is logged once, not at every try.  0, -EINPROGRESS while the
 * name is being resolved, or -errno.
 */
static int
connect_link(struct daemon *d, struct link *l)
{
	const struct fed_node *n = l->node;
	const char *conf_ep = n->conf->endpoint;
	char ep[TRANSPORT_ENDPOINT_MAX + 1];
	int64_t now = daemon_now_ms();
	int r;

	if (l->resolving == 0) {
		r = lookup_endpoint_ask(d->lookup, conf_ep, false, ep,
		    sizeof(ep), &l->resolving);
		l->resolve_asked_ms = now;
	} else {
		r = lookup_endpoint_take(d->lookup, l->resolving, conf_ep, ep,
		    sizeof(ep));
		if (r == -EINPROGRESS && now - l->resolve_asked_ms >=
		    LOOKUP_TIMEOUT_MS)
			r = -ETIMEDOUT;
	}
	if (r == -EINPROGRESS)
		return r;
	l->resolving = 0;
	/* The helper resolves as many names as it may at once: soon. */
	if (r == -EBUSY) {
		l->connect_at_ms = now + 1000;
		return r;
	}
	if (r == 0)
		r = transport_connect(d->tp, n->conf->name, ep,
		    n->keys.curve_pk);
	if (r != 0) {
		if (r != l->connect_err)
			log_warn("peer %s: cannot connect to %s: %s; trying "
			    "again every %d s", n->conf->name, conf_ep,
			    r == -ENOENT ? "unknown host" : r == -EAGAIN ?
			    "no answer from the name service" : strerror(-r),
			    DAEMON_RECONNECT_MS / 1000);
		l->connect_err = r;
		l->connect_at_ms = now + DAEMON_RECONNECT_MS;
		return r;
	}
	if (strcmp(ep, conf_ep) != 0)
		log_info("peer %s: %s is %s", n->conf->name, conf_ep, ep);
	else if (l->connect_err != 0)
		log_info("peer %s: connecting to %s at last", n->conf->name,
		    conf_ep);
	l->connected = true;
	l->connect_err = 0;
	return 0;
}

/* Allow and connect the peers of the current federation view. */
static int
setup_links(struct daemon *d)
{
	size_t i;
	int r;

	free(d->links);
	d->links = calloc(d->fed->nnodes > 0 ? d->fed->nnodes : 1,
	    sizeof(*d->links));
	if (d->links == NULL)
		return -ENOMEM;
	d->nlinks = 0;
	transport_disallow_all(d->tp);
	for (i = 0; i < d->fed->nnodes; i++) {
		const struct fed_node *n = &d->fed->nodes[i];
		struct link *l;

		if (!n->direct || n->revoked)
			continue;
		if ((r = transport_allow(d->tp, n->conf->name,
		    n->keys.curve_pk)) != 0)
			return r;
		l = &d->links[d->nlinks++];
		l->node = n;
		(void)connect_link(d, l);
	}
	return 0;
}

/* Links whose peer's name is being resolved, or is due to be again. */
static void
retry_links(struct daemon *d)
{
	int64_t now = daemon_now_ms();
	size_t i;

	for (i = 0; i < d->nlinks; i++) {
		struct link *l = &d->links[i];

		if (!l->connected && (l->resolving != 0 ||
		    now >= l->connect_at_ms))
			(void)connect_link(d, l);
	}
}

/* The directory of an ipc:// endpoint, where its socket is made; "" for
 * any other endpoint. */
static void
ipc_dir(char *dir, size_t cap, const char *endpoint)
{
	char *slash;

	dir[0] = '\0';
	if (strncmp(endpoint, "ipc://", 6) != 0)
		return;
	util_fmt(dir, cap, "%s", endpoint + 6);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
}

/*
 * Confine the node to what it still needs once its key is loaded and its
 * databases are open (sandbox.h): the state directory read-write, the
 * configuration's directory read-only (SIGHUP reads the file again) and
 * the directory of an ipc:// listen socket (bound again on SIGHUP).
 * Nothing else can be opened afterwards, by this node or by a flaw in a
 * library it uses: logins and host names are asked of the helper started
 * before the keys were loaded (lookup.h), and what the C library and
 * jansson would read later (the time zone, the hash seed) is read now.
 * Done before the transport starts ZeroMQ's threads: Landlock confines
 * the calling thread and the threads it starts later, not those already
 * running.
 */
static int
confine(struct daemon *d)
{
	char ipc[CONF_TEXT_MAX + 1];
	const struct {
		const char		*path;
		enum sandbox_access	 access;
	} rules[] = {
		{ d->conf->state_dir,	SANDBOX_WRITE },
		{ d->conf->dir,		SANDBOX_READ },
		{ ipc,			SANDBOX_SOCKET },
	};
	bool required = strcmp(d->conf->sandbox, "required") == 0;
	const char *what = "the rule set";
	struct sandbox *sb = NULL;
	size_t i;
	int r;

	if (strcmp(d->conf->sandbox, "off") == 0) {
		util_fmt(d->sandbox, sizeof(d->sandbox), "off");
		log_warn("sandbox = off: the node may open any file its user "
		    "may");
		return 0;
	}
	/* No helper: start_lookup() found no usable Landlock. */
	if (d->lookup == NULL)
		r = sandbox_abi() < 0 ? sandbox_abi() : -ECHILD;
	else
		r = sandbox_new(&sb);
	if (r != 0) {
		const char *why = r == -EOPNOTSUPP ?
		    "this kernel has no Landlock" : r == -EPERM ?
		    "the Landlock calls are refused (a system call filter?)" :
		    strerror(-r);

		util_fmt(d->sandbox, sizeof(d->sandbox), "none: %s", why);
		if (required) {
			log_err("sandbox = required, but %s", why);
			return r;
		}
		log_warn("sandbox: %s; the node runs unconfined", why);
		return 0;
	}
	ipc_dir(ipc, sizeof(ipc), d->conf->listen);
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (rules[i].path[0] == '\0')
			continue;
		if ((r = sandbox_allow(sb, rules[i].path,
		    rules[i].access)) != 0) {
			what = rules[i].path;
			goto out;
		}
	}
	tzset();
	ctl_init();
	if ((r = sandbox_apply(sb)) != 0) {
		what = "applying the rules";
		goto out;
	}
	util_fmt(d->sandbox, sizeof(d->sandbox), "Landlock ABI %d",
	    sandbox_version(sb));
	log_info("sandbox: Landlock ABI %d: read-write %s, read-only %s; "
	    "nothing else (names through helper %ld)", sandbox_version(sb),
	    d->conf->state_dir, d->conf->dir, (long)lookup_pid(d->lookup));
out:
	if (r != 0)
		log_err("sandbox: %s: %s", what, strerror(-r));
	sandbox_free(&sb);
	return r;
}

static int
open_transport(struct daemon *d)
{
	char listen[TRANSPORT_ENDPOINT_MAX + 1];
	struct transport_opts o = { .listen = listen,
	    .heartbeat_ms = (int)d->conf->heartbeat_ms };
	int r;

	if ((r = lookup_endpoint(d->lookup, d->conf->listen, true, listen,
	    sizeof(listen))) != 0) {
		log_err("cannot listen on %s: %s", d->conf->listen,
		    strerror(-r));
		return r;
	}

	memcpy(o.public_key, identity_curve_pk(d->id), TRANSPORT_KEY_BYTES);
	memcpy(o.secret_key, identity_curve_sk(d->id), TRANSPORT_KEY_BYTES);
	r = transport_new(&o, &d->tp);
	secmem_wipe(o.secret_key, sizeof(o.secret_key));
	if (r != 0) {
		log_err("cannot listen on %s: %s", d->conf->listen,
		    strerror(-r));
		return r;
	}
	if (!transport_zap_enforced(d->tp))
		log_info("libzmq does not enforce the ZAP domain; frames "
		    "without a handler-set identity are refused instead");
	return setup_links(d);
}

/*
 * Before the node confines itself: the helper that answers the name
 * services from outside the sandbox (forked before the keys are loaded,
 * so that it holds none; lookup.h), and control_group's gid (set once).
 */
static int
start_lookup(struct daemon *d)
{
	struct group *g;
	int r;

	d->ctl_gid = (gid_t)-1;
	if (d->conf->control_group[0] != '\0') {
		if ((g = getgrnam(d->conf->control_group)) == NULL) {
			log_err("control_group '%s': no such group",
			    d->conf->control_group);
			return -ENOENT;
		}
		d->ctl_gid = g->gr_gid;
	}
	/* Without Landlock the node asks the name services itself. */
	if (strcmp(d->conf->sandbox, "off") == 0 || sandbox_abi() < 0)
		return 0;
	if ((r = lookup_start(&d->lookup)) != 0)
		log_err("cannot start the name service helper: %s",
		    strerror(-r));
	return r;
}

static int
open_control(struct daemon *d)
{
	gid_t gid = d->ctl_gid;
	int r;

	if (snprintf(d->ctl_path, sizeof(d->ctl_path), "%s/%s",
	    d->conf->state_dir, CTL_SOCKET_NAME) >= (int)sizeof(d->ctl_path))
		return -ENAMETOOLONG;
	if ((r = ctl_listen(d->ctl_path, gid, &d->ctl_fd)) != 0)
		log_err("%s: cannot listen: %s", d->ctl_path, strerror(-r));
	/* The state directory must let the group reach the socket. */
	if (r == 0 && gid != (gid_t)-1 &&
	    (chown(d->conf->state_dir, (uid_t)-1, gid) != 0 ||
	    chmod(d->conf->state_dir, 0710) != 0))
		log_warn("%s: cannot open the directory to group %s",
		    d->conf->state_dir, d->conf->control_group);
	return r;
}

/* Tell systemd we are ready (sd_notify without libsystemd). */
static void
notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    (len = strlen(path)) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}

/* --------------------------------------------------------------- reload */

static int
load_conf(const char *path, struct conf **conf, struct fed **fed)
{
	struct conf_errors errs;
	size_t i;
	int r;

	*fed = NULL;
	if ((r = conf_load(path, conf, &errs)) == 0 &&
	    (r = fed_build(*conf, fed, &errs)) != 0)
		conf_free(conf);
	for (i = 0; i < errs.n; i++)
		log_err("%s", errs.msg[i]);
	if (errs.truncated)
		log_err("(more errors not shown)");
	return r;
}

/*
 * SIGHUP: reload peers, users, routes and revocations.  The node's own
 * settings (name, keys, listen, state) need a restart.  Every inbound
 * connection is torn down so that a revoked or removed peer's session ends
 * now; the others reconnect at once and resend what was not acknowledged.
 */
static void
reload(struct daemon *d)
{
	struct conf *conf = NULL;
	struct fed *fed = NULL;
	struct devent *e;
	size_t i;

	if (load_conf(d->conf->path, &conf, &fed) != 0) {
		log_err("reload: configuration refused; keeping the old one");
		return;
	}
	if (strcmp(conf->name, d->conf->name) != 0 ||
	    strcmp(conf->listen, d->conf->listen) != 0 ||
	    strcmp(conf->state_dir, d->conf->state_dir) != 0 ||
	    strcmp(conf->key_dir, d->conf->key_dir) != 0 ||
	    strcmp(conf->sandbox, d->conf->sandbox) != 0)
		log_warn("reload: name, listen, key_dir, state_dir and "
		    "sandbox changes take effect at the next restart");
	for (i = 0; i < d->nlinks; i++)
		transport_disconnect(d->tp, d->links[i].node->conf->name);
	fed_free(&d->fed);
	conf_free(&d->conf);
	d->conf = conf;
	d->fed = fed;
	if (setup_links(d) != 0 || transport_rebind(d->tp) != 0)
		log_err("reload: cannot re-create the peer sockets");
	if ((e = daemon_event(d, AUDIT_EV_CONFIG_LOAD)) != NULL) {
		snprintf(e->detail, sizeof(e->detail), "reload: %zu peers, "
		    "%zu revoked", d->conf->npeers, d->conf->nrevoked);
		e->ev.detail = e->detail;
	}
	log_info("configuration reloaded: %zu nodes, %zu links, %zu users",
	    d->fed->nnodes, d->nlinks, d->fed->nusers);
}

/* ----------------------------------------------------------------- loop */

static void
accept_clients(struct daemon *d)
{
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int fd, i;

	while (ctl_accept(d->ctl_fd, &fd, &uid, &gid, &pid) == 0) {
		for (i = 0; i < DAEMON_CLIENTS_MAX; i++)
			if (d->clients[i].fd < 0)
				break;
		if (i == DAEMON_CLIENTS_MAX) {
			log_warn("control: too many clients; refusing uid %u",
			    (unsigned)uid);
			close(fd);
			continue;
		}
		d->clients[i].fd = fd;
		d->clients[i].uid = uid;
		d->clients[i].pid = pid;
		d->clients[i].login[0] = '\0';
		ctl_reader_init(&d->clients[i].reader, CTL_FRAME_MAX);
	}
}

/* Connections the ZAP handler refused (unknown or revoked keys). */
static void
audit_refusals(struct daemon *d)
{
	struct transport_refusal r[16];
	struct devent *e;
	uint64_t dropped = 0;
	size_t n, i;

	n = transport_take_refusals(d->tp, r, 16, &dropped);
	for (i = 0; i < n; i++) {
		if ((e = daemon_event(d, AUDIT_EV_AUTH_FAILURE)) == NULL)
			break;
		e->ev.decision = "deny";
		if (r[i].has_key) {
			daemon_hex(e->id, r[i].key, sizeof(r[i].key));
			util_fmt(e->detail, sizeof(e->detail), "CURVE key %s "
			    "from %s refused by the ZAP handler (unknown or "
			    "revoked)", e->id, r[i].address[0] ?
			    r[i].address : "?");
			e->id[0] = '\0';
		} else {
			util_fmt(e->detail, sizeof(e->detail), "malformed ZAP "
			    "request from %s", r[i].address[0] ?
			    r[i].address : "?");
		}
		e->ev.detail = e->detail;
	}
	if (dropped > 0 && (e = daemon_event(d, AUDIT_EV_AUTH_FAILURE))
	    != NULL) {
		e->ev.decision = "deny";
		util_fmt(e->detail, sizeof(e->detail), "%llu more refused "
		    "CURVE connections (flood)", (unsigned long long)dropped);
		e->ev.detail = e->detail;
	}
}

static void
take_frames(struct daemon *d)
{
	struct transport_msg m;
	int r;

	/* Room for the events of one more frame: a receipt records one
	 * per message it answers. */
	while (d->nwork < DAEMON_BATCH_MAX / 2 &&
	    d->nevents < DAEMON_EVENTS_MAX - RECEIPT_IDS_MAX - 8 &&
	    d->npending < DAEMON_BATCH_MAX - 8) {
		r = transport_recv(d->tp, &m);
		if (r == -EAGAIN)
			break;
		d->nwork++;
		if (r == -EACCES) {
			struct devent *e = daemon_event(d,
			    AUDIT_EV_AUTH_FAILURE);
			if (e != NULL) {
				e->ev.decision = "deny";
				e->ev.detail = "frame without an authenticated "
				    "peer identity";
			}
			continue;
		}
		if (r != 0) {
			d->rejected_frames++;
			continue;
		}
		peer_frame(d, &m);
		transport_msg_clear(&m);
	}
}

static int
run(struct daemon *d)
{
	int fds[1 + DAEMON_CLIENTS_MAX], idx[1 + DAEMON_CLIENTS_MAX];
	bool ready[1 + DAEMON_CLIENTS_MAX];
	int64_t last_expiry = 0, last_checkpoint = daemon_now();
	int64_t last_refusals = 0;
	size_t nfds, i;
	int r, timeout, err = 0;

	notify("READY=1");
	log_info("node %s ready on %s, %zu links", d->conf->name,
	    d->conf->listen, d->nlinks);
	while (!got_term && err == 0) {
		if (got_hup) {
			got_hup = 0;
			reload(d);
		}
		nfds = 0;
		fds[nfds] = d->ctl_fd;
		idx[nfds++] = -1;
		for (i = 0; i < DAEMON_CLIENTS_MAX; i++)
			if (d->clients[i].fd >= 0) {
				fds[nfds] = d->clients[i].fd;
				idx[nfds++] = (int)i;
			}
		timeout = 50;
		if (d->deferred) {
			timeout = (int)(d->txn_ms + DAEMON_DEFER_MS -
			    daemon_now_ms());
			if (timeout < 1)
				timeout = 1;
		}
		r = transport_poll(d->tp, timeout, fds, ready, nfds);
		if (r < 0 && r != -EINTR) {
			log_err("poll: %s", strerror(-r));
			return r;
		}
		take_frames(d);
		/* At most 16 refusals in detail a second, the rest counted:
		 * a client hammering with a bad key cannot flood the log. */
		if (daemon_now() != last_refusals) {
			last_refusals = daemon_now();
			audit_refusals(d);
		}
		for (i = 0; r > 0 && i < nfds; i++) {
			if (!ready[i])
				continue;
			if (idx[i] < 0)
				accept_clients(d);
			else
				ctl_client_ready(d, idx[i]);
		}
		ctl_verify_poll(d);
		if (daemon_now() != last_expiry) {
			last_expiry = daemon_now();
			peer_expire(d);
			/* Confined, the node cannot start another helper:
			 * it stops, and its service manager restarts it.
			 * (systemctl stop ends the helper too: not this.) */
			if (!got_term && err == 0 &&
			    (err = lookup_check(d->lookup)) != 0)
				log_err("the name service helper has gone; "
				    "stopping");
		}
		retry_links(d);
		if (!(d->deferred = round_deferrable(d)))
			round_commit(d);
		else
			d->nwork = 0;
		/* Sending reads only what is committed (a deferred round
		 * holds only acknowledgements and retry times); the retry
		 * times it writes join the next round's transaction (one
		 * fsync less per round; after a crash everything is simply
		 * due). */
		peer_send_due(d);
		if (daemon_now() - last_checkpoint >= d->conf->checkpoint_seconds) {
			last_checkpoint = daemon_now();
			if (audit_checkpoint_now(d->audit) != 0)
				log_warn("audit log: checkpoint failed");
			peer_send_witness(d);
		}
	}
	return err;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: valised [-c CONFIG] [-f] [--check-config]\n"
	    "       valised --version\n");
}

/* Stop; why (for the audit log's stop event) is NULL if never started. */
static void
shutdown_node(struct daemon *d, const char *why)
{
	struct devent *e;
	size_t i;

	if (why != NULL && (e = daemon_event(d, AUDIT_EV_STOP)) != NULL) {
		e->ev.detail = why;
		round_commit(d);
		if (audit_checkpoint_now(d->audit) != 0)
			log_warn("audit log: final checkpoint failed");
	}
	ctl_msg_free(&d->verify.reply);
	for (i = 0; i < DAEMON_CLIENTS_MAX; i++)
		if (d->clients[i].fd >= 0)
			client_close(d, (int)i);
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		unlink(d->ctl_path);
	}
	transport_free(&d->tp);
	lookup_stop(&d->lookup);
	if (d->audit != NULL)
		audit_close(d->audit);
	store_close(&d->store);
	identity_free(&d->id);
	envelope_keys_free(&d->keys);
	free(d->links);
	fed_free(&d->fed);
	conf_free(&d->conf);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",		required_argument, NULL, 'c' },
		{ "check-config",	no_argument,	NULL, 'C' },
		{ "foreground",		no_argument,	NULL, 'f' },
		{ "help",		no_argument,	NULL, 'h' },
		{ "version",		no_argument,	NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct daemon d;
	const char *path = conf_default_path();
	struct sigaction sa;
	struct devent *e;
	bool check = false;
	struct peerline self;
	int ch, r, i;

	/* No core dumps, and nothing this process runs may gain privileges
	 * (the systemd unit sets NoNewPrivileges too; this holds without it). */
	if (secmem_init() != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		fprintf(stderr, "valised: cannot initialise libsodium, disable "
		    "core dumps or set no_new_privs\n");
		return EXIT_INTERNAL;
	}
	while ((ch = getopt_long(argc, argv, "c:fh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'f':
			break;	/* valised always runs in the foreground */
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("valised %s\n", VALISE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	log_open("valised", false, LOG_LEVEL_INFO);
	if (load_conf(path, &d.conf, &d.fed) != 0)
		return EXIT_USAGE;
	if (check) {
		printf("valised: %s: configuration ok (policy %.16s)\n", path,
		    d.fed->policy_hash);
		fed_free(&d.fed);
		conf_free(&d.conf);
		return EXIT_OK;
	}
	if (strcmp(d.conf->log, "syslog") == 0)
		log_open("valised", true, LOG_LEVEL_INFO);
	d.ctl_fd = -1;
	for (i = 0; i < DAEMON_CLIENTS_MAX; i++)
		d.clients[i].fd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	umask(0077);

	if ((r = start_lookup(&d)) != 0 ||
	    (r = load_identity(&d)) != 0 || (r = open_databases(&d)) != 0 ||
	    (r = confine(&d)) != 0 || (r = open_transport(&d)) != 0 ||
	    (r = open_control(&d)) != 0) {
		shutdown_node(&d, NULL);
		return r == -EADDRINUSE || r == -EAGAIN ? EXIT_TEMPFAIL :
		    EXIT_INTERNAL;
	}
	if (peerline_from_keys(d.conf->name, identity_sign_pk(d.id),
	    identity_box_pk(d.id), identity_curve_pk(d.id), &self) == 0)
		snprintf(d.fpr, sizeof(d.fpr), "%s", self.fingerprint);
	d.started = daemon_now();
	if ((e = daemon_event(&d, AUDIT_EV_START)) != NULL) {
		snprintf(e->detail, sizeof(e->detail), "valised %s, %zu peers",
		    VALISE_VERSION, d.conf->npeers);
		e->ev.detail = e->detail;
		e->ev.peer_fpr = d.fpr;
	}
	round_commit(&d);
	if (d.fail_closed) {
		log_err("cannot write the start event to the audit log");
		shutdown_node(&d, NULL);
		return EXIT_INTERNAL;
	}
	r = run(&d);
	notify("STOPPING=1");
	log_info("node %s stopping", d.conf->name);
	shutdown_node(&d, r == 0 ? "SIGTERM" : r == -EPIPE ?
	    "the name service helper has gone" : strerror(-r));
	return r == 0 ? EXIT_OK : EXIT_INTERNAL;
}
