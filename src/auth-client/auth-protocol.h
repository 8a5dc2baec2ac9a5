/*
 * auth-protocol.h - constants of Dovecot's auth client and master
 * protocols shared by the server (src/auth) and the client libraries
 * (src/auth-client).  The wire formats are described in docs/ipc/auth.md.
 */
#ifndef ROOST_AUTH_PROTOCOL_H
#define ROOST_AUTH_PROTOCOL_H

/* "VERSION\t1\t2" on the client socket. */
#define AUTH_CLIENT_PROTOCOL_MAJOR_VERSION 1
#define AUTH_CLIENT_PROTOCOL_MINOR_VERSION 2
/* Client sends "VERSION\t1\t0", the server answers "VERSION\t1\t1". */
#define AUTH_MASTER_PROTOCOL_MAJOR_VERSION 1
#define AUTH_MASTER_PROTOCOL_MINOR_VERSION 1

/* Longest line either side accepts (Dovecot's AUTH_CLIENT_MAX_LINE_LENGTH,
   which also bounds a base64 SASL response). */
#define AUTH_CLIENT_MAX_LINE_LENGTH 16384
#define AUTH_MASTER_MAX_LINE_LENGTH (16384 * 4)
/* The login cookie: 16 random bytes, sent as 32 hex digits. */
#define AUTH_COOKIE_SIZE 16
#define AUTH_COOKIE_HEX_SIZE (AUTH_COOKIE_SIZE * 2)
/* Longest mechanism name accepted. */
#define AUTH_MECH_NAME_MAX_LENGTH 64

#endif
