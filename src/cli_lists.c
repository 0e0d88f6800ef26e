// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The value lists options take, once (cli_int.h): what --list prints, its
 * error, and --help's words for --list and --time. The man page, the
 * README and the bash completion are checked against --help and --list
 * (make docs-check, completion-test). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli_int.h"
#include "proctrace/selection.h"
#include "proctrace/time_format.h"

static int list_events(FILE *out)
{
	return pt_selection_list("events", out);
}

static int list_signals(FILE *out)
{
	return pt_selection_list("signals", out);
}

static int list_colors(FILE *out)
{
	for (size_t i = 0; i < PT_CLI_N_COLORS; i++)
		fprintf(out, "%s\n", pt_cli_colors[i].word);
	return 0;
}

static int list_times(FILE *out)
{
	for (size_t i = 0; i < PT_TIME_NFORMATS; i++)
		fprintf(out, "%s\n", pt_time_format_names[i]);
	return 0;
}

const struct pt_cli_list pt_cli_lists[PT_CLI_NLISTS] = {
	{ "events", "-e", list_events },
	{ "signals", "--signals", list_signals },
	{ "colors", "--color", list_colors },
	{ "times", "--time", list_times },
};

int pt_cli_list_print(const char *what, FILE *out)
{
	for (size_t i = 0; i < PT_CLI_NLISTS; i++)
		if (!strcmp(what, pt_cli_lists[i].what))
			return pt_cli_lists[i].print(out);
	return -EINVAL;
}

void pt_cli_list_names(char *buf, size_t n, const char *sep, const char *last_sep)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < PT_CLI_NLISTS && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s",
					 i == 0				 ? ""
						 : i + 1 < PT_CLI_NLISTS ? sep
									 : last_sep,
					 pt_cli_lists[i].what);
}

/* The words of --list what, '|'-joined ("abs|rel|iso|us"). */
static int put_joined(FILE *out, const char *what)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *mem = open_memstream(&text, &len);
	int err;

	if (!mem)
		return -ENOMEM;
	err = pt_cli_list_print(what, mem);
	if (fclose(mem) && !err)
		err = -ENOMEM;
	if (!err) {
		while (len && text[len - 1] == '\n')
			len--;
		for (i = 0; i < len; i++)
			fputc(text[i] == '\n' ? '|' : text[i], out);
	}
	free(text);
	return err;
}

int pt_cli_help_print(FILE *out)
{
	const char *s = pt_cli_help_text, *open, *close;
	char what[16], names[64];
	int err = 0;

	fputs(pt_cli_usage_line, out);
	/* "{lists}": the names --list takes; "{WHAT}": the words of --list WHAT. */
	while (!err && (open = strchr(s, '{')) && (close = strchr(open, '}'))) {
		fwrite(s, 1, (size_t)(open - s), out);
		snprintf(what, sizeof(what), "%.*s", (int)(close - open - 1), open + 1);
		if (!strcmp(what, "lists")) {
			pt_cli_list_names(names, sizeof(names), "|", "|");
			fputs(names, out);
		} else {
			err = put_joined(out, what);
		}
		s = close + 1;
	}
	fputs(s, out);
	return err;
}
