"""A parsed query checked against the org's objects, ready to run (§4).

Fields are resolved, literals type-checked, the WHERE clause compiled.

Errors follow Salesforce: an unknown object is INVALID_TYPE, an unknown field
or relationship INVALID_FIELD, a literal of the wrong kind (a quoted datetime,
an unquoted string) INVALID_FIELD, a bad id INVALID_QUERY_FILTER_OPERATOR.
Text comparisons ignore case, as SOQL's do; ids compare exactly.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.fakes.salesforce.ids import canonical_id
from tests.fakes.salesforce.schema import STRINGY, FieldDef, ObjectDef
from tests.fakes.salesforce.soql_lexer import SoqlError, Token
from tests.fakes.salesforce.soql_parser import (
    BoolOp,
    Compare,
    Expr,
    InList,
    Like,
    Not,
    Path,
    Query,
    parse,
)
from tests.fakes.salesforce.store import Record, Store
from tests.fakes.salesforce.timefmt import parse_datetime

__all__ = ["Column", "Plan", "SortKey", "plan_query"]

Predicate = Callable[[Record, Store], bool]
"""Whether a row matches the WHERE clause."""

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_TYPE_NAMES = {
    "id": "id",
    "reference": "id",
    "boolean": "boolean",
    "int": "int",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "date": "date",
    "datetime": "dateTime",
}


@dataclass(frozen=True)
class Column:
    """A resolved field path: the lookups it follows and the field it ends on."""

    rels: tuple[FieldDef, ...]
    field: FieldDef
    targets: tuple[str, ...]
    """The object reached by each lookup in ``rels``."""

    @property
    def names(self) -> tuple[str, ...]:
        """The API spelling: relationship names, then the field name."""
        return (*(r.relationship_name or r.name for r in self.rels), self.field.name)

    @property
    def dotted(self) -> str:
        """``Owner.Name``."""
        return ".".join(self.names)

    def get(self, record: Record, store: Store) -> Any:
        """The stored value at the end of the path (None through a null lookup)."""
        current: Record | None = record
        for rel in self.rels:
            assert current is not None
            current = store.get(current.values.get(rel.name))
            if current is None or current.deleted:
                return None
        assert current is not None
        return current.values.get(self.field.name)


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY key, with nulls placed first unless said otherwise [U]."""

    column: Column
    descending: bool
    nulls_first: bool


@dataclass(frozen=True)
class Plan:
    """Everything needed to run a query and render its rows."""

    text: str
    query: Query
    sobject: ObjectDef
    columns: tuple[Column, ...]
    predicate: Predicate | None
    order: tuple[SortKey, ...]
    limit: int | None
    offset: int | None

    @property
    def long_text_columns(self) -> int:
        """Selected long text fields (two or more cap batches at 200, §4)."""
        return sum(
            1
            for c in self.columns
            if c.field.type == "textarea" and c.field.length > 255
        )


def plan_query(text: str, catalog: Mapping[str, ObjectDef], *, offset_max: int) -> Plan:
    """Parse and check ``text``; raises :class:`SoqlError` as Salesforce would."""
    query = parse(text)
    sobject = _object(query, catalog)
    columns: list[Column] = []
    seen: set[str] = set()
    for path in query.fields:
        column = _resolve(path, sobject, catalog)
        if column.dotted.lower() in seen:
            raise SoqlError(
                "MALFORMED_QUERY",
                f"duplicate field selected: {column.dotted}",
                path.pos,
            )
        seen.add(column.dotted.lower())
        columns.append(column)
    predicate = (
        _compile(query.where, sobject, catalog) if query.where is not None else None
    )
    order = []
    for item in query.order:
        column = _resolve(item.path, sobject, catalog)
        if not column.field.sortable:
            raise SoqlError(
                "INVALID_FIELD",
                f"field '{column.field.name}' can not be sorted in a query call",
                item.path.pos,
            )
        nulls_first = True if item.nulls_first is None else item.nulls_first
        order.append(SortKey(column, item.descending, nulls_first))
    if query.offset is not None and query.offset > offset_max:
        raise SoqlError(
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"Maximum SOQL offset allowed is {offset_max}",
            query.offset_pos,
        )
    return Plan(
        text,
        query,
        sobject,
        tuple(columns),
        predicate,
        tuple(order),
        query.limit,
        query.offset,
    )


def _object(query: Query, catalog: Mapping[str, ObjectDef]) -> ObjectDef:
    by_lower = {name.lower(): obj for name, obj in catalog.items()}
    sobject = by_lower.get(query.sobject.lower())
    if sobject is None:
        raise SoqlError(
            "INVALID_TYPE",
            f"sObject type '{query.sobject}' is not supported. If you are attempting "
            "to use a custom object, be sure to append the '__c' after the entity "
            "name. Please reference your WSDL or the describe call for the "
            "appropriate names.",
            query.sobject_pos,
        )
    return sobject


def _resolve(
    path: Path, sobject: ObjectDef, catalog: Mapping[str, ObjectDef]
) -> Column:
    current = sobject
    rels: list[FieldDef] = []
    targets: list[str] = []
    for part in path.parts[:-1]:
        rel = current.relationship(part)
        if rel is None:
            raise SoqlError(
                "INVALID_FIELD",
                f"Didn't understand relationship '{part}' in field path. If you are "
                "attempting to use a custom relationship, be sure to append the "
                "'__r' after the custom relationship name. Please reference your "
                "WSDL or the describe call for the appropriate names.",
                path.pos,
            )
        rels.append(rel)
        current = catalog[rel.reference_to[0]]
        targets.append(current.name)
    field = current.field(path.parts[-1])
    if field is None:
        raise SoqlError(
            "INVALID_FIELD",
            f"No such column '{path.parts[-1]}' on entity '{current.name}'. If you "
            "are attempting to use a custom field, be sure to append the '__c' after "
            "the custom field name. Please reference your WSDL or the describe call "
            "for the appropriate names.",
            path.pos,
        )
    return Column(tuple(rels), field, tuple(targets))


def normalise(field: FieldDef, value: Any) -> Any:
    """A stored value in the form comparisons use (text folded, ids exact)."""
    if value is None:
        return None
    if field.type in STRINGY:
        return str(value).casefold()
    if field.type in ("double", "currency", "percent", "int"):
        return float(value)
    return value


def _literal(column: Column, token: Token) -> Any:
    """The literal as a comparable value, or the error for the field's type."""
    field = column.field
    if token.is_word("NULL"):
        return None
    stringy = field.type in STRINGY or field.type in ("id", "reference")
    wanted = {
        "id": "string",
        "reference": "string",
        "boolean": "bool",
        "int": "number",
        "double": "number",
        "currency": "number",
        "percent": "number",
        "date": "date",
        "datetime": "datetime",
    }.get(field.type, "string")
    got = "bool" if token.is_word("TRUE", "FALSE") else token.kind
    if got != wanted:
        type_name = "string" if field.type in STRINGY else _TYPE_NAMES[field.type]
        quotes = "should be enclosed" if stringy else "should not be enclosed"
        raise SoqlError(
            "INVALID_FIELD",
            f"value of filter criterion for field '{field.name}' must be of type "
            f"{type_name} and {quotes} in quotes",
            token.pos,
        )
    if field.type in ("id", "reference"):
        canonical = canonical_id(token.value)
        if canonical is None:
            raise SoqlError(
                "INVALID_QUERY_FILTER_OPERATOR",
                f"invalid ID field: {token.value}",
                token.pos,
            )
        return canonical
    if got == "bool":
        return token.text.upper() == "TRUE"
    if got == "datetime":
        return parse_datetime(token.value)
    return normalise(field, token.value)


def _compile(
    expr: Expr, sobject: ObjectDef, catalog: Mapping[str, ObjectDef]
) -> Predicate:
    if isinstance(expr, BoolOp):
        parts = [_compile(e, sobject, catalog) for e in expr.items]
        if expr.op == "AND":
            return lambda r, s: all(p(r, s) for p in parts)
        return lambda r, s: any(p(r, s) for p in parts)
    if isinstance(expr, Not):
        inner = _compile(expr.expr, sobject, catalog)
        return lambda r, s: not inner(r, s)
    column = _resolve(expr.path, sobject, catalog)
    field = column.field
    if not field.filterable:
        raise SoqlError(
            "INVALID_FIELD",
            f"field '{field.name}' can not be filtered in a query call",
            expr.path.pos,
        )
    if isinstance(expr, Like):
        if field.type not in STRINGY:
            raise SoqlError(
                "INVALID_FIELD",
                f"invalid operator on {_TYPE_NAMES.get(field.type, field.type)} field",
                expr.path.pos,
            )
        pattern = expr.pattern.like
        assert pattern is not None

        def like(r: Record, s: Store) -> bool:
            value = column.get(r, s)
            return value is not None and pattern.fullmatch(str(value)) is not None

        return like
    if isinstance(expr, InList):
        values = {_literal(column, t) for t in expr.values}
        negate = expr.negate

        def within(r: Record, s: Store) -> bool:
            value = normalise(field, column.get(r, s))
            return (value in values) != negate

        return within
    return _comparison(expr, column)


def _comparison(expr: Compare, column: Column) -> Predicate:
    field = column.field
    if field.type == "boolean" and expr.op not in ("=", "!="):
        raise SoqlError(
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid operator on boolean field",
            expr.path.pos,
        )
    literal = _literal(column, expr.value)
    op = expr.op
    compare = _OPS[op]

    def matches(r: Record, s: Store) -> bool:
        value = normalise(field, column.get(r, s))
        if literal is None or value is None:
            # SOQL treats null as a value: "x != 5" is true for a null x.
            if op == "=":
                return value is literal
            if op == "!=":
                return value is not literal
            return False
        return bool(compare(value, literal))

    return matches
