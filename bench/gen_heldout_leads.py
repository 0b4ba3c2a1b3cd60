"""Held-out B2B lead generator, written blind from a specification.

Its author never read the matching code or the other generators, so a matcher
tuned on those cannot have been tuned on this. It simulates the marketing
database of a Japanese SaaS vendor with US and APAC customers: about 1 company per
8 people (70 % Japanese, 20 % US, 10 % APAC), 12 % of people with 2-5 records, each
record one touchpoint (webinar, badge scan, business card, CRM import, free-mail
form) rendered on its own, job changers, and hard negatives (different people who
look alike) listed by kind.

Records are streamed: every record of a group is rendered when the group is made
and waits in a heap keyed by the file position it was planned for, so later
records of a person land far ahead (up to 200,000 positions) and memory is bounded
by the records waiting, not by the file.

Usage: ``python bench/gen_heldout_leads.py --records N --seed S --out FILE.csv``.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import json
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gen_heldout_lookalikes import HARD_NEGATIVE_KINDS, next_group
from bench.gen_heldout_render import TOUCHPOINTS
from bench.gen_heldout_text import FastRandom
from bench.gen_heldout_world import INCIDENTAL_NAMESAKE, World

COLUMNS = (
    "record_id", "entity_id", "touchpoint", "email", "last_name", "first_name",
    "last_name_kana", "first_name_kana", "company", "title", "department", "phone",
    "mobile", "country", "prefecture_or_state", "city", "postcode", "created_at",
)  # fmt: skip

_START = 1_680_274_800  # 2023-04-01 00:00 JST: the first record
_SPAN = 3 * 365 * 86_400  # records are created over three years, in file order
_JST = 9 * 3600


def _timestamp(stamp: int, days: dict[int, str]) -> str:
    """ISO time in JST; the date part is cached per day, which strftime is not."""
    day, second = divmod(stamp, 86_400)
    date = days.get(day)
    if date is None:
        date = days[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86_400))
    hour, rest = divmod(second, 3600)
    return f"{date}T{hour:02d}:{rest // 60:02d}:{rest % 60:02d}+09:00"


@dataclass(slots=True)
class HeldoutStats:
    """Ground-truth counts of one generated file, complete once ``rows()`` ends."""

    records: int = 0
    entities: int = 0
    duplicate_entities: int = 0
    duplicate_pairs: int = 0
    job_changers: int = 0
    hard_negative_pairs: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(HARD_NEGATIVE_KINDS, 0)
    )
    incidental_namesake_pairs: int = 0
    companies: int = 0
    stem_twin_companies: int = 0
    subsidiaries: int = 0
    touchpoints: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(TOUCHPOINTS, 0)
    )


class HeldoutLeadGenerator:
    """Deterministic for ``(records, seed)``; every call of ``rows()`` starts afresh."""

    def __init__(self, records: int, seed: int) -> None:
        if records < 1:
            raise ValueError(f"records must be at least 1, got {records}")
        self.records = records
        self.seed = seed
        self._stats: HeldoutStats | None = None
        self._done = False
        self.job_changers: list[str] = []
        """Entity ids of the people who change company between their records."""
        self.hard_negatives: list[tuple[str, str, str]] = []
        """(kind, entity_a, entity_b) of every hard-negative pair, incidental too."""

    @property
    def stats(self) -> HeldoutStats:
        """The counts of the last full run.

        Raises:
            RuntimeError: ``rows()`` has not run to the end, so counts would be partial.
        """
        if self._stats is None or not self._done:
            raise RuntimeError("stats are known only after rows() is exhausted")
        return self._stats

    def rows(self) -> Iterator[tuple[str, ...]]:
        """Yield ``records`` rows in ``COLUMNS`` order, each person's records apart."""
        n = self.records
        rng = FastRandom(self.seed)
        world = World(rng, n)
        stats = self._stats = HeldoutStats()
        self._done = False
        self.hard_negatives = []
        self.job_changers = []
        heap: list[tuple[int, int, tuple[str, ...]]] = []
        seq = 0
        pos = 0
        step = _SPAN / n
        days: dict[int, str] = {}
        while pos < n:
            if heap and (heap[0][0] <= pos or len(heap) >= n - pos):
                row = heapq.heappop(heap)[2]
                created = _timestamp(_START + _JST + int(pos * step), days)
                stats.touchpoints[row[1]] += 1
                pos += 1
                yield (f"R{pos:07d}", *row, created)
                continue
            group = next_group(world, n - pos - len(heap), n - pos - 1)
            for offset, row in group.rows:
                heapq.heappush(heap, (pos + offset, seq, row))
                seq += 1
            for k in group.entities:
                stats.entities += 1
                if k > 1:
                    stats.duplicate_entities += 1
                    stats.duplicate_pairs += k * (k - 1) // 2
            stats.job_changers += len(group.movers)
            self.job_changers.extend(group.movers)
            for pair in group.pairs:
                if pair[0] == INCIDENTAL_NAMESAKE:
                    stats.incidental_namesake_pairs += 1
                else:
                    stats.hard_negative_pairs[pair[0]] += 1
            self.hard_negatives.extend(group.pairs)
        stats.records = pos
        stats.companies = world.companies_hiring
        stats.stem_twin_companies = world.stem_twins
        stats.subsidiaries = world.subsidiaries
        self._done = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument(
        "--out", type=Path, required=True, help="CSV file to write (UTF-8, header)"
    )
    parser.add_argument(
        "--hard-negatives", type=Path, help="also write kind,entity_a,entity_b"
    )
    args = parser.parse_args(argv)
    gen = HeldoutLeadGenerator(args.records, args.seed)
    started = time.perf_counter()
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(gen.rows())
    seconds = time.perf_counter() - started
    if args.hard_negatives:
        with args.hard_negatives.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(("kind", "entity_a", "entity_b"))
            writer.writerows(gen.hard_negatives)
    report = asdict(gen.stats) | {
        "seconds": round(seconds, 1),
        "records_per_second": round(args.records / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
