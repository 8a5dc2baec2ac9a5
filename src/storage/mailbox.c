/*
 * mailbox.c - mailbox-level operations: name checks, existence, create,
 * keywords, the index row, opening/closing views and STATUS (delete,
 * rename and subscriptions are in mailbox-change.c).
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
const char *mailbox_name_problem(struct mail_namespace *ns,
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
int mailbox_name_check(struct mail_user *user, const char *vname,
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
int mailbox_resolve(struct mail_user *user, const char *vname,
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
bool mailbox_is_auto(struct mail_namespace *ns,
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
