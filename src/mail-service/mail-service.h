/*
 * mail-service.h - what every program that opens a user's mail does after
 * the userdb lookup (Dovecot's mail-storage-service): decide the uid/gid
 * the mail is accessed as (the userdb's uid/gid fields over mail_uid/
 * mail_gid, checked against first/last_valid_uid/gid), switch to them, and
 * create the storage user from the userdb fields (home=, mail=).
 *
 * Shared by the imap process (one permanent switch per process) and
 * roostadm's mail commands (a temporary switch per user, so that one root
 * run can serve users with different uids, as doveadm -A does).
 */
#ifndef ROOST_MAIL_SERVICE_H
#define ROOST_MAIL_SERVICE_H

#include <sys/types.h>

struct config;
struct config_filter;
struct mail_user;

/* The value of the userdb field key ("home") in fields (NULL-terminated
   "key=value" strings, may be NULL): the first match, or NULL. */
const char *mail_service_userdb_field(const char *const *fields,
	const char *key);

struct mail_service_ids {
	uid_t uid;
	gid_t gid;
	/* The uid came from the userdb, not from mail_uid. */
	bool uid_from_userdb;
	/* mail_access_groups ("" for none), extra groups to keep. */
	const char *access_groups;
};

/*
 * The ids user's mail is accessed as: the userdb's uid= and gid= fields,
 * else the mail_uid and mail_gid settings (through filter); numbers or
 * names.  Checked against first/last_valid_uid/gid with Dovecot's texts.
 * Returns 0, or -1 with *error_r ("User alice is missing UID (see
 * mail_uid setting)", "Mail access for users with UID 8 not permitted
 * (see first_valid_uid in config file, uid from userdb lookup).", "User
 * doesn't exist: foo"), scratch memory.
 */
int mail_service_user_ids(const struct config *config,
	const struct config_filter *filter, const char *user,
	const char *const *fields, struct mail_service_ids *ids_r,
	const char **error_r);

/*
 * Switches the process to ids for good (restrict_access(): groups, gid,
 * uid) when running as root; a process not running as root must already
 * have them ("Can't switch to uid 1000 gid 1000 for user alice: the
 * PROCESS process is not running as root").  0, or -1 with *error_r.
 */
int mail_service_switch_ids(const struct mail_service_ids *ids,
	const char *user, const char *process, const char **error_r);

/*
 * Switches only the effective ids (and the supplementary groups) to ids,
 * so that mail_service_restore_ids() can switch back: files created
 * meanwhile belong to the user.  As root this always works for a valid
 * uid; not running as root, the process's own ids are accepted and others
 * fail as in mail_service_switch_ids() (process names the program).  0,
 * or -1 with *error_r and nothing changed.
 */
int mail_service_temp_switch_ids(const struct mail_service_ids *ids,
	const char *user, const char *process, const char **error_r);
/* Returns to the ids the process had before mail_service_temp_switch_ids()
   (a no-op when nothing was switched).  0, or -1 with *error_r: the caller
   must then stop, since it runs with the wrong ids. */
int mail_service_restore_ids(const char **error_r);

/*
 * Creates the storage user (mail_user_create()) for username from the
 * userdb's home= and mail= fields, with service ("imap", "doveadm") as
 * the protocol for config filters and %s, filter the rest of the filter
 * (may be NULL) and session_id for log lines (may be NULL).  config must
 * outlive the user.  Nothing on disk is touched.  0 with *user_r, or -1
 * with a message for the log in *error_r.
 */
int mail_service_user_create(const struct config *config,
	const char *username, const char *const *fields, const char *service,
	const struct config_filter *filter, const char *session_id,
	struct mail_user **user_r, const char **error_r);

#endif
