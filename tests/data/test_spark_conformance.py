"""The same metric expressions on DuckDB and on Spark (local mode) give equal results."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from ccecon.data.metrics import interactions_table, metric_expr
from ccecon.data.synth import synth

pytestmark = pytest.mark.spark

GROUPINGS = [
    ["queue", "day"],
    ["interval"],
    ["interval60", "channel"],
    ["week"],
    ["month", "direction"],
    ["agent", "interval30"],
    [],
]


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("java") is None:
        pytest.fail("Java is missing: scripts/setup-system.sh installs it")
    return str(synth(4000, tmp_path_factory.mktemp("spark"), seed=5))


@pytest.fixture(scope="module")
def tables(parquet: str):  # type: ignore[no-untyped-def]
    dcon, dt = interactions_table(parquet, "duckdb")
    scon, st = interactions_table(parquet, "spark", master="local[1]")
    yield dt, st
    scon.disconnect()
    dcon.disconnect()


@pytest.mark.parametrize("by", GROUPINGS, ids=["-".join(g) or "all" for g in GROUPINGS])
def test_metric_suite_equal_on_duckdb_and_spark(tables, by: list[str]) -> None:  # type: ignore[no-untyped-def]
    dt, st = tables
    kw = dict(sl_threshold_s=20, short_abandon_s=5, cost_per_agent_hour=32.5, cost_per_minute=0.012)
    a = metric_expr(dt, by, **kw).to_pandas()
    b = metric_expr(st, by, **kw).to_pandas()
    assert len(a) == len(b) > 0
    for col in by:
        assert a[col].astype(str).tolist() == b[col].astype(str).tolist(), col
    for col in a.columns:
        if col in by:
            continue
        x = a[col].astype(float).to_numpy()
        y = b[col].astype(float).to_numpy()
        assert np.allclose(x, y, rtol=1e-12, atol=1e-9, equal_nan=True), col
    assert int(a.offered.sum()) == 4000


def test_metrics_cli_on_spark(parquet: str) -> None:
    import json

    from typer.testing import CliRunner

    from ccecon.cli.app import app

    r = CliRunner().invoke(
        app,
        [
            "metrics",
            "--from",
            parquet,
            "--backend",
            "spark",
            "--spark-master",
            "local[1]",
            "--by",
            "queue",
            "-f",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert sum(x["offered"] for x in json.loads(r.stdout)) == 4000
