/*
 * cmd-list.c - LIST and LSUB (RFC 3501 §6.3.8-9) with LIST-EXTENDED (RFC
 * 5258: selection options SUBSCRIBED REMOTE RECURSIVEMATCH SPECIAL-USE,
 * return options SUBSCRIBED CHILDREN SPECIAL-USE, several patterns),
 * LIST-STATUS (RFC 5819), CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154)
 * attributes, as Dovecot 2.3 answers them.
 */
#include "lib.h"
#include "arena.h"
#include "array.h"
#include "buf.h"
#include "imap-arg.h"
#include "imap-quote.h"
#include "imap-utf7.h"
#include "storage.h"
#include "imap-client.h"
#include "imap-commands.h"
#include "imap-list.h"
#include "imap-status.h"
#include "imap-sync.h"

#include <ctype.h>
#include <strings.h>

struct list_context {
	struct imap_cmd *cmd;
	struct imap_client *client;
	enum mailbox_list_flags list_flags;
	/* LIST-EXTENDED syntax was used: attributes only as asked. */
	bool used_listext;
	bool lsub;
	bool used_status;
	struct imap_status_items status_items;
	const char **patterns;
	/* All subscribed names ('*', SELECT_SUBSCRIBED), loaded for the
	   RECURSIVEMATCH rule when needed. */
	const char **subscribed;
	bool subscribed_loaded;
};

static bool list_match_any(struct list_context *ctx, const char *name,
	char sep)
{
	for (unsigned int i = 0; ctx->patterns[i] != NULL; i++) {
		const char *p = ctx->patterns[i];

		/* "INBOX" at the start matches in any case, as storage
		   does. */
		if (strncasecmp(p, "INBOX", 5) == 0 &&
		    (p[5] == '\0' || p[5] == sep))
			p = t_printf("INBOX%s", p + 5);
		if (imap_list_match(p, name, sep))
			return true;
	}
	return false;
}

static void load_subscribed(struct list_context *ctx)
{
	static const char *const all[] = { "*", NULL };
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	ARRAY(const char *) names;

	array_init(&names, ctx->cmd->arena, 16);
	iter = mailbox_list_iter_init(ctx->client->mail_user, all,
		MAILBOX_LIST_SELECT_SUBSCRIBED |
		MAILBOX_LIST_NO_PREFIX_ENTRIES);
	while ((info = mailbox_list_iter_next(iter)) != NULL) {
		if ((info->flags & MAILBOX_SUBSCRIBED) != 0) {
			array_push(&names, arena_strdup(ctx->cmd->arena,
				info->vname));
		}
	}
	(void)mailbox_list_iter_deinit(&iter);
	array_push(&names, NULL);
	ctx->subscribed = names.v;
	ctx->subscribed_loaded = true;
}

/*
 * RFC 5258 §3.5 RECURSIVEMATCH (and LSUB's "%" rule, RFC 3501 §6.3.9): a
 * parent that is not subscribed itself is returned only for a
 * subscribed descendant the patterns don't reach, as Dovecot does.
 */
static bool recursive_parent_wanted(struct list_context *ctx,
	const struct mailbox_info *info)
{
	size_t len = strlen(info->vname);

	if (!ctx->subscribed_loaded)
		load_subscribed(ctx);
	for (unsigned int i = 0; ctx->subscribed[i] != NULL; i++) {
		const char *name = ctx->subscribed[i];

		if (strncmp(name, info->vname, len) == 0 &&
		    name[len] == info->sep &&
		    !list_match_any(ctx, name, info->sep))
			return true;
	}
	return false;
}

/* Dovecot's attribute order: \Subscribed \Noselect \NonExistent
   \HasChildren|\NoInferiors|\HasNoChildren \Marked \UnMarked, then
   special-use. */
static int append_flags(struct list_context *ctx, struct buf *dest,
	enum mailbox_info_flags flags)
{
	static const struct {
		enum mailbox_info_flags flag;
		const char *name;
	} names[] = {
		{ MAILBOX_SUBSCRIBED, "\\Subscribed" },
		{ MAILBOX_NOSELECT, "\\Noselect" },
		{ MAILBOX_NONEXISTENT, "\\NonExistent" },
		{ MAILBOX_CHILDREN, "\\HasChildren" },
		{ MAILBOX_NOINFERIORS, "\\NoInferiors" },
		{ MAILBOX_NOCHILDREN, "\\HasNoChildren" },
		{ MAILBOX_MARKED, "\\Marked" },
		{ MAILBOX_UNMARKED, "\\UnMarked" },
	};
	enum mailbox_info_flags special = flags & MAILBOX_SPECIALUSE_MASK;
	bool child_subscribed = (flags & MAILBOX_CHILD_SUBSCRIBED) != 0;
	bool first = true;
	unsigned int i;
	int r = 0;

	if (ctx->lsub) {
		/* Dovecot's LSUB returns no attributes but special-use and
		   \Noselect for an unsubscribed parent. */
		flags = (flags & MAILBOX_SUBSCRIBED) == 0 && child_subscribed ?
			MAILBOX_NOSELECT : 0;
	} else {
		if ((flags & MAILBOX_NONEXISTENT) != 0) {
			/* \NonExistent implies \Noselect (RFC 5258 §3.4);
			   plain LIST says \Noselect. */
			flags &= ~MAILBOX_NOSELECT;
			if (!ctx->used_listext) {
				flags &= ~MAILBOX_NONEXISTENT;
				flags |= MAILBOX_NOSELECT;
			}
		}
		if ((ctx->list_flags & MAILBOX_LIST_RETURN_CHILDREN) == 0)
			flags &= ~(MAILBOX_CHILDREN | MAILBOX_NOCHILDREN);
		else if ((flags & MAILBOX_CHILDREN) != 0)
			flags &= ~(MAILBOX_NOINFERIORS | MAILBOX_NOCHILDREN);
		else if ((flags & MAILBOX_NOINFERIORS) != 0)
			flags &= ~MAILBOX_NOCHILDREN;
		if ((ctx->list_flags & MAILBOX_LIST_RETURN_SUBSCRIBED) == 0)
			flags &= ~MAILBOX_SUBSCRIBED;
	}
	if ((ctx->list_flags & MAILBOX_LIST_RETURN_SPECIALUSE) == 0)
		special = 0;

	r |= buf_append_c(dest, '(');
	for (i = 0; i < N_ELEMENTS(names); i++) {
		if ((flags & names[i].flag) == 0)
			continue;
		if (!first)
			r |= buf_append_c(dest, ' ');
		r |= buf_append_str(dest, names[i].name);
		first = false;
	}
	for (i = 0; i < 32; i++) {
		const char *name;

		if ((special & (1U << i)) == 0)
			continue;
		name = mailbox_special_use_name(1U << i);
		if (name == NULL)
			continue;
		if (!first)
			r |= buf_append_c(dest, ' ');
		r |= buf_append_str(dest, name);
		first = false;
	}
	r |= buf_append_c(dest, ')');
	return r;
}

static int append_sep(struct buf *dest, char sep)
{
	char str[2] = { sep, '\0' };

	if (sep == '\0')
		return buf_append_str(dest, "NIL");
	return imap_append_quoted(dest, str, false);
}

static void list_send_info(struct list_context *ctx,
	const struct mailbox_info *info)
{
	struct imap_client *client = ctx->client;
	enum mailbox_info_flags flags = info->flags;
	struct buf str;
	int r = 0;

	if ((flags & MAILBOX_SUBSCRIBED) == 0 &&
	    (flags & MAILBOX_CHILD_SUBSCRIBED) != 0 &&
	    (ctx->list_flags & MAILBOX_LIST_SELECT_RECURSIVEMATCH) != 0 &&
	    !recursive_parent_wanted(ctx, info))
		return;

	buf_init(&str, scratch_arena(), 256, 0);
	r |= buf_append_str(&str, ctx->lsub ? "* LSUB " : "* LIST ");
	r |= append_flags(ctx, &str, flags);
	r |= buf_append_c(&str, ' ');
	r |= append_sep(&str, info->sep);
	r |= buf_append_c(&str, ' ');
	r |= imap_mailbox_name_append(client, &str, info->vname);
	if (!ctx->lsub && (flags & MAILBOX_SUBSCRIBED) == 0 &&
	    (flags & MAILBOX_CHILD_SUBSCRIBED) != 0 &&
	    (ctx->list_flags & MAILBOX_LIST_SELECT_RECURSIVEMATCH) != 0)
		r |= buf_append_str(&str, " (CHILDINFO (\"SUBSCRIBED\"))");
	i_assert(r == 0);
	imap_client_send_line(client, buf_cstr(&str));

	/* RFC 5819: STATUS of each selectable mailbox listed. */
	if (ctx->used_status &&
	    (flags & (MAILBOX_NOSELECT | MAILBOX_NONEXISTENT)) == 0)
		imap_status_send_mailbox(client, info->vname,
			&ctx->status_items);
}

/* The pattern with its INBOX part in upper case, so that it matches
   INBOX and its children as Dovecot's case-insensitive match does; NULL
   when that is the pattern itself or it can't name INBOX. */
static const char *pattern_inbox_variant(struct imap_client *client,
	const char *pattern)
{
	struct mail_namespace *ns =
		mail_namespace_find_inbox(client->mail_user);
	char sep = ns == NULL ? '\0' : ns->sep;
	char *up;

	if (ns == NULL || ns->prefix[0] != '\0' ||
	    !imap_list_pattern_is_inboxcase(pattern, sep))
		return NULL;
	up = t_strdup(pattern);
	for (char *p = up; *p != '\0' && *p != sep; p++)
		*p = (char)toupper((unsigned char)*p);
	/* Storage itself matches a leading "inbox" + separator. */
	if (strcmp(up, pattern) == 0 ||
	    (strncmp(up, "INBOX", 5) == 0 &&
	     (pattern[5] == '\0' || pattern[5] == sep)))
		return NULL;
	return up;
}

/* Joins reference and pattern as Dovecot does: one separator between
   them when the reference ends and the pattern starts with it. */
static const char *join_ref_pattern(struct imap_client *client,
	const char *ref, const char *pattern)
{
	struct mail_namespace *ns;
	size_t len = strlen(ref);

	if (len == 0)
		return pattern;
	ns = mail_namespace_find(client->mail_user, ref);
	if (ns != NULL && ns->sep != '\0' && ref[len - 1] == ns->sep &&
	    pattern[0] == ns->sep)
		pattern++;
	return t_printf("%s%s", ref, pattern);
}

/* Patterns and references arrive in modified UTF-7; a pattern that is
   not valid mUTF-7 matches nothing (storage names are UTF-8), as in
   Dovecot. */
static const char *decode_mutf7(const char *str)
{
	struct buf utf8;

	buf_init(&utf8, scratch_arena(), strlen(str) + 1, 0);
	if (imap_utf7_to_utf8(str, &utf8) < 0)
		return NULL;
	return buf_cstr(&utf8);
}

/* "LIST ref """: the hierarchy separator and the reference's root. */
static void list_ref_root(struct list_context *ctx, const char *ref)
{
	struct imap_client *client = ctx->client;
	struct mail_namespace *ns, *sep_ns;
	struct buf str;
	int r = 0;

	/* The namespace whose prefix the reference is in; else the
	   separator of the INBOX namespace and an empty root, as
	   Dovecot. */
	ns = mail_namespace_find(client->mail_user, ref);
	if (ns != NULL && (ns->hidden ||
			   strncmp(ref, ns->prefix, strlen(ns->prefix)) != 0))
		ns = NULL;
	sep_ns = ns != NULL ? ns :
		mail_namespace_find_inbox(client->mail_user);
	buf_init(&str, scratch_arena(), 64, 0);
	r |= buf_append_str(&str, ctx->lsub ? "* LSUB (\\Noselect) " :
		"* LIST (\\Noselect) ");
	r |= append_sep(&str, sep_ns == NULL ? '\0' : sep_ns->sep);
	r |= buf_append_c(&str, ' ');
	if (ns != NULL && ns->prefix[0] != '\0')
		r |= imap_mailbox_name_append(client, &str, ns->prefix);
	else
		r |= buf_append_str(&str, "\"\"");
	i_assert(r == 0);
	imap_client_send_line(client, buf_cstr(&str));
}

static int parse_select_options(struct list_context *ctx,
	const struct imap_arg *args, const char **error_r)
{
	const char *str;

	for (; !IMAP_ARG_IS_EOL(args); args++) {
		if (!imap_arg_get_atom(args, &str)) {
			*error_r = "List options contains non-atoms.";
			return -1;
		}
		if (strcasecmp(str, "SUBSCRIBED") == 0) {
			ctx->list_flags |= MAILBOX_LIST_SELECT_SUBSCRIBED |
				MAILBOX_LIST_RETURN_SUBSCRIBED;
		} else if (strcasecmp(str, "RECURSIVEMATCH") == 0) {
			ctx->list_flags |= MAILBOX_LIST_SELECT_RECURSIVEMATCH;
		} else if (strcasecmp(str, "SPECIAL-USE") == 0) {
			ctx->list_flags |= MAILBOX_LIST_SELECT_SPECIALUSE |
				MAILBOX_LIST_RETURN_SPECIALUSE;
		} else if (strcasecmp(str, "REMOTE") == 0) {
			/* RFC 5258 §3.1: no remote mailboxes here. */
		} else {
			*error_r = "Unknown select options";
			return -1;
		}
	}
	if ((ctx->list_flags & MAILBOX_LIST_SELECT_RECURSIVEMATCH) != 0 &&
	    (ctx->list_flags & (MAILBOX_LIST_SELECT_SUBSCRIBED |
		    MAILBOX_LIST_SELECT_SPECIALUSE)) == 0) {
		*error_r = "RECURSIVEMATCH must not be the only selection.";
		return -1;
	}
	return 0;
}

static int parse_return_options(struct list_context *ctx,
	const struct imap_arg *args, const char **error_r)
{
	const struct imap_arg *list;
	const char *str;

	for (; !IMAP_ARG_IS_EOL(args); args++) {
		if (!imap_arg_get_atom(args, &str)) {
			*error_r = "List options contains non-atoms.";
			return -1;
		}
		if (strcasecmp(str, "SUBSCRIBED") == 0)
			ctx->list_flags |= MAILBOX_LIST_RETURN_SUBSCRIBED;
		else if (strcasecmp(str, "CHILDREN") == 0)
			ctx->list_flags |= MAILBOX_LIST_RETURN_CHILDREN;
		else if (strcasecmp(str, "SPECIAL-USE") == 0)
			ctx->list_flags |= MAILBOX_LIST_RETURN_SPECIALUSE;
		else if (strcasecmp(str, "STATUS") == 0 &&
			 imap_arg_get_list(&args[1], &list)) {
			if (imap_status_parse_items(list,
				    &ctx->status_items, error_r) < 0)
				return -1;
			ctx->used_status = true;
			args++;
		} else {
			*error_r = "Unknown return options";
			return -1;
		}
	}
	return 0;
}

static enum imap_cmd_result list_bad(struct list_context *ctx,
	const char *error)
{
	imap_client_send_tagline(ctx->client, t_printf("BAD Error in IMAP "
		"command %s: %s", ctx->cmd->def->name, error));
	return IMAP_CMD_DONE;
}

static enum imap_cmd_result cmd_list_full(struct imap_cmd *cmd, bool lsub)
{
	const struct imap_arg *args = cmd->args, *list;
	struct list_context ctx;
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	const char *ref, *pattern, *error, *ref_utf8;
	ARRAY(const char *) patterns;
	unsigned int i, count;
	bool root_query = false;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cmd = cmd;
	ctx.client = cmd->client;
	ctx.lsub = lsub;
	if (!lsub && imap_arg_get_list(args, &list)) {
		ctx.used_listext = true;
		if (parse_select_options(&ctx, list, &error) < 0)
			return list_bad(&ctx, error);
		args++;
	}
	if (!imap_arg_get_astring(args, &ref))
		return list_bad(&ctx, "Invalid reference.");
	ref_utf8 = decode_mutf7(ref);
	array_init(&patterns, cmd->arena, 4);
	if (!lsub && imap_arg_get_list_full(&args[1], &list, &count)) {
		ctx.used_listext = true;
		for (i = 0; i < count; i++) {
			if (!imap_arg_get_astring(&list[i], &pattern))
				return list_bad(&ctx, "Invalid pattern list.");
			pattern = decode_mutf7(pattern);
			if (pattern != NULL && ref_utf8 != NULL) {
				array_push(&patterns, join_ref_pattern(
					ctx.client, ref_utf8, pattern));
			}
		}
	} else if (!imap_arg_get_astring(&args[1], &pattern)) {
		return list_bad(&ctx, "Invalid pattern.");
	} else {
		root_query = *pattern == '\0';
		pattern = decode_mutf7(pattern);
		if (pattern != NULL && ref_utf8 != NULL) {
			array_push(&patterns, join_ref_pattern(ctx.client,
				ref_utf8, pattern));
		}
	}
	args += 2;
	if (!lsub && imap_arg_atom_equals(args, "RETURN") &&
	    imap_arg_get_list(&args[1], &list)) {
		ctx.used_listext = true;
		if (parse_return_options(&ctx, list, &error) < 0)
			return list_bad(&ctx, error);
		args += 2;
	}
	if (!IMAP_ARG_IS_EOL(args))
		return list_bad(&ctx, "Extra arguments.");
	if (root_query && !ctx.used_listext) {
		/* RFC 3501 §6.3.8: the separator and the root. */
		list_ref_root(&ctx, ref_utf8 == NULL ? ref : ref_utf8);
		return imap_cmd_reply(cmd, lsub ?
			"OK Lsub completed." : "OK List completed.");
	}

	if (lsub) {
		ctx.list_flags |= MAILBOX_LIST_SELECT_SUBSCRIBED |
			MAILBOX_LIST_SELECT_RECURSIVEMATCH |
			MAILBOX_LIST_RETURN_SPECIALUSE;
	} else if (!ctx.used_listext) {
		/* Plain LIST: CHILDREN (RFC 3348) and special-use
		   attributes always. */
		ctx.list_flags |= MAILBOX_LIST_RETURN_CHILDREN |
			MAILBOX_LIST_RETURN_SPECIALUSE;
	}
	count = patterns.count;
	for (i = 0; i < count; i++) {
		const char *variant = pattern_inbox_variant(ctx.client,
			patterns.v[i]);

		if (variant != NULL)
			array_push(&patterns, arena_strdup(cmd->arena,
				variant));
	}
	array_push(&patterns, NULL);
	ctx.patterns = patterns.v;
	if (patterns.count > 1) {
		iter = mailbox_list_iter_init(ctx.client->mail_user,
			ctx.patterns, ctx.list_flags);
		while ((info = mailbox_list_iter_next(iter)) != NULL) {
			SCRATCH_BEGIN {
				list_send_info(&ctx, info);
			} SCRATCH_END;
		}
		if (mailbox_list_iter_deinit(&iter) < 0) {
			return imap_cmd_reply(cmd,
				imap_storage_error_tagline(ctx.client, 0));
		}
	}
	return imap_cmd_reply(cmd, lsub ? "OK Lsub completed." :
		"OK List completed.");
}

enum imap_cmd_result cmd_list(struct imap_cmd *cmd)
{
	return cmd_list_full(cmd, false);
}

enum imap_cmd_result cmd_lsub(struct imap_cmd *cmd)
{
	return cmd_list_full(cmd, true);
}
