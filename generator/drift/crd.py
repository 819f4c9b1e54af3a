"""`apigen import --crd`: a CustomResourceDefinition manifest as the OpenAPI 3.0 document
kube-apiserver publishes for its custom resource.

    CRD (YAML/JSON, apiextensions.k8s.io/v1) -> one version -> kind schema + meta schemas
    + the resource's paths in its scope (+ status, scale) -> an imported spec

The kind's schema is the version's `schema.openAPIV3Schema`, with `apiVersion`,
`kind` and `metadata` added as kube-apiserver adds them, and its nested objects
named (`CronTabSpec`) so that they become classes. ObjectMeta and what it uses
come from the embedded authentication.k8s.io/v1 spec; ListMeta, Status,
DeleteOptions, Patch, WatchEvent and Scale are small definitions of apigen's own.
The version's `additionalPrinterColumns` are kept as data on the kind's schema
(`x-apigen-printer-columns`), for the server's Table.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import yaml

from generator.drift.importer import GROUP_VERSION_KEY, KINDS_KEY, ImportedSpec
from generator.errors import ApigenError
from generator.ir.lower import COLUMN_TYPES, PRINTER_COLUMNS_KEY, SHORT_NAMES_KEY

EMBEDDED_META = ("ObjectMeta", "ManagedFieldsEntry", "OwnerReference", "Time", "FieldsV1")
MEDIA = ("application/json", "application/yaml")
WATCH_MEDIA = ("application/json;stream=watch",)
PATCH_MEDIA = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
)


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _integer(description: str, fmt: str = "int32") -> dict[str, Any]:
    return {"type": "integer", "format": fmt, "description": description}


def meta_schemas(group: str, version: str) -> dict[str, dict[str, Any]]:
    """apigen's own short definitions of the meta.k8s.io/v1 and autoscaling/v1 bodies."""
    status_gvk = [{"group": "", "version": "v1", "kind": "Status"}]
    return {
        "ListMeta": {
            "type": "object",
            "description": "The metadata of a list: its resourceVersion and paging token.",
            "properties": {
                "continue": _string("The token of the next page, if the list was limited."),
                "remainingItemCount": _integer("How many items the later pages hold.", "int64"),
                "resourceVersion": _string("The resourceVersion the list was read at."),
                "selfLink": _string("Deprecated; not set."),
            },
        },
        "StatusCause": {
            "type": "object",
            "description": "One cause of an error: a field and what is wrong with it.",
            "properties": {
                "field": _string("The field the cause is about."),
                "message": _string("What is wrong."),
                "reason": _string("A machine-readable reason."),
            },
        },
        "StatusDetails": {
            "type": "object",
            "description": "What an error is about: the object and the causes.",
            "properties": {
                "causes": {"type": "array", "items": _ref("StatusCause")},
                "group": _string("The object's group."),
                "kind": _string("The object's kind."),
                "name": _string("The object's name."),
                "retryAfterSeconds": _integer("When to retry."),
                "uid": _string("The object's uid."),
            },
        },
        "Status": {
            "type": "object",
            "description": "The result of an operation that returns no object, or an error.",
            "properties": {
                "apiVersion": _string("v1"),
                "code": _integer("The HTTP status code."),
                "details": _ref("StatusDetails"),
                "kind": _string("Status"),
                "message": _string("A human-readable description."),
                "metadata": _ref("ListMeta"),
                "reason": _string("A machine-readable reason."),
                "status": _string("Success or Failure."),
            },
            "x-kubernetes-group-version-kind": status_gvk,
        },
        "Preconditions": {
            "type": "object",
            "description": "What must hold for a delete to proceed.",
            "properties": {
                "resourceVersion": _string("The expected resourceVersion."),
                "uid": _string("The expected uid."),
            },
        },
        "DeleteOptions": {
            "type": "object",
            "description": "Options of a delete.",
            "properties": {
                "apiVersion": _string("v1"),
                "dryRun": {"type": "array", "items": {"type": "string"}},
                "gracePeriodSeconds": _integer("Seconds before the object is deleted.", "int64"),
                "kind": _string("DeleteOptions"),
                "orphanDependents": {"type": "boolean", "description": "Deprecated."},
                "preconditions": _ref("Preconditions"),
                "propagationPolicy": _string("Orphan, Background or Foreground."),
            },
            "x-kubernetes-group-version-kind": [
                {"group": "", "version": "v1", "kind": "DeleteOptions"}
            ],
        },
        "Patch": {
            "type": "object",
            "description": "A patch, in the form its Content-Type names.",
        },
        "WatchEvent": {
            "type": "object",
            "required": ["type", "object"],
            "description": "One event of a watch.",
            "properties": {
                "object": {"type": "object", "description": "The object (or a Status)."},
                "type": _string("ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."),
            },
        },
        "ScaleSpec": {
            "type": "object",
            "description": "The desired replicas.",
            "properties": {"replicas": _integer("The desired number of replicas.")},
        },
        "ScaleStatus": {
            "type": "object",
            "required": ["replicas"],
            "description": "The observed replicas.",
            "properties": {
                "replicas": _integer("The observed number of replicas."),
                "selector": _string("The label selector of the replicas, as a string."),
            },
        },
        "Scale": {
            "type": "object",
            "description": "The scale subresource of an object.",
            "properties": {
                "apiVersion": _string("autoscaling/v1"),
                "kind": _string("Scale"),
                "metadata": _ref("ObjectMeta"),
                "spec": _ref("ScaleSpec"),
                "status": _ref("ScaleStatus"),
            },
            "x-kubernetes-group-version-kind": [
                {"group": "autoscaling", "version": "v1", "kind": "Scale"}
            ],
        },
    }


def _embedded_meta() -> dict[str, Any]:
    from generator.resources import specs_folder

    path = specs_folder() / "authentication.k8s.io" / "v1" / "tokenrequest.openapi.json"
    schemas = json.loads(path.read_text(encoding="utf-8"))["components"]["schemas"]
    return {name: copy.deepcopy(schemas[name]) for name in EMBEDDED_META}


def load_crd(data: bytes, source: str) -> dict[str, Any]:
    try:
        manifest = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ApigenError(f"not YAML or JSON: {str(exc).splitlines()[0]}", source=source) from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "CustomResourceDefinition":
        raise ApigenError("not a CustomResourceDefinition manifest", source=source, pointer="/kind")
    if manifest.get("apiVersion") != "apiextensions.k8s.io/v1":
        raise ApigenError(
            "only apiextensions.k8s.io/v1 CustomResourceDefinitions are read",
            source=source,
            pointer="/apiVersion",
        )
    return manifest


def _field(obj: Any, key: str, source: str, where: str, kind: type = str) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, kind) or not value:
        raise ApigenError(
            f"{key} is required ({kind.__name__})", source=source, pointer=f"{where}/{key}"
        )
    return value


def _pick_version(
    spec: dict[str, Any], group: str, wanted: str | None, source: str
) -> tuple[int, dict[str, Any]]:
    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        raise ApigenError("the CRD has no versions", source=source, pointer="/spec/versions")
    candidates = [(i, v) for i, v in enumerate(versions) if isinstance(v, dict)]
    if wanted is not None:
        name = wanted.rpartition("/")[2]
        if "/" in wanted and wanted.rpartition("/")[0] != group:
            raise ApigenError(f"the CRD's group is {group}, not {wanted}", source=source)
        chosen = [(i, v) for i, v in candidates if v.get("name") == name]
    else:
        chosen = [(i, v) for i, v in candidates if v.get("storage") and v.get("served", True)]
        chosen = chosen or [(i, v) for i, v in candidates if v.get("served")]
    if not chosen:
        raise ApigenError(
            f"no served version {wanted or ''}".rstrip(), source=source, pointer="/spec/versions"
        )
    return chosen[0]


def _pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", name) if p)


def _hoist(
    schema: Any, name: str, schemas: dict[str, Any], source: str, where: str
) -> dict[str, Any]:
    """Check `schema` and give each nested object with properties its own name."""
    if not isinstance(schema, dict):
        raise ApigenError("a schema must be an object", source=source, pointer=where)
    if "$ref" in schema:
        raise ApigenError("a CRD schema may not use $ref", source=source, pointer=where)
    out = dict(schema)
    properties = schema.get("properties")
    if properties is not None:
        if not isinstance(properties, dict):
            raise ApigenError(
                "properties must be an object", source=source, pointer=f"{where}/properties"
            )
        out["properties"] = {
            key: _named(
                _hoist(sub, name + _pascal(str(key)), schemas, source, f"{where}/properties/{key}"),
                name + _pascal(str(key)),
                schemas,
                source,
                where,
            )
            for key, sub in properties.items()
        }
    if isinstance(schema.get("items"), dict):
        item = _hoist(schema["items"], name + "Item", schemas, source, f"{where}/items")
        out["items"] = _named(item, name + "Item", schemas, source, where)
    return out


def _named(
    schema: dict[str, Any], name: str, schemas: dict[str, Any], source: str, where: str
) -> dict[str, Any]:
    """An object schema with properties, as a named schema and a reference to it."""
    if not isinstance(schema.get("properties"), dict) or schema.get("type", "object") != "object":
        return schema
    if name in schemas:
        raise ApigenError(f"two schemas would be named {name}", source=source, pointer=where)
    schemas[name] = schema
    if "description" not in schema:
        return _ref(name)
    return {"allOf": [_ref(name)], "description": schema["description"]}


def _columns(version: dict[str, Any], source: str, where: str) -> list[dict[str, Any]]:
    columns = version.get("additionalPrinterColumns") or []
    if not isinstance(columns, list):
        raise ApigenError("must be a list", source=source, pointer=where)
    out = []
    for i, column in enumerate(columns):
        at = f"{where}/{i}"
        name = _field(column, "name", source, at)
        json_path = _field(column, "jsonPath", source, at)
        kind = _field(column, "type", source, at)
        if kind not in COLUMN_TYPES:
            raise ApigenError(f"type must be one of {', '.join(COLUMN_TYPES)}", source=source,
                              pointer=f"{at}/type")  # fmt: skip
        entry: dict[str, Any] = {"name": name, "jsonPath": json_path, "type": kind}
        for key in ("format", "description"):
            if isinstance(column.get(key), str):
                entry[key] = column[key]
        if isinstance(column.get("priority"), int):
            entry["priority"] = column["priority"]
        out.append(entry)
    return out


def _query(name: str, description: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": {"type": kind}}


PATH_NAME = {"name": "name", "in": "path", "required": True, "description": "name of the object",
             "schema": {"type": "string"}}  # fmt: skip
PATH_NAMESPACE = {"name": "namespace", "in": "path", "required": True,
                  "description": "object name and auth scope", "schema": {"type": "string"}}  # fmt: skip
WRITE_PARAMS = [
    _query("dryRun", "When present (All), nothing is persisted."),
    _query("fieldManager", "The name of the actor making the change."),
    _query(
        "fieldValidation", "Ignore, Warn or Strict: how unknown or duplicate fields are handled."
    ),
]
LIST_PARAMS = [
    _query("allowWatchBookmarks", "Ask for BOOKMARK events in a watch.", "boolean"),
    _query("continue", "The token of the next page."),
    _query("fieldSelector", "Select by fields (metadata.name, metadata.namespace)."),
    _query("labelSelector", "Select by labels."),
    _query("limit", "At most this many items.", "integer"),
    _query("resourceVersion", "The resourceVersion to read at or watch from."),
    _query("resourceVersionMatch", "How resourceVersion applies to a list."),
    _query("sendInitialEvents", "Start a watch with the current objects.", "boolean"),
    _query("timeoutSeconds", "End a list or watch after this many seconds.", "integer"),
    _query("watch", "Watch for changes instead of listing.", "boolean"),
]
DELETE_PARAMS = [
    _query("dryRun", "When present (All), nothing is persisted."),
    _query("gracePeriodSeconds", "Seconds before the object is deleted.", "integer"),
    _query("propagationPolicy", "Orphan, Background or Foreground."),
]


def _content(name: str, media: tuple[str, ...] = MEDIA) -> dict[str, Any]:
    return {m: {"schema": _ref(name)} for m in media}


def _operation(
    action: str, op_id: str, gvk: dict[str, str], answer: str, *, body: str = "",
    params: list[dict[str, Any]] | None = None, codes: tuple[int, ...] = (200,),
    description: str = "",
) -> dict[str, Any]:  # fmt: skip
    media = MEDIA + WATCH_MEDIA if action in ("list", "watch", "watchlist") else MEDIA
    op: dict[str, Any] = {
        "operationId": op_id,
        "description": description,
        "parameters": [_query("pretty", "Pretty-print the output."), *(params or [])],
        "responses": {
            str(c): {"description": "OK", "content": _content(answer, media)} for c in codes
        },
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk,
    }
    op["responses"]["401"] = {"description": "Unauthorized"}
    if body:
        media_types = PATCH_MEDIA if action == "patch" else MEDIA
        op["requestBody"] = {"required": True, "content": _content(body, media_types)}
    return op


def _paths(
    group: str, version: str, kind: str, plural: str, namespaced: bool, subresources: dict[str, Any]
) -> dict[str, Any]:
    gvk = {"group": group, "version": version, "kind": kind}
    scale_gvk = {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    stem = _pascal(group.replace(".", "-")) + _pascal(version)
    scoped = f"Namespaced{kind}" if namespaced else kind
    prefix = f"/apis/{group}/{version}"
    base = f"{prefix}/namespaces/{{namespace}}/{plural}" if namespaced else f"{prefix}/{plural}"
    scope = [PATH_NAMESPACE] if namespaced else []
    lst = f"{kind}List"
    paths: dict[str, Any] = {
        base: {
            "parameters": scope,
            "get": _operation("list", f"list{stem}{scoped}", gvk, lst, params=LIST_PARAMS,
                              description=f"list or watch objects of kind {kind}"),
            "post": _operation("post", f"create{stem}{scoped}", gvk, kind, body=kind,
                               params=WRITE_PARAMS, codes=(200, 201, 202),
                               description=f"create a {kind}"),
            "delete": _operation("deletecollection", f"deletecollection{stem}{scoped}", gvk,
                                 "Status", body="DeleteOptions", params=DELETE_PARAMS + LIST_PARAMS,
                                 description=f"delete collection of {kind}"),
        },
        f"{base}/{{name}}": {
            "parameters": [PATH_NAME, *scope],
            "get": _operation("get", f"read{stem}{scoped}", gvk, kind,
                              description=f"read the specified {kind}"),
            "put": _operation("put", f"replace{stem}{scoped}", gvk, kind, body=kind,
                              params=WRITE_PARAMS, codes=(200, 201),
                              description=f"replace the specified {kind}"),
            "patch": _operation("patch", f"patch{stem}{scoped}", gvk, kind, body="Patch",
                                params=[*WRITE_PARAMS, _query("force", "Force apply.", "boolean")],
                                codes=(200, 201), description=f"partially update the specified {kind}"),
            "delete": _operation("delete", f"delete{stem}{scoped}", gvk, "Status",
                                 body="DeleteOptions", params=DELETE_PARAMS, codes=(200, 202),
                                 description=f"delete a {kind}"),
        },
    }  # fmt: skip
    watch_base = base.replace(prefix, f"{prefix}/watch", 1)
    paths[watch_base] = {
        "parameters": scope,
        "get": _operation("watchlist", f"watch{stem}{scoped}List", gvk, "WatchEvent",
                          params=LIST_PARAMS, description=f"watch changes to a list of {kind}"),
    }  # fmt: skip
    paths[f"{watch_base}/{{name}}"] = {
        "parameters": [PATH_NAME, *scope],
        "get": _operation("watch", f"watch{stem}{scoped}", gvk, "WatchEvent",
                          params=LIST_PARAMS, description=f"watch changes to a {kind}"),
    }  # fmt: skip
    if namespaced:
        paths[f"{prefix}/watch/{plural}"] = {
            "get": _operation("watchlist", f"watch{stem}{kind}ListForAllNamespaces", gvk,
                              "WatchEvent", params=LIST_PARAMS,
                              description=f"watch changes to a list of {kind}"),
        }  # fmt: skip
        paths[f"{prefix}/{plural}"] = {
            "get": _operation("list", f"list{stem}{kind}ForAllNamespaces", gvk, lst,
                              params=LIST_PARAMS, description=f"list or watch objects of kind {kind}")
        }  # fmt: skip
    for sub, answer, sub_gvk in (("status", kind, gvk), ("scale", "Scale", scale_gvk)):
        if sub not in subresources:
            continue
        title = _pascal(sub)
        paths[f"{base}/{{name}}/{sub}"] = {
            "parameters": [PATH_NAME, *scope],
            "get": _operation("get", f"read{stem}{scoped}{title}", sub_gvk, answer,
                              description=f"read {sub} of the specified {kind}"),
            "put": _operation("put", f"replace{stem}{scoped}{title}", sub_gvk, answer, body=answer,
                              params=WRITE_PARAMS, codes=(200, 201),
                              description=f"replace {sub} of the specified {kind}"),
            "patch": _operation("patch", f"patch{stem}{scoped}{title}", sub_gvk, answer,
                                body="Patch", params=[*WRITE_PARAMS, _query("force", "Force apply.", "boolean")],
                                codes=(200, 201), description=f"partially update {sub} of the specified {kind}"),
        }  # fmt: skip
    return paths


def crd_document(manifest: dict[str, Any], group_version: str | None, source: str) -> ImportedSpec:
    """The OpenAPI 3.0 document of the CRD's custom resource, as an imported spec."""
    spec = _field(manifest, "spec", source, "", dict)
    group = _field(spec, "group", source, "/spec")
    names = _field(spec, "names", source, "/spec", dict)
    kind = _field(names, "kind", source, "/spec/names")
    plural = _field(names, "plural", source, "/spec/names")
    scope = spec.get("scope")
    if scope not in ("Namespaced", "Cluster"):
        raise ApigenError(
            "scope must be Namespaced or Cluster", source=source, pointer="/spec/scope"
        )
    index, chosen = _pick_version(spec, group, group_version, source)
    where = f"/spec/versions/{index}"
    version = _field(chosen, "name", source, where)
    schema_holder = _field(chosen, "schema", source, where, dict)
    raw = schema_holder.get("openAPIV3Schema")
    pointer = f"{where}/schema/openAPIV3Schema"
    if not isinstance(raw, dict) or raw.get("type", "object") != "object":
        raise ApigenError(
            "openAPIV3Schema must be an object schema", source=source, pointer=pointer
        )
    schemas: dict[str, Any] = {**_embedded_meta(), **meta_schemas(group, version)}
    if kind in schemas or f"{kind}List" in schemas:
        raise ApigenError(f"the kind {kind} collides with a meta schema", source=source,
                          pointer="/spec/names/kind")  # fmt: skip
    root = _hoist(raw, kind, schemas, source, pointer)
    properties = dict(root.get("properties") or {})
    properties["apiVersion"] = _string("The versioned schema of this object.")
    properties["kind"] = _string("The REST resource this object represents.")
    properties["metadata"] = {
        "allOf": [_ref("ObjectMeta")],
        "description": "Standard object metadata.",
    }
    root["properties"] = properties
    root["type"] = "object"
    root["x-kubernetes-group-version-kind"] = [{"group": group, "version": version, "kind": kind}]
    columns = _columns(chosen, source, f"{where}/additionalPrinterColumns")
    if columns:
        root[PRINTER_COLUMNS_KEY] = columns
    short = names.get("shortNames") or []
    if not isinstance(short, list) or not all(isinstance(n, str) for n in short):
        raise ApigenError(
            "must be a list of names", source=source, pointer="/spec/names/shortNames"
        )
    if short:
        root[SHORT_NAMES_KEY] = short
    schemas[kind] = root
    schemas[f"{kind}List"] = {
        "type": "object",
        "required": ["items"],
        "description": f"A list of {kind}.",
        "properties": {
            "apiVersion": _string("The versioned schema of this object."),
            "items": {"type": "array", "items": _ref(kind)},
            "kind": _string("The REST resource this object represents."),
            "metadata": {"allOf": [_ref("ListMeta")], "description": "Standard list metadata."},
        },
        "x-kubernetes-group-version-kind": [
            {"group": group, "version": version, "kind": f"{kind}List"}
        ],
    }
    subresources = chosen.get("subresources") or {}
    if not isinstance(subresources, dict):
        raise ApigenError("must be an object", source=source, pointer=f"{where}/subresources")
    if "scale" not in subresources:
        for name in ("Scale", "ScaleSpec", "ScaleStatus"):
            del schemas[name]
    paths = _paths(group, version, kind, plural, scope == "Namespaced", subresources)
    document = {
        "openapi": "3.0.0",
        "info": {
            "title": f"Kubernetes {kind} API ({group}/{version})",
            "version": f"{group}/{version}",
            "description": f"The {kind} custom resource of a CustomResourceDefinition, imported by apigen.",
            KINDS_KEY: [kind],
            GROUP_VERSION_KEY: f"{group}/{version}",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"BearerToken": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"BearerToken": []}],
    }
    from generator.spec.validate import validate_document

    validate_document(document, source)
    operations = sum(1 for item in paths.values() for key in item if key != "parameters")
    return ImportedSpec(document=document, root=kind, operations=operations, roots=(kind,))
