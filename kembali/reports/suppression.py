"""Small-cell suppression for people outside the case team (the ministry analyst).

A count of 1 to 4 people could point at someone, so it becomes None ("fewer than 5").
Suppressing one cell is not enough when a total is shown: the total minus the other
cells gives it back. So where exactly one cell of a row or column is suppressed, the
next smallest non-zero cell is suppressed too (complementary suppression), and a
percentage built on a small count, or leaving a small remainder, goes as well."""

from __future__ import annotations

NA = "–"  # not applicable: a measure that is not about people, in a by-sex column
SMALL = 5


def is_small(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL


def suppress_column(values: list) -> list:
    """The cells of one row or column that add up to a shown total: small ones to
    None, and if exactly one went, the smallest other non-zero cell too."""
    out = [None if is_small(v) else v for v in values]
    hidden = sum(1 for value in out if value is None)  # None coming in is hidden already
    if hidden == 1:
        others = [(v, i) for i, v in enumerate(out) if isinstance(v, int) and v > 0]
        if others:
            _, index = min(others)
            out[index] = None
    return out


def suppress_pair(part, whole, percent):
    """A count `part` of a count `whole` and the percentage between them. A small part,
    a small whole or a small remainder (whole - part) hides the percentage; a small
    remainder hides the part as well, so that whole - part cannot be worked out."""
    if part is None or whole is None:
        return (None if is_small(part) else part, None if is_small(whole) else whole, None)
    remainder = whole - part
    if is_small(remainder):
        part = None
    if is_small(part) or is_small(whole) or is_small(remainder) or part is None:
        percent = None
    return (None if is_small(part) else part, None if is_small(whole) else whole, percent)
