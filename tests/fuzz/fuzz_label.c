/* SPDX-License-Identifier: ISC */
/*
 * fuzz_label: label and clearance parsing.  Anything accepted must format
 * to a canonical form that parses back to the same label (or clearance),
 * and canonical forms are fixed points.  The first byte picks the parser.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/clearance.h"
#include "policy/label.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct policy_tables *tables;

static void
fuzz_label(const char *text)
{
	char buf[LABEL_FORMAT_MAX], again[LABEL_FORMAT_MAX];
	struct label_error err;
	struct label l, back, j;
	struct clearance_subject s;
	struct policy_decision d;

	if (label_parse(tables, text, &l, &err) != 0) {
		if (err.msg[0] == '\0')
			abort();	/* every error says why */
		return;
	}
	if (label_format(tables, &l, buf, sizeof(buf)) != 0)
		abort();
	if (label_parse(tables, buf, &back, &err) != 0 ||
	    !label_equal(&l, &back))
		abort();
	if (label_format(tables, &back, again, sizeof(again)) != 0 ||
	    strcmp(buf, again) != 0)
		abort();
	if (!label_dominates(tables, &l, &l))
		abort();
	if (label_join(tables, &l, &l, &j, &err) != 0 || !label_equal(&l, &j))
		abort();
	clearance_subject_init(&s);
	if (policy_decide(tables, POLICY_OP_READ, &l, NULL, &s, &d) != 0 ||
	    d.allow)
		abort();	/* nobody without a clearance reads anything */
}

static void
fuzz_clearance(const char *text)
{
	char buf[CLEARANCE_FORMAT_MAX], again[CLEARANCE_FORMAT_MAX];
	struct clearance_subject s, back;
	struct label_error err;
	unsigned i;

	clearance_subject_init(&s);
	if (clearance_parse(tables, text, &s, &err) != 0) {
		if (err.msg[0] == '\0' || s.nclr != 0)
			abort();
		return;
	}
	if (clearance_format_subject(tables, &s, buf, sizeof(buf)) != 0)
		abort();
	clearance_subject_init(&back);
	if (clearance_parse(tables, buf, &back, &err) != 0 ||
	    back.nclr != s.nclr)
		abort();
	for (i = 0; i < s.nclr; i++)
		if (memcmp(&s.clr[i], &back.clr[i], sizeof(s.clr[i])) != 0)
			abort();
	if (clearance_format_subject(tables, &back, again,
	    sizeof(again)) != 0 || strcmp(buf, again) != 0)
		abort();
	/* Affiliation parsers on the same bytes: no crash, no residue. */
	if (clearance_parse_nat(text, &s, &err) != 0 && s.nat != -1)
		abort();
	if (clearance_parse_orgs(text, &s, &err) != 0 && s.orgs != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (tables == NULL && (tables = policy_tables_new()) == NULL)
		abort();
	if (size < 1 || size > LABEL_TEXT_MAX + 16)
		return 0;
	if ((text = malloc(size)) == NULL)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		fuzz_clearance(text);
	else
		fuzz_label(text);
	free(text);
	return 0;
}
