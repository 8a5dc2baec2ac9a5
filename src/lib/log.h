/*
 * log.h - logging with Dovecot's line formats.
 *
 * A line is "<timestamp><prefix><Level>: <message>", for example
 * "Nov 24 11:06:57 imap-login: Info: Login: user=<...>".  Standalone
 * programs (roostadm, the master before its log is open) format lines
 * themselves.  Service processes started by the master write each line to
 * stderr as "\001<level-char><prefix><message>\n"; the master reads the
 * pipe, adds the timestamp and routes the line to log_path, info_log_path,
 * debug_log_path or syslog (see docs/ipc/log.md).
 */
#ifndef ROOST_LOG_H
#define ROOST_LOG_H

enum log_level {
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_FATAL,
	LOG_LEVEL_PANIC,
};

enum log_mode {
	/* Formatted lines with timestamps to stderr (standalone tools). */
	LOG_MODE_STDERR,
	/* Internal "\001" lines to stderr, read by the master. */
	LOG_MODE_MASTER,
};

/* The prefix is copied, e.g. "imap-login: " or "auth: ". */
void log_init(enum log_mode mode, const char *prefix);
void log_set_prefix(const char *prefix);
const char *log_get_prefix(void);
void log_set_debug(bool enabled);
bool log_debug_enabled(void);
/* strftime() format for LOG_MODE_STDERR, Dovecot's log_timestamp. */
void log_set_timestamp_format(const char *fmt);

void log_message(enum log_level level, const char *fmt, ...)
	ATTR_FORMAT(2, 3);
void log_vmessage(enum log_level level, const char *fmt, va_list args)
	ATTR_FORMAT(2, 0);
/* Like log_message with an explicit prefix instead of the process one. */
void log_message_prefix(enum log_level level, const char *prefix,
	const char *fmt, ...) ATTR_FORMAT(3, 4);

#define i_debug(...)                                                    \
	do {                                                            \
		if (log_debug_enabled())                                \
			log_message(LOG_LEVEL_DEBUG, __VA_ARGS__);      \
	} while (0)
#define i_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define i_warning(...) log_message(LOG_LEVEL_WARNING, __VA_ARGS__)
#define i_error(...) log_message(LOG_LEVEL_ERROR, __VA_ARGS__)
/* Logs a fatal error and exits with status 89 (as Dovecot's FATAL_DEFAULT). */
void i_fatal(const char *fmt, ...) ATTR_FORMAT(1, 2) ATTR_NORETURN;
#define FATAL_EXIT_CODE 89

/* "Info", "Error", ... as Dovecot writes them. */
const char *log_level_name(enum log_level level);
/* The "\001x" character for a level, and back; -1 when unknown. */
char log_level_char(enum log_level level);
int log_level_from_char(char c);

#endif
