"""Rendering one true person into one noisy lead record, as sources really do.

Why a module of its own: the generator decides *who* exists (companies, people,
namesakes, households); this module decides *how a record writes them down*,
with each source's habits (web forms, event badges, business cards, purchased
lists).  Every function draws its noise independently from the ``rng`` it is
given, so two records of one person differ the way real duplicates do.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TypeVar

try:
    from bench import gen_blind_vocab as V
except ImportError:  # run as a script: bench/ itself is on sys.path
    import gen_blind_vocab as V  # type: ignore[no-redef,import-not-found]

# Per-source habits: probability of no email, no phone, kana columns filled,
# no department/title, no address, English company name (bilingual firms),
# and of giving the mobile rather than the office number.
SOURCE_HABITS = {
    "web_form": (0.01, 0.25, 0.70, 0.45, 0.40, 0.35, 0.55),
    "event_badge": (0.04, 0.50, 0.20, 0.35, 0.70, 0.60, 0.50),
    "sales_card": (0.12, 0.04, 0.30, 0.05, 0.05, 0.30, 0.40),
    "list_import": (0.20, 0.15, 0.60, 0.30, 0.15, 0.50, 0.30),
}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_JP_PHONE = (
    "{a}-{b}-{c}", "{a}{b}{c}", "+81 {n}-{b}-{c}", "+81-{n}-{b}-{c}", "+81{n}{b}{c}",
    "({a}){b}-{c}", "{a}({b}){c}", "{a} {b} {c}",
)  # fmt: skip
_JP_PHONE_CUM = tuple(accumulate((45, 15, 8, 4, 4, 10, 6, 8)))
_US_PHONE = (
    "({a}) {b}-{c}", "{a}-{b}-{c}", "+1 {a} {b} {c}", "+1-{a}-{b}-{c}", "+1{a}{b}{c}",
    "{a}.{b}.{c}", "1-{a}-{b}-{c}",
)  # fmt: skip
_US_PHONE_CUM = tuple(accumulate((30, 20, 15, 10, 8, 10, 7)))
_ABBREV = {"株式会社": ("(株)", "㈱", "（株）"), "有限会社": ("(有)", "㈲", "（有）")}
_ABBREV["合同会社"] = ("(同)", "(同)", "（同）")

T = TypeVar("T")
Phone = tuple[str, str, str, str]  # country code, area code, two number groups
Place = tuple[str, str, str, str]  # country, prefecture/state, city, postcode digits
Name = tuple[str, str, str, str, str, str, str]  # last, first, kana x2, romaji x2, nick


@dataclass(slots=True)
class Company:
    """One employer; mutable fields remember who already works there."""

    idx: int
    kind: str  # "jp", "us" or "bi" (English and Japanese name)
    ja: str
    en: str
    legal_ja: str
    legal_pre: bool
    legal_en: str
    domain: str
    main: Phone
    place: Place
    mail_style: str
    used: set[str] = field(default_factory=set)
    recent: list[Person] = field(default_factory=list)


@dataclass(slots=True)
class Job:
    """A person's position at one company (a job change adds a second)."""

    company: Company
    dept: int
    title: int
    en: bool  # department and title in English
    local: str
    direct: Phone | None


@dataclass(slots=True)
class Person:
    """The truth about one real person, rendered into 1-4 noisy records."""

    eid: int
    western: bool
    last: str
    first: str
    last_kana: str
    first_kana: str
    last_ro: str
    first_ro: str
    nick: str
    old_form: bool
    jobs: list[Job]
    mobile: Phone | None
    private: str = ""
    family: bool = False  # shares a private mailbox and home with a relative
    home: Place | None = None
    base: int = 0


def email(
    rng: random.Random, p: Person, job: Job, src: str, shared: set[tuple[str, int]]
) -> tuple[str, bool]:
    """The address this record shows, and whether it is the private one.

    Role mailboxes used are added to ``shared`` so the generator can count
    the coworker pairs they create.
    """
    r = rng.random()
    if r < SOURCE_HABITS[src][0]:
        return "", False
    company, private = job.company, False
    if r > 0.97:
        role = pick(rng, V.ROLE_BOXES)
        shared.add(("role_mailbox", hash((company.idx, role))))
        local, domain = role, company.domain
    else:
        use = 0.6 if p.family else 0.2 if src == "web_form" else 0.1
        if p.private and rng.random() < use:
            local, _, domain = p.private.partition("@")
            private = True
        else:
            local, domain = job.local, company.domain
        if domain == "gmail.com" and rng.random() < 0.35:
            local = _gmail_variant(rng, local)
        if rng.random() < 0.03:
            local = _typo(rng, local)
    addr, r = f"{local}@{domain}", rng.random()
    if r < 0.04:
        addr = addr.upper()
    elif r < 0.09:
        head = ".".join(part[:1].upper() + part[1:] for part in local.split("."))
        addr = f"{head}@{domain}"  # Taro.Sato@...: capitals only where people type them
    if rng.random() < 0.04:
        addr = pick(rng, (" ", "", "\u3000")) + addr + pick(rng, (" ", "  ", ""))
    if src == "web_form" and rng.random() < 0.01:
        addr = V.to_full_ascii(addr)
    return addr, private


def names(rng: random.Random, p: Person, src: str) -> tuple[str, str, str, str]:
    """last, first and their kana, as this source would have typed them."""
    if p.western:
        first = p.nick if p.nick and rng.random() < 0.25 else p.first
        last = p.last
        if rng.random() < 0.08:  # given/family order swapped
            last, first = first, last
        r = rng.random()
        if r < 0.04:
            first = ""
        elif r < 0.07:
            last, first = f"{first} {last}", ""
        if src == "list_import" and rng.random() < 0.3:
            last, first = last.upper(), first.upper()
        if rng.random() < 0.02:
            last, first = V.to_full_ascii(last), V.to_full_ascii(first)
        return last, first, "", ""
    last, first = p.last, p.first
    if p.old_form and rng.random() < 0.6:
        last, first = _old_kanji(last), _old_kanji(first)
    lk, fk = (
        (p.last_kana, p.first_kana)
        if rng.random() < SOURCE_HABITS[src][2]
        else ("", "")
    )
    r = rng.random()
    if src == "event_badge" and r < 0.08:  # romaji badge
        last, first = p.last_ro.capitalize(), p.first_ro.capitalize()
    elif r < 0.07:
        last, first = p.last_kana, p.first_kana
    if rng.random() < (0.3 if src == "list_import" else 0.04):
        lk, fk = V.to_half_kana(lk), V.to_half_kana(fk)
        last, first = V.to_half_kana(last), V.to_half_kana(first)
    r = rng.random()
    if r < 0.05:
        first = ""
    elif r < 0.10:  # one "name" field, with whatever space the user typed
        sep = pick(rng, (" ", "\u3000", "  ", "", " \u3000"))
        last, first = last + sep + first, ""
    elif r < 0.12:
        last, first = last + " ", " " + first
    return last, first, lk, fk


def company_name(rng: random.Random, c: Company, src: str) -> str:
    """The employer's name with the legal form moved, abbreviated or dropped."""
    if c.kind == "us" or (c.kind == "bi" and rng.random() < SOURCE_HABITS[src][5]):
        forms = V.EN_LEGAL[c.legal_en]
        form = forms[0] if rng.random() < 0.55 else pick(rng, forms[1:])
        name = c.en + form if form[:1] in ",." or not form else f"{c.en} {form}"
        if src == "list_import" and rng.random() < 0.3:
            name = name.upper()
        return V.to_full_ascii(name) if rng.random() < 0.01 else name
    r, legal, pre = rng.random(), c.legal_ja, c.legal_pre
    if 0.55 <= r < 0.63:
        pre = not pre  # 株式会社 typed on the wrong side
    elif 0.63 <= r < 0.85:
        legal = pick(rng, _ABBREV[legal])
    elif r >= 0.93:
        legal = ""
    sep = " " if 0.85 <= r < 0.93 else ""
    name = legal + sep + c.ja if pre else c.ja + sep + legal
    if src == "list_import" and rng.random() < 0.1:
        name = V.to_half_kana(name)
    return name


def role(rng: random.Random, job: Job, blank: float) -> tuple[str, str]:
    """Department and title; records drift with promotions and transfers."""
    depts, titles = (V.EN_DEPTS, V.EN_TITLES) if job.en else (V.JP_DEPTS, V.JP_TITLES)
    dept, title = job.dept, job.title
    if rng.random() < 0.1:  # promoted or transferred between two records
        if rng.random() < 0.5:
            title = min(title + 1, len(titles) - 1)
        else:
            dept = below(rng, len(depts))
    return (
        "" if rng.random() < blank else depts[dept],
        "" if rng.random() < blank else titles[title],
    )


def phone_for(
    rng: random.Random, p: Person, job: Job, src: str, shared: set[tuple[str, int]]
) -> str:
    """Mobile, direct line or switchboard (recorded in ``shared``), formatted."""
    if rng.random() < SOURCE_HABITS[src][1]:
        return ""
    if p.mobile and rng.random() < SOURCE_HABITS[src][6]:
        phone = p.mobile
    elif job.direct is None or rng.random() < 0.15:
        phone = job.company.main  # the switchboard everybody there shares
        shared.add(("office_phone", job.company.idx))
    else:
        phone = job.direct
    return format_phone(rng, phone)


def address(
    rng: random.Random, p: Person, job: Job, private: bool, blank: float
) -> tuple[str, str, str, str]:
    """country, prefecture, city, postcode: office, or home for private mail."""
    place = job.company.place
    home = 0.7 if private else 0.3 if p.family else 0.0  # family: typed from home
    if p.home and rng.random() < home:
        place = p.home
    country = "" if rng.random() < 0.2 else place[0]
    if rng.random() < blank:
        return country, "", "", ""
    _, pref, city, digits = place
    if place[0] == "US":
        if rng.random() < 0.2:
            pref = next(s[1] for s in V.US_PLACES if s[0] == pref)
        r = rng.random()
        plus4 = f"-{job.company.idx * 7919 % 10000:04d}" if r < 0.2 else ""
        return country, pref, city, digits + plus4
    if rng.random() < 0.1 and pref != "北海道":
        pref = pref[:-1]  # 東京都 -> 東京
    dashed, r = f"{digits[:3]}-{digits[3:]}", rng.random()
    post = (
        dashed if r < 0.6 else digits if r < 0.85 else "〒" + dashed if r < 0.92
        else V.to_full_ascii(dashed) if r < 0.96 else ""
    )  # fmt: skip
    return country, pref, city, post


def below(rng: random.Random, n: int) -> int:
    """Uniform int in ``[0, n)``; several times cheaper than ``randrange``."""
    return int(rng.random() * n)


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    """Uniform element of ``seq``; the hot-path twin of ``rng.choice``."""
    return seq[int(rng.random() * len(seq))]


def new_place(rng: random.Random, country: str) -> Place:
    """A random office or home location in ``country`` ("JP" or "US")."""
    if country == "US":
        st, _, city, zp, _ = pick(rng, V.US_PLACES)
        return ("US", st, city, zp + f"{below(rng, 100):02d}")
    weights = V.JP_PLACE_WEIGHTS
    pref, city, pc, _ = V.JP_PLACES[bisect(weights, rng.random() * weights[-1])]
    return ("JP", pref, city, pc + f"{below(rng, 10000):04d}")


def new_phone(
    rng: random.Random, place: Place, end: str = "", mobile: bool = False
) -> Phone:
    """A number of ``place``'s country: local area code, or a mobile prefix."""
    r4 = f"{below(rng, 10000):04d}"
    if place[0] == "US":
        codes = next(p[4] for p in V.US_PLACES if p[2] == place[2])
        return ("1", pick(rng, codes), str(201 + below(rng, 789)), r4)
    if mobile:
        return ("81", pick(rng, ("090", "080", "070")), f"{below(rng, 10000):04d}", r4)
    area = next(p[3] for p in V.JP_PLACES if p[0] == place[1] and p[1] == place[2])
    mid = 1000 + below(rng, 9000) if len(area) == 2 else 100 + below(rng, 900)
    return ("81", area, str(mid), end or r4)


def _old_kanji(text: str) -> str:
    return "".join(V.OLD_KANJI.get(c, c) for c in text)


def _typo(rng: random.Random, s: str) -> str:
    """One slip of the finger: two letters transposed, one dropped or one doubled."""
    if len(s) < 3:
        return s + pick(rng, _LETTERS)
    i, r = below(rng, len(s) - 1), rng.random()
    if r < 0.4:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if r < 0.7:
        return s[:i] + s[i + 1 :]
    return s[:i] + pick(rng, (s[i], pick(rng, _LETTERS))) + s[i:]


def _gmail_variant(rng: random.Random, local: str) -> str:
    """Gmail ignores dots and +tags, so people write the same box several ways."""
    if "." in local and rng.random() < 0.6:
        return local.replace(".", "")
    if rng.random() < 0.3:
        return local + "+" + pick(rng, ("work", "news", "event", "biz"))
    i = 1 + below(rng, len(local) - 1)
    return local[:i] + "." + local[i:] if "." not in local[i - 1 : i + 1] else local


def format_phone(rng: random.Random, phone: Phone) -> str:
    """Write a number the way a person or a system might (US numbers keep +1)."""
    cc, a, b, c = phone
    if cc == "1":
        fmt = _US_PHONE[bisect(_US_PHONE_CUM, rng.random() * _US_PHONE_CUM[-1])]
        return fmt.format(a=a, b=b, c=c)
    fmt = _JP_PHONE[bisect(_JP_PHONE_CUM, rng.random() * _JP_PHONE_CUM[-1])]
    text = fmt.format(a=a, n=a[1:], b=b, c=c)
    return V.to_full_ascii(text) if rng.random() < 0.04 else text
