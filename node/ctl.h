/* SPDX-License-Identifier: ISC */
/*
 * ctl: the control socket between `valise` and the local `valised`.
 *
 * A Unix stream socket in the node's state directory, mode 0660 and owned
 * by a configurable group.  The daemon learns who is calling from the
 * kernel (SO_PEERCRED), never from anything the client says.
 *
 * Each request and each response is one frame: a 4-byte big-endian length,
 * then that many bytes, at most CTL_FRAME_MAX: a JSON object, and when the
 * message holds bytes, a NUL and the bytes themselves (see ctl.c).  Messages
 * are built and read through struct ctl_msg, so that callers never see the
 * JSON library (this file and node/report.c are its only users).
 */
#ifndef CTL_H
#define CTL_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A 16 MiB body plus its metadata, or a batch of bodies. */
#define CTL_FRAME_MAX		(24u * 1024 * 1024)
#define CTL_SOCKET_NAME		"control.sock"

struct ctl_msg;

/*
 * Seed the JSON library's hash function from /dev/urandom now, while the
 * process may still open it: confined, it would fall back to the time and
 * the pid, a predictable seed that opens its tables to hash flooding.
 */
void	ctl_init(void);

/* A new empty message, or NULL.  Free with ctl_msg_free(). */
struct ctl_msg	*ctl_msg_new(void);
void		 ctl_msg_free(struct ctl_msg **mp);

/* Setters: 0, -EINVAL (bad key or value) or -ENOMEM. */
int	ctl_msg_set_str(struct ctl_msg *m, const char *key, const char *val);
int	ctl_msg_set_int(struct ctl_msg *m, const char *key, int64_t val);
int	ctl_msg_set_bool(struct ctl_msg *m, const char *key, bool val);
int	ctl_msg_set_bytes(struct ctl_msg *m, const char *key,
	    const uint8_t *buf, size_t len);
/* Append a new object to the array under key; owned by m. */
struct ctl_msg	*ctl_msg_add(struct ctl_msg *m, const char *key);

/* Getters.  A string is valid until m is freed; NULL when absent or not a
 * string.  The others return 0, -ENOENT when absent, -EINVAL when of
 * another type. */
const char	*ctl_msg_str(const struct ctl_msg *m, const char *key);
int	ctl_msg_int(const struct ctl_msg *m, const char *key, int64_t *val);
int	ctl_msg_bool(const struct ctl_msg *m, const char *key, bool *val);
/* Decoded bytes, malloc'd, at most max bytes (-EMSGSIZE beyond). */
int	ctl_msg_bytes(const struct ctl_msg *m, const char *key, size_t max,
	    uint8_t **buf, size_t *len);
size_t	ctl_msg_count(const struct ctl_msg *m, const char *key);
const struct ctl_msg *ctl_msg_item(const struct ctl_msg *m, const char *key,
	    size_t i);

/* Blocking frame I/O for the command-line client.  ctl_recv: -EBADMSG for
 * a malformed frame, -EMSGSIZE over max, -ECONNRESET on a closed peer. */
int	ctl_send(int fd, const struct ctl_msg *m);
int	ctl_recv(int fd, size_t max, struct ctl_msg **m)
	    __attribute__((warn_unused_result));

/* Incremental reading for the daemon, which must never block on a slow or
 * hostile client. */
struct ctl_reader {
	uint8_t	hdr[4];
	size_t	have;		/* bytes of header + body received */
	uint32_t len;
	uint8_t	*body;
	size_t	max;
};
void	ctl_reader_init(struct ctl_reader *r, size_t max);
/* Read what is available on fd.  0 with *m when a frame is complete,
 * -EAGAIN when more is needed, else an error as for ctl_recv. */
int	ctl_reader_feed(struct ctl_reader *r, int fd, struct ctl_msg **m)
	    __attribute__((warn_unused_result));
void	ctl_reader_clear(struct ctl_reader *r);

/* Remove key from m (absent is fine). */
void	ctl_msg_del(struct ctl_msg *m, const char *key);
/* Write m as one line of JSON to f (for --json output). */
int	ctl_msg_print(const struct ctl_msg *m, FILE *f);

/* Parse one frame body (JSON text, then maybe a NUL and the blob area);
 * for tests and fuzzing.  -EBADMSG when malformed. */
int	ctl_msg_parse(const uint8_t *buf, size_t len, struct ctl_msg **m)
	    __attribute__((warn_unused_result));
/* A message from JSON text alone (a line of `valise send --batch`). */
int	ctl_msg_from_json(const char *text, size_t len, struct ctl_msg **m)
	    __attribute__((warn_unused_result));

/*
 * Server side: create the socket at path (replacing a stale one), mode 0660,
 * group gid unless gid is (gid_t)-1; non-blocking, close-on-exec.
 */
int	ctl_listen(const char *path, gid_t gid, int *fd);
/* Accept one client and learn its credentials from the kernel. */
int	ctl_accept(int lfd, int *fd, uid_t *uid, gid_t *gid, pid_t *pid);

/* Client side: -ECONNREFUSED or -ENOENT when no node is running there. */
int	ctl_connect(const char *path, int *fd);

#endif /* CTL_H */
