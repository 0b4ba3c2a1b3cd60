"""Where the held-out world lives: towns, phone numbers, postcodes, weighted draws.

Numbers come from a pool that never hands out the same value twice, so no two
companies share a line and no two people share a mobile by accident: every shared
number in the file is a planned one (a main line, a role desk, a family home).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bench import gen_heldout_vocab as jv
from bench import gen_heldout_vocab_west as wv
from bench.gen_heldout_text import Phone

T = TypeVar("T")


class Weighted(Generic[T]):
    """Draw items by weight in O(log n), faster than ``random.choices`` per call."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        self.items: list[T] = []
        self.cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            total += weight
            self.items.append(item)
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> T:
        """One item, drawn in proportion to its weight."""
        return self.items[bisect(self.cum, rng.random() * self.total)]


@dataclass(frozen=True, slots=True)
class Place:
    """An office or home town: where a phone's area code and a postcode come from."""

    country: str
    region: str
    region_en: str
    city: str
    city_en: str
    area: str
    post: str


def _places() -> dict[str, Weighted[Place]]:
    jp = Weighted(
        (Place("JP", p, pe, c, ce.replace("_", " "), a, post), float(w))
        for p, pe, c, ce, a, post, w in jv.JP_LOCATIONS
    )
    us = Weighted(
        (
            Place(
                "US",
                s,
                sn.replace("_", " "),
                c.replace("_", " "),
                c.replace("_", " "),
                a,
                z,
            ),
            float(w),
        )
        for s, sn, c, a, z, w in wv.US_LOCATIONS
    )
    by_country: dict[str, list[tuple[Place, float]]] = {}
    for cc, reg, city, area, post, w in wv.APAC_LOCATIONS:
        place = Place(
            cc,
            reg.replace("_", " "),
            reg.replace("_", " "),
            city.replace("_", " "),
            city.replace("_", " "),
            "" if area == "-" else area,
            post,
        )
        by_country.setdefault(cc, []).append((place, float(w)))
    return {"JP": jp, "US": us} | {cc: Weighted(v) for cc, v in by_country.items()}


PLACES = _places()


class NumberPool:
    """Numbers drawn at random per number range, each handed out once.

    Two people sharing a mobile by chance would be an unrecorded hard negative, so
    every number is remembered (about 60 bytes each: ~40 MB for a 1M-record file).
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: dict[str, set[int]] = {}

    def take(self, key: str, lo: int, span: int) -> int:
        """An unused number of ``[lo, lo + span)`` for this key.

        Raises:
            RuntimeError: every number of the range is taken.
        """
        used = self._used.setdefault(key, set())
        if len(used) >= span:
            raise RuntimeError(f"number range {key} exhausted after {span} numbers")
        x = int(self._rng.random() * span)
        while x in used:
            x = (
                (x + 7919) % span
                if len(used) > span // 2
                else int(self._rng.random() * span)
            )
        used.add(x)
        return lo + x


def split_local(cc: str, area: str, local: str) -> Phone:
    """Cut a local number into the middle group and the last four digits."""
    return (cc, area, local[:-4], local[-4:])


_CC = {"JP": "81", "US": "1", "SG": "65", "MY": "60", "AU": "61"}


def landline_block(pool: NumberPool, place: Place) -> tuple[str, int, int]:
    """A block of 100 numbers in a town: (area code, block start, local length)."""
    cc = _CC[place.country]
    if cc == "81":
        digits = 10 - len(place.area)
    elif cc == "1":
        digits = 7
    else:
        digits = 7 if place.area == "04" else 8
    lead = 6 if cc == "65" else 2
    lo = lead * 10 ** (digits - 3)
    span = (10 if cc != "65" else lead + 1) * 10 ** (digits - 3) - lo
    block = pool.take(f"{cc}/{place.area}", lo, span)
    return place.area, block * 100, digits


def landline(place: Place, area: str, number: int, digits: int) -> Phone:
    """The phone of one number inside a block."""
    return split_local(_CC[place.country], area, str(number).zfill(digits))


def mobile(pool: NumberPool, country: str, rng: random.Random, place: Place) -> Phone:
    """A personal mobile number, never handed out twice."""
    cc = _CC[country]
    if cc == "81":
        prefix = (
            "090" if rng.random() < 0.45 else ("080" if rng.random() < 0.7 else "070")
        )
        local = str(pool.take(f"m{prefix}", 10**7, 9 * 10**7))
        return (cc, prefix, local[:4], local[4:])
    if cc == "1":
        local = str(pool.take(f"m1/{place.area}", 2 * 10**6, 8 * 10**6))
        return (cc, place.area, local[:3], local[3:])
    if cc == "65":
        local = str(pool.take("m65", 8 * 10**7, 2 * 10**7))
        return (cc, "", local[:4], local[4:])
    if cc == "60":
        prefix = rng.choice(("012", "013", "016", "017", "019"))
        local = str(pool.take(f"m{prefix}", 2 * 10**6, 8 * 10**6))
        return (cc, prefix, local[:3], local[3:])
    local = str(pool.take("m61", 10**7, 9 * 10**7))
    return (cc, "04" + local[:2], local[2:5], local[5:])


def postcode(place: Place, rng: random.Random) -> str:
    """A postcode in the town's range, in its canonical written form."""
    if place.country == "JP":
        return f"{place.post}-{rng.randrange(10000):04d}"
    if place.country == "US":
        return f"{place.post}{rng.randrange(100):02d}"
    if place.country == "SG":
        return f"{rng.randint(1, 82):02d}{rng.randrange(10000):04d}"
    width = 5 if place.country == "MY" else 4
    return place.post + str(rng.randrange(10 ** (width - len(place.post)))).zfill(
        width - len(place.post)
    )
