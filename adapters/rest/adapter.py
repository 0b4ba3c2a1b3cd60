"""The generic REST adapter: any SFA with a JSON API, described in config.

It composes the shared pieces (:mod:`connector.http` for limits, retries and
errors; :mod:`adapters.rest.pagination`, ``cursor``, ``writer``) instead of
inheriting hooks, so each concern can be read and tested alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx
from typing_extensions import override

from adapters.cursor import WatermarkTracker
from adapters.protocol import (
    ENTITIES,
    Capabilities,
    CheckResult,
    Cursor,
    Entity,
    FileLedger,
    Page,
    PushResult,
    Record,
    RowError,
    WriteOp,
)
from adapters.rest.auth import build_auth
from adapters.rest.cursor import (
    decode_rest_cursor,
    encode_rest_cursor,
    format_since,
    parse_timestamp,
    since_text,
)
from adapters.rest.pagination import RawPage, fetch_pages, records_at
from adapters.rest.paths import MISSING, flatten, get_path
from adapters.rest.settings import EntitySettings, ErrorRule, ListSettings, RestSettings
from adapters.rest.templates import ParamTemplates
from adapters.rest.writer import RestWriter
from connector.errors import AdapterError, ConfigError
from connector.http import Action, Classifier, HttpClient, RateLimiter, RetryPolicy
from connector.records import Activity

__all__ = ["RestAdapter", "error_classifier"]

_TRUTHY = {"1", "true", "yes", "y", "deleted", "archived"}


def error_classifier(rules: Sequence[ErrorRule]) -> Classifier | None:
    """The configured ``errors`` rules as a classifier (first match wins)."""
    if not rules:
        return None

    def classify(response: httpx.Response) -> Action | None:
        status = response.status_code
        for rule in rules:
            low, high = (
                rule.status if isinstance(rule.status, tuple) else (rule.status,) * 2
            )
            if not low <= status <= high:
                continue
            if rule.body_contains is None or rule.body_contains in response.text:
                return rule.action
        return None

    return classify


class RestAdapter:
    """Adapter over a configurable REST API (``adapter = "rest"``)."""

    settings_model: ClassVar[type[RestSettings]] = RestSettings

    def __init__(
        self,
        name: str,
        settings: RestSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        ledger: FileLedger | None = None,
        base_dir: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        del ledger, base_dir  # an API reads no files
        self.name = name
        self.settings = settings
        parts = build_auth(settings.auth, system=name, clock=clock)
        limit = settings.rate_limit
        retry = settings.retry
        limiters = (
            [RateLimiter(limit.requests, limit.per_seconds, clock=clock, sleep=sleep)]
            if limit
            else []
        )
        self.http = HttpClient(
            name,
            base_url=settings.base_url,
            timeout=settings.timeout_seconds,
            transport=transport,
            headers={"Accept": "application/json", **settings.headers, **parts.headers},
            params=parts.params,
            auth=parts.auth,
            retry=RetryPolicy(
                attempts=retry.attempts,
                backoff_base=retry.backoff_base,
                backoff_max=retry.backoff_max,
                jitter=retry.jitter,
                max_retry_after=retry.max_retry_after,
            ),
            limiters=limiters,
            classifier=error_classifier(settings.errors),
            sleep=sleep,
        )
        self._observed: dict[str, set[str]] = {}

    def _entity(self, entity: Entity) -> EntitySettings:
        spec: EntitySettings | None = getattr(self.settings.entities, entity)
        if spec is None:
            raise ConfigError(
                f"the REST adapter of [{self.name}] has no {entity!r} entity",
                hint=f"add [{self.name}.entities.{entity}] to the config",
                context={"section": f"{self.name}.entities.{entity}"},
            )
        return spec

    def _list(self, entity: Entity) -> ListSettings:
        spec = self._entity(entity).list
        if spec is None:
            raise ConfigError(
                f"[{self.name}.entities.{entity}] has no list endpoint",
                hint=f"add [{self.name}.entities.{entity}.list] with at least path",
                context={"section": f"{self.name}.entities.{entity}.list"},
            )
        return spec

    def check(self) -> CheckResult:
        """GET ``check_path`` (or one record of the first listing) to test access."""
        path, params = self.settings.check_path, {}
        if path is None:
            for entity in ("persons", "deals", "activities", "campaigns"):
                spec: EntitySettings | None = getattr(self.settings.entities, entity)
                if spec is not None and spec.list is not None:
                    path, params = spec.list.path, _base_params(spec.list, 1)
                    break
        if path is None:
            return CheckResult(False, "nothing to check: no check_path, no list")
        try:
            response = self.http.request("GET", path, params=params)
        except AdapterError as exc:
            return CheckResult(False, exc.one_line(), {"status": exc.status})
        return CheckResult(
            True, f"{self.name}: GET {path} answered {response.status_code}"
        )

    def pull(
        self, entity: Entity, cursor: Cursor | None, *, full: bool = False
    ) -> Iterator[Page]:
        """Yield pages changed since ``cursor``; never skips a record.

        The request asks from the cursor's timestamp (inclusively, minus any
        lookback); records at the boundary that were already handed out are
        dropped. Sorted sources advance the cursor after every page; unsorted ones
        only on the last (a page with no records when the listing ends).
        """
        spec, listing = self._entity(entity), self._list(entity)
        start = decode_rest_cursor(
            None if full else cursor, where=f"{self.name}.{entity}"
        )
        floor = start.at
        if start.at is not None and listing.lookback_seconds:
            floor = start.at - timedelta(seconds=listing.lookback_seconds)
        params = _base_params(listing, listing.page_size, since=floor)
        if floor is not None and listing.updated_since_param:
            params[listing.updated_since_param] = format_since(
                floor,
                listing.updated_since_format,
                inclusive=listing.updated_since_inclusive,
            )
        progress = WatermarkTracker(start)
        seek = listing.pagination.style == "seek"
        last: list[tuple[datetime | None, str]] = []
        sent = [params]

        def rerender(raw: RawPage, offset: int) -> dict[str, Any] | None:
            if not seek:
                following = _base_params(
                    listing, listing.page_size, since=floor, offset=offset
                )
                return {**params, **following}
            if len(raw.items) < listing.page_size or not last:
                return None
            when, record_id = last[-1]
            following = _base_params(
                listing, listing.page_size, since=when or floor, last_id=record_id
            )
            if following == sent[-1]:
                raise _stuck(self.name, entity, listing.page_size)
            sent.append(following)
            return following

        templated = seek or "offset" in ParamTemplates.of(listing.params).names
        pages = fetch_pages(
            self.http, listing, params, rerender=rerender if templated else None
        )
        for raw in pages:
            records: list[Record] = []
            errors: list[RowError] = []
            seen = progress.snapshot() if seek else start
            for position, item in enumerate(raw.items, 1):
                parsed = self._record(
                    entity, spec, item, f"{raw.url}#{raw.number}.{position}"
                )
                if isinstance(parsed, RowError):
                    errors.append(parsed)
                    continue
                when = parsed.updated_at
                last.append((when, parsed.id))
                if when is not None and (
                    (floor is not None and when < floor)
                    or seen.is_seen(parsed.id, when)
                ):
                    continue
                records.append(parsed)
                progress.advance(parsed.id, when)
                self._observe(parsed)
            del last[:-1]
            page_cursor = (
                encode_rest_cursor(progress.snapshot()) if listing.is_sorted else None
            )
            yield Page(records, page_cursor, errors)
        if not listing.is_sorted:
            yield Page([], encode_rest_cursor(progress.snapshot()))

    def _record(
        self, entity: Entity, spec: EntitySettings, item: Any, location: str
    ) -> Record | RowError:
        raw = json.dumps(item, ensure_ascii=False, default=str)[:2000]
        if not isinstance(item, dict):
            return RowError(location, "record is not a JSON object", raw)
        fields = flatten(item, spec.value_wrapper)
        record_id = fields.get(spec.id_field)
        if record_id in (None, ""):
            return RowError(location, f"no id in field {spec.id_field!r}", raw)
        updated = None
        if spec.updated_field:
            try:
                updated = parse_timestamp(
                    fields.get(spec.updated_field), spec.updated_format, spec.timezone
                )
            except (ValueError, TypeError) as exc:
                return RowError(
                    location, f"bad timestamp in {spec.updated_field!r}: {exc}", raw
                )
        deleted = bool(
            spec.deleted_field
            and str(fields.get(spec.deleted_field, "")).strip().lower() in _TRUTHY
        )
        return Record(
            system=self.name,
            entity=entity,
            id=str(record_id),
            fields=fields,
            updated_at=updated,
            deleted=deleted,
            location=location,
        )

    def _observe(self, record: Record) -> None:
        for field, seen in self._observed.items():
            value = record.fields.get(field)
            if isinstance(value, str | int) and value != "":
                seen.add(str(value))

    def push(self, entity: Entity, batch: Sequence[WriteOp]) -> PushResult:
        """Write a batch; a refused record is a failed outcome, not an exception."""
        spec = self._entity(entity)
        if spec.write is None:
            raise ConfigError(
                f"[{self.name}.entities.{entity}] has no write section",
                hint=f"add [{self.name}.entities.{entity}.write] with create/update",
                context={"section": f"{self.name}.entities.{entity}.write"},
            )
        writer = RestWriter(
            self.http, spec.write, entity=entity, wrapper=spec.value_wrapper
        )
        return PushResult(writer.push(batch))

    def activities_for(self, record_id: str, since: datetime) -> list[Activity] | None:
        """A generic REST SFA/MA reports no behavioural events."""
        return None

    def capabilities(self) -> Capabilities:
        """Entities with a ``list`` pull, those with a ``write`` section push.

        Upserts need an ``upsert`` or ``batch_upsert`` endpoint, deletes a
        configured ``deleted_field``; a generic API reports no merges.
        """
        specs = {
            entity: spec
            for entity in ENTITIES
            if (spec := getattr(self.settings.entities, entity)) is not None
        }
        writes = {e: s.write for e, s in specs.items() if s.write is not None}
        return Capabilities.of(
            pull=(e for e, s in specs.items() if s.list is not None),
            push=writes,
            upsert=(e for e, w in writes.items() if w.upsert or w.batch_upsert),
            deletes=any(s.deleted_field for s in specs.values()),
            record_errors=True,
        )

    def select_fields(self, entity: Entity, fields: Sequence[str]) -> None:
        """Records carry every field the API returns: nothing to select."""

    def vocabulary(self, field: str) -> list[str]:
        """Values of ``field``: from its vocabulary endpoint, else observed ones.

        Without an endpoint the values come from records pulled so far plus up to
        ``vocabulary_sample_pages`` pages of each listing, so a new stage shows up
        once any record uses it.
        """
        entities = [
            (name, spec)
            for name in ("persons", "deals", "activities", "campaigns")
            if (spec := getattr(self.settings.entities, name)) is not None
        ]
        for _, spec in entities:
            source = spec.vocabulary.get(field)
            if source is not None:
                response = self.http.request("GET", source.path, params=source.params)
                items = records_at(
                    response.json(),
                    source.records_path,
                    system=self.name,
                    url=source.path,
                )
                values = (get_path(i, source.value_path, None) for i in items)
                return sorted({str(v) for v in values if v not in (None, "", MISSING)})
        seen = self._observed.setdefault(field, set())
        for name, spec in entities:
            if spec.list is None or not spec.vocabulary_sample_pages:
                continue
            params = _base_params(spec.list, spec.list.page_size)
            for raw in fetch_pages(self.http, spec.list, params):
                for item in raw.items:
                    if isinstance(item, dict):
                        value = flatten(item, spec.value_wrapper).get(field)
                        if isinstance(value, str | int) and value != "":
                            seen.add(str(value))
                if raw.number >= spec.vocabulary_sample_pages:
                    break
            del name
        return sorted(seen)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

    @override
    def __repr__(self) -> str:
        return f"RestAdapter({self.name!r}, {self.settings.base_url!r})"


def _base_params(
    listing: ListSettings,
    page_size: int,
    *,
    since: datetime | None = None,
    last_id: str = "0",
    offset: int = 0,
) -> dict[str, Any]:
    """The listing's parameters, templates rendered (defaults: a first page)."""
    text = since_text(
        since,
        fmt=listing.updated_since_format,
        inclusive=listing.updated_since_inclusive,
        strftime=listing.since_strftime,
        zone=listing.since_timezone,
    )
    values = {
        "since": text,
        "last_id": last_id,
        "limit": str(page_size),
        "offset": str(offset),
    }
    params: dict[str, Any] = ParamTemplates.of(listing.params).render(values)
    if listing.page_size_param:
        params[listing.page_size_param] = page_size
    if listing.sort_param and listing.sort_value:
        params[listing.sort_param] = listing.sort_value
    return params


def _stuck(system: str, entity: Entity, page_size: int) -> AdapterError:
    return AdapterError(
        f"{system}.{entity}: a full page of {page_size} records ends where it "
        "began, so the next page would repeat it",
        hint="more records share one update time than fit a page: add {last_id} "
        'to the query template (e.g. \'更新日時 > "{since}" or (更新日時 = '
        '"{since}" and $id > {last_id})\') or raise page_size',
        context={"system": system, "entity": entity},
    )
