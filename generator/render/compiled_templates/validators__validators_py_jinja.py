# apigen compiled template: validators/validators.py.jinja sha256=5d3854833928906914a8f9367f1ad679976e6cc5003609db048ea566f9734db1 jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'validators/validators.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_header = resolve('header')
    l_0_api = resolve('api')
    l_0_models = resolve('models')
    l_0_group = resolve('group')
    l_0_kind = resolve('kind')
    l_0_root = resolve('root')
    l_0_uses_quantity = resolve('uses_quantity')
    l_0_quantity_regex = resolve('quantity_regex')
    l_0_quantity_detail = resolve('quantity_detail')
    l_0_enums = resolve('enums')
    l_0_patterns = resolve('patterns')
    l_0_checks = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    try:
        t_2 = environment.filters['indent']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'indent' found.")
    try:
        t_3 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_4 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_5 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    try:
        t_6 = environment.filters['trim']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'trim' found.")
    pass
    l_0_checks = context.vars['checks'] = environment.get_template('validators/_checks.py.jinja', 'validators/validators.py.jinja')._get_default_module(context)
    context.exported_vars.discard('checks')
    yield str((undefined(name='header') if l_0_header is missing else l_0_header))
    yield '\n"""Validators of '
    l_1_loop = missing
    for l_1_k, l_1_loop in LoopContext((environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'kinds') or [environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'kind')]), undefined):
        _loop_vars = {}
        pass
        yield str(t_1(environment.getattr(l_1_k, 'kind')))
        yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 3 in 'validators/validators.py.jinja' evaluated to false and no else section was defined.")))
    l_1_loop = l_1_k = missing
    yield ' ('
    yield str(t_1(environment.getattr(environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'kind'), 'api_version')))
    yield ').\n\nWould a Kubernetes API server accept this JSON, and why not?\n\nOne function per model, `validate_<model>(data, *, strict=False, unknown=None)`,\nchecks plain JSON data (what `json.loads` gives) in straight-line code and\nreturns every error found, each with its field path, as a `FieldError`; a value\nof the wrong JSON type or format gets that one error, and its other checks\n(range, pattern, length, items) are skipped, as the API server\'s decoder stops there:\n\n- by default, the API server\'s verdict: an explicit null is the zero value and\n  a missing field is defaulted, so neither is an error; JSON types, integer\n  ranges, RFC 3339 date-times and the API server\'s rules are checked;\n- with `strict=True`, the published schema\'s verdict: required fields must be\n  present, and null is accepted only where the community\'s JSON Schemas\n  (kubernetes-json-schema) accept it.\n\nFields the schema does not know are not errors: pass a list as `unknown` and\ntheir paths are appended to it, so a server can apply `fieldValidation=Strict`\nor `Warn`. `decode` parses JSON text and reports repeated keys; `to_status`\nturns errors into the Status body an API server returns with HTTP 422.\n"""\n\nfrom __future__ import annotations\n\nimport json\nimport re\nfrom collections.abc import Callable\nfrom dataclasses import dataclass\nfrom datetime import datetime\nfrom enum import StrEnum\nfrom typing import Any\n\n__all__ = [\n    "ErrorType",\n    "FieldError",\n    "VALIDATORS",\n    "decode",\n    "to_status",\n    "unknown_fields",\n'
    for l_1_model in (undefined(name='models') if l_0_models is missing else l_0_models):
        _loop_vars = {}
        pass
        yield '    "'
        yield str(environment.getattr(l_1_model, 'public'))
        yield '",\n'
    l_1_model = missing
    yield ']\n\n_GROUP = '
    yield str(t_5((undefined(name='group') if l_0_group is missing else l_0_group)))
    yield '\n_KIND = '
    yield str(t_5((undefined(name='kind') if l_0_kind is missing else l_0_kind)))
    yield '\n\n\nclass ErrorType(StrEnum):\n    """Kubernetes\' field error types (k8s.io/apimachinery/pkg/util/validation/field)."""\n\n    REQUIRED = "FieldValueRequired"\n    INVALID = "FieldValueInvalid"\n    NOT_SUPPORTED = "FieldValueNotSupported"\n    TYPE_INVALID = "FieldValueTypeInvalid"\n    DUPLICATE = "FieldValueDuplicate"\n\n\n# How the API server\'s messages name each type; Required carries no value.\n_LABELS = {\n    ErrorType.REQUIRED: "Required value",\n    ErrorType.INVALID: "Invalid value",\n    ErrorType.NOT_SUPPORTED: "Unsupported value",\n    ErrorType.TYPE_INVALID: "Invalid value",\n    ErrorType.DUPLICATE: "Duplicate value",\n}\n\n\n@dataclass(frozen=True, slots=True)\nclass FieldError:\n    """One reason the API server would refuse an object, like Kubernetes\' `field.Error`.\n\n    `field` is the path (`spec.audiences[2]`), `value` the bad value, `detail`\n    the explanation, and `origin` the schema keyword that failed (`required`,\n    `type`, `format`, `minimum`, `enum`, ...).\n    """\n\n    type: ErrorType\n    field: str\n    value: Any = None\n    detail: str = ""\n    origin: str = ""\n\n    def body(self) -> str:\n        """The message without the field, as in a Status cause: `Invalid value: 60: may not ...`."""\n        text = _LABELS[self.type]\n        if self.type is not ErrorType.REQUIRED:\n            text += ": " + _go_value(self.value)\n        return f"{text}: {self.detail}" if self.detail else text\n\n    def __str__(self) -> str:\n        return f"{self.field}: {self.body()}" if self.field else self.body()\n\n\ndef _go_value(value: Any) -> str:\n    """A bad value printed as Go\'s field errors print it."""\n    if value is None:\n        return "null"\n    if isinstance(value, bool):\n        return "true" if value else "false"\n    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:\n        return str(int(value))\n    if isinstance(value, int | float):\n        return str(value)\n    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))\n\n\ndef to_status(errors: list[FieldError], *, name: str = "") -> dict[str, Any]:\n    """The `Status` body an API server sends with HTTP 422 for these errors (reason Invalid)."""\n    qualified_kind = f"{_KIND}.{_GROUP}" if _GROUP else _KIND\n    messages = list(dict.fromkeys(str(error) for error in errors))  # Go drops repeats\n    message = f"{qualified_kind} {json.dumps(name)} is invalid"\n    if messages:\n        message += ": " + (messages[0] if len(messages) == 1 else "[" + ", ".join(messages) + "]")\n    details: dict[str, Any] = {"name": name} if name else {}\n    if _GROUP:\n        details["group"] = _GROUP\n    details["kind"] = _KIND\n    details["causes"] = [\n        {"reason": str(error.type), "message": error.body(), "field": error.field}\n        for error in errors\n    ]\n    return {\n        "kind": "Status",\n        "apiVersion": "v1",\n        "metadata": {},\n        "status": "Failure",\n        "message": message,\n        "reason": "Invalid",\n        "details": details,\n        "code": 422,\n    }\n\n\ndef decode(text: str | bytes) -> tuple[Any, list[FieldError]]:\n    """`json.loads(text)`, and a FieldValueDuplicate error for each key an object repeats.\n\n    The last value of a repeated key wins, as in Go. Invalid JSON raises\n    `json.JSONDecodeError` (a `ValueError`).\n    """\n    repeated: list[tuple[dict[str, Any], str]] = []\n\n    def build_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:\n        built = dict(pairs)\n        if len(built) != len(pairs):\n            seen: set[str] = set()\n            for key, _ in pairs:\n                if key in seen:\n                    repeated.append((built, key))\n                seen.add(key)\n        return built\n\n    data = json.loads(text, object_pairs_hook=build_object)\n    if not repeated:\n        return data, []\n    paths = _object_paths(data, "", {})\n    return data, [  # an object a later repeat replaced is in no path: its repeats are moot\n        FieldError(ErrorType.DUPLICATE, paths[id(obj)] + key, obj[key], "", "duplicate")\n        for obj, key in repeated\n        if id(obj) in paths\n    ]\n\n\ndef _object_paths(node: Any, field: str, found: dict[int, str]) -> dict[int, str]:\n    """The prefix (`spec.`) of every object in parsed JSON, by identity, to name repeated keys."""\n    if isinstance(node, dict):\n        prefix = field + "." if field else ""\n        found[id(node)] = prefix\n        for key, child in node.items():\n            _object_paths(child, prefix + key, found)\n    elif isinstance(node, list):\n        for index, child in enumerate(node):\n            _object_paths(child, f"{field}[{index}]", found)\n    return found\n\n\ndef unknown_fields(data: Any) -> list[str]:\n    """Paths of the fields '
    yield str(environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'root_model'))
    yield ' does not know (`spec.foo`), for fieldValidation."""\n    unknown: list[str] = []\n    '
    yield str(environment.getattr((undefined(name='root') if l_0_root is missing else l_0_root), 'public'))
    yield '(data, unknown=unknown)\n    return unknown\n\n\n_NUMBER_TYPES = (int, float)\n'
    if (undefined(name='uses_quantity') if l_0_uses_quantity is missing else l_0_uses_quantity):
        pass
        yield '_QUANTITY = re.compile('
        yield str(t_5((undefined(name='quantity_regex') if l_0_quantity_regex is missing else l_0_quantity_regex)))
        yield ')\n_QUANTITY_DETAIL = (\n    '
        yield str(t_5((undefined(name='quantity_detail') if l_0_quantity_detail is missing else l_0_quantity_detail)))
        yield '\n)\n'
    yield '_RFC3339 = re.compile(r"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:\\d\\d)", re.ASCII)\n'
    for l_1_enum in (undefined(name='enums') if l_0_enums is missing else l_0_enums):
        l_1_frozenset_constant = resolve('frozenset_constant')
        _loop_vars = {}
        pass
        yield str(context.call((undefined(name='frozenset_constant') if l_1_frozenset_constant is missing else l_1_frozenset_constant), environment.getattr(l_1_enum, 'name'), t_3(context.eval_ctx, t_4(context, environment.getattr(l_1_enum, 'members'), 'pyliteral')), _loop_vars=_loop_vars))
        yield '\n'
    l_1_enum = l_1_frozenset_constant = missing
    for l_1_pattern in (undefined(name='patterns') if l_0_patterns is missing else l_0_patterns):
        _loop_vars = {}
        pass
        yield str(environment.getattr(l_1_pattern, 'name'))
        yield ' = re.compile('
        yield str(t_5(environment.getattr(l_1_pattern, 'regex')))
        yield ')\n'
    l_1_pattern = missing
    yield '\n\ndef _required(field: str) -> FieldError:\n    return FieldError(ErrorType.REQUIRED, field, None, "", "required")\n\n\ndef _type_invalid(field: str, value: Any, json_type: str) -> FieldError:\n    return FieldError(ErrorType.TYPE_INVALID, field, value, f"must be of type {json_type}", "type")\n\n\ndef _invalid(field: str, value: Any, detail: str, origin: str) -> FieldError:\n    return FieldError(ErrorType.INVALID, field, value, detail, origin)\n\n\ndef _not_supported(field: str, value: Any, detail: str) -> FieldError:\n    return FieldError(ErrorType.NOT_SUPPORTED, field, value, detail, "enum")\n\n\ndef _is_integral(value: Any, strict: bool) -> bool:\n    """A float such as 600.0 is an integer to JSON Schema (strict), not to Go\'s decoder."""\n    return strict and type(value) is float and value.is_integer()\n\n\ndef _validate(\n    check: Callable[[dict[str, Any], str, bool, list[FieldError], list[str] | None], None],\n    data: Any,\n    strict: bool,\n    unknown: list[str] | None,\n) -> list[FieldError]:\n    """What every `validate_<model>` does: a JSON object goes to its model\'s `_check_<model>`."""\n    errors: list[FieldError] = []\n    if isinstance(data, dict):\n        check(data, "", strict, errors, unknown)\n    else:\n        errors.append(_type_invalid("", data, "object"))\n    return errors\n\n\ndef _is_rfc3339(text: str) -> bool:\n    """An RFC 3339 date-time as Go\'s time.RFC3339 parses it (upper-case T and Z, a real date)."""\n    if _RFC3339.fullmatch(text) is None:\n        return False\n    try:\n        datetime.fromisoformat(text)  # the calendar: no February 30th, no hour 24\n    except ValueError:\n        return False\n    return True\n'
    for l_1_model in (undefined(name='models') if l_0_models is missing else l_0_models):
        l_1_frozenset_constant = resolve('frozenset_constant')
        l_1_call = resolve('call')
        _loop_vars = {}
        pass
        yield '\n\n'
        yield str(context.call((undefined(name='frozenset_constant') if l_1_frozenset_constant is missing else l_1_frozenset_constant), environment.getattr(l_1_model, 'known'), t_3(context.eval_ctx, t_4(context, environment.getattr(l_1_model, 'json_names'), 'pystr')), _loop_vars=_loop_vars))
        yield '\n\n\ndef '
        yield str(environment.getattr(l_1_model, 'checker'))
        yield '(\n    data: dict[str, Any],\n    path: str,\n    strict: bool,\n    errors: list[FieldError],\n    unknown: list[str] | None,\n) -> None:\n'
        for l_2_f in environment.getattr(l_1_model, 'fields'):
            _loop_vars = {}
            pass
            yield '    '
            yield str(t_2(t_6(context.call(environment.getattr((undefined(name='checks') if l_0_checks is missing else l_0_checks), 'field'), l_2_f, 4, _loop_vars=_loop_vars)), 4))
            yield '\n\n'
        l_2_f = missing
        yield '    if unknown is not None and not '
        yield str(environment.getattr(l_1_model, 'known'))
        yield '.issuperset(data):\n        '
        yield str(t_2(context.call((undefined(name='call') if l_1_call is missing else l_1_call), 8, 'unknown.extend', [str_join(('path + key for key in data if key not in ', environment.getattr(l_1_model, 'known'), ))], _loop_vars=_loop_vars), 8))
        yield '\n\n\ndef '
        yield str(environment.getattr(l_1_model, 'public'))
        yield '(\n    data: Any, *, strict: bool = False, unknown: list[str] | None = None\n) -> list[FieldError]:\n    """Every error of a '
        yield str(environment.getattr(l_1_model, 'name'))
        yield ' (plain JSON data).\n\n    `strict=True` gives the published schema\'s verdict instead. If `unknown` is\n    a list, the paths of fields the schema does not know are appended to it.\n    """\n    return _validate('
        yield str(environment.getattr(l_1_model, 'checker'))
        yield ', data, strict, unknown)\n'
    l_1_model = l_1_frozenset_constant = l_1_call = missing
    yield '\n\n# The validator of each model class, by class name (used by KubeModel.validate_k8s).\nVALIDATORS: dict[str, Callable[..., list[FieldError]]] = {\n'
    for l_1_model in (undefined(name='models') if l_0_models is missing else l_0_models):
        _loop_vars = {}
        pass
        yield '    "'
        yield str(environment.getattr(l_1_model, 'name'))
        yield '": '
        yield str(environment.getattr(l_1_model, 'public'))
        yield ',\n'
    l_1_model = missing
    yield '}\n'

blocks = {}
debug_info = '1=59&2=61&3=64&43=73&44=77&48=81&49=83&181=85&183=87&188=89&189=92&191=94&195=97&196=101&198=104&199=107&248=113&251=119&254=121&261=123&262=127&265=131&266=133&269=135&272=137&277=139&283=143&284=147'
