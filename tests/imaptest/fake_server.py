"""A tiny scripted IMAP server for the runner's own unit tests.

It is not an IMAP implementation: it answers the runner's setup commands
(LOGIN, CAPABILITY, LIST, LSUB, DELETE, UNSUBSCRIBE, CREATE, APPEND, SELECT,
LOGOUT) in Dovecot's shapes, and every other command from a table of rules
the test gives: (regex over the command, replies).  replies is a list of
reply lines, where "{tag}" is replaced by the command's tag (a final None
closes the connection after them), or None (no answer), or "close", or a
function (conn, tag, cmd) -> list; conn is the runner's connection number,
taken from its tag "<conn>.<counter>".  It records every command
it received per connection, so tests can check what the runner sent.
Listens on 127.0.0.1 on a free port; one thread per connection.
"""
import re
import socket
import threading

LITERAL_END_RE = re.compile(rb"~?\{(\d+)(\+?)\}\r\n$")


class FakeServer:
    def __init__(self, rules=(), caps=b"IMAP4rev1 LITERAL+ ID",
                 greeting=None, select_exists=0, list_names=(),
                 lsub_names=(), max_conns=8):
        self.rules = [(re.compile(r, re.I | re.S), replies)
                      for r, replies in rules]
        self.caps = caps
        self.greeting = greeting or (b"* OK [CAPABILITY " + caps +
                                     b"] fake ready.")
        self.select_exists = select_exists
        self.list_names = list(list_names)
        self.lsub_names = list(lsub_names)
        self.received = {}          # connection number -> [command bytes]
        self.events = []            # (connection, "recv"/"send", bytes)
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(max_conns)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.threads = []
        self.stopping = False
        self.accepter = threading.Thread(target=self._accept, daemon=True)
        self.accepter.start()

    def close(self):
        self.stopping = True
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def commands(self, conn=1):
        with self.lock:
            return list(self.received.get(conn, []))

    # -- internals ----------------------------------------------------------

    def _accept(self):
        while not self.stopping:
            try:
                s, _ = self.sock.accept()
            except OSError:
                return
            self.count += 1
            t = threading.Thread(target=self._serve, args=(s, self.count),
                                 daemon=True)
            t.start()
            self.threads.append(t)

    def _send(self, s, n, lines):
        data = b"".join(line + b"\r\n" for line in lines)
        with self.lock:
            self.events.append((n, "send", data))
        s.sendall(data)

    def _read_command(self, s, f, n):
        """One command with its literals (answering '+' for synchronizing
        ones), or None at EOF."""
        out = bytearray()
        while True:
            line = f.readline()
            if not line:
                return None
            out += line
            m = LITERAL_END_RE.search(line)
            if not m:
                return bytes(out[:-2] if out.endswith(b"\r\n") else out)
            if not m.group(2):
                self._send(s, n, [b"+ OK"])
            out += f.read(int(m.group(1)))

    def _serve(self, s, n):
        f = s.makefile("rb")
        self._send(s, n, [self.greeting])
        selected = False
        try:
            while True:
                raw = self._read_command(s, f, n)
                if raw is None:
                    break
                tag, _, cmd = raw.partition(b" ")
                with self.lock:
                    self.received.setdefault(n, []).append(cmd)
                    self.events.append((n, "recv", raw))
                replies = self.reply(n, tag, cmd, selected)
                if replies is None:
                    continue            # no answer (tests timeouts)
                if replies == "close":
                    break
                if cmd.upper().startswith(b"SELECT"):
                    selected = True
                close = bool(replies) and replies[-1] is None
                self._send(s, n, [r for r in replies if r is not None])
                if close or cmd.upper() == b"LOGOUT":
                    break
        except OSError:
            pass
        finally:
            try:
                s.close()
            except OSError:
                pass

    def reply(self, n, tag, cmd, selected):
        for rx, replies in self.rules:
            if rx.fullmatch(cmd.decode("latin-1")):
                if replies is None or replies == "close":
                    return replies
                if callable(replies):
                    conn = tag.split(b".")[0]
                    replies = replies(int(conn) if conn.isdigit() else n,
                                      tag, cmd)
                return [r if r is None else r.replace(b"{tag}", tag)
                        for r in replies]
        word = cmd.split(b" ", 1)[0].upper()
        if word == b"LOGIN":
            return [tag + b" OK [CAPABILITY " + self.caps + b"] Logged in"]
        if word == b"CAPABILITY":
            return [b"* CAPABILITY " + self.caps,
                    tag + b" OK Capability completed."]
        if word in (b"LIST", b"LSUB"):
            names = self.list_names if word == b"LIST" else self.lsub_names
            return [b'* %s () "." %s' % (word, name) for name in names] + \
                [tag + b" OK done."]
        if word in (b"DELETE", b"UNSUBSCRIBE", b"CREATE", b"NOOP",
                    b"CHECK"):
            return [tag + b" OK done."]
        if word == b"APPEND":
            return [tag + b" OK Append completed."]
        if word == b"SELECT":
            return [b"* FLAGS (\\Seen)",
                    b"* %d EXISTS" % self.select_exists,
                    b"* OK [UIDVALIDITY 42] UIDs valid",
                    tag + b" OK [READ-WRITE] Select completed."]
        if word == b"LOGOUT":
            return [b"* BYE Logging out", tag + b" OK Logout completed."]
        return [tag + b" BAD Unknown command (fake)."]
