/*
 * test-storage-common.h - helpers shared by the storage unit tests: a user
 * with a Maildir in a fresh temporary directory, built from a dovecot.conf
 * snippet, and small message fixtures.
 */
#ifndef ROOST_TEST_STORAGE_COMMON_H
#define ROOST_TEST_STORAGE_COMMON_H

#include "storage.h"

struct config;

struct test_user {
	struct config *config;
	struct mail_user *user;
	/* the user's home (a new directory under test_tmpdir()) */
	const char *home;
	/* home + "/Maildir" */
	const char *maildir;
};

/*
 * Creates a user "testuser" with home <tmp>/<name> and the configuration
 * extra_conf appended to "mail_location = maildir:~/Maildir".  Panics on
 * failure (a broken test setup).
 */
void test_user_init(struct test_user *tu, const char *name,
	const char *extra_conf);
/* A second user object on the same home and configuration (another
   process's view of the same mailboxes). */
void test_user_clone(const struct test_user *tu, struct test_user *clone_r);
void test_user_deinit(struct test_user *tu);
/* Destroys and recreates the mail_user (the index connection too). */
void test_user_reopen(struct test_user *tu);

/* Builds a small RFC 5322 message. */
const char *test_message(const char *from, const char *to,
	const char *subject, const char *date, const char *body);
/* Saves a message into vname, returning its UID (asserts success). */
uint32_t test_save(struct mail_user *user, const char *vname,
	const char *msg, enum mail_flags flags, const char *const *keywords);
/* Opens vname read-write (asserts success). */
struct mailbox *test_open(struct mail_user *user, const char *vname);
/* Writes a file into <maildir dir>/new/ the way an MDA does (tmp +
   rename); returns its file name. */
const char *test_deliver_file(const char *maildir_dir, const char *msg);
/* Runs cmd (a shell command) and returns its exit status. */
int test_system(const char *fmt, ...) ATTR_FORMAT(1, 2);
/* Captures everything written to stderr between _begin and _end (log
   lines); the result is scratch memory. */
void test_stderr_capture_begin(void);
const char *test_stderr_capture_end(void);

#endif
