/*
 * mail-index.h - the user's index: one SQLite database (WAL mode) that
 * caches what the mail store knows (mailboxes, UIDs, flags, keywords),
 * what only Roost knows (modseqs, expunge history, \Recent state) and
 * what is expensive to compute (sizes, ENVELOPE, BODYSTRUCTURE, the MIME
 * part tree, sort/thread headers, the FTS5 full-text index).
 *
 * The index is a cache: the store stays the source of truth, and a
 * missing, truncated, corrupt or outdated database is detected when it is
 * opened or when SQLite reports corruption, logged as a warning, moved
 * aside and rebuilt (empty; mailboxes refill from the store on their next
 * sync).  docs/index.md describes the schema and the rebuild.
 *
 * Several processes share the database: SQLite's WAL lets readers run
 * beside one writer, writers wait for each other (busy timeout).  Every
 * function blocks on disk I/O and on other processes' write locks.
 */
#ifndef ROOST_MAIL_INDEX_H
#define ROOST_MAIL_INDEX_H

#include <sqlite3.h>

struct buf;

#define MAIL_INDEX_FILE_NAME "roost-index.sqlite"
/* Bump when the schema or a cached value's meaning changes: an older
   database is rebuilt (it is a cache).  2: the cached FROM/TO/CC sort key
   of an address group is the group's name. */
#define MAIL_INDEX_SCHEMA_VERSION 2

struct mail_index;

struct mail_index_settings {
	/* Milliseconds to wait for another process's write lock. */
	unsigned int busy_timeout_msecs;
	/* Log prefix for warnings ("imap(user): "); may be NULL. */
	const char *log_prefix;
	/* The store existed before (a missing index is then rebuilt with a
	   warning instead of created silently). */
	bool store_exists;
};

/*
 * Opens (creating when missing) the database in dir, or takes another
 * reference to the connection this process has open for dir already
 * (sessions of one user share it, mail_index_close() drops the
 * reference).  A database that is
 * not an SQLite file, is truncated, has another schema version or fails
 * SQLite's checks is moved aside to "<name>.broken" and recreated, with a
 * warning logged; so is a missing one when set->store_exists.  Creates dir
 * if needed.  0, or -1 with *error_r when even a new database can't be
 * created (permissions, disk full).
 */
int mail_index_open(const char *dir, const struct mail_index_settings *set,
	struct mail_index **index_r, const char **error_r);
/* Drops the reference; the last one finalises statements and closes the
   database.  *index becomes NULL. */
void mail_index_close(struct mail_index **index);

/* The database handle (valid until close). */
sqlite3 *mail_index_db(struct mail_index *index);
const char *mail_index_get_path(const struct mail_index *index);
/*
 * A number that changes whenever the database is recreated.  Views
 * compare it to learn that modseqs and history started over.
 */
uint64_t mail_index_get_generation(const struct mail_index *index);

/*
 * True when the database must be reopened: SQLite reported corruption,
 * or the file was replaced or deleted under us (another process rebuilt
 * it).  Checked by the core before each use; costs one stat().
 */
bool mail_index_need_reopen(struct mail_index *index);
/*
 * Marks the database corrupt after an error (SQLITE_CORRUPT,
 * SQLITE_NOTADB): the next mail_index_open() rebuilds it.
 */
void mail_index_set_corrupted(struct mail_index *index, const char *reason);
bool mail_index_is_corrupted(const struct mail_index *index);

/*
 * A cached prepared statement for sql (the string must be a constant: its
 * address and text key the cache), reset and with bindings cleared.  NULL
 * after logging the error.
 */
sqlite3_stmt *mail_index_stmt(struct mail_index *index, const char *sql);
/*
 * sqlite3_step() with error handling: returns SQLITE_ROW or SQLITE_DONE,
 * or -1 after logging the error (and marking corruption).
 */
int mail_index_step(struct mail_index *index, sqlite3_stmt *stmt);
/* Runs a statement without results.  0 or -1 (logged). */
int mail_index_exec(struct mail_index *index, const char *sql);
/*
 * Removes message msg_id (its row, cached data and full text) and records
 * it in the expunge history of mailbox_id with modseq (for QRESYNC).  Must
 * run inside a write transaction.  0 or -1 (logged).
 */
int mail_index_expunge_msg(struct mail_index *index, int64_t mailbox_id,
	int64_t msg_id, uint64_t modseq);
/* Logs an SQLite error for the last call on the handle. */
void mail_index_log_error(struct mail_index *index, const char *what);
/* Last error text (for mail_storage_set_critical()). */
const char *mail_index_get_error(struct mail_index *index);

/*
 * Transactions.  Write transactions (BEGIN IMMEDIATE) take SQLite's write
 * lock at once, so modseqs allocated inside are unique among all
 * processes; they nest (only the outermost one commits).  Read
 * transactions give a consistent snapshot and also nest, inside a write
 * transaction too.  0 or -1 (logged).  Starting an outermost transaction
 * panics when a statement is still active (stepped to a row and neither
 * reset nor run to SQLITE_DONE): it would hold an old read snapshot.
 */
int mail_index_begin_write(struct mail_index *index);
int mail_index_begin_read(struct mail_index *index);
int mail_index_commit(struct mail_index *index);
void mail_index_rollback(struct mail_index *index);
bool mail_index_in_write(const struct mail_index *index);
bool mail_index_in_transaction(const struct mail_index *index);

/* Releases SQLite's page cache memory (idle sessions). */
void mail_index_release_memory(struct mail_index *index);

/*
 * The modseq base for a mailbox row created now: Roost's modseqs can't be
 * rebuilt from the store, so a new row starts above every modseq an
 * earlier row could have handed out (microseconds since the epoch, and
 * above any value saved from a broken database).  1 for brand-new empty
 * mailboxes.
 */
uint64_t mail_index_modseq_base(struct mail_index *index, bool brand_new);

#endif
