"""datamodel-code-generator's classes printed as black prints them, so black need not run.

black over models.py is the longest step of a large cold run. Every class
datamodel-code-generator writes through apigen's template
(templates/models/pydantic_v2/BaseModel.jinja2) has one shape: a header, a
docstring, then fields (`name: T = Field(...)`, `name: T = None`, ...), each with
its docstring. `print_blocks` prints each such class from its syntax tree the way
black does (double quotes, a blank line after the class docstring, black's layout of
the `Field(...)` call), keeping the docstrings' text as apigen's template wrote it;
anything else (a class of another shape, an expression outside the small subset below,
a line that does not fit, a wrapped import) is handed on marked for black, and the
pipeline runs black over the marked blocks only (tests/test_black_stable.py compares
the result with black over the whole file).
"""

from __future__ import annotations

import ast

from generator.render.layout import call
from generator.render.text import py_literal
from generator.render.tools.format import LINE_LENGTH, block_starts, line_width, unvouched


class Unprintable(Exception):
    """An expression or statement outside what `print_blocks` prints."""


def expression(node: ast.expr) -> str:
    """A type hint or a default, as black prints it (a small subset of Python)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{expression(node.value)}.{node.attr}"
    if isinstance(node, ast.Constant):
        value = node.value
        if value is Ellipsis:
            return "..."
        if value is None or isinstance(value, str | bool | int | float):
            if isinstance(value, float) and (
                value != value or value in (float("inf"), -float("inf"))
            ):
                raise Unprintable("a float that is no literal")
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise Unprintable("a negative number (a unary minus in the tree)")
            return py_literal(value)
        raise Unprintable(type(value).__name__)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand = node.operand
        if isinstance(operand, ast.Constant) and type(operand.value) in (int, float):
            return "-" + expression(operand)
        raise Unprintable("a unary minus")
    if isinstance(node, ast.Subscript):
        inner = node.slice
        items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if not items:
            raise Unprintable("an empty subscript")
        return f"{expression(node.value)}[{', '.join(expression(item) for item in items)}]"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        for side in (node.left, node.right):
            if isinstance(side, ast.BinOp) and not isinstance(side.op, ast.BitOr):
                raise Unprintable("mixed operators")
        return f"{expression(node.left)} | {expression(node.right)}"
    if isinstance(node, ast.List):
        return f"[{', '.join(expression(item) for item in node.elts)}]"
    raise Unprintable(type(node).__name__)


def field_value(prefix: str, value: ast.expr) -> str:
    """`prefix = value` at column 4, `Field(...)` laid out as black lays it out."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "Field"
    ):
        arguments = [expression(argument) for argument in value.args]
        for keyword in value.keywords:
            if keyword.arg is None:
                raise Unprintable("**arguments")
            arguments.append(f"{keyword.arg}={expression(keyword.value)}")
        text = call(4, f"{prefix} = Field", arguments)
        if "\n" in text and line_width(text.split("\n", 1)[0]) + 4 > LINE_LENGTH:
            raise Unprintable("a head black would break elsewhere")
        return text
    return f"{prefix} = {expression(value)}"


def docstring_lines(node: ast.stmt, lines: list[str]) -> list[str]:
    """A docstring statement's lines, as apigen's template wrote them."""
    assert node.end_lineno is not None
    return lines[node.lineno - 1 : node.end_lineno]


def is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def print_class(node: ast.ClassDef, lines: list[str]) -> tuple[str, bool]:
    """The class as black prints it, and whether that is sure: its docstring passes
    `unvouched` and every line of code fits (the strings after the fields are no
    docstrings to black, which leaves them as they are, however long)."""
    if node.decorator_list or node.keywords or not all(isinstance(b, ast.Name) for b in node.bases):
        raise Unprintable("a class header of another shape")
    strings = {
        index
        for statement in node.body
        if is_docstring(statement) and statement.end_lineno is not None
        for index in range(statement.lineno - 1, statement.end_lineno)
    }
    assert node.end_lineno is not None
    if any("#" in lines[i] for i in range(node.lineno - 1, node.end_lineno) if i not in strings):
        raise Unprintable("a comment, which the tree does not keep")
    bases = ", ".join(b.id for b in node.bases if isinstance(b, ast.Name))
    out = [f"class {node.name}({bases}):" if bases else f"class {node.name}:"]
    code = [out[0]]
    body = list(node.body)
    sure = True
    if body and is_docstring(body[0]):
        docstring = docstring_lines(body[0], lines)
        out += docstring
        sure = unvouched("\n".join([out[0], *docstring, ""])) is None
        body = body[1:]
        if body:
            out.append("")  # black: one blank line after a class docstring
    for statement in body:
        if is_docstring(statement):
            out += docstring_lines(statement, lines)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if not statement.simple:
                raise Unprintable("a parenthesized target")
            prefix = f"{statement.target.id}: {expression(statement.annotation)}"
            text = prefix if statement.value is None else field_value(prefix, statement.value)
            printed = ["    " + line for line in text.split("\n")]
            out += printed
            code += printed
        elif isinstance(statement, ast.Pass):
            out.append("    pass")
        else:
            raise Unprintable(type(statement).__name__)
    sure = sure and all(line_width(line) <= LINE_LENGTH for line in code)
    return "\n".join(out) + "\n", sure


def print_blocks(source: str) -> list[tuple[str, bool]]:
    """`source` in top-level blocks (format.split_blocks): (text, black's already)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [(source, False)]  # black says what is wrong with it
    lines = source.splitlines()
    starts = block_starts(tree, source.splitlines(keepends=True))
    nodes = {node.lineno - 1: node for node in tree.body}
    ends = [*starts[1:], len(lines)]
    blocks: list[tuple[str, bool]] = []
    for start, end in zip(starts, ends, strict=True):
        node = nodes.get(start)
        text = "\n".join(lines[start:end]) + "\n"
        owned = [n for n in tree.body if start <= n.lineno - 1 < end]
        if isinstance(node, ast.ClassDef) and owned == [node]:
            try:
                blocks.append(print_class(node, lines))
                continue
            except Unprintable:
                pass
        blocks.append((text, start == 0 and header_is_blacks(text)))
    return blocks


def header_is_blacks(text: str) -> bool:
    """The module's head (apigen's header template, then the imports ruff put in order) is
    black's when `unvouched` finds nothing and no import is wrapped in parentheses."""
    return unvouched(text.rstrip("\n") + "\n") is None and not any(
        line.startswith(("from ", "import ")) and "(" in line for line in text.split("\n")
    )
