/*
 * log.c - formatting and writing of log lines (see log.h for the formats).
 */
#include "lib.h"

#include <sys/uio.h>
#include <time.h>

static enum log_mode log_mode = LOG_MODE_STDERR;
static char log_prefix[128];
static char log_ts_format[64] = "%b %d %H:%M:%S ";
static bool log_debug;

static const char level_chars[] = "diwefp";

void log_init(enum log_mode mode, const char *prefix)
{
	log_mode = mode;
	log_set_prefix(prefix);
}

void log_set_prefix(const char *prefix)
{
	(void)i_strlcpy(log_prefix, prefix == NULL ? "" : prefix,
		sizeof(log_prefix));
}

const char *log_get_prefix(void)
{
	return log_prefix;
}

void log_set_debug(bool enabled)
{
	log_debug = enabled;
}

bool log_debug_enabled(void)
{
	return log_debug;
}

void log_set_timestamp_format(const char *fmt)
{
	(void)i_strlcpy(log_ts_format, fmt, sizeof(log_ts_format));
}

const char *log_level_name(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_DEBUG:
		return "Debug";
	case LOG_LEVEL_INFO:
		return "Info";
	case LOG_LEVEL_WARNING:
		return "Warning";
	case LOG_LEVEL_ERROR:
		return "Error";
	case LOG_LEVEL_FATAL:
		return "Fatal";
	case LOG_LEVEL_PANIC:
		return "Panic";
	}
	return "Error";
}

char log_level_char(enum log_level level)
{
	return level_chars[level];
}

int log_level_from_char(char c)
{
	const char *p = c == '\0' ? NULL : strchr(level_chars, c);

	return p == NULL ? -1 : (int)(p - level_chars);
}

static void write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t ret = write(fd, data, len);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		data += ret;
		len -= (size_t)ret;
	}
}

static void log_vwrite(enum log_level level, const char *prefix,
	const char *fmt, va_list args) ATTR_FORMAT(3, 0);

static void log_vwrite(enum log_level level, const char *prefix,
	const char *fmt, va_list args)
{
	char line[8192];
	size_t pos = 0;
	int ret;

	if (level == LOG_LEVEL_DEBUG && !log_debug)
		return;
	if (log_mode == LOG_MODE_MASTER) {
		line[pos++] = '\001';
		line[pos++] = log_level_char(level);
		ret = x_snprintf(line + pos, sizeof(line) - pos, "%s", prefix);
		pos += ret < 0 ? 0 : (size_t)ret;
	} else {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		/* log_timestamp is a strftime() format from the config. */
		pos = strftime(line, sizeof(line) / 2, log_ts_format, &tm);
#pragma GCC diagnostic pop
		ret = x_snprintf(line + pos, sizeof(line) - pos, "%s%s: ",
			prefix, log_level_name(level));
		pos += ret < 0 ? 0 : (size_t)ret;
	}
	ret = vsnprintf(line + pos, sizeof(line) - pos - 1, fmt, args);
	if (ret < 0)
		ret = 0;
	pos += I_MIN((size_t)ret, sizeof(line) - pos - 2);
	/* One line per message: embedded newlines would forge log lines. */
	for (size_t i = 2; i < pos; i++) {
		if (line[i] == '\n' || line[i] == '\001')
			line[i] = ' ';
	}
	line[pos++] = '\n';
	write_all(STDERR_FILENO, line, pos);
}

void log_vmessage(enum log_level level, const char *fmt, va_list args)
{
	int saved_errno = errno;

	log_vwrite(level, log_prefix, fmt, args);
	errno = saved_errno;
}

void log_message(enum log_level level, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmessage(level, fmt, args);
	va_end(args);
}

void log_message_prefix(enum log_level level, const char *prefix,
	const char *fmt, ...)
{
	va_list args;
	int saved_errno = errno;

	va_start(args, fmt);
	log_vwrite(level, prefix, fmt, args);
	va_end(args);
	errno = saved_errno;
}

void i_fatal(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vwrite(LOG_LEVEL_FATAL, log_prefix, fmt, args);
	va_end(args);
	exit(FATAL_EXIT_CODE);
}

void lib_panic(const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	log_message(LOG_LEVEL_PANIC, "file %s: line %d: %s", file, line, msg);
	abort();
}
