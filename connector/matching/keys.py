"""A person's match keys, computed once and compared many times.

:class:`Keys` is a plain tuple on purpose: batch mode holds one per record, so it
must be small and fast to build; every comparison and block reads from it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple, TypeAlias

from connector.matching.config import MatchRules
from connector.matching.normalise import (
    company_key,
    domain_stem,
    field_value,
    legal_form,
    name_tokens,
    normalise_email,
    normalise_phone,
    phone_region,
    reading,
)
from connector.records import Person

__all__ = [
    "BlockValue",
    "Keys",
    "block_function",
    "block_values",
    "company_stems",
    "keys_of",
    "person_keys",
]


class Keys(NamedTuple):
    """Normalised match keys of one person; ``None`` where the field is unusable.

    Attributes:
        email: the folded address (plus-tag and provider dots removed).
        local: its local part, unless it is a generic one (info@, sales@).
        domain: its domain, whatever kind.
        corporate: whether the domain says something about the employer (not free
            mail), which is what makes ``domain`` and ``corporate_local`` usable.
        phone: E.164.
        name: sorted name tokens joined by a space (order-insensitive).
        tokens: the sorted name tokens themselves.
        company: the company name without legal-form words.
        legal: the kind of company the name declares (``kk``, ``yk``, ``llc``...),
            which :attr:`company` drops; None when the name declares none.
        extra: the model's declared fields (``[[model.fields]]``), folded, in
            the order declared; None where the record lacks one.
        reading: the name's kana reading, its parts sorted (ヤマダ トモコ and
            山田 智子 both give ともこ やまだ); from the record's own kana
            (``last_name_kana`` / ``first_name_kana`` attributes) when it has
            them, else read from the kanji. None for Latin names.
    """

    email: str | None
    local: str | None
    domain: str | None
    corporate: bool
    phone: str | None
    name: str | None
    tokens: tuple[str, ...]
    company: str | None
    legal: str | None = None
    extra: tuple[str | None, ...] = ()
    reading: str | None = None


def keys_of(
    rules: MatchRules,
    email: str | None,
    phone: str | None,
    last_name: str | None,
    first_name: str | None,
    company: str | None,
    country: str | None = None,
    attributes: Mapping[str, object] | None = None,
) -> Keys:
    """Build the keys from raw field values (the batch path, without a Person).

    ``country`` is the record's own country, when it has one: its phone numbers
    are read as that country writes them before the configured default region.
    """
    local: str | None = None
    domain: str | None = None
    address: str | None = None
    folded = normalise_email(email, rules.email)
    if folded is not None:
        address, local, domain = folded
        # Thousands of people share a domain: one string object instead of many.
        domain = sys.intern(domain)
        if local in rules.generic_locals:
            local = None
    name, tokens = _name_key(last_name, first_name)
    return Keys(
        email=address,
        local=local,
        domain=domain,
        corporate=domain is not None and domain not in rules.free_mail,
        phone=_phone_key(rules, phone, country),
        name=name,
        tokens=tokens,
        company=company_key(company, rules.legal_forms),
        legal=legal_form(company),
        extra=_extra(rules, attributes) if rules.model_fields else (),
        reading=_reading_key(
            _text(attributes, "last_name_kana") or last_name,
            _text(attributes, "first_name_kana") or first_name,
        ),
    )


def _text(attributes: Mapping[str, object] | None, name: str) -> str | None:
    value = attributes.get(name) if attributes else None
    return value if isinstance(value, str) and value.strip() else None


@lru_cache(maxsize=1 << 18)
def _reading_key(last: str | None, first: str | None) -> str | None:
    parts: list[str] = []
    for part in (last, first):
        if not part:
            continue
        for token in part.replace("\u3000", " ").split():
            found = reading(token)
            if found is None:
                return None
            parts.append(found)
    return " ".join(sorted(parts)) if parts else None


def _extra(
    rules: MatchRules, attributes: Mapping[str, object] | None
) -> tuple[str | None, ...]:
    found = attributes or {}
    return tuple(
        field_value(found.get(name), kind) for name, kind in rules.model_fields
    )


def _phone_key(rules: MatchRules, phone: str | None, country: str | None) -> str | None:
    own = phone_region(country) if country else None
    if own is None or own == rules.region:
        return normalise_phone(phone, rules.region, rules.other_regions)
    others = (rules.region, *(r for r in rules.other_regions if r != own))
    return normalise_phone(phone, own, others)


@lru_cache(maxsize=1 << 18)
def _name_key(
    last_name: str | None, first_name: str | None
) -> tuple[str | None, tuple[str, ...]]:
    # Names repeat a lot (佐藤 翔 ...); sharing the key objects saves memory at 1M.
    tokens = name_tokens(last_name, first_name)
    return (" ".join(tokens) if tokens else None), tokens


def person_keys(person: Person, rules: MatchRules) -> Keys:
    """Build the keys of a :class:`~connector.records.Person`."""
    return keys_of(
        rules,
        person.email,
        person.phone,
        person.last_name,
        person.first_name,
        person.company,
        _country(person),
        person.attributes,
    )


def _country(person: Person) -> str | None:
    value = person.attributes.get("country")
    return value if isinstance(value, str) else None


def _name_joined(keys: Keys) -> tuple[str, ...]:
    tokens = keys.tokens
    if len(tokens) == 2:
        return (tokens[0] + tokens[1], tokens[1] + tokens[0])
    return ("".join(tokens),) if tokens else ()


def _attribute(kind: str) -> Callable[[Keys], tuple[str, ...]]:
    get = attrgetter(kind)

    def values(keys: Keys) -> tuple[str, ...]:
        value = get(keys)
        return (value,) if value else ()

    return values


_Extract = Callable[[Keys], tuple[str, ...]]


def _declared(kind: str) -> _Extract:
    index = int(kind.partition("#")[2])

    def values(keys: Keys) -> tuple[str, ...]:
        value = keys.extra[index] if index < len(keys.extra) else None
        return (value,) if value else ()

    return values


_EXTRACTORS: dict[str, _Extract] = {
    "name_token": attrgetter("tokens"),
    "name_joined": _name_joined,
    "company_head": lambda k: (k.company[:2],) if k.company else (),
    "domain": lambda k: (k.domain,) if k.corporate and k.domain else (),
    "company_stem": lambda k: company_stems(k),
}


def _extractor(kind: str) -> _Extract:
    if kind.startswith("field#"):
        return _declared(kind)
    return _EXTRACTORS.get(kind) or _attribute(kind)


def _values(keys: Keys, kind: str) -> tuple[str, ...]:
    return _extractor(kind)(keys)


def company_stems(keys: Keys) -> tuple[str, ...]:
    """The company in Latin letters and the corporate domain's name, if any."""
    latin = keys.company if keys.company and keys.company.isascii() else None
    stem = domain_stem(keys.domain) if keys.corporate and keys.domain else None
    if latin and stem and latin != stem:
        return (latin, stem)
    only = latin or stem
    return (only,) if only else ()


BlockValue: TypeAlias = str | tuple[str, ...]
"""One blocking value: a string, or a tuple of parts for a composite kind."""


@lru_cache(maxsize=64)
def block_function(kind: tuple[str, ...]) -> Callable[[Keys], tuple[BlockValue, ...]]:
    """A function giving the block values of ``kind`` for one person's keys.

    Built once per kind, so the million-record loops of blocking call one
    specialised function per record instead of dispatching on the kind each time.
    """
    if len(kind) == 1:
        return _extractor(kind[0])
    if len(kind) == 2:
        first, second = _extractor(kind[0]), _extractor(kind[1])

        def pairs(keys: Keys) -> tuple[BlockValue, ...]:
            left = first(keys)
            if not left:
                return ()
            right = second(keys)
            if not right:
                return ()
            if len(left) == 1 and len(right) == 1:
                return ((left[0], right[0]),)
            return tuple([(a, b) for a in left for b in right])

        return pairs
    parts = [_extractor(part) for part in kind]

    def combos(keys: Keys) -> tuple[BlockValue, ...]:
        found: list[tuple[str, ...]] = [()]
        for part in parts:
            values = part(keys)
            if not values:
                return ()
            found = [(*prefix, value) for prefix in found for value in values]
        return tuple(found)

    return combos


def block_values(keys: Keys, kind: tuple[str, ...]) -> tuple[BlockValue, ...]:
    """The values of a (possibly composite) key kind; none if any part is blank.

    A composite such as ``company+name_token`` gives one value per name token,
    paired with the company, so coworkers only meet those sharing a name token.
    Composite values are tuples, not joined strings: at a million records per
    kind, building strings was most of the cost of blocking.
    """
    return block_function(kind)(keys)
