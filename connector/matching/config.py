"""Loading ``mappings/matching.toml``: the admin says what counts as one person.

The file is parsed into pydantic models (so every bad key is reported with its file
and dotted path) and then compiled into :class:`MatchRules`, a frozen value the
matcher reads on every comparison without further validation.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeAlias, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from connector import tomlsafe
from connector.config import format_validation_error
from connector.errors import MappingError
from connector.matching.normalise import EmailPolicy

__all__ = [
    "FEATURES",
    "KEY_KINDS",
    "Feature",
    "FieldKind",
    "KeyKind",
    "MatchRules",
    "Rule",
    "load_match_rules",
    "parse_match_rules",
]

KeyKind: TypeAlias = Literal[
    "email",
    "phone",
    "name",
    "company",
    "domain",
    "local",
    "name_token",
    "name_joined",
    "company_head",
    "company_stem",
]
"""A normalised key of one person: exact rules compare them, blocking groups by them.

``domain`` is only set for corporate domains (never free mail) and ``local`` only
for personal local parts (never info@, sales@...); ``name_token`` yields one key
per token of the name, so a typo in one token still shares a block via the other;
``name_joined`` is the name without spaces in both orders (山田太郎 meets 山田 太郎);
``company_head`` is the first two characters of the company key, enough to keep a
block small while tolerating a typo further on in the company name;
``company_stem`` is a company name in Latin letters and the name part of a
corporate email domain (kohoku-kogyo-west.jp gives kohokukogyowest), so a record
with the English company name meets one with the Japanese name and a work address.
"""

Feature: TypeAlias = Literal[
    "email",
    "email_local",
    "corporate_local",
    "domain",
    "phone",
    "mobile",
    "name",
    "name_part",
    "company",
    "company_domain",
]
"""A comparison of two people, 0.0 (different) to 1.0 (same), absent when either
side lacks the value. ``corporate_local`` is the similarity of the local parts when
both addresses are at the same corporate domain: coworkers share the domain and
company and often the surname, so a different local part there is evidence *against*
a match. ``domain`` is absent when either side uses free mail. ``mobile`` is
``phone`` restricted to mobile numbers: an office's main line is shared by everyone
there, a mobile number by nobody else. ``company_domain`` compares one side's
company name in Latin letters with the other side's corporate email domain (its
name part): how "Kohoku Kogyo West Co., Ltd." meets kobayashi@kohoku-kogyo-west.jp
when the other record spells the company 株式会社港北西日本工業. ``name_part`` is
1.0 when one side's name is a single word (a family name alone) that is one of the
other side's words, 0.0 when it is not, and absent unless exactly one side has a
single word."""

KEY_KINDS: tuple[str, ...] = get_args(KeyKind)
"""Every valid key kind, for messages."""

FEATURES: tuple[str, ...] = get_args(Feature)
"""Every valid feature name, for messages."""

_DEFAULT_POLICY = EmailPolicy()
_FORBID = ConfigDict(extra="forbid", frozen=True)


class _NormaliseModel(BaseModel):
    model_config = _FORBID

    default_region: str = Field("JP", min_length=2, max_length=2)
    other_regions: list[str] = Field(default_factory=lambda: ["US"])
    plus_addressing: list[str] = Field(default_factory=lambda: ["*"])
    dots_ignored: list[str] = Field(default_factory=lambda: ["gmail.com"])
    domain_aliases: dict[str, str] = Field(
        default_factory=lambda: {"googlemail.com": "gmail.com"}
    )
    free_mail_domains: list[str] = Field(default_factory=list)
    generic_local_parts: list[str] = Field(default_factory=list)
    extra_legal_forms: list[str] = Field(default_factory=list)


class _RuleModel(BaseModel):
    model_config = _FORBID

    name: str = Field(min_length=1, max_length=64)
    exact: list[KeyKind] = Field(default_factory=list)
    blocking: list[str] = Field(default_factory=list)
    require: dict[Feature, float] = Field(default_factory=dict)
    veto: dict[Feature, float] = Field(default_factory=dict)
    max_name_count: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _check(self) -> _RuleModel:
        if not self.exact and not self.require:
            raise ValueError(
                "a rule needs `exact` keys or `require` thresholds, else it would "
                "match everyone"
            )
        if self.require and not self.blocking and not self.exact:
            raise ValueError(
                "a fuzzy rule needs `blocking` keys (e.g. ['company+name_token']) so "
                "candidates are not all pairs"
            )
        for block in self.blocking:
            _check_block(block)
        for where in (self.require, self.veto):
            for feature, threshold in where.items():
                if not 0.0 <= threshold <= 1.0:
                    raise ValueError(
                        f"threshold for {feature!r} is {threshold}; use 0.0 to 1.0"
                    )
        return self


class _SurvivorshipModel(BaseModel):
    model_config = _FORBID

    strategy: Literal["most_recent", "source_priority"] = "most_recent"
    source_priority: list[str] = Field(default_factory=list)


_DEFAULT_MODEL_BLOCKING = (
    "email",
    "phone",
    "name",
    "company+name_token",
    "name_joined+company_head",
    "company_stem+name_token",
)


FieldKind: TypeAlias = Literal["exact", "text", "date", "id"]
"""How a declared field is compared: ``exact`` values only; ``text`` also close
spellings (similarity 0.85 or more); ``date`` also one digit off or day and month
swapped; ``id`` also one character off (a typo in a number)."""


class _FieldModel(BaseModel):
    model_config = _FORBID

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: FieldKind = "exact"
    block: bool = False


class _ModelSection(BaseModel):
    model_config = _FORBID

    threshold: float = Field(0.5, gt=0.0, lt=1.0)
    blocking: list[str] = Field(default_factory=lambda: list(_DEFAULT_MODEL_BLOCKING))
    fields: list[_FieldModel] = Field(default_factory=list, max_length=16)

    @model_validator(mode="after")
    def _check(self) -> _ModelSection:
        if not self.blocking and not any(f.block for f in self.fields):
            raise ValueError("the model needs at least one blocking key")
        for block in self.blocking:
            _check_block(block)
        names = [f.name for f in self.fields]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"model field names must be unique; repeated: {repeated}")
        return self


def _check_block(block: str) -> None:
    for part in block.split("+"):
        if part not in KEY_KINDS:
            raise ValueError(
                f"blocking key {block!r}: unknown part {part!r}; use one "
                f"or more of {', '.join(KEY_KINDS)} joined by '+'"
            )


class _MatchingFile(BaseModel):
    model_config = _FORBID

    version: Literal[1] = 1
    scan_method: Literal["rules", "model"] = "rules"
    handoff_method: Literal["rules", "model"] = "rules"
    max_block_size: int = Field(500, ge=2)
    normalise: _NormaliseModel = Field(default_factory=_NormaliseModel)
    model: _ModelSection = Field(default_factory=_ModelSection)
    rules: list[_RuleModel] = Field(min_length=1)
    survivorship: _SurvivorshipModel = Field(default_factory=_SurvivorshipModel)

    @model_validator(mode="after")
    def _unique_names(self) -> _MatchingFile:
        names = [rule.name for rule in self.rules]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"rule names must be unique; repeated: {duplicated}")
        return self


@dataclass(frozen=True, slots=True)
class Rule:
    """One way two records can be the same person.

    Attributes:
        name: reported with every link it makes (stored in the identity map).
        exact: key kinds that must all be present and equal.
        blocking: composite key kinds (tuples) whose shared values make candidates.
        require: feature -> minimum similarity; all must be present and reached.
        veto: feature -> threshold; a present feature below it rejects the pair.
        max_name_count: the rule holds only for a name (of two or more tokens)
            carried by at most this many records of the index or batch: a name
            that rare is evidence by itself, a common one is not.
    """

    name: str
    exact: tuple[str, ...]
    blocking: tuple[tuple[str, ...], ...]
    require: tuple[tuple[str, float], ...]
    veto: tuple[tuple[str, float], ...]
    max_name_count: int | None = None


@dataclass(frozen=True, slots=True)
class MatchRules:
    """Compiled ``matching.toml``: normalisation policy, rules in priority order.

    Rules are tried in file order and the first that holds names the link, so put
    the most certain (exact) rules first.
    """

    rules: tuple[Rule, ...]
    region: str = "JP"
    other_regions: tuple[str, ...] = ("US",)
    email: EmailPolicy = _DEFAULT_POLICY
    free_mail: frozenset[str] = frozenset()
    generic_locals: frozenset[str] = frozenset()
    legal_forms: tuple[str, ...] = ()
    max_block_size: int = 500
    survivorship: str = "most_recent"
    source_priority: tuple[str, ...] = ()
    source: str = "<defaults>"
    scan_method: str = "rules"
    handoff_method: str = "rules"
    model_threshold: float = 0.5
    model_blocking: tuple[tuple[str, ...], ...] = tuple(
        tuple(block.split("+")) for block in _DEFAULT_MODEL_BLOCKING
    )
    model_fields: tuple[tuple[str, str], ...] = ()
    """Declared comparison fields: (attribute name, kind), in file order."""

    @property
    def counts_names(self) -> bool:
        """Whether a rule needs how many records carry each name."""
        return any(rule.max_name_count is not None for rule in self.rules)

    def name_block_limit(self, kind: tuple[str, ...]) -> int | None:
        """The largest useful block of ``kind``, when only rare names need it.

        A block on the exact name holds every record carrying that name, so its
        size is the name's count: when every rule blocking on it has a
        ``max_name_count``, larger blocks cannot produce a link and are skipped.
        """
        if kind != ("name",):
            return None
        users = [rule for rule in self.rules if kind in rule.blocking]
        limits = [rule.max_name_count for rule in users]
        if not users or any(limit is None for limit in limits):
            return None
        return max(limit for limit in limits if limit is not None)

    @property
    def block_kinds(self) -> tuple[tuple[str, ...], ...]:
        """Every distinct blocking key kind the rules need, exact keys included."""
        kinds: list[tuple[str, ...]] = []
        for rule in self.rules:
            for kind in (*rule.blocking, *((rule.exact,) if rule.exact else ())):
                if kind not in kinds:
                    kinds.append(kind)
        return tuple(kinds)


def parse_match_rules(data: dict[str, Any], source: str) -> MatchRules:
    """Validate parsed TOML and compile it; ``source`` names the file in errors.

    Raises:
        MappingError: one problem per bad key, each naming file and dotted key.
    """
    try:
        model = _MatchingFile.model_validate(data)
    except ValidationError as exc:
        problems = _with_rule_names(format_validation_error(exc, source), data)
        raise MappingError(
            f"{len(problems)} problem(s) in the matching rules",
            hint="fix each key listed; mappings/matching.toml documents every key",
            context={"file": source},
            problems=problems,
        ) from None
    norm = model.normalise
    lower = [d.lower() for d in norm.plus_addressing]
    return MatchRules(
        rules=tuple(
            Rule(
                name=rule.name,
                exact=tuple(rule.exact),
                blocking=tuple(tuple(b.split("+")) for b in rule.blocking),
                require=tuple(rule.require.items()),
                veto=tuple(rule.veto.items()),
                max_name_count=rule.max_name_count,
            )
            for rule in model.rules
        ),
        region=norm.default_region.upper(),
        other_regions=tuple(r.upper() for r in norm.other_regions),
        email=EmailPolicy(
            plus_domains=frozenset(lower),
            dot_domains=frozenset(d.lower() for d in norm.dots_ignored),
            aliases=tuple(
                (k.lower(), v.lower()) for k, v in sorted(norm.domain_aliases.items())
            ),
        ),
        free_mail=frozenset(d.lower() for d in norm.free_mail_domains),
        generic_locals=frozenset(p.lower() for p in norm.generic_local_parts),
        legal_forms=tuple(f.casefold() for f in norm.extra_legal_forms),
        max_block_size=model.max_block_size,
        survivorship=model.survivorship.strategy,
        source_priority=tuple(model.survivorship.source_priority),
        source=source,
        scan_method=model.scan_method,
        handoff_method=model.handoff_method,
        model_threshold=model.model.threshold,
        model_blocking=(
            *(tuple(b.split("+")) for b in model.model.blocking),
            *((f"field#{i}",) for i, f in enumerate(model.model.fields) if f.block),
        ),
        model_fields=tuple((f.name, f.kind) for f in model.model.fields),
    )


def load_match_rules(path: Path) -> MatchRules:
    """Read and compile a ``matching.toml``.

    Raises:
        MappingError: the file is missing, is not valid TOML, or a key is wrong.
    """
    source = str(path)
    try:
        data = tomlsafe.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(
            f"matching rules file not found: {source}",
            hint="copy mappings/matching.toml from the connector and adjust it",
            context={"file": source},
            problems=[f"{source}: file not found"],
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            f"{source}: cannot read: {exc}",
            hint="save the file as UTF-8 text",
            context={"file": source},
            problems=[f"{source}: cannot read: {exc}: save it as UTF-8 text"],
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            f"{source} is not valid TOML: {exc}",
            hint="fix the syntax at the line and column given",
            context={"file": source},
            problems=[f"{source}: {exc}"],
        ) from None
    return parse_match_rules(data, source)


def _with_rule_names(problems: list[str], data: dict[str, Any]) -> list[str]:
    # "rules.2.require" is hard to find in a long file; add the rule's own name.
    rules = data.get("rules")
    if not isinstance(rules, list):
        return problems
    named = []
    for line in problems:
        found = _RULE_INDEX.search(line)
        if found is not None:
            index = int(found.group(1))
            rule = rules[index] if index < len(rules) else None
            if isinstance(rule, dict) and "name" in rule:
                at = found.end(1)
                line = f"{line[:at]} (rule {rule['name']!r}){line[at:]}"
        named.append(line)
    return named


_RULE_INDEX = re.compile(r": rules\.(\d+)(?=[.:])")
