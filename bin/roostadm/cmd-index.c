/*
 * cmd-index.c - roostadm index [-q] [-n <max recent>] <mailbox mask>:
 * brings the index of each matching mailbox up to date (a full scan of
 * the Maildir, the parse cache and the full-text rows of every message),
 * so that clients find everything cached.  Roost has no indexer service:
 * -q (doveadm: queue the work for the indexer) does the work at once.
 */
#include "lib.h"
#include "str.h"
#include "mailbox-admin.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"

struct index_cmd {
	const char *const *masks;
	/* -n: skip mailboxes with more \Recent messages; 0 = no limit */
	uint32_t max_recent;
	bool have_max_recent;
};

static int index_mailbox(struct adm_mail *mail, struct mail_user *user,
	struct index_cmd *ctx, const char *name)
{
	struct mailbox_status status;
	struct mailbox *box;
	int ret;

	if (ctx->have_max_recent) {
		if (mailbox_get_status_by_name(user, name, STATUS_RECENT,
			    &status) < 0) {
			adm_mail_storage_error(mail, user,
				"Mailbox %s: Status lookup failed", name);
			return -1;
		}
		if (status.recent > ctx->max_recent)
			return 0;
	}
	if (mailbox_open(user, name, MAILBOX_OPEN_READONLY, &box) < 0) {
		adm_mail_storage_error(mail, user,
			"Mailbox %s: Indexing failed", name);
		return -1;
	}
	ret = mailbox_index_catch_up(box);
	if (ret < 0) {
		adm_mail_storage_error(mail, user,
			"Mailbox %s: Indexing failed", name);
	}
	mailbox_close(&box);
	return ret;
}

static int index_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct index_cmd *ctx = context;
	const char *const *names;
	int ret;

	ret = adm_mail_mailbox_names(mail, user, ctx->masks, true, &names);
	for (; *names != NULL; names++) {
		SCRATCH_BEGIN {
			if (index_mailbox(mail, user, ctx, *names) < 0)
				ret = -1;
		} SCRATCH_END;
	}
	return ret;
}

void cmd_index(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);
	const char *max = adm_args_get(&cctx->args, 'n');
	struct index_cmd ctx;

	if (mail == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.masks = cctx->args.args;
	if (max != NULL) {
		if (str_to_uint32(max, &ctx.max_recent) < 0) {
			(void)fflush(stdout);
			log_message(LOG_LEVEL_FATAL, "Invalid -n parameter: %s",
				max);
			adm_mail_set_exit(mail, ADM_EX_USAGE);
			adm_mail_deinit(&mail);
			return;
		}
		ctx.have_max_recent = true;
	}
	adm_mail_run(mail, index_user, &ctx);
	adm_mail_deinit(&mail);
}
