/*
 * login-handoff.c - encoding and strict decoding of the login hand-off
 * frames (docs/ipc/login.md).
 *
 * REQUEST payload, in order:
 *	u32 version, u32 auth_pid, u32 auth_id, str cookie, u64 fd_inode,
 *	str local_ip, u32 local_port, str remote_ip, u32 remote_port,
 *	u32 flags, str session_id, str tag, data client_input
 * REPLY payload:
 *	u32 version, u32 status, u32 mail_pid
 */
#include "lib.h"
#include "buf.h"
#include "ipc.h"
#include "login-handoff.h"

bool login_handoff_tag_is_valid(const char *tag)
{
	size_t i;

	for (i = 0; tag[i] != '\0'; i++) {
		if ((unsigned char)tag[i] <= 0x20 ||
		    (unsigned char)tag[i] >= 0x7f)
			return false;
	}
	return i <= LOGIN_HANDOFF_MAX_TAG_LEN;
}

static bool cookie_is_valid(const char *cookie)
{
	size_t i;

	for (i = 0; cookie[i] != '\0'; i++) {
		if (!((cookie[i] >= '0' && cookie[i] <= '9') ||
		      (cookie[i] >= 'a' && cookie[i] <= 'f') ||
		      (cookie[i] >= 'A' && cookie[i] <= 'F')))
			return false;
	}
	return i == LOGIN_HANDOFF_COOKIE_LEN;
}

static bool session_id_is_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++) {
		if ((unsigned char)id[i] <= 0x20 ||
		    (unsigned char)id[i] >= 0x7f || id[i] == '>')
			return false;
	}
	return i <= LOGIN_HANDOFF_MAX_SESSION_ID_LEN;
}

static const char *ip_str(const struct ip_addr *ip)
{
	return ip->family == 0 ? "" : net_ip2str(ip);
}

int login_handoff_request_encode(struct buf *out,
	const struct login_handoff_request *req, const char **error_r)
{
	struct ipc_writer w;
	size_t start = out->used;
	char lip[INET6_ADDRSTRLEN + 1], rip[INET6_ADDRSTRLEN + 1];

	if (req->cookie == NULL || !cookie_is_valid(req->cookie)) {
		*error_r = "Invalid auth cookie";
		return -1;
	}
	if (req->session_id == NULL || !session_id_is_valid(req->session_id)) {
		*error_r = "Invalid session id";
		return -1;
	}
	if (req->tag == NULL || !login_handoff_tag_is_valid(req->tag)) {
		*error_r = "Invalid tag";
		return -1;
	}
	if (req->client_input_size > LOGIN_HANDOFF_MAX_CLIENT_INPUT) {
		*error_r = "Too much client input";
		return -1;
	}
	if (((unsigned int)req->flags & ~LOGIN_HANDOFF_FLAGS_ALL) != 0) {
		*error_r = "Invalid flags";
		return -1;
	}
	/* net_ip2str() returns per-call scratch: copy both before use. */
	if (i_strlcpy(lip, ip_str(&req->local_ip), sizeof(lip)) < 0 ||
	    i_strlcpy(rip, ip_str(&req->remote_ip), sizeof(rip)) < 0) {
		*error_r = "Invalid address";
		return -1;
	}

	ipc_begin(&w, out, LOGIN_HANDOFF_MSG_REQUEST);
	ipc_put_u32(&w, LOGIN_HANDOFF_VERSION);
	ipc_put_u32(&w, (uint32_t)req->auth_pid);
	ipc_put_u32(&w, req->auth_id);
	ipc_put_str(&w, req->cookie);
	ipc_put_u64(&w, req->fd_inode);
	ipc_put_str(&w, lip);
	ipc_put_u32(&w, req->local_port);
	ipc_put_str(&w, rip);
	ipc_put_u32(&w, req->remote_port);
	ipc_put_u32(&w, (uint32_t)req->flags);
	ipc_put_str(&w, req->session_id);
	ipc_put_str(&w, req->tag);
	ipc_put_data(&w, req->client_input, req->client_input_size);
	if (ipc_end(&w) < 0) {
		buf_truncate(out, start);
		*error_r = "Hand-off frame too large";
		return -1;
	}
	return 0;
}

static int get_ip(struct ipc_reader *r, struct arena *arena,
	struct ip_addr *ip_r)
{
	const char *str;

	if (ipc_get_str(r, arena, &str) < 0)
		return -1;
	if (*str == '\0') {
		memset(ip_r, 0, sizeof(*ip_r));
		return 0;
	}
	return net_addr2ip(str, ip_r);
}

static int get_port(struct ipc_reader *r, in_port_t *port_r)
{
	uint32_t v;

	if (ipc_get_u32(r, &v) < 0 || v > 65535)
		return -1;
	*port_r = (in_port_t)v;
	return 0;
}

int login_handoff_request_decode(const void *data, size_t size,
	struct arena *arena, struct login_handoff_request *req_r,
	const char **error_r)
{
	struct ipc_reader r;
	uint32_t version, pid, flags;
	const void *input;
	size_t input_size;
	ssize_t ret;

	memset(req_r, 0, sizeof(*req_r));
	ret = ipc_frame_parse(data, size, &r);
	if (ret <= 0 || (size_t)ret != size) {
		*error_r = "Truncated or malformed hand-off frame";
		return -1;
	}
	if (r.type != LOGIN_HANDOFF_MSG_REQUEST) {
		*error_r = "Unexpected hand-off message type";
		return -1;
	}
	if (ipc_get_u32(&r, &version) < 0 ||
	    version != LOGIN_HANDOFF_VERSION) {
		*error_r = "Unsupported hand-off version";
		return -1;
	}
	if (ipc_get_u32(&r, &pid) < 0 || pid == 0 || pid > INT32_MAX ||
	    ipc_get_u32(&r, &req_r->auth_id) < 0 ||
	    ipc_get_str(&r, arena, &req_r->cookie) < 0 ||
	    ipc_get_u64(&r, &req_r->fd_inode) < 0) {
		*error_r = "Malformed hand-off auth fields";
		return -1;
	}
	req_r->auth_pid = (pid_t)pid;
	if (!cookie_is_valid(req_r->cookie)) {
		*error_r = "Invalid auth cookie in hand-off";
		return -1;
	}
	if (get_ip(&r, arena, &req_r->local_ip) < 0 ||
	    get_port(&r, &req_r->local_port) < 0 ||
	    get_ip(&r, arena, &req_r->remote_ip) < 0 ||
	    get_port(&r, &req_r->remote_port) < 0) {
		*error_r = "Invalid addresses in hand-off";
		return -1;
	}
	if (ipc_get_u32(&r, &flags) < 0 ||
	    (flags & ~(uint32_t)LOGIN_HANDOFF_FLAGS_ALL) != 0) {
		*error_r = "Invalid hand-off flags";
		return -1;
	}
	req_r->flags = (enum login_handoff_flags)flags;
	if (ipc_get_str(&r, arena, &req_r->session_id) < 0 ||
	    !session_id_is_valid(req_r->session_id)) {
		*error_r = "Invalid session id in hand-off";
		return -1;
	}
	if (ipc_get_str(&r, arena, &req_r->tag) < 0 ||
	    !login_handoff_tag_is_valid(req_r->tag)) {
		*error_r = "Invalid tag in hand-off";
		return -1;
	}
	if (ipc_get_data(&r, &input, &input_size) < 0 ||
	    input_size > LOGIN_HANDOFF_MAX_CLIENT_INPUT) {
		*error_r = "Invalid client input in hand-off";
		return -1;
	}
	if (ipc_get_end(&r) < 0) {
		*error_r = "Trailing bytes in hand-off frame";
		return -1;
	}
	if (input_size > 0) {
		unsigned char *copy = arena_alloc(arena, input_size);

		memcpy(copy, input, input_size);
		req_r->client_input = copy;
	}
	req_r->client_input_size = input_size;
	return 0;
}

int login_handoff_reply_encode(struct buf *out,
	const struct login_handoff_reply *reply)
{
	struct ipc_writer w;
	size_t start = out->used;

	ipc_begin(&w, out, LOGIN_HANDOFF_MSG_REPLY);
	ipc_put_u32(&w, LOGIN_HANDOFF_VERSION);
	ipc_put_u32(&w, (uint32_t)reply->status);
	ipc_put_u32(&w, (uint32_t)reply->mail_pid);
	if (ipc_end(&w) < 0) {
		buf_truncate(out, start);
		return -1;
	}
	return 0;
}

int login_handoff_reply_decode(const void *data, size_t size,
	struct login_handoff_reply *reply_r, const char **error_r)
{
	struct ipc_reader r;
	uint32_t version, status, pid;
	ssize_t ret;

	memset(reply_r, 0, sizeof(*reply_r));
	ret = ipc_frame_parse(data, size, &r);
	if (ret <= 0 || (size_t)ret != size) {
		*error_r = "Truncated or malformed hand-off reply";
		return -1;
	}
	if (r.type != LOGIN_HANDOFF_MSG_REPLY ||
	    ipc_get_u32(&r, &version) < 0 ||
	    version != LOGIN_HANDOFF_VERSION ||
	    ipc_get_u32(&r, &status) < 0 || ipc_get_u32(&r, &pid) < 0 ||
	    ipc_get_end(&r) < 0) {
		*error_r = "Malformed hand-off reply";
		return -1;
	}
	if (status != LOGIN_HANDOFF_STATUS_OK &&
	    status != LOGIN_HANDOFF_STATUS_INTERNAL_ERROR) {
		*error_r = "Unknown hand-off reply status";
		return -1;
	}
	if (status == LOGIN_HANDOFF_STATUS_OK &&
	    (pid == 0 || pid > INT32_MAX)) {
		*error_r = "Invalid mail process pid in hand-off reply";
		return -1;
	}
	reply_r->status = (enum login_handoff_status)status;
	reply_r->mail_pid = (pid_t)pid;
	return 0;
}
