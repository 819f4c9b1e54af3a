# apigen compiled template: extensions/tokenrequest/cli.py.jinja sha256=4a4f3d78a801dba2054c650b98898fbcd7a2b76b83a34edaedfb59be140d3ae1 jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'tokenrequest/cli.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_usage = l_0_imports = l_0_register = l_0_functions = missing
    try:
        t_1 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_2 = environment.filters['py_tuple']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'py_tuple' found.")
    try:
        t_3 = environment.filters['sort']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'sort' found.")
    pass
    def macro(l_1_token):
        t_4 = []
        if l_1_token is missing:
            l_1_token = undefined("parameter 'token' was not provided", name='token')
        pass
        t_4.append(
            '    create-token SA [-n NS] [--audience A ...] [--duration 1h]\n        [--bound-object-kind K --bound-object-name N [--bound-object-uid U]]\n        [-o json|yaml|name|jsonpath=TEMPLATE]\n',
        )
        if environment.getattr(l_1_token, 'review_model'):
            pass
            t_4.append(
                '    review-token TOKEN [--audience A ...] [-o json|yaml]\n',
            )
        return concat(t_4)
    context.exported_vars.add('usage')
    context.vars['usage'] = l_0_usage = Macro(environment, macro, 'usage', ('token',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_token):
        t_5 = []
        if l_1_token is missing:
            l_1_token = undefined("parameter 'token' was not provided", name='token')
        pass
        t_5.extend((
            'import importlib\nimport json\nimport re\nimport warnings\nfrom typing import Any\n\nfrom ._errors import ApiWarning\nfrom ._gotext import go_json, go_object_meta, go_yaml\nfrom .models import ',
            str(environment.getattr(l_1_token, 'bound_model')),
            '\n',
        ))
        if environment.getattr(l_1_token, 'review_model'):
            pass
            t_5.extend((
                'from .models import ',
                str(environment.getattr(l_1_token, 'review_model')),
                '\n',
            ))
        return concat(t_5)
    context.exported_vars.add('imports')
    context.vars['imports'] = l_0_imports = Macro(environment, macro, 'imports', ('token',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_token):
        t_6 = []
        if l_1_token is missing:
            l_1_token = undefined("parameter 'token' was not provided", name='token')
        pass
        t_6.append(
            '    _add_create_token(commands)\n',
        )
        if environment.getattr(l_1_token, 'review_model'):
            pass
            t_6.append(
                '    _add_review_token(commands)\n',
            )
        return concat(t_6)
    context.exported_vars.add('register')
    context.vars['register'] = l_0_register = Macro(environment, macro, 'register', ('token',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_token):
        t_7 = []
        if l_1_token is missing:
            l_1_token = undefined("parameter 'token' was not provided", name='token')
        pass
        t_7.extend((
            "# kubectl's --bound-object-kind values (staging/src/k8s.io/kubectl/pkg/cmd/create/create_token.go).\n_BOUND_KINDS = ",
            str(t_2(t_1(context, t_3(environment, (environment.getattr(l_1_token, 'bound_kinds') or ['Pod', 'Secret', 'Node'])), 'pystr'))),
            '\n# What kubectl\'s printer flags accept; those this command does not print are refused by name.\n_KUBECTL_OUTPUTS = (\n    "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,"\n    "kyaml,name,template,templatefile,yaml"\n)\n_PRINTED = ("json", "yaml", "name", "jsonpath")\n# Go\'s time.ParseDuration: a sign, then numbers with units.\n_UNIT_NANOSECONDS = {\n    "ns": 1,\n    "us": 10**3,\n    "µs": 10**3,\n    "μs": 10**3,\n    "ms": 10**6,\n    "s": 10**9,\n    "m": 60 * 10**9,\n    "h": 3600 * 10**9,\n}\n_DURATION_PART = re.compile(r"(\\d*\\.?\\d*)([^\\d.]*)")\n_TEMPLATE_PART = re.compile(r"\\{([^{}]*)\\}")\n# TokenRequest\'s fields in Go\'s order, as kubectl\'s JSON printer writes them.\n_ORDER = {\n    "": ("kind", "apiVersion", "metadata", "spec", "status"),\n    "spec": ("audiences", "expirationSeconds", "boundObjectRef"),\n    "boundObjectRef": ("kind", "apiVersion", "name", "uid"),\n    "status": ("token", "expirationTimestamp"),\n}\n\n\ndef _add_create_token(commands: argparse._SubParsersAction[Any]) -> None:\n    command = commands.add_parser(\n        "create-token",\n        help="request a service account token",\n        description="Request a service account token.",\n    )\n    command.add_argument("names", nargs="*", metavar="SA", help="the service account (exactly one)")\n    command.add_argument("-n", "--namespace", help="its namespace (default: the context\'s)")\n    command.add_argument(\n        "--audience", action="append", default=[], help="an intended audience (repeatable)"\n    )\n    command.add_argument(\n        "--duration", default="0s", help="the token\'s lifetime, a Go duration such as 1h or 30m"\n    )\n    command.add_argument(\n        "--bound-object-kind", default="", help="bind the token to an object of this kind"\n    )\n    command.add_argument("--bound-object-name", default="", help="...of this name")\n    command.add_argument("--bound-object-uid", default="", help="...and this UID")\n    command.add_argument(\n        "-o", "--output", help="json, yaml, name or jsonpath=TEMPLATE (default: the token)"\n    )\n    command.add_argument("--kubeconfig", default=argparse.SUPPRESS, help=argparse.SUPPRESS)\n    command.add_argument("--context", default=argparse.SUPPRESS, help=argparse.SUPPRESS)\n    command.set_defaults(run=_create_token, check=_check_create_token, prog=command.prog)\n\n\ndef _check_create_token(args: argparse.Namespace) -> None:\n    """kubectl\'s checks, in its order, before any request: the flags, the name, the printer, Validate."""\n    seconds, nanoseconds = divmod(_go_duration(args.duration, args.prog), 10**9)\n    if len(args.names) != 1:\n        raise UsageError(\n            f"exactly one NAME is required, got {len(args.names)}",\n            f"See \'{args.prog} -h\' for help and examples",\n        )\n    _output_format(args.output)\n    if seconds < 0:\n        raise UsageError("--duration must be greater than or equal to 0")\n    if nanoseconds:\n        raise UsageError("--duration cannot be expressed in units less than seconds")\n    if any(not audience for audience in args.audience):\n        raise UsageError("--audience must not be an empty string")\n    if not args.bound_object_kind:\n        if args.bound_object_name:\n            raise UsageError(\n                "--bound-object-name can only be set if --bound-object-kind is provided"\n            )\n        if args.bound_object_uid:\n            raise UsageError(\n                "--bound-object-uid can only be set if --bound-object-kind is provided"\n            )\n    else:\n        if args.bound_object_kind not in _BOUND_KINDS:\n            raise UsageError(f"supported --bound-object-kind values are {\', \'.join(_BOUND_KINDS)}")\n        if not args.bound_object_name:\n            raise UsageError("--bound-object-name is required if --bound-object-kind is provided")\n    args.duration_seconds = seconds\n\n\ndef _go_duration(text: str, prog: str) -> int:\n    """Nanoseconds in a Go duration ("1h30m", "-1s", "0"), or kubectl\'s flag error."""\n\n    def bad(reason: str) -> UsageError:\n        return UsageError(\n            f\'invalid argument "{text}" for "--duration" flag: time: {reason}\',\n            f"See \'{prog} --help\' for usage.",\n        )\n\n    rest = text[1:] if text[:1] in ("-", "+") else text\n    if rest == "0":\n        return 0\n    if not rest:\n        raise bad(f"invalid duration {json.dumps(text)}")\n    total = 0\n    position = 0\n    while position < len(rest):\n        match = _DURATION_PART.match(rest, position)\n        number, unit = match.groups() if match else ("", "")\n        if not number.strip(".") or match is None:\n            raise bad(f"invalid duration {json.dumps(text)}")\n        if not unit:\n            raise bad(f"missing unit in duration {json.dumps(text)}")\n        if unit not in _UNIT_NANOSECONDS:\n            raise bad(f"unknown unit {json.dumps(unit)} in duration {json.dumps(text)}")\n        total += round(float(number) * _UNIT_NANOSECONDS[unit])\n        if total > 2**63 - 1:  # Go\'s Duration is an int64 of nanoseconds\n            raise bad(f"invalid duration {json.dumps(text)}")\n        position = match.end()\n    return -total if text.startswith("-") else total\n\n\ndef _output_format(output: str | None) -> None:\n    """The printer kubectl\'s `-o` names; a format it knows and this command does not print is refused."""\n    if output is None:\n        return\n    name, _, template = output.partition("=")\n    if name in (\n        "jsonpath",\n        "go-template",\n        "template",\n        "jsonpath-file",\n        "go-template-file",\n        "templatefile",\n    ):\n        if not template:\n            raise UsageError("template format specified but no template given")\n    if name in _PRINTED:\n        return\n    if name in _KUBECTL_OUTPUTS.split(","):\n        raise UsageError(\n            f"-o {name} is not supported by this command line: use json, yaml, name or jsonpath"\n        )\n    raise UsageError(\n        f\'unable to match a printer suitable for the output format "{output}", \'\n        f"allowed formats are: {_KUBECTL_OUTPUTS}"\n    )\n\n\ndef _create_token(client: Client, args: argparse.Namespace) -> str:\n    """The token (a newline only on a terminal) or the object as `-o` asks, as kubectl prints them.\n\n    The request goes out unchecked: the server\'s verdict is the one that counts.\n    """\n    client.validate = False\n    bound = None\n    if args.bound_object_kind:\n        reference = {\n            "kind": args.bound_object_kind,\n            "apiVersion": "v1",\n            "name": args.bound_object_name,\n        }\n        if args.bound_object_uid:\n            reference["uid"] = args.bound_object_uid\n        bound = ',
            str(environment.getattr(l_1_token, 'bound_model')),
            '.model_validate(reference)\n    with warnings.catch_warnings(record=True) as caught:\n        warnings.simplefilter("always", ApiWarning)\n        try:\n            result = client.create_token(\n                args.names[0],\n                args.namespace,\n                audiences=args.audience or None,\n                duration=args.duration_seconds or None,\n                bound_object=bound,\n            )\n        except (ApiError, httpx.HTTPError) as error:\n            raise ValueError(f"failed to create token: {error}") from None\n        finally:\n            _print_warnings(caught)\n    token = result.status.token if result.status else ""\n    if not token:\n        raise ValueError("failed to create token: no token in server response")\n    if args.output is None:\n        return token + "\\n" if sys.stdout.isatty() else token\n    printed = _kubectl_object(result.to_dict())\n    name, _, template = args.output.partition("=")\n    if name == "name":\n        return f"tokenrequest.authentication.k8s.io/{printed[\'metadata\'].get(\'name\', \'\')}\\n"\n    if name == "json":\n        return go_json(printed, indent=4) + "\\n"\n    if name == "yaml":\n        return _yaml(printed)\n    return _jsonpath(template, printed)\n\n\ndef _print_warnings(caught: list[warnings.WarningMessage]) -> None:\n    """client-go\'s default warning handler: `Warning: TEXT` on stderr, each text once."""\n    seen: list[str] = []\n    for warning in caught:\n        if issubclass(warning.category, ApiWarning):\n            text = str(warning.message)\n            if text not in seen:\n                seen.append(text)\n                print(f"Warning: {printable(text)}", file=sys.stderr)\n        else:\n            warnings.showwarning(\n                warning.message, warning.category, warning.filename, warning.lineno\n            )\n\n\ndef _kubectl_object(data: dict[str, Any], field: str = "") -> dict[str, Any]:\n    """The object as kubectl holds it: Go\'s field order, managedFields hidden."""\n    if field == "metadata":\n        return go_object_meta({k: v for k, v in data.items() if k != "managedFields"})\n    order = _ORDER.get(field, ())\n    keys = [k for k in order if k in data] + [k for k in data if k not in order]\n    return {\n        key: _kubectl_object(data[key], key) if isinstance(data[key], dict) else data[key]\n        for key in keys\n    }\n\n\ndef _yaml(data: Any) -> str:\n    """`-o yaml`, as kubectl prints it; only this output needs PyYAML."""\n    try:\n        return go_yaml(data)\n    except ImportError:\n        raise ConfigError("-o yaml needs PyYAML: pip install pyyaml") from None\n\n\ndef _jsonpath(template: str, data: dict[str, Any]) -> str:\n    """kubectl\'s `-o jsonpath=` on the object: text kept, `{expr}` replaced by what it finds.\n\n    Values print as kubectl prints them: strings bare, objects and lists as JSON\n    with sorted keys, several results separated by spaces, missing ones as nothing.\n    """\n    try:\n        parse = importlib.import_module("jsonpath_ng.ext.parser").parse  # only this needs it\n    except ImportError:\n        raise ConfigError("-o jsonpath needs jsonpath-ng: pip install jsonpath-ng") from None\n\n    out: list[str] = []\n    position = 0\n    for match in _TEMPLATE_PART.finditer(template):\n        out.append(template[position : match.start()])\n        position = match.end()\n        expression = match.group(1).strip()\n        if expression.startswith(\'"\'):\n            out.append(json.loads(expression))\n            continue\n        if expression.split(" ", 1)[0] in ("range", "end", "if", "else"):\n            raise ValueError(\n                f"jsonpath {expression.split(\' \', 1)[0]} is not supported by this command line"\n            )\n        path = "$" + expression if expression.startswith((".", "[")) else expression\n        try:\n            found = [item.value for item in parse(path).find(data)]\n        except Exception as error:  # jsonpath-ng raises several types for a bad expression\n            raise ValueError(f"error parsing jsonpath {template}: {error}") from None\n        out.append(" ".join(_jsonpath_text(value) for value in found))\n    out.append(template[position:])\n    return "".join(out)\n\n\ndef _jsonpath_text(value: Any) -> str:\n    if isinstance(value, str):\n        return value\n    return go_json(value, sort_keys=True)\n',
        ))
        if environment.getattr(l_1_token, 'review_model'):
            pass
            t_7.extend((
                '\n\ndef _add_review_token(commands: argparse._SubParsersAction[Any]) -> None:\n    command = commands.add_parser(\n        "review-token",\n        help="ask the API server who a bearer token belongs to (TokenReview)",\n        description="Create a TokenReview and print it; exit 1 if the token is not authenticated.",\n    )\n    command.add_argument("token", metavar="TOKEN", help="the bearer token to review")\n    command.add_argument(\n        "--audience", action="append", default=[], help="an audience the token must be for"\n    )\n    command.add_argument("-o", "--output", choices=["json", "yaml"], default="json")\n    command.add_argument("--kubeconfig", default=argparse.SUPPRESS, help=argparse.SUPPRESS)\n    command.add_argument("--context", default=argparse.SUPPRESS, help=argparse.SUPPRESS)\n    command.set_defaults(run=_review_token)\n\n\ndef _review_token(client: Client, args: argparse.Namespace) -> str:\n    """The TokenReview as the server answered it; a token it does not authenticate exits 1."""\n    spec: dict[str, Any] = {"token": args.token}\n    if args.audience:\n        spec["audiences"] = args.audience\n    try:\n        reviewed = client.create_token_review(',
                str(environment.getattr(l_1_token, 'review_model')),
                '.model_validate({"spec": spec}))\n    except (ApiError, httpx.HTTPError) as error:\n        raise ValueError(f"failed to review the token: {error}") from None\n    printed = reviewed.to_dict()\n    ordered = {\n        key: printed[key]\n        for key in ("kind", "apiVersion", "metadata", "spec", "status")\n        if key in printed\n    }\n    text = go_json(ordered, indent=4) + "\\n" if args.output == "json" else _yaml(ordered)\n    if not (reviewed.status and reviewed.status.authenticated):\n        sys.stdout.write(printable(text))\n        reason = reviewed.status.error if reviewed.status and reviewed.status.error else ""\n        raise ValueError("the token is not authenticated" + (f": {reason}" if reason else ""))\n    return text\n',
            ))
        return concat(t_7)
    context.exported_vars.add('functions')
    context.vars['functions'] = l_0_functions = Macro(environment, macro, 'functions', ('token',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=30&6=38&11=47&20=54&21=57&22=61&26=68&28=76&33=85&35=92&197=94&301=97&326=101'
