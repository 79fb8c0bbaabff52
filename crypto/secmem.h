/* SPDX-License-Identifier: ISC */
/*
 * secmem: process start-up for programs that hold secrets, and the guarded
 * memory those secrets live in.
 *
 * Every program calls secmem_init() first, before it reads any secret: it
 * initialises libsodium and turns core dumps off (RLIMIT_CORE 0 and
 * PR_SET_DUMPABLE 0), so a crash cannot write a key to disk.
 *
 * secmem_alloc() returns sodium_malloc memory: guard pages, mlock, a canary.
 * secmem_free() wipes and releases it.  Long-lived secrets are kept
 * PROT_NONE (secmem_noaccess) while idle.
 */
#ifndef SECMEM_H
#define SECMEM_H

#include <stdbool.h>
#include <stddef.h>

/* Initialise libsodium and disable core dumps.  0 or -errno. */
int	secmem_init(void) __attribute__((warn_unused_result));

/* True when core dumps are off for this process (for tests and status). */
bool	secmem_dumps_disabled(void);

/* Guarded allocation of len bytes (len > 0), or NULL.  Zero-filled. */
void	*secmem_alloc(size_t len);

/* Wipe and free memory from secmem_alloc(); NULL is allowed. */
void	secmem_free(void *p);

/* Change the protection of memory from secmem_alloc().  0 or -errno. */
int	secmem_noaccess(void *p);
int	secmem_readonly(void *p);
int	secmem_readwrite(void *p);

/* Wipe len bytes in a way the compiler cannot elide. */
void	secmem_wipe(void *p, size_t len);

#endif /* SECMEM_H */
