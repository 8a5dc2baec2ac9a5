/*
 * imap-login-server.c - the post-login half of the hand-off
 * (docs/ipc/login.md): read the REQUEST frame and the client fd from the
 * login process, prove the login with auth (auth-master REQUEST), apply
 * the user's uid/gid with Dovecot's precedence and checks, drop
 * privileges, answer the login process and start the IMAP session.
 */
#include "lib.h"
#include "buf.h"
#include "config.h"
#include "fdpass.h"
#include "ioloop.h"
#include "ipc.h"
#include "str.h"
#include "auth-master.h"
#include "login-handoff.h"
#include "mail-service.h"
#include "master-service.h"
#include "imap-client.h"
#include "imap-process.h"

#include <sys/stat.h>

/* The login process must send its request this soon. */
#define IMAP_LOGIN_SERVER_TIMEOUT_MSECS (30 * 1000)

struct imap_login_conn {
	int fd;
	int client_fd;
	struct io *io;
	struct timeout *to;
	struct buf input;
};

static void login_conn_free(struct imap_login_conn *lc)
{
	if (lc->io != NULL)
		io_remove(&lc->io);
	if (lc->to != NULL)
		timeout_remove(&lc->to);
	if (lc->client_fd != -1)
		(void)close(lc->client_fd);
	if (lc->fd != -1)
		(void)close(lc->fd);
	buf_free(&lc->input);
	free(lc);
	master_service_client_connection_destroyed(imap_process->service);
}

static void login_conn_reply(struct imap_login_conn *lc,
	enum login_handoff_status status)
{
	struct login_handoff_reply reply;
	struct buf frame;
	ssize_t ret;

	reply.status = status;
	reply.mail_pid = getpid();
	buf_init(&frame, NULL, 64, 256);
	if (login_handoff_reply_encode(&frame, &reply) < 0)
		i_panic("hand-off reply does not fit");
	/* A tiny write to a fresh UNIX socket: it does not block. */
	ret = write(lc->fd, frame.data, frame.used);
	if (ret != (ssize_t)frame.used) {
		i_error("write(login process) failed: %s",
			ret < 0 ? strerror(errno) : "short write");
	}
	buf_free(&frame);
}

/* Whether any namespace's mailbox { } sets special_use. */
static bool has_special_use(const struct config *c,
	const struct config_filter *filter)
{
	const struct config_section *const *namespaces, *const *boxes;
	unsigned int i, j, ns_count, box_count;
	const char *value;

	namespaces = config_get_sections(c, filter, "namespace", &ns_count);
	for (i = 0; i < ns_count; i++) {
		boxes = config_section_children(namespaces[i], "mailbox",
			&box_count);
		for (j = 0; j < box_count; j++) {
			value = config_section_get(boxes[j], "special_use");
			if (value != NULL && *value != '\0')
				return true;
		}
	}
	return false;
}

/* Reads the settings that apply to this session (protocol imap, the
   client's addresses). */
static void session_settings(const struct login_handoff_request *req,
	struct config_filter *filter, struct imap_client_settings *set_r)
{
	const struct config *c = imap_process->config;
	const struct config_section *plugin;

	memset(filter, 0, sizeof(*filter));
	filter->protocol = "imap";
	filter->service = "imap";
	filter->local_ip = req->local_ip.family == 0 ? NULL :
		t_strdup(net_ip2str(&req->local_ip));
	filter->remote_ip = req->remote_ip.family == 0 ? NULL :
		t_strdup(net_ip2str(&req->remote_ip));
	set_r->imap_capability = config_get(c, filter, "imap_capability");
	set_r->imap_id_send = config_get(c, filter, "imap_id_send");
	set_r->imap_id_log = config_get(c, filter, "imap_id_log");
	set_r->imap_logout_format =
		config_get(c, filter, "imap_logout_format");
	set_r->imap_literal_minus =
		config_get_bool(c, filter, "imap_literal_minus");
	set_r->workarounds = imap_client_workarounds_parse(
		config_get(c, filter, "imap_client_workarounds"));
	set_r->verbose_proctitle =
		config_get_bool(c, filter, "verbose_proctitle");
	set_r->imap_max_line_length =
		config_get_size(c, filter, "imap_max_line_length");
	set_r->imap_idle_notify_interval_msecs =
		config_get_time_msecs(c, filter, "imap_idle_notify_interval");
	set_r->special_use_mailboxes = has_special_use(c, filter);
	set_r->mail_temp_dir = config_get(c, filter, "mail_temp_dir");
	plugin = config_find_section(c, filter, "plugin", "");
	set_r->quota_max_mail_size = plugin == NULL ? NULL :
		config_section_get(plugin, "quota_max_mail_size");
}

/*
 * Applies the user's uid/gid: userdb fields override mail_uid/mail_gid
 * (Dovecot's precedence), first/last_valid_* are checked, and the first
 * session switches the process to them.  Returns 0 or -1 with *error_r.
 */
static int session_switch_user(const char *user, const char *const *fields,
	const struct config_filter *filter, const char **error_r)
{
	struct mail_service_ids ids;

	if (mail_service_user_ids(imap_process->config, filter, user, fields,
		    &ids, error_r) < 0)
		return -1;
	if (imap_process->privileges_dropped) {
		if (ids.uid == imap_process->uid &&
		    ids.gid == imap_process->gid)
			return 0;
		*error_r = t_printf("This imap process already serves uid %ld "
			"gid %ld; user %s needs uid %ld gid %ld "
			"(use service imap { client_limit = 1 })",
			(long)imap_process->uid, (long)imap_process->gid, user,
			(long)ids.uid, (long)ids.gid);
		return -1;
	}
	if (mail_service_switch_ids(&ids, user, "imap", error_r) < 0)
		return -1;
	imap_process->privileges_dropped = true;
	imap_process->uid = ids.uid;
	imap_process->gid = ids.gid;
	/* Several sessions per process only work when they all share one
	   uid: with per-user uids from the userdb, take no more. */
	if (ids.uid_from_userdb)
		master_service_stop_new_connections(imap_process->service);
	return 0;
}

static void session_chdir_home(const char *prefix, const char *home)
{
	if (home == NULL || *home != '/')
		return;
	if (chdir(home) < 0 && errno != ENOENT) {
		log_message_prefix(LOG_LEVEL_ERROR, prefix,
			"chdir(%s) failed: %s", home, strerror(errno));
	}
}

static void login_conn_handle(struct imap_login_conn *lc)
{
	struct login_handoff_request req;
	struct imap_client_settings set;
	struct imap_client_params params;
	struct config_filter filter;
	struct mail_user *mail_user;
	const char *const *fields;
	const char *error, *user, *prefix;
	struct stat st;
	pid_t login_pid;
	uid_t peer_uid;
	gid_t peer_gid;
	int ret;

	if (login_handoff_request_decode(lc->input.data, lc->input.used,
		    scratch_arena(), &req, &error) < 0) {
		i_error("Invalid hand-off from login process: %s", error);
		login_conn_reply(lc, LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
		return;
	}
	if (lc->client_fd == -1) {
		i_error("Login process sent no client fd");
		login_conn_reply(lc, LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
		return;
	}
	if (fstat(lc->client_fd, &st) < 0 ||
	    (uint64_t)st.st_ino != req.fd_inode) {
		i_error("Login process sent an fd that does not match "
			"its inode");
		login_conn_reply(lc, LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
		return;
	}
	/* The login process's pid comes from the kernel, not the frame. */
	if (net_getunixcred(lc->fd, &login_pid, &peer_uid, &peer_gid) < 0) {
		i_error("getsockopt(SO_PEERCRED) failed: %s", strerror(errno));
		login_conn_reply(lc, LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
		return;
	}
	ret = auth_master_request(imap_process->auth_master, login_pid,
		req.auth_id, req.cookie, getpid(), scratch_arena(), &user,
		&fields, &error);
	if (ret <= 0) {
		i_error("%s: auth hand-off verification for session %s "
			"failed: %s", ret < 0 ? "Auth server failure" :
			"Login refused by auth", req.session_id, error);
		login_conn_reply(lc, LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
		return;
	}
	prefix = t_printf("imap(%s)<%ld><%s>: ", user, (long)getpid(),
		req.session_id);
	session_settings(&req, &filter, &set);
	if (session_switch_user(user, fields, &filter, &error) < 0) {
		log_message_prefix(LOG_LEVEL_ERROR, prefix, "%s", error);
		login_conn_reply(lc, LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
		return;
	}
	session_chdir_home(prefix, mail_service_userdb_field(fields, "home"));
	if (imap_mail_user_create(imap_process->config, user, fields, &filter, req.session_id,
		    &mail_user, &error) < 0) {
		log_message_prefix(LOG_LEVEL_ERROR, prefix, "%s", error);
		login_conn_reply(lc, LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
		return;
	}

	/* Counted before the reply so client_limit accounting never dips
	   to zero between the login connection and the session. */
	master_service_client_connection_created(imap_process->service);
	login_conn_reply(lc, LOGIN_HANDOFF_STATUS_OK);

	memset(&params, 0, sizeof(params));
	params.fd = lc->client_fd;
	lc->client_fd = -1;
	params.user = user;
	params.session_id = req.session_id;
	params.tag = req.tag;
	params.local_ip = req.local_ip;
	params.remote_ip = req.remote_ip;
	params.local_port = req.local_port;
	params.remote_port = req.remote_port;
	params.secured = (req.flags & LOGIN_HANDOFF_FLAG_SECURED) != 0;
	params.client_input = req.client_input;
	params.client_input_size = req.client_input_size;
	params.mail_user = mail_user;
	(void)imap_client_create(&params, &set);
}

static void login_conn_input(void *context)
{
	struct imap_login_conn *lc = context;
	struct ipc_reader reader;
	unsigned char data[4096];
	ssize_t ret;
	int fd = -1;

	ret = fd_recv(lc->fd, &fd, data, sizeof(data));
	if (ret < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (fd != -1) {
		if (lc->client_fd != -1) {
			i_error("Login process sent more than one fd");
			(void)close(fd);
			login_conn_free(lc);
			return;
		}
		lc->client_fd = fd;
	}
	if (ret <= 0) {
		if (ret < 0)
			i_error("recvmsg(login process) failed: %s",
				strerror(errno));
		else if (lc->input.used > 0)
			i_error("Login process disconnected mid-request");
		login_conn_free(lc);
		return;
	}
	if (buf_append(&lc->input, data, (size_t)ret) < 0) {
		i_error("Login process sent an oversized hand-off");
		login_conn_free(lc);
		return;
	}
	ret = ipc_frame_parse(lc->input.data, lc->input.used, &reader);
	if (ret == 0)
		return;
	if (ret < 0 || (size_t)ret != lc->input.used) {
		i_error("Login process sent a malformed hand-off");
		login_conn_reply(lc, LOGIN_HANDOFF_STATUS_INTERNAL_ERROR);
		login_conn_free(lc);
		return;
	}
	io_remove(&lc->io);
	SCRATCH_BEGIN {
		login_conn_handle(lc);
	} SCRATCH_END;
	login_conn_free(lc);
}

static void login_conn_timeout(void *context)
{
	struct imap_login_conn *lc = context;

	i_error("Login process sent no hand-off in %u secs",
		IMAP_LOGIN_SERVER_TIMEOUT_MSECS / 1000);
	login_conn_free(lc);
}

void imap_login_server_accept(int fd)
{
	struct imap_login_conn *lc;

	lc = i_new(struct imap_login_conn, 1);
	lc->fd = fd;
	lc->client_fd = -1;
	buf_init(&lc->input, NULL, 512, IPC_FRAME_MAX);
	fd_set_nonblock(fd, true);
	lc->io = io_add(fd, IO_READ, login_conn_input, lc);
	lc->to = timeout_add_once(IMAP_LOGIN_SERVER_TIMEOUT_MSECS,
		login_conn_timeout, lc);
}
