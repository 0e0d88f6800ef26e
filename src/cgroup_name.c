// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The short name of a cgroup path (cgroup.h): what the container runtimes,
 * Kubernetes and systemd name their cgroups after. Pure. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "proctrace/cgroup.h"

#define CONTAINER_ID_LEN 64 /* the runtimes' ids: 256 bits in hex */
#define SHORT_ID_LEN 12	    /* as `docker ps` and `crictl ps` show them */
#define POD_UID_LEN 36	    /* a UUID with its four dashes */

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

static bool all_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

/* The container id in one component, or NULL: the whole component, or its
 * part after the last '-' up to ".scope" (docker-, cri-containerd-, crio-,
 * libpod-; "libpod-conmon-" is the monitor beside the container, not it). */
static const char *container_id(const char *c, size_t len)
{
	const char *dash;
	size_t id_len;

	if (len == CONTAINER_ID_LEN && all_hex(c, len))
		return c;
	if (!ends_with(c, len, ".scope") || (len >= 14 && !memcmp(c, "libpod-conmon-", 14)))
		return NULL;
	id_len = len - strlen(".scope");
	dash = memrchr(c, '-', id_len);
	if (!dash || c + id_len - (dash + 1) != CONTAINER_ID_LEN ||
	    !all_hex(dash + 1, CONTAINER_ID_LEN))
		return NULL;
	return dash + 1;
}

/* The pod uid in one component, into uid (POD_UID_LEN + 1 bytes): "pod"
 * then the uid, at the start (cgroupfs driver: pod<uid>) or after a '-'
 * (systemd driver: kubepods-besteffort-pod<uid>.slice, its dashes written
 * as '_'). */
static bool pod_uid(const char *c, size_t len, char *uid)
{
	const char *p = NULL;

	if (len >= 3 + POD_UID_LEN && !memcmp(c, "pod", 3))
		p = c + 3;
	else if (ends_with(c, len, ".slice") && !memcmp(c, "kubepods", 8)) {
		for (const char *q = c; q + 4 <= c + len; q++)
			if (!memcmp(q, "-pod", 4))
				p = q + 4;
	}
	if (!p || c + len - p < POD_UID_LEN)
		return false;
	for (size_t i = 0; i < POD_UID_LEN; i++) {
		char ch = p[i] == '_' ? '-' : p[i];

		if (!(isxdigit((unsigned char)ch) || ch == '-'))
			return false;
		uid[i] = ch;
	}
	uid[POD_UID_LEN] = '\0';
	return p + POD_UID_LEN == c + len || !strcmp(p + POD_UID_LEN, ".slice") ||
		p[POD_UID_LEN] == '/';
}

static bool is_unit(const char *c, size_t len)
{
	return ends_with(c, len, ".service") || ends_with(c, len, ".scope");
}

const char *pt_cgroup_short(const char *path, char *out, size_t n)
{
	const char *id = NULL, *unit = NULL, *c = path;
	size_t unit_len = 0;
	char uid[POD_UID_LEN + 1] = "";

	while (*c) {
		size_t len = strcspn(c, "/");
		const char *found;

		if (len) {
			if ((found = container_id(c, len)))
				id = found;
			else if (!uid[0] && pod_uid(c, len, uid))
				;
			else if (is_unit(c, len)) {
				unit = c;
				unit_len = len;
			}
		}
		c += len + (c[len] == '/');
	}
	if (!n)
		return out;
	if (uid[0] && id)
		snprintf(out, n, "pod%s/%.*s", uid, SHORT_ID_LEN, id);
	else if (uid[0])
		snprintf(out, n, "pod%s", uid);
	else if (id)
		snprintf(out, n, "%.*s", SHORT_ID_LEN, id);
	else if (unit)
		snprintf(out, n, "%.*s", (int)unit_len, unit);
	else
		out[0] = '\0';
	return out;
}
