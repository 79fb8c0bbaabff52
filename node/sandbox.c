/* SPDX-License-Identifier: ISC */
/*
 * sandbox: Landlock rule sets for the daemon (see sandbox.h).  The only
 * file that includes <linux/landlock.h>.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "node/sandbox.h"

/*
 * Rights added after the kernel headers this may be built against (Debian
 * 12 ships those of Linux 6.1, ABI 2); the values are kernel ABI and
 * never change.
 */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)	/* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)	/* ABI 5 */
#endif

#define FS_ABI1 (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | \
	LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | \
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
	LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	LANDLOCK_ACCESS_FS_MAKE_SYM)

/* The rights that may be granted on a file rather than a directory. */
#define FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
	LANDLOCK_ACCESS_FS_IOCTL_DEV)

#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_SOCKET (LANDLOCK_ACCESS_FS_MAKE_SOCK | \
	LANDLOCK_ACCESS_FS_REMOVE_FILE)
/* SQLite creates, truncates and removes its -wal and -shm files next to
 * the database; the control socket is created and removed there. */
#define FS_WRITE (FS_READ | FS_SOCKET | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_MAKE_REG)

/* The newest ABI whose file system rights this module handles. */
#define SANDBOX_ABI_KNOWN	5

struct sandbox {
	int		fd;		/* the rule set; -1 once applied */
	int		abi;
	uint64_t	handled;	/* denied unless a rule allows it */
};

/*
 * What the C library's name services read (lookup.h): /etc for the user
 * database, nsswitch.conf and the resolver's files; /usr and /lib* for
 * the NSS modules they load on demand (sssd, LDAP, systemd).
 */
static const char *const system_paths[] = {
	"/etc", "/usr", "/lib", "/lib64",
};
static const char *const system_links[] = {
	"/etc/resolv.conf", "/etc/hosts",
};

int
sandbox_abi(void)
{
	long v;

	v = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (v >= 1)
		return v > 1000 ? 1000 : (int)v;
	/* ENOSYS: not built in; EOPNOTSUPP: disabled at boot. */
	if (v == 0 || errno == ENOSYS || errno == EOPNOTSUPP)
		return -EOPNOTSUPP;
	return -errno;
}

/* Everything the kernel can restrict (up to what this module knows). */
static uint64_t
handled_for(int abi)
{
	uint64_t h = FS_ABI1;

	if (abi >= 2)
		h |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		h |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		h |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return h;
}

int
sandbox_new(struct sandbox **out)
{
	struct landlock_ruleset_attr attr;
	struct sandbox *sb;
	int abi, ret;

	*out = NULL;
	if ((abi = sandbox_abi()) < 0)
		return abi;
	if ((sb = calloc(1, sizeof(*sb))) == NULL)
		return -ENOMEM;
	sb->abi = abi;
	sb->handled = handled_for(abi < SANDBOX_ABI_KNOWN ? abi :
	    SANDBOX_ABI_KNOWN);
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = sb->handled;
	/* The rule set's descriptor is close-on-exec. */
	sb->fd = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    sizeof(attr), 0);
	if (sb->fd < 0) {
		ret = -errno;
		free(sb);
		return ret;
	}
	if (SANDBOX_PROC_READABLE &&
	    (ret = sandbox_allow(sb, "/proc", SANDBOX_READ)) != 0) {
		sandbox_free(&sb);
		return ret;
	}
	*out = sb;
	return 0;
}

/* Read beneath the directory of what path names now, never "/". */
static int
allow_link_dir(struct sandbox *sb, const char *path)
{
	char real[PATH_MAX], *slash;

	if (realpath(path, real) == NULL)
		return -errno;
	if ((slash = strrchr(real, '/')) == NULL || slash == real)
		return -EPERM;
	*slash = '\0';
	return sandbox_allow(sb, real, SANDBOX_READ);
}

int
sandbox_allow(struct sandbox *sb, const char *path,
    enum sandbox_access access)
{
	struct landlock_path_beneath_attr pb;
	struct stat st;
	uint64_t want;
	int ret = -EINVAL;

	if (sb == NULL || sb->fd < 0 || path == NULL || path[0] == '\0')
		return -EINVAL;
	switch (access) {
	case SANDBOX_READ:
		want = FS_READ;
		break;
	case SANDBOX_WRITE:
		want = FS_WRITE;
		break;
	case SANDBOX_SOCKET:
		want = FS_SOCKET;
		break;
	case SANDBOX_LINK_DIR:
		return allow_link_dir(sb, path);
	default:
		return -EINVAL;
	}
	memset(&pb, 0, sizeof(pb));
	if ((pb.parent_fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(pb.parent_fd, &st) != 0) {
		ret = -errno;
		goto out_close;
	}
	if (!S_ISDIR(st.st_mode))
		want &= FS_FILE;
	pb.allowed_access = want & sb->handled;
	ret = 0;
	if (pb.allowed_access != 0 &&
	    syscall(SYS_landlock_add_rule, sb->fd, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) != 0)
		ret = -errno;
out_close:
	close(pb.parent_fd);
	return ret;
}

int
sandbox_allow_system(struct sandbox *sb)
{
	size_t i;
	int r;

	for (i = 0; i < sizeof(system_paths) / sizeof(system_paths[0]); i++) {
		r = sandbox_allow(sb, system_paths[i], SANDBOX_READ);
		if (r != 0 && r != -ENOENT)
			return r;
	}
	for (i = 0; i < sizeof(system_links) / sizeof(system_links[0]); i++) {
		r = sandbox_allow(sb, system_links[i], SANDBOX_LINK_DIR);
		if (r != 0 && r != -ENOENT && r != -EPERM)
			return r;
	}
	return 0;
}

/* How many threads this process has; 0 when /proc cannot say. */
static long
thread_count(void)
{
	char line[128];
	long n = 0;
	FILE *f;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Threads:", 8) == 0) {
			n = strtol(line + 8, NULL, 10);
			break;
		}
	fclose(f);
	return n;
}

int
sandbox_apply(struct sandbox *sb)
{
	if (sb == NULL || sb->fd < 0)
		return -EINVAL;
	if (thread_count() > 1)
		return -EBUSY;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (syscall(SYS_landlock_restrict_self, sb->fd, 0) != 0)
		return -errno;
	close(sb->fd);
	sb->fd = -1;
	return 0;
}

int
sandbox_version(const struct sandbox *sb)
{
	return sb->abi;
}

void
sandbox_free(struct sandbox **sbp)
{
	struct sandbox *sb;

	if (sbp == NULL || (sb = *sbp) == NULL)
		return;
	if (sb->fd >= 0)
		close(sb->fd);
	free(sb);
	*sbp = NULL;
}
