/*
 * login-client.c - the lifecycle of one pre-login client: creation from
 * an accepted connection, the secured/trusted decision, the inactivity
 * timer, output, Dovecot's log lines and destruction.
 */
#include "lib.h"
#include "buf.h"
#include "conn.h"
#include "ioloop.h"
#include "auth-client.h"
#include "master-service.h"
#include "login-log.h"
#include "login-session-id.h"
#include "login-common.h"

#include <time.h>

static void client_conn_input(struct conn *conn, void *context);
static void client_conn_closed(struct conn *conn, void *context,
	const char *reason);

static void client_conn_drained(struct conn *conn, void *context)
{
	(void)conn;
	login_postlogin_output_drained(context);
}

static const struct conn_callbacks client_conn_callbacks = {
	.input = client_conn_input,
	.output_drained = client_conn_drained,
	.closed = client_conn_closed,
};

/* Dovecot 2.3's login title: "[N pre-login]" (verbose_proctitle only;
   master_service_set_proctitle() checks the setting). */
static void login_refresh_proctitle(void)
{
	if (login_process->client_count == 0)
		master_service_set_proctitle(login_process->service, NULL);
	else {
		master_service_set_proctitle(login_process->service,
			"[%u pre-login]", login_process->client_count);
	}
}

static void client_idle_timeout(void *context)
{
	struct login_client *client = context;

	if (client->auth_request != NULL || client->authenticating) {
		login_client_disconnect(client, LOGIN_DISCONNECT_TIMEOUT,
			"Disconnected for inactivity during authentication.",
			"Inactivity during authentication");
		return;
	}
	login_client_disconnect(client, LOGIN_DISCONNECT_TIMEOUT,
		"Disconnected for inactivity.", "Inactivity");
}

void login_client_input_activity(struct login_client *client)
{
	if (client->to_idle != NULL)
		timeout_reset(client->to_idle);
}

static void client_auth_waiting_timeout(void *context)
{
	struct login_client *client = context;

	timeout_remove(&client->to_auth_waiting);
	client->binary->send_status(client, LOGIN_AUTH_WAITING_MSG);
}

struct login_client *login_client_create(int fd, const char *listener_name,
	bool ssl, const struct ip_addr *local_ip, in_port_t local_port,
	const struct ip_addr *remote_ip, in_port_t remote_port)
{
	const struct login_binary *binary = login_process->binary;
	struct conn_settings conn_set;
	struct login_client *client;
	struct arena *arena;

	arena = arena_create("login client", 2048);
	client = binary->client_alloc(arena);
	client->arena = arena;
	client->binary = binary;
	client->local_ip = *local_ip;
	client->remote_ip = *remote_ip;
	client->local_port = local_port;
	client->remote_port = remote_port;
	client->listener_name = arena_strdup(arena, listener_name);
	client->created_msecs = ioloop_now_msecs();
	client->created = time(NULL);
	login_settings_read(login_process->config, binary, local_ip,
		remote_ip, &client->set);
	/* Dovecot: trusted networks and local connections (remote IP ==
	   local IP) are secured; TLS (not yet implemented) too. */
	(void)ssl;
	client->trusted = login_ip_in_networks(remote_ip,
		client->set.login_trusted_networks);
	client->secured = client->trusted ||
		(remote_ip->family != 0 &&
		 net_ip_equals(remote_ip, local_ip)) ||
		remote_ip->family == 0;
	client->session_id = login_session_id_new(arena, remote_ip,
		remote_port);

	memset(&conn_set, 0, sizeof(conn_set));
	conn_set.input_max = LOGIN_MAX_INBUF_SIZE;
	conn_set.output_high = 16 * 1024;
	client->conn = conn_create(fd, &conn_set, &client_conn_callbacks,
		client);
	client->to_idle = timeout_add(LOGIN_CLIENT_TIMEOUT_MSECS,
		client_idle_timeout, client);

	client->next = login_process->clients;
	if (client->next != NULL)
		client->next->prev = client;
	login_process->clients = client;
	login_process->client_count++;
	login_refresh_proctitle();

	binary->client_create(client);
	if (auth_client_is_connected(login_process->auth_client)) {
		client->notified_auth_ready = true;
		binary->send_greeting(client);
	} else {
		/* Input waits until auth is there and the greeting sent. */
		conn_input_pause(client->conn);
		client->to_auth_waiting = timeout_add_once(
			LOGIN_AUTH_WAITING_MSECS, client_auth_waiting_timeout,
			client);
	}
	return client;
}

void login_client_notify_auth_ready_all(void)
{
	struct login_client *client;

	for (client = login_process->clients; client != NULL;
	     client = client->next) {
		if (client->notified_auth_ready || client->destroyed)
			continue;
		client->notified_auth_ready = true;
		if (client->to_auth_waiting != NULL)
			timeout_remove(&client->to_auth_waiting);
		client->binary->send_greeting(client);
		conn_input_resume(client->conn);
	}
}

void login_client_reattach(struct login_client *client, int fd)
{
	struct conn_settings conn_set;

	i_assert(client->conn == NULL);
	memset(&conn_set, 0, sizeof(conn_set));
	conn_set.input_max = LOGIN_MAX_INBUF_SIZE;
	conn_set.output_high = 16 * 1024;
	client->conn = conn_create(fd, &conn_set, &client_conn_callbacks,
		client);
	conn_input_pause(client->conn);
}

void login_client_set_user(struct login_client *client, const char *user)
{
	/* Truncation only shortens what is logged. */
	(void)i_strlcpy(client->virtual_user, user,
		sizeof(client->virtual_user));
}

void login_client_set_mech(struct login_client *client, const char *mech)
{
	size_t i;

	for (i = 0; mech[i] != '\0' && i < LOGIN_MAX_MECH_NAME_LEN; i++) {
		client->auth_mech_name[i] = mech[i] >= 'a' && mech[i] <= 'z' ?
			(char)(mech[i] - 'a' + 'A') : mech[i];
	}
	client->auth_mech_name[i] = '\0';
}

bool login_client_can_read(const struct login_client *client)
{
	return !client->destroyed && !client->authenticating &&
		client->auth_request == NULL && client->postlogin == NULL &&
		client->conn != NULL && !conn_is_closed(client->conn);
}

void login_client_send(struct login_client *client, const char *data,
	size_t size)
{
	if (client->conn != NULL)
		conn_write(client->conn, data, size);
}

void login_client_send_str(struct login_client *client, const char *str)
{
	login_client_send(client, str, strlen(str));
}

static void client_conn_input(struct conn *conn, void *context)
{
	struct login_client *client = context;

	(void)conn;
	login_client_input_activity(client);
	if ((login_client_can_read(client) || client->auth_waiting) &&
	    client->notified_auth_ready)
		client->binary->input(client);
}

static void client_conn_closed(struct conn *conn, void *context,
	const char *reason)
{
	struct login_client *client = context;

	(void)conn;
	if (!client->destroyed) {
		/* The peer went away: Dovecot's "Connection closed". */
		if (strcmp(reason, "EOF") == 0 ||
		    strcmp(reason, "Connection reset by peer") == 0 ||
		    strcmp(reason, "Broken pipe") == 0)
			reason = "Connection closed";
		login_client_destroy(client, reason);
	}
	/* login_client_destroy() closed without flush, or we got here
	   after a flushing close: free now. */
	login_client_free_final(client);
}

static const char *client_secured_str(const struct login_client *client)
{
	if (client->tls)
		return "TLS";
	return client->secured ? "secured" : "";
}

void login_client_log(struct login_client *client, const char *msg)
{
	struct login_log_vars vars;
	const struct var_expand_table *tab;
	struct buf elements, line;
	const char *error;

	SCRATCH_BEGIN {
		memset(&vars, 0, sizeof(vars));
		vars.user = client->virtual_user;
		vars.service = client->binary->protocol;
		vars.local_ip = client->local_ip.family == 0 ? "" :
			t_strdup(net_ip2str(&client->local_ip));
		vars.remote_ip = client->remote_ip.family == 0 ? "" :
			t_strdup(net_ip2str(&client->remote_ip));
		vars.local_port = t_printf("%u", client->local_port);
		vars.remote_port = t_printf("%u", client->remote_port);
		vars.pid = t_printf("%ld", (long)getpid());
		vars.mech = client->auth_mech_name;
		vars.secured = client_secured_str(client);
		vars.mail_pid = client->mail_pid == 0 ? "" :
			t_printf("%ld", (long)client->mail_pid);
		vars.session = client->session_id;
		vars.listener = client->listener_name;
		tab = login_log_var_table(scratch_arena(), &vars);
		/* Heap buffers: var_expand() opens scratch frames. */
		buf_init(&elements, NULL, 256, 8192);
		buf_init(&line, NULL, 256, 16384);
		if (login_log_expand_elements(&elements,
			    client->set.login_log_format_elements, tab,
			    &error) < 0) {
			i_error("Failed to expand "
				"login_log_format_elements: %s", error);
		}
		if (login_log_expand_line(&line, client->set.login_log_format,
			    msg, buf_cstr(&elements), &error) < 0) {
			i_error("Failed to expand login_log_format: %s", error);
			i_info("%s: %s", msg, buf_cstr(&elements));
		} else {
			i_info("%s", buf_cstr(&line));
		}
		buf_free(&elements);
		buf_free(&line);
	} SCRATCH_END;
}

void login_client_destroy(struct login_client *client, const char *reason)
{
	login_client_destroy_reason(client, reason, true);
}

void login_client_destroy_reason(struct login_client *client,
	const char *reason, bool with_extra)
{
	if (client->destroyed)
		return;
	client->destroyed = true;

	if (reason != NULL && !client->login_success) {
		SCRATCH_BEGIN {
			login_client_log(client, with_extra ?
				t_printf("Disconnected: %s %s", reason,
				login_client_get_disconnect_extra(client)) :
				t_printf("Disconnected: %s", reason));
		} SCRATCH_END;
	}
	login_auth_abort(client);
	login_postlogin_free(client);
	if (client->to_idle != NULL)
		timeout_remove(&client->to_idle);
	if (client->to_auth_waiting != NULL)
		timeout_remove(&client->to_auth_waiting);
	if (client->conn != NULL && !conn_is_closed(client->conn)) {
		/* Flush what was queued (BYE lines); closed() frees. */
		conn_close(client->conn, reason == NULL ? "" : reason, true);
	} else if (client->conn == NULL) {
		/* Detached (handed off) or never attached: free now. */
		login_client_free_final(client);
	}
}

void login_client_disconnect(struct login_client *client,
	enum login_disconnect_reason why, const char *text,
	const char *reason)
{
	if (client->destroyed)
		return;
	if (client->conn != NULL)
		client->binary->notify_disconnect(client, why, text);
	login_client_destroy(client, reason);
}

void login_client_free_final(struct login_client *client)
{
	struct arena *arena = client->arena;

	i_assert(client->destroyed);
	if (client->prev != NULL)
		client->prev->next = client->next;
	else
		login_process->clients = client->next;
	if (client->next != NULL)
		client->next->prev = client->prev;
	login_process->client_count--;
	login_refresh_proctitle();

	client->binary->client_destroy(client);
	if (client->conn != NULL)
		conn_destroy(&client->conn);
	master_service_client_connection_destroyed(login_process->service);
	/* The arena held the client struct itself. */
	arena_destroy(&arena);
	if (login_process->shutting_down && login_process->client_count == 0)
		master_service_stop(login_process->service);
}

bool login_client_plaintext_disabled(const struct login_client *client)
{
	return !client->secured && client->set.disable_plaintext_auth;
}

bool login_client_mech_available(const struct login_client *client,
	const char *name)
{
	const struct auth_mech_desc *mech;

	mech = auth_client_find_mech(login_process->auth_client, name);
	if (mech == NULL || (mech->flags & AUTH_MECH_FLAG_PRIVATE) != 0)
		return false;
	if ((mech->flags & AUTH_MECH_FLAG_PLAINTEXT) != 0 &&
	    login_client_plaintext_disabled(client))
		return false;
	return true;
}

const char *login_client_get_auth_capabilities(struct login_client *client)
{
	const struct auth_mech_desc *mechs;
	unsigned int i, count;
	struct buf str;

	buf_init(&str, scratch_arena(), 128, 0);
	mechs = auth_client_get_available_mechs(login_process->auth_client,
		&count);
	for (i = 0; i < count; i++) {
		if ((mechs[i].flags & AUTH_MECH_FLAG_PRIVATE) != 0)
			continue;
		if ((mechs[i].flags & AUTH_MECH_FLAG_PLAINTEXT) != 0 &&
		    login_client_plaintext_disabled(client))
			continue;
		if (buf_printf(&str, " AUTH=%s", mechs[i].name) < 0)
			i_panic("unbounded buffer failed");
	}
	return buf_cstr(&str);
}
