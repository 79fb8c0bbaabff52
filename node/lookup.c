/* SPDX-License-Identifier: ISC */
/*
 * lookup: the system's name services, answered outside the sandbox
 * (see lookup.h).
 *
 * Both ends are this program, so a request and its answer are C structs
 * of fixed size sent as one SOCK_SEQPACKET datagram each; the helper
 * still checks every request (exact size, known kind, the name
 * NUL-terminated within its field) and leaves on the first malformed one,
 * and the node checks every answer the same way.
 *
 * A login is answered at once, from the user database.  A host name may
 * take a resolver many seconds (a name server that does not answer), so
 * the helper hands it to a child of its own, at most
 * LOOKUP_RESOLVERS_MAX at a time, and keeps answering logins; the node
 * asks for a host without waiting (lookup_endpoint_ask) and collects the
 * answer later, which may arrive after answers to later questions: those
 * wait in a small stash until asked for.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/lookup.h"
#include "node/sandbox.h"
#include "node/util.h"

/* getpwuid_r's buffer; an account whose entry is larger is not found. */
#define LOOKUP_PWBUF_MAX	16384

/* Answers the node has received but not yet collected. */
#define LOOKUP_STASH_MAX	16

struct lookup {
	int			fd;	/* -1 once the helper has gone */
	pid_t			pid;
	uint32_t		seq;
	struct lookup_answer	stash[LOOKUP_STASH_MAX];
	size_t			nstash;
};

/* ------------------------------------------------------- the answers */

static int
copy_text(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(out, s, n + 1);
	return 0;
}

static int
answer_login(uid_t uid, char *out, size_t cap)
{
	struct passwd pw, *res = NULL;
	char *buf;
	int r;

	if ((buf = malloc(LOOKUP_PWBUF_MAX)) == NULL)
		return -ENOMEM;
	r = getpwuid_r(uid, &pw, buf, LOOKUP_PWBUF_MAX, &res);
	if (r != 0)
		r = -r;
	else if (res == NULL)
		r = -ENOENT;
	else
		r = copy_text(out, cap, pw.pw_name);
	free(buf);
	return r;
}

static int
answer_host(const char *host, char *out, size_t cap)
{
	const struct addrinfo hints = { .ai_family = AF_INET,
	    .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	char addr[INET_ADDRSTRLEN];
	int r;

	switch (getaddrinfo(host, NULL, &hints, &ai)) {
	case 0:
		break;
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
		return -ENOENT;
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_MEMORY:
		return -ENOMEM;
	case EAI_SYSTEM:
		return errno != 0 ? -errno : -EIO;
	default:
		return -EIO;
	}
	r = -ENOENT;
	if (ai != NULL && ai->ai_family == AF_INET &&
	    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
	    ai->ai_addr)->sin_addr, addr, sizeof(addr)) != NULL)
		r = copy_text(out, cap, addr);
	freeaddrinfo(ai);
	return r;
}

/* ------------------------------------------------------- the helper */

int
lookup_parse(const void *buf, size_t len, struct lookup_request *q)
{
	memset(q, 0, sizeof(*q));
	if (len != sizeof(*q))
		return -EPROTO;
	memcpy(q, buf, sizeof(*q));
	if (memchr(q->name, '\0', sizeof(q->name)) == NULL ||
	    (q->kind != LOOKUP_LOGIN && q->kind != LOOKUP_HOST) ||
	    (q->kind == LOOKUP_HOST && q->name[0] == '\0')) {
		memset(q, 0, sizeof(*q));
		return -EPROTO;
	}
	return 0;
}

/* A child resolves host, answers on fd and leaves; -EBUSY at the cap. */
static int
resolve_apart(int fd, const struct lookup_request *q, int *running)
{
	struct lookup_answer a;
	pid_t pid;

	while (*running > 0 && waitpid(-1, NULL, WNOHANG) > 0)
		(*running)--;
	if (*running >= LOOKUP_RESOLVERS_MAX)
		return -EBUSY;
	if ((pid = fork()) < 0)
		return -errno;
	if (pid > 0) {
		(*running)++;
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.seq = q->seq;
	a.kind = q->kind;
	a.err = answer_host(q->name, a.text, sizeof(a.text));
	send(fd, &a, sizeof(a), MSG_NOSIGNAL);
	_exit(0);
}

int
lookup_parse_answer(const void *buf, size_t len, struct lookup_answer *a)
{
	memset(a, 0, sizeof(*a));
	if (len != sizeof(*a))
		return -EPROTO;
	memcpy(a, buf, sizeof(*a));
	if (a->err > 0 || a->err < -4095 ||
	    memchr(a->text, '\0', sizeof(a->text)) == NULL) {
		memset(a, 0, sizeof(*a));
		return -EPROTO;
	}
	return 0;
}

int
lookup_serve(int fd)
{
	/* One byte more than a request: a longer datagram is seen. */
	uint8_t in[sizeof(struct lookup_request) + 1];
	struct lookup_request q;
	struct lookup_answer a;
	int running = 0;
	ssize_t n;

	for (;;) {
		n = recv(fd, in, sizeof(in), 0);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (lookup_parse(in, (size_t)n, &q) != 0)
			return -EPROTO;
		memset(&a, 0, sizeof(a));
		a.seq = q.seq;
		a.kind = q.kind;
		if (q.kind == LOOKUP_LOGIN)
			a.err = answer_login((uid_t)q.uid, a.text,
			    sizeof(a.text));
		else if ((a.err = resolve_apart(fd, &q, &running)) == 0)
			continue;	/* its child answers */
		if (send(fd, &a, sizeof(a), MSG_NOSIGNAL) != (ssize_t)sizeof(a))
			return -errno;
	}
}

/* Close every descriptor but 0, 1, 2 and keep (which becomes 3). */
static int
keep_only(int keep)
{
	int fd;

	if (keep != 3 && dup3(keep, 3, O_CLOEXEC) != 3)
		return -errno;
	if (close_range(4, ~0U, 0) != 0)
		for (fd = 4; fd < 65536; fd++)
			close(fd);
	return 3;
}

/* The forked helper: confine, say so, serve.  Never returns. */
static void __attribute__((noreturn))
helper(int fd, pid_t parent)
{
	struct lookup_answer a = { .kind = LOOKUP_READY };
	struct sandbox *sb = NULL;

	/* SIGTERM (systemd stops the whole unit) ends it; a SIGHUP or ^C
	 * meant for the node must not. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	    getppid() != parent)
		_exit(1);
	if ((a.err = keep_only(fd)) >= 0) {
		fd = a.err;
		if ((a.err = sandbox_new(&sb)) == 0 &&
		    (a.err = sandbox_allow_system(sb)) == 0)
			a.err = sandbox_apply(sb);
		sandbox_free(&sb);
	}
	if (send(fd, &a, sizeof(a), MSG_NOSIGNAL) != (ssize_t)sizeof(a) ||
	    a.err != 0)
		_exit(1);
	_exit(lookup_serve(fd) == 0 ? 0 : 1);
}

/* -------------------------------------------------------- the node side */

/* The helper has gone, or said something it never says: stop asking. */
static int
hang_up(struct lookup *lk, int r)
{
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
	return r;
}

/* Take a stashed answer to seq: 0 with *a, or -ENOENT. */
static int
unstash(struct lookup *lk, uint32_t seq, struct lookup_answer *a)
{
	size_t i;

	for (i = 0; i < lk->nstash; i++)
		if (lk->stash[i].seq == seq) {
			*a = lk->stash[i];
			memmove(&lk->stash[i], &lk->stash[i + 1],
			    (lk->nstash - i - 1) * sizeof(lk->stash[0]));
			lk->nstash--;
			return 0;
		}
	return -ENOENT;
}

/* Keep an answer for later; the oldest goes when the stash is full (its
 * question was abandoned: the caller gave up, or reloaded). */
static void
stash(struct lookup *lk, const struct lookup_answer *a)
{
	if (lk->nstash == LOOKUP_STASH_MAX) {
		memmove(&lk->stash[0], &lk->stash[1],
		    (LOOKUP_STASH_MAX - 1) * sizeof(lk->stash[0]));
		lk->nstash--;
	}
	lk->stash[lk->nstash++] = *a;
}

/*
 * The answer to seq: from the stash, or read from the helper, stashing
 * the answers to other questions, waiting at most wait_ms (0: not at
 * all).  0 with *a; -EAGAIN when it has not come yet; -EPIPE or -EPROTO
 * when the helper has gone or misspoke (it is not asked again).
 */
static int
receive(struct lookup *lk, uint32_t seq, int wait_ms, struct lookup_answer *a)
{
	/* One byte more than an answer: a longer datagram is seen. */
	uint8_t in[sizeof(struct lookup_answer) + 1];
	struct lookup_answer got;
	int64_t deadline = util_mono_ms() + wait_ms;
	struct pollfd pfd = { .fd = lk->fd, .events = POLLIN };
	ssize_t n;
	int left, r;

	if (unstash(lk, seq, a) == 0)
		return 0;
	if (lk->fd < 0)
		return -EPIPE;
	for (;;) {
		n = recv(lk->fd, in, sizeof(in), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if ((left = (int)(deadline - util_mono_ms())) <= 0)
				return -EAGAIN;
			if ((r = poll(&pfd, 1, left)) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (n <= 0)
			return hang_up(lk, -EPIPE);
		if (lookup_parse_answer(in, (size_t)n, &got) != 0)
			return hang_up(lk, -EPROTO);
		if (got.seq == seq) {
			*a = got;
			return 0;
		}
		stash(lk, &got);
	}
}

/* Send a question; its number in *seq. */
static int
ask(struct lookup *lk, uint32_t kind, uid_t uid, const char *name,
    uint32_t *seq)
{
	struct lookup_request q;
	int r;

	if (lk->fd < 0)
		return -EPIPE;
	memset(&q, 0, sizeof(q));
	q.seq = ++lk->seq;
	if (q.seq == 0)		/* 0 is the helper's READY */
		q.seq = ++lk->seq;
	q.kind = kind;
	q.uid = (uint32_t)uid;
	if (name != NULL && (r = copy_text(q.name, sizeof(q.name), name)) != 0)
		return r;
	if (send(lk->fd, &q, sizeof(q), MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    (ssize_t)sizeof(q)) {
		if (errno == EAGAIN)
			return -EAGAIN;
		return hang_up(lk, errno == EPIPE || errno == ECONNRESET ?
		    -EPIPE : -errno);
	}
	*seq = q.seq;
	return 0;
}

/* The text of an answer to a question of kind: 0, or its error. */
static int
answer_text(const struct lookup_answer *a, uint32_t kind, char *out,
    size_t cap)
{
	if (a->kind != kind)
		return -EPROTO;
	return a->err != 0 ? a->err : copy_text(out, cap, a->text);
}

int
lookup_start(struct lookup **out)
{
	struct lookup *lk;
	struct lookup_answer a;
	pid_t parent = getpid();
	int sv[2], r;

	*out = NULL;
	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		r = -errno;
		free(lk);
		return r;
	}
	/* Nothing buffered may be written twice, by a child's exit too. */
	fflush(NULL);
	if ((lk->pid = fork()) < 0) {
		r = -errno;
		close(sv[0]);
		close(sv[1]);
		free(lk);
		return r;
	}
	if (lk->pid == 0) {
		close(sv[0]);
		helper(sv[1], parent);
	}
	close(sv[1]);
	lk->fd = sv[0];
	if ((r = receive(lk, 0, LOOKUP_TIMEOUT_MS, &a)) == 0)
		r = a.kind == LOOKUP_READY ? a.err : -EPROTO;
	if (r != 0) {
		lookup_stop(&lk);
		return r == -EPIPE ? -EOPNOTSUPP : r == -EAGAIN ? -ETIMEDOUT : r;
	}
	*out = lk;
	return 0;
}

pid_t
lookup_pid(const struct lookup *lk)
{
	return lk != NULL ? lk->pid : -1;
}

int
lookup_login(struct lookup *lk, uid_t uid, char *login, size_t cap)
{
	struct lookup_answer a;
	uint32_t seq;
	int r;

	if (cap == 0)
		return -EINVAL;
	login[0] = '\0';
	if (lk == NULL)
		return answer_login(uid, login, cap);
	if ((r = ask(lk, LOOKUP_LOGIN, uid, NULL, &seq)) != 0 ||
	    (r = receive(lk, seq, LOOKUP_TIMEOUT_MS, &a)) != 0)
		return r == -EAGAIN ? -ETIMEDOUT : r;
	return answer_text(&a, LOOKUP_LOGIN, login, cap);
}

/*
 * Where the host of a tcp:// endpoint is: it starts at *pre and its ":"
 * at *colon (after a "SOURCE;" prefix).  1 when it is a name to resolve
 * into host; 0 when the endpoint is to be used as it is; -EINVAL or
 * -ENAMETOOLONG.
 */
static int
split(const char *endpoint, bool bind, char *host, size_t *pre,
    const char **colon)
{
	const char *target, *semi;
	struct in_addr in;
	size_t len;

	if (strncmp(endpoint, "tcp://", 6) != 0)
		return 0;
	target = endpoint + 6;
	if ((semi = strchr(target, ';')) != NULL)
		target = semi + 1;
	if ((*colon = strrchr(target, ':')) == NULL || *colon == target)
		return -EINVAL;
	if ((len = (size_t)(*colon - target)) > LOOKUP_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(host, target, len);
	host[len] = '\0';
	*pre = (size_t)(target - endpoint);
	return !(host[0] == '[' || strcmp(host, "*") == 0 ||
	    inet_pton(AF_INET, host, &in) == 1 ||
	    (bind && if_nametoindex(host) != 0));
}

/* The endpoint with its host replaced by addr, into out. */
static int
join(const char *endpoint, const char *addr, char *out, size_t cap)
{
	char host[LOOKUP_NAME_MAX + 1];
	const char *colon = NULL;
	size_t pre = 0;
	int n;

	if ((n = split(endpoint, false, host, &pre, &colon)) < 0)
		return n;
	if (colon == NULL)
		return -EINVAL;
	n = snprintf(out, cap, "%.*s%s%s", (int)pre, endpoint, addr, colon);
	if (n < 0 || (size_t)n >= cap) {
		out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

int
lookup_endpoint_ask(struct lookup *lk, const char *endpoint, bool bind,
    char *out, size_t cap, uint32_t *ticket)
{
	char host[LOOKUP_NAME_MAX + 1], addr[LOOKUP_NAME_MAX + 1];
	const char *colon = NULL;
	size_t pre = 0;
	int r;

	*ticket = 0;
	if (cap == 0)
		return -EINVAL;
	out[0] = '\0';
	if ((r = split(endpoint, bind, host, &pre, &colon)) <= 0)
		return r < 0 ? r : copy_text(out, cap, endpoint);
	if (lk != NULL)
		return (r = ask(lk, LOOKUP_HOST, 0, host, ticket)) == 0 ?
		    -EINPROGRESS : r;
	if ((r = answer_host(host, addr, sizeof(addr))) != 0)
		return r;
	return join(endpoint, addr, out, cap);
}

/* The answer to ticket, waiting up to wait_ms, as an endpoint. */
static int
take(struct lookup *lk, uint32_t ticket, int wait_ms, const char *endpoint,
    char *out, size_t cap)
{
	char addr[LOOKUP_NAME_MAX + 1];
	struct lookup_answer a;
	int r;

	if (cap == 0)
		return -EINVAL;
	out[0] = '\0';
	if (lk == NULL || ticket == 0)
		return -EINVAL;
	if ((r = receive(lk, ticket, wait_ms, &a)) != 0)
		return r == -EAGAIN ? -EINPROGRESS : r;
	if ((r = answer_text(&a, LOOKUP_HOST, addr, sizeof(addr))) != 0)
		return r;
	return join(endpoint, addr, out, cap);
}

int
lookup_endpoint_take(struct lookup *lk, uint32_t ticket,
    const char *endpoint, char *out, size_t cap)
{
	return take(lk, ticket, 0, endpoint, out, cap);
}

int
lookup_endpoint(struct lookup *lk, const char *endpoint, bool bind,
    char *out, size_t cap)
{
	uint32_t ticket;
	int r;

	r = lookup_endpoint_ask(lk, endpoint, bind, out, cap, &ticket);
	if (r == -EINPROGRESS &&
	    (r = take(lk, ticket, LOOKUP_TIMEOUT_MS, endpoint, out, cap)) ==
	    -EINPROGRESS)
		r = -ETIMEDOUT;
	return r;
}

int
lookup_check(struct lookup *lk)
{
	struct lookup_answer a;
	int r;

	if (lk == NULL)
		return 0;
	/* No question has the helper's READY number: this only stashes. */
	r = receive(lk, 0, 0, &a);
	return r == -EPIPE || r == -EPROTO ? -EPIPE : 0;
}

void
lookup_stop(struct lookup **lkp)
{
	struct lookup *lk;

	if (lkp == NULL || (lk = *lkp) == NULL)
		return;
	if (lk->fd >= 0)
		close(lk->fd);
	/* It leaves when its socket closes, unless a resolver holds it. */
	if (lk->pid > 0) {
		kill(lk->pid, SIGTERM);
		while (waitpid(lk->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(lk);
	*lkp = NULL;
}
