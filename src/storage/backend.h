/*
 * backend.h - what a mail store backend (Maildir now, mbox later)
 * implements for the storage core.
 *
 * The division of work: the backend owns the files (layout of mailboxes
 * on disk, message files, UIDs and their locking, flags as the store keeps
 * them, subscriptions); the core owns everything else (names and
 * namespaces, the SQLite index, views, modseqs, \Recent, search, caching).
 * The store is the source of truth for which messages exist, their UIDs,
 * flags and storable keywords; the index is rebuilt from what sync_scan()
 * reports.
 *
 * Names given to a backend are "storage names": the mailbox name without
 * the namespace prefix, in UTF-8, with levels joined by the namespace's
 * separator (storage->hier_sep); the backend encodes them for disk
 * (modified UTF-7 unless the location has :UTF-8).  "INBOX" (any case) is
 * the user's INBOX.
 *
 * Messages are identified by UID plus a "key", the backend's current
 * handle (Maildir: "cur/<file name>" or "new/<file name>").  Keys change
 * when flags change; the core stores the last one it was told and the
 * backend reports a new key whenever it finds the message elsewhere.
 *
 * Every operation may block on disk I/O and on the store's locks.  0 on
 * success, -1 on failure with the error set through
 * mail_storage_set_error() / mail_storage_set_critical().
 */
#ifndef ROOST_STORAGE_BACKEND_H
#define ROOST_STORAGE_BACKEND_H

#include "buf.h"
#include "storage.h"

struct mail_user;
struct mail_storage;
struct backend_mailbox;
struct backend_save;

/* mail_location parsed: "<driver>:<root>[:KEY=VALUE...][:UTF-8]". */
struct mail_location {
	const char *driver;
	/* Expanded root directory (absolute). */
	const char *root;
	/* INDEX=, CONTROL=, INBOX= (NULL when not given). */
	const char *index_dir;
	const char *control_dir;
	const char *inbox_path;
	/* LAYOUT= ("maildir++" when not given for Maildir, "fs"). */
	const char *layout;
	/* DIRNAME= (fs layout: the Maildir of a mailbox is a subdirectory
	   of this name); NULL when not given. */
	const char *dirname;
	/* SUBSCRIPTIONS= file name (default "subscriptions"). */
	const char *subscriptions_name;
	/* :UTF-8: mailbox names on disk in UTF-8, not modified UTF-7. */
	bool utf8;
};

/* Per-user settings the backends use (mail_fsync, hard links, ...). */
enum mail_fsync_mode {
	MAIL_FSYNC_OPTIMIZED,
	MAIL_FSYNC_ALWAYS,
	MAIL_FSYNC_NEVER,
};

/* One storage location of a namespace.  Created by the core; the
   backend fills hier_sep and context in its init(). */
struct mail_storage {
	const struct mail_backend_ops *ops;
	struct mail_user *user;
	/* Memory living as long as the storage (the user's). */
	struct arena *arena;
	struct mail_location location;
	/* Hierarchy separator of storage names: the namespace's separator
	   when configured, else 0 and storage_init() sets the backend's
	   native one ('.' Maildir++, '/' fs). */
	char hier_sep;
	/* The backend's own state. */
	void *context;
	/* Settings copied from the user. */
	enum mail_fsync_mode fsync_mode;
	bool copy_with_hardlinks;
	bool save_crlf;
	/* maildir_very_dirty_syncs: trust an unchanged cur/ mtime even when
	   it was recent at the last scan (cur/ is ours alone). */
	bool very_dirty_syncs;
	/* Mode for new files/dirs (0600/0700 unless the root says
	   otherwise, as Dovecot derives from the root directory). */
	mode_t file_mode, dir_mode;
	/* Seconds to wait for a store lock (mail_max_lock_timeout; 0 =
	   Dovecot's default). */
	unsigned int lock_timeout_secs;
};

/* Listing callback: a mailbox (or hierarchy-only level when existence is
   MAILBOX_EXISTENCE_NOSELECT).  Return 0 to continue, -1 to stop. */
typedef int backend_list_callback_t(void *context, const char *storage_name,
	enum mailbox_existence existence);

/* One message reported by sync_scan(), in ascending UID order. */
struct backend_mail_rec {
	uint32_t uid;
	/* The backend's current key for the message. */
	const char *key;
	/* System flags (MAIL_FLAGS_STORE_MASK). */
	enum mail_flags flags;
	/* Keywords the store has for the message (names). */
	const char *const *keywords;
	unsigned int keywords_count;
	/* Message GUID, NULL = the core derives none (Maildir gives the G
	   extension or the base name). */
	const char *guid;
	/* (uint64_t)-1 when the store doesn't know them cheaply. */
	uint64_t physical_size, virtual_size;
	/* The message was found as new by the backend (Maildir: in new/).
	   Informational: the index gives \Recent to every message new to
	   it, as Dovecot does. */
	bool recent;
};

/* The header values of a scan. */
struct backend_sync_info {
	uint32_t uidvalidity;
	uint32_t next_uid;
	/* Mailbox GUID as 32 hex digits (may be NULL). */
	const char *guid;
};

/* Called by sync_scan() for each message; the pointers are valid only
   during the call.  Return 0, or -1 to abort the scan. */
typedef int backend_sync_callback_t(void *context,
	const struct backend_mail_rec *rec);

enum backend_sync_flags {
	/* Move messages from new/ to cur/ (a read-write SELECT claims
	   them; EXAMINE and STATUS don't). */
	BACKEND_SYNC_FLAG_MOVE_NEW = 0x01,
};

/* What a save carries to the store at commit. */
struct backend_save_info {
	enum mail_flags flags;
	const char *const *keywords;
	unsigned int keywords_count;
	time_t received_date;
	/* Sizes of the written message. */
	uint64_t physical_size, virtual_size;
	/* GUID to record in the store (NULL = none, the key is the GUID). */
	const char *guid;
};

struct mail_backend_ops {
	const char *name;

	/* Checks the location and sets storage->hier_sep and ->context; no
	   disk access.  0, or -1 with a config error in *error_r. */
	int (*storage_init)(struct mail_storage *storage, const char **error_r);
	void (*storage_deinit)(struct mail_storage *storage);
	/* Directory for the user's index when the location has no INDEX=:
	   the mail root. */
	const char *(*get_index_dir)(struct mail_storage *storage);
	/* Whether a storage name can be stored (the core has already
	   checked the generic rules); false sets MAIL_ERROR_PARAMS. */
	bool (*name_is_valid)(struct mail_storage *storage, const char *name);

	/* Every mailbox and hierarchy level of the storage, in no
	   particular order.  INBOX is reported when it exists. */
	int (*list)(struct mail_storage *storage,
		backend_list_callback_t *callback, void *context);
	int (*mailbox_exists)(struct mail_storage *storage, const char *name,
		enum mailbox_existence *existence_r);
	/* Creates a mailbox (directory: a hierarchy level only when the
	   layout can have one).  Missing parents are created.  Fails with
	   MAIL_ERROR_EXISTS if it exists. */
	int (*mailbox_create)(struct mail_storage *storage, const char *name,
		bool directory);
	/* Deletes the mailbox's messages and its own files; child
	   mailboxes stay.  With no children left the directory goes. */
	int (*mailbox_delete)(struct mail_storage *storage, const char *name);
	/* Renames a mailbox and its children (not INBOX). */
	int (*mailbox_rename)(struct mail_storage *storage,
		const char *old_name, const char *new_name);
	/* Path identifying the mailbox on disk (the index's key for it). */
	const char *(*mailbox_get_path)(struct mail_storage *storage,
		const char *name);

	/* Subscribed storage names (NULL-terminated, from arena). */
	int (*subscriptions_read)(struct mail_storage *storage,
		struct arena *arena, const char *const **names_r);
	/* Adds or removes one name. */
	int (*subscription_set)(struct mail_storage *storage, const char *name,
		bool subscribed);

	/* Opens an existing mailbox for syncing and message access (INBOX is
	   created when missing).  MAIL_ERROR_NOTFOUND when it doesn't
	   exist. */
	int (*mailbox_open)(struct mail_storage *storage, const char *name,
		struct backend_mailbox **bbox_r);
	void (*mailbox_close)(struct backend_mailbox **bbox);

	/*
	 * The mailbox's change stamp: a small opaque blob (directory mtimes,
	 * the UID list's identity, when it was taken) appended to stamp.
	 * The index stores the stamp of its last full scan.  own_change: the
	 * stamp is taken right after this process changed the store itself
	 * while holding the index write lock (see docs/storage.md, "Dirty
	 * syncs"): changes of the message directory are then trusted to be
	 * ours, new arrivals are not.
	 */
	int (*get_stamp)(struct backend_mailbox *bbox, bool own_change,
		struct buf *stamp);
	/*
	 * Whether the store may have changed since stamp was taken: 0 with
	 * *changed_r false only when nothing can have changed (a stamp taken
	 * too close to a change, within the file system's timestamp
	 * granularity, counts as changed).  Never scans messages.
	 */
	int (*stamp_check)(struct backend_mailbox *bbox, const void *stamp,
		size_t stamp_size, bool *changed_r);
	/* Directories whose changes mean the mailbox may have changed
	   (for inotify); NULL-terminated, from arena. */
	void (*get_notify_dirs)(struct backend_mailbox *bbox,
		struct arena *arena, const char *const **dirs_r);
	/* Whether messages wait to be moved out of new/ (a read-write
	   SELECT then scans even when the stamp is unchanged). */
	bool (*has_new)(struct backend_mailbox *bbox);
	/*
	 * Scans the store: assigns UIDs to messages that have none (under the
	 * store's UID lock, Dovecot compatible), then reports the header in
	 * *info_r and every message in UID order through callback.  A UID
	 * list that had to be recreated gets a new UIDVALIDITY and the core
	 * rebuilds the mailbox.
	 */
	int (*sync_scan)(struct backend_mailbox *bbox,
		enum backend_sync_flags flags, struct backend_sync_info *info_r,
		backend_sync_callback_t *callback, void *context);

	/*
	 * Opens a message's file read-only.  When the key is stale the
	 * backend looks for the message (Maildir: by base name) and returns
	 * the new key in *new_key_r (from arena; NULL when unchanged).
	 * MAIL_ERROR_EXPUNGED when it's gone.
	 */
	int (*mail_open)(struct backend_mailbox *bbox, uint32_t uid,
		const char *key, struct arena *arena, int *fd_r,
		const char **new_key_r);
	/* The message's received date (Maildir: the file's mtime). */
	int (*mail_get_received_date)(struct backend_mailbox *bbox,
		uint32_t uid, const char *key, struct arena *arena,
		time_t *date_r, const char **new_key_r);
	/*
	 * Sets the stored flags and keywords of a message to exactly these.
	 * Keywords the store can't hold (Maildir: beyond 26 letters) are
	 * skipped (the core keeps them in the index).  *new_key_r from arena
	 * (NULL when unchanged).  MAIL_ERROR_EXPUNGED when gone.
	 */
	int (*mail_set_flags)(struct backend_mailbox *bbox, uint32_t uid,
		const char *key, enum mail_flags flags,
		const char *const *keywords, unsigned int keywords_count,
		struct arena *arena, const char **new_key_r);
	/* Whether the store can record keyword name on messages (it exists
	   or can still be created). */
	bool (*keyword_is_storable)(struct backend_mailbox *bbox,
		const char *name);
	/* Removes a message.  Already gone is success (*existed_r false). */
	int (*mail_expunge)(struct backend_mailbox *bbox, uint32_t uid,
		const char *key, bool *existed_r);

	/* Starts a new message in the store's temporary area. */
	int (*save_begin)(struct backend_mailbox *bbox,
		struct backend_save **save_r);
	/* Appends message bytes (the backend may convert line endings as
	   its settings say: Maildir stores LF unless mail_save_crlf). */
	int (*save_write)(struct backend_save *save, const void *data,
		size_t size);
	/*
	 * Stages a copy of another mailbox's message of the same backend,
	 * done at commit, sharing the data when possible (hard link).
	 * Returns 1 when staged, 0 when this backend can't copy it this way
	 * (e.g. a copy into the same Maildir folder, where a hard link would
	 * give two files one base name): the core then copies the bytes
	 * through save_begin().  -1 on error.
	 */
	int (*save_link)(struct backend_mailbox *bbox,
		struct backend_mailbox *src_bbox, uint32_t src_uid,
		const char *src_key, struct backend_save **save_r);
	/* The message is complete (info is copied; its sizes are ignored
	   for save_begin() saves, the backend counts them). */
	int (*save_finish)(struct backend_save *save,
		const struct backend_save_info *info);
	/*
	 * Makes the finished saves visible with consecutive new UIDs (into
	 * uids_r[0..count)) under the store's UID lock, durable per
	 * mail_fsync.  keys_r[i] (from arena) is each message's key,
	 * psizes_r/vsizes_r its sizes.  All or nothing: on failure no
	 * message is visible.  A staged copy whose source was expunged
	 * fails the commit with MAIL_ERROR_EXPUNGED.
	 */
	int (*save_commit)(struct backend_mailbox *bbox,
		struct backend_save *const *saves, unsigned int count,
		struct arena *arena, uint32_t *uids_r, const char **keys_r,
		uint64_t *psizes_r, uint64_t *vsizes_r);
	/* Frees a save; its temporary file is removed unless committed. */
	void (*save_free)(struct backend_save **save);
};

/* The backend table (backends.c): NULL when driver is unknown.  The
   driver name compares case-insensitively ("Maildir"). */
const struct mail_backend_ops *mail_backend_find(const char *driver);

/*
 * Error reporting for backends and the core: sets the user's last error.
 * _set_error takes a client-safe text; _set_critical logs the text as an
 * error (with the user's log prefix) and sets MAIL_ERROR_TEMP with
 * Dovecot's "Internal error occurred..." text.
 */
void mail_storage_set_error(struct mail_storage *storage,
	enum mail_error error, const char *text);
void mail_storage_set_critical(struct mail_storage *storage,
	const char *fmt, ...) ATTR_FORMAT(2, 3);

#endif
