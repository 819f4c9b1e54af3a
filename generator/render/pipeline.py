"""The whole pipeline, pure: a target in, the generated files out.

    load -> (overlay) -> slice -> validate -> lower -> render -> format

`generate` writes nothing; `generator.render.output` writes or checks its result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.config import Target
from generator.errors import ApigenError
from generator.extensions import Extension, check_applies, resolve_extensions
from generator.ir.lower import lower
from generator.ir.model import Api
from generator.render.artifacts import ARTIFACTS, RenderInput, extension_artifacts, user_overrides
from generator.render.tools.early import EarlyWorker, models_head_start
from generator.render.tools.format import Formatter, fix_imports
from generator.spec.load import check_local_refs, load_spec, read_bytes
from generator.spec.slice import slice_definitions, slice_kinds
from generator.spec.sourcemap import relocate, source_pointers
from generator.spec.validate import validate_document

if TYPE_CHECKING:
    from generator.render.tools.proto import CompiledProto


def target_extensions(target: Target) -> tuple[Extension, ...]:
    """The extensions the target turns on (an unknown name is an ApigenError)."""
    return resolve_extensions(target.extensions, source=f"target {target.name}")


def build_api(target: Target) -> Api:
    """load -> overlay -> slice -> validate -> lower.

    The target's overlay applies first, then each extension's, in order; the
    `.proto` is the target's, else its extension's.
    """
    api, verdict = build_api_deferred(target)
    verdict()
    return api


def build_api_deferred(
    target: Target, pool: Formatter | None = None
) -> tuple[Api, Callable[[], None]]:
    """`build_api`, with the validator's verdict for later: with `pool`, the `.proto` is
    compiled and the slice validated in its workers while this process loads and lowers
    the spec (and renders); the
    callable returned raises the validator's error, and must be called before anything
    made from the IR is used. An error of lowering waits for the verdict: a document
    the validator refuses is reported as such."""
    extensions = target_extensions(target)
    check_applies(extensions, target.kinds, f"target {target.name}")
    protos = [target.proto] if target.proto is not None else []
    protos += [e.proto_path for e in extensions if e.proto_path is not None]
    compiled_proto: Callable[[], CompiledProto] | None = None
    if len(protos) == 1:
        from generator.render.tools.proto import compile_proto  # only targets with a .proto

        if pool is None:
            compiled_proto = partial(compile_proto, protos[0])
        else:  # protoc in a worker while the spec loads; its error, if any, comes last
            compiled_proto = pool.run(compile_proto, protos[0])
    spec = load_spec(target.spec)
    document = spec.document
    overlays = [target.overlay] if target.overlay is not None and target.overlay.is_file() else []
    overlays += [e.overlay_path for e in extensions if e.overlay_path is not None]
    overlay_hash = hashlib.sha256()
    if overlays:
        from generator.spec.overlay import apply_overlay  # only targets with an overlay need it

        for overlay in overlays:
            overlay_bytes = read_bytes(overlay)
            document = apply_overlay(document, overlay_bytes, str(overlay))
            overlay_hash.update(overlay_bytes)
    sliced = (
        slice_definitions(document, spec.source)
        if target.all_definitions
        else slice_kinds(document, target.kinds, target.group_version, spec.source)
    )
    pointers = source_pointers(sliced.renames, spec.original_version == "2.0")

    def relocated(check: Callable[[], None]) -> Callable[[], None]:
        def verdict() -> None:
            try:
                check()
            except ApigenError as error:
                raise relocate(error, pointers) from None

        return verdict

    if pool is None:
        verdict = relocated(lambda: validate_document(sliced.document, spec.source))
        verdict()
    else:
        check_local_refs(sliced.document, spec.source)  # here, before anything reads it
        # A large slice's validator in a process of its own, gone long before the peak.
        large = len(sliced.document.get("components", {}).get("schemas", {})) > WARM_BLACK_ABOVE
        run = pool.run_apart if large else pool.run
        verdict = relocated(run(validate_document, sliced.document, spec.source))
    try:
        api = lower(
            sliced.document,
            sliced.roots,
            source=spec.source,
            source_name=target.spec.name,
            spec_sha256=spec.sha256,
            package=target.package,
            overlay_sha256=overlay_hash.hexdigest() if overlays else "",
            generator_version=__version__,
            source_pointers=pointers,
        )
    except ApigenError as error:  # name the pointer in the user's file, not the slice's
        verdict()
        raise relocate(error, pointers) from None
    if len(protos) > 1:
        names = ", ".join(str(p) for p in protos)
        raise ApigenError(f"one .proto per package, and it has {names}", source=str(target.spec))
    if compiled_proto is not None:
        proto = compiled_proto()
        api = replace(
            api,
            proto_descriptor_set=proto.descriptor_set,
            proto_messages=proto.messages,
            proto_files=proto.files,
        )
    return api, verdict


def render_files(
    api: Api,
    user_templates: Path | None = None,
    groups: tuple[str, ...] = ("models", "validators", "client", "server"),
    extensions: tuple[Extension, ...] = (),
    *,
    models_worker: EarlyWorker | None = None,
    formatter: Formatter | None = None,
) -> dict[Path, str]:
    """render -> format, for every artifact of the chosen groups (package files always),
    the extensions' files included. `models_worker` and `formatter` are what `generate`
    started early; without them the models render here and black's pool starts on use."""
    try:
        with nullcontext(formatter) if formatter else Formatter() as chosen_formatter:
            given = RenderInput(api, user_templates, extensions, models_worker)
            return _render_files(given, groups, chosen_formatter)
    except ApigenError as error:
        raise relocate(error, api.source_pointers) from None


def _render_files(
    given: RenderInput, groups: tuple[str, ...], formatter: Formatter
) -> dict[Path, str]:
    chosen = [
        artifact
        for artifact in (*ARTIFACTS, *extension_artifacts(given.extensions))
        if (artifact.group == "package" or artifact.group in groups)
        and (artifact.when is None or artifact.when(given))
    ]
    # datamodel-code-generator renders the models, the slowest step but black: render
    # them last, so that black formats the other files meanwhile in the Formatter's pool.
    # With a models worker, datamodel-code-generator runs there while the others render.
    order = sorted(chosen, key=lambda artifact: artifact.group == "models")
    started = {a.path: a.start(given) for a in chosen if a.start is not None}
    texts: dict[str, Callable[[], str]] = {}
    vouched = not user_overrides(given)  # a user's template may print anything
    for artifact in order:
        text = started[artifact.path]() if artifact.path in started else artifact.produce(given)
        if artifact.fix_imports:
            text = fix_imports(text, artifact.path)
        if artifact.python and artifact.blocks is not None:
            texts[artifact.path] = formatter.submit_blocks(artifact.blocks(text), artifact.path)
        elif artifact.python:
            stable = artifact.black_stable and vouched
            texts[artifact.path] = formatter.submit(text, artifact.path, black_stable=stable)
        else:
            texts[artifact.path] = text.__str__
    return {Path(artifact.path): texts[artifact.path]() for artifact in chosen}


# Models above which a cold run imports black early: a small package's files are all
# black's output already (black-stable templates, tools/models_print.py), a large one's
# have a few blocks the templates cannot vouch for.
WARM_BLACK_ABOVE = 40
# Models above which a cold run's black pool has one worker, and this process formats
# what is still queued when it waits (Formatter.economize): memory, not time, limits such
# a package (every definition, 735 models: each worker held ~40 MB at the peak).
ECONOMIZE_ABOVE = 400


def generate(target: Target, models_worker: EarlyWorker | None = None) -> dict[Path, str]:
    """Every file of the package, by path relative to the package folder.

    On a cold run a forked process starts first and warms datamodel-code-generator up
    while this one loads, slices and lowers the spec (generator.render.tools.early),
    and the slice is validated in black's pool meanwhile; a warm run forks neither.
    `models_worker`: that process, if the caller started it already (the CLI does, with
    `models_head_start`, before importing this module); it is closed here."""
    if models_worker is None:
        models_worker = models_head_start(target.artifacts)
    early = models_worker is not None
    with models_worker or nullcontext() as worker, Formatter() as formatter:
        api, verdict = build_api_deferred(target, formatter if early else None)
        if early and len(api.models) > ECONOMIZE_ABOVE:
            formatter.economize()  # one worker: its black work is shorter than the models'
        if early and len(api.models) > WARM_BLACK_ABOVE:
            formatter.warm()  # a large slice has a few blocks black must format
        try:
            files = render_files(
                api,
                target.templates,
                target.artifacts,
                target_extensions(target),
                models_worker=worker,
                formatter=formatter,
            )
        except ApigenError:
            verdict()  # the document's own problem first
            raise
        verdict()
        return files
