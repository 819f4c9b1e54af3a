"""Targets: what to generate from which spec, read from `[tool.apigen]` in pyproject.toml.

    [tool.apigen]
    default = "tokenrequest"

    [tool.apigen.targets.tokenrequest]
    spec = "specs/authentication.k8s.io/v1/tokenrequest.openapi.json"
    overlay = "specs/authentication.k8s.io/v1/tokenrequest.overlay.yaml"   # optional
    proto = "specs/authentication.k8s.io/v1/tokenrequest.proto"            # optional
    extensions = ["tokenrequest"]                                           # optional
    kind = "TokenRequest"
    group_version = "authentication.k8s.io/v1"
    package = "generated/authentication_k8s_io_v1"

Relative paths are relative to the folder holding pyproject.toml.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from generator.errors import ApigenError


@dataclass(frozen=True)
class Target:
    name: str
    spec: Path
    kinds: tuple[str, ...]  # the kinds of the package; the first is its primary kind
    package_dir: Path  # the package folder itself: .../authentication_k8s_io_v1
    group_version: str | None = None
    overlay: Path | None = None
    proto: Path | None = None
    templates: Path | None = None  # user templates, searched before the built-in ones
    extensions: tuple[str, ...] = ()  # kind-specific behaviour turned on (generator.extensions)
    artifacts: tuple[str, ...] = ("models", "validators", "client", "server")  # Artifact.group

    @property
    def kind(self) -> str:
        return self.kinds[0]

    @property
    def package(self) -> str:
        return self.package_dir.name

    def with_spec(self, spec: Path) -> Target:
        """The same target read from another spec; its overlay and proto stay."""
        return replace(self, spec=spec)

    def with_output(self, package_dir: Path) -> Target:
        return replace(self, package_dir=package_dir)


def find_project_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    raise ApigenError("no pyproject.toml here or in any parent folder", source=str(here))


def load_targets(root: Path) -> tuple[dict[str, Target], str]:
    """All targets of the project and the name of the default one."""
    pyproject = root / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ApigenError(f"cannot read: {exc}", source=str(pyproject)) from None
    section = data.get("tool", {}).get("apigen")
    if not isinstance(section, dict) or not section.get("targets"):
        raise ApigenError("no [tool.apigen.targets] section", source=str(pyproject))
    targets: dict[str, Target] = {}
    for name, raw in section["targets"].items():
        missing = [key for key in ("spec", "package") if key not in raw]
        if "kind" not in raw and "kinds" not in raw:
            missing.append("kind")
        if missing:
            raise ApigenError(f"target {name!r} lacks {', '.join(missing)}", source=str(pyproject))

        def path(key: str, raw: dict[str, str] = raw) -> Path | None:
            return root / raw[key] if raw.get(key) else None

        targets[name] = Target(
            name=name,
            spec=root / raw["spec"],
            kinds=tuple(raw["kinds"]) if "kinds" in raw else (raw["kind"],),
            package_dir=root / raw["package"],
            group_version=raw.get("group_version"),
            overlay=path("overlay"),
            proto=path("proto"),
            templates=path("templates"),
            extensions=_names(raw, "extensions", name, pyproject),
        )
    default = section.get("default") or sorted(targets)[0]
    if default not in targets:
        raise ApigenError(f"default target {default!r} is not defined", source=str(pyproject))
    return targets, default


def _names(raw: dict[str, object], key: str, target: str, pyproject: Path) -> tuple[str, ...]:
    """A list of names (`extensions = ["tokenrequest"]`), or a one-line error."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ApigenError(
            f"target {target!r}: {key} must be a list of names", source=str(pyproject)
        )
    return tuple(str(item) for item in value)


def resolve_target(name: str | None, root: Path | None = None) -> Target:
    targets, default = load_targets(root or find_project_root())
    chosen = name or default
    if chosen not in targets:
        raise ApigenError(f"no target {chosen!r}; known: {', '.join(sorted(targets))}")
    return targets[chosen]
