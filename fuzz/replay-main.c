/*
 * replay-main.c - a main() for fuzz targets built without libFuzzer: it
 * runs LLVMFuzzerTestOneInput() once on every file named on the command
 * line, and on every regular file inside each directory named, so the
 * saved corpora are replayed by the ordinary test suite.
 */
#include "lib.h"

#include <dirent.h>
#include <sys/stat.h>

#define REPLAY_MAX_INPUT (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, unsigned int *count)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data;
	size_t len;

	if (f == NULL) {
		fprintf(stderr, "open(%s) failed: %s\n", path, strerror(errno));
		return -1;
	}
	data = i_malloc(REPLAY_MAX_INPUT);
	len = fread(data, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	(*count)++;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path, unsigned int *count)
{
	struct stat st;
	struct dirent *d;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	DIR *dir;
	int ret = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "stat(%s) failed: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path, count);
	dir = opendir(path);
	if (dir == NULL) {
		fprintf(stderr, "opendir(%s) failed: %s\n", path,
			strerror(errno));
		return -1;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if (n == alloc) {
			size_t new_alloc = alloc == 0 ? 16 : alloc * 2;

			names = i_realloc(names, size_mul(alloc, sizeof(*names)),
				size_mul(new_alloc, sizeof(*names)));
			alloc = new_alloc;
		}
		names[n++] = i_strdup_printf("%s/%s", path, d->d_name);
	}
	closedir(dir);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(names[i], count) < 0)
			ret = -1;
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int count = 0;
	int i, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "Usage: %s <corpus dir or file>...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (replay_path(argv[i], &count) < 0)
			ret = 1;
	}
	printf("replayed %u inputs\n", count);
	return ret;
}
