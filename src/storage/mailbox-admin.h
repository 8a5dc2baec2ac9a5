/*
 * mailbox-admin.h - what roostadm needs of a mailbox beyond the protocol
 * API of storage.h: the mailbox GUID and first save date (doveadm mailbox
 * status guid/firstsaved), rebuilding a mailbox's index rows from the
 * store (force-resync) and filling the cache and full-text index ahead of
 * clients (index).
 */
#ifndef ROOST_MAILBOX_ADMIN_H
#define ROOST_MAILBOX_ADMIN_H

#include <time.h>

struct mailbox;

/*
 * The mailbox GUID (32 lowercase hex digits: Maildir keeps it in the G
 * field of dovecot-uidlist) of an opened view, "" when the store has none
 * yet.  Scratch memory.  0, or -1 (error on the user).
 */
int mailbox_get_guid(struct mailbox *box, const char **guid_r);
/* When the first message still in the mailbox was saved (the earliest
   save date), 0 when it has no messages.  0, or -1. */
int mailbox_get_first_save_date(struct mailbox *box, time_t *date_r);

/*
 * Drops every index row of the opened view's mailbox (messages, cached
 * data, full text, expunge history) and scans the store again, so that
 * the index holds exactly what the Maildir has: UIDs, flags and keywords
 * come from the store; modseqs start over above the old ones; the save
 * dates of the messages that stay are kept.  Other
 * sessions' views see the messages again at their next sync.  0, or -1
 * (error on the user).
 */
int mailbox_index_rebuild(struct mailbox *box);
/*
 * Brings the index up to date: a full scan of the store, then the parse
 * cache (envelope, bodystructure, headers) and the full-text rows of
 * every message that lacks them.  0, or -1.
 */
int mailbox_index_catch_up(struct mailbox *box);

#endif
