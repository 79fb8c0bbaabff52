/* SPDX-License-Identifier: ISC */
/*
 * valised: one department's node.
 *
 * This version reads and validates the configuration (--check-config);
 * the store-and-forward loop arrives with the node issue.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "crypto/secmem.h"
#include "node/conf.h"
#include "node/util.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: valised [-c CONFIG] [-f] [--check-config]\n"
	    "       valised --version\n");
}

/* Print every configuration error; 0 when there were none. */
static int
load_conf(const char *path, struct conf **conf)
{
	struct conf_errors errs;
	size_t i;
	int r;

	r = conf_load(path, conf, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "valised: %s\n", errs.msg[i]);
	if (errs.truncated)
		fprintf(stderr, "valised: (more errors not shown)\n");
	return r;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",		required_argument, NULL, 'c' },
		{ "check-config",	no_argument,	NULL, 'C' },
		{ "foreground",		no_argument,	NULL, 'f' },
		{ "help",		no_argument,	NULL, 'h' },
		{ "version",		no_argument,	NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = conf_default_path();
	struct conf *conf = NULL;
	bool check = false;
	int ch, r;

	if (secmem_init() != 0) {
		fprintf(stderr, "valised: cannot initialise libsodium or "
		    "disable core dumps\n");
		return EXIT_INTERNAL;
	}
	while ((ch = getopt_long(argc, argv, "c:fh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'f':
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("valised %s\n", VALISE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((r = load_conf(path, &conf)) != 0)
		return EXIT_USAGE;
	if (check) {
		printf("valised: %s: configuration ok\n", path);
		conf_free(&conf);
		return EXIT_OK;
	}
	conf_free(&conf);
	fprintf(stderr, "valised: the node daemon is not built yet: only "
	    "--check-config works in this version\n");
	return EXIT_INTERNAL;
}
