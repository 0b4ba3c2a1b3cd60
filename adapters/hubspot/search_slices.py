"""A catch-up by search in time slices, several searches in flight at once.

Keyset paging asks each page from the last stamp of the one before, so one
read has one search in flight: at 150-400 ms an answer, it uses one to three
of the 5 searches a second HubSpot allows. When the first page's ``total``
says more pages follow, the time from that page's last stamp to now is cut
into ``max_in_flight`` slices, each read by keyset in its own thread
(:func:`adapters.hubspot.read_ahead.read_ahead`, which also bounds how far
each slice reads ahead), and their pages are handed out slice by slice.

Nothing is lost or repeated by slicing. The slices are disjoint (each is
``[start, end)``, the last one open) and cover everything after the first
page. A page's cursor is its slice's last stamp, handed out only after every
earlier slice: so it is what a single keyset read would have left there. A
record edited while the slices run moves to a later stamp, into the last
slice or past it, exactly as it does for a single read; what the last slice
did not see is the next pull's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from adapters.hubspot.read_ahead import read_ahead
from adapters.protocol import Page

if TYPE_CHECKING:
    from adapters.hubspot.pull import Puller

__all__ = ["time_slices"]


def time_slices(
    puller: Puller,
    low: int,
    *,
    seen: tuple[int, tuple[str, ...]],
    first: tuple[list[dict[str, Any]], int] | None = None,
) -> Iterator[Page]:
    """Pages of the records stamped from ``low`` on, in stamp order.

    ``first`` is the answer to the query from ``low`` when the caller already
    sent it; ``seen`` the stored cursor's stamp and the ids handed out at it.
    """
    settings = puller.settings
    if first is None:
        first = puller.search_from(low)
    objects, total = first
    size = settings.search_page_size
    slices = min(settings.max_in_flight, math.ceil(max(total - size, 0) / size))
    top = puller.stamp(objects[-1]) if objects else low
    now = puller.wall_ms()
    if (
        slices < 2
        or len(objects) < size
        or now - top < slices
        or puller.stamp(objects[0]) == top  # a tie page: read by id first
    ):
        yield from puller.time_phase(low, seen=seen, first=objects)
        return
    bounds = [top + 1 + (now - top) * n // slices for n in range(1, slices)]
    producers: list[Callable[[], Iterator[Page]]] = [
        partial(puller.time_phase, low, seen=seen, high=bounds[0], first=objects)
    ]
    for n, start in enumerate(bounds):
        end = bounds[n + 1] if n + 1 < len(bounds) else None
        producers.append(partial(puller.time_phase, start, seen=seen, high=end))
    depth = max(settings.read_ahead_pages, 1)
    yield from read_ahead(
        producers, depth=depth, join_timeout=settings.limits.timeout + 5
    )
