/* SPDX-License-Identifier: ISC */
/*
 * rel: the releasability code space of labels and affiliations: the 249
 * officially assigned ISO 3166-1 alpha-3 codes and the organisation tokens
 * NATO and EU, in one strcmp-sorted table.  An index into that table is a
 * bit in a REL set (struct label, struct clearance_subject).
 */
#ifndef REL_H
#define REL_H

#include <stdbool.h>
#include <stddef.h>

#define REL_ISO_CODES	249	/* assigned alpha-3 codes (iso-codes 4.15) */
#define REL_CODES	251	/* plus the organisation tokens EU and NATO */
#define REL_WORDS	((REL_CODES + 63) / 64)	/* uint64_t words of a set */

/*
 * Index of the code s[0..len) (already uppercase, no NUL needed), or -1 if
 * it is neither an assigned alpha-3 code nor EU/NATO.
 */
int	rel_lookup(const char *s, size_t len);

/* The code at idx ("BEL", "NATO"), or NULL when idx is out of range. */
const char *rel_code(int idx);

/* True for the organisation tokens EU and NATO. */
bool	rel_is_org(int idx);

#endif /* REL_H */
