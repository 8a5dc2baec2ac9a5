/*
 * master-service.h - the child side of the master/service contract.
 *
 * Every service binary (imap-login, imap, auth, ...) links this library.
 * Started by the master (roost), a process finds here what the master
 * passed to it (docs/ipc/master.md): the configuration snapshot, its
 * listener sockets, its limits and the user to run as.  The library then
 * accepts connections on those listeners itself and hands each new one to
 * the service's connection callback, keeps the client_limit/service_count
 * accounting, reports to the master how many more clients the process can
 * take (so the master can start more processes when all are busy), and
 * handles the master's signals (SIGTERM: exit now; SIGINT: exit if idle;
 * SIGQUIT: stop accepting, exit when the last client is gone).
 *
 * Started by hand (tests, debugging) the process accepts "-c FILE", loads
 * the configuration itself, logs to stderr with timestamps and has no
 * listeners.
 *
 * Typical use:
 *
 *	ms = master_service_init("imap-login", &argc, &argv);
 *	... open files that need privileges ...
 *	master_service_init_finish(ms);     // drops to the service's user
 *	master_service_set_connection_callback(ms, client_create, ctx);
 *	master_service_run(ms);
 *	master_service_deinit(&ms);
 *
 * and, when a client handed to client_create() is gone:
 *
 *	master_service_client_connection_destroyed(ms);
 */
#ifndef ROOST_MASTER_SERVICE_H
#define ROOST_MASTER_SERVICE_H

#include "net.h"

struct config;
struct master_service;

/* One accepted connection (or a readable fifo), valid during the callback
   only: copy what must outlive it. */
struct master_service_connection {
	/* The new socket (non-blocking, close-on-exec).  The callback owns it
	   from now on. */
	int fd;
	/* The listener's name as configured: "imap", "imaps", "login/login",
	   "auth-userdb", ... */
	const char *name;
	/* "inet", "unix" or "fifo". */
	const char *type;
	/* The listener has ssl = yes (inet only). */
	bool ssl;
	/* The listener has haproxy = yes (inet only): the service must read
	   the HAProxy PROXY header before anything else. */
	bool haproxy;
	/* Addresses of an inet connection; family 0 for unix/fifo. */
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
};

typedef void master_service_connection_callback_t(
	const struct master_service_connection *conn, void *context);
/* Called instead of exiting right away on SIGTERM or master death, e.g.
   to send "* BYE Server shutting down." to clients.  The callback must
   end with master_service_stop() (possibly after flushing output). */
typedef void master_service_die_callback_t(void *context);

enum master_service_finish_flags {
	MASTER_SERVICE_FINISH_FLAG_NONE = 0,
	/*
	 * Do not drop to the service's user/group/chroot now even when the
	 * service has user = set: the process will call restrict_access()
	 * itself for each user (imap, pop3 and lmtp switching to mail_uid).
	 * Without this flag a service with an empty user = keeps the
	 * master's uid anyway (Dovecot's imap and lmtp defaults).
	 */
	MASTER_SERVICE_FINISH_FLAG_KEEP_PRIVILEGES = 0x01,
};

/*
 * Initialises the process for service name ("imap-login").  Reads what the
 * master passed (environment + inherited fds), or, when the process was
 * started by hand, parses and removes "-c FILE" from argc/argv (default
 * /etc/dovecot/dovecot.conf) and loads that file.  Sets up logging
 * (LOG_MODE_MASTER with prefix "<name>: " under the master, LOG_MODE_STDERR
 * with log_timestamp otherwise), creates the ioloop, ignores SIGPIPE and
 * installs the signal handlers described above.  Fails with i_fatal() if
 * the configuration cannot be read or the master's environment is
 * malformed.  Options other than -c are left in argv for the service.
 * Returns the process's only master_service.
 */
struct master_service *master_service_init(const char *name, int *argc,
	char ***argv);

/*
 * Drops privileges as the master asked: setgroups/setgid/setuid to the
 * service's user, group and extra_groups, chroot (see restrict-access.h),
 * RLIMIT_AS = vsz_limit, and chdir to the chroot (or base_dir).  Call it
 * after opening files that need privileges and before touching client
 * data.  Relative socket paths (e.g. "login" in a chrooted login process)
 * work only after this call.  Fails with i_fatal() if privileges cannot be
 * dropped.  Also tells the master the process is ready (the first status
 * report: its initial available client count); connections are accepted
 * only from master_service_run() on.
 */
void master_service_init_finish(struct master_service *ms);
void master_service_init_finish_flags(struct master_service *ms,
	enum master_service_finish_flags flags);

/* The configuration snapshot; lives until master_service_deinit(). */
const struct config *master_service_get_config(struct master_service *ms);
/* The service name given to master_service_init(). */
const char *master_service_get_name(const struct master_service *ms);
/* True when started by the master (false when run by hand). */
bool master_service_is_master_child(const struct master_service *ms);
/* Effective limits for this process (default_* applied by the master). */
unsigned int master_service_get_client_limit(const struct master_service *ms);
/* 0 = unlimited. */
unsigned int master_service_get_service_count(
	const struct master_service *ms);
/*
 * The user/group the master asked this process to run as (NULL/"" when
 * none: the process keeps the master's uid), for services that pass
 * MASTER_SERVICE_FINISH_FLAG_KEEP_PRIVILEGES and restrict later.
 * first/last_valid_uid/gid checks apply to them (restrict-access.h).
 */
const char *master_service_get_user(const struct master_service *ms);
/* True when the master runs as root (user/group/chroot settings apply). */
bool master_service_is_privileged(const struct master_service *ms);

/*
 * Sets the function called for every new connection.  With no callback
 * set, connections are left waiting in the listen queue.
 */
void master_service_set_connection_callback(struct master_service *ms,
	master_service_connection_callback_t *callback, void *context);
/* Optional; see master_service_die_callback_t.  Without one, SIGTERM stops
   the loop at once. */
void master_service_set_die_callback(struct master_service *ms,
	master_service_die_callback_t *callback, void *context);

/*
 * Runs the event loop (current_ioloop()) until master_service_stop(), a
 * signal from the master, or the process has served service_count
 * connections and all of them were destroyed.  Blocks.
 */
void master_service_run(struct master_service *ms);
/* Makes master_service_run() return (from any callback). */
void master_service_stop(struct master_service *ms);

/*
 * A connection handed to the callback has ended (call it exactly once per
 * connection, after closing its fd).  Keeps the client_limit and
 * service_count accounting right: accepting resumes if it was paused at
 * client_limit, the master learns the new available count, and the loop
 * stops once the process has no clients left and may not take new ones
 * (service_count reached, SIGQUIT, master gone).
 */
void master_service_client_connection_destroyed(struct master_service *ms);
/*
 * Takes one more client slot for a connection the service created itself
 * (e.g. a client fd received over another connection): counts against
 * client_limit like an accepted one; pair with ..._destroyed().
 */
void master_service_client_connection_created(struct master_service *ms);
/* Clients currently counted. */
unsigned int master_service_get_client_count(const struct master_service *ms);

/*
 * Stops accepting new connections for good and tells the master (it
 * starts another process for new clients); the process exits when its
 * last client is destroyed.  Used e.g. after switching to a user's uid.
 */
void master_service_stop_new_connections(struct master_service *ms);
/* True after master_service_stop_new_connections() or SIGQUIT. */
bool master_service_is_stopping_new_connections(
	const struct master_service *ms);

/*
 * Sets the process's log prefix (log_set_prefix()) and tells the master,
 * which uses it for its own lines about this process, as Dovecot does:
 * an imap process calls it with "imap(user)<pid><session>: " once the
 * session is known, so that a crash is logged as "imap(user)<pid><sess>:
 * Fatal: master: service(imap): child <pid> killed with signal 9".
 */
void master_service_set_log_prefix(struct master_service *ms,
	const char *prefix);

/*
 * Sets the process title shown by ps to "roost/<name> <text>" where text
 * is formatted from fmt (e.g. "[user 1.2.3.4 IDLE]"), but only when
 * verbose_proctitle = yes; otherwise the title stays "roost/<name>".
 * fmt NULL resets to "roost/<name>".
 */
void master_service_set_proctitle(struct master_service *ms,
	const char *fmt, ...) ATTR_FORMAT(2, 3);

/*
 * Closes the listeners and the master pipes, frees the configuration and
 * the ioloop; sets *ms to NULL.
 */
void master_service_deinit(struct master_service **ms);

#endif
