/* SPDX-License-Identifier: ISC */
/*
 * lookup: the system's name services, answered outside the sandbox.
 *
 * Once confined (sandbox.h), the node may open only its state and
 * configuration directories.  Two questions still need the system's
 * files: which login a control client's uid has (the user database:
 * /etc/passwd, NSS modules, sssd, LDAP) and which address a peer's host
 * name has (/etc/hosts, resolv.conf, DNS).  Those files are replaced, not
 * rewritten (useradd, DHCP clients), so no Landlock rule can name them
 * once for the node's lifetime.
 *
 * Instead, lookup_start() forks a helper before the node loads its keys,
 * so that the helper holds no secret.  The helper keeps only its end of a
 * socket pair (and standard error), confines itself to reading the
 * system's directories (no state directory, no writes, no programs), and
 * answers these two questions, one fixed-size datagram each way, as
 * OpenSSH's monitor does for its sandboxed child.  It exits when the node
 * closes the socket, dies, or sends anything malformed.  A host name is
 * resolved by a child of the helper, so that a name server that does not
 * answer delays neither logins nor the node.
 *
 * With lk NULL (no sandbox, so no helper) the same calls answer in this
 * process.
 */
#ifndef LOOKUP_H
#define LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LOOKUP_NAME_MAX		255	/* a login or a host name, bytes */
#define LOOKUP_TIMEOUT_MS	15000	/* a resolver's retries included */
#define LOOKUP_RESOLVERS_MAX	8	/* host names resolved at once, each
					 * by a child of the helper */

/* The conversation, one datagram each way (both ends are this program). */
enum lookup_kind {
	LOOKUP_LOGIN = 1,	/* uid -> login */
	LOOKUP_HOST = 2,	/* host name -> IPv4 address */
	LOOKUP_READY = 3,	/* the helper's first answer: confined (or not) */
};

struct lookup_request {
	uint32_t	seq;
	uint32_t	kind;			/* LOOKUP_LOGIN or LOOKUP_HOST */
	uint32_t	uid;			/* LOOKUP_LOGIN */
	char		name[LOOKUP_NAME_MAX + 1];	/* LOOKUP_HOST */
};

struct lookup_answer {
	uint32_t	seq;			/* the request's */
	uint32_t	kind;			/* the request's */
	int32_t		err;			/* 0 or -errno */
	char		text[LOOKUP_NAME_MAX + 1];	/* login, address */
};

struct lookup;

/*
 * Fork the helper and wait until it has confined itself.  0 and an owned
 * *out (lookup_stop); -EOPNOTSUPP when it cannot confine itself (no
 * Landlock), or another -errno.  Call while the process has one thread.
 */
int	lookup_start(struct lookup **out) __attribute__((warn_unused_result));

/* The helper's process id (for status and tests); -1 without one. */
pid_t	lookup_pid(const struct lookup *lk);

/*
 * The login of uid into login (cap bytes, NUL-terminated), waiting for
 * the helper (which answers logins at once, never behind a host name).
 * 0; -ENOENT when no account has that uid; -ENAMETOOLONG when it does not
 * fit; -EPIPE when the helper has gone; -ETIMEDOUT; or another -errno.
 */
int	lookup_login(struct lookup *lk, uid_t uid, char *login, size_t cap)
	    __attribute__((warn_unused_result));

/*
 * A ZeroMQ endpoint with its host name replaced by an IPv4 address (the
 * only family the transport uses), for a confined process whose own
 * resolver can no longer read its files.  ipc:// endpoints, numeric
 * addresses, "*" and, for a listen endpoint (bind true), interface names
 * are copied unchanged; so is a "SOURCE;" prefix.
 *
 * lookup_endpoint_ask() does not wait: 0 with out set when there is no
 * name to resolve (or lk is NULL: resolved in this process), or
 * -EINPROGRESS with *ticket for lookup_endpoint_take(), which answers
 * -EINPROGRESS too until the helper has answered, then 0 with out set.  Either
 * may fail with -ENOENT (unknown host), -EAGAIN (the resolver failed for
 * now), -EBUSY (the helper resolves LOOKUP_RESOLVERS_MAX names already),
 * -EINVAL (a malformed endpoint), -ENAMETOOLONG (out is too small), or
 * -EPIPE (the helper has gone).  lookup_endpoint() asks and waits up to
 * LOOKUP_TIMEOUT_MS (-ETIMEDOUT).
 */
int	lookup_endpoint_ask(struct lookup *lk, const char *endpoint, bool bind,
	    char *out, size_t cap, uint32_t *ticket)
	    __attribute__((warn_unused_result));
int	lookup_endpoint_take(struct lookup *lk, uint32_t ticket,
	    const char *endpoint, char *out, size_t cap)
	    __attribute__((warn_unused_result));
int	lookup_endpoint(struct lookup *lk, const char *endpoint, bool bind,
	    char *out, size_t cap) __attribute__((warn_unused_result));

/*
 * Without waiting, whether the helper is still there: 0, or -EPIPE when
 * it has gone (answers that came meanwhile are kept for their askers).
 * NULL: 0.
 */
int	lookup_check(struct lookup *lk);

/* Close the socket and reap the helper; *lkp becomes NULL.  NULL is
 * allowed. */
void	lookup_stop(struct lookup **lkp);

/*
 * Check one datagram the helper received: 0 and *q a request it may
 * answer, or -EPROTO (not exactly one request long, an unknown kind, a
 * name without its NUL, LOOKUP_HOST without a name).
 */
int	lookup_parse(const void *buf, size_t len, struct lookup_request *q)
	    __attribute__((warn_unused_result));

/*
 * Check one datagram the node received from the helper: 0 and *a an
 * answer it may use, or -EPROTO (not exactly one answer long, an error
 * that is not a -errno, a text without its NUL).
 */
int	lookup_parse_answer(const void *buf, size_t len,
	    struct lookup_answer *a) __attribute__((warn_unused_result));

/*
 * The helper's loop, exposed for tests: answer requests on fd until the
 * other end closes it (0), a request is malformed (-EPROTO, see
 * lookup_parse), or fd fails (-errno).
 */
int	lookup_serve(int fd);

#endif /* LOOKUP_H */
