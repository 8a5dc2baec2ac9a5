/*
 * password-scheme-argon2.c - ARGON2I and ARGON2ID through libsodium, in
 * the PHC string format Dovecot stores:
 * {ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>.
 */
#include "lib.h"
#include "password-scheme-private.h"

#include <sodium.h>

/* Dovecot 2.3's defaults (checked with doveadm pw): argon2i t=4 m=32MiB,
   argon2id t=3 m=64MiB. */
#define ARGON2I_OPSLIMIT 4
#define ARGON2I_MEMLIMIT (32U * 1024 * 1024)
#define ARGON2ID_OPSLIMIT 3
#define ARGON2ID_MEMLIMIT (64U * 1024 * 1024)

static int argon2_init(const char **error_r)
{
	if (sodium_init() < 0) {
		*error_r = "sodium_init() failed";
		return -1;
	}
	return 0;
}

static int argon2_verify(const char *prefix, const char *plaintext,
	const unsigned char *raw, size_t raw_size, const char **error_r)
{
	char *stored;
	int ret;

	if (argon2_init(error_r) < 0)
		return -1;
	if (raw_size >= crypto_pwhash_STRBYTES ||
	    memchr(raw, '\0', raw_size) != NULL ||
	    raw_size < strlen(prefix) || memcmp(raw, prefix,
		strlen(prefix)) != 0) {
		*error_r = "Invalid argon2 password string";
		return -1;
	}
	stored = t_strndup(raw, raw_size);
	ret = crypto_pwhash_str_verify(stored, plaintext, strlen(plaintext));
	return ret == 0 ? 1 : 0;
}

static int argon2_generate(int alg, unsigned long long opslimit,
	size_t memlimit, const char *plaintext, const unsigned char **raw_r,
	size_t *size_r, const char **error_r)
{
	char *out = t_malloc(crypto_pwhash_STRBYTES);

	if (argon2_init(error_r) < 0)
		return -1;
	if (crypto_pwhash_str_alg(out, plaintext, strlen(plaintext),
		    opslimit, memlimit, alg) < 0) {
		*error_r = "crypto_pwhash_str_alg() failed (out of memory?)";
		return -1;
	}
	*raw_r = (const unsigned char *)out;
	*size_r = strlen(out);
	return 0;
}

static int argon2i_verify(const char *plaintext, const unsigned char *raw,
	size_t raw_size, const char **error_r)
{
	return argon2_verify("$argon2i$", plaintext, raw, raw_size, error_r);
}

static int argon2id_verify(const char *plaintext, const unsigned char *raw,
	size_t raw_size, const char **error_r)
{
	return argon2_verify("$argon2id$", plaintext, raw, raw_size, error_r);
}

static int argon2i_generate(const char *plaintext,
	const unsigned char **raw_r, size_t *size_r, const char **error_r)
{
	return argon2_generate(crypto_pwhash_ALG_ARGON2I13, ARGON2I_OPSLIMIT,
		ARGON2I_MEMLIMIT, plaintext, raw_r, size_r, error_r);
}

static int argon2id_generate(const char *plaintext,
	const unsigned char **raw_r, size_t *size_r, const char **error_r)
{
	return argon2_generate(crypto_pwhash_ALG_ARGON2ID13,
		ARGON2ID_OPSLIMIT, ARGON2ID_MEMLIMIT, plaintext, raw_r,
		size_r, error_r);
}

const struct password_scheme password_schemes_argon2[] = {
	{ "ARGON2I", PASSWORD_ENCODING_NONE, 0, argon2i_verify,
	  argon2i_generate },
	{ "ARGON2ID", PASSWORD_ENCODING_NONE, 0, argon2id_verify,
	  argon2id_generate },
};
const unsigned int password_schemes_argon2_count =
	N_ELEMENTS(password_schemes_argon2);
