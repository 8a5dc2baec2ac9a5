/*
 * mail-cache.c - what the index caches about a message's content, computed
 * from the message bytes in one pass: the MIME part tree (serialised),
 * ENVELOPE, BODYSTRUCTURE and BODY strings, the values SORT and THREAD
 * compare (sent date, base subject, first addresses, display names,
 * Message-ID, In-Reply-To, References), the raw common header fields
 * (for SEARCH FROM/SUBJECT/... and HEADER.FIELDS without opening the
 * file) and the full-text row (decoded, case-folded text for FTS5).
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "str.h"
#include "imap-base-subject.h"
#include "imap-bodystructure.h"
#include "imap-envelope.h"
#include "mail-utf8.h"
#include "message-address.h"
#include "message-date.h"
#include "message-header.h"
#include "message-id.h"
#include "message-parser.h"
#include "message-part-serialize.h"
#include "message-text.h"
#include "rfc2047.h"
#include "index/mail-index.h"

#include <strings.h>

/* Header fields kept raw in the hdrs column. */
static const char *const cached_header_names[] = {
	"Date", "Subject", "From", "To", "Cc", "Bcc", "Sender", "Reply-To",
	"Message-ID", "In-Reply-To", "References", NULL
};

/* Most decoded text indexed per message (FTS); beyond it the row is
   marked partial and searches read the message itself. */
#define MAIL_CACHE_FTS_MAX_TEXT (8 * 1024 * 1024)
/* Longest header block kept for the hdrs column. */
#define MAIL_CACHE_MAX_HDRS (64 * 1024)

bool mail_cache_header_is_cached(const char *name)
{
	for (unsigned int i = 0; cached_header_names[i] != NULL; i++) {
		if (strcasecmp(cached_header_names[i], name) == 0)
			return true;
	}
	return false;
}

static const char *casefold_dup(struct arena *arena, const char *str)
{
	struct buf out;

	buf_init(&out, arena, strlen(str) + 16, 0);
	if (utf8_append_casefold(&out, str, strlen(str)) < 0)
		return "";
	return buf_cstr(&out);
}

/* RFC 5256: the addr-mailbox of the first address, case-folded; a
   group's start marker counts, its mailbox being the group name (as
   Dovecot: "undisclosed-recipients:;" sorts as that name). */
static const char *sort_address(struct arena *arena,
	const struct message_address *addr)
{
	if (addr == NULL || addr->mailbox == NULL)
		return "";
	return casefold_dup(arena, addr->mailbox);
}

static const char *display_address(struct arena *arena,
	const struct message_address *addr)
{
	return casefold_dup(arena, message_address_display_name(arena, addr));
}

struct mail_cache_values {
	const char *envelope;
	const char *bodystructure;
	const char *body;
	struct buf parts;
	bool have_date;
	time_t sent_date;
	int sent_tz;
	const char *base_subject;
	bool subject_reply;
	const char *sort_from, *sort_to, *sort_cc;
	const char *display_from, *display_to;
	const char *message_id, *in_reply_to, *refs;
	struct buf hdrs;
};

static const char *header_value(struct arena *arena, const void *hdr,
	size_t size, const char *name)
{
	struct message_header_field field;

	if (!message_header_find(hdr, size, name, &field))
		return NULL;
	return message_header_unfold_dup(arena, field.value);
}

static int mail_cache_compute(struct arena *arena, const void *data,
	size_t size, struct mail_cache_values *v, const char **error_r)
{
	struct message_part *root;
	struct message_envelope *env;
	struct message_header_iter iter;
	struct message_header_field field;
	struct buf out;
	size_t hdr_size;
	const char *subject, *date;

	memset(v, 0, sizeof(*v));
	root = message_parse(arena, data, size, NULL,
		MESSAGE_PARSER_FLAG_PART_DATA);
	hdr_size = root->header_size.physical_size;

	buf_init(&v->parts, arena, 256, 0);
	if (message_part_serialize(root, &v->parts) < 0) {
		*error_r = "part tree too large";
		return -1;
	}
	env = message_envelope_parse(arena, data, hdr_size);
	buf_init(&out, arena, 512, 0);
	if (imap_envelope_write(&out, env) < 0) {
		*error_r = "envelope too large";
		return -1;
	}
	v->envelope = buf_cstr(&out);
	buf_init(&out, arena, 512, 0);
	if (imap_bodystructure_write(&out, arena, root, data, size, true,
			error_r) < 0)
		return -1;
	v->bodystructure = buf_cstr(&out);
	buf_init(&out, arena, 512, 0);
	if (imap_bodystructure_write(&out, arena, root, data, size, false,
			error_r) < 0)
		return -1;
	v->body = buf_cstr(&out);

	date = header_value(arena, data, hdr_size, "Date");
	if (date != NULL)
		v->have_date = message_date_parse(date, strlen(date),
			&v->sent_date, &v->sent_tz);
	subject = header_value(arena, data, hdr_size, "Subject");
	v->base_subject = casefold_dup(arena, imap_base_subject(arena,
		subject, subject == NULL ? 0 : strlen(subject),
		&v->subject_reply));
	v->sort_from = sort_address(arena, env->from);
	v->sort_to = sort_address(arena, env->to);
	v->sort_cc = sort_address(arena, env->cc);
	v->display_from = display_address(arena, env->from);
	v->display_to = display_address(arena, env->to);
	v->message_id = header_value(arena, data, hdr_size, "Message-ID");
	v->in_reply_to = header_value(arena, data, hdr_size, "In-Reply-To");
	v->refs = header_value(arena, data, hdr_size, "References");

	buf_init(&v->hdrs, arena, 512, MAIL_CACHE_MAX_HDRS);
	message_header_iter_init(&iter, data, hdr_size);
	while (message_header_iter_next(&iter, &field)) {
		char name[64];

		if (field.no_colon || field.name.len >= sizeof(name))
			continue;
		memcpy(name, field.name.ptr, field.name.len);
		name[field.name.len] = '\0';
		if (!mail_cache_header_is_cached(name))
			continue;
		if (buf_append(&v->hdrs, field.raw.ptr, field.raw.len) < 0)
			break;
		if (field.raw.len == 0 ||
		    field.raw.ptr[field.raw.len - 1] != '\n') {
			if (buf_append_c(&v->hdrs, '\n') < 0)
				break;
		}
	}
	return 0;
}

static void bind_text_or_null(sqlite3_stmt *stmt, int idx, const char *str)
{
	if (str != NULL)
		sqlite3_bind_text(stmt, idx, str, -1, SQLITE_STATIC);
}

int mail_cache_fill(struct mail_index *index, int64_t id, const void *data,
	size_t size, bool fts)
{
	struct mail_cache_values v;
	sqlite3_stmt *stmt;
	const char *error;
	struct arena *arena;
	int ret = 0;

	/* a private arena, not the scratch one: the mail library's
	   functions open scratch frames of their own */
	arena = arena_create("mail cache", 16384);
	{
		if (mail_cache_compute(arena, data, size, &v,
				&error) < 0) {
			i_error("Index %s: can't cache message %lld: %s",
				mail_index_get_path(index), (long long)id,
				error);
			ret = -1;
		}
		stmt = ret < 0 ? NULL : mail_index_stmt(index,
			"UPDATE mail SET cached = 1, envelope = ?2,"
			" bodystructure = ?3, body = ?4, parts = ?5,"
			" sent_date = ?6, sent_tz = ?7, base_subject = ?8,"
			" sort_from = ?9, sort_to = ?10, sort_cc = ?11,"
			" display_from = ?12, display_to = ?13,"
			" message_id = ?14, in_reply_to = ?15, refs = ?16,"
			" hdrs = ?17, subject_reply = ?18 WHERE id = ?1");
		if (stmt == NULL)
			ret = -1;
		else {
			sqlite3_bind_int64(stmt, 1, id);
			bind_text_or_null(stmt, 2, v.envelope);
			bind_text_or_null(stmt, 3, v.bodystructure);
			bind_text_or_null(stmt, 4, v.body);
			sqlite3_bind_blob(stmt, 5, v.parts.data,
				(int)v.parts.used, SQLITE_STATIC);
			if (v.have_date) {
				sqlite3_bind_int64(stmt, 6, v.sent_date);
				sqlite3_bind_int(stmt, 7, v.sent_tz);
			}
			bind_text_or_null(stmt, 8, v.base_subject);
			bind_text_or_null(stmt, 9, v.sort_from);
			bind_text_or_null(stmt, 10, v.sort_to);
			bind_text_or_null(stmt, 11, v.sort_cc);
			bind_text_or_null(stmt, 12, v.display_from);
			bind_text_or_null(stmt, 13, v.display_to);
			bind_text_or_null(stmt, 14, v.message_id);
			bind_text_or_null(stmt, 15, v.in_reply_to);
			bind_text_or_null(stmt, 16, v.refs);
			sqlite3_bind_blob(stmt, 17, v.hdrs.data,
				(int)v.hdrs.used, SQLITE_STATIC);
			sqlite3_bind_int(stmt, 18, v.subject_reply ? 1 : 0);
			if (mail_index_step(index, stmt) < 0)
				ret = -1;
		}
	}
	arena_destroy(&arena);
	if (ret == 0 && fts)
		ret = mail_cache_fill_fts(index, id, data, size);
	return ret;
}

/* ---- full text ---- */

struct fts_ctx {
	struct buf hdr, body;
	bool truncated;
};

static int fts_text_cb(void *context, const struct message_part *part,
	enum message_text_kind kind, const char *name, const char *text,
	size_t size)
{
	struct fts_ctx *ctx = context;
	struct buf *out = kind == MESSAGE_TEXT_HEADER ? &ctx->hdr : &ctx->body;

	if (kind == MESSAGE_TEXT_HEADER) {
		if (utf8_append_casefold(out, name, strlen(name)) < 0 ||
		    buf_append(out, ": ", 2) < 0)
			goto full;
	}
	if (utf8_append_casefold(out, text, size) < 0)
		goto full;
	if (kind == MESSAGE_TEXT_HEADER && buf_append_c(out, '\n') < 0)
		goto full;
	return 0;
full:
	ctx->truncated = true;
	return 1;
}

int mail_cache_fill_fts(struct mail_index *index, int64_t id,
	const void *data, size_t size)
{
	struct message_part *root;
	struct fts_ctx ctx;
	sqlite3_stmt *stmt;
	const char *error;
	struct arena *arena;
	int ret = 0;

	arena = arena_create("mail fts", 16384);
	{
		memset(&ctx, 0, sizeof(ctx));
		buf_init(&ctx.hdr, arena, 1024, MAIL_CACHE_FTS_MAX_TEXT / 8);
		buf_init(&ctx.body, arena, 4096, MAIL_CACHE_FTS_MAX_TEXT);
		root = message_parse(arena, data, size, NULL,
			MESSAGE_PARSER_FLAG_PART_DATA);
		if (message_text_iterate(arena, root, data, size,
				MESSAGE_TEXT_FLAG_HEADERS |
				MESSAGE_TEXT_FLAG_BODIES, fts_text_cb, &ctx,
				&error) < 0) {
			i_error("Index %s: can't index text of message %lld: "
				"%s", mail_index_get_path(index),
				(long long)id, error);
			ret = -1;
		}
		stmt = ret < 0 ? NULL : mail_index_stmt(index,
			"INSERT OR REPLACE INTO fts (rowid, hdr, body) "
			"VALUES (?1, ?2, ?3)");
		if (stmt == NULL)
			ret = -1;
		else {
			sqlite3_bind_int64(stmt, 1, id);
			sqlite3_bind_text(stmt, 2, buf_cstr(&ctx.hdr),
				(int)ctx.hdr.used, SQLITE_STATIC);
			sqlite3_bind_text(stmt, 3, buf_cstr(&ctx.body),
				(int)ctx.body.used, SQLITE_STATIC);
			if (mail_index_step(index, stmt) < 0)
				ret = -1;
		}
		if (ret == 0) {
			stmt = mail_index_stmt(index,
				"UPDATE mail SET fts = ?2 WHERE id = ?1");
			if (stmt == NULL)
				ret = -1;
			else {
				sqlite3_bind_int64(stmt, 1, id);
				sqlite3_bind_int(stmt, 2,
					ctx.truncated ? 2 : 1);
				if (mail_index_step(index, stmt) < 0)
					ret = -1;
			}
		}
	}
	arena_destroy(&arena);
	return ret;
}
