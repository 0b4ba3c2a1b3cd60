"""§4: the SOQL subset, its typed literals, and Salesforce's error bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.testkit import query


def _error(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    [error] = response.json()
    assert set(error) == {"message", "errorCode"}
    return error  # type: ignore[no-any-return]


def _ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {r["Id"] for r in response.json()["records"]}


@pytest.fixture
def leads(fake: FakeSalesforce) -> dict[str, str]:
    rows: dict[str, dict[str, Any]] = {
        "tanaka": {
            "LastName": "Tanaka",
            "Company": "Sakura K.K.",
            "Email": "tanaka@sakura.co.jp",
            "NumberOfEmployees": 50,
            "Status": "Working - Contacted",
        },
        "oreilly": {
            "LastName": "O'Reilly",
            "Company": "100% Tech_Co",
            "NumberOfEmployees": 5,
        },
        "nobody": {"LastName": "Nobody", "Company": "Null Inc"},
    }
    return {key: fake.seed("Lead", fields) for key, fields in rows.items()}


def test_unknown_field_is_invalid_field_with_location(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A field the object lacks: 400 INVALID_FIELD naming it, with row and column."""
    error = _error(query(api, "SELECT Id, Foo__c FROM Lead"))
    assert error["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Foo__c' on entity 'Lead'" in error["message"]
    assert "ERROR at Row:1:Column:12" in error["message"]


def test_unknown_object_is_invalid_type(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """An object the org lacks: INVALID_TYPE."""
    error = _error(query(api, "SELECT Id FROM Leed"))
    assert error["errorCode"] == "INVALID_TYPE"
    assert "sObject type 'Leed' is not supported" in error["message"]


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT FROM Lead",
        "SELECT Id Lead",
        "SELECT Id FROM Lead WHERE",
        "SELECT Id FROM Lead WHERE LastName = 'a' AND Company = 'b' OR Title = 'c'",
        "SELECT Id FROM Lead WHERE LastName = 'unterminated",
        "SELECT Id FROM Lead WHERE LastName = 'bad \\q escape'",
        "SELECT Id FROM Lead ORDER BY",
        "SELECT Id FROM Lead LIMIT x",
        "SELECT Id FROM Lead WHERE SystemModstamp > 2026-05-01T00:00:00",
        "SELECT Id, Id FROM Lead",
    ],
)
def test_malformed_queries(fake: FakeSalesforce, api: httpx.Client, soql: str) -> None:
    """Bad syntax, AND mixed with OR, zoneless datetimes: 400 MALFORMED_QUERY."""
    assert _error(query(api, soql))["errorCode"] == "MALFORMED_QUERY"


def test_missing_q_is_malformed(fake: FakeSalesforce, api: httpx.Client) -> None:
    """/query without q is refused."""
    assert _error(api.get("/query"))["errorCode"] == "MALFORMED_QUERY"


@pytest.mark.parametrize(
    ("soql", "code", "text"),
    [
        (
            "SELECT Id FROM Lead WHERE SystemModstamp > '2026-05-01T00:00:00Z'",
            "INVALID_FIELD",
            "must be of type dateTime and should not be enclosed in quotes",
        ),
        (
            "SELECT Id FROM Lead WHERE LastName = 5",
            "INVALID_FIELD",
            "must be of type string and should be enclosed in quotes",
        ),
        (
            "SELECT Id FROM Lead WHERE ConvertedDate = 2026-05-01T00:00:00Z",
            "INVALID_FIELD",
            "must be of type date",
        ),
        (
            "SELECT Id FROM Lead WHERE SystemModstamp > 2026-05-01",
            "INVALID_FIELD",
            "must be of type dateTime",
        ),
        (
            "SELECT Id FROM Lead WHERE IsConverted = 'true'",
            "INVALID_FIELD",
            "must be of type boolean",
        ),
        (
            "SELECT Id FROM Lead WHERE Id = 'abc'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: abc",
        ),
        (
            "SELECT Id FROM Lead WHERE Description = 'x'",
            "INVALID_FIELD",
            "can not be filtered",
        ),
        (
            "SELECT Id FROM Lead ORDER BY Description",
            "INVALID_FIELD",
            "can not be sorted",
        ),
        (
            "SELECT Owner.Nope FROM Lead",
            "INVALID_FIELD",
            "No such column 'Nope' on entity 'User'",
        ),
        (
            "SELECT Boss.Name FROM Lead",
            "INVALID_FIELD",
            "Didn't understand relationship 'Boss'",
        ),
    ],
)
def test_typed_literal_and_field_errors(
    fake: FakeSalesforce, api: httpx.Client, soql: str, code: str, text: str
) -> None:
    """Literals must fit the field's type (§4); unknown paths are INVALID_FIELD."""
    error = _error(query(api, soql))
    assert error["errorCode"] == code
    assert text in error["message"]


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT COUNT() FROM Lead",
        "SELECT Id, (SELECT Id FROM Contacts) FROM Account",
        "SELECT Id FROM Lead WHERE CreatedDate = TODAY",
        "SELECT LeadSource FROM Lead GROUP BY LeadSource",
        "SELECT Id FROM Contact WHERE AccountId IN (SELECT Id FROM Account)",
    ],
)
def test_unmodelled_soql_is_refused_not_guessed(
    fake: FakeSalesforce, api: httpx.Client, soql: str
) -> None:
    """Valid SOQL the fake does not implement says so instead of answering wrongly."""
    error = _error(query(api, soql))
    assert "not modelled by the fake" in error["message"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("LastName = 'tanaka'", {"tanaka"}),
        ("LastName != 'Tanaka'", {"oreilly", "nobody"}),
        ("LastName = 'O\\'Reilly'", {"oreilly"}),
        ("Company LIKE '100\\% Tech\\_%'", {"oreilly"}),
        ("Company LIKE 's%'", {"tanaka"}),
        ("Company LIKE '_ull%'", {"nobody"}),
        ("NumberOfEmployees > 10", {"tanaka"}),
        ("NumberOfEmployees <= 5", {"oreilly"}),
        ("NumberOfEmployees = null", {"nobody"}),
        ("NumberOfEmployees != null", {"tanaka", "oreilly"}),
        ("NumberOfEmployees != 50", {"oreilly", "nobody"}),
        ("Email IN ('TANAKA@sakura.co.jp', 'x@y.z')", {"tanaka"}),
        ("Email NOT IN ('tanaka@sakura.co.jp')", {"oreilly", "nobody"}),
        ("NOT LastName = 'Tanaka'", {"oreilly", "nobody"}),
        (
            "(LastName = 'Tanaka' OR LastName = 'Nobody') AND NumberOfEmployees = null",
            {"nobody"},
        ),
        ("IsConverted = false AND Status = 'Working - Contacted'", {"tanaka"}),
        ("NOT (NumberOfEmployees > 10 OR NumberOfEmployees < 10)", {"nobody"}),
    ],
)
def test_where_semantics(
    fake: FakeSalesforce,
    api: httpx.Client,
    leads: dict[str, str],
    where: str,
    expected: set[str],
) -> None:
    """Case-free text, literal escaped wildcards, null as a value, nested NOT."""
    got = _ids(query(api, f"SELECT Id FROM Lead WHERE {where}"))  # noqa: S608 - test SOQL
    assert got == {leads[k] for k in expected}


def test_keywords_and_field_names_ignore_case(
    fake: FakeSalesforce, api: httpx.Client, leads: dict[str, str]
) -> None:
    """Lower-case keywords and names work; answers use the API spelling."""
    body = query(api, "select id, lastname from lead where lastname = 'Tanaka'").json()
    assert body["records"][0]["LastName"] == "Tanaka"
    assert body["records"][0]["Id"] == leads["tanaka"]


def test_query_hides_deleted_rows_even_when_asked(
    fake: FakeSalesforce, api: httpx.Client, leads: dict[str, str]
) -> None:
    """The query resource never returns deleted rows, even if asked (§4)."""
    fake.delete_record(leads["nobody"])
    assert _ids(query(api, "SELECT Id FROM Lead WHERE IsDeleted = true")) == set()
    assert _ids(
        query(api, "SELECT Id FROM Lead WHERE IsDeleted = true", all_rows=True)
    ) == {leads["nobody"]}
