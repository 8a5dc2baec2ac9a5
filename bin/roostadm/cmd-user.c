/*
 * cmd-user.c - roostadm user: userdb lookups (USER) and listings (LIST)
 * over the auth-userdb socket, printed as doveadm 2.3's "doveadm user":
 *
 *   user NAME...        field/value rows (tab formatter by default) of the
 *                       user's effective uid, gid, home and mail and the
 *                       other userdb fields
 *   user -u NAME...     the raw userdb reply ("userdb: NAME" + fields)
 *   user -f FIELD NAME  just the value
 *   user -e VALUE NAME  VALUE with the user's %variables expanded
 *   user 'MASK*'...     the users matching any mask, one per line
 */
#include "lib.h"
#include "buf.h"
#include "var-expand.h"
#include "auth-master.h"
#include "adm.h"
#include "adm-auth-info.h"
#include "adm-commands.h"
#include "adm-lookup.h"
#include "adm-print.h"

/* Longest expansion of a setting or -e value. */
#define USER_EXPAND_MAX (64 * 1024)

struct user_cmd {
	struct adm_cmd_context *cctx;
	struct auth_master_connection *conn;
	struct auth_user_info user_info;
	struct adm_auth_info info;
	const char *show_field, *expand_field;
	struct adm_print *print;
};

static bool have_wildcards(const struct adm_args *args)
{
	for (unsigned int i = 0; i < args->arg_count; i++) {
		if (strpbrk(args->args[i], "*?") != NULL)
			return true;
	}
	return false;
}

static void user_list(struct user_cmd *uc)
{
	const struct adm_args *args = &uc->cctx->args;
	struct auth_master_user_list_ctx *ctx;
	const char *name, *error;

	/* All users are asked for and the masks applied here,
	   case-insensitively as doveadm does: the client library matches
	   a mask sent to the server case-sensitively. */
	ctx = auth_master_user_list_init(uc->conn, NULL, &uc->user_info);
	while ((name = auth_master_user_list_next(ctx)) != NULL) {
		for (unsigned int i = 0; i < args->arg_count; i++) {
			if (adm_wildcard_match_icase(name, args->args[i])) {
				printf("%s\n", name);
				break;
			}
		}
	}
	if (auth_master_user_list_deinit(&ctx, &error) < 0)
		adm_fatal("user listing failed: %s", error);
}

/* The variables of a looked-up user, for settings and -e. */
static const struct var_expand_table *
user_var_table(struct user_cmd *uc, const char *username, const char *home,
	const char *uid, const char *gid)
{
	struct arena *arena = uc->cctx->arena;
	struct var_expand_params params;
	struct var_expand_table *ids = arena_new(arena,
		struct var_expand_table, 4);

	memset(&params, 0, sizeof(params));
	params.user = username;
	params.service = uc->info.service;
	params.local_ip = uc->info.local_ip;
	params.remote_ip = uc->info.remote_ip;
	if (uc->info.local_port != 0)
		params.local_port = arena_printf(arena, "%u",
			uc->info.local_port);
	if (uc->info.remote_port != 0)
		params.remote_port = arena_printf(arena, "%u",
			uc->info.remote_port);
	params.pid = arena_printf(arena, "%ld", (long)getpid());
	params.home = home;
	params.session = uc->info.session_id;
	params.local_name = uc->info.local_name;
	/* %i / %{uid} and %{gid} are the user's, not roostadm's. */
	ids[0] = (struct var_expand_table){ 'i', uid, "uid" };
	ids[1] = (struct var_expand_table){ '\0', gid, "gid" };
	return var_expand_table_merge(arena, ids,
		var_expand_table_build(arena, &params));
}

static int user_expand(struct user_cmd *uc, const char *str,
	const struct var_expand_table *table, const char **result_r,
	const char **error_r)
{
	struct buf out;

	buf_init(&out, uc->cctx->arena, 128, USER_EXPAND_MAX);
	if (var_expand(&out, str, table, error_r) < 0)
		return -1;
	*result_r = buf_cstr(&out);
	return 0;
}

/* The last -o value for setting, or NULL. */
static const char *user_override(struct user_cmd *uc, const char *setting)
{
	const struct adm_context *adm = uc->cctx->adm;

	for (unsigned int i = adm->overrides.count; i > 0; i--) {
		if (strcmp(adm->overrides.v[i - 1].key, setting) == 0)
			return adm->overrides.v[i - 1].value;
	}
	return NULL;
}

/* A userdb field's value, or NULL. */
static const char *user_field(const char *const *fields, const char *key)
{
	size_t len = strlen(key);
	const char *value = NULL;

	for (; *fields != NULL; fields++) {
		if (strncmp(*fields, key, len) == 0 && (*fields)[len] == '=')
			value = *fields + len + 1;
	}
	return value;
}

/*
 * The effective value of one of uid/gid/home/mail, as the mail processes
 * would use it: a -o override, else the userdb field (already expanded by
 * auth), else the setting.  Overrides and settings get the user's
 * %variables expanded with table.
 */
static const char *user_effective(struct user_cmd *uc,
	enum adm_user_setting setting, const char *const *fields,
	const struct var_expand_table *table)
{
	const char *name = adm_user_setting_names[setting];
	const char *value = user_override(uc, name);
	const char *result, *error;

	if (value == NULL) {
		value = user_field(fields, adm_user_field_names[setting]);
		if (value != NULL)
			return value;
		value = adm_setting(uc->cctx->adm, name);
	}
	if (user_expand(uc, value, table, &result, &error) < 0)
		adm_fatal("Failed to expand %s: %s", name, error);
	return result;
}

/* Prints the rows of the user as a mail process sees it, one field of
   them, or the -e expansion. */
static void user_print_mail_view(struct user_cmd *uc, const char *input_user,
	const char *username, const char *const *fields)
{
	const char *eff[ADM_USER_SETTING_COUNT];
	static const char *const no_fallback[ADM_USER_SETTING_COUNT];
	const struct var_expand_table *table;
	const char *const *rows, *value, *error;
	unsigned int i;

	/* In order, each with the ones before it known: the home may use
	   %u and %i, the mail location %h. */
	for (i = 0; i < ADM_USER_SETTING_COUNT; i++) {
		table = user_var_table(uc, username,
			i > ADM_USER_HOME ? eff[ADM_USER_HOME] : NULL,
			i > ADM_USER_UID ? eff[ADM_USER_UID] : NULL,
			i > ADM_USER_GID ? eff[ADM_USER_GID] : NULL);
		eff[i] = user_effective(uc, i, fields, table);
	}

	if (uc->expand_field != NULL) {
		table = user_var_table(uc, username, eff[ADM_USER_HOME],
			eff[ADM_USER_UID], eff[ADM_USER_GID]);
		if (user_expand(uc, uc->expand_field, table, &value,
			    &error) < 0)
			i_error("Failed to expand %s: %s", uc->expand_field,
				error);
		else
			printf("%s\n", value);
		return;
	}

	rows = adm_user_rows(uc->cctx->arena, input_user, username, fields,
		eff, no_fallback);
	for (i = 0; rows[i] != NULL; i += 2) {
		if (uc->show_field == NULL) {
			adm_print(uc->print, rows[i]);
			adm_print(uc->print, rows[i + 1]);
		} else if (strcmp(uc->show_field, rows[i]) == 0) {
			printf("%s\n", rows[i + 1]);
		}
	}
}

/* Looks up one user; returns the exit code for it (0 = found). */
static int user_lookup(struct user_cmd *uc, const char *user,
	bool userdb_only)
{
	const char *username, *const *fields, *error;
	int ret;

	ret = auth_master_user_lookup(uc->conn, user, &uc->user_info,
		uc->cctx->arena, &username, &fields, &error);
	if (ret < 0) {
		i_error("userdb lookup failed for %s: %s", user, error);
		return ADM_EX_TEMPFAIL;
	}
	if (ret == 0) {
		bool quiet = uc->show_field != NULL ||
			uc->expand_field != NULL;

		(void)fflush(stdout);
		/* The mail view puts an empty line before the message. */
		fprintf(quiet ? stderr : stdout,
			"%suserdb lookup: user %s doesn't exist\n",
			userdb_only ? "" : "\n", user);
		return ADM_EX_NOUSER;
	}
	if (!userdb_only)
		user_print_mail_view(uc, user, username, fields);
	else if (uc->show_field != NULL)
		adm_write_lookup_field(stdout, uc->show_field, fields);
	else
		adm_write_lookup(stdout, "userdb", user, username, fields);
	return 0;
}

void cmd_user(struct adm_cmd_context *cctx)
{
	const struct adm_args *args = &cctx->args;
	const char *socket_path = adm_args_get(args, 'a');
	bool userdb_only = adm_args_has(args, 'u');
	struct user_cmd uc;
	const char *error;

	memset(&uc, 0, sizeof(uc));
	uc.cctx = cctx;
	uc.show_field = adm_args_get(args, 'f');
	uc.expand_field = adm_args_get(args, 'e');
	adm_cmd_auth_info(cctx, &uc.info);
	adm_cmd_user_info(cctx, &uc.info, &uc.user_info);
	if (uc.expand_field != NULL && userdb_only) {
		i_error("-e can't be used with -u");
		adm_set_exit(cctx->adm, ADM_EX_USAGE);
		return;
	}
	if (uc.expand_field != NULL && uc.show_field != NULL) {
		i_error("-e can't be used with -f");
		adm_set_exit(cctx->adm, ADM_EX_USAGE);
		return;
	}
	if (socket_path == NULL)
		socket_path = adm_base_path(cctx->adm, "auth-userdb");
	uc.conn = auth_master_init(socket_path,
		AUTH_MASTER_DEFAULT_TIMEOUT_MSECS);

	if (have_wildcards(args)) {
		user_list(&uc);
		auth_master_deinit(&uc.conn);
		return;
	}
	if (!userdb_only && uc.show_field == NULL && uc.expand_field == NULL) {
		uc.print = adm_print_create(cctx->adm->formatter, "tab",
			stdout, stderr, cctx->adm->hide_titles, &error);
		if (uc.print == NULL)
			adm_fatal("%s", error);
		adm_print_header_simple(uc.print, "field");
		adm_print_header_simple(uc.print, "value");
	}
	for (unsigned int i = 0; i < args->arg_count; i++) {
		int code;

		if (uc.print != NULL)
			adm_print_begin_text(uc.print);
		if (i > 0)
			putchar('\n');
		code = user_lookup(&uc, args->args[i], userdb_only);
		if (code != 0)
			adm_set_exit(cctx->adm, code);
	}
	adm_print_destroy(&uc.print);
	auth_master_deinit(&uc.conn);
}
