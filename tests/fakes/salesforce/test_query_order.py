"""§3-§4: SystemModstamp ties, the (SystemModstamp, Id) watermark, literals, ids."""

from __future__ import annotations

import httpx

from tests.fakes.hubspot.clock import START, FakeClock
from tests.fakes.salesforce import FakeSalesforce
from tests.fakes.salesforce.ids import canonical_id
from tests.fakes.salesforce.testkit import api_client, query


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["Id"] for r in response.json()["records"]]


def test_equal_system_modstamp_rows_are_ordered_by_id(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A bulk edit's 50 rows share one stamp and come in Id order after it."""
    ids = fake.seed_many(
        "Lead", [{"LastName": f"T{i}", "Company": "C"} for i in range(50)]
    )
    fake.edit(ids, {"Title": "Bulk"}, at=START + 3600)
    body = query(
        api, "SELECT Id, SystemModstamp FROM Lead ORDER BY SystemModstamp, Id"
    ).json()
    assert [r["Id"] for r in body["records"]] == sorted(ids)
    assert {r["SystemModstamp"] for r in body["records"]} == {
        "2026-05-01T01:00:00.000+0000"
    }


def test_tie_group_without_id_key_is_not_in_id_order(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """ORDER BY SystemModstamp alone returns a tie group in a non-Id order."""
    ids = fake.seed_many(
        "Lead", [{"LastName": f"T{i}", "Company": "C"} for i in range(50)], at=START
    )
    got = _ids(query(api, "SELECT Id FROM Lead ORDER BY SystemModstamp"))
    assert sorted(got) == sorted(ids)
    assert got != sorted(ids)


def test_insertion_order_option_keeps_creation_order() -> None:
    """unordered="insertion" returns unordered rows in creation order."""
    fake = FakeSalesforce(unordered="insertion")
    ids = fake.seed_many(
        "Lead", [{"LastName": f"T{i}", "Company": "C"} for i in range(20)]
    )
    with api_client(fake) as api:
        assert _ids(query(api, "SELECT Id FROM Lead")) == ids


def test_writes_in_one_second_share_system_modstamp(clock: FakeClock) -> None:
    """Second precision [U]: two API writes 300 ms apart get one SystemModstamp."""
    fake = FakeSalesforce(clock=clock)
    with api_client(fake) as api:
        a = api.post("/sobjects/Lead", json={"LastName": "A", "Company": "C"}).json()
        clock.advance(0.3)
        b = api.post("/sobjects/Lead", json={"LastName": "B", "Company": "C"}).json()
        stamps = {
            api.get(f"/sobjects/Lead/{x['id']}").json()["SystemModstamp"]
            for x in (a, b)
        }
    assert stamps == {"2026-05-01T00:00:00.000+0000"}


def test_millisecond_precision_option(clock: FakeClock) -> None:
    """timestamp_precision="millisecond" keeps the milliseconds."""
    fake = FakeSalesforce(clock=clock, timestamp_precision="millisecond")
    clock.advance(0.25)
    with api_client(fake) as api:
        created = api.post("/sobjects/Lead", json={"LastName": "A", "Company": "C"})
        row = api.get(f"/sobjects/Lead/{created.json()['id']}").json()
    assert row["SystemModstamp"] == "2026-05-01T00:00:00.250+0000"


def test_boundary_watermark_query_resumes_inside_a_tie_group(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """The §4 (SystemModstamp, Id) watermark resumes inside a tie group exactly."""
    ids = fake.seed_many(
        "Lead", [{"LastName": f"T{i}", "Company": "C"} for i in range(10)], at=START
    )
    later = fake.seed_many("Lead", [{"LastName": "Z", "Company": "C"}], at=START + 1)
    first = _ids(query(api, "SELECT Id FROM Lead ORDER BY SystemModstamp, Id LIMIT 4"))
    last = first[-1]
    rest = _ids(
        query(
            api,
            "SELECT Id FROM Lead WHERE SystemModstamp > 2026-05-01T00:00:00Z OR "  # noqa: S608 - test SOQL
            f"(SystemModstamp = 2026-05-01T00:00:00Z AND Id > '{last}') "
            "ORDER BY SystemModstamp, Id",
        )
    )
    assert first + rest == sorted(ids) + later


def test_datetime_literal_with_offset_compares_instants(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """2026-05-01T09:00:00+09:00 is 00:00Z; the + must be sent as %2B (§4)."""
    early = fake.seed("Lead", {"LastName": "E", "Company": "C"}, at=START - 1)
    on = fake.seed("Lead", {"LastName": "O", "Company": "C"}, at=START)
    at_or_after = (
        "SELECT Id FROM Lead WHERE SystemModstamp >= 2026-05-01T09:00:00+09:00"
    )
    before = "SELECT Id FROM Lead WHERE SystemModstamp < 2026-05-01T09:00:00+09:00"
    assert _ids(query(api, at_or_after)) == [on]
    assert _ids(query(api, before)) == [early]


def test_unencoded_plus_in_datetime_is_malformed(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """A raw + in the URL turns into a space and the query fails (§4, trip 8)."""
    raw = "SELECT+Id+FROM+Lead+WHERE+SystemModstamp+>+2026-05-01T09:00:00+09:00"
    response = api.get("/query/?q=" + raw)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_records_carry_attributes_and_rest_datetime_format(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Rows carry attributes; datetimes are ...000+0000, dates YYYY-MM-DD (§3)."""
    account = fake.seed("Account", {"Name": "A"})
    opp = fake.seed(
        "Opportunity",
        {
            "Name": "O",
            "StageName": "Prospecting",
            "CloseDate": "2026-11-01",
            "AccountId": account,
        },
    )
    [row] = query(
        api, "SELECT Id, CloseDate, CreatedDate, Account.Name FROM Opportunity"
    ).json()["records"]
    assert row == {
        "attributes": {
            "type": "Opportunity",
            "url": f"/services/data/v62.0/sobjects/Opportunity/{opp}",
        },
        "Id": opp,
        "CloseDate": "2026-11-01",
        "CreatedDate": "2026-05-01T00:00:00.000+0000",
        "Account": {
            "attributes": {
                "type": "Account",
                "url": f"/services/data/v62.0/sobjects/Account/{account}",
            },
            "Name": "A",
        },
    }


def test_null_relationship_is_null(fake: FakeSalesforce, api: httpx.Client) -> None:
    """A lookup with no value renders the relationship as null."""
    fake.seed("Contact", {"LastName": "C"})
    [row] = query(api, "SELECT Account.Name, LastName FROM Contact").json()["records"]
    assert row["Account"] is None
    assert row["LastName"] == "C"


def test_ids_are_18_characters_and_15_character_forms_are_accepted(
    fake: FakeSalesforce, api: httpx.Client
) -> None:
    """Answers carry 18-character ids; 15-character and any-case 18 find them (§3)."""
    lead = fake.seed("Lead", {"LastName": "A", "Company": "C"})
    assert len(lead) == 18
    assert lead.startswith("00Q")
    assert canonical_id(lead[:15]) == lead
    for form in (lead[:15], lead.lower(), lead):
        soql = f"SELECT Id FROM Lead WHERE Id = '{form}'"  # noqa: S608 - test SOQL
        assert _ids(query(api, soql)) == [lead]
        assert api.get(f"/sobjects/Lead/{form}").json()["Id"] == lead


def test_key_prefixes(fake: FakeSalesforce) -> None:
    """Lead 00Q, Contact 003, Account 001, Opportunity 006, Campaign 701 [U]."""
    prefixes = {
        name: fake.seed(name, fields)[:3]
        for name, fields in {
            "Lead": {"LastName": "L", "Company": "C"},
            "Contact": {"LastName": "C"},
            "Account": {"Name": "A"},
            "Opportunity": {
                "Name": "O",
                "StageName": "Prospecting",
                "CloseDate": "2026-01-01",
            },
            "Campaign": {"Name": "C"},
        }.items()
    }
    assert prefixes == {
        "Lead": "00Q",
        "Contact": "003",
        "Account": "001",
        "Opportunity": "006",
        "Campaign": "701",
    }


def test_nulls_order_and_desc(fake: FakeSalesforce, api: httpx.Client) -> None:
    """Nulls sort first by default [U]; NULLS LAST and DESC are honoured."""
    a = fake.seed("Lead", {"LastName": "A", "Company": "C", "Title": "b"})
    b = fake.seed("Lead", {"LastName": "B", "Company": "C"})
    c = fake.seed("Lead", {"LastName": "C", "Company": "C", "Title": "A"})
    assert _ids(query(api, "SELECT Id FROM Lead ORDER BY Title")) == [b, c, a]
    assert _ids(query(api, "SELECT Id FROM Lead ORDER BY Title NULLS LAST")) == [
        c,
        a,
        b,
    ]
    assert _ids(query(api, "SELECT Id FROM Lead ORDER BY Title DESC NULLS LAST")) == [
        a,
        c,
        b,
    ]
