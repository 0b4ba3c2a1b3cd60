"""Employers of the held-out lead world: names, legal forms, domains, phone lines.

A company is created once and keeps its facts (one official name, one or two
domains, a main line, an office, a mailbox scheme); the touchpoints render those
facts differently. Domains are unique, like the numbers of ``gen_heldout_places``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from bench import gen_heldout_vocab as jv
from bench import gen_heldout_vocab_west as wv
from bench.gen_heldout_places import (
    PLACES,
    NumberPool,
    Place,
    Weighted,
    landline,
    landline_block,
    postcode,
)
from bench.gen_heldout_text import Phone, romaji, romaji_style


@dataclass(slots=True, eq=False)
class Company:
    """One employer and the facts every record about its people is drawn from."""

    cid: int
    country: str
    stem: str
    stem_en: str
    stem_alt: str
    head: str
    head_en: str
    form: str
    front: bool
    en_form: str
    domains: tuple[str, ...]
    scheme: str
    collision: str
    place: Place
    postcode: str
    main: Phone
    size: int
    area: str
    digits: int
    blocks: list[int]
    next_line: int = 1
    used: set[str] = field(default_factory=set)
    names: dict[str, list[str]] = field(default_factory=dict)
    role_used: set[str] = field(default_factory=set)
    twin_of: int = -1
    parent: int = -1

    def desk_line(self, pool: NumberPool) -> Phone:
        """A direct line (DID) next to the main line; a new block when one is full."""
        if self.next_line >= 100:
            _, start, _ = landline_block(pool, self.place)
            self.blocks.append(start)
            self.next_line = 1
        number = self.blocks[-1] + self.next_line
        self.next_line += 1
        return landline(self.place, self.area, number, self.digits)

    def free_role_box(self, rng: random.Random) -> str:
        """A role mailbox of this company nobody uses yet, or '' if none is left."""
        boxes = [b for b in jv.ROLE_MAILBOXES if b not in self.role_used]
        if self.country != "JP":
            boxes = [b for b in boxes if b not in {"toiawase", "eigyo"}]
        if not boxes:
            return ""
        box = rng.choice(boxes)
        self.role_used.add(box)
        return f"{box}@{self.domains[0]}"


_SCHEMES = {
    "JP": Weighted(
        (
            ("first.last", 30),
            ("flast", 18),
            ("last_f", 12),
            ("last", 14),
            ("last.first", 20),
            ("first", 6),
        )
    ),
    "west": Weighted(
        (("first.last", 40), ("flast", 30), ("last_f", 5), ("last", 5), ("first", 20))
    ),
}
_JP_FORMS = Weighted((("kk", 85), ("yk", 8), ("gk", 7)))
_US_FORMS = Weighted(wv.US_FORM_WEIGHTS)
_APAC = Weighted((("SG", 50), ("MY", 20), ("AU", 30)))
_SURNAMES = Weighted(((s, k), float(w)) for s, k, w in jv.SURNAMES)
_SUB_US = (
    ("Labs", "labs"),
    ("Services", "svc"),
    ("Digital", "digital"),
    ("Capital", "capital"),
)


def _zipf_exponent(max_size: int, mean: float) -> float:
    """The exponent of a Zipf law on 1..max_size whose mean size is ``mean``."""
    lo, hi = 1.01, 4.0
    for _ in range(40):
        a = (lo + hi) / 2
        weights = [s**-a for s in range(1, max_size + 1)]
        got = sum(s * w for s, w in enumerate(weights, 1)) / sum(weights)
        lo, hi = (a, hi) if got > mean else (lo, a)
    return (lo + hi) / 2


_NOT_SLUG = re.compile(r"[^a-z0-9]")
_Names: TypeAlias = tuple[str, str, str, str, str, list[str]]
"""Stem, English stem, other stem, head word, head in Latin, and domain options."""


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("", text.lower())


class CompanyFactory:
    """Makes companies with unique domains and lines; sizes are Zipf-like (mean ~8)."""

    def __init__(
        self, rng: random.Random, pool: NumberPool, max_size: int = 3000
    ) -> None:
        self._rng = rng
        self._pool = pool
        self._domains: set[str] = set()
        self._next_id = 0
        a = _zipf_exponent(max_size, mean=7.5)
        self._size = Weighted((s, s**-a) for s in range(1, max_size + 1))

    def _domain(self, options: Sequence[str]) -> str:
        for option in options:
            if option not in self._domains:
                self._domains.add(option)
                return option
        head, _, tail = options[0].partition(".")
        n = 2
        while f"{head}{n}.{tail}" in self._domains:
            n += 1
        self._domains.add(f"{head}{n}.{tail}")
        return f"{head}{n}.{tail}"

    def new(self, country: str = "", place: Place | None = None) -> Company:
        """A fresh company; country drawn 70/20/10 JP/US/APAC unless given."""
        rng = self._rng
        if not country:
            r = rng.random()
            country = "JP" if r < 0.7 else ("US" if r < 0.9 else _APAC.pick(rng))
        names = self._jp_stem() if country == "JP" else self._west_stem(country)
        return self._build(country, names, self._form(country), place)

    def _build(
        self,
        country: str,
        names: _Names,
        form: tuple[str, bool, str],
        place: Place | None,
    ) -> Company:
        rng = self._rng
        stem, stem_en, stem_alt, head, head_en, domains = names
        place = place or PLACES[country].pick(rng)
        first = self._domain(domains)
        picked: tuple[str, ...] = (first,)
        rest = [d for d in domains if d != first]
        if rest and len(domains) > 2 and rng.random() < 0.3:
            i = rng.randrange(len(rest))
            picked += (self._domain(rest[i:] + rest[:i]),)
        area, start, digits = landline_block(self._pool, place)
        size = self._size.pick(rng)
        scheme = _SCHEMES["JP" if country == "JP" else "west"].pick(rng)
        if size > 30 and scheme in {"first", "last"}:
            scheme = "first.last"
        self._next_id += 1
        return Company(
            cid=self._next_id,
            country=country,
            stem=stem,
            stem_en=stem_en,
            stem_alt=stem_alt,
            head=head,
            head_en=head_en,
            form=form[0],
            front=form[1],
            en_form=form[2],
            domains=picked,
            scheme=scheme,
            collision="digit" if rng.random() < 0.7 else "initial",
            place=place,
            postcode=postcode(place, rng),
            main=landline(place, area, start, digits),
            size=size,
            area=area,
            digits=digits,
            blocks=[start],
        )

    def _jp_stem(self) -> _Names:
        rng = self._rng
        r = rng.random()
        if r < 0.85:
            if r < 0.45:
                kanji, kana = _SURNAMES.pick(rng)
                head, head_rom = kanji, romaji_style(romaji(kana), "plain").capitalize()
            else:
                head, head_rom = rng.choice(jv.JP_STEM_WORDS)
            ind, ind_rom, ind_en = rng.choice(jv.JP_INDUSTRIES)
            stem, alt, en = head + ind, f"{head_rom} {ind_rom}", f"{head_rom} {ind_en}"
            tail, tail_en = _slug(ind_rom), _slug(ind_en)
        else:
            head, head_rom = rng.choice(jv.JP_KATAKANA_STEMS)
            trade, trade_en = rng.choice(jv.JP_KATAKANA_TRADES)
            stem, alt, en = (
                head + trade,
                f"{head_rom} {trade_en}",
                f"{head_rom} {trade_en}",
            )
            tail = tail_en = _slug(trade_en)
        base = _slug(head_rom)
        options = [f"{base}-{tail}.co.jp", f"{base}{tail}.co.jp", f"{base}{tail}.jp"]
        options += [f"{base}-{tail_en}.com", f"{base}{tail[:4]}.co.jp"]
        if r < 0.85:  # a plain katakana word is nobody's domain on its own
            options += [f"{base}.co.jp", f"{base}.com", f"{base}.jp"]
        rng.shuffle(options)
        english = en if rng.random() < 0.6 else alt
        return stem, english, alt if english == en else en, head, head_rom, options

    def _west_stem(self, country: str) -> _Names:
        rng = self._rng
        if country == "US":
            heads = wv.US_STEM_HEADS
            tld: tuple[str, ...] = (".com", ".com", ".com", ".io", ".co")
        else:
            heads = wv.APAC_STEM_HEADS
            tld = {
                "SG": (".com.sg", ".sg", ".com"),
                "MY": (".com.my", ".my", ".com"),
                "AU": (".com.au", ".com", ".net.au"),
            }[country]
        r = rng.random()
        if r < 0.3:
            owner = (
                rng.choice(wv.LAST)[0]
                if country in {"US", "AU"}
                else rng.choice(wv.CN_SURNAMES)[0]
            ).replace("_", " ")
            stem = owner if r < 0.15 else f"{owner} {rng.choice(wv.US_STEM_NOUNS)}"
        else:
            stem = (
                f"{rng.choice(heads).replace('_', ' ')} {rng.choice(wv.US_STEM_NOUNS)}"
            )
        if rng.random() < 0.1:
            stem += " International"
        words = stem.split()
        base = _slug(stem)
        short = _slug(words[0])
        options = [
            base + tld[0],
            "-".join(_slug(w) for w in words) + tld[0],
            base + tld[1],
            short + tld[0],
            "".join(w[0] for w in words).lower() + tld[-1],
        ]
        return stem, stem, stem, words[0], words[0], options

    def _form(self, country: str) -> tuple[str, bool, str]:
        rng = self._rng
        if country == "JP":
            form = _JP_FORMS.pick(rng)
            front = rng.random() < {"kk": 0.55, "yk": 0.3, "gk": 0.7}[form]
            return form, front, rng.choice(jv.JP_FORMS[form][2])
        if country == "US":
            form = _US_FORMS.pick(rng)
            return form, False, wv.US_FORMS[form][0]
        return country, False, wv.APAC_FORMS[country][0]

    def twin(self, c: Company) -> Company:
        """Another company with the same stem and a different legal form or country.

        三浦建設株式会社 and 三浦建設有限会社, or Garcia PLC and Garcia Corp: two
        companies, whose records differ only in the legal form when it is written.
        """
        rng = self._rng
        country = c.country
        if country == "JP":
            form = rng.choice([f for f in ("kk", "yk", "gk") if f != c.form])
            front, en_form = rng.random() < 0.5, rng.choice(jv.JP_FORMS[form][2])
        elif country == "US":
            form = rng.choice([f for f in wv.US_FORMS if f != c.form])
            front, en_form = False, wv.US_FORMS[form][0]
        else:
            country = rng.choice([cc for cc in wv.APAC_FORMS if cc != c.country])
            form, front, en_form = country, False, wv.APAC_FORMS[country][0]
        base = _slug(c.stem_alt if c.country == "JP" else c.stem)
        suffix = {"JP": ".co.jp", "US": ".com"}.get(country, f".com.{country.lower()}")
        options = [
            f"{base}-{form}{suffix}",
            f"{base}{form}{suffix}",
            f"{base}-group{suffix}",
        ]
        place = c.place if country == c.country and rng.random() < 0.5 else None
        names = (c.stem, c.stem_en, c.stem_alt, c.head, c.head_en, options)
        twin = self._build(country, names, (form, front, en_form), place)
        twin.twin_of = c.cid
        return twin

    def subsidiary(self, parent: Company) -> Company:
        """A subsidiary named after its parent, mailing from a subdomain."""
        rng = self._rng
        if parent.country == "JP":
            word, word_rom, sub = rng.choice(jv.JP_SUBSIDIARY_WORDS)
            stem = parent.head + word
            stem_en = f"{parent.head_en} {word_rom.replace('-', ' ')}"
        else:
            word_en, sub = rng.choice(_SUB_US)
            stem = stem_en = f"{parent.head} {word_en}"
        names = (
            stem,
            stem_en,
            stem_en,
            parent.head,
            parent.head_en,
            [f"{sub}.{parent.domains[0]}"],
        )
        child = self._build(
            parent.country, names, self._form(parent.country), parent.place
        )
        child.parent = parent.cid
        return child
