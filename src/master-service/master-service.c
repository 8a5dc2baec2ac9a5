/*
 * master-service.c - the child side of the master/service contract
 * (master-service.h; wire details in docs/ipc/master.md).
 */
#include "lib.h"
#include "master-service.h"

#include "buf.h"
#include "config.h"
#include "ioloop.h"
#include "master-interface.h"
#include "proctitle.h"
#include "restrict-access.h"
#include "signal-info.h"
#include "str.h"

#include <fcntl.h>
#include <sys/stat.h>

#define MASTER_SERVICE_DEFAULT_CONFIG "/etc/dovecot/dovecot.conf"
/* The configuration snapshot is never larger than this. */
#define MASTER_CONFIG_MAX (64 * 1024 * 1024)
/* Connections accepted per listener wake-up, so one busy listener cannot
   starve the others. */
#define MASTER_ACCEPT_BATCH 64
/* Retry delays for a full status pipe and for accept() running out of
   descriptors. */
#define MASTER_STATUS_RETRY_MSECS 100
#define MASTER_ACCEPT_RETRY_MSECS 1000

struct master_listener {
	struct master_service *ms;
	int fd;
	struct master_listener_info info;
	struct io *io;
};

struct master_service {
	struct arena *arena;
	const char *name;
	struct config *config;
	struct ioloop *ioloop;

	bool master_child;
	bool privileged;
	bool init_finished;
	bool stopping_new;
	bool verbose_proctitle;

	struct master_listener *listeners;
	unsigned int listeners_count;
	/* The listener ios are added (accepting). */
	bool listening;
	struct timeout *to_accept_retry;

	/* 0 = unlimited service_count. */
	unsigned int client_limit, service_count;
	unsigned int clients, total_accepted;

	int status_fd;
	bool status_sent;
	struct master_status last_status;
	struct timeout *to_status;
	/* Remote address of the last inet connection accepted. */
	struct ip_addr last_ip;

	int dead_fd;
	struct io *dead_io;

	bool have_restrict_user;
	struct master_restrict_user restrict_user;
	const char *chroot_dir, *base_dir;

	master_service_connection_callback_t *callback;
	void *callback_context;
	master_service_die_callback_t *die_callback;
	void *die_context;
};

static void master_service_listen_update(struct master_service *ms);
static void master_service_status_update(struct master_service *ms);
static void master_service_close_listeners(struct master_service *ms);

/* ---- environment and startup ---- */

static const char *env_get(const char *name)
{
	const char *value = getenv(name);

	return value == NULL ? "" : value;
}

static unsigned int env_get_uint(const char *name, unsigned int def)
{
	const char *value = getenv(name);
	unsigned int num;

	if (value == NULL || value[0] == '\0')
		return def;
	if (str_to_uint(value, &num) < 0)
		i_fatal("Invalid %s from master: %s", name, value);
	return num;
}

static void master_service_read_config_fd(struct master_service *ms)
{
	const char *path = env_get(MASTER_ENV_CONFIG_PATH), *error;
	struct stat st;
	char *text;
	size_t pos = 0;

	if (fstat(MASTER_CONFIG_FD, &st) < 0)
		i_fatal("fstat(config fd %d) failed: %m", MASTER_CONFIG_FD);
	if (st.st_size < 0 || st.st_size > MASTER_CONFIG_MAX)
		i_fatal("Configuration snapshot too large: %lld bytes",
			(long long)st.st_size);
	text = i_malloc((size_t)st.st_size + 1);
	while (pos < (size_t)st.st_size) {
		ssize_t ret = pread(MASTER_CONFIG_FD, text + pos,
			(size_t)st.st_size - pos, (off_t)pos);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			i_fatal("read(config fd) failed: %m");
		if (ret == 0)
			i_fatal("Configuration snapshot truncated");
		pos += (size_t)ret;
	}
	(void)close(MASTER_CONFIG_FD);
	if (config_load_string(text, path[0] == '\0' ? "(master)" : path,
		    &ms->config, &error) < 0)
		i_fatal("Invalid configuration snapshot from master: %s",
			error);
	free(text);
}

static void master_service_check_fd(int fd, const char *what)
{
	if (fcntl(fd, F_GETFD) < 0)
		i_fatal("%s fd %d not passed by the master: %m", what, fd);
	fd_close_on_exec(fd, true);
}

static void master_service_init_master_child(struct master_service *ms)
{
	struct master_listener_info *infos;
	unsigned int count;
	const char *value, *error;

	master_service_read_config_fd(ms);

	if (master_listeners_decode(ms->arena, env_get(MASTER_ENV_LISTENERS),
		    &infos, &count, &error) < 0)
		i_fatal("Invalid %s from master: %s", MASTER_ENV_LISTENERS,
			error);
	ms->listeners = arena_new(ms->arena, struct master_listener,
		count == 0 ? 1 : count);
	ms->listeners_count = count;
	for (unsigned int i = 0; i < count; i++) {
		struct master_listener *l = &ms->listeners[i];

		l->ms = ms;
		l->fd = MASTER_LISTEN_FD_FIRST + (int)i;
		l->info = infos[i];
		master_service_check_fd(l->fd, "Listener");
		fd_set_nonblock(l->fd, true);
	}

	ms->client_limit = env_get_uint(MASTER_ENV_CLIENT_LIMIT, 1);
	if (ms->client_limit == 0)
		i_fatal("Invalid %s from master: 0", MASTER_ENV_CLIENT_LIMIT);
	ms->service_count = env_get_uint(MASTER_ENV_SERVICE_COUNT, 0);
	ms->privileged = strcmp(env_get(MASTER_ENV_PRIVILEGED), "1") == 0;

	value = getenv(MASTER_ENV_RESTRICT_USER);
	if (value != NULL && value[0] != '\0') {
		if (master_restrict_user_decode(ms->arena, value,
			    &ms->restrict_user, &error) < 0)
			i_fatal("Invalid %s from master: %s",
				MASTER_ENV_RESTRICT_USER, error);
		ms->have_restrict_user = true;
	}
	value = getenv(MASTER_ENV_CHROOT);
	if (value != NULL && value[0] != '\0')
		ms->chroot_dir = arena_strdup(ms->arena, value);
	ms->base_dir = arena_strdup(ms->arena, env_get(MASTER_ENV_BASE_DIR));

	ms->status_fd = MASTER_STATUS_FD;
	master_service_check_fd(ms->status_fd, "Status");
	fd_set_nonblock(ms->status_fd, true);
	ms->dead_fd = MASTER_DEAD_FD;
	master_service_check_fd(ms->dead_fd, "Master-dead");
	fd_set_nonblock(ms->dead_fd, true);
}

/* Removes "-c FILE" / "-cFILE" from argv; returns FILE or NULL. */
static const char *master_service_take_config_arg(int *argc, char **argv)
{
	const char *path = NULL;
	int i = 1, o = 1;

	while (i < *argc) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-c") == 0) {
			if (i + 1 >= *argc)
				i_fatal("-c requires a file name");
			path = argv[i + 1];
			i += 2;
		} else if (str_begins(argv[i], "-c") &&
			   argv[i][2] != '\0') {
			path = argv[i] + 2;
			i++;
		} else {
			argv[o++] = argv[i++];
		}
	}
	while (i < *argc)
		argv[o++] = argv[i++];
	argv[o] = NULL;
	*argc = o;
	return path;
}

static void master_service_init_standalone(struct master_service *ms,
	int *argc, char **argv)
{
	const char *path = master_service_take_config_arg(argc, argv);
	const char *error;

	if (path == NULL)
		path = MASTER_SERVICE_DEFAULT_CONFIG;
	if (config_load_file(path, &ms->config, &error) < 0)
		i_fatal("Error in configuration file %s", error);
	log_set_timestamp_format(config_get(ms->config, NULL,
		"log_timestamp"));
	ms->client_limit = config_get_uint(ms->config, NULL,
		"default_client_limit");
	if (ms->client_limit == 0)
		ms->client_limit = 1;
	ms->status_fd = -1;
	ms->dead_fd = -1;
	ms->base_dir = arena_strdup(ms->arena,
		config_get(ms->config, NULL, "base_dir"));
}

/* ---- signals ---- */

static void master_service_die(struct master_service *ms)
{
	if (ms->die_callback != NULL)
		ms->die_callback(ms->die_context);
	else
		master_service_stop(ms);
}

static bool signal_is_from_master(const struct master_service *ms,
	const siginfo_t *si)
{
	return ms->master_child && si->si_code == SI_USER &&
		si->si_pid == getppid();
}

static void sig_terminate(const siginfo_t *si, void *context)
{
	struct master_service *ms = context;

	if (!signal_is_from_master(ms, si) &&
	    (si->si_signo != SIGINT || ms->master_child)) {
		i_warning("Killed with signal %d (by %s)", si->si_signo,
			signal_info_describe(si));
	}
	master_service_die(ms);
}

static void sig_idle_die(const siginfo_t *si, void *context)
{
	struct master_service *ms = context;

	if (!ms->master_child) {
		/* Ctrl-C of a process run by hand. */
		master_service_die(ms);
		return;
	}
	if (!signal_is_from_master(ms, si)) {
		sig_terminate(si, context);
		return;
	}
	/* The master's idle_kill: exit only when no client is served. */
	if (ms->clients == 0)
		master_service_stop(ms);
	else
		master_service_status_update(ms);
}

static void sig_close_listeners(const siginfo_t *si ATTR_UNUSED,
	void *context)
{
	master_service_stop_new_connections(context);
}

static void master_dead_input(void *context)
{
	struct master_service *ms = context;
	char buf[64];
	ssize_t ret = read(ms->dead_fd, buf, sizeof(buf));

	if (ret < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* EOF (or an error): the master is gone.  Serve the clients we
	   have, take no new ones. */
	io_remove(&ms->dead_io);
	master_service_stop_new_connections(ms);
	if (ms->clients == 0)
		master_service_die(ms);
}

/* ---- init ---- */

struct master_service *master_service_init(const char *name, int *argc,
	char ***argv)
{
	struct master_service *ms;
	const char *service_name;

	proctitle_init(*argc, argv);

	ms = i_new(struct master_service, 1);
	ms->arena = arena_create("master service", 4096);
	service_name = getenv(MASTER_ENV_SERVICE);
	ms->master_child = service_name != NULL && service_name[0] != '\0';
	ms->name = arena_strdup(ms->arena, ms->master_child ? service_name :
		name);

	if (ms->master_child) {
		log_init(LOG_MODE_MASTER, t_printf("%s: ", ms->name));
		master_service_init_master_child(ms);
	} else {
		log_init(LOG_MODE_STDERR, t_printf("%s: ", ms->name));
		master_service_init_standalone(ms, argc, *argv);
	}
	ms->verbose_proctitle = config_get_bool(ms->config, NULL,
		"verbose_proctitle");

	ms->ioloop = ioloop_create();
	signal_ignore(SIGPIPE);
	signal_info_add(SIGTERM, sig_terminate, ms);
	signal_info_add(SIGINT, sig_idle_die, ms);
	signal_info_add(SIGQUIT, sig_close_listeners, ms);
	if (ms->dead_fd != -1)
		ms->dead_io = io_add(ms->dead_fd, IO_READ, master_dead_input,
			ms);
	master_service_set_proctitle(ms, NULL);
	return ms;
}

static void master_service_restrict(struct master_service *ms,
	enum master_service_finish_flags flags)
{
	struct restrict_access_settings set;
	const char *error;
	bool chroot_applies;

	if (!ms->master_child)
		return;
	if ((flags & MASTER_SERVICE_FINISH_FLAG_KEEP_PRIVILEGES) != 0)
		return;

	restrict_access_settings_init(&set);
	chroot_applies = ms->privileged && ms->chroot_dir != NULL;
	if (ms->privileged && ms->have_restrict_user) {
		set.uid = ms->restrict_user.uid;
		set.gid = ms->restrict_user.gid;
		set.extra_groups = ms->restrict_user.extra_gids;
		set.extra_groups_count = ms->restrict_user.extra_gids_count;
		set.user_name = ms->restrict_user.name;
		/* An explicit user = root is the administrator's choice. */
		set.allow_root = ms->restrict_user.uid == 0;
	} else {
		set.allow_root = true;
	}
	if (chroot_applies)
		set.chroot_dir = ms->chroot_dir;
	if ((ms->privileged && ms->have_restrict_user) || chroot_applies) {
		if (restrict_access(&set, &error) < 0)
			i_fatal("%s", error);
	}
	if (!chroot_applies && ms->chroot_dir != NULL) {
		/* Not root: the chroot is not applied, but relative paths
		   resolve as if it were. */
		if (chdir(ms->chroot_dir) < 0)
			i_fatal("chdir(%s) failed: %m", ms->chroot_dir);
	}
}

void master_service_init_finish_flags(struct master_service *ms,
	enum master_service_finish_flags flags)
{
	i_assert(!ms->init_finished);
	master_service_restrict(ms, flags);
	ms->init_finished = true;
	master_service_status_update(ms);
}

void master_service_init_finish(struct master_service *ms)
{
	master_service_init_finish_flags(ms, MASTER_SERVICE_FINISH_FLAG_NONE);
}

/* ---- getters ---- */

const struct config *master_service_get_config(struct master_service *ms)
{
	return ms->config;
}

const char *master_service_get_name(const struct master_service *ms)
{
	return ms->name;
}

bool master_service_is_master_child(const struct master_service *ms)
{
	return ms->master_child;
}

unsigned int master_service_get_client_limit(const struct master_service *ms)
{
	return ms->client_limit;
}

unsigned int master_service_get_service_count(
	const struct master_service *ms)
{
	return ms->service_count;
}

const char *master_service_get_user(const struct master_service *ms)
{
	return ms->have_restrict_user ? ms->restrict_user.name : NULL;
}

bool master_service_is_privileged(const struct master_service *ms)
{
	return ms->privileged;
}

unsigned int master_service_get_client_count(const struct master_service *ms)
{
	return ms->clients;
}

bool master_service_is_stopping_new_connections(
	const struct master_service *ms)
{
	return ms->stopping_new;
}

/* ---- status reporting ---- */

static uint32_t master_service_available_count(const struct master_service *ms)
{
	unsigned int avail;

	if (ms->stopping_new || ms->clients >= ms->client_limit)
		return 0;
	avail = ms->client_limit - ms->clients;
	if (ms->service_count != 0) {
		unsigned int left = ms->total_accepted >= ms->service_count ?
			0 : ms->service_count - ms->total_accepted;

		avail = I_MIN(avail, left);
	}
	return avail;
}

static void master_service_status_retry(void *context)
{
	struct master_service *ms = context;

	timeout_remove(&ms->to_status);
	master_service_status_update(ms);
}

static void master_service_status_update(struct master_service *ms)
{
	struct master_status status;
	ssize_t ret;

	if (ms->status_fd == -1 || !ms->init_finished)
		return;
	memset(&status, 0, sizeof(status));
	status.pid = (uint32_t)getpid();
	status.available_count = master_service_available_count(ms);
	status.last_ip_family = (uint32_t)ms->last_ip.family;
	if (ms->last_ip.family == AF_INET)
		memcpy(status.last_ip, &ms->last_ip.u.ip4, 4);
	else if (ms->last_ip.family == AF_INET6)
		memcpy(status.last_ip, &ms->last_ip.u.ip6, 16);
	if (ms->status_sent &&
	    memcmp(&status, &ms->last_status, sizeof(status)) == 0)
		return;
	if (ms->to_status != NULL)
		return; /* the retry sends the newest value */

	do {
		ret = write(ms->status_fd, &status, sizeof(status));
	} while (ret < 0 && errno == EINTR);
	if (ret == (ssize_t)sizeof(status)) {
		ms->status_sent = true;
		ms->last_status = status;
	} else if (ret < 0 && errno == EAGAIN) {
		ms->to_status = timeout_add_once(MASTER_STATUS_RETRY_MSECS,
			master_service_status_retry, ms);
	} else {
		/* EPIPE: the master is gone (its dead-pipe says so too). */
		close(ms->status_fd);
		ms->status_fd = -1;
	}
}

/* ---- accepting ---- */

static void master_service_handoff(struct master_service *ms,
	struct master_listener *l, int fd)
{
	struct master_service_connection conn;

	memset(&conn, 0, sizeof(conn));
	conn.fd = fd;
	conn.name = l->info.name;
	conn.type = master_listener_type_name(l->info.type);
	conn.ssl = l->info.ssl;
	conn.haproxy = l->info.haproxy;
	if (l->info.type == MASTER_LISTENER_INET) {
		(void)net_getsockname(fd, &conn.local_ip, &conn.local_port);
		(void)net_getpeername(fd, &conn.remote_ip, &conn.remote_port);
		if (conn.remote_ip.family == AF_INET ||
		    conn.remote_ip.family == AF_INET6)
			ms->last_ip = conn.remote_ip;
	}
	ms->clients++;
	ms->total_accepted++;
	if (ms->service_count != 0 &&
	    ms->total_accepted >= ms->service_count) {
		/* This process takes no more connections; it exits when
		   the ones it has are done. */
		ms->stopping_new = true;
	}
	master_service_listen_update(ms);
	if (ms->stopping_new)
		master_service_close_listeners(ms);
	master_service_status_update(ms);
	ms->callback(&conn, ms->callback_context);
}

static void master_service_accept_retry(void *context)
{
	struct master_service *ms = context;

	timeout_remove(&ms->to_accept_retry);
	master_service_listen_update(ms);
}

static void listener_input(void *context)
{
	struct master_listener *l = context;
	struct master_service *ms = l->ms;

	for (unsigned int n = 0; n < MASTER_ACCEPT_BATCH; n++) {
		struct ip_addr ip;
		in_port_t port;
		int fd;

		if (!ms->listening || l->io == NULL)
			return;
		if (l->info.type == MASTER_LISTENER_FIFO) {
			/* A fifo has no connections: the listener itself is
			   handed over and this process stops listening on
			   it. */
			fd = l->fd;
			io_remove(&l->io);
			l->fd = -1;
			master_service_handoff(ms, l, fd);
			return;
		}
		fd = net_accept(l->fd, &ip, &port);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == ECONNABORTED)
				return;
			i_error("accept(%s) failed: %m", l->info.name);
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Stop busy-looping until some clients
				   are gone or a second has passed. */
				ms->to_accept_retry = timeout_add_once(
					MASTER_ACCEPT_RETRY_MSECS,
					master_service_accept_retry, ms);
				master_service_listen_update(ms);
			}
			return;
		}
		fd_set_nonblock(fd, true);
		fd_close_on_exec(fd, true);
		master_service_handoff(ms, l, fd);
	}
}

/* Adds or removes the listener ios so that they exist exactly when the
   process may accept. */
static void master_service_listen_update(struct master_service *ms)
{
	bool want = ms->callback != NULL && !ms->stopping_new &&
		ms->init_finished && ms->clients < ms->client_limit &&
		ms->to_accept_retry == NULL;

	if (want == ms->listening)
		return;
	ms->listening = want;
	for (unsigned int i = 0; i < ms->listeners_count; i++) {
		struct master_listener *l = &ms->listeners[i];

		if (want && l->fd != -1 && l->io == NULL)
			l->io = io_add(l->fd, IO_READ, listener_input, l);
		else if (!want && l->io != NULL)
			io_remove(&l->io);
	}
}

static void master_service_close_listeners(struct master_service *ms)
{
	for (unsigned int i = 0; i < ms->listeners_count; i++) {
		struct master_listener *l = &ms->listeners[i];

		if (l->io != NULL)
			io_remove(&l->io);
		if (l->fd != -1) {
			close(l->fd);
			l->fd = -1;
		}
	}
	ms->listening = false;
}

void master_service_set_connection_callback(struct master_service *ms,
	master_service_connection_callback_t *callback, void *context)
{
	ms->callback = callback;
	ms->callback_context = context;
	master_service_listen_update(ms);
}

void master_service_set_die_callback(struct master_service *ms,
	master_service_die_callback_t *callback, void *context)
{
	ms->die_callback = callback;
	ms->die_context = context;
}

void master_service_run(struct master_service *ms)
{
	if (!ms->init_finished)
		master_service_init_finish(ms);
	if (ms->stopping_new && ms->clients == 0 && ms->master_child)
		return;
	master_service_listen_update(ms);
	ioloop_run(ms->ioloop);
}

void master_service_stop(struct master_service *ms)
{
	ioloop_stop(ms->ioloop);
}

void master_service_client_connection_created(struct master_service *ms)
{
	ms->clients++;
	master_service_listen_update(ms);
	master_service_status_update(ms);
}

void master_service_client_connection_destroyed(struct master_service *ms)
{
	i_assert(ms->clients > 0);
	ms->clients--;
	if (ms->stopping_new && ms->clients == 0) {
		master_service_status_update(ms);
		master_service_stop(ms);
		return;
	}
	master_service_listen_update(ms);
	master_service_status_update(ms);
}

void master_service_stop_new_connections(struct master_service *ms)
{
	bool was_stopping = ms->stopping_new;

	ms->stopping_new = true;
	master_service_listen_update(ms);
	master_service_close_listeners(ms);
	if (!was_stopping)
		master_service_status_update(ms);
	if (ms->clients == 0 && ms->master_child)
		master_service_stop(ms);
}

void master_service_set_log_prefix(struct master_service *ms,
	const char *prefix)
{
	log_set_prefix(prefix);
	if (!ms->master_child)
		return;
	SCRATCH_BEGIN {
		/* One write, so it cannot interleave with a log line. */
		const char *line = t_printf("\001%s%s\n",
			MASTER_LOG_OPTION_PREFIX, prefix);
		size_t len = strlen(line);

		for (size_t i = 1; i + 1 < len; i++) {
			/* A newline would end the control line early. */
			if (line[i] == '\n' || line[i] == '\001')
				((char *)line)[i] = ' ';
		}
		(void)!write(STDERR_FILENO, line, len);
	} SCRATCH_END;
}

void master_service_set_proctitle(struct master_service *ms,
	const char *fmt, ...)
{
	va_list args;

	SCRATCH_BEGIN {
		const char *title = t_printf("roost/%s", ms->name);

		if (fmt != NULL && ms->verbose_proctitle) {
			va_start(args, fmt);
			title = t_printf("%s %s", title,
				arena_vprintf(scratch_arena(), fmt, args));
			va_end(args);
		}
		proctitle_set(title);
	} SCRATCH_END;
}

void master_service_deinit(struct master_service **_ms)
{
	struct master_service *ms = *_ms;

	*_ms = NULL;
	master_service_close_listeners(ms);
	if (ms->to_status != NULL)
		timeout_remove(&ms->to_status);
	if (ms->to_accept_retry != NULL)
		timeout_remove(&ms->to_accept_retry);
	if (ms->dead_io != NULL)
		io_remove(&ms->dead_io);
	if (ms->status_fd != -1)
		close(ms->status_fd);
	if (ms->dead_fd != -1)
		close(ms->dead_fd);
	signal_info_deinit();
	ioloop_destroy(&ms->ioloop);
	config_free(&ms->config);
	arena_destroy(&ms->arena);
	free(ms);
}
