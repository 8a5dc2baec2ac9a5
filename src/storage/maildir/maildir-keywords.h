/*
 * maildir-keywords.h - the dovecot-keywords file of a Maildir folder: one
 * "<idx> <name>\n" line per keyword, idx 0..25 standing for the letters
 * a..z in file names.
 *
 * As Dovecot: reading needs no lock and skips lines it can't use (no space,
 * bad index, empty name); names are matched case-insensitively; a letter
 * used in a file name whose name was lost becomes "unknown-<idx>" (with '?'
 * appended until unique).  Writing replaces the file through
 * dovecot-keywords.lock (written, mtime forced to grow, fsynced, renamed
 * over the file) and must happen while the caller holds the
 * dovecot-uidlist lock, which is what really serialises writers (so a
 * leftover dovecot-keywords.lock is removed first).
 */
#ifndef ROOST_MAILDIR_KEYWORDS_H
#define ROOST_MAILDIR_KEYWORDS_H

#include "buf.h"

#define MAILDIR_KEYWORDS_NAME "dovecot-keywords"
/* Largest dovecot-keywords we read; longest keyword name we accept. */
#define MAILDIR_KEYWORDS_MAX_SIZE (64 * 1024)
#define MAILDIR_KEYWORD_MAX_NAME_LEN 255

struct maildir_keywords;

struct maildir_keywords *maildir_keywords_create(void);
void maildir_keywords_destroy(struct maildir_keywords **mk);

/*
 * Replaces the contents with a file image.  Never fails on content: bad
 * lines are skipped as Dovecot does (their count is returned, for
 * diagnostics).  An unterminated last line is used (the file is only ever
 * replaced whole).
 */
unsigned int maildir_keywords_parse(struct maildir_keywords *mk,
	const char *data, size_t size);

/*
 * Reads path if its mtime differs from the last read/write (or always when
 * force).  A missing file means no keywords.  0, or -1 with error_r on I/O
 * errors (contents then unchanged).
 */
int maildir_keywords_read(struct maildir_keywords *mk, const char *path,
	bool force, const char **error_r);

/* Index (0..25) of name, case-insensitively; -1 when unknown. */
int maildir_keywords_lookup(const struct maildir_keywords *mk,
	const char *name);
/* Name of index idx, or NULL when the slot is empty or idx >= 26. */
const char *maildir_keywords_idx_name(const struct maildir_keywords *mk,
	unsigned int idx);
/* Number of used slots. */
unsigned int maildir_keywords_count(const struct maildir_keywords *mk);

/* True when name can be stored: 1..255 bytes, no control characters, no
   space (the file's field separator) and no IMAP atom-specials. */
bool maildir_keyword_name_is_valid(const char *name);

/*
 * Returns the index of name, giving it the first free slot when it is new
 * (the file then needs writing).  -1 with error_r when the name is invalid
 * or all 26 letters are taken (the keyword then lives only in the index,
 * as in Dovecot).
 */
int maildir_keywords_lookup_or_create(struct maildir_keywords *mk,
	const char *name, unsigned int *idx_r, const char **error_r);

/* The name for a letter found in a file name, creating "unknown-<idx>"
   when the slot is empty, as Dovecot does.  idx < 26. */
const char *maildir_keywords_idx_name_or_create(struct maildir_keywords *mk,
	unsigned int idx);

/* True when there are changes not yet written. */
bool maildir_keywords_is_changed(const struct maildir_keywords *mk);

/* Appends the file image ("<idx> <name>\n" for each used slot, by index).
   -1 when out's limit is hit. */
int maildir_keywords_serialize(const struct maildir_keywords *mk,
	struct buf *out) ATTR_NODISCARD;

/*
 * Writes the file if changed (see the header comment for the protocol).
 * mode is the file mode (umask not applied).  0, or -1 with error_r.
 */
int maildir_keywords_write(struct maildir_keywords *mk, const char *path,
	mode_t mode, const char **error_r);

#endif
