/*
 * test-storage-index.c - the index is a cache: deleting, truncating,
 * corrupting or replacing the SQLite database loses nothing.  Each case
 * checks that the next access rebuilds it from the Maildir with the same
 * UIDs, UIDVALIDITY, flags and storable keywords, logs a warning, and
 * that HIGHESTMODSEQ moves forward (docs/index.md, modseq policy).
 */
#include "lib.h"
#include "test-storage-common.h"
#include "storage.h"
#include "storage-private.h"
#include "str.h"
#include "test-common.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>

struct snapshot {
	uint32_t uidvalidity;
	uint32_t count;
	uint32_t uids[8];
	uint8_t flags[8];
	uint64_t highest_modseq;
	char keywords[8][64];
};

static void take_snapshot(struct mail_user *user, struct snapshot *snap_r)
{
	struct mailbox *box = test_open(user, "INBOX");
	struct mailbox_status status;
	struct mail *mail;

	memset(snap_r, 0, sizeof(*snap_r));
	test_assert(mailbox_get_status(box, STATUS_HIGHESTMODSEQ,
		&status) == 0);
	snap_r->uidvalidity = status.uidvalidity;
	snap_r->highest_modseq = status.highest_modseq;
	snap_r->count = mailbox_get_count(box);
	mail = mail_alloc(box);
	for (uint32_t seq = 1; seq <= snap_r->count && seq <= 8; seq++) {
		const char *const *kw;
		unsigned int kw_count;

		snap_r->uids[seq - 1] = mailbox_get_uid(box, seq);
		snap_r->flags[seq - 1] = mailbox_get_flags(box, seq) &
			MAIL_FLAGS_STORE_MASK;
		mail_set_seq(mail, seq);
		test_assert(mail_get_keywords(mail, &kw, &kw_count) == 0);
		if (kw_count > 0)
			(void)i_strlcpy(snap_r->keywords[seq - 1], kw[0], 64);
	}
	mail_free(&mail);
	mailbox_close(&box);
}

static void populate(struct test_user *tu)
{
	const char *const kw[] = { "$Label1", NULL };

	SCRATCH_BEGIN {
		(void)test_save(tu->user, "INBOX", test_message("a@x", "b@x",
			"one", "Mon, 1 Jan 2024 10:00:00 +0000", "1"),
			MAIL_SEEN, kw);
		(void)test_save(tu->user, "INBOX", test_message("a@x", "b@x",
			"two", "Mon, 1 Jan 2024 11:00:00 +0000", "2"),
			MAIL_FLAGGED | MAIL_DRAFT, NULL);
		(void)test_save(tu->user, "INBOX", test_message("a@x", "b@x",
			"three", "Mon, 1 Jan 2024 12:00:00 +0000", "3"),
			0, NULL);
	} SCRATCH_END;
	/* an expunge leaves a UID gap the rebuild must keep */
	{
		struct mailbox *box = test_open(tu->user, "INBOX");
		struct mailbox_transaction *t = mailbox_transaction_begin(box);

		mail_expunge(t, 2);
		test_assert(mailbox_transaction_commit(&t, NULL, NULL) == 0);
		mailbox_close(&box);
	}
}

static void check_same(const struct snapshot *a, const struct snapshot *b)
{
	test_assert(a->uidvalidity == b->uidvalidity);
	test_assert(a->count == b->count);
	for (uint32_t i = 0; i < a->count && i < 8; i++) {
		test_assert(a->uids[i] == b->uids[i]);
		test_assert(a->flags[i] == b->flags[i]);
		test_assert(strcmp(a->keywords[i], b->keywords[i]) == 0);
	}
	test_assert(b->highest_modseq > a->highest_modseq);
}

static const char *index_path(const struct test_user *tu)
{
	return t_printf("%s/roost-index.sqlite", tu->maildir);
}

/* Runs damage on the closed index, then reopens and compares; the
   captured log must contain expect. */
static void run_damage(const char *name, void (*damage)(struct test_user *),
	const char *expect)
{
	struct test_user tu;
	struct snapshot before, after;
	const char *log;

	test_begin(t_printf("index %s -> rebuilt", name));
	test_user_init(&tu, t_printf("idx-%s", name), NULL);
	populate(&tu);
	take_snapshot(tu.user, &before);
	test_assert(before.count == 2 && before.uids[1] == 3);
	mail_user_destroy(&tu.user);
	SCRATCH_BEGIN {
		damage(&tu);
	} SCRATCH_END;
	test_user_reopen(&tu);
	test_stderr_capture_begin();
	take_snapshot(tu.user, &after);
	log = test_stderr_capture_end();
	check_same(&before, &after);
	test_assert(strstr(log, "Warning:") != NULL);
	test_assert(strstr(log, expect) != NULL);
	/* the rebuilt index works for writes too */
	SCRATCH_BEGIN {
		test_assert(test_save(tu.user, "INBOX", "Subject: after\n\nx\n",
			0, NULL) == 4);
	} SCRATCH_END;
	test_user_deinit(&tu);
	test_end();
}

static void damage_delete(struct test_user *tu)
{
	test_assert(unlink(index_path(tu)) == 0);
}

static void damage_truncate(struct test_user *tu)
{
	struct stat st;

	test_assert(stat(index_path(tu), &st) == 0);
	test_assert(truncate(index_path(tu), st.st_size / 2 + 100) == 0);
}

static void damage_garbage_header(struct test_user *tu)
{
	int fd = open(index_path(tu), O_WRONLY);

	test_assert(fd >= 0);
	test_assert(pwrite(fd, "this is no database at all", 26, 0) == 26);
	close(fd);
}

/* Overwrites every page after the schema with garbage: the header and
   the schema still read fine, the tables don't. */
static void damage_pages(struct test_user *tu)
{
	char garbage[4096];
	struct stat st;
	int fd = open(index_path(tu), O_WRONLY);

	test_assert(fd >= 0 && fstat(fd, &st) == 0);
	memset(garbage, 0xa5, sizeof(garbage));
	for (off_t pos = 4096 * 2; pos < st.st_size; pos += 4096)
		test_assert(pwrite(fd, garbage, sizeof(garbage), pos) ==
			(ssize_t)sizeof(garbage));
	close(fd);
}

static void damage_schema_version(struct test_user *tu)
{
	sqlite3 *db;

	test_assert(sqlite3_open(index_path(tu), &db) == SQLITE_OK);
	test_assert(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL,
		NULL) == SQLITE_OK);
	sqlite3_close(db);
}

static void damage_empty(struct test_user *tu)
{
	test_assert(truncate(index_path(tu), 0) == 0);
}

static void test_index_damage(void)
{
	run_damage("deleted", damage_delete, "is missing");
	run_damage("truncated", damage_truncate, "truncated");
	run_damage("garbage-header", damage_garbage_header,
		"not an SQLite database");
	run_damage("garbage-pages", damage_pages, "corrupted");
	run_damage("schema-version", damage_schema_version, "schema version");
	run_damage("empty", damage_empty, "empty file");
}

static void test_index_replaced_under_session(void)
{
	struct test_user tu, tu2;
	struct mailbox *box;
	struct mailbox_changes changes;
	struct arena *arena = arena_create("t", 1024);

	test_begin("index deleted while a session is open");
	test_user_init(&tu, "idx-live", NULL);
	populate(&tu);
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_get_count(box) == 2);
	SCRATCH_BEGIN {
		test_assert(test_system("rm -f %s*", index_path(&tu)) == 0);
	} SCRATCH_END;
	/* another process creates the new index and adds a message */
	test_user_clone(&tu, &tu2);
	test_stderr_capture_begin();
	SCRATCH_BEGIN {
		(void)test_save(tu2.user, "INBOX", "Subject: new\n\nx\n", 0,
			NULL);
	} SCRATCH_END;
	/* the old session notices the new database and catches up */
	test_assert(mailbox_sync(box, 0, arena, &changes) == 0);
	(void)test_stderr_capture_end();
	test_assert(changes.count == 3 && changes.expunges_count == 0);
	test_assert(mailbox_get_uid(box, 3) == 4);
	mailbox_close(&box);
	test_user_deinit(&tu2);
	test_user_deinit(&tu);
	arena_destroy(&arena);
	test_end();
}

static void test_uidlist_is_authority(void)
{
	struct test_user tu;
	struct snapshot before, after;

	test_begin("UIDs come from dovecot-uidlist, not the index");
	test_user_init(&tu, "idx-uidlist", NULL);
	populate(&tu);
	take_snapshot(tu.user, &before);
	mail_user_destroy(&tu.user);
	/* a new file dropped in while no index exists gets the next UID */
	SCRATCH_BEGIN {
		test_assert(unlink(index_path(&tu)) == 0);
		(void)test_deliver_file(tu.maildir, "Subject: dropped\n\nx\n");
	} SCRATCH_END;
	test_user_reopen(&tu);
	test_stderr_capture_begin();
	take_snapshot(tu.user, &after);
	(void)test_stderr_capture_end();
	test_assert(after.count == 3 && after.uids[2] == 4);
	test_assert(after.uidvalidity == before.uidvalidity);
	test_user_deinit(&tu);
	test_end();
}

/* Two sessions of one user in one process share the index connection;
   the first one ending leaves the other working. */
static void test_index_shared_by_sessions(void)
{
	struct test_user tu, tu2;
	struct mailbox *box, *box2;
	struct mailbox_changes changes;
	struct mail_data data;
	struct mail *mail;
	struct arena *arena = arena_create("t", 1024);

	test_begin("sessions of one user share the index connection");
	test_user_init(&tu, "idx-shared", NULL);
	populate(&tu);
	test_user_clone(&tu, &tu2);
	box = test_open(tu.user, "INBOX");
	box2 = test_open(tu2.user, "INBOX");
	test_assert(tu.user->index != NULL &&
		tu.user->index == tu2.user->index);
	SCRATCH_BEGIN {
		(void)test_save(tu2.user, "INBOX", "Subject: third\n\nx\n",
			0, NULL);
	} SCRATCH_END;
	test_assert(mailbox_sync(box, 0, arena, &changes) == 0 &&
		mailbox_get_count(box) == 3);
	mailbox_close(&box);
	mail_user_destroy(&tu.user);
	/* the other session still reads and writes */
	SCRATCH_BEGIN {
		(void)test_save(tu2.user, "INBOX", "Subject: fourth\n\ny\n",
			0, NULL);
	} SCRATCH_END;
	test_assert(mailbox_sync(box2, 0, arena, &changes) == 0 &&
		mailbox_get_count(box2) == 4);
	mail = mail_alloc(box2);
	mail_set_seq(mail, 4);
	test_assert(mail_get_data(mail, &data) == 0 &&
		data.physical_size == strlen("Subject: fourth\n\ny\n") &&
		memcmp(data.mapped, "Subject: fourth", 15) == 0);
	mail_free(&mail);
	mailbox_close(&box2);
	/* a new session after both ended opens it again */
	test_user_reopen(&tu);
	box = test_open(tu.user, "INBOX");
	test_assert(mailbox_get_count(box) == 4);
	mailbox_close(&box);
	test_user_deinit(&tu2);
	test_user_deinit(&tu);
	arena_destroy(&arena);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_index_damage,
		test_index_replaced_under_session,
		test_index_shared_by_sessions,
		test_uidlist_is_authority,
		NULL
	};

	log_init(LOG_MODE_STDERR, "test: ");
	return test_run(tests);
}
