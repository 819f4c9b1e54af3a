"""`apigen import`: the closure of one or several kinds, from any upstream document, as a vendored spec.

    read (file, URL, cluster) -> slice -> described refs as allOf -> validate -> sorted JSON

The result is a small OpenAPI 3.0 document with short schema names, the drop-in
input of a target. In OpenAPI 3.0 a `$ref` ignores its siblings, so a `$ref`
that carries its own description (as Swagger 2.0 documents write it) is
written the way Kubernetes' own v3 documents do: `allOf: [{$ref}]` beside the
description. Only the slice is validated, which is why importing from a 4 MB
document takes a fraction of validating the whole of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import ApigenError
from generator.spec.load import LoadedSpec, read_bytes
from generator.spec.slice import slice_kinds
from generator.spec.sourcemap import relocate, source_pointers

OVERLAY_SUFFIXES = (".overlay.yaml", ".overlay.yml", ".overlay.json")


@dataclass(frozen=True)
class ImportedSpec:
    document: dict[str, Any]
    root: str  # the primary kind's (short) schema name
    operations: int  # how many operations the slice holds
    roots: tuple[str, ...] = ()  # every kind's (short) schema name, the primary first

    def text(self) -> str:
        return dump_spec(self.document)


def wrap_described_refs(node: Any) -> Any:
    """`{$ref, description, ...}` becomes `{allOf: [{$ref}], description, ...}`, everywhere.

    Beside such a wrapper Kubernetes' v3 documents write the Go zero value
    (`default: {}` or `""`) of the field's type: it means "absent", as in v2,
    which does not write it, and a `{}` default can even violate the target's
    own `required` list. It is dropped, so v2 and v3 sources import alike.
    """
    if isinstance(node, list):
        return [wrap_described_refs(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: wrap_described_refs(v) for k, v in node.items()}
    if isinstance(out.get("$ref"), str) and len(out) > 1:  # not JSONSchemaProps' `$ref` property
        out["allOf"] = [{"$ref": out.pop("$ref")}]
    if is_ref_wrapper(out) and out.get("default", None) in ({}, ""):
        del out["default"]
    return out


def is_ref_wrapper(schema: dict[str, Any]) -> bool:
    all_of = schema.get("allOf")
    return isinstance(all_of, list) and len(all_of) == 1 and "$ref" in all_of[0]


def group_version_of(schema: dict[str, Any]) -> str:
    """`group/version` of the schema's x-kubernetes-group-version-kind ("v1" for core)."""
    for gvk in schema.get("x-kubernetes-group-version-kind", []):
        group, version = gvk.get("group", ""), gvk.get("version", "")
        return f"{group}/{version}" if group else version
    return ""


def slice_info(kind: str, group_version: str, upstream: dict[str, Any]) -> dict[str, Any]:
    """`kind` may be several, comma-separated: `ConfigMap, Secret`."""
    """The info block of an imported spec: what it holds, and what it was cut from."""
    title = f"Kubernetes {kind} API ({group_version})"
    if upstream.get("title") == title:  # re-importing an import keeps its info
        return upstream
    upstream_name = " ".join(
        str(upstream.get(key, "")) for key in ("title", "version") if upstream.get(key)
    )
    info: dict[str, Any] = {"title": title, "version": group_version}
    if upstream_name:
        info["description"] = f"The {kind} closure of {upstream_name}, imported by apigen."
    return info


def import_kind(
    spec: LoadedSpec, kind: str | tuple[str, ...], group_version: str | None = None
) -> ImportedSpec:
    """Slice, rewrite and validate the closure of `kind` (one, or several of one
    group-version); any problem is an ApigenError."""
    from generator.spec.validate import validate_document  # slow to import; `diff` needs none

    kinds = (kind,) if isinstance(kind, str) else tuple(dict.fromkeys(kind))
    sliced = slice_kinds(spec.document, kinds, group_version, spec.source)
    if not sliced.document["paths"]:
        raise ApigenError(
            f"no operation sends or returns {', '.join(kinds)}; is this the right group-version document?",
            source=spec.source,
            pointer="/paths",
        )
    root = sliced.roots[0]
    document = wrap_described_refs(sliced.document)
    schema = document["components"]["schemas"][root]
    document["info"] = slice_info(
        ", ".join(kinds), group_version or group_version_of(schema), spec.document.get("info", {})
    )
    pointers = source_pointers(sliced.renames, spec.original_version == "2.0")
    try:
        validate_document(document, spec.source)
    except ApigenError as error:  # the pointer in the user's file, not the slice's
        raise relocate(error, pointers) from None
    operations = sum(
        1 for item in document["paths"].values() for key in item if key != "parameters"
    )
    return ImportedSpec(document=document, root=root, operations=operations, roots=sliced.roots)


def dump_spec(document: dict[str, Any]) -> str:
    """Sorted, stable JSON with a trailing newline: the vendored form."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def overlay_beside(spec_path: Path) -> Path | None:
    """`x.overlay.yaml` beside `x.openapi.json`, if there is one."""
    stem = spec_path.name.split(".")[0]
    for suffix in OVERLAY_SUFFIXES:
        candidate = spec_path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def check_overlay_applies(imported: ImportedSpec, overlay: Path) -> None:
    """The overlay's every target still selects something, and the result is valid."""
    from generator.spec.overlay import apply_overlay
    from generator.spec.validate import validate_document

    overlaid = apply_overlay(imported.document, read_bytes(overlay), str(overlay))
    validate_document(overlaid, str(overlay))


def write_import(imported: ImportedSpec, out: Path) -> Path | None:
    """Write the spec to `out`; the overlay beside it, if any, is checked first."""
    overlay = overlay_beside(out)
    if overlay is not None:
        check_overlay_applies(imported, overlay)
    partial = out.with_name(out.name + ".partial")  # replaced whole: never a half-written spec
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(imported.text(), encoding="utf-8")
        partial.replace(out)
    except OSError as exc:
        raise ApigenError(f"cannot write: {exc.strerror}", source=str(out)) from None
    return overlay
