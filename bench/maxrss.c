// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* maxrss OUT COMMAND [ARG...]: runs COMMAND and writes its peak RSS (KiB)
 * and CPU seconds (user, system) to the file OUT, one line; exits with the
 * command's exit code (128 + signal when killed).
 *
 * Why not the bench's own wait4(): Linux carries a process's peak RSS over
 * exec (the high-water mark of the memory it replaces), so a command
 * started straight from the Python bench, whose own RSS grows to hundreds
 * of MiB reading captures, reports the bench's peak instead of its own.
 * Forked from this small process, it reports its own. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	pid_t pid;
	FILE *out;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: maxrss OUT COMMAND [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("maxrss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("maxrss: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("maxrss: wait4");
		return 2;
	}
	out = fopen(argv[1], "w");
	if (!out || fprintf(out, "%ld %ld.%06ld %ld.%06ld\n", ru.ru_maxrss, (long)ru.ru_utime.tv_sec,
			    (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
			    (long)ru.ru_stime.tv_usec) < 0 ||
	    fclose(out)) {
		perror("maxrss: OUT");
		return 2;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
