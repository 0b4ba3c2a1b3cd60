"""People of the held-out lead world: names, readings, mailboxes, phones, jobs.

A ``Person`` is who someone is (names in every script they are written in, a
free-mail address, a mobile, a home phone); a ``Job`` is where they work (a work
mailbox in the company's scheme, a desk line, a title). Job changers have two jobs.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

from bench import gen_heldout_vocab as jv
from bench import gen_heldout_vocab_west as wv
from bench.gen_heldout_company import Company
from bench.gen_heldout_places import (
    PLACES,
    NumberPool,
    Place,
    Weighted,
    landline,
    landline_block,
    mobile,
    postcode,
)
from bench.gen_heldout_text import Phone, romaji, romaji_style
from bench.gen_heldout_vocab import words


@dataclass(slots=True, eq=False)
class Person:
    """One real person: the ground truth every record of an entity is drawn from."""

    eid: str
    kind: str
    gender: str
    last: str
    first: str
    last_kana: str
    first_kana: str
    last_lat: str
    first_lat: str
    plain_last: str
    plain_first: str
    middle: str
    nick: str
    free_email: str = ""
    mobile: Phone | None = None
    home_phone: Phone | None = None
    home: Place | None = None
    home_post: str = ""


@dataclass(slots=True, eq=False)
class Job:
    """A person at one company: work mailbox, desk line, title, office."""

    company: Company
    email: str
    alt_email: str
    role_email: str
    desk: Phone | None
    title: str
    title_en: str
    dept: str
    dept_en: str
    place: Place
    postcode: str


def _w3(rows: list[tuple[str, ...]]) -> Weighted[tuple[str, str]]:
    return Weighted(((k, r), float(w)) for k, r, w in rows)


_SURNAMES = _w3(jv.SURNAMES)
_MALE = _w3(jv.MALE_GIVEN)
_FEMALE = _w3(jv.FEMALE_GIVEN)
_MALE_W = Weighted((n, float(w)) for n, w in wv.MALE_FIRST)
_FEMALE_W = Weighted((n, float(w)) for n, w in wv.FEMALE_FIRST)
_LAST_W = Weighted((n.replace("_", " "), float(w)) for n, w in wv.LAST)
_CN = Weighted((n, float(w)) for n, w in wv.CN_SURNAMES)
_STYLE = Weighted((("plain", 70), ("wapuro", 15), ("passport", 15)))
_JP_TITLES = Weighted(((j, e.replace("-", " ")), float(w)) for j, e, w in jv.JP_TITLES)
_US_TITLES = Weighted(
    ((t.replace("_", " "), d.replace("_", " ")), float(w)) for t, d, w in wv.US_TITLES
)
_FREEMAIL = {
    "jp": Weighted((d, float(w)) for d, w in jv.JP_FREEMAIL),
    "west": Weighted((d, float(w)) for d, w in wv.WEST_FREEMAIL),
}
_KINDS = {
    "JP": Weighted((("jp", 97), ("west", 3))),
    "US": Weighted((("west", 88), ("jp", 8), ("cn", 4))),
    "SG": Weighted((("cn", 55), ("my", 10), ("west", 25), ("jp", 10))),
    "MY": Weighted((("cn", 45), ("my", 40), ("west", 5), ("jp", 10))),
    "AU": Weighted((("west", 80), ("cn", 10), ("jp", 10))),
}
_NOT_SLUG = re.compile(r"[^a-z0-9]")
_HOBBIES = words(
    "cat dog tennis golf sakura music soccer travel coffee blue star moon sun"
)
_LETTERS = "abcdefghijklmnoprstwy"


@lru_cache(maxsize=65_536)
def _latin(kana: str, style: str) -> tuple[str, str]:
    """A reading in one person's romaji and in plain Hepburn, capitalised."""
    wapuro = romaji(kana)
    return romaji_style(wapuro, style).capitalize(), romaji_style(
        wapuro, "plain"
    ).capitalize()


@lru_cache(maxsize=65_536)
def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: the part of a name a mailbox keeps."""
    return _NOT_SLUG.sub("", text.lower())


class PeopleFactory:
    """Makes people, their mailboxes and jobs; keeps free-mail addresses unique."""

    def __init__(self, rng: random.Random, pool: NumberPool) -> None:
        self._rng = rng
        self._pool = pool
        self._free: set[str] = set()

    def jp_surname(self) -> tuple[str, str]:
        """A surname and its reading: two in three from the frequency list."""
        rng = self._rng
        if rng.random() < 0.68:
            return _SURNAMES.pick(rng)
        head, head_kana = rng.choice(jv.SURNAME_HEADS)
        tail, plain, voiced = rng.choice(jv.SURNAME_TAILS)
        if tail == head:
            tail, plain, voiced = jv.SURNAME_TAILS[0]
        return head + tail, head_kana + (voiced if rng.random() < 0.5 else plain)

    def jp_given(self, gender: str) -> tuple[str, str]:
        """A given name and its reading: three in five from the frequency list."""
        rng = self._rng
        if rng.random() < 0.62:
            return (_MALE if gender == "M" else _FEMALE).pick(rng)
        if gender == "M":
            head, tail = rng.choice(jv.GIVEN_HEADS), rng.choice(jv.MALE_TAILS)
        else:
            head, tail = rng.choice(jv.FEMALE_HEADS), rng.choice(jv.FEMALE_TAILS)
        return head[0] + tail[0], head[1] + tail[1]

    def person(self, eid: str, country: str, near: Place | None = None) -> Person:
        """A new person as a company in ``country`` (office at ``near``) hires."""
        rng = self._rng
        kind = _KINDS[country].pick(rng)
        gender = "M" if rng.random() < 0.58 else "F"
        if kind == "jp":
            last, last_kana = self.jp_surname()
            first, first_kana = self.jp_given(gender)
            p = self.from_jp(eid, gender, last, last_kana, first, first_kana)
        else:
            p = self.latin(eid, kind, gender)
        self.contacts(p, country, near)
        return p

    def relative(self, p: Person, eid: str, country: str, gender: str) -> Person:
        """A family member of ``p``: the same family name, another given name."""
        while True:
            if p.kind == "jp":
                first, first_kana = self.jp_given(gender)
                q = self.from_jp(eid, gender, p.last, p.last_kana, first, first_kana)
            else:
                q = self.latin(eid, p.kind, gender, last=p.last)
            if q.first != p.first:
                break
        self.contacts(q, country)
        return q

    def namesake(self, p: Person, eid: str, country: str) -> Person:
        """Another person with exactly the same name (own spelling, own contacts)."""
        if p.kind == "jp":
            q = self.from_jp(eid, p.gender, p.last, p.last_kana, p.first, p.first_kana)
        else:
            q = self.latin(eid, p.kind, p.gender, first=p.first, last=p.last)
        self.contacts(q, country)
        return q

    def from_jp(
        self,
        eid: str,
        gender: str,
        last: str,
        last_kana: str,
        first: str,
        first_kana: str,
    ) -> Person:
        """A Japanese person from kanji and readings; romaji in their own spelling."""
        style = _STYLE.pick(self._rng)
        last_own, last_plain = _latin(last_kana, style)
        first_own, first_plain = _latin(first_kana, style)
        return Person(
            eid,
            "jp",
            gender,
            last,
            first,
            last_kana,
            first_kana,
            last_own,
            first_own,
            last_plain,
            first_plain,
            "",
            "",
        )

    def latin(
        self, eid: str, kind: str, gender: str, first: str = "", last: str = ""
    ) -> Person:
        """A person whose name is written in Latin letters (US, Chinese, Malay)."""
        rng = self._rng
        nick = ""
        if kind == "cn":
            last = last or _CN.pick(rng)
            first = first or rng.choice(wv.CN_GIVEN).replace("_", " ")
            if rng.random() < 0.4:
                nick = rng.choice(wv.CN_ENGLISH_NAMES)
        elif kind == "my":
            if rng.random() < 0.6:
                given = rng.choice(wv.MY_MALE if gender == "M" else wv.MY_FEMALE)
                family = ("bin " if gender == "M" else "binti ") + rng.choice(
                    wv.MY_FATHERS
                )
            else:
                given = rng.choice(wv.IN_MALE if gender == "M" else wv.IN_FEMALE)
                family = rng.choice(wv.IN_FAMILY)
            first, last = first or given.replace("_", " "), last or family
        else:
            if not first:
                if rng.random() < 0.03:
                    first = rng.choice(wv.RARE_FIRST)
                else:
                    first = (_MALE_W if gender == "M" else _FEMALE_W).pick(rng)
            if not last:
                if rng.random() < 0.15:
                    last = rng.choice(wv.LAST_HEADS) + rng.choice(wv.LAST_TAILS)
                else:
                    last = _LAST_W.pick(rng)
            nick = wv.NICKNAMES.get(first, "")
        middle = (
            rng.choice("ABCDEFGHJKLMNPRSTW")
            if kind == "west" and rng.random() < 0.4
            else ""
        )
        return Person(
            eid,
            kind,
            gender,
            last,
            first,
            "",
            "",
            last,
            first,
            last,
            first,
            middle,
            nick,
        )

    def contacts(self, p: Person, country: str, near: Place | None = None) -> None:
        """Free mail for a third of people, a mobile for most; both unique.

        A US mobile mostly has the area code of the office town (``near``).
        """
        rng = self._rng
        if rng.random() < 0.33:
            p.free_email = self.free_email(p)
        if rng.random() < 0.6:
            town = near if near and rng.random() < 0.7 else PLACES[country].pick(rng)
            p.mobile = mobile(self._pool, country, rng, town)

    def settle(self, p: Person, near: Place) -> Place:
        """Where ``p`` lives: mostly in the town of their first office."""
        if p.home is None:
            rng = self._rng
            p.home = near if rng.random() < 0.75 else PLACES[near.country].pick(rng)
            p.home_post = postcode(p.home, rng)
        return p.home

    def home_phone(self, p: Person, near: Place) -> Phone:
        """A landline at home, in a block of its own so no stranger shares it."""
        home = self.settle(p, near)
        area, start, digits = landline_block(self._pool, home)
        return landline(home, area, start + self._rng.randrange(1, 100), digits)

    def free_email(self, p: Person) -> str:
        """A personal address at a free-mail provider, never shared by accident."""
        rng = self._rng
        f, last = slug(p.nick or p.first_lat) or "x", slug(p.last_lat) or "y"
        domain = _FREEMAIL["jp" if p.kind == "jp" else "west"].pick(rng)
        r = rng.random()
        if r < 0.12:
            local = f"{rng.choice(_HOBBIES)}_{f[:4]}"
        else:
            shapes = (
                f"{f}.{last}",
                f"{last}.{f}",
                f"{f}{last}",
                f"{last}{f[0]}",
                f"{f}_{last}",
                f"{f[0]}{last}",
            )
            local = shapes[int(r * 100) % len(shapes)]
        if rng.random() < 0.55:
            local += str(rng.choice((rng.randint(60, 99), rng.randint(0, 9999))))
        address = f"{local}@{domain}"
        while address in self._free:
            local += str(rng.randrange(10))
            address = f"{local}@{domain}"
        self._free.add(address)
        return address

    def mailbox(self, p: Person, c: Company) -> str:
        """The work address the company gives: its scheme, its way out of clashes."""
        f = slug(p.first_lat if p.kind != "cn" or not p.nick else p.nick) or "x"
        last = slug(p.last_lat) or "y"
        local = _local(c.scheme, f, last)
        if local in c.used:
            m = slug(p.middle) or (f[1] if len(f) > 1 else self._rng.choice(_LETTERS))
            first_try = (
                _local_initial(c.scheme, f, last, m)
                if c.collision == "initial"
                else local
            )
            n = 1
            candidate = first_try
            while candidate in c.used:
                n += 1
                candidate = f"{local}{n}"
            local = candidate
        c.used.add(local)
        return f"{local}@{c.domains[0]}"

    def job(
        self,
        p: Person,
        c: Company,
        role_email: str = "",
        personal: bool = True,
        at_hq: bool = False,
    ) -> Job:
        """Hire ``p`` at ``c``: a mailbox (unless role box only), maybe a desk line."""
        rng = self._rng
        email = self.mailbox(p, c) if personal else ""
        alt = ""
        if email and len(c.domains) > 1:
            alt = email.split("@")[0] + "@" + c.domains[1]
        desk = c.desk_line(self._pool) if c.size >= 4 and rng.random() < 0.6 else None
        if desk is None and p.mobile is None:
            p.mobile = mobile(self._pool, c.country, rng, c.place)
        if c.country == "JP":
            title, title_en = _JP_TITLES.pick(rng)
            dept, dept_en = rng.choice(jv.JP_DEPARTMENTS)
            if title == "-":
                title = title_en = ""
            dept_en = dept_en.replace("-", " ")
        else:
            title, dept = _US_TITLES.pick(rng)
            title_en, dept_en = title, dept
        place = c.place
        if c.size >= 50 and not at_hq and rng.random() < 0.15:
            place = PLACES[c.country].pick(rng)
        post = c.postcode if place is c.place else postcode(place, rng)
        if p.home is None:
            self.settle(p, place)
            if rng.random() < 0.08:
                p.home_phone = self.home_phone(p, place)
        return Job(
            c, email, alt, role_email, desk, title, title_en, dept, dept_en, place, post
        )


def _local(scheme: str, f: str, last: str) -> str:
    if scheme == "first.last":
        return f"{f}.{last}"
    if scheme == "flast":
        return f[0] + last
    if scheme == "last_f":
        return f"{last}_{f[0]}"
    if scheme == "last":
        return last
    if scheme == "first":
        return f
    return f"{last}.{f}"


def _local_initial(scheme: str, f: str, last: str, m: str) -> str:
    if scheme == "first.last":
        return f"{f}.{m}.{last}"
    if scheme == "flast":
        return f[0] + m + last
    if scheme == "last_f":
        return f"{last}_{f[0]}{m}"
    if scheme == "last":
        return last + f[0]
    if scheme == "first":
        return f + last[0]
    return f"{last}.{f}.{m}"
