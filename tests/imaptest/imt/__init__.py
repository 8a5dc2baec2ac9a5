"""imt: an independent runner for Dovecot imaptest's scripted tests.

The format is specified in shared/imaptest/FORMAT.md; section numbers in the
comments of these modules refer to it.

Modules:
- lexer:   the tokenizer shared by patterns, result lines and server replies
           (section 8), and variable references inside a token (section 7.1)
- match:   compiled patterns and the matching rules (sections 7.3, 9)
- script:  the test file parser (sections 2, 3, 5, 6)
- mbox:    the message source (section 4.4)
- conn:    one IMAP connection: reading replies, sending commands with
           literals
- execute: setup, command groups, pass/fail (sections 4, 10)
"""
