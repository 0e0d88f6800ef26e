// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* clone_flags.c: the names of clone flags and creating calls, written and
 * read back, and the words the stream and tree use. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <linux/sched.h>
#include <cmocka.h>
#include "proctrace/clone_flags.h"
#include "proctrace/event.h"

static void assert_format(__u64 flags, const char *want)
{
	char buf[PT_CLONE_FLAGS_MAX];
	__u64 back = 0;
	size_t len = pt_clone_flags_format(flags, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(pt_clone_flags_parse(buf, len, &back), 0);
	assert_true(back == flags);
}

static void test_clone_flags_names_in_fixed_order(void **state)
{
	assert_format(0, "");
	assert_format(CLONE_VFORK | CLONE_VM, "CLONE_VM|CLONE_VFORK");
	assert_format(CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWPID,
		      "CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS");
	/* a pthread_create() */
	assert_format(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			      CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
			      CLONE_CHILD_CLEARTID,
		      "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
		      "CLONE_CHILD_CLEARTID|CLONE_PARENT_SETTID|CLONE_SETTLS|CLONE_SYSVSEM");
	assert_format(0x80ULL | 0x200000000ULL, "CLONE_INTO_CGROUP|CLONE_NEWTIME");
	/* a bit without a name survives as a number */
	assert_format(CLONE_VM | (1ULL << 40), "CLONE_VM|0x10000000000");
}

static void test_clone_flags_every_bit_fits(void **state)
{
	char buf[PT_CLONE_FLAGS_MAX];
	size_t len = pt_clone_flags_format(~0ULL, buf, sizeof(buf));
	__u64 back = 0;

	assert_int_equal(len, strlen(buf));
	assert_int_equal(pt_clone_flags_parse(buf, len, &back), 0);
	assert_true(back == ~0ULL);
}

static void test_clone_flags_parse_rejects(void **state)
{
	static const char *const bad[] = { "CLONE_VMX", "CLONE_VM|",
					   "|CLONE_VM", "CLONE_VM||CLONE_FS",
					   "clone_vm",	"0x",
					   "0x0",	"0xzz" };
	__u64 f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pt_clone_flags_parse(bad[i], strlen(bad[i]), &f), -EINVAL);
}

static void test_clone_via_names(void **state)
{
	__u32 via = 0;

	assert_null(pt_via_name(PT_VIA_UNKNOWN));
	assert_string_equal(pt_via_name(PT_VIA_VFORK), "vfork");
	assert_string_equal(pt_via_name(PT_VIA_CLONE3), "clone3");
	assert_null(pt_via_name(99));
	assert_int_equal(pt_via_parse("clone3", &via), 0);
	assert_int_equal(via, PT_VIA_CLONE3);
	assert_int_equal(pt_via_parse("spawn", &via), -EINVAL);
}

static void test_clone_words(void **state)
{
	struct pt_buf b = { 0 };

	assert_string_equal(pt_clone_verb(0), "forked");
	assert_string_equal(pt_clone_verb(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID), "forked");
	assert_string_equal(pt_clone_verb(CLONE_VM | CLONE_VFORK), "vforked");
	assert_string_equal(pt_clone_verb(CLONE_VM | CLONE_FS), "cloned");
	assert_string_equal(pt_clone_verb(CLONE_NEWNET), "cloned");
	pt_clone_put_new_ns(&b, CLONE_VM);
	assert_int_equal(b.len, 0);
	pt_clone_put_new_ns(&b, CLONE_NEWNET);
	pt_buf_putc(&b, ';');
	pt_clone_put_new_ns(&b, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_VM);
	assert_string_equal(b.data, " into new net namespace; into new pid, net, mount namespaces");
	pt_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clone_flags_names_in_fixed_order),
		cmocka_unit_test(test_clone_flags_every_bit_fits),
		cmocka_unit_test(test_clone_flags_parse_rejects),
		cmocka_unit_test(test_clone_via_names),
		cmocka_unit_test(test_clone_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
