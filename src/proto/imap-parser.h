/*
 * imap-parser.h - incremental parser for IMAP command lines.
 *
 * Grammar: RFC 3501 / RFC 9051 commands, with LITERAL+ / LITERAL-
 * non-synchronizing literals (RFC 7888) and BINARY's literal8 "~{n}"
 * (RFC 3516).  The parser is buffer-driven and owns no stream: the caller
 * hands it whatever bytes it has (typically conn_input_peek()), the parser
 * reports how many it consumed (pass that to conn_input_consume()), and
 * keeps any incomplete token in its own bounded memory.  So a command may
 * arrive one byte at a time or many commands at once; the results are the
 * same.
 *
 * One command, as the server reads it:
 *
 *	imap_parser_read_tag()          "a1 "
 *	imap_parser_read_command_name() "FETCH "   (UID is a name of its own:
 *	                                            read it, then read another)
 *	imap_parser_read_args()         "1:* (FLAGS BODY[]<0.10>)\r\n"
 *	... handle the command, then imap_parser_reset()
 *
 * Each read function returns 1 (done), 0 (need more input; every byte of
 * data was consumed into the parser's state, so call again with new bytes
 * only) or -1 (error: see imap_parser_get_error()).  After a non-fatal
 * error the caller answers "BAD <error>" and calls imap_parser_skip_line()
 * until it returns 1, then imap_parser_reset().  After a fatal error (a
 * literal size too large to represent) the connection must be closed: the
 * input can no longer be followed.  A too long line is not fatal: as in
 * Dovecot, the rest of it is skipped without being stored.
 *
 * Line endings are CRLF; a bare LF is accepted too (as Dovecot does), a
 * bare CR is an error.  Between arguments one space is needed to end an
 * atom; more spaces are tolerated, as in Dovecot.
 *
 * Memory: the line's bytes outside literal data are limited by
 * max_line_length (exceeding it is an error, and the parser never buffers
 * more than that), literal contents held in memory by max_literal_size in
 * total per command, and list nesting by max_list_depth.  The parsed
 * argument structures add a constant factor on top of the line length.
 */
#ifndef ROOST_IMAP_PARSER_H
#define ROOST_IMAP_PARSER_H

#include "imap-arg.h"

struct imap_parser;

/* RFC 7888 LITERAL-: the largest non-synchronizing literal a client may
   send. */
#define IMAP_PARSER_LITERAL_MINUS_MAX 4096

/* imap_parser_read_args(): a synchronizing literal was announced. */
#define IMAP_PARSER_LITERAL_CONT 2

struct imap_parser_settings {
	/* imap_max_line_length (Dovecot default 64k): the limit on a
	   command's bytes outside literal data, tag, spaces, CRLF and
	   literal announcements included. */
	size_t max_line_length;
	/* The limit on literal bytes read into memory, summed over one
	   command (not applied to IMAP_PARSER_FLAG_LITERAL_SIZE literals,
	   which the caller reads and limits itself). */
	uint64_t max_literal_size;
	/* Deepest allowed parenthesis nesting (0 = no lists at all). */
	unsigned int max_list_depth;
	/* The server advertises LITERAL- rather than LITERAL+: a
	   non-synchronizing literal over IMAP_PARSER_LITERAL_MINUS_MAX bytes
	   is an IMAP_PARSER_ERROR_LITERAL_TOO_BIG error. */
	bool literal_minus_only;
};

enum imap_parser_flags {
	/*
	 * Stop at the first literal and leave its bytes in the input: the
	 * literal is returned as the last argument, of type
	 * IMAP_ARG_LITERAL_SIZE (inside any lists still open, which are shown
	 * closed: imap_parser_get_literal_size_arg() finds it), and read_args
	 * returns 1 with the "{n}\r\n" consumed.  The
	 * caller checks the size against its own limits, sends "+ OK\r\n"
	 * itself unless arg->literal_nonsync, reads the n bytes from its
	 * input (e.g. streams an APPEND into storage), and then must call
	 * imap_parser_reset() before reading the rest of the line with
	 * read_args (with IMAP_PARSER_FLAG_INSIDE_LIST if the literal was
	 * inside a list, as CATENATE's TEXT is).  max_literal_size does not
	 * apply; the LITERAL- limit does.
	 */
	IMAP_PARSER_FLAG_LITERAL_SIZE = 0x01,
	/* Atoms may hold any byte but NUL, SP, CR and LF (and ')' inside a
	   list, which ends it); an argument starting with '(', '"', '{' or
	   ')' is still a list, string, literal or error.  For SEARCH/FETCH
	   arguments of extensions using specials, and for 8-bit atoms. */
	IMAP_PARSER_FLAG_ATOM_ALLCHARS = 0x02,
	/* Accept literal8 "~{n}" (RFC 3516 APPEND/BINARY); without it a
	   literal8 is a syntax error. */
	IMAP_PARSER_FLAG_LITERAL8 = 0x04,
	/* Parse as if inside a list that began before this read: a ')' at
	   the top level ends the read (returning 1 without the line having
	   ended).  Used to continue a list after a LITERAL_SIZE literal. */
	IMAP_PARSER_FLAG_INSIDE_LIST = 0x08,
};

enum imap_parser_error {
	IMAP_PARSER_ERROR_NONE = 0,
	/* Bad syntax: answer BAD and skip the line.  Fatal only for a
	   literal size beyond 2^63-1, whose end cannot be followed. */
	IMAP_PARSER_ERROR_BAD_SYNTAX,
	/* The line exceeded max_line_length ("Too long argument"); not
	   fatal: answer BAD and skip the line, as Dovecot does. */
	IMAP_PARSER_ERROR_LINE_TOO_LONG,
	/* A literal exceeded max_literal_size (or the LITERAL- limit); not
	   fatal: the parser can skip the line, which skips a
	   non-synchronizing literal's bytes (a synchronizing one was never
	   sent by the client).  Answer "BAD [TOOBIG] ..." (RFC 9051 / RFC
	   7888), or do as Dovecot 2.3 does: "* BYE <error>" and close. */
	IMAP_PARSER_ERROR_LITERAL_TOO_BIG,
};

/* Creates a parser; set is copied.  Zero limits mean "none allowed"
   except max_line_length, which must be > 0. */
struct imap_parser *imap_parser_create(const struct imap_parser_settings *set);
/* Frees the parser and everything it returned; sets *parser to NULL. */
void imap_parser_destroy(struct imap_parser **parser);

/*
 * Forgets the current command: clears any error, releases the memory of
 * all returned tags, names and arguments (they become invalid) and expects
 * a new tag (or, with read_args called directly, arguments continuing the
 * line after a LITERAL_SIZE literal).  Call it after each command.
 */
void imap_parser_reset(struct imap_parser *parser);

/*
 * Reads the command tag: 1*<ASTRING-CHAR except "+">, followed by one SP
 * (consumed) or the end of the line (left unread: read_command_name then
 * fails, and the caller can answer with the tag).  Returns 1 with *tag_r
 * (valid until reset), 0 need more, or -1 ("Invalid tag": empty or
 * whitespace-only line, invalid tag character; or "Too long argument").
 * On -1 no tag is known: Dovecot answers
 * "* BAD Error in IMAP tag: <error>".
 */
int imap_parser_read_tag(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *consumed_r,
	const char **tag_r);
/*
 * Reads the command name after the tag: an atom, followed by one SP (which
 * is consumed) or the end of the line (left for read_args).  Returns 1
 * with *name_r as sent (compare ignoring case; valid until reset), 0 need
 * more, or -1 ("Invalid command name": missing, empty or invalid; Dovecot
 * answers "<tag> BAD Error in IMAP command: <error>").
 */
int imap_parser_read_command_name(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *consumed_r,
	const char **name_r);

/*
 * Reads arguments up to the end of the line.  count 0 reads all of them;
 * otherwise it returns as soon as count top-level arguments are complete
 * (or the line ended), and a later call with a larger count continues.
 * The same flags must be used for all reads of one command.
 *
 * Returns:
 *  1  *args_r is an IMAP_ARG_EOL-terminated array, valid until the next
 *     read_args call, reset or destroy.  imap_parser_is_eol() says whether
 *     the line's end was consumed (not so after count, LITERAL_SIZE or
 *     INSIDE_LIST stops).
 *  0  need more input (all of data was consumed).
 * -1  error: imap_parser_get_error().
 *  IMAP_PARSER_LITERAL_CONT
 *     a synchronizing literal "{n}\r\n" within the limits was announced
 *     and consumed.  The caller sends "+ OK\r\n" and calls again as the
 *     literal arrives.  To refuse it instead, answer the command (BAD/NO)
 *     and call imap_parser_skip_line(), which then returns 1 at once: the
 *     client sends nothing more of that command.
 * Non-synchronizing literals "{n+}" need no continuation and are read like
 * the rest of the line.
 */
int imap_parser_read_args(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *consumed_r,
	unsigned int count, enum imap_parser_flags flags,
	const struct imap_arg **args_r);

/*
 * Skips the rest of the current command after an error (or when the
 * caller rejects a command whose arguments it has not fully read): reads
 * up to and including the line's LF, skipping over the bytes of any
 * non-synchronizing literals (the one being read when the error happened,
 * and any announced later on the line) so that their contents are never
 * mistaken for commands.  A synchronizing literal ends the line, since the
 * client waits for a continuation that will not come.
 * Returns 1 when the command's end was consumed (then reset the parser),
 * 0 need more (all of data consumed), -1 if the parser is in a fatal error
 * state (close the connection).
 */
int imap_parser_skip_line(struct imap_parser *parser,
	const unsigned char *data, size_t size, size_t *consumed_r);

/* True once the current command's final LF has been consumed. */
bool imap_parser_is_eol(const struct imap_parser *parser);

/*
 * The last error's text, suitable for the client ("BAD <text>"; the texts
 * are Dovecot's), or NULL if there was none.  *fatal_r (may be NULL) is set
 * to true when the connection must be closed because the input can no
 * longer be followed.  Valid until reset.
 */
const char *imap_parser_get_error(struct imap_parser *parser, bool *fatal_r);
/* The last error's kind. */
enum imap_parser_error imap_parser_get_error_code(
	const struct imap_parser *parser);

/* Bytes of memory the parser holds (its arena and token buffer), for
   accounting and for tests of the limits. */
size_t imap_parser_get_memory_usage(const struct imap_parser *parser);

/*
 * After read_args returned 1 at an IMAP_PARSER_FLAG_LITERAL_SIZE literal:
 * that argument (the last one read, possibly inside lists) and in
 * *list_depth_r the number of lists enclosing it, i.e. how many ')' the
 * rest of the line must close (continue with IMAP_PARSER_FLAG_INSIDE_LIST
 * while that is > 0).  NULL if the last read did not stop at such a
 * literal.  Valid until reset.
 */
const struct imap_arg *
imap_parser_get_literal_size_arg(struct imap_parser *parser,
	unsigned int *list_depth_r);

/* The size of the literal most recently announced (for the message of a
   LITERAL_CONT or LITERAL_TOO_BIG), 0 if none. */
uint64_t imap_parser_get_literal_size(const struct imap_parser *parser);

#endif
