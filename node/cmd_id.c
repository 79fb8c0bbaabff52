/* SPDX-License-Identifier: ISC */
/*
 * valise id: print this node's public identity: the peer line another
 * department pastes into its configuration, and the fingerprint to read
 * over the phone.  Reads only the public part of DIR/node.sec, so no
 * passphrase is needed, but the file's checks (mode, link, checksum) apply.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "keys/keyfile.h"
#include "keys/peerline.h"
#include "node/client.h"
#include "node/cmds.h"
#include "node/util.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: valise id [-c CONFIG | --dir DIR]\n");
}

int
cmd_id_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",		required_argument, NULL, 'c' },
		{ "dir",	required_argument, NULL, 'd' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct keyfile_public pub;
	struct peerline peer;
	char path[4096], line[PEERLINE_MAX + 1];
	const char *dir = NULL, *config = conf_default_path();
	char confdir[CONF_PATH_MAX];
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "valise id: unknown option or missing "
			    "argument: %s\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "valise id: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (dir == NULL) {
		if ((c = client_key_dir("id", config, confdir,
		    sizeof(confdir))) != EXIT_OK)
			return c;
		dir = confdir;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, KEYFILE_NAME) >=
	    sizeof(path)) {
		fprintf(stderr, "valise id: --dir is too long\n");
		return EXIT_USAGE;
	}
	if ((r = keyfile_load_public(path, &pub)) != 0) {
		fprintf(stderr, "valise id: %s %s\n", path,
		    keyfile_strerror(r));
		return r == -ENOENT ? EXIT_USAGE : EXIT_REFUSED;
	}
	if (peerline_from_keys(pub.name, pub.sign_pk, pub.box_pk, pub.curve_pk,
	    &peer) != 0 || peerline_format(&peer, line, sizeof(line)) != 0) {
		fprintf(stderr, "valise id: %s holds an invalid public key\n",
		    path);
		return EXIT_REFUSED;
	}
	printf("%s\nfingerprint: %s\n", line, peer.fingerprint);
	return EXIT_OK;
}
