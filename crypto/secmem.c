/* SPDX-License-Identifier: ISC */
/*
 * secmem: libsodium start-up, no core dumps, guarded memory for secrets.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "crypto/secmem.h"

int
secmem_init(void)
{
	struct rlimit rl = { 0, 0 };

	if (sodium_init() < 0)
		return -ENOSYS;
	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		return -errno;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return -errno;
	return 0;
}

bool
secmem_dumps_disabled(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_CORE, &rl) != 0)
		return false;
	return rl.rlim_cur == 0 && rl.rlim_max == 0 &&
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
}

void *
secmem_alloc(size_t len)
{
	void *p;

	if (len == 0)
		return NULL;
	if ((p = sodium_malloc(len)) != NULL)
		memset(p, 0, len);
	return p;
}

void
secmem_free(void *p)
{
	/* sodium_free() wipes before unmapping; it needs write access. */
	if (p == NULL)
		return;
	sodium_mprotect_readwrite(p);
	sodium_free(p);
}

int
secmem_noaccess(void *p)
{
	return sodium_mprotect_noaccess(p) == 0 ? 0 : -errno;
}

int
secmem_readonly(void *p)
{
	return sodium_mprotect_readonly(p) == 0 ? 0 : -errno;
}

int
secmem_readwrite(void *p)
{
	return sodium_mprotect_readwrite(p) == 0 ? 0 : -errno;
}

void
secmem_wipe(void *p, size_t len)
{
	sodium_memzero(p, len);
}
