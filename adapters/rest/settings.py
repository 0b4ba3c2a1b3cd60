"""Settings of the generic REST adapter: the whole API described in TOML.

Salesforce, kintone, Zoho, Pipedrive, Mazrica or an in-house SFA differ in auth,
paging, where records sit in a response and how writes are shaped, not in what the
connector needs from them. Each difference is one key here, so a new SFA is a config
change, never a code change. Every model forbids unknown keys, so a typo is an error
naming the key instead of a silently ignored setting.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from adapters.rest.templates import ParamTemplates
from connector.http import Action

__all__ = [
    "ApiKeyAuth",
    "AuthSettings",
    "BasicAuth",
    "BatchSettings",
    "BearerAuth",
    "EntitiesSettings",
    "EntitySettings",
    "ErrorRule",
    "ListSettings",
    "NoAuth",
    "OAuth2ClientCredentials",
    "PaginationSettings",
    "RateLimitSettings",
    "RestSettings",
    "RetrySettings",
    "TimestampFormat",
    "VocabularySettings",
    "WriteCallSettings",
    "WriteSettings",
]

_STRICT = ConfigDict(extra="forbid", frozen=True)

TimestampFormat = Literal["iso8601", "epoch_s", "epoch_ms"]
"""How a timestamp travels: ISO 8601 text, or seconds / milliseconds since 1970."""


class NoAuth(BaseModel):
    """No authentication (an in-house API behind a VPN, or a test server)."""

    model_config = _STRICT
    type: Literal["none"] = "none"


class BearerAuth(BaseModel):
    """A fixed token sent as ``Authorization: Bearer <token>``."""

    model_config = _STRICT
    type: Literal["bearer"]
    token: SecretStr
    header: str = "Authorization"
    scheme: str = "Bearer"
    """Put before the token; empty sends the bare token (some APIs want that)."""


class BasicAuth(BaseModel):
    """HTTP basic authentication."""

    model_config = _STRICT
    type: Literal["basic"]
    username: str
    password: SecretStr


class ApiKeyAuth(BaseModel):
    """An API key in a header (``X-API-Key``) or a query parameter (``api_token``)."""

    model_config = _STRICT
    type: Literal["api_key"]
    name: str
    """The header or query parameter name."""
    value: SecretStr
    location: Literal["header", "query"] = "header"


class OAuth2ClientCredentials(BaseModel):
    """OAuth2 client credentials; the token is refreshed before expiry and on 401."""

    model_config = _STRICT
    type: Literal["oauth2"]
    token_url: str
    """Absolute, or relative to ``base_url``."""
    client_id: str
    client_secret: SecretStr
    scope: str | None = None
    audience: str | None = None
    client_auth: Literal["body", "basic"] = "body"
    """Send the client credentials in the form body or as HTTP basic auth."""
    refresh_margin_seconds: float = Field(default=60, ge=0)
    """Refresh this long before ``expires_in`` runs out, so no request races it."""


AuthSettings = Annotated[
    NoAuth | BearerAuth | BasicAuth | ApiKeyAuth | OAuth2ClientCredentials,
    Field(discriminator="type"),
]
"""One of the auth kinds, chosen by ``type``."""


class RateLimitSettings(BaseModel):
    """Client-side limit: at most ``requests`` in any ``per_seconds`` window."""

    model_config = _STRICT
    requests: int = Field(ge=1)
    per_seconds: float = Field(gt=0)


class RetrySettings(BaseModel):
    """Retries of 429/5xx/connection errors (exponential backoff with jitter).

    The defaults (8 attempts, 1 s doubling to 60 s) outlast a two-minute outage
    or a burst of 429s before a run gives up and leaves its cursor where it was.
    """

    model_config = _STRICT
    attempts: int = Field(default=8, ge=1, le=20)
    backoff_base: float = Field(default=1.0, ge=0)
    backoff_max: float = Field(default=60, ge=0)
    jitter: float = Field(default=0.5, ge=0)
    max_retry_after: float = Field(default=120, ge=0)
    """A longer ``Retry-After`` ends the run instead of blocking it."""


class ErrorRule(BaseModel):
    """Overrides the status -> action table, optionally only when the body matches.

    Salesforce says "daily limit reached" with 403 ``REQUEST_LIMIT_EXCEEDED``:
    ``{ status = 403, body_contains = "REQUEST_LIMIT_EXCEEDED", action = "budget" }``.
    """

    model_config = _STRICT
    status: int | tuple[int, int]
    """A code, or ``[low, high]`` inclusive."""
    body_contains: str | None = None
    action: Action


class PaginationSettings(BaseModel):
    """How to get from one page to the next."""

    model_config = _STRICT
    style: Literal[
        "none", "cursor", "next_url", "page", "offset", "link_header", "seek"
    ] = "none"
    """``cursor``: a token from the body goes into ``cursor_param``; ``next_url``: the
    body holds the next page's URL; ``page``/``offset``: counted pages;
    ``link_header``: RFC 8288 ``Link: <...>; rel="next"``; ``seek``: the templated
    ``params`` are rendered again from the newest record read (kintone), until a
    page shorter than ``page_size``."""
    cursor_param: str = "cursor"
    next_cursor_path: str | None = None
    next_url_path: str | None = None
    page_param: str = "page"
    first_page: int = 1
    offset_param: str = "offset"
    has_more_path: str | None = None
    """A boolean in the body that says whether more pages follow (optional)."""
    max_pages: int = Field(default=100_000, ge=1)
    """Safety stop against an API that keeps returning a next page forever."""

    @model_validator(mode="after")
    def _needs_path(self) -> PaginationSettings:
        if self.style == "cursor" and not self.next_cursor_path:
            raise ValueError("pagination style 'cursor' needs next_cursor_path")
        if self.style == "next_url" and not self.next_url_path:
            raise ValueError("pagination style 'next_url' needs next_url_path")
        return self


class ListSettings(BaseModel):
    """The endpoint listing records, incrementally by an "updated since" filter."""

    model_config = _STRICT
    path: str
    params: dict[str, str | int | float | bool] = Field(default_factory=dict)
    """Query parameters (field lists, filters). Text may hold the placeholders
    ``{since}``, ``{last_id}``, ``{limit}`` and ``{offset}`` (see
    :mod:`adapters.rest.templates`); ``{{``/``}}`` are literal braces."""
    since_strftime: str | None = None
    """Format ``{since}`` with this ``strftime`` pattern in ``since_timezone``
    (``%Y-%m-%dT%H:%M:%S%z``); unset: as ``updated_since_format`` says."""
    since_timezone: str = "UTC"
    updated_since_param: str | None = None
    """Without it every pull reads everything and filters by the cursor itself."""
    updated_since_format: TimestampFormat = "iso8601"
    updated_since_inclusive: bool = True
    """False when the API filters with ``>``: we then ask from just before the
    cursor, so records sharing the cursor's timestamp are never skipped."""
    lookback_seconds: float = Field(default=0, ge=0)
    """Also re-read this much before the cursor (search indexes that lag)."""
    sort_param: str | None = None
    sort_value: str | None = None
    sorted_by_updated: bool | None = None
    """Whether pages come oldest-updated first; defaults to True when ``sort_param``
    is set. Unsorted sources only advance the cursor at the end of a pull."""
    page_size_param: str | None = "limit"
    page_size: int = Field(default=100, ge=1, le=10_000)
    records_path: str = ""
    """Dotted path of the record list in the response; empty: the body is the list."""
    pagination: PaginationSettings = PaginationSettings()

    @model_validator(mode="after")
    def _sort_pair(self) -> ListSettings:
        if (self.sort_param is None) != (self.sort_value is None):
            raise ValueError("set both sort_param and sort_value, or neither")
        return self

    @model_validator(mode="after")
    def _templates(self) -> ListSettings:
        names = ParamTemplates.of(self.params).names
        seek = self.pagination.style == "seek"
        if seek and "since" not in names:
            raise ValueError(
                "pagination style 'seek' needs a params template with {since}, "
                "e.g. query = '更新日時 > \"{since}\" order by 更新日時 asc'"
            )
        if seek and self.sorted_by_updated is False:
            raise ValueError(
                "pagination style 'seek' reads oldest-updated first; "
                "remove sorted_by_updated = false"
            )
        if "offset" in names and self.pagination.style != "offset":
            raise ValueError(
                "params use {offset}: set pagination style = 'offset' (or use "
                "style = 'seek' with {since} and {last_id} instead)"
            )
        if self.since_strftime is not None:
            try:
                ZoneInfo(self.since_timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"since_timezone {self.since_timezone!r} is not an IANA time "
                    "zone; use e.g. 'Asia/Tokyo' or 'UTC'"
                ) from None
        return self

    @property
    def is_sorted(self) -> bool:
        """Whether the cursor may advance after every page."""
        if self.pagination.style == "seek":
            return True
        if self.sorted_by_updated is not None:
            return self.sorted_by_updated
        return self.sort_param is not None


class WriteCallSettings(BaseModel):
    """One single-record write: method and a path template.

    Templates may use ``{id}``, ``{match_field}`` and ``{match_value}``.
    """

    model_config = _STRICT
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    path: str


class BatchSettings(BaseModel):
    """A batch write endpoint and where its per-record results appear."""

    model_config = _STRICT
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    path: str
    max_size: int = Field(default=100, ge=1, le=10_000)
    records_key: str = "records"
    """Where the record list goes in the request body; empty: the body is the list."""
    body_extra: dict[str, Any] = Field(default_factory=dict)
    """Merged into the request body (e.g. ``allOrNone = false``)."""
    record_extra: dict[str, Any] = Field(default_factory=dict)
    """Merged into every record (e.g. ``attributes = { type = "Lead" }``)."""
    id_key: str = "id"
    """Key of the target id inside each record of a batch update."""
    record_key: str | None = None
    """Put each record's fields under this key, beside the id (kintone's PUT:
    ``{"id": "7", "record": {...}}``); unset: fields and id side by side."""
    split_refused: bool = False
    """A whole batch refused with a 4xx (kintone applies a batch all or nothing)
    is resent in halves until each refused record stands alone, so the others
    are written: about 2·log2(size) extra calls per refused record."""
    match_key: str | None = None
    """Batch upserts: send the match as ``{"<match_key>": {"field": "<match_field>",
    "value": "..."}}`` beside the fields (kintone's ``updateKey``)."""
    results_path: str = "results"
    """Dotted path of the per-record results, in request order; empty: the body."""
    result_id_path: str = "id"
    result_ok_path: str | None = None
    """A boolean per result; without it a result is OK when its errors are empty."""
    result_error_path: str = "errors"
    errors_path: str | None = None
    """Alternative shape: a list of errors, each naming its record's index."""
    error_index_path: str = "index"


class WriteSettings(BaseModel):
    """How records are created and updated."""

    model_config = _STRICT
    create: WriteCallSettings | None = None
    update: WriteCallSettings | None = None
    upsert: WriteCallSettings | None = None
    """Upsert by an external-id field (``op.match_field``)."""
    batch_create: BatchSettings | None = None
    batch_update: BatchSettings | None = None
    batch_upsert: BatchSettings | None = None
    body_key: str | None = None
    """Wrap the record: ``{"record": {...}}`` (kintone)."""
    body_extra: dict[str, Any] = Field(default_factory=dict)
    """Merged into every single-record body (kintone's ``app = 12``)."""
    id_body_key: str | None = None
    """Send the id of an update in the body under this key (kintone) too."""
    response_id_path: str = "id"
    created_path: str | None = None
    """Upserts: a boolean in the response saying the record was created; without
    it, status 201 means created."""
    created_value: str | None = None
    """Upserts: the value at ``created_path`` that means created (kintone:
    ``operation = "INSERT"``); unset: any truthy value."""


class VocabularySettings(BaseModel):
    """An endpoint listing the allowed values of a field (e.g. deal stages)."""

    model_config = _STRICT
    path: str
    params: dict[str, str | int | float | bool] = Field(default_factory=dict)
    records_path: str = ""
    value_path: str = ""
    """Dotted path of the value in each item; empty: the item is the value."""


class EntitySettings(BaseModel):
    """How one entity (persons, deals) is read and written."""

    model_config = _STRICT
    id_field: str = "id"
    updated_field: str | None = "updated_at"
    updated_format: TimestampFormat | Literal["auto"] = "auto"
    """``auto``: numbers are epoch seconds (milliseconds when huge), text is ISO."""
    timezone: str = "UTC"
    """Zone of ISO timestamps written without an offset."""
    deleted_field: str | None = None
    value_wrapper: str | None = None
    """Fields travel as ``{"<wrapper>": value}`` (kintone: ``value``)."""
    list: ListSettings | None = None
    write: WriteSettings | None = None
    vocabulary: dict[str, VocabularySettings] = Field(default_factory=dict)
    vocabulary_sample_pages: int = Field(default=3, ge=0)
    """Without a vocabulary endpoint, values are observed in up to this many pages."""


class EntitiesSettings(BaseModel):
    """The entities this SFA exposes."""

    model_config = _STRICT
    persons: EntitySettings | None = None
    deals: EntitySettings | None = None
    activities: EntitySettings | None = None
    campaigns: EntitySettings | None = None


class RestSettings(BaseModel):
    """The ``[sfa]`` section when ``adapter = "rest"``."""

    model_config = _STRICT
    base_url: str
    timeout_seconds: float = Field(default=30, gt=0)
    headers: dict[str, str] = Field(default_factory=dict)
    auth: AuthSettings = NoAuth()
    rate_limit: RateLimitSettings | None = None
    retry: RetrySettings = RetrySettings()
    errors: list[ErrorRule] = Field(default_factory=list)
    check_path: str | None = None
    """GET this for ``connector check``; default: the first list endpoint, 1 record."""
    entities: EntitiesSettings = EntitiesSettings()

    @model_validator(mode="after")
    def _absolute_base(self) -> RestSettings:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must start with https:// (or http://)")
        return self
