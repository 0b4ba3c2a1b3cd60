"""The state store's tables (SQLAlchemy Core), one per thing we must not forget.

Times are stored as UTC and always come back timezone-aware, whatever the backend.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from typing_extensions import override

__all__ = [
    "UTCDateTime",
    "cursors",
    "dead_letters",
    "deals",
    "file_ledger",
    "fingerprints",
    "identities",
    "leases",
    "match_keys",
    "meta",
    "metadata",
    "persons",
    "provenance",
    "request_budgets",
    "runs",
    "snapshots",
    "stage_events",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A DateTime that refuses naive values and always reads back aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @override
    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store times with a timezone")
        return value.astimezone(UTC)

    @override
    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
"""Schema version and other instance-wide facts."""

cursors = Table(
    "cursors",
    metadata,
    Column("flow", String(64), primary_key=True),
    Column("source", String(128), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("run_id", String(36)),
)
"""Where each flow resumes reading each source (an adapter's opaque cursor)."""

identities = Table(
    "identities",
    metadata,
    Column("system", String(64), primary_key=True),
    Column("entity", String(32), primary_key=True),
    Column("external_id", String(255), primary_key=True),
    Column("canonical_id", String(36), nullable=False),
    Column("alias_of", String(255)),
    Column("rule", String(64), nullable=False),
    Column("score", Float),
    Column("linked_at", UTCDateTime, nullable=False),
    Column("run_id", String(36)),
    Index("ix_identities_canonical", "canonical_id"),
)
"""Identity map: each system id -> one canonical person; merged ids keep alias_of."""

match_keys = Table(
    "match_keys",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("value", String(255), primary_key=True),
    Column("canonical_id", String(36), primary_key=True),
    Index("ix_match_keys_canonical", "canonical_id"),
)
"""Normalised match keys (email, phone, blocking keys) -> canonical person."""

persons = Table(
    "persons",
    metadata,
    Column("canonical_id", String(36), primary_key=True),
    Column("email", String(320)),
    Column("first_name", String(255)),
    Column("last_name", String(255)),
    Column("company", String(255)),
    Column("phone", String(64)),
    Column("stage", String(32)),
    Column("stage_reason", Text),
    Column("score", Float),
    Column("campaign", String(255)),
    Column("first_touch", String(255)),
    Column("last_touch_before_mql", String(255)),
    Column("lead_source", String(255)),
    Column("owner", String(255)),
    Column("created_at", UTCDateTime),
    Column("handed_off_at", UTCDateTime),
    # When sales first acted on the lead in the SFA (call, mail, task), if the SFA
    # says so: the sales SLA counts from handed_off_at to this or a stage change.
    Column("first_followup_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_persons_email", "email"),
)
"""The latest canonical view of each person (for matching, reports and explain)."""

deals = Table(
    "deals",
    metadata,
    Column("system", String(64), primary_key=True),
    Column("deal_id", String(255), primary_key=True),
    Column("canonical_id", String(36)),
    Column("name", String(255)),
    Column("stage", String(32)),
    Column("stage_reason", Text),
    Column("amount", Numeric(18, 2)),
    Column("currency", String(8)),
    Column("close_date", UTCDateTime),
    Column("company", String(255)),
    Column("owner", String(255)),
    Column("pipeline", String(255)),
    Column("attribution", String(32)),
    # The contact email the deal named, even when it matched no person: the
    # report's email-domain fallback attributes the deal through its domain.
    Column("person_email", String(320)),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_deals_canonical", "canonical_id"),
)
"""The latest canonical view of each deal and whom it is attributed to."""

fingerprints = Table(
    "fingerprints",
    metadata,
    Column("flow", String(64), primary_key=True),
    Column("record_key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("target_id", String(255)),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""Hash of the last payload pushed per record: unchanged records are not re-sent."""

runs = Table(
    "runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("flow", String(64), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Column("status", String(16), nullable=False),
    Column("counts", Text, nullable=False, default="{}"),
    Column("error", Text),
    Column("mapping_version", String(64)),
    Column("holder", String(128)),
    Index("ix_runs_flow_started", "flow", "started_at"),
)
"""One row per flow run: when, how it ended, and what it counted."""

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Integer().with_variant(BigInteger(), "postgresql"), primary_key=True),
    Column("flow", String(64), nullable=False),
    Column("record_key", String(255), nullable=False),
    Column("system", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("reason", String(64), nullable=False),
    Column("error", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=1),
    Column("status", String(16), nullable=False, default="pending"),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime),
    Column("run_id", String(36)),
    UniqueConstraint("flow", "record_key", name="uq_dead_letters_flow_key"),
)
"""Records that could not be synced, with why, how often, and when to try again."""

stage_events = Table(
    "stage_events",
    metadata,
    Column("id", Integer().with_variant(BigInteger(), "postgresql"), primary_key=True),
    Column("canonical_id", String(36)),
    Column("system", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("record_id", String(255), nullable=False),
    Column("from_stage", String(32)),
    Column("to_stage", String(32), nullable=False),
    Column("reason", Text),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("run_id", String(36)),
    Index("ix_stage_events_canonical", "canonical_id", "occurred_at"),
)
"""Every canonical stage move we saw or made: the funnel's history."""

provenance = Table(
    "provenance",
    metadata,
    Column("id", Integer().with_variant(BigInteger(), "postgresql"), primary_key=True),
    Column("canonical_id", String(36)),
    Column("target_system", String(64), nullable=False),
    Column("record_id", String(255), nullable=False),
    Column("field", String(255), nullable=False),
    Column("value", Text),
    Column("origin_system", String(64), nullable=False),
    Column("rule", String(255), nullable=False),
    Column("run_id", String(36)),
    Column("written_at", UTCDateTime, nullable=False),
    Index("ix_provenance_record", "target_system", "record_id", "field"),
)
"""Each field value the connector wrote: where it came from and by which rule."""

leases = Table(
    "leases",
    metadata,
    Column("flow", String(64), primary_key=True),
    Column("holder", String(128), nullable=False),
    Column("token", BigInteger, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
"""Which replica runs which flow, until when, with a fencing token."""

file_ledger = Table(
    "file_ledger",
    metadata,
    Column("system", String(64), primary_key=True),
    Column("checksum", String(64), primary_key=True),
    Column("path", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("processed_at", UTCDateTime, nullable=False),
)
"""Inbox files already processed (by content hash), so each is read once."""

snapshots = Table(
    "snapshots",
    metadata,
    Column("system", String(64), primary_key=True),
    Column("entity", String(32), primary_key=True),
    Column("record_id", String(255), primary_key=True),
    Column("fields", Text, nullable=False),
    Column("updated_at", UTCDateTime),
    Column("seen_at", UTCDateTime, nullable=False),
)
"""Last native field values seen per record: what sync rules compare against."""

request_budgets = Table(
    "request_budgets",
    metadata,
    Column("system", String(64), primary_key=True),
    Column("window_start", UTCDateTime, primary_key=True),
    Column("used", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""API requests counted per system and budget window, so a quota survives restarts."""
