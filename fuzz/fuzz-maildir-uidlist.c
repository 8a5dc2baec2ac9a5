/*
 * fuzz-maildir-uidlist.c - libFuzzer target for the dovecot-uidlist parser
 * (src/storage/maildir/).  A file that parses must serialise, parse back
 * and serialise to the same bytes (what a rewrite relies on); lookups of
 * every record by UID and by name must find it.
 */
#include "lib.h"
#include "buf.h"
#include "maildir-uidlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct maildir_uidlist *ul, *ul2;
	struct buf out, out2;
	const char *error;
	unsigned int i;

	if (size > 256 * 1024)
		return 0;
	ul = maildir_uidlist_create();
	SCRATCH_BEGIN {
		if (maildir_uidlist_parse(ul, (const char *)data, size,
				&error) == 1) {
			for (i = 0; i < maildir_uidlist_count(ul); i++) {
				const struct maildir_uidlist_rec *rec =
					maildir_uidlist_rec_at(ul, i);

				if (maildir_uidlist_lookup_uid(ul, rec->uid) !=
				    rec)
					i_panic("uid lookup failed");
				if (maildir_uidlist_lookup_filename(ul,
						rec->filename) != rec)
					i_panic("name lookup failed");
			}
			buf_init(&out, NULL, 1024, 0);
			buf_init(&out2, NULL, 1024, 0);
			if (maildir_uidlist_serialize(ul, &out, 0) < 0)
				i_panic("serialize failed");
			ul2 = maildir_uidlist_create();
			if (maildir_uidlist_parse(ul2, out.data, out.used,
					&error) != 1)
				i_panic("round trip failed: %s", error);
			if (maildir_uidlist_serialize(ul2, &out2, 0) < 0 ||
			    out.used != out2.used ||
			    memcmp(out.data, out2.data, out.used) != 0)
				i_panic("round trip differs");
			maildir_uidlist_destroy(&ul2);
			buf_free(&out);
			buf_free(&out2);
		}
	} SCRATCH_END;
	maildir_uidlist_destroy(&ul);
	return 0;
}
