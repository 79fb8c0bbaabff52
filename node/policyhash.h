/* SPDX-License-Identifier: ISC */
/*
 * policyhash: the "policy version" logged with every decision: BLAKE2b-256
 * of the canonical serialisation of the policy tables in force
 * (policy_tables_canonical).  Equal tables give equal hashes on every
 * node, whatever order the configuration declared them in.
 */
#ifndef POLICYHASH_H
#define POLICYHASH_H

#include <stdint.h>

#include "policy/policy.h"

#define POLICYHASH_BYTES	32
#define POLICYHASH_HEX_BYTES	(2 * POLICYHASH_BYTES + 1)

/* Hash of the tables into out.  Returns 0, -EINVAL or -ENOMEM. */
int	policyhash_compute(const struct policy_tables *t,
	    uint8_t out[POLICYHASH_BYTES]) __attribute__((warn_unused_result));

/* The same as lowercase hex with its NUL.  Returns 0, -EINVAL, -ENOMEM. */
int	policyhash_hex(const struct policy_tables *t,
	    char out[POLICYHASH_HEX_BYTES]) __attribute__((warn_unused_result));

#endif /* POLICYHASH_H */
