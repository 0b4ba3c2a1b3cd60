"""The org's configurable metadata rows: opportunity stages and lead statuses.

The default lists are Salesforce's usual ones with Japanese labels; the sheet
marks them unconfirmed per org (§10), so tests may pass their own.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_LEAD_STATUSES",
    "DEFAULT_STAGES",
    "FORECAST_NAMES",
    "LeadStatusDef",
    "StageDef",
]


@dataclass(frozen=True)
class StageDef:
    """One OpportunityStage row: ``api_name`` is written, ``label`` is shown."""

    api_name: str
    label: str
    probability: float
    closed: bool = False
    won: bool = False
    active: bool = True
    forecast: str = "Pipeline"


@dataclass(frozen=True)
class LeadStatusDef:
    """One LeadStatus row; converted statuses are set only by conversion."""

    api_name: str
    label: str
    converted: bool = False
    default: bool = False


DEFAULT_STAGES: tuple[StageDef, ...] = (
    StageDef("Prospecting", "見込み", 10),
    StageDef("Qualification", "評価", 10),
    StageDef("Needs Analysis", "ニーズ分析", 20),
    StageDef("Value Proposition", "価値提案", 50),
    StageDef("Id. Decision Makers", "意思決定者の特定", 60),
    StageDef("Perception Analysis", "認識分析", 70, active=False),
    StageDef("Proposal/Price Quote", "見積提示", 75),
    StageDef("Negotiation/Review", "交渉", 90),
    StageDef("Closed Won", "成立", 100, closed=True, won=True, forecast="Closed"),
    StageDef("Closed Lost", "不成立", 0, closed=True, forecast="Omitted"),
)
"""Salesforce's usual stages, one of them inactive, with Japanese labels."""

DEFAULT_LEAD_STATUSES: tuple[LeadStatusDef, ...] = (
    LeadStatusDef("Open - Not Contacted", "未対応", default=True),
    LeadStatusDef("Working - Contacted", "対応中"),
    LeadStatusDef("Closed - Converted", "取引開始済み", converted=True),
    LeadStatusDef("Closed - Not Converted", "不採用"),
)

FORECAST_NAMES: dict[str, str] = {
    "Pipeline": "Pipeline",
    "BestCase": "Best Case",
    "MostLikely": "Most Likely",
    "Forecast": "Commit",
    "Omitted": "Omitted",
    "Closed": "Closed",
}
