/* SPDX-License-Identifier: ISC */
/*
 * tool_relpeer: a hostile node for the reliability suite (issue 9).  It
 * plays one node of a fedlib federation ($FED/NAME/keys, port, links,
 * routes) with that node's real keys, so the honest nodes authenticate it,
 * and then misbehaves:
 *
 *	key FED NAME store|audit|curve-pk|curve-sk
 *		print a derived key in hex (to read a node's databases with
 *		the stock sqlcipher shell, or to run a third-party client)
 *	relay FED NAME MODE SECONDS [ARG]
 *		listen as NAME and forward DATA frames between its linked
 *		nodes, acknowledging each at once (a relay that lies), after
 *		tampering with every envelope as MODE says:
 *		  pass		forward as is (ARG: a directory to capture
 *				every envelope frame into, as N.frame)
 *		  label		rewrite the label to ARG and recompute the id
 *		  label-raw	rewrite the label to ARG, keep the old id
 *		  swap		hold the first envelope; splice its header
 *				with the second's body, and the reverse
 *		  sig		add L to the signature's S (malleability)
 *		  redirect	forward to the node named ARG instead
 *		  reflect	send the envelope back to where it came from
 *		  noack		forward, but acknowledge nothing for ARG
 *				seconds (the lost-acknowledgement window)
 *	send FED NAME TO FILE...
 *		send each file as one frame to TO; print each answer
 *	seal FED SIGNER ORIGIN DEST LABEL OUT [BODY_BYTES]
 *		an envelope claiming ORIGIN, signed with SIGNER's key, for
 *		DEST, as a DATA frame in OUT
 *	flood FED NAME TO COUNT LABEL BODY_BYTES SECONDS
 *		seal COUNT envelopes as NAME for TO and send them as fast as
 *		the link takes them; print how many were answered, and how
 *
 * Every line printed is one event, for the shell test to grep:
 *	in PEER KIND DEST ID / out PEER DEST ID / ack PEER ID STATUS
 * Test-only: it never runs in production and holds keys in plain memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/envelope.h"
#include "crypto/prim.h"
#include "crypto/receipt.h"
#include "crypto/secmem.h"
#include "keys/identity.h"
#include "keys/keyfile.h"
#include "node/transport.h"
#include "node/util.h"
#include "node/wire.h"

#define LINKS_MAX	16
#define FILE_MAX	(64u * 1024 * 1024)

static const char *fed;
static struct identity *self;
static struct transport *tp;
static char links[LINKS_MAX][NAME_NODE_MAX + 1];
static size_t nlinks;
static const char *status_name[] = { "taken", "duplicate", "rejected" };

static void
die(const char *what, int r)
{
	fprintf(stderr, "tool_relpeer: %s: %s\n", what, strerror(r < 0 ?
	    -r : r));
	exit(2);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A wait for the nodes to answer, scaled by VALISE_SLOW (valgrind). */
static long
slow_ms(long ms)
{
	const char *s = getenv("VALISE_SLOW");
	long long k;

	if (s == NULL || util_strtonum(s, 1, 100, &k) != 0)
		return ms;
	return ms * (long)k;
}

static void
hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		die(path, errno);
	if ((buf = malloc(FILE_MAX + 1)) == NULL)
		die("malloc", ENOMEM);
	n = fread(buf, 1, FILE_MAX, f);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void
spill(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(b, 1, n, f) != n || fclose(f) != 0)
		die(path, errno);
}

static void
node_file(char *out, size_t size, const char *node, const char *file)
{
	if ((size_t)snprintf(out, size, "%s/%s/%s", fed, node, file) >= size)
		die("path", ENAMETOOLONG);
}

static struct identity *
load_identity(const char *node)
{
	struct identity *id;
	char path[4096];
	int r;

	node_file(path, sizeof(path), node, "keys/" KEYFILE_NAME);
	if ((r = keyfile_load(path, NULL, 0, &id)) != 0)
		die(path, r);
	return id;
}

static void
load_public(const char *node, struct keyfile_public *pub)
{
	char path[4096];
	int r;

	node_file(path, sizeof(path), node, "keys/" KEYFILE_NAME);
	if ((r = keyfile_load_public(path, pub)) != 0)
		die(path, r);
}

static void
endpoint(const char *node, char *out, size_t size)
{
	char path[4096], *s;
	size_t n;

	node_file(path, sizeof(path), node, "port");
	s = slurp(path, &n);
	snprintf(out, size, "tcp://127.0.0.1:%d", atoi(s));
	free(s);
}

/* Become NAME: bind its port when listen is true, allow and connect to
 * every node it links to (or just `only`). */
static void
become(const char *name, bool listen, const char *only)
{
	struct transport_opts o = { .heartbeat_ms = 500,
	    .handshake_ms = 2000 };
	struct keyfile_public pub;
	char ep[128], path[4096], line[128], *s, *p, *nl;
	size_t n;
	int r;

	self = load_identity(name);
	if (listen)
		endpoint(name, ep, sizeof(ep));
	else
		snprintf(ep, sizeof(ep), "tcp://127.0.0.1:*");
	o.listen = ep;
	memcpy(o.public_key, identity_curve_pk(self), 32);
	memcpy(o.secret_key, identity_curve_sk(self), 32);
	if ((r = transport_new(&o, &tp)) != 0)
		die("transport_new", r);
	if (only != NULL) {
		snprintf(links[nlinks++], sizeof(links[0]), "%s", only);
	} else {
		node_file(path, sizeof(path), name, "links");
		s = slurp(path, &n);
		for (p = s; *p != '\0' && nlinks < LINKS_MAX; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				break;
			*nl = '\0';
			snprintf(links[nlinks++], sizeof(links[0]), "%s", p);
		}
		free(s);
	}
	for (n = 0; n < nlinks; n++) {
		load_public(links[n], &pub);
		if ((r = transport_allow(tp, links[n], pub.curve_pk)) != 0)
			die("allow", r);
		endpoint(links[n], line, sizeof(line));
		if ((r = transport_connect(tp, links[n], line, pub.curve_pk))
		    != 0)
			die("connect", r);
	}
}

/* The next hop towards dest from the relay's links and routes. */
static const char *
next_hop(const char *name, const char *dest, char *via, size_t size)
{
	char path[4096], *s, *p, *nl, *sp;
	size_t i, n;

	for (i = 0; i < nlinks; i++)
		if (strcmp(links[i], dest) == 0)
			return links[i];
	node_file(path, sizeof(path), name, "routes");
	s = slurp(path, &n);
	for (p = s; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if ((sp = strchr(p, ' ')) != NULL &&
		    (size_t)(sp - p) == strlen(dest) &&
		    strncmp(p, dest, strlen(dest)) == 0) {
			snprintf(via, size, "%s", sp + 1);
			free(s);
			return via;
		}
	}
	free(s);
	return NULL;
}

/* ---------------------------------------------------------- tampering */

/* Offsets in an envelope: where the label's str16 starts, where the
 * header ends. */
struct layout {
	size_t	label_off, label_len, header_end;
};

/*
 * The trailer's length: id and signature, and in format 3 before them
 * the path to the batch's root (as long as index and count make it: see
 * path_len in crypto/envelope.c), index and count.
 */
static size_t
trailer_len(const uint8_t *e, size_t len)
{
	size_t idx, count, n = 0;

	if (e[4] < 3 || len < 100)
		return ENVELOPE_TRAILER_BYTES;
	idx = (size_t)e[len - 100] << 8 | e[len - 99];
	count = (size_t)e[len - 98] << 8 | e[len - 97];
	for (; count > 1; idx >>= 1, count = (count + 1) / 2)
		if ((idx ^ 1) < count)
			n++;
	return n * ENVELOPE_ID_BYTES + 4 + ENVELOPE_TRAILER_BYTES;
}

static int
layout_of(const uint8_t *e, size_t len, struct layout *l)
{
	size_t off = 5, i, n;

	if (len < 5 + 96 || memcmp(e, ENVELOPE_MAGIC, 4) != 0)
		return -1;
	off += 1 + e[off];			/* origin */
	n = e[off++];				/* recipients */
	for (i = 0; i < n && off < len; i++)
		off += 1 + e[off];
	if (off + 2 > len)
		return -1;
	l->label_off = off;
	l->label_len = (size_t)e[off] << 8 | e[off + 1];
	off += 2 + l->label_len;
	off += 1 + 8 + 8 + ENVELOPE_NONCE_BYTES + 4;
	if (off > len - 96)
		return -1;
	l->header_end = off;
	return 0;
}

/* Recompute the id of an edited envelope, as a relay can. */
static void
reid(uint8_t *e, size_t len)
{
	size_t t = trailer_len(e, len);

	if (t > len || prim_hash(e + len - ENVELOPE_TRAILER_BYTES,
	    ENVELOPE_ID_BYTES, e, len - t, NULL, 0) != 0)
		die("hash", EINVAL);
}

/* The envelope e with its label replaced (malloc'd). */
static uint8_t *
relabel(const uint8_t *e, size_t len, const char *label, bool recompute,
    size_t *outlen)
{
	struct layout l;
	size_t nl = strlen(label), n;
	uint8_t *o;

	if (layout_of(e, len, &l) != 0)
		return NULL;
	n = len - l.label_len + nl;
	if ((o = malloc(n)) == NULL)
		die("malloc", ENOMEM);
	memcpy(o, e, l.label_off);
	o[l.label_off] = (uint8_t)(nl >> 8);
	o[l.label_off + 1] = (uint8_t)nl;
	memcpy(o + l.label_off + 2, label, nl);
	memcpy(o + l.label_off + 2 + nl, e + l.label_off + 2 + l.label_len,
	    len - l.label_off - 2 - l.label_len);
	if (recompute)
		reid(o, n);
	*outlen = n;
	return o;
}

/* The header of h with everything after the header from b, id
 * recomputed, b's signature (malloc'd). */
static uint8_t *
splice(const uint8_t *h, size_t hlen, const uint8_t *b, size_t blen,
    size_t *outlen)
{
	struct layout lh, lb;
	uint8_t *o;
	size_t n;

	if (layout_of(h, hlen, &lh) != 0 || layout_of(b, blen, &lb) != 0)
		return NULL;
	n = lh.header_end + (blen - lb.header_end);
	if ((o = malloc(n)) == NULL)
		die("malloc", ENOMEM);
	memcpy(o, h, lh.header_end);
	memcpy(o + lh.header_end, b + lb.header_end, blen - lb.header_end);
	/* the body length in the header must match the donor's */
	memcpy(o + lh.header_end - 4, b + lb.header_end - 4, 4);
	reid(o, n);
	*outlen = n;
	return o;
}

/* S += L (mod 2^256) on the signature: still valid for a lax verifier. */
static void
malleate(uint8_t *e, size_t len)
{
	static const uint8_t L[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
		0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	uint8_t *s = e + len - 32;
	unsigned c = 0, i;

	for (i = 0; i < 32; i++) {
		c += s[i] + L[i];
		s[i] = (uint8_t)c;
		c >>= 8;
	}
}

/* -------------------------------------------------------------- relay */

static void
forward(const char *to, enum wire_kind kind, const char *dest,
    const uint8_t *data, size_t len)
{
	uint8_t *frame;
	size_t flen;
	char idhex[65] = "-";
	long end = now_ms() + slow_ms(10000);
	int r;

	if (kind == WIRE_ENVELOPE && len > ENVELOPE_TRAILER_BYTES)
		hex(data + len - ENVELOPE_TRAILER_BYTES, 32, idhex);
	if ((r = wire_data(kind, dest, data, len, &frame, &flen)) != 0)
		die("wire_data", r);
	/* The link to `to` may still be coming up: this relay has just
	 * started, and the node may run under a sanitizer or valgrind. */
	while ((r = transport_send(tp, to, frame, flen)) == -EAGAIN &&
	    now_ms() < end)
		transport_poll(tp, 10, NULL, NULL, 0);
	printf("out %s %s %s %s\n", to, dest, idhex,
	    r == 0 ? "sent" : strerror(-r));
	fflush(stdout);
	free(frame);
}

static void
ack(const struct transport_msg *m, const struct wire_frame *f)
{
	uint8_t buf[WIRE_ACK_MAX];
	const uint8_t *id = f->data + f->len - ENVELOPE_TRAILER_BYTES;
	struct receipt *rc = NULL;
	size_t n;

	if (f->kind == WIRE_RECEIPT) {
		if (receipt_parse(f->data, f->len, &rc) != 0)
			return;
		id = receipt_info(rc)->digest;
	} else if (f->len < ENVELOPE_TRAILER_BYTES) {
		return;
	}
	if (wire_ack(f->kind, id, f->dest, WIRE_ACK_TAKEN, buf, &n) == 0)
		transport_reply(tp, m, buf, n);
	receipt_free(&rc);
}

static int
cmd_relay(const char *name, const char *mode, int seconds, const char *arg)
{
	struct transport_msg m;
	struct wire_frame f;
	uint8_t *held = NULL, *t1, *t2;
	size_t heldlen = 0, l1, l2;
	char held_dest[WIRE_NAME_MAX + 1] = "", held_to[WIRE_NAME_MAX + 1];
	char via[WIRE_NAME_MAX + 1], idhex[65], path[4096];
	const char *to;
	long end = now_ms() + 1000L * seconds;
	long noack_until = strcmp(mode, "noack") == 0 && arg ?
	    now_ms() + 1000L * atoi(arg) : 0;
	unsigned captured = 0;
	int r;

	become(name, true, NULL);
	printf("ready %s %s\n", name, mode);
	fflush(stdout);
	while (now_ms() < end) {
		transport_poll(tp, 100, NULL, NULL, 0);
		while ((r = transport_recv(tp, &m)) != -EAGAIN) {
			if (r != 0)
				continue;
			if (wire_parse(m.data, m.len, &f) != 0) {
				printf("garbage %s\n", m.peer);
				transport_msg_clear(&m);
				continue;
			}
			if (f.type == WIRE_ACK) {
				hex(f.id, 32, idhex);
				printf("ack %s %s %s\n", m.peer, idhex,
				    status_name[f.status]);
				fflush(stdout);
				transport_msg_clear(&m);
				continue;
			}
			idhex[0] = '\0';
			if (f.kind == WIRE_ENVELOPE &&
			    f.len > ENVELOPE_TRAILER_BYTES)
				hex(f.data + f.len - ENVELOPE_TRAILER_BYTES,
				    32, idhex);
			printf("in %s %s %s %s\n", m.peer,
			    f.kind == WIRE_ENVELOPE ? "envelope" : "receipt",
			    f.dest, idhex);
			fflush(stdout);
			to = next_hop(name, f.dest, via, sizeof(via));
			if (now_ms() >= noack_until)
				ack(&m, &f);
			if (to == NULL) {
				transport_msg_clear(&m);
				continue;
			}
			if (f.kind != WIRE_ENVELOPE || strcmp(mode, "pass") == 0
			    || strcmp(mode, "noack") == 0) {
				if (f.kind == WIRE_ENVELOPE && arg != NULL &&
				    strcmp(mode, "pass") == 0) {
					snprintf(path, sizeof(path),
					    "%s/%u.frame", arg, ++captured);
					spill(path, m.data, m.len);
				}
				forward(to, f.kind, f.dest, f.data, f.len);
			} else if (strcmp(mode, "label") == 0 ||
			    strcmp(mode, "label-raw") == 0) {
				t1 = relabel(f.data, f.len, arg,
				    strcmp(mode, "label") == 0, &l1);
				if (t1 != NULL)
					forward(to, f.kind, f.dest, t1, l1);
				free(t1);
			} else if (strcmp(mode, "sig") == 0) {
				if ((t1 = malloc(f.len)) == NULL)
					die("malloc", ENOMEM);
				memcpy(t1, f.data, f.len);
				malleate(t1, f.len);
				forward(to, f.kind, f.dest, t1, f.len);
				free(t1);
			} else if (strcmp(mode, "redirect") == 0) {
				forward(to, f.kind, arg, f.data, f.len);
			} else if (strcmp(mode, "reflect") == 0) {
				forward(m.peer, f.kind, f.dest, f.data, f.len);
			} else if (strcmp(mode, "swap") == 0 && held == NULL) {
				if ((held = malloc(f.len)) == NULL)
					die("malloc", ENOMEM);
				memcpy(held, f.data, f.len);
				heldlen = f.len;
				snprintf(held_dest, sizeof(held_dest), "%s",
				    f.dest);
				snprintf(held_to, sizeof(held_to), "%.32s", to);
				printf("held %s\n", idhex);
			} else if (strcmp(mode, "swap") == 0) {
				t1 = splice(held, heldlen, f.data, f.len, &l1);
				t2 = splice(f.data, f.len, held, heldlen, &l2);
				if (t1 != NULL)
					forward(held_to, f.kind, held_dest, t1,
					    l1);
				if (t2 != NULL)
					forward(to, f.kind, f.dest, t2, l2);
				free(t1);
				free(t2);
			}
			fflush(stdout);
			transport_msg_clear(&m);
		}
	}
	free(held);
	return 0;
}

/* --------------------------------------------------------------- send */

/* Pump until n answers came or ms passed; returns the answers seen. */
static size_t
collect(size_t want, long ms, size_t counts[3], bool quiet)
{
	struct transport_msg m;
	struct wire_frame f;
	long end = now_ms() + ms;
	char idhex[65];
	size_t got = 0;
	int r;

	do {
		transport_poll(tp, ms > 0 ? 50 : 0, NULL, NULL, 0);
		while ((r = transport_recv(tp, &m)) != -EAGAIN) {
			if (r != 0)
				continue;
			if (wire_parse(m.data, m.len, &f) == 0 &&
			    f.type == WIRE_ACK) {
				got++;
				counts[f.status]++;
				if (!quiet) {
					hex(f.id, 32, idhex);
					printf("ack %s %s %s\n", m.peer, idhex,
					    status_name[f.status]);
				}
			}
			transport_msg_clear(&m);
		}
	} while (got < want && now_ms() < end);
	return got;
}

static int
send_frame(const char *to, const uint8_t *b, size_t n, long ms)
{
	long end = now_ms() + ms;
	int r;

	while ((r = transport_send(tp, to, b, n)) == -EAGAIN &&
	    now_ms() < end)
		transport_poll(tp, 10, NULL, NULL, 0);
	return r;
}

static int
cmd_send(const char *name, const char *to, char **files, int nfiles)
{
	size_t counts[3] = { 0, 0, 0 }, n;
	char *b;
	int i, r;

	become(name, false, to);
	for (i = 0; i < nfiles; i++) {
		b = slurp(files[i], &n);
		r = send_frame(to, (uint8_t *)b, n, slow_ms(10000));
		printf("sent %s %zu %s\n", files[i], n,
		    r == 0 ? "ok" : strerror(-r));
		free(b);
	}
	fflush(stdout);
	n = collect((size_t)nfiles, slow_ms(8000), counts, false);
	printf("answers %zu\n", n);
	return 0;
}

/* --------------------------------------------------------------- seal */

static uint8_t *
seal(struct identity *signer, const char *origin, const char *dest,
    const char *label, size_t body_bytes, const char *subject,
    size_t *outlen)
{
	struct keyfile_public pub;
	struct envelope_rcpt rc;
	struct envelope_params p;
	uint8_t *body, *payload, *env, *frame;
	size_t plen, elen;
	int r;

	load_public(dest, &pub);
	rc.addr = dest;
	rc.box_pk = pub.box_pk;
	memset(&p, 0, sizeof(p));
	p.origin = origin;
	p.rcpts = &rc;
	p.nrcpts = 1;
	p.label = label;
	p.precedence = ENVELOPE_ROUTINE;
	p.created = (uint64_t)time(NULL);
	p.expires = p.created + 3600;
	if ((body = calloc(1, body_bytes + 1)) == NULL)
		die("malloc", ENOMEM);
	memset(body, 'x', body_bytes);
	if ((r = wire_payload_encode(subject, "", body, body_bytes, &payload,
	    &plen)) != 0)
		die("payload", r);
	if ((r = envelope_seal(&p, identity_sign_sk(signer), payload, plen,
	    &env, &elen, NULL)) != 0)
		die("seal", r);
	if ((r = wire_data(WIRE_ENVELOPE, dest, env, elen, &frame, outlen))
	    != 0)
		die("wire_data", r);
	free(body);
	free(payload);
	free(env);
	return frame;
}

static int
cmd_seal(char **argv, int argc)
{
	struct identity *signer = load_identity(argv[0]);
	uint8_t *frame;
	size_t n;

	frame = seal(signer, argv[1], argv[2], argv[3],
	    argc > 5 ? (size_t)atol(argv[5]) : 16, "forged", &n);
	spill(argv[4], frame, n);
	free(frame);
	identity_free(&signer);
	return 0;
}

static int
cmd_flood(const char *name, const char *to, long count, const char *label,
    size_t body, int seconds)
{
	size_t counts[3] = { 0, 0, 0 }, got = 0, sent = 0, n;
	long start = now_ms(), end = start + 1000L * seconds;
	uint8_t *frame;
	char subj[32];
	long i;

	become(name, false, to);
	for (i = 0; i < count && now_ms() < end; i++) {
		snprintf(subj, sizeof(subj), "flood %ld", i);
		frame = seal(self, name, to, label, body, subj, &n);
		if (send_frame(to, frame, n, end - now_ms()) == 0)
			sent++;
		free(frame);
		got += collect(SIZE_MAX, 0, counts, true);
	}
	if (got < sent)
		got += collect(sent - got, end - now_ms() > 0 ?
		    end - now_ms() : 0, counts, true);
	printf("flood sent %zu in %ld ms; answers taken %zu duplicate %zu "
	    "rejected %zu\n", sent, now_ms() - start, counts[0], counts[1],
	    counts[2]);
	(void)got;
	return 0;
}

/* ---------------------------------------------------------------- key */

static int
cmd_key(const char *name, const char *what)
{
	uint8_t k[IDENTITY_DB_KEY_BYTES];
	char out[65];

	self = load_identity(name);
	if (strcmp(what, "curve-pk") == 0)
		memcpy(k, identity_curve_pk(self), 32);
	else if (strcmp(what, "curve-sk") == 0)
		memcpy(k, identity_curve_sk(self), 32);
	else if (identity_db_key(self, what, k) != 0)
		die(what, EINVAL);
	hex(k, 32, out);
	printf("%s\n", out);
	return 0;
}

int
main(int argc, char **argv)
{
	int r = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (secmem_init() != 0)
		die("secmem_init", EIO);
	if (argc < 4)
		goto usage;
	fed = argv[2];
	if (strcmp(argv[1], "key") == 0 && argc == 5)
		r = cmd_key(argv[3], argv[4]);
	else if (strcmp(argv[1], "relay") == 0 && argc >= 6)
		r = cmd_relay(argv[3], argv[4], atoi(argv[5]),
		    argc > 6 ? argv[6] : NULL);
	else if (strcmp(argv[1], "send") == 0 && argc >= 6)
		r = cmd_send(argv[3], argv[4], argv + 5, argc - 5);
	else if (strcmp(argv[1], "seal") == 0 && argc >= 8)
		r = cmd_seal(argv + 3, argc - 3);
	else if (strcmp(argv[1], "flood") == 0 && argc == 9)
		r = cmd_flood(argv[3], argv[4], atol(argv[5]), argv[6],
		    (size_t)atol(argv[7]), atoi(argv[8]));
	else
		goto usage;
	transport_free(&tp);
	identity_free(&self);
	return r;
usage:
	fprintf(stderr, "usage: tool_relpeer key|relay|send|seal|flood FED "
	    "...\n");
	return 2;
}
