/*
 * mail-file.c - reading a message's file for a mail handle: open, then
 * one read into the handle's buffer (files up to MAIL_READ_MAX_SIZE) or
 * a read-only mapping (larger ones); the message's size from the index
 * lets a single read of one byte more replace the fstat.
 *
 * Reading messages one after another in sequence order (FETCH 1:*) is
 * the hot path: the handle then fetches the store keys and sizes of the
 * next messages in one index query (a prefetch batch), so that a message
 * costs an open, a read and a close, and no index query.
 */
#include "lib.h"
#include "mail-private.h"
#include "message-header.h"
#include "message-size.h"

#include <sys/mman.h>
#include <sys/stat.h>

/* Loads the store keys and sizes of the view's messages from seq on, up
   to MAIL_PREFETCH_COUNT of them, into the batch.  0 or -1 (then the
   caller loads the row itself). */
static int mail_prefetch(struct mail *mail)
{
	struct mailbox *box = mail->box;
	struct mail_index *index;
	sqlite3_stmt *stmt;
	uint32_t last_seq;
	unsigned int max;
	int ret;

	mail->batch_count = mail->batch_pos = 0;
	if (mail->seq == 0 || mail->seq > box->count)
		return -1;
	last_seq = box->count - mail->seq < MAIL_PREFETCH_COUNT - 1 ?
		box->count : mail->seq + MAIL_PREFETCH_COUNT - 1;
	index = mail_user_get_index(box->user);
	if (index == NULL) {
		mail_user_clear_error(box->user);
		return -1;
	}
	stmt = mail_index_stmt(index, "SELECT id, key, psize, vsize "
		"FROM mail WHERE id BETWEEN ?1 AND ?2 ORDER BY id LIMIT ?3");
	if (stmt == NULL)
		return -1;
	/* rows of messages outside the view may lie in between */
	max = MAIL_PREFETCH_COUNT * 2;
	sqlite3_bind_int64(stmt, 1, mail->id);
	sqlite3_bind_int64(stmt, 2, index_msg_id(box->index_id,
		box->uids[last_seq - 1]));
	sqlite3_bind_int(stmt, 3, (int)max);
	if (mail->batch_arena == NULL) {
		mail->batch_arena = arena_create("mail prefetch", 8192);
		mail->batch = i_new(struct mail_file_row, max);
	} else {
		arena_reset(mail->batch_arena);
	}
	while ((ret = mail_index_step(index, stmt)) == SQLITE_ROW) {
		struct mail_file_row *row = &mail->batch[mail->batch_count];
		const char *key = (const char *)sqlite3_column_text(stmt, 1);

		if (key == NULL)
			continue;
		row->uid = (uint32_t)(sqlite3_column_int64(stmt, 0) &
			0xffffffff);
		row->key = arena_strdup(mail->batch_arena, key);
		row->psize = mail_column_int_or(stmt, 2, -1);
		row->vsize = mail_column_int_or(stmt, 3, -1);
		mail->batch_count++;
	}
	if (ret < 0) {
		mail->batch_count = 0;
		mail_user_clear_error(box->user);
		return -1;
	}
	return 0;
}

/* The message's row in the prefetch batch, or NULL. */
static const struct mail_file_row *mail_batch_find(struct mail *mail)
{
	while (mail->batch_pos < mail->batch_count &&
	       mail->batch[mail->batch_pos].uid < mail->uid)
		mail->batch_pos++;
	if (mail->batch_pos < mail->batch_count &&
	    mail->batch[mail->batch_pos].uid == mail->uid)
		return &mail->batch[mail->batch_pos];
	return NULL;
}

int mail_load_file_info(struct mail *mail)
{
	const struct mail_file_row *row;

	if (mail->file_info_loaded)
		return 0;
	if (mail->seq != 0 && mail->seq == mail->prev_seq + 1) {
		if (mail_is_pending_expunge(mail)) {
			mail_set_expunged(mail);
			return -1;
		}
		row = mail_batch_find(mail);
		if (row == NULL && mail_prefetch(mail) == 0)
			row = mail_batch_find(mail);
		if (row != NULL) {
			mail->key = row->key;
			mail->psize = row->psize;
			mail->vsize = row->vsize;
			mail->file_info_loaded = true;
			return 0;
		}
	}
	return mail_load_row(mail);
}

/* Opens a message file by key (the key may be updated) and gets its
   size unless size_r is NULL.  0 or -1. */
static int mail_open_fd(struct mailbox *box, int64_t id, uint32_t uid,
	const char **key, struct arena *arena, int *fd_r, size_t *size_r)
{
	const char *new_key;
	struct stat st;
	int fd;

	if (box->storage->ops->mail_open(box->bbox, uid, *key, arena, &fd,
			&new_key) < 0)
		return -1;
	if (new_key != NULL) {
		*key = new_key;
		mail_update_key(box, id, new_key);
	}
	*fd_r = fd;
	if (size_r == NULL)
		return 0;
	if (fstat(fd, &st) < 0) {
		mail_user_set_critical(box->user, "fstat(%s) failed: %m", *key);
		(void)close(fd);
		return -1;
	}
	*size_r = (size_t)st.st_size;
	return 0;
}

/* Maps size bytes of fd read-only (NULL when empty).  0 or -1. */
static int mail_mmap_fd(struct mailbox *box, const char *key, int fd,
	size_t size, void **map_r)
{
	*map_r = NULL;
	if (size == 0)
		return 0;
	*map_r = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (*map_r == MAP_FAILED) {
		*map_r = NULL;
		mail_user_set_critical(box->user, "mmap(%s) failed: %m", key);
		return -1;
	}
	return 0;
}

/* Reads up to size bytes from the start of the file into the handle's
   buffer; a shorter file gives fewer.  0 or -1. */
static int mail_read_fd(struct mail *mail, size_t size)
{
	size_t pos = 0;
	ssize_t ret;

	i_assert(size <= MAIL_READ_MAX_SIZE + 1);
	if (size > mail->read_buf_size) {
		size_t new_size = mail->read_buf_size == 0 ? 16384 :
			mail->read_buf_size;

		while (new_size < size)
			new_size *= 2;
		/* never more than the largest read */
		if (new_size > MAIL_READ_MAX_SIZE + 1)
			new_size = MAIL_READ_MAX_SIZE + 1;
		free(mail->read_buf);
		mail->read_buf = i_malloc(new_size);
		mail->read_buf_size = new_size;
	}
	while (pos < size) {
		ret = pread(mail->fd, mail->read_buf + pos, size - pos,
			(off_t)pos);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			mail_user_set_critical(mail->box->user,
				"read(%s) failed: %m", mail->key);
			return -1;
		}
		if (ret == 0)
			break;
		pos += (size_t)ret;
	}
	mail->map = pos == 0 ? NULL : mail->read_buf;
	mail->map_size = pos;
	return 0;
}

int mail_open_file(struct mail *mail)
{
	struct stat st;
	size_t size;

	if (mail->fd >= 0)
		return 0;
	if (mail_load_file_info(mail) < 0)
		return -1;
	if (mail->psize >= 0 && mail->psize < MAIL_READ_MAX_SIZE) {
		/* the index knows the size: one read of a byte more tells
		   whether the file still has it, no fstat needed */
		size = (size_t)mail->psize + 1;
		if (mail_open_fd(mail->box, mail->id, mail->uid, &mail->key,
				mail->arena, &mail->fd, NULL) < 0)
			return -1;
		if (mail_read_fd(mail, size) < 0)
			goto fail;
		if (mail->map_size < size)
			return 0;
		/* it grew */
		if (fstat(mail->fd, &st) < 0) {
			mail_user_set_critical(mail->box->user,
				"fstat(%s) failed: %m", mail->key);
			goto fail;
		}
		size = (size_t)st.st_size;
	} else if (mail_open_fd(mail->box, mail->id, mail->uid, &mail->key,
			mail->arena, &mail->fd, &size) < 0) {
		return -1;
	}
	if (size <= MAIL_READ_MAX_SIZE) {
		if (mail_read_fd(mail, size) < 0)
			goto fail;
		return 0;
	}
	if (mail_mmap_fd(mail->box, mail->key, mail->fd, size,
			&mail->map) < 0)
		goto fail;
	mail->map_size = size;
	mail->map_mmapped = true;
	return 0;
fail:
	(void)close(mail->fd);
	mail->fd = -1;
	return -1;
}

int mail_get_data(struct mail *mail, struct mail_data *data_r)
{
	uint64_t vsize;

	if (mail_open_file(mail) < 0 || mail_get_virtual_size(mail, &vsize) < 0)
		return -1;
	memset(data_r, 0, sizeof(*data_r));
	data_r->fd = mail->fd;
	data_r->mapped = mail->map;
	data_r->physical_size = mail->map_size;
	data_r->virtual_size = vsize;
	if ((uint64_t)mail->vsize != mail->map_size &&
	    (uint64_t)mail->psize != mail->map_size) {
		/* the file changed size since the index saw it */
		struct message_size size;

		message_size_count(mail->map, mail->map_size, false, &size);
		data_r->virtual_size = size.virtual_size;
		mail->psize = (int64_t)size.physical_size;
		mail->vsize = (int64_t)size.virtual_size;
		mail_store_sizes(mail->box, mail->id, size.physical_size,
			size.virtual_size);
	}
	data_r->crlf = data_r->physical_size == data_r->virtual_size;
	return 0;
}

int mail_get_header_size(struct mail *mail, uint64_t *physical_r,
	uint64_t *virtual_r)
{
	struct message_size hdr_size;
	size_t hsize;

	if (!mail->have_header_size) {
		if (mail_open_file(mail) < 0)
			return -1;
		hsize = mail->map == NULL ? 0 :
			message_header_block_size(mail->map, mail->map_size);
		message_size_count(mail->map, hsize, false, &hdr_size);
		mail->header_psize = hdr_size.physical_size;
		mail->header_vsize = hdr_size.virtual_size;
		mail->have_header_size = true;
	}
	*physical_r = mail->header_psize;
	*virtual_r = mail->header_vsize;
	return 0;
}

int mail_get_mapped(struct mail *mail, const void **data_r, size_t *size_r)
{
	if (mail_open_file(mail) < 0)
		return -1;
	*data_r = mail->map;
	*size_r = mail->map_size;
	return 0;
}

/* ---- STATUS SIZE ---- */

int mailbox_get_vsize_sum(struct mailbox *box, uint64_t *size_r)
{
	struct mail_index *index = mail_user_get_index(box->user);
	sqlite3_stmt *stmt;
	int ret;

	*size_r = 0;
	if (index == NULL)
		return -1;
	/* fill in sizes the index doesn't know yet */
	for (;;) {
		int64_t id;
		const char *key;
		void *map;
		size_t size;
		int fd;

		stmt = mail_index_stmt(index, "SELECT id, key FROM mail "
			"WHERE id BETWEEN ?1 AND ?2 AND vsize IS NULL LIMIT 1");
		if (stmt == NULL)
			break;
		sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
		sqlite3_bind_int64(stmt, 2,
			index_msg_id(box->index_id, 0xffffffffU));
		ret = mail_index_step(index, stmt);
		if (ret != SQLITE_ROW)
			break;
		id = sqlite3_column_int64(stmt, 0);
		SCRATCH_BEGIN {
			key = t_strdup((const char *)sqlite3_column_text(stmt,
				1));
			sqlite3_reset(stmt);
			fd = -1;
			if (mail_open_fd(box, id, (uint32_t)(id & 0xffffffff),
					&key, scratch_arena(), &fd,
					&size) == 0 &&
			    mail_mmap_fd(box, key, fd, size, &map) == 0) {
				struct message_size msize;

				message_size_count(map, size, false, &msize);
				mail_store_sizes(box, id, msize.physical_size,
					msize.virtual_size);
				if (map != NULL)
					(void)munmap(map, size);
				(void)close(fd);
			} else {
				if (fd >= 0)
					(void)close(fd);
				/* gone: count it as empty until the next
				   sync drops it */
				mail_store_sizes(box, id, 0, 0);
				mail_user_clear_error(box->user);
			}
		} SCRATCH_END;
	}
	stmt = mail_index_stmt(index, "SELECT sum(d.vsize) FROM msg m "
		"JOIN mail d ON d.id = m.id WHERE m.id BETWEEN ?1 AND ?2");
	if (stmt == NULL) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, index_msg_id(box->index_id, 0));
	sqlite3_bind_int64(stmt, 2, index_msg_id(box->index_id, 0xffffffffU));
	if (mail_index_step(index, stmt) != SQLITE_ROW) {
		mail_user_set_index_error(box->user);
		return -1;
	}
	*size_r = (uint64_t)sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return 0;
}
