/*
 * str.h - string parsing and escaping helpers.
 */
#ifndef ROOST_STR_H
#define ROOST_STR_H

/*
 * Number parsing: the whole string must be digits (no sign, no spaces, no
 * trailing garbage) and fit the type.  Return 0, or -1 with *num_r unset.
 */
int str_to_uint32(const char *s, uint32_t *num_r) ATTR_NODISCARD;
int str_to_uint64(const char *s, uint64_t *num_r) ATTR_NODISCARD;
int str_to_uint(const char *s, unsigned int *num_r) ATTR_NODISCARD;
/* Optional leading '-'. */
int str_to_int64(const char *s, int64_t *num_r) ATTR_NODISCARD;
/* Parses a prefix of digits; *end_r points after them. -1 if none/overflow */
int str_parse_uint64(const char *s, uint64_t *num_r, const char **end_r)
	ATTR_NODISCARD;

bool str_begins(const char *s, const char *prefix);
bool str_begins_icase(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
bool str_is_empty(const char *s);

/*
 * Splits s at any of the separator characters into a NULL-terminated
 * array allocated from arena.  Empty fields are kept unless skip_empty.
 */
char **str_split(struct arena *arena, const char *s, const char *seps,
	bool skip_empty);
unsigned int str_array_length(char *const *arr);

char *str_lcase(char *s);
char *str_ucase(char *s);
const char *t_str_lcase(const char *s);
const char *t_str_ucase(const char *s);
/* Trims leading and trailing ASCII whitespace in place, returns s. */
char *str_trim(char *s);

/*
 * Dovecot's tab escaping, used by the auth protocol and other IPC:
 * \001 -> \0011, \t -> \001t, \r -> \001r, \n -> \001n.
 */
const char *str_tabescape(struct arena *arena, const char *s);
const char *str_tabunescape(struct arena *arena, const char *s);

/* Constant-time comparison of two byte strings (length leaks only). */
bool mem_equals_timing_safe(const void *a, const void *b, size_t len);

/* Lower-case hex of data into arena memory. */
const char *binary_to_hex(struct arena *arena, const void *data, size_t len);
/* Returns decoded length or -1 on bad input; out must hold len/2 bytes. */
ssize_t hex_to_binary(const char *hex, size_t len, unsigned char *out);

#endif
