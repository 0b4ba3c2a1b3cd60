"""Every switch of the fake org, with the default the fact sheet makes likeliest.

Behaviours the sheet marks **[U]** (unconfirmed) are switches here, so tests can
run an adapter under each choice; where the sheet gives no likeliest value the
default is the stricter one for a client (its "Notes for the strict fake").
README.md lists each switch with its sheet section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tests.fakes.salesforce.metadata import (
    DEFAULT_LEAD_STATUSES,
    DEFAULT_STAGES,
    LeadStatusDef,
    StageDef,
)
from tests.fakes.salesforce.rules import NEGATIVE_AMOUNT, ValidationRule
from tests.fakes.salesforce.schema import FieldDef

__all__ = ["DuplicateMode", "Options"]

DuplicateMode = Literal["off", "alert", "block"]
"""A duplicate rule's action: none, refuse unless ``allowSave=true``, refuse."""


def _default_rules() -> dict[str, DuplicateMode]:
    return {"Lead": "alert", "Contact": "alert"}


@dataclass(frozen=True)
class Options:
    """Constructor options of :class:`FakeSalesforce` (all keyword, all optional)."""

    # -- org, versions, auth (§1, §2) ---------------------------------------------
    instance_url: str = "https://fake-org.my.salesforce.com"
    latest_version: str = "66.0"
    """Newest version served; higher ones are 404."""
    oldest_version: str = "31.0"
    """Oldest supported version; older ones answer 410 (retired, §1)."""
    client_id: str = "3MVG9FAKE.consumer.key"
    client_secret: str = "fake-consumer-secret"
    client_credentials_enabled: bool = True
    run_as_username: str = "integration@fake-org.example"
    """The client-credentials run-as user (§2)."""
    jwt_audiences: tuple[str, ...] = (
        "https://login.salesforce.com",
        "https://test.salesforce.com",
    )
    """Accepted JWT ``aud`` values (the instance URL is accepted too)."""
    jwt_public_key_pem: bytes | None = None
    """The connected app's uploaded certificate key (PEM). When set, the RS256
    signature of every JWT assertion is verified against it, as the org does;
    when None, signatures are not checked (tests that inject a signer)."""
    session_seconds: float = 7200.0
    """Token lifetime from issue [U: org setting, default 2 h]."""
    session_requests: int | None = None
    """Tests only: a token also stops working after this many API calls, so an
    expiry lands mid-run however fast the run is (no real org does this)."""

    # -- limits (§1, §11) ---------------------------------------------------------
    daily_api_limit: int = 100_000
    """Requests per rolling 24 h [U: depends on edition and licences]."""
    long_running_limit: int = 25
    long_running_seconds: float = 20.0
    latency: float = 0.0
    """Seconds every API request takes (advances a fake clock)."""

    # -- query (§3, §4) -----------------------------------------------------------
    batch_cap: int | None = None
    """Serve batches shorter than asked (the sheet: "not guaranteed", I14)."""
    batch_size_out_of_range: Literal["clamp", "error"] = "clamp"
    """``batchSize`` outside 200..2000 [U]: clamp into range, or 400."""
    long_text_batch_cap: bool = True
    """Two or more long text fields selected: batches of 200 (§4, SOAP note)."""
    locator_ttl: float = 2 * 86_400.0
    """Seconds a query locator stays valid (§4: 2 days)."""
    locator_reuse: bool = False
    """Whether one ``nextRecordsUrl`` may be fetched twice [U: stricter no]."""
    cursor: Literal["snapshot", "rerun"] = "snapshot"
    """Rows of an open cursor: fixed at query time, or the query re-run per page
    (then concurrent writes shift rows between pages) [U]."""
    unordered: Literal["scramble", "insertion"] = "scramble"
    """Order of rows the query does not order: a stable pseudo-random one (ties
    of ``ORDER BY SystemModstamp`` come back in a non-Id order), or creation."""
    timestamp_precision: Literal["second", "millisecond"] = "second"
    """SystemModstamp precision [U: observed .000]; seconds make tie groups."""
    offset_max: int = 2000
    """Largest SOQL OFFSET [U]."""

    # -- writes (§5, §6, §7) ------------------------------------------------------
    upsert_update_status: Literal[204, 200] = 204
    """Upsert that updates: 204 (older docs) or 200 with ``created: false`` [U]."""
    external_id_in_body: Literal["error", "ignore"] = "error"
    """Upsert body that repeats the external-id field [U: stricter error]."""
    external_id_case_sensitive: bool = False
    """External-id matching [U: Salesforce's default is case-insensitive]."""
    unique_external_ids: bool = False
    """Whether ``Connector_Id__c`` is Unique (then duplicates are refused and an
    upsert can never answer 300)."""
    failed_result_id: Literal["omit", "include"] = "omit"
    """Whether a failed collection result carries ``id`` [U: observed omitted]."""
    converted_lead_updates: bool = False
    """Org setting that allows writes to converted leads (I13)."""
    validation_rules: tuple[ValidationRule, ...] = (NEGATIVE_AMOUNT,)

    # -- conversion (§3, §8) ------------------------------------------------------
    conversion_moves_system_modstamp: bool = True
    """Conversion moves the lead's SystemModstamp (the likeliest reading: it
    changes the lead's fields; no source states it) [U]."""
    conversion_moves_last_modified: bool = False
    """Conversion moves LastModifiedDate too only if True [U]."""
    conversion_adds_contact_role: bool = True
    """A primary OpportunityContactRole for the new contact [U]."""
    conversion_copies_custom_fields: bool = False
    """Custom fields (``Connector_Id__c``) mapped onto the new records [U]."""

    # -- duplicate rules (§12) ----------------------------------------------------
    duplicate_rules: Mapping[str, DuplicateMode] = field(default_factory=_default_rules)
    """Per object (Lead, Contact), matching on Email [U: per org]."""
    duplicate_detail: Literal["full", "none"] = "full"
    """Whether DUPLICATES_DETECTED carries ``duplicateResult`` naming the match
    [U: Jetstream saw none]."""

    # -- metadata (§10) -----------------------------------------------------------
    stages: Sequence[StageDef] = DEFAULT_STAGES
    lead_statuses: Sequence[LeadStatusDef] = DEFAULT_LEAD_STATUSES
    custom_fields: Mapping[str, Sequence[FieldDef]] = field(default_factory=dict)

    # -- Bulk API 2.0 (§9) --------------------------------------------------------
    bulk_polls_to_complete: int = 2
    """Job status reads before a query job is JobComplete."""
    bulk_default_max_records: int = 10_000
    """Page size when ``maxRecords`` is absent [U]."""
    bulk_quote_all: bool = True
    """Every CSV cell in double quotes [U]."""
