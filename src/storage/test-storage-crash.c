/*
 * test-storage-crash.c - crash safety: a child process saves, flags,
 * copies and expunges in a loop and is killed with SIGKILL at a random
 * moment; the parent then checks the invariants:
 *  - every acknowledged message (commit returned) exists with its exact
 *    content and acknowledged flags, unless its expunge was acknowledged;
 *  - no UID is given twice (dovecot-uidlist strictly increasing, every
 *    file listed once);
 *  - after a sync the index agrees with the Maildir (same messages, same
 *    flags as the file names say).
 * The loop is bounded in time (8 seconds plus the 2 second stale-lock
 * waits after kills that hit a dovecot-uidlist.lock holder).
 */
#include "lib.h"
#include "test-storage-common.h"
#include "storage-private.h"
#include "buf.h"
#include "file.h"
#include "hash.h"
#include "str.h"
#include "maildir-filename.h"
#include "maildir-uidlist.h"
#include "test-common.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#define CRASH_TIME_BUDGET_MSECS 8000
#define CRASH_MIN_ROUNDS 8
#define MAX_ACKS 100000

/* Acknowledgements are written after a commit returned; intents before
   a commit of an expunge (which may then have happened or not). */
enum ack_type {
	ACK_SAVE = 'S',
	ACK_EXPUNGE = 'E',
	ACK_FLAG = 'F',
	INTENT_EXPUNGE = 'x',
};

struct ack {
	char type;
	uint32_t uid;
	uint32_t hash;
};

static struct test_user tu;

static uint32_t fnv1a(const void *data, size_t size)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261U;

	for (size_t i = 0; i < size; i++) {
		h ^= p[i];
		h *= 16777619U;
	}
	return h;
}

static uint64_t now_msecs(void)
{
	struct timeval tv;

	(void)gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static void ack_write(int fd, char type, uint32_t uid, uint32_t hash)
{
	char line[64];
	int len = x_snprintf(line, sizeof(line), "%c %u %u\n", type, uid,
		hash);

	/* one write() per line: a line is either complete or absent */
	if (len < 0 || write(fd, line, (size_t)len) != len)
		_exit(2);
}

/* The child: random operations, acknowledging each committed one. */
static void ATTR_NORETURN child_run(int ack_fd, unsigned int seed)
{
	struct mail_user_params params;
	struct mail_user *user;
	const char *error;
	unsigned int n = 0;

	srandom(seed);
	memset(&params, 0, sizeof(params));
	params.username = "testuser";
	params.home = tu.home;
	params.service = "imap";
	if (mail_user_create(tu.config, &params, &user, &error) < 0)
		_exit(3);
	for (;;) {
		struct mailbox *box;
		struct mailbox_transaction *t;
		struct mail_transaction_result result;
		struct arena *arena = arena_create("child", 1024);
		long op = random() % 10;

		if (op < 5) {
			/* save */
			const char *msg;
			uint32_t uid;
			struct mail_save_params sp;

			msg = arena_printf(arena, "Subject: crash %u.%u\n\n"
				"body %ld %ld\n", seed, n++, random(),
				random());
			memset(&sp, 0, sizeof(sp));
			sp.flags = (random() % 2) != 0 ? MAIL_SEEN : 0;
			if (mailbox_open(user, "INBOX", MAILBOX_OPEN_SAVEONLY,
					&box) == 0) {
				if (mailbox_save_buffer(box, &sp, msg,
						strlen(msg), &uid) == 0)
					ack_write(ack_fd, ACK_SAVE, uid,
						fnv1a(msg, strlen(msg)));
				mailbox_close(&box);
			}
		} else if (mailbox_open(user, "INBOX", 0, &box) == 0) {
			uint32_t count = mailbox_get_count(box);

			if (count > 0) {
				uint32_t seq = (uint32_t)(random() % count) + 1;
				uint32_t uid = mailbox_get_uid(box, seq);

				t = mailbox_transaction_begin(box);
				if (op < 7) {
					struct mail_flag_update upd;

					memset(&upd, 0, sizeof(upd));
					upd.type = MAIL_MODIFY_ADD;
					upd.flags = MAIL_FLAGGED;
					(void)mail_update_flags(t, seq, &upd);
				} else if (op < 9) {
					ack_write(ack_fd, INTENT_EXPUNGE, uid,
						0);
					mail_expunge(t, seq);
				} else {
					/* copy into the same mailbox */
					struct mail *mail = mail_alloc(box);

					mail_set_seq(mail, seq);
					(void)mail_copy(t, mail, NULL);
					mail_free(&mail);
				}
				if (mailbox_transaction_commit(&t, arena,
						&result) == 0) {
					if (op < 7 &&
					    result.updates_count == 1 &&
					    result.updates[0].result !=
						    MAIL_UPDATE_EXPUNGED)
						ack_write(ack_fd, ACK_FLAG,
							uid, 0);
					else if (op >= 7 && op < 9 &&
						 result.expunged_count == 1)
						ack_write(ack_fd, ACK_EXPUNGE,
							uid, 0);
				}
			}
			mailbox_close(&box);
		}
		arena_destroy(&arena);
	}
}

static unsigned int read_acks(int fd, struct ack *acks, unsigned int max)
{
	struct buf data;
	unsigned int count = 0;
	char chunk[4096];
	ssize_t ret;

	buf_init(&data, NULL, 65536, 0);
	while ((ret = read(fd, chunk, sizeof(chunk))) > 0) {
		if (buf_append(&data, chunk, (size_t)ret) < 0)
			i_panic("buf");
	}
	SCRATCH_BEGIN {
		char **lines = str_split(scratch_arena(), buf_cstr(&data),
			"\n", false);

		/* the last element is after the final newline: ignore a
		   possibly partial line there */
		for (unsigned int i = 0; lines[i] != NULL &&
		     lines[i + 1] != NULL && count < max; i++) {
			char **f = str_split(scratch_arena(), lines[i], " ",
				true);

			if (str_array_length(f) != 3 ||
			    str_to_uint32(f[1], &acks[count].uid) < 0 ||
			    str_to_uint32(f[2], &acks[count].hash) < 0)
				i_panic("bad ack line: %s", lines[i]);
			acks[count++].type = f[0][0];
		}
	} SCRATCH_END;
	buf_free(&data);
	return count;
}

/* dovecot-uidlist: strictly increasing UIDs, each file once. */
static void check_uidlist(void)
{
	struct maildir_uidlist *ul = maildir_uidlist_create();
	struct hash_table *names = hash_create(false);
	const char *error;
	uint32_t prev = 0;
	int ret;

	SCRATCH_BEGIN {
		ret = maildir_uidlist_read(ul, t_printf("%s/dovecot-uidlist",
			tu.maildir), &error);
		test_assert(ret == MAILDIR_UIDLIST_READ_OK);
		for (unsigned int i = 0; i < maildir_uidlist_count(ul); i++) {
			const struct maildir_uidlist_rec *rec =
				maildir_uidlist_rec_at(ul, i);
			const char *base = maildir_filename_get_base(
				scratch_arena(), rec->filename);

			test_assert(rec->uid > prev);
			prev = rec->uid;
			test_assert(hash_get(names, base) == NULL);
			hash_set(names, base, (void *)1);
		}
		test_assert(maildir_uidlist_get_next_uid(ul) > prev);
	} SCRATCH_END;
	hash_destroy(&names);
	maildir_uidlist_destroy(&ul);
}

/* Flags by base file name, from cur/ and new/. */
static unsigned int scan_files(struct hash_table *flags_by_base,
	struct arena *arena)
{
	static const char *const subdirs[] = { "cur", "new" };
	unsigned int count = 0;

	for (unsigned int i = 0; i < N_ELEMENTS(subdirs); i++) {
		DIR *dir = opendir(arena_printf(arena, "%s/%s", tu.maildir,
			subdirs[i]));
		struct dirent *d;

		test_assert(dir != NULL);
		while (dir != NULL && (d = readdir(dir)) != NULL) {
			struct maildir_filename fn;
			const char *error;

			if (d->d_name[0] == '.')
				continue;
			test_assert(maildir_filename_parse(d->d_name, &fn,
				&error) == 0);
			hash_set(flags_by_base, arena_strndup(arena,
				fn.base.ptr, fn.base.len),
				(void *)(uintptr_t)(0x100 | (fn.flags &
					MAILDIR_FLAGS_IMAP_MASK)));
			count++;
		}
		if (dir != NULL)
			closedir(dir);
	}
	return count;
}

static void verify(const struct ack *acks, unsigned int count)
{
	struct mailbox *box;
	struct mail *mail;
	struct hash_table *files = hash_create(false);
	struct arena *arena = arena_create("verify", 4096);
	unsigned int i, nfiles;

	check_uidlist();
	test_user_reopen(&tu);
	box = test_open(tu.user, "INBOX");
	mail = mail_alloc(box);
	for (i = 0; i < count; i++) {
		bool expunged = false, flagged = false, maybe = false;
		uint32_t seq;

		if (acks[i].type != ACK_SAVE)
			continue;
		for (unsigned int j = i + 1; j < count; j++) {
			if (acks[j].uid != acks[i].uid)
				continue;
			if (acks[j].type == ACK_EXPUNGE)
				expunged = true;
			if (acks[j].type == INTENT_EXPUNGE)
				maybe = true;
			if (acks[j].type == ACK_FLAG)
				flagged = true;
		}
		seq = mailbox_lookup_uid(box, acks[i].uid);
		if (expunged) {
			test_assert(seq == 0);
			continue;
		}
		if (maybe && seq == 0) {
			/* an expunge was under way when the child died */
			continue;
		}
		test_assert(seq != 0);
		if (seq == 0) {
			printf("  lost acknowledged UID %u\n", acks[i].uid);
			continue;
		}
		{
			struct mail_data data;

			mail_set_seq(mail, seq);
			test_assert(mail_get_data(mail, &data) == 0);
			test_assert(fnv1a(data.mapped, data.physical_size) ==
				acks[i].hash);
		}
		if (flagged)
			test_assert((mailbox_get_flags(box, seq) &
				MAIL_FLAGGED) != 0);
	}
	/* the index agrees with the files */
	nfiles = scan_files(files, arena);
	test_assert(nfiles == mailbox_get_count(box));
	for (uint32_t seq = 1; seq <= mailbox_get_count(box); seq++) {
		const char *key, *guid;
		uintptr_t f;

		mail_set_seq(mail, seq);
		test_assert(mail_get_key(mail, &key) == 0);
		test_assert(mail_get_guid(mail, &guid) == 0);
		f = (uintptr_t)hash_get(files, maildir_filename_get_base(arena,
			strchr(key, '/') + 1));
		test_assert(f != 0);
		test_assert((f & 0xff) ==
			(mailbox_get_flags(box, seq) & MAIL_FLAGS_STORE_MASK));
	}
	mail_free(&mail);
	mailbox_close(&box);
	hash_destroy(&files);
	arena_destroy(&arena);
}

static void test_crash_loop(void)
{
	struct ack *acks = i_new(struct ack, MAX_ACKS);
	unsigned int total = 0, rounds = 0;
	uint64_t start = now_msecs();

	test_begin("SIGKILL during save/flag/copy/expunge loses nothing");
	test_user_init(&tu, "crash", "mail_fsync = optimized");
	SCRATCH_BEGIN {
		(void)test_save(tu.user, "INBOX", "Subject: seed\n\nx\n", 0,
			NULL);
	} SCRATCH_END;
	while (rounds < CRASH_MIN_ROUNDS ||
	       now_msecs() - start < CRASH_TIME_BUDGET_MSECS) {
		int fds[2], status;
		pid_t pid;

		/* no SQLite connection may cross fork() */
		mail_user_destroy(&tu.user);
		test_assert(pipe(fds) == 0);
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			child_run(fds[1], (unsigned int)(rounds * 7919 +
				getpid()));
		}
		close(fds[1]);
		usleep((useconds_t)(20000 + random() % 150000));
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		SCRATCH_BEGIN {
			/* Killed between creating dovecot-uidlist.lock and
			   writing its pid, the lock stays empty and others
			   wait for the 2 minute stale timeout, as with
			   Dovecot's O_EXCL dotlocks.  Don't spend that here:
			   the dead child was the only locker. */
			const char *lock = t_printf("%s/dovecot-uidlist.lock",
				tu.maildir);
			struct stat st;

			if (stat(lock, &st) == 0 && st.st_size == 0)
				(void)unlink(lock);
		} SCRATCH_END;
		total += read_acks(fds[0], acks + total, MAX_ACKS - total);
		close(fds[0]);
		test_stderr_capture_begin();
		verify(acks, total);
		(void)test_stderr_capture_end();
		rounds++;
		if (rounds > 200)
			break;
	}
	test_assert(total > 10);
	i_info("crash test: %u rounds, %u acknowledged operations", rounds,
		total);
	test_user_deinit(&tu);
	free(acks);
	test_end();
}

/* In a child: a new user (its own index connection, as another
   process), opens INBOX, then adds keyword to message seq and exits 0
   when the commit succeeded. */
static void ATTR_NORETURN keyword_child(uint32_t seq, const char *keyword)
{
	const char *const kw[] = { keyword, NULL };
	struct mail_flag_update upd = {
		.type = MAIL_MODIFY_ADD, .keywords = kw,
	};
	struct mailbox_transaction *t;
	struct mailbox *box;
	struct test_user other;
	int ret;

	test_user_clone(&tu, &other);
	box = test_open(other.user, "INBOX");
	t = mailbox_transaction_begin(box);
	ret = mail_update_flags(t, seq, &upd);
	if (ret == 0)
		ret = mailbox_transaction_commit(&t, NULL, NULL);
	else
		mailbox_transaction_rollback(&t);
	_exit(ret == 0 ? 0 : 1);
}

/* In a child: holds the index write lock of tu's user from telling
   locked_fd until release_fd reaches EOF. */
static void ATTR_NORETURN lock_holder(int locked_fd, int release_fd)
{
	sqlite3 *db;
	char c;

	if (sqlite3_open(t_printf("%s/roost-index.sqlite", tu.maildir),
			&db) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
			SQLITE_OK)
		_exit(1);
	if (write(locked_fd, "L", 1) != 1)
		_exit(1);
	while (read(release_fd, &c, 1) > 0) ;
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	_exit(0);
}

/* The keywords of message seq as one string (scratch memory). */
static void keywords_of(struct mailbox *box, uint32_t seq,
	const char **index_r)
{
	struct mail *mail = mail_alloc(box);
	const char *const *kw;
	unsigned int count;

	mail_set_seq(mail, seq);
	if (mail_get_keywords(mail, &kw, &count) < 0)
		*index_r = "<error>";
	else {
		const char *str = "";

		for (unsigned int i = 0; i < count; i++)
			str = t_printf("%s%s%s", str, i == 0 ? "" : " ",
				kw[i]);
		*index_r = str;
	}
	mail_free(&mail);
}

/*
 * Two processes add the mailbox's first keywords at the same time: both
 * read the (empty) keyword list before waiting for the index write lock.
 * The second to commit must define its keyword after the first one's,
 * not over it (else the first message's keyword bit would name the
 * second keyword, with the store's stamp saying nothing changed).
 */
static void test_keyword_race(void)
{
	const char *kw1, *kw2;
	struct mailbox *box;
	int locked[2], release[2], status;
	pid_t pids[3];
	char c;

	test_begin("concurrent commits defining keywords");
	test_user_init(&tu, "kwrace", NULL);
	SCRATCH_BEGIN {
		(void)test_save(tu.user, "INBOX", "Subject: a\n\na\n", 0,
			NULL);
		(void)test_save(tu.user, "INBOX", "Subject: b\n\nb\n", 0,
			NULL);
		box = test_open(tu.user, "INBOX");
		mailbox_close(&box);
	} SCRATCH_END;
	/* the stamp must not be fresh, or opening would scan (under the
	   lock, reading the list there) */
	usleep(1100 * 1000);
	SCRATCH_BEGIN {
		box = test_open(tu.user, "INBOX");
		mailbox_close(&box);
	} SCRATCH_END;
	mail_user_destroy(&tu.user);

	/* the lock is held by another process: an SQLite connection must
	   not cross fork() */
	test_assert(pipe(locked) == 0 && pipe(release) == 0);
	pids[2] = fork();
	if (pids[2] == 0) {
		close(release[1]);
		lock_holder(locked[1], release[0]);
	}
	test_assert(read(locked[0], &c, 1) == 1 && c == 'L');
	for (unsigned int i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			/* only the parent may keep the holder waiting */
			close(release[1]);
			keyword_child(i + 1, i == 0 ? "$Work" : "$Later");
		}
	}
	/* both have read the list and wait for the lock */
	usleep(500 * 1000);
	close(release[1]);
	for (unsigned int i = 0; i < 3; i++) {
		test_assert(waitpid(pids[i], &status, 0) == pids[i] &&
			WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(locked[0]);
	close(locked[1]);
	close(release[0]);

	test_user_reopen(&tu);
	SCRATCH_BEGIN {
		box = test_open(tu.user, "INBOX");
		keywords_of(box, 1, &kw1);
		keywords_of(box, 2, &kw2);
		test_assert_strcmp(kw1, "$Work");
		test_assert_strcmp(kw2, "$Later");
		mailbox_close(&box);
	} SCRATCH_END;
	test_user_deinit(&tu);
	test_end();
}

/* Drops the keyword letters from the names of the files in dir (what a
   STORE killed after its renames leaves behind).  Returns how many. */
static unsigned int drop_keyword_letters(const char *dir)
{
	unsigned int count = 0;
	struct dirent *d;
	DIR *dh = opendir(dir);

	test_assert(dh != NULL);
	while (dh != NULL && (d = readdir(dh)) != NULL) {
		const char *info = strstr(d->d_name, ":2,");
		char name[512];
		size_t len;

		if (info == NULL || !str_ends(d->d_name, "ab"))
			continue;
		len = strlen(d->d_name) - 2;
		test_assert(len < sizeof(name));
		memcpy(name, d->d_name, len);
		name[len] = '\0';
		test_assert(rename(t_printf("%s/%s", dir, d->d_name),
			t_printf("%s/%s", dir, name)) == 0);
		count++;
	}
	if (dh != NULL)
		closedir(dh);
	return count;
}

/*
 * A scan takes every message's keywords from its file name: keywords the
 * index has but the name lost (a STORE killed between its renames and its
 * index commit) go, for every message of a large scan (the scan's memo of
 * which keywords the store can hold once lived in the per-message scratch
 * memory, and later messages kept keywords by garbage).
 */
static void test_scan_keywords(void)
{
	const char *const kw[] = { "$Work", "$Later", NULL };
	struct mailbox *box;
	unsigned int i, count;

	test_begin("a scan takes keywords from the file names");
	test_user_init(&tu, "scankw", NULL);
	for (i = 0; i < 60; i++) {
		SCRATCH_BEGIN {
			(void)test_save(tu.user, "INBOX", t_printf(
				"Subject: %u\n\nbody %u\n", i, i), MAIL_SEEN,
				kw);
		} SCRATCH_END;
	}
	mail_user_destroy(&tu.user);
	SCRATCH_BEGIN {
		test_assert(drop_keyword_letters(t_printf("%s/cur",
			tu.maildir)) == 60);
	} SCRATCH_END;
	test_user_reopen(&tu);
	SCRATCH_BEGIN {
		box = test_open(tu.user, "INBOX");
		count = mailbox_get_count(box);
		test_assert(count == 60);
		for (i = 1; i <= count; i++) {
			const char *names;

			keywords_of(box, i, &names);
			if (names[0] != '\0') {
				test_assert_strcmp(names, "");
				break;
			}
		}
		mailbox_close(&box);
	} SCRATCH_END;
	test_user_deinit(&tu);
	test_end();
}

/* The highest modseq a client can have seen of the mailbox (after a
   sync): HIGHESTMODSEQ, checking that no message's MODSEQ is above it. */
static uint64_t highest_modseq_seen(struct mailbox *box)
{
	struct mailbox_status status;
	struct mailbox_changes changes;
	struct mail *mail;
	uint64_t modseq, highest;

	/* the view's status follows its syncs, as IMAP's does */
	test_assert(mailbox_sync(box, 0, scratch_arena(), &changes) == 0);
	mail = mail_alloc(box);
	test_assert(mailbox_get_status(box, STATUS_HIGHESTMODSEQ,
		&status) == 0);
	highest = status.highest_modseq;
	for (uint32_t seq = 1; seq <= mailbox_get_count(box); seq++) {
		mail_set_seq(mail, seq);
		test_assert(mail_get_modseq(mail, &modseq) == 0 &&
			modseq <= highest);
	}
	mail_free(&mail);
	return highest;
}

/*
 * The index lost (deleted while no process runs): modseqs can't be
 * rebuilt from the Maildir, so the rebuilt index must start above every
 * modseq a client could have seen, or a QRESYNC/CONDSTORE client with
 * that state would be told nothing changed.  After many changes (so that
 * the old modseqs are far above the old base), every message's MODSEQ
 * and HIGHESTMODSEQ must be above the old HIGHESTMODSEQ, and a
 * CHANGEDSINCE of it must list every message.
 */
static void test_modseq_after_index_loss(void)
{
	const char *const kw[] = { "$Work", NULL };
	struct mail_flag_update upd = {
		.type = MAIL_MODIFY_ADD, .keywords = kw,
	};
	struct mailbox_transaction *t;
	struct mailbox *box;
	uint32_t *uids;
	uint64_t old_highest, modseq;
	unsigned int i, count;
	struct mail *mail;

	test_begin("modseqs after the index is lost stay above the old ones");
	test_user_init(&tu, "modseq", NULL);
	SCRATCH_BEGIN {
		for (i = 0; i < 5; i++) {
			(void)test_save(tu.user, "INBOX", t_printf(
				"Subject: %u\n\nbody\n", i), 0, NULL);
		}
		box = test_open(tu.user, "INBOX");
		for (i = 0; i < 200; i++) {
			upd.type = i % 2 == 0 ? MAIL_MODIFY_ADD :
				MAIL_MODIFY_REMOVE;
			upd.flags = MAIL_FLAGGED;
			t = mailbox_transaction_begin(box);
			test_assert(mail_update_flags(t, 1 + i % 5, &upd) == 0);
			test_assert(mailbox_transaction_commit(&t, NULL,
				NULL) == 0);
		}
		old_highest = highest_modseq_seen(box);
		mailbox_close(&box);
	} SCRATCH_END;
	mail_user_destroy(&tu.user);
	test_assert(unlink(t_printf("%s/roost-index.sqlite",
		tu.maildir)) == 0);
	(void)unlink(t_printf("%s/roost-index.sqlite-wal", tu.maildir));
	(void)unlink(t_printf("%s/roost-index.sqlite-shm", tu.maildir));
	test_user_reopen(&tu);
	test_stderr_capture_begin();
	SCRATCH_BEGIN {
		box = test_open(tu.user, "INBOX");
		test_assert(mailbox_get_count(box) == 5);
		test_assert(highest_modseq_seen(box) > old_highest);
		mail = mail_alloc(box);
		for (uint32_t seq = 1; seq <= 5; seq++) {
			mail_set_seq(mail, seq);
			test_assert(mail_get_modseq(mail, &modseq) == 0 &&
				modseq > old_highest);
		}
		mail_free(&mail);
		test_assert(mailbox_get_changed_uids(box, old_highest,
			scratch_arena(), &uids, &count) == 0 && count == 5);
		mailbox_close(&box);
	} SCRATCH_END;
	(void)test_stderr_capture_end();
	test_user_deinit(&tu);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_keyword_race,
		test_scan_keywords,
		test_modseq_after_index_loss,
		test_crash_loop,
		NULL
	};

	log_init(LOG_MODE_STDERR, "test: ");
	srandom((unsigned int)time(NULL));
	return test_run(tests);
}
