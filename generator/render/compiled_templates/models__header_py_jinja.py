# apigen compiled template: models/header.py.jinja sha256=27528bb3394442e310180d8917f0592abdbcb7384b3eebf996ffc958f7fdb1f1 jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'models/header.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_header = resolve('header')
    l_0_api = resolve('api')
    l_0_base_imports = resolve('base_imports')
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield str((undefined(name='header') if l_0_header is missing else l_0_header))
    yield '\n'
    if (t_3(environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'kinds')) > 1):
        pass
        yield '"""Pydantic models of several kinds and the types they use.\n\nKinds:\n'
        for l_1_k in environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'kinds'):
            _loop_vars = {}
            pass
            yield '- '
            yield str(t_1(environment.getattr(l_1_k, 'kind')))
            yield ' ('
            yield str(t_1(environment.getattr(l_1_k, 'api_version')))
            yield ')\n'
        l_1_k = missing
        yield '"""\n'
    else:
        pass
        yield '"""Pydantic models of '
        yield str(t_1(environment.getattr(environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'kind'), 'kind')))
        yield ' ('
        yield str(t_1(environment.getattr(environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'kind'), 'api_version')))
        yield ') and the types it uses."""\n'
    yield '\n'
    for (l_1_module, l_1_names) in context.call(environment.getattr((undefined(name='base_imports') if l_0_base_imports is missing else l_0_base_imports), 'items')):
        _loop_vars = {}
        pass
        yield 'from .'
        yield str(l_1_module)
        yield ' import '
        yield str(t_2(context.eval_ctx, l_1_names, ', '))
        yield '\n'
    l_1_module = l_1_names = missing

blocks = {}
debug_info = '1=32&2=34&6=37&7=41&11=50&14=55&15=59'
