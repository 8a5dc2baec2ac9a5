"""Compiled patterns and the matching rules of imaptest scripts.

FORMAT.md sections 7.3 (captures), 7.4 ($N), 9 (elements, prefix mode,
ordered/unordered lists, $! directives, built-in defaults).  A pattern is
compiled once (variable parts split, list modes decided from the pattern's
shape) and matched against tokenized server replies with a MatchContext that
holds the test's variables and can undo the captures of a failed attempt.
"""
from .lexer import (Atom, Str, Nil, List, LexError, split_vars, text_of,
                    tokenize, printable)

# Placeholder for $N out of range or expunged: never matches anything.
NO_SEQ = None


class ScriptError(Exception):
    """The script is broken (not a test failure)."""


class ListMode:
    __slots__ = ("unordered", "chain", "noextra", "ignore", "ban",
                 "explicit")

    def __init__(self, unordered=False, chain=1, noextra=False,
                 ignore=(), ban=(), explicit=False):
        self.unordered = unordered
        self.chain = chain
        self.noextra = noextra
        self.ignore = set(ignore)
        self.ban = set(ban)
        self.explicit = explicit

    def __repr__(self):
        return ("ListMode(unordered=%r, chain=%r, noextra=%r, ignore=%r, "
                "ban=%r)" % (self.unordered, self.chain, self.noextra,
                             self.ignore, self.ban))


ORDERED = ListMode()
FLAGS_MODE = ListMode(unordered=True, noextra=True,
                      ignore=(b"\\recent", b"$hasattachment",
                              b"$hasnoattachment"))


def parse_directives(items):
    """Takes the leading $! directives off a pattern list's items and
    returns (ListMode or None, remaining items)."""
    mode = None
    i = 0
    while i < len(items) and isinstance(items[i], Atom) and \
            items[i].text.startswith(b"$!"):
        word = items[i].text[2:]
        low = word.lower()
        if mode is None:
            mode = ListMode(explicit=True)
        if low == b"unordered":
            mode.unordered, mode.chain = True, 1
        elif low.startswith(b"unordered="):
            try:
                mode.chain = int(low[10:])
            except ValueError:
                raise ScriptError("bad directive $!" + word.decode(
                    "latin-1"))
            if mode.chain < 1:
                raise ScriptError("bad chain size in $!" + word.decode(
                    "latin-1"))
            mode.unordered = True
        elif low == b"ordered":
            mode.unordered, mode.chain = False, 1
        elif low == b"noextra":
            mode.noextra = True
        elif low == b"extra":
            mode.noextra = False
        elif low.startswith(b"ignore="):
            mode.ignore.add(low[7:])
        elif low.startswith(b"ban="):
            mode.ban.add(low[4:])
        else:
            raise ScriptError("unknown directive $!" + word.decode(
                "latin-1"))
        i += 1
    return mode, items[i:]


def _compile_tree(tokens):
    """Splits variables in every atom/string and takes directives off every
    list (explicit modes only; defaults are applied by compile_pattern)."""
    for tok in tokens:
        if isinstance(tok, List):
            mode, tok.items = parse_directives(tok.items)
            tok.mode = mode
            _compile_tree(tok.items)
            if mode is not None and mode.unordered and \
                    len(tok.items) % mode.chain:
                raise ScriptError(
                    "$!unordered=%d list has %d elements (not a multiple)"
                    % (mode.chain, len(tok.items)))
        elif isinstance(tok, (Atom, Str)):
            tok.parts = split_vars(tok.text)


def _set_default(tok, mode):
    if isinstance(tok, List) and tok.mode is None:
        tok.mode = mode


def reply_name(tokens):
    """The reply name of a pattern: its first token, or the second when
    the first starts with '$' or a digit (section 9.6)."""
    if not tokens:
        return b""
    first = text_of(tokens[0])
    idx = 0
    if first is not None and first[:1] and (first[:1] == b"$" or
                                            first[:1].isdigit()):
        idx = 1
    if idx >= len(tokens):
        return b""
    t = text_of(tokens[idx])
    return (t or b"").lower()


class Pattern:
    """A compiled pattern: top-level tokens with their list modes."""
    __slots__ = ("tokens", "name", "source")

    def __init__(self, tokens, name, source):
        self.tokens = tokens
        self.name = name
        self.source = source

    def __repr__(self):
        return "Pattern(%r)" % self.source


def compile_pattern(data):
    """Tokenizes and compiles a pattern or result line (bytes)."""
    try:
        tokens = tokenize(data)
    except LexError as e:
        raise ScriptError("%s in pattern '%s'" % (e, printable(data)))
    _compile_tree(tokens)
    name = reply_name(tokens)
    if name in (b"list", b"lsub") and len(tokens) > 1:
        _set_default(tokens[1], ListMode(unordered=True))
    elif name == b"status" and len(tokens) > 2 and \
            isinstance(tokens[2], List):
        _set_default(tokens[2], ListMode(unordered=True, chain=2))
        if tokens[2].mode.unordered and \
                len(tokens[2].items) % tokens[2].mode.chain:
            raise ScriptError("STATUS pattern list has an odd number of "
                              "elements: '%s'" % printable(data))
    elif name == b"fetch" and len(tokens) > 2 and \
            isinstance(tokens[2], List):
        fetch = tokens[2]
        _set_default(fetch, ListMode(unordered=True, chain=2))
        items = fetch.items
        for i in range(1, len(items)):
            prev = items[i - 1]
            if isinstance(prev, Atom) and prev.text.lower() == b"flags":
                _set_default(items[i], FLAGS_MODE)
        if fetch.mode.unordered and len(items) % fetch.mode.chain:
            raise ScriptError("FETCH pattern list has an odd number of "
                              "elements: '%s'" % printable(data))
    _fill_ordered(tokens)
    return Pattern(tokens, name, data)


def _fill_ordered(tokens):
    for tok in tokens:
        if isinstance(tok, List):
            if tok.mode is None:
                tok.mode = ORDERED
            _fill_ordered(tok.items)


# ---------------------------------------------------------------------------
# Matching.

class MatchContext:
    """The variables of a test and the state needed to match one reply.

    variables: name -> bytes.  seq(N) gives the current value of the
    relative sequence number $N (bytes) or NO_SEQ.  Captures are journaled
    so that a failed attempt can be undone with undo(mark)."""

    def __init__(self, variables, seq=None):
        self.vars = variables
        self.seq = seq or (lambda n: str(n).encode())
        self.journal = []
        # imaptest compares strings as C strings (FORMAT.md 12.3): with
        # c_strings everything after a NUL byte is ignored on both sides.
        self.c_strings = False

    def mark(self):
        return len(self.journal)

    def undo(self, mark):
        while len(self.journal) > mark:
            name = self.journal.pop()
            self.vars.pop(name, None)

    def capture(self, name, value):
        self.vars[name] = value
        self.journal.append(name)

    def commit(self):
        self.journal.clear()


def _resolve(part, ctx):
    """(kind, value): ("fixed", bytes) for text that must appear exactly,
    ("ci", bytes) for ordinary pattern text, ("capture", name or None),
    ("never", None) for an impossible $N."""
    kind = part[0]
    if kind == "lit":
        return "ci", part[1]
    if kind == "var":
        if part[1] in ctx.vars:
            return "fixed", ctx.vars[part[1]]
        return "capture", part[1]
    if kind == "seq":
        v = ctx.seq(part[1])
        if v is NO_SEQ:
            return "never", None
        return "fixed", v
    return "capture", None          # anon or a trailing "$"


def match_text(parts, server, ctx, prefix=False):
    """Matches pattern text parts against a server token's text (7.3).
    Captures go into ctx (the caller undoes them on failure)."""
    pos = 0
    n = len(server)
    resolved = [_resolve(p, ctx) for p in parts]
    for i, (kind, value) in enumerate(resolved):
        if kind == "never":
            return False
        if kind == "ci":
            end = pos + len(value)
            if end > n or server[pos:end].lower() != value.lower():
                return False
            pos = end
        elif kind == "fixed":
            end = pos + len(value)
            if server[pos:end] != value:
                return False
            pos = end
        else:
            # Stop at the first character of what the rest of the pattern
            # expands to (an unset variable expands to nothing).
            stop = None
            for k2, v2 in resolved[i + 1:]:
                if k2 in ("ci", "fixed") and v2:
                    stop = v2[:1].lower()
                    break
                if k2 == "never":
                    break
            if stop is None:
                end = n
            else:
                low = server.lower()
                end = low.find(stop, pos)
                if end < 0:
                    end = n
            if value is not None:
                ctx.capture(value, server[pos:end])
            pos = end
    if prefix:
        return True
    return pos == n


def _is_anon(tok):
    return isinstance(tok, (Atom, Str)) and len(tok.parts) == 1 and \
        tok.parts[0][0] in ("anon", "end$")


def match_element(p, s, ctx, prefix=False):
    """Matches one pattern element against one server element (9.1)."""
    if isinstance(p, Nil):
        return isinstance(s, Nil)
    if isinstance(p, List):
        return isinstance(s, List) and match_list(p, s, ctx)
    if _is_anon(p):
        return True
    if isinstance(s, List):
        return False
    if ctx.c_strings:
        return match_text(_cut_parts(p.parts), s.text.split(b"\0", 1)[0],
                          ctx, prefix)
    return match_text(p.parts, s.text, ctx, prefix)


def _cut_parts(parts):
    """Pattern parts up to the first NUL of their literal text."""
    out = []
    for part in parts:
        if part[0] == "lit" and b"\0" in part[1]:
            head = part[1].split(b"\0", 1)[0]
            if head:
                out.append(("lit", head))
            break
        out.append(part)
    return out


def _match_chain(pc, sc, ctx):
    mark = ctx.mark()
    for pe, se in zip(pc, sc):
        if not match_element(pe, se, ctx):
            ctx.undo(mark)
            return False
    return True


def match_list(p, s, ctx):
    """The list rules (9.3-9.6)."""
    mode = p.mode or ORDERED
    pitems, sitems = p.items, s.items
    if not mode.unordered:
        if len(pitems) != len(sitems):
            return False
        return _match_chain(pitems, sitems, ctx)
    c = mode.chain
    if len(sitems) % c or len(pitems) % c:
        return False
    schains = [sitems[i:i + c] for i in range(0, len(sitems), c)]
    used = [False] * len(schains)
    for i in range(0, len(pitems), c):
        pc = pitems[i:i + c]
        for j, sc in enumerate(schains):
            if _match_chain(pc, sc, ctx):
                used[j] = True
                break
        else:
            return False
    for j, sc in enumerate(schains):
        if used[j]:
            continue
        first = text_of(sc[0])
        key = first.lower() if first is not None else None
        if mode.noextra:
            if key is None or key not in mode.ignore:
                return False
        elif key is not None and key in mode.ban:
            return False
    return True


def match_reply(pattern, tokens, ctx, prefix):
    """Matches a whole reply (the tokens after '*' or the tag) against a
    compiled pattern (9.2).  On failure every capture made is undone; on
    success they stay."""
    mark = ctx.mark()
    ptoks = pattern.tokens
    if prefix:
        ok = len(tokens) >= len(ptoks)
    else:
        ok = len(tokens) == len(ptoks)
    if ok:
        last = len(ptoks) - 1
        for i, pe in enumerate(ptoks):
            use_prefix = prefix and i == last and isinstance(pe, (Atom,
                                                                  Str))
            if not match_element(pe, tokens[i], ctx, use_prefix):
                ok = False
                break
    if not ok:
        ctx.undo(mark)
    return ok


def is_prefix_reply(tokens):
    """Untagged replies whose own first token is OK/NO/BAD/BYE are matched
    in prefix mode (9.2)."""
    if not tokens:
        return False
    t = text_of(tokens[0])
    return t is not None and t.upper() in (b"OK", b"NO", b"BAD", b"BYE")

