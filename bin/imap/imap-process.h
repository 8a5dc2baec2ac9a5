/*
 * imap-process.h - process-wide state of an imap process: the master
 * service, the auth-master connection used to verify hand-offs, and which
 * uid the process has switched to.
 */
#ifndef ROOST_IMAP_PROCESS_H
#define ROOST_IMAP_PROCESS_H

#include <sys/types.h>

struct auth_master_connection;
struct config;
struct timeout;
struct master_service;

struct imap_process {
	struct master_service *service;
	const struct config *config;
	struct auth_master_connection *auth_master;
	/* After the first session the process runs as this uid/gid and can
	   serve only sessions that need the same. */
	bool privileges_dropped;
	uid_t uid;
	gid_t gid;
	/* SIGTERM arrived: stop when the last session is gone. */
	bool shutting_down;
	struct timeout *to_die;
};
extern struct imap_process *imap_process;

/* A connection on the login/imap listener: reads the hand-off, verifies
   it with auth, switches uid and starts the session (imap-login-server.c). */
void imap_login_server_accept(int fd);

#endif
