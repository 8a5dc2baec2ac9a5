/*
 * imap-parser-skip.c - skipping the rest of a rejected IMAP command.
 *
 * After an error (or when a handler rejects a command it has read only in
 * part) the rest of the command must be consumed without being stored,
 * and without taking the contents of non-synchronizing literals for
 * commands: a small state machine recognises "{n+}\r\n" at the end of
 * each skipped line and skips the n bytes that follow.
 */
#include "lib.h"
#include "imap-parser.h"
#include "imap-parser-private.h"

static void skip_tail_update(struct imap_parser *parser, unsigned char c)
{
	switch (c) {
	case '{':
		parser->skip_tail = TAIL_BRACE;
		parser->skip_num = 0;
		parser->skip_nonsync = false;
		return;
	case '+':
		parser->skip_tail = parser->skip_tail == TAIL_DIGITS ?
			TAIL_PLUS : TAIL_NONE;
		parser->skip_nonsync = true;
		return;
	case '}':
		parser->skip_tail = parser->skip_tail == TAIL_DIGITS ||
			parser->skip_tail == TAIL_PLUS ? TAIL_CLOSE : TAIL_NONE;
		return;
	case '\r':
		parser->skip_tail = parser->skip_tail == TAIL_CLOSE ?
			TAIL_CR : TAIL_NONE;
		return;
	}
	if (c >= '0' && c <= '9' && (parser->skip_tail == TAIL_BRACE ||
				     parser->skip_tail == TAIL_DIGITS)) {
		uint64_t digit = c - '0';

		if (parser->skip_num > (LITERAL_SIZE_MAX - digit) / 10) {
			/* can't be followed; treat as "not a literal" */
			parser->skip_tail = TAIL_NONE;
			return;
		}
		parser->skip_num = parser->skip_num * 10 + digit;
		parser->skip_tail = TAIL_DIGITS;
		return;
	}
	parser->skip_tail = TAIL_NONE;
}

/* Sets up skipping from the state the command was in. */
static void skip_begin(struct imap_parser *parser)
{
	enum parser_state state = parser->state == PS_ERROR ?
		parser->error_state : parser->state;

	parser->skip_literal_left = 0;
	parser->skip_tail = TAIL_NONE;
	parser->skip_num = parser->literal_size;
	parser->skip_nonsync = parser->literal_nonsync;

	switch (state) {
	case PS_DONE:
		parser->line_done = true;
		break;
	case PS_LIT_DATA:
		if (parser->literal_cont_pending)
			parser->line_done = true;
		else
			parser->skip_literal_left =
				parser->literal_size - parser->literal_pos;
		break;
	case PS_STOPPED:
		/* After LITERAL_SIZE the caller either reads the literal
		   itself or rejects the command: a synchronizing literal is
		   then never sent, a non-synchronizing one is. */
		if (!parser->literal_size_stop)
			break;
		if (parser->literal_nonsync)
			parser->skip_literal_left = parser->literal_size;
		else
			parser->line_done = true;
		break;
	case PS_LIT_SIZE:
		parser->skip_tail = parser->literal_digits ? TAIL_DIGITS :
			TAIL_BRACE;
		break;
	case PS_LIT_PLUS:
		parser->skip_tail = TAIL_PLUS;
		break;
	case PS_LIT_EOL:
		parser->skip_tail = TAIL_CLOSE;
		break;
	case PS_LIT_LF:
		parser->skip_tail = TAIL_CR;
		break;
	case PS_ATOM:
		/* An ATOM_ALLCHARS atom may hold a "{n+}" that the rest of
		   the line completes into a literal announcement: scan what
		   was consumed of it. */
		for (size_t i = 0; i < parser->token.used; i++)
			skip_tail_update(parser, parser->token.data[i]);
		break;
	default:
		break;
	}
	parser->state = PS_SKIP;
}

int imap_parser_skip_line(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *consumed_r)
{
	size_t pos = 0, n;
	unsigned char c;

	*consumed_r = 0;
	if (parser->fatal)
		return -1;
	if (parser->state != PS_SKIP)
		skip_begin(parser);

	for (;;) {
		if (parser->line_done)
			break;
		if (parser->skip_literal_left > 0) {
			n = size - pos;
			if (n > parser->skip_literal_left)
				n = (size_t)parser->skip_literal_left;
			pos += n;
			parser->skip_literal_left -= n;
			if (parser->skip_literal_left > 0)
				break;
			continue;
		}
		if (pos == size)
			break;
		c = data[pos++];
		if (c != '\n') {
			skip_tail_update(parser, c);
			continue;
		}
		if (parser->skip_tail != TAIL_CLOSE &&
		    parser->skip_tail != TAIL_CR) {
			parser->line_done = true;
		} else if (parser->skip_nonsync) {
			/* "{n+}\r\n": the literal's bytes follow */
			parser->skip_literal_left = parser->skip_num;
			parser->skip_tail = TAIL_NONE;
		} else {
			/* "{n}\r\n": the client waits for a continuation */
			parser->line_done = true;
		}
	}
	*consumed_r = pos;
	return parser->line_done ? 1 : 0;
}
