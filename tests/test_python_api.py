"""docs/python-api.md runs as written: every example is a doctest, run from the repository
root (its paths are relative to it), so a figure that moves fails here until the page is
updated. Expected values in the page come from hand arithmetic stated beside them (AHT,
service level of three calls), mpmath (Erlang C), numpy-financial's convention (NPV), or
the README (the chatbot example's figures)."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_python_api_page_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(
        str(ROOT / "docs" / "python-api.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.attempted >= 25
    assert result.failed == 0


def test_help_lists_the_api() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import ccecon as cc; help(cc)"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PAGER": "cat"},
    ).stdout
    for name in (
        "evaluate",
        "simulate",
        "sensitivity",
        "ingest",
        "metrics",
        "erlang_c",
        "npv",
        "forecast",
        "budget_plan",
        "budget_track",
        "schedule",
        "targets_plan",
        "targets_track",
    ):
        assert name in out


def test_import_stays_light() -> None:
    """`import ccecon` loads no engine, numpy-heavy or data module until a function is used."""
    code = (
        "import sys, ccecon; print(sorted(m for m in sys.modules if m.startswith('ccecon')));"
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "['ccecon', 'ccecon.errors']"
    assert out[1] == "False"


def test_unknown_attribute_is_an_attribute_error() -> None:
    import ccecon as cc

    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        _ = cc.evaluat


def test_every_lazy_name_is_public_and_resolves() -> None:
    import ccecon as cc

    lazy = set(cc._LAZY)
    assert lazy <= set(cc.__all__)
    for name in lazy:
        assert callable(getattr(cc, name)), name


def test_no_public_name_is_shadowed_by_a_subpackage() -> None:
    """Importing ``ccecon.X`` sets the attribute ``ccecon.X`` to that module, so a function
    called like a subpackage (``cc.forecast``, ``cc.budget``, ``cc.targets``) would turn
    into the module the first time its own code imports it."""
    import pkgutil

    import ccecon as cc

    modules = {m.name for m in pkgutil.iter_modules(cc.__path__)}
    assert "forecast" in modules and "budget" in modules  # the measure sees subpackages
    assert not modules & set(cc.__all__)


def test_a_name_stays_a_function_after_its_package_is_imported() -> None:
    import importlib

    import ccecon as cc

    for module in ("ccecon.forecast.run", "ccecon.budget.track", "ccecon.scheduling.run"):
        importlib.import_module(module)
    for name in ("forecast_contacts", "budget_plan", "budget_track", "schedule"):
        assert callable(getattr(cc, name)), name
