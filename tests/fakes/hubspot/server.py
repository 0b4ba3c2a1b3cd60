"""The fake portal over real HTTP on loopback (see :mod:`tests.fakes.loopback`)."""

from __future__ import annotations

from tests.fakes.hubspot.app import FakeHubSpot
from tests.fakes.loopback import LoopbackServer

__all__ = ["FakeHubSpotServer"]


class FakeHubSpotServer(LoopbackServer):
    """Serve ``fake`` at ``http://127.0.0.1:<port>`` until closed (0: any port)."""

    def __init__(self, fake: FakeHubSpot, port: int = 0) -> None:
        self.fake = fake
        super().__init__(fake.handle, port)
