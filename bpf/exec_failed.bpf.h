/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Failed execs: execve/execveat whose syscall returns an error.
 *
 * At the syscall's entry the path's first EXEC_ENTRY_PATH bytes are copied
 * (the only thing still known if the exec fails past its point of no
 * return, when the old memory map is gone) with the user pointers of the
 * path and argv and the memory map. The caller's page may not be in
 * memory then (a string constant in a page of the program not yet
 * touched: the kernel faults it in, a BPF read cannot): at the point of no
 * return the path is copied again from the kernel's own copy
 * (bprm->filename, tp_btf/sched_prepare_exec, Linux >= 6.10). At
 * its exit with an error, while the memory map is the same, path and argv
 * are read from the caller's memory as it passed them; else the exec had
 * replaced it (begin_new_exec()) and the kernel kills the process with
 * SIGSEGV: the row says so (no_return), with the path copied at entry.
 * Only these two syscalls run these programs (a syscall tracepoint runs
 * the programs of its own syscall only).
 * Included once, by proctrace.bpf.c, after task.bpf.h.
 */
#ifndef PROCTRACE_EXEC_FAILED_BPF_H
#define PROCTRACE_EXEC_FAILED_BPF_H

/* Arguments read of a failed exec, each up to EXEC_ARG_MAX bytes. */
#define EXEC_FAILED_ARGS 128
#define EXEC_ARG_MAX 4096
/* The path kept at entry, for an exec that fails past its point of no
 * return (longer: cut, and flagged path_truncated): 1,024 entries of a
 * whole PT_PATH_MAX would be 4 MiB of locked memory. */
#define EXEC_ENTRY_PATH 256

struct exec_entry {
	__u64 filename; /* user pointers, as passed */
	__u64 argv;
	__u64 mm;		    /* the caller's memory map at entry */
	char path[EXEC_ENTRY_PATH]; /* "": not read */
};
/* By tid, from the entry to the exit of the syscall (or the thread's
 * end); not LRU, as inflight (maps.bpf.h): full, the failed exec's row is
 * counted lost. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct exec_entry);
} exec_entries SEC(".maps");

_Static_assert(sizeof(struct exec_entry) <= sizeof(struct exec_scratch), "exec_entry staging");

/* The exec record built in s (kind, task, exec set) with argv_len bytes of
 * argv and path_len of path in data[]: out with its real length. */
static __always_inline void output_exec_record(struct exec_scratch *s, __u32 argv_len,
					       __u32 path_len)
{
	struct pt_event *ev = (struct pt_event *)s;
	/* 64 bits: a 32-bit size is checked on a zero-extended copy that
	 * verifiers before 6.2 do not tie to the register passed on ("R3
	 * unbounded memory access" on 6.1). */
	__u64 size;

	ev->exec.argv_len = argv_len;
	ev->exec.path_len = path_len;
	size = sizeof(*ev) + (__u64)argv_len + (__u64)path_len;
	barrier_var(size);
	if (size > sizeof(*s))
		return;
	ev->size = (__u32)size;
	if (bpf_ringbuf_output(&events, s, size, wakeup_flag()))
		count_lost(ev->kind);
}

static __always_inline void exec_enter(const char *filename, const char *const *argv)
{
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *cur = current_task();
	struct exec_entry *x;

	if (!task_wanted(cur))
		return;
	/* Built in this CPU's exec scratch (too big for the stack). */
	x = bpf_map_lookup_elem(&scratch, &cpu);
	if (!x)
		return;
	x->filename = (__u64)filename;
	x->argv = (__u64)argv;
	x->mm = (__u64)BPF_CORE_READ(cur, mm);
	x->path[0] = 0;
	bpf_probe_read_user_str(x->path, sizeof(x->path), filename);
	map_keep(&exec_entries, &tid, x, BPF_ANY, PT_EXEC_FAILED);
}

/* argv from the caller's memory into data[0..): NUL-separated, as far as
 * readable; sets argc, args_size and the flags. Returns the bytes. */
static __always_inline __u32 read_user_argv(struct pt_event *ev, const char *const *argv)
{
	__u32 off = 0;
	long n;

	for (int i = 0; i < EXEC_FAILED_ARGS; i++) {
		const char *arg = NULL;

		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i])) {
			ev->flags |= PT_F_ARGV_FAULT;
			break;
		}
		if (!arg)
			break;
		if (i == EXEC_FAILED_ARGS - 1 || off >= PT_ARGV_MAX) {
			ev->flags |= PT_F_ARGV_TRUNC;
			break;
		}
		barrier_var(off);
		if (off >= PT_ARGV_MAX)
			break;
		n = bpf_probe_read_user_str(ev->data + off, EXEC_ARG_MAX, arg);
		if (n <= 0) {
			ev->flags |= PT_F_ARGV_FAULT;
			break;
		}
		/* a full chunk: the argument may be longer */
		if (n == EXEC_ARG_MAX || off + n > PT_ARGV_MAX) {
			ev->flags |= PT_F_ARGV_TRUNC;
			off = off + n > PT_ARGV_MAX ? PT_ARGV_MAX : off + n;
			break;
		}
		off += n;
		ev->exec.argc = i + 1;
	}
	ev->exec.args_size = off;
	return off;
}

/* The point of no return (begin_new_exec()), Linux >= 6.10: the path as
 * the kernel copied it at the syscall's entry. The loader loads this only
 * where the kernel has the tracepoint. */
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(handle_prepare_exec, struct task_struct *task, struct linux_binprm *bprm)
{
	__u32 tid = task->pid;
	struct exec_entry *x = bpf_map_lookup_elem(&exec_entries, &tid);

	if (x)
		bpf_probe_read_kernel_str(x->path, sizeof(x->path), bprm->filename);
	return 0;
}

static __always_inline void exec_exit(long ret)
{
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *cur = current_task();
	struct exec_entry *x = bpf_map_lookup_elem(&exec_entries, &tid);
	struct exec_scratch *s;
	struct pt_event *ev;
	__u32 argv_len = 0, path_len = 0;
	long n = 0;

	if (!x)
		return;
	if (ret >= 0)
		goto out;
	s = bpf_map_lookup_elem(&scratch, &cpu);
	if (!s)
		goto out;
	ev = (struct pt_event *)s;
	ev->kind = PT_EXEC_FAILED;
	ev->flags = 0;
	fill_task_any(&ev->task, cur);
	no_actor(ev);
	ev->exec.old_tid = tid;
	ev->exec.argc = 0;
	ev->exec.args_size = 0;
	ev->exec.error = -ret;
	ev->exec.no_return = x->mm != (__u64)BPF_CORE_READ(cur, mm);
	ev->exec._pad = 0;
	if (ev->exec.no_return) {
		ev->flags |= PT_F_ARGV_FAULT;
		n = bpf_probe_read_kernel_str(ev->data, sizeof(x->path), x->path);
		if (n == sizeof(x->path))
			ev->flags |= PT_F_PATH_TRUNC;
		/* read neither at entry nor at the point of no return */
		if (n <= 1)
			ev->flags |= PT_F_PATH_FAULT;
	} else {
		argv_len = read_user_argv(ev, (const char *const *)x->argv);
		barrier_var(argv_len);
		if (argv_len > PT_ARGV_MAX)
			goto out;
		n = bpf_probe_read_user_str(ev->data + argv_len, PT_PATH_MAX,
					    (const char *)x->filename);
		if (n < 0)
			ev->flags |= PT_F_PATH_FAULT;
	}
	if (n > 0)
		path_len = n - 1;
	if (n == PT_PATH_MAX)
		ev->flags |= PT_F_PATH_TRUNC;
	output_exec_record(s, argv_len, path_len);
out:
	bpf_map_delete_elem(&exec_entries, &tid);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_execve_enter(struct trace_event_raw_sys_enter *ctx)
{
	exec_enter((const char *)ctx->args[0], (const char *const *)ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_execveat_enter(struct trace_event_raw_sys_enter *ctx)
{
	exec_enter((const char *)ctx->args[1], (const char *const *)ctx->args[2]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	exec_exit(ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	exec_exit(ctx->ret);
	return 0;
}

#endif /* PROCTRACE_EXEC_FAILED_BPF_H */
