"""Batch writes: upsert by email, updates, deals with stage ids, 207/409, lifecycle."""

from __future__ import annotations

from adapters.protocol import WriteOp


def _contacts(n, prefix="p"):
    return [
        WriteOp(
            f"k{i}",
            {"email": f"{prefix}{i}@example.com", "firstname": f"N{i}"},
            match_field="email",
        )
        for i in range(n)
    ]


def test_upsert_by_email_in_batches_of_100(fake, adapter):
    """250 contacts go out as three upserts and each outcome carries its new id."""
    result = adapter.push("persons", _contacts(250))
    assert len(result.succeeded) == 250
    assert all(o.created for o in result.outcomes)
    batch_calls = [e for e in fake.log if e.path.endswith("/batch/upsert")]
    assert len(batch_calls) == 3
    for i, outcome in enumerate(result.outcomes):
        assert outcome.key == f"k{i}"
        assert (
            fake.get("contacts", outcome.id).properties["email"] == f"p{i}@example.com"
        )


def test_second_upsert_updates_instead_of_creating(fake, adapter):
    """Upserting an existing email updates that contact (created=False)."""
    first = adapter.push("persons", _contacts(3))
    again = adapter.push("persons", _contacts(3))
    assert [o.id for o in again.outcomes] == [o.id for o in first.outcomes]
    assert not any(o.created for o in again.outcomes)


def test_update_by_id_writes_string_values(fake, adapter):
    """An update by id sends string values and reports the same id."""
    cid = fake.seed("contacts", {"email": "u@example.com"})
    result = adapter.push(
        "persons",
        [WriteOp("k", {"lifecyclestage": "lead", "firstname": "Ken"}, id=cid)],
    )
    assert result.outcomes[0].ok
    assert fake.get("contacts", cid).properties["lifecyclestage"] == "lead"


def test_partial_failure_fails_only_the_bad_record(fake, adapter):
    """One invalid value becomes one rejected outcome; the other records are written."""
    ops = _contacts(5)
    ops[2] = WriteOp(
        "k2",
        {"email": "bad@example.com", "lifecyclestage": "Lead!"},
        match_field="email",
    )
    result = adapter.push("persons", ops)
    assert [o.ok for o in result.outcomes] == [True, True, False, True, True]
    failed = result.outcomes[2]
    assert failed.kind == "rejected"
    assert failed.error is not None
    assert "INVALID_OPTION" in (failed.body or "")
    assert fake.store.by_email("bad@example.com") is None


def test_create_conflict_links_to_the_existing_contact(fake, adapter):
    """409 'Contact already exists. Existing ID: N' links to N and updates it."""
    existing = fake.seed("contacts", {"email": "dup@example.com", "firstname": "Old"})
    ops = [
        WriteOp("dup", {"email": "dup@example.com", "firstname": "New"}),
        WriteOp("fresh", {"email": "fresh@example.com"}),
    ]
    result = adapter.push("persons", ops)
    dup, fresh = result.outcomes
    assert dup.ok
    assert dup.id == existing
    assert not dup.created
    assert fake.get("contacts", existing).properties["firstname"] == "New"
    assert fresh.ok
    assert fresh.created


def test_upsert_without_the_match_value_is_invalid_and_not_sent(fake, adapter):
    """An upsert by email without an email is refused before any request."""
    result = adapter.push(
        "persons", [WriteOp("k", {"firstname": "X"}, match_field="email")]
    )
    assert result.outcomes[0].kind == "invalid"
    assert fake.log == []


def test_deal_create_uses_stage_ids_and_links_the_contact(fake, adapter):
    """A deal is created with pipeline and stage ids and associated to its contact."""
    cid = fake.seed("contacts", {"email": "buyer@example.com"})
    op = WriteOp(
        "d1",
        {
            "dealname": "Renewal",
            "pipeline": "987654",
            "dealstage": "122178070",
            "amount": 1200,
        },
        associations=(("persons", cid),),
    )
    result = adapter.push("deals", [op])
    outcome = result.outcomes[0]
    assert outcome.ok
    assert outcome.created
    deal = fake.get("deals", outcome.id)
    assert deal.properties["dealstage"] == "122178070"
    assert deal.properties["amount"] == "1200"
    assert deal.associations["contacts"] == {cid}


def test_deal_stage_label_is_refused_before_sending(fake, adapter):
    """A stage label instead of its id is an invalid outcome naming the valid ids."""
    op = WriteOp("d1", {"dealname": "X", "dealstage": "Closed Won"})
    result = adapter.push("deals", [op])
    outcome = result.outcomes[0]
    assert outcome.kind == "invalid"
    assert "closedwon" in (outcome.error or "")
    assert not any("/batch/" in e.path for e in fake.log)


def test_deal_update_links_new_associations(fake, adapter):
    """Updating a deal with an association links it through the associations API."""
    cid = fake.seed("contacts", {"email": "c@example.com"})
    did = fake.seed("deals", {"dealname": "D", "dealstage": "qualifiedtobuy"})
    result = adapter.push(
        "deals",
        [
            WriteOp(
                "d",
                {"dealstage": "closedwon"},
                id=did,
                associations=(("persons", cid),),
            )
        ],
    )
    assert result.outcomes[0].ok
    assert fake.get("deals", did).associations["contacts"] == {cid}


def test_backward_lifecycle_clears_then_sets_in_separate_requests(fake, adapter):
    """With allow_backward the stage is cleared, then set in a later request."""
    cid = fake.seed(
        "contacts", {"email": "r@example.com", "lifecyclestage": "opportunity"}
    )
    op = WriteOp("r", {"lifecyclestage": "lead"}, id=cid, allow_backward=True)
    result = adapter.push("persons", [op])
    assert result.outcomes[0].ok
    assert fake.get("contacts", cid).properties["lifecyclestage"] == "lead"
    updates = [e for e in fake.log if e.path.endswith("/batch/update")]
    assert len(updates) == 2


def test_backward_lifecycle_without_marker_is_ignored_by_hubspot(fake, adapter):
    """Without allow_backward HubSpot keeps the later stage (why the field exists)."""
    cid = fake.seed(
        "contacts", {"email": "s@example.com", "lifecyclestage": "customer"}
    )
    adapter.push("persons", [WriteOp("s", {"lifecyclestage": "lead"}, id=cid)])
    assert fake.get("contacts", cid).properties["lifecyclestage"] == "customer"


def test_backward_lifecycle_works_for_upserts(fake, adapter):
    """An upsert by email with allow_backward also ends on the earlier stage."""
    fake.seed("contacts", {"email": "t@example.com", "lifecyclestage": "customer"})
    op = WriteOp(
        "t",
        {
            "email": "t@example.com",
            "lifecyclestage": "subscriber",
        },
        match_field="email",
        allow_backward=True,
    )
    assert adapter.push("persons", [op]).outcomes[0].ok
    contact = fake.store.by_email("t@example.com")
    assert contact is not None
    assert contact.properties["lifecyclestage"] == "subscriber"


def test_fake_refuses_batches_over_100_with_hubspots_body(fake, adapter):
    """The fake answers 101 inputs with HubSpot's exact VALIDATION_ERROR message."""
    response = adapter.client.request(
        "POST",
        "/crm/objects/2026-03/contacts/batch/create",
        json={"inputs": [{"properties": {"firstname": str(i)}} for i in range(101)]},
    )
    body = response.json()
    assert response.status_code == 400
    assert body["category"] == "VALIDATION_ERROR"
    assert body["message"] == (
        "The maximum number of inputs supported in a batch is 100. "
        "Please reduce the number of items and try again"
    )
    assert body["status"] == "error"
    assert "correlationId" in body
