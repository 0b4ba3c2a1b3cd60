"""Comparison levels: how alike two people are on each field, as small integers.

The Fellegi–Sunter model (:mod:`connector.matching.model`) does not see
similarities; it sees, per comparison, which of a few ordered levels a pair falls
in (level 0 is the strongest agreement) and learns how much each level says.
The levels are few and meaningful so that each can be estimated: "same employer,
another mailbox at its domain" is its own level because it is what coworkers look
like, not a low e-mail similarity.

The model multiplies the comparisons' evidence as if they were independent, so
the comparisons are cut where B2B data is *not* independent:

- e-mail and employer (company, legal form, e-mail domain) are one comparison,
  ``work``: counted apart, a coworker would look like the person twice over;
- a shared phone line means something else between two people of one employer
  (the office's main line) than between strangers, so the phone is two
  comparisons, one for pairs at the same employer and one for the rest, and the
  first learns how coworkers agree from coworkers, not from random pairs.

:func:`compare_all` computes a pair's whole pattern in one pass (the employer is
needed by three comparisons and computed once) and, for exact-agreement levels,
the agreed value, whose frequency adjusts the weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import OSA, Indel

from connector.matching import compare
from connector.matching.keys import Keys
from connector.matching.normalise import is_mobile

__all__ = [
    "COMPARISONS",
    "FIELDS",
    "NULL",
    "Comparison",
    "Pattern",
    "compare_all",
    "comparisons_for",
    "field_values",
]

NULL = -1
"""Either side lacks the field: the comparison is left out of the pair's weight."""

Pattern = tuple[int, ...]
"""One level per comparison (:data:`NULL` where it does not apply)."""

FIELDS = ("email", "phone", "name")
"""Fields whose values are counted for term frequencies."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """One comparison: level names (strongest first) and how to estimate them.

    Attributes:
        name: shown in explanations and stored with the model's weights.
        levels: a label per level, for ``dedupe explain``.
        tf_field: index into :data:`FIELDS` of the value exact levels agree on.
        tf_levels: levels whose weight the agreed value's frequency adjusts;
            level ``k`` there is value class ``k`` of the field (see
            :func:`field_values`).
        u_source: where non-matches' levels are learnt: ``random`` record pairs
            (all but never one person), or ``coworkers`` (pairs at one employer
            with different names), for a comparison that only applies there.
        anchor: pairs that are almost surely one person *without* this
            comparison: how matches agree here is learnt from them. None: the
            model finds them itself, as the pairs the other comparisons already
            call one person (see :func:`connector.matching.model.estimate`).
        ordered: the levels go from more to less alike, so no level may weigh
            more than the one before it, and the last (disagreement) never
            counts for a match.
        not_above: (level, other) pairs where ``level`` says everything
            ``other`` does and a reason for doubt besides, so it may not weigh
            more (another mailbox at the employer's domain is "same employer"
            plus "a different mailbox").
    """

    name: str
    levels: tuple[str, ...]
    tf_field: int | None
    tf_levels: frozenset[int]
    u_source: Literal["random", "coworkers"]
    anchor: Callable[[Pattern], bool] | None
    ordered: bool = False
    not_above: tuple[tuple[int, int], ...] = ()


_WORK, _PHONE_AT_EMPLOYER, _PHONE_ELSEWHERE, _NAME = range(4)
_EMAIL_FIELD, _PHONE_FIELD, _NAME_FIELD = range(3)


def _by_mobile(pattern: Pattern) -> bool:
    # A shared mobile number. Not "the same name on the same line": namesakes at
    # one office share its main line, and would teach that coworkers are twins.
    return pattern[_PHONE_AT_EMPLOYER] == 0 or pattern[_PHONE_ELSEWHERE] == 0


def _by_address(pattern: Pattern) -> bool:
    return pattern[_WORK] == 0


def _by_address_or_mobile(pattern: Pattern) -> bool:
    return (
        pattern[_WORK] == 0
        or pattern[_PHONE_AT_EMPLOYER] == 0
        or pattern[_PHONE_ELSEWHERE] == 0
    )


_PHONE_LEVELS = ("same mobile number", "same line (office or unknown)", "different")

COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "work",
        (
            "same address",
            "same role mailbox (info@, sales@...)",
            "same personal local part, other domain",
            "same company domain, local part one slip apart",
            "same employer, addresses not comparable (free mail, missing)",
            "same employer, another mailbox at its domain (a coworker?)",
            "same company name, another legal form",
            "different employers",
            "different addresses, employer unknown",
            "same company domain, mailboxes numbered or initialled apart",
        ),
        _EMAIL_FIELD,
        frozenset({0, 1}),
        "random",
        _by_mobile,
        not_above=((5, 4), (6, 4), (9, 5)),
    ),
    Comparison(
        "phone (same employer)",
        _PHONE_LEVELS,
        _PHONE_FIELD,
        frozenset({0, 1}),
        "coworkers",
        _by_address,
        ordered=True,
    ),
    Comparison(
        "phone",
        _PHONE_LEVELS,
        _PHONE_FIELD,
        frozenset({0, 1}),
        "random",
        _by_address,
        ordered=True,
    ),
    Comparison(
        "name",
        (
            "same name",
            "nearly the same name (>= 0.92)",
            "similar name (>= 0.80)",
            "the same reading (kana against kanji)",
            "one side gives only one of the other's names",
            "one name the same, the other different",
            "different names",
        ),
        _NAME_FIELD,
        frozenset({0}),
        "random",
        _by_address_or_mobile,
        ordered=True,
    ),
)
"""The comparisons of every model, in the order of its weight vectors."""

_SAME, _OTHER_FORM, _DIFFERENT, _UNKNOWN = range(4)
_similarity = Indel.normalized_similarity
_edits = OSA.distance
_company = compare.feature_function("company")
_company_domain = compare.feature_function("company_domain")
_corporate_local = compare.feature_function("corporate_local")
_name_part = compare.feature_function("name_part")
_name_similarity = compare.feature_function("name")


def _employer(a: Keys, b: Keys) -> int:
    left, right = a.company, b.company
    if left is not None and right is not None:
        if left == right:
            if a.legal is not None and b.legal is not None and a.legal != b.legal:
                return _OTHER_FORM  # 三浦建設株式会社 and 三浦建設有限会社
            return _SAME
        if (_company(a, b) or 0.0) >= 0.88:
            return _SAME
    if a.corporate and b.corporate and a.domain is not None and a.domain == b.domain:
        return _SAME
    if left is None or right is None:
        return _UNKNOWN
    if left.isascii() != right.isascii():
        # Kohoku Kogyo West and kobayashi@kohoku-kogyo-west.jp (only across
        # scripts: a Latin name meets the other side's work domain).
        across = _company_domain(a, b)
        if across is not None and across >= 0.9:
            return _SAME
    return _DIFFERENT


def _work(a: Keys, b: Keys, employer: int) -> tuple[int, str | None]:
    if a.email is not None and b.email is not None:
        if a.email == b.email:
            # ``local`` is None for role mailboxes (info@, sales@): one address,
            # many people, so agreeing on it is its own, weaker level.
            return (0, a.email) if a.local is not None else (1, a.email)
        if (
            a.local is not None
            and a.local == b.local
            and employer != _DIFFERENT
            and not (a.corporate and b.corporate)
        ):
            # taro.yamada@gmail.com and taro.yamada@corp.co.jp. Not between two
            # employers' domains: name-built mailboxes (kawamori.shota@) of two
            # namesakes agree there, which says no more than their names do.
            return 2, None
        if a.corporate and b.corporate and a.domain == b.domain:
            local = _corporate_local(a, b)
            if local is not None and local >= 0.9:
                return 3, None  # one work mailbox typed two ways
            if local == 0.0:
                # sato2@ beside sato@, ksato@ beside ysato@: the mail admin
                # numbered or initialled two people apart.
                return 9, None
            return 5, None  # another mailbox at the same company domain
    if employer == _SAME:
        return 4, None
    if employer == _OTHER_FORM:
        return 6, None
    if employer == _DIFFERENT:
        return 7, None
    if a.email is not None and b.email is not None:
        return 8, None
    return NULL, None


def _phone(a: Keys, b: Keys) -> tuple[int, str | None]:
    if a.phone is None or b.phone is None:
        return NULL, None
    if a.phone == b.phone:
        # A mobile number is a person's own; an office's main line is everyone's.
        return (0, a.phone) if is_mobile(a.phone) else (1, a.phone)
    return 2, None


def _name(a: Keys, b: Keys) -> tuple[int, str | None]:
    if a.name is None or b.name is None:
        return NULL, None
    if a.name == b.name:
        return 0, a.name
    if _name_part(a, b) == 1.0:
        return 4, None  # 佐藤 against 佐藤 学: a name left half blank
    similarity = _name_similarity(a, b) or 0.0
    if similarity >= 0.92:
        return 1, None
    if similarity >= 0.8:
        return 2, None
    if a.reading is not None and a.reading == b.reading:
        return 3, None  # カトウ シゲル and 加藤 茂
    if not set(a.tokens).isdisjoint(b.tokens):
        return 5, None  # 菊野 達希 and 菊野 希: one name agrees, the other not
    return 6, None


def compare_all(
    a: Keys, b: Keys, kinds: tuple[str, ...] = ()
) -> tuple[Pattern, tuple[str | None, ...]]:
    """A pair's level on every comparison, and the agreed values (for TF).

    ``kinds`` are the kinds of the declared fields (``[[model.fields]]``), whose
    levels follow the built-in ones.
    """
    employer = _employer(a, b)
    work, address = _work(a, b, employer)
    phone, number = _phone(a, b)
    name, named = _name(a, b)
    if employer in (_SAME, _OTHER_FORM):
        # Another legal form on one record is mostly a slip (有限会社 for 株式会社)
        # when the two share a line: for the phone, they are one employer.
        levels, values = [work, phone, NULL, name], [address, number, None, named]
    else:
        levels, values = [work, NULL, phone, name], [address, None, number, named]
    for index, kind in enumerate(kinds):
        level, agreed = _declared(a.extra[index], b.extra[index], kind)
        levels.append(level)
        values.append(agreed)
    return tuple(levels), tuple(values)


def _declared(left: str | None, right: str | None, kind: str) -> tuple[int, str | None]:
    if left is None or right is None:
        return NULL, None
    if left == right:
        return 0, left
    if kind == "text" and _similarity(left, right) >= 0.85:
        return 1, None
    if kind == "id" and _edits(left, right, score_cutoff=1) <= 1:
        return 1, None
    if kind == "date" and _date_slip(left, right):
        return 1, None
    return 2, None


def _date_slip(left: str, right: str) -> bool:
    # One digit mistyped, or day and month swapped (19840307 / 19840703).
    if len(left) != len(right):
        return False
    if sum(x != y for x, y in zip(left, right, strict=True)) == 1:
        return True
    return (
        len(left) == 8
        and left[:4] == right[:4]
        and left[4:6] == right[6:8]
        and (left[6:8] == right[4:6])
    )


def comparisons_for(fields: tuple[tuple[str, str], ...]) -> tuple[Comparison, ...]:
    """The built-in comparisons and one per declared field (name, kind)."""
    declared = tuple(
        Comparison(
            f"field {name}",
            ("same value", "close (a slip)", "different"),
            len(FIELDS) + index,
            frozenset({0}),
            "random",
            None,
            ordered=True,
        )
        for index, (name, _) in enumerate(fields)
    )
    return COMPARISONS + declared


def field_values(keys: Keys) -> tuple[tuple[int, str] | None, ...]:
    """Per counted field (:data:`FIELDS`, then the declared ones): (class, value).

    The class is the exact level agreeing on the value would reach: a personal
    address (0) or a role mailbox (1); a mobile number (0) or another line (1).
    """
    email = (0 if keys.local is not None else 1, keys.email) if keys.email else None
    phone = (0 if is_mobile(keys.phone) else 1, keys.phone) if keys.phone else None
    name = (0, keys.name) if keys.name else None
    extra = tuple((0, value) if value else None for value in keys.extra)
    return (email, phone, name, *extra)
