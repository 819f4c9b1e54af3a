"""Stage 7, write or check.

`write_package` never leaves a half-written package: files go to a temporary
folder beside the target, which then replaces it in two renames.
`compare_package` lists missing, extra and changed files, with unified diffs.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ApigenError

IGNORED = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def write_package(files: dict[Path, str], package_dir: Path) -> None:
    parent = package_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{package_dir.name}.new-", dir=parent))
    except OSError as exc:
        raise ApigenError(
            f"cannot create output folder: {exc.strerror}", source=str(parent)
        ) from None
    try:
        for relative, text in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        os.chmod(staging, 0o755)
        retired = parent / f".{package_dir.name}.old-{os.getpid()}"
        if package_dir.exists():
            package_dir.rename(retired)
        staging.rename(package_dir)
        shutil.rmtree(retired, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ApigenError(f"cannot write: {exc.strerror}", source=str(package_dir)) from None


def existing_files(package_dir: Path) -> set[Path]:
    if not package_dir.is_dir():
        return set()
    found = set()
    for path in package_dir.rglob("*"):
        relative = path.relative_to(package_dir)
        if path.is_file() and not IGNORED.intersection(relative.parts) and path.suffix != ".pyc":
            found.add(relative)
    return found


@dataclass
class Comparison:
    missing: list[Path] = field(default_factory=list)  # expected, not on disk
    extra: list[Path] = field(default_factory=list)  # on disk, not expected
    changed: list[Path] = field(default_factory=list)
    diff: str = ""

    @property
    def equal(self) -> bool:
        return not (self.missing or self.extra or self.changed)

    def report(self, package_dir: Path) -> str:
        lines = [f"missing: {package_dir / p}" for p in self.missing]
        lines += [f"extra:   {package_dir / p}" for p in self.extra]
        lines += [f"changed: {package_dir / p}" for p in self.changed]
        return "\n".join(lines) + ("\n" + self.diff if self.diff else "")


def compare_package(files: dict[Path, str], package_dir: Path) -> Comparison:
    on_disk = existing_files(package_dir)
    result = Comparison(
        missing=sorted(set(files) - on_disk),
        extra=sorted(on_disk - set(files)),
    )
    diffs: list[str] = []
    for relative in sorted(set(files) & on_disk):
        current = (package_dir / relative).read_text(encoding="utf-8", errors="replace")
        if current != files[relative]:
            result.changed.append(relative)
            diffs.extend(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    files[relative].splitlines(keepends=True),
                    fromfile=f"{package_dir / relative} (committed)",
                    tofile=f"{package_dir / relative} (generated)",
                )
            )
    result.diff = "".join(diffs)
    return result
