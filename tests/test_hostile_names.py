"""Issue 15, item 5: spec names that are names the generated code uses itself.

Three corpus specs (tests/corpus/hostile/names-*.openapi.json) hold the colliding
names of the issue; each package must import in a fresh interpreter and pass
`mypy --strict` (one run for the three), and the server must still authenticate.
The last test keeps RESERVED_NAMES in sync with what the committed package defines.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from generator.config import Target, resolve_target
from generator.ir.naming import (
    MODEL_ATTRIBUTES,
    class_name,
    is_reserved,
    operation_name,
    unique_python_names,
)
from generator.render.output import write_package
from generator.render.pipeline import build_api, generate
from tests.conftest import GENERATED, ROOT, import_package
from tests.hostile_harness import HOSTILE
from tests.loopback import serve

CASES = ("names-parameters", "names-operations", "names-schemas")
COMMITTED = GENERATED / "authentication_k8s_io_v1"


def target(name: str, out: Path) -> Target:
    return Target(
        name=name,
        spec=HOSTILE / f"{name}.openapi.json",
        kinds=("Widget",),
        group_version="example.com/v1",
        package_dir=out / (name.replace("-", "_") + "_v1"),
    )


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("names")
    written = {}
    for name in CASES:
        case = target(name, out)
        write_package(generate(case), case.package_dir)
        written[name] = case.package_dir
    return written


def test_every_package_imports_in_a_fresh_interpreter(packages: dict[str, Path]) -> None:
    for package in packages.values():
        modules = sorted(p.stem for p in package.glob("*.py") if p.stem != "__main__")
        script = (
            f"import importlib, sys; sys.path.insert(0, {str(package.parent)!r})\n"
            f"for m in {modules!r}: importlib.import_module({package.name!r} + '.' + m)\n"
        )
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                timeout=120, check=False)  # fmt: skip
        assert result.returncode == 0, (package.name, result.stderr[-2000:])


def test_every_package_passes_mypy_strict(packages: dict[str, Path]) -> None:
    folder = next(iter(packages.values())).parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *packages_names(packages)],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]


def packages_names(packages: dict[str, Path]) -> list[str]:
    return [p.name for p in packages.values()]


def test_colliding_parameters_get_distinct_unreserved_names(tmp_path: Path) -> None:
    api = build_api(target("names-parameters", tmp_path))
    [operation] = api.operations
    assert {p.name: str(p.python_name) for p in operation.path_params} == {
        "name": "name", "namespace": "namespace",  # the path keeps its names
    }  # fmt: skip
    query = {p.name: str(p.python_name) for p in operation.query_params}
    assert query == {
        "body": "body_",
        "dry-run": "dry_run",
        "dryRun": "dry_run_2",
        "name": "name_2",
        "request": "request_",
        "self": "self_",
        "validate_widget": "validate_widget_",
    }
    signature = [p.python_name for p in operation.path_params + operation.query_params]
    assert len(set(signature)) == len(signature)


def test_a_client_call_sends_every_colliding_parameter_under_its_wire_name(
    packages: dict[str, Path],
) -> None:
    seen: list[Request] = []

    async def answer(request: Request) -> JSONResponse:
        seen.append(request)
        return JSONResponse({"size": 1}, status_code=201)

    app = Starlette(routes=[Route("/{path:path}", answer, methods=["POST"])])
    package = import_package(packages["names-parameters"])
    client_module = importlib.import_module(f"{package.__name__}.client")
    with serve(app) as url, client_module.Client(url, validate=False) as client:
        method = client.create_widget_token
        assert list(inspect.signature(method).parameters)[:3] == ["name", "namespace", "body"]
        method("w", "ns", {}, body_="b", name_2="n", dry_run="1", dry_run_2="2", self_="s",
               request_="r", validate_widget_="v")  # fmt: skip
    assert dict(seen[0].query_params) == {
        "body": "b", "name": "n", "dry-run": "1", "dryRun": "2", "self": "s", "request": "r",
        "validate_widget": "v",
    }  # fmt: skip
    assert seen[0].url.path == "/apis/example.com/v1/namespaces/ns/widgets/w/token"


class NeverCalled:
    """A backend that no unauthenticated request may reach."""

    def __getattr__(self, verb: str) -> object:
        raise AssertionError(f"the backend's {verb} was called without authentication")


def test_operations_named_like_server_locals_still_authenticate(packages: dict[str, Path]) -> None:
    """`authenticate`, `backend`, `service` and `authorizer` as operationIds made every
    request a 500; renamed, an unauthenticated request is a 401 Status on every path."""
    api = build_api(target("names-operations", packages["names-operations"].parent))
    assert {str(op.python_name) for op in api.operations} >= {
        "authenticate_", "backend_", "service_", "authorizer_", "create_token_", "close_",
    }  # fmt: skip
    package = import_package(packages["names-operations"])
    server = (
        sys.modules[f"{package.__name__}.server"]
        if f"{package.__name__}.server" in sys.modules
        else __import__(f"{package.__name__}.server", fromlist=["x"])
    )
    # Every route is registered (a backend is given) and refuses before reaching it.
    app = server.create_app(backend=NeverCalled(), authenticator={}.get)
    with serve(app) as url:
        for op in api.operations:
            path = op.path.replace("{namespace}", "ns").replace("{name}", "w")
            answer = httpx.post(url + path, json={}, timeout=30)
            assert answer.status_code == 401, (op.python_name, answer.text)
            assert answer.json()["kind"] == "Status"


def test_schema_names_the_package_uses_become_other_classes(tmp_path: Path) -> None:
    api = build_api(target("names-schemas", tmp_path))
    classes = {m.schema_name: str(m.name) for m in api.models}
    assert classes["BaseModel"] == "BaseModelModel" and classes["Field"] == "FieldModel"
    for name in ("Retry", "Client", "KubeModel", "ValueError"):
        assert classes[name] == name + "Model"
    assert classes["Widget"] == "Widget"
    fields = {f.json_name: str(f.python_name) for f in api.model("Widget").fields}
    assert fields["toDict"] == "to_dict_" and fields["json"] == "json_" and fields["str"] == "str_"


def test_the_table_renames_and_keeps_names_unique() -> None:
    assert class_name("Client") == "ClientModel" and class_name("Widget") == "Widget"
    assert class_name("Status") == "Status"  # Kubernetes' own Status keeps its name
    assert operation_name("authenticate") == "authenticate_"
    assert operation_name("createNamespacedWidget") == "create_namespaced_widget"
    assert unique_python_names(["body", "body_"], "parameter") == ["body_", "body__2"]
    assert is_reserved("validate_widget", "parameter") and not is_reserved("validate", "parameter")


# -- keeping RESERVED_NAMES in sync with the templates and generator/runtime/ --------------


def module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        targets: list[ast.stmt] = [node]
        if isinstance(node, ast.If | ast.Try):
            targets = list(node.body)
        for stmt in targets:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(stmt.name)
            elif isinstance(stmt, ast.Import | ast.ImportFrom):
                names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
            elif isinstance(stmt, ast.Assign):
                names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names.add(stmt.target.id)
    return names


def imports_models(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and node.level == 1 and node.module == "models"
        for node in ast.walk(tree)
    )


def parsed(module: str) -> ast.Module:
    return ast.parse((COMMITTED / module).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def committed_api() -> Iterator[object]:
    yield build_api(resolve_target(None, ROOT))


def missing(found: set[str], scope: str) -> list[str]:
    return sorted(name for name in found if not is_reserved(name, scope))


def test_reserved_classes_cover_every_capitalised_module_name(committed_api: object) -> None:
    """Model classes share a namespace with the modules that import them by name (and
    with models.py itself); only there can a schema's class collide with a runtime name."""
    models = {str(m.name) for m in committed_api.models}  # type: ignore[attr-defined]
    found = set()
    for module in sorted(COMMITTED.glob("*.py")):
        tree = parsed(module.name)
        if module.name == "models.py" or imports_models(tree):
            found |= {n for n in module_names(tree) if n[:1].isupper()}
    assert missing(found - models, "class") == [], "add these to RESERVED_NAMES['class']"
    assert missing({n for n in dir(builtins) if n[:1].isupper()}, "class") == []


def test_reserved_operations_cover_client_attributes_and_server_locals(
    committed_api: object,
) -> None:
    operations = {str(op.python_name) for op in committed_api.operations}  # type: ignore[attr-defined]
    found: set[str] = set()
    client = parsed("client.py")
    for node in ast.walk(client):
        if isinstance(node, ast.ClassDef) and node.name in ("_ClientBase", "Client", "AsyncClient"):
            found |= {
                n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            found |= {a.attr for a in ast.walk(node) if isinstance(a, ast.Attribute)
                      and isinstance(a.value, ast.Name) and a.value.id == "self"}  # fmt: skip
    server = parsed("server.py")
    [create_app] = [
        n for n in server.body if isinstance(n, ast.FunctionDef) and n.name == "create_app"
    ]
    found |= {a.arg for a in create_app.args.args + create_app.args.kwonlyargs}
    for node in ast.walk(create_app):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node is not create_app:
            found.add(node.name)
        elif isinstance(node, ast.Name):
            found.add(node.id)  # locals it binds and module names it reads
    found = {n for n in found if not n.startswith("_") and not n[:1].isupper()}
    found -= set(dir(builtins))
    assert missing(found - operations, "operation") == [], (
        "add these to RESERVED_NAMES['operation']"
    )


def test_reserved_parameters_cover_what_the_client_methods_read(committed_api: object) -> None:
    operations = {str(op.python_name) for op in committed_api.operations}  # type: ignore[attr-defined]
    parameters = {str(p.python_name) for op in committed_api.operations  # type: ignore[attr-defined]
                  for p in op.path_params + op.query_params}  # fmt: skip
    found: set[str] = set()
    for node in ast.walk(parsed("client.py")):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in operations:
            found |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            found |= {a.arg for a in node.args.args if a.arg not in parameters}
    found = {n for n in found if not n.startswith("_") and not n[:1].isupper()} - parameters
    found -= set(dir(builtins))
    assert missing(found, "parameter") == [], "add these to RESERVED_NAMES['parameter']"


def test_reserved_fields_cover_the_base_class(generated_package: ModuleType) -> None:
    kube_model = generated_package.KubeModel
    own = {n for n in vars(kube_model) if not n.startswith("_")}
    public_base = {
        n
        for n in dir(kube_model.__mro__[1])
        if not n.startswith("_") and not n.startswith("model_")
    }
    assert missing(own | public_base, "field") == [], "add these to RESERVED_NAMES['field']"


def test_model_attributes_cover_the_installed_pydantic() -> None:
    """MODEL_ATTRIBUTES is written out (the generated names must not depend on the pydantic
    apigen runs with); a pydantic that adds a public attribute to BaseModel must be caught."""
    from pydantic import BaseModel

    public = {n for n in dir(BaseModel) if not n.startswith("_")}
    assert sorted(public - MODEL_ATTRIBUTES) == [], "add these to naming.MODEL_ATTRIBUTES"
