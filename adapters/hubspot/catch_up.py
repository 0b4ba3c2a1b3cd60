"""A large catch-up read through the list endpoint, then continued by search.

Search serves 200 records a request but only 5 requests a second, lags writes
and needs keyset restarts past 10,000 results; the list serves 100 a request
within the 10-second bucket (up to 25 a second), with neither lag nor cap, but
has no modified-since filter: it reads every record. So when the pull starts
with no cursor, or its first search's ``total`` exceeds
``catch_up_by_list_above`` and listing the whole portal takes no longer than
searching the changes at the configured limits, the changes are read by list
and filtered by last-modified time here.

Exactly once, by construction. The list hands out the records whose stamp lies
in ``[low, until)``: ``low`` is where the search would have started (cursor
less lookback) and ``until`` the catch-up's start less the lookback, so a
server clock up to ``lookback_seconds`` behind ours still puts every edit made
during the list at or after ``until``. A record edited before the list reaches
it shows its new stamp, which is at or after ``until``, so the list skips it;
one edited after is handed out as it was, and its new version has a new stamp.
The search that follows reads from ``until`` inclusive, without lookback. So
every version is handed out once: by the list if it is older than ``until``,
by the search otherwise. The records the stored cursor already handed out at
its own stamp (its ``seen`` ids) are dropped in both parts.

Cursor: while the list runs, the watermark stays the stored cursor's (so a
resumed catch-up starts from the same ``low``), the position holds the next
list token (``after``) and ``until``. The list's last page leaves ``after``
empty: the catch-up then goes on by search from ``until``, whose pages carry
ordinary cursors (one at ``until`` when the search finds nothing).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from adapters.protocol import Page

if TYPE_CHECKING:
    from adapters.hubspot.pull import PullCursor, Puller

__all__ = ["by_list", "enabled", "resume", "worth_listing"]

QUIET_PAGES = 20
"""List pages without a change after which an empty page is handed out anyway,
so a long scan commits its progress (a kill resumes near where it stopped)."""


def enabled(puller: Puller) -> bool:
    """Whether catch-ups may be read by list at all."""
    return puller.settings.catch_up_by_list_above is not None


def worth_listing(puller: Puller, changed: int) -> bool:
    """Whether ``changed`` records are read faster by listing the whole portal.

    Costs one search (the portal's size), and only for a catch-up above the
    threshold. The estimate is request count over each bucket's rate.
    """
    threshold = puller.settings.catch_up_by_list_above
    if threshold is None or changed <= threshold:
        return False
    settings = puller.settings
    limits = settings.limits
    list_seconds = math.ceil(puller.portal_size() / settings.list_page_size) / (
        limits.burst_per_10s / 10
    )
    search_seconds = (
        math.ceil(changed / settings.search_page_size) / limits.search_per_second
    )
    return list_seconds <= search_seconds


def by_list(puller: Puller, state: PullCursor) -> Iterator[Page]:
    """Start a catch-up from the stored cursor ``state`` by list, then search."""
    lookback = puller.settings.lookback_seconds * 1000
    until = max(puller.wall_ms() - lookback, 0)
    yield from _run(puller, state, until=until, after=None, listing=True)


def resume(puller: Puller, state: PullCursor) -> Iterator[Page]:
    """Go on with a catch-up whose cursor says where it stopped."""
    yield from _run(
        puller,
        state,
        until=state.until or 0,
        after=state.after,
        listing=state.after is not None,
    )


def _run(
    puller: Puller,
    state: PullCursor,
    *,
    until: int,
    after: str | None,
    listing: bool,
) -> Iterator[Page]:
    from adapters.hubspot.pull import HANDLED_FIRST, PullCursor

    low = puller.since(state)
    if listing:
        yield from _listed(puller, state, low, until, after)
        yield HANDLED_FIRST
    # The search part: from ``until`` on, as the list left it. Once it is read,
    # the cursor is an ordinary one again (at ``until`` if nothing was found).
    start = max(low, until)
    caught_up = PullCursor(start)
    moved = False
    for page in puller.searched(start, state, last=caught_up):
        moved = True
        yield page
    if not moved:
        yield Page([], caught_up.encode())


def _listed(
    puller: Puller, state: PullCursor, low: int, until: int, after: str | None
) -> Iterator[Page]:
    """Every listed record stamped in ``[low, until)`` and not handed out before."""
    from adapters.hubspot.pull import PullCursor

    seen = set(state.seen)
    quiet = 0
    for objects, token in puller.list_pages(archived=False, after=after):
        kept = []
        for obj in objects:
            stamp = puller.stamp(obj)
            if not low <= stamp < until:
                continue
            if stamp == state.ts and str(obj.get("id")) in seen:
                continue
            kept.append(puller.record(obj))
        quiet = 0 if kept else quiet + 1
        if kept or token is None or quiet >= QUIET_PAGES:
            quiet = 0
            cursor = PullCursor(state.ts, None, token, state.seen, until)
            yield Page(kept, cursor.encode())
