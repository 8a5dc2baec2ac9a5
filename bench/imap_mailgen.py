#!/usr/bin/python3
"""Deterministic, realistic test mail for the IMAP benchmarks
(bench/run-imap.sh): writes Maildirs straight into cur/ as an MDA plus a
mail reader would leave them, so that Roost and Dovecot start from the
same bytes.

Messages are built from a fixed seed: RFC 5322 headers (From, To, Cc,
Subject, Date, Message-ID, In-Reply-To/References for about a third,
MIME-Version, Content-Type), plain-text bodies of English-like words with
a Zipf-like frequency (so "meeting" is common and a few words are rare),
and for about a quarter a multipart/mixed body with a base64 attachment.
The mean size is about 10 KB, so 10,000 messages make about 100 MB.

Two words are planted for SEARCH BODY: RARE_WORD in exactly RARE_COUNT
messages and COMMON_WORD in about half of them.

  imap_mailgen.py DIR COUNT [--seed N] [--small]

writes DIR/{cur,new,tmp} (DIR is the Maildir of one mailbox); --small
makes ~1 KB messages (for the 100,000-message SELECT mailbox).
"""
import argparse
import base64
import os
import random

RARE_WORD = "quixotically"
RARE_COUNT = 3
COMMON_WORD = "meeting"

WORDS = ("the of and to a in is that for it as was with be by on not he "
         "this are or his from at which but have an they you were her "
         "all she there would their we him been has when who will more "
         "no if out so said what up its about into than them can only "
         "other new some could time these two may then do first any my "
         "now such like our over man me even most made after also did "
         "many before must through back years where much your way well "
         "down should because each just those people how too little "
         "state good very make world still own see men work long get "
         "here between both life being under never day same another "
         "know while last might us great old year off come since against "
         "go came right used take three report budget project review "
         "quarter schedule deadline customer release server database "
         "invoice contract design proposal estimate figures attached "
         "please thanks regards forward update agenda notes draft final "
         "minutes office lunch travel expense approval").split()
NAMES = ("alice bob carol dave erin frank grace heidi ivan judy mallory "
         "niaj olivia peggy rupert sybil trent victor walter").split()


def zipf_words(rng, n):
    """n words, the first of WORDS the most frequent."""
    out = []
    size = len(WORDS)
    for _ in range(n):
        # Inverse-power sampling: index ~ size * u^3 favours the front.
        out.append(WORDS[min(size - 1, int(size * rng.random() ** 3))])
    return out


def paragraph(rng, nwords, common):
    words = zipf_words(rng, nwords)
    if common:
        words[rng.randrange(len(words))] = COMMON_WORD
    lines, line = [], []
    for w in words:
        line.append(w)
        if sum(len(x) + 1 for x in line) > 68:
            lines.append(" ".join(line))
            line = []
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


def make_message(rng, no, small=False, rare=False):
    """One message (bytes, LF line ends as Maildir files hold them)."""
    sender = rng.choice(NAMES)
    to = rng.choice(NAMES)
    day = 1 + no % 28
    date = "%s, %02d Mar 2026 %02d:%02d:%02d +0000" % (
        ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")[day % 7], day,
        rng.randrange(24), rng.randrange(60), rng.randrange(60))
    subject = " ".join(zipf_words(rng, rng.randint(2, 7))).capitalize()
    hdr = ["Return-Path: <%s@example.org>" % sender,
           "From: %s <%s@example.org>" % (sender.title(), sender),
           "To: %s <%s@example.org>" % (to.title(), to)]
    if rng.random() < 0.3:
        hdr.append("Cc: %s@example.org, %s@example.org" % (
            rng.choice(NAMES), rng.choice(NAMES)))
    if rng.random() < 0.35 and no > 0:
        ref = "<msg%d@bench.example.org>" % rng.randrange(no)
        subject = "Re: " + subject
        hdr += ["In-Reply-To: %s" % ref, "References: %s" % ref]
    hdr += ["Subject: %s" % subject, "Date: %s" % date,
            "Message-ID: <msg%d@bench.example.org>" % no,
            "MIME-Version: 1.0"]
    common = rng.random() < 0.5
    if small:
        text = paragraph(rng, rng.randint(60, 160), common)
    else:
        text = "\n\n".join(paragraph(rng, rng.randint(40, 200), common and
                                     i == 0)
                           for i in range(rng.randint(1, 12)))
    if rare:
        text += "\n\nThis one is %s different.\n" % RARE_WORD
    attach = not small and rng.random() < 0.25
    if not attach:
        hdr.append("Content-Type: text/plain; charset=us-ascii")
        body = text + "\n"
    else:
        boundary = "=-bench-%d" % no
        hdr.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
        blob = rng.randbytes(rng.randint(6000, 30000))
        b64 = base64.encodebytes(blob).decode()
        body = ("This is a multi-part message in MIME format.\n\n"
                "--%s\nContent-Type: text/plain; charset=us-ascii\n\n%s\n\n"
                "--%s\nContent-Type: application/octet-stream; "
                "name=\"data%d.bin\"\nContent-Transfer-Encoding: base64\n"
                "Content-Disposition: attachment; filename=\"data%d.bin\"\n"
                "\n%s\n--%s--\n" % (boundary, text, boundary, no, no, b64,
                                    boundary))
    return ("\n".join(hdr) + "\n\n" + body).encode()


def write_maildir(path, count, seed=1, small=False, uid=None, gid=None):
    """Writes count messages into path/cur; returns total bytes."""
    rng = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    rare = set(random.Random(seed + 1).sample(range(count),
                                              min(RARE_COUNT, count)))
    total = 0
    base_time = 1772000000
    for no in range(count):
        data = make_message(rng, no, small, no in rare)
        total += len(data)
        vsize = len(data) + data.count(b"\n")
        name = "%d.M%dP%d.bench,S=%d,W=%d:2,S" % (
            base_time + no, no % 1000000, 4242, len(data), vsize)
        p = os.path.join(path, "cur", name)
        with open(p, "wb") as f:
            f.write(data)
        os.utime(p, (base_time + no, base_time + no))
        if uid is not None:
            os.chown(p, uid, gid)
    if uid is not None:
        for root, dirs, _ in os.walk(path):
            os.chown(root, uid, gid)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    total = write_maildir(args.dir, args.count, args.seed, args.small)
    print("wrote %d messages, %.1f MB" % (args.count, total / 1e6))


if __name__ == "__main__":
    main()
