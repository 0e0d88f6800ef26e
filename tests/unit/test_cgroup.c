// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Cgroup paths by name (cgroup_name.c, cgroup_paths.c): the short names of
 * the paths the container runtimes, Kubernetes and systemd make, and the
 * registry a replay fills. The live walk of the file system is tested by
 * the integration tests (cases_cgroup.py), on real cgroups. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "proctrace/cgroup.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID "8c1c7bd7-3e0f-4f86-9a4b-2f1b3c5d7e9f"
#define UID_ "8c1c7bd7_3e0f_4f86_9a4b_2f1b3c5d7e9f"

static void same(const char *path, const char *want)
{
	char out[PT_CGROUP_NAME_MAX];

	assert_string_equal(pt_cgroup_short(path, out, sizeof(out)), want);
}

static void test_cgroup_units(void **state)
{
	(void)state;
	same("/system.slice/ssh.service", "ssh.service");
	same("/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome.scope",
	     "app-gnome.scope");
	same("/user.slice/user-1000.slice/user@1000.service", "user@1000.service");
	same("/user.slice/user-1000.slice/session-3.scope", "session-3.scope");
	/* slices alone, the root, a plain directory: no name */
	same("/system.slice", "");
	same("/", "");
	same("/my/own/group", "");
}

static void test_cgroup_containers(void **state)
{
	(void)state;
	same("/system.slice/docker-" ID64 ".scope", "0123456789ab");
	same("/docker/" ID64, "0123456789ab");
	same("/machine.slice/libpod-" ID64 ".scope/container", "0123456789ab");
	same("/system.slice/crio-" ID64 ".scope", "0123456789ab");
	/* podman's monitor beside the container is a unit, not the container */
	same("/machine.slice/libpod-conmon-" ID64 ".scope", "libpod-conmon-" ID64 ".scope");
	/* 63 hex, upper case, a non-hex digit: not an id */
	same("/system.slice/docker-" ID64 "0.scope", "docker-" ID64 "0.scope");
	same("/system.slice/docker-0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"
	     ".scope",
	     "docker-0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef.scope");
}

static void test_cgroup_pods(void **state)
{
	(void)state;
	same("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
	     ".slice/cri-containerd-" ID64 ".scope",
	     "pod" UID "/0123456789ab");
	same("/kubepods.slice/kubepods-pod" UID_ ".slice", "pod" UID);
	same("/kubepods/burstable/pod" UID "/" ID64, "pod" UID "/0123456789ab");
	/* a too small buffer: cut, terminated */
	char out[8];

	assert_string_equal(pt_cgroup_short("/kubepods/pod" UID, out, sizeof(out)), "pod8c1c");
}

static void test_cgroup_registry(void **state)
{
	(void)state;
	pt_cgroup_reset();
	assert_null(pt_cgroup_path(42));
	assert_int_equal(pt_cgroup_learn(42, "/system.slice/ssh.service"), 0);
	assert_string_equal(pt_cgroup_path(42), "/system.slice/ssh.service");
	/* the first path told stays */
	assert_int_equal(pt_cgroup_learn(42, "/other"), 0);
	assert_string_equal(pt_cgroup_path(42), "/system.slice/ssh.service");
	assert_null(pt_cgroup_path(43));
	pt_cgroup_reset();
	assert_null(pt_cgroup_path(42));
}

/* The v1 memory hierarchy numbers its cgroups apart: the same id names
 * two paths; its short name shows only when the v2 path names nothing. */
static void test_cgroup_memcg_name(void **state)
{
	static const char id64[] =
		"9e8d7c6b5a410123456789abcdef0123456789abcdef0123456789abcdef4567";
	char path[128], name[PT_CGROUP_NAME_MAX];

	(void)state;
	pt_cgroup_reset();
	snprintf(path, sizeof(path), "/docker/%s", id64);
	assert_int_equal(pt_cgroup_learn(7, "/"), 0);
	assert_int_equal(pt_cgroup_learn(8, "/system.slice/ssh.service"), 0);
	assert_int_equal(pt_memcg_learn(7, path), 0);
	assert_string_equal(pt_cgroup_path(7), "/");
	assert_string_equal(pt_memcg_path(7), path);
	assert_null(pt_memcg_path(0));
	assert_null(pt_memcg_path(8));
	assert_string_equal(pt_cgroup_name(7, 7, name, sizeof(name)), "9e8d7c6b5a41");
	assert_string_equal(pt_cgroup_name(8, 7, name, sizeof(name)), "ssh.service");
	assert_string_equal(pt_cgroup_name(7, 0, name, sizeof(name)), "");
	assert_string_equal(pt_cgroup_name(9, 9, name, sizeof(name)), "");
	pt_cgroup_reset();
	assert_null(pt_memcg_path(7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_units),	  cmocka_unit_test(test_cgroup_containers),
		cmocka_unit_test(test_cgroup_pods),	  cmocka_unit_test(test_cgroup_registry),
		cmocka_unit_test(test_cgroup_memcg_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
