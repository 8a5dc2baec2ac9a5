/*
 * password-scheme-private.h - what one password scheme implements, and
 * the per-family tables that password-scheme.c collects.
 */
#ifndef ROOST_PASSWORD_SCHEME_PRIVATE_H
#define ROOST_PASSWORD_SCHEME_PRIVATE_H

enum password_encoding {
	/* The raw value is text written as is (crypt strings, PLAIN). */
	PASSWORD_ENCODING_NONE,
	PASSWORD_ENCODING_BASE64,
	PASSWORD_ENCODING_HEX,
};

struct password_scheme {
	const char *name;
	enum password_encoding default_encoding;
	/* Size of the raw hash for unsalted digests (lets hex-written
	   values be recognised without a suffix), 0 = variable. */
	size_t raw_password_len;
	/*
	 * Checks plaintext against the decoded stored value.  Returns 1
	 * match, 0 mismatch, -1 malformed (with *error_r).  NULL means:
	 * generate from plaintext and compare in constant time.
	 */
	int (*verify)(const char *plaintext, const unsigned char *raw,
		size_t raw_size, const char **error_r);
	/* Produces the raw value (scratch memory) for plaintext. */
	int (*generate)(const char *plaintext, const unsigned char **raw_r,
		size_t *size_r, const char **error_r);
};

extern const struct password_scheme password_schemes_digest[];
extern const unsigned int password_schemes_digest_count;
extern const struct password_scheme password_schemes_crypt[];
extern const unsigned int password_schemes_crypt_count;
extern const struct password_scheme password_schemes_argon2[];
extern const unsigned int password_schemes_argon2_count;

/* Fills buf with cryptographically random bytes (panics on failure, which
   only happens if the kernel has no entropy source at all). */
void password_random_bytes(void *buf, size_t size);

#endif
