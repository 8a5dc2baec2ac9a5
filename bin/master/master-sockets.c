/*
 * master-sockets.c - binding listener sockets, and keeping them across
 * reloads: a socket whose key (address+port or path) is unchanged keeps
 * its descriptor, so clients never see a refused connection while the
 * configuration is reloaded.
 */
#include "lib.h"
#include "master.h"

#include "file.h"
#include "net.h"
#include "str.h"

#include <fcntl.h>
#include <sys/stat.h>

#define MASTER_LISTEN_BACKLOG 128
/* After closing a socket on reload, processes of the old configuration
   may still hold a copy for a moment: retry a bind on the same address
   this many times, 50 ms apart. */
#define MASTER_REBIND_RETRIES 40
#define MASTER_REBIND_RETRY_USECS (50 * 1000)

/* A reload closed sockets that old processes are closing too. */
static bool rebind_pending;

static struct master_socket *master_socket_find(const char *key)
{
	for (unsigned int i = 0; i < master->sockets_count; i++) {
		if (strcmp(master->sockets[i]->key, key) == 0)
			return master->sockets[i];
	}
	return NULL;
}

static void master_socket_add(struct master_socket *socket)
{
	master->sockets = i_realloc(master->sockets,
		size_mul(sizeof(*master->sockets), master->sockets_count),
		size_mul(sizeof(*master->sockets), master->sockets_count + 1));
	master->sockets[master->sockets_count++] = socket;
}

void master_socket_unref(struct master_socket **_socket)
{
	struct master_socket *socket = *_socket;

	*_socket = NULL;
	if (socket == NULL)
		return;
	i_assert(socket->refcount > 0);
	if (--socket->refcount > 0)
		return;
	for (unsigned int i = 0; i < master->sockets_count; i++) {
		if (master->sockets[i] == socket) {
			master->sockets[i] =
				master->sockets[--master->sockets_count];
			break;
		}
	}
	if (socket->fd != -1)
		close(socket->fd);
	i_free(socket->key);
	free(socket);
}

static int mkdir_parent(const char *path, const char **error_r)
{
	const char *slash = strrchr(path, '/');
	const char *dir;

	if (slash == NULL || slash == path)
		return 0;
	dir = t_strndup(path, (size_t)(slash - path));
	if (mkdir_parents(dir, 0755) < 0 && errno != EEXIST) {
		*error_r = t_printf("mkdir(%s) failed: %s", dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int bind_fifo(const struct plan_listener *l, uid_t uid, gid_t gid,
	const char **error_r)
{
	int fd;

	if (mkdir_parent(l->path, error_r) < 0)
		return -1;
	if (mkfifo(l->path, (mode_t)l->mode) < 0 && errno != EEXIST) {
		*error_r = t_printf("mkfifo(%s) failed: %s", l->path,
			strerror(errno));
		return -1;
	}
	/* O_RDWR keeps the fifo open (no EOF) when writers come and go. */
	fd = open(l->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*error_r = t_printf("open(%s) failed: %s", l->path,
			strerror(errno));
		return -1;
	}
	if (fchmod(fd, (mode_t)l->mode) < 0 ||
	    ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	     fchown(fd, uid, gid) < 0)) {
		*error_r = t_printf("chmod/chown(%s) failed: %s", l->path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int bind_one(const struct service *service, unsigned int idx,
	const char **error_r)
{
	const struct plan_listener *l = &service->set->listeners[idx];
	uid_t uid = service->listener_uids[idx];
	gid_t gid = service->listener_gids[idx];
	const char *error;
	int fd = -1;

	switch (l->type) {
	case MASTER_LISTENER_INET:
		errno = 0;
		for (unsigned int try = 0;; try++) {
			fd = net_listen_inet(l->address, (in_port_t)l->port,
				l->reuse_port, MASTER_LISTEN_BACKLOG, &error);
			if (fd >= 0 || errno != EADDRINUSE ||
			    !rebind_pending || try >= MASTER_REBIND_RETRIES)
				break;
			usleep(MASTER_REBIND_RETRY_USECS);
		}
		if (fd < 0 && str_begins(error, "bind(") && errno != 0) {
			/* Dovecot's wording. */
			error = t_printf("listen(%s, %u) failed: %s",
				l->address, l->port, strerror(errno));
		}
		break;
	case MASTER_LISTENER_UNIX:
		if (mkdir_parent(l->path, &error) == 0) {
			fd = net_listen_unix(l->path, (mode_t)l->mode, uid,
				gid, MASTER_LISTEN_BACKLOG, &error);
		}
		break;
	case MASTER_LISTENER_FIFO:
		fd = bind_fifo(l, uid, gid, &error);
		break;
	}
	if (fd < 0)
		*error_r = t_printf("service(%s): %s", service->set->name, error);
	return fd;
}

/* A kept unix socket or fifo still gets the new mode and owner. */
static void refresh_file_perms(const struct service *service, unsigned int idx)
{
	const struct plan_listener *l = &service->set->listeners[idx];
	uid_t uid = service->listener_uids[idx];
	gid_t gid = service->listener_gids[idx];

	if (l->type == MASTER_LISTENER_INET)
		return;
	if (chmod(l->path, (mode_t)l->mode) < 0)
		i_error("chmod(%s) failed: %m", l->path);
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(l->path, uid, gid) < 0)
		i_error("chown(%s) failed: %m", l->path);
}

static bool list_uses_key(const struct service_list *list, const char *key)
{
	bool found = false;

	for (unsigned int s = 0; s < list->services_count && !found; s++) {
		const struct plan_service *set = list->services[s]->set;

		for (unsigned int i = 0; i < set->listeners_count && !found;
		     i++) {
			SCRATCH_BEGIN {
				found = strcmp(plan_listener_socket_key(
						       &set->listeners[i]),
						key) == 0;
			} SCRATCH_END;
		}
	}
	return found;
}

void master_sockets_close_unused(const struct service_list *list)
{
	for (unsigned int i = 0; i < master->sockets_count; i++) {
		struct master_socket *socket = master->sockets[i];

		if (socket->fd == -1 || list_uses_key(list, socket->key))
			continue;
		if (master->current != NULL)
			service_list_socket_closing(master->current, socket);
		close(socket->fd);
		socket->fd = -1;
		rebind_pending = true;
	}
}

int master_sockets_bind(struct service_list *list, const char **error_r)
{
	const char *error;
	bool failed = false;

	for (unsigned int s = 0; s < list->services_count; s++) {
		struct service *service = list->services[s];

		for (unsigned int i = 0; i < service->set->listeners_count;
		     i++) {
			const struct plan_listener *l =
				&service->set->listeners[i];
			struct master_socket *socket;
			char *key;
			int fd;

			SCRATCH_BEGIN {
				key = i_strdup(plan_listener_socket_key(l));
			} SCRATCH_END;
			socket = master_socket_find(key);
			if (socket != NULL) {
				i_free(key);
				socket->refcount++;
				service->sockets[i] = socket;
				refresh_file_perms(service, i);
				continue;
			}
			fd = bind_one(service, i, &error);
			if (fd < 0) {
				/* Try them all so every failure is logged;
				   service_list_free() unrefs what was
				   bound. */
				i_free(key);
				master_error("%s", error);
				failed = true;
				continue;
			}
			socket = i_new(struct master_socket, 1);
			socket->key = key;
			socket->fd = fd;
			socket->refcount = 1;
			master_socket_add(socket);
			service->sockets[i] = socket;
		}
	}
	rebind_pending = false;
	if (failed) {
		*error_r = "Failed to start listeners";
		return -1;
	}
	return 0;
}
