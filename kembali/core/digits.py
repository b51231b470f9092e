"""Whether text typed or sent in is a number written in the digits 0-9.

str.isdigit() is true of more than that: of superscripts ("¹"), which int() refuses,
and of other scripts' digits ("٣"), which int() reads. Input checked with it and then
given to int(), or looked up as an id or NRIC, either crashed or found something the
user did not type.
"""


def is_digits(text: str) -> bool:
    """A non-empty run of the ASCII digits 0-9, and nothing else."""
    return text.isascii() and text.isdigit()


def digits_only(text: str) -> str:
    """The ASCII digits of `text`, in order (a code typed with spaces or dashes)."""
    return "".join(ch for ch in text if "0" <= ch <= "9")
