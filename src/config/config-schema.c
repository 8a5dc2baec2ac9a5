/*
 * config-schema.c - the settings schema: every Dovecot 2.3 global setting
 * with its type and default (as doveconf -a of Dovecot 2.3.19 prints
 * them), the section schemas (service, listeners, passdb, userdb,
 * namespace, mailbox, metric, event_exporter, plugin, dict) and Dovecot's
 * built-in default services.
 *
 * The global table must stay sorted by name (a unit test checks it): the
 * lookup is a binary search.  "supported" marks the settings whose
 * feature Roost implements; the master warns about the others when a
 * configuration sets them.
 */
#include "lib.h"
#include "config-private.h"

#define S(name, type, def, enums, supported) \
	{ #name, CONFIG_TYPE_##type, def, enums, supported }

const struct config_setting_def config_global_settings[] = {
	S(auth_anonymous_username, STR, "anonymous", NULL, true),
	S(auth_cache_negative_ttl, TIME, "1 hours", NULL, true),
	S(auth_cache_size, SIZE, "0", NULL, true),
	S(auth_cache_ttl, TIME, "1 hours", NULL, true),
	S(auth_cache_verify_password_with_worker, BOOL, "no", NULL, true),
	S(auth_debug, BOOL, "no", NULL, true),
	S(auth_debug_passwords, BOOL, "no", NULL, true),
	S(auth_default_realm, STR, "", NULL, true),
	S(auth_failure_delay, TIME, "2 secs", NULL, true),
	S(auth_gssapi_hostname, STR, "", NULL, false),
	S(auth_krb5_keytab, STR, "", NULL, false),
	S(auth_master_user_separator, STR, "", NULL, true),
	S(auth_mechanisms, STR, "plain", NULL, true),
	S(auth_policy_check_after_auth, BOOL, "yes", NULL, false),
	S(auth_policy_check_before_auth, BOOL, "yes", NULL, false),
	S(auth_policy_hash_mech, STR, "sha256", NULL, false),
	S(auth_policy_hash_nonce, STR, "", NULL, false),
	S(auth_policy_hash_truncate, UINT, "12", NULL, false),
	S(auth_policy_log_only, BOOL, "no", NULL, false),
	S(auth_policy_reject_on_fail, BOOL, "no", NULL, false),
	S(auth_policy_report_after_auth, BOOL, "yes", NULL, true),
	S(auth_policy_request_attributes, STR,
		"login=%{requested_username} pwhash=%{hashed_password} remot"
		"e=%{rip} device_id=%{client_id} protocol=%s session_id=%{se"
		"ssion}",
		NULL,
		false),
	S(auth_policy_server_api_header, STR, "", NULL, false),
	S(auth_policy_server_timeout_msecs, UINT, "2000", NULL, false),
	S(auth_policy_server_url, STR, "", NULL, false),
	S(auth_proxy_self, STR, "", NULL, false),
	S(auth_realms, STR, "", NULL, true),
	S(auth_socket_path, STR, "auth-userdb", NULL, true),
	S(auth_ssl_require_client_cert, BOOL, "no", NULL, false),
	S(auth_ssl_username_from_cert, BOOL, "no", NULL, false),
	S(auth_stats, BOOL, "no", NULL, false),
	S(auth_use_winbind, BOOL, "no", NULL, false),
	S(auth_username_chars, STR,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"
		"7890.-_@",
		NULL,
		true),
	S(auth_username_format, STR, "%Lu", NULL, true),
	S(auth_username_translation, STR, "", NULL, true),
	S(auth_verbose, BOOL, "no", NULL, true),
	S(auth_verbose_passwords, STR, "no", NULL, true),
	S(auth_winbind_helper_path, STR, "/usr/bin/ntlm_auth", NULL, false),
	S(auth_worker_max_count, UINT, "30", NULL, true),
	S(base_dir, STR, "/run/dovecot", NULL, true),
	S(config_cache_size, SIZE, "1 M", NULL, false),
	S(debug_log_path, STR, "", NULL, true),
	S(default_client_limit, UINT, "1000", NULL, true),
	S(default_idle_kill, TIME, "1 mins", NULL, true),
	S(default_internal_group, STR, "dovecot", NULL, true),
	S(default_internal_user, STR, "dovecot", NULL, true),
	S(default_login_user, STR, "dovenull", NULL, true),
	S(default_process_limit, UINT, "100", NULL, true),
	S(default_vsz_limit, SIZE, "256 M", NULL, true),
	S(deliver_log_format, STR, "msgid=%m: %$", NULL, false),
	S(dict_db_config, STR, "", NULL, false),
	S(director_flush_socket, STR, "", NULL, false),
	S(director_mail_servers, STR, "", NULL, false),
	S(director_max_parallel_kicks, UINT, "100", NULL, false),
	S(director_max_parallel_moves, UINT, "100", NULL, false),
	S(director_output_buffer_size, SIZE, "10 M", NULL, false),
	S(director_ping_idle_timeout, TIME, "30 secs", NULL, false),
	S(director_ping_max_timeout, TIME, "1 mins", NULL, false),
	S(director_servers, STR, "", NULL, false),
	S(director_user_expire, TIME, "15 mins", NULL, false),
	S(director_user_kick_delay, TIME, "2 secs", NULL, false),
	S(director_username_hash, STR, "%Lu", NULL, false),
	S(disable_plaintext_auth, BOOL, "yes", NULL, true),
	S(dotlock_use_excl, BOOL, "yes", NULL, false),
	S(doveadm_allowed_commands, STR, "", NULL, false),
	S(doveadm_api_key, STR, "", NULL, false),
	S(doveadm_http_rawlog_dir, STR, "", NULL, false),
	S(doveadm_password, STR, "", NULL, false),
	S(doveadm_port, IN_PORT, "0", NULL, false),
	S(doveadm_socket_path, STR, "doveadm-server", NULL, false),
	S(doveadm_ssl, ENUM, "no", "no:ssl:starttls", false),
	S(doveadm_username, STR, "doveadm", NULL, false),
	S(doveadm_worker_count, UINT, "0", NULL, false),
	S(dsync_alt_char, STR, "_", NULL, false),
	S(dsync_commit_msgs_interval, UINT, "100", NULL, false),
	S(dsync_features, STR, "", NULL, false),
	S(dsync_hashed_headers, STR, "Date Message-ID", NULL, false),
	S(dsync_remote_cmd, STR,
		"ssh -l%{login} %{host} doveadm dsync-server -u%u -U",
		NULL,
		false),
	S(first_valid_gid, UINT, "1", NULL, true),
	S(first_valid_uid, UINT, "500", NULL, true),
	S(haproxy_timeout, TIME, "3 secs", NULL, true),
	S(haproxy_trusted_networks, STR, "", NULL, true),
	S(hostname, STR, "", NULL, true),
	S(imap_capability, STR, "", NULL, true),
	S(imap_client_workarounds, STR, "", NULL, true),
	S(imap_fetch_failure, ENUM,
		"disconnect-immediately",
		"disconnect-immediately:disconnect-after:no-after",
		false),
	S(imap_hibernate_timeout, TIME, "0", NULL, false),
	S(imap_id_log, STR, "", NULL, true),
	S(imap_id_retain, BOOL, "no", NULL, true),
	S(imap_id_send, STR, "name *", NULL, true),
	S(imap_idle_notify_interval, TIME, "2 mins", NULL, true),
	S(imap_literal_minus, BOOL, "no", NULL, true),
	S(imap_logout_format, STR,
		"in=%i out=%o deleted=%{deleted} expunged=%{expunged} trashe"
		"d=%{trashed} hdr_count=%{fetch_hdr_count} hdr_bytes=%{fetch"
		"_hdr_bytes} body_count=%{fetch_body_count} body_bytes=%{fet"
		"ch_body_bytes}",
		NULL,
		true),
	S(imap_max_line_length, SIZE, "64 k", NULL, true),
	S(imap_metadata, BOOL, "no", NULL, false),
	S(imap_urlauth_host, STR, "", NULL, false),
	S(imap_urlauth_logout_format, STR, "in=%i out=%o", NULL, false),
	S(imap_urlauth_port, IN_PORT, "143", NULL, false),
	S(imapc_cmd_timeout, TIME, "5 mins", NULL, false),
	S(imapc_connection_retry_count, UINT, "1", NULL, false),
	S(imapc_connection_retry_interval, TIME_MSECS, "1 secs", NULL, false),
	S(imapc_features, STR, "", NULL, false),
	S(imapc_host, STR, "", NULL, false),
	S(imapc_list_prefix, STR, "", NULL, false),
	S(imapc_master_user, STR, "", NULL, false),
	S(imapc_max_idle_time, TIME, "29 mins", NULL, false),
	S(imapc_max_line_length, SIZE, "0", NULL, false),
	S(imapc_password, STR, "", NULL, false),
	S(imapc_port, IN_PORT, "143", NULL, false),
	S(imapc_rawlog_dir, STR, "", NULL, false),
	S(imapc_sasl_mechanisms, STR, "", NULL, false),
	S(imapc_ssl, ENUM, "no", "no:imaps:starttls", false),
	S(imapc_ssl_verify, BOOL, "yes", NULL, false),
	S(imapc_user, STR, "", NULL, false),
	S(import_environment, STR,
		"TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS NOTIFY_SO"
		"CKET",
		NULL,
		true),
	S(info_log_path, STR, "", NULL, true),
	S(instance_name, STR, "dovecot", NULL, true),
	S(last_valid_gid, UINT, "0", NULL, true),
	S(last_valid_uid, UINT, "0", NULL, true),
	S(lda_mailbox_autocreate, BOOL, "no", NULL, true),
	S(lda_mailbox_autosubscribe, BOOL, "no", NULL, true),
	S(lda_original_recipient_header, STR, "", NULL, false),
	S(libexec_dir, STR, "/usr/lib/dovecot", NULL, true),
	S(listen, STR, "*, ::", NULL, true),
	S(lmtp_add_received_header, BOOL, "yes", NULL, false),
	S(lmtp_client_workarounds, STR, "", NULL, false),
	S(lmtp_hdr_delivery_address, ENUM,
		"final",
		"final:none:original",
		false),
	S(lmtp_proxy, BOOL, "no", NULL, false),
	S(lmtp_proxy_rawlog_dir, STR, "", NULL, false),
	S(lmtp_rawlog_dir, STR, "", NULL, false),
	S(lmtp_rcpt_check_quota, BOOL, "no", NULL, false),
	S(lmtp_save_to_detail_mailbox, BOOL, "no", NULL, false),
	S(lmtp_user_concurrency_limit, UINT, "0", NULL, false),
	S(lmtp_verbose_replies, BOOL, "no", NULL, false),
	S(lock_method, ENUM, "fcntl", "fcntl:flock:dotlock", false),
	S(log_core_filter, STR, "", NULL, true),
	S(log_debug, STR, "", NULL, true),
	S(log_path, STR, "syslog", NULL, true),
	S(log_timestamp, STR, "%b %d %H:%M:%S ", NULL, true),
	S(login_access_sockets, STR, "", NULL, true),
	S(login_greeting, STR, "Dovecot ready.", NULL, true),
	S(login_log_format, STR, "%$: %s", NULL, true),
	S(login_log_format_elements, STR,
		"user=<%u> method=%m rip=%r lip=%l mpid=%e %c session=<%{ses"
		"sion}>",
		NULL,
		true),
	S(login_plugin_dir, STR, "/usr/lib/dovecot/modules/login", NULL, true),
	S(login_plugins, STR, "", NULL, true),
	S(login_proxy_max_disconnect_delay, TIME, "0", NULL, true),
	S(login_proxy_max_reconnects, UINT, "3", NULL, true),
	S(login_proxy_notify_path, STR, "proxy-notify", NULL, true),
	S(login_proxy_rawlog_dir, STR, "", NULL, true),
	S(login_proxy_timeout, TIME_MSECS, "30 secs", NULL, true),
	S(login_source_ips, STR, "", NULL, true),
	S(login_trusted_networks, STR, "", NULL, true),
	S(mail_access_groups, STR, "", NULL, true),
	S(mail_always_cache_fields, STR, "", NULL, false),
	S(mail_attachment_detection_options, STR, "", NULL, false),
	S(mail_attachment_dir, STR, "", NULL, false),
	S(mail_attachment_fs, STR, "sis posix", NULL, false),
	S(mail_attachment_hash, STR, "%{sha1}", NULL, false),
	S(mail_attachment_min_size, SIZE, "128 k", NULL, false),
	S(mail_attribute_dict, STR, "", NULL, false),
	S(mail_cache_fields, STR, "flags", NULL, false),
	S(mail_chroot, STR, "", NULL, true),
	S(mail_debug, BOOL, "no", NULL, true),
	S(mail_fsync, ENUM, "optimized", "optimized:always:never", true),
	S(mail_full_filesystem_access, BOOL, "no", NULL, true),
	S(mail_gid, STR, "", NULL, true),
	S(mail_home, STR, "", NULL, true),
	S(mail_location, STR, "", NULL, true),
	S(mail_log_prefix, STR, "%s(%u)<%{pid}><%{session}>: ", NULL, true),
	S(mail_max_keyword_length, UINT, "50", NULL, true),
	S(mail_max_lock_timeout, TIME, "0", NULL, true),
	S(mail_max_userip_connections, UINT, "10", NULL, true),
	S(mail_never_cache_fields, STR, "imap.envelope", NULL, false),
	S(mail_nfs_index, BOOL, "no", NULL, false),
	S(mail_nfs_storage, BOOL, "no", NULL, false),
	S(mail_plugin_dir, STR, "/usr/lib/dovecot/modules", NULL, false),
	S(mail_plugins, STR, "", NULL, true),
	S(mail_prefetch_count, UINT, "0", NULL, false),
	S(mail_privileged_group, STR, "", NULL, true),
	S(mail_save_crlf, BOOL, "no", NULL, true),
	S(mail_server_admin, STR, "", NULL, true),
	S(mail_server_comment, STR, "", NULL, true),
	S(mail_shared_explicit_inbox, BOOL, "no", NULL, false),
	S(mail_sort_max_read_count, UINT, "0", NULL, false),
	S(mail_temp_dir, STR, "/tmp", NULL, true),
	S(mail_temp_scan_interval, TIME, "1 weeks", NULL, false),
	S(mail_uid, STR, "", NULL, true),
	S(mail_vsize_bg_after_count, UINT, "0", NULL, false),
	S(mailbox_idle_check_interval, TIME, "30 secs", NULL, true),
	S(mailbox_list_index, BOOL, "yes", NULL, false),
	S(mailbox_list_index_include_inbox, BOOL, "no", NULL, false),
	S(mailbox_list_index_very_dirty_syncs, BOOL, "no", NULL, false),
	S(maildir_broken_filename_sizes, BOOL, "no", NULL, false),
	S(maildir_copy_with_hardlinks, BOOL, "yes", NULL, true),
	S(maildir_empty_new, BOOL, "no", NULL, false),
	S(maildir_stat_dirs, BOOL, "no", NULL, false),
	S(maildir_very_dirty_syncs, BOOL, "no", NULL, true),
	S(managesieve_client_workarounds, STR, "", NULL, false),
	S(managesieve_implementation_string, STR,
		"Dovecot (Debian) Pigeonhole",
		NULL,
		false),
	S(managesieve_logout_format, STR, "bytes=%i/%o", NULL, false),
	S(managesieve_max_compile_errors, UINT, "5", NULL, false),
	S(managesieve_max_line_length, SIZE, "64 k", NULL, false),
	S(managesieve_notify_capability, STR, "mailto", NULL, false),
	S(managesieve_sieve_capability, STR,
		"fileinto reject envelope encoded-character vacation subaddr"
		"ess comparator-i;ascii-numeric relational regex imap4flags "
		"copy include variables body enotify environment mailbox dat"
		"e index ihave duplicate mime foreverypart extracttext",
		NULL,
		false),
	S(master_user_separator, STR, "", NULL, false),
	S(mbox_dirty_syncs, BOOL, "yes", NULL, false),
	S(mbox_dotlock_change_timeout, TIME, "2 mins", NULL, false),
	S(mbox_lazy_writes, BOOL, "yes", NULL, false),
	S(mbox_lock_timeout, TIME, "5 mins", NULL, false),
	S(mbox_md5, ENUM, "apop3d", "apop3d:all", false),
	S(mbox_min_index_size, SIZE, "0", NULL, false),
	S(mbox_read_locks, STR, "fcntl", NULL, false),
	S(mbox_very_dirty_syncs, BOOL, "no", NULL, false),
	S(mbox_write_locks, STR, "fcntl dotlock", NULL, false),
	S(mdbox_preallocate_space, BOOL, "no", NULL, false),
	S(mdbox_rotate_interval, TIME, "0", NULL, false),
	S(mdbox_rotate_size, SIZE, "10 M", NULL, false),
	S(mmap_disable, BOOL, "no", NULL, false),
	S(old_stats_carbon_interval, TIME, "30 secs", NULL, false),
	S(old_stats_carbon_name, STR, "", NULL, false),
	S(old_stats_carbon_server, STR, "", NULL, false),
	S(old_stats_command_min_time, TIME, "1 mins", NULL, false),
	S(old_stats_domain_min_time, TIME, "12 hours", NULL, false),
	S(old_stats_ip_min_time, TIME, "12 hours", NULL, false),
	S(old_stats_memory_limit, SIZE, "16 M", NULL, false),
	S(old_stats_session_min_time, TIME, "15 mins", NULL, false),
	S(old_stats_user_min_time, TIME, "1 hours", NULL, false),
	S(pop3_client_workarounds, STR, "", NULL, false),
	S(pop3_delete_type, ENUM, "default", "default:expunge:flag", false),
	S(pop3_deleted_flag, STR, "", NULL, false),
	S(pop3_enable_last, BOOL, "no", NULL, false),
	S(pop3_fast_size_lookups, BOOL, "no", NULL, false),
	S(pop3_lock_session, BOOL, "no", NULL, false),
	S(pop3_logout_format, STR,
		"top=%t/%p, retr=%r/%b, del=%d/%m, size=%s",
		NULL,
		false),
	S(pop3_no_flag_updates, BOOL, "no", NULL, false),
	S(pop3_reuse_xuidl, BOOL, "no", NULL, false),
	S(pop3_save_uidl, BOOL, "no", NULL, false),
	S(pop3_uidl_duplicates, ENUM, "allow", "allow:rename", false),
	S(pop3_uidl_format, STR, "%08Xu%08Xv", NULL, false),
	S(pop3c_features, STR, "", NULL, false),
	S(pop3c_host, STR, "", NULL, false),
	S(pop3c_master_user, STR, "", NULL, false),
	S(pop3c_password, STR, "", NULL, false),
	S(pop3c_port, IN_PORT, "110", NULL, false),
	S(pop3c_quick_received_date, BOOL, "no", NULL, false),
	S(pop3c_rawlog_dir, STR, "", NULL, false),
	S(pop3c_ssl, ENUM, "no", "no:pop3s:starttls", false),
	S(pop3c_ssl_verify, BOOL, "yes", NULL, false),
	S(pop3c_user, STR, "%u", NULL, false),
	S(postmaster_address, STR,
		"postmaster@%{if;%d;ne;;%d;%{hostname}}",
		NULL,
		true),
	S(process_shutdown_filter, STR, "", NULL, false),
	S(protocols, STR, "imap pop3 lmtp", NULL, true),
	S(quota_full_tempfail, BOOL, "no", NULL, false),
	S(rawlog_dir, STR, "", NULL, false),
	S(recipient_delimiter, STR, "+", NULL, true),
	S(rejection_reason, STR,
		"Your message to <%t> was automatically rejected:%n%r",
		NULL,
		false),
	S(rejection_subject, STR, "Rejected: %s", NULL, false),
	S(replication_dsync_parameters, STR, "-d -N -l 30 -U", NULL, false),
	S(replication_full_sync_interval, TIME, "1 days", NULL, false),
	S(replication_max_conns, UINT, "10", NULL, false),
	S(replicator_host, STR, "replicator", NULL, false),
	S(replicator_port, IN_PORT, "0", NULL, false),
	S(sendmail_path, STR, "/usr/sbin/sendmail", NULL, false),
	S(shutdown_clients, BOOL, "yes", NULL, true),
	S(ssl, ENUM, "yes", "yes:no:required", true),
	S(ssl_alt_cert, STR, "", NULL, true),
	S(ssl_alt_key, STR, "", NULL, true),
	S(ssl_ca, STR, "", NULL, true),
	S(ssl_cert, STR, "", NULL, true),
	S(ssl_cert_username_field, STR, "commonName", NULL, true),
	S(ssl_cipher_list, STR,
		"ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:"
		"!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH",
		NULL,
		true),
	S(ssl_cipher_suites, STR, "", NULL, true),
	S(ssl_client_ca_dir, STR, "", NULL, true),
	S(ssl_client_ca_file, STR, "", NULL, true),
	S(ssl_client_cert, STR, "", NULL, true),
	S(ssl_client_key, STR, "", NULL, true),
	S(ssl_client_require_valid_cert, BOOL, "yes", NULL, true),
	S(ssl_crypto_device, STR, "", NULL, true),
	S(ssl_curve_list, STR, "", NULL, true),
	S(ssl_dh, STR, "", NULL, true),
	S(ssl_key, STR, "", NULL, true),
	S(ssl_key_password, STR, "", NULL, true),
	S(ssl_min_protocol, STR, "TLSv1.2", NULL, true),
	S(ssl_options, STR, "", NULL, true),
	S(ssl_prefer_server_ciphers, BOOL, "no", NULL, true),
	S(ssl_require_crl, BOOL, "yes", NULL, true),
	S(ssl_verify_client_cert, BOOL, "no", NULL, true),
	S(state_dir, STR, "/var/lib/dovecot", NULL, true),
	S(stats_http_rawlog_dir, STR, "", NULL, false),
	S(stats_writer_socket_path, STR, "stats-writer", NULL, false),
	S(submission_client_workarounds, STR, "", NULL, false),
	S(submission_host, STR, "", NULL, false),
	S(submission_logout_format, STR, "in=%i out=%o", NULL, false),
	S(submission_max_mail_size, SIZE, "0", NULL, false),
	S(submission_max_recipients, UINT, "0", NULL, false),
	S(submission_relay_command_timeout, TIME_MSECS, "5 mins", NULL, false),
	S(submission_relay_connect_timeout, TIME_MSECS, "30 secs", NULL, false),
	S(submission_relay_host, STR, "", NULL, false),
	S(submission_relay_master_user, STR, "", NULL, false),
	S(submission_relay_max_idle_time, TIME, "29 mins", NULL, false),
	S(submission_relay_password, STR, "", NULL, false),
	S(submission_relay_port, IN_PORT, "25", NULL, false),
	S(submission_relay_rawlog_dir, STR, "", NULL, false),
	S(submission_relay_ssl, ENUM, "no", "no:smtps:starttls", false),
	S(submission_relay_ssl_verify, BOOL, "yes", NULL, false),
	S(submission_relay_trusted, BOOL, "no", NULL, false),
	S(submission_relay_user, STR, "", NULL, false),
	S(submission_ssl, ENUM, "no", "no:smtps:starttls", false),
	S(submission_timeout, TIME, "30 secs", NULL, false),
	S(syslog_facility, STR, "mail", NULL, true),
	S(valid_chroot_dirs, STR, "", NULL, true),
	S(verbose_proctitle, BOOL, "no", NULL, true),
	S(verbose_ssl, BOOL, "no", NULL, true),
	S(version_ignore, BOOL, "no", NULL, true),
};
const unsigned int config_global_settings_count =
	N_ELEMENTS(config_global_settings);

static const struct config_setting_def service_settings[] = {
	S(chroot, STR, "", NULL, true),
	S(client_limit, UINT, "0", NULL, true),
	S(drop_priv_before_exec, BOOL, "no", NULL, true),
	S(executable, STR, "", NULL, true),
	S(extra_groups, STR, "", NULL, true),
	S(group, STR, "", NULL, true),
	S(idle_kill, TIME, "0", NULL, true),
	S(privileged_group, STR, "", NULL, true),
	S(process_limit, UINT, "0", NULL, true),
	S(process_min_avail, UINT, "0", NULL, true),
	S(protocol, STR, "", NULL, true),
	S(service_count, UINT, "0", NULL, true),
	S(type, STR, "", NULL, true),
	S(user, STR, "", NULL, true),
	S(vsz_limit, SIZE, "18446744073709551615 B", NULL, true),
};

static const struct config_setting_def inet_listener_settings[] = {
	S(address, STR, "", NULL, true),
	S(haproxy, BOOL, "no", NULL, true),
	S(port, IN_PORT, "0", NULL, true),
	S(reuse_port, BOOL, "no", NULL, true),
	S(ssl, BOOL, "no", NULL, true),
};

static const struct config_setting_def unix_listener_settings[] = {
	S(group, STR, "", NULL, true),
	S(mode, OCTAL, "0600", NULL, true),
	S(user, STR, "", NULL, true),
};

#define RESULT_VALUES \
	"return-ok:return:return-fail:continue:continue-ok:continue-fail"

static const struct config_setting_def passdb_settings[] = {
	S(args, STR, "", NULL, true),
	S(auth_verbose, ENUM, "default", "default:yes:no", true),
	S(default_fields, STR, "", NULL, true),
	S(deny, BOOL, "no", NULL, true),
	S(driver, STR, "", NULL, true),
	S(master, BOOL, "no", NULL, true),
	S(mechanisms, STR, "", NULL, true),
	S(name, STR, "", NULL, true),
	S(override_fields, STR, "", NULL, true),
	S(pass, BOOL, "no", NULL, true),
	S(result_failure, ENUM, "continue", "continue:" RESULT_VALUES, true),
	S(result_internalfail, ENUM, "continue", "continue:" RESULT_VALUES,
		true),
	S(result_success, ENUM, "return-ok", RESULT_VALUES, true),
	S(skip, ENUM, "never", "never:authenticated:unauthenticated", true),
	S(username_filter, STR, "", NULL, true),
};

static const struct config_setting_def userdb_settings[] = {
	S(args, STR, "", NULL, true),
	S(auth_verbose, ENUM, "default", "default:yes:no", true),
	S(default_fields, STR, "", NULL, true),
	S(driver, STR, "", NULL, true),
	S(name, STR, "", NULL, true),
	S(override_fields, STR, "", NULL, true),
	S(result_failure, ENUM, "continue", "continue:" RESULT_VALUES, true),
	S(result_internalfail, ENUM, "continue", "continue:" RESULT_VALUES,
		true),
	S(result_success, ENUM, "return-ok", RESULT_VALUES, true),
	S(skip, ENUM, "never", "never:found:notfound", true),
};

static const struct config_setting_def namespace_settings[] = {
	S(alias_for, STR, "", NULL, false),
	S(disabled, BOOL, "no", NULL, true),
	S(hidden, BOOL, "no", NULL, true),
	S(ignore_on_failure, BOOL, "no", NULL, true),
	S(inbox, BOOL, "no", NULL, true),
	S(list, ENUM, "yes", "yes:no:children", true),
	S(location, STR, "", NULL, true),
	S(order, UINT, "0", NULL, true),
	S(prefix, STR, "", NULL, true),
	S(separator, STR, "", NULL, true),
	S(subscriptions, BOOL, "yes", NULL, true),
	S(type, ENUM, "private", "private:shared:public", true),
};

static const struct config_setting_def mailbox_settings[] = {
	S(auto, ENUM, "no", "no:create:subscribe", true),
	S(autoexpunge, TIME, "0", NULL, false),
	S(autoexpunge_max_mails, UINT, "0", NULL, false),
	S(comment, STR, "", NULL, true),
	S(driver, STR, "", NULL, false),
	S(special_use, STR, "", NULL, true),
};

static const struct config_setting_def metric_settings[] = {
	S(description, STR, "", NULL, false),
	S(exporter, STR, "", NULL, false),
	S(exporter_include, STR, "name hostname timestamps categories fields",
		NULL, false),
	S(fields, STR, "", NULL, false),
	S(filter, STR, "", NULL, false),
	S(group_by, STR, "", NULL, false),
};

static const struct config_setting_def event_exporter_settings[] = {
	S(format, STR, "", NULL, false),
	S(format_args, STR, "", NULL, false),
	S(transport, STR, "", NULL, false),
	S(transport_args, STR, "", NULL, false),
	S(transport_timeout, TIME_MSECS, "250 ms", NULL, false),
};

#define SETTINGS(arr) arr, N_ELEMENTS(arr)

static const char *const no_children[] = { NULL };
static const char *const service_children[] = {
	"inet_listener", "unix_listener", "fifo_listener", NULL
};
static const char *const namespace_children[] = { "mailbox", NULL };
static const char *const root_children[] = {
	"service", "passdb", "userdb", "namespace", "plugin", "dict",
	"metric", "event_exporter", NULL
};

static const struct config_section_def section_defs[] = {
	{ "service", SETTINGS(service_settings), false, service_children },
	{ "inet_listener", SETTINGS(inet_listener_settings), false,
		no_children },
	{ "unix_listener", SETTINGS(unix_listener_settings), false,
		no_children },
	{ "fifo_listener", SETTINGS(unix_listener_settings), false,
		no_children },
	{ "passdb", SETTINGS(passdb_settings), false, no_children },
	{ "userdb", SETTINGS(userdb_settings), false, no_children },
	{ "namespace", SETTINGS(namespace_settings), false,
		namespace_children },
	{ "mailbox", SETTINGS(mailbox_settings), false, no_children },
	{ "metric", SETTINGS(metric_settings), false, no_children },
	{ "event_exporter", SETTINGS(event_exporter_settings), false,
		no_children },
	{ "plugin", NULL, 0, true, no_children },
	{ "dict", NULL, 0, true, no_children },
};

const struct config_section_def config_root_def = {
	"", SETTINGS(config_global_settings), false, root_children
};

static int setting_cmp(const void *key, const void *elem)
{
	const struct config_setting_def *def = elem;

	return strcmp(key, def->name);
}

int config_schema_global_index(const char *name)
{
	const struct config_setting_def *def;

	def = bsearch(name, config_global_settings,
		config_global_settings_count, sizeof(*def), setting_cmp);
	return def == NULL ? -1 : (int)(def - config_global_settings);
}

const struct config_setting_def *
config_section_def_find_setting(const struct config_section_def *def,
	const char *name)
{
	if (def->settings == NULL)
		return NULL;
	return bsearch(name, def->settings, def->settings_count,
		sizeof(*def->settings), setting_cmp);
}

const struct config_section_def *
config_section_def_child(const struct config_section_def *parent,
	const char *type)
{
	unsigned int i;

	for (i = 0; parent->children[i] != NULL; i++) {
		if (strcmp(parent->children[i], type) != 0)
			continue;
		for (unsigned int j = 0; j < N_ELEMENTS(section_defs); j++) {
			if (strcmp(section_defs[j].type, type) == 0)
				return &section_defs[j];
		}
	}
	return NULL;
}

bool config_setting_exists(const char *key)
{
	return config_schema_global_index(key) >= 0;
}

bool config_setting_is_supported(const char *key)
{
	int idx = config_schema_global_index(key);

	return idx >= 0 && config_global_settings[idx].supported;
}

/* Dovecot 2.3's default services, printed by doveconf -a with an empty
   configuration, less the values equal to the generic service and
   listener defaults above.  $default_* references are expanded when a
   configuration is loaded. */
const char config_builtin_services[] =
	"service aggregator {\n"
	"  chroot = .\n"
	"  executable = aggregator\n"
	"  fifo_listener replication-notify-fifo {\n"
	"  }\n"
	"  unix_listener replication-notify {\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service anvil {\n"
	"  chroot = empty\n"
	"  executable = anvil\n"
	"  idle_kill = 4294967295 secs\n"
	"  process_limit = 1\n"
	"  process_min_avail = 1\n"
	"  type = anvil\n"
	"  unix_listener anvil-auth-penalty {\n"
	"  }\n"
	"  unix_listener anvil {\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service auth-worker {\n"
	"  client_limit = 1\n"
	"  executable = auth -w\n"
	"  type = worker\n"
	"  unix_listener auth-worker {\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"}\n"
	"service auth {\n"
	"  executable = auth\n"
	"  process_limit = 1\n"
	"  unix_listener auth-client {\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"  unix_listener auth-login {\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"  unix_listener auth-master {\n"
	"  }\n"
	"  unix_listener auth-userdb {\n"
	"    mode = 0666\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"  unix_listener login/login {\n"
	"    mode = 0666\n"
	"  }\n"
	"  unix_listener token-login/tokenlogin {\n"
	"    mode = 0666\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service config {\n"
	"  executable = config\n"
	"  idle_kill = 4294967295 secs\n"
	"  type = config\n"
	"  unix_listener config {\n"
	"  }\n"
	"}\n"
	"service dict-async {\n"
	"  executable = dict\n"
	"  unix_listener dict-async {\n"
	"    group = $default_internal_group\n"
	"    mode = 0660\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service dict {\n"
	"  client_limit = 1\n"
	"  executable = dict\n"
	"  unix_listener dict {\n"
	"    group = $default_internal_group\n"
	"    mode = 0660\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service director {\n"
	"  chroot = .\n"
	"  executable = director\n"
	"  fifo_listener login/proxy-notify {\n"
	"    mode = 00\n"
	"  }\n"
	"  idle_kill = 4294967295 secs\n"
	"  process_limit = 1\n"
	"  unix_listener director-admin {\n"
	"  }\n"
	"  unix_listener login/director {\n"
	"    mode = 00\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service dns-client {\n"
	"  client_limit = 1\n"
	"  executable = dns-client\n"
	"  unix_listener dns-client {\n"
	"    mode = 0666\n"
	"  }\n"
	"  unix_listener login/dns-client {\n"
	"    mode = 0666\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service doveadm {\n"
	"  client_limit = 1\n"
	"  executable = doveadm-server\n"
	"  extra_groups = $default_internal_group\n"
	"  service_count = 1\n"
	"  unix_listener doveadm-server {\n"
	"  }\n"
	"}\n"
	"service health-check {\n"
	"  client_limit = 1\n"
	"  drop_priv_before_exec = yes\n"
	"  executable = script -p health-check.sh\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service imap-hibernate {\n"
	"  executable = imap-hibernate\n"
	"  protocol = imap\n"
	"  unix_listener imap-hibernate {\n"
	"    group = $default_internal_group\n"
	"    mode = 0660\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service imap-login {\n"
	"  chroot = login\n"
	"  executable = imap-login\n"
	"  inet_listener imap {\n"
	"    port = 143\n"
	"  }\n"
	"  inet_listener imaps {\n"
	"    port = 993\n"
	"    ssl = yes\n"
	"  }\n"
	"  protocol = imap\n"
	"  service_count = 1\n"
	"  type = login\n"
	"  user = $default_login_user\n"
	"}\n"
	"service imap-urlauth-login {\n"
	"  chroot = token-login\n"
	"  executable = imap-urlauth-login\n"
	"  protocol = imap\n"
	"  service_count = 1\n"
	"  type = login\n"
	"  unix_listener imap-urlauth {\n"
	"    mode = 0666\n"
	"  }\n"
	"  user = $default_login_user\n"
	"}\n"
	"service imap-urlauth-worker {\n"
	"  client_limit = 1\n"
	"  executable = imap-urlauth-worker\n"
	"  extra_groups = $default_internal_group\n"
	"  process_limit = 1024\n"
	"  protocol = imap\n"
	"  service_count = 1\n"
	"  unix_listener imap-urlauth-worker {\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"}\n"
	"service imap-urlauth {\n"
	"  client_limit = 1\n"
	"  executable = imap-urlauth\n"
	"  process_limit = 1024\n"
	"  protocol = imap\n"
	"  service_count = 1\n"
	"  unix_listener token-login/imap-urlauth {\n"
	"    mode = 0666\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service imap {\n"
	"  client_limit = 1\n"
	"  executable = imap\n"
	"  extra_groups = $default_internal_group\n"
	"  process_limit = 1024\n"
	"  protocol = imap\n"
	"  service_count = 1\n"
	"  unix_listener imap-master {\n"
	"  }\n"
	"  unix_listener login/imap {\n"
	"    mode = 0666\n"
	"  }\n"
	"}\n"
	"service indexer-worker {\n"
	"  client_limit = 1\n"
	"  executable = indexer-worker\n"
	"  extra_groups = $default_internal_group\n"
	"  process_limit = 10\n"
	"  type = worker\n"
	"  unix_listener indexer-worker {\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"}\n"
	"service indexer {\n"
	"  executable = indexer\n"
	"  process_limit = 1\n"
	"  unix_listener indexer {\n"
	"    mode = 0666\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service ipc {\n"
	"  chroot = empty\n"
	"  executable = ipc\n"
	"  process_limit = 1\n"
	"  unix_listener ipc {\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"  unix_listener login/ipc-proxy {\n"
	"    user = $default_login_user\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service lmtp {\n"
	"  client_limit = 1\n"
	"  executable = lmtp\n"
	"  extra_groups = $default_internal_group\n"
	"  protocol = lmtp\n"
	"  unix_listener lmtp {\n"
	"    mode = 0666\n"
	"  }\n"
	"}\n"
	"service log {\n"
	"  executable = log\n"
	"  idle_kill = 4294967295 secs\n"
	"  process_limit = 1\n"
	"  type = log\n"
	"  unix_listener log-errors {\n"
	"  }\n"
	"}\n"
	"service managesieve-login {\n"
	"  chroot = login\n"
	"  executable = managesieve-login\n"
	"  inet_listener sieve {\n"
	"    port = 4190\n"
	"  }\n"
	"  protocol = sieve\n"
	"  service_count = 1\n"
	"  type = login\n"
	"  user = $default_login_user\n"
	"}\n"
	"service managesieve {\n"
	"  client_limit = 1\n"
	"  executable = managesieve\n"
	"  protocol = sieve\n"
	"  service_count = 1\n"
	"  unix_listener login/sieve {\n"
	"    mode = 0666\n"
	"  }\n"
	"}\n"
	"service old-stats {\n"
	"  chroot = empty\n"
	"  executable = old-stats\n"
	"  fifo_listener old-stats-mail {\n"
	"  }\n"
	"  fifo_listener old-stats-user {\n"
	"  }\n"
	"  idle_kill = 4294967295 secs\n"
	"  process_limit = 1\n"
	"  unix_listener old-stats {\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service pop3-login {\n"
	"  chroot = login\n"
	"  executable = pop3-login\n"
	"  inet_listener pop3 {\n"
	"    port = 110\n"
	"  }\n"
	"  inet_listener pop3s {\n"
	"    port = 995\n"
	"    ssl = yes\n"
	"  }\n"
	"  protocol = pop3\n"
	"  service_count = 1\n"
	"  type = login\n"
	"  user = $default_login_user\n"
	"}\n"
	"service pop3 {\n"
	"  client_limit = 1\n"
	"  executable = pop3\n"
	"  extra_groups = $default_internal_group\n"
	"  process_limit = 1024\n"
	"  protocol = pop3\n"
	"  service_count = 1\n"
	"  unix_listener login/pop3 {\n"
	"    mode = 0666\n"
	"  }\n"
	"}\n"
	"service replicator {\n"
	"  executable = replicator\n"
	"  idle_kill = 4294967295 secs\n"
	"  process_limit = 1\n"
	"  unix_listener replicator-doveadm {\n"
	"    mode = 00\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"  unix_listener replicator {\n"
	"    user = $default_internal_user\n"
	"  }\n"
	"}\n"
	"service stats {\n"
	"  executable = stats\n"
	"  idle_kill = 4294967295 secs\n"
	"  process_limit = 1\n"
	"  unix_listener login/stats-writer {\n"
	"    user = $default_login_user\n"
	"  }\n"
	"  unix_listener stats-reader {\n"
	"  }\n"
	"  unix_listener stats-writer {\n"
	"    group = $default_internal_group\n"
	"    mode = 0660\n"
	"  }\n"
	"  user = $default_internal_user\n"
	"}\n"
	"service submission-login {\n"
	"  chroot = login\n"
	"  executable = submission-login\n"
	"  inet_listener submission {\n"
	"    port = 587\n"
	"  }\n"
	"  protocol = submission\n"
	"  service_count = 1\n"
	"  type = login\n"
	"  user = $default_login_user\n"
	"}\n"
	"service submission {\n"
	"  client_limit = 1\n"
	"  executable = submission\n"
	"  extra_groups = $default_internal_group\n"
	"  process_limit = 1024\n"
	"  protocol = submission\n"
	"  service_count = 1\n"
	"  unix_listener login/submission {\n"
	"    mode = 0666\n"
	"  }\n"
	"}\n"
	"service tcpwrap {\n"
	"  client_limit = 1\n"
	"  executable = tcpwrap\n"
	"  user = $default_internal_user\n"
	"}\n";
