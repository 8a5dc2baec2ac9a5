/*
 * proctitle.c - process titles (see proctitle.h).  The kernel shows the
 * memory between argv[0] and the end of the last contiguous argv/environ
 * string as /proc/PID/cmdline; writing there changes what ps prints.
 */
#include "lib.h"
#include "proctitle.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

extern char **environ;

static char *title_area;
static size_t title_size;

void proctitle_init(int argc, char ***argv)
{
	char **old_argv = *argv, **new_argv, **new_env;
	char *end;
	unsigned int env_count = 0;

	if (title_area != NULL || argc == 0 || old_argv[0] == NULL)
		return;
	/* The area: argv strings and then environ strings, as long as they
	   are contiguous in memory. */
	end = old_argv[0] + strlen(old_argv[0]) + 1;
	for (int i = 1; i < argc; i++) {
		if (old_argv[i] == end)
			end = old_argv[i] + strlen(old_argv[i]) + 1;
	}
	while (environ[env_count] != NULL)
		env_count++;
	for (unsigned int i = 0; i < env_count; i++) {
		if (environ[i] == end)
			end = environ[i] + strlen(environ[i]) + 1;
	}

	/* The copies live as long as the process, even once nothing points
	   to them any more (main() stops using argv; a later setenv() gives
	   environ glibc's own array): not leaks to report. */
#ifdef __SANITIZE_ADDRESS__
	__lsan_disable();
#endif
	new_env = i_new(char *, env_count + 1);
	for (unsigned int i = 0; i < env_count; i++)
		new_env[i] = i_strdup(environ[i]);
	environ = new_env;

	new_argv = i_new(char *, (size_t)argc + 1);
	for (int i = 0; i < argc; i++)
		new_argv[i] = i_strdup(old_argv[i]);
	*argv = new_argv;
#ifdef __SANITIZE_ADDRESS__
	__lsan_enable();
#endif

	title_area = old_argv[0];
	title_size = (size_t)(end - title_area);
}

void proctitle_set(const char *title)
{
	size_t len;

	if (title_area == NULL || title_size < 2)
		return;
	len = I_MIN(strlen(title), title_size - 1);
	memcpy(title_area, title, len);
	/* Zero the rest so no stale argument text stays visible. */
	memset(title_area + len, 0, title_size - len);
}
