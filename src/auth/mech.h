/*
 * mech.h - SASL mechanisms on the server side.  A mechanism is one
 * struct mech_module (a row in mech_modules[], mech.c).  It drives one
 * auth_request: it decodes the client's responses, asks for more with
 * auth_request_continue(), and ends with auth_request_verify_plain() (whose
 * callback reports success or failure) or auth_request_fail().
 */
#ifndef ROOST_MECH_H
#define ROOST_MECH_H

struct auth_request;

struct mech_module {
	const char *name;        /* upper-case: "PLAIN" */
	/* MECH line flags, space-free words separated by tabs:
	   "plaintext", "anonymous", ... (may be ""). */
	const char *flags;
	/*
	 * The first step.  data is the decoded initial response, or NULL
	 * when the client sent none (size 0 then); an empty initial
	 * response is non-NULL with size 0.
	 */
	void (*auth_initial)(struct auth_request *request,
		const unsigned char *data, size_t size);
	/* Each further client response (decoded). */
	void (*auth_continue)(struct auth_request *request,
		const unsigned char *data, size_t size);
};

/* The built-in mechanism called name (case-insensitive), or NULL. */
const struct mech_module *mech_module_find(const char *name);

extern const struct mech_module mech_plain;
extern const struct mech_module mech_login;

#endif
