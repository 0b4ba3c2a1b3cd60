"""Walking a list endpoint page by page, in each pagination style APIs use.

Every style ends on the first of: no next page, an empty page, ``has_more`` false,
or ``max_pages``. Counted styles (page, offset) trust neither a short page nor the
page size asked for, since APIs cap it silently: they read until an empty page.
Next-page links are resolved against the URL that returned them, so Salesforce's
``/services/data/...`` paths work under any ``base_url``. Templated parameters
(:mod:`adapters.rest.templates`) are rendered again between pages by the caller's
``rerender``: with ``{offset}`` for the offset style, and from the last record
read for ``seek``, which ends on a page shorter than ``page_size`` (resuming from
the cursor loses nothing if an API returned fewer than it was asked for).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from adapters.rest.paths import MISSING, get_path
from adapters.rest.settings import ListSettings
from connector.errors import AdapterError
from connector.http import HttpClient

__all__ = ["RawPage", "Rerender", "fetch_pages", "records_at"]


@dataclass(frozen=True, slots=True)
class RawPage:
    """One response's records, before they become :class:`Record` objects."""

    number: int
    items: list[Any]
    url: str


Rerender = Callable[[RawPage, int], "dict[str, Any] | None"]
"""Parameters for the page after ``RawPage`` (records read so far given); None ends."""


def records_at(body: Any, path: str, *, system: str, url: str) -> list[Any]:
    """The record list at ``path`` in a response body.

    Raises:
        AdapterError: the path is missing or not a list (names path and URL).
    """
    items = get_path(body, path)
    if items is None:
        return []
    if items is MISSING or not isinstance(items, list):
        found = "nothing" if items is MISSING else type(items).__name__
        raise AdapterError(
            f"{system}: no record list at {path or '(body)'!r} in {url}; found {found}",
            hint="set records_path to the dotted path of the list in the response",
            context={"system": system, "url": url, "records_path": path},
        )
    return items


def _json(response: httpx.Response, system: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise AdapterError(
            f"{system}: {response.request.url.path} did not answer JSON",
            hint="check base_url and the list path",
            context={"system": system, "status": response.status_code},
            status=response.status_code,
            body=response.text[:500],
        ) from None


def fetch_pages(
    http: HttpClient,
    spec: ListSettings,
    params: Mapping[str, Any],
    *,
    rerender: Rerender | None = None,
) -> Iterator[RawPage]:
    """Yield every page of a listing, starting with ``params``.

    ``rerender`` gives the next page's parameters for ``seek`` (without it a
    seek listing is read one page) and for ``offset`` when the offset sits in a
    template.

    Raises:
        AdapterError: a response is not JSON, has no record list, or repeats the
            previous next-page token (an endless loop).
    """
    system = http.adapter
    style = spec.pagination
    url = spec.path
    query: dict[str, Any] | None = dict(params)
    page_number = style.first_page
    offset = 0
    seen_tokens: set[str] = set()
    for number in range(1, style.max_pages + 1):
        response = http.request("GET", url, params=query)
        body = _json(response, system)
        where = str(response.request.url.copy_with(query=None))
        items = records_at(body, spec.records_path, system=system, url=where)
        yield RawPage(number, items, where)
        if not items or (
            style.has_more_path and not get_path(body, style.has_more_path, False)
        ):
            return
        if style.style == "none":
            return
        if style.style == "seek":
            if rerender is None:
                return  # nothing to seek from: one page (vocabulary samples)
            offset += len(items)
            following = rerender(RawPage(number, items, where), offset)
            if following is None:
                return
            query = following
            continue
        if style.style in ("page", "offset"):
            # A short page does not prove the end: many APIs cap the page size
            # below what we asked for, so only an empty page (or has_more) stops.
            page_number += 1
            offset += len(items)
            counter = (
                {style.page_param: page_number}
                if style.style == "page"
                else {style.offset_param: offset}
            )
            query = (
                rerender(RawPage(number, items, where), offset)
                if rerender is not None and style.style == "offset"
                else None
            )
            if query is None:
                query = {**params, **counter}
            continue
        token = _next_token(response, body, spec)
        if not token:
            return
        if token in seen_tokens:
            raise AdapterError(
                f"{system}: {spec.path} returned the same next page twice ({token})",
                hint="check the pagination settings of this entity",
                context={"system": system, "path": spec.path},
            )
        seen_tokens.add(token)
        if style.style == "cursor":
            query = {**params, style.cursor_param: token}
        else:
            url, query = str(response.request.url.join(token)), None


def _next_token(response: httpx.Response, body: Any, spec: ListSettings) -> str | None:
    style = spec.pagination
    if style.style == "link_header":
        link = response.links.get("next", {}).get("url")
        return str(link) if link else None
    path = style.next_cursor_path if style.style == "cursor" else style.next_url_path
    value = get_path(body, path or "", None)
    return None if value in (None, "", MISSING) else str(value)
