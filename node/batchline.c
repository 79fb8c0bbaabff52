/* SPDX-License-Identifier: ISC */
/*
 * batchline: read one `valise send --batch` line (format in batchline.h).
 *
 * One pass over the bytes, never past the end given: every read checks
 * r->p < r->end first.  Decoded strings are never longer than their JSON
 * text, so all of them and their NULs fit in one buffer of len + 1 bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/batchline.h"

static const char *const names[BATCHLINE_NMEMBERS] = {
	[BATCHLINE_TO] = "to",
	[BATCHLINE_LABEL] = "label",
	[BATCHLINE_PRECEDENCE] = "precedence",
	[BATCHLINE_SUBJECT] = "subject",
	[BATCHLINE_BODY] = "body",
	[BATCHLINE_EXPIRES] = "expires",
};

struct reader {
	const unsigned char	*p, *end;
	char			*out;		/* next free byte of buf */
	char			*err;
};

static int	fail(struct reader *r, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

static int
fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, BATCHLINE_ERR_MAX, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void
skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* Whether the next byte is c; if so, take it. */
static bool
take(struct reader *r, unsigned char c)
{
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

static int
hex4(struct reader *r, unsigned *v)
{
	unsigned i, c;

	*v = 0;
	if (r->end - r->p < 4)
		return fail(r, "a \\u escape is cut short");
	for (i = 0; i < 4; i++) {
		c = r->p[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return fail(r, "a \\u escape needs four hex digits");
		*v = *v << 4 | c;
	}
	r->p += 4;
	return 0;
}

/* Append code point cp (valid, not a surrogate) as UTF-8. */
static void
put_utf8(struct reader *r, unsigned cp)
{
	unsigned char *o = (unsigned char *)r->out;

	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xc0 | cp >> 6);
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xe0 | cp >> 12);
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (unsigned char)(0xf0 | cp >> 18);
		*o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	r->out = (char *)o;
}

/* After a backslash: one escape, decoded.  A \u escape never takes more
 * bytes than it writes (6 or 12 in, at most 3 or 4 out). */
static int
escape(struct reader *r)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned cp, lo;
	int ret;

	if (r->p >= r->end)
		return fail(r, "the line ends inside a string");
	if (*r->p != 'u') {
		if (*r->p == '\0' || (e = strchr(from, *r->p)) == NULL)
			return fail(r, "an unknown escape in a string");
		*r->out++ = to[e - from];
		r->p++;
		return 0;
	}
	r->p++;
	if ((ret = hex4(r, &cp)) != 0)
		return ret;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(r, "a lone low surrogate in a string");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
			return fail(r, "a lone high surrogate in a string");
		r->p += 2;
		if ((ret = hex4(r, &lo)) != 0)
			return ret;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(r, "a lone high surrogate in a string");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail(r, "NUL (\\u0000) in a string");
	put_utf8(r, cp);
	return 0;
}

/* One UTF-8 sequence starting with c >= 0x80, copied; RFC 3629 only. */
static int
utf8(struct reader *r)
{
	unsigned char c = *r->p, lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 1;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3;
	else
		return fail(r, "invalid UTF-8 in a string");
	if (c == 0xe0)
		lo = 0xa0;		/* no overlong forms */
	else if (c == 0xed)
		hi = 0x9f;		/* no surrogates */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;		/* nothing above U+10FFFF */
	if ((size_t)(r->end - r->p) <= n)
		return fail(r, "invalid UTF-8 in a string");
	for (i = 1; i <= n; i++) {
		if (r->p[i] < lo || r->p[i] > hi)
			return fail(r, "invalid UTF-8 in a string");
		lo = 0x80;
		hi = 0xbf;
	}
	memcpy(r->out, r->p, n + 1);
	r->out += n + 1;
	r->p += n + 1;
	return 0;
}

/* A string, its opening quote taken: decoded at r->out, NUL-terminated;
 * *s and *n say where and how long. */
static int
string(struct reader *r, const char **s, size_t *n)
{
	char *start = r->out;
	unsigned char c;
	int ret;

	for (;;) {
		/* The common case first: a run of plain ASCII. */
		while (r->p < r->end && (c = *r->p) >= 0x20 && c < 0x80 &&
		    c != '"' && c != '\\') {
			*r->out++ = (char)c;
			r->p++;
		}
		if (r->p >= r->end)
			return fail(r, "the line ends inside a string");
		c = *r->p;
		if (c == '"') {
			r->p++;
			break;
		}
		if (c < 0x20)
			return fail(r, "a control byte in a string (escape it)");
		if (c == '\\') {
			r->p++;
			ret = escape(r);
		} else {
			ret = utf8(r);
		}
		if (ret != 0)
			return ret;
	}
	*n = (size_t)(r->out - start);
	*r->out++ = '\0';
	*s = start;
	return 0;
}

/* A JSON number that is a whole number fitting int64_t. */
static int
number(struct reader *r, int64_t *v)
{
	const uint64_t max = (uint64_t)INT64_MAX;
	bool neg = take(r, '-');
	uint64_t u = 0;
	unsigned d;

	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return fail(r, "'expires' must be a duration or a number");
	if (*r->p == '0' && r->end - r->p > 1 && r->p[1] >= '0' &&
	    r->p[1] <= '9')
		return fail(r, "a number may not start with 0");
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		d = (unsigned)(*r->p++ - '0');
		if (u > (max + neg - d) / 10)
			return fail(r, "'expires' is out of range");
		u = u * 10 + d;
	}
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
		return fail(r, "'expires' must be a whole number of seconds");
	*v = neg ? (u == max + 1 ? INT64_MIN : -(int64_t)u) : (int64_t)u;
	return 0;
}

static int
member_index(const char *key, size_t n)
{
	int i;

	for (i = 0; i < BATCHLINE_NMEMBERS; i++)
		if (strlen(names[i]) == n && memcmp(names[i], key, n) == 0)
			return i;
	return -1;
}

/* The name of an unknown member, if it prints plainly, for the error. */
static const char *
printable(const char *key, size_t n)
{
	size_t i;

	if (n == 0 || n > 32)
		return "?";
	for (i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x21 ||
		    (unsigned char)key[i] > 0x7e || key[i] == '\'')
			return "?";
	return key;
}

static int
members(struct reader *r, struct batchline *bl)
{
	const char *key, *s;
	size_t klen, n;
	int m, ret;

	skip_ws(r);
	if (take(r, '}'))
		return 0;
	for (;;) {
		skip_ws(r);
		if (!take(r, '"'))
			return fail(r, "a member name (a string) was expected");
		if ((ret = string(r, &key, &klen)) != 0)
			return ret;
		if ((m = member_index(key, klen)) < 0)
			return fail(r, "unknown member '%s'", printable(key,
			    klen));
		if (bl->str[m] != NULL ||
		    (m == BATCHLINE_EXPIRES && bl->expires_is_number))
			return fail(r, "'%s' appears twice", names[m]);
		r->out = (char *)key;	/* the name is not kept */
		skip_ws(r);
		if (!take(r, ':'))
			return fail(r, "':' was expected after '%s'", names[m]);
		skip_ws(r);
		if (take(r, '"')) {
			if ((ret = string(r, &s, &n)) != 0)
				return ret;
			bl->str[m] = s;
			bl->len[m] = n;
		} else if (m == BATCHLINE_EXPIRES) {
			if ((ret = number(r, &bl->expires)) != 0)
				return ret;
			bl->expires_is_number = true;
		} else {
			return fail(r, "'%s' must be a string", names[m]);
		}
		skip_ws(r);
		if (take(r, '}'))
			return 0;
		if (!take(r, ','))
			return fail(r, "',' or '}' was expected after '%s'",
			    names[m]);
	}
}

int
batchline_parse(const char *line, size_t len, struct batchline *bl,
    char err[BATCHLINE_ERR_MAX])
{
	struct reader r;
	int ret;

	memset(bl, 0, sizeof(*bl));
	err[0] = '\0';
	if (len > BATCHLINE_MAX) {
		snprintf(err, BATCHLINE_ERR_MAX, "longer than %u bytes",
		    BATCHLINE_MAX);
		return -EMSGSIZE;
	}
	if ((bl->buf = malloc(len + 1)) == NULL)
		return -ENOMEM;
	r.p = (const unsigned char *)line;
	r.end = r.p + len;
	r.out = bl->buf;
	r.err = err;
	skip_ws(&r);
	if (!take(&r, '{'))
		ret = fail(&r, "not a JSON object");
	else if ((ret = members(&r, bl)) == 0) {
		skip_ws(&r);
		if (r.p != r.end)
			ret = fail(&r, "bytes after the object");
	}
	if (ret != 0)
		batchline_clear(bl);
	return ret;
}

void
batchline_clear(struct batchline *bl)
{
	free(bl->buf);
	memset(bl, 0, sizeof(*bl));
}

const char *
batchline_member_name(enum batchline_member m)
{
	if ((unsigned)m >= BATCHLINE_NMEMBERS)
		return NULL;
	return names[m];
}
