/*
 * maildir-uidlist.h - the dovecot-uidlist file: UIDVALIDITY, next UID,
 * mailbox GUID and the UID <-> file name map of one Maildir folder, read and
 * written exactly as Dovecot 2.3 does.
 *
 * Version 3 (written):
 *	3 V<uidvalidity> N<nextuid> G<mailbox guid, 32 hex> [<key><value>...]
 *	<uid> [<key><value> ...] :<base filename>
 * Record keys are upper-case letters: S (physical size), W (virtual size),
 * G (message GUID), P (POP3 UIDL), O (POP3 order); unknown ones are kept.
 * Version 1 (Courier compatible, read only): "1 <uidvalidity> <nextuid>" and
 * "<uid> <filename>".  Version 2 (a few Dovecot development releases, read
 * only; Dovecot 2.3 itself rejects it): like 1 with a <flags> field after
 * the UID, which is ignored.
 *
 * Reading needs no lock.  Writing needs dovecot-uidlist.lock (see
 * maildir_uidlist_lock()): new records are appended to the file, anything
 * else rewrites it as dovecot-uidlist.tmp renamed over dovecot-uidlist, as
 * Dovecot does.  A corrupt file is reported with its line number; as in
 * Dovecot, the caller then deletes it and rebuilds (new UIDs, same
 * UIDVALIDITY if known).  Parsing never crashes on any input.
 */
#ifndef ROOST_MAILDIR_UIDLIST_H
#define ROOST_MAILDIR_UIDLIST_H

#include "buf.h"

struct maildir_dotlock;

#define MAILDIR_UIDLIST_NAME "dovecot-uidlist"
#define MAILDIR_UIDLIST_VERSION 3
/* Seconds after which an unchanged dovecot-uidlist.lock is stale. */
#define MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT (60 * 2)
/* Largest dovecot-uidlist we read (about 2 million messages). */
#define MAILDIR_UIDLIST_MAX_SIZE (256 * 1024 * 1024)
/* Longest line we accept: a file name plus a few extension fields. */
#define MAILDIR_UIDLIST_MAX_LINE 8192

#define MAILDIR_GUID_128_SIZE 16

enum maildir_uidlist_hdr_key {
	MAILDIR_UIDLIST_HDR_UID_VALIDITY = 'V',
	MAILDIR_UIDLIST_HDR_NEXT_UID = 'N',
	MAILDIR_UIDLIST_HDR_GUID = 'G',
	MAILDIR_UIDLIST_HDR_POP3_UIDL_FORMAT = 'P',
};

enum maildir_uidlist_rec_key {
	MAILDIR_UIDLIST_REC_PSIZE = 'S',
	MAILDIR_UIDLIST_REC_VSIZE = 'W',
	MAILDIR_UIDLIST_REC_POP3_UIDL = 'P',
	MAILDIR_UIDLIST_REC_POP3_ORDER = 'O',
	MAILDIR_UIDLIST_REC_GUID = 'G',
};

/* Read results of maildir_uidlist_read()/_refresh(). */
#define MAILDIR_UIDLIST_READ_OK 1
#define MAILDIR_UIDLIST_READ_MISSING 0
#define MAILDIR_UIDLIST_READ_ERROR (-1)
#define MAILDIR_UIDLIST_READ_CORRUPT (-2)

/* One record.  Owned by the uidlist; valid until it is destroyed, the record
   is removed, or the list is re-read from scratch. */
struct maildir_uidlist_rec {
	uint32_t uid;
	/* Last known file name (a base name in version 3 files; may carry an
	   info part in version 1 files or after an update). */
	const char *filename;
	/* Extension fields as "<KEY><value>" tokens separated by single
	   spaces, in file order; "" when none. */
	const char *extensions;
};

struct maildir_uidlist;

struct maildir_uidlist *maildir_uidlist_create(void);
void maildir_uidlist_destroy(struct maildir_uidlist **ul);

/*
 * Parses a whole file image, replacing the list's contents.  As Dovecot, an
 * unterminated last line (a write in progress) is ignored, and CRLF line
 * ends are accepted.  Returns 1 parsed, 0 when there is no complete header
 * line (empty file), -1 when corrupt with error_r "line N: <reason>" in
 * Dovecot's words.  On -1/0 the list is left empty.  Non-fatal problems
 * (a duplicate file name with a different UID, an invalid extension field)
 * are logged as warnings, repaired in memory and mark the list for a full
 * rewrite.
 */
int maildir_uidlist_parse(struct maildir_uidlist *ul, const char *data,
	size_t size, const char **error_r);

/*
 * Reads path (at most MAILDIR_UIDLIST_MAX_SIZE bytes).  Returns
 * MAILDIR_UIDLIST_READ_OK, _MISSING (no file, or empty), _ERROR (I/O, with
 * error_r) or _CORRUPT (error_r "Broken file <path> line N: ...").
 * Remembers the file's identity for maildir_uidlist_has_changed().
 */
int maildir_uidlist_read(struct maildir_uidlist *ul, const char *path,
	const char **error_r);
/* Like _read(), but does nothing (returns _OK) when the file is unchanged
   since our last read or write. */
int maildir_uidlist_refresh(struct maildir_uidlist *ul, const char *path,
	const char **error_r);
/* 1 when path differs (inode, size, mtime) from what we last read or wrote,
   0 when not, -1 on stat error. */
int maildir_uidlist_has_changed(struct maildir_uidlist *ul, const char *path);

/* Header values.  next_uid is 1 and uid_validity 0 for a new list. */
unsigned int maildir_uidlist_get_version(const struct maildir_uidlist *ul);
uint32_t maildir_uidlist_get_uid_validity(const struct maildir_uidlist *ul);
uint32_t maildir_uidlist_get_next_uid(const struct maildir_uidlist *ul);
/* Returns false when the file had no mailbox GUID (one is generated when
   the file is next written). */
bool maildir_uidlist_get_guid(const struct maildir_uidlist *ul,
	uint8_t guid_r[MAILDIR_GUID_128_SIZE]);
/* Header fields other than V, N and G, e.g. "Pformat"; "" when none. */
const char *maildir_uidlist_get_hdr_extensions(const struct maildir_uidlist *ul);

/* Setters mark the file for a full rewrite.  uid_validity must not be 0.
   set_next_uid only raises next_uid unless force (and never below the
   highest UID + 1). */
void maildir_uidlist_set_uid_validity(struct maildir_uidlist *ul,
	uint32_t uid_validity);
void maildir_uidlist_set_next_uid(struct maildir_uidlist *ul,
	uint32_t next_uid, bool force);
void maildir_uidlist_set_guid(struct maildir_uidlist *ul,
	const uint8_t guid[MAILDIR_GUID_128_SIZE]);

/* Records, sorted by UID. */
unsigned int maildir_uidlist_count(const struct maildir_uidlist *ul);
const struct maildir_uidlist_rec *
maildir_uidlist_rec_at(const struct maildir_uidlist *ul, unsigned int idx);
/* NULL when not found.  Lookup by name compares base names only, so any
   flag variant of the name finds the record. */
const struct maildir_uidlist_rec *
maildir_uidlist_lookup_uid(const struct maildir_uidlist *ul, uint32_t uid);
const struct maildir_uidlist_rec *
maildir_uidlist_lookup_filename(const struct maildir_uidlist *ul,
	const char *fname);

/* The value of a record extension (without the key letter), or NULL;
   allocated from the scratch arena (valid until the caller's frame ends). */
const char *maildir_uidlist_rec_get_ext(const struct maildir_uidlist_rec *rec,
	char key);
/*
 * Sets (value != NULL) or removes an extension of the record with uid.
 * key must be 'A'..'Z' and value must not contain spaces, control
 * characters or ':'; -1 with error_r otherwise, or when uid is unknown.
 * Marks the file for a full rewrite (an existing record changed).
 */
int maildir_uidlist_set_ext(struct maildir_uidlist *ul, uint32_t uid,
	char key, const char *value, const char **error_r);
/* The message GUID as Dovecot reports it: the G extension if present,
   else the base file name.  Allocated from arena. */
const char *maildir_uidlist_rec_get_guid(struct arena *arena,
	const struct maildir_uidlist_rec *rec);

/*
 * Adds a record for a new file with the next UID (returned in uid_r).
 * -1 with error_r when fname is not a valid file name, is already in the
 * list (under any flags) or UIDs are exhausted.  The record is appended to
 * the file by the next maildir_uidlist_write().
 */
int maildir_uidlist_add(struct maildir_uidlist *ul, const char *fname,
	uint32_t *uid_r, const char **error_r);
/* Adds a record with a given UID (e.g. when restoring from a backup or
   importing); raises next_uid above it.  -1 with error_r as above or when
   uid is 0, (uint32_t)-1 or not above every existing UID. */
int maildir_uidlist_add_uid(struct maildir_uidlist *ul, const char *fname,
	uint32_t uid, const char **error_r);
/* Remembers the current name of a file (after a flag change); in memory
   only, written at the next full rewrite.  false when not in the list. */
bool maildir_uidlist_update_filename(struct maildir_uidlist *ul,
	const char *fname);
/* Drops the record with uid (an expunged file).  false when absent.
   Marks the file for a full rewrite. */
bool maildir_uidlist_remove(struct maildir_uidlist *ul, uint32_t uid);

/* True when the next write must rewrite the whole file (old version, no
   mailbox GUID, changed records, removed records, repaired damage). */
bool maildir_uidlist_need_recreate(const struct maildir_uidlist *ul);
/* True when the file holds every record and no rewrite is due: the next
   maildir_uidlist_write() would write nothing. */
bool maildir_uidlist_is_written(const struct maildir_uidlist *ul);

/*
 * Appends the file image to out: the header (when first_idx is 0) and the
 * records from index first_idx on, exactly as Dovecot writes them (base
 * names only).  A missing UIDVALIDITY must have been set before; a missing
 * GUID is generated here.  -1 when out's limit is hit.
 */
int maildir_uidlist_serialize(struct maildir_uidlist *ul, struct buf *out,
	unsigned int first_idx) ATTR_NODISCARD;

/*
 * Writes the changes to path (".../dovecot-uidlist"), which the caller
 * must have locked with maildir_uidlist_lock() and refreshed after locking.
 * Appends the new records when possible, else rewrites through
 * "<path>.tmp" + rename (file mode `mode`, umask not applied).  fdatasync
 * when do_fsync (mail_fsync != never).  0, or -1 with error_r (the list then
 * forgets its unwritten UIDs' file state: re-read before retrying).
 */
int maildir_uidlist_write(struct maildir_uidlist *ul, const char *path,
	mode_t mode, bool do_fsync, const char **error_r);
/* Forces the next maildir_uidlist_write() to rewrite the whole file. */
void maildir_uidlist_set_recreate(struct maildir_uidlist *ul);

/*
 * Takes dovecot-uidlist.lock in dir with Dovecot's stale timeout (2 min) and
 * the given wait (Dovecot waits up to 2 min + 2 s; 0 = try once).
 * Returns 1 locked, 0 timeout, -1 error (error_r).
 */
int maildir_uidlist_lock(const char *dir, unsigned int timeout_secs,
	mode_t mode, struct maildir_dotlock **lock_r, const char **error_r);
/* Releases the lock; logs a warning when it had been overridden. */
void maildir_uidlist_unlock(struct maildir_dotlock **lock);

/*
 * Mailbox GUIDs: 128 bits laid out as Dovecot's guid_128_generate() does
 * (nanoseconds and seconds of the clock, pid, a hash of the host name),
 * written as 32 lower-case hex digits.
 */
void maildir_guid_generate(uint8_t guid_r[MAILDIR_GUID_128_SIZE]);
const char *maildir_guid_to_hex(struct arena *arena,
	const uint8_t guid[MAILDIR_GUID_128_SIZE]);
/* Exactly 32 hex digits; 0 or -1. */
int maildir_guid_from_hex(const char *hex,
	uint8_t guid_r[MAILDIR_GUID_128_SIZE]);

/*
 * The next UIDVALIDITY for a new mailbox, from the dovecot-uidvalidity file
 * in root_dir as Dovecot does (the file holds the last value as %08x, and an
 * empty marker file dovecot-uidvalidity.<hex> is renamed to the next value).
 * Falls back to the current time (strictly increasing within the process)
 * when the files can't be used.  Never returns 0.
 */
uint32_t maildir_uidvalidity_next(const char *root_dir, mode_t file_mode);

#endif
