/*
 * backend-maildir-save.c - saving and copying messages into a Maildir
 * folder: the bytes go to tmp/ first; at commit, under
 * dovecot-uidlist.lock, each file is published in new/ or cur/ (fsynced
 * per mail_fsync) and gets the next UID in dovecot-uidlist, so a crash
 * at any point leaves either nothing visible or a complete message with
 * at most a UID assigned by the next sync (never a duplicate UID).
 */
#include "lib.h"
#include "backend-maildir.h"
#include "buf.h"
#include "str.h"
#include "maildir-filename.h"
#include "maildir-keywords.h"
#include "maildir-uidlist.h"

#include <sys/stat.h>

struct backend_save {
	struct backend_mailbox *bbox;
	struct arena *arena;
	/* a new message written through maildir_save_write() */
	struct maildir_save *msave;
	/* or a copy of another folder's file, done at commit */
	struct backend_mailbox *src_bbox;
	const char *src_fname;

	struct backend_save_info info;
	uint64_t psize, vsize;
	bool finished;
	/* published (visible) at commit: path to remove on failure */
	const char *published_path;
};

static struct backend_save *save_new(struct backend_mailbox *bbox)
{
	struct arena *arena = arena_create("maildir save", 512);
	struct backend_save *save = arena_new(arena, struct backend_save, 1);

	save->bbox = bbox;
	save->arena = arena;
	return save;
}

int maildir_backend_save_begin(struct backend_mailbox *bbox,
	struct backend_save **save_r)
{
	struct mail_storage *storage = bbox->storage;
	struct backend_save *save = save_new(bbox);
	const char *error;

	SCRATCH_BEGIN {
		save->msave = maildir_save_begin(bbox->dir,
			&maildir_storage(storage)->set, &error);
		if (save->msave == NULL)
			mail_storage_set_critical(storage, "%s", error);
	} SCRATCH_END;
	if (save->msave == NULL) {
		arena_destroy(&save->arena);
		return -1;
	}
	*save_r = save;
	return 0;
}

int maildir_backend_save_write(struct backend_save *save, const void *data,
	size_t size)
{
	const char *error;
	int ret;

	i_assert(save->msave != NULL && !save->finished);
	SCRATCH_BEGIN {
		ret = maildir_save_write(save->msave, data, size, &error);
		if (ret < 0) {
			if (errno == ENOSPC || errno == EDQUOT) {
				mail_storage_set_error(save->bbox->storage,
					MAIL_ERROR_NOQUOTA,
					"Not enough disk space");
			} else {
				mail_storage_set_critical(save->bbox->storage,
					"%s", error);
			}
		}
	} SCRATCH_END;
	return ret;
}

int maildir_backend_save_link(struct backend_mailbox *bbox,
	struct backend_mailbox *src_bbox, uint32_t src_uid ATTR_UNUSED,
	const char *src_key, struct backend_save **save_r)
{
	/* the copy gets a new base name (maildir_copy()), so a link into
	   the source's own folder is fine too */
	struct backend_save *save = save_new(bbox);

	save->src_bbox = src_bbox;
	save->src_fname = arena_strdup(save->arena,
		maildir_key_fname(src_key));
	*save_r = save;
	return 1;
}

int maildir_backend_save_finish(struct backend_save *save,
	const struct backend_save_info *info)
{
	unsigned int i;

	save->info = *info;
	save->info.keywords = NULL;
	if (info->keywords_count > 0) {
		const char **kw = arena_new(save->arena, const char *,
			info->keywords_count + 1);

		for (i = 0; i < info->keywords_count; i++)
			kw[i] = arena_strdup(save->arena, info->keywords[i]);
		save->info.keywords = kw;
	}
	if (info->guid != NULL)
		save->info.guid = arena_strdup(save->arena, info->guid);
	if (save->msave != NULL) {
		save->psize = maildir_save_get_size(save->msave);
		save->vsize = maildir_save_get_vsize(save->msave);
	}
	save->finished = true;
	return 0;
}

void maildir_backend_save_free(struct backend_save **_save)
{
	struct backend_save *save = *_save;

	if (save == NULL)
		return;
	*_save = NULL;
	if (save->msave != NULL)
		maildir_save_abort(&save->msave);
	arena_destroy(&save->arena);
}

/* A GUID Dovecot can store in a uidlist record extension. */
static bool guid_is_storable(const char *guid)
{
	if (guid[0] == '\0' || strlen(guid) > 255)
		return false;
	for (const char *p = guid; *p != '\0'; p++) {
		if (*p <= ' ' || *p == ':' || (unsigned char)*p >= 0x7f)
			return false;
	}
	return true;
}

/* Publishes one save under the lock: 1 done, 0 source expunged, -1. */
static int save_publish(struct backend_save *save, uint32_t kw_bits,
	struct arena *arena, const char **key_r)
{
	struct backend_mailbox *bbox = save->bbox;
	struct mail_storage *storage = bbox->storage;
	const struct maildir_settings *set = &maildir_storage(storage)->set;
	enum maildir_flags mflags = (enum maildir_flags)
		(save->info.flags & MAIL_FLAGS_STORE_MASK);
	const char *fname, *error;
	bool in_new;
	int ret;

	if (save->msave != NULL) {
		ret = maildir_save_finish(&save->msave,
			save->info.received_date == 0 ? (time_t)-1 :
				save->info.received_date,
			mflags, kw_bits, arena, &fname, &in_new, &error);
		if (ret == 0)
			ret = 1;
	} else {
		ret = maildir_copy(save->src_bbox->dir, save->src_fname,
			bbox->dir, set, mflags, kw_bits, arena, &fname,
			&in_new, &error);
		if (ret > 0) {
			if (!maildir_filename_get_size(fname,
					MAILDIR_EXTRA_SIZE, &save->psize)) {
				struct stat st;

				save->psize = stat(t_printf("%s/%s/%s",
					bbox->dir, in_new ? "new" : "cur",
					fname), &st) == 0 ?
					(uint64_t)st.st_size : (uint64_t)-1;
			}
			if (!maildir_filename_get_size(fname,
					MAILDIR_EXTRA_VIRTUAL_SIZE,
					&save->vsize))
				save->vsize = (uint64_t)-1;
		}
	}
	if (ret < 0) {
		if (errno == ENOSPC || errno == EDQUOT) {
			mail_storage_set_error(storage, MAIL_ERROR_NOQUOTA,
				"Not enough disk space");
		} else {
			mail_storage_set_critical(storage, "%s", error);
		}
		return -1;
	}
	if (ret == 0) {
		mail_storage_set_error(storage, MAIL_ERROR_EXPUNGED,
			"Some of the requested messages no longer exist.");
		return 0;
	}
	*key_r = arena_printf(arena, "%s/%s", in_new ? "new" : "cur", fname);
	save->published_path = arena_printf(save->arena, "%s/%s", bbox->dir,
		*key_r);
	return 1;
}

static void save_unpublish(struct backend_save *const *saves,
	unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		if (saves[i]->published_path != NULL) {
			if (unlink(saves[i]->published_path) < 0 &&
			    errno != ENOENT)
				i_error("unlink(%s) failed: %m",
					saves[i]->published_path);
			saves[i]->published_path = NULL;
		}
	}
}

int maildir_backend_save_commit(struct backend_mailbox *bbox,
	struct backend_save *const *saves, unsigned int count,
	struct arena *arena, uint32_t *uids_r, const char **keys_r,
	uint64_t *psizes_r, uint64_t *vsizes_r)
{
	struct mail_storage *storage = bbox->storage;
	struct maildir_dotlock *lock = NULL;
	const char *error;
	unsigned int i;
	int ret;

	if (count == 0)
		return 0;
	SCRATCH_BEGIN {
		ret = maildir_uidlist_lock(bbox->dir,
			maildir_storage(storage)->set.lock_timeout_secs,
			bbox->perm.file_mode, &lock, &error);
		if (ret == 0) {
			mail_storage_set_error(storage, MAIL_ERROR_INUSE,
				"Timeout while waiting for lock");
			ret = -1;
		} else if (ret < 0) {
			mail_storage_set_critical(storage, "%s", error);
		} else {
			ret = 0;
		}
		if (ret == 0) {
			ret = maildir_uidlist_refresh(bbox->ul,
				bbox->uidlist_path, &error);
			if (ret == MAILDIR_UIDLIST_READ_ERROR ||
			    ret == MAILDIR_UIDLIST_READ_CORRUPT) {
				/* a corrupt list is rebuilt by the next
				   sync; fail this save rather than guess */
				mail_storage_set_critical(storage, "%s", error);
				ret = -1;
			} else {
				ret = 0;
			}
		}
		if (ret == 0 &&
		    maildir_uidlist_get_uid_validity(bbox->ul) == 0) {
			maildir_uidlist_set_uid_validity(bbox->ul,
				maildir_uidvalidity_next(storage->location.root,
					bbox->perm.file_mode));
		}
		for (i = 0; i < count && ret == 0; i++) {
			struct backend_save *save = saves[i];
			uint32_t bits;

			i_assert(save->finished);
			if (maildir_backend_keywords_to_bits(bbox,
					save->info.keywords,
					save->info.keywords_count, true,
					&bits) < 0) {
				ret = -1;
				break;
			}
			ret = save_publish(save, bits, arena, &keys_r[i]);
			ret = ret > 0 ? 0 : -1;
			psizes_r[i] = save->psize;
			vsizes_r[i] = save->vsize;
		}
		for (i = 0; i < count && ret == 0; i++) {
			const char *fname = maildir_key_fname(keys_r[i]);
			const char *guid = saves[i]->info.guid;

			if (maildir_uidlist_add(bbox->ul, fname, &uids_r[i],
					&error) < 0) {
				mail_storage_set_critical(storage,
					"%s: %s", bbox->uidlist_path, error);
				ret = -1;
				break;
			}
			if (guid != NULL && guid_is_storable(guid) &&
			    maildir_filename_base_cmp(guid, fname) != 0)
				(void)maildir_uidlist_set_ext(bbox->ul,
					uids_r[i], MAILDIR_UIDLIST_REC_GUID,
					guid, &error);
		}
		if (ret == 0 && maildir_uidlist_write(bbox->ul,
				bbox->uidlist_path, bbox->perm.file_mode,
				maildir_backend_do_fsync(storage),
				&error) < 0) {
			mail_storage_set_critical(storage, "%s", error);
			ret = -1;
		}
		if (ret < 0)
			save_unpublish(saves, count);
		/* forget the records (and any UIDs we didn't write): an
		   idle session shouldn't keep every file name in memory */
		maildir_backend_release_uidlist(bbox);
		if (lock != NULL)
			maildir_uidlist_unlock(&lock);
	} SCRATCH_END;
	if (ret == 0) {
		for (i = 0; i < count; i++)
			saves[i]->published_path = NULL;
	}
	return ret;
}
