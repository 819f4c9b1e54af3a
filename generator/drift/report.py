"""The reports of `apigen diff`: text for terminals, JSON for tools, markdown for pull requests.

Changes to Kubernetes' `x-kubernetes-*` extensions are counted in the summary
line of every format; JSON gives each its `extension`, `area`, `before` and
`after`, and markdown puts them in a table of their own.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from generator.drift.diff import Change, DiffResult
from generator.drift.kube_extensions import shown


def summary_line(result: DiffResult) -> str:
    counts = result.counts()
    if not result.changes:
        return f"no changes to the {result.kind} closure"
    parts = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    extensions = len(result.extension_changes())
    if extensions:
        parts += f" ({extensions} to x-kubernetes-* extensions)"
    return f"{len(result.changes)} changes to the {result.kind} closure: {parts}"


def as_text(result: DiffResult) -> str:
    lines = [f"{result.old_source} -> {result.new_source}", summary_line(result)]
    for c in result.changes:
        lines.append(f"  [{c.impact}] {c.kind} {c.pointer}")
        lines.append(f"      {c.detail}; {c.generated}")
    return "\n".join(lines) + "\n"


def as_json(result: DiffResult) -> str:
    payload = {
        "old": result.old_source,
        "new": result.new_source,
        "kind": result.kind,
        "summary": result.counts(),
        "extension_changes": len(result.extension_changes()),
        "changes": [{**asdict(c), "impact": c.impact} for c in result.changes],
    }
    return json.dumps(payload, indent=2) + "\n"


def markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(changes: list[Change]) -> list[str]:
    rows = ["| impact | change | where | generated code |", "|---|---|---|---|"]
    for c in changes:
        rows.append(
            f"| {c.impact} | {markdown_cell(c.detail)} | `{markdown_cell(c.pointer)}` "
            f"| {markdown_cell(c.generated)} |"
        )
    return rows


def extension_table(changes: list[Change]) -> list[str]:
    rows = ["| impact | extension | where | before → after | governs | generated code |"]
    rows.append("|---|---|---|---|---|---|")
    for c in changes:
        before = "absent" if c.before is None else f"`{markdown_cell(shown(c.before))}`"
        after = "absent" if c.after is None else f"`{markdown_cell(shown(c.after))}`"
        rows.append(
            f"| {c.impact} | `{c.extension}` | `{markdown_cell(c.pointer)}` | {before} → {after} "
            f"| {c.area} | {markdown_cell(c.generated)} |"
        )
    return rows


def as_markdown(result: DiffResult) -> str:
    """A pull-request comment: the changes that matter in a table, rewordings folded away."""
    lines = [
        f"### apigen diff: {result.kind}",
        "",
        f"`{result.old_source}` → `{result.new_source}`",
    ]
    lines += ["", f"**{summary_line(result)}**", ""]
    main = [c for c in result.changes if not c.description_only and not c.extension]
    wording = [c for c in result.changes if c.description_only]
    extensions = result.extension_changes()
    if main:
        lines += markdown_table(main) + [""]
    if extensions:
        lines += [f"#### Kubernetes schema extensions ({len(extensions)})", ""]
        lines += extension_table(extensions) + [""]
    if wording:
        lines += [f"<details><summary>{len(wording)} description-only changes</summary>", ""]
        lines += markdown_table(wording) + ["", "</details>", ""]
    return "\n".join(lines)


FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown}
