/*
 * test-maildir-ops.c - unit tests for message operations: scan, save
 * (LF/CRLF conversion, S=/W=, new/ vs cur/), new -> cur, flag renames
 * racing with another renamer, expunge, copy (hard link and data), sync
 * (without the uidlist lock when nothing changed).
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "str.h"
#include "maildir-list.h"
#include "maildir-ops.h"
#include "maildir-uidlist.h"
#include "test-common.h"

#include <dirent.h>
#include <sys/stat.h>

static const char *make_maildir(const char *name)
{
	const char *dir = t_printf("%s/%s", test_tmpdir(), name);
	struct maildir_permissions perm = { 0700, 0600, (gid_t)-1 };
	const char *error;

	test_assert(maildir_create_dirs(dir, &perm, false, &error) == 0);
	return dir;
}

static const char *save_msg(const char *dir, const struct maildir_settings *set,
	const char *data, enum maildir_flags flags, uint32_t kw, bool *in_new)
{
	struct maildir_save *save;
	const char *fname, *error;
	size_t i, len = strlen(data);

	save = maildir_save_begin(dir, set, &error);
	test_assert(save != NULL);
	/* Feed it in uneven chunks so CRLF pairs are split. */
	for (i = 0; i < len; i += 3) {
		test_assert(maildir_save_write(save, data + i,
			I_MIN(3, len - i), &error) == 0);
	}
	test_assert(maildir_save_finish(&save, 1000000000, flags, kw,
		scratch_arena(), &fname, in_new, &error) == 0);
	return fname;
}

static void test_save(void)
{
	const char *dir = make_maildir("save");
	struct maildir_settings set;
	struct maildir_filename fn;
	const char *fname, *error;
	struct buf data;
	struct stat st;
	bool in_new;

	test_begin("save: line ends, sizes, new/ vs cur/");
	maildir_settings_init(&set);
	fname = save_msg(dir, &set, "a: b\r\n\r\nbody\r\nx\ry\n", 0, 0,
		&in_new);
	test_assert(in_new);
	test_assert(maildir_filename_parse(fname, &fn, &error) == 0);
	test_assert(!fn.has_info);
	/* LF storage: "a: b\n\nbody\nx\ry\n" = 15 bytes, W= counts CRLF. */
	test_assert(fn.have_size && fn.size == 15);
	test_assert(fn.have_vsize && fn.vsize == 19);
	buf_init(&data, NULL, 64, 1024);
	test_assert(file_read_all(t_printf("%s/new/%s", dir, fname), 1024,
		&data, &error) == 0);
	test_assert(data.used == 15 &&
		memcmp(data.data, "a: b\n\nbody\nx\ry\n", 15) == 0);
	test_assert(stat(t_printf("%s/new/%s", dir, fname), &st) == 0 &&
		st.st_mtime == 1000000000 && (st.st_mode & 0777) == 0600);
	buf_free(&data);

	set.save_crlf = true;
	fname = save_msg(dir, &set, "a\nb\r\n", MAILDIR_FLAG_SEEN,
		MAILDIR_KEYWORD_BIT(1), &in_new);
	test_assert(!in_new);
	test_assert(str_ends(fname, ",S=6,W=6:2,Sb"));
	test_assert(stat(t_printf("%s/cur/%s", dir, fname), &st) == 0);
	/* Nothing left in tmp/. */
	{
		struct maildir_scan_file *files;
		unsigned int count;

		test_assert(maildir_scan(dir, scratch_arena(), &files, &count,
			&error) == 0 && count == 2);
	}
	test_end();
}

static void test_flags_expunge(void)
{
	const char *dir = make_maildir("flags");
	struct maildir_settings set;
	const char *fname, *cur, *error, *other;
	bool in_new;

	test_begin("new->cur, flag renames, expunge");
	maildir_settings_init(&set);
	set.fsync = MAILDIR_FSYNC_NEVER;
	fname = save_msg(dir, &set, "x\n", 0, 0, &in_new);
	test_assert(maildir_move_new_to_cur(dir, fname, scratch_arena(), &cur,
		&error) == 1);
	test_assert_strcmp(cur, t_printf("%s:2,", fname));
	test_assert(maildir_move_new_to_cur(dir, fname, scratch_arena(), &cur,
		&error) == 0);
	test_assert(maildir_set_flags(dir, cur, MAILDIR_FLAG_SEEN |
		MAILDIR_FLAG_FLAGGED | MAILDIR_FLAG_ANSWERED, 0,
		scratch_arena(), &cur, &error) == 1);
	test_assert_strcmp(cur, t_printf("%s:2,FRS", fname));
	/* Another process renamed it meanwhile: found by base name. */
	other = t_printf("%s/cur/%s:2,T", dir, fname);
	test_assert(rename(t_printf("%s/cur/%s", dir, cur), other) == 0);
	test_assert(maildir_set_flags(dir, cur, MAILDIR_FLAG_DRAFT, 0,
		scratch_arena(), &cur, &error) == 1);
	test_assert_strcmp(cur, t_printf("%s:2,D", fname));
	/* Same flags: no rename needed. */
	test_assert(maildir_set_flags(dir, cur, MAILDIR_FLAG_DRAFT, 0,
		scratch_arena(), &cur, &error) == 1);
	/* Flags on a file still in new/ move it to cur/. */
	fname = save_msg(dir, &set, "y\n", 0, 0, &in_new);
	test_assert(maildir_set_flags(dir, fname, MAILDIR_FLAG_SEEN, 0,
		scratch_arena(), &other, &error) == 1);
	test_assert(access(t_printf("%s/cur/%s", dir, other), F_OK) == 0);
	test_assert(maildir_expunge(dir, cur, &error) == 1);
	test_assert(maildir_expunge(dir, cur, &error) == 0);
	/* Expunge of a renamed file finds it. */
	test_assert(maildir_expunge(dir, fname, &error) == 1);
	test_assert(maildir_set_flags(dir, fname, 0, 0, scratch_arena(),
		&cur, &error) == 0);
	test_assert(maildir_set_flags(dir, "../x", 0, 0, scratch_arena(),
		&cur, &error) < 0);
	test_end();
}

/* Entries of a directory, without "." and "..". */
static unsigned int count_files(const char *path)
{
	unsigned int count = 0;
	struct dirent *d;
	DIR *dir = opendir(path);

	if (dir == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL)
		count += d->d_name[0] != '.';
	closedir(dir);
	return count;
}

static void test_copy(void)
{
	const char *src = make_maildir("csrc"), *dst = make_maildir("cdst");
	struct maildir_settings set;
	const char *fname, *copy, *copy2, *copy3, *error;
	struct stat st1, st2;
	bool in_new;

	test_begin("copy: hard link and data");
	maildir_settings_init(&set);
	set.fsync = MAILDIR_FSYNC_NEVER;
	fname = save_msg(src, &set, "hello\r\n", MAILDIR_FLAG_SEEN, 0,
		&in_new);
	test_assert(maildir_copy(src, fname, dst, &set, MAILDIR_FLAG_FLAGGED,
		0, scratch_arena(), &copy, &in_new, &error) == 1);
	/* A new base name, our flags, the source's size, same inode,
	   nothing left in tmp/. */
	test_assert(maildir_filename_base_cmp(copy, fname) != 0);
	test_assert(str_ends(copy, ",S=6,W=7:2,F") && !in_new);
	test_assert(stat(t_printf("%s/cur/%s", src, fname), &st1) == 0);
	test_assert(stat(t_printf("%s/cur/%s", dst, copy), &st2) == 0);
	test_assert(st1.st_ino == st2.st_ino && st2.st_nlink == 2);
	test_assert(count_files(t_printf("%s/tmp", dst)) == 0);
	/* The same message again, with the same flags, and into its own
	   folder: each copy is a link under a base name of its own. */
	test_assert(maildir_copy(src, fname, dst, &set, MAILDIR_FLAG_FLAGGED,
		0, scratch_arena(), &copy2, &in_new, &error) == 1);
	test_assert(maildir_filename_base_cmp(copy2, copy) != 0 &&
		maildir_filename_base_cmp(copy2, fname) != 0);
	test_assert(maildir_copy(src, fname, src, &set, 0, 0,
		scratch_arena(), &copy3, &in_new, &error) == 1);
	test_assert(in_new && maildir_filename_base_cmp(copy3, fname) != 0);
	test_assert(stat(t_printf("%s/new/%s", src, copy3), &st2) == 0);
	test_assert(st1.st_ino == st2.st_ino && st2.st_nlink == 4);
	test_assert(count_files(t_printf("%s/cur", dst)) == 2 &&
		count_files(t_printf("%s/tmp", src)) == 0);

	set.copy_with_hardlinks = false;
	test_assert(maildir_copy(src, fname, dst, &set, 0, 0,
		scratch_arena(), &copy, &in_new, &error) == 1);
	test_assert(in_new && maildir_filename_base_cmp(copy, fname) != 0);
	test_assert(stat(t_printf("%s/new/%s", dst, copy), &st2) == 0);
	test_assert(st2.st_ino != st1.st_ino && st2.st_size == 6 &&
		st2.st_mtime == st1.st_mtime);
	test_assert(maildir_copy(src, "gone:2,S", dst, &set, 0, 0,
		scratch_arena(), &copy, &in_new, &error) == 0);
	test_end();
}

static void test_sync(void)
{
	const char *dir = make_maildir("sync");
	struct maildir_uidlist *ul = maildir_uidlist_create();
	struct maildir_uidlist *ul2 = maildir_uidlist_create();
	struct maildir_sync_rec *recs;
	struct maildir_settings set;
	const char *error, *f1, *f2, *f3;
	unsigned int count;
	uint32_t uidv;

	test_begin("sync: UIDs in Dovecot order, expunges, corrupt uidlist");
	maildir_settings_init(&set);
	set.fsync = MAILDIR_FSYNC_NEVER;
	/* Names sort by time then usecs, not by strcmp. */
	f1 = "1000.M9P1.h,S=2";
	f2 = "1000.M10P1.h,S=2";
	f3 = "999.M5P1.h:2,S";
	test_assert(file_write_atomic(t_printf("%s/new/%s", dir, f1), "a\n", 2,
		0600, false, &error) == 0);
	test_assert(file_write_atomic(t_printf("%s/new/%s", dir, f2), "b\n", 2,
		0600, false, &error) == 0);
	test_assert(file_write_atomic(t_printf("%s/cur/%s", dir, f3), "c\n", 2,
		0600, false, &error) == 0);
	test_assert(maildir_sync(dir, dir, ul, &set, false, scratch_arena(),
		&recs, &count, &error) == 0);
	test_assert(count == 3);
	test_assert(recs[0].uid == 1 && strcmp(recs[0].fname, f3) == 0 &&
		recs[0].flags == MAILDIR_FLAG_SEEN && !recs[0].in_new);
	test_assert(recs[1].uid == 2 && strcmp(recs[1].fname, f1) == 0 &&
		recs[1].in_new && recs[1].is_new);
	test_assert(recs[2].uid == 3 && strcmp(recs[2].fname, f2) == 0);
	uidv = maildir_uidlist_get_uid_validity(ul);
	test_assert(uidv != 0);
	test_assert(access(t_printf("%s/dovecot-uidlist.lock", dir), F_OK) < 0);

	/* Another reader moves new/ to cur/ and sees the same UIDs. */
	test_assert(maildir_sync(dir, dir, ul2, &set, true, scratch_arena(),
		&recs, &count, &error) == 0);
	test_assert(count == 3 && recs[1].uid == 2 && !recs[1].in_new &&
		!recs[1].is_new && str_ends(recs[1].fname, ":2,"));
	/* Expunge outside, add a new file: the old UID is not reused. */
	test_assert(unlink(t_printf("%s/cur/%s", dir, f3)) == 0);
	test_assert(file_write_atomic(t_printf("%s/new/2000.M1P1.h", dir),
		"d\n", 2, 0600, false, &error) == 0);
	test_assert(maildir_sync(dir, dir, ul, &set, false, scratch_arena(),
		&recs, &count, &error) == 0);
	test_assert(count == 3 && recs[0].uid == 2 && recs[2].uid == 4 &&
		recs[2].is_new);
	/* A corrupt uidlist is rebuilt with the same UIDVALIDITY. */
	test_assert(file_write_atomic(t_printf("%s/dovecot-uidlist", dir),
		t_printf("3 V%u N5\ngarbage\n", uidv),
		strlen(t_printf("3 V%u N5\ngarbage\n", uidv)), 0600, false,
		&error) == 0);
	maildir_uidlist_destroy(&ul2);
	ul2 = maildir_uidlist_create();
	test_assert(maildir_sync(dir, dir, ul2, &set, false, scratch_arena(),
		&recs, &count, &error) == 0);
	test_assert(maildir_uidlist_get_uid_validity(ul2) == uidv);
	test_assert(count == 3 && recs[0].uid >= 5);
	maildir_uidlist_destroy(&ul);
	maildir_uidlist_destroy(&ul2);
	test_end();
}

static void test_sync_unlocked(void)
{
	const char *dir = make_maildir("sync-unlocked");
	const char *lock = t_printf("%s/dovecot-uidlist.lock", dir);
	struct maildir_uidlist *ul = maildir_uidlist_create();
	struct maildir_uidlist *ul2 = maildir_uidlist_create();
	struct maildir_sync_rec *recs;
	struct maildir_settings set;
	const char *error;
	unsigned int count;

	test_begin("sync: unchanged folder without the lock, changes with it");
	maildir_settings_init(&set);
	set.fsync = MAILDIR_FSYNC_NEVER;
	set.lock_timeout_secs = 1;
	test_assert(file_write_atomic(t_printf("%s/new/1000.M1P1.h", dir),
		"a\n", 2, 0600, false, &error) == 0);
	test_assert(file_write_atomic(t_printf("%s/cur/1001.M1P1.h:2,", dir),
		"b\n", 2, 0600, false, &error) == 0);
	test_assert(maildir_sync(dir, dir, ul, &set, false, scratch_arena(),
		&recs, &count, &error) == 0);
	test_assert(count == 2);
	/* someone else holds the lock (an empty lock file: not stale for
	   2 minutes): a sync that changes nothing needs no lock, and sees
	   a flag rename done outside */
	test_assert(file_write_atomic(lock, "", 0, 0600, false,
		&error) == 0);
	test_assert(rename(t_printf("%s/cur/1001.M1P1.h:2,", dir),
		t_printf("%s/cur/1001.M1P1.h:2,S", dir)) == 0);
	test_assert(maildir_sync(dir, dir, ul2, &set, false, scratch_arena(),
		&recs, &count, &error) == 0);
	test_assert(count == 2 && recs[0].uid == 1 && recs[0].in_new &&
		!recs[0].is_new && recs[1].uid == 2 &&
		strcmp(recs[1].fname, "1001.M1P1.h:2,S") == 0 &&
		recs[1].flags == MAILDIR_FLAG_SEEN);
	test_assert(maildir_sync(dir, dir, ul, &set, false, scratch_arena(),
		&recs, &count, &error) == 0);
	test_assert(count == 2);
	/* moving new/ to cur/, a new file and an expunge need the lock */
	test_assert(maildir_sync(dir, dir, ul2, &set, true, scratch_arena(),
		&recs, &count, &error) < 0);
	test_assert(access(t_printf("%s/new/1000.M1P1.h", dir), F_OK) == 0);
	test_assert(file_write_atomic(t_printf("%s/new/1002.M1P1.h", dir),
		"c\n", 2, 0600, false, &error) == 0);
	test_assert(maildir_sync(dir, dir, ul2, &set, false, scratch_arena(),
		&recs, &count, &error) < 0);
	test_assert(unlink(t_printf("%s/new/1002.M1P1.h", dir)) == 0);
	test_assert(unlink(t_printf("%s/new/1000.M1P1.h", dir)) == 0);
	test_assert(maildir_sync(dir, dir, ul2, &set, false, scratch_arena(),
		&recs, &count, &error) < 0);
	/* the holder is gone: the same sync goes through */
	test_assert(unlink(lock) == 0);
	test_assert(maildir_sync(dir, dir, ul2, &set, false, scratch_arena(),
		&recs, &count, &error) == 0);
	test_assert(count == 1 && recs[0].uid == 2);
	test_assert(maildir_uidlist_count(ul2) == 1);
	maildir_uidlist_destroy(&ul);
	maildir_uidlist_destroy(&ul2);
	test_end();
}

static void test_settings(void)
{
	enum maildir_fsync_mode mode;
	struct maildir_settings set;

	test_begin("settings");
	maildir_settings_init(&set);
	test_assert(!set.save_crlf && set.copy_with_hardlinks &&
		set.fsync == MAILDIR_FSYNC_OPTIMIZED);
	test_assert(maildir_fsync_mode_parse("always", &mode) == 0 &&
		mode == MAILDIR_FSYNC_ALWAYS);
	test_assert(maildir_fsync_mode_parse("never", &mode) == 0 &&
		mode == MAILDIR_FSYNC_NEVER);
	test_assert(maildir_fsync_mode_parse("sometimes", &mode) < 0);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_save,
		test_flags_expunge,
		test_copy,
		test_sync,
		test_sync_unlocked,
		test_settings,
		NULL
	};
	return test_run(tests);
}
