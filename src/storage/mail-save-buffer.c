/*
 * mail-save-buffer.c - saving one message held in memory in a transaction
 * of its own: a convenience over the save and transaction API of
 * storage.h for callers with the whole message at hand (tests, tools).
 */
#include "lib.h"
#include "storage.h"

int mailbox_save_buffer(struct mailbox *box,
	const struct mail_save_params *params, const void *data, size_t size,
	uint32_t *uid_r)
{
	struct mailbox_transaction *t = mailbox_transaction_begin(box);
	struct mail_save_context *ctx;
	struct mail_transaction_result result;
	struct arena *arena;
	int ret;

	ctx = mail_save_begin(t, params);
	if (ctx == NULL) {
		mailbox_transaction_rollback(&t);
		return -1;
	}
	if (mail_save_write(ctx, data, size) < 0) {
		mail_save_cancel(&ctx);
		mailbox_transaction_rollback(&t);
		return -1;
	}
	if (mail_save_finish(&ctx) < 0) {
		mailbox_transaction_rollback(&t);
		return -1;
	}
	arena = arena_create("save result", 256);
	ret = mailbox_transaction_commit(&t, arena, &result);
	if (ret == 0 && uid_r != NULL)
		*uid_r = result.saved_count > 0 ? result.saved_uids[0] : 0;
	arena_destroy(&arena);
	return ret;
}
