"""Stage 4, lower: a validated slice becomes the IR (`generator.ir.model`).

Here every decision the templates would otherwise make is taken: which schemas
are classes and which are inlined (Time becomes a datetime, FieldsV1 free-form
JSON), what each property's Python name and type are, what each operation is
called and which parameters and responses it has. Both forms of a described
reference (`$ref` with a sibling `description`, and v3's `allOf: [{$ref}]`)
read the same.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from generator.errors import ApigenError, pointer
from generator.ir import kubernetes
from generator.ir.model import (
    Api,
    Body,
    Constraint,
    Field,
    GroupVersionKind,
    Model,
    Operation,
    Parameter,
    PrinterColumn,
    Response,
    TypeRef,
)  # fmt: skip
from generator.ir.naming import (
    class_name,
    model_field_names,
    operation_name,
    python_name,
    unique_python_names,
)
from generator.spec.convert import HTTP_METHODS
from generator.spec.slice import is_model_schema, ref_name

_CONSTRAINT_KEYWORDS = (
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
    "pattern", "minItems", "maxItems", "enum",
)  # fmt: skip
# Overlay messages ride along as x-apigen-message-<keyword> (see the README, "The overlay").
MESSAGE_PREFIX = "x-apigen-message-"


def unwrap(schema: dict[str, Any]) -> dict[str, Any]:
    """`allOf: [{$ref: X}]` plus siblings reads as `$ref: X` plus siblings."""
    all_of = schema.get("allOf")
    if (
        isinstance(all_of, list)
        and len(all_of) == 1
        and "$ref" in all_of[0]
        and "$ref" not in schema
    ):
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        merged["$ref"] = all_of[0]["$ref"]
        return merged
    return schema


def ref_target(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref_name(ref) if isinstance(ref, str) else None


class Lowering:
    def __init__(self, document: dict[str, Any], source: str):
        self.document = document
        self.source = source
        self.schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
        self.class_names = self.assign_class_names()

    def assign_class_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        owners: dict[str, str] = {}
        for schema_name in sorted(self.schemas):
            if not is_model_schema(self.schemas[schema_name]):
                continue
            cls = class_name(schema_name)
            if cls in owners:
                raise ApigenError(
                    f"schemas {owners[cls]!r} and {schema_name!r} both become class {cls}",
                    source=self.source,
                    pointer=pointer("components", "schemas", schema_name),
                )
            owners[cls] = schema_name
            names[schema_name] = cls
        return names

    def special_type(self, target: str, nullable: bool) -> TypeRef | None:
        """Kubernetes' well-known schemas whose JSON form the document does not spell out."""
        if target in kubernetes.QUANTITY:
            return TypeRef("quantity", nullable=nullable)
        if target in kubernetes.MICROTIME:
            return TypeRef("microtime", format="date-time", nullable=nullable)
        other = kubernetes.UNIONS.get(target)
        props = next(
            (n for n in self.class_names if n.rsplit(".", 1)[-1] == kubernetes.JSON_SCHEMA_PROPS),
            None,
        )
        if other is None or props is None:
            return None
        model = TypeRef("model", model=class_name(self.class_names[props]))
        second = {
            "boolean": TypeRef("boolean"),
            "array-of-props": TypeRef("array", item=model),
            "array-of-strings": TypeRef("array", item=TypeRef("string")),
        }[other]
        return TypeRef("union", options=(model, second), nullable=nullable)

    def type_of(self, raw: dict[str, Any], at: str) -> TypeRef:
        schema = unwrap(raw)
        nullable = bool(schema.get("nullable"))
        target = ref_target(schema)
        if target is not None:
            if target in self.class_names:
                return TypeRef("model", model=class_name(target), nullable=nullable)
            special = self.special_type(target, nullable)
            if special is not None:
                return special
            return self.type_of(self.schemas[target], pointer("components", "schemas", target))
        kind = schema.get("type")
        fmt = schema.get("format")
        if fmt == kubernetes.INT_OR_STRING_FORMAT or schema.get("x-kubernetes-int-or-string"):
            return TypeRef("int-or-string", nullable=nullable)
        if kind == "string":
            if fmt == "date-time":
                return TypeRef("datetime", format=fmt, nullable=nullable)
            return TypeRef("string", format=fmt, nullable=nullable)
        if kind in ("integer", "number", "boolean"):
            return TypeRef(kind, format=fmt, nullable=nullable)
        if kind == "array":
            return TypeRef(
                "array",
                item=self.type_of(schema.get("items", {}), at + "/items"),
                nullable=nullable,
            )
        if kind == "object" or (
            kind is None and ("properties" in schema or "additionalProperties" in schema)
        ):
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra and not schema.get("properties"):
                return TypeRef(
                    "map", item=self.type_of(extra, at + "/additionalProperties"), nullable=nullable
                )
            return TypeRef("object", nullable=nullable)
        return TypeRef("any", nullable=nullable)

    def constraints(self, raw: dict[str, Any]) -> tuple[Constraint, ...]:
        schema = unwrap(raw)
        found = []
        for keyword in _CONSTRAINT_KEYWORDS:
            if keyword not in schema or isinstance(schema[keyword], bool):
                continue  # OpenAPI 3.0's boolean exclusiveMinimum modifies minimum instead
            value = schema[keyword]
            if (
                keyword in ("minimum", "maximum")
                and schema.get("exclusive" + keyword.capitalize()) is True
            ):
                keyword = "exclusive" + keyword.capitalize()
            found.append(
                Constraint(
                    keyword=keyword,
                    value=tuple(value) if isinstance(value, list) else value,
                    message=str(schema.get(MESSAGE_PREFIX + keyword, "")),
                )
            )
        return tuple(found)

    def model(self, schema_name: str) -> Model:
        schema = self.schemas[schema_name]
        at = pointer("components", "schemas", schema_name)
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        json_names = list(properties)
        fields = []
        for json_name, py_name in zip(json_names, model_field_names(json_names), strict=True):
            prop = properties[json_name]
            if not isinstance(prop, dict):
                raise ApigenError(
                    "property is not a schema object",
                    source=self.source,
                    pointer=pointer("components", "schemas", schema_name, "properties", json_name),
                )
            fields.append(
                Field(
                    json_name=json_name,
                    python_name=py_name,
                    type=self.type_of(prop, at + pointer("properties", json_name)),
                    required=json_name in required,
                    description=str(unwrap(prop).get("description", "")),
                    constraints=self.constraints(prop),
                    patch=kubernetes.patch_meta(unwrap(prop)),
                )
            )
        gvks = schema.get("x-kubernetes-group-version-kind") or []
        gvk = (
            GroupVersionKind(gvks[0].get("group", ""), gvks[0]["version"], gvks[0]["kind"])
            if len(gvks) == 1
            else None
        )
        return Model(
            name=class_name(schema_name),
            schema_name=schema_name,
            description=str(schema.get("description", "")),
            fields=tuple(fields),
            gvk=gvk,
            printer_columns=printer_columns(schema, self.source, at),
            short_names=short_names(schema, self.source, at),
        )

    def parameter(self, raw: dict[str, Any]) -> Parameter:
        return Parameter(
            name=raw["name"],
            python_name=python_name(raw["name"]),
            location=raw["in"],
            required=bool(raw.get("required")) or raw["in"] == "path",
            type=self.type_of(raw.get("schema", {}), ""),
            description=str(raw.get("description", "")),
        )

    def body_model(self, content: dict[str, Any]) -> str | None:
        for media in content.values():
            target = ref_target(unwrap((media or {}).get("schema", {})))
            if target in self.class_names:
                return self.class_names[target]
        return None

    def body_type(self, content: dict[str, Any], at: str) -> TypeRef:
        for media in content.values():
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                return self.type_of(media["schema"], at)
        return TypeRef("any")

    def operation(
        self, path: str, method: str, op: dict[str, Any], shared: list[dict[str, Any]]
    ) -> Operation:
        params: dict[tuple[str, str], dict[str, Any]] = {(p["in"], p["name"]): p for p in shared}
        params.update(
            {(p["in"], p["name"]): p for p in op.get("parameters", [])}
        )  # operation's own win
        lowered = argument_names([self.parameter(p) for p in params.values()])
        request = op.get("requestBody")
        body = None
        if request:
            content = request.get("content", {})
            model = self.body_model(content)
            body_type = self.body_type(content, pointer("paths", path, method, "requestBody"))
            if model is None and body_type.kind not in ("object", "any", "map"):
                raise ApigenError(
                    "request body is neither a model nor a JSON object",
                    source=self.source,
                    pointer=pointer("paths", path, method, "requestBody"),
                )
            body = Body(
                model=class_name(model) if model else None,
                required=bool(request.get("required")),
                media_types=tuple(content),
                description=str(request.get("description", "")),
                type=body_type,
            )
        responses = []
        for status, resp in sorted(op.get("responses", {}).items()):
            model = self.body_model(resp.get("content") or {})
            responses.append(
                Response(
                    status=int(status) if str(status).isdigit() else "default",
                    description=str(resp.get("description", "")),
                    model=class_name(model) if model else None,
                    media_types=tuple(resp.get("content") or {}),
                )
            )
        gvk_raw = op.get("x-kubernetes-group-version-kind")
        gvk = (
            GroupVersionKind(gvk_raw.get("group", ""), gvk_raw["version"], gvk_raw["kind"])
            if gvk_raw
            else None
        )
        operation_id = str(op.get("operationId") or f"{method}{path}")
        return Operation(
            operation_id=operation_id,
            python_name=operation_name(strip_tag(operation_id, op.get("tags", []))),
            method=method,
            path=path,
            description=str(op.get("description", "")),
            path_params=tuple(p for p in lowered if p.location == "path"),
            query_params=tuple(
                sorted((p for p in lowered if p.location == "query"), key=lambda p: p.name)
            ),
            body=body,
            responses=tuple(responses),
            action=str(op.get("x-kubernetes-action", "")),
            gvk=gvk,
        )


def argument_names(params: list[Parameter]) -> list[Parameter]:
    """Python names that can sit together in one method signature: path parameters
    first, then the others sorted as the client lists them, none reserved
    (generator.ir.naming.RESERVED_NAMES["parameter"]), none twice (`dry-run` and
    `dryRun` become `dry_run` and `dry_run_2`)."""
    ordered = sorted(params, key=lambda p: (p.location != "path", p.name))
    names = unique_python_names([p.name for p in ordered], "parameter")
    renamed = {id(p): n for p, n in zip(ordered, names, strict=True)}
    return [replace(p, python_name=renamed[id(p)]) for p in params]


def strip_tag(operation_id: str, tags: list[str]) -> str:
    """`createCoreV1NamespacedServiceAccountToken` with tag `core_v1` -> `createNamespacedServiceAccountToken`.

    This is the official Kubernetes client's naming, which users already know.
    """
    for tag in tags:
        camel = "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", tag) if part)
        verb = re.match(r"[a-z]+", operation_id)
        if camel and verb and operation_id[verb.end() :].startswith(camel):
            return operation_id[: verb.end()] + operation_id[verb.end() + len(camel) :]
    return operation_id


def lower(
    document: dict[str, Any],
    root: str | tuple[str, ...],
    *,
    source: str,
    source_name: str,
    spec_sha256: str,
    package: str,
    overlay_sha256: str = "",
    generator_version: str = "",
    source_pointers: tuple[tuple[str, str], ...] = (),
) -> Api:
    """Build the IR of a sliced document whose kind schemas are `root` (the primary first)."""
    lowering = Lowering(document, source)
    roots = (root,) if isinstance(root, str) else root
    for name in roots:
        if name not in lowering.class_names:
            raise ApigenError(
                f"kind schema {name!r} is not an object with properties",
                source=source,
                pointer=pointer("components", "schemas", name),
            )
    root = roots[0]
    models = tuple(lowering.model(name) for name in sorted(lowering.class_names))
    operations = []
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method in item:
                operations.append(lowering.operation(path, method, item[method], shared))
    operations.sort(key=lambda op: (op.path, op.method))
    annotated, resources = kubernetes.group_resources(operations, models)
    python_names = [op.python_name for op in operations]
    if len(set(python_names)) != len(python_names):
        raise ApigenError(
            f"operations share a Python name: {sorted(python_names)}",
            source=source,
            pointer="/paths",
        )
    by_schema = {model.schema_name: model for model in models}
    root_models = [by_schema[name] for name in roots]
    root_model = root_models[0]
    kind = root_model.gvk or GroupVersionKind("", "", root_model.name)
    schemes = document.get("components", {}).get("securitySchemes", {})
    bearer = any(
        s.get("scheme") == "bearer"
        or (s.get("type") == "apiKey" and str(s.get("name", "")).lower() == "authorization")
        for s in schemes.values()
    )
    return Api(
        title=str(document.get("info", {}).get("title", "")),
        kind=kind,
        root_model=root_model.name,
        models=models,
        operations=annotated,
        package=python_name(package),
        source_name=source_name,
        spec_sha256=spec_sha256,
        overlay_sha256=overlay_sha256,
        generator_version=generator_version,
        bearer_auth=bearer,
        kinds=tuple(m.gvk or GroupVersionKind("", "", m.name) for m in root_models),
        root_models=tuple(m.name for m in root_models),
        resources=resources,
        source_pointers=source_pointers,
    )


PRINTER_COLUMNS_KEY = "x-apigen-printer-columns"  # written by `apigen import --crd`
SHORT_NAMES_KEY = "x-apigen-short-names"  # likewise
COLUMN_TYPES = ("integer", "number", "string", "boolean", "date")


def printer_columns(schema: dict[str, Any], source: str, at: str) -> tuple[PrinterColumn, ...]:
    """A kind's `x-apigen-printer-columns`: [{name, jsonPath, type, format?, description?,
    priority?}], as a CRD's additionalPrinterColumns write them."""
    raw = schema.get(PRINTER_COLUMNS_KEY)
    if raw is None:
        return ()
    where = at + pointer(PRINTER_COLUMNS_KEY)
    if not isinstance(raw, list):
        raise ApigenError("must be a list of columns", source=source, pointer=where)
    columns = []
    for i, column in enumerate(raw):
        ok = isinstance(column, dict) and all(
            isinstance(column.get(k), str) and column[k] for k in ("name", "jsonPath", "type")
        )
        if not ok or column["type"] not in COLUMN_TYPES or not column["jsonPath"].startswith("."):
            raise ApigenError(
                "a column needs a name, a jsonPath (.spec.x) and a type of "
                + ", ".join(COLUMN_TYPES),
                source=source,
                pointer=where + pointer(str(i)),
            )
        priority = column.get("priority", 0)
        columns.append(
            PrinterColumn(
                name=column["name"],
                json_path=column["jsonPath"],
                type=column["type"],
                format=str(column.get("format", "")),
                description=str(column.get("description", "")),
                priority=priority if isinstance(priority, int) else 0,
            )
        )
    return tuple(columns)


def short_names(schema: dict[str, Any], source: str, at: str) -> tuple[str, ...]:
    """A kind's `x-apigen-short-names`: the CRD's `names.shortNames`, for discovery."""
    raw = schema.get(SHORT_NAMES_KEY, [])
    if not isinstance(raw, list) or not all(
        isinstance(n, str) and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", n) for n in raw
    ):
        raise ApigenError(
            "must be a list of lower-case DNS labels",
            source=source,
            pointer=at + pointer(SHORT_NAMES_KEY),
        )
    return tuple(raw)
