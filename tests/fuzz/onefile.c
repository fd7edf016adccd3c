/*
 * onefile.c: a main for the fuzz targets without libFuzzer, so each target
 * also runs as a plain regression test (after libpcap's
 * testprogs/fuzz/onefile.c). Every argument is a file, or a folder whose
 * regular files are read in name order; each file is fed once to
 * LLVMFuzzerTestOneInput. A crash or a broken invariant aborts (with the
 * sanitizers' report); otherwise prints how many files ran and exits 0.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* An exact-size copy, so ASan catches a read one byte past the end. */
	{
		uint8_t *exact = malloc(n ? n : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	return 0;
}

static int entry_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	unsigned long files = 0;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			struct dirent **names;
			int n = scandir(argv[i], &names, entry_filter, alphasort);

			if (n < 0) {
				fprintf(stderr, "%s: %s\n", argv[i],
					strerror(errno));
				bad = 1;
				continue;
			}
			for (int k = 0; k < n; k++) {
				char path[4096];
				struct stat fst;

				snprintf(path, sizeof(path), "%s/%s", argv[i],
					 names[k]->d_name);
				if (stat(path, &fst) == 0 && S_ISREG(fst.st_mode)) {
					if (run_file(path) != 0)
						bad = 1;
					else
						files++;
				}
				free(names[k]);
			}
			free(names);
		} else {
			if (run_file(argv[i]) != 0)
				bad = 1;
			else
				files++;
		}
	}
	printf("%s: %lu files\n", argv[0], files);
	return bad;
}
