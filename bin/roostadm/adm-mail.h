/*
 * adm-mail.h - the framework of roostadm's mail commands (doveadm's
 * doveadm-mail.c): the options every mail command shares, the loop over
 * the users they select, and the way failures are reported.
 *
 * Common options (doveadm 2.3's; put ADM_MAIL_OPTIONS in the row's option
 * letters and ADM_MAIL_USAGE at the start of its usage):
 *
 *   -u USER   one user; with '*' or '?' a mask matched case-insensitively
 *             against the userdb's user list (LIST over auth-userdb)
 *   -A        every user of the userdb
 *   -F FILE   the users named in FILE, one per line, taken verbatim
 *   -S PATH   a doveadm server: not supported (error, exit 64)
 *   (none)    the user in $USER; without it "Fatal: USER environment is
 *             missing and -u option not used", exit 64
 *
 * For each user: a userdb lookup over auth-userdb (service "doveadm"), the
 * uid/gid from the reply or mail_uid/mail_gid (when roostadm runs as
 * root, the effective ids switch to the user's for the duration of the
 * user, so files stay owned by the user), the storage user
 * (mail_user_create() through the config filter protocol "doveadm"),
 * then the command's callback.  Log lines carry "roostadm(USER): " while
 * a user is served, as doveadm's do.
 *
 * Exit codes and messages as doveadm 2.3 (a later failure overrides an
 * earlier one; the loop goes on with the next user):
 *
 *   -u user unknown          "roostadm(u): Error: User doesn't exist", 67
 *   -A/-F/mask user vanished "roostadm(u): Info: User no longer exists,
 *                            skipping", exit code unchanged
 *   userdb lookup failed     "roostadm(u): Error: User lookup failed: ..",
 *                            75
 *   bad uid/gid              "... Error: Couldn't drop privileges: ..", 75
 *   bad mail settings        "... Error: <mail_user_create()'s error>", 75
 *   -F file unreadable,      "roostadm: Error: Failed to iterate through
 *   LIST failed              some users", 75
 *   storage failures         adm_mail_storage_error(): the mail_error's
 *                            code (adm_mail_error_exit_code())
 *
 * Writing a command (cmd-foo.c, one row in adm-cmd-table.c):
 *
 *   static int foo_user(struct adm_mail *mail, struct mail_user *user,
 *           void *context)
 *   {
 *           ... storage calls; on failure:
 *           adm_mail_storage_error(mail, user, "Can't foo %s", name);
 *           return -1;
 *   }
 *
 *   void cmd_foo(struct adm_cmd_context *cctx)
 *   {
 *           struct adm_mail *mail = adm_mail_init(cctx);
 *           struct adm_print *print;
 *
 *           if (mail == NULL)
 *                   return;           (usage error already reported)
 *           ... check the command's own options and arguments; a bad one:
 *           adm_mail_usage(mail); adm_mail_deinit(&mail); return;
 *           print = adm_mail_print_init(mail, "flow");   (if it prints)
 *           adm_print_header(print, "mailbox", "mailbox", ...);
 *           adm_mail_run(mail, foo_user, &ctx);
 *           adm_mail_deinit(&mail);
 *   }
 */
#ifndef ROOSTADM_ADM_MAIL_H
#define ROOSTADM_ADM_MAIL_H

#include "storage.h"
#include "adm-commands.h"

struct adm_cmd_context;
struct adm_print;
struct arena;
struct adm_mail;

/* ADM_MAIL_OPTIONS and ADM_MAIL_USAGE, the common option letters and
   usage to start a row's with, are in adm-commands.h (the table does not
   see storage). */

/* sysexits.h EX_CANTCREAT: doveadm's code for over-quota failures. */
#define ADM_EX_CANTCREAT 73

/*
 * Called once per user with the user's storage; the user's arena
 * (adm_mail_user_arena()) and the storage user are freed after it
 * returns.  Returns 0, or -1 after reporting the failure (which set the
 * exit code: adm_mail_storage_error(), adm_mail_set_exit()).  A -1 does
 * not stop the loop: the next user is served, as in doveadm.
 */
typedef int adm_mail_user_func_t(struct adm_mail *mail,
	struct mail_user *user, void *context);

/*
 * Reads the common options of cctx->args.  Returns the framework
 * context, or NULL after a usage error was reported (exit code set): -S,
 * -A together with -u, no user at all.  The configuration is loaded
 * here (fatal, exit 75, when it can't be read).
 */
struct adm_mail *adm_mail_init(struct adm_cmd_context *cctx);
/* Frees the context, flushing and freeing the printer.  *mail = NULL. */
void adm_mail_deinit(struct adm_mail **mail);

/*
 * Creates the command's printer with default_formatter unless -f gave
 * one.  When several users are served (-A, -F, a -u mask) the first
 * column is a sticky "Username" column (no title in flow/pager), filled
 * in for each user by adm_mail_run().  Declare the command's columns
 * after this.  The printer belongs to mail.
 */
struct adm_print *adm_mail_print_init(struct adm_mail *mail,
	const char *default_formatter);
/* The printer (NULL before adm_mail_print_init()). */
struct adm_print *adm_mail_get_print(struct adm_mail *mail);

/*
 * Serves every selected user in turn with callback (see
 * adm_mail_user_func_t).  Blocks on auth and on disk.  Returns when all
 * users were served; the outcome is in the exit code.
 */
void adm_mail_run(struct adm_mail *mail, adm_mail_user_func_t *callback,
	void *context);

/* The command context (options, arguments, the roostadm context). */
struct adm_cmd_context *adm_mail_get_cmd(struct adm_mail *mail);
/* Whether several users may be served (-A, -F or a -u mask). */
bool adm_mail_is_multi_user(const struct adm_mail *mail);
/* The user being served (the userdb's name for it), NULL outside
   adm_mail_run(). */
const char *adm_mail_get_username(const struct adm_mail *mail);
/* Memory for the current user, cleared after its callback returns. */
struct arena *adm_mail_user_arena(struct adm_mail *mail);

/* Prints the command's usage line ("roostadm NAME USAGE") to stderr and
   sets exit code 64, as doveadm does for bad arguments. */
void adm_mail_usage(struct adm_mail *mail);
/* Sets the exit code (the last failure wins). */
void adm_mail_set_exit(struct adm_mail *mail, int code);

/*
 * The mailboxes of user matching masks (NULL-terminated patterns with '*'
 * and '%'), as doveadm's mail commands pick them.  selectable_only (index,
 * force-resync): the existing selectable mailboxes in listing order, so
 * a mask matching nothing is no error.  Otherwise (mailbox status) a
 * single mask without wildcards is taken as the name itself, whether or
 * not it exists, so that the command reports the error, and listed
 * \Noselect levels are kept (doveadm fails on them too).
 * *names_r is NULL-terminated, from the user's arena.  Returns 0, or -1
 * after reporting a listing failure (*names_r then holds what was
 * listed).
 */
int adm_mail_mailbox_names(struct adm_mail *mail, struct mail_user *user,
	const char *const *masks, bool selectable_only,
	const char *const **names_r);

/* doveadm's exit code for a storage error: TEMP/INUSE 75, NOTPOSSIBLE/
   EXISTS/LIMIT 65, PARAMS 64, PERM 77, NOQUOTA 73, NOTFOUND 68, EXPUNGED
   and NONE 0 (not a failure). */
int adm_mail_error_exit_code(enum mail_error error);

/*
 * Reports the user's last storage error as doveadm does: logs
 * "Error: <fmt>: <error text>" (the log prefix names the user) and sets
 * the exit code from its enum mail_error.  Returns that enum.
 */
enum mail_error adm_mail_storage_error(struct adm_mail *mail,
	struct mail_user *user, const char *fmt, ...) ATTR_FORMAT(3, 4);

#endif
