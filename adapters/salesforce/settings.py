"""Settings of the Salesforce adapter (``[sfa]`` with ``adapter = "salesforce"``).

Every figure the fact sheet marks unconfirmed (query batch size, how much of the
org's daily allocation other integrations need, how long a Bulk job may take) is
a setting, so an org that differs is a config change. Secrets are ``SecretStr``
and belong in the environment (``CONNECTOR_SFA__AUTH__CLIENT_SECRET``) or in
``/run/secrets``, never in the TOML file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SecretStr,
    Tag,
    field_validator,
    model_validator,
)

__all__ = [
    "CampaignSettings",
    "ClientCredentials",
    "DealSettings",
    "JwtBearer",
    "LimitSettings",
    "PersonSettings",
    "SalesforceAuth",
    "SalesforceSettings",
]

_STRICT = ConfigDict(extra="forbid", frozen=True)
_VERSION = re.compile(r"^v?(\d{2,3})\.0$")


class ClientCredentials(BaseModel):
    """OAuth 2.0 client credentials: the app's consumer key and secret (§2).

    The token is issued for the app's run-as (integration) user. Salesforce
    gives no refresh token and no ``expires_in``; a new token is fetched when
    the API answers 401 ``INVALID_SESSION_ID``.
    """

    model_config = _STRICT
    type: Literal["client_credentials"] = "client_credentials"
    client_id: str
    """The consumer key of the connected app / external client app."""
    client_secret: SecretStr
    client_auth: Literal["body", "basic"] = "body"
    """Send id and secret in the form body or as HTTP Basic; both are accepted."""


class JwtBearer(BaseModel):
    """OAuth 2.0 JWT bearer: a certificate-signed assertion for ``username`` (§2).

    The assertion is signed (RS256) with the certificate's PEM private key.
    """

    model_config = _STRICT
    type: Literal["jwt_bearer"]
    client_id: str
    """The consumer key (the JWT ``iss``)."""
    username: str
    """The Salesforce user the connector acts as (the JWT ``sub``)."""
    private_key: SecretStr | None = None
    """The PEM private key itself (from ``CONNECTOR_SFA__AUTH__PRIVATE_KEY``)."""
    private_key_file: Path | None = None
    """Or a path to the PEM file (a mounted secret), relative to the config."""
    audience: str | None = None
    """The JWT ``aud``; default ``https://login.salesforce.com``, or
    ``https://test.salesforce.com`` when ``login_url`` is a sandbox host."""
    lifetime_seconds: int = Field(default=180, ge=30, le=3600)
    """How long an assertion is valid (``exp``); Salesforce allows a few minutes."""

    @model_validator(mode="after")
    def _one_key(self) -> JwtBearer:
        if (self.private_key is None) == (self.private_key_file is None):
            raise ValueError("set exactly one of private_key and private_key_file")
        return self


def _grant_type(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("type", "client_credentials"))
    return str(getattr(value, "type", "client_credentials"))


SalesforceAuth = Annotated[
    Annotated[ClientCredentials, Tag("client_credentials")]
    | Annotated[JwtBearer, Tag("jwt_bearer")],
    Discriminator(_grant_type),
]
"""One of the two server-to-server grants, chosen by ``type`` (default
``client_credentials``)."""


class LimitSettings(BaseModel):
    """Retries and the share of the org's API allocation the connector leaves alone."""

    model_config = _STRICT
    reserve: float = Field(default=0.2, ge=0, lt=1)
    """Share of the org's rolling 24 h allocation (``Sforce-Limit-Info``) kept for
    other integrations: the run stops cleanly once usage passes ``1 - reserve``
    (tap-salesforce stops at 80 %, the default here)."""
    retry_after_minutes: int = Field(default=60, ge=1, le=1440)
    """When a 403 REQUEST_LIMIT_EXCEEDED stops a run, the hint names a retry this
    far ahead: the allocation is rolling, so usage falls as old requests age out."""
    max_attempts: int = Field(default=8, ge=1, le=20)
    """Attempts per request for 5xx, dropped connections and the 403
    ConcurrentRequests variant (1, 2, 4 ... 60 s outlasts a two-minute outage)."""
    backoff_base: float = Field(default=1.0, ge=0)
    backoff_max: float = Field(default=60.0, ge=0)
    timeout: float = Field(default=120.0, gt=0)
    """Seconds per request: a wide SOQL batch can take long (REST calls end at
    10 minutes on Salesforce's side)."""


class PersonSettings(BaseModel):
    """Which sObjects make up ``persons`` and which of their fields are read.

    Salesforce keeps unqualified people as Leads and people on an account as
    Contacts (§8). Both are read as one entity: a record's ``sObjectType`` field
    says which, and the id's key prefix does too. New people are created as
    ``create_as``.
    """

    model_config = _STRICT
    objects: tuple[Literal["Lead", "Contact"], ...] = ("Lead", "Contact")
    create_as: Literal["Lead", "Contact"] = "Lead"
    fields: tuple[str, ...] = (
        "FirstName",
        "LastName",
        "Email",
        "Phone",
        "Company",
        "Title",
        "Status",
        "LeadSource",
        "OwnerId",
        "AccountId",
    )
    """Read from each object that has them (describe decides); the mappings'
    fields are added on their own (``select_fields``)."""

    @field_validator("objects")
    @classmethod
    def _some(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or len(set(value)) != len(value):
            raise ValueError("list Lead and/or Contact, each once")
        return value


class DealSettings(BaseModel):
    """Which Opportunity fields are read (``deals``)."""

    model_config = _STRICT
    fields: tuple[str, ...] = (
        "Name",
        "StageName",
        "Amount",
        "CloseDate",
        "IsClosed",
        "IsWon",
        "AccountId",
        "OwnerId",
        "LeadSource",
    )


class CampaignSettings(BaseModel):
    """Campaign influence read from Campaign and CampaignMember (§13).

    Off by default: it costs about one request per 370 persons read (their
    memberships) plus one per pull (membership changes), and the run-as user
    needs read access to Campaign and CampaignMember.
    """

    model_config = _STRICT
    enabled: bool = False
    """Add ``CampaignName`` (and the other campaign fields) to persons and deals."""
    responded_only: bool = True
    """Count only memberships that responded (``HasResponded``, set by the
    member status) as a person's campaign touches; False counts every
    membership (being sent an invitation too)."""
    pick: Literal["latest", "first"] = "latest"
    """Which touch is the person's ``CampaignName``: the latest (the store keeps
    the first it saw as first touch and the last before MQL), or the first
    ever (for first-touch reports on people who had campaigns before the first
    sync)."""


class SalesforceSettings(BaseModel):
    """Connection and behaviour of the Salesforce adapter."""

    model_config = _STRICT

    auth: SalesforceAuth
    login_url: str = "https://login.salesforce.com"
    """Where tokens come from: ``https://login.salesforce.com``,
    ``https://test.salesforce.com`` (sandboxes) or the org's My Domain. API
    calls go to the ``instance_url`` of the token answer."""
    api_version: str = "62.0"
    """``62.0`` (Winter '25) or later; ``connector config check`` / ``check()``
    confirms the org offers it (``GET /services/data/``)."""
    external_id_field: str = "Connector_Id__c"
    """The external-id field the connector owns on Lead and Contact; upserts
    match on it (``[flows.handoff] sfa_key_field`` should name it too)."""
    save_alerted_duplicates: bool = False
    """Send ``Sforce-Duplicate-Rule-Header: allowSave=true``, so a duplicate rule
    set to *alert* saves the record anyway. Off by default: a duplicate the rule
    finds is updated instead of a second record being made (block rules never
    save; their match is updated too)."""
    page_size: int = Field(default=2000, ge=200, le=2000)
    """Rows per query batch (``Sforce-Query-Options: batchSize``); Salesforce may
    send fewer."""
    bulk_threshold: int = Field(default=10_000, ge=0)
    """A full pull (backfill) of an object with more rows than this uses a Bulk
    API 2.0 query job instead of REST batches; 0 always uses Bulk."""
    bulk_page_size: int = Field(default=50_000, ge=1, le=1_000_000)
    """Rows per Bulk result page (``maxRecords``); each page is one checkpoint."""
    bulk_poll_seconds: float = Field(default=2.0, gt=0)
    """First wait between job status reads; doubles up to 30 s."""
    bulk_timeout_seconds: float = Field(default=3600.0, gt=0)
    """A job not complete by then is aborted and the run fails (it resumes)."""
    describe_ttl_seconds: float = Field(default=3600.0, ge=0)
    """How long describe answers (fields, picklists) are reused."""
    persons: PersonSettings = PersonSettings()
    deals: DealSettings = DealSettings()
    campaigns: CampaignSettings = CampaignSettings()
    limits: LimitSettings = LimitSettings()

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        match = _VERSION.match(value.strip())
        if match is None:
            raise ValueError('api_version looks like "62.0"')
        if int(match.group(1)) < 31:
            raise ValueError("api_version must be 31.0 or later (older ones retired)")
        return f"{int(match.group(1))}.0"

    @field_validator("login_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("login_url must start with https://")
        return value.rstrip("/")

    @property
    def major(self) -> int:
        """The API version as a number (62 for ``62.0``)."""
        return int(self.api_version.split(".")[0])
