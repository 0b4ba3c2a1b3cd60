"""The held-out world: who works where, who has several records, who looks alike.

``World`` makes people and plans every record of each of them: which touchpoint,
at which job, what it must show, and how far ahead in the file it lands (the
look-alike groups are built in ``gen_heldout_lookalikes``). Companies are drawn
from a pool of open slots (one per person still to hire), so coworkers are spread
through the file instead of arriving together.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from bench.gen_heldout_company import Company, CompanyFactory
from bench.gen_heldout_people import Job, PeopleFactory, Person
from bench.gen_heldout_places import NumberPool, Weighted
from bench.gen_heldout_render import NO_FORCE, TOUCHPOINT_WEIGHTS, Force, render

INCIDENTAL_NAMESAKE = "namesake_incidental"

_EXTRA = Weighted(((2, 60), (3, 25), (4, 10), (5, 5)))
_MAX_DELAY = 200_000
_MIN_GAP = 50


@dataclass(slots=True)
class Group:
    """A group's planned records and the facts the generator's stats need."""

    rows: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    entities: list[int] = field(default_factory=list)
    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    movers: list[str] = field(default_factory=list)


class World:
    """Draws companies, people and structures from one ``random.Random``."""

    def __init__(self, rng: random.Random, records: int) -> None:
        self.rng = rng
        self.pool = NumberPool(rng)
        # A 3,000-person firm would be a fifth of a 20,000-record file: cap by size.
        self.companies = CompanyFactory(
            rng, self.pool, max_size=min(3000, max(50, records // 100))
        )
        self.people = PeopleFactory(rng, self.pool)
        self.slots: list[Company] = []
        self.slot_target = min(20_000, max(500, records // 20))
        self.next_eid = 0
        self.companies_hiring = 0
        self.stem_twins = 0
        self.subsidiaries = 0

    # Companies ----------------------------------------------------------------

    def _add(self, c: Company, taken: int = 0) -> None:
        self.slots.extend([c] * max(0, c.size - taken))

    def _refill(self) -> None:
        rng = self.rng
        while len(self.slots) < self.slot_target:
            if self.slots and rng.random() < 0.05:
                parent = self.slots[rng.randrange(len(self.slots))]
                if parent.parent < 0:
                    self._add(self.companies.subsidiary(parent))
                    self.subsidiaries += 1
                    continue
            c = self.companies.new()
            self._add(c)
            if rng.random() < 0.04:
                self._add(self.companies.twin(c))
                self.stem_twins += 1

    def draw(self) -> Company:
        """Take one open slot at random: a big company is drawn as often as it hires."""
        self._refill()
        i = self.rng.randrange(len(self.slots))
        c = self.slots[i]
        self.slots[i] = self.slots[-1]
        self.slots.pop()
        return c

    def other(self, c: Company, same_region: bool = False) -> Company:
        """Another company of the same country (and state), without taking its slot."""
        rng = self.rng
        for _ in range(60):
            d = self.slots[rng.randrange(len(self.slots))]
            related = d.cid == c.cid or c.cid == d.twin_of or d.cid == c.twin_of
            if d.country != c.country or related:
                continue
            if not same_region or d.place.region == c.place.region:
                return d
        d = self.companies.new(c.country, c.place if same_region else None)
        self._add(d, taken=1)
        return d

    # People -------------------------------------------------------------------

    def eid(self) -> str:
        """The next entity id: the ground truth of one person."""
        self.next_eid += 1
        return f"E{self.next_eid:07d}"

    def register(self, p: Person, c: Company, group: Group, skip: str = "") -> None:
        """Note namesakes the world made by chance (same full name, same company)."""
        if not c.names:
            self.companies_hiring += 1
        key = f"{p.last} {p.first}"
        seen = c.names.setdefault(key, [])
        group.pairs.extend((INCIDENTAL_NAMESAKE, e, p.eid) for e in seen if e != skip)
        seen.append(p.eid)

    def delay(self, horizon: int) -> int:
        """How far ahead a later record lands: half log-uniform, half uniform."""
        hi = min(horizon, _MAX_DELAY)
        lo = min(_MIN_GAP, hi)
        if hi <= lo:
            return hi
        if self.rng.random() < 0.5:
            return int(math.exp(self.rng.uniform(math.log(lo), math.log(hi))))
        return self.rng.randint(lo, hi)

    def k(self) -> int:
        """Records of one person: 88 % one, else two to five (mostly two)."""
        return 1 if self.rng.random() < 0.88 else _EXTRA.pick(self.rng)

    def plan(
        self,
        group: Group,
        p: Person,
        jobs: list[tuple[Job, Force]],
        start: int,
        horizon: int,
    ) -> None:
        """Render the records of ``p``: record i at ``jobs[i]``, from ``start`` on."""
        rng = self.rng
        k = len(jobs)
        later = (start + self.delay(max(0, horizon - start)) for _ in range(k - 1))
        offsets = [start, *sorted(later)]
        for offset, (job, force) in zip(offsets, jobs, strict=True):
            tp = "freemail_form" if force.free else TOUCHPOINT_WEIGHTS.pick(rng)
            if tp == "freemail_form" and not p.free_email:
                p.free_email = self.people.free_email(p)
            group.rows.append((min(offset, horizon), render(tp, p, job, rng, force)))
        group.entities.append(k)

    def _single_jobs(
        self, p: Person, c: Company, job: Job, k: int, group: Group
    ) -> list[tuple[Job, Force]]:
        """Records of one person; about 3 % of people with several records move.

        A job changer gets a new company, mailbox and phone, and keeps a mobile or a
        free-mail address, shown on the last record before and the first after.
        """
        rng = self.rng
        if k < 2 or rng.random() >= 0.033:  # look-alike members never move: 3 % overall
            return [(job, NO_FORCE)] * k
        if not p.mobile and not p.free_email:
            p.free_email = self.people.free_email(p)
        use_mobile = p.mobile is not None and (not p.free_email or rng.random() < 0.5)
        keep = Force(mobile=True) if use_mobile else Force(free=True)
        new = self.people.job(p, self.other(c))
        cut = rng.randint(1, k - 1)
        group.movers.append(p.eid)
        return [
            (job if i < cut else new, keep if i in {cut - 1, cut} else NO_FORCE)
            for i in range(k)
        ]

    def single(self, c: Company, budget: int, horizon: int) -> Group:
        """One ordinary person at ``c`` with one to five records."""
        group = Group()
        p = self.people.person(self.eid(), c.country, c.place)
        self.register(p, c, group)
        job = self.people.job(p, c)
        k = min(self.k(), budget)
        self.plan(group, p, self._single_jobs(p, c, job, k, group), 0, horizon)
        return group

    def same_job(
        self,
        group: Group,
        p: Person,
        job: Job,
        first: Force,
        k: int,
        start: int,
        end: int,
    ) -> None:
        """Plan ``k`` records of ``p`` at one job, the first showing ``first``."""
        self.plan(group, p, [(job, first), *[(job, NO_FORCE)] * (k - 1)], start, end)

    def ks(self, n: int, budget: int) -> list[int]:
        """Record counts for ``n`` people, trimmed to fit ``budget``."""
        ks = [self.k() for _ in range(n)]
        while sum(ks) > budget:
            ks[ks.index(max(ks))] -= 1
        return ks

    def members(self, c: Company, n: int, group: Group) -> list[Person]:
        """``n`` coworkers at ``c``; in Japan a quarter share the first's surname."""
        first = self.people.person(self.eid(), c.country, c.place)
        people = [first]
        for _ in range(n - 1):
            if first.kind == "jp" and self.rng.random() < 0.25:
                q = self.people.relative(
                    first,
                    self.eid(),
                    c.country,
                    "M" if self.rng.random() < 0.6 else "F",
                )
            else:
                q = self.people.person(self.eid(), c.country, c.place)
            people.append(q)
        for q in people:
            self.register(q, c, group)
        return people

    def start(self, i: int, horizon: int) -> int:
        """Where member ``i`` of a group begins: the first now, the others later."""
        return 0 if i == 0 else min(horizon, self.delay(horizon))
