"""Fixtures: a fresh fake org and a client logged in to it over its API."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.hubspot.clock import FakeClock
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import api_client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> FakeSalesforce:
    return FakeSalesforce(clock=clock)


@pytest.fixture
def api(fake: FakeSalesforce) -> Iterator[httpx.Client]:
    with api_client(fake) as client:
        yield client
