/* SPDX-License-Identifier: ISC */
/*
 * t_buf: the bounded reader and writer, and the node/address syntax of
 * crypto/name: round trips, every truncation length, trailing bytes,
 * bounds, and writers that refuse to overflow.
 */
#include <errno.h>
#include <string.h>

#include "crypto/buf.h"
#include "crypto/name.h"
#include "tests/tap.h"

/* Parse the record written by write_record(); 0 or the first error. */
static int
read_record(const uint8_t *p, size_t len)
{
	struct buf_reader r;
	uint8_t a, raw[3];
	uint16_t b;
	uint32_t c;
	uint64_t d;
	char s8[8], s16[300];
	const uint8_t *blob;
	size_t bloblen;
	int ret;

	buf_reader_init(&r, p, len);
	if ((ret = buf_get_u8(&r, &a)) != 0 ||
	    (ret = buf_get_u16(&r, &b)) != 0 ||
	    (ret = buf_get_u32(&r, &c)) != 0 ||
	    (ret = buf_get_u64(&r, &d)) != 0 ||
	    (ret = buf_get_bytes(&r, raw, sizeof(raw))) != 0 ||
	    (ret = buf_get_str8(&r, s8, sizeof(s8), 1, 7)) != 0 ||
	    (ret = buf_get_str16(&r, s16, sizeof(s16), 0, 299)) != 0 ||
	    (ret = buf_get_blob(&r, &blob, &bloblen, 16)) != 0 ||
	    (ret = buf_end(&r)) != 0)
		return ret;
	if (a != 0x12 || b != 0x3456 || c != 0x789abcde ||
	    d != 0x0102030405060708ull || memcmp(raw, "xyz", 3) != 0 ||
	    strcmp(s8, "node") != 0 || strlen(s16) != 260 ||
	    bloblen != 5 || memcmp(blob, "hello", 5) != 0)
		return -EPROTO;
	return 0;
}

static size_t
write_record(uint8_t *p, size_t cap)
{
	struct buf_writer w;
	char s16[261];

	memset(s16, 'L', 260);
	s16[260] = '\0';
	buf_writer_init(&w, p, cap);
	if (buf_put_u8(&w, 0x12) != 0 || buf_put_u16(&w, 0x3456) != 0 ||
	    buf_put_u32(&w, 0x789abcde) != 0 ||
	    buf_put_u64(&w, 0x0102030405060708ull) != 0 ||
	    buf_put_bytes(&w, "xyz", 3) != 0 || buf_put_str8(&w, "node") != 0 ||
	    buf_put_str16(&w, s16) != 0 || buf_put_blob(&w, "hello", 5) != 0)
		return 0;
	return buf_writer_len(&w);
}

static void
test_round_trip(void)
{
	uint8_t rec[400], small[20];
	size_t len, i, bad = 0;

	len = write_record(rec, sizeof(rec));
	is(len, 1 + 2 + 4 + 8 + 3 + 5 + 262 + 9, "record written");
	is(rec[1], 0x34, "u16 is big-endian");
	is(read_record(rec, len), 0, "record read back");
	for (i = 0; i < len; i++)
		if (read_record(rec, i) != -EBADMSG)
			bad++;
	is(bad, 0, "every truncation length (%zu) is -EBADMSG", len);
	rec[len] = 0;
	is(read_record(rec, len + 1), -EBADMSG, "a trailing byte is -EBADMSG");
	is(write_record(small, sizeof(small)), 0,
	    "a writer refuses to overflow its buffer");
	for (i = 0; i < len; i++)
		if (write_record(rec, i) != 0)
			bad++;
	is(bad, 0, "writing fails for every buffer size short of the record");
}

static void
test_bounds(void)
{
	struct buf_reader r;
	struct buf_writer w;
	uint8_t in[8] = { 3, 'a', 0, 'b', 0, 2, 'o', 'k' }, out[4];
	char s[8];
	const uint8_t *p;
	size_t n;
	uint8_t v;
	char big[300];

	buf_reader_init(&r, in, sizeof(in));
	is(buf_get_str8(&r, s, sizeof(s), 1, 7), -EBADMSG,
	    "an embedded NUL is refused");
	is(buf_offset(&r), 0, "the reader did not move");
	is_str(s, "", "and the output is empty");
	is(buf_get_str8(&r, s, 3, 1, 7), -EINVAL,
	    "an output buffer not above max is a caller error");
	buf_reader_init(&r, in + 5, 3);
	is(buf_get_str8(&r, s, sizeof(s), 3, 7), -EBADMSG,
	    "a string below the minimum is refused");
	is(buf_get_str8(&r, s, sizeof(s), 1, 1), -EBADMSG,
	    "a string above the maximum is refused");
	is(buf_get_str8(&r, s, sizeof(s), 1, 7), 0, "an in-bounds string");
	is_str(s, "ok", "reads back");
	is(buf_end(&r), 0, "and the input is used up");
	is(buf_get_u8(&r, &v), -EBADMSG, "reading past the end fails");
	is(v, 0, "and clears the out-parameter");

	buf_reader_init(&r, "\0\0\0\x05" "abc", 7);
	is(buf_get_blob(&r, &p, &n, 16), -EBADMSG, "a short blob is refused");
	ok(p == NULL && n == 0, "with cleared out-parameters");
	buf_reader_init(&r, "\0\0\0\x03" "abc", 7);
	is(buf_get_blob(&r, &p, &n, 2), -EBADMSG,
	    "a blob above the caller's bound is refused");
	is(buf_get_blob(&r, &p, &n, BUF_BLOB_MAX + 1), -EINVAL,
	    "a bound above BUF_BLOB_MAX is a caller error");
	buf_reader_init(&r, "\xff\xff\xff\xff", 4);
	is(buf_get_blob(&r, &p, &n, BUF_BLOB_MAX), -EBADMSG,
	    "a 4 GiB length prefix is refused");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_writer_init(&w, out, sizeof(out));
	is(buf_put_str8(&w, big), -EINVAL, "a 299-byte str8 is refused");
	is(buf_put_u32(&w, 1), 0, "four bytes fit");
	is(buf_put_u8(&w, 1), -EMSGSIZE, "a fifth does not");
	is(buf_writer_len(&w), 4, "length unchanged by the failed write");
}

static void
test_names(void)
{
	static const char *good_nodes[] = { "BE-MFA", "A", "NATO-HQ-2",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345" };
	static const char *bad_nodes[] = { "", "-A", "A-", "be-mfa", "BE MFA",
	    "BE_MFA", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "BÉ" };
	static const char *good_addrs[] = { "BE-MFA", "alice@BE-MFA",
	    "j.dupont_2@NATO-HQ", "0x@A" };
	static const char *bad_addrs[] = { "@BE", "alice@", "Alice@BE",
	    "a@b@C", ".x@BE", "alice@be", "al ice@BE" };
	const char *node;
	size_t i, n;

	for (i = 0; i < sizeof(good_nodes) / sizeof(*good_nodes); i++)
		ok(name_node_valid(good_nodes[i], strlen(good_nodes[i])),
		    "node name '%s' accepted", good_nodes[i]);
	for (i = 0; i < sizeof(bad_nodes) / sizeof(*bad_nodes); i++)
		ok(!name_node_valid(bad_nodes[i], strlen(bad_nodes[i])),
		    "node name '%s' refused", bad_nodes[i]);
	for (i = 0; i < sizeof(good_addrs) / sizeof(*good_addrs); i++)
		ok(name_addr_valid(good_addrs[i], strlen(good_addrs[i])),
		    "address '%s' accepted", good_addrs[i]);
	for (i = 0; i < sizeof(bad_addrs) / sizeof(*bad_addrs); i++)
		ok(!name_addr_valid(bad_addrs[i], strlen(bad_addrs[i])),
		    "address '%s' refused", bad_addrs[i]);
	is(name_addr_node("alice@BE-MFA", 12, &node, &n), 0, "node of a user");
	ok(n == 6 && memcmp(node, "BE-MFA", 6) == 0, "is BE-MFA");
}

int
main(void)
{
	test_round_trip();
	test_bounds();
	test_names();
	return done_testing();
}
