"""THREAD and UID THREAD (RFC 5256 ORDEREDSUBJECT and REFERENCES, and
REFS as Dovecot) against the real server, with Dovecot's output format."""
import pytest

from test_imap_search import (T0, put_messages, raw_select, start_mbox_server,
                              strip_timing)


@pytest.fixture
def mbox_server(make_server):
    return start_mbox_server(make_server)


def thread(lc, command):
    untagged, tagged = lc.command(command)
    assert strip_timing(tagged) == "OK Thread completed.", (command, tagged)
    assert len(untagged) == 1, untagged
    return untagged[0]


def test_thread_algorithms(mbox_server):
    lc = raw_select(mbox_server)
    # 3 replies to 1 (In-Reply-To), 5 to 4 (References)
    assert thread(lc, "THREAD REFERENCES UTF-8 ALL") == \
        "* THREAD (1 3)(2)(4 5)"
    # REFS orders threads by their newest message: 2 (Sat 23:00 UTC)
    # before (1 3) (Sun 09:00 UTC)
    assert thread(lc, "THREAD REFS UTF-8 ALL") == "* THREAD (2)(1 3)(4 5)"
    assert thread(lc, "THREAD ORDEREDSUBJECT UTF-8 ALL") == \
        "* THREAD (1 3)(2)(4 5)"
    assert thread(lc, "THREAD REFERENCES UTF-8 NOT 1") == \
        "* THREAD (2)(3)(4 5)"
    assert thread(lc, "THREAD REFERENCES UTF-8 1000") == "* THREAD "
    # UIDs after an expunge
    untagged, tagged = lc.command("EXPUNGE")
    assert tagged.startswith("OK"), tagged
    assert thread(lc, "THREAD REFERENCES UTF-8 ALL") == \
        "* THREAD (1 2)(3 4)"
    assert thread(lc, "UID THREAD REFERENCES UTF-8 ALL") == \
        "* THREAD (1 3)(4 5)"
    lc.command("LOGOUT")
    lc.close()


def test_thread_errors(mbox_server):
    lc = raw_select(mbox_server)
    cases = [
        ("THREAD", "BAD Error in IMAP command THREAD: Invalid arguments."),
        ("THREAD REFERENCES", "BAD Error in IMAP command THREAD: "
         "Invalid arguments."),
        ("THREAD (REFERENCES) UTF-8 ALL", "BAD Error in IMAP command "
         "THREAD: Invalid arguments."),
        ("THREAD REFERENCES UTF-8", "BAD Error in IMAP command THREAD: "
         "Missing search parameters."),
        ("THREAD FOO UTF-8 ALL", "BAD Error in IMAP command THREAD: "
         "Unknown thread algorithm."),
        ("UID THREAD FOO UTF-8 ALL", "BAD Error in IMAP command "
         "UID THREAD: Unknown thread algorithm."),
        ("THREAD REFERENCES FOO ALL", "NO [BADCHARSET] Unknown charset."),
        ("THREAD REFERENCES UTF-8 FOO", "BAD Error in IMAP command "
         "THREAD: Unknown argument FOO."),
    ]
    for command, want in cases:
        untagged, tagged = lc.command(command)
        assert untagged == [] and strip_timing(tagged) == want, command
    lc.command("LOGOUT")
    lc.close()


def thread_message(headers, subject, date):
    return ("%sSubject: %s\r\nDate: Mon, 1 Jan 2024 %s +0000\r\n"
            "From: a@example.com\r\n\r\nbody\r\n" % (
                "".join(h + "\r\n" for h in headers), subject,
                date)).encode()


def thread_server(make_server, messages):
    return make_server(setup=lambda srv: put_messages(
        srv, [(data, "", T0) for data in messages]))


def test_thread_reference_loop_breaks_presumed_parent(make_server):
    """imaptest's "thread" script: 2 references a then c, so c is
    presumed to be a's child and 2 c's; message c (3) then says its
    parent is b (2).  Its own References replace the presumed parent,
    and the link that would close a loop (c under its own child) is not
    made: c becomes a root with b under it (RFC 5256 step 1.B)."""
    srv = thread_server(make_server, [
        thread_message(["Message-ID: <a@b>"], "", "17:06:23"),
        thread_message(["Message-ID: <b@b>", "References: <a@b> <c@b>"],
                       "", "15:06:23"),
        thread_message(["Message-ID: <c@b>", "References: <b@b>"], "",
                       "16:06:25"),
    ])
    lc = raw_select(srv)
    assert thread(lc, "THREAD REFERENCES UTF-8 ALL") == \
        "* THREAD (3 2)(1)"
    assert thread(lc, "THREAD REFS UTF-8 ALL") == "* THREAD (3 2)(1)"
    untagged, tagged = lc.command("STORE 1 +FLAGS.SILENT (\\Deleted)")
    assert tagged.startswith("OK"), tagged
    untagged, tagged = lc.command("EXPUNGE")
    assert tagged.startswith("OK"), tagged
    assert thread(lc, "THREAD REFERENCES UTF-8 ALL") == "* THREAD (2 1)"
    lc.command("LOGOUT")
    lc.close()


def test_thread_roots_ordered_after_subject_merge(make_server):
    """REFERENCES: "Re: x" (1, the oldest) joins the dummy-rooted thread
    of 3 and 4 (base subject x) in step 5; that thread then starts with
    1, so it comes before 2 (roots are ordered by date after the merge,
    as Dovecot).  REFS (no subject merge) puts a thread that starts with
    a missing message first among threads of equal newest date."""
    srv = thread_server(make_server, [
        thread_message(["Message-ID: <1@x>"], "Re: x", "00:00:00"),
        thread_message(["Message-ID: <2@x>"], "y", "01:00:00"),
        thread_message(["Message-ID: <3@x>", "References: <p@x>"], "x",
                       "02:00:00"),
        thread_message(["Message-ID: <4@x>", "References: <p@x>"], "x",
                       "03:00:00"),
        thread_message(["Message-ID: <5@x>"], "z", "04:00:00"),
        thread_message(["Message-ID: <6@x>", "In-Reply-To: <q@x>"], "w",
                       "04:00:00"),
    ])
    lc = raw_select(srv)
    assert thread(lc, "THREAD REFERENCES UTF-8 ALL") == \
        "* THREAD ((1)(3)(4))(2)(5)(6)"
    assert thread(lc, "THREAD REFS UTF-8 ALL") == \
        "* THREAD (1)(2)((3)(4))(6)(5)"
    lc.command("LOGOUT")
    lc.close()
