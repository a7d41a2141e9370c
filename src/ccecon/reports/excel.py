"""The Excel workbook: the business case as a live model of its inputs.

Sheets:

* ``Results``: cost of the change, benefits, cost savings, net, ROI, NPV, IRR, payback and
  discounted payback, plain and risk-adjusted, and the unit costs, all formulas; a chart
  of the monthly net cash flow and its cumulative sum.
* ``Inputs``: every driver as a named cell (a defined name, shown beside it): the
  settings (discount rate and convention, unit-cost basis, IRR guess), the channels
  (volume, handle time, growth, sales rate), the user drivers, each lever (factors,
  months) and each line (amount, quantity, growth, risk, months, counted or not). Below
  them, per month, what cannot be a formula: the agent hours and peak agents that ccecon's
  Erlang staffing computes, and the bill of each contract-priced line; values the user may
  overwrite, each with a comment saying where it comes from.
* ``Drivers``: per case and month, as formulas of the inputs: each channel's volume
  (growth by plan year, lever ramps), handle time and minutes, the built-in totals
  (calls, contacts, minutes, sales ...), the user drivers and the staffing.
* ``Lines``: every line's monthly amounts as formulas (its timing, growth by plan year,
  driver), its horizon total and risk-adjusted total.
* ``Cashflows``: per month, each case's families (plain and risk-adjusted), the net flow,
  its discounting (monthly or Forrester TEI's yearly), cumulative sums, the payback
  helpers and the sums behind the unit costs.
* ``Years``: the net flow by plan year (the flows of the yearly IRR).
* ``Change``: the cost of the change line by line: each cost line's total before and
  after; the smaller is spending the change keeps, the rest a cost or a saving.
* ``Simulation`` (when the scenario has ranges): the Monte Carlo percentiles and the NPV
  tornado, as values, labelled as such.
* ``Sourcing`` (when the scenario has sourcing options): the ranking by present value of
  cost with each option's TCO by component, unit costs and paid FTE, and the NPV of each
  move from the current option: values from the one sourcing document, labelled as such.

With ``locale: zh`` every sheet name, heading, label, note and comment is Chinese (the
phrase table ``ccecon.labels.WORKBOOK_ZH``); the user's own words stay as written.

The formulas reproduce :func:`ccecon.engine.evaluate` of the base case (tests recalculate
every example's workbook with LibreOffice and compare to 1e-9 relative).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ccecon.engine import Result
    from ccecon.scenario.schema import BenefitLine, Case, Channel, CostLine, Scenario

HEAD = 4
"""Header rows of the month sheets: label, month number, plan year (growth), in plan."""
MONTH_ROW, YEAR_ROW, PLAN_ROW = 2, 3, 4

ERLANG_NOTE = (
    "From ccecon's Erlang staffing of this case's volumes and handle times (per interval,"
    " to the scenario's service goals). Erlang staffing is a search over agent counts, not a"
    " spreadsheet formula, so this is a value: it does not follow a change of volume or"
    " handle time here. Overwrite it with your own figures, or change the scenario and"
    " write the workbook again."
)
SCHEDULE_NOTE = (
    "From ccecon's shift schedule (staffing.schedule): each month, the paid hours of the"
    " least-cost shifts covering the month's interval requirement over the ideal paid hours"
    " (the agent hours / (1 - shrinkage)). A mixed-integer program, not a spreadsheet"
    " formula, so this is a value; the paid FTE row multiplies the ideal FTE by it."
)
CONTRACT_NOTE = (
    "The bill of this line's price model on the case's usage (calls, minutes, seats, agent"
    " hours; tiers, minimums and packages), computed by ccecon: a value, not a formula. The"
    " line's amount, growth and risk on Inputs still apply to it."
)

FMT_MONEY = '#,##0;-#,##0;"-"'
FMT_MONEY2 = "#,##0.00"
FMT_NUM = "#,##0.####"
FMT_INT = "#,##0"
FMT_PCT = "0.0%"
FMT_PCT2 = "0.00%"
FMT_MONTHS = '0.0 "months"'

_LOCALE: ContextVar[str] = ContextVar("ccecon_workbook_locale", default="en")
"""The locale of the workbook being written (a context variable: one per thread)."""


def _t(text: str, **fields: Any) -> str:
    """``text`` in the workbook's locale (:func:`ccecon.labels.phrase`), formatted."""
    from ccecon.labels import phrase

    out = phrase(text, _LOCALE.get())
    return out.format(**fields) if fields else out


def _sheet(name: str) -> str:
    """A sheet's name as a formula refers to it (``Inputs``; quoted when translated)."""
    shown = _t(name)
    return shown if shown == name else f"'{shown}'"


def _fmt_months() -> str:
    """The number format of a count of months, in the workbook's locale."""
    return f'0.0 "{_t("months")}"'


def _money(currency: str, decimals: int = 0) -> str:
    d = "." + "0" * decimals if decimals else ""
    return f'#,##0{d} "{currency}";-#,##0{d} "{currency}"'


def _value(v: Any) -> float:
    """A realized numeric input as one float (the mean of draws, if it holds draws)."""
    return float(np.mean(np.asarray(v, dtype=float)))


@dataclass
class _Styles:
    bold: Any
    title: Any
    input_fill: Any
    value_fill: Any
    info: Any


class _MonthSheet:
    """A sheet with one column per month 0..T from column ``first`` (1-based)."""

    def __init__(self, ws: Worksheet, first: int, months: int) -> None:
        self.ws, self.first, self.months = ws, first, months
        from openpyxl.utils import get_column_letter

        self._letters = [get_column_letter(first + m) for m in range(months + 1)]

    def c(self, m: int) -> str:
        return self._letters[m]

    def cols(self) -> list[tuple[int, str]]:
        return list(enumerate(self._letters))

    def row(self, r: int, first_month: int = 0, absolute: bool = False) -> str:
        """``D5:AN5`` (months first_month..T of row r)."""
        a, b = self._letters[first_month], self._letters[-1]
        if absolute:
            return f"${a}${r}:${b}${r}"
        return f"{a}{r}:{b}{r}"

    def ref(self, r: int, first_month: int = 0) -> str:
        return f"'{self.ws.title}'!{self.row(r, first_month, absolute=True)}"

    def header(self, labels: list[str], month_labels: tuple[str, ...], st: _Styles) -> None:
        ws = self.ws
        for i, text in enumerate(labels, start=1):
            ws.cell(1, i, _t(text)).font = st.bold
        ws.cell(MONTH_ROW, self.first - 1, _t("month")).font = st.info
        ws.cell(YEAR_ROW, self.first - 1, _t("plan year (growth)")).font = st.info
        ws.cell(PLAN_ROW, self.first - 1, _t("in plan (months 1..)")).font = st.info
        for m, col in self.cols():
            ws[f"{col}1"] = _t(month_labels[m])
            ws[f"{col}1"].font = st.bold
            ws[f"{col}{MONTH_ROW}"] = m
            ws[f"{col}{YEAR_ROW}"] = f"=IF({col}{MONTH_ROW}=0,0,INT(({col}{MONTH_ROW}-1)/12))"
            ws[f"{col}{PLAN_ROW}"] = f"=IF({col}{MONTH_ROW}>=1,1,0)"
            for r in (MONTH_ROW, YEAR_ROW, PLAN_ROW):
                ws[f"{col}{r}"].font = st.info
            ws.column_dimensions[col].width = 12
        ws.freeze_panes = f"{self.c(0)}{HEAD + 1}"


@dataclass
class _Inputs:
    """The Inputs sheet: one named cell per driver, written top to bottom."""

    wb: Workbook
    ws: Worksheet
    st: _Styles
    uncertain: Mapping[str, Any]
    row: int = 0
    names: set[str] = field(default_factory=set)

    def section(self, title: str, note: str | None = None) -> None:
        self.row += 2 if self.row else 1
        self.ws.cell(self.row, 1, _t(title)).font = self.st.title
        if note:
            self.ws.cell(self.row, 3, _t(note)).font = self.st.info

    def add(
        self,
        label: str,
        value: Any,
        name: str,
        fmt: str,
        note: str = "",
        path: str | None = None,
        comment: str | None = None,
    ) -> str:
        """One input row (label, value, note, name); returns the defined name."""
        from openpyxl.comments import Comment
        from openpyxl.workbook.defined_name import DefinedName

        assert name not in self.names, name
        self.names.add(name)
        self.row += 1
        r, ws = self.row, self.ws
        ws.cell(r, 1, _t(label))
        cell = ws.cell(r, 2, value)
        cell.number_format = fmt
        cell.fill = self.st.input_fill
        ws.cell(r, 3, _t(note)).font = self.st.info
        ws.cell(r, 4, name).font = self.st.info
        dist = self.uncertain.get(path) if path else None
        if dist is not None:
            from ccecon.reports.html import _value as shown

            comment = (
                _t(
                    "Uncertain in the scenario ({range}). The workbook holds the base case;"
                    " the Simulation sheet shows the spread.",
                    range=shown(dist, _LOCALE.get()),
                )
                + " "
                + _t(comment or "")
            ).strip()
        elif comment:
            comment = _t(comment)
        if comment:
            cell.comment = Comment(comment, "ccecon", width=320, height=140)
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{_sheet('Inputs')}!$B${r}")
        return name

    def info(self, label: str, value: Any, note: str = "", fmt: str = "General") -> None:
        """A row shown for reference: not an input of any formula."""
        self.row += 1
        self.ws.cell(self.row, 1, _t(label))
        cell = self.ws.cell(self.row, 2, value)
        cell.number_format = fmt
        self.ws.cell(self.row, 3, _t(note)).font = self.st.info


CASE_PREFIX = {"proposal": "prop", "baseline": "base"}
CASE_TITLE = {"proposal": "Proposal (to be)", "baseline": "Baseline (as is)"}


def _case_title(case_name: str) -> str:
    return _t(CASE_TITLE[case_name])


@dataclass
class _Model:
    """Where each quantity sits: Drivers rows per case and driver, Lines rows."""

    drivers: dict[str, dict[str, int]] = field(default_factory=dict)
    staffing_rows: dict[str, dict[str, int]] = field(default_factory=dict)
    contract_rows: dict[tuple[str, int], int] = field(default_factory=dict)
    line_rows: list[int] = field(default_factory=list)


def write_workbook(result: Result, path: str | Path) -> Path:
    """Write the workbook; returns its path.

    The workbook models the base case (each uncertain input at its base-case value, as
    ``ccecon evaluate``); with ranges, a Simulation sheet adds the Monte Carlo percentiles
    and the tornado as values. Sheet names, labels and notes follow the scenario's
    ``locale`` (``en`` or ``zh``, :func:`ccecon.labels.phrase`); the user's own words
    (names, notes, sources) stay as written.
    """
    sc = result.scenario
    token = _LOCALE.set(sc.locale if sc.locale in ("en", "zh") else "en")
    try:
        return _write_workbook(result, path)
    finally:
        _LOCALE.reset(token)


def _write_workbook(result: Result, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from ccecon.cases import case_drivers, realize_scenario
    from ccecon.uncertainty.sampling import uncertain_inputs

    sc = result.scenario
    realized, _ = realize_scenario(sc, None, None)
    months = sc.horizon_months
    labels = result.month_labels
    st = _Styles(
        bold=Font(bold=True),
        title=Font(bold=True, size=12),
        input_fill=PatternFill("solid", fgColor="FFF2CC"),
        value_fill=PatternFill("solid", fgColor="E2EFDA"),
        info=Font(italic=True, color="666666"),
    )
    wb = Workbook()
    ws_res = wb.active
    assert ws_res is not None
    ws_res.title = _t("Results")
    ws_in = wb.create_sheet(_t("Inputs"))
    inputs = _Inputs(wb, ws_in, st, uncertain_inputs(sc))
    drivers_by_case = {
        name: case_drivers(realized, case)[1] for name, case in realized.cases().items()
    }
    _write_inputs(inputs, realized, result, drivers_by_case)
    month_in = _MonthSheet(ws_in, 5, months)
    model = _Model()
    _write_per_month_inputs(inputs, month_in, realized, drivers_by_case, labels, model)
    ws_in.freeze_panes = "B2"  # the labels stay in view beside the per-month values

    ws_drv = wb.create_sheet(_t("Drivers"))
    drv = _MonthSheet(ws_drv, 4, months)
    drv.header(["case", "driver", "what"], labels, st)
    _write_drivers(drv, realized, month_in, model, st)

    ws_lines = wb.create_sheet(_t("Lines"))
    lines = _MonthSheet(ws_lines, 12, months)
    lines.header(
        [
            "case",
            "line",
            "type",
            "family or kind",
            "timing",
            "driver",
            "counted",
            "key",
            "risk factor",
            "total",
            "risk-adjusted total",
        ],
        labels,
        st,
    )
    keys = _write_lines(lines, realized, drv, month_in, model, sc.currency)

    ws_cf = wb.create_sheet(_t("Cashflows"))
    cf = _MonthSheet(ws_cf, 4, months)
    cf.header(["row", "case", "horizon total"], labels, st)
    rows = _write_cashflows(cf, realized, lines, drv, model, st, sc.currency)

    ws_years = wb.create_sheet(_t("Years"))
    year_rows = _write_years(ws_years, cf, rows, months, st, sc.currency)

    ws_change = wb.create_sheet(_t("Change"))
    kept = _write_change(ws_change, lines, model, keys, st, sc.currency)

    _write_results(ws_res, realized, result, cf, rows, year_rows, kept, st, wb)
    _write_simulation(wb, result, st)
    _write_sourcing(wb, result, st)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# --------------------------------------------------------------------------- Inputs
def _write_inputs(
    inp: _Inputs, sc: Scenario, result: Result, drivers_by_case: Mapping[str, Mapping[str, Any]]
) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = inp.ws
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 46
    ws.column_dimensions["D"].width = 24
    ws.cell(1, 1, _t("Inputs")).font = inp.st.title
    ws.cell(
        1, 3, _t("Yellow cells are inputs: change them and every sheet follows.")
    ).font = inp.st.info
    inp.row = 1
    inp.info("Scenario", sc.name)
    inp.info("Currency", sc.currency, "every amount of the workbook")
    inp.info("First month", f"{sc.start.year:04d}-{sc.start.month:02d}")
    inp.info(
        "Months in the horizon",
        sc.horizon_months,
        "fixed: one column per month on the month sheets",
    )

    inp.section("Settings")
    inp.add(
        "Annual discount rate",
        _value(sc.discount_rate),
        "discount_rate",
        FMT_PCT2,
        path="discount_rate",
    )
    inp.add(
        "Discounting (monthly or yearly_tei)",
        sc.discounting,
        "discounting",
        "@",
        "monthly: each month at the monthly rate; yearly_tei: by plan year (Forrester TEI)",
    )
    dv = DataValidation(type="list", formula1='"monthly,yearly_tei"', allow_blank=False)
    ws.add_data_validation(dv)
    dv.add(f"B{inp.row}")
    inp.row += 1
    ws.cell(inp.row, 1, _t("Monthly rate (a formula)"))
    ws.cell(inp.row, 2, "=(1+discount_rate)^(1/12)-1").number_format = "0.0000%"
    ws.cell(inp.row, 3, _t("(1 + annual rate) ^ (1/12) - 1")).font = inp.st.info
    ws.cell(inp.row, 4, "monthly_rate").font = inp.st.info
    from openpyxl.workbook.defined_name import DefinedName

    inp.wb.defined_names["monthly_rate"] = DefinedName(
        "monthly_rate", attr_text=f"{_sheet('Inputs')}!$B${inp.row}"
    )
    inp.add(
        "Unit-cost basis (fully_loaded or operating)",
        sc.unit_cost_basis,
        "unit_cost_basis",
        "@",
        "fully_loaded: initial costs spread evenly over the months",
    )
    dv2 = DataValidation(type="list", formula1='"fully_loaded,operating"', allow_blank=False)
    ws.add_data_validation(dv2)
    dv2.add(f"B{inp.row}")
    summary = result.summary()
    for key, name, what in (
        ("irr_annual_pct", "irr_guess", "IRR starting guess, a year"),
        (
            "risk_adjusted_irr_annual_pct",
            "irr_guess_adj",
            "IRR starting guess, risk-adjusted, a year",
        ),
    ):
        irr = summary.get(key)
        guess = float(f"{irr / 100:.2g}") if irr is not None and np.isfinite(irr) else 0.1
        inp.add(
            what,
            guess,
            name,
            FMT_PCT,
            "where IRR() starts its search",
            comment=(
                "IRR() searches for a root from this rate (the default guess, 10 % a period,"
                " finds none for some flows). Written as ccecon's IRR of the scenario,"
                " rounded. When a flow has several IRRs, IRR() finds the one nearest the"
                " guess; ccecon reports the one nearest 0."
            ),
        )
    _channel_inputs(inp, sc)
    _staffing_inputs(inp, sc)
    _case_inputs(inp, sc)


def _channel_inputs(inp: _Inputs, sc: Scenario) -> None:
    """The Inputs sheet's channels and the scenario's drivers."""
    if sc.channels:
        inp.section("Channels", "volume in plan year 1; growth compounds by plan year")
    for i, ch in enumerate(sc.channels, start=1):
        p = f"channels[{i - 1}]"
        inp.add(
            _t("{name}: contacts per month", name=ch.name),
            _value(ch.per_month),
            f"chan{i}_volume",
            FMT_INT,
            _t(ch.kind.value),
            path=f"{p}.per_month",
        )
        inp.add(
            _t("{name}: handle time (s)", name=ch.name),
            _value(ch.aht_s),
            f"chan{i}_aht",
            FMT_NUM,
            "talk + hold + after-call work",
            path=f"{p}.aht_s",
        )
        inp.add(
            _t("{name}: growth a year", name=ch.name),
            _value(ch.growth),
            f"chan{i}_growth",
            FMT_PCT,
            path=f"{p}.growth",
        )
        inp.add(
            _t("{name}: sales rate", name=ch.name),
            _value(ch.sales_rate),
            f"chan{i}_sales_rate",
            FMT_PCT2,
            "share of handled contacts that end in a sale",
            path=f"{p}.sales_rate",
        )

    if sc.drivers:
        inp.section("Drivers (per month, every month of the plan)")
    for j, (dname, value) in enumerate(sc.drivers.items(), start=1):
        inp.add(dname, _value(value), f"drv{j}", FMT_NUM, path=f"drivers.{dname}")


def _staffing_inputs(inp: _Inputs, sc: Scenario) -> None:
    """The Inputs sheet's staffing: shrinkage and paid hours (inputs), the Erlang goals
    (information)."""
    if sc.staffing is None:
        return
    stf = sc.staffing
    inp.section(
        "Staffing",
        "paid FTE = agent hours / (paid hours per FTE-month x (1 - shrinkage))",
    )
    inp.add(
        "Shrinkage",
        _value(stf.shrinkage),
        "staff_shrinkage",
        FMT_PCT,
        "share of paid time not on the phones",
        path="staffing.shrinkage",
    )
    inp.add(
        "Paid hours per FTE-month",
        _value(stf.paid_hours_per_fte_month),
        "staff_paid_hours",
        FMT_NUM,
        path="staffing.paid_hours_per_fte_month",
    )
    erlang = "used by the Erlang staffing in ccecon; not a formula input here"
    inp.info("Channels staffed", ", ".join(_staffed(sc)), erlang)
    inp.info(
        "Open hours",
        _t("{open} to {close}", open=f"{stf.open_hour:g}", close=f"{stf.close_hour:g}"),
        erlang,
    )
    if stf.sl_target is not None:
        inp.info(
            "Service level goal",
            _t(
                "{sl} in {t} s",
                sl=f"{stf.sl_target:.0%}",
                t=f"{stf.sl_threshold_s:g}",
            ),
            erlang,
        )
    if stf.max_occupancy is not None:
        inp.info("Occupancy cap", stf.max_occupancy, erlang, FMT_PCT)
    if stf.max_asa_s is not None:
        inp.info("Maximum average speed of answer (s)", stf.max_asa_s, erlang)
    if stf.max_abandon is not None:
        inp.info("Maximum abandonment", stf.max_abandon, erlang, FMT_PCT)


def _case_inputs(inp: _Inputs, sc: Scenario) -> None:
    """The Inputs sheet's blocks of each case: its drivers, levers and lines."""
    for case_name, case in sc.cases().items():
        pre = CASE_PREFIX[case_name]
        title = _case_title(case_name)
        if case.label:
            title = f"{title}: {case.label}"
        for j, (dname, value) in enumerate(case.drivers.items(), start=1):
            if j == 1:
                inp.section(
                    _t("{title}: drivers", title=title),
                    "override the scenario's drivers in this case",
                )
            inp.add(
                f"{dname}",
                _value(value),
                f"{pre}_drv{j}",
                FMT_NUM,
                path=f"{case_name}.drivers.{dname}",
            )
        for j, lever in enumerate(case.levers, start=1):
            if j == 1:
                inp.section(
                    _t("{title}: levers", title=title),
                    "factor ramps linearly from the start month over the ramp months",
                )
            p = f"{case_name}.levers[{j - 1}]"
            who = f"{lever.name} ({lever.channel})"
            n = f"{pre}_lever{j}"
            inp.add(
                _t("{who}: volume factor", who=who),
                _value(lever.volume_factor),
                f"{n}_volume",
                FMT_NUM,
                "0.9 = 10 % fewer contacts",
                path=f"{p}.volume_factor",
            )
            inp.add(
                _t("{who}: handle-time factor", who=who),
                _value(lever.aht_factor),
                f"{n}_aht",
                FMT_NUM,
                path=f"{p}.aht_factor",
            )
            inp.add(_t("{who}: start month", who=who), lever.start_month, f"{n}_start", "0")
            inp.add(
                _t("{who}: ramp months", who=who),
                lever.ramp_months,
                f"{n}_ramp",
                "0",
                "0 = full effect from the start month",
            )
            inp.add(
                _t("{who}: end month", who=who),
                lever.end_month,
                f"{n}_end",
                "0",
                "empty = to the end of the horizon",
            )
        _line_inputs(inp, sc, case_name, case, title)


def _staffed(sc: Scenario) -> list[str]:
    from ccecon.scenario.staffing import staffed_channels

    return staffed_channels(sc)


def _lines_of(case: Case) -> list[tuple[str, int, CostLine | BenefitLine]]:
    """(cost or benefit, 1-based index, line) of every line of a case, costs first."""
    out: list[tuple[str, int, CostLine | BenefitLine]] = [
        ("cost", j, ln) for j, ln in enumerate(case.cost_lines, start=1)
    ]
    out += [("benefit", j, ln) for j, ln in enumerate(case.benefit_lines, start=1)]
    return out


def _family_of(line: CostLine | BenefitLine) -> str:
    """A cost line's family (initial, operating, hidden) or a benefit's kind."""
    from ccecon.scenario.schema import CostLine

    return line.family.value if isinstance(line, CostLine) else line.kind


def _line_inputs(inp: _Inputs, sc: Scenario, case_name: str, case: Case, title: str) -> None:
    from ccecon.scenario.schema import Timing

    pre = CASE_PREFIX[case_name]
    money = _money(sc.currency, 2)
    for kind, j, line in _lines_of(case):
        if j == 1:
            inp.section(_t("{title}: " + kind + " lines", title=title))
        p = f"{case_name}.{kind}_lines[{j - 1}]"
        n = f"{pre}_{kind}{j}"
        who = line.name
        timing = line.timing
        unit = {
            Timing.once: _t("once"),
            Timing.monthly: _t("a month"),
            Timing.yearly: _t("a year (months 1, 13, 25 ...)"),
            Timing.per_unit: _t("per unit of {driver}", driver=line.driver),
            Timing.contract: _t("times the contract's monthly bill"),
        }[timing]
        fam = _family_of(line)
        inp.add(
            _t("{who}: amount", who=who),
            _value(line.amount),
            f"{n}_amount",
            FMT_NUM if timing in (Timing.per_unit, Timing.contract) else money,
            f"{_t(fam)}, {unit}",
            path=f"{p}.amount",
        )
        inp.add(
            _t("{who}: quantity", who=who),
            _value(line.quantity),
            f"{n}_quantity",
            FMT_NUM,
            path=f"{p}.quantity",
        )
        inp.add(
            _t("{who}: growth a year", who=who),
            _value(line.growth),
            f"{n}_growth",
            FMT_PCT,
            "by plan year",
            path=f"{p}.growth",
        )
        inp.add(
            _t("{who}: risk", who=who),
            _value(line.risk),
            f"{n}_risk",
            FMT_PCT,
            "a cost raised, a benefit cut by it (risk-adjusted view)",
            path=f"{p}.risk",
        )
        if timing == Timing.once:
            inp.add(_t("{who}: month", who=who), line.month, f"{n}_month", "0", "0 = at signing")
        else:
            inp.add(_t("{who}: start month", who=who), line.start_month, f"{n}_start", "0")
            inp.add(
                _t("{who}: end month", who=who),
                line.end_month,
                f"{n}_end",
                "0",
                "empty = to the end of the horizon",
            )
        inp.add(
            _t("{who}: counted", who=who),
            bool(line.included),
            f"{n}_include",
            "General",
            "TRUE: in the totals; FALSE: shown only",
        )


def _write_per_month_inputs(
    inp: _Inputs,
    ms: _MonthSheet,
    sc: Scenario,
    drivers_by_case: Mapping[str, Mapping[str, Any]],
    labels: tuple[str, ...],
    model: _Model,
) -> None:
    """Agent hours and peak agents (Erlang) and contract bills: per-month values."""
    from openpyxl.comments import Comment
    from openpyxl.workbook.defined_name import DefinedName

    from ccecon.scenario.pricing import contract_charge
    from ccecon.scenario.schema import Timing

    blocks: list[tuple[str, str, str, Any, str]] = []
    for case_name, case in sc.cases().items():
        pre = CASE_PREFIX[case_name]
        d = drivers_by_case[case_name]
        if sc.staffing is not None:
            for key, what in (("agent_hours", "agent hours"), ("peak_agents", "peak agents")):
                blocks.append((case_name, f"{pre}_{key}", _t(what), d[key], _t(ERLANG_NOTE)))
            if sc.staffing.schedule is not None:
                ideal = np.asarray(d["ideal_fte"], dtype=float).mean(axis=0)
                fte = np.asarray(d["fte"], dtype=float).mean(axis=0)
                ratio = np.divide(fte, ideal, out=np.ones_like(fte), where=ideal > 0)
                blocks.append(
                    (
                        case_name,
                        f"{pre}_schedule_ratio",
                        _t("schedule ratio (scheduled / ideal paid hours)"),
                        ratio,
                        _t(SCHEDULE_NOTE),
                    )
                )
        blocks.extend(_peak_blocks(sc, case_name, case))
        for i, line in enumerate(case.cost_lines):
            if line.timing == Timing.contract:
                bill = contract_charge(line, d, sc.horizon_months, f"{case_name}.cost_lines[{i}]")
                blocks.append(
                    (
                        case_name,
                        f"{pre}_contract{i + 1}",
                        _t("{name}: contract bill", name=line.name),
                        bill,
                        _t(CONTRACT_NOTE),
                    )
                )
    if not blocks:
        return
    inp.section(
        "Per month: values, not formulas",
        "from ccecon; overwrite them with your own figures if you have them",
    )
    inp.row += 1
    ws = inp.ws
    for m, col in ms.cols():
        ws[f"{col}{inp.row}"] = _t(labels[m])
        ws[f"{col}{inp.row}"].font = inp.st.bold
    for case_name, name, what, values, note in blocks:
        inp.row += 1
        r = inp.row
        ws.cell(r, 1, f"{_case_title(case_name)}: {what}")
        ws.cell(r, 3, _t("per month")).font = inp.st.info
        ws.cell(r, 4, name).font = inp.st.info
        row = np.asarray(values, dtype=float).reshape(-1, sc.horizon_months + 1).mean(axis=0)
        for m, col in ms.cols():
            cell = ws[f"{col}{r}"]
            cell.value = float(row[m])
            cell.number_format = "#,##0.00"
            cell.fill = inp.st.value_fill
        ws.cell(r, 1).comment = Comment(note, "ccecon", width=360, height=160)
        ws[f"{ms.c(0)}{r}"].comment = Comment(note, "ccecon", width=360, height=160)
        inp.wb.defined_names[name] = DefinedName(
            name, attr_text=f"{_sheet('Inputs')}!{ms.row(r, 0, True)}"
        )
        kind = name.split("_", 1)[1]
        if kind.startswith("contract"):
            model.contract_rows[(case_name, int(kind.removeprefix("contract")) - 1)] = r
        else:
            model.staffing_rows.setdefault(case_name, {})[kind] = r


PEAK_NOTE = (
    "From ccecon's staffing grid: the share of this channel's calls its peak levers keep in"
    " each month (1 - deflected share x the share of the calls offered in the levers' hours,"
    " ramped in). Callbacks move calls to later hours and keep them all."
)


def _peak_blocks(sc: Scenario, case_name: str, case: Case) -> list[tuple[str, str, str, Any, str]]:
    """Per-month value rows of the share of each channel's calls a case's peak levers keep
    (``<pre>_peak<channel number>``); none without peak levers."""
    if not getattr(case, "peak_levers", None):
        return []
    from ccecon.cases import case_profiles

    profiles = case_profiles(sc, case) or {}
    out: list[tuple[str, str, str, Any, str]] = []
    for i, ch in enumerate(sc.channels, start=1):
        prof = profiles.get(ch.name)
        if prof is None or not getattr(prof, "terms", ()):
            continue
        kept = np.broadcast_to(prof.factor(), (1, sc.horizon_months + 1))
        what = _t("{name}: share of the calls the peak levers keep", name=ch.name)
        out.append((case_name, f"{CASE_PREFIX[case_name]}_peak{i}", what, kept, _t(PEAK_NOTE)))
    return out


# --------------------------------------------------------------------------- Drivers
Template = str | int | tuple[str, str]
"""A month row's formula: ``{col}`` is the month's column on its sheet, ``{prev}`` the
previous month's, ``{d}``, ``{i}``, ``{l}`` the month's column on Drivers, Inputs, Lines;
a pair gives month 0's formula and the other months'; a number is written as is."""


def _fill(
    ms: _MonthSheet,
    r: int,
    template: Template,
    fmt: str,
    others: Mapping[str, _MonthSheet],
) -> None:
    """Write one month row from its template."""
    for m, col in ms.cols():
        t = template
        if isinstance(t, tuple):
            t = t[0] if m == 0 else t[1]
        value: Any = t
        if isinstance(t, str):
            cols = {k: s.c(m) for k, s in others.items()}
            value = t.format(col=col, prev=ms.c(m - 1) if m else "", **cols)
        cell = ms.ws[f"{col}{r}"]
        cell.value = value
        cell.number_format = fmt


def _lever_product(pre: str, levers: list[int], attr: str) -> str:
    """The product of a channel's lever factors in a month (a template)."""
    parts = []
    mm = f"{{col}}${MONTH_ROW}"
    for j in levers:
        n = f"{pre}_lever{j}"
        ramp = (
            f"IF({n}_ramp>0,MIN(MAX(({mm}-{n}_start+1)/{n}_ramp,0),1),"
            f'IF({mm}>={n}_start,1,0))*IF({n}_end="",1,IF({mm}<={n}_end,1,0))'
        )
        parts.append(f"(1+({n}_{attr}-1)*{ramp})")
    return "=" + "*".join(parts)


def _sum_of(rows_of: list[int]) -> Template:
    return "=" + "+".join(f"{{col}}{x}" for x in rows_of) if rows_of else 0


def _write_drivers(
    ms: _MonthSheet, sc: Scenario, month_in: _MonthSheet, model: _Model, st: _Styles
) -> None:
    """Per case: lever factors, channel volumes, AHT, minutes, built-ins, user drivers."""
    ws = ms.ws
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 44
    r = HEAD
    for case_name, case in sc.cases().items():
        r = _case_drivers(ms, sc, case_name, case, month_in, model, st, r)


class _Put:
    """Writes one case's rows on Drivers one below the other: ``put(driver, what,
    template, fmt)`` fills the next row and returns its number (``r``: the last row)."""

    def __init__(self, ms: _MonthSheet, case_name: str, month_in: _MonthSheet, r: int) -> None:
        self.ms, self.case_name, self.others, self.r = ms, case_name, {"i": month_in}, r

    def __call__(self, driver: str, what: str, template: Template, fmt: str = FMT_INT) -> int:
        self.r += 1
        ws = self.ms.ws
        ws.cell(self.r, 1, _t(self.case_name))
        ws.cell(self.r, 2, driver)
        ws.cell(self.r, 3, _t(what))
        _fill(self.ms, self.r, template, fmt, self.others)
        return self.r


def _case_drivers(
    ms: _MonthSheet,
    sc: Scenario,
    case_name: str,
    case: Case,
    month_in: _MonthSheet,
    model: _Model,
    st: _Styles,
    r: int,
) -> int:
    """One case's rows on Drivers from row ``r + 1``; returns the last row used."""
    pre = CASE_PREFIX[case_name]
    rows: dict[str, int] = {}
    model.drivers[case_name] = rows
    vol_rows: dict[str, int] = {}  # a channel's own volume (a built-in may share its name)
    put = _Put(ms, case_name, month_in, r + 1)
    ms.ws.cell(put.r, 1, _case_title(case_name)).font = st.bold
    chans = list(enumerate(sc.channels, start=1))
    _channel_drivers(put, chans, case, pre, rows, vol_rows, model.staffing_rows.get(case_name, {}))
    _builtin_drivers(put, chans, rows, vol_rows)
    user = {d: f"drv{j}" for j, d in enumerate(sc.drivers, start=1)}
    user.update({d: f"{pre}_drv{j}" for j, d in enumerate(case.drivers, start=1)})
    for dname, cell_name in user.items():
        rows[dname] = put(
            dname,
            _t("driver: Inputs {name} in every plan month", name=cell_name),
            f"={cell_name}*{{col}}${PLAN_ROW}",
            FMT_NUM,
        )
    staffing = model.staffing_rows.get(case_name)
    if staffing:
        _staffing_drivers(put, staffing, rows)
    return put.r + 1


def _channel_drivers(
    put: _Put,
    chans: list[tuple[int, Channel]],
    case: Case,
    pre: str,
    rows: dict[str, int],
    vol_rows: dict[str, int],
    staffing_rows: dict[str, int],
) -> None:
    """Per channel: its levers' factors (and the peak levers' share kept, a row of the
    Inputs sheet in ``staffing_rows``), contacts, handle time, minutes."""
    for i, ch in chans:
        on = [j for j, lv in enumerate(case.levers, start=1) if lv.channel == ch.name]
        vf = af = ""
        if on:
            vf = "*{col}" + str(
                put(
                    _t("{name} volume factor", name=ch.name),
                    _t("levers on {name}: product of their ramps", name=ch.name),
                    _lever_product(pre, on, "volume"),
                    "0.0000",
                )
            )
            af = "*{col}" + str(
                put(
                    _t("{name} handle-time factor", name=ch.name),
                    _t("levers on {name}: product of their ramps", name=ch.name),
                    _lever_product(pre, on, "aht"),
                    "0.0000",
                )
            )
        peak_row = staffing_rows.get(f"peak{i}")
        if peak_row is not None:
            vf += f"*{_sheet('Inputs')}!{{i}}{peak_row}"
        vol = put(
            ch.name,
            _t("{name}: contacts (volume x (1 + growth) ^ plan year x levers)", name=ch.name),
            f"=chan{i}_volume*(1+chan{i}_growth)^{{col}}${YEAR_ROW}*{{col}}${PLAN_ROW}{vf}",
        )
        aht = put(
            _t("{name} handle time", name=ch.name),
            _t("{name}: handle time (s) with levers", name=ch.name),
            f"=chan{i}_aht{af}",
            FMT_NUM,
        )
        mins = put(
            f"{ch.name}.minutes",
            _t("{name}: handle minutes (contacts x handle time / 60)", name=ch.name),
            f"={{col}}{vol}*{{col}}{aht}/60",
        )
        aht_d = put(
            f"{ch.name}.aht_s",
            _t("{name}: handle time in the plan's months", name=ch.name),
            f"={{col}}{aht}*{{col}}${PLAN_ROW}",
            FMT_NUM,
        )
        rows[ch.name] = vol_rows[ch.name] = vol
        rows[f"{ch.name}.minutes"] = mins
        rows[f"{ch.name}.aht_s"] = aht_d


def _builtin_drivers(
    put: _Put, chans: list[tuple[int, Channel]], rows: dict[str, int], vol_rows: dict[str, int]
) -> None:
    """The built-in drivers (calls, contacts, minutes, sales) and the unit costs' rows."""
    from ccecon.scenario.staffing import VOICE_IN, VOICE_OUT

    def of(kinds: set[Any] | None, what: str = "") -> list[int]:
        return [
            vol_rows[c.name] if not what else rows[f"{c.name}.{what}"]
            for _, c in chans
            if kinds is None or c.kind in kinds
        ]

    def sales(kinds: set[Any] | None) -> Template:
        terms = [
            f"{{col}}{vol_rows[c.name]}*chan{i}_sales_rate"
            for i, c in chans
            if kinds is None or c.kind in kinds
        ]
        return "=" + "+".join(terms) if terms else 0

    builtin = {
        "calls": of(VOICE_IN | VOICE_OUT),
        "inbound_calls": of(VOICE_IN),
        "outbound_calls": of(VOICE_OUT),
        "contacts": of(None),
        "minutes": of(None, "minutes"),
    }
    for key, terms in builtin.items():
        rows[key] = put(key, _t("built-in: " + key.replace("_", " ")), _sum_of(terms))
    rows["sales"] = put("sales", "built-in: sales (contacts x sales rate)", sales(None), FMT_NUM)
    # minutes of inbound and outbound voice and outbound sales, for the unit costs
    rows[INBOUND_MINUTES] = put(
        _t("inbound voice minutes"),
        "for the cost per inbound call",
        _sum_of(of(VOICE_IN, "minutes")),
    )
    rows[OUTBOUND_MINUTES] = put(
        _t("outbound voice minutes"),
        "for the cost per sale",
        _sum_of(of(VOICE_OUT, "minutes")),
    )
    rows[OUTBOUND_SALES] = put(
        _t("outbound sales"), "sales of outbound voice channels", sales(VOICE_OUT), FMT_NUM
    )


def _staffing_drivers(put: _Put, staffing: Mapping[str, int], rows: dict[str, int]) -> None:
    """Agent hours, FTE (ideal and scheduled) and peak agents, from Inputs' staffing."""
    ah = put(
        "agent_hours",
        "staffing: agent hours (a value on Inputs, from Erlang)",
        f"={_sheet('Inputs')}!{{i}}{staffing['agent_hours']}",
        FMT_NUM,
    )
    rows["agent_hours"] = ah
    ideal_fte = "staffing: paid FTE = agent hours / (paid hours x (1 - shrinkage))"
    if "schedule_ratio" in staffing:
        rows["ideal_fte"] = put(
            "ideal_fte",
            ideal_fte.replace("paid FTE", "ideal FTE"),
            f"={{col}}{ah}/(staff_paid_hours*(1-staff_shrinkage))",
            "#,##0.0",
        )
        rows["fte"] = put(
            "fte",
            "staffing: paid FTE of the shift schedule = ideal FTE x schedule ratio"
            " (a value on Inputs, from ccecon's schedule)",
            f"={{col}}{rows['ideal_fte']}*Inputs!{{i}}{staffing['schedule_ratio']}",
            "#,##0.0",
        )
    else:
        rows["fte"] = put(
            "fte",
            ideal_fte,
            f"={{col}}{ah}/(staff_paid_hours*(1-staff_shrinkage))",
            "#,##0.0",
        )
    rows["peak_agents"] = put(
        "peak_agents",
        "staffing: agents at the peak interval (a value on Inputs, from Erlang)",
        f"={_sheet('Inputs')}!{{i}}{staffing['peak_agents']}",
        "#,##0.0",
    )


INBOUND_MINUTES = "\x00inbound minutes"
OUTBOUND_MINUTES = "\x00outbound minutes"
OUTBOUND_SALES = "\x00outbound sales"
"""Drivers rows of the unit costs' allocation (names no driver can have)."""


# --------------------------------------------------------------------------- Lines
def _write_lines(
    ms: _MonthSheet,
    sc: Scenario,
    drv: _MonthSheet,
    month_in: _MonthSheet,
    model: _Model,
    currency: str,
) -> dict[str, str]:
    """One row per line, its monthly amounts as formulas; returns key id -> key name."""
    from openpyxl.comments import Comment

    from ccecon.scenario.schema import Timing

    ws = ms.ws
    ws.column_dimensions["B"].width = 34
    for c in "ACDEFGHIJK":
        ws.column_dimensions[c].width = 12
    ws.column_dimensions["J"].width = ws.column_dimensions["K"].width = 16
    keys: dict[str, str] = {}  # key name -> id
    r = HEAD
    for case_name, case in sc.cases().items():
        pre = CASE_PREFIX[case_name]
        rows = model.drivers[case_name]
        for kind, j, line in _lines_of(case):
            r += 1
            model.line_rows.append(r)
            n = f"{pre}_{kind}{j}"
            fam = _family_of(line)
            key = ""
            if kind == "cost":
                name = getattr(line, "replaces", None) or line.name
                key = keys.setdefault(name, f"k{len(keys) + 1}")
            timing = line.timing
            driver = line.driver if timing == Timing.per_unit else None
            ws.cell(r, 1, _t(case_name))
            ws.cell(r, 2, line.name)
            ws.cell(r, 3, _t(kind))
            ws.cell(r, 4, _t(fam))
            ws.cell(r, 5, _t(timing.value))
            ws.cell(r, 6, driver or (_t("contract bill") if timing == Timing.contract else ""))
            ws.cell(r, 7, f"={n}_include")
            ws.cell(r, 8, key)
            sign = "+" if kind == "cost" else "-"
            ws.cell(r, 9, f"=1{sign}{n}_risk").number_format = "0.00"
            ws.cell(r, 10, f"=SUM({ms.row(r)})").number_format = _money(currency)
            ws.cell(r, 11, f"=J{r}*I{r}").number_format = _money(currency)
            for m, col in ms.cols():
                mm = f"{col}${MONTH_ROW}"
                amount = f"{n}_amount*{n}_quantity*(1+{n}_growth)^{col}${YEAR_ROW}"
                active = f'AND({mm}>={n}_start,OR({n}_end="",{mm}<={n}_end))'
                if timing == Timing.once:
                    cond = f"{mm}={n}_month"
                elif timing == Timing.yearly:
                    cond = f"AND({active},{mm}>=1,MOD({mm}-1,12)=0)"
                elif timing == Timing.contract:
                    cond = f"OR({mm}=0,{active})"
                else:
                    cond = active
                if timing == Timing.per_unit:
                    assert driver is not None
                    amount += f"*{_sheet('Drivers')}!{drv.c(m)}{rows[driver]}"
                elif timing == Timing.contract:
                    bill = model.contract_rows[(case_name, j - 1)]
                    amount += f"*{_sheet('Inputs')}!{month_in.c(m)}{bill}"
                cell = ws[f"{col}{r}"]
                cell.value = f"=IF({cond},{amount},0)"
                cell.number_format = FMT_MONEY
            if timing == Timing.contract:
                ws.cell(r, 6).comment = Comment(_t(CONTRACT_NOTE), "ccecon", width=320, height=140)
    return {v: k for k, v in keys.items()}


# --------------------------------------------------------------------------- Cashflows
FAMILY_ROWS = ("benefits", "initial", "operating", "hidden")
FAMILY_WORDS = {
    "benefits": "benefits (counted)",
    "initial": "initial costs",
    "operating": "operating costs",
    "hidden": "hidden costs (counted)",
}


def _family_template(case: str, fam: str, adjusted: bool, first: int, last: int) -> Template:
    """A case's family in a month: its counted lines summed (risk-adjusted: each line times
    its risk factor)."""
    if not first:
        return 0

    lines = _sheet("Lines")

    def lr(col: str) -> str:
        return f"{lines}!${col}${first}:${col}${last}"

    month = f"{lines}!${{l}}${first}:${{l}}${last}"
    # the criteria are the words written on Lines (columns A, C, D), in the same locale
    typ = _t("benefit" if fam == "benefits" else "cost")
    fam_word, case_word = _t(fam), _t(case)
    if not adjusted:
        fam_crit = "" if fam == "benefits" else f',{lr("D")},"{fam_word}"'
        return (
            f'=SUMIFS({month},{lr("A")},"{case_word}",{lr("C")},"{typ}",{lr("G")},TRUE{fam_crit})'
        )
    fam_term = "" if fam == "benefits" else f'*({lr("D")}="{fam_word}")'
    return (
        f'=SUMPRODUCT(({lr("A")}="{case_word}")*({lr("C")}="{typ}")*({lr("G")}=TRUE)'
        f"{fam_term}*{lr('I')}*{month})"
    )


class _CashPut:
    """Writes the rows of Cashflows one below the other: ``put(key, label, case,
    template, fmt, total)`` fills the next row, records it as ``rows[key]`` and returns
    its number (``r``: the last row)."""

    def __init__(self, ms: _MonthSheet, others: dict[str, _MonthSheet], money: str) -> None:
        self.ms, self.others, self.money = ms, others, money
        self.r = HEAD
        self.rows: dict[str, int] = {}

    def __call__(
        self,
        key: str,
        label: str,
        case: str,
        template: Template,
        fmt: str = FMT_MONEY,
        total: bool = True,
    ) -> int:
        self.r += 1
        r, ws = self.r, self.ms.ws
        self.rows[key] = r
        ws.cell(r, 1, _t(label))
        ws.cell(r, 2, _t(case) if case else "")
        if total:
            ws.cell(r, 3, f"=SUM({self.ms.row(r)})").number_format = self.money
        _fill(self.ms, r, template, fmt, self.others)
        return r


def _write_cashflows(
    ms: _MonthSheet,
    sc: Scenario,
    lines: _MonthSheet,
    drv: _MonthSheet,
    model: _Model,
    st: _Styles,
    currency: str,
) -> dict[str, int]:
    """Family sums per case, net flows, discounting, payback helpers, unit-cost sums."""
    ws = ms.ws
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 16
    put = _CashPut(ms, {"l": lines, "d": drv}, _money(currency))
    first, last = (model.line_rows[0], model.line_rows[-1]) if model.line_rows else (0, 0)
    cases = list(sc.cases())
    for adjusted in (False, True):
        tag = "adj_" if adjusted else ""
        for case in cases:
            for fam in FAMILY_ROWS:
                label = f"{_case_title(case)}: {_t(FAMILY_WORDS[fam])}"
                put(
                    f"{tag}{case}_{fam}",
                    label + (_t(", risk-adjusted") if adjusted else ""),
                    case,
                    _family_template(case, fam, adjusted, first, last),
                )
    _net_rows(put, cases)
    _unit_cost_rows(put, sc, model, cases)
    return put.rows


def _net_rows(put: _CashPut, cases: list[str]) -> None:
    """Discounting, the net flows (unadjusted and risk-adjusted), cumulative, discounted,
    and the payback helpers."""
    rows = put.rows
    put.r += 1
    dy = put(
        "discount_year",
        "discount year (month 0 is year 0, months 1-12 year 1 ...)",
        "",
        f"=ROUNDUP({{col}}${MONTH_ROW}/12,0)",
        "0",
        total=False,
    )
    df = put(
        "discount_factor",
        "discount factor (the convention on Inputs)",
        "",
        f'=IF(discounting="yearly_tei",(1+discount_rate)^-{{col}}{dy},'
        f"(1+monthly_rate)^-{{col}}${MONTH_ROW})",
        "0.000000",
        total=False,
    )
    for tag, word in (("", ""), ("adj_", ", risk-adjusted")):
        put.r += 1
        p = {k: f"{{col}}{rows[f'{tag}proposal_{k}']}" for k in FAMILY_ROWS}
        net = f"={p['benefits']}-{p['initial']}-{p['operating']}-{p['hidden']}"
        if "baseline" in cases:
            b = {k: f"{{col}}{rows[f'{tag}baseline_{k}']}" for k in FAMILY_ROWS}
            net += f"-{b['benefits']}+{b['initial']}+{b['operating']}+{b['hidden']}"
        n = put(f"{tag}net", _t(f"net cash flow{word}"), "", net)
        c = put(
            f"{tag}cumulative",
            _t(f"cumulative net{word}"),
            "",
            (f"={{col}}{n}", f"={{prev}}{put.r + 1}+{{col}}{n}"),
            total=False,
        )
        d = put(f"{tag}discounted", _t(f"discounted net{word}"), "", f"={{col}}{n}*{{col}}{df}")
        dc = put(
            f"{tag}discounted_cumulative",
            _t(f"cumulative discounted net{word}"),
            "",
            (f"={{col}}{d}", f"={{prev}}{put.r + 1}+{{col}}{d}"),
            total=False,
        )
        for key, cum in (("neg", c), ("dneg", dc)):
            put(
                f"{tag}{key}",
                _t(
                    f"payback helper: month while the {'discounted ' if key == 'dneg' else ''}"
                    f"cumulative{word} is negative, else -1"
                ),
                "",
                f"=IF({{col}}{cum}<0,{{col}}${MONTH_ROW},-1)",
                "0",
                total=False,
            )


def _unit_cost_rows(put: _CashPut, sc: Scenario, model: _Model, cases: list[str]) -> None:
    """The sums behind the unit costs (months 1..T), per case."""
    rows = put.rows
    # the sums behind the unit costs (months 1..T)
    put.r += 1
    kinds = {c.kind.value for c in sc.channels}
    for case in cases:
        d_rows = model.drivers[case]
        spread = f"$C${rows[f'{case}_initial']}/{sc.horizon_months}*{{col}}${PLAN_ROW}"
        cost = put(
            f"{case}_uc_cost",
            f"{_case_title(case)}: {_t('cost for unit costs')}",
            case,
            f"={{col}}{rows[f'{case}_operating']}+{{col}}{rows[f'{case}_hidden']}"
            f'+IF(unit_cost_basis="fully_loaded",{spread},0)',
        )
        for key, src, fmt in (
            ("contacts", d_rows["contacts"], FMT_INT),
            ("minutes", d_rows["minutes"], FMT_INT),
            ("inbound_calls", d_rows["inbound_calls"], FMT_INT),
            ("outbound_sales", d_rows[OUTBOUND_SALES], FMT_NUM),
        ):
            x = put(
                f"{case}_uc_{key}",
                f"{_case_title(case)}: {_t(key.replace('_', ' '))}",
                case,
                f"={_sheet('Drivers')}!{{d}}{src}",
                fmt,
            )
            put.ms.ws.cell(x, 3).number_format = fmt
        mins = rows[f"{case}_uc_minutes"]
        for key, minutes_row, kind, word in (
            ("inbound_cost", d_rows[INBOUND_MINUTES], "voice_inbound", "inbound"),
            ("outbound_cost", d_rows[OUTBOUND_MINUTES], "voice_outbound", "outbound"),
        ):
            if sc.channels and kinds == {kind}:  # every channel is of this kind: all the cost
                share = f"=IF({{col}}{mins}>0,{{col}}{cost},0)"
            else:
                share = (
                    f"=IF({{col}}{mins}>0,{_sheet('Drivers')}!{{d}}{minutes_row}/{{col}}{mins}"
                    f"*{{col}}{cost},0)"
                )
            put(
                f"{case}_uc_{key}",
                f"{_case_title(case)}: {_t(f'cost allocated to {word} voice (by minutes)')}",
                case,
                share,
            )


def _write_years(
    ws: Worksheet, cf: _MonthSheet, rows: Mapping[str, int], months: int, st: _Styles, cur: str
) -> tuple[int, int, int]:
    """Net flow by plan year (year 0 = month 0); returns (first row, last row, adj col)."""
    heads = ["plan year", "year", "net", "risk-adjusted net", "discount factor", "present value"]
    for i, h in enumerate(heads, start=1):
        ws.cell(1, i, _t(h)).font = st.bold
    ws.column_dimensions["A"].width = 14
    for c in "CDEF":
        ws.column_dimensions[c].width = 18
    n_years = -(-months // 12)
    yr = cf.ref(rows["discount_year"])
    for k in range(n_years + 1):
        r = k + 2
        ws.cell(r, 1, _t("initial") if k == 0 else _t("year {n}", n=k))
        ws.cell(r, 2, k)
        ws.cell(r, 3, f"=SUMIFS({cf.ref(rows['net'])},{yr},B{r})").number_format = _money(cur)
        ws.cell(r, 4, f"=SUMIFS({cf.ref(rows['adj_net'])},{yr},B{r})").number_format = _money(cur)
        ws.cell(r, 5, f"=(1+discount_rate)^-B{r}").number_format = "0.000000"
        ws.cell(r, 6, f"=C{r}*E{r}").number_format = _money(cur)
    last = n_years + 2
    ws.cell(last + 1, 1, _t("total")).font = st.bold
    for c in "CDF":
        ws[f"{c}{last + 1}"] = f"=SUM({c}2:{c}{last})"
        ws[f"{c}{last + 1}"].number_format = _money(cur)
    ws.cell(
        last + 2, 1, _t("Present value at the annual rate, year by year (Forrester TEI).")
    ).font = st.info
    ws.freeze_panes = "A2"
    return 2, last, 4


def _write_change(
    ws: Worksheet,
    lines: _MonthSheet,
    model: _Model,
    keys: Mapping[str, str],
    st: _Styles,
    cur: str,
) -> tuple[str, str]:
    """The cost of the change line by line; returns the cells of the kept spending."""
    heads = [
        "key",
        "cost line",
        "proposal total",
        "baseline total",
        "in both cases",
        "kept (smaller total)",
        "cost of the change",
        "cost saving",
        "proposal, risk-adjusted",
        "baseline, risk-adjusted",
        "kept, risk-adjusted",
        "cost, risk-adjusted",
        "saving, risk-adjusted",
    ]
    for i, h in enumerate(heads, start=1):
        ws.cell(1, i, _t(h)).font = st.bold
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 16
    ws.column_dimensions["B"].width = 34
    ws.freeze_panes = "C2"
    money = _money(cur)
    if not model.line_rows or not keys:
        ws.cell(2, 1, _t("no cost lines"))
        return "0", "0"
    a, b = model.line_rows[0], model.line_rows[-1]

    on_lines = _sheet("Lines")

    def rng(col: str) -> str:
        return f"{on_lines}!${col}${a}:${col}${b}"

    counted = f'{rng("C")},"{_t("cost")}",{rng("G")},TRUE'
    r = 1
    for kid, kname in keys.items():
        r += 1
        ws.cell(r, 1, kid)
        ws.cell(r, 2, kname)
        for col, case, total in (
            ("C", "proposal", "J"),
            ("D", "baseline", "J"),
            ("I", "proposal", "K"),
            ("J", "baseline", "K"),
        ):
            ws[f"{col}{r}"] = (
                f'=SUMIFS({rng(total)},{rng("H")},$A{r},{rng("A")},"{_t(case)}",{counted})'
            )
        ws[f"E{r}"] = (
            f'=AND(COUNTIFS({rng("H")},$A{r},{rng("A")},"{_t("proposal")}",{counted})>0,'
            f'COUNTIFS({rng("H")},$A{r},{rng("A")},"{_t("baseline")}",{counted})>0)'
        )
        ws[f"F{r}"] = f"=IF(E{r},MIN(C{r},D{r}),0)"
        ws[f"G{r}"] = f"=C{r}-F{r}"
        ws[f"H{r}"] = f"=D{r}-F{r}"
        ws[f"K{r}"] = f"=IF(E{r},MIN(I{r},J{r}),0)"
        ws[f"L{r}"] = f"=I{r}-K{r}"
        ws[f"M{r}"] = f"=J{r}-K{r}"
        for col in "CDFGHIJKLM":
            ws[f"{col}{r}"].number_format = money
    t = r + 1
    ws.cell(t, 2, _t("total")).font = st.bold
    for col in "CDFGHIJKLM":
        ws[f"{col}{t}"] = f"=SUM({col}2:{col}{r})"
        ws[f"{col}{t}"].number_format = money
        ws[f"{col}{t}"].font = st.bold
    ws.cell(
        t + 2,
        1,
        _t(
            "A cost line in both cases (same name, or a proposal line that replaces a baseline"
            " line) is one line before and after the change: the smaller of its two totals is"
            " spending the change keeps; its rise is a cost of the change, its fall a cost"
            " saving. A line only in the proposal is a cost, one only in the baseline a saving"
            " (Forrester TEI). The key groups the lines that are one line."
        ),
    ).font = st.info
    change = _sheet("Change")
    return f"{change}!$F${t}", f"{change}!$K${t}"


# --------------------------------------------------------------------------- Results
HELPER_ROW = 22
"""Results row of the IRR helper (below the figures and the unit costs)."""


def _write_results(
    ws: Worksheet,
    sc: Scenario,
    result: Result,
    cf: _MonthSheet,
    rows: Mapping[str, int],
    year_rows: tuple[int, int, int],
    kept: tuple[str, str],
    st: _Styles,
    wb: Workbook,
) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    cur = sc.currency
    money = _money(cur)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 20
    ws.column_dimensions["D"].width = 16
    ws.cell(1, 1, _t("{name}: business case", name=sc.name)).font = st.title
    ws.cell(
        2,
        1,
        _t(
            "Every figure is a formula of the Inputs sheet (the base case). Costs and savings"
            " line by line (Forrester TEI): see the Change sheet."
        ),
    ).font = st.info
    for i, h in enumerate(["figure", "as estimated", "risk-adjusted", "unit"], start=1):
        ws.cell(4, i, _t(h)).font = st.bold
    order = [
        ("total_cost", "Cost of the change", money, cur),
        ("total_benefit", "Benefits (cost savings included)", money, cur),
        ("cost_savings", "of which cost savings", money, cur),
        ("net", "Net (benefits - cost)", money, cur),
        ("roi_pct", "ROI", FMT_PCT, "(B - C) / C"),
        ("npv", "NPV", money, cur),
        ("irr_annual_pct", "IRR", FMT_PCT, _t("a year")),
        ("payback_months", "Payback", _fmt_months(), _t("months from signing")),
        (
            "discounted_payback_months",
            "Discounted payback",
            _fmt_months(),
            _t("months from signing"),
        ),
    ]
    plain = _result_formulas("", "B", sc, cf, rows, year_rows, kept)
    adj = _result_formulas("adj_", "C", sc, cf, rows, year_rows, kept)
    assert 5 + len(order) + 8 == HELPER_ROW
    # rows 5.. in the order above; the formulas refer to rows 5 (cost), 6 (benefit), 7 (saving)
    assert [k for k, *_ in order][:3] == ["total_cost", "total_benefit", "cost_savings"]
    for i, (key, label, fmt, unit) in enumerate(order):
        r = 5 + i
        ws.cell(r, 1, _t(label))
        for col, formulas, suffix in (("B", plain, ""), ("C", adj, "_adj")):
            cell = ws[f"{col}{r}"]
            cell.value = formulas[key]
            cell.number_format = fmt
            name = f"res_{key.removesuffix('_pct')}{suffix}"
            wb.defined_names[name] = DefinedName(name, attr_text=f"{_sheet('Results')}!${col}${r}")
        ws.cell(r, 4, unit).font = st.info
    _unit_cost_results(ws, sc, cf, rows, st, wb, 5 + len(order) + 1)
    r = HELPER_ROW - 1
    ws.cell(r, 1, _t("Checks")).font = st.bold
    for row, key, label, fmt in (
        (HELPER_ROW, "irr_per_period", "IRR() per period (month, or year with yearly_tei)",
         "0.0000%"),
        (HELPER_ROW + 1, "irr_check", "NPV at that rate / PV of the flows' sizes (0 at an IRR)",
         "0.0E+00"),
    ):  # fmt: skip
        ws.cell(row, 1, _t(label))
        for col, formulas in (("B", plain), ("C", adj)):
            ws[f"{col}{row}"] = formulas[key]
            ws[f"{col}{row}"].number_format = fmt
    ws.cell(
        HELPER_ROW + 1, 4, _t("IRR is shown when below 1E-06 and the rate above -100 %")
    ).font = st.info
    ws.freeze_panes = "A5"
    _cashflow_chart(ws, cf, rows, "F4", cur)


def _result_formulas(
    tag: str,
    col: str,
    sc: Scenario,
    cf: _MonthSheet,
    rows: Mapping[str, int],
    year_rows: tuple[int, int, int],
    kept: tuple[str, str],
) -> dict[str, str]:
    """The Results sheet's formulas of one column: ``tag`` "" (as estimated, column B)
    or "adj_" (risk-adjusted, column C)."""
    from ccecon.cases import NEVER

    cases = list(sc.cases())
    months = sc.horizon_months
    y0, y1, _ = year_rows

    def tot(key: str) -> str:
        return f"{_sheet('Cashflows')}!$C${rows[key]}"

    k = kept[0] if not tag else kept[1]
    p_spend = "+".join(tot(f"{tag}proposal_{f}") for f in ("initial", "operating", "hidden"))
    out = {
        "total_cost": f"={p_spend}-{k}",
        "cost_savings": (
            "="
            + "+".join(tot(f"{tag}baseline_{f}") for f in ("initial", "operating", "hidden"))
            + f"-{k}"
            if "baseline" in cases
            else "=0"
        ),
    }
    ben = f"={tot(f'{tag}proposal_benefits')}"
    if "baseline" in cases:
        ben += f"-{tot(f'{tag}baseline_benefits')}"
    out["total_benefit"] = ben + f"+{col}7"
    out["net"] = f"=SUM({cf.ref(rows[f'{tag}net'])})"
    out["roi_pct"] = (
        f'=IF({col}5>0,({col}6-{col}5)/{col}5,"{_t("not defined: the change invests nothing")}")'
    )
    out["npv"] = f"=SUM({cf.ref(rows[f'{tag}discounted'])})"
    guess = "irr_guess_adj" if tag else "irr_guess"
    flow = cf.ref(rows[f"{tag}net"])
    h = f"{col}{HELPER_ROW}"  # IRR() per period, checked in the row below
    out["irr_annual_pct"] = (
        # a root below -100 % a period (1 + rate < 0) is no rate of return
        f"=IF(AND(ISNUMBER({h}),{col}{HELPER_ROW + 1}<1E-6,N({h})>-1),"
        f'IF(discounting="yearly_tei",{h},(1+{h})^12-1),'
        f'IF(AND(COUNTIF({flow},">0")>0,COUNTIF({flow},"<0")>0),'
        f'"{_t("not found from the guess: change the IRR guess on Inputs")}",'
        f'"{_t("no IRR: the net flow does not change sign")}"))'
    )
    ycol = "D" if tag else "C"
    years = f"{_sheet('Years')}!${ycol}${y0}:${ycol}${y1}"
    t_years = f"{_sheet('Years')}!$B${y0}:$B${y1}"
    t_months = cf.ref(MONTH_ROW)
    out["irr_per_period"] = (
        f'=IFERROR(IF(discounting="yearly_tei",IRR({years},{guess}),'
        f'IRR({flow},(1+{guess})^(1/12)-1)),"{_t("none")}")'
    )

    def pv(flows: str, t: str, absolute: bool) -> str:
        f = f"ABS({flows})" if absolute else flows
        return f"SUMPRODUCT({f},(1+{h})^-{t})"

    out["irr_check"] = (
        f'=IFERROR(IF(ISNUMBER({h}),IF(discounting="yearly_tei",'
        f"ABS({pv(years, t_years, False)})/{pv(years, t_years, True)},"
        f"ABS({pv(flow, t_months, False)})/{pv(flow, t_months, True)}),1),1)"
    )
    for key, neg, cum, flow in (
        ("payback_months", "neg", "cumulative", "net"),
        ("discounted_payback_months", "dneg", "discounted_cumulative", "discounted"),
    ):
        k_ = f"MAX({cf.ref(rows[f'{tag}{neg}'])})"
        out[key] = (
            f'=IF({k_}<0,0,IF({k_}>={months},"{_t(NEVER)}",{k_}+(-INDEX({cf.ref(rows[f"{tag}{cum}"])},'
            f"1,{k_}+1))/INDEX({cf.ref(rows[f'{tag}{flow}'])},1,{k_}+2)))"
        )
    return out


def _unit_cost_results(
    ws: Worksheet,
    sc: Scenario,
    cf: _MonthSheet,
    rows: Mapping[str, int],
    st: _Styles,
    wb: Workbook,
    r: int,
) -> None:
    """The Results sheet's unit costs over the horizon, per case, from row ``r``."""
    from openpyxl.workbook.defined_name import DefinedName

    cur = sc.currency
    cases = list(sc.cases())
    ws.cell(r, 1, _t("Unit costs over the horizon")).font = st.bold
    ws.cell(r, 2, _t("proposal")).font = st.bold
    if "baseline" in cases:
        ws.cell(r, 3, _t("baseline")).font = st.bold
    for key, label, num, den in (
        ("cost_per_contact", "Cost per contact", "uc_cost", "uc_contacts"),
        ("cost_per_inbound_call", "Cost per inbound call", "uc_inbound_cost", "uc_inbound_calls"),
        ("cost_per_minute", "Cost per handled minute", "uc_cost", "uc_minutes"),
        ("cost_per_sale", "Cost per sale (outbound)", "uc_outbound_cost", "uc_outbound_sales"),
    ):
        r += 1
        ws.cell(r, 1, _t(label))
        for col, case in (("B", "proposal"), ("C", "baseline")):
            if case not in cases:
                continue
            n_ = f"SUM({cf.ref(rows[f'{case}_{num}'], 1)})"
            d_ = f"SUM({cf.ref(rows[f'{case}_{den}'], 1)})"
            ws[f"{col}{r}"] = f'=IF({d_}>0,{n_}/{d_},"{_t("n/a")}")'
            ws[f"{col}{r}"].number_format = _money(cur, 2)
            name = f"res_{key}" + ("" if case == "proposal" else "_baseline")
            wb.defined_names[name] = DefinedName(name, attr_text=f"{_sheet('Results')}!${col}${r}")
        basis = _t(sc.unit_cost_basis.replace("_", " "))
        ws.cell(r, 4, _t("{cur}, {basis} (Inputs)", cur=cur, basis=basis)).font = st.info


def _cashflow_chart(
    ws: Worksheet, cf: _MonthSheet, rows: Mapping[str, int], anchor: str, cur: str
) -> None:
    """Bars: the monthly net cash flow; line: its cumulative sum (a second axis)."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.series import SeriesLabel

    src = cf.ws
    cats = Reference(src, min_col=cf.first, max_col=cf.first + cf.months, min_row=1, max_row=1)
    bar = BarChart()
    bar.type = "col"
    bar.title = _t("Net cash flow by month, and cumulative")
    bar.y_axis.title = cur
    bar.y_axis.numFmt = "#,##0"
    bar.y_axis.majorGridlines = None
    bar.add_data(
        Reference(src, min_col=cf.first, max_col=cf.first + cf.months, min_row=rows["net"]),
        from_rows=True,
        titles_from_data=False,
    )
    bar.series[0].tx = SeriesLabel(v=_t("net cash flow"))
    bar.set_categories(cats)
    line = LineChart()
    line.add_data(
        Reference(src, min_col=cf.first, max_col=cf.first + cf.months, min_row=rows["cumulative"]),
        from_rows=True,
        titles_from_data=False,
    )
    line.series[0].tx = SeriesLabel(v=_t("cumulative"))
    line.y_axis.axId = 200
    line.y_axis.title = _t("cumulative, {cur}", cur=cur)
    line.y_axis.numFmt = "#,##0"
    line.y_axis.crosses = "max"
    bar.height, bar.width = 9, 22
    bar += line
    ws.add_chart(bar, anchor)


# --------------------------------------------------------------------------- Simulation
def _input_label(text: str) -> str:
    """An input's label in the workbook's locale (:func:`ccecon.labels.input_label`)."""
    from ccecon.labels import input_label

    return input_label(text, _LOCALE.get())


def _write_simulation(wb: Workbook, result: Result, st: _Styles) -> None:
    """Monte Carlo percentiles and the NPV tornado as values, when the scenario has ranges."""
    from ccecon.cases import NEVER
    from ccecon.labels import label
    from ccecon.reports.charts import UNCERTAINTY_DRAWS, uncertainty_runs
    from ccecon.uncertainty.sensitivity import describe_path

    runs = uncertainty_runs(result)
    if runs is None:
        return
    sim, tor = runs
    sc = result.scenario
    cur = sc.currency
    ws = wb.create_sheet(_t("Simulation"))
    ws.column_dimensions["A"].width = 44
    for c in "BCDEFGHIJ":
        ws.column_dimensions[c].width = 16
    ws.cell(1, 1, _t("Simulation: values, not formulas")).font = st.title
    ws.cell(
        2,
        1,
        _t(
            "ccecon's Monte Carlo run of the scenario's ranges ({draws} draws, the same every"
            " time) and its NPV tornado, written when the workbook was made. They do not"
            " follow the Inputs sheet: run ccecon simulate again after changing the scenario.",
            draws=f"{UNCERTAINTY_DRAWS:,}",
        ),
    ).font = st.info
    r = 4
    pcts = list(sim.summaries[0].percentiles) if sim.summaries else []
    heads = [_t("figure"), _t("mean"), *[p.upper() for p in pcts]]
    for i, h in enumerate(heads, start=1):
        ws.cell(r, i, h).font = st.bold

    def fmt_of(metric: str) -> tuple[str, float]:
        if metric in ("roi_pct", "irr_annual_pct"):
            return FMT_PCT, 0.01
        if metric.endswith("payback_months"):
            return _fmt_months(), 1.0
        if metric.startswith("cost_per"):
            return _money(cur, 2), 1.0
        return _money(cur), 1.0

    loc = _LOCALE.get()
    for title, summaries in (("", sim.summaries), (_t(", risk-adjusted"), sim.risk_adjusted)):
        for s in summaries:
            r += 1
            fmt, scale = fmt_of(s.metric)
            ws.cell(r, 1, label(s.metric, loc) + title)
            for i, v in enumerate([s.mean, *[s.percentiles[p] for p in pcts]], start=2):
                cell = ws.cell(r, i)
                if v is None or not np.isfinite(v):
                    cell.value = _t(NEVER) if np.isinf(v or 0) else _t("n/a")
                else:
                    cell.value = float(v) * scale
                    cell.number_format = fmt
    r += 2
    ws.cell(r, 1, _t("Probabilities")).font = st.bold
    for key, p in sim.probabilities.items():
        r += 1
        words = {
            "npv_positive": "P(NPV > 0)",
            "npv_positive_risk_adjusted": "P(risk-adjusted NPV > 0)",
            "payback_within_horizon": "P(payback within the horizon)",
            "roi_positive": "P(ROI > 0)",
        }
        if key.startswith("cheapest_"):
            text = _t("P({option} is the cheapest)", option=key.removeprefix("cheapest_"))
        else:
            text = _t(words.get(key, key.replace("_", " ")))
        ws.cell(r, 1, text)
        ws.cell(r, 2, float(p)).number_format = FMT_PCT
    r += 2
    ws.cell(
        r,
        1,
        _t(
            "NPV tornado (base {base}), inputs at their P10 and P90",
            base=f"{float(tor.base):,.0f} {cur}",
        ),
    ).font = st.bold
    r += 1
    for i, h in enumerate(
        [
            "input",
            "NPV, input at P10",
            "NPV, input at P90",
            "swing",
            "input P10",
            "base",
            "input P90",
        ],
        start=1,
    ):
        ws.cell(r, i, _t(h)).font = st.bold
    for bar in tor.bars:
        r += 1
        ws.cell(r, 1, _input_label(bar.label or describe_path(sc, bar.path)))
        for i, v in enumerate((bar.output_low, bar.output_high, bar.swing), start=2):
            ws.cell(r, i, float(v)).number_format = _money(cur)
        for i, v in enumerate((bar.input_low, bar.input_base, bar.input_high), start=5):
            ws.cell(r, i, float(v)).number_format = FMT_NUM
    ws.freeze_panes = "B5"


# --------------------------------------------------------------------------- Sourcing
def _write_sourcing(wb: Workbook, result: Result, st: _Styles) -> None:
    """The sourcing options as values, when the scenario has a ``sourcing`` section.

    Every figure is read from the one sourcing document (:func:`sourcing_document`, what
    ``ccecon compare`` shows), not recomputed here: the ranking by present value of cost
    with each option's TCO, its components, unit costs and paid FTE, and the NPV of each
    move from the scenario's current option when it names one.
    """
    from ccecon.cases import NEVER
    from ccecon.sourcing.compare import sourcing_document

    sc = result.scenario
    if sc.sourcing is None:
        return
    doc = sourcing_document(sc, "<scenario>", break_even=False).to_dict()
    cur = sc.currency
    money, money2 = _money(cur), _money(cur, 2)
    ws = wb.create_sheet(_t("Sourcing"))
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 30
    ws.cell(1, 1, _t("Sourcing options: values, not formulas")).font = st.title
    ws.cell(
        2,
        1,
        _t(
            "ccecon's comparison of the options on the scenario's demand over {months}"
            " months, ranked by present value of cost (cheapest first), written when the"
            " workbook was made. They do not follow the Inputs sheet: run ccecon compare"
            " again after changing the scenario.",
            months=doc["months"],
        ),
    ).font = st.info
    components = sorted({k for o in doc["options"].values() for k in o["components_tco"]})
    heads: list[tuple[str, str]] = [
        ("rank", "0"),
        ("option", "@"),
        ("kind", "@"),
        ("present value of cost", money),
        ("total cost of ownership (TCO)", money),
        ("cost per contact", money2),
        ("cost per inbound call", money2),
        ("paid FTE, month 1", "#,##0.0"),
        *[(_t("TCO: {name}", name=_t(k)), money) for k in components],
    ]
    r = 4
    for i, (h, _) in enumerate(heads, start=1):
        ws.cell(r, i, _t(h)).font = st.bold
        if i > 2:
            ws.column_dimensions[ws.cell(r, i).column_letter].width = 18
    for rank, name in enumerate(doc["ranking"], start=1):
        o = doc["options"][name]
        r += 1
        values: list[Any] = [
            rank,
            name,
            _t(o["kind"]),
            o["pv_cost"],
            o["tco"],
            o["cost_per_contact"],
            o["cost_per_inbound_call"],
            o["paid_fte_month_1"],
            *[o["components_tco"].get(k, 0.0) for k in components],
        ]
        for i, ((_, fmt), v) in enumerate(zip(heads, values, strict=True), start=1):
            cell = ws.cell(r, i, _t("n/a") if v is None else v)
            cell.number_format = fmt
            cell.fill = st.value_fill
    ws.freeze_panes = "C5"
    moves = doc.get("moves") or {}
    if not moves:
        return
    r += 2
    ws.cell(
        r, 1, _t("Moving from {current}: the business case of each move", current=doc["current"])
    ).font = st.bold
    r += 1
    move_heads: list[tuple[str, str, str]] = [
        ("move to", "move to", "@"),
        ("NPV", "npv", money),
        ("ROI", "roi_pct", FMT_PCT),
        ("IRR, a year", "irr_annual_pct", FMT_PCT),
        ("payback", "payback_months", _fmt_months()),
        ("cost of the change", "cost_of_change", money),
        ("cost savings", "cost_savings", money),
    ]
    for i, (h, _, _) in enumerate(move_heads, start=2):
        ws.cell(r, i, _t(h)).font = st.bold
    for name in doc["ranking"]:
        m = moves.get(name)
        if m is None:
            continue
        r += 1
        for i, (_, key, fmt) in enumerate(move_heads, start=2):
            v = m[key]
            if key in ("roi_pct", "irr_annual_pct") and v is not None:
                v = float(v) / 100
            if key == "payback_months" and (v is None or not np.isfinite(v)):
                v = _t(NEVER)
            cell = ws.cell(r, i, _t("n/a") if v is None else v)
            cell.number_format = fmt
            cell.fill = st.value_fill
