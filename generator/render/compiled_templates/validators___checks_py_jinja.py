# apigen compiled template: validators/_checks.py.jinja sha256=17b816b8b88f13e43b0b944e29852f3bac27c198d1a5c78294cb206b229d9ba8 jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'validators/_checks.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_literal = l_0_var = l_0_path = l_0_prefix = l_0_fails_if = l_0_append_check = l_0_constraint = l_0_type_error = l_0_guard = l_0_accepts = l_0_items = l_0_value = l_0_field = missing
    try:
        t_1 = environment.filters['indent']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'indent' found.")
    try:
        t_2 = environment.filters['pyliteral']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'pyliteral' found.")
    try:
        t_3 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    try:
        t_4 = environment.filters['trim']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'trim' found.")
    pass
    def macro(l_1_v):
        t_5 = []
        if l_1_v is missing:
            l_1_v = undefined("parameter 'v' was not provided", name='v')
        pass
        t_5.append(
            str(t_2(l_1_v)),
        )
        return concat(t_5)
    context.exported_vars.add('literal')
    context.vars['literal'] = l_0_literal = Macro(environment, macro, 'literal', ('v',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_node):
        t_6 = []
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        pass
        t_6.append(
            str((str_join(('item_', environment.getattr(environment.getitem(environment.getattr(l_1_node, 'steps'), -1), 'depth'), )) if environment.getattr(l_1_node, 'steps') else 'value')),
        )
        return concat(t_6)
    context.exported_vars.add('var')
    context.vars['var'] = l_0_var = Macro(environment, macro, 'var', ('node',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_node):
        t_7 = []
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        pass
        t_7.extend((
            'path + ',
            str(t_3(environment.getattr(l_1_node, 'field'))),
        ))
        for l_2_step in environment.getattr(l_1_node, 'steps'):
            _loop_vars = {}
            pass
            t_7.extend((
                ' + f"[',
                str(str_join(('{', environment.getattr(l_2_step, 'loop'), '_', environment.getattr(l_2_step, 'depth'), '}', ))),
                ']"',
            ))
        l_2_step = missing
        return concat(t_7)
    context.exported_vars.add('path')
    context.vars['path'] = l_0_path = Macro(environment, macro, 'path', ('node',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_node):
        t_8 = []
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        pass
        if environment.getattr(l_1_node, 'steps'):
            pass
            t_8.extend((
                str(context.call((undefined(name='path') if l_0_path is missing else l_0_path), l_1_node)),
                ' + "."',
            ))
        else:
            pass
            t_8.extend((
                'path + ',
                str(t_3(str_join((environment.getattr(l_1_node, 'field'), '.', )))),
            ))
        return concat(t_8)
    context.exported_vars.add('prefix')
    context.vars['prefix'] = l_0_prefix = Macro(environment, macro, 'prefix', ('node',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_keyword):
        t_9 = []
        if l_1_keyword is missing:
            l_1_keyword = undefined("parameter 'keyword' was not provided", name='keyword')
        pass
        t_9.append(
            str(environment.getitem({'minimum': '<', 'maximum': '>', 'exclusiveMinimum': '<=', 'exclusiveMaximum': '>=', 'minLength': '<', 'maxLength': '>', 'minItems': '<', 'maxItems': '>'}, l_1_keyword)),
        )
        return concat(t_9)
    context.exported_vars.add('fails_if')
    context.vars['fails_if'] = l_0_fails_if = Macro(environment, macro, 'fails_if', ('keyword',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_node, l_1_c, l_1_col):
        t_10 = []
        l_1_call = resolve('call')
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        if l_1_c is missing:
            l_1_c = undefined("parameter 'c' was not provided", name='c')
        if l_1_col is missing:
            l_1_col = undefined("parameter 'col' was not provided", name='col')
        pass
        if (environment.getattr(l_1_c, 'kind') == 'enum'):
            pass
            t_10.append(
                str(context.call((undefined(name='call') if l_1_call is missing else l_1_call), l_1_col, 'errors.append', [context.call((undefined(name='path') if l_0_path is missing else l_0_path), l_1_node), context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node), t_3(environment.getattr(l_1_c, 'detail'))], '_not_supported')),
            )
        else:
            pass
            t_10.append(
                str(context.call((undefined(name='call') if l_1_call is missing else l_1_call), l_1_col, 'errors.append', [context.call((undefined(name='path') if l_0_path is missing else l_0_path), l_1_node), context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node), t_3(environment.getattr(l_1_c, 'detail')), t_3(environment.getattr(l_1_c, 'keyword'))], '_invalid')),
            )
        return concat(t_10)
    context.exported_vars.add('append_check')
    context.vars['append_check'] = l_0_append_check = Macro(environment, macro, 'append_check', ('node', 'c', 'col'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_node, l_1_c, l_1_col):
        t_11 = []
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        if l_1_c is missing:
            l_1_c = undefined("parameter 'c' was not provided", name='c')
        if l_1_col is missing:
            l_1_col = undefined("parameter 'col' was not provided", name='col')
        pass
        if (environment.getattr(l_1_c, 'kind') == 'bound'):
            pass
            t_11.extend((
                'if ',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ' ',
                str(context.call((undefined(name='fails_if') if l_0_fails_if is missing else l_0_fails_if), environment.getattr(l_1_c, 'keyword'))),
                ' ',
                str(context.call((undefined(name='literal') if l_0_literal is missing else l_0_literal), environment.getattr(l_1_c, 'limit'))),
                ':\n',
            ))
        elif (environment.getattr(l_1_c, 'kind') == 'length'):
            pass
            t_11.extend((
                'if len(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') ',
                str(context.call((undefined(name='fails_if') if l_0_fails_if is missing else l_0_fails_if), environment.getattr(l_1_c, 'keyword'))),
                ' ',
                str(context.call((undefined(name='literal') if l_0_literal is missing else l_0_literal), environment.getattr(l_1_c, 'limit'))),
                ':\n',
            ))
        elif (environment.getattr(l_1_c, 'kind') == 'enum'):
            pass
            t_11.extend((
                'if ',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ' not in ',
                str(environment.getattr(l_1_c, 'constant')),
                ':\n',
            ))
        else:
            pass
            t_11.extend((
                'if not ',
                str(environment.getattr(l_1_c, 'constant')),
                '.search(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                '):\n',
            ))
        t_11.extend((
            '    ',
            str(t_1(context.call((undefined(name='append_check') if l_0_append_check is missing else l_0_append_check), l_1_node, l_1_c, (l_1_col + 4)), 4)),
        ))
        return concat(t_11)
    context.exported_vars.add('constraint')
    context.vars['constraint'] = l_0_constraint = Macro(environment, macro, 'constraint', ('node', 'c', 'col'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_node, l_1_col):
        t_12 = []
        l_1_call = resolve('call')
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        if l_1_col is missing:
            l_1_col = undefined("parameter 'col' was not provided", name='col')
        pass
        t_12.append(
            str(context.call((undefined(name='call') if l_1_call is missing else l_1_call), l_1_col, 'errors.append', [context.call((undefined(name='path') if l_0_path is missing else l_0_path), l_1_node), context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node), t_3(environment.getattr(l_1_node, 'json_type'))], '_type_invalid')),
        )
        return concat(t_12)
    context.exported_vars.add('type_error')
    context.vars['type_error'] = l_0_type_error = Macro(environment, macro, 'type_error', ('node', 'col'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_node):
        t_13 = []
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        pass
        if (environment.getattr(l_1_node, 'kind') in ('string', 'datetime')):
            pass
            t_13.extend((
                'not isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', str)',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'integer'):
            pass
            t_13.extend((
                'type(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') is not int and not _is_integral(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', strict)',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'number'):
            pass
            t_13.extend((
                'type(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') not in _NUMBER_TYPES',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'boolean'):
            pass
            t_13.extend((
                'type(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') is not bool',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'int-or-string'):
            pass
            t_13.extend((
                'type(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') is not int and not isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', str)',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'quantity'):
            pass
            t_13.extend((
                'type(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') not in _NUMBER_TYPES and not isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', str)',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'array'):
            pass
            t_13.extend((
                'not isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', list)',
            ))
        else:
            pass
            t_13.extend((
                'not isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', dict)',
            ))
        return concat(t_13)
    context.exported_vars.add('guard')
    context.vars['guard'] = l_0_guard = Macro(environment, macro, 'guard', ('node',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_node):
        t_14 = []
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        pass
        if (environment.getattr(l_1_node, 'kind') in ('model', 'map', 'object')):
            pass
            t_14.extend((
                'isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', dict)',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'array'):
            pass
            t_14.extend((
                'isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', list)',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'boolean'):
            pass
            t_14.extend((
                'type(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') is bool',
            ))
        elif (environment.getattr(l_1_node, 'kind') in ('string', 'datetime')):
            pass
            t_14.extend((
                'isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', str)',
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'integer'):
            pass
            t_14.extend((
                'type(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') is int',
            ))
        else:
            pass
            t_14.extend((
                'type(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ') in _NUMBER_TYPES',
            ))
        return concat(t_14)
    context.exported_vars.add('accepts')
    context.vars['accepts'] = l_0_accepts = Macro(environment, macro, 'accepts', ('node',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_node, l_1_col):
        t_15 = []
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        if l_1_col is missing:
            l_1_col = undefined("parameter 'col' was not provided", name='col')
        pass
        if (environment.getattr(l_1_node, 'kind') == 'array'):
            pass
            t_15.extend((
                'for index_',
                str(environment.getattr(l_1_node, 'depth')),
                ', ',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), environment.getattr(l_1_node, 'item'))),
                ' in enumerate(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                '):\n',
            ))
        else:
            pass
            t_15.extend((
                'for key_',
                str(environment.getattr(l_1_node, 'depth')),
                ', ',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), environment.getattr(l_1_node, 'item'))),
                ' in ',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                '.items():\n',
            ))
        t_15.extend((
            '    if ',
            str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), environment.getattr(l_1_node, 'item'))),
            ' is not None:\n        ',
            str(t_1(t_4(context.call((undefined(name='value') if l_0_value is missing else l_0_value), environment.getattr(l_1_node, 'item'), (l_1_col + 8))), 8)),
        ))
        return concat(t_15)
    context.exported_vars.add('items')
    context.vars['items'] = l_0_items = Macro(environment, macro, 'items', ('node', 'col'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_node, l_1_col, l_1_opening):
        t_16 = []
        l_1_call = resolve('call')
        if l_1_node is missing:
            l_1_node = undefined("parameter 'node' was not provided", name='node')
        if l_1_col is missing:
            l_1_col = undefined("parameter 'col' was not provided", name='col')
        if l_1_opening is missing:
            l_1_opening = 'if'
        pass
        if (environment.getattr(l_1_node, 'kind') == 'union'):
            pass
            l_2_loop = missing
            for l_2_option, l_2_loop in LoopContext(environment.getattr(l_1_node, 'options'), undefined):
                _loop_vars = {}
                pass
                t_16.extend((
                    str((l_1_opening if environment.getattr(l_2_loop, 'first') else 'elif')),
                    ' ',
                    str(context.call((undefined(name='accepts') if l_0_accepts is missing else l_0_accepts), l_2_option, _loop_vars=_loop_vars)),
                    ':\n',
                ))
                if (environment.getattr(l_2_option, 'kind') == 'model'):
                    pass
                    t_16.extend((
                        '    ',
                        str(t_1(context.call((undefined(name='call') if l_1_call is missing else l_1_call), (l_1_col + 4), environment.getattr(l_2_option, 'checker'), [context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_2_option, _loop_vars=_loop_vars), context.call((undefined(name='prefix') if l_0_prefix is missing else l_0_prefix), l_2_option, _loop_vars=_loop_vars), 'strict', 'errors', 'unknown'], _loop_vars=_loop_vars), 4)),
                        '\n',
                    ))
                elif environment.getattr(l_2_option, 'item'):
                    pass
                    t_16.extend((
                        '    ',
                        str(t_1(t_4(context.call((undefined(name='items') if l_0_items is missing else l_0_items), l_2_option, (l_1_col + 4), _loop_vars=_loop_vars)), 4)),
                        '\n',
                    ))
                else:
                    pass
                    t_16.append(
                        '    pass\n',
                    )
            l_2_loop = l_2_option = missing
            t_16.extend((
                'else:\n    ',
                str(t_1(context.call((undefined(name='type_error') if l_0_type_error is missing else l_0_type_error), l_1_node, (l_1_col + 4)), 4)),
            ))
        elif (environment.getattr(l_1_node, 'kind') == 'model'):
            pass
            t_16.extend((
                str(l_1_opening),
                ' isinstance(',
                str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                ', dict):\n    ',
                str(t_1(context.call((undefined(name='call') if l_1_call is missing else l_1_call), (l_1_col + 4), environment.getattr(l_1_node, 'checker'), [context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node), context.call((undefined(name='prefix') if l_0_prefix is missing else l_0_prefix), l_1_node), 'strict', 'errors', 'unknown']), 4)),
                '\nelse:\n    ',
                str(t_1(context.call((undefined(name='type_error') if l_0_type_error is missing else l_0_type_error), l_1_node, (l_1_col + 4)), 4)),
            ))
        else:
            pass
            t_16.extend((
                str(l_1_opening),
                ' ',
                str(context.call((undefined(name='guard') if l_0_guard is missing else l_0_guard), l_1_node)),
                ':\n    ',
                str(t_1(context.call((undefined(name='type_error') if l_0_type_error is missing else l_0_type_error), l_1_node, (l_1_col + 4)), 4)),
                '\n',
            ))
            if environment.getattr(l_1_node, 'format'):
                pass
                if (environment.getattr(environment.getattr(l_1_node, 'format'), 'kind') == 'range'):
                    pass
                    t_16.extend((
                        'elif not ',
                        str(environment.getattr(environment.getattr(l_1_node, 'format'), 'low')),
                        ' <= ',
                        str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                        ' <= ',
                        str(environment.getattr(environment.getattr(l_1_node, 'format'), 'high')),
                        ':\n',
                    ))
                elif (environment.getattr(environment.getattr(l_1_node, 'format'), 'kind') == 'quantity'):
                    pass
                    t_16.extend((
                        'elif isinstance(',
                        str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                        ', str) and _QUANTITY.search(',
                        str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                        ') is None:\n',
                    ))
                else:
                    pass
                    t_16.extend((
                        'elif not _is_rfc3339(',
                        str(context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node)),
                        '):\n',
                    ))
                t_16.extend((
                    '    ',
                    str(t_1(context.call((undefined(name='call') if l_1_call is missing else l_1_call), (l_1_col + 4), 'errors.append', [context.call((undefined(name='path') if l_0_path is missing else l_0_path), l_1_node), context.call((undefined(name='var') if l_0_var is missing else l_0_var), l_1_node), ('_QUANTITY_DETAIL' if (environment.getattr(environment.getattr(l_1_node, 'format'), 'kind') == 'quantity') else t_3(environment.getattr(environment.getattr(l_1_node, 'format'), 'detail'))), '"format"'], '_invalid'), 4)),
                    '\n',
                ))
            if environment.getattr(l_1_node, 'has_more_checks'):
                pass
                t_16.append(
                    'else:\n',
                )
                for l_2_c in environment.getattr(l_1_node, 'constraints'):
                    _loop_vars = {}
                    pass
                    t_16.extend((
                        '    ',
                        str(t_1(t_4(context.call((undefined(name='constraint') if l_0_constraint is missing else l_0_constraint), l_1_node, l_2_c, (l_1_col + 4), _loop_vars=_loop_vars)), 4)),
                        '\n',
                    ))
                l_2_c = missing
                if environment.getattr(l_1_node, 'item'):
                    pass
                    t_16.extend((
                        '    ',
                        str(t_1(t_4(context.call((undefined(name='items') if l_0_items is missing else l_0_items), l_1_node, (l_1_col + 4))), 4)),
                        '\n',
                    ))
        return concat(t_16)
    context.exported_vars.add('value')
    context.vars['value'] = l_0_value = Macro(environment, macro, 'value', ('node', 'col', 'opening'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_f, l_1_col):
        t_17 = []
        l_1_call = resolve('call')
        if l_1_f is missing:
            l_1_f = undefined("parameter 'f' was not provided", name='f')
        if l_1_col is missing:
            l_1_col = undefined("parameter 'col' was not provided", name='col')
        pass
        if environment.getattr(l_1_f, 'reads_value'):
            pass
            t_17.extend((
                'value = data.get(',
                str(t_3(environment.getattr(l_1_f, 'json_name'))),
                ')\n',
            ))
        if (environment.getattr(l_1_f, 'null_policy') == 'accepted'):
            pass
            if environment.getattr(l_1_f, 'checks_value'):
                pass
                t_17.extend((
                    'if value is not None:\n    ',
                    str(t_1(t_4(context.call((undefined(name='value') if l_0_value is missing else l_0_value), environment.getattr(l_1_f, 'value'), (l_1_col + 4))), 4)),
                    '\n',
                ))
        else:
            pass
            t_17.append(
                'if value is None:\n',
            )
            if (environment.getattr(l_1_f, 'null_policy') == 'required'):
                pass
                t_17.extend((
                    '    if strict:\n        ',
                    str(t_1(context.call((undefined(name='call') if l_1_call is missing else l_1_call), (l_1_col + 8), 'errors.append', [str_join(('path + ', t_3(environment.getattr(l_1_f, 'json_name')), ))], '_required'), 8)),
                    '\n',
                ))
            elif (environment.getattr(l_1_f, 'null_policy') == 'missing_is_required'):
                pass
                t_17.extend((
                    '    if strict and ',
                    str(t_3(environment.getattr(l_1_f, 'json_name'))),
                    ' not in data:\n        ',
                    str(t_1(context.call((undefined(name='call') if l_1_call is missing else l_1_call), (l_1_col + 8), 'errors.append', [str_join(('path + ', t_3(environment.getattr(l_1_f, 'json_name')), ))], '_required'), 8)),
                    '\n',
                ))
            else:
                pass
                t_17.extend((
                    '    if strict and ',
                    str(t_3(environment.getattr(l_1_f, 'json_name'))),
                    ' in data:\n        ',
                    str(t_1(context.call((undefined(name='append_check') if l_0_append_check is missing else l_0_append_check), environment.getattr(l_1_f, 'value'), environment.getattr(l_1_f, 'null_check'), (l_1_col + 8)), 8)),
                    '\n',
                ))
            if environment.getattr(l_1_f, 'checks_value'):
                pass
                t_17.extend((
                    str(t_4(context.call((undefined(name='value') if l_0_value is missing else l_0_value), environment.getattr(l_1_f, 'value'), l_1_col, 'elif'))),
                    '\n',
                ))
        return concat(t_17)
    context.exported_vars.add('field')
    context.vars['field'] = l_0_field = Macro(environment, macro, 'field', ('f', 'col'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '8=36&10=48&13=59&16=80&19=100&21=112&22=122&23=125&25=130&29=136&30=145&31=149&32=156&33=160&34=167&35=171&37=180&39=187&42=193&43=202&46=208&48=213&49=217&50=220&51=224&52=229&53=233&54=236&55=240&56=243&57=247&58=252&59=256&60=261&61=265&63=272&67=279&69=284&70=288&71=291&72=295&73=298&74=302&75=305&76=309&77=312&78=316&80=323&84=330&86=337&87=341&89=352&91=361&92=363&95=369&97=379&98=382&99=386&100=391&101=395&102=398&103=402&109=413&110=415&111=418&112=422&114=424&117=429&118=433&119=436&120=438&121=442&122=449&123=453&125=462&127=467&129=470&131=475&132=480&134=484&135=488&141=495&142=503&143=507&145=510&146=512&148=516&152=524&154=528&155=531&156=535&157=537&159=544&160=546&162=549&163=552'
