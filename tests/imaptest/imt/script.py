"""Parser of imaptest test files.

FORMAT.md sections 2 (lines, comments, {{{ }}} blocks), 3 (header), 5
(commands, result lines, groups, directives) and 6 (untagged patterns).
parse_script(path) returns a Script or raises ScriptError with the line.
"""
import os
import re

from .lexer import LexError, printable
from .match import ScriptError, compile_pattern

STATES = ("nonauth", "auth", "created", "appended", "selected")

CONN_RE = re.compile(rb"(\d+) ")
LABEL_RE = re.compile(rb"(?i)tag(\d+)(?: |$)")
RESULT_RE = re.compile(rb'(?i)(ok|no|bad|"")(?: |$)')
SLEEP_RE = re.compile(rb"(\d+)\s*([a-z]*)$")
SLEEP_UNITS = {
    b"ms": 0.001, b"msec": 0.001, b"msecs": 0.001,
    b"s": 1, b"sec": 1, b"secs": 1, b"second": 1, b"seconds": 1,
    b"m": 60, b"min": 60, b"mins": 60, b"minute": 60, b"minutes": 60,
    b"h": 3600, b"hour": 3600, b"hours": 3600,
    b"d": 86400, b"day": 86400, b"days": 86400,
    b"w": 604800, b"week": 604800, b"weeks": 604800,
}
MAX_SCRIPT = 16 * 1024 * 1024


class Command:
    """One command line: sent as `text` (a logical line, literals inside)
    on connection `conn` (1-based); `result` is the compiled expected
    tagged result, None until given."""

    def __init__(self, conn, label, text, lineno):
        self.conn = conn
        self.label = label
        self.text = text
        self.lineno = lineno
        self.result = None

    def __repr__(self):
        return "Command(%d, %r, %r)" % (self.conn, self.label, self.text)


class UntaggedPattern:
    """`*` (must appear), `!` (must not) or `?` (may) pattern."""

    def __init__(self, kind, pattern, lineno):
        self.kind = kind
        self.pattern = pattern
        self.lineno = lineno

    @property
    def is_bye(self):
        return self.pattern.tokens and \
            (getattr(self.pattern.tokens[0], "text", b"") or b"").lower() \
            == b"bye"

    def __repr__(self):
        return "%s %r" % (self.kind, self.pattern.source)


class Group:
    """Commands sent together on one connection, with their patterns."""

    def __init__(self, conn, lineno):
        self.conn = conn
        self.lineno = lineno
        self.commands = []
        self.patterns = []
        self.outputs = []
        self.sleep = 0.0
        self.auto_logout = False

    def waiting(self):
        return any(c.result is None for c in self.commands)

    @property
    def expects_bye(self):
        return any(p.kind == "*" and p.is_bye for p in self.patterns)

    def __repr__(self):
        return "Group(line %d, conn %d, %r)" % (self.lineno, self.conn,
                                                self.commands)


class Script:
    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.capabilities = []
        self.connections = 1
        self.state = "selected"
        self.messages = 0           # int, or "all"
        self.ignore_extra = True
        self.users = {}             # connection number -> header value
        self.groups = []
        self.mbox_path = None

    @property
    def has_logout(self):
        return any(c.text.lower() == b"logout"
                   for g in self.groups for c in g.commands)

    @property
    def expects_bye(self):
        return any(g.expects_bye for g in self.groups)


def logical_lines(lines, first_lineno):
    """Joins {{{ ... }}} blocks (2.2).  lines: physical lines without their
    LF.  Yields (lineno, logical line).  Comment and empty lines outside
    blocks are yielded as they are (the caller ignores them)."""
    i = 0
    n = len(lines)
    while i < n:
        lineno = first_lineno + i
        line = lines[i]
        i += 1
        if line.startswith(b"#") or not line.endswith(b"{{{"):
            yield lineno, line
            continue
        out = bytearray()
        while line.endswith(b"{{{"):
            head = line[:-3]
            binary = head.endswith(b"~")
            if binary:
                head = head[:-1]
            out += head
            content = []
            while True:
                if i >= n:
                    raise ScriptError("line %d: '{{{' block not closed"
                                      % lineno)
                cl = lines[i]
                i += 1
                if cl.startswith(b"}}}"):
                    break
                content.append(cl)
            sep = b"\n" if binary else b"\r\n"
            data = sep.join(content)
            out += b"%s{%d}\r\n" % (b"~" if binary else b"", len(data))
            out += data
            line = cl[3:]
        out += line
        yield lineno, bytes(out)


def _parse_header(script, lines):
    for idx, line in enumerate(lines):
        where = "line %d" % (idx + 1)
        if line.startswith(b"#"):
            continue
        if b":" not in line:
            raise ScriptError("%s: Missing ':' in header" % where)
        key, value = line.split(b":", 1)
        key = key.rstrip(b" ").lower()
        value = value.lstrip(b" ")
        if key == b"capabilities":
            script.capabilities = [c.decode("latin-1")
                                   for c in value.split(b" ") if c]
        elif key == b"connections":
            if value == b"n":
                script.connections = 2
            else:
                m = re.match(rb"\d+", value)
                if not m or int(m.group()) < 1:
                    raise ScriptError("%s: bad connections: '%s'"
                                      % (where, printable(value)))
                script.connections = int(m.group())
        elif key == b"state":
            state = value.decode("latin-1").lower()
            if state not in STATES:
                raise ScriptError("%s: unknown state '%s'"
                                  % (where, printable(value)))
            script.state = state
        elif key == b"messages":
            if value.rstrip(b" ").lower() == b"all":
                script.messages = "all"
            else:
                m = re.match(rb"\d+", value)
                if not m:
                    raise ScriptError("%s: bad messages: '%s'"
                                      % (where, printable(value)))
                script.messages = int(m.group())
        elif key == b"ignore_extra_untagged":
            script.ignore_extra = value.startswith(b"y")
        elif re.fullmatch(rb"user \d+", key):
            n = int(key[5:])
            if n < 1:
                raise ScriptError("%s: bad '%s'" % (where,
                                                    printable(key)))
            script.users[n] = value.decode("utf-8")
        else:
            raise ScriptError("%s: unknown header key '%s'"
                              % (where, printable(key)))


class _Conditional:
    def __init__(self, parent_active, cond):
        self.parent_active = parent_active
        self.cond = cond
        self.seen_else = False

    @property
    def active(self):
        return self.parent_active and self.cond


def _parse_sleep(arg, where):
    arg = arg.strip().lower()
    if arg == b"0":
        return 0.0
    m = SLEEP_RE.match(arg)
    if not m or m.group(2) not in SLEEP_UNITS:
        raise ScriptError("%s: bad !sleep interval '%s'"
                          % (where, printable(arg)))
    return int(m.group(1)) * SLEEP_UNITS[m.group(2)]


def _compile(data, where):
    try:
        return compile_pattern(data)
    except ScriptError as e:
        raise ScriptError("%s: %s" % (where, e))
    except LexError as e:
        raise ScriptError("%s: %s" % (where, e))


def parse_script(path, environ=None):
    """Parses the test file at path.  environ decides !ifenv/!ifnenv
    (default: os.environ)."""
    env = os.environ if environ is None else environ
    name = os.path.basename(path)
    script = Script(name, path)
    with open(path, "rb") as f:
        data = f.read(MAX_SCRIPT + 1)
    if len(data) > MAX_SCRIPT:
        raise ScriptError("file too large")
    if data and not data.endswith(b"\n"):
        raise ScriptError("the last line does not end with LF")
    lines = data.split(b"\n")[:-1] if data else []
    try:
        hdr_end = lines.index(b"")
    except ValueError:
        hdr_end = len(lines)
    _parse_header(script, lines[:hdr_end])
    body = lines[hdr_end + 1:]

    mbox = path + ".mbox"
    if not os.path.exists(mbox):
        mbox = os.path.join(os.path.dirname(path), "default.mbox")
    script.mbox_path = mbox

    conds = []
    cur = None
    max_conn = script.connections
    for lineno, line in logical_lines(body, hdr_end + 2):
        where = "line %d" % lineno
        active = conds[-1].active if conds else True
        if line.startswith(b"!") and line[1:2] not in (b" ", b""):
            word, _, arg = line[1:].partition(b" ")
            word = word.lower()
            if word in (b"ifenv", b"ifnenv"):
                var = arg.strip().decode("latin-1")
                if not var:
                    raise ScriptError("%s: !%s without a name"
                                      % (where, word.decode()))
                present = var in env
                conds.append(_Conditional(
                    active, present if word == b"ifenv" else not present))
                continue
            if word == b"else":
                if not conds or conds[-1].seen_else:
                    raise ScriptError("%s: unexpected !else" % where)
                conds[-1].seen_else = True
                conds[-1].cond = not conds[-1].cond
                continue
            if word == b"endif":
                if not conds:
                    raise ScriptError("%s: !endif without !if" % where)
                conds.pop()
                continue
            if not active:
                continue
            if word == b"sleep":
                if cur is None:
                    raise ScriptError("%s: !sleep before any command"
                                      % where)
                cur.sleep += _parse_sleep(arg, where)
                continue
            if word == b"output":
                if cur is None:
                    raise ScriptError("%s: !output before any command"
                                      % where)
                cur.outputs.append(arg)
                continue
            raise ScriptError("%s: unknown directive !%s"
                              % (where, word.decode("latin-1")))
        if not active:
            continue
        if line == b"" or line.startswith(b"#"):
            continue

        # Untagged patterns belong to the most recent group.
        if cur is not None and line[:2] in (b"* ", b"! ", b"? "):
            kind = line[:1].decode()
            pat = UntaggedPattern(kind, _compile(line[2:], where), lineno)
            if kind == "?" and pat.is_bye:
                raise ScriptError("%s: '? bye' is not allowed" % where)
            cur.patterns.append(pat)
            continue

        # A separate result line.
        if cur is not None and cur.waiting():
            m = LABEL_RE.match(line)
            label = int(m.group(1)) if m else None
            rest = line[m.end():] if m else line
            if RESULT_RE.match(rest):
                if label is None:
                    targets = [c for c in cur.commands if c.label is None]
                else:
                    targets = [c for c in cur.commands if c.label == label]
                if not targets:
                    raise ScriptError("%s: result for a command not in "
                                      "this group" % where)
                if targets[0].result is not None:
                    raise ScriptError("%s: result given twice" % where)
                targets[0].result = _compile(rest, where)
                continue

        # A command line.
        rest = line
        conn = 1
        if script.connections >= 2:
            m = CONN_RE.match(rest)
            if not m:
                raise ScriptError("%s: missing connection number" % where)
            conn = int(m.group(1))
            if conn < 1:
                raise ScriptError("%s: bad connection number" % where)
            max_conn = max(max_conn, conn)
            rest = rest[m.end():]
        m = LABEL_RE.match(rest)
        label = None
        if m:
            label = int(m.group(1))
            rest = rest[m.end():]
        result = None
        m = RESULT_RE.match(rest)
        if m:
            result = _compile(m.group(1), where)
            rest = rest[m.end():]
        if not rest:
            raise ScriptError("%s: empty command" % where)
        if cur is None or not cur.waiting():
            cur = Group(conn, lineno)
            script.groups.append(cur)
        else:
            if label is None:
                raise ScriptError("%s: Missing reply from previous command "
                                  "group" % where)
            if any(c.label == label for c in cur.commands):
                raise ScriptError("%s: tag%d used twice in one group"
                                  % (where, label))
            if conn != cur.conn:
                raise ScriptError("%s: All pipelined commands must use the "
                                  "same connection" % where)
        cmd = Command(conn, label, rest, lineno)
        cmd.result = result
        cur.commands.append(cmd)

    if conds:
        raise ScriptError("!ifenv/!ifnenv not closed with !endif")
    if cur is not None and cur.waiting():
        raise ScriptError("line %d: command without a result at end of file"
                          % cur.lineno)
    script.connections = max_conn
    return script


def discover(path):
    """The test files of a directory in byte-wise sorted order, or [path]
    for a single file (section 1)."""
    if not os.path.isdir(path):
        return [path]
    out = []
    for name in sorted(os.listdir(os.fsencode(path))):
        if name.startswith(b".") or name.endswith(b".mbox"):
            continue
        full = os.path.join(os.fsencode(path), name)
        if os.path.isdir(full):
            continue
        out.append(os.fsdecode(full))
    return out
