/*
 * test-maildir-fixtures.c - reads Maildir trees written by real Dovecot
 * 2.3.19 (tests/fixtures/maildir/, made by make_fixtures.py) and checks
 * that we see what Dovecot reported over IMAP and doveadm: folders and
 * their LIST flags, UIDVALIDITY, UIDNEXT, UIDs, GUIDs, flags, keywords and
 * subscriptions; then syncs a copy and checks nothing is renumbered.
 */
#include "lib.h"
#include "buf.h"
#include "file.h"
#include "str.h"
#include "maildir-keywords.h"
#include "maildir-list.h"
#include "maildir-ops.h"
#include "maildir-subscriptions.h"
#include "maildir-uidlist.h"
#include "test-common.h"

#ifndef MAILDIR_FIXTURE_DIR
#  error MAILDIR_FIXTURE_DIR not set
#endif

static int str_cmp(const void *p1, const void *p2)
{
	return strcmp(*(char *const *)p1, *(char *const *)p2);
}

/* Sorts the space-separated tokens of s. */
static const char *sorted_tokens(const char *s)
{
	char **tok = str_split(scratch_arena(), s, " ", true);
	unsigned int n = str_array_length(tok), i;
	struct buf out;
	const char *ret;

	qsort(tok, n, sizeof(*tok), str_cmp);
	buf_init(&out, NULL, 64, 0);
	for (i = 0; i < n; i++) {
		if ((i > 0 && buf_append_c(&out, ' ') < 0) ||
		    buf_append_str(&out, tok[i]) < 0)
			i_panic("buf");
	}
	ret = t_strdup(buf_cstr(&out));
	buf_free(&out);
	return ret;
}

static const char *imap_flags(enum maildir_flags flags, uint32_t keywords,
	struct maildir_keywords *mk)
{
	const char *s = "";
	unsigned int i;

	if ((flags & MAILDIR_FLAG_ANSWERED) != 0)
		s = t_printf("%s \\Answered", s);
	if ((flags & MAILDIR_FLAG_FLAGGED) != 0)
		s = t_printf("%s \\Flagged", s);
	if ((flags & MAILDIR_FLAG_DELETED) != 0)
		s = t_printf("%s \\Deleted", s);
	if ((flags & MAILDIR_FLAG_SEEN) != 0)
		s = t_printf("%s \\Seen", s);
	if ((flags & MAILDIR_FLAG_DRAFT) != 0)
		s = t_printf("%s \\Draft", s);
	for (i = 0; i < MAILDIR_MAX_KEYWORDS; i++) {
		if ((keywords & MAILDIR_KEYWORD_BIT(i)) != 0) {
			s = t_printf("%s %s", s,
				maildir_keywords_idx_name_or_create(mk, i));
		}
	}
	return sorted_tokens(s);
}

static const char *list_flags(enum maildir_list_flags flags)
{
	const char *s = "";

	if ((flags & MAILDIR_LIST_NOSELECT) != 0)
		s = t_printf("%s \\Noselect", s);
	if ((flags & MAILDIR_LIST_HASCHILDREN) != 0)
		s = t_printf("%s \\HasChildren", s);
	if ((flags & MAILDIR_LIST_HASNOCHILDREN) != 0)
		s = t_printf("%s \\HasNoChildren", s);
	return sorted_tokens(s);
}

struct fixture {
	const char *name;
	struct maildir_list_settings set;
	char **lines;
};

static const char *utf8_name(const char *imap_name)
{
	const char *name;

	if (maildir_mutf7_to_utf8(scratch_arena(), imap_name, &name) < 0)
		i_panic("bad fixture name %s", imap_name);
	return name;
}

static void check_mailbox(struct fixture *fx, char **f)
{
	const char *name = utf8_name(f[1]), *path, *error, *uidlist_path;
	struct maildir_uidlist *ul;
	struct maildir_keywords *mk;
	unsigned int i, msgs = 0;

	test_assert(maildir_list_get_path(&fx->set, scratch_arena(), name,
		&path, &error) == 0);
	if (strcmp(f[2], "0") == 0)
		return; /* \Noselect: no uidlist */
	ul = maildir_uidlist_create();
	mk = maildir_keywords_create();
	uidlist_path = t_printf("%s/dovecot-uidlist", path);
	test_assert(maildir_uidlist_read(ul, uidlist_path, &error) ==
		MAILDIR_UIDLIST_READ_OK);
	test_assert_strcmp(t_printf("%u", maildir_uidlist_get_uid_validity(ul)),
		f[2]);
	test_assert_strcmp(t_printf("%u", maildir_uidlist_get_next_uid(ul)),
		f[3]);
	test_assert(maildir_keywords_read(mk, t_printf("%s/dovecot-keywords",
		path), true, &error) == 0);
	for (i = 0; fx->lines[i] != NULL; i++) {
		char **m = str_split(scratch_arena(), fx->lines[i], "\t",
			false);
		const struct maildir_uidlist_rec *rec;
		struct maildir_filename fn;
		const char *fname;
		uint32_t uid;
		bool in_new;

		if (strcmp(m[0], "msg") != 0 || strcmp(m[1], f[1]) != 0)
			continue;
		msgs++;
		test_assert(str_to_uint32(m[2], &uid) == 0);
		rec = maildir_uidlist_lookup_uid(ul, uid);
		test_assert(rec != NULL);
		if (rec == NULL)
			continue;
		test_assert_strcmp(maildir_uidlist_rec_get_guid(
			scratch_arena(), rec), m[3]);
		test_assert(maildir_find_file(path, rec->filename, NULL,
			scratch_arena(), &fname, &in_new, &error) == 1);
		test_assert(maildir_filename_parse(fname, &fn, &error) == 0);
		test_assert_strcmp(imap_flags(fn.flags, fn.keywords, mk),
			sorted_tokens(m[4] == NULL ? "" : m[4]));
	}
	test_assert(msgs == maildir_uidlist_count(ul));
	maildir_keywords_destroy(&mk);
	maildir_uidlist_destroy(&ul);
}

static void check_list(struct fixture *fx)
{
	struct maildir_list_entry *e;
	unsigned int count, i, j, expected = 0;
	const char *error;

	test_assert(maildir_list_all(&fx->set, scratch_arena(), &e, &count,
		&error) == 0);
	for (i = 0; fx->lines[i] != NULL; i++) {
		char **f = str_split(scratch_arena(), fx->lines[i], "\t",
			false);
		const char *name;
		bool found = false;

		if (strcmp(f[0], "mailbox") != 0)
			continue;
		expected++;
		name = utf8_name(f[1]);
		for (j = 0; j < count; j++) {
			if (strcmp(e[j].name, name) != 0)
				continue;
			found = true;
			test_assert_strcmp(list_flags(e[j].flags),
				sorted_tokens(f[4]));
		}
		test_assert(found);
	}
	test_assert(count == expected);
}

static void check_subscriptions(struct fixture *fx)
{
	const char **names, *error;
	unsigned int count, i, j, expected = 0;

	test_assert(maildir_subscriptions_read(t_printf("%s/subscriptions",
		fx->set.root), fx->set.sep, scratch_arena(), &names, &count,
		&error) == 0);
	for (i = 0; fx->lines[i] != NULL; i++) {
		char **f = str_split(scratch_arena(), fx->lines[i], "\t",
			false);
		bool found = false;

		if (strcmp(f[0], "sub") != 0)
			continue;
		expected++;
		for (j = 0; j < count; j++)
			found = found || strcmp(names[j], f[1]) == 0;
		test_assert(found);
	}
	test_assert(count == expected);
}

static void check_sync_copy(struct fixture *fx)
{
	const char *dir = t_printf("%s/%s", test_tmpdir(), fx->name);
	struct maildir_uidlist *ul = maildir_uidlist_create();
	struct maildir_sync_rec *recs;
	struct maildir_settings set;
	unsigned int count, i, msgs = 0;
	const char *error;
	uint32_t uidv;

	test_assert(system(t_printf("cp -a '%s/%s' '%s'", MAILDIR_FIXTURE_DIR,
		fx->name, dir)) == 0);
	maildir_settings_init(&set);
	set.fsync = MAILDIR_FSYNC_NEVER;
	test_assert(maildir_sync(dir, dir, ul, &set, false, scratch_arena(),
		&recs, &count, &error) == 0);
	uidv = maildir_uidlist_get_uid_validity(ul);
	for (i = 0; fx->lines[i] != NULL; i++) {
		char **f = str_split(scratch_arena(), fx->lines[i], "\t",
			false);

		if (strcmp(f[0], "mailbox") == 0 &&
		    strcmp(f[1], "INBOX") == 0) {
			test_assert_strcmp(t_printf("%u", uidv), f[2]);
		}
		if (strcmp(f[0], "msg") == 0 && strcmp(f[1], "INBOX") == 0) {
			test_assert(msgs < count &&
				strcmp(t_printf("%u", recs[msgs].uid),
				       f[2]) == 0 && !recs[msgs].is_new);
			msgs++;
		}
	}
	test_assert(msgs == count);
	maildir_uidlist_destroy(&ul);
}

static void test_fixture(const char *name)
{
	struct fixture fx;
	struct buf data;
	const char *error;
	char **f;
	unsigned int i;

	test_begin(t_printf("Dovecot fixture %s", name));
	memset(&fx, 0, sizeof(fx));
	fx.name = name;
	buf_init(&data, NULL, 4096, 1024 * 1024);
	test_assert(file_read_all(t_printf("%s/%s.expected",
		MAILDIR_FIXTURE_DIR, name), 1024 * 1024, &data, &error) == 0);
	fx.lines = str_split(scratch_arena(), buf_cstr(&data), "\n", true);
	f = str_split(scratch_arena(), fx.lines[0], "\t", false);
	test_assert(strcmp(f[0], "layout") == 0);
	fx.set.root = t_printf("%s/%s", MAILDIR_FIXTURE_DIR, name);
	fx.set.layout = strcmp(f[1], "fs") == 0 ? MAILDIR_LAYOUT_FS :
		MAILDIR_LAYOUT_MAILDIRPP;
	fx.set.sep = f[2][0];
	for (i = 0; fx.lines[i] != NULL; i++) {
		f = str_split(scratch_arena(), fx.lines[i], "\t", false);
		if (strcmp(f[0], "mailbox") == 0)
			check_mailbox(&fx, f);
	}
	check_list(&fx);
	check_subscriptions(&fx);
	check_sync_copy(&fx);
	buf_free(&data);
	test_end();
}

static void test_maildirpp(void)
{
	test_fixture("dovecot-maildirpp");
}

static void test_maildirpp_slash(void)
{
	test_fixture("dovecot-maildirpp-slash");
}

static void test_fs_slash(void)
{
	test_fixture("dovecot-fs-slash");
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_maildirpp,
		test_maildirpp_slash,
		test_fs_slash,
		NULL
	};
	return test_run(tests);
}
