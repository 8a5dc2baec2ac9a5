/*
 * test-master.c - unit tests for the master's pure parts: the service
 * plan computed from a configuration (Dovecot's rules for which services
 * run, default_* limits, listeners, errors), the throttle back-off, log
 * line parsing/formatting and the exit status messages.
 */
#include "lib.h"
#include "config.h"
#include "log-line.h"
#include "service-plan.h"
#include "test-common.h"

#include <signal.h>
#include <sys/wait.h>
#include <syslog.h>

/* Every executable exists, in /x/<name>, except the ones named "missing*"
   or not built by Roost (taken as those the test lists). */
static const char *test_resolver(struct arena *arena, const char *name,
	void *context)
{
	const char *const *available = context;

	for (unsigned int i = 0; available[i] != NULL; i++) {
		if (strcmp(available[i], name) == 0)
			return arena_printf(arena, "/x/%s", name);
	}
	return NULL;
}

static const char *const roost_binaries[] = {
	"imap-login", "imap", "auth", "test-service", NULL
};

static struct plan *plan_from(struct arena *arena, const char *text,
	struct config **config_r, const char **error_r)
{
	struct plan *plan = NULL;
	const char *error;

	*error_r = NULL;
	if (config_load_string(text, "test.conf", config_r, &error) < 0) {
		*error_r = t_strdup(error);
		return NULL;
	}
	if (plan_build(*config_r, arena, test_resolver,
		    (void *)roost_binaries, &plan, &error) < 0) {
		*error_r = t_strdup(error);
		return NULL;
	}
	return plan;
}

static const struct plan_listener *
find_listener(const struct plan_service *s, const char *name,
	unsigned int nth)
{
	for (unsigned int i = 0; i < s->listeners_count; i++) {
		if (strcmp(s->listeners[i].name, name) == 0 && nth-- == 0)
			return &s->listeners[i];
	}
	return NULL;
}

static void test_plan_defaults(void)
{
	struct arena *arena = arena_create("test", 4096);
	struct config *config = NULL;
	const struct plan_service *s;
	const struct plan_listener *l;
	const char *error;
	struct plan *plan;

	test_begin("plan: Dovecot's default services for protocols = imap");
	plan = plan_from(arena, "base_dir = /tmp/rb\nprotocols = imap\n"
		"ssl = no\n", &config, &error);
	test_assert(plan != NULL);
	if (plan == NULL) {
		i_error("plan: %s", error);
		goto out;
	}
	test_assert_strcmp(plan->base_dir, "/tmp/rb");
	test_assert(plan->protocols_count == 1);
	/* imap-login: default limits, dovenull, chroot login, imap on 143
	   on both default addresses; imaps is not bound with ssl = no. */
	s = plan_find_service(plan, "imap-login");
	test_assert(s != NULL);
	if (s != NULL) {
		test_assert(s->process_limit == 100);
		test_assert(s->client_limit == 1000);
		test_assert(s->service_count == 1);
		test_assert(s->idle_kill_secs == 60);
		test_assert(s->vsz_limit == 256ULL * 1024 * 1024);
		test_assert_strcmp(s->user, "dovenull");
		test_assert_strcmp(s->chroot, "/tmp/rb/login");
		test_assert_strcmp(s->executable, "/x/imap-login");
		test_assert_strcmp(s->protocol, "imap");
		l = find_listener(s, "imap", 0);
		test_assert(l != NULL && l->port == 143 &&
			strcmp(l->address, "*") == 0);
		l = find_listener(s, "imap", 1);
		test_assert(l != NULL && strcmp(l->address, "::") == 0);
		test_assert(find_listener(s, "imaps", 0) == NULL);
	}
	/* auth: process_limit 1, its unix listeners under base_dir. */
	s = plan_find_service(plan, "auth");
	test_assert(s != NULL);
	if (s != NULL) {
		test_assert(s->process_limit == 1);
		test_assert_strcmp(s->user, "dovecot");
		l = find_listener(s, "login/login", 0);
		test_assert(l != NULL &&
			strcmp(l->path, "/tmp/rb/login/login") == 0 &&
			l->mode == 0666 && l->type == MASTER_LISTENER_UNIX);
	}
	s = plan_find_service(plan, "imap");
	test_assert(s != NULL && s->user[0] == '\0' && s->chroot == NULL);
	/* Protocol not enabled: not in the plan at all. */
	test_assert(plan_find_service(plan, "pop3-login") == NULL);
	/* Built into the master. */
	test_assert(plan_find_service(plan, "config") == NULL);
	test_assert(plan_find_service(plan, "log") == NULL);
	/* No executable: skipped, quietly for internal services. */
	test_assert(plan_find_service(plan, "anvil") == NULL);
	for (unsigned int i = 0; i < plan->skipped_count; i++) {
		if (strstr(plan->skipped[i], "service(anvil)") != NULL)
			test_assert(!plan->skipped_warn[i]);
	}
out:
	config_free(&config);
	test_end();
	arena_destroy(&arena);
}

static void test_plan_overrides(void)
{
	struct arena *arena = arena_create("test", 4096);
	struct config *config = NULL;
	const struct plan_service *s;
	const struct plan_listener *l;
	const char *error;
	struct plan *plan;

	test_begin("plan: service overrides, default_* settings, listeners");
	plan = plan_from(arena,
		"base_dir = /tmp/rb\n"
		"protocols = imap pop3\n"
		"ssl = yes\n"
		"ssl_cert = </dev/null\nssl_key = </dev/null\n"
		"default_process_limit = 7\n"
		"default_client_limit = 9\n"
		"default_vsz_limit = 0\n"
		"default_idle_kill = 5 mins\n"
		"service imap-login {\n"
		"  inet_listener imap {\n"
		"    address = 127.0.0.1, ::1\n"
		"    port = 10143\n"
		"    haproxy = yes\n"
		"  }\n"
		"  inet_listener imaps {\n"
		"    port = 0\n"
		"  }\n"
		"  inet_listener extra {\n"
		"    address = 127.0.0.2\n"
		"    port = 10993\n"
		"    ssl = yes\n"
		"    reuse_port = yes\n"
		"  }\n"
		"  process_min_avail = 3\n"
		"  service_count = 0\n"
		"  idle_kill = 4294967295 secs\n"
		"  chroot =\n"
		"}\n"
		"service auth {\n"
		"  unix_listener /var/spool/postfix/private/auth {\n"
		"    mode = 0660\n"
		"    user = postfix\n"
		"    group = postfix\n"
		"  }\n"
		"}\n",
		&config, &error);
	test_assert(plan != NULL);
	if (plan == NULL) {
		i_error("plan: %s", error);
		goto out;
	}
	s = plan_find_service(plan, "imap-login");
	test_assert(s != NULL);
	if (s != NULL) {
		test_assert(s->process_limit == 7);
		test_assert(s->client_limit == 9);
		test_assert(s->process_min_avail == 3);
		test_assert(s->service_count == 0);
		test_assert(s->idle_kill_secs == 0);
		test_assert(s->vsz_limit == 0);
		test_assert(s->chroot == NULL);
		test_assert(s->listeners_count == 3);
		l = find_listener(s, "imap", 0);
		test_assert(l != NULL && l->port == 10143 && l->haproxy &&
			strcmp(l->address, "127.0.0.1") == 0);
		l = find_listener(s, "imap", 1);
		test_assert(l != NULL && strcmp(l->address, "::1") == 0);
		l = find_listener(s, "extra", 0);
		test_assert(l != NULL && l->ssl && l->reuse_port);
		test_assert(find_listener(s, "imaps", 0) == NULL);
	}
	s = plan_find_service(plan, "auth");
	test_assert(s != NULL);
	if (s != NULL) {
		test_assert(s->idle_kill_secs == 300);
		l = find_listener(s, "/var/spool/postfix/private/auth", 0);
		test_assert(l != NULL && l->mode == 0660 &&
			strcmp(l->path, "/var/spool/postfix/private/auth") ==
				0 &&
			strcmp(l->user, "postfix") == 0);
	}
	/* pop3 is enabled but Roost has no pop3-login and pop3 yet:
	   warnings; imap-hibernate is an optional helper: debug only. */
	{
		unsigned int warned = 0, quiet = 0;

		for (unsigned int i = 0; i < plan->skipped_count; i++) {
			if (strstr(plan->skipped[i], "service(pop3-login): "
					"not supported yet") != NULL ||
			    strstr(plan->skipped[i], "service(pop3): "
					"not supported yet") != NULL)
				warned += plan->skipped_warn[i] ? 1 : 0;
			if (strstr(plan->skipped[i],
				    "service(imap-hibernate)") != NULL)
				quiet += plan->skipped_warn[i] ? 0 : 1;
		}
		test_assert(warned == 2);
		test_assert(quiet == 1);
	}
out:
	config_free(&config);
	test_end();
	arena_destroy(&arena);
}

static void test_plan_errors(void)
{
	static const struct {
		const char *conf;
		const char *error;
	} cases[] = {
		{ "protocols = imap\nservice imap-login {\n"
		  "  process_min_avail = 5\n  process_limit = 2\n}\n",
		  "service(imap-login): process_min_avail is higher than "
		  "process_limit" },
		{ "protocols = imap foo\n",
		  "protocols: Unknown protocol: foo" },
		{ "protocols = imap\nservice imap-login {\n"
		  "  inet_listener imap {\n    port = 143\n"
		  "    address = 127.0.0.1\n  }\n"
		  "  inet_listener imap2 {\n    port = 143\n"
		  "    address = 127.0.0.1\n  }\n}\n",
		  "service(imap-login) inet_listener imap2: 127.0.0.1:143 is "
		  "already used by service(imap-login) inet_listener imap" },
		{ "protocols = imap\nservice imap-login {\n"
		  "  executable = /nonexistent/imap-login\n}\n",
		  "service(imap-login): executable file doesn't exist: "
		  "/nonexistent/imap-login" },
		{ "protocols = imap\nservice imap {\n"
		  "  vsz_limit = 1k\n}\n",
		  "service(imap): vsz_limit is too low" },
		{ "protocols = imap\nservice auth {\n"
		  "  unix_listener login/login {\n    mode = 9\n  }\n}\n",
		  "service(auth): unix_listener(login/login): Invalid mode: 9" },
	};
	struct arena *arena = arena_create("test", 4096);

	test_begin("plan: configuration errors in Dovecot's words");
	for (unsigned int i = 0; i < N_ELEMENTS(cases); i++) {
		struct config *config = NULL;
		const char *error;

		SCRATCH_BEGIN {
			test_assert(plan_from(arena, t_printf(
				"base_dir = /tmp/rb\nssl = no\n%s",
				cases[i].conf), &config, &error) == NULL);
			test_assert_strcmp(error, cases[i].error);
		} SCRATCH_END;
		config_free(&config);
	}
	test_end();
	arena_destroy(&arena);
}

static void test_socket_key(void)
{
	struct plan_listener a = {
		.type = MASTER_LISTENER_INET, .name = "imap",
		.address = "*", .port = 143,
	};
	struct plan_listener b = a;
	struct plan_listener u = {
		.type = MASTER_LISTENER_UNIX, .name = "login/login",
		.path = "/run/dovecot/login/login", .mode = 0666,
	};

	test_begin("plan: socket keys for reuse across reloads");
	/* ssl/haproxy/name are not part of the socket. */
	b.ssl = true;
	b.name = "other";
	test_assert_strcmp(plan_listener_socket_key(&a),
		plan_listener_socket_key(&b));
	b.port = 144;
	test_assert(strcmp(plan_listener_socket_key(&a),
			    plan_listener_socket_key(&b)) != 0);
	b.port = 143;
	b.reuse_port = true;
	test_assert(strcmp(plan_listener_socket_key(&a),
			    plan_listener_socket_key(&b)) != 0);
	test_assert_strcmp(plan_listener_socket_key(&u),
		"unix /run/dovecot/login/login");
	test_end();
}

static void test_throttle(void)
{
	unsigned int secs = 0;
	const unsigned int expected[] = { 2, 4, 8, 16, 32, 60, 60 };

	test_begin("throttle back-off 2..60 secs");
	for (unsigned int i = 0; i < N_ELEMENTS(expected); i++) {
		secs = plan_throttle_next_secs(secs);
		test_assert(secs == expected[i]);
	}
	test_end();
}

static void test_log_parse(void)
{
	static const struct {
		const char *line;
		bool internal;
		enum log_level level;
		const char *prefix, *text;
	} cases[] = {
		{ "\001iimap-login: Login: user=<a>", true, LOG_LEVEL_INFO,
		  "imap-login: ", "Login: user=<a>" },
		{ "\001eimap(a: b)<12><xyz>: Error: x", true, LOG_LEVEL_ERROR,
		  "imap(a: b)<12><xyz>: ", "Error: x" },
		{ "\001wno prefix here", true, LOG_LEVEL_WARNING, "",
		  "no prefix here" },
		{ "\001fauth: ", true, LOG_LEVEL_FATAL, "auth: ", "" },
		{ "\001dauth-worker(5): x", true, LOG_LEVEL_DEBUG,
		  "auth-worker(5): ", "x" },
		{ "\001pimap: file x.c: line 3: assertion", true,
		  LOG_LEVEL_PANIC, "imap: ", "file x.c: line 3: assertion" },
		{ "==1234==ERROR: AddressSanitizer: heap-use-after-free", false,
		  LOG_LEVEL_ERROR, "",
		  "==1234==ERROR: AddressSanitizer: heap-use-after-free" },
		{ "\001zbad level: x", false, LOG_LEVEL_ERROR, "",
		  "\001zbad level: x" },
		{ "\001", false, LOG_LEVEL_ERROR, "", "\001" },
		{ "", false, LOG_LEVEL_ERROR, "", "" },
	};

	test_begin("log line parsing");
	for (unsigned int i = 0; i < N_ELEMENTS(cases); i++) {
		struct log_line l;

		log_line_parse(cases[i].line, strlen(cases[i].line), &l);
		test_assert(l.internal == cases[i].internal);
		test_assert(l.level == cases[i].level);
		SCRATCH_BEGIN {
			test_assert_strcmp(t_strndup(l.prefix, l.prefix_len),
				cases[i].prefix);
			test_assert_strcmp(t_strndup(l.text, l.text_len),
				cases[i].text);
		} SCRATCH_END;
	}
	test_end();
}

static void test_log_format(void)
{
	struct tm tm;
	time_t t;

	test_begin("log line formatting (file, syslog)");
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 24;
	tm.tm_hour = 11;
	tm.tm_min = 6;
	tm.tm_sec = 57;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	test_assert_strcmp(log_line_format_file("%b %d %H:%M:%S ", t,
		LOG_LEVEL_INFO, "imap-login: ", "Login: user=<a>"),
		"Nov 24 11:06:57 imap-login: Info: Login: user=<a>");
	test_assert_strcmp(log_line_format_file("%Y-%m-%d %H:%M:%S ", t,
		LOG_LEVEL_ERROR, "master: ", "x"),
		"2026-11-24 11:06:57 master: Error: x");
	test_assert_strcmp(log_line_format_file("", t, LOG_LEVEL_WARNING,
		"", "y"), "Warning: y");
	test_assert_strcmp(log_line_format_syslog(LOG_LEVEL_INFO,
		"imap-login: ", "Login"), "imap-login: Login");
	test_assert_strcmp(log_line_format_syslog(LOG_LEVEL_ERROR, "auth: ",
		"x"), "auth: Error: x");
	test_assert(log_line_syslog_facility("mail") == LOG_MAIL);
	test_assert(log_line_syslog_facility("local7") == LOG_LOCAL7);
	test_assert(log_line_syslog_facility("nope") == -1);
	test_assert(log_line_syslog_priority(LOG_LEVEL_ERROR) == LOG_ERR);
	test_end();
}

static int make_status(bool signaled, int code, bool core)
{
	/* Linux wait status layout: exit code << 8, or signal | 0x80 core. */
	if (signaled)
		return code | (core ? 0x80 : 0);
	return (code & 0xff) << 8;
}

static void test_exit_status(void)
{
	test_begin("exit status messages");
	test_assert(WIFSIGNALED(make_status(true, 9, false)));
	test_assert_strcmp(log_line_exit_status("imap-login", 0, 1234,
		make_status(true, SIGKILL, false), false),
		"service(imap-login): child 1234 killed with signal 9");
	test_assert_strcmp(log_line_exit_status("imap", 0, 5,
		make_status(true, SIGSEGV, false), false),
		"service(imap): child 5 killed with signal 11 "
		"(core not dumped)");
	test_assert_strcmp(log_line_exit_status("imap", 0, 5,
		make_status(true, SIGABRT, true), false),
		"service(imap): child 5 killed with signal 6 (core dumped)");
	test_assert(log_line_exit_status("imap", 0, 5, make_status(false, 0,
		false), false) == NULL);
	test_assert_strcmp(log_line_exit_status("auth", 0, 7,
		make_status(false, 89, false), false),
		"service(auth): child 7 returned error 89 (Fatal failure)");
	test_assert(log_line_exit_status("auth", 0, 7,
		make_status(false, 89, false), true) == NULL);
	test_assert_strcmp(log_line_exit_status("imap", 256ULL << 20, 8,
		make_status(false, 83, false), false),
		"service(imap): child 8 returned error 83 (Out of memory "
		"(service imap { vsz_limit=256 MB }, you may need to "
		"increase it))");
	test_assert_strcmp(log_line_exit_status("imap", 0, 8,
		make_status(false, 84, false), false),
		"service(imap): child 8 returned error 84 (exec() failed)");
	test_assert_strcmp(log_line_exit_status("imap", 0, 8,
		make_status(false, 3, false), false),
		"service(imap): child 8 returned error 3");
	test_end();
}

static void test_config_error(void)
{
	test_begin("configuration error wording");
	test_assert_strcmp(log_line_config_error("/etc/d.conf",
		"/etc/d.conf:12: Unknown setting: foo"),
		"Error in configuration file /etc/d.conf line 12: Unknown "
		"setting: foo");
	test_assert_strcmp(log_line_config_error("/a:b.conf",
		"/a:b.conf:3: x: y"),
		"Error in configuration file /a:b.conf line 3: x: y");
	test_assert_strcmp(log_line_config_error("/etc/d.conf",
		"/etc/d.conf: No such file or directory"),
		"Error in configuration file /etc/d.conf: No such file or "
		"directory");
	test_assert_strcmp(log_line_config_error("/etc/d.conf",
		"open(/etc/d.conf) failed: Permission denied"),
		"Error in configuration file /etc/d.conf: open(/etc/d.conf) "
		"failed: Permission denied");
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_plan_defaults,
		test_plan_overrides,
		test_plan_errors,
		test_socket_key,
		test_throttle,
		test_log_parse,
		test_log_format,
		test_exit_status,
		test_config_error,
		NULL
	};

	return test_run(tests);
}
