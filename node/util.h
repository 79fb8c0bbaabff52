/* SPDX-License-Identifier: ISC */
/*
 * util: small helpers shared by the node services and programs: bounded
 * number parsing, bounded file reading without following links, and the
 * mapping from -errno to the project's exit statuses.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses of every valise program (README, valise(1)). */
enum {
	EXIT_OK		= 0,	/* success */
	EXIT_REFUSED	= 1,	/* policy denial, not authorised, bad signature */
	EXIT_USAGE	= 2,	/* usage error or invalid input */
	EXIT_TEMPFAIL	= 3,	/* node not running, peer unreachable, queue full */
	EXIT_INTERNAL	= 4,	/* internal or storage error */
};

/* Largest file util_read_file() will read unless told less. */
#define UTIL_FILE_MAX	(64u * 1024 * 1024)

/*
 * Parse a decimal integer in [min, max]: no sign unless min < 0, no
 * leading or trailing junk, no whitespace.  0, -EINVAL or -ERANGE.
 */
int	util_strtonum(const char *s, long long min, long long max,
	    long long *out) __attribute__((warn_unused_result));

/*
 * Read a whole regular file of at most max bytes, opened with O_NOFOLLOW.
 * *buf is malloc'd and NUL-terminated (not counted in *len).  0, -EFBIG
 * when larger than max, -ELOOP for a symbolic link, or another -errno.
 */
int	util_read_file(const char *path, size_t max, char **buf, size_t *len)
	    __attribute__((warn_unused_result));

/* snprintf for text that may be cut short on purpose (bounded reasons,
 * details, labels copied into fixed fields); always NUL-terminated. */
void	util_fmt(char *buf, size_t cap, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Milliseconds on the monotonic clock: for intervals, not dates. */
int64_t	util_mono_ms(void);

/* The exit status for a -errno returned by a library layer. */
int	util_exit_status(int err);

#endif /* UTIL_H */
