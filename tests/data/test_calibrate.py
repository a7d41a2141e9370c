"""ccecon calibrate: channel volume and AHT from the store, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.data.ingest import ingest
from ccecon.scenario.load import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_calibrate_from_complete_months(tmp_path: Path) -> None:
    """Store: 10 calls on 31 Jan (partial month, ignored), 280 answered voice calls in
    February 2027 (the one complete month) of talk 200 + hold 40 + ACW 60 = 300 s, 20
    abandoned, and 5 on 1 March (partial). -> per_month 280, aht_s 300."""
    lines = [
        "interaction_id,channel,direction,arrival_ts,answer_ts,end_ts,talk_s,hold_s,acw_s,abandoned"
    ]
    k = 0

    def add(day: str, answered: bool) -> None:
        nonlocal k
        k += 1
        ans = f"{day} 10:00:05" if answered else ""
        lines.append(
            f"c{k},voice,inbound,{day} 10:00:00,{ans},{day} 10:05:00,"
            f"{200 if answered else 0},{40 if answered else 0},"
            f"{60 if answered else 0},{'false' if answered else 'true'}"
        )

    for _ in range(10):
        add("2027-01-31", True)
    for i in range(300):
        add(f"2027-02-{i % 28 + 1:02d}", i < 280)
    for _ in range(5):
        add("2027-03-01", True)
    f = tmp_path / "c.csv"
    f.write_text("\n".join(lines) + "\n")
    db = tmp_path / "a.duckdb"
    cols = {c: c for c in lines[0].split(",")}
    assert ingest([f], db, mapping=cols).loaded == 315
    out = tmp_path / "cal.yaml"
    r = CliRunner().invoke(
        app,
        [
            "calibrate",
            str(EXAMPLES / "usd-onprem-to-cloud.yaml"),
            "--from",
            str(db),
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    sc = load_scenario(out)
    ch = sc.channels[0]
    assert ch.per_month == pytest.approx(280.0)
    assert ch.aht_s == pytest.approx(300.0)
    assert "1 complete month" in (ch.note or "")
    assert sc.staffing is not None and len(sc.staffing.intraday_profile or []) == 30


def test_calibrate_refuses_ambiguous_channels(tmp_path: Path) -> None:
    text = (EXAMPLES / "eur-omnichannel-chat.yaml").read_text(encoding="utf-8")
    text = text.replace("{name: emails, kind: email", "{name: emails, kind: chat")
    f = tmp_path / "s.yaml"
    f.write_text(text, encoding="utf-8")
    db = tmp_path / "a.duckdb"
    db.write_bytes(b"")
    r = CliRunner().invoke(app, ["calibrate", str(f), "--from", str(db)])
    assert r.exit_code == 2 and "two channels of one kind" in r.stderr
