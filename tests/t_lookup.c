/* SPDX-License-Identifier: ISC */
/*
 * t_lookup: the name service helper (node/lookup.h).  Its request parser
 * refuses every malformed datagram; its loop leaves on the first one; its
 * answers are those the C library gives in this process; the running
 * helper keeps nothing but its socket, has no_new_privs, survives a
 * SIGHUP and, once killed, is reported gone rather than waited for.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/lookup.h"
#include "node/sandbox.h"
#include "tests/tap.h"

static struct lookup_request
request(uint32_t kind, uint32_t uid, const char *name)
{
	struct lookup_request q;

	memset(&q, 0, sizeof(q));
	q.seq = 7;
	q.kind = kind;
	q.uid = uid;
	snprintf(q.name, sizeof(q.name), "%s", name);
	return q;
}

static void
test_parse(void)
{
	struct lookup_request q = request(LOOKUP_HOST, 0, "localhost"), out;
	uint8_t big[sizeof(q) + 1];

	is(lookup_parse(&q, sizeof(q), &out), 0, "a host request parses");
	is_str(out.name, "localhost", "with its name");
	is(lookup_parse(&q, sizeof(q) - 1, &out), -EPROTO, "one byte short");
	is(out.kind, 0, "and nothing is left of it");
	is(lookup_parse(&q, 0, &out), -EPROTO, "empty");
	memset(big, 0, sizeof(big));
	memcpy(big, &q, sizeof(q));
	is(lookup_parse(big, sizeof(big), &out), -EPROTO, "one byte long");
	q = request(LOOKUP_LOGIN, 0, "");
	is(lookup_parse(&q, sizeof(q), &out), 0, "a login request parses");
	q.kind = LOOKUP_READY;
	is(lookup_parse(&q, sizeof(q), &out), -EPROTO,
	    "the helper's own answer kind is no request");
	q.kind = 0xffffffffu;
	is(lookup_parse(&q, sizeof(q), &out), -EPROTO, "an unknown kind");
	q = request(LOOKUP_HOST, 0, "");
	is(lookup_parse(&q, sizeof(q), &out), -EPROTO, "a host without a name");
	memset(q.name, 'a', sizeof(q.name));
	is(lookup_parse(&q, sizeof(q), &out), -EPROTO,
	    "a name without its NUL");
}

static void
test_parse_answer(void)
{
	struct lookup_answer a, out;
	uint8_t big[sizeof(a) + 1];

	memset(&a, 0, sizeof(a));
	a.seq = 3;
	a.kind = LOOKUP_HOST;
	snprintf(a.text, sizeof(a.text), "192.0.2.1");
	is(lookup_parse_answer(&a, sizeof(a), &out), 0, "an answer parses");
	is_str(out.text, "192.0.2.1", "with its text");
	is(lookup_parse_answer(&a, sizeof(a) - 1, &out), -EPROTO,
	    "answer one byte short");
	is((long long)out.seq, 0, "and nothing is left of it");
	memset(big, 0, sizeof(big));
	memcpy(big, &a, sizeof(a));
	is(lookup_parse_answer(big, sizeof(big), &out), -EPROTO,
	    "answer one byte long");
	a.err = 1;
	is(lookup_parse_answer(&a, sizeof(a), &out), -EPROTO,
	    "a positive error");
	a.err = -4096;
	is(lookup_parse_answer(&a, sizeof(a), &out), -EPROTO,
	    "an error beyond the errno range");
	a.err = -ENOENT;
	is(lookup_parse_answer(&a, sizeof(a), &out), 0, "-ENOENT is an answer");
	memset(a.text, 'x', sizeof(a.text));
	is(lookup_parse_answer(&a, sizeof(a), &out), -EPROTO,
	    "a text without its NUL");
}

/* What lookup_serve returns when fed these datagrams, then EOF. */
static int
serve(const void *a, size_t alen, const void *b, size_t blen,
    struct lookup_answer *ans, int *nans)
{
	struct lookup_answer tmp;
	int sv[2], status;
	pid_t pid;

	*nans = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		BAIL_OUT("socketpair");
	fflush(NULL);	/* valgrind's exit flushes the child's copy */
	if ((pid = fork()) < 0)
		BAIL_OUT("fork");
	if (pid == 0) {
		int r;

		close(sv[0]);
		r = lookup_serve(sv[1]);
		_exit(r == 0 ? 0 : r == -EPROTO ? 2 : 1);
	}
	close(sv[1]);
	if (a != NULL)
		send(sv[0], a, alen, MSG_NOSIGNAL);
	if (b != NULL)
		send(sv[0], b, blen, MSG_NOSIGNAL);
	shutdown(sv[0], SHUT_WR);
	while (recv(sv[0], &tmp, sizeof(tmp), 0) == (ssize_t)sizeof(tmp))
		if ((*nans)++ == 0)
			*ans = tmp;
	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void
test_serve(void)
{
	struct lookup_request root = request(LOOKUP_LOGIN, 0, "");
	struct lookup_request bad = request(LOOKUP_HOST, 0, "");
	struct lookup_request host = request(LOOKUP_HOST, 0, "localhost");
	struct lookup_answer a;
	uint8_t junk[3] = { 1, 2, 3 };
	int n;

	is(serve(NULL, 0, NULL, 0, &a, &n), 0, "serve: EOF ends it cleanly");
	is(serve(&root, sizeof(root), NULL, 0, &a, &n), 0,
	    "serve: a login request, then EOF");
	is(n, 1, "one answer");
	is((long long)a.seq, 7, "carrying the request's number");
	is(a.err, 0, "no error");
	is_str(a.text, "root", "uid 0 is root");
	is(serve(&host, sizeof(host), NULL, 0, &a, &n), 0,
	    "serve: a host request, then EOF");
	is(n, 1, "one answer, from the helper's resolver child");
	ok(a.err == 0 && strcmp(a.text, "127.0.0.1") == 0 &&
	    a.kind == LOOKUP_HOST, "localhost is 127.0.0.1");
	is(serve(junk, sizeof(junk), &root, sizeof(root), &a, &n), 2,
	    "serve: a short datagram ends it (EPROTO)");
	is(n, 0, "and what follows is not answered");
	is(serve(&bad, sizeof(bad), &root, sizeof(root), &a, &n), 2,
	    "serve: a host request without a name ends it");
	is(n, 0, "unanswered");
	is(serve(&root, sizeof(root), junk, sizeof(junk), &a, &n), 2,
	    "serve: a good request answered, then junk ends it");
	is(n, 1, "one answer before the junk");
}

/* How many descriptors pid holds besides 0, 1 and 2; -1 if unknown. */
static int
extra_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && atoi(e->d_name) > 2)
			n++;
	closedir(d);
	return n;
}

/* The line "Key:\tvalue" of /proc/PID/status, value only. */
static void
status_line(pid_t pid, const char *key, char *out, size_t cap)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			snprintf(out, cap, "%s", line + klen + 1 +
			    strspn(line + klen + 1, " \t"));
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	fclose(f);
}

/* Endpoints, answered by lk (NULL: in this process). */
static void
test_endpoints(struct lookup *lk, const char *who)
{
	static const struct {
		const char	*in;
		int		 bind;
		int		 err;
		const char	*out;
	} cases[] = {
		{ "tcp://localhost:7421", 0, 0, "tcp://127.0.0.1:7421" },
		{ "tcp://localhost:7421", 1, 0, "tcp://127.0.0.1:7421" },
		{ "tcp://127.0.0.1:7", 0, 0, "tcp://127.0.0.1:7" },
		{ "tcp://*:7421", 1, 0, "tcp://*:7421" },
		{ "tcp://[::1]:7421", 0, 0, "tcp://[::1]:7421" },
		{ "tcp://lo:7421", 1, 0, "tcp://lo:7421" },
		{ "tcp://127.0.0.2;localhost:9", 0, 0,
		    "tcp://127.0.0.2;127.0.0.1:9" },
		{ "ipc:///run/valise/x.sock", 1, 0, "ipc:///run/valise/x.sock" },
		{ "tcp://no-such-host.invalid:1", 0, -ENOENT, "" },
		{ "tcp://nocolon", 0, -EINVAL, "" },
		{ "tcp://:7421", 0, -EINVAL, "" },
	};
	char out[64], longname[LOOKUP_NAME_MAX + 16];
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = lookup_endpoint(lk, cases[i].in, cases[i].bind, out,
		    sizeof(out));
		/* Without a resolver the unknown host may time out. */
		if (cases[i].err == -ENOENT && r == -EAGAIN)
			r = -ENOENT;
		is(r, cases[i].err, "%s: %s %s", who,
		    cases[i].bind ? "listen" : "connect", cases[i].in);
		is_str(out, cases[i].out, "%s:   is '%s'", who, cases[i].out);
	}
	is(lookup_endpoint(lk, "tcp://localhost:7421", 0, out, 20),
	    -ENAMETOOLONG, "%s: an answer too long for its buffer", who);
	is_str(out, "", "%s:   leaves it empty", who);
	snprintf(longname, sizeof(longname), "tcp://%0*d:1",
	    LOOKUP_NAME_MAX + 1, 0);
	is(lookup_endpoint(lk, longname, 0, out, sizeof(out)), -ENAMETOOLONG,
	    "%s: a host name over LOOKUP_NAME_MAX", who);
}

static void
test_logins(struct lookup *lk, const char *who)
{
	struct passwd *pw = getpwuid(getuid());
	char login[LOOKUP_NAME_MAX + 1];

	is(lookup_login(lk, 0, login, sizeof(login)), 0, "%s: uid 0", who);
	is_str(login, "root", "%s:   is root", who);
	is(lookup_login(lk, getuid(), login, sizeof(login)), 0,
	    "%s: this uid", who);
	is_str(login, pw != NULL ? pw->pw_name : "?",
	    "%s:   is what getpwuid says", who);
	is(lookup_login(lk, 3999999999u, login, sizeof(login)), -ENOENT,
	    "%s: an uid without an account", who);
	is(lookup_login(lk, 0, login, 4), -ENAMETOOLONG,
	    "%s: a login too long for its buffer", who);
}

/* Host names without waiting; answers collected out of order. */
static void
test_async(struct lookup *lk)
{
	char out[64], login[LOOKUP_NAME_MAX + 1];
	uint32_t t1 = 0, t2 = 0, t0 = 1;
	int r;

	is(lookup_endpoint_ask(lk, "tcp://127.0.0.1:9", false, out,
	    sizeof(out), &t0), 0, "ask: a numeric endpoint needs no helper");
	ok(t0 == 0 && strcmp(out, "tcp://127.0.0.1:9") == 0,
	    "  and is answered at once, without a ticket");
	is(lookup_endpoint_ask(lk, "tcp://localhost:1", false, out,
	    sizeof(out), &t1), -EINPROGRESS, "ask: a host name is in progress");
	is(lookup_endpoint_ask(lk, "tcp://no-such-host.invalid:2", false, out,
	    sizeof(out), &t2), -EINPROGRESS, "ask: and another");
	ok(t1 != 0 && t2 != 0 && t1 != t2, "  with two tickets");
	is(lookup_login(lk, 0, login, sizeof(login)), 0,
	    "a login asked meanwhile is answered");
	is_str(login, "root", "  right");
	/* The second first: the first waits in the stash. */
	while ((r = lookup_endpoint_take(lk, t2, "tcp://no-such-host.invalid:2",
	    out, sizeof(out))) == -EINPROGRESS)
		usleep(10000);
	ok(r == -ENOENT || r == -EAGAIN, "take: the unknown host fails (%d)",
	    r);
	while ((r = lookup_endpoint_take(lk, t1, "tcp://localhost:1", out,
	    sizeof(out))) == -EINPROGRESS)
		usleep(10000);
	is(r, 0, "take: the first answer, collected last");
	is_str(out, "tcp://127.0.0.1:1", "  is localhost's address");
	is(lookup_endpoint_take(lk, t1, "tcp://localhost:1", out, sizeof(out)),
	    -EINPROGRESS, "take: a ticket is answered once");
	/* lookup_check keeps what it reads for its askers. */
	is(lookup_endpoint_ask(lk, "tcp://localhost:3", false, out,
	    sizeof(out), &t1), -EINPROGRESS, "ask once more");
	usleep(200000);
	is(lookup_check(lk), 0, "lookup_check reads the answer");
	is(lookup_endpoint_take(lk, t1, "tcp://localhost:3", out, sizeof(out)),
	    0, "  and keeps it for its ticket");
	is_str(out, "tcp://127.0.0.1:3", "  intact");
}

static void
test_helper(void)
{
	char login[LOOKUP_NAME_MAX + 1], value[64];
	struct lookup *lk = NULL;
	siginfo_t info;
	pid_t pid;
	int r;

	if ((r = lookup_start(&lk)) == -EOPNOTSUPP || sandbox_abi() < 0) {
		ok(1, "# SKIP no Landlock here: no helper (%s)", strerror(-r));
		lookup_stop(&lk);
		return;
	}
	is(r, 0, "lookup_start: the helper confined itself and is ready");
	if (lk == NULL)
		return;
	pid = lookup_pid(lk);
	ok(pid > 0 && pid != getpid(), "it is another process");
	is(extra_fds(pid), 1, "it holds one descriptor besides 0-2: its socket");
	status_line(pid, "NoNewPrivs", value, sizeof(value));
	is_str(value, "1", "no_new_privs is set (Landlock requires it)");
	test_logins(lk, "helper");
	test_endpoints(lk, "helper");

	test_async(lk);

	kill(pid, SIGHUP);
	is(lookup_login(lk, 0, login, sizeof(login)), 0,
	    "a SIGHUP meant for the node does not stop it");
	is(lookup_check(lk), 0, "lookup_check: it is there");
	kill(pid, SIGKILL);
	waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT);
	is(lookup_check(lk), -EPIPE, "lookup_check: killed, it has gone");
	is(lookup_login(lk, 0, login, sizeof(login)), -EPIPE,
	    "killed: the next question fails with EPIPE, without waiting");
	is(lookup_endpoint(lk, "tcp://localhost:1", 0, value, sizeof(value)),
	    -EPIPE, "and so does the next");
	lookup_stop(&lk);
	ok(lk == NULL && kill(pid, 0) != 0 && errno == ESRCH,
	    "lookup_stop reaps it");
	lookup_stop(&lk);
	ok(1, "lookup_stop(NULL) is harmless");
	is(lookup_check(NULL), 0, "lookup_check(NULL): no helper, nothing gone");
}

int
main(void)
{
	test_parse();
	test_parse_answer();
	test_serve();
	test_logins(NULL, "in-process");
	test_endpoints(NULL, "in-process");
	test_helper();
	return done_testing();
}
