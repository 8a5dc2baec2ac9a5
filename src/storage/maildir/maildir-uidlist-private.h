/*
 * maildir-uidlist-private.h - the uidlist object shared by the parser and
 * in-memory operations (maildir-uidlist.c) and the file I/O
 * (maildir-uidlist-file.c).
 */
#ifndef ROOST_MAILDIR_UIDLIST_PRIVATE_H
#define ROOST_MAILDIR_UIDLIST_PRIVATE_H

#include "array.h"
#include "maildir-uidlist.h"

#include <sys/stat.h>

struct hash_table;

struct maildir_uidlist {
	/* Records and their strings; reset when the file is re-read. */
	struct arena *arena;
	unsigned int version;
	uint32_t uid_validity, next_uid;
	uint8_t guid[MAILDIR_GUID_128_SIZE];
	bool have_guid;
	const char *hdr_extensions;
	/* Sorted by UID (heap array). */
	ARRAY(struct maildir_uidlist_rec *) recs;
	/* Base name (up to the first ':') -> record. */
	struct hash_table *by_base;

	/* recs[0 .. written_count) are in the file. */
	unsigned int written_count;
	/* Record lines in the file (for Dovecot's compress rule). */
	unsigned int file_records;
	/* The next write must rewrite the whole file. */
	bool recreate;

	/* Identity of the file as we last read or wrote it. */
	bool have_file;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* Clears the records (header values stay). */
void maildir_uidlist_clear_records(struct maildir_uidlist *ul);
/* Remembers st as the file's identity. */
void maildir_uidlist_set_file_identity(struct maildir_uidlist *ul,
	const struct stat *st);

#endif
