/*
 * imap-status.h - STATUS items (RFC 3501 §6.3.10, RFC 7162 HIGHESTMODSEQ,
 * RFC 8438 SIZE) for the STATUS command and LIST-STATUS (RFC 5819).
 */
#ifndef ROOST_IMAP_STATUS_H
#define ROOST_IMAP_STATUS_H

struct imap_arg;
struct imap_client;

struct imap_status_items {
	/* enum mailbox_status_items */
	unsigned int items;
};

/*
 * Parses the elements of a status item list ("(MESSAGES UNSEEN)"'s
 * args).  Returns 0, or -1 with Dovecot's client text for a BAD reply in
 * *error_r ("Empty status list.", "Status list contains non-atoms.",
 * "Invalid status item FOO").
 */
int imap_status_parse_items(const struct imap_arg *args,
	struct imap_status_items *items_r, const char **error_r);

/*
 * Sends "* STATUS <name> (...)" for vname, items in Dovecot's order
 * (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE).  For
 * the selected mailbox the values are its view's (not synced first).
 * Returns 0, or -1 with the error on client->mail_user (nothing sent).
 */
int imap_status_send_mailbox(struct imap_client *client, const char *vname,
	const struct imap_status_items *items);
/* The same, with the mailbox name in the reply as the client sent it
   (STATUS echoes its argument, as Dovecot does; NULL = from vname). */
int imap_status_send_mailbox_as(struct imap_client *client,
	const char *vname, const char *name_as_sent,
	const struct imap_status_items *items);

#endif
