/* SPDX-License-Identifier: ISC */
/*
 * report: rows of named fields, printed the same way by every `valise`
 * command that lists things (audit now; inbox, sent and status later):
 *
 *	REPORT_TEXT	aligned columns under a header, for people.  Rows are
 *			held until report_end() to size the columns; control
 *			characters in values are shown as '?', so a value
 *			cannot move the cursor or fake a line.
 *	REPORT_JSON	one array of objects (jansson), for jq.  Integer
 *			columns are JSON numbers, missing values null.
 *	REPORT_CSV	a header line, then one line per row, quoted per
 *			RFC 4180 (CRLF line ends, '"' doubled), for
 *			spreadsheets.  Values are written exactly: a value
 *			that starts with '=' is not rewritten (see
 *			docs/auditor-guide.md on formula injection).
 *
 * JSON and CSV rows are written as they come, so an export of a million
 * entries does not sit in memory.  Functions return 0 or -errno; output
 * errors (a closed pipe, a full disk) come back as -EIO.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

/* Columns in one report: more is a caller bug (-EINVAL). */
#define REPORT_COLS_MAX	32

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_CSV,
};

enum report_type {
	REPORT_STR,
	REPORT_INT,
	REPORT_BOOL,	/* JSON true/false, CSV true/false, text yes/no */
};

struct report_col {
	const char		*name;	/* borrowed for the report's life */
	enum report_type	 type;
};

struct report;

/*
 * A report of ncols columns written to out (borrowed).  The header (text,
 * CSV) or the opening bracket (JSON) is written at once.  *rp is NULL on
 * error.
 */
int	report_new(struct report **rp, FILE *out, enum report_format fmt,
	    const struct report_col *cols, size_t ncols);

/*
 * Set one field of the current row; unset fields are empty (JSON null).
 * The string is copied.  -EINVAL for a column out of range or of the wrong
 * type.
 */
int	report_str(struct report *r, size_t col, const char *v);
int	report_int(struct report *r, size_t col, int64_t v);
int	report_bool(struct report *r, size_t col, bool v);

/* Finish the current row.  0 or -errno. */
int	report_row(struct report *r);

/* Write what is held (text) and the closing bracket (JSON), flush.  */
int	report_end(struct report *r);

/* Free the report (without report_end, nothing more is written). */
void	report_free(struct report *r);

/* Parse "text", "json" or "csv".  0 or -EINVAL. */
int	report_format_parse(const char *s, enum report_format *fmt);

#endif /* REPORT_H */
