"""Synthetic Japanese B2B leads with ground truth, written blind to the matcher.

Why: a deduplication benchmark whose data generator knows the matching rules
measures only how well the rules agree with themselves.  This generator was
written from a plain-language description of how real lead data goes wrong
(not from the project's matching code or config), so a score on its output is
an independent estimate of precision and recall.

Ground truth is the ``entity_id`` column: records of one real person share it.
Besides ordinary duplicates (about 10 % of people have 2-4 records, each
rendered independently with realistic noise) the data carries hard negatives
that a matcher must keep apart: coworkers behind one role mailbox (info@...)
or the company's main phone, namesakes at one company, family members sharing a
private mail address and home postcode, and successors in the same role.

Usage::

    python bench/gen_blind_leads.py --records 100000 --seed 7 --out /tmp/leads.csv

A summary (records, entities, duplicate pairs, hard-negative entity pairs by
kind) goes to stderr.  Rows stream through a bounded shuffle buffer, so memory
stays well under 2 GB at 1,000,000 records.  From Python::

    gen = BlindLeadGenerator(records=5000, seed=7)
    for row in gen.rows(): ...  # tuples in COLUMNS order; gen.stats afterwards
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

try:
    from bench import gen_blind_vocab as V
except ImportError:  # run as a script: bench/ itself is on sys.path
    import gen_blind_vocab as V  # type: ignore[no-redef]

COLUMNS = (
    "record_id", "entity_id", "source", "email", "last_name", "first_name",
    "last_name_kana", "first_name_kana", "company", "department", "title", "phone",
    "country", "prefecture", "city", "postcode", "created_at",
)  # fmt: skip
SOURCES = ("web_form", "event_badge", "sales_card", "list_import")
_SOURCE_CUM = (40, 65, 85, 100)
# Per-source habits: probability of no email, no phone, kana columns filled,
# no department/title, no address, English company name (bilingual firms),
# and of giving the mobile rather than the office number.
_SRC = {
    "web_form": (0.01, 0.25, 0.70, 0.45, 0.40, 0.35, 0.55),
    "event_badge": (0.04, 0.50, 0.20, 0.35, 0.70, 0.60, 0.50),
    "sales_card": (0.12, 0.04, 0.30, 0.05, 0.05, 0.30, 0.40),
    "list_import": (0.20, 0.15, 0.60, 0.30, 0.15, 0.50, 0.30),
}
BUFFER = 100_000  # shuffle-buffer size: spreads a person's records through the file
_T0 = 1546300800  # 2019-01-01
_DAY = 86400
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
_JP_MAIL = (
    "{f}.{l}",
    "{l}.{f}",
    "{f0}.{l}",
    "{l}-{f0}",
    "{l}_{f}",
    "{f0}{l}",
    "{l}{f0}",
)
_PRIVATE_MAIL = ("{f}.{l}{n}", "{l}{f0}{n}", "{f}_{l}", "{l}.{f}{n}", "{f}{l}{n}")
_ABBREV = {"株式会社": ("(株)", "㈱", "（株）"), "有限会社": ("(有)", "㈲", "（有）")}
_ABBREV["合同会社"] = ("(同)", "(同)", "（同）")

FAMILY, FAMILY_CUM = V.family_names()
GIVEN, GIVEN_CUM = V.given_names()
WEST_FIRST = V.west_first_names()
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


@dataclass(slots=True)
class Stats:
    """What was generated, for the stderr summary and for tests."""

    records: int = 0
    entities: int = 0
    entities_with_duplicates: int = 0
    duplicate_pairs: int = 0
    hard_negatives: dict[str, int] = field(default_factory=dict)


def _pairs(counts: dict[int, int]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


class BlindLeadGenerator:
    """Deterministic (for a seed) stream of lead rows with ``entity_id`` truth."""

    def __init__(self, records: int, seed: int, buffer: int = BUFFER) -> None:
        self.records, self.buffer = records, buffer
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.domains: set[str] = set()
        self.privates: set[str] = set()
        self.shared: dict[str, dict[int, int]] = {
            "role_mailbox": {},
            "office_phone": {},
        }
        self.same_company_names: dict[int, int] = {}
        self.all_names: dict[int, int] = {}
        self.pools = {
            kind: self._pool(kind, max(3, int(records * share / 3.4)))
            for kind, share in (("jp", 0.70), ("us", 0.08), ("bi", 0.09))
        }

    # ----------------------------------------------------------- companies --
    def _pool(self, kind: str, n: int) -> tuple[list[Company], list[float]]:
        """Companies with heavy-tailed (Pareto) expected lead counts."""
        rng, cap = self.rng, max(20.0, n / 40)
        comps = [self._company(kind, len(self.domains)) for _ in range(n)]
        return comps, list(accumulate(min(rng.paretovariate(1.05), cap) for _ in comps))

    def _company(self, kind: str, idx: int) -> Company:
        rng = self.rng
        ja = en = ""
        if kind == "jp":
            stem, biz = rng.choice(V.JP_STEMS), rng.choice(V.JP_BIZ)
            if rng.random() < 0.45:
                stem = rng.choice(FAMILY[:300])[::2]  # founder's name: (kanji, romaji)
            pre = rng.choice(V.JP_PREFIX_PLACES) if rng.random() < 0.3 else ("", "")
            ja, slug = pre[0] + stem[0] + biz[0], f"{pre[1]}{stem[1]}-{biz[1]}"
            legal = (
                "株式会社"
                if rng.random() < 0.85
                else rng.choice(("有限会社", "合同会社"))
            )
            tld = rng.choice((".co.jp", ".co.jp", ".jp", ".com"))
        elif kind == "us":
            parts = rng.sample(V.EN_STEMS, 1 + (rng.random() < 0.35))
            en = " ".join([*parts, rng.choice(V.EN_BIZ)])
            slug, legal, tld = (
                en.lower().replace(" ", ""),
                "",
                rng.choice((".com", ".io")),
            )
        else:
            parts = rng.sample(V.BI_STEMS, 1 + (rng.random() < 0.3)) + [
                rng.choice(V.BI_BIZ)
            ]
            en, ja = " ".join(p[0] for p in parts), "".join(p[1] for p in parts)
            slug, legal = "-".join(p[0].lower() for p in parts), "株式会社"
            tld = rng.choice((".co.jp", ".com", ".jp"))
        domain, k = slug + tld, 2
        while domain in self.domains:
            domain, k = f"{slug}{k}{tld}", k + 1
        self.domains.add(domain)
        place = self._place("US" if kind == "us" else "JP")
        main = self._phone(place, end=rng.choice(("0000", "1111", "0001", "")))
        styles = ("{f}.{l}", "{f0}{l}", "{f}", "{f}{l0}") if kind == "us" else _JP_MAIL
        en_legal = rng.choice(("Inc.", "Corporation", "LLC", "Group", "Co., Ltd."))
        if kind == "bi":
            en_legal = rng.choice(("Co., Ltd.", "Inc.", "Corporation", "K.K."))
        return Company(
            idx, kind, ja, en, legal, rng.random() < 0.9, en_legal, domain, main, place,
            rng.choice(styles),
        )  # fmt: skip

    def _place(self, country: str) -> Place:
        rng = self.rng
        if country == "US":
            st, _, city, zp, _ = rng.choice(V.US_PLACES)
            return ("US", st, city, zp + f"{rng.randrange(100):02d}")
        pref, city, pc, _ = V.JP_PLACES[bisect(V.JP_PLACE_WEIGHTS, rng.random() * 73)]
        return ("JP", pref, city, pc + f"{rng.randrange(10000):04d}")

    def _phone(self, place: Place, end: str = "", mobile: bool = False) -> Phone:
        rng = self.rng
        if place[0] == "US":
            codes = next(p[4] for p in V.US_PLACES if p[2] == place[2])
            return (
                "1",
                rng.choice(codes),
                str(rng.randint(201, 989)),
                f"{rng.randrange(10000):04d}",
            )
        if mobile:
            return (
                "81",
                rng.choice(("090", "080", "070")),
                f"{rng.randrange(10000):04d}",
                f"{rng.randrange(10000):04d}",
            )
        area = next(p[3] for p in V.JP_PLACES if p[0] == place[1] and p[1] == place[2])
        mid = f"{rng.randrange(1000, 10000) if len(area) == 2 else rng.randrange(100, 1000)}"
        return ("81", area, mid, end or f"{rng.randrange(10000):04d}")

    def _pick(self, kind: str) -> Company:
        comps, cum = self.pools[kind]
        return comps[bisect(cum, self.rng.random() * cum[-1])]

    # -------------------------------------------------------------- people --
    def _name(self, western: bool) -> Name:
        rng = self.rng
        if western:
            first, nick = rng.choice(WEST_FIRST)
            last = rng.choice(V.WEST_LAST)
            return (
                last,
                first,
                "",
                "",
                last.lower().replace("'", ""),
                first.lower(),
                nick,
            )
        fam = FAMILY[bisect(FAMILY_CUM, rng.random() * FAMILY_CUM[-1])]
        giv = GIVEN[bisect(GIVEN_CUM, rng.random() * GIVEN_CUM[-1])]
        return fam[0], giv[0], fam[1], giv[1], fam[2], giv[2], ""

    def _job(self, p: Person, company: Company, seat: Job | None = None) -> Job:
        rng = self.rng
        en = (
            seat.en
            if seat
            else company.kind == "us" or (p.western and rng.random() < 0.5)
        )
        depts, titles = (V.EN_DEPTS, V.EN_TITLES) if en else (V.JP_DEPTS, V.JP_TITLES)
        dept = seat.dept if seat else rng.randrange(len(depts))
        title = seat.title if seat else min(int(rng.expovariate(0.45)), len(titles) - 1)
        f, l = p.first_ro, p.last_ro
        local = company.mail_style.format(f=f, l=l, f0=f[0], l0=l[0])
        base, k = local, 2
        while local in company.used:  # namesakes get sato.taro2, like real mail servers
            local, k = f"{base}{k}", k + 1
        company.used.add(local)
        direct = self._phone(company.place) if rng.random() < 0.6 else None
        return Job(company, dept, title, en, local, direct)

    def _person(self, western: bool, pool: str, name: Name | None = None) -> Person:
        rng = self.rng
        company = self._pick(pool)
        self.stats.entities += 1
        peers = [q for q in company.recent if q.western == western]
        if name is None:
            name = self._name(western)
            if peers and rng.random() < 0.05:  # a namesake joins the same company
                q = rng.choice(peers)
                name = (
                    q.last,
                    q.first,
                    q.last_kana,
                    q.first_kana,
                    q.last_ro,
                    q.first_ro,
                    q.nick,
                )
        old = not western and any(c in V.OLD_KANJI for c in name[0] + name[1])
        p = Person(
            self.stats.entities, western, *name, old and rng.random() < 0.3, [], None
        )
        mobile_place = (
            company.place if not western or pool == "us" else self._place("JP")
        )
        p.mobile = (
            self._phone(mobile_place, mobile=True) if rng.random() < 0.6 else None
        )
        p.base = _T0 + rng.randrange(2300 * _DAY)
        if company.recent and rng.random() < 0.03:  # successor in a predecessor's seat
            q = rng.choice(company.recent)
            job = self._job(p, company, q.jobs[0])
            if rng.random() < 0.5:
                job.direct = q.jobs[0].direct
            p.base = q.base + rng.randint(200, 700) * _DAY
            self._bump("successor")
        else:
            job = self._job(p, company)
        p.jobs.append(job)
        if len(company.recent) < 3:
            company.recent.append(p)
        else:
            company.recent[rng.randrange(3)] = p
        self._count_name(p, company)
        return p

    def _count_name(self, p: Person, company: Company) -> None:
        for counter, key in (
            (self.same_company_names, hash((company.idx, p.last, p.first))),
            (self.all_names, hash((p.last, p.first))),
        ):
            counter[key] = counter.get(key, 0) + 1

    def _bump(self, kind: str, n: int = 1) -> None:
        self.stats.hard_negatives[kind] = self.stats.hard_negatives.get(kind, 0) + n

    def _private(self, p: Person, household: bool = False) -> str:
        rng = self.rng
        frees = V.US_FREE_MAIL if p.jobs[0].company.kind == "us" else V.JP_FREE_MAIL
        while True:
            n = str(rng.choice((rng.randint(60, 99), rng.randint(1, 999), "")))
            if household:
                local = rng.choice(("{l}.family{n}", "{l}ke{n}", "{l}-home{n}"))
            else:
                local = rng.choice(_PRIVATE_MAIL)
            addr = local.format(f=p.first_ro, l=p.last_ro, f0=p.first_ro[0], n=n)
            addr += "@" + rng.choice(frees)
            if addr not in self.privates:
                self.privates.add(addr)
                return addr

    def _household(self, p: Person) -> Person:
        """A family member: same family name, home postcode and shared mailbox."""
        rng = self.rng
        giv = (p.first, "", "")
        while giv[0] == p.first:
            giv = GIVEN[bisect(GIVEN_CUM, rng.random() * GIVEN_CUM[-1])]
        name = (p.last, giv[0], p.last_kana, giv[1], p.last_ro, giv[2], "")
        mate = self._person(False, "jp" if rng.random() < 0.8 else "bi", name)
        mate.old_form = p.old_form
        p.home = p.home or self._place("JP")
        mate.home, mate.private = p.home, self._private(p, household=True)
        p.private, p.family, mate.family = mate.private, True, True
        self._bump("household")
        return mate

    # ----------------------------------------------------------- rendering --
    def _render(self, p: Person, n: int) -> Iterator[tuple[str, ...]]:
        """Yield ``n`` records of one person, each with independent noise."""
        rng, switch = self.rng, n
        if n > 1 and rng.random() < 0.1:  # job change between two of the records
            switch = rng.randint(1, n - 1)
            p.jobs.append(self._job(p, self._pick(p.jobs[0].company.kind)))
        if not p.private and rng.random() < 0.45:
            p.private = self._private(p)
        if n > 1:
            self.stats.entities_with_duplicates += 1
            self.stats.duplicate_pairs += n * (n - 1) // 2
        offsets = sorted(rng.randrange(700 * _DAY) for _ in range(n - 1))
        shared: set[tuple[str, int]] = set()
        for i, offset in enumerate([0, *offsets]):
            job = p.jobs[i >= switch]
            src = SOURCES[bisect(_SOURCE_CUM, rng.random() * 100)]
            habits = _SRC[src]
            email, private = self._email(p, job, src, shared)
            dept, title = self._role(job, habits[3])
            country, pref, city, post = self._address(p, job, private, habits[4])
            ts = time.gmtime(p.base + offset + rng.randrange(_DAY))
            yield (
                f"E{p.eid:07d}", src, email, *self._names(p, src),
                self._company_name(job.company, src), dept, title,
                self._phone_for(p, job, src, shared), country, pref, city, post,
                time.strftime("%Y-%m-%dT%H:%M:%SZ", ts),
            )  # fmt: skip
        for kind, key in shared:  # every earlier entity behind this key is a pair
            before = self.shared[kind].get(key, 0)
            self.shared[kind][key] = before + 1
            self._bump(kind, before)

    def _email(
        self, p: Person, job: Job, src: str, shared: set[tuple[str, int]]
    ) -> tuple[str, bool]:
        rng, r = self.rng, self.rng.random()
        if r < _SRC[src][0]:
            return "", False
        company, private = job.company, False
        if r > 0.97:
            role = rng.choice(V.ROLE_BOXES)
            shared.add(("role_mailbox", hash((company.idx, role))))
            local, domain = role, company.domain
        else:
            use = 0.5 if p.family else 0.2 if src == "web_form" else 0.1
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
            addr = ".".join(part[:1].upper() + part[1:] for part in addr.split("."))
        if rng.random() < 0.04:
            addr = rng.choice((" ", "", "\u3000")) + addr + rng.choice((" ", "  ", ""))
        if src == "web_form" and rng.random() < 0.01:
            addr = V.to_full_ascii(addr)
        return addr, private

    def _names(self, p: Person, src: str) -> tuple[str, str, str, str]:
        rng = self.rng
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
            (p.last_kana, p.first_kana) if rng.random() < _SRC[src][2] else ("", "")
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
            sep = rng.choice((" ", "\u3000", "  ", "", " \u3000"))
            last, first = last + sep + first, ""
        elif r < 0.12:
            last, first = last + " ", " " + first
        return last, first, lk, fk

    def _company_name(self, c: Company, src: str) -> str:
        rng = self.rng
        if c.kind == "us" or (c.kind == "bi" and rng.random() < _SRC[src][5]):
            forms = V.EN_LEGAL[c.legal_en]
            form = forms[0] if rng.random() < 0.55 else rng.choice(forms[1:])
            name = c.en + form if form[:1] in ",." or not form else f"{c.en} {form}"
            if src == "list_import" and rng.random() < 0.3:
                name = name.upper()
            return V.to_full_ascii(name) if rng.random() < 0.01 else name
        r, legal, pre = rng.random(), c.legal_ja, c.legal_pre
        if 0.55 <= r < 0.63:
            pre = not pre  # 株式会社 typed on the wrong side
        elif 0.63 <= r < 0.85:
            legal = rng.choice(_ABBREV[legal])
        elif r >= 0.93:
            legal = ""
        sep = " " if 0.85 <= r < 0.93 else ""
        name = legal + sep + c.ja if pre else c.ja + sep + legal
        if src == "list_import" and rng.random() < 0.1:
            name = V.to_half_kana(name)
        return name

    def _role(self, job: Job, blank: float) -> tuple[str, str]:
        rng = self.rng
        depts, titles = (
            (V.EN_DEPTS, V.EN_TITLES) if job.en else (V.JP_DEPTS, V.JP_TITLES)
        )
        dept, title = job.dept, job.title
        if rng.random() < 0.1:  # promoted or transferred between two records
            if rng.random() < 0.5:
                title = min(title + 1, len(titles) - 1)
            else:
                dept = rng.randrange(len(depts))
        return (
            "" if rng.random() < blank else depts[dept],
            "" if rng.random() < blank else titles[title],
        )

    def _phone_for(
        self, p: Person, job: Job, src: str, shared: set[tuple[str, int]]
    ) -> str:
        rng = self.rng
        if rng.random() < _SRC[src][1]:
            return ""
        if p.mobile and rng.random() < _SRC[src][6]:
            phone = p.mobile
        elif job.direct is None or rng.random() < 0.15:
            phone = job.company.main  # the switchboard everybody there shares
            shared.add(("office_phone", job.company.idx))
        else:
            phone = job.direct
        return _format_phone(rng, phone)

    def _address(
        self, p: Person, job: Job, private: bool, blank: float
    ) -> tuple[str, str, str, str]:
        rng = self.rng
        place = job.company.place
        if private and rng.random() < 0.7:
            p.home = p.home or self._place(place[0])
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

    # ------------------------------------------------------------- stream --
    def _entities(self) -> Iterator[tuple[str, ...]]:
        rng, left = self.rng, self.records
        while left > 0:
            r = rng.random()
            western, pool = (
                (False, "jp") if r < 0.75 else (True, "us") if r < 0.84
                else (True, "jp") if r < 0.90 else (False, "bi") if r < 0.98
                else (True, "bi")
            )  # fmt: skip
            people = [self._person(western, pool)]
            counts = [self._record_count(left)]
            if not western and left > counts[0] and rng.random() < 0.015:
                people.append(self._household(people[0]))
                counts.append(self._record_count(left - counts[0]))
            for p, n in zip(people, counts, strict=True):
                left -= n
                yield from self._render(p, n)

    def _record_count(self, left: int) -> int:
        """1 record for ~90 % of people, else 2-4 (mean 2.5), never more than left."""
        rng = self.rng
        return min(
            left, 1 if rng.random() >= 0.1 else (2, 2, 2, 3, 3, 4)[rng.randrange(6)]
        )

    def rows(self) -> Iterator[tuple[str, ...]]:
        """All rows in ``COLUMNS`` order; ``self.stats`` is complete once exhausted."""
        rng, buf, n = self.rng, list[tuple[str, ...]](), 0
        for row in self._entities():
            if len(buf) < self.buffer:
                buf.append(row)
                continue
            i = rng.randrange(self.buffer)
            row, buf[i] = buf[i], row
            n += 1
            yield (f"R{n:08d}", *row)
        rng.shuffle(buf)
        for row in buf:
            n += 1
            yield (f"R{n:08d}", *row)
        same = _pairs(self.same_company_names)
        self.stats.records = n
        self._bump("namesake_same_company", same)
        self._bump("namesake_other_company", _pairs(self.all_names) - same)


def _old_kanji(text: str) -> str:
    return "".join(V.OLD_KANJI.get(c, c) for c in text)


def _typo(rng: random.Random, s: str) -> str:
    """One slip of the finger: two letters transposed, one dropped or one doubled."""
    if len(s) < 3:
        return s + rng.choice(_LETTERS)
    i, r = rng.randrange(len(s) - 1), rng.random()
    if r < 0.4:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if r < 0.7:
        return s[:i] + s[i + 1 :]
    return s[:i] + rng.choice((s[i], rng.choice(_LETTERS))) + s[i:]


def _gmail_variant(rng: random.Random, local: str) -> str:
    """Gmail ignores dots and +tags, so people write the same box several ways."""
    if "." in local and rng.random() < 0.6:
        return local.replace(".", "")
    if rng.random() < 0.3:
        return local + "+" + rng.choice(("work", "news", "event", "biz"))
    i = rng.randrange(1, len(local))
    return local[:i] + "." + local[i:] if "." not in local[i - 1 : i + 1] else local


def _format_phone(rng: random.Random, phone: Phone) -> str:
    """Write a number the way a person or a system might (US numbers keep +1)."""
    cc, a, b, c = phone
    if cc == "1":
        fmt = _US_PHONE[bisect(_US_PHONE_CUM, rng.random() * _US_PHONE_CUM[-1])]
        return fmt.format(a=a, b=b, c=c)
    fmt = _JP_PHONE[bisect(_JP_PHONE_CUM, rng.random() * _JP_PHONE_CUM[-1])]
    text = fmt.format(a=a, n=a[1:], b=b, c=c)
    return V.to_full_ascii(text) if rng.random() < 0.04 else text


def write_csv(path: Path, records: int, seed: int) -> Stats:
    """Write the CSV (header + rows) and return what was generated."""
    gen = BlindLeadGenerator(records, seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(gen.rows())
    return gen.stats


def summary(stats: Stats) -> str:
    """Human-readable summary, one fact a line."""
    lines = [
        f"records                   {stats.records}",
        f"entities                  {stats.entities}",
        f"entities with duplicates  {stats.entities_with_duplicates}",
        f"duplicate pairs           {stats.duplicate_pairs}",
        "hard-negative entity pairs by kind:",
    ]
    lines += [f"  {k:<24}{v}" for k, v in sorted(stats.hard_negatives.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = write_csv(args.out, args.records, args.seed)
    print(summary(stats), file=sys.stderr)
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
