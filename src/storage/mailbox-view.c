/*
 * mailbox-view.c - a session's view of its selected mailbox: the sorted
 * UID array with one flags byte per message (5 bytes a message), \Recent
 * claiming, and syncing by modseq: what was expunged, added or changed
 * since the view was last brought up to date.
 */
#include "lib.h"
#include "storage-private.h"
#include "arena.h"
#include "index/mail-index.h"

struct view_row {
	uint32_t uid;
	uint8_t flags;
	uint64_t modseq;
};

void mailbox_view_free(struct mailbox *box)
{
	free(box->uids);
	free(box->flags);
	free(box->pending_expunges);
	box->uids = NULL;
	box->flags = NULL;
	box->pending_expunges = NULL;
	box->count = box->alloc = 0;
	box->pending_expunges_count = 0;
}

static void view_grow(struct mailbox *box, uint32_t need)
{
	uint32_t new_alloc;

	if (need <= box->alloc)
		return;
	/* grow by half (new mail arrives a few at a time), but exactly to
	   need for a big jump (loading the view): an idle view should cost
	   5 bytes a message, not up to 10 */
	new_alloc = box->alloc < 16 ? 16 : box->alloc + box->alloc / 2;
	if (new_alloc < need)
		new_alloc = need;
	box->uids = i_realloc(box->uids, size_mul(box->alloc, 4),
		size_mul(new_alloc, 4));
	box->flags = i_realloc(box->flags, box->alloc, new_alloc);
	box->alloc = new_alloc;
}

static void view_append(struct mailbox *box, uint32_t uid, uint8_t flags)
{
	view_grow(box, box->count + 1);
	if (uid >= box->recent_uid_lo && uid <= box->recent_uid_hi &&
	    box->recent_uid_lo != 0) {
		flags |= MAIL_RECENT;
		box->recent_count++;
	}
	box->uids[box->count] = uid;
	box->flags[box->count] = flags;
	box->count++;
}

/* Gives the view its \Recent range: claims the messages no session has
   seen yet (writing the index), or for read-only views just looks. */
static int view_read_recent(struct mailbox *box, struct mail_index *index,
	uint32_t *first_r, uint32_t *next_r)
{
	sqlite3_stmt *stmt;

	stmt = mail_index_stmt(index, "SELECT first_recent_uid, uidnext "
		"FROM mailbox WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	if (mail_index_step(index, stmt) != SQLITE_ROW)
		return -1;
	*first_r = (uint32_t)sqlite3_column_int64(stmt, 0);
	*next_r = (uint32_t)sqlite3_column_int64(stmt, 1);
	sqlite3_reset(stmt);
	return 0;
}

static int view_claim_recent(struct mailbox *box, struct mail_index *index)
{
	sqlite3_stmt *stmt;
	uint32_t first, next;

	box->recent_uid_lo = box->recent_uid_hi = 0;
	if (view_read_recent(box, index, &first, &next) < 0)
		return -1;
	if (first >= next)
		return 0;
	if (box->readonly) {
		box->recent_uid_lo = first;
		box->recent_uid_hi = next - 1;
		return 0;
	}
	if (mail_index_begin_write(index) < 0)
		return -1;
	/* again under the write lock: another session may have won */
	if (view_read_recent(box, index, &first, &next) < 0) {
		mail_index_rollback(index);
		return -1;
	}
	if (first < next) {
		stmt = mail_index_stmt(index, "UPDATE mailbox SET "
			"first_recent_uid = ?2 WHERE id = ?1");
		if (stmt == NULL) {
			mail_index_rollback(index);
			return -1;
		}
		sqlite3_bind_int64(stmt, 1, box->index_id);
		sqlite3_bind_int64(stmt, 2, next);
		if (mail_index_step(index, stmt) < 0) {
			mail_index_rollback(index);
			return -1;
		}
	}
	if (mail_index_commit(index) < 0)
		return -1;
	if (first < next) {
		box->recent_uid_lo = first;
		box->recent_uid_hi = next - 1;
	}
	return 0;
}

struct view_row_state {
	uint32_t uidvalidity;
	uint32_t uidnext;
	uint64_t highest_modseq;
	uint64_t history_modseq;
};

static int view_read_row(struct mailbox *box, struct mail_index *index,
	struct view_row_state *state_r)
{
	sqlite3_stmt *stmt;

	stmt = mail_index_stmt(index, "SELECT uidvalidity, uidnext, "
		"highest_modseq, history_modseq, keywords "
		"FROM mailbox WHERE id = ?1");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	if (mail_index_step(index, stmt) != SQLITE_ROW)
		return -1;
	state_r->uidvalidity = (uint32_t)sqlite3_column_int64(stmt, 0);
	state_r->uidnext = (uint32_t)sqlite3_column_int64(stmt, 1);
	state_r->highest_modseq = (uint64_t)sqlite3_column_int64(stmt, 2);
	state_r->history_modseq = (uint64_t)sqlite3_column_int64(stmt, 3);
	mailbox_keywords_set(box, (const char *)sqlite3_column_text(stmt, 4));
	sqlite3_reset(stmt);
	return 0;
}

/* Rows of the mailbox with modseq > since (since 0: all), by UID. */
static int view_read_rows(struct mailbox *box, struct mail_index *index,
	uint64_t since, struct arena *arena, struct view_row **rows_r,
	unsigned int *count_r)
{
	struct view_row *rows;
	unsigned int count = 0, alloc = 64;
	sqlite3_stmt *stmt;
	int ret;

	if (since == 0) {
		stmt = mail_index_stmt(index, "SELECT id, flags, modseq "
			"FROM msg WHERE id BETWEEN ?1 AND ?2 ORDER BY id");
	} else {
		stmt = mail_index_stmt(index, "SELECT id, flags, modseq "
			"FROM msg WHERE mailbox_id = ?3 AND modseq > ?4 "
			"ORDER BY id");
	}
	if (stmt == NULL)
		return -1;
	if (since == 0) {
		sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
		sqlite3_bind_int64(stmt, 2,
			index_msg_id(box->index_id, 0xffffffffU));
	} else {
		sqlite3_bind_int64(stmt, 3, box->index_id);
		sqlite3_bind_int64(stmt, 4, (sqlite3_int64)since);
	}
	rows = arena_new(arena, struct view_row, alloc);
	while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW) {
		if (count == alloc) {
			rows = arena_realloc(arena, rows,
				size_mul(alloc, sizeof(*rows)),
				size_mul(alloc * 2, sizeof(*rows)));
			alloc *= 2;
		}
		rows[count].uid = (uint32_t)(sqlite3_column_int64(stmt, 0) &
			0xffffffff);
		rows[count].flags = (uint8_t)(sqlite3_column_int(stmt, 1) &
			MAIL_FLAGS_STORE_MASK);
		rows[count].modseq = (uint64_t)sqlite3_column_int64(stmt, 2);
		count++;
	}
	if (ret < 0)
		return -1;
	*rows_r = rows;
	*count_r = count;
	return 0;
}

/* Expunged UIDs of the mailbox with modseq > since, sorted. */
static int view_read_expunged(struct mailbox *box, struct mail_index *index,
	uint64_t since, struct arena *arena, uint32_t **uids_r,
	unsigned int *count_r)
{
	uint32_t *uids;
	unsigned int count = 0, alloc = 16;
	sqlite3_stmt *stmt;
	int ret;

	stmt = mail_index_stmt(index, "SELECT id FROM expunged "
		"WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY id");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, box->index_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)since);
	uids = arena_new(arena, uint32_t, alloc);
	while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW) {
		if (count == alloc) {
			uids = arena_realloc(arena, uids, size_mul(alloc, 4),
				size_mul(alloc * 2, 4));
			alloc *= 2;
		}
		uids[count++] = (uint32_t)(sqlite3_column_int64(stmt, 0) &
			0xffffffff);
	}
	if (ret < 0)
		return -1;
	*uids_r = uids;
	*count_r = count;
	return 0;
}

int mailbox_view_load(struct mailbox *box)
{
	struct mail_index *index = mail_user_get_index(box->user);
	struct view_row_state state;
	struct view_row *rows;
	unsigned int i, count;
	int ret = 0;

	if (index == NULL)
		return -1;
	if (view_claim_recent(box, index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	if (mail_index_begin_read(index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	SCRATCH_BEGIN {
		if (view_read_row(box, index, &state) < 0 ||
		    view_read_rows(box, index, 0, scratch_arena(), &rows,
			    &count) < 0)
			ret = -1;
		else {
			mailbox_view_free(box);
			box->recent_count = 0;
			view_grow(box, count);
			for (i = 0; i < count; i++)
				view_append(box, rows[i].uid, rows[i].flags);
			box->uidvalidity = state.uidvalidity;
			box->uidnext = state.uidnext;
			box->highest_modseq = state.highest_modseq;
		}
	} SCRATCH_END;
	(void)mail_index_commit(index);
	if (ret < 0)
		mail_user_set_index_error(box->user);
	box->recent_uid_lo = box->recent_uid_hi = 0;
	return ret;
}

/* ---- lookups ---- */

uint32_t mailbox_get_count(const struct mailbox *box)
{
	return box->count;
}

uint32_t mailbox_get_uid(const struct mailbox *box, uint32_t seq)
{
	i_assert(seq >= 1 && seq <= box->count);
	return box->uids[seq - 1];
}

/* Index of the first UID >= uid. */
static uint32_t view_bsearch(const struct mailbox *box, uint32_t uid)
{
	uint32_t lo = 0, hi = box->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (box->uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t mailbox_lookup_uid(const struct mailbox *box, uint32_t uid)
{
	uint32_t idx = view_bsearch(box, uid);

	return idx < box->count && box->uids[idx] == uid ? idx + 1 : 0;
}

uint32_t mailbox_get_last_uid(const struct mailbox *box)
{
	return box->count == 0 ? 0 : box->uids[box->count - 1];
}

bool mailbox_uid_range_to_seqs(const struct mailbox *box, uint32_t uid1,
	uint32_t uid2, uint32_t *seq1_r, uint32_t *seq2_r)
{
	uint32_t first, last;

	if (uid1 > uid2)
		return false;
	first = view_bsearch(box, uid1);
	if (first >= box->count || box->uids[first] > uid2)
		return false;
	last = view_bsearch(box, uid2);
	if (last >= box->count || box->uids[last] > uid2)
		last--;
	*seq1_r = first + 1;
	*seq2_r = last + 1;
	return true;
}

unsigned int mailbox_uids_to_seqs(const struct mailbox *box,
	const struct seq_range *uids, unsigned int count, struct arena *arena,
	struct seq_range **seqs_r)
{
	struct seq_range *seqs;
	unsigned int i, n = 0;
	uint32_t s1, s2;

	seqs = arena_new(arena, struct seq_range, count == 0 ? 1 : count);
	for (i = 0; i < count; i++) {
		if (!mailbox_uid_range_to_seqs(box, uids[i].seq1,
				uids[i].seq2, &s1, &s2))
			continue;
		if (n > 0 && seqs[n - 1].seq2 + 1 >= s1) {
			if (s2 > seqs[n - 1].seq2)
				seqs[n - 1].seq2 = s2;
		} else {
			seqs[n].seq1 = s1;
			seqs[n].seq2 = s2;
			n++;
		}
	}
	*seqs_r = seqs;
	return n;
}

enum mail_flags mailbox_get_flags(const struct mailbox *box, uint32_t seq)
{
	i_assert(seq >= 1 && seq <= box->count);
	return box->flags[seq - 1];
}

void mailbox_view_set_flags(struct mailbox *box, uint32_t uid,
	enum mail_flags flags)
{
	uint32_t seq = mailbox_lookup_uid(box, uid);

	if (seq == 0)
		return;
	box->flags[seq - 1] = (box->flags[seq - 1] & MAIL_RECENT) |
		(flags & MAIL_FLAGS_STORE_MASK);
}

void mailbox_view_add_own_modseq(struct mailbox *box, uint64_t modseq)
{
	if (box->own_modseqs_count < N_ELEMENTS(box->own_modseqs))
		box->own_modseqs[box->own_modseqs_count++] = modseq;
	else
		box->own_modseqs_overflow = true;
}

static bool view_is_own_modseq(const struct mailbox *box, uint64_t modseq)
{
	for (unsigned int i = 0; i < box->own_modseqs_count; i++) {
		if (box->own_modseqs[i] == modseq)
			return true;
	}
	return false;
}

static bool uid_in_sorted(const uint32_t *uids, unsigned int count,
	uint32_t uid)
{
	unsigned int lo = 0, hi = count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (uids[mid] == uid)
			return true;
		if (uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* ---- sync ---- */

struct view_sync {
	struct mailbox *box;
	struct arena *arena;
	struct mailbox_changes *changes;
	ARRAY(struct mailbox_sync_expunge) expunges;
	ARRAY(uint32_t) changed;
};

/* Removes the UIDs expunged (sorted) from the view, recording them. */
static void view_apply_expunges(struct view_sync *ctx, const uint32_t *uids,
	unsigned int count)
{
	struct mailbox *box = ctx->box;
	uint32_t i, dest = 0, removed = 0;

	if (count == 0)
		return;
	for (i = 0; i < box->count; i++) {
		if (uid_in_sorted(uids, count, box->uids[i])) {
			struct mailbox_sync_expunge *e =
				array_append_space(&ctx->expunges);

			e->seq = i + 1 - removed;
			e->uid = box->uids[i];
			if ((box->flags[i] & MAIL_RECENT) != 0)
				box->recent_count--;
			removed++;
			continue;
		}
		box->uids[dest] = box->uids[i];
		box->flags[dest] = box->flags[i];
		dest++;
	}
	box->count = dest;
}

/* Merges sorted uid lists a and b into arena memory. */
static uint32_t *uids_merge(struct arena *arena, const uint32_t *a,
	unsigned int a_count, const uint32_t *b, unsigned int b_count,
	unsigned int *count_r)
{
	uint32_t *out = arena_new(arena, uint32_t, a_count + b_count + 1);
	unsigned int i = 0, j = 0, n = 0;

	while (i < a_count || j < b_count) {
		uint32_t v;

		if (j >= b_count || (i < a_count && a[i] <= b[j]))
			v = a[i++];
		else
			v = b[j++];
		if (n == 0 || out[n - 1] != v)
			out[n++] = v;
	}
	*count_r = n;
	return out;
}

/* Incremental: expunged and changed rows since the view's modseq. */
static int view_sync_incremental(struct view_sync *ctx,
	struct mail_index *index, bool no_expunges)
{
	struct mailbox *box = ctx->box;
	struct view_row *rows;
	uint32_t *expunged, *all;
	unsigned int i, count, exp_count, all_count;

	if (view_read_expunged(box, index, box->highest_modseq, ctx->arena,
			&expunged, &exp_count) < 0 ||
	    view_read_rows(box, index, box->highest_modseq, ctx->arena, &rows,
			&count) < 0)
		return -1;

	/* only UIDs the view has matter */
	all = arena_new(ctx->arena, uint32_t, exp_count + 1);
	all_count = 0;
	for (i = 0; i < exp_count; i++) {
		if (mailbox_lookup_uid(box, expunged[i]) != 0)
			all[all_count++] = expunged[i];
	}
	if (no_expunges) {
		unsigned int merged_count;
		uint32_t *merged = uids_merge(ctx->arena,
			box->pending_expunges, box->pending_expunges_count,
			all, all_count, &merged_count);

		free(box->pending_expunges);
		box->pending_expunges = i_new(uint32_t, merged_count + 1);
		memcpy(box->pending_expunges, merged,
			size_mul(merged_count, sizeof(uint32_t)));
		box->pending_expunges_count = merged_count;
	} else {
		all = uids_merge(ctx->arena, box->pending_expunges,
			box->pending_expunges_count, all, all_count,
			&all_count);
		free(box->pending_expunges);
		box->pending_expunges = NULL;
		box->pending_expunges_count = 0;
		view_apply_expunges(ctx, all, all_count);
	}

	for (i = 0; i < count; i++) {
		const struct view_row *row = &rows[i];
		uint32_t last = mailbox_get_last_uid(box), seq;

		if (row->uid > last) {
			view_append(box, row->uid, row->flags);
			continue;
		}
		seq = mailbox_lookup_uid(box, row->uid);
		if (seq == 0)
			continue;
		box->flags[seq - 1] = (box->flags[seq - 1] & MAIL_RECENT) |
			row->flags;
		if (view_is_own_modseq(box, row->modseq) &&
		    !box->own_modseqs_overflow)
			continue;
		if (uid_in_sorted(box->pending_expunges,
				box->pending_expunges_count, row->uid))
			continue;
		array_push(&ctx->changed, seq);
	}
	return 0;
}

/* After a rebuilt index (or a history gap): compare everything. */
static int view_sync_full(struct view_sync *ctx, struct mail_index *index,
	bool no_expunges)
{
	struct mailbox *box = ctx->box;
	struct view_row *rows;
	uint32_t *gone;
	unsigned int i, j, count, gone_count = 0;

	if (view_read_rows(box, index, 0, ctx->arena, &rows, &count) < 0)
		return -1;
	gone = arena_new(ctx->arena, uint32_t, box->count + 1);
	for (i = 0, j = 0; i < box->count; i++) {
		while (j < count && rows[j].uid < box->uids[i])
			j++;
		if (j >= count || rows[j].uid != box->uids[i])
			gone[gone_count++] = box->uids[i];
	}
	if (no_expunges) {
		free(box->pending_expunges);
		box->pending_expunges = i_new(uint32_t, gone_count + 1);
		memcpy(box->pending_expunges, gone, gone_count * 4);
		box->pending_expunges_count = gone_count;
	} else {
		free(box->pending_expunges);
		box->pending_expunges = NULL;
		box->pending_expunges_count = 0;
		view_apply_expunges(ctx, gone, gone_count);
	}
	for (i = 0; i < count; i++) {
		uint32_t last = mailbox_get_last_uid(box), seq;

		if (rows[i].uid > last) {
			view_append(box, rows[i].uid, rows[i].flags);
			continue;
		}
		seq = mailbox_lookup_uid(box, rows[i].uid);
		if (seq == 0)
			continue;
		if ((box->flags[seq - 1] & MAIL_FLAGS_STORE_MASK) !=
		    rows[i].flags) {
			box->flags[seq - 1] = (box->flags[seq - 1] &
				MAIL_RECENT) | rows[i].flags;
			array_push(&ctx->changed, seq);
		}
	}
	return 0;
}

static int mailbox_sync_once(struct mailbox *box,
	enum mailbox_sync_flags flags, struct arena *arena,
	struct mailbox_changes *changes_r);

int mailbox_sync(struct mailbox *box, enum mailbox_sync_flags flags,
	struct arena *arena, struct mailbox_changes *changes_r)
{
	int ret;

	ret = mailbox_sync_once(box, flags, arena, changes_r);
	if (ret < 0 && box->user->index != NULL &&
	    mail_index_need_reopen(box->user->index)) {
		/* corrupted index: the retry rebuilds it and compares the
		   whole view (new generation) */
		mail_user_clear_error(box->user);
		ret = mailbox_sync_once(box, flags, arena, changes_r);
	}
	return ret;
}

static int mailbox_sync_once(struct mailbox *box,
	enum mailbox_sync_flags flags, struct arena *arena,
	struct mailbox_changes *changes_r)
{
	struct mail_index *index;
	struct view_row_state state;
	struct view_sync ctx;
	enum index_sync_flags iflags = 0;
	uint32_t old_recent = box->recent_count;
	const char *old_keywords;
	bool full = false;
	int ret = 0;

	memset(changes_r, 0, sizeof(*changes_r));
	mail_user_clear_error(box->user);
	changes_r->old_count = changes_r->count = box->count;
	changes_r->uidnext = box->uidnext;
	changes_r->highest_modseq = box->highest_modseq;
	if ((box->open_flags & MAILBOX_OPEN_SAVEONLY) != 0)
		return 0;
	if ((flags & MAILBOX_SYNC_FLAG_FULL) != 0)
		iflags |= INDEX_SYNC_FLAG_FULL;
	if (!box->readonly)
		iflags |= INDEX_SYNC_FLAG_MOVE_NEW;
	if (index_sync_mailbox(box, iflags) < 0) {
		enum mail_error error;

		(void)mail_user_get_last_error(box->user, &error);
		if (error == MAIL_ERROR_NOTFOUND) {
			/* the mailbox was deleted under us */
			changes_r->mailbox_deleted = true;
			box->deleted = true;
			mail_user_clear_error(box->user);
			return 0;
		}
		return -1;
	}
	index = box->user->index;
	if (box->index_generation != mail_index_get_generation(index)) {
		if (mailbox_index_attach(box) < 0)
			return -1;
		/* attaching may have reopened the index */
		index = box->user->index;
		full = true;
	}
	if (view_claim_recent(box, index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	old_keywords = t_strdup(box->keywords_str == NULL ? "" :
		box->keywords_str);

	memset(&ctx, 0, sizeof(ctx));
	ctx.box = box;
	ctx.arena = arena;
	ctx.changes = changes_r;
	array_init(&ctx.expunges, arena, 16);
	array_init(&ctx.changed, arena, 16);

	if (mail_index_begin_read(index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	if (view_read_row(box, index, &state) < 0)
		ret = -1;
	else if (box->uidvalidity != 0 &&
		 state.uidvalidity != box->uidvalidity) {
		changes_r->uidvalidity_changed = true;
	} else {
		if (state.history_modseq > box->highest_modseq)
			full = true;
		ret = full ?
			view_sync_full(&ctx, index,
				(flags & MAILBOX_SYNC_FLAG_NO_EXPUNGES) != 0) :
			view_sync_incremental(&ctx, index,
				(flags & MAILBOX_SYNC_FLAG_NO_EXPUNGES) != 0);
		if (ret == 0) {
			box->uidnext = state.uidnext;
			box->highest_modseq = state.highest_modseq;
		}
	}
	(void)mail_index_commit(index);
	box->recent_uid_lo = box->recent_uid_hi = 0;
	box->own_modseqs_count = 0;
	box->own_modseqs_overflow = false;
	if (ret < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	changes_r->expunges = ctx.expunges.v;
	changes_r->expunges_count = ctx.expunges.count;
	changes_r->changed_seqs = ctx.changed.v;
	changes_r->changed_count = ctx.changed.count;
	changes_r->count = box->count;
	changes_r->recent = box->recent_count;
	changes_r->recent_changed = box->recent_count != old_recent ||
		changes_r->count != changes_r->old_count;
	changes_r->keywords_changed = strcmp(old_keywords,
		box->keywords_str == NULL ? "" : box->keywords_str) != 0;
	changes_r->uidnext = box->uidnext;
	changes_r->highest_modseq = box->highest_modseq;
	changes_r->expunges_delayed = box->pending_expunges_count > 0;
	return 0;
}

/* ---- CONDSTORE / QRESYNC helpers ---- */

int mailbox_get_changed_uids(struct mailbox *box, uint64_t modseq,
	struct arena *arena, uint32_t **uids_r, unsigned int *count_r)
{
	struct mail_index *index = mail_user_get_index(box->user);
	struct view_row *rows;
	unsigned int i, count, n = 0;
	uint32_t *uids;
	int ret;

	if (index == NULL)
		return -1;
	if (mail_index_begin_read(index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	ret = view_read_rows(box, index, modseq == 0 ? 0 : modseq,
		scratch_arena(), &rows, &count);
	(void)mail_index_commit(index);
	if (ret < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	uids = arena_new(arena, uint32_t, count + 1);
	for (i = 0; i < count; i++) {
		if (mailbox_lookup_uid(box, rows[i].uid) != 0)
			uids[n++] = rows[i].uid;
	}
	*uids_r = uids;
	*count_r = n;
	return 0;
}

int mailbox_get_expunged_uids(struct mailbox *box, uint64_t modseq,
	const struct seq_range *uids, unsigned int uids_count,
	struct arena *arena, struct seq_range **expunged_r,
	unsigned int *expunged_count_r)
{
	struct mail_index *index = mail_user_get_index(box->user);
	ARRAY(struct seq_range) out;
	sqlite3_stmt *stmt;
	uint64_t history = 0;
	unsigned int i;
	int ret = 0;

	if (index == NULL)
		return -1;
	array_init(&out, arena, 16);
	if (mail_index_begin_read(index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	stmt = mail_index_stmt(index,
		"SELECT history_modseq FROM mailbox WHERE id = ?1");
	if (stmt == NULL)
		ret = -1;
	else {
		sqlite3_bind_int64(stmt, 1, box->index_id);
		if (mail_index_step(index, stmt) != SQLITE_ROW)
			ret = -1;
		else
			history = (uint64_t)sqlite3_column_int64(stmt, 0);
		sqlite3_reset(stmt);
	}
	if (ret == 0 && history <= modseq) {
		/* the history is complete: report what it has */
		stmt = mail_index_stmt(index, "SELECT id FROM expunged "
			"WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY id");
		if (stmt == NULL)
			ret = -1;
		else {
			sqlite3_bind_int64(stmt, 1, box->index_id);
			sqlite3_bind_int64(stmt, 2, (sqlite3_int64)modseq);
			while ((ret = mail_index_step(index, stmt)) ==
			       SQLITE_ROW) {
				uint32_t uid = (uint32_t)(
					sqlite3_column_int64(stmt, 0) &
					0xffffffff);
				bool inside = uids_count == 0;

				for (i = 0; i < uids_count && !inside; i++)
					inside = uid >= uids[i].seq1 &&
						uid <= uids[i].seq2;
				if (!inside)
					continue;
				if (out.count > 0 &&
				    out.v[out.count - 1].seq2 + 1 == uid)
					out.v[out.count - 1].seq2 = uid;
				else {
					struct seq_range *r =
						array_append_space(&out);

					r->seq1 = r->seq2 = uid;
				}
			}
			ret = ret < 0 ? -1 : 0;
		}
	} else if (ret == 0) {
		/* history gap: every given UID that doesn't exist now
		   (RFC 7162 allows reporting UIDs the client never had) */
		for (i = 0; i < uids_count; i++) {
			uint32_t uid;

			for (uid = uids[i].seq1;; uid++) {
				if (mailbox_lookup_uid(box, uid) == 0 &&
				    uid < box->uidnext) {
					if (out.count > 0 &&
					    out.v[out.count - 1].seq2 + 1 ==
						    uid)
						out.v[out.count - 1].seq2 = uid;
					else {
						struct seq_range *r =
							array_append_space(
								&out);

						r->seq1 = r->seq2 = uid;
					}
				}
				if (uid == uids[i].seq2 || uid >= box->uidnext)
					break;
			}
		}
	}
	(void)mail_index_commit(index);
	if (ret < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	*expunged_r = out.v;
	*expunged_count_r = out.count;
	return 0;
}
