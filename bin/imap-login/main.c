/*
 * main.c - imap-login: the IMAP pre-login process.  All of the work is in
 * src/login (the machinery) and imap-login-client.c (the protocol hooks).
 */
#include "lib.h"
#include "login-common.h"
#include "imap-login-client.h"

int main(int argc, char **argv)
{
	return login_binary_run(&imap_login_binary, argc, argv);
}
