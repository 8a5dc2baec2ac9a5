/*
 * mail.c - reading one message of a view: the handle, index row values
 * (flags, keywords, modseq, sizes, dates, GUID) and the parse cache
 * (ENVELOPE, BODYSTRUCTURE, part tree, common headers) filled on first
 * use.  The file itself is read by mail-file.c.
 */
#include "lib.h"
#include "storage-private.h"
#include "mail-private.h"
#include "buf.h"
#include "str.h"
#include "message-header.h"
#include "message-parser.h"
#include "message-part-data.h"
#include "message-part-serialize.h"
#include "message-size.h"
#include "index/mail-index.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>

struct mail *mail_alloc(struct mailbox *box)
{
	struct mail *mail = i_new(struct mail, 1);

	mail->box = box;
	mail->arena = arena_create("mail", 2048);
	mail->fd = -1;
	return mail;
}

static void mail_reset(struct mail *mail)
{
	if (mail->map_mmapped)
		(void)munmap(mail->map, mail->map_size);
	if (mail->fd >= 0)
		(void)close(mail->fd);
	arena_reset(mail->arena);
	memset(&mail->row_loaded, 0,
		sizeof(*mail) - offsetof(struct mail, row_loaded));
	mail->fd = -1;
}

void mail_free(struct mail **_mail)
{
	struct mail *mail = *_mail;

	if (mail == NULL)
		return;
	*_mail = NULL;
	mail_reset(mail);
	arena_destroy(&mail->arena);
	if (mail->batch_arena != NULL)
		arena_destroy(&mail->batch_arena);
	free(mail->batch);
	free(mail->read_buf);
	free(mail);
}

void mail_set_seq(struct mail *mail, uint32_t seq)
{
	mail_reset(mail);
	mail->prev_seq = mail->seq;
	mail->seq = seq;
	mail->uid = mailbox_get_uid(mail->box, seq);
	mail->id = index_msg_id(mail->box->index_id, mail->uid);
}

void mail_set_uid_direct(struct mail *mail, uint32_t uid)
{
	mail_reset(mail);
	mail->seq = 0;
	mail->uid = uid;
	mail->id = index_msg_id(mail->box->index_id, uid);
}

struct mailbox *mail_get_box(const struct mail *mail)
{
	return mail->box;
}

uint32_t mail_get_seq(const struct mail *mail)
{
	return mail->seq;
}

uint32_t mail_get_uid(const struct mail *mail)
{
	return mail->uid;
}

enum mail_flags mail_get_flags(struct mail *mail)
{
	if (mail->seq == 0)
		return mail_get_stored_flags(mail);
	return mailbox_get_flags(mail->box, mail->seq);
}

void mail_set_expunged(struct mail *mail)
{
	mail_user_set_error(mail->box->user, MAIL_ERROR_EXPUNGED,
		"Message was expunged");
}

bool mail_is_pending_expunge(const struct mail *mail)
{
	const struct mailbox *box = mail->box;

	for (unsigned int i = 0; i < box->pending_expunges_count; i++) {
		if (box->pending_expunges[i] == mail->uid)
			return true;
	}
	return false;
}

int mail_load_row(struct mail *mail)
{
	struct mail_index *index;
	sqlite3_stmt *stmt;
	const void *kw;
	const char *str;
	int ret;

	if (mail->row_loaded)
		return 0;
	if (mail_is_pending_expunge(mail)) {
		mail_set_expunged(mail);
		return -1;
	}
	index = mail_user_get_index(mail->box->user);
	if (index == NULL)
		return -1;
	stmt = mail_index_stmt(index, "SELECT m.flags, m.keywords, m.modseq,"
		" d.key, d.guid, d.psize, d.vsize, d.received, d.saved,"
		" d.cached FROM msg m LEFT JOIN mail d ON d.id = m.id "
		"WHERE m.id = ?1");
	if (stmt == NULL) {
		mail_user_set_index_error(mail->box->user);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, mail->id);
	ret = mail_index_step(index, stmt);
	if (ret < 0) {
		mail_user_set_index_error(mail->box->user);
		return -1;
	}
	if (ret == SQLITE_DONE || sqlite3_column_type(stmt, 3) == SQLITE_NULL) {
		sqlite3_reset(stmt);
		mail_set_expunged(mail);
		return -1;
	}
	mail->row_flags = (uint8_t)sqlite3_column_int(stmt, 0);
	kw = sqlite3_column_blob(stmt, 1);
	mail->kw_size = (unsigned int)sqlite3_column_bytes(stmt, 1);
	if (kw != NULL && mail->kw_size > 0) {
		uint8_t *copy = arena_alloc(mail->arena, mail->kw_size);

		memcpy(copy, kw, mail->kw_size);
		mail->kw_bits = copy;
	} else {
		mail->kw_size = 0;
	}
	mail->modseq = (uint64_t)sqlite3_column_int64(stmt, 2);
	mail->key = arena_strdup(mail->arena,
		(const char *)sqlite3_column_text(stmt, 3));
	str = (const char *)sqlite3_column_text(stmt, 4);
	mail->guid = str == NULL ? NULL : arena_strdup(mail->arena, str);
	mail->psize = mail_column_int_or(stmt, 5, -1);
	mail->vsize = mail_column_int_or(stmt, 6, -1);
	mail->received = mail_column_int_or(stmt, 7, -1);
	mail->saved = mail_column_int_or(stmt, 8, -1);
	mail->cached = sqlite3_column_int(stmt, 9) != 0;
	sqlite3_reset(stmt);
	mail->row_loaded = true;
	mail->file_info_loaded = true;
	return 0;
}

/* Remembers a new key the backend found for the message. */
void mail_update_key(struct mailbox *box, int64_t id,
	const char *key)
{
	struct mail_index *index = mail_user_get_index(box->user);
	sqlite3_stmt *stmt;

	if (index == NULL)
		return;
	stmt = mail_index_stmt(index, "UPDATE mail SET key = ?2 WHERE id = ?1");
	if (stmt == NULL)
		return;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	(void)mail_index_step(index, stmt);
}

void mail_store_sizes(struct mailbox *box, int64_t id,
	uint64_t psize, uint64_t vsize)
{
	struct mail_index *index = mail_user_get_index(box->user);
	sqlite3_stmt *stmt;

	if (index == NULL)
		return;
	stmt = mail_index_stmt(index,
		"UPDATE mail SET psize = ?2, vsize = ?3 WHERE id = ?1");
	if (stmt == NULL)
		return;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)psize);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)vsize);
	(void)mail_index_step(index, stmt);
}

static int mail_compute_sizes(struct mail *mail)
{
	struct message_size size;

	if (mail_open_file(mail) < 0)
		return -1;
	message_size_count(mail->map, mail->map_size, false, &size);
	mail->psize = (int64_t)size.physical_size;
	mail->vsize = (int64_t)size.virtual_size;
	mail_store_sizes(mail->box, mail->id, size.physical_size,
		size.virtual_size);
	return 0;
}

int mail_get_virtual_size(struct mail *mail, uint64_t *size_r)
{
	if (mail_load_file_info(mail) < 0)
		return -1;
	if (mail->vsize < 0 && mail_compute_sizes(mail) < 0)
		return -1;
	*size_r = (uint64_t)mail->vsize;
	return 0;
}

int mail_get_physical_size(struct mail *mail, uint64_t *size_r)
{
	if (mail_load_file_info(mail) < 0)
		return -1;
	if (mail->psize < 0 && mail_compute_sizes(mail) < 0)
		return -1;
	*size_r = (uint64_t)mail->psize;
	return 0;
}

int mail_get_modseq(struct mail *mail, uint64_t *modseq_r)
{
	if (mail_load_row(mail) < 0)
		return -1;
	*modseq_r = mail->modseq;
	return 0;
}

int mail_get_keywords(struct mail *mail, const char *const **keywords_r,
	unsigned int *count_r)
{
	struct mailbox *box = mail->box;
	unsigned int i, n = 0;

	if (mail_load_row(mail) < 0)
		return -1;
	if (mail->keywords == NULL) {
		if (mail->kw_size * 8 > box->keywords_count) {
			/* keywords defined after our last sync */
			(void)mailbox_index_attach(box);
		}
		mail->keywords = arena_new(mail->arena, const char *,
			mail->kw_size * 8 + 1);
		for (i = 0; i < mail->kw_size * 8; i++) {
			if (keyword_bits_has(mail->kw_bits, mail->kw_size, i) &&
			    i < box->keywords_count)
				mail->keywords[n++] = box->keywords[i];
		}
		mail->keywords_count = n;
	}
	*keywords_r = mail->keywords;
	*count_r = mail->keywords_count;
	return 0;
}

/* The server's UTC offset at t, in minutes (Dovecot shows INTERNALDATE
   in the server's zone). */
static int local_tz_offset(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

int mail_get_received_date(struct mail *mail, time_t *date_r,
	int *tz_offset_r)
{
	struct mailbox *box = mail->box;

	if (mail_load_row(mail) < 0)
		return -1;
	if (mail->received < 0) {
		const char *new_key;
		time_t t;

		if (box->storage->ops->mail_get_received_date(box->bbox,
				mail->uid, mail->key, mail->arena, &t,
				&new_key) < 0)
			return -1;
		if (new_key != NULL) {
			mail->key = new_key;
			mail_update_key(box, mail->id, new_key);
		}
		mail->received = t;
		{
			struct mail_index *index =
				mail_user_get_index(box->user);
			sqlite3_stmt *stmt = index == NULL ? NULL :
				mail_index_stmt(index, "UPDATE mail SET "
					"received = ?2 WHERE id = ?1");

			if (stmt != NULL) {
				sqlite3_bind_int64(stmt, 1, mail->id);
				sqlite3_bind_int64(stmt, 2, t);
				(void)mail_index_step(index, stmt);
			}
		}
	}
	*date_r = (time_t)mail->received;
	if (tz_offset_r != NULL)
		*tz_offset_r = local_tz_offset(*date_r);
	return 0;
}

int mail_get_save_date(struct mail *mail, time_t *date_r)
{
	if (mail_load_row(mail) < 0)
		return -1;
	if (mail->saved < 0)
		return mail_get_received_date(mail, date_r, NULL);
	*date_r = (time_t)mail->saved;
	return 0;
}

int mail_get_guid(struct mail *mail, const char **guid_r)
{
	if (mail_load_row(mail) < 0)
		return -1;
	if (mail->guid == NULL) {
		/* Dovecot's Maildir GUID default: the base file name */
		const char *fname = strchr(mail->key, '/');
		const char *colon;

		fname = fname == NULL ? mail->key : fname + 1;
		colon = strchr(fname, ':');
		mail->guid = colon == NULL ? fname :
			arena_strndup(mail->arena, fname,
				(size_t)(colon - fname));
	}
	*guid_r = mail->guid;
	return 0;
}

/* ---- the parse cache ---- */

static int mail_load_cache(struct mail *mail)
{
	struct mail_index *index;
	sqlite3_stmt *stmt;
	const char *str;
	const void *blob;
	int ret;

	if (mail->cache_loaded)
		return 0;
	if (mail_load_row(mail) < 0)
		return -1;
	index = mail_user_get_index(mail->box->user);
	if (index == NULL)
		return -1;
	if (!mail->cached) {
		if (mail_open_file(mail) < 0)
			return -1;
		if (mail_cache_fill(index, mail->id, mail->map, mail->map_size,
				false) < 0) {
			mail_user_set_index_error(mail->box->user);
			return -1;
		}
		mail->cached = true;
	}
	stmt = mail_index_stmt(index, "SELECT envelope, bodystructure, body,"
		" parts, sent_date, sent_tz, hdrs FROM mail WHERE id = ?1");
	if (stmt == NULL) {
		mail_user_set_index_error(mail->box->user);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, mail->id);
	ret = mail_index_step(index, stmt);
	if (ret != SQLITE_ROW) {
		if (ret < 0)
			mail_user_set_index_error(mail->box->user);
		else
			mail_set_expunged(mail);
		return -1;
	}
	str = (const char *)sqlite3_column_text(stmt, 0);
	mail->envelope = arena_strdup(mail->arena, str == NULL ? "NIL" : str);
	str = (const char *)sqlite3_column_text(stmt, 1);
	mail->bodystructure = arena_strdup(mail->arena, str == NULL ? "" : str);
	str = (const char *)sqlite3_column_text(stmt, 2);
	mail->body = arena_strdup(mail->arena, str == NULL ? "" : str);
	blob = sqlite3_column_blob(stmt, 3);
	mail->parts_size = (size_t)sqlite3_column_bytes(stmt, 3);
	if (blob != NULL) {
		void *copy = arena_alloc(mail->arena, mail->parts_size);

		memcpy(copy, blob, mail->parts_size);
		mail->parts_blob = copy;
	}
	mail->have_sent_date = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
	mail->sent_date = (time_t)sqlite3_column_int64(stmt, 4);
	mail->sent_tz = sqlite3_column_int(stmt, 5);
	blob = sqlite3_column_blob(stmt, 6);
	mail->hdrs_size = (size_t)sqlite3_column_bytes(stmt, 6);
	if (blob != NULL) {
		void *copy = arena_alloc(mail->arena, mail->hdrs_size);

		memcpy(copy, blob, mail->hdrs_size);
		mail->hdrs = copy;
	}
	sqlite3_reset(stmt);
	mail->cache_loaded = true;
	return 0;
}

int mail_get_envelope(struct mail *mail, const char **envelope_r)
{
	if (mail_load_cache(mail) < 0)
		return -1;
	*envelope_r = mail->envelope;
	return 0;
}

int mail_get_bodystructure(struct mail *mail, const char **bodystructure_r)
{
	if (mail_load_cache(mail) < 0)
		return -1;
	*bodystructure_r = mail->bodystructure;
	return 0;
}

int mail_get_body(struct mail *mail, const char **body_r)
{
	if (mail_load_cache(mail) < 0)
		return -1;
	*body_r = mail->body;
	return 0;
}

int mail_get_sent_date(struct mail *mail, time_t *date_r, int *tz_offset_r)
{
	if (mail_load_cache(mail) < 0)
		return -1;
	*date_r = mail->have_sent_date ? mail->sent_date : 0;
	if (tz_offset_r != NULL)
		*tz_offset_r = mail->have_sent_date ? mail->sent_tz : 0;
	return 0;
}

int mail_get_parts(struct mail *mail, struct message_part **parts_r)
{
	const char *error;

	if (mail->parts != NULL) {
		*parts_r = mail->parts;
		return 0;
	}
	if (mail_load_cache(mail) < 0 || mail_open_file(mail) < 0)
		return -1;
	if (mail->parts_blob != NULL) {
		mail->parts = message_part_deserialize(mail->arena,
			mail->parts_blob, mail->parts_size, 0, &error);
		if (mail->parts != NULL &&
		    message_part_data_fill(mail->arena, mail->parts, mail->map,
			    mail->map_size, &error) < 0)
			mail->parts = NULL;
		if (mail->parts == NULL) {
			/* the file changed (edited by hand) or the blob is
			   damaged: reparse and recache */
			i_warning("Mailbox %s UID %u: cached MIME structure "
				"is stale (%s), reparsing", mail->box->vname,
				mail->uid, error);
		}
	}
	if (mail->parts == NULL) {
		struct mail_index *index = mail_user_get_index(mail->box->user);

		mail->parts = message_parse(mail->arena, mail->map,
			mail->map_size, NULL, MESSAGE_PARSER_FLAG_PART_DATA);
		if (index != NULL)
			(void)mail_cache_fill(index, mail->id, mail->map,
				mail->map_size, false);
	}
	*parts_r = mail->parts;
	return 0;
}

int mail_get_headers(struct mail *mail, const char *name,
	const char *const **values_r)
{
	struct message_header_iter iter;
	struct message_header_field field;
	ARRAY(const char *) values;
	const void *hdr;
	size_t size;

	if (mail_cache_header_is_cached(name)) {
		if (mail_load_cache(mail) < 0)
			return -1;
		hdr = mail->hdrs;
		size = mail->hdrs_size;
	} else {
		if (mail_open_file(mail) < 0)
			return -1;
		hdr = mail->map;
		size = mail->map == NULL ? 0 :
			message_header_block_size(mail->map, mail->map_size);
	}
	array_init(&values, mail->arena, 4);
	if (hdr != NULL) {
		message_header_iter_init(&iter, hdr, size);
		while (message_header_iter_next(&iter, &field)) {
			if (field.no_colon ||
			    !message_header_name_equals(field.name, name))
				continue;
			array_push(&values, message_header_unfold_dup(
				mail->arena, field.value));
		}
	}
	array_push(&values, NULL);
	*values_r = values.v;
	return 0;
}

/* Raw cached headers and the file, for search (mail-search.c). */
int mail_get_cached_headers(struct mail *mail, const void **hdrs_r,
	size_t *size_r)
{
	if (mail_load_cache(mail) < 0)
		return -1;
	*hdrs_r = mail->hdrs;
	*size_r = mail->hdrs_size;
	return 0;
}

int64_t mail_get_index_id(const struct mail *mail)
{
	return mail->id;
}

int mail_get_key(struct mail *mail, const char **key_r)
{
	if (mail_load_row(mail) < 0)
		return -1;
	*key_r = mail->key;
	return 0;
}

uint8_t mail_get_stored_flags(struct mail *mail)
{
	return mail_load_row(mail) < 0 ? 0 : mail->row_flags;
}

const uint8_t *mail_get_keyword_bits(struct mail *mail, unsigned int *size_r)
{
	if (mail_load_row(mail) < 0) {
		*size_r = 0;
		return NULL;
	}
	*size_r = mail->kw_size;
	return mail->kw_bits;
}

