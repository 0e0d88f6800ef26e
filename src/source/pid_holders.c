// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* task.start_ns and task.memcg_id, which a row has no column for: the
 * process holding the pid at each row (row_holders.h), and the row's own
 * start_ns= and memcg_id= where its writer found them needed. */
#include <errno.h>
#include <stdint.h>
#include "proctrace/row_holders.h"
#include "replay_int.h"

int replay_start_assign(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	struct pt_row_proc in = { 0 }, out;
	int err = 0;

	/* A snapshot row's start_ns= is read with its kind. */
	if (ev->kind == PT_SNAPSHOT) {
		in.has_start = true;
		in.start_ns = ev->task.start_ns;
	} else {
		err = replay_detail_u64(r, pt_dkey_name(PT_DK_START_NS), UINT64_MAX, false,
					&in.start_ns);
		in.has_start = err > 0;
	}
	in.has_memcg = replay_detail_find(r, pt_dkey_name(PT_DK_MEMCG_ID)) != NULL;
	in.memcg_id = ev->task.memcg_id;
	if (err < 0)
		return err;
	if (pt_holders_take(&r->holders, ev, false, &in, &out))
		return replay_report(r, -ENOMEM, "out of memory");
	ev->task.start_ns = out.start_ns;
	ev->task.memcg_id = out.memcg_id;
	return 0;
}
