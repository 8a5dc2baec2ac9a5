"""Runs one parsed imaptest script against a server.

FORMAT.md sections 4 (configuration, built-in variables, setup), 5.4 (how
commands are sent, the special `append`, automatic LOGOUT), 7.4 (relative
sequence numbers) and 10 (groups, matching, tagged results, end-of-group
checks, disconnections).  run_script(script, config) returns a TestResult.
"""
import base64
import socket
import time

from .conn import Connection, Timeout, ProtocolError, caps_from_code
from .lexer import (Atom, Str, List, Literal, UnsetVariable, expand, tokenize,
                    split_literals, join_literals, astring_pieces, text_of,
                    LexError, printable)
from .match import (MatchContext, NO_SEQ, match_reply, is_prefix_reply,
                    compile_pattern)
from .mbox import load_mbox, MessageCursor, MboxError
from .script import Group, Command

OUT_OF_RANGE = b"<out of range>"


class Config:
    """Runner configuration (imaptest's host= port= user= pass= user2=
    box=).  users: the configured test users, users[0] being `user`."""

    def __init__(self, host="127.0.0.1", port=143, users=("imaptest",),
                 password="pass", mailbox="imaptest", timeout=30.0,
                 verbose=0, c_strings=False, sync_literals=False,
                 out=print):
        self.host = host
        self.port = port
        self.users = list(users)
        self.password = password
        self.mailbox = mailbox
        self.timeout = timeout
        self.verbose = verbose
        self.c_strings = c_strings
        self.sync_literals = sync_literals
        self.out = out


class TestResult:
    def __init__(self, name, status, reason="", failures=(), outputs=()):
        self.name = name
        self.status = status            # "ok", "FAIL" or "skipped"
        self.reason = reason
        self.failures = list(failures)
        self.outputs = list(outputs)

    @property
    def passed(self):
        return self.status == "ok"

    def __repr__(self):
        return "TestResult(%s, %s, %r)" % (self.name, self.status,
                                           self.reason)


class EndTest(Exception):
    """The test cannot go on (lost connection, timeout, protocol error)."""


class SkipTest(Exception):
    pass


class InitFailed(Exception):
    pass


def mutf7_decode(name):
    """Decodes a modified UTF-7 mailbox name (RFC 3501 5.1.3) to str."""
    out = []
    i = 0
    s = name.decode("latin-1")
    while i < len(s):
        c = s[i]
        if c != "&":
            out.append(c)
            i += 1
            continue
        end = s.find("-", i)
        if end < 0:
            raise ValueError("unterminated &-sequence in %r" % name)
        chunk = s[i + 1:end]
        i = end + 1
        if not chunk:
            out.append("&")
            continue
        b64 = chunk.replace(",", "/")
        b64 += "=" * (-len(b64) % 4)
        out.append(base64.b64decode(b64).decode("utf-16-be"))
    return "".join(out)


# RFC 3986 pchar (unreserved, sub-delims, ":", "@") and "/", without ";".
URL_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     b"0123456789-._~!$&'()*+,=:@/")


def mailbox_url(name):
    try:
        raw = mutf7_decode(name).encode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raw = name
    return b"".join(bytes([c]) if c in URL_SAFE else b"%%%02X" % c
                    for c in raw)


class SeqMap:
    """Relative sequence numbers of one group (7.4): original number ->
    current number, or None once expunged."""

    def __init__(self, count):
        self.cur = list(range(1, count + 1))

    def get(self, n):
        if 1 <= n <= len(self.cur) and self.cur[n - 1] is not None:
            return str(self.cur[n - 1]).encode()
        return NO_SEQ

    def expunge(self, n):
        for i, v in enumerate(self.cur):
            if v is None:
                continue
            if v == n:
                self.cur[i] = None
            elif v > n:
                self.cur[i] = v - 1


class GroupState:
    def __init__(self, group, conn):
        self.group = group
        self.conn = conn
        self.found = [False] * len(group.patterns)
        self.extra = []
        self.seqmap = SeqMap(conn.msg_count)
        self.pending = {}               # tag -> Command (in send order)


def _first_word(data):
    return data.split(b" ", 1)[0].lower()


def _is_any_result(pattern):
    toks = pattern.tokens
    return len(toks) == 1 and isinstance(toks[0], (Atom, Str)) and \
        toks[0].text == b""


class ScriptRun:
    """The run of one script."""

    def __init__(self, script, config):
        self.script = script
        self.config = config
        self.conns = []
        self.vars = {}
        self.failures = []
        self.outputs = []
        self.cursor = None
        self.group_no = 0

    # -- reporting ------------------------------------------------------------

    def fail(self, reason, group=None, cmd=None):
        where = ""
        if cmd is not None:
            where = "line %d: " % cmd.lineno
        elif group is not None:
            where = "line %d: " % group.lineno
        text = where + reason
        if cmd is not None:
            text += " [command: %s]" % printable(cmd.text, 200)
        self.failures.append(text)

    def trace(self, index, direction, data):
        if self.config.verbose >= 2:
            text = data.decode("utf-8", "backslashreplace")
            if len(text) > 500:
                text = text[:500] + "...(%d bytes)" % len(data)
            arrow = ">>" if direction == "C" else "<<"
            self.config.out("    %d %s %s" % (index, arrow,
                                              text.rstrip("\r\n")))

    # -- the message source -----------------------------------------------

    def load_messages(self):
        """The test's message cursor (the mbox is read on first use)."""
        if self.cursor is None:
            try:
                self.cursor = MessageCursor(load_mbox(
                    self.script.mbox_path))
            except (OSError, MboxError) as e:
                raise InitFailed("cannot read mbox: %s" % e)
        return self.cursor

    def next_message(self):
        return self.load_messages().next()

    # -- users and variables -----------------------------------------------

    def configured_user(self, k):
        if 1 <= k <= len(self.config.users):
            return self.config.users[k - 1]
        raise SkipTest("test user %d is not configured (--user%d)" % (k, k))

    def login_user(self, k):
        value = self.script.users.get(k)
        if value is None:
            return self.config.users[0]
        for prefix, suffix in (("${user", "}"), ("$user", "")):
            if value.startswith(prefix) and value.endswith(suffix):
                num = value[len(prefix):len(value) - len(suffix)]
                if num == "":
                    return self.config.users[0]
                if num.isdigit():
                    return self.configured_user(int(num))
        return value

    def init_vars(self, users):
        v = self.vars
        for k, user in enumerate(users, 1):
            sfx = "" if k == 1 else str(k)
            u = user.encode("utf-8")
            v["user" + sfx] = u
            v["username" + sfx] = u.split(b"@", 1)[0]
            v["domain" + sfx] = u.split(b"@", 1)[1] if b"@" in u else \
                self.config.host.encode()
            v["password" + sfx] = self.config.password.encode("utf-8")
        box = self.config.mailbox.encode("utf-8")
        v["mailbox"] = box
        v["mailbox_url"] = mailbox_url(box)

    # -- setup (4.3) --------------------------------------------------------

    def deadline(self):
        return time.monotonic() + self.config.timeout

    def track(self, conn, resp, seqmap=None):
        """Message count tracking (11): EXISTS sets it, EXPUNGE takes one
        off; BYE is remembered."""
        toks = resp.tokens
        if not toks:
            return
        first = text_of(toks[0])
        if first is not None and first.upper() == b"BYE":
            conn.got_bye = True
        if len(toks) >= 2 and first is not None and first.isdigit():
            name = (text_of(toks[1]) or b"").upper()
            n = int(first)
            if name == b"EXISTS":
                conn.msg_count = n
            elif name == b"EXPUNGE":
                conn.msg_count = max(0, conn.msg_count - 1)
                if seqmap is not None:
                    seqmap.expunge(n)

    def setup_command(self, conn, pieces, what):
        """Sends one setup command and waits for its result.  Returns
        (status, tagged response, untagged responses)."""
        tag = conn.next_tag()
        untagged = []
        deadline = self.deadline()
        done = []

        def read_until(want_plus):
            while True:
                try:
                    resp = conn.read_response(deadline)
                except Timeout:
                    raise InitFailed("timeout waiting for the reply to "
                                     + what)
                except ProtocolError as e:
                    raise InitFailed("%s: %s" % (what, e))
                if resp is None:
                    raise InitFailed("server disconnected during " + what)
                if resp.kind == "continuation":
                    if want_plus:
                        return True
                    raise InitFailed("unexpected continuation during "
                                     + what)
                if resp.kind == "untagged":
                    self.track(conn, resp)
                    untagged.append(resp)
                    continue
                if resp.tag != tag:
                    raise InitFailed("unexpected tagged reply during %s: %s"
                                     % (what, resp.short()))
                done.append(resp)
                return False

        try:
            conn.send_command(tag, pieces, lambda: read_until(True))
        except (Timeout, ProtocolError) as e:
            raise InitFailed("%s: %s" % (what, e))
        if not done:
            read_until(False)
        resp = done[0]
        status = (text_of(resp.tokens[0]) if resp.tokens else b"") or b""
        return status.upper(), resp, untagged

    def setup_ok(self, conn, pieces, what, allow_no=False):
        status, resp, untagged = self.setup_command(conn, pieces, what)
        if status == b"OK" or (status == b"NO" and allow_no):
            return resp, untagged
        raise InitFailed("%s: %s" % (what, resp.short()))

    def connect(self, n):
        for k in range(1, n + 1):
            try:
                conn = Connection(self.config.host, self.config.port, k,
                                  trace=self.trace)
            except OSError as e:
                raise InitFailed("cannot connect: %s" % e)
            conn.sync_literals = self.config.sync_literals
            self.conns.append(conn)
            try:
                greet = conn.read_response(self.deadline())
            except Timeout:
                raise InitFailed("no greeting on connection %d" % k)
            if greet is None or greet.kind != "untagged" or \
                    not greet.tokens:
                raise InitFailed("bad greeting on connection %d: %s"
                                 % (k, greet.short() if greet else "EOF"))
            word = (text_of(greet.tokens[0]) or b"").upper()
            if word not in (b"OK", b"PREAUTH"):
                raise InitFailed("greeting: %s" % greet.short())
            conn.preauth = word == b"PREAUTH"
            conn.caps = caps_from_code(greet.raw) or set()
            conn.mailbox = self.vars["mailbox"]

    def fetch_caps(self, conn, login_resp=None):
        caps = caps_from_code(login_resp.raw) if login_resp else None
        if caps is None:
            _, untagged = self.setup_ok(conn, [b"CAPABILITY"],
                                        "CAPABILITY")
            caps = set()
            for r in untagged:
                if r.tokens and (text_of(r.tokens[0]) or b"").upper() == \
                        b"CAPABILITY":
                    caps |= {(text_of(t) or b"").decode("latin-1").upper()
                             for t in r.tokens[1:]}
        return caps

    def check_caps(self, caps):
        missing = [c for c in self.script.capabilities
                   if c.upper() not in caps]
        if missing:
            raise SkipTest("server lacks capabilit%s %s"
                           % ("y" if len(missing) == 1 else "ies",
                              " ".join(missing)))

    def logout_all(self):
        for conn in self.conns:
            if conn.closed or conn.eof:
                continue
            try:
                conn.send(conn.next_tag() + b" LOGOUT\r\n")
                deadline = time.monotonic() + 5
                while conn.read_response(deadline) is not None:
                    pass
            except (Timeout, ProtocolError, OSError):
                pass

    def setup(self, users):
        script = self.script
        self.connect(script.connections)
        if script.state == "nonauth":
            # imaptest checks nothing here (quirk 12.5); we check the
            # pre-login CAPABILITY list.
            if script.capabilities:
                conn = self.conns[0]
                self.check_caps(conn.caps or self.fetch_caps(conn))
            return
        for k, conn in enumerate(self.conns, 1):
            if conn.preauth:
                continue
            pieces = [b"LOGIN "] + astring_pieces(users[k - 1].encode(
                "utf-8")) + [b" "] + astring_pieces(
                self.config.password.encode("utf-8"))
            resp, _ = self.setup_ok(conn, pieces, "LOGIN")
            conn.caps = caps_from_code(resp.raw) or set()
            conn.login_resp = resp
        c1 = self.conns[0]
        c1.caps = self.fetch_caps(c1, getattr(c1, "login_resp", None))
        for conn in self.conns[1:]:
            if not conn.caps:
                conn.caps = set(c1.caps)
        self.check_caps(c1.caps)

        box = self.vars["mailbox"]
        pattern = astring_pieces(box + b"*")
        for cmd, what in ((b"LIST", b"DELETE"), (b"LSUB", b"UNSUBSCRIBE")):
            _, untagged = self.setup_ok(c1, [cmd + b' "" '] + pattern,
                                        cmd.decode())
            names = []
            for r in untagged:
                t = r.tokens
                if len(t) >= 4 and (text_of(t[0]) or b"").upper() == cmd:
                    name = text_of(t[3])
                    if name is not None and name not in names:
                        names.append(name)
            names.sort(key=lambda x: x.lower(), reverse=True)
            for name in names:
                self.setup_ok(c1, [what + b" "] + astring_pieces(name),
                              what.decode(), allow_no=True)
        if script.state == "auth":
            return
        if box.upper() != b"INBOX":
            self.setup_ok(c1, [b"CREATE "] + astring_pieces(box), "CREATE")
        if script.state == "created":
            return
        count = script.messages
        if count == "all":
            count = len(self.load_messages())
        for _ in range(count):
            msg, date = self.next_message()
            self.setup_ok(c1, [b"APPEND "] + astring_pieces(box) +
                          [b' "' + date + b'" ', Literal(msg)], "APPEND")
        if script.state == "appended":
            return
        for conn in self.conns:
            self.setup_ok(conn, [b"SELECT "] + astring_pieces(box),
                          "SELECT")
            conn.mailbox = box

    # -- commands (5.4) -----------------------------------------------------

    def seq_for_command(self, conn):
        def value(n):
            if 1 <= n <= conn.msg_count:
                return str(n).encode()
            return OUT_OF_RANGE
        return value

    def prepare(self, cmd, conn):
        """The pieces to send for a command: variables expanded (each
        literal's size is counted after expansion), and the special
        `append` turned into an APPEND of the next mbox message."""
        seq = self.seq_for_command(conn)
        pieces = []
        for p in split_literals(cmd.text):
            if isinstance(p, Literal):
                pieces.append(Literal(expand(p.data, self.vars, seq),
                                      p.binary))
            else:
                pieces.append(expand(p, self.vars, seq))
        first = pieces[0] if pieces and not isinstance(pieces[0],
                                                       Literal) else b""
        word = _first_word(first)
        if word == b"append":
            if len(pieces) == 1 and first.strip(b" ").lower() == b"append":
                msg, date = self.next_message()
                return [b"APPEND "] + astring_pieces(conn.mailbox) + \
                    [b' "' + date + b'" ', Literal(msg)]
            args = join_literals(pieces)[len(b"append "):]
            if not self.has_message_body(args):
                msg, _ = self.next_message()
                if isinstance(pieces[-1], Literal):
                    pieces.append(b" ")
                else:
                    pieces[-1] = pieces[-1].rstrip(b" ") + b" "
                pieces.append(Literal(msg))
        elif word in (b"select", b"examine"):
            toks = tokenize(join_literals(pieces)[len(word) + 1:],
                            lenient=True)
            if toks and text_of(toks[0]) is not None:
                conn.mailbox = text_of(toks[0])
        return pieces

    @staticmethod
    def has_message_body(args):
        """True when APPEND arguments (after the mailbox name, an optional
        flag list and an optional quoted date) go on with a literal or the
        atom CATENATE."""
        try:
            toks = tokenize(args)
        except LexError:
            return True                 # send it as written
        i = 1
        if i < len(toks) and isinstance(toks[i], List):
            i += 1
        if i < len(toks) and isinstance(toks[i], Str) and \
                toks[i].kind == "quoted":
            i += 1
        if i >= len(toks):
            return False
        t = toks[i]
        if isinstance(t, Str) and t.kind != "quoted":
            return True
        return isinstance(t, Atom) and t.text.lower() == b"catenate"

    # -- groups (10) --------------------------------------------------------

    def match_context(self, st, tag):
        ctx = MatchContext(self.vars, st.seqmap.get)
        ctx.c_strings = self.config.c_strings
        if tag is not None:
            self.vars["tag"] = tag
        return ctx

    def end_match(self):
        self.vars.pop("tag", None)

    def handle_untagged(self, st, resp):
        g = st.group
        tag = next(iter(st.pending), None)
        ctx = self.match_context(st, tag)
        prefix = is_prefix_reply(resp.tokens)
        matched = False
        try:
            for i, p in enumerate(g.patterns):
                if p.kind != "!" and st.found[i]:
                    continue
                mark = ctx.mark()
                if match_reply(p.pattern, resp.tokens, ctx, prefix):
                    if p.kind == "!":
                        ctx.undo(mark)
                        self.fail("Unexpected untagged match: '! %s' "
                                  "matched '%s'" % (
                                      printable(p.pattern.source),
                                      resp.short()), group=g)
                    else:
                        st.found[i] = True
                        matched = True
        finally:
            self.end_match()
        if not matched:
            st.extra.append(resp)
        self.track(st.conn, resp, st.seqmap)

    def handle_tagged(self, st, resp):
        cmd = st.pending.pop(resp.tag, None)
        if cmd is None:
            self.fail("unexpected tagged reply: %s" % resp.short(),
                      group=st.group)
            return None
        status = (text_of(resp.tokens[0]) if resp.tokens else b"") or b""
        expected = cmd.result
        exp_first = (text_of(expected.tokens[0]) if expected.tokens
                     else b"") or b""
        if status.upper() == b"BAD" and exp_first.lower() != b"bad":
            self.fail("Expected tagged reply '%s', got '%s' (BAD: the "
                      "connection is dropped)" % (
                          printable(expected.source),
                          resp.short()), cmd=cmd)
            raise EndTest()
        ctx = self.match_context(st, resp.tag)
        try:
            if not match_reply(expected, resp.tokens, ctx, prefix=True):
                self.fail("Expected tagged reply '%s', got '%s'" % (
                    printable(expected.source),
                    resp.short()), cmd=cmd)
        finally:
            self.end_match()
        if cmd.text.lower() == b"logout" and status.upper() == b"OK":
            st.conn.logout_sent = True
        return cmd

    def read_one(self, st, deadline, waiting_for=None):
        """Reads and handles one response of the group.  Returns the
        response, or None at end of input."""
        conn = st.conn
        try:
            resp = conn.read_response(deadline)
        except Timeout:
            what = waiting_for or ", ".join(
                printable(c.text, 80) for c in st.pending.values())
            self.fail("Timeout waiting for the reply to: %s" % what,
                      group=st.group)
            raise EndTest()
        except ProtocolError as e:
            self.fail("protocol error: %s" % e, group=st.group)
            raise EndTest()
        if resp is None:
            return None
        if resp.kind == "untagged":
            self.handle_untagged(st, resp)
        elif resp.kind == "tagged":
            self.handle_tagged(st, resp)
        return resp

    def disconnected(self, st):
        """End of input during a group (10.6).  Returns normally when the
        group expected it; raises EndTest otherwise."""
        g, conn = st.group, st.conn
        conn.close()
        if g.expects_bye and conn.got_bye:
            for cmd in st.pending.values():
                if not _is_any_result(cmd.result):
                    self.fail("connection closed after BYE before the "
                              "tagged reply (expected '%s')"
                              % printable(cmd.result.source), cmd=cmd)
            st.pending.clear()
            conn.may_close = True
            return
        if conn.logout_sent and not st.pending:
            return
        self.fail("Unexpected disconnection (connection %d)" % conn.index,
                  group=g)
        raise EndTest()

    def run_group(self, g):
        self.group_no += 1
        conn = self.conns[g.conn - 1]
        if conn.closed:
            self.fail("connection %d is already closed" % g.conn, group=g)
            raise EndTest()
        st = GroupState(g, conn)
        deadline = self.deadline()
        # Expand every command first: an unset variable fails the group
        # before anything is sent.
        prepared = []
        try:
            for cmd in g.commands:
                prepared.append((cmd, self.prepare(cmd, conn)))
        except UnsetVariable as e:
            self.fail(str(e), cmd=cmd)
            return
        except InitFailed as e:
            self.fail(str(e), cmd=cmd)
            return
        for cmd, pieces in prepared:
            tag = conn.next_tag()
            st.pending[tag] = cmd
            if cmd.text.lower() == b"logout":
                conn.logout_sent = True

            def wait_plus(tag=tag):
                while True:
                    resp = self.read_one(st, deadline, "continuation")
                    if resp is None:
                        self.disconnected(st)
                        return False
                    if resp.kind == "continuation":
                        return True
                    if tag not in st.pending:
                        return False
            try:
                conn.send_command(tag, pieces, wait_plus)
            except (ProtocolError, Timeout) as e:
                self.fail("cannot send: %s" % e, cmd=cmd)
                raise EndTest()
            if conn.closed:
                break
        while st.pending and not conn.closed:
            resp = self.read_one(st, deadline)
            if resp is None:
                self.disconnected(st)
                break
            if resp.kind == "continuation":
                self.fail("unexpected continuation: %s" % resp.short(),
                          group=g)
        if g.expects_bye and conn.got_bye:
            conn.may_close = True       # the group was logging out
        self.end_of_group(st)

    def end_of_group(self, st):
        g = st.group
        missing = [p for i, p in enumerate(g.patterns)
                   if p.kind == "*" and not st.found[i]]
        if missing:
            self.fail("Missing %d untagged repl%s: %s" % (
                len(missing), "y" if len(missing) == 1 else "ies",
                "; ".join("'* %s' (line %d)" % (
                    printable(p.pattern.source),
                    p.lineno) for p in missing)), group=g)
        if not self.script.ignore_extra and not g.auto_logout:
            extra = st.extra
            if not g.patterns and any(c.text.lower() == b"logout"
                                      for c in g.commands):
                extra = [r for r in extra if not r.tokens or (text_of(
                    r.tokens[0]) or b"").upper() != b"BYE"]
            if extra:
                self.fail("%d unexpected untagged repl%s: %s" % (
                    len(extra), "y" if len(extra) == 1 else "ies",
                    "; ".join(r.short(120) for r in extra[:5])), group=g)
        for text in g.outputs:
            try:
                line = expand(text, self.vars, self.seq_for_command(
                    st.conn))
            except UnsetVariable as e:
                self.fail(str(e) + " in !output", group=g)
                continue
            line = line.decode("utf-8", "backslashreplace")
            self.outputs.append(line)
            self.config.out(line)
        if g.sleep:
            time.sleep(g.sleep)

    def check_idle_connections(self):
        """A server that closes a connection while the test runs fails
        the test (10.6); data that arrived stays for the next group."""
        for conn in self.conns:
            if conn.closed:
                continue
            try:
                gone = conn.poll()
            except ProtocolError as e:
                self.fail("protocol error on connection %d: %s"
                          % (conn.index, e))
                raise EndTest()
            if gone:
                conn.close()
                if not (conn.logout_sent or conn.may_close):
                    self.fail("Unexpected disconnection (connection %d)"
                              % conn.index)
                    raise EndTest()

    def groups(self):
        groups = list(self.script.groups)
        if not self.script.has_logout and not self.script.expects_bye:
            g = Group(1, 0)
            cmd = Command(1, None, b"logout", 0)
            cmd.result = compile_pattern(b"ok")
            g.commands.append(cmd)
            g.auto_logout = True
            groups.append(g)
        return groups

    # -- the whole test ---------------------------------------------------

    def run(self):
        name = self.script.name
        try:
            users = [self.login_user(k)
                     for k in range(1, self.script.connections + 1)]
            self.init_vars(users)
            self.setup(users)
        except SkipTest as e:
            self.logout_all()
            self.close_all()
            return TestResult(name, "skipped", str(e))
        except InitFailed as e:
            self.close_all()
            return TestResult(name, "FAIL", "initialization failed: %s" % e,
                              ["initialization failed: %s" % e])
        try:
            for g in self.groups():
                self.run_group(g)
                self.check_idle_connections()
        except EndTest:
            pass
        except socket.error as e:
            self.fail("socket error: %s" % e)
        finally:
            self.close_all()
        if self.failures:
            return TestResult(name, "FAIL", self.failures[0], self.failures,
                              self.outputs)
        return TestResult(name, "ok", "", (), self.outputs)

    def close_all(self):
        for conn in self.conns:
            conn.close()


def run_script(script, config):
    """Runs one parsed script; returns a TestResult."""
    return ScriptRun(script, config).run()

