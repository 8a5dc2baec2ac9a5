/*
 * main.c - roost, the master process: command line, pid file,
 * daemonizing, signals, reload and shutdown.  Services, processes,
 * sockets and logs live in their own modules (master.h).
 */
#include "lib.h"
#include "master.h"

#include "admin-server.h"
#include "buf.h"
#include "config.h"
#include "file.h"
#include "ioloop.h"
#include "log-line.h"
#include "master-log.h"
#include "net.h"
#include "roost-config.h"
#include "signal-info.h"
#include "str.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define DEFAULT_CONFIG_PATH "/etc/dovecot/dovecot.conf"
#define MASTER_PID_FILE_NAME "master.pid"
/* roost stop waits this long for the master to exit. */
#define MASTER_STOP_WAIT_SECS 60
/* On shutdown, children that have not exited by then get SIGKILL. */
#define MASTER_SHUTDOWN_KILL_SECS 10

struct master *master;

static struct master master_state;
static const char *pid_path;
static bool pid_file_written;
static struct timeout *to_shutdown_kill;

/* ---- executables ---- */

const char *master_exec_resolve(struct arena *arena, const char *name,
	void *context ATTR_UNUSED)
{
	const char *path;

	if (strchr(name, '/') != NULL)
		return NULL;
	if (master->exec_dir_is_build_tree) {
		path = arena_printf(arena, "%s/bin/%s/%s", master->exec_dir,
			name, name);
	} else {
		path = arena_printf(arena, "%s/%s", master->exec_dir, name);
	}
	return access(path, X_OK) == 0 ? path : NULL;
}

static void master_detect_exec_dir(const struct config *config)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *build_master = ROOST_BUILD_ROOT "/bin/master";

	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');

		if (slash != NULL) {
			*slash = '\0';
			if (strcmp(exe, build_master) == 0) {
				master->exec_dir = ROOST_BUILD_ROOT;
				master->exec_dir_is_build_tree = true;
				return;
			}
		}
	}
	master->exec_dir_is_build_tree = false;
	static char libexec_dir[PATH_MAX];

	if (config_is_set(config, NULL, "libexec_dir") &&
	    i_strlcpy(libexec_dir, config_get(config, NULL, "libexec_dir"),
		    sizeof(libexec_dir)) == 0)
		master->exec_dir = libexec_dir;
	else
		master->exec_dir = ROOST_LIBEXECDIR;
}

/* ---- startup errors ---- */

static bool log_targets_open;
/* The master's own log lines go through the collector. */
static bool log_captured;

/* Before the log is set up, errors go to the terminal the way Dovecot
   prints them ("Fatal: ..."), and to the log too once it is open. */
static void startup_fatal(const char *fmt, ...) ATTR_FORMAT(1, 2)
	ATTR_NORETURN;
static void startup_fatal(const char *fmt, ...)
{
	va_list args;
	const char *msg;

	va_start(args, fmt);
	msg = arena_vprintf(scratch_arena(), fmt, args);
	va_end(args);
	if (log_captured)
		i_fatal("%s", msg);
	fprintf(stderr, "Fatal: %s\n", msg);
	if (log_targets_open)
		master_log_write(LOG_LEVEL_FATAL, "master: ", msg);
	exit(FATAL_EXIT_CODE);
}

void master_error(const char *fmt, ...)
{
	va_list args;
	const char *msg;

	va_start(args, fmt);
	msg = arena_vprintf(scratch_arena(), fmt, args);
	va_end(args);
	if (log_captured) {
		i_error("%s", msg);
		return;
	}
	fprintf(stderr, "Error: %s\n", msg);
	if (log_targets_open)
		master_log_write(LOG_LEVEL_ERROR, "master: ", msg);
}

/* ---- pid file ---- */

static pid_t pid_file_read(const char *path)
{
	char buf[32];
	ssize_t ret;
	uint32_t pid;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ret = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (ret <= 0)
		return -1;
	buf[ret] = '\0';
	if (buf[ret - 1] == '\n')
		buf[ret - 1] = '\0';
	if (str_to_uint32(buf, &pid) < 0 || pid == 0 || pid > INT_MAX)
		return -1;
	return (pid_t)pid;
}

static bool pid_is_running(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static void pid_file_check(void)
{
	pid_t pid = pid_file_read(pid_path);

	if (pid > 0 && pid != getpid() && pid_is_running(pid)) {
		startup_fatal("Roost is already running with PID %ld "
			"(read from %s)", (long)pid, pid_path);
	}
	/* A stale pid file is overwritten below. */
}

static void pid_file_write(void)
{
	const char *data = t_printf("%ld\n", (long)getpid());
	const char *error;

	if (file_write_atomic(pid_path, data, strlen(data), 0600, false,
		    &error) < 0)
		i_fatal("%s", error);
	pid_file_written = true;
}

static void pid_file_remove(void)
{
	if (pid_file_written && pid_file_read(pid_path) == getpid())
		(void)unlink(pid_path);
	pid_file_written = false;
}

/* ---- settings we recognise but do not implement ---- */

static void warn_unsupported_settings(const struct config *config)
{
	unsigned int idx = 0;
	const char *key;

	while (config_iter_set_keys(config, &idx, &key)) {
		if (!config_setting_is_supported(key))
			i_warning("%s: not supported yet", key);
	}
}

/* ---- daemonizing ---- */

static void daemonize(void)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		startup_fatal("fork() failed: %s", strerror(errno));
	if (pid > 0) {
		/* Reap the intermediate child so it leaves no zombie. */
		(void)waitpid(pid, NULL, 0);
		_exit(0);
	}
	if (setsid() < 0)
		startup_fatal("setsid() failed: %s", strerror(errno));
	/* The second fork makes sure we never get a controlling
	   terminal back. */
	pid = fork();
	if (pid < 0)
		startup_fatal("fork() failed: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		startup_fatal("open(/dev/null) failed: %s", strerror(errno));
	(void)dup2(fd, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* ---- reload and shutdown ---- */

static void master_check_exit(void)
{
	unsigned int count = 0;

	if (!master->shutting_down)
		return;
	if (master->current != NULL)
		count += service_list_process_count(master->current);
	for (unsigned int i = 0; i < master->retired_count; i++)
		count += service_list_process_count(master->retired[i]);
	if (count == 0)
		ioloop_stop(master->ioloop);
}

static void shutdown_kill_timeout(void *context ATTR_UNUSED)
{
	timeout_remove(&to_shutdown_kill);
	if (master->current != NULL)
		service_list_kill(master->current, SIGKILL);
	for (unsigned int i = 0; i < master->retired_count; i++)
		service_list_kill(master->retired[i], SIGKILL);
	/* Reaping them ends the loop. */
}

static void master_shutdown(void)
{
	bool kill_clients;

	if (master->shutting_down)
		return;
	master->shutting_down = true;
	admin_server_deinit(true);
	kill_clients = master->current == NULL ||
		config_get_bool(master->current->config, NULL,
			"shutdown_clients");
	if (master->current != NULL) {
		master->retired = i_realloc(master->retired,
			size_mul(sizeof(*master->retired),
				master->retired_count),
			size_mul(sizeof(*master->retired),
				master->retired_count + 1));
		master->retired[master->retired_count++] = master->current;
		service_list_retire(master->current);
		master->current = NULL;
	}
	if (!kill_clients) {
		/* shutdown_clients = no: processes keep serving their
		   clients; they see the master is gone and take no new
		   ones. */
		ioloop_stop(master->ioloop);
		return;
	}
	for (unsigned int i = 0; i < master->retired_count; i++)
		service_list_kill(master->retired[i], SIGTERM);
	to_shutdown_kill = timeout_add_once(MASTER_SHUTDOWN_KILL_SECS * 1000,
		shutdown_kill_timeout, NULL);
	master_check_exit();
}

static int master_reload(const char **error_r)
{
	struct service_list *list, *old = master->current;
	struct config *config;
	const char *error;

	if (master->shutting_down) {
		*error_r = "Shutting down";
		return -1;
	}
	if (config_load_file(master->config_path, &config, &error) < 0) {
		*error_r = log_line_config_error(master->config_path, error);
		i_error("%s", *error_r);
		return -1;
	}
	if (old != NULL &&
	    strcmp(config_get(config, NULL, "base_dir"),
		    old->plan->base_dir) != 0) {
		*error_r = "base_dir can't be changed by a reload: "
			   "restart Roost";
		config_free(&config);
		i_error("%s", *error_r);
		return -1;
	}
	if (service_list_create(config, &list, &error) < 0) {
		*error_r = t_printf("%s", error);
		i_error("%s", *error_r);
		return -1;
	}
	if (master_log_open(list->config, &error) < 0)
		i_error("%s", error);
	if (old != NULL) {
		master->retired = i_realloc(master->retired,
			size_mul(sizeof(*master->retired),
				master->retired_count),
			size_mul(sizeof(*master->retired),
				master->retired_count + 1));
		master->retired[master->retired_count++] = old;
	}
	master->current = list;
	if (old != NULL) {
		service_list_retire(old);
		(void)service_list_try_free(old);
	}
	service_list_start(list);
	return 0;
}

static void sig_reload(int signo ATTR_UNUSED, void *context ATTR_UNUSED)
{
	const char *error;

	i_warning("SIGHUP received - reloading configuration");
	(void)master_reload(&error);
}

static void sig_reopen_logs(int signo ATTR_UNUSED, void *context ATTR_UNUSED)
{
	master_log_reopen();
}

static void sig_terminate(const siginfo_t *si, void *context ATTR_UNUSED)
{
	i_warning("Killed with signal %d (by %s)", si->si_signo,
		signal_info_describe(si));
	master_shutdown();
}

static void sig_child(int signo ATTR_UNUSED, void *context ATTR_UNUSED)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct service_process *p = master_find_process(pid);

		if (p != NULL) {
			SCRATCH_BEGIN {
				service_process_exited(p, status);
			} SCRATCH_END;
		}
	}
	master_check_exit();
}

static int admin_reload(const char **error_r)
{
	/* What doveadm reload makes Dovecot log (it sends SIGHUP). */
	i_warning("SIGHUP received - reloading configuration");
	return master_reload(error_r);
}

static const struct admin_server_callbacks admin_callbacks = {
	.reload = admin_reload,
	.stop = master_shutdown,
};

/* ---- commands that talk to a running master ---- */

static const char *load_base_dir(const char *config_path)
{
	struct config *config;
	const char *error, *base_dir;

	if (config_load_file(config_path, &config, &error) < 0)
		startup_fatal("%s", log_line_config_error(config_path, error));
	base_dir = i_strdup(config_get(config, NULL, "base_dir"));
	config_free(&config);
	return base_dir;
}

static int cmd_signal(const char *config_path, bool stop)
{
	const char *base_dir = load_base_dir(config_path);
	const char *path = t_printf("%s/%s", base_dir, MASTER_PID_FILE_NAME);
	pid_t pid = pid_file_read(path);

	free((char *)base_dir);
	if (pid <= 0 || !pid_is_running(pid))
		startup_fatal("Roost is not running (read from %s)", path);
	if (kill(pid, stop ? SIGTERM : SIGHUP) < 0)
		startup_fatal("kill(%ld) failed: %s", (long)pid,
			strerror(errno));
	if (!stop)
		return 0;
	for (unsigned int i = 0; i < MASTER_STOP_WAIT_SECS * 10; i++) {
		if (!pid_is_running(pid) ||
		    pid_file_read(path) != pid)
			return 0;
		usleep(100 * 1000);
	}
	startup_fatal("Roost (PID %ld) did not exit within %u seconds",
		(long)pid, MASTER_STOP_WAIT_SECS);
}

/* ---- roost -n/-a/-N/-d ---- */

static int cmd_dump(const char *config_path, enum config_dump_mode mode,
	bool show_secrets, const struct config_filter *filter, const char *const *names)
{
	struct config *config;
	const char *error;
	struct buf out;

	if (config_load_file(config_path, &config, &error) < 0)
		startup_fatal("%s", log_line_config_error(config_path, error));
	buf_init(&out, NULL, 64 * 1024, 64 * 1024 * 1024);
	if (config_dump_ext(config, mode, CONFIG_DUMP_FLAG_DOVECONF_ORDER |
			    (show_secrets ? 0 : CONFIG_DUMP_FLAG_HIDE_SECRETS),
			    filter, names, &out, &error) < 0)
		startup_fatal("%s", error);
	if (write_full(STDOUT_FILENO, out.data, out.used) < 0)
		startup_fatal("write(stdout) failed: %s", strerror(errno));
	buf_free(&out);
	config_free(&config);
	return 0;
}

static void parse_filter(struct config_filter *filter, const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *key, *value;

	if (eq == NULL)
		startup_fatal("-f parameter must be key=value: %s", arg);
	key = t_strndup(arg, (size_t)(eq - arg));
	value = eq + 1;
	if (strcmp(key, "protocol") == 0 || strcmp(key, "service") == 0) {
		if (strcmp(key, "protocol") == 0)
			filter->protocol = value;
		else
			filter->service = value;
	} else if (strcmp(key, "lip") == 0 || strcmp(key, "local") == 0) {
		filter->local_ip = value;
	} else if (strcmp(key, "rip") == 0 || strcmp(key, "remote") == 0) {
		filter->remote_ip = value;
	} else if (strcmp(key, "lname") == 0 ||
		   strcmp(key, "local_name") == 0) {
		filter->local_name = value;
	} else {
		startup_fatal("Unknown filter key: %s", key);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: roost [-F] [-c <config file>]\n"
		"       roost [-c <config file>] stop | reload\n"
		"       roost [-c <config file>] -n | -a | -N | -d "
		"[-P] [-f <key>=<value> ...] [<name> ...]\n"
		"       roost --version | --help\n"
		"\n"
		"  -F           stay in the foreground\n"
		"  -c FILE      configuration file (default %s)\n"
		"  -n           print settings that differ from the defaults\n"
		"  -a           print all settings\n"
		"  -N           print all explicitly set settings\n"
		"  -d           print the defaults\n"
		"  -P           show passwords and keys (hidden otherwise)\n"
		"  -f key=value filter (protocol, service, lip/local, "
		"rip/remote, local_name)\n"
		"  stop         stop the running server and wait for it\n"
		"  reload       reload the configuration (SIGHUP)\n",
		DEFAULT_CONFIG_PATH);
}

/* ---- running ---- */

static void master_run(const char *config_path, bool foreground)
{
	struct config *config;
	const char *error, *base_dir;
	struct rlimit core;

	master = &master_state;
	master->config_path = config_path;
	master->privileged = geteuid() == 0;
	master->dead_pipe[0] = master->dead_pipe[1] = -1;

	if (config_load_file(config_path, &config, &error) < 0)
		startup_fatal("%s", log_line_config_error(config_path, error));
	master_detect_exec_dir(config);
	base_dir = config_get(config, NULL, "base_dir");
	if (base_dir[0] != '/')
		startup_fatal("base_dir: Must be an absolute path: %s",
			base_dir);
	if (mkdir_parents(base_dir, 0755) < 0 && errno != EEXIST)
		startup_fatal("mkdir(%s) failed: %s", base_dir,
			strerror(errno));
	if (master_log_open(config, &error) < 0)
		startup_fatal("%s", error);
	log_targets_open = true;
	pid_path = i_strdup_printf("%s/%s", base_dir, MASTER_PID_FILE_NAME);
	pid_file_check();

	if (pipe2(master->dead_pipe, O_CLOEXEC) < 0)
		startup_fatal("pipe() failed: %s", strerror(errno));
	if (service_list_create(config, &master->current, &error) < 0)
		startup_fatal("%s", error);

	if (!foreground)
		daemonize();
	/* The loop is created after the fork: libevent's epoll state does
	   not survive one. */
	master->ioloop = ioloop_create();
	master_log_capture_self();
	log_captured = true;
	pid_file_write();

	signal_ignore(SIGPIPE);
	signal_handler_add(SIGCHLD, sig_child, NULL);
	signal_handler_add(SIGHUP, sig_reload, NULL);
	signal_handler_add(SIGUSR1, sig_reopen_logs, NULL);
	signal_info_add(SIGTERM, sig_terminate, NULL);
	signal_info_add(SIGINT, sig_terminate, NULL);

	if (admin_server_init(master->current->plan->base_dir,
		    &admin_callbacks, &error) < 0)
		i_error("%s", error);

	SCRATCH_BEGIN {
		const struct plan *plan = master->current->plan;
		const char *protocols = "";

		for (unsigned int i = 0; i < plan->protocols_count; i++) {
			protocols = t_printf("%s%s%s", protocols,
				i == 0 ? "" : ", ", plan->protocols[i]);
		}
		core.rlim_cur = 1;
		(void)getrlimit(RLIMIT_CORE, &core);
		i_info("Roost v%s starting up %s%s%s", ROOST_VERSION,
			plan->protocols_count == 0 ?
				"without any protocols" : "for ",
			protocols, core.rlim_cur == 0 ?
				" (core dumps disabled)" : "");
		for (unsigned int i = 0; i < plan->skipped_count; i++) {
			if (plan->skipped_warn[i])
				i_warning("%s", plan->skipped[i]);
			else
				i_debug("%s", plan->skipped[i]);
		}
		warn_unsupported_settings(master->current->config);
	} SCRATCH_END;

	service_list_start(master->current);
	ioloop_run(master->ioloop);

	/* Shut down. */
	if (to_shutdown_kill != NULL)
		timeout_remove(&to_shutdown_kill);
	admin_server_deinit(true);
	pid_file_remove();
	while (master->retired_count > 0) {
		struct service_list *list = master->retired[0];

		if (!service_list_try_free(list)) {
			/* shutdown_clients = no: the processes live on. */
			for (unsigned int i = 0; i < list->services_count;
			     i++) {
				struct service *s = list->services[i];

				while (s->processes != NULL) {
					struct service_process *p =
						s->processes;

					s->processes = p->next;
					service_process_destroy(p);
				}
				s->process_count = 0;
			}
			(void)service_list_try_free(list);
		}
	}
	free(master->retired);
	free(master->sockets);
	free((char *)pid_path);
	pid_path = NULL;
	close(master->dead_pipe[1]);
	close(master->dead_pipe[0]);
	signal_info_deinit();
	/* The log readers' ios belong to the loop: close them first. */
	master_log_deinit();
	ioloop_destroy(&master->ioloop);
}

int main(int argc, char *argv[])
{
	const char *config_path = DEFAULT_CONFIG_PATH;
	struct config_filter filter;
	bool foreground = false, have_filter = false, dump = false;
	enum config_dump_mode dump_mode = CONFIG_DUMP_NONDEFAULT;
	bool show_secrets = false;
	const char **names;
	unsigned int names_count = 0;
	const char *command = NULL;

	/* Errors before the log is set up look like Dovecot's on a
	   terminal: "Fatal: ...". */
	log_init(LOG_MODE_STDERR, "");
	log_set_timestamp_format("");
	memset(&filter, 0, sizeof(filter));
	names = i_new(const char *, (size_t)argc + 1);

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--version") == 0) {
			printf("%s (roost)\n", ROOST_VERSION);
			return 0;
		} else if (strcmp(arg, "--help") == 0 ||
			   strcmp(arg, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(arg, "-F") == 0) {
			foreground = true;
		} else if (strcmp(arg, "-c") == 0) {
			if (++i >= argc)
				startup_fatal("-c requires a file name");
			config_path = argv[i];
		} else if (strcmp(arg, "-n") == 0 || strcmp(arg, "-a") == 0 ||
			   strcmp(arg, "-N") == 0 || strcmp(arg, "-d") == 0) {
			dump = true;
			dump_mode = arg[1] == 'n' ? CONFIG_DUMP_NONDEFAULT :
				arg[1] == 'a' ? CONFIG_DUMP_ALL :
				arg[1] == 'N' ? CONFIG_DUMP_EXPLICIT :
						CONFIG_DUMP_DEFAULTS;
		} else if (strcmp(arg, "-P") == 0) {
			show_secrets = true;
		} else if (strcmp(arg, "-f") == 0) {
			if (++i >= argc)
				startup_fatal("-f requires key=value");
			parse_filter(&filter, argv[i]);
			have_filter = true;
		} else if (arg[0] == '-') {
			usage(stderr);
			startup_fatal("Unknown option: %s", arg);
		} else if (dump) {
			names[names_count++] = arg;
		} else if (command == NULL && (strcmp(arg, "stop") == 0 ||
						 strcmp(arg, "reload") == 0)) {
			command = arg;
		} else {
			usage(stderr);
			startup_fatal("Unknown command: %s", arg);
		}
	}
	if (dump) {
		int ret = cmd_dump(config_path, dump_mode, show_secrets,
			have_filter ? &filter : NULL,
			names_count == 0 ? NULL : names);

		free(names);
		return ret;
	}
	free(names);
	if (command != NULL)
		return cmd_signal(config_path, strcmp(command, "stop") == 0);
	master_run(config_path, foreground);
	return 0;
}
