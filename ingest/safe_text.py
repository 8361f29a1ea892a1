"""Text from the corpus made safe to show in a terminal (pure functions).

A caption file, a fiche or cycle.toml may carry terminal control sequences (ESC [ 2 J clears the screen,
ESC ] 8 ; ; … writes a hidden link, C1 controls do the same on some terminals). Every text read from the
corpus goes through :func:`strip_controls` at ingest, so the index and everything shown from it is clean.
"""

from __future__ import annotations

import re

# Escape sequences as terminals parse them (ECMA-48), longest forms first: CSI (ESC [ or C1 \x9b) with its
# parameters and final byte; OSC, DCS, SOS, PM and APC strings up to their terminator (BEL or ST); any other
# ESC followed by intermediate bytes and one final byte. An unterminated string runs to the end of the line.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
# What is left: C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that
# make a line display in another order than it reads (« Trojan source »).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """``text`` without escape sequences and control characters; tabs and newlines are kept."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def visible(text: str) -> str:
    """``text`` as a message may quote it: every non-printable character shown as « � », so a file name
    stays recognisable while nothing in it reaches the terminal."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def has_controls(text: str) -> bool:
    """Whether ``text`` carries anything :func:`strip_controls` would remove (tabs and newlines too)."""
    return strip_controls(text) != text or "\n" in text or "\t" in text
