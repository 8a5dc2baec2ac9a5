/*
 * test-var-expand.c - unit tests of %variable expansion.  The expected
 * values of the modifier table were produced by real Dovecot 2.3.19 (a
 * static userdb whose fields used each form, read back with doveadm user
 * for the user "ab.c@ex.org").
 */
#include "lib.h"
#include "buf.h"
#include "var-expand.h"
#include "test-common.h"

static const char *expand(const char *str,
	const struct var_expand_table *table)
{
	struct buf out;
	const char *error = NULL, *result;

	buf_init(&out, NULL, 64, 4096);
	if (var_expand(&out, str, table, &error) < 0)
		result = t_printf("ERROR: %s", error);
	else
		result = t_strdup(buf_cstr(&out));
	buf_free(&out);
	return result;
}

static const struct var_expand_table *user_table(struct arena *arena,
	const char *user)
{
	struct var_expand_params params;

	memset(&params, 0, sizeof(params));
	params.user = user;
	params.service = "imap";
	params.local_ip = "127.0.0.1";
	params.remote_ip = "192.168.1.2";
	params.pid = "1234";
	params.home = "/home/ab";
	params.session = "sEsSiOn";
	params.hostname = "mail.example.org";
	return var_expand_table_build(arena, &params);
}

static void test_dovecot_vectors(void)
{
	static const struct {
		const char *input, *output;
	} tests[] = {
		{ "%Lu", "ab.c@ex.org" },
		{ "%Uu", "AB.C@EX.ORG" },
		{ "%Eu", "ab.c@ex.org" },
		{ "%Hu", "6ae22f7" },
		{ "%2.256Hu", "f7" },
		{ "%Mu", "35999ce465f491a4a861633330a332d0" },
		{ "%Nu", "65f491a4" },
		{ "%4.256Nu", "00a4" },
		{ "%Du", "ab,dc=c@ex,dc=org" },
		{ "%Ru", "gro.xe@c.ba" },
		{ "%Xu", "0" },
		{ "%Tu", "ab.c@ex.org" },
		{ "%.3n", "ab." },
		{ "%2.1Mu", "9" },
		{ "%-1.2Ld", "g" },
		{ "%%", "%" },
		{ "%{user}", "ab.c@ex.org" },
		{ "%{domain}", "ex.org" },
		{ "%{username}", "ab.c" },
		{ "%1n", "a" },
		{ "%-2n", "ab" },
		{ "%3.2n", "c" },
		{ "%05.3n", "" },
		{ "%{md5:user}", "35999ce465f491a4a861633330a332d0" },
		{ "%{sha1:user}", "78fc864ac5f5e066f2a3edd43688cc4b9bc43c41" },
		{ "%{sha256;truncate=32:user}", "e85d9ae1" },
		{ "%{if;%n;eq;Ab.C;yes;no}", "no" },
		{ "%{sha1;format=base64:user}", "ePyGSsX14Gbyo+3UNojMS5vEPEE=" },
		{ "%{md5;rounds=3:user}", "05fec5d64c6d4c4c08fa43a119b82a57" },
		{ "%{sha256;salt=xy:user}", "3f352b6de58f9bbb09f5103f2b6264df"
			"f3ec050bae76423866766091f11c64e6" },
		{ "%{if;%{domain};ne;;%d;none}", "ex.org" },
		{ "%-3.0n", "b.c" },
		{ "%.-2n", "ab" },
		{ "%RLn", "c.ba" },
		{ "%0.4Hn", "3" },
	};
	/* Dovecot 2.3.19 with the user "12345@x.org" */
	static const struct {
		const char *input, *output;
	} num_tests[] = {
		{ "%Xu", "0" },
		{ "%08Xn", "00003039" },
		{ "%8Xn", "3039" },
		{ "%-08n", "00012345" },
		{ "%05n", "12345" },
		{ "%Hu", "94f20f7" },
	};
	struct arena *arena = arena_create("test", 1024);
	const struct var_expand_table *table = user_table(arena, "ab.c@ex.org");
	unsigned int i;

	test_begin("var_expand against Dovecot 2.3.19");
	for (i = 0; i < N_ELEMENTS(tests); i++) {
		const char *out = expand(tests[i].input, table);

		if (strcmp(out, tests[i].output) != 0)
			fprintf(stderr, "%s\n", tests[i].input);
		test_assert_strcmp(out, tests[i].output);
	}
	table = user_table(arena, "12345@x.org");
	for (i = 0; i < N_ELEMENTS(num_tests); i++) {
		test_assert_strcmp(expand(num_tests[i].input, table),
			num_tests[i].output);
	}
	arena_destroy(&arena);
	test_end();
}

static void test_variables(void)
{
	struct arena *arena = arena_create("test", 1024);
	const struct var_expand_table *table =
		user_table(arena, "Tux@Example.COM");
	static const struct var_expand_table extra[] = {
		{ 'v', "42", "uidvalidity" },
		{ 'e', NULL, NULL },
		{ '\0', NULL, NULL }
	};
	const struct var_expand_table *merged;
	char host[256];

	test_begin("var_expand variables");
	test_assert_strcmp(expand("%u %n %d %s %l %r %p %h", table),
		"Tux@Example.COM Tux Example.COM imap 127.0.0.1 192.168.1.2 "
		"1234 /home/ab");
	test_assert_strcmp(expand("%{user}|%{service}|%{lip}|%{rip}|%{pid}|"
		"%{home}|%{session}|%{hostname}", table),
		"Tux@Example.COM|imap|127.0.0.1|192.168.1.2|1234|/home/ab|"
		"sEsSiOn|mail.example.org");
	test_assert_strcmp(expand("/var/mail/%Ld/%Ln/Maildir", table),
		"/var/mail/example.com/tux/Maildir");
	test_assert_strcmp(expand("%{orig_user} %{auth_domain} [%w] [%m]",
		table), "Tux@Example.COM Example.COM [] []");
	test_assert_strcmp(expand("100%% plain", table), "100% plain");
	test_assert_strcmp(expand("%x", table), "ERROR: Unknown variable '%x'");
	test_assert_strcmp(expand("%{nosuch}", table),
		"ERROR: Unknown variable 'nosuch'");
	test_assert_strcmp(expand("%{nosuch:user}", table),
		"ERROR: Unknown variable 'nosuch:user'");
	test_assert_strcmp(expand("%{md5:nosuch}", table),
		"ERROR: Unknown variable 'nosuch'");
	test_assert_strcmp(expand("%{if;1;==;2;a}", table),
		"ERROR: if: requires four or five parameters, got 4");
	test_assert_strcmp(expand("%{if;a;==;2;y;n}", table),
		"ERROR: a is not a number");
	test_assert_strcmp(expand("%{if;10;>;9;big;small}", table), "big");
	test_assert_strcmp(expand("%{if;%u;*;*@Example.*;y;n}", table), "y");
	test_assert_strcmp(expand("%{if;%u;~;^[a-z]+@;y;n}", table), "n");
	test_assert_strcmp(expand("%{if;%u;!~;^[a-z]+@;y;n}", table), "y");
	test_assert_strcmp(expand("%{if;%n;eq;Tux;%{domain};x}", table),
		"Example.COM");
	setenv("ROOST_VAR_TEST", "envval", 1);
	test_assert_strcmp(expand("%{env:ROOST_VAR_TEST}", table), "envval");
	test_assert_strcmp(expand("%{pid}", NULL),
		t_printf("%ld", (long)getpid()));
	test_assert(gethostname(host, sizeof(host)) == 0);
	test_assert_strcmp(expand("%{hostname}", NULL), host);
	test_assert_strcmp(expand("trailing %", table), "trailing ");
	test_assert_strcmp(expand("%{unterminated", table),
		"ERROR: Unknown variable '%{'");

	merged = var_expand_table_merge(arena, extra, table);
	test_assert_strcmp(expand("%08Xv %u [%e]", merged),
		"0000002a Tux@Example.COM []");
	test_assert_strcmp(expand("%{uidvalidity}", merged), "42");
	test_assert_strcmp(var_expand_table_lookup(merged, 'n', NULL), "Tux");
	test_assert(var_expand_table_lookup(merged, 'z', NULL) == NULL);
	test_assert(var_has_key("%Lu/%{home}", 'u', NULL));
	test_assert(var_has_key("%Lu/%{home}", '\0', "home"));
	test_assert(!var_has_key("%Lu/%{home}", 'h', NULL));
	test_assert(!var_has_key("100%%", 'u', "user"));
	arena_destroy(&arena);
	test_end();
}

static void test_limits(void)
{
	struct arena *arena = arena_create("test", 1024);
	const struct var_expand_table *table = user_table(arena, "u@d");
	struct buf out;
	const char *error;

	test_begin("var_expand limits");
	buf_init(&out, NULL, 16, 10);
	test_assert(var_expand(&out, "%u%u%u%u%u", table, &error) < 0);
	test_assert_strcmp(error, "Expanded value too long");
	buf_free(&out);
	arena_destroy(&arena);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_dovecot_vectors,
		test_variables,
		test_limits,
		NULL
	};
	return test_run(tests);
}
