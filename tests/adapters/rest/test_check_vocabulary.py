"""check() and vocabulary(): reachability and live stage values."""

from __future__ import annotations

from structlog.testing import capture_logs

from tests.adapters.rest.conftest import AdapterFactory
from tests.fakes.sfa import API_KEY, STAGES, FakeSfa


def test_check_reads_one_record_of_the_first_listing(
    make_adapter: AdapterFactory,
) -> None:
    """Without check_path, check() asks the persons listing for one record."""
    fake = FakeSfa()
    result = make_adapter(fake).check()
    assert result.ok
    assert fake.api_calls()[0].url.params["limit"] == "1"


def test_check_uses_check_path_and_reports_auth_failures(
    make_adapter: AdapterFactory,
) -> None:
    """A refused token is a failed CheckResult with the status, not an exception."""
    fake = FakeSfa()
    assert make_adapter(fake, check_path="/me").check().ok
    result = make_adapter(
        fake, check_path="/me", auth={"token": "wrong-one-here"}
    ).check()
    assert not result.ok
    assert result.details["status"] == 401
    assert "wrong-one-here" not in result.message


def test_vocabulary_from_its_endpoint(make_adapter: AdapterFactory) -> None:
    """A configured vocabulary endpoint gives the SFA's full stage list."""
    vocab = {
        "stage": {"path": "/stages", "records_path": "stages", "value_path": "name"}
    }
    adapter = make_adapter(FakeSfa(), entities={"deals": {"vocabulary": vocab}})
    assert adapter.vocabulary("stage") == sorted(STAGES)


def test_vocabulary_observed_in_records(make_adapter: AdapterFactory) -> None:
    """Without an endpoint, the values used by records are sampled."""
    fake = FakeSfa()
    for stage in ("提案", "受注", "提案"):
        fake.add("deals", name="案件", stage=stage)
    assert make_adapter(fake).vocabulary("stage") == ["受注", "提案"]


def test_api_key_in_query_never_reaches_logs(make_adapter: AdapterFactory) -> None:
    """The key travels as a query parameter but logged URLs carry no query."""
    fake = FakeSfa(auth="api_key_query")
    adapter = make_adapter(
        fake,
        auth={
            "type": "api_key",
            "name": "api_token",
            "value": API_KEY,
            "location": "query",
        },
    )
    with capture_logs() as logs:
        list(adapter.pull("persons", None))
    assert logs
    assert all(API_KEY not in str(entry) for entry in logs)
