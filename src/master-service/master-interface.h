/*
 * master-interface.h - what the master and its service processes agree on
 * (docs/ipc/master.md): the fixed descriptor numbers, the environment
 * variables, the status record a process sends to the master, and the
 * encoding of the listener list.  Both halves (bin/master and
 * master-service.c) use only these definitions.
 */
#ifndef ROOST_MASTER_INTERFACE_H
#define ROOST_MASTER_INTERFACE_H

struct arena;

/* The sealed memfd holding the configuration snapshot (roost -a text). */
#define MASTER_CONFIG_FD 3
/* Write end of the service's status pipe (struct master_status records). */
#define MASTER_STATUS_FD 4
/* Read end of a pipe whose write end only the master holds: EOF means
   the master is gone. */
#define MASTER_DEAD_FD 5
/* The first listener; listener i is MASTER_LISTEN_FD_FIRST + i. */
#define MASTER_LISTEN_FD_FIRST 6

/* Set (to the service name) only in processes started by the master. */
#define MASTER_ENV_SERVICE "ROOST_SERVICE"
/* The listener list, see master_listeners_encode(). */
#define MASTER_ENV_LISTENERS "ROOST_LISTENERS"
/* Effective client_limit / service_count (0 = unlimited) / idle_kill. */
#define MASTER_ENV_CLIENT_LIMIT "ROOST_CLIENT_LIMIT"
#define MASTER_ENV_SERVICE_COUNT "ROOST_SERVICE_COUNT"
/* The user to drop to: "uid:gid:extra_gid,extra_gid,...:name" or unset. */
#define MASTER_ENV_RESTRICT_USER "ROOST_RESTRICT_USER"
/* Absolute chroot directory, unset for none. */
#define MASTER_ENV_CHROOT "ROOST_CHROOT"
/* RLIMIT_AS in bytes, unset for none. */
#define MASTER_ENV_VSZ_LIMIT "ROOST_VSZ_LIMIT"
/* base_dir, the process's working directory. */
#define MASTER_ENV_BASE_DIR "ROOST_BASE_DIR"
/* "1" when the master runs as root (user/group/chroot apply). */
#define MASTER_ENV_PRIVILEGED "ROOST_PRIVILEGED"
/* The path the configuration was loaded from (for messages only). */
#define MASTER_ENV_CONFIG_PATH "ROOST_CONFIG_PATH"
/* The master's configuration generation (increments on every reload). */
#define MASTER_ENV_GENERATION "ROOST_GENERATION"

/*
 * A process's report to the master, written atomically (smaller than
 * PIPE_BUF) to MASTER_STATUS_FD whenever its available count or the
 * address of its latest network client changes.  Host byte order: both
 * ends are the same build on the same host.
 */
struct master_status {
	uint32_t pid;
	/* How many more clients the process accepts now: client_limit minus
	   current clients, 0 when full or no longer accepting. */
	uint32_t available_count;
	/* The remote address of the last connection accepted from an inet
	   listener (AF_INET/AF_INET6 in last_ip_family, 0 = none), for the
	   master's "[last ip=...]" when the process dies. */
	uint32_t last_ip_family;
	uint8_t last_ip[16];
};

/*
 * A control line on the stderr pipe (not a log line): the prefix the
 * process now logs under, which the master uses for its own lines about
 * the process ("imap(user)<pid><session>: Fatal: master: service(imap):
 * child ... killed with signal 9").  Written as
 * "\001" MASTER_LOG_OPTION_PREFIX "<prefix>\n".
 */
#define MASTER_LOG_OPTION_PREFIX "+prefix="

/* Upper bounds the master enforces and the child trusts. */
#define MASTER_LISTENERS_MAX 256
#define MASTER_LISTENER_NAME_MAX 256

enum master_listener_type {
	MASTER_LISTENER_INET,
	MASTER_LISTENER_UNIX,
	MASTER_LISTENER_FIFO,
};

struct master_listener_info {
	enum master_listener_type type;
	const char *name;
	bool ssl, haproxy;
};

/* "inet", "unix", "fifo". */
const char *master_listener_type_name(enum master_listener_type type);
/* 0 with *type_r, or -1 for an unknown name. */
int master_listener_type_parse(const char *name,
	enum master_listener_type *type_r);

/*
 * Encodes listeners for MASTER_ENV_LISTENERS: one record per listener,
 * records separated by a space, each "type:flags:name" where flags is a
 * set of 's' (ssl) and 'h' (haproxy) or "-" and name is %-encoded (any
 * byte outside [A-Za-z0-9._/-] as %XX).  The string is arena memory.
 */
const char *master_listeners_encode(struct arena *arena,
	const struct master_listener_info *listeners, unsigned int count);
/*
 * Parses the encoding above into an array from arena.  Returns 0 with
 * *listeners_r and *count_r (count 0 for ""), or -1 with *error_r for any
 * malformed record, more than MASTER_LISTENERS_MAX records or a name
 * longer than MASTER_LISTENER_NAME_MAX.
 */
int master_listeners_decode(struct arena *arena, const char *str,
	struct master_listener_info **listeners_r, unsigned int *count_r,
	const char **error_r);

/*
 * MASTER_ENV_RESTRICT_USER: "uid:gid:g1,g2,...:name" (the extra group
 * list may be empty).  Encode into arena; decode returns 0 or -1 with
 * *error_r.  The gid array is arena memory.
 */
struct master_restrict_user {
	uid_t uid;
	gid_t gid;
	gid_t *extra_gids;
	unsigned int extra_gids_count;
	const char *name;
};
const char *master_restrict_user_encode(struct arena *arena,
	const struct master_restrict_user *user);
int master_restrict_user_decode(struct arena *arena, const char *str,
	struct master_restrict_user *user_r, const char **error_r);

#endif
