"""Mailbox-level IMAP commands against the real server: SELECT/EXAMINE and
their untagged data, CLOSE, UNSELECT, CHECK, EXPUNGE, UID EXPUNGE, ENABLE,
NAMESPACE, LIST/LSUB (LIST-EXTENDED, LIST-STATUS, CHILDREN, SPECIAL-USE),
STATUS, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, modified UTF-7
names, auto mailboxes, and every error case with Dovecot 2.3's texts
(bad input changes nothing on disk).

Messages are put in place the way an MDA or another Maildir client would
(imap_mbox_util.deliver), so these tests do not depend on APPEND/STORE.
Run with ROOST_E2E_SERVER=dovecot to check them against Dovecot 2.3."""
import os
import re

import pytest

from imap_mbox_util import (cmd, cur_files, deliver, maildir_path,
                            make_maildir, ok, session, set_file_flags, text,
                            tree_snapshot)

NS_CONFIG = r"""
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = create
  }
  mailbox Sent {
    special_use = \Sent
  }
}
"""


@pytest.fixture
def srv(make_server):
    return make_server(extra_config=NS_CONFIG)


def list_lines(untagged, kind="LIST"):
    """{name: (attributes, rest)} of "* LIST (attrs) "/" name [ext]"."""
    out = {}
    for line in untagged:
        m = re.match(r'\* %s \(([^)]*)\) (NIL|"[^"]*") ("(?:[^"\\]|\\.)*"'
                     r'|\S+)(.*)$' % kind, line)
        if m:
            name = m.group(3)
            if name.startswith('"'):
                name = re.sub(r'\\(.)', r'\1', name[1:-1])
            out[name] = (set(m.group(1).split()), m.group(4).strip())
    return out


def names_in_order(untagged, kind="LIST"):
    return [n for n in list_lines(untagged, kind)]


def select_inbox_with(server, c, messages):
    """Delivers messages = [flags or None, ...] into a new INBOX and
    returns SELECT's untagged lines and tagged text."""
    make_maildir(server, "alice")
    for flags in messages:
        deliver(server, "alice", flags=flags)
    return cmd(c, "SELECT INBOX")


# ---------------------------------------------------------------------------
# SELECT / EXAMINE

def test_select_untagged_data(srv):
    c = session(srv)
    untagged, tagged = select_inbox_with(srv, c, ["S", None, None])
    assert tagged == "OK [READ-WRITE] Select completed."
    assert untagged[0] == ("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen "
                           "\\Draft)")
    assert untagged[1] == ("* OK [PERMANENTFLAGS (\\Answered \\Flagged "
                           "\\Deleted \\Seen \\Draft \\*)] Flags permitted.")
    assert untagged[2] == "* 3 EXISTS"
    assert untagged[3] == "* 3 RECENT"
    assert untagged[4] == "* OK [UNSEEN 2] First unseen."
    assert re.fullmatch(r"\* OK \[UIDVALIDITY \d+\] UIDs valid",
                        untagged[5]), untagged
    assert untagged[6] == "* OK [UIDNEXT 4] Predicted next UID"
    # RFC 7162 §3.1.2.1: HIGHESTMODSEQ when modseqs are kept (Dovecot
    # only once CONDSTORE was used on the mailbox, Roost always).
    assert len(untagged) in (7, 8), untagged
    assert all(re.fullmatch(r"\* OK \[HIGHESTMODSEQ \d+\] Highest", x)
               for x in untagged[7:])


def test_examine_readonly_and_closed(srv):
    c = session(srv)
    select_inbox_with(srv, c, [None])
    untagged, tagged = cmd(c, "EXAMINE INBOX")
    assert untagged[0] == "* OK [CLOSED] Previous mailbox closed."
    assert "* OK [PERMANENTFLAGS ()] Read-only mailbox." in untagged
    assert "* 1 EXISTS" in untagged
    assert tagged == "OK [READ-ONLY] Examine completed."
    # SELECT of the same mailbox again: [CLOSED] once more.
    untagged, tagged = cmd(c, "SELECT inbox")
    assert untagged[0] == "* OK [CLOSED] Previous mailbox closed."
    assert tagged == "OK [READ-WRITE] Select completed."


def condstore_is_enabled(srv, c, mailbox_file, flags="F"):
    """A flag change by another program comes with MODSEQ only when
    CONDSTORE is enabled."""
    set_file_flags(mailbox_file, flags)
    untagged = ok(c, "NOOP")
    assert len(untagged) == 1 and " FETCH " in untagged[0], untagged
    return "MODSEQ" in untagged[0]


def test_select_condstore_and_enabled(srv):
    c = session(srv)
    untagged, tagged = select_inbox_with(srv, c, [""])
    assert not condstore_is_enabled(srv, c, cur_files(srv, "alice")[0])
    untagged, tagged = cmd(c, "SELECT INBOX (CONDSTORE)")
    assert tagged == "OK [READ-WRITE] Select completed."
    assert re.fullmatch(r"\* OK \[HIGHESTMODSEQ \d+\] Highest",
                        untagged[-1]), untagged
    # CONDSTORE stays enabled.
    ok(c, "EXAMINE INBOX")
    assert condstore_is_enabled(srv, c, cur_files(srv, "alice")[0], "S")


def test_select_errors(srv):
    c = session(srv)
    assert cmd(c, "SELECT nosuch") == (
        [], "NO Mailbox doesn't exist: nosuch.")
    assert cmd(c, "SELECT") == (
        [], "BAD Error in IMAP command SELECT: Invalid arguments.")
    assert cmd(c, 'SELECT "&Jjo"') == (
        [], "NO Mailbox name is not valid mUTF-7.")
    # A failed SELECT leaves no mailbox selected, after [CLOSED].
    ok(c, "SELECT INBOX")
    untagged, tagged = cmd(c, "SELECT nosuch")
    assert untagged == ["* OK [CLOSED] Previous mailbox closed."]
    assert tagged == "NO Mailbox doesn't exist: nosuch."
    assert cmd(c, "CHECK") == ([], "BAD No mailbox selected.")
    # Bad parameters close the old mailbox too (Dovecot does).
    ok(c, "SELECT INBOX")
    untagged, tagged = cmd(c, "SELECT INBOX (FOO)")
    assert untagged == ["* OK [CLOSED] Previous mailbox closed."]
    assert tagged == ("BAD Error in IMAP command SELECT: Unknown FETCH "
                      "modifier.")
    assert cmd(c, "SELECT INBOX (QRESYNC (1 1))")[1] == (
        "BAD Error in IMAP command SELECT: QRESYNC not enabled.")
    ok(c, "ENABLE QRESYNC")
    assert cmd(c, "SELECT INBOX (QRESYNC (x 1))")[1] == (
        "BAD Error in IMAP command SELECT: Invalid QRESYNC parameters.")
    assert cmd(c, "SELECT INBOX (QRESYNC (1 1 1:10 (1:4)))")[1] == (
        "BAD Error in IMAP command SELECT: Invalid QRESYNC known-uid-set.")
    assert cmd(c, "SELECT INBOX (QRESYNC (1 1 1:10 (1:4 1:3)))")[1] == (
        "BAD Error in IMAP command SELECT: Invalid QRESYNC sets.")
    # Commands of the selected state are refused.
    for line in ("CLOSE", "UNSELECT", "EXPUNGE", "UID EXPUNGE 1"):
        assert cmd(c, line) == ([], "BAD No mailbox selected."), line


def test_select_with_imaplib(srv):
    """A real client library's view."""
    c = srv.imap()
    c.login("alice", srv.password("alice"))
    typ, data = c.select("INBOX")
    assert typ == "OK" and data == [b"0"]
    assert c.untagged_responses.get("UIDNEXT") == [b"1"]
    typ, data = c.select("INBOX", readonly=True)
    assert typ == "OK"
    typ, data = c.close()
    assert typ == "OK"
    c.logout()


# ---------------------------------------------------------------------------
# CLOSE, UNSELECT, EXPUNGE, UID EXPUNGE, CHECK

def test_close_expunges_silently(srv):
    c = session(srv)
    select_inbox_with(srv, c, ["T", None, "ST"])
    untagged, tagged = cmd(c, "CLOSE")
    assert untagged == [] and tagged == "OK Close completed."
    assert len(cur_files(srv, "alice")) + len(os.listdir(os.path.join(
        maildir_path(srv, "alice"), "new"))) == 1
    untagged = ok(c, "STATUS INBOX (MESSAGES)")
    assert untagged == ["* STATUS INBOX (MESSAGES 1)"]
    assert cmd(c, "CLOSE") == ([], "BAD No mailbox selected.")


def test_unselect_and_examine_close_keep_messages(srv):
    c = session(srv)
    select_inbox_with(srv, c, ["T", "T"])
    assert cmd(c, "UNSELECT") == ([], "OK Unselect completed.")
    ok(c, "EXAMINE INBOX")
    assert cmd(c, "CLOSE") == ([], "OK Close completed.")
    assert ok(c, "STATUS INBOX (MESSAGES)") == [
        "* STATUS INBOX (MESSAGES 2)"]


def test_expunge_reports_descending(srv):
    c = session(srv)
    select_inbox_with(srv, c, [None, "T", None, "T", "DT"])
    untagged, tagged = cmd(c, "EXPUNGE")
    assert tagged == "OK Expunge completed."
    # The three were \Recent in this session: RECENT follows.
    assert untagged == ["* 5 EXPUNGE", "* 4 EXPUNGE", "* 2 EXPUNGE",
                        "* 2 RECENT"]
    assert len(cur_files(srv, "alice")) + len(os.listdir(os.path.join(
        maildir_path(srv, "alice"), "new"))) == 2
    assert cmd(c, "EXPUNGE") == ([], "OK Expunge completed.")
    assert cmd(c, "CHECK") == ([], "OK Check completed.")


def test_uid_expunge(srv):
    c = session(srv)
    select_inbox_with(srv, c, ["T", "T", "T", None])
    untagged, tagged = cmd(c, "UID EXPUNGE 2:3")
    assert tagged == "OK Expunge completed."
    assert untagged == ["* 3 EXPUNGE", "* 2 EXPUNGE", "* 2 RECENT"]
    assert cmd(c, "UID EXPUNGE") == (
        [], "BAD Error in IMAP command UID EXPUNGE: Missing arguments.")
    assert cmd(c, "UID EXPUNGE x") == (
        [], "BAD Error in IMAP command UID EXPUNGE: Invalid uidset.")
    # UIDs that don't exist are no error; "4:*" covers UID 4 only.
    assert cmd(c, "UID EXPUNGE 4:*") == ([], "OK Expunge completed.")
    assert cmd(c, "UID EXPUNGE 1") == (["* 1 EXPUNGE", "* 1 RECENT"],
                                       "OK Expunge completed.")


def test_expunge_readonly_does_nothing(srv):
    c = session(srv)
    select_inbox_with(srv, c, ["T"])
    ok(c, "EXAMINE INBOX")
    assert cmd(c, "EXPUNGE") == ([], "OK Expunge completed.")
    assert cmd(c, "UID EXPUNGE 1:*") == ([], "OK Expunge completed.")
    assert len(cur_files(srv, "alice")) == 1


def test_expunge_counted_in_logout_line(srv):
    c = session(srv)
    select_inbox_with(srv, c, ["T", "T", None])
    ok(c, "EXPUNGE")
    mark = srv.log_mark()
    cmd(c, "LOGOUT")
    srv.wait_log(r"Disconnected: Logged out .*deleted=0 expunged=2 "
                 r"trashed=0", mark)


# ---------------------------------------------------------------------------
# ENABLE, NAMESPACE

def test_enable(srv):
    c = session(srv)
    assert cmd(c, "ENABLE") == ([], "OK Enabled.")
    assert cmd(c, "ENABLE CONDSTORE") == (["* ENABLED CONDSTORE"],
                                          "OK Enabled.")
    # Dovecot lists a known extension again; unknown ones are left out.
    assert cmd(c, "ENABLE condstore QRESYNC UTF8=ACCEPT X-FOO") == (
        ["* ENABLED CONDSTORE QRESYNC"], "OK Enabled.")
    assert cmd(c, "ENABLE foo") == ([], "OK Enabled.")
    assert cmd(c, 'ENABLE "CONDSTORE"') == (
        [], "BAD Error in IMAP command ENABLE: Invalid arguments.")


def test_enable_condstore_while_selected(srv):
    c = session(srv)
    ok(c, "SELECT INBOX")
    untagged, tagged = cmd(c, "ENABLE QRESYNC")
    assert re.fullmatch(r"\* OK \[HIGHESTMODSEQ \d+\] Highest",
                        untagged[0]), untagged
    assert untagged[1] == "* ENABLED QRESYNC"


def test_namespace_default(make_server):
    srv = make_server()
    c = session(srv)
    untagged, tagged = cmd(c, "NAMESPACE")
    assert tagged == "OK Namespace completed."
    # No namespace configured: Maildir++'s own separator.
    assert untagged == ['* NAMESPACE (("" ".")) NIL NIL']


def test_namespace_types_and_hidden(make_server):
    srv = make_server(extra_config=r"""
namespace inbox {
  inbox = yes
  separator = /
}
namespace pub {
  type = public
  separator = /
  prefix = Public/
  location = maildir:%s/public
}
namespace hidden {
  separator = /
  prefix = Hidden/
  hidden = yes
  list = no
  location = maildir:%s/hidden/%%u
}
""" % ("{mail}", "{mail}"), start=False)
    srv.extra_config = srv.extra_config.replace("{mail}", srv.mail_dir)
    srv.write_config()
    srv.start()
    c = session(srv)
    untagged, tagged = cmd(c, "NAMESPACE")
    assert untagged == ['* NAMESPACE (("" "/")) NIL (("Public/" "/"))']
    untagged, tagged = cmd(c, 'LIST "" %')
    names = list_lines(untagged)
    assert "Public" in names and "\\Noselect" in names["Public"][0]
    assert "Hidden" not in names


# ---------------------------------------------------------------------------
# LIST / LSUB

def make_tree(c):
    for name in ("a/b/c", "x", "INBOX/sub"):
        ok(c, "CREATE " + name)


def test_list_basic(srv):
    c = session(srv)
    make_tree(c)
    untagged, tagged = cmd(c, 'LIST "" *')
    assert tagged == "OK List completed."
    names = list_lines(untagged)
    assert names["INBOX"][0] == {"\\HasChildren"}
    assert names["INBOX/sub"][0] == {"\\HasNoChildren"}
    assert names["a"][0] == {"\\Noselect", "\\HasChildren"}
    assert names["a/b"][0] == {"\\Noselect", "\\HasChildren"}
    assert names["a/b/c"][0] == {"\\HasNoChildren"}
    assert names["Trash"][0] == {"\\HasNoChildren", "\\Trash"}
    assert names["Drafts"][0] == {"\\HasNoChildren", "\\Drafts"}
    assert "Sent" not in names      # not auto: not created
    assert set(names) == {"INBOX", "INBOX/sub", "a", "a/b", "a/b/c", "x",
                          "Trash", "Drafts"}
    for line in untagged:
        assert ' "/" ' in line, line
    # % stops at the separator; the reference is prepended.
    assert set(list_lines(ok(c, 'LIST "" %'))) == {
        "INBOX", "a", "x", "Trash", "Drafts"}
    assert set(list_lines(ok(c, 'LIST "a/" %'))) == {"a/b"}
    assert set(list_lines(ok(c, 'LIST "a/" *'))) == {"a/b", "a/b/c"}
    assert set(list_lines(ok(c, 'LIST "" "inbox/%"'))) == {"INBOX/sub"}
    assert set(list_lines(ok(c, 'LIST "" "i*"'))) == {"INBOX",
                                                      "INBOX/sub"}
    assert list_lines(ok(c, 'LIST "" nosuch')) == {}


def test_list_root_and_errors(srv):
    c = session(srv)
    assert cmd(c, 'LIST "" ""') == (['* LIST (\\Noselect) "/" ""'],
                                    "OK List completed.")
    bad = "BAD Error in IMAP command LIST: "
    assert cmd(c, "LIST") == ([], bad + "Invalid reference.")
    assert cmd(c, 'LIST ""') == ([], bad + "Invalid pattern.")
    assert cmd(c, 'LIST "" * extra') == ([], bad + "Extra arguments.")
    assert cmd(c, 'LIST "" * RETURN') == ([], bad + "Extra arguments.")
    assert cmd(c, 'LIST (FOO) "" *') == ([], bad + "Unknown select options.")
    assert cmd(c, 'LIST (RECURSIVEMATCH) "" *') == (
        [], bad + "RECURSIVEMATCH must not be the only selection.")
    assert cmd(c, 'LIST "" * RETURN (FOO)') == (
        [], bad + "Unknown return options.")
    assert cmd(c, 'LIST "" * RETURN (STATUS)') == (
        [], bad + "Unknown return options.")
    assert cmd(c, 'LIST "" * RETURN (STATUS (FOO))') == (
        [], bad + "Invalid status item FOO.")
    assert cmd(c, 'LIST (SUBSCRIBED "x") "" *') == (
        [], bad + "List options contains non-atoms.")
    assert cmd(c, 'LIST "" (a (b))') == ([], bad + "Invalid pattern list.")


def test_list_extended(srv):
    c = session(srv)
    make_tree(c)
    ok(c, "SUBSCRIBE a/b/c")
    ok(c, "SUBSCRIBE x")
    # Extended syntax: only the asked-for attributes, \NonExistent.
    names = list_lines(ok(c, 'LIST "" a* RETURN ()'))
    assert names == {"a": ({"\\NonExistent"}, ""),
                     "a/b": ({"\\NonExistent"}, ""),
                     "a/b/c": (set(), "")}
    names = list_lines(ok(c, 'LIST "" a* RETURN (CHILDREN)'))
    assert names["a"][0] == {"\\NonExistent", "\\HasChildren"}
    assert names["a/b/c"][0] == {"\\HasNoChildren"}
    names = list_lines(ok(c, 'LIST () "" (x a/b/c)'))
    assert set(names) == {"x", "a/b/c"}
    assert names["x"][0] == set()
    # SUBSCRIBED selection.
    names = list_lines(ok(c, 'LIST (SUBSCRIBED) "" *'))
    # Extended LIST: special-use only when asked for.
    assert names == {"a/b/c": ({"\\Subscribed"}, ""),
                     "x": ({"\\Subscribed"}, ""),
                     "Drafts": ({"\\Subscribed"}, "")}
    assert list_lines(ok(c, 'LIST (SUBSCRIBED) "" %')).keys() == {
        "x", "Drafts"}
    # RECURSIVEMATCH: a parent the pattern reaches but whose subscribed
    # child it doesn't.
    names = list_lines(ok(c, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" %'))
    assert names["a"] == ({"\\NonExistent"}, '(CHILDINFO ("SUBSCRIBED"))')
    assert names["x"] == ({"\\Subscribed"}, "")
    names = list_lines(ok(c, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" a*'))
    assert names == {"a/b/c": ({"\\Subscribed"}, "")}
    names = list_lines(ok(c, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" a/%'))
    assert names == {"a/b": ({"\\NonExistent"},
                             '(CHILDINFO ("SUBSCRIBED"))')}
    # RETURN (SUBSCRIBED CHILDREN) without selection.
    names = list_lines(ok(c, 'LIST "" * RETURN (SUBSCRIBED CHILDREN)'))
    assert names["x"][0] == {"\\Subscribed", "\\HasNoChildren"}
    assert names["Trash"][0] == {"\\HasNoChildren"}
    assert names["INBOX"][0] == {"\\HasChildren"}


def test_list_special_use(srv):
    c = session(srv)
    ok(c, "CREATE Sent")
    names = list_lines(ok(c, 'LIST (SPECIAL-USE) "" *'))
    assert names == {"Drafts": ({"\\Drafts"}, ""),
                     "Trash": ({"\\Trash"}, ""),
                     "Sent": ({"\\Sent"}, "")}
    names = list_lines(ok(c, 'LIST "" * RETURN (SPECIAL-USE)'))
    assert names["Sent"][0] == {"\\Sent"} and names["INBOX"][0] == set()
    names = list_lines(ok(c, 'LIST (SPECIAL-USE SUBSCRIBED) "" *'))
    assert names == {"Drafts": ({"\\Subscribed", "\\Drafts"}, "")}
    names = list_lines(ok(c, 'LIST (SPECIAL-USE) "" * RETURN (CHILDREN)'))
    assert names["Sent"][0] == {"\\HasNoChildren", "\\Sent"}


def test_list_status(srv):
    c = session(srv)
    select_inbox_with(srv, c, ["S", None])
    ok(c, "UNSELECT")
    ok(c, "CREATE a/b")
    untagged = ok(c, 'LIST "" * RETURN (STATUS (MESSAGES UNSEEN SIZE))')
    status = {}
    for i, line in enumerate(untagged):
        m = re.match(r"\* STATUS (\S+) \((.*)\)$", line)
        if m:
            # Each STATUS follows its LIST line.
            assert untagged[i - 1].startswith("* LIST ")
            assert untagged[i - 1].endswith(" " + m.group(1))
            status[m.group(1)] = m.group(2)
    assert status["INBOX"].startswith("MESSAGES 2 UNSEEN 1 SIZE ")
    assert int(status["INBOX"].split()[-1]) > 0
    assert status["a/b"] == "MESSAGES 0 UNSEEN 0 SIZE 0"
    assert "a" not in status          # \NonExistent: no STATUS


def test_lsub(srv):
    c = session(srv)
    make_tree(c)
    ok(c, "SUBSCRIBE a/b/c")
    names = list_lines(ok(c, 'LSUB "" *'), "LSUB")
    assert names == {"a/b/c": (set(), ""), "Drafts": ({"\\Drafts"}, "")}
    # RFC 3501 §6.3.9: % shows the unsubscribed parent as \Noselect.
    assert list_lines(ok(c, 'LSUB "" a%'), "LSUB") == {
        "a": ({"\\Noselect"}, "")}
    assert list_lines(ok(c, 'LSUB "" a/%'), "LSUB") == {
        "a/b": ({"\\Noselect"}, "")}
    # A subscription outlives its mailbox.
    ok(c, "DELETE a/b/c")
    assert list_lines(ok(c, 'LSUB "" a*'), "LSUB") == {"a/b/c": (set(), "")}
    names = list_lines(ok(c, 'LIST (SUBSCRIBED) "" a*'))
    assert names == {"a/b/c": ({"\\Subscribed", "\\NonExistent"}, "")}
    assert list_lines(ok(c, 'LIST "" a* RETURN (SUBSCRIBED)')) == {}
    assert cmd(c, 'LSUB ""') == (
        [], "BAD Error in IMAP command LSUB: Invalid pattern.")


# ---------------------------------------------------------------------------
# CREATE, DELETE, RENAME, SUBSCRIBE

def test_create_hierarchy_and_errors(srv):
    c = session(srv)
    assert cmd(c, "CREATE a/b/c") == ([], "OK Create completed.")
    assert os.path.isdir(maildir_path(srv, "alice", "a/b/c"))
    # A trailing separator creates the name without it (Maildir++).
    assert cmd(c, "CREATE x/") == ([], "OK Create completed.")
    assert os.path.isdir(maildir_path(srv, "alice", "x"))
    assert cmd(c, "CREATE x") == (
        [], "NO [ALREADYEXISTS] Mailbox already exists.")
    assert cmd(c, "CREATE inbox") == (
        [], "NO [ALREADYEXISTS] Mailbox already exists.")
    # Dovecot 2.3 ignores CREATE's parameters (no CREATE-SPECIAL-USE).
    assert cmd(c, "CREATE y (USE (\\Drafts))") == (
        [], "OK Create completed.")
    assert cmd(c, "CREATE") == (
        [], "BAD Error in IMAP command CREATE: Missing arguments.")


def test_bad_names_change_nothing(srv):
    c = session(srv)
    ok(c, "CREATE keep")
    ok(c, "SUBSCRIBE keep")
    before = tree_snapshot(srv, "alice")
    subs_before = open(os.path.join(srv.mail_dir, "alice",
                                    "subscriptions")).read()
    for name in ["a//b", "/abs", "../x", "a/../b", "&Jjo", "&", "&Jjo-&"]:
        for verb in ("CREATE", "DELETE", "SUBSCRIBE", "SELECT", "STATUS",
                     "RENAME keep"):
            line = '%s "%s"' % (verb, name)
            if verb == "STATUS":
                line += " (MESSAGES)"
            untagged, tagged = cmd(c, line)
            assert tagged.startswith(("NO", "BAD")), (line, tagged)
    # Control characters arrive in literals.
    c.send('t900 CREATE {3}')
    assert c.readline().startswith("+ ")
    c.sock.sendall(b"a\x01b\r\n")
    assert c.readline().startswith("t900 NO"), "control char accepted"
    assert tree_snapshot(srv, "alice") == before
    assert open(os.path.join(srv.mail_dir, "alice",
                             "subscriptions")).read() == subs_before
    assert cmd(c, 'CREATE "&Jjo"') == (
        [], "NO Mailbox name is not valid mUTF-7.")
    assert cmd(c, 'CREATE "a//b"')[1].startswith("NO [CANNOT] ")


NAME_PROBLEMS = [
    ('""', "Invalid mailbox name: Name is empty"),
    ("a//b", "Invalid mailbox name: Has adjacent hierarchy separators"),
    ("/a", "Invalid mailbox name: Begins with hierarchy separator"),
    ("//a", "Invalid mailbox name: Begins with hierarchy separator"),
    ("a/", "Invalid mailbox name: Ends with hierarchy separator"),
    ("~x", "Invalid mailbox name: Begins with '~'"),
    ("a/.b", "Character not allowed in mailbox name: '.'"),
    ("./x", "Character not allowed in mailbox name: '.'"),
    ("/.a", "Character not allowed in mailbox name: '.'"),
    ("~a//b", "Invalid mailbox name: Has adjacent hierarchy separators"),
    ("a//b/", "Invalid mailbox name: Has adjacent hierarchy separators"),
    ("inbox/.x", "Character not allowed in mailbox name: '.'"),
]


@pytest.mark.parametrize("name,problem", NAME_PROBLEMS)
def test_name_problems_dovecot_texts(srv, name, problem):
    """Every command that takes a mailbox name checks it as Dovecot 2.3
    does, in its order and with its texts, before looking at the disk
    (a bad RENAME source was an internal error)."""
    c = session(srv)
    ok(c, "CREATE keep")
    before = tree_snapshot(srv, "alice")
    lines = ["STATUS %s (MESSAGES)" % name, "SELECT " + name,
             "EXAMINE " + name, "RENAME %s keep2" % name,
             "RENAME keep " + name, "RENAME nosuch " + name,
             "UNSUBSCRIBE " + name]
    if name != '""':
        lines.append("DELETE " + name)
    if name != "a/":
        # CREATE drops one trailing separator first
        lines.append("CREATE " + name)
    for line in lines:
        assert cmd(c, line) == ([], "NO [CANNOT] %s." % problem), line
    assert tree_snapshot(srv, "alice") == before


def test_name_limits_dovecot_texts(srv):
    c = session(srv)
    assert cmd(c, 'DELETE ""') == (
        [], "NO [CANNOT] Storage root can't be deleted.")
    assert cmd(c, 'CREATE "~"') == (
        [], "NO [CANNOT] Invalid mailbox name: Begins with '~'.")
    # '~' only counts at the start of the whole name
    assert cmd(c, "CREATE a/~b") == ([], "OK Create completed.")
    for line in ("CREATE " + "x" * 256, "CREATE a/" + "x" * 256,
                 "RENAME nosuch " + "x" * 256):
        assert cmd(c, line) == ([], "NO [CANNOT] Mailbox name too long."), \
            line
    # a name too long for the disk does not exist (Dovecot: SERVERBUG)
    assert cmd(c, "STATUS %s (MESSAGES)" % ("x" * 300)) == (
        [], "NO Mailbox doesn't exist: %s." % ("x" * 300))
    # SUBSCRIBE wants an existing mailbox, whatever its name
    assert cmd(c, "SUBSCRIBE a//b") == (
        [], "NO Mailbox doesn't exist: a//b.")


def test_delete(srv):
    c = session(srv)
    ok(c, "CREATE a/b")
    ok(c, "CREATE solo")
    assert cmd(c, "DELETE solo") == ([], "OK Delete completed.")
    assert not os.path.exists(maildir_path(srv, "alice", "solo"))
    assert cmd(c, "DELETE solo") == (
        [], "NO [NONEXISTENT] Mailbox doesn't exist: solo.")
    assert cmd(c, "DELETE INBOX") == ([], "NO INBOX can't be deleted.")
    assert cmd(c, "DELETE inbox") == ([], "NO INBOX can't be deleted.")
    assert cmd(c, "DELETE a/b") == ([], "OK Delete completed.")
    assert cmd(c, "DELETE") == (
        [], "BAD Error in IMAP command DELETE: Missing arguments.")
    assert "a/b" not in list_lines(ok(c, 'LIST "" *'))


def read_to_eof(c):
    lines = []
    try:
        while True:
            lines.append(c.readline())
    except (EOFError, ConnectionResetError):
        pass
    return lines


def test_delete_own_selected_mailbox_ends_session(srv):
    c = session(srv)
    ok(c, "CREATE doomed")
    ok(c, "SELECT doomed")
    c.send("t99 DELETE doomed")
    lines = read_to_eof(c)
    assert text(lines[0]) == "t99 OK Delete completed."
    assert lines[1:] == [
        "* BYE Selected mailbox was deleted, have to disconnect."]
    srv.wait_log(r"Disconnected: Selected mailbox was deleted, have to "
                 r"disconnect\.")


@pytest.mark.parametrize("how", ["DELETE doomed", "RENAME doomed elsewhere"])
@pytest.mark.parametrize("then", ["NOOP", "IDLE"])
def test_selected_mailbox_deleted_by_other_session(srv, how, then):
    """Dovecot 2.3 ends the session at the next sync of a selected
    mailbox that another session deleted or renamed away."""
    c = session(srv)
    ok(c, "CREATE doomed")
    ok(c, "SELECT doomed")
    other = session(srv)
    ok(other, how)
    c.send("t99 " + then)
    if then == "IDLE":
        assert c.readline() == "+ idling"
    lines = read_to_eof(c)
    assert lines == ["* BYE IMAP session state is inconsistent, please "
                     "relogin."]
    srv.wait_log(r"Disconnected: IMAP session state is inconsistent, "
                 r"please relogin\.")


def test_rename(srv):
    c = session(srv)
    ok(c, "CREATE a/b/c")
    ok(c, "CREATE plain")
    deliver(srv, "alice", "plain")
    assert cmd(c, "RENAME plain moved") == ([], "OK Rename completed.")
    assert ok(c, "STATUS moved (MESSAGES)") == [
        "* STATUS moved (MESSAGES 1)"]
    # Children move with their parent.
    ok(c, "CREATE p")
    ok(c, "CREATE p/q")
    assert cmd(c, "RENAME p r") == ([], "OK Rename completed.")
    names = list_lines(ok(c, 'LIST "" *'))
    assert "r/q" in names and "p/q" not in names and "p" not in names
    assert cmd(c, "RENAME nosuch q") == (
        [], "NO [NONEXISTENT] Mailbox doesn't exist: nosuch.")
    ok(c, "CREATE taken")
    assert cmd(c, "RENAME moved taken") == (
        [], "NO [ALREADYEXISTS] Target mailbox already exists.")
    assert cmd(c, "RENAME moved moved/child") == (
        [], "NO Can't rename mailbox under its own child.")
    assert cmd(c, "RENAME moved") == (
        [], "BAD Error in IMAP command RENAME: Missing arguments.")


def test_rename_hierarchy_level(srv):
    """A level that exists only through its children (Maildir++) is
    renamed with them, as in Dovecot; its new name may exist."""
    c = session(srv)
    ok(c, "CREATE a/b/c")
    assert cmd(c, "RENAME a/b z") == ([], "OK Rename completed.")
    names = list_lines(ok(c, 'LIST "" *'))
    assert "z/c" in names and "a/b/c" not in names
    assert names["z"][0] == {"\\Noselect", "\\HasChildren"}
    assert "a" not in names and "a/b" not in names
    ok(c, "CREATE a/b")
    assert cmd(c, "RENAME a x") == ([], "OK Rename completed.")
    names = list_lines(ok(c, 'LIST "" *'))
    assert "x/b" in names and "a/b" not in names
    ok(c, "CREATE y")
    ok(c, "CREATE w/v")
    assert cmd(c, "RENAME w y") == ([], "OK Rename completed.")
    names = list_lines(ok(c, 'LIST "" *'))
    assert names["y"][0] == {"\\HasChildren"} and "y/v" in names
    assert "w" not in names and "w/v" not in names


def test_rename_answers(srv):
    """RENAME's checks in Dovecot's order and texts."""
    c = session(srv)
    ok(c, "CREATE taken")
    ok(c, "CREATE p/q")
    # Renaming to itself is refused first, whether it exists or not.
    assert cmd(c, "RENAME taken taken") == (
        [], "NO [ALREADYEXISTS] Can't rename mailbox to itself.")
    assert cmd(c, "RENAME nosuch nosuch") == (
        [], "NO [ALREADYEXISTS] Can't rename mailbox to itself.")
    # The source is checked before the target.
    assert cmd(c, "RENAME nosuch taken") == (
        [], "NO [NONEXISTENT] Mailbox doesn't exist: nosuch.")
    assert cmd(c, "RENAME p p/q/r") == (
        [], "NO Can't rename mailbox under its own child.")
    assert cmd(c, "RENAME p/q taken") == (
        [], "NO [ALREADYEXISTS] Target mailbox already exists.")
    # Mailbox names are case-sensitive (INBOX aside).
    assert cmd(c, "RENAME taken Taken") == ([], "OK Rename completed.")


def test_subscribe_unsubscribe(srv):
    c = session(srv)
    ok(c, "CREATE box")
    assert cmd(c, "SUBSCRIBE box") == ([], "OK Subscribe completed.")
    assert cmd(c, "SUBSCRIBE box") == ([], "OK Subscribe completed.")
    assert cmd(c, "SUBSCRIBE nosuch") == (
        [], "NO Mailbox doesn't exist: nosuch.")
    assert "nosuch" not in list_lines(ok(c, 'LSUB "" *'), "LSUB")
    assert "box" in list_lines(ok(c, 'LSUB "" *'), "LSUB")
    assert cmd(c, "UNSUBSCRIBE box") == ([], "OK Unsubscribe completed.")
    assert cmd(c, "UNSUBSCRIBE nosuch") == ([],
                                            "OK Unsubscribe completed.")
    assert "box" not in list_lines(ok(c, 'LSUB "" *'), "LSUB")
    assert cmd(c, "SUBSCRIBE") == (
        [], "BAD Error in IMAP command SUBSCRIBE: Missing arguments.")


# ---------------------------------------------------------------------------
# STATUS

def test_status(srv):
    c = session(srv)
    select_inbox_with(srv, c, ["S", None, "F"])
    ok(c, "UNSELECT")
    untagged, tagged = cmd(c, "STATUS INBOX (MESSAGES RECENT UIDNEXT "
                              "UIDVALIDITY UNSEEN SIZE)")
    assert tagged == "OK Status completed."
    m = re.fullmatch(r"\* STATUS INBOX \(MESSAGES 3 RECENT (\d+) UIDNEXT 4 "
                     r"UIDVALIDITY \d+ UNSEEN 2 SIZE (\d+)\)", untagged[0])
    assert m, untagged
    sizes = sum(os.path.getsize(p) + open(p, "rb").read().count(b"\n")
                for p in cur_files(srv, "alice"))
    assert int(m.group(2)) == sizes
    # Items come in Dovecot's order whatever the request's.
    assert ok(c, "STATUS INBOX (unseen messages)") == [
        "* STATUS INBOX (MESSAGES 3 UNSEEN 2)"]
    bad = "BAD Error in IMAP command STATUS: "
    assert cmd(c, "STATUS INBOX (MESSAGES FOO)") == (
        [], bad + "Invalid status item FOO.")
    assert cmd(c, "STATUS INBOX ()") == ([], bad + "Empty status list.")
    assert cmd(c, "STATUS INBOX") == ([], bad + "Missing arguments.")
    assert cmd(c, "STATUS") == ([], bad + "Missing arguments.")
    assert cmd(c, "STATUS INBOX MESSAGES") == ([], bad +
                                                "Invalid arguments.")
    assert cmd(c, 'STATUS INBOX (MESSAGES "x")') == (
        [], bad + "Status list contains non-atoms.")
    assert cmd(c, "STATUS nosuch (MESSAGES)") == (
        [], "NO Mailbox doesn't exist: nosuch.")
    ok(c, "CREATE p/q")
    assert cmd(c, "STATUS p (MESSAGES)") == (
        [], "NO Mailbox doesn't exist: p.")


def test_status_of_selected_mailbox(srv):
    c = session(srv)
    ok(c, "SELECT INBOX")
    assert cmd(c, "STATUS inbox (MESSAGES)") == (
        ["* STATUS inbox (MESSAGES 0)"],
        "OK [CLIENTBUG] Status on selected mailbox completed.")


def test_status_highestmodseq_enables_condstore(srv):
    c = session(srv)
    make_maildir(srv, "alice")
    deliver(srv, "alice", flags="")
    untagged = ok(c, "STATUS INBOX (HIGHESTMODSEQ)")
    assert re.fullmatch(r"\* STATUS INBOX \(HIGHESTMODSEQ \d+\)",
                        untagged[0])
    ok(c, "SELECT INBOX")
    assert condstore_is_enabled(srv, c, cur_files(srv, "alice")[0])


# ---------------------------------------------------------------------------
# Names, auto mailboxes, capabilities

def test_mutf7_names(srv):
    c = session(srv)
    # U+263A WHITE SMILING FACE, and "&" itself.
    assert cmd(c, 'CREATE "&Jjo-"') == ([], "OK Create completed.")
    assert cmd(c, 'CREATE "a&-b"') == ([], "OK Create completed.")
    names = list_lines(ok(c, 'LIST "" *'))
    assert "&Jjo-" in names and "a&-b" in names
    # On disk Maildir++ keeps the modified UTF-7 form, as Dovecot does.
    assert os.path.isdir(os.path.join(srv.mail_dir, "alice", ".&Jjo-"))
    assert ok(c, 'STATUS "&Jjo-" (MESSAGES)') == [
        '* STATUS &Jjo- (MESSAGES 0)']
    assert list_lines(ok(c, 'LIST "" "&Jjo-*"')).keys() == {"&Jjo-"}
    ok(c, 'SELECT "&Jjo-"')
    assert cmd(c, 'RENAME "&Jjo-" "&Jjo-2"') == ([], "OK Rename completed.")
    assert "&Jjo-2" in list_lines(ok(c, 'LIST "" *'))


def test_auto_mailboxes_at_login(srv):
    c = session(srv)
    names = list_lines(ok(c, 'LIST "" *'))
    assert {"Drafts", "Trash"} <= set(names)
    assert list_lines(ok(c, 'LSUB "" *'), "LSUB") == {
        "Drafts": ({"\\Drafts"}, "")}
    untagged = ok(c, "STATUS Trash (MESSAGES)")
    assert untagged == ["* STATUS Trash (MESSAGES 0)"]
    assert os.path.isdir(maildir_path(srv, "alice", "Trash"))


def test_auto_mailboxes_always_exist(srv):
    """Dovecot treats auto = create/subscribe mailboxes as existing even
    after DELETE: opening one creates it again, deleting a missing one
    succeeds, SUBSCRIBE accepts it; RENAME and CREATE see the disk."""
    c = session(srv)
    assert cmd(c, "DELETE Drafts") == ([], "OK Delete completed.")
    assert not os.path.isdir(maildir_path(srv, "alice", "Drafts"))
    assert ok(c, "STATUS Drafts (MESSAGES)") == [
        "* STATUS Drafts (MESSAGES 0)"]
    assert os.path.isdir(maildir_path(srv, "alice", "Drafts"))
    assert cmd(c, "DELETE Trash") == ([], "OK Delete completed.")
    assert cmd(c, "DELETE Trash") == ([], "OK Delete completed.")
    assert cmd(c, "SUBSCRIBE Trash") == ([], "OK Subscribe completed.")
    assert cmd(c, "RENAME Trash T2") == (
        [], "NO [NONEXISTENT] Mailbox doesn't exist: Trash.")
    assert "Trash" in list_lines(ok(c, 'LIST "" *'))
    untagged, tagged = cmd(c, "SELECT Trash")
    assert tagged == "OK [READ-WRITE] Select completed."
    assert os.path.isdir(maildir_path(srv, "alice", "Trash"))
    ok(c, "UNSELECT")
    assert cmd(c, "DELETE Trash") == ([], "OK Delete completed.")
    assert cmd(c, "CREATE Trash") == ([], "OK Create completed.")


def test_capabilities(make_server):
    srv = make_server(extra_config=NS_CONFIG)
    c = srv.imap()
    c.login("alice", srv.password("alice"))
    caps = set(c.capability()[1][0].decode().split())
    for cap in ("IDLE", "NAMESPACE", "UNSELECT", "CHILDREN", "ENABLE",
                "LIST-EXTENDED", "LIST-STATUS", "STATUS=SIZE",
                "SPECIAL-USE"):
        assert cap in caps, cap
    assert "CREATE-SPECIAL-USE" not in caps
    c.logout()


def test_no_special_use_capability_without_config(make_server):
    srv = make_server()
    c = srv.imap()
    c.login("alice", srv.password("alice"))
    caps = set(c.capability()[1][0].decode().split())
    assert "SPECIAL-USE" not in caps
    assert "LIST-EXTENDED" in caps
    c.logout()


def test_imaplib_list_and_status(srv):
    c = srv.imap()
    c.login("alice", srv.password("alice"))
    assert c.create("Work/Projects")[0] == "OK"
    typ, data = c.list()
    assert typ == "OK"
    assert any(b'"Work/Projects"' in d or b" Work/Projects" in d
               for d in data), data
    typ, data = c.status("Work/Projects", "(MESSAGES UIDNEXT)")
    assert typ == "OK" and b"MESSAGES 0 UIDNEXT 1" in data[0]
    assert c.delete("Work/Projects")[0] == "OK"
    assert c.select("Work/Projects")[0] == "NO"
    c.logout()


def test_courier_style_prefix_namespace(make_server):
    """namespace { prefix = INBOX. separator = . } as Courier users have
    it: names outside the prefix are refused with Dovecot's hint."""
    srv = make_server(extra_config="""
namespace inbox {
  inbox = yes
  prefix = INBOX.
  separator = .
}
""")
    c = session(srv)
    assert ok(c, "NAMESPACE") == ['* NAMESPACE (("INBOX." ".")) NIL NIL']
    assert cmd(c, "CREATE INBOX.work.2024") == ([], "OK Create completed.")
    assert os.path.isdir(os.path.join(srv.mail_dir, "alice", ".work.2024"))
    assert cmd(c, "CREATE work") == (
        [], "NO Client tried to access nonexistent namespace. (Mailbox "
            "name should probably be prefixed with: INBOX.).")
    names = list_lines(ok(c, 'LIST "" *'))
    assert names["INBOX"][0] == {"\\HasChildren"}
    assert names["INBOX.work"][0] == {"\\Noselect", "\\HasChildren"}
    assert names["INBOX.work.2024"][0] == {"\\HasNoChildren"}
    assert cmd(c, 'LIST "" ""') == (['* LIST (\\Noselect) "." ""'],
                                    "OK List completed.")
    assert set(list_lines(ok(c, 'LIST "INBOX." %'))) == {"INBOX.work"}
    ok(c, "SELECT INBOX.work.2024")
    assert ok(c, "STATUS INBOX.work.2024 (MESSAGES)") == [
        "* STATUS INBOX.work.2024 (MESSAGES 0)"]


def test_subscribe_missing_mailbox_names_it_in_utf8(srv):
    # Dovecot names the mailbox decoded ("&AOQ-" is "ä").
    c = session(srv)
    assert cmd(c, 'SUBSCRIBE "b&AOQ-r"') == (
        [], "NO Mailbox doesn't exist: b\u00e4r.")
