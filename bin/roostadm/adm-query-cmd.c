/*
 * adm-query-cmd.c - the mailbox walk of roostadm's query-driven mail
 * commands (see adm-query-cmd.h), following doveadm 2.3: the query's
 * top-level MAILBOX keys choose what is listed (a name without wildcards
 * is opened directly, so a missing one is an error), everything else
 * lists all mailboxes; each candidate is opened, searched, and handed to
 * the command.
 */
#include "lib.h"
#include "arena.h"
#include "array.h"
#include "hash.h"
#include "mailbox-admin.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-mail.h"
#include "adm-query.h"
#include "adm-query-cmd.h"

#include <time.h>

struct query_walk {
	struct adm_mail *mail;
	struct mail_user *user;
	const struct adm_query_arg *query;
	enum mailbox_open_flags open_flags;
	enum adm_query_open_error open_error;
	enum adm_query_walk_flags flags;
	adm_query_box_func_t *func;
	void *context;
	/* vnames already visited (a mailbox matched by two patterns) */
	struct hash_table *seen;
	int ret;
};

struct adm_query_arg *adm_query_cmd_parse(struct adm_mail *mail,
	const char *const *words, unsigned int count)
{
	struct adm_cmd_context *cctx = adm_mail_get_cmd(mail);
	struct adm_query_arg *args;
	const char *error;

	if (adm_query_parse(words, count, time(NULL), cctx->arena, &args,
			    &error) < 0) {
		(void)fflush(stdout);
		adm_fatal("%s", error);
	}
	return args;
}

static void report_open_error(struct query_walk *w, const char *vname)
{
	switch (w->open_error) {
	case ADM_QUERY_OPEN_ERROR_SILENT:
		break;
	case ADM_QUERY_OPEN_ERROR_SYNC:
		(void)adm_mail_storage_error(w->mail, w->user,
			"Mailbox %s: Mailbox sync failed", vname);
		w->ret = -1;
		break;
	case ADM_QUERY_OPEN_ERROR_SYNCING:
		(void)adm_mail_storage_error(w->mail, w->user,
			"Syncing mailbox '%s' failed", vname);
		w->ret = -1;
		break;
	case ADM_QUERY_OPEN_ERROR_GUID:
		(void)adm_mail_storage_error(w->mail, w->user,
			"Couldn't get mailbox '%s' GUID", vname);
		w->ret = -1;
		break;
	}
}

/* exact: a name from the query (opened even when the query rules it
   out, so that a missing one is reported, as doveadm does). */
static void walk_mailbox(struct query_walk *w, const char *vname, char sep,
	bool exact)
{
	struct adm_query_box qbox;
	struct mailbox *box;
	uint32_t *seqs;
	unsigned int count;
	const char *guid;

	if (hash_get(w->seen, vname) != NULL)
		return;
	if (!exact &&
	    adm_query_mailbox_possible(w->query, vname, sep, NULL) == 0)
		return;
	if (mailbox_open(w->user, vname, w->open_flags, &box) < 0) {
		report_open_error(w, vname);
		return;
	}
	/* "inbox" in the query is INBOX from here on; each mailbox once */
	vname = mailbox_get_vname(box);
	if (hash_get(w->seen, vname) != NULL) {
		mailbox_close(&box);
		return;
	}
	hash_set(w->seen, arena_strdup(adm_mail_user_arena(w->mail), vname),
		(void *)1);
	SCRATCH_BEGIN {
		if (mailbox_get_guid(box, &guid) < 0) {
			(void)adm_mail_storage_error(w->mail, w->user,
				"Couldn't get mailbox '%s' GUID", vname);
			w->ret = -1;
		} else if (adm_query_mailbox_possible(w->query, vname, sep,
				guid) == 0) {
			/* MAILBOX-GUID ruled it out */
		} else if (adm_query_search(box, w->query, vname, sep, guid,
				scratch_arena(), &seqs, &count) < 0) {
			(void)adm_mail_storage_error(w->mail, w->user,
				"Searching mailbox '%s' failed", vname);
			w->ret = -1;
		} else if (count > 0 ||
			   (w->flags & ADM_QUERY_WALK_EMPTY) != 0) {
			memset(&qbox, 0, sizeof(qbox));
			qbox.user = w->user;
			qbox.box = box;
			qbox.vname = vname;
			qbox.guid = guid;
			qbox.seqs = seqs;
			qbox.count = count;
			if (w->func(w->mail, &qbox, w->context) < 0)
				w->ret = -1;
		}
	} SCRATCH_END;
	mailbox_close(&box);
}

/* Lists pattern's mailboxes and walks each selectable one. */
static void walk_listing(struct query_walk *w, const char *pattern)
{
	const char *const patterns[] = { pattern, NULL };
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	ARRAY(struct mailbox_info) infos;
	struct arena *arena = adm_mail_user_arena(w->mail);

	/* collect first: the walk opens mailboxes, which the listing must
	   not see half-way */
	array_init(&infos, arena, 16);
	iter = mailbox_list_iter_init(w->user, patterns,
		MAILBOX_LIST_NO_PREFIX_ENTRIES);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		struct mailbox_info copy = *info;

		if ((info->flags & (MAILBOX_NOSELECT |
				    MAILBOX_NONEXISTENT)) != 0)
			continue;
		copy.vname = arena_strdup(arena, info->vname);
		array_push(&infos, copy);
	}
	if (mailbox_list_iter_deinit(&iter) < 0) {
		(void)adm_mail_storage_error(w->mail, w->user,
			"Listing mailboxes failed");
		w->ret = -1;
	}
	for (unsigned int i = 0; i < infos.count; i++)
		walk_mailbox(w, infos.v[i].vname, infos.v[i].sep, false);
}

int adm_query_cmd_foreach(struct adm_mail *mail, struct mail_user *user,
	const struct adm_query_arg *query, enum mailbox_open_flags open_flags,
	enum adm_query_open_error open_error, enum adm_query_walk_flags flags,
	adm_query_box_func_t *func, void *context)
{
	const char *const *patterns;
	struct mail_namespace *ns;
	struct query_walk w;

	memset(&w, 0, sizeof(w));
	w.mail = mail;
	w.user = user;
	w.query = query;
	w.open_flags = open_flags;
	w.open_error = open_error;
	w.flags = flags;
	w.func = func;
	w.context = context;
	w.seen = hash_create(false);
	patterns = adm_query_mailbox_patterns(query,
		adm_mail_user_arena(mail));
	if (patterns == NULL)
		walk_listing(&w, "*");
	for (; patterns != NULL && *patterns != NULL; patterns++) {
		if (strpbrk(*patterns, "*%") != NULL) {
			walk_listing(&w, *patterns);
			continue;
		}
		/* a plain name is opened as it is, as doveadm does */
		ns = mail_namespace_find(user, *patterns);
		walk_mailbox(&w, *patterns, ns != NULL ? ns->sep : '/', true);
	}
	hash_destroy(&w.seen);
	return w.ret;
}
