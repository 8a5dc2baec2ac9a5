/*
 * mail-service.c - the user's ids, switching to them, and the storage user
 * from a userdb reply (see mail-service.h).
 */
#include "lib.h"
#include "arena.h"
#include "config.h"
#include "str.h"
#include "restrict-access.h"
#include "storage.h"
#include "mail-service.h"

#include <grp.h>

/* Supplementary groups kept while temporarily switched: the user's gid
   plus mail_access_groups. */
#define MAIL_SERVICE_MAX_GROUPS 64

/* What mail_service_temp_switch_ids() changed, to undo it. */
static struct {
	bool active;
	uid_t euid;
	gid_t egid;
	gid_t groups[MAIL_SERVICE_MAX_GROUPS];
	int groups_count;
} temp_saved;

const char *mail_service_userdb_field(const char *const *fields,
	const char *key)
{
	size_t len = strlen(key);

	for (unsigned int i = 0; fields != NULL && fields[i] != NULL; i++) {
		if (strncmp(fields[i], key, len) == 0 && fields[i][len] == '=')
			return fields[i] + len + 1;
	}
	return NULL;
}

static int parse_uid(const char *value, uid_t *uid_r, const char **error_r)
{
	unsigned int num;
	gid_t gid;

	if (str_to_uint(value, &num) == 0) {
		*uid_r = (uid_t)num;
		return 0;
	}
	return restrict_access_lookup_user(value, uid_r, &gid, error_r);
}

static int parse_gid(const char *value, gid_t *gid_r, const char **error_r)
{
	unsigned int num;

	if (str_to_uint(value, &num) == 0) {
		*gid_r = (gid_t)num;
		return 0;
	}
	return restrict_access_lookup_group(value, gid_r, error_r);
}

int mail_service_user_ids(const struct config *config,
	const struct config_filter *filter, const char *user,
	const char *const *fields, struct mail_service_ids *ids_r,
	const char **error_r)
{
	const char *uid_str, *gid_str;
	struct restrict_access_valid_ids valid;

	memset(ids_r, 0, sizeof(*ids_r));
	uid_str = mail_service_userdb_field(fields, "uid");
	ids_r->uid_from_userdb = uid_str != NULL;
	if (uid_str == NULL)
		uid_str = config_get(config, filter, "mail_uid");
	gid_str = mail_service_userdb_field(fields, "gid");
	if (gid_str == NULL)
		gid_str = config_get(config, filter, "mail_gid");
	if (*uid_str == '\0') {
		*error_r = t_printf("User %s is missing UID (see mail_uid "
			"setting)", user);
		return -1;
	}
	if (*gid_str == '\0') {
		*error_r = t_printf("User %s is missing GID (see mail_gid "
			"setting)", user);
		return -1;
	}
	if (parse_uid(uid_str, &ids_r->uid, error_r) < 0 ||
	    parse_gid(gid_str, &ids_r->gid, error_r) < 0)
		return -1;
	restrict_access_valid_ids_from_config(config, &valid);
	if (restrict_access_check_ids(&valid, ids_r->uid, ids_r->gid,
		    ids_r->uid_from_userdb ? "userdb lookup" :
		    "mail_uid setting", error_r) < 0)
		return -1;
	ids_r->access_groups = config_get(config, filter,
		"mail_access_groups");
	return 0;
}

static const char *not_root_error(const struct mail_service_ids *ids,
	const char *user, const char *process)
{
	return t_printf("Can't switch to uid %ld gid %ld for user %s: the "
		"%s process is not running as root", (long)ids->uid,
		(long)ids->gid, user, process);
}

int mail_service_switch_ids(const struct mail_service_ids *ids,
	const char *user, const char *process, const char **error_r)
{
	if (geteuid() == 0) {
		return restrict_access_simple(ids->uid, ids->gid,
			*ids->access_groups == '\0' ? NULL :
			ids->access_groups, NULL, false, error_r);
	}
	if (getuid() != ids->uid || getgid() != ids->gid) {
		*error_r = not_root_error(ids, user, process);
		return -1;
	}
	return 0;
}

/* The user's gid followed by the mail_access_groups. */
static int temp_groups(const struct mail_service_ids *ids, gid_t *groups,
	int *count_r, const char **error_r)
{
	char **names = str_split(scratch_arena(), ids->access_groups, ", ",
		true);
	int count = 0;

	groups[count++] = ids->gid;
	for (unsigned int i = 0; names[i] != NULL; i++) {
		if (count == MAIL_SERVICE_MAX_GROUPS) {
			*error_r = "mail_access_groups: too many groups";
			return -1;
		}
		if (restrict_access_lookup_group(names[i], &groups[count],
			    error_r) < 0)
			return -1;
		count++;
	}
	*count_r = count;
	return 0;
}

int mail_service_temp_switch_ids(const struct mail_service_ids *ids,
	const char *user, const char *process, const char **error_r)
{
	gid_t groups[MAIL_SERVICE_MAX_GROUPS];
	const char *first_error;
	int count;

	i_assert(!temp_saved.active);
	if (geteuid() != 0) {
		if (geteuid() == ids->uid && getegid() == ids->gid)
			return 0;
		*error_r = not_root_error(ids, user, process);
		return -1;
	}
	if (ids->uid == 0) {
		/* restrict_access() refuses root for mail access too. */
		*error_r = t_printf("Mail access for user %s with UID 0 is "
			"not permitted", user);
		return -1;
	}
	if (temp_groups(ids, groups, &count, error_r) < 0)
		return -1;
	temp_saved.euid = geteuid();
	temp_saved.egid = getegid();
	temp_saved.groups_count = getgroups(MAIL_SERVICE_MAX_GROUPS,
		temp_saved.groups);
	if (temp_saved.groups_count < 0) {
		*error_r = t_printf("getgroups() failed: %s", strerror(errno));
		return -1;
	}
	temp_saved.active = true;
	if (setgroups((size_t)count, groups) < 0) {
		*error_r = t_printf("setgroups() failed: %s", strerror(errno));
	} else if (setegid(ids->gid) < 0) {
		*error_r = t_printf("setegid(%ld) failed: %s", (long)ids->gid,
			strerror(errno));
	} else if (seteuid(ids->uid) < 0) {
		*error_r = t_printf("seteuid(%ld) failed: %s", (long)ids->uid,
			strerror(errno));
	} else {
		return 0;
	}
	/* Undo what did happen; the error is the first one. */
	first_error = *error_r;
	if (mail_service_restore_ids(error_r) < 0)
		i_fatal("%s", *error_r);
	*error_r = first_error;
	return -1;
}

int mail_service_restore_ids(const char **error_r)
{
	if (!temp_saved.active)
		return 0;
	temp_saved.active = false;
	if (seteuid(temp_saved.euid) < 0) {
		*error_r = t_printf("seteuid(%ld) failed: %s",
			(long)temp_saved.euid, strerror(errno));
		return -1;
	}
	if (setegid(temp_saved.egid) < 0) {
		*error_r = t_printf("setegid(%ld) failed: %s",
			(long)temp_saved.egid, strerror(errno));
		return -1;
	}
	if (setgroups((size_t)temp_saved.groups_count,
		    temp_saved.groups) < 0) {
		*error_r = t_printf("setgroups() failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int mail_service_user_create(const struct config *config,
	const char *username, const char *const *fields, const char *service,
	const struct config_filter *filter, const char *session_id,
	struct mail_user **user_r, const char **error_r)
{
	struct mail_user_params params;

	memset(&params, 0, sizeof(params));
	params.username = username;
	params.home = mail_service_userdb_field(fields, "home");
	params.mail_location = mail_service_userdb_field(fields, "mail");
	params.service = service;
	params.filter = filter;
	params.session_id = session_id;
	return mail_user_create(config, &params, user_r, error_r);
}
