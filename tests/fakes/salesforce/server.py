"""The fake org over real HTTP on loopback (see :mod:`tests.fakes.loopback`).

Use :attr:`~tests.fakes.loopback.LoopbackServer.url` as the instance URL.
"""

from __future__ import annotations

from tests.fakes.loopback import LoopbackServer
from tests.fakes.salesforce.app import FakeSalesforce

__all__ = ["FakeSalesforceServer"]


class FakeSalesforceServer(LoopbackServer):
    """Serve ``fake`` at ``http://127.0.0.1:<port>`` until closed (0: any port)."""

    def __init__(self, fake: FakeSalesforce, port: int = 0) -> None:
        self.fake = fake
        super().__init__(fake.handle, port)
