/* SPDX-License-Identifier: ISC */
/*
 * log: the daemon's operational log, to stderr or syslog.
 *
 * Messages carry node names, message ids, labels, key fingerprints and
 * decision codes only: never key material, passphrases, bodies or
 * subjects.  The audit log (node/audit.c) is the record of events; this is
 * for the sysadmin.
 */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LEVEL_ERR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Start logging as ident, to syslog when use_syslog, else stderr. */
void	log_open(const char *ident, bool use_syslog, enum log_level level);
void	log_close(void);

void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log and exit(4): for states the daemon cannot continue from. */
void	log_fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* LOG_H */
