"""The held-out world: who works where, who has several records, who looks alike.

``World.group`` makes the next small group of people (usually one person; a hard
negative makes two to four) and plans every record of each of them: which
touchpoint, at which job, what it must show, and how far ahead in the file it
lands. Companies are drawn from a pool of open slots (one per person still to
hire), so coworkers are spread through the file instead of arriving together.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from bench import gen_heldout_vocab_west as wv
from bench.gen_heldout_company import Company, CompanyFactory, NumberPool, Weighted
from bench.gen_heldout_people import Job, PeopleFactory, Person
from bench.gen_heldout_render import NO_FORCE, TOUCHPOINT_WEIGHTS, Force, render

ROLE_MAILBOX = "shared_role_mailbox"
NAMESAKE = "namesake_same_company"
FAMILY = "family_shared_contact"
SUCCESSOR = "successor_takes_over"
COMMON_NAME = "common_name_same_state"
HARD_NEGATIVE_KINDS = (ROLE_MAILBOX, NAMESAKE, FAMILY, SUCCESSOR, COMMON_NAME)
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
    job_changes: int = 0


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
        self.companies_made = 0
        self.companies_hiring = 0
        self.stem_twins = 0
        self.subsidiaries = 0

    # Companies ----------------------------------------------------------------

    def _add(self, c: Company, taken: int = 0) -> None:
        self.companies_made += 1
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

    def _eid(self) -> str:
        self.next_eid += 1
        return f"E{self.next_eid:07d}"

    def _register(self, p: Person, c: Company, group: Group, skip: str = "") -> None:
        """Note namesakes the world made by chance (same full name, same company)."""
        if not c.names:
            self.companies_hiring += 1
        key = f"{p.last} {p.first}"
        seen = c.names.setdefault(key, [])
        group.pairs.extend((INCIDENTAL_NAMESAKE, e, p.eid) for e in seen if e != skip)
        seen.append(p.eid)

    def _delay(self, horizon: int) -> int:
        hi = min(horizon, _MAX_DELAY)
        lo = min(_MIN_GAP, hi)
        if hi <= lo:
            return hi
        if self.rng.random() < 0.5:
            return int(math.exp(self.rng.uniform(math.log(lo), math.log(hi))))
        return self.rng.randint(lo, hi)

    def _k(self) -> int:
        return 1 if self.rng.random() < 0.88 else _EXTRA.pick(self.rng)

    def _plan(
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
        later = (start + self._delay(max(0, horizon - start)) for _ in range(k - 1))
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
        """Records of one person; 3 % of people with several records change jobs.

        A job changer gets a new company, mailbox and phone, and keeps a mobile or a
        free-mail address, shown on the last record before and the first after.
        """
        rng = self.rng
        if k < 2 or rng.random() >= 0.03:
            return [(job, NO_FORCE)] * k
        if not p.mobile and not p.free_email:
            p.free_email = self.people.free_email(p)
        use_mobile = p.mobile is not None and (not p.free_email or rng.random() < 0.5)
        keep = Force(mobile=True) if use_mobile else Force(free=True)
        new = self.people.job(p, self.other(c))
        cut = rng.randint(1, k - 1)
        group.job_changes += 1
        return [
            (job if i < cut else new, keep if i in {cut - 1, cut} else NO_FORCE)
            for i in range(k)
        ]

    def group(self, budget: int, horizon: int) -> Group:
        """The next group, with at most ``budget`` records, none beyond ``horizon``."""
        c = self.draw()
        r = self.rng.random()
        if budget >= 8 and horizon >= 200:
            if r < 0.009:
                return self._role_mailbox(c, budget, horizon)
            if r < 0.019 and c.size >= 20:
                return self._namesakes(c, budget, horizon)
            if r < 0.029 and c.country in {"JP", "US"}:
                return self._family(c, budget, horizon)
            if r < 0.039:
                return self._successor(c, budget, horizon)
            if c.country == "US" and c.size < 200 and r < 0.039 + 0.07:
                return self._common_name(c, budget, horizon)
        group = Group()
        p = self.people.person(self._eid(), c.country)
        self._register(p, c, group)
        job = self.people.job(p, c)
        k = min(self._k(), budget)
        self._plan(group, p, self._single_jobs(p, c, job, k, group), 0, horizon)
        return group

    def _ks(self, n: int, budget: int) -> list[int]:
        ks = [self._k() for _ in range(n)]
        while sum(ks) > budget:
            ks[ks.index(max(ks))] -= 1
        return ks

    def _members(self, c: Company, n: int, group: Group) -> list[Person]:
        first = self.people.person(self._eid(), c.country)
        people = [first]
        for _ in range(n - 1):
            if first.kind == "jp" and self.rng.random() < 0.25:
                q = self.people.relative(
                    first,
                    self._eid(),
                    c.country,
                    "M" if self.rng.random() < 0.6 else "F",
                )
            else:
                q = self.people.person(self._eid(), c.country)
            people.append(q)
        for q in people:
            self._register(q, c, group)
        return people

    def _role_mailbox(self, c: Company, budget: int, horizon: int) -> Group:
        """Coworkers who all register with one role mailbox and the main line."""
        group = Group()
        box = c.free_role_box(self.rng)
        n = 2 if self.rng.random() < 0.7 else (3 if self.rng.random() < 0.83 else 4)
        people = self._members(c, n if box else 1, group)
        for i, (p, k) in enumerate(
            zip(people, self._ks(len(people), budget), strict=True)
        ):
            job = self.people.job(
                p, c, role_email=box, personal=self.rng.random() < 0.5
            )
            force = Force(email=box, phone=c.main) if box else NO_FORCE
            self._plan(
                group,
                p,
                [(job, force)] + [(job, NO_FORCE)] * (k - 1),
                self._start(i, horizon),
                horizon,
            )
        group.pairs += _all_pairs(ROLE_MAILBOX, people) if box else []
        return group

    def _start(self, i: int, horizon: int) -> int:
        return 0 if i == 0 else min(horizon, self._delay(horizon))

    def _namesakes(self, c: Company, budget: int, horizon: int) -> Group:
        """Two (or three) people with one full name at one large company."""
        group = Group()
        first = self.people.person(self._eid(), c.country)
        people = [first] + [
            self.people.namesake(first, self._eid(), c.country)
            for _ in range(1 if self.rng.random() < 0.9 else 2)
        ]
        for i, (p, k) in enumerate(
            zip(people, self._ks(len(people), budget), strict=True)
        ):
            self._register(p, c, group, skip=first.eid if i else "")
            job = self.people.job(p, c)
            if job.desk is None:
                job.desk = c.desk_line(self.pool)
            force = Force(email=job.email, phone=job.desk, clean_name=True)
            self._plan(
                group,
                p,
                [(job, force)] + [(job, NO_FORCE)] * (k - 1),
                self._start(i, horizon),
                horizon,
            )
        group.pairs += _all_pairs(NAMESAKE, people)
        return group

    def _family(self, c: Company, budget: int, horizon: int) -> Group:
        """Father and son or spouses sharing a free-mail address or a home phone."""
        rng = self.rng
        group = Group()
        head = self.people.person(self._eid(), c.country)
        spouse = rng.random() < 0.5
        gender = ("F" if head.gender == "M" else "M") if spouse else head.gender
        kin = self.people.relative(head, self._eid(), c.country, gender)
        if not spouse and head.kind == "west" and rng.random() < 0.2:
            kin.first, kin.first_lat, kin.plain_first, kin.nick = (
                head.first,
                head.first,
                head.first,
                head.nick,
            )
            kin.last = kin.last_lat = kin.plain_last = f"{head.last} Jr."
        kin.home, kin.home_post = head.home, head.home_post
        if rng.random() < 0.6:
            head.free_email = head.free_email or self.people.free_email(head)
            kin.free_email = head.free_email
            force = Force(free=True)
        else:
            assert head.home is not None  # noqa: S101 -- contacts() always sets a home
            head.home_phone = kin.home_phone = self.people.home_phone(head.home)
            force = Force(phone=head.home_phone)
        where = c if rng.random() < 0.3 else self.other(c)
        self._register(head, c, group)
        self._register(kin, where, group)
        for i, (p, at, k) in enumerate(
            zip((head, kin), (c, where), self._ks(2, budget), strict=True)
        ):
            job = self.people.job(p, at)
            self._plan(
                group,
                p,
                [(job, force)] + [(job, NO_FORCE)] * (k - 1),
                self._start(i, horizon),
                horizon,
            )
        group.pairs.append((FAMILY, head.eid, kin.eid))
        return group

    def _successor(self, c: Company, budget: int, horizon: int) -> Group:
        """A successor who takes over a predecessor's role mailbox and desk phone."""
        group = Group()
        box = c.free_role_box(self.rng)
        people = self._members(c, 2 if box else 1, group)
        ks = self._ks(len(people), budget)
        desk = c.desk_line(self.pool)
        before = self.people.job(
            people[0], c, role_email=box, personal=self.rng.random() < 0.6
        )
        before.desk = desk
        force = Force(email=box, phone=desk) if box else NO_FORCE
        half = horizon // 2
        self._plan(
            group,
            people[0],
            [(before, force)] + [(before, NO_FORCE)] * (ks[0] - 1),
            0,
            half,
        )
        if box:
            after = self.people.job(
                people[1], c, role_email=box, personal=self.rng.random() < 0.6
            )
            after.desk, after.title, after.title_en = (
                desk,
                before.title,
                before.title_en,
            )
            after.dept, after.dept_en = before.dept, before.dept_en
            last = max(offset for offset, _ in group.rows)
            start = min(horizon, last + self._delay(max(0, horizon - last)))
            self._plan(
                group,
                people[1],
                [(after, force)] + [(after, NO_FORCE)] * (ks[1] - 1),
                start,
                horizon,
            )
            group.pairs.append((SUCCESSOR, people[0].eid, people[1].eid))
        return group

    def _common_name(self, c: Company, budget: int, horizon: int) -> Group:
        """People with one very common US name at different companies in one state."""
        rng = self.rng
        group = Group()
        first, last, gender = rng.choice(wv.COMMON_NAMES)
        n = 2 if rng.random() < 0.85 else 3
        people, where = [], []
        for i in range(n):
            p = self.people.latin(self._eid(), "west", gender, first, last)
            self.people.contacts(p, "US")
            at = c if i == 0 else self.other(c, same_region=True)
            self._register(p, at, group)
            people.append(p)
            where.append(at)
        for i, (p, at, k) in enumerate(
            zip(people, where, self._ks(n, budget), strict=True)
        ):
            job = self.people.job(p, at)
            force = Force(clean_name=True, region=True)
            self._plan(
                group,
                p,
                [(job, force)] + [(job, NO_FORCE)] * (k - 1),
                self._start(i, horizon),
                horizon,
            )
        group.pairs += _all_pairs(COMMON_NAME, people)
        return group


def _all_pairs(kind: str, people: list[Person]) -> list[tuple[str, str, str]]:
    return [(kind, a.eid, b.eid) for i, a in enumerate(people) for b in people[i + 1 :]]
