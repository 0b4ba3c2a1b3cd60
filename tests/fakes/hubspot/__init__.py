"""A strict, stateful fake of the HubSpot API, judged by HubSpot's own client models.

See README.md in this folder for the contract checks, switches and process mode.
"""

from __future__ import annotations

from tests.fakes.hubspot.app import FakeHubSpot, RequestLog
from tests.fakes.hubspot.clock import FakeClock, RealClock
from tests.fakes.hubspot.contract import ContractViolation
from tests.fakes.hubspot.search import SearchLimits

__all__ = [
    "ContractViolation",
    "FakeClock",
    "FakeHubSpot",
    "RealClock",
    "RequestLog",
    "SearchLimits",
]
