# apigen compiled template: server/_proto.py.jinja sha256=97d65b18067b73063d80b41338f0eeed1f974f2cac13625c761f86e800d27d0a jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'server/_proto.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_header = resolve('header')
    l_0_protobuf = resolve('protobuf')
    l_0_proto_file = resolve('proto_file')
    l_0_descriptor_set_base64 = resolve('descriptor_set_base64')
    l_0_objects = resolve('objects')
    l_0_envelope_message = resolve('envelope_message')
    l_0_time_message = resolve('time_message')
    l_0_status_message = resolve('status_message')
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    try:
        t_2 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    pass
    yield str((undefined(name='header') if l_0_header is missing else l_0_header))
    yield '\n'
    if (undefined(name='protobuf') if l_0_protobuf is missing else l_0_protobuf):
        pass
        yield '"""The protobuf messages of this package (`application/vnd.kubernetes.protobuf`).\n\napigen compiled `'
        yield str(t_1((undefined(name='proto_file') if l_0_proto_file is missing else l_0_proto_file)))
        yield '` (it keeps Kubernetes\' field numbers) into\nthe FileDescriptorSet below; `_protobuf.ProtobufCodec` builds the message\nclasses from it with the official protobuf runtime.\n"""\n\nfrom __future__ import annotations\n\nimport base64\n\nfrom ._protobuf import MEDIA_TYPE, ProtobufCodec\n\n__all__ = ["CODEC", "MEDIA_TYPE"]\n\n_DESCRIPTOR_SET = base64.b64decode(\n'
        for l_1_line in (undefined(name='descriptor_set_base64') if l_0_descriptor_set_base64 is missing else l_0_descriptor_set_base64):
            _loop_vars = {}
            pass
            yield '    '
            yield str(t_2(l_1_line))
            yield '\n'
        l_1_line = missing
        yield ')\n\nCODEC = ProtobufCodec(\n    _DESCRIPTOR_SET,\n    {\n'
        for (l_1_kind, l_1_message) in (undefined(name='objects') if l_0_objects is missing else l_0_objects):
            _loop_vars = {}
            pass
            yield '        '
            yield str(t_2(l_1_kind))
            yield ': '
            yield str(t_2(l_1_message))
            yield ',\n'
        l_1_kind = l_1_message = missing
        yield '    },\n    envelope='
        yield str(t_2((undefined(name='envelope_message') if l_0_envelope_message is missing else l_0_envelope_message)))
        yield ',\n    time='
        yield str(t_2((undefined(name='time_message') if l_0_time_message is missing else l_0_time_message)))
        yield ',\n'
        if (undefined(name='status_message') if l_0_status_message is missing else l_0_status_message):
            pass
            yield '    status='
            yield str(t_2((undefined(name='status_message') if l_0_status_message is missing else l_0_status_message)))
            yield ',\n'
        yield ')\n'
    else:
        pass
        yield '"""No protobuf: this package was generated without a `.proto`, so its server reads\nand writes JSON and YAML only. Give the target a `proto` (or an extension that\nbrings one) to enable it."""\n\nfrom __future__ import annotations\n\nCODEC = None\n'

blocks = {}
debug_info = '1=31&2=33&5=36&19=38&20=42&27=46&28=50&31=56&32=58&33=60&34=63'
