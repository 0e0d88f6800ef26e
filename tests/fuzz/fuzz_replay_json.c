// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* libFuzzer target: a file as `proctrace --replay` takes it, told apart by
 * its first byte; seeded with JSON Lines captures (a first byte other than
 * '{' makes it a CSV, whose header is checked). */
#include <stddef.h>
#include <stdint.h>
#include "replay_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_replay((const char *)data, size);
	return 0;
}
