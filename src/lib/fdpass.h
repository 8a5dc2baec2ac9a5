/*
 * fdpass.h - sending a file descriptor with a payload over a UNIX socket
 * (SCM_RIGHTS).
 */
#ifndef ROOST_FDPASS_H
#define ROOST_FDPASS_H

/*
 * Sends size bytes of data (size > 0) plus fd (or -1 for none).  Returns
 * bytes sent or -1 (errno set; EAGAIN on a full non-blocking socket, and
 * then the fd was not sent either).  The fd is sent with the first byte,
 * so after a short write only the rest of the data is sent again, without
 * the fd.  The caller still owns fd (close it after a successful send).
 * Never raises SIGPIPE (MSG_NOSIGNAL); EINTR is retried.
 */
ssize_t fd_send(int sock, int fd, const void *data, size_t size);
/*
 * Receives up to size bytes (size > 0) and possibly a descriptor (*fd_r =
 * -1 when none came; any extra descriptors are closed).  Returns bytes
 * read, 0 on EOF, -1 on error (errno set).  Received fds are close-on-exec
 * (MSG_CMSG_CLOEXEC).  A truncated control message (the peer sent more
 * descriptors than fit) fails with EPROTO after closing everything
 * received: the data bytes of that message are lost, so the caller should
 * close the connection.
 */
ssize_t fd_recv(int sock, int *fd_r, void *data, size_t size);

#endif
