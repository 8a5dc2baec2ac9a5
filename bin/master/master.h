/*
 * master.h - the master process's runtime state, shared by its modules:
 * the bound listener sockets (kept across reloads), the configuration
 * generations ("service lists"), the services and their processes.
 * Internal to bin/master.
 */
#ifndef ROOST_MASTER_H
#define ROOST_MASTER_H

#include "master-interface.h"
#include "net.h"
#include "service-plan.h"

#include <time.h>

struct config;
struct io;
struct ioloop;
struct log_reader;
struct timeout;

/* A bound listener descriptor, shared by the services of several
   generations when a reload keeps the same socket. */
struct master_socket {
	char *key;
	int fd;
	unsigned int refcount;
};

struct service_process {
	struct service_process *prev, *next;
	struct service *service;
	pid_t pid;
	/* The last available_count it reported (client_limit until the
	   first report). */
	unsigned int available_count;
	/* It sent its first status report (finished initialising). */
	bool initialized;
	/* It has served at least one client. */
	bool ever_busy;
	/* We sent it SIGTERM/SIGQUIT because of a reload or shutdown. */
	bool told_to_stop;
	/* The last network client's address it reported (family 0 when
	   none), for "[last ip=...]". */
	struct ip_addr last_ip;
	struct log_reader *log;
	struct timeout *to_idle, *to_status;
	time_t start_time;
};

struct service {
	struct service_list *list;
	const struct plan_service *set;

	/* Resolved users (only when the master runs as root). */
	bool have_user;
	struct master_restrict_user user;
	/* Per plan listener: owner/group for unix/fifo sockets. */
	uid_t *listener_uids;
	gid_t *listener_gids;

	struct master_socket **sockets;
	const char *listeners_env;

	int status_fd[2];
	struct io *status_io;
	unsigned char status_buf[sizeof(struct master_status)];
	size_t status_used;

	struct io **listen_ios;
	bool listening;
	/* A connection came while process_limit was reached: wait for a
	   process to free up before listening again. */
	bool limit_blocked;
	time_t last_drop_warning;

	struct service_process *processes;
	unsigned int process_count, process_avail;

	struct timeout *to_throttle;
	unsigned int throttle_secs;
	time_t exit_failure_last;
	unsigned int exit_failures_in_sec;
	/* A process of the service has exited with status 0. */
	bool have_successful_exits;

	/* Replaced by a reload (or shutting down): take no new clients. */
	bool retired;
};

/* One configuration generation. */
struct service_list {
	struct arena *arena;
	struct config *config;
	struct plan *plan;
	unsigned int generation;
	/* Sealed memfd with the configuration snapshot. */
	int config_fd;
	struct service **services;
	unsigned int services_count;
	bool retired;
};

struct master {
	struct ioloop *ioloop;
	const char *config_path;
	/* Running as root: users, groups and chroots apply. */
	bool privileged;
	bool shutting_down;
	/* Directory the service binaries are taken from. */
	const char *exec_dir;
	bool exec_dir_is_build_tree;

	struct service_list *current;
	/* Older generations whose processes have not all exited. */
	struct service_list **retired;
	unsigned int retired_count;

	struct master_socket **sockets;
	unsigned int sockets_count;

	/* Children get the read end; EOF tells them the master is gone. */
	int dead_pipe[2];
	unsigned int next_generation;
};

extern struct master *master;

/* ---- main.c ---- */
/* Logs an error: to the log (and, before the log is set up, also to the
   terminal as Dovecot does at startup). */
void master_error(const char *fmt, ...) ATTR_FORMAT(1, 2);
/* The plan's executable resolver: build tree or libexec directory. */
const char *master_exec_resolve(struct arena *arena, const char *name,
	void *context);

/* ---- master-sockets.c ---- */
/*
 * Binds (or reuses, when a socket with the same key is already bound)
 * every listener of every service in list.  Each failure is logged
 * ("service(imap-login): listen(*, 143) failed: Address already in use")
 * and -1 is returned with *error_r "Failed to start listeners"; the
 * caller frees the list, which closes what was bound.
 */
int master_sockets_bind(struct service_list *list, const char **error_r);
/*
 * Before a reload binds: closes the sockets the new list does not use
 * (so that e.g. "*:143" can replace "127.0.0.1:143"), as Dovecot does.
 * The socket objects stay, with fd -1, until their services let go.
 */
void master_sockets_close_unused(const struct service_list *list);
/* Drops one reference; the fd is closed when none remain. */
void master_socket_unref(struct master_socket **socket);

/* ---- service-users.c ---- */
/*
 * Looks up the users and groups of every service and unix listener in
 * list (only when privileged; otherwise logs at debug level that they
 * are ignored).  Returns -1 with Dovecot's error text for a missing
 * user or group.
 */
int service_list_resolve_users(struct service_list *list,
	const char **error_r);

/* ---- service.c ---- */
/*
 * Creates the runtime objects of a new generation from config (which it
 * takes over).  Returns -1 with *error_r (and frees config) when the
 * plan is invalid, a user is missing or a socket cannot be bound.
 */
int service_list_create(struct config *config, struct service_list **list_r,
	const char **error_r);
/* Stops the master's own watching of socket (it is being closed). */
void service_list_socket_closing(struct service_list *list,
	const struct master_socket *socket);
/* Starts process_min_avail processes and on-demand listening. */
void service_list_start(struct service_list *list);
/* Stops taking new clients: idle processes get SIGTERM, busy ones
   SIGQUIT; the list is freed once its last process is gone. */
void service_list_retire(struct service_list *list);
/* SIGTERM (or, with force, SIGKILL) to every process of the list. */
void service_list_kill(struct service_list *list, int signo);
unsigned int service_list_process_count(const struct service_list *list);
/* Frees a list whose processes are all gone (true if it did). */
bool service_list_try_free(struct service_list *list);
/* The process with that pid in any generation, or NULL. */
struct service_process *master_find_process(pid_t pid);
/* Re-evaluates a service after a change in its processes. */
void service_update(struct service *service);
/* Accounting for a process service_process_create() just forked. */
void service_process_started(struct service_process *process);
/* Called when a process has been reaped. */
void service_process_exited(struct service_process *process, int status);

/* ---- service-process.c ---- */
/* Forks and execs one process of service.  Returns it, or NULL after
   logging the error. */
struct service_process *service_process_create(struct service *service);
/* Frees a reaped process (drains its log pipe). */
void service_process_destroy(struct service_process *process);
/* Logs an abnormal exit in Dovecot's format; returns true if it was a
   failure (non-zero exit or a signal). */
bool service_process_log_exit(struct service_process *process, int status);

#endif
