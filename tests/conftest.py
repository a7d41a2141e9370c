"""The conformance set: tests that read the public vendor samples beside the clone.

The samples (Amazon Connect, Asterisk, Genesys exports, some under the GPL) live in
``../shared/samples`` and are never copied into the repository. A test belongs to the
conformance set when it reads a file there: the hook below finds the tests whose code
refers (directly, or through the helpers it calls) to a path inside that folder, marks
them ``conformance`` and, when the folder is missing, skips them with the reason and lists
them by name at the end of the run, so a clone without the samples runs everything else
and says what it could not run. Skipped is not passed: CI sets
``CCECON_REQUIRE_SAMPLES=1`` (in ``.ci/run``), and then a missing folder is an error.
``CCECON_WITHOUT_SAMPLES=1`` runs as a clone without the samples would (to check this).
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests explore new random inputs on every local run (a failure prints the
# example to reproduce). CI runs the same examples every time (``derandomize``), so a
# submission is judged on what was tested locally; a new random failure is found on a
# developer's machine, added as an ``@example`` and fixed, not met first in CI.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CCECON_HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["CCECON_HYPOTHESIS_PROFILE"])

SAMPLES = (Path(__file__).resolve().parents[1] / ".." / "shared" / "samples").resolve()
_SKIPPED: list[str] = []


def _inside_samples(value: Any) -> bool:
    if not isinstance(value, Path):
        return False
    try:
        return value.resolve().is_relative_to(SAMPLES)
    except OSError:
        return False


def _reads_samples(func: Any, seen: set[int], depth: int = 0) -> bool:
    """True when ``func`` (or a function it refers to, directly or in a list, tuple or
    dict, four levels deep) names a module global that is a path inside the samples."""
    if id(func) in seen or depth > 4 or not inspect.isfunction(func):
        return False
    seen.add(id(func))
    try:
        names = inspect.getclosurevars(func)
    except (TypeError, ValueError):
        return False
    for value in {**names.globals, **names.nonlocals}.values():
        for item in _flat(value):
            if _inside_samples(item):
                return True
            if inspect.isfunction(item) and _reads_samples(item, seen, depth + 1):
                return True
    return False


def _flat(value: Any, depth: int = 0) -> list[Any]:
    """A value and, inside lists, tuples and dicts (a table of case makers), its items."""
    if depth > 2 or not isinstance(value, (list, tuple, dict)):
        return [value]
    items = value.values() if isinstance(value, dict) else value
    out: list[Any] = []
    for item in items:
        out.extend(_flat(item, depth + 1))
    return out


def samples_missing() -> bool:
    """True when the public samples are not beside this clone (or pretended not to be)."""
    return os.environ.get("CCECON_WITHOUT_SAMPLES") == "1" or not SAMPLES.is_dir()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = samples_missing()
    conformance = [
        item
        for item in items
        if isinstance(item, pytest.Function) and _reads_samples(item.obj, set())
    ]
    if missing and os.environ.get("CCECON_REQUIRE_SAMPLES") == "1":
        raise pytest.UsageError(
            f"the public vendor samples are required here (CCECON_REQUIRE_SAMPLES=1) but"
            f" {SAMPLES} is missing: {len(conformance)} conformance tests cannot run"
        )
    for item in conformance:
        item.add_marker(pytest.mark.conformance)
        if missing:
            item.add_marker(
                pytest.mark.skip(
                    reason=f"conformance: needs the public vendor samples in {SAMPLES}"
                )
            )
            _SKIPPED.append(item.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _SKIPPED:
        terminalreporter.section("conformance set not run")
        terminalreporter.write_line(
            f"{len(_SKIPPED)} tests need the public vendor samples ({SAMPLES}), which this"
            " clone does not have; they were skipped, not passed:"
        )
        for nodeid in _SKIPPED:
            terminalreporter.write_line(f"  {nodeid}")
