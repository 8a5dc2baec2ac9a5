/*
 * fuzz-login-handoff.c - libFuzzer target for the login hand-off decoders
 * (src/login/login-handoff.c), the frames an untrusted login process sends
 * to the post-login process and the reply it gets back.
 *
 * The whole input is decoded as a REQUEST and as a REPLY.  A request that
 * decodes is encoded again and must decode to the same values (the bytes
 * may differ: "0001:db8::7" comes back as "1:db8::7"), so anything the
 * decoder accepts is within the encoder's limits.  A reply has one
 * encoding, so it must come back byte for byte.
 */
#include "lib.h"
#include "buf.h"
#include "ipc.h"
#include "login-handoff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_request(const uint8_t *data, size_t size)
{
	struct login_handoff_request req, req2;
	struct arena *arena = arena_create("fuzz", 1024);
	struct buf out;
	const char *error;

	if (login_handoff_request_decode(data, size, arena, &req,
		    &error) < 0) {
		arena_destroy(&arena);
		return;
	}
	buf_init(&out, NULL, 256, IPC_FRAME_MAX);
	if (login_handoff_request_encode(&out, &req, &error) < 0)
		i_panic("decoded request does not re-encode: %s", error);
	if (login_handoff_request_decode(out.data, out.used, arena, &req2,
		    &error) < 0)
		i_panic("re-encoded request does not decode: %s", error);
	if (req2.auth_pid != req.auth_pid || req2.auth_id != req.auth_id ||
	    strcmp(req2.cookie, req.cookie) != 0 ||
	    strcmp(req2.tag, req.tag) != 0 ||
	    strcmp(req2.session_id, req.session_id) != 0 ||
	    req2.fd_inode != req.fd_inode || req2.flags != req.flags ||
	    req2.local_port != req.local_port ||
	    req2.remote_port != req.remote_port ||
	    req2.client_input_size != req.client_input_size ||
	    (req.client_input_size > 0 &&
	     memcmp(req2.client_input, req.client_input,
		    req.client_input_size) != 0) ||
	    !net_ip_equals(&req2.local_ip, &req.local_ip) ||
	    !net_ip_equals(&req2.remote_ip, &req.remote_ip))
		i_panic("round trip changed the request");
	buf_free(&out);
	arena_destroy(&arena);
}

static void check_reply(const uint8_t *data, size_t size)
{
	struct login_handoff_reply reply, reply2;
	struct buf out;
	const char *error;

	if (login_handoff_reply_decode(data, size, &reply, &error) < 0)
		return;
	buf_init(&out, NULL, 64, 1024);
	if (login_handoff_reply_encode(&out, &reply) < 0 ||
	    out.used != size || memcmp(out.data, data, size) != 0 ||
	    login_handoff_reply_decode(out.data, out.used, &reply2,
		    &error) < 0 ||
	    reply2.status != reply.status ||
	    reply2.mail_pid != reply.mail_pid)
		i_panic("reply round trip failed");
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > IPC_FRAME_MAX)
		return 0;
	check_request(data, size);
	check_reply(data, size);
	return 0;
}
