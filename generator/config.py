"""Targets: what to generate from which spec, read from `[tool.apigen]` in pyproject.toml.

    [tool.apigen]
    default = "tokenrequest"

    [tool.apigen.targets.tokenrequest]
    spec = "specs/authentication.k8s.io/v1/tokenrequest.openapi.json"
    overlay = "my-rules.overlay.yaml"                                       # optional
    proto = "my-kind.proto"                                                 # optional
    extensions = ["tokenrequest"]                                           # optional
    kind = "TokenRequest"
    group_version = "authentication.k8s.io/v1"
    package = "generated/authentication_k8s_io_v1"
    extensions = ["tokenrequest"]                                         # optional
    artifacts = ["models", "validators", "client", "server"]              # optional: all

    [tool.apigen.targets.everything]      # models + validators of every definition
    spec = "specs/swagger-v1.35.json.gz"
    definitions = "all"                   # instead of kind/kinds (docs/kinds.md)
    package = "generated/k8s_v1_35"

Relative paths are relative to the folder holding pyproject.toml. With no
`[tool.apigen]` section (or no pyproject.toml at all) the target is the one
embedded in apigen, `embedded_default_target()`; a command line with `--spec`
and `--kind` needs no target at all (`command_line_target`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.errors import ApigenError

ARTIFACT_GROUPS = ("models", "validators", "client", "server")
# What each group imports from the others: choosing one brings these along.
ARTIFACT_NEEDS: dict[str, tuple[str, ...]] = {
    "models": ("validators",),  # KubeModel.validate_k8s
    "validators": ("models",),
    "client": ("models", "validators"),
    "server": ("models", "validators"),
}
EMBEDDED_PACKAGE = "authentication_k8s_io_v1"
# What a package of every definition can hold: the operations of a whole API are not
# one resource's, so its client and server are the group-versions' own targets.
ALL_DEFINITIONS_ARTIFACTS = ("models", "validators")


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
    all_definitions: bool = False  # every definition of the spec (kinds is then empty)

    @property
    def kind(self) -> str:
        if not self.kinds:
            raise ApigenError(
                f"target {self.name!r} generates every definition: it has no kind to compare"
            )
        return self.kinds[0]

    @property
    def package(self) -> str:
        return self.package_dir.name

    def with_spec(self, spec: Path) -> Target:
        """The same target read from another spec; its overlay and proto stay."""
        return replace(self, spec=spec)

    def with_output(self, package_dir: Path) -> Target:
        return replace(self, package_dir=package_dir)


def embedded_default_target(package_dir: Path | None = None) -> Target:
    """The authentication.k8s.io/v1 target (TokenRequest, TokenReview, SelfSubjectReview)
    that ships inside apigen: the one place that defines it.

    Used where no `[tool.apigen]` target is configured; the files are package
    data (generator/resources.py), so it works from any folder.
    """
    from generator.resources import specs_folder

    folder = specs_folder() / "authentication.k8s.io" / "v1"
    return Target(
        name="embedded",
        spec=folder / "tokenrequest.openapi.json",
        kinds=("TokenRequest", "TokenReview", "SelfSubjectReview"),
        package_dir=package_dir or Path.cwd() / EMBEDDED_PACKAGE,
        group_version="authentication.k8s.io/v1",
        extensions=("tokenrequest",),  # its overlay and .proto: generator/extensions/tokenrequest/
    )


def artifact_groups(chosen: list[str] | tuple[str, ...], source: str) -> tuple[str, ...]:
    """The artifact groups to write: the chosen ones and those they import, in a fixed order."""
    unknown = [name for name in chosen if name not in ARTIFACT_GROUPS]
    if unknown or not chosen:
        raise ApigenError(
            f"unknown artifacts {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"choose from {', '.join(ARTIFACT_GROUPS)}",
            source=source,
        )
    wanted = set(chosen)
    for name in chosen:
        wanted.update(ARTIFACT_NEEDS[name])
    return tuple(name for name in ARTIFACT_GROUPS if name in wanted)


def all_definitions_artifacts(artifacts: tuple[str, ...] | None, source: str) -> tuple[str, ...]:
    """The artifacts of an all-definitions target: models and validators (the default);
    a client or server asked for is refused."""
    if artifacts is None:
        return ALL_DEFINITIONS_ARTIFACTS
    refused = [name for name in artifacts if name not in ALL_DEFINITIONS_ARTIFACTS]
    if refused:
        raise ApigenError(
            f"every definition generates models and validators only, not {', '.join(refused)}: "
            "generate a client or server per group-version with its kinds",
            source=source,
        )
    return artifacts


def find_project_root(start: Path | None = None) -> Path:
    root = project_root_or_none(start)
    if root is None:
        here = (start or Path.cwd()).resolve()
        raise ApigenError("no pyproject.toml here or in any parent folder", source=str(here))
    return root


def project_root_or_none(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def has_targets(root: Path) -> bool:
    """Whether the project's pyproject.toml has a `[tool.apigen]` section (read errors: yes,
    so that `load_targets` reports them)."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return True
    return isinstance(data.get("tool", {}).get("apigen"), dict)


def inside_project(root: Path, relative: str, target: str, pyproject: Path) -> Path:
    """A target's package folder: strictly inside the project, whatever `..` or links it uses."""
    folder = root / relative
    resolved, project = folder.resolve(), root.resolve()
    if resolved == project or project not in resolved.parents:
        raise ApigenError(
            f"target {target!r}: package {relative!r} must be a folder inside the project",
            source=str(pyproject),
        )
    return folder


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
        definitions = raw.get("definitions", "kinds")
        if definitions not in ("kinds", "all"):
            raise ApigenError(
                f'target {name!r}: definitions must be "all" or "kinds"',
                source=str(pyproject),
            )
        every = definitions == "all"
        if every and ("kind" in raw or "kinds" in raw):
            raise ApigenError(
                f'target {name!r}: definitions = "all" takes no kind or kinds',
                source=str(pyproject),
            )
        if not every and "kind" not in raw and "kinds" not in raw:
            missing.append("kind")
        if missing:
            raise ApigenError(f"target {name!r} lacks {', '.join(missing)}", source=str(pyproject))

        def path(key: str, raw: dict[str, Any] = raw) -> Path | None:
            return root / raw[key] if raw.get(key) else None

        def names(key: str, raw: dict[str, Any] = raw, name: str = name) -> tuple[str, ...]:
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ApigenError(
                    f"target {name!r}: {key} must be a list of strings", source=str(pyproject)
                )
            return tuple(value)

        if every:
            kinds: tuple[str, ...] = ()
        else:
            kinds = names("kinds") if "kinds" in raw else (str(raw["kind"]),)
            if not kinds:
                raise ApigenError(f"target {name!r}: kinds is empty", source=str(pyproject))
        where = f"{pyproject} (target {name!r})"
        chosen = artifact_groups(names("artifacts"), where) if "artifacts" in raw else None
        if every:
            artifacts = all_definitions_artifacts(chosen, where)
            if raw.get("extensions") or raw.get("proto"):
                raise ApigenError(
                    f'target {name!r}: definitions = "all" takes no extensions or proto',
                    source=str(pyproject),
                )
        else:
            artifacts = chosen or ARTIFACT_GROUPS
        targets[name] = Target(
            name=name,
            spec=root / raw["spec"],
            kinds=kinds,
            package_dir=inside_project(root, raw["package"], name, pyproject),
            group_version=raw.get("group_version"),
            overlay=path("overlay"),
            proto=path("proto"),
            templates=path("templates"),
            extensions=names("extensions"),
            artifacts=artifacts,
            all_definitions=every,
        )
    default = section.get("default") or sorted(targets)[0]
    if default not in targets:
        raise ApigenError(f"default target {default!r} is not defined", source=str(pyproject))
    return targets, default


def resolve_target(name: str | None, root: Path | None = None) -> Target:
    targets, default = load_targets(root or find_project_root())
    chosen = name or default
    if chosen not in targets:
        raise ApigenError(f"no target {chosen!r}; known: {', '.join(sorted(targets))}")
    return targets[chosen]


def configured_or_embedded(name: str | None, start: Path | None = None) -> Target:
    """The project's target `name` (or its default); with no `[tool.apigen]` in reach and no
    name asked for, the embedded default target."""
    root = project_root_or_none(start)
    if root is not None and (name is not None or has_targets(root)):
        return resolve_target(name, root)
    if name is not None:
        raise ApigenError(f"no target {name!r}: no pyproject.toml with [tool.apigen] here")
    return embedded_default_target()


def command_line_target(
    base: Target,
    *,
    spec: Path | None,
    kinds: tuple[str, ...],
    group_version: str | None,
    package_dir: Path | None,
    artifacts: tuple[str, ...] | None,
    all_definitions: bool = False,
) -> Target:
    """The target a command line asks for, on top of `base` (configured or embedded).

    Kinds other than the base target's make a target of the command line alone:
    the base's overlay, proto and extensions are for its own kinds, so they go,
    and the package folder must be given (`--out`). So does `all_definitions`
    (`--all-definitions`: every definition of the spec, models and validators).
    """
    target = base
    if all_definitions:
        if kinds or group_version:
            raise ApigenError("--all-definitions takes no --kind or --group-version")
        if package_dir is None and not base.all_definitions:
            raise ApigenError("--all-definitions needs the package folder: give --out DIR/PACKAGE")
        return Target(
            name=base.name if base.all_definitions else "command-line",
            spec=spec or base.spec,
            kinds=(),
            package_dir=package_dir or base.package_dir,
            overlay=base.overlay if base.all_definitions else None,
            templates=base.templates,
            artifacts=all_definitions_artifacts(artifacts, "--artifacts"),
            all_definitions=True,
        )
    if base.all_definitions and not kinds:
        if group_version is not None:
            raise ApigenError(
                f"target {base.name!r} generates every definition: no --group-version"
            )
        target = replace(base, spec=spec or base.spec, package_dir=package_dir or base.package_dir)
        if artifacts is not None:
            target = replace(target, artifacts=all_definitions_artifacts(artifacts, "--artifacts"))
        return target
    if kinds and kinds != base.kinds:
        if package_dir is None:
            raise ApigenError(
                f"--kind {kinds[0]} is not the target's kind "
                f"({', '.join(base.kinds) or 'every definition'}): give --out DIR/PACKAGE"
            )
        target = Target(
            name="command-line",
            spec=spec or base.spec,
            kinds=kinds,
            package_dir=package_dir,
            group_version=group_version,
            templates=base.templates,
        )
    elif group_version is not None:
        target = replace(target, group_version=group_version)
    if spec is not None:
        target = target.with_spec(spec)
    if package_dir is not None:
        target = target.with_output(package_dir)
    if artifacts is not None:
        target = replace(target, artifacts=artifacts)
    return target
