"""What people read for each result key: one table of labels, in English and Chinese.

Every renderer (terminal tables, reports, web pages) names a metric, a unit cost or a
staffing figure through :func:`label`, so a figure is called the same everywhere and a
label missing in one language is caught by one test. Machine outputs (JSON, CSV) keep the
keys.
"""

from __future__ import annotations

LOCALES = ("en", "zh")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "total_benefit": "Benefits",
        "cost_savings": "of which cost savings",
        "total_cost": "Cost of the change",
        "net": "Net (benefits - cost)",
        "roi_pct": "ROI",
        "npv": "NPV",
        "irr_annual_pct": "IRR",
        "payback_months": "Payback",
        "discounted_payback_months": "Discounted payback",
        "cost_per_contact": "Cost per contact",
        "cost_per_inbound_call": "Cost per inbound call",
        "cost_per_minute": "Cost per handled minute",
        "cost_per_sale": "Cost per sale",
        "fte": "Paid FTE (mean over the months)",
        "fte_max": "Paid FTE (highest month)",
        "peak_agents": "Agents at the peak interval",
        "agent_hours": "Agent hours on the phones",
        "scheduled_fte": "Scheduled paid FTE (mean over the months)",
        "scheduled_fte_max": "Scheduled paid FTE (highest month)",
        "ideal_fte": "Ideal FTE, no shifts (mean over the months)",
        "schedule_ratio": "Scheduled / ideal paid hours",
        "schedule_gap": "Worst solver gap of the schedule",
        "as_is": "as is",
        "proposal": "proposal",
        "value": "as estimated",
        "risk_adjusted": "risk-adjusted",
        "metric": "figure",
        "unit": "unit",
        "months": "months",
        "a_year": "a year",
        "never": "never within the horizon",
        "per_call": "per call",
        "net_risk_adjusted": "Net, risk-adjusted",
        "initial": "Initial",
        "year_n": "Year {n}",
        "total": "Total",
        "present_value": "Present value",
        "csat": "Customer satisfaction",
        "loyalty": "Customer loyalty",
        "employee_morale": "Agents' morale",
        "scalability": "Scalability",
        "risk": "Risk",
        "owner": "Owner",
        "mitigation": "Mitigation",
        "likelihood": "Likelihood",
        "impact": "Impact",
        "low": "low",
        "medium": "medium",
        "high": "high",
        "scorecard": "Beyond the money: scorecard",
        "risk_register": "Risk register",
        "business_case": "Business case",
        "staffing_title": "Staffing (Erlang, the scenario's goals)",
        "unit_costs_title": "Unit costs, over the horizon",
    },
    "zh": {
        "total_benefit": "收益",
        "cost_savings": "其中成本节约",
        "total_cost": "变更成本",
        "net": "净额（收益 - 成本）",
        "roi_pct": "投资回报率",
        "npv": "净现值",
        "irr_annual_pct": "内部收益率",
        "payback_months": "回收期",
        "discounted_payback_months": "折现回收期",
        "cost_per_contact": "每次联络成本",
        "cost_per_inbound_call": "每通呼入电话成本",
        "cost_per_minute": "每处理分钟成本",
        "cost_per_sale": "每笔销售成本",
        "fte": "带薪全职人力（各月平均）",
        "fte_max": "带薪全职人力（最高月份）",
        "peak_agents": "高峰时段坐席数",
        "agent_hours": "在线坐席小时",
        "scheduled_fte": "排班带薪全职人力（班次表，各月平均）",
        "scheduled_fte_max": "排班带薪全职人力（最高月份）",
        "ideal_fte": "理想全职人力（时段需求，各月平均）",
        "schedule_ratio": "排班/理想带薪工时",
        "schedule_gap": "排班求解最大差距",
        "as_is": "现状",
        "proposal": "方案",
        "value": "估计值",
        "risk_adjusted": "风险调整后",
        "metric": "指标",
        "unit": "单位",
        "months": "个月",
        "a_year": "（年）",
        "never": "评估期内未回收",
        "per_call": "每通",
        "net_risk_adjusted": "风险调整后净额",
        "initial": "初始",
        "year_n": "第 {n} 年",
        "total": "合计",
        "present_value": "现值",
        "csat": "客户满意度",
        "loyalty": "客户忠诚度",
        "employee_morale": "员工士气",
        "scalability": "可扩展性",
        "risk": "风险",
        "owner": "负责人",
        "mitigation": "应对措施",
        "likelihood": "可能性",
        "impact": "影响",
        "low": "低",
        "medium": "中",
        "high": "高",
        "scorecard": "非财务评分卡",
        "risk_register": "风险登记表",
        "business_case": "商业论证",
        "staffing_title": "人力配置（Erlang，按场景的服务目标）",
        "unit_costs_title": "单位成本（评估期）",
    },
}
"""Label of each result key, per locale (the same keys in every locale: tested)."""


def label(key: str, locale: str = "en") -> str:
    """The label of ``key`` in ``locale`` (``en`` for an unknown locale).

    ``baseline_<key>`` reads as the key's label followed by "(as is)"; an unknown key is
    shown with spaces for underscores rather than failing.
    """
    table = LABELS.get(locale, LABELS["en"])
    base = key.removeprefix("baseline_")
    name = table.get(base) or LABELS["en"].get(base) or base.replace("_", " ")
    return f"{name} ({table['as_is']})" if key.startswith("baseline_") else name
