/*
 * imap-login-client.h - the IMAP protocol of imap-login: one client's
 * parser state and the pre-login command table.
 */
#ifndef ROOST_IMAP_LOGIN_CLIENT_H
#define ROOST_IMAP_LOGIN_CLIENT_H

#include "login-common.h"
#include "login-handoff.h"

struct imap_arg;
struct imap_parser;

/* Dovecot disconnects after this many invalid commands. */
#define IMAP_LOGIN_MAX_BAD_COMMANDS 3
/* Literals in pre-login commands (LOGIN's password) are limited to this
   (Dovecot: "* BYE Literal size too large" from 8192 bytes on). */
#define IMAP_LOGIN_MAX_LITERAL_SIZE 8191
/* Longest pre-login command line (see imap_client_create()). */
#define IMAP_LOGIN_MAX_LINE_LENGTH (64 * 1024)

enum imap_login_input_state {
	IMAP_LOGIN_STATE_TAG,
	IMAP_LOGIN_STATE_NAME,
	IMAP_LOGIN_STATE_ARGS,
	IMAP_LOGIN_STATE_SKIP,
};

struct imap_login_client {
	struct login_client common;
	struct imap_parser *parser;
	enum imap_login_input_state state;
	const struct imap_login_command *cmd;
	/* The current command's tag, kept past imap_parser_reset() for
	   asynchronous replies (AUTHENTICATE/LOGIN). */
	char tag[LOGIN_HANDOFF_MAX_TAG_LEN + 1];
	bool literal_minus;
};

struct imap_login_command {
	const char *name;
	/* 1 = answered, 0 = running asynchronously (auth), -1 = bad
	   arguments ("BAD Error in IMAP command received by server."). */
	int (*func)(struct imap_login_client *client,
		const struct imap_arg *args);
};

extern const struct login_binary imap_login_binary;

/* The pre-login command table (imap-login-cmds.c). */
const struct imap_login_command *imap_login_command_find(const char *name);

/* Sends "<tag> <text>\r\n" for the current command. */
void imap_login_send_tagged(struct imap_login_client *client,
	const char *text);
/* The capability list for this client (scratch memory). */
const char *imap_login_get_capability(struct imap_login_client *client);

#endif
