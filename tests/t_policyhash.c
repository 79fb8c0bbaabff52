/* SPDX-License-Identifier: ISC */
/*
 * t_policyhash: the policy version hash is deterministic, changes with the
 * tables, and does not depend on the order of configured declarations.
 */
#include <errno.h>
#include <string.h>

#include "crypto/secmem.h"
#include "node/policyhash.h"
#include "policy/policy.h"
#include "tests/tap.h"

int
main(void)
{
	struct policy_tables *a, *b;
	char ha[POLICYHASH_HEX_BYTES], hb[POLICYHASH_HEX_BYTES];
	size_t i;

	if (secmem_init() != 0)
		BAIL_OUT("secmem_init");
	if ((a = policy_tables_new()) == NULL ||
	    (b = policy_tables_new()) == NULL)
		BAIL_OUT("policy_tables_new");
	is(policyhash_hex(a, ha), 0, "hash the built-in tables");
	is(strlen(ha), 64, "64 hex digits");
	for (i = 0; ha[i] != '\0'; i++)
		if (strchr("0123456789abcdef", ha[i]) == NULL)
			break;
	is(i, 64, "lowercase hex");
	is(policyhash_hex(b, hb), 0, "hash them again");
	is_str(ha, hb, "the same tables give the same hash");

	ok(policy_tables_add_category(a, "NATO", "Mission",
	    POLICY_CAT_PERMISSIVE, "RSM", 0) == 0 &&
	    policy_tables_add_policy(a, "FR", "FRA", NULL) == 0 &&
	    policy_tables_add_level(a, "FR", 3, "SECRET DEFENSE",
	    POLICY_NAME_LOCAL) == 0, "extend a");
	is(policyhash_hex(a, ha), 0, "hash a");
	ok(strcmp(ha, hb) != 0, "an extension changes the hash");
	ok(policy_tables_add_policy(b, "FR", "FRA", NULL) == 0 &&
	    policy_tables_add_level(b, "FR", 3, "SECRET DEFENSE",
	    POLICY_NAME_LOCAL) == 0 &&
	    policy_tables_add_category(b, "NATO", "Mission",
	    POLICY_CAT_PERMISSIVE, "RSM", 0) == 0,
	    "extend b the same way, in another order");
	is(policyhash_hex(b, hb), 0, "hash b");
	is_str(ha, hb, "the same hash");
	is(policyhash_hex(NULL, ha), -EINVAL, "NULL tables");
	is_str(ha, "", "leave an empty string");
	policy_tables_free(&a);
	policy_tables_free(&b);
	return done_testing();
}
