/* SPDX-License-Identifier: ISC */
/*
 * buf: bounded big-endian reader and writer.
 */
#include <errno.h>
#include <string.h>

#include "crypto/buf.h"

void
buf_reader_init(struct buf_reader *r, const void *data, size_t len)
{
	r->p = data;
	r->len = data == NULL ? 0 : len;
	r->off = 0;
}

size_t
buf_remaining(const struct buf_reader *r)
{
	return r->len - r->off;
}

size_t
buf_offset(const struct buf_reader *r)
{
	return r->off;
}

int
buf_end(const struct buf_reader *r)
{
	return r->off == r->len ? 0 : -EBADMSG;
}

int
buf_get_ref(struct buf_reader *r, const uint8_t **p, size_t n)
{
	*p = NULL;
	if (n > r->len - r->off)
		return -EBADMSG;
	*p = r->p + r->off;
	r->off += n;
	return 0;
}

int
buf_get_bytes(struct buf_reader *r, void *out, size_t n)
{
	const uint8_t *p;

	if (buf_get_ref(r, &p, n) != 0) {
		if (n > 0)
			memset(out, 0, n);
		return -EBADMSG;
	}
	if (n > 0)
		memcpy(out, p, n);
	return 0;
}

static int
get_uint(struct buf_reader *r, size_t n, uint64_t *v)
{
	const uint8_t *p;
	size_t i;

	*v = 0;
	if (buf_get_ref(r, &p, n) != 0)
		return -EBADMSG;
	for (i = 0; i < n; i++)
		*v = (*v << 8) | p[i];
	return 0;
}

int
buf_get_u8(struct buf_reader *r, uint8_t *v)
{
	uint64_t x;
	int ret = get_uint(r, 1, &x);

	*v = (uint8_t)x;
	return ret;
}

int
buf_get_u16(struct buf_reader *r, uint16_t *v)
{
	uint64_t x;
	int ret = get_uint(r, 2, &x);

	*v = (uint16_t)x;
	return ret;
}

int
buf_get_u32(struct buf_reader *r, uint32_t *v)
{
	uint64_t x;
	int ret = get_uint(r, 4, &x);

	*v = (uint32_t)x;
	return ret;
}

int
buf_get_u64(struct buf_reader *r, uint64_t *v)
{
	return get_uint(r, 8, v);
}

/* A string of prefix bytes' length; the reader does not move on failure. */
static int
get_str(struct buf_reader *r, size_t prefix, size_t limit, char *out,
    size_t outcap, size_t min, size_t max)
{
	struct buf_reader save = *r;
	const uint8_t *p;
	uint64_t n;

	if (outcap > 0)
		out[0] = '\0';
	if (max > limit || min > max || outcap <= max)
		return -EINVAL;
	if (get_uint(r, prefix, &n) != 0 || n < min || n > max ||
	    buf_get_ref(r, &p, (size_t)n) != 0 ||
	    memchr(p, '\0', (size_t)n) != NULL) {
		*r = save;
		return -EBADMSG;
	}
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	return 0;
}

int
buf_get_str8(struct buf_reader *r, char *out, size_t outcap, size_t min,
    size_t max)
{
	return get_str(r, 1, BUF_STR8_MAX, out, outcap, min, max);
}

int
buf_get_str16(struct buf_reader *r, char *out, size_t outcap, size_t min,
    size_t max)
{
	return get_str(r, 2, BUF_STR16_MAX, out, outcap, min, max);
}

int
buf_get_blob(struct buf_reader *r, const uint8_t **p, size_t *len,
    size_t max)
{
	struct buf_reader save = *r;
	uint32_t n;

	*p = NULL;
	*len = 0;
	if (max > BUF_BLOB_MAX)
		return -EINVAL;
	if (buf_get_u32(r, &n) != 0 || n > max ||
	    buf_get_ref(r, p, n) != 0) {
		*r = save;
		return -EBADMSG;
	}
	*len = n;
	return 0;
}

void
buf_writer_init(struct buf_writer *w, void *buf, size_t cap)
{
	w->p = buf;
	w->cap = buf == NULL ? 0 : cap;
	w->off = 0;
}

size_t
buf_writer_len(const struct buf_writer *w)
{
	return w->off;
}

int
buf_put_reserve(struct buf_writer *w, uint8_t **p, size_t n)
{
	*p = NULL;
	if (n > w->cap - w->off)
		return -EMSGSIZE;
	*p = w->p + w->off;
	w->off += n;
	return 0;
}

int
buf_put_bytes(struct buf_writer *w, const void *data, size_t n)
{
	uint8_t *p;

	if (buf_put_reserve(w, &p, n) != 0)
		return -EMSGSIZE;
	if (n > 0)
		memcpy(p, data, n);
	return 0;
}

static int
put_uint(struct buf_writer *w, size_t n, uint64_t v)
{
	uint8_t *p;
	size_t i;

	if (buf_put_reserve(w, &p, n) != 0)
		return -EMSGSIZE;
	for (i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
	return 0;
}

int
buf_put_u8(struct buf_writer *w, uint8_t v)
{
	return put_uint(w, 1, v);
}

int
buf_put_u16(struct buf_writer *w, uint16_t v)
{
	return put_uint(w, 2, v);
}

int
buf_put_u32(struct buf_writer *w, uint32_t v)
{
	return put_uint(w, 4, v);
}

int
buf_put_u64(struct buf_writer *w, uint64_t v)
{
	return put_uint(w, 8, v);
}

static int
put_prefixed(struct buf_writer *w, size_t prefix, size_t limit,
    const void *data, size_t n)
{
	if (n > limit)
		return -EINVAL;
	if (prefix + n > w->cap - w->off)
		return -EMSGSIZE;
	(void)put_uint(w, prefix, n);
	return buf_put_bytes(w, data, n);
}

int
buf_put_str8(struct buf_writer *w, const char *s)
{
	return put_prefixed(w, 1, BUF_STR8_MAX, s, strlen(s));
}

int
buf_put_str16(struct buf_writer *w, const char *s)
{
	return put_prefixed(w, 2, BUF_STR16_MAX, s, strlen(s));
}

int
buf_put_blob(struct buf_writer *w, const void *data, size_t n)
{
	return put_prefixed(w, 4, BUF_BLOB_MAX, data, n);
}
