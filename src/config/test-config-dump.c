/*
 * test-config-dump.c - unit tests of config_dump(): the four modes, the
 * filter and names variants, quoting, and the round trip (dump ALL ->
 * load -> dump ALL gives the same text).
 */
#include "lib.h"
#include "buf.h"
#include "config.h"
#include "str.h"
#include "test-common.h"

static const char sample_conf[] =
	"protocols = imap pop3\n"
	"auth_cache_ttl = 1 hours\n"
	"mail_log_prefix = \"%s(%u): \"\n"
	"deliver_log_format = msgid=%m: %$ x\n"
	"login_greeting = \"a # b $c\"\n"
	"auth_realms = \"'q' \\\"x\\\"\"\n"
	"service imap-login {\n  inet_listener imap {\n    port = 0\n"
	"  }\n  process_min_avail = 2\n}\n"
	"service custom {\n  executable = custom -x\n"
	"  unix_listener \"custom sock\" {\n    mode = 0666\n  }\n}\n"
	"userdb {\n  driver = passwd\n}\n"
	"passdb {\n  driver = passwd-file\n  args = /etc/x\n}\n"
	"passdb {\n  driver = static\n  args = nopassword\n}\n"
	"namespace inbox {\n  inbox = yes\n"
	"  mailbox \"Sent Messages\" {\n    special_use = \\Sent\n  }\n}\n"
	"protocol imap {\n  mail_plugins = $mail_plugins imap_quota\n"
	"  plugin {\n    quota = x\n  }\n}\n"
	"local 10.0.0.1 {\n  protocol pop3 {\n    pop3_uidl_format = %v\n"
	"  }\n}\n"
	"remote 192.168.0.0/16 {\n  disable_plaintext_auth = no\n}\n"
	"local_name imap.example.com {\n  ssl_key_password = x\n}\n"
	"mail_plugins = quota\n"
	"plugin {\n  quota = maildir\n  quota_rule2 = Trash:storage=+10%%\n"
	"  empty =\n}\n";

static const char *dump(const struct config *c, enum config_dump_mode mode,
	const struct config_filter *f, const char *const *names)
{
	struct buf out;
	const char *error = NULL, *result;

	buf_init(&out, NULL, 4096, 0);
	if (config_dump(c, mode, f, names, &out, &error) < 0) {
		buf_free(&out);
		return t_printf("ERROR: %s", error);
	}
	result = t_strdup(buf_cstr(&out));
	buf_free(&out);
	return result;
}

static struct config *load(const char *text)
{
	struct config *c = NULL;
	const char *error;

	if (config_load_string(text, "/etc/roost/dovecot.conf", &c,
			&error) < 0) {
		fprintf(stderr, "load failed: %s\n", error);
		i_panic("load failed");
	}
	return c;
}

static void test_dump_nondefault(void)
{
	struct config *c = load(sample_conf);
	const char *out = dump(c, CONFIG_DUMP_NONDEFAULT, NULL, NULL);

	test_begin("dump -n");
	test_assert(str_begins(out, "# 2.3.19 (roost "));
	test_assert(strstr(out, "): /etc/roost/dovecot.conf\n") != NULL);
	/* equal to the default: not printed in -n, printed in -N */
	test_assert(strstr(out, "auth_cache_ttl") == NULL);
	test_assert(strstr(dump(c, CONFIG_DUMP_EXPLICIT, NULL, NULL),
		"auth_cache_ttl = 1 hours\n") != NULL);
	test_assert(strstr(out, "protocols = imap pop3\n") != NULL);
	test_assert(strstr(out, "mail_log_prefix = \"%s(%u): \"\n") != NULL);
	test_assert(strstr(out, "deliver_log_format = msgid=%m: %$ x\n") !=
		NULL);
	test_assert(strstr(out, "login_greeting = \"a # b $c\"\n") != NULL);
	test_assert(strstr(out, "service imap-login {\n  inet_listener imap "
		"{\n    port = 0\n  }\n  process_min_avail = 2\n}\n") != NULL);
	test_assert(strstr(out, "service pop3-login") == NULL);
	test_assert(strstr(out, "  unix_listener \"custom sock\" {\n"
		"    mode = 0666\n  }\n") != NULL);
	test_assert(strstr(out, "passdb {\n  args = /etc/x\n"
		"  driver = passwd-file\n}\npassdb {\n  args = nopassword\n"
		"  driver = static\n}\n") != NULL);
	test_assert(strstr(out, "protocol imap {\n  mail_plugins = \" "
		"imap_quota\"\n  plugin {\n    quota = x\n  }\n}\n") != NULL);
	test_assert(strstr(out, "local 10.0.0.1 {\n  protocol pop3 {\n"
		"    pop3_uidl_format = %v\n  }\n}\n") != NULL);
	test_assert(strstr(out, "plugin {\n  quota = maildir\n") != NULL);
	/* global settings are sorted, filters come last */
	test_assert(strstr(out, "mail_plugins = quota") <
		strstr(out, "protocols = "));
	test_assert(strstr(out, "userdb {") < strstr(out, "protocol imap {"));
	config_free(&c);
	test_end();
}

static void test_dump_all_roundtrip(void)
{
	struct config *c = load(sample_conf), *c2;
	const char *out, *out2, *error;

	test_begin("dump -a round trip");
	out = dump(c, CONFIG_DUMP_ALL, NULL, NULL);
	test_assert(strstr(out, "first_valid_uid = 500\n") != NULL);
	test_assert(strstr(out, "service pop3-login {\n") != NULL);
	test_assert(strstr(out, "    port = 995\n") != NULL);
	test_assert(strstr(out, "  user = dovenull\n") != NULL);
	test_assert(config_load_string(out, "/etc/roost/dovecot.conf", &c2,
		&error) == 0);
	if (c2 != NULL) {
		out2 = dump(c2, CONFIG_DUMP_ALL, NULL, NULL);
		test_assert_strcmp(out, out2);
		test_assert_strcmp(dump(c, CONFIG_DUMP_NONDEFAULT, NULL, NULL),
			dump(c2, CONFIG_DUMP_NONDEFAULT, NULL, NULL));
		test_assert_strcmp(config_get(c2, NULL, "auth_realms"),
			"'q' \"x\"");
		config_free(&c2);
	}
	/* -n output round-trips too */
	out = dump(c, CONFIG_DUMP_NONDEFAULT, NULL, NULL);
	test_assert(config_load_string(out, "/etc/roost/dovecot.conf", &c2,
		&error) == 0);
	if (c2 != NULL) {
		test_assert_strcmp(dump(c2, CONFIG_DUMP_ALL, NULL, NULL),
			dump(c, CONFIG_DUMP_ALL, NULL, NULL));
		config_free(&c2);
	}
	config_free(&c);
	test_end();
}

static void test_dump_defaults_and_empty(void)
{
	struct config *c = load(sample_conf), *e = load("");
	const char *out;

	test_begin("dump -d and empty configuration");
	out = dump(c, CONFIG_DUMP_DEFAULTS, NULL, NULL);
	test_assert(strstr(out, "protocols = imap pop3 lmtp\n") != NULL);
	test_assert(strstr(out, "mail_plugins = \n") != NULL);
	test_assert(strstr(out, "passdb {") == NULL);
	test_assert(strstr(out, "custom") == NULL);
	test_assert(strstr(out, "    port = 143\n") != NULL);
	test_assert_strcmp(dump(e, CONFIG_DUMP_ALL, NULL, NULL), out);
	out = dump(e, CONFIG_DUMP_NONDEFAULT, NULL, NULL);
	test_assert(strchr(out, '\n') == out + strlen(out) - 1);
	config_free(&c);
	config_free(&e);
	test_end();
}

static void test_dump_filter_and_names(void)
{
	struct config *c = load(sample_conf);
	struct config_filter f = { .protocol = "imap" };
	const char *names1[] = { "mail_plugins", "first_valid_uid", NULL };
	const char *names2[] = { "passdb", NULL };
	const char *names3[] = { "service/imap-login", NULL };
	const char *names4[] = { "nonexistent", NULL };
	const char *out;

	test_begin("dump with filter and names");
	out = dump(c, CONFIG_DUMP_NONDEFAULT, &f, NULL);
	test_assert(strstr(out, "mail_plugins = \" imap_quota\"\n") != NULL);
	test_assert(strstr(out, "protocol imap {") == NULL);
	test_assert(strstr(out, "plugin {\n  quota = x\n") != NULL);
	test_assert_strcmp(dump(c, CONFIG_DUMP_ALL, NULL, names1),
		"mail_plugins = quota\nfirst_valid_uid = 500\n");
	test_assert_strcmp(dump(c, CONFIG_DUMP_ALL, &f, names1),
		"mail_plugins = \" imap_quota\"\nfirst_valid_uid = 500\n");
	test_assert_strcmp(dump(c, CONFIG_DUMP_NONDEFAULT, NULL, names2),
		"passdb {\n  args = /etc/x\n  driver = passwd-file\n}\n"
		"passdb {\n  args = nopassword\n  driver = static\n}\n");
	out = dump(c, CONFIG_DUMP_ALL, NULL, names3);
	test_assert(str_begins(out, "service imap-login {\n"
		"  chroot = login\n"));
	test_assert_strcmp(dump(c, CONFIG_DUMP_ALL, NULL, names4),
		"ERROR: Unknown setting: nonexistent");
	config_free(&c);
	test_end();
}

static void test_dump_limit(void)
{
	struct config *c = load(sample_conf);
	struct buf out;
	const char *error = NULL;

	test_begin("dump output limit");
	buf_init(&out, NULL, 64, 1000);
	test_assert(config_dump(c, CONFIG_DUMP_ALL, NULL, NULL, &out,
		&error) < 0);
	test_assert_strcmp(error, "Output too large");
	buf_free(&out);
	config_free(&c);
	test_end();
}

static const char *dump_human(const struct config *c,
	enum config_dump_mode mode, enum config_dump_flags flags)
{
	struct buf out;
	const char *error = NULL, *result;

	buf_init(&out, NULL, 4096, 0);
	if (config_dump_ext(c, mode, flags, NULL, NULL, &out, &error) < 0) {
		buf_free(&out);
		return t_printf("ERROR: %s", error);
	}
	result = t_strdup(buf_cstr(&out));
	buf_free(&out);
	return result;
}

/* Expected renderings taken from doveconf 2.3.19 on the same input. */
static void test_dump_doveconf_order(void)
{
	struct config *c = load(
		"namespace zz {\n  separator = .\n}\n"
		"namespace {\n  type = public\n  prefix = P/\n}\n"
		"namespace aa {\n  prefix = a/\n  location = maildir:~/x\n"
		"  mailbox Zed {\n    auto = create\n  }\n"
		"  mailbox Abc {\n    auto = subscribe\n  }\n}\n"
		"passdb {\n  driver = static\n}\n"
		"passdb {\n  driver = pam\n}\n"
		"plugin {\n  zz = 1\n  aa = 2\n}\n");
	const char *out;

	test_begin("dump: doveconf's order, namespace location/prefix");
	out = dump_human(c, CONFIG_DUMP_NONDEFAULT,
		CONFIG_DUMP_FLAG_DOVECONF_ORDER);
	test_assert(strstr(out,
		"namespace {\n  location = \n  prefix = P/\n  type = public\n"
		"}\nnamespace aa {\n  location = maildir:~/x\n"
		"  mailbox Abc {\n    auto = subscribe\n  }\n"
		"  mailbox Zed {\n    auto = create\n  }\n"
		"  prefix = a/\n}\n"
		"namespace zz {\n  location = \n  prefix = \n"
		"  separator = .\n}\n"
		"passdb {\n  driver = static\n}\npassdb {\n  driver = pam\n}\n"
		"plugin {\n  aa = 2\n  zz = 1\n}\n") != NULL);
	/* without the flag: file order (namespace order is meaningful) */
	out = dump(c, CONFIG_DUMP_NONDEFAULT, NULL, NULL);
	test_assert(strstr(out, "namespace zz {") < strstr(out,
		"namespace aa {"));
	test_assert(strstr(out, "  zz = 1\n  aa = 2\n") != NULL);
	config_free(&c);
	test_end();
}

static void test_dump_hide_secrets(void)
{
	struct config *c = load(
		"ssl_key_password = abc\n"
		"passdb {\n  driver = static\n  args = user=a password=x\n}\n"
		"passdb {\n  driver = static\n  args = nopassword=y\n}\n"
		"plugin {\n  a = passwd=1 x\n  b = pass=2,password=3 q\n"
		"  c = host=x password=y dbname=z\n  d_key = k\n"
		"  e = x:password=y:z\n  f = PASSWORD=x\n"
		"  g = opass=1 -pass=2 _pass=3\n  h = pass\n  i = pass1=2\n"
		"  key = 2\n  password = 5\n  j_password = \n}\n");
	const char *out;

	test_begin("dump: secrets hidden like doveconf without -P");
	out = dump_human(c, CONFIG_DUMP_NONDEFAULT,
		CONFIG_DUMP_FLAG_DOVECONF_ORDER |
		CONFIG_DUMP_FLAG_HIDE_SECRETS);
	test_assert(strstr(out,
		"  args = user=a password=#hidden_use-P_to_show#\n") != NULL);
	test_assert(strstr(out, "  args = nopassword=y\n") != NULL);
	test_assert(strstr(out,
		"  a = passwd=#hidden_use-P_to_show# x\n"
		"  b = pass=#hidden_use-P_to_show# q\n"
		"  c = host=x password=#hidden_use-P_to_show# dbname=z\n"
		"  d_key = # hidden, use -P to show it\n"
		"  e = x:password=#hidden_use-P_to_show#:z\n"
		"  f = PASSWORD=x\n"
		"  g = opass=1 -pass=#hidden_use-P_to_show# "
		"_pass=#hidden_use-P_to_show#\n"
		"  h = pass\n  i = pass1=#hidden_use-P_to_show#\n"
		"  j_password = \n  key = 2\n  password = 5\n") != NULL);
	test_assert(strstr(out,
		"ssl_key_password = # hidden, use -P to show it\n") != NULL);
	/* the machine dump (passed to child processes) keeps them */
	out = dump(c, CONFIG_DUMP_ALL, NULL, NULL);
	test_assert(strstr(out, "ssl_key_password = abc\n") != NULL);
	test_assert(strstr(out, "  c = host=x password=y dbname=z\n") != NULL);
	config_free(&c);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_dump_nondefault,
		test_dump_all_roundtrip,
		test_dump_defaults_and_empty,
		test_dump_filter_and_names,
		test_dump_limit,
		test_dump_doveconf_order,
		test_dump_hide_secrets,
		NULL
	};
	return test_run(tests);
}
