// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The fuzz targets without libFuzzer: each file named on the command line
 * is given to LLVMFuzzerTestOneInput once. `make test` runs the seed
 * corpus and every input a fuzzer once crashed on (tests/fuzz/regressions)
 * through the targets built with gcc's ASan and UBSan. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (len == cap) {
			uint8_t *p = realloc(data, cap = cap ? cap * 2 : 4096);

			if (!p) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(data);
				fclose(f);
				return 1;
			}
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int i, fail = 0;

	for (i = 1; i < argc; i++)
		fail |= run_file(argv[i]);
	printf("%s: %d inputs\n", argv[0], argc - 1);
	return fail;
}
