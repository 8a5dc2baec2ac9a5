/*
 * service.c - services at run time: how many processes each one has and
 * how many of them can take clients (from their status reports), when to
 * start more (process_min_avail, on-demand when all are busy, up to
 * process_limit), idle_kill, throttling a failing service, and retiring a
 * generation on reload or shutdown.  The rules are Dovecot 2.3's.
 */
#include "lib.h"
#include "master.h"

#include "buf.h"
#include "config.h"
#include "file.h"
#include "ioloop.h"
#include "master-log.h"
#include "net.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>

/* More failures than this within one second throttle the service. */
#define SERVICE_MAX_EXIT_FAILURES_IN_SEC 10
/* A process that has not reported its status by then is killed. */
#define SERVICE_FIRST_STATUS_TIMEOUT_SECS 30
#define SERVICE_DROP_WARN_INTERVAL_SECS 1
#define SERVICE_CONFIG_MAX (64 * 1024 * 1024)

static void service_listen_stop(struct service *service);

/* ---- lookup ---- */

static struct service_process *
service_list_find_process(const struct service_list *list, pid_t pid)
{
	for (unsigned int s = 0; s < list->services_count; s++) {
		struct service_process *p;

		for (p = list->services[s]->processes; p != NULL; p = p->next) {
			if (p->pid == pid)
				return p;
		}
	}
	return NULL;
}

struct service_process *master_find_process(pid_t pid)
{
	struct service_process *p = NULL;

	if (master->current != NULL)
		p = service_list_find_process(master->current, pid);
	for (unsigned int i = 0; p == NULL && i < master->retired_count; i++)
		p = service_list_find_process(master->retired[i], pid);
	return p;
}

/* ---- availability accounting ---- */

static bool process_is_idle(const struct service_process *p)
{
	return p->available_count == p->service->set->client_limit;
}

static void process_idle_kill(void *context)
{
	struct service_process *p = context;
	struct service *service = p->service;

	/* Dovecot's idle_kill: ask an idle process to exit when there are
	   more available processes than process_min_avail.  It exits only
	   if still idle when the signal arrives. */
	if (service->process_avail > service->set->process_min_avail &&
	    process_is_idle(p)) {
		if (kill(p->pid, SIGINT) < 0 && errno != ESRCH) {
			i_error("service(%s): kill(%ld, SIGINT) failed: %m",
				service->set->name, (long)p->pid);
		}
	}
}

static void process_update_idle_timer(struct service_process *p)
{
	unsigned int secs = p->service->set->idle_kill_secs;

	if (process_is_idle(p) && secs > 0 && !p->service->retired) {
		if (p->to_idle == NULL) {
			p->to_idle = timeout_add(secs * 1000,
				process_idle_kill, p);
		}
	} else if (p->to_idle != NULL) {
		timeout_remove(&p->to_idle);
	}
}

static void process_set_available(struct service_process *p,
	unsigned int available)
{
	struct service *service = p->service;
	bool was_avail = p->available_count > 0;

	if (available < p->available_count)
		p->ever_busy = true;
	if (p->ever_busy && available > p->available_count) {
		/* A client was served and let go: the service works, so
		   a later failure streak starts its back-off over. */
		service->throttle_secs = 0;
	}
	p->available_count = available;
	if (was_avail && available == 0) {
		i_assert(service->process_avail > 0);
		service->process_avail--;
	} else if (!was_avail && available > 0) {
		service->process_avail++;
		service->limit_blocked = false;
	}
	process_update_idle_timer(p);
}

/* ---- status pipe ---- */

static void service_status_record(struct service *service,
	const struct master_status *status)
{
	struct service_process *p = master_find_process((pid_t)status->pid);

	if (p == NULL || p->service != service) {
		/* Already reaped, or forged: ignore. */
		return;
	}
	if (status->available_count > service->set->client_limit) {
		i_error("service(%s): process %ld reported %u available "
			"clients, more than client_limit %u",
			service->set->name, (long)p->pid,
			status->available_count, service->set->client_limit);
		return;
	}
	if (!p->initialized) {
		p->initialized = true;
		if (p->to_status != NULL)
			timeout_remove(&p->to_status);
	}
	memset(&p->last_ip, 0, sizeof(p->last_ip));
	if (status->last_ip_family == AF_INET) {
		p->last_ip.family = AF_INET;
		memcpy(&p->last_ip.u.ip4, status->last_ip, 4);
	} else if (status->last_ip_family == AF_INET6) {
		p->last_ip.family = AF_INET6;
		memcpy(&p->last_ip.u.ip6, status->last_ip, 16);
	}
	process_set_available(p, status->available_count);
	if (service->retired && process_is_idle(p) && !p->told_to_stop) {
		p->told_to_stop = true;
		(void)kill(p->pid, SIGTERM);
	}
	service_update(service);
}

static void service_status_input(void *context)
{
	struct service *service = context;

	for (;;) {
		ssize_t ret = read(service->status_fd[0],
			service->status_buf + service->status_used,
			sizeof(service->status_buf) - service->status_used);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return;
		service->status_used += (size_t)ret;
		if (service->status_used == sizeof(service->status_buf)) {
			struct master_status status;

			memcpy(&status, service->status_buf, sizeof(status));
			service->status_used = 0;
			service_status_record(service, &status);
		}
	}
}

/* ---- on-demand listening ---- */

static void service_listen_input(void *context)
{
	struct service *service = context;
	time_t now = time(NULL);

	if (service->process_count < service->set->process_limit) {
		/* All processes are busy: start one for the waiting
		   client.  It counts as available until it reports. */
		(void)service_process_create(service);
		service_update(service);
		return;
	}
	if (service->last_drop_warning + SERVICE_DROP_WARN_INTERVAL_SECS <=
	    now) {
		service->last_drop_warning = now;
		if (service->set->process_limit == 1) {
			i_warning("service(%s): client_limit (%u) reached, "
				"client connections are being dropped",
				service->set->name, service->set->client_limit);
		} else {
			i_warning("service(%s): process_limit (%u) reached, "
				"client connections are being dropped",
				service->set->name,
				service->set->process_limit);
		}
	}
	/* The connection waits in the listen queue until a process frees
	   a slot or exits. */
	service->limit_blocked = true;
	service_listen_stop(service);
}

static void service_listen_start(struct service *service)
{
	if (service->listening)
		return;
	for (unsigned int i = 0; i < service->set->listeners_count; i++) {
		i_assert(service->listen_ios[i] == NULL);
		if (service->sockets[i] == NULL || service->sockets[i]->fd < 0)
			continue;
		service->listen_ios[i] = io_add(service->sockets[i]->fd,
			IO_READ, service_listen_input, service);
	}
	service->listening = true;
}

static void service_listen_stop(struct service *service)
{
	if (!service->listening)
		return;
	for (unsigned int i = 0; i < service->set->listeners_count; i++) {
		if (service->listen_ios[i] != NULL)
			io_remove(&service->listen_ios[i]);
	}
	service->listening = false;
}

/* ---- throttling ---- */

static void service_throttle_end(void *context)
{
	struct service *service = context;

	timeout_remove(&service->to_throttle);
	service_update(service);
}

static void service_throttle(struct service *service)
{
	if (service->to_throttle != NULL || service->retired)
		return;
	service->throttle_secs = plan_throttle_next_secs(service->throttle_secs);
	i_error("service(%s): command startup failed, throttling for %u secs",
		service->set->name, service->throttle_secs);
	service_listen_stop(service);
	service->to_throttle = timeout_add_once(service->throttle_secs * 1000,
		service_throttle_end, service);
}

/* ---- the decision ---- */

void service_update(struct service *service)
{
	const struct plan_service *set = service->set;
	bool startup_type = strcmp(set->type, "startup") == 0;

	if (service->retired || master->shutting_down ||
	    service->to_throttle != NULL) {
		service_listen_stop(service);
		return;
	}
	/* Keep process_min_avail processes ready (and one for a service of
	   type startup). */
	while ((service->process_avail < set->process_min_avail ||
		       (startup_type && service->process_count == 0)) &&
	       service->process_count < set->process_limit &&
	       service->to_throttle == NULL) {
		if (service_process_create(service) == NULL)
			break;
	}
	if (service->to_throttle != NULL)
		return;
	/* All busy (or none running): the master watches the listeners
	   and starts a process when a client arrives. */
	if (service->process_avail == 0 && !service->limit_blocked &&
	    set->listeners_count > 0)
		service_listen_start(service);
	else
		service_listen_stop(service);
}

static void process_status_timeout(void *context)
{
	struct service_process *p = context;

	timeout_remove(&p->to_status);
	i_error("service(%s): Initial status notification not received in %d "
		"seconds, killing the process", p->service->set->name,
		SERVICE_FIRST_STATUS_TIMEOUT_SECS);
	(void)kill(p->pid, SIGKILL);
}

void service_process_started(struct service_process *p)
{
	struct service *service = p->service;

	p->available_count = service->set->client_limit;
	service->process_count++;
	service->process_avail++;
	p->to_status = timeout_add_once(SERVICE_FIRST_STATUS_TIMEOUT_SECS *
			1000, process_status_timeout, p);
}

void service_process_exited(struct service_process *p, int status)
{
	struct service *service = p->service;
	bool failed, initialized;
	time_t now = time(NULL);

	/* Status reports the process sent before it died may still wait in
	   the pipe (the loop saw SIGCHLD first): read them, or a process
	   that did start (and served a client) counts as a startup failure
	   and the service is throttled (seen in the SIGKILL crash loop). */
	if (service->status_fd[0] != -1)
		service_status_input(service);
	initialized = p->initialized;
	failed = service_process_log_exit(p, status);
	if (p->available_count > 0) {
		i_assert(service->process_avail > 0);
		service->process_avail--;
	}
	i_assert(service->process_count > 0);
	service->process_count--;
	service->limit_blocked = false;
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		service->processes = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	service_process_destroy(p);

	if (failed && !service->retired && !master->shutting_down) {
		/* Dovecot's rules: a process that died before its first
		   status report failed at startup; a service that has never
		   had a clean exit is also throttled when it fails more
		   than 10 times within a second (a crash storm).  After one
		   clean exit only startup failures count, so clients that
		   find a way to crash processes cannot stop the service. */
		bool throttle = !initialized;

		if (!throttle && !service->have_successful_exits) {
			if (service->exit_failure_last != now) {
				service->exit_failure_last = now;
				service->exit_failures_in_sec = 0;
			}
			throttle = ++service->exit_failures_in_sec >
				SERVICE_MAX_EXIT_FAILURES_IN_SEC;
		}
		if (throttle)
			service_throttle(service);
	} else if (!failed && WIFEXITED(status)) {
		service->have_successful_exits = true;
		service->throttle_secs = 0;
	}
	service_update(service);
	if (service->list->retired)
		(void)service_list_try_free(service->list);
}

/* ---- lists ---- */

static int service_list_make_snapshot(struct service_list *list,
	const char **error_r)
{
	struct buf out;
	int fd;

	buf_init(&out, NULL, 64 * 1024, SERVICE_CONFIG_MAX);
	if (config_dump(list->config, CONFIG_DUMP_ALL, NULL, NULL, &out,
		    error_r) < 0) {
		buf_free(&out);
		return -1;
	}
	fd = memfd_create("roost-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		*error_r = t_printf("memfd_create() failed: %s",
			strerror(errno));
		buf_free(&out);
		return -1;
	}
	if (write_full(fd, out.data, out.used) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
			    F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		*error_r = t_printf("writing the configuration snapshot "
			"failed: %s", strerror(errno));
		close(fd);
		buf_free(&out);
		return -1;
	}
	buf_free(&out);
	list->config_fd = fd;
	return 0;
}

static struct service *service_create(struct service_list *list,
	const struct plan_service *set)
{
	struct service *service = arena_new(list->arena, struct service, 1);
	unsigned int n = set->listeners_count;
	struct master_listener_info *infos;

	service->list = list;
	service->set = set;
	service->status_fd[0] = service->status_fd[1] = -1;
	service->sockets = arena_new(list->arena, struct master_socket *,
		n + 1);
	service->listen_ios = arena_new(list->arena, struct io *, n + 1);
	service->listener_uids = arena_new(list->arena, uid_t, n + 1);
	service->listener_gids = arena_new(list->arena, gid_t, n + 1);
	infos = arena_new(list->arena, struct master_listener_info, n + 1);
	for (unsigned int i = 0; i < n; i++) {
		service->listener_uids[i] = (uid_t)-1;
		service->listener_gids[i] = (gid_t)-1;
		infos[i].type = set->listeners[i].type;
		infos[i].name = set->listeners[i].name;
		infos[i].ssl = set->listeners[i].ssl;
		infos[i].haproxy = set->listeners[i].haproxy;
	}
	service->listeners_env = master_listeners_encode(list->arena, infos,
		n);
	return service;
}

static void service_free(struct service *service)
{
	i_assert(service->processes == NULL);
	service_listen_stop(service);
	if (service->to_throttle != NULL)
		timeout_remove(&service->to_throttle);
	if (service->status_io != NULL)
		io_remove(&service->status_io);
	for (unsigned int i = 0; i < 2; i++) {
		if (service->status_fd[i] != -1)
			close(service->status_fd[i]);
		service->status_fd[i] = -1;
	}
	for (unsigned int i = 0; i < service->set->listeners_count; i++)
		master_socket_unref(&service->sockets[i]);
}

static void service_list_free(struct service_list *list)
{
	for (unsigned int i = 0; i < list->services_count; i++)
		service_free(list->services[i]);
	if (list->config_fd != -1)
		close(list->config_fd);
	config_free(&list->config);
	arena_destroy(&list->arena);
	free(list);
}

int service_list_create(struct config *config, struct service_list **list_r,
	const char **error_r)
{
	struct service_list *list = i_new(struct service_list, 1);

	list->arena = arena_create("service list", 16384);
	list->config = config;
	list->config_fd = -1;
	list->generation = ++master->next_generation;
	if (plan_build(config, list->arena, master_exec_resolve, NULL,
		    &list->plan, error_r) < 0)
		goto fail;
	list->services_count = list->plan->services_count;
	list->services = arena_new(list->arena, struct service *,
		list->services_count + 1);
	for (unsigned int i = 0; i < list->services_count; i++) {
		list->services[i] = service_create(list,
			&list->plan->services[i]);
	}
	if (service_list_resolve_users(list, error_r) < 0 ||
	    service_list_make_snapshot(list, error_r) < 0)
		goto fail;
	for (unsigned int i = 0; i < list->services_count; i++) {
		struct service *service = list->services[i];

		if (pipe2(service->status_fd, O_CLOEXEC) < 0) {
			*error_r = t_printf("pipe() failed: %s",
				strerror(errno));
			goto fail;
		}
		fd_set_nonblock(service->status_fd[0], true);
	}
	for (unsigned int i = 0; i < list->services_count; i++) {
		const char *chroot = list->services[i]->set->chroot;

		/* Dovecot creates the chroot directories (login, empty)
		   under base_dir; they hold no secrets. */
		if (chroot != NULL && mkdir_parents(chroot, 0755) < 0 &&
		    errno != EEXIST) {
			*error_r = t_printf("service(%s): mkdir(%s) failed: %s",
				list->services[i]->set->name, chroot,
				strerror(errno));
			goto fail;
		}
	}
	master_sockets_close_unused(list);
	if (master_sockets_bind(list, error_r) < 0)
		goto fail;
	*list_r = list;
	return 0;
fail:
	/* error_r may point into scratch memory that outlives this. */
	service_list_free(list);
	return -1;
}

void service_list_socket_closing(struct service_list *list,
	const struct master_socket *socket)
{
	for (unsigned int s = 0; s < list->services_count; s++) {
		struct service *service = list->services[s];
		bool uses = false;

		for (unsigned int i = 0; i < service->set->listeners_count;
		     i++) {
			if (service->sockets[i] != socket)
				continue;
			uses = true;
			if (service->listen_ios[i] != NULL)
				io_remove(&service->listen_ios[i]);
		}
		if (!uses)
			continue;
		/* Its processes hold copies that keep the address bound:
		   they close their listeners (and idle ones exit). */
		for (struct service_process *p = service->processes; p != NULL;
		     p = p->next) {
			p->told_to_stop = true;
			(void)kill(p->pid, SIGQUIT);
		}
	}
}

void service_list_start(struct service_list *list)
{
	for (unsigned int i = 0; i < list->services_count; i++) {
		struct service *service = list->services[i];

		service->status_io = io_add(service->status_fd[0], IO_READ,
			service_status_input, service);
		service_update(service);
	}
}

void service_list_retire(struct service_list *list)
{
	list->retired = true;
	for (unsigned int i = 0; i < list->services_count; i++) {
		struct service *service = list->services[i];
		struct service_process *p;

		service->retired = true;
		service_listen_stop(service);
		if (service->to_throttle != NULL)
			timeout_remove(&service->to_throttle);
		/* The new generation has its own references. */
		for (unsigned int j = 0; j < service->set->listeners_count; j++)
			master_socket_unref(&service->sockets[j]);
		for (p = service->processes; p != NULL; p = p->next) {
			if (p->to_idle != NULL)
				timeout_remove(&p->to_idle);
			p->told_to_stop = true;
			/* Idle: exit now.  Busy: close the listeners and
			   exit after the last client. */
			(void)kill(p->pid, process_is_idle(p) || !p->initialized ?
					SIGTERM : SIGQUIT);
		}
	}
}

void service_list_kill(struct service_list *list, int signo)
{
	for (unsigned int i = 0; i < list->services_count; i++) {
		struct service_process *p;

		for (p = list->services[i]->processes; p != NULL; p = p->next) {
			p->told_to_stop = true;
			(void)kill(p->pid, signo);
		}
	}
}

unsigned int service_list_process_count(const struct service_list *list)
{
	unsigned int count = 0;

	for (unsigned int i = 0; i < list->services_count; i++)
		count += list->services[i]->process_count;
	return count;
}

bool service_list_try_free(struct service_list *list)
{
	if (service_list_process_count(list) > 0)
		return false;
	for (unsigned int i = 0; i < master->retired_count; i++) {
		if (master->retired[i] == list) {
			master->retired[i] =
				master->retired[--master->retired_count];
			break;
		}
	}
	if (master->current == list)
		master->current = NULL;
	service_list_free(list);
	return true;
}
