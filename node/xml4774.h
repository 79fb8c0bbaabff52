/* SPDX-License-Identifier: ISC */
/*
 * xml4774: STANAG 4774 (ADatP-4774) XML for labels, export and import
 * (docs/labels.md, "4774 XML").  The only user of libxml2 in valise.
 *
 * XML input is untrusted.  It is bounded by XML4774_MAX, parsed without
 * network access, and any document with a DOCTYPE or an entity declaration
 * is refused before libxml2 sees it, so there are no external entities, no
 * DTD loading and no entity expansion.  The label is built through the
 * label builder of policy/label.h, never by splicing XML text into label
 * text, and is validated like any other label.
 */
#ifndef XML4774_H
#define XML4774_H

#include <stddef.h>

#include "policy/label.h"
#include "policy/policy.h"

/* Largest XML label accepted; real labels are well under 4 KiB. */
#define XML4774_MAX		(64u * 1024)
/* Longest text of one leaf element (a policy, level or value) read. */
#define XML4774_TEXT_MAX	256
/* Longest CreationDateTime written (an xs:dateTime). */
#define XML4774_TIME_MAX	40

#define XML4774_NS	"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0"

/*
 * Write l as an originatorConfidentialityLabel.  The owner token is always
 * listed in "Releasable To".  created (may be NULL) is written as
 * CreationDateTime; it must look like an xs:dateTime
 * ("2025-03-01T10:00:00Z").  *out is a NUL-terminated malloc'd string for
 * the caller to free(); *outlen is its length.
 * Returns 0, -EINVAL or -ENOMEM.
 */
int	xml4774_export(const struct policy_tables *t, const struct label *l,
	    const char *created, char **out, size_t *outlen)
	    __attribute__((warn_unused_result));

/*
 * Read an originatorConfidentialityLabel (or OriginatorConfidentialityLabel)
 * in the 4774 namespace from buf[0..len) into *l.  PolicyIdentifier may
 * carry a URI or URL attribute; when the policy has a configured URI they
 * must match.  PrivacyMark, CreationDateTime and OriginatorID are accepted
 * and ignored (never used in access control); any other element is an
 * error.  On failure *l is zeroed and err says why.  It installs silent
 * libxml2 global error handlers (libxml2 prints some errors whatever the
 * parser options say), so it is the only libxml2 user in the process.
 * Returns 0, -EMSGSIZE (larger than XML4774_MAX), -EINVAL (malformed,
 * hostile or invalid) or -ENOMEM.
 */
int	xml4774_import(const struct policy_tables *t, const char *buf,
	    size_t len, struct label *l, struct label_error *err)
	    __attribute__((warn_unused_result));

#endif /* XML4774_H */
