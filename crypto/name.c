/* SPDX-License-Identifier: ISC */
/*
 * name: node names and addresses, with locale-free character classes.
 */
#include <errno.h>
#include <string.h>

#include "crypto/name.h"

static bool
node_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static bool
user_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	    c == '_' || c == '-';
}

bool
name_node_valid(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len == 0 || len > NAME_NODE_MAX)
		return false;
	if (s[0] == '-' || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!node_char(s[i]))
			return false;
	return true;
}

static bool
user_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > NAME_USER_MAX)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (i = 0; i < len; i++)
		if (!user_char(s[i]))
			return false;
	return true;
}

int
name_addr_node(const char *addr, size_t len, const char **node,
    size_t *nodelen)
{
	const char *at;

	*node = NULL;
	*nodelen = 0;
	if (addr == NULL || len == 0 || len > NAME_ADDR_MAX)
		return -EINVAL;
	if ((at = memchr(addr, '@', len)) == NULL) {
		if (!name_node_valid(addr, len))
			return -EINVAL;
		*node = addr;
		*nodelen = len;
		return 0;
	}
	if (!user_valid(addr, (size_t)(at - addr)) ||
	    !name_node_valid(at + 1, len - (size_t)(at - addr) - 1))
		return -EINVAL;
	*node = at + 1;
	*nodelen = len - (size_t)(at - addr) - 1;
	return 0;
}

bool
name_addr_valid(const char *s, size_t len)
{
	const char *node;
	size_t nodelen;

	return name_addr_node(s, len, &node, &nodelen) == 0;
}
