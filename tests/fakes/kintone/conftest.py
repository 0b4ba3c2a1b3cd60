"""A domain with a customer app (7) and a second app (8), each with its own token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.kintone import App, FakeKintone, Field

TOKEN, OTHER_TOKEN = "tok-app-7", "tok-app-8"


def customers() -> App:
    return App(
        7,
        {
            "会社名": Field("SINGLE_LINE_TEXT", required=True),
            "メール": Field("SINGLE_LINE_TEXT", unique=True),
            "従業員数": Field("NUMBER"),
            "ステータス": Field("DROP_DOWN", options=("新規", "商談中", "受注")),
            "メモ": Field("SINGLE_LINE_TEXT"),
        },
        tokens={TOKEN},
    )


def make_fake(**switches: object) -> FakeKintone:
    fake = FakeKintone(users={"sync": "pw"}, **switches)  # type: ignore[arg-type]
    fake.add_app(customers())
    fake.add_app(App(8, {"名前": Field("SINGLE_LINE_TEXT")}, tokens={OTHER_TOKEN}))
    return fake


def client_for(fake: FakeKintone, token: str | None = TOKEN) -> httpx.Client:
    headers = {"X-Cybozu-API-Token": token} if token else {}
    return httpx.Client(
        transport=httpx.MockTransport(fake.handle),
        base_url="https://example.cybozu.com",
        headers=headers,
    )


@pytest.fixture
def fake() -> FakeKintone:
    return make_fake()


@pytest.fixture
def api(fake: FakeKintone) -> Iterator[httpx.Client]:
    with client_for(fake) as client:
        yield client
