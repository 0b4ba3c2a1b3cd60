"""Pushing to the REST SFA: single, upsert and batch writes, one outcome per op."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from adapters.protocol import WriteOp
from connector.errors import AuthError, ConfigError
from tests.adapters.rest.conftest import AdapterFactory
from tests.fakes.sfa import FakeSfa

BATCH = {
    "batch_create": {
        "path": "/persons/batch",
        "max_size": 3,
        "result_ok_path": "success",
    },
    "batch_update": {
        "path": "/persons/batch",
        "max_size": 3,
        "result_ok_path": "success",
    },
}


def lead(key: str, **fields: Any) -> WriteOp:
    return WriteOp(
        key=key, fields={"email": f"{key}@example.jp", "last_name": "鈴木", **fields}
    )


def test_create_and_update_single_records(make_adapter: AdapterFactory) -> None:
    """Creates get the SFA's new id; updates patch the existing record."""
    fake = FakeSfa()
    existing = fake.add("persons", email="old@example.jp", last_name="旧")
    adapter = make_adapter(fake)
    result = adapter.push(
        "persons",
        [
            lead("a"),
            WriteOp(
                key="b",
                id=existing,
                fields={"last_name": "新", "owner.email": "o@example.jp"},
            ),
        ],
    )
    created, updated = result.outcomes
    assert created.ok
    assert created.created
    assert created.id in fake.tables["persons"]
    assert updated.ok
    assert not updated.created
    assert updated.id == existing
    assert fake.tables["persons"][existing]["last_name"] == "新"
    assert fake.tables["persons"][existing]["owner"] == {"email": "o@example.jp"}


def test_a_refused_record_is_rejected_and_the_rest_goes_on(
    make_adapter: AdapterFactory,
) -> None:
    """A 400 for one record is a failed 'rejected' outcome with status and body."""
    fake = FakeSfa()
    result = make_adapter(fake).push(
        "persons",
        [lead("a"), WriteOp(key="bad", fields={"email": "no-at-sign"}), lead("c")],
    )
    assert [o.ok for o in result.outcomes] == [True, False, True]
    bad = result.failed[0]
    assert (bad.key, bad.kind, bad.status) == ("bad", "rejected", 400)
    assert "REQUIRED_FIELD_MISSING" in (bad.body or "")
    assert len(fake.tables["persons"]) == 2


def test_update_of_an_unknown_id_is_rejected(make_adapter: AdapterFactory) -> None:
    """A 404 on a record's path is that record's problem, not the batch's."""
    result = make_adapter(FakeSfa()).push(
        "persons", [WriteOp(key="x", id="L99999", fields={"last_name": "無"})]
    )
    assert result.outcomes[0].kind == "rejected"
    assert result.outcomes[0].status == 404


def test_upsert_by_external_id_reports_created_then_updated(
    make_adapter: AdapterFactory,
) -> None:
    """The same upsert twice creates once, then updates the same record."""
    fake = FakeSfa()
    adapter = make_adapter(fake)
    op = WriteOp(
        key="k",
        fields={"email": "ext@example.jp", "last_name": "外部"},
        match_field="email",
    )
    first = adapter.push("persons", [op]).outcomes[0]
    second = adapter.push("persons", [op]).outcomes[0]
    assert first.ok
    assert first.created
    assert second.ok
    assert not second.created
    assert second.id == first.id
    assert len(fake.tables["persons"]) == 1
    assert (
        fake.api_calls("PUT")[0].url.raw_path
        == b"/api/v1/persons/by/email/ext%40example.jp"
    )


def test_batch_with_one_bad_record(make_adapter: AdapterFactory) -> None:
    """Batches are cut to max_size; a per-record error fails only that record."""
    fake = FakeSfa()
    adapter = make_adapter(fake, entities={"persons": {"write": BATCH}})
    ops = [lead(f"k{i}") for i in range(7)]
    ops[4] = WriteOp(key="k4", fields={"last_name": "メール無し"})
    result = adapter.push("persons", ops)
    assert [o.key for o in result.outcomes] == [op.key for op in ops]
    assert [o.ok for o in result.outcomes] == [True] * 4 + [False] + [True] * 2
    assert result.failed[0].kind == "rejected"
    assert "email" in (result.failed[0].body or "")
    assert len(fake.api_calls("POST", "/api/v1/persons/batch")) == 3
    assert all(o.created and o.id in fake.tables["persons"] for o in result.succeeded)


def test_batch_mixes_creates_and_updates_in_order(make_adapter: AdapterFactory) -> None:
    """Updates carry their id in the record; outcomes keep the batch's order."""
    fake = FakeSfa()
    existing = fake.add("persons", email="e@example.jp", last_name="既存")
    adapter = make_adapter(fake, entities={"persons": {"write": BATCH}})
    result = adapter.push(
        "persons",
        [lead("new"), WriteOp(key="upd", id=existing, fields={"last_name": "更新"})],
    )
    assert [(o.key, o.created) for o in result.outcomes] == [
        ("new", True),
        ("upd", False),
    ]
    assert fake.tables["persons"][existing]["last_name"] == "更新"


def test_all_or_nothing_batch_falls_back_to_single_writes(
    make_adapter: AdapterFactory,
) -> None:
    """A whole batch refused with 400 is resent one by one to isolate the bad record."""
    fake = FakeSfa(batch_all_or_nothing=True)
    adapter = make_adapter(fake, entities={"persons": {"write": BATCH}})
    result = adapter.push(
        "persons", [lead("a"), WriteOp(key="bad", fields={}), lead("c")]
    )
    assert [o.ok for o in result.outcomes] == [True, False, True]
    assert result.failed[0].status == 400
    assert len(fake.api_calls("POST", "/api/v1/persons")) == 3


def test_errors_listed_by_index_mark_only_those_records(
    make_adapter: AdapterFactory,
) -> None:
    """The errors_path + index shape (HubSpot-like) is read as well."""
    fake = FakeSfa()
    shape = {
        "batch_create": {
            "path": "/persons/batch",
            "errors_path": "errors",
            "error_index_path": "index",
        }
    }
    original = fake._batch

    def indexed(request: httpx.Request, entity: str) -> httpx.Response:
        response = original(request, entity)
        results = response.json()["results"]
        errors = [{"index": i, **r} for i, r in enumerate(results) if not r["success"]]
        return httpx.Response(207, json={"results": results, "errors": errors})

    fake._routes = [(m, p, indexed if r == original else r) for m, p, r in fake._routes]
    result = make_adapter(fake, entities={"persons": {"write": shape}}).push(
        "persons", [WriteOp(key="bad", fields={}), lead("b")]
    )
    assert [o.ok for o in result.outcomes] == [False, True]


def test_value_wrappers_and_body_key_shape_the_request(
    make_adapter: AdapterFactory,
) -> None:
    """kintone-style {"record": {"f": {"value": x}}} plus a fixed app id."""
    fake = FakeSfa(wrap_values=True)
    adapter = make_adapter(
        fake,
        entities={
            "persons": {
                "value_wrapper": "value",
                "write": {"body_key": "record", "body_extra": {"app": 12}},
            }
        },
    )
    result = adapter.push("persons", [lead("w", score=Decimal("12"))])
    assert result.outcomes[0].ok
    sent = fake.api_calls("POST")[0].content.decode()
    assert '"app":12' in sent
    assert '"score":{"value":12}' in sent
    pulled = next(adapter.pull("persons", None)).records[0]
    assert pulled.fields["last_name"] == "鈴木"


def test_a_value_with_no_json_form_is_invalid_not_fatal(
    make_adapter: AdapterFactory,
) -> None:
    """An unsendable value fails that op as 'invalid'; the others are written."""
    result = make_adapter(FakeSfa()).push(
        "persons", [lead("ok"), lead("bad", blob=object())]
    )
    assert [o.kind for o in result.outcomes] == [None, "invalid"]


def test_server_errors_during_push_are_retried(make_adapter: AdapterFactory) -> None:
    """A 502 burst before a create is retried; the record is written once."""
    fake = FakeSfa()
    fake.inject(502, 2)
    result = make_adapter(fake).push("persons", [lead("a")])
    assert result.outcomes[0].ok
    assert len(fake.tables["persons"]) == 1


def test_auth_failure_fails_the_whole_push(make_adapter: AdapterFactory) -> None:
    """A 401 is not a record problem: push raises instead of dead-lettering."""
    fake = FakeSfa()
    with pytest.raises(AuthError):
        make_adapter(fake, auth={"token": "revoked-token"}).push("persons", [lead("a")])


def test_missing_endpoint_is_a_config_error(make_adapter: AdapterFactory) -> None:
    """An update with no update endpoint configured names the section to add."""
    adapter = make_adapter(FakeSfa(), entities={"deals": {"write": {"update": None}}})
    with pytest.raises(ConfigError, match="no 'update' endpoint"):
        adapter.push("deals", [WriteOp(key="d", id="D1", fields={"stage": "受注"})])
