#!/bin/bash
# Runs the login-rate and idle-memory benchmarks against Roost, Debian's
# Dovecot 2.3 and Debian's Cyrus IMAP 3.6, each started privately under
# /tmp/roost-bench/<server> on its own loopback port with 1,000 users
# (bench0000 .. bench0999, password "benchpw"), and prints a Markdown table
# of the figures (docs/performance.md says how to read them).
#
#   bench/run.sh [SETUP ...]     (default: all of them)
#
# Setups (docs/performance.md describes each):
#   roost            long-lived login processes (service_count = 0,
#                    process_min_avail = 2) and many sessions per imap
#                    process (service_count = 0, client_limit = 1000)
#   roost-default    Roost with Dovecot's default service settings
#   dovecot          Dovecot's "high-performance" login mode
#   dovecot-shared   the same service settings as "roost"
#   dovecot-default  Dovecot's defaults (a login process per connection)
#   cyrus            Cyrus master with a forking imapd (prefork = 0)
#
# Environment: ROOST_BUILD (default ./build; use a release build for
# figures: meson setup build-release --buildtype=release),
# BENCH_SECONDS (login-rate run time, default 10), BENCH_CONNECTIONS
# (idle sessions, default 1000), BENCH_SCHEME (PLAIN or SHA512-CRYPT,
# default PLAIN; Cyrus's sasldb always compares plaintext).
#
# Needs root: it creates the system users roost-login, roost-auth and
# roost-bench if missing, installs dovecot-core/dovecot-imapd with apt-get
# if missing (the system Dovecot service is never used: `dovecot -F -c`
# runs a private instance), and unpacks cyrus-imapd with `apt-get download`
# + `dpkg -x` into /tmp/roost-bench/cyrus-root (it conflicts with Dovecot,
# so it is not installed).  Every server listens on 127.0.0.1 only.
# Never part of `make check`.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${ROOST_BUILD:-$TOP/build}
WORK=/tmp/roost-bench
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-1000}
SCHEME=${BENCH_SCHEME:-PLAIN}
NUSERS=1000
PASSWORD=benchpw
PY=/usr/bin/python3
PORT_ROOST=31143
PORT_DOVECOT=31144
PORT_DOVECOT_DEFAULT=31146
PORT_DOVECOT_SHARED=31147
PORT_ROOST_DEFAULT=31148
PORT_CYRUS=31145

SERVERS=("$@")
[ ${#SERVERS[@]} -gt 0 ] ||
	SERVERS=(roost roost-default dovecot dovecot-shared dovecot-default cyrus)

if [ "$(id -u)" -ne 0 ]; then
	echo "bench/run.sh: run as root (system users, apt-get, /proc)" >&2
	exit 1
fi
ulimit -n "$(ulimit -Hn)"  # the most we may have: 1,000 sessions need ~4,000

mkdir -p "$WORK"
chmod 755 "$WORK"
RESULTS=$WORK/results.txt
: >"$RESULTS"

log() { echo "bench: $*" >&2; }

# The command that stops the server now running, for an interrupted run.
STOP_CMD=""
on_exit() {
	if [ -n "$STOP_CMD" ]; then
		log "stopping the server left running: $STOP_CMD"
		eval "$STOP_CMD" >/dev/null 2>&1 || true
	fi
}
trap on_exit EXIT

ensure_user() {
	getent passwd "$1" >/dev/null ||
		useradd --system --user-group --no-create-home \
			--home-dir /nonexistent --shell /usr/sbin/nologin "$1"
}
for u in roost-login roost-auth roost-bench; do ensure_user "$u"; done

wait_port() { # port
	local i
	for i in $(seq 1 300); do
		if $PY -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 1).close()" 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	echo "bench: port $1 never opened" >&2
	return 1
}

wait_gone() { # pid
	local i
	for i in $(seq 1 300); do
		kill -0 "$1" 2>/dev/null || return 0
		[ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ] && return 0
		sleep 0.2
	done
	echo "bench: process $1 did not exit" >&2
	return 1
}

# A passwd-file with the bench users.
passwd_file() { # path
	local hash i
	case $SCHEME in
	PLAIN) hash="{PLAIN}$PASSWORD" ;;
	SHA512-CRYPT) hash="{SHA512-CRYPT}$(printf '%s\n' "$PASSWORD" |
		openssl passwd -6 -stdin)" ;;
	*) echo "bench: unknown BENCH_SCHEME $SCHEME" >&2; exit 1 ;;
	esac
	for i in $(seq 0 $((NUSERS - 1))); do
		printf 'bench%04d:%s::::::\n' "$i" "$hash"
	done >"$1"
	chmod 644 "$1"
}

# Runs both benchmarks; a failure is recorded in the results (and the
# server's log kept) instead of ending the whole run.
measure() { # label port master-pid
	if ! measure_one "$@"; then
		log "$1: FAILED (log: $WORK/$1/)"
		echo "$1 FAILED" >>"$RESULTS"
	fi
}

measure_one() { # label port master-pid
	local label=$1 port=$2 pid=$3 out
	wait_port "$port" || return 1
	log "$label: login rate ($SECS s)"
	out=$($PY "$TOP/bench/login_rate.py" --port "$port" --seconds "$SECS" \
		--users "$NUSERS" --password "$PASSWORD" --label "$label") ||
		return 1
	echo "$out" >&2
	echo "$label $(echo "$out" | grep '^RESULT')" >>"$RESULTS"
	log "$label: idle memory ($CONNS sessions)"
	out=$($PY "$TOP/bench/idle_memory.py" --port "$port" --pid "$pid" \
		--connections "$CONNS" --password "$PASSWORD" --label "$label") ||
		return 1
	echo "$out" >&2
	echo "$label $(echo "$out" | grep '^RESULT')" >>"$RESULTS"
}

# Dovecot-syntax configuration shared by Roost and Dovecot.  $3 is the
# service tuning block.
dovecot_syntax_conf() { # dir port tuning
	cat <<EOF
base_dir = $1/run
log_path = $1/server.log
protocols = imap
listen = 127.0.0.1
ssl = no
default_login_user = roost-login
default_internal_user = roost-auth
default_internal_group = roost-auth
mail_uid = roost-bench
mail_gid = roost-bench
passdb {
  driver = passwd-file
  args = $1/users
}
userdb {
  driver = passwd-file
  args = $1/users
}
mail_location = maildir:$1/mail/%u
default_client_limit = 4000
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $2
  }
  inet_listener imaps {
    port = 0
  }
}
service imap {
  process_limit = 2000
}
$3
EOF
}

# Dovecot's documented "high-performance" login mode: long-lived login
# processes, one per CPU, each serving many connections.
HIGH_PERF_LOGIN='service imap-login {
  service_count = 0
  process_min_avail = 2
  client_limit = 2000
}'
# Many sessions per imap process (all bench users share one mail_uid).
SHARED_IMAP='service imap {
  service_count = 0
  client_limit = 1000
}'

fresh_dir() { # dir
	rm -rf "$1"
	mkdir -p "$1/mail"
	chown roost-bench:roost-bench "$1/mail"
	chmod 755 "$1"
}

run_roost() { # name port tuning
	local name=$1 port=$2 tuning=$3 d=$WORK/$1 pid
	local master=$BUILD/bin/master/roost
	if [ ! -x "$master" ]; then
		log "roost: $master not built, skipped"
		return 0
	fi
	fresh_dir "$d"
	passwd_file "$d/users"
	dovecot_syntax_conf "$d" "$port" "$tuning" >"$d/roost.conf"
	"$master" -F -c "$d/roost.conf" >"$d/master.out" 2>&1 &
	pid=$!
	STOP_CMD="'$master' -c '$d/roost.conf' stop"
	measure "$name" "$port" "$pid"
	"$master" -c "$d/roost.conf" stop >/dev/null
	wait_gone "$pid"
	STOP_CMD=""
}

ensure_dovecot() {
	if [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/lib/dovecot/imap ]; then
		log "installing dovecot-core dovecot-imapd"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends dovecot-core dovecot-imapd >&2
		# Only the private instance is used.
		if command -v systemctl >/dev/null 2>&1; then
			systemctl stop dovecot 2>/dev/null || true
		fi
	fi
}

run_dovecot() { # name port tuning
	local name=$1 port=$2 tuning=$3 d=$WORK/$1 pid
	ensure_dovecot
	fresh_dir "$d"
	passwd_file "$d/users"
	dovecot_syntax_conf "$d" "$port" "$tuning" >"$d/dovecot.conf"
	/usr/sbin/dovecot -F -c "$d/dovecot.conf" >"$d/master.out" 2>&1 &
	pid=$!
	STOP_CMD="/usr/sbin/dovecot -c '$d/dovecot.conf' stop"
	measure "$name" "$port" "$pid"
	/usr/sbin/dovecot -c "$d/dovecot.conf" stop >/dev/null
	wait_gone "$pid"
	STOP_CMD=""
}

CYRUS_ROOT=$WORK/cyrus-root

ensure_cyrus() {
	[ -x "$CYRUS_ROOT/usr/sbin/cyrmaster" ] &&
		[ -x "$CYRUS_ROOT/usr/sbin/saslpasswd2" ] && return 0
	log "unpacking cyrus-imapd privately into $CYRUS_ROOT"
	local debs=$WORK/cyrus-debs p
	rm -rf "$debs" && mkdir -p "$debs"
	chmod 777 "$debs" # apt-get download runs as _apt
	# cyrus-imapd and cyrus-common, their libraries that a Dovecot machine
	# lacks, and sasl2-bin for saslpasswd2.
	(cd "$debs" && apt-get download -q cyrus-imapd cyrus-common \
		libclamav12 libical3 libxapian30 libzephyr4 libmspack0 \
		sasl2-bin >&2)
	rm -rf "$CYRUS_ROOT"
	for p in "$debs"/*.deb; do dpkg -x "$p" "$CYRUS_ROOT"; done
}

run_cyrus() {
	local d=$WORK/cyrus pid i lib
	ensure_cyrus
	lib=$CYRUS_ROOT/usr/lib/x86_64-linux-gnu
	rm -rf "$d"
	mkdir -p "$d/spool" "$d/conf"/{socket,proc,lock,db,log,user,quota,sieve}
	cat >"$d/imapd.conf" <<EOF
configdirectory: $d/conf
partition-default: $d/spool
admins: cyrus
cyrus_user: roost-bench
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $d/sasldb2
sasl_mech_list: PLAIN
allowplaintext: yes
unixhierarchysep: yes
idlesocket: $d/conf/socket/idle
notifysocket: $d/conf/socket/notify
lmtpsocket: $d/conf/socket/lmtp
syslog_prefix: cyrus-bench
EOF
	cat >"$d/cyrus.conf" <<EOF
START {
  recover cmd="$CYRUS_ROOT/usr/lib/cyrus/bin/ctl_cyrusdb -C $d/imapd.conf -r"
}
SERVICES {
  imap cmd="$CYRUS_ROOT/usr/lib/cyrus/bin/imapd -C $d/imapd.conf" listen="127.0.0.1:$PORT_CYRUS" prefork=0
}
EVENTS {
}
EOF
	log "cyrus: creating $NUSERS sasldb users"
	for i in $(seq 0 $((NUSERS - 1))); do
		printf '%s' "$PASSWORD" | LD_LIBRARY_PATH=$lib \
			"$CYRUS_ROOT/usr/sbin/saslpasswd2" -p -c -f "$d/sasldb2" \
			"$(printf 'bench%04d' "$i")"
	done
	chown -R roost-bench:roost-bench "$d"
	LD_LIBRARY_PATH=$lib "$CYRUS_ROOT/usr/sbin/cyrmaster" \
		-C "$d/imapd.conf" -M "$d/cyrus.conf" -p "$d/master.pid" -D \
		>"$d/master.out" 2>&1 &
	pid=$!
	STOP_CMD="kill -TERM $pid"
	measure cyrus "$PORT_CYRUS" "$pid"
	kill -TERM "$pid"
	wait_gone "$pid"
	STOP_CMD=""
}

for s in "${SERVERS[@]}"; do
	case $s in
	roost) run_roost roost "$PORT_ROOST" "$HIGH_PERF_LOGIN
$SHARED_IMAP" ;;
	roost-default) run_roost roost-default "$PORT_ROOST_DEFAULT" "" ;;
	dovecot) run_dovecot dovecot "$PORT_DOVECOT" "$HIGH_PERF_LOGIN" ;;
	dovecot-shared) run_dovecot dovecot-shared "$PORT_DOVECOT_SHARED" \
		"$HIGH_PERF_LOGIN
$SHARED_IMAP" ;;
	dovecot-default) run_dovecot dovecot-default "$PORT_DOVECOT_DEFAULT" "" ;;
	cyrus) run_cyrus ;;
	*) echo "bench: unknown server $s" >&2; exit 2 ;;
	esac
done

# The table for docs/performance.md.
val() { # label kind key
	grep "^$1 RESULT $2 " "$RESULTS" | tr ' ' '\n' | sed -n "s/^$3=//p"
}
echo
echo "Date: $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), scheme $SCHEME"
echo
echo "| server | logins/s | p50 ms | p99 ms | PSS KiB/conn | PSS growth KiB/conn | RSS KiB/conn | processes |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for s in "${SERVERS[@]}"; do
	if grep -q "^$s FAILED" "$RESULTS"; then
		echo "| $s | failed: see $WORK/$s/ |  |  |  |  |  |  |"
		continue
	fi
	grep -q "^$s RESULT" "$RESULTS" || continue
	echo "| $s | $(val "$s" login_rate per_sec) | $(val "$s" login_rate p50_ms) | $(val "$s" login_rate p99_ms) | $(val "$s" idle_memory pss_kib_per_conn) | $(val "$s" idle_memory pss_delta_kib_per_conn) | $(val "$s" idle_memory rss_kib_per_conn) | $(val "$s" idle_memory processes) |"
done
