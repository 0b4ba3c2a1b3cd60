"""A fake of the third-party sales system "AcmeSFA", served over real HTTP.

It is written from the vendor's published contract (see README.md here), not
from our connector's client code, so end-to-end tests can use it as an
independent oracle. Start it in-process with :class:`ThirdPartySfa` or as a
child process with :class:`SfaProcess`; both give an :class:`AdminClient`.
"""

from __future__ import annotations

from .harness import AdminClient, SfaProcess, ThirdPartySfa

__all__ = ["AdminClient", "SfaProcess", "ThirdPartySfa"]
