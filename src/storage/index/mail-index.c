/*
 * mail-index.c - opening, checking, rebuilding and using the user's SQLite
 * index (see mail-index.h and docs/index.md); the tables are in
 * mail-index-schema.c.
 */
#include "lib.h"
#include "mail-index-private.h"
#include "buf.h"
#include "file.h"
#include "hash.h"
#include "str.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

/* The private page cache of a connection, in KiB: small between write
   transactions (reads go through the shared mapping), larger while
   writing, so that a big transaction does not spill dirty pages to the
   WAL early. */
#define MAIL_INDEX_CACHE_KIB 16
#define MAIL_INDEX_WRITE_CACHE_KIB 2048
#define MAIL_INDEX_STR(n) MAIL_INDEX_STR2(n)
#define MAIL_INDEX_STR2(n) #n

/* Most statements kept prepared per connection. */
#define MAIL_INDEX_MAX_CACHED_STMTS 96

/* The databases open in this process.  Sessions of one user share the
   connection, and with it the page cache, the parsed schema and the
   prepared statements: an idle session costs little more than its view.
   The process is single-threaded and no transaction or statement spans
   a return to the event loop, so sharing is safe. */
static struct mail_index *open_indexes;


static void index_warning(struct mail_index *index, const char *fmt, ...)
	ATTR_FORMAT(2, 3);

static void index_warning(struct mail_index *index, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	SCRATCH_BEGIN {
		const char *msg = arena_vprintf(scratch_arena(), fmt, args);

		log_message_prefix(LOG_LEVEL_WARNING,
			index->log_prefix == NULL ? log_get_prefix() :
				index->log_prefix, "%s", msg);
	} SCRATCH_END;
	va_end(args);
}

static void index_set_error(struct mail_index *index, const char *error)
{
	free(index->error);
	index->error = i_strdup(error);
}

void mail_index_log_error(struct mail_index *index, const char *what)
{
	int code = index->db == NULL ? SQLITE_ERROR :
		sqlite3_extended_errcode(index->db);
	const char *msg = index->db == NULL ? "not open" :
		sqlite3_errmsg(index->db);

	SCRATCH_BEGIN {
		const char *error = t_printf("Index %s: %s failed: %s (%d)",
			index->path, what, msg, code);

		index_set_error(index, error);
		log_message_prefix(LOG_LEVEL_ERROR,
			index->log_prefix == NULL ? log_get_prefix() :
				index->log_prefix, "%s", error);
	} SCRATCH_END;
	if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
		mail_index_set_corrupted(index, msg);
}

const char *mail_index_get_error(struct mail_index *index)
{
	return index->error == NULL ? "unknown error" : index->error;
}

void mail_index_set_corrupted(struct mail_index *index, const char *reason)
{
	if (!index->corrupted) {
		index_warning(index, "Index %s is corrupted (%s): "
			"it will be rebuilt from the mail store",
			index->path, reason);
	}
	index->corrupted = true;
}

bool mail_index_is_corrupted(const struct mail_index *index)
{
	return index->corrupted;
}

uint64_t mail_index_now_usecs(void)
{
	struct timeval tv;

	if (gettimeofday(&tv, NULL) < 0)
		i_panic("gettimeofday() failed: %m");
	return (uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec;
}

/*
 * Cheap structural checks on the file before SQLite opens it: the magic,
 * and the page count in the header against the file size (a truncated
 * file is otherwise only noticed when a missing page is read).  Returns
 * NULL when fine, else the reason.
 */
static const char *index_file_check(const char *path)
{
	unsigned char hdr[100];
	struct stat st;
	uint32_t page_size, page_count, change_counter, valid_for;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return NULL;
	}
	if (st.st_size == 0) {
		close(fd);
		return "empty file";
	}
	ret = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	if (ret != (ssize_t)sizeof(hdr))
		return "truncated header";
	if (memcmp(hdr, "SQLite format 3", 16) != 0)
		return "not an SQLite database";
	page_size = ((uint32_t)hdr[16] << 8) | hdr[17];
	if (page_size == 1)
		page_size = 65536;
	if (page_size < 512 || (page_size & (page_size - 1)) != 0)
		return "invalid page size";
	change_counter = ((uint32_t)hdr[24] << 24) | ((uint32_t)hdr[25] << 16) |
		((uint32_t)hdr[26] << 8) | hdr[27];
	page_count = ((uint32_t)hdr[28] << 24) | ((uint32_t)hdr[29] << 16) |
		((uint32_t)hdr[30] << 8) | hdr[31];
	valid_for = ((uint32_t)hdr[92] << 24) | ((uint32_t)hdr[93] << 16) |
		((uint32_t)hdr[94] << 8) | hdr[95];
	if (valid_for == change_counter &&
	    (uint64_t)st.st_size < (uint64_t)page_count * page_size)
		return "truncated file";
	if (st.st_size % page_size != 0)
		return "truncated file";
	return NULL;
}

static void index_remove_files(const char *path)
{
	SCRATCH_BEGIN {
		(void)unlink(t_printf("%s-wal", path));
		(void)unlink(t_printf("%s-shm", path));
		(void)unlink(t_printf("%s-journal", path));
	} SCRATCH_END;
}

/* Best effort: the highest modseq of the broken database, so that the
   new one starts above it even if the clock went backwards. */
static uint64_t index_salvage_modseq(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	uint64_t max = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
			NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 0;
	}
	if (sqlite3_prepare_v2(db, "SELECT max(highest_modseq) FROM mailbox",
			-1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			max = (uint64_t)sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return max;
}

/*
 * Process-wide SQLite settings, before its first use: no bulk page cache
 * allocation per connection (SQLite otherwise mallocs cache_size pages at
 * a connection's first read, ~70 KiB that an idle session keeps).  Fails
 * harmlessly (SQLITE_MISUSE) when SQLite was initialised already.
 */
static void index_sqlite_init(void)
{
	static bool initialized = false;

	if (initialized)
		return;
	initialized = true;
	(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

static int index_open_db(struct mail_index *index, const char **error_r)
{
	struct stat st;
	int ret;

	index_sqlite_init();
	ret = sqlite3_open_v2(index->path, &index->db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			SQLITE_OPEN_NOMUTEX, NULL);
	if (ret != SQLITE_OK) {
		*error_r = t_printf("sqlite3_open(%s) failed: %s", index->path,
			index->db == NULL ? sqlite3_errstr(ret) :
				sqlite3_errmsg(index->db));
		sqlite3_close(index->db);
		index->db = NULL;
		return -1;
	}
	sqlite3_extended_result_codes(index->db, 1);
	if (stat(index->path, &st) == 0) {
		index->ino = st.st_ino;
		index->dev = st.st_dev;
	}
	return 0;
}

static uint64_t mono_usecs(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		i_panic("clock_gettime() failed: %m");
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * Waiting for another process's write lock.  SQLite's own handler sleeps
 * in growing steps (up to 100 ms), which shows as latency in IDLE and
 * APPEND when two processes commit at once; index commits are short, so
 * poll often instead: 100 us steps first, then 1 ms.
 */
static int index_busy_handler(void *context, int count)
{
	struct mail_index *index = context;
	uint64_t now = mono_usecs();

	if (count == 0)
		index->busy_start_usecs = now;
	else if (now - index->busy_start_usecs >=
		 (uint64_t)index->busy_timeout_msecs * 1000)
		return 0;
	(void)usleep(count < 20 ? 100 : 1000);
	return 1;
}

static int index_configure(struct mail_index *index, unsigned int busy_msecs,
	const char **error_r)
{
	index->busy_timeout_msecs = busy_msecs;
	sqlite3_busy_handler(index->db, index_busy_handler, index);
	if (index_exec_db(index->db, "PRAGMA journal_mode = WAL", error_r) < 0)
		return -1;
	/* The index is a cache: NORMAL loses at most the last commits on a
	   power failure, which the next sync recomputes from the store.
	   Reads go through a shared mapping of the file (pages shared by
	   every session and process), so each connection's private page
	   cache stays small: it holds pages read from the WAL and written
	   pages. */
	if (index_exec_db(index->db, "PRAGMA synchronous = NORMAL",
			error_r) < 0 ||
	    index_exec_db(index->db, "PRAGMA cache_size = -"
			MAIL_INDEX_STR(MAIL_INDEX_CACHE_KIB), error_r) < 0 ||
	    index_exec_db(index->db, "PRAGMA mmap_size = 268435456",
			error_r) < 0 ||
	    index_exec_db(index->db, "PRAGMA temp_store = MEMORY",
			error_r) < 0)
		return -1;
	return 0;
}

static void index_close_db(struct mail_index *index)
{
	struct hash_iter iter = { 0 };
	const char *key;
	void *value;

	if (index->stmts != NULL) {
		while (hash_iterate(index->stmts, &iter, &key, &value)) {
			struct mail_index_stmt *s = value;

			sqlite3_finalize(s->stmt);
			free(s);
		}
		hash_destroy(&index->stmts);
	}
	index->stmts_count = 0;
	if (index->db != NULL) {
		if (sqlite3_close(index->db) != SQLITE_OK)
			i_panic("sqlite3_close() failed: busy statements");
		index->db = NULL;
	}
	index->write_depth = index->read_depth = 0;
}

/* Exclusive lock against two processes rebuilding at once. */
static int index_rebuild_lock(struct mail_index *index)
{
	int fd;

	SCRATCH_BEGIN {
		fd = open(t_printf("%s.lock", index->path),
			O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	} SCRATCH_END;
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Moves the broken database aside (unless another process already
 * replaced it: the inode differs from the one we found broken) and
 * leaves the path free for a new one.
 */
static void index_move_aside(struct mail_index *index, ino_t broken_ino,
	dev_t broken_dev)
{
	struct stat st;

	if (stat(index->path, &st) < 0)
		return;
	if (broken_ino != 0 &&
	    (st.st_ino != broken_ino || st.st_dev != broken_dev)) {
		/* someone else rebuilt it meanwhile */
		return;
	}
	SCRATCH_BEGIN {
		const char *aside = t_printf("%s.broken", index->path);
		uint64_t salvaged = index_salvage_modseq(index->path);

		if (salvaged > index->salvaged_modseq)
			index->salvaged_modseq = salvaged;
		if (rename(index->path, aside) < 0)
			(void)unlink(index->path);
		index_remove_files(index->path);
	} SCRATCH_END;
}

static int index_open_or_rebuild(struct mail_index *index,
	const struct mail_index_settings *set, const char **error_r)
{
	const char *reason;
	struct stat st;
	bool existed;
	int ret, lock_fd = -1;

	existed = stat(index->path, &st) == 0;
	reason = existed ? index_file_check(index->path) : NULL;
	if (reason != NULL) {
		index_warning(index, "Index %s is corrupted (%s): rebuilding "
			"it from the mail store", index->path, reason);
		lock_fd = index_rebuild_lock(index);
		index_move_aside(index, st.st_ino, st.st_dev);
		existed = false;
	} else if (!existed) {
		/* stale WAL files of a deleted database must not be applied
		   to the new one */
		index_remove_files(index->path);
		if (set->store_exists) {
			index_warning(index, "Index %s is missing: rebuilding "
				"it from the mail store", index->path);
		}
	}
	for (unsigned int attempt = 0;; attempt++) {
		if (index_open_db(index, error_r) < 0)
			break;
		if (index_configure(index, set->busy_timeout_msecs,
				&reason) < 0)
			ret = -1;
		else
			ret = index_check_schema(index, &reason);
		if (ret > 0) {
			if (lock_fd >= 0)
				close(lock_fd);
			return 0;
		}
		if (ret == 0) {
			if (index_create_schema(index, &reason) == 0) {
				if (lock_fd >= 0)
					close(lock_fd);
				return 0;
			}
			/* maybe another process created it meanwhile */
			if (index_check_schema(index, &reason) > 0) {
				if (lock_fd >= 0)
					close(lock_fd);
				return 0;
			}
		}
		if (attempt > 0) {
			*error_r = t_printf("Index %s can't be created: %s",
				index->path, reason);
			break;
		}
		index_warning(index, "Index %s is corrupted (%s): rebuilding "
			"it from the mail store", index->path, reason);
		if (lock_fd < 0)
			lock_fd = index_rebuild_lock(index);
		index_close_db(index);
		index_move_aside(index, index->ino, index->dev);
	}
	index_close_db(index);
	if (lock_fd >= 0)
		close(lock_fd);
	return -1;
}

static void index_unlist(struct mail_index *index)
{
	struct mail_index **p;

	if (!index->listed)
		return;
	for (p = &open_indexes; *p != NULL; p = &(*p)->next_open) {
		if (*p == index) {
			*p = index->next_open;
			break;
		}
	}
	index->listed = false;
}

int mail_index_open(const char *dir, const struct mail_index_settings *set,
	struct mail_index **index_r, const char **error_r)
{
	struct mail_index *index;

	for (index = open_indexes; index != NULL; index = index->next_open) {
		if (strcmp(index->dir, dir) == 0)
			break;
	}
	if (index != NULL) {
		if (!mail_index_need_reopen(index)) {
			index->refcount++;
			*index_r = index;
			return 0;
		}
		index_unlist(index);
	}
	if (mkdir_parents(dir, 0700) < 0) {
		*error_r = t_printf("mkdir(%s) failed: %s", dir,
			strerror(errno));
		return -1;
	}
	index = i_new(struct mail_index, 1);
	index->dir = i_strdup(dir);
	index->path = i_strdup_printf("%s/%s", dir, MAIL_INDEX_FILE_NAME);
	index->log_prefix = set->log_prefix == NULL ? NULL :
		i_strdup(set->log_prefix);
	if (index_open_or_rebuild(index, set, error_r) < 0) {
		free(index->dir);
		free(index->path);
		free(index->log_prefix);
		free(index);
		return -1;
	}
	index->stmts = hash_create(false);
	index->refcount = 1;
	index->next_open = open_indexes;
	index->listed = true;
	open_indexes = index;
	*index_r = index;
	return 0;
}

void mail_index_close(struct mail_index **_index)
{
	struct mail_index *index = *_index;

	if (index == NULL)
		return;
	*_index = NULL;
	i_assert(index->refcount > 0);
	if (--index->refcount > 0)
		return;
	index_unlist(index);
	if (index->write_depth > 0 || index->read_depth > 0)
		(void)sqlite3_exec(index->db, "ROLLBACK", NULL, NULL, NULL);
	index_close_db(index);
	free(index->dir);
	free(index->path);
	free(index->log_prefix);
	free(index->error);
	free(index);
}

sqlite3 *mail_index_db(struct mail_index *index)
{
	return index->db;
}

const char *mail_index_get_path(const struct mail_index *index)
{
	return index->path;
}

uint64_t mail_index_get_generation(const struct mail_index *index)
{
	return index->generation;
}

bool mail_index_need_reopen(struct mail_index *index)
{
	struct stat st;

	if (index->corrupted)
		return true;
	if (index->write_depth > 0 || index->read_depth > 0)
		return false;
	if (stat(index->path, &st) < 0)
		return true;
	return st.st_ino != index->ino || st.st_dev != index->dev;
}

sqlite3_stmt *mail_index_stmt(struct mail_index *index, const char *sql)
{
	struct mail_index_stmt *s;

	s = hash_get(index->stmts, sql);
	if (s != NULL) {
		sqlite3_reset(s->stmt);
		sqlite3_clear_bindings(s->stmt);
		return s->stmt;
	}
	s = i_new(struct mail_index_stmt, 1);
	s->sql = sql;
	if (sqlite3_prepare_v3(index->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			&s->stmt, NULL) != SQLITE_OK) {
		free(s);
		mail_index_log_error(index, t_printf("prepare(%s)", sql));
		return NULL;
	}
	if (index->stmts_count >= MAIL_INDEX_MAX_CACHED_STMTS) {
		/* should not happen with the fixed set of statements; drop
		   the cache rather than grow without bound */
		struct hash_iter iter = { 0 };
		const char *key;
		void *value;

		while (hash_iterate(index->stmts, &iter, &key, &value)) {
			struct mail_index_stmt *old = value;

			sqlite3_finalize(old->stmt);
			free(old);
		}
		hash_destroy(&index->stmts);
		index->stmts = hash_create(false);
		index->stmts_count = 0;
	}
	hash_set(index->stmts, s->sql, s);
	index->stmts_count++;
	return s->stmt;
}

int mail_index_step(struct mail_index *index, sqlite3_stmt *stmt)
{
	int ret = sqlite3_step(stmt);

	if (ret == SQLITE_ROW || ret == SQLITE_DONE)
		return ret;
	SCRATCH_BEGIN {
		const char *sql = sqlite3_sql(stmt);

		mail_index_log_error(index, sql == NULL ? "step" :
			t_printf("step(%.60s)", sql));
	} SCRATCH_END;
	sqlite3_reset(stmt);
	return -1;
}

int mail_index_exec(struct mail_index *index, const char *sql)
{
	char *errmsg = NULL;

	if (sqlite3_exec(index->db, sql, NULL, NULL, &errmsg) != SQLITE_OK) {
		sqlite3_free(errmsg);
		mail_index_log_error(index, sql);
		return -1;
	}
	return 0;
}

/* Outside transactions no statement may be active: one left on a row
   keeps an old read snapshot, and the next write then fails with
   SQLITE_BUSY_SNAPSHOT ("database is locked") once another process has
   written.  Every caller must step to SQLITE_DONE or reset. */
static void mail_index_assert_idle(struct mail_index *index)
{
	sqlite3_stmt *stmt = NULL;

	while ((stmt = sqlite3_next_stmt(index->db, stmt)) != NULL) {
		if (sqlite3_stmt_busy(stmt) != 0) {
			const char *sql = sqlite3_sql(stmt);

			i_panic("SQLite statement left active: %s",
				sql == NULL ? "?" : sql);
		}
	}
}

/* Sets the page cache size; shrinking it frees the pages over the new
   size. */
static void index_set_cache_size(struct mail_index *index, unsigned int kib)
{
	sqlite3_stmt *stmt = mail_index_stmt(index,
		kib == MAIL_INDEX_CACHE_KIB ?
		"PRAGMA cache_size = -" MAIL_INDEX_STR(MAIL_INDEX_CACHE_KIB) :
		"PRAGMA cache_size = -"
		MAIL_INDEX_STR(MAIL_INDEX_WRITE_CACHE_KIB));

	if (stmt != NULL)
		(void)mail_index_step(index, stmt);
}

int mail_index_begin_write(struct mail_index *index)
{
	if (index->write_depth > 0) {
		index->write_depth++;
		return 0;
	}
	if (index->read_depth > 0) {
		/* upgrading a read transaction to a write one can deadlock
		   with another writer: callers take write first */
		i_panic("mail_index_begin_write() inside a read transaction");
	}
	mail_index_assert_idle(index);
	if (mail_index_exec(index, "BEGIN IMMEDIATE") < 0)
		return -1;
	index->write_depth = 1;
	index_set_cache_size(index, MAIL_INDEX_WRITE_CACHE_KIB);
	return 0;
}

int mail_index_begin_read(struct mail_index *index)
{
	if (index->write_depth > 0 || index->read_depth > 0) {
		index->read_depth++;
		return 0;
	}
	mail_index_assert_idle(index);
	if (mail_index_exec(index, "BEGIN DEFERRED") < 0)
		return -1;
	index->read_depth = 1;
	return 0;
}

int mail_index_commit(struct mail_index *index)
{
	int ret;

	if (index->read_depth > 0) {
		if (--index->read_depth > 0 || index->write_depth > 0)
			return 0;
		ret = mail_index_exec(index, "COMMIT");
		/* what the transaction read from the WAL: an idle session
		   keeps no pages */
		(void)sqlite3_db_release_memory(index->db);
		return ret;
	}
	i_assert(index->write_depth > 0);
	if (--index->write_depth > 0)
		return 0;
	if (mail_index_exec(index, "COMMIT") < 0) {
		(void)sqlite3_exec(index->db, "ROLLBACK", NULL, NULL, NULL);
		index_set_cache_size(index, MAIL_INDEX_CACHE_KIB);
		return -1;
	}
	index_set_cache_size(index, MAIL_INDEX_CACHE_KIB);
	return 0;
}

void mail_index_rollback(struct mail_index *index)
{
	if (index->read_depth > 0) {
		if (--index->read_depth > 0 || index->write_depth > 0)
			return;
	} else {
		i_assert(index->write_depth > 0);
		if (--index->write_depth > 0) {
			/* an inner failure aborts the whole transaction */
			return;
		}
	}
	(void)sqlite3_exec(index->db, "ROLLBACK", NULL, NULL, NULL);
	index_set_cache_size(index, MAIL_INDEX_CACHE_KIB);
}

bool mail_index_in_write(const struct mail_index *index)
{
	return index->write_depth > 0;
}

bool mail_index_in_transaction(const struct mail_index *index)
{
	return index->write_depth > 0 || index->read_depth > 0;
}

void mail_index_release_memory(struct mail_index *index)
{
	if (index->db != NULL)
		(void)sqlite3_db_release_memory(index->db);
}

uint64_t mail_index_modseq_base(struct mail_index *index, bool brand_new)
{
	uint64_t base;

	if (brand_new && index->salvaged_modseq == 0)
		return 1;
	base = mail_index_now_usecs();
	if (base <= index->salvaged_modseq)
		base = index->salvaged_modseq + 1;
	return base;
}

int mail_index_expunge_msg(struct mail_index *index, int64_t mailbox_id,
	int64_t msg_id, uint64_t modseq)
{
	static const char *const sqls[] = {
		"DELETE FROM msg WHERE id = ?1",
		"DELETE FROM mail WHERE id = ?1",
		"DELETE FROM fts WHERE rowid = ?1",
	};
	sqlite3_stmt *stmt;

	for (unsigned int i = 0; i < N_ELEMENTS(sqls); i++) {
		stmt = mail_index_stmt(index, sqls[i]);
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, msg_id);
		if (mail_index_step(index, stmt) < 0)
			return -1;
	}
	stmt = mail_index_stmt(index, "INSERT OR REPLACE INTO expunged "
		"(id, mailbox_id, modseq) VALUES (?1, ?2, ?3)");
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, msg_id);
	sqlite3_bind_int64(stmt, 2, mailbox_id);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)modseq);
	return mail_index_step(index, stmt) < 0 ? -1 : 0;
}
