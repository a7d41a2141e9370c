"""`ccecon staff` tables read as people write them: words, units and percentages (the JSON
and CSV keep the keys and every digit).

Reference for the figures: 300 calls of 240 s in 30 minutes are 40 Erlangs; Erlang C in
mpmath (Erlang B by its recurrence) gives the service level of 46 agents within 20 s.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import mpmath as mp
from typer.testing import CliRunner

from ccecon.cli.app import app

runner = CliRunner()


def _sl(a: int, n: int, aht: float, t: float) -> float:
    with mp.workdps(40):
        b = mp.mpf(1)
        for k in range(1, n + 1):
            b = a * b / (k + a * b)
        c = n * b / (n - a * (1 - b))
        return float(1 - c * mp.e ** (-(n - a) * mp.mpf(t) / aht))


def test_one_interval_in_words_and_percent() -> None:
    out = runner.invoke(app, ["staff", "--calls", "300", "--aht", "240"], env={"COLUMNS": "120"})
    assert out.exit_code == 0, out.output
    text = out.output
    for key in ("traffic_erlangs", "interval_s", "p_wait", "erlang_c", "service_level"):
        assert key not in text, key
    assert "Erlang C" in text and "40.00 Erlangs" in text and "30 min" in text
    sl = _sl(40, 46, 240.0, 20.0)
    assert re.search(rf"answered within 20 s\)\s*│\s*{sl * 100:.1f} %", text), text
    assert re.search(r"Agents on the phones\s*│\s*46\b", text)
    doc = json.loads(
        runner.invoke(app, ["staff", "--calls", "300", "--aht", "240", "-f", "json"]).stdout
    )
    assert doc["agents"] == 46 and abs(doc["service_level"] - sl) < 1e-12


def test_interval_file_headed_in_words_with_percentages(tmp_path: Path) -> None:
    f = tmp_path / "intervals.csv"
    f.write_text("calls,aht_s\n300,240\n", encoding="utf-8")
    out = runner.invoke(app, ["staff", str(f)], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "service level" in out.output and "p_wait" not in out.output
    assert f"{_sl(40, 46, 240.0, 20.0) * 100:.1f} %" in out.output
    rows = json.loads(runner.invoke(app, ["staff", str(f), "-f", "json"]).stdout)
    assert "service_level" in rows[0] and "p_wait" in rows[0]  # machines keep the keys
