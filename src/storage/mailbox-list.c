/*
 * mailbox-list.c - LIST/LSUB: every namespace's mailboxes matched against
 * IMAP-style patterns ('*' anything, '%' anything but the separator),
 * with the attributes clients need (\Noselect, \NonExistent,
 * \HasChildren, \HasNoChildren, \Subscribed, special-use).  Results are
 * computed when the iterator starts: INBOX first, then each namespace in
 * configuration order, names sorted.
 */
#include "lib.h"
#include "storage-private.h"
#include "array.h"
#include "hash.h"
#include "str.h"

#include <strings.h>

struct list_entry {
	const char *vname;
	enum mailbox_info_flags flags;
	struct mail_namespace *ns;
	bool exists;      /* a mailbox or hierarchy level on disk */
	bool subscribed;
	bool prefix_entry;
};

struct mailbox_list_iter {
	struct mail_user *user;
	struct arena *arena;
	enum mailbox_list_flags flags;
	const char **patterns;
	ARRAY(struct mailbox_info) results;
	unsigned int pos;
	int ret;
};

/* ---- patterns ---- */

/* "inbox" / "Inbox/..." at the start of a pattern means INBOX. */
static const char *pattern_normalize(struct arena *arena, const char *pattern,
	char inbox_sep)
{
	if (strncasecmp(pattern, "INBOX", 5) == 0 &&
	    (pattern[5] == '\0' || pattern[5] == inbox_sep))
		return arena_printf(arena, "INBOX%s", pattern + 5);
	return pattern;
}

/* IMAP LIST wildcard match; dynamic programming over the pattern. */
static bool pattern_match(const char *pattern, const char *name, char sep)
{
	size_t plen = strlen(pattern), nlen = strlen(name);
	bool *prev, *cur, ret;
	size_t i, j;

	prev = i_new(bool, nlen + 1);
	cur = i_new(bool, nlen + 1);
	prev[0] = true;
	for (j = 1; j <= nlen; j++)
		prev[j] = false;
	for (i = 1; i <= plen; i++) {
		char p = pattern[i - 1];

		cur[0] = prev[0] && (p == '*' || p == '%');
		for (j = 1; j <= nlen; j++) {
			char c = name[j - 1];

			if (p == '*')
				cur[j] = prev[j] || cur[j - 1];
			else if (p == '%')
				cur[j] = prev[j] || (cur[j - 1] && c != sep);
			else
				cur[j] = prev[j - 1] && p == c;
		}
		memcpy(prev, cur, (nlen + 1) * sizeof(bool));
	}
	ret = prev[nlen];
	free(prev);
	free(cur);
	return ret;
}

static bool iter_match(struct mailbox_list_iter *iter, const char *vname,
	char sep)
{
	for (unsigned int i = 0; iter->patterns[i] != NULL; i++) {
		if (pattern_match(iter->patterns[i], vname, sep))
			return true;
	}
	return false;
}

/* Whether any pattern could reach into the namespace's prefix (list = no
   namespaces are shown only then). */
static bool iter_patterns_name_prefix(struct mailbox_list_iter *iter,
	const char *prefix)
{
	size_t len = strlen(prefix);

	for (unsigned int i = 0; iter->patterns[i] != NULL; i++) {
		if (strncmp(iter->patterns[i], prefix, len) == 0)
			return true;
	}
	return false;
}

/* ---- collecting ---- */

struct ns_collect {
	struct mailbox_list_iter *iter;
	struct mail_namespace *ns;
	struct hash_table *names; /* vname -> struct list_entry */
	ARRAY(struct list_entry *) entries;
};

static struct list_entry *collect_get(struct ns_collect *ctx,
	const char *vname)
{
	struct list_entry *e = hash_get(ctx->names, vname);

	if (e == NULL) {
		e = arena_new(ctx->iter->arena, struct list_entry, 1);
		e->vname = arena_strdup(ctx->iter->arena, vname);
		e->ns = ctx->ns;
		hash_set(ctx->names, e->vname, e);
		array_push(&ctx->entries, e);
	}
	return e;
}

static int collect_cb(void *context, const char *storage_name,
	enum mailbox_existence existence)
{
	struct ns_collect *ctx = context;
	struct list_entry *e;
	const char *vname;

	if (strcasecmp(storage_name, "INBOX") == 0 && !ctx->ns->inbox)
		return 0;
	SCRATCH_BEGIN {
		vname = mail_namespace_get_vname(ctx->ns, storage_name);
		e = collect_get(ctx, vname);
		e->exists = true;
		e->flags &= ~(MAILBOX_NOSELECT | MAILBOX_NONEXISTENT);
		/* INBOX is always selectable: it is created on access */
		if (existence == MAILBOX_EXISTENCE_NOSELECT &&
		    strcmp(vname, "INBOX") != 0)
			e->flags |= MAILBOX_NOSELECT;
	} SCRATCH_END;
	return 0;
}

/* Adds the parents of every entry that don't exist themselves. */
static void collect_add_parents(struct ns_collect *ctx)
{
	const char *prefix_root = ctx->ns->prefix[0] == '\0' ? NULL :
		t_strndup(ctx->ns->prefix, strlen(ctx->ns->prefix) - 1);
	char sep = ctx->ns->sep;
	unsigned int i, count = ctx->entries.count;

	for (i = 0; i < count; i++) {
		const char *vname = ctx->entries.v[i]->vname;
		const char *p = vname + strlen(vname);

		while (p > vname) {
			const char *parent;
			struct list_entry *e;

			p--;
			if (*p != sep)
				continue;
			parent = t_strndup(vname, (size_t)(p - vname));
			if (hash_get(ctx->names, parent) != NULL)
				break;
			e = collect_get(ctx, parent);
			if (prefix_root != NULL &&
			    strcmp(parent, prefix_root) == 0 &&
			    !(ctx->ns->inbox &&
			      strcmp(parent, "INBOX") == 0))
				e->prefix_entry = true;
			else
				e->flags |= MAILBOX_NOSELECT |
					MAILBOX_NONEXISTENT;
		}
	}
}

static int collect_subscriptions(struct ns_collect *ctx)
{
	struct mail_namespace_priv *owner = NS_PRIV(ctx->ns)->sub_owner;
	const char *const *names;
	struct mail_storage *storage = owner->storage;

	if (storage->ops->subscriptions_read(storage, scratch_arena(),
			&names) < 0)
		return -1;
	for (unsigned int i = 0; names[i] != NULL; i++) {
		const char *vname;
		struct mail_namespace *vns;
		struct list_entry *e;

		vname = strcmp(names[i], "INBOX") == 0 ? "INBOX" :
			t_printf("%s%s", owner->ns.prefix, names[i]);
		vname = mail_namespace_normalize_vname(ctx->iter->user, vname);
		vns = mail_namespace_find(ctx->iter->user, vname);
		if (vns != ctx->ns)
			continue;
		if (strcmp(vname, "INBOX") != 0 && ctx->ns->prefix[0] != '\0' &&
		    strlen(vname) < strlen(ctx->ns->prefix))
			continue;
		e = hash_get(ctx->names, vname);
		if (e == NULL) {
			/* a subscription of a name that doesn't exist is
			   listed only when subscriptions are selected */
			if ((ctx->iter->flags &
			     MAILBOX_LIST_SELECT_SUBSCRIBED) == 0)
				continue;
			e = collect_get(ctx, vname);
			e->flags |= MAILBOX_NONEXISTENT | MAILBOX_NOSELECT;
		}
		e->subscribed = true;
	}
	return 0;
}

static int entry_cmp(const void *p1, const void *p2)
{
	const struct list_entry *const *e1 = p1, *const *e2 = p2;

	if (strcmp((*e1)->vname, "INBOX") == 0)
		return strcmp((*e2)->vname, "INBOX") == 0 ? 0 : -1;
	if (strcmp((*e2)->vname, "INBOX") == 0)
		return 1;
	return strcmp((*e1)->vname, (*e2)->vname);
}

/* Children flags: entries are sorted, so a child follows its parent
   (possibly after siblings' subtrees of names that sort between). */
static void collect_set_children(struct ns_collect *ctx)
{
	char sep = ctx->ns->sep;
	unsigned int i, j;

	for (i = 0; i < ctx->entries.count; i++) {
		struct list_entry *e = ctx->entries.v[i];
		size_t len = strlen(e->vname);
		bool children = false, child_sub = false;

		for (j = 0; j < ctx->entries.count; j++) {
			const struct list_entry *c = ctx->entries.v[j];

			if (c == e || strncmp(c->vname, e->vname, len) != 0 ||
			    c->vname[len] != sep)
				continue;
			if (c->exists ||
			    (c->flags & MAILBOX_NONEXISTENT) == 0)
				children = true;
			if (c->subscribed)
				child_sub = true;
			if (children && child_sub)
				break;
		}
		if (children)
			e->flags |= MAILBOX_CHILDREN;
		else if (e->exists || (e->flags & MAILBOX_NONEXISTENT) == 0)
			e->flags |= MAILBOX_NOCHILDREN;
		if (child_sub)
			e->flags |= MAILBOX_CHILD_SUBSCRIBED;
	}
}

static void iter_add(struct mailbox_list_iter *iter, struct list_entry *e)
{
	struct mailbox_info *info = array_append_space(&iter->results);

	info->vname = e->vname;
	info->sep = e->ns->sep;
	info->flags = e->flags;
	info->ns = e->ns;
}

static int iter_collect_ns(struct mailbox_list_iter *iter,
	struct mail_namespace *ns)
{
	struct mail_storage *storage = NS_PRIV(ns)->storage;
	struct ns_collect ctx;
	bool want_subs = (iter->flags & (MAILBOX_LIST_SELECT_SUBSCRIBED |
		MAILBOX_LIST_RETURN_SUBSCRIBED)) != 0;
	unsigned int i;
	int ret = 0;

	if (ns->list == MAIL_NAMESPACE_LIST_NO &&
	    (ns->prefix[0] == '\0' ||
	     !iter_patterns_name_prefix(iter, ns->prefix)))
		return 0;
	(void)mail_namespace_autocreate(ns);

	memset(&ctx, 0, sizeof(ctx));
	ctx.iter = iter;
	ctx.ns = ns;
	ctx.names = hash_create(false);
	array_init(&ctx.entries, iter->arena, 32);
	SCRATCH_BEGIN {
		if (storage->ops->list(storage, collect_cb, &ctx) < 0)
			ret = -1;
		if (ns->inbox)
			collect_get(&ctx, "INBOX")->exists = true;
		for (i = 0; i < NS_PRIV(ns)->boxes_count; i++) {
			const struct mailbox_setting *set =
				&NS_PRIV(ns)->boxes[i];
			struct list_entry *e;

			if (set->autocreate == MAILBOX_AUTO_NO)
				continue;
			e = collect_get(&ctx,
				mail_namespace_get_vname(ns, set->name));
			e->exists = true;
			e->flags &= ~(MAILBOX_NOSELECT | MAILBOX_NONEXISTENT);
			if (set->autocreate == MAILBOX_AUTO_SUBSCRIBE)
				e->subscribed = true;
		}
		if (ret == 0 && want_subs && collect_subscriptions(&ctx) < 0)
			ret = -1;
		collect_add_parents(&ctx);
	} SCRATCH_END;
	if (ns->prefix[0] != '\0' &&
	    (iter->flags & MAILBOX_LIST_NO_PREFIX_ENTRIES) == 0) {
		SCRATCH_BEGIN {
			const char *root = t_strndup(ns->prefix,
				strlen(ns->prefix) - 1);

			if (!(ns->inbox && strcmp(root, "INBOX") == 0)) {
				struct list_entry *e = collect_get(&ctx, root);

				e->prefix_entry = true;
			}
		} SCRATCH_END;
	}
	qsort(ctx.entries.v, ctx.entries.count, sizeof(*ctx.entries.v),
		entry_cmp);
	collect_set_children(&ctx);

	for (i = 0; i < ctx.entries.count; i++) {
		struct list_entry *e = ctx.entries.v[i];
		enum mailbox_info_flags special = 0;

		if (e->prefix_entry) {
			e->flags = (e->flags & (MAILBOX_CHILDREN |
				MAILBOX_NOCHILDREN)) | MAILBOX_NOSELECT;
			if (ns->list == MAIL_NAMESPACE_LIST_CHILDREN &&
			    (e->flags & MAILBOX_CHILDREN) == 0)
				continue;
			if ((iter->flags & MAILBOX_LIST_NO_PREFIX_ENTRIES) != 0)
				continue;
		}
		if (e->subscribed && want_subs)
			e->flags |= MAILBOX_SUBSCRIBED;
		if (e->exists && !e->prefix_entry) {
			const char *storage_name;
			struct mail_namespace *rns;

			SCRATCH_BEGIN {
				if (mail_namespace_resolve(iter->user,
						e->vname, &rns,
						&storage_name) == 0) {
					const struct mailbox_setting *set =
						mail_namespace_find_setting(
							rns, storage_name);

					if (set != NULL)
						special = set->special_use;
				}
			} SCRATCH_END;
			e->flags |= special;
		}
		if ((iter->flags & MAILBOX_LIST_SELECT_SUBSCRIBED) != 0 &&
		    !e->subscribed) {
			if ((iter->flags &
			     MAILBOX_LIST_SELECT_RECURSIVEMATCH) == 0 ||
			    (e->flags & MAILBOX_CHILD_SUBSCRIBED) == 0)
				continue;
		}
		if ((iter->flags & MAILBOX_LIST_SELECT_SPECIALUSE) != 0 &&
		    (e->flags & MAILBOX_SPECIALUSE_MASK) == 0)
			continue;
		if (!iter_match(iter, e->vname, ns->sep))
			continue;
		if ((iter->flags & MAILBOX_LIST_SELECT_RECURSIVEMATCH) == 0)
			e->flags &= ~MAILBOX_CHILD_SUBSCRIBED;
		iter_add(iter, e);
	}
	hash_destroy(&ctx.names);
	return ret;
}

struct mailbox_list_iter *mailbox_list_iter_init(struct mail_user *user,
	const char *const *patterns, enum mailbox_list_flags flags)
{
	struct arena *arena = arena_create("mailbox list", 4096);
	struct mailbox_list_iter *iter;
	struct mail_namespace *inbox = mail_namespace_find_inbox(user);
	unsigned int i, count = 0;

	iter = arena_new(arena, struct mailbox_list_iter, 1);
	iter->user = user;
	iter->arena = arena;
	iter->flags = flags;
	mail_user_clear_error(user);
	while (patterns[count] != NULL)
		count++;
	iter->patterns = arena_new(arena, const char *, count + 1);
	for (i = 0; i < count; i++)
		iter->patterns[i] = pattern_normalize(arena, patterns[i],
			inbox == NULL ? '\0' : inbox->sep);
	array_init(&iter->results, arena, 32);

	/* INBOX first: collect its namespace first */
	if (inbox != NULL && iter_collect_ns(iter, inbox) < 0)
		iter->ret = -1;
	for (i = 0; i < user->namespaces_count; i++) {
		if (user->namespaces[i] == inbox)
			continue;
		if (iter_collect_ns(iter, user->namespaces[i]) < 0)
			iter->ret = -1;
	}
	return iter;
}

const struct mailbox_info *mailbox_list_iter_next(
	struct mailbox_list_iter *iter)
{
	if (iter->pos >= iter->results.count)
		return NULL;
	return &iter->results.v[iter->pos++];
}

int mailbox_list_iter_deinit(struct mailbox_list_iter **_iter)
{
	struct mailbox_list_iter *iter = *_iter;
	struct arena *arena;
	int ret;

	*_iter = NULL;
	ret = iter->ret;
	arena = iter->arena;
	arena_destroy(&arena);
	return ret;
}
