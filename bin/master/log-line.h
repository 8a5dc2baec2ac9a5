/*
 * log-line.h - the pure parts of the master's log handling: parsing the
 * lines service processes write to stderr ("\001<level-char><prefix>
 * <message>", see log.h), and formatting log file, syslog and
 * "doveadm log errors" lines.
 */
#ifndef ROOST_LOG_LINE_H
#define ROOST_LOG_LINE_H

#include <time.h>

struct log_line {
	enum log_level level;
	/* Both point into the parsed line; not NUL-terminated. */
	const char *prefix;
	size_t prefix_len;
	const char *text;
	size_t text_len;
	/* The line had the "\001" header (false: raw stderr output such as
	   a sanitizer report, logged as an error). */
	bool internal;
};

/*
 * Parses one line (without its newline).  An internal line's prefix ends
 * at the first ": " outside (...) and <...> (so "imap(a: b)<1><s>: text"
 * splits after the ">"); a line without such a separator has an empty
 * prefix.  A line without the header, or with an unknown level character,
 * is a raw line: level ERROR, empty prefix, the whole line as text.
 */
void log_line_parse(const char *line, size_t len, struct log_line *line_r);

/*
 * "<timestamp><prefix><Level>: <text>" (no newline), the log file format;
 * timestamp is strftime(ts_format) of t in local time.  Scratch memory.
 */
const char *log_line_format_file(const char *ts_format, time_t t,
	enum log_level level, const char *prefix, const char *text);
/* "<prefix><Level>: <text>", or "<prefix><text>" for Info: what Dovecot
   hands to syslog(3).  Scratch memory. */
const char *log_line_format_syslog(enum log_level level, const char *prefix,
	const char *text);
/* The syslog(3) priority of a level. */
int log_line_syslog_priority(enum log_level level);
/* syslog_facility names ("mail", "local0", ...); -1 if unknown. */
int log_line_syslog_facility(const char *name);

/*
 * Dovecot's wording of a configuration error from config_load_file()
 * ("/etc/x.conf:12: Unknown setting: foo"): "Error in configuration file
 * /etc/x.conf line 12: Unknown setting: foo".  An error without a
 * "file:line: " part becomes "Error in configuration file <path>: text".
 * Scratch memory.
 */
const char *log_line_config_error(const char *path, const char *error);

/* Dovecot's exit codes (lib/failures.h), which our services use too. */
#define FATAL_LOGOPEN 80
#define FATAL_LOGWRITE 81
#define FATAL_LOGERROR 82
#define FATAL_OUTOFMEM 83
#define FATAL_EXEC 84

/*
 * Dovecot's text for how a child ended, e.g. "service(imap-login): child
 * 1234 killed with signal 9", "... returned error 83 (Out of memory
 * (service imap { vsz_limit=256 MB }, you may need to increase it))", or
 * NULL when there is nothing to say (exit 0, or exit 89 after the child
 * logged its own fatal error).  Scratch memory.
 */
const char *log_line_exit_status(const char *service, uint64_t vsz_limit,
	pid_t pid, int status, bool fatal_logged);

#endif
