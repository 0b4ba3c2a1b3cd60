"""Records of one app and kintone's write rules (all-or-nothing batches of ≤ 100).

A record keeps its id, revision, creation and update times and its user
field values as the JSON ``value`` kintone would send. Writes validate every
record of a request first and change nothing when any of them fails: the
errors of all records come back in one ``CB_VA01``, keyed by where the value
sat in the request body.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import KintoneError, validation
from .query import parse_time, unknown_field
from .schema import SYSTEM, TIMES, App, Field

__all__ = ["AppStore", "Record"]

REQUIRED = "必須です。"
NOT_A_NUMBER = "数字でなければなりません。"
DUPLICATE = "値がほかのレコードと重複しています。"
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass
class Record:
    """One stored record; ``values`` holds user fields only."""

    id: int
    revision: int
    created: datetime
    updated: datetime
    values: dict[str, Any]


class AppStore:
    """The records of one app; ``now`` is the (already truncated) write time."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.records: dict[int, Record] = {}
        self.next_id = 1

    def field(self, code: str) -> Field:
        """The field named ``code``, or kintone's ``GAIA_IQ11``."""
        found = self.app.form().get(code)
        if found is None:
            raise unknown_field(code)
        return found

    def get(self, record: Record, code: str) -> Any:
        """The comparable raw value of ``code`` on ``record``."""
        app = self.app
        if code in ("$id", app.number_field):
            return record.id
        if code == "$revision":
            return record.revision
        if code == app.created_field:
            return record.created
        if code == app.updated_field:
            return record.updated
        return record.values.get(code)

    def insert(self, values: dict[str, Any], now: datetime) -> Record:
        """Store a new record with the next id and revision 1 (no checks)."""
        record = Record(self.next_id, 1, now, now, dict(values))
        self.records[record.id] = record
        self.next_id += 1
        return record

    def add(self, body: list[Any], now: datetime, cap: int) -> list[Record]:
        """``POST records.json``: validate all, then insert all."""
        _check_batch(body, cap)
        errors: dict[str, dict[str, list[str]]] = {}
        staged: list[dict[str, Any]] = []
        for i, raw in enumerate(body):
            if not isinstance(raw, dict):
                _merge(errors, f"records[{i}]", "レコードはオブジェクトです。")
                continue
            values = self._values(raw, f"records[{i}]", errors)
            self._require(values, f"records[{i}]", errors, creating=True)
            staged.append(values)
        self._unique(staged, [None] * len(staged), "records[{i}].{code}.value", errors)
        if errors:
            raise KintoneError(400, "CB_VA01", "入力内容が正しくありません。", errors)
        return [self.insert(values, now) for values in staged]

    def put(
        self, body: list[Any], upsert: bool, now: datetime, cap: int
    ) -> list[tuple[Record, str]]:
        """``PUT records.json``: by id or updateKey, optional revision, upsert."""
        _check_batch(body, cap)
        errors: dict[str, dict[str, list[str]]] = {}
        plan: list[tuple[Record | None, dict[str, Any]]] = []
        for i, item in enumerate(body):
            where = f"records[{i}]"
            if not isinstance(item, dict):
                _merge(errors, where, "レコードはオブジェクトです。")
                continue
            target, key = self._target(item, where, errors, upsert)
            raw = item.get("record", {})
            values = (
                self._values(raw, f"{where}.record", errors)
                if isinstance(raw, dict)
                else {}
            )
            if key is not None:
                values[key[0]] = key[1]
            revision = item.get("revision")
            stale = target is not None and str(revision) != str(target.revision)
            if stale and revision not in (None, -1, "-1"):
                _merge(errors, f"{where}.revision", "リビジョンが一致しません。")
            merged = {**(target.values if target else {}), **values}
            self._require(
                merged if target is None else values,
                f"{where}.record",
                errors,
                creating=target is None,
            )
            plan.append((target, merged))
        self._unique(
            [m for _, m in plan],
            [t.id if t else None for t, _ in plan],
            "records[{i}].record.{code}.value",
            errors,
        )
        if errors:
            raise KintoneError(400, "CB_VA01", "入力内容が正しくありません。", errors)
        done: list[tuple[Record, str]] = []
        for target, merged in plan:
            if target is None:
                done.append((self.insert(merged, now), "INSERT"))
            else:
                target.values = merged
                target.revision += 1
                target.updated = now
                done.append((target, "UPDATE"))
        return done

    def _target(
        self,
        item: dict[str, Any],
        where: str,
        errors: dict[str, dict[str, list[str]]],
        upsert: bool,
    ) -> tuple[Record | None, tuple[str, Any] | None]:
        key = item.get("updateKey")
        if key is not None:
            if not isinstance(key, dict) or "field" not in key or "value" not in key:
                _merge(errors, f"{where}.updateKey", "field と value が必要です。")
                return None, None
            code = str(key["field"])
            kind = self.app.fields.get(code)
            if (
                kind is None
                or not kind.unique
                or kind.type not in ("SINGLE_LINE_TEXT", "NUMBER")
            ):
                _merge(
                    errors,
                    f"{where}.updateKey.field",
                    "重複禁止の文字列1行または数値フィールドを指定してください。",
                )
                return None, None
            value = key["value"]
            found = [
                r
                for r in self.records.values()
                if str(r.values.get(code)) == str(value)
            ]
            if found:
                return found[0], None
            if not upsert:
                _merge(
                    errors,
                    f"{where}.updateKey.value",
                    "指定したレコードが見つかりません。",
                )
            return None, (code, value)
        record_id = item.get("id")
        raw_id = str(record_id)
        target = self.records.get(int(raw_id)) if raw_id.isdigit() else None
        if target is None and not upsert:
            _merge(errors, f"{where}.id", "指定したレコードが見つかりません。")
        return target, None

    def _values(
        self, raw: dict[str, Any], where: str, errors: dict[str, dict[str, list[str]]]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for code, cell in raw.items():
            kind = self.app.fields.get(code)
            if kind is None:
                if code in self.app.form():
                    _merge(
                        errors,
                        f"{where}.{code}.value",
                        "システムフィールドは更新できません。",
                    )
                    continue
                raise unknown_field(code)
            if not isinstance(cell, dict) or "value" not in cell:
                _merge(
                    errors, f"{where}.{code}", '{"value": …} の形で指定してください。'
                )
                continue
            value = cell["value"]
            message = _check_value(value, kind)
            if message is not None:
                _merge(errors, f"{where}.{code}.value", message)
                continue
            values[code] = (
                ""
                if value is None
                else str(value)
                if kind.type not in SYSTEM
                else value
            )
        return values

    def _require(
        self,
        values: dict[str, Any],
        where: str,
        errors: dict[str, dict[str, list[str]]],
        *,
        creating: bool,
    ) -> None:
        for code, kind in self.app.fields.items():
            if not kind.required:
                continue
            missing = code not in values if creating else False
            if missing or (code in values and values[code] in ("", None)):
                _merge(errors, f"{where}.{code}.value", REQUIRED)

    def _unique(
        self,
        rows: list[dict[str, Any]],
        ids: list[int | None],
        template: str,
        errors: dict[str, dict[str, list[str]]],
    ) -> None:
        for code, kind in self.app.fields.items():
            if not kind.unique:
                continue
            seen: dict[str, int | None] = {}
            for i, (values, own) in enumerate(zip(rows, ids, strict=True)):
                value = values.get(code)
                if value in (None, ""):
                    continue
                clash = any(
                    str(r.values.get(code)) == str(value) and r.id != own
                    for r in self.records.values()
                )
                if clash or str(value) in seen:
                    _merge(errors, template.format(i=i, code=code), DUPLICATE)
                seen[str(value)] = own

    def snapshot(self) -> dict[int, Record]:
        """A deep copy, for readers that must not see later writes (cursors)."""
        return copy.deepcopy(self.records)


def _check_batch(body: list[Any], cap: int) -> None:
    if not isinstance(body, list) or not body:
        raise validation("records", "レコードを1件以上指定してください。")
    if len(body) > cap:
        raise validation("records", f"一度に操作できるレコードは{cap}件までです。")


def _check_value(value: Any, kind: Field) -> str | None:
    if value in (None, ""):
        return None
    if kind.type == "NUMBER" and not _NUMBER.fullmatch(str(value)):
        return NOT_A_NUMBER
    if kind.type in ("DROP_DOWN", "RADIO_BUTTON") and str(value) not in kind.options:
        return f'"{value}"は選択肢にありません。'
    if kind.type in TIMES:
        try:
            parse_time(str(value))
        except ValueError:
            return "日時の形式が正しくありません。"
    return None


def _merge(errors: dict[str, dict[str, list[str]]], path: str, message: str) -> None:
    errors.setdefault(path, {"messages": []})["messages"].append(message)
