"""Loading ``mappings/reporting.toml``: the numbers marketing and sales agreed on.

Which attribution model the reports use, how a deal that names no person is
attributed, the SLA targets and the campaign write-back are business decisions, so
they live in an admin-edited file beside the other mappings, validated up front
with one line per bad key.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from typing import Literal, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connector.config import load_toml_model
from connector.records import Stage

__all__ = [
    "AttributionModel",
    "AttributionSettings",
    "DealFallback",
    "MarketingSla",
    "PlanSettings",
    "ReportingSettings",
    "SalesSla",
    "SlaSettings",
    "WritebackField",
    "WritebackSettings",
    "load_reporting",
    "parse_timezone",
]

AttributionModel: TypeAlias = Literal["first_touch", "last_touch_before_mql"]
"""Which campaign of a person gets the credit: its first touch, or the last touch
before it became an MQL."""

DealFallback: TypeAlias = Literal["company", "email_domain"]
"""How a deal that names no person is attributed: through a person at the same
company, or a person at the same email domain as the contact the deal names."""

WritebackField: TypeAlias = Literal[
    "leads", "mql", "sql", "opportunities", "won", "revenue", "rejected_rate"
]
"""A per-campaign result that can be written back to the MA side."""

_FORBID = ConfigDict(extra="forbid", frozen=True)
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def parse_timezone(value: str) -> tzinfo:
    """Turn ``+09:00`` or an IANA name (``Asia/Tokyo``) into a tzinfo.

    Offsets need no tz database, which slim container images may lack.

    Raises:
        ValueError: neither an offset nor a known zone name.
    """
    match = _OFFSET.match(value)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return timezone(sign * delta)
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an offset such as '+09:00' or an "
            "IANA name such as 'Asia/Tokyo' (needs the tzdata package)"
        ) from None


def _default_fallbacks() -> list[DealFallback]:
    return ["company", "email_domain"]


def _default_fields() -> dict[WritebackField, str]:
    return {
        "leads": "connector_leads",
        "sql": "connector_sql",
        "won": "connector_won",
        "revenue": "connector_revenue",
        "rejected_rate": "connector_rejected_rate",
    }


class AttributionSettings(BaseModel):
    """Which touch gets the credit, and what to do with deals naming no one."""

    model_config = _FORBID

    model: AttributionModel = "first_touch"
    deal_fallback: list[DealFallback] = Field(default_factory=_default_fallbacks)
    """Fallbacks tried in order; empty = none (the deal shows as unattributed)."""
    free_mail_domains: list[str] = Field(
        default_factory=lambda: [
            "gmail.com",
            "yahoo.co.jp",
            "outlook.com",
            "hotmail.com",
            "icloud.com",
            "docomo.ne.jp",
            "ezweb.ne.jp",
            "softbank.ne.jp",
        ]
    )
    """Domains that say nothing about a company: never used by the domain fallback."""


class MarketingSla(BaseModel):
    """Marketing's promise: this many qualified leads per sales rep per month."""

    model_config = _FORBID

    per_rep_per_month: int = Field(default=20, ge=1)
    sales_reps: int = Field(default=1, ge=1)
    stage: Stage = Stage.MQL
    """The stage that counts as "qualified" (by the month it was reached)."""

    @property
    def monthly_target(self) -> int:
        """Qualified leads owed per month across the team."""
        return self.per_rep_per_month * self.sales_reps


class SalesSla(BaseModel):
    """Sales' promise: first follow-up of a handed-off lead within H hours."""

    model_config = _FORBID

    followup_hours: float = Field(default=24, gt=0)


class SlaSettings(BaseModel):
    """Both sides' commitments."""

    model_config = _FORBID

    marketing: MarketingSla = MarketingSla()
    sales: SalesSla = SalesSla()


class WritebackSettings(BaseModel):
    """Campaign results written back to the MA side on a schedule."""

    model_config = _FORBID

    enabled: bool = False
    schedule: str = "every 1h"
    """When the daemon runs the write-back (same syntax as flow schedules)."""
    match_field: str = "name"
    """The MA campaign property holding the campaign name (the upsert key)."""
    since_days: int | None = Field(default=None, ge=1)
    """Count leads created in the last N days only (default: all history)."""
    fields: dict[WritebackField, str] = Field(default_factory=_default_fields)
    """Result -> MA property name; leave a result out to not write it."""

    @field_validator("schedule")
    @classmethod
    def _valid_schedule(cls, value: str) -> str:
        from connector.schedule import parse_schedule

        parse_schedule(value)
        return value


class PlanSettings(BaseModel):
    """How far back ``connector plan`` measures deal size and conversion."""

    model_config = _FORBID

    history_months: int = Field(default=12, ge=1, le=120)


class ReportingSettings(BaseModel):
    """The whole of ``reporting.toml``."""

    model_config = _FORBID

    currency: str = Field(default="JPY", min_length=3, max_length=8)
    """Revenue is summed in this currency; deals in others are counted apart."""
    timezone: str = "+09:00"
    """Where months and dates begin (``+09:00`` = JST, or an IANA name)."""
    attribution: AttributionSettings = AttributionSettings()
    sla: SlaSettings = SlaSettings()
    writeback: WritebackSettings = WritebackSettings()
    plan: PlanSettings = PlanSettings()

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        parse_timezone(value)
        return value

    @property
    def tz(self) -> tzinfo:
        """The report time zone as a tzinfo."""
        return parse_timezone(self.timezone)


def load_reporting(path: Path) -> ReportingSettings:
    """Load ``reporting.toml``; a missing file means the documented defaults.

    Raises:
        MappingError: the file is not TOML or has unknown/invalid keys; its
            ``problems`` name the file and the dotted key of each.
    """
    return load_toml_model(
        path,
        ReportingSettings,
        hint="fix each key listed; docs/reporting.md describes every key",
    )
