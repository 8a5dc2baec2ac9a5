/*
 * imap-status.c - parsing STATUS item lists and writing STATUS
 * responses.
 */
#include "lib.h"
#include "buf.h"
#include "imap-arg.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-sync.h"
#include "imap-quote.h"
#include "imap-status.h"

#include <ctype.h>
#include <strings.h>

static const struct {
	const char *name;
	enum mailbox_status_items item;
} status_items[] = {
	{ "MESSAGES", STATUS_MESSAGES },
	{ "RECENT", STATUS_RECENT },
	{ "UIDNEXT", STATUS_UIDNEXT },
	{ "UIDVALIDITY", STATUS_UIDVALIDITY },
	{ "UNSEEN", STATUS_UNSEEN },
	{ "HIGHESTMODSEQ", STATUS_HIGHESTMODSEQ },
	{ "SIZE", STATUS_SIZE },
};

int imap_status_parse_items(const struct imap_arg *args,
	struct imap_status_items *items_r, const char **error_r)
{
	const char *atom;
	unsigned int i;
	char *up;

	items_r->items = 0;
	if (IMAP_ARG_IS_EOL(args)) {
		*error_r = "Empty status list.";
		return -1;
	}
	for (; !IMAP_ARG_IS_EOL(args); args++) {
		if (!imap_arg_get_atom(args, &atom)) {
			*error_r = "Status list contains non-atoms.";
			return -1;
		}
		for (i = 0; i < N_ELEMENTS(status_items); i++) {
			if (strcasecmp(atom, status_items[i].name) == 0)
				break;
		}
		if (i == N_ELEMENTS(status_items)) {
			/* Dovecot shows the item uppercased. */
			up = t_strdup(atom);
			for (char *p = up; *p != '\0'; p++)
				*p = (char)toupper((unsigned char)*p);
			*error_r = t_printf("Invalid status item %s", up);
			return -1;
		}
		items_r->items |= status_items[i].item;
	}
	return 0;
}

int imap_status_send_mailbox(struct imap_client *client, const char *vname,
	const struct imap_status_items *items)
{
	return imap_status_send_mailbox_as(client, vname, NULL, items);
}

int imap_status_send_mailbox_as(struct imap_client *client,
	const char *vname, const char *name_as_sent,
	const struct imap_status_items *items)
{
	struct mailbox_status status;
	const char *sep = "";
	struct buf str;
	int r = 0;

	if (client->mailbox != NULL &&
	    imap_mailbox_name_equals(mailbox_get_vname(client->mailbox),
		    vname)) {
		/* The selected mailbox: what its view says (RECENT counts
		   this session's \Recent), as Dovecot; the sync after STATUS
		   reports the rest. */
		if (mailbox_get_status(client->mailbox, items->items,
			    &status) < 0)
			return -1;
	} else if (mailbox_get_status_by_name(client->mail_user, vname,
			   items->items, &status) < 0)
		return -1;
	buf_init(&str, scratch_arena(), 128, 0);
	r |= buf_append_str(&str, "* STATUS ");
	if (name_as_sent != NULL)
		r |= imap_append_astring(&str, name_as_sent);
	else
		r |= imap_mailbox_name_append(client, &str, vname);
	r |= buf_append_str(&str, " (");
	if ((items->items & STATUS_MESSAGES) != 0) {
		r |= buf_printf(&str, "%sMESSAGES %u", sep, status.messages);
		sep = " ";
	}
	if ((items->items & STATUS_RECENT) != 0) {
		r |= buf_printf(&str, "%sRECENT %u", sep, status.recent);
		sep = " ";
	}
	if ((items->items & STATUS_UIDNEXT) != 0) {
		r |= buf_printf(&str, "%sUIDNEXT %u", sep, status.uidnext);
		sep = " ";
	}
	if ((items->items & STATUS_UIDVALIDITY) != 0) {
		r |= buf_printf(&str, "%sUIDVALIDITY %u", sep,
			status.uidvalidity);
		sep = " ";
	}
	if ((items->items & STATUS_UNSEEN) != 0) {
		r |= buf_printf(&str, "%sUNSEEN %u", sep, status.unseen);
		sep = " ";
	}
	if ((items->items & STATUS_HIGHESTMODSEQ) != 0) {
		r |= buf_printf(&str, "%sHIGHESTMODSEQ %llu", sep,
			(unsigned long long)status.highest_modseq);
		sep = " ";
	}
	if ((items->items & STATUS_SIZE) != 0) {
		r |= buf_printf(&str, "%sSIZE %llu", sep,
			(unsigned long long)status.size);
	}
	r |= buf_append_c(&str, ')');
	i_assert(r == 0);
	imap_client_send_line(client, buf_cstr(&str));
	return 0;
}
