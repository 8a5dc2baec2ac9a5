/*
 * adm-commands.h - the handlers of roostadm's commands, one per row of
 * the command table (adm-cmd-table.c).  Each is an adm_cmd_func_t: it
 * gets its parsed options and arguments and reports failure through
 * adm_set_exit() (see adm-cmd.h).  docs/roostadm.md describes their
 * output.
 */
#ifndef ROOSTADM_ADM_COMMANDS_H
#define ROOSTADM_ADM_COMMANDS_H

#include "adm-cmd.h"

/* help [<cmd>]: the usage text, or one command's usage. */
void cmd_help(struct adm_cmd_context *cctx);
/* auth test: SASL PLAIN over the auth client socket. */
void cmd_auth_test(struct adm_cmd_context *cctx);
/* auth lookup: passdb lookup (PASS) over the auth-userdb socket. */
void cmd_auth_lookup(struct adm_cmd_context *cctx);
/* user: userdb lookup (USER) or iteration (LIST) over auth-userdb. */
void cmd_user(struct adm_cmd_context *cctx);
/* pw: password hashes. */
void cmd_pw(struct adm_cmd_context *cctx);
/* reload, stop, log errors: requests to the master's admin socket. */
void cmd_reload(struct adm_cmd_context *cctx);
void cmd_stop(struct adm_cmd_context *cctx);
void cmd_log_errors(struct adm_cmd_context *cctx);

/*
 * Mail commands (adm-mail.h: -u/-A/-F, one call per user).  Their rows
 * start their options with ADM_MAIL_OPTIONS and their usage with
 * ADM_MAIL_USAGE, doveadm's common mail-command options.
 */
#define ADM_MAIL_OPTIONS "AF:S:u:"
#define ADM_MAIL_USAGE "[-u <user>|-A] [-S <socket_path>] "
/* mailbox list|create|delete|rename|subscribe|unsubscribe|status
   (cmd-mailbox*.c). */
void cmd_mailbox_list(struct adm_cmd_context *cctx);
void cmd_mailbox_create(struct adm_cmd_context *cctx);
void cmd_mailbox_delete(struct adm_cmd_context *cctx);
void cmd_mailbox_rename(struct adm_cmd_context *cctx);
void cmd_mailbox_subscribe(struct adm_cmd_context *cctx);
void cmd_mailbox_unsubscribe(struct adm_cmd_context *cctx);
void cmd_mailbox_status(struct adm_cmd_context *cctx);
/* force-resync: rebuild the index rows from the Maildir. */
void cmd_force_resync(struct adm_cmd_context *cctx);
/* index: scan, parse cache and full text of the matching mailboxes. */
void cmd_index(struct adm_cmd_context *cctx);
/* save: a message from stdin into a mailbox. */
void cmd_save(struct adm_cmd_context *cctx);
/* search, fetch, expunge, flags add|remove|replace, copy, move: doveadm's
   search query language (adm-query.h, cmd-search.c ... cmd-copy.c). */
void cmd_search(struct adm_cmd_context *cctx);
void cmd_fetch(struct adm_cmd_context *cctx);
void cmd_expunge(struct adm_cmd_context *cctx);
void cmd_flags_add(struct adm_cmd_context *cctx);
void cmd_flags_remove(struct adm_cmd_context *cctx);
void cmd_flags_replace(struct adm_cmd_context *cctx);
void cmd_copy(struct adm_cmd_context *cctx);
void cmd_move(struct adm_cmd_context *cctx);

#endif
