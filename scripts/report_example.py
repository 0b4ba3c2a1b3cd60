"""Render the example funnel report and screenshot it to docs/report-example.png.

Run by ``make report-example``. It fills a throw-away SQLite state store with a
seeded, made-up half year of leads and deals (six campaigns, Japanese companies),
renders the HTML report in Japanese with the previous period compared, and has
headless Chromium take the screenshot, so the picture in the docs is exactly
what users get. Needs Chromium (``apt-get install -y chromium``) and, for the
Japanese labels, a Japanese font (``apt-get install -y fonts-ipafont-gothic``).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from connector.reports.config import ReportingSettings
from connector.reports.funnel import funnel_report
from connector.reports.period import Period
from connector.reports.render_html import render_html
from connector.store import StateStore
from connector.store.schema import deals, persons, stage_events

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGNS = {
    "2024春ウェビナー": 0.25,
    "展示会 (東京)": 0.15,
    "ホワイトペーパー": 0.2,
    "リスティング広告": 0.25,
    "パートナー紹介": 0.05,
    "メルマガ": 0.1,
}
COMPANIES = ["サクラ", "富士", "青葉", "北斗", "東海", "みなと", "光", "大和"]
REASONS = ["予算なし", "時期尚早", "競合採用", "連絡不通"]
START = datetime(2024, 1, 1, tzinfo=UTC)
DAYS = 182


def _story(
    seed: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not security
    people, events, sales = [], [], []
    names, weights = list(CAMPAIGNS), list(CAMPAIGNS.values())
    for n in range(900):
        cid = f"demo-{n:04d}"
        created = START + timedelta(days=rng.uniform(0, DAYS))
        campaign = rng.choices(names, weights)[0]
        company = f"株式会社{rng.choice(COMPANIES)}{n % 40}"
        row = {
            "canonical_id": cid,
            "email": f"user{n}@example.co.jp",
            "company": company,
            "campaign": campaign,
            "first_touch": campaign,
            "last_touch_before_mql": campaign,
            "lead_source": "web",
            "owner": rng.choice(["佐藤", "鈴木", "高橋"]),
            "created_at": created,
            "handed_off_at": None,
            "first_followup_at": None,
            "updated_at": created,
        }
        people.append(row)
        when = created
        boost = 1.3 if campaign in ("2024春ウェビナー", "パートナー紹介") else 1.0
        if rng.random() > 0.5 * boost:
            continue
        when += timedelta(days=rng.uniform(1, 10))
        events.append(_event(cid, "mql", when))
        row["handed_off_at"] = when
        row["first_followup_at"] = when + timedelta(hours=rng.uniform(1, 36))
        if rng.random() < 0.2:
            events.append(
                _event(cid, "rejected", when + timedelta(days=1), rng.choice(REASONS))
            )
            continue
        if rng.random() > 0.65:
            continue
        when += timedelta(days=rng.uniform(1, 7))
        events.append(_event(cid, "sql", when))
        if rng.random() > 0.6:
            continue
        when += timedelta(days=rng.uniform(3, 20))
        events.append(_event(cid, "opportunity", when))
        when += timedelta(days=rng.uniform(10, 40))
        won = rng.random() < 0.4 * boost
        amount = Decimal(rng.randrange(30, 300) * 10_000)
        named = rng.random() > 0.1  # some deals name no contact: company fallback
        sales.append(
            {
                "system": "sfa",
                "deal_id": f"D-{n}",
                "canonical_id": cid if named else None,
                "name": f"{company} 導入",
                "stage": "won" if won else "lost",
                "stage_reason": None if won else "価格",
                "amount": amount,
                "currency": "JPY",
                "close_date": when,
                "company": company,
                "owner": row["owner"],
                "pipeline": None,
                "attribution": "person" if named else "none",
                "person_email": None,
                "updated_at": when,
            }
        )
        if named:
            events.append(_event(cid, "won" if won else "lost", when))
    return people, events, sales


def _event(
    cid: str, stage: str, when: datetime, reason: str | None = None
) -> dict[str, Any]:
    return {
        "canonical_id": cid,
        "system": "sfa",
        "entity": "persons",
        "record_id": cid,
        "from_stage": None,
        "to_stage": stage,
        "reason": reason,
        "occurred_at": when,
        "run_id": None,
    }


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit(
        "report-example: Chromium not found; install it: apt-get install -y chromium"
    )


def main() -> None:
    """Build the demo store, render the report, screenshot it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, default=ROOT / "docs/report-example.png")
    parser.add_argument("--html", type=Path, help="also keep the HTML here")
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    browser = _chromium()
    settings = ReportingSettings()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = StateStore(f"sqlite:///{work / 'demo.db'}")
        store.migrate()
        people, events, sales = _story(args.seed)
        with store.transaction() as conn:
            conn.execute(insert(persons), people)
            conn.execute(insert(stage_events), events)
            conn.execute(insert(deals), sales)
        period = Period(date(2024, 6, 1), date(2024, 6, 30), settings.tz)
        with store.read() as conn:
            report = funnel_report(conn, settings, period, by="campaign", compare=True)
        store.close()
        page = work / "report.html"
        page.write_text(render_html(report, args.lang), encoding="utf-8")
        if args.html:
            shutil.copyfile(page, args.html)
        args.png.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - fixed arguments, our own file
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={work / 'profile'}",
                f"--screenshot={args.png}",
                "--window-size=1640,800",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
