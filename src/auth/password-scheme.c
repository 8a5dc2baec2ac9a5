/*
 * password-scheme.c - the scheme registry, {SCHEME.ENC} parsing, the
 * encodings, and password_verify()/password_generate() on top of the
 * per-family implementations (password-scheme-digest.c, -crypt.c,
 * -argon2.c).
 */
#include "lib.h"
#include "str.h"
#include "auth-base64.h"
#include "password-scheme.h"
#include "password-scheme-private.h"

#include <sys/random.h>

#define SCHEME_NAME_MAX 64

void password_random_bytes(void *buf, size_t size)
{
	unsigned char *p = buf;

	while (size > 0) {
		ssize_t ret = getrandom(p, size, 0);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			i_panic("getrandom() failed: %s", strerror(errno));
		}
		p += ret;
		size -= (size_t)ret;
	}
}

static const struct password_scheme *scheme_lookup(const char *name)
{
	static const struct {
		const struct password_scheme *list;
		const unsigned int *count;
	} families[] = {
		{ password_schemes_digest, &password_schemes_digest_count },
		{ password_schemes_crypt, &password_schemes_crypt_count },
		{ password_schemes_argon2, &password_schemes_argon2_count },
	};

	for (unsigned int f = 0; f < N_ELEMENTS(families); f++) {
		for (unsigned int i = 0; i < *families[f].count; i++) {
			if (strcasecmp(families[f].list[i].name, name) == 0)
				return &families[f].list[i];
		}
	}
	return NULL;
}

/*
 * Splits "SHA256.HEX" into the scheme and the requested encoding.  Returns
 * NULL for an unknown scheme or suffix.
 */
static const struct password_scheme *
scheme_parse(const char *name, enum password_encoding *encoding_r,
	bool *explicit_encoding_r)
{
	const struct password_scheme *scheme;
	const char *dot = strrchr(name, '.');
	char base[SCHEME_NAME_MAX];

	*explicit_encoding_r = false;
	if (dot == NULL) {
		scheme = scheme_lookup(name);
		if (scheme != NULL)
			*encoding_r = scheme->default_encoding;
		return scheme;
	}
	if ((size_t)(dot - name) >= sizeof(base))
		return NULL;
	memcpy(base, name, (size_t)(dot - name));
	base[dot - name] = '\0';
	scheme = scheme_lookup(base);
	if (scheme == NULL)
		return NULL;
	if (strcasecmp(dot + 1, "B64") == 0 ||
	    strcasecmp(dot + 1, "BASE64") == 0)
		*encoding_r = PASSWORD_ENCODING_BASE64;
	else if (strcasecmp(dot + 1, "HEX") == 0)
		*encoding_r = PASSWORD_ENCODING_HEX;
	else
		return NULL;
	*explicit_encoding_r = true;
	return scheme;
}

bool password_scheme_is_known(const char *name)
{
	enum password_encoding enc;
	bool explicit_enc;

	return scheme_parse(name, &enc, &explicit_enc) != NULL;
}

void password_scheme_split(const char *stored, const char **scheme_r,
	const char **data_r)
{
	const char *p;

	*scheme_r = NULL;
	*data_r = stored;
	if (str_begins(stored, "$1$")) {
		/* $1$<salt>$<hash>[$<ignored>] */
		p = strchr(stored + 3, '$');
		if (p != NULL) {
			p = strchr(p + 1, '$');
			if (p != NULL)
				*data_r = t_strndup(stored,
					(size_t)(p - stored));
			*scheme_r = "MD5-CRYPT";
		}
		return;
	}
	if (stored[0] != '{')
		return;
	p = strchr(stored, '}');
	if (p == NULL)
		return;
	*scheme_r = t_strndup(stored + 1, (size_t)(p - stored - 1));
	*data_r = p + 1;
}

/* Decodes data as the encoding says; hex is also accepted for unsalted
   digests written without a suffix (Dovecot does the same). */
static int password_decode(const struct password_scheme *scheme,
	enum password_encoding encoding, bool explicit_encoding,
	const char *data, const unsigned char **raw_r, size_t *size_r)
{
	size_t len = strlen(data);
	unsigned char *raw;
	ssize_t n;

	if (!explicit_encoding && scheme->raw_password_len != 0 &&
	    len == scheme->raw_password_len * 2)
		encoding = PASSWORD_ENCODING_HEX;
	switch (encoding) {
	case PASSWORD_ENCODING_NONE:
		*raw_r = (const unsigned char *)data;
		*size_r = len;
		return 0;
	case PASSWORD_ENCODING_HEX:
		if (len % 2 != 0)
			return -1;
		raw = t_malloc(len / 2 + 1);
		n = hex_to_binary(data, len, raw);
		if (n < 0)
			return -1;
		*raw_r = raw;
		*size_r = (size_t)n;
		return 0;
	case PASSWORD_ENCODING_BASE64:
		if (auth_base64_decode(scratch_arena(), data, len, &raw,
			    size_r) < 0)
			return -1;
		*raw_r = raw;
		return 0;
	}
	return -1;
}

int password_verify(const char *plaintext, const char *stored,
	const char *default_scheme, const char **error_r)
{
	const struct password_scheme *scheme;
	enum password_encoding encoding;
	bool explicit_encoding;
	const char *scheme_name, *data;
	const unsigned char *raw, *gen;
	size_t raw_size, gen_size;

	password_scheme_split(stored, &scheme_name, &data);
	if (scheme_name == NULL)
		scheme_name = default_scheme != NULL ? default_scheme :
			PASSWORD_SCHEME_DEFAULT;
	scheme = scheme_parse(scheme_name, &encoding, &explicit_encoding);
	if (scheme == NULL) {
		*error_r = t_printf("Unknown scheme %s", scheme_name);
		return -1;
	}
	if (password_decode(scheme, encoding, explicit_encoding, data, &raw,
		    &raw_size) < 0) {
		*error_r = t_printf("Password data is not valid for scheme %s",
			scheme->name);
		return -1;
	}
	if (scheme->verify != NULL)
		return scheme->verify(plaintext, raw, raw_size, error_r);
	if (scheme->generate(plaintext, &gen, &gen_size, error_r) < 0)
		return -1;
	if (gen_size != raw_size)
		return 0;
	return mem_equals_timing_safe(gen, raw, raw_size) ? 1 : 0;
}

int password_generate(const char *scheme_name, const char *plaintext,
	const char **result_r, const char **error_r)
{
	const struct password_scheme *scheme;
	enum password_encoding encoding;
	bool explicit_encoding;
	const unsigned char *raw;
	size_t raw_size;
	const char *encoded;

	scheme = scheme_parse(scheme_name, &encoding, &explicit_encoding);
	if (scheme == NULL) {
		*error_r = t_printf("Unknown scheme: %s", scheme_name);
		return -1;
	}
	if (scheme->generate(plaintext, &raw, &raw_size, error_r) < 0)
		return -1;
	switch (encoding) {
	case PASSWORD_ENCODING_NONE:
		encoded = t_strndup(raw, raw_size);
		break;
	case PASSWORD_ENCODING_HEX:
		encoded = binary_to_hex(scratch_arena(), raw, raw_size);
		break;
	case PASSWORD_ENCODING_BASE64:
	default:
		encoded = auth_base64_encode(scratch_arena(), raw, raw_size);
		break;
	}
	*result_r = t_printf("{%s}%s", t_str_ucase(scheme_name), encoded);
	return 0;
}

const char *const *password_scheme_names(void)
{
	static const char **names = NULL;
	unsigned int i, n = 0;

	if (names != NULL)
		return names;
	names = i_new(const char *, password_schemes_digest_count +
		password_schemes_crypt_count +
		password_schemes_argon2_count + 1);
	for (i = 0; i < password_schemes_digest_count; i++)
		names[n++] = password_schemes_digest[i].name;
	for (i = 0; i < password_schemes_crypt_count; i++)
		names[n++] = password_schemes_crypt[i].name;
	for (i = 0; i < password_schemes_argon2_count; i++)
		names[n++] = password_schemes_argon2[i].name;
	return names;
}
