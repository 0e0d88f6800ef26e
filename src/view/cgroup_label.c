// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A process's container, pod or unit in the views (cgroup.h names it). */
#include <string.h>
#include "proctrace/cgroup.h"
#include "proctrace/decode.h"
#include "proctrace/views.h"

static const char *short_name(const struct pt_proc *p, char *buf, size_t n)
{
	buf[0] = '\0';
	return p ? pt_cgroup_name(p->cgroup_id, p->memcg_id, buf, n) : buf;
}

void pt_view_put_cgroup(struct pt_buf *b, const struct pt_proc *p, const struct pt_proc *parent)
{
	char name[PT_CGROUP_NAME_MAX], up[PT_CGROUP_NAME_MAX];

	if (!*short_name(p, name, sizeof(name)) ||
	    !strcmp(name, short_name(parent, up, sizeof(up))))
		return;
	pt_buf_puts(b, " {");
	pt_escape_text(b, name, strlen(name), PT_ESC_BACKSLASH | PT_ESC_CONTROL);
	pt_buf_putc(b, '}');
}
