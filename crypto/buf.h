/* SPDX-License-Identifier: ISC */
/*
 * buf: the bounded reader and writer through which every wire format of
 * valise is read and written (envelopes, receipts, key files).
 *
 * Integers are big-endian.  Strings carry a u8 or u16 length prefix, never
 * a terminator, and may not contain NUL; blobs carry a u32 length prefix.
 * Every read checks the remaining length first and fails with -EBADMSG
 * without moving; every variable length is checked against a caller's
 * bound no larger than the BUF_*_MAX below.  buf_end() refuses trailing
 * bytes.  Writers work in a caller-owned fixed buffer and fail with
 * -EMSGSIZE rather than grow.
 *
 * The two structs are defined here so that a parser can keep them on the
 * stack (one per message, no allocation); their fields are private.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <stdint.h>

#define BUF_WUR __attribute__((warn_unused_result))

/* A u8-prefixed string holds at most this many bytes. */
#define BUF_STR8_MAX	UINT8_MAX
/* A u16-prefixed string holds at most this many bytes. */
#define BUF_STR16_MAX	UINT16_MAX
/* No single length-prefixed blob is larger: 64 MiB, four times the largest
 * envelope body, so a corrupt length cannot ask for gigabytes. */
#define BUF_BLOB_MAX	(64u * 1024 * 1024)

struct buf_reader {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
};

struct buf_writer {
	uint8_t		*p;
	size_t		 cap;
	size_t		 off;
};

/* Read from data[0..len), borrowed: it must outlive the reader. */
void	buf_reader_init(struct buf_reader *r, const void *data, size_t len);
/* Bytes not read yet, and bytes read so far. */
size_t	buf_remaining(const struct buf_reader *r);
size_t	buf_offset(const struct buf_reader *r);
/* 0 when everything was read, else -EBADMSG (trailing bytes). */
int	buf_end(const struct buf_reader *r) BUF_WUR;

/* Each returns 0, or -EBADMSG when the input is too short; *v is 0 then. */
int	buf_get_u8(struct buf_reader *r, uint8_t *v) BUF_WUR;
int	buf_get_u16(struct buf_reader *r, uint16_t *v) BUF_WUR;
int	buf_get_u32(struct buf_reader *r, uint32_t *v) BUF_WUR;
int	buf_get_u64(struct buf_reader *r, uint64_t *v) BUF_WUR;
/* Copy exactly n bytes into out (zeroed on failure).  0 or -EBADMSG. */
int	buf_get_bytes(struct buf_reader *r, void *out, size_t n) BUF_WUR;
/* Borrow the next n bytes without copying: *p points into the input and
 * is valid as long as the input is.  0 or -EBADMSG (*p NULL). */
int	buf_get_ref(struct buf_reader *r, const uint8_t **p, size_t n) BUF_WUR;
/*
 * A u8- or u16-prefixed string of min..max bytes (max at most
 * BUF_STR8_MAX or BUF_STR16_MAX) without NUL, copied into out and
 * NUL-terminated; outcap must exceed max.  -EBADMSG when short, out of
 * bounds or holding a NUL (out is then the empty string); -EINVAL when
 * the bounds themselves are wrong.
 */
int	buf_get_str8(struct buf_reader *r, char *out, size_t outcap,
	    size_t min, size_t max) BUF_WUR;
int	buf_get_str16(struct buf_reader *r, char *out, size_t outcap,
	    size_t min, size_t max) BUF_WUR;
/* A u32-prefixed blob of at most max (<= BUF_BLOB_MAX) bytes, borrowed. */
int	buf_get_blob(struct buf_reader *r, const uint8_t **p, size_t *len,
	    size_t max) BUF_WUR;

/* Write into buf[0..cap), borrowed. */
void	buf_writer_init(struct buf_writer *w, void *buf, size_t cap);
/* Bytes written so far. */
size_t	buf_writer_len(const struct buf_writer *w);

/* Each returns 0, or -EMSGSIZE (nothing written) when it would not fit. */
int	buf_put_u8(struct buf_writer *w, uint8_t v);
int	buf_put_u16(struct buf_writer *w, uint16_t v);
int	buf_put_u32(struct buf_writer *w, uint32_t v);
int	buf_put_u64(struct buf_writer *w, uint64_t v);
int	buf_put_bytes(struct buf_writer *w, const void *data, size_t n);
/* Reserve n bytes and return where they start, for a primitive that writes
 * its output in place (no copy).  0 or -EMSGSIZE (*p NULL). */
int	buf_put_reserve(struct buf_writer *w, uint8_t **p, size_t n);
/* Length-prefixed strings (strlen(s) bytes, no NUL written): -EINVAL when
 * longer than the prefix allows. */
int	buf_put_str8(struct buf_writer *w, const char *s);
int	buf_put_str16(struct buf_writer *w, const char *s);
/* A u32-prefixed blob of at most BUF_BLOB_MAX bytes. */
int	buf_put_blob(struct buf_writer *w, const void *data, size_t n);

#endif /* BUF_H */
