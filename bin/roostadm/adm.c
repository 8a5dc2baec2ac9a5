/*
 * adm.c - roostadm's process context: global options, the configuration
 * (read only when a command needs it, so that "roostadm pw" and
 * "roostadm help" work without one), -o overrides and the fatal path.
 */
#include "lib.h"
#include "config.h"
#include "adm.h"

void adm_context_init(struct adm_context *ctx, struct arena *arena)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->arena = arena;
	ctx->config_path = ADM_DEFAULT_CONFIG_PATH;
	array_init(&ctx->overrides, arena, 4);
}

void adm_context_deinit(struct adm_context *ctx)
{
	config_free(&ctx->config);
}

int adm_add_override(struct adm_context *ctx, const char *arg,
	const char **error_r)
{
	const char *eq = strchr(arg, '=');
	struct adm_override *ov;

	if (eq == NULL) {
		*error_r = arena_printf(ctx->arena,
			"Invalid -o parameter %s: Missing '='", arg);
		return -1;
	}
	if (eq == arg) {
		*error_r = arena_printf(ctx->arena,
			"Invalid -o parameter %s: Missing setting name", arg);
		return -1;
	}
	ov = array_append_space(&ctx->overrides);
	ov->key = arena_strndup(ctx->arena, arg, (size_t)(eq - arg));
	ov->value = arena_strdup(ctx->arena, eq + 1);
	return 0;
}

struct config *adm_config(struct adm_context *ctx)
{
	const char *error;

	if (ctx->config != NULL)
		return ctx->config;
	if (config_load_file(ctx->config_path, &ctx->config, &error) < 0)
		adm_fatal("Error reading configuration: %s", error);
	return ctx->config;
}

const char *adm_setting(struct adm_context *ctx, const char *key)
{
	/* The last -o for a key wins. */
	for (unsigned int i = ctx->overrides.count; i > 0; i--) {
		if (strcmp(ctx->overrides.v[i - 1].key, key) == 0)
			return ctx->overrides.v[i - 1].value;
	}
	return config_get(adm_config(ctx), NULL, key);
}

const char *adm_base_path(struct adm_context *ctx, const char *name)
{
	if (name[0] == '/')
		return name;
	return t_printf("%s/%s", adm_setting(ctx, "base_dir"), name);
}

void adm_set_exit(struct adm_context *ctx, int code)
{
	ctx->exit_code = code;
}

void adm_fatal(const char *fmt, ...)
{
	va_list args;

	(void)fflush(stdout);
	va_start(args, fmt);
	log_vmessage(LOG_LEVEL_FATAL, fmt, args);
	va_end(args);
	exit(ADM_EX_TEMPFAIL);
}
