/*
 * storage-private.h - the structures behind storage.h, shared by the core
 * files of src/storage (not by backends, which see backend.h only, nor by
 * callers).
 */
#ifndef ROOST_STORAGE_PRIVATE_H
#define ROOST_STORAGE_PRIVATE_H

#include "storage.h"
#include "backend.h"
#include "array.h"

struct config;
struct config_filter;
struct var_expand_table;
struct mail_index;
struct mailbox_notify;
struct message_part;
struct sqlite3_stmt;

/* Longest vname accepted (bytes), as Dovecot's
   MAILBOX_LIST_NAME_MAX_LENGTH. */
#define MAILBOX_NAME_MAX_LENGTH 4096
/* Default wait for another process's index write lock. */
#define MAIL_INDEX_DEFAULT_BUSY_MSECS (3 * 60 * 1000)
/* Expunge history kept per mailbox before the oldest is dropped. */
#define MAIL_EXPUNGE_HISTORY_MAX 100000

enum mailbox_auto {
	MAILBOX_AUTO_NO,
	MAILBOX_AUTO_CREATE,
	MAILBOX_AUTO_SUBSCRIBE,
};

/* mailbox NAME { auto special_use } of a namespace. */
struct mailbox_setting {
	/* namespace-relative name with the namespace separator */
	const char *name;
	enum mailbox_auto autocreate;
	enum mailbox_info_flags special_use;
};

struct mail_namespace_priv {
	/* must be first: callers see this part */
	struct mail_namespace ns;
	struct mail_user *user;
	struct mail_storage *storage;
	/* the namespace that stores this one's subscriptions (itself when
	   subscriptions = yes) */
	struct mail_namespace_priv *sub_owner;
	struct mailbox_setting *boxes;
	unsigned int boxes_count;
	/* auto mailboxes were created in this process */
	bool autocreated;
};
#define NS_PRIV(ns) ((struct mail_namespace_priv *)(ns))

struct mail_user {
	struct arena *arena;
	const struct config *config;
	const char *username;
	const char *home;
	const char *service;
	const char *session_id;
	/* the user's config filter (protocol = service) */
	struct config_filter *filter;
	const struct var_expand_table *var_table;
	/* userdb "mail" (NULL = mail_location) */
	const char *mail_location_override;

	struct mail_namespace **namespaces;
	unsigned int namespaces_count;

	/* the index (opened lazily; NULL after mail_user_release_memory) */
	struct mail_index *index;
	const char *index_dir;
	/* the INBOX store existed when the index was first opened */
	bool store_checked;

	struct mailbox *boxes;

	/* settings */
	enum mail_fsync_mode fsync_mode;
	bool copy_with_hardlinks;
	bool save_crlf;
	bool mail_debug;
	bool very_dirty_syncs;
	unsigned int max_keyword_length;
	unsigned int idle_check_interval_secs;
	unsigned int lock_timeout_secs;

	enum mail_error error;
	char error_text[512];
};

/* A message's row in the view: UID in uids[], flags in flags[]. */
struct mailbox {
	struct mailbox *prev, *next;
	struct arena *arena;
	struct mail_user *user;
	struct mail_namespace *ns;
	struct mail_storage *storage;
	const char *vname;
	const char *storage_name;
	const char *path;
	enum mailbox_open_flags open_flags;
	struct backend_mailbox *bbox;

	/* index identity: row id and the database generation it belongs
	   to (a rebuilt database has other ids and modseqs) */
	int64_t index_id;
	uint64_t index_generation;

	uint32_t uidvalidity;
	uint32_t uidnext;
	/* everything up to this modseq is reflected in the view */
	uint64_t highest_modseq;

	/* the view: count messages, sorted by UID; heap arrays */
	uint32_t *uids;
	uint8_t *flags;
	uint32_t count, alloc;
	/* \Recent of this session: MAIL_RECENT in flags[]; new messages
	   with UIDs in [recent_uid_lo, recent_uid_hi] get it when added */
	uint32_t recent_count;
	uint32_t recent_uid_lo, recent_uid_hi;
	/* expunges seen but not reported (MAILBOX_SYNC_FLAG_NO_EXPUNGES) */
	uint32_t *pending_expunges;
	unsigned int pending_expunges_count;
	/* modseqs of this view's own commits since the last sync */
	uint64_t own_modseqs[8];
	unsigned int own_modseqs_count;
	bool own_modseqs_overflow;

	/* keyword names in index order (mailbox row keywords) */
	char **keywords;
	unsigned int keywords_count;
	char *keywords_str;

	struct mailbox_notify *notify;
	bool readonly;
	bool deleted;
};

/* ---- errors (mail-user.c) ---- */
void mail_user_set_error(struct mail_user *user, enum mail_error error,
	const char *text);
void mail_user_set_critical(struct mail_user *user, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
void mail_user_clear_error(struct mail_user *user);
/* Logs an internal index error and sets MAIL_ERROR_TEMP. */
void mail_user_set_index_error(struct mail_user *user);

/*
 * The user's index, opened (or reopened after corruption or replacement)
 * as needed.  NULL with the error set.
 */
struct mail_index *mail_user_get_index(struct mail_user *user);

/* ---- names (mail-namespace.c) ---- */
/*
 * Resolves vname: its namespace and storage name (INBOX normalised).
 * -1 with MAIL_ERROR_NOTFOUND when no namespace holds the name.
 */
int mail_namespace_resolve(struct mail_user *user, const char *vname,
	struct mail_namespace **ns_r, const char **storage_name_r);
/* The vname of a storage name in ns (scratch memory). */
const char *mail_namespace_get_vname(struct mail_namespace *ns,
	const char *storage_name);
/* Normalises "inbox" / "Inbox/x" to "INBOX..." (scratch or vname). */
const char *mail_namespace_normalize_vname(struct mail_user *user,
	const char *vname);
/* The mailbox { } setting for storage_name in ns, or NULL. */
const struct mailbox_setting *mail_namespace_find_setting(
	struct mail_namespace *ns, const char *storage_name);
/* Creates the auto = create|subscribe mailboxes of ns (once). */
int mail_namespace_autocreate(struct mail_namespace *ns);
/* Parses namespaces from the configuration (mail-namespace.c). */
int mail_namespaces_init(struct mail_user *user, const char **error_r);
void mail_namespaces_deinit(struct mail_user *user);
/* Parses a location string (mail-location.c). */
int mail_location_parse(struct mail_user *user, const char *str,
	struct arena *arena, struct mail_location *loc_r,
	const char **error_r);
/* Expands %variables and "~/" of str (mail-location.c); scratch result. */
int mail_user_expand(struct mail_user *user, const char *str,
	const char **result_r, const char **error_r);

/* ---- mailboxes (mailbox.c; changes in mailbox-change.c) ---- */
/* Dovecot's checks of a name inside its namespace, in its order and with
   its texts (create adds those of a new name).  NULL when it passes. */
const char *mailbox_name_problem(struct mail_namespace *ns,
	const char *name, bool create);
/* The namespace checks of vname.  0, or -1 with the error set. */
int mailbox_name_check(struct mail_user *user, const char *vname,
	bool create, struct mail_namespace **ns_r,
	const char **storage_name_r);
/* Resolves a name for an operation that needs a real mailbox name (the
   namespace's auto mailboxes created first).  0 or -1. */
int mailbox_resolve(struct mail_user *user, const char *vname,
	struct mail_namespace **ns_r, struct mail_storage **storage_r,
	const char **storage_name_r);
/* An auto = create/subscribe mailbox, which always exists. */
bool mailbox_is_auto(struct mail_namespace *ns, const char *storage_name);
/* Looks up or creates the index row of box; fills index_id,
   uidvalidity etc.  0 or -1. */
int mailbox_index_attach(struct mailbox *box);
/* Reloads the keyword list from the index row (keywords column). */
void mailbox_keywords_set(struct mailbox *box, const char *str);
/* Index of keyword name in box's list, -1 if not defined. */
int mailbox_keyword_lookup(const struct mailbox *box, const char *name);

/* ---- index sync (index-sync.c) ---- */
enum index_sync_flags {
	INDEX_SYNC_FLAG_FULL = 0x01,
	/* claim new messages as \Recent for this view */
	INDEX_SYNC_FLAG_CLAIM_RECENT = 0x02,
	/* move new/ to cur/ */
	INDEX_SYNC_FLAG_MOVE_NEW = 0x04,
};
/*
 * Brings box's index rows in step with the store (scanning only when the
 * store's stamp changed).  Must not be called inside an index
 * transaction.  0 or -1.
 */
int index_sync_mailbox(struct mailbox *box, enum index_sync_flags flags);
/* Allocates the next modseq of box's row inside the current write
   transaction. */
int index_mailbox_next_modseq(struct mailbox *box, uint64_t *modseq_r);
/* Removes every index row of mailbox row id (delete / uidvalidity
   change).  Inside a write transaction. */
int index_mailbox_clear_messages(struct mail_index *index, int64_t id);

static inline int64_t index_msg_id(int64_t mailbox_id, uint32_t uid)
{
	return (int64_t)(((uint64_t)mailbox_id << 32) | uid);
}

/* Keyword bitmaps (index rows store them as BLOBs, bit n = keyword n). */
struct keyword_bits {
	uint8_t *bits;
	unsigned int size;
};
/* Sets bit idx, growing bits in arena. */
void keyword_bits_set(struct arena *arena, struct keyword_bits *kb,
	unsigned int idx);
static inline bool keyword_bits_has(const void *bits, unsigned int size,
	unsigned int idx)
{
	return idx / 8 < size &&
		(((const uint8_t *)bits)[idx / 8] & (1U << (idx % 8))) != 0;
}
/* Size without trailing zero bytes. */
unsigned int keyword_bits_trim(const void *bits, unsigned int size);

/* ---- view (mailbox-view.c) ---- */
void mailbox_view_free(struct mailbox *box);
/* Loads the whole message list of box from the index (open). */
int mailbox_view_load(struct mailbox *box);
void mailbox_view_add_own_modseq(struct mailbox *box, uint64_t modseq);
/* Updates the view's flags of uid (after a commit). */
void mailbox_view_set_flags(struct mailbox *box, uint32_t uid,
	enum mail_flags flags);

/* ---- message data (mail.c) ---- */
/* Sum of the messages' virtual sizes (STATUS SIZE), computing missing
   ones.  0 or -1. */
int mailbox_get_vsize_sum(struct mailbox *box, uint64_t *size_r);

/* Internal accessors of struct mail for search, sort and copy. */
/* Points the handle at uid, which need not be in the view (seq 0). */
void mail_set_uid_direct(struct mail *mail, uint32_t uid);
struct mailbox *mail_get_box(const struct mail *mail);
int mail_get_cached_headers(struct mail *mail, const void **hdrs_r,
	size_t *size_r);
int mail_get_mapped(struct mail *mail, const void **data_r, size_t *size_r);
int64_t mail_get_index_id(const struct mail *mail);
int mail_get_key(struct mail *mail, const char **key_r);
uint8_t mail_get_stored_flags(struct mail *mail);
const uint8_t *mail_get_keyword_bits(struct mail *mail, unsigned int *size_r);

/* ---- message cache (mail-cache.c) ---- */
/* Whether header field name is kept in the cache's hdrs column. */
bool mail_cache_header_is_cached(const char *name);
/*
 * Parses the message in file data[0..size) and stores its parse cache
 * (ENVELOPE, BODYSTRUCTURE, BODY, part tree, sort/thread headers) and,
 * with fts, its full-text row, for message id (mailbox id << 32 | uid).
 * Called inside or outside a write transaction.  0 or -1.
 */
int mail_cache_fill(struct mail_index *index, int64_t id, const void *data,
	size_t size, bool fts);
/* Adds the full-text row of a message.  0 or -1. */
int mail_cache_fill_fts(struct mail_index *index, int64_t id,
	const void *data, size_t size);

/* ---- full text (mail-search-fts.c) ---- */
/* Indexes the text of messages that have no FTS row yet.  0 or -1. */
int mailbox_fts_catch_up(struct mailbox *box);
/*
 * UIDs whose indexed text contains key (BODY: body only; TEXT: header or
 * body), sorted, and the UIDs whose indexed text is partial (the caller
 * checks those itself).  Arrays from arena.  0 or -1.
 */
int mailbox_fts_lookup(struct mailbox *box, const char *key, bool body_only,
	struct arena *arena, uint32_t **uids_r, unsigned int *count_r,
	uint32_t **partial_r, unsigned int *partial_count_r);

/* ---- sort/thread data (mail-sort.c) ---- */
struct mail_sort_row {
	uint32_t seq, uid;
	time_t received;
	time_t date;        /* sent date, or received when unknown */
	uint64_t vsize;
	const char *base_subject;
	/* the Subject had a reply/forward prefix (THREAD=REFERENCES) */
	bool subject_reply;
	const char *from, *to, *cc, *display_from, *display_to;
	const char *message_id, *in_reply_to, *refs;
};
/*
 * The sort/thread values of the messages seqs[0..count) (from the index
 * cache, filling what is missing), rows from arena in seqs order.
 */
int mailbox_get_sort_rows(struct mailbox *box, const uint32_t *seqs,
	unsigned int count, struct arena *arena,
	struct mail_sort_row **rows_r);

/* ---- notify (mailbox-notify.c) ---- */
void mailbox_notify_free(struct mailbox *box);

#endif
