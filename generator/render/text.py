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
    """A Python string literal for `value` (black later settles the quotes)."""
    return repr(value)


def comment(text: str) -> str:
    """One line of spec text, safe after `# ` and inside a docstring alike.

    Templates print names such as the kind and group into module docstrings as
    well as comments, so the line is escaped as a docstring's text would be.
    """
    return escape_for_docstring(" ".join(clean_text(text).split()))
