/*
 * cmd-master.c - the commands that talk to the running master over its
 * admin socket (<base_dir>/roost-master): reload, stop and log errors.
 */
#include "lib.h"
#include "str.h"
#include "admin-client.h"
#include "adm.h"
#include "adm-commands.h"
#include "adm-print.h"

#include <time.h>

void cmd_reload(struct adm_cmd_context *cctx)
{
	const char *error;

	if (admin_client_reload(adm_setting(cctx->adm, "base_dir"),
		    &error) < 0)
		adm_fatal("%s", error);
}

void cmd_stop(struct adm_cmd_context *cctx)
{
	const char *error;

	if (admin_client_stop(adm_setting(cctx->adm, "base_dir"), &error) < 0)
		adm_fatal("%s", error);
}

/* The prefix without its ": " tail, as the formatters show it. */
static const char *log_prefix_name(const char *prefix)
{
	size_t len = strlen(prefix);

	if (len >= 2 && strcmp(prefix + len - 2, ": ") == 0)
		return t_strndup(prefix, len - 2);
	return prefix;
}

static void log_errors_print(struct adm_cmd_context *cctx,
	const struct admin_log_entry *entries, unsigned int count)
{
	struct adm_print *print;
	const char *error;

	print = adm_print_create(cctx->adm->formatter, "flow", stdout,
		stderr, cctx->adm->hide_titles, &error);
	if (print == NULL)
		adm_fatal("%s", error);
	adm_print_header_simple(print, "timestamp");
	adm_print_header_simple(print, "prefix");
	adm_print_header_simple(print, "type");
	adm_print_header_simple(print, "text");
	for (unsigned int i = 0; i < count; i++) {
		char stamp[64];
		struct tm tm;

		localtime_r(&entries[i].timestamp, &tm);
		if (strftime(stamp, sizeof(stamp), "%b %d %H:%M:%S", &tm) == 0)
			stamp[0] = '\0';
		adm_print(print, stamp);
		adm_print(print, log_prefix_name(entries[i].prefix));
		adm_print(print, log_level_name(entries[i].level));
		adm_print(print, entries[i].text);
	}
	adm_print_destroy(&print);
}

void cmd_log_errors(struct adm_cmd_context *cctx)
{
	const char *since_str = adm_args_get(&cctx->args, 's');
	struct admin_log_entry *entries;
	unsigned int count;
	const char *error;
	uint64_t since = 0;

	if (since_str != NULL &&
	    (str_to_uint64(since_str, &since) < 0 ||
	     since > (uint64_t)INT64_MAX))
		adm_fatal("Invalid timestamp: %s", since_str);
	if (admin_client_log_errors(adm_setting(cctx->adm, "base_dir"),
		    (time_t)since, cctx->arena, &entries, &count, &error) < 0)
		adm_fatal("%s", error);

	if (cctx->adm->formatter != NULL) {
		/* An explicit -f prints the four fields as records. */
		log_errors_print(cctx, entries, count);
		return;
	}
	/* The default is doveadm's log line: "Nov 24 11:06:57 Error:
	   imap(user): text". */
	for (unsigned int i = 0; i < count; i++)
		printf("%s\n", admin_log_entry_format(&entries[i]));
}
