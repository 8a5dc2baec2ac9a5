/*
 * service-process.c - starting one service process (fork + exec with the
 * descriptor layout and environment of docs/ipc/master.md) and reporting
 * how it ended, in Dovecot's words.
 */
#include "lib.h"
#include "master.h"

#include "array.h"
#include "config.h"
#include "log-line.h"
#include "ioloop.h"
#include "master-log.h"
#include "signal-info.h"
#include "str.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>


#if defined(__SANITIZE_ADDRESS__)
#define MASTER_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MASTER_HAVE_ASAN 1
#endif
#endif

extern char **environ;

/* Environment variables passed through for sanitizer builds. */
static const char *const sanitizer_env[] = {
	"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "MSAN_OPTIONS",
};

struct env_list {
	ARRAY(char *) arr;
};

static void env_add(struct env_list *env, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
static void env_add(struct env_list *env, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	array_push(&env->arr, arena_vprintf(scratch_arena(), fmt, args));
	va_end(args);
}

/* Dovecot's import_environment: "NAME" copies the master's value,
   "NAME=VALUE" sets one. */
static void env_import(struct env_list *env, const char *setting)
{
	char **names = str_split(scratch_arena(), setting, " ", true);
	const char *value;

	for (unsigned int i = 0; names[i] != NULL; i++) {
		if (strchr(names[i], '=') != NULL) {
			array_push(&env->arr, names[i]);
			continue;
		}
		value = getenv(names[i]);
		if (value != NULL)
			env_add(env, "%s=%s", names[i], value);
	}
	for (unsigned int i = 0; i < N_ELEMENTS(sanitizer_env); i++) {
		value = getenv(sanitizer_env[i]);
		if (value != NULL)
			env_add(env, "%s=%s", sanitizer_env[i], value);
	}
}

static char **service_process_env(struct service *service)
{
	const struct plan_service *set = service->set;
	struct service_list *list = service->list;
	struct env_list env;

	array_init(&env.arr, scratch_arena(), 32);
	env_import(&env, config_get(list->config, NULL,
		"import_environment"));
	env_add(&env, "%s=%s", MASTER_ENV_SERVICE, set->name);
	env_add(&env, "%s=%s", MASTER_ENV_LISTENERS,
		service->listeners_env);
	env_add(&env, "%s=%u", MASTER_ENV_CLIENT_LIMIT,
		set->client_limit);
	env_add(&env, "%s=%u", MASTER_ENV_SERVICE_COUNT,
		set->service_count);
	env_add(&env, "%s=%s", MASTER_ENV_BASE_DIR,
		list->plan->base_dir);
	env_add(&env, "%s=%s", MASTER_ENV_PRIVILEGED,
		master->privileged ? "1" : "0");
	env_add(&env, "%s=%s", MASTER_ENV_CONFIG_PATH,
		master->config_path);
	env_add(&env, "%s=%u", MASTER_ENV_GENERATION,
		list->generation);
	if (set->chroot != NULL)
		env_add(&env, "%s=%s", MASTER_ENV_CHROOT, set->chroot);
	if (service->have_user) {
		env_add(&env, "%s=%s", MASTER_ENV_RESTRICT_USER,
			master_restrict_user_encode(scratch_arena(),
				&service->user));
	}
	array_push(&env.arr, NULL);
	return env.arr.v;
}

static void child_close_from(int first)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned int)first, ~0U, 0) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);

	for (long fd = first; fd < (max < 0 ? 65536 : max); fd++)
		(void)close((int)fd);
}

static void child_fail(const char *service, const char *what)
	ATTR_NORETURN;
static void child_fail(const char *service, const char *what)
{
	char line[512];
	int len;

	len = snprintf(line, sizeof(line), "\001%c%s: %s: %s\n",
		log_level_char(LOG_LEVEL_FATAL), service, what,
		strerror(errno));
	if (len > 0)
		(void)!write(STDERR_FILENO, line,
			I_MIN((size_t)len, sizeof(line) - 1));
	_exit(FATAL_EXEC);
}

/*
 * Runs in the forked child: move every descriptor to its number, drop
 * everything else, apply the resource limit and exec.  Never returns.
 */
static void child_exec(struct service *service, int stderr_fd,
	char **envp) ATTR_NORETURN;
static void child_exec(struct service *service, int stderr_fd, char **envp)
{
	const struct plan_service *set = service->set;
	unsigned int n = set->listeners_count;
	unsigned int targets = MASTER_LISTEN_FD_FIRST + n;
	int src[MASTER_LISTEN_FD_FIRST + MASTER_LISTENERS_MAX];
	int tmp[MASTER_LISTEN_FD_FIRST + MASTER_LISTENERS_MAX];
	sigset_t mask;

	/* Signals: defaults, nothing blocked, nothing ignored (exec keeps
	   SIG_IGN). */
	signal_info_reset_after_fork();
	for (int signo = 1; signo < NSIG; signo++) {
		if (signo != SIGKILL && signo != SIGSTOP)
			(void)signal(signo, SIG_DFL);
	}
	sigemptyset(&mask);
	(void)sigprocmask(SIG_SETMASK, &mask, NULL);

	src[0] = open("/dev/null", O_RDONLY);
	src[1] = stderr_fd;
	src[2] = stderr_fd;
	src[MASTER_CONFIG_FD] = service->list->config_fd;
	src[MASTER_STATUS_FD] = service->status_fd[1];
	src[MASTER_DEAD_FD] = master->dead_pipe[0];
	for (unsigned int i = 0; i < n; i++)
		src[MASTER_LISTEN_FD_FIRST + i] = service->sockets[i]->fd;
	/* Two passes so that no source is overwritten before it is
	   copied: first above every target, then into place. */
	for (unsigned int i = 0; i < targets; i++) {
		tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, (int)targets);
		if (tmp[i] < 0)
			child_fail(set->name, "dup() failed");
	}
	for (unsigned int i = 0; i < targets; i++) {
		if (dup2(tmp[i], (int)i) < 0)
			child_fail(set->name, "dup2() failed");
	}
	child_close_from((int)targets);

#ifndef MASTER_HAVE_ASAN
	if (set->vsz_limit != 0) {
		struct rlimit rl;

		rl.rlim_cur = rl.rlim_max = (rlim_t)set->vsz_limit;
		if (setrlimit(RLIMIT_AS, &rl) < 0)
			child_fail(set->name, "setrlimit(RLIMIT_AS) failed");
	}
#endif
	if (chdir(service->list->plan->base_dir) < 0)
		child_fail(set->name, "chdir(base_dir) failed");
	execve(set->executable, (char *const *)set->argv, envp);
	child_fail(set->name, t_printf("execve(%s) failed", set->executable));
}

struct service_process *service_process_create(struct service *service)
{
	struct service_process *p;
	sigset_t all, old;
	int log_fds[2];
	pid_t pid;
	char **envp;

	for (unsigned int i = 0; i < service->set->listeners_count; i++) {
		if (service->sockets[i] == NULL || service->sockets[i]->fd < 0) {
			/* Closed by a reload that then failed to bind its
			   replacement: nothing to serve it with. */
			i_error("service(%s): listener %s is closed, not "
				"starting a process", service->set->name,
				service->set->listeners[i].name);
			return NULL;
		}
	}
	if (pipe2(log_fds, O_CLOEXEC) < 0) {
		i_error("service(%s): pipe() failed: %m", service->set->name);
		return NULL;
	}
	SCRATCH_BEGIN {
		envp = service_process_env(service);
		/* Keep signals from running the parent's handlers in the
		   child before it has reset them. */
		sigfillset(&all);
		(void)sigprocmask(SIG_BLOCK, &all, &old);
		pid = fork();
		if (pid == 0)
			child_exec(service, log_fds[1], envp);
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
	} SCRATCH_END;
	close(log_fds[1]);
	if (pid < 0) {
		i_error("service(%s): fork() failed: %m", service->set->name);
		close(log_fds[0]);
		return NULL;
	}

	p = i_new(struct service_process, 1);
	p->service = service;
	p->pid = pid;
	p->start_time = time(NULL);
	p->log = log_reader_create(log_fds[0], service->set->name, pid);
	p->next = service->processes;
	if (p->next != NULL)
		p->next->prev = p;
	service->processes = p;
	service_process_started(p);
	return p;
}

void service_process_destroy(struct service_process *p)
{
	if (p->to_idle != NULL)
		timeout_remove(&p->to_idle);
	if (p->to_status != NULL)
		timeout_remove(&p->to_status);
	if (p->log != NULL)
		log_reader_destroy(&p->log);
	free(p);
}

bool service_process_log_exit(struct service_process *p, int status)
{
	bool failed = WIFSIGNALED(status) ||
		(WIFEXITED(status) && WEXITSTATUS(status) != 0);
	const char *prefix = t_printf("%s: ", p->service->set->name);
	bool fatal_logged = false;
	const char *msg;

	if (p->log != NULL) {
		/* Whatever the child still wrote comes first. */
		log_reader_drain(p->log);
		prefix = t_strdup(log_reader_last_prefix(p->log));
		fatal_logged = log_reader_fatal_logged(p->log);
		log_reader_destroy(&p->log);
	}
	if (p->told_to_stop && WIFSIGNALED(status) &&
	    (WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGKILL)) {
		/* We asked for it (reload or shutdown). */
		return false;
	}
	msg = log_line_exit_status(p->service->set->name,
		p->service->set->vsz_limit, p->pid, status, fatal_logged);
	if (msg != NULL) {
		/* Dovecot logs this with the child's prefix as a fatal
		   error of the child: "imap-login: Fatal: master:
		   service(imap-login): child 1234 killed with signal 9". */
		if (p->last_ip.family != 0) {
			msg = t_printf("%s [last ip=%s]", msg,
				net_ip2str(&p->last_ip));
		}
		master_log_write(LOG_LEVEL_FATAL, prefix,
			t_printf("master: %s", msg));
	}
	return failed;
}
