/* SPDX-License-Identifier: ISC */
/*
 * t_batchline: the `valise send --batch` line reader.  Every member and
 * escape decoded as the control socket's JSON decoder (jansson, through
 * ctl_msg_from_json) decodes it; every truncation of valid lines refused;
 * garbage, wrong types, unknown and repeated members, bad UTF-8, lone
 * surrogates, NUL, numbers out of range or not whole, and oversize
 * refused, each with its reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/batchline.h"
#include "node/ctl.h"
#include "tests/tap.h"

/* Parse s; the error text, or "" on success (bl filled). */
static const char *
parse(const char *s, struct batchline *bl)
{
	static char err[BATCHLINE_ERR_MAX];

	if (batchline_parse(s, strlen(s), bl, err) != 0)
		return err[0] ? err : "(no text)";
	return "";
}

/* Whether bl holds what the general JSON decoder makes of s. */
static bool
same_as_json(const char *s, const struct batchline *bl)
{
	struct ctl_msg *m = NULL;
	const char *v;
	int64_t n;
	int i;
	bool same = true;

	if (ctl_msg_from_json(s, strlen(s), &m) != 0)
		return false;
	for (i = 0; i < BATCHLINE_NMEMBERS; i++) {
		v = ctl_msg_str(m, batchline_member_name(i));
		if ((v == NULL) != (bl->str[i] == NULL) ||
		    (v != NULL && (strlen(v) != bl->len[i] ||
		    memcmp(v, bl->str[i], bl->len[i]) != 0)))
			same = false;
	}
	if (bl->expires_is_number &&
	    (ctl_msg_int(m, "expires", &n) != 0 || n != bl->expires))
		same = false;
	ctl_msg_free(&m);
	return same;
}

static const char *const good[] = {
	"{\"to\":\"BE-DEF\",\"label\":\"NATO SECRET\",\"body\":\"text\"}",
	" {\t\"to\" : \"BE-DEF,jdupont@BE-CUTA\" ,\r\n \"label\":\"BE:SECRET\","
	    "\"precedence\":\"FLASH\",\"subject\":\"s\",\"expires\":\"2d\","
	    "\"body\":\"\"} ",
	"{\"body\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t end\"}",
	"{\"body\":\"\\u00e9\\u20AC\\ud83d\\ude00 \\u0001\"}",
	"{\"subject\":\"raw UTF-8: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
	"{\"expires\":3600}",
	"{\"expires\":-0}",
	"{\"expires\":9223372036854775807}",
	"{\"expires\":-9223372036854775808}",
	"{\"t\\u006f\":\"BE-DEF\"}",
	"{}",
};

static void
test_good(void)
{
	struct batchline bl;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		is_str(parse(good[i], &bl), "", "good line %zu parses", i);
		ok(same_as_json(good[i], &bl),
		    "and decodes as the JSON decoder does");
		batchline_clear(&bl);
	}
	parse(good[0], &bl);
	is_str(bl.str[BATCHLINE_TO], "BE-DEF", "to");
	is_str(bl.str[BATCHLINE_LABEL], "NATO SECRET", "label");
	ok(bl.str[BATCHLINE_SUBJECT] == NULL, "an absent member is NULL");
	batchline_clear(&bl);
	parse(good[3], &bl);
	is_str(bl.str[BATCHLINE_BODY], "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 "
	    "\x01", "\\u escapes and a surrogate pair become UTF-8");
	batchline_clear(&bl);
	parse(good[5], &bl);
	ok(bl.expires_is_number && bl.expires == 3600 &&
	    bl.str[BATCHLINE_EXPIRES] == NULL, "expires as a number");
	batchline_clear(&bl);
}

static const struct {
	const char	*line;
	const char	*why;
} bad[] = {
	{ "", "not a JSON object" },
	{ "[]", "not a JSON object" },
	{ "\"to\"", "not a JSON object" },
	{ "{\"to\":\"A\"} x", "bytes after the object" },
	{ "{\"to\":\"A\"}{}", "bytes after the object" },
	{ "{\"to\":\"A\",}", "a member name (a string) was expected" },
	{ "{to:\"A\"}", "a member name (a string) was expected" },
	{ "{\"to\" \"A\"}", "':' was expected after 'to'" },
	{ "{\"to\":\"A\" \"label\":\"B\"}", "',' or '}' was expected after 'to'" },
	{ "{\"lable\":\"X\"}", "unknown member 'lable'" },
	{ "{\"\":\"X\"}", "unknown member '?'" },
	{ "{\"to\":\"A\",\"to\":\"B\"}", "'to' appears twice" },
	{ "{\"expires\":\"1d\",\"expires\":5}", "'expires' appears twice" },
	{ "{\"expires\":5,\"expires\":\"1d\"}", "'expires' appears twice" },
	{ "{\"to\":[\"A\"]}", "'to' must be a string" },
	{ "{\"body\":null}", "'body' must be a string" },
	{ "{\"label\":1}", "'label' must be a string" },
	{ "{\"expires\":true}", "'expires' must be a duration or a number" },
	{ "{\"expires\":1.5}", "'expires' must be a whole number of seconds" },
	{ "{\"expires\":1e3}", "'expires' must be a whole number of seconds" },
	{ "{\"expires\":01}", "a number may not start with 0" },
	{ "{\"expires\":9223372036854775808}", "'expires' is out of range" },
	{ "{\"expires\":-9223372036854775809}", "'expires' is out of range" },
	{ "{\"expires\":-}", "'expires' must be a duration or a number" },
	{ "{\"body\":\"a\tb\"}", "a control byte in a string (escape it)" },
	{ "{\"body\":\"\\x\"}", "an unknown escape in a string" },
	{ "{\"body\":\"\\u12\"}", "a \\u escape needs four hex digits" },
	{ "{\"body\":\"\\u12", "a \\u escape is cut short" },
	{ "{\"body\":\"\\u0000\"}", "NUL (\\u0000) in a string" },
	{ "{\"body\":\"\\udc00\"}", "a lone low surrogate in a string" },
	{ "{\"body\":\"\\ud800\"}", "a lone high surrogate in a string" },
	{ "{\"body\":\"\\ud800\\u0041\"}", "a lone high surrogate in a string" },
	{ "{\"body\":\"\xc0\xaf\"}", "invalid UTF-8 in a string" },
	{ "{\"body\":\"\xe0\x80\xaf\"}", "invalid UTF-8 in a string" },
	{ "{\"body\":\"\xed\xa0\x80\"}", "invalid UTF-8 in a string" },
	{ "{\"body\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8 in a string" },
	{ "{\"body\":\"\xff\"}", "invalid UTF-8 in a string" },
	{ "{\"body\":\"\xc3\"}", "invalid UTF-8 in a string" },
	{ "{\"body\":\"\xc3", "invalid UTF-8 in a string" },
	{ "{\"body\":\"abc", "the line ends inside a string" },
	{ "{\"body\":\"abc\\", "the line ends inside a string" },
};

static void
test_bad(void)
{
	struct batchline bl;
	struct ctl_msg *m = NULL;
	char err[BATCHLINE_ERR_MAX];
	size_t i, j, len, accepted = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_str(parse(bad[i].line, &bl), bad[i].why, "refused: %s",
		    bad[i].why);
		ok(bl.buf == NULL, "nothing kept");
	}
	/* Whatever the JSON decoder refuses, so does the reader (here, the
	 * lines above it refuses too, e.g. bad UTF-8 and lone surrogates). */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ctl_msg_from_json(bad[i].line, strlen(bad[i].line), &m)
		    != 0)
			accepted += batchline_parse(bad[i].line,
			    strlen(bad[i].line), &bl, err) == 0;
		else
			ctl_msg_free(&m);
	is(accepted, 0, "nothing the JSON decoder refuses is accepted");

	/* Every proper prefix of every good line is refused. */
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		len = strlen(good[i]);
		while (len > 0 && good[i][len - 1] == ' ')
			len--;
		for (j = 0; j < len; j++)
			accepted += batchline_parse(good[i], j, &bl, err) == 0;
	}
	is(accepted, 0, "every truncation of a good line is refused");

	is(batchline_parse("{}", (size_t)BATCHLINE_MAX + 1, &bl, err),
	    -EMSGSIZE, "a line above BATCHLINE_MAX is refused before reading");
	ok(strstr(err, "longer than") != NULL, "and says so");
}

/* A 1 MiB body: decoded whole, as the JSON decoder does. */
static void
test_large(void)
{
	const size_t n = 1024 * 1024;
	struct batchline bl;
	char *s;
	size_t i;

	if ((s = malloc(n + 64)) == NULL)
		BAIL_OUT("malloc");
	i = (size_t)snprintf(s, 64, "{\"to\":\"BE-DEF\",\"body\":\"");
	memset(s + i, 'x', n);
	memcpy(s + i + n, "\\n\"}", 5);
	is_str(parse(s, &bl), "", "a 1 MiB body parses");
	is(bl.len[BATCHLINE_BODY], n + 1, "whole");
	ok(same_as_json(s, &bl), "as the JSON decoder reads it");
	batchline_clear(&bl);
	free(s);
	ok(batchline_member_name(BATCHLINE_NMEMBERS) == NULL,
	    "no name past the last member");
}

int
main(void)
{
	test_good();
	test_bad();
	test_large();
	return done_testing();
}
