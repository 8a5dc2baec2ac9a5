"""Messages and Maildirs for the acceptance tests: deterministic test
messages with a unique marker each, a Maildir delivery done the Maildir
way (tmp/ then rename into new/), and a reader of what is on disk
(dovecot-uidlist, flags from file names, dovecot-keywords) to compare the
IMAP view with the files.
"""
import os
import pwd
import re
import socket
import time

MAILDIR_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered",
                 "S": "\\Seen", "T": "\\Deleted"}


def make_message(marker, subject=None, body_lines=3, sender="sender",
                 date="Mon, 02 Feb 2026 10:00:00 +0000"):
    """A small RFC 5322 message (CRLF) whose Message-ID and body carry
    the marker."""
    subject = subject or "test %s" % marker
    lines = ["From: %s <%s@example.org>" % (sender.title(), sender),
             "To: Alice <alice@example.org>",
             "Subject: %s" % subject,
             "Date: %s" % date,
             "Message-ID: <%s@roost.test>" % marker,
             "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=us-ascii",
             ""]
    lines += ["Line %d of message %s." % (i, marker)
              for i in range(body_lines)]
    lines.append("marker=%s" % marker)
    return ("\r\n".join(lines) + "\r\n").encode()


def marker_of(data):
    """The marker of a message made by make_message() (from its body), or
    None."""
    m = re.search(rb"marker=([A-Za-z0-9_.-]+)", data)
    return m.group(1).decode() if m else None


def mail_user_ids(srv):
    """(uid, gid) the server's mail processes run as."""
    pw = pwd.getpwnam(srv.mail_user)
    return pw.pw_uid, pw.pw_gid


def maildir_path(srv, user, mailbox="INBOX"):
    """The Maildir of a mailbox of the harness's layout
    (maildir:<mail>/%u, Maildir++: INBOX at the root, folders .Name)."""
    root = os.path.join(srv.mail_dir, user)
    if mailbox.upper() == "INBOX":
        return root
    return os.path.join(root, "." + mailbox.replace("/", "."))


_deliver_no = 0


def ensure_maildir(srv, user, mailbox="INBOX"):
    """Creates the Maildir (and the user's root) if missing, owned by the
    mail user, as a delivery agent does for a new user."""
    path = maildir_path(srv, user, mailbox)
    root = os.path.join(srv.mail_dir, user)
    ids = mail_user_ids(srv) if os.geteuid() == 0 else None
    for d in [root, path] + [os.path.join(path, s)
                             for s in ("tmp", "new", "cur")]:
        if not os.path.isdir(d):
            os.mkdir(d, 0o700)
            if ids:
                os.chown(d, *ids)
    return path


def deliver(srv, user, data, mailbox="INBOX"):
    """Delivers a message the Maildir way, as an MDA does: write it to
    tmp/<unique>, then rename it into new/.  Returns the file name."""
    global _deliver_no
    _deliver_no += 1
    path = ensure_maildir(srv, user, mailbox)
    now = time.time()
    name = "%d.M%dP%dQ%d.%s" % (int(now), int((now % 1) * 1e6), os.getpid(),
                                _deliver_no, socket.gethostname())
    tmp = os.path.join(path, "tmp", name)
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if os.geteuid() == 0:
        uid, gid = mail_user_ids(srv)
        os.chown(tmp, uid, gid)
    os.rename(tmp, os.path.join(path, "new", name))
    return name


def split_name(name):
    """(base, flag letters) of a Maildir file name."""
    base, sep, info = name.partition(":")
    flags = info[2:].split(",")[0] if sep and info.startswith("2,") else ""
    return base, flags


def read_keywords(path):
    """{index: name} from dovecot-keywords."""
    out = {}
    try:
        with open(os.path.join(path, "dovecot-keywords")) as f:
            for line in f:
                idx, _, name = line.rstrip("\n").partition(" ")
                if idx.isdigit():
                    out[int(idx)] = name
    except FileNotFoundError:
        pass
    return out


def read_uidlist(path):
    """(uidvalidity, next_uid, {uid: base name}) from dovecot-uidlist."""
    with open(os.path.join(path, "dovecot-uidlist")) as f:
        lines = f.read().split("\n")
    header = lines[0].split()
    if header[0] != "3":
        raise AssertionError("uidlist version %r" % header[0])
    fields = {h[0]: h[1:] for h in header[1:]}
    recs = {}
    for line in lines[1:]:
        if not line:
            continue
        uid, _, rest = line.partition(" ")
        base = rest[rest.index(":") + 1:]
        uid = int(uid)
        if uid in recs:
            raise AssertionError("UID %d twice in dovecot-uidlist" % uid)
        recs[uid] = base
    return int(fields["V"]), int(fields["N"]), recs


def read_files(path):
    """{base name: (dir, set of IMAP flags incl. keywords)} for the files
    in new/ and cur/."""
    keywords = read_keywords(path)
    out = {}
    for sub in ("new", "cur"):
        for name in os.listdir(os.path.join(path, sub)):
            base, letters = split_name(name)
            if base in out:
                raise AssertionError("%s twice on disk: %s/%s and %s" % (
                    base, sub, name, out[base]))
            flags = set()
            for ch in letters:
                if ch in MAILDIR_FLAGS:
                    flags.add(MAILDIR_FLAGS[ch])
                elif "a" <= ch <= "z":
                    flags.add(keywords.get(ord(ch) - ord("a"),
                                           "<keyword %s>" % ch))
            out[base] = (sub, flags)
    return out


def disk_view(path):
    """(uidvalidity, next_uid, {uid: flags}, files without a UID) of a
    Maildir: the UIDs whose file exists, with the flags its name holds."""
    validity, next_uid, recs = read_uidlist(path)
    files = read_files(path)
    view = {}
    for uid, base in recs.items():
        if base in files:
            view[uid] = files[base][1]
    listed = set(recs.values())
    unlisted = sorted(b for b in files if b not in listed)
    return validity, next_uid, view, unlisted


def read_message_files(path):
    """{base name: bytes} of every message file in new/ and cur/."""
    out = {}
    for sub in ("new", "cur"):
        d = os.path.join(path, sub)
        for name in os.listdir(d):
            try:
                with open(os.path.join(d, name), "rb") as f:
                    out[split_name(name)[0]] = f.read()
            except FileNotFoundError:
                pass
    return out
