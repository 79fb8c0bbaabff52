/* SPDX-License-Identifier: ISC */
/*
 * fuzz_checkpoint: the checkpoint text an auditor passes to `valise audit
 * verify --checkpoint`, or a peer sends as a witness, is untrusted.  A
 * parsed checkpoint must format back to exactly the input (one text per
 * checkpoint, modulo hex case), and verifying it must not crash.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/secmem.h"
#include "node/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_checkpoint cp;
	char again[AUDIT_CHECKPOINT_TEXT_MAX];
	int n;

	if (secmem_init() != 0)
		abort();
	if (audit_checkpoint_parse(&cp, (const char *)data, size) != 0)
		return 0;
	n = audit_checkpoint_format(&cp, again, sizeof(again));
	if (n < 0 || (size_t)n != size ||
	    strncasecmp(again, (const char *)data, size) != 0)
		abort();
	(void)audit_checkpoint_verify(&cp, NULL);
	return 0;
}
