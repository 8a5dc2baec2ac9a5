/*
 * test-adm-mail.c - unit tests of the pure parts of roostadm's mail
 * commands: mailbox status's field parsing (names, "all", -t rules and
 * doveadm's error texts).
 */
#include "lib.h"
#include "adm-mail-status.h"
#include "test-common.h"

static void test_status_fields(void)
{
	static const char *const all[] = { "all", NULL };
	static const char *const two[] = { "unseen  messages", NULL };
	static const char *const split[] = { "vsize", "guid firstsaved",
		NULL };
	static const char *const none[] = { "", NULL };
	unsigned int fields;
	const char *error;

	test_begin("status fields: names, all, order-free");
	test_assert(adm_status_fields_parse(all, false, &fields, &error) == 0);
	test_assert(fields == 0x1ff);
	test_assert(adm_status_fields_parse(all, true, &fields, &error) == 0);
	test_assert(fields == ADM_STATUS_SUMMABLE);
	test_assert(adm_status_fields_parse(two, false, &fields, &error) == 0);
	test_assert(fields == (ADM_STATUS_MESSAGES | ADM_STATUS_UNSEEN));
	test_assert(adm_status_fields_parse(split, false, &fields,
		&error) == 0);
	test_assert(fields == (ADM_STATUS_VSIZE | ADM_STATUS_GUID |
		ADM_STATUS_FIRSTSAVED));
	test_assert(adm_status_fields_parse(none, false, &fields,
		&error) == 0);
	test_assert(fields == 0);
	for (unsigned int i = 0; i < ADM_STATUS_FIELD_COUNT; i++) {
		const char *one[] = { adm_status_field_names[i], NULL };

		test_assert(adm_status_fields_parse(one, false, &fields,
			&error) == 0);
		test_assert(fields == 1U << i);
	}
	test_end();
}

static void test_status_field_errors(void)
{
	static const char *const bogus[] = { "messages bogus", NULL };
	static const char *const upper[] = { "MESSAGES", NULL };
	static const char *const total[] = { "messages uidnext", NULL };
	static const char *const guid[] = { "guid", NULL };
	unsigned int fields;
	const char *error;

	test_begin("status fields: doveadm's errors");
	test_assert(adm_status_fields_parse(bogus, false, &fields,
		&error) < 0);
	test_assert_strcmp(error, "Unknown status field: bogus");
	test_assert(adm_status_fields_parse(upper, false, &fields,
		&error) < 0);
	test_assert_strcmp(error, "Unknown status field: MESSAGES");
	test_assert(adm_status_fields_parse(total, true, &fields, &error) < 0);
	test_assert_strcmp(error, "Status field uidnext can't be used with -t");
	test_assert(adm_status_fields_parse(guid, true, &fields, &error) < 0);
	test_assert_strcmp(error, "Status field guid can't be used with -t");
	test_end();
}

int main(void)
{
	static void (*const tests[])(void) = {
		test_status_fields,
		test_status_field_errors,
		NULL
	};

	return test_run(tests);
}
