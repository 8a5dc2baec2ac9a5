#!/bin/sh
# The body of `make run`: writes a development configuration under ./var
# (only if it is missing) and runs Roost in the foreground with it.
#
#   scripts/run-dev.sh [BUILD_DIR]        (default: build)
#
# What ./var holds (all generated once, kept across runs):
#   var/roost.conf      the configuration (Dovecot 2.3 syntax; edit freely)
#   var/users           passwd-file with the user "demo"
#   var/demo-password   demo's password in clear, printed at every start
#   var/ssl/            self-signed certificate and key (openssl req -x509)
#   var/mail/<user>/    Maildirs
#   var/run/            base_dir: sockets, master.pid
# Services listen on 127.0.0.1 only: IMAP 1143, POP3 1110, LMTP 1024,
# ManageSieve 4190; the listener of a service whose binary is not built yet
# is written commented out.  The log goes to stderr.
#
# Users (this script creates none): as a normal user every process runs as
# that user.  As root, the login, auth and mail processes run as the
# dedicated users roost-login, roost-auth and roost-mail when those exist
# (`make check` creates them; see docs/testing.md), else as the user who
# ran sudo, else as nobody.  The master stays root.
# Delete var/roost.conf to have it written again.
set -eu

BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
BUILD=$(cd "$BUILD" && pwd)
MASTER=${ROOST_MASTER:-$BUILD/bin/master/roost}
VAR=$TOP/var
CONF=$VAR/roost.conf

if [ ! -x "$MASTER" ]; then
	echo "run-dev: $MASTER is not built (run 'make' first)" >&2
	exit 1
fi

have_service() {
	[ -x "$BUILD/bin/$1/$1" ]
}

user_exists() {
	getent passwd "$1" >/dev/null 2>&1
}

mkdir -p "$VAR/run" "$VAR/mail" "$VAR/ssl"
chmod 755 "$VAR"

# The demo user's password: made once.
if [ ! -s "$VAR/demo-password" ]; then
	(umask 077 && openssl rand -base64 12 | tr -d '/+=\n' \
		>"$VAR/demo-password")
fi
PASSWORD=$(cat "$VAR/demo-password")

if [ ! -s "$VAR/users" ]; then
	HASH=$(printf '%s\n' "$PASSWORD" | openssl passwd -6 -stdin)
	(umask 022 && printf 'demo:{SHA512-CRYPT}%s::::%s/mail/demo::\n' \
		"$HASH" "$VAR" >"$VAR/users")
fi

if [ ! -s "$VAR/ssl/cert.pem" ] || [ ! -s "$VAR/ssl/key.pem" ]; then
	(umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
		-subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$VAR/ssl/key.pem" -out "$VAR/ssl/cert.pem" 2>/dev/null)
	chmod 644 "$VAR/ssl/cert.pem"
fi

if [ ! -f "$CONF" ]; then
	# Which users the processes run as (Roost, like Dovecot, never runs
	# a login, auth or mail process as root).
	if [ "$(id -u)" -ne 0 ]; then
		LOGIN_USER=$(id -un)
		INTERNAL_USER=$LOGIN_USER
		MAIL_USER=$LOGIN_USER
	elif user_exists roost-login && user_exists roost-auth &&
		user_exists roost-mail; then
		LOGIN_USER=roost-login
		INTERNAL_USER=roost-auth
		MAIL_USER=roost-mail
	elif [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] &&
		user_exists "$SUDO_USER"; then
		LOGIN_USER=$SUDO_USER
		INTERNAL_USER=$SUDO_USER
		MAIL_USER=$SUDO_USER
	else
		LOGIN_USER=nobody
		INTERNAL_USER=nobody
		MAIL_USER=nobody
	fi
	MAIL_GROUP=$(id -gn "$MAIL_USER")
	if [ "$(id -u)" -eq 0 ]; then
		chown "$MAIL_USER:$MAIL_GROUP" "$VAR/mail"
	fi
	MAIL_IDS="mail_uid = $MAIL_USER
mail_gid = $MAIL_GROUP"

	PROTOCOLS="imap"
	POP3="#"; LMTP="#"; SIEVE="#"
	if have_service pop3; then PROTOCOLS="$PROTOCOLS pop3"; POP3=""; fi
	if have_service lmtp; then PROTOCOLS="$PROTOCOLS lmtp"; LMTP=""; fi
	if have_service managesieve; then PROTOCOLS="$PROTOCOLS sieve"; SIEVE=""; fi

	cat >"$CONF.tmp" <<EOF
# Roost development configuration, written by scripts/run-dev.sh.
# Dovecot 2.3 syntax.  Delete this file to have it generated again.
base_dir = $VAR/run
log_path = /dev/stderr
protocols = $PROTOCOLS
listen = 127.0.0.1

default_login_user = $LOGIN_USER
default_internal_user = $INTERNAL_USER
$MAIL_IDS

ssl = yes
ssl_cert = <$VAR/ssl/cert.pem
ssl_key = <$VAR/ssl/key.pem

passdb {
  driver = passwd-file
  args = $VAR/users
}
userdb {
  driver = passwd-file
  args = $VAR/users
}
mail_location = maildir:$VAR/mail/%u

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 1143
  }
  inet_listener imaps {
    port = 0
  }
}
${POP3}service pop3-login {
${POP3}  inet_listener pop3 {
${POP3}    address = 127.0.0.1
${POP3}    port = 1110
${POP3}  }
${POP3}  inet_listener pop3s {
${POP3}    port = 0
${POP3}  }
${POP3}}
${LMTP}service lmtp {
${LMTP}  inet_listener lmtp {
${LMTP}    address = 127.0.0.1
${LMTP}    port = 1024
${LMTP}  }
${LMTP}}
${SIEVE}service managesieve-login {
${SIEVE}  inet_listener sieve {
${SIEVE}    address = 127.0.0.1
${SIEVE}    port = 4190
${SIEVE}  }
${SIEVE}}
EOF
	mv "$CONF.tmp" "$CONF"
	echo "run-dev: wrote $CONF"
fi

echo "run-dev: config $CONF"
echo "run-dev: IMAP on 127.0.0.1:1143 -- user: demo  password: $PASSWORD"
echo "run-dev: try: python3 -c 'import imaplib; c = imaplib.IMAP4(\"127.0.0.1\", 1143); print(c.login(\"demo\", \"$PASSWORD\"))'"
echo "run-dev: stop with Ctrl-C or: $MASTER -c $CONF stop"
exec "$MASTER" -F -c "$CONF"
