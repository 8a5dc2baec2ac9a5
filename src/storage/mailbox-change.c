/*
 * mailbox-change.c - changing the mailbox tree: DELETE (with the index
 * row forgotten for good), RENAME (hierarchies, INBOX, levels that exist
 * only through their children) and subscriptions, with Dovecot 2.3's
 * checks and texts.
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "str.h"
#include "mail-utf8.h"
#include "index/mail-index.h"

#include <strings.h>

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
