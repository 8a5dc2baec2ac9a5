/*
 * mail-index-schema.c - the index database's tables (one row per mailbox,
 * narrow per-message state, per-message data and parse cache, expunge
 * history, FTS5 with trigram tokens), their creation and the check of an
 * existing database (schema version, meta values, every table readable).
 */
#include "lib.h"
#include "mail-index-private.h"

static const char *const schema_sql[] = {
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID",
	/* One row per mailbox, keyed by its directory.  stamp is the store's
	   change stamp of the last full scan (NULL: never scanned).
	   history_modseq: the expunge history is complete for modseqs above
	   it. */
	"CREATE TABLE mailbox ("
	" id INTEGER PRIMARY KEY,"
	" path TEXT NOT NULL UNIQUE,"
	" uidvalidity INTEGER NOT NULL DEFAULT 0,"
	" uidnext INTEGER NOT NULL DEFAULT 1,"
	" highest_modseq INTEGER NOT NULL DEFAULT 1,"
	" history_modseq INTEGER NOT NULL DEFAULT 0,"
	" first_recent_uid INTEGER NOT NULL DEFAULT 1,"
	" stamp BLOB,"
	" keywords TEXT NOT NULL DEFAULT '',"
	" guid TEXT)",
	/* Per message state; id = mailbox id << 32 | uid.  Kept narrow so
	   that loading a view reads few pages. */
	"CREATE TABLE msg ("
	" id INTEGER PRIMARY KEY,"
	" mailbox_id INTEGER NOT NULL,"
	" flags INTEGER NOT NULL,"
	" keywords BLOB,"
	" modseq INTEGER NOT NULL)",
	"CREATE INDEX msg_modseq ON msg (mailbox_id, modseq)",
	/* Per message data: the store key, sizes, dates and the parse
	   cache (cached = 1 once the parse columns are filled). */
	"CREATE TABLE mail ("
	" id INTEGER PRIMARY KEY,"
	" key TEXT NOT NULL,"
	" guid TEXT,"
	" psize INTEGER,"
	" vsize INTEGER,"
	" received INTEGER,"
	" saved INTEGER,"
	" cached INTEGER NOT NULL DEFAULT 0,"
	" envelope TEXT,"
	" bodystructure TEXT,"
	" body TEXT,"
	" parts BLOB,"
	" sent_date INTEGER,"
	" sent_tz INTEGER,"
	" base_subject TEXT,"
	" subject_reply INTEGER,"
	" sort_from TEXT,"
	" sort_to TEXT,"
	" sort_cc TEXT,"
	" display_from TEXT,"
	" display_to TEXT,"
	" message_id TEXT,"
	" in_reply_to TEXT,"
	" refs TEXT,"
	" hdrs BLOB,"
	" fts INTEGER NOT NULL DEFAULT 0)",
	/* Expunge history for QRESYNC. */
	"CREATE TABLE expunged ("
	" id INTEGER PRIMARY KEY,"
	" mailbox_id INTEGER NOT NULL,"
	" modseq INTEGER NOT NULL)",
	"CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq)",
	/* Full text: case-folded decoded text, trigram tokens so that a
	   MATCH of a phrase is an exact substring search.  rowid = msg id. */
	"CREATE VIRTUAL TABLE fts USING fts5(hdr, body,"
	" tokenize = 'trigram case_sensitive 1', detail = full)",
	NULL
};

int index_exec_db(sqlite3 *db, const char *sql, const char **error_r)
{
	char *errmsg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &errmsg) != SQLITE_OK) {
		*error_r = t_printf("%s: %s", sql,
			errmsg != NULL ? errmsg : sqlite3_errmsg(db));
		sqlite3_free(errmsg);
		return -1;
	}
	return 0;
}

int index_create_schema(struct mail_index *index, const char **error_r)
{
	sqlite3_stmt *stmt;
	unsigned int i;

	if (index_exec_db(index->db, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	for (i = 0; schema_sql[i] != NULL; i++) {
		if (index_exec_db(index->db, schema_sql[i], error_r) < 0) {
			(void)sqlite3_exec(index->db, "ROLLBACK", NULL, NULL,
				NULL);
			return -1;
		}
	}
	index->generation = mail_index_now_usecs();
	if (sqlite3_prepare_v2(index->db,
			"INSERT INTO meta (key, value) VALUES "
			"('generation', ?1), ('salvaged_modseq', ?2)",
			-1, &stmt, NULL) != SQLITE_OK) {
		*error_r = t_strdup(sqlite3_errmsg(index->db));
		(void)sqlite3_exec(index->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)index->generation);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)index->salvaged_modseq);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		*error_r = t_strdup(sqlite3_errmsg(index->db));
		sqlite3_finalize(stmt);
		(void)sqlite3_exec(index->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_finalize(stmt);
	if (index_exec_db(index->db, t_printf("PRAGMA user_version = %d",
			MAIL_INDEX_SCHEMA_VERSION), error_r) < 0 ||
	    index_exec_db(index->db, "COMMIT", error_r) < 0) {
		(void)sqlite3_exec(index->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/*
 * Reads the schema version and the meta values.  Returns 1 when the
 * database is usable, 0 when it is empty (no schema yet), -1 with *reason_r
 * when it must be rebuilt.
 */
int index_check_schema(struct mail_index *index,
	const char **reason_r)
{
	sqlite3_stmt *stmt;
	int version = -1, ret;

	if (sqlite3_prepare_v2(index->db, "PRAGMA user_version", -1, &stmt,
			NULL) != SQLITE_OK) {
		*reason_r = t_strdup(sqlite3_errmsg(index->db));
		return -1;
	}
	ret = sqlite3_step(stmt);
	if (ret == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (ret != SQLITE_ROW) {
		*reason_r = t_strdup(sqlite3_errmsg(index->db));
		return -1;
	}
	if (version == 0) {
		/* no schema: empty or foreign database */
		if (sqlite3_prepare_v2(index->db,
				"SELECT count(*) FROM sqlite_master", -1,
				&stmt, NULL) != SQLITE_OK) {
			*reason_r = t_strdup(sqlite3_errmsg(index->db));
			return -1;
		}
		ret = sqlite3_step(stmt);
		version = ret == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
		sqlite3_finalize(stmt);
		if (version != 0) {
			*reason_r = "unknown schema";
			return -1;
		}
		return 0;
	}
	if (version != MAIL_INDEX_SCHEMA_VERSION) {
		*reason_r = t_printf("schema version %d, expected %d", version,
			MAIL_INDEX_SCHEMA_VERSION);
		return -1;
	}
	if (sqlite3_prepare_v2(index->db,
			"SELECT key, value FROM meta", -1, &stmt,
			NULL) != SQLITE_OK) {
		*reason_r = t_strdup(sqlite3_errmsg(index->db));
		return -1;
	}
	while ((ret = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(stmt, 0);

		if (key == NULL)
			continue;
		if (strcmp(key, "generation") == 0) {
			index->generation =
				(uint64_t)sqlite3_column_int64(stmt, 1);
		} else if (strcmp(key, "salvaged_modseq") == 0) {
			index->salvaged_modseq =
				(uint64_t)sqlite3_column_int64(stmt, 1);
		}
	}
	sqlite3_finalize(stmt);
	if (ret != SQLITE_DONE) {
		*reason_r = t_strdup(sqlite3_errmsg(index->db));
		return -1;
	}
	if (index->generation == 0) {
		*reason_r = "missing generation";
		return -1;
	}
	/* Touch every table once: a table whose root page is gone fails
	   here rather than in the middle of a session. */
	if (sqlite3_prepare_v2(index->db,
			"SELECT (SELECT count(*) FROM mailbox LIMIT 1),"
			" (SELECT id FROM msg LIMIT 1),"
			" (SELECT id FROM mail LIMIT 1),"
			" (SELECT id FROM expunged LIMIT 1)", -1, &stmt,
			NULL) != SQLITE_OK) {
		*reason_r = t_strdup(sqlite3_errmsg(index->db));
		return -1;
	}
	ret = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (ret != SQLITE_ROW) {
		*reason_r = t_strdup(sqlite3_errmsg(index->db));
		return -1;
	}
	return 1;
}
