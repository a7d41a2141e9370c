"""A clone without the public samples runs everything else and names what it skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.data.test_record_definitions import LAB

ROOT = Path(__file__).resolve().parents[1]
TARGET = "tests/data/test_record_definitions.py"


def _pytest(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CCECON_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", TARGET, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_without_samples_the_set_is_skipped_and_named() -> None:
    run = _pytest(CCECON_WITHOUT_SAMPLES="1")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "conformance set not run" in run.stdout
    assert f"{TARGET}::test_asterisk_dispositions_by_hand" in run.stdout
    assert "skipped, not passed" in run.stdout
    last = run.stdout.strip().splitlines()[-1]
    assert "skipped" in last and "failed" not in last, last


def test_ci_requires_the_samples() -> None:
    run = _pytest(CCECON_WITHOUT_SAMPLES="1", CCECON_REQUIRE_SAMPLES="1")
    assert run.returncode != 0
    assert "samples are required here" in run.stdout + run.stderr


def test_with_samples_the_set_runs() -> None:
    assert LAB.is_file()  # reads the samples: itself in the conformance set
    run = _pytest()
    assert run.returncode == 0, run.stdout[-3000:]
    assert "conformance set not run" not in run.stdout
    assert "skipped" not in run.stdout.splitlines()[-1]
