/* SPDX-License-Identifier: ISC */
/*
 * ctl: framed JSON over a Unix socket, with kernel credentials.  A struct
 * ctl_msg is a jansson object; the cast never leaves this file.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "crypto/prim.h"
#include "node/ctl.h"

#define J(m)	((json_t *)(m))
#define CJ(m)	((const json_t *)(m))

struct ctl_msg *
ctl_msg_new(void)
{
	return (struct ctl_msg *)json_object();
}

void
ctl_msg_free(struct ctl_msg **mp)
{
	if (mp == NULL || *mp == NULL)
		return;
	json_decref(J(*mp));
	*mp = NULL;
}

static int
set(struct ctl_msg *m, const char *key, json_t *v)
{
	if (v == NULL)
		return -ENOMEM;
	return json_object_set_new(J(m), key, v) == 0 ? 0 : -EINVAL;
}

int
ctl_msg_set_str(struct ctl_msg *m, const char *key, const char *val)
{
	return set(m, key, json_string(val));	/* NULL for invalid UTF-8 */
}

int
ctl_msg_set_int(struct ctl_msg *m, const char *key, int64_t val)
{
	return set(m, key, json_integer(val));
}

int
ctl_msg_set_bool(struct ctl_msg *m, const char *key, bool val)
{
	return set(m, key, json_boolean(val));
}

int
ctl_msg_set_bytes(struct ctl_msg *m, const char *key, const uint8_t *buf,
    size_t len)
{
	size_t cap = prim_base64_len(len);
	char *text;
	int r;

	if ((text = malloc(cap)) == NULL)
		return -ENOMEM;
	prim_to_base64(text, cap, buf, len);
	r = set(m, key, json_stringn(text, cap - 1));
	free(text);
	return r;
}

struct ctl_msg *
ctl_msg_add(struct ctl_msg *m, const char *key)
{
	json_t *arr = json_object_get(J(m), key), *o;

	if (arr == NULL) {
		if ((arr = json_array()) == NULL ||
		    json_object_set_new(J(m), key, arr) != 0)
			return NULL;
	} else if (!json_is_array(arr)) {
		return NULL;
	}
	if ((o = json_object()) == NULL || json_array_append_new(arr, o) != 0)
		return NULL;
	return (struct ctl_msg *)o;
}

const char *
ctl_msg_str(const struct ctl_msg *m, const char *key)
{
	return json_string_value(json_object_get(CJ(m), key));
}

int
ctl_msg_int(const struct ctl_msg *m, const char *key, int64_t *val)
{
	json_t *v = json_object_get(CJ(m), key);

	*val = 0;
	if (v == NULL)
		return -ENOENT;
	if (!json_is_integer(v))
		return -EINVAL;
	*val = json_integer_value(v);
	return 0;
}

int
ctl_msg_bool(const struct ctl_msg *m, const char *key, bool *val)
{
	json_t *v = json_object_get(CJ(m), key);

	*val = false;
	if (v == NULL)
		return -ENOENT;
	if (!json_is_boolean(v))
		return -EINVAL;
	*val = json_is_true(v);
	return 0;
}

int
ctl_msg_bytes(const struct ctl_msg *m, const char *key, size_t max,
    uint8_t **buf, size_t *len)
{
	json_t *v = json_object_get(CJ(m), key);
	const char *text;
	size_t tlen, n;
	uint8_t *out;

	*buf = NULL;
	*len = 0;
	if (v == NULL)
		return -ENOENT;
	if ((text = json_string_value(v)) == NULL)
		return -EINVAL;
	tlen = json_string_length(v);
	if (tlen % 4 != 0)
		return -EINVAL;
	n = tlen / 4 * 3;
	if (tlen > 0 && text[tlen - 1] == '=')
		n--;
	if (tlen > 1 && text[tlen - 2] == '=')
		n--;
	if (n > max)
		return -EMSGSIZE;
	if ((out = malloc(n > 0 ? n : 1)) == NULL)
		return -ENOMEM;
	if (n > 0 && prim_from_base64(out, n, text, tlen) != 0) {
		free(out);
		return -EINVAL;
	}
	if (n == 0 && tlen != 0) {
		free(out);
		return -EINVAL;
	}
	*buf = out;
	*len = n;
	return 0;
}

size_t
ctl_msg_count(const struct ctl_msg *m, const char *key)
{
	return json_array_size(json_object_get(CJ(m), key));
}

const struct ctl_msg *
ctl_msg_item(const struct ctl_msg *m, const char *key, size_t i)
{
	json_t *o = json_array_get(json_object_get(CJ(m), key), i);

	return json_is_object(o) ? (const struct ctl_msg *)o : NULL;
}

void
ctl_msg_del(struct ctl_msg *m, const char *key)
{
	json_object_del(J(m), key);
}

int
ctl_msg_print(const struct ctl_msg *m, FILE *f)
{
	if (json_dumpf(CJ(m), f, JSON_COMPACT | JSON_SORT_KEYS) != 0)
		return -EIO;
	return fputc('\n', f) == EOF ? -EIO : 0;
}

int
ctl_msg_parse(const uint8_t *buf, size_t len, struct ctl_msg **m)
{
	json_error_t jerr;
	json_t *j;

	*m = NULL;
	j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		return -EBADMSG;
	if (!json_is_object(j)) {
		json_decref(j);
		return -EBADMSG;
	}
	*m = (struct ctl_msg *)j;
	return 0;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ctl_send(int fd, const struct ctl_msg *m)
{
	uint8_t hdr[4];
	char *text;
	size_t len;
	int r;

	if ((text = json_dumps(CJ(m), JSON_COMPACT)) == NULL)
		return -ENOMEM;
	len = strlen(text);
	if (len > CTL_FRAME_MAX) {
		free(text);
		return -EMSGSIZE;
	}
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
	if ((r = write_all(fd, hdr, 4)) == 0)
		r = write_all(fd, text, len);
	free(text);
	return r;
}

void
ctl_reader_init(struct ctl_reader *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max > CTL_FRAME_MAX ? CTL_FRAME_MAX : max;
}

void
ctl_reader_clear(struct ctl_reader *r)
{
	free(r->body);
	ctl_reader_init(r, r->max);
}

static int
feed(struct ctl_reader *r, int fd, int flags, struct ctl_msg **m)
{
	ssize_t n;
	int ret;

	*m = NULL;
	for (;;) {
		if (r->have < 4) {
			n = recv(fd, r->hdr + r->have, 4 - r->have, flags);
		} else {
			if (r->body == NULL) {
				r->len = (uint32_t)r->hdr[0] << 24 |
				    (uint32_t)r->hdr[1] << 16 |
				    (uint32_t)r->hdr[2] << 8 | r->hdr[3];
				if (r->len == 0)
					return -EBADMSG;
				if (r->len > r->max)
					return -EMSGSIZE;
				if ((r->body = malloc(r->len)) == NULL)
					return -ENOMEM;
			}
			if (r->have == 4 + (size_t)r->len)
				break;
			n = recv(fd, r->body + (r->have - 4),
			    4 + (size_t)r->len - r->have, flags);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		if (n == 0)
			return -ECONNRESET;
		r->have += (size_t)n;
	}
	ret = ctl_msg_parse(r->body, r->len, m);
	ctl_reader_clear(r);
	return ret;
}

int
ctl_reader_feed(struct ctl_reader *r, int fd, struct ctl_msg **m)
{
	return feed(r, fd, MSG_DONTWAIT, m);
}

int
ctl_recv(int fd, size_t max, struct ctl_msg **m)
{
	struct ctl_reader r;
	int ret;

	/* On a blocking descriptor the reader simply reads to completion. */
	ctl_reader_init(&r, max);
	ret = feed(&r, fd, 0, m);
	ctl_reader_clear(&r);
	return ret;
}

int
ctl_listen(const char *path, gid_t gid, int *fdp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, r;

	*fdp = -1;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	/* Replace only a stale socket, never another kind of file. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (unlink(path) != 0)
			return -errno;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		return -errno;
	old = umask(0117);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r != 0 || (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) != 0) ||
	    chmod(path, 0660) != 0 || listen(fd, 64) != 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*fdp = fd;
	return 0;
}

int
ctl_accept(int lfd, int *fdp, uid_t *uid, gid_t *gid, pid_t *pid)
{
	struct timeval tv = { 5, 0 };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, r;

	*fdp = -1;
	/* Reads never block (ctl_reader_feed uses MSG_DONTWAIT); a reply is
	 * written whole, but a client that stops reading is cut off after
	 * five seconds. */
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    len != sizeof(cred)) {
		r = -errno;
		close(fd);
		return r != 0 ? r : -EPROTO;
	}
	*uid = cred.uid;
	*gid = cred.gid;
	*pid = cred.pid;
	*fdp = fd;
	return 0;
}

int
ctl_connect(const char *path, int *fdp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, r;

	*fdp = -1;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*fdp = fd;
	return 0;
}
