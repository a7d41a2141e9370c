"""Field-by-field reference of the scenario format, generated from the pydantic models.

``docs/scenario-reference.md`` is this module's output; a test keeps it in step with the
schema, so the reference can never drift from what the loader accepts.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from ccecon.scenario import schema as s
from ccecon.scenario.window import Window

SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("Scenario (top level)", s.Scenario),
    ("Channel (`channels[]`)", s.Channel),
    ("Case (`baseline`, `proposal`)", s.Case),
    ("Cost line (`cost_lines[]`)", s.CostLine),
    ("Benefit line (`benefit_lines[]`)", s.BenefitLine),
    ("Lever (`levers[]`)", s.Lever),
    ("Peak lever (`peak_levers[]`)", s.PeakLever),
    ("Hours of the week (`peak_levers[].hours`, `callback_hours`)", Window),
    ("Staffing (`staffing`)", s.Staffing),
    ("Shift schedule (`staffing.schedule`)", s.Schedule),
    ("Benchmark band (`benchmark`)", s.Benchmark),
    ("Scorecard (`scorecard`)", s.Scorecard),
    ("Risk (`scorecard.risks[]`)", s.Risk),
)


RATIO_WORDS = {
    "ShareBelowOneNumber": "ratio [0 %, 100 %)",
    "GoalShareNumber": "ratio (0 %, 100 %)",
    "ShareNumber": "ratio [0 %, 100 %]",
    "ShareBelowOne": "ratio [0 %, 100 %) or distribution",
    "GoalShare": "ratio (0 %, 100 %) or distribution",
    "Share": "ratio [0 %, 100 %] or distribution",
    "YearlyRate": "yearly rate or distribution",
    "RiskShare": "risk ratio or distribution",
}
"""How the reference names each ratio type (the table "Ratios" explains them)."""

RATIOS_INTRO = """\
## Ratios: fractions or percent strings

Every ratio (a share, a rate, a risk adjustment) is written as a **fraction** (`0.35`) or an
**explicit percent string** (`35%`, which YAML reads as text without quotes, or `"35%"`).
A bare number is never read as a percentage: `shrinkage: 35` is refused, with the file,
the field, the value and both spellings (`0.35` or `"35%"`), because 35 could mean 35 % or
3,500 %. The same rule holds for every parameter of a distribution given instead
(`shrinkage: {dist: pert, min: 25%, mode: 30%, max: 35%}`), for `ccecon` options
(`--shrinkage 30%`, `--sl 80%/20` or `--sl 0.8/20`) and for the web app's forms.

| type in the tables | a bare number | fields |
|---|---|---|
| ratio [0 %, 100 %] | 0 to 1 | `sales_rate`, `after_hours_share`, `revenue_share` |
| ratio [0 %, 100 %) | 0 to below 1 (1 is refused) | `shrinkage` |
| ratio (0 %, 100 %) | above 0, below 1 | `sl_target`, `max_abandon`, `max_occupancy` |
| yearly rate, (-100 %, 10,000 %] | above -1, at most 1 | `growth`, `discount_rate` |
| risk ratio, [-100 %, 100 %] | strictly between -1 and 1 | `risk` |

A yearly rate above 100 % (a hyperinflation currency) is accepted only as a percent string
(`discount_rate: 150%`): a bare `1.5` is far more often a typo for 1.5 %. A bare risk of 1
is refused because files written before `risk` became a fraction said `risk: 1` for 1 %;
write `1%` or `100%`. Defaults of the staffing sections (80 % in 20 s, shrinkage 30 %,
occupancy at most 85 %, 173.3 paid hours a month) are the library's, `ccecon staff`'s and
the web page's too (docs/staffing.md, "Defaults").
"""


def _type_name(annotation: Any) -> str:
    text = str(annotation)
    for old, new in (
        ("typing.", ""),
        ("ccecon.scenario.schema.", ""),
        ("ccecon.scheduling.spec.", ""),
        ("ccecon.scenario.lever.", ""),
        ("ccecon.scenario.peak.", ""),
        ("ccecon.scenario.window.", ""),
        ("datetime.date", "month (YYYY-MM)"),
        ("<class '", ""),
        ("'>", ""),
        ("NoneType", "none"),
    ):
        text = text.replace(old, new)
    import re

    for alias, words in RATIO_WORDS.items():
        text = re.sub(rf"\b{alias}\b", words, text)
    text = re.sub(r"\b(NonNegNum|Num)\b", "number or distribution", text)
    # a tagged union (``schedule.shifts``): its branches, without the tags
    text = re.sub(r"Annotated\[([^\[\]]*(?:\[[^\[\]]*\])?), Tag\(tag='\w+'\)\]", r"\1", text)
    if text.startswith("Union[") and text.endswith("]") and text.count("[") == 2:
        text = text[len("Union[") : -1].replace(", ", " or ")
    return text.replace("|", "or")


def field_rows() -> list[dict[str, str]]:
    """One row per field of every scenario model: section, field, type, default, meaning."""
    rows = []
    for title, model in SECTIONS:
        for name, f in model.model_fields.items():
            if f.is_required():
                default = "required"
            elif f.default_factory is not None:
                default = "empty"
            elif isinstance(f.default, float):
                default = f"{f.default:.6g}"
            else:
                default = str(getattr(f.default, "value", f.default))
            rows.append(
                {
                    "section": title.replace("`", ""),
                    "field": name,
                    "type": _type_name(f.annotation),
                    "default": default,
                    "meaning": (f.description or "").replace("\n", " "),
                }
            )
    return rows


def reference_markdown() -> str:
    """The Markdown reference of every scenario model and field."""
    out = [
        "# Scenario file reference",
        "",
        "Generated from `ccecon.scenario.schema` by `python -m ccecon.scenario.docs`;",
        "do not edit by hand. `ccecon schema` prints the same as JSON Schema for editors.",
        "Every field typed *number* also accepts a distribution when uncertainty is used",
        "(see docs/uncertainty.md).",
        "",
        RATIOS_INTRO,
    ]
    for title, model in SECTIONS:
        out += [f"## {title}", "", (typing.cast(str, model.__doc__) or "").split("\n")[0], ""]
        out += ["| field | type | default | meaning |", "|---|---|---|---|"]
        for row in (r for r in field_rows() if r["section"] == title.replace("`", "")):
            default = row["default"]
            default = (
                "**required**"
                if default == "required"
                else default
                if default == "empty"
                else f"`{default}`"
            )
            desc = row["meaning"].replace("|", "/")
            out.append(f"| `{row['field']}` | {row['type']} | {default} | {desc} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(reference_markdown())
