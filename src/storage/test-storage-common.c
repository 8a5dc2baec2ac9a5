/*
 * test-storage-common.c - helpers for the storage unit tests (see
 * test-storage-common.h).
 */
#include "lib.h"
#include "test-storage-common.h"
#include "buf.h"
#include "config.h"
#include "file.h"
#include "test-common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static unsigned int delivery_counter;

static void test_user_create(struct test_user *tu)
{
	struct mail_user_params params;
	const char *error;

	memset(&params, 0, sizeof(params));
	params.username = "testuser";
	params.home = tu->home;
	params.service = "imap";
	if (mail_user_create(tu->config, &params, &tu->user, &error) < 0)
		i_panic("mail_user_create() failed: %s", error);
}

void test_user_init(struct test_user *tu, const char *name,
	const char *extra_conf)
{
	const char *error, *text;

	memset(tu, 0, sizeof(*tu));
	tu->home = i_strdup_printf("%s/%s", test_tmpdir(), name);
	tu->maildir = i_strdup_printf("%s/Maildir", tu->home);
	if (mkdir_parents(tu->home, 0700) < 0)
		i_panic("mkdir(%s) failed: %m", tu->home);
	SCRATCH_BEGIN {
		text = t_printf("mail_location = maildir:~/Maildir\n%s\n",
			extra_conf == NULL ? "" : extra_conf);
		if (config_load_string(text, "test.conf", &tu->config,
				&error) < 0)
			i_panic("config: %s", error);
	} SCRATCH_END;
	test_user_create(tu);
}

void test_user_clone(const struct test_user *tu, struct test_user *clone_r)
{
	memset(clone_r, 0, sizeof(*clone_r));
	clone_r->home = i_strdup(tu->home);
	clone_r->maildir = i_strdup(tu->maildir);
	clone_r->config = NULL;
	{
		struct mail_user_params params;
		const char *error;

		memset(&params, 0, sizeof(params));
		params.username = "testuser";
		params.home = tu->home;
		params.service = "imap";
		if (mail_user_create(tu->config, &params, &clone_r->user,
				&error) < 0)
			i_panic("mail_user_create() failed: %s", error);
	}
}

void test_user_deinit(struct test_user *tu)
{
	mail_user_destroy(&tu->user);
	config_free(&tu->config);
	free((char *)tu->home);
	free((char *)tu->maildir);
	memset(tu, 0, sizeof(*tu));
}

void test_user_reopen(struct test_user *tu)
{
	mail_user_destroy(&tu->user);
	test_user_create(tu);
}

const char *test_message(const char *from, const char *to,
	const char *subject, const char *date, const char *body)
{
	return t_printf("From: %s\nTo: %s\nSubject: %s\nDate: %s\n"
		"Message-ID: <%u.%s@test>\n\n%s\n", from, to, subject, date,
		++delivery_counter, subject[0] == '\0' ? "x" : "m", body);
}

uint32_t test_save(struct mail_user *user, const char *vname,
	const char *msg, enum mail_flags flags, const char *const *keywords)
{
	struct mail_save_params params;
	struct mailbox *box;
	uint32_t uid = 0;

	memset(&params, 0, sizeof(params));
	params.flags = flags;
	params.keywords = keywords;
	if (mailbox_open(user, vname, MAILBOX_OPEN_SAVEONLY, &box) < 0)
		i_panic("mailbox_open(%s) failed: %s", vname,
			mail_user_get_last_error(user, NULL));
	if (mailbox_save_buffer(box, &params, msg, strlen(msg), &uid) < 0)
		i_panic("save failed: %s",
			mail_user_get_last_error(user, NULL));
	mailbox_close(&box);
	return uid;
}

struct mailbox *test_open(struct mail_user *user, const char *vname)
{
	struct mailbox *box;

	if (mailbox_open(user, vname, 0, &box) < 0)
		i_panic("mailbox_open(%s) failed: %s", vname,
			mail_user_get_last_error(user, NULL));
	return box;
}

const char *test_deliver_file(const char *maildir_dir, const char *msg)
{
	const char *name, *tmp, *dest;
	int fd;

	name = t_printf("%ld.M%uP%d.otherhost", (long)time(NULL),
		++delivery_counter, (int)getpid());
	tmp = t_printf("%s/tmp/%s", maildir_dir, name);
	dest = t_printf("%s/new/%s", maildir_dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write_full(fd, msg, strlen(msg)) < 0 || close(fd) < 0)
		i_panic("writing %s failed: %m", tmp);
	if (rename(tmp, dest) < 0)
		i_panic("rename(%s) failed: %m", tmp);
	return name;
}

int test_system(const char *fmt, ...)
{
	va_list args;
	int status;

	va_start(args, fmt);
	SCRATCH_BEGIN {
		status = system(arena_vprintf(scratch_arena(), fmt, args));
	} SCRATCH_END;
	va_end(args);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int saved_stderr = -1;
static char capture_path[PATH_MAX];

void test_stderr_capture_begin(void)
{
	int fd;

	(void)x_snprintf(capture_path, sizeof(capture_path),
		"%s/stderr-capture", test_tmpdir());
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	fd = open(capture_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (saved_stderr < 0 || fd < 0 || dup2(fd, STDERR_FILENO) < 0)
		i_panic("stderr capture failed: %m");
	close(fd);
}

const char *test_stderr_capture_end(void)
{
	struct buf out;
	const char *error;

	fflush(stderr);
	if (dup2(saved_stderr, STDERR_FILENO) < 0)
		i_panic("dup2() failed: %m");
	close(saved_stderr);
	saved_stderr = -1;
	buf_init(&out, scratch_arena(), 1024, 1024 * 1024);
	if (file_read_all(capture_path, 1024 * 1024, &out, &error) < 0)
		return "";
	return buf_cstr(&out);
}
