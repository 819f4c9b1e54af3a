# apigen compiled template: server/server.py.jinja sha256=7b3103a34a8593e593cc1173ba5d01f80af44220bc6e5d8bef47d63066ddf4fd jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'server/server.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_header = resolve('header')
    l_0_title = resolve('title')
    l_0_plugins = resolve('plugins')
    l_0_stored = resolve('stored')
    l_0_cli_description = resolve('cli_description')
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    try:
        t_2 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_3 = environment.filters['py_tuple']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'py_tuple' found.")
    try:
        t_4 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    pass
    yield str((undefined(name='header') if l_0_header is missing else l_0_header))
    yield '\n"""An ASGI server for '
    yield str(t_1((undefined(name='title') if l_0_title is missing else l_0_title)))
    yield ", as kube-apiserver serves it.\n\nThe routes come from `_api.API` (the spec's operations, as data) and from the\nextensions' plug-ins ("
    l_1_loop = missing
    t_5 = 1
    for l_1_plugin, l_1_loop in LoopContext((undefined(name='plugins') if l_0_plugins is missing else l_0_plugins), undefined):
        _loop_vars = {}
        pass
        yield '`'
        yield str(environment.getattr(l_1_plugin, 'module'))
        yield '`'
        if (not environment.getattr(l_1_loop, 'last')):
            pass
            yield ', '
        t_5 = 0
    l_1_loop = l_1_plugin = missing
    if t_5:
        pass
        yield 'none'
    yield '); the request handling is the\nframework\'s (`_server.py`). Run it with `python -m <package>.server --help`.\n"""\n\nfrom __future__ import annotations\n\nimport argparse\nfrom collections.abc import Sequence\nfrom typing import Any\n\nfrom starlette.applications import Starlette\n\nfrom . import _server\nfrom ._api import API'
    if (undefined(name='stored') if l_0_stored is missing else l_0_stored):
        pass
        yield ', MERGE_SCHEMAS'
    yield '\nfrom ._auth import Authenticator, Authorizer, allow_all\nfrom ._backend import Backend\n'
    if (undefined(name='stored') if l_0_stored is missing else l_0_stored):
        pass
        yield 'from ._persist import StateError, store_backend\n'
    for l_1_plugin in (undefined(name='plugins') if l_0_plugins is missing else l_0_plugins):
        _loop_vars = {}
        pass
        yield 'from .'
        yield str(environment.getattr(l_1_plugin, 'module'))
        yield ' import '
        yield str(environment.getattr(l_1_plugin, 'attribute'))
        yield ' as '
        yield str(environment.getattr(l_1_plugin, 'alias'))
        yield '\n'
    l_1_plugin = missing
    yield '\n__all__ = ["API", "PLUGINS", "app_from_args", "build_parser", "create_app", "main"]\n\nPLUGINS: tuple[_server.ServerPlugin, ...] = '
    yield str(t_3(t_2(context, (undefined(name='plugins') if l_0_plugins is missing else l_0_plugins), attribute='alias')))
    yield '\nDESCRIPTION = '
    yield str(t_4((undefined(name='cli_description') if l_0_cli_description is missing else l_0_cli_description)))
    yield '\n\n\ndef create_app(\n    *,\n    authenticator: Authenticator,\n    authorizer: Authorizer = allow_all,\n    backend: Backend | None = None,\n    anonymous_auth: bool = False,\n    **options: Any,\n) -> Starlette:\n    """The app. `backend` serves the generic verb routes; `options` are the plug-ins\'.\n\n    With `anonymous_auth`, requests without credentials are `system:anonymous`\n    (then authorized) instead of a 401.\n    """\n    return _server.build_app(\n        API,\n        PLUGINS,\n        authenticator=authenticator,\n        authorizer=authorizer,\n        backend=backend,\n        options=options,\n        anonymous_auth=anonymous_auth,\n    )\n\n\ndef build_parser() -> argparse.ArgumentParser:\n    return _server.build_parser(f"python -m {__package__}.server", DESCRIPTION, PLUGINS)\n\n\n'
    if (undefined(name='stored') if l_0_stored is missing else l_0_stored):
        pass
        yield 'def default_backend(args: argparse.Namespace, api: _server.ApiSpec) -> Backend:\n    """The in-memory store of every resource, `--state` and `--objects` applied."""\n    try:\n        return store_backend(api, MERGE_SCHEMAS, objects=args.objects, state=args.state)\n    except StateError as exc:\n        raise SystemExit(str(exc)) from None\n\n\ndef app_from_args(args: argparse.Namespace) -> Starlette:\n    return _server.app_from_arguments(args, API, PLUGINS, backend=default_backend)\n'
    else:
        pass
        yield 'def app_from_args(args: argparse.Namespace) -> Starlette:\n    return _server.app_from_arguments(args, API, PLUGINS)\n'
    yield '\n\ndef app_from_environment() -> Starlette:\n    """The app of `main`\'s arguments: uvicorn builds one in each worker process."""\n    return app_from_args(build_parser().parse_args(_server.arguments_from_environment()))\n\n\ndef main(argv: Sequence[str] | None = None) -> None:\n    _server.main(\n        argv, f"{__package__}.server:app_from_environment", build_parser(), PLUGINS, app_from_args\n    )\n\n\nif __name__ == "__main__":\n    main()\n'

blocks = {}
debug_info = '1=40&2=42&5=46&18=61&22=65&25=68&26=72&31=80&32=82&63=84'
