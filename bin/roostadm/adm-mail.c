/*
 * adm-mail.c - the user loop of roostadm's mail commands: which users (-u,
 * -A, -F, $USER), the userdb lookup, the switch to the user's ids, the
 * storage user, the callback, and doveadm's error reporting (see
 * adm-mail.h).
 */
#include "lib.h"
#include "arena.h"
#include "array.h"
#include "buf.h"
#include "config.h"
#include "auth-master.h"
#include "mail-service.h"
#include "adm.h"
#include "adm-cmd.h"
#include "adm-lookup.h"
#include "adm-print.h"
#include "adm-mail.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

/* Longest -F file read (a million users of 60 bytes). */
#define ADM_MAIL_USER_FILE_MAX (64 * 1024 * 1024)

enum adm_mail_users {
	/* -u without wildcards, or $USER */
	ADM_MAIL_USERS_ONE,
	/* -u with '*' or '?' */
	ADM_MAIL_USERS_MASK,
	/* -A */
	ADM_MAIL_USERS_ALL,
	/* -F */
	ADM_MAIL_USERS_FILE,
};

struct adm_mail {
	struct adm_cmd_context *cctx;
	const struct config *config;
	/* The configuration with the -o settings, when there are any. */
	struct config *own_config;
	struct config_filter filter;
	enum adm_mail_users users;
	/* the -u value or $USER, the -F path */
	const char *user_arg, *file_path;

	struct auth_master_connection *conn;
	struct auth_user_info user_info;
	struct adm_print *print;

	/* While a user is served. */
	const char *username;
	struct arena *user_arena;
};

static bool adm_mail_has_override(const struct adm_context *adm,
	const char *setting)
{
	for (unsigned int i = 0; i < adm->overrides.count; i++) {
		if (strcmp(adm->overrides.v[i].key, setting) == 0)
			return true;
	}
	return false;
}

/* The userdb fields that -o settings replace, as in doveadm user. */
static const struct {
	const char *setting, *field;
} adm_mail_field_overrides[] = {
	{ "mail_uid", "uid" },
	{ "mail_gid", "gid" },
	{ "mail_home", "home" },
	{ "mail_location", "mail" },
};

/*
 * The configuration the users' mail is opened with: the file with the -o
 * settings appended (so that they win over its global values, as doveadm
 * applies them); names that are no setting are ignored, as doveadm does.
 * A value with a newline is fatal, as is a value the setting can't take
 * (like a broken configuration file).
 */
static const struct config *adm_mail_load_config(struct adm_mail *mail)
{
	struct adm_context *adm = mail->cctx->adm;
	const char *path = adm->config_path, *error;
	char cwd[PATH_MAX];
	struct buf text;

	if (adm->overrides.count == 0)
		return adm_config(adm);
	if (path[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			adm_fatal("getcwd() failed: %s", strerror(errno));
		path = t_printf("%s/%s", cwd, path);
	}
	/* Locally built from the command line: unbounded. */
	buf_init(&text, mail->cctx->arena, 256, 0);
	if (buf_printf(&text, "!include %s\n", path) < 0)
		i_panic("unbounded buffer refused an append");
	for (unsigned int i = 0; i < adm->overrides.count; i++) {
		const struct adm_override *ov = &adm->overrides.v[i];

		/* doveadm ignores names that are no setting. */
		if (!config_setting_exists(ov->key))
			continue;
		if (strpbrk(ov->key, "\n= ") != NULL ||
		    strchr(ov->value, '\n') != NULL)
			adm_fatal("Invalid -o parameter %s=%s", ov->key,
				ov->value);
		if (buf_printf(&text, "%s = %s\n", ov->key, ov->value) < 0)
			i_panic("unbounded buffer refused an append");
	}
	/* Named apart from the file itself, which it includes. */
	if (config_load_string(buf_cstr(&text),
		    t_printf("%s (-o)", path),
		    &mail->own_config, &error) < 0)
		adm_fatal("Error reading configuration: %s", error);
	return mail->own_config;
}

/* The userdb fields without those an -o setting replaces. */
static const char *const *adm_mail_apply_overrides(struct adm_mail *mail,
	const char *const *fields)
{
	const struct adm_context *adm = mail->cctx->adm;
	ARRAY(const char *) out;

	if (adm->overrides.count == 0)
		return fields;
	array_init(&out, mail->user_arena, 16);
	for (; *fields != NULL; fields++) {
		bool replaced = false;

		for (unsigned int i = 0;
		     i < N_ELEMENTS(adm_mail_field_overrides); i++) {
			size_t len = strlen(adm_mail_field_overrides[i].field);

			if (strncmp(*fields, adm_mail_field_overrides[i].field,
				    len) == 0 && (*fields)[len] == '=' &&
			    adm_mail_has_override(adm,
				    adm_mail_field_overrides[i].setting))
				replaced = true;
		}
		if (!replaced)
			array_push(&out, *fields);
	}
	array_push(&out, NULL);
	return out.v;
}

struct adm_mail *adm_mail_init(struct adm_cmd_context *cctx)
{
	const struct adm_args *args = &cctx->args;
	const char *user = adm_args_get(args, 'u');
	struct adm_mail *mail;

	if (adm_args_has(args, 'S')) {
		i_error("-S: roostadm has no doveadm server to connect to; "
			"run it on the mail server");
		adm_set_exit(cctx->adm, ADM_EX_USAGE);
		return NULL;
	}
	mail = arena_new(cctx->arena, struct adm_mail, 1);
	mail->cctx = cctx;
	if (adm_args_has(args, 'A')) {
		mail->users = ADM_MAIL_USERS_ALL;
	} else if (adm_args_has(args, 'F')) {
		mail->users = ADM_MAIL_USERS_FILE;
		mail->file_path = adm_args_get(args, 'F');
	} else if (user != NULL) {
		mail->users = strpbrk(user, "*?") != NULL ?
			ADM_MAIL_USERS_MASK : ADM_MAIL_USERS_ONE;
		mail->user_arg = user;
	} else {
		user = getenv("USER");
		if (user == NULL) {
			(void)fflush(stdout);
			log_message(LOG_LEVEL_FATAL, "USER environment is "
				"missing and -u option not used");
			adm_set_exit(cctx->adm, ADM_EX_USAGE);
			return NULL;
		}
		mail->users = ADM_MAIL_USERS_ONE;
		mail->user_arg = user;
	}
	mail->config = adm_mail_load_config(mail);
	mail->filter.protocol = "doveadm";
	mail->filter.service = "doveadm";
	mail->user_info.service = "doveadm";
	mail->user_info.debug = cctx->adm->debug;
	return mail;
}

void adm_mail_deinit(struct adm_mail **_mail)
{
	struct adm_mail *mail = *_mail;

	if (mail == NULL)
		return;
	*_mail = NULL;
	adm_print_destroy(&mail->print);
	if (mail->conn != NULL)
		auth_master_deinit(&mail->conn);
	config_free(&mail->own_config);
}

struct adm_print *adm_mail_print_init(struct adm_mail *mail,
	const char *default_formatter)
{
	const struct adm_context *adm = mail->cctx->adm;
	const char *error;

	i_assert(mail->print == NULL);
	mail->print = adm_print_create(adm->formatter, default_formatter,
		stdout, stderr, adm->hide_titles, &error);
	if (mail->print == NULL)
		adm_fatal("%s", error);
	if (adm_mail_is_multi_user(mail)) {
		adm_print_header(mail->print, "username", "Username",
			ADM_PRINT_HEADER_FLAG_STICKY |
			ADM_PRINT_HEADER_FLAG_HIDE_TITLE);
	}
	return mail->print;
}

struct adm_print *adm_mail_get_print(struct adm_mail *mail)
{
	return mail->print;
}

struct adm_cmd_context *adm_mail_get_cmd(struct adm_mail *mail)
{
	return mail->cctx;
}

bool adm_mail_is_multi_user(const struct adm_mail *mail)
{
	return mail->users != ADM_MAIL_USERS_ONE;
}

const char *adm_mail_get_username(const struct adm_mail *mail)
{
	return mail->username;
}

struct arena *adm_mail_user_arena(struct adm_mail *mail)
{
	i_assert(mail->user_arena != NULL);
	return mail->user_arena;
}

void adm_mail_usage(struct adm_mail *mail)
{
	(void)fflush(stdout);
	adm_cmd_write_help(stderr, mail->cctx->cmd);
	adm_mail_set_exit(mail, ADM_EX_USAGE);
}

void adm_mail_set_exit(struct adm_mail *mail, int code)
{
	adm_set_exit(mail->cctx->adm, code);
}

int adm_mail_error_exit_code(enum mail_error error)
{
	switch (error) {
	case MAIL_ERROR_NONE:
	case MAIL_ERROR_EXPUNGED:
		return ADM_EX_OK;
	case MAIL_ERROR_TEMP:
	case MAIL_ERROR_INUSE:
		return ADM_EX_TEMPFAIL;
	case MAIL_ERROR_NOTPOSSIBLE:
	case MAIL_ERROR_EXISTS:
	case MAIL_ERROR_LIMIT:
		return ADM_EX_NOTPOSSIBLE;
	case MAIL_ERROR_PARAMS:
		return ADM_EX_USAGE;
	case MAIL_ERROR_PERM:
		return ADM_EX_NOPERM;
	case MAIL_ERROR_NOQUOTA:
		return ADM_EX_CANTCREAT;
	case MAIL_ERROR_NOTFOUND:
		return ADM_EX_NOTFOUND;
	}
	return ADM_EX_TEMPFAIL;
}

enum mail_error adm_mail_storage_error(struct adm_mail *mail,
	struct mail_user *user, const char *fmt, ...)
{
	enum mail_error error;
	const char *text = mail_user_get_last_error(user, &error);
	const char *what;
	va_list args;
	int code;

	va_start(args, fmt);
	what = arena_vprintf(scratch_arena(), fmt, args);
	va_end(args);
	(void)fflush(stdout);
	i_error("%s: %s", what, text);
	code = adm_mail_error_exit_code(error);
	if (code != ADM_EX_OK)
		adm_mail_set_exit(mail, code);
	return error;
}

int adm_mail_mailbox_names(struct adm_mail *mail, struct mail_user *user,
	const char *const *masks, bool selectable_only,
	const char *const **names_r)
{
	struct arena *arena = adm_mail_user_arena(mail);
	struct mailbox_list_iter *iter;
	const struct mailbox_info *info;
	ARRAY(const char *) names;
	int ret = 0;

	array_init(&names, arena, 16);
	if (!selectable_only && masks[0] != NULL && masks[1] == NULL &&
	    strpbrk(masks[0], "*%") == NULL) {
		array_push(&names, masks[0]);
	} else {
		iter = mailbox_list_iter_init(user, masks,
			MAILBOX_LIST_NO_PREFIX_ENTRIES);
		while ((info = mailbox_list_iter_next(iter)) != NULL) {
			if (selectable_only && (info->flags &
			    (MAILBOX_NOSELECT | MAILBOX_NONEXISTENT)) != 0)
				continue;
			array_push(&names, arena_strdup(arena, info->vname));
		}
		if (mailbox_list_iter_deinit(&iter) < 0) {
			adm_mail_storage_error(mail, user,
				"Listing mailboxes failed");
			ret = -1;
		}
	}
	array_push(&names, NULL);
	*names_r = names.v;
	return ret;
}

static struct auth_master_connection *adm_mail_conn(struct adm_mail *mail)
{
	if (mail->conn == NULL) {
		mail->conn = auth_master_init(
			adm_base_path(mail->cctx->adm, "auth-userdb"),
			AUTH_MASTER_DEFAULT_TIMEOUT_MSECS);
	}
	return mail->conn;
}

/* Logs an error of the user loop itself with the "roostadm: " prefix. */
static void adm_mail_iter_failed(struct adm_mail *mail)
{
	(void)fflush(stdout);
	log_message_prefix(LOG_LEVEL_ERROR, "roostadm: ",
		"Failed to iterate through some users");
	adm_mail_set_exit(mail, ADM_EX_TEMPFAIL);
}

/* The users of the userdb matching the -u mask (all for -A). */
static const char *const *adm_mail_list_users(struct adm_mail *mail,
	bool *failed_r)
{
	struct auth_master_user_list_ctx *ctx;
	ARRAY(const char *) names;
	const char *name, *error;

	*failed_r = false;
	array_init(&names, mail->cctx->arena, 64);
	ctx = auth_master_user_list_init(adm_mail_conn(mail), NULL,
		&mail->user_info);
	while ((name = auth_master_user_list_next(ctx)) != NULL) {
		/* doveadm matches masks case-insensitively. */
		if (mail->user_arg == NULL ||
		    adm_wildcard_match_icase(name, mail->user_arg))
			array_push(&names, arena_strdup(mail->cctx->arena,
				name));
	}
	if (auth_master_user_list_deinit(&ctx, &error) < 0) {
		(void)fflush(stdout);
		i_error("%s", error);
		*failed_r = true;
	}
	array_push(&names, NULL);
	return names.v;
}

/* The lines of the -F file, verbatim; NULL (error logged) if unreadable. */
static const char *const *adm_mail_file_users(struct adm_mail *mail)
{
	struct arena *arena = mail->cctx->arena;
	ARRAY(const char *) names;
	const char *p, *end, *nl;
	struct stat st = { .st_size = 0 };
	char *data;
	ssize_t ret;
	size_t used = 0;
	int fd;

	fd = open(mail->file_path, O_RDONLY);
	if (fd == -1) {
		(void)fflush(stdout);
		i_error("read(%s) failed: open(%s) failed: %s",
			mail->file_path, mail->file_path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_size > ADM_MAIL_USER_FILE_MAX) {
		(void)fflush(stdout);
		i_error("read(%s) failed: %s", mail->file_path,
			st.st_size > ADM_MAIL_USER_FILE_MAX ?
			"file too large" : strerror(errno));
		(void)close(fd);
		return NULL;
	}
	data = arena_alloc(arena, (size_t)st.st_size + 1);
	while (used < (size_t)st.st_size &&
	       (ret = read(fd, data + used, (size_t)st.st_size - used)) > 0)
		used += (size_t)ret;
	(void)close(fd);

	array_init(&names, arena, 64);
	p = data;
	end = data + used;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		array_push(&names, arena_strndup(arena, p, (size_t)(nl - p)));
		p = nl + 1;
	}
	array_push(&names, NULL);
	return names.v;
}

/* Undoes the temporary switch; running on with the user's ids would be
   wrong for the next user, so a failure is fatal. */
static void adm_mail_restore_ids(void)
{
	const char *error;

	if (mail_service_restore_ids(&error) < 0)
		adm_fatal("%s", error);
}

static void adm_mail_serve(struct adm_mail *mail, const char *input_user,
	adm_mail_user_func_t *callback, void *context)
{
	const char *username, *const *fields, *error;
	struct mail_service_ids ids;
	struct mail_user *user;
	int ret;

	ret = auth_master_user_lookup(adm_mail_conn(mail), input_user,
		&mail->user_info, mail->user_arena, &username, &fields,
		&error);
	if (ret < 0) {
		i_error("User lookup failed: %s", error);
		adm_mail_set_exit(mail, ADM_EX_TEMPFAIL);
		return;
	}
	if (ret == 0) {
		if (adm_mail_is_multi_user(mail)) {
			i_info("User no longer exists, skipping");
		} else {
			i_error("User doesn't exist");
			adm_mail_set_exit(mail, ADM_EX_NOUSER);
		}
		return;
	}
	fields = adm_mail_apply_overrides(mail, fields);
	if (mail_service_user_ids(mail->config, &mail->filter, username,
		    fields, &ids, &error) < 0 ||
	    mail_service_temp_switch_ids(&ids, username, "roostadm",
		    &error) < 0) {
		i_error("Couldn't drop privileges: %s", error);
		adm_mail_set_exit(mail, ADM_EX_TEMPFAIL);
		return;
	}
	if (mail_service_user_create(mail->config, username, fields,
		    "doveadm", &mail->filter, NULL, &user, &error) < 0) {
		i_error("%s", error);
		adm_mail_set_exit(mail, ADM_EX_TEMPFAIL);
		adm_mail_restore_ids();
		return;
	}
	mail->username = username;
	if (mail->print != NULL && adm_mail_is_multi_user(mail))
		adm_print_sticky(mail->print, "username", username);
	(void)callback(mail, user, context);
	mail_user_destroy(&user);
	mail->username = NULL;
	adm_mail_restore_ids();
}

static void adm_mail_serve_one(struct adm_mail *mail, const char *input_user,
	adm_mail_user_func_t *callback, void *context)
{
	const char *old_prefix = t_strdup(log_get_prefix());

	log_set_prefix(t_printf("roostadm(%s): ", input_user));
	mail->user_arena = arena_create("roostadm user", 4096);
	SCRATCH_BEGIN {
		adm_mail_serve(mail, input_user, callback, context);
	} SCRATCH_END;
	arena_destroy(&mail->user_arena);
	(void)fflush(stdout);
	log_set_prefix(old_prefix);
}

void adm_mail_run(struct adm_mail *mail, adm_mail_user_func_t *callback,
	void *context)
{
	const char *const *users = NULL;
	bool failed = false;

	switch (mail->users) {
	case ADM_MAIL_USERS_ONE:
		adm_mail_serve_one(mail, mail->user_arg, callback, context);
		return;
	case ADM_MAIL_USERS_MASK:
	case ADM_MAIL_USERS_ALL:
		users = adm_mail_list_users(mail, &failed);
		break;
	case ADM_MAIL_USERS_FILE:
		users = adm_mail_file_users(mail);
		failed = users == NULL;
		break;
	default:
		i_panic("unknown user selection %d", (int)mail->users);
	}
	for (; users != NULL && *users != NULL; users++)
		adm_mail_serve_one(mail, *users, callback, context);
	if (failed)
		adm_mail_iter_failed(mail);
}
