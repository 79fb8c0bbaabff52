/* SPDX-License-Identifier: ISC */
/*
 * ctl: framed JSON over a Unix socket, with kernel credentials.  A struct
 * ctl_msg is a jansson object; the cast never leaves this file.
 *
 * Bytes (message bodies) do not travel as base64 inside the JSON: that cost
 * the daemon more instructions per 4 KiB message than signing it.  A frame
 * body is the JSON text, then, when the message holds bytes, a NUL and the
 * blob area; in the JSON each bytes value is {"$blob": [offset, length]}
 * into that area.  In memory a bytes value is {"$bytes": <raw string>}, a
 * jansson string made without the UTF-8 check; that form is never accepted
 * from a frame.
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
#include "crypto/secmem.h"
#include "node/ctl.h"

#define J(m)	((json_t *)(m))
#define CJ(m)	((const json_t *)(m))

#define BYTES_KEY	"$bytes"	/* in memory only */
#define BLOB_KEY	"$blob"		/* in a frame: [offset, len] */

void
ctl_init(void)
{
	json_object_seed(0);
}

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
	json_t *w = json_object(), *raw;

	raw = json_stringn_nocheck(len > 0 ? (const char *)buf : "", len);
	if (w == NULL || raw == NULL || json_object_set_new(w, BYTES_KEY,
	    raw) != 0) {
		json_decref(w);
		return -ENOMEM;
	}
	return set(m, key, w);
}

/* The raw string of an in-memory bytes value, or NULL. */
static const json_t *
bytes_of(const json_t *v)
{
	const json_t *raw;

	if (!json_is_object(v) || json_object_size(v) != 1 ||
	    (raw = json_object_get(v, BYTES_KEY)) == NULL ||
	    !json_is_string(raw))
		return NULL;
	return raw;
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

/* A base64 string, as older clients and daemons sent bytes. */
static int
bytes_from_base64(const json_t *v, size_t max, uint8_t **buf, size_t *len)
{
	const char *text = json_string_value(v);
	size_t tlen = json_string_length(v), n;
	uint8_t *out;

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
	if ((n > 0 && prim_from_base64(out, n, text, tlen) != 0) ||
	    (n == 0 && tlen != 0)) {
		free(out);
		return -EINVAL;
	}
	*buf = out;
	*len = n;
	return 0;
}

int
ctl_msg_bytes(const struct ctl_msg *m, const char *key, size_t max,
    uint8_t **buf, size_t *len)
{
	const json_t *v = json_object_get(CJ(m), key), *raw;
	size_t n;

	*buf = NULL;
	*len = 0;
	if (v == NULL)
		return -ENOENT;
	if (json_is_string(v))
		return bytes_from_base64(v, max, buf, len);
	if ((raw = bytes_of(v)) == NULL)
		return -EINVAL;
	if ((n = json_string_length(raw)) > max)
		return -EMSGSIZE;
	if ((*buf = malloc(n > 0 ? n : 1)) == NULL)
		return -ENOMEM;
	memcpy(*buf, json_string_value(raw), n);
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

/*
 * A copy of v with every in-memory bytes value replaced by what leaf makes
 * of it; scalars are shared, not copied.  NULL on failure (out of memory,
 * or leaf's refusal).
 */
typedef json_t *(*leaf_fn)(const json_t *raw, void *ctx);

static json_t *
rewrite(const json_t *v, leaf_fn leaf, void *ctx)
{
	const json_t *raw, *x;
	const char *k;
	json_t *out, *c;
	size_t i;

	if ((raw = bytes_of(v)) != NULL)
		return leaf(raw, ctx);
	if (json_is_object(v)) {
		if ((out = json_object()) == NULL)
			return NULL;
		json_object_foreach((json_t *)v, k, x) {
			if ((c = rewrite(x, leaf, ctx)) == NULL ||
			    json_object_set_new(out, k, c) != 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	if (json_is_array(v)) {
		if ((out = json_array()) == NULL)
			return NULL;
		json_array_foreach(v, i, x) {
			if ((c = rewrite(x, leaf, ctx)) == NULL ||
			    json_array_append_new(out, c) != 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	return json_incref((json_t *)v);
}

static json_t *
leaf_base64(const json_t *raw, void *ctx)
{
	size_t len = json_string_length(raw), cap = prim_base64_len(len);
	json_t *out;
	char *text;

	(void)ctx;
	if ((text = malloc(cap)) == NULL)
		return NULL;
	prim_to_base64(text, cap, (const uint8_t *)json_string_value(raw),
	    len);
	out = json_stringn(text, cap - 1);
	free(text);
	return out;
}

int
ctl_msg_print(const struct ctl_msg *m, FILE *f)
{
	json_t *text = rewrite(CJ(m), leaf_base64, NULL);
	int r;

	/* Bytes are printed as base64 strings. */
	if (text == NULL)
		return -ENOMEM;
	r = json_dumpf(text, f, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(text);
	if (r != 0)
		return -EIO;
	return fputc('\n', f) == EOF ? -EIO : 0;
}

int
ctl_msg_from_json(const char *text, size_t len, struct ctl_msg **m)
{
	json_error_t jerr;
	json_t *j;

	*m = NULL;
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		return -EBADMSG;
	if (!json_is_object(j)) {
		json_decref(j);
		return -EBADMSG;
	}
	*m = (struct ctl_msg *)j;
	return 0;
}

/*
 * Turn each {"$blob": [offset, length]} of a received frame into an
 * in-memory bytes value, checking it against the blob area; refuse the
 * in-memory form itself.
 */
static int
blobs_in(json_t *v, const uint8_t *area, size_t area_len)
{
	json_t *x, *ref, *w, *raw;
	const char *k;
	json_int_t off, n;
	size_t i;
	void *it;
	int r;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if ((r = blobs_in(x, area, area_len)) != 0)
				return r;
		return 0;
	}
	if (!json_is_object(v))
		return 0;
	if (json_object_get(v, BYTES_KEY) != NULL)
		return -EBADMSG;
	for (it = json_object_iter(v); it != NULL;
	    it = json_object_iter_next(v, it)) {
		x = json_object_iter_value(it);
		k = json_object_iter_key(it);
		(void)k;
		if (!json_is_object(x) ||
		    (ref = json_object_get(x, BLOB_KEY)) == NULL) {
			if ((r = blobs_in(x, area, area_len)) != 0)
				return r;
			continue;
		}
		if (json_object_size(x) != 1 || !json_is_array(ref) ||
		    json_array_size(ref) != 2 ||
		    !json_is_integer(json_array_get(ref, 0)) ||
		    !json_is_integer(json_array_get(ref, 1)))
			return -EBADMSG;
		off = json_integer_value(json_array_get(ref, 0));
		n = json_integer_value(json_array_get(ref, 1));
		if (off < 0 || n < 0 || (uint64_t)off > area_len ||
		    (uint64_t)n > area_len - (size_t)off)
			return -EBADMSG;
		w = json_object();
		raw = json_stringn_nocheck(n > 0 ? (const char *)area + off :
		    "", (size_t)n);
		if (w == NULL || raw == NULL ||
		    json_object_set_new(w, BYTES_KEY, raw) != 0 ||
		    json_object_iter_set_new(v, it, w) != 0) {
			json_decref(w);
			return -ENOMEM;
		}
	}
	return 0;
}

int
ctl_msg_parse(const uint8_t *buf, size_t len, struct ctl_msg **m)
{
	const uint8_t *nul = memchr(buf, 0, len);
	size_t jlen = nul != NULL ? (size_t)(nul - buf) : len;
	int r;

	if ((r = ctl_msg_from_json((const char *)buf, jlen, m)) != 0)
		return r;
	if (nul != NULL && jlen + 1 == len) {
		ctl_msg_free(m);	/* a NUL with no area after it */
		return -EBADMSG;
	}
	if ((r = blobs_in(J(*m), buf + jlen + 1 - (nul == NULL),
	    nul != NULL ? len - jlen - 1 : 0)) != 0)
		ctl_msg_free(m);
	return r;
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

/* The blob area of a frame being built. */
struct blob_area {
	uint8_t	*buf;
	size_t	 len, cap;
	bool	 full;
};

static json_t *
leaf_blob(const json_t *raw, void *ctx)
{
	struct blob_area *a = ctx;
	size_t n = json_string_length(raw), cap;
	uint8_t *nb;

	if (n > CTL_FRAME_MAX - a->len) {
		a->full = true;
		return NULL;
	}
	if (a->len + n > a->cap) {
		cap = a->cap ? a->cap : 8192;
		while (cap < a->len + n)
			cap *= 2;
		if ((nb = realloc(a->buf, cap)) == NULL)
			return NULL;
		a->buf = nb;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, json_string_value(raw), n);
	a->len += n;
	return json_pack("{s:[I,I]}", BLOB_KEY, (json_int_t)(a->len - n),
	    (json_int_t)n);
}

int
ctl_send(int fd, const struct ctl_msg *m)
{
	struct blob_area area = { NULL, 0, 0, false };
	uint8_t hdr[4];
	json_t *framed;
	char *text = NULL;
	size_t len, tlen;
	int r;

	if ((framed = rewrite(CJ(m), leaf_blob, &area)) == NULL) {
		r = area.full ? -EMSGSIZE : -ENOMEM;
		goto out;
	}
	text = json_dumps(framed, JSON_COMPACT);
	json_decref(framed);
	if (text == NULL) {
		r = -ENOMEM;
		goto out;
	}
	tlen = strlen(text);
	len = tlen + (area.len > 0 ? 1 + area.len : 0);
	if (tlen > CTL_FRAME_MAX || len > CTL_FRAME_MAX) {
		r = -EMSGSIZE;
		goto out;
	}
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
	/* The NUL that ends the JSON text separates it from the area. */
	if ((r = write_all(fd, hdr, 4)) == 0)
		r = write_all(fd, text, area.len > 0 ? tlen + 1 : tlen);
	if (r == 0 && area.len > 0)
		r = write_all(fd, area.buf, area.len);
out:
	free(text);
	if (area.buf != NULL) {
		/* Bodies are message text: wipe them, as the callers do. */
		secmem_wipe(area.buf, area.len);
		free(area.buf);
	}
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
