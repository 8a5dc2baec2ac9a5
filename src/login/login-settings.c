/*
 * login-settings.c - the login settings of one connection, and the
 * login_trusted_networks check.
 */
#include "lib.h"
#include "str.h"
#include "config.h"
#include "login-common.h"

void login_settings_read(const struct config *config,
	const struct login_binary *binary, const struct ip_addr *local_ip,
	const struct ip_addr *remote_ip, struct login_settings *set_r)
{
	struct config_filter filter;
	char lip[INET6_ADDRSTRLEN + 1] = "", rip[INET6_ADDRSTRLEN + 1] = "";

	/* net_ip2str() returns per-call scratch memory: copy. */
	if (local_ip->family != 0)
		(void)i_strlcpy(lip, net_ip2str(local_ip), sizeof(lip));
	if (remote_ip->family != 0)
		(void)i_strlcpy(rip, net_ip2str(remote_ip), sizeof(rip));
	memset(&filter, 0, sizeof(filter));
	filter.protocol = binary->protocol;
	filter.service = binary->process_name;
	filter.local_ip = lip[0] == '\0' ? NULL : lip;
	filter.remote_ip = rip[0] == '\0' ? NULL : rip;

	set_r->login_greeting = config_get(config, &filter, "login_greeting");
	set_r->login_trusted_networks =
		config_get(config, &filter, "login_trusted_networks");
	set_r->login_log_format_elements =
		config_get(config, &filter, "login_log_format_elements");
	set_r->login_log_format =
		config_get(config, &filter, "login_log_format");
	set_r->disable_plaintext_auth =
		config_get_bool(config, &filter, "disable_plaintext_auth");
	set_r->auth_verbose = config_get_bool(config, &filter, "auth_verbose");
	set_r->auth_debug = config_get_bool(config, &filter, "auth_debug");
	set_r->verbose_proctitle =
		config_get_bool(config, &filter, "verbose_proctitle");
}

static void client_filter(const struct login_client *client,
	struct config_filter *filter, char *lip, char *rip, size_t size)
{
	lip[0] = rip[0] = '\0';
	if (client->local_ip.family != 0)
		(void)i_strlcpy(lip, net_ip2str(&client->local_ip), size);
	if (client->remote_ip.family != 0)
		(void)i_strlcpy(rip, net_ip2str(&client->remote_ip), size);
	memset(filter, 0, sizeof(*filter));
	filter->protocol = client->binary->protocol;
	filter->service = client->binary->process_name;
	filter->local_ip = lip[0] == '\0' ? NULL : lip;
	filter->remote_ip = rip[0] == '\0' ? NULL : rip;
}

const char *login_client_setting(const struct login_client *client,
	const char *key)
{
	struct config_filter filter;
	char lip[INET6_ADDRSTRLEN + 1], rip[INET6_ADDRSTRLEN + 1];

	client_filter(client, &filter, lip, rip, sizeof(lip));
	return config_get(login_process->config, &filter, key);
}

bool login_client_setting_bool(const struct login_client *client,
	const char *key)
{
	struct config_filter filter;
	char lip[INET6_ADDRSTRLEN + 1], rip[INET6_ADDRSTRLEN + 1];

	client_filter(client, &filter, lip, rip, sizeof(lip));
	return config_get_bool(login_process->config, &filter, key);
}

uint64_t login_client_setting_size(const struct login_client *client,
	const char *key)
{
	struct config_filter filter;
	char lip[INET6_ADDRSTRLEN + 1], rip[INET6_ADDRSTRLEN + 1];

	client_filter(client, &filter, lip, rip, sizeof(lip));
	return config_get_size(login_process->config, &filter, key);
}

bool login_ip_in_networks(const struct ip_addr *ip, const char *networks)
{
	struct ip_addr net;
	unsigned int bits, i;
	char **list;
	bool found = false;

	if (ip->family == 0 || networks == NULL || *networks == '\0')
		return false;
	SCRATCH_BEGIN {
		list = str_split(scratch_arena(), networks, " ,\t", true);
		for (i = 0; list[i] != NULL && !found; i++) {
			if (net_parse_range(list[i], &net, &bits) < 0) {
				i_error("login_trusted_networks: "
					"Invalid network '%s'", list[i]);
				continue;
			}
			found = net_is_in_network(ip, &net, bits);
		}
	} SCRATCH_END;
	return found;
}
