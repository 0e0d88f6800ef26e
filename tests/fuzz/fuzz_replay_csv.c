// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* libFuzzer target: CSV rows after proctrace's own header, so that the
 * fuzzer spends its time on records, values and events, not on the header
 * (which the JSON Lines target's inputs reach). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/schema.h"
#include "replay_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char header[1024];
	static size_t hlen;
	char *text;
	int c;

	if (!hlen) {
		for (c = 0; c < PT_NCOLS; c++) {
			strcat(header, pt_col_name(c));
			strcat(header, c + 1 < PT_NCOLS ? "," : "\n");
		}
		hlen = strlen(header);
	}
	text = malloc(hlen + size);
	if (!text)
		return 0;
	memcpy(text, header, hlen);
	memcpy(text + hlen, data, size);
	fuzz_replay(text, hlen + size);
	free(text);
	return 0;
}
