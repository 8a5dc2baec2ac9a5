/*
 * service-plan.c - from a struct config to the list of services and
 * sockets the master runs (see service-plan.h).
 */
#include "lib.h"
#include "service-plan.h"

#include "array.h"
#include "config.h"
#include "str.h"

#include <limits.h>

#define PLAN_THROTTLE_MIN_SECS 2
#define PLAN_THROTTLE_MAX_SECS 60
/* Below this a process cannot even load its libraries (Dovecot's check). */
#define PLAN_VSZ_LIMIT_MIN (1024 * 1024)

struct plan_listeners {
	ARRAY(struct plan_listener) arr;
};

struct plan_ctx {
	const struct config *config;
	struct arena *arena;
	plan_exec_resolver_t *resolver;
	void *resolver_context;
	const char *base_dir;
	char **protocols;
	ARRAY(struct plan_service) services;
	ARRAY(const char *) skipped;
	ARRAY(bool) skipped_warn;
	/* socket key -> "service(x) listener" for duplicate detection */
	ARRAY(const char *) keys;
	ARRAY(const char *) key_owners;
};

unsigned int plan_throttle_next_secs(unsigned int prev_secs)
{
	if (prev_secs < PLAN_THROTTLE_MIN_SECS)
		return PLAN_THROTTLE_MIN_SECS;
	if (prev_secs >= PLAN_THROTTLE_MAX_SECS / 2)
		return PLAN_THROTTLE_MAX_SECS;
	return prev_secs * 2;
}

/* "$default_login_user" -> the value of that global setting. */
static const char *plan_expand(struct plan_ctx *ctx, const char *value)
{
	if (value == NULL)
		return "";
	for (unsigned int depth = 0; depth < 4 && value[0] == '$'; depth++) {
		if (!config_setting_exists(value + 1))
			break;
		value = config_get(ctx->config, NULL, value + 1);
	}
	return value;
}

static bool plan_protocol_enabled(struct plan_ctx *ctx, const char *protocol)
{
	for (unsigned int i = 0; ctx->protocols[i] != NULL; i++) {
		if (strcmp(ctx->protocols[i], protocol) == 0)
			return true;
	}
	return false;
}

static const char *plan_abs_path(struct plan_ctx *ctx, const char *path)
{
	if (path[0] == '/')
		return path;
	if (strcmp(path, ".") == 0)
		return ctx->base_dir;
	return arena_printf(ctx->arena, "%s/%s", ctx->base_dir, path);
}

static void plan_skip(struct plan_ctx *ctx, bool warn, const char *why)
{
	array_push(&ctx->skipped, arena_strdup(ctx->arena, why));
	array_push(&ctx->skipped_warn, warn);
}

const char *plan_listener_socket_key(const struct plan_listener *l)
{
	if (l->type == MASTER_LISTENER_INET) {
		return t_printf("inet %s %u r%d", l->address, l->port,
			l->reuse_port ? 1 : 0);
	}
	return t_printf("%s %s", master_listener_type_name(l->type), l->path);
}

static int plan_add_key(struct plan_ctx *ctx, const char *service,
	const struct plan_listener *l, const char **error_r)
{
	const char *key, *owner;

	SCRATCH_BEGIN {
		key = arena_strdup(ctx->arena, plan_listener_socket_key(l));
	} SCRATCH_END;
	owner = arena_printf(ctx->arena, "service(%s) %s_listener %s",
		service, master_listener_type_name(l->type), l->name);
	for (unsigned int i = 0; i < ctx->keys.count; i++) {
		if (strcmp(ctx->keys.v[i], key) != 0)
			continue;
		if (l->type == MASTER_LISTENER_INET) {
			*error_r = t_printf("%s: %s:%u is already used by %s",
				owner, l->address, l->port,
				ctx->key_owners.v[i]);
		} else {
			*error_r = t_printf("%s: %s is already used by %s",
				owner, l->path, ctx->key_owners.v[i]);
		}
		return -1;
	}
	array_push(&ctx->keys, key);
	array_push(&ctx->key_owners, owner);
	return 0;
}

static int plan_parse_mode(const char *str, unsigned int *mode_r)
{
	unsigned long mode;
	char *end;

	if (str == NULL || str[0] == '\0') {
		*mode_r = 0600;
		return 0;
	}
	errno = 0;
	mode = strtoul(str, &end, 8);
	if (errno != 0 || *end != '\0' || mode > 07777)
		return -1;
	*mode_r = (unsigned int)mode;
	return 0;
}

static int plan_add_inet(struct plan_ctx *ctx, const char *service,
	const struct config_section *ls, struct plan_listeners *out,
	const char **error_r)
{
	const char *name = config_section_name(ls);
	const char *addresses = config_section_get(ls, "address");
	unsigned int port = config_section_get_uint(ls, "port");
	bool ssl = config_section_get_bool(ls, "ssl");
	char **list;

	if (port == 0)
		return 0; /* disabled */
	if (port > 65535) {
		*error_r = t_printf("service(%s): inet_listener(%s): "
			"Invalid port: %u", service, name, port);
		return -1;
	}
	if (ssl && strcmp(config_get(ctx->config, NULL, "ssl"), "no") == 0)
		return 0; /* Dovecot does not bind SSL listeners with ssl=no */
	if (addresses == NULL || addresses[0] == '\0')
		addresses = config_get(ctx->config, NULL, "listen");
	list = str_split(ctx->arena, addresses, " ,", true);
	for (unsigned int i = 0; list[i] != NULL; i++) {
		struct plan_listener *l = array_append_space(&out->arr);

		l->type = MASTER_LISTENER_INET;
		l->name = arena_strdup(ctx->arena, name);
		l->address = list[i];
		l->port = port;
		l->ssl = ssl;
		l->haproxy = config_section_get_bool(ls, "haproxy");
		l->reuse_port = config_section_get_bool(ls, "reuse_port");
		if (plan_add_key(ctx, service, l, error_r) < 0)
			return -1;
	}
	return 0;
}

static int plan_add_file(struct plan_ctx *ctx, const char *service,
	enum master_listener_type type, const struct config_section *ls,
	struct plan_listeners *out, const char **error_r)
{
	const char *name = config_section_name(ls);
	struct plan_listener *l;

	if (name[0] == '\0') {
		*error_r = t_printf("service(%s): %s_listener without a path",
			service, master_listener_type_name(type));
		return -1;
	}
	l = array_append_space(&out->arr);
	l->type = type;
	l->name = arena_strdup(ctx->arena, name);
	l->path = plan_abs_path(ctx, l->name);
	if (plan_parse_mode(config_section_get(ls, "mode"), &l->mode) < 0) {
		*error_r = t_printf("service(%s): %s_listener(%s): "
			"Invalid mode: %s", service,
			master_listener_type_name(type), name,
			config_section_get(ls, "mode"));
		return -1;
	}
	l->user = arena_strdup(ctx->arena,
		plan_expand(ctx, config_section_get(ls, "user")));
	l->group = arena_strdup(ctx->arena,
		plan_expand(ctx, config_section_get(ls, "group")));
	return plan_add_key(ctx, service, l, error_r);
}

static int plan_add_listeners(struct plan_ctx *ctx, const char *service,
	const struct config_section *s, struct plan_service *ps,
	const char **error_r)
{
	static const struct {
		const char *section;
		enum master_listener_type type;
	} kinds[] = {
		{ "inet_listener", MASTER_LISTENER_INET },
		{ "unix_listener", MASTER_LISTENER_UNIX },
		{ "fifo_listener", MASTER_LISTENER_FIFO },
	};
	struct plan_listeners listeners;

	array_init(&listeners.arr, ctx->arena, 4);
	for (unsigned int k = 0; k < N_ELEMENTS(kinds); k++) {
		const struct config_section *const *children;
		unsigned int count;

		children = config_section_children(s, kinds[k].section,
			&count);
		for (unsigned int i = 0; i < count; i++) {
			int ret = kinds[k].type == MASTER_LISTENER_INET ?
				plan_add_inet(ctx, service, children[i],
					&listeners, error_r) :
				plan_add_file(ctx, service, kinds[k].type,
					children[i], &listeners,
					error_r);
			if (ret < 0)
				return -1;
		}
	}
	if (listeners.arr.count > MASTER_LISTENERS_MAX) {
		*error_r = t_printf("service(%s): too many listeners (max %u)",
			service, MASTER_LISTENERS_MAX);
		return -1;
	}
	ps->listeners = listeners.arr.v;
	ps->listeners_count = listeners.arr.count;
	return 0;
}

static int plan_resolve_executable(struct plan_ctx *ctx,
	const struct config_section *s, struct plan_service *ps,
	bool *missing_r, const char **error_r)
{
	const char *value = config_section_get(s, "executable");
	char **args = str_split(ctx->arena, value == NULL ? "" : value,
		" ", true);
	const char *path;

	*missing_r = false;
	ps->executable_explicit = config_section_is_set(s, "executable");
	if (args[0] == NULL) {
		*error_r = t_printf("service(%s): executable is empty",
			ps->name);
		return -1;
	}
	if (args[0][0] == '/') {
		path = access(args[0], X_OK) == 0 ? args[0] : NULL;
	} else {
		path = ctx->resolver(ctx->arena, args[0],
			ctx->resolver_context);
	}
	if (path == NULL) {
		if (ps->executable_explicit) {
			*error_r = t_printf("service(%s): executable file "
				"doesn't exist: %s", ps->name, args[0]);
			return -1;
		}
		*missing_r = true;
		return 0;
	}
	args[0] = (char *)path;
	ps->executable = path;
	ps->argv = (const char *const *)args;
	return 0;
}

static int plan_add_service(struct plan_ctx *ctx,
	const struct config_section *s, const char **error_r)
{
	const struct config *c = ctx->config;
	struct plan_service ps;
	const char *chroot;
	uint64_t vsz;
	unsigned int idle;
	bool missing;

	memset(&ps, 0, sizeof(ps));
	ps.name = arena_strdup(ctx->arena, config_section_name(s));
	ps.type = arena_strdup(ctx->arena, config_section_get(s, "type"));
	ps.protocol = arena_strdup(ctx->arena,
		config_section_get(s, "protocol"));

	if (strcmp(ps.type, "config") == 0 || strcmp(ps.type, "log") == 0) {
		/* Roost's master reads the configuration and collects the
		   logs itself. */
		plan_skip(ctx, false, t_printf("service(%s): type %s is "
			"built into the master", ps.name, ps.type));
		return 0;
	}
	if (ps.protocol[0] != '\0' && !plan_protocol_enabled(ctx, ps.protocol))
		return 0;

	ps.process_limit = config_section_get_uint(s, "process_limit");
	if (ps.process_limit == 0)
		ps.process_limit = config_get_uint(c, NULL,
			"default_process_limit");
	ps.client_limit = config_section_get_uint(s, "client_limit");
	if (ps.client_limit == 0)
		ps.client_limit = config_get_uint(c, NULL,
			"default_client_limit");
	ps.service_count = config_section_get_uint(s, "service_count");
	ps.process_min_avail = config_section_get_uint(s,
		"process_min_avail");
	if (ps.process_limit == 0 || ps.client_limit == 0) {
		*error_r = t_printf("service(%s): %s must be higher than 0",
			ps.name, ps.process_limit == 0 ? "process_limit" :
							  "client_limit");
		return -1;
	}
	if (ps.process_min_avail > ps.process_limit) {
		*error_r = t_printf("service(%s): process_min_avail is higher "
			"than process_limit", ps.name);
		return -1;
	}
	idle = config_section_get_time_secs(s, "idle_kill");
	if (idle == 0)
		idle = config_get_time_secs(c, NULL, "default_idle_kill");
	ps.idle_kill_secs = idle == UINT_MAX ? 0 : idle;
	vsz = config_section_get_size(s, "vsz_limit");
	if (vsz == UINT64_MAX)
		vsz = config_get_size(c, NULL, "default_vsz_limit");
	if (vsz != 0 && vsz < PLAN_VSZ_LIMIT_MIN) {
		*error_r = t_printf("service(%s): vsz_limit is too low",
			ps.name);
		return -1;
	}
	ps.vsz_limit = vsz;

	ps.user = arena_strdup(ctx->arena,
		plan_expand(ctx, config_section_get(s, "user")));
	ps.group = arena_strdup(ctx->arena,
		plan_expand(ctx, config_section_get(s, "group")));
	ps.extra_groups = arena_strdup(ctx->arena,
		plan_expand(ctx, config_section_get(s, "extra_groups")));
	ps.privileged_group = arena_strdup(ctx->arena,
		plan_expand(ctx, config_section_get(s, "privileged_group")));
	chroot = config_section_get(s, "chroot");
	ps.chroot = chroot == NULL || chroot[0] == '\0' ? NULL :
		plan_abs_path(ctx, chroot);

	if (plan_resolve_executable(ctx, s, &ps, &missing, error_r) < 0)
		return -1;
	if (missing) {
		/* A service Roost does not have yet: say so when clients
		   reach it from the network or it is the protocol's own
		   process (pop3, lmtp); optional helpers (imap-hibernate,
		   imap-urlauth, anvil, stats) are only a debug line. */
		bool warn = config_section_children(s, "inet_listener",
				&(unsigned int){ 0 })[0] != NULL ||
			(ps.protocol[0] != '\0' &&
			 (strcmp(ps.name, ps.protocol) == 0 ||
			  strcmp(ps.name, "managesieve") == 0));

		plan_skip(ctx, warn, t_printf("service(%s): not supported "
			"yet (no executable %s)", ps.name,
			config_section_get(s, "executable")));
		return 0;
	}
	if (plan_add_listeners(ctx, ps.name, s, &ps, error_r) < 0)
		return -1;
	array_push(&ctx->services, ps);
	return 0;
}

static int plan_check_protocols(struct plan_ctx *ctx,
	const struct config_section *const *sections, unsigned int count,
	const char **error_r)
{
	for (unsigned int i = 0; ctx->protocols[i] != NULL; i++) {
		bool found = false;

		for (unsigned int j = 0; j < count && !found; j++) {
			found = strcmp(config_section_get(sections[j],
					       "protocol"),
					ctx->protocols[i]) == 0;
		}
		if (!found) {
			*error_r = t_printf("protocols: Unknown protocol: %s",
				ctx->protocols[i]);
			return -1;
		}
	}
	return 0;
}

int plan_build(const struct config *config, struct arena *arena,
	plan_exec_resolver_t *resolver, void *resolver_context,
	struct plan **plan_r, const char **error_r)
{
	const struct config_section *const *sections;
	struct plan_ctx ctx;
	struct plan *plan;
	unsigned int count;

	memset(&ctx, 0, sizeof(ctx));
	ctx.config = config;
	ctx.arena = arena;
	ctx.resolver = resolver;
	ctx.resolver_context = resolver_context;
	ctx.base_dir = arena_strdup(arena,
		config_get(config, NULL, "base_dir"));
	if (ctx.base_dir[0] != '/') {
		*error_r = t_printf("base_dir: Must be an absolute path: %s",
			ctx.base_dir);
		return -1;
	}
	ctx.protocols = str_split(arena, config_get(config, NULL, "protocols"),
		" ,", true);
	if (ctx.protocols[0] != NULL && strcmp(ctx.protocols[0], "none") == 0 &&
	    ctx.protocols[1] == NULL)
		ctx.protocols[0] = NULL;
	array_init(&ctx.services, arena, 16);
	array_init(&ctx.skipped, arena, 16);
	array_init(&ctx.skipped_warn, arena, 16);
	array_init(&ctx.keys, arena, 32);
	array_init(&ctx.key_owners, arena, 32);

	sections = config_get_sections(config, NULL, "service", &count);
	if (plan_check_protocols(&ctx, sections, count, error_r) < 0)
		return -1;
	for (unsigned int i = 0; i < count; i++) {
		if (plan_add_service(&ctx, sections[i], error_r) < 0)
			return -1;
	}

	plan = arena_new(arena, struct plan, 1);
	plan->base_dir = ctx.base_dir;
	plan->protocols = (const char *const *)ctx.protocols;
	plan->protocols_count = str_array_length(ctx.protocols);
	plan->services = ctx.services.v;
	plan->services_count = ctx.services.count;
	plan->skipped = ctx.skipped.v;
	plan->skipped_warn = ctx.skipped_warn.v;
	plan->skipped_count = ctx.skipped.count;
	*plan_r = plan;
	return 0;
}

const struct plan_service *plan_find_service(const struct plan *plan,
	const char *name)
{
	for (unsigned int i = 0; i < plan->services_count; i++) {
		if (strcmp(plan->services[i].name, name) == 0)
			return &plan->services[i];
	}
	return NULL;
}
