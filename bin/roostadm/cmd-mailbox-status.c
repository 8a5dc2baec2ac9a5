/*
 * cmd-mailbox-status.c - roostadm mailbox status [-t] <fields>
 * <mailbox mask>...: doveadm's STATUS of the mailboxes matching the masks
 * (messages recent uidnext uidvalidity unseen highestmodseq vsize guid
 * firstsaved), one row per mailbox or with -t the sums of one user.
 */
#include "lib.h"
#include "arena.h"
#include "mailbox-admin.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"
#include "adm-mail-status.h"
#include "adm-print.h"

struct status_cmd {
	unsigned int fields;
	bool total;
	const char *const *masks;
	/* -t sums of the current user */
	struct mailbox_status sum;
};

/* The storage items the fields need. */
static enum mailbox_status_items status_items(unsigned int fields)
{
	enum mailbox_status_items items = 0;

	if ((fields & ADM_STATUS_MESSAGES) != 0)
		items |= STATUS_MESSAGES;
	if ((fields & ADM_STATUS_RECENT) != 0)
		items |= STATUS_RECENT;
	if ((fields & ADM_STATUS_UIDNEXT) != 0)
		items |= STATUS_UIDNEXT;
	if ((fields & ADM_STATUS_UIDVALIDITY) != 0)
		items |= STATUS_UIDVALIDITY;
	if ((fields & ADM_STATUS_UNSEEN) != 0)
		items |= STATUS_UNSEEN;
	if ((fields & ADM_STATUS_HIGHESTMODSEQ) != 0)
		items |= STATUS_HIGHESTMODSEQ;
	if ((fields & ADM_STATUS_VSIZE) != 0)
		items |= STATUS_SIZE;
	return items;
}

/* guid and firstsaved need the mailbox opened. */
static int status_metadata(struct mail_user *user, const char *name,
	unsigned int fields, const char **guid_r, time_t *saved_r)
{
	struct mailbox *box;
	int ret = 0;

	*guid_r = "";
	*saved_r = 0;
	if ((fields & (ADM_STATUS_GUID | ADM_STATUS_FIRSTSAVED)) == 0)
		return 0;
	if (mailbox_open(user, name, MAILBOX_OPEN_READONLY, &box) < 0)
		return -1;
	if ((fields & ADM_STATUS_GUID) != 0)
		ret = mailbox_get_guid(box, guid_r);
	if (ret == 0 && (fields & ADM_STATUS_FIRSTSAVED) != 0)
		ret = mailbox_get_first_save_date(box, saved_r);
	mailbox_close(&box);
	return ret;
}

static void status_print(struct adm_print *print, unsigned int fields,
	const struct mailbox_status *status, const char *guid, time_t saved)
{
	const uint64_t values[] = {
		status->messages, status->recent, status->uidnext,
		status->uidvalidity, status->unseen, status->highest_modseq,
		status->size,
	};

	for (unsigned int i = 0; i < ADM_STATUS_FIELD_COUNT; i++) {
		unsigned int field = 1U << i;

		if ((fields & field) == 0)
			continue;
		if (field == ADM_STATUS_GUID)
			adm_print(print, guid);
		else if (field == ADM_STATUS_FIRSTSAVED && saved == 0)
			adm_print(print, "never");
		else if (field == ADM_STATUS_FIRSTSAVED)
			adm_print_num(print, (uintmax_t)saved);
		else
			adm_print_num(print, values[i]);
	}
}

static int status_mailbox(struct adm_mail *mail, struct mail_user *user,
	struct status_cmd *ctx, const char *name)
{
	struct adm_print *print = adm_mail_get_print(mail);
	struct mailbox_status status;
	const char *guid;
	time_t saved;

	if (mailbox_get_status_by_name(user, name, status_items(ctx->fields),
		    &status) < 0 ||
	    status_metadata(user, name, ctx->fields, &guid, &saved) < 0) {
		adm_mail_storage_error(mail, user,
			"Mailbox %s: Failed to lookup mailbox status", name);
		return -1;
	}
	if (ctx->total) {
		ctx->sum.messages += status.messages;
		ctx->sum.recent += status.recent;
		ctx->sum.unseen += status.unseen;
		ctx->sum.size += status.size;
		return 0;
	}
	adm_print(print, name);
	status_print(print, ctx->fields, &status, guid, saved);
	return 0;
}

static int status_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct status_cmd *ctx = context;
	const char *const *names;
	int ret;

	memset(&ctx->sum, 0, sizeof(ctx->sum));
	ret = adm_mail_mailbox_names(mail, user, ctx->masks, false, &names);
	for (; *names != NULL; names++) {
		SCRATCH_BEGIN {
			if (status_mailbox(mail, user, ctx, *names) < 0)
				ret = -1;
		} SCRATCH_END;
	}
	if (ctx->total)
		status_print(adm_mail_get_print(mail), ctx->fields, &ctx->sum,
			"", 0);
	return ret;
}

void cmd_mailbox_status(struct adm_cmd_context *cctx)
{
	const struct adm_args *args = &cctx->args;
	struct adm_mail *mail = adm_mail_init(cctx);
	const char *const *words, *error, *single[2];
	struct adm_print *print;
	struct status_cmd ctx;

	if (mail == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.total = adm_args_has(args, 't');
	/* The fields come with -f (then every argument is a mask) or as the
	   first argument. */
	if (adm_args_has(args, 'f')) {
		words = adm_args_get_all(args, 'f', cctx->arena);
		ctx.masks = args->args;
	} else if (args->arg_count > 0) {
		single[0] = args->args[0];
		single[1] = NULL;
		words = single;
		ctx.masks = args->args + 1;
	} else {
		words = NULL;
	}
	if (words == NULL || ctx.masks[0] == NULL) {
		adm_mail_usage(mail);
		adm_mail_deinit(&mail);
		return;
	}
	if (adm_status_fields_parse(words, ctx.total, &ctx.fields,
		    &error) < 0) {
		(void)fflush(stdout);
		log_message(LOG_LEVEL_FATAL, "%s", error);
		adm_mail_set_exit(mail, ADM_EX_USAGE);
		adm_mail_deinit(&mail);
		return;
	}
	print = adm_mail_print_init(mail, "flow");
	if (!ctx.total) {
		adm_print_header(print, "mailbox", "mailbox",
			ADM_PRINT_HEADER_FLAG_HIDE_TITLE);
	}
	for (unsigned int i = 0; i < ADM_STATUS_FIELD_COUNT; i++) {
		if ((ctx.fields & (1U << i)) != 0)
			adm_print_header_simple(print,
				adm_status_field_names[i]);
	}
	adm_mail_run(mail, status_user, &ctx);
	adm_mail_deinit(&mail);
}
