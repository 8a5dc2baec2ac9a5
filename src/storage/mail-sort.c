/*
 * mail-sort.c - SORT (RFC 5256, with DISPLAYFROM/DISPLAYTO of RFC 5957)
 * and the batch loading of the index values SORT and THREAD compare.
 *
 * The values come from the index's parse cache in one range query per
 * mailbox; messages whose cache is missing (mail delivered by another
 * program and never fetched) are parsed once and cached first.  Strings
 * are stored case-folded and turned into Dovecot's title case keys before
 * sorting, so comparing is a byte comparison.
 */
#include "lib.h"
#include "mail-search.h"
#include "storage-private.h"
#include "index/mail-index.h"
#include "mail-titlecase.h"

/* Parses and caches what the index lacks for the mailbox's messages. */
static int sort_fill_missing(struct mailbox *box, struct mail_index *index)
{
	for (;;) {
		uint32_t uids[64];
		unsigned int i, count = 0;
		sqlite3_stmt *stmt;
		int ret;

		stmt = mail_index_stmt(index, "SELECT m.id FROM msg m JOIN "
			"mail d ON d.id = m.id WHERE m.id BETWEEN ?1 AND ?2 "
			"AND (d.cached = 0 OR d.received IS NULL OR "
			"d.vsize IS NULL) LIMIT 64");
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
		sqlite3_bind_int64(stmt, 2,
			index_msg_id(box->index_id, 0xffffffffU));
		while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW)
			uids[count++] = (uint32_t)(
				sqlite3_column_int64(stmt, 0) & 0xffffffff);
		if (ret < 0)
			return -1;
		if (count == 0)
			return 0;
		if (mail_index_begin_write(index) < 0)
			return -1;
		for (i = 0; i < count; i++) {
			struct mail *mail = mail_alloc(box);
			const char *env;
			uint64_t size;
			time_t t;

			mail_set_uid_direct(mail, uids[i]);
			if (mail_get_envelope(mail, &env) < 0 ||
			    mail_get_received_date(mail, &t, NULL) < 0 ||
			    mail_get_virtual_size(mail, &size) < 0) {
				enum mail_error error;

				(void)mail_user_get_last_error(box->user,
					&error);
				mail_free(&mail);
				if (error != MAIL_ERROR_EXPUNGED) {
					mail_index_rollback(index);
					return -1;
				}
				/* gone: the next sync drops the row; until
				   then give it neutral values */
				mail_user_clear_error(box->user);
				stmt = mail_index_stmt(index, "UPDATE mail SET "
					"cached = 1, received = 0, vsize = 0 "
					"WHERE id = ?1");
				if (stmt != NULL) {
					sqlite3_bind_int64(stmt, 1,
						index_msg_id(box->index_id,
							uids[i]));
					(void)mail_index_step(index, stmt);
				}
				continue;
			}
			mail_free(&mail);
		}
		if (mail_index_commit(index) < 0)
			return -1;
	}
}

static const char *col_str(struct arena *arena, sqlite3_stmt *stmt, int col)
{
	const char *s = (const char *)sqlite3_column_text(stmt, col);

	return s == NULL ? "" : arena_strdup(arena, s);
}

int mailbox_get_sort_rows(struct mailbox *box, const uint32_t *seqs,
	unsigned int count, struct arena *arena,
	struct mail_sort_row **rows_r)
{
	struct mail_index *index = mail_user_get_index(box->user);
	struct mail_sort_row *rows;
	sqlite3_stmt *stmt;
	unsigned int i = 0;
	int ret;

	if (index == NULL)
		return -1;
	if (sort_fill_missing(box, index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	rows = arena_new(arena, struct mail_sort_row, count + 1);
	stmt = mail_index_stmt(index, "SELECT id, received, sent_date, vsize,"
		" base_subject, sort_from, sort_to, sort_cc, display_from,"
		" display_to, message_id, in_reply_to, refs, subject_reply "
		"FROM mail "
		"WHERE id BETWEEN ?1 AND ?2 ORDER BY id");
	if (stmt == NULL) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
	sqlite3_bind_int64(stmt, 2, index_msg_id(box->index_id, 0xffffffffU));
	/* seqs are ascending, so UIDs are too: merge with the rows */
	while (i < count &&
	       (ret = mail_index_step(index, stmt)) == SQLITE_ROW) {
		uint32_t uid = (uint32_t)(sqlite3_column_int64(stmt, 0) &
			0xffffffff);
		struct mail_sort_row *row;

		while (i < count && mailbox_get_uid(box, seqs[i]) < uid) {
			/* no row (expunged meanwhile): neutral values */
			rows[i].seq = seqs[i];
			rows[i].uid = mailbox_get_uid(box, seqs[i]);
			rows[i].base_subject = rows[i].from = rows[i].to =
				rows[i].cc = rows[i].display_from =
				rows[i].display_to = "";
			i++;
		}
		if (i >= count || mailbox_get_uid(box, seqs[i]) != uid)
			continue;
		row = &rows[i++];
		row->seq = seqs[i - 1];
		row->uid = uid;
		row->received = (time_t)sqlite3_column_int64(stmt, 1);
		row->date = sqlite3_column_type(stmt, 2) == SQLITE_NULL ?
			row->received : (time_t)sqlite3_column_int64(stmt, 2);
		row->vsize = (uint64_t)sqlite3_column_int64(stmt, 3);
		row->base_subject = col_str(arena, stmt, 4);
		row->from = col_str(arena, stmt, 5);
		row->to = col_str(arena, stmt, 6);
		row->cc = col_str(arena, stmt, 7);
		row->display_from = col_str(arena, stmt, 8);
		row->display_to = col_str(arena, stmt, 9);
		row->message_id = sqlite3_column_type(stmt, 10) == SQLITE_NULL ?
			NULL : col_str(arena, stmt, 10);
		row->in_reply_to = sqlite3_column_type(stmt, 11) ==
			SQLITE_NULL ? NULL : col_str(arena, stmt, 11);
		row->refs = sqlite3_column_type(stmt, 12) == SQLITE_NULL ?
			NULL : col_str(arena, stmt, 12);
		row->subject_reply = sqlite3_column_int(stmt, 13) != 0;
	}
	sqlite3_reset(stmt);
	for (; i < count; i++) {
		rows[i].seq = seqs[i];
		rows[i].uid = mailbox_get_uid(box, seqs[i]);
		rows[i].base_subject = rows[i].from = rows[i].to =
			rows[i].cc = rows[i].display_from =
			rows[i].display_to = "";
	}
	*rows_r = rows;
	return 0;
}

/*
 * The index stores the string keys case-folded (lower case); Dovecot's
 * i;unicode-casemap compares title case, decomposed ("_" and "[" sort
 * after letters, "Ä" right after "A..."): each row's keys that the sort
 * uses are rewritten so, once, before sorting.
 */
static void sort_rows_titlecase(struct arena *arena,
	struct mail_sort_row *rows, unsigned int row_count,
	const struct mail_sort_key *keys, unsigned int key_count)
{
	for (unsigned int k = 0; k < key_count; k++) {
		for (unsigned int i = 0; i < row_count; i++) {
			struct mail_sort_row *row = &rows[i];
			const char **field;

			switch (keys[k].type) {
			case SORT_SUBJECT:
				field = &row->base_subject;
				break;
			case SORT_FROM:
				field = &row->from;
				break;
			case SORT_TO:
				field = &row->to;
				break;
			case SORT_CC:
				field = &row->cc;
				break;
			case SORT_DISPLAYFROM:
				field = &row->display_from;
				break;
			case SORT_DISPLAYTO:
				field = &row->display_to;
				break;
			default:
				field = NULL;
				break;
			}
			if (field == NULL)
				break;
			*field = mail_titlecase_key_dup(arena, *field);
		}
	}
}

/* qsort has no context argument: the keys of the running sort. */
static const struct mail_sort_key *sort_keys;
static unsigned int sort_keys_count;

static int sort_cmp_one(const struct mail_sort_row *a,
	const struct mail_sort_row *b, enum mail_sort_type type)
{
	switch (type) {
	case SORT_ARRIVAL:
		if (a->received != b->received)
			return a->received < b->received ? -1 : 1;
		return 0;
	case SORT_DATE:
		if (a->date != b->date)
			return a->date < b->date ? -1 : 1;
		return 0;
	case SORT_SIZE:
		if (a->vsize != b->vsize)
			return a->vsize < b->vsize ? -1 : 1;
		return 0;
	case SORT_SUBJECT:
		return strcmp(a->base_subject, b->base_subject);
	case SORT_FROM:
		return strcmp(a->from, b->from);
	case SORT_TO:
		return strcmp(a->to, b->to);
	case SORT_CC:
		return strcmp(a->cc, b->cc);
	case SORT_DISPLAYFROM:
		return strcmp(a->display_from, b->display_from);
	case SORT_DISPLAYTO:
		return strcmp(a->display_to, b->display_to);
	}
	return 0;
}

static int sort_cmp(const void *p1, const void *p2)
{
	const struct mail_sort_row *a = p1, *b = p2;
	int ret;

	for (unsigned int i = 0; i < sort_keys_count; i++) {
		ret = sort_cmp_one(a, b, sort_keys[i].type);
		if (ret != 0)
			return sort_keys[i].reverse ? -ret : ret;
	}
	/* RFC 5256: ties are ordered by sequence number */
	return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

int mailbox_sort(struct mailbox *box, const struct mail_sort_key *keys,
	unsigned int count, const struct mail_search_arg *args,
	struct arena *arena, uint32_t **seqs_r, unsigned int *seqs_count_r)
{
	struct mail_search_result result;
	struct mail_sort_row *rows;
	struct arena *tmp;
	uint32_t *seqs;
	unsigned int i;

	if (mailbox_search(box, args, arena, &result) < 0)
		return -1;
	tmp = arena_create("sort", 4096);
	if (mailbox_get_sort_rows(box, result.seqs, result.count, tmp,
			&rows) < 0) {
		arena_destroy(&tmp);
		return -1;
	}
	sort_rows_titlecase(tmp, rows, result.count, keys, count);
	sort_keys = keys;
	sort_keys_count = count;
	qsort(rows, result.count, sizeof(*rows), sort_cmp);
	sort_keys = NULL;
	seqs = arena_new(arena, uint32_t, result.count + 1);
	for (i = 0; i < result.count; i++)
		seqs[i] = rows[i].seq;
	arena_destroy(&tmp);
	*seqs_r = seqs;
	*seqs_count_r = result.count;
	return 0;
}
