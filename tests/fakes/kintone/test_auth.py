"""Auth headers, with each unconfirmed behaviour tested under both choices."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.fakes.kintone import AuthRules

from .conftest import OTHER_TOKEN, TOKEN, client_for, make_fake

PASSWORD = base64.b64encode(b"sync:pw").decode()
WRONG_PASSWORD = base64.b64encode(b"sync:nope").decode()


def read(headers: dict[str, str], **switches: object) -> httpx.Response:
    fake = make_fake(**switches)
    with client_for(fake, token=None) as api:
        return api.get("/k/v1/records.json", params={"app": 7}, headers=headers)


def test_token_password_and_nothing() -> None:
    assert read({"X-Cybozu-API-Token": TOKEN}).status_code == 200
    assert read({"X-Cybozu-Authorization": PASSWORD}).status_code == 200
    for headers in ({}, {"X-Cybozu-API-Token": "nope"}):
        refused = read(headers)
        assert refused.status_code == 401
        assert refused.json()["code"] == "CB_AU01"


@pytest.mark.parametrize(("code", "status"), [("GAIA_IA02", 400), ("GAIA_NO01", 403)])
def test_token_of_another_app(code: str, status: int) -> None:
    response = read({"X-Cybozu-API-Token": OTHER_TOKEN}, auth=AuthRules(wrong_app=code))  # type: ignore[arg-type]
    assert (response.status_code, response.json()["code"]) == (status, code)


@pytest.mark.parametrize(("multi", "status"), [(True, 200), (False, 401)])
def test_comma_separated_tokens(multi: bool, status: int) -> None:
    headers = {"X-Cybozu-API-Token": f"{OTHER_TOKEN},{TOKEN}"}
    assert read(headers, auth=AuthRules(multi_token=multi)).status_code == status


@pytest.mark.parametrize(("wins", "status"), [(True, 401), (False, 200)])
def test_password_and_token_together(wins: bool, status: int) -> None:
    """A wrong password with a good token: refused only if password auth wins."""
    headers = {"X-Cybozu-Authorization": WRONG_PASSWORD, "X-Cybozu-API-Token": TOKEN}
    assert read(headers, auth=AuthRules(password_wins=wins)).status_code == status


@pytest.mark.parametrize("needs_update", [True, False])
def test_new_tokens_and_update_app(needs_update: bool) -> None:
    fake = make_fake(auth=AuthRules(tokens_need_app_update=needs_update))
    fake.add_token(7, "fresh")
    with client_for(fake, token="fresh") as api:
        before = api.get("/k/v1/records.json", params={"app": 7}).status_code
        fake.update_app(7)
        after = api.get("/k/v1/records.json", params={"app": 7}).status_code
    assert (before, after) == ((401, 200) if needs_update else (200, 200))


def test_over_loopback_http() -> None:
    """The same handler answers over real HTTP on 127.0.0.1."""
    from tests.fakes.kintone import FakeKintoneServer

    fake = make_fake()
    fake.seed(7, {"会社名": "ループ"})
    with FakeKintoneServer(fake) as server:
        response = httpx.get(
            f"{server.url}/k/v1/records.json",
            params={"app": 7, "query": '会社名 = "ループ"'},
            headers={"X-Cybozu-API-Token": TOKEN},
        )
    assert response.json()["records"][0]["会社名"]["value"] == "ループ"
