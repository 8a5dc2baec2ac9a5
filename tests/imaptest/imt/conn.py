"""One IMAP connection of the imaptest runner.

Reads whole server responses (lines with their literals) into Response
objects, and sends commands made of text pieces and literals: LITERAL+
({N+}) when the server has it, otherwise synchronizing literals that wait
for the '+' continuation (FORMAT.md 5.4 step 3).  Every buffer is bounded
and every read has a deadline.
"""
import re
import select
import socket
import time

from .lexer import Literal, tokenize, printable

LINE_LITERAL_RE = re.compile(rb"~?\{(\d+)\+?\}\r?\n$")
MAX_RESPONSE = 128 * 1024 * 1024
MAX_LINE = 1024 * 1024
LITERAL_MINUS_MAX = 4096


class Timeout(Exception):
    pass


class ProtocolError(Exception):
    pass


class Response:
    """One server response.  kind: "untagged", "tagged" or
    "continuation".  tokens: the tokens after "*" or the tag."""
    __slots__ = ("raw", "kind", "tag", "tokens")

    def __init__(self, raw):
        self.raw = raw
        if raw.startswith(b"+"):
            self.kind = "continuation"
            self.tag = b"+"
            self.tokens = []
            return
        tag, _, rest = raw.partition(b" ")
        self.tag = tag
        self.kind = "untagged" if tag == b"*" else "tagged"
        self.tokens = tokenize(rest, lenient=True)

    def short(self, limit=300):
        return printable(self.raw.rstrip(b"\r\n"), limit)

    def __repr__(self):
        return "Response(%r)" % self.raw


class Connection:
    """A client connection.  index is 1-based; caps is the set of
    capabilities (upper case) last seen on it."""

    def __init__(self, host, port, index, connect_timeout=30.0,
                 trace=None):
        self.index = index
        self.sock = socket.create_connection((host, port),
                                             timeout=connect_timeout)
        self.sock.setblocking(False)
        self.buf = bytearray()
        self.eof = False
        self.counter = 0
        self.caps = set()
        self.trace = trace
        self.msg_count = 0          # messages known (EXISTS / EXPUNGE)
        self.mailbox = None         # current mailbox for a bare "append"
        self.got_bye = False
        self.logout_sent = False
        self.may_close = False      # a BYE group ended on it
        self.closed = False
        self.sync_literals = False  # never use {N+}, even with LITERAL+

    def next_tag(self):
        self.counter += 1
        return b"%d.%d" % (self.index, self.counter)

    def close(self):
        if not self.closed:
            self.closed = True
            try:
                self.sock.close()
            except OSError:
                pass

    # -- reading ------------------------------------------------------------

    def _fill(self, deadline):
        """Reads what is available, waiting until deadline for at least one
        byte.  Sets eof when the peer closed."""
        if self.eof:
            return
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("no reply within the time limit")
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                break
        self._recv()

    def _recv(self):
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.eof = True
            return
        self.buf += data
        if len(self.buf) > MAX_RESPONSE + MAX_LINE:
            raise ProtocolError("too much unread data from the server")

    def poll(self):
        """Reads whatever has arrived without waiting (the data is kept
        for the next group).  Returns True when the peer has closed and
        no complete response is left unread."""
        while not self.eof:
            r, _, _ = select.select([self.sock], [], [], 0)
            if not r:
                break
            before = len(self.buf)
            self._recv()
            if len(self.buf) == before and not self.eof:
                break
        return self.eof and self._complete_length() is None

    def _complete_length(self):
        """The length of the first complete response in buf, or None."""
        pos = 0
        while True:
            nl = self.buf.find(b"\n", pos)
            if nl < 0:
                if len(self.buf) - pos > MAX_LINE:
                    raise ProtocolError("line too long from the server")
                return None
            line_start = pos
            end = nl + 1
            m = LINE_LITERAL_RE.search(self.buf, max(line_start, end - 40),
                                       end)
            if not m:
                return end
            size = int(m.group(1))
            if size > MAX_RESPONSE:
                raise ProtocolError("literal too large from the server")
            if len(self.buf) < end + size:
                return None
            pos = end + size

    def read_response(self, deadline):
        """The next response, or None at end of input.  Raises Timeout."""
        while True:
            n = self._complete_length()
            if n is not None:
                raw = bytes(self.buf[:n])
                del self.buf[:n]
                if self.trace:
                    self.trace(self.index, "S", raw)
                return Response(raw)
            if self.eof:
                return None
            self._fill(deadline)

    # -- writing ------------------------------------------------------------

    def send(self, data):
        if self.trace:
            self.trace(self.index, "C", data)
        view = memoryview(data)
        deadline = time.monotonic() + 60
        while view:
            try:
                n = self.sock.send(view)
                view = view[n:]
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout("cannot send to the server")
                select.select([], [self.sock], [], left)
            except OSError as e:
                raise ProtocolError("send failed: %s" % e)

    def nonsync_ok(self, size):
        if self.sync_literals:
            return False
        return "LITERAL+" in self.caps or \
            ("LITERAL-" in self.caps and size <= LITERAL_MINUS_MAX)

    def send_command(self, tag, pieces, wait_continuation):
        """Sends `tag SP pieces CRLF`.  pieces: bytes and Literal objects.
        For a synchronizing literal, wait_continuation() is called after
        its header was sent; it returns True when the '+' came and False
        when the command was already answered (then nothing more is
        sent).  Returns True when the whole command was sent."""
        out = bytearray(tag + b" ")
        for p in pieces:
            if not isinstance(p, Literal):
                out += p
                continue
            size = len(p.data)
            nonsync = self.nonsync_ok(size)
            out += b"%s{%d%s}\r\n" % (b"~" if p.binary else b"", size,
                                      b"+" if nonsync else b"")
            if not nonsync:
                self.send(bytes(out))
                out = bytearray()
                if not wait_continuation():
                    return False
            out += p.data
        out += b"\r\n"
        self.send(bytes(out))
        return True


CAPABILITY_CODE_RE = re.compile(rb"(?i)\[CAPABILITY ([^\]]*)\]")


def caps_from_code(raw):
    """The capabilities of an [CAPABILITY ...] response code in raw, or
    None."""
    m = CAPABILITY_CODE_RE.search(raw)
    if not m:
        return None
    return {c.decode("latin-1").upper() for c in m.group(1).split()}
