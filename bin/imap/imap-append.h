/*
 * imap-append.h - the message being built by one APPEND: its bytes go
 * straight into storage's save (a plain literal), or through a temporary
 * file when the message must be looked at whole before it is stored (a
 * literal8, whose binary parts are converted to base64, and CATENATE,
 * whose parts may be literal8 too).  Also CATENATE's URL parts: the
 * referenced message data is read like FETCH BODY.PEEK[section]<partial>
 * would send it.
 */
#ifndef ROOST_IMAP_APPEND_H
#define ROOST_IMAP_APPEND_H

#include "storage.h"

struct arena;
struct imap_client;

struct imap_append_msg {
	struct mailbox_transaction *t;
	struct mail_save_params params;
	/* direct saving */
	struct mail_save_context *save;
	/* buffered: an unlinked temporary file in mail_temp_dir */
	int tmp_fd;
	/* some of the data came as literal8 */
	bool binary;
	/* bytes of message data so far */
	uint64_t size;
};

/*
 * Starts a message in t.  buffered: collect it in a temporary file
 * (temp_dir) until imap_append_msg_finish().  Returns 0, or -1 with
 * *error_r a tagged NO (a storage error, or an internal one that was
 * logged).
 */
int imap_append_msg_begin(struct imap_append_msg *msg,
	struct imap_client *client, struct mailbox_transaction *t,
	const struct mail_save_params *params, bool buffered,
	const char *temp_dir, const char **error_r);
/* Adds data.  0, or -1 with *error_r a tagged NO. */
int imap_append_msg_write(struct imap_append_msg *msg,
	struct imap_client *client, const void *data, size_t size,
	const char **error_r);
/* Ends the message: a buffered one is stored now (converted when
   binary).  0, or -1 with *error_r a tagged NO. */
int imap_append_msg_finish(struct imap_append_msg *msg,
	struct imap_client *client, struct arena *arena, const char **error_r);
/* Forgets a message that was begun. */
void imap_append_msg_cancel(struct imap_append_msg *msg);

/*
 * CATENATE URL part: writes the data the relative IMAP URL names into
 * msg.  Returns 0, or -1 with *error_r the tagged reply
 * ("NO [BADURL <url>] ...").
 */
int imap_append_url_write(struct imap_append_msg *msg,
	struct imap_client *client, const char *url, struct arena *arena,
	const char **error_r);

#endif
