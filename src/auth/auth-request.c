/*
 * auth-request.c - the request object: parameters, user name
 * normalisation, passdb/userdb fields, %variables, the mechanism's
 * reports to the owner, and Dovecot's log lines.  The passdb and userdb
 * chains are in auth-request-chain.c.
 */
#include "lib.h"
#include "auth-request.h"
#include "buf.h"
#include "str.h"
#include "ioloop.h"
#include "net.h"
#include "var-expand.h"
#include "auth.h"
#include "auth-fields.h"
#include "auth-settings.h"
#include "mech.h"

#include <openssl/evp.h>

#define MAX_LOG_USERNAME_LEN 64

struct auth_request *auth_request_new(struct auth *auth,
	const struct mech_module *mech,
	auth_request_reply_callback_t *callback, void *context)
{
	struct arena *arena = arena_create("auth request", 2048);
	struct auth_request *request = arena_new(arena, struct auth_request, 1);

	request->arena = arena;
	request->auth = auth;
	request->set = auth->set;
	request->mech = mech;
	request->reply_callback = callback;
	request->reply_context = context;
	request->extra_fields = auth_fields_create(arena);
	request->userdb_fields = auth_fields_create(arena);
	request->create_msecs = ioloop_now_msecs();
	return request;
}

void auth_request_free(struct auth_request **_request)
{
	struct auth_request *request = *_request;
	struct arena *arena;

	if (request == NULL)
		return;
	*_request = NULL;
	arena = request->arena;
	/* The arena held the plaintext password: wipe everything. */
	arena_destroy_clean(&arena);
}

static bool import_port(const char *value, unsigned int *port_r)
{
	return str_to_uint(value, port_r) == 0 && *port_r <= 65535;
}

bool auth_request_import(struct auth_request *request, const char *key,
	const char *value, const char **error_r)
{
	struct arena *a = request->arena;

	*error_r = NULL;
	if (strcmp(key, "service") == 0)
		request->service = arena_strdup(a, value);
	else if (strcmp(key, "session") == 0)
		request->session_id = arena_strdup(a, value);
	else if (strcmp(key, "lip") == 0)
		request->local_ip = arena_strdup(a, value);
	else if (strcmp(key, "rip") == 0)
		request->remote_ip = arena_strdup(a, value);
	else if (strcmp(key, "local_name") == 0)
		request->local_name = arena_strdup(a, value);
	else if (strcmp(key, "lport") == 0) {
		if (!import_port(value, &request->local_port)) {
			*error_r = "Invalid lport";
			return false;
		}
	} else if (strcmp(key, "rport") == 0) {
		if (!import_port(value, &request->remote_port)) {
			*error_r = "Invalid rport";
			return false;
		}
	} else if (strcmp(key, "secured") == 0)
		request->secured = true;
	else if (strcmp(key, "valid-client-cert") == 0)
		request->valid_client_cert = true;
	else if (strcmp(key, "no-penalty") == 0)
		request->no_penalty = true;
	else if (strcmp(key, "debug") == 0)
		request->debug = true;
	else if (strcmp(key, "final-resp-ok") == 0)
		request->final_resp_ok = true;
	else
		return false;
	return true;
}

/* Dovecot's auth_request_fix_username(). */
static const char *auth_request_fix_username(struct auth_request *request,
	const char *username, const char **error_r)
{
	const struct auth_settings *set = request->set;
	unsigned char *p;
	char *user;

	if (set->default_realm[0] != '\0' && strchr(username, '@') == NULL)
		user = t_printf("%s@%s", username, set->default_realm);
	else
		user = t_strdup(username);

	for (p = (unsigned char *)user; *p != '\0'; p++) {
		if (set->username_translation_map[*p] != 0)
			*p = set->username_translation_map[*p];
		if (!set->username_chars_all && !set->username_chars_map[*p]) {
			*error_r = t_printf("Username character disallowed by "
				"auth_username_chars: 0x%02x (username: %s)",
				*p, username);
			return NULL;
		}
	}
	if (set->username_format[0] != '\0') {
		const char *old_user = request->user, *expanded, *error;

		/* %u must be the name being fixed. */
		request->user = user;
		if (auth_request_var_expand(request, set->username_format,
			    &expanded, &error) < 0) {
			request->user = old_user;
			*error_r = t_printf("Failed to expand "
				"username_format=%s: %s",
				set->username_format, error);
			return NULL;
		}
		request->user = old_user;
		user = t_strdup(expanded);
	}
	if (user[0] == '\0') {
		*error_r = "Empty username";
		return NULL;
	}
	return user;
}

bool auth_request_set_username(struct auth_request *request,
	const char *username, const char **error_r)
{
	const char *sep = request->set->master_user_separator;
	const char *fixed, *p;

	if (request->original_username == NULL)
		request->original_username = arena_strdup(request->arena,
			username);
	if (sep[0] != '\0' && (p = strstr(username, sep)) != NULL) {
		/* user*master: log in as user with master's password. */
		const char *login_user = t_strndup(username,
			(size_t)(p - username));

		if (!auth_request_set_login_username(request, login_user,
			    error_r))
			return false;
		username = p + strlen(sep);
	}
	fixed = auth_request_fix_username(request, username, error_r);
	if (fixed == NULL)
		return false;
	request->user = arena_strdup(request->arena, fixed);
	return true;
}

bool auth_request_set_login_username(struct auth_request *request,
	const char *username, const char **error_r)
{
	struct auth *auth = request->auth;
	bool have_master = false;

	for (unsigned int i = 0; i < auth->passdbs.count; i++) {
		if (auth->passdbs.v[i]->set->master)
			have_master = true;
	}
	request->requested_login_user = arena_strdup(request->arena,
		username);
	if (!have_master)
		*error_r = "Master user login attempted without master passdbs";
	else
		*error_r = "Master user logins are not supported yet";
	return false;
}

static bool remote_ip_in_nets(const struct auth_request *request,
	const char *nets)
{
	struct ip_addr ip, net;
	unsigned int bits;
	bool found = false;

	if (request->remote_ip == NULL ||
	    net_addr2ip(request->remote_ip, &ip) < 0)
		return false;
	SCRATCH_BEGIN {
		char **list = str_split(scratch_arena(), nets, ", ", true);

		for (unsigned int i = 0; list[i] != NULL && !found; i++) {
			if (net_parse_range(list[i], &net, &bits) == 0 &&
			    net_is_in_network(&ip, &net, bits))
				found = true;
		}
	} SCRATCH_END;
	return found;
}

void auth_request_set_field(struct auth_request *request, const char *name,
	const char *value)
{
	struct arena *a = request->arena;

	if (value == NULL)
		value = "";
	if (strcmp(name, "password") == 0) {
		request->passdb_password = arena_strdup(a, value);
		request->passdb_password_set = true;
	} else if (strcmp(name, "password_noscheme") == 0) {
		const char *scheme = request->passdb != NULL ?
			request->passdb->default_pass_scheme :
			request->set->default_pass_scheme;

		request->passdb_password = arena_printf(a, "{%s}%s", scheme,
			value);
		request->passdb_password_set = true;
	} else if (strcmp(name, "user") == 0 ||
		   strcmp(name, "username") == 0 ||
		   strcmp(name, "domain") == 0) {
		const char *old = request->user != NULL ? request->user : "";
		const char *at = strchr(old, '@'), *new_user;

		if (strcmp(name, "user") == 0)
			new_user = value;
		else if (strcmp(name, "username") == 0)
			new_user = at == NULL ? value :
				t_printf("%s%s", value, at);
		else
			new_user = t_printf("%.*s@%s",
				(int)(at == NULL ? strlen(old) :
				      (size_t)(at - old)), old, value);
		if (strcmp(old, new_user) != 0) {
			auth_request_log_debug(request, AUTH_SUBSYS_DB,
				"username changed %s -> %s", old, new_user);
			request->user = arena_strdup(a, new_user);
		}
	} else if (strcmp(name, "nopassword") == 0) {
		request->nopassword = true;
	} else if (strcmp(name, "noauthenticate") == 0) {
		/* Only meaningful for master-user passdbs. */
	} else if (strcmp(name, "allow_nets") == 0) {
		if (!remote_ip_in_nets(request, value)) {
			auth_request_log_info(request, AUTH_SUBSYS_DB,
				"allow_nets check failed: IP not in allowed "
				"networks");
			request->passdb_denied = true;
		}
	} else if (str_begins(name, "userdb_")) {
		auth_request_set_userdb_field(request, name + 7, value);
	} else {
		auth_fields_set(request->extra_fields, name, value);
	}
}

void auth_request_set_userdb_field(struct auth_request *request,
	const char *name, const char *value)
{
	if (value == NULL)
		value = "";
	if (strcmp(name, "uid") == 0) {
		uid_t uid;

		if (userdb_parse_uid(value, &uid) < 0) {
			auth_request_log_error(request, AUTH_SUBSYS_DB,
				"Invalid uid value '%s'", value);
			return;
		}
		value = t_printf("%lu", (unsigned long)uid);
	} else if (strcmp(name, "gid") == 0) {
		gid_t gid;

		if (userdb_parse_gid(value, &gid) < 0) {
			auth_request_log_error(request, AUTH_SUBSYS_DB,
				"Invalid gid value '%s'", value);
			return;
		}
		value = t_printf("%lu", (unsigned long)gid);
	} else if (strcmp(name, "userdb_import") == 0) {
		/* key=value pairs packed with tabs. */
		SCRATCH_BEGIN {
			char **list = str_split(scratch_arena(), value, "\t",
				true);

			for (unsigned int i = 0; list[i] != NULL; i++) {
				char *eq = strchr(list[i], '=');

				if (eq != NULL)
					*eq++ = '\0';
				auth_request_set_userdb_field(request,
					list[i], eq);
			}
		} SCRATCH_END;
		return;
	}
	auth_fields_set(request->userdb_fields, name, value);
}

void auth_request_set_fields_str(struct auth_request *request,
	const char *fields, bool userdb)
{
	SCRATCH_BEGIN {
		char **list = str_split(scratch_arena(), fields, " ", true);

		for (unsigned int i = 0; list[i] != NULL; i++) {
			char *value = strchr(list[i], '=');
			const char *expanded = NULL, *error;

			if (value != NULL) {
				*value++ = '\0';
				if (auth_request_var_expand(request, value,
					    &expanded, &error) < 0) {
					auth_request_log_error(request,
						AUTH_SUBSYS_DB,
						"Failed to expand %s=%s: %s",
						list[i], value, error);
					continue;
				}
			}
			if (userdb)
				auth_request_set_userdb_field(request,
					list[i], expanded);
			else
				auth_request_set_field(request, list[i],
					expanded);
		}
	} SCRATCH_END;
}

static void auth_request_reply(struct auth_request *request,
	enum auth_request_result result, const void *data, size_t size)
{
	request->reply_callback(request, result, data, size,
		request->reply_context);
}

void auth_request_continue(struct auth_request *request, const void *data,
	size_t size)
{
	i_assert(!request->finished);
	auth_request_reply(request, AUTH_REQUEST_RESULT_CONTINUE, data, size);
}

void auth_request_success(struct auth_request *request, const void *data,
	size_t size)
{
	i_assert(!request->finished);
	request->finished = true;
	request->successful = true;
	auth_request_log_debug(request, "auth", "Auth request finished");
	auth_request_reply(request, AUTH_REQUEST_RESULT_SUCCESS, data, size);
}

void auth_request_fail(struct auth_request *request)
{
	i_assert(!request->finished);
	request->finished = true;
	auth_request_log_debug(request, "auth", "Auth request finished");
	auth_request_reply(request, AUTH_REQUEST_RESULT_FAILURE, "", 0);
}

void auth_request_internal_failure(struct auth_request *request)
{
	i_assert(!request->finished);
	request->finished = true;
	request->internal_failure = true;
	auth_request_log_debug(request, "auth", "Auth request finished");
	auth_request_reply(request, AUTH_REQUEST_RESULT_INTERNAL_FAILURE,
		"", 0);
}

const struct var_expand_table *
auth_request_var_table(struct auth_request *request)
{
	struct var_expand_params params;

	memset(&params, 0, sizeof(params));
	params.user = request->user;
	params.service = request->service;
	params.local_ip = request->local_ip;
	params.remote_ip = request->remote_ip;
	if (request->local_port != 0)
		params.local_port = t_printf("%u", request->local_port);
	if (request->remote_port != 0)
		params.remote_port = t_printf("%u", request->remote_port);
	params.session = request->session_id;
	params.local_name = request->local_name;
	params.orig_user = request->original_username;
	params.password = request->mech_password;
	params.mech = request->mech != NULL ? request->mech->name : NULL;
	params.secured = request->secured ? "secured" : NULL;
	params.cert = request->valid_client_cert ? "valid" : NULL;
	params.login_user = request->requested_login_user;
	return var_expand_table_build(scratch_arena(), &params);
}

int auth_request_var_expand(struct auth_request *request,
	const char *template_str, const char **result_r, const char **error_r)
{
	struct buf out;

	if (strchr(template_str, '%') == NULL) {
		*result_r = template_str;
		return 0;
	}
	buf_init(&out, scratch_arena(), 128, 64 * 1024);
	if (var_expand(&out, template_str, auth_request_var_table(request),
		    error_r) < 0)
		return -1;
	*result_r = buf_cstr(&out);
	return 0;
}

bool auth_request_debug_enabled(const struct auth_request *request)
{
	return request->set->debug || request->debug;
}

/* Appends to an unbounded (max 0) log buffer, which cannot fail. */
static void logbuf_str(struct buf *out, const char *s)
{
	if (buf_append_str(out, s) < 0)
		i_panic("unbounded log buffer refused data");
}

static void logbuf_c(struct buf *out, char c)
{
	if (buf_append_c(out, c) < 0)
		i_panic("unbounded log buffer refused data");
}

static void log_sanitized_append(struct buf *out, const char *s,
	size_t max_len)
{
	size_t len = strlen(s);
	bool truncated = len > max_len;

	for (size_t i = 0; i < len && i < max_len; i++) {
		unsigned char c = (unsigned char)s[i];

		logbuf_c(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (truncated)
		logbuf_str(out, "...");
}

const char *auth_request_log_prefix(const struct auth_request *request,
	const char *subsystem)
{
	struct buf out;
	const char *name;

	if (subsystem == AUTH_SUBSYS_DB) {
		if (request->userdb_lookup && request->userdb != NULL)
			name = userdb_module_log_name(request->userdb);
		else if (request->passdb != NULL)
			name = passdb_module_log_name(request->passdb);
		else
			name = "auth";
	} else if (subsystem == AUTH_SUBSYS_MECH) {
		name = request->mech != NULL ?
			t_str_lcase(request->mech->name) : "auth";
	} else {
		name = subsystem;
	}
	buf_init(&out, scratch_arena(), 128, 0);
	logbuf_str(&out, name);
	logbuf_c(&out, '(');
	if (request->user == NULL)
		logbuf_c(&out, '?');
	else
		log_sanitized_append(&out, request->user,
			MAX_LOG_USERNAME_LEN);
	if (request->remote_ip != NULL && request->remote_ip[0] != '\0')
		logbuf_str(&out, t_printf(",%s", request->remote_ip));
	if (request->requested_login_user != NULL)
		logbuf_str(&out, ",master");
	if (request->session_id != NULL)
		logbuf_str(&out, t_printf(",<%s>", request->session_id));
	logbuf_str(&out, "): ");
	return buf_cstr(&out);
}

static void auth_request_vlog(const struct auth_request *request,
	enum log_level level, const char *subsystem, const char *fmt,
	va_list args) ATTR_FORMAT(4, 0);
static void auth_request_vlog(const struct auth_request *request,
	enum log_level level, const char *subsystem, const char *fmt,
	va_list args)
{
	SCRATCH_BEGIN {
		const char *msg = arena_vprintf(scratch_arena(), fmt, args);

		log_message(level, "%s%s",
			auth_request_log_prefix(request, subsystem), msg);
	} SCRATCH_END;
}

void auth_request_log_debug(const struct auth_request *request,
	const char *subsystem, const char *fmt, ...)
{
	va_list args;

	if (!auth_request_debug_enabled(request))
		return;
	va_start(args, fmt);
	auth_request_vlog(request, LOG_LEVEL_DEBUG, subsystem, fmt, args);
	va_end(args);
}

void auth_request_log_info(const struct auth_request *request,
	const char *subsystem, const char *fmt, ...)
{
	va_list args;

	if (!request->set->verbose && !auth_request_debug_enabled(request))
		return;
	va_start(args, fmt);
	auth_request_vlog(request, LOG_LEVEL_INFO, subsystem, fmt, args);
	va_end(args);
}

void auth_request_log_warning(const struct auth_request *request,
	const char *subsystem, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	auth_request_vlog(request, LOG_LEVEL_WARNING, subsystem, fmt, args);
	va_end(args);
}

void auth_request_log_error(const struct auth_request *request,
	const char *subsystem, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	auth_request_vlog(request, LOG_LEVEL_ERROR, subsystem, fmt, args);
	va_end(args);
}

void auth_request_log_unknown_user(const struct auth_request *request,
	const char *subsystem)
{
	auth_request_log_info(request, subsystem, "unknown user");
}

void auth_request_log_password_mismatch(const struct auth_request *request,
	const char *subsystem)
{
	const struct auth_settings *set = request->set;
	const char *given, *pw = request->mech_password;
	unsigned int maxlen = set->verbose_passwords_maxlen;

	if (set->verbose_passwords == AUTH_VERBOSE_PASSWORDS_NO ||
	    pw == NULL) {
		auth_request_log_info(request, subsystem, "Password mismatch");
		return;
	}
	if (set->verbose_passwords == AUTH_VERBOSE_PASSWORDS_PLAIN) {
		size_t len = strlen(pw);

		if (maxlen != 0 && len > maxlen)
			len = maxlen;
		given = t_printf("(given password: %.*s)", (int)len, pw);
	} else {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int md_len = 0;
		const char *hex;

		(void)EVP_Digest(pw, strlen(pw), md, &md_len, EVP_sha1(),
			NULL);
		hex = binary_to_hex(scratch_arena(), md, md_len);
		if (maxlen != 0 && strlen(hex) > maxlen)
			hex = t_strndup(hex, maxlen);
		given = t_printf("(SHA1 of given password: %s)", hex);
	}
	/* auth_verbose_passwords forces the line out even without
	   auth_verbose, as Dovecot does. */
	SCRATCH_BEGIN {
		log_message(LOG_LEVEL_INFO, "%sPassword mismatch %s",
			auth_request_log_prefix(request, subsystem), given);
	} SCRATCH_END;
}
