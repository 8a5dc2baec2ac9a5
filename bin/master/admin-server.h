/*
 * admin-server.h - the master's admin socket (docs/ipc/master.md).
 */
#ifndef ROOST_ADMIN_SERVER_H
#define ROOST_ADMIN_SERVER_H

struct admin_server_callbacks {
	/* Reloads the configuration: 0, or -1 with *error_r (the old
	   configuration stays). */
	int (*reload)(const char **error_r);
	/* Starts the shutdown (returns at once). */
	void (*stop)(void);
};

/* Listens on <base_dir>/roost-master (0600).  0, or -1 with *error_r. */
int admin_server_init(const char *base_dir,
	const struct admin_server_callbacks *callbacks, const char **error_r);
/* Closes the socket and every admin connection (and removes the socket
   file when unlink_socket; not in a forked child). */
void admin_server_deinit(bool unlink_socket);

#endif
