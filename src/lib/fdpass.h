/*
 * fdpass.h - sending a file descriptor with a payload over a UNIX socket
 * (SCM_RIGHTS).
 */
#ifndef ROOST_FDPASS_H
#define ROOST_FDPASS_H

/*
 * Sends size bytes of data (size > 0) plus fd (or -1 for none).  Returns
 * bytes sent or -1 (errno set).  The fd is sent with the first byte.
 */
ssize_t fd_send(int sock, int fd, const void *data, size_t size);
/*
 * Receives up to size bytes and possibly a descriptor (*fd_r = -1 when
 * none came; any extra descriptors are closed).  Returns bytes read, 0 on
 * EOF, -1 on error (errno set).  Received fds are close-on-exec.
 */
ssize_t fd_recv(int sock, int *fd_r, void *data, size_t size);

#endif
