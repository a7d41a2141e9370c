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
        "service_level_min": "Service level reached (lowest month)",
        "service_level_month": "Service level reached by month",
        "service_level": "Service level",
        "basis_fully_loaded": "fully loaded",
        "basis_operating": "operating cost only",
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
        # budget tracking
        "budget_track_title": "Budget vs actual, FY {year}, to {last} ({n} of 12 months), {cur}",
        "element": "Element",
        "element_personnel": "Personnel",
        "element_technology": "Technology",
        "element_telecom": "Telecom",
        "element_outsourcing": "Outsourcing",
        "element_training": "Training",
        "element_other": "Other",
        "budget_to_date": "Budget to date",
        "actual_to_date": "Actual to date",
        "variance": "Variance",
        "variance_pct": "Variance %",
        "flag": "Flag",
        "flag_over": "over budget",
        "flag_under": "under budget",
        "flag_no_budget": "no budget",
        "budget_year": "Budget for the year",
        "reforecast_year": "Re-forecast of the year",
        "month": "Month",
        "budget": "Budget",
        "actual": "Actual",
        "flagged_months_title": "Months beyond the threshold ({t} of budget)",
        "variance_split_title": "Variance split: volume, efficiency, rate ({cur})",
        "volume": "Volume (contacts)",
        "efficiency": "Efficiency (time per contact)",
        "rate": "Rate (price per hour or minute)",
        "reserve": "Reserve for the unforeseen",
        "reserve_used": "used to date",
        "reserve_needed": "needed for the year",
        "invoice_audit_title": "Invoice audit: billed vs the contract on measured volumes ({cur})",
        "vendor": "Vendor",
        "charge": "Charge",
        "billed_quantity": "Billed quantity",
        "measured_quantity": "Measured quantity",
        "billed": "Billed",
        "expected": "Expected",
        "difference": "Difference",
        "note": "Note",
        "variance_bridge_title": "From budget to actual, year to date: the variance bridge",
        "budget_by_month_title": "Budget by month; actual, then the re-forecast",
        "forecast_title": "Contacts forecast by month with its {level} % prediction interval",
        "forecast_mean": "forecast",
        "forecast_interval": "{level} % interval",
        "actual_contacts": "actual",
        "series": "Series",
        "model": "Model",
        "months_with_actual": "Months with an actual",
        "inside_interval": "Inside the interval",
        "contacts": "contacts",
        "forecast_none_actual": "The records hold no actual for the forecast months yet.",
        "track_months_sheet": "Months",
        "track_year_sheet": "Year",
        "track_split_sheet": "Variance split",
        "track_audit_sheet": "Invoice audit",
        "track_forecast_sheet": "Forecast",
        "track_elements_sheet": "Elements",
        "basis": "Basis",
        "source": "Source",
        "budget_contacts": "Budget contacts",
        "actual_contacts_n": "Actual contacts",
        "budget_usage_per_contact": "Budget usage per contact",
        "actual_usage_per_contact": "Actual usage per contact",
        "budget_price": "Budget price per unit of usage",
        "actual_price": "Actual price per unit of usage",
        "parts_sum": "Volume + efficiency + rate",
        "reforecast": "Actual, then re-forecast",
        "reforecast_variance": "Re-forecast - budget",
        "lo": "Interval low",
        "hi": "Interval high",
        "inside": "Inside",
        "bridge_step": "Step",
        "amount": "Amount",
        "reserve_used_share": "share of the reserve used",
        "reserve_needed_share": "share of the reserve needed",
        "threshold": "threshold, share of budget",
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
        "service_level_min": "达到的服务水平（最低月份）",
        "service_level_month": "各月达到的服务水平",
        "service_level": "服务水平",
        "basis_fully_loaded": "全成本",
        "basis_operating": "仅运营成本",
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
        # budget tracking
        "budget_track_title": "{year} 财年预算与实际，截至 {last}（12 个月中的 {n} 个），{cur}",
        "element": "成本要素",
        "element_personnel": "人员",
        "element_technology": "技术",
        "element_telecom": "通信",
        "element_outsourcing": "外包",
        "element_training": "培训",
        "element_other": "其他",
        "budget_to_date": "累计预算",
        "actual_to_date": "累计实际",
        "variance": "差异",
        "variance_pct": "差异率",
        "flag": "标记",
        "flag_over": "超预算",
        "flag_under": "低于预算",
        "flag_no_budget": "无预算",
        "budget_year": "全年预算",
        "reforecast_year": "全年重新预测",
        "month": "月份",
        "budget": "预算",
        "actual": "实际",
        "flagged_months_title": "超出阈值（预算的 {t}）的月份",
        "variance_split_title": "差异分解：业务量、效率、费率（{cur}）",
        "volume": "业务量差异（联络量）",
        "efficiency": "效率差异（每次联络时长）",
        "rate": "费率差异（每小时或每分钟价格）",
        "reserve": "不可预见准备金",
        "reserve_used": "已使用",
        "reserve_needed": "全年所需",
        "invoice_audit_title": "发票审核：账单与按实测业务量计算的合同金额（{cur}）",
        "vendor": "供应商",
        "charge": "收费项",
        "billed_quantity": "账单数量",
        "measured_quantity": "实测数量",
        "billed": "账单金额",
        "expected": "应付金额",
        "difference": "差额",
        "note": "说明",
        "variance_bridge_title": "从预算到实际（累计）：差异桥",
        "budget_by_month_title": "每月预算；实际及其后的重新预测",
        "forecast_title": "按月联络量预测及其 {level}% 预测区间",
        "forecast_mean": "预测",
        "forecast_interval": "{level}% 区间",
        "actual_contacts": "实际",
        "series": "序列",
        "model": "模型",
        "months_with_actual": "有实际值的月数",
        "inside_interval": "落在区间内",
        "contacts": "联络量",
        "forecast_none_actual": "记录中尚无预测月份的实际值。",
        "track_months_sheet": "月度",
        "track_year_sheet": "全年",
        "track_split_sheet": "差异分解",
        "track_audit_sheet": "发票审核",
        "track_forecast_sheet": "预测",
        "track_elements_sheet": "成本要素",
        "basis": "依据",
        "source": "来源",
        "budget_contacts": "预算联络量",
        "actual_contacts_n": "实际联络量",
        "budget_usage_per_contact": "每次联络预算用量",
        "actual_usage_per_contact": "每次联络实际用量",
        "budget_price": "预算单价（每单位用量）",
        "actual_price": "实际单价（每单位用量）",
        "parts_sum": "业务量 + 效率 + 价格",
        "reforecast": "实际及其后的重新预测",
        "reforecast_variance": "重新预测 - 预算",
        "lo": "区间下限",
        "hi": "区间上限",
        "inside": "在区间内",
        "bridge_step": "步骤",
        "amount": "金额",
        "reserve_used_share": "已用准备金占比",
        "reserve_needed_share": "所需准备金占比",
        "threshold": "阈值（占预算比例）",
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


CHANNEL_KINDS_ZH: dict[str, str] = {
    "voice_inbound": "语音呼入",
    "voice_outbound": "语音呼出",
    "chat": "在线聊天",
    "email": "电子邮件",
    "messaging": "消息",
    "other": "其他",
}
"""Channel kinds in Chinese (report, workbook)."""

TIMINGS_ZH: dict[str, str] = {
    "once": "一次性",
    "monthly": "每月",
    "yearly": "每年",
    "per_unit": "按量",
    "contract": "合同计价",
}
"""Line timings in Chinese (report, workbook)."""

WORKBOOK_ZH: dict[str, str] = {
    "none": "无",
    "P({option} is the cheapest)": "P({option} 成本最低)",
    # an input's field, as the tornado names it (ccecon.uncertainty.sensitivity)
    "amount": "金额",
    "quantity": "数量",
    "growth": "增长",
    "risk": "风险",
    "price": "价格",
    "shrinkage": "缩减率",
    "sales rate": "销售转化率",
    "AHT (s)": "处理时长（秒）",
    "AHT factor": "处理时长系数",
    "volume factor": "量系数",
    "service-level goal": "服务水平目标",
    "service-level threshold (s)": "服务水平阈值（秒）",
    "discount rate": "折现率",
    "Discount rate": "折现率",
    "occupancy cap": "占用率上限",
    "patience (s)": "耐心时间（秒）",
    "paid hours per FTE": "每 FTE 带薪小时",
    "start month": "起始月",
    "ramp (months)": "爬坡月数",
    # a sourcing option's field (the tornado of a sourcing scenario)
    "agent salary": "坐席薪酬",
    "overage price": "超量单价",
    "base fee": "基础费",
    "exit fee": "退出费",
    "exit fee per remaining month": "每剩余月退出费",
    "fee": "费用",
    "rate": "费率",
    "minimum": "最低消费",
    "management per month": "每月管理费",
    "platform per month": "每月平台费",
    "telecom per minute": "每分钟电信费",
    "transition cost": "切换成本",
    "vendor management per month": "每月供应商管理费",
    "revenue per sale": "每笔销售收入",
    "revenue share": "收入分成",
    "after hours share": "非工作时间占比",
    "min hours": "最低小时数",
    "min seats": "最少席位",
    "max seats": "最多席位",
    "weight": "权重",
    "M0 (signing)": "第 0 月（签约）",
    "Results": "结果",
    "Inputs": "输入",
    "Drivers": "驱动量",
    "Lines": "成本收益项目",
    "Cashflows": "现金流",
    "Years": "年度",
    "Change": "变更",
    "Simulation": "模拟",
    "Sourcing": "方案比较",
    "month": "月份",
    "plan year (growth)": "计划年（增长）",
    "in plan (months 1..)": "计划内（第 1 月起）",
    "case": "方案",
    "driver": "驱动量",
    "what": "说明",
    "line": "项目",
    "type": "类别",
    "family or kind": "成本类别或收益类型",
    "timing": "计费方式",
    "counted": "计入",
    "key": "匹配键",
    "risk factor": "风险系数",
    "total": "合计",
    "risk-adjusted total": "风险调整后合计",
    "row": "行",
    "horizon total": "评估期合计",
    "proposal": "方案",
    "baseline": "现状",
    "Proposal (to be)": "方案（实施后）",
    "Baseline (as is)": "现状（实施前）",
    "cost": "成本",
    "benefit": "收益",
    "initial": "初始",
    "operating": "运营",
    "hidden": "隐性",
    "direct": "直接",
    "indirect": "间接",
    **TIMINGS_ZH,
    "contract bill": "合同账单",
    **CHANNEL_KINDS_ZH,
    "fully loaded": "全成本",
    "Yellow cells are inputs: change them and every sheet follows.": (
        "黄色单元格为输入：修改后所有工作表随之更新。"
    ),
    "Scenario": "场景",
    "Currency": "币种",
    "every amount of the workbook": "本工作簿所有金额",
    "First month": "首月",
    "Months in the horizon": "评估期月数",
    "fixed: one column per month on the month sheets": "固定：各月度工作表每月一列",
    "Settings": "设置",
    "Annual discount rate": "年折现率",
    "Discounting (monthly or yearly_tei)": "折现方式（monthly 或 yearly_tei）",
    "monthly: each month at the monthly rate; yearly_tei: by plan year (Forrester TEI)": (
        "monthly：每月按月利率折现；yearly_tei：按计划年折现（Forrester TEI）"
    ),
    "Monthly rate (a formula)": "月利率（公式）",
    "(1 + annual rate) ^ (1/12) - 1": "(1 + 年利率) ^ (1/12) - 1",
    "Unit-cost basis (fully_loaded or operating)": "单位成本口径（fully_loaded 或 operating）",
    "fully_loaded: initial costs spread evenly over the months": (
        "fully_loaded：初始成本在各月平均分摊"
    ),
    "IRR starting guess, a year": "内部收益率初始猜测值（年）",
    "IRR starting guess, risk-adjusted, a year": "风险调整后内部收益率初始猜测值（年）",
    "where IRR() starts its search": "IRR() 从此处开始搜索",
    (
        "IRR() searches for a root from this rate (the default guess, 10 % a period, finds"
        " none for some flows). Written as ccecon's IRR of the scenario, rounded. When a"
        " flow has several IRRs, IRR() finds the one nearest the guess; ccecon reports the"
        " one nearest 0."
    ): (
        "IRR() 从此利率开始求根（默认猜测值每期 10 %，对某些现金流找不到根）。此处写入"
        " ccecon 计算的场景内部收益率（取整）。现金流有多个内部收益率时，IRR() 找到最接近猜测"
        "值的一个；ccecon 报告最接近 0 的一个。"
    ),
    (
        "Uncertain in the scenario ({range}). The workbook holds the base case; the"
        " Simulation sheet shows the spread."
    ): ("场景中为不确定输入（{range}）。本工作簿取基准值；分布见“模拟”工作表。"),
    "Channels": "渠道",
    "volume in plan year 1; growth compounds by plan year": "计划第 1 年的量；增长按计划年复合",
    "{name}: contacts per month": "{name}：每月联络量",
    "{name}: handle time (s)": "{name}：处理时长（秒）",
    "{name}: growth a year": "{name}：年增长",
    "{name}: sales rate": "{name}：销售转化率",
    "talk + hold + after-call work": "通话 + 保持 + 话后处理",
    "share of handled contacts that end in a sale": "以销售结束的已处理联络占比",
    "Drivers (per month, every month of the plan)": "驱动量（每月，计划内各月）",
    "Staffing": "人力配置",
    "paid FTE = agent hours / (paid hours per FTE-month x (1 - shrinkage))": (
        "带薪全职人力 = 坐席小时 / (每 FTE 每月带薪小时 x (1 - 缩减率))"
    ),
    "Shrinkage": "缩减率",
    "share of paid time not on the phones": "带薪时间中不在线的占比",
    "Paid hours per FTE-month": "每 FTE 每月带薪小时",
    "used by the Erlang staffing in ccecon; not a formula input here": (
        "供 ccecon 的 Erlang 人力配置使用；此处不是公式输入"
    ),
    "Channels staffed": "配置人力的渠道",
    "Open hours": "营业时间",
    "{open} to {close}": "{open} 至 {close}",
    "Service level goal": "服务水平目标",
    "{sl} in {t} s": "{t} 秒内 {sl}",
    "Occupancy cap": "占用率上限",
    "Maximum average speed of answer (s)": "平均应答速度上限（秒）",
    "Maximum abandonment": "放弃率上限",
    "{title}: drivers": "{title}：驱动量",
    "override the scenario's drivers in this case": "在此方案中覆盖场景的驱动量",
    "{title}: levers": "{title}：杠杆",
    "factor ramps linearly from the start month over the ramp months": (
        "系数自起始月起在爬坡月数内线性变化"
    ),
    "{who}: volume factor": "{who}：量系数",
    "0.9 = 10 % fewer contacts": "0.9 = 联络量减少 10 %",
    "{who}: handle-time factor": "{who}：处理时长系数",
    "{who}: start month": "{who}：起始月",
    "{who}: ramp months": "{who}：爬坡月数",
    "0 = full effect from the start month": "0 = 自起始月起全部生效",
    "{who}: end month": "{who}：结束月",
    "empty = to the end of the horizon": "留空 = 至评估期结束",
    "{title}: cost lines": "{title}：成本项目",
    "{title}: benefit lines": "{title}：收益项目",
    "a month": "每月",
    "a year (months 1, 13, 25 ...)": "每年（第 1、13、25 … 月）",
    "per unit of {driver}": "每单位 {driver}",
    "times the contract's monthly bill": "乘以合同的月度账单",
    "{who}: amount": "{who}：金额",
    "{who}: quantity": "{who}：数量",
    "{who}: growth a year": "{who}：年增长",
    "by plan year": "按计划年",
    "{who}: risk": "{who}：风险",
    "a cost raised, a benefit cut by it (risk-adjusted view)": (
        "成本按此调高、收益按此调低（风险调整视图）"
    ),
    "{who}: month": "{who}：月份",
    "0 = at signing": "0 = 签约时",
    "{who}: counted": "{who}：计入",
    "TRUE: in the totals; FALSE: shown only": "TRUE：计入合计；FALSE：仅显示",
    "Per month: values, not formulas": "按月：数值，非公式",
    "from ccecon; overwrite them with your own figures if you have them": (
        "来自 ccecon；如有自己的数据可覆盖"
    ),
    "per month": "每月",
    "agent hours": "坐席小时",
    "peak agents": "高峰坐席数",
    "{name}: contract bill": "{name}：合同账单",
    "schedule ratio (scheduled / ideal paid hours)": "排班系数（排班付薪小时 / 理想付薪小时）",
    "{name}: share of the calls the peak levers keep": "{name}：高峰杠杆保留的来电占比",
    (
        "From ccecon's staffing grid: the share of this channel's calls its peak levers keep"
        " in each month (1 - deflected share x the share of the calls offered in the levers'"
        " hours, ramped in). Callbacks move calls to later hours and keep them all."
    ): (
        "来自 ccecon 的排班时段网格：该渠道的高峰杠杆每月保留的来电占比（1 - 分流比例 x 杠杆时段内"
        "来电的占比，按爬坡生效）。回拨把来电移到当天稍后的时段，全部保留。"
    ),
    (
        "From ccecon's shift schedule (staffing.schedule): each month, the paid hours of the"
        " least-cost shifts covering the month's interval requirement over the ideal paid"
        " hours (the agent hours / (1 - shrinkage)). A mixed-integer program, not a"
        " spreadsheet formula, so this is a value; the paid FTE row multiplies the ideal FTE"
        " by it."
    ): (
        "来自 ccecon 的班次排班（staffing.schedule）：每月覆盖该月各时段需求的最低成本班次的付薪"
        "小时，除以理想付薪小时（坐席小时 / (1 - 缩减率)）。这是混合整数规划的结果，不是电子表格"
        "公式，因此这里是数值；付薪 FTE 一行为理想 FTE 乘以此系数。"
    ),
    (
        "From ccecon's Erlang staffing of this case's volumes and handle times (per"
        " interval, to the scenario's service goals). Erlang staffing is a search over agent"
        " counts, not a spreadsheet formula, so this is a value: it does not follow a change"
        " of volume or handle time here. Overwrite it with your own figures, or change the"
        " scenario and write the workbook again."
    ): (
        "来自 ccecon 按本方案的量与处理时长所做的 Erlang 人力配置（逐时段，按场景的服务目标）"
        "。Erlang 人力配置是对坐席数的搜索，不是电子表格公式，因此这里是数值：不会随此处量或"
        "处理时长的修改而变化。可用自己的数据覆盖，或修改场景后重新生成工作簿。"
    ),
    (
        "The bill of this line's price model on the case's usage (calls, minutes, seats,"
        " agent hours; tiers, minimums and packages), computed by ccecon: a value, not a"
        " formula. The line's amount, growth and risk on Inputs still apply to it."
    ): (
        "本项目的计价模型按方案用量（来电、分钟、席位、坐席小时；阶梯、最低消费与套餐）计算的"
        "账单，由 ccecon 计算：是数值，不是公式。“输入”中该项目的金额、增长和风险仍然适用。"
    ),
    "{name} volume factor": "{name} 量系数",
    "{name} handle-time factor": "{name} 处理时长系数",
    "levers on {name}: product of their ramps": "{name} 上的杠杆：各爬坡系数之积",
    "{name}: contacts (volume x (1 + growth) ^ plan year x levers)": (
        "{name}：联络量（量 x (1 + 增长) ^ 计划年 x 杠杆）"
    ),
    "{name} handle time": "{name} 处理时长",
    "{name}: handle time (s) with levers": "{name}：含杠杆的处理时长（秒）",
    "{name}: handle minutes (contacts x handle time / 60)": (
        "{name}：处理分钟（联络量 x 处理时长 / 60）"
    ),
    "{name}: handle time in the plan's months": "{name}：计划内各月的处理时长",
    "built-in: calls": "内置：来电",
    "built-in: inbound calls": "内置：呼入电话",
    "built-in: outbound calls": "内置：呼出电话",
    "built-in: contacts": "内置：联络量",
    "built-in: minutes": "内置：分钟",
    "built-in: sales (contacts x sales rate)": "内置：销售（联络量 x 销售转化率）",
    "inbound voice minutes": "呼入语音分钟",
    "for the cost per inbound call": "用于每通呼入电话成本",
    "outbound voice minutes": "呼出语音分钟",
    "for the cost per sale": "用于每笔销售成本",
    "outbound sales": "呼出销售",
    "sales of outbound voice channels": "呼出语音渠道的销售",
    "driver: Inputs {name} in every plan month": "驱动量：计划内各月取“输入”中的 {name}",
    "staffing: agent hours (a value on Inputs, from Erlang)": (
        "人力配置：坐席小时（“输入”中的数值，来自 Erlang）"
    ),
    "staffing: paid FTE = agent hours / (paid hours x (1 - shrinkage))": (
        "人力配置：带薪全职人力 = 坐席小时 / (带薪小时 x (1 - 缩减率))"
    ),
    "staffing: agents at the peak interval (a value on Inputs, from Erlang)": (
        "人力配置：高峰时段坐席数（“输入”中的数值，来自 Erlang）"
    ),
    "benefits (counted)": "收益（计入）",
    "initial costs": "初始成本",
    "operating costs": "运营成本",
    "hidden costs (counted)": "隐性成本（计入）",
    ", risk-adjusted": "，风险调整后",
    "discount year (month 0 is year 0, months 1-12 year 1 ...)": (
        "折现年（第 0 月为第 0 年，第 1-12 月为第 1 年 …）"
    ),
    "discount factor (the convention on Inputs)": "折现系数（按“输入”中的方式）",
    "net cash flow": "净现金流",
    "net cash flow, risk-adjusted": "净现金流，风险调整后",
    "cumulative net": "累计净额",
    "cumulative net, risk-adjusted": "累计净额，风险调整后",
    "discounted net": "折现净额",
    "discounted net, risk-adjusted": "折现净额，风险调整后",
    "cumulative discounted net": "累计折现净额",
    "cumulative discounted net, risk-adjusted": "累计折现净额，风险调整后",
    "payback helper: month while the cumulative is negative, else -1": (
        "回收期辅助：累计为负时取月份，否则 -1"
    ),
    "payback helper: month while the cumulative, risk-adjusted is negative, else -1": (
        "回收期辅助：风险调整后累计为负时取月份，否则 -1"
    ),
    "payback helper: month while the discounted cumulative is negative, else -1": (
        "回收期辅助：折现累计为负时取月份，否则 -1"
    ),
    "payback helper: month while the discounted cumulative, risk-adjusted is negative, else -1": (
        "回收期辅助：风险调整后折现累计为负时取月份，否则 -1"
    ),
    "cost for unit costs": "用于单位成本的成本",
    "contacts": "联络量",
    "minutes": "分钟",
    "inbound calls": "呼入电话",
    "cost allocated to inbound voice (by minutes)": "分摊到呼入语音的成本（按分钟）",
    "cost allocated to outbound voice (by minutes)": "分摊到呼出语音的成本（按分钟）",
    "plan year": "计划年",
    "year": "年",
    "net": "净额",
    "risk-adjusted net": "风险调整后净额",
    "discount factor": "折现系数",
    "present value": "现值",
    "year {n}": "第 {n} 年",
    "Present value at the annual rate, year by year (Forrester TEI).": (
        "按年利率逐年计算的现值（Forrester TEI）。"
    ),
    "cost line": "成本项目",
    "proposal total": "方案合计",
    "baseline total": "现状合计",
    "in both cases": "两个方案均有",
    "kept (smaller total)": "保留（较小合计）",
    "cost of the change": "变更成本",
    "cost saving": "成本节约",
    "proposal, risk-adjusted": "方案，风险调整后",
    "baseline, risk-adjusted": "现状，风险调整后",
    "kept, risk-adjusted": "保留，风险调整后",
    "cost, risk-adjusted": "成本，风险调整后",
    "saving, risk-adjusted": "节约，风险调整后",
    "no cost lines": "无成本项目",
    (
        "A cost line in both cases (same name, or a proposal line that replaces a baseline"
        " line) is one line before and after the change: the smaller of its two totals is"
        " spending the change keeps; its rise is a cost of the change, its fall a cost"
        " saving. A line only in the proposal is a cost, one only in the baseline a saving"
        " (Forrester TEI). The key groups the lines that are one line."
    ): (
        "两个方案中都有的成本项目（同名，或替换现状项目的方案项目）视为变更前后的同一项目：两"
        "者合计中较小者为变更保留的支出；增加部分为变更成本，减少部分为成本节约。仅在方案中的"
        "项目为成本，仅在现状中的项目为节约（Forrester TEI）。匹配键把属于同一项目的行归为一"
        "组。"
    ),
    "{name}: business case": "{name}：商业论证",
    (
        "Every figure is a formula of the Inputs sheet (the base case). Costs and savings"
        " line by line (Forrester TEI): see the Change sheet."
    ): (
        "每个数字都是“输入”工作表的公式（基准情形）。成本与节约逐项计算（Forrester TEI）：见“"
        "变更”工作表。"
    ),
    "figure": "指标",
    "as estimated": "估计值",
    "risk-adjusted": "风险调整后",
    "unit": "单位",
    "not defined: the change invests nothing": "无定义：该变更没有投入",
    "not found from the guess: change the IRR guess on Inputs": (
        "从猜测值未找到：请修改“输入”中的 IRR 猜测值"
    ),
    "no IRR: the net flow does not change sign": "无内部收益率：净现金流不变号",
    "never within the horizon": "评估期内未回收",
    "Cost of the change": "变更成本",
    "Benefits (cost savings included)": "收益（含成本节约）",
    "of which cost savings": "其中成本节约",
    "Net (benefits - cost)": "净额（收益 - 成本）",
    "ROI": "投资回报率",
    "NPV": "净现值",
    "IRR": "内部收益率",
    "Payback": "回收期",
    "Discounted payback": "折现回收期",
    "a year": "（年）",
    "months from signing": "自签约起的月数",
    "months": "个月",
    "Unit costs over the horizon": "评估期单位成本",
    "Cost per contact": "每次联络成本",
    "Cost per inbound call": "每通呼入电话成本",
    "Cost per handled minute": "每处理分钟成本",
    "Cost per sale (outbound)": "每笔销售成本（呼出）",
    "n/a": "不适用",
    "{cur}, {basis} (Inputs)": "{cur}，{basis}（见“输入”）",
    "Checks": "校验",
    "IRR() per period (month, or year with yearly_tei)": "每期 IRR()（月；yearly_tei 时为年）",
    "NPV at that rate / PV of the flows' sizes (0 at an IRR)": (
        "该利率下净现值 / 现金流绝对值的现值（在内部收益率处为 0）"
    ),
    "IRR is shown when below 1E-06 and the rate above -100 %": (
        "低于 1E-06 且利率高于 -100 % 时显示内部收益率"
    ),
    "Net cash flow by month, and cumulative": "每月净现金流及累计",
    "cumulative": "累计",
    "cumulative, {cur}": "累计，{cur}",
    "Simulation: values, not formulas": "模拟：数值，非公式",
    (
        "ccecon's Monte Carlo run of the scenario's ranges ({draws} draws, the same every"
        " time) and its NPV tornado, written when the workbook was made. They do not follow"
        " the Inputs sheet: run ccecon simulate again after changing the scenario."
    ): (
        "ccecon 对场景区间的蒙特卡罗模拟（{draws} 次抽样，每次相同）及净现值龙卷风图，于生成"
        "工作簿时写入。它们不随“输入”工作表变化：修改场景后请重新运行 ccecon simulate。"
    ),
    "mean": "均值",
    "Probabilities": "概率",
    "P(NPV > 0)": "P(净现值 > 0)",
    "P(risk-adjusted NPV > 0)": "P(风险调整后净现值 > 0)",
    "P(payback within the horizon)": "P(评估期内回收)",
    "P(ROI > 0)": "P(投资回报率 > 0)",
    "NPV tornado (base {base}), inputs at their P10 and P90": (
        "净现值龙卷风图（基准 {base}），输入取 P10 与 P90"
    ),
    "input": "输入",
    "NPV, input at P10": "净现值，输入取 P10",
    "NPV, input at P90": "净现值，输入取 P90",
    "swing": "变动幅度",
    "input P10": "输入 P10",
    "base": "基准",
    "input P90": "输入 P90",
    "Sourcing options: values, not formulas": "外包 / 自建方案：数值，非公式",
    (
        "ccecon's comparison of the options on the scenario's demand over {months} months,"
        " ranked by present value of cost (cheapest first), written when the workbook was"
        " made. They do not follow the Inputs sheet: run ccecon compare again after changing"
        " the scenario."
    ): (
        "ccecon 按场景需求对各方案 {months} 个月的比较，按成本现值排序（最低在前），于生成工"
        "作簿时写入。它们不随“输入”工作表变化：修改场景后请重新运行 ccecon compare。"
    ),
    "rank": "排名",
    "option": "方案",
    "kind": "类型",
    "present value of cost": "成本现值",
    "total cost of ownership (TCO)": "总拥有成本（TCO）",
    "cost per contact": "每次联络成本",
    "cost per inbound call": "每通呼入电话成本",
    "paid FTE, month 1": "第 1 月带薪全职人力",
    "TCO: {name}": "TCO：{name}",
    "in-house": "自建",
    "outsourced": "外包",
    "hosted": "托管平台",
    "hybrid": "混合",
    "agent salaries": "坐席薪酬",
    "build and quote lines": "建设与报价项目",
    "management": "管理",
    "platform": "平台",
    "platform contract": "平台合同",
    "provider charges": "服务商费用",
    "telecom": "电信",
    "transition": "切换",
    "vendor management": "供应商管理",
    "Moving from {current}: the business case of each move": (
        "从 {current} 迁移：各迁移方案的商业论证"
    ),
    "move to": "迁移至",
    "IRR, a year": "内部收益率（年）",
    "payback": "回收期",
    "cost savings": "成本节约",
    # the command line's sourcing tables
    "TCO {currency}": "TCO {currency}",
    "PV of cost {currency}": "成本现值 {currency}",
    "per contact": "每次联络",
    "per inbound call": "每通呼入电话",
    "binding terms": "约束条款",
    "Sourcing options over {months} months, cheapest first": (
        "{months} 个月的外包 / 自建方案，成本最低在前"
    ),
    "NPV {currency}": "净现值 {currency}",
    "ROI %": "投资回报率 %",
    "IRR % a year": "内部收益率 %（年）",
    "payback (months)": "回收期（月）",
    "weighted score": "加权得分",
    "Non-financial scorecard (beside the money, not added to it)": (
        "非财务评分卡（与金额并列，不计入金额）"
    ),
    "contacts / month": "每月联络量",
    "volume x": "量倍数",
    "cheapest below": "低于此量时最低",
    "cheapest above": "高于此量时最低",
    "Break-even volumes (where the cheapest option changes)": (
        "盈亏平衡量（最低成本方案改变之处）"
    ),
    "No break-even in the scanned range: {only} is cheapest throughout.": (
        "扫描范围内无盈亏平衡点：{only} 始终成本最低。"
    ),
    "{currency}, {months} months from {start}: sourcing options; no business case lines": (
        "{currency}，自 {start} 起 {months} 个月：外包 / 自建方案；无商业论证项目"
    ),
    (
        "Break-even volumes: ccecon compare FILE. NPV of a move: give the business case a"
        " baseline and a proposal."
    ): ("盈亏平衡量：ccecon compare 文件。迁移的净现值：为商业论证给出现状与方案。"),
    "{currency}, {months} months from {start}, {kind}, discount {rate} a year, {discounting}": (
        "{currency}，自 {start} 起 {months} 个月，{kind}，年折现率 {rate}，{discounting}"
    ),
    "proposal vs baseline": "方案对比现状",
    "monthly discounting": "按月折现",
    "yearly_tei discounting": "按年折现（TEI）",
}
"""The workbook's words in Chinese, keyed by the English text (a phrase with ``{field}``
placeholders is formatted after translation). English is the key itself."""


def phrase(text: str, locale: str = "en") -> str:
    """``text`` (an English phrase of the workbook) in ``locale``; the English text when
    the locale is ``en`` or the phrase has no translation (a test finds those)."""
    if locale == "zh":
        return WORKBOOK_ZH.get(text, text)
    return text


def input_label(text: str, locale: str = "en") -> str:
    """An input's label as a sensitivity names it (``Agents: amount``: the user's name,
    then the field in words) in ``locale``: the field translated, the name as written."""
    if locale != "zh":
        return text
    owner, sep, what = text.rpartition(": ")
    return f"{owner}：{phrase(what, locale)}" if sep else phrase(text, locale)


# The command line's Monte Carlo and tornado tables (ccecon simulate, ccecon sensitivity)
PROBABILITY = {
    "en": {
        "npv_positive": "P(NPV > 0)",
        "npv_positive_risk_adjusted": "P(NPV > 0), TEI risk-adjusted",
        "payback_within_horizon": "P(payback within the horizon)",
        "roi_positive": "P(ROI > 0)",
        "cheapest_": "P(cheapest: {option})",
    },
    "zh": {
        "npv_positive": "P(净现值 > 0)",
        "npv_positive_risk_adjusted": "P(净现值 > 0)，TEI 风险调整后",
        "payback_within_horizon": "P(评估期内回收)",
        "roi_positive": "P(投资回报率 > 0)",
        "cheapest_": "P(成本最低：{option})",
    },
}
SIM_TEXT = {
    "en": {
        "head": "{currency}, {draws} draws, seed {seed}, {inputs} uncertain inputs",
        "options": "Sourcing options: present value of cost over the draws",
        "percentiles": (
            "Monte Carlo percentiles, with the base case and the TEI risk-adjusted base case beside"
        ),
        "probabilities": "Probabilities",
        "probability": "probability",
        "value": "value",
        "se": "± SE (percentage points)",
        "cheapest": "Cheapest option most often: {option}, in {share} % of draws (present"
        " value of cost).",
        "histogram": "NPV ({currency}), {draws} draws:",
        "npv_line": "P(NPV > 0) = {share} %; mean NPV {mean} ± {se} (standard error: more"
        " draws shrink it as 1/sqrt(draws)).",
    },
    "zh": {
        "head": "{currency}，{draws} 次抽样，随机种子 {seed}，{inputs} 个不确定输入",
        "options": "外包 / 自建方案：各次抽样的成本现值",
        "percentiles": "蒙特卡洛百分位数，并列基准情形与 TEI 风险调整后的基准情形",
        "probabilities": "概率",
        "probability": "概率",
        "value": "数值",
        "se": "± 标准误（百分点）",
        "cheapest": "最常成本最低的方案：{option}，占 {share} % 的抽样（成本现值）。",
        "histogram": "净现值（{currency}），{draws} 次抽样：",
        "npv_line": "P(净现值 > 0) = {share} %；平均净现值 {mean} ± {se}（标准误：抽样越多越"
        "小，按 1/sqrt(抽样数)）。",
    },
}


def probability_label(key: str, locale: str = "en") -> str:
    """A probability of :attr:`Simulation.probabilities` in words, e.g. ``P(NPV > 0)``."""
    table = PROBABILITY.get(locale, PROBABILITY["en"])
    if key.startswith("cheapest_"):
        return table["cheapest_"].format(option=key.removeprefix("cheapest_"))
    return table.get(key, key.replace("_", " "))


TORNADO_TEXT = {
    "en": {
        "head": "[bold]Tornado of {metric}[/bold]: each input at its P{low} and P{high}, the"
        " others at their base case; base {metric} = {base}",
        "title": "One-at-a-time sensitivity of {metric} ({currency})",
        "#": "#",
        "input": "input",
        "low .. high": "low .. high",
        "at low": "at low",
        "at high": "at high",
        "swing": "swing",
        "sobol": "Sobol' indices of {metric} (n = {n}, {rows} engine rows)",
        "interactions": "interactions (ST-S1)",
    },
    "zh": {
        "head": "[bold]{metric}龙卷风图[/bold]：每个输入取其 P{low} 与 P{high}，其余取基准值；"
        "基准{metric} = {base}",
        "title": "{metric}的单因素敏感性（{currency}）",
        "#": "#",
        "input": "输入",
        "low .. high": "低 .. 高",
        "at low": "取低值时",
        "at high": "取高值时",
        "swing": "变动幅度",
        "sobol": "{metric}的 Sobol' 指数（n = {n}，引擎计算 {rows} 行）",
        "interactions": "交互作用 (ST-S1)",
    },
}
