"""A Maildir tree written by Roost's src/storage/maildir opens in real
Dovecot 2.3 with the same UIDVALIDITY, UIDNEXT, UIDs, flags, keywords,
folders and subscriptions (the reverse of the unit tests that read trees
Dovecot wrote, tests/fixtures/maildir/).

Needs Debian's dovecot-imapd (skipped with a message otherwise) and the
maildir-mktree helper from the build (ROOST_BUILD, default ./build-check
or ./build).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures", "maildir"))
import dovecot_private  # noqa: E402

pytestmark = pytest.mark.skipif(
    not dovecot_private.available(),
    reason="Dovecot 2.3 is not installed (apt-get install dovecot-imapd); "
           "the Maildir compatibility check needs the real server")


def mktree_path():
    build = os.environ.get("ROOST_BUILD")
    cands = [build] if build else [os.path.join(ROOT, "build-check"),
                                   os.path.join(ROOT, "build")]
    for b in cands:
        p = os.path.join(b, "src", "storage", "maildir", "maildir-mktree")
        if os.path.exists(p):
            return p
    pytest.fail("maildir-mktree not built (looked in %s)" % cands)


def q(name):
    return '"' + name + '"'


@pytest.mark.parametrize("layout,sep,options", [
    ("maildir++", ".", ""),
    ("maildir++", "/", ""),
    ("fs", "/", ":LAYOUT=fs"),
])
def test_dovecot_reads_our_tree(layout, sep, options):
    # Dovecot's unprivileged processes must reach the directory, which
    # pytest's 0700 tmp_path would not allow.
    work = tempfile.mkdtemp(prefix="roost-maildir-compat-")
    os.chmod(work, 0o755)
    try:
        check_tree(work, layout, sep, options)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_tree(work, layout, sep, options):
    d = dovecot_private.PrivateDovecot(work, separator=sep,
                                       location_options=options)
    d.setup()
    tree = d.maildir("user")
    out = subprocess.run([mktree_path(), tree, layout, sep], check=True,
                         capture_output=True, text=True).stdout
    d.chown_tree(tree)
    facts = [line.split("\t") for line in out.splitlines()]
    with d:
        c = d.imap()
        try:
            typ, data = c.list('""', "*")
            listed = set()
            for item in data:
                m = re.match(rb'\(([^)]*)\) "(.)" (.*)$', item)
                name = m.group(3).decode().strip('"')
                listed.add(name)
            typ, data = c.lsub('""', "*")
            subs = {re.match(rb'\(([^)]*)\) "(.)" (.*)$', i).group(3)
                    .decode().strip('"') for i in data}
            for f in facts:
                if f[0] == "mailbox":
                    name = f[1]
                    assert name in listed, (name, listed)
                    typ, st = c.status(q(name), "(UIDVALIDITY UIDNEXT)")
                    vals = dict(re.findall(rb"(UIDVALIDITY|UIDNEXT) (\d+)",
                                           st[0]))
                    assert vals[b"UIDVALIDITY"].decode() == f[2], name
                    assert vals[b"UIDNEXT"].decode() == f[3], name
                    want = {int(g[2]): set(g[3].split()) for g in facts
                            if g[0] == "msg" and g[1] == name}
                    c.select(q(name), readonly=True)
                    typ, data = c.uid("FETCH", "1:*", "(FLAGS)")
                    got = {}
                    for item in data:
                        if item is None:
                            continue
                        m = re.search(rb"UID (\d+) FLAGS \(([^)]*)\)",
                                      item) or re.search(
                            rb"FLAGS \(([^)]*)\) UID (\d+)", item)
                        if m.group(1).isdigit():
                            uid, fl = int(m.group(1)), m.group(2)
                        else:
                            uid, fl = int(m.group(2)), m.group(1)
                        got[uid] = {x for x in fl.decode().split()
                                    if x != "\\Recent"}
                    assert got == want, (name, got, want)
                elif f[0] == "sub":
                    assert f[1] in subs, (f[1], subs)
        finally:
            c.logout()
    assert "Error" not in d.log(), d.log()
    assert "Warning: " not in d.log().replace(
        "Warning: Killed with signal", ""), d.log()
