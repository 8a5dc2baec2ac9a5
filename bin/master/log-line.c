/*
 * log-line.c - parsing and formatting of log lines (see log-line.h).
 */
#include "lib.h"
#include "log-line.h"

#include "str.h"

#include <signal.h>
#include <sys/wait.h>
#include <syslog.h>

void log_line_parse(const char *line, size_t len, struct log_line *line_r)
{
	const char *body;
	size_t body_len, i;
	int level, depth_paren = 0, depth_angle = 0;

	memset(line_r, 0, sizeof(*line_r));
	if (len < 2 || line[0] != '\001' ||
	    (level = log_level_from_char(line[1])) < 0) {
		line_r->level = LOG_LEVEL_ERROR;
		line_r->prefix = "";
		line_r->text = line;
		line_r->text_len = len;
		return;
	}
	line_r->internal = true;
	line_r->level = (enum log_level)level;
	body = line + 2;
	body_len = len - 2;
	for (i = 0; i + 1 < body_len; i++) {
		char c = body[i];

		if (c == '(')
			depth_paren++;
		else if (c == ')' && depth_paren > 0)
			depth_paren--;
		else if (c == '<')
			depth_angle++;
		else if (c == '>' && depth_angle > 0)
			depth_angle--;
		else if (c == ':' && body[i + 1] == ' ' && depth_paren == 0 &&
			 depth_angle == 0)
			break;
	}
	if (i + 1 >= body_len) {
		line_r->prefix = "";
		line_r->text = body;
		line_r->text_len = body_len;
		return;
	}
	line_r->prefix = body;
	line_r->prefix_len = i + 2;
	line_r->text = body + i + 2;
	line_r->text_len = body_len - i - 2;
}

const char *log_line_format_file(const char *ts_format, time_t t,
	enum log_level level, const char *prefix, const char *text)
{
	char ts[256];
	struct tm tm;
	size_t n;

	localtime_r(&t, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	/* log_timestamp is a strftime() format from the configuration. */
	n = strftime(ts, sizeof(ts), ts_format, &tm);
#pragma GCC diagnostic pop
	ts[n] = '\0';
	return t_printf("%s%s%s: %s", ts, prefix, log_level_name(level), text);
}

const char *log_line_format_syslog(enum log_level level, const char *prefix,
	const char *text)
{
	/* Syslog keeps the priority elsewhere; Dovecot shows the level in
	   the text for everything except Info. */
	if (level == LOG_LEVEL_INFO)
		return t_printf("%s%s", prefix, text);
	return t_printf("%s%s: %s", prefix, log_level_name(level), text);
}

int log_line_syslog_priority(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_DEBUG:
		return LOG_DEBUG;
	case LOG_LEVEL_INFO:
		return LOG_INFO;
	case LOG_LEVEL_WARNING:
		return LOG_WARNING;
	case LOG_LEVEL_ERROR:
		return LOG_ERR;
	case LOG_LEVEL_FATAL:
	case LOG_LEVEL_PANIC:
		return LOG_CRIT;
	}
	return LOG_ERR;
}

int log_line_syslog_facility(const char *name)
{
	static const struct {
		const char *name;
		int facility;
	} facilities[] = {
		{ "auth", LOG_AUTH },
		{ "authpriv", LOG_AUTHPRIV },
		{ "cron", LOG_CRON },
		{ "daemon", LOG_DAEMON },
		{ "ftp", LOG_FTP },
		{ "kern", LOG_KERN },
		{ "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
		{ "lpr", LOG_LPR },
		{ "mail", LOG_MAIL },
		{ "news", LOG_NEWS },
		{ "syslog", LOG_SYSLOG },
		{ "user", LOG_USER },
		{ "uucp", LOG_UUCP },
	};

	for (unsigned int i = 0; i < N_ELEMENTS(facilities); i++) {
		if (strcmp(facilities[i].name, name) == 0)
			return facilities[i].facility;
	}
	return -1;
}

static bool signal_dumps_core(int signo)
{
	switch (signo) {
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGSYS:
		return true;
	}
	return false;
}

const char *log_line_exit_status(const char *service, uint64_t vsz_limit,
	pid_t pid, int status, bool fatal_logged)
{
	const char *head = t_printf("service(%s): child %ld", service,
		(long)pid);
	int code;

	if (WIFSIGNALED(status)) {
		int signo = WTERMSIG(status);
		const char *core = "";

		if (WCOREDUMP(status))
			core = " (core dumped)";
		else if (signal_dumps_core(signo))
			core = " (core not dumped)";
		return t_printf("%s killed with signal %d%s", head, signo,
			core);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 0)
		return NULL;
	code = WEXITSTATUS(status);
	switch (code) {
	case FATAL_EXIT_CODE:
		/* The process already said why. */
		if (fatal_logged)
			return NULL;
		return t_printf("%s returned error %d (Fatal failure)", head,
			code);
	case FATAL_LOGOPEN:
		return t_printf("%s returned error %d (Can't open log file)",
			head, code);
	case FATAL_LOGWRITE:
		return t_printf("%s returned error %d (Can't write to log "
			"file)", head, code);
	case FATAL_LOGERROR:
		return t_printf("%s returned error %d (Internal logging "
			"error)", head, code);
	case FATAL_OUTOFMEM:
		if (vsz_limit == 0) {
			return t_printf("%s returned error %d (Out of memory)",
				head, code);
		}
		return t_printf("%s returned error %d (Out of memory (service "
			"%s { vsz_limit=%llu MB }, you may need to increase "
			"it))", head, code, service,
			(unsigned long long)(vsz_limit /
					     (1024 * 1024)));
	case FATAL_EXEC:
		return t_printf("%s returned error %d (exec() failed)", head,
			code);
	}
	return t_printf("%s returned error %d", head, code);
}


const char *log_line_config_error(const char *path, const char *error)
{
	/* Find the first ":<digits>: " (a file name may contain ':'). */
	for (const char *p = strchr(error, ':'); p != NULL;
	     p = strchr(p + 1, ':')) {
		const char *d = p + 1;

		while (*d >= '0' && *d <= '9')
			d++;
		if (d > p + 1 && d[0] == ':' && d[1] == ' ') {
			return t_printf("Error in configuration file %s line "
				"%s: %s", t_strndup(error,
					(size_t)(p - error)),
				t_strndup(p + 1, (size_t)(d - p - 1)), d + 2);
		}
	}
	if (str_begins(error, path) && str_begins(error + strlen(path), ": "))
		error += strlen(path) + 2;
	return t_printf("Error in configuration file %s: %s", path, error);
}
