/*
 * imap-parser.c - the incremental IMAP command line parser.
 *
 * A state machine over the bytes the caller feeds: the current state and
 * any incomplete token survive between calls, so input may be split
 * anywhere.  Arguments are collected per nesting level in growable arrays;
 * when a list closes, its elements are copied into a fixed EOL-terminated
 * array in the command arena, so that returned lists never move.  The top
 * level array is terminated on return.  All memory comes from one arena
 * that imap_parser_reset() empties, plus the token buffer whose max is the
 * line length limit.
 */
#include "lib.h"
#include "imap-parser.h"
#include "imap-parser-private.h"
#include "imap-quote.h"

/* Internal return value of state handlers: keep going. */
#define PARSE_CONTINUE 100

struct imap_parser *imap_parser_create(const struct imap_parser_settings *set)
{
	struct imap_parser *parser;

	i_assert(set->max_line_length > 0);
	parser = i_new(struct imap_parser, 1);
	parser->set = *set;
	parser->arena = arena_create("imap parser", 4096);
	buf_init(&parser->token, NULL, 128, set->max_line_length);
	parser->state = PS_TAG;
	return parser;
}

void imap_parser_destroy(struct imap_parser **_parser)
{
	struct imap_parser *parser = *_parser;

	if (parser == NULL)
		return;
	*_parser = NULL;
	buf_free(&parser->token);
	arena_destroy(&parser->arena);
	i_free(parser);
}

void imap_parser_reset(struct imap_parser *parser)
{
	struct imap_parser_settings set = parser->set;
	struct arena *arena = parser->arena;
	struct buf token = parser->token;

	arena_reset(arena);
	if (token.size > 4096) {
		/* don't keep a long command's buffer for an idle client */
		buf_free(&token);
		buf_init(&token, NULL, 128, set.max_line_length);
	}
	buf_reset(&token);
	memset(parser, 0, sizeof(*parser));
	parser->set = set;
	parser->arena = arena;
	parser->token = token;
	parser->state = PS_TAG;
}

static int parser_error(struct imap_parser *parser,
	enum imap_parser_error code, const char *msg, bool fatal)
{
	parser->error = code;
	parser->error_msg = msg;
	parser->fatal = fatal;
	parser->error_state = parser->state;
	parser->state = PS_ERROR;
	return -1;
}

static int syntax_error(struct imap_parser *parser, const char *msg)
{
	return parser_error(parser, IMAP_PARSER_ERROR_BAD_SYNTAX, msg, false);
}

/* Accounts n more bytes of the line; false (with the error set) if the
   line would exceed its limit. */
static bool line_add(struct imap_parser *parser, size_t n)
{
	if (n > parser->set.max_line_length - parser->line_size) {
		(void)parser_error(parser, IMAP_PARSER_ERROR_LINE_TOO_LONG,
			"Too long argument", false);
		return false;
	}
	parser->line_size += n;
	return true;
}

/*
 * Appends data[*pos..end) to the token, counting it as line bytes, and
 * advances *pos.  If the line would exceed its limit, only the bytes up to
 * the limit are taken and false is returned with the error set: so the
 * error happens at the same byte however the input was split, and skipping
 * then starts from the same place.
 */
static bool token_add(struct imap_parser *parser, const unsigned char *data,
	size_t *pos, size_t end)
{
	size_t n = end - *pos;
	size_t room = parser->set.max_line_length - parser->line_size;
	bool fits = n <= room;

	if (!fits)
		n = room;
	/* The token is part of the line, so it cannot pass its max. */
	if (buf_append(&parser->token, data + *pos, n) < 0)
		i_panic("imap parser token exceeded the line limit");
	parser->line_size += n;
	*pos += n;
	if (!fits) {
		(void)line_add(parser, 1); /* sets the error */
		return false;
	}
	return true;
}

/* What the parser accepts in atoms by default: RFC 3501 ATOM-CHAR plus
   list-wildcards, ']' and '\' (system flags are "\" atom). */
static bool is_atom_input_char(unsigned char c)
{
	return imap_is_atom_char(c) || c == '%' || c == '*' || c == ']' ||
		c == '\\';
}

static bool is_tag_char(unsigned char c)
{
	/* RFC 3501: tag = 1*<any ASTRING-CHAR except "+"> */
	return imap_is_astring_char(c) && c != '+';
}

/* --- tag and command name --- */

static int read_word(struct imap_parser *parser, const unsigned char *data,
	size_t size, size_t *pos, bool tag)
{
	size_t start = *pos, i;
	unsigned char c;

	for (i = start; i < size; i++) {
		c = data[i];
		if (c == ' ' || c == '\r' || c == '\n')
			break;
		if (tag ? !is_tag_char(c) : !imap_is_atom_char(c))
			break;
	}
	if (!token_add(parser, data, pos, i))
		return -1;
	if (i == size)
		return 0;

	c = data[i];
	if (c != ' ' && c != '\r' && c != '\n') {
		return syntax_error(parser, tag ? "Invalid tag" :
			"Invalid command name");
	}
	if (parser->token.used == 0) {
		/* empty or whitespace-only line, "tag  name", "tag\r\n" */
		return syntax_error(parser, tag ? "Invalid tag" :
			"Invalid command name");
	}
	if (c == ' ') {
		if (!line_add(parser, 1))
			return -1;
		*pos = i + 1;
	}
	return 1;
}

int imap_parser_read_tag(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *consumed_r,
	const char **tag_r)
{
	size_t pos = 0;
	int ret;

	*consumed_r = 0;
	if (parser->state == PS_ERROR)
		return -1;
	i_assert(parser->state == PS_TAG);

	ret = read_word(parser, data, size, &pos, true);
	*consumed_r = pos;
	if (ret <= 0)
		return ret;
	*tag_r = arena_strndup(parser->arena, parser->token.data,
		parser->token.used);
	buf_reset(&parser->token);
	parser->state = PS_NAME;
	return 1;
}

int imap_parser_read_command_name(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *consumed_r,
	const char **name_r)
{
	size_t pos = 0;
	int ret;

	*consumed_r = 0;
	if (parser->state == PS_ERROR)
		return -1;
	i_assert(parser->state == PS_NAME);

	ret = read_word(parser, data, size, &pos, false);
	*consumed_r = pos;
	if (ret <= 0)
		return ret;
	*name_r = arena_strndup(parser->arena, parser->token.data,
		parser->token.used);
	buf_reset(&parser->token);
	parser->name_read = true;
	return 1;
}

/* --- arguments --- */

static unsigned int cur_depth(const struct imap_parser *parser)
{
	return parser->levels.count - 1;
}

static struct arg_level *cur_level(struct imap_parser *parser)
{
	return &parser->levels.v[parser->levels.count - 1];
}

static void args_begin(struct imap_parser *parser)
{
	struct arg_level *level;

	array_init(&parser->levels, parser->arena, 4);
	level = array_append_space(&parser->levels);
	array_init(&level->args, parser->arena, 8);
	parser->state = PS_ARGS;
}

static struct imap_arg *arg_append(struct imap_parser *parser,
	enum imap_arg_type type)
{
	struct imap_arg *arg = array_append_space(&cur_level(parser)->args);

	arg->type = type;
	return arg;
}

/* Points the parent of every element of each LIST in args[0..count) at
   that LIST (whose storage may just have moved). */
static void fix_child_parents(struct imap_arg *args, unsigned int count)
{
	unsigned int i, j;

	for (i = 0; i < count; i++) {
		if (args[i].type != IMAP_ARG_LIST)
			continue;
		struct imap_arg *children =
			(struct imap_arg *)args[i]._data.list.args;
		for (j = 0; j < args[i]._data.list.count; j++)
			children[j].parent = &args[i];
	}
}

static int list_open(struct imap_parser *parser)
{
	struct arg_level *level;

	if (cur_depth(parser) >= parser->set.max_list_depth)
		return syntax_error(parser, "Too deep parenthesis nesting");
	level = array_append_space(&parser->levels);
	array_init(&level->args, parser->arena, 4);
	return PARSE_CONTINUE;
}

static void list_close(struct imap_parser *parser)
{
	struct arg_level *level = cur_level(parser);
	unsigned int count = level->args.count;
	struct imap_arg *list, *arg;

	i_assert(cur_depth(parser) > 0);
	list = arena_new(parser->arena, struct imap_arg, size_add(count, 1));
	if (count > 0)
		memcpy(list, level->args.v, sizeof(*list) * count);
	list[count].type = IMAP_ARG_EOL;
	fix_child_parents(list, count);
	parser->levels.count--;

	arg = arg_append(parser, IMAP_ARG_LIST);
	arg->_data.list.args = list;
	arg->_data.list.count = count;
}

/* The EOL-terminated top level, with parent pointers made current. */
static const struct imap_arg *result_args(struct imap_parser *parser)
{
	struct arg_level *top = &parser->levels.v[0];
	struct imap_arg *eol;

	/* Make room for the terminator without counting it. */
	eol = array_append_space(&top->args);
	top->args.count--;
	memset(eol, 0, sizeof(*eol));
	eol->type = IMAP_ARG_EOL;
	fix_child_parents(top->args.v, top->args.count);
	return top->args.v;
}

static int line_end(struct imap_parser *parser)
{
	parser->line_done = true;
	if (cur_depth(parser) > 0 ||
	    (parser->flags & IMAP_PARSER_FLAG_INSIDE_LIST) != 0)
		return syntax_error(parser, "Missing ')'");
	parser->state = PS_DONE;
	return 1;
}

static void atom_finish(struct imap_parser *parser)
{
	const struct buf *token = &parser->token;
	struct imap_arg *arg;
	bool nil = token->used == 3 &&
		strncasecmp(token->data, "NIL", 3) == 0;

	arg = arg_append(parser, nil ? IMAP_ARG_NIL : IMAP_ARG_ATOM);
	arg->_data.str = arena_strndup(parser->arena, token->data, token->used);
	arg->str_len = token->used;
	buf_reset(&parser->token);
	parser->state = PS_ARGS;
}

static void literal_begin(struct imap_parser *parser, bool literal8)
{
	parser->literal_size = 0;
	parser->literal_pos = 0;
	parser->literal_data = NULL;
	parser->literal_digits = false;
	parser->literal_nonsync = false;
	parser->literal8 = literal8;
	parser->state = PS_LIT_SIZE;
}

/* True if the atom read so far (the token plus data[start..i)) is "~". */
static bool is_tilde_so_far(const struct imap_parser *parser,
	const unsigned char *data, size_t start, size_t i)
{
	if (parser->token.used == 0)
		return i == start + 1 && data[start] == '~';
	return i == start && parser->token.used == 1 &&
		parser->token.data[0] == '~';
}

static int parse_atom(struct imap_parser *parser, const unsigned char *data,
	size_t size, size_t *pos)
{
	bool allchars = (parser->flags & IMAP_PARSER_FLAG_ATOM_ALLCHARS) != 0;
	bool list_ends = cur_depth(parser) > 0 ||
		(parser->flags & IMAP_PARSER_FLAG_INSIDE_LIST) != 0;
	size_t start = *pos, i;
	const char *error = NULL;
	unsigned char c;

	for (i = start; i < size; i++) {
		c = data[i];
		if (c == ' ' || c == '\r' || c == '\n')
			break;
		if (c == ')' && (list_ends || !allchars)) {
			if (!list_ends)
				error = "Unexpected ')'";
			break;
		}
		if (c == '{' && is_tilde_so_far(parser, data, start, i)) {
			/* "~{": RFC 3516 literal8 */
			if ((parser->flags & IMAP_PARSER_FLAG_LITERAL8) == 0)
				error = "literal8 not allowed here";
			break;
		}
		if (c == '\0') {
			error = "Invalid characters in atom";
			break;
		}
		if (!allchars && !is_atom_input_char(c)) {
			error = (c & 0x80) != 0 ? "8bit data in atom" :
				"Invalid characters in atom";
			break;
		}
	}
	if (!token_add(parser, data, pos, i))
		return -1;
	if (error != NULL)
		return syntax_error(parser, error);
	if (i == size)
		return 0;
	if (data[i] == '{') {
		/* the "~" atom becomes a literal8 */
		if (!line_add(parser, 1))
			return -1;
		*pos = i + 1;
		buf_reset(&parser->token);
		literal_begin(parser, true);
		return PARSE_CONTINUE;
	}
	atom_finish(parser);
	return PARSE_CONTINUE;
}

static int quoted_finish(struct imap_parser *parser)
{
	const struct buf *token = &parser->token;
	struct imap_arg *arg;

	/* RFC 9051: 8-bit quoted strings are UTF-8 only. */
	if (!imap_utf8_is_valid(token->data, token->used))
		return syntax_error(parser, "Invalid UTF-8 in quoted string");
	arg = arg_append(parser, IMAP_ARG_STRING);
	arg->_data.str = arena_strndup(parser->arena, token->data, token->used);
	arg->str_len = token->used;
	buf_reset(&parser->token);
	parser->state = PS_ARGS;
	return PARSE_CONTINUE;
}

static int parse_quoted(struct imap_parser *parser, const unsigned char *data,
	size_t size, size_t *pos)
{
	size_t start = *pos, i;
	unsigned char c = 0;

	for (i = start; i < size; i++) {
		c = data[i];
		if (c == '"' || c == '\\' || c == '\r' || c == '\n' ||
		    c == '\0')
			break;
	}
	if (!token_add(parser, data, pos, i))
		return -1;
	if (i == size)
		return 0;

	switch (c) {
	case '\r':
	case '\n':
		return syntax_error(parser, "Missing '\"'");
	case '\0':
		return syntax_error(parser, "NULs not allowed in strings");
	}
	if (!line_add(parser, 1))
		return -1;
	*pos = i + 1;
	if (c == '\\') {
		parser->state = PS_QUOTED_ESC;
		return PARSE_CONTINUE;
	}
	return quoted_finish(parser);
}

static int parse_quoted_escape(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *pos)
{
	if (*pos == size)
		return 0;
	/* RFC 3501: only quoted-specials may be escaped. */
	if (data[*pos] != '"' && data[*pos] != '\\')
		return syntax_error(parser, "Invalid escape in quoted string");
	if (!token_add(parser, data, pos, *pos + 1))
		return -1;
	parser->state = PS_QUOTED;
	return PARSE_CONTINUE;
}

static int literal_too_big(struct imap_parser *parser)
{
	if (parser->literal_nonsync) {
		/* The client sends the bytes anyway: skipping must eat
		   them. */
		parser->state = PS_LIT_DATA;
		parser->literal_pos = 0;
	} else {
		/* The client waits for a continuation that will not come:
		   the command ends here. */
		parser->line_done = true;
	}
	return parser_error(parser, IMAP_PARSER_ERROR_LITERAL_TOO_BIG,
		"Literal size too large", false);
}

static void close_all_lists(struct imap_parser *parser)
{
	while (cur_depth(parser) > 0)
		list_close(parser);
}

/* "{n}\r\n" (or a variant) was consumed. */
static int literal_announced(struct imap_parser *parser)
{
	uint64_t size = parser->literal_size;
	struct imap_arg *arg;

	if (parser->literal_nonsync && parser->set.literal_minus_only &&
	    size > IMAP_PARSER_LITERAL_MINUS_MAX)
		return literal_too_big(parser);

	if ((parser->flags & IMAP_PARSER_FLAG_LITERAL_SIZE) != 0) {
		arg = arg_append(parser, IMAP_ARG_LITERAL_SIZE);
		arg->_data.literal_size = size;
		arg->literal8 = parser->literal8;
		arg->literal_nonsync = parser->literal_nonsync;
		parser->literal_size_depth = cur_depth(parser);
		close_all_lists(parser);
		parser->literal_size_stop = true;
		parser->state = PS_STOPPED;
		return 1;
	}

	if (size > parser->set.max_literal_size - parser->literal_total ||
	    size >= SIZE_MAX)
		return literal_too_big(parser);
	parser->literal_total += size;
	parser->literal_data = arena_alloc(parser->arena, (size_t)size + 1);
	parser->literal_pos = 0;
	parser->state = PS_LIT_DATA;
	if (!parser->literal_nonsync) {
		parser->literal_cont_pending = true;
		return IMAP_PARSER_LITERAL_CONT;
	}
	return PARSE_CONTINUE;
}

static int parse_literal_announce(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *pos)
{
	unsigned char c;

	if (*pos == size)
		return 0;
	c = data[*pos];

	switch (parser->state) {
	case PS_LIT_SIZE:
		if (c >= '0' && c <= '9') {
			uint64_t digit = c - '0';

			if (parser->literal_size >
			    (LITERAL_SIZE_MAX - digit) / 10) {
				/* The client's idea of the literal's end
				   cannot be followed: fatal. */
				return parser_error(parser,
					IMAP_PARSER_ERROR_BAD_SYNTAX,
					"Invalid literal size", true);
			}
			parser->literal_size =
				parser->literal_size * 10 + digit;
			parser->literal_digits = true;
			break;
		}
		if (!parser->literal_digits || (c != '+' && c != '}'))
			return syntax_error(parser, "Invalid literal size");
		if (c == '+') {
			parser->literal_nonsync = true;
			parser->state = PS_LIT_PLUS;
		} else {
			parser->state = PS_LIT_EOL;
		}
		break;
	case PS_LIT_PLUS:
		if (c != '}')
			return syntax_error(parser, "Expecting '}' after '+'");
		parser->state = PS_LIT_EOL;
		break;
	case PS_LIT_EOL:
		if (c == '\r') {
			parser->state = PS_LIT_LF;
			break;
		}
		if (c != '\n')
			return syntax_error(parser,
				"Missing LF after literal size");
		/* FALLTHROUGH */
	case PS_LIT_LF:
		if (c != '\n')
			return syntax_error(parser,
				"Missing LF after literal size");
		if (!line_add(parser, 1))
			return -1;
		(*pos)++;
		return literal_announced(parser);
	default:
		i_panic("unexpected parser state %d", parser->state);
	}
	if (!line_add(parser, 1))
		return -1;
	(*pos)++;
	return PARSE_CONTINUE;
}

static int parse_literal_data(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *pos)
{
	uint64_t left = parser->literal_size - parser->literal_pos;
	size_t n = size - *pos;
	struct imap_arg *arg;

	if (left > 0) {
		const unsigned char *nul;

		if (n == 0)
			return 0;
		if (n > left)
			n = (size_t)left;
		nul = parser->literal8 ? NULL : memchr(data + *pos, '\0', n);
		if (nul != NULL)
			n = nul - (data + *pos);
		memcpy(parser->literal_data + parser->literal_pos,
			data + *pos, n);
		parser->literal_pos += n;
		*pos += n;
		if (nul != NULL) {
			/* RFC 3501: CHAR8 excludes NUL; only literal8 may
			   carry it. */
			return syntax_error(parser,
				"NULs not allowed in strings");
		}
		if (parser->literal_pos < parser->literal_size)
			return 0;
	}
	arg = arg_append(parser, IMAP_ARG_LITERAL);
	arg->_data.str = parser->literal_data;
	arg->str_len = (size_t)parser->literal_size;
	arg->literal8 = parser->literal8;
	arg->literal_nonsync = parser->literal_nonsync;
	parser->literal_data = NULL;
	parser->state = PS_ARGS;
	return PARSE_CONTINUE;
}

/* Between arguments: one byte decides what comes next. */
static int parse_between(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *pos,
	unsigned int count)
{
	unsigned char c;

	if (count != 0 && cur_depth(parser) == 0 &&
	    cur_level(parser)->args.count >= count)
		return 1;
	if (*pos == size)
		return 0;
	c = data[*pos];

	switch (c) {
	case '\0':
		return syntax_error(parser, "Invalid characters in atom");
	case ')':
		if (cur_depth(parser) == 0 &&
		    (parser->flags & IMAP_PARSER_FLAG_INSIDE_LIST) == 0)
			return syntax_error(parser, "Unexpected ')'");
		/* FALLTHROUGH */
	case ' ':
	case '\r':
	case '\n':
	case '(':
	case '"':
	case '{':
		if (!line_add(parser, 1))
			return -1;
		(*pos)++;
		break;
	default:
		break;
	}

	switch (c) {
	case ' ':
		return PARSE_CONTINUE;
	case '\r':
		parser->state = PS_EOL_LF;
		return PARSE_CONTINUE;
	case '\n':
		return line_end(parser);
	case '(':
		return list_open(parser);
	case ')':
		if (cur_depth(parser) > 0) {
			list_close(parser);
			return PARSE_CONTINUE;
		}
		/* IMAP_PARSER_FLAG_INSIDE_LIST: the outer list ended */
		parser->state = PS_STOPPED;
		return 1;
	case '"':
		buf_reset(&parser->token);
		parser->state = PS_QUOTED;
		return PARSE_CONTINUE;
	case '{':
		literal_begin(parser, false);
		return PARSE_CONTINUE;
	}
	buf_reset(&parser->token);
	parser->state = PS_ATOM;
	return PARSE_CONTINUE;
}

static int parse_args(struct imap_parser *parser, const unsigned char *data,
	size_t size, size_t *pos, unsigned int count)
{
	int ret;

	for (;;) {
		switch (parser->state) {
		case PS_ARGS:
			ret = parse_between(parser, data, size, pos, count);
			break;
		case PS_ATOM:
			ret = parse_atom(parser, data, size, pos);
			break;
		case PS_QUOTED:
			ret = parse_quoted(parser, data, size, pos);
			break;
		case PS_QUOTED_ESC:
			ret = parse_quoted_escape(parser, data, size, pos);
			break;
		case PS_LIT_SIZE:
		case PS_LIT_PLUS:
		case PS_LIT_EOL:
		case PS_LIT_LF:
			ret = parse_literal_announce(parser, data, size, pos);
			break;
		case PS_LIT_DATA:
			ret = parse_literal_data(parser, data, size, pos);
			break;
		case PS_EOL_LF:
			if (*pos == size)
				return 0;
			if (data[*pos] != '\n')
				return syntax_error(parser,
					"CR sent without LF");
			if (!line_add(parser, 1))
				return -1;
			(*pos)++;
			ret = line_end(parser);
			break;
		default:
			i_panic("unexpected parser state %d", parser->state);
		}
		if (ret != PARSE_CONTINUE)
			return ret;
	}
}

int imap_parser_read_args(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *consumed_r,
	unsigned int count, enum imap_parser_flags flags,
	const struct imap_arg **args_r)
{
	size_t pos = 0;
	int ret;

	*consumed_r = 0;
	switch (parser->state) {
	case PS_ERROR:
		return -1;
	case PS_TAG:
		args_begin(parser);
		break;
	case PS_NAME:
		i_assert(parser->name_read);
		args_begin(parser);
		break;
	case PS_DONE:
	case PS_STOPPED:
		*args_r = result_args(parser);
		return 1;
	case PS_SKIP:
		i_panic("imap_parser_read_args() while skipping a line");
	default:
		break;
	}
	/* Being called again acknowledges a LITERAL_CONT. */
	parser->literal_cont_pending = false;
	parser->flags = flags;

	ret = parse_args(parser, data, size, &pos, count);
	*consumed_r = pos;
	if (ret == 1)
		*args_r = result_args(parser);
	return ret;
}

/* --- queries --- */

bool imap_parser_is_eol(const struct imap_parser *parser)
{
	return parser->line_done;
}

const char *imap_parser_get_error(struct imap_parser *parser, bool *fatal_r)
{
	if (fatal_r != NULL)
		*fatal_r = parser->fatal;
	return parser->error == IMAP_PARSER_ERROR_NONE ? NULL :
		parser->error_msg;
}

enum imap_parser_error imap_parser_get_error_code(
	const struct imap_parser *parser)
{
	return parser->error;
}

const struct imap_arg *
imap_parser_get_literal_size_arg(struct imap_parser *parser,
	unsigned int *list_depth_r)
{
	const struct imap_arg *args;
	unsigned int depth, count;

	if (parser->state != PS_STOPPED || !parser->literal_size_stop)
		return NULL;
	/* The literal ended the read: it is the last argument at its
	   level, and each enclosing list is the last at its own. */
	args = result_args(parser);
	for (depth = 0;; depth++) {
		count = imap_args_count(args);
		i_assert(count > 0);
		if (depth == parser->literal_size_depth)
			break;
		i_assert(args[count - 1].type == IMAP_ARG_LIST);
		args = args[count - 1]._data.list.args;
	}
	i_assert(args[count - 1].type == IMAP_ARG_LITERAL_SIZE);
	*list_depth_r = depth;
	return &args[count - 1];
}

uint64_t imap_parser_get_literal_size(const struct imap_parser *parser)
{
	return parser->literal_size;
}

size_t imap_parser_get_memory_usage(const struct imap_parser *parser)
{
	return arena_allocated_size(parser->arena) + parser->token.size;
}
