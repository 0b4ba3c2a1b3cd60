"""Comparison levels: how alike two people are on one field, as a small integer.

The Fellegi–Sunter model (:mod:`connector.matching.model`) does not see
similarities; it sees, per field, which of a few ordered levels a pair falls in
(level 0 is the strongest agreement, the last one disagreement) and learns from
the data how much each level says. Keeping the levels few and meaningful is what
lets EM estimate them: "same corporate domain, another local part" is its own
level because it is what coworkers look like, not a low e-mail similarity.

A comparison returns ``(level, value)``: the level, or :data:`NULL` when either side
lacks the field (no evidence either way), and for exact-agreement levels the agreed
value, whose frequency in the data adjusts the weight (a role mailbox shared by
thirty records says less than a personal address).

Company, e-mail domain and city move together, so they are one comparison
(``employer``): counted as independent evidence they would be counted three times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from connector.matching import compare
from connector.matching.keys import Keys
from connector.matching.normalise import is_mobile

__all__ = ["COMPARISONS", "NULL", "Comparison", "Level"]

NULL = -1
"""Either side lacks the field: the comparison is left out of the pair's weight."""

Level = tuple[int, str | None]
"""(level, agreed value for term frequencies, or None)."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """One field's comparison: level names (strongest first) and the function.

    Attributes:
        name: shown in explanations and stored with the model's weights.
        levels: a label per level, for ``dedupe explain``.
        compare: (a, b) -> (level or NULL, agreed value or None).
        tf_levels: levels whose weight is adjusted by the agreed value's
            frequency (exact agreement on a common value is weak evidence).
    """

    name: str
    levels: tuple[str, ...]
    compare: Callable[[Keys, Keys], Level]
    tf_levels: frozenset[int] = frozenset()


_NONE: Level = (NULL, None)


def _email(a: Keys, b: Keys) -> Level:
    if a.email is None or b.email is None:
        return _NONE
    if a.email == b.email:
        # ``local`` is None for role mailboxes (info@, sales@): one address, many
        # people, so agreeing on it is its own, weaker level.
        return (0, a.email) if a.local is not None else (1, a.email)
    if a.local is not None and a.local == b.local:
        return 2, None  # taro.yamada@gmail.com and taro.yamada@corp.co.jp
    if a.corporate and b.corporate and a.domain == b.domain:
        local = compare.feature("corporate_local", a, b)
        if local is not None and local >= 0.85:
            return 3, None  # one work mailbox typed two ways
        return 4, None  # coworkers: same corporate domain, another mailbox
    return 5, None


def _phone(a: Keys, b: Keys) -> Level:
    if a.phone is None or b.phone is None:
        return _NONE
    if a.phone == b.phone:
        # A mobile number is a person's own; an office's main line is everyone's.
        return (0, a.phone) if is_mobile(a.phone) else (1, a.phone)
    return 2, None


def _name(a: Keys, b: Keys) -> Level:
    if a.name is None or b.name is None:
        return _NONE
    if a.name == b.name:
        return 0, a.name
    part = compare.feature("name_part", a, b)
    if part == 1.0:
        return 3, None  # 佐藤 against 佐藤 学: a name left half blank
    similarity = compare.feature("name", a, b) or 0.0
    if similarity >= 0.92:
        return 1, None
    if similarity >= 0.8:
        return 2, None
    return 4, None


def _employer(a: Keys, b: Keys) -> Level:
    same_domain = a.corporate and b.corporate and a.domain == b.domain
    if a.company is not None and b.company is not None:
        if a.company == b.company:
            if a.legal is not None and b.legal is not None and a.legal != b.legal:
                return 1, None  # 三浦建設株式会社 and 三浦建設有限会社
            return 0, a.company
        if (compare.feature("company", a, b) or 0.0) >= 0.88:
            return 2, None
    if same_domain:
        return 3, None
    across = compare.feature("company_domain", a, b)
    if across is not None and across >= 0.9:
        return 3, None  # Kohoku Kogyo West and kobayashi@kohoku-kogyo-west.jp
    known_a = a.company is not None or (a.corporate and a.domain is not None)
    known_b = b.company is not None or (b.corporate and b.domain is not None)
    if known_a and known_b:
        return 4, None
    return _NONE


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "email",
        (
            "same address",
            "same role mailbox (info@, sales@...)",
            "same personal local part, other domain",
            "same company domain, local part one slip apart",
            "same company domain, another local part (a coworker?)",
            "different addresses",
        ),
        _email,
        frozenset({0, 1}),
    ),
    Comparison(
        "phone",
        ("same mobile number", "same line (office or unknown)", "different numbers"),
        _phone,
        frozenset({0, 1}),
    ),
    Comparison(
        "name",
        (
            "same name",
            "nearly the same name (>= 0.92)",
            "similar name (>= 0.80)",
            "one side gives only one of the other's names",
            "different names",
        ),
        _name,
        frozenset({0}),
    ),
    Comparison(
        "employer",
        (
            "same company",
            "same company name, another legal form",
            "similar company name (>= 0.88)",
            "same company e-mail domain",
            "different employers",
        ),
        _employer,
        frozenset({0}),
    ),
)
"""The person comparisons every model uses, in the order of weight vectors."""
