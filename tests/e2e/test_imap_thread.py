"""THREAD and UID THREAD (RFC 5256 ORDEREDSUBJECT and REFERENCES, and
REFS as Dovecot) against the real server, with Dovecot's output format."""
import pytest

from test_imap_search import raw_select, start_mbox_server, strip_timing


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
