"""Where black breaks the few statements whose length depends on the spec.

The black-stable templates (generator.render.tools.format) print what black would:
these functions give black's layout of a call or of a frozenset constant at a given
column, for the shapes black lays out the same way every time. For anything else
(an argument or a member that does not fit even on a line of its own) they give
the flat line, longer than the line length, which sends its block through black.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generator.render.tools.format import LINE_LENGTH, line_width


def _fits(column: int, *lines: str) -> bool:
    return all(column + line_width(line) <= LINE_LENGTH for line in lines)


def _exploded(items: Sequence[str], indent: str) -> list[str] | None:
    """One item a line, with the trailing comma black adds; None for a single item, whose
    line black may break further (a call's arguments, a set's members, alike)."""
    return [f"{indent}{item}," for item in items] if len(items) > 1 else None


def call(column: int, function: str, arguments: Sequence[str], inner: str = "") -> str:
    """`function(arguments)`, or `function(inner(arguments))`, as black prints it at
    `column`: on one line, else split at the outer parentheses, then at the inner ones,
    then one argument a line."""
    joined = ", ".join(arguments)
    body = f"{inner}({joined})" if inner else joined
    flat = f"{function}({body})"
    if _fits(column, flat):
        return flat
    if not inner:
        if _fits(column, "    " + joined):
            return f"{function}(\n    {joined}\n)"
        lines = _exploded(arguments, "    ")
        if lines is not None and _fits(column, *lines):
            return "\n".join([f"{function}(", *lines, ")"])
        return flat
    if _fits(column, "    " + body):
        return f"{function}(\n    {body}\n)"
    if _fits(column, "        " + joined):
        return f"{function}(\n    {inner}(\n        {joined}\n    )\n)"
    lines = _exploded(arguments, "        ")
    if lines is not None and _fits(column, *lines):
        return "\n".join([f"{function}(", f"    {inner}(", *lines, "    )", ")"])
    return flat


def frozenset_constant(name: str, members: Sequence[str]) -> str:
    """`NAME = frozenset({members})` at column 0 as black prints it."""
    joined = ", ".join(members)
    flat = f"{name} = frozenset({{{joined}}})"
    if _fits(0, flat):
        return flat
    if _fits(0, f"    {{{joined}}}"):
        return f"{name} = frozenset(\n    {{{joined}}}\n)"
    lines = _exploded(members, "        ")
    if lines is not None and _fits(0, *lines):
        return "\n".join([f"{name} = frozenset(", "    {", *lines, "    }", ")"])
    return flat


def py_tuple(printed: Iterable[str]) -> str:
    """A tuple display of printed items, as black leaves one that ends with a comma:
    `()`, `(x,)`, else one item a line (the magic trailing comma). Lines after the first
    are relative to where the tuple starts; the template indents them."""
    items = list(printed)
    if len(items) < 2:
        return f"({items[0]},)" if items else "()"
    return "\n".join(["(", *(f"    {item}," for item in items), ")"])


def strings(column: int, before: str, pieces: Sequence[str], after: str = "") -> str:
    """`before(pieces)after`, printed string literals implicitly concatenated in
    parentheses, as black prints them at `column`: on one line if it fits, else one
    piece a line."""
    flat = f"{before}({' '.join(pieces)}){after}"
    if _fits(column, flat) or not pieces:
        return flat
    return "\n".join([f"{before}(", *(f"    {piece}" for piece in pieces), f"){after}"])
