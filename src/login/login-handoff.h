/*
 * login-handoff.h - the login -> post-login hand-off (docs/ipc/login.md).
 *
 * After a successful authentication the login process (imap-login,
 * untrusted) connects to the post-login service's UNIX socket
 * (base_dir/login/<protocol>), sends one REQUEST frame (ipc.h framing)
 * with the client's socket attached (fdpass.h), and waits for one REPLY
 * frame.  The request never carries the user name as a fact: the
 * post-login process proves the login with auth (auth_master_request()
 * with the auth server pid, the auth request id and the connection
 * cookie), and takes the user and its userdb fields from auth's answer.
 *
 * This header is shared by both halves: the login side encodes requests
 * and decodes replies, the post-login side the other way round.  Decoding
 * is strict: every field is checked, nothing may be left over.
 */
#ifndef ROOST_LOGIN_HANDOFF_H
#define ROOST_LOGIN_HANDOFF_H

#include "net.h"

struct arena;
struct buf;

#define LOGIN_HANDOFF_VERSION 1

enum login_handoff_msg_type {
	LOGIN_HANDOFF_MSG_REQUEST = 1,
	LOGIN_HANDOFF_MSG_REPLY = 2,
};

enum login_handoff_flags {
	/* The connection counts as secure (TLS, or a trusted/local
	   network): %{secured}. */
	LOGIN_HANDOFF_FLAG_SECURED = 0x01,
	/* The client speaks TLS with the login process. */
	LOGIN_HANDOFF_FLAG_TLS = 0x02,
	/* The login process asked auth with "debug". */
	LOGIN_HANDOFF_FLAG_DEBUG = 0x04,
};
#define LOGIN_HANDOFF_FLAGS_ALL 0x07

/* Limits enforced by encoder and decoder alike. */
#define LOGIN_HANDOFF_MAX_CLIENT_INPUT (32 * 1024)
#define LOGIN_HANDOFF_MAX_TAG_LEN 256
#define LOGIN_HANDOFF_MAX_SESSION_ID_LEN 128
#define LOGIN_HANDOFF_COOKIE_LEN 32

struct login_handoff_request {
	/* The auth server's pid (SPID) and the id of the successful AUTH
	   request on the login process's auth connection. */
	pid_t auth_pid;
	unsigned int auth_id;
	/* The login's auth connection cookie: 32 lower-case hex digits. */
	const char *cookie;
	/* Inode of the passed client socket; the receiver checks it
	   against fstat() of the fd it got. */
	uint64_t fd_inode;
	struct ip_addr local_ip, remote_ip;
	in_port_t local_port, remote_port;
	enum login_handoff_flags flags;
	/* The login session id ("L6iFUYp2sO5/AAAB"). */
	const char *session_id;
	/* The protocol's tag for the final reply (IMAP: "a1"), "" = none.
	   Printable ASCII only. */
	const char *tag;
	/* Client bytes the login process read after the authenticating
	   command (pipelined commands); size 0 for none. */
	const unsigned char *client_input;
	size_t client_input_size;
};

enum login_handoff_status {
	/* The session was taken over; mail_pid says by whom. */
	LOGIN_HANDOFF_STATUS_OK = 0,
	/* The post-login process could not take the session (auth refused
	   the hand-off, bad user settings, internal error): the login
	   process tells the client and disconnects. */
	LOGIN_HANDOFF_STATUS_INTERNAL_ERROR = 1,
};

struct login_handoff_reply {
	enum login_handoff_status status;
	pid_t mail_pid;
};

/*
 * Appends the REQUEST frame for req to out.  Returns 0, or -1 with
 * *error_r (static text) when a field breaks the limits above or the
 * frame does not fit out's max / IPC_FRAME_MAX.
 */
int login_handoff_request_encode(struct buf *out,
	const struct login_handoff_request *req, const char **error_r);
/*
 * Decodes one complete REQUEST frame (data/size exactly one frame, as
 * found by ipc_frame_parse()).  Strings and client input are allocated
 * from arena.  Returns 0, or -1 with *error_r (static text) for a wrong
 * type or version, a short/long/malformed frame, bad addresses, a cookie
 * that is not 32 hex digits, a bad tag or session id, unknown flags or
 * oversized client input.
 */
int login_handoff_request_decode(const void *data, size_t size,
	struct arena *arena, struct login_handoff_request *req_r,
	const char **error_r);

/* Appends the REPLY frame. Returns 0 or -1 when out's max is reached. */
int login_handoff_reply_encode(struct buf *out,
	const struct login_handoff_reply *reply);
/* Decodes one complete REPLY frame; 0 or -1 with *error_r. */
int login_handoff_reply_decode(const void *data, size_t size,
	struct login_handoff_reply *reply_r, const char **error_r);

/* True if tag is acceptable: 1..MAX_TAG_LEN bytes of 0x21..0x7e, or "". */
bool login_handoff_tag_is_valid(const char *tag);

#endif
