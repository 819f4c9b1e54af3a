"""JSON and YAML text as Go's encoders write Kubernetes objects.

kube-apiserver writes JSON with `encoding/json` (HTML characters escaped,
UTF-8 kept, a newline after compact output; `pretty` output indented by two
spaces without one) and YAML with sigs.k8s.io/yaml (keys sorted, strings that
YAML would read as another type double-quoted, multi-line strings as literal
blocks). kubectl prints `-o yaml` the same way and `-o json` indented by four.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
# YAML 1.1 words go-yaml v2 reads as booleans and PyYAML's resolver does not.
_GO_BOOLEANS = frozenset({"y", "Y", "n", "N"})


def go_json(data: Any, indent: int = 0) -> str:
    """`json.Marshal` (with `indent`, `json.MarshalIndent`) of the JSON form `data`."""
    if indent:
        text = json.dumps(data, ensure_ascii=False, indent=indent)
    else:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _GO_ESCAPES.items():
        text = text.replace(character, escaped)  # only ever inside strings
    return text


class _GoYamlDumper(yaml.SafeDumper):
    """Strings as go-yaml v2 writes them."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    implicit = dumper.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if implicit != "tag:yaml.org,2002:str" or value in _GO_BOOLEANS:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_GoYamlDumper.add_representer(str, _represent_str)


def go_yaml(data: Any) -> str:
    """sigs.k8s.io/yaml's `Marshal` of the JSON form `data`."""
    return yaml.dump(
        data, Dumper=_GoYamlDumper, sort_keys=True, default_flow_style=False, allow_unicode=True
    )
