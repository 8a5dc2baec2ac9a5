/*
 * cmd-mailbox.c - roostadm mailbox list, create, delete, rename,
 * subscribe and unsubscribe: doveadm 2.3's "doveadm mailbox" commands on
 * the storage API, with its output, messages and exit codes
 * (docs/roostadm.md).
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-utf7.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"
#include "adm-print.h"

#include <strings.h>

struct mailbox_list_cmd {
	const char *const *patterns;
	enum mailbox_list_flags flags;
	bool mutf7;
};

/* The name as printed: UTF-8, or modified UTF-7 with -7. */
static const char *mailbox_output_name(struct arena *arena, const char *vname,
	bool mutf7)
{
	struct buf out;

	if (!mutf7)
		return vname;
	buf_init(&out, arena, strlen(vname) * 2 + 8, 0);
	if (imap_utf8_to_utf7(vname, &out) < 0)
		return vname;
	return buf_cstr(&out);
}

static bool have_wildcards(const char *pattern)
{
	return strpbrk(pattern, "*%") != NULL;
}

static int mailbox_list_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct mailbox_list_cmd *ctx = context;
	struct adm_print *print = adm_mail_get_print(mail);
	struct arena *arena = adm_mail_user_arena(mail);
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;

	/* doveadm prints a single pattern without wildcards as it is,
	   whether or not the mailbox exists. */
	if (ctx->patterns[0] != NULL && ctx->patterns[1] == NULL &&
	    !have_wildcards(ctx->patterns[0])) {
		adm_print(print, mailbox_output_name(arena, ctx->patterns[0],
			ctx->mutf7));
		return 0;
	}
	iter = mailbox_list_iter_init(user, ctx->patterns, ctx->flags);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		adm_print(print, mailbox_output_name(arena, info->vname,
			ctx->mutf7));
	}
	if (mailbox_list_iter_deinit(&iter) < 0) {
		adm_mail_storage_error(mail, user, "Listing mailboxes failed");
		return -1;
	}
	return 0;
}

void cmd_mailbox_list(struct adm_cmd_context *cctx)
{
	static const char *const all[] = { "*", NULL };
	struct adm_mail *mail = adm_mail_init(cctx);
	struct mailbox_list_cmd ctx;
	struct adm_print *print;

	if (mail == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.patterns = cctx->args.arg_count == 0 ? all : cctx->args.args;
	ctx.flags = MAILBOX_LIST_NO_PREFIX_ENTRIES;
	if (adm_args_has(&cctx->args, 's'))
		ctx.flags |= MAILBOX_LIST_SELECT_SUBSCRIBED;
	/* -7 and -8: the last one given wins. */
	for (unsigned int i = 0; i < cctx->args.opt_count; i++) {
		if (cctx->args.opts[i].opt == '7')
			ctx.mutf7 = true;
		else if (cctx->args.opts[i].opt == '8')
			ctx.mutf7 = false;
	}
	print = adm_mail_print_init(mail, "flow");
	adm_print_header(print, "mailbox", "mailbox",
		ADM_PRINT_HEADER_FLAG_HIDE_TITLE);
	adm_mail_run(mail, mailbox_list_user, &ctx);
	adm_mail_deinit(&mail);
}
