/* SPDX-License-Identifier: ISC */
/*
 * cmds.h: the subcommands of `valise`.  Each lives in cmd_<name>.c, parses
 * its own options, reports its own errors, and returns an exit status from
 * node/util.h.  cli.c dispatches to them from one table.
 */
#ifndef CMDS_H
#define CMDS_H

/* officers */
int	cmd_send_main(int argc, char **argv);
int	cmd_inbox_main(int argc, char **argv);
int	cmd_read_main(int argc, char **argv);
int	cmd_reply_main(int argc, char **argv);
int	cmd_sent_main(int argc, char **argv);
int	cmd_status_main(int argc, char **argv);
int	cmd_peers_main(int argc, char **argv);
int	cmd_label_main(int argc, char **argv);
/* auditors */
int	cmd_audit_main(int argc, char **argv);
/* sysadmins */
int	cmd_keygen_main(int argc, char **argv);
int	cmd_id_main(int argc, char **argv);
int	cmd_fingerprint_main(int argc, char **argv);
int	cmd_version_main(int argc, char **argv);

#endif /* CMDS_H */
