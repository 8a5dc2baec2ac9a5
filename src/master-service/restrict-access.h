/*
 * restrict-access.h - dropping privileges for good: supplementary groups,
 * gid, uid and chroot, and the first/last_valid_uid/gid checks of
 * dovecot.conf.
 */
#ifndef ROOST_RESTRICT_ACCESS_H
#define ROOST_RESTRICT_ACCESS_H

#include <sys/types.h>

struct config;

/* What restrict_access() switches to.  (uid_t)-1 / (gid_t)-1 = keep. */
struct restrict_access_settings {
	uid_t uid;
	gid_t gid;
	/* Extra supplementary groups (besides gid); NULL/0 = none. */
	const gid_t *extra_groups;
	unsigned int extra_groups_count;
	/* Directory to chroot to, or NULL/"" for none. */
	const char *chroot_dir;
	/* Permit switching to uid 0 / gid 0 (the master's own services). */
	bool allow_root;
	/* For error messages ("user dovenull"); may be NULL. */
	const char *user_name;
};

/* Fills in "keep everything" values. */
void restrict_access_settings_init(struct restrict_access_settings *set);

/*
 * Drops privileges: chroot (then chdir "/"), setgroups to gid plus
 * extra_groups (only when gid changes or groups are given), setresgid,
 * setresuid.  Refuses uid 0 / gid 0 unless allow_root, and afterwards
 * verifies that the process cannot regain root (setuid(0) must fail) when
 * it gave up a root uid.  Must run as root to change anything; a process
 * that is not root and asked for its own uid/gid succeeds without change.
 * Returns 0, or -1 with *error_r (scratch memory) and the process in an
 * unspecified state: the caller must exit.
 */
int restrict_access(const struct restrict_access_settings *set,
	const char **error_r);

/*
 * Convenience with the brief's argument list: extra_groups is a
 * comma/space separated list of group names (or NULL).
 */
int restrict_access_simple(uid_t uid, gid_t gid, const char *extra_groups,
	const char *chroot_dir, bool allow_root, const char **error_r);

/* Looks up a user name: 0 with uid and primary gid, -1 with *error_r
   "User doesn't exist: name" (Dovecot's text) or the lookup error. */
int restrict_access_lookup_user(const char *name, uid_t *uid_r,
	gid_t *gid_r, const char **error_r);
/* Looks up a group name: 0 or -1 with *error_r "Group doesn't exist:
   name". */
int restrict_access_lookup_group(const char *name, gid_t *gid_r,
	const char **error_r);

/*
 * first_valid_uid/last_valid_uid/first_valid_gid/last_valid_gid from the
 * configuration (last_* 0 = no upper limit).
 */
struct restrict_access_valid_ids {
	uid_t first_valid_uid, last_valid_uid;
	gid_t first_valid_gid, last_valid_gid;
};
void restrict_access_valid_ids_from_config(const struct config *config,
	struct restrict_access_valid_ids *ids_r);
/*
 * Checks uid (and gid unless (gid_t)-1) against the valid ranges with
 * Dovecot's error texts, e.g. "Mail access for users with UID 8 not
 * permitted (see first_valid_uid in config file, uid from userdb
 * lookup)."; source names where the id came from ("userdb lookup").
 * Returns 0 or -1 with *error_r.
 */
int restrict_access_check_ids(const struct restrict_access_valid_ids *ids,
	uid_t uid, gid_t gid, const char *source, const char **error_r);

#endif
