"""`ccecon --help` starts without the heavy libraries (its speed is measured by
benchmarks/bench_evaluate.py; this test only keeps the reason for it true)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = (
    "numpy",
    "pandas",
    "scipy",
    "duckdb",
    "ibis",
    "pyarrow",
    "plotly",
    "jinja2",
    "openpyxl",
    "SALib",
    "fastapi",
    "sqlalchemy",
    "yaml",
)

_PROBE = """
import json, sys
sys.argv = ["ccecon", *sys.argv[1:]]
from ccecon.cli.app import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy})))
"""


def _loaded(*args: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=set(HEAVY)), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_root_help_imports_no_heavy_library() -> None:
    assert _loaded("--help") == []


@pytest.mark.parametrize("command", ["evaluate", "simulate", "staff", "ingest", "serve"])
def test_command_help_imports_no_heavy_library(command: str) -> None:
    assert _loaded(command, "--help") == []
