/* SPDX-License-Identifier: ISC */
/*
 * sandbox: confine this process's view of the file system with Landlock,
 * once it has opened what it needs at start-up.  Whatever is not allowed
 * by a rule here can no longer be opened, created, written, truncated,
 * removed or executed, whatever the file's owner and mode say; files
 * already open stay usable.  The confinement is inherited by every thread
 * and child created afterwards and cannot be lifted.
 *
 * Usage: sandbox_new(), one sandbox_allow() per directory the process
 * still needs (sandbox_allow_system() for what the C library's name
 * services read: the helper of lookup.h, not the node itself), then
 * sandbox_apply() while the process has a single thread: Landlock confines
 * the calling thread only, and threads started later inherit it.
 *
 * The best Landlock ABI the kernel offers is used, up to the rights this
 * module knows (ABI 5: execute, read, write, create, remove, link across
 * directories, truncate, device ioctl).  Network ports and signals are not
 * restricted here.  This module never prints and never exits.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

/*
 * LeakSanitizer reads /proc/PID/task and /proc/PID/maps when the process
 * exits, and AddressSanitizer /proc/self/maps when it reports: in a
 * sanitizer build (make check-asan) every rule set lets /proc be read
 * (sandbox_new()).  Never in a normal build.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_PROC_READABLE	1
#else
#define SANDBOX_PROC_READABLE	0
#endif

/* What a rule allows beneath a directory (or on one file). */
enum sandbox_access {
	SANDBOX_READ,	/* read files, list directories */
	SANDBOX_WRITE,	/* also write, truncate, create and remove files
			 * and sockets (not directories, links, devices) */
	SANDBOX_SOCKET,	/* create and remove sockets only: the directory
			 * of an ipc:// endpoint */
	SANDBOX_LINK_DIR,	/* read beneath the directory of the file
				 * path names now, a symbolic link's target
				 * (never "/") */
};

struct sandbox;

/*
 * The Landlock ABI version this kernel offers (1 or more), or -EOPNOTSUPP
 * when it has none (too old, not built in, or disabled at boot).
 */
int	sandbox_abi(void);

/*
 * A new rule set on the best ABI available, empty but for /proc in a
 * sanitizer build.  0 and an owned
 * *out (free with sandbox_free); -EOPNOTSUPP without Landlock, or another
 * -errno.
 */
int	sandbox_new(struct sandbox **out)
	    __attribute__((warn_unused_result));

/*
 * Allow access beneath path (a directory), or to path itself (any other
 * file, then only its file rights apply).  Symbolic links in path are
 * followed: the rule is on what path names now.  0, -ENOENT when path does
 * not exist, or another -errno.
 */
int	sandbox_allow(struct sandbox *sb, const char *path,
	    enum sandbox_access access) __attribute__((warn_unused_result));

/*
 * Allow, read-only, what the C library's name services read (the user
 * database, nsswitch.conf, the resolver's files, /etc/hosts): /etc, and
 * /usr, /lib and /lib64 where they exist (the NSS modules they load on
 * demand); and the directory where /etc/resolv.conf and /etc/hosts lead
 * when they are symbolic links (systemd-resolved and resolvconf keep
 * resolv.conf in /run).  Whole directories rather than their files:
 * Landlock ties a rule to an inode, and useradd, editors and DHCP clients
 * replace these files with new ones.  0 or -errno.
 */
int	sandbox_allow_system(struct sandbox *sb)
	    __attribute__((warn_unused_result));

/*
 * Confine the calling process for good (setting no_new_privs, which
 * Landlock requires).  -EBUSY when the process has more than one thread:
 * the others would stay unconfined.  0 or -errno; on failure nothing is
 * confined.
 */
int	sandbox_apply(struct sandbox *sb) __attribute__((warn_unused_result));

/* The ABI version sb was built for. */
int	sandbox_version(const struct sandbox *sb);

/* Free a rule set (applied or not); *sbp becomes NULL.  NULL is allowed. */
void	sandbox_free(struct sandbox **sbp);

#endif /* SANDBOX_H */
