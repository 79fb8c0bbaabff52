/* SPDX-License-Identifier: ISC */
/*
 * t_util: bounded number parsing, bounded file reads, exit statuses.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/util.h"
#include "tests/tap.h"

static void
test_strtonum(void)
{
	long long v;

	is(util_strtonum("42", 0, 100, &v), 0, "42 parses");
	is(v, 42, "to 42");
	is(util_strtonum("0", 0, 0, &v), 0, "0 in [0,0]");
	is(util_strtonum("101", 0, 100, &v), -ERANGE, "101 > max");
	is(v, 0, "out cleared on error");
	is(util_strtonum("-1", 0, 100, &v), -EINVAL, "sign refused when min >= 0");
	is(util_strtonum("-5", -10, 10, &v), 0, "-5 in [-10,10]");
	is(v, -5, "to -5");
	is(util_strtonum("-11", -10, 10, &v), -ERANGE, "-11 < min");
	is(util_strtonum("", 0, 10, &v), -EINVAL, "empty");
	is(util_strtonum("-", -10, 10, &v), -EINVAL, "lone minus");
	is(util_strtonum(" 1", 0, 10, &v), -EINVAL, "leading space");
	is(util_strtonum("1 ", 0, 10, &v), -EINVAL, "trailing space");
	is(util_strtonum("1x", 0, 10, &v), -EINVAL, "trailing junk");
	is(util_strtonum("+1", 0, 10, &v), -EINVAL, "plus sign");
	is(util_strtonum("0x10", 0, 100, &v), -EINVAL, "no hex");
	is(util_strtonum("9223372036854775807", 0, LLONG_MAX, &v), 0,
	    "LLONG_MAX parses");
	is(v, LLONG_MAX, "to LLONG_MAX");
	is(util_strtonum("9223372036854775808", 0, LLONG_MAX, &v), -ERANGE,
	    "LLONG_MAX + 1 overflows");
	is(util_strtonum("-9223372036854775808", LLONG_MIN, 0, &v), 0,
	    "LLONG_MIN parses");
	ok(v == LLONG_MIN, "to LLONG_MIN");
	is(util_strtonum("99999999999999999999999", 0, LLONG_MAX, &v), -ERANGE,
	    "a very long number overflows");
	is(util_strtonum(NULL, 0, 1, &v), -EINVAL, "NULL");
}

static void
test_read_file(const char *dir)
{
	char path[PATH_MAX], link[PATH_MAX], *buf;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	f = fopen(path, "w");
	if (f == NULL)
		BAIL_OUT("cannot create %s", path);
	fputs("hello", f);
	fclose(f);

	is(util_read_file(path, 5, &buf, &len), 0, "a 5-byte file within 5");
	is(len, 5, "length 5");
	is_str(buf, "hello", "contents, NUL-terminated");
	free(buf);
	is(util_read_file(path, 4, &buf, &len), -EFBIG, "a 5-byte file over 4");
	ok(buf == NULL && len == 0, "out-params cleared on error");
	if (symlink(path, link) != 0)
		BAIL_OUT("symlink");
	is(util_read_file(link, 100, &buf, &len), -ELOOP,
	    "a symbolic link is refused");
	is(util_read_file(dir, 100, &buf, &len), -EINVAL,
	    "a directory is refused");
	snprintf(path, sizeof(path), "%s/missing", dir);
	is(util_read_file(path, 100, &buf, &len), -ENOENT, "missing file");
	unlink(link);
	snprintf(path, sizeof(path), "%s/f", dir);
	unlink(path);
}

static void
test_exit_status(void)
{
	is(util_exit_status(0), EXIT_OK, "0 -> 0");
	is(util_exit_status(-EPERM), EXIT_REFUSED, "EPERM -> refused");
	is(util_exit_status(-EBADMSG), EXIT_REFUSED, "EBADMSG -> refused");
	is(util_exit_status(-EINVAL), EXIT_USAGE, "EINVAL -> usage");
	is(util_exit_status(-EAGAIN), EXIT_TEMPFAIL, "EAGAIN -> temporary");
	is(util_exit_status(-ECONNREFUSED), EXIT_TEMPFAIL,
	    "ECONNREFUSED -> temporary");
	is(util_exit_status(-EIO), EXIT_INTERNAL, "EIO -> internal");
	is(util_exit_status(-ENOSPC), EXIT_INTERNAL, "ENOSPC -> internal");
}

int
main(void)
{
	char dir[] = "/tmp/t_util.XXXXXX";

	if (mkdtemp(dir) == NULL)
		BAIL_OUT("mkdtemp");
	test_strtonum();
	test_read_file(dir);
	test_exit_status();
	rmdir(dir);
	return done_testing();
}
