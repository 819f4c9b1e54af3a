"""JSON and YAML text as Go's encoders write Kubernetes objects.

kube-apiserver writes JSON with `encoding/json` (HTML characters escaped,
UTF-8 kept, a newline after compact output; `pretty` output indented by two
spaces without one) and YAML with sigs.k8s.io/yaml (keys sorted, strings that
YAML would read as another type double-quoted, multi-line strings as literal
blocks). kubectl prints `-o yaml` the same way and `-o json` indented by four.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
# json.dumps(data, ensure_ascii=False, separators=(",", ":")), the encoders made once
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_COMPACT_SORTED = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
# YAML 1.1 words go-yaml v2 reads as booleans and PyYAML's resolver does not.
_GO_BOOLEANS = frozenset({"y", "Y", "n", "N"})


# ObjectMeta's fields in Go's order, which is the order JSON answers write them in.
OBJECT_META_ORDER = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
_OBJECT_META_FIELDS = frozenset(OBJECT_META_ORDER)
# What omitempty leaves out (compared with ==, as `in` does).
_EMPTY: tuple[object, ...] = (None, "", {}, [])


def go_json(data: Any, indent: int = 0, sort_keys: bool = False) -> str:
    """`json.Marshal` (with `indent`, `json.MarshalIndent`) of the JSON form `data`.

    `sort_keys` writes objects as Go writes a `map` (kubectl's jsonpath output).
    """
    if indent:
        text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    else:
        text = (_COMPACT_SORTED if sort_keys else _COMPACT).encode(data)
    for character, escaped in _GO_ESCAPES.items():
        text = text.replace(character, escaped)  # only ever inside strings
    return text


def go_yaml(data: Any) -> str:
    """sigs.k8s.io/yaml's `Marshal` of the JSON form `data` (PyYAML is imported only here:
    a client that never prints YAML does not need it)."""
    yaml: Any = importlib.import_module("yaml")

    dumper_class: Any = type("GoYamlDumper", (yaml.SafeDumper,), {})  # strings as go-yaml v2

    def represent_str(dumper: Any, value: str) -> Any:
        if "\n" in value:
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
        implicit = dumper.resolve(yaml.ScalarNode, value, (True, False))
        if implicit != "tag:yaml.org,2002:str" or value in _GO_BOOLEANS:
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
        return dumper.represent_scalar("tag:yaml.org,2002:str", value)

    dumper_class.add_representer(str, represent_str)
    dumped: str = yaml.dump(
        data, Dumper=dumper_class, sort_keys=True, default_flow_style=False, allow_unicode=True
    )
    return dumped


def go_object_meta(metadata: dict[str, Any]) -> dict[str, Any]:
    """ObjectMeta in Go's field order, empty (omitempty) fields left out."""
    ordered = {
        key: metadata[key]
        for key in OBJECT_META_ORDER
        if key in metadata
        and metadata[key] not in _EMPTY
        and not (key == "generation" and not metadata[key])
    }
    ordered.update({k: v for k, v in metadata.items() if k not in _OBJECT_META_FIELDS})
    return ordered
