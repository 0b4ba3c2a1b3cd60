"""Comparing two people's keys: features, then the first rule that holds.

A rule holds when its exact keys are equal, every required feature reaches its
threshold and no veto fires. Vetoes carry the hard-won lesson of B2B data: two
addresses at the same corporate domain with different local parts are usually two
coworkers (often sharing a surname), whatever the names and company say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import NamedTuple, TypeAlias

from rapidfuzz.distance import OSA, Indel

from connector.matching.config import MatchRules
from connector.matching.keys import Keys, block_values
from connector.matching.normalise import domain_stem, is_mobile

__all__ = [
    "Evaluator",
    "Match",
    "NameCounts",
    "compile_rules",
    "evaluate",
    "feature",
    "feature_function",
]


class Match(NamedTuple):
    """A candidate judged to be the same person, and why.

    Attributes:
        key: the candidate's key in the index (canonical id, ``sfa:123``...).
        rule: the name of the rule that matched (stored with the link).
        score: 1.0 for exact rules, else the mean of the required similarities.
    """

    key: str
    rule: str
    score: float


_similarity = Indel.normalized_similarity
_token_similarity = OSA.normalized_similarity
_edits = OSA.distance
_NO_DIGITS = str.maketrans("", "", "0123456789")
_SEPARATORS = re.compile(r"[._-]")
_DIGIT_RUNS = re.compile(r"[0-9]+")


def _email(a: Keys, b: Keys) -> float | None:
    if a.email is None or b.email is None:
        return None
    return 1.0 if a.email == b.email else 0.0


def _email_local(a: Keys, b: Keys) -> float | None:
    if a.local is None or b.local is None:
        return None
    return 1.0 if a.local == b.local else _similarity(a.local, b.local)


def _corporate_local(a: Keys, b: Keys) -> float | None:
    if not (a.corporate and b.corporate) or a.domain != b.domain:
        return None
    if a.local is None or b.local is None:
        return None
    if a.local == b.local:
        return 1.0
    # sato_kenichi vs sato_kenichi2: mail admins number namesakes, so locals that
    # differ only in their digits are two mailboxes, never a typo of one.
    if a.local.translate(_NO_DIGITS) == b.local.translate(_NO_DIGITS):
        return 0.0
    # kyamamoto vs yyamamoto, yamamoto.k vs yamamoto.y: company address schemes
    # build local parts from initials, so a different initial is a different
    # given name (a coworker), not a slip of the keyboard.
    if _initials_differ(a.local, b.local):
        return 0.0
    return _similarity(a.local, b.local)


def _initials_differ(left: str, right: str) -> bool:
    if len(left) == len(right) and _edits(left, right, score_cutoff=2) == 1:
        if left[1:] == right[1:]:
            return True  # kyamamoto vs yyamamoto: another initial
        if sum(x != y for x, y in zip(left, right, strict=True)) == 2:
            # omrris.rachel, nakan-ot for nakano-t: two keys swapped.
            return False
    if left[0] != right[0]:
        # ikuoka_yuki for kikuoka_yuki: a name-built address that lost its first
        # letter. Not for initial+surname addresses (sato vs ksato: two people).
        shorter, longer = sorted((left, right), key=len)
        return not (longer[1:] == shorter and _SEPARATORS.search(shorter))
    left_parts, right_parts = _SEPARATORS.split(left), _SEPARATORS.split(right)
    if len(left_parts) != len(right_parts):
        return False
    # yamamoto.k vs yamamoto.y: another initial; fujita- vs fujita-h: a letter
    # lost, not another initial.
    return any(
        x != y and x and y and (len(x) == 1 or len(y) == 1)
        for x, y in zip(left_parts, right_parts, strict=True)
    )


def _domain(a: Keys, b: Keys) -> float | None:
    if not (a.corporate and b.corporate):
        return None
    return 1.0 if a.domain == b.domain else 0.0


def _phone(a: Keys, b: Keys) -> float | None:
    if a.phone is None or b.phone is None:
        return None
    return 1.0 if a.phone == b.phone else 0.0


def _mobile(a: Keys, b: Keys) -> float | None:
    if a.phone is None or b.phone is None:
        return None
    if a.phone != b.phone:
        return 0.0
    # Equal numbers are rare enough (and cached) that the metadata lookup is cheap.
    return 1.0 if is_mobile(a.phone) else None


def _name(a: Keys, b: Keys) -> float | None:
    """Mean similarity of aligned name tokens (family with family, given with given).

    Comparing token by token keeps short kanji names honest: 鈴木 美穂 and 鈴木 明美
    share four of five characters but are two people (0.75 here, not 0.8). A name
    written as one token (山田太郎) is compared with the other's tokens joined in
    either order.
    """
    if a.name is None or b.name is None:
        return None
    if a.name == b.name:
        return 1.0
    left, right = a.tokens, b.tokens
    if len(left) == 2 and len(right) == 2:
        straight = _token_similarity(left[0], right[0]) + _token_similarity(
            left[1], right[1]
        )
        if straight >= 1.5:
            # One token already agrees exactly; crossing them cannot score higher.
            return straight / 2
        crossed = _token_similarity(left[0], right[1]) + _token_similarity(
            left[1], right[0]
        )
        return max(straight, crossed) / 2
    if len(left) == 1 and len(right) == 2:
        left, right = right, left
    if len(right) == 1 and len(left) == 2:
        single = right[0]
        return max(
            _similarity(single, left[0] + left[1]),
            _similarity(single, left[1] + left[0]),
        )
    return _similarity(a.name, b.name)


def _name_part(a: Keys, b: Keys) -> float | None:
    """Whether a name written as one word is one of the words of a full name.

    Forms often get the family name alone (佐藤 for 佐藤 学). The plain ``name``
    score cannot tell 佐藤 within 佐藤 学 from 佐藤 within 佐藤学 typed as one
    word, nor 1.0 from a near miss; this says whether the lone word is exactly one
    of the other's words. Absent unless exactly one side has a single word.
    """
    if a.name is None or b.name is None:
        return None
    if len(a.tokens) == 1 and len(b.tokens) > 1:
        return 1.0 if a.tokens[0] in b.tokens else 0.0
    if len(b.tokens) == 1 and len(a.tokens) > 1:
        return 1.0 if b.tokens[0] in a.tokens else 0.0
    return None


def _company(a: Keys, b: Keys) -> float | None:
    """Similarity of the company keys; numbers far apart mean two companies.

    Numbers in a company name identify it: "Initech 6177" and "Initech 3687"
    are two employers however close the strings are. One slip of the keyboard
    (7968 for 7986, 553 for 5583) is still a typo, so numbers one edit apart
    fall back to the plain similarity.
    """
    if a.company is None or b.company is None:
        return None
    if a.company == b.company:
        return 1.0
    left = "".join(_DIGIT_RUNS.findall(a.company))
    right = "".join(_DIGIT_RUNS.findall(b.company))
    if left and right and _edits(left, right) > 1:
        return 0.0
    return _similarity(a.company, b.company)


def _company_domain(a: Keys, b: Keys) -> float | None:
    """One side's company in Latin letters against the other's work domain name.

    Only across scripts: the other side names its company in Japanese (or
    another non-Latin script), so the domain is the only way to compare them.
    """
    best: float | None = None
    for named, mailed in ((a, b), (b, a)):
        company, other = named.company, mailed.company
        if not (company and company.isascii() and other and not other.isascii()):
            continue
        if not (mailed.corporate and mailed.domain):
            continue
        stem = domain_stem(mailed.domain)
        if stem is None:
            continue
        value = 1.0 if stem == company else _similarity(stem, company)
        best = value if best is None else max(best, value)
    return best


_FEATURES: dict[str, Callable[[Keys, Keys], float | None]] = {
    "email": _email,
    "email_local": _email_local,
    "corporate_local": _corporate_local,
    "domain": _domain,
    "phone": _phone,
    "mobile": _mobile,
    "name": _name,
    "name_part": _name_part,
    "company": _company,
    "company_domain": _company_domain,
}


def feature(name: str, a: Keys, b: Keys) -> float | None:
    """One feature of a pair (see :data:`~connector.matching.config.Feature`)."""
    return _FEATURES[name](a, b)


def feature_function(name: str) -> Callable[[Keys, Keys], float | None]:
    """The function behind one feature, for loops that call it a million times."""
    return _FEATURES[name]


_SIMPLE_KINDS = frozenset({"email", "phone", "name", "company", "local"})


def _exact_equal(a: Keys, b: Keys, kinds: tuple[str, ...]) -> bool:
    for kind in kinds:
        if kind in _SIMPLE_KINDS:
            value = getattr(a, kind)
            if value is None or value != getattr(b, kind):
                return False
        elif not set(block_values(a, (kind,))) & set(block_values(b, (kind,))):
            return False
    return True


NameCounts: TypeAlias = Mapping[str, int]
"""How many records of the index or batch carry each name key."""

Evaluator: TypeAlias = Callable[
    [Keys, Keys, NameCounts | None], tuple[str, float] | None
]
"""A compiled rule set: (left, right, name counts) -> (rule name, score) or None.

Rules with ``max_name_count`` hold only when name counts are given."""


def _rare_name(a: Keys, b: Keys, counts: NameCounts | None, limit: int) -> bool:
    # A name written as one token (a family name alone) is never called rare:
    # few records carry it, yet it says little about who the person is.
    if counts is None or a.name is None or b.name is None:
        return False
    if len(a.tokens) < 2 or len(b.tokens) < 2:
        return False
    return max(counts.get(a.name, 0), counts.get(b.name, 0)) <= limit


@lru_cache(maxsize=16)
def compile_rules(rules: MatchRules) -> Evaluator:
    """Turn the rules into one function for the hot loop of matching.

    Most candidate pairs are coworkers or namesakes that no rule accepts. A feature
    that every rule without exact keys requires (the name, in practice) is a gate:
    computed once, and when it is below the lowest of those thresholds, no fuzzy
    rule can hold, so none is tried. Rule order and results are unchanged.
    """
    plan = tuple(
        (
            rule.name,
            rule.exact,
            rule.require,
            rule.veto,
            len(rule.require),
            rule.max_name_count,
        )
        for rule in rules.rules
    )
    fuzzy = [rule for rule in rules.rules if not rule.exact]
    gate_name: str | None = None
    gate_min = 0.0
    if fuzzy:
        shared = set.intersection(*({n for n, _ in r.require} for r in fuzzy))
        if shared:
            gate_name = sorted(shared)[0]
            gate_min = min(t for r in fuzzy for n, t in r.require if n == gate_name)
    features = _FEATURES

    def run(
        a: Keys, b: Keys, counts: NameCounts | None = None
    ) -> tuple[str, float] | None:
        memo: dict[str, float | None] = {}
        gate_open: bool | None = None
        for name, exact, require, veto, count, max_names in plan:
            if max_names is not None and not _rare_name(a, b, counts, max_names):
                continue
            if exact:
                if not _exact_equal(a, b, exact):
                    continue
            elif gate_name is not None:
                if gate_open is None:
                    value = memo[gate_name] = features[gate_name](a, b)
                    gate_open = value is not None and value >= gate_min
                if not gate_open:
                    continue
            total = 0.0
            for feature_name, threshold in require:
                if feature_name in memo:
                    value = memo[feature_name]
                else:
                    value = memo[feature_name] = features[feature_name](a, b)
                if value is None or value < threshold:
                    break
                total += value
            else:
                for feature_name, threshold in veto:
                    if feature_name in memo:
                        value = memo[feature_name]
                    else:
                        value = memo[feature_name] = features[feature_name](a, b)
                    if value is not None and value < threshold:
                        break
                else:
                    return name, (total / count if count else 1.0)
        return None

    return run


def evaluate(
    rules: MatchRules, a: Keys, b: Keys, counts: NameCounts | None = None
) -> tuple[str, float] | None:
    """The first rule (in file order) under which ``a`` and ``b`` are one person.

    Args:
        rules: the compiled matching rules.
        a: one person's keys.
        b: the other person's keys.
        counts: records per name key, for rules with ``max_name_count``.

    Returns:
        (rule name, score), or None when no rule holds.
    """
    return compile_rules(rules)(a, b, counts)
