/* SPDX-License-Identifier: ISC */
/*
 * client: connect a command to the local node and make requests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "node/client.h"
#include "node/util.h"

/* Leaves nothing to close on failure. */
int
client_open(struct client_conn *c, const char *cmd, const char *path)
{
	struct conf_errors errs;
	char sock[CONF_PATH_MAX + 32];
	size_t i;
	int r;

	c->conf = NULL;
	c->fd = -1;
	if ((r = conf_load(path, &c->conf, &errs)) != 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "valise %s: %s\n", cmd, errs.msg[i]);
		return r == -EACCES ? EXIT_REFUSED : EXIT_USAGE;
	}
	if (snprintf(sock, sizeof(sock), "%s/%s", c->conf->state_dir,
	    CTL_SOCKET_NAME) >= (int)sizeof(sock)) {
		fprintf(stderr, "valise %s: state_dir too long\n", cmd);
		client_close(c);
		return EXIT_USAGE;
	}
	if ((r = ctl_connect(sock, &c->fd)) != 0) {
		if (r == -EACCES || r == -EPERM) {
			fprintf(stderr, "valise %s: %s: permission denied (are "
			    "you in the node's control group?)\n", cmd, sock);
			client_close(c);
			return EXIT_REFUSED;
		}
		fprintf(stderr, "valise %s: node %s is not running (%s: %s)\n",
		    cmd, c->conf->name, sock, strerror(-r));
		client_close(c);
		return EXIT_TEMPFAIL;
	}
	return EXIT_OK;
}

int
client_key_dir(const char *cmd, const char *path, char *out, size_t cap)
{
	struct conf_errors errs;
	struct conf *conf = NULL;
	size_t i;
	int r;

	if ((r = conf_load(path, &conf, &errs)) != 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "valise %s: %s\n", cmd, errs.msg[i]);
		fprintf(stderr, "valise %s: give --dir DIR, or -c CONFIG for "
		    "its key_dir\n", cmd);
		return EXIT_USAGE;
	}
	r = snprintf(out, cap, "%s", conf->key_dir) >= (int)cap ?
	    EXIT_USAGE : EXIT_OK;
	conf_free(&conf);
	return r;
}

void
client_close(struct client_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	conf_free(&c->conf);
}

int
client_call(struct client_conn *c, const char *cmd, const struct ctl_msg *req,
    struct ctl_msg **reply)
{
	const char *err;
	int64_t status;
	int r;

	*reply = NULL;
	if ((r = ctl_send(c->fd, req)) != 0) {
		fprintf(stderr, "valise %s: cannot talk to the node: %s\n", cmd,
		    strerror(-r));
		return EXIT_TEMPFAIL;
	}
	if ((r = ctl_recv(c->fd, CTL_FRAME_MAX, reply)) != 0) {
		fprintf(stderr, "valise %s: no answer from the node: %s\n",
		    cmd, r == -ECONNRESET ? "connection closed" : strerror(-r));
		return EXIT_TEMPFAIL;
	}
	if (ctl_msg_int(*reply, "status", &status) != 0 || status < 0 ||
	    status > EXIT_INTERNAL) {
		fprintf(stderr, "valise %s: malformed answer from the node\n",
		    cmd);
		ctl_msg_free(reply);
		return EXIT_INTERNAL;
	}
	if (status != EXIT_OK && (err = ctl_msg_str(*reply, "error")) != NULL)
		fprintf(stderr, "valise %s: %s\n", cmd, err);
	return (int)status;
}

void
client_time(char *buf, size_t cap, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL) {
		snprintf(buf, cap, "-");
		return;
	}
	strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm);
}
