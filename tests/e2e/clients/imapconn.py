"""A small raw IMAP client for the acceptance tests (concurrency, crash
safety): exact control over what is sent and when (IDLE, APPEND literals
that a SIGKILL may interrupt), and a parser for the replies (atoms, quoted
strings, literals, lists, NIL) so that FETCH data can be checked without
imaplib's guesswork.

Nothing here knows the server under test; it speaks RFC 3501 over a
loopback socket.
"""
import re
import socket
import time

IO_TIMEOUT = 30.0


class ImapError(Exception):
    """A reply was not what the caller required (NO, BAD, or garbage)."""


class Literal(bytes):
    """A literal's data inside a parsed reply (a bytes subclass, so that
    the caller can tell it from an atom if it cares)."""


def parse_items(data):
    """Parses the bytes of one response line (literals already inlined as
    Literal objects in a list of pieces, see Conn.read_response) into
    Python values: bytes for atoms and quoted strings, None for NIL,
    Literal for literals, lists for parenthesised lists."""
    pos = 0
    stack = [[]]
    pieces = data if isinstance(data, list) else [data]
    for piece in pieces:
        if isinstance(piece, Literal):
            stack[-1].append(piece)
            continue
        pos = 0
        n = len(piece)
        while pos < n:
            c = piece[pos:pos + 1]
            if c == b" ":
                pos += 1
            elif c in (b"(", b"["):
                if c == b"[":
                    # A section or response code stays part of its atom
                    # (BODY[HEADER.FIELDS (A B)]): copy to the matching ].
                    depth, end = 0, pos
                    while end < n:
                        if piece[end:end + 1] == b"[":
                            depth += 1
                        elif piece[end:end + 1] == b"]":
                            depth -= 1
                            if depth == 0:
                                break
                        end += 1
                    stack[-1].append(piece[pos:end + 1])
                    pos = end + 1
                    continue
                stack.append([])
                pos += 1
            elif c == b")":
                if len(stack) == 1:
                    raise ImapError("unbalanced ) in %r" % piece)
                done = stack.pop()
                stack[-1].append(done)
                pos += 1
            elif c == b'"':
                out = bytearray()
                pos += 1
                while pos < n and piece[pos:pos + 1] != b'"':
                    if piece[pos:pos + 1] == b"\\":
                        pos += 1
                    out += piece[pos:pos + 1]
                    pos += 1
                pos += 1
                stack[-1].append(bytes(out))
            else:
                m = re.compile(rb"[^ ()\[\]]+(\[[^\]]*\](<[0-9.]+>)?)?") \
                    .match(piece, pos)
                if not m:
                    raise ImapError("cannot parse %r at %d" % (piece, pos))
                atom = m.group(0)
                stack[-1].append(None if atom.upper() == b"NIL" else atom)
                pos = m.end()
    if len(stack) != 1:
        raise ImapError("unbalanced ( in %r" % (pieces,))
    return stack[0]


def fetch_dict(items):
    """['5', 'FETCH', [k, v, k, v]] -> (5, {'UID': v, ...}) with upper-case
    str keys; None when the response is not a FETCH."""
    if len(items) < 3 or not isinstance(items[1], bytes) or \
            items[1].upper() != b"FETCH":
        return None
    seq = int(items[0])
    pairs = items[2]
    out = {}
    for i in range(0, len(pairs) - 1, 2):
        out[pairs[i].decode().upper()] = pairs[i + 1]
    return seq, out


class Response:
    """One untagged or continuation response: `raw` is the first line
    (bytes, without CRLF), `pieces` the line split at literals (bytes and
    Literal), `items` the parsed values after the leading '*'."""

    def __init__(self, pieces):
        self.pieces = pieces
        self.raw = pieces[0] if pieces else b""
        self._items = None

    @property
    def items(self):
        if self._items is None:
            first = self.pieces[0]
            rest = [first[2:] if first.startswith(b"* ") else first] + \
                self.pieces[1:]
            self._items = parse_items(rest)
        return self._items

    def text(self):
        return b"".join(p if not isinstance(p, Literal) else
                        b"{%d}" % len(p) for p in self.pieces).decode(
                            "utf-8", "replace")

    def __repr__(self):
        return "<Response %s>" % self.text()[:200]


class Conn:
    """One IMAP connection.  command() sends a tagged command and returns
    (untagged responses, status, tagged text); methods raise OSError or
    EOFError when the connection breaks (e.g. the server process was
    killed)."""

    def __init__(self, port, address="127.0.0.1", timeout=IO_TIMEOUT):
        self.sock = socket.create_connection((address, port),
                                             timeout=timeout)
        self.timeout = timeout
        self.buf = b""
        self.tag_no = 0
        self.greeting = self.read_line()
        if not self.greeting.startswith(b"* OK"):
            raise ImapError("bad greeting %r" % self.greeting)

    @property
    def local_port(self):
        return self.sock.getsockname()[1]

    # -- low level ----------------------------------------------------------

    def _fill(self, deadline=None):
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("deadline")
            self.sock.settimeout(left)
        else:
            self.sock.settimeout(self.timeout)
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed by server")
        self.buf += data

    def read_line(self, deadline=None):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill(deadline)

    def read_bytes(self, n, deadline=None):
        while len(self.buf) < n:
            self._fill(deadline)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_response(self, deadline=None):
        """One whole response (with its literals) as a list of pieces."""
        pieces = []
        while True:
            line = self.read_line(deadline)
            m = re.search(rb"\{(\d+)\+?\}$", line)
            if not m:
                pieces.append(line)
                return pieces
            pieces.append(line[:m.start()])
            pieces.append(Literal(self.read_bytes(int(m.group(1)),
                                                  deadline)))

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def next_tag(self):
        self.tag_no += 1
        return "c%d" % self.tag_no

    # -- commands -------------------------------------------------------------

    def read_until_tagged(self, tag, deadline=None):
        untagged = []
        tagb = tag.encode() + b" "
        while True:
            pieces = self.read_response(deadline)
            if pieces[0].startswith(tagb):
                rest = pieces[0][len(tagb):].decode("utf-8", "replace")
                status, _, text = rest.partition(" ")
                return untagged, status.upper(), text
            untagged.append(Response(pieces))

    def command(self, text, literals=(), deadline=None):
        """Sends "TAG text"; each element of literals is sent as a
        synchronising literal appended after the text (text must end where
        the first literal goes; further literals follow the previous one
        directly unless given as (prefix, data) pairs)."""
        tag = self.next_tag()
        line = ("%s %s" % (tag, text)).encode()
        if not literals:
            self.send(line + b"\r\n")
            return self.read_until_tagged(tag, deadline)
        head = line
        for lit in literals:
            if isinstance(lit, tuple):
                head += lit[0].encode() if isinstance(lit[0], str) \
                    else lit[0]
                lit = lit[1]
            self.send(head + b"{%d}\r\n" % len(lit))
            resp = self.read_response(deadline)
            if not resp[0].startswith(b"+"):
                raise ImapError("no continuation for literal: %r" % resp)
            self.send(lit)
            head = b""
        self.send(b"\r\n")
        return self.read_until_tagged(tag, deadline)

    def ok(self, text, literals=()):
        """command() that must end in OK; returns (untagged, text)."""
        untagged, status, rest = self.command(text, literals)
        if status != "OK":
            raise ImapError("%s -> %s %s" % (text[:80], status, rest))
        return untagged, rest

    def login(self, user, password):
        return self.ok('LOGIN "%s" "%s"' % (user, password))

    def select(self, mailbox="INBOX", examine=False):
        """SELECT/EXAMINE; returns {'EXISTS': n, 'UIDVALIDITY': v,
        'UIDNEXT': n, ...} from the untagged replies."""
        untagged, _ = self.ok('%s "%s"' % ("EXAMINE" if examine else
                                           "SELECT", mailbox))
        return select_info(untagged)

    def append(self, mailbox, message, flags=""):
        """APPEND with a synchronising literal; returns (status, text)."""
        _, status, text = self.command(
            'APPEND "%s" (%s) ' % (mailbox, flags), [message])
        return status, text

    def fetch(self, seqset, items, uid=True):
        """{uid or seq: {ITEM: value}} for the FETCH replies."""
        untagged, _ = self.ok("%sFETCH %s %s" % ("UID " if uid else "",
                                                 seqset, items))
        out = {}
        for r in untagged:
            if untagged_kind(r) != "FETCH":
                continue
            seq, d = fetch_dict(r.items)
            key = int(d["UID"]) if uid and "UID" in d else seq
            out.setdefault(key, {}).update(d)
        return out

    def uid_flags(self):
        """{uid: set of flag strings} for every message of the selected
        mailbox (without \\Recent, which depends on the session)."""
        untagged, _ = self.ok("FETCH 1:* (UID FLAGS)")
        out = {}
        for r in untagged:
            if untagged_kind(r) != "FETCH":
                continue
            fd = fetch_dict(r.items)
            if "UID" not in fd[1]:
                continue
            out[int(fd[1]["UID"])] = {f.decode() for f in
                                      fd[1].get("FLAGS", [])} - {"\\Recent"}
        return out

    def idle_start(self):
        """Sends IDLE and waits for the continuation."""
        self.idle_tag = self.next_tag()
        self.send("%s IDLE\r\n" % self.idle_tag)
        pieces = self.read_response()
        if not pieces[0].startswith(b"+"):
            raise ImapError("IDLE not accepted: %r" % pieces)

    def idle_wait(self, predicate, timeout):
        """Reads untagged responses during IDLE until predicate(response)
        is true; returns (response, seconds waited) or (None, timeout)."""
        start = time.monotonic()
        deadline = start + timeout
        while True:
            try:
                pieces = self.read_response(deadline)
            except socket.timeout:
                return None, timeout
            resp = Response(pieces)
            if predicate(resp):
                return resp, time.monotonic() - start

    def idle_done(self):
        self.send("DONE\r\n")
        return self.read_until_tagged(self.idle_tag)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def select_info(untagged):
    """The numbers a SELECT reported: EXISTS, RECENT, UIDVALIDITY,
    UIDNEXT, HIGHESTMODSEQ (those present)."""
    info = {}
    for r in untagged:
        t = r.raw.decode("utf-8", "replace")
        m = re.match(r"\* (\d+) (EXISTS|RECENT)$", t)
        if m:
            info[m.group(2)] = int(m.group(1))
        m = re.search(r"\[(UIDVALIDITY|UIDNEXT|HIGHESTMODSEQ) (\d+)\]", t)
        if m:
            info[m.group(1)] = int(m.group(2))
    return info


def untagged_kind(resp):
    """'EXISTS', 'EXPUNGE', 'FETCH', 'RECENT', 'VANISHED', ... or the
    first word of the response."""
    m = re.match(rb"\* (?:\d+ )?([A-Z]+)", resp.raw)
    return m.group(1).decode() if m else ""
