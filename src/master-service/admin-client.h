/*
 * admin-client.h - the client half of the master's admin socket
 * (<base_dir>/roost-master, protocol in docs/ipc/master.md), for roostadm
 * and for "roost stop" / "roost reload".
 */
#ifndef ROOST_ADMIN_CLIENT_H
#define ROOST_ADMIN_CLIENT_H

#include <time.h>

struct arena;

/* The socket's file name under base_dir. */
#define ADMIN_SOCKET_NAME "roost-master"

/* One buffered warning/error line of the master's ring buffer. */
struct admin_log_entry {
	time_t timestamp;
	/* LOG_LEVEL_WARNING or higher. */
	enum log_level level;
	/* "imap(user)<pid><session>: " (may be "") */
	const char *prefix;
	const char *text;
};

/*
 * Asks the running master to reload its configuration (like SIGHUP).
 * Blocks until the master has answered (up to 10 s).  Returns 0, or -1
 * with *error_r (e.g. "connect(/run/dovecot/roost-master) failed: No such
 * file or directory" when the master is not running, or the master's
 * reason, such as the configuration error that made it keep the old one).
 */
int admin_client_reload(const char *base_dir, const char **error_r);
/* Asks the master to shut down; returns once it has accepted the request
   (not when it has exited; see roost stop for waiting). */
int admin_client_stop(const char *base_dir, const char **error_r);
/*
 * Fetches the buffered warnings and errors newer than or equal to
 * since (0 = all), oldest first, into an array allocated from arena
 * (*count_r entries).  Returns 0 or -1 with *error_r.
 */
int admin_client_log_errors(const char *base_dir, time_t since,
	struct arena *arena, struct admin_log_entry **entries_r,
	unsigned int *count_r, const char **error_r);
/*
 * Formats an entry as "doveadm log errors" prints it:
 * "Nov 24 11:06:57 Error: imap(user)<1234><sess>: text" (no newline).
 * The string is scratch memory.
 */
const char *admin_log_entry_format(const struct admin_log_entry *entry);

/*
 * Sends one raw request line (tab-separated fields, without the newline)
 * and reads the reply lines up to the terminating empty line (for
 * multi-line replies) or the single "+"/"-" line, into arena.  For
 * commands without a helper above.  Returns 0 with the reply lines
 * (NULL-terminated, without the final status line) or -1 with *error_r.
 */
int admin_client_request(const char *base_dir, const char *const *fields,
	struct arena *arena, const char *const **lines_r,
	const char **error_r);

#endif
