/*
 * test-storage-mail.c - unit tests of message operations: save and read
 * back, flags and keywords (the 26-letter limit included), modseqs and
 * UNCHANGEDSINCE, expunge numbering, copy and move, \Recent, two views of
 * one mailbox seeing each other's changes, and mail that other programs
 * deliver, rename or delete behind our back.
 */
#include "lib.h"
#include "test-storage-common.h"
#include "storage.h"
#include "storage-private.h"
#include "buf.h"
#include "str.h"
#include "test-common.h"

#include <dirent.h>
#include <sqlite3.h>
#include <sys/stat.h>

#define DATE1 "Tue, 14 Nov 2023 09:30:00 +0100"

static struct arena *arena;

static struct mailbox_changes sync_box(struct mailbox *box,
	enum mailbox_sync_flags flags)
{
	struct mailbox_changes changes;

	if (mailbox_sync(box, flags, arena, &changes) < 0)
		i_panic("sync failed: %s",
			mail_user_get_last_error(mailbox_get_user(box), NULL));
	return changes;
}

/* The file name in dir/cur of the only file whose name contains part. */
static const char *find_file(const char *dir, const char *part)
{
	const char *found = NULL;
	struct dirent *d;
	DIR *dh;

	dh = opendir(dir);
	if (dh == NULL)
		return NULL;
	while ((d = readdir(dh)) != NULL) {
		if (strstr(d->d_name, part) != NULL)
			found = t_strdup(d->d_name);
	}
	closedir(dh);
	return found;
}

static void test_save_and_read(void)
{
	struct test_user tu;
	struct mailbox *box;
	struct mail *mail;
	struct mail_data data;
	const char *const kw[] = { "$Forwarded", NULL };
	const char *const *values, *const *keywords, *str, *msg;
	uint64_t size;
	unsigned int count;
	time_t t;
	uint32_t uid;

	test_begin("save and read back");
	test_user_init(&tu, "save", NULL);
	msg = "From: Alice <alice@example.com>\nTo: bob@example.com\n"
		"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\nDate: " DATE1 "\n"
		"Message-ID: <abc@x>\n\nHello\nWorld\n";
	{
		struct mail_save_params params;

		memset(&params, 0, sizeof(params));
		params.flags = MAIL_SEEN;
		params.keywords = kw;
		params.received_date = 1700000000;
		test_assert(mailbox_open(tu.user, "INBOX",
			MAILBOX_OPEN_SAVEONLY, &box) == 0);
		test_assert(mailbox_save_buffer(box, &params, msg, strlen(msg),
			&uid) == 0);
		test_assert(uid == 1);
		mailbox_close(&box);
	}
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_get_count(box) == 1);
	test_assert(mailbox_get_uid(box, 1) == 1);
	test_assert(mailbox_get_flags(box, 1) == (MAIL_SEEN | MAIL_RECENT));
	mail = mail_alloc(box);
	mail_set_seq(mail, 1);
	test_assert(mail_get_virtual_size(mail, &size) == 0 &&
		size == strlen(msg) + 8);
	test_assert(mail_get_physical_size(mail, &size) == 0 &&
		size == strlen(msg));
	test_assert(mail_get_received_date(mail, &t, NULL) == 0 &&
		t == 1700000000);
	test_assert(mail_get_keywords(mail, &keywords, &count) == 0 &&
		count == 1 && strcmp(keywords[0], "$Forwarded") == 0);
	test_assert(mail_get_envelope(mail, &str) == 0);
	test_assert(str_begins(str, "(\"" DATE1 "\" "
		"\"=?utf-8?q?Gr=C3=BC=C3=9Fe?=\" ((\"Alice\" NIL \"alice\" "
		"\"example.com\"))"));
	test_assert(mail_get_bodystructure(mail, &str) == 0);
	test_assert(str_begins(str, "(\"text\" \"plain\""));
	test_assert(mail_get_headers(mail, "message-id", &values) == 0 &&
		values[0] != NULL && strcmp(values[0], "<abc@x>") == 0 &&
		values[1] == NULL);
	test_assert(mail_get_headers(mail, "X-None", &values) == 0 &&
		values[0] == NULL);
	test_assert(mail_get_data(mail, &data) == 0);
	test_assert(data.physical_size == strlen(msg) && !data.crlf);
	test_assert(data.mapped != NULL &&
		memcmp(data.mapped, msg, strlen(msg)) == 0);
	test_assert(mail_get_guid(mail, &str) == 0 && str[0] != '\0');
	mail_free(&mail);
	SCRATCH_BEGIN {
		/* Dovecot's file name: S= and W= sizes, flags and keyword
		   letter */
		const char *fname = find_file(t_printf("%s/cur", tu.maildir),
			",S=");

		test_assert(fname != NULL);
		test_assert(strstr(fname, t_printf(",S=%zu,W=%zu:2,Sa",
			strlen(msg), strlen(msg) + 8)) != NULL);
		test_assert(test_system("grep -qx '0 \\$Forwarded' "
			"%s/dovecot-keywords", tu.maildir) == 0);
		test_assert(test_system("grep -q '^3 V' %s/dovecot-uidlist",
			tu.maildir) == 0);
	} SCRATCH_END;
	mailbox_close(&box);
	test_user_deinit(&tu);
	test_end();
}

static void test_flags_modseq(void)
{
	struct test_user tu;
	struct mailbox *box;
	struct mailbox_transaction *t;
	struct mail_transaction_result result;
	struct mail_flag_update upd;
	struct mail *mail;
	const char *const kw_foo[] = { "foo", NULL };
	uint64_t modseq1, modseq2;
	struct mailbox_status status;

	test_begin("flags, keywords, modseqs, UNCHANGEDSINCE");
	test_user_init(&tu, "flags", NULL);
	SCRATCH_BEGIN {
		for (unsigned int i = 0; i < 3; i++)
			(void)test_save(tu.user, "INBOX", test_message("a@x",
				"b@x", "s", DATE1, "body"), 0, NULL);
	} SCRATCH_END;
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_get_status(box, STATUS_HIGHESTMODSEQ |
		STATUS_FIRST_UNSEEN_SEQ, &status) == 0);
	test_assert(status.first_unseen_seq == 1);
	mail = mail_alloc(box);
	mail_set_seq(mail, 2);
	test_assert(mail_get_modseq(mail, &modseq1) == 0);
	test_assert(modseq1 <= status.highest_modseq);

	memset(&upd, 0, sizeof(upd));
	upd.type = MAIL_MODIFY_ADD;
	upd.flags = MAIL_SEEN | MAIL_FLAGGED;
	upd.keywords = kw_foo;
	t = mailbox_transaction_begin(box);
	test_assert(mail_update_flags(t, 2, &upd) == 0);
	test_assert(mail_update_flags(t, 3, &upd) == 0);
	test_assert(mailbox_transaction_commit(&t, arena, &result) == 0);
	test_assert(result.updates_count == 2);
	test_assert(result.updates[0].result == MAIL_UPDATE_CHANGED);
	test_assert(result.modseq > status.highest_modseq);
	test_assert(result.keywords_changed);
	test_assert((mailbox_get_flags(box, 2) & MAIL_FLAGS_STORE_MASK) ==
		(MAIL_SEEN | MAIL_FLAGGED));
	mail_set_seq(mail, 2);
	test_assert(mail_get_modseq(mail, &modseq2) == 0 &&
		modseq2 == result.modseq);
	/* our own change is not reported back */
	{
		struct mailbox_changes ch = sync_box(box, 0);

		test_assert(ch.changed_count == 0 && !ch.keywords_changed);
	}
	/* the same again: unchanged */
	t = mailbox_transaction_begin(box);
	test_assert(mail_update_flags(t, 2, &upd) == 0);
	test_assert(mailbox_transaction_commit(&t, arena, &result) == 0);
	test_assert(result.updates[0].result == MAIL_UPDATE_UNCHANGED);
	test_assert(result.modseq == 0);
	/* UNCHANGEDSINCE below the message's modseq fails */
	upd.type = MAIL_MODIFY_REMOVE;
	upd.unchanged_since = modseq2 - 1;
	t = mailbox_transaction_begin(box);
	test_assert(mail_update_flags(t, 2, &upd) == 0);
	upd.unchanged_since = modseq2;
	test_assert(mail_update_flags(t, 3, &upd) == 0);
	test_assert(mailbox_transaction_commit(&t, arena, &result) == 0);
	test_assert(result.updates[0].result == MAIL_UPDATE_MODIFIED);
	test_assert(result.updates[1].result == MAIL_UPDATE_CHANGED);
	/* invalid keywords are refused */
	{
		const char *const bad[] = { "a b", NULL };

		upd.keywords = bad;
		upd.unchanged_since = 0;
		t = mailbox_transaction_begin(box);
		test_assert(mail_update_flags(t, 1, &upd) < 0);
		mailbox_transaction_rollback(&t);
	}
	mail_free(&mail);
	mailbox_close(&box);

	/* the flags are in the file names: a new index sees them */
	SCRATCH_BEGIN {
		test_assert(test_system("rm -f %s/roost-index.sqlite*",
			tu.maildir) == 0);
	} SCRATCH_END;
	test_user_reopen(&tu);
	test_stderr_capture_begin();
	box = test_open(tu.user, "INBOX");
	(void)test_stderr_capture_end();
	test_assert((mailbox_get_flags(box, 2) & MAIL_FLAGS_STORE_MASK) ==
		(MAIL_SEEN | MAIL_FLAGGED));
	test_assert((mailbox_get_flags(box, 3) & MAIL_FLAGS_STORE_MASK) == 0);
	mailbox_close(&box);
	test_user_deinit(&tu);
	test_end();
}

static void test_many_keywords(void)
{
	struct test_user tu;
	struct mailbox *box;
	struct mailbox_transaction *t;
	struct mail_flag_update upd;
	struct mail *mail;
	const char *kw[31];
	const char *const *got;
	unsigned int i, count;

	test_begin("more than 26 keywords");
	test_user_init(&tu, "kw", NULL);
	SCRATCH_BEGIN {
		(void)test_save(tu.user, "INBOX", test_message("a@x", "b@x",
			"s", DATE1, "body"), 0, NULL);
		for (i = 0; i < 30; i++)
			kw[i] = t_printf("kw%02u", i);
		kw[30] = NULL;
		box = test_open(tu.user, "INBOX");
		memset(&upd, 0, sizeof(upd));
		upd.type = MAIL_MODIFY_ADD;
		upd.keywords = kw;
		t = mailbox_transaction_begin(box);
		test_assert(mail_update_flags(t, 1, &upd) == 0);
		test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
		/* a full rescan must keep the index-only ones */
		(void)sync_box(box, MAILBOX_SYNC_FLAG_FULL);
		mail = mail_alloc(box);
		mail_set_seq(mail, 1);
		test_assert(mail_get_keywords(mail, &got, &count) == 0);
		test_assert(count == 30);
		mail_free(&mail);
		test_assert(mailbox_get_keywords(box, &count) != NULL &&
			count == 30);
		/* 26 letters in the file name */
		test_assert(test_system("ls %s/cur | grep -q ':2,abcdefghijklm"
			"nopqrstuvwxyz$'", tu.maildir) == 0);
		mailbox_close(&box);
	} SCRATCH_END;
	test_user_deinit(&tu);
	test_end();
}

static void test_expunge_numbering(void)
{
	struct test_user tu;
	struct mailbox *box;
	struct mailbox_transaction *t;
	struct mail_flag_update upd;
	struct mailbox_changes ch;
	struct seq_range *ranges;
	unsigned int i, count;
	uint64_t modseq_before;
	struct mailbox_status status;

	test_begin("EXPUNGE numbering and expunge history");
	test_user_init(&tu, "expunge", NULL);
	SCRATCH_BEGIN {
		for (i = 0; i < 11; i++)
			(void)test_save(tu.user, "INBOX", test_message("a@x",
				"b@x", "s", DATE1, "body"), 0, NULL);
	} SCRATCH_END;
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_get_count(box) == 11);
	(void)mailbox_get_status(box, STATUS_HIGHESTMODSEQ, &status);
	modseq_before = status.highest_modseq;
	memset(&upd, 0, sizeof(upd));
	upd.type = MAIL_MODIFY_ADD;
	upd.flags = MAIL_DELETED;
	t = mailbox_transaction_begin(box);
	test_assert(mail_update_flags(t, 3, &upd) == 0);
	test_assert(mail_update_flags(t, 4, &upd) == 0);
	test_assert(mail_update_flags(t, 7, &upd) == 0);
	test_assert(mail_update_flags(t, 11, &upd) == 0);
	test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
	/* UID EXPUNGE of a subset */
	{
		struct seq_range r = { 11, 11 };

		t = mailbox_transaction_begin(box);
		mailbox_expunge_deleted(t, &r, 1);
		test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
		ch = sync_box(box, 0);
		test_assert(ch.expunges_count == 1 && ch.expunges[0].seq == 11);
	}
	(void)test_save(tu.user, "INBOX", "Subject: late\n\nx\n", 0, NULL);
	t = mailbox_transaction_begin(box);
	mailbox_expunge_deleted(t, NULL, 0);
	test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
	ch = sync_box(box, 0);
	test_assert(ch.expunges_count == 3);
	test_assert(ch.expunges[0].seq == 3 && ch.expunges[0].uid == 3);
	test_assert(ch.expunges[1].seq == 3 && ch.expunges[1].uid == 4);
	test_assert(ch.expunges[2].seq == 5 && ch.expunges[2].uid == 7);
	test_assert(ch.count == 8 && mailbox_get_last_uid(box) == 12);
	/* QRESYNC: what vanished since modseq_before */
	{
		struct seq_range all = { 1, 12 };

		test_assert(mailbox_get_expunged_uids(box, modseq_before, &all,
			1, arena, &ranges, &count) == 0);
		test_assert(count == 3);
		test_assert(ranges[0].seq1 == 3 && ranges[0].seq2 == 4);
		test_assert(ranges[1].seq1 == 7 && ranges[1].seq2 == 7);
		test_assert(ranges[2].seq1 == 11 && ranges[2].seq2 == 11);
	}
	{
		uint32_t *uids;

		test_assert(mailbox_get_changed_uids(box, modseq_before, arena,
			&uids, &count) == 0);
		test_assert(count == 1 && uids[0] == 12);
	}
	mailbox_close(&box);
	test_user_deinit(&tu);
	test_end();
}

static void test_copy_move(void)
{
	struct test_user tu;
	struct mailbox *src, *dest;
	struct mailbox_transaction *t;
	struct mail_transaction_result result;
	struct mail *mail;
	const char *const kw[] = { "Work", NULL };
	const char *guid1, *guid2, *env;
	struct stat st;

	test_begin("copy and move");
	test_user_init(&tu, "copy", NULL);
	test_assert(mailbox_create(tu.user, "Archive", false) == 0);
	SCRATCH_BEGIN {
		(void)test_save(tu.user, "INBOX", test_message("a@x", "b@x",
			"copied", DATE1, "body"), MAIL_ANSWERED, kw);
	} SCRATCH_END;
	src = test_open(tu.user, "INBOX");
	test_assert(mailbox_open(tu.user, "Archive", MAILBOX_OPEN_SAVEONLY,
		&dest) == 0);
	mail = mail_alloc(src);
	mail_set_seq(mail, 1);
	test_assert(mail_get_guid(mail, &guid1) == 0);
	guid1 = t_strdup(guid1);
	t = mailbox_transaction_begin(dest);
	test_assert(mail_copy(t, mail, NULL) == 0);
	test_assert(mailbox_transaction_commit(&t, arena, &result) == 0);
	test_assert(result.saved_count == 1 && result.saved_uids[0] == 1);
	mail_free(&mail);
	SCRATCH_BEGIN {
		/* the copy is a hard link of the source file, under a base
		   name of its own */
		const char *fname = find_file(t_printf("%s/.Archive/cur",
			tu.maildir), ":2,");

		test_assert(fname != NULL && strstr(fname, guid1) == NULL);

		test_assert(fname != NULL);
		test_assert(fname != NULL && stat(t_printf(
			"%s/.Archive/cur/%s", tu.maildir, fname), &st) == 0 &&
			st.st_nlink == 2);
	} SCRATCH_END;
	/* MOVE = expunge the source after the copy is committed */
	t = mailbox_transaction_begin(src);
	mail_expunge(t, 1);
	test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
	test_assert(sync_box(src, 0).count == 0);
	mailbox_close(&dest);
	mailbox_close(&src);

	dest = test_open(tu.user, "Archive");
	test_assert(mailbox_get_count(dest) == 1);
	test_assert((mailbox_get_flags(dest, 1) & MAIL_FLAGS_STORE_MASK) ==
		MAIL_ANSWERED);
	mail = mail_alloc(dest);
	mail_set_seq(mail, 1);
	test_assert(mail_get_guid(mail, &guid2) == 0 &&
		strcmp(guid1, guid2) == 0);
	test_assert(mail_get_envelope(mail, &env) == 0 &&
		strstr(env, "\"copied\"") != NULL);
	{
		const char *const *got;
		unsigned int count;

		test_assert(mail_get_keywords(mail, &got, &count) == 0 &&
			count == 1 && strcmp(got[0], "Work") == 0);
	}
	mail_free(&mail);
	mailbox_close(&dest);
	test_user_deinit(&tu);
	test_end();
}

static void test_two_views(void)
{
	struct test_user tu, tu2;
	struct mailbox *a, *b;
	struct mailbox_transaction *t;
	struct mail_flag_update upd;
	struct mailbox_changes ch;

	test_begin("two sessions see each other's changes, \\Recent once");
	test_user_init(&tu, "views", NULL);
	test_user_clone(&tu, &tu2);
	SCRATCH_BEGIN {
		(void)test_save(tu.user, "INBOX", test_message("a@x", "b@x",
			"1", DATE1, "body"), 0, NULL);
	} SCRATCH_END;
	a = test_open(tu.user, "INBOX");
	b = test_open(tu2.user, "INBOX");
	/* the first session claimed \Recent */
	test_assert((mailbox_get_flags(a, 1) & MAIL_RECENT) != 0);
	test_assert((mailbox_get_flags(b, 1) & MAIL_RECENT) == 0);

	memset(&upd, 0, sizeof(upd));
	upd.type = MAIL_MODIFY_ADD;
	upd.flags = MAIL_FLAGGED;
	t = mailbox_transaction_begin(b);
	test_assert(mail_update_flags(t, 1, &upd) == 0);
	test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
	ch = sync_box(a, 0);
	test_assert(ch.changed_count == 1 && ch.changed_seqs[0] == 1);
	test_assert((mailbox_get_flags(a, 1) & MAIL_FLAGGED) != 0);

	SCRATCH_BEGIN {
		(void)test_save(tu2.user, "INBOX", test_message("a@x", "b@x",
			"2", DATE1, "body"), 0, NULL);
	} SCRATCH_END;
	ch = sync_box(b, 0);
	test_assert(ch.count == 2 && ch.recent == 1 && ch.recent_changed);
	ch = sync_box(a, 0);
	test_assert(ch.count == 2 && ch.recent == 1);
	test_assert((mailbox_get_flags(a, 2) & MAIL_RECENT) == 0);

	/* expunge in a: b sees it, but not during FETCH/STORE/SEARCH */
	t = mailbox_transaction_begin(a);
	mail_expunge(t, 1);
	test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
	ch = sync_box(b, MAILBOX_SYNC_FLAG_NO_EXPUNGES);
	test_assert(ch.expunges_count == 0 && ch.count == 2);
	{
		struct mail *mail = mail_alloc(b);
		enum mail_error error;
		const char *env;

		mail_set_seq(mail, 1);
		test_assert(mail_get_envelope(mail, &env) < 0);
		(void)mail_user_get_last_error(tu2.user, &error);
		test_assert(error == MAIL_ERROR_EXPUNGED);
		mail_free(&mail);
	}
	ch = sync_box(b, 0);
	test_assert(ch.expunges_count == 1 && ch.expunges[0].uid == 1 &&
		ch.count == 1);
	mailbox_close(&a);
	mailbox_close(&b);

	/* EXAMINE doesn't claim \Recent */
	SCRATCH_BEGIN {
		(void)test_save(tu.user, "INBOX", test_message("a@x", "b@x",
			"3", DATE1, "body"), 0, NULL);
	} SCRATCH_END;
	test_assert(mailbox_open(tu.user, "INBOX", MAILBOX_OPEN_READONLY,
		&a) == 0);
	test_assert((mailbox_get_flags(a, 2) & MAIL_RECENT) != 0);
	mailbox_close(&a);
	{
		struct mailbox_status st;

		test_assert(mailbox_get_status_by_name(tu.user, "INBOX",
			STATUS_RECENT | STATUS_MESSAGES | STATUS_SIZE,
			&st) == 0);
		test_assert(st.recent == 1 && st.messages == 2);
		test_assert(st.size > 0);
	}
	test_user_deinit(&tu2);
	test_user_deinit(&tu);
	test_end();
}

static void test_foreign_changes(void)
{
	struct test_user tu;
	struct mailbox *box;
	struct mailbox_changes ch;
	struct mail *mail;
	const char *fname, *subject_msg;
	const char *const *values;

	test_begin("mail delivered, renamed and deleted by other programs");
	test_user_init(&tu, "foreign", NULL);
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_get_count(box) == 0);
	SCRATCH_BEGIN {
		subject_msg = "Subject: from postfix\n\nhello\n";
		fname = test_deliver_file(tu.maildir, subject_msg);
		ch = sync_box(box, 0);
		test_assert(ch.count == 1 && ch.recent == 1);
		mail = mail_alloc(box);
		mail_set_seq(mail, 1);
		test_assert(mail_get_headers(mail, "Subject", &values) == 0 &&
			strcmp(values[0], "from postfix") == 0);
		mail_free(&mail);
		/* moved to cur/ by the read-write session, as Dovecot */
		test_assert(test_system("test -f %s/cur/%s:2,", tu.maildir,
			fname) == 0);
		/* a MUA marks it seen and flagged */
		test_assert(test_system("mv %s/cur/%s:2, %s/cur/%s:2,FS",
			tu.maildir, fname, tu.maildir, fname) == 0);
		usleep(60 * 1000);
		ch = sync_box(box, 0);
		test_assert(ch.changed_count == 1);
		test_assert((mailbox_get_flags(box, 1) & MAIL_FLAGS_STORE_MASK)
			== (MAIL_SEEN | MAIL_FLAGGED));
		/* and deletes it */
		test_assert(test_system("rm %s/cur/%s:2,FS", tu.maildir,
			fname) == 0);
		ch = sync_box(box, 0);
		test_assert(ch.expunges_count == 1 && ch.count == 0);
	} SCRATCH_END;
	mailbox_close(&box);
	test_user_deinit(&tu);
	test_end();
}

/*
 * Reading messages in sequence order (the prefetch of store keys and
 * sizes): every message's bytes, a file renamed (flags) by another
 * program after the prefetch, a file that grew or shrank behind the
 * index's back, and a message expunged by another session in between.
 */
static void test_read_in_sequence(void)
{
	struct test_user tu, other;
	struct mailbox *box, *obox;
	struct mailbox_transaction *t;
	struct mail_data data;
	struct mail *mail;
	enum mail_error error;
	const char *msgs[200], *fname;
	unsigned int i, n = N_ELEMENTS(msgs);

	test_begin("reading messages in sequence order");
	test_user_init(&tu, "seqread", NULL);
	for (i = 0; i < n; i++) {
		msgs[i] = arena_printf(arena, "Subject: m%u\n\n%*u\n", i,
			(int)(i * 37 % 3000), i);
		(void)test_save(tu.user, "INBOX", msgs[i], 0, NULL);
	}
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_get_count(box) == n);
	mail = mail_alloc(box);
	/* the first pass loads batches; the second hits changed files */
	for (i = 0; i < n; i++) {
		mail_set_seq(mail, i + 1);
		test_assert(mail_get_data(mail, &data) == 0 &&
			data.physical_size == strlen(msgs[i]) &&
			memcmp(data.mapped, msgs[i], strlen(msgs[i])) == 0 &&
			data.virtual_size == strlen(msgs[i]) + 3 && !data.crlf);
	}
	SCRATCH_BEGIN {
		/* message 3 marked seen by a MUA (renamed), 5 grown and 7
		   shrunk by hand */
		mail_set_seq(mail, 3);
		test_assert(mail_get_key(mail, &fname) == 0 &&
			str_ends(fname, ":2,"));
		test_assert(test_system("mv %s/%s %s/%sS", tu.maildir,
			fname, tu.maildir, fname) == 0);
		mail_set_seq(mail, 5);
		test_assert(mail_get_key(mail, &fname) == 0);
		test_assert(test_system("printf 'more\\n' >> %s/%s",
			tu.maildir, fname) == 0);
		mail_set_seq(mail, 7);
		test_assert(mail_get_key(mail, &fname) == 0);
		test_assert(test_system("truncate -s 10 %s/%s", tu.maildir,
			fname) == 0);
	} SCRATCH_END;
	/* another session expunges message 9 */
	test_user_clone(&tu, &other);
	obox = test_open(other.user, "INBOX");
	t = mailbox_transaction_begin(obox);
	mail_expunge(t, 9);
	test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
	mailbox_close(&obox);
	test_user_deinit(&other);

	for (i = 0; i < n; i++) {
		mail_set_seq(mail, i + 1);
		if (i == 8) {
			test_assert(mail_get_data(mail, &data) < 0);
			(void)mail_user_get_last_error(tu.user, &error);
			test_assert(error == MAIL_ERROR_EXPUNGED);
			continue;
		}
		test_assert(mail_get_data(mail, &data) == 0);
		if (i == 4) {
			test_assert(data.physical_size ==
				strlen(msgs[i]) + 5 &&
				data.virtual_size == strlen(msgs[i]) + 9 &&
				memcmp(data.mapped + strlen(msgs[i]), "more\n",
					5) == 0);
		} else if (i == 6) {
			test_assert(data.physical_size == 10 &&
				data.virtual_size == 10 &&
				memcmp(data.mapped, msgs[i], 10) == 0);
		} else {
			test_assert(data.physical_size == strlen(msgs[i]) &&
				memcmp(data.mapped, msgs[i],
					strlen(msgs[i])) == 0);
		}
	}
	mail_free(&mail);
	mailbox_close(&box);
	test_user_deinit(&tu);
	test_end();
}

static void test_index_busy(void)
{
	struct test_user tu;
	struct mailbox *box;
	sqlite3 *db;
	uint32_t uid;
	const char *msg = "Subject: busy\n\nx\n";
	enum mail_error error;

	test_begin("APPEND while the index is locked fails cleanly");
	test_user_init(&tu, "busy", "mail_max_lock_timeout = 1s");
	(void)test_save(tu.user, "INBOX", msg, 0, NULL);
	test_assert(mailbox_open(tu.user, "INBOX", MAILBOX_OPEN_SAVEONLY,
		&box) == 0);
	SCRATCH_BEGIN {
		/* another process holds the index write lock too long */
		test_assert(sqlite3_open(t_printf("%s/roost-index.sqlite",
			tu.maildir), &db) == SQLITE_OK);
		test_assert(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
			NULL) == SQLITE_OK);
		test_assert(mailbox_save_buffer(box, NULL, msg, strlen(msg),
			&uid) < 0);
		(void)mail_user_get_last_error(tu.user, &error);
		test_assert(error == MAIL_ERROR_TEMP);
		/* nothing became visible, nothing is left in tmp/ */
		test_assert(test_system("test $(ls %s/cur %s/new | grep -c "
			"'^[0-9]') = 1", tu.maildir, tu.maildir) == 0);
		test_assert(test_system("test -z \"$(ls %s/tmp)\"",
			tu.maildir) == 0);
		test_assert(sqlite3_exec(db, "COMMIT", NULL, NULL,
			NULL) == SQLITE_OK);
		sqlite3_close(db);
	} SCRATCH_END;
	test_assert(mailbox_save_buffer(box, NULL, msg, strlen(msg),
		&uid) == 0 && uid == 2);
	mailbox_close(&box);
	test_user_deinit(&tu);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_save_and_read,
		test_flags_modseq,
		test_many_keywords,
		test_expunge_numbering,
		test_copy_move,
		test_two_views,
		test_foreign_changes,
		test_read_in_sequence,
		test_index_busy,
		NULL
	};
	int ret;

	log_init(LOG_MODE_STDERR, "test: ");
	arena = arena_create("test", 4096);
	ret = test_run(tests);
	arena_destroy(&arena);
	return ret;
}
