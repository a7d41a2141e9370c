"""New scenarios without typing YAML: the bundled examples as templates, and the quick
business case form (channels, staffing, cost and benefit lines) that builds a scenario text.

The form's answers become an ordinary scenario text (written by the YAML library, so any
name is quoted as it must be), validated and evaluated by the same engine as every other
scenario; saving it stores that text, which the editor then opens like any other.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from typing import Any

TEMPLATES: dict[str, tuple[str, dict[str, str]]] = {
    "inhouse-cny": (
        "cny-inhouse-build.yaml",
        {
            "en": "Build an in-house center of 50 agents (CNY): set-up, salaries, telecom.",
            "zh": "自建 50 座席呼叫中心（人民币）：建设、工资、通信费用。",
        },
    ),
    "cloud-usd": (
        "usd-onprem-to-cloud.yaml",
        {
            "en": "Move an inbound center from on-premises to a cloud platform (USD), "
            "with self-service deflection and better first-contact resolution.",
            "zh": "入呼中心从本地系统迁移到云平台（美元），含自助分流和一次解决率提升。",
        },
    ),
    "chat-eur": (
        "eur-omnichannel-chat.yaml",
        {
            "en": "A voice and email center adds web chat with cross-selling (EUR).",
            "zh": "语音和邮件中心增加网页在线客服并交叉销售（欧元）。",
        },
    ),
    "chatbot-eur": (
        "uncertain-chatbot.yaml",
        {
            "en": "A virtual agent in front of web chat, with ranges on the guesses (EUR).",
            "zh": "在网页在线客服前加虚拟座席，不确定的输入为区间（欧元）。",
        },
    ),
    "cloud-usd-ranges": (
        "uncertain-onprem-to-cloud.yaml",
        {
            "en": "The cloud move with ranges instead of single numbers (USD).",
            "zh": "云迁移方案，输入为区间而非单一数值（美元）。",
        },
    ),
    "sourcing-usd": (
        "sourcing-usd-shores.yaml",
        {
            "en": "In-house, hosted platform, offshore outsourcing or a hybrid: "
            "which costs least (USD)?",
            "zh": "自建、托管平台、离岸外包或混合：哪种成本最低（美元）？",
        },
    ),
    "sourcing-cny": (
        "sourcing-cny-seed004.yaml",
        {
            "en": "Build, rent a hosted platform, outsource or a hybrid (CNY).",
            "zh": "自建、租用托管平台、外包或混合（人民币）。",
        },
    ),
    "sourcing-cny-ranges": (
        "uncertain-sourcing-cny.yaml",
        {
            "en": "The CNY sourcing decision with ranges on the guesses: how sure is "
            "the cheapest option?",
            "zh": "人民币外包决策，不确定的输入为区间：最便宜的方案有多大把握？",
        },
    ),
}
"""Bundled examples offered as templates: key -> (file, what it models per language)."""


def templates(lang: str) -> list[dict[str, str]]:
    """One card per bundled example: key, the example's name, what it models."""
    from ccecon.web import service
    from ccecon.web.yamledit import read_fields

    out = []
    for key, (file, about) in TEMPLATES.items():
        fields = read_fields(service.example_text(file))
        out.append(
            {
                "key": key,
                "name": fields["name"],
                "currency": fields["currency"],
                "about": about.get(lang, about["en"]),
            }
        )
    return out


def template_text(key: str) -> str | None:
    """The text of a template, None for an unknown key."""
    from ccecon.web import service

    found = TEMPLATES.get(key)
    return service.example_text(found[0]) if found else None


# ------------------------------------------------------------------ the quick form
CHANNEL_ROWS = 3
LINE_ROWS = 6
LEVER_ROWS = 2
CHANNEL_KINDS = ("voice_inbound", "voice_outbound", "chat", "email", "messaging", "other")
LINE_FAMILIES = ("initial", "operating", "hidden", "direct", "indirect")
"""Cost families and benefit kinds in one list: the first three make cost lines."""
TIMINGS = ("once", "monthly", "yearly", "per_unit")
CASES = ("proposal", "baseline")


@dataclass
class Built:
    """What the form made: the scenario text (None when a field is wrong) and every
    mistake, each with the label of its field."""

    text: str | None
    errors: list[str]


def defaults() -> dict[str, str]:
    """What the blank form shows: a small case a person can change."""
    today = dt.date.today()
    start = dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return {
        "name": "",
        "currency": "USD",
        "start": start.strftime("%Y-%m"),
        "horizon_months": "36",
        "discount_rate": "0.1",
        "sl_target": "80%",
        "sl_threshold_s": "20",
        "shrinkage": "30%",
        "cost_per_fte": "",
    }


class _Form:
    """Reads the form's fields, collecting every mistake under its field's label."""

    def __init__(self, form: Any, labels: dict[str, str]) -> None:
        self.form = form
        self.labels = labels
        self.errors: list[str] = []

    def text(self, key: str) -> str:
        v = self.form.get(key)
        return v.strip() if isinstance(v, str) else ""

    def number(self, key: str, label: str, *, integer: bool = False) -> float | int | None:
        raw = self.text(key)
        if not raw:
            return None
        try:
            value = float(raw.replace(",", "").replace("_", ""))
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or (integer and not value.is_integer()):
            what = self.labels["whole_number" if integer else "a_number"]
            self.errors.append(f"{label}: {what} ({raw})")
            return None
        return int(value) if integer or value.is_integer() else value

    def number_or_range(self, key: str, label: str) -> float | int | dict[str, Any] | None:
        """A number, or a range typed as ``min / most likely / max`` (``800 / 1000 /
        1500``), written as a triangular distribution: what Monte Carlo then draws."""
        raw = self.text(key)
        if "/" not in raw:
            return self.number(key, label)
        parts = [p.strip().replace(",", "").replace("_", "") for p in raw.split("/")]
        try:
            low, mode, high = (float(p) for p in parts)
        except ValueError:
            self.errors.append(f"{label}: {self.labels['a_range']} ({raw})")
            return None
        if not all(math.isfinite(v) for v in (low, mode, high)) or not low <= mode <= high:
            self.errors.append(f"{label}: {self.labels['a_range']} ({raw})")
            return None

        def clean(v: float) -> float | int:
            return int(v) if v.is_integer() else v

        return {"dist": "triangular", "min": clean(low), "mode": clean(mode), "max": clean(high)}

    def share(self, key: str, label: str) -> float | str | None:
        """A share as typed: ``30%`` stays ``30%`` (the scenario reads it), a number as is."""
        raw = self.text(key)
        if not raw:
            return None
        if raw.endswith("%"):
            return raw
        return self.number(key, label)


def build(form: Any, labels: dict[str, str]) -> Built:
    """The scenario text the quick form describes (see :data:`Built`)."""
    f = _Form(form, labels)
    doc: dict[str, Any] = {
        "name": f.text("name") or labels["quick_default_name"],
        "currency": f.text("currency").upper() or "USD",
        "start": f.text("start") or defaults()["start"],
    }
    horizon = f.number("horizon_months", labels["horizon"], integer=True)
    if horizon is not None:
        doc["horizon_months"] = horizon
    rate = f.share("discount_rate", labels["discount"])
    if rate is not None:
        doc["discount_rate"] = rate
    channels = []
    for i in range(CHANNEL_ROWS):
        p = f"ch{i}_"
        name = f.text(p + "name")
        if not name:
            continue
        label = f"{labels['channel']} {i + 1} ({name})"
        kind = f.text(p + "kind") or "voice_inbound"
        per_month = f.number_or_range(p + "per_month", f"{label}: {labels['per_month']}")
        aht = f.number_or_range(p + "aht_s", f"{label}: {labels['aht']}")
        if per_month is None or aht is None:
            if not any(label in e for e in f.errors):
                f.errors.append(f"{label}: {labels['needs_volume_aht']}")
            continue
        channels.append({"name": name, "kind": kind, "per_month": per_month, "aht_s": aht})
    if channels:
        doc["channels"] = channels
    cases: dict[str, dict[str, list[dict[str, Any]]]] = {c: {} for c in CASES}
    cost_per_fte = f.number_or_range("cost_per_fte", labels["cost_per_fte"])
    if cost_per_fte is not None:
        staffing: dict[str, Any] = {}
        for key, label in (
            ("sl_target", labels["sl_target"]),
            ("shrinkage", labels["shrinkage"]),
        ):
            v = f.share(key, label)
            if v is not None:
                staffing[key] = v
        threshold = f.number("sl_threshold_s", labels["sl_threshold"])
        if threshold is not None:
            staffing["sl_threshold_s"] = threshold
        doc["staffing"] = staffing
    for i in range(LINE_ROWS):
        p = f"ln{i}_"
        name = f.text(p + "name")
        if not name:
            continue
        label = f"{labels['line']} {i + 1} ({name})"
        family = f.text(p + "family") or "operating"
        timing = f.text(p + "timing") or "monthly"
        amount = f.number_or_range(p + "amount", f"{label}: {labels['amount']}")
        if amount is None:
            if not any(e.startswith(label) for e in f.errors):
                f.errors.append(f"{label}: {labels['needs_amount']}")
            continue
        line: dict[str, Any] = {"name": name}
        if family in ("direct", "indirect"):
            line["kind"] = family
            group = "benefit_lines"
        else:
            line["family"] = family
            group = "cost_lines"
        line.update({"amount": amount, "timing": timing})
        if timing == "once":
            month = f.number(p + "month", f"{label}: {labels['month']}", integer=True)
            line["month"] = 0 if month is None else month
        if timing == "per_unit":
            line["driver"] = f.text(p + "driver") or "contacts"
        risk = f.share(p + "risk", f"{label}: {labels['risk']}")
        if risk not in (None, 0):
            line["risk"] = risk
        case = f.text(p + "case") if f.text(p + "case") in CASES else "proposal"
        cases[case].setdefault(group, []).append(line)
    levers = []
    for i in range(LEVER_ROWS):  # what the proposal changes in a channel's work
        p = f"lv{i}_"
        name = f.text(p + "name")
        if not name:
            continue
        label = f"{labels['lever']} {i + 1} ({name})"
        lever: dict[str, Any] = {"name": name, "channel": f.text(p + "channel")}
        for key, words in (("volume_factor", "volume_factor"), ("aht_factor", "aht_factor")):
            factor = f.number_or_range(p + key, f"{label}: {labels[words]}")
            if factor is not None:
                lever[key] = factor
        for key, words in (("start_month", "lever_start"), ("ramp_months", "ramp")):
            months = f.number(p + key, f"{label}: {labels[words]}", integer=True)
            if months is not None:
                lever[key] = months
        levers.append(lever)
    if levers:
        cases["proposal"]["levers"] = levers
    if cost_per_fte is not None:  # agents paid by the FTE the staffing gives, in each case
        fte_line = {
            "name": labels["agent_cost"],
            "family": "operating",
            "category": "salaries",
            "amount": cost_per_fte,
            "timing": "per_unit",
            "driver": "fte",
        }
        for case in CASES:
            if case == "proposal" or cases["baseline"]:
                cases[case].setdefault("cost_lines", []).insert(0, dict(fte_line))
    if cases["baseline"]:
        doc["baseline"] = cases["baseline"]
    doc["proposal"] = cases["proposal"]
    if f.errors:
        return Built(None, f.errors)
    return Built(_dump(doc), [])


def _dump(doc: dict[str, Any]) -> str:
    """The scenario as YAML, written by ruamel.yaml (quoting and layout are its)."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.width = 1_000_000
    y.allow_unicode = True
    y.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    y.dump(doc, buf)
    return "# Built with the quick business case form; edit it here or in the form.\n" + (
        buf.getvalue()
    )
