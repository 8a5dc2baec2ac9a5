/*
 * cmd-save.c - roostadm save [-m mailbox]: saves the message read from
 * stdin into the mailbox (INBOX by default) of each user, as doveadm save
 * does.  The message is read once, before the first user.
 */
#include "lib.h"
#include "buf.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"

/* The largest message accepted on stdin. */
#define SAVE_MAX_SIZE (1024ULL * 1024 * 1024)

struct save_cmd {
	const char *mailbox;
	struct buf message;
};

static int save_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct save_cmd *ctx = context;
	struct mailbox *box;
	int ret;

	if (mailbox_open(user, ctx->mailbox, MAILBOX_OPEN_SAVEONLY,
		    &box) < 0) {
		adm_mail_storage_error(mail, user, "Failed to open mailbox %s",
			ctx->mailbox);
		return -1;
	}
	ret = mailbox_save_buffer(box, NULL, ctx->message.data,
		ctx->message.used, NULL);
	if (ret < 0) {
		adm_mail_storage_error(mail, user, "Mailbox %s: Saving failed",
			ctx->mailbox);
	}
	mailbox_close(&box);
	return ret;
}

/* Reads all of stdin into buf; -1 with errno (EFBIG past the limit). */
static int save_read_stdin(struct buf *buf)
{
	unsigned char data[65536];
	ssize_t ret;

	while ((ret = read(STDIN_FILENO, data, sizeof(data))) != 0) {
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (buf_append(buf, data, (size_t)ret) < 0) {
			errno = EFBIG;
			return -1;
		}
	}
	return 0;
}

void cmd_save(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);
	struct save_cmd ctx;

	if (mail == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.mailbox = adm_args_get(&cctx->args, 'm');
	if (ctx.mailbox == NULL)
		ctx.mailbox = "INBOX";
	buf_init(&ctx.message, NULL, 65536, SAVE_MAX_SIZE);
	if (save_read_stdin(&ctx.message) < 0) {
		i_error("read(msg input) failed: %s", strerror(errno));
		adm_mail_set_exit(mail, ADM_EX_TEMPFAIL);
	} else {
		adm_mail_run(mail, save_user, &ctx);
	}
	buf_free(&ctx.message);
	adm_mail_deinit(&mail);
}
