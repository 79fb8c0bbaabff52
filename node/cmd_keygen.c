/* SPDX-License-Identifier: ISC */
/*
 * valise keygen: create this node's identity (keys/identity.h) and write
 * its secret key file DIR/node.sec (keys/keyfile.h), then print the peer
 * line and fingerprint that `valise id` prints.
 *
 * The passphrase comes from --passphrase-file (unattended daemons), from
 * the terminal (asked twice, without echo) when stdin is one, or is
 * declined with --no-passphrase, which leaves only the file's permissions
 * to protect the key.  Without a terminal and without either option,
 * keygen refuses rather than guess.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "crypto/name.h"
#include "crypto/secmem.h"
#include "keys/identity.h"
#include "keys/keyfile.h"
#include "keys/peerline.h"
#include "node/client.h"
#include "node/cmds.h"
#include "node/util.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: valise keygen [-c CONFIG | --dir DIR] --name NODE "
	    "[--passphrase-file FILE | --no-passphrase]\n"
	    "  NODE: 1 to %d of A-Z, 0-9 and '-', not first or last "
	    "(e.g. BE-MFA)\n"
	    "  Without either passphrase option, the passphrase is asked on "
	    "the terminal.\n", NAME_NODE_MAX);
}

/* Read one line from the terminal fd without echo into buf (secmem). */
static int
read_noecho(int fd, const char *prompt, char *buf, size_t cap, size_t *len)
{
	struct termios old, quiet;
	ssize_t n;
	char c;
	int ret = 0;

	*len = 0;
	if (tcgetattr(fd, &old) != 0)
		return -errno;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	/* Echo goes off before the prompt appears, so that nothing typed
	 * after seeing it is echoed or discarded. */
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
		return -errno;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		ret = -errno;
		(void)tcsetattr(fd, TCSANOW, &old);
		return ret;
	}
	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EINVAL;
			break;
		}
		if (c == '\n')
			break;
		if (*len + 1 >= cap) {
			ret = -EFBIG;
			continue;	/* drain the line */
		}
		buf[(*len)++] = c;
	}
	c = 0;
	buf[*len] = '\0';
	(void)tcsetattr(fd, TCSANOW, &old);
	return ret;
}

/* Ask twice on the terminal.  0, or -errno after printing why. */
static int
ask_passphrase(char **passp, size_t *lenp)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int fd, ret = -ENOMEM;

	*passp = NULL;
	*lenp = 0;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "valise keygen: cannot open the terminal: %s\n",
		    strerror(errno));
		return -errno;
	}
	if ((a = secmem_alloc(KEYFILE_PASSPHRASE_MAX + 2)) == NULL ||
	    (b = secmem_alloc(KEYFILE_PASSPHRASE_MAX + 2)) == NULL)
		goto out;
	if ((ret = read_noecho(fd, "Passphrase for the node key: ", a,
	    KEYFILE_PASSPHRASE_MAX + 2, &alen)) != 0 ||
	    (ret = read_noecho(fd, "Same passphrase again: ", b,
	    KEYFILE_PASSPHRASE_MAX + 2, &blen)) != 0) {
		fprintf(stderr, "valise keygen: no passphrase read%s\n",
		    ret == -EFBIG ? " (longer than 1024 bytes)" : "");
		goto out;
	}
	if (alen == 0) {
		fprintf(stderr, "valise keygen: empty passphrase; use "
		    "--no-passphrase to store the key unencrypted\n");
		ret = -EINVAL;
		goto out;
	}
	if (alen != blen || memcmp(a, b, alen) != 0) {
		fprintf(stderr, "valise keygen: the passphrases differ\n");
		ret = -EINVAL;
		goto out;
	}
	*passp = a;
	*lenp = alen;
	a = NULL;
	ret = 0;
out:
	secmem_free(a);
	secmem_free(b);
	close(fd);
	return ret;
}

int
cmd_keygen_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",		required_argument, NULL, 'c' },
		{ "dir",		required_argument, NULL, 'd' },
		{ "name",		required_argument, NULL, 'n' },
		{ "passphrase-file",	required_argument, NULL, 'p' },
		{ "no-passphrase",	no_argument,	   NULL, 'N' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *name = NULL, *passfile = NULL;
	const char *config = conf_default_path();
	char confdir[CONF_PATH_MAX];
	struct identity *id = NULL;
	struct peerline peer;
	char path[4096], line[PEERLINE_MAX + 1], *pass = NULL;
	size_t passlen = 0;
	bool nopass = false;
	int c, r, status = EXIT_USAGE;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'N':
			nopass = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "valise keygen: unknown option or "
			    "missing argument: %s\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "valise keygen: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (dir == NULL) {
		if ((c = client_key_dir("keygen", config, confdir,
		    sizeof(confdir))) != EXIT_OK)
			return c;
		dir = confdir;
	}
	if (name == NULL) {
		fprintf(stderr, "valise keygen: --name is required\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!name_node_valid(name, strlen(name))) {
		fprintf(stderr, "valise keygen: invalid node name '%s': use 1 "
		    "to %d of A-Z, 0-9 and '-', not first or last\n", name,
		    NAME_NODE_MAX);
		return EXIT_USAGE;
	}
	if (passfile != NULL && nopass) {
		fprintf(stderr, "valise keygen: --passphrase-file and "
		    "--no-passphrase exclude each other\n");
		return EXIT_USAGE;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, KEYFILE_NAME) >=
	    sizeof(path)) {
		fprintf(stderr, "valise keygen: --dir is too long\n");
		return EXIT_USAGE;
	}

	if (passfile != NULL) {
		if ((r = keyfile_read_passphrase(passfile, &pass,
		    &passlen)) != 0) {
			fprintf(stderr,
			    "valise keygen: passphrase file %s %s\n", passfile,
			    keyfile_strerror(r));
			return r == -EPERM ? EXIT_REFUSED : EXIT_USAGE;
		}
	} else if (!nopass) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "valise keygen: no passphrase: stdin "
			    "is not a terminal; use --passphrase-file FILE, "
			    "or --no-passphrase to rely on file permissions "
			    "only\n");
			return EXIT_USAGE;
		}
		if (ask_passphrase(&pass, &passlen) != 0)
			return EXIT_USAGE;
	}

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "valise keygen: cannot create %s: %s\n", dir,
		    strerror(errno));
		status = util_exit_status(-errno);
		goto out;
	}
	if ((r = identity_generate(name, &id)) != 0) {
		fprintf(stderr, "valise keygen: cannot create keys: %s\n",
		    strerror(-r));
		status = EXIT_INTERNAL;
		goto out;
	}
	if ((r = keyfile_write(path, id, pass, passlen)) != 0) {
		fprintf(stderr, "valise keygen: %s %s\n", path,
		    keyfile_strerror(r));
		status = r == -EEXIST ? EXIT_REFUSED : util_exit_status(r);
		goto out;
	}
	if (pass == NULL)
		fprintf(stderr, "valise keygen: warning: %s is not encrypted; "
		    "only its file permissions (0600) protect it\n", path);
	fprintf(stderr, "valise keygen: created %s for node %s\n", path, name);
	if (peerline_from_keys(name, identity_sign_pk(id), identity_box_pk(id),
	    identity_curve_pk(id), &peer) != 0 ||
	    peerline_format(&peer, line, sizeof(line)) != 0) {
		status = EXIT_INTERNAL;
		goto out;
	}
	printf("%s\nfingerprint: %s\n", line, peer.fingerprint);
	status = EXIT_OK;
out:
	identity_free(&id);
	secmem_free(pass);
	return status;
}
