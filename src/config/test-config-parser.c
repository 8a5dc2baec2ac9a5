/*
 * test-config-parser.c - unit tests of the dovecot.conf grammar: values,
 * quoting, comments, continuation, sections and merging, filters,
 * includes, <file, $variables, error messages, truncated input.
 */
#include "lib.h"
#include "buf.h"
#include "config.h"
#include "test-common.h"

#include <fcntl.h>
#include <sys/stat.h>

static struct config *load_ok(const char *text)
{
	struct config *c = NULL;
	const char *error = NULL;

	if (config_load_string(text, "/test/dovecot.conf", &c, &error) < 0) {
		fprintf(stderr, "unexpected error: %s\n", error);
		test_assert(false);
		return NULL;
	}
	return c;
}

static const char *load_error(const char *text)
{
	struct config *c = NULL;
	const char *error = NULL;

	if (config_load_string(text, "/test/dovecot.conf", &c, &error) == 0) {
		config_free(&c);
		return "(no error)";
	}
	test_assert(c == NULL);
	return error;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	i_assert(fd >= 0);
	i_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void test_values(void)
{
	struct config *c;

	test_begin("key = value, quoting, comments");
	c = load_ok("# comment\n"
		"  mail_location=maildir:~/Maildir   \n"
		"auth_realms = a # trailing comment\n"
		"log_path = \"x\\\"y\\\\z\\n\"\n"
		"login_greeting = 'single # quoted'\n"
		"mail_plugins = a\\\n"
		"   b \\\n"
		"  c\n"
		"postmaster_address = \"a\" b\n"
		"auth_mechanisms =\n"
		"\n");
	test_assert_strcmp(config_get(c, NULL, "mail_location"),
		"maildir:~/Maildir");
	test_assert_strcmp(config_get(c, NULL, "auth_realms"), "a");
	test_assert_strcmp(config_get(c, NULL, "log_path"), "x\"y\\zn");
	test_assert_strcmp(config_get(c, NULL, "login_greeting"),
		"single # quoted");
	test_assert_strcmp(config_get(c, NULL, "mail_plugins"), "a b c");
	test_assert_strcmp(config_get(c, NULL, "postmaster_address"),
		"\"a\" b");
	test_assert_strcmp(config_get(c, NULL, "auth_mechanisms"), "");
	test_assert(config_is_set(c, NULL, "auth_mechanisms"));
	test_assert(!config_is_set(c, NULL, "mail_uid"));
	/* defaults */
	test_assert_strcmp(config_get(c, NULL, "ssl"), "yes");
	test_assert_strcmp(config_get(c, NULL, "login_trusted_networks"), "");
	test_assert(config_get_bool(c, NULL, "disable_plaintext_auth"));
	test_assert(config_get_uint(c, NULL, "first_valid_uid") == 500);
	test_assert(config_get_time_secs(c, NULL, "auth_cache_ttl") == 3600);
	test_assert(config_get_time_msecs(c, NULL,
		"imapc_connection_retry_interval") == 1000);
	test_assert(config_get_size(c, NULL, "imap_max_line_length") ==
		64 * 1024);
	test_assert_strcmp(config_get_path(c), "/test/dovecot.conf");
	config_free(&c);
	test_assert(c == NULL);
	config_free(&c);
	test_end();
}

static void test_typed(void)
{
	struct config *c;

	test_begin("typed values");
	c = load_ok("auth_cache_ttl = 2 mins\n"
		"auth_cache_size = 10M\n"
		"mail_max_userip_connections = 20\n"
		"verbose_ssl = yes\n"
		"mail_fsync = never\n"
		"login_proxy_timeout = 1500ms\n"
		"default_vsz_limit = 1 G\n");
	test_assert(config_get_time_secs(c, NULL, "auth_cache_ttl") == 120);
	test_assert(config_get_size(c, NULL, "auth_cache_size") ==
		10 * 1024 * 1024);
	test_assert(config_get_uint(c, NULL, "mail_max_userip_connections") ==
		20);
	test_assert(config_get_bool(c, NULL, "verbose_ssl"));
	test_assert(config_get_time_msecs(c, NULL, "login_proxy_timeout") ==
		1500);
	test_assert(config_get_time_secs(c, NULL, "login_proxy_timeout") == 1);
	test_assert(config_get_size(c, NULL, "default_vsz_limit") ==
		1024ULL * 1024 * 1024);
	config_free(&c);
	test_end();
}

static void test_errors(void)
{
	test_begin("error messages");
	test_assert_strcmp(load_error("foo = bar\n"),
		"/test/dovecot.conf:1: Unknown setting: foo");
	test_assert_strcmp(load_error("\n\n}\n"),
		"/test/dovecot.conf:3: Unexpected '}'");
	test_assert_strcmp(load_error("service imap {\n"),
		"/test/dovecot.conf: Missing '}' (section started at "
		"/test/dovecot.conf:1)");
	test_assert_strcmp(load_error("service imap { x\n}\n"),
		"/test/dovecot.conf:1: Garbage after '{'");
	test_assert_strcmp(load_error("foo\n"),
		"/test/dovecot.conf:1: Expecting '{'");
	test_assert_strcmp(load_error("service imap\n{\n}\n"),
		"/test/dovecot.conf:1: Expecting '{'");
	test_assert_strcmp(load_error("service \"imap {\n}\n"),
		"/test/dovecot.conf:1: Expecting '{'");
	test_assert_strcmp(load_error("foo bar {\n}\n"),
		"/test/dovecot.conf:1: Unknown setting: foo { foo");
	test_assert_strcmp(load_error("service imap {\n foo {\n }\n}\n"),
		"/test/dovecot.conf:2: Unknown setting: service { foo { foo");
	test_assert_strcmp(load_error("passdb {\n  foo = x\n}\n"),
		"/test/dovecot.conf:2: Unknown setting: passdb { foo");
	test_assert_strcmp(load_error("namespace {\n mailbox x {\n"
		"  foo = 1\n }\n}\n"),
		"/test/dovecot.conf:3: Unknown setting: namespace { mailbox "
		"{ foo");
	test_assert_strcmp(load_error("plugin {\n a = b\n x {\n }\n}\n"),
		"/test/dovecot.conf:3: Section not allowed here");
	test_assert_strcmp(load_error("auth_cache_size = zz!\n"),
		"/test/dovecot.conf:1: Invalid size: zz!");
	test_assert_strcmp(load_error("auth_cache_ttl = zz!\n"),
		"/test/dovecot.conf:1: Invalid time interval: zz!");
	test_assert_strcmp(load_error("auth_cache_ttl = 15\n"),
		"/test/dovecot.conf:1: Time interval '15' is missing units "
		"(add e.g. 's' for seconds)");
	test_assert_strcmp(load_error("auth_failure_delay = 1500ms\n"),
		"/test/dovecot.conf:1: Milliseconds not supported for this "
		"setting: 1500ms");
	test_assert_strcmp(load_error("verbose_ssl = maybe\n"),
		"/test/dovecot.conf:1: Invalid boolean value: maybe (use yes "
		"or no)");
	test_assert_strcmp(load_error("first_valid_uid = x\n"),
		"/test/dovecot.conf:1: Invalid number x: Not a valid number");
	test_assert_strcmp(load_error("first_valid_uid = -1\n"),
		"/test/dovecot.conf:1: Invalid number -1: Number too small");
	test_assert_strcmp(load_error(
		"mail_max_userip_connections = 99999999999\n"),
		"/test/dovecot.conf:1: Invalid number 99999999999: Number too "
		"large");
	test_assert_strcmp(load_error("ssl = maybe\n"),
		"/test/dovecot.conf:1: Invalid value: maybe");
	test_assert_strcmp(load_error(
		"service x {\n inet_listener y {\n  port = 70000\n }\n}\n"),
		"/test/dovecot.conf:3: Invalid port number 70000");
	test_assert_strcmp(load_error("passdb {\n  skip = zz\n}\n"),
		"/test/dovecot.conf:2: Invalid value: zz");
	test_assert_strcmp(load_error("mail_plugins = $foo\n"),
		"/test/dovecot.conf:1: Unknown variable: $foo");
	test_assert_strcmp(load_error("!include /nonexistent/x.conf\n"),
		"/test/dovecot.conf:1: No matches");
	test_assert_strcmp(load_error("!include /nonexistent/*.conf\n"),
		"/test/dovecot.conf:1: No matches");
	test_assert_strcmp(load_error("ssl_cert = </nonexistent/cert.pem\n"),
		"/test/dovecot.conf:1: ssl_cert: Can't open file "
		"/nonexistent/cert.pem: No such file or directory");
	test_assert_strcmp(load_error(
		"protocol imap {\n  protocol pop3 {\n  }\n}\n"),
		"/test/dovecot.conf:2: Nested protocol { protocol { .. } } "
		"block not allowed");
	test_assert_strcmp(load_error(
		"remote 10.0.0.0/8 {\n local 1.2.3.4 {\n }\n}\n"),
		"/test/dovecot.conf:2: remote { local { .. } } not allowed "
		"(use local { remote { .. } } instead)");
	test_assert_strcmp(load_error(
		"protocol imap {\n  remote 1.2.3.4 {\n  }\n}\n"),
		"/test/dovecot.conf:2: protocol { remote { .. } } not allowed "
		"(use remote { protocol { .. } } instead)");
	test_assert_strcmp(load_error("local 1.2.3.4/33 {\n}\n"),
		"/test/dovecot.conf:1: Invalid network mask: 33");
	test_assert_strcmp(load_error("service imap {\n protocol imap {\n"
		" }\n}\n"),
		"/test/dovecot.conf:2: Section not allowed here");
	test_assert_strcmp(load_error("mail_uid = a\0b\n"), "(no error)");
	test_end();
}

static void test_sections(void)
{
	const struct config_section *const *list, *const *children;
	const struct config_section *s;
	const char *key, *value;
	unsigned int count, idx;
	struct config *c;

	test_begin("sections, merging, anonymous lists");
	c = load_ok("passdb {\n  driver = passwd-file\n"
		"  args = scheme=CRYPT /etc/imap.passwd\n}\n"
		"passdb {\n  driver = static\n  args = nopassword=y\n}\n"
		"userdb {\n  driver = static\n"
		"  args = uid=vmail gid=vmail home=/home/%u\n}\n"
		"namespace inbox {\n  inbox = yes\n"
		"  mailbox \"Sent Messages\" {\n    special_use = \\Sent\n  }\n"
		"}\n"
		"namespace inbox {\n  separator = /\n"
		"  mailbox Trash {\n    auto = subscribe\n"
		"    special_use = \\Trash\n  }\n}\n"
		"plugin {\n  quota = maildir:User quota\n"
		"  quota_rule = *:storage=1G\n}\n"
		"plugin {\n  quota_rule2 = Trash:storage=+100M\n}\n"
		"service imap-login {\n  inet_listener imap {\n"
		"    port = 0\n  }\n  process_min_avail = 2\n}\n"
		"service auth {\n"
		"  unix_listener /var/spool/postfix/private/auth {\n"
		"    mode = 0660\n    user = postfix\n    group = postfix\n"
		"  }\n}\n"
		"service custom {\n  executable = custom\n}\n");
	list = config_get_sections(c, NULL, "passdb", &count);
	test_assert(count == 2 && list[2] == NULL);
	test_assert_strcmp(config_section_get(list[0], "driver"),
		"passwd-file");
	test_assert_strcmp(config_section_get(list[1], "driver"), "static");
	test_assert_strcmp(config_section_name(list[1]), "");
	test_assert_strcmp(config_section_type(list[1]), "passdb");
	test_assert_strcmp(config_section_get(list[1], "result_success"),
		"return-ok");
	test_assert(!config_section_get_bool(list[1], "deny"));

	list = config_get_sections(c, NULL, "namespace", &count);
	test_assert(count == 1);
	test_assert_strcmp(config_section_name(list[0]), "inbox");
	test_assert(config_section_get_bool(list[0], "inbox"));
	test_assert_strcmp(config_section_get(list[0], "separator"), "/");
	test_assert_strcmp(config_section_get(list[0], "type"), "private");
	children = config_section_children(list[0], "mailbox", &count);
	test_assert(count == 2);
	test_assert_strcmp(config_section_name(children[0]), "Sent Messages");
	test_assert_strcmp(config_section_get(children[0], "special_use"),
		"\\Sent");
	test_assert_strcmp(config_section_get(children[1], "auto"),
		"subscribe");

	list = config_get_sections(c, NULL, "plugin", &count);
	test_assert(count == 1);
	test_assert_strcmp(config_section_get(list[0], "quota_rule2"),
		"Trash:storage=+100M");
	test_assert(config_section_get(list[0], "nonexistent") == NULL);
	idx = 0;
	test_assert(config_section_iter(list[0], &idx, &key, &value));
	test_assert_strcmp(key, "quota");
	test_assert_strcmp(value, "maildir:User quota");
	test_assert(config_section_iter(list[0], &idx, &key, &value));
	test_assert(config_section_iter(list[0], &idx, &key, &value));
	test_assert_strcmp(key, "quota_rule2");
	test_assert(!config_section_iter(list[0], &idx, &key, &value));

	/* built-in services with overrides merged */
	s = config_find_section(c, NULL, "service", "imap-login");
	test_assert(s != NULL);
	test_assert(config_section_get_uint(s, "process_min_avail") == 2);
	test_assert_strcmp(config_section_get(s, "executable"), "imap-login");
	test_assert_strcmp(config_section_get(s, "user"), "dovenull");
	test_assert_strcmp(config_section_get(s, "chroot"), "login");
	children = config_section_children(s, "inet_listener", &count);
	test_assert(count == 2);
	test_assert_strcmp(config_section_name(children[0]), "imap");
	test_assert(config_section_get_uint(children[0], "port") == 0);
	test_assert(config_section_get_uint(children[1], "port") == 993);
	test_assert(config_section_get_bool(children[1], "ssl"));
	s = config_find_section(c, NULL, "service", "auth");
	children = config_section_children(s, "unix_listener", &count);
	test_assert(count == 7);
	test_assert_strcmp(config_section_name(children[6]),
		"/var/spool/postfix/private/auth");
	test_assert(config_section_get_uint(children[6], "mode") == 0660);
	test_assert_strcmp(config_section_get(children[3], "user"), "dovecot");
	test_assert(config_section_get_uint(children[3], "mode") == 0666);
	s = config_find_section(c, NULL, "service", "pop3-login");
	children = config_section_children(s, "inet_listener", &count);
	test_assert(count == 2 &&
		config_section_get_uint(children[0], "port") == 110 &&
		config_section_get_uint(children[1], "port") == 995);
	s = config_find_section(c, NULL, "service", "managesieve-login");
	children = config_section_children(s, "inet_listener", &count);
	test_assert(count == 1 &&
		config_section_get_uint(children[0], "port") == 4190);
	s = config_find_section(c, NULL, "service", "lmtp");
	children = config_section_children(s, "unix_listener", &count);
	test_assert(count == 1);
	test_assert_strcmp(config_section_name(children[0]), "lmtp");
	s = config_find_section(c, NULL, "service", "custom");
	test_assert(s != NULL);
	test_assert_strcmp(config_section_get(s, "executable"), "custom");
	test_assert(config_section_get_size(s, "vsz_limit") == UINT64_MAX);
	list = config_get_sections(c, NULL, "service", &count);
	test_assert(count > 30);
	test_assert(config_get_sections(c, NULL, "metric", &count)[0] == NULL &&
		count == 0);
	config_free(&c);
	test_end();
}

static void test_variables(void)
{
	struct config *c;
	struct config_filter imap = { .protocol = "imap" };
	struct config_filter pop3 = { .protocol = "pop3" };

	test_begin("$setting references");
	setenv("ROOST_TEST_ENV", "envvalue", 1);
	c = load_ok("mail_plugins = acl\n"
		"mail_plugins = $mail_plugins quota\n"
		"protocol imap {\n"
		"  mail_plugins = $mail_plugins imap_quota\n}\n"
		"auth_realms = $mail_plugins x$mail_plugins \"$mail_plugins\"\n"
		"postmaster_address = $ENV:ROOST_TEST_ENV z\n"
		"default_internal_user = roost\n"
		"login_greeting = \"$mail_plugins\"\n"
		"plugin {\n  a = 1\n  a = $a 2\n  b = $mail_plugins\n}\n");
	test_assert_strcmp(config_get(c, NULL, "mail_plugins"), "acl quota");
	test_assert_strcmp(config_get(c, &imap, "mail_plugins"),
		"acl quota imap_quota");
	test_assert_strcmp(config_get(c, &pop3, "mail_plugins"), "acl quota");
	test_assert_strcmp(config_get(c, NULL, "auth_realms"),
		"acl quota x$mail_plugins \"$mail_plugins\"");
	test_assert_strcmp(config_get(c, NULL, "postmaster_address"),
		"envvalue z");
	test_assert_strcmp(config_get(c, NULL, "login_greeting"),
		"$mail_plugins");
	test_assert_strcmp(config_section_get(config_get_sections(c, NULL,
		"plugin", &(unsigned int){0})[0], "a"), "1 2");
	test_assert_strcmp(config_section_get(config_get_sections(c, NULL,
		"plugin", &(unsigned int){0})[0], "b"), "acl quota");
	/* $default_internal_user in built-in services follows the config */
	test_assert_strcmp(config_section_get(config_find_section(c, NULL,
		"service", "auth"), "user"), "roost");
	config_free(&c);
	test_end();
}

static void test_filters(void)
{
	struct config *c;
	const struct config_section *const *list;
	unsigned int count;
	struct config_filter f;

	test_begin("filters");
	c = load_ok("disable_plaintext_auth = yes\n"
		"mail_max_userip_connections = 10\n"
		"protocol imap {\n  mail_max_userip_connections = 20\n"
		"  plugin {\n    quota = imapquota\n  }\n}\n"
		"protocol \"pop3 lmtp\" {\n  mail_max_userip_connections = 3\n}\n"
		"protocol !imap {\n  login_greeting = notimap\n}\n"
		"remote 192.168.0.0/16 {\n  disable_plaintext_auth = no\n"
		"  protocol imap {\n    mail_max_userip_connections = 50\n"
		"  }\n}\n"
		"local 10.0.0.1 {\n  protocol pop3 {\n"
		"    pop3_uidl_format = %v\n  }\n}\n"
		"local_name imap.example.com {\n  ssl_key_password = x\n}\n"
		"local_name *.example.org {\n  ssl_key_password = y\n}\n"
		"plugin {\n  quota = maildir\n  quota_rule = *:storage=1G\n}\n");
	test_assert(config_get_uint(c, NULL, "mail_max_userip_connections") ==
		10);
	memset(&f, 0, sizeof(f));
	test_assert(config_get_uint(c, &f, "mail_max_userip_connections") ==
		10);
	f.protocol = "imap";
	test_assert(config_get_uint(c, &f, "mail_max_userip_connections") ==
		20);
	test_assert_strcmp(config_get(c, &f, "login_greeting"),
		"Dovecot ready.");
	f.protocol = "lmtp";
	test_assert(config_get_uint(c, &f, "mail_max_userip_connections") ==
		3);
	test_assert_strcmp(config_get(c, &f, "login_greeting"), "notimap");
	f.protocol = NULL;
	f.service = "pop3";
	test_assert(config_get_uint(c, &f, "mail_max_userip_connections") ==
		3);
	f.service = NULL;
	f.protocol = "imap";
	f.remote_ip = "192.168.3.4";
	test_assert(!config_get_bool(c, &f, "disable_plaintext_auth"));
	test_assert(config_get_uint(c, &f, "mail_max_userip_connections") ==
		50);
	test_assert(config_is_set(c, &f, "disable_plaintext_auth"));
	f.remote_ip = "192.169.3.4";
	test_assert(config_get_bool(c, &f, "disable_plaintext_auth"));
	f.remote_ip = "::ffff:192.168.1.1";
	test_assert(!config_get_bool(c, &f, "disable_plaintext_auth"));
	f.protocol = "pop3";
	f.local_ip = "10.0.0.1";
	test_assert_strcmp(config_get(c, &f, "pop3_uidl_format"), "%v");
	f.protocol = "imap";
	test_assert_strcmp(config_get(c, &f, "pop3_uidl_format"), "%08Xu%08Xv");
	f.local_name = "IMAP.example.com";
	test_assert_strcmp(config_get(c, &f, "ssl_key_password"), "x");
	f.local_name = "mail.example.org";
	test_assert_strcmp(config_get(c, &f, "ssl_key_password"), "y");
	f.local_name = "example.net";
	test_assert_strcmp(config_get(c, &f, "ssl_key_password"), "");

	/* sections inside filters merge into the global ones */
	memset(&f, 0, sizeof(f));
	f.protocol = "imap";
	list = config_get_sections(c, &f, "plugin", &count);
	test_assert(count == 1);
	test_assert_strcmp(config_section_get(list[0], "quota"), "imapquota");
	test_assert_strcmp(config_section_get(list[0], "quota_rule"),
		"*:storage=1G");
	test_assert(config_get_sections(c, &f, "plugin", &count) == list);
	list = config_get_sections(c, NULL, "plugin", &count);
	test_assert_strcmp(config_section_get(list[0], "quota"), "maildir");
	config_free(&c);
	test_end();
}

static void test_includes(void)
{
	const char *dir = test_tmpdir(), *main_path, *error;
	const struct config_section *const *list;
	struct config *c;
	unsigned int count;

	test_begin("!include, !include_try, <file");
	main_path = t_printf("%s/dovecot.conf", dir);
	mkdir(t_printf("%s/conf.d", dir), 0700);
	write_file(t_printf("%s/conf.d/10-b.conf", dir),
		"mail_plugins = $mail_plugins b\n"
		"passdb {\n  driver = b\n}\n");
	write_file(t_printf("%s/conf.d/10-a.conf", dir),
		"mail_plugins = $mail_plugins a\n"
		"passdb {\n  driver = a\n}\n");
	write_file(t_printf("%s/conf.d/20-C.conf", dir),
		"mail_plugins = $mail_plugins C\n"
		"namespace inbox {\n  mailbox Junk {\n  }\n}\n");
	write_file(t_printf("%s/conf.d/auth.ext", dir),
		"  driver = ext\n");
	write_file(t_printf("%s/secret", dir), "s3cret\n");
	write_file(t_printf("%s/cert.pem", dir),
		"-----BEGIN X-----\nabc\n-----END X-----\n");
	write_file(main_path,
		"namespace inbox {\n  inbox = yes\n}\n"
		"mail_plugins = zero\n"
		"!include conf.d/*.conf\n"
		"!include_try conf.d/nonexistent.conf\n"
		"!include_try /nonexistent-dir/*.conf\n"
		"userdb {\n  !include conf.d/auth.ext\n}\n"
		"ssl_key_password = <secret\n"
		"ssl_cert = < cert.pem\n");
	if (config_load_file(main_path, &c, &error) < 0) {
		fprintf(stderr, "error: %s\n", error);
		test_assert(false);
		test_end();
		return;
	}
	test_assert_strcmp(config_get_path(c), main_path);
	test_assert_strcmp(config_get(c, NULL, "mail_plugins"),
		"zero a b C");
	list = config_get_sections(c, NULL, "passdb", &count);
	test_assert(count == 2);
	test_assert_strcmp(config_section_get(list[0], "driver"), "a");
	list = config_get_sections(c, NULL, "userdb", &count);
	test_assert(count == 1 &&
		strcmp(config_section_get(list[0], "driver"), "ext") == 0);
	list = config_get_sections(c, NULL, "namespace", &count);
	test_assert(count == 1);
	test_assert(config_section_get_bool(list[0], "inbox"));
	config_section_children(list[0], "mailbox", &count);
	test_assert(count == 1);
	test_assert_strcmp(config_get(c, NULL, "ssl_key_password"), "s3cret");
	test_assert_strcmp(config_get(c, NULL, "ssl_cert"),
		"-----BEGIN X-----\nabc\n-----END X-----");
	config_free(&c);

	/* errors inside included files name that file */
	write_file(t_printf("%s/bad.conf", dir), "\n\nfoo = bar\n");
	write_file(main_path, "!include bad.conf\n");
	test_assert(config_load_file(main_path, &c, &error) < 0);
	test_assert_strcmp(error, t_printf("%s/bad.conf:3: Unknown setting: "
		"foo", dir));
	/* recursion */
	write_file(t_printf("%s/loop.conf", dir), "!include dovecot.conf\n");
	write_file(main_path, "!include loop.conf\n");
	test_assert(config_load_file(main_path, &c, &error) < 0);
	test_assert(strstr(error, "Recursive include file") != NULL);
	test_assert(config_load_file(t_printf("%s/none.conf", dir), &c,
		&error) < 0);
	test_assert_strcmp(error, t_printf("open(%s/none.conf) failed: No such "
		"file or directory", dir));
	test_end();
}

static void test_truncated(void)
{
	static const char sample[] =
		"protocols = imap pop3 lmtp\n"
		"mail_location = maildir:~/Maildir # comment\n"
		"mail_plugins = $mail_plugins quota\n"
		"namespace inbox {\n  inbox = yes\n"
		"  mailbox \"Sent Messages\" {\n    special_use = \\Sent\n"
		"  }\n}\n"
		"service imap-login {\n  inet_listener imaps {\n"
		"    port = 993\n    ssl = yes\n  }\n}\n"
		"passdb {\n  driver = passwd-file\n  args = /etc/passwd\n}\n"
		"protocol imap {\n  mail_plugins = $mail_plugins imap_quota\n}\n"
		"remote 10.0.0.0/8 {\n  auth_cache_ttl = 5 mins\n}\n"
		"log_path = \"/var/log/x \\\"y\\\"\"\n"
		"plugin {\n  quota = maildir:User \\\n  quota\n}\n";
	size_t i, len = sizeof(sample) - 1;
	unsigned int ok = 0, failed = 0;

	test_begin("truncated input at every offset");
	for (i = 0; i <= len; i++) {
		char *text = i_strndup(sample, i);
		struct config *c = NULL;
		const char *error = NULL;

		if (config_load_string(text, "t.conf", &c, &error) == 0) {
			struct buf out;

			buf_init(&out, NULL, 1024, 0);
			test_assert(config_dump(c, CONFIG_DUMP_ALL, NULL, NULL,
				&out, &error) == 0);
			buf_free(&out);
			config_free(&c);
			ok++;
		} else {
			test_assert(error != NULL &&
				strncmp(error, "t.conf", 6) == 0);
			failed++;
		}
		free(text);
	}
	test_assert(ok > 10 && failed > 10);
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_values,
		test_typed,
		test_errors,
		test_sections,
		test_variables,
		test_filters,
		test_includes,
		test_truncated,
		NULL
	};
	return test_run(tests);
}
