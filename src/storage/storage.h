/*
 * storage.h - the mail model every protocol and tool works on: users,
 * namespaces, mailboxes, messages.
 *
 * The model (docs/storage.md has the long version):
 *
 *  - A struct mail_user is one logged-in user in this process: the
 *    configuration seen through the user's filter, the expanded
 *    mail_location, the namespaces, and the user's index (one SQLite
 *    database, a cache of the mail store; see index/index.h).
 *  - A namespace (namespace NAME { ... } in dovecot.conf) gives a prefix
 *    and a hierarchy separator to the mailboxes of one storage location.
 *  - Mailboxes are named by their "vname": the full name a client sees,
 *    in UTF-8 (the IMAP layer converts modified UTF-7), namespace prefix
 *    included, levels joined with the namespace's separator.  "INBOX" is
 *    matched case-insensitively.  Storage never sees IMAP syntax.
 *  - struct mailbox is an opened mailbox: the view a session keeps of it
 *    (SELECT/EXAMINE) or just a target for saving (APPEND, COPY).  A view
 *    numbers its messages 1..count (sequence numbers) and changes only
 *    when mailbox_sync() is called, which reports what the protocol has
 *    to tell the client (expunges, new messages, flag changes).
 *  - Messages are addressed by sequence number within a view; UIDs,
 *    flags, keywords and modseqs are plain C values.  struct mail reads
 *    one message (sizes, dates, ENVELOPE, BODYSTRUCTURE, headers, bytes).
 *  - Every change goes through a struct mailbox_transaction: saves,
 *    copies, flag updates and expunges are recorded and applied by
 *    mailbox_transaction_commit(), which is durable (mail_fsync) before
 *    it returns.
 *
 * Errors: functions returning int give 0 on success and -1 on failure;
 * the failure is kept on the user (mail_user_get_last_error()) with a
 * client-safe text and an enum mail_error, internal details having been
 * logged.  Nothing here blocks on the network, but everything may block on
 * disk I/O and on locks held by other processes (dovecot-uidlist.lock,
 * SQLite's write lock; bounded by mail_max_lock_timeout).
 */
#ifndef ROOST_STORAGE_H
#define ROOST_STORAGE_H

#include <time.h>

struct arena;
struct config;
struct config_filter;
struct message_part;
struct var_expand_table;

struct mail_user;
struct mail_namespace;
struct mailbox;
struct mailbox_transaction;
struct mail;
struct mail_save_context;
struct mailbox_list_iter;

/*
 * ---------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------
 */

enum mail_error {
	MAIL_ERROR_NONE = 0,
	/* Internal error: details were logged, the text is Dovecot's
	   "Internal error occurred. Refer to server log for more
	   information. [YYYY-MM-DD HH:MM:SS]". */
	MAIL_ERROR_TEMP,
	/* Operation not possible for a reason the user can't change
	   ([CANNOT]: e.g. deleting INBOX, a name with the separator). */
	MAIL_ERROR_NOTPOSSIBLE,
	/* Bad parameters ([CANNOT] Invalid mailbox name, too long keyword). */
	MAIL_ERROR_PARAMS,
	/* No permission ([NOPERM]); also writes to a read-only view. */
	MAIL_ERROR_PERM,
	/* Over quota ([OVERQUOTA]). */
	MAIL_ERROR_NOQUOTA,
	/* The mailbox doesn't exist ([NONEXISTENT], [TRYCREATE] for APPEND
	   and COPY). */
	MAIL_ERROR_NOTFOUND,
	/* The mailbox already exists ([ALREADYEXISTS]). */
	MAIL_ERROR_EXISTS,
	/* The message was expunged meanwhile ([EXPUNGEISSUED]). */
	MAIL_ERROR_EXPUNGED,
	/* A lock wait timed out ([INUSE]). */
	MAIL_ERROR_INUSE,
	/* A configured limit was reached ([LIMIT]). */
	MAIL_ERROR_LIMIT,
};

/*
 * The last error of an operation of this user: a client-safe text (never
 * NULL; "" when there was none) and its kind in *error_r (may be NULL).
 * Valid until the next storage call for the user.
 */
const char *mail_user_get_last_error(struct mail_user *user,
	enum mail_error *error_r);

/*
 * ---------------------------------------------------------------------
 * Users and namespaces
 * ---------------------------------------------------------------------
 */

struct mail_user_params {
	/* Login name: %u, %n, %d (required). */
	const char *username;
	/* userdb home; NULL or "" = none (mail_home then applies, and "~"
	   in mail_location can't be used). */
	const char *home;
	/* userdb "mail" field, overriding mail_location; NULL = none. */
	const char *mail_location;
	/* The protocol for config filters and %s: "imap", "pop3", "lmtp",
	   "doveadm" (roostadm); NULL = no protocol filter. */
	const char *service;
	/* The rest of the filter (local/remote IP, local_name); may be
	   NULL.  Its protocol member is ignored in favour of service. */
	const struct config_filter *filter;
	/* %variables for mail_location, mail_home and namespace locations;
	   NULL = a table built from username, home and service.  Copied. */
	const struct var_expand_table *var_table;
	/* Session id for log lines; may be NULL. */
	const char *session_id;
};

/*
 * Sets up a user: reads the mail settings (mail_location, mail_home,
 * mail_fsync, namespaces and their mailbox { } blocks, ...) through the
 * user's config filter, expands %variables and "~", and parses every
 * namespace location.  Nothing on disk is touched yet: directories are
 * created on first access (missing maildirs are created then, as Dovecot
 * does), so creating a user is cheap.  config must outlive the user.
 * Returns 0 and *user_r, or -1 with a message for the log in *error_r
 * ("mail_location: Unknown mail storage driver foo", "Namespace 'x':
 * Duplicate namespace prefix", ...).
 */
int mail_user_create(const struct config *config,
	const struct mail_user_params *params, struct mail_user **user_r,
	const char **error_r);
/* Closes every mailbox still open, the index, and frees the user.
   *user becomes NULL; NULL is allowed. */
void mail_user_destroy(struct mail_user **user);

const char *mail_user_get_username(const struct mail_user *user);
/* The home directory ("" when none). */
const char *mail_user_get_home(const struct mail_user *user);

/*
 * Releases what can be rebuilt on demand: closes the index connection
 * and its statement cache when no transaction is open, drops cached
 * message data.  Called by a session going idle (IDLE, after each
 * command) to keep idle sessions small; the next call reopens lazily.
 */
void mail_user_release_memory(struct mail_user *user);

enum mail_namespace_type {
	MAIL_NAMESPACE_TYPE_PRIVATE,
	MAIL_NAMESPACE_TYPE_SHARED,
	MAIL_NAMESPACE_TYPE_PUBLIC,
};

enum mail_namespace_list {
	/* list = yes: mailboxes and the prefix itself are listed */
	MAIL_NAMESPACE_LIST_YES,
	/* list = no: nothing is listed, names are still reachable */
	MAIL_NAMESPACE_LIST_NO,
	/* list = children: the prefix is listed only when it has children */
	MAIL_NAMESPACE_LIST_CHILDREN,
};

/* A namespace as configured.  Read-only for callers; lives as long as
   the user. */
struct mail_namespace {
	/* The section name ("inbox"; "" for an anonymous section). */
	const char *name;
	enum mail_namespace_type type;
	/* As configured, ending with sep unless empty ("INBOX.", "Public/"). */
	const char *prefix;
	/* The hierarchy separator clients see. */
	char sep;
	/* This namespace holds INBOX. */
	bool inbox;
	/* Not shown by NAMESPACE. */
	bool hidden;
	enum mail_namespace_list list;
	/* The namespace keeps its own subscriptions. */
	bool subscriptions;
};

/*
 * The user's namespaces in configuration order (the order NAMESPACE
 * lists them in); never NULL; *count_r set.  When the configuration has
 * no namespace the user gets Dovecot's default: an unnamed private
 * namespace with an empty prefix, inbox = yes and the storage's native
 * separator.
 */
struct mail_namespace *const *mail_user_get_namespaces(
	struct mail_user *user, unsigned int *count_r);

/*
 * The namespace a vname belongs to: the one with the longest prefix that
 * the name starts with (or equals without the trailing separator), INBOX
 * and its children going to the inbox = yes namespace.  Never NULL when
 * the user has a namespace with an empty prefix; otherwise NULL for a
 * name outside every namespace.
 */
struct mail_namespace *mail_namespace_find(struct mail_user *user,
	const char *vname);
/* The namespace with inbox = yes. */
struct mail_namespace *mail_namespace_find_inbox(struct mail_user *user);

/*
 * ---------------------------------------------------------------------
 * Mailbox names, list, create, delete, rename, subscriptions
 * ---------------------------------------------------------------------
 */

/* LIST attributes (RFC 3501, 3348, 5258, 6154). */
enum mailbox_info_flags {
	MAILBOX_NOSELECT = 0x0001,
	MAILBOX_NONEXISTENT = 0x0002,
	MAILBOX_CHILDREN = 0x0004,
	MAILBOX_NOCHILDREN = 0x0008,
	MAILBOX_NOINFERIORS = 0x0010,
	MAILBOX_MARKED = 0x0020,
	MAILBOX_UNMARKED = 0x0040,
	MAILBOX_SUBSCRIBED = 0x0080,
	/* a child (at any depth) is subscribed (LIST-EXTENDED
	   RECURSIVEMATCH: CHILDINFO ("SUBSCRIBED")) */
	MAILBOX_CHILD_SUBSCRIBED = 0x0100,

	/* special-use (RFC 6154) */
	MAILBOX_SPECIALUSE_ALL = 0x01000,
	MAILBOX_SPECIALUSE_ARCHIVE = 0x02000,
	MAILBOX_SPECIALUSE_DRAFTS = 0x04000,
	MAILBOX_SPECIALUSE_FLAGGED = 0x08000,
	MAILBOX_SPECIALUSE_JUNK = 0x10000,
	MAILBOX_SPECIALUSE_SENT = 0x20000,
	MAILBOX_SPECIALUSE_TRASH = 0x40000,
	MAILBOX_SPECIALUSE_IMPORTANT = 0x80000,
};
#define MAILBOX_SPECIALUSE_MASK 0xff000

/*
 * Parses a special_use value ("\Sent \Archive"), returning its flags;
 * unknown words are ignored (and logged by mail_user_create()).
 */
enum mailbox_info_flags mailbox_special_use_parse(const char *str);
/* "\All", "\Archive", ... for one special-use flag bit; NULL if none. */
const char *mailbox_special_use_name(enum mailbox_info_flags flag);

enum mailbox_list_flags {
	/* Only subscribed mailboxes (LSUB, LIST (SUBSCRIBED)).  Subscribed
	   names that don't exist come back with MAILBOX_NONEXISTENT. */
	MAILBOX_LIST_SELECT_SUBSCRIBED = 0x01,
	/* Only mailboxes with a special-use attribute (LIST
	   (SPECIAL-USE)). */
	MAILBOX_LIST_SELECT_SPECIALUSE = 0x02,
	/* With SELECT_SUBSCRIBED: also return a non-subscribed parent of a
	   subscribed child with MAILBOX_CHILD_SUBSCRIBED (RECURSIVEMATCH). */
	MAILBOX_LIST_SELECT_RECURSIVEMATCH = 0x04,
	/* Compute MAILBOX_SUBSCRIBED for every result. */
	MAILBOX_LIST_RETURN_SUBSCRIBED = 0x10,
	/* Compute MAILBOX_CHILDREN / MAILBOX_NOCHILDREN. */
	MAILBOX_LIST_RETURN_CHILDREN = 0x20,
	/* Add special-use flags. */
	MAILBOX_LIST_RETURN_SPECIALUSE = 0x40,
	/* Leave out the namespace prefix entries ("Public" for prefix
	   "Public/"); roostadm mailbox list uses this. */
	MAILBOX_LIST_NO_PREFIX_ENTRIES = 0x80,
};

struct mailbox_info {
	const char *vname;
	char sep;
	enum mailbox_info_flags flags;
	struct mail_namespace *ns;
};

/*
 * Lists mailboxes whose vname matches one of the patterns
 * (NULL-terminated, UTF-8, full names: the IMAP layer joins reference
 * and pattern).  In a pattern '*' matches anything and '%' anything but
 * the namespace's separator; "INBOX" at the start matches
 * case-insensitively.  Listed are: existing mailboxes, the auto =
 * create|subscribe mailboxes (created on the fly), parents of matching
 * names that exist only as hierarchy levels (MAILBOX_NOSELECT, or
 * MAILBOX_NONEXISTENT when nothing exists there: RFC 5258), and namespace
 * prefixes (MAILBOX_NOSELECT) when the namespace's list setting says so.
 * INBOX comes first, then the rest of each namespace in name order.
 * Never fails here: errors show at _deinit().
 */
struct mailbox_list_iter *mailbox_list_iter_init(struct mail_user *user,
	const char *const *patterns, enum mailbox_list_flags flags);
/* The next result, or NULL at the end.  Valid until the next call. */
const struct mailbox_info *mailbox_list_iter_next(
	struct mailbox_list_iter *iter);
/* Frees the iterator.  0, or -1 (error on the user) if listing failed. */
int mailbox_list_iter_deinit(struct mailbox_list_iter **iter);

/*
 * Checks a vname for create/rename: valid UTF-8, no empty level, no
 * control characters, not longer than the storage allows, no
 * characters the storage can't store (Maildir++: no '/' when the
 * separator isn't '/'), not starting with the separator.  0, or -1 with
 * MAIL_ERROR_PARAMS and a client-safe text.
 */
int mailbox_name_verify(struct mail_user *user, const char *vname);

/* Special-use flags configured for vname (mailbox { special_use }). */
enum mailbox_info_flags mailbox_get_special_use(struct mail_user *user,
	const char *vname);

/*
 * Creates a mailbox.  directory: only a hierarchy level that can have
 * children but holds no mail (CREATE "name/" with a trailing separator;
 * with Maildir++ this is not possible and a normal mailbox is created, as
 * Dovecot does).  Missing parent levels are created as needed.  Fails
 * with MAIL_ERROR_EXISTS if it exists, MAIL_ERROR_PARAMS for a bad name.
 */
int mailbox_create(struct mail_user *user, const char *vname, bool directory);
/*
 * Deletes a mailbox and its messages.  A mailbox with children stays as a
 * \Noselect hierarchy level (RFC 3501 §6.3.4); deleting a name that is
 * only a hierarchy level with children fails (MAIL_ERROR_EXISTS, "Mailbox
 * has children, delete them first"); without children the level is
 * removed.  INBOX can't be deleted (MAIL_ERROR_NOTPOSSIBLE).  Open views
 * of the mailbox see every message expunged at their next sync.
 */
int mailbox_delete(struct mail_user *user, const char *vname);
/*
 * Renames a mailbox with all its children and creates missing parents of
 * the new name.  Both names must be in namespaces of the same storage.
 * Renaming INBOX follows RFC 3501 §6.3.5: its messages move to the new
 * mailbox (which must not exist and is created), INBOX stays, empty, and
 * its children are not touched.  The index keeps its cached data and
 * UIDVALIDITY stays (the mailbox directory moves).
 */
int mailbox_rename(struct mail_user *user, const char *old_vname,
	const char *new_vname);
/*
 * Adds or removes vname in the subscriptions of its namespace (or of the
 * namespace owning the subscriptions: subscriptions = no).  The name need
 * not exist (RFC 3501 §6.3.6); subscribing twice is not an error.
 */
int mailbox_set_subscribed(struct mail_user *user, const char *vname,
	bool subscribed);
/* Whether vname is subscribed.  0 with *subscribed_r set, or -1. */
int mailbox_is_subscribed(struct mail_user *user, const char *vname,
	bool *subscribed_r);

enum mailbox_existence {
	MAILBOX_EXISTENCE_NONE,
	/* exists only as a hierarchy level (\Noselect) */
	MAILBOX_EXISTENCE_NOSELECT,
	MAILBOX_EXISTENCE_SELECT,
};
/* Whether vname exists (auto-created mailboxes are created here). */
int mailbox_exists(struct mail_user *user, const char *vname,
	enum mailbox_existence *existence_r);

/*
 * ---------------------------------------------------------------------
 * Status
 * ---------------------------------------------------------------------
 */

enum mailbox_status_items {
	STATUS_MESSAGES = 0x01,
	STATUS_RECENT = 0x02,
	STATUS_UIDNEXT = 0x04,
	STATUS_UIDVALIDITY = 0x08,
	STATUS_UNSEEN = 0x10,
	STATUS_HIGHESTMODSEQ = 0x20,
	/* sum of the messages' RFC822.SIZE (RFC 8438 STATUS=SIZE) */
	STATUS_SIZE = 0x40,
	/* sequence of the first message without \Seen (SELECT's [UNSEEN]);
	   views only */
	STATUS_FIRST_UNSEEN_SEQ = 0x80,
	/* messages with \Deleted */
	STATUS_DELETED = 0x100,
};

struct mailbox_status {
	uint32_t messages;
	uint32_t recent;
	uint32_t uidnext;
	uint32_t uidvalidity;
	uint32_t unseen;
	/* 0 when every message is seen */
	uint32_t first_unseen_seq;
	uint32_t deleted;
	uint64_t highest_modseq;
	uint64_t size;
};

/*
 * STATUS of a mailbox by name, synced with the store first (new mail
 * delivered by other programs is counted).  RECENT counts messages no
 * session has claimed as \Recent yet.  Fails with MAIL_ERROR_NOTFOUND if
 * the mailbox doesn't exist (or is \Noselect).
 */
int mailbox_get_status_by_name(struct mail_user *user, const char *vname,
	enum mailbox_status_items items, struct mailbox_status *status_r);

/*
 * ---------------------------------------------------------------------
 * Opening a mailbox: the view
 * ---------------------------------------------------------------------
 */

enum mailbox_open_flags {
	/* EXAMINE: no changes through this view, \Recent is not claimed
	   (other sessions still see the messages as recent). */
	MAILBOX_OPEN_READONLY = 0x01,
	/* Only to save or copy into (APPEND, COPY/MOVE destination, LMTP):
	   no message list is loaded and \Recent is not claimed. */
	MAILBOX_OPEN_SAVEONLY = 0x02,
	/* Create the mailbox if it doesn't exist (LMTP into INBOX,
	   lda_mailbox_autocreate).  INBOX is always created as needed. */
	MAILBOX_OPEN_AUTOCREATE = 0x04,
};

/*
 * Opens a mailbox and, unless SAVEONLY, builds the view: syncs the index
 * with the store (cheap when nothing changed: the directories' mtimes are
 * compared with the index, no file is stat()ed), loads the UID list and
 * flags, and claims \Recent for messages no session has seen (not with
 * READONLY).  The view's memory is about 5 bytes per message.  Fails
 * with MAIL_ERROR_NOTFOUND when the mailbox doesn't exist or is only a
 * hierarchy level.
 */
int mailbox_open(struct mail_user *user, const char *vname,
	enum mailbox_open_flags flags, struct mailbox **box_r);
/* Closes the view without expunging anything (RFC 3501 implicit close,
   UNSELECT, LOGOUT).  Stops notifications.  *box becomes NULL. */
void mailbox_close(struct mailbox **box);

struct mail_user *mailbox_get_user(const struct mailbox *box);
struct mail_namespace *mailbox_get_namespace(const struct mailbox *box);
const char *mailbox_get_vname(const struct mailbox *box);
/* True for READONLY views and mailboxes the user can't write to. */
bool mailbox_is_readonly(const struct mailbox *box);
/* The mailbox's special-use flags. */
enum mailbox_info_flags mailbox_get_special_use_flags(
	const struct mailbox *box);

/*
 * The view's status (no sync: what the client was last told).  MESSAGES
 * and RECENT count the view, FIRST_UNSEEN_SEQ and UNSEEN come from the
 * view's flags, UIDNEXT/UIDVALIDITY/HIGHESTMODSEQ are those of the last
 * sync, SIZE and DELETED are computed.  0 or -1.
 */
int mailbox_get_status(struct mailbox *box, enum mailbox_status_items items,
	struct mailbox_status *status_r);

/*
 * Keywords defined in the mailbox (for the FLAGS response), in
 * definition order.  Valid until the next sync or transaction commit.
 */
const char *const *mailbox_get_keywords(struct mailbox *box,
	unsigned int *count_r);
/* Whether new keywords can be created (PERMANENTFLAGS \*): false for
   read-only views. */
bool mailbox_can_create_keywords(const struct mailbox *box);

/*
 * ---------------------------------------------------------------------
 * Sequence numbers and UIDs
 * ---------------------------------------------------------------------
 */

/* A range of sequence numbers or UIDs, seq1 <= seq2.  Arrays of ranges
   given to storage are sorted and non-overlapping (the IMAP layer's
   imap_seqset_resolve() produces exactly that). */
struct seq_range {
	uint32_t seq1, seq2;
};

/* True when n lies in one of the count ranges (any order). */
static inline bool seq_range_contains(const struct seq_range *ranges,
	unsigned int count, uint32_t n)
{
	for (unsigned int i = 0; i < count; i++) {
		if (n >= ranges[i].seq1 && n <= ranges[i].seq2)
			return true;
	}
	return false;
}

/* Number of messages in the view (EXISTS). */
uint32_t mailbox_get_count(const struct mailbox *box);
/* UID of sequence seq (1..count). */
uint32_t mailbox_get_uid(const struct mailbox *box, uint32_t seq);
/* Sequence of uid in the view, or 0. */
uint32_t mailbox_lookup_uid(const struct mailbox *box, uint32_t uid);
/* Highest UID in the view (UID "*"), 0 when empty. */
uint32_t mailbox_get_last_uid(const struct mailbox *box);
/*
 * The sequence range covering UIDs uid1..uid2: false when no message has
 * a UID in the range, else true with the first and last sequence.
 */
bool mailbox_uid_range_to_seqs(const struct mailbox *box, uint32_t uid1,
	uint32_t uid2, uint32_t *seq1_r, uint32_t *seq2_r);
/*
 * Converts sorted UID ranges to sorted sequence ranges of the messages
 * that exist (UIDs without a message are skipped, RFC 3501 §6.4.8).
 * Allocated from arena; returns the count.
 */
unsigned int mailbox_uids_to_seqs(const struct mailbox *box,
	const struct seq_range *uids, unsigned int count, struct arena *arena,
	struct seq_range **seqs_r);

/*
 * ---------------------------------------------------------------------
 * Flags
 * ---------------------------------------------------------------------
 */

/* Dovecot's values; MAIL_RECENT is per session and can't be stored. */
enum mail_flags {
	MAIL_ANSWERED = 0x01,
	MAIL_FLAGGED = 0x02,
	MAIL_DELETED = 0x04,
	MAIL_SEEN = 0x08,
	MAIL_DRAFT = 0x10,
	MAIL_RECENT = 0x20,
};
#define MAIL_FLAGS_STORE_MASK                                           \
	(MAIL_ANSWERED | MAIL_FLAGGED | MAIL_DELETED | MAIL_SEEN | MAIL_DRAFT)

/* The view's flags of seq (MAIL_RECENT included); no I/O. */
enum mail_flags mailbox_get_flags(const struct mailbox *box, uint32_t seq);

/*
 * A keyword is valid when it is an IMAP atom (no atom-specials, no '\',
 * no control or 8-bit characters), 1..mail_max_keyword_length bytes.
 * 0, or -1 with MAIL_ERROR_PARAMS ("Invalid keyword", "Keyword length
 * too long").
 */
int mailbox_keyword_verify(struct mailbox *box, const char *keyword);

/*
 * ---------------------------------------------------------------------
 * Syncing a view: what changed since the client was last told
 * ---------------------------------------------------------------------
 */

enum mailbox_sync_flags {
	/* Rescan the store even if the directories look unchanged
	   (CHECK; roostadm force-resync). */
	MAILBOX_SYNC_FLAG_FULL = 0x01,
	/* Keep expunged messages in the view and don't report them (during
	   FETCH, STORE and SEARCH, RFC 3501 §7.4.1); they are reported by the
	   next sync without this flag.  Their data reads fail with
	   MAIL_ERROR_EXPUNGED. */
	MAILBOX_SYNC_FLAG_NO_EXPUNGES = 0x02,
};

struct mailbox_sync_expunge {
	/* Sequence number at the time of reporting when the expunges are
	   reported in array order, each after the previous one was
	   removed (so expunging 3, 4, 7, 11 gives 3, 3, 5, 8). */
	uint32_t seq;
	uint32_t uid;
};

struct mailbox_changes {
	/* Expunged messages, in ascending UID order. */
	const struct mailbox_sync_expunge *expunges;
	unsigned int expunges_count;
	/* Messages whose flags, keywords or modseq changed by others,
	   as sequence numbers after the expunges, ascending; new messages
	   are not included.  Changes made through this view's own
	   transactions are left out (the protocol already answered them). */
	const uint32_t *changed_seqs;
	unsigned int changed_count;
	/* Message count before and after (EXISTS when count grew). */
	uint32_t old_count, count;
	/* \Recent count of the view after the sync, and whether it changed
	   (RECENT response). */
	uint32_t recent;
	bool recent_changed;
	/* The keyword list changed (FLAGS/PERMANENTFLAGS responses). */
	bool keywords_changed;
	/* UIDVALIDITY changed (the store was recreated): the session must
	   end (Dovecot: BYE "Mailbox UIDVALIDITY changed"). */
	bool uidvalidity_changed;
	/* The mailbox was deleted or renamed away: the session must end
	   the selection (Dovecot: BYE "Selected mailbox was removed"). */
	bool mailbox_deleted;
	uint32_t uidnext;
	uint64_t highest_modseq;
	/* MAILBOX_SYNC_FLAG_NO_EXPUNGES held expunges back: the view still
	   has messages that are gone (Dovecot's sync_delayed_expunges; IMAP
	   then announces no HIGHESTMODSEQ above what preceded them). */
	bool expunges_delayed;
};

/*
 * Brings the view up to date with the store and the index and reports
 * the changes in *changes_r (arrays from arena).  Cheap when nothing
 * changed: a few stat() calls and one indexed query.  New messages get
 * \Recent in this view if no other session claimed them first (not in
 * READONLY views).  0, or -1 (the view is then unchanged).
 */
int mailbox_sync(struct mailbox *box, enum mailbox_sync_flags flags,
	struct arena *arena, struct mailbox_changes *changes_r);

/*
 * CONDSTORE/QRESYNC: UIDs of messages in the view whose modseq is above
 * modseq, sorted, into *uids_r (from arena).  0 or -1.
 */
int mailbox_get_changed_uids(struct mailbox *box, uint64_t modseq,
	struct arena *arena, uint32_t **uids_r, unsigned int *count_r);
/*
 * QRESYNC VANISHED (EARLIER): UIDs within the sorted ranges uids that
 * were expunged after modseq, as sorted ranges in *expunged_r (arena).
 * When the index's expunge history does not reach back to modseq (a
 * rebuilt index, see docs/index.md), every UID of uids that doesn't
 * exist now is returned, which RFC 7162 §3.2.5.2 allows.  0 or -1.
 */
int mailbox_get_expunged_uids(struct mailbox *box, uint64_t modseq,
	const struct seq_range *uids, unsigned int uids_count,
	struct arena *arena, struct seq_range **expunged_r,
	unsigned int *expunged_count_r);

/*
 * ---------------------------------------------------------------------
 * Change notification (IDLE)
 * ---------------------------------------------------------------------
 */

typedef void mailbox_notify_callback_t(void *context);

/*
 * Calls callback from the current ioloop when the mailbox may have
 * changed: inotify on the mailbox's directories and the index (an
 * APPEND by another process is seen within milliseconds), with a poll
 * every mailbox_idle_check_interval as the fallback and for file systems
 * without inotify.  The callback should call mailbox_sync().  Replaces
 * an earlier callback.  0 or -1.
 */
int mailbox_notify_start(struct mailbox *box,
	mailbox_notify_callback_t *callback, void *context);
void mailbox_notify_stop(struct mailbox *box);

/*
 * ---------------------------------------------------------------------
 * Reading messages
 * ---------------------------------------------------------------------
 */

/*
 * A reusable handle for reading messages of a view.  Data read through
 * it (strings, part trees) stays valid until the handle moves to another
 * message or is freed.  Values come from the index cache when present
 * and are computed from the message file (and cached) otherwise.
 */
struct mail *mail_alloc(struct mailbox *box);
void mail_free(struct mail **mail);
/* Points the handle at sequence seq (1..count of the view). */
void mail_set_seq(struct mail *mail, uint32_t seq);
uint32_t mail_get_seq(const struct mail *mail);
uint32_t mail_get_uid(const struct mail *mail);
/* The view's flags (MAIL_RECENT included). */
enum mail_flags mail_get_flags(struct mail *mail);
/* Keywords of the message; *keywords_r NULL-terminated.  0 or -1. */
int mail_get_keywords(struct mail *mail, const char *const **keywords_r,
	unsigned int *count_r);
/* The message's modseq (CONDSTORE MODSEQ). */
int mail_get_modseq(struct mail *mail, uint64_t *modseq_r);
/* RFC822.SIZE: the size with CRLF line endings (Maildir W=). */
int mail_get_virtual_size(struct mail *mail, uint64_t *size_r);
/* Size of the file as stored (Maildir S=). */
int mail_get_physical_size(struct mail *mail, uint64_t *size_r);
/*
 * INTERNALDATE: the file's mtime as Dovecot (set from APPEND's date at
 * save).  *tz_offset_r (minutes east of UTC) is the server's local
 * offset at that time, as Dovecot shows it; may be NULL.
 */
int mail_get_received_date(struct mail *mail, time_t *date_r,
	int *tz_offset_r);
/* SAVEDATE (RFC 8514): when the message was saved into this mailbox. */
int mail_get_save_date(struct mail *mail, time_t *date_r);
/* The Date: header as a time and its zone; *date_r 0 if missing or
   unparseable (SORT DATE then uses the received date). */
int mail_get_sent_date(struct mail *mail, time_t *date_r, int *tz_offset_r);
/* The message GUID (Dovecot's: from dovecot-uidlist, else the file's
   base name).  Valid as long as the handle stays on the message. */
int mail_get_guid(struct mail *mail, const char **guid_r);
/* ENVELOPE, BODYSTRUCTURE and BODY as IMAP strings (built by src/mail,
   cached in the index). */
int mail_get_envelope(struct mail *mail, const char **envelope_r);
int mail_get_bodystructure(struct mail *mail, const char **bodystructure_r);
int mail_get_body(struct mail *mail, const char **body_r);
/* The MIME part tree (from the index cache, else parsed), with
   part->data filled.  Offsets are within the file (see
   mail_get_data()). */
int mail_get_parts(struct mail *mail, struct message_part **parts_r);
/*
 * The values of header field name (case-insensitive) in order, unfolded,
 * not decoded; *values_r NULL-terminated, empty when absent.  Date,
 * Subject, From, To, Cc, Message-ID, References and In-Reply-To come from
 * the index cache; others read the message header.
 */
int mail_get_headers(struct mail *mail, const char *name,
	const char *const **values_r);

/*
 * The message's bytes as stored.  The file stays open and its bytes in
 * memory (read into the handle's buffer, or mapped read-only when large)
 * until the handle moves or is freed.  data->crlf says the file has no
 * bare LF (physical size == virtual size), so the bytes can be sent as
 * they are (sendfile from data->fd); otherwise IMAP must write them with
 * CRLF (message_append_crlf() in src/mail).  The sizes come from the
 * index (the file is measured again only when its size changed).
 */
struct mail_data {
	int fd;
	/* the whole file; NULL when empty */
	const unsigned char *mapped;
	uint64_t physical_size;
	uint64_t virtual_size;
	bool crlf;
};
int mail_get_data(struct mail *mail, struct mail_data *data_r);
/*
 * The size of the message's header block including its ending empty line
 * (physical, and virtual with CRLF line ends); walks the header, so only
 * callers that need it ask.  0 or -1.
 */
int mail_get_header_size(struct mail *mail, uint64_t *physical_r,
	uint64_t *virtual_r);

/*
 * ---------------------------------------------------------------------
 * Transactions: save, copy, flags, expunge
 * ---------------------------------------------------------------------
 */

/*
 * Starts recording changes to box.  Everything happens at commit:
 * messages saved or copied get their UIDs, files are renamed for flag
 * changes and unlinked for expunges, the index is updated and one new
 * modseq is given to all of it.  A read-only view can only have saves
 * rolled back (any change fails with MAIL_ERROR_PERM).
 */
struct mailbox_transaction *mailbox_transaction_begin(struct mailbox *box);

enum mail_update_result {
	/* the flags were already as requested */
	MAIL_UPDATE_UNCHANGED,
	MAIL_UPDATE_CHANGED,
	/* UNCHANGEDSINCE failed (CONDSTORE MODIFIED) */
	MAIL_UPDATE_MODIFIED,
	/* the message was expunged meanwhile */
	MAIL_UPDATE_EXPUNGED,
};

struct mail_update_status {
	uint32_t uid;
	enum mail_update_result result;
};

struct mail_transaction_result {
	uint32_t uidvalidity;
	/* UIDs of saved and copied messages, in save order (APPENDUID,
	   COPYUID); from the arena given to commit. */
	const uint32_t *saved_uids;
	unsigned int saved_count;
	/* One entry per mail_update_flags() call, in call order. */
	const struct mail_update_status *updates;
	unsigned int updates_count;
	/* UIDs actually expunged. */
	const uint32_t *expunged_uids;
	unsigned int expunged_count;
	/* The modseq of this transaction's changes (0 when nothing
	   changed). */
	uint64_t modseq;
	/* New keywords were defined (send FLAGS and PERMANENTFLAGS before
	   the FETCH responses, as Dovecot does); mailbox_get_keywords()
	   has them.  A later mailbox_sync() doesn't report them again. */
	bool keywords_changed;
};

/*
 * Applies the transaction.  Saved messages are durable when this returns
 * 0 (file and directory fsynced per mail_fsync), and get consecutive
 * UIDs; a failure leaves no saved message behind (APPEND and COPY are
 * atomic, RFC 3501).  Flag changes and expunges are applied message by
 * message: a failure after some were applied returns -1 with the
 * applied ones still recorded in the index.  *t becomes NULL in every
 * case; result_r (may be NULL) gets arrays from arena (may be NULL when
 * result_r is).
 */
int mailbox_transaction_commit(struct mailbox_transaction **t,
	struct arena *arena, struct mail_transaction_result *result_r);
/* Discards everything recorded (staged saves are deleted). */
void mailbox_transaction_rollback(struct mailbox_transaction **t);

enum mail_modify_type {
	MAIL_MODIFY_ADD,
	MAIL_MODIFY_REMOVE,
	MAIL_MODIFY_REPLACE,
};

struct mail_flag_update {
	enum mail_modify_type type;
	/* system flags (MAIL_RECENT is ignored) */
	enum mail_flags flags;
	/* keywords, NULL-terminated; NULL = none */
	const char *const *keywords;
	/* CONDSTORE UNCHANGEDSINCE; 0 = unconditional */
	uint64_t unchanged_since;
};

/*
 * Records a flag change of sequence seq.  Keywords are validated here
 * (-1 with MAIL_ERROR_PARAMS for an invalid one, nothing recorded).  The
 * outcome per message is in the commit result; the view's flags are
 * updated at commit.
 */
int mail_update_flags(struct mailbox_transaction *t, uint32_t seq,
	const struct mail_flag_update *update);
/* Records an expunge of sequence seq (EXPUNGE, UID EXPUNGE, MOVE).  The
   view keeps the message until mailbox_sync() reports it. */
void mail_expunge(struct mailbox_transaction *t, uint32_t seq);
/*
 * Records expunges of every message that has \Deleted at commit time
 * (checked against the store then, not the view), limited to the UID
 * ranges uids when uids_count > 0 (UID EXPUNGE).  For EXPUNGE and CLOSE.
 */
void mailbox_expunge_deleted(struct mailbox_transaction *t,
	const struct seq_range *uids, unsigned int uids_count);

struct mail_save_params {
	/* system flags of the new message (MAIL_RECENT ignored) */
	enum mail_flags flags;
	/* NULL-terminated; NULL = none */
	const char *const *keywords;
	/* INTERNALDATE; 0 = now */
	time_t received_date;
	/* message GUID to keep (dsync, copy from another store); NULL = the
	   new file's base name, as Dovecot */
	const char *guid;
};

/*
 * Starts saving a new message into the transaction's mailbox.  The bytes
 * are given with mail_save_write() with any line endings (Maildir stores
 * LF, or CRLF with mail_save_crlf, as Dovecot).  Fails (NULL, error on
 * the user) for invalid keywords or a read-only view.  params NULL: no
 * flags or keywords, received now.
 */
struct mail_save_context *mail_save_begin(struct mailbox_transaction *t,
	const struct mail_save_params *params);
/* Appends data to the message.  0, or -1 (e.g. out of disk space; then
   only mail_save_cancel() may follow). */
int mail_save_write(struct mail_save_context *ctx, const void *data,
	size_t size);
/*
 * Ends the message: it is written and fsynced in the store's temporary
 * area and parsed for the index (ENVELOPE, BODYSTRUCTURE, headers, full
 * text).  It becomes visible, with its UID, at commit.  *ctx becomes
 * NULL.  0 or -1.
 */
int mail_save_finish(struct mail_save_context **ctx);
/* Forgets the message being saved. */
void mail_save_cancel(struct mail_save_context **ctx);

/*
 * Copies the message src (of another view, or of the same mailbox) into
 * the transaction's mailbox, keeping flags and keywords (minus \Recent)
 * unless params says otherwise (params NULL = keep), the INTERNALDATE and
 * the GUID.  A hard link is used when possible
 * (maildir_copy_with_hardlinks), the cached index data is copied too.
 * For MOVE, commit the destination first, then expunge the sources.
 */
int mail_copy(struct mailbox_transaction *t, struct mail *src,
	const struct mail_save_params *params);

/*
 * Convenience for APPEND-like callers (roostadm save, LMTP, tests):
 * saves one message from a buffer in its own transaction and commits.
 * *uid_r (may be NULL) gets the new UID.  0 or -1.
 */
int mailbox_save_buffer(struct mailbox *box,
	const struct mail_save_params *params, const void *data, size_t size,
	uint32_t *uid_r);

#endif
