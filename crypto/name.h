/* SPDX-License-Identifier: ISC */
/*
 * name: the syntax of node names and recipient addresses, shared by the
 * envelope format, the key files and the peer lines.
 *
 *	node name	1..NAME_NODE_MAX of A-Z 0-9 '-', neither first nor
 *			last character '-' (e.g. BE-MFA, NATO-HQ-2)
 *	user		1..NAME_USER_MAX of a-z 0-9 '.' '_' '-', first
 *			character a-z or 0-9
 *	address		NODE or user@NODE
 *
 * Upper-case nodes and lower-case users keep the two visually apart and
 * make each name have exactly one spelling (no case folding anywhere).
 */
#ifndef NAME_H
#define NAME_H

#include <stdbool.h>
#include <stddef.h>

/* A node name is short enough to read over the phone and fit a banner. */
#define NAME_NODE_MAX	32
/* A user part is a login name, as short as common Unix limits. */
#define NAME_USER_MAX	32
/* The longest address: user '@' node. */
#define NAME_ADDR_MAX	(NAME_USER_MAX + 1 + NAME_NODE_MAX)

/* True when s[0..len) is a valid node name. */
bool	name_node_valid(const char *s, size_t len);

/* True when s[0..len) is a valid address (NODE or user@NODE). */
bool	name_addr_valid(const char *s, size_t len);

/*
 * The node part of a valid address: *node points into addr (borrowed),
 * *nodelen is its length.  0, or -EINVAL when addr is not valid.
 */
int	name_addr_node(const char *addr, size_t len, const char **node,
	    size_t *nodelen) __attribute__((warn_unused_result));

#endif /* NAME_H */
