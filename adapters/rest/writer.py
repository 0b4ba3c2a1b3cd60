"""Pushing WriteOps to a REST SFA: single calls or batches, one outcome per op.

A record the SFA refuses (a record-level 4xx, or an error entry in a batch
response) becomes a failed ``PushOutcome(kind="rejected")`` with the status and
body, and the rest of the batch goes on. If a whole batch is refused with a 4xx and
single-record calls are configured, the batch is resent one by one so only the bad
record is dead-lettered; without them, ``split_refused`` resends it in halves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import quote

import httpx

from adapters.protocol import Entity, PushOutcome, WriteOp
from adapters.rest.paths import MISSING, get_path, jsonable, unflatten
from adapters.rest.settings import BatchSettings, WriteCallSettings, WriteSettings
from connector.errors import AdapterError, ConfigError, RecordRejectedError
from connector.http import HttpClient

__all__ = ["Kind", "RestWriter"]

Kind = Literal["create", "update", "upsert"]
"""Which write an op needs."""


class RestWriter:
    """Writes one entity's ops as configured in its ``write`` section."""

    def __init__(
        self,
        http: HttpClient,
        spec: WriteSettings,
        *,
        entity: Entity,
        wrapper: str | None,
    ) -> None:
        self.http = http
        self.spec = spec
        self.entity = entity
        self.wrapper = wrapper

    def kind(self, op: WriteOp) -> Kind:
        """Update with an id; upsert with a match field and an upsert endpoint."""
        if op.id is not None:
            return "update"
        if op.match_field and (self.spec.upsert or self.spec.batch_upsert):
            return "upsert"
        return "create"

    def push(self, batch: Sequence[WriteOp]) -> list[PushOutcome]:
        """Write every op; outcomes come back in the order of ``batch``.

        Raises:
            ConfigError: an op needs a write this entity has no endpoint for.
            AdapterError: the SFA failed for the whole batch (auth, outage).
        """
        outcomes: list[PushOutcome | None] = [None] * len(batch)
        groups: dict[Kind, list[int]] = {"create": [], "update": [], "upsert": []}
        for index, op in enumerate(batch):
            groups[self.kind(op)].append(index)
        for kind, indexes in groups.items():
            if not indexes:
                continue
            bulk: BatchSettings | None = getattr(self.spec, f"batch_{kind}")
            if bulk is None:
                for index in indexes:
                    outcomes[index] = self._one(kind, batch[index])
                continue
            for start in range(0, len(indexes), bulk.max_size):
                chunk = indexes[start : start + bulk.max_size]
                ops = [batch[i] for i in chunk]
                for index, outcome in zip(
                    chunk, self._many(kind, bulk, ops), strict=True
                ):
                    outcomes[index] = outcome
        return [o for o in outcomes if o is not None]

    def _fields(self, op: WriteOp) -> dict[str, Any] | PushOutcome:
        try:
            return unflatten(jsonable(dict(op.fields)), self.wrapper)
        except TypeError as exc:
            return PushOutcome(op.key, ok=False, error=str(exc), kind="invalid")

    def _one(self, kind: Kind, op: WriteOp) -> PushOutcome:
        call: WriteCallSettings | None = getattr(self.spec, kind)
        if call is None:
            raise ConfigError(
                f"{self.http.adapter}.{self.entity} has no {kind!r} endpoint",
                hint=f"add [{self.http.adapter}.entities.{self.entity}.write.{kind}]",
                context={"section": f"{self.http.adapter}.entities.{self.entity}"},
            )
        fields = self._fields(op)
        if isinstance(fields, PushOutcome):
            return fields
        body: dict[str, Any] = (
            {self.spec.body_key: fields} if self.spec.body_key else fields
        )
        body = {**jsonable(self.spec.body_extra), **body}
        if kind == "update" and self.spec.id_body_key:
            body[self.spec.id_body_key] = op.id
        match_value = op.fields.get(op.match_field or "", "")
        path = call.path.format(
            id=quote(op.id or "", safe=""),
            match_field=quote(op.match_field or "", safe=""),
            match_value=quote(str(match_value), safe=""),
        )
        try:
            response = self.http.request(
                call.method, path, json=body, record_level=True
            )
        except RecordRejectedError as exc:
            return _rejected(op, exc.status, exc.body, exc.message)
        data = _json_or_none(response)
        found = get_path(data, self.spec.response_id_path, None) if data else None
        record_id = str(found) if found not in (None, MISSING) else op.id
        created = kind == "create" or (
            kind == "upsert" and self._created(response, data)
        )
        return PushOutcome(op.key, ok=True, id=record_id, created=created)

    def _created(self, response: httpx.Response, data: Any) -> bool:
        if self.spec.created_path and data is not None:
            found = get_path(data, self.spec.created_path, False)
            if self.spec.created_value is not None:
                return str(found) == self.spec.created_value
            return bool(found)
        return response.status_code == 201

    def _many(
        self, kind: Kind, bulk: BatchSettings, ops: list[WriteOp]
    ) -> list[PushOutcome]:
        records: list[dict[str, Any]] = []
        prepared: list[WriteOp] = []
        early: dict[int, PushOutcome] = {}
        for position, op in enumerate(ops):
            fields = self._fields(op)
            if isinstance(fields, PushOutcome):
                early[position] = fields
                continue
            nested = {bulk.record_key: fields} if bulk.record_key else fields
            record = {**jsonable(bulk.record_extra), **nested}
            if kind == "update":
                record[bulk.id_key] = op.id
            if kind == "upsert" and bulk.match_key and op.match_field:
                value = jsonable(op.fields.get(op.match_field))
                record[bulk.match_key] = {"field": op.match_field, "value": value}
            records.append(record)
            prepared.append(op)
        sent = self._send_batch(kind, bulk, prepared, records) if prepared else []
        results = iter(sent)
        return [early.get(i) or next(results) for i in range(len(ops))]

    def _send_batch(
        self,
        kind: Kind,
        bulk: BatchSettings,
        ops: list[WriteOp],
        records: list[dict[str, Any]],
    ) -> list[PushOutcome]:
        body: Any = records
        if bulk.records_key:
            body = {**jsonable(bulk.body_extra), bulk.records_key: records}
        try:
            response = self.http.request(
                bulk.method, bulk.path, json=body, record_level=True
            )
        except RecordRejectedError as exc:
            if getattr(self.spec, kind) is not None and len(ops) > 1:
                return [self._one(kind, op) for op in ops]
            if bulk.split_refused and len(ops) > 1:
                half = len(ops) // 2
                return self._send_batch(
                    kind, bulk, ops[:half], records[:half]
                ) + self._send_batch(kind, bulk, ops[half:], records[half:])
            return [_rejected(op, exc.status, exc.body, exc.message) for op in ops]
        data = _json_or_none(response)
        failures = self._failures(bulk, data, len(ops))
        results = get_path(data, bulk.results_path, None) if data is not None else None
        outcomes = []
        for index, op in enumerate(ops):
            result = _item(results, index)
            error = failures.get(index)
            if error is None and bulk.errors_path is None:
                error = self._result_error(bulk, result, index)
            if error is not None:
                outcomes.append(
                    _rejected(op, response.status_code, error, "refused in batch")
                )
                continue
            found = get_path(result, bulk.result_id_path, None) if result else None
            record_id = str(found) if found not in (None, MISSING) else op.id
            created = kind == "create" or (
                kind == "upsert" and self._created_in(result)
            )
            outcomes.append(PushOutcome(op.key, ok=True, id=record_id, created=created))
        return outcomes

    def _created_in(self, result: Any) -> bool:
        """Whether a batch upsert's result says the record was inserted."""
        found = get_path(result, self.spec.created_path or "created", False)
        if self.spec.created_value is not None:
            return str(found) == self.spec.created_value
        return bool(found)

    def _failures(self, bulk: BatchSettings, data: Any, size: int) -> dict[int, str]:
        if bulk.errors_path is None or data is None:
            return {}
        errors = get_path(data, bulk.errors_path, None) or []
        failures: dict[int, str] = {}
        for error in errors if isinstance(errors, list) else []:
            index = get_path(error, bulk.error_index_path, None)
            if isinstance(index, int) and 0 <= index < size:
                failures[index] = json.dumps(error, ensure_ascii=False)
        return failures

    def _result_error(self, bulk: BatchSettings, result: Any, index: int) -> str | None:
        if result is None:
            raise AdapterError(
                f"{self.http.adapter}: batch response has no result for record {index}",
                hint="check results_path of the batch endpoint; the batch may be "
                "partly written, so the flow retries it",
                context={"system": self.http.adapter, "path": bulk.path},
            )
        failed = (
            not get_path(result, bulk.result_ok_path, False)
            if bulk.result_ok_path
            else bool(get_path(result, bulk.result_error_path, None))
        )
        return json.dumps(result, ensure_ascii=False) if failed else None


def _rejected(
    op: WriteOp, status: int | None, body: str | None, message: str
) -> PushOutcome:
    return PushOutcome(
        op.key,
        ok=False,
        id=op.id,
        error=message,
        kind="rejected",
        status=status,
        body=body,
    )


def _item(results: Any, index: int) -> Any:
    if isinstance(results, list) and index < len(results):
        return results[index]
    return None


def _json_or_none(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None
