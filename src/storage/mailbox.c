/*
 * mailbox.c - mailbox-level operations: name checks, create, delete,
 * rename, subscriptions, existence, STATUS, and opening/closing views.
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "str.h"
#include "mail-utf8.h"
#include "index/mail-index.h"

#include <strings.h>

/* Longest hierarchy level of a new name (Dovecot's
   MAILBOX_MAX_HIERARCHY_NAME_LENGTH: a directory name). */
#define MAILBOX_LEVEL_MAX_LENGTH 255

/* ---- names ---- */

/* The separator the storage uses in its directory names (Maildir++: '.'),
   which names can't contain when the namespace's separator differs. */
static char storage_list_sep(const struct mail_storage *storage)
{
	const char *layout = storage->location.layout;

	return layout != NULL && strcasecmp(layout, "fs") == 0 ? '/' : '.';
}

/* A hierarchy level longer than a directory name can be. */
static bool name_has_long_level(const char *name, char sep)
{
	const char *p;

	while ((p = strchr(name, sep)) != NULL) {
		if ((size_t)(p - name) > MAILBOX_LEVEL_MAX_LENGTH)
			return true;
		name = p + 1;
	}
	return strlen(name) > MAILBOX_LEVEL_MAX_LENGTH;
}

/*
 * Dovecot's checks of a name inside its namespace (mailbox_verify_name),
 * in its order and with its texts; create adds those of a new name
 * (mailbox_verify_create_name: length).  The storage's own rules are left
 * to the caller.  NULL when the name passes.
 */
static const char *mailbox_name_problem(struct mail_namespace *ns,
	const char *name, bool create)
{
	char sep = ns->sep;
	char list_sep = storage_list_sep(NS_PRIV(ns)->storage);
	const char adjacent[] = { sep, sep, '\0' };
	size_t len = strlen(name);

	if (strcmp(name, "INBOX") == 0 && ns->inbox)
		return NULL;
	if (len == 0)
		return "Invalid mailbox name: Name is empty";
	if (sep != list_sep && strchr(name, list_sep) != NULL) {
		return t_printf("Character not allowed in mailbox name: '%c'",
			list_sep);
	}
	if (name[0] == sep)
		return "Invalid mailbox name: Begins with hierarchy separator";
	if (strstr(name, adjacent) != NULL)
		return "Invalid mailbox name: Has adjacent hierarchy separators";
	if (name[len - 1] == sep)
		return "Invalid mailbox name: Ends with hierarchy separator";
	if (name[0] == '~')
		return "Invalid mailbox name: Begins with '~'";
	if (create && (len > MAILBOX_NAME_MAX_LENGTH ||
		       name_has_long_level(name, sep)))
		return "Mailbox name too long";
	for (const char *p = name; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "Invalid mailbox name: Control characters "
				"aren't allowed";
	}
	return NULL;
}

/* The namespace checks of vname (see mailbox_name_problem()).  0, or -1
   with the error set. */
static int mailbox_name_check(struct mail_user *user, const char *vname,
	bool create, struct mail_namespace **ns_r,
	const char **storage_name_r)
{
	const char *problem;

	if (!utf8_is_valid(vname, strlen(vname))) {
		mail_user_set_error(user, MAIL_ERROR_PARAMS,
			"Invalid mailbox name: Not valid UTF-8");
		return -1;
	}
	if (mail_namespace_resolve(user, vname, ns_r, storage_name_r) < 0)
		return -1;
	problem = mailbox_name_problem(*ns_r, *storage_name_r, create);
	if (problem != NULL) {
		mail_user_set_error(user, MAIL_ERROR_PARAMS, problem);
		return -1;
	}
	return 0;
}

int mailbox_name_verify(struct mail_user *user, const char *vname)
{
	struct mail_namespace *ns;
	struct mail_storage *storage;
	const char *storage_name;

	if (mailbox_name_check(user, vname, true, &ns, &storage_name) < 0)
		return -1;
	storage = NS_PRIV(ns)->storage;
	if (!storage->ops->name_is_valid(storage, storage_name)) {
		/* the storage's own reason is set */
		return -1;
	}
	return 0;
}

enum mailbox_info_flags mailbox_get_special_use(struct mail_user *user,
	const char *vname)
{
	struct mail_namespace *ns;
	const struct mailbox_setting *set;
	const char *storage_name;
	enum mailbox_info_flags flags = 0;

	SCRATCH_BEGIN {
		if (mail_namespace_resolve(user, vname, &ns,
				&storage_name) == 0) {
			set = mail_namespace_find_setting(ns, storage_name);
			if (set != NULL)
				flags = set->special_use;
		}
	} SCRATCH_END;
	return flags;
}

/* Resolves a name for an operation that needs a real mailbox name. */
static int mailbox_resolve(struct mail_user *user, const char *vname,
	struct mail_namespace **ns_r, struct mail_storage **storage_r,
	const char **storage_name_r)
{
	if (mail_namespace_resolve(user, vname, ns_r, storage_name_r) < 0)
		return -1;
	*storage_r = NS_PRIV(*ns_r)->storage;
	if (mail_namespace_autocreate(*ns_r) < 0)
		return -1;
	return 0;
}

/* Dovecot treats an auto = create/subscribe mailbox as always existing:
   opening one that is missing (deleted) creates it again. */
static bool mailbox_is_auto(struct mail_namespace *ns,
	const char *storage_name)
{
	const struct mailbox_setting *set =
		mail_namespace_find_setting(ns, storage_name);

	return set != NULL && set->autocreate != MAILBOX_AUTO_NO;
}

int mailbox_exists(struct mail_user *user, const char *vname,
	enum mailbox_existence *existence_r)
{
	struct mail_namespace *ns;
	struct mail_storage *storage;
	const char *storage_name;
	int ret;

	mail_user_clear_error(user);
	SCRATCH_BEGIN {
		ret = mailbox_resolve(user, vname, &ns, &storage,
			&storage_name);
		if (ret == 0 && storage_name[0] == '\0')
			*existence_r = MAILBOX_EXISTENCE_NONE;
		else if (ret == 0 && !storage->ops->name_is_valid(storage,
				storage_name))
			*existence_r = MAILBOX_EXISTENCE_NONE;
		else if (ret == 0) {
			ret = storage->ops->mailbox_exists(storage,
				storage_name, existence_r);
			if (ret == 0 &&
			    *existence_r != MAILBOX_EXISTENCE_SELECT &&
			    mailbox_is_auto(ns, storage_name))
				*existence_r = MAILBOX_EXISTENCE_SELECT;
		}
	} SCRATCH_END;
	if (ret < 0) {
		enum mail_error error;

		(void)mail_user_get_last_error(user, &error);
		if (error == MAIL_ERROR_NOTFOUND) {
			*existence_r = MAILBOX_EXISTENCE_NONE;
			mail_user_clear_error(user);
			return 0;
		}
	}
	return ret;
}

int mailbox_create(struct mail_user *user, const char *vname, bool directory)
{
	struct mail_namespace *ns;
	struct mail_storage *storage;
	const char *storage_name;
	int ret;

	mail_user_clear_error(user);
	SCRATCH_BEGIN {
		vname = mail_namespace_normalize_vname(user, vname);
		if (strcmp(vname, "INBOX") == 0) {
			mail_user_set_error(user, MAIL_ERROR_EXISTS,
				"Mailbox already exists");
			ret = -1;
		} else if (mailbox_name_verify(user, vname) < 0 ||
			   mailbox_resolve(user, vname, &ns, &storage,
				   &storage_name) < 0) {
			ret = -1;
		} else {
			ret = storage->ops->mailbox_create(storage,
				storage_name, directory);
		}
	} SCRATCH_END;
	return ret;
}

/* Forgets the index row of a mailbox path (delete, INBOX rename). */
static int mailbox_index_forget(struct mail_user *user, const char *path)
{
	struct mail_index *index = mail_user_get_index(user);
	sqlite3_stmt *stmt;
	int64_t id = -1;
	int ret;

	if (index == NULL)
		return -1;
	if (mail_index_begin_write(index) < 0) {
		mail_user_set_index_error(user);
		return -1;
	}
	stmt = mail_index_stmt(index, "SELECT id FROM mailbox WHERE path = ?1");
	ret = stmt == NULL ? -1 : 0;
	if (ret == 0) {
		sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
		ret = mail_index_step(index, stmt);
		if (ret == SQLITE_ROW)
			id = sqlite3_column_int64(stmt, 0);
		/* a statement left on its row keeps this connection's read
		   snapshot past COMMIT: later writes fail with
		   SQLITE_BUSY_SNAPSHOT once another session has written */
		sqlite3_reset(stmt);
		ret = ret < 0 ? -1 : 0;
	}
	if (ret == 0 && id >= 0) {
		/* SQLite would give the next new row this id again when it
		   is the highest: a view still attached to it (another
		   session's) would take the new mailbox for its own */
		stmt = mail_index_stmt(index, "INSERT OR REPLACE INTO meta "
			"(key, value) VALUES ('last_mailbox_id', max(?1, "
			"coalesce((SELECT value FROM meta WHERE "
			"key = 'last_mailbox_id'), 0)))");
		if (stmt == NULL)
			ret = -1;
		else {
			sqlite3_bind_int64(stmt, 1, id);
			ret = mail_index_step(index, stmt) < 0 ? -1 : 0;
		}
	}
	if (ret == 0 && id >= 0) {
		ret = index_mailbox_clear_messages(index, id);
		stmt = ret < 0 ? NULL :
			mail_index_stmt(index,
				"DELETE FROM mailbox WHERE id = ?1");
		if (stmt == NULL)
			ret = -1;
		else {
			sqlite3_bind_int64(stmt, 1, id);
			ret = mail_index_step(index, stmt) < 0 ? -1 : 0;
		}
	}
	if (ret == 0 && mail_index_commit(index) < 0)
		ret = -1;
	else if (ret < 0)
		mail_index_rollback(index);
	if (ret < 0)
		mail_user_set_index_error(user);
	return ret;
}

struct has_children_ctx {
	const char *prefix;
	size_t prefix_len;
	bool found;
};

static int has_children_cb(void *context, const char *name,
	enum mailbox_existence existence ATTR_UNUSED)
{
	struct has_children_ctx *ctx = context;

	if (strncmp(name, ctx->prefix, ctx->prefix_len) == 0) {
		ctx->found = true;
		return -1;
	}
	return 0;
}

static int storage_has_children(struct mail_storage *storage,
	const char *name, bool *children_r)
{
	struct has_children_ctx ctx;
	enum mail_error error;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.prefix = t_printf("%s%c", name, storage->hier_sep);
	ctx.prefix_len = strlen(ctx.prefix);
	ret = storage->ops->list(storage, has_children_cb, &ctx);
	if (ret < 0 && ctx.found) {
		/* stopped by the callback */
		mail_user_clear_error(storage->user);
		ret = 0;
	}
	(void)error;
	*children_r = ctx.found;
	return ret;
}

int mailbox_delete(struct mail_user *user, const char *vname)
{
	struct mail_namespace *ns;
	struct mail_storage *storage;
	enum mailbox_existence existence;
	const char *storage_name, *path, *problem;
	bool children, skip = false;
	int ret = 0;

	mail_user_clear_error(user);
	SCRATCH_BEGIN {
		vname = mail_namespace_normalize_vname(user, vname);
		if (mailbox_resolve(user, vname, &ns, &storage,
				&storage_name) < 0)
			ret = -1;
		else if (strcmp(storage_name, "INBOX") == 0 && ns->inbox) {
			mail_user_set_error(user, MAIL_ERROR_NOTPOSSIBLE,
				"INBOX can't be deleted.");
			ret = -1;
		} else if (storage_name[0] == '\0') {
			mail_user_set_error(user, MAIL_ERROR_NOTPOSSIBLE,
				"Storage root can't be deleted");
			ret = -1;
		} else if ((problem = mailbox_name_problem(ns, storage_name,
				false)) != NULL) {
			mail_user_set_error(user, MAIL_ERROR_PARAMS, problem);
			ret = -1;
		} else if (!storage->ops->name_is_valid(storage,
				storage_name)) {
			mail_user_clear_error(user);
			mail_user_set_error(user, MAIL_ERROR_NOTFOUND,
				t_printf("Mailbox doesn't exist: %s", vname));
			ret = -1;
		} else if (storage->ops->mailbox_exists(storage, storage_name,
				&existence) < 0) {
			ret = -1;
		} else if (existence == MAILBOX_EXISTENCE_NONE &&
			   mailbox_is_auto(ns, storage_name)) {
			/* Dovecot creates it to delete it: nothing to do */
			skip = true;
		} else if (existence == MAILBOX_EXISTENCE_NONE) {
			mail_user_set_error(user, MAIL_ERROR_NOTFOUND,
				t_printf("Mailbox doesn't exist: %s", vname));
			ret = -1;
		} else if (existence == MAILBOX_EXISTENCE_NOSELECT &&
			   storage_has_children(storage, storage_name,
				   &children) == 0 && children) {
			mail_user_set_error(user, MAIL_ERROR_EXISTS,
				"Mailbox has children, delete them first");
			ret = -1;
		}
		if (ret == 0 && !skip) {
			path = t_strdup(storage->ops->mailbox_get_path(storage,
				storage_name));
			ret = storage->ops->mailbox_delete(storage,
				storage_name);
			if (ret == 0 && path != NULL)
				(void)mailbox_index_forget(user, path);
		}
	} SCRATCH_END;
	return ret;
}

struct rename_ctx {
	const char *prefix;
	size_t prefix_len;
	ARRAY(const char *) names;
};

static int rename_children_cb(void *context, const char *name,
	enum mailbox_existence existence ATTR_UNUSED)
{
	struct rename_ctx *ctx = context;

	if (strncmp(name, ctx->prefix, ctx->prefix_len) == 0)
		array_push(&ctx->names, t_strdup(name));
	return 0;
}

/* Moves the index rows of old_name and its children to their new paths,
   so cached data and \Recent state survive the rename. */
static void mailbox_index_rename(struct mail_storage *storage,
	const char *old_name, const char *new_name,
	const char *const *children, unsigned int children_count)
{
	struct mail_index *index = mail_user_get_index(storage->user);
	sqlite3_stmt *stmt;
	unsigned int i;
	int ret = 0;

	if (index == NULL || mail_index_begin_write(index) < 0)
		return;
	for (i = 0; i <= children_count && ret == 0; i++) {
		const char *oldn = i == 0 ? old_name : children[i - 1];
		const char *newn = i == 0 ? new_name :
			t_printf("%s%s", new_name, oldn + strlen(old_name));
		const char *old_path, *new_path;

		/* the old directory is gone: derive both paths by name */
		old_path = storage->ops->mailbox_get_path(storage, oldn);
		old_path = old_path == NULL ? NULL : t_strdup(old_path);
		new_path = storage->ops->mailbox_get_path(storage, newn);
		if (old_path == NULL || new_path == NULL)
			continue;
		/* a row left at the new path is stale (the directory
		   didn't exist): forget it properly, not by REPLACE */
		if (mailbox_index_forget(storage->user, new_path) < 0) {
			ret = -1;
			break;
		}
		stmt = mail_index_stmt(index,
			"UPDATE OR REPLACE mailbox SET path = ?2 "
			"WHERE path = ?1");
		if (stmt == NULL) {
			ret = -1;
			break;
		}
		sqlite3_bind_text(stmt, 1, old_path, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, new_path, -1, SQLITE_TRANSIENT);
		if (mail_index_step(index, stmt) < 0)
			ret = -1;
	}
	if (ret == 0)
		(void)mail_index_commit(index);
	else
		mail_index_rollback(index);
	mail_user_clear_error(storage->user);
}

/* RFC 3501 §6.3.5: renaming INBOX moves its messages to a new mailbox
   and leaves INBOX empty. */
static int mailbox_rename_inbox(struct mail_user *user, const char *new_vname)
{
	struct mailbox *src = NULL, *dest = NULL;
	struct mailbox_transaction *t;
	struct mail *mail;
	uint32_t seq, count;
	int ret;

	if (mailbox_create(user, new_vname, false) < 0)
		return -1;
	if (mailbox_open(user, "INBOX", 0, &src) < 0)
		return -1;
	if (mailbox_open(user, new_vname, MAILBOX_OPEN_SAVEONLY, &dest) < 0) {
		mailbox_close(&src);
		return -1;
	}
	count = mailbox_get_count(src);
	t = mailbox_transaction_begin(dest);
	mail = mail_alloc(src);
	ret = 0;
	for (seq = 1; seq <= count && ret == 0; seq++) {
		mail_set_seq(mail, seq);
		if (mail_copy(t, mail, NULL) < 0) {
			enum mail_error error;

			(void)mail_user_get_last_error(user, &error);
			/* expunged meanwhile: nothing to move */
			if (error != MAIL_ERROR_EXPUNGED)
				ret = -1;
		}
	}
	mail_free(&mail);
	if (ret < 0)
		mailbox_transaction_rollback(&t);
	else
		ret = mailbox_transaction_commit(&t, NULL, NULL);
	if (ret == 0 && count > 0) {
		t = mailbox_transaction_begin(src);
		for (seq = 1; seq <= count; seq++)
			mail_expunge(t, seq);
		ret = mailbox_transaction_commit(&t, NULL, NULL);
	}
	mailbox_close(&dest);
	mailbox_close(&src);
	return ret;
}

int mailbox_rename(struct mail_user *user, const char *old_vname,
	const char *new_vname)
{
	struct mail_namespace *old_ns, *new_ns;
	struct mail_storage *old_storage, *new_storage;
	const char *old_name, *new_name;
	int ret = 0;

	mail_user_clear_error(user);
	SCRATCH_BEGIN {
		old_vname = mail_namespace_normalize_vname(user, old_vname);
		new_vname = mail_namespace_normalize_vname(user, new_vname);
		if (strcmp(old_vname, new_vname) == 0) {
			/* Dovecot checks this first, existing or not */
			mail_user_set_error(user, MAIL_ERROR_EXISTS,
				"Can't rename mailbox to itself");
			ret = -1;
		} else if (strcmp(new_vname, "INBOX") == 0) {
			mail_user_set_error(user, MAIL_ERROR_EXISTS,
				"Target mailbox already exists");
			ret = -1;
		} else if (mailbox_name_check(user, old_vname, false, &old_ns,
				&old_name) < 0 ||
			   mailbox_resolve(user, old_vname, &old_ns,
				&old_storage, &old_name) < 0 ||
			   mailbox_name_verify(user, new_vname) < 0 ||
			   mailbox_resolve(user, new_vname, &new_ns,
				   &new_storage, &new_name) < 0) {
			ret = -1;
		} else if (old_storage != new_storage &&
			   (strcmp(old_storage->location.root,
				   new_storage->location.root) != 0 ||
			    old_storage->hier_sep != new_storage->hier_sep)) {
			mail_user_set_error(user, MAIL_ERROR_NOTPOSSIBLE,
				"Can't rename mailboxes across storages");
			ret = -1;
		} else if (strcmp(old_name, "INBOX") == 0 && old_ns->inbox) {
			ret = mailbox_rename_inbox(user, new_vname);
		} else if (old_name[0] == '\0') {
			mail_user_set_error(user, MAIL_ERROR_NOTFOUND,
				t_printf("Mailbox doesn't exist: %s",
					old_vname));
			ret = -1;
		} else {
			struct rename_ctx ctx;

			memset(&ctx, 0, sizeof(ctx));
			ctx.prefix = t_printf("%s%c", old_name,
				old_storage->hier_sep);
			ctx.prefix_len = strlen(ctx.prefix);
			array_init(&ctx.names, scratch_arena(), 8);
			if (strncmp(new_name, ctx.prefix,
				    ctx.prefix_len) == 0) {
				mail_user_set_error(user,
					MAIL_ERROR_NOTPOSSIBLE, "Can't rename "
					"mailbox under its own child");
				ret = -1;
			} else {
				(void)old_storage->ops->list(old_storage,
					rename_children_cb, &ctx);
				mail_user_clear_error(user);
				ret = old_storage->ops->mailbox_rename(
					old_storage, old_name, new_name);
			}
			if (ret == 0) {
				mailbox_index_rename(old_storage, old_name,
					new_name, ctx.names.v,
					ctx.names.count);
			}
		}
	} SCRATCH_END;
	return ret;
}

/* The namespace storing vname's subscription, and the name it stores. */
static int subscription_target(struct mail_user *user, const char *vname,
	struct mail_namespace_priv **owner_r, const char **name_r)
{
	struct mail_namespace *ns;
	struct mail_namespace_priv *owner;

	vname = mail_namespace_normalize_vname(user, vname);
	ns = mail_namespace_find(user, vname);
	if (ns == NULL) {
		mail_user_set_error(user, MAIL_ERROR_NOTFOUND,
			t_printf("Mailbox doesn't exist: %s", vname));
		return -1;
	}
	owner = NS_PRIV(ns)->sub_owner;
	if (strcmp(vname, "INBOX") == 0)
		*name_r = "INBOX";
	else if (strncmp(vname, owner->ns.prefix,
			 strlen(owner->ns.prefix)) == 0)
		*name_r = vname + strlen(owner->ns.prefix);
	else
		*name_r = vname;
	if ((*name_r)[0] == '\0') {
		mail_user_set_error(user, MAIL_ERROR_PARAMS,
			"Invalid mailbox name");
		return -1;
	}
	*owner_r = owner;
	return 0;
}

int mailbox_set_subscribed(struct mail_user *user, const char *vname,
	bool subscribed)
{
	struct mail_namespace_priv *owner;
	const char *name;
	int ret;

	mail_user_clear_error(user);
	SCRATCH_BEGIN {
		struct mail_namespace *ns;
		const char *storage_name;

		/* Dovecot checks the name of UNSUBSCRIBE (SUBSCRIBE needs
		   an existing mailbox) */
		ret = subscribed ? 0 : mailbox_name_check(user, vname, false,
			&ns, &storage_name);
		if (ret == 0)
			ret = subscription_target(user, vname, &owner, &name);
		if (ret == 0) {
			ret = owner->storage->ops->subscription_set(
				owner->storage, name, subscribed);
		}
	} SCRATCH_END;
	return ret;
}

int mailbox_is_subscribed(struct mail_user *user, const char *vname,
	bool *subscribed_r)
{
	struct mail_namespace_priv *owner;
	const char *name, *const *names;
	int ret;

	mail_user_clear_error(user);
	*subscribed_r = false;
	SCRATCH_BEGIN {
		ret = subscription_target(user, vname, &owner, &name);
		if (ret == 0) {
			ret = owner->storage->ops->subscriptions_read(
				owner->storage, scratch_arena(), &names);
		}
		for (unsigned int i = 0; ret == 0 && names[i] != NULL; i++) {
			if (strcmp(names[i], name) == 0)
				*subscribed_r = true;
		}
	} SCRATCH_END;
	return ret;
}

/* ---- keywords of an open mailbox ---- */

void mailbox_keywords_set(struct mailbox *box, const char *str)
{
	unsigned int i, count;

	if (box->keywords_str != NULL && strcmp(box->keywords_str, str) == 0)
		return;
	for (i = 0; i < box->keywords_count; i++)
		free(box->keywords[i]);
	free(box->keywords);
	free(box->keywords_str);
	box->keywords_str = i_strdup(str);
	count = 0;
	for (const char *p = str; *p != '\0'; p++) {
		if (*p == ' ')
			count++;
	}
	box->keywords = i_new(char *, count + 2);
	box->keywords_count = 0;
	SCRATCH_BEGIN {
		char **names = str_split(scratch_arena(), str, " ", true);

		for (i = 0; names[i] != NULL; i++)
			box->keywords[box->keywords_count++] =
				i_strdup(names[i]);
	} SCRATCH_END;
}

int mailbox_keyword_lookup(const struct mailbox *box, const char *name)
{
	for (unsigned int i = 0; i < box->keywords_count; i++) {
		if (strcasecmp(box->keywords[i], name) == 0)
			return (int)i;
	}
	return -1;
}

const char *const *mailbox_get_keywords(struct mailbox *box,
	unsigned int *count_r)
{
	static const char *const empty[] = { NULL };

	*count_r = box->keywords_count;
	return box->keywords == NULL ? empty :
		(const char *const *)box->keywords;
}

bool mailbox_can_create_keywords(const struct mailbox *box)
{
	return !box->readonly;
}

int mailbox_keyword_verify(struct mailbox *box, const char *keyword)
{
	size_t len = strlen(keyword);

	if (len == 0) {
		mail_user_set_error(box->user, MAIL_ERROR_PARAMS,
			"Empty keywords not allowed");
		return -1;
	}
	if (box->user->max_keyword_length > 0 &&
	    len > box->user->max_keyword_length) {
		mail_user_set_error(box->user, MAIL_ERROR_PARAMS,
			"Keyword length too long");
		return -1;
	}
	for (const char *p = keyword; *p != '\0'; p++) {
		unsigned char c = *p;

		if (c <= ' ' || c >= 0x7f || strchr("(){%*\"\\]", c) != NULL) {
			mail_user_set_error(box->user, MAIL_ERROR_PARAMS,
				"Invalid characters in keyword");
			return -1;
		}
	}
	return 0;
}

/* ---- the index row ---- */

int mailbox_index_attach(struct mailbox *box)
{
	struct mail_index *index = mail_user_get_index(box->user);
	sqlite3_stmt *stmt;
	int ret;

	if (index == NULL)
		return -1;
	box->index_generation = mail_index_get_generation(index);
	for (unsigned int attempt = 0; attempt < 2; attempt++) {
		stmt = mail_index_stmt(index,
			"SELECT id, uidvalidity, uidnext, keywords "
			"FROM mailbox WHERE path = ?1");
		if (stmt == NULL)
			break;
		sqlite3_bind_text(stmt, 1, box->path, -1, SQLITE_STATIC);
		ret = mail_index_step(index, stmt);
		if (ret < 0)
			break;
		if (ret == SQLITE_ROW) {
			box->index_id = sqlite3_column_int64(stmt, 0);
			box->uidvalidity =
				(uint32_t)sqlite3_column_int64(stmt, 1);
			box->uidnext = (uint32_t)sqlite3_column_int64(stmt, 2);
			mailbox_keywords_set(box,
				(const char *)sqlite3_column_text(stmt, 3));
			sqlite3_reset(stmt);
			return 0;
		}
		/* a new row: modseqs are set by its first scan; its id was
		   never used (see mailbox_index_forget()) */
		stmt = mail_index_stmt(index,
			"INSERT OR IGNORE INTO mailbox (id, path, "
			"highest_modseq) VALUES (1 + max("
			"coalesce((SELECT max(id) FROM mailbox), 0), "
			"coalesce((SELECT value FROM meta WHERE "
			"key = 'last_mailbox_id'), 0)), ?1, 0)");
		if (stmt == NULL)
			break;
		sqlite3_bind_text(stmt, 1, box->path, -1, SQLITE_STATIC);
		if (mail_index_step(index, stmt) < 0)
			break;
	}
	mail_user_set_index_error(box->user);
	return -1;
}

/* ---- open / close ---- */

static struct mailbox *mailbox_alloc(struct mail_user *user,
	struct mail_namespace *ns, const char *vname, const char *storage_name)
{
	struct arena *arena = arena_create("mailbox", 1024);
	struct mailbox *box = arena_new(arena, struct mailbox, 1);

	box->arena = arena;
	box->user = user;
	box->ns = ns;
	box->storage = NS_PRIV(ns)->storage;
	box->vname = arena_strdup(arena, vname);
	box->storage_name = arena_strdup(arena, storage_name);
	box->index_id = -1;
	return box;
}

static void mailbox_free(struct mailbox *box)
{
	struct arena *arena = box->arena;

	if (box->bbox != NULL)
		box->storage->ops->mailbox_close(&box->bbox);
	mailbox_view_free(box);
	for (unsigned int i = 0; i < box->keywords_count; i++)
		free(box->keywords[i]);
	free(box->keywords);
	free(box->keywords_str);
	arena_destroy(&arena);
}

/*
 * Opens the backend side and the index row of vname into a new struct
 * mailbox (not linked to the user yet).
 */
static int mailbox_open_backend(struct mail_user *user, const char *vname,
	enum mailbox_open_flags flags, struct mailbox **box_r)
{
	struct mail_namespace *ns;
	struct mail_storage *storage;
	enum mailbox_existence existence;
	struct mailbox *box;
	const char *storage_name, *path, *problem;

	vname = mail_namespace_normalize_vname(user, vname);
	if (mailbox_resolve(user, vname, &ns, &storage, &storage_name) < 0)
		return -1;
	problem = mailbox_name_problem(ns, storage_name, false);
	if (problem != NULL) {
		mail_user_set_error(user, MAIL_ERROR_PARAMS, problem);
		return -1;
	}
	if (!storage->ops->name_is_valid(storage, storage_name)) {
		mail_user_clear_error(user);
		mail_user_set_error(user, MAIL_ERROR_NOTFOUND,
			t_printf("Mailbox doesn't exist: %s", vname));
		return -1;
	}
	if (storage->ops->mailbox_exists(storage, storage_name,
			&existence) < 0)
		return -1;
	if (existence != MAILBOX_EXISTENCE_SELECT) {
		bool create = (flags & MAILBOX_OPEN_AUTOCREATE) != 0 ||
			mailbox_is_auto(ns, storage_name);

		if (!create ||
		    storage->ops->mailbox_create(storage, storage_name,
			    false) < 0) {
			if (!create || user->error == MAIL_ERROR_EXISTS) {
				mail_user_set_error(user, MAIL_ERROR_NOTFOUND,
					t_printf("Mailbox doesn't exist: %s",
						vname));
			}
			return -1;
		}
	}
	box = mailbox_alloc(user, ns, vname, storage_name);
	box->open_flags = flags;
	box->readonly = (flags & MAILBOX_OPEN_READONLY) != 0;
	path = storage->ops->mailbox_get_path(storage, storage_name);
	if (path == NULL ||
	    storage->ops->mailbox_open(storage, storage_name,
		    &box->bbox) < 0) {
		mailbox_free(box);
		return -1;
	}
	box->path = arena_strdup(box->arena, path);
	if (mailbox_index_attach(box) < 0) {
		mailbox_free(box);
		return -1;
	}
	*box_r = box;
	return 0;
}

static int mailbox_open_once(struct mail_user *user, const char *vname,
	enum mailbox_open_flags flags, struct mailbox **box_r)
{
	struct mailbox *box = NULL;
	enum index_sync_flags sync_flags = 0;
	int ret;

	SCRATCH_BEGIN {
		ret = mailbox_open_backend(user, vname, flags, &box);
	} SCRATCH_END;
	if (ret < 0)
		return -1;
	if ((flags & (MAILBOX_OPEN_SAVEONLY | MAILBOX_OPEN_READONLY)) == 0)
		sync_flags |= INDEX_SYNC_FLAG_MOVE_NEW |
			INDEX_SYNC_FLAG_CLAIM_RECENT;
	/* a save-only open syncs too: the rows of saved messages must
	   join an index that already reflects the store */
	if (index_sync_mailbox(box, sync_flags) < 0 ||
	    ((flags & MAILBOX_OPEN_SAVEONLY) == 0 &&
	     mailbox_view_load(box) < 0)) {
		mailbox_free(box);
		return -1;
	}
	*box_r = box;
	return 0;
}

int mailbox_open(struct mail_user *user, const char *vname,
	enum mailbox_open_flags flags, struct mailbox **box_r)
{
	struct mailbox *box;
	int ret;

	mail_user_clear_error(user);
	ret = mailbox_open_once(user, vname, flags, &box);
	if (ret < 0 && user->index != NULL &&
	    mail_index_need_reopen(user->index)) {
		/* the index turned out corrupted (or was replaced): the
		   retry reopens it, rebuilding it from the store */
		mail_user_clear_error(user);
		ret = mailbox_open_once(user, vname, flags, &box);
	}
	if (ret < 0)
		return -1;
	box->next = user->boxes;
	if (user->boxes != NULL)
		user->boxes->prev = box;
	user->boxes = box;
	*box_r = box;
	return 0;
}

void mailbox_close(struct mailbox **_box)
{
	struct mailbox *box = *_box;

	if (box == NULL)
		return;
	*_box = NULL;
	mailbox_notify_free(box);
	if (box->prev != NULL)
		box->prev->next = box->next;
	else
		box->user->boxes = box->next;
	if (box->next != NULL)
		box->next->prev = box->prev;
	mailbox_free(box);
}

struct mail_user *mailbox_get_user(const struct mailbox *box)
{
	return box->user;
}

struct mail_namespace *mailbox_get_namespace(const struct mailbox *box)
{
	return box->ns;
}

const char *mailbox_get_vname(const struct mailbox *box)
{
	return box->vname;
}

bool mailbox_is_readonly(const struct mailbox *box)
{
	return box->readonly;
}

enum mailbox_info_flags mailbox_get_special_use_flags(
	const struct mailbox *box)
{
	const struct mailbox_setting *set =
		mail_namespace_find_setting(box->ns, box->storage_name);

	return set == NULL ? 0 : set->special_use;
}

/* ---- STATUS ---- */

/* Counts from the index for the row of box (after a sync). */
static int mailbox_status_from_index(struct mailbox *box,
	enum mailbox_status_items items, struct mailbox_status *status_r)
{
	struct mail_index *index = mail_user_get_index(box->user);
	int64_t lo = index_msg_id(box->index_id, 0);
	int64_t hi = index_msg_id(box->index_id, 0xffffffffU);
	sqlite3_stmt *stmt;
	uint32_t first_recent = 0;
	int ret = 0;

	if (index == NULL)
		return -1;
	if (mail_index_begin_read(index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	stmt = mail_index_stmt(index,
		"SELECT uidvalidity, uidnext, highest_modseq, first_recent_uid "
		"FROM mailbox WHERE id = ?1");
	if (stmt == NULL)
		ret = -1;
	else {
		sqlite3_bind_int64(stmt, 1, box->index_id);
		if (mail_index_step(index, stmt) != SQLITE_ROW)
			ret = -1;
		else {
			status_r->uidvalidity =
				(uint32_t)sqlite3_column_int64(stmt, 0);
			status_r->uidnext =
				(uint32_t)sqlite3_column_int64(stmt, 1);
			status_r->highest_modseq =
				(uint64_t)sqlite3_column_int64(stmt, 2);
			first_recent = (uint32_t)sqlite3_column_int64(stmt, 3);
			sqlite3_reset(stmt);
		}
	}
	if (ret == 0 && (items & (STATUS_MESSAGES | STATUS_UNSEEN |
				  STATUS_RECENT | STATUS_DELETED)) != 0) {
		stmt = mail_index_stmt(index,
			"SELECT count(*), sum((flags & 8) = 0),"
			" sum(id >= ?3), sum((flags & 4) != 0) "
			"FROM msg WHERE id BETWEEN ?1 AND ?2");
		if (stmt == NULL)
			ret = -1;
		else {
			sqlite3_bind_int64(stmt, 1, lo);
			sqlite3_bind_int64(stmt, 2, hi);
			sqlite3_bind_int64(stmt, 3,
				index_msg_id(box->index_id, first_recent));
			if (mail_index_step(index, stmt) != SQLITE_ROW)
				ret = -1;
			else {
				status_r->messages = (uint32_t)
					sqlite3_column_int64(stmt, 0);
				status_r->unseen = (uint32_t)
					sqlite3_column_int64(stmt, 1);
				status_r->recent = (uint32_t)
					sqlite3_column_int64(stmt, 2);
				status_r->deleted = (uint32_t)
					sqlite3_column_int64(stmt, 3);
				sqlite3_reset(stmt);
			}
		}
	}
	if (ret == 0)
		(void)mail_index_commit(index);
	else {
		mail_index_rollback(index);
		mail_user_set_index_error(box->user);
	}
	if (ret == 0 && (items & STATUS_SIZE) != 0)
		ret = mailbox_get_vsize_sum(box, &status_r->size);
	return ret;
}

int mailbox_get_status_by_name(struct mail_user *user, const char *vname,
	enum mailbox_status_items items, struct mailbox_status *status_r)
{
	struct mailbox *box;
	int ret;

	memset(status_r, 0, sizeof(*status_r));
	mail_user_clear_error(user);
	SCRATCH_BEGIN {
		ret = mailbox_open_backend(user, vname, 0, &box);
	} SCRATCH_END;
	if (ret < 0)
		return -1;
	ret = index_sync_mailbox(box, 0);
	if (ret == 0)
		ret = mailbox_status_from_index(box, items, status_r);
	mailbox_free(box);
	return ret;
}

int mailbox_get_status(struct mailbox *box, enum mailbox_status_items items,
	struct mailbox_status *status_r)
{
	uint32_t seq;

	memset(status_r, 0, sizeof(*status_r));
	mail_user_clear_error(box->user);
	status_r->messages = box->count;
	status_r->recent = box->recent_count;
	status_r->uidvalidity = box->uidvalidity;
	status_r->uidnext = box->uidnext;
	status_r->highest_modseq = box->highest_modseq;
	for (seq = 1; seq <= box->count; seq++) {
		uint8_t f = box->flags[seq - 1];

		if ((f & MAIL_SEEN) == 0) {
			if (status_r->first_unseen_seq == 0)
				status_r->first_unseen_seq = seq;
			status_r->unseen++;
		}
		if ((f & MAIL_DELETED) != 0)
			status_r->deleted++;
	}
	if ((items & STATUS_SIZE) != 0)
		return mailbox_get_vsize_sum(box, &status_r->size);
	return 0;
}
