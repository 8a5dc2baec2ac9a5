"""SEARCH (and SORT/THREAD search keys) with CHARSET against the real
server: non-ASCII SUBJECT/FROM/BODY keys match the RFC 2047- and
transfer-decoded text case-insensitively (German, Greek, Latin-1 keys),
an unknown charset is "NO [BADCHARSET] Unknown charset.", and a key that
is invalid in its charset (bad UTF-8, a truncated Shift_JIS character)
is "BAD ... Invalid search key." for SEARCH, SORT and THREAD alike.
Expected texts are Dovecot 2.3's; the tests pass against it too."""
import imapwire
from imapwire import put_messages

MSGS = [
    b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\n"
    b"From: =?iso-8859-1?q?J=F6rg_M=FCller?= <joerg@example.de>\r\n"
    b"\r\nHallo Welt\r\n",
    b"Subject: GR\xc3\x9c\xc3\x9fE AUS K\xc3\x96LN\r\n"
    b"From: \"\xc3\x89MILE Zola\" <emile@example.fr>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\nBody with Stra\xc3\x9fe and \xc3\x84\xc3\x96\xc3\x9c\r\n",
    b"Subject: =?utf-8?b?zprOsc67zrfOvM6tz4HOsQ==?=\r\n"
    b"From: alpha@example.gr\r\n\r\nplain\r\n",
    b"Subject: plain ascii\r\nFrom: bob@example.com\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\nK=F6ln caf=E9\r\n",
]


def start(make_server):
    server = make_server()
    put_messages(server, MSGS)
    w = imapwire.connect(server)
    untagged, tagged = w.command("SELECT INBOX")
    assert tagged.startswith("OK"), tagged
    return w


def lit(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return b"{%d+}\r\n" % len(data) + data


def search(w, prefix, key, value=None):
    """Runs "prefix key <literal>" and returns (untagged, tagged)."""
    cmd = prefix.encode() + b" " + key.encode() + b" " + lit(value)
    return w.command(cmd)


def nums(untagged, what=b"* SEARCH"):
    lines = [u for u in untagged if u.startswith(what)]
    assert len(lines) == 1, untagged
    return [int(x) for x in lines[0][len(what):].split()]


def test_search_utf8_keys_decoded_and_case_insensitive(make_server):
    w = start(make_server)
    cases = [
        ("SUBJECT", "gr\u00fc\u00dfe", [1, 2]),  # RFC 2047 Q; raw 8-bit
        ("SUBJECT", "GR\u00dcSSE", []),          # ß is not ss
        ("SUBJECT", "k\u00f6ln", [1, 2]),
        ("SUBJECT", "K\u00d6LN", [1, 2]),
        ("SUBJECT", "\u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1",
         [3]),                                    # base64, Greek
        ("SUBJECT", "\u039a\u0391\u039b\u0397\u039c\u0388\u03a1\u0391",
         [3]),
        ("FROM", "j\u00f6rg", [1]),              # ISO-8859-1 word
        ("FROM", "M\u00dcLLER", [1]),
        ("FROM", "\u00e9mile", [2]),             # raw 8-bit UTF-8
        ("BODY", "k\u00f6ln", [4]),              # QP, ISO-8859-1 part
        ("BODY", "CAF\u00c9", [4]),
        ("TEXT", "stra\u00dfe", [2]),
        ("BODY", "\u00e4\u00f6\u00fc", [2]),
    ]
    for key, value, want in cases:
        untagged, tagged = search(w, "SEARCH CHARSET UTF-8", key, value)
        assert tagged == "OK Search completed.", (key, value, tagged)
        assert nums(untagged) == want, (key, value, untagged)
    # a Latin-1 key, and the same with US-ASCII (8-bit UTF-8 accepted)
    untagged, tagged = search(w, "SEARCH CHARSET ISO-8859-1", "SUBJECT",
                              b"k\xf6ln")
    assert nums(untagged) == [1, 2], untagged
    untagged, tagged = search(w, "SEARCH CHARSET US-ASCII", "SUBJECT",
                              "k\u00f6ln")
    assert nums(untagged) == [1, 2], untagged
    untagged, tagged = search(w, "SORT (SUBJECT) UTF-8", "SUBJECT",
                              "k\u00f6ln")
    assert nums(untagged, b"* SORT") == [1, 2], untagged
    w.close()


def test_search_bad_charset_and_invalid_keys(make_server):
    w = start(make_server)
    untagged, tagged = w.command("SEARCH CHARSET FOO SUBJECT x")
    assert (untagged, tagged) == ([], "NO [BADCHARSET] Unknown charset.")
    untagged, tagged = w.command("SORT (SUBJECT) FOO ALL")
    assert (untagged, tagged) == ([], "NO [BADCHARSET] Unknown charset.")
    untagged, tagged = w.command("THREAD REFS FOO ALL")
    assert (untagged, tagged) == ([], "NO [BADCHARSET] Unknown charset.")
    bad = [
        ("SEARCH CHARSET UTF-8", "SUBJECT", b"k\xf6l", "SEARCH"),
        ("SEARCH CHARSET UTF-8", "SUBJECT", b"\xc3(", "SEARCH"),
        ("SEARCH", "SUBJECT", b"\xff", "SEARCH"),
        ("SEARCH CHARSET US-ASCII", "FROM", b"\xff", "SEARCH"),
        ("SEARCH CHARSET UTF-8 OR SUBJECT x", "BODY", b"\xff", "SEARCH"),
        ("SEARCH CHARSET UTF-8", "HEADER", b"\xff", "SEARCH"),
        ("SEARCH CHARSET SHIFT_JIS", "SUBJECT", b"\x81", "SEARCH"),
        ("UID SEARCH CHARSET UTF-8", "TEXT", b"\xff", "UID SEARCH"),
        ("SORT (SUBJECT) UTF-8", "SUBJECT", b"\xff", "SORT"),
        ("THREAD REFS UTF-8", "SUBJECT", b"\xff", "THREAD"),
    ]
    for prefix, key, value, name in bad:
        cmd = prefix.encode() + b" " + key.encode() + b" " + lit(value)
        if key == "HEADER":
            cmd += b" x"
        untagged, tagged = w.command(cmd)
        assert (untagged, tagged) == (
            [], "BAD Error in IMAP command %s: Invalid search key." % name), \
            (cmd, untagged, tagged)
    # KEYWORD is not converted: no error, no match
    untagged, tagged = search(w, "SEARCH CHARSET UTF-8", "KEYWORD",
                              b"\xff")
    assert tagged == "OK Search completed." and nums(untagged) == []
    w.close()
