/*
 * imap-arg.h - the parsed arguments of an IMAP command, and typed getters.
 *
 * imap_parser_read_args() (imap-parser.h) returns an array of struct
 * imap_arg terminated by an IMAP_ARG_EOL element.  Lists hold their own
 * EOL-terminated arrays.  Command code should read arguments only through
 * the getters below: they know which wire forms are equivalent (an astring
 * may arrive as an atom, a quoted string or a literal) so that handlers
 * never compare arg->type themselves.
 *
 * All strings are NUL-terminated and owned by the parser: they stay valid
 * until imap_parser_reset() or imap_parser_destroy().
 */
#ifndef ROOST_IMAP_ARG_H
#define ROOST_IMAP_ARG_H

struct buf;

enum imap_arg_type {
	/* The atom NIL (any case); _data.str holds it as written. */
	IMAP_ARG_NIL = 0,
	/* An atom: ATOM-CHARs plus '%', '*', ']' and '\\' (so astrings,
	   flags, list-mailbox patterns, sequence sets and FETCH items such
	   as BODY[1.MIME]<0.10> are atoms).  With
	   IMAP_PARSER_FLAG_ATOM_ALLCHARS any byte but NUL, SP, CR and LF. */
	IMAP_ARG_ATOM,
	/* A quoted string, unescaped. */
	IMAP_ARG_STRING,
	/* A parenthesised list: _data.list. */
	IMAP_ARG_LIST,
	/* A literal {n} or {n+}, or (IMAP_PARSER_FLAG_LITERAL8) a literal8
	   ~{n}.  Only a literal8 may contain NUL bytes: use str_len. */
	IMAP_ARG_LITERAL,
	/* With IMAP_PARSER_FLAG_LITERAL_SIZE: a literal whose bytes were
	   left in the input for the caller; only its size is known. */
	IMAP_ARG_LITERAL_SIZE,
	/* The end of the (list's) arguments. */
	IMAP_ARG_EOL
};

struct imap_arg {
	enum imap_arg_type type;
	/* LITERAL, LITERAL_SIZE: announced as literal8 "~{n}". */
	bool literal8;
	/* LITERAL, LITERAL_SIZE: non-synchronizing "{n+}" (no "+ OK" was or
	   must be sent). */
	bool literal_nonsync;
	/* The enclosing LIST argument, NULL at the top level. */
	const struct imap_arg *parent;
	/* NIL, ATOM, STRING, LITERAL: length of _data.str in bytes. */
	size_t str_len;
	/* Use the getters; the layout of _data may change. */
	union {
		const char *str;
		uint64_t literal_size;
		struct {
			const struct imap_arg *args; /* EOL-terminated */
			unsigned int count;          /* without the EOL */
		} list;
	} _data;
};

#define IMAP_ARG_IS_EOL(arg) ((arg)->type == IMAP_ARG_EOL)
#define IMAP_ARG_IS_NIL(arg) ((arg)->type == IMAP_ARG_NIL)
#define IMAP_ARG_IS_LIST(arg) ((arg)->type == IMAP_ARG_LIST)
/* atom (NIL included, it is an atom too) */
#define IMAP_ARG_IS_ATOM(arg)                                           \
	((arg)->type == IMAP_ARG_ATOM || (arg)->type == IMAP_ARG_NIL)
/* quoted string or literal */
#define IMAP_ARG_IS_STRING(arg)                                         \
	((arg)->type == IMAP_ARG_STRING || (arg)->type == IMAP_ARG_LITERAL)
/* astring = atom / string (so NIL too: "SELECT nil" names a mailbox) */
#define IMAP_ARG_IS_ASTRING(arg)                                        \
	(IMAP_ARG_IS_ATOM(arg) || IMAP_ARG_IS_STRING(arg))
/* nstring = NIL / string */
#define IMAP_ARG_IS_NSTRING(arg)                                        \
	(IMAP_ARG_IS_NIL(arg) || IMAP_ARG_IS_STRING(arg))

/*
 * Each getter returns true and sets its output when arg has an acceptable
 * type, otherwise returns false and leaves the output untouched.  Strings
 * point into parser memory (valid until imap_parser_reset()).  None of
 * them accept IMAP_ARG_EOL, so calling a getter on the terminator of a too
 * short argument list simply fails: "missing argument" needs no separate
 * check.
 */

/* ATOM or NIL. */
bool imap_arg_get_atom(const struct imap_arg *arg, const char **str_r);
/* STRING only (a quoted string, not a literal). */
bool imap_arg_get_quoted(const struct imap_arg *arg, const char **str_r);
/* STRING or LITERAL. */
bool imap_arg_get_string(const struct imap_arg *arg, const char **str_r);
/* ATOM, NIL, STRING or LITERAL. */
bool imap_arg_get_astring(const struct imap_arg *arg, const char **str_r);
/* NIL (*str_r = NULL), STRING or LITERAL. */
bool imap_arg_get_nstring(const struct imap_arg *arg, const char **str_r);
/*
 * Binary-safe string access: STRING or LITERAL (and ATOM/NIL when
 * allow_atom), returning data and its length.  A literal8 may contain NULs,
 * so code handling BINARY/literal8 data must use this rather than
 * imap_arg_get_string().
 */
bool imap_arg_get_string_data(const struct imap_arg *arg, bool allow_atom,
	const char **data_r, size_t *size_r);
/* LITERAL_SIZE: the announced size of a literal left in the input. */
bool imap_arg_get_literal_size(const struct imap_arg *arg,
	uint64_t *size_r);
/* LIST: its EOL-terminated elements. */
bool imap_arg_get_list(const struct imap_arg *arg,
	const struct imap_arg **list_r);
/* LIST: its elements and their number (the EOL not counted). */
bool imap_arg_get_list_full(const struct imap_arg *arg,
	const struct imap_arg **list_r, unsigned int *count_r);

/* True if arg is an ATOM (or NIL) equal to str ignoring ASCII case. */
bool imap_arg_atom_equals(const struct imap_arg *arg, const char *str);
/* Number of arguments before the EOL terminator. */
unsigned int imap_args_count(const struct imap_arg *args);

/*
 * Appends args (up to their EOL) to dest in IMAP syntax, for logging and
 * tests: atoms as written, strings quoted (or as {n} literals when they
 * cannot be quoted), lists parenthesised, LITERAL_SIZE as "{n}" and the
 * literal8 forms with a '~' prefix.  Returns 0, or -1 if dest's max was
 * reached (dest then holds a truncated prefix).
 */
int imap_write_args(struct buf *dest, const struct imap_arg *args)
	ATTR_NODISCARD;

#endif
