/*
 * imap-parser-private.h - the parser state shared by imap-parser.c (the
 * grammar) and imap-parser-skip.c (skipping a rejected command).  Not for
 * use outside src/proto.
 */
#ifndef ROOST_IMAP_PARSER_PRIVATE_H
#define ROOST_IMAP_PARSER_PRIVATE_H

#include "array.h"
#include "buf.h"
#include "imap-parser.h"

/* The largest literal size the grammar allows (number64, RFC 9051). */
#define LITERAL_SIZE_MAX ((uint64_t)INT64_MAX)

enum parser_state {
	PS_TAG,       /* expecting the tag (a fresh command) */
	PS_NAME,      /* expecting the command name */
	PS_ARGS,      /* between arguments */
	PS_ATOM,      /* inside an atom */
	PS_QUOTED,    /* inside a quoted string */
	PS_QUOTED_ESC, /* after a backslash in a quoted string */
	PS_LIT_SIZE,  /* after '{': digits */
	PS_LIT_PLUS,  /* after "{n+" */
	PS_LIT_EOL,   /* after "{n}" */
	PS_LIT_LF,    /* after "{n}\r" */
	PS_LIT_DATA,  /* reading literal bytes */
	PS_EOL_LF,    /* after the line's CR */
	PS_STOPPED,   /* LITERAL_SIZE or INSIDE_LIST stop: reset needed */
	PS_DONE,      /* the line's LF was consumed */
	PS_ERROR,     /* an error was reported */
	PS_SKIP,      /* imap_parser_skip_line() in progress */
};

struct arg_level {
	ARRAY(struct imap_arg) args;
};

struct imap_parser {
	struct imap_parser_settings set;
	struct arena *arena;
	/* The incomplete word, atom or quoted string. */
	struct buf token;

	enum parser_state state;
	enum imap_parser_flags flags;
	/* Bytes of the line outside literal contents. */
	size_t line_size;
	bool name_read;
	bool line_done;

	/* levels.v[0] is the top level; the current depth is count - 1. */
	ARRAY(struct arg_level) levels;

	/* The literal being announced or read. */
	uint64_t literal_size;
	uint64_t literal_pos;
	char *literal_data;
	bool literal_digits;
	bool literal_nonsync;
	bool literal8;
	/* LITERAL_CONT was returned and not yet acknowledged by another
	   read_args call. */
	bool literal_cont_pending;
	/* PS_STOPPED at a LITERAL_SIZE literal (not at INSIDE_LIST's ')'),
	   and the number of lists that were open around it. */
	bool literal_size_stop;
	unsigned int literal_size_depth;
	/* Literal bytes held in memory for this command. */
	uint64_t literal_total;

	enum imap_parser_error error;
	const char *error_msg;
	bool fatal;
	/* The state in which the error happened, for skipping. */
	enum parser_state error_state;

	/* imap_parser_skip_line() state. */
	uint64_t skip_literal_left;
	uint64_t skip_num;
	int skip_tail;
	bool skip_nonsync;
};

/* skip_tail: how much of a "{n[+]}\r" literal announcement precedes. */
enum {
	TAIL_NONE,
	TAIL_BRACE,  /* "{" */
	TAIL_DIGITS, /* "{n" */
	TAIL_PLUS,   /* "{n+" */
	TAIL_CLOSE,  /* "{n}" or "{n+}" */
	TAIL_CR,     /* ... "\r" */
};

#endif
