"""The one error type users see: it names the file and the JSON pointer at fault."""

from __future__ import annotations


class ApigenError(Exception):
    """A problem the user can act on: a bad spec, a missing file, a bad option.

    `str()` is one line: ``FILE#POINTER: message`` (pointer and file when known).
    """

    def __init__(self, message: str, *, source: str | None = None, pointer: str | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.pointer = pointer

    def __str__(self) -> str:
        where = self.source or ""
        if self.pointer is not None:
            where += "#" + (self.pointer or "/")
        text = " ".join(self.message.split())  # always one line
        return printable(f"{where}: {text}" if where else text)


def printable(text: str) -> str:
    """`text` safe to print on one line of any terminal: lone surrogates and control
    characters (escape sequences, line breaks) are shown as backslash escapes."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def pointer_escape(token: str) -> str:
    """Escape one reference token for a JSON pointer (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: object) -> str:
    """Build a JSON pointer from its tokens: pointer('paths', '/a/b') == '/paths/~1a~1b'."""
    return "".join("/" + pointer_escape(str(t)) for t in tokens)
