/* SPDX-License-Identifier: ISC */
/*
 * keyfile: write and load the node secret key file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/buf.h"
#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "keys/keyfile.h"

#define SALT_BYTES	PRIM_PWHASH_SALT_BYTES
#define NONCE_BYTES	PRIM_AEAD_NONCE_BYTES
#define SUM_BYTES	32
#define SECRET_CLEAR	IDENTITY_SECRET_BYTES
#define SECRET_SEALED	(IDENTITY_SECRET_BYTES + PRIM_AEAD_TAG_BYTES)
/* Fixed fields before the name: magic, version, kdf, ops, mem, salt, nonce. */
#define REC_HEAD	(4 + 1 + 1 + 8 + 8 + SALT_BYTES + NONCE_BYTES)
#define REC_MAX		(REC_HEAD + 1 + NAME_NODE_MAX + 3 * 32 + \
			    SECRET_SEALED + SUM_BYTES)
/* Argon2id limits a file may ask for: at least MODERATE, at most what a
 * node can afford without being made to thrash by a crafted file. */
#define OPS_LIMIT_MAX	64
#define MEM_LIMIT_MAX	(4ull * 1024 * 1024 * 1024)

/* A decoded record: pointers into rec. */
struct record {
	struct keyfile_public	 pub;
	const uint8_t		*salt;
	const uint8_t		*nonce;
	const uint8_t		*secret;
	size_t			 secret_len;
	size_t			 secret_off;	/* = length of the AD */
};

/* Refuse what a secret file must not be: 0 or -errno. */
static int
check_fd(int fd, size_t max)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((st.st_mode & 077) != 0 || st.st_uid != geteuid())
		return -EPERM;
	if (st.st_size < 0 || (uint64_t)st.st_size > max)
		return -EFBIG;
	return 0;
}

/* Read a whole small secret file into buf[0..cap), checked by check_fd. */
static int
read_secret_file(const char *path, char *buf, size_t cap, size_t *len)
{
	ssize_t n;
	int fd, ret;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)) < 0)
		return -errno;
	if ((ret = check_fd(fd, cap - 1)) != 0)
		goto out;
	for (;;) {
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
		if (*len == cap) {
			ret = -EFBIG;
			goto out;
		}
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

/* The two text lines to the binary record: 0 or -EPROTO. */
static int
decode_text(const char *text, size_t len, uint8_t *rec, size_t *reclen)
{
	const char *nl, *b64;
	size_t i, clen = strlen(KEYFILE_COMMENT), b64len, pad = 0, n;

	*reclen = 0;
	if ((nl = memchr(text, '\n', len)) == NULL ||
	    (size_t)(nl - text) < clen ||
	    (size_t)(nl - text) > clen + KEYFILE_COMMENT_MAX ||
	    memcmp(text, KEYFILE_COMMENT, clen) != 0)
		return -EPROTO;
	for (i = 0; i < (size_t)(nl - text); i++)
		if ((unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] == 0x7f)
			return -EPROTO;
	b64 = nl + 1;
	if (len < 1 || text[len - 1] != '\n')
		return -EPROTO;
	b64len = (size_t)(text + len - 1 - b64);
	if (b64len == 0 || b64len % 4 != 0 ||
	    memchr(b64, '\n', b64len) != NULL)
		return -EPROTO;
	if (b64[b64len - 1] == '=')
		pad++;
	if (b64[b64len - 2] == '=')
		pad++;
	n = b64len / 4 * 3 - pad;
	if (n > REC_MAX || n < SUM_BYTES ||
	    prim_from_base64(rec, n, b64, b64len) != 0)
		return -EPROTO;
	*reclen = n;
	return 0;
}

/* Checksum first, so that any edit of the bytes reads as tampering. */
static int
parse_record(const uint8_t *rec, size_t len, struct record *r)
{
	struct buf_reader b;
	const uint8_t *magic;
	uint8_t sum[SUM_BYTES], version, kdf;
	const uint8_t *got;

	memset(r, 0, sizeof(*r));
	if (prim_hash(sum, sizeof(sum), rec, len - SUM_BYTES, NULL, 0) != 0)
		return -EPROTO;
	if (!prim_equal(sum, rec + len - SUM_BYTES, SUM_BYTES))
		return -EBADMSG;
	buf_reader_init(&b, rec, len);
	if (buf_get_ref(&b, &magic, 4) != 0 ||
	    memcmp(magic, KEYFILE_MAGIC, 4) != 0 ||
	    buf_get_u8(&b, &version) != 0)
		return -EPROTO;
	if (version != KEYFILE_VERSION)
		return -EPROTONOSUPPORT;
	if (buf_get_u8(&b, &kdf) != 0 ||
	    (kdf != KEYFILE_KDF_NONE && kdf != KEYFILE_KDF_ARGON2ID) ||
	    buf_get_u64(&b, &r->pub.opslimit) != 0 ||
	    buf_get_u64(&b, &r->pub.memlimit) != 0 ||
	    buf_get_ref(&b, &r->salt, SALT_BYTES) != 0 ||
	    buf_get_ref(&b, &r->nonce, NONCE_BYTES) != 0 ||
	    buf_get_str8(&b, r->pub.name, sizeof(r->pub.name), 1,
	    NAME_NODE_MAX) != 0 ||
	    !name_node_valid(r->pub.name, strlen(r->pub.name)) ||
	    buf_get_bytes(&b, r->pub.sign_pk, sizeof(r->pub.sign_pk)) != 0 ||
	    buf_get_bytes(&b, r->pub.box_pk, sizeof(r->pub.box_pk)) != 0 ||
	    buf_get_bytes(&b, r->pub.curve_pk, sizeof(r->pub.curve_pk)) != 0)
		return -EPROTO;
	r->pub.kdf = (enum keyfile_kdf)kdf;
	r->secret_off = buf_offset(&b);
	r->secret_len = kdf == KEYFILE_KDF_NONE ? SECRET_CLEAR : SECRET_SEALED;
	if (buf_get_ref(&b, &r->secret, r->secret_len) != 0 ||
	    buf_get_ref(&b, &got, SUM_BYTES) != 0 || buf_end(&b) != 0)
		return -EPROTO;
	if (kdf == KEYFILE_KDF_NONE) {
		/* Unused fields are zero: one encoding per key. */
		if (r->pub.opslimit != 0 || r->pub.memlimit != 0 ||
		    !prim_is_zero(r->salt, SALT_BYTES) ||
		    !prim_is_zero(r->nonce, NONCE_BYTES))
			return -EPROTO;
	} else {
		uint64_t ops, mem;

		prim_pwhash_limits(PRIM_PWHASH_MODERATE, &ops, &mem);
		if (r->pub.opslimit < ops || r->pub.memlimit < mem ||
		    r->pub.opslimit > OPS_LIMIT_MAX ||
		    r->pub.memlimit > MEM_LIMIT_MAX)
			return -ERANGE;
	}
	return 0;
}

/* Read, decode and check path into rec (secmem, REC_MAX bytes). */
static int
read_record(const char *path, uint8_t *rec, struct record *r)
{
	char *text;
	size_t len, reclen;
	int ret;

	memset(r, 0, sizeof(*r));
	if ((text = secmem_alloc(KEYFILE_MAX + 1)) == NULL)
		return -ENOMEM;
	if ((ret = read_secret_file(path, text, KEYFILE_MAX + 1, &len)) != 0)
		goto out;
	if ((ret = decode_text(text, len, rec, &reclen)) != 0)
		goto out;
	ret = parse_record(rec, reclen, r);
out:
	secmem_free(text);
	return ret;
}

int
keyfile_load_public(const char *path, struct keyfile_public *pub)
{
	struct record r;
	uint8_t *rec;
	int ret;

	memset(pub, 0, sizeof(*pub));
	if ((rec = secmem_alloc(REC_MAX)) == NULL)
		return -ENOMEM;
	if ((ret = read_record(path, rec, &r)) == 0)
		*pub = r.pub;
	secmem_free(rec);
	return ret;
}

int
keyfile_load(const char *path, const char *pass, size_t passlen,
    struct identity **idp)
{
	struct identity *id = NULL;
	struct record r;
	uint8_t *rec, *key = NULL, *secret = NULL;
	int ret;

	*idp = NULL;
	if ((rec = secmem_alloc(REC_MAX)) == NULL)
		return -ENOMEM;
	if ((ret = read_record(path, rec, &r)) != 0)
		goto out;
	if ((secret = secmem_alloc(IDENTITY_SECRET_BYTES)) == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	if (r.pub.kdf == KEYFILE_KDF_NONE) {
		memcpy(secret, r.secret, IDENTITY_SECRET_BYTES);
	} else {
		if (pass == NULL) {
			ret = -ENOKEY;
			goto out;
		}
		if ((key = secmem_alloc(PRIM_AEAD_KEY_BYTES)) == NULL) {
			ret = -ENOMEM;
			goto out;
		}
		if (prim_pwhash_limits_derive(key, PRIM_AEAD_KEY_BYTES, pass,
		    passlen, r.salt, r.pub.opslimit, r.pub.memlimit) != 0) {
			ret = -ENOMEM;
			goto out;
		}
		if (prim_aead_open(secret, r.secret, r.secret_len, rec,
		    r.secret_off, r.nonce, key) != 0) {
			ret = -EKEYREJECTED;
			goto out;
		}
	}
	if ((ret = identity_from_secret(r.pub.name, secret, &id)) != 0)
		goto out;
	/* The recorded public keys must be the ones the secret gives. */
	if (memcmp(identity_sign_pk(id), r.pub.sign_pk, 32) != 0 ||
	    memcmp(identity_box_pk(id), r.pub.box_pk, 32) != 0 ||
	    memcmp(identity_curve_pk(id), r.pub.curve_pk, 32) != 0) {
		identity_free(&id);
		ret = -EBADMSG;
		goto out;
	}
	*idp = id;
	ret = 0;
out:
	secmem_free(key);
	secmem_free(secret);
	secmem_free(rec);
	return ret;
}

/* The record for id into rec (secmem, REC_MAX); *len its length. */
static int
encode_record(const struct identity *id, const char *pass, size_t passlen,
    uint8_t *rec, size_t *len)
{
	struct buf_writer w;
	uint8_t salt[SALT_BYTES] = { 0 }, nonce[NONCE_BYTES] = { 0 };
	uint8_t *key = NULL, *secret, *sum;
	uint64_t ops = 0, mem = 0;
	size_t ad_len;
	int ret = -EINVAL;

	*len = 0;
	if (pass != NULL) {
		prim_pwhash_limits(PRIM_PWHASH_MODERATE, &ops, &mem);
		prim_random(salt, sizeof(salt));
		prim_random(nonce, sizeof(nonce));
	}
	buf_writer_init(&w, rec, REC_MAX);
	if (buf_put_bytes(&w, KEYFILE_MAGIC, 4) != 0 ||
	    buf_put_u8(&w, KEYFILE_VERSION) != 0 ||
	    buf_put_u8(&w, pass != NULL ? KEYFILE_KDF_ARGON2ID :
	    KEYFILE_KDF_NONE) != 0 ||
	    buf_put_u64(&w, ops) != 0 || buf_put_u64(&w, mem) != 0 ||
	    buf_put_bytes(&w, salt, sizeof(salt)) != 0 ||
	    buf_put_bytes(&w, nonce, sizeof(nonce)) != 0 ||
	    buf_put_str8(&w, identity_name(id)) != 0 ||
	    buf_put_bytes(&w, identity_sign_pk(id), 32) != 0 ||
	    buf_put_bytes(&w, identity_box_pk(id), 32) != 0 ||
	    buf_put_bytes(&w, identity_curve_pk(id), 32) != 0)
		goto out;
	ad_len = buf_writer_len(&w);
	if (buf_put_reserve(&w, &secret, pass != NULL ? SECRET_SEALED :
	    SECRET_CLEAR) != 0)
		goto out;
	if (pass == NULL) {
		memcpy(secret, identity_secret(id), SECRET_CLEAR);
	} else {
		if ((key = secmem_alloc(PRIM_AEAD_KEY_BYTES)) == NULL) {
			ret = -ENOMEM;
			goto out;
		}
		if (prim_pwhash(key, PRIM_AEAD_KEY_BYTES, pass, passlen, salt,
		    PRIM_PWHASH_MODERATE) != 0) {
			ret = -ENOMEM;
			goto out;
		}
		if ((ret = prim_aead_seal(secret, identity_secret(id),
		    SECRET_CLEAR, rec, ad_len, nonce, key)) != 0)
			goto out;
	}
	if (buf_put_reserve(&w, &sum, SUM_BYTES) != 0 ||
	    prim_hash(sum, SUM_BYTES, rec, buf_writer_len(&w) - SUM_BYTES,
	    NULL, 0) != 0) {
		ret = -EINVAL;
		goto out;
	}
	*len = buf_writer_len(&w);
	ret = 0;
out:
	secmem_free(key);
	return ret;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
keyfile_write(const char *path, const struct identity *id, const char *pass,
    size_t passlen)
{
	uint8_t *rec = NULL;
	char *text = NULL;
	size_t reclen, off;
	int fd, ret, n;

	if (pass != NULL && (passlen == 0 || passlen > KEYFILE_PASSPHRASE_MAX))
		return -EINVAL;
	if ((rec = secmem_alloc(REC_MAX)) == NULL ||
	    (text = secmem_alloc(KEYFILE_MAX)) == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	/* All the work, Argon2id included, before the file exists. */
	if ((ret = encode_record(id, pass, passlen, rec, &reclen)) != 0)
		goto out;
	n = snprintf(text, KEYFILE_MAX,
	    "%svalise node secret key for %s (%s)\n",
	    KEYFILE_COMMENT, identity_name(id), pass != NULL ?
	    "passphrase, Argon2id" : "no passphrase, file permissions only");
	if (n < 0 || (size_t)n >= KEYFILE_MAX ||
	    (size_t)n + prim_base64_len(reclen) + 1 > KEYFILE_MAX) {
		ret = -EINVAL;
		goto out;
	}
	off = (size_t)n;
	prim_to_base64(text + off, KEYFILE_MAX - off, rec, reclen);
	off += prim_base64_len(reclen) - 1;
	text[off++] = '\n';

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || (ret = write_all(fd, text, off)) != 0 ||
	    fsync(fd) != 0) {
		if (ret == 0)
			ret = -errno;
		close(fd);
		unlink(path);
		goto out;
	}
	if (close(fd) != 0) {
		ret = -errno;
		unlink(path);
		goto out;
	}
	ret = 0;
out:
	secmem_free(text);
	secmem_free(rec);
	return ret;
}

int
keyfile_read_passphrase(const char *path, char **passp, size_t *lenp)
{
	char *pass;
	size_t len;
	int ret;

	*passp = NULL;
	*lenp = 0;
	/* Room for the longest passphrase, its newline, and one more byte
	 * to notice a longer file. */
	if ((pass = secmem_alloc(KEYFILE_PASSPHRASE_MAX + 3)) == NULL)
		return -ENOMEM;
	if ((ret = read_secret_file(path, pass, KEYFILE_PASSPHRASE_MAX + 2,
	    &len)) != 0)
		goto out_free;
	if (len > 0 && pass[len - 1] == '\n')
		pass[--len] = '\0';
	if (len > KEYFILE_PASSPHRASE_MAX) {
		ret = -EFBIG;
		goto out_free;
	}
	if (len == 0 || memchr(pass, '\0', len) != NULL) {
		ret = -EINVAL;
		goto out_free;
	}
	pass[len] = '\0';
	*passp = pass;
	*lenp = len;
	return 0;
out_free:
	secmem_free(pass);
	return ret;
}

const char *
keyfile_strerror(int err)
{
	switch (-err) {
	case 0:
		return "success";
	case ENOENT:
		return "does not exist";
	case EEXIST:
		return "already exists and is never overwritten";
	case ELOOP:
		return "is a symbolic link, refused";
	case EPERM:
		return "is accessible to group or others, or owned by another "
		    "user: refused (it must be mode 0600 and yours)";
	case EFBIG:
		return "is too large to be a key or passphrase file";
	case EINVAL:
		return "is not a regular file, or is empty or malformed";
	case EPROTO:
		return "is truncated or malformed";
	case EPROTONOSUPPORT:
		return "has an unsupported format version";
	case EBADMSG:
		return "is damaged or has been tampered with (checksum or "
		    "public keys do not match)";
	case ERANGE:
		return "asks for Argon2id limits below MODERATE or beyond "
		    "reason";
	case ENOKEY:
		return "is encrypted: a passphrase is needed";
	case EKEYREJECTED:
		return "cannot be decrypted: wrong passphrase";
	case ENOMEM:
		return "could not get memory (Argon2id needs 256 MiB)";
	default:
		return strerror(-err);
	}
}
