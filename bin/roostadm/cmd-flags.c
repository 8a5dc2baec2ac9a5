/*
 * cmd-flags.c - roostadm flags add|remove|replace <flags> <search query>:
 * doveadm 2.3's "doveadm flags", which changes the system flags and
 * keywords of the matching messages.  <flags> is one argument of
 * space-separated flags ("\Seen $Label1"); \Recent is accepted and
 * ignored, an unknown system flag is fatal, an invalid keyword fails the
 * mailbox (exit code 65), as in doveadm.
 */
#include "lib.h"
#include "arena.h"
#include "array.h"
#include "str.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"
#include "adm-query.h"
#include "adm-query-cmd.h"

struct flags_cmd {
	const struct adm_query_arg *query;
	struct mail_flag_update update;
};

static int flags_box(struct adm_mail *mail, struct adm_query_box *qbox,
	void *context)
{
	struct flags_cmd *ctx = context;
	struct mailbox_transaction *t;
	const char *const *kw;

	for (kw = ctx->update.keywords; kw != NULL && *kw != NULL; kw++) {
		if (mailbox_keyword_verify(qbox->box, *kw) < 0) {
			(void)adm_mail_storage_error(mail, qbox->user,
				"Invalid keywords");
			adm_mail_set_exit(mail, ADM_EX_NOTPOSSIBLE);
			return -1;
		}
	}
	t = mailbox_transaction_begin(qbox->box);
	for (unsigned int i = 0; i < qbox->count; i++) {
		if (mail_update_flags(t, qbox->seqs[i], &ctx->update) < 0) {
			mailbox_transaction_rollback(&t);
			(void)adm_mail_storage_error(mail, qbox->user,
				"Invalid keywords");
			adm_mail_set_exit(mail, ADM_EX_NOTPOSSIBLE);
			return -1;
		}
	}
	if (mailbox_transaction_commit(&t, NULL, NULL) < 0) {
		(void)adm_mail_storage_error(mail, qbox->user,
			"Mailbox %s: Mailbox sync failed", qbox->vname);
		return -1;
	}
	return 0;
}

static int flags_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct flags_cmd *ctx = context;

	return adm_query_cmd_foreach(mail, user, ctx->query, 0,
		ADM_QUERY_OPEN_ERROR_SYNC, 0, flags_box, ctx);
}

/* "\Seen kw" into system flags and keywords; an unknown system flag is
   fatal ("Invalid system flag: \Bogus"). */
static void flags_parse(struct arena *arena, const char *str,
	struct mail_flag_update *update)
{
	static const struct {
		const char *name;
		enum mail_flags flag;
	} names[] = {
		{ "\\Answered", MAIL_ANSWERED },
		{ "\\Flagged", MAIL_FLAGGED },
		{ "\\Deleted", MAIL_DELETED },
		{ "\\Seen", MAIL_SEEN },
		{ "\\Draft", MAIL_DRAFT },
		{ "\\Recent", 0 },
	};
	char **words = str_split(arena, str, " ", true);
	ARRAY(const char *) keywords;
	unsigned int i;

	array_init(&keywords, arena, 8);
	for (; *words != NULL; words++) {
		if ((*words)[0] != '\\') {
			array_push(&keywords, *words);
			continue;
		}
		for (i = 0; i < N_ELEMENTS(names); i++) {
			if (strcasecmp(names[i].name, *words) == 0)
				break;
		}
		if (i == N_ELEMENTS(names))
			adm_fatal("Invalid system flag: %s", *words);
		update->flags |= names[i].flag;
	}
	array_push(&keywords, NULL);
	update->keywords = keywords.v;
}

static void flags_run(struct adm_cmd_context *cctx,
	enum mail_modify_type type)
{
	struct adm_mail *mail = adm_mail_init(cctx);
	struct flags_cmd ctx;

	if (mail == NULL)
		return;
	if (cctx->args.arg_count < 2) {
		adm_mail_usage(mail);
		adm_mail_deinit(&mail);
		return;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.update.type = type;
	flags_parse(cctx->arena, cctx->args.args[0], &ctx.update);
	ctx.query = adm_query_cmd_parse(mail, cctx->args.args + 1,
		cctx->args.arg_count - 1);
	adm_mail_run(mail, flags_user, &ctx);
	adm_mail_deinit(&mail);
}

void cmd_flags_add(struct adm_cmd_context *cctx)
{
	flags_run(cctx, MAIL_MODIFY_ADD);
}

void cmd_flags_remove(struct adm_cmd_context *cctx)
{
	flags_run(cctx, MAIL_MODIFY_REMOVE);
}

void cmd_flags_replace(struct adm_cmd_context *cctx)
{
	flags_run(cctx, MAIL_MODIFY_REPLACE);
}
