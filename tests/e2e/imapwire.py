"""A byte-exact IMAP client for the message-command tests (FETCH, STORE,
COPY/MOVE, APPEND): it reads responses with their literals, sends
literals the way each test asks (synchronizing, LITERAL+, literal8), and
parses FETCH responses into Python values.  imaplib hides too much of the
wire (literal sizes, literal8, response order, continuation requests) for
these checks."""
import os
import re
import socket
import time

import harness

LITERAL_RE = re.compile(rb"(~?)\{(\d+)\}\r\n$")
TIMING_RE = re.compile(r" \(\d+\.\d{3} \+ \d+\.\d{3}(?: \+ \d+\.\d{3})? secs\)")


def strip_timing(text):
    """Removes Dovecot's " (0.001 + 0.000 secs)" from a tagged reply."""
    return TIMING_RE.sub("", text)


class Wire:
    """One IMAP connection.  Responses are bytes with their literals
    inlined exactly as sent ("{5}\\r\\nhello")."""

    def __init__(self, port, timeout=harness.IO_TIMEOUT):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.buf = b""
        self.tag_no = 0
        self.greeting = self.read_response()

    def close(self):
        self.sock.close()

    def _fill(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError("connection closed by server")
        self.buf += data

    def read_line(self):
        """One line with its CRLF."""
        while b"\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\n") + 1
        line, self.buf = self.buf[:i], self.buf[i:]
        return line

    def read_bytes(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_response(self):
        """One response (a line, plus any literals it carries), without
        the final CRLF."""
        out = b""
        while True:
            line = self.read_line()
            out += line
            m = LITERAL_RE.search(line)
            if m is None or line.startswith(b"+ "):
                return out[:-2] if out.endswith(b"\r\n") else out[:-1]
            out += self.read_bytes(int(m.group(2)))

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def next_tag(self):
        self.tag_no += 1
        return "w%d" % self.tag_no

    def command(self, text, tag=None):
        """Sends "TAG text" (text may carry non-synchronizing literals) and
        reads to the tagged reply: (untagged responses as bytes, tagged
        reply as str without tag and timing)."""
        tag = tag or self.next_tag()
        if isinstance(text, str):
            text = text.encode()
        self.send(tag.encode() + b" " + text + b"\r\n")
        return self.read_until_tagged(tag)

    def read_until_tagged(self, tag):
        untagged = []
        while True:
            resp = self.read_response()
            if resp.startswith(tag.encode() + b" "):
                return untagged, strip_timing(
                    resp[len(tag) + 1:].decode("utf-8", "replace"))
            untagged.append(resp)

    def command_sync(self, parts, tag=None):
        """A command with synchronizing literals: parts alternate text
        (bytes, ending where a literal is announced) and literal data.
        Waits for each "+" continuation.  Returns like command(), plus the
        continuation lines seen."""
        tag = tag or self.next_tag()
        conts = []
        first = True
        for i, part in enumerate(parts):
            if i % 2 == 0:
                data = (tag.encode() + b" " if first else b"") + part
                first = False
                if i + 1 < len(parts):
                    lit = parts[i + 1]
                    self.send(data + b"{%d}\r\n" % len(lit))
                    resp = self.read_response()
                    if not resp.startswith(b"+"):
                        # refused: this is the tagged (or untagged) reply
                        untagged = []
                        while not resp.startswith(tag.encode() + b" "):
                            untagged.append(resp)
                            resp = self.read_response()
                        return untagged, strip_timing(resp[len(tag) + 1:]
                                                      .decode()), conts
                    conts.append(resp)
                else:
                    self.send(data + b"\r\n")
            else:
                self.send(part)
        untagged, tagged = self.read_until_tagged(tag)
        return untagged, tagged, conts

    def login(self, user, password):
        untagged, tagged = self.command('LOGIN "%s" "%s"' % (user, password))
        assert tagged.startswith("OK"), tagged
        return tagged


def connect(server, user="alice"):
    w = Wire(server.imap_port)
    w.login(user, server.password(user))
    return w


# ---------------------------------------------------------------------------
# FETCH response parsing.

class Literal(bytes):
    """A string that came as a literal; .binary for a literal8."""
    binary = False


def _tokenize(data, pos):
    """Parses one value at data[pos:]: returns (value, new pos).  Values:
    int, atom str, bytes (quoted), Literal, list, None (NIL)."""
    while data[pos:pos + 1] == b" ":
        pos += 1
    c = data[pos:pos + 1]
    if c == b"(":
        pos += 1
        items = []
        while True:
            while data[pos:pos + 1] == b" ":
                pos += 1
            if data[pos:pos + 1] == b")":
                return items, pos + 1
            value, pos = _tokenize(data, pos)
            items.append(value)
    if c == b'"':
        pos += 1
        out = b""
        while data[pos:pos + 1] != b'"':
            if data[pos:pos + 1] == b"\\":
                pos += 1
            out += data[pos:pos + 1]
            pos += 1
        return out, pos + 1
    m = re.compile(rb"(~?)\{(\d+)\}\r\n").match(data, pos)
    if m:
        n = int(m.group(2))
        start = m.end()
        lit = Literal(data[start:start + n])
        lit.binary = m.group(1) == b"~"
        return lit, start + n
    # an atom, or a section name such as BODY[HEADER.FIELDS (A B)]<0>
    m = re.compile(rb"[^ ()\[]+(\[[^\]]*\](<\d+>)?)?").match(data, pos)
    atom = m.group(0).decode()
    pos = m.end()
    if atom.isdigit():
        return int(atom), pos
    if atom.upper() == "NIL":
        return None, pos
    return atom, pos


def parse_fetch(resp):
    """"* n FETCH (A v B v)" -> (n, [(A, v), ...]) in reply order."""
    m = re.match(rb"\* (\d+) FETCH ", resp)
    assert m, resp
    items, pos = _tokenize(resp, m.end())
    assert pos == len(resp), resp
    pairs = [(items[i], items[i + 1]) for i in range(0, len(items), 2)]
    return int(m.group(1)), pairs


def fetch(wire, text, uid=False):
    """Runs FETCH; returns (list of (seq, dict of items), other untagged,
    tagged).  Several responses for one message are merged."""
    untagged, tagged = wire.command(("UID " if uid else "") + "FETCH " +
                                    text)
    msgs = {}
    order = []
    other = []
    for resp in untagged:
        if re.match(rb"\* \d+ FETCH ", resp):
            seq, pairs = parse_fetch(resp)
            if seq not in msgs:
                msgs[seq] = {}
                order.append(seq)
            msgs[seq].update(pairs)
        else:
            other.append(resp)
    return [(s, msgs[s]) for s in order], other, tagged


def is_sanitized(pid):
    """True when the process runs with AddressSanitizer, whose quarantine
    keeps freed memory resident (memory bounds can't be measured)."""
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


def crlf(data):
    """Every bare LF as CRLF: how IMAP serves message bytes."""
    return re.sub(rb"(?<!\r)\n", b"\r\n", data)


# ---------------------------------------------------------------------------
# Putting messages into a user's Maildir as another program would.

def maildir_path(server, user="alice", folder=None):
    md = os.path.join(server.mail_dir, user)
    return md if folder in (None, "INBOX") else os.path.join(md,
                                                               "." + folder)


def put_messages(server, messages, user="alice", folder=None, flags=""):
    """Writes messages (bytes, or (bytes, flags, mtime)) into the folder's
    cur/ before or while the server runs.  Returns their paths."""
    md = maildir_path(server, user, folder)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(md, sub), exist_ok=True)
    base = int(time.time())
    paths = []
    for i, msg in enumerate(messages):
        mflags, mtime = flags, None
        if isinstance(msg, tuple):
            msg, mflags, mtime = msg
        name = "%d.M%dP%d.e2e:2,%s" % (base + i, i, os.getpid(), mflags)
        path = os.path.join(md, "cur", name)
        with open(path, "wb") as f:
            f.write(msg)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        paths.append(path)
    if server.root:
        uid, gid = server.uid_of(server.mail_user), \
            server.gid_of(server.mail_user)
        for dirpath, dirnames, filenames in os.walk(
                os.path.join(server.mail_dir, user)):
            os.chown(dirpath, uid, gid)
            for n in filenames:
                os.chown(os.path.join(dirpath, n), uid, gid)
    return paths
