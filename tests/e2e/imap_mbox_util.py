"""Helpers for the mailbox-level IMAP tests (test_imap_mailbox*.py,
test_imap_idle*.py): raw sessions, Dovecot's reply texts without the
timing, and Maildir deliveries by "another program" (a file renamed
into new/ or cur/, as an MDA does)."""
import os
import pwd
import re
import time

TIMING_RE = re.compile(r" \(\d+\.\d{3} \+ \d+\.\d{3}(?: \+ \d+\.\d{3})? "
                       r"secs\)\.$")


def text(tagged):
    """A tagged reply without Dovecot's " (0.001 + 0.000 secs)" timing:
    "OK [READ-WRITE] Select completed."."""
    return TIMING_RE.sub(".", tagged)


def session(server, user="alice"):
    """A raw LineClient logged in as user (greeting and login read)."""
    c = server.line_client()
    c.readline()
    untagged, tagged = c.command('LOGIN %s "%s"' % (user,
                                                    server.password(user)))
    assert tagged.startswith("OK"), tagged
    return c


def cmd(c, line):
    """(untagged lines, tagged text without the timing)."""
    untagged, tagged = c.command(line)
    return untagged, text(tagged)


def ok(c, line):
    """Runs a command that must succeed; returns its untagged lines."""
    untagged, tagged = cmd(c, line)
    assert tagged.startswith("OK"), (line, tagged)
    return untagged


def maildir_path(server, user, mailbox="INBOX"):
    """The Maildir++ directory of mailbox (separator '/' in names, '.' on
    disk)."""
    root = os.path.join(server.mail_dir, user)
    if mailbox.upper() == "INBOX":
        return root
    return os.path.join(root, "." + mailbox.replace("/", "."))


_counter = [0]


def deliver(server, user, mailbox="INBOX", body=None, flags=None):
    """Writes a message as an MDA would: into tmp/, then renamed into new/
    (or into cur/ with ":2,<flags>" when flags is given).  The mailbox
    must exist.  Returns the final path."""
    _counter[0] += 1
    base = "%d.M%dP%d.e2e-host" % (time.time(), _counter[0], os.getpid())
    if body is None:
        body = ("From: a@example.com\nSubject: message %d\n\nbody %d\n"
                % (_counter[0], _counter[0]))
    d = maildir_path(server, user, mailbox)
    tmp = os.path.join(d, "tmp", base)
    with open(tmp, "w") as f:
        f.write(body)
    if server.root:
        pw = pwd.getpwnam(server.mail_user)
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    if flags is None:
        final = os.path.join(d, "new", base)
    else:
        final = os.path.join(d, "cur", base + ":2," + flags)
    os.rename(tmp, final)
    return final


def make_maildir(server, user, mailbox="INBOX"):
    """Creates an empty Maildir (cur, new, tmp) as an MDA would before
    any IMAP session has seen it."""
    d = maildir_path(server, user, mailbox)
    paths = [os.path.join(server.mail_dir, user), d] + [
        os.path.join(d, sub) for sub in ("cur", "new", "tmp")]
    for p in paths:
        if not os.path.isdir(p):
            os.mkdir(p, 0o700)
            if server.root:
                pw = pwd.getpwnam(server.mail_user)
                os.chown(p, pw.pw_uid, pw.pw_gid)
    return d


def cur_files(server, user, mailbox="INBOX"):
    """The files in cur/, sorted by name (= delivery order here)."""
    d = os.path.join(maildir_path(server, user, mailbox), "cur")
    return sorted(os.path.join(d, n) for n in os.listdir(d))


def set_file_flags(path, flags):
    """Renames a cur/ file to carry exactly flags (e.g. "ST"), as a
    Maildir client would; returns the new path."""
    base = path.split(":2,")[0]
    new = base + ":2," + "".join(sorted(flags))
    os.rename(path, new)
    return new


def tree_snapshot(server, user):
    """Every path under the user's Maildir with its type, for "nothing
    changed on disk" checks (Dovecot's index files left out)."""
    root = os.path.join(server.mail_dir, user)
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames:
            out.add(("d", os.path.relpath(os.path.join(dirpath, n), root)))
        for n in filenames:
            if n.startswith("dovecot") or n.endswith((".sqlite",
                                                      ".sqlite-wal",
                                                      ".sqlite-shm")):
                continue
            out.add(("f", os.path.relpath(os.path.join(dirpath, n), root)))
    return out
