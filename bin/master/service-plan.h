/*
 * service-plan.h - what the master should run, computed from a struct
 * config without side effects: which services are started (Dovecot's
 * rules: protocol enabled in "protocols", executable present), their
 * effective limits after default_* are applied, their users, chroots and
 * executables resolved, and every listener socket to bind.  Building a
 * plan performs no binding and no forking, so it is unit-tested and used
 * to validate a configuration before a reload touches anything.
 */
#ifndef ROOST_SERVICE_PLAN_H
#define ROOST_SERVICE_PLAN_H

#include "master-interface.h"

struct arena;
struct config;

/* One socket to bind (an inet_listener with two addresses gives two). */
struct plan_listener {
	enum master_listener_type type;
	/* The listener section's name ("imap", "login/login"). */
	const char *name;
	/* inet: address as given ("*", "::", "127.0.0.1"), port. */
	const char *address;
	unsigned int port;
	bool ssl, haproxy, reuse_port;
	/* unix/fifo: absolute path (relative ones are under base_dir),
	   mode, and the owner names ("" = the master's own). */
	const char *path;
	unsigned int mode;
	const char *user, *group;
};

struct plan_service {
	const char *name;
	/* "" when the service belongs to no protocol (auth, anvil). */
	const char *protocol;
	/* Dovecot's service type: "", "login", "worker", "startup", ... */
	const char *type;
	/* Absolute path of the binary and its argv (argv[0] = path). */
	const char *executable;
	const char *const *argv;
	/* The executable was set explicitly in the configuration. */
	bool executable_explicit;
	/* Effective limits: default_* applied; idle_kill 0 = never. */
	unsigned int process_min_avail, process_limit, client_limit;
	unsigned int service_count, idle_kill_secs;
	/* Bytes; 0 = unlimited. */
	uint64_t vsz_limit;
	/* Names after $variable expansion ("" = none). */
	const char *user, *group, *extra_groups, *privileged_group;
	/* Absolute chroot directory, or NULL. */
	const char *chroot;
	const struct plan_listener *listeners;
	unsigned int listeners_count;
};

struct plan {
	const char *base_dir;
	/* The protocols setting, split; for the startup message. */
	const char *const *protocols;
	unsigned int protocols_count;
	/* Services that will run, in configuration order. */
	const struct plan_service *services;
	unsigned int services_count;
	/* Services left out and why, for debug/warning lines. */
	const char *const *skipped;
	const bool *skipped_warn;
	unsigned int skipped_count;
};

/*
 * Decides where a relative executable lives: returns the absolute path
 * for the name (the part before the first space of executable =), or
 * NULL if no such binary exists.  The master passes one that looks in
 * the build tree or libexec directory; tests pass their own.
 */
typedef const char *plan_exec_resolver_t(struct arena *arena,
	const char *name, void *context);

/*
 * Builds the plan.  Returns 0 with *plan_r allocated from arena, or -1
 * with *error_r in Dovecot's wording ("service(imap-login):
 * process_min_avail is higher than process_limit", "protocols: Unknown
 * protocol: foo", a listener path used twice, ...).  No user lookups are
 * done here (see service-users.h).
 */
int plan_build(const struct config *config, struct arena *arena,
	plan_exec_resolver_t *resolver, void *resolver_context,
	struct plan **plan_r, const char **error_r);

/* The service of that name, or NULL. */
const struct plan_service *plan_find_service(const struct plan *plan,
	const char *name);

/*
 * A key that identifies a listener socket across reloads: equal keys can
 * keep the same bound descriptor ("inet 127.0.0.1 143 r0",
 * "unix /run/dovecot/login/login").  Scratch memory.
 */
const char *plan_listener_socket_key(const struct plan_listener *l);

/* Dovecot's back-off for a failing service: 0 -> 2, then doubling up to
   60 seconds. */
unsigned int plan_throttle_next_secs(unsigned int prev_secs);

#endif
