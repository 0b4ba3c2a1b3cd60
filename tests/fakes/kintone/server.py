"""The fake domain over real HTTP on loopback (:mod:`tests.fakes.loopback`)."""

from __future__ import annotations

from tests.fakes.kintone.app import FakeKintone
from tests.fakes.loopback import LoopbackServer

__all__ = ["FakeKintoneServer"]


class FakeKintoneServer(LoopbackServer):
    """Serve ``fake`` at ``http://127.0.0.1:<port>`` until closed (0: any port)."""

    def __init__(self, fake: FakeKintone, port: int = 0) -> None:
        self.fake = fake
        super().__init__(fake.handle, port)
