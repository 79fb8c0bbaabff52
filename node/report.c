/* SPDX-License-Identifier: ISC */
/*
 * report: aligned text, JSON or RFC 4180 CSV from rows of named fields.
 * One of the two files that include <jansson.h>.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "node/report.h"

struct cell {
	char	*s;		/* NULL: unset */
	int64_t	 i;
	bool	 set;
};

struct report {
	FILE			*out;
	enum report_format	 fmt;
	struct report_col	 cols[REPORT_COLS_MAX];
	size_t			 ncols;
	struct cell		 cur[REPORT_COLS_MAX];
	size_t			 rows;
	bool			 failed;
	/* Text only: every row, as display strings, and column widths. */
	char			**held;
	size_t			 nheld, capheld;
	size_t			 width[REPORT_COLS_MAX];
};

static void	cur_clear(struct report *);
static int	csv_field(FILE *, const char *);
static char	*cell_text(const struct report *, size_t);
static size_t	display_width(const char *);
static void	text_line(struct report *, char *const *);

int
report_new(struct report **rp, FILE *out, enum report_format fmt,
    const struct report_col *cols, size_t ncols)
{
	struct report *r;
	size_t i;

	*rp = NULL;
	if (out == NULL || cols == NULL || ncols == 0 ||
	    ncols > REPORT_COLS_MAX || (fmt != REPORT_TEXT &&
	    fmt != REPORT_JSON && fmt != REPORT_CSV))
		return -EINVAL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	r->out = out;
	r->fmt = fmt;
	r->ncols = ncols;
	for (i = 0; i < ncols; i++) {
		r->cols[i] = cols[i];
		r->width[i] = display_width(cols[i].name);
	}
	switch (fmt) {
	case REPORT_JSON:
		fputs("[", out);
		break;
	case REPORT_CSV:
		for (i = 0; i < ncols; i++) {
			if (i > 0)
				fputc(',', out);
			csv_field(out, cols[i].name);
		}
		fputs("\r\n", out);
		break;
	case REPORT_TEXT:
		break;
	}
	if (ferror(out)) {
		report_free(r);
		return -EIO;
	}
	*rp = r;
	return 0;
}

int
report_str(struct report *r, size_t col, const char *v)
{
	char *s;

	if (col >= r->ncols || r->cols[col].type != REPORT_STR)
		return -EINVAL;
	if (v == NULL)
		s = NULL;
	else if ((s = strdup(v)) == NULL)
		return -ENOMEM;
	free(r->cur[col].s);
	r->cur[col].s = s;
	r->cur[col].set = s != NULL;
	return 0;
}

int
report_int(struct report *r, size_t col, int64_t v)
{
	if (col >= r->ncols || r->cols[col].type != REPORT_INT)
		return -EINVAL;
	r->cur[col].i = v;
	r->cur[col].set = true;
	return 0;
}

int
report_bool(struct report *r, size_t col, bool v)
{
	if (col >= r->ncols || r->cols[col].type != REPORT_BOOL)
		return -EINVAL;
	r->cur[col].i = v;
	r->cur[col].set = true;
	return 0;
}

int
report_row(struct report *r)
{
	json_t *o = NULL, *v;
	char **line, **grown, *text;
	size_t i, w;
	int ret = 0;

	switch (r->fmt) {
	case REPORT_JSON:
		if ((o = json_object()) == NULL) {
			ret = -ENOMEM;
			break;
		}
		for (i = 0; i < r->ncols && ret == 0; i++) {
			if (!r->cur[i].set)
				v = json_null();
			else if (r->cols[i].type == REPORT_INT)
				v = json_integer(r->cur[i].i);
			else if (r->cols[i].type == REPORT_BOOL)
				v = json_boolean(r->cur[i].i);
			else
				v = json_string(r->cur[i].s);
			/* json_string refuses invalid UTF-8: say so. */
			if (v == NULL)
				v = json_string("(invalid UTF-8)");
			if (v == NULL ||
			    json_object_set_new(o, r->cols[i].name, v) != 0)
				ret = -ENOMEM;
		}
		if (ret != 0)
			break;
		fputs(r->rows > 0 ? ",\n" : "\n", r->out);
		if (json_dumpf(o, r->out, JSON_PRESERVE_ORDER | JSON_COMPACT) !=
		    0)
			ret = -EIO;
		break;
	case REPORT_CSV:
		for (i = 0; i < r->ncols; i++) {
			if (i > 0)
				fputc(',', r->out);
			if (!r->cur[i].set)
				continue;
			if (r->cols[i].type == REPORT_INT)
				fprintf(r->out, "%" PRId64, r->cur[i].i);
			else if (r->cols[i].type == REPORT_BOOL)
				fputs(r->cur[i].i ? "true" : "false", r->out);
			else
				csv_field(r->out, r->cur[i].s);
		}
		fputs("\r\n", r->out);
		break;
	case REPORT_TEXT:
		if (r->nheld + r->ncols > r->capheld) {
			size_t cap = r->capheld ? 2 * r->capheld :
			    16 * r->ncols;

			while (cap < r->nheld + r->ncols)
				cap *= 2;
			if ((grown = reallocarray(r->held, cap,
			    sizeof(*grown))) == NULL) {
				ret = -ENOMEM;
				break;
			}
			r->held = grown;
			r->capheld = cap;
		}
		line = r->held + r->nheld;
		for (i = 0; i < r->ncols; i++) {
			if ((text = cell_text(r, i)) == NULL) {
				while (i-- > 0)
					free(line[i]);
				ret = -ENOMEM;
				break;
			}
			line[i] = text;
			if ((w = display_width(text)) > r->width[i])
				r->width[i] = w;
		}
		if (ret == 0)
			r->nheld += r->ncols;
		break;
	}
	json_decref(o);
	cur_clear(r);
	if (ret == 0 && ferror(r->out))
		ret = -EIO;
	if (ret == 0)
		r->rows++;
	else
		r->failed = true;
	return ret;
}

int
report_end(struct report *r)
{
	char *header[REPORT_COLS_MAX];
	size_t i;

	switch (r->fmt) {
	case REPORT_JSON:
		fputs(r->rows > 0 ? "\n]\n" : "]\n", r->out);
		break;
	case REPORT_CSV:
		break;
	case REPORT_TEXT:
		for (i = 0; i < r->ncols; i++)
			header[i] = (char *)r->cols[i].name;
		text_line(r, header);
		for (i = 0; i < r->nheld; i += r->ncols)
			text_line(r, r->held + i);
		break;
	}
	if (fflush(r->out) != 0 || ferror(r->out))
		return -EIO;
	return r->failed ? -EIO : 0;
}

void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	cur_clear(r);
	for (i = 0; i < r->nheld; i++)
		free(r->held[i]);
	free(r->held);
	free(r);
}

int
report_format_parse(const char *s, enum report_format *fmt)
{
	*fmt = REPORT_TEXT;
	if (s == NULL)
		return -EINVAL;
	if (strcmp(s, "text") == 0)
		*fmt = REPORT_TEXT;
	else if (strcmp(s, "json") == 0)
		*fmt = REPORT_JSON;
	else if (strcmp(s, "csv") == 0)
		*fmt = REPORT_CSV;
	else
		return -EINVAL;
	return 0;
}

/* --- helpers ------------------------------------------------------------ */

static void
cur_clear(struct report *r)
{
	size_t i;

	for (i = 0; i < r->ncols; i++) {
		free(r->cur[i].s);
		r->cur[i].s = NULL;
		r->cur[i].i = 0;
		r->cur[i].set = false;
	}
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF; double '"'. */
static int
csv_field(FILE *f, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL)
		return fputs(s, f) < 0 ? -EIO : 0;
	fputc('"', f);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
	return ferror(f) ? -EIO : 0;
}

/* The cell as text for the terminal: control characters become '?'. */
static char *
cell_text(const struct report *r, size_t i)
{
	char buf[32], *s, *p;

	if (!r->cur[i].set)
		return strdup("-");
	if (r->cols[i].type == REPORT_INT) {
		snprintf(buf, sizeof(buf), "%" PRId64, r->cur[i].i);
		return strdup(buf);
	}
	if (r->cols[i].type == REPORT_BOOL)
		return strdup(r->cur[i].i ? "yes" : "no");
	if ((s = strdup(r->cur[i].s[0] != '\0' ? r->cur[i].s : "-")) == NULL)
		return NULL;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

/* Code points, not bytes, so UTF-8 names line up. */
static size_t
display_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
text_line(struct report *r, char *const *cells)
{
	size_t i, w;

	for (i = 0; i < r->ncols; i++) {
		fputs(cells[i], r->out);
		if (i + 1 == r->ncols)
			break;
		for (w = display_width(cells[i]); w < r->width[i] + 2; w++)
			fputc(' ', r->out);
	}
	fputc('\n', r->out);
}
