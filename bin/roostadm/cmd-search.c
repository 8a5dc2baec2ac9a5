/*
 * cmd-search.c - roostadm search: doveadm 2.3's "doveadm search", which
 * prints "<mailbox-guid> <uid>" for every message matching a search
 * query (adm-query.h), mailbox after mailbox.
 */
#include "lib.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"
#include "adm-print.h"
#include "adm-query.h"
#include "adm-query-cmd.h"

static int search_box(struct adm_mail *mail, struct adm_query_box *qbox,
	void *context ATTR_UNUSED)
{
	struct adm_print *print = adm_mail_get_print(mail);

	for (unsigned int i = 0; i < qbox->count; i++) {
		adm_print(print, qbox->guid);
		adm_print_num(print, mailbox_get_uid(qbox->box,
			qbox->seqs[i]));
	}
	return 0;
}

static int search_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	const struct adm_query_arg *query = context;

	return adm_query_cmd_foreach(mail, user, query, MAILBOX_OPEN_READONLY,
		ADM_QUERY_OPEN_ERROR_GUID, 0, search_box, NULL);
}

void cmd_search(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);
	struct adm_query_arg *query;
	struct adm_print *print;

	if (mail == NULL)
		return;
	query = adm_query_cmd_parse(mail, cctx->args.args,
		cctx->args.arg_count);
	print = adm_mail_print_init(mail, "flow");
	adm_print_header(print, "mailbox-guid", "mailbox-guid",
		ADM_PRINT_HEADER_FLAG_HIDE_TITLE);
	adm_print_header(print, "uid", "uid",
		ADM_PRINT_HEADER_FLAG_HIDE_TITLE);
	adm_mail_run(mail, search_user, query);
	adm_mail_deinit(&mail);
}
