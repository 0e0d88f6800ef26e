// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * clone_kinds FILE: makes a task each way the kernel offers and has each one
 * report what it really shares with its creator, then does block I/O.
 *
 * For each kind K: K_pid, and from the new task itself K_vm, K_files, K_fs,
 * K_sighand (kcmp(2) against the creator: 1 = shared) and K_ns (the
 * namespaces whose /proc/self/ns inode differs from the creator's, as
 * "pid,net,..."; "-" for none). Kinds: fork, vfork, clonevm (clone with
 * CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND, no CLONE_THREAD), thread
 * (pthread_create; K_pid is its tid), parent (clone(CLONE_PARENT) by a
 * middle process: K_creator is the middle one, and the new task is the
 * workload's child), newpid (clone3 CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS),
 * newnet (clone3 CLONE_NEWNET). unshare_pid: a child that called
 * unshare(CLONE_NEWUTS), with unshare_ns as above against its state before.
 * io_pid: a child that writes and fsyncs 8 MiB to FILE and reads it back
 * with O_DIRECT; io_inblock/io_oublock: what wait4() reported for it.
 */
#include <fcntl.h>
#include <linux/kcmp.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "workload.h"

#define IO_BYTES (8 << 20)
#define IO_CHUNK (1 << 20)
#define STACK_SIZE (256 << 10)

static const char *const ns_names[] = { "pid", "net", "mnt", "uts", "ipc", "user", "cgroup" };
#define N_NS (sizeof(ns_names) / sizeof(ns_names[0]))

struct ns_inodes {
	ino_t ino[N_NS];
};

static void read_ns(pid_t pid, struct ns_inodes *out)
{
	char path[64];
	struct stat st;

	for (size_t i = 0; i < N_NS; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_names[i]);
		if (stat(path, &st))
			wl_die(path);
		out->ino[i] = st.st_ino;
	}
}

/* The names of the namespaces that differ, comma-joined, or "-". */
static void ns_diff(const struct ns_inodes *a, const struct ns_inodes *b, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_NS; i++)
		if (a->ino[i] != b->ino[i])
			len += snprintf(buf + len, n - len, "%s%s", len ? "," : "", ns_names[i]);
	if (!len)
		snprintf(buf, n, "-");
}

static int shared(pid_t a, pid_t b, int type)
{
	long r = syscall(SYS_kcmp, a, b, type, 0, 0);

	if (r < 0)
		wl_die("kcmp");
	return r == 0;
}

/* What the new task (self, tid `self_tid`) shares with `creator`, whose
 * namespaces were read before it was made. */
static void report(const char *kind, pid_t creator, pid_t self_tid, const struct ns_inodes *before)
{
	struct ns_inodes now;
	char diff[128];

	read_ns(self_tid, &now);
	ns_diff(before, &now, diff, sizeof(diff));
	wl_fact("%s_vm=%d", kind, shared(creator, self_tid, KCMP_VM));
	wl_fact("%s_files=%d", kind, shared(creator, self_tid, KCMP_FILES));
	wl_fact("%s_fs=%d", kind, shared(creator, self_tid, KCMP_FS));
	wl_fact("%s_sighand=%d", kind, shared(creator, self_tid, KCMP_SIGHAND));
	wl_fact("%s_ns=%s", kind, diff);
}

static pid_t me;
static struct ns_inodes my_ns;

static void reap(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, __WALL) != pid)
		wl_die(what);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		_exit(WL_BROKEN);
}

static int clonevm_child(void *arg)
{
	(void)arg;
	report("clonevm", me, (pid_t)syscall(SYS_gettid), &my_ns);
	return 0;
}

static void *thread_main(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	(void)arg;
	wl_fact("thread_pid=%d", (int)tid);
	report("thread", me, tid, &my_ns);
	return NULL;
}

static pid_t clone3_ns(__u64 flags)
{
	struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

static void do_clone3(const char *kind, __u64 flags)
{
	pid_t pid = clone3_ns(flags);

	if (pid < 0)
		wl_die("clone3");
	if (pid == 0) {
		/* getpid() is 1 in the new pid namespace: the creator reads
		 * our namespaces from outside, by our pid there. */
		pause();
		_exit(0);
	}
	wl_fact("%s_pid=%d", kind, (int)pid);
	report(kind, me, pid, &my_ns);
	kill(pid, SIGKILL);
	if (waitpid(pid, NULL, 0) != pid)
		wl_die("waitpid clone3");
}

/* A middle process makes a sibling of itself with CLONE_PARENT. */
static int parent_child(void *arg)
{
	(void)arg;
	return 0;
}

static void do_parent(char *stack)
{
	pid_t middle, sib;
	int status;

	middle = fork();
	if (middle < 0)
		wl_die("fork");
	if (middle == 0) {
		sib = clone(parent_child, stack + STACK_SIZE, CLONE_PARENT | SIGCHLD, NULL);
		if (sib < 0)
			wl_die("clone CLONE_PARENT");
		wl_fact("parent_pid=%d", (int)sib);
		wl_fact("parent_creator=%d", (int)getpid());
		_exit(0);
	}
	reap(middle, "waitpid middle");
	/* The sibling is ours to reap. */
	if (wait(&status) < 0)
		wl_die("wait sibling");
}

static void do_unshare(void)
{
	pid_t pid = fork();
	if (pid < 0)
		wl_die("fork");
	if (pid == 0) {
		struct ns_inodes before, after;
		char diff[128];

		read_ns(getpid(), &before);
		if (unshare(CLONE_NEWUTS))
			wl_die("unshare");
		read_ns(getpid(), &after);
		ns_diff(&before, &after, diff, sizeof(diff));
		wl_fact("unshare_pid=%d", (int)getpid());
		wl_fact("unshare_ns=%s", diff);
		_exit(0);
	}
	reap(pid, "waitpid unshare");
}

static void io_child(const char *path)
{
	char *buf;
	ssize_t n;
	int fd;

	if (posix_memalign((void **)&buf, 4096, IO_CHUNK))
		wl_die("posix_memalign");
	memset(buf, 'x', IO_CHUNK);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		wl_die("open io file");
	for (int i = 0; i < IO_BYTES / IO_CHUNK; i++)
		if (write(fd, buf, IO_CHUNK) != IO_CHUNK)
			wl_die("write io file");
	if (fsync(fd) || close(fd))
		wl_die("fsync io file");
	fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0)
		wl_die("open O_DIRECT");
	while ((n = read(fd, buf, IO_CHUNK)) > 0)
		;
	if (n < 0)
		wl_die("read O_DIRECT");
	close(fd);
	_exit(0);
}

static void do_io(const char *path)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		wl_die("fork");
	if (pid == 0)
		io_child(path);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		_exit(WL_BROKEN);
	unlink(path);
	wl_fact("io_pid=%d", (int)pid);
	wl_fact("io_inblock=%ld", ru.ru_inblock);
	wl_fact("io_oublock=%ld", ru.ru_oublock);
}

int main(int argc, char **argv)
{
	char *stack = malloc(STACK_SIZE);
	pthread_t th;
	pid_t pid;

	if (argc != 2 || !stack) {
		fprintf(stderr, "usage: clone_kinds FILE\n");
		return 2;
	}
	me = getpid();
	read_ns(me, &my_ns);
	wl_fact("pid=%d", (int)me);

	pid = fork();
	if (pid < 0)
		wl_die("fork");
	if (pid == 0) {
		report("fork", me, getpid(), &my_ns);
		_exit(0);
	}
	wl_fact("fork_pid=%d", (int)pid);
	reap(pid, "waitpid fork");

	/* The parent is suspended until the child exits: the child reports. */
	pid = vfork();
	if (pid < 0)
		wl_die("vfork");
	if (pid == 0) {
		report("vfork", me, getpid(), &my_ns);
		_exit(0);
	}
	wl_fact("vfork_pid=%d", (int)pid);
	reap(pid, "waitpid vfork");

	pid = clone(clonevm_child, stack + STACK_SIZE,
		    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | SIGCHLD, NULL);
	if (pid < 0)
		wl_die("clone");
	wl_fact("clonevm_pid=%d", (int)pid);
	reap(pid, "waitpid clonevm");

	if (pthread_create(&th, NULL, thread_main, NULL) || pthread_join(th, NULL))
		wl_die("pthread");

	do_parent(stack);
	do_clone3("newpid", CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS);
	do_clone3("newnet", CLONE_NEWNET);
	do_unshare();
	do_io(argv[1]);
	free(stack);
	return 0;
}
