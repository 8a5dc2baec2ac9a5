#!/usr/bin/python3
"""IMAP benchmarks against one running server (bench/run-imap.sh starts
Roost and Dovecot in turn and calls this for each):

  fetch      FETCH 1:* BODY.PEEK[] of the 10,000-message mailbox: MB/s of
             message data received (best of --repeat runs, warm cache)
  search     SEARCH BODY <word> for a rare and a common word: ms (median of
             --repeat, after one untimed run that may build an index)
  append     APPEND of 2,000 messages by one session: messages/s
  idle       IDLE notification latency: one session IDLEs, another
             APPENDs; ms from the APPEND's tagged OK to the IDLE session's
             "* n EXISTS" (median and 90th percentile of --idle-rounds)
  select     SELECT of the 100,000-message mailbox, warm: ms (median of
             --repeat after one untimed SELECT)
  memory     PSS of the server's imap processes with idle sessions that
             have a mailbox selected: the whole process with one session,
             and the growth per session over --sessions more

Every result is printed as "RESULT <kind> key=value ...".  The client is
Python; its FETCH reader skips literals by count without copying them, so
it reads well over 1 GB/s over loopback (check with --selftest).
"""
import argparse
import os
import re
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imap_mailgen  # noqa: E402


class Conn:
    def __init__(self, port, timeout=600):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.tag = 0
        self.caps = set()
        line = self.readline()
        assert line.startswith(b"* OK"), line

    def readline(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            data = self.sock.recv(1 << 20)
            if not data:
                raise EOFError("server closed the connection")
            self.buf += data

    def read_exact(self, n):
        while len(self.buf) < n:
            data = self.sock.recv(max(1 << 20, n - len(self.buf)))
            if not data:
                raise EOFError("server closed the connection")
            self.buf += data
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def send(self, data):
        self.sock.sendall(data)

    def cmd(self, text, collect=True):
        """Sends a command, returns (untagged lines with literals inlined,
        tagged line).  Raises on NO/BAD."""
        self.tag += 1
        tag = b"b%d" % self.tag
        self.send(tag + b" " + text.encode() + b"\r\n")
        return self.read_tagged(tag, collect)

    def read_tagged(self, tag, collect=True):
        out = []
        while True:
            line = self.readline()
            m = re.search(rb"\{(\d+)\}$", line)
            while m:
                lit = self.read_exact(int(m.group(1)))
                rest = self.readline()
                line = line + lit + rest if collect else line + rest
                m = re.search(rb"\{(\d+)\}$", rest)
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError("command failed: %r" % line)
                return out, line
            if collect:
                out.append(line)

    def login(self, user, password):
        _, line = self.cmd('LOGIN "%s" "%s"' % (user, password))
        m = re.search(rb"\[CAPABILITY ([^\]]*)\]", line)
        if m:
            self.caps = set(m.group(1).decode().upper().split())
        else:
            lines, _ = self.cmd("CAPABILITY")
            for ln in lines:
                if ln.startswith(b"* CAPABILITY "):
                    self.caps = set(ln[13:].decode().upper().split())

    def fetch_all_bodies(self):
        """FETCH 1:* BODY.PEEK[]: (messages, literal bytes), streaming
        into one fixed buffer (literals are counted and skipped, never
        copied out)."""
        self.tag += 1
        tag = b"b%d" % self.tag
        self.send(tag + b" FETCH 1:* BODY.PEEK[]\r\n")
        recv_into = self.sock.recv_into
        size = 1 << 23
        buf = bytearray(size)
        view = memoryview(buf)
        pending = self.buf
        buf[:len(pending)] = pending
        start, end = 0, len(pending)
        self.buf = b""
        msgs = nbytes = 0
        find = buf.find
        lit_re = re.compile(rb"\{(\d+)\}$")
        while True:
            i = find(b"\r\n", start, end)
            if i < 0:
                # Keep the partial line, read more.
                if start > 0:
                    buf[:end - start] = buf[start:end]
                    end -= start
                    start = 0
                n = recv_into(view[end:])
                if n == 0:
                    raise EOFError("closed during FETCH")
                end += n
                continue
            line = bytes(view[start:i])
            start = i + 2
            if line.endswith(b"}"):
                left = int(lit_re.search(line).group(1))
                msgs += 1
                nbytes += left
                have = end - start
                if have >= left:
                    start += left
                    continue
                left -= have
                start = end = 0
                while left > 0:
                    n = recv_into(view, size)
                    if n == 0:
                        raise EOFError("closed during FETCH")
                    if n > left:
                        start, end = left, n
                        left = 0
                    else:
                        left -= n
                continue
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError("FETCH failed: %r" % line)
                self.buf = bytes(view[start:end])
                return msgs, nbytes

    def append(self, mailbox, data, literal_plus):
        self.tag += 1
        tag = b"b%d" % self.tag
        head = b'%s APPEND "%s" {%d' % (tag, mailbox.encode(), len(data))
        if literal_plus:
            self.send(head + b"+}\r\n" + data + b"\r\n")
        else:
            self.send(head + b"}\r\n")
            line = self.readline()
            assert line.startswith(b"+"), line
            self.send(data + b"\r\n")
        return self.read_tagged(tag)

    def close(self):
        self.sock.close()


def session(args, user, mailbox=None):
    c = Conn(args.port)
    c.login(user, args.password)
    if mailbox:
        c.cmd('SELECT "%s"' % mailbox)
    return c


def result(kind, **kv):
    print("RESULT %s %s" % (kind, " ".join("%s=%s" % (k, v)
                                           for k, v in kv.items())),
          flush=True)


def bench_warmup(args):
    """Untimed: lets each server index both big mailboxes and brings the
    files into the page cache."""
    for user in (args.user10k, args.user100k):
        c = session(args, user, "INBOX")
        try:
            c.cmd("FETCH 1:* (UID FLAGS RFC822.SIZE)", collect=False)
            if user == args.user10k:
                c.fetch_all_bodies()
        finally:
            c.close()


def bench_fetch(args):
    c = session(args, args.user10k, "INBOX")
    best = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        msgs, nbytes = c.fetch_all_bodies()
        dt = time.perf_counter() - t0
        if best is None or dt < best[0]:
            best = (dt, msgs, nbytes)
    dt, msgs, nbytes = best
    c.close()
    result("fetch", messages=msgs, mbytes="%.1f" % (nbytes / 1e6),
           seconds="%.3f" % dt, mb_per_s="%.0f" % (nbytes / 1e6 / dt))


def bench_search(args):
    c = session(args, args.user10k, "INBOX")
    for label, word in (("rare", imap_mailgen.RARE_WORD),
                        ("common", imap_mailgen.COMMON_WORD)):
        times = []
        hits = None
        first = None
        for i in range(args.repeat + 1):
            t0 = time.perf_counter()
            lines, _ = c.cmd("SEARCH BODY %s" % word)
            dt = time.perf_counter() - t0
            found = [ln for ln in lines if ln.startswith(b"* SEARCH")]
            hits = len(found[0].split()) - 2 if found else 0
            if i == 0:
                first = dt
            else:
                times.append(dt)
        result("search_" + label, word=word, hits=hits,
               first_ms="%.1f" % (first * 1000),
               ms="%.1f" % (statistics.median(times) * 1000))
    c.close()


def bench_append(args):
    import random
    rng = random.Random(7)
    msgs = [imap_mailgen.make_message(rng, i).replace(b"\n", b"\r\n")
            for i in range(args.appends)]
    c = session(args, args.user_append)
    lp = "LITERAL+" in c.caps
    t0 = time.perf_counter()
    for m in msgs:
        c.append("INBOX", m, lp)
    dt = time.perf_counter() - t0
    lines, _ = c.cmd('STATUS "INBOX" (MESSAGES)')
    c.close()
    result("append", messages=len(msgs), literal_plus=int(lp),
           seconds="%.2f" % dt, msgs_per_s="%.0f" % (len(msgs) / dt),
           status=lines[0].decode().replace(" ", "_") if lines else "")


def bench_idle(args):
    import random
    rng = random.Random(9)
    idler = session(args, args.user_append, "INBOX")
    writer = session(args, args.user_append)
    lp = "LITERAL+" in writer.caps
    idler.tag += 1
    idle_tag = b"b%d" % idler.tag
    idler.send(idle_tag + b" IDLE\r\n")
    line = idler.readline()
    assert line.startswith(b"+"), line
    lat = []
    idler.sock.settimeout(10)
    for i in range(args.idle_rounds):
        msg = imap_mailgen.make_message(rng, i, small=True).replace(
            b"\n", b"\r\n")
        writer.append("INBOX", msg, lp)
        t_ok = time.perf_counter()
        while True:
            line = idler.readline()
            if line.endswith(b" EXISTS"):
                break
        lat.append(max(0.0, time.perf_counter() - t_ok))
        time.sleep(0.02)
    idler.send(b"DONE\r\n")
    idler.read_tagged(idle_tag)
    idler.close()
    writer.close()
    lat.sort()
    result("idle", rounds=len(lat),
           median_ms="%.2f" % (statistics.median(lat) * 1000),
           p90_ms="%.2f" % (lat[int(len(lat) * 0.9)] * 1000),
           max_ms="%.2f" % (lat[-1] * 1000))


def bench_select(args):
    c = session(args, args.user100k)
    t0 = time.perf_counter()
    c.cmd('SELECT "INBOX"')
    first = time.perf_counter() - t0
    times = []
    for _ in range(args.repeat):
        c.cmd("UNSELECT" if "UNSELECT" in c.caps else "CLOSE")
        t0 = time.perf_counter()
        lines, _ = c.cmd('SELECT "INBOX"')
        times.append(time.perf_counter() - t0)
    exists = [ln for ln in lines if ln.endswith(b" EXISTS")]
    c.close()
    # The same in a new session each time (logged in first, untimed).
    fresh = []
    for _ in range(args.repeat):
        c = session(args, args.user100k)
        t0 = time.perf_counter()
        c.cmd('SELECT "INBOX"')
        fresh.append(time.perf_counter() - t0)
        c.cmd("LOGOUT")
        c.close()
    result("select", exists=exists[0].split()[1].decode() if exists else 0,
           first_ms="%.1f" % (first * 1000),
           new_session_ms="%.2f" % (statistics.median(fresh) * 1000),
           ms="%.2f" % (statistics.median(times) * 1000))


def pss_kib(pid, field="Pss"):
    """PSS of a process (KiB); field "Pss_Anon" gives its anonymous part
    (heap: without the mapped files, such as an index mapped read-only,
    whose clean pages are shared page cache)."""
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def server_imap_pids(master):
    """The imap processes under the master (by executable name)."""
    out = []
    kids = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(p))
        except (OSError, IndexError):
            pass
    todo = [master]
    while todo:
        pid = todo.pop()
        for k in kids.get(pid, []):
            todo.append(k)
            try:
                exe = os.readlink("/proc/%d/exe" % k)
            except OSError:
                continue
            if os.path.basename(exe) == "imap":
                out.append(k)
    return out


def total_pss(master, field="Pss"):
    return sum(pss_kib(p, field) for p in server_imap_pids(master))


def bench_memory10k(args):
    memory(args, "10k", args.user10k)


def bench_memory100k(args):
    memory(args, "100k", args.user100k)


def memory(args, label, user):
    for label, user in ((label, user),):
        first = session(args, user, "INBOX")
        first.cmd("NOOP")
        time.sleep(0.5)
        one = total_pss(args.pid)
        one_anon = total_pss(args.pid, "Pss_Anon")
        nproc = len(server_imap_pids(args.pid))
        more = []
        for _ in range(args.sessions):
            more.append(session(args, user, "INBOX"))
        for c in more:
            c.cmd("NOOP")
        time.sleep(0.5)
        many = total_pss(args.pid)
        many_anon = total_pss(args.pid, "Pss_Anon")
        procs = len(server_imap_pids(args.pid))
        for c in more + [first]:
            c.close()
        result("memory_" + label, one_session_pss_kib=one,
               one_session_anon_kib=one_anon,
               anon_growth_kib_per_session="%.1f" % (
                   (many_anon - one_anon) / args.sessions),
               processes_one=nproc, sessions=args.sessions + 1,
               processes=procs, pss_kib=many,
               growth_kib_per_session="%.1f" % ((many - one) / args.sessions))
        time.sleep(1)


def selftest(args):
    """The client's own ceiling: a local thread sends a FETCH reply of
    10,000 literals of 10 KB from memory; prints the MB/s read."""
    msg = b"x" * 10000
    reply = b"".join(b"* %d FETCH (BODY[] {%d}\r\n%s)\r\n" % (i + 1,
                     len(msg), msg) for i in range(10000))
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def serve():
        s, _ = srv.accept()
        s.sendall(b"* OK ready\r\n")
        f = s.makefile("rb")
        while True:
            line = f.readline()
            if not line:
                return
            tag = line.split()[0]
            s.sendall(reply)
            s.sendall(tag + b" OK done\r\n")
    child = os.fork()
    if child == 0:
        try:
            serve()
        finally:
            os._exit(0)
    srv.close()
    c = Conn(port)
    best = None
    for _ in range(5):
        t0 = time.perf_counter()
        _, nbytes = c.fetch_all_bodies()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    c.close()
    os.waitpid(child, 0)
    result("selftest", mb_per_s="%.0f" % (nbytes / 1e6 / best))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int)
    ap.add_argument("--pid", type=int, help="master pid (memory)")
    ap.add_argument("--password", default="benchpw")
    ap.add_argument("--user10k", default="bench0000")
    ap.add_argument("--user100k", default="bench0001")
    ap.add_argument("--user-append", default="bench0002")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--appends", type=int, default=2000)
    ap.add_argument("--idle-rounds", type=int, default=50)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--only", default="fetch,search,append,idle,select,"
                    "memory")
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        selftest(args)
        return
    failed = 0
    for name in args.only.split(","):
        try:
            globals()["bench_" + name](args)
        except (RuntimeError, OSError, EOFError, AssertionError) as e:
            # One benchmark the server cannot do yet does not stop the
            # others.
            failed += 1
            print("RESULT %s failed=%s" % (name, re.sub(
                r"\s+", "_", str(e))[:200]), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
