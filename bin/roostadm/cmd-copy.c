/*
 * cmd-copy.c - roostadm copy and move: doveadm 2.3's "doveadm copy|move
 * <destination> [user <source user>] <search query>", which copy (and,
 * for move, then expunge) the messages matching the query into the
 * destination mailbox of the user served.  With "user NAME" the messages
 * come from another user's mailboxes (looked up in the userdb like the
 * served user).  move has expunge's safety checks.
 */
#include "lib.h"
#include "arena.h"
#include "config.h"
#include "auth-master.h"
#include "mail-service.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"
#include "adm-query.h"
#include "adm-query-cmd.h"

struct copy_cmd {
	const struct adm_query_arg *query;
	const char *destination;
	const char *source_username;
	/* its userdb fields, looked up before the users are served */
	const char *const *source_fields;
	bool move;
	/* while a user is served */
	struct mail_user *dest_user;
	struct mailbox *dest_box;
	/* the destination's UIDNEXT when the command started: copies made
	   by this command are not copied again when the walk reaches the
	   destination itself */
	uint32_t dest_uidnext;
};

static int copy_box(struct adm_mail *mail, struct adm_query_box *qbox,
	void *context)
{
	struct copy_cmd *ctx = context;
	struct mailbox_transaction *t;
	struct mail *src;
	bool self;
	int ret = 0;

	self = qbox->user == ctx->dest_user &&
		strcmp(qbox->vname, mailbox_get_vname(ctx->dest_box)) == 0;
	if (self && ctx->move) {
		/* moving a mailbox's messages into itself changes nothing */
		return 0;
	}
	t = mailbox_transaction_begin(ctx->dest_box);
	src = mail_alloc(qbox->box);
	for (unsigned int i = 0; i < qbox->count && ret == 0; i++) {
		if (self && mailbox_get_uid(qbox->box, qbox->seqs[i]) >=
		    ctx->dest_uidnext)
			continue;
		mail_set_seq(src, qbox->seqs[i]);
		ret = mail_copy(t, src, NULL);
	}
	mail_free(&src);
	if (ret < 0) {
		mailbox_transaction_rollback(&t);
		(void)adm_mail_storage_error(mail, qbox->user,
			"Copying messages from '%s' failed", qbox->vname);
		return -1;
	}
	if (mailbox_transaction_commit(&t, NULL, NULL) < 0) {
		(void)adm_mail_storage_error(mail, ctx->dest_user,
			"Committing copy to '%s' failed", ctx->destination);
		return -1;
	}
	if (!ctx->move)
		return 0;
	/* RFC 6851's order: the copies are committed, then the sources
	   go */
	t = mailbox_transaction_begin(qbox->box);
	for (unsigned int i = 0; i < qbox->count; i++)
		mail_expunge(t, qbox->seqs[i]);
	if (mailbox_transaction_commit(&t, NULL, NULL) < 0) {
		(void)adm_mail_storage_error(mail, qbox->user,
			"Expunging moved messages from '%s' failed",
			qbox->vname);
		return -1;
	}
	return 0;
}

/*
 * The userdb lookup of the source user of "user NAME", done once before
 * the users are served: the lookup must come from roostadm's own
 * (privileged) ids, since auth refuses another user's lookup to a
 * process running as a mail user.  false after reporting.
 */
static bool copy_source_lookup(struct adm_mail *mail, struct copy_cmd *ctx)
{
	struct adm_cmd_context *cctx = adm_mail_get_cmd(mail);
	struct auth_master_connection *conn;
	struct auth_user_info info;
	const char *error;
	int ret;

	memset(&info, 0, sizeof(info));
	info.service = "doveadm";
	conn = auth_master_init(adm_base_path(cctx->adm, "auth-userdb"),
		AUTH_MASTER_DEFAULT_TIMEOUT_MSECS);
	ret = auth_master_user_lookup(conn, ctx->source_username, &info,
		cctx->arena, &ctx->source_username, &ctx->source_fields,
		&error);
	auth_master_deinit(&conn);
	if (ret > 0)
		return true;
	(void)fflush(stdout);
	if (ret < 0) {
		i_error("Couldn't lookup user %s: %s", ctx->source_username,
			error);
		adm_mail_set_exit(mail, ADM_EX_TEMPFAIL);
	} else {
		i_error("User %s doesn't exist", ctx->source_username);
		adm_mail_set_exit(mail, ADM_EX_NOUSER);
	}
	return false;
}

/* The source user's storage (with the served user's ids); NULL after
   reporting. */
static struct mail_user *copy_source_user(struct adm_mail *mail,
	struct copy_cmd *ctx)
{
	struct adm_cmd_context *cctx = adm_mail_get_cmd(mail);
	struct config_filter filter;
	struct mail_user *user;
	const char *error;

	memset(&filter, 0, sizeof(filter));
	filter.protocol = "doveadm";
	filter.service = "doveadm";
	if (mail_service_user_create(adm_config(cctx->adm),
			ctx->source_username, ctx->source_fields, "doveadm",
			&filter, NULL, &user, &error) < 0) {
		i_error("Couldn't create user %s: %s", ctx->source_username,
			error);
		adm_mail_set_exit(mail, ADM_EX_TEMPFAIL);
		return NULL;
	}
	return user;
}

static int copy_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct copy_cmd *ctx = context;
	struct mail_user *src_user = user;
	struct mailbox_status status;
	int ret;

	if (mailbox_open(user, ctx->destination, MAILBOX_OPEN_SAVEONLY,
			 &ctx->dest_box) < 0 ||
	    mailbox_get_status_by_name(user, ctx->destination,
			STATUS_UIDNEXT, &status) < 0) {
		(void)adm_mail_storage_error(mail, user,
			"Can't open mailbox '%s'", ctx->destination);
		if (ctx->dest_box != NULL)
			mailbox_close(&ctx->dest_box);
		return -1;
	}
	ctx->dest_uidnext = status.uidnext;
	if (ctx->source_username != NULL) {
		src_user = copy_source_user(mail, ctx);
		if (src_user == NULL) {
			mailbox_close(&ctx->dest_box);
			return -1;
		}
	}
	ctx->dest_user = user;
	ret = adm_query_cmd_foreach(mail, src_user, ctx->query,
		ctx->move ? 0 : MAILBOX_OPEN_READONLY,
		ADM_QUERY_OPEN_ERROR_SYNC, 0, copy_box, ctx);
	mailbox_close(&ctx->dest_box);
	if (src_user != user)
		mail_user_destroy(&src_user);
	return ret;
}

static void copy_run(struct adm_cmd_context *cctx, bool move)
{
	struct adm_mail *mail = adm_mail_init(cctx);
	const char *const *args = cctx->args.args;
	unsigned int count = cctx->args.arg_count;
	struct copy_cmd ctx;

	if (mail == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.move = move;
	if (count >= 1) {
		ctx.destination = args[0];
		args++;
		count--;
	}
	if (count >= 2 && strcmp(args[0], "user") == 0) {
		ctx.source_username = args[1];
		args += 2;
		count -= 2;
	}
	if (count == 0) {
		adm_mail_usage(mail);
		adm_mail_deinit(&mail);
		return;
	}
	ctx.query = adm_query_cmd_parse(mail, args, count);
	if ((!move || adm_query_cmd_check_expunge(mail, "move", ctx.query)) &&
	    (ctx.source_username == NULL || copy_source_lookup(mail, &ctx)))
		adm_mail_run(mail, copy_user, &ctx);
	adm_mail_deinit(&mail);
}

void cmd_copy(struct adm_cmd_context *cctx)
{
	copy_run(cctx, false);
}

void cmd_move(struct adm_cmd_context *cctx)
{
	copy_run(cctx, true);
}
