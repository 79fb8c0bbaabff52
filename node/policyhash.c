/* SPDX-License-Identifier: ISC */
/*
 * policyhash: BLAKE2b of the canonical policy tables.  policy/ is pure and
 * cannot hash, so the node does it here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/prim.h"
#include "node/policyhash.h"
#include "policy/policy.h"

int
policyhash_compute(const struct policy_tables *t,
    uint8_t out[POLICYHASH_BYTES])
{
	char *buf;
	size_t len = 0;
	int ret;

	memset(out, 0, POLICYHASH_BYTES);
	if (t == NULL)
		return -EINVAL;
	if (policy_tables_canonical(t, NULL, 0, &len) != -ENOSPC)
		return -EINVAL;
	if ((buf = malloc(len + 1)) == NULL)
		return -ENOMEM;
	if ((ret = policy_tables_canonical(t, buf, len + 1, &len)) == 0)
		ret = prim_hash(out, POLICYHASH_BYTES, (const uint8_t *)buf,
		    len, NULL, 0);
	free(buf);
	return ret;
}

int
policyhash_hex(const struct policy_tables *t, char out[POLICYHASH_HEX_BYTES])
{
	uint8_t h[POLICYHASH_BYTES];
	int ret;

	out[0] = '\0';
	if ((ret = policyhash_compute(t, h)) != 0)
		return ret;
	prim_to_hex(out, h, sizeof(h));
	return 0;
}
