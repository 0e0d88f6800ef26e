// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Names and words of exit causes, si_codes, adopters and errnos (cause.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/cause.h"
#include "proctrace/decode.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const cause_names[PT_CAUSE_MAX] = {
	[PT_CAUSE_EXIT] = "exit",
	[PT_CAUSE_SIGNAL] = "signal",
	[PT_CAUSE_FAULT] = "fault",
	[PT_CAUSE_OOM] = "oom-kill",
	[PT_CAUSE_EXIT_GROUP] = "exit_group",
	[PT_CAUSE_SECCOMP] = "seccomp",
	[PT_CAUSE_PDEATHSIG] = "pdeathsig",
	[PT_CAUSE_NS_TEARDOWN] = "ns-teardown",
	[PT_CAUSE_KERNEL] = "kernel",
};

const char *pt_cause_name(unsigned cause)
{
	return cause < PT_CAUSE_MAX ? cause_names[cause] : NULL;
}

unsigned pt_cause_from_name(const char *name)
{
	unsigned c;

	for (c = 1; c < PT_CAUSE_MAX; c++)
		if (!strcmp(cause_names[c], name))
			return c;
	return PT_CAUSE_NONE;
}

/* si_codes of the signals the kernel raises for a fault (asm-generic
 * siginfo.h, the same on every architecture), and SIGSYS's. */
static const char *const ill_codes[] = { NULL,	       "ILL_ILLOPC",  "ILL_ILLOPN", "ILL_ILLADR",
					 "ILL_ILLTRP", "ILL_PRVOPC",  "ILL_PRVREG", "ILL_COPROC",
					 "ILL_BADSTK", "ILL_BADIADDR" };
static const char *const fpe_codes[] = {
	NULL,	      "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV",	  "FPE_FLTOVF", "FPE_FLTUND",
	"FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB", NULL,		  NULL,		NULL,
	NULL,	      NULL,	    "FPE_FLTUNK", "FPE_CONDTRAP",
};
static const char *const segv_codes[] = {
	NULL,		"SEGV_MAPERR",	"SEGV_ACCERR",	"SEGV_BNDERR",
	"SEGV_PKUERR",	"SEGV_ACCADI",	"SEGV_ADIDERR", "SEGV_ADIPERR",
	"SEGV_MTEAERR", "SEGV_MTESERR", "SEGV_CPERR",
};
static const char *const bus_codes[] = { NULL,	       "BUS_ADRALN",	"BUS_ADRERR",
					 "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO" };
static const char *const trap_codes[] = { NULL,		 "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH",
					  "TRAP_HWBKPT", "TRAP_UNK",   "TRAP_PERF" };
static const char *const sys_codes[] = { NULL, "SYS_SECCOMP", "SYS_USER_DISPATCH" };

static const char *code_in(const char *const *names, size_t n, int code)
{
	return code > 0 && (size_t)code < n ? names[code] : NULL;
}

const char *pt_si_code_name(int sig, int code)
{
	switch (code) {
	case 0:
		return "SI_USER";
	case 0x80:
		return "SI_KERNEL";
	case -1:
		return "SI_QUEUE";
	case -2:
		return "SI_TIMER";
	case -3:
		return "SI_MESGQ";
	case -4:
		return "SI_ASYNCIO";
	case -5:
		return "SI_SIGIO";
	case -6:
		return "SI_TKILL";
	case -7:
		return "SI_DETHREAD";
	case -60:
		return "SI_ASYNCNL";
	}
	switch (sig) {
	case 4:
		return code_in(ill_codes, ARRAY_SIZE(ill_codes), code);
	case 5:
		return code_in(trap_codes, ARRAY_SIZE(trap_codes), code);
	case 7:
		return code_in(bus_codes, ARRAY_SIZE(bus_codes), code);
	case 8:
		return code_in(fpe_codes, ARRAY_SIZE(fpe_codes), code);
	case 11:
		return code_in(segv_codes, ARRAY_SIZE(segv_codes), code);
	case 31:
		return code_in(sys_codes, ARRAY_SIZE(sys_codes), code);
	}
	return NULL;
}

static const char *const adopter_names[] = {
	[PT_ADOPT_THREAD] = "thread",
	[PT_ADOPT_SUBREAPER] = "subreaper",
	[PT_ADOPT_INIT] = "init",
};

const char *pt_adopter_name(unsigned adopter)
{
	return adopter < ARRAY_SIZE(adopter_names) && adopter_names[adopter]
		? adopter_names[adopter]
		: "?";
}

unsigned pt_adopter_from_name(const char *name)
{
	unsigned a;

	for (a = 1; a < ARRAY_SIZE(adopter_names); a++)
		if (!strcmp(adopter_names[a], name))
			return a;
	return 0;
}

/* errno values fit the 16 bits of pt_exec.error */
#define PT_ERRNO_MAX 4095

const char *pt_errno_name(int err, char *buf, size_t n)
{
	const char *name = err > 0 ? strerrorname_np(err) : NULL;

	if (name)
		return name;
	snprintf(buf, n, "E%d", err);
	return buf;
}

int pt_errno_from_name(const char *name)
{
	char *end;
	long v;
	int e;

	if (name[0] != 'E')
		return 0;
	if (name[1] >= '0' && name[1] <= '9') {
		v = strtol(name + 1, &end, 10);
		return *end || v <= 0 || v > PT_ERRNO_MAX ? 0 : (int)v;
	}
	for (e = 1; e <= PT_ERRNO_MAX; e++) {
		const char *s = strerrorname_np(e);

		if (s && !strcmp(s, name))
			return e;
	}
	return 0;
}

/* ---- words ---- */

static void put_sig(struct pt_buf *b, int sig)
{
	char name[16];

	pt_buf_puts(b, pt_signal_name(sig, name, sizeof(name)));
}

static void put_by(struct pt_buf *b, const struct pt_end_words *w, const char *before)
{
	if (!w->has_by)
		return;
	pt_buf_puts(b, before);
	w->put_actor(b, w->by);
}

static void put_core(struct pt_buf *b, const struct pt_status *st)
{
	if (st->core)
		pt_buf_puts(b, " (core dumped)");
}

static void put_signal_end(struct pt_buf *b, const struct pt_end_words *w,
			   const struct pt_status *st)
{
	const struct pt_exit *x = w->exit;
	const char *code = x->has_code ? pt_si_code_name(st->sig, x->code) : NULL;

	switch (x->cause) {
	case PT_CAUSE_FAULT:
		pt_buf_puts(b, st->sig == 11 ? "segfault (" : "fault (");
		put_sig(b, st->sig);
		if (code)
			pt_buf_printf(b, ", %s", code);
		pt_buf_putc(b, ')');
		break;
	case PT_CAUSE_OOM:
		pt_buf_puts(b, "killed by the OOM killer (");
		put_sig(b, st->sig);
		pt_buf_putc(b, ')');
		break;
	case PT_CAUSE_SECCOMP:
		pt_buf_puts(b, "killed by a seccomp filter (");
		put_sig(b, st->sig);
		pt_buf_putc(b, ')');
		break;
	case PT_CAUSE_PDEATHSIG:
		pt_buf_puts(b, "killed by ");
		put_sig(b, st->sig);
		pt_buf_puts(b, ", its parent-death signal");
		put_by(b, w, ", as its parent died: ");
		break;
	case PT_CAUSE_NS_TEARDOWN:
		pt_buf_puts(b, "killed by ");
		put_sig(b, st->sig);
		pt_buf_puts(b, " as its pid namespace ended");
		put_by(b, w, " (its init exited: ");
		if (w->has_by)
			pt_buf_putc(b, ')');
		break;
	case PT_CAUSE_KERNEL:
		pt_buf_puts(b, "killed by ");
		put_sig(b, st->sig);
		pt_buf_puts(b, " from the kernel");
		if (code)
			pt_buf_printf(b, " (%s)", code);
		break;
	default: /* signal, or no cause known */
		pt_buf_puts(b, "killed by ");
		put_sig(b, st->sig);
		put_by(b, w, " from ");
		break;
	}
	put_core(b, st);
}

void pt_end_words(struct pt_buf *b, const struct pt_end_words *w)
{
	struct pt_status st = pt_decode_status(w->exit->status);

	if (st.signaled) {
		put_signal_end(b, w, &st);
		return;
	}
	if (w->exit->cause == PT_CAUSE_EXIT_GROUP && w->has_by) {
		pt_buf_printf(b, "ended by thread %u's exit_group(%d)", w->by->tid, st.code);
		return;
	}
	pt_buf_printf(b, "exit %d", st.code);
}
