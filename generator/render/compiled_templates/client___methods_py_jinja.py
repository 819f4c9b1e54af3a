# apigen compiled template: client/_methods.py.jinja sha256=599c0b6d06fba5780f38f1f7a1cd3af63dc562aa0a47a248abfed83e139da978 jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'client/_methods.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_returns = l_0_scope_args = l_0_method = missing
    try:
        t_1 = environment.filters['docstring']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'docstring' found.")
    try:
        t_2 = environment.filters['indent']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'indent' found.")
    try:
        t_3 = environment.filters['pystr']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'pystr' found.")
    pass
    def macro(l_1_m, l_1_is_async):
        t_4 = []
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        if l_1_is_async is missing:
            l_1_is_async = undefined("parameter 'is_async' was not provided", name='is_async')
        pass
        if (environment.getattr(l_1_m, 'verb') == 'watch'):
            pass
            t_4.extend((
                str(('AsyncIterator' if l_1_is_async else 'Iterator')),
                '[WatchEvent[_m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ']]',
            ))
        elif (environment.getattr(l_1_m, 'verb') in ('delete', 'delete_collection')):
            pass
            t_4.extend((
                '_m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ' | Status',
            ))
        else:
            pass
            t_4.extend((
                '_m.',
                str(environment.getattr(l_1_m, 'result_model')),
            ))
        return concat(t_4)
    context.exported_vars.add('returns')
    context.vars['returns'] = l_0_returns = Macro(environment, macro, 'returns', ('m', 'is_async'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_m):
        t_5 = []
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        pass
        if environment.getattr(l_1_m, 'namespaced'):
            pass
            t_5.append(
                '            namespace=namespace,\n',
            )
        if environment.getattr(l_1_m, 'all_namespaces'):
            pass
            t_5.append(
                '            all_namespaces=True,\n',
            )
        return concat(t_5)
    context.exported_vars.add('scope_args')
    context.vars['scope_args'] = l_0_scope_args = Macro(environment, macro, 'scope_args', ('m',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_m, l_1_is_async):
        t_6 = []
        l_1_keywords = l_1_query = l_1_runtime_args = l_1_wait = missing
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        if l_1_is_async is missing:
            l_1_is_async = undefined("parameter 'is_async' was not provided", name='is_async')
        pass
        l_1_keywords = (environment.getattr(l_1_m, 'query_params') + environment.getattr(l_1_m, 'runtime_params'))
        t_6.extend((
            '    ',
            str(('async ' if l_1_is_async else cond_expr_undefined("the inline if-expression on line 24 in 'client/_methods.py.jinja' evaluated to false and no else section was defined."))),
            'def ',
            str(environment.getattr(l_1_m, 'python_name')),
            '(\n        self,\n',
        ))
        if (environment.getattr(l_1_m, 'verb') == 'call'):
            pass
            for l_2_param in environment.getattr(l_1_m, 'path_params'):
                _loop_vars = {}
                pass
                t_6.extend((
                    '        ',
                    str(environment.getattr(l_2_param, 'python_name')),
                    ': str,\n',
                ))
            l_2_param = missing
        else:
            pass
            if environment.getattr(l_1_m, 'named'):
                pass
                t_6.append(
                    '        name: str,\n',
                )
            if environment.getattr(l_1_m, 'namespaced'):
                pass
                t_6.append(
                    '        namespace: str,\n',
                )
        if environment.getattr(l_1_m, 'free_body'):
            pass
            t_6.append(
                '        body: KubeModel | Mapping[str, Any] | Sequence[Mapping[str, Any]],\n',
            )
        elif environment.getattr(l_1_m, 'body_model'):
            pass
            t_6.extend((
                '        body: _m.',
                str(environment.getattr(l_1_m, 'body_model')),
                ' | Mapping[str, Any]',
                str((' | None = None' if environment.getattr(l_1_m, 'body_optional') else cond_expr_undefined("the inline if-expression on line 41 in 'client/_methods.py.jinja' evaluated to false and no else section was defined."))),
                ',\n',
            ))
        if ((undefined(name='keywords') if l_1_keywords is missing else l_1_keywords) or (environment.getattr(l_1_m, 'verb') == 'patch')):
            pass
            t_6.append(
                '        *,\n',
            )
        if (environment.getattr(l_1_m, 'verb') == 'patch'):
            pass
            t_6.append(
                '        patch_type: PatchType | None = None,\n',
            )
        for l_2_param in (undefined(name='keywords') if l_1_keywords is missing else l_1_keywords):
            _loop_vars = {}
            pass
            t_6.extend((
                '        ',
                str(environment.getattr(l_2_param, 'python_name')),
                ': ',
                str(environment.getattr(l_2_param, 'annotation')),
                ' | None = None,\n',
            ))
        l_2_param = missing
        t_6.extend((
            '    ) -> ',
            str(context.call((undefined(name='returns') if l_0_returns is missing else l_0_returns), l_1_m, l_1_is_async)),
            ':\n        """',
            str(t_1(environment.getattr(l_1_m, 'description'))),
            '\n\n        `',
            str(t_1(environment.getattr(l_1_m, 'http'))),
            '`\n',
        ))
        if (environment.getattr(l_1_m, 'verb') == 'patch'):
            pass
            t_6.append(
                '\n        `patch_type`: "merge" (the default for a mapping), "json" (the default for a list of\n        operations), "strategic", or "apply" (server-side apply: `field_manager` needed).\n',
            )
        if (undefined(name='keywords') if l_1_keywords is missing else l_1_keywords):
            pass
            t_6.append(
                '\n        Args:\n',
            )
            for l_2_param in (undefined(name='keywords') if l_1_keywords is missing else l_1_keywords):
                _loop_vars = {}
                pass
                t_6.extend((
                    '            ',
                    str(environment.getattr(l_2_param, 'python_name')),
                    ':\n                ',
                    str(t_2(t_1(environment.getattr(l_2_param, 'description')), 16)),
                    '\n',
                ))
            l_2_param = missing
        t_6.append(
            '        """\n',
        )
        t_7 = []
        pass
        if environment.getattr(l_1_m, 'query_params'):
            pass
            t_7.append(
                '            query={\n',
            )
            for l_3_param in environment.getattr(l_1_m, 'query_params'):
                _loop_vars = {}
                pass
                t_7.extend((
                    '                ',
                    str(t_3(environment.getattr(l_3_param, 'wire_name'))),
                    ': ',
                    str(environment.getattr(l_3_param, 'python_name')),
                    ',',
                    str(('  # noqa: E501' if environment.getattr(l_3_param, 'long') else cond_expr_undefined("the inline if-expression on line 74 in 'client/_methods.py.jinja' evaluated to false and no else section was defined."))),
                    '\n',
                ))
            l_3_param = missing
            t_7.append(
                '            },\n',
            )
        l_1_query = (Markup if context.eval_ctx.autoescape else identity)(concat(t_7))
        t_8 = []
        pass
        for l_3_param in environment.getattr(l_1_m, 'runtime_params'):
            _loop_vars = {}
            pass
            t_8.extend((
                '            ',
                str(environment.getattr(l_3_param, 'python_name')),
                '=',
                str(environment.getattr(l_3_param, 'python_name')),
                ',\n',
            ))
        l_3_param = missing
        l_1_runtime_args = (Markup if context.eval_ctx.autoescape else identity)(concat(t_8))
        l_1_wait = ('await ' if l_1_is_async else '')
        if (environment.getattr(l_1_m, 'verb') == 'get'):
            pass
            t_6.extend((
                '        return ',
                str((undefined(name='wait') if l_1_wait is missing else l_1_wait)),
                'self.get(\n            ',
                str(environment.getattr(l_1_m, 'resource')),
                ',\n            name,\n            _m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ',\n',
                str(context.call((undefined(name='scope_args') if l_0_scope_args is missing else l_0_scope_args), l_1_m)),
                str((undefined(name='query') if l_1_query is missing else l_1_query)),
                '        )\n',
            ))
        elif (environment.getattr(l_1_m, 'verb') in ('list', 'watch')):
            pass
            t_6.extend((
                '        return ',
                str((undefined(name='wait') if l_1_wait is missing else l_1_wait)),
                'self.',
                str(environment.getattr(l_1_m, 'verb')),
                '(\n            ',
                str(environment.getattr(l_1_m, 'resource')),
                ',\n            _m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ',\n',
                str(context.call((undefined(name='scope_args') if l_0_scope_args is missing else l_0_scope_args), l_1_m)),
                str((undefined(name='runtime_args') if l_1_runtime_args is missing else l_1_runtime_args)),
                str((undefined(name='query') if l_1_query is missing else l_1_query)),
                '        )\n',
            ))
        elif (environment.getattr(l_1_m, 'verb') == 'create'):
            pass
            t_6.extend((
                '        return ',
                str((undefined(name='wait') if l_1_wait is missing else l_1_wait)),
                'self.create(\n            ',
                str(environment.getattr(l_1_m, 'resource')),
                ',\n            body,\n            _m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ',\n',
                str(context.call((undefined(name='scope_args') if l_0_scope_args is missing else l_0_scope_args), l_1_m)),
            ))
            if environment.getattr(l_1_m, 'named'):
                pass
                t_6.append(
                    '            name=name,\n',
                )
            if environment.getattr(l_1_m, 'validator'):
                pass
                t_6.extend((
                    '            validator=_v.',
                    str(environment.getattr(l_1_m, 'validator')),
                    ',\n',
                ))
            t_6.extend((
                '            api_version=',
                str(t_3(environment.getattr(l_1_m, 'api_version'))),
                ',\n',
                str((undefined(name='query') if l_1_query is missing else l_1_query)),
                '        )\n',
            ))
        elif (environment.getattr(l_1_m, 'verb') == 'replace'):
            pass
            t_6.extend((
                '        return ',
                str((undefined(name='wait') if l_1_wait is missing else l_1_wait)),
                'self.replace(\n            ',
                str(environment.getattr(l_1_m, 'resource')),
                ',\n            name,\n            body,\n            _m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ',\n',
                str(context.call((undefined(name='scope_args') if l_0_scope_args is missing else l_0_scope_args), l_1_m)),
            ))
            if environment.getattr(l_1_m, 'validator'):
                pass
                t_6.extend((
                    '            validator=_v.',
                    str(environment.getattr(l_1_m, 'validator')),
                    ',\n',
                ))
            t_6.extend((
                '            api_version=',
                str(t_3(environment.getattr(l_1_m, 'api_version'))),
                ',\n',
                str((undefined(name='query') if l_1_query is missing else l_1_query)),
                '        )\n',
            ))
        elif (environment.getattr(l_1_m, 'verb') == 'patch'):
            pass
            t_6.extend((
                '        return ',
                str((undefined(name='wait') if l_1_wait is missing else l_1_wait)),
                'self.patch(\n            ',
                str(environment.getattr(l_1_m, 'resource')),
                ',\n            name,\n            body,\n            _m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ',\n',
                str(context.call((undefined(name='scope_args') if l_0_scope_args is missing else l_0_scope_args), l_1_m)),
                '            patch_type=patch_type,\n',
                str((undefined(name='runtime_args') if l_1_runtime_args is missing else l_1_runtime_args)),
                '            api_version=',
                str(t_3(environment.getattr(l_1_m, 'api_version'))),
                ',\n',
                str((undefined(name='query') if l_1_query is missing else l_1_query)),
                '        )\n',
            ))
        elif (environment.getattr(l_1_m, 'verb') == 'delete'):
            pass
            t_6.extend((
                '        return ',
                str((undefined(name='wait') if l_1_wait is missing else l_1_wait)),
                'self.delete(\n            ',
                str(environment.getattr(l_1_m, 'resource')),
                ',\n            name,\n            _m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ',\n',
                str(context.call((undefined(name='scope_args') if l_0_scope_args is missing else l_0_scope_args), l_1_m)),
            ))
            if environment.getattr(l_1_m, 'body_model'):
                pass
                t_6.append(
                    '            body=body,\n',
                )
            t_6.extend((
                str((undefined(name='query') if l_1_query is missing else l_1_query)),
                '        )\n',
            ))
        elif (environment.getattr(l_1_m, 'verb') == 'delete_collection'):
            pass
            t_6.extend((
                '        return ',
                str((undefined(name='wait') if l_1_wait is missing else l_1_wait)),
                'self.delete_collection(\n            ',
                str(environment.getattr(l_1_m, 'resource')),
                ',\n            _m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ',\n',
                str(context.call((undefined(name='scope_args') if l_0_scope_args is missing else l_0_scope_args), l_1_m)),
            ))
            if environment.getattr(l_1_m, 'body_model'):
                pass
                t_6.append(
                    '            body=body,\n',
                )
            t_6.extend((
                str((undefined(name='query') if l_1_query is missing else l_1_query)),
                '        )\n',
            ))
        else:
            pass
            t_6.extend((
                '        return ',
                str((undefined(name='wait') if l_1_wait is missing else l_1_wait)),
                'self.call(\n            ',
                str(t_3(environment.getattr(l_1_m, 'method'))),
                ',\n            ',
                str(t_3(environment.getattr(l_1_m, 'path'))),
                ',\n            {\n',
            ))
            for l_2_param in environment.getattr(l_1_m, 'path_params'):
                _loop_vars = {}
                pass
                t_6.extend((
                    '                ',
                    str(t_3(environment.getattr(l_2_param, 'wire_name'))),
                    ': ',
                    str(environment.getattr(l_2_param, 'python_name')),
                    ',\n',
                ))
            l_2_param = missing
            t_6.extend((
                '            },\n            _m.',
                str(environment.getattr(l_1_m, 'result_model')),
                ',\n',
            ))
            if environment.getattr(l_1_m, 'body_model'):
                pass
                t_6.append(
                    '            body=body,\n',
                )
                if environment.getattr(l_1_m, 'validator'):
                    pass
                    t_6.extend((
                        '            validator=_v.',
                        str(environment.getattr(l_1_m, 'validator')),
                        ',\n',
                    ))
                t_6.extend((
                    '            api_version=',
                    str(t_3(environment.getattr(l_1_m, 'api_version'))),
                    ',\n            kind=',
                    str(t_3(environment.getattr(l_1_m, 'kind'))),
                    ',\n',
                ))
                if environment.getattr(l_1_m, 'named'):
                    pass
                    t_6.append(
                        '            name=name,\n',
                    )
            t_6.extend((
                str((undefined(name='query') if l_1_query is missing else l_1_query)),
                '        )\n',
            ))
        return concat(t_6)
    context.exported_vars.add('method')
    context.vars['method'] = l_0_method = Macro(environment, macro, 'method', ('m', 'is_async'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '3=30&4=37&5=40&6=45&7=49&9=56&13=62&14=67&17=72&22=81&23=89&24=92&26=97&27=99&28=104&31=110&34=115&38=120&40=125&41=129&43=134&46=139&49=144&50=149&52=157&53=159&55=161&56=164&61=169&64=174&65=179&66=181&71=190&73=195&74=200&70=211&80=214&81=219&79=225&84=226&85=227&86=231&87=233&89=235&90=237&91=241&92=245&93=249&94=251&95=253&96=258&97=262&98=264&100=266&101=268&104=275&105=279&107=284&108=286&109=289&110=293&111=295&114=297&115=299&116=305&118=310&119=312&120=315&121=319&122=321&125=323&126=325&127=327&128=331&129=334&130=338&131=340&133=342&134=344&137=352&138=355&139=359&140=361&141=363&142=365&145=373&147=380&148=382&149=384&151=387&152=392&155=400&156=403&158=408&159=412&161=417&162=419&163=422&167=428'
