"""`apigen init`: make a consumer's repository a place where `apigen generate` and
`apigen check` work with no arguments.

It vendors the spec (the embedded TokenRequest spec with its overlay and .proto,
or one kind sliced from a document by `apigen import`) into a folder of the
user's choosing and adds a target to `pyproject.toml`. The file's other content
is kept byte for byte: the new TOML is appended, and the result must parse
before it replaces the file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path

from generator.config import embedded_default_target
from generator.errors import ApigenError


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (no `\\/` is written)."""
    return json.dumps(value, ensure_ascii=False)


def relative_to_root(root: Path, path: Path, what: str) -> str:
    absolute = path if path.is_absolute() else root / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise ApigenError(f"{what} must be inside the project", source=str(path)) from None


def write_new(path: Path, data: bytes) -> bool:
    """Write `data` to a new file; an identical one is kept, a different one is an error."""
    if path.exists():
        if path.is_file() and path.read_bytes() == data:
            return False
        raise ApigenError("exists with other content; not overwritten", source=str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ApigenError(f"cannot write: {exc.strerror}", source=str(path)) from None
    return True


def vendor_embedded(spec_dir: Path) -> dict[str, Path]:
    """Copy the embedded TokenRequest spec, overlay and .proto into `spec_dir`."""
    embedded = embedded_default_target()
    vendored: dict[str, Path] = {}
    for key, source in (
        ("spec", embedded.spec),
        ("overlay", embedded.overlay),
        ("proto", embedded.proto),
    ):
        if source is None:
            continue
        destination = spec_dir / source.name
        write_new(destination, source.read_bytes())
        vendored[key] = destination
    return vendored


def vendor_import(
    spec_dir: Path, source: str, kind: str, group_version: str | None
) -> dict[str, Path]:
    """Slice `kind` out of `source` into `spec_dir/<kind>.openapi.json`."""
    from generator.drift.fetch import read_source
    from generator.drift.importer import import_kind

    spec = read_source(source, kind=kind, group_version=group_version)
    imported = import_kind(spec, kind, group_version)
    destination = spec_dir / f"{kind.lower()}.openapi.json"
    write_new(destination, imported.text().encode("utf-8"))
    return {"spec": destination}


def target_toml(
    name: str,
    values: dict[str, str],
    kinds: tuple[str, ...],
    extensions: tuple[str, ...],
    with_default: bool,
) -> str:
    lines = ["", "# Written by `apigen init`: `apigen generate` / `apigen check` use it."]
    if with_default:
        lines += ["[tool.apigen]", f"default = {toml_string(name)}", ""]
    key = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else toml_string(name)
    lines.append(f"[tool.apigen.targets.{key}]")
    lines += [f"{key} = {toml_string(value)}" for key, value in values.items()]
    lines.append(f"kinds = [{', '.join(toml_string(k) for k in kinds)}]")
    if extensions:
        lines.append(f"extensions = [{', '.join(toml_string(e) for e in extensions)}]")
    return "\n".join(lines) + "\n"


def add_target(
    pyproject: Path,
    name: str,
    text_for: dict[str, str],
    kinds: tuple[str, ...],
    extensions: tuple[str, ...],
) -> None:
    """Append the target to pyproject.toml (created if absent), keeping every other byte."""
    old = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
    try:
        section = tomllib.loads(old).get("tool", {}).get("apigen")
    except tomllib.TOMLDecodeError as exc:
        raise ApigenError(f"cannot read: {exc}", source=str(pyproject)) from None
    if isinstance(section, dict) and name in (section.get("targets") or {}):
        raise ApigenError(f"target {name!r} exists already", source=str(pyproject))
    if old and not old.endswith("\n"):
        old += "\n"
    new = old + target_toml(name, text_for, kinds, extensions, with_default=section is None)
    try:
        tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:  # e.g. a [tool.apigen] written as an inline table
        raise ApigenError(f"cannot add the target here: {exc}", source=str(pyproject)) from None
    handle, partial = tempfile.mkstemp(prefix=".pyproject.", dir=pyproject.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(new)
        if pyproject.exists():
            os.chmod(partial, pyproject.stat().st_mode & 0o7777)
        os.replace(partial, pyproject)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise ApigenError(f"cannot write: {exc.strerror}", source=str(pyproject)) from None


def init_project(
    root: Path,
    *,
    name: str | None,
    spec_dir: Path,
    package_dir: Path,
    source: str | None,
    kind: str | None,
    group_version: str | None,
) -> list[str]:
    """Vendor the spec and add the target; the lines to print."""
    if not package_dir.name.isidentifier():
        raise ApigenError(
            "the package folder's name must be a Python identifier", source=str(package_dir)
        )
    package = relative_to_root(root, package_dir, "the package folder")
    relative_to_root(root, spec_dir, "the spec folder")
    spec_folder = spec_dir if spec_dir.is_absolute() else root / spec_dir
    if source is None:
        embedded = embedded_default_target()
        if kind is not None and kind not in embedded.kinds:
            raise ApigenError(
                f"--kind {kind} needs --source (the embedded spec has {', '.join(embedded.kinds)})"
            )
        files = vendor_embedded(spec_folder)
        kinds, group_version, extensions = (
            embedded.kinds,
            embedded.group_version,
            embedded.extensions,
        )
    else:
        if kind is None:
            raise ApigenError("--source needs --kind")
        files = vendor_import(spec_folder, source, kind, group_version)
        kinds, extensions = (kind,), ()
    target = name or kinds[0].lower()
    values = {key: relative_to_root(root, path, key) for key, path in files.items()}
    if group_version:
        values["group_version"] = group_version
    values["package"] = package
    pyproject = root / "pyproject.toml"
    add_target(pyproject, target, values, kinds, extensions)
    return [
        *(f"vendored {values[key]}" for key in files),
        f"added the target {target!r} to {pyproject}",
        f"next: `apigen generate` writes {package}; `apigen check` compares it",
    ]
