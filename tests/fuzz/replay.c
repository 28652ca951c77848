/*
 * replay.c — main() for the fuzz targets without libFuzzer (-DFUZZ_REPLAY).
 *
 *   fuzz_NAME FILE|DIR ...
 *
 * Runs every file given, and every file in every directory given, through
 * the target once, each in a heap buffer of exactly its size (so that
 * AddressSanitizer catches a read one byte past it), and prints how many
 * inputs ran.  A crash is the test failing; the exit status is otherwise 0
 * (2 when an argument cannot be read).
 */
#ifdef FUZZ_REPLAY
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Targets without state to build leave this undefined. */
#pragma weak LLVMFuzzerInitialize

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap * 2 + 4096);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);

	/* An exact-size copy: the read buffer has slack past the end. */
	uint8_t *exact = malloc(len > 0 ? len : 1);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	if (len > 0)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of a directory, in name order. */
static int
run_dir(const char *dir, unsigned *runs)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (d == NULL) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap * 2 + 64) *
			    sizeof(*names));
			if (nn == NULL) {
				rc = -1;
				break;
			}
			names = nn;
		}
		if ((names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)) ==
		    NULL) {
			rc = -1;
			break;
		}
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(names[i]) != 0)
				rc = -1;
			else
				(*runs)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned runs = 0;
	int rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			rc = 2;
		} else if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &runs) != 0)
				rc = 2;
		} else if (run_file(argv[i]) != 0) {
			rc = 2;
		} else {
			runs++;
		}
	}
	printf("%s: %u inputs\n", argv[0], runs);
	return rc;
}
#endif
