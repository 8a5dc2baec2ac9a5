/*
 * maildir-save-private.h - what maildir_copy() shares with the save path
 * in maildir-save.c: publishing a file from tmp/ and the data-copy
 * fallback.
 */
#ifndef ROOST_MAILDIR_SAVE_PRIVATE_H
#define ROOST_MAILDIR_SAVE_PRIVATE_H

#include "maildir-ops.h"

/* Copies the bytes of the message (found again by base name if renamed)
   through tmp/ into dst_dir, keeping its mtime.  Same returns as
   maildir_copy(). */
int maildir_copy_data(const char *src_dir, const char *src_fname,
	const char *dst_dir, const struct maildir_settings *set,
	enum maildir_flags flags, uint32_t keywords, struct arena *arena,
	const char **dst_fname_r, bool *in_new_r, const char **error_r);

/*
 * Publishes tmp_path (a complete message file in <dir>/tmp) under base:
 * links it into new/ (no flags and no keywords) or cur/ (with
 * ":2,<flags>"), named "<base>[,S=<size>][,W=<vsize>][:2,<flags>]"
 * ((uint64_t)-1 leaves a size out), removes the tmp/ name and, with
 * do_fsync, fsyncs the directory.  0 with *fname_r (from arena) and
 * *in_new_r; -1 with error_r, *fname_r NULL when nothing was published
 * (the tmp/ file is left for the caller), else the published name (only
 * the directory fsync failed).
 */
int maildir_publish_tmp(const char *dir, const char *base,
	const char *tmp_path, uint64_t size, uint64_t vsize,
	enum maildir_flags flags, uint32_t keywords, bool do_fsync,
	struct arena *arena, const char **fname_r, bool *in_new_r,
	const char **error_r);

#endif
