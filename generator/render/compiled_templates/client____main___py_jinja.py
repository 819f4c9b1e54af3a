# apigen compiled template: client/__main__.py.jinja sha256=525f2e9013cee701455c3fe91de950453c455f0e729111735d09feb86902c09a jinja2=3.1.6 trim_blocks=True lstrip_blocks=True keep_trailing_newline=True autoescape=False optimized=True newline='\n' extensions=[]
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'client/__main__.py.jinja'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_ctx = resolve('ctx')
    l_0_header = resolve('header')
    l_0_api = resolve('api')
    l_0_commands = missing
    try:
        t_1 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_2 = environment.filters['rstrip']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'rstrip' found.")
    try:
        t_3 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    pass
    l_0_commands = t_1(context.eval_ctx, t_3(context, environment.getattr((undefined(name='ctx') if l_0_ctx is missing else l_0_ctx), 'extensions'), 'cli_template'))
    context.vars['commands'] = l_0_commands
    context.exported_vars.add('commands')
    yield str((undefined(name='header') if l_0_header is missing else l_0_header))
    yield '\n"""A command line like kubectl\'s, on the generated client.\n\n'
    if (undefined(name='commands') if l_0_commands is missing else l_0_commands):
        pass
        yield '    python -m '
        yield str(environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'package'))
        yield ' [--kubeconfig F] [--context C] COMMAND ...\n\n'
        for l_1_ext in (undefined(name='commands') if l_0_commands is missing else l_0_commands):
            l_1_cli = missing
            _loop_vars = {}
            pass
            l_1_cli = environment.get_template(environment.getattr(l_1_ext, 'cli_template'), 'client/__main__.py.jinja')._get_default_module(context)
            yield str(context.call(environment.getattr((undefined(name='cli') if l_1_cli is missing else l_1_cli), 'usage'), environment.getattr(l_1_ext, 'context'), _loop_vars=_loop_vars))
            yield '\n'
        l_1_ext = l_1_cli = missing
        yield "\nErrors print `error: ...` on stderr and exit 1, as kubectl does; control characters\nin a server's message are escaped.\n"
    else:
        pass
        yield 'The API has no command yet.\n'
    yield '"""\n\nfrom __future__ import annotations\n\nimport argparse\nimport sys\nfrom collections.abc import Sequence\nfrom typing import NoReturn\n\nimport httpx\n\nfrom ._errors import printable\nfrom .client import ApiError, Client, ConfigError\n'
    for l_1_ext in (undefined(name='commands') if l_0_commands is missing else l_0_commands):
        l_1_cli = missing
        _loop_vars = {}
        pass
        l_1_cli = environment.get_template(environment.getattr(l_1_ext, 'cli_template'), 'client/__main__.py.jinja')._get_default_module(context)
        yield str(context.call(environment.getattr((undefined(name='cli') if l_1_cli is missing else l_1_cli), 'imports'), environment.getattr(l_1_ext, 'context'), _loop_vars=_loop_vars))
        yield '\n'
    l_1_ext = l_1_cli = missing
    yield '\n\nclass UsageError(Exception):\n    """A command-line mistake, printed as kubectl prints one: `error: ...`, maybe a hint, exit 1."""\n\n    def __init__(self, message: str, hint: str = "") -> None:\n        super().__init__(message)\n        self.hint = hint\n\n\nclass _Parser(argparse.ArgumentParser):\n    """argparse, with kubectl\'s exit status and wording for a bad command line."""\n\n    def error(self, message: str) -> NoReturn:\n        if message.startswith("unrecognized arguments: "):\n            message = "unknown flag: " + message.split(": ", 1)[1].split(" ", 1)[0]\n        raise UsageError(message, f"See \'{self.prog} --help\' for usage.")\n\n\ndef main(argv: Sequence[str] | None = None) -> int:\n    """Run a command; what it returns is printed as it is (commands end their own lines)."""\n    parser = _parser()\n    try:\n        args = parser.parse_args(\n            _flag_values_joined(parser, list(sys.argv[1:] if argv is None else argv))\n        )\n        check = getattr(args, "check", None)\n        if check is not None:  # the command\'s own checks come before any connection\n            check(args)\n        with Client.from_kubeconfig(args.kubeconfig, args.context) as client:\n            output: str = args.run(client, args)\n    except UsageError as error:\n        print(f"error: {printable(str(error))}", file=sys.stderr)\n        if error.hint:\n            print(error.hint, file=sys.stderr)\n        return 1\n    except (ApiError, ConfigError, httpx.HTTPError, ValueError) as error:\n        print(f"error: {printable(str(error))}", file=sys.stderr)\n        return 1\n    sys.stdout.write(printable(output))\n    return 0\n\n\ndef _flag_values_joined(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:\n    """`--duration -1s` as `--duration=-1s`: a flag\'s value may start with `-`, as in kubectl."""\n    takes_value = {\n        option\n        for each in [parser, *_subparsers(parser)]\n        for action in each._actions\n        if action.option_strings and action.nargs is None\n        for option in action.option_strings\n    }\n    joined: list[str] = []\n    index = 0\n    while index < len(argv):\n        if argv[index] in takes_value and index + 1 < len(argv):\n            joined.append(f"{argv[index]}={argv[index + 1]}")\n            index += 2\n        else:\n            joined.append(argv[index])\n            index += 1\n    return joined\n\n\ndef _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:\n    return [\n        sub\n        for action in parser._actions\n        if isinstance(action, argparse._SubParsersAction)\n        for sub in action.choices.values()\n    ]\n\n\ndef _parser() -> argparse.ArgumentParser:\n    parser = _Parser(prog="python -m '
    yield str(environment.getattr((undefined(name='api') if l_0_api is missing else l_0_api), 'package'))
    yield '")\n    parser.add_argument(\n        "--kubeconfig", help="the kubeconfig file (default: KUBECONFIG or ~/.kube/config)"\n    )\n    parser.add_argument("--context", help="the kubeconfig context (default: its current-context)")\n'
    if (undefined(name='commands') if l_0_commands is missing else l_0_commands):
        pass
        yield '    commands = parser.add_subparsers(required=True, metavar="COMMAND")\n'
        for l_1_ext in (undefined(name='commands') if l_0_commands is missing else l_0_commands):
            l_1_cli = missing
            _loop_vars = {}
            pass
            l_1_cli = environment.get_template(environment.getattr(l_1_ext, 'cli_template'), 'client/__main__.py.jinja')._get_default_module(context)
            yield str(context.call(environment.getattr((undefined(name='cli') if l_1_cli is missing else l_1_cli), 'register'), environment.getattr(l_1_ext, 'context'), _loop_vars=_loop_vars))
            yield '\n'
        l_1_ext = l_1_cli = missing
    else:
        pass
        yield '    parser.add_subparsers(required=True, metavar="COMMAND")  # no command yet\n'
    yield '    return parser\n'
    for l_1_ext in (undefined(name='commands') if l_0_commands is missing else l_0_commands):
        l_1_cli = missing
        _loop_vars = {}
        pass
        l_1_cli = environment.get_template(environment.getattr(l_1_ext, 'cli_template'), 'client/__main__.py.jinja')._get_default_module(context)
        yield '\n\n'
        yield str(t_2(context.call(environment.getattr((undefined(name='cli') if l_1_cli is missing else l_1_cli), 'functions'), environment.getattr(l_1_ext, 'context'), _loop_vars=_loop_vars)))
        yield '\n'
    l_1_ext = l_1_cli = missing
    yield '\n\nif __name__ == "__main__":\n    sys.exit(main())\n'

blocks = {}
debug_info = '1=33&2=36&5=38&6=41&8=43&9=47&10=48&31=56&32=60&33=61&109=65&114=67&116=70&117=74&118=75&124=82&125=86&128=88'
