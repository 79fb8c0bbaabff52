/* SPDX-License-Identifier: ISC */
/*
 * batchline: one line of `valise send --batch` (valise(1)), a flat JSON
 * object (RFC 8259) with the members
 *
 *	to, label, precedence, subject, body	strings
 *	expires					a string or a whole number
 *
 * each at most once and no others.  It is read here, with a bounded
 * single-pass reader, rather than by the general JSON decoder, which
 * spends about 150 instructions on each byte of a body: most of the CPU
 * of a bulk submission.  The strings are checked as JSON requires (UTF-8,
 * no control bytes, escapes and surrogate pairs) and decoded; NUL
 * (\u0000) is refused, as by the control socket's decoder.
 *
 * Functions return 0 or -errno and never print; a refusal says what was
 * wrong in err.
 */
#ifndef BATCHLINE_H
#define BATCHLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest line read (a 16 MiB body, escaped, and the rest). */
#define BATCHLINE_MAX		(24u * 1024 * 1024)
/* The longest error text. */
#define BATCHLINE_ERR_MAX	96

enum batchline_member {
	BATCHLINE_TO,
	BATCHLINE_LABEL,
	BATCHLINE_PRECEDENCE,
	BATCHLINE_SUBJECT,
	BATCHLINE_BODY,
	BATCHLINE_EXPIRES,
	BATCHLINE_NMEMBERS
};

struct batchline {
	/* Each member's decoded string (NUL-terminated), NULL if absent or,
	 * for expires, a number. */
	const char	*str[BATCHLINE_NMEMBERS];
	size_t		 len[BATCHLINE_NMEMBERS];
	bool		 expires_is_number;
	int64_t		 expires;
	char		*buf;		/* the strings, one allocation */
};

/*
 * Parse line[0..len).  0 with *bl filled (free it with batchline_clear);
 * -EINVAL with err (BATCHLINE_ERR_MAX bytes) saying why; -EMSGSIZE above
 * BATCHLINE_MAX; -ENOMEM.
 */
int	batchline_parse(const char *line, size_t len, struct batchline *bl,
	    char err[BATCHLINE_ERR_MAX]);

void	batchline_clear(struct batchline *bl);

/* "to", "label", ... */
const char *batchline_member_name(enum batchline_member m);

#endif /* BATCHLINE_H */
