"""The closed loop through the real flows: the HubSpot fake and the Salesforce fake."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from connector.store import identity
from connector.store.schema import persons
from tests.adapters.salesforce.conftest import paths
from tests.fakes.hubspot import FakeClock
from tests.fakes.salesforce import FakeSalesforce
from tests.flows.harness import (
    FAKE_MAPPINGS,
    HS_TOKEN,
    ROOT,
    Wired,
    WiredApp,
    seed_contacts,
)

_SFA_STAGES = """
[sfa.persons]
field = "Status"

[sfa.persons.values]
"Open - Not Contacted" = "mql"
"Working - Contacted" = "sql"
"Closed - Converted" = "opportunity"
"Closed - Not Converted" = "rejected"

[sfa.deals]
field = "StageName"

[sfa.deals.values]
"Prospecting" = "opportunity"
"Qualification" = "opportunity"
"Needs Analysis" = "opportunity"
"Value Proposition" = "opportunity"
"Id. Decision Makers" = "opportunity"
"Perception Analysis" = "opportunity"
"Proposal/Price Quote" = "closing"
"Negotiation/Review" = "closing"
"Closed Won" = "won"
"Closed Lost" = "lost"
"""

_SFA_FIELDS = """
[sfa.persons]
LastName = { canonical = "last_name", read = ["nfkc"], sync = "if_blank" }
FirstName = { canonical = "first_name", read = ["nfkc"], sync = "if_blank" }
Company = { canonical = "company", read = ["nfkc"], sync = "if_blank" }
Email = { canonical = "email", read = ["nfkc", "trim", "lower"], sync = "if_blank" }
Status = { canonical = "stage", sync = "if_blank" }
Description = { canonical = "attributes.marketing_context", sync = "always" }
SystemModstamp = { canonical = "updated_at", read = ["datetime"], sync = "never" }

[sfa.deals]
Name = { canonical = "name", read = ["collapse_spaces"], sync = "never" }
Amount = { canonical = "amount", read = ["decimal"], sync = "never" }
currency = { canonical = "currency", const = "JPY", sync = "never" }
CloseDate = { canonical = "close_date", read = ["date"], sync = "never" }
PersonId = { canonical = "person_id", read = ["trim"], sync = "never" }
SystemModstamp = { canonical = "updated_at", read = ["datetime"], sync = "never" }
"""


def _project(folder: Path, fake: FakeSalesforce, *, sfa_extra: str = "") -> Path:
    mappings = folder / "mappings"
    mappings.mkdir()
    shutil.copy(ROOT / "mappings" / "matching.toml", mappings / "matching.toml")
    shutil.copy(FAKE_MAPPINGS / "qualification.toml", mappings / "qualification.toml")
    stages = (ROOT / "mappings" / "stages.toml").read_text(encoding="utf-8")
    cut = stages.index("# --- Sales force automation")
    (mappings / "stages.toml").write_text(stages[:cut] + _SFA_STAGES, encoding="utf-8")
    fields = (FAKE_MAPPINGS / "fields.toml").read_text(encoding="utf-8")
    ma_part = fields[: fields.index("[sfa.persons]")]
    sfa_fields = _SFA_FIELDS
    if "[sfa.campaigns]" in sfa_extra:
        sfa_fields = sfa_fields.replace(
            "[sfa.deals]\n",
            'CampaignName = { canonical = "campaign", sync = "never" }\n'
            "\n[sfa.deals]\n",
            1,
        )
    (mappings / "fields.toml").write_text(ma_part + sfa_fields, encoding="utf-8")
    (folder / "state").mkdir()
    config = folder / "config.toml"
    config.write_text(
        f"""
[state]
url = "sqlite:///state/connector.db"

[mappings]
dir = "mappings"

[ma]
adapter = "hubspot"
token = "{HS_TOKEN}"
lookback_seconds = 0

[sfa]
adapter = "salesforce"
page_size = 200

[sfa.auth]
client_id = "{fake.options.client_id}"
client_secret = "{fake.options.client_secret}"
{sfa_extra}

[flows.handoff]
sfa_key_field = "Connector_Id__c"

[server]
enabled = false
""",
        encoding="utf-8",
    )
    return config


def _open(
    tmp_path: Path,
    *,
    sfa_extra: str = "",
    edit_fields: Callable[[str], str] | None = None,
) -> tuple[FakeClock, Wired, FakeSalesforce, WiredApp]:
    """The project against both fakes, with HubSpot set up.

    ``edit_fields`` rewrites the project's fields.toml before it is opened.
    """
    clock = FakeClock()
    wired = Wired.build(clock)
    fake = FakeSalesforce(clock=clock)
    config = _project(tmp_path, fake, sfa_extra=sfa_extra)
    if edit_fields is not None:
        fields = tmp_path / "mappings" / "fields.toml"
        fields.write_text(edit_fields(fields.read_text(encoding="utf-8")), "utf-8")
    app = WiredApp.open(config, wired)
    app.transports["sfa"] = fake.transport()
    app.setup_hubspot()
    return clock, wired, fake, app


def test_handoff_then_outcomes_close_the_loop_through_salesforce(tmp_path: Path):
    """MQLs become leads keyed by Connector_Id__c; a converted, won deal comes back."""
    clock, wired, fake, app = _open(tmp_path)
    emails = seed_contacts(wired.hubspot, 3)
    clock.advance(5)
    first = app.run("handoff")
    assert first.status == "ok", first.message
    leads = {lead["Email"]: lead for lead in fake.records("Lead")}
    assert sorted(leads) == sorted(emails)
    for email, contact_id in emails.items():
        assert leads[email]["Connector_Id__c"] == contact_id
        assert leads[email]["Status"] == "Open - Not Contacted"
    linked = wired.hubspot.get("contacts", emails[min(emails)]).properties
    assert linked["sfa_lead_id"] == leads[min(emails)]["Id"]
    clock.advance(600)
    writes = len(paths(fake, "PATCH", "/composite/")) + len(
        paths(fake, "POST", "/composite/")
    )
    again = app.run("handoff")
    assert again.status == "ok"
    assert len(fake.records("Lead")) == 3
    rewrites = len(paths(fake, "PATCH", "/composite/")) + len(
        paths(fake, "POST", "/composite/")
    )
    assert rewrites == writes  # fingerprints: an unchanged lead is not sent again
    target = sorted(emails)[1]
    made = fake.convert_lead(leads[target]["Id"])
    clock.advance(5)
    assert made.opportunity_id is not None
    fake.edit(made.opportunity_id, {"StageName": "Closed Won", "Amount": 1200000})
    clock.advance(600)
    outcomes = app.run("outcomes")
    assert outcomes.status == "ok", outcomes.message
    won = wired.hubspot.get("contacts", emails[target]).properties
    assert (won["outcome"], won["amount_won"]) == ("won", "1200000")
    others = [e for e in emails if e != target]
    assert all(
        wired.hubspot.get("contacts", emails[e]).properties.get("outcome") != "won"
        for e in others
    )
    # The contact the lead became names the lead among its merged ids: once the
    # handoff has read the SFA's people again, both resolve to the one person the
    # HubSpot contact is, and no person is added.
    clock.advance(600)
    assert app.run("handoff").status == "ok"
    with app.store.read() as conn:
        people = conn.execute(select(func.count()).select_from(persons)).scalar_one()
        lead = identity.resolve(conn, "sfa", "persons", leads[target]["Id"])
        contact = identity.resolve(conn, "sfa", "persons", made.contact_id)
        marketing = identity.resolve(conn, "ma", "persons", emails[target])
        links = {
            link.external_id: link
            for link in identity.links_for(conn, contact or "")
            if link.system == "sfa"
        }
    assert lead == contact == marketing
    assert people == 3
    # Known as the contact's alias, not only matched by e-mail: a lead whose
    # contact sales gave another address still keeps its history.
    assert links[leads[target]["Id"]].alias_of == made.contact_id
    app.close()


def test_a_salesforce_leads_campaign_reaches_the_store(tmp_path: Path):
    """With campaigns on, sales' own lead is stored with its responded campaign."""
    campaigns = "[sfa.campaigns]\nenabled = true\n"
    clock, wired, fake, app = _open(tmp_path, sfa_extra=campaigns)
    lead = fake.seed(
        "Lead",
        {"LastName": "営業", "Company": "直販", "Email": "own@example.jp"},
    )
    campaign = fake.seed("Campaign", {"Name": "秋の展示会"})
    fake.seed(
        "CampaignMember",
        {
            "CampaignId": campaign,
            "LeadId": lead,
            "LeadOrContactId": lead,
            "Status": "Responded",
            "HasResponded": True,
            "FirstRespondedDate": "2026-05-01",
        },
    )
    clock.advance(5)
    # The SFA's people are read when the MA has someone to hand off.
    seed_contacts(wired.hubspot, 1)
    clock.advance(5)
    run = app.run("handoff")
    assert run.status == "ok", run.message
    with app.store.read() as conn:
        canonical = identity.resolve(conn, "sfa", "persons", lead)
        row = conn.execute(
            select(persons.c.campaign, persons.c.first_touch).where(
                persons.c.canonical_id == canonical
            )
        ).one()
    assert tuple(row) == ("秋の展示会", "秋の展示会")
    app.close()


def test_an_outcome_names_the_converted_contact_so_the_next_handoff_writes_nothing(
    tmp_path: Path,
):
    """After a conversion the outcome names the record the handoff now targets.

    Outcomes link the contact (and its opportunity) to the person, and the
    handoff targets the person's first live SFA record. Had the outcome kept
    marketing's old lead id, the handoff re-reading the contact the outcome
    just changed would write the id back: a write caused only by our own
    write, and a loop that needs a third round to go quiet.
    """

    def link_only(text: str) -> str:
        # Nothing marketing owns goes to Salesforce after the first handoff, so
        # any later write is about the link alone.
        text = text.replace('Status = { canonical = "stage", sync = "if_blank" }', "")
        return text.replace('sync = "always"', 'sync = "if_blank"')

    clock, wired, fake, app = _open(tmp_path, edit_fields=link_only)
    emails = seed_contacts(wired.hubspot, 2)
    clock.advance(5)
    assert app.run("handoff").status == "ok"
    target = min(emails)
    lead = next(r for r in fake.records("Lead") if r["Email"] == target)
    made = fake.convert_lead(lead["Id"])
    assert made.opportunity_id is not None
    clock.advance(5)
    fake.edit(made.opportunity_id, {"StageName": "Closed Won", "Amount": 500000})
    clock.advance(600)
    assert app.run("outcomes").status == "ok"
    won = wired.hubspot.get("contacts", emails[target]).properties
    assert won["outcome"] == "won"
    assert won["sfa_lead_id"] in (lead["Id"], made.contact_id)
    clock.advance(600)
    writes_before = _hubspot_writes(wired)
    again = app.run("handoff")
    assert again.status == "ok"
    assert again.counts["written_back"] == 0
    assert _hubspot_writes(wired) == writes_before
    app.close()


def _hubspot_writes(wired: Wired) -> int:
    return sum(
        1
        for entry in wired.hubspot.log
        if entry.method in ("POST", "PATCH")
        and not entry.path.endswith("/search")
        and "/batch/read" not in entry.path
    )


def test_the_outcome_of_a_merge_survivor_reaches_its_contact_without_a_handoff(
    tmp_path: Path,
):
    """Sales merged our lead into a twin it typed in, then won the twin.

    The twin shares neither e-mail nor Connector_Id__c with marketing's
    contact: only the merge (``merged_ids``) ties them. The handoff records
    merges only when it next reads the SFA, and the outcomes run that comes
    first moves its cursor past the twin, so it must follow the merge itself.
    """
    clock, wired, fake, app = _open(tmp_path)
    emails = seed_contacts(wired.hubspot, 2)
    clock.advance(5)
    assert app.run("handoff").status == "ok"
    target = min(emails)
    lead = next(r for r in fake.records("Lead") if r["Email"] == target)
    twin = fake.seed(
        "Lead",
        {"LastName": "手入力", "Company": "別名の会社", "Email": "typed@example.jp"},
    )
    clock.advance(5)
    fake.merge(twin, [lead["Id"]])
    made = fake.convert_lead(twin)
    assert made.opportunity_id is not None
    clock.advance(5)
    fake.edit(made.opportunity_id, {"StageName": "Closed Won", "Amount": 700000})
    clock.advance(600)
    assert app.run("outcomes").status == "ok"
    won = wired.hubspot.get("contacts", emails[target]).properties
    assert (won.get("outcome"), won.get("amount_won")) == ("won", "700000")
    other = wired.hubspot.get("contacts", emails[max(emails)]).properties
    assert other.get("outcome") != "won"
    app.close()


def test_an_updated_lead_whose_id_marketing_has_costs_no_write_back(tmp_path: Path):
    """Marketing edits a handed-off contact; the lead is updated, HubSpot not written.

    The contact already carries the lead's id, so writing it back after the
    update would be an MA write per pushed lead that changes nothing.
    """
    owned = 'Company = { canonical = "company", read = ["nfkc"], sync = "always" }'

    def marketing_owns_company(text: str) -> str:
        # Marketing owns the company name here, so its edit updates the lead.
        return text.replace(owned.replace('"always"', '"if_blank"'), owned)

    clock, wired, fake, app = _open(tmp_path, edit_fields=marketing_owns_company)
    emails = seed_contacts(wired.hubspot, 2)
    clock.advance(5)
    assert app.run("handoff").status == "ok"
    target = min(emails)
    clock.advance(60)
    contact = wired.hubspot.store.objects["contacts"][emails[target]]
    wired.hubspot.store.update(contact, {"company": "株式会社あたらしい"})
    clock.advance(600)
    writes_before = _hubspot_writes(wired)
    again = app.run("handoff")
    assert again.status == "ok", again.message
    lead = next(r for r in fake.records("Lead") if r["Email"] == target)
    assert lead["Company"] == "株式会社あたらしい"
    assert again.counts["written_back"] == 0
    assert _hubspot_writes(wired) == writes_before
    app.close()
