// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* load_error.c and programs.c: libbpf's log read for what refused what
 * (verifier logs as real kernels print them), the message of each kind of
 * load failure, and the table of programs by feature. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>
#include <cmocka.h>
#include "proctrace/event.h"
#include "proctrace/load_error.h"
#include "proctrace/programs.h"

/* 6.1.0-57-amd64 refusing the exit program's reparent walk: the end of
 * its log as libbpf prints it (6.1 prints source lines without files). */
static const char log_6_1[] =
	"libbpf: prog 'handle_exit': -- BEGIN PROG LOAD LOG --\n"
	"func#0 @0\n"
	"2538: (b7) r8 = 0                     ; R8_w=0\n"
	"2539: (05) goto pc+18\n"
	"; child = (void *)pos - sibling_off;\n"
	"2558: (79) r1 = *(u64 *)(r10 -272)    ; R1_w=scalar() R10=fp0\n"
	"2559: (0f) r6 += r1\n"
	"math between ptr_ pointer and register with unbounded min value is not allowed\n"
	"processed 28777 insns (limit 1000000) max_states_per_insn 4 total_states 421 "
	"peak_states 421 mark_read 405\n"
	"-- END PROG LOAD LOG --\n";

/* 6.18.44 refusing signal_generate's read of its info argument: a 6.x
 * log names the source file of each line. */
static const char log_6_18[] =
	"libbpf: prog 'handle_signal_generate': -- BEGIN PROG LOAD LOG --\n"
	"func 'signal_generate' arg1 has btf_id 446 type STRUCT 'kernel_siginfo'\n"
	"marking pointer arg1 as scalar as it may encode error6: R1=scalar() R3=ctx()\n"
	"; if (code < CLD_EXITED || code > CLD_CONTINUED || (unsigned long)info <= 1) @ "
	"sender.bpf.h:203\n"
	"; child = notifier(target, info->_sifields._sigchld._pid); @ sender.bpf.h:205\n"
	"736: (61) r7 = *(u32 *)(r3 +16)\n"
	"R3 invalid mem access 'scalar'\n"
	"processed 11667 insns (limit 1000000) max_states_per_insn 16 total_states 590 "
	"peak_states 396 mark_read 0\n"
	"-- END PROG LOAD LOG --\n";

/* A CO-RE relocation libbpf could not resolve (7.2's task_struct.on_cpu):
 * libbpf rewrites the verifier's line into its own. */
static const char log_core[] =
	"libbpf: prog 'snapshot_tasks': -- BEGIN PROG LOAD LOG --\n"
	"reg type unsupported for arg#0 function snapshot_tasks#62\n"
	"; int snapshot_tasks(struct bpf_iter__task *ctx) @ proctrace.bpf.c:290\n"
	"118: <invalid CO-RE relocation>\n"
	"failed to resolve CO-RE relocation <byte_off> [212] struct task_struct.on_cpu "
	"(0:29 @ offset 116)\n"
	"processed 94 insns (limit 1000000) max_states_per_insn 0 total_states 5 "
	"peak_states 5 mark_read 2\n"
	"-- END PROG LOAD LOG --\n";

static void test_load_log_6_1(void **state)
{
	struct pt_load_log log = { 0 };

	pt_load_log_feed(&log, log_6_1);
	pt_load_log_feed(&log, "libbpf: prog 'handle_exit': failed to load: -22\n");
	assert_string_equal(log.prog, "handle_exit");
	assert_string_equal(
		log.error,
		"math between ptr_ pointer and register with unbounded min value is not allowed");
	assert_string_equal(log.source, "");
	assert_string_equal(log.map, "");
}

static void test_load_log_6_18(void **state)
{
	struct pt_load_log log = { 0 };

	pt_load_log_feed(&log, log_6_18);
	assert_string_equal(log.prog, "handle_signal_generate");
	assert_string_equal(log.error, "R3 invalid mem access 'scalar'");
	assert_string_equal(log.source, "sender.bpf.h");
	assert_int_equal(pt_feature_of_source(log.source), PT_FEAT_SIGNAL);
	/* A later program's refusal does not replace the first. */
	pt_load_log_feed(&log, log_core);
	assert_string_equal(log.prog, "handle_signal_generate");
}

static void test_load_log_core_relocation(void **state)
{
	struct pt_load_log log = { 0 };

	pt_load_log_feed(&log, log_core);
	assert_string_equal(log.prog, "snapshot_tasks");
	assert_string_equal(log.error,
			    "failed to resolve CO-RE relocation <byte_off> [212] "
			    "struct task_struct.on_cpu (0:29 @ offset 116)");
	assert_string_equal(log.source, "proctrace.bpf.c");
	assert_int_equal(pt_feature_of_source(log.source), -1);
}

static void test_load_log_map_and_no_log(void **state)
{
	struct pt_load_log log = { 0 };

	pt_load_log_feed(&log,
			 "libbpf: map 'events': failed to create: Operation not "
			 "permitted(-1)\n");
	assert_string_equal(log.map, "events");
	assert_int_equal(log.map_err, 1);
	assert_string_equal(log.prog, "");
	/* Refused without a log (too big to print): the program all the same. */
	pt_load_log_feed(&log, "libbpf: prog 'handle_fork': failed to load: -7\n");
	assert_string_equal(log.prog, "handle_fork");
	assert_string_equal(log.error, "");
	/* Other messages say nothing of a refusal. */
	pt_load_log_feed(&log, "libbpf: failed to load object 'proctrace_bpf'\n");
	assert_string_equal(log.prog, "handle_fork");
}

static void test_verifier_error_line(void **state)
{
	char line[64];

	pt_verifier_error_line("0: (bf) r0 = r2\nR2 !read_ok\nprocessed 1 insns\n", line,
			       sizeof(line));
	assert_string_equal(line, "R2 !read_ok");
	/* No "processed" line: the last one. */
	pt_verifier_error_line("0: (85) call unknown#1\ninvalid func unknown#1\n\n", line,
			       sizeof(line));
	assert_string_equal(line, "invalid func unknown#1");
	pt_verifier_error_line("", line, sizeof(line));
	assert_string_equal(line, "");
	/* Cut to the room given. */
	pt_verifier_error_line("a very long line indeed\n", line, 7);
	assert_string_equal(line, "a very");
}

static void test_release_number(void **state)
{
	assert_int_equal(pt_release_number("5.10.0-46-amd64"), 5010);
	assert_int_equal(pt_release_number("6.12.118+deb12-amd64"), 6012);
	assert_int_equal(pt_release_number("7.2.13+deb14-amd64"), 7002);
	assert_int_equal(pt_release_number("garbage"), 0);
	assert_int_equal(pt_release_number(NULL), 0);
}

static void test_msg_refused(void **state)
{
	char buf[512];
	struct pt_refusal core = {
		.release = "6.1.0-57-amd64",
		.prog = "handle_exit",
		.error = "math between ptr_ pointer and register with unbounded min value is "
			 "not allowed",
		.feature = "core",
	};
	struct pt_refusal named = core;

	pt_msg_refused(buf, sizeof(buf), &core);
	assert_string_equal(buf,
			    "this kernel (6.1.0-57-amd64) refused BPF program handle_exit, "
			    "which traces fork, exec and exit: math between ptr_ pointer "
			    "and register with unbounded min value is not allowed; "
			    "proctrace cannot trace without it (-v shows the verifier's "
			    "whole log)");
	named.feature = "reparent";
	named.option = "-e reparent";
	pt_msg_refused(buf, sizeof(buf), &named);
	assert_string_equal(buf,
			    "this kernel (6.1.0-57-amd64) refused BPF program handle_exit, "
			    "which -e reparent (reparent) needs: math between ptr_ pointer "
			    "and register with unbounded min value is not allowed (-v shows "
			    "the verifier's whole log; without -e reparent the rest can be "
			    "traced)");
}

static void test_msg_feature_off(void **state)
{
	char buf[512];

	pt_msg_feature_off(buf, sizeof(buf), "signal", "signal, stop, continue", "6.18.44-fc-v1294",
			   "the verifier refused handle_signal_generate: R3 invalid mem access "
			   "'scalar'");
	assert_string_equal(buf,
			    "signal off (signal, stop, continue not traced): on this "
			    "kernel (6.18.44-fc-v1294) the verifier refused "
			    "handle_signal_generate: R3 invalid mem access 'scalar'; the "
			    "rest is traced (-v shows the verifier's whole log)");
}

static void test_msg_load_failed(void **state)
{
	char buf[512];
	struct pt_load_facts f = {
		.release = "6.18.44",
		.privileged = false,
		.memlock = 8 << 20,
		.map = "events",
	};

	/* A want of privilege only where the capabilities lack. */
	pt_msg_load_failed(buf, sizeof(buf), 1, &f);
	assert_string_equal(buf,
			    "permission denied loading BPF programs: this process lacks "
			    "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); run as root "
			    "(sudo proctrace)");
	/* Privileged, a map refused with EPERM before 5.11: the memlock. */
	f.privileged = true;
	f.release = "5.10.0-46-amd64";
	pt_msg_load_failed(buf, sizeof(buf), 1, &f);
	assert_string_equal(buf,
			    "cannot create BPF map events: the locked-memory limit "
			    "(RLIMIT_MEMLOCK, 8192 KiB) is exhausted; this kernel "
			    "(5.10.0-46-amd64, before 5.11) charges BPF maps to it: raise "
			    "it (ulimit -l unlimited, or LimitMEMLOCK=infinity for a "
			    "service) or give a smaller --ringbuf-kb");
	/* From 5.11 the memory cgroup pays: not the limit. */
	f.release = "6.1.0-57-amd64";
	pt_msg_load_failed(buf, sizeof(buf), 1, &f);
	assert_string_equal(buf,
			    "cannot create BPF map events on this kernel (6.1.0-57-amd64): "
			    "Operation not permitted");
	/* Unlimited: not the limit either. */
	f.release = "5.10.0-46-amd64";
	f.memlock = ~0ull;
	pt_msg_load_failed(buf, sizeof(buf), 12, &f);
	assert_string_equal(buf,
			    "cannot create BPF map events on this kernel (5.10.0-46-amd64): "
			    "Cannot allocate memory");
	f.map = NULL;
	pt_msg_load_failed(buf, sizeof(buf), 7, &f);
	assert_string_equal(buf,
			    "cannot load the BPF programs on this kernel (5.10.0-46-amd64): "
			    "Argument list too long (-v shows libbpf's log)");
}

static void test_msg_tracefs(void **state)
{
	char buf[512];

	pt_msg_tracefs(buf, sizeof(buf), 1);
	assert_string_equal(buf,
			    "tracefs is not mounted (/sys/kernel/tracing) and mounting it "
			    "failed: Operation not permitted; the tracepoints are attached "
			    "through it: mount it with 'mount -t tracefs nodev "
			    "/sys/kernel/tracing'");
}

/* One feature per program, named once; every recordable kind in exactly
 * one feature; the programs' kinds include their feature's. */
static void test_programs_table(void **state)
{
	__u32 seen = 0;

	for (size_t i = 0; i < pt_n_programs; i++) {
		const struct pt_program_def *d = &pt_programs[i];

		assert_ptr_equal(pt_program_find(d->name), d);
		assert_true(d->feature < PT_FEAT_MAX);
		assert_true((d->kinds & pt_features[d->feature].kinds) != 0);
	}
	assert_null(pt_program_find("no_such_program"));
	for (int f = 0; f < PT_FEAT_MAX; f++) {
		assert_non_null(pt_features[f].name);
		assert_int_equal(seen & pt_features[f].kinds, 0);
		seen |= pt_features[f].kinds;
		assert_int_equal(pt_features_of_kinds(pt_features[f].kinds), PT_FEAT_BIT(f));
	}
	for (unsigned k = PT_FORK; k < PT_KIND_MAX; k++)
		if (k != PT_LOST)
			assert_true(seen & (1u << k));
	assert_int_equal(pt_feature_of_source("reap.bpf.h"), PT_FEAT_REAP);
	assert_int_equal(pt_feature_of_source("signal.bpf.h"), PT_FEAT_SIGNAL);
	assert_int_equal(pt_feature_of_source("reap.bpf"), -1);
}

/* A skipped exit program loses an exit, not the thread rows it also
 * serves (the kernel matrix's 7.2 counted handle_exit's misses as lost
 * `thread` rows while thread exit rows were missing); a skipped free, a
 * reap. */
static void test_program_missed_kind(void **state)
{
	const __u32 all = ~0u;
	const struct pt_program_def *exit_prog = pt_program_find("handle_exit");
	const struct pt_program_def *free_prog = pt_program_find("handle_free");
	const struct pt_program_def *fork_prog = pt_program_find("handle_fork");

	(void)state;
	assert_non_null(exit_prog);
	assert_non_null(free_prog);
	assert_non_null(fork_prog);
	assert_int_equal(pt_program_missed_kind(exit_prog, all), PT_EXIT);
	assert_int_equal(pt_program_missed_kind(free_prog, all), PT_REAP);
	/* -e thread: the exit program is loaded for thread rows alone. */
	assert_int_equal(pt_program_missed_kind(exit_prog, 1u << PT_THREAD), PT_THREAD);
	assert_int_equal(pt_program_missed_kind(fork_prog, all), PT_FORK);
	assert_int_equal(pt_program_missed_kind(fork_prog, 1u << PT_SIGNAL), PT_LOST);
}

static void test_features_names(void **state)
{
	char buf[64];

	pt_features_names(PT_FEAT_BIT(PT_FEAT_REAP) | PT_FEAT_BIT(PT_FEAT_REPARENT), buf,
			  sizeof(buf));
	assert_string_equal(buf, "reap, reparent");
	assert_int_equal(pt_features_kinds(PT_FEAT_BIT(PT_FEAT_GROUPS)),
			 (1u << PT_SETPGID) | (1u << PT_SETSID));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_log_6_1),
		cmocka_unit_test(test_load_log_6_18),
		cmocka_unit_test(test_load_log_core_relocation),
		cmocka_unit_test(test_load_log_map_and_no_log),
		cmocka_unit_test(test_verifier_error_line),
		cmocka_unit_test(test_release_number),
		cmocka_unit_test(test_msg_refused),
		cmocka_unit_test(test_msg_feature_off),
		cmocka_unit_test(test_msg_load_failed),
		cmocka_unit_test(test_msg_tracefs),
		cmocka_unit_test(test_programs_table),
		cmocka_unit_test(test_program_missed_kind),
		cmocka_unit_test(test_features_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
