/*
 * imap-client.h - one logged-in IMAP session in the imap process.
 *
 * A process may serve several sessions of the same uid (client_limit);
 * each session has its own connection, parser, arenas and log prefix
 * ("imap(joe)<pid><session>: ").  Commands are dispatched through the
 * table in imap-commands.c.
 */
#ifndef ROOST_IMAP_CLIENT_H
#define ROOST_IMAP_CLIENT_H

#include "net.h"
#include "imap-sync.h"

struct arena;
struct buf;
struct conn;
struct imap_arg;
struct imap_parser;
struct timeout;
struct imap_command_def;
struct imap_cmd;
struct mail_user;
struct mailbox;

/* Dovecot's autologout: 30 minutes without input. */
#define IMAP_CLIENT_IDLE_TIMEOUT_MSECS (30 * 60 * 1000)
/* Dovecot disconnects after this many invalid commands in a row. */
#define IMAP_CLIENT_MAX_BAD_COMMANDS 20

enum imap_client_state {
	IMAP_CLIENT_STATE_AUTH = 0x01,
	IMAP_CLIENT_STATE_SELECTED = 0x02,
	IMAP_CLIENT_STATE_LOGOUT = 0x04,
};

enum imap_input_state {
	IMAP_INPUT_TAG,
	IMAP_INPUT_NAME,
	IMAP_INPUT_ARGS,
	IMAP_INPUT_SKIP,
	/* A command returned IMAP_CMD_MORE: input goes to client->running
	   (imap-commands.h). */
	IMAP_INPUT_RUNNING,
};

/* imap_client_workarounds (the config checks the words at load). */
enum imap_client_workarounds {
	/* EXISTS/RECENT and expunges only in replies to NOOP, CHECK,
	   EXPUNGE and IDLE (old Outlook Express and OS X Mail). */
	IMAP_WORKAROUND_DELAY_NEWMAIL = 0x01,
	/* A mailbox name argument may end with one extra separator
	   ("INBOX/Sent/"), which is ignored (Thunderbird with LAYOUT=fs). */
	IMAP_WORKAROUND_TB_EXTRA_MAILBOX_SEP = 0x02,
	/* \Noselect in LSUB replies with LAYOUT=fs for mbox; accepted,
	   Maildir replies are the same with and without it, as in
	   Dovecot 2.3. */
	IMAP_WORKAROUND_TB_LSUB_FLAGS = 0x04,
};

/* The workaround bits of an imap_client_workarounds value (unknown
   words are ignored: the config refused them already). */
enum imap_client_workarounds imap_client_workarounds_parse(const char *str);

struct imap_client_settings {
	const char *imap_capability;
	const char *imap_id_send;
	const char *imap_id_log;
	const char *imap_logout_format;
	bool imap_literal_minus;
	bool verbose_proctitle;
	enum imap_client_workarounds workarounds;
	uint64_t imap_max_line_length;
	/* A namespace mailbox { } has special_use (SPECIAL-USE is then
	   advertised). */
	bool special_use_mailboxes;
	/* IDLE's "* OK Still here" interval (0 = never). */
	unsigned int imap_idle_notify_interval_msecs;
	/* APPEND's temporary files (literal8, CATENATE). */
	const char *mail_temp_dir;
	/* plugin { quota_max_mail_size } as written (NULL = unset): the
	   largest message APPEND accepts. */
	const char *quota_max_mail_size;
};

/* What the hand-off gave us about the session. */
struct imap_client_params {
	int fd;
	const char *user;
	const char *session_id;
	const char *tag;
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	bool secured;
	const unsigned char *client_input;
	size_t client_input_size;
	/* The user's storage (imap_mail_user_create()); the session takes
	   it over.  NULL only in unit tests. */
	struct mail_user *mail_user;
};

struct imap_client {
	struct imap_client *prev, *next;
	struct arena *arena;
	/* Reset after every command. */
	struct arena *cmd_arena;
	struct conn *conn;
	struct imap_parser *parser;
	struct timeout *to_idle;
	struct imap_client_settings set;

	const char *user;
	const char *session_id;
	const char *log_prefix;
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	bool secured;

	enum imap_client_state state;
	enum imap_input_state input_state;
	/* The command that returned IMAP_CMD_MORE (IMAP_INPUT_RUNNING). */
	struct imap_cmd *running;

	/* The user's storage and the selected mailbox (imap-sync.h): the
	   mailbox is non-NULL exactly in IMAP_CLIENT_STATE_SELECTED. */
	struct mail_user *mail_user;
	struct mailbox *mailbox;
	struct imap_sync_state sync;
	/* enum imap_feature bits turned on by ENABLE (imap-sync.h). */
	unsigned int enabled;
	struct imap_client_counters counters;
	/* The current command: tag and name (parser memory) and def. */
	const char *tag;
	const char *cmd_name;
	const struct imap_command_def *cmd;
	uint64_t cmd_start_usecs;
	/* The last finished command, for "Connection closed (NOOP finished
	   1.005 secs ago)". */
	char last_cmd_name[32];
	uint64_t last_cmd_end_usecs;
	/* Length of the last command line's line ending, so LOGOUT's can be
	   left out of in= as Dovecot does. */
	unsigned int last_eol_len;

	unsigned int bad_counter;
	uint64_t bytes_in, bytes_out;
	bool disconnected;
	bool input_handling;
};

/* Creates the session: sends "<tag> OK [CAPABILITY ...] Logged in" and
   processes params->client_input.  Takes over params->fd. */
struct imap_client *imap_client_create(const struct imap_client_params *params,
	const struct imap_client_settings *set);
/*
 * Ends the session: logs "Disconnected: <reason> in=... out=..." (the
 * imap_logout_format), flushes queued output and frees the client from
 * the loop.  Later calls do nothing.
 */
void imap_client_disconnect(struct imap_client *client, const char *reason);
/* Sends a raw line (CRLF is added) and counts it in out=. */
void imap_client_send_line(struct imap_client *client, const char *line);
/* Sends "<tag> <text>" for the current command, adding Dovecot's timing
   " (0.001 + 0.000 secs)" before the final period. */
void imap_client_send_tagline(struct imap_client *client, const char *text);
/* Logs an Info line with the session's prefix. */
void imap_client_log(struct imap_client *client, const char *msg);
/* The post-login capability list (scratch memory). */
const char *imap_client_get_capability(struct imap_client *client);
/* Microseconds of a monotonic clock. */
uint64_t imap_now_usecs(void);

/* The logout line's "in=... out=..." part per imap_logout_format. */
int imap_client_logout_stats(struct imap_client *client, struct buf *dest,
	const char **error_r);

/* Number of sessions in this process; all sessions, for shutdown. */
unsigned int imap_clients_count(void);
void imap_clients_destroy_all(const char *bye_text, const char *reason);
/* Frees every session at once (after the loop has stopped). */
void imap_clients_free_all(void);

#endif
