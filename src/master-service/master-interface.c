/*
 * master-interface.c - encoding and decoding of what the master passes to
 * its service processes in the environment (see master-interface.h).
 */
#include "lib.h"
#include "master-interface.h"

#include "buf.h"
#include "str.h"

const char *master_listener_type_name(enum master_listener_type type)
{
	switch (type) {
	case MASTER_LISTENER_INET:
		return "inet";
	case MASTER_LISTENER_UNIX:
		return "unix";
	case MASTER_LISTENER_FIFO:
		return "fifo";
	}
	i_panic("unknown listener type %d", (int)type);
}

int master_listener_type_parse(const char *name,
	enum master_listener_type *type_r)
{
	if (strcmp(name, "inet") == 0)
		*type_r = MASTER_LISTENER_INET;
	else if (strcmp(name, "unix") == 0)
		*type_r = MASTER_LISTENER_UNIX;
	else if (strcmp(name, "fifo") == 0)
		*type_r = MASTER_LISTENER_FIFO;
	else
		return -1;
	return 0;
}

static bool name_char_is_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' ||
		c == '-';
}

static void append_encoded_name(struct buf *out, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)name; *p != '\0';
	     p++) {
		if (name_char_is_plain(*p)) {
			if (buf_append_c(out, (char)*p) < 0)
				i_panic("listener encoding overflow");
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 0xf] };

			if (buf_append(out, esc, sizeof(esc)) < 0)
				i_panic("listener encoding overflow");
		}
	}
}

const char *master_listeners_encode(struct arena *arena,
	const struct master_listener_info *listeners, unsigned int count)
{
	struct buf out;

	buf_init(&out, arena, 128, 0);
	for (unsigned int i = 0; i < count; i++) {
		const struct master_listener_info *l = &listeners[i];
		int ret;

		ret = buf_printf(&out, "%s%s:%s%s%s:", i == 0 ? "" : " ",
			master_listener_type_name(l->type),
			l->ssl ? "s" : "", l->haproxy ? "h" : "",
			!l->ssl && !l->haproxy ? "-" : "");
		if (ret < 0)
			i_panic("listener encoding overflow");
		append_encoded_name(&out, l->name);
	}
	return buf_cstr(&out);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int decode_name(struct arena *arena, const char *enc,
	const char **name_r)
{
	size_t len = strlen(enc);
	char *name = arena_alloc(arena, len + 1);
	size_t n = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (enc[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = hex_digit(enc[i + 1]);
			lo = hex_digit(enc[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			name[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (name_char_is_plain((unsigned char)enc[i])) {
			name[n++] = enc[i];
		} else {
			return -1;
		}
	}
	if (n > MASTER_LISTENER_NAME_MAX)
		return -1;
	name[n] = '\0';
	*name_r = name;
	return 0;
}

int master_listeners_decode(struct arena *arena, const char *str,
	struct master_listener_info **listeners_r, unsigned int *count_r,
	const char **error_r)
{
	char **records = str_split(arena, str, " ", true);
	unsigned int count = str_array_length(records);
	struct master_listener_info *listeners;

	if (count > MASTER_LISTENERS_MAX) {
		*error_r = "too many listeners";
		return -1;
	}
	listeners = arena_new(arena, struct master_listener_info,
		count == 0 ? 1 : count);
	for (unsigned int i = 0; i < count; i++) {
		char *rec = records[i];
		char *flags = strchr(rec, ':');
		char *name = flags == NULL ? NULL : strchr(flags + 1, ':');

		if (name == NULL) {
			*error_r = t_printf("listener record %u: missing ':'",
				i);
			return -1;
		}
		*flags++ = '\0';
		*name++ = '\0';
		if (master_listener_type_parse(rec, &listeners[i].type) < 0) {
			*error_r = t_printf("listener record %u: bad type", i);
			return -1;
		}
		if (strcmp(flags, "-") != 0) {
			for (const char *f = flags; *f != '\0'; f++) {
				if (*f == 's' && !listeners[i].ssl)
					listeners[i].ssl = true;
				else if (*f == 'h' && !listeners[i].haproxy)
					listeners[i].haproxy = true;
				else {
					*error_r = t_printf("listener record "
						"%u: bad flags", i);
					return -1;
				}
			}
			if (*flags == '\0') {
				*error_r = t_printf("listener record %u: "
					"empty flags", i);
				return -1;
			}
		}
		if (decode_name(arena, name, &listeners[i].name) < 0) {
			*error_r = t_printf("listener record %u: bad name", i);
			return -1;
		}
	}
	*listeners_r = listeners;
	*count_r = count;
	return 0;
}

const char *master_restrict_user_encode(struct arena *arena,
	const struct master_restrict_user *user)
{
	struct buf out;

	buf_init(&out, arena, 64, 0);
	if (buf_printf(&out, "%lu:%lu:", (unsigned long)user->uid,
		    (unsigned long)user->gid) < 0)
		i_panic("restrict user encoding overflow");
	for (unsigned int i = 0; i < user->extra_gids_count; i++) {
		if (buf_printf(&out, "%s%lu", i == 0 ? "" : ",",
			    (unsigned long)user->extra_gids[i]) < 0)
			i_panic("restrict user encoding overflow");
	}
	if (buf_append_c(&out, ':') < 0)
		i_panic("restrict user encoding overflow");
	append_encoded_name(&out, user->name == NULL ? "" : user->name);
	return buf_cstr(&out);
}

int master_restrict_user_decode(struct arena *arena, const char *str,
	struct master_restrict_user *user_r, const char **error_r)
{
	char **fields = str_split(arena, str, ":", false);
	char **groups;
	uint32_t num;

	memset(user_r, 0, sizeof(*user_r));
	if (str_array_length(fields) != 4) {
		*error_r = "expected uid:gid:groups:name";
		return -1;
	}
	if (str_to_uint32(fields[0], &num) < 0 || num == (uint32_t)-1) {
		*error_r = "bad uid";
		return -1;
	}
	user_r->uid = (uid_t)num;
	if (str_to_uint32(fields[1], &num) < 0 || num == (uint32_t)-1) {
		*error_r = "bad gid";
		return -1;
	}
	user_r->gid = (gid_t)num;
	groups = str_split(arena, fields[2], ",", false);
	if (fields[2][0] != '\0') {
		unsigned int n = str_array_length(groups);

		if (n > NGROUPS_MAX) {
			*error_r = "too many extra groups";
			return -1;
		}
		user_r->extra_gids = arena_new(arena, gid_t, n);
		for (unsigned int i = 0; i < n; i++) {
			if (str_to_uint32(groups[i], &num) < 0 ||
			    num == (uint32_t)-1) {
				*error_r = "bad extra group";
				return -1;
			}
			user_r->extra_gids[i] = (gid_t)num;
		}
		user_r->extra_gids_count = n;
	}
	if (fields[3][0] == '\0')
		user_r->name = "";
	else if (decode_name(arena, fields[3], &user_r->name) < 0) {
		*error_r = "bad user name";
		return -1;
	}
	return 0;
}
