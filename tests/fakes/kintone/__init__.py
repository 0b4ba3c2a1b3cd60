"""A fake kintone domain written from kintone's documented REST contract.

In-process as an httpx transport (``httpx.MockTransport(fake.handle)``) or on
loopback with :class:`FakeKintoneServer`. See README.md for what it enforces
and which unconfirmed behaviours are switches.
"""

from __future__ import annotations

from tests.fakes.kintone.app import FakeKintone, Served
from tests.fakes.kintone.auth import AuthRules
from tests.fakes.kintone.schema import App, Field
from tests.fakes.kintone.server import FakeKintoneServer

__all__ = ["App", "AuthRules", "FakeKintone", "FakeKintoneServer", "Field", "Served"]
