/*
 * adm-askpass.h - reading a password for roostadm auth test and pw.
 *
 * When stdin is a terminal the prompt goes to stderr, the password is read
 * from /dev/tty with echo turned off, and a newline follows on stderr
 * (doveadm's behaviour).  Otherwise one line is read from stdin without a
 * prompt, so scripts can pipe the password in.
 */
#ifndef ROOSTADM_ADM_ASKPASS_H
#define ROOSTADM_ADM_ASKPASS_H

/* Longest password accepted, in bytes. */
#define ADM_ASKPASS_MAX_LEN 4096

/*
 * Prompts and reads one line (without its "\n" or "\r") from fd, or from
 * the terminal as described above when fd is -1.  Returns 0 with the
 * password in *password_r allocated from arena (use a clean arena: it
 * holds a secret), or -1 with *error_r (scratch memory) when the terminal
 * cannot be opened or the line is longer than ADM_ASKPASS_MAX_LEN.  End of
 * input ends the line.  Blocks.
 */
int adm_askpass(const char *prompt, int fd, struct arena *arena,
	const char **password_r, const char **error_r);

#endif
