/*
 * password-scheme.h - Dovecot's password schemes: parsing stored
 * "{SCHEME[.ENCODING]}data" strings, verifying a plaintext password
 * against them and generating new ones (roostadm pw, like doveadm pw).
 *
 * Supported: PLAIN CLEAR CLEARTEXT, CRYPT DES-CRYPT MD5-CRYPT (MD5)
 * SHA256-CRYPT SHA512-CRYPT BLF-CRYPT (libxcrypt), SHA (SHA1) SHA256
 * SHA512 SSHA SSHA256 SSHA512 PLAIN-MD5 LDAP-MD5 SMD5 (OpenSSL), ARGON2I
 * ARGON2ID (libsodium).  Encoding suffixes .B64 .BASE64 .HEX select how
 * the binary hash is written; without one the scheme's own default is
 * used (base64 for SHA/SSHA*, hex for PLAIN-MD5, raw text for the crypt
 * and argon2 families and PLAIN).  Comparisons are constant-time.
 */
#ifndef ROOST_PASSWORD_SCHEME_H
#define ROOST_PASSWORD_SCHEME_H

/* Dovecot's built-in default_pass_scheme. */
#define PASSWORD_SCHEME_DEFAULT "CRYPT"

/*
 * Splits a stored password into its scheme and data: "{SHA}abc" gives
 * "SHA" and "abc"; a "$1$salt$hash" string without a prefix is
 * MD5-CRYPT (as Dovecot).  Without a recognisable prefix *scheme_r is
 * NULL and *data_r is the whole string.  Results are scratch memory (or
 * point into stored).
 */
void password_scheme_split(const char *stored, const char **scheme_r,
	const char **data_r);

/* True if name (case-insensitive, with or without an encoding suffix) is a
   known scheme. */
bool password_scheme_is_known(const char *name);

/*
 * Verifies plaintext against stored.  stored without a {SCHEME} prefix
 * uses default_scheme (NULL = PASSWORD_SCHEME_DEFAULT).  Returns 1 on a
 * match, 0 on a mismatch, -1 when stored cannot be used (unknown scheme,
 * malformed data) with *error_r (scratch memory), e.g. "Unknown scheme
 * FOO".  May take tens of milliseconds for the costly schemes
 * (BLF-CRYPT, ARGON2*).
 */
int password_verify(const char *plaintext, const char *stored,
	const char *default_scheme, const char **error_r);

/*
 * Generates "{SCHEME}encoded" for plaintext with scheme (case-insensitive,
 * optionally with .B64/.BASE64/.HEX; the prefix repeats the name as given,
 * upper-cased, as doveadm pw prints it), with a fresh random salt where
 * the scheme has one.  Returns 0 with *result_r in scratch memory, or -1
 * with *error_r ("Unknown scheme: X").
 */
int password_generate(const char *scheme, const char *plaintext,
	const char **result_r, const char **error_r);

/* The canonical names of all schemes, NULL-terminated, for roostadm pw -l. */
const char *const *password_scheme_names(void);

#endif
