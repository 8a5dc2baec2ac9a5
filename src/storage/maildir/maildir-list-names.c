/*
 * maildir-list-names.c - mailbox name <-> directory mapping of the
 * maildir++ and fs layouts, with the checks that keep unsafe names off
 * the disk (see maildir-list.h).
 */
#include "lib.h"
#include "buf.h"
#include "str.h"
#include "maildir-list.h"
#include "maildir-util.h"

bool maildir_list_is_inbox(const char *name)
{
	return strcasecmp(name, "INBOX") == 0;
}

static bool is_valid_utf8(const char *s)
{
	const char *dest;
	bool ret;

	SCRATCH_BEGIN {
		ret = maildir_utf8_to_mutf7(scratch_arena(), s, &dest) == 0;
	} SCRATCH_END;
	return ret;
}

/* Checks one hierarchy level of a name (UTF-8). */
static int check_level(const struct maildir_list_settings *set,
	const char *level, size_t len, const char **error_r)
{
	size_t i;

	if (len == 0) {
		*error_r = "Invalid mailbox name: Empty hierarchy levels "
			"aren't allowed";
		return -1;
	}
	if ((len == 1 && level[0] == '.') ||
	    (len == 2 && level[0] == '.' && level[1] == '.')) {
		*error_r = "Invalid mailbox name: '.' and '..' aren't "
			"allowed as hierarchy levels";
		return -1;
	}
	if (len > MAILDIR_LIST_LEVEL_MAX_LEN - 1) {
		*error_r = "Invalid mailbox name: Hierarchy level is too long";
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)level[i];

		if (c < 0x20 || c == 0x7f) {
			*error_r = "Invalid mailbox name: Control characters "
				"aren't allowed";
			return -1;
		}
		if (c == '/') {
			*error_r = "Character not allowed in mailbox name: '/'";
			return -1;
		}
		if (c == '.' && set->layout == MAILDIR_LAYOUT_MAILDIRPP) {
			*error_r = "Character not allowed in mailbox name: '.'";
			return -1;
		}
	}
	if (set->layout == MAILDIR_LAYOUT_FS) {
		if (level[0] == '.' || level[0] == '~') {
			*error_r = t_printf("Invalid mailbox name: Hierarchy "
				"level can't begin with '%c'", level[0]);
			return -1;
		}
		if ((len == 3 && (memcmp(level, "cur", 3) == 0 ||
				  memcmp(level, "new", 3) == 0 ||
				  memcmp(level, "tmp", 3) == 0))) {
			*error_r = "Invalid mailbox name: 'cur', 'new' and "
				"'tmp' are reserved";
			return -1;
		}
	}
	if (len == strlen(MAILDIR_TRASH_DIR_NAME) &&
	    memcmp(level, MAILDIR_TRASH_DIR_NAME, len) == 0) {
		*error_r = "Invalid mailbox name: " MAILDIR_TRASH_DIR_NAME
			" is reserved";
		return -1;
	}
	return 0;
}

int maildir_list_get_path(const struct maildir_list_settings *set,
	struct arena *arena, const char *name, const char **path_r,
	const char **error_r)
{
	struct buf out;
	const char *p, *level_start;
	bool first = true;

	if (name[0] == '\0') {
		*error_r = "Invalid mailbox name: Name is empty";
		return -1;
	}
	if (strlen(name) > MAILDIR_LIST_NAME_MAX_LEN) {
		*error_r = "Invalid mailbox name: Name is too long";
		return -1;
	}
	if (!is_valid_utf8(name)) {
		*error_r = "Invalid mailbox name: Not valid UTF-8";
		return -1;
	}
	if (maildir_list_is_inbox(name)) {
		*path_r = arena_strdup(arena, set->root);
		return 0;
	}
	buf_init(&out, NULL, strlen(set->root) + strlen(name) + 16, 0);
	ubuf_append_str(&out, set->root);
	ubuf_append_str(&out, set->layout == MAILDIR_LAYOUT_MAILDIRPP ?
		"/." : "/");
	level_start = name;
	for (p = name;; p++) {
		if (*p != set->sep && *p != '\0')
			continue;
		if (check_level(set, level_start, (size_t)(p - level_start),
				error_r) < 0) {
			buf_free(&out);
			return -1;
		}
		SCRATCH_BEGIN {
			const char *level = t_strndup(level_start,
				(size_t)(p - level_start));
			const char *enc = level;

			if (first && maildir_list_is_inbox(level))
				enc = "INBOX";
			else if (!set->utf8 &&
				 maildir_utf8_to_mutf7(scratch_arena(), level,
					 &enc) < 0)
				i_panic("UTF-8 checked above");
			if (!first)
				ubuf_append_c(&out, set->layout ==
					MAILDIR_LAYOUT_MAILDIRPP ? '.' : '/');
			ubuf_append_str(&out, enc);
		} SCRATCH_END;
		first = false;
		if (*p == '\0')
			break;
		level_start = p + 1;
	}
	if (out.used - strlen(set->root) > MAILDIR_LIST_LEVEL_MAX_LEN &&
	    set->layout == MAILDIR_LAYOUT_MAILDIRPP) {
		buf_free(&out);
		*error_r = "Invalid mailbox name: Name is too long";
		return -1;
	}
	*path_r = ubuf_finish(&out, arena);
	return 0;
}

int maildir_list_dir_to_name(const struct maildir_list_settings *set,
	struct arena *arena, const char *dirname, const char **name_r)
{
	char disk_sep = set->layout == MAILDIR_LAYOUT_MAILDIRPP ? '.' : '/';
	const char *p, *level_start;
	struct buf out;
	int ret = 0;

	if (set->layout == MAILDIR_LAYOUT_MAILDIRPP) {
		if (dirname[0] != '.' || dirname[1] == '\0' ||
		    strcmp(dirname, "..") == 0)
			return -1;
		dirname++;
	}
	if (strncmp(dirname, MAILDIR_TRASH_DIR_NAME,
		    strlen(MAILDIR_TRASH_DIR_NAME)) == 0)
		return -1;
	buf_init(&out, NULL, strlen(dirname) + 16, 0);
	level_start = dirname;
	for (p = dirname; ret == 0; p++) {
		if (*p != disk_sep && *p != '\0')
			continue;
		if (p == level_start) {
			ret = -1;
			break;
		}
		SCRATCH_BEGIN {
			const char *level = t_strndup(level_start,
				(size_t)(p - level_start));
			const char *dec = level;

			if (!set->utf8 &&
			    maildir_mutf7_to_utf8(scratch_arena(), level,
				    &dec) < 0)
				ret = -1;
			else if (strchr(dec, set->sep) != NULL ||
				 strcmp(dec, ".") == 0 ||
				 strcmp(dec, "..") == 0)
				ret = -1;
			else {
				if (level_start != dirname)
					ubuf_append_c(&out, set->sep);
				ubuf_append_str(&out, dec);
			}
		} SCRATCH_END;
		if (*p == '\0')
			break;
		level_start = p + 1;
	}
	if (ret < 0) {
		buf_free(&out);
		return -1;
	}
	*name_r = ubuf_finish(&out, arena);
	return 0;
}
