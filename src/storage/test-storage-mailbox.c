/*
 * test-storage-mailbox.c - unit tests of the mailbox level of storage.h:
 * users and namespaces from configuration, LIST with patterns and
 * attributes, CREATE/DELETE/RENAME (INBOX rules included), subscriptions,
 * special-use and auto mailboxes, STATUS.
 */
#include "lib.h"
#include "test-storage-common.h"
#include "storage.h"
#include "buf.h"
#include "config.h"
#include "str.h"
#include "test-common.h"

#include <sys/stat.h>

/* "name:flags" lines of a LIST, flags as letters: s=noselect
   n=nonexistent c=children h=nochildren S=subscribed; special-use as
   \Name.  Scratch memory. */
static const char *list_str(struct mail_user *user, const char *pattern,
	enum mailbox_list_flags flags)
{
	const char *patterns[] = { pattern, NULL };
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	struct buf out;

	buf_init(&out, scratch_arena(), 256, 0);
	iter = mailbox_list_iter_init(user, patterns, flags);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		if (buf_printf(&out, "%s%s:%s%s%s%s%s", out.used > 0 ? " " : "",
				info->vname,
				(info->flags & MAILBOX_NOSELECT) ? "s" : "",
				(info->flags & MAILBOX_NONEXISTENT) ? "n" : "",
				(info->flags & MAILBOX_CHILDREN) ? "c" : "",
				(info->flags & MAILBOX_NOCHILDREN) ? "h" : "",
				(info->flags & MAILBOX_SUBSCRIBED) ? "S" :
					"") < 0)
			i_panic("buf");
		for (unsigned int bit = 0x1000; bit <= 0x80000; bit <<= 1) {
			const char *name = mailbox_special_use_name(bit);

			if ((info->flags & bit) != 0 &&
			    buf_append_str(&out, name) < 0)
				i_panic("buf");
		}
	}
	test_assert(mailbox_list_iter_deinit(&iter) == 0);
	return buf_cstr(&out);
}

/* A one-line message (scratch memory). */
static const char *plain_message(void)
{
	return test_message("a@b", "c@d", "one",
		"Mon, 1 Jan 2024 10:00:00 +0000", "body");
}

static void test_default_namespace(void)
{
	struct test_user tu;
	struct mail_namespace *const *ns;
	unsigned int count;
	struct stat st;

	test_begin("default namespace, INBOX created on access");
	test_user_init(&tu, "defns", NULL);
	ns = mail_user_get_namespaces(tu.user, &count);
	test_assert(count == 1);
	test_assert_strcmp(ns[0]->prefix, "");
	test_assert(ns[0]->sep == '.');
	test_assert(ns[0]->inbox);
	/* nothing on disk until first access */
	test_assert(stat(tu.maildir, &st) < 0);
	SCRATCH_BEGIN {
		test_assert_strcmp(list_str(tu.user, "*", 0), "INBOX:h");
	} SCRATCH_END;
	{
		struct mailbox_status status;

		test_assert(mailbox_get_status_by_name(tu.user, "inbox",
			STATUS_MESSAGES | STATUS_UIDNEXT | STATUS_UIDVALIDITY,
			&status) == 0);
		test_assert(status.messages == 0 && status.uidnext == 1);
		test_assert(status.uidvalidity != 0);
	}
	SCRATCH_BEGIN {
		test_assert(stat(t_printf("%s/cur", tu.maildir), &st) == 0);
		test_assert(stat(t_printf("%s/roost-index.sqlite", tu.maildir),
			&st) == 0);
	} SCRATCH_END;
	test_user_deinit(&tu);
	test_end();
}

static void test_create_delete_rename(void)
{
	struct test_user tu;
	enum mail_error error;
	enum mailbox_existence exists;

	test_begin("create, delete, rename");
	test_user_init(&tu, "crud", NULL);
	test_assert(mailbox_create(tu.user, "Sent", false) == 0);
	test_assert(mailbox_create(tu.user, "Sent", false) < 0);
	(void)mail_user_get_last_error(tu.user, &error);
	test_assert(error == MAIL_ERROR_EXISTS);
	test_assert(mailbox_create(tu.user, "INBOX", false) < 0);
	test_assert(mailbox_create(tu.user, "a.b.c", false) == 0);
	test_assert(mailbox_create(tu.user, ".bad", false) < 0);
	(void)mail_user_get_last_error(tu.user, &error);
	test_assert(error == MAIL_ERROR_PARAMS);
	test_assert(mailbox_create(tu.user, "bad..x", false) < 0);
	test_assert(mailbox_create(tu.user, "x/y", false) < 0);
	test_assert(mailbox_create(tu.user, "Ünïcödé", false) == 0);
	SCRATCH_BEGIN {
		test_assert_strcmp(list_str(tu.user, "*", 0),
			"INBOX:h Sent:h a:snc a.b:snc a.b.c:h Ünïcödé:h");
		test_assert_strcmp(list_str(tu.user, "%", 0),
			"INBOX:h Sent:h a:snc Ünïcödé:h");
		test_assert_strcmp(list_str(tu.user, "a.%", 0), "a.b:snc");
		test_assert_strcmp(list_str(tu.user, "inbox", 0), "INBOX:h");
		/* the name is stored in modified UTF-7 on disk */
		test_assert(test_system("test -d '%s/.&ANw-n&AO8-c&APY-d&AOk-'",
			tu.maildir) == 0);
	} SCRATCH_END;

	/* RFC 3501: DELETE keeps children; a \Noselect parent with
	   children can't be deleted */
	test_assert(mailbox_create(tu.user, "a", false) == 0);
	test_assert(mailbox_delete(tu.user, "a") == 0);
	test_assert(mailbox_exists(tu.user, "a.b.c", &exists) == 0 &&
		exists == MAILBOX_EXISTENCE_SELECT);
	test_assert(mailbox_delete(tu.user, "INBOX") < 0);
	(void)mail_user_get_last_error(tu.user, &error);
	test_assert(error == MAIL_ERROR_NOTPOSSIBLE);
	test_assert(mailbox_delete(tu.user, "nonexistent") < 0);
	(void)mail_user_get_last_error(tu.user, &error);
	test_assert(error == MAIL_ERROR_NOTFOUND);

	/* rename moves the children along */
	test_assert(mailbox_create(tu.user, "a.b", false) == 0);
	test_assert(mailbox_rename(tu.user, "a.b", "z") == 0);
	SCRATCH_BEGIN {
		test_assert_strcmp(list_str(tu.user, "*", 0),
			"INBOX:h Sent:h z:c z.c:h Ünïcödé:h");
	} SCRATCH_END;
	test_assert(mailbox_rename(tu.user, "Sent", "z.c") < 0);
	(void)mail_user_get_last_error(tu.user, &error);
	test_assert(error == MAIL_ERROR_EXISTS);
	test_assert(mailbox_rename(tu.user, "nope", "new") < 0);
	test_user_deinit(&tu);
	test_end();
}

static enum mail_error last_error(struct mail_user *user)
{
	enum mail_error error;

	(void)mail_user_get_last_error(user, &error);
	return error;
}

/* Maildir++: a level that exists only through its children (a for a.b)
   is renamed with them, as in Dovecot; its new name may exist. */
static void test_rename_level(void)
{
	struct test_user tu;
	struct mailbox_status status;

	test_begin("RENAME of a level that has only children");
	test_user_init(&tu, "renlevel", NULL);
	SCRATCH_BEGIN {
		test_assert(mailbox_create(tu.user, "a.b.c", false) == 0);
		(void)test_save(tu.user, "a.b.c", plain_message(), 0, NULL);
		test_assert(mailbox_rename(tu.user, "a.b", "z") == 0);
		test_assert_strcmp(list_str(tu.user, "*", 0),
			"INBOX:h z:snc z.c:h");
		/* the index row moved along: cached state survives */
		test_assert(mailbox_get_status_by_name(tu.user, "z.c",
			STATUS_MESSAGES, &status) == 0 && status.messages == 1);
		test_assert(mailbox_rename(tu.user, "z", "a") == 0);
		test_assert_strcmp(list_str(tu.user, "*", 0),
			"INBOX:h a:snc a.c:h");

		/* the target may exist when the source is only a level */
		test_assert(mailbox_create(tu.user, "y", false) == 0);
		test_assert(mailbox_rename(tu.user, "a", "y") == 0);
		test_assert_strcmp(list_str(tu.user, "*", 0),
			"INBOX:h y:c y.c:h");
		/* but no child may land on an existing name: nothing moves */
		test_assert(mailbox_create(tu.user, "k.c", false) == 0);
		test_assert(mailbox_create(tu.user, "k.d", false) == 0);
		test_assert(mailbox_rename(tu.user, "k", "y") < 0 &&
			last_error(tu.user) == MAIL_ERROR_EXISTS);
		test_assert_strcmp(list_str(tu.user, "k*", 0),
			"k:snc k.c:h k.d:h");
		/* the source is checked before the target */
		test_assert(mailbox_rename(tu.user, "nosuch", "y") < 0 &&
			last_error(tu.user) == MAIL_ERROR_NOTFOUND);
		test_assert(mailbox_rename(tu.user, "y", "y") < 0 &&
			last_error(tu.user) == MAIL_ERROR_EXISTS);
		test_assert(mailbox_rename(tu.user, "nosuch", "nosuch") < 0 &&
			last_error(tu.user) == MAIL_ERROR_EXISTS);
		test_assert(mailbox_rename(tu.user, "k", "k.c.x") < 0 &&
			last_error(tu.user) == MAIL_ERROR_NOTPOSSIBLE);
	} SCRATCH_END;
	test_user_deinit(&tu);
	test_end();
}

/* Dovecot's name checks and texts, for every operation on a name. */
static void test_name_problems(void)
{
	static const struct {
		const char *name, *text;
	} cases[] = {
		{ "", "Invalid mailbox name: Name is empty" },
		{ ".a", "Invalid mailbox name: Begins with hierarchy "
			"separator" },
		{ "a..b", "Invalid mailbox name: Has adjacent hierarchy "
			"separators" },
		{ "a.", "Invalid mailbox name: Ends with hierarchy "
			"separator" },
		{ "~a", "Invalid mailbox name: Begins with '~'" },
	};
	struct test_user tu;
	struct mailbox_status status;
	struct mailbox *box;
	enum mail_error error;
	const char *text;

	test_begin("mailbox name problems (Dovecot's texts)");
	test_user_init(&tu, "names", NULL);
	test_assert(mailbox_create(tu.user, "keep", false) == 0);
	for (unsigned int i = 0; i < N_ELEMENTS(cases); i++) {
		const char *name = cases[i].name;

		SCRATCH_BEGIN {
			test_assert(mailbox_rename(tu.user, name, "x") < 0);
			text = mail_user_get_last_error(tu.user, &error);
			test_assert(error == MAIL_ERROR_PARAMS);
			test_assert_strcmp(text, cases[i].text);
			test_assert(mailbox_rename(tu.user, "keep", name) < 0);
			test_assert_strcmp(mail_user_get_last_error(tu.user,
				NULL), cases[i].text);
			test_assert(mailbox_get_status_by_name(tu.user, name,
				STATUS_MESSAGES, &status) < 0);
			test_assert_strcmp(mail_user_get_last_error(tu.user,
				NULL), cases[i].text);
			test_assert(mailbox_open(tu.user, name, 0, &box) < 0);
			test_assert_strcmp(mail_user_get_last_error(tu.user,
				NULL), cases[i].text);
			test_assert(mailbox_set_subscribed(tu.user, name,
				false) < 0);
			test_assert_strcmp(mail_user_get_last_error(tu.user,
				NULL), cases[i].text);
			if (name[0] != '\0') {
				test_assert(mailbox_delete(tu.user, name) < 0);
				test_assert_strcmp(mail_user_get_last_error(
					tu.user, NULL), cases[i].text);
			}
		} SCRATCH_END;
	}
	test_assert(mailbox_delete(tu.user, "") < 0);
	test_assert_strcmp(mail_user_get_last_error(tu.user, &error),
		"Storage root can't be deleted");
	test_assert(error == MAIL_ERROR_NOTPOSSIBLE);
	SCRATCH_BEGIN {
		char longname[300];

		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		test_assert(mailbox_create(tu.user, longname, false) < 0);
		test_assert_strcmp(mail_user_get_last_error(tu.user, &error),
			"Mailbox name too long");
		/* not a new name: a name the disk can't hold doesn't exist */
		test_assert(mailbox_delete(tu.user, longname) < 0);
		(void)mail_user_get_last_error(tu.user, &error);
		test_assert(error == MAIL_ERROR_NOTFOUND);
		test_assert(mailbox_rename(tu.user, longname, "y") < 0);
		(void)mail_user_get_last_error(tu.user, &error);
		test_assert(error == MAIL_ERROR_NOTFOUND);
	} SCRATCH_END;
	test_user_deinit(&tu);
	test_end();
}

static void test_rename_inbox(void)
{
	struct test_user tu;
	struct mailbox_status status;
	uint32_t uid;

	test_begin("RENAME INBOX moves the messages (RFC 3501)");
	test_user_init(&tu, "reninbox", NULL);
	SCRATCH_BEGIN {
		uid = test_save(tu.user, "INBOX", test_message("a@b", "c@d",
			"one", "Mon, 1 Jan 2024 10:00:00 +0000", "body1"),
			MAIL_SEEN, NULL);
		test_assert(uid == 1);
		(void)test_save(tu.user, "INBOX", test_message("a@b", "c@d",
			"two", "Mon, 1 Jan 2024 11:00:00 +0000", "body2"),
			0, NULL);
	} SCRATCH_END;
	test_assert(mailbox_rename(tu.user, "INBOX", "Old") == 0);
	test_assert(mailbox_get_status_by_name(tu.user, "INBOX",
		STATUS_MESSAGES, &status) == 0);
	test_assert(status.messages == 0);
	test_assert(mailbox_get_status_by_name(tu.user, "Old",
		STATUS_MESSAGES | STATUS_UNSEEN, &status) == 0);
	test_assert(status.messages == 2 && status.unseen == 1);
	test_user_deinit(&tu);
	test_end();
}

/* After DELETE the deleting session must not keep an old SQLite read
   snapshot: its next write, after another session wrote, would fail with
   SQLITE_BUSY_SNAPSHOT ("database is locked"). */
static void test_delete_then_other_session_writes(void)
{
	struct test_user tu, other;
	struct mailbox_status status;
	const char *msg;

	test_begin("DELETE leaves no read snapshot behind");
	test_user_init(&tu, "delsnap", NULL);
	test_user_clone(&tu, &other);
	SCRATCH_BEGIN {
		msg = plain_message();
		test_assert(mailbox_create(tu.user, "gone", false) == 0);
		test_assert(mailbox_create(tu.user, "kept", false) == 0);
		(void)test_save(tu.user, "gone", msg, 0, NULL);
		(void)test_save(tu.user, "kept", msg, 0, NULL);
		test_assert(mailbox_delete(tu.user, "gone") == 0);
		/* another process writes the index */
		(void)test_save(other.user, "kept", msg, 0, NULL);
		/* and this one writes again */
		test_assert(test_save(tu.user, "kept", msg, 0, NULL) == 3);
		test_assert(mailbox_create(tu.user, "gone", false) == 0);
		test_assert(mailbox_get_status_by_name(tu.user, "gone",
			STATUS_MESSAGES, &status) == 0);
		test_assert(status.messages == 0);
	} SCRATCH_END;
	test_user_deinit(&other);
	test_user_deinit(&tu);
	test_end();
}

/* A selected mailbox deleted or renamed away by another process: the
   view's next sync reports it deleted (IMAP ends the session). */
static void test_selected_deleted_by_other(void)
{
	static const char *const victims[] = { "gone", "moved" };
	struct test_user tu, other;
	struct mailbox_changes changes;
	struct mailbox *box;

	test_begin("selected mailbox deleted or renamed by another process");
	test_user_init(&tu, "seldel", NULL);
	test_user_clone(&tu, &other);
	for (unsigned int i = 0; i < N_ELEMENTS(victims); i++) {
		SCRATCH_BEGIN {
			test_assert(mailbox_create(tu.user, victims[i],
				false) == 0);
			(void)test_save(tu.user, victims[i], plain_message(),
				0, NULL);
			box = test_open(tu.user, victims[i]);
			test_assert(mailbox_sync(box, 0, scratch_arena(),
				&changes) == 0 && !changes.mailbox_deleted);
			if (i == 0) {
				test_assert(mailbox_delete(other.user,
					victims[i]) == 0);
			} else {
				test_assert(mailbox_rename(other.user,
					victims[i], "elsewhere") == 0);
			}
			test_assert(mailbox_sync(box, 0, scratch_arena(),
				&changes) == 0);
			test_assert(changes.mailbox_deleted);
			mailbox_close(&box);
		} SCRATCH_END;
	}
	test_user_deinit(&other);
	test_user_deinit(&tu);
	test_end();
}

/* A mailbox deleted and created again by another process is a new
   mailbox: the old view must not take its index row (SQLite reuses the
   highest row id) and steal the new messages' \Recent. */
static void test_deleted_and_recreated_by_other(void)
{
	struct test_user tu, other;
	struct mailbox_changes changes;
	struct mailbox_status status;
	struct mailbox *box, *fresh;
	const char *msg;

	test_begin("mailbox deleted and created again by another process");
	test_user_init(&tu, "recreate", NULL);
	test_user_clone(&tu, &other);
	SCRATCH_BEGIN {
		msg = plain_message();
		test_assert(mailbox_create(tu.user, "x", false) == 0);
		(void)test_save(tu.user, "x", msg, 0, NULL);
		box = test_open(tu.user, "x");
		test_assert(mailbox_delete(other.user, "x") == 0);
		test_assert(mailbox_create(other.user, "x", false) == 0);
		(void)test_save(other.user, "x", msg, 0, NULL);
		test_assert(mailbox_sync(box, 0, scratch_arena(),
			&changes) == 0);
		test_assert(changes.mailbox_deleted);
		mailbox_close(&box);
		fresh = test_open(other.user, "x");
		test_assert(mailbox_get_status(fresh, STATUS_MESSAGES |
			STATUS_RECENT, &status) == 0);
		test_assert(status.messages == 1 && status.recent == 1);
		mailbox_close(&fresh);
	} SCRATCH_END;
	test_user_deinit(&other);
	test_user_deinit(&tu);
	test_end();
}

static void test_subscriptions(void)
{
	struct test_user tu;
	bool subscribed;

	test_begin("subscriptions");
	test_user_init(&tu, "subs", NULL);
	test_assert(mailbox_create(tu.user, "Lists.dovecot", false) == 0);
	test_assert(mailbox_set_subscribed(tu.user, "Lists.dovecot",
		true) == 0);
	test_assert(mailbox_set_subscribed(tu.user, "Gone", true) == 0);
	test_assert(mailbox_set_subscribed(tu.user, "Gone", true) == 0);
	test_assert(mailbox_is_subscribed(tu.user, "Gone", &subscribed) == 0 &&
		subscribed);
	SCRATCH_BEGIN {
		test_assert_strcmp(list_str(tu.user, "*",
			MAILBOX_LIST_SELECT_SUBSCRIBED),
			"Gone:snS Lists.dovecot:hS");
		test_assert_strcmp(list_str(tu.user, "%",
			MAILBOX_LIST_SELECT_SUBSCRIBED |
			MAILBOX_LIST_SELECT_RECURSIVEMATCH),
			"Gone:snS Lists:snc");
		test_assert_strcmp(list_str(tu.user, "*",
			MAILBOX_LIST_RETURN_SUBSCRIBED),
			"INBOX:h Lists:snc Lists.dovecot:hS");
		test_assert(test_system("grep -qx 'Lists.dovecot' %s/"
			"subscriptions", tu.maildir) == 0);
	} SCRATCH_END;
	test_assert(mailbox_set_subscribed(tu.user, "Gone", false) == 0);
	test_assert(mailbox_is_subscribed(tu.user, "Gone", &subscribed) == 0 &&
		!subscribed);
	test_user_deinit(&tu);
	test_end();
}

static void test_namespaces(void)
{
	struct test_user tu;
	struct mail_namespace *const *ns;
	unsigned int count;

	test_begin("namespaces: INBOX. prefix, public, special-use, auto");
	test_user_init(&tu, "ns",
		"namespace inbox {\n"
		"  inbox = yes\n"
		"  prefix = INBOX.\n"
		"  separator = .\n"
		"  mailbox Drafts {\n"
		"    special_use = \\Drafts\n"
		"    auto = subscribe\n"
		"  }\n"
		"  mailbox Trash {\n"
		"    special_use = \\Trash\n"
		"    auto = create\n"
		"  }\n"
		"  mailbox \"Sent Messages\" {\n"
		"    special_use = \\Sent\n"
		"  }\n"
		"}\n"
		"namespace public {\n"
		"  type = public\n"
		"  prefix = Public.\n"
		"  separator = .\n"
		"  location = maildir:~/public\n"
		"  subscriptions = yes\n"
		"}\n");
	ns = mail_user_get_namespaces(tu.user, &count);
	test_assert(count == 2);
	test_assert_strcmp(ns[0]->prefix, "INBOX.");
	test_assert(ns[1]->type == MAIL_NAMESPACE_TYPE_PUBLIC);
	test_assert(mailbox_create(tu.user, "Public.News", false) == 0);
	SCRATCH_BEGIN {
		test_assert_strcmp(list_str(tu.user, "*", 0),
			"INBOX:c INBOX.Drafts:h\\Drafts INBOX.Trash:h\\Trash "
			"Public:sc Public.News:h");
		test_assert_strcmp(list_str(tu.user, "*",
			MAILBOX_LIST_SELECT_SPECIALUSE),
			"INBOX.Drafts:h\\Drafts INBOX.Trash:h\\Trash");
		test_assert_strcmp(list_str(tu.user, "*",
			MAILBOX_LIST_SELECT_SUBSCRIBED),
			"INBOX.Drafts:hS\\Drafts");
		test_assert(test_system("test -d %s/public/.News",
			tu.home) == 0);
		test_assert(test_system("test -d %s/.Trash", tu.maildir) == 0);
	} SCRATCH_END;
	test_assert(mailbox_create(tu.user, "INBOX.Sent Messages",
		false) == 0);
	test_assert(mailbox_get_special_use(tu.user, "INBOX.Sent Messages") ==
		MAILBOX_SPECIALUSE_SENT);
	test_assert(mail_namespace_find(tu.user, "Public.News") == ns[1]);
	test_assert(mail_namespace_find(tu.user, "inbox.x") == ns[0]);
	test_user_deinit(&tu);
	test_end();
}

static void test_namespace_errors(void)
{
	struct config *config;
	struct mail_user *user;
	struct mail_user_params params;
	const char *error;
	static const struct {
		const char *conf;
		const char *error_part;
	} tests[] = {
		{ "namespace a {\n prefix = x/\n separator = /\n}\n",
		  "inbox=yes namespace missing" },
		{ "namespace a {\n inbox = yes\n prefix = INBOX\n"
		  " separator = /\n}\n", "must end with separator" },
		{ "namespace a {\n inbox = yes\n}\nnamespace b {\n"
		  " inbox = yes\n prefix = b.\n}\n", "only one namespace" },
		{ "mail_location = foo:/x\n", "Unknown mail storage driver" },
		{ "mail_location = maildir:~/Maildir:BOGUS=1\n",
		  "Unknown setting: BOGUS" },
	};

	test_begin("namespace configuration errors");
	memset(&params, 0, sizeof(params));
	params.username = "u";
	params.home = "/nonexistent-home";
	for (unsigned int i = 0; i < N_ELEMENTS(tests); i++) {
		SCRATCH_BEGIN {
			const char *text = t_printf("mail_location = "
				"maildir:~/Maildir\n%s", tests[i].conf);

			test_assert(config_load_string(text, "t.conf", &config,
				&error) == 0);
			test_assert(mail_user_create(config, &params, &user,
				&error) < 0);
			test_assert(strstr(error, tests[i].error_part) != NULL);
			config_free(&config);
		} SCRATCH_END;
	}
	test_end();
}

static void test_location_params(void)
{
	struct test_user tu;
	struct mailbox_status status;
	struct stat st;

	test_begin("mail_location INDEX=, CONTROL=, LAYOUT=fs, INBOX=");
	test_user_init(&tu, "loc", "mail_location = maildir:~/mail:"
		"LAYOUT=fs:INDEX=~/idx:CONTROL=~/ctl:INBOX=~/inbox");
	test_assert(mailbox_create(tu.user, "a/b", false) == 0);
	test_assert(mailbox_set_subscribed(tu.user, "a/b", true) == 0);
	test_assert(mailbox_get_status_by_name(tu.user, "INBOX",
		STATUS_MESSAGES, &status) == 0);
	SCRATCH_BEGIN {
		test_assert(stat(t_printf("%s/mail/a/b/cur", tu.home),
			&st) == 0);
		test_assert(stat(t_printf("%s/inbox/cur", tu.home), &st) == 0);
		test_assert(stat(t_printf("%s/idx/roost-index.sqlite", tu.home),
			&st) == 0);
		test_assert(stat(t_printf("%s/ctl/subscriptions", tu.home),
			&st) == 0);
		test_assert_strcmp(list_str(tu.user, "*", 0),
			"INBOX:h a:sc a/b:h");
	} SCRATCH_END;
	test_user_deinit(&tu);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_default_namespace,
		test_create_delete_rename,
		test_rename_level,
		test_name_problems,
		test_rename_inbox,
		test_delete_then_other_session_writes,
		test_selected_deleted_by_other,
		test_deleted_and_recreated_by_other,
		test_subscriptions,
		test_namespaces,
		test_namespace_errors,
		test_location_params,
		NULL
	};

	log_init(LOG_MODE_STDERR, "test: ");
	return test_run(tests);
}
