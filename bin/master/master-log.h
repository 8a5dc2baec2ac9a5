/*
 * master-log.h - the master's log collector: where every log line of the
 * master and its service processes ends up (log_path, info_log_path,
 * debug_log_path, syslog with syslog_facility, timestamps from
 * log_timestamp), the per-child stderr readers, and the ring buffer of
 * recent warnings and errors behind "roostadm log errors".
 */
#ifndef ROOST_MASTER_LOG_H
#define ROOST_MASTER_LOG_H

#include <time.h>

struct config;
struct log_reader;

/* How many warnings/errors the ring buffer keeps (as Dovecot). */
#define MASTER_LOG_ERRORS_MAX 1000

/*
 * Opens the log targets of config (files in append mode, created 0600;
 * "syslog"; "/dev/stderr" meaning the master's original stderr).
 * Returns 0, or -1 with *error_r and the previous targets unchanged.
 * Blocks on open().
 */
int master_log_open(const struct config *config, const char **error_r);
/* Reopens the log files (SIGUSR1, after log rotation). */
void master_log_reopen(void);

/*
 * Routes the master's own log lines (log.h functions) through the
 * collector: stderr becomes a pipe that the master's loop reads, with
 * prefix "master: ".  Lines still in the pipe at exit (i_fatal) are
 * written by an atexit handler.  Call after master_log_open() and the
 * ioloop exist, and after daemonizing.
 */
void master_log_capture_self(void);

/* Writes one line to its target and, for warnings and worse, to the
   ring buffer. */
void master_log_write(enum log_level level, const char *prefix,
	const char *text);

/*
 * Starts reading a child's stderr pipe (takes ownership of fd).
 * service names the service; lines are parsed with log_line_parse().
 */
struct log_reader *log_reader_create(int fd, const char *service, pid_t pid);
/* Reads and logs whatever the pipe still holds, including a final line
   without a newline (call when the child is gone). */
void log_reader_drain(struct log_reader *reader);
/* Reads whatever is left in the pipe (the child is gone), logs a final
   partial line, closes the fd and frees; sets *reader to NULL. */
void log_reader_destroy(struct log_reader **reader);
/* The child logged a Fatal or Panic line. */
bool log_reader_fatal_logged(const struct log_reader *reader);
/* The last prefix the child used ("imap(user)<pid><sess>: "), or
   "<service>: " when it logged nothing yet.  Valid until destroy. */
const char *log_reader_last_prefix(const struct log_reader *reader);

/* One ring-buffer entry. */
struct master_log_error {
	time_t timestamp;
	enum log_level level;
	const char *prefix;
	const char *text;
};
/*
 * Calls callback for every buffered entry with timestamp >= since,
 * oldest first.
 */
void master_log_errors_iter(time_t since,
	void (*callback)(const struct master_log_error *entry, void *context),
	void *context);

/* Closes targets, frees the ring buffer (at exit). */
void master_log_deinit(void);

#endif
