/*
 * mail-namespace.c - namespaces from dovecot.conf (namespace NAME { type
 * prefix separator inbox hidden list subscriptions location mailbox X {
 * auto special_use } }) and the translation between vnames (what clients
 * see) and storage names (what a backend stores).
 */
#include "lib.h"
#include "storage-private.h"
#include "buf.h"
#include "config.h"
#include "str.h"

#include <strings.h>

static const struct {
	const char *name;
	enum mailbox_info_flags flag;
} special_uses[] = {
	{ "\\All", MAILBOX_SPECIALUSE_ALL },
	{ "\\Archive", MAILBOX_SPECIALUSE_ARCHIVE },
	{ "\\Drafts", MAILBOX_SPECIALUSE_DRAFTS },
	{ "\\Flagged", MAILBOX_SPECIALUSE_FLAGGED },
	{ "\\Important", MAILBOX_SPECIALUSE_IMPORTANT },
	{ "\\Junk", MAILBOX_SPECIALUSE_JUNK },
	{ "\\Sent", MAILBOX_SPECIALUSE_SENT },
	{ "\\Trash", MAILBOX_SPECIALUSE_TRASH },
};

enum mailbox_info_flags mailbox_special_use_parse(const char *str)
{
	enum mailbox_info_flags flags = 0;

	SCRATCH_BEGIN {
		char **words = str_split(scratch_arena(), str, " \t", true);

		for (unsigned int i = 0; words[i] != NULL; i++) {
			for (unsigned int j = 0; j < N_ELEMENTS(special_uses);
			     j++) {
				if (strcasecmp(words[i],
					       special_uses[j].name) == 0)
					flags |= special_uses[j].flag;
			}
		}
	} SCRATCH_END;
	return flags;
}

const char *mailbox_special_use_name(enum mailbox_info_flags flag)
{
	for (unsigned int i = 0; i < N_ELEMENTS(special_uses); i++) {
		if (special_uses[i].flag == flag)
			return special_uses[i].name;
	}
	return NULL;
}

static int ns_add_storage(struct mail_user *user,
	struct mail_namespace_priv *ns, const char *location,
	const char **error_r)
{
	struct mail_storage *storage;

	storage = arena_new(user->arena, struct mail_storage, 1);
	storage->user = user;
	storage->arena = user->arena;
	if (mail_location_parse(user, location, user->arena,
			&storage->location, error_r) < 0)
		return -1;
	storage->ops = mail_backend_find(storage->location.driver);
	storage->hier_sep = ns->ns.sep;
	storage->fsync_mode = user->fsync_mode;
	storage->copy_with_hardlinks = user->copy_with_hardlinks;
	storage->save_crlf = user->save_crlf;
	storage->very_dirty_syncs = user->very_dirty_syncs;
	storage->file_mode = 0600;
	storage->dir_mode = 0700;
	storage->lock_timeout_secs = user->lock_timeout_secs;
	if (storage->ops->storage_init(storage, error_r) < 0)
		return -1;
	ns->storage = storage;
	ns->ns.sep = storage->hier_sep;
	return 0;
}

static int ns_read_mailboxes(struct mail_user *user,
	struct mail_namespace_priv *ns, const struct config_section *section)
{
	const struct config_section *const *boxes;
	unsigned int i, count;

	boxes = config_section_children(section, "mailbox", &count);
	ns->boxes = arena_new(user->arena, struct mailbox_setting,
		count == 0 ? 1 : count);
	for (i = 0; i < count; i++) {
		struct mailbox_setting *set = &ns->boxes[ns->boxes_count];
		const char *value;

		set->name = arena_strdup(user->arena,
			config_section_name(boxes[i]));
		if (set->name[0] == '\0')
			continue;
		if (strcasecmp(set->name, "INBOX") == 0)
			set->name = "INBOX";
		value = config_section_get(boxes[i], "auto");
		if (strcmp(value, "create") == 0)
			set->autocreate = MAILBOX_AUTO_CREATE;
		else if (strcmp(value, "subscribe") == 0)
			set->autocreate = MAILBOX_AUTO_SUBSCRIBE;
		value = config_section_get(boxes[i], "special_use");
		set->special_use = mailbox_special_use_parse(value);
		if (value[0] != '\0' && set->special_use == 0) {
			i_warning("mailbox %s: special_use: Unknown value: %s",
				set->name, value);
		}
		ns->boxes_count++;
	}
	return 0;
}

static struct mail_namespace_priv *ns_new(struct mail_user *user)
{
	struct mail_namespace_priv *ns;

	ns = arena_new(user->arena, struct mail_namespace_priv, 1);
	ns->user = user;
	ns->sub_owner = ns;
	return ns;
}

static int ns_from_section(struct mail_user *user,
	const struct config_section *section,
	struct mail_namespace_priv **ns_r, const char **error_r)
{
	struct mail_namespace_priv *ns = ns_new(user);
	const char *value, *location, *name;

	name = config_section_name(section);
	ns->ns.name = arena_strdup(user->arena, name);
	value = config_section_get(section, "type");
	if (strcmp(value, "shared") == 0)
		ns->ns.type = MAIL_NAMESPACE_TYPE_SHARED;
	else if (strcmp(value, "public") == 0)
		ns->ns.type = MAIL_NAMESPACE_TYPE_PUBLIC;
	else
		ns->ns.type = MAIL_NAMESPACE_TYPE_PRIVATE;
	value = config_section_get(section, "separator");
	if (strlen(value) > 1) {
		*error_r = t_printf("Namespace '%s': separator must be a "
			"single character: %s", name, value);
		return -1;
	}
	ns->ns.sep = value[0];
	ns->ns.inbox = config_section_get_bool(section, "inbox");
	ns->ns.hidden = config_section_get_bool(section, "hidden");
	ns->ns.subscriptions = config_section_get_bool(section,
		"subscriptions");
	value = config_section_get(section, "list");
	if (strcmp(value, "no") == 0)
		ns->ns.list = MAIL_NAMESPACE_LIST_NO;
	else if (strcmp(value, "children") == 0)
		ns->ns.list = MAIL_NAMESPACE_LIST_CHILDREN;
	else
		ns->ns.list = MAIL_NAMESPACE_LIST_YES;

	value = config_section_get(section, "prefix");
	if (mail_user_expand(user, value, &value, error_r) < 0) {
		*error_r = t_printf("Namespace '%s': prefix: %s", name,
			*error_r);
		return -1;
	}
	ns->ns.prefix = arena_strdup(user->arena, value);

	location = config_section_get(section, "location");
	if (location[0] == '\0')
		location = user->mail_location_override != NULL ?
			user->mail_location_override :
			config_get(user->config, user->filter,
				"mail_location");
	if (ns_add_storage(user, ns, location, error_r) < 0) {
		*error_r = t_printf("Namespace '%s': %s", name, *error_r);
		return -1;
	}
	if (ns->ns.prefix[0] != '\0' &&
	    ns->ns.prefix[strlen(ns->ns.prefix) - 1] != ns->ns.sep) {
		*error_r = t_printf("Namespace '%s': prefix=%s must end with "
			"separator %c", name, ns->ns.prefix, ns->ns.sep);
		return -1;
	}
	(void)ns_read_mailboxes(user, ns, section);
	*ns_r = ns;
	return 0;
}

static int ns_default(struct mail_user *user, struct mail_namespace_priv **ns_r,
	const char **error_r)
{
	struct mail_namespace_priv *ns = ns_new(user);
	const char *location;

	ns->ns.name = "";
	ns->ns.prefix = "";
	ns->ns.inbox = true;
	ns->ns.subscriptions = true;
	ns->ns.list = MAIL_NAMESPACE_LIST_YES;
	location = user->mail_location_override != NULL ?
		user->mail_location_override :
		config_get(user->config, user->filter, "mail_location");
	if (ns_add_storage(user, ns, location, error_r) < 0)
		return -1;
	ns->boxes = arena_new(user->arena, struct mailbox_setting, 1);
	*ns_r = ns;
	return 0;
}

static int ns_check_all(struct mail_user *user, const char **error_r)
{
	struct mail_namespace_priv *inbox = NULL;
	char list_sep = '\0';
	unsigned int i, j;

	for (i = 0; i < user->namespaces_count; i++) {
		struct mail_namespace_priv *ns = NS_PRIV(user->namespaces[i]);

		if (ns->ns.inbox) {
			if (inbox != NULL) {
				*error_r = "namespace configuration error: "
					"There can be only one namespace with "
					"inbox=yes";
				return -1;
			}
			inbox = ns;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(user->namespaces[j]->prefix,
				   ns->ns.prefix) == 0) {
				*error_r = t_printf("namespace configuration "
					"error: Duplicate namespace prefix: "
					"\"%s\"", ns->ns.prefix);
				return -1;
			}
		}
		if (ns->ns.list == MAIL_NAMESPACE_LIST_YES) {
			if (list_sep == '\0')
				list_sep = ns->ns.sep;
			else if (list_sep != ns->ns.sep) {
				*error_r = "namespace configuration error: "
					"All list=yes namespaces must use the "
					"same separator";
				return -1;
			}
		}
	}
	if (inbox == NULL) {
		*error_r = "namespace configuration error: inbox=yes namespace "
			"missing";
		return -1;
	}
	/* subscriptions = no: the namespace with the longest prefix of
	   ours that keeps subscriptions stores them */
	for (i = 0; i < user->namespaces_count; i++) {
		struct mail_namespace_priv *ns = NS_PRIV(user->namespaces[i]);
		size_t best = 0;

		if (ns->ns.subscriptions)
			continue;
		for (j = 0; j < user->namespaces_count; j++) {
			struct mail_namespace_priv *o =
				NS_PRIV(user->namespaces[j]);
			size_t len = strlen(o->ns.prefix);

			if (o != ns && o->ns.subscriptions &&
			    str_begins(ns->ns.prefix, o->ns.prefix) &&
			    (ns->sub_owner == ns || len >= best)) {
				ns->sub_owner = o;
				best = len;
			}
		}
	}
	return 0;
}

int mail_namespaces_init(struct mail_user *user, const char **error_r)
{
	const struct config_section *const *sections;
	struct mail_namespace_priv *ns;
	struct mail_namespace *inbox;
	unsigned int i, count;

	sections = config_get_sections(user->config, user->filter, "namespace",
		&count);
	user->namespaces = arena_new(user->arena, struct mail_namespace *,
		count + 1);
	for (i = 0; i < count; i++) {
		if (config_section_get_bool(sections[i], "disabled"))
			continue;
		if (strcmp(config_section_get(sections[i], "type"),
			   "shared") == 0) {
			/* shared namespaces need the ACL machinery that is
			   not built yet: leave them out of the listing */
			i_warning("Namespace '%s': shared namespaces are not "
				"supported yet, ignoring it",
				config_section_name(sections[i]));
			continue;
		}
		if (ns_from_section(user, sections[i], &ns, error_r) < 0)
			return -1;
		user->namespaces[user->namespaces_count++] = &ns->ns;
	}
	if (user->namespaces_count == 0) {
		if (ns_default(user, &ns, error_r) < 0)
			return -1;
		user->namespaces[user->namespaces_count++] = &ns->ns;
	}
	if (ns_check_all(user, error_r) < 0)
		return -1;

	inbox = mail_namespace_find_inbox(user);
	{
		struct mail_storage *storage = NS_PRIV(inbox)->storage;

		user->index_dir = storage->location.index_dir != NULL ?
			storage->location.index_dir :
			storage->ops->get_index_dir(storage);
	}
	return 0;
}

void mail_namespaces_deinit(struct mail_user *user)
{
	for (unsigned int i = 0; i < user->namespaces_count; i++) {
		struct mail_storage *storage =
			NS_PRIV(user->namespaces[i])->storage;

		if (storage != NULL && storage->ops != NULL)
			storage->ops->storage_deinit(storage);
	}
	user->namespaces_count = 0;
}

struct mail_namespace *const *mail_user_get_namespaces(
	struct mail_user *user, unsigned int *count_r)
{
	*count_r = user->namespaces_count;
	return user->namespaces;
}

struct mail_namespace *mail_namespace_find_inbox(struct mail_user *user)
{
	for (unsigned int i = 0; i < user->namespaces_count; i++) {
		if (user->namespaces[i]->inbox)
			return user->namespaces[i];
	}
	return NULL;
}

/* "INBOX" or "INBOX<sep>..." in any case, for the inbox namespace's
   separator. */
static bool vname_is_inbox_path(struct mail_user *user, const char *vname,
	size_t *len_r)
{
	struct mail_namespace *inbox = mail_namespace_find_inbox(user);

	if (strncasecmp(vname, "INBOX", 5) != 0)
		return false;
	if (vname[5] == '\0' || (inbox != NULL && vname[5] == inbox->sep)) {
		*len_r = 5;
		return true;
	}
	return false;
}

const char *mail_namespace_normalize_vname(struct mail_user *user,
	const char *vname)
{
	size_t len;

	if (!vname_is_inbox_path(user, vname, &len) ||
	    strncmp(vname, "INBOX", 5) == 0)
		return vname;
	return t_printf("INBOX%s", vname + 5);
}

struct mail_namespace *mail_namespace_find(struct mail_user *user,
	const char *vname)
{
	struct mail_namespace *best = NULL;
	size_t best_len = 0;
	size_t len;

	vname = mail_namespace_normalize_vname(user, vname);
	if (strcmp(vname, "INBOX") == 0)
		return mail_namespace_find_inbox(user);
	for (unsigned int i = 0; i < user->namespaces_count; i++) {
		struct mail_namespace *ns = user->namespaces[i];
		size_t plen = strlen(ns->prefix);

		if (plen == 0) {
			if (best == NULL)
				best = ns;
			continue;
		}
		if (strncmp(vname, ns->prefix, plen) == 0 ||
		    (strncmp(vname, ns->prefix, plen - 1) == 0 &&
		     vname[plen - 1] == '\0')) {
			if (plen > best_len) {
				best = ns;
				best_len = plen;
			}
		}
	}
	if (best == NULL && vname_is_inbox_path(user, vname, &len))
		best = mail_namespace_find_inbox(user);
	return best;
}

int mail_namespace_resolve(struct mail_user *user, const char *vname,
	struct mail_namespace **ns_r, const char **storage_name_r)
{
	struct mail_namespace *ns;
	size_t plen;

	vname = mail_namespace_normalize_vname(user, vname);
	ns = mail_namespace_find(user, vname);
	if (ns == NULL) {
		mail_user_set_error(user, MAIL_ERROR_NOTFOUND,
			t_printf("Mailbox doesn't exist: %s", vname));
		return -1;
	}
	*ns_r = ns;
	if (strcmp(vname, "INBOX") == 0 && ns->inbox) {
		*storage_name_r = "INBOX";
		return 0;
	}
	plen = strlen(ns->prefix);
	if (strlen(vname) < plen) {
		/* the prefix itself without its separator */
		*storage_name_r = "";
	} else {
		*storage_name_r = vname + plen;
	}
	if (ns->inbox && strcasecmp(*storage_name_r, "INBOX") == 0)
		*storage_name_r = "INBOX";
	return 0;
}

const char *mail_namespace_get_vname(struct mail_namespace *ns,
	const char *storage_name)
{
	if (strcmp(storage_name, "INBOX") == 0 && ns->inbox)
		return "INBOX";
	if (storage_name[0] == '\0' && ns->prefix[0] != '\0')
		return t_strndup(ns->prefix, strlen(ns->prefix) - 1);
	return t_printf("%s%s", ns->prefix, storage_name);
}

const struct mailbox_setting *mail_namespace_find_setting(
	struct mail_namespace *_ns, const char *storage_name)
{
	struct mail_namespace_priv *ns = NS_PRIV(_ns);

	for (unsigned int i = 0; i < ns->boxes_count; i++) {
		if (strcmp(ns->boxes[i].name, storage_name) == 0)
			return &ns->boxes[i];
	}
	return NULL;
}

int mail_namespace_autocreate(struct mail_namespace *_ns)
{
	struct mail_namespace_priv *ns = NS_PRIV(_ns);
	struct mail_storage *storage = ns->storage;
	int ret = 0;

	if (ns->autocreated)
		return 0;
	ns->autocreated = true;
	for (unsigned int i = 0; i < ns->boxes_count; i++) {
		const struct mailbox_setting *set = &ns->boxes[i];
		enum mailbox_existence exists;

		if (set->autocreate == MAILBOX_AUTO_NO)
			continue;
		if (storage->ops->mailbox_exists(storage, set->name,
				&exists) < 0) {
			ret = -1;
			continue;
		}
		if (exists != MAILBOX_EXISTENCE_SELECT &&
		    strcmp(set->name, "INBOX") != 0) {
			if (storage->ops->mailbox_create(storage, set->name,
					false) < 0) {
				enum mail_error error;

				(void)mail_user_get_last_error(ns->user,
					&error);
				if (error != MAIL_ERROR_EXISTS)
					ret = -1;
			}
		}
		if (set->autocreate == MAILBOX_AUTO_SUBSCRIBE) {
			struct mail_storage *sub_storage =
				ns->sub_owner->storage;
			const char *name = set->name;

			SCRATCH_BEGIN {
				if (ns->sub_owner != ns) {
					/* the owner stores full names
					   relative to its own prefix */
					size_t plen = strlen(
						ns->sub_owner->ns.prefix);

					name = t_printf("%s%s",
						ns->ns.prefix + plen,
						set->name);
				}
				if (sub_storage->ops->subscription_set(
						sub_storage, name, true) < 0)
					ret = -1;
			} SCRATCH_END;
		}
	}
	return ret;
}
