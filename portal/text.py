"""Text that must stay on one line: anything that can reach an email
header, an SMS or a calendar entry (titles, subjects, names, places)."""
import unicodedata

# Every character Python's str.splitlines() breaks a line at: CR, LF, VT,
# FF, the file/group/record separators, NEL and the Unicode line and
# paragraph separators. A mail library refuses a header holding any of them.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def has_line_break(text):
    return any(ch in LINE_BREAKS for ch in text or "")


def one_line(text):
    """`text` with line breaks and other control characters turned into
    single spaces: safe for an email header whatever was stored."""
    spaced = "".join(" " if ch in LINE_BREAKS or unicodedata.category(ch) == "Cc" else ch for ch in text or "")
    return " ".join(spaced.split())
