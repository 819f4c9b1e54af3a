"""`--state FILE` and `--objects FILE`: the store on disk, and preloaded objects.

`save_state` writes the whole store as JSON to a temporary file in the same
folder, fsyncs it and renames it over `path` (atomic on POSIX and Windows); it
never touches any other file. `load_state` reads it back (a missing file is an
empty store). `attach_state` saves after every change. `load_objects` creates
the objects of a YAML (one or more documents) or JSON file: single objects,
lists of objects, or `kind: List`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ._patch import MergeSchema
from ._resource import ResourceInfo
from ._status import ApiError
from ._store import Store, StoreBackend

if TYPE_CHECKING:
    from ._server import ApiSpec

__all__ = [
    "StateError",
    "attach_state",
    "load_objects",
    "load_state",
    "save_state",
    "store_backend",
]


class StateError(Exception):
    """A state or objects file that cannot be used: one line, `FILE: what is wrong`."""


def save_state(path: str | os.PathLike[str], store: Store) -> None:
    target = Path(path)
    data = json.dumps(store.dump(), separators=(",", ":"), sort_keys=True).encode()
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or Path(".")
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def load_state(path: str | os.PathLike[str], store: Store) -> bool:
    """Fill `store` from `path`; False (and nothing loaded) if the file does not exist."""
    target = Path(path)
    try:
        state = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as exc:
        raise StateError(f"{target}: not a state file: {_one_line(exc)}") from None
    if not isinstance(state, dict) or state.get("kind") != "StoreState":
        raise StateError(f"{target}: not a state file: kind is not StoreState")
    try:
        store.restore(state)
    except (KeyError, TypeError, ValueError) as exc:
        raise StateError(f"{target}: not a state file: {_one_line(exc)}") from None
    return True


def attach_state(store: Store, path: str | os.PathLike[str]) -> None:
    """Save the store to `path` after every change."""
    store.add_listener(lambda: save_state(path, store))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _documents(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8")
        docs = list(yaml.safe_load_all(text))
    except (OSError, UnicodeError, yaml.YAMLError) as exc:
        raise StateError(f"{path}: cannot read objects: {_one_line(exc)}") from None
    out: list[Any] = []
    for doc in docs:
        if doc is None:
            continue
        if isinstance(doc, list):
            out += doc
        elif isinstance(doc, dict) and doc.get("kind") == "List":
            out += doc.get("items") or []
        elif isinstance(doc, dict) and str(doc.get("kind", "")).endswith("List") and "items" in doc:
            out += doc.get("items") or []
        else:
            out.append(doc)
    return out


def load_objects(path: str | os.PathLike[str], store: Store) -> int:
    """Create every object of the file in `store`; the number created.

    An object of a kind the store does not serve, or one the store refuses, is a
    `StateError` naming the file and the object's index."""
    target = Path(path)
    count = 0
    for index, obj in enumerate(_documents(target)):
        if not isinstance(obj, dict):
            raise StateError(f"{target}#/{index}: not an object")
        resource = store.resource_for(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        if resource is None:
            raise StateError(
                f"{target}#/{index}: the store serves no {obj.get('kind')!s} of {obj.get('apiVersion')!s}"
            )
        namespace = str((obj.get("metadata") or {}).get("namespace") or "default")
        try:
            store.create(resource, namespace if resource.namespaced else "", obj)
        except ApiError as exc:
            raise StateError(f"{target}#/{index}: {exc.message}") from None
        count += 1
    return count


def store_backend(
    api: ApiSpec,
    schemas: Mapping[str, MergeSchema],
    *,
    objects: str | os.PathLike[str] | None = None,
    state: str | os.PathLike[str] | None = None,
) -> StoreBackend:
    """The server's default backend: a `Store` of every resource of `api`, its objects
    checked by the generated validators (422), restored from `state` (else preloaded
    with `objects`) and saved there after every change. A bad file is a `StateError`."""

    def validate(resource: ResourceInfo, obj: dict[str, Any]) -> dict[str, Any] | None:
        name = str((obj.get("metadata") or {}).get("name") or "")
        error = api.check(resource.kind, obj, name, [])
        return error.status() if error is not None else None

    store = Store(api.resources, schemas=schemas, validate=validate)
    restored = state is not None and load_state(state, store)
    if objects is not None and not restored:  # a restored state has them already
        load_objects(objects, store)
    if state is not None:
        save_state(state, store)
        attach_state(store, state)
    return StoreBackend(store)
