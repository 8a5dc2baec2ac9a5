/*
 * mail-private.h - struct mail, shared by mail.c (the handle, row values,
 * parse cache) and mail-file.c (reading the message file, the prefetch
 * batch).  Nothing outside those two files includes it.
 */
#ifndef ROOST_MAIL_PRIVATE_H
#define ROOST_MAIL_PRIVATE_H

#include "storage-private.h"
#include "index/mail-index.h"

/* Files up to this size are read into the handle's buffer, larger ones
   mapped (a page fault per page and an munmap cost more than a copy of a
   small file, a copy of a large one costs more). */
#define MAIL_READ_MAX_SIZE (1024 * 1024)
/* Messages whose key and sizes one prefetch query loads. */
#define MAIL_PREFETCH_COUNT 128

/* What reading a message's file needs, prefetched for the next messages
   when they are read in sequence order. */
struct mail_file_row {
	uint32_t uid;
	const char *key;
	int64_t psize, vsize;
};

struct mail {
	struct mailbox *box;
	/* per-message memory: reset when the handle moves */
	struct arena *arena;
	uint32_t seq, uid;
	int64_t id;

	/* kept while the handle moves: the read buffer, the previous
	   sequence (to notice sequential reading) and the prefetch batch */
	unsigned char *read_buf;
	size_t read_buf_size;
	uint32_t prev_seq;
	struct arena *batch_arena;
	struct mail_file_row *batch;
	unsigned int batch_count, batch_pos;

	/* per message from here on (zeroed when the handle moves) */
	bool row_loaded;
	/* key, psize and vsize are known (from the row or the batch) */
	bool file_info_loaded;
	uint8_t row_flags;
	const uint8_t *kw_bits;
	unsigned int kw_size;
	uint64_t modseq;
	const char *key;
	const char *guid;
	int64_t psize, vsize, received, saved;
	bool cached;

	bool cache_loaded;
	const char *envelope, *bodystructure, *body;
	const void *parts_blob;
	size_t parts_size;
	bool have_sent_date;
	time_t sent_date;
	int sent_tz;
	const void *hdrs;
	size_t hdrs_size;

	const char **keywords;
	unsigned int keywords_count;

	int fd;
	/* the file's bytes: in read_buf, or mapped when map_mmapped */
	void *map;
	size_t map_size;
	bool map_mmapped;
	bool have_header_size;
	uint64_t header_psize, header_vsize;
	struct message_part *parts;
};

/* ---- mail.c ---- */
/* Sets MAIL_ERROR_EXPUNGED for the message. */
void mail_set_expunged(struct mail *mail);
/* The message was expunged by a sync that hasn't told the view yet. */
bool mail_is_pending_expunge(const struct mail *mail);
/* Loads the message's index row (msg and mail tables).  0, or -1 with
   the error set (MAIL_ERROR_EXPUNGED when the row is gone). */
int mail_load_row(struct mail *mail);
/* Remembers a new store key the backend found for message id. */
void mail_update_key(struct mailbox *box, int64_t id, const char *key);
/* Stores the message's sizes in the index (best effort). */
void mail_store_sizes(struct mailbox *box, int64_t id, uint64_t psize,
	uint64_t vsize);

static inline int64_t mail_column_int_or(sqlite3_stmt *stmt, int col,
	int64_t def)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL ? def :
		sqlite3_column_int64(stmt, col);
}

/* ---- mail-file.c ---- */
/*
 * The message's store key and sizes, all that reading its file needs:
 * from the prefetch batch when messages are read in sequence order, else
 * from its row.  0, or -1 with the error set (MAIL_ERROR_EXPUNGED).
 */
int mail_load_file_info(struct mail *mail);
/* Opens the file and brings its bytes into mail->map (read, or mapped
   when large); nothing when already open.  0 or -1. */
int mail_open_file(struct mail *mail);

#endif
