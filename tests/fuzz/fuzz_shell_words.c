// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* libFuzzer target: the argv column's shell words (pt_argv_join's quoting)
 * and their decoder. Two properties, each an abort when broken:
 * - any argument block B, joined and decoded, gives B back (with the NUL
 *   of its last argument when B lacks it): the reader inverts the writer;
 * - any text the decoder takes gives words that, joined and decoded
 *   again, are the same words. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/decode.h"
#include "replay_int.h"

static size_t decode(const char *s, __u8 *out, size_t cap, bool *ok)
{
	struct sink k = { .p = out, .cap = cap };

	*ok = replay_argv_words(s, &k) && !k.over;
	return k.len;
}

/* join(block) decoded: equal to want[0..want_len). */
static void check_round_trip(const __u8 *block, size_t len, const __u8 *want, size_t want_len)
{
	struct pt_buf b = { 0 };
	__u8 *back = malloc(want_len + 1);
	size_t n;
	bool ok;

	if (!back)
		abort();
	pt_argv_join(&b, block, len);
	if (b.failed)
		abort();
	n = decode(b.data ? b.data : "", back, want_len + 1, &ok);
	if (!ok || n != want_len || memcmp(back, want, n))
		abort();
	free(back);
	pt_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	__u8 *block = malloc(size + 1), *words = malloc(size + 1);
	size_t n;
	bool ok;

	if (!text || !block || !words)
		abort();
	/* The bytes as an argument block. */
	memcpy(block, data, size);
	n = size;
	if (n && block[n - 1] != '\0')
		block[n++] = '\0';
	check_round_trip(data, size, block, n);
	/* The bytes as text for the decoder (up to a NUL, as a field is). */
	memcpy(text, data, size);
	text[size] = '\0';
	n = decode(text, words, size + 1, &ok);
	if (ok)
		check_round_trip(words, n, words, n);
	free(text);
	free(block);
	free(words);
	return 0;
}
