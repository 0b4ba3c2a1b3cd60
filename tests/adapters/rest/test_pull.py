"""Pulling from the REST SFA: every pagination style, auth kind and cursor rule."""

from __future__ import annotations

import pytest

from adapters.protocol import Adapter
from connector.errors import AuthError, BudgetExhaustedError, RateLimitedError
from tests.adapters.rest.conftest import AUTH, PAGINATION, AdapterFactory, ids, pull_all
from tests.fakes.sfa import FakeSfa


def seed(fake: FakeSfa, count: int, *, same_second: int = 1) -> list[str]:
    """Add leads whose timestamps step every ``same_second`` records."""
    added = []
    for i in range(count):
        added.append(
            fake.add(
                "persons",
                email=f"u{i}@example.jp",
                last_name="佐藤",
                owner={"email": "boss@example.jp"},
            )
        )
        if (i + 1) % same_second == 0:
            fake.clock.advance(1)
    return added


def test_adapter_satisfies_the_protocol(make_adapter: AdapterFactory) -> None:
    """The REST adapter is an Adapter the registry accepts."""
    assert isinstance(make_adapter(FakeSfa()), Adapter)


@pytest.mark.parametrize("style", sorted(PAGINATION))
def test_every_pagination_style_reads_every_record_once(
    make_adapter: AdapterFactory, style: str
) -> None:
    """Each style walks all pages (the fake caps pages below the size asked)."""
    fake = FakeSfa(pagination=style, max_page_size=20)  # type: ignore[arg-type]
    added = seed(fake, 73)
    pages, _ = pull_all(make_adapter(fake))
    assert sorted(ids(pages)) == sorted(added)
    assert len(ids(pages)) == len(set(ids(pages)))
    if style != "none":
        assert len(fake.api_calls("GET", "/api/v1/persons")) >= 4


@pytest.mark.parametrize("auth", sorted(AUTH))
def test_every_auth_kind_is_accepted(make_adapter: AdapterFactory, auth: str) -> None:
    """Each configured auth kind gets through the fake's matching check."""
    fake = FakeSfa(auth=auth)  # type: ignore[arg-type]
    added = seed(fake, 5)
    pages, _ = pull_all(make_adapter(fake))
    assert ids(pages) == added


@pytest.mark.parametrize("auth", ["bearer", "basic", "api_key_header", "api_key_query"])
def test_wrong_credentials_are_an_auth_error(
    make_adapter: AdapterFactory, auth: str
) -> None:
    """A wrong secret fails fast with AuthError and is not retried."""
    fake = FakeSfa(auth=auth)  # type: ignore[arg-type]
    seed(fake, 1)
    secret_key = {"bearer": "token", "basic": "password"}.get(auth, "value")
    adapter = make_adapter(fake, auth={secret_key: "wrong-secret-value"})
    with pytest.raises(AuthError) as caught:
        pull_all(adapter)
    assert len(fake.api_calls()) == 1
    assert "wrong-secret-value" not in caught.value.one_line()


def test_oauth_token_revoked_mid_run_is_refreshed_once(
    make_adapter: AdapterFactory,
) -> None:
    """A 401 between pages fetches one new token and the pull carries on."""
    fake = FakeSfa(auth="oauth2", max_page_size=10)
    added = seed(fake, 30)
    adapter = make_adapter(fake, entities={"persons": {"list": {"page_size": 10}}})
    seen = []
    for page in adapter.pull("persons", None):
        seen += [r.id for r in page.records]
        fake.expire_tokens()
    assert seen == added
    # The first token, then one per revocation a later page ran into; each of
    # those pages was answered 401 once and resent.
    assert fake.tokens_issued == 3
    assert len(fake.api_calls("GET", "/api/v1/persons")) == 3 + 2


def test_oauth_token_is_refreshed_before_it_expires(
    make_adapter: AdapterFactory,
) -> None:
    """With the clock past expires_in minus the margin, a new token is fetched first."""
    fake = FakeSfa(auth="oauth2", token_ttl=600)
    seed(fake, 3)
    adapter = make_adapter(fake)
    pull_all(adapter)
    fake.clock.advance(541)
    pull_all(adapter)
    assert fake.tokens_issued == 2
    # Refreshed ahead of expiry: no call was answered 401 and resent.
    assert len(fake.api_calls()) == 2


def test_wrong_client_secret_is_an_auth_error(make_adapter: AdapterFactory) -> None:
    """The token endpoint's refusal becomes AuthError naming the token URL."""
    fake = FakeSfa(auth="oauth2")
    adapter = make_adapter(fake, auth={"client_secret": "not-the-secret"})
    with pytest.raises(AuthError) as caught:
        pull_all(adapter)
    assert caught.value.context["url"] == "/oauth/token"
    assert "not-the-secret" not in str(caught.value.body)


@pytest.mark.parametrize("client_auth", ["body", "basic"])
def test_oauth_client_credentials_travel_as_configured(
    make_adapter: AdapterFactory, client_auth: str
) -> None:
    """Client id and secret go in the form body or as basic auth, as configured."""
    fake = FakeSfa(auth="oauth2")
    seed(fake, 1)
    pull_all(make_adapter(fake, auth={"client_auth": client_auth, "scope": "leads"}))
    token_call = next(r for r in fake.requests if r.url.path == "/oauth/token")
    body = token_call.content.decode()
    assert ("client_secret=" in body) == (client_auth == "body")
    assert token_call.headers.get("Authorization", "").startswith("Basic") == (
        client_auth == "basic"
    )
    assert "scope=leads" in body


def test_429_burst_is_waited_out_per_retry_after(make_adapter: AdapterFactory) -> None:
    """Three 429s with Retry-After: 2 are slept through; nothing is lost."""
    fake = FakeSfa()
    added = seed(fake, 5)
    fake.inject(429, 3, headers={"Retry-After": "2"})
    pages, _ = pull_all(make_adapter(fake))
    assert ids(pages) == added
    assert fake.clock.sleeps == [2, 2, 2]


def test_persistent_429_surfaces_as_rate_limited(make_adapter: AdapterFactory) -> None:
    """More 429s than attempts end the pull with RateLimitedError."""
    fake = FakeSfa()
    seed(fake, 1)
    fake.inject(429, 10, headers={"Retry-After": "1"})
    with pytest.raises(RateLimitedError):
        pull_all(make_adapter(fake))
    assert len(fake.api_calls()) == 4


def test_5xx_mid_pull_is_retried(make_adapter: AdapterFactory) -> None:
    """A 503 on the second page is retried with backoff and the pull completes."""
    fake = FakeSfa(max_page_size=5)
    added = seed(fake, 12)
    adapter = make_adapter(fake)
    pages = adapter.pull("persons", None)
    first = next(pages)
    fake.inject(503, 2)
    rest = list(pages)
    assert ids([first, *rest]) == added
    assert len(fake.clock.sleeps) == 2


def test_salesforce_daily_limit_rule_makes_a_budget_error(
    make_adapter: AdapterFactory,
) -> None:
    """With the configured rule, 403 REQUEST_LIMIT_EXCEEDED is a budget, not auth."""
    fake = FakeSfa()
    fake.daily_limit_exhausted = True
    rule = {
        "status": 403,
        "body_contains": "REQUEST_LIMIT_EXCEEDED",
        "action": "budget",
    }
    with pytest.raises(BudgetExhaustedError):
        pull_all(make_adapter(fake, errors=[rule]))
    with pytest.raises(AuthError):
        pull_all(make_adapter(fake))


def test_rate_limit_spaces_requests(make_adapter: AdapterFactory) -> None:
    """requests-per-interval from config holds the third page back a full second."""
    fake = FakeSfa(max_page_size=5)
    seed(fake, 14)
    start = fake.clock.now
    pull_all(make_adapter(fake, rate_limit={"requests": 2, "per_seconds": 1}))
    assert fake.clock.now - start == pytest.approx(1)
