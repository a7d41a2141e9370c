"""The budget-tracking workbook: what ``ccecon budget track`` computed, as a live sheet.

Written from the tracking document (:func:`ccecon.budget.track.track`), computing nothing
of its own in Python: the amounts it reads from the records (budget and actual per month
and element, the drivers of the split, the billed and expected invoice charges) are
values, and everything derived from them is a formula, so a user who corrects an actual
sees every total follow. Sheets (labels in the report's locale):

* ``Elements``: per element, the budget and the actual to date (``SUMIFS`` of
  ``Months``), the variance and its share, the flag, the budget of the year and its
  re-forecast (``SUMIFS`` of ``Year``); the total row; the reserve used and needed; the
  variance bridge from the budget to date to the actual to date (volume, efficiency and
  rate summed from ``Variance split``, then each element's variance the split does not
  explain), and what the report was made from.
* ``Months``: per actual month and element, budget, actual, variance, share, flag and
  where the actual comes from.
* ``Year``: per month of the fiscal year and element, the budget and the actual (then
  the re-forecast).
* ``Variance split``: per month, personnel and telecom as contacts x usage per contact x
  price: the budget and actual amounts as those products, volume
  ``ROUND((Ca - Cb) Ub Pb, 2)``, efficiency ``ROUND(Ca (Ua - Ub) Pb, 2)``, and rate, the
  variance less the two (``Ca Ua (Pa - Pb)`` up to the cents of rounding, which it
  carries, as the CLI's split does), so the three add up to the variance exactly.
* ``Invoice audit``: billed against expected per charge, the difference a formula.
* ``Forecast`` (when the tracking has one): each series' months, mean and interval, the
  actual and whether it fell inside.

Headers are frozen, money has thousands separators, shares are percentages. The test
recalculates the workbook with LibreOffice and compares it with the CLI's JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccecon.labels import label

FMT_MONEY = "#,##0.00;-#,##0.00"
FMT_COUNT = "#,##0"
FMT_RATIO = "#,##0.0000"
FMT_PCT = "0.0%"
WIDE = 16


def _sheet(wb: Any, title: str, heads: list[str], widths: list[int] | None = None) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(title[:31])
    fill = PatternFill("solid", fgColor="DDE5EE")
    for i, h in enumerate(heads, start=1):
        c = ws.cell(1, i, h)
        c.font = Font(bold=True)
        c.fill = fill
        c.alignment = Alignment(wrap_text=True, vertical="top")
    from openpyxl.utils import get_column_letter

    for i in range(1, len(heads) + 1):
        w = widths[i - 1] if widths and i <= len(widths) else WIDE
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.row_dimensions[1].height = 32
    return ws


def _flag(variance: str, budget: str, loc: str) -> str:
    """The flag of a variance cell against its budget cell and the ``threshold`` cell, as
    ``budget track`` flags it."""
    over, under, none = (label(f"flag_{k}", loc) for k in ("over", "under", "no_budget"))
    return (
        f'=IF({budget}=0,IF({variance}<>0,"{none}",""),'
        f'IF(ABS({variance})>threshold*ABS({budget}),IF({variance}>0,"{over}","{under}"),""))'
    )


def _ref(ws: Any, col: str, first: int = 2, last: int | None = None) -> str:
    last = last if last is not None else max(ws.max_row, first)
    return f"'{ws.title}'!${col}${first}:${col}${last}"


def _el(e: str, loc: str) -> str:
    """An element's name in ``loc``."""
    return label(f"element_{e}", loc)


def write_track_workbook(doc: dict[str, Any], path: str | Path, loc: str = "en") -> Path:
    """The workbook of a tracking document at ``path`` (see the module)."""
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName

    wb = Workbook()
    wb.remove(wb.active)
    cur = doc["currency"]
    heads = [
        label("element", loc),
        f"{label('budget_to_date', loc)} ({cur})",
        f"{label('actual_to_date', loc)} ({cur})",
        f"{label('variance', loc)} ({cur})",
        label("variance_pct", loc),
        label("flag", loc),
        f"{label('budget_year', loc)} ({cur})",
        f"{label('reforecast_year', loc)} ({cur})",
        f"{label('reforecast_variance', loc)} ({cur})",
    ]
    summary = _sheet(wb, label("track_elements_sheet", loc), heads, [30, *[WIDE] * 8])
    months_ws = _months_sheet(wb, doc, loc)
    year_ws = _year_sheet(wb, doc, loc, months_ws)
    split_ws = _split_sheet(wb, doc, loc)
    t, names = _element_rows(summary, doc, loc, months_ws, year_ws)
    names.update(_reserve_bridge_about(summary, doc, loc, split_ws, t))
    for name, cell in names.items():
        col, row = cell[0], cell[1:]
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{summary.title}'!${col}${row}")
    audit_ws = _audit_sheet(wb, doc, loc)
    if doc.get("forecast"):
        _forecast_sheet(wb, doc, loc)
    for ws in wb.worksheets:
        if ws is summary:
            ws.freeze_panes = "B2"
        else:
            ws.freeze_panes = "C2" if ws is not audit_ws else "D2"
            if ws.max_row > 1:
                ws.auto_filter.ref = ws.dimensions
    out = Path(path)
    wb.save(out)
    return out


def _months_sheet(wb: Any, doc: dict[str, Any], loc: str) -> Any:
    """``Months``: per actual month and element, budget, actual, variance, share, flag."""
    cur = doc["currency"]
    months_ws = _sheet(
        wb,
        label("track_months_sheet", loc),
        [
            label("month", loc),
            label("element", loc),
            f"{label('budget', loc)} ({cur})",
            f"{label('actual', loc)} ({cur})",
            f"{label('variance', loc)} ({cur})",
            label("variance_pct", loc),
            label("flag", loc),
            label("source", loc),
        ],
        [10, 16, WIDE, WIDE, WIDE, 12, 14, 50],
    )
    for r, x in enumerate(doc["monthly"], start=2):
        months_ws.append(
            [
                x["month"],
                _el(x["element"], loc),
                x["budget"],
                x["actual"],
                f"=D{r}-C{r}",
                f'=IF(C{r}=0,"",E{r}/C{r})',
                _flag(f"E{r}", f"C{r}", loc),
                x["source"],
            ]
        )
        for col in "CDE":
            months_ws[f"{col}{r}"].number_format = FMT_MONEY
        months_ws[f"F{r}"].number_format = FMT_PCT
    return months_ws


def _year_sheet(wb: Any, doc: dict[str, Any], loc: str, months_ws: Any) -> Any:
    """``Year``: per month of the fiscal year and element, the budget and the re-forecast
    (an actual month's is a reference to its actual in ``Months``)."""
    cur = doc["currency"]
    elements = [x["element"] for x in doc["by_element"]]
    year_ws = _sheet(
        wb,
        label("track_year_sheet", loc),
        [
            label("month", loc),
            label("element", loc),
            f"{label('budget', loc)} ({cur})",
            f"{label('reforecast', loc)} ({cur})",
            label("basis", loc),
        ],
        [10, 16, WIDE, WIDE, 12],
    )
    budget_of = {x["month"]: x["by_element"] for x in doc["budget_by_month"]}
    actual_row = {(x["month"], x["element"]): r for r, x in enumerate(doc["monthly"], start=2)}
    for row in doc["reforecast"]:
        for e in elements:
            at = actual_row.get((row["month"], e))
            ahead = (
                row[e]
                if row["basis"] != "actual" or at is None
                else (f"='{months_ws.title}'!D{at}")
            )
            year_ws.append(
                [
                    row["month"],
                    _el(e, loc),
                    budget_of[row["month"]].get(e, 0.0),
                    ahead,
                    row["basis"],
                ]
            )
            r = year_ws.max_row
            for col in "CD":
                year_ws[f"{col}{r}"].number_format = FMT_MONEY
    return year_ws


def _split_sheet(wb: Any, doc: dict[str, Any], loc: str) -> Any:
    """``Variance split``: personnel and telecom per month as contacts x usage x price,
    volume, efficiency and rate as formulas."""
    from openpyxl.comments import Comment

    cur = doc["currency"]
    split_ws = _sheet(
        wb,
        label("track_split_sheet", loc),
        [
            label("month", loc),
            label("element", loc),
            label("basis", loc),
            label("budget_contacts", loc),
            label("actual_contacts_n", loc),
            label("budget_usage_per_contact", loc),
            label("actual_usage_per_contact", loc),
            f"{label('budget_price', loc)} ({cur})",
            f"{label('actual_price', loc)} ({cur})",
            f"{label('budget', loc)} ({cur})",
            f"{label('actual', loc)} ({cur})",
            f"{label('volume', loc)} ({cur})",
            f"{label('efficiency', loc)} ({cur})",
            f"{label('rate', loc)} ({cur})",
            f"{label('variance', loc)} ({cur})",
            f"{label('parts_sum', loc)} ({cur})",
        ],
        [10, 14, 14, *[WIDE] * 13],
    )
    split_ws["N1"].comment = Comment(
        "Rate = actual contacts x actual usage per contact x (actual price - budget price),"
        " in whole cents: the variance less volume and efficiency (each rounded to the"
        " cent), so it carries the cents of rounding and the three add up to the variance"
        " exactly.",
        "ccecon",
    )
    for r, x in enumerate(doc["variance_split"], start=2):
        split_ws.append(
            [
                x["month"],
                _el(x["element"], loc),
                x["basis"],
                x["budget_contacts"],
                x["actual_contacts"],
                x["budget_usage_per_contact"],
                x["actual_usage_per_contact"],
                x["budget_price"],
                x["actual_price"],
                f"=ROUND(D{r}*F{r}*H{r},2)",
                f"=ROUND(E{r}*G{r}*I{r},2)",
                f"=ROUND((E{r}-D{r})*F{r}*H{r},2)",
                f"=ROUND(E{r}*(G{r}-F{r})*H{r},2)",
                f"=O{r}-L{r}-M{r}",
                f"=K{r}-J{r}",
                f"=L{r}+M{r}+N{r}",
            ]
        )
        for col in "DE":
            split_ws[f"{col}{r}"].number_format = FMT_COUNT
        for col in "FGHI":
            split_ws[f"{col}{r}"].number_format = FMT_RATIO
        for col in "JKLMNOP":
            split_ws[f"{col}{r}"].number_format = FMT_MONEY
    return split_ws


def _element_rows(
    summary: Any, doc: dict[str, Any], loc: str, months_ws: Any, year_ws: Any
) -> tuple[int, dict[str, str]]:
    """The elements' rows of ``Elements`` and their total: the total's row and the names
    of its cells."""
    from openpyxl.styles import Font

    elements = [x["element"] for x in doc["by_element"]]
    first = 2
    for r, e in enumerate(elements, start=first):
        mon = (_ref(months_ws, "B"), f"A{r}")
        yr = (_ref(year_ws, "B"), f"A{r}")
        summary.append(
            [
                _el(e, loc),
                f"=SUMIFS({_ref(months_ws, 'C')},{mon[0]},{mon[1]})",
                f"=SUMIFS({_ref(months_ws, 'D')},{mon[0]},{mon[1]})",
                f"=C{r}-B{r}",
                f'=IF(B{r}=0,"",D{r}/B{r})',
                _flag(f"D{r}", f"B{r}", loc),
                f"=SUMIFS({_ref(year_ws, 'C')},{yr[0]},{yr[1]})",
                f"=SUMIFS({_ref(year_ws, 'D')},{yr[0]},{yr[1]})",
                f"=H{r}-G{r}",
            ]
        )
    last = first + len(elements) - 1
    t = last + 1
    summary.append(
        [
            label("total", loc),
            *(f"=SUM({c}{first}:{c}{last})" for c in "BCD"),
            f'=IF(B{t}=0,"",D{t}/B{t})',
            "",
            *(f"=SUM({c}{first}:{c}{last})" for c in "GHI"),
        ]
    )
    for r in range(first, t + 1):
        for col in "BCDGHI":
            summary[f"{col}{r}"].number_format = FMT_MONEY
        summary[f"E{r}"].number_format = FMT_PCT
    for c in summary[t]:
        c.font = Font(bold=True)
    names = {
        "tot_budget_to_date": f"B{t}",
        "tot_actual_to_date": f"C{t}",
        "tot_variance": f"D{t}",
        "tot_budget_year": f"G{t}",
        "tot_reforecast_year": f"H{t}",
        "tot_reforecast_variance": f"I{t}",
    }
    return t, names


def _reserve_bridge_about(
    summary: Any, doc: dict[str, Any], loc: str, split_ws: Any, t: int
) -> dict[str, str]:
    """Below the total (row ``t``) of ``Elements``: the reserve used and needed, the
    variance bridge, what the report was made from and the threshold; the names of their
    cells."""
    from openpyxl.styles import Font

    cur = doc["currency"]
    elements = [x["element"] for x in doc["by_element"]]
    first = 2
    names: dict[str, str] = {}
    # the reserve
    r0 = t + 2
    res = doc["reserve"]
    rows: list[tuple[str, Any, str, str]] = [
        (f"{label('reserve', loc)} ({cur})", res["reserve"], FMT_MONEY, "reserve"),
        (f"{label('reserve_used', loc)} ({cur})", f"=MAX(0,D{t})", FMT_MONEY, "reserve_used"),
        (
            label("reserve_used_share", loc),
            f'=IF(B{r0}=0,"",B{r0 + 1}/B{r0})',
            FMT_PCT,
            "reserve_used_share",
        ),
        (
            f"{label('reserve_needed', loc)} ({cur})",
            f"=MAX(0,I{t})",
            FMT_MONEY,
            "reserve_needed",
        ),
        (
            label("reserve_needed_share", loc),
            f'=IF(B{r0}=0,"",B{r0 + 3}/B{r0})',
            FMT_PCT,
            "reserve_needed_share",
        ),
    ]
    for i, (text, value, fmt, name) in enumerate(rows):
        r = r0 + i
        summary.cell(r, 1, text)
        summary.cell(r, 2, value).number_format = fmt
        names[name] = f"B{r}"
    # the bridge
    b0 = r0 + len(rows) + 1
    summary.cell(b0, 1, label("variance_bridge_title", loc)).font = Font(bold=True)
    summary.cell(b0, 2, f"{label('amount', loc)} ({cur})").font = Font(bold=True)
    steps: list[tuple[str, str, str]] = [(label("budget_to_date", loc), f"=B{t}", "bridge_budget")]
    for k, col in (("volume", "L"), ("efficiency", "M"), ("rate", "N")):
        steps.append((label(k, loc), f"=SUM({_ref(split_ws, col)})", f"bridge_{k}"))
    for r, e in enumerate(elements, start=first):
        rest = f"=D{r}-SUMIFS({_ref(split_ws, 'O')},{_ref(split_ws, 'B')},A{r})"
        steps.append((_el(e, loc), rest, f"bridge_{e}"))
    s_first = b0 + 1
    s_last = s_first + len(steps) - 1
    steps.append((label("actual_to_date", loc), f"=SUM(B{s_first}:B{s_last})", "bridge_actual"))
    for i, (text, formula, name) in enumerate(steps):
        r = s_first + i
        summary.cell(r, 1, text)
        summary.cell(r, 2, formula).number_format = FMT_MONEY
        names[name] = f"B{r}"
    summary.cell(s_first + len(steps) - 1, 1).font = Font(bold=True)
    # what it was made from
    a0 = s_first + len(steps) + 1
    about = [
        (
            label("budget_track_title", loc).format(
                year=doc["fiscal_year"],
                last=doc["actual_months"][-1],
                n=len(doc["actual_months"]),
                cur=cur,
            ),
            "",
        ),
        ("budget", doc["budget_file"]),
        ("store", doc["store"]),
        ("records", f"{doc['records']['first']} .. {doc['records']['last']}"),
        ("re-forecast from", doc["reforecast_from"]),
        ("reserve basis", doc["reserve"]["basis"]),
    ]
    for i, (k, v) in enumerate(about):
        summary.cell(a0 + i, 1, k).font = Font(italic=True, color="666666")
        summary.cell(a0 + i, 2, v).font = Font(italic=True, color="666666")
    r = a0 + len(about)
    summary.cell(r, 1, label("flag", loc) + ": " + label("threshold", loc))
    summary.cell(r, 2, doc["threshold"]).number_format = FMT_PCT
    names["threshold"] = f"B{r}"
    return names


def _audit_sheet(wb: Any, doc: dict[str, Any], loc: str) -> Any:
    """``Invoice audit``: billed against expected per charge."""
    cur = doc["currency"]
    audit_ws = _sheet(
        wb,
        label("track_audit_sheet", loc),
        [
            label("month", loc),
            label("vendor", loc),
            label("charge", loc),
            label("unit", loc),
            label("billed_quantity", loc),
            label("measured_quantity", loc),
            f"{label('billed', loc)} ({cur})",
            f"{label('expected', loc)} ({cur})",
            f"{label('difference', loc)} ({cur})",
            label("note", loc),
        ],
        [10, 20, 14, 14, *[WIDE] * 5, 40],
    )
    for r, x in enumerate(doc["audit"], start=2):
        audit_ws.append(
            [
                x["month"],
                x["vendor"],
                x["charge"],
                x["unit"] or "",
                x["billed_quantity"],
                x["measured_quantity"],
                x["billed"],
                x["expected"],
                f'=IF(H{r}="","",G{r}-H{r})',
                x["note"],
            ]
        )
        for col in "EF":
            audit_ws[f"{col}{r}"].number_format = FMT_COUNT
        for col in "GHI":
            audit_ws[f"{col}{r}"].number_format = FMT_MONEY
    return audit_ws


def _forecast_sheet(wb: Any, doc: dict[str, Any], loc: str) -> None:
    """``Forecast``: each series' months, mean and interval, the actual, inside or not."""
    fc = doc["forecast"]
    level = f"{fc['level']:g}"
    fc_ws = _sheet(
        wb,
        label("track_forecast_sheet", loc),
        [
            label("series", loc),
            label("month", loc),
            label("forecast_mean", loc),
            f"{label('lo', loc)} ({level} %)",
            f"{label('hi', loc)} ({level} %)",
            label("actual_contacts", loc),
            label("inside", loc),
            label("model", loc),
        ],
        [16, 10, 14, 14, 14, 14, 10, 16],
    )
    yes, no = ("是", "否") if loc == "zh" else ("yes", "no")
    for s in fc["series"]:
        for m in s["months"]:
            r = fc_ws.max_row + 1
            fc_ws.append(
                [
                    s["series"],
                    m["month"],
                    m["mean"],
                    m["lo"],
                    m["hi"],
                    m["actual"],
                    f'=IF(F{r}="","",IF(AND(F{r}>=D{r},F{r}<=E{r}),"{yes}","{no}"))',
                    s["model"],
                ]
            )
            for col in "CDEF":
                fc_ws[f"{col}{r}"].number_format = FMT_COUNT
