"""A content-addressed memo for the pipeline's pure but slow steps.

black, datamodel-code-generator, openapi-spec-validator and protoc take most
of a run (and their imports most of the start-up), yet each is a pure function
of its input. `memo(step, parts, compute)` keys an entry by the sha256 of the
step's name, the exact versions of the tools it uses and every input part, so
a hit is byte-identical to a miss by construction: the cache can only save
time. Nothing is imported or run on a hit.

Entries live in $APIGEN_CACHE_DIR, else $XDG_CACHE_HOME/apigen, else
~/.cache/apigen. APIGEN_NO_CACHE=1 turns the cache off. Writes are atomic
(temporary file, then rename); a cache that cannot be read or written is
ignored, never an error.

An entry is never trusted as it is (docs/safety.md): each one starts with an
HMAC-SHA256 of its key and content under a secret made for this cache folder
(`secret`, 0600), and an entry whose tag does not match is deleted and
recomputed. The folder is created 0700 and a folder that is not the user's own,
or that others may write, is not used. `apigen check` reads no entry at all
(`untrusted()`): its verdict always comes from a fresh run.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from generator import __version__

ENTRY_MAGIC = b"apigen-cache-1 "
SECRET_NAME = "secret"
_READS_ALLOWED: ContextVar[bool] = ContextVar("apigen_cache_reads", default=True)


def cache_dir() -> Path | None:
    if os.environ.get("APIGEN_NO_CACHE"):
        return None
    explicit = os.environ.get("APIGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "apigen"


@contextlib.contextmanager
def untrusted() -> Iterator[None]:
    """Within this block every step is computed afresh: entries are written, never read."""
    token = _READS_ALLOWED.set(False)
    try:
        yield
    finally:
        _READS_ALLOWED.reset(token)


def reads_allowed() -> bool:
    """False within `untrusted()`."""
    return _READS_ALLOWED.get()


@cache
def tool_version(distribution: str) -> str:
    """The installed version of a tool; part of every key that uses it."""
    from importlib.metadata import PackageNotFoundError, version  # ~20 ms: only for a key

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def cache_key(step: str, tools: Iterable[str], parts: Iterable[str | bytes]) -> str:
    digest = hashlib.sha256(f"apigen {__version__}\0{step}\0".encode())
    for tool in tools:
        digest.update(f"{tool}=={tool_version(tool)}\0".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)  # length-prefixed: no ambiguity
    return digest.hexdigest()


def private_folder(folder: Path) -> bool:
    """Create `folder` (0700) if need be; True when it is ours and no one else may write it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)
    return True


def cache_secret(folder: Path) -> bytes | None:
    """The folder's HMAC key: 32 random bytes in a 0600 file, made on first use."""
    path = folder / SECRET_NAME
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    secret = path.read_bytes()
    return secret if len(secret) == 32 else None


def entry_tag(secret: bytes, key: str, content: bytes) -> bytes:
    return hmac.new(secret, key.encode() + b"\0" + content, hashlib.sha256).hexdigest().encode()


def read_entry(path: Path, secret: bytes, key: str) -> bytes | None:
    """The entry's content when its tag proves it, else None (and a bad entry is deleted)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    tag_end = len(ENTRY_MAGIC) + 64
    if data.startswith(ENTRY_MAGIC) and data[tag_end : tag_end + 1] == b"\n":
        content = data[tag_end + 1 :]
        if hmac.compare_digest(data[len(ENTRY_MAGIC) : tag_end], entry_tag(secret, key, content)):
            return content
    with contextlib.suppress(OSError):
        path.unlink()
    return None


def write_entry(path: Path, secret: bytes, key: str, content: bytes) -> None:
    for folder in (path.parent.parent, path.parent):  # <step>/<key[:2]>, both user-only
        folder.mkdir(mode=0o700, exist_ok=True)
    # NamedTemporaryFile creates the file 0600; the rename keeps that.
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(ENTRY_MAGIC + entry_tag(secret, key, content) + b"\n" + content)
    os.replace(handle.name, path)


def memo(
    step: str, tools: Iterable[str], parts: Iterable[str | bytes], compute: Callable[[], bytes]
) -> bytes:
    """`compute()`, or its stored result for exactly these tools and inputs."""
    folder = cache_dir()
    if folder is None:
        return compute()
    key = cache_key(step, tools, parts)
    path = folder / step / key[:2] / key
    try:
        secret = cache_secret(folder) if private_folder(folder) else None
    except OSError:
        secret = None
    if secret is None:
        return compute()
    if _READS_ALLOWED.get():
        found = read_entry(path, secret, key)
        if found is not None:
            return found
    result = compute()
    try:
        write_entry(path, secret, key, result)
    except OSError:
        pass  # a read-only or full disk costs time, never correctness
    return result


def lookup(step: str, tools: Iterable[str], parts: Iterable[str | bytes]) -> bytes | None:
    """The stored result `memo` would return for exactly these tools and inputs, when an
    entry exists and its tag proves it; None otherwise (nothing is computed or written)."""
    folder = cache_dir()
    if folder is None or not _READS_ALLOWED.get():
        return None
    key = cache_key(step, tools, parts)
    try:
        secret = cache_secret(folder) if private_folder(folder) else None
    except OSError:
        secret = None
    if secret is None:
        return None
    return read_entry(folder / step / key[:2] / key, secret, key)


def memo_text(
    step: str, tools: Iterable[str], parts: Iterable[str | bytes], compute: Callable[[], str]
) -> str:
    return memo(step, tools, parts, lambda: compute().encode()).decode()
