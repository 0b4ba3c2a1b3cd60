"""Fixtures: a fake HubSpot portal and adapters wired to it on one fake clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from adapters.hubspot import HubSpotAdapter, HubSpotSettings
from tests.fakes.hubspot import FakeClock, FakeHubSpot

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"

MakeAdapter = Callable[..., HubSpotAdapter]


@pytest.fixture
def clock() -> FakeClock:
    """A clock that only moves when requests take time or someone sleeps."""
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> FakeHubSpot:
    """A fresh fake portal on the shared clock."""
    return FakeHubSpot(token=TOKEN, clock=clock)


@pytest.fixture
def make_adapter(clock: FakeClock) -> Iterator[MakeAdapter]:
    """Build adapters against a fake, with settings overrides."""
    made: list[HubSpotAdapter] = []

    def build(portal: FakeHubSpot, **options: Any) -> HubSpotAdapter:
        settings = HubSpotSettings.model_validate({"token": TOKEN, **options})
        adapter = HubSpotAdapter(
            "ma",
            settings,
            transport=portal.transport(),
            clock=clock.monotonic,
            sleep=clock.sleep,
            wall_clock=clock.time,
        )
        made.append(adapter)
        return adapter

    yield build
    for adapter in made:
        adapter.close()


@pytest.fixture
def adapter(fake: FakeHubSpot, make_adapter: MakeAdapter) -> HubSpotAdapter:
    """An adapter on the default (2026-03) paths, no look-back, search only."""
    return make_adapter(fake, lookback_seconds=0, catch_up_by_list_above=None)
