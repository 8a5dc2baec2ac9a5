/*
 * var-expand.h - Dovecot's %variable expansion (2.3 semantics).
 *
 * "%u" and "%{user}" look up a table entry; modifiers (%L lower, %U upper,
 * %E escape, %H hash, %N new hash, %M md5, %D domain parts as LDAP dc=,
 * %R reverse, %X hex, %T trim) and offsets/widths ("%.3n", "%2.1Mu",
 * "%-1.2Ld", "%05.3X...") apply as in Dovecot; "%%" is a literal '%'.
 * Built-in long keys: %{pid} %{uid} %{gid} %{hostname}, %{env:NAME},
 * hash functions %{md5:user} %{sha1;truncate=..;rounds=..;salt=..;
 * format=hex|base64:key}, and %{if;a;op;b;then;else}.
 */
#ifndef ROOST_VAR_EXPAND_H
#define ROOST_VAR_EXPAND_H

struct arena;
struct buf;

/* A table is an array terminated by an entry with key '\0' and long_key
   NULL.  value NULL expands to "". */
struct var_expand_table {
	char key;
	const char *value;
	const char *long_key;
};

/*
 * Appends str with its variables expanded to dest.  Returns 0, or -1 with
 * *error_r (scratch memory) naming the problem: "Unknown variable '%x'",
 * "Unknown variable 'foo'", a bad %{if} or hash argument, or dest's max
 * being exceeded.  On -1, dest holds a partial expansion.
 */
int var_expand(struct buf *dest, const char *str,
	const struct var_expand_table *table, const char **error_r);

/* Returns the value of key in table, or NULL if not present. */
const char *var_expand_table_lookup(const struct var_expand_table *table,
	char key, const char *long_key);

/*
 * The inputs of the standard tables.  NULL members expand to "" (the
 * variable is still known, as in Dovecot).
 */
struct var_expand_params {
	const char *user;       /* %u %{user}; %n %{username}, %d %{domain} */
	const char *service;    /* %s %{service} (protocol: imap, pop3, ...) */
	const char *local_ip;   /* %l %{lip} */
	const char *remote_ip;  /* %r %{rip} */
	const char *local_port; /* %{lport} */
	const char *remote_port;/* %{rport} */
	const char *pid;        /* %p %{pid}: the session's process */
	const char *home;       /* %h %{home} */
	const char *session;    /* %{session} */
	const char *local_name; /* %{local_name} */
	const char *orig_user;  /* %{orig_user} ... */
	const char *auth_user;  /* %{auth_user}, %{auth_username}, ... */
	const char *password;   /* %w %{password} (auth only) */
	const char *mech;       /* %m %{mech} */
	const char *secured;    /* %c %{secured}: "secured" or "" */
	const char *cert;       /* %k %{cert}: "valid" or "" */
	const char *master_user;/* %{master_user} */
	const char *login_user; /* %{login_user} ... */
	const char *hostname;   /* %{hostname}; NULL = this host's name */
};

/*
 * Builds the standard mail/auth table from params in arena: %u %n %d %s
 * %l %r %p %h %w %m %c %k and %{user} %{username} %{domain} %{service}
 * %{lip} %{rip} %{lport} %{rport} %{pid} %{home} %{hostname} %{session}
 * %{local_name} %{orig_user} %{orig_username} %{orig_domain}
 * %{auth_user} %{auth_username} %{auth_domain} %{master_user}
 * %{password} %{mech} %{secured} %{cert}.  The returned table lives as
 * long as arena.
 */
const struct var_expand_table *
var_expand_table_build(struct arena *arena,
	const struct var_expand_params *params);

/*
 * Concatenates two tables (entries of a first, then b) into arena; either
 * may be NULL.  Lookups take the first match, so a overrides b.
 */
const struct var_expand_table *
var_expand_table_merge(struct arena *arena, const struct var_expand_table *a,
	const struct var_expand_table *b);

/* True if str references the short variable key (%x, with any
   modifiers) or %{long_key}; key may be NUL, long_key NULL. */
bool var_has_key(const char *str, char key, const char *long_key);

#endif
