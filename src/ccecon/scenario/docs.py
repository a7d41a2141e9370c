"""Field-by-field reference of the scenario format, generated from the pydantic models.

``docs/scenario-reference.md`` is this module's output; a test keeps it in step with the
schema, so the reference can never drift from what the loader accepts.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from ccecon.scenario import schema as s

SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("Scenario (top level)", s.Scenario),
    ("Channel (`channels[]`)", s.Channel),
    ("Case (`baseline`, `proposal`)", s.Case),
    ("Cost line (`cost_lines[]`)", s.CostLine),
    ("Benefit line (`benefit_lines[]`)", s.BenefitLine),
    ("Lever (`levers[]`)", s.Lever),
    ("Benchmark band (`benchmark`)", s.Benchmark),
    ("Scorecard (`scorecard`)", s.Scorecard),
    ("Risk (`scorecard.risks[]`)", s.Risk),
)


def _type_name(annotation: Any) -> str:
    text = str(annotation)
    for old, new in (
        ("typing.", ""),
        ("ccecon.scenario.schema.", ""),
        ("datetime.date", "month (YYYY-MM)"),
        ("<class '", ""),
        ("'>", ""),
        ("NoneType", "none"),
    ):
        text = text.replace(old, new)
    import re

    text = re.sub(r"\b(NonNegNum|Num)\b", "number or distribution", text)
    text = re.sub(r"\bFraction\b", "share 0-1 or distribution", text)
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
