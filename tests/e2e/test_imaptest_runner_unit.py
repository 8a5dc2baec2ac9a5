"""Unit tests of the imaptest runner (tests/imaptest): tokenizer, script
parser, matcher, mbox loader, and the executor against a scripted fake IMAP
server (tests/imaptest/fake_server.py).  Many tests check that a wrong
expectation FAILS, so that the matcher cannot silently accept everything.
No Roost server is needed."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
IMAPTEST = os.path.join(ROOT, "tests", "imaptest")
sys.path.insert(0, IMAPTEST)

from imt.lexer import (Str, Nil, List, LexError, tokenize,  # noqa
                       split_vars, expand, UnsetVariable, split_literals,
                       join_literals, Literal)
from imt.match import (compile_pattern, match_reply, MatchContext,  # noqa
                       ScriptError, is_prefix_reply, NO_SEQ)
from imt.script import parse_script, discover, logical_lines  # noqa
from imt.mbox import load_mbox, parse_from_line, imap_date, MboxError  # noqa
from imt.execute import (Config, run_script, SeqMap, mailbox_url,  # noqa
                         mutf7_decode)
from fake_server import FakeServer  # noqa

SCRIPTS = os.path.join(IMAPTEST, "scripts")
DEFAULT_MBOX = os.path.join(SCRIPTS, "default.mbox")


# ---------------------------------------------------------------------------
# Tokenizer (FORMAT.md 8)

def texts(tokens):
    out = []
    for t in tokens:
        if isinstance(t, List):
            out.append(texts(t.items))
        elif isinstance(t, Nil):
            out.append(None)
        else:
            out.append(t.text)
    return out


def test_tokenize_section_atoms_and_lists():
    toks = tokenize(b"BODY[HEADER.FIELDS (FROM SUBJECT)] BODY[]<0> "
                    b"binary.size[1] [read-only]")
    assert texts(toks) == [b"BODY[HEADER.FIELDS", [b"FROM", b"SUBJECT"],
                           b"]", b"BODY[]<0>", b"binary.size[1]",
                           b"[read-only]"]
    assert texts(tokenize(b"OK [UIDNEXT 5] Predicted")) == \
        [b"OK", b"[UIDNEXT", b"5]", b"Predicted"]
    assert texts(tokenize(b"[PERMANENTFLAGS (\\Seen \\*)]")) == \
        [b"[PERMANENTFLAGS", [b"\\Seen", b"\\*"], b"]"]


def test_tokenize_strings_literals_nil():
    toks = tokenize(b'"\\\\seen" "a b" {5}\r\nhe)lo ~{2}\r\n\x00x NIL nil '
                    b'Nil "NIL"')
    assert isinstance(toks[0], Str) and toks[0].text == b"\\seen"
    assert toks[1].text == b"a b"
    assert toks[2].text == b"he)lo" and toks[2].kind == "literal"
    assert toks[3].text == b"\x00x" and toks[3].kind == "literal8"
    assert all(isinstance(t, Nil) for t in toks[4:7])
    assert isinstance(toks[7], Str) and toks[7].text == b"NIL"


def test_tokenize_paren_rules():
    # ')' ends an atom only inside a list; at top level it stays.
    assert texts(tokenize(b"(a b)c) d")) == [[b"a", b"b"], b"c)", b"d"]
    assert texts(tokenize(b"(1)(2 3)")) == [[b"1"], [b"2", b"3"]]
    assert texts(tokenize(b"foo(bar")) == [b"foo(bar"]
    with pytest.raises(LexError):
        tokenize(b"(a b")
    with pytest.raises(LexError):
        tokenize(b"a ) b")
    with pytest.raises(LexError):
        tokenize(b'"unterminated')
    # Server text is tokenized leniently: what came before the error stays.
    assert texts(tokenize(b"OK [ALERT] oops (not closed", lenient=True)) \
        == [b"OK", b"[ALERT]", b"oops"]


def test_split_vars():
    assert split_vars(b"$mailbox${sep}p&AOQA5A-") == [
        ("var", "mailbox"), ("var", "sep"), ("lit", b"p&AOQA5A-")]
    assert split_vars(b"$$Label1") == [("lit", b"$Label1")]
    assert split_vars(b"$3") == [("seq", 3)]
    assert split_vars(b"${12}x") == [("seq", 12), ("lit", b"x")]
    assert split_vars(b"$") == [("end$",)]
    assert split_vars(b"a$ b") == [("lit", b"a"), ("anon",), ("lit", b" b")]
    assert split_vars(b"$!unordered") == [("lit", b"$!unordered")]


def test_expand_command():
    v = {"mailbox": b"imaptest", "sep": b"."}
    seq = lambda n: str(n).encode() if n <= 3 else b"<out of range>"  # noqa
    assert expand(b"select ${mailbox}${sep}x $$k $2 $9 cost$", v, seq) == \
        b"select imaptest.x $k 2 <out of range> cost$"
    with pytest.raises(UnsetVariable):
        expand(b"fetch $nosuch", v, seq)
    with pytest.raises(UnsetVariable):
        expand(b"fetch $ x", v, seq)


def test_split_literals_roundtrip():
    line = b"append x {5}\r\nhello ~{2}\r\n\x00\xff)"
    pieces = split_literals(line)
    assert pieces[0] == b"append x "
    assert isinstance(pieces[1], Literal) and pieces[1].data == b"hello"
    assert pieces[3].binary and pieces[3].data == b"\x00\xff"
    assert join_literals(pieces) == line


# ---------------------------------------------------------------------------
# Script parser (FORMAT.md 2, 3, 5, 6)

def write(tmp_path, name, text, mbox=True):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    if mbox and not (tmp_path / "default.mbox").exists():
        with open(DEFAULT_MBOX, "rb") as f:
            (tmp_path / "default.mbox").write_bytes(f.read())
    return str(p)


def parse_text(tmp_path, text, name="t", env=None):
    return parse_script(write(tmp_path, name, text), environ=env or {})


def test_blocks_join_into_literals():
    lines = [b"X {{{", b"hello", b"}}}", b"Y {{{", b"a", b"", b"", b"}}})",
             b"Z ~{{{", b"b\r", b"c", b"}}} tail {{{", b"}}}end"]
    out = list(logical_lines(lines, 1))
    assert out[0] == (1, b"X {5}\r\nhello")
    assert out[1] == (4, b"Y {5}\r\na\r\n\r\n)")
    assert out[2] == (9, b"Z ~{4}\r\nb\r\nc tail {0}\r\nend")
    with pytest.raises(ScriptError):
        list(logical_lines([b"X {{{", b"never closed"], 1))


def test_header_rules(tmp_path):
    s = parse_text(tmp_path, "Capabilities: SORT  THREAD=REFERENCES\n"
                   "messages: 3 \nconnections: n\nstate: AUTH\n"
                   "ignore_extra_untagged: Yes\nuser 2: $user2\n\n"
                   "1 ok noop\n")
    assert s.capabilities == ["SORT", "THREAD=REFERENCES"]
    assert s.messages == 3 and s.connections == 2 and s.state == "auth"
    assert s.ignore_extra is False          # only a lower-case 'y' is yes
    assert s.users == {2: "$user2"}
    assert parse_text(tmp_path, "messages: all\n\nok noop\n").messages == \
        "all"
    defaults = parse_text(tmp_path, "\nok noop\n")
    assert (defaults.state, defaults.messages, defaults.connections,
            defaults.ignore_extra) == ("selected", 0, 1, True)
    for bad in ("state: auth \n", "nokey\n", "frobnicate: 1\n",
                "connections: 0\n"):
        with pytest.raises(ScriptError):
            parse_text(tmp_path, bad + "\nok noop\n")


def test_groups_and_results(tmp_path):
    s = parse_text(tmp_path, """state: auth

# comment
tag1 create a
tag2 create b
* ok $x
tag2 ok
tag1 no [alreadyexists]

ok noop
! 1 expunge
? 2 exists
select box
ok [read-write]
""")
    g1, g2, g3 = s.groups
    assert [c.label for c in g1.commands] == [1, 2]
    assert g1.commands[0].result.source == b"no [alreadyexists]"
    assert g1.commands[1].result.source == b"ok"
    assert [p.kind for p in g1.patterns] == ["*"]
    assert [p.kind for p in g2.patterns] == ["!", "?"]
    assert g3.commands[0].text == b"select box"
    assert g3.commands[0].result.source == b"ok [read-write]"
    assert not s.has_logout and not s.expects_bye


def test_parse_errors(tmp_path):
    bad = [
        "\nselect x\nnoop\nok\n",           # unlabeled command while waiting
        "\ntag1 a\ntag1 b\ntag1 ok\n",      # label reused
        "\nselect x\n",                     # no result at end of file
        "\nok noop\n? bye\n",               # '? bye'
        "\ntag1 a\ntag3 ok\ntag1 ok\n",     # result for a label not there
        "\nok noop\n!frob x\n",             # unknown directive
        "\n!sleep 1s\nok noop\n",           # directive before any command
        "\nok noop\n!sleep 5 parsecs\n",    # bad interval
        "\n!ifenv X\nok noop\n",            # unclosed conditional
        "\nok fetch 1 x\n* 1 fetch (a $!unordered=2 b)\n",  # bad directive
        "\nok fetch 1 x\n* 1 fetch ($!unordered=2 a b c)\n",  # odd count
        "\nok fetch 1 x\n* 1 fetch ($!sideways a)\n",
        "\nok fetch 1 x\n* 1 fetch (uid)\n",      # FETCH items are pairs
        "\nok status x (messages)\n* status x (messages)\n",
        "connections: 2\n\nok noop\n",      # no connection number
        "connections: 2\n\n1 tag1 a\n2 tag2 b\ntag1 ok\ntag2 ok\n",
    ]
    for text in bad:
        with pytest.raises(ScriptError):
            parse_text(tmp_path, text)


def test_connections_and_pipelining(tmp_path):
    s = parse_text(tmp_path, "connections: 2\n\n1 ok noop\n"
                   "3 tag1 noop\n3 tag2 check\ntag2 ok\ntag1 ok\n"
                   "2 logout\n\"\"\n* bye\n")
    assert s.connections == 3               # raised by "3 ..."
    assert [g.conn for g in s.groups] == [1, 3, 2]
    assert s.has_logout and s.expects_bye


def test_conditionals_and_directives(tmp_path):
    text = ("\nok noop\n!ifenv A\nok check\n!ifnenv B\nok a\n!else\n"
            "ok b\n!endif\n!else\nok c\n!endif\n!sleep 2 secs\n"
            "!output hello $user\n")
    s = parse_text(tmp_path, text, env={"A": ""})
    cmds = [c.text for g in s.groups for c in g.commands]
    assert cmds == [b"noop", b"check", b"a"]
    assert s.groups[-1].sleep == 2 and \
        s.groups[-1].outputs == [b"hello $user"]
    s = parse_text(tmp_path, text, env={"A": "1", "B": "1"})
    assert [c.text for g in s.groups for c in g.commands] == \
        [b"noop", b"check", b"b"]
    s = parse_text(tmp_path, text, env={})
    assert [c.text for g in s.groups for c in g.commands] == [b"noop", b"c"]


def test_discovery(tmp_path):
    for name in ("b", "a", "a.mbox", ".hidden", "default.mbox"):
        (tmp_path / name).write_text("x")
    (tmp_path / "broken").mkdir()
    assert [os.path.basename(p) for p in discover(str(tmp_path))] == \
        ["a", "b"]


def test_shipped_scripts_parse():
    paths = discover(SCRIPTS)
    assert len(paths) == 57
    for p in paths:
        s = parse_script(p, environ={})
        assert s.groups, p


# ---------------------------------------------------------------------------
# Matcher (FORMAT.md 7.3, 9)

def m(pattern, reply, variables=None, prefix=None, seq=None):
    """Matches pattern against reply (both bytes).  Returns (matched,
    variables)."""
    pat = compile_pattern(pattern)
    toks = tokenize(reply, lenient=True)
    v = dict(variables or {})
    ctx = MatchContext(v, seq)
    if prefix is None:
        prefix = is_prefix_reply(toks)
    return match_reply(pat, toks, ctx, prefix), v


def test_fetch_items_any_order_extras_allowed():
    ok, v = m(b"1 fetch (uid $u)", b"1 FETCH (FLAGS (\\Seen) UID 12)")
    assert ok and v["u"] == b"12"
    assert m(b"1 fetch (uid 12 flags (\\seen))",
             b"1 FETCH (FLAGS (\\Seen) UID 12)")[0]


def test_wrong_fetch_does_not_match():
    assert not m(b"1 fetch (uid 13)", b"1 FETCH (UID 12)")[0]
    assert not m(b"2 fetch (uid 12)", b"1 FETCH (UID 12)")[0]
    assert not m(b"1 fetch (uid 12)", b"1 STORE (UID 12)")[0]
    assert not m(b"1 fetch (rfc822.size 12)", b"1 FETCH (UID 12)")[0]
    assert not m(b"1 fetch (body[text] \"short body\")",
                 b"1 FETCH (BODY[TEXT] {10}\r\nshort bod!)")[0]
    assert not m(b"1 fetch (uid $u)", b"1 FETCH (UID 12)", {"u": b"11"})[0]
    # A FETCH list item that is a list never matches an atom.
    assert not m(b"1 fetch (flags \\seen)", b"1 FETCH (FLAGS (\\Seen))")[0]


def test_flags_are_a_set():
    assert m(b"1 fetch (flags (\\seen))",
             b"1 FETCH (FLAGS (\\Recent \\Seen))")[0]
    assert not m(b"1 fetch (flags (\\seen))",
                 b"1 FETCH (FLAGS (\\Seen \\Flagged))")[0]
    assert m(b"1 fetch (flags ())", b"1 FETCH (FLAGS (\\Recent))")[0]
    assert not m(b"1 fetch (flags ())", b"1 FETCH (FLAGS (\\Seen))")[0]
    assert not m(b"1 fetch (flags (\\seen \\answered))",
                 b"1 FETCH (FLAGS (\\Seen))")[0]
    assert not m(b"1 fetch (flags (\\recent))", b"1 FETCH (FLAGS ())")[0]
    # An explicit directive turns the defaults off: \Recent not ignored.
    assert m(b"1 fetch (flags ($!unordered \\seen))",
             b"1 FETCH (FLAGS (\\Seen \\Flagged))")[0]
    assert not m(b"1 fetch (flags ($!unordered $!noextra \\seen))",
                 b"1 FETCH (FLAGS (\\Recent \\Seen))")[0]


def test_exact_and_prefix_mode():
    assert m(b"search 1 3", b"SEARCH 1 3")[0]
    assert not m(b"search 1 3", b"SEARCH 1 3 5")[0]
    assert not m(b"search 1 3 5", b"SEARCH 1 3")[0]
    assert not m(b"search", b"SEARCH 1")[0]
    assert m(b"search", b"SEARCH")[0]
    assert not m(b"search 3 1", b"SEARCH 1 3")[0]
    assert m(b"ok", b"OK Logged in", prefix=True)[0]
    assert m(b"no [trycreate]", b"NO [TRYCREATE] Mailbox doesn't exist",
             prefix=True)[0]
    assert not m(b"ok", b"NO [TRYCREATE] Mailbox doesn't exist",
                 prefix=True)[0]
    assert not m(b"no [trycreate]", b"NO [ALREADYEXISTS] exists",
                 prefix=True)[0]
    assert m(b'""', b"NO whatever", prefix=True)[0]
    assert m(b"ok [unseen 1]", b"OK [UNSEEN 1] First unseen")[0]
    assert not m(b"ok [unseen 2]", b"OK [UNSEEN 1] First unseen")[0]
    # Prefix mode applies only at the last top-level atom.
    assert m(b"ok [read-", b"OK [READ-ONLY] done", prefix=True)[0]
    assert not m(b"o [read-only]", b"OK [READ-ONLY] done", prefix=True)[0]
    # Untagged replies not starting with OK/NO/BAD/BYE are exact.
    assert not m(b"1 exist", b"1 EXISTS")[0]


def test_captures():
    ok, v = m(b"esearch (tag $t) uid all $uid1:$uid3",
              b'ESEARCH (TAG "a1") UID ALL 4:9', {"uid3": b"9"})
    assert ok and v == {"uid3": b"9", "t": b"a1", "uid1": b"4"}
    ok, v = m(b"x $a$b:y", b"X 12:y")
    assert ok and v == {"a": b"12", "b": b""}
    ok, v = m(b"ok [uidnext $next]", b"OK [UIDNEXT 12] Predicted")
    assert ok and v["next"] == b"12"
    ok, v = m(b"list () $sep $root", b'LIST (\\Noselect) "." ""')
    assert ok and v == {"sep": b".", "root": b""}
    # Set variables compare exactly (case-sensitively).
    assert not m(b"list () $s $mailbox", b'LIST () "." ImapTest',
                 {"mailbox": b"imaptest"})[0]
    assert m(b"list () $s imaptest", b'LIST () "." ImapTest')[0]
    # A failed attempt leaves nothing captured.
    ok, v = m(b"1 fetch (uid $u flags (\\seen))",
              b"1 FETCH (UID 5 FLAGS (\\Deleted))")
    assert not ok and v == {}
    # Named variables never capture a list; the anonymous $ does.
    assert not m(b"1 fetch (envelope $e)", b"1 FETCH (ENVELOPE (a b))")[0]
    assert m(b"1 fetch (envelope $)", b"1 FETCH (ENVELOPE (a b))")[0]
    assert m(b"1 fetch (envelope ($!unordered))",
             b"1 FETCH (ENVELOPE (a b))")[0]


def test_nil_rules():
    assert m(b"urlfetch $u NIL", b"URLFETCH x NIL")[0]
    assert not m(b"urlfetch $u nil", b'URLFETCH x "NIL"')[0]
    assert m(b'urlfetch $u "NIL"', b"URLFETCH x NIL")[0]
    assert m(b'urlfetch $u "NIL"', b'URLFETCH x "NIL"')[0]
    assert not m(b"urlfetch $u NIL", b'URLFETCH x "data"')[0]


def test_list_status_defaults_and_directives():
    assert m(b"list () $d foo", b'LIST (\\HasNoChildren) "." foo')[0]
    assert m(b"list (\\noselect) $d foo",
             b'LIST (\\HasChildren \\Noselect) "." foo')[0]
    assert not m(b"list (\\noselect) $d foo", b'LIST () "." foo')[0]
    assert not m(b"list ($!unordered $!ban=\\nonexistent \\subscribed) "
                 b"$d foo", b'LIST (\\Subscribed \\NonExistent) "." foo')[0]
    assert m(b"list ($!unordered $!ban=\\nonexistent \\subscribed) $d foo",
             b'LIST (\\Subscribed \\HasChildren) "." foo')[0]
    assert m(b"status $mbox (messages 0 uidnext $)",
             b'STATUS "x" (UIDNEXT 7 UNSEEN 0 MESSAGES 0)')[0]
    assert not m(b"status $mbox (messages 1)",
                 b'STATUS "x" (UIDNEXT 7 MESSAGES 0)')[0]
    # A STATUS key never matches a value position (chains stay aligned).
    assert not m(b"status $mbox (7 uidnext)",
                 b'STATUS "x" (UIDNEXT 7 MESSAGES 0)')[0]
    assert not m(b"status x ($!unordered=2 $!noextra messages 0)",
                 b'STATUS x (MESSAGES 0 UIDNEXT 4)')[0]
    assert m(b"status x ($!unordered=2 $!noextra $!ignore=uidnext "
             b"messages 0)", b'STATUS x (MESSAGES 0 UIDNEXT 4)')[0]
    # Other lists are ordered and exact.
    assert m(b"thread (3 2)(1)", b"THREAD (3 2)(1)")[0]
    assert not m(b"thread (2 3)(1)", b"THREAD (3 2)(1)")[0]
    assert not m(b"thread (3 2)", b"THREAD (3 2)(1)")[0]
    assert not m(b"flags (\\seen \\answered)", b"FLAGS (\\Answered \\Seen)")[0]
    assert not m(b"1 fetch (body (\"text\" \"plain\"))",
                 b'1 FETCH (BODY ("text" "plain" NIL))')[0]


def test_relative_sequence_numbers():
    sm = SeqMap(4)
    assert sm.get(3) == b"3" and sm.get(5) is NO_SEQ
    sm.expunge(3)                   # original 3 gone, 4 becomes 3
    assert sm.get(3) is NO_SEQ and sm.get(4) == b"3"
    sm.expunge(1)
    assert sm.get(2) == b"1" and sm.get(4) == b"2"
    sm.expunge(9)                   # beyond what the map knows: ignored
    assert sm.get(4) == b"2"
    assert m(b"$4 expunge", b"2 EXPUNGE", seq=sm.get)[0]
    assert not m(b"$3 expunge", b"2 EXPUNGE", seq=sm.get)[0]


def test_c_strings_quirk():
    pat = compile_pattern(b"1 fetch (binary[1] {3}\r\n\x00ab)")
    toks = tokenize(b"1 FETCH (BINARY[1] {4}\r\n\x00abc)")
    ctx = MatchContext({})
    assert not match_reply(pat, toks, ctx, False)
    ctx.c_strings = True
    assert match_reply(pat, toks, ctx, False)


def test_mailbox_url_and_mutf7():
    assert mutf7_decode(b"p&AOQA5A-") == "p\u00e4\u00e4"
    assert mutf7_decode(b"a&-b") == "a&b"
    assert mailbox_url(b"imaptest") == b"imaptest"
    assert mailbox_url(b"a b;c/&AOQ-") == b"a%20b%3Bc/%C3%A4"


# ---------------------------------------------------------------------------
# mbox (FORMAT.md 4.4)

def test_from_lines():
    assert parse_from_line(b"From user@domain  Fri Feb 22 17:06:23 2008") \
        == (2008, 2, 22, 17, 6, 23, None)
    assert parse_from_line(b"From u Fri Feb 22 01:00:00 2008 +0200")[6] \
        == 7200
    assert parse_from_line(b"From u Fri Feb 22 01:00 EET -0130 2008")[6] \
        == -5400
    assert parse_from_line(b"From u Fri Feb 22 01:00:00 EET 2008")[0] == 2008
    for bad in (b"From here to eternity", b"From u Fri Feb 22 2008",
                b"From u Fri Foo 22 01:00:00 2008", b"Fro u x"):
        assert parse_from_line(bad) is None
    assert imap_date((2008, 2, 2, 1, 0, 0, 7200)) == \
        b"02-Feb-2008 01:00:00 +0200"
    assert imap_date((2008, 2, 2, 1, 0, 0, -5400)) == \
        b"02-Feb-2008 01:00:00 -0130"


def test_load_mbox(tmp_path):
    msgs = load_mbox(DEFAULT_MBOX)
    assert len(msgs) == 6
    assert msgs[0][0].endswith(b"Subject: s1\r\n\r\nbody1\r\n\r\n")
    p = tmp_path / "x.mbox"
    p.write_bytes(b"From a Fri Feb 22 01:00:00 2008 +0200\nA: b\r\n\n"
                  b"From the start\nFrom a Sat Feb 23 01:00:00 2008\nx")
    msgs = load_mbox(str(p))
    assert msgs[0] == (b"A: b\r\n\r\nFrom the start\r\n",
                       b"22-Feb-2008 01:00:00 +0200")
    assert msgs[1][0] == b"x"
    p.write_bytes(b"From a Fri Feb 22 01:00:00 2008\nx\n"
                  b"From a Fri Feb 22 01:00:00 2008\n")
    with pytest.raises(MboxError):
        load_mbox(str(p))
    p.write_bytes(b"no messages here\n")
    with pytest.raises(MboxError):
        load_mbox(str(p))


# ---------------------------------------------------------------------------
# Executor, against the fake server (FORMAT.md 4, 5.4, 10)

def run(tmp_path, text, server, name="t", **kw):
    path = write(tmp_path, name, text)
    cfg = dict(host="127.0.0.1", port=server.port, users=["u1", "u2"],
               password="pw", timeout=kw.pop("timeout", 10), out=lambda s:
               None)
    cfg.update(kw)
    return run_script(parse_script(path, environ={}), Config(**cfg))


def test_setup_sequence(tmp_path):
    with FakeServer(list_names=[b"imaptest", b"imaptest.a", b"IMAPTEST.b"],
                    lsub_names=[b"imaptest.gone"]) as srv:
        res = run(tmp_path, "messages: 2\n\nok noop\n", srv)
        assert res.status == "ok", res.failures
        cmds = srv.commands(1)
    assert cmds[0] == b'LOGIN "u1" "pw"'
    assert cmds[1] == b'LIST "" "imaptest*"'
    # Descending case-insensitive order: children before parents.
    assert cmds[2:5] == [b'DELETE "IMAPTEST.b"', b'DELETE "imaptest.a"',
                         b'DELETE "imaptest"']
    assert cmds[5] == b'LSUB "" "imaptest*"'
    assert cmds[6] == b'UNSUBSCRIBE "imaptest.gone"'
    assert cmds[7] == b'CREATE "imaptest"'
    msg1 = load_mbox(DEFAULT_MBOX)[0][0]
    assert msg1 == (b'From: user1@domain.org\r\n'
                    b'Date: Sat, 24 Mar 2007 23:00:00 +0200\r\n'
                    b'Subject: s1\r\n\r\nbody1\r\n\r\n')
    assert cmds[8].startswith(b'APPEND "imaptest" "22-Feb-2008 17:06:23 ')
    assert cmds[8].endswith(b'" {%d+}\r\n%s' % (len(msg1), msg1))
    assert b"user2@domain.org" in cmds[9]
    assert cmds[10:] == [b'SELECT "imaptest"', b"noop", b"logout"]


def test_states(tmp_path):
    with FakeServer() as srv:
        assert run(tmp_path, "state: auth\n\nok noop\n", srv).passed
        assert srv.commands(1)[-3:] == [b'LSUB "" "imaptest*"', b"noop",
                                        b"logout"]
    with FakeServer() as srv:
        assert run(tmp_path, "state: nonauth\n\nok noop\n", srv).passed
        assert srv.commands(1) == [b"noop", b"logout"]
    with FakeServer() as srv:
        assert run(tmp_path, "state: created\nmessages: 3\n\nok noop\n",
                   srv).passed
        assert not any(c.startswith(b"APPEND") for c in srv.commands(1))


def test_passing_and_failing_fetch(tmp_path):
    rules = [(r"fetch 1 \(uid flags\)",
              [b"* 1 FETCH (UID 7 FLAGS (\\Seen \\Recent))",
               b"{tag} OK Fetch completed."])]
    with FakeServer(rules, select_exists=1) as srv:
        res = run(tmp_path, "\nok fetch 1 (uid flags)\n"
                  "* 1 fetch (flags (\\seen) uid $uid)\n"
                  "ok fetch 1 (uid flags)\n* 1 fetch (uid $uid)\n", srv)
        assert res.passed, res.failures
        # A deliberately wrong expectation fails.
        res = run(tmp_path, "\nok fetch 1 (uid flags)\n"
                  "* 1 fetch (uid 8)\n", srv)
        assert res.status == "FAIL"
        assert "Missing 1 untagged reply" in res.reason
        res = run(tmp_path, "\nok fetch 1 (uid flags)\n"
                  "* 1 fetch (flags (\\seen \\flagged))\n", srv)
        assert res.status == "FAIL"
        # A forbidden reply fails at once.
        res = run(tmp_path, "\nok fetch 1 (uid flags)\n"
                  "! 1 fetch (uid 7)\n", srv)
        assert res.status == "FAIL" and "Unexpected untagged" in res.reason
        # Wrong tagged result.
        res = run(tmp_path, "\nno fetch 1 (uid flags)\n", srv)
        assert res.status == "FAIL" and "Expected tagged reply" in \
            res.reason
        # Unknown command answered BAD: fails unless bad was expected.
        res = run(tmp_path, "\n\"\" frobnicate\nok noop\n", srv)
        assert res.status == "FAIL" and "BAD" in res.reason
        assert run(tmp_path, "\nbad frobnicate\nok noop\n", srv).passed


def test_failures_continue_and_all_are_reported(tmp_path):
    with FakeServer() as srv:
        res = run(tmp_path, "\nno noop\nok noop\n* 1 exists\nok check\n",
                  srv)
    assert res.status == "FAIL" and len(res.failures) == 2
    assert "line 2" in res.failures[0] and "line 3" in res.failures[1]


def test_strict_mode(tmp_path):
    rules = [(r"noop", [b"* 3 EXISTS", b"* 1 RECENT", b"{tag} OK done."])]
    with FakeServer(rules) as srv:
        assert run(tmp_path, "\nok noop\n* 3 exists\n", srv).passed
        res = run(tmp_path, "ignore_extra_untagged: no\n\nok noop\n"
                  "* 3 exists\n", srv)
        assert res.status == "FAIL" and "1 unexpected untagged" in \
            res.reason
        assert run(tmp_path, "ignore_extra_untagged: no\n\nok noop\n"
                   "* 3 exists\n? $ recent\n", srv).passed
        # The automatic LOGOUT's BYE is never extra.
        assert run(tmp_path, "ignore_extra_untagged: no\n\nok check\n",
                   srv).passed


def test_variables_flow_between_groups(tmp_path):
    rules = [(r"status imaptest \(uidnext\)",
              [b'* STATUS "imaptest" (UIDNEXT 17)', b"{tag} OK done."]),
             (r"uid fetch 17:\* uid",
              [b"* 1 FETCH (UID 17)", b"{tag} OK done."]),
             (r"search return \(\) all",
              lambda n, tag, cmd: [b'* ESEARCH (TAG "' + tag + b'") ALL 1',
                                   tag + b" OK done."])]
    with FakeServer(rules) as srv:
        res = run(tmp_path, "\nok status $mailbox (uidnext)\n"
                  "* status $mailbox (uidnext $next)\n"
                  "ok uid fetch $next:* uid\n* 1 fetch (uid $next)\n"
                  "ok search return () all\n* esearch (tag $tag) all 1\n"
                  "!output next=$next\n", srv)
        assert res.passed, res.failures
        assert res.outputs == ["next=17"]
        res = run(tmp_path, "\nok uid fetch $nosuch:* uid\n", srv)
        assert res.status == "FAIL" and "Uninitialized" in res.reason


def test_pipelining_sends_before_reading(tmp_path):
    state = {}

    def create(n, tag, cmd):
        # Answer nothing until both commands are here: a runner that waits
        # for the first reply before sending the second would time out.
        state.setdefault("tags", []).append(tag)
        if len(state["tags"]) < 2:
            return []
        return [t + b" OK done." for t in reversed(state["tags"])]
    with FakeServer([(r"create .*", create)]) as srv:
        res = run(tmp_path, "state: auth\n\ntag1 create a\ntag2 create b\n"
                  "tag1 ok\ntag2 ok\n", srv, timeout=5)
        assert res.passed, res.failures


def test_sync_literals_and_special_append(tmp_path):
    with FakeServer(caps=b"IMAP4rev1") as srv:
        res = run(tmp_path, "state: created\n\nok append\n"
                  "ok append $mailbox (\\seen)\n"
                  "ok append $mailbox {{{\nhi\n}}}\n"
                  "ok select ${mailbox}2\nok append\n", srv)
        assert res.passed, res.failures
        sent = [raw for n, kind, raw in srv.events if kind == "recv"]
        out = [raw for n, kind, raw in srv.events if kind == "send"]
    msgs = load_mbox(DEFAULT_MBOX)
    appends = [c for c in sent if b" append" in c.lower()]
    assert appends[0].split(b" ", 1)[1].startswith(
        b'APPEND "imaptest" "22-Feb-2008 17:06:23 ')
    # Synchronizing literals: "{N}" without "+".
    assert appends[0].endswith(b'" {%d}\r\n%s' % (len(msgs[0][0]),
                                                   msgs[0][0]))
    assert appends[1].split(b" ", 1)[1] == \
        b"append imaptest (\\seen) {%d}\r\n%s" % (len(msgs[1][0]),
                                                   msgs[1][0])
    assert appends[2].split(b" ", 1)[1] == b"append imaptest {2}\r\nhi"
    assert appends[3].split(b" ", 1)[1].startswith(b'APPEND "imaptest2" "')
    assert b"From: user3@" in appends[3]
    assert out.count(b"+ OK\r\n") == 4


def test_capabilities_and_users(tmp_path):
    with FakeServer(caps=b"IMAP4rev1 SORT") as srv:
        res = run(tmp_path, "capabilities: sort THREAD=REFERENCES\n\n"
                  "ok noop\n", srv)
        assert res.status == "skipped" and "THREAD=REFERENCES" in res.reason
        assert run(tmp_path, "capabilities: SORT\n\nok noop\n", srv).passed
        res = run(tmp_path, "user 2: $user2\nconnections: 2\n\n1 ok noop\n",
                  srv, users=["only"])
        assert res.status == "skipped"
    with FakeServer() as srv:
        res = run(tmp_path, "state: auth\nconnections: 2\nuser 2: $user2\n"
                  "\n1 ok noop\n2 ok noop\n", srv)
        assert res.passed, res.failures
        assert srv.commands(2)[0] == b'LOGIN "u2" "pw"'


def test_disconnection_timeout_and_bye(tmp_path):
    with FakeServer([(r"check", "close"), (r"idle", None)]) as srv:
        res = run(tmp_path, "\nok check\nok noop\n", srv)
        assert res.status == "FAIL" and "Unexpected disconnection" in \
            res.reason and len(res.failures) == 1
        res = run(tmp_path, "\nok idle\n", srv, timeout=1)
        assert res.status == "FAIL" and "Timeout" in res.reason
    rules = [(r"shutdown", [b"* BYE going away", None]),
             (r"quit", [b"* BYE bye", b"{tag} OK bye", None])]
    with FakeServer(rules) as srv:
        # BYE, tagged OK, close: the group expected it.
        res = run(tmp_path, "\nok quit\n* bye\n", srv)
        assert res.passed, res.failures
        # Without "* bye" the same close is unexpected.
        res = run(tmp_path, "\nok quit\n", srv)
        assert res.status == "FAIL" and "disconnection" in res.reason
        # BYE then close without a tagged reply: fine when "" is expected.
        res = run(tmp_path, "\n\"\" shutdown\n* bye\n", srv)
        assert res.passed, res.failures
        res = run(tmp_path, "\nok shutdown\n* bye\n", srv)
        assert res.status == "FAIL"
    with FakeServer() as srv:
        res = run(tmp_path, "state: nonauth\nconnections: 2\n\n"
                  "1 ok logout\n* bye\n2 ok noop\n! bye\n2 ok logout\n"
                  "* bye\n", srv)
        assert res.passed, res.failures
        res = run(tmp_path, "state: nonauth\n\nok logout\n! bye\n", srv)
        assert res.status == "FAIL"


def test_relative_expunges(tmp_path):
    # $N follows the EXPUNGEs of the group whatever order they come in.
    rules = [(r"noop", lambda n, tag, cmd: (
        [b"* 3 EXPUNGE", b"* 1 EXPUNGE"] if n == 2 else []) +
        [tag + b" OK done."])]
    with FakeServer(rules, select_exists=4) as srv:
        res = run(tmp_path, "connections: 2\nmessages: 4\n\n1 ok noop\n"
                  "2 ok noop\n* $1 expunge\n* $3 expunge\n! $2 expunge\n",
                  srv)
        assert res.passed, res.failures
        res = run(tmp_path, "connections: 2\nmessages: 4\n\n"
                  "2 ok noop\n* $1 expunge\n* $4 expunge\n", srv)
        assert res.status == "FAIL"
