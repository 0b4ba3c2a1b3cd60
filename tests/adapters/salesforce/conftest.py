"""Fixtures: a fresh strict fake org and the Salesforce adapter wired to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.salesforce import SalesforceAdapter, SalesforceSettings
from tests.fakes.salesforce import FakeClock, FakeSalesforce

Build = Callable[..., SalesforceAdapter]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock, request: pytest.FixtureRequest) -> FakeSalesforce:
    """The fake org; ``parametrize("fake", [{...}], indirect=True)`` sets options."""
    return FakeSalesforce(clock=clock, **getattr(request, "param", {}))


def settings_for(fake: FakeSalesforce, **overrides: Any) -> SalesforceSettings:
    """Settings that log in to ``fake`` by client credentials."""
    raw: dict[str, Any] = {
        "auth": {
            "client_id": fake.options.client_id,
            "client_secret": fake.options.client_secret,
        },
        "page_size": 200,
        "limits": {"backoff_base": 0.01, "backoff_max": 0.05},
    }
    raw.update(overrides)
    return SalesforceSettings.model_validate(raw)


@pytest.fixture
def build(fake: FakeSalesforce, clock: FakeClock) -> Iterator[Build]:
    """Builds adapters on the fake (keyword overrides go to the settings)."""
    made: list[SalesforceAdapter] = []

    def make(**overrides: Any) -> SalesforceAdapter:
        adapter = SalesforceAdapter(
            "sfa",
            settings_for(fake, **overrides),
            transport=fake.transport(),
            sleep=clock.sleep,
            clock=clock.time,
        )
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        adapter.close()


@pytest.fixture
def adapter(build: Build) -> SalesforceAdapter:
    return build()


def seed_leads(
    fake: FakeSalesforce, count: int, *, at: float | None = None, start: int = 0
) -> list[str]:
    """``count`` valid leads (all stamped ``at`` when given)."""
    rows = [
        {"LastName": f"姓{i}", "Company": f"会社{i}", "Email": f"lead{i}@example.jp"}
        for i in range(start, start + count)
    ]
    return fake.seed_many("Lead", rows, at=at)


def paths(fake: FakeSalesforce, method: str, fragment: str) -> list[str]:
    """Logged request paths of ``method`` containing ``fragment``."""
    return [e.path for e in fake.log if e.method == method and fragment in e.path]
