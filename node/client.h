/* SPDX-License-Identifier: ISC */
/*
 * client: what every `valise` command that talks to the local node shares:
 * read the configuration to find the control socket, connect, make one
 * request, and turn the reply into an exit status and a message.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdbool.h>

#include "node/conf.h"
#include "node/ctl.h"

struct client_conn {
	struct conf	*conf;
	int		 fd;
};

/*
 * Load the configuration at path and connect to its node.  Prints what
 * went wrong on stderr (prefixed with cmd) and returns the exit status:
 * EXIT_OK, EXIT_USAGE for a bad configuration, EXIT_TEMPFAIL when the node
 * is not running, EXIT_REFUSED when the socket may not be opened.
 */
int	client_open(struct client_conn *c, const char *cmd, const char *path);
void	client_close(struct client_conn *c);

/*
 * Send req and wait for the reply.  Returns the reply's status (printing
 * its error after cmd when not 0) with *reply set, or EXIT_TEMPFAIL /
 * EXIT_INTERNAL when the exchange itself fails (*reply NULL).
 */
int	client_call(struct client_conn *c, const char *cmd,
	    const struct ctl_msg *req, struct ctl_msg **reply);

/*
 * The key_dir of the configuration at path, for commands whose --dir
 * defaults to it.  Prints what went wrong after cmd; 0 or an exit status.
 */
int	client_key_dir(const char *cmd, const char *path, char *out,
	    size_t cap);

/* Format a Unix time as local "YYYY-MM-DD HH:MM" into buf. */
void	client_time(char *buf, size_t cap, long long t);

#endif /* CLIENT_H */
