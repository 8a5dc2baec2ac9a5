/*
 * auth-blocking.h - a blocking, deadline-bounded line connection to a
 * UNIX socket, shared by the blocking clients (auth-master.c and the
 * auth-client test helper).  Internal to src/auth-client.
 */
#ifndef ROOST_AUTH_BLOCKING_H
#define ROOST_AUTH_BLOCKING_H

#include "buf.h"

struct auth_blocking_conn {
	int fd;
	struct buf input;
	/* The line returned by the last read (freed on the next). */
	char *last_line;
	/* Absolute monotonic deadline of the current operation (msecs). */
	uint64_t deadline;
};

/* Connects; 0 or -1 with *error_r.  The buffers are bounded by
   max_line. */
int auth_blocking_connect(struct auth_blocking_conn *bc, const char *path,
	size_t max_line, const char **error_r);
void auth_blocking_close(struct auth_blocking_conn *bc);
/* Sets the deadline to now + msecs. */
void auth_blocking_set_timeout(struct auth_blocking_conn *bc,
	unsigned int msecs);
/* Writes all of str; 0 or -1 with *error_r. */
int auth_blocking_write(struct auth_blocking_conn *bc, const char *str,
	const char **error_r);
/*
 * Reads one line (LF stripped, NUL-terminated, valid until the next call).
 * Returns 1, or -1 with *error_r on EOF, error, timeout or an over-long
 * line.
 */
int auth_blocking_read_line(struct auth_blocking_conn *bc,
	const char **line_r, const char **error_r);

#endif
