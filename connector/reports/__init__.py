"""Closed-loop reporting: one set of funnel numbers both teams agree on.

``facts`` reads the state store once; ``attribution`` credits people to campaigns
and deals to people; ``funnel``, ``sla`` and ``plan`` compute; ``render_table`` and
``render_html`` present (labels from ``labels``, Japanese or English); and
``writeback`` pushes campaign results to the MA side. Settings come from
``mappings/reporting.toml`` (``config``).
"""

from __future__ import annotations

from connector.reports.config import ReportingSettings, load_reporting
from connector.reports.funnel import FunnelReport, FunnelRow, funnel_report
from connector.reports.plan import Plan, make_plan
from connector.reports.sla import SlaReport, sla_report, update_sla_gauges
from connector.reports.writeback import write_back_campaigns

__all__ = [
    "FunnelReport",
    "FunnelRow",
    "Plan",
    "ReportingSettings",
    "SlaReport",
    "funnel_report",
    "load_reporting",
    "make_plan",
    "sla_report",
    "update_sla_gauges",
    "write_back_campaigns",
]
