/*
 * login-log.h - the login processes' log lines, formatted as Dovecot 2.3
 * does: login_log_format ("%$: %s", where %$ is the message and %s the
 * expanded login_log_format_elements) with the elements
 * ("user=<%u> method=%m rip=%r lip=%l mpid=%e %c session=<%{session}>")
 * expanded one by one, joined with ", ", and elements whose variables are
 * all empty dropped (an element naming the user, %u or %n, is always
 * kept).  Example:
 *
 *	Login: user=<joe>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1,
 *	mpid=1234, secured, session=<L6iFUYp2sO5/AAAB>
 *
 * Pure functions; the client code fills struct login_log_vars.  They
 * allocate temporaries (and error strings) from the scratch arena, so
 * callers wrap them in SCRATCH_BEGIN/END.  Output buffers must not be
 * scratch-allocated (var_expand() opens scratch frames of its own).
 */
#ifndef ROOST_LOGIN_LOG_H
#define ROOST_LOGIN_LOG_H

struct arena;
struct buf;
struct var_expand_table;

/* The values of the login variables; NULL or "" = empty. */
struct login_log_vars {
	const char *user;        /* %u %{user}; %n %{username}, %d %{domain} */
	const char *service;     /* %s %{service}: "imap" */
	const char *local_ip;    /* %l %{lip} */
	const char *remote_ip;   /* %r %{rip} */
	const char *local_port;  /* %a %{lport} */
	const char *remote_port; /* %b %{rport} */
	const char *pid;         /* %p %{pid}: the login process */
	const char *mech;        /* %m %{mech} */
	const char *secured;     /* %c %{secured}: "secured", "TLS" or "" */
	const char *ssl_security;/* %k %{ssl_security} */
	const char *mail_pid;    /* %e %{mail_pid} */
	const char *session;     /* %{session} */
	const char *local_name;  /* %{local_name} */
	const char *listener;    /* %{listener} */
	const char *orig_user;   /* %{orig_user} ... */
	const char *auth_user;   /* %{auth_user} ... */
};

/* Builds the variable table for vars in arena (lives as long as it). */
const struct var_expand_table *
login_log_var_table(struct arena *arena, const struct login_log_vars *vars);

/*
 * Appends the expanded elements (space-separated element templates) to
 * dest, joined with ", ", dropping elements whose variables all expand to
 * empty unless they name the user.  Returns 0, or -1 with *error_r when
 * an element has an unknown variable or dest's max is reached.
 */
int login_log_expand_elements(struct buf *dest, const char *elements,
	const struct var_expand_table *table, const char **error_r);

/*
 * Appends the whole line: format with %$ = msg and %s = elements_str
 * (the output of login_log_expand_elements).  Returns 0 or -1 with
 * *error_r.
 */
int login_log_expand_line(struct buf *dest, const char *format,
	const char *msg, const char *elements_str, const char **error_r);

#endif
