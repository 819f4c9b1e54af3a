"""Names: JSON names in, checked Python identifiers out.

Every name that reaches a template is built here, so an invalid identifier or a
keyword can never be rendered into code.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Names the generated modules use themselves; a field must not shadow them.
_RESERVED = frozenset({"model_config", "model_fields", "self", "cls"})

# THE reserved-name table (issue 15, docs/safety.md). A name built from the spec
# lands in one of these scopes of the generated package; the names listed are the
# ones the package itself defines or uses in that scope (templates/ and
# generator/runtime/). A spec name that is one of them is renamed (`Status` ->
# `StatusModel`, `authenticate` -> `authenticate_`, a parameter `body` -> `body_`),
# kept unique; a rename that would collide again is refused with one line.
# Keep it in sync: tests/test_hostile_names.py reads the committed package with
# `ast` and fails, naming the scope, when a template or runtime module defines a
# name missing here. Add the name to its scope; then `apigen generate`.
RESERVED_NAMES: dict[str, frozenset[str]] = {
    # Model classes: module level of models.py, imported by name into __init__.py,
    # client.py, validators.py and the server modules beside their own names.
    "class": frozenset(
        """
        API_VERSION ARGS_VARIABLE Any ApiError ApiWarning AsyncClient Authenticator
        Authorizer AwareDatetime BINDABLE_KINDS Backend BadRequest BaseModel BearerToken
        CLUSTER_SCOPED_KINDS Callable Client ConfigDict ConfigError Conflict Connection
        Created DEFAULT_EXPIRATION_SECONDS DEFAULT_TIMEOUT DISCOVERY_PATH DecodeError
        Descriptor ECAlgorithm ERROR_CODES EXTENDED_EXPIRATION_SECONDS ErrorType
        FIELD_VALIDATION FastAPI Field FieldDescriptor FieldError Forbidden GROUP Generator
        HTTPException InMemoryBackend Invalid Iterable Iterator JSON JSONResponse JWKS_PATH
        KIND KNOWN_KINDS KubeModel KubeObject Literal MAGIC MAX_BODY_BYTES MEDIA_TYPE
        MEDIA_TYPES Mapping Message NotFound ObjectRef Optional PROTOBUF Path ProtobufError
        Protocol REASONS REF RESOURCES RETRY_STATUSES RSAAlgorithm Request
        RequestAttributes ResourceInfo Response Retry RootModel SERVICE_ACCOUNT_DIR
        STATUS_SCHEMA Self Sequence ServerError SigningKey
        StrEnum TYPE_CHECKING TokenFileAuthenticator TokenGrant TokenPolicy
        TokenRequestService TokenSigner TooManyRequests TracebackType UTC Unauthorized
        Union User VALIDATORS WARN_ONLY_EXPIRATION_SECONDS YAML
        ANONYMOUS ANONYMOUS_USER AuthenticatorHook CreateOptions CreateRequest DEFAULT_GRANTS DISCOVERY_CACHE
        EXTRA FIELD_MANAGER_MAX_BYTES JWKS_MEDIA_TYPE LEEWAY_SECONDS Lookup NoReturn
        OBJECT_META_ORDER Pairs REVIEW_KIND ReviewError Reviewed SCHEME SERVICE_ACCOUNT_PREFIX
        SUBRESOURCE ServiceAccountTokens TokenReviewService UsageError
        """.split()
    )
    | frozenset(name for name in dir(builtins) if name[:1].isupper()),  # Exception, ...
    # Operations: methods of Client and AsyncClient (beside their own), and handler
    # functions inside server.create_app (beside its arguments and locals).
    "operation": frozenset(
        """
        aclose base_url close create_token from_kubeconfig in_cluster namespace retry
        validate api_audiences app attributes authenticate authenticator authorizer
        backend body created duplicates extend_expiration field_validation jwks
        max_expiration_seconds openid_configuration policy reply_type request response
        scheme service token user name create_app main app_from_args app_from_environment
        create options
        build_parser json os sys argparse allow_all load_objects status_body
        discovery_document generate_key load_key anonymous_auth
        """.split()
    ),
    # Arguments of the client's operation methods, beside the path parameters.
    "parameter": frozenset(
        """
        self cls body request response httpx asyncio time json logging re random
        warnings
        """.split()
    ),
    # Model attributes: what pydantic's BaseModel and apigen's KubeModel define, and
    # the builtin types the class bodies' annotations name.
    "field": frozenset(
        """
        self cls model_config model_fields to_dict to_json validate_k8s copy dict json
        parse_obj parse_raw parse_file from_orm construct schema schema_json validate
        update_forward_refs fields str int float bool list bytes object type set tuple
        """.split()
    ),
}
# Validators are module-level functions validate_<model> that methods call by name;
# a validator's name never ends with "_" (snake_case strips it), so `name_` is free.
_RESERVED_PREFIXES = {"parameter": ("validate_",), "operation": ("validate_",)}


def is_reserved(name: str, scope: str) -> bool:
    if name in RESERVED_NAMES[scope]:
        return True
    return name.startswith(_RESERVED_PREFIXES.get(scope, ())) and not name.endswith("_")


# What a reserved name gets appended. Classes take `Model`, as datamodel-code-generator
# names them itself (it turns `Field_` back into `Field`, and `Field` into `FieldModel`).
_RENAME_SUFFIX = {"class": "Model"}


def unreserved(name: str, scope: str) -> str:
    """`name`, or `name_` (`NameModel` for a class) when the generated code uses it in `scope`."""
    while is_reserved(name, scope):
        name += _RENAME_SUFFIX.get(scope, "_")
    return name


class PythonIdentifier(str):
    """A string proven to be a usable, non-keyword Python identifier."""

    def __new__(cls, value: str) -> PythonIdentifier:
        if not value.isidentifier() or keyword.iskeyword(value):
            raise ValueError(f"not a usable Python identifier: {value!r}")
        return super().__new__(cls, value)


class ClassName(PythonIdentifier):
    """A PythonIdentifier in CamelCase, for classes."""

    def __new__(cls, value: str) -> ClassName:
        if not value[:1].isupper():
            raise ValueError(f"not a class name: {value!r}")
        return super().__new__(cls, value)  # type: ignore[return-value]


def snake_case(name: str) -> str:
    """`expirationSeconds` -> `expiration_seconds`, `boundObjectRef` -> `bound_object_ref`."""
    # Python reads identifiers NFKC-normalised, so the name we check must be that form.
    spaced = _WORD_BOUNDARY.sub("_", unicodedata.normalize("NFKC", name))
    kept = "".join(ch if ("a" + ch).isidentifier() else "_" for ch in spaced)
    return re.sub(r"_+", "_", kept.strip("_").lower())


def python_name(json_name: str) -> PythonIdentifier:
    """The attribute name for a JSON property: snake_case, never a keyword or empty."""
    name = snake_case(json_name) or "field"
    if not name.isidentifier() or name.startswith("model_"):  # a digit first; pydantic's model_*
        name = "field_" + name
    if keyword.iskeyword(name) or name in _RESERVED:
        name += "_"
    return PythonIdentifier(name)


def unique_python_names(
    json_names: list[str], scope: str = "field", taken: Iterable[str] = ()
) -> list[PythonIdentifier]:
    """python_name for each, not reserved in `scope`, with a numeric suffix where two
    would collide (or collide with a name in `taken`).

    The first holder keeps the plain name, so `fooBar` stays `foo_bar` and a later
    `foo_bar` becomes `foo_bar_2`; order is the caller's (stable) order.
    """
    taken = set(taken)
    result: list[PythonIdentifier] = []
    for json_name in json_names:
        base = unreserved(python_name(json_name), scope)
        candidate, n = str(base), 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        result.append(PythonIdentifier(candidate))
    return result


def class_name(schema_name: str) -> ClassName:
    """A CamelCase class name for a schema name such as `TokenRequest` or `x-y`."""
    normal = unicodedata.normalize("NFKC", schema_name)
    kept = "".join(ch if ("a" + ch).isidentifier() else " " for ch in normal)
    name = "".join(p[:1].upper() + p[1:] for p in re.split(r"[\s_]+", kept) if p)
    if not name[:1].isupper():  # empty, a digit, or a script without case
        name = "Model" + name
    if keyword.iskeyword(name):  # None, True, False
        name += "_"
    return ClassName(unreserved(name, "class"))


def operation_name(operation_id: str) -> PythonIdentifier:
    """The method (client) and handler (server) name of an operation."""
    return PythonIdentifier(unreserved(python_name(operation_id), "operation"))


def short_schema_name(name: str) -> str:
    """Kubernetes' dotted names lose their package: `io.k8s.api.authentication.v1.TokenRequest` -> `TokenRequest`."""
    return name.rsplit(".", 1)[-1]


def qualified_schema_name(name: str, segments: int = 2) -> str:
    """The short name behind its last `segments` package segments, CamelCased:
    `io.k8s.api.admissionregistration.v1.MatchCondition` -> `AdmissionregistrationV1MatchCondition`
    (two segments: the group and the version of a Kubernetes definition)."""
    *package, short = name.split(".")
    words = [
        "".join(w[:1].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", part)) for part in package
    ]
    return "".join(words[-segments:] if segments else []) + short


def validator_name(model: str) -> PythonIdentifier:
    """`TokenRequest` -> `validate_token_request`, as the validators module names them."""
    return PythonIdentifier(f"validate_{snake_case(model)}")


# The public attributes of pydantic v2's BaseModel (`schema`, `json`, `copy`, ...), which a
# generated field must not shadow (JSONSchemaProps has `$schema`). Written out rather than
# read from pydantic: the generated names must not depend on the pydantic apigen runs with,
# and lowering need not import it. tests/test_naming.py checks that it covers the installed
# pydantic's.
MODEL_ATTRIBUTES = frozenset(
    """construct copy dict from_orm json model_computed_fields model_config model_construct
    model_copy model_dump model_dump_json model_extra model_fields model_fields_set
    model_json_schema model_parametrized_name model_post_init model_rebuild model_validate
    model_validate_json model_validate_strings parse_file parse_obj parse_raw schema
    schema_json update_forward_refs validate""".split()
)


def model_field_names(json_names: list[str]) -> list[PythonIdentifier]:
    """`unique_python_names`, with a `_` after a name pydantic's BaseModel already uses."""
    attributes = MODEL_ATTRIBUTES
    names = [str(n) for n in unique_python_names(json_names)]
    taken = set(names)
    result = []
    for name in names:
        if name in attributes:
            candidate = name + "_"
            while candidate in taken:
                candidate += "_"
            taken.add(candidate)
            name = candidate
        result.append(PythonIdentifier(name))
    return result
