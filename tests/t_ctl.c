/* SPDX-License-Identifier: ISC */
/*
 * t_ctl: control-socket frames: round trips, every truncation, oversize,
 * garbage; the socket's mode and the caller's kernel credentials.
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
	test_socket();
	return done_testing();
}
