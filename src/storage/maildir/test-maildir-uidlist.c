/*
 * test-maildir-uidlist.c - unit tests for dovecot-uidlist parsing (all
 * versions, every corruption Dovecot reports, every truncation offset),
 * in-memory operations, serialising, file append/rewrite, locking, GUIDs
 * and the dovecot-uidvalidity allocator.
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "maildir-dotlock.h"
#include "maildir-uidlist.h"
#include "test-common.h"

#include <sys/stat.h>

static const char v3_file[] =
	"3 V1795521209 N4 G1ee1252cb97a056b5324000083ecc375\n"
	"1 :1795521209.M739175P9299.vm,S=43,W=47\n"
	"3 W2481 GABC :1795521209.M744928P9299.vm:2,F\n";

static void test_parse_v3(void)
{
	struct maildir_uidlist *ul = maildir_uidlist_create();
	const struct maildir_uidlist_rec *rec;
	uint8_t guid[MAILDIR_GUID_128_SIZE];
	const char *error;
	struct buf out;

	test_begin("uidlist parse v3");
	test_assert(maildir_uidlist_parse(ul, v3_file, strlen(v3_file),
		&error) == 1);
	test_assert(maildir_uidlist_get_version(ul) == 3);
	test_assert(maildir_uidlist_get_uid_validity(ul) == 1795521209);
	test_assert(maildir_uidlist_get_next_uid(ul) == 4);
	test_assert(maildir_uidlist_get_guid(ul, guid));
	test_assert_strcmp(maildir_guid_to_hex(scratch_arena(), guid),
		"1ee1252cb97a056b5324000083ecc375");
	test_assert(maildir_uidlist_count(ul) == 2);
	rec = maildir_uidlist_lookup_uid(ul, 3);
	test_assert(rec != NULL && rec->uid == 3);
	test_assert_strcmp(rec->extensions, "W2481 GABC");
	test_assert_strcmp(maildir_uidlist_rec_get_ext(rec, 'W'), "2481");
	test_assert_strcmp(maildir_uidlist_rec_get_ext(rec, 'G'), "ABC");
	test_assert(maildir_uidlist_rec_get_ext(rec, 'S') == NULL);
	test_assert_strcmp(maildir_uidlist_rec_get_guid(scratch_arena(), rec),
		"ABC");
	rec = maildir_uidlist_lookup_filename(ul,
		"1795521209.M739175P9299.vm,S=43,W=47:2,RS");
	test_assert(rec != NULL && rec->uid == 1);
	test_assert_strcmp(maildir_uidlist_rec_get_guid(scratch_arena(), rec),
		"1795521209.M739175P9299.vm,S=43,W=47");
	test_assert(maildir_uidlist_lookup_uid(ul, 2) == NULL);
	test_assert(maildir_uidlist_lookup_filename(ul, "nope") == NULL);
	/* Never written or read from a file: a write recreates it. */
	test_assert(maildir_uidlist_need_recreate(ul));

	/* Serialising writes base names only, in Dovecot's layout. */
	buf_init(&out, NULL, 256, 0);
	test_assert(maildir_uidlist_serialize(ul, &out, 0) == 0);
	test_assert_strcmp(buf_cstr(&out),
		"3 V1795521209 N4 G1ee1252cb97a056b5324000083ecc375\n"
		"1 :1795521209.M739175P9299.vm,S=43,W=47\n"
		"3 W2481 GABC :1795521209.M744928P9299.vm\n");
	buf_free(&out);

	/* Unknown header fields are kept; CRLF accepted. */
	test_assert(maildir_uidlist_parse(ul,
		"3 V5 N7 Pformat G00000000000000000000000000000001 X\r\n"
		"2 :a\r\n", 53, &error) == 1);
	test_assert_strcmp(maildir_uidlist_get_hdr_extensions(ul),
		"Pformat X");
	test_assert(maildir_uidlist_get_next_uid(ul) == 7);
	maildir_uidlist_destroy(&ul);
	test_end();
}

static void test_parse_old_versions(void)
{
	struct maildir_uidlist *ul = maildir_uidlist_create();
	const struct maildir_uidlist_rec *rec;
	uint8_t guid[MAILDIR_GUID_128_SIZE];
	const char *error, *v1 = "1 1100000000 5\n1 a.b.c:2,S\n4 d.e.f\n";
	const char *v2 = "2 1100000000 9\n1 S a.b.c:2,S\n8 - d e\n";
	struct buf out;

	test_begin("uidlist parse v1/v2");
	test_assert(maildir_uidlist_parse(ul, v1, strlen(v1), &error) == 1);
	test_assert(maildir_uidlist_get_version(ul) == 1);
	test_assert(maildir_uidlist_get_uid_validity(ul) == 1100000000);
	test_assert(maildir_uidlist_get_next_uid(ul) == 5);
	test_assert(!maildir_uidlist_get_guid(ul, guid));
	test_assert(maildir_uidlist_need_recreate(ul));
	rec = maildir_uidlist_lookup_filename(ul, "a.b.c");
	test_assert(rec != NULL && rec->uid == 1);
	test_assert_strcmp(rec->filename, "a.b.c:2,S");
	/* Rewritten as version 3 with a new GUID. */
	buf_init(&out, NULL, 256, 0);
	test_assert(maildir_uidlist_serialize(ul, &out, 0) == 0);
	test_assert(strncmp(buf_cstr(&out), "3 V1100000000 N5 G", 18) == 0);
	test_assert(strstr(buf_cstr(&out), "\n1 :a.b.c\n4 :d.e.f\n") != NULL);
	test_assert(maildir_uidlist_get_guid(ul, guid));
	buf_free(&out);

	test_assert(maildir_uidlist_parse(ul, v2, strlen(v2), &error) == 1);
	test_assert(maildir_uidlist_get_version(ul) == 2);
	rec = maildir_uidlist_lookup_uid(ul, 8);
	test_assert(rec != NULL);
	test_assert_strcmp(rec->filename, "d e");
	/* v1: a UID at or above next_uid is corruption. */
	test_assert(maildir_uidlist_parse(ul, "1 5 3\n3 x\n", 10,
		&error) < 0);
	test_assert_strcmp(error, "line 2: UID larger than next_uid (3 >= 3)");
	maildir_uidlist_destroy(&ul);
	test_end();
}

static void test_parse_errors(void)
{
	static const struct {
		const char *data;
		const char *error;
	} tests[] = {
		{ "x\n", "line 1: Corrupted header (invalid version number)" },
		{ "33 V1\n", "line 1: Corrupted header (invalid version number)" },
		{ "4 V1 N1\n", "line 1: Unsupported version 4" },
		{ "1 abc\n", "line 1: Corrupted header (version 1)" },
		{ "3 Vx N1\n", "line 1: Invalid mailbox UID_VALIDITY: x" },
		{ "3 V1 N\n", "line 1: Invalid mailbox NEXT_UID: " },
		{ "3 V1 N1 Gzz\n", "line 1: Invalid mailbox GUID: zz" },
		{ "3 V1 N99999999999\n",
			"line 1: Invalid mailbox NEXT_UID: 99999999999" },
		{ "3 N5\n",
			"line 1: Broken header (uidvalidity = 0, next_uid=5)" },
		{ "3 V1 N5\n0 :a\n", "line 2: Invalid data:  :a" },
		{ "3 V1 N5\nx :a\n", "line 2: Invalid data: x :a" },
		{ "3 V1 N5\n1:a\n", "line 2: Invalid data: :a" },
		{ "3 V1 N5\n2 :a\n2 :b\n", "line 3: UIDs not ordered (2 >= 2)" },
		{ "3 V1 N5\n3 :a\n2 :b\n", "line 3: UIDs not ordered (2 >= 3)" },
		{ "3 V1 N5\n4294967295 :a\n",
			"line 2: UID too high (4294967295)" },
		{ "3 V1 N5\n99999999999 :a\n",
			"line 2: UID too high (99999999999)" },
		{ "3 V1 N5\n1 W5\n", "line 2: Invalid extended fields: W5" },
		{ "3 V1 N5\n1 :\n", "line 2: Invalid extended fields: :" },
		{ "3 V1 N5\n1 :a/b\n", "line 2: Broken filename: a/b" },
		{ "3 V1 N5\n1 :a\0b\n", "line 2: Invalid data: NUL byte" },
	};
	struct maildir_uidlist *ul = maildir_uidlist_create();
	const char *error;
	unsigned int i;

	test_begin("uidlist parse errors");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		size_t len = strlen(tests[i].data);

		if (strstr(tests[i].error, "NUL") != NULL)
			len = 19;
		error = NULL;
		test_assert(maildir_uidlist_parse(ul, tests[i].data, len,
			&error) == -1);
		test_assert_strcmp(error, tests[i].error);
		test_assert(maildir_uidlist_count(ul) == 0);
	}
	/* Empty / only a partial header line: "empty", not corrupt. */
	test_assert(maildir_uidlist_parse(ul, "", 0, &error) == 0);
	test_assert(maildir_uidlist_parse(ul, "3 V1 N2", 7, &error) == 0);
	/* An invalid extension is dropped, not fatal. */
	{
		const char *d = "3 V1 N5 G00000000000000000000000000000000\n"
			"1 x5 W3 :a\n";

		test_assert(maildir_uidlist_parse(ul, d, strlen(d),
			&error) == 1);
	}
	test_assert_strcmp(maildir_uidlist_rec_at(ul, 0)->extensions, "W3");
	test_assert(maildir_uidlist_need_recreate(ul));
	/* A too long line. */
	{
		struct buf b;

		buf_init(&b, NULL, 20000, 0);
		test_assert(buf_append_str(&b, "3 V1 N5\n1 :") == 0);
		while (b.used < MAILDIR_UIDLIST_MAX_LINE + 20)
			test_assert(buf_append_c(&b, 'a') == 0);
		test_assert(buf_append_c(&b, '\n') == 0);
		test_assert(maildir_uidlist_parse(ul, b.data, b.used,
			&error) == -1);
		test_assert_strcmp(error, "line 2: Line too long");
		buf_free(&b);
	}
	maildir_uidlist_destroy(&ul);
	test_end();
}

static void test_parse_duplicates(void)
{
	struct maildir_uidlist *ul = maildir_uidlist_create();
	const char *error, *data =
		"3 V1 N9 G00000000000000000000000000000000\n"
		"1 :a\n2 :b:2,S\n5 :b\n6 :c\n";

	test_begin("uidlist duplicate file entries");
	test_assert(maildir_uidlist_parse(ul, data, strlen(data),
		&error) == 1);
	test_assert(maildir_uidlist_count(ul) == 3);
	test_assert(maildir_uidlist_lookup_uid(ul, 2) == NULL);
	test_assert(maildir_uidlist_lookup_filename(ul, "b")->uid == 5);
	test_assert(maildir_uidlist_need_recreate(ul));
	/* next_uid is raised past the last UID. */
	test_assert(maildir_uidlist_parse(ul, "3 V1 N2\n7 :a\n", 13,
		&error) == 1);
	test_assert(maildir_uidlist_get_next_uid(ul) == 8);
	/* The unterminated last line is ignored. */
	test_assert(maildir_uidlist_parse(ul, "3 V1 N9\n1 :a\n2 :b", 17,
		&error) == 1);
	test_assert(maildir_uidlist_count(ul) == 1);
	maildir_uidlist_destroy(&ul);
	test_end();
}

static void test_truncations(void)
{
	struct maildir_uidlist *ul = maildir_uidlist_create();
	size_t len = strlen(v3_file), i;
	const char *error;

	test_begin("uidlist every truncation and byte flip");
	for (i = 0; i <= len; i++) {
		int ret = maildir_uidlist_parse(ul, v3_file, i, &error);

		test_assert(ret >= -1 && ret <= 1);
		/* A prefix never yields records it didn't fully hold. */
		if (ret == 1)
			test_assert(maildir_uidlist_count(ul) <= 2);
	}
	for (i = 0; i < len; i++) {
		char copy[sizeof(v3_file)];
		unsigned int c;

		for (c = 0; c < 256; c += 37) {
			memcpy(copy, v3_file, sizeof(copy));
			copy[i] = (char)c;
			(void)maildir_uidlist_parse(ul, copy, len, &error);
		}
	}
	maildir_uidlist_destroy(&ul);
	test_end();
}

static void test_modify(void)
{
	struct maildir_uidlist *ul = maildir_uidlist_create();
	const char *error;
	uint32_t uid;

	test_begin("uidlist add/remove/set_ext");
	maildir_uidlist_set_uid_validity(ul, 1234);
	test_assert(maildir_uidlist_add(ul, "a,S=1", &uid, &error) == 0 &&
		uid == 1);
	test_assert(maildir_uidlist_add(ul, "b:2,S", &uid, &error) == 0 &&
		uid == 2);
	test_assert(maildir_uidlist_add(ul, "a,S=1:2,F", &uid, &error) < 0);
	test_assert(maildir_uidlist_add(ul, "x/y", &uid, &error) < 0);
	test_assert(maildir_uidlist_add_uid(ul, "c", 2, &error) < 0);
	test_assert(maildir_uidlist_add_uid(ul, "c", 10, &error) == 0);
	test_assert(maildir_uidlist_get_next_uid(ul) == 11);
	test_assert(maildir_uidlist_add(ul, "d", &uid, &error) == 0 &&
		uid == 11);
	test_assert(maildir_uidlist_update_filename(ul, "b:2,FS"));
	test_assert_strcmp(maildir_uidlist_lookup_uid(ul, 2)->filename,
		"b:2,FS");
	test_assert(!maildir_uidlist_update_filename(ul, "zz"));
	test_assert(maildir_uidlist_set_ext(ul, 2, 'W', "99", &error) == 0);
	test_assert(maildir_uidlist_set_ext(ul, 2, 'G', "g1", &error) == 0);
	test_assert(maildir_uidlist_set_ext(ul, 2, 'W', "100", &error) == 0);
	test_assert_strcmp(maildir_uidlist_lookup_uid(ul, 2)->extensions,
		"Gg1 W100");
	test_assert(maildir_uidlist_set_ext(ul, 2, 'G', NULL, &error) == 0);
	test_assert_strcmp(maildir_uidlist_lookup_uid(ul, 2)->extensions,
		"W100");
	test_assert(maildir_uidlist_set_ext(ul, 2, 'w', "1", &error) < 0);
	test_assert(maildir_uidlist_set_ext(ul, 2, 'W', "1 2", &error) < 0);
	test_assert(maildir_uidlist_set_ext(ul, 3, 'W', "1", &error) < 0);
	test_assert(maildir_uidlist_remove(ul, 10));
	test_assert(!maildir_uidlist_remove(ul, 10));
	test_assert(maildir_uidlist_lookup_filename(ul, "c") == NULL);
	test_assert(maildir_uidlist_count(ul) == 3);
	maildir_uidlist_set_next_uid(ul, 5, false);
	test_assert(maildir_uidlist_get_next_uid(ul) == 12);
	maildir_uidlist_set_next_uid(ul, 5, true);
	test_assert(maildir_uidlist_get_next_uid(ul) == 12);
	maildir_uidlist_set_next_uid(ul, 50, false);
	test_assert(maildir_uidlist_get_next_uid(ul) == 50);
	maildir_uidlist_destroy(&ul);
	test_end();
}

static void test_file_io(void)
{
	const char *dir = t_printf("%s/uidlist", test_tmpdir());
	const char *path = t_printf("%s/dovecot-uidlist", dir);
	struct maildir_uidlist *ul = maildir_uidlist_create();
	struct maildir_uidlist *ul2 = maildir_uidlist_create();
	struct maildir_dotlock *lock, *lock2;
	const char *error;
	struct buf data;
	struct stat st;
	uint32_t uid;

	test_begin("uidlist read/write/lock");
	test_assert(mkdir(dir, 0700) == 0);
	test_assert(maildir_uidlist_read(ul, path, &error) ==
		MAILDIR_UIDLIST_READ_MISSING);
	test_assert(maildir_uidlist_lock(dir, 0, 0600, &lock, &error) == 1);
	test_assert(stat(t_printf("%s.lock", path), &st) == 0);
	/* A second locker times out at once with timeout 0. */
	test_assert(maildir_uidlist_lock(dir, 0, 0600, &lock2, &error) == 0);
	maildir_uidlist_set_uid_validity(ul, 1000);
	test_assert(maildir_uidlist_add(ul, "m1", &uid, &error) == 0);
	test_assert(maildir_uidlist_write(ul, path, 0600, true, &error) == 0);
	test_assert(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	/* Appending keeps the file (same inode). */
	test_assert(maildir_uidlist_add(ul, "m2:2,S", &uid, &error) == 0);
	test_assert(!maildir_uidlist_need_recreate(ul));
	{
		struct stat st2;

		test_assert(maildir_uidlist_write(ul, path, 0600, false,
			&error) == 0);
		test_assert(stat(path, &st2) == 0 && st2.st_ino == st.st_ino);
	}
	maildir_uidlist_unlock(&lock);
	test_assert(lock == NULL);
	test_assert(stat(t_printf("%s.lock", path), &st) < 0);

	buf_init(&data, NULL, 256, 4096);
	test_assert(file_read_all(path, 4096, &data, &error) == 0);
	test_assert(strncmp(buf_cstr(&data), "3 V1000 N2 G", 12) == 0);
	test_assert(strstr(buf_cstr(&data), "\n1 :m1\n2 :m2\n") != NULL);
	buf_free(&data);

	test_assert(maildir_uidlist_read(ul2, path, &error) ==
		MAILDIR_UIDLIST_READ_OK);
	test_assert(maildir_uidlist_count(ul2) == 2);
	test_assert(maildir_uidlist_get_next_uid(ul2) == 3);
	test_assert(maildir_uidlist_has_changed(ul2, path) == 0);
	test_assert(maildir_uidlist_refresh(ul2, path, &error) ==
		MAILDIR_UIDLIST_READ_OK);
	/* A removal rewrites through .tmp (new inode). */
	test_assert(maildir_uidlist_remove(ul, 1));
	test_assert(maildir_uidlist_need_recreate(ul));
	test_assert(maildir_uidlist_write(ul, path, 0640, false, &error) == 0);
	test_assert(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
	test_assert(maildir_uidlist_has_changed(ul2, path) == 1);
	test_assert(maildir_uidlist_refresh(ul2, path, &error) ==
		MAILDIR_UIDLIST_READ_OK);
	test_assert(maildir_uidlist_count(ul2) == 1);
	test_assert(maildir_uidlist_get_next_uid(ul2) == 3);
	test_assert(stat(t_printf("%s.tmp", path), &st) < 0);

	/* Corrupt file: reported with the path and line. */
	test_assert(file_write_atomic(path, "3 V1 N1\nbad\n", 12, 0600, false,
		&error) == 0);
	test_assert(maildir_uidlist_read(ul2, path, &error) ==
		MAILDIR_UIDLIST_READ_CORRUPT);
	test_assert(strstr(error, "Broken file") != NULL &&
		strstr(error, "line 2") != NULL);
	/* Missing file keeps the header values. */
	test_assert(unlink(path) == 0);
	test_assert(maildir_uidlist_read(ul, path, &error) ==
		MAILDIR_UIDLIST_READ_MISSING);
	test_assert(maildir_uidlist_get_uid_validity(ul) == 1000);
	test_assert(maildir_uidlist_get_next_uid(ul) == 3);
	maildir_uidlist_destroy(&ul);
	maildir_uidlist_destroy(&ul2);

	/* A file with only its header (a new folder's, as Dovecot writes
	   it): the first records follow that one header line. */
	ul = maildir_uidlist_create();
	test_assert(file_write_atomic(path,
		"3 V7 N1 G0123456789abcdef0123456789abcdef\n", 43, 0600, false,
		&error) == 0);
	test_assert(maildir_uidlist_read(ul, path, &error) ==
		MAILDIR_UIDLIST_READ_OK);
	test_assert(maildir_uidlist_count(ul) == 0);
	test_assert(maildir_uidlist_add(ul, "m1", &uid, &error) == 0 &&
		uid == 1);
	test_assert(maildir_uidlist_write(ul, path, 0600, false, &error) == 0);
	buf_init(&data, NULL, 256, 4096);
	test_assert(file_read_all(path, 4096, &data, &error) == 0);
	test_assert_strcmp(buf_cstr(&data),
		"3 V7 N2 G0123456789abcdef0123456789abcdef\n1 :m1\n");
	buf_free(&data);
	test_assert(maildir_uidlist_read(ul, path, &error) ==
		MAILDIR_UIDLIST_READ_OK && maildir_uidlist_count(ul) == 1);
	maildir_uidlist_destroy(&ul);
	test_end();
}

static void test_guid_uidvalidity(void)
{
	uint8_t g1[MAILDIR_GUID_128_SIZE], g2[MAILDIR_GUID_128_SIZE];
	const char *dir = t_printf("%s/uidv", test_tmpdir());
	uint32_t v1, v2, v3;
	struct stat st;
	struct buf data;
	const char *error;

	test_begin("guid and uidvalidity");
	maildir_guid_generate(g1);
	maildir_guid_generate(g2);
	test_assert(memcmp(g1, g2, sizeof(g1)) != 0);
	/* pid in bytes 8..11, little-endian. */
	test_assert((uint32_t)(g1[8] | g1[9] << 8 | g1[10] << 16 |
		(uint32_t)g1[11] << 24) == (uint32_t)getpid());
	test_assert(maildir_guid_from_hex(maildir_guid_to_hex(scratch_arena(),
		g1), g2) == 0 && memcmp(g1, g2, sizeof(g1)) == 0);
	test_assert(maildir_guid_from_hex("00", g2) < 0);
	test_assert(maildir_guid_from_hex(
		"0000000000000000000000000000000g", g2) < 0);

	test_assert(mkdir(dir, 0700) == 0);
	v1 = maildir_uidvalidity_next(dir, 0600);
	v2 = maildir_uidvalidity_next(dir, 0600);
	v3 = maildir_uidvalidity_next(dir, 0600);
	test_assert(v1 != 0 && v2 == v1 + 1 && v3 == v2 + 1);
	test_assert(stat(t_printf("%s/dovecot-uidvalidity.%08x", dir, v3),
		&st) == 0);
	buf_init(&data, NULL, 64, 64);
	test_assert(file_read_all(t_printf("%s/dovecot-uidvalidity", dir), 64,
		&data, &error) == 0);
	test_assert_strcmp(buf_cstr(&data), t_printf("%08x", v3));
	buf_free(&data);
	/* A broken main file is recovered from the marker file. */
	test_assert(file_write_atomic(t_printf("%s/dovecot-uidvalidity", dir),
		"zz", 2, 0600, false, &error) == 0);
	test_assert(maildir_uidvalidity_next(dir, 0600) == v3 + 1);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_parse_v3,
		test_parse_old_versions,
		test_parse_errors,
		test_parse_duplicates,
		test_truncations,
		test_modify,
		test_file_io,
		test_guid_uidvalidity,
		NULL
	};
	return test_run(tests);
}
