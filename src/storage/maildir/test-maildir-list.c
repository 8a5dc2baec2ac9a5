/*
 * test-maildir-list.c - unit tests for folder names (maildir++ and fs,
 * modified UTF-7, unsafe names), listing with \NoSelect/\HasChildren,
 * create/delete/rename as Dovecot 2.3 does, and the subscriptions file.
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "maildir-list.h"
#include "maildir-subscriptions.h"
#include "test-common.h"

#include <sys/stat.h>

static void test_utf7(void)
{
	static const struct {
		const char *utf8, *mutf7;
	} tests[] = {
		{ "Tr\xc3\xa4sh", "Tr&AOQ-sh" },
		{ "a&b", "a&-b" },
		{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		  "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
		{ "\xf0\x9f\x98\x80", "&2D3eAA-" },
		{ "plain", "plain" },
	};
	static const char *const bad_mutf7[] = {
		"&", "&-x&", "&AOQ", "&AGE-", "&AOQ-&AOQ-", "&2D0-", "&3gA-",
		"a\x80", "&AO-", "&,,,,-",
	};
	const char *out;
	unsigned int i;

	test_begin("modified UTF-7");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		test_assert(maildir_utf8_to_mutf7(scratch_arena(),
			tests[i].utf8, &out) == 0);
		test_assert_strcmp(out, tests[i].mutf7);
		test_assert(maildir_mutf7_to_utf8(scratch_arena(),
			tests[i].mutf7, &out) == 0);
		test_assert_strcmp(out, tests[i].utf8);
	}
	for (i = 0; i < N_ELEMENTS(bad_mutf7); i++) {
		test_assert(maildir_mutf7_to_utf8(scratch_arena(),
			bad_mutf7[i], &out) < 0);
	}
	test_assert(maildir_utf8_to_mutf7(scratch_arena(), "a\xc3", &out) < 0);
	test_assert(maildir_utf8_to_mutf7(scratch_arena(), "\xed\xa0\x80",
		&out) < 0);
	test_end();
}

static void test_names(void)
{
	struct maildir_list_settings pp = {
		.root = "/m", .layout = MAILDIR_LAYOUT_MAILDIRPP, .sep = '.',
	};
	struct maildir_list_settings pps = pp, fs = {
		.root = "/m", .layout = MAILDIR_LAYOUT_FS, .sep = '/',
	};
	static const char *const bad_pp[] = {
		"", ".Sent", "a.", "a..b", "a/b", "a.\x01", "a.\xff",
		"a...", "DOVECOT-TRASHED",
	};
	static const char *const bad_fs[] = {
		"", "/a", "a/", "a//b", "..", "a/../b", "cur", "a/new", "~x",
		".hidden", "a/\n",
	};
	const char *path, *name, *error;
	unsigned int i;

	pps.sep = '/';
	test_begin("folder names <-> directories");
	test_assert(maildir_list_get_path(&pp, scratch_arena(), "inbox",
		&path, &error) == 0);
	test_assert_strcmp(path, "/m");
	test_assert(maildir_list_get_path(&pp, scratch_arena(),
		"INBOX.friends.vacation", &path, &error) == 0);
	test_assert_strcmp(path, "/m/.INBOX.friends.vacation");
	test_assert(maildir_list_get_path(&pp, scratch_arena(),
		"inbox.x", &path, &error) == 0);
	test_assert_strcmp(path, "/m/.INBOX.x");
	test_assert(maildir_list_get_path(&pps, scratch_arena(),
		"Tr\xc3\xa4sh/Sub", &path, &error) == 0);
	test_assert_strcmp(path, "/m/.Tr&AOQ-sh.Sub");
	test_assert(maildir_list_get_path(&pps, scratch_arena(), "a.b",
		&path, &error) < 0);
	test_assert_strcmp(error, "Character not allowed in mailbox name: '.'");
	test_assert(maildir_list_get_path(&fs, scratch_arena(), "a..b/c",
		&path, &error) == 0);
	test_assert_strcmp(path, "/m/a..b/c");
	pps.utf8 = true;
	test_assert(maildir_list_get_path(&pps, scratch_arena(),
		"Tr\xc3\xa4sh", &path, &error) == 0);
	test_assert_strcmp(path, "/m/.Tr\xc3\xa4sh");
	pps.utf8 = false;
	for (i = 0; i < N_ELEMENTS(bad_pp); i++) {
		test_assert(maildir_list_get_path(&pp, scratch_arena(),
			bad_pp[i], &path, &error) < 0);
	}
	for (i = 0; i < N_ELEMENTS(bad_fs); i++) {
		test_assert(maildir_list_get_path(&fs, scratch_arena(),
			bad_fs[i], &path, &error) < 0);
	}
	test_assert(maildir_list_dir_to_name(&pps, scratch_arena(),
		".Tr&AOQ-sh.Sub", &name) == 0);
	test_assert_strcmp(name, "Tr\xc3\xa4sh/Sub");
	test_assert(maildir_list_dir_to_name(&pp, scratch_arena(),
		".INBOX.x", &name) == 0);
	test_assert_strcmp(name, "INBOX.x");
	test_assert(maildir_list_dir_to_name(&pp, scratch_arena(), ".",
		&name) < 0);
	test_assert(maildir_list_dir_to_name(&pp, scratch_arena(), "..",
		&name) < 0);
	test_assert(maildir_list_dir_to_name(&pp, scratch_arena(), "cur",
		&name) < 0);
	test_assert(maildir_list_dir_to_name(&pp, scratch_arena(), ".a..b",
		&name) < 0);
	test_assert(maildir_list_dir_to_name(&pp, scratch_arena(),
		".DOVECOT-TRASHED", &name) < 0);
	test_assert(maildir_list_dir_to_name(&pp, scratch_arena(), ".&Jjo",
		&name) < 0);
	pps.sep = '^';
	test_assert(maildir_list_dir_to_name(&pps, scratch_arena(), ".a^b",
		&name) < 0);
	test_end();
}

static bool has_entry(const struct maildir_list_entry *e, unsigned int count,
	const char *name, enum maildir_list_flags flags)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (strcmp(e[i].name, name) == 0)
			return e[i].flags == flags;
	}
	return false;
}

static void test_ops(enum maildir_layout layout)
{
	const char *root = t_printf("%s/root%d", test_tmpdir(), (int)layout);
	struct maildir_list_settings set = {
		.root = root, .layout = layout, .sep = '/',
	};
	struct maildir_list_entry *e;
	unsigned int count;
	const char *error;
	bool exists, notfound;
	enum maildir_list_rename_error why;
	struct stat st;

	test_begin(layout == MAILDIR_LAYOUT_FS ? "folder ops (fs)" :
		"folder ops (maildir++)");
	test_assert(maildir_list_all(&set, scratch_arena(), &e, &count,
		&error) == 0);
	test_assert(count == 1 && strcmp(e[0].name, "INBOX") == 0);
	test_assert(mkdir(root, 0750) == 0);
	test_assert(maildir_list_create(&set, "INBOX", &exists, &error) == 0);
	test_assert(maildir_list_create(&set, "INBOX", &exists, &error) < 0 &&
		exists);
	test_assert(maildir_list_create(&set, "a", &exists, &error) == 0);
	test_assert(maildir_list_create(&set, "a/b", &exists, &error) == 0);
	test_assert(maildir_list_create(&set, "a/b/c", &exists, &error) == 0);
	test_assert(maildir_list_create(&set, "x/y", &exists, &error) == 0);
	test_assert(maildir_list_create(&set, "../evil", &exists, &error) < 0);
	test_assert(stat(t_printf("%s/../evil", root), &st) < 0);
	test_assert(maildir_list_create(&set, "a", &exists, &error) < 0 &&
		exists);
	if (layout == MAILDIR_LAYOUT_MAILDIRPP) {
		test_assert(stat(t_printf("%s/.a.b/maildirfolder", root),
			&st) == 0 && st.st_size == 0 &&
			(st.st_mode & 0777) == 0640);
		test_assert(stat(t_printf("%s/.a.b/cur", root), &st) == 0 &&
			(st.st_mode & 0777) == 0750);
		test_assert(stat(t_printf("%s/maildirfolder", root), &st) == 0);
	} else {
		test_assert(stat(t_printf("%s/a/b/c/cur", root), &st) == 0);
		test_assert(stat(t_printf("%s/a/maildirfolder", root),
			&st) < 0);
	}
	test_assert(maildir_list_all(&set, scratch_arena(), &e, &count,
		&error) == 0);
	test_assert(count == 6);
	test_assert(strcmp(e[0].name, "INBOX") == 0);
	test_assert(has_entry(e, count, "INBOX", MAILDIR_LIST_HASNOCHILDREN));
	test_assert(has_entry(e, count, "a", MAILDIR_LIST_HASCHILDREN));
	test_assert(has_entry(e, count, "a/b/c", MAILDIR_LIST_HASNOCHILDREN));
	test_assert(has_entry(e, count, "x", layout == MAILDIR_LAYOUT_FS ?
		(MAILDIR_LIST_NOSELECT | MAILDIR_LIST_HASCHILDREN) :
		(MAILDIR_LIST_NOSELECT | MAILDIR_LIST_NONEXISTENT |
		 MAILDIR_LIST_HASCHILDREN)));
	/* Creating a \NoSelect parent makes it a mailbox. */
	test_assert(maildir_list_create(&set, "x", &exists, &error) == 0);

	/* Delete with children: fs keeps a \NoSelect directory, maildir++
	   removes the folder and the parent is shown as nonexistent. */
	test_assert(maildir_list_delete(&set, "INBOX", &notfound,
		&error) < 0);
	test_assert(maildir_list_delete(&set, "nope", &notfound,
		&error) < 0 && notfound);
	test_assert(maildir_list_delete(&set, "a", &notfound, &error) == 0);
	test_assert(maildir_list_all(&set, scratch_arena(), &e, &count,
		&error) == 0);
	test_assert(has_entry(e, count, "a", layout == MAILDIR_LAYOUT_FS ?
		(MAILDIR_LIST_NOSELECT | MAILDIR_LIST_HASCHILDREN) :
		(MAILDIR_LIST_NOSELECT | MAILDIR_LIST_NONEXISTENT |
		 MAILDIR_LIST_HASCHILDREN)));
	test_assert(stat(t_printf("%s/.DOVECOT-TRASHED", root), &st) < 0);

	/* Rename with children. */
	test_assert(maildir_list_rename(&set, "INBOX", "z", &why, &error) < 0);
	test_assert_strcmp(error, "Renaming INBOX isn't supported");
	test_assert(why == MAILDIR_LIST_RENAME_ERR_NOTPOSSIBLE);
	test_assert(maildir_list_rename(&set, "a/b", "a/b/q", &why,
		&error) < 0 && why == MAILDIR_LIST_RENAME_ERR_NOTPOSSIBLE);
	test_assert(maildir_list_rename(&set, "a/b", "x", &why, &error) < 0);
	test_assert_strcmp(error, "Target mailbox already exists");
	test_assert(why == MAILDIR_LIST_RENAME_ERR_EXISTS);
	test_assert(maildir_list_rename(&set, "nope", "n2", &why,
		&error) < 0 && why == MAILDIR_LIST_RENAME_ERR_NOTFOUND);
	test_assert(maildir_list_rename(&set, "a/b", "z/q", &why,
		&error) == 0);
	test_assert(maildir_list_all(&set, scratch_arena(), &e, &count,
		&error) == 0);
	test_assert(has_entry(e, count, "z/q", MAILDIR_LIST_HASCHILDREN));
	test_assert(has_entry(e, count, "z/q/c", MAILDIR_LIST_HASNOCHILDREN));
	test_assert(!has_entry(e, count, "a/b", MAILDIR_LIST_HASCHILDREN));
	test_assert(maildir_list_delete(&set, "z/q/c", &notfound,
		&error) == 0);
	test_end();
}

static void test_ops_pp(void)
{
	test_ops(MAILDIR_LAYOUT_MAILDIRPP);
}

static void test_ops_fs(void)
{
	test_ops(MAILDIR_LAYOUT_FS);
}

static void test_subscriptions(void)
{
	const char *path = t_printf("%s/subscriptions", test_tmpdir());
	const char **names, *error;
	unsigned int count, i;
	struct buf data;

	test_begin("subscriptions file");
	test_assert(maildir_subscriptions_read(path, '/', scratch_arena(),
		&names, &count, &error) == 0 && count == 0);
	test_assert(maildir_subscriptions_set(path, '/', "inbox", true, 0600,
		false, &error) == 1);
	test_assert(maildir_subscriptions_set(path, '/', "Sub/Child", true,
		0600, false, &error) == 1);
	test_assert(maildir_subscriptions_set(path, '/', "Sub/Child", true,
		0600, false, &error) == 0);
	test_assert(maildir_subscriptions_set(path, '/', "Tab\there", true,
		0600, false, &error) == 1);
	test_assert(maildir_subscriptions_set(path, '/', "", true, 0600, false,
		&error) < 0);
	test_assert(maildir_subscriptions_set(path, '/', "a\nb", true, 0600,
		false, &error) < 0);
	buf_init(&data, NULL, 256, 4096);
	test_assert(file_read_all(path, 4096, &data, &error) == 0);
	test_assert_strcmp(buf_cstr(&data),
		"V\t2\n\nINBOX\nSub\tChild\nTab\001there\n");
	buf_free(&data);
	/* Read back with another separator: v2 is separator-free. */
	test_assert(maildir_subscriptions_read(path, '.', scratch_arena(),
		&names, &count, &error) == 0 && count == 3);
	test_assert_strcmp(names[0], "INBOX");
	test_assert_strcmp(names[1], "Sub.Child");
	test_assert_strcmp(names[2], "Tab\there");
	test_assert(names[3] == NULL);
	test_assert(maildir_subscriptions_set(path, '/', "Sub/Child", false,
		0600, false, &error) == 1);
	test_assert(maildir_subscriptions_set(path, '/', "Sub/Child", false,
		0600, false, &error) == 0);
	test_assert(access(t_printf("%s.lock", path), F_OK) < 0);

	/* A version 1 file (the book's example) stays version 1. */
	test_assert(file_write_atomic(path,
		"INBOX\nINBOX.company\nINBOX.friends.orchestra\n", 43, 0600,
		false, &error) == 0);
	test_assert(maildir_subscriptions_read(path, '.', scratch_arena(),
		&names, &count, &error) == 0 && count == 3);
	test_assert_strcmp(names[2], "INBOX.friends.orchestra");
	test_assert(maildir_subscriptions_set(path, '.', "INBOX.x", true,
		0600, false, &error) == 1);
	buf_init(&data, NULL, 256, 4096);
	test_assert(file_read_all(path, 4096, &data, &error) == 0);
	test_assert_strcmp(buf_cstr(&data),
		"INBOX\nINBOX.company\nINBOX.friends.orchestra\nINBOX.x\n");
	buf_free(&data);
	/* Parsing never fails, at any truncation. */
	for (i = 0; i <= strlen("V\t2\n\na\tb\001\n"); i++) {
		maildir_subscriptions_parse(scratch_arena(),
			"V\t2\n\na\tb\001\n", i, '/', &names, &count);
	}
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_utf7,
		test_names,
		test_ops_pp,
		test_ops_fs,
		test_subscriptions,
		NULL
	};
	return test_run(tests);
}
