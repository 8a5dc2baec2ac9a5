/*
 * maildir-save-private.h - the data-copy fallback of maildir_copy(),
 * implemented with the save path in maildir-save.c.
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

#endif
