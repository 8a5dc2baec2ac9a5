/*
 * backend-maildir.h - state shared by the files of the Maildir backend
 * (backend-maildir.c: layout, sync and message operations;
 * backend-maildir-save.c: saving and copying).  The on-disk work itself is
 * done by src/storage/maildir/; these files adapt it to backend.h.
 */
#ifndef ROOST_BACKEND_MAILDIR_H
#define ROOST_BACKEND_MAILDIR_H

#include "backend.h"
#include "maildir-list.h"
#include "maildir-ops.h"

struct maildir_keywords;
struct maildir_uidlist;

#define MAILDIR_GUID_HEX_BUF_SIZE 40

struct maildir_backend_storage {
	struct maildir_list_settings list_set;
	struct maildir_settings set;
	/* where the subscriptions file lives (CONTROL= or the root) */
	const char *subscriptions_path;
	/* INBOX= */
	const char *inbox_path;
};

struct backend_mailbox {
	struct mail_storage *storage;
	struct arena *arena;
	const char *name;
	/* the folder's Maildir directory */
	const char *dir;
	const char *uidlist_path;
	const char *keywords_path;
	struct maildir_uidlist *ul;
	struct maildir_keywords *kw;
	struct maildir_permissions perm;
	/* the mailbox GUID of the last scan, as hex */
	char guid_hex[MAILDIR_GUID_HEX_BUF_SIZE];
};

static inline struct maildir_backend_storage *
maildir_storage(struct mail_storage *storage)
{
	return storage->context;
}

/* "cur/<fname>" -> "<fname>" (the maildir functions take bare names). */
const char *maildir_key_fname(const char *key);
/* Frees the in-memory dovecot-uidlist (re-read when next needed). */
void maildir_backend_release_uidlist(struct backend_mailbox *bbox);
/* mail_fsync as the maildir library spells it. */
bool maildir_backend_do_fsync(const struct mail_storage *storage);
/*
 * The letters bit mask for keyword names, creating missing ones in
 * dovecot-keywords (which must happen under dovecot-uidlist.lock: taken
 * here unless lock_held).  Names that don't fit (26 letters used) are left
 * out.  0 or -1 (error set).
 */
int maildir_backend_keywords_to_bits(struct backend_mailbox *bbox,
	const char *const *keywords, unsigned int count, bool lock_held,
	uint32_t *bits_r);

/* backend-maildir-save.c */
int maildir_backend_save_begin(struct backend_mailbox *bbox,
	struct backend_save **save_r);
int maildir_backend_save_write(struct backend_save *save, const void *data,
	size_t size);
int maildir_backend_save_link(struct backend_mailbox *bbox,
	struct backend_mailbox *src_bbox, uint32_t src_uid,
	const char *src_key, struct backend_save **save_r);
int maildir_backend_save_finish(struct backend_save *save,
	const struct backend_save_info *info);
int maildir_backend_save_commit(struct backend_mailbox *bbox,
	struct backend_save *const *saves, unsigned int count,
	struct arena *arena, uint32_t *uids_r, const char **keys_r,
	uint64_t *psizes_r, uint64_t *vsizes_r);
void maildir_backend_save_free(struct backend_save **save);

#endif
