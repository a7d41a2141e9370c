"""The event-built YAML loader (read_document's fast path) equals PyYAML's full loader:
the same value for every document, the same error for every bad one."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ccecon import io as reader
from ccecon.errors import InputError
from tests.strategies import yaml_junk, yaml_trees

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.skipif(
    reader._SafeBase is yaml.SafeLoader, reason="the fast path needs libyaml"
)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _full(text: str) -> tuple[str, Any]:
    """What read_document gave before the fast path: ("ok", value) or ("error", message)."""
    try:
        return "ok", yaml.load(text, Loader=reader._UniqueKeyLoader)
    except yaml.YAMLError:
        pass
    with pytest.raises(InputError) as exc:
        saved = reader._SafeBase
        try:  # the full loader only
            reader._SafeBase = yaml.SafeLoader
            reader.read_document(text, "t")
        finally:
            reader._SafeBase = saved
    return "error", str(exc.value)


def _fast(text: str) -> tuple[str, Any]:
    try:
        return "ok", reader.read_document(text, "t")
    except InputError as exc:
        return "error", str(exc)


def _check(text: str) -> None:
    if not text.strip():
        return  # read_document refuses empty text before parsing
    (kind_a, a), (kind_b, b) = _full(text), _fast(text)
    assert kind_a == kind_b, (text, a, b)
    assert _same(a, b) if kind_a == "ok" else a == b, (text, a, b)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_are_read_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert reader._load_plain(text) == yaml.load(text, Loader=reader._UniqueKeyLoader)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x\n",  # anchors and aliases: the full loader shares the list
        "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",  # merge key
        "a: !!str 12\nb: !!float 1\n",  # explicit tags
        "a: 1\na: 2\n",  # duplicate key: the full loader's error
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1, 2\n",  # syntax error with its line
        "? [a, b]\n: c\n",  # unhashable key
        "# only a comment\n",
        "=: 1\n",
        "a: =\n",
        "t: 2027-01-15\nu: 2027-01-15 10:00:00Z\n",
    ],
)
def test_what_the_fast_path_leaves_to_the_full_loader(text: str) -> None:
    _check(text)


@given(tree=yaml_trees, flow=st.sampled_from([False, True, None]))
@settings(max_examples=300, deadline=None)
def test_dumped_trees_are_read_alike(tree: Any, flow: bool | None) -> None:
    _check(yaml.safe_dump({"doc": tree}, default_flow_style=flow, allow_unicode=True))


@given(text=yaml_junk)
@settings(max_examples=500, deadline=None)
def test_any_text_is_read_or_refused_alike(text: str) -> None:
    _check(text)
