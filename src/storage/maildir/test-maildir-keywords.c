/*
 * test-maildir-keywords.c - unit tests for dovecot-keywords: parsing as
 * Dovecot (bad lines skipped), lookups, the 26-letter limit, lost names,
 * writing through the lock file, mtime growth, truncations.
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "maildir-keywords.h"
#include "test-common.h"

#include <sys/stat.h>

static void test_parse(void)
{
	struct maildir_keywords *mk = maildir_keywords_create();
	const char *data = "0 $Junk\n1 $NonJunk\r\n2 $Test\n3 $Company\n"
		"nospace\n26 toolarge\nx bad\n5 \n7 with space";
	struct buf out;
	size_t i, len = strlen(data);

	test_begin("keywords parse");
	test_assert(maildir_keywords_parse(mk, data, len) == 4);
	test_assert(maildir_keywords_count(mk) == 5);
	test_assert_strcmp(maildir_keywords_idx_name(mk, 0), "$Junk");
	test_assert_strcmp(maildir_keywords_idx_name(mk, 1), "$NonJunk");
	test_assert_strcmp(maildir_keywords_idx_name(mk, 3), "$Company");
	test_assert_strcmp(maildir_keywords_idx_name(mk, 7), "with space");
	test_assert(maildir_keywords_idx_name(mk, 4) == NULL);
	test_assert(maildir_keywords_idx_name(mk, 99) == NULL);
	test_assert(maildir_keywords_lookup(mk, "$company") == 3);
	test_assert(maildir_keywords_lookup(mk, "$nope") == -1);
	test_assert(!maildir_keywords_is_changed(mk));
	buf_init(&out, NULL, 128, 0);
	test_assert(maildir_keywords_serialize(mk, &out) == 0);
	test_assert_strcmp(buf_cstr(&out), "0 $Junk\n1 $NonJunk\n2 $Test\n"
		"3 $Company\n7 with space\n");
	buf_free(&out);
	for (i = 0; i <= len; i++)
		(void)maildir_keywords_parse(mk, data, i);
	test_assert(maildir_keywords_parse(mk, "", 0) == 0);
	test_assert(maildir_keywords_count(mk) == 0);
	maildir_keywords_destroy(&mk);
	test_end();
}

static void test_create(void)
{
	struct maildir_keywords *mk = maildir_keywords_create();
	const char *error;
	unsigned int i, idx;

	test_begin("keywords lookup_or_create / 26 limit / lost names");
	test_assert(maildir_keywords_lookup_or_create(mk, "$Junk", &idx,
		&error) == 0 && idx == 0);
	test_assert(maildir_keywords_lookup_or_create(mk, "$junk", &idx,
		&error) == 0 && idx == 0);
	test_assert(maildir_keywords_is_changed(mk));
	test_assert(maildir_keywords_lookup_or_create(mk, "bad name", &idx,
		&error) < 0);
	test_assert(maildir_keywords_lookup_or_create(mk, "", &idx,
		&error) < 0);
	test_assert(maildir_keywords_lookup_or_create(mk, "a(b", &idx,
		&error) < 0);
	test_assert(maildir_keywords_lookup_or_create(mk, "\\Seen", &idx,
		&error) < 0);
	for (i = 1; i < 26; i++) {
		test_assert(maildir_keywords_lookup_or_create(mk,
			t_printf("k%u", i), &idx, &error) == 0 && idx == i);
	}
	test_assert(maildir_keywords_lookup_or_create(mk, "k26", &idx,
		&error) < 0);
	maildir_keywords_destroy(&mk);

	mk = maildir_keywords_create();
	(void)maildir_keywords_parse(mk, "0 unknown-2\n", 12);
	test_assert_strcmp(maildir_keywords_idx_name_or_create(mk, 2),
		"unknown-2?");
	test_assert_strcmp(maildir_keywords_idx_name_or_create(mk, 3),
		"unknown-3");
	test_assert_strcmp(maildir_keywords_idx_name_or_create(mk, 0),
		"unknown-2");
	test_assert(maildir_keywords_is_changed(mk));
	maildir_keywords_destroy(&mk);
	test_end();
}

static void test_write(void)
{
	const char *dir = t_printf("%s/kw", test_tmpdir());
	const char *path = t_printf("%s/dovecot-keywords", dir);
	struct maildir_keywords *mk = maildir_keywords_create();
	struct maildir_keywords *mk2 = maildir_keywords_create();
	const char *error;
	struct stat st, st2;
	struct buf data;
	unsigned int idx;

	test_begin("keywords write/read");
	test_assert(mkdir(dir, 0700) == 0);
	test_assert(maildir_keywords_read(mk, path, false, &error) == 0);
	test_assert(maildir_keywords_count(mk) == 0);
	test_assert(maildir_keywords_write(mk, path, 0600, &error) == 0);
	test_assert(stat(path, &st) < 0); /* nothing changed: no file */
	test_assert(maildir_keywords_lookup_or_create(mk, "$Junk", &idx,
		&error) == 0);
	test_assert(maildir_keywords_lookup_or_create(mk, "$NonJunk", &idx,
		&error) == 0);
	/* A stale lock left behind is removed (we hold the uidlist lock). */
	test_assert(file_write_atomic(t_printf("%s.lock", path), "x", 1,
		0600, false, &error) == 0);
	test_assert(maildir_keywords_write(mk, path, 0600, &error) == 0);
	test_assert(!maildir_keywords_is_changed(mk));
	test_assert(stat(t_printf("%s.lock", path), &st) < 0);
	test_assert(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	buf_init(&data, NULL, 128, 1024);
	test_assert(file_read_all(path, 1024, &data, &error) == 0);
	test_assert_strcmp(buf_cstr(&data), "0 $Junk\n1 $NonJunk\n");
	buf_free(&data);
	/* The mtime grows on every write, even within one second. */
	test_assert(maildir_keywords_lookup_or_create(mk, "$Test", &idx,
		&error) == 0 && idx == 2);
	test_assert(maildir_keywords_write(mk, path, 0600, &error) == 0);
	test_assert(stat(path, &st2) == 0 && st2.st_mtime > st.st_mtime);

	test_assert(maildir_keywords_read(mk2, path, false, &error) == 0);
	test_assert(maildir_keywords_lookup(mk2, "$test") == 2);
	test_assert(unlink(path) == 0);
	test_assert(maildir_keywords_read(mk2, path, false, &error) == 0);
	test_assert(maildir_keywords_count(mk2) == 0);
	maildir_keywords_destroy(&mk);
	maildir_keywords_destroy(&mk2);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_parse,
		test_create,
		test_write,
		NULL
	};
	return test_run(tests);
}
