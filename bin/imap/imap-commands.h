/*
 * imap-commands.h - the post-login command table and dispatcher.
 *
 * A command is one small file (cmd-<name>.c) plus one row in the table in
 * imap-commands.c: the name, the handler, the states it is allowed in and
 * flags describing how it interacts with pipelining.
 */
#ifndef ROOST_IMAP_COMMANDS_H
#define ROOST_IMAP_COMMANDS_H

struct imap_arg;
struct imap_client;

enum imap_cmd_result {
	/* The command answered its tagged reply. */
	IMAP_CMD_DONE,
	/* Not finished: call again when the output drains (long replies). */
	IMAP_CMD_MORE,
	/* Bad arguments: the dispatcher answers "BAD Error in IMAP command
	   <NAME>: Invalid arguments". */
	IMAP_CMD_BAD_ARGS,
};

enum imap_cmd_flags {
	IMAP_CMD_FLAG_NONE = 0,
	/* Uses message sequence numbers (may not run in parallel with a
	   BREAKS_SEQS command; the RFC 3501 §7.4.1 expunge rule itself is
	   imap-sync.h's IMAP_SYNC_FLAG_NO_EXPUNGES). */
	IMAP_CMD_FLAG_USES_SEQS = 0x01,
	/* Changes sequence numbers (EXPUNGE, MOVE). */
	IMAP_CMD_FLAG_BREAKS_SEQS = 0x02,
	/* Changes the selected mailbox. */
	IMAP_CMD_FLAG_BREAKS_MAILBOX = 0x04,
	/* The arguments are read with IMAP_PARSER_FLAG_LITERAL_SIZE and
	   LITERAL8: the handler is called at the first literal, whose
	   bytes are left in the input for it (APPEND streams them into
	   storage; see imap-parser.h). */
	IMAP_CMD_FLAG_LITERAL_SIZE = 0x08,
};

struct imap_cmd;

typedef enum imap_cmd_result imap_cmd_func_t(struct imap_cmd *cmd);
/* See struct imap_cmd's input member. */
typedef enum imap_cmd_result imap_cmd_input_func_t(struct imap_cmd *cmd,
	const unsigned char *data, size_t size, size_t *consumed_r);

/*
 * The running command.  It lives in the command arena, so it stays valid
 * from the handler's first call until the command is finished.
 *
 * A handler that cannot finish at once (IDLE waiting for DONE, APPEND
 * reading a literal, a long FETCH reply) sets input and/or output and
 * returns IMAP_CMD_MORE.  The dispatcher then stops parsing commands and
 * calls input with the bytes that arrive (the callback reports how many
 * it used; unused bytes are offered again with more) and output when the
 * queued output has drained, until one of them returns IMAP_CMD_DONE
 * (having sent the tagged reply).  destroy, if set, runs when the
 * session ends while the command is still running.
 */
struct imap_cmd {
	struct imap_client *client;
	const struct imap_arg *args;
	/* Command memory, reset when the command completes. */
	struct arena *arena;
	/* The table row; for "UID FETCH" etc. the UID variant's row. */
	const struct imap_command_def *def;
	/* The command came with the UID prefix. */
	bool uid;
	/* The handler answered BAD itself: the dispatcher counts it as an
	   invalid command, as Dovecot counts every BAD. */
	bool bad;

	imap_cmd_input_func_t *input;
	imap_cmd_func_t *output;
	void (*destroy)(struct imap_cmd *cmd);
	void *context;
};

struct imap_command_def {
	const char *name;
	imap_cmd_func_t *func;
	/* enum imap_client_state bits in which the command is allowed. */
	unsigned int states;
	enum imap_cmd_flags flags;
};

/* Finds a command by name (case-insensitive), NULL if unknown. */
const struct imap_command_def *imap_command_find(const char *name);
/* The number of commands and the i-th one, for tests and docs. */
unsigned int imap_commands_count(void);
const struct imap_command_def *imap_command_get(unsigned int idx);

/*
 * Checks the state and runs the command: "BAD Error in IMAP command
 * <NAME>: ..." for a disallowed state or bad arguments.  Returns the
 * handler's result (IMAP_CMD_DONE after such a BAD).  The caller counts
 * bad commands.
 */
enum imap_cmd_result imap_command_run(struct imap_client *client,
	const struct imap_command_def *def, const struct imap_arg *args,
	bool *bad_r);

imap_cmd_func_t cmd_capability;
imap_cmd_func_t cmd_id;
imap_cmd_func_t cmd_logout;
imap_cmd_func_t cmd_noop;
/* Mailbox commands (cmd-select.c ... cmd-subscribe.c). */
imap_cmd_func_t cmd_select;
imap_cmd_func_t cmd_examine;
imap_cmd_func_t cmd_close;
imap_cmd_func_t cmd_unselect;
imap_cmd_func_t cmd_check;
imap_cmd_func_t cmd_expunge;
imap_cmd_func_t cmd_enable;
imap_cmd_func_t cmd_idle;
imap_cmd_func_t cmd_namespace;
imap_cmd_func_t cmd_list;
imap_cmd_func_t cmd_lsub;
imap_cmd_func_t cmd_status;
imap_cmd_func_t cmd_create;
imap_cmd_func_t cmd_delete;
imap_cmd_func_t cmd_rename;
imap_cmd_func_t cmd_subscribe;
imap_cmd_func_t cmd_unsubscribe;
imap_cmd_func_t cmd_search;
imap_cmd_func_t cmd_sort;
imap_cmd_func_t cmd_thread;
imap_cmd_func_t cmd_uid;
imap_cmd_func_t cmd_fetch;
imap_cmd_func_t cmd_store;
imap_cmd_func_t cmd_copy;
imap_cmd_func_t cmd_move;
imap_cmd_func_t cmd_append;

#endif
