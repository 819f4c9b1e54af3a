"""Black-stable templates (generator.render.tools.format): what the pipeline writes without
running black is black's output, byte for byte.

Each black-stable artifact is rendered as the pipeline renders it, then formatted as the
pipeline formats it (black only over the blocks `unvouched` finds a reason in) and by
black over the whole file: the two must agree, and black must leave the result alone.
For the committed package and most real kinds, black is not run at all: the rendered
text is black's output already. datamodel-code-generator's models, cut into pieces,
give black's output over the whole file too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import upstream_path

from generator.config import Target, resolve_target
from generator.render.artifacts import ARTIFACTS, RenderInput
from generator.render.pipeline import build_api, target_extensions
from generator.render.tools.format import (
    Formatter,
    fix_imports,
    join_blocks,
    run_black,
    split_blocks,
    unvouched,
)
from generator.render.tools.models_print import print_blocks
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
HOSTILE_CASES = {  # spec -> the group of its Widget
    "docstring-backslashes": "example.com",
    "docstring-carriage-return": "example.com",
    "docstring-quotes": "example.com",
    "keyword-names": "example.com",
    "names-in-docstrings": 'ex"""ample\\',
    "non-identifier-names": "example.com",
    "hostile/names-operations": "example.com",
    "hostile/names-parameters": "example.com",
    "hostile/names-schemas": "example.com",
    "jinja-syntax": "example.com",
}
CORE_V1 = (
    "Pod", "Service", "Node", "PersistentVolume", "PersistentVolumeClaim", "ConfigMap",
    "Secret", "Namespace", "Event", "Endpoints", "ServiceAccount", "ReplicationController",
    "LimitRange", "ResourceQuota", "PodTemplate", "Binding", "ComponentStatus",
)  # fmt: skip
APPS_V1 = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision")


def rendered(target: Target) -> dict[str, tuple[str, bool]]:
    """Every Python artifact as the pipeline hands it to black: (text, black-stable);
    models.py's blocks are printed as the pipeline prints them (tools/models_print.py)."""
    api = build_api(target)
    given = RenderInput(
        api=api, user_templates=target.templates, extensions=target_extensions(target)
    )
    texts = {}
    for artifact in ARTIFACTS:
        if not artifact.python or (artifact.when is not None and not artifact.when(given)):
            continue
        text = artifact.produce(given)
        if artifact.fix_imports:
            text = fix_imports(text, artifact.path)
        texts[artifact.path] = (text, artifact.black_stable)
    return texts


def formatted(text: str, path: str, black_stable: bool) -> str:
    with Formatter(workers=0) as formatter:
        if path == "models.py":
            return formatter.submit_blocks(print_blocks(text), path)()
        return formatter.submit(text, path, black_stable=black_stable)()


def check_package(texts: dict[str, tuple[str, bool]]) -> list[str]:
    """The pipeline's text is black's over the whole file for every artifact; the paths of
    the black-stable ones for which black had to run at all."""
    fell_back = []
    for path, (text, black_stable) in texts.items():
        expected = run_black(text, path)
        assert formatted(text, path, black_stable) == expected, path
        if black_stable and unvouched(text) is not None:
            fell_back.append(path)
        elif black_stable:
            assert text == expected, path  # vouched for: black is the identity
    return fell_back


def target(spec: Path, kinds: tuple[str, ...], group_version: str, out: Path) -> Target:
    return Target(
        name="black-stable",
        spec=spec,
        kinds=kinds,
        group_version=group_version,
        package_dir=out / "pkg_v1",
    )


def test_the_committed_package_needs_no_black_but_for_its_models() -> None:
    texts = rendered(resolve_target(None, ROOT))
    assert check_package(texts) == []
    assert not texts["models.py"][1]  # datamodel-code-generator's: always through black


@pytest.mark.parametrize(
    ("kinds", "group_version"), [(CORE_V1, "v1"), (APPS_V1, "apps/v1")], ids=["core-v1", "apps-v1"]
)
def test_real_kinds_format_as_black_does(
    kinds: tuple[str, ...], group_version: str, tmp_path: Path
) -> None:
    texts = rendered(target(upstream_path("1.35"), kinds, group_version, tmp_path))
    fell_back = check_package(texts)
    # A few fields' paths (`preferredDuringSchedulingIgnoredDuringExecution[i]`) are longer
    # than a line: those blocks of validators.py go through black; nothing else does.
    assert set(fell_back) <= {"validators.py"}
    validators = texts["validators.py"][0]
    blocks = split_blocks(validators)
    failing = [b for b in blocks if unvouched(b.rstrip("\n") + "\n") is not None]
    assert len(failing) * 20 < len(blocks)
    printed = print_blocks(texts["models.py"][0])  # black formats the import block, and few others
    assert sum(not sure for _, sure in printed) * 10 < len(printed)


def test_a_custom_resource_formats_as_black_does(tmp_path: Path) -> None:
    texts = rendered(
        target(
            upstream_path("1.35"),
            ("CustomResourceDefinition",),
            "apiextensions.k8s.io/v1",
            tmp_path,
        )
    )
    check_package(texts)


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_hostile_names_and_descriptions_format_as_black_does(case: str, tmp_path: Path) -> None:
    spec = next(CORPUS.glob(f"{case}.openapi.*"))
    check_package(rendered(target(spec, ("Widget",), f"{HOSTILE_CASES[case]}/v1", tmp_path)))


def test_a_long_line_sends_its_block_through_black() -> None:
    long_call = "    return call(" + ", ".join(f"argument_{i}" for i in range(12)) + ")\n"
    source = (
        '"""A module."""\n\n\ndef short() -> int:\n    return 1\n\n\n'
        f"def long() -> int:\n{long_call}\n\ndef tail() -> int:\n    return 2\n"
    )
    assert unvouched(source) == "a line longer than the line length"
    assert [unvouched(b.rstrip("\n") + "\n") is None for b in split_blocks(source)] == [
        True,
        True,
        False,
        True,
    ]
    result = formatted(source, "x.py", black_stable=True)
    assert result == run_black(source, "x.py") != source


@pytest.mark.parametrize(
    "source",
    [
        'def f():\n    """  Padded."""\n',  # black strips a docstring's first line
        'def f():\n    """Ends in a quote\\""""\n',  # ... and pads a final quote
        'def f():\n    """Text\n        indented more than its docstring\n    """\n',
        'def f():\n    """Text\n    """  \n',  # trailing whitespace
        "x = 1  # fmt: skip\n",
        "x = [\n\t1]\n",
    ],
)
def test_unvouched_names_what_black_would_change(source: str) -> None:
    assert unvouched(source) is not None
    assert formatted(source, "x.py", black_stable=True) == run_black(source, "x.py")


def test_a_comment_in_a_model_class_sends_it_through_black() -> None:
    source = (
        "from ._base import KubeModel\n\n\nclass A(KubeModel):\n"
        "    x: int | None = None  # kept\n\n\nclass B(KubeModel):\n    y: str = 'b'\n"
    )
    assert [sure for _, sure in print_blocks(source)] == [True, False, True]
    assert formatted(source, "models.py", False) == run_black(source, "models.py")


def test_models_in_pieces_are_black_over_the_whole_file(tmp_path: Path) -> None:
    texts = rendered(target(upstream_path("1.35"), ("Pod",), "v1", tmp_path))
    models, _ = texts["models.py"]
    expected = run_black(models, "models.py")
    with Formatter(workers=2) as formatter:
        assert len(formatter._batches(split_blocks(models))) == 2
        assert formatter.submit(models, "models.py")() == expected
    assert join_blocks(split_blocks(expected)) == expected
