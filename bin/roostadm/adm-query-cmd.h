/*
 * adm-query-cmd.h - what roostadm's query-driven mail commands (search,
 * fetch, expunge, flags, copy, move) share: parsing the query words the
 * way doveadm reports errors, and walking a user's mailboxes that the
 * query can match, in listing order, with the matching messages of each.
 */
#ifndef ROOSTADM_ADM_QUERY_CMD_H
#define ROOSTADM_ADM_QUERY_CMD_H

#include "storage.h"

struct adm_mail;
struct adm_query_arg;

/* One mailbox with matches, as adm_query_cmd_foreach() hands it over. */
struct adm_query_box {
	struct mail_user *user;
	struct mailbox *box;
	const char *vname;
	/* the mailbox GUID, "" if the store has none */
	const char *guid;
	/* matching sequence numbers, ascending; count > 0 unless
	   ADM_QUERY_WALK_EMPTY */
	const uint32_t *seqs;
	unsigned int count;
};

/*
 * Called for each mailbox with matches; the view is closed after it
 * returns.  Returns 0, or -1 after reporting a failure (the walk goes on
 * with the next mailbox, as doveadm's does).
 */
typedef int adm_query_box_func_t(struct adm_mail *mail,
	struct adm_query_box *qbox, void *context);

/*
 * Parses the query words (the command's positional arguments from the
 * first query word on).  A bad query is fatal, as in doveadm: "Fatal:
 * <error>" on stderr and exit code 75 (this does not return).  Memory
 * from the command's arena.
 */
struct adm_query_arg *adm_query_cmd_parse(struct adm_mail *mail,
	const char *const *words, unsigned int count);

/* How a mailbox that can't be opened is reported (doveadm words it
   differently per command). */
enum adm_query_open_error {
	/* fetch: not at all */
	ADM_QUERY_OPEN_ERROR_SILENT,
	/* flags, copy, move: "Mailbox NAME: Mailbox sync failed: ..." */
	ADM_QUERY_OPEN_ERROR_SYNC,
	/* expunge: "Syncing mailbox 'NAME' failed: ..." */
	ADM_QUERY_OPEN_ERROR_SYNCING,
	/* search: "Couldn't get mailbox 'NAME' GUID: ..." */
	ADM_QUERY_OPEN_ERROR_GUID,
};

enum adm_query_walk_flags {
	/* call func for searched mailboxes without matches too (expunge
	   -d deletes a mailbox that is empty anyway) */
	ADM_QUERY_WALK_EMPTY = 0x01,
};

/*
 * For one user: lists the mailboxes the query can name (all when it has
 * no top-level MAILBOX key), skips those that can't be selected and those
 * the query's MAILBOX / MAILBOX-GUID keys rule out, opens each with
 * open_flags, searches it and calls func when something matched.  A
 * mailbox that can't be opened is reported as open_error says.
 * Storage errors are reported (adm_mail_storage_error()) and the walk
 * goes on.  Returns 0, or -1 if anything failed.  Blocks on disk.
 */
int adm_query_cmd_foreach(struct adm_mail *mail, struct mail_user *user,
	const struct adm_query_arg *query, enum mailbox_open_flags open_flags,
	enum adm_query_open_error open_error, enum adm_query_walk_flags flags,
	adm_query_box_func_t *func, void *context);

/*
 * doveadm's safety checks of expunge and move (name is the command in the
 * message): the query names a mailbox in every branch, and has another
 * key in every branch.  Returns false after logging "Fatal: NAME: To
 * avoid accidents, ..." and setting exit code 64 (cmd-expunge.c).
 */
bool adm_query_cmd_check_expunge(struct adm_mail *mail, const char *name,
	const struct adm_query_arg *query);

#endif
