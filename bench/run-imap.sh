#!/bin/bash
# IMAP mail-access benchmarks: Roost and Debian's Dovecot 2.3 side by side in
# the same run, each started privately under /tmp/roost-bench-imap/<server>
# on its own loopback port (never the system Dovecot service), on the same
# generated mail (bench/imap_mailgen.py):
#
#   bench0000  INBOX of 10,000 messages, ~100 MB (FETCH, SEARCH, memory)
#   bench0001  INBOX of 100,000 small messages (SELECT, memory)
#   bench0002  empty INBOX (APPEND of 2,000 messages, IDLE latency)
#
# and prints a Markdown table (docs/performance.md, "IMAP mail access").
#
#   bench/run-imap.sh [roost|dovecot ...]      (default: both)
#
# Environment: ROOST_BUILD (default ./build; use a release build:
# meson setup build-release --buildtype=release),
# BENCH_REPEAT (default 5), BENCH_SESSIONS (idle sessions for the memory
# growth, default 20), BENCH_ONLY (a comma list of fetch,search,append,
# idle,select,memory).
#
# Both servers get the same configuration: bench/run.sh's
# dovecot_syntax_conf (reused from it: passwd-file, Maildir, mail_uid
# roost-bench, ssl = no) with Dovecot's high-performance login mode and
# many sessions per imap process (service_count = 0, client_limit = 1000),
# Dovecot's defaults otherwise (mail_fsync = optimized, no FTS plugin).
# Needs root (system users, chown, /proc of other users).  Never part of
# `make check`.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${ROOST_BUILD:-$TOP/build}
WORK=/tmp/roost-bench-imap
REPEAT=${BENCH_REPEAT:-5}
SESSIONS=${BENCH_SESSIONS:-20}
ONLY=${BENCH_ONLY:-fetch,search,append,idle,select,memory}
PY=/usr/bin/python3
NUSERS=3
SCHEME=PLAIN
PASSWORD=benchpw
PORT_ROOST=31163
PORT_DOVECOT=31164

SERVERS=("$@")
[ ${#SERVERS[@]} -gt 0 ] || SERVERS=(roost dovecot)

if [ "$(id -u)" -ne 0 ]; then
	echo "bench/run-imap.sh: run as root (system users, chown, /proc)" >&2
	exit 1
fi

log() { echo "bench-imap: $*" >&2; }

# The setup functions of bench/run.sh (which runs its own benchmarks when
# executed, so only its function definitions are taken).
extract_functions() { # file name...
	local f=$1 n
	shift
	for n in "$@"; do
		# From "name() {" to the first "}" line outside a here-document.
		awk -v n="$n" '
			$0 ~ "^" n "\\(\\) \\{" { p = 1 }
			p { print }
			p && here != "" && $0 == here { here = ""; next }
			p && here == "" && match($0, /<<-?'"'"'?[A-Z]+/) {
				here = substr($0, RSTART, RLENGTH)
				gsub(/[<'"'"'-]/, "", here)
				next
			}
			p && here == "" && /^}/ { p = 0 }' "$f"
	done
}
eval "$(extract_functions "$TOP/bench/run.sh" ensure_user wait_port \
	wait_gone passwd_file dovecot_syntax_conf fresh_dir ensure_dovecot)"
for f in ensure_user wait_port wait_gone passwd_file dovecot_syntax_conf \
	fresh_dir ensure_dovecot; do
	declare -F "$f" >/dev/null || {
		echo "bench-imap: $f not found in bench/run.sh" >&2
		exit 1
	}
done

STOP_CMD=""
on_exit() {
	if [ -n "$STOP_CMD" ]; then
		log "stopping the server left running: $STOP_CMD"
		eval "$STOP_CMD" >/dev/null 2>&1 || true
	fi
}
trap on_exit EXIT

for u in roost-login roost-auth roost-bench; do ensure_user "$u"; done

mkdir -p "$WORK"
chmod 755 "$WORK"
RESULTS=$WORK/results.txt
: >"$RESULTS"

TUNING='service imap-login {
  service_count = 0
  process_min_avail = 2
  client_limit = 2000
}
service imap {
  service_count = 0
  client_limit = 1000
}
protocol imap {
  mail_max_userip_connections = 1000
}'

# The generated mail, made once and hard-linked into each server's tree
# (Maildir files are never rewritten, only renamed).
TEMPLATE=$WORK/template
make_template() {
	if [ -f "$TEMPLATE/done" ]; then
		return 0
	fi
	rm -rf "$TEMPLATE"
	log "generating 10,000 + 100,000 messages into $TEMPLATE"
	$PY "$TOP/bench/imap_mailgen.py" "$TEMPLATE/bench0000" 10000 --seed 1 >&2
	$PY "$TOP/bench/imap_mailgen.py" "$TEMPLATE/bench0001" 100000 \
		--seed 2 --small >&2
	mkdir -p "$TEMPLATE/bench0002"/{cur,new,tmp}
	touch "$TEMPLATE/done"
}

populate() { # dir
	cp -al "$TEMPLATE/bench0000" "$TEMPLATE/bench0001" \
		"$TEMPLATE/bench0002" "$1/mail/"
	chown -R roost-bench:roost-bench "$1/mail"
}

measure() { # label port master-pid benchmarks
	local out
	wait_port "$2" || return 1
	out=$($PY "$TOP/bench/imap_bench.py" --port "$2" --pid "$3" \
		--password "$PASSWORD" --repeat "$REPEAT" --sessions "$SESSIONS" \
		--only "$4") || log "$1: some benchmarks failed"
	echo "$out" >&2
	# (a phase without results, such as the warm-up alone, is fine)
	echo "$out" | { grep '^RESULT' || true; } | sed "s/^/$1 /" >>"$RESULTS"
}

run_server() { # name port master-binary
	local name=$1 port=$2 bin=$3 d=$WORK/$1 pid
	fresh_dir "$d"
	passwd_file "$d/users"
	dovecot_syntax_conf "$d" "$port" "$TUNING" >"$d/server.conf"
	populate "$d"
	# One start for everything but memory, then one for each mailbox's
	# memory figures, each in a fresh imap
	# process (one that served the other benchmarks keeps their freed heap,
	# which new sessions would reuse for free).
	local phases=() mem="" b
	for b in ${ONLY//,/ }; do
		if [ "$b" = memory ]; then
			mem="memory10k memory100k"
		else
			phases+=("$b")
		fi
	done
	local first
	first=$(IFS=,; echo "warmup${phases[*]:+,}${phases[*]}")
	for b in "$first" $mem; do
		log "$name: $b"
		"$bin" -F -c "$d/server.conf" >>"$d/master.out" 2>&1 &
		pid=$!
		STOP_CMD="'$bin' -c '$d/server.conf' stop"
		if ! measure "$name" "$port" "$pid" "$b"; then
			log "$name: FAILED (log: $d/)"
			echo "$name FAILED" >>"$RESULTS"
		fi
		"$bin" -c "$d/server.conf" stop >/dev/null || kill "$pid"
		wait_gone "$pid"
		STOP_CMD=""
	done
}

make_template
for s in "${SERVERS[@]}"; do
	case $s in
	roost)
		if [ ! -x "$BUILD/bin/master/roost" ]; then
			log "roost: $BUILD/bin/master/roost not built, skipped"
			continue
		fi
		run_server roost "$PORT_ROOST" "$BUILD/bin/master/roost" ;;
	dovecot)
		ensure_dovecot
		run_server dovecot "$PORT_DOVECOT" /usr/sbin/dovecot ;;
	*) echo "bench-imap: unknown server $s" >&2; exit 2 ;;
	esac
done

val() { # label kind key
	grep "^$1 RESULT $2 " "$RESULTS" | tr ' ' '\n' | sed -n "s/^$3=//p"
}
echo
echo "Date: $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo "Dovecot: $(/usr/sbin/dovecot --version 2>/dev/null || echo -); Roost: build $BUILD (this checkout is at $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo -); say which commit the build is from)"
echo
echo "| server | FETCH MB/s | SEARCH rare ms | SEARCH common ms | APPEND msgs/s | IDLE median ms (p90) | SELECT 100k ms: new session (again) | PSS 1 session 10k KiB (anon) | growth/session 10k KiB | PSS 1 session 100k KiB (anon) | growth/session 100k KiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for s in "${SERVERS[@]}"; do
	if grep -q "^$s FAILED" "$RESULTS"; then
		echo "| $s | failed: see $WORK/$s/ | | | | | | | | | |"
		continue
	fi
	echo "| $s | $(val "$s" fetch mb_per_s) | $(val "$s" search_rare ms) | $(val "$s" search_common ms) | $(val "$s" append msgs_per_s) | $(val "$s" idle median_ms) ($(val "$s" idle p90_ms)) | $(val "$s" select new_session_ms) ($(val "$s" select ms)) | $(val "$s" memory_10k one_session_pss_kib) ($(val "$s" memory_10k one_session_anon_kib)) | $(val "$s" memory_10k growth_kib_per_session) | $(val "$s" memory_100k one_session_pss_kib) ($(val "$s" memory_100k one_session_anon_kib)) | $(val "$s" memory_100k growth_kib_per_session) |"
done
