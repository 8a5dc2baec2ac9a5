"""The crash-safety loop of the acceptance tests (tests/e2e/
test_imap_crash.py) and its full-length run (bench/imap_crash.py uses it
too): several clients APPEND, COPY, MOVE, EXPUNGE and STORE on two
mailboxes while their imap processes are killed with SIGKILL at random
moments; afterwards every APPEND that got OK must be present, no UID may
be duplicated, UIDs never go backwards, UIDVALIDITY never changes, and
after the next SELECT the IMAP view must equal the Maildir on disk
(UIDs from dovecot-uidlist, flags from the file names).

Message classes: "keep" messages (marker k...) never get \\Deleted, so an
APPEND of one that got OK must survive every crash (in one of the two
mailboxes, since MOVE and COPY move them around); "victim" messages
(marker v...) are appended with \\Deleted and removed by EXPUNGE.
"""
import os
import random
import re
import signal
import socket
import threading
import time

from clients import imapconn, mailfiles

MAILBOXES = ("INBOX", "Archive")
OPS = ("APPEND", "COPY", "MOVE", "EXPUNGE", "STORE")
# How often each is chosen: APPENDs make the mailboxes grow.
OP_WEIGHTS = (3, 1, 2, 1, 2)
KEEP_FLAGS = ("\\Seen", "\\Flagged", "\\Answered", "$Work", "$Later")


def socket_inode(server_port, client_port):
    """The inode of the server side of a loopback TCP connection (from
    /proc/net/tcp), or None."""
    want_local = "0100007F:%04X" % server_port
    want_remote = "0100007F:%04X" % client_port
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[1] == want_local and fields[2] == want_remote:
                return int(fields[9])
    return None


def pid_with_socket(pids, inode):
    """The pid among pids that holds socket:[inode], or None."""
    target = "socket:[%d]" % inode
    for pid in pids:
        try:
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == target:
                        return pid
                except OSError:
                    pass
        except OSError:
            pass
    return None


class Stats:
    def __init__(self, ops=OPS):
        self.lock = threading.Lock()
        self.kills = 0
        self.killed_during = {op: 0 for op in ops}
        self.ops_ok = {op: 0 for op in ops}
        self.sessions = 0
        self.errors = []
        self.locks_removed = 0


class State:
    """What the clients have observed, checked for consistency as they go
    and at the end."""

    def __init__(self):
        self.lock = threading.Lock()
        self.uidvalidity = {}        # mailbox -> first UIDVALIDITY seen
        self.max_uidnext = {}        # mailbox -> highest UIDNEXT seen
        self.max_uid_seen = {}       # mailbox -> highest UID seen
        self.uid_marker = {}         # (mailbox, uid) -> marker
        self.appended_ok = set()     # keep markers whose APPEND got OK
        self.appended_uid = {}       # marker -> (mailbox, uid) from APPENDUID
        self.problems = []

    def problem(self, text):
        with self.lock:
            self.problems.append(text)

    def saw_select(self, mailbox, info):
        with self.lock:
            v = info.get("UIDVALIDITY")
            if v is None:
                self.problems.append("SELECT %s without UIDVALIDITY" %
                                     mailbox)
                return
            first = self.uidvalidity.setdefault(mailbox, v)
            if v != first:
                self.problems.append("UIDVALIDITY of %s changed %d -> %d"
                                     % (mailbox, first, v))
            nxt = info.get("UIDNEXT", 0)
            prev = self.max_uidnext.get(mailbox, 0)
            if nxt < prev:
                self.problems.append("UIDNEXT of %s went back %d -> %d"
                                     % (mailbox, prev, nxt))
            if nxt <= self.max_uid_seen.get(mailbox, 0):
                self.problems.append(
                    "UIDNEXT of %s is %d but UID %d was seen" %
                    (mailbox, nxt, self.max_uid_seen[mailbox]))
            self.max_uidnext[mailbox] = max(prev, nxt)

    def saw_messages(self, mailbox, seq_uid_marker):
        """A FETCH of the whole mailbox: [(seq, uid, marker)]."""
        with self.lock:
            uids = [u for _, u, _ in seq_uid_marker]
            if len(set(uids)) != len(uids):
                dup = sorted({u for u in uids if uids.count(u) > 1})
                self.problems.append("%s: UIDs listed twice: %s" %
                                     (mailbox, dup[:10]))
            if uids != sorted(uids):
                self.problems.append("%s: UIDs not ascending with sequence"
                                     " numbers" % mailbox)
            for _, uid, marker in seq_uid_marker:
                if marker is None:
                    # No data: the message was expunged by another session
                    # meanwhile (RFC 2180 4.1.3 lets FETCH return empty
                    # data then); it says nothing about the UID.
                    continue
                key = (mailbox, uid)
                old = self.uid_marker.setdefault(key, marker)
                if old != marker:
                    self.problems.append(
                        "%s UID %d was %s, is now %s (UID reused)" %
                        (mailbox, uid, old, marker))
                self.max_uid_seen[mailbox] = max(
                    self.max_uid_seen.get(mailbox, 0), uid)


def disk_flags(path):
    """{uid: flags} from the file names of a Maildir, or None when it was
    caught mid-change (a file listed in new/ and then in cur/)."""
    try:
        return mailfiles.disk_view(path)[2]
    except (OSError, AssertionError, ValueError, IndexError, KeyError):
        return None


def expunge_issued(status, text):
    """NO [EXPUNGEISSUED]: another session expunged some of the messages
    meanwhile, which is expected with several clients."""
    return status == "NO" and text.startswith("[EXPUNGEISSUED]")


def fetch_markers(conn, exists):
    """[(seq, uid, marker)] of the selected mailbox."""
    if not exists:
        return []
    untagged, _ = conn.ok("FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS "
                          "(MESSAGE-ID)])")
    by_seq = {}
    for r in untagged:
        if imapconn.untagged_kind(r) != "FETCH":
            continue
        seq, d = imapconn.fetch_dict(r.items)
        by_seq.setdefault(seq, {}).update(d)
    out = []
    for seq in sorted(by_seq):
        d = by_seq[seq]
        hdr = b""
        for k, v in d.items():
            if k.startswith("BODY[HEADER.FIELDS"):
                hdr = bytes(v or b"")
        if "UID" not in d:
            # Only an unsolicited FLAGS update for a message that arrived
            # or changed meanwhile: not part of the answer.
            continue
        m = re.search(rb"<([^@>]+)@roost\.test>", hdr)
        out.append((seq, int(d["UID"]), m.group(1).decode() if m else None))
    return out


class Worker(threading.Thread):
    """One client: connects, logs in, selects, runs random operations;
    when its imap process is killed (by itself, at a random moment after
    sending a command) it reconnects."""

    def __init__(self, srv, user, no, rng, stats, state, stop_at,
                 kill_budget, check_every=8):
        super().__init__(daemon=True)
        self.srv = srv
        self.user = user
        self.no = no
        self.rng = rng
        self.stats = stats
        self.state = state
        self.stop_at = stop_at
        self.kill_budget = kill_budget
        self.check_every = check_every
        self.counter = 0
        self.conn = None
        self.selected = None

    def done(self):
        """True when the kill budget is spent and every kind of operation
        was hit at least once, or when time is up."""
        with self.stats.lock:
            finished = self.stats.kills >= self.kill_budget and \
                min(self.stats.killed_during.values()) > 0
        return finished or time.monotonic() >= self.stop_at

    def run(self):
        try:
            while not self.done():
                try:
                    self.session()
                except socket.timeout:
                    raise imapconn.ImapError(
                        "no reply within %.0fs (server stuck?): %s" %
                        (imapconn.IO_TIMEOUT, self.stuck_info()))
                except (OSError, EOFError, imapconn.ImapError) as e:
                    if isinstance(e, imapconn.ImapError) and \
                            self.conn is not None and not self.conn_dead():
                        raise
                finally:
                    if self.conn:
                        self.conn.close()
                        self.conn = None
        except Exception as e:  # reported by the test, not lost in a thread
            with self.stats.lock:
                self.stats.errors.append("worker %d: %r" % (self.no, e))

    def conn_dead(self):
        try:
            self.conn.sock.settimeout(0.5)
            return self.conn.sock.recv(1, socket.MSG_PEEK) == b""
        except (OSError, socket.timeout):
            return True

    def stuck_info(self):
        """What the imap process of this connection is doing."""
        try:
            pid = self.imap_pid()
        except OSError:
            pid = None
        locks = []
        for box in MAILBOXES:
            path = mailfiles.maildir_path(self.srv, self.user, box)
            for name in os.listdir(path):
                if name.endswith(".lock"):
                    st = os.stat(os.path.join(path, name))
                    with open(os.path.join(path, name), "rb") as f:
                        locks.append("%s/%s (%r, %.1fs old)" % (
                            box, name, f.read(60), time.time() - st.st_mtime))
        if pid is None:
            return "no imap process holds the connection; locks: %s" % locks
        out = ["pid %d" % pid, "locks: %s" % locks]
        for f in ("wchan", "stack", "syscall"):
            try:
                with open("/proc/%d/%s" % (pid, f)) as fh:
                    out.append("%s=%s" % (f, fh.read().strip()[:300]))
            except OSError:
                pass
        return "; ".join(out)

    def imap_pid(self):
        inode = socket_inode(self.srv.imap_port, self.conn.local_port)
        if inode is None:
            return None
        return pid_with_socket(self.srv.pids("imap"), inode)

    def session(self):
        self.conn = imapconn.Conn(self.srv.imap_port)
        self.conn.login(self.user, self.srv.password(self.user))
        with self.stats.lock:
            self.stats.sessions += 1
        pid = self.imap_pid()
        n = 0
        while not self.done():
            mailbox = self.rng.choice(MAILBOXES)
            info = self.conn.select(mailbox)
            self.selected = mailbox
            self.state.saw_select(mailbox, info)
            if n % self.check_every == 0:
                self.state.saw_messages(mailbox, fetch_markers(self.conn,
                                                        info.get("EXISTS")))
                if info.get("EXISTS") and self.check_flags(mailbox):
                    # The NOOP may have expunged messages from this
                    # session's view: sequence numbers from the SELECT
                    # before would be out of range.
                    info = self.conn.select(mailbox)
                    self.state.saw_select(mailbox, info)
            n += 1
            op = self.rng.choices(OPS, OP_WEIGHTS)[0]
            while op not in self.stats.killed_during:
                op = self.rng.choices(OPS, OP_WEIGHTS)[0]
            kill = self.rng.random() < 0.5 and pid is not None
            if kill and self.rng.random() < 0.3:
                # Aim at the operation hit least so far (the quick ones,
                # EXPUNGE and STORE, are missed most often).
                with self.stats.lock:
                    op = min(self.stats.killed_during, key=lambda o: (
                        self.stats.killed_during[o], self.rng.random()))
            timer = None
            if kill:
                # Short operations (STORE, EXPUNGE) need short delays to
                # be hit while running; longer ones any.
                if op in ("EXPUNGE", "STORE") and self.rng.random() < 0.7:
                    delay = self.rng.uniform(0, 0.0015)
                else:
                    delay = self.rng.uniform(0, self.rng.choice(
                        (0.001, 0.004, 0.025)))
                timer = threading.Timer(delay, self.kill, (pid, op))
                timer.start()
            try:
                self.run_op(op, info)
            finally:
                if timer:
                    timer.join()
            if kill:
                return      # the process is gone (or going): reconnect
            if self.rng.random() < 0.1 or self.stats.sessions <= len(
                    MAILBOXES) * 2:
                # Sessions also end normally, as real ones do: a master
                # that has seen no successful exit treats a run of crashes
                # as a failing service and throttles it (Dovecot does).
                self.conn.ok("LOGOUT")
                return

    def check_flags(self, mailbox):
        """After a SELECT, every message's flags over IMAP must be the
        ones its file name holds (the file name is the authority).  Other
        clients change flags meanwhile (file renamed first, index row
        after), so a difference counts only when it stays: the same file
        name flags and the same IMAP flags in two looks 0.3 s apart, with
        a NOOP (a sync) in between.  Returns whether it sent the NOOP
        (which may change the session's sequence numbers)."""
        path = mailfiles.maildir_path(self.srv, self.user, mailbox)

        def look():
            d1 = disk_flags(path)
            imap = self.conn.uid_flags()
            d2 = disk_flags(path)
            if d1 is None or d2 is None:
                return {}
            return {uid: (frozenset(d1[uid]), frozenset(f))
                    for uid, f in imap.items()
                    if uid in d1 and d1[uid] == d2.get(uid) and
                    d1[uid] != f}

        first = look()
        if not first:
            return False
        time.sleep(0.3)
        self.conn.ok("NOOP")
        second = look()
        for uid, (disk, imap) in sorted(first.items()):
            if second.get(uid) == (disk, imap):
                self.state.problem(
                    "%s UID %d: flags %s over IMAP, %s in the file name "
                    "(after SELECT, for 0.3 s)" % (mailbox, uid,
                                                   sorted(imap),
                                                   sorted(disk)))
        return True

    def kill(self, pid, op):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        # Was the command still running?  If the tagged reply has not
        # been read yet, the kill hit the operation.
        with self.stats.lock:
            self.stats.kills += 1
            if self.in_op == op:
                self.stats.killed_during[op] += 1

    in_op = None

    def marker(self, kind):
        self.counter += 1
        return "%s%dn%d" % (kind, self.no, self.counter)

    def run_op(self, op, info):
        c = self.conn
        exists = info.get("EXISTS", 0)
        self.in_op = op
        try:
            if op == "APPEND":
                victim = self.rng.random() < 0.3
                m = self.marker("v" if victim else "k")
                flags = "\\Deleted" if victim else " ".join(
                    self.rng.sample(KEEP_FLAGS, self.rng.randint(0, 2)))
                target = self.rng.choice(MAILBOXES)
                status, text = c.append(target, mailfiles.make_message(
                    m, body_lines=self.rng.randint(1, 200)), flags)
                self.in_op = None
                if status == "OK":
                    if not victim:
                        with self.state.lock:
                            self.state.appended_ok.add(m)
                    am = re.search(r"\[APPENDUID (\d+) (\d+)\]", text)
                    if am:
                        with self.state.lock:
                            self.state.appended_uid[m] = (
                                target, int(am.group(2)),
                                int(am.group(1)))
                else:
                    self.state.problem("APPEND %s: %s %s" %
                                       (m, status, text))
            elif op in ("COPY", "MOVE"):
                if exists == 0:
                    self.in_op = None
                    return
                lo = self.rng.randint(1, exists)
                hi = min(exists, lo + self.rng.randint(0, 4))
                other = [b for b in MAILBOXES if b != self.selected][0]
                _, status, text = c.command('%s %d:%d "%s"' %
                                            (op, lo, hi, other))
                self.in_op = None
                if status != "OK" and not expunge_issued(status, text):
                    self.state.problem("%s: %s %s" % (op, status, text))
            elif op == "EXPUNGE":
                _, status, text = c.command("EXPUNGE")
                self.in_op = None
                if status != "OK":
                    self.state.problem("EXPUNGE: %s %s" % (status, text))
            elif op == "STORE":
                if exists == 0:
                    self.in_op = None
                    return
                lo = self.rng.randint(1, exists)
                hi = min(exists, lo + self.rng.choice((0, 10, exists)))
                flags = " ".join(self.rng.sample(KEEP_FLAGS,
                                                 self.rng.randint(1, 3)))
                how = self.rng.choice(("+FLAGS", "-FLAGS", "+FLAGS.SILENT"))
                _, status, text = c.command("STORE %d:%d %s (%s)" %
                                            (lo, hi, how, flags))
                self.in_op = None
                if status != "OK" and not expunge_issued(status, text):
                    self.state.problem("STORE: %s %s" % (status, text))
            with self.stats.lock:
                self.stats.ops_ok[op] += 1
        finally:
            self.in_op = None


def prepare(srv, user):
    """Both mailboxes exist as Maildirs before the loop."""
    for box in MAILBOXES:
        mailfiles.ensure_maildir(srv, user, box)


class LockJanitor(threading.Thread):
    """For runs against Dovecot only: Dovecot 2.3 writes the new uidlist
    into dovecot-uidlist.lock itself (no pid in it), so a process killed
    while holding it blocks the mailbox until the lock is 2 minutes old.
    That is Dovecot's known behaviour, not what this loop checks; to check
    the rest against Dovecot, a lock older than `age` seconds (no command
    takes that long here) is removed as an administrator would.  Roost is
    never helped: its locks name their pid and must be overridden by the
    server itself."""

    def __init__(self, srv, user, age=5.0):
        super().__init__(daemon=True)
        self.paths = [mailfiles.maildir_path(srv, user, b) for b in MAILBOXES]
        self.age = age
        self.stop = threading.Event()
        self.removed = 0

    def run(self):
        while not self.stop.wait(0.5):
            for path in self.paths:
                lock = os.path.join(path, "dovecot-uidlist.lock")
                try:
                    if time.time() - os.stat(lock).st_mtime > self.age:
                        os.unlink(lock)
                        self.removed += 1
                except OSError:
                    pass


def run_loop(srv, user, kills, clients, seconds, seed, ops=OPS):
    """Runs the loop with the operations `ops` until `kills` kills or
    `seconds`; returns (stats, state)."""
    prepare(srv, user)
    stats, state = Stats(ops), State()
    janitor = None
    if srv.kind.name == "dovecot":
        janitor = LockJanitor(srv, user)
        janitor.start()
    rng = random.Random(seed)
    stop_at = time.monotonic() + seconds
    workers = [Worker(srv, user, i, random.Random(rng.random()), stats,
                      state, stop_at, kills) for i in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 120)
        if w.is_alive():
            stats.errors.append("worker %d did not finish" % w.no)
    if janitor:
        janitor.stop.set()
        janitor.join()
        stats.locks_removed = janitor.removed
    return stats, state


def final_check(srv, user, state):
    """After the loop, with no kills: the checks of the issue.  Returns a
    list of problems (empty when all hold)."""
    problems = []
    conn = imapconn.Conn(srv.imap_port)
    conn.login(user, srv.password(user))
    present = set()
    for box in MAILBOXES:
        info = conn.select(box)
        state.saw_select(box, info)
        msgs = fetch_markers(conn, info.get("EXISTS"))
        state.saw_messages(box, msgs)
        present.update(m for _, _, m in msgs if m)
        imap_flags = conn.uid_flags() if info.get("EXISTS") else {}
        # The IMAP view and the files on disk, after this SELECT.
        path = mailfiles.maildir_path(srv, user, box)
        try:
            validity, next_uid, disk, unlisted = mailfiles.disk_view(path)
        except AssertionError as e:
            # A base name twice on disk, a UID twice in the uidlist.
            problems.append("%s: %s" % (box, e))
            continue
        if validity != info.get("UIDVALIDITY"):
            problems.append("%s: UIDVALIDITY %s over IMAP, %d on disk" %
                            (box, info.get("UIDVALIDITY"), validity))
        # Dovecot writes the uidlist header's N only when it rewrites the
        # whole file (readers take max(N, highest UID + 1)); the IMAP
        # UIDNEXT must be above every UID on disk.
        if disk and info.get("UIDNEXT", 0) <= max(disk):
            problems.append("%s: UIDNEXT %s over IMAP but UID %d in "
                            "dovecot-uidlist" % (box, info.get("UIDNEXT"),
                                                 max(disk)))
        if unlisted:
            problems.append("%s: %d files on disk without a UID after "
                            "SELECT: %s" % (box, len(unlisted),
                                            unlisted[:3]))
        if set(disk) != set(imap_flags):
            problems.append("%s: UIDs over IMAP but not on disk: %s; on "
                            "disk but not over IMAP: %s" % (
                                box, sorted(set(imap_flags) - set(disk))[:10],
                                sorted(set(disk) - set(imap_flags))[:10]))
        for uid in sorted(set(disk) & set(imap_flags)):
            if disk[uid] != imap_flags[uid]:
                problems.append("%s UID %d: flags %s over IMAP, %s in the "
                                "file name" % (box, uid,
                                               sorted(imap_flags[uid]),
                                               sorted(disk[uid])))
        # Every file's message is the one the uidlist names (by marker).
        files = mailfiles.read_message_files(path)
        _, _, recs = mailfiles.read_uidlist(path)
        for _, uid, marker in msgs:
            data = files.get(recs.get(uid))
            if data is not None and mailfiles.marker_of(data) != marker:
                problems.append("%s UID %d: IMAP says %s, file holds %s" %
                                (box, uid, marker,
                                 mailfiles.marker_of(data)))
    for m, (box, uid, validity) in sorted(state.appended_uid.items()):
        seen = state.uid_marker.get((box, uid))
        if seen is not None and seen != m:
            problems.append("APPENDUID %s %d of %s, but that UID holds %s" %
                            (box, uid, m, seen))
        if validity != state.uidvalidity.get(box):
            problems.append("APPENDUID of %s named UIDVALIDITY %d, the "
                            "mailbox has %s" % (m, validity,
                                                state.uidvalidity.get(box)))
    missing = sorted(state.appended_ok - present)
    if missing:
        problems.append("%d APPENDs that got OK are missing: %s" %
                        (len(missing), missing[:10]))
    conn.ok("LOGOUT")
    conn.close()
    return state.problems + problems


def run_and_check(make_server, ops, kills, seconds, seed, clients=4):
    """The whole test: a server from the make_server fixture, the loop,
    the final check, and the loop's own claims (enough kills, each kind of
    operation hit while running, OK'd APPENDs to check).  Prints a
    summary (pytest -s shows it)."""
    srv = make_server()
    stats, state = run_loop(srv, "alice", kills, clients, seconds, seed,
                            ops)
    summary = ("%d kills (during: %s), %d sessions, completed ops: %s, "
               "OK'd APPENDs to keep: %d, stale Dovecot locks removed: %d" %
               (stats.kills, stats.killed_during, stats.sessions,
                stats.ops_ok, len(state.appended_ok), stats.locks_removed))
    print(summary)
    assert not stats.errors, "\n".join(stats.errors) + "\n" + summary
    problems = final_check(srv, "alice", state)
    assert not problems, "\n".join(problems[:40]) + "\n" + summary
    assert stats.kills >= kills, summary
    for op, n in stats.killed_during.items():
        assert n > 0, "no kill landed during %s: %s" % (op, summary)
    assert len(state.appended_ok) > 0, summary
