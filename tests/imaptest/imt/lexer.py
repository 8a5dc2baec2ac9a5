"""Tokenizer for imaptest patterns, result lines and server replies.

FORMAT.md section 8: the same rules apply to both sides so that tokens come
out the same.  Everything works on bytes.  A token is an Atom, a Str (quoted
string or literal), a Nil or a List.  Also here: splitting a text into
variable references (section 7.1) and splitting a logical line into its
text and literal pieces (section 2.2, for sending commands).
"""
import re

# A literal at the start of a token: {N}, {N+} or ~{N}, then CR LF (or LF).
LITERAL_RE = re.compile(rb"(~?)\{(\d+)(\+?)\}\r?\n")
# Limits so that a broken reply or script cannot make us allocate without
# bound.
MAX_LITERAL = 64 * 1024 * 1024
MAX_DEPTH = 100

NAME_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyz"
                       b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class LexError(Exception):
    """A syntax error in a pattern or a reply."""


class Atom:
    __slots__ = ("text", "parts")

    def __init__(self, text):
        self.text = text
        self.parts = None       # variable parts, set when compiled

    def __repr__(self):
        return "Atom(%r)" % self.text


class Str:
    """A quoted string ("quoted"), literal ("literal") or literal8
    ("literal8"); they compare alike."""
    __slots__ = ("text", "kind", "parts")

    def __init__(self, text, kind="quoted"):
        self.text = text
        self.kind = kind
        self.parts = None

    def __repr__(self):
        return "Str(%r, %s)" % (self.text, self.kind)


class Nil:
    __slots__ = ("text",)

    def __init__(self, text=b"NIL"):
        self.text = text        # the original spelling

    def __repr__(self):
        return "Nil(%r)" % self.text


class List:
    __slots__ = ("items", "mode")

    def __init__(self, items):
        self.items = items
        self.mode = None        # list matching mode, set when compiled

    def __repr__(self):
        return "List(%r)" % (self.items,)


def text_of(tok):
    """The text of an atom, string or NIL; None for a list."""
    if isinstance(tok, List):
        return None
    return tok.text


def tokenize(data, lenient=False):
    """Tokenizes `data` (bytes) into a list of tokens.

    A syntax error (an unclosed list, a ')' at top level, an unterminated
    quoted string or a short literal) raises LexError; with lenient=True
    the top-level tokens parsed before the error are returned instead (for
    the human-readable text of server replies, section 8)."""
    pos = 0
    n = len(data)
    stack = [[]]
    try:
        while True:
            while pos < n and data[pos] in b" \r\n":
                pos += 1
            if pos >= n:
                break
            c = data[pos]
            if c == 0x28:                                   # (
                if len(stack) > MAX_DEPTH:
                    raise LexError("lists nested too deep")
                stack.append([])
                pos += 1
                continue
            if c == 0x29:                                   # )
                if len(stack) == 1:
                    raise LexError("')' without '('")
                items = stack.pop()
                stack[-1].append(List(items))
                pos += 1
                continue
            if c == 0x22:                                   # "
                out = bytearray()
                pos += 1
                while True:
                    if pos >= n:
                        raise LexError("unterminated quoted string")
                    ch = data[pos]
                    if ch == 0x5c and pos + 1 < n:              # backslash
                        out.append(data[pos + 1])
                        pos += 2
                        continue
                    if ch == 0x22:
                        pos += 1
                        break
                    out.append(ch)
                    pos += 1
                stack[-1].append(Str(bytes(out), "quoted"))
                continue
            if c in b"{~":
                m = LITERAL_RE.match(data, pos)
                if m:
                    size = int(m.group(2))
                    if size > MAX_LITERAL:
                        raise LexError("literal too large")
                    start = m.end()
                    if start + size > n:
                        raise LexError("literal shorter than its size")
                    kind = "literal8" if m.group(1) else "literal"
                    stack[-1].append(Str(data[start:start + size], kind))
                    pos = start + size
                    continue
            # An atom: up to a space, CR, LF, or ')' inside a list.
            start = pos
            inside = len(stack) > 1
            while pos < n:
                ch = data[pos]
                if ch in b" \r\n" or (inside and ch == 0x29):
                    break
                pos += 1
            text = data[start:pos]
            if text.upper() == b"NIL":
                stack[-1].append(Nil(text))
            else:
                stack[-1].append(Atom(text))
        if len(stack) > 1:
            raise LexError("unclosed '('")
    except LexError:
        if lenient:
            return stack[0]
        raise
    return stack[0]


# ---------------------------------------------------------------------------
# Variable references inside one token's text (section 7.1).

# Parts of a text: ("lit", bytes), ("var", name str), ("seq", int),
# ("anon",).  A "$" as the very last character is ("end$",): literal in a
# command, the anonymous wildcard in a pattern.


def split_vars(text):
    """Splits text (bytes) into literal text and variable references."""
    parts = []
    buf = bytearray()
    i = 0
    n = len(text)

    def flush():
        if buf:
            parts.append(("lit", bytes(buf)))
            buf.clear()

    while i < n:
        c = text[i]
        if c != 0x24:                                       # $
            buf.append(c)
            i += 1
            continue
        if i + 1 >= n:
            flush()
            parts.append(("end$",))
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == 0x24:                                     # $$
            buf.append(0x24)
            i += 2
            continue
        if nxt == 0x21:                                     # $! (kept)
            buf += b"$!"
            i += 2
            continue
        if nxt == 0x7b:                                     # ${name}
            end = text.find(b"}", i + 2)
            if end < 0:
                raise LexError("'${' without '}'")
            name = text[i + 2:end]
            i = end + 1
        else:
            j = i + 1
            while j < n and text[j] in NAME_CHARS:
                j += 1
            name = text[i + 1:j]
            i = j
        flush()
        if not name:
            parts.append(("anon",))
        elif name.isdigit():
            parts.append(("seq", int(name)))
        else:
            parts.append(("var", name.decode("latin-1")))
    flush()
    return parts


class UnsetVariable(Exception):
    """A command or !output used a variable that has no value."""


def expand(text, variables, seq_value):
    """Expands the variables in a command or !output text (section 5.4).

    variables: name -> bytes; seq_value(N) -> bytes for "$N".  Raises
    UnsetVariable for an unset or empty-named variable."""
    out = bytearray()
    for part in split_vars(text):
        kind = part[0]
        if kind == "lit":
            out += part[1]
        elif kind == "end$":
            out += b"$"
        elif kind == "seq":
            out += seq_value(part[1])
        elif kind == "var":
            if part[1] not in variables:
                raise UnsetVariable("Uninitialized variable: $" + part[1])
            out += variables[part[1]]
        else:
            raise UnsetVariable("Uninitialized variable: $ (empty name)")
    return bytes(out)


# ---------------------------------------------------------------------------
# Literals inside a logical line (section 2.2), for sending commands.

class Literal:
    __slots__ = ("data", "binary")

    def __init__(self, data, binary=False):
        self.data = data
        self.binary = binary

    def __repr__(self):
        return "Literal(%r, binary=%r)" % (self.data, self.binary)


def split_literals(line):
    """Splits a logical line into a list of bytes pieces and Literal
    objects, in order.  The {N} headers are taken out."""
    out = []
    pos = 0
    last = 0
    n = len(line)
    while True:
        m = LITERAL_RE.search(line, pos)
        if not m:
            break
        size = int(m.group(2))
        start = m.end()
        if start + size > n:
            # Not a literal we made: leave it as text.
            pos = m.start() + 1
            continue
        if m.start() > last:
            out.append(line[last:m.start()])
        out.append(Literal(line[start:start + size], bool(m.group(1))))
        pos = last = start + size
    if last < n:
        out.append(line[last:])
    return out


def join_literals(pieces):
    """The inverse of split_literals: a flat logical line."""
    out = bytearray()
    for p in pieces:
        if isinstance(p, Literal):
            out += b"%s{%d}\r\n" % (b"~" if p.binary else b"", len(p.data))
            out += p.data
        else:
            out += p
    return bytes(out)


def printable(data, limit=300):
    """data (bytes) as a one-line str for reports: CR, LF, tabs, control
    and 8-bit octets escaped, cut at limit characters."""
    out = []
    for c in data:
        if c == 0x0d:
            out.append("\\r")
        elif c == 0x0a:
            out.append("\\n")
        elif c == 0x5c:
            out.append("\\")
        elif 0x20 <= c < 0x7f:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
        if len(out) > limit:
            out.append("...")
            break
    return "".join(out)


def quote(name):
    """An IMAP quoted string for name, or None when it cannot be quoted
    (CR, LF, NUL or 8-bit octets: send a literal instead)."""
    if any(c in (0, 0x0d, 0x0a) or c >= 0x80 for c in name):
        return None
    return b'"' + name.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def astring_pieces(name):
    """name as a quoted string, or as a literal when it must be."""
    q = quote(name)
    return [q] if q is not None else [Literal(name)]
