"""A subset of kintone's query language: parse, then filter, sort and page records.

Supported: ``field op value`` with ``= != > < >= <=``, ``in (…)``/``not in (…)``,
``like``/``not like`` (substring), ``and``/``or`` with parentheses, ``order by
field asc|desc, …``, ``limit n`` and ``offset m``. Values are double-quoted
(numbers may go bare). Times must carry an offset (``Z``, ``+0900``,
``+09:00``); they compare as instants. Anything else is a ``CB_VA01`` on
``query`` so a client that leans on unsupported syntax fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import KintoneError, validation
from .schema import NUMERIC, TIMES, Field

__all__ = ["Query", "parse_query", "parse_time"]

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>>=|<=|!=|=|>|<)|(?P<punct>[(),])'
    r'|(?P<word>[^\s()",=!<>]+))'
)
_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"(Z|[+-]\d{2}:?\d{2})"
)

Lookup = Callable[[str], Field]
Getter = Callable[[Any, str], Any]


def parse_time(text: str) -> datetime:
    """An ISO 8601 time with an offset, as kintone takes it in queries."""
    match = _TIME.fullmatch(text)
    if match is None:
        raise ValueError(text)
    year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second = int(match.group(6) or 0)
    zone = match.group(7)
    stamp = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    offset = "+00:00" if zone == "Z" else f"{zone[:3]}:{zone[-2:]}"
    return datetime.fromisoformat(stamp + offset).astimezone(UTC)


@dataclass
class Cond:
    """One comparison, or an ``and``/``or`` of sub-conditions."""

    op: str
    code: str = ""
    values: list[str] = field(default_factory=list)
    parts: list[Cond] = field(default_factory=list)


@dataclass
class Query:
    """A parsed query; ``limit``/``offset`` are ``None`` when not written."""

    cond: Cond | None
    order: list[tuple[str, bool]]
    limit: int | None
    offset: int | None

    def matches(self, record: Any, form: Lookup, get: Getter) -> bool:
        """Whether ``record`` satisfies the condition (no condition: all do)."""
        return self.cond is None or _eval(self.cond, record, form, get)

    def sort(
        self, records: Sequence[Any], form: Lookup, get: Getter, default_desc: bool
    ) -> list[Any]:
        """Records in ``order by`` order, then by ``$id`` (descending by default)."""
        ordered = list(records)
        keys = (
            [*self.order, ("$id", default_desc)]
            if self.order
            else [("$id", default_desc)]
        )
        for code, desc in reversed(keys):
            kind = form(code)

            def key(
                record: Any, code: str = code, kind: Field = kind
            ) -> tuple[int, Any]:
                return _sort_key(get(record, code), kind)

            ordered.sort(key=key, reverse=desc)
        return ordered


class _Parser:
    def __init__(self, text: str, form: Lookup) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.form = form

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def word(self) -> str | None:
        token = self.peek()
        return (
            token.lower() if token is not None and not token.startswith('"') else None
        )

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _bad("the query ends too early")
        self.pos += 1
        return token

    def expect(self, expected: str) -> None:
        token = self.take()
        if token.lower() != expected:
            raise _bad(f"expected {expected!r}, got {token!r}")

    def query(self) -> Query:
        cond = None
        if self.peek() is not None and self.word() not in ("order", "limit", "offset"):
            cond = self.disjunction()
        order: list[tuple[str, bool]] = []
        limit = offset = None
        if self.word() == "order":
            self.take()
            self.expect("by")
            while True:
                code = self.field()
                desc = False
                if self.word() in ("asc", "desc"):
                    desc = self.take().lower() == "desc"
                order.append((code, desc))
                if self.peek() != ",":
                    break
                self.take()
        if self.word() == "limit":
            self.take()
            limit = self.integer()
        if self.word() == "offset":
            self.take()
            offset = self.integer()
        if self.peek() is not None:
            raise _bad(f"unexpected {self.peek()!r}")
        return Query(cond, order, limit, offset)

    def integer(self) -> int:
        token = self.take()
        if not token.isdigit():
            raise _bad(f"not a number: {token!r}")
        return int(token)

    def field(self) -> str:
        code = self.take()
        if code.startswith('"') or code in "(),":
            raise _bad(f"expected a field code, got {code!r}")
        self.form(code)
        return code

    def disjunction(self) -> Cond:
        parts = [self.conjunction()]
        while self.word() == "or":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Cond("or", parts=parts)

    def conjunction(self) -> Cond:
        parts = [self.term()]
        while self.word() == "and":
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else Cond("and", parts=parts)

    def term(self) -> Cond:
        if self.peek() == "(":
            self.take()
            inner = self.disjunction()
            self.expect(")")
            return inner
        code = self.field()
        op = self.take().lower()
        if op == "not":
            op = "not " + self.take().lower()
        if op in ("in", "not in"):
            self.expect("(")
            values = [self.value()]
            while self.peek() == ",":
                self.take()
                values.append(self.value())
            self.expect(")")
            return Cond(op, code, values)
        if op not in ("=", "!=", ">", "<", ">=", "<=", "like", "not like"):
            raise _bad(f"unknown operator {op!r}")
        return Cond(op, code, [self.value()])

    def value(self) -> str:
        token = self.take()
        if token.startswith('"'):
            return re.sub(r"\\(.)", r"\1", token[1:-1])
        if re.fullmatch(r"-?\d+(\.\d+)?", token):
            return token
        raise _bad(f"values go in double quotes: {token!r}")


def parse_query(text: str, form: Lookup) -> Query:
    """Parse ``text``; unknown fields raise ``GAIA_IQ11`` via ``form``."""
    return _Parser(text, form).query()


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise _bad(f"cannot read the query at {text[pos : pos + 20]!r}")
        tokens.append(match.group(match.lastgroup or "word"))
        pos = match.end()
    return tokens


def _bad(detail: str) -> KintoneError:
    return validation("query", f"クエリ記法が間違っています。({detail})")


def _coerce(value: Any, kind: Field) -> Any:
    """A stored or literal value as the thing it compares as (None: empty)."""
    if value is None or value == "":
        return None
    if kind.type in NUMERIC:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise _bad(f"not a number: {value!r}") from None
    if kind.type in TIMES:
        if isinstance(value, datetime):
            return value
        try:
            return parse_time(str(value))
        except ValueError:
            raise _bad(f"not a time with an offset: {value!r}") from None
    return str(value)


def _sort_key(value: Any, kind: Field) -> tuple[int, Any]:
    coerced = _coerce(value, kind)
    return (0, "") if coerced is None else (1, coerced)


def _eval(cond: Cond, record: Any, form: Lookup, get: Getter) -> bool:
    if cond.op == "and":
        return all(_eval(p, record, form, get) for p in cond.parts)
    if cond.op == "or":
        return any(_eval(p, record, form, get) for p in cond.parts)
    kind = form(cond.code)
    have = _coerce(get(record, cond.code), kind)
    if cond.op in ("like", "not like"):
        found = cond.values[0] in str(have or "")
        return found if cond.op == "like" else not found
    wanted = [_coerce(v, kind) for v in cond.values]
    if cond.op == "in":
        return bool(have in wanted)
    if cond.op == "not in":
        return bool(have not in wanted)
    want = wanted[0]
    if cond.op == "=":
        return bool(have == want)
    if cond.op == "!=":
        return bool(have != want)
    if have is None or want is None:
        return False
    compare: dict[str, Callable[[Any, Any], bool]] = {
        ">": lambda a, b: a > b,
        "<": lambda a, b: a < b,
        ">=": lambda a, b: a >= b,
        "<=": lambda a, b: a <= b,
    }
    return compare[cond.op](have, want)


def unknown_field(code: str) -> KintoneError:
    """The answer to a field code the app does not have."""
    return KintoneError(400, "GAIA_IQ11", f"Specified field ({code}) not found.")
