// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* JSON Lines writer: exact lines for each shape of value (numbers, absent
 * values left out, argv as an array, detail typed), RFC 8259 escaping over
 * the CSV's \xNN and \\ for raw bytes, and the write error kept. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "proctrace/writer.h"
#include "writer_fixture.h"

#define COMMON "\"ts_ns\":1000123456789,\"time\":\"2026-11-25T17:34:37.123456Z\","
#define TASK                                                                                       \
	"\"pid\":1234,\"tid\":1234,\"ppid\":812,\"pgid\":1234,\"sid\":812,\"uid\":1000,"           \
	"\"comm\":\"worker\","
#define TASK_END "\"ns_pid\":34,\"pidns\":4026531836,\"cgroup_id\":4242"

/* The line the writer made for ev. */
static char *line_of(struct pt_event *ev)
{
	FILE *f = tmpfile();
	struct pt_jsonl *w;
	char *text;
	size_t len;

	assert_non_null(f);
	w = pt_jsonl_open(f, &clock_fixed);
	assert_non_null(w);
	assert_int_equal(pt_jsonl_write(w, ev), 0);
	assert_int_equal(pt_jsonl_close(w), 0);
	len = (size_t)lseek(fileno(f), 0, SEEK_END);
	text = calloc(1, len + 1);
	assert_non_null(text);
	assert_int_equal(pread(fileno(f), text, len, 0), (ssize_t)len);
	fclose(f);
	free(ev);
	return text;
}

static void assert_line(struct pt_event *ev, const char *want)
{
	char *got = line_of(ev);

	assert_string_equal(got, want);
	free(got);
}

static void test_jsonl_fork(void **state)
{
	assert_line(new_event(PT_FORK, 0),
		    "{" COMMON "\"event\":\"fork\"," TASK
		    "\"by_pid\":812,\"state\":\"alive\"," TASK_END
		    ",\"detail\":{\"parent_tid\":813}}\n");
}

/* argv: an exact array, each argument escaped on its own; a last argument
 * without its NUL (cut) is an element too. Raw bytes keep the CSV's \xNN
 * and \\, then JSON escapes quote, backslash and control characters. */
static void test_jsonl_exec_hostile(void **state)
{
	static const char argv[] = "a\"b\0c\\d\0\xff\n\x01\0\0tail";
	static const char path[] = "/bin/x\x7f\xc3\xa9";
	struct pt_event *ev = new_event(PT_EXEC, sizeof(argv) - 1 + sizeof(path) - 1);

	memcpy(ev->data, argv, sizeof(argv) - 1);
	memcpy(ev->data + sizeof(argv) - 1, path, sizeof(path) - 1);
	ev->exec = (struct pt_exec){ .old_tid = 1235,
				     .argc = 5,
				     .args_size = 40000,
				     .argv_len = sizeof(argv) - 1,
				     .path_len = sizeof(path) - 1 };
	ev->flags = PT_F_ARGV_TRUNC;
	assert_line(
		ev,
		"{" COMMON "\"event\":\"exec\"," TASK "\"state\":\"alive\","
		"\"filename\":\"/bin/x\x7f\xc3\xa9\","
		"\"argv\":[\"a\\\"b\",\"c\\\\\\\\d\",\"\\\\xff\\n\\u0001\",\"\",\"tail\"]," TASK_END
		",\"detail\":{\"argc\":5,\"args_size\":40000,"
		"\"argv_truncated\":true,\"captured\":17,\"old_tid\":1235}}\n");
}

static void test_jsonl_exec_empty_argv(void **state)
{
	struct pt_event *ev = new_event(PT_EXEC, 2);

	memcpy(ev->data, "/x", 2);
	ev->exec = (struct pt_exec){ .old_tid = 1234, .path_len = 2 };
	ev->flags = PT_F_ARGV_FAULT;
	assert_line(ev,
		    "{" COMMON "\"event\":\"exec\"," TASK "\"state\":\"alive\","
		    "\"filename\":\"/x\",\"argv\":[]," TASK_END
		    ",\"detail\":{\"argc\":0,\"args_size\":0,\"argv_unreadable\":true}}\n");
}

/* Killed: signal and core_dumped, no exit_code; status a number. */
static void test_jsonl_exit_killed_thread(void **state)
{
	struct pt_event *ev = new_event(PT_EXIT, 0);

	ev->exit.status = 0x8b; /* SIGSEGV, core */
	ev->exit.usage.utime_ns = ev->exit.usage.runtime_ns = 2000000;
	ev->exit.usage.maxrss_kb = 1332;
	ev->task.state = PT_STATE_ZOMBIE;
	assert_line(ev,
		    "{" COMMON "\"event\":\"exit\"," TASK "\"signal\":\"SIGSEGV\","
		    "\"core_dumped\":1,\"state\":\"zombie\",\"cpu_user_us\":2000,"
		    "\"cpu_sys_us\":0,\"maxrss_kb\":1332,\"minflt\":0,\"majflt\":0,"
		    "\"nvcsw\":0,\"nivcsw\":0,\"inblock\":0,\"oublock\":0,"
		    "\"children_cpu_user_us\":0,\"children_cpu_sys_us\":0,"
		    "\"children_maxrss_kb\":0,\"children_minflt\":0,\"children_majflt\":0,"
		    "\"children_nvcsw\":0,\"children_nivcsw\":0,\"children_inblock\":0,"
		    "\"children_oublock\":0," TASK_END
		    ",\"detail\":{\"thread_exit\":true,\"status\":139,\"at_exit\":true}}\n");
}

/* Sent by the kernel: no by_pid, a negative si_code as a number. */
static void test_jsonl_signal_kernel(void **state)
{
	struct pt_event *ev = new_event(PT_SIGNAL, 0);

	ev->signal = (struct pt_signal){ .sig = 11, .code = -6, .result = PT_SIG_DELIVERED };
	ev->flags = PT_F_KERNEL_SENDER;
	assert_line(ev,
		    "{" COMMON "\"event\":\"signal\"," TASK "\"signal\":\"SIGSEGV\","
		    "\"state\":\"alive\"," TASK_END
		    ",\"detail\":{\"result\":\"delivered\",\"code\":-6,\"sender\":\"kernel\"}}\n");
}

/* Text in detail: space stays a space (JSON needs no splitting on it). */
static void test_jsonl_rename(void **state)
{
	struct pt_event *ev = new_event(PT_RENAME, 0);

	memcpy(ev->rename.old_comm, "a b\\\xff\"", 6);
	assert_line(ev,
		    "{" COMMON "\"event\":\"rename\"," TASK "\"state\":\"alive\"," TASK_END
		    ",\"detail\":{\"old_comm\":\"a b\\\\\\\\\\\\xff\\\"\"}}\n");
}

/* Released by a wait() seen only at the free: reap_at, and no reaper_tid
 * while the releasing thread is unknown. */
static void test_jsonl_reap_at_free(void **state)
{
	struct pt_event *ev = new_event(PT_REAP, 0);

	ev->flags = PT_F_REAP_AT_FREE;
	ev->task.state = PT_STATE_REAPED;
	ev->reap.exit_ns = TS_NS_VALUE - 212000000;
	ev->by.tid = 0;
	assert_line(ev,
		    "{" COMMON "\"event\":\"reap\"," TASK
		    "\"by_pid\":812,\"state\":\"reaped\"," TASK_END
		    ",\"detail\":{\"reap_at\":\"free\",\"zombie_ns\":212000000,"
		    "\"reaper_comm\":\"bash\"}}\n");
}

/* lost: no process, so none of its columns. */
static void test_jsonl_lost(void **state)
{
	struct pt_event *ev = new_event(PT_LOST, 0);

	ev->flags = PT_F_NO_ACTOR;
	ev->lost.count = 5;
	ev->lost.by_kind[PT_FORK] = 2;
	ev->lost.by_kind[PT_EXIT] = 3;
	assert_line(ev,
		    "{" COMMON "\"event\":\"lost\","
		    "\"detail\":{\"lost\":5,\"fork\":2,\"exit\":3}}\n");
}

/* A full disk: the error comes back and is kept. */
static void test_jsonl_full_disk(void **state)
{
	FILE *f = fopen("/dev/full", "w");
	struct pt_event *ev = new_event(PT_FORK, 0);
	struct pt_jsonl *w;

	if (!f)
		skip();
	w = pt_jsonl_open(f, &clock_fixed);
	assert_non_null(w);
	assert_int_equal(pt_jsonl_write(w, ev), 0); /* batched */
	assert_int_equal(pt_jsonl_flush(w), -ENOSPC);
	assert_int_equal(pt_jsonl_write(w, ev), -ENOSPC);
	assert_int_equal(pt_jsonl_close(w), -ENOSPC);
	fclose(f);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonl_fork),
		cmocka_unit_test(test_jsonl_exec_hostile),
		cmocka_unit_test(test_jsonl_exec_empty_argv),
		cmocka_unit_test(test_jsonl_exit_killed_thread),
		cmocka_unit_test(test_jsonl_signal_kernel),
		cmocka_unit_test(test_jsonl_rename),
		cmocka_unit_test(test_jsonl_reap_at_free),
		cmocka_unit_test(test_jsonl_lost),
		cmocka_unit_test(test_jsonl_full_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
