/*
 * auth-request-chain.c - running the passdb {} and userdb {} chains in
 * configuration order with Dovecot's rules: skip, mechanisms,
 * username_filter, deny, default_fields/override_fields and
 * result_success/result_failure/result_internalfail (return, return-ok,
 * return-fail, continue, continue-ok, continue-fail).
 */
#include "lib.h"
#include "auth-request.h"
#include "str.h"
#include "auth.h"
#include "auth-fields.h"
#include "auth-settings.h"
#include "auth-wildcard.h"
#include "mech.h"
#include "password-scheme.h"

/* True if the passdb's mechanisms = list allows this request. */
static bool passdb_mech_allowed(const struct auth_request *request,
	const char *mechanisms)
{
	bool found = false;

	if (mechanisms[0] == '\0')
		return true;
	SCRATCH_BEGIN {
		char **list = str_split(scratch_arena(), mechanisms, " ,",
			true);

		for (unsigned int i = 0; list[i] != NULL && !found; i++) {
			if (request->mech == NULL)
				found = strcasecmp(list[i], "none") == 0;
			else
				found = strcasecmp(list[i],
					request->mech->name) == 0;
		}
	} SCRATCH_END;
	return found;
}

/* username_filter: masks, "!mask" excludes; positives must match one. */
static bool passdb_username_allowed(const struct auth_request *request,
	const char *filter)
{
	bool have_positive = false, positive_match = false, excluded = false;
	const char *user = request->user != NULL ? request->user : "";

	if (filter[0] == '\0')
		return true;
	SCRATCH_BEGIN {
		char **list = str_split(scratch_arena(), filter, " ,", true);

		for (unsigned int i = 0; list[i] != NULL; i++) {
			if (list[i][0] == '!') {
				if (auth_wildcard_match(list[i] + 1, user))
					excluded = true;
			} else {
				have_positive = true;
				if (auth_wildcard_match(list[i], user))
					positive_match = true;
			}
		}
	} SCRATCH_END;
	return !excluded && (!have_positive || positive_match);
}

static bool passdb_skipped(const struct auth_request *request,
	const struct passdb_module *passdb)
{
	const struct auth_passdb_settings *set = passdb->set;

	if (set->master)
		return true;
	if (set->skip == AUTH_DB_SKIP_AUTHENTICATED && request->passdb_success)
		return true;
	if (set->skip == AUTH_DB_SKIP_UNAUTHENTICATED &&
	    !request->passdb_success)
		return true;
	if (!passdb_mech_allowed(request, set->mechanisms))
		return true;
	return !passdb_username_allowed(request, set->username_filter);
}

/* Checks the password the driver returned against the mechanism's. */
static enum passdb_result
passdb_verify(struct auth_request *request, struct passdb_module *passdb,
	const char *stored)
{
	const char *error;
	int ret;

	if (request->nopassword)
		return PASSDB_RESULT_OK;
	if (stored == NULL) {
		auth_request_log_info(request, AUTH_SUBSYS_DB,
			"No password returned (and no nopassword)");
		return PASSDB_RESULT_PASSWORD_MISMATCH;
	}
	ret = password_verify(request->mech_password, stored,
		passdb->default_pass_scheme, &error);
	if (ret < 0) {
		const char *scheme, *data;

		password_scheme_split(stored, &scheme, &data);
		if (scheme != NULL && !password_scheme_is_known(scheme)) {
			auth_request_log_error(request, AUTH_SUBSYS_DB,
				"Unknown scheme %s", scheme);
			return PASSDB_RESULT_SCHEME_NOT_AVAILABLE;
		}
		auth_request_log_error(request, AUTH_SUBSYS_DB,
			"Invalid password in passdb: %s", error);
		return PASSDB_RESULT_INTERNAL_FAILURE;
	}
	if (ret == 0) {
		auth_request_log_password_mismatch(request, AUTH_SUBSYS_DB);
		return PASSDB_RESULT_PASSWORD_MISMATCH;
	}
	return PASSDB_RESULT_OK;
}

static enum auth_db_rule passdb_rule(const struct auth_passdb_settings *set,
	enum passdb_result result)
{
	if (result == PASSDB_RESULT_OK)
		return set->result_success;
	if (result == PASSDB_RESULT_INTERNAL_FAILURE)
		return set->result_internalfail;
	return set->result_failure;
}

/* Applies rule; returns true when the chain goes on. */
static bool apply_rule(enum auth_db_rule rule, bool ok, bool *success,
	bool *verified)
{
	switch (rule) {
	case AUTH_DB_RULE_RETURN:
		*success = ok;
		return false;
	case AUTH_DB_RULE_RETURN_OK:
		*success = true;
		return false;
	case AUTH_DB_RULE_RETURN_FAIL:
		*success = false;
		return false;
	case AUTH_DB_RULE_CONTINUE:
		if (ok && verified != NULL)
			*verified = true;
		return true;
	case AUTH_DB_RULE_CONTINUE_OK:
		*success = true;
		if (verified != NULL)
			*verified = true;
		return true;
	case AUTH_DB_RULE_CONTINUE_FAIL:
		*success = false;
		return true;
	}
	return false;
}

/* A copy of the field lists, to roll back a passdb/userdb that failed. */
struct fields_snapshot {
	struct auth_fields *extra, *userdb;
	const char *user;
};

static void fields_snapshot_take(struct auth_request *request,
	struct fields_snapshot *snap)
{
	snap->extra = auth_fields_create(scratch_arena());
	snap->userdb = auth_fields_create(scratch_arena());
	auth_fields_import(snap->extra, request->extra_fields);
	auth_fields_import(snap->userdb, request->userdb_fields);
	snap->user = request->user;
}

static void fields_snapshot_restore(struct auth_request *request,
	const struct fields_snapshot *snap)
{
	auth_fields_clear(request->extra_fields);
	auth_fields_clear(request->userdb_fields);
	auth_fields_import(request->extra_fields, snap->extra);
	auth_fields_import(request->userdb_fields, snap->userdb);
	request->user = snap->user;
}

static enum passdb_result
passdb_run_one(struct auth_request *request, struct passdb_module *passdb,
	bool verify)
{
	const char *password = NULL;
	enum passdb_result result;

	request->nopassword = false;
	request->passdb_denied = false;
	request->passdb_password = NULL;
	request->passdb_password_set = false;
	if (passdb->set->default_fields[0] != '\0')
		auth_request_set_fields_str(request,
			passdb->set->default_fields, false);
	result = passdb->ops->lookup(passdb, request, &password);
	if (result == PASSDB_RESULT_OK) {
		if (request->passdb_password_set)
			password = request->passdb_password;
		if (passdb->set->override_fields[0] != '\0')
			auth_request_set_fields_str(request,
				passdb->set->override_fields, false);
		if (request->passdb_password_set)
			password = request->passdb_password;
		if (request->passdb_denied)
			result = PASSDB_RESULT_USER_DISABLED;
		else if (verify && !request->password_verified)
			result = passdb_verify(request, passdb, password);
	}
	return result;
}

static enum passdb_result passdb_chain(struct auth_request *request,
	bool verify)
{
	struct auth *auth = request->auth;
	enum passdb_result result = PASSDB_RESULT_USER_UNKNOWN;
	bool ran = false;

	request->passdb_success = false;
	request->password_verified = false;
	request->userdb_lookup = false;
	for (unsigned int i = 0; i < auth->passdbs.count; i++) {
		struct passdb_module *passdb = auth->passdbs.v[i];
		struct fields_snapshot snap;
		enum passdb_result res;
		bool go_on;

		if (passdb_skipped(request, passdb))
			continue;
		ran = true;
		request->passdb = passdb;
		auth_request_log_debug(request, AUTH_SUBSYS_DB,
			"Performing passdb lookup");
		fields_snapshot_take(request, &snap);
		/* A deny passdb is a lookup: being listed is enough. */
		res = passdb_run_one(request, passdb,
			verify && !passdb->set->deny);
		if (passdb->set->deny) {
			/* A deny passdb only says "this user may not log in";
			   not finding the user there changes nothing. */
			fields_snapshot_restore(request, &snap);
			auth_request_log_debug(request, AUTH_SUBSYS_DB,
				"Finished passdb lookup");
			if (res == PASSDB_RESULT_OK) {
				auth_request_log_info(request, AUTH_SUBSYS_DB,
					"User found from deny passdb");
				request->passdb_success = false;
				return PASSDB_RESULT_USER_DISABLED;
			}
			continue;
		}
		if (res != PASSDB_RESULT_OK)
			fields_snapshot_restore(request, &snap);
		auth_request_log_debug(request, AUTH_SUBSYS_DB,
			"Finished passdb lookup");
		result = res;
		go_on = apply_rule(passdb_rule(passdb->set, res),
			res == PASSDB_RESULT_OK, &request->passdb_success,
			&request->password_verified);
		if (!go_on)
			break;
	}
	if (!ran) {
		auth_request_log_error(request, "auth",
			"No passdbs match this request");
		return PASSDB_RESULT_INTERNAL_FAILURE;
	}
	if (request->passdb_success)
		return PASSDB_RESULT_OK;
	return result == PASSDB_RESULT_OK ?
		PASSDB_RESULT_PASSWORD_MISMATCH : result;
}

void auth_request_verify_plain(struct auth_request *request,
	const char *password, auth_request_passdb_callback_t *callback)
{
	request->mech_password = arena_strdup(request->arena, password);
	callback(passdb_chain(request, true), request);
}

void auth_request_lookup_pass(struct auth_request *request,
	auth_request_passdb_callback_t *callback)
{
	callback(passdb_chain(request, false), request);
}

static bool userdb_skipped(const struct auth_request *request,
	const struct userdb_module *userdb, bool have_result)
{
	enum auth_db_skip skip = userdb->set->skip;

	if (!have_result)
		return false;
	if (skip == AUTH_DB_SKIP_FOUND && request->userdb_success)
		return true;
	return skip == AUTH_DB_SKIP_NOTFOUND && !request->userdb_success;
}

void auth_request_lookup_user(struct auth_request *request,
	auth_request_userdb_callback_t *callback)
{
	struct auth *auth = request->auth;
	enum userdb_result result = USERDB_RESULT_USER_UNKNOWN;
	bool have_result = false;

	request->userdb_success = false;
	request->userdb_lookup = true;
	for (unsigned int i = 0; i < auth->userdbs.count; i++) {
		struct userdb_module *userdb = auth->userdbs.v[i];
		const struct auth_userdb_settings *set = userdb->set;
		struct fields_snapshot snap;
		enum auth_db_rule rule;
		enum userdb_result res;

		if (userdb_skipped(request, userdb, have_result))
			continue;
		request->userdb = userdb;
		auth_request_log_debug(request, AUTH_SUBSYS_DB,
			"Performing userdb lookup");
		fields_snapshot_take(request, &snap);
		if (set->default_fields[0] != '\0')
			auth_request_set_fields_str(request,
				set->default_fields, true);
		res = userdb->ops->lookup(userdb, request);
		if (res == USERDB_RESULT_OK &&
		    set->override_fields[0] != '\0')
			auth_request_set_fields_str(request,
				set->override_fields, true);
		if (res != USERDB_RESULT_OK)
			fields_snapshot_restore(request, &snap);
		auth_request_log_debug(request, AUTH_SUBSYS_DB,
			"Finished userdb lookup");
		result = res;
		have_result = true;
		rule = res == USERDB_RESULT_OK ? set->result_success :
			res == USERDB_RESULT_INTERNAL_FAILURE ?
			set->result_internalfail : set->result_failure;
		if (!apply_rule(rule, res == USERDB_RESULT_OK,
			    &request->userdb_success, NULL))
			break;
	}
	if (!have_result) {
		auth_request_log_error(request, "auth", "No userdbs");
		result = USERDB_RESULT_INTERNAL_FAILURE;
	} else if (request->userdb_success) {
		result = USERDB_RESULT_OK;
	} else if (result == USERDB_RESULT_OK) {
		result = USERDB_RESULT_USER_UNKNOWN;
	}
	callback(result, request);
}
