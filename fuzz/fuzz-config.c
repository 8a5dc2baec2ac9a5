/*
 * fuzz-config.c - libFuzzer target for the dovecot.conf parser and the
 * dumper (src/config/).
 *
 * The input is loaded as configuration text.  If it parses, it is dumped
 * in every mode; the ALL dump must parse back and dump to the same text
 * (the round trip the master relies on when it hands the configuration to
 * its children), so a mismatch aborts.  !include and "key = <file" are
 * resolved relative to a directory that does not exist, so the fuzzer
 * cannot read files by accident.
 */
#include "lib.h"
#include "buf.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *dump_all(const struct config *c, struct buf *out)
{
	const char *error;

	buf_reset(out);
	if (config_dump(c, CONFIG_DUMP_ALL, NULL, NULL, out, &error) < 0)
		i_panic("dump failed: %s", error);
	return buf_cstr(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum config_dump_mode modes[] = {
		CONFIG_DUMP_NONDEFAULT, CONFIG_DUMP_EXPLICIT,
		CONFIG_DUMP_DEFAULTS,
	};
	struct config_filter filter = {
		.protocol = "imap", .local_ip = "10.0.0.1",
		.remote_ip = "192.168.1.1", .local_name = "mail.example.com",
	};
	struct config *c = NULL, *c2 = NULL;
	struct buf out, out2;
	const char *error;
	char *text;
	unsigned int i;

	if (size > 64 * 1024)
		return 0;
	text = i_strndup(data, size);
	SCRATCH_BEGIN {
		if (config_load_string(text, "/nonexistent-fuzz/dovecot.conf",
				&c, &error) == 0) {
			buf_init(&out, NULL, 4096, 0);
			buf_init(&out2, NULL, 4096, 0);
			for (i = 0; i < N_ELEMENTS(modes); i++) {
				buf_reset(&out);
				if (config_dump(c, modes[i], NULL, NULL, &out,
						&error) < 0)
					i_panic("dump failed: %s", error);
			}
			buf_reset(&out);
			if (config_dump_ext(c, CONFIG_DUMP_NONDEFAULT,
					CONFIG_DUMP_FLAG_DOVECONF_ORDER |
					CONFIG_DUMP_FLAG_HIDE_SECRETS, NULL,
					NULL, &out, &error) < 0)
				i_panic("doveconf dump failed: %s", error);
			buf_reset(&out);
			if (config_dump(c, CONFIG_DUMP_NONDEFAULT, &filter,
					NULL, &out, &error) < 0)
				i_panic("filtered dump failed: %s", error);
			(void)config_get(c, &filter, "mail_plugins");
			(void)config_get_sections(c, &filter, "plugin", &i);
			(void)dump_all(c, &out);
			if (config_load_string(buf_cstr(&out),
					"/nonexistent-fuzz/dovecot.conf", &c2,
					&error) < 0)
				i_panic("dump did not parse back: %s", error);
			if (strcmp(dump_all(c2, &out2), buf_cstr(&out)) != 0)
				i_panic("dump round trip differs");
			config_free(&c2);
			config_free(&c);
			buf_free(&out);
			buf_free(&out2);
		}
	} SCRATCH_END;
	free(text);
	return 0;
}
