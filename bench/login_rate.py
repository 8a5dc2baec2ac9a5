#!/usr/bin/python3
"""Login rate benchmark: sequential IMAP LOGIN + LOGOUT over loopback.

One connection at a time: connect, read the greeting, LOGIN, LOGOUT, read
the BYE and the tagged OK, close.  Runs for a fixed time after a warm-up and
reports logins per second and the latency distribution.  Any failed login
aborts the run (a benchmark of failures measures nothing).

  bench/login_rate.py --port 31143 --user-prefix bench --users 1000 \
      --password benchpw --seconds 10

Users are taken round-robin from PREFIX0000 .. PREFIX<users-1> (or the one
--user).  The last line of output is machine-readable:
  RESULT login_rate logins=N seconds=S per_sec=R p50_ms=A p99_ms=B
"""
import argparse
import socket
import sys
import time


class LoginError(Exception):
    pass


def read_tagged(f, tag):
    """Reads lines up to the tagged reply; returns it."""
    while True:
        line = f.readline()
        if not line:
            raise LoginError("connection closed before %s reply" % tag)
        if line.startswith(tag + b" "):
            return line


def one_login(host, port, user, password, timeout):
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        f = s.makefile("rb")
        greeting = f.readline()
        if not greeting.startswith(b"* OK"):
            raise LoginError("bad greeting: %r" % greeting)
        s.sendall(b'a LOGIN "%s" "%s"\r\n' % (user.encode(),
                                               password.encode()))
        reply = read_tagged(f, b"a")
        if not reply.startswith(b"a OK"):
            raise LoginError("LOGIN %s failed: %r" % (user, reply))
        s.sendall(b"b LOGOUT\r\n")
        reply = read_tagged(f, b"b")
        if not reply.startswith(b"b OK"):
            raise LoginError("LOGOUT failed: %r" % reply)
        f.close()
    finally:
        s.close()


def user_name(args, i):
    if args.user:
        return args.user
    return "%s%04d" % (args.user_prefix, i % args.users)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", help="one user for every login")
    ap.add_argument("--user-prefix", default="bench")
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--password", default="benchpw")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    if not args.host.startswith("127.") and args.host not in ("::1",
                                                              "localhost"):
        ap.error("benchmarks target loopback addresses only")

    i = 0
    end = time.monotonic() + args.warmup
    while time.monotonic() < end:
        one_login(args.host, args.port, user_name(args, i), args.password,
                  args.timeout)
        i += 1

    lat = []
    start = time.monotonic()
    end = start + args.seconds
    while True:
        t0 = time.monotonic()
        if t0 >= end:
            break
        one_login(args.host, args.port, user_name(args, i), args.password,
                  args.timeout)
        lat.append(time.monotonic() - t0)
        i += 1
    elapsed = time.monotonic() - start
    lat.sort()
    n = len(lat)
    rate = n / elapsed
    p50 = lat[n // 2] * 1000 if n else 0.0
    p99 = lat[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0
    print("%s%d logins in %.1f s: %.0f logins/s, latency p50 %.2f ms, "
          "p99 %.2f ms" % (args.label + ": " if args.label else "", n,
                           elapsed, rate, p50, p99))
    print("RESULT login_rate logins=%d seconds=%.2f per_sec=%.1f "
          "p50_ms=%.3f p99_ms=%.3f" % (n, elapsed, rate, p50, p99))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (LoginError, OSError) as e:
        print("login_rate: %s" % e, file=sys.stderr)
        sys.exit(1)
