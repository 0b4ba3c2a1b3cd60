"""A person's match keys, computed once and compared many times.

:class:`Keys` is a plain tuple on purpose: batch mode holds one per record, so it
must be small and fast to build; every comparison and block reads from it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from connector.matching.config import MatchRules
from connector.matching.normalise import (
    company_key,
    name_tokens,
    normalise_email,
    normalise_phone,
)
from connector.records import Person

__all__ = ["Keys", "block_values", "keys_of", "person_keys"]


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
    """

    email: str | None
    local: str | None
    domain: str | None
    corporate: bool
    phone: str | None
    name: str | None
    tokens: tuple[str, ...]
    company: str | None


def keys_of(
    rules: MatchRules,
    email: str | None,
    phone: str | None,
    last_name: str | None,
    first_name: str | None,
    company: str | None,
) -> Keys:
    """Build the keys from raw field values (the batch path, without a Person)."""
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
        phone=normalise_phone(phone, rules.region),
        name=name,
        tokens=tokens,
        company=company_key(company, rules.legal_forms),
    )


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
    )


def _values(keys: Keys, kind: str) -> tuple[str, ...]:
    if kind == "name_token":
        return keys.tokens
    if kind == "name_joined":
        tokens = keys.tokens
        if len(tokens) == 2:
            return (tokens[0] + tokens[1], tokens[1] + tokens[0])
        return ("".join(tokens),) if tokens else ()
    if kind == "company_head":
        return (keys.company[:2],) if keys.company else ()
    if kind == "domain":
        return (keys.domain,) if keys.corporate and keys.domain else ()
    value = getattr(keys, kind)
    return (value,) if value else ()


def block_values(keys: Keys, kind: tuple[str, ...]) -> Iterator[str]:
    """Yield the values of a (possibly composite) key kind; none if any part is blank.

    A composite such as ``company+name_token`` yields one value per name token,
    each prefixed by the company, so coworkers only meet those sharing a name token.
    """
    if len(kind) == 1:
        yield from _values(keys, kind[0])
        return
    combos: list[str] = [""]
    for part in kind:
        values = _values(keys, part)
        if not values:
            return
        combos = [f"{prefix}\x1f{value}" for prefix in combos for value in values]
    yield from combos
