/*
 * cmd-expunge.c - roostadm expunge [-d]: doveadm 2.3's "doveadm expunge",
 * which expunges the messages matching a search query.  As in doveadm,
 * the query must name a mailbox in every branch and have some other key
 * in every branch (so that a typo can't empty every mailbox); -d deletes
 * each mailbox that is left empty.  (doveadm 2.3.19's usage line says
 * "[-m]" but its option is -d; roostadm prints the same usage and takes
 * the same option.)
 */
#include "lib.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"
#include "adm-query.h"
#include "adm-query-cmd.h"

struct expunge_cmd {
	const struct adm_query_arg *query;
	bool delete_empty;
};

static int expunge_box(struct adm_mail *mail, struct adm_query_box *qbox,
	void *context)
{
	struct expunge_cmd *ctx = context;
	struct mailbox_transaction *t;

	if (qbox->count > 0) {
		t = mailbox_transaction_begin(qbox->box);
		for (unsigned int i = 0; i < qbox->count; i++)
			mail_expunge(t, qbox->seqs[i]);
		if (mailbox_transaction_commit(&t, NULL, NULL) < 0) {
			(void)adm_mail_storage_error(mail, qbox->user,
				"Syncing mailbox '%s' failed", qbox->vname);
			return -1;
		}
	}
	if (ctx->delete_empty &&
	    qbox->count == mailbox_get_count(qbox->box)) {
		struct mailbox_status status;

		/* nothing arrived meanwhile: the store says it's empty */
		if (mailbox_get_status_by_name(qbox->user, qbox->vname,
				STATUS_MESSAGES, &status) == 0 &&
		    status.messages == 0 &&
		    mailbox_delete(qbox->user, qbox->vname) < 0) {
			(void)adm_mail_storage_error(mail, qbox->user,
				"Deleting mailbox '%s' failed", qbox->vname);
			return -1;
		}
	}
	return 0;
}

static int expunge_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct expunge_cmd *ctx = context;

	return adm_query_cmd_foreach(mail, user, ctx->query, 0,
		ADM_QUERY_OPEN_ERROR_SYNCING,
		ctx->delete_empty ? ADM_QUERY_WALK_EMPTY : 0, expunge_box, ctx);
}

/*
 * doveadm's two checks before expunge and move, with its texts (exit
 * code 64).  Returns false after reporting.
 */
bool adm_query_cmd_check_expunge(struct adm_mail *mail, const char *name,
	const struct adm_query_arg *query)
{
	const char *error = NULL;

	if (!adm_query_has_mailbox_everywhere(query)) {
		error = "search query must contain MAILBOX in all search "
			"branches";
	} else if (!adm_query_has_other_everywhere(query)) {
		error = "each branch in search query must contain something "
			"else besides MAILBOX (e.g. just add \"all\" if you "
			"want everything)";
	}
	if (error == NULL)
		return true;
	(void)fflush(stdout);
	log_message(LOG_LEVEL_FATAL, "%s: To avoid accidents, %s", name,
		error);
	adm_mail_set_exit(mail, ADM_EX_USAGE);
	return false;
}

void cmd_expunge(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);
	struct expunge_cmd ctx;

	if (mail == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.delete_empty = adm_args_has(&cctx->args, 'd');
	ctx.query = adm_query_cmd_parse(mail, cctx->args.args,
		cctx->args.arg_count);
	if (adm_query_cmd_check_expunge(mail, "expunge", ctx.query))
		adm_mail_run(mail, expunge_user, &ctx);
	adm_mail_deinit(&mail);
}
