"""Every formula and bundled figure a report uses, with its public reference: one table.

The report's sources section (:func:`sources_for`) and the table in docs/formulas.md
(:func:`sources_markdown`, checked by a test to be the same text) are made from
:data:`SOURCES`, so the two cannot drift. Each entry names what is computed, the formula in
words (English and Chinese) and its reference: author, title, year and where (a page, a
chapter or a URL). Conventions of ccecon's own say so instead of citing anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccecon.engine import Result


@dataclass(frozen=True)
class Source:
    """One formula or figure and where it comes from.

    Attributes
    ----------
    key : str
        Identifier (not shown to readers).
    topic : dict of str to str
        What is computed, per locale (``en``, ``zh``).
    formula : dict of str to str
        The formula in words, per locale.
    reference : str
        Author, title, year and where (page, chapter or URL); or "ccecon's convention".
    when : str
        When a report shows it: ``always``, ``staffing`` (the scenario staffs with
        Erlang), ``erlang_a`` (staffing with a patience), ``uncertain`` (the scenario has
        ranges), ``pert`` (a PERT or three-point range), ``benchmark`` (a cost-per-call
        band), ``sourcing`` (sourcing options).
    """

    key: str
    topic: dict[str, str]
    formula: dict[str, str]
    reference: str
    when: str = "always"


BRIGHAM = (
    "R. A. Brealey, S. C. Myers and F. Allen, Principles of Corporate Finance, 12th ed.,"
    " McGraw-Hill, 2017, ch. 2 and 5"
)
TEI = (
    "Forrester Research, The Total Economic Impact (TEI) methodology,"
    " https://www.forrester.com/policies/tei/"
)

SOURCES: tuple[Source, ...] = (
    Source(
        "npv",
        {"en": "Net present value (NPV)", "zh": "净现值"},
        {
            "en": "sum of v_t / (1 + r_m)^t over the months, month 0 (signing) undiscounted,"
            " r_m = (1 + r)^(1/12) - 1 the monthly rate of the annual rate r; or by plan"
            " year, year 0 undiscounted (Forrester TEI)",
            "zh": "各月 v_t / (1 + r_m)^t 之和，第 0 月（签约）不折现，r_m = (1 + r)^(1/12) - 1"
            " 为年利率 r 对应的月利率；或按计划年，第 0 年不折现（Forrester TEI）",
        },
        BRIGHAM + "; numpy-financial, npv (documentation, https://numpy.org/numpy-financial/)",
    ),
    Source(
        "irr",
        {"en": "Internal rate of return (IRR)", "zh": "内部收益率"},
        {
            "en": "every rate at which NPV = 0, found by isolating the real roots of the"
            " flows' polynomial (Descartes' rule of signs); several roots or none are said so",
            "zh": "使净现值为 0 的每一个利率，按笛卡尔符号法则隔离现金流多项式的实根；"
            "多根或无根时如实说明",
        },
        BRIGHAM + "; G. E. Collins and A. G. Akritas, Polynomial real root isolation using"
        " Descartes' rule of signs, Proc. ACM Symposium on Symbolic and Algebraic"
        " Computation, 1976, pp. 272-275",
    ),
    Source(
        "payback",
        {"en": "Payback and discounted payback", "zh": "回收期与折现回收期"},
        {
            "en": "months until the cumulative (discounted) net flow becomes and stays >= 0,"
            " linear within the month",
            "zh": "累计（折现）净现金流变为并保持 >= 0 所需的月数，月内线性插值",
        },
        BRIGHAM,
    ),
    Source(
        "roi",
        {"en": "ROI and the cost of the change, line by line", "zh": "投资回报率与逐项变更成本"},
        {
            "en": "ROI % = (B - C) / C x 100; C = new cost lines and the rises of kept lines,"
            " B = the rise in benefits plus cost savings (dropped lines and the falls of kept"
            " lines); costs and benefits tabled by year: initial, year 1 .. n, total,"
            " present value",
            "zh": "投资回报率 % = (B - C) / C x 100；C = 新增成本项目及保留项目的增加额，"
            "B = 收益增加 + 成本节约（删除的项目及保留项目的减少额）；"
            "按年列示：初始、第 1 .. n 年、合计、现值",
        },
        TEI,
    ),
    Source(
        "risk",
        {"en": "Risk-adjusted view", "zh": "风险调整"},
        {
            "en": "each cost line raised and each benefit line cut by its risk %",
            "zh": "每项成本按其风险 % 调高，每项收益按其风险 % 调低",
        },
        TEI,
    ),
    Source(
        "unit_costs",
        {"en": "Unit costs", "zh": "单位成本"},
        {
            "en": "cost per inbound call = cost allocated to inbound voice by its share of"
            " handle minutes / inbound calls; fully loaded = operating cost + initial cost"
            " spread evenly over the months",
            "zh": "每通呼入电话成本 = 按处理分钟占比分摊到呼入语音的成本 / 呼入电话量；全成本 ="
            " 运营成本 + 初始成本在各月平均分摊",
        },
        "ccecon's convention, stated in its documentation (business case, unit costs)",
    ),
    Source(
        "erlang_c",
        {"en": "Staffing: Erlang C", "zh": "人力配置：Erlang C"},
        {
            "en": "traffic A = calls x handle time / interval; P(wait) C = N B / (N - A (1 -"
            " B)) with Erlang B; service level = 1 - C e^(-(N - A) T / AHT); ASA = C AHT /"
            " (N - A); occupancy = A / N; the fewest agents N meeting every goal",
            "zh": "话务量 A = 来电量 x 处理时长 / 时段长度；等待概率 C = N B / (N - A (1 - B))"
            "（B 为 Erlang B）；服务水平 = 1 - C e^(-(N - A) T / AHT)；"
            "平均应答速度 = C AHT / (N - A)；"
            "占用率 = A / N；取满足全部目标的最少坐席数 N",
        },
        "A. K. Erlang, Solution of some problems in the theory of probabilities of"
        " significance in automatic telephone exchanges, Elektroteknikeren 13, 1917; R. B."
        " Cooper, Introduction to Queueing Theory, 2nd ed., North Holland, 1981, ch. 3",
        "staffing",
    ),
    Source(
        "erlang_b_numerics",
        {"en": "Erlang B, computed without factorials", "zh": "Erlang B（无阶乘计算）"},
        {
            "en": "B = p(N; A) / P(X <= N; A) of the Poisson law, in logarithms with the"
            " saddle-point expansion",
            "zh": "B = 泊松分布 p(N; A) / P(X <= N; A)，用鞍点展开在对数空间计算",
        },
        "C. Loader, Fast and accurate computation of binomial probabilities, 2000 (the"
        " method of R's dpois)",
        "staffing",
    ),
    Source(
        "erlang_a",
        {"en": "Staffing with abandonment: Erlang A", "zh": "含放弃的人力配置：Erlang A"},
        {
            "en": "M/M/N+M: exponential patience; P(wait), P(abandon) and the service level"
            " from the incomplete gamma function",
            "zh": "M/M/N+M：指数分布的耐心时间；等待概率、放弃率与服务水平由不完全伽马函数求得",
        },
        "A. Mandelbaum and S. Zeltyn, Service engineering in action: the Palm/Erlang-A"
        " queue, with applications to call centers, in Advances in Services Innovations,"
        " Springer, 2007, pp. 17-45; O. Garnett, A. Mandelbaum and M. Reiman, Designing a"
        " call center with impatient customers, Manufacturing & Service Operations"
        " Management 4(3), 2002, pp. 208-227",
        "erlang_a",
    ),
    Source(
        "little",
        {"en": "Little's law", "zh": "利特尔法则"},
        {
            "en": "L = lambda W: the mean wait of all offered calls = P(abandon) x mean"
            " patience (Erlang A)",
            "zh": "L = lambda W：全部来电的平均等待 = 放弃率 x 平均耐心时间（Erlang A）",
        },
        "J. D. C. Little, A proof for the queuing formula L = lambda W, Operations Research"
        " 9(3), 1961, pp. 383-387",
        "erlang_a",
    ),
    Source(
        "fte",
        {"en": "Paid FTE", "zh": "带薪全职人力"},
        {
            "en": "FTE = agent hours on the phones / (paid hours per FTE-month x (1 - shrinkage))",
            "zh": "全职人力 = 在线坐席小时 / (每 FTE 每月带薪小时 x (1 - 缩减率))",
        },
        "N. Gans, G. Koole and A. Mandelbaum, Telephone call centers: tutorial, review, and"
        " research prospects, Manufacturing & Service Operations Management 5(2), 2003,"
        " pp. 79-141",
        "staffing",
    ),
    Source(
        "sourcing",
        {"en": "Sourcing options", "zh": "外包 / 自建方案比较"},
        {
            "en": "each option's total cost of ownership (TCO) by component and its present"
            " value of cost at the scenario's rate; ranked cheapest first; the move from the"
            " current option is a business case (NPV)",
            "zh": "各方案按成本构成的总拥有成本（TCO）及按场景折现率计算的成本现值；按成本从低到高"
            "排序；从现有方案迁移按商业论证计算净现值",
        },
        BRIGHAM + "; " + TEI,
        "sourcing",
    ),
    Source(
        "monte_carlo",
        {"en": "Ranges: Monte Carlo and percentiles", "zh": "区间：蒙特卡罗模拟与百分位数"},
        {
            "en": "2,000 draws of every uncertain input (the same each run); P10 and P90 by linear"
            " interpolation between order statistics; P(NPV > 0) the share of draws",
            "zh": "对每个不确定输入做 2,000 次可复现抽样；P10、P90 在次序统计量之间线性插值；"
            "P(净现值 > 0) 为所占比例",
        },
        "R. J. Hyndman and Y. Fan, Sample quantiles in statistical packages, The American"
        " Statistician 50(4), 1996, pp. 361-365 (definition 7); D. Vose, Risk Analysis: A"
        " Quantitative Guide, 3rd ed., Wiley, 2008",
        "uncertain",
    ),
    Source(
        "pert",
        {"en": "PERT and three-point ranges", "zh": "PERT 与三点估计"},
        {
            "en": "beta distribution on [min, max] with mean (min + 4 most likely + max) / 6",
            "zh": "[最小, 最大] 上的贝塔分布，均值为 (最小 + 4 x 最可能 + 最大) / 6",
        },
        "D. G. Malcolm, J. H. Roseboom, C. E. Clark and W. Fazar, Application of a technique"
        " for research and development program evaluation, Operations Research 7(5), 1959,"
        " pp. 646-669; D. Vose, Risk Analysis: A Quantitative Guide, 3rd ed., Wiley, 2008,"
        " sec. 9.1",
        "pert",
    ),
    Source(
        "tornado",
        {"en": "Tornado chart", "zh": "龙卷风图"},
        {
            "en": "each uncertain input moved alone to its P10 and P90, the others at their"
            " base case; bars sorted by the NPV's swing",
            "zh": "每个不确定输入单独取其 P10 与 P90，其余取基准值；按净现值的变动幅度排序",
        },
        "T. G. Eschenbach, Spiderplots versus tornado diagrams for sensitivity analysis,"
        " Interfaces 22(6), 1992, pp. 40-46",
        "uncertain",
    ),
)
"""The formulas and figures of a report, in the order the report lists them."""


def _benchmark_sources() -> list[Source]:
    """One entry per bundled benchmark band, from the band's own source and year."""
    from ccecon.costing.benchmarks import BENCHMARKS

    out = []
    for band in BENCHMARKS.values():
        out.append(
            Source(
                f"benchmark:{band.key}",
                {
                    "en": f"Benchmark: cost per call ({band.key})",
                    "zh": f"基准：每通电话成本（{band.key}）",
                },
                {
                    "en": f"{band.low:,.2f} to {band.high:,.2f} {band.currency} per call,"
                    f" read as {band.basis.replace('_', ' ')}",
                    "zh": f"每通 {band.low:,.2f} 至 {band.high:,.2f} {band.currency}，按"
                    f"{'全成本' if band.basis == 'fully_loaded' else '运营成本'}口径",
                },
                f"{band.source}; year: {band.year}",
                "benchmark",
            )
        )
    return out


def all_sources() -> list[Source]:
    """Every entry: :data:`SOURCES` and the bundled benchmark bands."""
    return [*SOURCES, *_benchmark_sources()]


def _applies(when: str, result: Result) -> bool:
    sc = result.scenario
    if when == "always":
        return True
    if when == "staffing":
        return sc.staffing is not None
    if when == "erlang_a":
        return sc.staffing is not None and getattr(sc.staffing, "patience_s", None) is not None
    if when == "sourcing":
        return sc.sourcing is not None
    if when in ("uncertain", "pert"):
        from ccecon.sourcing.compare import sourcing_only
        from ccecon.uncertainty.sampling import uncertain_inputs

        if sourcing_only(sc):  # no Monte Carlo chart of an empty business case
            return False

        dists = uncertain_inputs(sc)
        if when == "uncertain":
            return bool(dists)
        return any(getattr(d, "dist", "") in ("pert", "three_point") for d in dists.values())
    if when == "benchmark":
        return result.benchmark is not None and result.benchmark.get("value") is not None
    raise ValueError(when)


def sources_for(result: Result) -> list[dict[str, str]]:
    """The sources section of ``result``'s report: the entries that apply to its scenario
    (topic and formula in its locale, the reference), in :data:`SOURCES` order."""
    sc = result.scenario
    loc = sc.locale if sc.locale in ("en", "zh") else "en"
    key = sc.benchmark if isinstance(sc.benchmark, str) else None
    rows = []
    for s in all_sources():
        if s.key.startswith("benchmark:") and s.key != f"benchmark:{key}":
            continue
        if _applies(s.when, result):
            rows.append({"topic": s.topic[loc], "formula": s.formula[loc], "ref": s.reference})
    own = sc.benchmark
    if own is not None and not isinstance(own, str) and _applies("benchmark", result):
        b = result.benchmark or {}
        rows.append(
            {
                "topic": OWN_BAND[loc],
                "formula": f"{b['low']:,.2f} - {b['high']:,.2f} {sc.currency}",
                "ref": str(own.source or "-"),
            }
        )
    return rows


OWN_BAND = {"en": "Benchmark: the scenario's own band", "zh": "基准：场景自带区间"}


WHEN_WORDS = {
    "always": "every report",
    "staffing": "staffing",
    "erlang_a": "staffing with patience",
    "sourcing": "sourcing options",
    "uncertain": "ranges",
    "pert": "PERT ranges",
    "benchmark": "a benchmark band",
}


def sources_markdown() -> str:
    """The table of docs/formulas.md's "Sources" section (a test checks the docs hold it)."""
    lines = ["| what | formula | reference | shown with |", "|---|---|---|---|"]
    for s in all_sources():
        cells = (s.topic["en"], s.formula["en"], s.reference, WHEN_WORDS[s.when])
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
