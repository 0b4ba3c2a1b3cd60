"""A strict, stateful in-process fake of the HubSpot API for adapter tests."""

from __future__ import annotations

from tests.fakes.hubspot.app import FakeHubSpot, RequestLog
from tests.fakes.hubspot.clock import FakeClock, RealClock
from tests.fakes.hubspot.search import SearchLimits

__all__ = ["FakeClock", "FakeHubSpot", "RealClock", "RequestLog", "SearchLimits"]
