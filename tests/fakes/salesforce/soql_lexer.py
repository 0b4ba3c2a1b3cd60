"""SOQL tokens: names, strings, numbers, dates, datetimes, operators (§4).

Datetime literals are unquoted, with ``Z`` or ``±hh:mm``; strings take escapes.

A datetime whose ``+`` was not URL-encoded arrives with a space instead
(``...T00:00:00 09:00``); it then matches no literal and the query is refused
as MALFORMED_QUERY, as Salesforce refuses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["SoqlError", "Token", "tokenize"]


class SoqlError(Exception):
    """A query Salesforce refuses: ``code`` and the text after the location."""

    def __init__(self, code: str, text: str, pos: int | None = None) -> None:
        super().__init__(text)
        self.code = code
        self.text = text
        self.pos = pos

    def message(self, query: str) -> str:
        """Salesforce's layout: the query line, a caret, the row and column."""
        if self.pos is None:
            return self.text
        before = query[: self.pos]
        row = before.count("\n") + 1
        line_start = before.rfind("\n") + 1
        column = self.pos - line_start + 1
        end = query.find("\n", self.pos)
        line = query[line_start : end if end >= 0 else len(query)]
        return (
            f"\n{line}\n{' ' * (column - 1)}^\n"
            f"ERROR at Row:{row}:Column:{column}\n{self.text}"
        )


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is name, string, number, date, datetime, op, punct, end."""

    kind: str
    text: str
    pos: int
    value: Any = None
    like: re.Pattern[str] | None = None

    def is_word(self, *words: str) -> bool:
        """Whether this is a bare name equal (without case) to one of ``words``."""
        return self.kind == "name" and self.text.upper() in words


_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?![\dT])")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?![\w.])")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_OPS = ("<=", ">=", "!=", "<>", "=", "<", ">")
_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query``, ending with an ``end`` token."""
    tokens: list[Token] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
            continue
        if char == "'":
            token, i = _string(query, i)
            tokens.append(token)
            continue
        if char in "(),":
            tokens.append(Token("punct", char, i))
            i += 1
            continue
        op = next((o for o in _OPS if query.startswith(o, i)), None)
        if op is not None:
            tokens.append(Token("op", "!=" if op == "<>" else op, i))
            i += len(op)
            continue
        if char.isdigit() or (char == "-" and query[i + 1 : i + 2].isdigit()):
            token = _literal(query, i)
            tokens.append(token)
            i += len(token.text)
            continue
        match = _NAME.match(query, i)
        if match is not None:
            tokens.append(Token("name", match.group(), i))
            i = match.end()
            continue
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{char}'", i)
    tokens.append(Token("end", "<EOF>", len(query)))
    return tokens


def _literal(query: str, i: int) -> Token:
    for kind, pattern in (("datetime", _DATETIME), ("date", _DATE)):
        match = pattern.match(query, i)
        if match is not None:
            return Token(kind, match.group(), i, match.group())
    if re.match(r"\d{4}-\d{2}-\d{2}T", query[i:]):
        # A datetime with no zone, or whose "+hh:mm" became " hh:mm" (an
        # unencoded "+" in the URL): not a literal SOQL knows.
        end = i
        while end < len(query) and not query[end].isspace() and query[end] not in "),":
            end += 1
        raise SoqlError(
            "MALFORMED_QUERY",
            f"line 1:{i} no viable alternative at character '{query[i:end]}'",
            i,
        )
    match = _NUMBER.match(query, i)
    if match is None:
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{query[i]}'", i)
    text = match.group()
    value: float | int = float(text) if "." in text else int(text)
    return Token("number", text, i, value)


def _string(query: str, start: int) -> tuple[Token, int]:
    r"""A quoted string: its value, and a LIKE pattern keeping \_ and \% literal."""
    out: list[str] = []
    like: list[str] = []
    i = start + 1
    while i < len(query):
        char = query[i]
        if char == "'":
            token = Token(
                "string",
                query[start : i + 1],
                start,
                "".join(out),
                re.compile("".join(like), re.IGNORECASE | re.DOTALL),
            )
            return token, i + 1
        if char == "\\":
            nxt = query[i + 1 : i + 2]
            if nxt in ("_", "%"):
                out.append("\\" + nxt)
                like.append(re.escape(nxt))
            elif nxt.lower() in _ESCAPES or nxt in _ESCAPES:
                value = _ESCAPES.get(nxt, _ESCAPES.get(nxt.lower(), nxt))
                out.append(value)
                like.append(re.escape(value))
            else:
                raise SoqlError(
                    "MALFORMED_QUERY",
                    "Invalid string literal '"
                    + query[start : i + 2]
                    + "'. Illegal character sequence '\\"
                    + nxt
                    + "' in string literal.",
                    start,
                )
            i += 2
            continue
        out.append(char)
        like.append({"%": ".*", "_": "."}.get(char) or re.escape(char))
        i += 1
    raise SoqlError(
        "MALFORMED_QUERY",
        f"line 1:{len(query)} mismatched character '<EOF>' expecting '''",
        start,
    )
