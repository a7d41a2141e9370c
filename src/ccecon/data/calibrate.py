"""Calibrate a scenario's channels from measured actuals.

For each channel of the scenario, the matching traffic in the store (voice_inbound: voice
and inbound; voice_outbound: voice and outbound; chat, email, messaging: that channel) gives
``per_month`` = the mean contacts handled (answered) per **complete** calendar month in the
store, and ``aht_s`` = handle seconds / answered contacts over those months. A scenario
with two channels of one kind is ambiguous and refused. When the scenario has a
``staffing`` section, its ``weekly_profile`` and ``intraday_profile`` are replaced by the
measured shares of offered contacts by weekday and by interval of the open hours.
Aggregation runs in DuckDB through Ibis; each channel's note records what was measured.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccecon.errors import InputError
from ccecon.scenario.schema import ChannelKind, Scenario
from ccecon.units import DAYS_PER_MONTH

KIND = {
    ChannelKind.voice_inbound: ("voice", "inbound"),
    ChannelKind.voice_outbound: ("voice", "outbound"),
    ChannelKind.chat: ("chat", None),
    ChannelKind.email: ("email", None),
    ChannelKind.messaging: ("messaging", None),
}


def calibrate(scenario: Scenario, store: str | Path) -> Scenario:
    """A copy of ``scenario`` with channel volumes, AHT and profiles from the store."""
    import ibis

    from ccecon.data.metrics import connect

    kinds = [c.kind for c in scenario.channels]
    dup = {k for k in kinds if kinds.count(k) > 1}
    if dup:
        raise InputError(
            "two channels of one kind cannot be told apart in the actuals",
            field="channels",
            value=sorted(d.value for d in dup),
        )
    if not Path(store).is_file():
        raise InputError("store not found", file=str(store))
    con = connect(str(store))
    try:
        t = con.table("interactions")
        span = t.aggregate(first=t.arrival_ts.min(), last=t.arrival_ts.max()).to_pandas()
        if span.empty or span["first"].isna().iloc[0]:
            raise InputError("the store has no interactions", file=str(store))
        first, last = span["first"].iloc[0], span["last"].iloc[0]
        # complete calendar months inside [first, last]
        import pandas as pd

        f, last_ts = pd.Timestamp(first), pd.Timestamp(last)
        start = f.normalize().replace(day=1)
        if start < f.normalize() or f != f.normalize():
            start = start + pd.offsets.MonthBegin(1)
        end = (last_ts + pd.Timedelta(days=1)).normalize().replace(day=1)  # exclusive
        full = max(0, (end.year - start.year) * 12 + end.month - start.month)
        use_all = full == 0
        days = max((last_ts - f).total_seconds() / 86400.0, 1.0)
        channels = []
        for ch in scenario.channels:
            if ch.kind not in KIND:
                channels.append(ch)
                continue
            name, direction = KIND[ch.kind]
            sel = t.channel == name
            if direction is not None:
                sel = sel & (t.direction == direction)
            if not use_all:
                sel = (
                    sel
                    & (t.arrival_ts >= ibis.timestamp(start))
                    & (t.arrival_ts < ibis.timestamp(end))
                )
            sub = t.filter(sel)
            handle = (
                sub.talk_s.fill_null(0.0) + sub.hold_s.fill_null(0.0) + sub.acw_s.fill_null(0.0)
            )
            agg = (
                sub.aggregate(
                    answered=sub.answer_ts.count(),
                    handle=sub.answer_ts.notnull().ifelse(handle, 0.0).sum(),
                )
                .to_pandas()
                .iloc[0]
            )
            if not agg["answered"]:
                channels.append(ch)
                continue
            if use_all:
                per_month = float(agg["answered"]) / days * DAYS_PER_MONTH
                span_txt = f"{days:.1f} days (no complete month; scaled to a mean month)"
            else:
                per_month = float(agg["answered"]) / full
                span_txt = f"{full} complete month(s)"
            aht = float(agg["handle"]) / float(agg["answered"])
            note = (
                f"calibrated from {store}: {int(agg['answered']):,} answered {name}"
                f" contacts over {span_txt}"
            )
            channels.append(
                ch.model_copy(
                    update={"per_month": round(per_month, 1), "aht_s": round(aht, 1), "note": note}
                )
            )
        update: dict[str, Any] = {"channels": channels}
        if scenario.staffing is not None:
            st = scenario.staffing
            dow = t.group_by(d=t.arrival_ts.day_of_week.index()).aggregate(n=t.count())
            dfw = dow.to_pandas().set_index("d")["n"]
            weekly = [float(dfw.get(i, 0)) for i in range(7)]
            width = st.interval_minutes * 60
            sec = (t.arrival_ts.hour() * 3600 + t.arrival_ts.minute() * 60).cast("int64")
            iv = t.group_by(s=sec - sec % width).aggregate(n=t.count()).to_pandas()
            counts = dict(zip(iv["s"], iv["n"], strict=True))
            slots = round((st.close_hour - st.open_hour) * 3600 / width)
            first_s = int(st.open_hour * 3600)
            intraday = [float(counts.get(first_s + i * width, 0)) for i in range(slots)]
            new_st = st.model_copy(
                update={
                    "weekly_profile": weekly if sum(weekly) > 0 else st.weekly_profile,
                    "intraday_profile": intraday if sum(intraday) > 0 else st.intraday_profile,
                }
            )
            update["staffing"] = new_st
        return scenario.model_copy(update=update)
    finally:
        con.disconnect()
