/*
 * password-scheme-crypt.c - the crypt(3) family through libxcrypt:
 * CRYPT (any crypt string; new ones are bcrypt as Dovecot 2.3 makes them
 * on Debian), DES-CRYPT, MD5-CRYPT (alias MD5), SHA256-CRYPT,
 * SHA512-CRYPT and BLF-CRYPT.  Stored values are crypt strings, verified
 * by running crypt_r() with the stored string as the setting.
 */
#include "lib.h"
#include "str.h"
#include "password-scheme-private.h"

#include <crypt.h>

/* Dovecot's default bcrypt cost. */
#define BLF_CRYPT_DEFAULT_ROUNDS 5

static int crypt_verify(const char *plaintext, const unsigned char *raw,
	size_t raw_size, const char **error_r)
{
	struct crypt_data *data;
	const char *setting = t_strndup(raw, raw_size);
	const char *result;
	int ret;

	if (raw_size == 0 || strlen(setting) != raw_size) {
		*error_r = "Invalid crypt() password";
		return -1;
	}
	data = i_new(struct crypt_data, 1);
	result = crypt_r(plaintext, setting, data);
	if (result == NULL || result[0] == '*') {
		/* Unsupported or malformed setting string. */
		explicit_bzero(data, sizeof(*data));
		free(data);
		*error_r = "Invalid crypt() password or unsupported method";
		return -1;
	}
	ret = strlen(result) == raw_size &&
		mem_equals_timing_safe(result, raw, raw_size) ? 1 : 0;
	explicit_bzero(data, sizeof(*data));
	free(data);
	return ret;
}

static int crypt_generate_prefix(const char *prefix, unsigned long count,
	const char *plaintext, const unsigned char **raw_r, size_t *size_r,
	const char **error_r)
{
	struct crypt_data *data;
	char salt_rand[16], setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *result;

	password_random_bytes(salt_rand, sizeof(salt_rand));
	if (crypt_gensalt_rn(prefix, count, salt_rand, sizeof(salt_rand),
		    setting, sizeof(setting)) == NULL) {
		*error_r = t_printf("crypt_gensalt(%s) failed: %s", prefix,
			strerror(errno));
		return -1;
	}
	data = i_new(struct crypt_data, 1);
	result = crypt_r(plaintext, setting, data);
	if (result == NULL || result[0] == '*') {
		free(data);
		*error_r = t_printf("crypt(%s) failed", prefix);
		return -1;
	}
	*raw_r = (const unsigned char *)t_strdup(result);
	*size_r = strlen(result);
	explicit_bzero(data, sizeof(*data));
	free(data);
	return 0;
}

static int blf_generate(const char *plaintext, const unsigned char **raw_r,
	size_t *size_r, const char **error_r)
{
	return crypt_generate_prefix("$2y$", BLF_CRYPT_DEFAULT_ROUNDS,
		plaintext, raw_r, size_r, error_r);
}

static int des_generate(const char *plaintext, const unsigned char **raw_r,
	size_t *size_r, const char **error_r)
{
	/* libxcrypt picks traditional DES for an empty prefix. */
	return crypt_generate_prefix("", 0, plaintext, raw_r, size_r, error_r);
}

static int md5_crypt_generate(const char *plaintext,
	const unsigned char **raw_r, size_t *size_r, const char **error_r)
{
	return crypt_generate_prefix("$1$", 0, plaintext, raw_r, size_r,
		error_r);
}

static int sha256_crypt_generate(const char *plaintext,
	const unsigned char **raw_r, size_t *size_r, const char **error_r)
{
	return crypt_generate_prefix("$5$", 0, plaintext, raw_r, size_r,
		error_r);
}

static int sha512_crypt_generate(const char *plaintext,
	const unsigned char **raw_r, size_t *size_r, const char **error_r)
{
	return crypt_generate_prefix("$6$", 0, plaintext, raw_r, size_r,
		error_r);
}

const struct password_scheme password_schemes_crypt[] = {
	/* Dovecot 2.3 on Debian generates bcrypt for plain CRYPT (libxcrypt
	   has DES disabled for new hashes there); any crypt string
	   verifies. */
	{ "CRYPT", PASSWORD_ENCODING_NONE, 0, crypt_verify, blf_generate },
	{ "DES-CRYPT", PASSWORD_ENCODING_NONE, 0, crypt_verify, des_generate },
	{ "MD5-CRYPT", PASSWORD_ENCODING_NONE, 0, crypt_verify,
	  md5_crypt_generate },
	{ "MD5", PASSWORD_ENCODING_NONE, 0, crypt_verify, md5_crypt_generate },
	{ "SHA256-CRYPT", PASSWORD_ENCODING_NONE, 0, crypt_verify,
	  sha256_crypt_generate },
	{ "SHA512-CRYPT", PASSWORD_ENCODING_NONE, 0, crypt_verify,
	  sha512_crypt_generate },
	{ "BLF-CRYPT", PASSWORD_ENCODING_NONE, 0, crypt_verify, blf_generate },
};
const unsigned int password_schemes_crypt_count =
	N_ELEMENTS(password_schemes_crypt);
