"""Campaign results written back to a fake MA side."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from structlog.testing import capture_logs

from adapters.protocol import (
    Adapter,
    Capabilities,
    CheckResult,
    Cursor,
    Entity,
    Page,
    PushOutcome,
    PushResult,
    WriteOp,
)
from connector.records import Activity
from connector.reports.config import ReportingSettings
from connector.reports.writeback import write_back_campaigns
from connector.store import StateStore
from tests.reports.fixture import t


class FakeMa:
    """An MA side that keeps campaigns by name and refuses the names it is told to."""

    name = "ma"

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.campaigns: dict[str, dict[str, Any]] = {}
        self.pushes: list[tuple[Entity, list[WriteOp]]] = []
        self.refuse = refuse or set()

    def check(self) -> CheckResult:
        return CheckResult(ok=True, message="fake")

    def pull(
        self, entity: Entity, cursor: Cursor | None, *, full: bool = False
    ) -> Iterator[Page]:
        return iter(())

    def push(self, entity: Entity, batch: Sequence[WriteOp]) -> PushResult:
        self.pushes.append((entity, list(batch)))
        outcomes = []
        for op in batch:
            assert op.match_field is not None
            name = op.fields[op.match_field]
            if name in self.refuse:
                outcomes.append(
                    PushOutcome(op.key, ok=False, error="no such campaign", status=404)
                )
                continue
            created = name not in self.campaigns
            self.campaigns.setdefault(name, {}).update(op.fields)
            outcomes.append(
                PushOutcome(op.key, ok=True, id=f"c-{name}", created=created)
            )
        return PushResult(outcomes)

    def vocabulary(self, field: str) -> list[str]:
        return []

    def select_fields(self, entity: Entity, fields: Sequence[str]) -> None:
        pass

    def capabilities(self) -> Capabilities:
        return Capabilities.of(push=["campaigns"], upsert=["campaigns"])

    def activities_for(self, record_id: str, since: datetime) -> list[Activity] | None:
        return None

    def close(self) -> None:
        return None


def test_fake_is_an_adapter() -> None:
    """The fake satisfies the Adapter protocol, so the test exercises the real seam."""
    assert isinstance(FakeMa(), Adapter)


def test_results_land_on_the_campaigns(
    story: StateStore, settings: ReportingSettings
) -> None:
    """All history by first touch: Webinar has P1 P2 P6 P8 (2 won, 600,000)."""
    fake = FakeMa()
    summary = write_back_campaigns(story, fake, settings, now=t(5, 10))
    assert summary.written == 3  # Webinar, Ads, Expo; "(none)" is never written
    assert {entity for entity, _ in fake.pushes} == {"campaigns"}
    webinar = fake.campaigns["Webinar"]
    assert webinar == {
        "name": "Webinar",
        "connector_leads": 4,
        "connector_sql": 2,  # P1 (event), P8 (won implies sql)
        "connector_won": 2,
        "connector_revenue": str(Decimal(500000 + 100000)),
        "connector_rejected_rate": round(1 / 3, 4),  # P2 of MQLs P1 P2 P8
    }
    ads = fake.campaigns["Ads"]
    assert (ads["connector_leads"], ads["connector_revenue"]) == (2, "300000")


def test_unchanged_results_are_not_resent(
    story: StateStore, settings: ReportingSettings
) -> None:
    """A second run with nothing new pushes nothing."""
    fake = FakeMa()
    write_back_campaigns(story, fake, settings, now=t(5, 10))
    again = write_back_campaigns(story, fake, settings, now=t(5, 10))
    assert (again.written, again.unchanged) == (0, 3)
    assert len(fake.pushes) == 1


def test_a_refused_campaign_is_retried_next_time(
    story: StateStore, settings: ReportingSettings
) -> None:
    """A campaign the MA side refuses is reported and re-sent on the next run."""
    refusing = FakeMa(refuse={"Expo"})
    with capture_logs() as logs:
        first = write_back_campaigns(story, refusing, settings, now=t(5, 10))
    assert [o.key for o in first.failed] == ["Expo"]
    assert [(e["event"], e["campaign"]) for e in logs] == [
        ("campaign_writeback_rejected", "Expo")
    ]
    fixed = FakeMa()
    second = write_back_campaigns(story, fixed, settings, now=t(5, 10))
    assert (second.written, second.unchanged) == (1, 2)
    assert list(fixed.campaigns) == ["Expo"]


def test_property_names_come_from_config(story: StateStore) -> None:
    """Only the configured results are written, under the configured names."""
    settings = ReportingSettings.model_validate(
        {"writeback": {"match_field": "title", "fields": {"won": "closed_won"}}}
    )
    fake = FakeMa()
    write_back_campaigns(story, fake, settings, now=t(5, 10))
    assert fake.campaigns["Webinar"] == {"title": "Webinar", "closed_won": 2}
