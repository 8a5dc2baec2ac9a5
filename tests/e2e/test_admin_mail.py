"""roostadm's mailbox commands against a running server, checked through
IMAP as well: mailbox list/create/delete/rename/subscribe/unsubscribe/
status, save, force-resync and index, the common -u/-A/-F options, and
doveadm 2.3's output, messages and exit codes (the expected texts were
taken from doveadm 2.3.19 on the same configuration).

Run with ROOST_E2E_SERVER=dovecot to check the expectations against
doveadm itself.  Each test works on users of its own, so one server
serves the module."""
import os
import pwd
import re
import sqlite3
import subprocess
import time

import pytest

import harness
from imap_mbox_util import (cmd, deliver, maildir_path, make_maildir, ok,
                            session)

EX_USAGE = 64
EX_NOTPOSSIBLE = 65
EX_NOUSER = 67
EX_NOTFOUND = 68

NS_CONFIG = """
namespace inbox {
  inbox = yes
  separator = /
}
"""

USERS = dict(harness.DEFAULT_USERS)
for _n in ("create", "delete", "rename", "subs", "status", "save", "resync",
           "index", "multi1", "multi2", "recur"):
    USERS["m" + _n] = ("PLAIN", _n + "-pw")


@pytest.fixture(scope="module")
def srv(kind, system_users):
    s = harness.RoostServer(kind, extra_config=NS_CONFIG, users=USERS)
    s.start()
    yield s
    problems = s.cleanup()
    if problems:
        pytest.fail("server teardown (%s):\n%s" % (s.dir,
                    "\n".join(problems)), pytrace=False)
    s.remove()


def prog(srv):
    return "doveadm" if srv.kind.name == "dovecot" else "roostadm"


def adm(srv, *args, stdin=None, env=None):
    """Runs the admin tool; returns the CompletedProcess (text)."""
    e = dict(os.environ)
    e.pop("USER", None)
    if env:
        e.update(env)
    return subprocess.run([srv.kind.admin, "-c", srv.config_path]
                          + list(args), input=stdin,
                          stdin=None if stdin is not None
                          else subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=60, cwd=srv.dir, env=e)


def check(p, code=0):
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    return p


def imap_names(srv, user, kind="LIST", pattern="*"):
    c = session(srv, user)
    try:
        lines = ok(c, '%s "" "%s"' % (kind, pattern))
    finally:
        c.close()
    out = set()
    for line in lines:
        m = re.match(r'\* %s \([^)]*\) (?:NIL|"[^"]*") (.*)$' % kind, line)
        if m:
            out.add(m.group(1).strip('"'))
    return out


def test_create_then_imap_list(srv):
    p = check(adm(srv, "mailbox", "create", "-u", "mcreate", "Work",
                  "Work/2024", "Ünï"))
    assert p.stdout == "" and p.stderr == ""
    assert {"Work", "Work/2024", "&ANw-n&AO8-"} <= imap_names(srv,
                                                              "mcreate")
    # Existing: doveadm's text and EX_NOTPOSSIBLE; the others are made.
    p = check(adm(srv, "mailbox", "create", "-u", "mcreate", "Work",
                  "Other"), EX_NOTPOSSIBLE)
    assert p.stderr == ("%s(mcreate): Error: Can't create mailbox Work: "
                        "Mailbox already exists\n" % prog(srv))
    assert "Other" in imap_names(srv, "mcreate")
    # -s subscribes too.
    check(adm(srv, "mailbox", "create", "-s", "-u", "mcreate", "Subd"))
    assert "Subd" in imap_names(srv, "mcreate", "LSUB")


def test_list_output(srv):
    check(adm(srv, "mailbox", "create", "-u", "mcreate", "Ünï2"))
    p = check(adm(srv, "mailbox", "list", "-u", "mcreate"))
    names = p.stdout.splitlines()
    assert set(names) >= {"INBOX", "Work", "Work/2024", "Ünï2"}
    assert len(names) == len(set(names))
    p = check(adm(srv, "mailbox", "list", "-7", "-u", "mcreate", "Ü*"))
    assert set(p.stdout.splitlines()) == {"&ANw-n&AO8-", "&ANw-n&AO8-2"}
    # Masks; a single name without wildcards is printed as it is.
    p = check(adm(srv, "mailbox", "list", "-u", "mcreate", "Work/*"))
    assert p.stdout == "Work/2024\n"
    p = check(adm(srv, "mailbox", "list", "-u", "mcreate", "nomatch"))
    assert p.stdout == "nomatch\n"
    # The tab formatter has the title line.
    p = check(adm(srv, "-f", "tab", "mailbox", "list", "-u", "mcreate",
                  "Work*"))
    assert p.stdout.splitlines()[0] == "mailbox"
    assert set(p.stdout.splitlines()[1:]) == {"Work", "Work/2024"}


def test_list_json(srv):
    p = check(adm(srv, "-f", "json", "mailbox", "list", "-u", "mcreate",
                  "Work/*"))
    assert p.stdout == '[{"mailbox":"Work/2024"}]'


def test_delete(srv):
    u = "mdelete"
    check(adm(srv, "mailbox", "create", "-u", u, "Old", "Full", "Gone"))
    p = check(adm(srv, "mailbox", "delete", "-u", u, "Nope"), EX_NOTFOUND)
    assert p.stderr == ("%s(%s): Error: Can't delete mailbox Nope: "
                        "Mailbox doesn't exist: Nope\n" % (prog(srv), u))
    check(adm(srv, "mailbox", "delete", "-u", u, "Old"))
    assert "Old" not in imap_names(srv, u)
    # -e refuses a mailbox with messages.
    deliver(srv, u, "Full")
    p = check(adm(srv, "mailbox", "delete", "-e", "-u", u, "Full"),
              EX_NOTPOSSIBLE)
    assert p.stderr == ("%s(%s): Error: Can't delete mailbox Full: "
                        "Mailbox isn't empty\n" % (prog(srv), u))
    assert "Full" in imap_names(srv, u)
    p = check(adm(srv, "mailbox", "delete", "-u", u, "INBOX"),
              EX_NOTPOSSIBLE)
    assert "Can't delete mailbox INBOX: " in p.stderr
    # -s also unsubscribes.
    c = session(srv, u)
    ok(c, "SUBSCRIBE Gone")
    c.close()
    check(adm(srv, "mailbox", "delete", "-s", "-u", u, "Gone"))
    assert "Gone" not in imap_names(srv, u, "LSUB")
    assert not os.path.exists(maildir_path(srv, u, "Gone"))


def test_delete_recursive(srv):
    u = "mrecur"
    check(adm(srv, "mailbox", "create", "-u", u, "A", "A/B", "A/B/C",
              "AB"))
    adm(srv, "mailbox", "delete", "-r", "-u", u, "A")
    assert imap_names(srv, u) == {"INBOX", "AB"}


def test_rename(srv):
    u = "mrename"
    check(adm(srv, "mailbox", "create", "-u", u, "From", "From/Child"))
    deliver(srv, u, "From")
    check(adm(srv, "mailbox", "rename", "-u", u, "From", "To"))
    names = imap_names(srv, u)
    assert {"To", "To/Child"} <= names and "From" not in names
    c = session(srv, u)
    assert "* 1 EXISTS" in ok(c, "SELECT To")
    c.close()
    p = check(adm(srv, "mailbox", "rename", "-u", u, "Nope", "X"),
              EX_NOTFOUND)
    assert p.stderr == ("%s(%s): Error: Can't rename mailbox Nope to X: "
                        "Mailbox doesn't exist: Nope\n" % (prog(srv), u))
    p = check(adm(srv, "mailbox", "rename", "-u", u, "To"), EX_USAGE)
    assert p.stderr.startswith("%s mailbox rename " % prog(srv))


def test_subscribe_unsubscribe(srv):
    u = "msubs"
    check(adm(srv, "mailbox", "create", "-u", u, "S1", "S2"))
    check(adm(srv, "mailbox", "subscribe", "-u", u, "S1", "S2", "Ghost"))
    assert imap_names(srv, u, "LSUB") == {"S1", "S2", "Ghost"}
    p = check(adm(srv, "mailbox", "list", "-s", "-u", u))
    assert set(p.stdout.splitlines()) == {"S1", "S2", "Ghost"}
    check(adm(srv, "mailbox", "unsubscribe", "-u", u, "S2", "Ghost"))
    assert imap_names(srv, u, "LSUB") == {"S1"}


def imap_status(srv, user, mailbox):
    c = session(srv, user)
    lines = ok(c, "STATUS %s (MESSAGES UIDNEXT UIDVALIDITY UNSEEN "
                  "HIGHESTMODSEQ)" % mailbox)
    c.close()
    m = re.search(r"\((.*)\)", lines[0])
    items = m.group(1).split()
    return dict(zip(items[::2], (int(v) for v in items[1::2])))


def test_status(srv):
    u = "mstatus"
    make_maildir(srv, u)
    deliver(srv, u, body="Subject: a\n\nhello\n")
    deliver(srv, u, body="Subject: b\n\nworld!\n", flags="S")
    st = imap_status(srv, u, "INBOX")
    p = check(adm(srv, "mailbox", "status", "-u", u, "all", "INBOX"))
    m = re.match(r"^INBOX messages=2 recent=(\d+) uidnext=(\d+) "
                 r"uidvalidity=(\d+) unseen=1 highestmodseq=(\d+) "
                 r"vsize=(\d+) guid=([0-9a-f]{32}) firstsaved=(\d+)\n$",
                 p.stdout)
    assert m, p.stdout
    assert int(m.group(2)) == st["UIDNEXT"]
    assert int(m.group(3)) == st["UIDVALIDITY"]
    assert int(m.group(4)) == st["HIGHESTMODSEQ"]
    # RFC822.SIZE counts CRLF line endings: 3 lines each.
    assert int(m.group(5)) == len("Subject: a\n\nhello\n") + 3 + \
        len("Subject: b\n\nworld!\n") + 3
    # The fields come out in doveadm's order whatever the order asked.
    p = check(adm(srv, "mailbox", "status", "-u", u, "unseen messages",
                  "INBOX"))
    assert p.stdout == "INBOX messages=2 unseen=1\n"
    p = check(adm(srv, "mailbox", "status", "-u", u, "-f", "messages",
                  "-f", "unseen", "INBOX"))
    assert p.stdout == "INBOX messages=2 unseen=1\n"
    p = check(adm(srv, "-f", "tab", "mailbox", "status", "-u", u,
                  "messages vsize", "INBOX"))
    assert p.stdout.splitlines()[0] == "mailbox\tmessages\tvsize"
    p = check(adm(srv, "mailbox", "status", "-u", u, "-t", "all", "*"))
    assert re.match(r"^messages=2 recent=\d+ unseen=1 vsize=\d+\n$",
                    p.stdout), p.stdout


def test_status_errors(srv):
    u = "mstatus"
    p = check(adm(srv, "mailbox", "status", "-u", u, "bogus", "INBOX"),
              EX_USAGE)
    assert p.stderr == "Fatal: Unknown status field: bogus\n"
    p = check(adm(srv, "mailbox", "status", "-u", u, "-t", "uidnext",
                  "INBOX"), EX_USAGE)
    assert p.stderr == "Fatal: Status field uidnext can't be used with -t\n"
    p = check(adm(srv, "mailbox", "status", "-u", u, "all", "Nope"),
              EX_NOTFOUND)
    assert p.stderr == ("%s(%s): Error: Mailbox Nope: Failed to lookup "
                        "mailbox status: Mailbox doesn't exist: Nope\n"
                        % (prog(srv), u))
    p = check(adm(srv, "mailbox", "status", "-u", u, "messages"), EX_USAGE)
    assert p.stderr == ("%s mailbox status [-u <user>|-A] [-S <socket_path>]"
                        " <fields> <mailbox> [...]\n" % prog(srv))


def test_save_then_fetch(srv):
    u = "msave"
    msg = "From: a@example.com\nSubject: saved\n\nline 1\nline 2\n"
    check(adm(srv, "save", "-u", u, stdin=msg))
    check(adm(srv, "mailbox", "create", "-u", u, "Box"))
    check(adm(srv, "save", "-u", u, "-m", "Box", stdin=msg))
    c = session(srv, u)
    for box in ("INBOX", "Box"):
        ok(c, "SELECT " + box)
        lines = ok(c, "FETCH 1 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS "
                      "(SUBJECT)])")
        assert "RFC822.SIZE %d" % (len(msg) + 5) in lines[0], lines
        assert any("Subject: saved" in line for line in lines), lines
    c.close()
    p = check(adm(srv, "save", "-u", u, "-m", "Nope", stdin=msg),
              EX_NOTFOUND)
    assert p.stderr == ("%s(%s): Error: Failed to open mailbox Nope: "
                        "Mailbox doesn't exist: Nope\n" % (prog(srv), u))
    if srv.root:
        # The files belong to the user, not to root.
        uid = pwd.getpwnam(srv.mail_user).pw_uid
        for dirpath, dirs, files in os.walk(os.path.join(srv.mail_dir, u)):
            for n in dirs + files:
                assert os.lstat(os.path.join(dirpath, n)).st_uid == uid, n


def uid_flags(lines):
    """[(uid, flags without \\Recent)] of FETCH (UID FLAGS) lines."""
    out = []
    for line in lines:
        m = re.search(r"UID (\d+) FLAGS \(([^)]*)\)", line)
        out.append((int(m.group(1)), set(m.group(2).split()) -
                    {"\\Recent"}))
    return out


def test_force_resync(srv):
    u = "mresync"
    make_maildir(srv, u)
    for _ in range(3):
        deliver(srv, u)
    c = session(srv, u)
    ok(c, "SELECT INBOX")
    ok(c, "STORE 2 +FLAGS (\\Flagged)")
    before = ok(c, "FETCH 1:* (UID FLAGS)")
    c.close()
    saved = check(adm(srv, "mailbox", "status", "-u", u, "firstsaved",
                      "INBOX")).stdout
    # A message put into cur/ by another program, with a flag; a second
    # later, so that a rescan's dates would differ.
    time.sleep(1.1)
    deliver(srv, u, flags="S")
    check(adm(srv, "force-resync", "-u", u, "INBOX"))
    # The save dates survive the rebuild.
    assert check(adm(srv, "mailbox", "status", "-u", u, "firstsaved",
                     "INBOX")).stdout == saved
    c = session(srv, u)
    ok(c, "SELECT INBOX")
    after = ok(c, "FETCH 1:* (UID FLAGS)")
    c.close()
    want = uid_flags(before)
    got = uid_flags(after)
    assert got[:3] == want
    assert len(got) == 4 and "\\Seen" in got[3][1]
    # Masks are listed: one that matches nothing is no error.
    p = check(adm(srv, "force-resync", "-u", u, "Nope"))
    assert p.stdout == "" and p.stderr == ""
    check(adm(srv, "force-resync", "-u", u, "*"))


def test_index_then_search(srv):
    u = "mindex"
    make_maildir(srv, u)
    deliver(srv, u, body="Subject: one\n\nneedle in a haystack\n")
    deliver(srv, u, body="Subject: two\n\nnothing here\n")
    check(adm(srv, "index", "-u", u, "*"))
    if srv.kind.name == "roost":
        # Both messages are in the index with their parse cache and
        # full text before any client looked at them.
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(
            srv.mail_dir, u, "roost-index.sqlite"), uri=True)
        rows = db.execute("SELECT cached, fts FROM mail").fetchall()
        db.close()
        assert rows == [(1, 1), (1, 1)], rows
    check(adm(srv, "index", "-u", u, "-n", "100", "INBOX"))
    p = check(adm(srv, "index", "-u", u, "Nope"))
    assert p.stdout == "" and p.stderr == ""
    c = session(srv, u)
    ok(c, "SELECT INBOX")
    lines = ok(c, 'SEARCH BODY "needle"')
    c.close()
    assert "* SEARCH 1" in lines
    p = check(adm(srv, "index", "-u", u), EX_USAGE)
    assert p.stderr.startswith("%s index " % prog(srv))


def test_users_unknown_and_missing(srv):
    p = check(adm(srv, "mailbox", "list", "-u", "nobody"), EX_NOUSER)
    assert p.stderr == "%s(nobody): Error: User doesn't exist\n" % prog(srv)
    p = check(adm(srv, "mailbox", "list"), EX_USAGE)
    assert p.stderr == ("Fatal: USER environment is missing and -u option "
                        "not used\n")


def test_users_mask_all_and_file(srv):
    for u in ("mmulti1", "mmulti2"):
        check(adm(srv, "mailbox", "create", "-u", u, "Only-" + u))
    p = check(adm(srv, "mailbox", "list", "-u", "MMULTI*", "Only*"))
    assert set(p.stdout.splitlines()) == {"mmulti1 Only-mmulti1",
                                          "mmulti2 Only-mmulti2"}
    p = check(adm(srv, "-f", "tab", "mailbox", "list", "-u", "mmulti?",
                  "Only*"))
    assert p.stdout.splitlines()[0] == "Username\tmailbox"
    p = check(adm(srv, "mailbox", "list", "-A", "Only*"))
    assert set(p.stdout.splitlines()) == {"mmulti1 Only-mmulti1",
                                          "mmulti2 Only-mmulti2"}
    path = os.path.join(srv.dir, "userlist")
    with open(path, "w") as f:
        f.write("mmulti2\nnobody\n")
    p = check(adm(srv, "mailbox", "list", "-F", path, "Only*"))
    assert p.stdout == "mmulti2 Only-mmulti2\n"
    assert p.stderr == ("%s(nobody): Info: User no longer exists, "
                        "skipping\n" % prog(srv))
    p = check(adm(srv, "mailbox", "list", "-F", path + ".missing"), 75)
    assert "Failed to iterate through some users" in p.stderr


def test_usage_errors(srv):
    p = check(adm(srv, "mailbox", "create", "-u", "mcreate"), EX_USAGE)
    assert p.stderr == ("%s mailbox create [-u <user>|-A] [-S <socket_path>]"
                        " [-s] [-g <guid>] <mailbox> [...]\n" % prog(srv))
    p = check(adm(srv, "mailbox", "list", "-x", "-u", "mcreate"), EX_USAGE)
    assert p.stderr == "list: invalid option -- 'x'\n"
    p = check(adm(srv, "mailbox", "create", "-g", "xyz", "-u", "mcreate",
                  "G"), EX_USAGE)
    assert "G" not in imap_names(srv, "mcreate")


def test_o_setting_applies_to_users_mail(srv):
    other = os.path.join(srv.dir, "other")
    os.mkdir(other, 0o700)
    if srv.root:
        pw = pwd.getpwnam(srv.mail_user)
        os.chown(other, pw.pw_uid, pw.pw_gid)
    # No %variables: doveadm 2.3 leaves them unexpanded in -o values
    # (roostadm expands them, docs/roostadm.md).
    loc = "mail_location=maildir:%s/box" % other
    check(adm(srv, "-o", loc, "mailbox", "create", "-u", "mcreate",
              "Elsewhere"))
    assert os.path.isdir(os.path.join(other, "box", ".Elsewhere"))
    assert "Elsewhere" not in imap_names(srv, "mcreate")
    p = check(adm(srv, "-o", loc, "mailbox", "list", "-u", "mcreate"))
    assert set(p.stdout.splitlines()) == {"INBOX", "Elsewhere"}
    # A name that is no setting is ignored, as doveadm does.
    check(adm(srv, "-o", "no_such_setting=1", "mailbox", "list", "-u",
              "mcreate", "INBOX"))


@pytest.mark.skipif(not harness.is_root(), reason="needs root to switch")
def test_not_root(srv):
    """Not running as root, only users with the tool's own uid/gid can
    be served: files could not be given to anybody else."""
    pw = pwd.getpwnam(srv.mail_user)
    check(adm(srv, "mailbox", "create", "-u", "mcreate", "AsUser"))

    def as_ids(uid, gid, *args):
        return subprocess.run(["setpriv", "--reuid=%d" % uid,
                               "--regid=%d" % gid, "--clear-groups",
                               srv.kind.admin, "-c", srv.config_path]
                              + list(args), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              timeout=60, cwd="/")
    # The auth-userdb socket refuses the lookup: the userdb reply has no
    # uid to compare with the client's (test_auth_userdb_permissions.py).
    p = check(as_ids(pw.pw_uid, pw.pw_gid, "mailbox", "list", "-u",
                     "mcreate", "AsUser"), 75)
    assert p.stdout == ""
    if srv.kind.name == "roost":
        assert p.stderr == ("roostadm(mcreate): Error: User lookup "
                            "failed: userdb lookup failed\n")
    nobody = pwd.getpwnam("nobody")
    p = check(as_ids(nobody.pw_uid, nobody.pw_gid, "mailbox", "list", "-u",
                     "mcreate", "*"), 75)
    assert p.stdout == ""
    if srv.kind.name == "roost":
        assert p.stderr == ("roostadm(mcreate): Error: User lookup "
                            "failed: userdb lookup failed\n")
