/*
 * cmd-mailbox.c - roostadm mailbox list, create, delete, rename,
 * subscribe and unsubscribe: doveadm 2.3's "doveadm mailbox" commands on
 * the storage API, with its output, messages and exit codes
 * (docs/roostadm.md).
 */
#include "lib.h"
#include "arena.h"
#include "array.h"
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

/* The mailbox arguments of create/delete/rename/(un)subscribe. */
struct mailbox_names_cmd {
	const char *const *names;
	unsigned int count;
	/* create/rename -s: subscribe; delete -s: unsubscribe */
	bool subscriptions;
	/* delete -r (children too), -e (only when empty) */
	bool recursive, require_empty;
	/* subscribe or unsubscribe */
	bool subscribe;
};

/* Runs callback for each user with the arguments and the options of
   create/delete/rename/(un)subscribe (each has a subset of them). */
static void mailbox_names_run(struct adm_cmd_context *cctx,
	struct adm_mail *mail, adm_mail_user_func_t *callback, bool subscribe)
{
	struct mailbox_names_cmd ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.names = cctx->args.args;
	ctx.count = cctx->args.arg_count;
	ctx.subscriptions = adm_args_has(&cctx->args, 's');
	ctx.recursive = adm_args_has(&cctx->args, 'r');
	ctx.require_empty = adm_args_has(&cctx->args, 'e');
	ctx.subscribe = subscribe;
	adm_mail_run(mail, callback, &ctx);
	adm_mail_deinit(&mail);
}

static int mailbox_create_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct mailbox_names_cmd *ctx = context;
	int ret = 0;

	for (unsigned int i = 0; i < ctx->count; i++) {
		const char *name = ctx->names[i];
		struct mail_namespace *ns = mail_namespace_find(user, name);
		size_t len = strlen(name);
		bool directory = false;

		/* "name/" asks for a level that can have children. */
		if (ns != NULL && len > 1 && name[len - 1] == ns->sep) {
			directory = true;
			name = t_strndup(name, len - 1);
		}
		if (mailbox_create(user, name, directory) < 0) {
			adm_mail_storage_error(mail, user,
				"Can't create mailbox %s", ctx->names[i]);
			ret = -1;
			continue;
		}
		if (ctx->subscriptions &&
		    mailbox_set_subscribed(user, name, true) < 0) {
			adm_mail_storage_error(mail, user,
				"Can't subscribe to mailbox %s", name);
			ret = -1;
		}
	}
	return ret;
}

static bool guid_is_valid(const char *guid)
{
	if (strlen(guid) != 32)
		return false;
	for (; *guid != '\0'; guid++) {
		if (!((*guid >= '0' && *guid <= '9') ||
		      (*guid >= 'a' && *guid <= 'f') ||
		      (*guid >= 'A' && *guid <= 'F')))
			return false;
	}
	return true;
}

void cmd_mailbox_create(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);
	const char *guid = adm_args_get(&cctx->args, 'g');

	if (mail == NULL)
		return;
	if (guid != NULL && !guid_is_valid(guid)) {
		adm_mail_usage(mail);
		adm_mail_deinit(&mail);
		return;
	}
	if (guid != NULL) {
		/* Maildir keeps the GUID in dovecot-uidlist, which the
		   storage API does not let a caller choose. */
		i_error("-g: choosing the mailbox GUID is not supported");
		adm_mail_set_exit(mail, ADM_EX_NOTPOSSIBLE);
		adm_mail_deinit(&mail);
		return;
	}
	mailbox_names_run(cctx, mail, mailbox_create_user, false);
}

static int cmp_reverse(const void *p1, const void *p2)
{
	const char *const *s1 = p1, *const *s2 = p2;

	return strcmp(*s2, *s1);
}

/* The names to delete: the arguments (with -r also every mailbox below
   them), in reverse order so that children go before their parents, as
   doveadm does. */
static const char **mailbox_delete_names(struct mailbox_names_cmd *ctx,
	struct mail_user *user, struct arena *arena, unsigned int *count_r)
{
	ARRAY(const char *) names;

	array_init(&names, arena, ctx->count + 8);
	for (unsigned int i = 0; i < ctx->count; i++) {
		struct mail_namespace *ns;
		struct mailbox_list_iter *iter;
		const struct mailbox_info *info;
		const char *patterns[2];

		array_push(&names, ctx->names[i]);
		ns = mail_namespace_find(user, ctx->names[i]);
		if (!ctx->recursive || ns == NULL)
			continue;
		patterns[0] = arena_printf(arena, "%s%c*", ctx->names[i],
			ns->sep);
		patterns[1] = NULL;
		iter = mailbox_list_iter_init(user, patterns,
			MAILBOX_LIST_NO_PREFIX_ENTRIES);
		while ((info = mailbox_list_iter_next(iter)) != NULL) {
			if ((info->flags & MAILBOX_NONEXISTENT) == 0)
				array_push(&names,
					arena_strdup(arena, info->vname));
		}
		(void)mailbox_list_iter_deinit(&iter);
	}
	qsort(names.v, names.count, sizeof(*names.v), cmp_reverse);
	*count_r = names.count;
	return names.v;
}

static int mailbox_delete_one(struct adm_mail *mail, struct mail_user *user,
	struct mailbox_names_cmd *ctx, const char *name)
{
	if (ctx->require_empty) {
		struct mailbox_status status;

		if (mailbox_get_status_by_name(user, name, STATUS_MESSAGES,
			    &status) < 0) {
			adm_mail_storage_error(mail, user,
				"Can't delete mailbox %s", name);
			return -1;
		}
		if (status.messages > 0) {
			(void)fflush(stdout);
			i_error("Can't delete mailbox %s: Mailbox isn't empty",
				name);
			adm_mail_set_exit(mail, ADM_EX_NOTPOSSIBLE);
			return -1;
		}
	}
	if (mailbox_delete(user, name) < 0) {
		adm_mail_storage_error(mail, user, "Can't delete mailbox %s",
			name);
		return -1;
	}
	if (ctx->subscriptions &&
	    mailbox_set_subscribed(user, name, false) < 0) {
		adm_mail_storage_error(mail, user,
			"Can't unsubscribe mailbox %s", name);
		return -1;
	}
	return 0;
}

static int mailbox_delete_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct mailbox_names_cmd *ctx = context;
	unsigned int count;
	const char **names = mailbox_delete_names(ctx, user,
		adm_mail_user_arena(mail), &count);
	int ret = 0;

	for (unsigned int i = 0; i < count; i++) {
		if (mailbox_delete_one(mail, user, ctx, names[i]) < 0)
			ret = -1;
	}
	return ret;
}

void cmd_mailbox_delete(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);

	/* -Z (doveadm's "unsafe": skip the trash plugin and lazy_expunge)
	   changes nothing here: neither exists in Roost. */
	if (mail != NULL)
		mailbox_names_run(cctx, mail, mailbox_delete_user, false);
}

static int mailbox_rename_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	struct mailbox_names_cmd *ctx = context;
	const char *old_name = ctx->names[0], *new_name = ctx->names[1];

	if (mailbox_rename(user, old_name, new_name) < 0) {
		adm_mail_storage_error(mail, user,
			"Can't rename mailbox %s to %s", old_name, new_name);
		return -1;
	}
	if (!ctx->subscriptions)
		return 0;
	if (mailbox_set_subscribed(user, old_name, false) < 0) {
		adm_mail_storage_error(mail, user,
			"Can't unsubscribe mailbox %s", old_name);
		return -1;
	}
	if (mailbox_set_subscribed(user, new_name, true) < 0) {
		adm_mail_storage_error(mail, user,
			"Can't subscribe to mailbox %s", new_name);
		return -1;
	}
	return 0;
}

void cmd_mailbox_rename(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);

	if (mail != NULL)
		mailbox_names_run(cctx, mail, mailbox_rename_user, false);
}

static int mailbox_subscribe_user(struct adm_mail *mail,
	struct mail_user *user, void *context)
{
	struct mailbox_names_cmd *ctx = context;
	int ret = 0;

	for (unsigned int i = 0; i < ctx->count; i++) {
		if (mailbox_set_subscribed(user, ctx->names[i],
			    ctx->subscribe) < 0) {
			adm_mail_storage_error(mail, user,
				"Can't %s mailbox %s", ctx->subscribe ?
				"subscribe to" : "unsubscribe", ctx->names[i]);
			ret = -1;
		}
	}
	return ret;
}

void cmd_mailbox_subscribe(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);

	if (mail != NULL)
		mailbox_names_run(cctx, mail, mailbox_subscribe_user, true);
}

void cmd_mailbox_unsubscribe(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);

	if (mail != NULL)
		mailbox_names_run(cctx, mail, mailbox_subscribe_user, false);
}
