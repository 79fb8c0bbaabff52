/* SPDX-License-Identifier: ISC */
/*
 * fuzz_xml4774: STANAG 4774 XML import of untrusted documents.  Anything
 * accepted must be a valid label that exports and imports back to itself.
 */
#include <stdlib.h>
#include <string.h>

#include "node/xml4774.h"
#include "policy/label.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct policy_tables *tables;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct label_error err;
	struct label l, back;
	char *xml;
	size_t len;

	if (tables == NULL && (tables = policy_tables_new()) == NULL)
		abort();
	if (xml4774_import(tables, (const char *)data, size, &l, &err) != 0) {
		if (err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (label_validate(tables, &l, &err) != 0)
		abort();
	if (xml4774_export(tables, &l, "2025-03-01T10:00:00Z", &xml,
	    &len) != 0)
		abort();
	if (xml4774_import(tables, xml, len, &back, &err) != 0 ||
	    !label_equal(&l, &back))
		abort();
	free(xml);
	return 0;
}
