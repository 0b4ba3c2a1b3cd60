"""Builders for REST adapters wired to the fake SFA."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from adapters.protocol import Entity, Page
from adapters.rest import RestAdapter, RestSettings
from tests.fakes.sfa import (
    API_KEY,
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    TOKEN,
    USER,
    FakeSfa,
)

AUTH: dict[str, dict[str, Any]] = {
    "none": {"type": "none"},
    "bearer": {"type": "bearer", "token": TOKEN},
    "basic": {"type": "basic", "username": USER, "password": PASSWORD},
    "api_key_header": {"type": "api_key", "name": "X-API-Key", "value": API_KEY},
    "api_key_query": {
        "type": "api_key",
        "name": "api_token",
        "value": API_KEY,
        "location": "query",
    },
    "oauth2": {
        "type": "oauth2",
        "token_url": "/oauth/token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    },
}

PAGINATION: dict[str, dict[str, Any]] = {
    "none": {"style": "none"},
    "cursor": {"style": "cursor", "next_cursor_path": "meta.next_cursor"},
    "next_url": {"style": "next_url", "next_url_path": "links.next"},
    "page": {"style": "page"},
    "offset": {"style": "offset"},
    "link_header": {"style": "link_header"},
}


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Nested dict update, so a test overrides one key of a section."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def settings_for(fake: FakeSfa, **overrides: Any) -> dict[str, Any]:
    """Raw settings (as TOML would give them) matching the fake's behaviour."""
    listing = {
        "updated_since_param": "updated_since",
        "updated_since_format": fake.since_format,
        "updated_since_inclusive": fake.since_inclusive,
        "sort_param": "sort",
        "sort_value": "updated_at",
        "page_size": 25,
        "records_path": "data.items",
        "pagination": PAGINATION[fake.pagination],
    }
    write = {
        "create": {"method": "POST", "path": "/persons"},
        "update": {"method": "PATCH", "path": "/persons/{id}"},
        "upsert": {"method": "PUT", "path": "/persons/by/{match_field}/{match_value}"},
        "created_path": "created",
    }
    raw: dict[str, Any] = {
        "base_url": "https://sfa.test/api/v1",
        "auth": AUTH[fake.auth],
        "retry": {"attempts": 4, "backoff_base": 0.25, "jitter": 0.1},
        "entities": {
            "persons": {"list": {"path": "/persons", **listing}, "write": write},
            "deals": {
                "list": {"path": "/deals", **listing},
                "write": {
                    "create": {"path": "/deals"},
                    "update": {"method": "PATCH", "path": "/deals/{id}"},
                },
            },
        },
    }
    return deep_merge(raw, overrides)


AdapterFactory = Callable[..., RestAdapter]


@pytest.fixture
def make_adapter() -> Iterator[AdapterFactory]:
    """Build REST adapters on a fake SFA; all are closed after the test."""
    built: list[RestAdapter] = []

    def make(fake: FakeSfa, **overrides: Any) -> RestAdapter:
        settings = RestSettings.model_validate(settings_for(fake, **overrides))
        adapter = RestAdapter(
            "sfa",
            settings,
            transport=httpx.MockTransport(fake.handler),
            sleep=fake.clock.sleep,
            clock=fake.clock.time,
        )
        built.append(adapter)
        return adapter

    yield make
    for adapter in built:
        adapter.close()


def pull_all(
    adapter: RestAdapter, entity: Entity = "persons", cursor: str | None = None
) -> tuple[list[Page], str | None]:
    """Every page of one pull and the last cursor any page carried."""
    pages = list(adapter.pull(entity, cursor))
    last = cursor
    for page in pages:
        if page.cursor is not None:
            last = page.cursor
    return pages, last


def ids(pages: list[Page]) -> list[str]:
    """Record ids of pages, in order."""
    return [r.id for page in pages for r in page.records]
