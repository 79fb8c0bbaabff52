/* SPDX-License-Identifier: ISC */
/*
 * keyfile: the node's secret key file (docs/protocol.md, section 4), in
 * the style of signify: an "untrusted comment:" line, then one line of
 * base64 holding a record with the node name, the three public keys, the
 * node secret (in clear, or under XChaCha20-Poly1305 with a key from
 * Argon2id, limits recorded in the file) and a BLAKE2b checksum.
 *
 * The file is created O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600 and never
 * overwritten.  Loading refuses a symbolic link, a file readable or
 * writable by group or others or owned by another user, a truncated or
 * malformed file, a damaged one (checksum), and a wrong passphrase, each
 * with its own error (keyfile_strerror).  Secrets pass only through
 * secmem_alloc() memory and stack buffers that are wiped on every path.
 *
 * Key directory layout (DIR is --dir, later the configuration's key_dir):
 *	DIR/		mode 0700, created by keygen if missing
 *	DIR/node.sec	this file, mode 0600
 */
#ifndef KEYFILE_H
#define KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/name.h"
#include "crypto/prim.h"
#include "keys/identity.h"

#define KEYFILE_WUR __attribute__((warn_unused_result))

#define KEYFILE_NAME		"node.sec"
#define KEYFILE_VERSION		1
#define KEYFILE_MAGIC		"VLSK"
#define KEYFILE_COMMENT		"untrusted comment: "
/* A key file is two short lines; anything larger is not one. */
#define KEYFILE_MAX		2048
/* Comments are written by keygen and read by people: one short line. */
#define KEYFILE_COMMENT_MAX	160
/* Long enough for any passphrase a person types or a generator emits. */
#define KEYFILE_PASSPHRASE_MAX	1024

/* Key-derivation algorithms of the record. */
enum keyfile_kdf {
	KEYFILE_KDF_NONE	= 0,	/* protected by file permissions only */
	KEYFILE_KDF_ARGON2ID	= 1,	/* Argon2id + XChaCha20-Poly1305 */
};

/* What any user who may read the file learns without a passphrase. */
struct keyfile_public {
	char		name[NAME_NODE_MAX + 1];
	uint8_t		sign_pk[PRIM_SIGN_PK_BYTES];
	uint8_t		box_pk[PRIM_BOX_PK_BYTES];
	uint8_t		curve_pk[PRIM_BOX_PK_BYTES];
	enum keyfile_kdf kdf;
	uint64_t	opslimit;	/* Argon2id limits, 0 without */
	uint64_t	memlimit;
};

/*
 * Write id's secret to a new file at path, encrypted under pass[0..passlen)
 * with Argon2id MODERATE when pass is not NULL, in clear otherwise.
 * 0; -EEXIST when path exists (it is never overwritten); -ELOOP for a
 * symbolic link; -EINVAL for an empty or too long passphrase; -ENOMEM
 * when Argon2id cannot get its memory; another -errno from the system.
 * A partly written file is removed.
 */
int	keyfile_write(const char *path, const struct identity *id,
	    const char *pass, size_t passlen) KEYFILE_WUR;

/*
 * Load the identity from path, with pass (NULL for a file in clear).
 * 0 with *idp owned by the caller; -ENOENT; -ELOOP (symbolic link);
 * -EPERM (group/other access or another owner); -EFBIG (too large);
 * -EPROTO (truncated or malformed); -EPROTONOSUPPORT (other version);
 * -EBADMSG (checksum: damaged or tampered with); -ERANGE (Argon2id limits
 * below MODERATE or absurd); -ENOKEY (encrypted, no passphrase given);
 * -EKEYREJECTED (wrong passphrase); -ENOMEM.
 */
int	keyfile_load(const char *path, const char *pass, size_t passlen,
	    struct identity **idp) KEYFILE_WUR;

/* The public part only, with the same checks except the passphrase. */
int	keyfile_load_public(const char *path, struct keyfile_public *pub)
	    KEYFILE_WUR;

/*
 * Read a passphrase file (for unattended daemons): a regular file, not a
 * link, not accessible to group or others, 1..KEYFILE_PASSPHRASE_MAX
 * bytes without NUL, one trailing newline dropped.  *pass is secmem
 * memory, NUL-terminated; release it with secmem_free().  0; -ENOENT;
 * -ELOOP; -EPERM; -EFBIG; -EINVAL (empty or holds NUL); -ENOMEM.
 */
int	keyfile_read_passphrase(const char *path, char **pass, size_t *len)
	    KEYFILE_WUR;

/* A sentence for an error of the functions above ("is a symbolic link"). */
const char *keyfile_strerror(int err);

#endif /* KEYFILE_H */
