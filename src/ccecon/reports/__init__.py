"""Reports people read: charts (plotly), a self-contained offline HTML report."""

from ccecon.reports.html import ReportPaths as ReportPaths
from ccecon.reports.html import write_report as write_report

__all__ = ["ReportPaths", "write_report"]
