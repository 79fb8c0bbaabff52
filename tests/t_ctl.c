/* SPDX-License-Identifier: ISC */
/*
 * t_ctl: control-socket frames: round trips, every truncation, oversize,
 * garbage; bytes carried raw in the blob area, and every malformed blob
 * reference refused; the socket's mode and the caller's kernel credentials.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/ctl.h"
#include "tests/tap.h"

/* Write raw bytes into one end of a socket pair, then read a frame from
 * the other (after closing the writer, so truncation shows). */
static int
frame_from(const void *raw, size_t len, size_t max, struct ctl_msg **m)
{
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		BAIL_OUT("socketpair");
	if (write(sv[0], raw, len) != (ssize_t)len)
		BAIL_OUT("write");
	close(sv[0]);
	r = ctl_recv(sv[1], max, m);
	close(sv[1]);
	return r;
}

/* A frame around text with a correct length header. */
static int
json_frame(const char *text, struct ctl_msg **m)
{
	uint8_t raw[256];
	size_t n = strlen(text);

	raw[0] = raw[1] = raw[2] = 0;
	raw[3] = (uint8_t)n;
	memcpy(raw + 4, text, n);
	return frame_from(raw, n + 4, 100, m);
}

static void
test_round_trip(void)
{
	struct ctl_msg *m = ctl_msg_new(), *got = NULL, *item;
	const struct ctl_msg *it;
	const uint8_t body[5] = { 0, 1, 2, 0xfe, 0xff };
	uint8_t *buf;
	size_t len;
	int64_t v;
	bool b;
	int sv[2];

	ok(m != NULL, "new message");
	is(ctl_msg_set_str(m, "op", "send"), 0, "set string");
	ctl_msg_set_str(m, "word", "hello");
	is(ctl_msg_set_int(m, "n", -42), 0, "set int");
	is(ctl_msg_set_bool(m, "json", true), 0, "set bool");
	is(ctl_msg_set_bytes(m, "body", body, sizeof(body)), 0, "set bytes");
	is(ctl_msg_set_bytes(m, "empty", body, 0), 0, "set empty bytes");
	is(ctl_msg_set_str(m, "bad", "\xff\xfe"), -ENOMEM,
	    "invalid UTF-8 is not accepted as a string");
	item = ctl_msg_add(m, "items");
	ctl_msg_set_str(item, "id", "first");
	item = ctl_msg_add(m, "items");
	ctl_msg_set_str(item, "id", "second");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		BAIL_OUT("socketpair");
	is(ctl_send(sv[0], m), 0, "send a frame");
	is(ctl_recv(sv[1], CTL_FRAME_MAX, &got), 0, "receive it");
	close(sv[0]);
	close(sv[1]);
	ctl_msg_free(&m);
	ok(m == NULL, "free clears the pointer");
	if (got == NULL)
		BAIL_OUT("no frame");
	is_str(ctl_msg_str(got, "op"), "send", "string back");
	ok(ctl_msg_int(got, "n", &v) == 0 && v == -42, "int back");
	ok(ctl_msg_bool(got, "json", &b) == 0 && b, "bool back");
	is(ctl_msg_bytes(got, "body", 100, &buf, &len), 0, "bytes back");
	ok(len == 5 && memcmp(buf, body, 5) == 0, "bytes intact");
	free(buf);
	is(ctl_msg_bytes(got, "empty", 100, &buf, &len), 0, "empty bytes back");
	is(len, 0, "of length 0");
	free(buf);
	is(ctl_msg_bytes(got, "body", 4, &buf, &len), -EMSGSIZE,
	    "bytes over the caller's bound refused");
	is(ctl_msg_bytes(got, "word", 100, &buf, &len), -EINVAL,
	    "a string that is not base64 refused as bytes");
	is(ctl_msg_int(got, "op", &v), -EINVAL, "wrong type");
	is(ctl_msg_int(got, "none", &v), -ENOENT, "absent");
	ok(ctl_msg_str(got, "n") == NULL, "an int is not a string");
	is(ctl_msg_count(got, "items"), 2, "two items");
	it = ctl_msg_item(got, "items", 1);
	is_str(it ? ctl_msg_str(it, "id") : NULL, "second", "second item");
	ok(ctl_msg_item(got, "items", 2) == NULL, "no third item");
	ctl_msg_free(&got);
}

static void
test_bad_frames(void)
{
	const char good[] = "\0\0\0\x0b{\"op\":\"ok\"}";
	struct ctl_msg *m = NULL;
	size_t cut;
	int bad = 0;

	is(frame_from(good, sizeof(good) - 1, 100, &m), 0, "a good raw frame");
	ctl_msg_free(&m);
	for (cut = 0; cut < sizeof(good) - 1; cut++)
		if (frame_from(good, cut, 100, &m) == 0)
			bad++;
	is(bad, 0, "every truncation of a frame is refused");
	is(frame_from(good, sizeof(good) - 1, 10, &m), -EMSGSIZE,
	    "a frame over the bound is refused before reading it");
	is(frame_from("\xff\xff\xff\xff", 4, CTL_FRAME_MAX, &m), -EMSGSIZE,
	    "a 4 GiB length is refused");
	is(frame_from("\0\0\0\0", 4, 100, &m), -EBADMSG, "an empty frame");
	is(json_frame("{{{", &m), -EBADMSG, "garbage JSON");
	is(json_frame("[]", &m), -EBADMSG, "JSON that is not an object");
	is(json_frame("{\"a\":1,\"a\":2}", &m), -EBADMSG,
	    "duplicate keys refused");
	is(json_frame("{\"a\":\"\xff\"}", &m), -EBADMSG,
	    "invalid UTF-8 refused");
	is(json_frame("{\"a\":1} {}", &m), -EBADMSG, "trailing data refused");
	ok(m == NULL, "no message on error");
}

/* A frame body given as JSON text, a NUL and the blob area. */
static int
blob_body(const char *json, const void *area, size_t alen,
    struct ctl_msg **m)
{
	uint8_t body[512];
	size_t jlen = strlen(json);

	if (jlen + 1 + alen > sizeof(body))
		BAIL_OUT("blob_body");
	memcpy(body, json, jlen);
	body[jlen] = 0;
	memcpy(body + jlen + 1, area, alen);
	return ctl_msg_parse(body, jlen + 1 + alen, m);
}

static void
test_blobs(void)
{
	struct ctl_msg *m = ctl_msg_new(), *item, *got = NULL;
	uint8_t body[300], raw[2048], *buf;
	char *text = NULL;
	size_t len, tlen = 0, i, cut;
	ssize_t n;
	FILE *f;
	int sv[2], bad = 0;

	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7);
	ctl_msg_set_str(m, "op", "send");
	for (i = 0; i < 2; i++) {
		item = ctl_msg_add(m, "items");
		ctl_msg_set_bytes(item, "body", body + i, sizeof(body) - i);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		BAIL_OUT("socketpair");
	is(ctl_send(sv[0], m), 0, "send two bodies");
	close(sv[0]);
	n = read(sv[1], raw, sizeof(raw));
	close(sv[1]);
	len = n > 4 ? (size_t)n - 4 : 0;
	ok(n > 4 && (size_t)(raw[2] << 8 | raw[3]) == len,
	    "the length covers the JSON and the blob area");
	ok(len > 2 * sizeof(body) && memchr(raw + 4, 0, len) != NULL &&
	    memcmp(raw + 4 + len - (2 * sizeof(body) - 1), body,
	    sizeof(body)) == 0, "the bodies travel raw, after a NUL");
	ok(memmem(raw + 4, len, "\"$blob\":[0,300]", 15) != NULL &&
	    memmem(raw + 4, len, "\"$blob\":[300,299]", 17) != NULL,
	    "each is referred to by offset and length");
	is(ctl_msg_parse(raw + 4, len, &got), 0, "the frame parses");
	ok(got != NULL && ctl_msg_bytes(ctl_msg_item(got, "items", 1),
	    "body", 1000, &buf, &tlen) == 0 && tlen == sizeof(body) - 1 &&
	    memcmp(buf, body + 1, tlen) == 0, "the second body intact");
	if (got != NULL && tlen > 0)
		free(buf);
	for (cut = 0; cut < len; cut++) {
		struct ctl_msg *t = NULL;

		if (ctl_msg_parse(raw + 4, cut, &t) == 0)
			bad++;
		ctl_msg_free(&t);
	}
	is(bad, 0, "every truncation of a frame with bytes is refused");
	if ((f = open_memstream(&text, &tlen)) == NULL)
		BAIL_OUT("open_memstream");
	is(ctl_msg_print(got, f), 0, "print a message holding bytes");
	fclose(f);
	ok(text != NULL && strstr(text, "\"body\":\"AAcOFRwj") != NULL &&
	    strstr(text, "$blob") == NULL, "printed as base64");
	free(text);
	ctl_msg_free(&got);
	ctl_msg_free(&m);

	is(blob_body("{\"b\":{\"$blob\":[1,3]}}", "xabc", 4, &got), 0,
	    "a reference inside the area");
	ok(got != NULL && ctl_msg_bytes(got, "b", 10, &buf, &tlen) == 0 &&
	    tlen == 3 && memcmp(buf, "abc", 3) == 0, "its bytes");
	if (got != NULL && tlen == 3)
		free(buf);
	ctl_msg_free(&got);
	is(blob_body("{\"b\":{\"$blob\":[0,0]}}", "x", 1, &got), 0,
	    "an empty reference");
	ctl_msg_free(&got);
	is(blob_body("{\"b\":{\"$blob\":[2,3]}}", "xabc", 4, &got), -EBADMSG,
	    "a reference past the area");
	is(blob_body("{\"b\":{\"$blob\":[-1,2]}}", "xabc", 4, &got), -EBADMSG,
	    "a negative offset");
	is(blob_body("{\"b\":{\"$blob\":[0,-1]}}", "xabc", 4, &got), -EBADMSG,
	    "a negative length");
	is(blob_body("{\"b\":{\"$blob\":[0,9223372036854775807]}}", "xabc", 4,
	    &got), -EBADMSG, "a huge length");
	is(blob_body("{\"b\":{\"$blob\":[0]}}", "xabc", 4, &got), -EBADMSG,
	    "a reference without a length");
	is(blob_body("{\"b\":{\"$blob\":[0,1,2]}}", "xabc", 4, &got), -EBADMSG,
	    "a reference with three numbers");
	is(blob_body("{\"b\":{\"$blob\":[\"0\",1]}}", "xabc", 4, &got),
	    -EBADMSG, "a reference that is not numbers");
	is(blob_body("{\"b\":{\"$blob\":[0,1],\"x\":1}}", "xabc", 4, &got),
	    -EBADMSG, "a reference with another key");
	is(blob_body("{\"b\":{\"$blob\":5}}", "xabc", 4, &got), -EBADMSG,
	    "a reference that is not an array");
	is(blob_body("{\"b\":{\"$bytes\":\"abc\"}}", "x", 1, &got), -EBADMSG,
	    "the in-memory form is refused from a frame");
	is(blob_body("{\"i\":[{\"$bytes\":\"abc\"}]}", "x", 1, &got), -EBADMSG,
	    "also inside an array");
	is(ctl_msg_parse((const uint8_t *)"{\"b\":1}", 8, &got), -EBADMSG,
	    "a NUL with no area after it");
	is(ctl_msg_from_json("{\"b\":{\"$blob\":[0,0]}}", 21, &got), 0,
	    "a batch line is JSON only");
	is(ctl_msg_bytes(got, "b", 10, &buf, &tlen), -EINVAL,
	    "a reference in it is not bytes");
	ctl_msg_free(&got);
	is(ctl_msg_from_json("{\"b\":1}\0x", 9, &got), -EBADMSG,
	    "a NUL in a batch line");
	ok(got == NULL, "no message on error");
}

static void
test_socket(void)
{
	char dir[] = "/tmp/t_ctl.XXXXXX", path[128];
	struct ctl_msg *m = ctl_msg_new(), *got = NULL;
	struct ctl_reader rd;
	struct stat st;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int lfd, cfd, sfd, r;

	if (mkdtemp(dir) == NULL)
		BAIL_OUT("mkdtemp");
	snprintf(path, sizeof(path), "%s/%s", dir, CTL_SOCKET_NAME);
	is(ctl_connect(path, &cfd), -ENOENT, "no node: connect says ENOENT");
	is(ctl_listen(path, (gid_t)-1, &lfd), 0, "listen");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0660,
	    "the socket is mode 0660");
	is(ctl_connect(path, &cfd), 0, "connect");
	is(ctl_accept(lfd, &sfd, &uid, &gid, &pid), 0, "accept");
	ok(uid == getuid() && gid == getgid() && pid == getpid(),
	    "credentials come from the kernel");
	ctl_msg_set_str(m, "op", "status");
	ctl_reader_init(&rd, 1024);
	is(ctl_reader_feed(&rd, sfd, &got), -EAGAIN,
	    "nothing sent yet: the daemon side does not block");
	is(ctl_send(cfd, m), 0, "client sends");
	r = ctl_reader_feed(&rd, sfd, &got);
	is(r, 0, "the daemon side reads it");
	is_str(got ? ctl_msg_str(got, "op") : NULL, "status", "intact");
	ctl_msg_free(&got);
	close(cfd);
	is(ctl_reader_feed(&rd, sfd, &got), -ECONNRESET, "client gone");
	ctl_reader_clear(&rd);
	close(sfd);
	close(lfd);
	is(ctl_listen(path, (gid_t)-1, &lfd), 0, "a stale socket is replaced");
	close(lfd);
	unlink(path);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	is(ctl_listen(path, (gid_t)-1, &lfd), -EEXIST,
	    "a regular file in the way is not removed");
	unlink(path);
	rmdir(dir);
	ctl_msg_free(&m);
}

int
main(void)
{
	test_round_trip();
	test_bad_frames();
	test_blobs();
	test_socket();
	return done_testing();
}
