/*
 * mailbox-admin.c - mailbox GUID, first save date, index rebuild and
 * catch-up for roostadm (see mailbox-admin.h).
 */
#include "lib.h"
#include "array.h"
#include "storage-private.h"
#include "index/mail-index.h"
#include "mailbox-admin.h"

/* The view must be attached to the index (opened without SAVEONLY). */
static struct mail_index *admin_index(struct mailbox *box)
{
	struct mail_index *index = mail_user_get_index(box->user);

	if (index != NULL && box->index_generation !=
	    mail_index_get_generation(index)) {
		if (mailbox_index_attach(box) < 0)
			return NULL;
		/* attaching may have reopened the index */
		index = mail_user_get_index(box->user);
	}
	return index;
}

int mailbox_get_guid(struct mailbox *box, const char **guid_r)
{
	struct mail_index *index = admin_index(box);
	sqlite3_stmt *stmt;
	const unsigned char *text;
	int ret;

	*guid_r = "";
	if (index == NULL)
		return -1;
	stmt = mail_index_stmt(index, "SELECT guid FROM mailbox WHERE id = ?1");
	if (stmt == NULL) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, box->index_id);
	ret = mail_index_step(index, stmt);
	if (ret == SQLITE_ROW) {
		text = sqlite3_column_text(stmt, 0);
		if (text != NULL)
			*guid_r = t_strdup((const char *)text);
	}
	sqlite3_reset(stmt);
	if (ret < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	return 0;
}

int mailbox_get_first_save_date(struct mailbox *box, time_t *date_r)
{
	struct mail_index *index = admin_index(box);
	sqlite3_stmt *stmt;
	int ret;

	*date_r = 0;
	if (index == NULL)
		return -1;
	stmt = mail_index_stmt(index, "SELECT MIN(d.saved) FROM msg m "
		"JOIN mail d ON d.id = m.id WHERE m.id BETWEEN ?1 AND ?2");
	if (stmt == NULL) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
	sqlite3_bind_int64(stmt, 2, index_msg_id(box->index_id, 0xffffffffU));
	ret = mail_index_step(index, stmt);
	if (ret == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
		*date_r = (time_t)sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (ret < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	return 0;
}

/* A message's save date across a rebuild. */
struct saved_date {
	int64_t id;
	int64_t saved;
};
struct saved_dates {
	ARRAY(struct saved_date) a;
};

/* The save dates of the mailbox's messages (the store doesn't keep
   them: a rescan would date every message now). */
static int rebuild_save_dates(struct mailbox *box, struct mail_index *index,
	struct saved_dates *dates)
{
	sqlite3_stmt *stmt;
	int ret;

	stmt = mail_index_stmt(index, "SELECT id, saved FROM mail "
		"WHERE id BETWEEN ?1 AND ?2 AND saved IS NOT NULL");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
	sqlite3_bind_int64(stmt, 2, index_msg_id(box->index_id, 0xffffffffU));
	while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW) {
		struct saved_date *d = array_append_space(&dates->a);

		d->id = sqlite3_column_int64(stmt, 0);
		d->saved = sqlite3_column_int64(stmt, 1);
	}
	return ret < 0 ? -1 : 0;
}

/* Puts the save dates back on the rows the rescan inserted again. */
static int rebuild_restore_dates(struct mail_index *index,
	const struct saved_dates *dates)
{
	sqlite3_stmt *stmt;

	if (mail_index_begin_write(index) < 0)
		return -1;
	for (unsigned int i = 0; i < dates->a.count; i++) {
		stmt = mail_index_stmt(index, "UPDATE mail SET saved = ?2 "
			"WHERE id = ?1");
		if (stmt == NULL) {
			mail_index_rollback(index);
			return -1;
		}
		sqlite3_bind_int64(stmt, 1, dates->a.v[i].id);
		sqlite3_bind_int64(stmt, 2, dates->a.v[i].saved);
		if (mail_index_step(index, stmt) < 0) {
			mail_index_rollback(index);
			return -1;
		}
	}
	return mail_index_commit(index);
}

int mailbox_index_rebuild(struct mailbox *box)
{
	struct mail_index *index = admin_index(box);
	struct saved_dates dates;
	sqlite3_stmt *stmt;
	int ret;

	if (index == NULL)
		return -1;
	array_init(&dates.a, scratch_arena(), 64);
	if (mail_index_begin_write(index) < 0 ||
	    rebuild_save_dates(box, index, &dates) < 0) {
		if (mail_index_in_write(index))
			mail_index_rollback(index);
		mail_user_set_index_error(box->user);
		return -1;
	}
	if (mail_index_begin_write(index) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	/* Without a stamp the next scan is a first scan: every message the
	   store has is inserted again, with modseqs above the old ones. */
	stmt = mail_index_stmt(index, "UPDATE mailbox SET stamp = NULL "
		"WHERE id = ?1");
	if (stmt != NULL)
		sqlite3_bind_int64(stmt, 1, box->index_id);
	if (stmt == NULL ||
	    index_mailbox_clear_messages(index, box->index_id) < 0 ||
	    mail_index_step(index, stmt) < 0 ||
	    mail_index_commit(index) < 0) {
		if (mail_index_in_write(index))
			mail_index_rollback(index);
		mail_user_set_index_error(box->user);
		return -1;
	}
	ret = index_sync_mailbox(box, INDEX_SYNC_FLAG_FULL);
	if (ret == 0 && rebuild_restore_dates(index, &dates) < 0) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	return ret;
}

int mailbox_index_catch_up(struct mailbox *box)
{
	struct mail *mail;
	const char *envelope;
	uint32_t seq, count;
	int ret = 0;

	if (index_sync_mailbox(box, INDEX_SYNC_FLAG_FULL) < 0)
		return -1;
	/* Reading the envelope fills the message's parse cache when it is
	   missing (mail.c); cached messages cost one row read. */
	count = mailbox_get_count(box);
	mail = mail_alloc(box);
	for (seq = 1; seq <= count && ret == 0; seq++) {
		mail_set_seq(mail, seq);
		SCRATCH_BEGIN {
			if (mail_get_envelope(mail, &envelope) < 0) {
				enum mail_error error;

				(void)mail_user_get_last_error(box->user,
					&error);
				/* expunged meanwhile: nothing to index */
				if (error != MAIL_ERROR_EXPUNGED)
					ret = -1;
			}
		} SCRATCH_END;
	}
	mail_free(&mail);
	if (ret < 0)
		return -1;
	return mailbox_fts_catch_up(box);
}
