/*
 * cmd-pw.c - roostadm pw: generate a password hash, verify one (-t), or
 * list the schemes (-l), as doveadm pw does.
 *
 *   roostadm pw -s sha256 -p geheim
 *   {SHA256}rdsPXngmyFfXN20b2bwzwMVEeQourJYUSoryKxKYyUA=
 *   roostadm pw -t '{SSHA}DYGek4qL5Gj83IPR4LU5cUkRUl2z/kZT' -p geheim
 *   {SSHA}DYGek4qL5Gj83IPR4LU5cUkRUl2z/kZT (verified)
 */
#include "lib.h"
#include "str.h"
#include "password-scheme.h"
#include "adm.h"
#include "adm-askpass.h"
#include "adm-commands.h"

/* Wrong entries allowed at the "Retype new password" prompt. */
#define PW_PROMPT_LIVES 3

static void pw_list(void)
{
	const char *const *names = password_scheme_names();

	for (unsigned int i = 0; names[i] != NULL; i++)
		printf("%s ", names[i]);
	printf("\n");
}

/* Prompts twice until the entries match; exits 1 after three misses, as
   doveadm does. */
static const char *pw_prompt_new(struct arena *secret)
{
	const char *pass, *check, *error;

	for (unsigned int lives = PW_PROMPT_LIVES; lives > 0; lives--) {
		if (adm_askpass("Enter new password: ", -1, secret, &pass,
			    &error) < 0 ||
		    adm_askpass("Retype new password: ", -1, secret, &check,
			    &error) < 0)
			adm_fatal("%s", error);
		if (strcmp(pass, check) == 0)
			return pass;
		i_error("Passwords don't match!");
	}
	exit(1);
}

/* Verifies plaintext against hash (a "{SCHEME}..." string); fatal if it
   does not verify. */
static void pw_verify(const char *hash, const char *plaintext)
{
	const char *scheme, *data, *error;
	int ret;

	password_scheme_split(hash, &scheme, &data);
	if (scheme == NULL)
		adm_fatal("Missing {scheme} prefix from hash");
	ret = password_verify(plaintext, hash, NULL, &error);
	if (ret < 0)
		adm_fatal("reverse decode check failed: %s", error);
	if (ret == 0)
		adm_fatal("reverse password verification check failed: "
			"Password mismatch");
}

void cmd_pw(struct adm_cmd_context *cctx)
{
	const struct adm_args *args = &cctx->args;
	const char *scheme = adm_args_get(args, 's');
	const char *plaintext = adm_args_get(args, 'p');
	const char *test_hash = adm_args_get(args, 't');
	const char *rounds_str = adm_args_get(args, 'r');
	const char *hash, *error;
	struct arena *secret;
	unsigned int rounds = 0;

	if (adm_args_has(args, 'l')) {
		pw_list();
		return;
	}
	scheme = t_str_ucase(scheme != NULL ? scheme :
		PASSWORD_SCHEME_DEFAULT);
	if (!password_scheme_is_known(scheme))
		adm_fatal("Unknown scheme: %s", scheme);
	if (rounds_str != NULL && str_to_uint(rounds_str, &rounds) < 0) {
		i_error("Invalid number of rounds: %s", rounds_str);
		adm_set_exit(cctx->adm, ADM_EX_USAGE);
		return;
	}
	if (rounds != 0) {
		/* password_generate() has no rounds parameter yet. */
		i_error("-r is not supported: the password schemes use "
			"their default rounds");
		adm_set_exit(cctx->adm, ADM_EX_USAGE);
		return;
	}
	/* -u names the user for user-salted schemes (DIGEST-MD5); none of
	   the supported schemes uses it, so it is accepted and unused, as
	   doveadm ignores it for the other schemes. */

	secret = arena_create("pw secret", 1024);
	if (test_hash != NULL) {
		if (plaintext == NULL &&
		    adm_askpass("Enter password to verify: ", -1, secret,
			    &plaintext, &error) < 0)
			adm_fatal("%s", error);
		pw_verify(test_hash, plaintext);
		printf("%s (verified)\n", test_hash);
		arena_destroy_clean(&secret);
		return;
	}

	if (plaintext == NULL)
		plaintext = pw_prompt_new(secret);
	if (password_generate(scheme, plaintext, &hash, &error) < 0)
		adm_fatal("%s", error);
	if (adm_args_has(args, 'V')) {
		pw_verify(hash, plaintext);
		printf("%s (verified)\n", hash);
	} else {
		printf("%s\n", hash);
	}
	arena_destroy_clean(&secret);
}
