#!/usr/bin/python3
"""Idle memory benchmark: memory per logged-in idle IMAP connection.

Opens N connections (default 1,000) over loopback, logs each one in as a
different user (PREFIX0000 ...), leaves them idle, then sums the PSS and RSS
(from /proc/PID/smaps_rollup) of every process of the server: the master
given by --pid and all its descendants.  Reports the total divided by N,
and also the growth over the idle server measured before connecting,
divided by N.  Needs to read the server's /proc entries (run as root, or as
the server's user).

  bench/idle_memory.py --port 31143 --pid $(cat run/master.pid) \
      --connections 1000 --user-prefix bench --password benchpw

The last line of output is machine-readable:
  RESULT idle_memory connections=N processes=P pss_kib_per_conn=X
         rss_kib_per_conn=Y pss_delta_kib_per_conn=Z total_pss_kib=T
"""
import argparse
import os
import resource
import socket
import sys
import time


def read_rollup(pid):
    """(pss_kib, rss_kib) of a process, or None if it is gone."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    pss = rss = 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1])
        elif line.startswith("Rss:"):
            rss = int(line.split()[1])
    return pss, rss


def tree(root):
    """The root pid and all its live descendants."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rindex(b")") + 2:].split()
        if rest[0] == b"Z":
            continue
        children.setdefault(int(rest[1]), []).append(int(name))
    out, todo = [root], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def measure(root):
    """(processes, total_pss_kib, total_rss_kib) of the server tree."""
    pss = rss = n = 0
    for pid in tree(root):
        r = read_rollup(pid)
        if r is None:
            continue
        n += 1
        pss += r[0]
        rss += r[1]
    return n, pss, rss


def login(host, port, user, password, timeout):
    s = socket.create_connection((host, port), timeout=timeout)
    f = s.makefile("rb")
    if not f.readline().startswith(b"* OK"):
        raise RuntimeError("bad greeting")
    s.sendall(b'a LOGIN "%s" "%s"\r\n' % (user.encode(), password.encode()))
    while True:
        line = f.readline()
        if not line:
            raise RuntimeError("closed during LOGIN of %s" % user)
        if line.startswith(b"a "):
            break
    if not line.startswith(b"a OK"):
        raise RuntimeError("LOGIN %s failed: %r" % (user, line))
    return s, f


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True,
                    help="the server's master pid")
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--user-prefix", default="bench")
    ap.add_argument("--password", default="benchpw")
    ap.add_argument("--settle", type=float, default=3.0)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    if not args.host.startswith("127.") and args.host not in ("::1",
                                                              "localhost"):
        ap.error("benchmarks target loopback addresses only")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = args.connections * 2 + 64
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))

    time.sleep(args.settle)
    base_n, base_pss, base_rss = measure(args.pid)
    conns = []
    t0 = time.monotonic()
    try:
        for i in range(args.connections):
            conns.append(login(args.host, args.port, "%s%04d" % (
                args.user_prefix, i), args.password, args.timeout))
        opened = time.monotonic() - t0
        # Every session answers (it is really established), then idles.
        for s, f in conns:
            s.sendall(b"n NOOP\r\n")
        for s, f in conns:
            while True:
                line = f.readline()
                if not line:
                    raise RuntimeError("session closed while idle")
                if line.startswith(b"n "):
                    break
        time.sleep(args.settle)
        n, pss, rss = measure(args.pid)
        alive = 0
        for s, f in conns:
            s.sendall(b"z NOOP\r\n")
        for s, f in conns:
            line = f.readline()
            while line and not line.startswith(b"z "):
                line = f.readline()
            alive += line.startswith(b"z OK")
    finally:
        for s, f in conns:
            try:
                s.sendall(b"q LOGOUT\r\n")
            except OSError:
                pass
            f.close()
            s.close()
    if alive != args.connections:
        print("idle_memory: only %d of %d sessions survived"
              % (alive, args.connections), file=sys.stderr)
        return 1
    c = args.connections
    label = args.label + ": " if args.label else ""
    print("%sidle server: %d processes, PSS %.1f MiB, RSS %.1f MiB"
          % (label, base_n, base_pss / 1024, base_rss / 1024))
    print("%s%d idle sessions (opened in %.1f s): %d processes, PSS %.1f "
          "MiB, RSS %.1f MiB" % (label, c, opened, n, pss / 1024,
                                 rss / 1024))
    print("%sper connection: PSS %.0f KiB (growth %.0f KiB), RSS %.0f KiB"
          % (label, pss / c, (pss - base_pss) / c, rss / c))
    print("RESULT idle_memory connections=%d processes=%d "
          "pss_kib_per_conn=%.1f rss_kib_per_conn=%.1f "
          "pss_delta_kib_per_conn=%.1f total_pss_kib=%d"
          % (c, n, pss / c, rss / c, (pss - base_pss) / c, pss))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError) as e:
        print("idle_memory: %s" % e, file=sys.stderr)
        sys.exit(1)
