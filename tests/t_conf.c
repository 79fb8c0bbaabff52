/* SPDX-License-Identifier: ISC */
/*
 * t_conf: the configuration file: the example as written, and an
 * error naming file, line and setting for every kind of mistake.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/conf.h"
#include "tests/tap.h"


#define BASE_NODE \
    "node = { name = \"BE-DEF\"; nationality = \"BEL\";\n" \
    "  accreditation = \"BE:SECRET\"; listen = \"tcp://127.0.0.1:7000\";\n" \
    "  key_dir = \"k\"; state_dir = \"/var/lib/valise\"; %s };\n%s"

/* Load base_node with extra node settings and extra top-level text; return
 * the error count and put the first error in *first. */
static int
load(const char *node_extra, const char *extra, struct conf **conf,
    struct conf_errors *errs)
{
	static char text[4096];
	int r;

	snprintf(text, sizeof(text), BASE_NODE, node_extra, extra);
	r = conf_load_text("/etc/valise/t.conf", text, strlen(text), conf,
	    errs);
	if (r != 0 && r != -EINVAL)
		diag("unexpected %d", r);
	return (int)errs->n;
}

static bool
has_error(const struct conf_errors *errs, const char *want)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		if (strstr(errs->msg[i], want) != NULL)
			return true;
	for (i = 0; i < errs->n; i++)
		diag("error: %s", errs->msg[i]);
	return false;
}

static void
test_example(const char *src)
{
	struct conf_errors errs;
	struct conf *conf = NULL;
	char path[PATH_MAX], want[PATH_MAX];
	const struct conf_user *u;

	snprintf(path, sizeof(path), "%s/tests/data/issue-example.conf", src);
	is(conf_load(path, &conf, &errs), 0, "the issue's example loads");
	if (conf == NULL) {
		size_t i;
		for (i = 0; i < errs.n; i++)
			diag("%s", errs.msg[i]);
		BAIL_OUT("example did not load");
	}
	is_str(conf->name, "BE-MFA", "node name");
	is(conf->organisations, CONF_ORG_NATO | CONF_ORG_EU, "organisations");
	is_str(conf->accreditation, "BE:SECRET+NATO:SECRET[ATOMAL]+EU:SECRET",
	    "accreditation kept verbatim");
	snprintf(want, sizeof(want), "%s/tests/data/keys", src);
	is_str(conf->key_dir, want, "key_dir relative to the file's directory");
	is(conf->npeers, 1, "one peer");
	is_str(conf->peers[0].endpoint, "tcp://127.0.0.1:7422", "peer endpoint");
	is(conf->nroutes, 1, "one route");
	is_str(conf->routes[0].via, "BE-DEF", "route via");
	is(conf->nusers, 2, "two users");
	u = conf_user(conf, "amaes");
	ok(u != NULL && u->roles == CONF_ROLE_AUDITOR, "amaes is an auditor");
	ok(u != NULL && u->organisations == 0, "amaes has no organisations");
	ok(conf_user(conf, "nobody") == NULL, "unknown user not found");
	ok(conf_peer(conf, "BE-DEF") != NULL, "peer lookup");
	is(conf->body_max, 16 * 1024 * 1024, "body_max default");
	is(conf->heartbeat_ms, 2000, "heartbeat_ms default");
	is_str(conf->log, "stderr", "log default");
	is_str(conf->sandbox, "on", "sandbox default");
	conf_free(&conf);
	ok(conf == NULL, "conf_free clears the pointer");
	conf_free(&conf);
}

static void
test_errors(void)
{
	struct conf_errors errs;
	struct conf *conf = NULL;

	is(load("", "", &conf, &errs), 0, "the minimal node loads");
	ok(conf != NULL && strcmp(conf->key_dir, "/etc/valise/k") == 0,
	    "relative key_dir resolved against /etc/valise");
	conf_free(&conf);

	is(load("colour = \"red\";", "", &conf, &errs), 1, "unknown setting");
	ok(has_error(&errs, "/etc/valise/t.conf:3: node: unknown setting "
	    "'colour'"), "names file, line and setting");
	ok(conf == NULL, "no conf on error");

	load("body_max = \"big\";", "", &conf, &errs);
	ok(has_error(&errs, "body_max: must be an integer"), "wrong type");
	load("body_max = 0;", "", &conf, &errs);
	ok(has_error(&errs, "body_max: 0 is out of range"), "below range");
	load("body_max = 99999999999;", "", &conf, &errs);
	ok(has_error(&errs, "out of range"), "above range");
	load("heartbeat_ms = 99;", "", &conf, &errs);
	ok(has_error(&errs, "heartbeat_ms: 99 is out of range"),
	    "heartbeat_ms below range");
	load("log = \"file\";", "", &conf, &errs);
	ok(has_error(&errs, "log: unknown value 'file'"), "bad word");
	load("sandbox = \"yes\";", "", &conf, &errs);
	ok(has_error(&errs, "sandbox: unknown value 'yes'"),
	    "sandbox is on, required or off");
	is(load("sandbox = \"required\";", "", &conf, &errs), 0,
	    "sandbox = required loads");
	ok(conf != NULL && strcmp(conf->sandbox, "required") == 0,
	    "and is kept");
	conf_free(&conf);
	load("organisations = [\"NATO\", \"UN\"];", "", &conf, &errs);
	ok(has_error(&errs, "organisations: unknown value 'UN'"),
	    "unknown organisation");
	load("organisations = [\"NATO\", \"NATO\"];", "", &conf, &errs);
	ok(has_error(&errs, "listed twice"), "duplicate organisation");

	load("", "colour = 1;\n", &conf, &errs);
	ok(has_error(&errs, ":4: unknown setting 'colour'"),
	    "unknown top-level setting with its line");
	load("", "peers = ( { name = \"be-x\"; } );\n", &conf, &errs);
	ok(has_error(&errs, "peers[1]: name: 'be-x' is not a node name"),
	    "lower-case node name refused");
	ok(has_error(&errs, "peers[1]: missing required setting 'key'"),
	    "missing peer setting");
	ok(errs.n >= 4, "every error is reported, not only the first");
	load("", "peers = ( { name = \"BE-X\"; endpoint = \"http://x\"; "
	    "key = \"k\"; nationality = \"BE\"; accreditation = \"a\"; } );\n",
	    &conf, &errs);
	ok(has_error(&errs, "endpoint: 'http://x' is not an endpoint"),
	    "bad endpoint");
	ok(has_error(&errs, "nationality: 'BE' is not an ISO 3166-1 alpha-3"),
	    "alpha-2 nationality refused");
	load("", "routes = ( { destination = \"BE-C\"; via = \"BE-Z\"; } );\n",
	    &conf, &errs);
	ok(has_error(&errs, "routes: via 'BE-Z' is not a configured peer"),
	    "route through an unknown peer");
	load("", "users = ( { login = \"Root!\"; clearance = \"BE:SECRET\"; "
	    "nationality = \"BEL\"; roles = [\"officer\"]; } );\n", &conf, &errs);
	ok(has_error(&errs, "login: 'Root!' is not a valid login"), "bad login");
	load("", "users = ( { login = \"a\"; clearance = \"BE:SECRET\"; "
	    "nationality = \"BEL\"; roles = [\"admin\"]; } );\n", &conf, &errs);
	ok(has_error(&errs, "roles: unknown value 'admin'"), "unknown role");
	load("", "users = ( { login = \"a\"; clearance = \"x\"; nationality = "
	    "\"BEL\"; roles = [\"officer\"]; }, { login = \"a\"; clearance = "
	    "\"x\"; nationality = \"BEL\"; roles = [\"auditor\"]; } );\n",
	    &conf, &errs);
	ok(has_error(&errs, "users: 'a' is configured twice"), "duplicate user");
	load("", "revoked = [ 1 ];\n", &conf, &errs);
	ok(has_error(&errs, "revoked[1]: must be a fingerprint"), "bad revoked");
	load("", "policy = { categories = ( { policy = \"NATO\"; tag = \"MISSION\"; "
	    "value = \"EUFOR\"; type = \"permissive\"; } ); };\n", &conf, &errs);
	ok(conf != NULL && conf->ncategories == 1 &&
	    strcmp(conf->categories[0].value, "EUFOR") == 0,
	    "an extra category is read");
	conf_free(&conf);
	load("", "policy = { categories = ( { policy = \"XX\"; tag = \"T\"; "
	    "value = \"V\"; type = \"odd\"; } ); };\n", &conf, &errs);
	ok(has_error(&errs, "type: unknown value 'odd'"), "bad category type");
	load("control_group = \"op\xc3\xa9\";", "", &conf, &errs);
	ok(has_error(&errs, "control or non-ASCII"), "non-ASCII refused");
}

static void
test_garbage(void)
{
	struct conf_errors errs;
	struct conf *conf = NULL;
	char *big, text[] = "node = { name = \"A\"; ";
	size_t i;

	is(conf_load_text("/x.conf", text, strlen(text), &conf, &errs),
	    -EINVAL, "truncated file refused");
	ok(errs.n == 1 && strstr(errs.msg[0], "/x.conf:1:") != NULL,
	    "syntax error names file and line");
	for (i = strlen(text); i > 0; i--) {
		text[i] = '\0';
		if (conf_load_text("/x.conf", text, i, &conf, &errs) == 0)
			break;
	}
	is(i, 0, "no truncation of a config loads");
	is(conf_load_text("/x.conf", "\x01\x02garbage", 9, &conf, &errs),
	    -EINVAL, "garbage refused");
	is(conf_load_text("/x.conf", "a\0b", 3, &conf, &errs), -EINVAL,
	    "NUL byte refused");
	big = malloc(CONF_FILE_MAX + 2);
	memset(big, ' ', CONF_FILE_MAX + 1);
	big[CONF_FILE_MAX + 1] = '\0';
	is(conf_load_text("/x.conf", big, CONF_FILE_MAX + 1, &conf, &errs),
	    -EINVAL, "oversize refused");
	ok(has_error(&errs, "larger than 1 MiB"), "and said so");
	free(big);
	is(conf_load("/nonexistent/valise.conf", &conf, &errs), -ENOENT,
	    "missing file");
	ok(has_error(&errs, "/nonexistent/valise.conf: cannot read"),
	    "names the file");
	is(conf_load_text("/x.conf", "", 0, &conf, &errs), -EINVAL,
	    "empty file refused");
	ok(has_error(&errs, "missing required group 'node'"), "names node");
}

int
main(void)
{
	const char *src = getenv("VALISE_SRC");

	test_example(src != NULL ? src : ".");
	test_errors();
	test_garbage();
	return done_testing();
}
