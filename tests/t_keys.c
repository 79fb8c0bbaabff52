/* SPDX-License-Identifier: ISC */
/*
 * t_keys: node identity, key files and peer lines.  Known answers from a
 * fixed node secret (tests/data/TEST-ONLY-identity-v1.txt); key files in
 * clear and under a passphrase; a wrong passphrase, wrong modes, a
 * symbolic link, every truncation, every tampered byte, weak Argon2id
 * limits and another version each refused with its own error; passphrase
 * files; strict peer-line parsing with the reason named.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "keys/identity.h"
#include "keys/keyfile.h"
#include "keys/peerline.h"
#include "tests/tap.h"

#define KAT_FILE	"tests/data/TEST-ONLY-identity-v1.txt"

static char dir[] = "/tmp/valise-t_keys.XXXXXX";
static uint8_t secret[IDENTITY_SECRET_BYTES];

static char *
path(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void
write_file(const char *p, const void *data, size_t len, mode_t mode)
{
	int fd;

	unlink(p);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, mode)) < 0 ||
	    write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0 ||
	    close(fd) != 0)
		BAIL_OUT("cannot write %s", p);
}

static char *
read_text(const char *p, size_t *len)
{
	static char buf[4096];
	ssize_t n;
	int fd;

	if ((fd = open(p, O_RDONLY)) < 0 ||
	    (n = read(fd, buf, sizeof(buf) - 1)) < 0)
		BAIL_OUT("cannot read %s", p);
	close(fd);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void
hex(char *out, const uint8_t *in)
{
	prim_to_hex(out, in, 32);
}

static void
test_identity(void)
{
	struct identity *id = NULL, *again = NULL;
	uint8_t a[32], b[32], pk[32];
	char h[5][65], line[PEERLINE_MAX + 1], kat[2048], want[2048];
	struct peerline peer;
	const char *src = getenv("VALISE_SRC");
	char kp[4096];
	FILE *f;
	size_t n;

	is(identity_from_secret("BE-MFA", secret, &id), 0,
	    "identity from a fixed secret");
	is_str(identity_name(id), "BE-MFA", "name");
	ok(memcmp(identity_sign_pk(id), identity_box_pk(id), 32) != 0 &&
	    memcmp(identity_box_pk(id), identity_curve_pk(id), 32) != 0,
	    "the three keys differ (one key per purpose)");
	is(prim_box_public(pk, identity_box_sk(id)), 0, "box public from sk");
	is_mem(pk, identity_box_pk(id), 32, "envelope key pair matches");
	is(prim_box_public(pk, identity_curve_sk(id)), 0, "curve public");
	is_mem(pk, identity_curve_pk(id), 32, "transport key pair matches");
	is_mem(identity_sign_sk(id) + 32, identity_sign_pk(id), 32,
	    "the Ed25519 secret key ends with its public key");
	is(identity_db_key(id, "store", a), 0, "store key");
	is(identity_db_key(id, "audit", b), 0, "audit key");
	ok(!prim_equal(a, b, 32), "store and audit keys differ");
	is(identity_db_key(id, "other", b), -EINVAL, "unknown purpose refused");
	ok(prim_is_zero(b, 32), "and the output is zeroed");
	is(identity_from_secret("BE-MFA", secret, &again), 0, "again");
	is_mem(identity_sign_pk(again), identity_sign_pk(id), 32,
	    "derivation is deterministic");
	identity_free(&again);
	is(identity_from_secret("be-mfa", secret, &again), -EINVAL,
	    "an invalid node name is refused");
	ok(again == NULL, "with no identity");

	/* Known answers: the derivation and the peer line cannot drift. */
	is(identity_db_key(id, "store", a), 0, "store key");
	is(identity_db_key(id, "audit", b), 0, "audit key");
	hex(h[0], identity_sign_pk(id));
	hex(h[1], identity_box_pk(id));
	hex(h[2], identity_curve_pk(id));
	hex(h[3], a);
	hex(h[4], b);
	secmem_wipe(a, 32);
	secmem_wipe(b, 32);
	is(peerline_from_keys("BE-MFA", identity_sign_pk(id),
	    identity_box_pk(id), identity_curve_pk(id), &peer), 0,
	    "peer line from the keys");
	is(peerline_format(&peer, line, sizeof(line)), 0, "format it");
	snprintf(kat, sizeof(kat), "sign_pk %s\nbox_pk %s\ncurve_pk %s\n"
	    "store_key %s\naudit_key %s\npeerline %s\nfingerprint %s\n",
	    h[0], h[1], h[2], h[3], h[4], line, peer.fingerprint);
	snprintf(kp, sizeof(kp), "%s/%s", src ? src : ".", KAT_FILE);
	if (getenv("VALISE_KAT_WRITE") != NULL) {
		if ((f = fopen(kp, "w")) == NULL)
			BAIL_OUT("cannot write %s", kp);
		fprintf(f,
		    "# TEST-ONLY known answers: node BE-MFA, node secret "
		    "32 bytes of 0x42 (tests/t_keys.c).\n%s", kat);
		fclose(f);
	}
	if ((f = fopen(kp, "r")) == NULL)
		BAIL_OUT("cannot read %s", kp);
	n = fread(want, 1, sizeof(want) - 1, f);
	fclose(f);
	want[n] = '\0';
	ok(strchr(want, '\n') != NULL &&
	    strcmp(strchr(want, '\n') + 1, kat) == 0,
	    "keys, database keys, peer line and fingerprint match the vector");
	identity_free(&id);
	ok(id == NULL, "identity_free clears the pointer");
	identity_free(&id);
}

static void
test_keyfile_clear(void)
{
	struct identity *id = NULL, *got = NULL;
	struct keyfile_public pub;
	struct stat st;
	char *text, *copy, *p = path("clear.sec");
	uint8_t rec[512], sum[32];
	size_t len, i, bad;
	char b64[1024], line[1200];
	size_t reclen, b64len, head;

	if (identity_from_secret("NL-MINBUZA", secret, &id) != 0)
		BAIL_OUT("identity");
	is(keyfile_write(p, id, NULL, 0), 0, "write a key file in clear");
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "it is mode 0600");
	is(keyfile_write(p, id, NULL, 0), -EEXIST, "it is never overwritten");
	is(keyfile_load(p, NULL, 0, &got), 0, "load it");
	ok(got != NULL && memcmp(identity_sign_pk(got), identity_sign_pk(id),
	    32) == 0, "same keys");
	identity_free(&got);
	is(keyfile_load(p, "unused", 6, &got), 0,
	    "a passphrase given for a file in clear is ignored");
	identity_free(&got);
	is(keyfile_load_public(p, &pub), 0, "load the public part");
	ok(pub.kdf == KEYFILE_KDF_NONE && strcmp(pub.name, "NL-MINBUZA") == 0 &&
	    memcmp(pub.box_pk, identity_box_pk(id), 32) == 0,
	    "name, kdf and keys");

	chmod(p, 0640);
	is(keyfile_load(p, NULL, 0, &got), -EPERM,
	    "a key file readable by group is refused");
	chmod(p, 0604);
	is(keyfile_load_public(p, &pub), -EPERM,
	    "one readable by others too, even for the public part");
	chmod(p, 0600);
	unlink(path("link.sec"));
	if (symlink(p, path("link.sec")) != 0)
		BAIL_OUT("symlink");
	is(keyfile_load(path("link.sec"), NULL, 0, &got), -ELOOP,
	    "a symbolic link to a key file is refused");
	is(keyfile_write(path("link.sec"), id, NULL, 0), -EEXIST,
	    "and is never written through");
	is(keyfile_load(path("absent.sec"), NULL, 0, &got), -ENOENT,
	    "a missing file is -ENOENT");
	ok(strcmp(keyfile_strerror(-EPERM), keyfile_strerror(-EPROTO)) != 0 &&
	    strcmp(keyfile_strerror(-EBADMSG),
	    keyfile_strerror(-EPROTO)) != 0 &&
	    strcmp(keyfile_strerror(-EKEYREJECTED),
	    keyfile_strerror(-EBADMSG)) != 0 &&
	    strcmp(keyfile_strerror(-ELOOP), keyfile_strerror(-EPERM)) != 0,
	    "each refusal has its own message");

	text = read_text(p, &len);
	if ((copy = malloc(len)) == NULL)
		BAIL_OUT("malloc");
	memcpy(copy, text, len);
	for (i = 0, bad = 0; i < len; i++) {
		write_file(path("cut.sec"), copy, i, 0600);
		if (keyfile_load(path("cut.sec"), NULL, 0, &got) != -EPROTO)
			bad++;
		identity_free(&got);
	}
	is(bad, 0, "every truncation (%zu lengths) is -EPROTO (truncated)",
	    len);

	/* Decode the record, flip each byte, re-encode: tampered. */
	head = (size_t)((char *)memchr(copy, '\n', len) + 1 - copy);
	b64len = len - head - 1;
	memcpy(b64, copy + head, b64len);
	b64[b64len] = '\0';
	reclen = b64len / 4 * 3 - (b64[b64len - 1] == '=') -
	    (b64[b64len - 2] == '=');
	if (prim_from_base64(rec, reclen, b64, b64len) != 0)
		BAIL_OUT("decode");
	for (i = 0, bad = 0; i < reclen; i++) {
		rec[i] ^= 0x04;
		memcpy(line, copy, head);
		prim_to_base64(line + head, sizeof(line) - head, rec, reclen);
		strcat(line, "\n");
		rec[i] ^= 0x04;
		write_file(path("tamper.sec"), line, strlen(line), 0600);
		if (keyfile_load(path("tamper.sec"), NULL, 0, &got) != -EBADMSG)
			bad++;
		identity_free(&got);
	}
	is(bad, 0, "every tampered byte (%zu) is -EBADMSG", reclen);

	/* A forger who recomputes the checksum: the public keys no longer
	 * match the secret. */
	rec[4 + 1 + 1 + 8 + 8 + 16 + 24 + 1 + 10] ^= 0x01;	/* sign_pk */
	if (prim_hash(sum, 32, rec, reclen - 32, NULL, 0) != 0)
		BAIL_OUT("hash");
	memcpy(rec + reclen - 32, sum, 32);
	memcpy(line, copy, head);
	prim_to_base64(line + head, sizeof(line) - head, rec, reclen);
	strcat(line, "\n");
	write_file(path("forged.sec"), line, strlen(line), 0600);
	is(keyfile_load(path("forged.sec"), NULL, 0, &got), -EBADMSG,
	    "a swapped public key with a recomputed checksum is -EBADMSG");
	rec[4 + 1 + 1 + 8 + 8 + 16 + 24 + 1 + 10] ^= 0x01;
	rec[4] = 2;
	if (prim_hash(sum, 32, rec, reclen - 32, NULL, 0) != 0)
		BAIL_OUT("hash");
	memcpy(rec + reclen - 32, sum, 32);
	prim_to_base64(line + head, sizeof(line) - head, rec, reclen);
	strcat(line, "\n");
	write_file(path("v2.sec"), line, strlen(line), 0600);
	is(keyfile_load(path("v2.sec"), NULL, 0, &got), -EPROTONOSUPPORT,
	    "another version is -EPROTONOSUPPORT");
	secmem_wipe(rec, sizeof(rec));
	secmem_wipe(line, sizeof(line));
	secmem_wipe(copy, len);
	free(copy);

	memcpy(line, "untrusted comment: x\nAAAA\nAAAA\n", 31);
	write_file(path("three.sec"), line, 31, 0600);
	is(keyfile_load(path("three.sec"), NULL, 0, &got), -EPROTO,
	    "a third line is -EPROTO");
	identity_free(&id);
}

static void
test_keyfile_passphrase(void)
{
	struct identity *id = NULL, *got = NULL;
	struct keyfile_public pub;
	char *p = path("enc.sec"), line[1200];
	uint8_t rec[512], sum[32];
	uint64_t ops, mem;
	size_t len, head, b64len, reclen;
	char *text;
	const char pass[] = "correct horse battery staple";

	if (identity_from_secret("FR-MEAE", secret, &id) != 0)
		BAIL_OUT("identity");
	is(keyfile_write(p, id, "", 0), -EINVAL, "an empty passphrase refused");
	is(keyfile_write(p, id, pass, strlen(pass)), 0,
	    "write a passphrase-protected key file");
	is(keyfile_load_public(p, &pub), 0, "public part without passphrase");
	prim_pwhash_limits(PRIM_PWHASH_MODERATE, &ops, &mem);
	ok(pub.kdf == KEYFILE_KDF_ARGON2ID && pub.opslimit == ops &&
	    pub.memlimit == mem, "Argon2id MODERATE limits recorded");
	is(keyfile_load(p, NULL, 0, &got), -ENOKEY,
	    "loading without a passphrase is -ENOKEY");
	is(keyfile_load(p, "wrong", 5, &got), -EKEYREJECTED,
	    "a wrong passphrase is -EKEYREJECTED");
	ok(got == NULL, "with no identity");
	is(keyfile_load(p, pass, strlen(pass), &got), 0,
	    "the right passphrase loads it");
	ok(got != NULL && prim_equal(identity_secret(got), secret, 32),
	    "the same node secret");
	identity_free(&got);

	/* Limits below MODERATE (checksum recomputed): refused unhashed. */
	text = read_text(p, &len);
	head = (size_t)(strchr(text, '\n') + 1 - text);
	b64len = len - head - 1;
	reclen = b64len / 4 * 3 - (text[len - 2] == '=') -
	    (text[len - 3] == '=');
	if (prim_from_base64(rec, reclen, text + head, b64len) != 0)
		BAIL_OUT("decode");
	rec[4 + 1 + 1 + 7] = 1;		/* opslimit = 1 */
	if (prim_hash(sum, 32, rec, reclen - 32, NULL, 0) != 0)
		BAIL_OUT("hash");
	memcpy(rec + reclen - 32, sum, 32);
	memcpy(line, text, head);
	prim_to_base64(line + head, sizeof(line) - head, rec, reclen);
	strcat(line, "\n");
	write_file(path("weak.sec"), line, strlen(line), 0600);
	is(keyfile_load(path("weak.sec"), pass, strlen(pass), &got), -ERANGE,
	    "Argon2id limits below MODERATE are -ERANGE");
	identity_free(&id);
}

static void
test_passphrase_file(void)
{
	char *pass = NULL, big[KEYFILE_PASSPHRASE_MAX + 3];
	size_t len = 0;

	write_file(path("pass"), "s3cret words\n", 13, 0600);
	is(keyfile_read_passphrase(path("pass"), &pass, &len), 0,
	    "read a passphrase file");
	ok(len == 12 && strcmp(pass, "s3cret words") == 0,
	    "one trailing newline dropped");
	secmem_free(pass);
	write_file(path("pass"), "s3cret words", 12, 0640);
	is(keyfile_read_passphrase(path("pass"), &pass, &len), -EPERM,
	    "a group-readable passphrase file is refused");
	ok(pass == NULL && len == 0, "with nothing returned");
	write_file(path("pass"), "\n", 1, 0600);
	is(keyfile_read_passphrase(path("pass"), &pass, &len), -EINVAL,
	    "an empty passphrase is refused");
	write_file(path("pass"), "a\0b", 3, 0600);
	is(keyfile_read_passphrase(path("pass"), &pass, &len), -EINVAL,
	    "a NUL in the passphrase is refused");
	memset(big, 'p', sizeof(big));
	write_file(path("pass"), big, KEYFILE_PASSPHRASE_MAX + 1, 0600);
	is(keyfile_read_passphrase(path("pass"), &pass, &len), -EFBIG,
	    "a passphrase above KEYFILE_PASSPHRASE_MAX is refused");
	write_file(path("pass"), big, KEYFILE_PASSPHRASE_MAX, 0600);
	is(keyfile_read_passphrase(path("pass"), &pass, &len), 0,
	    "one of exactly KEYFILE_PASSPHRASE_MAX is read");
	secmem_free(pass);
	unlink(path("plink"));
	if (symlink(path("pass"), path("plink")) != 0)
		BAIL_OUT("symlink");
	is(keyfile_read_passphrase(path("plink"), &pass, &len), -ELOOP,
	    "a symbolic link is refused");
}

static void
test_peerline(void)
{
	struct identity *id = NULL;
	struct peerline peer, back;
	char line[PEERLINE_MAX + 1], bad[512], k[45];
	const char *why;
	uint8_t zero[32] = { 0 };
	static const struct {
		const char	*fmt;	/* %s: name, sign, box, curve */
		const char	*why;
	} cases[] = {
		{ "", "empty" },
		{ "valise2:%s:%s:%s:%s", "unsupported version tag" },
		{ "wireguard:%s:%s:%s:%s", "missing version tag" },
		{ "VALISE1:%s:%s:%s:%s", "missing version tag" },
		{ "valise1:%s:%s:%s:%s\n", "control" },
		{ " valise1:%s:%s:%s:%s", "space" },
		{ "valise1:%s:%s:%s:%s:", "trailing characters" },
		{ "valise1:%s:%s:%s:%sAAAA", "trailing characters" },
		{ "valise1:%s:%s:%s", "missing transport key" },
		{ "valise1:%s:%s", "missing envelope and transport" },
		{ "valise1:%s", "missing signing" },
		{ "valise1::%.0s%s:%s:%s", "missing node name" },
		{ "valise1:be-mfa%.0s:%s:%s:%s", "node name may hold only" },
		{ "valise1:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456%.0s:%s:%s:%s",
		    "longer than 32" },
		{ "valise1:%s::%.0s%s:%s", "missing signing key" },
		{ "valise1:%s:%.43s:%s:%s", "signing key is not 44" },
		{ "valise1:%s:%s:%.40s:%s", "envelope key is not 44" },
		{ "valise1:%s:%s:%s:%.43s", "transport key is not 44" },
	};
	size_t i;

	if (identity_from_secret("BE-MFA", secret, &id) != 0)
		BAIL_OUT("identity");
	is(peerline_from_keys("BE-MFA", identity_sign_pk(id),
	    identity_box_pk(id), identity_curve_pk(id), &peer), 0, "from keys");
	is(peerline_format(&peer, line, sizeof(line)), 0, "format");
	ok(strncmp(line, "valise1:BE-MFA:", 15) == 0, "begins valise1:NAME:");
	is(strlen(peer.fingerprint), 35, "fingerprint of 35 characters");
	ok(peer.fingerprint[5] == ' ' && peer.fingerprint[29] == ' ',
	    "six groups of five");
	is(peerline_parse(line, &back, &why), 0, "the line parses back");
	ok(memcmp(&peer, &back, sizeof(peer)) == 0,
	    "to the same name, keys and fingerprint");
	is(peerline_format(&peer, bad, 20), -EMSGSIZE,
	    "formatting into a short buffer fails");

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char sk[45], bk[45], ck[45];

		prim_to_base64(sk, sizeof(sk), peer.sign_pk, 32);
		prim_to_base64(bk, sizeof(bk), peer.box_pk, 32);
		prim_to_base64(ck, sizeof(ck), peer.curve_pk, 32);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(bad, sizeof(bad), cases[i].fmt, "BE-MFA", sk, bk, ck);
#pragma GCC diagnostic pop
		why = NULL;
		is(peerline_parse(bad, &back, &why), -EINVAL,
		    "case %zu refused", i);
		ok(why != NULL && strstr(why, cases[i].why) != NULL,
		    "case %zu names the reason: %s", i, why ? why : "(none)");
	}
	/* Non-canonical base64 and small-order keys, by field. */
	prim_to_base64(k, sizeof(k), zero, 32);
	snprintf(bad, sizeof(bad), "valise1:BE-MFA:%s:%s:%s", k, k, k);
	is(peerline_parse(bad, &back, &why), -EINVAL, "zero keys refused");
	ok(why && strstr(why, "signing key is not a valid Ed25519") != NULL,
	    "naming the signing key");
	memcpy(bad, line, strlen(line) + 1);
	memcpy(bad + 15 + 45, k, 44);
	is(peerline_parse(bad, &back, &why), -EINVAL,
	    "a small-order envelope key refused");
	ok(why && strstr(why, "envelope key is a small-order") != NULL,
	    "naming the envelope key");
	memcpy(bad, line, strlen(line) + 1);
	memcpy(bad + 15 + 90, k, 44);
	is(peerline_parse(bad, &back, &why), -EINVAL,
	    "a small-order transport key refused");
	ok(why && strstr(why, "transport key is a small-order") != NULL,
	    "naming the transport key");
	memcpy(bad, line, strlen(line) + 1);
	bad[15 + 42] = bad[15 + 42] == 'A' ? 'B' : 'A';	/* last data digit */
	bad[15 + 43] = '=';
	is(peerline_parse(bad, &back, &why), -EINVAL,
	    "non-canonical base64 refused");
	memcpy(bad, line, strlen(line) + 1);
	bad[15 + 3] = '*';
	is(peerline_parse(bad, &back, &why), -EINVAL, "a bad base64 digit");
	ok(why && strstr(why, "signing key is not valid base64") != NULL,
	    "named");
	ok(back.name[0] == '\0', "a refused line leaves the peer zeroed");
	identity_free(&id);
}

int
main(void)
{
	char cmd[300];
	int r;

	if (secmem_init() != 0)
		BAIL_OUT("secmem_init");
	if (mkdtemp(dir) == NULL)
		BAIL_OUT("mkdtemp");
	memset(secret, 0x42, sizeof(secret));
	test_identity();
	test_keyfile_clear();
	test_passphrase_file();
	test_peerline();
	test_keyfile_passphrase();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	r = system(cmd);
	(void)r;
	return done_testing();
}
