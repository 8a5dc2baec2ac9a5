"""Local Maildirs written by the real clients (mbsync, offlineimap): what
they hold, and the small edits a mail reader makes to them (flag renames,
a new message written tmp/ then new/), so that the tests can change both
sides of a two-way sync.
"""
import os
import time

from clients import mailfiles

LETTER_FLAGS = {v: k for k, v in mailfiles.MAILDIR_FLAGS.items()}


def messages(path):
    """{marker: set of IMAP system flags} of a local Maildir (messages
    without a marker are listed under their file name)."""
    out = {}
    for sub in ("new", "cur"):
        d = os.path.join(path, sub)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                marker = mailfiles.marker_of(f.read()) or name
            _, letters = mailfiles.split_name(name)
            flags = {mailfiles.MAILDIR_FLAGS[c] for c in letters
                     if c in mailfiles.MAILDIR_FLAGS}
            if marker in out:
                raise AssertionError("%s twice in %s" % (marker, path))
            out[marker] = flags
    return out


def find(path, marker):
    """(subdir, file name) of the message with the marker."""
    for sub in ("new", "cur"):
        d = os.path.join(path, sub)
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                if mailfiles.marker_of(f.read()) == marker:
                    return sub, name
    raise AssertionError("%s not in %s" % (marker, path))


def set_flags(path, marker, add=(), remove=()):
    """Changes a message's flags the way a Maildir reader does: renames
    it into cur/ with the new :2, letters."""
    sub, name = find(path, marker)
    base, letters = mailfiles.split_name(name)
    flags = set(letters) | {LETTER_FLAGS[f] for f in add}
    flags -= {LETTER_FLAGS[f] for f in remove}
    new = "%s:2,%s" % (base, "".join(sorted(flags)))
    os.rename(os.path.join(path, sub, name), os.path.join(path, "cur", new))


def deliver_local(path, data):
    """A new message in a local Maildir (tmp/ then new/)."""
    now = time.time()
    name = "%d.M%dP%d.local" % (int(now), int((now % 1) * 1e6), os.getpid())
    tmp = os.path.join(path, "tmp", name)
    os.makedirs(os.path.dirname(tmp), exist_ok=True)
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, os.path.join(path, "new", name))
    time.sleep(0.001)   # unique names


def tree(path):
    """Every file under path with its size and mtime (to see that a run
    changed nothing)."""
    out = {}
    for root, _, files in os.walk(path):
        for n in files:
            p = os.path.join(root, n)
            st = os.stat(p)
            out[os.path.relpath(p, path)] = (st.st_size, st.st_mtime_ns)
    return out


def server_state(srv, user, mailboxes):
    """{mailbox: (STATUS values, {uid: flags})} of the server, for
    comparing before and after a run."""
    from clients import imapconn
    c = imapconn.Conn(srv.imap_port)
    c.login(user, srv.password(user))
    out = {}
    for box in mailboxes:
        untagged, _ = c.ok('STATUS "%s" (MESSAGES UIDNEXT UIDVALIDITY '
                           'HIGHESTMODSEQ)' % box)
        info = c.select(box, examine=True)
        out[box] = ([r.raw for r in untagged],
                    c.uid_flags() if info.get("EXISTS") else {})
    c.ok("LOGOUT")
    c.close()
    return out


def server_messages(srv, user, mailbox):
    """{marker: flags} of a server mailbox, read over IMAP."""
    from clients import imapconn
    c = imapconn.Conn(srv.imap_port)
    c.login(user, srv.password(user))
    info = c.select(mailbox, examine=True)
    out = {}
    if info.get("EXISTS"):
        got = c.fetch("1:*", "(UID FLAGS BODY.PEEK[])")
        for uid, d in got.items():
            marker = mailfiles.marker_of(bytes(d["BODY[]"])) or str(uid)
            assert marker not in out, "%s twice in %s" % (marker, mailbox)
            out[marker] = {f.decode() for f in d["FLAGS"]} - {"\\Recent"}
    c.ok("LOGOUT")
    c.close()
    return out
