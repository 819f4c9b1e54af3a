"""The `apigen` command. It parses arguments, prints, and picks exit codes; the
work is in the pipeline modules.

Exit codes: 0 success, 1 a difference found (`check`), 2 an error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.config import Target, find_project_root, resolve_target
from generator.errors import ApigenError

EXIT_OK, EXIT_DIFFERENT, EXIT_ERROR = 0, 1, 2


def chosen_target(args: argparse.Namespace) -> Target:
    target = resolve_target(args.target, find_project_root())
    if getattr(args, "spec", None):
        target = target.with_spec(Path(args.spec))
    if getattr(args, "out", None):
        target = target.with_output(Path(args.out))
    return target


def cmd_generate(args: argparse.Namespace) -> int:
    from generator.render.output import write_package
    from generator.render.pipeline import generate

    target = chosen_target(args)
    files = generate(target)
    write_package(files, target.package_dir)
    print(f"wrote {len(files)} files to {target.package_dir}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from generator.render.output import compare_package
    from generator.render.pipeline import generate

    target = chosen_target(args)
    comparison = compare_package(generate(target), target.package_dir)
    if comparison.equal:
        print(f"{target.package_dir} is up to date")
    else:
        print(f"{target.package_dir} differs from what the spec and templates generate:")
        print(comparison.report(target.package_dir), end="")
        print("run `apigen generate` (make generate) and commit the result")
    status = EXIT_OK if comparison.equal else EXIT_DIFFERENT
    if args.spec_against:
        status = max(status, check_drift(target, args))
    return status


def check_drift(target: Target, args: argparse.Namespace) -> int:
    """The drift gate: the target's spec against a newer or live one."""
    from generator.drift.diff import diff_specs
    from generator.drift.fetch import read_source
    from generator.drift.report import as_text

    vendored = read_source(str(target.spec))
    against = read_source(
        args.spec_against,
        kind=target.kind,
        group_version=target.group_version,
        context=args.context,
    )
    result = diff_specs(vendored, against, target.kind, target.group_version)
    print(as_text(result), end="")
    return EXIT_DIFFERENT if result.fails(args.fail_on) else EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.spec.load import load_spec
    from generator.spec.validate import validate_document

    spec = load_spec(Path(args.spec))
    validate_document(spec.document, spec.source)
    print(f"{args.spec}: valid OpenAPI (read as {spec.original_version})")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from generator.drift.fetch import read_source
    from generator.drift.importer import import_kind, write_import

    kinds = tuple(dict.fromkeys(args.kind))
    spec = read_source(
        args.source, kind=kinds[0], group_version=args.group_version, context=args.context
    )
    imported = import_kind(spec, kinds, args.group_version)
    overlay = write_import(imported, Path(args.output))
    schemas = len(imported.document["components"]["schemas"])
    roots = ", ".join(imported.roots or (imported.root,))
    print(f"wrote {args.output}: {roots}, {schemas} schemas, {imported.operations} operations")
    if overlay is not None:
        print(f"the overlay {overlay} still applies")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.drift.diff import diff_specs
    from generator.drift.fetch import read_source
    from generator.drift.report import FORMATS

    kind, group_version = args.kind, args.group_version
    if kind is None:
        default = resolve_target(None, find_project_root())
        kind, group_version = default.kind, group_version or default.group_version
    old, new = (
        read_source(source, kind=kind, group_version=group_version, context=args.context)
        for source in (args.old, args.new)
    )
    result = diff_specs(old, new, kind, group_version)
    print(FORMATS[args.format](result), end="")
    return EXIT_DIFFERENT if result.fails(args.fail_on) else EXIT_OK


def fail_on_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--fail-on",
        choices=("breaking", "any", "none"),
        default="breaking",
        help="exit 1 when a change at or above this level is found (default: breaking)",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.serve import run_server

    run_server(chosen_target(args), args.server_args)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="apigen",
        description="Generate typed Python bindings (models, validators, client, server) for a Kubernetes API.",
    )
    parser.add_argument("--version", action="version", version=f"apigen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def target_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--target", help="target name from [tool.apigen.targets] (default: the default target)"
        )
        sub.add_argument(
            "--spec",
            help="read this spec instead of the target's (JSON/YAML/gzip, Swagger 2.0 or OpenAPI 3)",
        )
        sub.add_argument(
            "--out", help="the package folder to write, e.g. /tmp/x/authentication_k8s_io_v1"
        )

    generate = commands.add_parser("generate", help="regenerate the package from the spec")
    target_options(generate)
    generate.set_defaults(run=cmd_generate)

    check = commands.add_parser(
        "check",
        help="regenerate in memory and compare with the committed package (exit 1 if different)",
    )
    target_options(check)
    check.add_argument(
        "--spec-against",
        metavar="SOURCE",
        help="also diff the target's spec against SOURCE (file, URL or `cluster`)",
    )
    check.add_argument("--context", help="kubeconfig context for `cluster` (default: current)")
    fail_on_option(check)
    check.set_defaults(run=cmd_check)

    validate = commands.add_parser("validate", help="validate an OpenAPI / Swagger document")
    validate.add_argument("spec", help="path of the document")
    validate.set_defaults(run=cmd_validate)

    importer = commands.add_parser(
        "import", help="slice one kind out of an upstream spec into a vendored OpenAPI 3.0 spec"
    )
    importer.add_argument("source", help="a file (JSON/YAML/gzip), an http(s) URL, or `cluster`")
    importer.add_argument(
        "--kind",
        required=True,
        action="append",
        help="a kind to import, e.g. TokenRequest; repeat for several kinds of one group-version",
    )
    importer.add_argument("--group-version", help="e.g. authentication.k8s.io/v1")
    importer.add_argument("--context", help="kubeconfig context for `cluster` (default: current)")
    importer.add_argument("-o", "--output", required=True, help="the spec file to write")
    importer.set_defaults(run=cmd_import)

    diff = commands.add_parser(
        "diff", help="classify the changes to one kind's closure between two specs"
    )
    diff.add_argument("old", help="a file (JSON/YAML/gzip), an http(s) URL, or `cluster`")
    diff.add_argument("new", help="a file (JSON/YAML/gzip), an http(s) URL, or `cluster`")
    diff.add_argument("--kind", help="the kind whose closure to compare (default: the target's)")
    diff.add_argument("--group-version", help="e.g. authentication.k8s.io/v1")
    diff.add_argument("--context", help="kubeconfig context for `cluster` (default: current)")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    fail_on_option(diff)
    diff.set_defaults(run=cmd_diff)

    serve = commands.add_parser(
        "serve",
        help="run the target's generated server: apigen serve [--target T] -- --port 8443 ...",
    )
    serve.add_argument(
        "--target", help="target name from [tool.apigen.targets] (default: the default target)"
    )
    serve.add_argument(
        "server_args",
        nargs=argparse.REMAINDER,
        help="after --, the server's own options (python -m <package>.server --help)",
    )
    serve.set_defaults(run=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ApigenError as exc:
        print(f"apigen: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
