"""The models artifact: pydantic v2 classes from datamodel-code-generator, in-process.

The IR, not the raw spec, is what it reads: `models_schema` writes the IR's
models back as a small OpenAPI document in which Kubernetes' Time is inlined
as a date-time string (a timezone-aware datetime in Python) and FieldsV1 as a
free-form object. Docstrings reach the templates as extra data, escaped by
apigen. Its templates are `templates/models/` with a target's own `models/`
files laid over them one by one, so one can be overridden and the rest kept.
"""

from __future__ import annotations

import ast
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from generator.errors import ApigenError
from generator.render.cache import lookup, memo_text
from generator.render.text import docstring_body
from generator.render.tools.early import MODELS_STEP, EarlyWorker
from generator.render.tools.format import fix_imports
from generator.resources import templates_folder

if TYPE_CHECKING:  # the models process imports this module first of all: only what it runs
    from generator.ir.model import Api, Field, Model, TypeRef

SCHEMA_REF = "#/components/schemas/"


def type_schema(ref: TypeRef) -> dict[str, Any]:
    schema: dict[str, Any]
    if ref.kind == "model":
        schema = {"$ref": SCHEMA_REF + str(ref.model)}
    elif ref.kind == "datetime":
        schema = {"type": "string", "format": "date-time"}
    elif ref.kind == "microtime":  # keeps its microseconds on the way out (_types.py)
        schema = {"type": "string", "format": "date-time", "x-python-type": "MicroTime"}
    elif ref.kind == "int-or-string":  # 80 stays 80, "http" and "25%" stay strings
        schema = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    elif ref.kind == "quantity":  # "500m" stays a string, 2 and 0.5 stay numbers
        schema = {"anyOf": [{"type": "integer"}, {"type": "number"}, {"type": "string"}]}
    elif ref.kind == "union":
        schema = {"anyOf": [type_schema(option) for option in ref.options]}
    elif ref.kind in ("string", "integer", "number", "boolean"):
        schema = {"type": ref.kind}
        if ref.format and ref.kind != "string":
            schema["format"] = ref.format
    elif ref.kind == "array":
        assert ref.item is not None
        schema = {"type": "array", "items": type_schema(ref.item)}
    elif ref.kind == "map":
        assert ref.item is not None
        schema = {"type": "object", "additionalProperties": type_schema(ref.item)}
    elif ref.kind == "object":
        schema = {"type": "object"}
    else:
        schema = {}
    if ref.nullable:
        schema["nullable"] = True
    return schema


def base_imports(api: Api) -> dict[str, tuple[str, ...]]:
    """What models.py imports from the package's fixed modules, by module."""
    imports: dict[str, tuple[str, ...]] = {"_base": ("KubeModel",)}
    if api.uses_type("microtime"):
        imports["_types"] = ("MicroTime",)
    return imports


def black_docstring(body: str) -> str:
    """A class docstring's body (docstring_body) as black leaves it: the indentation its
    lines after the first share is black's to drop (black.strings.fix_docstring), so it
    is dropped here, and black has nothing to do. (The strings after the fields are no
    docstrings to black: it leaves them as they are.)"""
    lines = body.split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines[1:] if line.strip()]
    shared = min(indents, default=0)
    if not shared:
        return body
    return "\n".join([lines[0], *(line[shared:] for line in lines[1:])])


def field_doc(field: Field) -> str:
    notes = [c.message or f"{c.keyword}: {c.value}" for c in field.constraints]
    text = field.description
    if notes:
        text += "\n\nAPI server rules: " + "; ".join(notes) + "."
    return docstring_body(text)  # an attribute's string, not a docstring: black leaves it


def field_names(api: Api) -> dict[str, str]:
    """The IR's Python name for every field, scoped by class, so that the models,
    the IR and every other artifact agree on each name."""
    return {
        f"{m.name}.{f.json_name}": str(f.python_name)
        for m in api.models
        for f in m.fields
        if f.python_name != f.json_name
    }


def docs_data(api: Api) -> defaultdict[str, dict[str, Any]]:
    """Docstrings for the templates, escaped by apigen (see generator.render.text), by class.

    They travel as extra template data rather than as schema descriptions, so
    datamodel-code-generator never handles spec text.
    """
    data: defaultdict[str, dict[str, Any]] = defaultdict(dict)
    for model in api.models:
        data[str(model.name)] = {
            "apigen_doc": black_docstring(docstring_body(model.description)),
            "apigen_field_docs": {f.json_name: doc for f in model.fields if (doc := field_doc(f))},
        }
    return data


def model_schema(model: Model) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {field.json_name: type_schema(field.type) for field in model.fields},
    }
    required = [f.json_name for f in model.fields if f.required]
    if required:
        schema["required"] = required
    return schema


def models_schema(api: Api) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": api.title or "models", "version": "1"},
        "paths": {},
        "components": {"schemas": {str(m.name): model_schema(m) for m in api.models}},
    }


def model_templates(user_templates: Path | None) -> dict[str, str]:
    """The models templates by relative name: the built-in ones, with the target's
    own `models/` files laid over them (datamodel-code-generator takes one folder)."""
    folders = [templates_folder() / "models"]
    if user_templates and (user_templates / "models").is_dir():
        folders.append(user_templates / "models")
    return {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


STEP = MODELS_STEP
TOOLS = ("datamodel-code-generator", "pydantic")


def render_models(api: Api, header: str, user_templates: Path | None = None) -> str:
    """models.py source (imports in order, not yet formatted). `header` must end with the
    base-class import."""
    return start_models(api, header, user_templates)()


def start_models(
    api: Api, header: str, user_templates: Path | None = None, worker: EarlyWorker | None = None
) -> Callable[[], str]:
    """`render_models`, later: the callable returned gives its text. With `worker` (which has
    imported datamodel-code-generator meanwhile) it runs there, unless the cache has it."""
    schema = json.dumps(models_schema(api), sort_keys=True)
    docs = docs_data(api)
    aliases = field_names(api)
    templates = model_templates(user_templates)
    arguments = (api.source_name, schema, docs, aliases, header, templates)
    if worker is not None and lookup(STEP, TOOLS, models_key(*arguments)) is None:
        return cast(Callable[[], str], worker.submit(models_source, *arguments))
    text = models_source(*arguments)
    return lambda: text


def models_key(
    source_name: str,
    schema: str,
    docs: defaultdict[str, dict[str, Any]],
    aliases: dict[str, str],
    header: str,
    templates: dict[str, str],
) -> list[str]:
    return [schema, json.dumps(docs, sort_keys=True), json.dumps(aliases, sort_keys=True), header,
            json.dumps(templates, sort_keys=True)]  # fmt: skip


def models_source(
    source_name: str,
    schema: str,
    docs: defaultdict[str, dict[str, Any]],
    aliases: dict[str, str],
    header: str,
    templates: dict[str, str],
) -> str:
    """datamodel-code-generator's output (or its cache entry), with the aliases split and
    the import block put in order (its header's import comes before its own)."""
    arguments = (source_name, schema, docs, aliases, header, templates)
    key = models_key(*arguments)
    source = memo_text(STEP, TOOLS, key, lambda: run_datamodel_codegen(*arguments))
    return fix_imports(future_import_apart(split_aliases(source)), "models.py")


def future_import_apart(source: str) -> str:
    """datamodel-code-generator puts `from __future__` straight under the header's module
    docstring; black puts one blank line between them, and so does this."""
    at = source.find('"""\nfrom __future__ import ')
    if at < 0 or source.count('"""', 0, at) != 1:  # not the close of the module docstring
        return source
    return source[: at + 4] + "\n" + source[at + 4 :]


def split_aliases(source: str) -> str:
    """`Field(None, alias=X)` becomes `Field(default=None, validation_alias=X, serialization_alias=X)`.

    Type checkers take a field's `alias` as its constructor parameter (PEP 681),
    so with it `TokenRequestSpec(expiration_seconds=...)` would not type-check.
    With the two aliases instead, the snake_case name is the typed parameter,
    and KubeModel's config (validate_by_name, validate_by_alias,
    serialize_by_alias) still reads and writes the JSON name. A default passed
    by position is passed as `default=`, the form type checkers without
    pydantic's plugin see as a default (`...`, required, stays). X and the
    default are copied as the literals datamodel-code-generator wrote.
    """
    data = source.encode("utf-8")  # ast offsets count UTF-8 bytes
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    edits: list[tuple[int, int, bytes]] = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != "Field":
            continue
        default = node.args[0] if node.args else None
        is_required = isinstance(default, ast.Constant) and default.value is Ellipsis
        if default is not None and not is_required and default.end_lineno is not None:
            begin = starts[default.lineno - 1] + default.col_offset
            end = starts[default.end_lineno - 1] + (default.end_col_offset or 0)
            literal = data[begin:end].decode("utf-8")
            edits.append((begin, end, f"default={literal}".encode()))
        for keyword in node.keywords:
            if keyword.arg == "alias" and keyword.end_lineno is not None:
                begin = starts[keyword.lineno - 1] + keyword.col_offset
                end = starts[keyword.end_lineno - 1] + (keyword.end_col_offset or 0)
                value = keyword.value  # its own offsets: get_source_segment re-splits the source
                literal = data[
                    starts[value.lineno - 1] + value.col_offset : starts[
                        (value.end_lineno or 0) - 1
                    ]
                    + (value.end_col_offset or 0)
                ].decode("utf-8")
                both = f"validation_alias={literal}, serialization_alias={literal}"
                edits.append((begin, end, both.encode("utf-8")))
    pieces: list[bytes] = []
    done = 0
    for begin, end, replacement in sorted(edits):  # one pass: no copy of the source per edit
        pieces += [data[done:begin], replacement]
        done = end
    pieces.append(data[done:])
    return b"".join(pieces).decode("utf-8")


WARM_UP_SCHEMA = {
    "openapi": "3.0.3",
    "info": {"title": "warm-up", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {"WarmUp": {"type": "object", "properties": {"a": {"type": "string"}}}}
    },
}


def warm_up() -> None:
    """datamodel-code-generator run once on a one-class schema, output dropped: what its
    first run imports and builds is then ready for the real one (tools/early.py)."""
    header = "# warm-up\nfrom ._base import KubeModel\n"
    schema = json.dumps(WARM_UP_SCHEMA)
    run_datamodel_codegen("warm-up", schema, defaultdict(dict), {}, header, model_templates(None))


def run_datamodel_codegen(
    source_name: str,
    schema: str,
    docs: defaultdict[str, dict[str, Any]],
    aliases: dict[str, str],
    header: str,
    templates: dict[str, str],
) -> str:
    # Imported only on a cache miss: importing and warming it up takes about a second.
    from datamodel_code_generator import (
        CustomFileHeaderMode,
        DatetimeClassType,
        InputFileType,
        OpenAPIScope,
        PythonVersion,
        generate,
    )
    from datamodel_code_generator.enums import DataModelType

    with tempfile.TemporaryDirectory(prefix="apigen-models-") as scratch:
        folder = Path(scratch)
        for name, text in templates.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        try:
            output = generate(
                schema,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                openapi_scopes=[OpenAPIScope.Schemas],
                snake_case_field=True,
                extra_template_data=docs,
                aliases=aliases,
                use_standard_collections=True,
                use_union_operator=True,
                use_double_quotes=True,
                output_datetime_class=DatetimeClassType.Awaredatetime,
                keep_model_order=True,
                disable_timestamp=True,
                formatters=[],
                custom_template_dir=folder,
                custom_file_header=header,
                custom_file_header_mode=CustomFileHeaderMode.Replace,
            )
        except Exception as exc:  # datamodel-code-generator has no single error type
            raise ApigenError(
                f"datamodel-code-generator failed: {exc}", source=source_name
            ) from exc
    if not isinstance(output, str):
        raise ApigenError("datamodel-code-generator returned several modules", source=source_name)
    check_class_names(output, schema, source_name)
    return output


def check_class_names(output: str, schema: str, source_name: str) -> None:
    """Every class the IR names is in the output under that name: datamodel-code-generator
    renames a class that collides with its own imports, and the other artifacts import
    the IR's names (generator.ir.naming.RESERVED_NAMES keeps that from happening)."""
    for name in json.loads(schema)["components"]["schemas"]:
        if f"\nclass {name}(" not in output:
            raise ApigenError(
                f"datamodel-code-generator renamed class {name}; add the name to"
                " RESERVED_NAMES['class'] in generator/ir/naming.py",
                source=source_name,
            )
