/*
 * service-users.c - resolving the user, group, extra_groups and listener
 * owners of every service before anything is started, with Dovecot's
 * error texts.  The master creates no system users: a missing one is a
 * startup (or reload) error.
 */
#include "lib.h"
#include "master.h"

#include "arena.h"
#include "config.h"
#include "restrict-access.h"
#include "str.h"

static int check_default_user(const struct config *config, const char *key,
	const char **error_r)
{
	const char *name = config_get(config, NULL, key);
	const char *error;
	uid_t uid;
	gid_t gid;

	if (name[0] == '\0')
		return 0;
	if (restrict_access_lookup_user(name, &uid, &gid, &error) < 0) {
		*error_r = str_begins(error, "User doesn't exist") ?
			t_printf("%s doesn't exist: %s", key, name) : error;
		return -1;
	}
	return 0;
}

static int resolve_service_user(struct service_list *list,
	struct service *service, const char **error_r)
{
	const struct plan_service *set = service->set;
	struct master_restrict_user *u = &service->user;
	const char *error;
	char **names;
	unsigned int n, extra = 0;

	if (set->user[0] == '\0') {
		/* No user: the process keeps the master's uid (imap, lmtp
		   switch to the mail user themselves). */
		if (set->group[0] != '\0' || set->extra_groups[0] != '\0') {
			i_debug("service(%s): group/extra_groups without "
				"user are ignored", set->name);
		}
		return 0;
	}
	if (restrict_access_lookup_user(set->user, &u->uid, &u->gid,
		    &error) < 0) {
		*error_r = t_printf("service(%s) %s (See service %s { user } "
			"setting)", set->name, error, set->name);
		return -1;
	}
	if (set->group[0] != '\0' &&
	    restrict_access_lookup_group(set->group, &u->gid, &error) < 0) {
		*error_r = t_printf("service(%s) %s (See service %s { group } "
			"setting)", set->name, error, set->name);
		return -1;
	}
	{
		names = str_split(scratch_arena(),
			t_printf("%s %s", set->extra_groups,
				set->privileged_group),
			" ,", true);
		n = str_array_length(names);
		u->extra_gids = arena_new(list->arena, gid_t, n == 0 ? 1 : n);
		for (unsigned int i = 0; i < n; i++) {
			if (restrict_access_lookup_group(names[i],
				    &u->extra_gids[extra], &error) < 0) {
				bool privileged = i >= str_array_length(
					str_split(scratch_arena(),
						set->extra_groups, " ,",
						true));

				*error_r = t_printf("service(%s) %s (See "
					"service %s { %s } setting)",
					set->name, error, set->name,
					privileged ? "privileged_group" :
						     "extra_groups");
				extra = (unsigned int)-1;
				break;
			}
			extra++;
		}
	}
	if (extra == (unsigned int)-1)
		return -1;
	u->extra_gids_count = extra;
	u->name = arena_strdup(list->arena, set->user);
	service->have_user = true;
	return 0;
}

static int resolve_listener_owners(struct service *service,
	const char **error_r)
{
	const struct plan_service *set = service->set;

	for (unsigned int i = 0; i < set->listeners_count; i++) {
		const struct plan_listener *l = &set->listeners[i];
		const char *error;
		gid_t gid_unused;

		if (l->type == MASTER_LISTENER_INET)
			continue;
		if (l->user != NULL && l->user[0] != '\0' &&
		    restrict_access_lookup_user(l->user,
			    &service->listener_uids[i], &gid_unused,
			    &error) < 0) {
			*error_r = t_printf("service(%s) %s_listener(%s): %s",
				set->name, master_listener_type_name(l->type),
				l->name, error);
			return -1;
		}
		if (l->group != NULL && l->group[0] != '\0' &&
		    restrict_access_lookup_group(l->group,
			    &service->listener_gids[i], &error) < 0) {
			*error_r = t_printf("service(%s) %s_listener(%s): %s",
				set->name, master_listener_type_name(l->type),
				l->name, error);
			return -1;
		}
	}
	return 0;
}

int service_list_resolve_users(struct service_list *list,
	const char **error_r)
{
	if (!master->privileged) {
		i_debug("Running as uid %lu, not root: service user, group, "
			"extra_groups and chroot settings are ignored",
			(unsigned long)geteuid());
		return 0;
	}
	if (check_default_user(list->config, "default_login_user",
		    error_r) < 0 ||
	    check_default_user(list->config, "default_internal_user",
		    error_r) < 0)
		return -1;
	for (unsigned int i = 0; i < list->services_count; i++) {
		struct service *service = list->services[i];

		if (resolve_service_user(list, service, error_r) < 0 ||
		    resolve_listener_owners(service, error_r) < 0)
			return -1;
	}
	return 0;
}
