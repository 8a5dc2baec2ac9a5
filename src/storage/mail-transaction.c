/*
 * mail-transaction.c - changing a mailbox: saves, copies, flag updates and
 * expunges are recorded, then applied by one commit that holds the index
 * write lock (and, for saves, dovecot-uidlist.lock) and gives all of it
 * one new modseq.
 *
 * Order of a commit: index write lock; the store is changed (files
 * published, renamed, unlinked); the index rows follow; the index
 * commits.  A crash in between leaves the store ahead of the index, which
 * the next sync notices through the store's change stamp and repairs, so
 * an acknowledged message is never lost and a UID never given twice (the
 * store's UID list is the authority).
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "str.h"
#include "index/mail-index.h"

#include <time.h>

struct tx_save {
	struct backend_save *bsave;
	enum mail_flags flags;
	const char **keywords;
	unsigned int keywords_count;
	time_t received;
	/* the GUID the store records for the message (a copy's source
	   GUID), NULL = derived from the store's name */
	const char *guid;
	/* the source's index row to copy cached data from, or -1 */
	int64_t src_id;
};

struct tx_update {
	uint32_t uid;
	enum mail_modify_type type;
	enum mail_flags flags;
	const char **keywords;
	unsigned int keywords_count;
	uint64_t unchanged_since;
};

struct mailbox_transaction {
	struct mailbox *box;
	struct arena *arena;
	ARRAY(struct tx_save) saves;
	ARRAY(struct tx_update) updates;
	ARRAY(uint32_t) expunges;
	bool expunge_deleted;
	struct seq_range *expunge_filter;
	unsigned int expunge_filter_count;
	struct mail_save_context *cur_save;
};

struct mail_save_context {
	struct mailbox_transaction *t;
	struct backend_save *bsave;
	enum mail_flags flags;
	const char **keywords;
	unsigned int keywords_count;
	time_t received;
	const char *guid;
	bool failed;
};

struct mailbox_transaction *mailbox_transaction_begin(struct mailbox *box)
{
	struct arena *arena = arena_create("mailbox transaction", 1024);
	struct mailbox_transaction *t;

	t = arena_new(arena, struct mailbox_transaction, 1);
	t->box = box;
	t->arena = arena;
	array_init(&t->saves, arena, 4);
	array_init(&t->updates, arena, 4);
	array_init(&t->expunges, arena, 4);
	return t;
}

static void transaction_free(struct mailbox_transaction *t)
{
	struct arena *arena = t->arena;

	if (t->cur_save != NULL)
		mail_save_cancel(&t->cur_save);
	for (unsigned int i = 0; i < t->saves.count; i++) {
		if (t->saves.v[i].bsave != NULL)
			t->box->storage->ops->save_free(&t->saves.v[i].bsave);
	}
	arena_destroy(&arena);
}

void mailbox_transaction_rollback(struct mailbox_transaction **_t)
{
	struct mailbox_transaction *t = *_t;

	if (t == NULL)
		return;
	*_t = NULL;
	transaction_free(t);
}

static const char **keywords_dup(struct arena *arena,
	const char *const *keywords, unsigned int *count_r)
{
	const char **out;
	unsigned int i, count = 0;

	if (keywords != NULL) {
		while (keywords[count] != NULL)
			count++;
	}
	out = arena_new(arena, const char *, count + 1);
	for (i = 0; i < count; i++)
		out[i] = arena_strdup(arena, keywords[i]);
	*count_r = count;
	return out;
}

static int keywords_verify(struct mailbox *box, const char *const *keywords)
{
	for (unsigned int i = 0; keywords != NULL && keywords[i] != NULL; i++) {
		if (mailbox_keyword_verify(box, keywords[i]) < 0)
			return -1;
	}
	return 0;
}

/* ---- recording ---- */

int mail_update_flags(struct mailbox_transaction *t, uint32_t seq,
	const struct mail_flag_update *update)
{
	struct tx_update *u;

	if (t->box->readonly) {
		mail_user_set_error(t->box->user, MAIL_ERROR_PERM,
			"Mailbox is read-only");
		return -1;
	}
	if (keywords_verify(t->box, update->keywords) < 0)
		return -1;
	u = array_append_space(&t->updates);
	u->uid = mailbox_get_uid(t->box, seq);
	u->type = update->type;
	u->flags = update->flags & MAIL_FLAGS_STORE_MASK;
	u->keywords = keywords_dup(t->arena, update->keywords,
		&u->keywords_count);
	u->unchanged_since = update->unchanged_since;
	return 0;
}

void mail_expunge(struct mailbox_transaction *t, uint32_t seq)
{
	array_push(&t->expunges, mailbox_get_uid(t->box, seq));
}

void mailbox_expunge_deleted(struct mailbox_transaction *t,
	const struct seq_range *uids, unsigned int uids_count)
{
	t->expunge_deleted = true;
	if (uids_count > 0) {
		t->expunge_filter = arena_new(t->arena, struct seq_range,
			uids_count);
		memcpy(t->expunge_filter, uids, uids_count * sizeof(*uids));
		t->expunge_filter_count = uids_count;
	}
}

struct mail_save_context *mail_save_begin(struct mailbox_transaction *t,
	const struct mail_save_params *params)
{
	struct mailbox *box = t->box;
	static const struct mail_save_params no_params;
	struct mail_save_context *ctx;
	struct backend_save *bsave;

	i_assert(t->cur_save == NULL);
	if (params == NULL)
		params = &no_params;
	if (box->readonly) {
		mail_user_set_error(box->user, MAIL_ERROR_PERM,
			"Mailbox is read-only");
		return NULL;
	}
	if (keywords_verify(box, params->keywords) < 0)
		return NULL;
	if (box->storage->ops->save_begin(box->bbox, &bsave) < 0)
		return NULL;
	ctx = arena_new(t->arena, struct mail_save_context, 1);
	ctx->t = t;
	ctx->bsave = bsave;
	ctx->flags = params->flags & MAIL_FLAGS_STORE_MASK;
	ctx->keywords = keywords_dup(t->arena, params->keywords,
		&ctx->keywords_count);
	ctx->received = params->received_date;
	ctx->guid = params->guid == NULL ? NULL :
		arena_strdup(t->arena, params->guid);
	t->cur_save = ctx;
	return ctx;
}

int mail_save_write(struct mail_save_context *ctx, const void *data,
	size_t size)
{
	struct mailbox *box = ctx->t->box;

	if (ctx->failed)
		return -1;
	if (box->storage->ops->save_write(ctx->bsave, data, size) < 0) {
		ctx->failed = true;
		return -1;
	}
	return 0;
}

static int save_add(struct mailbox_transaction *t, struct backend_save *bsave,
	enum mail_flags flags, const char **keywords,
	unsigned int keywords_count, time_t received, const char *guid,
	int64_t src_id)
{
	struct mailbox *box = t->box;
	struct backend_save_info info;
	struct tx_save *s;

	memset(&info, 0, sizeof(info));
	info.flags = flags;
	info.keywords = keywords;
	info.keywords_count = keywords_count;
	info.received_date = received;
	info.guid = guid;
	if (box->storage->ops->save_finish(bsave, &info) < 0) {
		box->storage->ops->save_free(&bsave);
		return -1;
	}
	s = array_append_space(&t->saves);
	s->bsave = bsave;
	s->flags = flags;
	s->keywords = keywords;
	s->keywords_count = keywords_count;
	s->received = received == 0 ? time(NULL) : received;
	s->guid = guid;
	s->src_id = src_id;
	return 0;
}

int mail_save_finish(struct mail_save_context **_ctx)
{
	struct mail_save_context *ctx = *_ctx;
	struct mailbox_transaction *t = ctx->t;
	int ret;

	*_ctx = NULL;
	t->cur_save = NULL;
	if (ctx->failed) {
		t->box->storage->ops->save_free(&ctx->bsave);
		return -1;
	}
	ret = save_add(t, ctx->bsave, ctx->flags, ctx->keywords,
		ctx->keywords_count, ctx->received, ctx->guid, -1);
	ctx->bsave = NULL;
	return ret;
}

void mail_save_cancel(struct mail_save_context **_ctx)
{
	struct mail_save_context *ctx = *_ctx;

	if (ctx == NULL)
		return;
	*_ctx = NULL;
	ctx->t->cur_save = NULL;
	if (ctx->bsave != NULL)
		ctx->t->box->storage->ops->save_free(&ctx->bsave);
}

int mail_copy(struct mailbox_transaction *t, struct mail *src,
	const struct mail_save_params *params)
{
	struct mailbox *box = t->box;
	struct mailbox *sbox = mail_get_box(src);
	struct backend_save *bsave = NULL;
	const char *const *kw;
	const char **keywords;
	unsigned int kw_count;
	enum mail_flags flags;
	const char *key, *guid;
	time_t received;
	int64_t src_id = -1;

	if (box->readonly) {
		mail_user_set_error(box->user, MAIL_ERROR_PERM,
			"Mailbox is read-only");
		return -1;
	}
	if (params != NULL) {
		if (keywords_verify(box, params->keywords) < 0)
			return -1;
		flags = params->flags & MAIL_FLAGS_STORE_MASK;
		keywords = keywords_dup(t->arena, params->keywords, &kw_count);
	} else {
		flags = mail_get_flags(src) & MAIL_FLAGS_STORE_MASK;
		if (mail_get_keywords(src, &kw, &kw_count) < 0)
			return -1;
		keywords = keywords_dup(t->arena, kw, &kw_count);
	}
	if (mail_get_received_date(src, &received, NULL) < 0 ||
	    mail_get_guid(src, &guid) < 0 || mail_get_key(src, &key) < 0)
		return -1;
	guid = arena_strdup(t->arena, guid);
	if (sbox->user == box->user)
		src_id = mail_get_index_id(src);
	if (sbox->storage->ops == box->storage->ops &&
	    box->storage->ops->save_link(box->bbox, sbox->bbox,
		    mail_get_uid(src), key, &bsave) < 0)
		return -1;
	/* either way the copy gets a new name in the store, which keeps
	   the source's GUID in its record */
	if (bsave == NULL) {
		const void *data;
		size_t size;

		if (mail_get_mapped(src, &data, &size) < 0 ||
		    box->storage->ops->save_begin(box->bbox, &bsave) < 0)
			return -1;
		if (size > 0 &&
		    box->storage->ops->save_write(bsave, data, size) < 0) {
			box->storage->ops->save_free(&bsave);
			return -1;
		}
	}
	return save_add(t, bsave, flags, keywords, kw_count, received, guid,
		src_id);
}

/* ---- commit ---- */

struct tx_commit {
	struct mailbox_transaction *t;
	struct mailbox *box;
	struct mail_index *index;
	struct arena *arena;
	uint64_t modseq;
	bool keywords_changed;
	ARRAY(uint32_t) saved_uids;
	ARRAY(struct mail_update_status) updates;
	ARRAY(uint32_t) expunged;
	/* updates whose flags changed: uid and new flags for the view */
	ARRAY(struct mail_update_status) view_updates;
	ARRAY(uint8_t) view_flags;
	/* UIDs the store gave the saves (durable from then on) */
	const uint32_t *durable_uids;
	unsigned int durable_count;
};

static int commit_modseq(struct tx_commit *ctx, uint64_t *modseq_r)
{
	if (ctx->modseq == 0 &&
	    index_mailbox_next_modseq(ctx->box, &ctx->modseq) < 0)
		return -1;
	*modseq_r = ctx->modseq;
	return 0;
}

/* The index of keyword name in the mailbox list, defining it if new. */
static unsigned int commit_keyword_idx(struct tx_commit *ctx,
	const char *name)
{
	struct mailbox *box = ctx->box;
	int idx = mailbox_keyword_lookup(box, name);

	if (idx >= 0)
		return (unsigned int)idx;
	SCRATCH_BEGIN {
		mailbox_keywords_set(box, box->keywords_count == 0 ? name :
			t_printf("%s %s", box->keywords_str, name));
	} SCRATCH_END;
	ctx->keywords_changed = true;
	return box->keywords_count - 1;
}

static int commit_save_keywords(struct tx_commit *ctx)
{
	sqlite3_stmt *stmt;

	if (!ctx->keywords_changed)
		return 0;
	stmt = mail_index_stmt(ctx->index,
		"UPDATE mailbox SET keywords = ?2 WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, ctx->box->index_id);
	sqlite3_bind_text(stmt, 2, ctx->box->keywords_str, -1, SQLITE_STATIC);
	return mail_index_step(ctx->index, stmt) < 0 ? -1 : 0;
}

static int commit_saves(struct tx_commit *ctx)
{
	struct mailbox_transaction *t = ctx->t;
	struct mailbox *box = ctx->box;
	struct mail_index *index = ctx->index;
	unsigned int i, j, count = t->saves.count;
	struct backend_save **bsaves;
	uint32_t *uids;
	const char **keys;
	uint64_t *psizes, *vsizes, modseq;
	sqlite3_stmt *stmt;
	time_t now = time(NULL);

	if (count == 0)
		return 0;
	bsaves = arena_new(ctx->arena, struct backend_save *, count);
	uids = arena_new(ctx->arena, uint32_t, count);
	keys = arena_new(ctx->arena, const char *, count);
	psizes = arena_new(ctx->arena, uint64_t, count);
	vsizes = arena_new(ctx->arena, uint64_t, count);
	for (i = 0; i < count; i++)
		bsaves[i] = t->saves.v[i].bsave;
	if (box->storage->ops->save_commit(box->bbox, bsaves, count,
			ctx->arena, uids, keys, psizes, vsizes) < 0)
		return -2;
	/* the messages are durable now; free the backend saves */
	for (i = 0; i < count; i++)
		box->storage->ops->save_free(&t->saves.v[i].bsave);
	ctx->durable_uids = uids;
	ctx->durable_count = count;
	if (commit_modseq(ctx, &modseq) < 0)
		return -1;
	for (i = 0; i < count; i++) {
		const struct tx_save *s = &t->saves.v[i];
		int64_t id = index_msg_id(box->index_id, uids[i]);
		struct keyword_bits kb;

		memset(&kb, 0, sizeof(kb));
		for (j = 0; j < s->keywords_count; j++)
			keyword_bits_set(ctx->arena, &kb,
				commit_keyword_idx(ctx, s->keywords[j]));
		stmt = mail_index_stmt(index, "INSERT OR REPLACE INTO msg "
			"(id, mailbox_id, flags, keywords, modseq) "
			"VALUES (?1, ?2, ?3, ?4, ?5)");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, box->index_id);
		sqlite3_bind_int(stmt, 3, s->flags);
		if (kb.size > 0)
			sqlite3_bind_blob(stmt, 4, kb.bits, (int)kb.size,
				SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 5, (sqlite3_int64)modseq);
		if (mail_index_step(index, stmt) < 0)
			return -1;
		stmt = mail_index_stmt(index, "INSERT OR REPLACE INTO mail "
			"(id, key, psize, vsize, received, saved, guid) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_text(stmt, 2, keys[i], -1, SQLITE_STATIC);
		if (psizes[i] != (uint64_t)-1)
			sqlite3_bind_int64(stmt, 3, (sqlite3_int64)psizes[i]);
		if (vsizes[i] != (uint64_t)-1)
			sqlite3_bind_int64(stmt, 4, (sqlite3_int64)vsizes[i]);
		sqlite3_bind_int64(stmt, 5, s->received);
		sqlite3_bind_int64(stmt, 6, now);
		if (s->guid != NULL)
			sqlite3_bind_text(stmt, 7, s->guid, -1, SQLITE_STATIC);
		if (mail_index_step(index, stmt) < 0)
			return -1;
		array_push(&ctx->saved_uids, uids[i]);
	}
	stmt = mail_index_stmt(index, "UPDATE mailbox SET uidnext = "
		"max(uidnext, ?2) WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)uids[count - 1] + 1);
	return mail_index_step(index, stmt) < 0 ? -1 : 0;
}

struct msg_state {
	uint8_t flags;
	struct keyword_bits kw;
	uint64_t modseq;
	const char *key;
};

/* The current row of uid: 1 found, 0 gone, -1 error. */
static int commit_read_msg(struct tx_commit *ctx, uint32_t uid,
	struct msg_state *state_r)
{
	sqlite3_stmt *stmt;
	const void *kw;
	int ret;

	memset(state_r, 0, sizeof(*state_r));
	stmt = mail_index_stmt(ctx->index, "SELECT m.flags, m.keywords, "
		"m.modseq, d.key FROM msg m JOIN mail d ON d.id = m.id "
		"WHERE m.id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, index_msg_id(ctx->box->index_id, uid));
	ret = mail_index_step(ctx->index, stmt);
	if (ret != SQLITE_ROW)
		return ret < 0 ? -1 : 0;
	state_r->flags = (uint8_t)sqlite3_column_int(stmt, 0);
	kw = sqlite3_column_blob(stmt, 1);
	state_r->kw.size = (unsigned int)sqlite3_column_bytes(stmt, 1);
	if (kw != NULL && state_r->kw.size > 0) {
		state_r->kw.bits = arena_alloc(ctx->arena, state_r->kw.size);
		memcpy(state_r->kw.bits, kw, state_r->kw.size);
	} else {
		state_r->kw.size = 0;
	}
	state_r->modseq = (uint64_t)sqlite3_column_int64(stmt, 2);
	state_r->key = arena_strdup(ctx->arena,
		(const char *)sqlite3_column_text(stmt, 3));
	sqlite3_reset(stmt);
	return 1;
}

static void commit_add_update(struct tx_commit *ctx, uint32_t uid,
	enum mail_update_result result)
{
	struct mail_update_status *st = array_append_space(&ctx->updates);

	st->uid = uid;
	st->result = result;
}

static int commit_update(struct tx_commit *ctx, const struct tx_update *u)
{
	struct mailbox *box = ctx->box;
	struct mail_index *index = ctx->index;
	struct msg_state state;
	struct keyword_bits req, kw;
	const char **names;
	const char *new_key;
	unsigned int i, n, size;
	enum mail_flags flags;
	sqlite3_stmt *stmt;
	uint64_t modseq;
	int ret;

	ret = commit_read_msg(ctx, u->uid, &state);
	if (ret < 0)
		return -1;
	if (ret == 0) {
		commit_add_update(ctx, u->uid, MAIL_UPDATE_EXPUNGED);
		return 0;
	}
	if (u->unchanged_since != 0 && state.modseq > u->unchanged_since) {
		commit_add_update(ctx, u->uid, MAIL_UPDATE_MODIFIED);
		return 0;
	}
	memset(&req, 0, sizeof(req));
	for (i = 0; i < u->keywords_count; i++)
		keyword_bits_set(ctx->arena, &req,
			commit_keyword_idx(ctx, u->keywords[i]));
	size = I_MAX(req.size, state.kw.size);
	kw.bits = arena_alloc(ctx->arena, size == 0 ? 1 : size);
	kw.size = size;
	for (i = 0; i < size; i++) {
		uint8_t o = i < state.kw.size ? state.kw.bits[i] : 0;
		uint8_t r = i < req.size ? req.bits[i] : 0;

		kw.bits[i] = u->type == MAIL_MODIFY_ADD ? (o | r) :
			u->type == MAIL_MODIFY_REMOVE ? (o & ~r) : r;
	}
	kw.size = keyword_bits_trim(kw.bits, kw.size);
	flags = u->type == MAIL_MODIFY_ADD ? (state.flags | u->flags) :
		u->type == MAIL_MODIFY_REMOVE ? (state.flags & ~u->flags) :
		u->flags;
	flags &= MAIL_FLAGS_STORE_MASK;
	if (flags == state.flags &&
	    kw.size == keyword_bits_trim(state.kw.bits, state.kw.size) &&
	    (kw.size == 0 || memcmp(kw.bits, state.kw.bits, kw.size) == 0)) {
		commit_add_update(ctx, u->uid, MAIL_UPDATE_UNCHANGED);
		return 0;
	}
	names = arena_new(ctx->arena, const char *, kw.size * 8 + 1);
	for (i = 0, n = 0; i < kw.size * 8; i++) {
		if (keyword_bits_has(kw.bits, kw.size, i))
			names[n++] = box->keywords[i];
	}
	if (box->storage->ops->mail_set_flags(box->bbox, u->uid, state.key,
			flags, names, n, ctx->arena, &new_key) < 0) {
		enum mail_error error;

		(void)mail_user_get_last_error(box->user, &error);
		if (error != MAIL_ERROR_EXPUNGED)
			return -2;
		mail_user_clear_error(box->user);
		commit_add_update(ctx, u->uid, MAIL_UPDATE_EXPUNGED);
		return 0;
	}
	if (commit_modseq(ctx, &modseq) < 0)
		return -1;
	stmt = mail_index_stmt(index, "UPDATE msg SET flags = ?2, "
		"keywords = ?3, modseq = ?4 WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, u->uid));
	sqlite3_bind_int(stmt, 2, flags);
	if (kw.size > 0)
		sqlite3_bind_blob(stmt, 3, kw.bits, (int)kw.size,
			SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)modseq);
	if (mail_index_step(index, stmt) < 0)
		return -1;
	if (new_key != NULL) {
		stmt = mail_index_stmt(index,
			"UPDATE mail SET key = ?2 WHERE id = ?1");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1,
			index_msg_id(box->index_id, u->uid));
		sqlite3_bind_text(stmt, 2, new_key, -1, SQLITE_STATIC);
		if (mail_index_step(index, stmt) < 0)
			return -1;
	}
	commit_add_update(ctx, u->uid, MAIL_UPDATE_CHANGED);
	array_push(&ctx->view_flags, (uint8_t)flags);
	{
		struct mail_update_status *vu =
			array_append_space(&ctx->view_updates);

		vu->uid = u->uid;
	}
	return 0;
}

static int commit_expunge(struct tx_commit *ctx, uint32_t uid)
{
	struct mailbox *box = ctx->box;
	struct mail_index *index = ctx->index;
	struct msg_state state;
	uint64_t modseq;
	bool existed;
	int ret;

	ret = commit_read_msg(ctx, uid, &state);
	if (ret <= 0)
		return ret;
	if (box->storage->ops->mail_expunge(box->bbox, uid, state.key,
			&existed) < 0)
		return -2;
	if (commit_modseq(ctx, &modseq) < 0)
		return -1;
	if (mail_index_expunge_msg(index, box->index_id,
			index_msg_id(box->index_id, uid), modseq) < 0)
		return -1;
	array_push(&ctx->expunged, uid);
	return 0;
}

/* The UIDs with \Deleted in the index (which was just synced). */
static int commit_collect_deleted(struct tx_commit *ctx)
{
	struct mailbox_transaction *t = ctx->t;
	sqlite3_stmt *stmt;
	int ret;

	stmt = mail_index_stmt(ctx->index, "SELECT id FROM msg "
		"WHERE id BETWEEN ?1 AND ?2 AND (flags & 4) != 0 ORDER BY id");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, index_msg_id(ctx->box->index_id, 0));
	sqlite3_bind_int64(stmt, 2,
		index_msg_id(ctx->box->index_id, 0xffffffffU));
	while ((ret = mail_index_step(ctx->index, stmt)) == SQLITE_ROW) {
		uint32_t uid = (uint32_t)(sqlite3_column_int64(stmt, 0) &
			0xffffffff);

		if (t->expunge_filter_count == 0 ||
		    seq_range_contains(t->expunge_filter,
			    t->expunge_filter_count, uid))
			array_push(&t->expunges, uid);
	}
	return ret < 0 ? -1 : 0;
}

static void commit_trim_history(struct tx_commit *ctx)
{
	sqlite3_stmt *stmt;
	int64_t count;
	uint64_t cut;

	stmt = mail_index_stmt(ctx->index,
		"SELECT count(*) FROM expunged WHERE mailbox_id = ?1");
	if (stmt == NULL)
		return;
	sqlite3_bind_int64(stmt, 1, ctx->box->index_id);
	if (mail_index_step(ctx->index, stmt) != SQLITE_ROW)
		return;
	count = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (count <= MAIL_EXPUNGE_HISTORY_MAX)
		return;
	stmt = mail_index_stmt(ctx->index, "SELECT modseq FROM expunged "
		"WHERE mailbox_id = ?1 ORDER BY modseq LIMIT 1 OFFSET ?2");
	if (stmt == NULL)
		return;
	sqlite3_bind_int64(stmt, 1, ctx->box->index_id);
	sqlite3_bind_int64(stmt, 2, count - MAIL_EXPUNGE_HISTORY_MAX / 2);
	if (mail_index_step(ctx->index, stmt) != SQLITE_ROW)
		return;
	cut = (uint64_t)sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	stmt = mail_index_stmt(ctx->index, "DELETE FROM expunged "
		"WHERE mailbox_id = ?1 AND modseq <= ?2");
	if (stmt == NULL)
		return;
	sqlite3_bind_int64(stmt, 1, ctx->box->index_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)cut);
	(void)mail_index_step(ctx->index, stmt);
	stmt = mail_index_stmt(ctx->index, "UPDATE mailbox SET "
		"history_modseq = max(history_modseq, ?2) WHERE id = ?1");
	if (stmt == NULL)
		return;
	sqlite3_bind_int64(stmt, 1, ctx->box->index_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)cut);
	(void)mail_index_step(ctx->index, stmt);
}

/* Records the store's stamp after our own changes, when the index was
   in step before them. */
static int commit_update_stamp(struct tx_commit *ctx, bool was_in_sync)
{
	struct mailbox *box = ctx->box;
	sqlite3_stmt *stmt;
	struct buf stamp;

	if (!was_in_sync)
		return 0;
	buf_init(&stamp, ctx->arena, 128, 4096);
	if (box->storage->ops->get_stamp(box->bbox, true, &stamp) < 0)
		return -2;
	stmt = mail_index_stmt(ctx->index,
		"UPDATE mailbox SET stamp = ?2 WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	sqlite3_bind_blob(stmt, 2, stamp.data, (int)stamp.used, SQLITE_STATIC);
	return mail_index_step(ctx->index, stmt) < 0 ? -1 : 0;
}

/* Whether the stored stamp still describes the store.  Also re-reads
   the mailbox's keyword list: keyword bits of the rows index it, and
   another process may have added names since this one last read it (out
   of the write lock); new names must go after those. */
static int commit_check_in_sync(struct tx_commit *ctx, bool *in_sync_r)
{
	struct mailbox *box = ctx->box;
	sqlite3_stmt *stmt;
	bool changed = true;
	int ret = 0;

	*in_sync_r = false;
	stmt = mail_index_stmt(ctx->index,
		"SELECT stamp, keywords FROM mailbox WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	if (mail_index_step(ctx->index, stmt) != SQLITE_ROW)
		return -1;
	if (sqlite3_column_type(stmt, 1) == SQLITE_TEXT) {
		mailbox_keywords_set(box,
			(const char *)sqlite3_column_text(stmt, 1));
	}
	if (sqlite3_column_type(stmt, 0) == SQLITE_BLOB) {
		size_t size = (size_t)sqlite3_column_bytes(stmt, 0);
		void *copy = arena_alloc(ctx->arena, size + 1);

		memcpy(copy, sqlite3_column_blob(stmt, 0), size);
		sqlite3_reset(stmt);
		if (box->storage->ops->stamp_check(box->bbox, copy, size,
				&changed) < 0)
			ret = -2;
	}
	sqlite3_reset(stmt);
	*in_sync_r = !changed;
	return ret;
}

/* Fills the parse cache and full text of saved messages (after the
   commit: the messages are already durable and visible). */
static void commit_fill_caches(struct mailbox *box,
	const struct mailbox_transaction *t, const uint32_t *uids,
	unsigned int count)
{
	struct mail_index *index = mail_user_get_index(box->user);
	unsigned int i;

	if (index == NULL || count == 0 || mail_index_begin_write(index) < 0)
		return;
	for (i = 0; i < count; i++) {
		int64_t id = index_msg_id(box->index_id, uids[i]);
		int64_t src_id = t->saves.v[i].src_id;

		if (src_id >= 0) {
			sqlite3_stmt *stmt = mail_index_stmt(index,
				"UPDATE mail SET (cached, envelope,"
				" bodystructure, body, parts, sent_date,"
				" sent_tz, base_subject, subject_reply,"
				" sort_from, sort_to,"
				" sort_cc, display_from, display_to,"
				" message_id, in_reply_to, refs, hdrs, fts) ="
				" (SELECT cached, envelope, bodystructure,"
				" body, parts, sent_date, sent_tz,"
				" base_subject, subject_reply, sort_from,"
				" sort_to, sort_cc,"
				" display_from, display_to, message_id,"
				" in_reply_to, refs, hdrs, fts FROM mail"
				" WHERE id = ?2) WHERE id = ?1 AND EXISTS"
				" (SELECT 1 FROM mail WHERE id = ?2 AND"
				" cached = 1)");

			if (stmt != NULL) {
				sqlite3_bind_int64(stmt, 1, id);
				sqlite3_bind_int64(stmt, 2, src_id);
				(void)mail_index_step(index, stmt);
				if (sqlite3_changes(mail_index_db(index)) > 0) {
					stmt = mail_index_stmt(index,
						"INSERT OR REPLACE INTO fts "
						"(rowid, hdr, body) SELECT ?1,"
						" hdr, body FROM fts WHERE "
						"rowid = ?2");
					if (stmt != NULL) {
						sqlite3_bind_int64(stmt, 1, id);
						sqlite3_bind_int64(stmt, 2,
							src_id);
						(void)mail_index_step(index,
							stmt);
					}
					continue;
				}
			}
		}
		{
			struct mail *mail;
			const void *data;
			size_t size;

			/* a temporary handle: the view may not have the
			   message yet, so address it directly */
			mail = mail_alloc(box);
			mail_set_uid_direct(mail, uids[i]);
			if (mail_get_mapped(mail, &data, &size) == 0)
				(void)mail_cache_fill(index, id, data, size,
					true);
			mail_free(&mail);
		}
	}
	if (mail_index_commit(index) < 0)
		mail_index_rollback(index);
	mail_user_clear_error(box->user);
}

int mailbox_transaction_commit(struct mailbox_transaction **_t,
	struct arena *arena, struct mail_transaction_result *result_r)
{
	struct mailbox_transaction *t = *_t;
	struct mailbox *box = t->box;
	struct tx_commit ctx;
	bool in_sync = false;
	unsigned int i;
	int ret = 0;

	*_t = NULL;
	if (result_r != NULL)
		memset(result_r, 0, sizeof(*result_r));
	mail_user_clear_error(box->user);
	if (t->cur_save != NULL)
		mail_save_cancel(&t->cur_save);
	if (box->readonly && (t->updates.count > 0 || t->expunges.count > 0 ||
			      t->expunge_deleted || t->saves.count > 0)) {
		mail_user_set_error(box->user, MAIL_ERROR_PERM,
			"Mailbox is read-only");
		transaction_free(t);
		return -1;
	}
	/* updates and expunges act on the index rows: bring them in step
	   with the store first */
	if ((t->updates.count > 0 || t->expunges.count > 0 ||
	     t->expunge_deleted || box->index_generation == 0) &&
	    index_sync_mailbox(box, 0) < 0) {
		transaction_free(t);
		return -1;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.t = t;
	ctx.box = box;
	ctx.arena = t->arena;
	array_init(&ctx.saved_uids, t->arena, t->saves.count + 1);
	array_init(&ctx.updates, t->arena, t->updates.count + 1);
	array_init(&ctx.expunged, t->arena, 8);
	array_init(&ctx.view_updates, t->arena, 8);
	array_init(&ctx.view_flags, t->arena, 8);
	ctx.index = mail_user_get_index(box->user);
	if (ctx.index == NULL) {
		transaction_free(t);
		return -1;
	}
	if (box->index_generation != mail_index_get_generation(ctx.index)) {
		/* attaching may reopen the user's index: use the new one */
		if (mailbox_index_attach(box) < 0 ||
		    (ctx.index = mail_user_get_index(box->user)) == NULL) {
			transaction_free(t);
			return -1;
		}
	}
	if (mail_index_begin_write(ctx.index) < 0) {
		mail_user_set_index_error(box->user);
		transaction_free(t);
		return -1;
	}
	ret = commit_check_in_sync(&ctx, &in_sync);
	if (ret == 0)
		ret = commit_saves(&ctx);
	for (i = 0; i < t->updates.count && ret == 0; i++)
		ret = commit_update(&ctx, &t->updates.v[i]);
	if (ret == 0 && t->expunge_deleted)
		ret = commit_collect_deleted(&ctx) < 0 ? -1 : 0;
	for (i = 0; i < t->expunges.count && ret == 0; i++)
		ret = commit_expunge(&ctx, t->expunges.v[i]);
	if (ret == 0 && ctx.expunged.count > 0)
		commit_trim_history(&ctx);
	if (ret == 0)
		ret = commit_save_keywords(&ctx);
	if (ret == 0 && ctx.modseq != 0)
		ret = commit_update_stamp(&ctx, in_sync);
	if (ret == 0 && mail_index_commit(ctx.index) < 0)
		ret = -1;
	else if (ret != 0)
		mail_index_rollback(ctx.index);
	if (ret == -1)
		mail_user_set_index_error(box->user);
	if (ret == -1 && ctx.durable_count > 0 && t->updates.count == 0 &&
	    t->expunges.count == 0 && !t->expunge_deleted) {
		/* The messages are in the store with their UIDs; only the
		   index (a cache) missed them, and the next sync adds them.
		   Failing the APPEND now would make the client save them
		   twice. */
		i_warning("Mailbox %s: saved UIDs %u..%u but the index "
			"update failed: the next sync adds them", box->vname,
			ctx.durable_uids[0],
			ctx.durable_uids[ctx.durable_count - 1]);
		array_clear(&ctx.saved_uids);
		for (i = 0; i < ctx.durable_count; i++)
			array_push(&ctx.saved_uids, ctx.durable_uids[i]);
		mail_user_clear_error(box->user);
		ret = 0;
		ctx.modseq = 0;
	}

	if (ret == 0 || ctx.saved_uids.count > 0) {
		/* the store changed: keep the view's flags in step and
		   remember the modseq as ours */
		for (i = 0; i < ctx.view_updates.count; i++)
			mailbox_view_set_flags(box, ctx.view_updates.v[i].uid,
				ctx.view_flags.v[i]);
		if (ctx.modseq != 0 && ret == 0)
			mailbox_view_add_own_modseq(box, ctx.modseq);
	}
	if (ret == 0 && ctx.saved_uids.count > 0) {
		commit_fill_caches(box, t, ctx.saved_uids.v,
			ctx.saved_uids.count);
	}
	if (result_r != NULL && arena != NULL) {
		result_r->uidvalidity = box->uidvalidity;
		result_r->saved_count = ctx.saved_uids.count;
		result_r->saved_uids = arena_new(arena, uint32_t,
			ctx.saved_uids.count + 1);
		memcpy((uint32_t *)result_r->saved_uids, ctx.saved_uids.v,
			ctx.saved_uids.count * sizeof(uint32_t));
		result_r->updates_count = ctx.updates.count;
		result_r->updates = arena_new(arena,
			struct mail_update_status, ctx.updates.count + 1);
		memcpy((struct mail_update_status *)result_r->updates,
			ctx.updates.v,
			ctx.updates.count * sizeof(*ctx.updates.v));
		result_r->expunged_count = ctx.expunged.count;
		result_r->expunged_uids = arena_new(arena, uint32_t,
			ctx.expunged.count + 1);
		memcpy((uint32_t *)result_r->expunged_uids, ctx.expunged.v,
			ctx.expunged.count * sizeof(uint32_t));
		result_r->modseq = ret == 0 ? ctx.modseq : 0;
		result_r->keywords_changed = ctx.keywords_changed;
	}
	transaction_free(t);
	return ret == 0 ? 0 : -1;
}
