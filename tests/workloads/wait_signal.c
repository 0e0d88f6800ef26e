// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Does nothing until a signal comes: SIGUSR1 ends it with exit 0 (it says
 * who sent it), any other signal has its default effect. The "waiting"
 * fact comes once SIGUSR1 is blocked for sigwaitinfo(), so a signal sent
 * after it is never lost.
 */
#include <signal.h>
#include "workload.h"

int main(void)
{
	siginfo_t si;
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL))
		wl_die("sigprocmask");
	wl_fact("pid=%d", (int)getpid());
	wl_fact("waiting=1");
	while (sigwaitinfo(&usr1, &si) < 0)
		if (errno != EINTR)
			wl_die("sigwaitinfo");
	wl_fact("usr1_from=%d", (int)si.si_pid);
	return 0;
}
