"""Hard negatives: groups of different people who look alike, by kind.

Each builder makes the people of one group, plans their records through the
``World`` and lists every pair under its kind. The first record of each member
is forced to show what the members share (a role mailbox and main line, one full
name, a family address or home phone, one state), so the likeness is in the file
and not only in the stats.
"""

from __future__ import annotations

from collections.abc import Callable

from bench import gen_heldout_vocab_west as wv
from bench.gen_heldout_company import Company
from bench.gen_heldout_people import Person
from bench.gen_heldout_render import Force
from bench.gen_heldout_world import Group, World

ROLE_MAILBOX = "shared_role_mailbox"
NAMESAKE = "namesake_same_company"
FAMILY = "family_shared_contact"
SUCCESSOR = "successor_takes_over"
COMMON_NAME = "common_name_same_state"
HARD_NEGATIVE_KINDS = (ROLE_MAILBOX, NAMESAKE, FAMILY, SUCCESSOR, COMMON_NAME)

Builder = Callable[[World, Company, int, int], Group]
"""Makes one group at a company, given the record budget and the last position."""


def next_group(w: World, budget: int, horizon: int) -> Group:
    """The next group of the file: usually one person, now and then a look-alike set.

    Each kind is drawn for about 1-3 % of people (US names only at US companies,
    namesakes only at companies of 20 or more).
    """
    c = w.draw()
    if budget >= 8 and horizon >= 200:
        r = w.rng.random()
        if r < 0.009:
            return role_mailbox(w, c, budget, horizon)
        if r < 0.019 and c.size >= 20:
            return namesakes(w, c, budget, horizon)
        if r < 0.029 and c.country in {"JP", "US"}:
            return family(w, c, budget, horizon)
        if r < 0.039:
            return successor(w, c, budget, horizon)
        if c.country == "US" and c.size < 200 and r < 0.109:
            return common_name(w, c, budget, horizon)
    return w.single(c, budget, horizon)


def _pairs(kind: str, people: list[Person]) -> list[tuple[str, str, str]]:
    return [(kind, a.eid, b.eid) for i, a in enumerate(people) for b in people[i + 1 :]]


def role_mailbox(w: World, c: Company, budget: int, horizon: int) -> Group:
    """Two to four coworkers who register with one role mailbox and the main line."""
    group = Group()
    box = c.free_role_box(w.rng)
    if not box:
        return w.single(c, budget, horizon)
    r = w.rng.random()
    people = w.members(c, 2 if r < 0.7 else (3 if r < 0.95 else 4), group)
    for i, (p, k) in enumerate(zip(people, w.ks(len(people), budget), strict=True)):
        job = w.people.job(p, c, role_email=box, personal=w.rng.random() < 0.5)
        first = Force(email=box, phone=c.main)
        w.same_job(group, p, job, first, k, w.start(i, horizon), horizon)
    group.pairs += _pairs(ROLE_MAILBOX, people)
    return group


def namesakes(w: World, c: Company, budget: int, horizon: int) -> Group:
    """Two (or three) people with one full name at one large company.

    Their mailboxes differ the way the company resolves clashes (a digit or an
    initial) and each has a desk line of their own.
    """
    group = Group()
    first = w.people.person(w.eid(), c.country, c.place)
    twins = 1 if w.rng.random() < 0.9 else 2
    people = [
        first,
        *(w.people.namesake(first, w.eid(), c.country) for _ in range(twins)),
    ]
    for i, (p, k) in enumerate(zip(people, w.ks(len(people), budget), strict=True)):
        w.register(p, c, group, skip=first.eid if i else "")
        job = w.people.job(p, c)
        if job.desk is None:
            job.desk = c.desk_line(w.pool)
        show = Force(email=job.email, phone=job.desk, clean_name=True)
        w.same_job(group, p, job, show, k, w.start(i, horizon), horizon)
    group.pairs += _pairs(NAMESAKE, people)
    return group


def family(w: World, c: Company, budget: int, horizon: int) -> Group:
    """Father and son, or spouses, sharing a free-mail address or a home phone."""
    rng = w.rng
    group = Group()
    head = w.people.person(w.eid(), c.country, c.place)
    spouse = rng.random() < 0.5
    gender = ("F" if head.gender == "M" else "M") if spouse else head.gender
    kin = w.people.relative(head, w.eid(), c.country, gender)
    if not spouse and head.kind == "west" and rng.random() < 0.2:
        kin.first = kin.first_lat = kin.plain_first = head.first
        kin.nick = head.nick
        kin.last = kin.last_lat = kin.plain_last = f"{head.last} Jr."
    w.people.settle(head, c.place)
    kin.home, kin.home_post = head.home, head.home_post
    if rng.random() < 0.6:
        head.free_email = head.free_email or w.people.free_email(head)
        kin.free_email = head.free_email
        show = Force(free=True)
    else:
        head.home_phone = kin.home_phone = w.people.home_phone(head, c.place)
        show = Force(phone=head.home_phone)
    where = c if rng.random() < 0.3 else w.other(c)
    w.register(head, c, group)
    w.register(kin, where, group)
    pairs = zip((head, kin), (c, where), w.ks(2, budget), strict=True)
    for i, (p, at, k) in enumerate(pairs):
        w.same_job(group, p, w.people.job(p, at), show, k, w.start(i, horizon), horizon)
    group.pairs.append((FAMILY, head.eid, kin.eid))
    return group


def successor(w: World, c: Company, budget: int, horizon: int) -> Group:
    """A successor who takes over a predecessor's role mailbox and desk phone.

    Every record of the predecessor comes before every record of the successor,
    who also inherits the title and department.
    """
    box = c.free_role_box(w.rng)
    if not box:
        return w.single(c, budget, horizon)
    group = Group()
    old, new = w.members(c, 2, group)
    k_old, k_new = w.ks(2, budget)
    desk = c.desk_line(w.pool)
    show = Force(email=box, phone=desk)
    before = w.people.job(old, c, role_email=box, personal=w.rng.random() < 0.6)
    before.desk = desk
    w.same_job(group, old, before, show, k_old, 0, horizon // 2)
    after = w.people.job(new, c, role_email=box, personal=w.rng.random() < 0.6)
    after.desk, after.title, after.title_en = desk, before.title, before.title_en
    after.dept, after.dept_en = before.dept, before.dept_en
    last = max(offset for offset, _ in group.rows)
    start = min(horizon, last + w.delay(max(0, horizon - last)))
    w.same_job(group, new, after, show, k_new, start, horizon)
    group.pairs.append((SUCCESSOR, old.eid, new.eid))
    return group


def common_name(w: World, c: Company, budget: int, horizon: int) -> Group:
    """Two or three people with one very common US name, at companies in one state."""
    group = Group()
    first, last, gender = w.rng.choice(wv.COMMON_NAMES)
    n = 2 if w.rng.random() < 0.85 else 3
    people, where = [], []
    for i in range(n):
        p = w.people.latin(w.eid(), "west", gender, first, last)
        w.people.contacts(p, "US", c.place)
        at = c if i == 0 else w.other(c, same_region=True)
        w.register(p, at, group)
        people.append(p)
        where.append(at)
    show = Force(clean_name=True, region=True)
    for i, (p, at, k) in enumerate(zip(people, where, w.ks(n, budget), strict=True)):
        job = w.people.job(p, at, at_hq=True)
        w.same_job(group, p, job, show, k, w.start(i, horizon), horizon)
    group.pairs += _pairs(COMMON_NAME, people)
    return group
