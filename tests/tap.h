/* SPDX-License-Identifier: ISC */
/*
 * tap.h: a header-only TAP emitter for the test programs, run under prove.
 *
 *	plan(n); ok(cond, fmt, ...); is(got, want, fmt, ...);
 *	is_str(got, want, fmt, ...); is_mem(got, want, len, fmt, ...);
 *	diag(fmt, ...); note(fmt, ...); BAIL_OUT(fmt, ...);
 *	plan_skip_all(fmt, ...); return done_testing();
 *
 * diag() writes to stderr, as Test::More does, so prove shows it without -v.
 * is_mem() reports only the first differing offset, never the bytes: the
 * buffers compared in this project are often keys or plaintext.
 * Keep '#' out of descriptions: TAP reads what follows it as a directive.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap_state {
	long	planned;	/* -1: no plan printed yet */
	long	run;
	long	failed;
};

static inline struct tap_state *
tap_state(void)
{
	static struct tap_state st = { -1, 0, 0 };
	return &st;
}

static inline void
tap_vprint(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(prefix, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vprint(stderr, "# ", fmt, ap);
	va_end(ap);
}

static inline void __attribute__((format(printf, 1, 2)))
note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vprint(stdout, "# ", fmt, ap);
	va_end(ap);
}

static inline void
plan(long n)
{
	struct tap_state *st = tap_state();

	if (st->planned >= 0)
		return;
	setvbuf(stdout, NULL, _IOLBF, 0);
	st->planned = n;
	printf("1..%ld\n", n);
}

static inline void __attribute__((format(printf, 1, 2), noreturn))
plan_skip_all(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vprint(stdout, "1..0 # SKIP ", fmt, ap);
	va_end(ap);
	exit(0);
}

static inline void __attribute__((format(printf, 1, 2), noreturn))
BAIL_OUT(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vprint(stdout, "Bail out! ", fmt, ap);
	va_end(ap);
	exit(255);
}

static inline int
tap_vok(int cond, const char *file, int line, const char *fmt, va_list ap)
{
	struct tap_state *st = tap_state();

	st->run++;
	if (!cond)
		st->failed++;
	printf("%sok %ld - ", cond ? "" : "not ", st->run);
	vprintf(fmt, ap);
	putchar('\n');
	if (!cond)
		diag("Failed test at %s line %d", file, line);
	return cond;
}

static inline int __attribute__((format(printf, 4, 5)))
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond, file, line, fmt, ap);
	va_end(ap);
	return r;
}

static inline int __attribute__((format(printf, 5, 6)))
tap_is(long long got, long long want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		diag("     got: %lld\n#   expected: %lld", got, want);
	return r;
}

static inline int __attribute__((format(printf, 5, 6)))
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int same, r;

	same = (got == NULL || want == NULL) ? got == want
	    : strcmp(got, want) == 0;
	va_start(ap, fmt);
	r = tap_vok(same, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		diag("     got: %s%s%s\n#   expected: %s%s%s",
		    got ? "'" : "", got ? got : "NULL", got ? "'" : "",
		    want ? "'" : "", want ? want : "NULL", want ? "'" : "");
	return r;
}

static inline int __attribute__((format(printf, 6, 7)))
tap_is_mem(const void *got, const void *want, size_t len, const char *file,
    int line, const char *fmt, ...)
{
	const unsigned char *g = got, *w = want;
	size_t i = 0;
	va_list ap;
	int r;

	if (g != NULL && w != NULL)
		for (i = 0; i < len && g[i] == w[i]; i++)
			;
	va_start(ap, fmt);
	r = tap_vok(g != NULL && w != NULL && i == len, file, line, fmt, ap);
	va_end(ap);
	if (!r && (g == NULL || w == NULL))
		diag("   a buffer is NULL");
	else if (!r)
		diag("   buffers of %zu bytes first differ at offset %zu",
		    len, i);
	return r;
}

#define ok(cond, ...)	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is(got, want, ...) \
	tap_is((long long)(got), (long long)(want), __FILE__, __LINE__, \
	    __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_mem(got, want, len, ...) \
	tap_is_mem((got), (want), (len), __FILE__, __LINE__, __VA_ARGS__)

/*
 * Print the plan if none was given, check the count against it, and return
 * the exit status: the number of failures (at most 254), or 255 when the
 * plan and the count differ.
 */
static inline int
done_testing(void)
{
	struct tap_state *st = tap_state();

	if (st->planned < 0) {
		st->planned = st->run;
		printf("1..%ld\n", st->run);
	}
	fflush(stdout);
	if (st->planned != st->run) {
		diag("planned %ld tests, ran %ld", st->planned, st->run);
		return 255;
	}
	if (st->failed > 0)
		diag("failed %ld of %ld tests", st->failed, st->run);
	return st->failed > 254 ? 254 : (int)st->failed;
}

#endif /* TAP_H */
