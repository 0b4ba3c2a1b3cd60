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
    from bench import gen_blind_render as R
    from bench import gen_blind_vocab as V
    from bench.gen_blind_render import Company, Job, Name, Person, below, pick
except ImportError:  # run as a script: bench/ itself is on sys.path
    import gen_blind_render as R  # type: ignore[no-redef,import-not-found]
    import gen_blind_vocab as V  # type: ignore[no-redef,import-not-found]
    from gen_blind_render import (  # type: ignore[no-redef]
        Company,
        Job,
        Name,
        Person,
        below,
        pick,
    )

COLUMNS = (
    "record_id", "entity_id", "source", "email", "last_name", "first_name",
    "last_name_kana", "first_name_kana", "company", "department", "title", "phone",
    "country", "prefecture", "city", "postcode", "created_at",
)  # fmt: skip
SOURCES = ("web_form", "event_badge", "sales_card", "list_import")
_SOURCE_CUM = (40, 65, 85, 100)
BUFFER = 100_000  # shuffle-buffer size: spreads a person's records through the file
_T0, _DAY = 1546300800, 86400  # 2019-01-01; people appear until ~2023-12
_LAST_BASE = _T0 + 1800 * _DAY  # ... and their records follow within 700 days

FAMILY, FAMILY_CUM = V.family_names()
GIVEN, GIVEN_CUM = V.given_names()
WEST_FIRST = V.west_first_names()


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
        self.shared: dict[str, dict[int, int]] = {"role_mailbox": {}}
        self.shared["office_phone"] = {}
        self.same_company_names: dict[int, int] = {}
        self.all_names: dict[int, int] = {}
        self.pools = {
            kind: self._pool(kind, max(3, int(records * share / 3.4)))
            for kind, share in (("jp", 0.70), ("us", 0.08), ("bi", 0.09))
        }

    # ----------------------------------------------------------- companies --
    def _pool(self, kind: str, n: int) -> tuple[list[Company], list[float]]:
        """Companies with Zipf-like expected lead counts (exponent 0.75).

        At 1M records the largest firm gets ~7,000 people, a dozen or so get
        over 1,000 and three in four get 1-3: a few giants, a long tail.
        """
        comps = [self._company(kind, len(self.domains)) for _ in range(n)]
        return comps, list(accumulate((i + 1) ** -0.75 for i in range(n)))

    def _company(self, kind: str, idx: int) -> Company:
        rng = self.rng
        ja = en = ""
        if kind == "jp":
            stem, biz = pick(rng, V.JP_STEMS), pick(rng, V.JP_BIZ)
            if rng.random() < 0.45:
                stem = pick(rng, FAMILY[:300])[::2]  # founder's name: (kanji, romaji)
            pre = pick(rng, V.JP_PREFIX_PLACES) if rng.random() < 0.3 else ("", "")
            ja, slug = pre[0] + stem[0] + biz[0], f"{pre[1]}{stem[1]}-{biz[1]}"
            legal = pick(rng, ("株式会社",) * 17 + ("有限会社", "合同会社", "株式会社"))
            tld = pick(rng, (".co.jp", ".co.jp", ".jp", ".com"))
        elif kind == "us":
            parts = rng.sample(V.EN_STEMS, 1 + (rng.random() < 0.35))
            en = " ".join([*parts, pick(rng, V.EN_BIZ)])
            slug, legal = en.lower().replace(" ", ""), ""
            tld = pick(rng, (".com", ".io"))
        else:
            bits = [*rng.sample(V.BI_STEMS, 1 + (rng.random() < 0.3))]
            bits.append(pick(rng, V.BI_BIZ))
            en, ja = " ".join(p[0] for p in bits), "".join(p[1] for p in bits)
            slug, legal = "-".join(p[0].lower() for p in bits), "株式会社"
            tld = pick(rng, (".co.jp", ".com", ".jp"))
        domain, k = slug + tld, 2
        while domain in self.domains:
            domain, k = f"{slug}{k}{tld}", k + 1
        self.domains.add(domain)
        place = R.new_place(rng, "US" if kind == "us" else "JP")
        main = R.new_phone(self.rng, place, end=pick(rng, ("0000", "1111", "0001", "")))
        styles = V.US_CORP_MAIL if kind == "us" else V.JP_CORP_MAIL
        en_legal = pick(rng, ("Inc.", "Inc.", "Corporation", "LLC", "Group", "Co."))
        if kind == "bi":
            en_legal = pick(rng, ("Co., Ltd.", "Inc.", "Corporation", "K.K."))
        return Company(
            idx, kind, ja, en, legal, rng.random() < 0.9, en_legal, domain, main, place,
            pick(rng, styles),
        )  # fmt: skip

    def _pick(self, kind: str) -> Company:
        comps, cum = self.pools[kind]
        return comps[bisect(cum, self.rng.random() * cum[-1])]

    # -------------------------------------------------------------- people --
    def _name(self, western: bool) -> Name:
        rng = self.rng
        if western:
            first, nick = pick(rng, WEST_FIRST)
            last = pick(rng, V.WEST_LAST)
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
        en = company.kind == "us" or (p.western and rng.random() < 0.5)
        en = seat.en if seat else en
        depts, titles = (V.EN_DEPTS, V.EN_TITLES) if en else (V.JP_DEPTS, V.JP_TITLES)
        dept = seat.dept if seat else below(rng, len(depts))
        title = seat.title if seat else min(int(rng.expovariate(0.45)), len(titles) - 1)
        f, la = p.first_ro, p.last_ro
        local = company.mail_style.format(f=f, l=la, f0=f[0], l0=la[0])
        base, k = local, 2
        while local in company.used:  # namesakes get sato.taro2, like real mail servers
            local, k = f"{base}{k}", k + 1
        company.used.add(local)
        direct = R.new_phone(rng, company.place) if rng.random() < 0.6 else None
        return Job(company, dept, title, en, local, direct)

    def _person(self, western: bool, pool: str, name: Name | None = None) -> Person:
        rng = self.rng
        company = self._pick(pool)
        self.stats.entities += 1
        peers = [q for q in company.recent if q.western == western]
        if name is None:
            name = self._name(western)
            if peers and rng.random() < 0.03:  # a namesake joins the same company
                q = pick(rng, peers)
                name = (q.last, q.first, q.last_kana, q.first_kana, q.last_ro,
                        q.first_ro, "")  # fmt: skip
        old = not western and any(c in V.OLD_KANJI for c in name[0] + name[1])
        p = Person(
            self.stats.entities, western, *name, old and rng.random() < 0.3, [], None
        )
        if rng.random() < 0.6:  # Western staff of Japanese firms carry JP mobiles
            p.mobile = R.new_phone(rng, company.place, mobile=True)
        p.base = _T0 + below(rng, _LAST_BASE - _T0)
        pred = pick(rng, company.recent) if company.recent else None
        if pred and pred.first != p.first and rng.random() < 0.03:  # successor
            job = self._job(p, company, pred.jobs[0])
            if rng.random() < 0.5:
                job.direct = pred.jobs[0].direct
            p.base = min(pred.base + rng.randint(200, 700) * _DAY, _LAST_BASE)
            self._bump("successor")
        else:
            job = self._job(p, company)
        p.jobs.append(job)
        if len(company.recent) < 3:
            company.recent.append(p)
        else:
            company.recent[below(rng, 3)] = p
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
            n = str(pick(rng, (rng.randint(60, 99), rng.randint(1, 999), "")))
            if household:
                local = pick(rng, ("{l}.family{n}", "{l}ke{n}", "{l}-home{n}"))
            else:
                local = pick(rng, V.PRIVATE_MAIL)
            addr = local.format(f=p.first_ro, l=p.last_ro, f0=p.first_ro[0], n=n)
            addr += "@" + pick(rng, frees)
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
        p.home = p.home or R.new_place(rng, "JP")
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
            p.home = R.new_place(rng, p.jobs[0].company.place[0])
        if n > 1:
            self.stats.entities_with_duplicates += 1
            self.stats.duplicate_pairs += n * (n - 1) // 2
        offsets = sorted(below(rng, 700 * _DAY) for _ in range(n - 1))
        shared: set[tuple[str, int]] = set()
        for i, offset in enumerate([0, *offsets]):
            job = p.jobs[i >= switch]
            src = SOURCES[bisect(_SOURCE_CUM, rng.random() * 100)]
            habits = R.SOURCE_HABITS[src]
            email, private = R.email(rng, p, job, src, shared)
            dept, title = R.role(rng, job, habits[3])
            country, pref, city, post = R.address(rng, p, job, private, habits[4])
            ts = time.gmtime(p.base + offset + below(rng, _DAY))
            yield (
                f"E{p.eid:07d}", src, email, *R.names(rng, p, src),
                R.company_name(rng, job.company, src), dept, title,
                R.phone_for(rng, p, job, src, shared), country, pref, city, post,
                time.strftime("%Y-%m-%dT%H:%M:%SZ", ts),
            )  # fmt: skip
        for kind, key in shared:  # every earlier entity behind this key is a pair
            before = self.shared[kind].get(key, 0)
            self.shared[kind][key] = before + 1
            self._bump(kind, before)

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
            left, 1 if rng.random() >= 0.1 else (2, 2, 2, 3, 3, 4)[below(rng, 6)]
        )

    def rows(self) -> Iterator[tuple[str, ...]]:
        """All rows in ``COLUMNS`` order; ``self.stats`` is complete once exhausted."""
        rng, buf, n = self.rng, list[tuple[str, ...]](), 0
        for row in self._entities():
            if len(buf) < self.buffer:
                buf.append(row)
                continue
            i = below(rng, self.buffer)
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
