"""The `apigen` command. It parses arguments, prints, and picks exit codes; the
work is in the pipeline modules.

Exit codes: 0 success, 1 a difference found (`check`), 2 an error.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.config import (
    Target,
    artifact_groups,
    command_line_target,
    configured_or_embedded,
    project_root_or_none,
)
from generator.errors import ApigenError

if TYPE_CHECKING:
    from generator.render.tools.early import EarlyWorker

EXIT_OK, EXIT_DIFFERENT, EXIT_ERROR = 0, 1, 2


def chosen_target(args: argparse.Namespace) -> Target:
    """The configured target (or the embedded default), changed by the command line."""
    base = configured_or_embedded(args.target)
    spec = Path(args.spec) if getattr(args, "spec", None) else None
    kinds = tuple(getattr(args, "kind", None) or ())
    group_version = getattr(args, "group_version", None)
    every = bool(getattr(args, "all_definitions", False))
    if spec is not None and not kinds and not every and not base.all_definitions:
        from generator.drift.importer import recorded_kinds

        kinds, recorded_group_version = recorded_kinds(spec)
        group_version = group_version or recorded_group_version
    artifacts = None
    if getattr(args, "artifacts", None):
        chosen = [name.strip() for name in args.artifacts.split(",") if name.strip()]
        artifacts = artifact_groups(chosen, "--artifacts")
    return command_line_target(
        base,
        spec=spec,
        kinds=kinds,
        group_version=group_version,
        package_dir=Path(args.out).absolute() if getattr(args, "out", None) else None,
        artifacts=artifacts,
        all_definitions=every,
    )


def target_with_head_start(args: argparse.Namespace) -> tuple[Target, EarlyWorker | None]:
    """The target, and datamodel-code-generator's warm-up process (generator.render.tools.early)
    forked before anything else, the target's reading included: nearly every target has
    models, and for one without the process is closed at once."""
    from generator.render.tools.early import models_head_start

    worker = models_head_start(("models",))
    try:
        target = chosen_target(args)
    except BaseException:
        if worker is not None:
            worker.close()
        raise
    if worker is not None and "models" not in target.artifacts:
        worker.close()
        worker = None
    return target, worker


def cmd_generate(args: argparse.Namespace) -> int:
    from generator.render.output import check_destination, write_package

    target, worker = target_with_head_start(args)
    with worker or nullcontext():  # the pipeline closes it; this, if anything fails before
        project_root = project_root_or_none()
        check_destination(target.package_dir, project_root)  # before any work
        from generator.render.pipeline import generate

        files = generate(target, worker)
    write_package(files, target.package_dir, project_root=project_root)
    print(f"wrote {len(files)} files to {target.package_dir}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from generator.render.cache import untrusted
    from generator.render.output import compare_package

    with untrusted():  # the verdict never rests on a cache entry (docs/safety.md)
        target, worker = target_with_head_start(args)
        with worker or nullcontext():
            from generator.render.pipeline import generate

            files = generate(target, worker)
    comparison = compare_package(files, target.package_dir)
    if comparison.equal:
        print(f"{target.package_dir} is up to date")
    else:
        print(f"{target.package_dir} differs from what the spec and templates generate:")
        print(comparison.report(target.package_dir), end="")
        print(f"run `{regenerate_command(args)}` and commit the result")
    status = EXIT_OK if comparison.equal else EXIT_DIFFERENT
    if args.spec_against:
        status = max(status, check_drift(target, args))
    return status


def regenerate_command(args: argparse.Namespace) -> str:
    """The `apigen generate` command line that rewrites what `check` compared."""
    words = ["apigen", "generate"]
    for option in ("target", "spec", "group_version", "artifacts", "out"):
        value = getattr(args, option, None)
        if value:
            words += [f"--{option.replace('_', '-')}", shlex.quote(str(value))]
    if getattr(args, "all_definitions", False):
        words.append("--all-definitions")
    for kind in getattr(args, "kind", None) or ():
        words += ["--kind", shlex.quote(kind)]
    return " ".join(words)


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

    if args.crd:
        return _import_crd(args)
    if not args.kind:
        raise ApigenError("--kind is required (or --crd for a CustomResourceDefinition manifest)")
    kinds = tuple(dict.fromkeys(args.kind))
    spec = read_source(
        args.source, kind=kinds[0], group_version=args.group_version, context=args.context
    )
    imported = import_kind(spec, kinds, args.group_version)
    overlays = write_import(imported, Path(args.output))
    schemas = len(imported.document["components"]["schemas"])
    roots = ", ".join(imported.roots or (imported.root,))
    print(f"wrote {args.output}: {roots}, {schemas} schemas, {imported.operations} operations")
    for overlay in overlays:
        print(f"the overlay {overlay} still applies")
    return EXIT_OK


def _import_crd(args: argparse.Namespace) -> int:
    from generator.drift.crd import crd_document, load_crd
    from generator.drift.importer import write_import
    from generator.spec.load import read_bytes

    manifest = load_crd(read_bytes(Path(args.source)), args.source)
    imported = crd_document(manifest, args.group_version, args.source)
    if args.kind and tuple(dict.fromkeys(args.kind)) != imported.roots:
        raise ApigenError(f"the CRD defines {imported.root}, not {', '.join(args.kind)}")
    write_import(imported, Path(args.output))
    schemas = len(imported.document["components"]["schemas"])
    print(
        f"wrote {args.output}: {imported.root}, {schemas} schemas, {imported.operations} operations"
    )
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.drift.diff import diff_specs
    from generator.drift.fetch import read_source
    from generator.drift.report import FORMATS

    kind, group_version = args.kind, args.group_version
    if kind is None:
        default = configured_or_embedded(None)
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

    target = chosen_target(args)
    if target.all_definitions:
        raise ApigenError(
            f"target {target.name!r} generates every definition: models and validators, no server"
        )
    run_server(target, args.server_args)
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from generator.project import init_project

    for line in init_project(
        Path.cwd(),
        name=args.name,
        spec_dir=Path(args.spec_dir),
        package_dir=Path(args.package),
        source=args.source,
        kind=args.kind,
        group_version=args.group_version,
    ):
        print(line)
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
        sub.add_argument(
            "--kind",
            action="append",
            help="generate this kind of --spec, with no target configured (repeatable)",
        )
        sub.add_argument(
            "--group-version", help="the kind's group/version, e.g. authentication.k8s.io/v1"
        )
        sub.add_argument(
            "--all-definitions",
            action="store_true",
            help="every definition of --spec instead of kinds: models and validators only, "
            "colliding short names qualified by group-version (docs/kinds.md)",
        )
        sub.add_argument(
            "--artifacts",
            metavar="LIST",
            help="comma-separated: models,validators,client,server (default: the target's, all)",
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
        action="append",
        help="a kind to import, e.g. TokenRequest; repeat for several kinds of one group-version",
    )
    importer.add_argument(
        "--crd",
        action="store_true",
        help="the source is a CustomResourceDefinition manifest (YAML/JSON): write the "
        "OpenAPI 3.0 document of its custom resource",
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

    init = commands.add_parser(
        "init", help="add a target to this project's pyproject.toml, with its spec vendored"
    )
    init.add_argument(
        "--package",
        required=True,
        help="the package folder to generate, e.g. src/myapp/_k8s/authentication_k8s_io_v1",
    )
    init.add_argument(
        "--spec-dir", default="specs", help="the folder to vendor the spec into (default: specs)"
    )
    init.add_argument(
        "--source",
        help="slice the kind from this document (file, URL or `cluster`) instead of the embedded TokenRequest spec",
    )
    init.add_argument("--kind", help="the kind to slice from --source")
    init.add_argument("--group-version", help="e.g. authentication.k8s.io/v1")
    init.add_argument("--name", help="the target's name (default: the kind, lower case)")
    init.set_defaults(run=cmd_init)

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
    except (RecursionError, MemoryError) as exc:  # a bound missed somewhere: still one line
        kind = "nested too deeply" if isinstance(exc, RecursionError) else "too large"
        print(f"apigen: error: the input is {kind} to process", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug or an unforeseen environment: still one line, exit 2
        detail = " ".join(str(exc).split()) or "no message"
        print(f"apigen: internal error: {type(exc).__name__}: {detail}", file=sys.stderr)
        return EXIT_ERROR
