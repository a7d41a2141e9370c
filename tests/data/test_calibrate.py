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
        env={"COLUMNS": "250"},
    )
    assert r.exit_code == 0, r.output
    sc = load_scenario(out)
    ch = sc.channels[0]
    assert ch.per_month == pytest.approx(280.0)
    assert ch.aht_s == pytest.approx(300.0)
    assert "1 complete month" in (ch.note or "")
    assert sc.staffing is not None
    # profiles are shares of February's 300 offered calls. 300 = 28 x 10 + 20: days 1-20
    # have 11 calls, days 21-28 have 10. 2027-02-01 is a Monday, so Monday..Saturday each
    # get 11 + 11 + 11 + 10 = 43 calls (days 1, 8, 15, 22 for Monday) and Sunday 11 + 11 +
    # 10 + 10 = 42 (days 7, 14, 21, 28): 43 / 300 = 0.1433, 42 / 300 = 0.14.
    assert sc.staffing.weekly_profile == [0.1433] * 6 + [0.14]
    # every call arrives at 10:00: the 30-minute slot 6 from 07:00 holds all of them
    assert sc.staffing.intraday_profile == [0.0] * 6 + [1.0] + [0.0] * 23
    # the change table: each field, old -> new, and which records
    assert "channels.inbound_calls.per_month" in r.output and "100,000" in r.output
    assert "280 answered voice inbound contacts / 1 complete month (2027-02)" in r.output
    assert "staffing.weekly_profile" in r.output and "share of 300 offered" in r.output
    # warnings: 100,000 -> 280 calls is 0.0028x; seats stay at 110 while the FTE falls
    assert "warning: channels.inbound_calls.per_month: 100,000.0 -> 280.0 is 0.00x" in r.output
    assert "warning: drivers.seats = 110 is not calibrated" in r.output
    assert "channels.inbound_calls.aht_s: 330" not in r.output  # 330 -> 300 is within 1.5x
    # comments and layout kept: only the changed values' lines differ
    before = (EXAMPLES / "usd-onprem-to-cloud.yaml").read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    assert [x for x in before if x.lstrip().startswith("#")] == [
        x for x in after if x.lstrip().startswith("#")
    ]
    changed = ("per_month:", "aht_s:", "note:", "weekly_profile:", "intraday_profile:")
    kept = [x for x in before if not x.strip().startswith(changed) and not x.startswith(" " * 20)]
    assert [x for x in after if x in kept] == kept
    assert after[before.index("  - name: inbound_calls") + 1 :][:2] == [
        "    kind: voice_inbound",
        "    per_month: 280.0",
    ]


def test_apply_changes_keeps_everything_else() -> None:
    """Only the changed values' characters change; a missing field is added after its
    mapping's last field, in a block or a flow mapping."""
    from ccecon.data.calibrate import Change, apply_changes

    text = (
        "# head\n"
        "channels:\n"
        "  - name: a   # the one\n"
        "    per_month: 100   # from the ACD\n"
        "staffing: {open_hour: 8, close_hour: 10}\n"
    )
    out = apply_changes(
        text,
        [
            Change(("channels", 0, "per_month"), "x", 100, 280.5, ""),
            Change(("channels", 0, "aht_s"), "x", None, 300.0, ""),
            Change(("staffing", "weekly_profile"), "x", None, [0.5, 0.5], ""),
        ],
    )
    assert out == (
        "# head\n"
        "channels:\n"
        "  - name: a   # the one\n"
        "    per_month: 280.5   # from the ACD\n"
        "    aht_s: 300.0\n"
        "staffing: {open_hour: 8, close_hour: 10, weekly_profile: [0.5, 0.5]}\n"
    )


def test_calibrate_refuses_ambiguous_channels(tmp_path: Path) -> None:
    text = (EXAMPLES / "eur-omnichannel-chat.yaml").read_text(encoding="utf-8")
    text = text.replace("{name: emails, kind: email", "{name: emails, kind: chat")
    f = tmp_path / "s.yaml"
    f.write_text(text, encoding="utf-8")
    db = tmp_path / "a.duckdb"
    db.write_bytes(b"")
    r = CliRunner().invoke(app, ["calibrate", str(f), "--from", str(db)])
    assert r.exit_code == 2 and "two channels of one kind" in r.stderr
