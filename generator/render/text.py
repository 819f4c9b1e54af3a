"""Spec text made safe for generated code.

Spec text (descriptions, names, enum values) only ever reaches generated code
through these functions: as a string literal built by `repr`, as a docstring
body that cannot close its quotes, or as a comment that cannot end its line.
"""

from __future__ import annotations

import re
import textwrap

DOC_WIDTH = 88


def clean_text(text: str) -> str:
    """Newlines normalised, control and other invisible characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()


def wrap(text: str, width: int = DOC_WIDTH) -> str:
    """Wrap each paragraph to `width` columns, keeping paragraph breaks."""
    paragraphs = clean_text(text).split("\n")
    return "\n".join(
        textwrap.fill(p, width, break_long_words=False, break_on_hyphens=False) if p else ""
        for p in paragraphs
    )


def docstring_body(text: str, width: int = DOC_WIDTH) -> str:
    """Text that can stand between triple double quotes and means itself (wrapped)."""
    return escape_for_docstring(wrap(text, width))


def escape_for_docstring(text: str) -> str:
    """Backslashes are doubled (no escape sequence survives), every quote in a
    run of two or more is escaped (no run of three can close the docstring),
    and so is a final quote, which would otherwise join the closing ones."""
    text = text.replace("\\", "\\\\")
    return re.sub(r'"{2,}|"$', lambda run: '\\"' * len(run.group()), text)


def py_string(value: str) -> str:
    """A Python string literal for `value`, built by `repr` and quoted as black quotes it.

    black prefers double quotes unless they need more escapes than the single ones
    (black.strings.normalize_string_quotes); `repr`'s escapes of everything else
    (backslashes, control characters) are kept as they are, which black also does.
    """
    literal = repr(value)
    if literal[0] == '"':  # repr chose double quotes: the value has ' and no "
        return literal
    singles, doubles = value.count("'"), value.count('"')
    if doubles > singles:  # repr's quotes need fewer escapes: black keeps them
        return literal
    body = literal[1:-1].replace("\\'", "'")  # repr escapes no " inside '...'
    return '"' + body.replace('"', '\\"') + '"'


def py_literal(value: object) -> str:
    """A JSON scalar as a Python literal, printed as black prints it: strings through
    `py_string`, a float's exponent without `+` (black.numerics writes `1e16`)."""
    if isinstance(value, str):
        return py_string(value)
    text = repr(value)
    if isinstance(value, float):
        text = text.replace("e+", "e")
    return text


def comment(text: str) -> str:
    """One line of spec text, safe after `# ` and inside a docstring alike.

    Templates print names such as the kind and group into module docstrings as
    well as comments, so the line is escaped as a docstring's text would be.
    """
    return escape_for_docstring(" ".join(clean_text(text).split()))
