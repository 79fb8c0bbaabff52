/* SPDX-License-Identifier: ISC */
/*
 * util: bounded number parsing, bounded file reads, exit statuses.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "node/util.h"

int
util_strtonum(const char *s, long long min, long long max, long long *out)
{
	unsigned long long v = 0, lim;
	bool neg = false;
	const char *p = s;

	*out = 0;
	if (s == NULL || *s == '\0' || min > max)
		return -EINVAL;
	if (*p == '-') {
		if (min >= 0)
			return -EINVAL;
		neg = true;
		p++;
	}
	if (*p == '\0')
		return -EINVAL;
	lim = neg ? (unsigned long long)(-(min + 1)) + 1 :
	    (max < 0 ? 0 : (unsigned long long)max);
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (lim - (unsigned)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > lim)
			return -ERANGE;
	}
	if (neg)
		*out = v == 0 ? 0 : -(long long)(v - 1) - 1;
	else
		*out = (long long)v;
	if (*out < min || *out > max) {
		*out = 0;
		return -ERANGE;
	}
	return 0;
}

int
util_read_file(const char *path, size_t max, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	*bufp = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((size_t)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	/* Read up to max + 1 so that a file growing under us is noticed. */
	if ((buf = malloc(max + 2)) == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	while (len <= max) {
		n = read(fd, buf + len, max + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		ret = -EFBIG;
		goto out_free;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	close(fd);
	return 0;
out_free:
	free(buf);
out:
	close(fd);
	return ret;
}

int
util_exit_status(int err)
{
	switch (-err) {
	case 0:
		return EXIT_OK;
	case EPERM:
	case EACCES:
	case EBADMSG:
	case EKEYREJECTED:
		return EXIT_REFUSED;
	case EINVAL:
	case ERANGE:
	case EMSGSIZE:
	case ENAMETOOLONG:
	case EFBIG:
	case ELOOP:
	case ENOENT:
	case EEXIST:
		return EXIT_USAGE;
	case EAGAIN:
	case ECONNREFUSED:
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENOBUFS:
		return EXIT_TEMPFAIL;
	default:
		return EXIT_INTERNAL;
	}
}

int64_t
util_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
util_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (cap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
}
