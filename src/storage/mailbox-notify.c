/*
 * mailbox-notify.c - telling an idling session that its mailbox may have
 * changed: inotify on the store's directories (new mail, renames,
 * unlinks, the UID list) and on the index directory (the SQLite WAL grows
 * when another process commits, which covers index-only changes such as
 * keywords beyond what the store can hold), plus a poll every
 * mailbox_idle_check_interval as the fallback.
 */
#include "lib.h"
#include "storage-private.h"
#include "ioloop.h"
#include "str.h"
#include "index/mail-index.h"

#include <fcntl.h>
#include <sys/inotify.h>

struct mailbox_notify {
	struct mailbox *box;
	int fd;
	int index_wd;
	struct io *io;
	struct timeout *to;
	mailbox_notify_callback_t *callback;
	void *context;
};

/* Reads the pending events; true if one of them is relevant. */
static bool notify_drain(struct mailbox_notify *notify)
{
	char buf[4096]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	bool relevant = false;
	ssize_t ret;

	while ((ret = read(notify->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + ret;) {
			const struct inotify_event *ev = (const void *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->wd != notify->index_wd) {
				relevant = true;
				continue;
			}
			/* the index directory: only the WAL (commits of
			   other processes) and the database itself */
			if (ev->len > 0 &&
			    (str_ends(ev->name, ".sqlite-wal") ||
			     str_ends(ev->name, ".sqlite")))
				relevant = true;
		}
	}
	if ((notify->fd >= 0) && ret < 0 && errno != EAGAIN &&
	    errno != EINTR)
		i_error("read(inotify) failed: %m");
	return relevant;
}

static void notify_io_cb(void *context)
{
	struct mailbox_notify *notify = context;

	if (notify_drain(notify))
		notify->callback(notify->context);
}

static void notify_timeout_cb(void *context)
{
	struct mailbox_notify *notify = context;

	notify->callback(notify->context);
}

static void notify_watch(struct mailbox_notify *notify, const char *dir,
	uint32_t mask, bool is_index)
{
	int wd = inotify_add_watch(notify->fd, dir, mask);

	if (wd < 0) {
		if (errno != ENOENT)
			i_warning("inotify_add_watch(%s) failed: %m", dir);
		return;
	}
	if (is_index)
		notify->index_wd = wd;
}

int mailbox_notify_start(struct mailbox *box,
	mailbox_notify_callback_t *callback, void *context)
{
	struct mailbox_notify *notify;
	const char *const *dirs;
	unsigned int interval;

	mailbox_notify_free(box);
	notify = i_new(struct mailbox_notify, 1);
	notify->box = box;
	notify->callback = callback;
	notify->context = context;
	notify->index_wd = -1;
	notify->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (notify->fd < 0) {
		i_warning("inotify_init1() failed: %m (falling back to "
			"polling)");
	} else {
		SCRATCH_BEGIN {
			box->storage->ops->get_notify_dirs(box->bbox,
				scratch_arena(), &dirs);
			for (unsigned int i = 0; dirs[i] != NULL; i++) {
				notify_watch(notify, dirs[i],
					IN_CREATE | IN_MOVED_TO |
					IN_MOVED_FROM | IN_DELETE |
					IN_MODIFY | IN_CLOSE_WRITE |
					IN_DELETE_SELF | IN_MOVE_SELF,
					false);
			}
			if (strcmp(box->user->index_dir, box->path) != 0)
				notify_watch(notify, box->user->index_dir,
					IN_MODIFY | IN_CREATE, true);
		} SCRATCH_END;
		notify->io = io_add(notify->fd, IO_READ, notify_io_cb, notify);
	}
	interval = box->user->idle_check_interval_secs;
	if (interval == 0)
		interval = 30;
	notify->to = timeout_add(interval * 1000, notify_timeout_cb, notify);
	box->notify = notify;
	return 0;
}

void mailbox_notify_stop(struct mailbox *box)
{
	mailbox_notify_free(box);
}

void mailbox_notify_free(struct mailbox *box)
{
	struct mailbox_notify *notify = box->notify;

	if (notify == NULL)
		return;
	box->notify = NULL;
	if (notify->io != NULL)
		io_remove(&notify->io);
	if (notify->to != NULL)
		timeout_remove(&notify->to);
	if (notify->fd >= 0)
		(void)close(notify->fd);
	free(notify);
}
