/*
 * restrict-access.c - giving up root for good (see restrict-access.h).
 */
#include "lib.h"
#include "restrict-access.h"

#include "config.h"
#include "str.h"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

void restrict_access_settings_init(struct restrict_access_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->uid = (uid_t)-1;
	set->gid = (gid_t)-1;
}

static const char *who(const struct restrict_access_settings *set)
{
	if (set->user_name == NULL || set->user_name[0] == '\0')
		return "";
	return t_printf(" (user %s)", set->user_name);
}

static int set_groups(const struct restrict_access_settings *set,
	const char **error_r)
{
	gid_t *groups;
	size_t n = 0;

	groups = t_new(gid_t, size_add(set->extra_groups_count, 1));
	if (set->gid != (gid_t)-1)
		groups[n++] = set->gid;
	for (unsigned int i = 0; i < set->extra_groups_count; i++) {
		if (!set->allow_root && set->extra_groups[i] == 0) {
			*error_r = t_printf("Refusing to add root group 0 "
				"to extra groups%s", who(set));
			return -1;
		}
		groups[n++] = set->extra_groups[i];
	}
	/* n == 0: root gives up its supplementary groups altogether. */
	if (setgroups(n, n == 0 ? NULL : groups) < 0) {
		*error_r = t_printf("setgroups() failed: %s%s",
			strerror(errno), who(set));
		return -1;
	}
	return 0;
}

int restrict_access(const struct restrict_access_settings *set,
	const char **error_r)
{
	bool was_root = geteuid() == 0;
	uid_t target_uid = set->uid == (uid_t)-1 ? geteuid() : set->uid;
	gid_t target_gid = set->gid == (gid_t)-1 ? getegid() : set->gid;

	if (!set->allow_root && target_uid == 0) {
		*error_r = t_printf("Refusing to run as root (uid 0)%s",
			who(set));
		return -1;
	}
	if (!set->allow_root && set->gid == 0) {
		*error_r = t_printf("Refusing to run with root group "
			"(gid 0)%s", who(set));
		return -1;
	}
	if (set->chroot_dir != NULL && set->chroot_dir[0] != '\0') {
#ifdef __SANITIZE_ADDRESS__
		/* Sanitizer builds only: LeakSanitizer needs /proc, which
		   the chroot hides.  Check now (everything allocated so far
		   is still reachable) and so skip the exit-time check,
		   which would otherwise fail and make the process exit 1. */
		__lsan_do_leak_check();
#endif
		if (chroot(set->chroot_dir) < 0) {
			*error_r = t_printf("chroot(%s) failed: %s",
				set->chroot_dir, strerror(errno));
			return -1;
		}
		if (chdir("/") < 0) {
			*error_r = t_printf("chdir(/) failed: %s",
				strerror(errno));
			return -1;
		}
	}
	if (was_root) {
		/* Replace root's supplementary groups whenever a group is
		   given or root is given up. */
		if ((set->gid != (gid_t)-1 || set->extra_groups_count > 0 ||
		     target_uid != 0) && set_groups(set, error_r) < 0)
			return -1;
	} else if (set->extra_groups_count > 0) {
		*error_r = t_printf("Can't set extra groups without root%s",
			who(set));
		return -1;
	}
	if (set->gid != (gid_t)-1 &&
	    (was_root || set->gid != getegid() || set->gid != getgid())) {
		if (setresgid(set->gid, set->gid, set->gid) < 0) {
			*error_r = t_printf("setresgid(%lu) failed: %s%s",
				(unsigned long)set->gid, strerror(errno),
				who(set));
			return -1;
		}
	}
	if (set->uid != (uid_t)-1 &&
	    (was_root || set->uid != geteuid() || set->uid != getuid())) {
		if (setresuid(set->uid, set->uid, set->uid) < 0) {
			*error_r = t_printf("setresuid(%lu) failed: %s%s",
				(unsigned long)set->uid, strerror(errno),
				who(set));
			return -1;
		}
	}
	if (was_root && target_uid != 0) {
		/* Paranoia: it must not be possible to get root back. */
		if (setuid(0) == 0 || seteuid(0) == 0) {
			*error_r = "We couldn't drop root privileges";
			return -1;
		}
		if (!set->allow_root && target_gid != 0 &&
		    (setgid(0) == 0 || setegid(0) == 0)) {
			*error_r = "We couldn't drop root group privileges";
			return -1;
		}
	}
#ifdef __SANITIZE_ADDRESS__
	/* Sanitizer builds only: changing uid made the process
	   non-dumpable, and LeakSanitizer cannot inspect a non-dumpable
	   process at exit.  Production builds stay non-dumpable. */
	if (was_root)
		(void)prctl(PR_SET_DUMPABLE, 1);
#endif
	return 0;
}

int restrict_access_lookup_user(const char *name, uid_t *uid_r,
	gid_t *gid_r, const char **error_r)
{
	struct passwd pw, *result = NULL;
	char buf[16384];
	int ret;

	do {
		ret = getpwnam_r(name, &pw, buf, sizeof(buf), &result);
	} while (ret == EINTR);
	if (ret != 0 && ret != ENOENT && ret != ESRCH) {
		*error_r = t_printf("getpwnam(%s) failed: %s", name,
			strerror(ret));
		return -1;
	}
	if (result == NULL) {
		*error_r = t_printf("User doesn't exist: %s", name);
		return -1;
	}
	*uid_r = pw.pw_uid;
	*gid_r = pw.pw_gid;
	return 0;
}

int restrict_access_lookup_group(const char *name, gid_t *gid_r,
	const char **error_r)
{
	struct group gr, *result = NULL;
	char buf[16384];
	int ret;

	do {
		ret = getgrnam_r(name, &gr, buf, sizeof(buf), &result);
	} while (ret == EINTR);
	if (ret != 0 && ret != ENOENT && ret != ESRCH) {
		*error_r = t_printf("getgrnam(%s) failed: %s", name,
			strerror(ret));
		return -1;
	}
	if (result == NULL) {
		*error_r = t_printf("Group doesn't exist: %s", name);
		return -1;
	}
	*gid_r = gr.gr_gid;
	return 0;
}

int restrict_access_simple(uid_t uid, gid_t gid, const char *extra_groups,
	const char *chroot_dir, bool allow_root, const char **error_r)
{
	struct restrict_access_settings set;
	char **names;
	gid_t *gids;
	unsigned int n;

	restrict_access_settings_init(&set);
	set.uid = uid;
	set.gid = gid;
	set.chroot_dir = chroot_dir;
	set.allow_root = allow_root;
	if (extra_groups != NULL) {
		names = str_split(scratch_arena(), extra_groups, ", ", true);
		n = str_array_length(names);
		gids = t_new(gid_t, n == 0 ? 1 : n);
		for (unsigned int i = 0; i < n; i++) {
			if (restrict_access_lookup_group(names[i], &gids[i],
				    error_r) < 0)
				return -1;
		}
		set.extra_groups = gids;
		set.extra_groups_count = n;
	}
	return restrict_access(&set, error_r);
}

void restrict_access_valid_ids_from_config(const struct config *config,
	struct restrict_access_valid_ids *ids_r)
{
	ids_r->first_valid_uid =
		(uid_t)config_get_uint(config, NULL, "first_valid_uid");
	ids_r->last_valid_uid =
		(uid_t)config_get_uint(config, NULL, "last_valid_uid");
	ids_r->first_valid_gid =
		(gid_t)config_get_uint(config, NULL, "first_valid_gid");
	ids_r->last_valid_gid =
		(gid_t)config_get_uint(config, NULL, "last_valid_gid");
}

int restrict_access_check_ids(const struct restrict_access_valid_ids *ids,
	uid_t uid, gid_t gid, const char *source, const char **error_r)
{
	if (uid < ids->first_valid_uid ||
	    (ids->last_valid_uid != 0 && uid > ids->last_valid_uid)) {
		*error_r = t_printf("Mail access for users with UID %lu not "
			"permitted (see %s in config file, uid from %s).",
			(unsigned long)uid,
			uid < ids->first_valid_uid ? "first_valid_uid" :
						     "last_valid_uid",
			source);
		return -1;
	}
	if (gid == (gid_t)-1)
		return 0;
	if (gid < ids->first_valid_gid ||
	    (ids->last_valid_gid != 0 && gid > ids->last_valid_gid)) {
		*error_r = t_printf("Mail access for users with GID %lu not "
			"permitted (see %s in config file, gid from %s).",
			(unsigned long)gid,
			gid < ids->first_valid_gid ? "first_valid_gid" :
						     "last_valid_gid",
			source);
		return -1;
	}
	return 0;
}
