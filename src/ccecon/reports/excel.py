"""An Excel workbook whose results are live formulas over the inputs.

Sheets:

* ``Inputs``: the discount rate, the discounting convention and the months; change them
  and every result follows.
* ``Cashflows``: one row per month (0 = at signing): the monthly amounts of each cost
  family and the benefits, per case (the engine's numbers, editable), and as formulas the
  net flow, its cumulative sum, the discount exponent and the discounted net flow.
* ``Results``: totals, ROI, NPV, IRR and payback as formulas over ``Cashflows``;
  ``Lines``: every line's monthly amounts, for audit.

The formulas reproduce :func:`ccecon.engine.evaluate` (tests recalculate the workbook with
the independent ``formulas`` engine and compare to 1e-9 relative).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ccecon.engine import Result

FAMILIES = ("benefits", "initial", "operating", "hidden")


def _match_keys(result: Result) -> dict[tuple[str, str], str]:
    """(case, line name) -> the key that pairs a cost line before and after the change:
    its name, or for a proposal line its ``replaces``."""
    out: dict[tuple[str, str], str] = {}
    for case_name, case in result.scenario.cases().items():
        for ln in case.cost_lines:
            out[(case_name, ln.name)] = ln.replaces or ln.name
    return out


def write_workbook(result: Result, path: str | Path) -> Path:
    """Write the workbook; returns its path. Uses the deterministic (mean) flows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from ccecon.engine import NEVER

    sc = result.scenario
    wb = Workbook()
    ws_in = wb.active
    assert ws_in is not None
    ws_in.title = "Inputs"
    bold = Font(bold=True)
    ws_in["A1"], ws_in["B1"] = "Scenario", sc.name
    ws_in["A2"], ws_in["B2"] = "Currency", sc.currency
    ws_in["A3"], ws_in["B3"] = (
        "Annual discount rate",
        float(
            np.mean(np.asarray(getattr(sc.discount_rate, "point", sc.discount_rate), dtype=float))
        ),
    )
    ws_in["A4"], ws_in["B4"] = "Discounting (monthly or yearly_tei)", sc.discounting
    ws_in["A5"], ws_in["B5"] = "Monthly rate", "=(1+B3)^(1/12)-1"
    ws_in["A6"], ws_in["B6"] = "Months in the horizon", sc.horizon_months
    for c in ("A1", "A2", "A3", "A4", "A5", "A6"):
        ws_in[c].font = bold
    ws_in.column_dimensions["A"].width = 38
    ws_in.column_dimensions["B"].width = 40

    ws = wb.create_sheet("Cashflows")
    m = result.monthly_frame()
    cases = ["proposal", "baseline"]
    headers = ["month", "label"]
    for case in cases:
        headers += [f"{case}_{f}" for f in FAMILIES]
    headers += ["net", "cumulative", "discount_exponent", "discounted_net", "neg_flag"]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = bold
    col = {h: get_column_letter(i + 1) for i, h in enumerate(headers)}
    n_rows = len(m)
    for i in range(n_rows):
        r = i + 2
        row: list[object] = [int(m["month"][i]), str(m["label"][i])]
        for case in cases:
            for f in FAMILIES:
                key = f"{case}_{f}"
                row.append(float(m[key][i]) if key in m.columns else 0.0)
        p = {f: f"{col['proposal_' + f]}{r}" for f in FAMILIES}
        b = {f: f"{col['baseline_' + f]}{r}" for f in FAMILIES}
        row.append(
            f"=({p['benefits']}-{b['benefits']})-({p['initial']}-{b['initial']})"
            f"-({p['operating']}-{b['operating']})-({p['hidden']}-{b['hidden']})"
        )
        row.append(
            f"={col['net']}{r}" if r == 2 else f"={col['cumulative']}{r - 1}+{col['net']}{r}"
        )
        row.append(
            f'=IF(Inputs!$B$4="yearly_tei",IF({col["month"]}{r}=0,0,'
            f"ROUNDUP({col['month']}{r}/12,0)),{col['month']}{r})"
        )
        row.append(
            f'={col["net"]}{r}/(1+IF(Inputs!$B$4="yearly_tei",Inputs!$B$3,Inputs!$B$5))'
            f"^{col['discount_exponent']}{r}"
        )
        row.append(f"=IF({col['cumulative']}{r}<0,{col['month']}{r},-1)")
        ws.append(row)
    last = n_rows + 1

    def rng(name: str) -> str:
        return f"Cashflows!{col[name]}2:{col[name]}{last}"

    def col_ref(name: str, row: int) -> str:
        return f"Cashflows!{col[name]}{row}"

    def total(name: str) -> str:
        return f"SUM({rng(name)})"

    years = wb.create_sheet("Years")
    years.append(["plan_year", "net"])
    for cell in years[1]:
        cell.font = bold
    n_years = -(-sc.horizon_months // 12) + 1  # year 0 is month 0 alone
    for k in range(n_years):
        months = f"Cashflows!{col['month']}2:{col['month']}{last}"
        if k == 0:
            years.append([0, f"={col_ref('net', 2)}"])
        else:
            years.append(
                [k, f'=SUMIFS({rng("net")},{months},">={12 * k - 11}",{months},"<={12 * k}")']
            )
    res = wb.create_sheet("Results")
    res.column_dimensions["A"].width = 34
    res.column_dimensions["B"].width = 22
    spend = {
        case: "+".join(total(f"{case}_{fam}") for fam in ("initial", "operating", "hidden"))
        for case in ("proposal", "baseline")
    }
    # Line by line (TEI): B11 is the spending both cases keep, the smaller total of each
    # cost line present before and after the change (Lines!F holds each line's match key).
    rows: list[tuple[str, str]] = [
        ("total_cost", f"={spend['proposal']}-B11"),
        (
            "total_benefit",
            f"={total('proposal_benefits')}-{total('baseline_benefits')}+B12",
        ),
        ("net", f"={total('net')}"),
        ("roi_pct", '=IF(B2>0,(B3-B2)/B2*100,"not defined")'),
        ("npv", f"={total('discounted_net')}"),
        # IRR under the NPV's convention: of the monthly flow (annualized) or, with
        # yearly_tei, of the flows summed by plan year (the Years sheet)
        (
            "irr_per_period",
            f'=IF(Inputs!$B$4="yearly_tei",IRR(Years!$B$2:$B${n_years + 1}),IRR({rng("net")}))',
        ),
        ("irr_annual_pct", '=IF(Inputs!$B$4="yearly_tei",B7*100,((1+B7)^12-1)*100)'),
        ("last_negative_month", f"=MAX({rng('neg_flag')})"),
        (
            "payback_months",
            f'=IF(B9<0,0,IF(B9>=Inputs!$B$6,"{NEVER}",B9+(-INDEX({rng("cumulative")},B9+1))'
            f"/INDEX({rng('net')},B9+2)))",
        ),
    ]
    frame = result.cashflow_frame()
    groups = list(frame.groupby(["case", "line", "type", "family", "included"], sort=False))
    keys = _match_keys(result)
    counted = {
        (str(c), keys[(str(c), str(n))]) for (c, n, t, _, inc), _ in groups if t == "cost" and inc
    }
    matched = sorted(
        {k for c, k in counted if c == "proposal"} & {k for c, k in counted if c == "baseline"}
    )
    first_month = get_column_letter(8)
    last_col = get_column_letter(7 + len(result.month_labels))
    n_lines = len(groups) + 1
    key_rng, tot_rng = f"Lines!$F$2:$F${n_lines}", f"Lines!$G$2:$G${n_lines}"
    ids = {k: f"k{i}" for i, k in enumerate(matched, 1)}
    kept = "+".join(
        f'MIN(SUMIF({key_rng},"proposal|{ids[k]}",{tot_rng}),'
        f'SUMIF({key_rng},"baseline|{ids[k]}",{tot_rng}))'
        for k in matched
    )
    rows += [
        ("kept_spending", f"={kept}" if kept else "=0"),
        ("cost_savings", f"={spend['baseline']}-B11"),
    ]
    res.append(["metric", "value"])
    for name, formula in rows:
        res.append([name, formula])
    for cell in res[1]:
        cell.font = bold

    lines = wb.create_sheet("Lines")
    lines.append(
        ["case", "line", "type", "family", "included", "match", "total", *result.month_labels]
    )
    for r, (gk, grp) in enumerate(groups, start=2):
        case, line, typ, fam = (str(v) for v in gk[:4])
        inc = bool(gk[4])
        match = keys.get((case, line)) if typ == "cost" and inc else None
        lines.append(
            [
                case,
                line,
                typ,
                fam,
                inc,
                f"{case}|{ids[match]}" if match in ids else "",
                f"=SUM({first_month}{r}:{last_col}{r})",
                *[float(v) for v in grp["amount"]],
            ]
        )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
