/*
 * test-password-scheme.c - password schemes against vectors made with
 * Dovecot 2.3.19's "doveadm pw -s SCHEME -p 'test pw'", both ways: our
 * verification accepts Dovecot's hashes, and what we generate verifies.
 */
#include "lib.h"
#include "str.h"
#include "auth-base64.h"
#include "password-scheme.h"
#include "test-common.h"

struct vector {
	const char *stored;
	const char *default_scheme;
};

/* All of these are "test pw". */
static const struct vector dovecot_vectors[] = {
	{ "{PLAIN}test pw", NULL },
	{ "{CLEARTEXT}test pw", NULL },
	{ "{CLEAR}test pw", NULL },
	{ "{CRYPT}$2y$05$P0eu0y284SICKKKk22nBYOXKsePY3dlPk1p.mALJ0ZUVgycuGQX/.",
	  NULL },
	{ "{MD5-CRYPT}$1$Jbj360HR$tfhtZR/siCoC29Tyfw4n61", NULL },
	{ "{MD5}$1$CSWP3oOM$4e8yoU4gUHI11xbaoNmxj1", NULL },
	{ "$1$CSWP3oOM$4e8yoU4gUHI11xbaoNmxj1", "PLAIN" },
	{ "{SHA256-CRYPT}$5$mM03DG3aJZvu1vfx$5QNvr2SpzhBtB5XSlCoGPHdiOmJD7tgMFfEENT.QOV7",
	  NULL },
	{ "{SHA512-CRYPT}$6$jouM8hoHqfGGpszh$LxKFsIOtnvKzf7Mh0Zez0mSfacGORlH3GrMJzwAg5I7NiDr5Ubzs2p0Imuq0NQaG/.M9r7AS6vMbVfBMnNMbq0",
	  NULL },
	{ "{BLF-CRYPT}$2y$05$3BC0mWEFysYOOV.koKMPmuw8pEOMT.TJdEmjingmCdfYkH2cDI9p2",
	  NULL },
	{ "{SSHA}Qx69rogo2dtTIkXmZOiLsPQqeSi4xiZk", NULL },
	{ "{SSHA256}WGyHKF75dIGsOe643MVhU0LcE++JdgvQCMlRxuLvESTHWH97", NULL },
	{ "{SSHA512}KNicooV2ucXAD6VRHjT5gzrbaeGzmZXW5amoY2lWQpfpdmjIGT6guHPqKoWuOI6DHWulp8jgOHvzjpgsU9LFazrOw7E=",
	  NULL },
	{ "{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$YUdZTtQzoHE9CZKCZF2J2w$kQvMTzkWCcj62k1pOMV8gAfzW+H6slONLR6+AcP4ESU",
	  NULL },
	{ "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$AvURljotVjwaoCo0PMt/8Q$G5haGR4hH8rKZcVo4WnRyTfqFYfvAmxPUf+dTroFRiU",
	  NULL },
	{ "{SHA}OWSDxLPu4zoI5so+Z8D4vXnQOXI=", NULL },
	{ "{SHA1}OWSDxLPu4zoI5so+Z8D4vXnQOXI=", NULL },
	{ "{SHA256}xc5twZFti4PGv5RCAcDOPwrPDpHZfsCc1RY1aY0WYdA=", NULL },
	{ "{SHA512}zfdz7M/ZlfmL6E/XDmLVekmW5s/DUz71g+N56CgPaou/8zt5SkxTAk2jBZWh8rc93Rbs8cJ4ezpou+TdY/z9BQ==",
	  NULL },
	{ "{PLAIN-MD5}c4c8c7882001e46f9bd3e909445e047f", NULL },
	{ "{LDAP-MD5}xMjHiCAB5G+b0+kJRF4Efw==", NULL },
	{ "{SMD5}u6RshqMnJVXZU88eP/AiwZIghWY=", NULL },
	{ "{SHA256.HEX}c5ce6dc1916d8b83c6bf944201c0ce3f0acf0e91d97ec09cd51635698d1661d0",
	  NULL },
	/* An unsalted digest written in hex without the suffix. */
	{ "{SHA256}c5ce6dc1916d8b83c6bf944201c0ce3f0acf0e91d97ec09cd51635698d1661d0",
	  NULL },
	{ "{SSHA.HEX}40313006edaac13fb64c4599d503a61035e5c2fb737e1678", NULL },
	{ "{PLAIN.B64}dGVzdCBwdw==", NULL },
	{ "{PLAIN.BASE64}dGVzdCBwdw==", NULL },
	{ "{PLAIN.HEX}74657374207077", NULL },
	{ "{plain}test pw", NULL },
	/* No prefix: the default scheme decides. */
	{ "test pw", "PLAIN" },
	{ "$2y$05$P0eu0y284SICKKKk22nBYOXKsePY3dlPk1p.mALJ0ZUVgycuGQX/.",
	  NULL },
	{ "xc5twZFti4PGv5RCAcDOPwrPDpHZfsCc1RY1aY0WYdA=", "SHA256" },
};

static void test_dovecot_vectors(void)
{
	const char *error;

	test_begin("password schemes: Dovecot's vectors verify");
	for (unsigned int i = 0; i < N_ELEMENTS(dovecot_vectors); i++) {
		const struct vector *v = &dovecot_vectors[i];
		int ret = password_verify("test pw", v->stored,
			v->default_scheme, &error);

		if (ret != 1)
			printf("  vector %u (%s): %d\n", i, v->stored, ret);
		test_assert(ret == 1);
		ret = password_verify("test pX", v->stored, v->default_scheme,
			&error);
		test_assert(ret == 0);
		test_assert(password_verify("", v->stored, v->default_scheme,
				    &error) == 0);
	}
	test_end();
}

static void test_generate_roundtrip(void)
{
	static const char *const schemes[] = {
		"PLAIN", "CLEARTEXT", "CRYPT", "DES-CRYPT", "MD5-CRYPT", "MD5",
		"SHA256-CRYPT", "SHA512-CRYPT", "BLF-CRYPT", "SSHA", "SSHA256",
		"SSHA512", "SMD5", "SHA", "SHA1", "SHA256", "SHA512",
		"PLAIN-MD5", "LDAP-MD5", "ARGON2I", "ARGON2ID", "sha256.hex",
		"SSHA.B64", "PLAIN.BASE64", "SSHA512.HEX",
	};
	const char *result, *error, *prefix;

	test_begin("password schemes: generate then verify");
	for (unsigned int i = 0; i < N_ELEMENTS(schemes); i++) {
		SCRATCH_BEGIN {
			test_assert(password_generate(schemes[i], "s3cr:t p",
					    &result, &error) == 0);
			prefix = t_printf("{%s}", t_str_ucase(schemes[i]));
			test_assert(str_begins(result, prefix));
			test_assert(password_verify("s3cr:t p", result, NULL,
					    &error) == 1);
			test_assert(password_verify("s3cr:t q", result, NULL,
					    &error) == 0);
		} SCRATCH_END;
	}
	/* Shapes match what doveadm pw prints. */
	test_assert(password_generate("SHA512-CRYPT", "x", &result,
			    &error) == 0);
	test_assert(str_begins(result, "{SHA512-CRYPT}$6$"));
	test_assert(strlen(result) == strlen("{SHA512-CRYPT}$6$") + 16 + 1 +
		86);
	test_assert(password_generate("ARGON2ID", "x", &result, &error) == 0);
	test_assert(str_begins(result,
		"{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$"));
	test_assert(password_generate("ARGON2I", "x", &result, &error) == 0);
	test_assert(str_begins(result, "{ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$"));
	test_assert(password_generate("BLF-CRYPT", "x", &result, &error) == 0);
	test_assert(str_begins(result, "{BLF-CRYPT}$2y$05$"));
	test_assert(password_generate("SSHA", "x", &result, &error) == 0);
	test_assert(strlen(result) == strlen("{SSHA}") + 32);
	test_assert(password_generate("PLAIN-MD5", "test pw", &result,
			    &error) == 0);
	test_assert_strcmp(result,
		"{PLAIN-MD5}c4c8c7882001e46f9bd3e909445e047f");
	test_assert(password_generate("SHA256", "test pw", &result,
			    &error) == 0);
	test_assert_strcmp(result,
		"{SHA256}xc5twZFti4PGv5RCAcDOPwrPDpHZfsCc1RY1aY0WYdA=");
	test_assert(password_generate("PLAIN.HEX", "test pw", &result,
			    &error) == 0);
	test_assert_strcmp(result, "{PLAIN.HEX}74657374207077");
	test_end();
}

static void test_bad_input(void)
{
	const char *error, *scheme, *data;

	test_begin("password schemes: bad stored values");
	test_assert(password_verify("x", "{FOO}x", NULL, &error) == -1);
	test_assert_strcmp(error, "Unknown scheme FOO");
	test_assert(password_verify("x", "{SHA256.XYZ}x", NULL, &error) == -1);
	test_assert(password_verify("x", "{SSHA}!!!!", NULL, &error) == -1);
	test_assert(password_verify("x", "{SSHA}AAAA", NULL, &error) == -1);
	test_assert(password_verify("x", "{PLAIN.HEX}zz", NULL, &error) == -1);
	test_assert(password_verify("x", "{CRYPT}", NULL, &error) == -1);
	test_assert(password_verify("x", "{SHA512-CRYPT}$6$", NULL,
			    &error) <= 0);
	test_assert(password_verify("x", "{ARGON2ID}$argon2i$v=19$m=1,t=1,p=1$AA$AA",
			    NULL, &error) == -1);
	test_assert(password_verify("x", "{ARGON2ID}$argon2id$garbage", NULL,
			    &error) == 0);
	test_assert(password_verify("x", "nothing", "NOPE", &error) == -1);
	test_assert(password_generate("NOPE", "x", &data, &error) == -1);
	test_assert_strcmp(error, "Unknown scheme: NOPE");
	/* A '{' without '}' is no prefix. */
	password_scheme_split("{abc", &scheme, &data);
	test_assert(scheme == NULL);
	test_assert_strcmp(data, "{abc");
	password_scheme_split("$1$salt$hash$extra", &scheme, &data);
	test_assert_strcmp(scheme, "MD5-CRYPT");
	test_assert_strcmp(data, "$1$salt$hash");
	test_assert(password_scheme_is_known("ssha512.hex"));
	test_assert(!password_scheme_is_known("ssha512.oct"));
	test_end();
}

static void test_base64(void)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	unsigned char *data;
	size_t size;

	test_begin("base64");
	for (unsigned int i = 0; i < N_ELEMENTS(vec); i++) {
		test_assert_strcmp(auth_base64_encode(scratch_arena(),
			vec[i][0], strlen(vec[i][0])), vec[i][1]);
		test_assert(auth_base64_decode(scratch_arena(), vec[i][1],
			strlen(vec[i][1]), &data, &size) == 0);
		test_assert(size == strlen(vec[i][0]) &&
			memcmp(data, vec[i][0], size) == 0);
	}
	test_assert(auth_base64_decode(scratch_arena(), "Zg", 2, &data,
			    &size) == 0 && size == 1);
	test_assert(auth_base64_decode(scratch_arena(), "Z", 1, &data,
			    &size) == -1);
	test_assert(auth_base64_decode(scratch_arena(), "Zg=", 3, &data,
			    &size) == -1);
	test_assert(auth_base64_decode(scratch_arena(), "Z===", 4, &data,
			    &size) == -1);
	test_assert(auth_base64_decode(scratch_arena(), "Zm 9v", 5, &data,
			    &size) == -1);
	test_assert(auth_base64_decode(scratch_arena(), "=Zm9", 4, &data,
			    &size) == -1);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_base64,
		test_dovecot_vectors,
		test_generate_roundtrip,
		test_bad_input,
		NULL
	};
	return test_run(tests);
}
