# apigen compiled template: extensions/tokenrequest/client_methods.py.jinja sha256=246af2a1e61295bf5a7b1c4f3b3451493bea43026d890a89aa89e460cba8c6ae jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'tokenrequest/client_methods.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_imports = l_0_helpers = l_0_methods = missing
    pass
    def macro(l_1_token):
        t_1 = []
        if l_1_token is missing:
            l_1_token = undefined("parameter 'token' was not provided", name='token')
        pass
        t_1.append(
            'from collections.abc import Sequence\nfrom datetime import timedelta\n',
        )
        return concat(t_1)
    context.exported_vars.add('imports')
    context.vars['imports'] = l_0_imports = Macro(environment, macro, 'imports', ('token',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_token):
        t_2 = []
        if l_1_token is missing:
            l_1_token = undefined("parameter 'token' was not provided", name='token')
        pass
        t_2.extend((
            'def _token_request(\n    audiences: Sequence[str] | None,\n    duration: timedelta | float | None,\n    bound_object: _m.',
            str(environment.getattr(l_1_token, 'bound_model')),
            ' | None,\n) -> dict[str, Any]:\n    """The body `kubectl create token` sends for these flags."""\n    spec: dict[str, Any] = {"audiences": list(audiences or [])}\n    if duration is not None:\n        seconds = duration.total_seconds() if isinstance(duration, timedelta) else duration\n        if seconds <= 0:\n            raise ValueError("duration must be positive")\n        spec["expirationSeconds"] = int(seconds)\n    if bound_object is not None:\n        spec["boundObjectRef"] = bound_object.to_dict()\n    return {"spec": spec}\n',
        ))
        return concat(t_2)
    context.exported_vars.add('helpers')
    context.vars['helpers'] = l_0_helpers = Macro(environment, macro, 'helpers', ('token',), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_token, l_1_is_async):
        t_3 = []
        if l_1_token is missing:
            l_1_token = undefined("parameter 'token' was not provided", name='token')
        if l_1_is_async is missing:
            l_1_is_async = undefined("parameter 'is_async' was not provided", name='is_async')
        pass
        t_3.extend((
            '    ',
            str(('async ' if l_1_is_async else cond_expr_undefined("the inline if-expression on line 26 in 'tokenrequest/client_methods.py.jinja' evaluated to false and no else section was defined."))),
            'def create_token(\n        self,\n        service_account: str,\n        namespace: str | None = None,\n        *,\n        audiences: Sequence[str] | None = None,\n        duration: timedelta | float | None = None,\n        bound_object: _m.',
            str(environment.getattr(l_1_token, 'bound_model')),
            ' | None = None,\n    ) -> _m.',
            str(environment.getattr(l_1_token, 'root_model')),
            ':\n        """A token for `service_account`, as `kubectl create token` asks for one.\n\n        Args:\n            service_account: the service account\'s name.\n            namespace: its namespace; by default the client\'s.\n            audiences: the token\'s intended audiences (`--audience`); none means the\n                API server\'s own.\n            duration: how long the token should be valid (`--duration`), as a timedelta or\n                seconds; the server may shorten it. By default the server\'s (one hour).\n            bound_object: an object (Pod, Secret or Node) whose deletion invalidates the token\n                (`--bound-object-kind/-name/-uid`).\n        """\n        return ',
            str(('await ' if l_1_is_async else cond_expr_undefined("the inline if-expression on line 47 in 'tokenrequest/client_methods.py.jinja' evaluated to false and no else section was defined."))),
            'self.',
            str(environment.getattr(l_1_token, 'operation')),
            '(\n            service_account,\n            namespace or self.namespace,\n            _token_request(audiences, duration, bound_object),\n        )\n',
        ))
        return concat(t_3)
    context.exported_vars.add('methods')
    context.vars['methods'] = l_0_methods = Macro(environment, macro, 'methods', ('token', 'is_async'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=12&7=24&11=31&25=38&26=47&33=49&34=51&47=53'
