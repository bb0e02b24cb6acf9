"""The one exception every parser raises for input it cannot turn into a programme.

An import either returns a complete :class:`~hallway.interop.model.Programme` or raises
:class:`FormatError`; the message says what is wrong and ``location`` says where (a line,
an element path or a JSON path), so a person can fix the file.
"""

from __future__ import annotations


class FormatError(ValueError):
    """A schedule file that cannot be read: wrong format, broken, hostile or too large."""

    def __init__(self, message: str, location: str | None = None, *, format: str | None = None):
        self.message = message
        self.location = location
        self.format = format
        text = message if not location else f"{message} (at {location})"
        if format:
            text = f"{format}: {text}"
        super().__init__(text)


def decode_utf8(data: bytes, *, format: str, what: str = "file") -> str:
    """Decode UTF-8 strictly, naming the line and column of the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FormatError(
            f"the {what} is not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded "
            "(is it Latin-1 or another legacy encoding?)",
            f"line {line}, column {column}",
            format=format,
        ) from None
