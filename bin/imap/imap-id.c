/*
 * imap-id.c - RFC 2971 ID: argument checks, logging and the reply.
 */
#include "lib.h"
#include "buf.h"
#include "str.h"
#include "imap-arg.h"
#include "imap-quote.h"
#include "imap-id.h"
#include "roost-config.h"

#include <sys/utsname.h>

int imap_id_args_check(const struct imap_arg *args)
{
	const struct imap_arg *list;
	unsigned int count, i;
	const char *key, *value;

	/* Dovecot 2.3 accepts a missing argument, NIL, and extra arguments
	   after the list, and does not enforce RFC 2971's 30 pairs. */
	if (IMAP_ARG_IS_EOL(&args[0]) || IMAP_ARG_IS_NIL(&args[0]))
		return 0;
	if (!imap_arg_get_list_full(&args[0], &list, &count))
		return -1;
	for (i = 0; i + 1 < count; i += 2) {
		if (!imap_arg_get_string(&list[i], &key) ||
		    !imap_arg_get_nstring(&list[i + 1], &value))
			return -1;
	}
	return 0;
}

static bool key_is_logged(const char *key, const char *imap_id_log)
{
	bool found = false;
	char **keys;
	unsigned int i;

	if (strcmp(imap_id_log, "*") == 0)
		return true;
	SCRATCH_BEGIN {
		keys = str_split(scratch_arena(), imap_id_log, " ", true);
		for (i = 0; keys[i] != NULL && !found; i++)
			found = strcasecmp(keys[i], key) == 0;
	} SCRATCH_END;
	return found;
}

int imap_id_args_log(struct buf *dest, const struct imap_arg *args,
	const char *imap_id_log)
{
	const struct imap_arg *list;
	unsigned int count, i;
	const char *key, *value;
	bool first = true;

	if (*imap_id_log == '\0' ||
	    !imap_arg_get_list_full(&args[0], &list, &count))
		return 0;
	for (i = 0; i + 1 < count; i += 2) {
		if (!imap_arg_get_string(&list[i], &key) ||
		    !imap_arg_get_nstring(&list[i + 1], &value))
			continue;
		if (!key_is_logged(key, imap_id_log))
			continue;
		if (buf_printf(dest, "%s%s=%s", first ? "" : ", ", key,
			    value == NULL ? "NIL" : value) < 0)
			return -1;
		first = false;
	}
	return 0;
}

static const char *default_value(const char *key)
{
	static struct utsname uts;
	static bool uts_done;

	if (!uts_done) {
		if (uname(&uts) < 0)
			memset(&uts, 0, sizeof(uts));
		uts_done = true;
	}
	if (strcasecmp(key, "name") == 0)
		return "Roost";
	if (strcasecmp(key, "version") == 0)
		return ROOST_VERSION;
	if (strcasecmp(key, "os") == 0)
		return uts.sysname[0] == '\0' ? NULL : uts.sysname;
	if (strcasecmp(key, "os-version") == 0)
		return uts.release[0] == '\0' ? NULL : uts.release;
	return NULL;
}

/* Reads one token of imap_id_send: an atom or a "quoted" string. */
static const char *next_token(const char **p)
{
	const char *s = *p;
	struct buf tok;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	buf_init(&tok, scratch_arena(), 32, 0);
	if (*s == '"') {
		for (s++; *s != '\0' && *s != '"'; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			if (buf_append_c(&tok, *s) < 0)
				return NULL;
		}
		if (*s == '"')
			s++;
	} else {
		for (; *s != '\0' && *s != ' ' && *s != '\t'; s++) {
			if (buf_append_c(&tok, *s) < 0)
				return NULL;
		}
	}
	*p = s;
	return buf_cstr(&tok);
}

int imap_id_reply_append(struct buf *dest, const char *imap_id_send)
{
	const char *p = imap_id_send, *key, *value;
	bool first = true;
	int ret = 0;

	while (ret == 0 && (key = next_token(&p)) != NULL) {
		value = next_token(&p);
		if (value == NULL)
			break;
		if (strcmp(value, "*") == 0)
			value = default_value(key);
		if (buf_append_str(dest, first ? "(" : " ") < 0 ||
		    imap_append_quoted(dest, key, false) < 0 ||
		    buf_append_c(dest, ' ') < 0 ||
		    imap_append_nstring(dest, value) < 0)
			ret = -1;
		first = false;
	}
	if (ret == 0)
		ret = buf_append_str(dest, first ? "NIL" : ")");
	return ret;
}
