"""Hypothesis strategies shared by the test suite (ARCHITECTURE principle 6).

Each area appends its own section; keep sections independent.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# --------------------------------------------------------------------------- scenarios
# Printable text in any script (names and notes are free text; control characters are not).
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=12
)
amounts = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
HORIZON = 24


@st.composite
def cost_lines(draw: st.DrawFn, family: str | None = None) -> dict[str, Any]:
    """A valid cost line dict of any timing (drivers: minutes, seats)."""
    fam = family or draw(st.sampled_from(["initial", "operating", "hidden"]))
    timing = draw(st.sampled_from(["once", "monthly", "yearly", "per_unit"]))
    line: dict[str, Any] = {
        "name": draw(names),
        "family": fam,
        "amount": draw(amounts),
        "timing": timing,
        "growth": draw(st.floats(min_value=-0.5, max_value=1.0)),
        "risk": draw(st.floats(min_value=0, max_value=0.5)),
    }
    if fam == "hidden":
        line["include"] = draw(st.booleans())
    if timing == "once":
        line["month"] = draw(st.integers(0, HORIZON))
    else:
        start = draw(st.integers(1, HORIZON))
        line["start_month"] = start
        if draw(st.booleans()):
            line["end_month"] = draw(st.integers(start, HORIZON))
    if timing == "per_unit":
        line["driver"] = draw(st.sampled_from(["minutes", "seats", "inbound_calls"]))
    return line


@st.composite
def benefit_lines(draw: st.DrawFn) -> dict[str, Any]:
    """A valid benefit line dict (non-negative amounts)."""
    line = draw(cost_lines(family="operating"))
    line.pop("family")
    line["kind"] = draw(st.sampled_from(["direct", "indirect"]))
    if line["kind"] == "indirect":
        line["include"] = draw(st.booleans())
    return line


@st.composite
def scenarios(draw: st.DrawFn, baseline: bool | None = None) -> dict[str, Any]:
    """A valid scenario document (as a dict) with random lines, channels and cases."""
    doc: dict[str, Any] = {
        "name": draw(names),
        "currency": draw(st.sampled_from(["CNY", "USD", "EUR"])),
        "locale": draw(st.sampled_from(["en", "zh"])),
        "start": f"{draw(st.integers(2000, 2090))}-{draw(st.integers(1, 12)):02d}",
        "horizon_months": HORIZON,
        "discount_rate": draw(st.floats(min_value=0, max_value=0.5)),
        "discounting": draw(st.sampled_from(["monthly", "yearly_tei"])),
        "channels": [
            {
                "name": "inbound_calls",
                "kind": "voice_inbound",
                "per_month": draw(st.floats(min_value=0, max_value=1e5)),
                "aht_s": draw(st.floats(min_value=1, max_value=1200)),
            }
        ],
        "drivers": {"seats": draw(st.floats(min_value=0, max_value=500))},
        "proposal": {
            "cost_lines": draw(st.lists(cost_lines(), max_size=5)),
            "benefit_lines": draw(st.lists(benefit_lines(), max_size=4)),
        },
    }
    if baseline if baseline is not None else draw(st.booleans()):
        doc["baseline"] = {"cost_lines": draw(st.lists(cost_lines(), max_size=4))}
    return doc


# --------------------------------------------------------------------------- YAML text
# Documents for comparing the event-built loader with PyYAML's full one: nested mappings and
# lists of scalars YAML 1.1 reads in surprising ways, written by yaml.safe_dump in block or
# flow style, plus raw text from YAML's punctuation (mostly not valid: both must fail alike).
yaml_scalars = st.one_of(
    st.sampled_from(
        [
            "yes",
            "No",
            "on",
            "OFF",
            "~",
            "null",
            "",
            "0x1f",
            "0o17",
            "0b101",
            "017",
            "1_000",
            "1:30",
            "190:20:30",
            ".inf",
            "-.Inf",
            ".nan",
            "1e5",
            "1.5e+3",
            "6.",
            "2027-01",
            "2027-01-15",
            "2027-01-15 10:00:00Z",
            "=",
            "<<",
            "-",
            "a: b",
            "#",
            "'q'",
            '"dq"',
            "- x",
            "!tag",
            "&a",
            "*a",
            "%",
            "@",
            "`",
            "|",
            ">",
            "{",
            "[",
        ]
    ),
    st.text(max_size=8),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.dates(),
)
yaml_trees = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.one_of(st.text(max_size=6), st.integers()), inner, max_size=4)
    ),
    max_leaves=20,
)
yaml_junk = st.text(alphabet=st.sampled_from(list("ab1 :-\n\t'\"[]{},#&*!|>?%@`<=.~")), max_size=60)


# --------------------------------------------------------------------------- sourcing
CHANNEL_KINDS = ["voice_inbound", "voice_outbound", "chat", "email"]


@st.composite
def sourcing_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario dict with channels, a staffing section and the four sourcing options;
    the hybrid routes whole channels (in-house or out), so each side is a plain case."""
    n = draw(st.integers(1, 3))
    kinds = [draw(st.sampled_from(CHANNEL_KINDS)) for _ in range(n)]
    channels = [
        {
            "name": f"ch{i}",
            "kind": k,
            "per_month": draw(st.one_of(st.just(0.0), st.floats(1, 60_000))),
            "aht_s": draw(st.floats(30, 900)),
            "growth": draw(st.floats(-0.2, 0.3)),
            "sales_rate": draw(st.floats(0, 0.2)),
        }
        for i, k in enumerate(kinds)
    ]
    interval = draw(st.sampled_from([15, 30, 60]))
    open_hour = draw(st.sampled_from([0, 7, 8, 9]))
    close_hour = open_hour + draw(st.sampled_from([4, 8, 12]))
    staffing: dict[str, Any] = {
        "channels": [c["name"] for c in channels if draw(st.booleans()) or c is channels[0]],
        "interval_minutes": interval,
        "open_hour": open_hour,
        "close_hour": close_hour,
        "weekly_profile": draw(
            st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.3]), min_size=7, max_size=7).filter(
                lambda w: sum(w) > 0
            )
        ),
        "sl_target": draw(st.sampled_from([0.7, 0.8, 0.9])),
        "sl_threshold_s": draw(st.sampled_from([10, 20, 30])),
        "max_occupancy": draw(st.sampled_from([None, 0.85, 0.9])),
        "shrinkage": draw(st.floats(0, 0.5)),
        "paid_hours_per_fte_month": draw(st.sampled_from([150, 160, 173.3, 174])),
    }
    if draw(st.booleans()):
        staffing["patience_s"] = draw(st.floats(30, 600))
    kept = [c["name"] for c in channels if draw(st.booleans())]
    out = [c["name"] for c in channels if c["name"] not in kept]
    routing = [{"channels": kept, "to": "in-house"}] if kept else []
    routing += [{"channels": out, "to": "outsourced"}] if out else []
    return {
        "name": "generated sourcing",
        "currency": "USD",
        "start": f"{draw(st.integers(2025, 2030))}-{draw(st.integers(1, 12)):02d}",
        "horizon_months": draw(st.integers(1, 30)),
        "discount_rate": draw(st.floats(0, 0.2)),
        "channels": channels,
        "staffing": staffing,
        "proposal": {},
        "sourcing": {
            "in-house": {"agent_salary": 4000, "telecom_per_minute": 0.01},
            "hosted": {"price": {"model": "per_seat", "price": 150}, "agent_salary": 4000},
            "outsourced": {"price": {"model": "per_agent_hour", "rate": 12}},
            "hybrid": {"routing": routing},
        },
    }
