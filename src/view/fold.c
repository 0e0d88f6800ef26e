// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The text views' walk of the model with the ancestors outside the
 * selection folded (views.h): a chain of them from a root down, each the
 * only child of the one before, becomes one line; the rows under it move
 * up by as many levels. Folds nest: a chain may begin under an earlier
 * one's last process, when that process has several children. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/views.h"

struct fold_walk {
	pt_walk_fn row;
	pt_view_fold_fn fold;
	void *ctx;
	struct pt_view_fold open; /* the chain being read; n == 0: none */
	unsigned *shifts;	  /* of the folds above the row, outermost first */
	size_t n_shifts, cap;
};

static int fold_close(struct fold_walk *fw)
{
	unsigned *s;
	size_t cap;
	int err;

	if (!fw->open.n)
		return 0;
	err = fw->fold(&fw->open, fw->ctx);
	if (fw->n_shifts == fw->cap) {
		cap = fw->cap ? fw->cap * 2 : 8;
		s = realloc(fw->shifts, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		fw->shifts = s;
		fw->cap = cap;
	}
	fw->shifts[fw->n_shifts++] = fw->open.last_depth + 1;
	fw->open.n = 0;
	return err;
}

static int fold_step(const struct pt_walk *w, void *ctx)
{
	struct fold_walk *fw = ctx;
	bool context = w->proc->flags & PT_PROC_CONTEXT;
	struct pt_walk shifted = *w;
	unsigned shift;
	int err = 0;

	/* The chain goes on only to an only child outside the selection. */
	if (fw->open.n && !(context && w->depth == fw->open.last_depth + 1 && w->last))
		err = fold_close(fw);
	if (err)
		return err;
	/* Out of a fold's subtree: the shift of the one around it. */
	while (fw->n_shifts && w->depth < fw->shifts[fw->n_shifts - 1])
		fw->n_shifts--;
	shift = fw->n_shifts ? fw->shifts[fw->n_shifts - 1] : 0;
	if (context && (fw->open.n || w->depth == shift)) {
		if (!fw->open.n) {
			fw->open.first = w->proc;
		}
		fw->open.last = w->proc;
		fw->open.last_depth = w->depth;
		fw->open.n++;
		return 0;
	}
	shifted.depth -= shift;
	return fw->row(&shifted, fw->ctx);
}

int pt_view_walk_folded(struct pt_model *m, pt_walk_fn row, pt_view_fold_fn fold, void *ctx)
{
	struct fold_walk fw = { .row = row, .fold = fold, .ctx = ctx };
	int err = pt_model_walk(m, fold_step, &fw);

	if (!err)
		err = fold_close(&fw);
	free(fw.shifts);
	return err;
}

void pt_view_put_fold(struct pt_buf *b, const struct pt_view_fold *f, bool ascii)
{
	const char *ell = ascii ? "..." : "…";

	pt_buf_printf(b, "%s %u ancestor%s: ", ell, f->n, f->n > 1 ? "s" : "");
	pt_view_put_comm(b, f->first->comm);
	if (f->n > 2)
		pt_buf_printf(b, " > %s", ell);
	if (f->n > 1) {
		pt_buf_puts(b, " > ");
		pt_view_put_comm(b, f->last->comm);
	}
}

int pt_view_write_fold(FILE *out, struct pt_buf *line, const struct pt_view_fold *f, bool ascii,
		       unsigned width)
{
	struct pt_buf text = { 0 };
	int err;

	pt_view_put_fold(&text, f, ascii);
	if (text.failed) {
		pt_buf_free(&text);
		return -ENOMEM;
	}
	pt_buf_reset(line);
	pt_view_put_cut(line, text.data, text.len, width ? width : text.len, ascii);
	pt_buf_putc(line, '\n');
	err = pt_buf_write(line, out);
	pt_buf_free(&text);
	return err;
}
