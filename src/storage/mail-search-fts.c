/*
 * mail-search-fts.c - answering SEARCH BODY/TEXT from the index's FTS5
 * table.
 *
 * The table holds, per message, the decoded and case-folded header and
 * body text, tokenised as trigrams (case-sensitive on the already folded
 * text), so an FTS5 phrase query for a folded key of three or more
 * characters finds exactly the messages containing the key as a
 * substring: the same answer as scanning, from an index.  Shorter keys
 * are answered by instr() over the stored text.  Messages that arrived
 * without Roost (delivered by another program) are indexed here, lazily,
 * before the first full-text search of their mailbox.  Rows marked
 * partial (text over the indexing limit) are left to the caller to
 * verify by reading the message.
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "mail-utf8.h"
#include "index/mail-index.h"

#include <sys/mman.h>

/* Messages indexed per write transaction while catching up. */
#define FTS_CATCHUP_BATCH 256
/* FTS5 turns its pending terms into a new segment whenever they pass
   this size (its default is 1 MiB); bigger segments mean far fewer
   merges while many messages are indexed at once (10,000 messages of
   ~10 KB: about 3 times faster).  A setting stored in the table. */
#define FTS_HASH_SIZE (8 * 1024 * 1024)

int mailbox_fts_catch_up(struct mailbox *box)
{
	struct mail_index *index = mail_user_get_index(box->user);
	sqlite3_stmt *stmt;
	bool tuned = false;
	int ret = 0;

	if (index == NULL)
		return -1;
	for (;;) {
		uint32_t uids[FTS_CATCHUP_BATCH];
		unsigned int i, count = 0;

		stmt = mail_index_stmt(index, "SELECT m.id FROM msg m JOIN "
			"mail d ON d.id = m.id WHERE m.id BETWEEN ?1 AND ?2 "
			"AND d.fts = 0 LIMIT ?3");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
		sqlite3_bind_int64(stmt, 2,
			index_msg_id(box->index_id, 0xffffffffU));
		sqlite3_bind_int(stmt, 3, FTS_CATCHUP_BATCH);
		while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW) {
			uids[count++] = (uint32_t)(
				sqlite3_column_int64(stmt, 0) & 0xffffffff);
		}
		if (ret < 0)
			return -1;
		if (count == 0)
			return 0;
		if (mail_index_begin_write(index) < 0)
			return -1;
		if (!tuned) {
			stmt = mail_index_stmt(index, "INSERT INTO fts (fts, "
				"rank) VALUES ('hashsize', ?1)");
			if (stmt != NULL) {
				sqlite3_bind_int(stmt, 1, FTS_HASH_SIZE);
				(void)mail_index_step(index, stmt);
			}
			tuned = true;
		}
		for (i = 0; i < count; i++) {
			struct mail *mail = mail_alloc(box);
			int64_t id = index_msg_id(box->index_id, uids[i]);
			const void *data;
			size_t size;

			mail_set_uid_direct(mail, uids[i]);
			if (mail_get_mapped(mail, &data, &size) == 0)
				ret = mail_cache_fill_fts(index, id, data,
					size);
			else {
				/* expunged meanwhile: mark it so we don't
				   retry; the next sync removes the row */
				stmt = mail_index_stmt(index, "UPDATE mail "
					"SET fts = 2 WHERE id = ?1");
				if (stmt != NULL) {
					sqlite3_bind_int64(stmt, 1, id);
					(void)mail_index_step(index, stmt);
				}
				mail_user_clear_error(box->user);
				ret = 0;
			}
			mail_free(&mail);
			if (ret < 0)
				break;
		}
		if (ret < 0) {
			mail_index_rollback(index);
			return -1;
		}
		if (mail_index_commit(index) < 0)
			return -1;
	}
}

/* Number of characters of UTF-8 str. */
static unsigned int utf8_chars(const char *str)
{
	unsigned int n = 0;

	for (const unsigned char *p = (const void *)str; *p != '\0'; p++) {
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	return n;
}

int mailbox_fts_lookup(struct mailbox *box, const char *key, bool body_only,
	struct arena *arena, uint32_t **uids_r, unsigned int *count_r,
	uint32_t **partial_r, unsigned int *partial_count_r)
{
	struct mail_index *index = mail_user_get_index(box->user);
	ARRAY(uint32_t) uids, partial;
	sqlite3_stmt *stmt;
	struct buf folded, query;
	int ret;

	if (index == NULL)
		return -1;
	if (mailbox_fts_catch_up(box) < 0)
		return -1;
	array_init(&uids, arena, 64);
	array_init(&partial, arena, 8);
	buf_init(&folded, arena, strlen(key) * 2 + 16, 0);
	if (utf8_append_casefold(&folded, key, strlen(key)) < 0)
		return -1;

	if (utf8_chars(buf_cstr(&folded)) >= 3) {
		buf_init(&query, arena, folded.used * 2 + 32, 0);
		if (buf_append_str(&query, body_only ? "body : \"" :
				"{hdr body} : \"") < 0)
			return -1;
		for (size_t i = 0; i < folded.used; i++) {
			char c = folded.data[i];

			if (buf_append_c(&query, c) < 0 ||
			    (c == '"' && buf_append_c(&query, '"') < 0))
				return -1;
		}
		if (buf_append_c(&query, '"') < 0)
			return -1;
		stmt = mail_index_stmt(index, "SELECT rowid FROM fts "
			"WHERE fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3 "
			"ORDER BY rowid");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_text(stmt, 1, buf_cstr(&query),
			(int)query.used, SQLITE_STATIC);
	} else {
		stmt = mail_index_stmt(index, body_only ?
			"SELECT rowid FROM fts WHERE rowid BETWEEN ?2 AND ?3 "
			"AND instr(body, ?1) > 0 ORDER BY rowid" :
			"SELECT rowid FROM fts WHERE rowid BETWEEN ?2 AND ?3 "
			"AND (instr(hdr, ?1) > 0 OR instr(body, ?1) > 0) "
			"ORDER BY rowid");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_text(stmt, 1, buf_cstr(&folded),
			(int)folded.used, SQLITE_STATIC);
	}
	sqlite3_bind_int64(stmt, 2, index_msg_id(box->index_id, 0));
	sqlite3_bind_int64(stmt, 3, index_msg_id(box->index_id, 0xffffffffU));
	while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW)
		array_push(&uids, (uint32_t)(sqlite3_column_int64(stmt, 0) &
			0xffffffff));
	if (ret < 0)
		return -1;

	stmt = mail_index_stmt(index, "SELECT id FROM mail WHERE id BETWEEN "
		"?1 AND ?2 AND fts = 2 ORDER BY id");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
	sqlite3_bind_int64(stmt, 2, index_msg_id(box->index_id, 0xffffffffU));
	while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW)
		array_push(&partial, (uint32_t)(sqlite3_column_int64(stmt, 0) &
			0xffffffff));
	if (ret < 0)
		return -1;
	*uids_r = uids.v;
	*count_r = uids.count;
	*partial_r = partial.v;
	*partial_count_r = partial.count;
	return 0;
}
