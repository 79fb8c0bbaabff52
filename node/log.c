/* SPDX-License-Identifier: ISC */
/*
 * log: stderr or syslog, one line per event, with a level.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#include "node/log.h"
#include "node/util.h"

static struct {
	const char	*ident;
	bool		 use_syslog;
	enum log_level	 level;
} log_state = { "valised", false, LOG_LEVEL_INFO };

void
log_open(const char *ident, bool use_syslog, enum log_level level)
{
	log_state.ident = ident;
	log_state.use_syslog = use_syslog;
	log_state.level = level;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_close(void)
{
	if (log_state.use_syslog)
		closelog();
}

static void __attribute__((format(printf, 2, 0)))
vlog(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
	    LOG_DEBUG };
	static const char *const names[] = { "error", "warning", "info",
	    "debug" };
	char msg[1024];
	struct timespec ts;
	struct tm tm;

	if (level > log_state.level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_state.use_syslog) {
		syslog(prio[level], "%s", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%s]: %s\n",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_state.ident,
	    names[level], msg);
}

#define LOG_FN(fn, level) \
void \
fn(const char *fmt, ...) \
{ \
	va_list ap; \
\
	va_start(ap, fmt); \
	vlog(level, fmt, ap); \
	va_end(ap); \
}

LOG_FN(log_err, LOG_LEVEL_ERR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERR, fmt, ap);
	va_end(ap);
	exit(EXIT_INTERNAL);
}
