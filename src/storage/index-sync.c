/*
 * index-sync.c - keeping a mailbox's index rows in step with the store.
 *
 * The store's change stamp (directory mtimes, UID list identity) is kept
 * in the mailbox row.  When the store's current stamp matches, the rows
 * are trusted and nothing is read (this is what makes SELECT of a large
 * mailbox cheap).  Otherwise the backend scans the store and the scan is
 * merged with the rows: messages that appeared get rows, messages that
 * vanished are moved to the expunge history, changed flags and keywords
 * are updated; each of those changes gets the sync's new modseq.  All of
 * it happens in one index write transaction, so other processes see
 * either the old or the new state.
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "str.h"
#include "index/mail-index.h"

struct index_row {
	uint32_t uid;
	uint8_t flags;
	const uint8_t *kw;
	unsigned int kw_size;
	const char *key;
};

struct index_sync_ctx {
	struct mailbox *box;
	struct mail_index *index;
	struct arena *arena;
	struct index_row *rows;
	unsigned int count, pos;

	uint64_t modseq;
	uint64_t base_modseq;
	bool first_scan;
	uint32_t min_recent_uid;
	time_t now;

	/* per keyword index: 1 storable in the store, 2 not, 0 unknown;
	   from storable_arena (the callbacks run in scratch frames of
	   their own, which would free it between messages) */
	struct arena *storable_arena;
	uint8_t *storable;
	unsigned int storable_size;
	bool keywords_changed;
	/* a callback failed on the index (not the store) */
	bool index_failed;
};

void keyword_bits_set(struct arena *arena, struct keyword_bits *kb,
	unsigned int idx)
{
	unsigned int need = idx / 8 + 1;

	if (need > kb->size) {
		kb->bits = arena_realloc(arena, kb->bits, kb->size, need);
		kb->size = need;
	}
	kb->bits[idx / 8] |= 1U << (idx % 8);
}

unsigned int keyword_bits_trim(const void *bits, unsigned int size)
{
	const uint8_t *p = bits;

	while (size > 0 && p[size - 1] == 0)
		size--;
	return size;
}

int index_mailbox_next_modseq(struct mailbox *box, uint64_t *modseq_r)
{
	struct mail_index *index = box->user->index;
	sqlite3_stmt *stmt;

	i_assert(index != NULL && mail_index_in_write(index));
	stmt = mail_index_stmt(index,
		"UPDATE mailbox SET highest_modseq = highest_modseq + 1 "
		"WHERE id = ?1 RETURNING highest_modseq");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	if (mail_index_step(index, stmt) != SQLITE_ROW)
		return -1;
	*modseq_r = (uint64_t)sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return 0;
}

int index_mailbox_clear_messages(struct mail_index *index, int64_t id)
{
	static const char *const sqls[] = {
		"DELETE FROM fts WHERE rowid BETWEEN ?1 AND ?2",
		"DELETE FROM mail WHERE id BETWEEN ?1 AND ?2",
		"DELETE FROM msg WHERE id BETWEEN ?1 AND ?2",
		"DELETE FROM expunged WHERE id BETWEEN ?1 AND ?2",
	};
	sqlite3_stmt *stmt;

	for (unsigned int i = 0; i < N_ELEMENTS(sqls); i++) {
		stmt = mail_index_stmt(index, sqls[i]);
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, index_msg_id(id, 0));
		sqlite3_bind_int64(stmt, 2, index_msg_id(id, 0xffffffffU));
		if (mail_index_step(index, stmt) < 0)
			return -1;
	}
	return 0;
}

static int sync_get_modseq(struct index_sync_ctx *ctx, uint64_t *modseq_r)
{
	if (ctx->first_scan) {
		*modseq_r = ctx->base_modseq;
		return 0;
	}
	if (ctx->modseq == 0 &&
	    index_mailbox_next_modseq(ctx->box, &ctx->modseq) < 0)
		return -1;
	*modseq_r = ctx->modseq;
	return 0;
}

static int sync_expunge(struct index_sync_ctx *ctx, uint32_t uid)
{
	struct mail_index *index = ctx->index;
	uint64_t modseq;

	if (sync_get_modseq(ctx, &modseq) < 0)
		return -1;
	return mail_index_expunge_msg(index, ctx->box->index_id,
		index_msg_id(ctx->box->index_id, uid), modseq);
}

/* Index of a keyword name in the mailbox's list, appending new ones. */
static unsigned int sync_keyword_idx(struct index_sync_ctx *ctx,
	const char *name)
{
	struct mailbox *box = ctx->box;
	int idx = mailbox_keyword_lookup(box, name);

	if (idx >= 0)
		return (unsigned int)idx;
	SCRATCH_BEGIN {
		const char *str = box->keywords_count == 0 ? name :
			t_printf("%s %s", box->keywords_str, name);

		mailbox_keywords_set(box, str);
	} SCRATCH_END;
	ctx->keywords_changed = true;
	return box->keywords_count - 1;
}

static bool sync_keyword_is_storable(struct index_sync_ctx *ctx,
	unsigned int idx)
{
	struct mailbox *box = ctx->box;

	if (idx >= ctx->storable_size) {
		unsigned int new_size = box->keywords_count + 8;

		if (new_size <= idx)
			new_size = idx + 8;
		if (ctx->storable_arena == NULL) {
			ctx->storable_arena = arena_create("sync keywords",
				64);
		}
		ctx->storable = arena_realloc(ctx->storable_arena,
			ctx->storable, ctx->storable_size, new_size);
		memset(ctx->storable + ctx->storable_size, 0,
			new_size - ctx->storable_size);
		ctx->storable_size = new_size;
	}
	if (ctx->storable[idx] == 0) {
		ctx->storable[idx] = idx < box->keywords_count &&
			box->storage->ops->keyword_is_storable(box->bbox,
				box->keywords[idx]) ? 1 : 2;
	}
	return ctx->storable[idx] == 1;
}

/* The keyword bitmap of a scanned message: what the store has, plus the
   index-only keywords (those the store can't hold) of the old row. */
static void sync_rec_keywords(struct index_sync_ctx *ctx,
	const struct backend_mail_rec *rec, const struct index_row *row,
	struct keyword_bits *kb)
{
	unsigned int i;

	memset(kb, 0, sizeof(*kb));
	for (i = 0; i < rec->keywords_count; i++)
		keyword_bits_set(ctx->arena, kb,
			sync_keyword_idx(ctx, rec->keywords[i]));
	if (row == NULL)
		return;
	for (i = 0; i < row->kw_size * 8; i++) {
		if (keyword_bits_has(row->kw, row->kw_size, i) &&
		    !sync_keyword_is_storable(ctx, i))
			keyword_bits_set(ctx->arena, kb, i);
	}
	kb->size = keyword_bits_trim(kb->bits, kb->size);
}

static int sync_insert(struct index_sync_ctx *ctx,
	const struct backend_mail_rec *rec)
{
	struct mail_index *index = ctx->index;
	int64_t id = index_msg_id(ctx->box->index_id, rec->uid);
	struct keyword_bits kb;
	sqlite3_stmt *stmt;
	uint64_t modseq;

	if (sync_get_modseq(ctx, &modseq) < 0)
		return -1;
	sync_rec_keywords(ctx, rec, NULL, &kb);
	stmt = mail_index_stmt(index, "INSERT OR REPLACE INTO msg "
		"(id, mailbox_id, flags, keywords, modseq) "
		"VALUES (?1, ?2, ?3, ?4, ?5)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, ctx->box->index_id);
	sqlite3_bind_int(stmt, 3, rec->flags & MAIL_FLAGS_STORE_MASK);
	if (kb.size > 0)
		sqlite3_bind_blob(stmt, 4, kb.bits, (int)kb.size,
			SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)modseq);
	if (mail_index_step(index, stmt) < 0)
		return -1;

	stmt = mail_index_stmt(index, "INSERT OR REPLACE INTO mail "
		"(id, key, guid, psize, vsize, saved) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, rec->key, -1, SQLITE_STATIC);
	if (rec->guid != NULL)
		sqlite3_bind_text(stmt, 3, rec->guid, -1, SQLITE_STATIC);
	if (rec->physical_size != (uint64_t)-1)
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)rec->physical_size);
	if (rec->virtual_size != (uint64_t)-1)
		sqlite3_bind_int64(stmt, 5, (sqlite3_int64)rec->virtual_size);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)ctx->now);
	if (mail_index_step(index, stmt) < 0)
		return -1;
	/* As Dovecot: every message new to the index is \Recent (for the
	   first session that sees it), whether the backend found it as new
	   (Maildir new/) or not (cur/ files written by another program, or
	   all messages when the index is created or rebuilt). */
	if (ctx->min_recent_uid == 0 || rec->uid < ctx->min_recent_uid)
		ctx->min_recent_uid = rec->uid;
	return 0;
}

static int sync_update(struct index_sync_ctx *ctx,
	const struct backend_mail_rec *rec, const struct index_row *row)
{
	struct mail_index *index = ctx->index;
	int64_t id = index_msg_id(ctx->box->index_id, rec->uid);
	enum mail_flags flags = rec->flags & MAIL_FLAGS_STORE_MASK;
	struct keyword_bits kb;
	unsigned int old_size;
	sqlite3_stmt *stmt;
	uint64_t modseq;

	sync_rec_keywords(ctx, rec, row, &kb);
	old_size = keyword_bits_trim(row->kw, row->kw_size);
	if (flags != row->flags || kb.size != old_size ||
	    (kb.size > 0 && memcmp(kb.bits, row->kw, kb.size) != 0)) {
		if (sync_get_modseq(ctx, &modseq) < 0)
			return -1;
		stmt = mail_index_stmt(index, "UPDATE msg SET flags = ?2, "
			"keywords = ?3, modseq = ?4 WHERE id = ?1");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_int(stmt, 2, flags);
		if (kb.size > 0)
			sqlite3_bind_blob(stmt, 3, kb.bits, (int)kb.size,
				SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)modseq);
		if (mail_index_step(index, stmt) < 0)
			return -1;
	}
	if (row->key == NULL || strcmp(row->key, rec->key) != 0) {
		stmt = mail_index_stmt(index,
			"UPDATE mail SET key = ?2 WHERE id = ?1");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_text(stmt, 2, rec->key, -1, SQLITE_STATIC);
		if (mail_index_step(index, stmt) < 0)
			return -1;
		if (sqlite3_changes(mail_index_db(index)) == 0) {
			/* the data row was lost: recreate it */
			stmt = mail_index_stmt(index, "INSERT OR REPLACE INTO "
				"mail (id, key, guid, psize, vsize, saved) "
				"VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
			if (stmt == NULL)
				return -1;
			sqlite3_bind_int64(stmt, 1, id);
			sqlite3_bind_text(stmt, 2, rec->key, -1,
				SQLITE_STATIC);
			if (rec->guid != NULL)
				sqlite3_bind_text(stmt, 3, rec->guid, -1,
					SQLITE_STATIC);
			if (rec->physical_size != (uint64_t)-1)
				sqlite3_bind_int64(stmt, 4,
					(sqlite3_int64)rec->physical_size);
			if (rec->virtual_size != (uint64_t)-1)
				sqlite3_bind_int64(stmt, 5,
					(sqlite3_int64)rec->virtual_size);
			sqlite3_bind_int64(stmt, 6, (sqlite3_int64)ctx->now);
			if (mail_index_step(index, stmt) < 0)
				return -1;
		}
	}
	return 0;
}

static int sync_rec_callback(void *context, const struct backend_mail_rec *rec)
{
	struct index_sync_ctx *ctx = context;
	int ret = 0;

	while (ctx->pos < ctx->count && ctx->rows[ctx->pos].uid < rec->uid) {
		if (sync_expunge(ctx, ctx->rows[ctx->pos].uid) < 0) {
			ctx->index_failed = true;
			return -1;
		}
		ctx->pos++;
	}
	SCRATCH_BEGIN {
		if (ctx->pos < ctx->count &&
		    ctx->rows[ctx->pos].uid == rec->uid) {
			ret = sync_update(ctx, rec, &ctx->rows[ctx->pos]);
			ctx->pos++;
		} else {
			ret = sync_insert(ctx, rec);
		}
	} SCRATCH_END;
	if (ret < 0)
		ctx->index_failed = true;
	return ret;
}

/* Loads the current rows of the mailbox (uid, flags, keywords, key). */
static int sync_load_rows(struct index_sync_ctx *ctx)
{
	struct mail_index *index = ctx->index;
	sqlite3_stmt *stmt;
	unsigned int alloc = 64;
	int ret;

	stmt = mail_index_stmt(index,
		"SELECT m.id, m.flags, m.keywords, d.key FROM msg m "
		"LEFT JOIN mail d ON d.id = m.id "
		"WHERE m.id BETWEEN ?1 AND ?2 ORDER BY m.id");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, index_msg_id(ctx->box->index_id, 0));
	sqlite3_bind_int64(stmt, 2,
		index_msg_id(ctx->box->index_id, 0xffffffffU));
	ctx->rows = arena_new(ctx->arena, struct index_row, alloc);
	while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW) {
		struct index_row *row;
		const void *kw;
		const char *key;

		if (ctx->count == alloc) {
			ctx->rows = arena_realloc(ctx->arena, ctx->rows,
				size_mul(alloc, sizeof(*ctx->rows)),
				size_mul(alloc * 2, sizeof(*ctx->rows)));
			alloc *= 2;
		}
		row = &ctx->rows[ctx->count++];
		row->uid = (uint32_t)(sqlite3_column_int64(stmt, 0) &
			0xffffffff);
		row->flags = (uint8_t)sqlite3_column_int(stmt, 1);
		kw = sqlite3_column_blob(stmt, 2);
		row->kw_size = (unsigned int)sqlite3_column_bytes(stmt, 2);
		if (kw != NULL && row->kw_size > 0) {
			uint8_t *copy = arena_alloc(ctx->arena, row->kw_size);

			memcpy(copy, kw, row->kw_size);
			row->kw = copy;
		} else {
			row->kw_size = 0;
		}
		key = (const char *)sqlite3_column_text(stmt, 3);
		row->key = key == NULL ? NULL : arena_strdup(ctx->arena, key);
	}
	return ret < 0 ? -1 : 0;
}

struct sync_row_state {
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint64_t highest_modseq;
	bool have_stamp;
	bool stamp_changed;
};

/* Reads the row and checks the stamp.  0, -1 (index error), or -2 with the
   error set (the row is gone: NOTFOUND; the store failed). */
static int sync_check_row(struct mailbox *box, struct mail_index *index,
	bool full, struct sync_row_state *state_r)
{
	sqlite3_stmt *stmt;
	const void *stamp;
	int size, ret;

	memset(state_r, 0, sizeof(*state_r));
	stmt = mail_index_stmt(index, "SELECT uidvalidity, uidnext, "
		"highest_modseq, stamp, keywords FROM mailbox WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	ret = mail_index_step(index, stmt);
	if (ret != SQLITE_ROW) {
		if (ret == SQLITE_DONE) {
			/* the row vanished: another process deleted the
			   mailbox (a rebuilt index changes the generation
			   instead, handled before we get here) */
			box->index_generation = 0;
			mail_storage_set_error(box->storage,
				MAIL_ERROR_NOTFOUND, "Mailbox was deleted");
			return -2;
		}
		return -1;
	}
	state_r->uidvalidity = (uint32_t)sqlite3_column_int64(stmt, 0);
	state_r->uidnext = (uint32_t)sqlite3_column_int64(stmt, 1);
	state_r->highest_modseq = (uint64_t)sqlite3_column_int64(stmt, 2);
	stamp = sqlite3_column_blob(stmt, 3);
	size = sqlite3_column_bytes(stmt, 3);
	mailbox_keywords_set(box, (const char *)sqlite3_column_text(stmt, 4));
	state_r->have_stamp = stamp != NULL;
	if (stamp == NULL || full)
		state_r->stamp_changed = true;
	else {
		void *copy = t_malloc(size == 0 ? 1 : (size_t)size);

		memcpy(copy, stamp, (size_t)size);
		sqlite3_reset(stmt);
		if (box->storage->ops->stamp_check(box->bbox, copy,
				(size_t)size, &state_r->stamp_changed) < 0)
			return -2;
	}
	sqlite3_reset(stmt);
	return 0;
}

static int index_sync_scan(struct mailbox *box, struct mail_index *index,
	const struct sync_row_state *state, enum index_sync_flags flags)
{
	struct index_sync_ctx ctx;
	struct backend_sync_info info;
	struct buf stamp;
	sqlite3_stmt *stmt;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.box = box;
	ctx.index = index;
	ctx.arena = scratch_arena();
	ctx.now = time(NULL);
	ctx.first_scan = !state->have_stamp;

	buf_init(&stamp, ctx.arena, 128, 4096);
	if (box->storage->ops->get_stamp(box->bbox, false, &stamp) < 0)
		return -2;
	if (!ctx.first_scan && sync_load_rows(&ctx) < 0)
		return -1;
	/* the scan's callbacks need the base before inserting: assume an
	   existing mailbox, fix it below for a brand new empty one */
	if (ctx.first_scan)
		ctx.base_modseq = mail_index_modseq_base(index, false);

	ret = box->storage->ops->sync_scan(box->bbox,
		(flags & INDEX_SYNC_FLAG_MOVE_NEW) != 0 ?
			BACKEND_SYNC_FLAG_MOVE_NEW : 0,
		&info, sync_rec_callback, &ctx);
	if (ctx.storable_arena != NULL)
		arena_destroy(&ctx.storable_arena);
	if (ret < 0)
		return ctx.index_failed ? -1 : -2;

	if (!ctx.first_scan && state->uidvalidity != 0 &&
	    info.uidvalidity != state->uidvalidity) {
		/* the store's UIDs were reset: start the mailbox over */
		return 1;
	}
	while (ctx.pos < ctx.count) {
		if (sync_expunge(&ctx, ctx.rows[ctx.pos++].uid) < 0)
			return -1;
	}
	if (ctx.first_scan) {
		bool brand_new = info.next_uid <= 1;
		uint64_t base = brand_new ?
			mail_index_modseq_base(index, true) : ctx.base_modseq;

		stmt = mail_index_stmt(index, "UPDATE mailbox SET "
			"highest_modseq = ?2, history_modseq = ?2, "
			"first_recent_uid = ?3 WHERE id = ?1");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, box->index_id);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)base);
		sqlite3_bind_int64(stmt, 3, ctx.min_recent_uid != 0 ?
			ctx.min_recent_uid : info.next_uid);
		if (mail_index_step(index, stmt) < 0)
			return -1;
	}
	stmt = mail_index_stmt(index, "UPDATE mailbox SET uidvalidity = ?2, "
		"uidnext = ?3, stamp = ?4, keywords = ?5, guid = ?6 "
		"WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	sqlite3_bind_int64(stmt, 2, info.uidvalidity);
	sqlite3_bind_int64(stmt, 3, info.next_uid);
	sqlite3_bind_blob(stmt, 4, stamp.data, (int)stamp.used, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, box->keywords_str == NULL ? "" :
		box->keywords_str, -1, SQLITE_STATIC);
	if (info.guid != NULL)
		sqlite3_bind_text(stmt, 6, info.guid, -1, SQLITE_STATIC);
	if (mail_index_step(index, stmt) < 0)
		return -1;
	return 0;
}

/* The store's UIDVALIDITY changed: forget the mailbox's messages so the
   next scan inserts them all again. */
static int index_sync_reset(struct mailbox *box, struct mail_index *index)
{
	sqlite3_stmt *stmt;

	if (index_mailbox_clear_messages(index, box->index_id) < 0)
		return -1;
	stmt = mail_index_stmt(index, "UPDATE mailbox SET stamp = NULL, "
		"uidvalidity = 0, keywords = '' WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	if (mail_index_step(index, stmt) < 0)
		return -1;
	mailbox_keywords_set(box, "");
	return 0;
}

static int index_sync_mailbox_once(struct mailbox *box,
	enum index_sync_flags flags)
{
	struct mail_index *index;
	struct sync_row_state state;
	int ret;

	index = mail_user_get_index(box->user);
	if (index == NULL)
		return -1;
	if (box->index_generation != mail_index_get_generation(index)) {
		/* attaching may reopen the user's index (a rebuilt or
		   replaced database): the old handle is gone then */
		if (mailbox_index_attach(box) < 0)
			return -1;
		index = mail_user_get_index(box->user);
		if (index == NULL)
			return -1;
	}

	/* the cheap path: the stamp says nothing changed */
	SCRATCH_BEGIN {
		ret = sync_check_row(box, index,
			(flags & INDEX_SYNC_FLAG_FULL) != 0, &state);
	} SCRATCH_END;
	if (ret < 0)
		return ret == -2 ? -2 : -1;
	if (!state.stamp_changed &&
	    ((flags & INDEX_SYNC_FLAG_MOVE_NEW) == 0 ||
	     !box->storage->ops->has_new(box->bbox)))
		return 0;

	if (mail_index_begin_write(index) < 0)
		return -1;
	SCRATCH_BEGIN {
		/* another process may have scanned while we waited */
		ret = sync_check_row(box, index,
			(flags & INDEX_SYNC_FLAG_FULL) != 0, &state);
		if (ret == 0 && (state.stamp_changed ||
				 ((flags & INDEX_SYNC_FLAG_MOVE_NEW) != 0 &&
				  box->storage->ops->has_new(box->bbox)))) {
			ret = index_sync_scan(box, index, &state, flags);
			if (ret > 0) {
				if (index_sync_reset(box, index) < 0)
					ret = -1;
				else {
					state.have_stamp = false;
					state.uidvalidity = 0;
					ret = index_sync_scan(box, index,
						&state, flags);
				}
			}
		}
	} SCRATCH_END;
	if (ret == 0 && mail_index_commit(index) < 0)
		ret = -1;
	else if (ret != 0)
		mail_index_rollback(index);
	return ret;
}

int index_sync_mailbox(struct mailbox *box, enum index_sync_flags flags)
{
	int ret;

	ret = index_sync_mailbox_once(box, flags);
	if (ret == -1 && box->user->index != NULL &&
	    mail_index_need_reopen(box->user->index)) {
		/* corrupted or replaced under us: reopen (rebuilding) and
		   retry once */
		ret = index_sync_mailbox_once(box, flags);
	}
	if (ret == -1)
		mail_user_set_index_error(box->user);
	return ret < 0 ? -1 : 0;
}
