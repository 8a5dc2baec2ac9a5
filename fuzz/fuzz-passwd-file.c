/*
 * fuzz-passwd-file.c - libFuzzer target for the passwd-file parser
 * (src/auth/db-passwd-file.c): arbitrary file contents must parse into
 * entries or logged line errors, never a crash; every entry's fields are
 * read back.
 */
#include "lib.h"
#include "db-passwd-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_user(const struct passwd_user *user, void *context)
{
	size_t *total = context;

	*total += strlen(user->name) + strlen(user->uid) +
		strlen(user->gid) + strlen(user->home) +
		(user->password != NULL ? strlen(user->password) : 0);
	for (unsigned int i = 0; user->extra_fields[i] != NULL; i++)
		*total += strlen(user->extra_fields[i]);
}

static void fuzz_error(unsigned int line, const char *error, void *context)
{
	size_t *total = context;

	*total += line + strlen(error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *arena = arena_create("fuzz passwd-file", 4096);
	size_t total = 0;

	db_passwd_file_parse("fuzz", (const char *)data, size, arena,
		fuzz_user, fuzz_error, &total);
	arena_destroy(&arena);
	return 0;
}
