/* SPDX-License-Identifier: ISC */
/*
 * t_sandbox: Landlock confinement of a temporary tree.  Each case runs in
 * a child, since a confinement cannot be lifted: the child applies the
 * rules, tries each operation and sends back its errno, and the parent
 * checks it.  Run as root, EACCES can only come from Landlock.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/sandbox.h"
#include "tests/tap.h"

enum op {
	OP_READ,	/* open O_RDONLY */
	OP_WRITE,	/* open O_WRONLY, no O_TRUNC: changes nothing */
	OP_CREATE,	/* open O_CREAT|O_EXCL, removed again if it worked */
	OP_TRUNC,	/* truncate() */
	OP_UNLINK,
	OP_MKDIR,
	OP_SYMLINK,
	OP_LIST,	/* opendir */
	OP_BIND,	/* bind a UNIX socket there */
	OP_EXEC,	/* execve in a grandchild */
	OP_THREAD_READ,	/* open O_RDONLY from a thread started after */
	OP_CHILD_READ,	/* open O_RDONLY from a grandchild */
	OP_PREOPENED,	/* read from a descriptor opened before */
	OP_GETPWUID,	/* getpwuid_r(0) finds root */
};

struct probe {
	enum op		 op;
	const char	*path;	/* relative to the tree unless absolute */
	int		 want;	/* 0 or the errno expected */
	const char	*desc;
};

static char tree[256];
static int preopened = -1;

static void
path_of(char *buf, size_t cap, const char *p)
{
	int n;

	if (p[0] == '/')
		n = snprintf(buf, cap, "%s", p);
	else
		n = snprintf(buf, cap, "%s/%s", tree, p);
	if (n < 0 || (size_t)n >= cap)
		BAIL_OUT("path too long: %s", p);
}

static int
open_errno(const char *path, int flags)
{
	int fd;

	if ((fd = open(path, flags | O_CLOEXEC, 0600)) < 0)
		return errno;
	close(fd);
	return 0;
}

static void *
thread_read(void *arg)
{
	return (void *)(intptr_t)open_errno(arg, O_RDONLY);
}

/* Run fn(path) in a grandchild; its errno comes back as the exit code. */
static int
in_grandchild(int (*fn)(const char *), const char *path)
{
	pid_t pid;
	int st;

	if ((pid = fork()) < 0)
		return errno;
	if (pid == 0)
		_exit(fn(path) & 0xff);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int
read_errno(const char *path)
{
	return open_errno(path, O_RDONLY);
}

static int
exec_errno(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };

	execve(path, argv, envp);
	return errno;
}

static int
probe_run(const struct probe *p)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char path[PATH_MAX], buf[1];
	struct passwd pw, *res = NULL;
	char pwbuf[1024];
	pthread_t th;
	void *rv;
	DIR *d;
	int fd, r;

	path_of(path, sizeof(path), p->path);
	switch (p->op) {
	case OP_READ:
		return open_errno(path, O_RDONLY);
	case OP_WRITE:
		return open_errno(path, O_WRONLY);
	case OP_CREATE:
		if ((r = open_errno(path, O_WRONLY | O_CREAT | O_EXCL)) == 0)
			unlink(path);
		return r;
	case OP_TRUNC:
		return truncate(path, 0) == 0 ? 0 : errno;
	case OP_UNLINK:
		return unlink(path) == 0 ? 0 : errno;
	case OP_MKDIR:
		return mkdir(path, 0700) == 0 ? 0 : errno;
	case OP_SYMLINK:
		return symlink("target", path) == 0 ? 0 : errno;
	case OP_LIST:
		if ((d = opendir(path)) == NULL)
			return errno;
		closedir(d);
		return 0;
	case OP_BIND:
		if (strlen(path) >= sizeof(sun.sun_path))
			return ENAMETOOLONG;
		memcpy(sun.sun_path, path, strlen(path) + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return errno;
		r = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ? 0 :
		    errno;
		close(fd);
		return r;
	case OP_EXEC:
		return in_grandchild(exec_errno, path);
	case OP_THREAD_READ:
		if ((r = pthread_create(&th, NULL, thread_read, path)) != 0)
			return r;
		pthread_join(th, &rv);
		return (int)(intptr_t)rv;
	case OP_CHILD_READ:
		return in_grandchild(read_errno, path);
	case OP_PREOPENED:
		return pread(preopened, buf, 1, 0) == 1 ? 0 : errno;
	case OP_GETPWUID:
		if ((r = getpwuid_r(0, &pw, pwbuf, sizeof(pwbuf), &res)) != 0)
			return r;
		return res != NULL && strcmp(pw.pw_name, "root") == 0 ? 0 :
		    ENOENT;
	}
	return EINVAL;
}

/* What a case allows, as (path, access) pairs, plus the system paths. */
struct rule {
	const char		*path;
	enum sandbox_access	 access;
};

/*
 * Fork; the child applies the rules and runs the probes.  The parent
 * reports one test line for the set-up and one per probe.
 */
static void
run_case(const char *name, const struct rule *rules, size_t nrules,
    bool with_system, const struct probe *probes, size_t nprobes)
{
	int fds[2], st, setup = -1, res;
	char path[PATH_MAX];
	struct sandbox *sb;
	size_t i;
	pid_t pid;

	if (pipe(fds) != 0 || (pid = fork()) < 0)
		BAIL_OUT("pipe or fork");
	if (pid == 0) {
		close(fds[0]);
		if ((res = sandbox_new(&sb)) == 0) {
			for (i = 0; i < nrules && res == 0; i++) {
				path_of(path, sizeof(path), rules[i].path);
				res = sandbox_allow(sb, path, rules[i].access);
			}
			if (res == 0 && with_system)
				res = sandbox_allow_system(sb);
			if (res == 0)
				res = sandbox_apply(sb);
			sandbox_free(&sb);
		}
		if (write(fds[1], &res, sizeof(res)) != sizeof(res))
			_exit(1);
		for (i = 0; res == 0 && i < nprobes; i++) {
			int e = probe_run(&probes[i]);

			if (write(fds[1], &e, sizeof(e)) != sizeof(e))
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &setup, sizeof(setup)) != sizeof(setup))
		setup = -EPIPE;
	is(setup, 0, "%s: the rules apply", name);
	for (i = 0; i < nprobes; i++) {
		if (setup != 0 ||
		    read(fds[0], &res, sizeof(res)) != sizeof(res))
			res = -1;
		if (!is(res, probes[i].want, "%s: %s", name, probes[i].desc))
			diag("  %s", strerror(res > 0 ? res : EIO));
	}
	close(fds[0]);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: the child exits 0",
	    name);
}

static void
make_file(const char *rel)
{
	char path[PATH_MAX];
	int fd;

	path_of(path, sizeof(path), rel);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    write(fd, "x\n", 2) != 2 || close(fd) != 0)
		BAIL_OUT("cannot create %s", path);
}

static void
make_dir(const char *rel)
{
	char path[PATH_MAX];

	path_of(path, sizeof(path), rel);
	if (mkdir(path, 0755) != 0)
		BAIL_OUT("cannot create %s", path);
}

static void
make_tree(void)
{
	char path[PATH_MAX];

	make_dir("ro");
	make_dir("rw");
	make_dir("sock");
	make_dir("out");
	make_dir("out/sub");
	make_file("ro/f");
	make_file("rw/f");
	make_file("sock/f");
	make_file("out/secret");
	make_file("out/single");
	make_file("out/sub/deeper");
	path_of(path, sizeof(path), "ro/link-out");
	if (symlink("../out/secret", path) != 0)
		BAIL_OUT("symlink");
	path_of(path, sizeof(path), "ro/link-sub");
	if (symlink("../out/sub/deeper", path) != 0)
		BAIL_OUT("symlink");
	path_of(path, sizeof(path), "ro/link-root");
	if (symlink("/", path) != 0)
		BAIL_OUT("symlink");
	path_of(path, sizeof(path), "out/secret");
	if ((preopened = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		BAIL_OUT("open %s", path);
}

static void
test_dirs(void)
{
	static const struct rule rules[] = {
		{ "ro", SANDBOX_READ },
		{ "rw", SANDBOX_WRITE },
		{ "sock", SANDBOX_SOCKET },
		{ "out/single", SANDBOX_READ },
	};
	static const struct probe probes[] = {
		{ OP_READ, "ro/f", 0, "read in a read-only directory" },
		{ OP_LIST, "ro", 0, "list a read-only directory" },
		{ OP_WRITE, "ro/f", EACCES, "no write there" },
		{ OP_CREATE, "ro/new", EACCES, "no new file there" },
		{ OP_UNLINK, "ro/f", EACCES, "no unlink there" },
		{ OP_READ, "ro/link-out", EACCES,
		    "a symbolic link does not lead out" },
		{ OP_READ, "out/secret", EACCES, "no read outside" },
		{ OP_LIST, "out", EACCES, "no listing outside" },
		{ OP_READ, "out/sub/deeper", EACCES, "nor deeper outside" },
		{ OP_READ, "out/single", 0, "a rule on one file allows it" },
		{ OP_WRITE, "out/single", EACCES, "for reading only" },
		{ OP_READ, "/etc/passwd", EACCES,
		    "no /etc without the system rule" },
		{ OP_CREATE, "rw/new", 0, "create in the read-write directory" },
		{ OP_WRITE, "rw/f", 0, "write there" },
		{ OP_TRUNC, "rw/f", 0, "truncate there" },
		{ OP_BIND, "rw/s.sock", 0, "make a socket there" },
		{ OP_UNLINK, "rw/s.sock", 0, "remove it" },
		{ OP_MKDIR, "rw/d", EACCES, "no directories there" },
		{ OP_SYMLINK, "rw/l", EACCES, "no symbolic links there" },
		{ OP_BIND, "sock/a.sock", 0,
		    "make a socket in the socket directory" },
		{ OP_UNLINK, "sock/a.sock", 0, "remove it" },
		{ OP_CREATE, "sock/new", EACCES, "no regular file there" },
		{ OP_READ, "sock/f", EACCES, "no read there" },
		{ OP_BIND, "out/x.sock", EACCES, "no socket outside" },
		{ OP_EXEC, "/bin/true", EACCES, "no program runs" },
		{ OP_THREAD_READ, "ro/f", 0, "a later thread reads inside" },
		{ OP_THREAD_READ, "out/secret", EACCES,
		    "a later thread is confined too" },
		{ OP_CHILD_READ, "out/secret", EACCES,
		    "a child is confined too" },
		{ OP_PREOPENED, "", 0, "a file opened before stays readable" },
	};

	run_case("dirs", rules, sizeof(rules) / sizeof(rules[0]), false,
	    probes, sizeof(probes) / sizeof(probes[0]));
}

static void
test_system(void)
{
	static const struct rule rules[] = { { "rw", SANDBOX_WRITE } };
	static const struct probe probes[] = {
		{ OP_GETPWUID, "", 0, "getpwuid_r(0) is root" },
		{ OP_READ, "/etc/passwd", 0, "/etc/passwd is readable" },
		{ OP_READ, "/etc/nsswitch.conf", 0, "and nsswitch.conf" },
		{ OP_CREATE, "/etc/valise-t-sandbox.tmp", EACCES,
		    "no file created in /etc" },
		{ OP_CREATE, "/usr/valise-t-sandbox.tmp", EACCES,
		    "nor in /usr" },
		{ OP_READ, "/usr/lib/os-release", 0,
		    "/usr is readable (NSS modules)" },
		{ OP_READ, "/dev/urandom", EACCES, "no device" },
		{ OP_READ, "/sys/devices/system/cpu/online", EACCES,
		    "no /sys" },
		{ OP_EXEC, "/bin/true", EACCES, "no program runs" },
		{ OP_READ, "/proc/self/status",
		    SANDBOX_PROC_READABLE ? 0 : EACCES,
		    SANDBOX_PROC_READABLE ? "/proc, for the sanitizer" :
		    "no /proc" },
		{ OP_READ, "out/secret", EACCES, "no read outside" },
		{ OP_CREATE, "rw/new", 0, "create in the read-write directory" },
	};

	run_case("system", rules, sizeof(rules) / sizeof(rules[0]), true,
	    probes, sizeof(probes) / sizeof(probes[0]));
}

/* resolv.conf as systemd-resolved makes it: a link into /run. */
static void
test_link_dir(void)
{
	static const struct rule rules[] = {
		{ "ro/link-sub", SANDBOX_LINK_DIR },
	};
	static const struct probe probes[] = {
		{ OP_READ, "ro/link-sub", 0, "the link's target is readable" },
		{ OP_READ, "out/sub/deeper", 0, "  by its own name too" },
		{ OP_WRITE, "out/sub/deeper", EACCES, "  for reading only" },
		{ OP_READ, "out/secret", EACCES,
		    "its directory's parent is not" },
		{ OP_READ, "ro/f", EACCES, "nor the link's own directory" },
	};
	struct sandbox *sb = NULL;
	char path[PATH_MAX];

	run_case("link", rules, sizeof(rules) / sizeof(rules[0]), false,
	    probes, sizeof(probes) / sizeof(probes[0]));
	if (sandbox_new(&sb) != 0)
		BAIL_OUT("sandbox_new");
	path_of(path, sizeof(path), "ro/link-root");
	is(sandbox_allow(sb, path, SANDBOX_LINK_DIR), -EPERM,
	    "link: a link to / opens nothing (EPERM)");
	path_of(path, sizeof(path), "ro/no-such-link");
	is(sandbox_allow(sb, path, SANDBOX_LINK_DIR), -ENOENT,
	    "link: a missing link is ENOENT");
	sandbox_free(&sb);
}

static void *
park(void *arg)
{
	char c;

	return (void *)(intptr_t)read(*(int *)arg, &c, 1);
}

/* A second thread would escape: sandbox_apply refuses, confines nothing. */
static void
test_threads(void)
{
	int fds[2], p[2], st, res = -1, after = -1;
	struct sandbox *sb;
	char path[PATH_MAX];
	pthread_t th;
	pid_t pid;

	if (pipe(fds) != 0 || pipe(p) != 0 || (pid = fork()) < 0)
		BAIL_OUT("pipe or fork");
	if (pid == 0) {
		close(fds[0]);
		if (pthread_create(&th, NULL, park, &p[0]) != 0)
			_exit(1);
		if ((res = sandbox_new(&sb)) == 0) {
			path_of(path, sizeof(path), "rw");
			if ((res = sandbox_allow(sb, path, SANDBOX_WRITE)) == 0)
				res = sandbox_apply(sb);
			sandbox_free(&sb);
		}
		path_of(path, sizeof(path), "out/secret");
		after = open_errno(path, O_RDONLY);
		if (write(fds[1], &res, sizeof(res)) != sizeof(res) ||
		    write(fds[1], &after, sizeof(after)) != sizeof(after))
			_exit(1);
		close(p[1]);
		pthread_join(th, NULL);
		_exit(0);
	}
	close(fds[1]);
	close(p[0]);
	close(p[1]);
	if (read(fds[0], &res, sizeof(res)) != sizeof(res) ||
	    read(fds[0], &after, sizeof(after)) != sizeof(after))
		res = after = -1;
	is(res, -EBUSY, "threads: refused with a second thread running");
	is(after, 0, "threads: and nothing was confined");
	close(fds[0]);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "threads: the child exits 0");
}

static void
test_api(void)
{
	struct sandbox *sb = NULL;
	char path[PATH_MAX];

	ok(sandbox_abi() >= 1, "the kernel offers Landlock ABI %d",
	    sandbox_abi());
	if (!is(sandbox_new(&sb), 0, "a rule set is created"))
		return;
	is(sandbox_version(sb), sandbox_abi(), "on the kernel's ABI");
	path_of(path, sizeof(path), "missing");
	is(sandbox_allow(sb, path, SANDBOX_READ), -ENOENT,
	    "a missing path is -ENOENT");
	is(sandbox_allow(sb, "", SANDBOX_READ), -EINVAL, "an empty one -EINVAL");
	is(sandbox_allow(sb, NULL, SANDBOX_READ), -EINVAL, "NULL -EINVAL");
	path_of(path, sizeof(path), "ro");
	is(sandbox_allow(sb, path, (enum sandbox_access)99), -EINVAL,
	    "an unknown access -EINVAL");
	sandbox_free(&sb);
	ok(sb == NULL, "sandbox_free clears the pointer");
	sandbox_free(&sb);
	sandbox_free(NULL);
	ok(1, "sandbox_free takes NULL");
}

static int
rm_tree(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	return system(cmd);
}

int
main(void)
{
	int r;

	if ((r = sandbox_abi()) == -EOPNOTSUPP)
		plan_skip_all("this kernel has no Landlock");
	snprintf(tree, sizeof(tree), "%s/valise-t-sandbox.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tree) == NULL)
		BAIL_OUT("mkdtemp");
	make_tree();
	test_api();
	test_dirs();
	test_system();
	test_link_dir();
	test_threads();
	close(preopened);
	if (rm_tree() != 0)
		diag("cannot remove %s", tree);
	return done_testing();
}
