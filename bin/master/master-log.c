/*
 * master-log.c - log targets, child stderr readers and the error ring
 * buffer (see master-log.h).
 */
#include "lib.h"
#include "master-log.h"

#include "config.h"
#include "file.h"
#include "ioloop.h"
#include "log-line.h"
#include "master-interface.h"
#include "str.h"
#include "net.h"

#include <fcntl.h>
#include <syslog.h>

/* A line longer than this is logged in pieces. */
#define LOG_READER_LINE_MAX 8192
#define MASTER_LOG_SELF_PIPE_SIZE (1024 * 1024)

struct log_target {
	char *path;
	int fd;
	bool syslog;
};

enum log_target_kind {
	LOG_TARGET_ERROR, /* log_path */
	LOG_TARGET_INFO,
	LOG_TARGET_DEBUG,
	LOG_TARGET_COUNT
};

struct log_reader {
	int fd;
	struct io *io;
	char *service;
	pid_t pid;
	char buf[LOG_READER_LINE_MAX];
	size_t used;
	char last_prefix[256];
	bool fatal_logged;
};

static struct log_target targets[LOG_TARGET_COUNT] = {
	{ NULL, STDERR_FILENO, false },
	{ NULL, STDERR_FILENO, false },
	{ NULL, STDERR_FILENO, false },
};
static char ts_format[128] = "%b %d %H:%M:%S ";
static bool syslog_open;

static struct master_log_error ring[MASTER_LOG_ERRORS_MAX];
static unsigned int ring_start, ring_count;

static struct log_reader *self_reader;
static bool self_atexit_registered;
/* The master's stderr before it was captured, restored at deinit so that
   late output (a sanitizer's exit report) is not lost. */
static int orig_stderr_fd = -1;

/* ---- targets ---- */

static void log_target_close(struct log_target *t)
{
	if (t->fd > STDERR_FILENO) {
		bool shared = false;

		for (unsigned int i = 0; i < LOG_TARGET_COUNT; i++) {
			if (&targets[i] != t && targets[i].fd == t->fd)
				shared = true;
		}
		if (!shared)
			close(t->fd);
	}
	i_free(t->path);
	t->fd = -1;
	t->syslog = false;
}

static int log_target_open_path(const char *path, const char **error_r)
{
	int fd;

	if (strcmp(path, "/dev/stderr") == 0) {
		fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			*error_r = t_printf("dup(stderr) failed: %s",
				strerror(errno));
		}
		return fd;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		*error_r = t_printf("open(%s) failed: %s", path,
			strerror(errno));
	}
	return fd;
}

int master_log_open(const struct config *config, const char **error_r)
{
	const char *paths[LOG_TARGET_COUNT];
	struct log_target new_targets[LOG_TARGET_COUNT];
	const char *facility_name;
	int facility;

	paths[LOG_TARGET_ERROR] = config_get(config, NULL, "log_path");
	paths[LOG_TARGET_INFO] = config_get(config, NULL, "info_log_path");
	if (paths[LOG_TARGET_INFO][0] == '\0')
		paths[LOG_TARGET_INFO] = paths[LOG_TARGET_ERROR];
	paths[LOG_TARGET_DEBUG] = config_get(config, NULL, "debug_log_path");
	if (paths[LOG_TARGET_DEBUG][0] == '\0')
		paths[LOG_TARGET_DEBUG] = paths[LOG_TARGET_INFO];

	facility_name = config_get(config, NULL, "syslog_facility");
	facility = log_line_syslog_facility(facility_name);
	if (facility < 0) {
		*error_r = t_printf("syslog_facility: Unknown facility: %s",
			facility_name);
		return -1;
	}

	memset(new_targets, 0, sizeof(new_targets));
	for (unsigned int i = 0; i < LOG_TARGET_COUNT; i++) {
		new_targets[i].fd = -1;
		new_targets[i].path = i_strdup(paths[i]);
		if (strcmp(paths[i], "syslog") == 0) {
			new_targets[i].syslog = true;
			continue;
		}
		for (unsigned int j = 0; j < i; j++) {
			if (strcmp(paths[j], paths[i]) == 0)
				new_targets[i].fd = new_targets[j].fd;
		}
		if (new_targets[i].fd == -1) {
			new_targets[i].fd = log_target_open_path(paths[i],
				error_r);
		}
		if (new_targets[i].fd == -1) {
			for (unsigned int j = 0; j <= i; j++) {
				bool dup_fd = false;

				for (unsigned int k = 0; k < j; k++) {
					dup_fd |= new_targets[k].fd ==
						new_targets[j].fd;
				}
				if (new_targets[j].fd != -1 && !dup_fd)
					close(new_targets[j].fd);
				i_free(new_targets[j].path);
			}
			return -1;
		}
	}
	for (unsigned int i = 0; i < LOG_TARGET_COUNT; i++)
		log_target_close(&targets[i]);
	memcpy(targets, new_targets, sizeof(targets));

	(void)i_strlcpy(ts_format, config_get(config, NULL, "log_timestamp"),
		sizeof(ts_format));
	if (syslog_open)
		closelog();
	openlog(config_get(config, NULL, "instance_name"), LOG_NDELAY,
		facility);
	syslog_open = true;
	return 0;
}

void master_log_reopen(void)
{
	for (unsigned int i = 0; i < LOG_TARGET_COUNT; i++) {
		struct log_target *t = &targets[i];
		const char *error;
		int fd, old_fd = t->fd;

		if (t->syslog || t->path == NULL || old_fd <= STDERR_FILENO ||
		    strcmp(t->path, "/dev/stderr") == 0)
			continue;
		fd = -1;
		for (unsigned int j = 0; j < i; j++) {
			if (targets[j].path != NULL &&
			    strcmp(targets[j].path, t->path) == 0)
				fd = targets[j].fd;
		}
		if (fd == -1) {
			fd = log_target_open_path(t->path, &error);
			if (fd == -1) {
				i_error("%s", error);
				continue;
			}
		}
		/* Close the old fd once no later target uses it. */
		t->fd = fd;
		{
			bool used = false;

			for (unsigned int j = 0; j < LOG_TARGET_COUNT; j++)
				used |= targets[j].fd == old_fd;
			if (!used)
				close(old_fd);
		}
	}
}

/* ---- ring buffer ---- */

static void ring_add(time_t now, enum log_level level, const char *prefix,
	const char *text)
{
	struct master_log_error *e;

	if (ring_count == MASTER_LOG_ERRORS_MAX) {
		e = &ring[ring_start];
		free((char *)e->prefix);
		free((char *)e->text);
		ring_start = (ring_start + 1) % MASTER_LOG_ERRORS_MAX;
		ring_count--;
	}
	e = &ring[(ring_start + ring_count) % MASTER_LOG_ERRORS_MAX];
	e->timestamp = now;
	e->level = level;
	e->prefix = i_strdup(prefix);
	e->text = i_strdup(text);
	ring_count++;
}

void master_log_errors_iter(time_t since,
	void (*callback)(const struct master_log_error *entry, void *context),
	void *context)
{
	for (unsigned int i = 0; i < ring_count; i++) {
		const struct master_log_error *e =
			&ring[(ring_start + i) % MASTER_LOG_ERRORS_MAX];

		if (e->timestamp >= since)
			callback(e, context);
	}
}

/* ---- writing ---- */

void master_log_write(enum log_level level, const char *prefix,
	const char *text)
{
	enum log_target_kind kind = level == LOG_LEVEL_DEBUG ?
		LOG_TARGET_DEBUG : level == LOG_LEVEL_INFO ? LOG_TARGET_INFO :
							     LOG_TARGET_ERROR;
	struct log_target *t = &targets[kind];
	time_t now = time(NULL);

	if (level >= LOG_LEVEL_WARNING)
		ring_add(now, level, prefix, text);
	SCRATCH_BEGIN {
		if (t->syslog) {
			syslog(log_line_syslog_priority(level), "%s",
				log_line_format_syslog(level, prefix, text));
		} else if (t->fd != -1) {
			const char *line = t_printf("%s\n",
				log_line_format_file(ts_format, now, level,
					prefix, text));

			(void)write_full(t->fd, line, strlen(line));
		}
	} SCRATCH_END;
}

/* ---- readers ---- */

static void log_reader_line(struct log_reader *r, char *line, size_t len)
{
	struct log_line parsed;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	if (len > 1 && line[0] == '\001' &&
	    str_begins(line + 1, MASTER_LOG_OPTION_PREFIX)) {
		/* Not a log line: the prefix the child now uses. */
		(void)i_strlcpy(r->last_prefix,
			line + 1 + strlen(MASTER_LOG_OPTION_PREFIX),
			sizeof(r->last_prefix));
		return;
	}
	log_line_parse(line, len, &parsed);
	SCRATCH_BEGIN {
		const char *prefix, *text;

		text = t_strndup(parsed.text, parsed.text_len);
		if (parsed.internal) {
			prefix = t_strndup(parsed.prefix, parsed.prefix_len);
			if (parsed.prefix_len > 0 &&
			    parsed.prefix_len < sizeof(r->last_prefix))
				(void)i_strlcpy(r->last_prefix, prefix,
					sizeof(r->last_prefix));
		} else {
			/* Not from log.h: a crash report, a sanitizer, a
			   library printing to stderr. */
			prefix = t_printf("%s(%ld): ", r->service,
				(long)r->pid);
		}
		if (parsed.level >= LOG_LEVEL_FATAL)
			r->fatal_logged = true;
		master_log_write(parsed.level, prefix, text);
	} SCRATCH_END;
}

static void log_reader_process(struct log_reader *r, bool flush_partial)
{
	size_t start = 0;

	for (size_t i = 0; i < r->used; i++) {
		if (r->buf[i] == '\n') {
			log_reader_line(r, r->buf + start, i - start);
			start = i + 1;
		}
	}
	if (start < r->used &&
	    (flush_partial || (start == 0 && r->used >= sizeof(r->buf) - 1))) {
		/* No newline in a full buffer, or the child is gone. */
		log_reader_line(r, r->buf + start, r->used - start);
		start = r->used;
	}
	memmove(r->buf, r->buf + start, r->used - start);
	r->used -= start;
}

/* Reads until EAGAIN; returns false at EOF or error. */
static bool log_reader_read(struct log_reader *r)
{
	for (;;) {
		ssize_t ret = read(r->fd, r->buf + r->used,
			sizeof(r->buf) - 1 - r->used);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0 && errno == EAGAIN)
			return true;
		if (ret <= 0)
			return false;
		r->used += (size_t)ret;
		log_reader_process(r, false);
	}
}

static void log_reader_input(void *context)
{
	struct log_reader *r = context;

	if (!log_reader_read(r)) {
		/* EOF: the child closed stderr (normally: it exited).  The
		   reader stays until the process is reaped. */
		io_remove(&r->io);
	}
}

struct log_reader *log_reader_create(int fd, const char *service, pid_t pid)
{
	struct log_reader *r = i_new(struct log_reader, 1);

	r->fd = fd;
	r->service = i_strdup(service);
	r->pid = pid;
	(void)x_snprintf(r->last_prefix, sizeof(r->last_prefix), "%s: ",
		service);
	fd_set_nonblock(fd, true);
	r->io = io_add(fd, IO_READ, log_reader_input, r);
	return r;
}

void log_reader_drain(struct log_reader *r)
{
	if (r->fd != -1) {
		(void)log_reader_read(r);
		log_reader_process(r, true);
	}
}

void log_reader_destroy(struct log_reader **_r)
{
	struct log_reader *r = *_r;

	*_r = NULL;
	if (r->fd != -1) {
		(void)log_reader_read(r);
		log_reader_process(r, true);
	}
	if (r->io != NULL)
		io_remove(&r->io);
	if (r->fd != -1)
		close(r->fd);
	i_free(r->service);
	free(r);
}

bool log_reader_fatal_logged(const struct log_reader *r)
{
	return r->fatal_logged;
}

const char *log_reader_last_prefix(const struct log_reader *r)
{
	return r->last_prefix;
}

/* ---- the master's own lines ---- */

static void master_log_self_flush(void)
{
	if (self_reader != NULL) {
		(void)log_reader_read(self_reader);
		log_reader_process(self_reader, true);
	}
}

void master_log_capture_self(void)
{
	int fds[2];

	if (self_reader != NULL)
		return;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		i_fatal("pipe() failed: %m");
	/* A full pipe drops lines instead of blocking the master on its
	   own log; make that unlikely. */
	(void)fcntl(fds[1], F_SETPIPE_SZ, MASTER_LOG_SELF_PIPE_SIZE);
	orig_stderr_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (dup2(fds[1], STDERR_FILENO) < 0)
		i_fatal("dup2() failed: %m");
	close(fds[1]);
	self_reader = log_reader_create(fds[0], "master", getpid());
	log_init(LOG_MODE_MASTER, "master: ");
	if (!self_atexit_registered) {
		atexit(master_log_self_flush);
		self_atexit_registered = true;
	}
}

void master_log_deinit(void)
{
	if (self_reader != NULL) {
		master_log_self_flush();
		log_reader_destroy(&self_reader);
		log_init(LOG_MODE_STDERR, "");
		if (orig_stderr_fd != -1) {
			(void)dup2(orig_stderr_fd, STDERR_FILENO);
			close(orig_stderr_fd);
			orig_stderr_fd = -1;
		}
	}
	for (unsigned int i = 0; i < LOG_TARGET_COUNT; i++)
		log_target_close(&targets[i]);
	for (unsigned int i = 0; i < ring_count; i++) {
		struct master_log_error *e =
			&ring[(ring_start + i) % MASTER_LOG_ERRORS_MAX];

		free((char *)e->prefix);
		free((char *)e->text);
	}
	ring_count = 0;
	if (syslog_open) {
		closelog();
		syslog_open = false;
	}
}
