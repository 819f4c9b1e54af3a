# apigen compiled template: server/_api.py.jinja sha256=e3730e9132d11b3bded1a2c04cbd4af161fb5059041909dda2d84e0e5d4b1020 jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'server/_api.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_header = resolve('header')
    l_0_merge_schemas = resolve('merge_schemas')
    l_0_protobuf = resolve('protobuf')
    l_0_resources = resolve('resources')
    l_0_operations = resolve('operations')
    l_0_title = resolve('title')
    l_0_media_types = resolve('media_types')
    l_0_models = resolve('models')
    try:
        t_1 = environment.filters['indent']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'indent' found.")
    try:
        t_2 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_3 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_4 = environment.filters['py_tuple']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'py_tuple' found.")
    try:
        t_5 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    try:
        t_6 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    pass
    yield str((undefined(name='header') if l_0_header is missing else l_0_header))
    yield '\n"""What this package\'s server serves, as data: resources, operations, wire forms, bodies.\n\nThe server framework (`_server.py`) registers its routes from `API`; the\nin-memory store merges strategic patches and applies by `MERGE_SCHEMAS`\n(the spec\'s `x-kubernetes-*` list and map keys, by field path); nothing here is\nbehaviour.\n"""\n\nfrom __future__ import annotations\n\nfrom . import models, validators\nfrom ._patch import '
    if t_2(context.eval_ctx, t_6(context, (undefined(name='merge_schemas') if l_0_merge_schemas is missing else l_0_merge_schemas), 'fields')):
        pass
        yield 'FieldInfo, '
    yield 'MergeSchema\n'
    if (undefined(name='protobuf') if l_0_protobuf is missing else l_0_protobuf):
        pass
        yield 'from ._proto import CODEC\n'
    yield 'from ._resource import '
    if t_2(context.eval_ctx, t_6(context, (undefined(name='resources') if l_0_resources is missing else l_0_resources), 'printer_columns')):
        pass
        yield 'PrinterColumn, '
    yield 'ResourceInfo\nfrom ._server import ApiSpec, OperationInfo, Param\nfrom ._wire import Wire\n\n'
    if (not (undefined(name='resources') if l_0_resources is missing else l_0_resources)):
        pass
        yield 'RESOURCES = ()\n'
    else:
        pass
        yield 'RESOURCES = (\n'
        for l_1_r in (undefined(name='resources') if l_0_resources is missing else l_0_resources):
            _loop_vars = {}
            pass
            yield '    ResourceInfo(\n        group='
            yield str(t_5(environment.getattr(l_1_r, 'group')))
            yield ',\n        version='
            yield str(t_5(environment.getattr(l_1_r, 'version')))
            yield ',\n        kind='
            yield str(t_5(environment.getattr(l_1_r, 'kind')))
            yield ',\n        plural='
            yield str(t_5(environment.getattr(l_1_r, 'plural')))
            yield ',\n        namespaced='
            yield str(environment.getattr(l_1_r, 'namespaced'))
            yield ',\n        verbs='
            yield str(t_1(t_4(t_3(context, environment.getattr(l_1_r, 'verbs'), 'pystr')), 8))
            yield ',\n        singular='
            yield str(t_5(environment.getattr(l_1_r, 'singular')))
            yield ',\n        list_kind='
            yield str(t_5(environment.getattr(l_1_r, 'list_kind')))
            yield ',\n        subresource='
            yield str(t_5(environment.getattr(l_1_r, 'subresource')))
            yield ',\n        parent_kind='
            yield str(t_5(environment.getattr(l_1_r, 'parent_kind')))
            yield ',\n'
            if environment.getattr(l_1_r, 'short_names'):
                pass
                yield '        short_names='
                yield str(t_1(t_4(t_3(context, environment.getattr(l_1_r, 'short_names'), 'pystr')), 8))
                yield ',\n'
            if environment.getattr(l_1_r, 'printer_columns'):
                pass
                yield '        printer_columns=(\n'
                for l_2_c in environment.getattr(l_1_r, 'printer_columns'):
                    l_2_strings = resolve('strings')
                    _loop_vars = {}
                    pass
                    yield '            PrinterColumn(\n                name='
                    yield str(t_5(environment.getattr(l_2_c, 'name')))
                    yield ',\n                json_path='
                    yield str(t_5(environment.getattr(l_2_c, 'json_path')))
                    yield ',\n                type='
                    yield str(t_5(environment.getattr(l_2_c, 'type')))
                    yield ',\n                format='
                    yield str(t_5(environment.getattr(l_2_c, 'format')))
                    yield ',\n                '
                    yield str(t_1(context.call((undefined(name='strings') if l_2_strings is missing else l_2_strings), 16, 'description=', t_2(context.eval_ctx, t_3(context, environment.getattr(l_2_c, 'description'), 'pystr')), ',', _loop_vars=_loop_vars), 16))
                    yield '\n                priority='
                    yield str(environment.getattr(l_2_c, 'priority'))
                    yield ',\n            ),\n'
                l_2_c = l_2_strings = missing
                yield '        ),\n'
            yield '    ),\n'
        l_1_r = missing
        yield ')\n'
    yield '\n'
    if (not (undefined(name='operations') if l_0_operations is missing else l_0_operations)):
        pass
        yield 'OPERATIONS = ()\n'
    else:
        pass
        yield 'OPERATIONS = (\n'
        for l_1_op in (undefined(name='operations') if l_0_operations is missing else l_0_operations):
            l_1_strings = resolve('strings')
            _loop_vars = {}
            pass
            yield '    OperationInfo(\n        operation_id='
            yield str(t_5(environment.getattr(l_1_op, 'operation_id')))
            yield ',\n        method='
            yield str(t_5(environment.getattr(l_1_op, 'method')))
            yield ',\n        path='
            yield str(t_5(environment.getattr(l_1_op, 'path')))
            yield ',\n        verb='
            yield str(t_5(environment.getattr(l_1_op, 'verb')))
            yield ',\n        resource=RESOURCES['
            yield str(environment.getattr(l_1_op, 'resource'))
            yield '],\n'
            if (not environment.getattr(l_1_op, 'parameters')):
                pass
                yield '        parameters=(),\n'
            else:
                pass
                yield '        parameters=(\n'
                for l_2_p in environment.getattr(l_1_op, 'parameters'):
                    _loop_vars = {}
                    pass
                    yield '            Param(\n                '
                    yield str(t_5(environment.getattr(l_2_p, 'name')))
                    yield ',\n                '
                    yield str(t_5(environment.getattr(l_2_p, 'type')))
                    yield ',\n                '
                    yield str(environment.getattr(l_2_p, 'required'))
                    yield ',\n                '
                    yield str(t_1(context.call((undefined(name='strings') if l_1_strings is missing else l_1_strings), 16, '', t_2(context.eval_ctx, t_3(context, environment.getattr(l_2_p, 'description'), 'pystr')), ',', _loop_vars=_loop_vars), 16))
                    yield '\n                '
                    yield str(t_5(environment.getattr(l_2_p, 'location')))
                    yield ',\n            ),\n'
                l_2_p = missing
                yield '        ),\n'
            yield '        body_kind='
            yield str(t_5(environment.getattr(l_1_op, 'body_kind')))
            yield ',\n        response_kind='
            yield str(t_5(environment.getattr(l_1_op, 'response_kind')))
            yield ',\n        success='
            yield str(environment.getattr(l_1_op, 'success'))
            yield ',\n        '
            yield str(t_1(context.call((undefined(name='strings') if l_1_strings is missing else l_1_strings), 8, 'description=', t_2(context.eval_ctx, t_3(context, environment.getattr(l_1_op, 'description'), 'pystr')), ',', _loop_vars=_loop_vars), 8))
            yield '\n    ),\n'
        l_1_op = l_1_strings = missing
        yield ')\n'
    yield '\nAPI = ApiSpec(\n    title='
    yield str(t_5((undefined(name='title') if l_0_title is missing else l_0_title)))
    yield ',\n    resources=RESOURCES,\n    operations=OPERATIONS,\n    wire=Wire(\n        '
    yield str(t_1(t_4(t_3(context, (undefined(name='media_types') if l_0_media_types is missing else l_0_media_types), 'pystr')), 8))
    yield ',\n        '
    yield str(('CODEC' if (undefined(name='protobuf') if l_0_protobuf is missing else l_0_protobuf) else 'None'))
    yield ',\n        validators.decode,\n    ),\n    models={\n'
    for l_1_m in (undefined(name='models') if l_0_models is missing else l_0_models):
        _loop_vars = {}
        pass
        yield '        '
        yield str(t_5(environment.getattr(l_1_m, 'name')))
        yield ': models.'
        yield str(environment.getattr(l_1_m, 'name'))
        yield ',\n'
    l_1_m = missing
    yield '    },\n    validators={\n'
    for l_1_m in (undefined(name='models') if l_0_models is missing else l_0_models):
        _loop_vars = {}
        pass
        yield '        '
        yield str(t_5(environment.getattr(l_1_m, 'name')))
        yield ': validators.'
        yield str(environment.getattr(l_1_m, 'validator'))
        yield ',\n'
    l_1_m = missing
    yield '    },\n    to_status=validators.to_status,\n)\n\n'
    if (not (undefined(name='merge_schemas') if l_0_merge_schemas is missing else l_0_merge_schemas)):
        pass
        yield 'MERGE_SCHEMAS: dict[str, MergeSchema] = {}\n'
    else:
        pass
        yield 'MERGE_SCHEMAS: dict[str, MergeSchema] = {\n'
        for l_1_schema in (undefined(name='merge_schemas') if l_0_merge_schemas is missing else l_0_merge_schemas):
            _loop_vars = {}
            pass
            if (not environment.getattr(l_1_schema, 'fields')):
                pass
                yield '    '
                yield str(t_5(environment.getattr(l_1_schema, 'kind')))
                yield ': MergeSchema({}),\n'
            else:
                pass
                yield '    '
                yield str(t_5(environment.getattr(l_1_schema, 'kind')))
                yield ': MergeSchema(\n        {\n'
                for l_2_f in environment.getattr(l_1_schema, 'fields'):
                    _loop_vars = {}
                    pass
                    yield '            '
                    yield str(t_1(t_4(t_3(context, environment.getattr(l_2_f, 'path'), 'pystr')), 12))
                    yield ': FieldInfo(\n                list_type='
                    yield str(t_5(environment.getattr(l_2_f, 'list_type')))
                    yield ',\n                map_keys='
                    yield str(t_1(t_4(t_3(context, environment.getattr(l_2_f, 'map_keys'), 'pystr')), 16))
                    yield ',\n                merge_key='
                    yield str(t_5(environment.getattr(l_2_f, 'merge_key')))
                    yield ',\n                strategy='
                    yield str(t_5(environment.getattr(l_2_f, 'strategy')))
                    yield ',\n                map_type='
                    yield str(t_5(environment.getattr(l_2_f, 'map_type')))
                    yield ',\n            ),\n'
                l_2_f = missing
                yield '        }\n    ),\n'
        l_1_schema = missing
        yield '}\n'

blocks = {}
debug_info = '1=55&13=57&14=61&17=65&21=69&25=75&27=79&28=81&29=83&30=85&31=87&32=89&33=91&34=93&35=95&36=97&37=99&38=102&40=104&42=107&44=112&45=114&46=116&47=118&48=120&49=122&59=130&63=136&65=141&66=143&67=145&68=147&69=149&70=151&74=157&76=161&77=163&78=165&79=167&80=169&85=174&86=176&87=178&88=180&95=185&99=187&100=189&104=191&105=195&109=201&110=205&116=211&120=217&121=220&122=223&124=228&126=230&127=234&128=236&129=238&130=240&131=242&132=244'
