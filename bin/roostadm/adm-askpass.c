/*
 * adm-askpass.c - password prompt without echo (see adm-askpass.h).
 */
#include "lib.h"
#include "adm-askpass.h"

#include <fcntl.h>
#include <termios.h>

/* Reads one line from fd into buf (at most max bytes).  0 or -1. */
static int read_line(int fd, char *buf, size_t max, size_t *len_r,
	const char **error_r)
{
	size_t len = 0;
	char ch;

	for (;;) {
		ssize_t ret = read(fd, &ch, 1);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			*error_r = t_printf("read() failed: %s",
				strerror(errno));
			return -1;
		}
		if (ret == 0 || ch == '\n' || ch == '\r')
			break;
		if (len == max) {
			*error_r = t_printf("Password longer than %u bytes",
				ADM_ASKPASS_MAX_LEN);
			return -1;
		}
		buf[len++] = ch;
	}
	*len_r = len;
	return 0;
}

int adm_askpass(const char *prompt, int fd, struct arena *arena,
	const char **password_r, const char **error_r)
{
	struct termios old_tio, tio;
	bool tty = false, restore = false;
	char buf[ADM_ASKPASS_MAX_LEN];
	size_t len = 0;
	int ret;

	if (fd == -1) {
		if (isatty(STDIN_FILENO) != 0) {
			tty = true;
			fputs(prompt, stderr);
			(void)fflush(stderr);
			fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				*error_r = t_printf("open(/dev/tty) failed: "
					"%s", strerror(errno));
				return -1;
			}
			if (tcgetattr(fd, &old_tio) == 0) {
				restore = true;
				tio = old_tio;
				tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
				(void)tcsetattr(fd, TCSAFLUSH, &tio);
			}
		} else {
			fd = STDIN_FILENO;
		}
	}
	ret = read_line(fd, buf, sizeof(buf), &len, error_r);
	if (tty) {
		if (restore)
			(void)tcsetattr(fd, TCSAFLUSH, &old_tio);
		fputs("\n", stderr);
		(void)fflush(stderr);
		(void)close(fd);
	}
	if (ret == 0)
		*password_r = arena_strndup(arena, buf, len);
	explicit_bzero(buf, sizeof(buf));
	return ret;
}
