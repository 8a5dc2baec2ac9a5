/*
 * imap-flags.c - writing and reading IMAP flag lists.
 */
#include "lib.h"
#include "arena.h"
#include "buf.h"
#include "imap-arg.h"
#include "storage.h"
#include "imap-flags.h"

#include <ctype.h>
#include <strings.h>

static const struct {
	enum mail_flags flag;
	const char *name;
} system_flags[] = {
	{ MAIL_ANSWERED, "\\Answered" },
	{ MAIL_FLAGGED, "\\Flagged" },
	{ MAIL_DELETED, "\\Deleted" },
	{ MAIL_SEEN, "\\Seen" },
	{ MAIL_DRAFT, "\\Draft" },
	{ MAIL_RECENT, "\\Recent" },
};

int imap_flags_append(struct buf *dest, unsigned int flags,
	const char *const *keywords)
{
	bool first = true;
	unsigned int i;

	for (i = 0; i < N_ELEMENTS(system_flags); i++) {
		if ((flags & system_flags[i].flag) == 0)
			continue;
		if ((!first && buf_append_c(dest, ' ') < 0) ||
		    buf_append_str(dest, system_flags[i].name) < 0)
			return -1;
		first = false;
	}
	for (i = 0; keywords != NULL && keywords[i] != NULL; i++) {
		if ((!first && buf_append_c(dest, ' ') < 0) ||
		    buf_append_str(dest, keywords[i]) < 0)
			return -1;
		first = false;
	}
	return 0;
}

int imap_flags_parse(const struct imap_arg *args, struct arena *arena,
	unsigned int *flags_r, const char *const **keywords_r,
	const char **error_r)
{
	const char **keywords;
	unsigned int i, j, count, kw_count = 0, flags = 0;
	const char *atom;

	count = imap_args_count(args);
	keywords = arena_new(arena, const char *, count + 1);
	for (i = 0; i < count; i++) {
		if (!imap_arg_get_atom(&args[i], &atom)) {
			*error_r = "Flags list contains non-atoms.";
			return -1;
		}
		if (atom[0] == '\\') {
			for (j = 0; j < N_ELEMENTS(system_flags) - 1; j++) {
				if (strcasecmp(atom, system_flags[j].name) == 0)
					break;
			}
			if (j == N_ELEMENTS(system_flags) - 1) {
				char *up = t_strdup(atom);

				/* Dovecot shows it uppercased. */
				for (char *p = up; *p != '\0'; p++)
					*p = (char)toupper((unsigned char)*p);
				*error_r = t_printf("Invalid system flag %s",
					up);
				return -1;
			}
			flags |= system_flags[j].flag;
			continue;
		}
		for (j = 0; j < kw_count; j++) {
			if (strcasecmp(keywords[j], atom) == 0)
				break;
		}
		if (j == kw_count)
			keywords[kw_count++] = arena_strdup(arena, atom);
	}
	*flags_r = flags;
	*keywords_r = kw_count == 0 ? NULL : keywords;
	return 0;
}
