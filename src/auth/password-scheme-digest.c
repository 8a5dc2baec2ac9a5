/*
 * password-scheme-digest.c - the plaintext and plain/salted digest
 * schemes: PLAIN CLEAR CLEARTEXT, SHA (SHA1) SHA256 SHA512, SSHA SSHA256
 * SSHA512 SMD5 (digest || salt), PLAIN-MD5 (hex) and LDAP-MD5 (base64).
 * Digests come from OpenSSL.
 */
#include "lib.h"
#include "str.h"
#include "password-scheme-private.h"

#include <openssl/evp.h>

/* Dovecot's salt length for the S* schemes. */
#define SALTED_SALT_LEN 4

static int plain_generate(const char *plaintext, const unsigned char **raw_r,
	size_t *size_r, const char **error_r ATTR_UNUSED)
{
	*raw_r = (const unsigned char *)plaintext;
	*size_r = strlen(plaintext);
	return 0;
}

static int digest_data(const EVP_MD *md, const void *data, size_t size,
	const void *salt, size_t salt_size, unsigned char *out,
	unsigned int *out_len_r, const char **error_r)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (ctx == NULL) {
		*error_r = "EVP_MD_CTX_new() failed";
		return -1;
	}
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
		EVP_DigestUpdate(ctx, data, size) == 1 &&
		(salt_size == 0 ||
		 EVP_DigestUpdate(ctx, salt, salt_size) == 1) &&
		EVP_DigestFinal_ex(ctx, out, out_len_r) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		*error_r = "Digest computation failed";
		return -1;
	}
	return 0;
}

static int digest_generate(const EVP_MD *md, const char *plaintext,
	const unsigned char **raw_r, size_t *size_r, const char **error_r)
{
	unsigned char *out = t_malloc(EVP_MAX_MD_SIZE);
	unsigned int len;

	if (digest_data(md, plaintext, strlen(plaintext), NULL, 0, out, &len,
		    error_r) < 0)
		return -1;
	*raw_r = out;
	*size_r = len;
	return 0;
}

static int salted_generate(const EVP_MD *md, const char *plaintext,
	const unsigned char **raw_r, size_t *size_r, const char **error_r)
{
	unsigned char *out = t_malloc(EVP_MAX_MD_SIZE + SALTED_SALT_LEN);
	unsigned char salt[SALTED_SALT_LEN];
	unsigned int len;

	password_random_bytes(salt, sizeof(salt));
	if (digest_data(md, plaintext, strlen(plaintext), salt, sizeof(salt),
		    out, &len, error_r) < 0)
		return -1;
	memcpy(out + len, salt, sizeof(salt));
	*raw_r = out;
	*size_r = len + sizeof(salt);
	return 0;
}

/* The stored value is digest || salt, the salt being whatever follows the
   digest (any length, as Dovecot accepts). */
static int salted_verify(const EVP_MD *md, const char *plaintext,
	const unsigned char *raw, size_t raw_size, const char **error_r)
{
	unsigned char out[EVP_MAX_MD_SIZE];
	size_t md_len = (size_t)EVP_MD_get_size(md);
	unsigned int len;

	if (raw_size <= md_len) {
		*error_r = "Salted password data is too short";
		return -1;
	}
	if (digest_data(md, plaintext, strlen(plaintext), raw + md_len,
		    raw_size - md_len, out, &len, error_r) < 0)
		return -1;
	return len == md_len && mem_equals_timing_safe(out, raw, md_len) ?
		1 : 0;
}

#define DIGEST_FUNCS(prefix, md)                                        \
	static int prefix##_generate(const char *plaintext,             \
		const unsigned char **raw_r, size_t *size_r,            \
		const char **error_r)                                   \
	{                                                               \
		return digest_generate(md, plaintext, raw_r, size_r,    \
			error_r);                                       \
	}                                                               \
	static int s##prefix##_generate(const char *plaintext,          \
		const unsigned char **raw_r, size_t *size_r,            \
		const char **error_r)                                   \
	{                                                               \
		return salted_generate(md, plaintext, raw_r, size_r,    \
			error_r);                                       \
	}                                                               \
	static int s##prefix##_verify(const char *plaintext,            \
		const unsigned char *raw, size_t raw_size,              \
		const char **error_r)                                   \
	{                                                               \
		return salted_verify(md, plaintext, raw, raw_size,      \
			error_r);                                       \
	}

DIGEST_FUNCS(md5, EVP_md5())
DIGEST_FUNCS(sha1, EVP_sha1())
DIGEST_FUNCS(sha256, EVP_sha256())
DIGEST_FUNCS(sha512, EVP_sha512())

const struct password_scheme password_schemes_digest[] = {
	{ "PLAIN", PASSWORD_ENCODING_NONE, 0, NULL, plain_generate },
	{ "CLEAR", PASSWORD_ENCODING_NONE, 0, NULL, plain_generate },
	{ "CLEARTEXT", PASSWORD_ENCODING_NONE, 0, NULL, plain_generate },
	{ "SHA", PASSWORD_ENCODING_BASE64, 20, NULL, sha1_generate },
	{ "SHA1", PASSWORD_ENCODING_BASE64, 20, NULL, sha1_generate },
	{ "SHA256", PASSWORD_ENCODING_BASE64, 32, NULL, sha256_generate },
	{ "SHA512", PASSWORD_ENCODING_BASE64, 64, NULL, sha512_generate },
	{ "SSHA", PASSWORD_ENCODING_BASE64, 0, ssha1_verify, ssha1_generate },
	{ "SSHA256", PASSWORD_ENCODING_BASE64, 0, ssha256_verify,
	  ssha256_generate },
	{ "SSHA512", PASSWORD_ENCODING_BASE64, 0, ssha512_verify,
	  ssha512_generate },
	{ "SMD5", PASSWORD_ENCODING_BASE64, 0, smd5_verify, smd5_generate },
	{ "PLAIN-MD5", PASSWORD_ENCODING_HEX, 16, NULL, md5_generate },
	{ "LDAP-MD5", PASSWORD_ENCODING_BASE64, 16, NULL, md5_generate },
};
const unsigned int password_schemes_digest_count =
	N_ELEMENTS(password_schemes_digest);
