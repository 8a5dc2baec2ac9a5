/*
 * mail-index-private.h - what mail-index.c (connections, transactions,
 * recovery) and mail-index-schema.c (the tables and their check) share.
 */
#ifndef ROOST_MAIL_INDEX_PRIVATE_H
#define ROOST_MAIL_INDEX_PRIVATE_H

#include "mail-index.h"

#include <sys/types.h>

struct hash_table;

struct mail_index_stmt {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct mail_index {
	sqlite3 *db;
	char *dir;
	char *path;
	char *log_prefix;
	char *error;
	struct hash_table *stmts; /* sql -> struct mail_index_stmt */
	unsigned int stmts_count;
	ino_t ino;
	dev_t dev;
	uint64_t generation;
	/* Highest modseq recovered from a broken database, or 0. */
	uint64_t salvaged_modseq;
	unsigned int write_depth, read_depth;
	unsigned int busy_timeout_msecs;
	uint64_t busy_start_usecs;
	bool corrupted;
	/* sessions of this process using the connection */
	unsigned int refcount;
	/* in open_indexes (a replaced or corrupted database leaves the
	   list, its last users keep it until they notice) */
	struct mail_index *next_open;
	bool listed;
};

/* Microseconds since the epoch (generations, modseq bases). */
uint64_t mail_index_now_usecs(void);

/* mail-index-schema.c */
/* Runs one SQL statement on db; -1 with "SQL: error" in *error_r. */
int index_exec_db(sqlite3 *db, const char *sql, const char **error_r);
/* Creates the tables of an empty database in one transaction, with a new
   generation and the salvaged modseq in meta.  0 or -1 with *error_r. */
int index_create_schema(struct mail_index *index, const char **error_r);
/* Reads the schema version and the meta values: 1 usable, 0 empty (no
   schema yet), -1 with *reason_r when it must be rebuilt. */
int index_check_schema(struct mail_index *index, const char **reason_r);

#endif
