# apigen compiled template: client/client.py.jinja sha256=1080510e95f52de87c941dcd642e14ad5672449d568adf9c5ae4b77360ff340f jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'client/client.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_ctx = resolve('ctx')
    l_0_header = resolve('header')
    l_0_api = resolve('api')
    l_0_methods = l_0_helpers = missing
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
        t_5 = environment.filters['py_tuple']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'py_tuple' found.")
    try:
        t_6 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    try:
        t_7 = environment.filters['rstrip']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'rstrip' found.")
    try:
        t_8 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    pass
    l_0_methods = context.vars['methods'] = environment.get_template('client/_methods.py.jinja', 'client/client.py.jinja')._get_default_module(context)
    context.exported_vars.discard('methods')
    l_0_helpers = t_3(context.eval_ctx, t_8(context, environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'extensions'), 'template'))
    context.vars['helpers'] = l_0_helpers
    context.exported_vars.add('helpers')
    yield str((undefined(name='header') if l_0_header is missing else l_0_header))
    yield '\n"""Sync and async clients for '
    yield str(t_1(environment.getattr(environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'kind'), 'api_version')))
    yield ', on httpx (see `_rest`).\n\nConnect with `Client(base_url, token=...)`, `Client.from_kubeconfig()` (as\nkubectl reads `KUBECONFIG` or `~/.kube/config`) or `Client.in_cluster()` (from a\npod\'s service-account mount); `AsyncClient` has the same surface with `await`.\nBoth are context managers that close their connections. TLS is verified unless\nthe caller or the kubeconfig says otherwise; the bearer token never appears in a\n`repr`, a log line or an exception.\n\nEach operation of the API is a method named as in the official Python client\n(`list_namespaced_config_map`, `read_namespaced_pod_status`, ...), and each list\nhas a `watch_...` twin streaming typed events. The generic verbs (`get`, `list`,\n`pages`, `items`, `create`, `replace`, `patch`, `delete`, `delete_collection`,\n`watch`) work on any `ResourceInfo`.\n\nBodies are checked with the generated validators before they are sent; an\nanswer that is not 2xx raises one of these (see `_errors`)::\n\n    ApiError              any non-2xx answer: .code (HTTP status), .status (Status or None)\n    +-- BadRequest        400\n    +-- Unauthorized      401\n    +-- Forbidden         403\n    +-- NotFound          404\n    +-- Conflict          409\n    +-- Gone              410: a resourceVersion or continue token too old\n    +-- Invalid           422, .causes; also raised before sending by client-side validation\n    +-- TooManyRequests   429, when the retries ran out\n    +-- ServerError       5xx\n    ConfigError           a kubeconfig or in-cluster setup this client cannot use\n\n`Warning` headers of an answer are issued as `ApiWarning` through `warnings`.\nAnswers 429, 503 and 504, and connections that failed before the request was\nsent, are retried a bounded number of times with jittered exponential backoff,\nhonouring `Retry-After` (see `Retry`); `timeout` bounds the whole request and\n`Limits` the size of an answer.\n"""\n\nfrom __future__ import annotations\n\nfrom collections.abc import AsyncIterator, Iterator, Mapping, Sequence\nfrom typing import Any\n\nfrom . import models as _m\nfrom . import validators as _v\nfrom ._base import KubeModel\nfrom ._connection import (\n    DEFAULT_TIMEOUT,\n    ConfigError,\n    Connection,\n    Deadline,\n    Limits,\n    ResponseTooLarge,\n    Retry,\n    in_cluster_connection,\n    load_kubeconfig,\n)\nfrom ._errors import (\n    ApiError,\n    ApiWarning,\n    BadRequest,\n    Conflict,\n    Expired,\n    Forbidden,\n    Gone,\n    Invalid,\n    NotFound,\n    ServerError,\n    Status,\n    StatusCause,\n    StatusDetails,\n    TooManyRequests,\n    Unauthorized,\n    invalid_from_status,\n    issue_warnings,\n    printable,\n)\nfrom ._resource import ResourceInfo\nfrom ._rest import PATCH_CONTENT_TYPES, AsyncRestClient, PatchType, RestClient\nfrom ._watch_client import WatchEvent\n'
    for l_1_ext in (undefined(name='helpers') if l_0_helpers is missing else l_0_helpers):
        l_1_extension = missing
        _loop_vars = {}
        pass
        l_1_extension = environment.get_template(environment.getattr(l_1_ext, 'template'), 'client/client.py.jinja')._get_default_module(context)
        yield str(context.call(environment.getattr((undefined(name='extension') if l_1_extension is missing else l_1_extension), 'imports'), environment.getattr(l_1_ext, 'context'), _loop_vars=_loop_vars))
        yield '\n'
    l_1_ext = l_1_extension = missing
    yield '\n__all__ = [\n    "DEFAULT_TIMEOUT",\n    "PATCH_CONTENT_TYPES",\n    "ApiError",\n    "ApiWarning",\n    "AsyncClient",\n    "BadRequest",\n    "Client",\n    "ConfigError",\n    "Conflict",\n    "Connection",\n    "Deadline",\n    "Expired",\n    "Forbidden",\n    "Gone",\n    "Invalid",\n    "Limits",\n    "NotFound",\n    "PatchType",\n    "ResourceInfo",\n    "ResponseTooLarge",\n    "Retry",\n    "ServerError",\n    "Status",\n    "StatusCause",\n    "StatusDetails",\n    "TooManyRequests",\n    "Unauthorized",\n'
    if environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'has_watch'):
        pass
        yield '    "WatchEvent",\n'
    yield '    "in_cluster_connection",\n    "issue_warnings",\n    "load_kubeconfig",\n    "printable",\n]\n\n# --- The resources of this package ----------------------------------------------------\n'
    for l_1_res in environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'resources'):
        _loop_vars = {}
        pass
        yield '\n'
        yield str(environment.getattr(l_1_res, 'constant'))
        yield ' = ResourceInfo(\n    group='
        yield str(t_6(environment.getattr(l_1_res, 'group')))
        yield ',\n    version='
        yield str(t_6(environment.getattr(l_1_res, 'version')))
        yield ',\n    kind='
        yield str(t_6(environment.getattr(l_1_res, 'kind')))
        yield ',\n    plural='
        yield str(t_6(environment.getattr(l_1_res, 'plural')))
        yield ',\n    namespaced='
        yield str(environment.getattr(l_1_res, 'namespaced'))
        yield ',\n    verbs='
        yield str(t_2(t_5(t_4(context, environment.getattr(l_1_res, 'verbs'), 'pystr')), 4))
        yield ',\n'
        if environment.getattr(l_1_res, 'list_kind'):
            pass
            yield '    list_kind='
            yield str(t_6(environment.getattr(l_1_res, 'list_kind')))
            yield ',\n'
        if environment.getattr(l_1_res, 'subresource'):
            pass
            yield '    subresource='
            yield str(t_6(environment.getattr(l_1_res, 'subresource')))
            yield ',\n    parent_kind='
            yield str(t_6(environment.getattr(l_1_res, 'parent_kind')))
            yield ',\n'
        yield ')\n'
    l_1_res = missing
    yield '\n\nclass _Validated:\n    """Client-side validation worded as the API server words it (`to_status`)."""\n\n    def _invalid(self, errors: Sequence[Any], name: str) -> Invalid:\n        return invalid_from_status(\n            _v.to_status(list(errors), name=name), "; ".join(map(str, errors))\n        )\n'
    for l_1_ext in (undefined(name='helpers') if l_0_helpers is missing else l_0_helpers):
        l_1_extension = missing
        _loop_vars = {}
        pass
        l_1_extension = environment.get_template(environment.getattr(l_1_ext, 'template'), 'client/client.py.jinja')._get_default_module(context)
        yield '\n\n'
        yield str(t_7(context.call(environment.getattr((undefined(name='extension') if l_1_extension is missing else l_1_extension), 'helpers'), environment.getattr(l_1_ext, 'context'), _loop_vars=_loop_vars)))
        yield '\n'
    l_1_ext = l_1_extension = missing
    yield '\n\nclass Client(_Validated, RestClient):\n    """A blocking client; `with Client(...) as client:` closes its connections."""\n'
    for l_1_method in environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'methods'):
        _loop_vars = {}
        pass
        yield '\n'
        yield str(t_7(context.call(environment.getattr((undefined(name='methods') if l_0_methods is missing else l_0_methods), 'method'), l_1_method, False, _loop_vars=_loop_vars)))
        yield '\n'
    l_1_method = missing
    for l_1_ext in (undefined(name='helpers') if l_0_helpers is missing else l_0_helpers):
        l_1_extension = missing
        _loop_vars = {}
        pass
        l_1_extension = environment.get_template(environment.getattr(l_1_ext, 'template'), 'client/client.py.jinja')._get_default_module(context)
        yield '\n'
        yield str(t_7(context.call(environment.getattr((undefined(name='extension') if l_1_extension is missing else l_1_extension), 'methods'), environment.getattr(l_1_ext, 'context'), False, _loop_vars=_loop_vars)))
        yield '\n'
    l_1_ext = l_1_extension = missing
    yield '\n\nclass AsyncClient(_Validated, AsyncRestClient):\n    """An asyncio client; `async with AsyncClient(...) as client:` closes its connections."""\n'
    for l_1_method in environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'methods'):
        _loop_vars = {}
        pass
        yield '\n'
        yield str(t_7(context.call(environment.getattr((undefined(name='methods') if l_0_methods is missing else l_0_methods), 'method'), l_1_method, True, _loop_vars=_loop_vars)))
        yield '\n'
    l_1_method = missing
    for l_1_ext in (undefined(name='helpers') if l_0_helpers is missing else l_0_helpers):
        l_1_extension = missing
        _loop_vars = {}
        pass
        l_1_extension = environment.get_template(environment.getattr(l_1_ext, 'template'), 'client/client.py.jinja')._get_default_module(context)
        yield '\n'
        yield str(t_7(context.call(environment.getattr((undefined(name='extension') if l_1_extension is missing else l_1_extension), 'methods'), environment.getattr(l_1_ext, 'context'), True, _loop_vars=_loop_vars)))
        yield '\n'
    l_1_ext = l_1_extension = missing

blocks = {}
debug_info = '1=63&2=65&3=68&4=70&83=72&84=76&85=77&116=81&126=85&128=89&129=91&130=93&131=95&132=97&133=99&134=101&135=103&136=106&138=108&139=111&140=113&153=118&154=122&157=124&163=128&165=132&167=135&168=139&170=141&176=145&178=149&180=152&181=156&183=158'
