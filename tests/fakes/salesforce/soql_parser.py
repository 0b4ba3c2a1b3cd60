"""The SOQL subset the fake understands, parsed into a small syntax tree.

``SELECT f, Rel.f FROM Obj [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST],
...] [LIMIT n] [OFFSET n]`` with AND / OR / NOT, parentheses, ``= != < <= > >=``,
``[NOT] IN (...)`` and ``LIKE``. As in SOQL, AND and OR may not be mixed at one
level without parentheses. Real SOQL that the fake does not model (aggregates,
GROUP BY, subqueries, date literals such as TODAY...) is refused with a message
saying so, never answered wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.fakes.salesforce.soql_lexer import SoqlError, Token, tokenize

__all__ = [
    "BoolOp",
    "Compare",
    "Expr",
    "InList",
    "Like",
    "Not",
    "NotModelled",
    "OrderItem",
    "Path",
    "Query",
    "parse",
]


class NotModelled(SoqlError):
    """Valid SOQL the fake does not implement (so a test never trusts it)."""

    def __init__(self, feature: str, pos: int) -> None:
        super().__init__(
            "MALFORMED_QUERY", f"{feature} is not modelled by the fake Salesforce", pos
        )
        self.feature = feature


@dataclass(frozen=True)
class Path:
    """A field, possibly through relationships: ``Owner.Name`` is two parts."""

    parts: tuple[str, ...]
    pos: int


@dataclass(frozen=True)
class Compare:
    """``path op value`` (``value`` a literal token)."""

    path: Path
    op: str
    value: Token


@dataclass(frozen=True)
class InList:
    """``path [NOT] IN (v, ...)``."""

    path: Path
    values: tuple[Token, ...]
    negate: bool


@dataclass(frozen=True)
class Like:
    """``path LIKE 'pattern'``."""

    path: Path
    pattern: Token


@dataclass(frozen=True)
class Not:
    """``NOT expr``."""

    expr: Expr


@dataclass(frozen=True)
class BoolOp:
    """``a AND b AND ...`` or ``a OR b OR ...``."""

    op: str
    items: tuple[Expr, ...]


Expr = Compare | InList | Like | Not | BoolOp
"""A WHERE condition."""


@dataclass(frozen=True)
class OrderItem:
    """One ORDER BY key; ``nulls_first`` None means the default."""

    path: Path
    descending: bool
    nulls_first: bool | None


@dataclass(frozen=True)
class Query:
    """A parsed SELECT."""

    fields: tuple[Path, ...]
    sobject: str
    sobject_pos: int
    where: Expr | None
    order: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None
    offset_pos: int = 0


_CLAUSES = ("WHERE", "ORDER", "LIMIT", "OFFSET", "GROUP", "HAVING", "WITH", "FOR")
_RESERVED = frozenset(
    {"AND", "OR", "NOT", "IN", "LIKE", "FROM", "SELECT", "NULL", "TRUE", "FALSE"}
    | set(_CLAUSES)
)
_DATE_WORDS = (
    "TODAY",
    "YESTERDAY",
    "TOMORROW",
    "THIS_WEEK",
    "LAST_WEEK",
    "THIS_MONTH",
    "LAST_MONTH",
    "THIS_YEAR",
    "LAST_YEAR",
)


def parse(query: str) -> Query:
    """The syntax tree of ``query``, or :class:`SoqlError` (MALFORMED_QUERY)."""
    return _Parser(tokenize(query)).query()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def _next(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def _unexpected(self, token: Token | None = None) -> SoqlError:
        token = token or self.tok
        return SoqlError(
            "MALFORMED_QUERY", f"unexpected token: {token.text}", token.pos
        )

    def _expect_word(self, word: str) -> Token:
        if not self.tok.is_word(word):
            raise self._unexpected()
        return self._next()

    def _expect_punct(self, char: str) -> Token:
        if self.tok.kind != "punct" or self.tok.text != char:
            raise self._unexpected()
        return self._next()

    def query(self) -> Query:
        self._expect_word("SELECT")
        fields = [self._select_item()]
        while self.tok.kind == "punct" and self.tok.text == ",":
            self._next()
            fields.append(self._select_item())
        self._expect_word("FROM")
        obj = self._next()
        if obj.kind != "name" or "." in obj.text or obj.text.upper() in _RESERVED:
            raise self._unexpected(obj)
        where = None
        order: list[OrderItem] = []
        limit = offset = None
        offset_pos = 0
        if self.tok.is_word("USING"):
            raise NotModelled("USING SCOPE", self.tok.pos)
        if self.tok.is_word("WHERE"):
            self._next()
            where = self._condition()
        for word in ("GROUP", "HAVING", "WITH"):
            if self.tok.is_word(word):
                raise NotModelled(f"{word} clauses", self.tok.pos)
        if self.tok.is_word("ORDER"):
            self._next()
            self._expect_word("BY")
            order.append(self._order_item())
            while self.tok.kind == "punct" and self.tok.text == ",":
                self._next()
                order.append(self._order_item())
        if self.tok.is_word("LIMIT"):
            self._next()
            limit = self._count()
        if self.tok.is_word("OFFSET"):
            offset_pos = self._next().pos
            offset = self._count()
        if self.tok.is_word("FOR"):
            raise NotModelled("FOR VIEW / FOR UPDATE", self.tok.pos)
        if self.tok.kind != "end":
            raise self._unexpected()
        return Query(
            tuple(fields),
            obj.text,
            obj.pos,
            where,
            tuple(order),
            limit,
            offset,
            offset_pos,
        )

    def _count(self) -> int:
        token = self._next()
        if (
            token.kind != "number"
            or not isinstance(token.value, int)
            or token.value < 0
        ):
            raise self._unexpected(token)
        return token.value

    def _select_item(self) -> Path:
        token = self.tok
        if token.kind == "punct" and token.text == "(":
            raise NotModelled("Parent-to-child subqueries", token.pos)
        if token.is_word("TYPEOF"):
            raise NotModelled("TYPEOF", token.pos)
        path = self._path()
        if self.tok.kind == "punct" and self.tok.text == "(":
            raise NotModelled(f"Function {token.text}()", token.pos)
        return path

    def _path(self) -> Path:
        token = self._next()
        if token.kind != "name" or token.text.upper() in _RESERVED:
            raise self._unexpected(token)
        return Path(tuple(token.text.split(".")), token.pos)

    def _order_item(self) -> OrderItem:
        path = self._path()
        descending = False
        nulls_first: bool | None = None
        if self.tok.is_word("ASC", "DESC"):
            descending = self._next().text.upper() == "DESC"
        if self.tok.is_word("NULLS"):
            self._next()
            if not self.tok.is_word("FIRST", "LAST"):
                raise self._unexpected()
            nulls_first = self._next().text.upper() == "FIRST"
        return OrderItem(path, descending, nulls_first)

    def _condition(self) -> Expr:
        items = [self._unary()]
        op: str | None = None
        while self.tok.is_word("AND", "OR"):
            word = self.tok.text.upper()
            if op is not None and word != op:
                # SOQL needs parentheses to mix AND and OR.
                raise self._unexpected()
            op = word
            self._next()
            items.append(self._unary())
        if op is None:
            return items[0]
        return BoolOp(op, tuple(items))

    def _unary(self) -> Expr:
        if self.tok.is_word("NOT"):
            self._next()
            return Not(self._unary())
        if self.tok.kind == "punct" and self.tok.text == "(":
            self._next()
            inner = self._condition()
            self._expect_punct(")")
            return inner
        return self._comparison()

    def _comparison(self) -> Expr:
        path = self._path()
        if self.tok.kind == "punct" and self.tok.text == "(":
            raise NotModelled("Functions in WHERE", path.pos)
        if self.tok.kind == "op":
            op = self._next().text
            return Compare(path, op, self._value())
        negate = False
        if self.tok.is_word("NOT"):
            self._next()
            negate = True
            if not self.tok.is_word("IN"):
                raise self._unexpected()
        if self.tok.is_word("IN"):
            self._next()
            self._expect_punct("(")
            if self.tok.is_word("SELECT"):
                raise NotModelled("Semi-joins (IN (SELECT ...))", self.tok.pos)
            values = [self._value()]
            while self.tok.kind == "punct" and self.tok.text == ",":
                self._next()
                values.append(self._value())
            self._expect_punct(")")
            return InList(path, tuple(values), negate)
        if self.tok.is_word("LIKE"):
            self._next()
            pattern = self._next()
            if pattern.kind != "string":
                raise self._unexpected(pattern)
            return Like(path, pattern)
        if self.tok.is_word("INCLUDES", "EXCLUDES"):
            raise NotModelled("Multi-select picklist filters", self.tok.pos)
        raise self._unexpected()

    def _value(self) -> Token:
        token = self._next()
        if token.kind in ("string", "number", "date", "datetime"):
            return token
        if token.is_word("NULL", "TRUE", "FALSE"):
            return token
        if token.kind == "name" and (
            token.text.upper() in _DATE_WORDS or token.text.upper().startswith("LAST_N")
        ):
            raise NotModelled(f"Date literal {token.text}", token.pos)
        if token.kind == "name" and token.text.startswith(":"):
            raise NotModelled("Bind variables", token.pos)
        raise self._unexpected(token)
