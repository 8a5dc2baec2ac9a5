/*
 * cmd-force-resync.c - roostadm force-resync [-f] <mailbox mask>: the
 * index is a cache of the Maildir, so each matching mailbox's index rows
 * are dropped and rebuilt from the store (UIDs, flags and keywords from
 * the files and dovecot-uidlist), as doveadm force-resync repairs
 * Dovecot's indexes.
 */
#include "lib.h"
#include "mailbox-admin.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-commands.h"
#include "adm-mail.h"

static int force_resync_mailbox(struct adm_mail *mail, struct mail_user *user,
	const char *name)
{
	struct mailbox *box;
	int ret;

	/* READONLY: the rebuild must not claim \Recent for roostadm. */
	if (mailbox_open(user, name, MAILBOX_OPEN_READONLY, &box) < 0) {
		adm_mail_storage_error(mail, user,
			"Forcing a resync on mailbox %s failed", name);
		return -1;
	}
	ret = mailbox_index_rebuild(box);
	if (ret < 0) {
		adm_mail_storage_error(mail, user,
			"Forcing a resync on mailbox %s failed", name);
	}
	mailbox_close(&box);
	return ret;
}

static int force_resync_user(struct adm_mail *mail, struct mail_user *user,
	void *context)
{
	const char *const *masks = context, *const *names;
	int ret;

	ret = adm_mail_mailbox_names(mail, user, masks, true, &names);
	for (; *names != NULL; names++) {
		SCRATCH_BEGIN {
			if (force_resync_mailbox(mail, user, *names) < 0)
				ret = -1;
		} SCRATCH_END;
	}
	return ret;
}

void cmd_force_resync(struct adm_cmd_context *cctx)
{
	struct adm_mail *mail = adm_mail_init(cctx);

	if (mail == NULL)
		return;
	/* -f (doveadm: also fsck the index) adds nothing: the rebuild
	   already reads everything from the store. */
	adm_mail_run(mail, force_resync_user, (void *)cctx->args.args);
	adm_mail_deinit(&mail);
}
