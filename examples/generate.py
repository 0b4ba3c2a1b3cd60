"""Generate the bundled example data (deterministic: the same files every time).

Three exports a Japanese B2B company would really have:

- ``ma_contacts.csv``: HubSpot contacts export (UTF-8 with BOM), 300 leads with
  activity counts, including a few duplicate people (case, full-width letters,
  plus-addressing).
- ``sfa_leads.csv``: the SFA's existing leads (CP932), some of whom marketing also
  has, so the handoff must update them instead of creating a second record.
- ``sfa_deals.csv``: the SFA's deals with outcomes (CP932): won with amount, lost
  with a reason, rejected (対象外) with a reason, and open ones.

Run ``python examples/generate.py`` to rewrite them.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
JST = timezone(timedelta(hours=9))
SEED = 20261001

LAST = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
        "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水"]
LAST_ROMAJI = ["sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto",
               "nakamura", "kobayashi", "kato", "yoshida", "yamada", "sasaki",
               "yamaguchi", "matsumoto", "inoue", "kimura", "hayashi", "saito",
               "shimizu"]
FIRST = ["翔", "蓮", "陽菜", "結衣", "大輔", "健太", "美咲", "直樹", "彩", "拓也",
         "真由美", "誠", "恵", "和也", "優子", "剛", "愛", "隆", "由美", "浩"]
FIRST_ROMAJI = ["sho", "ren", "hina", "yui", "daisuke", "kenta", "misaki", "naoki",
                "aya", "takuya", "mayumi", "makoto", "megumi", "kazuya", "yuko",
                "tsuyoshi", "ai", "takashi", "yumi", "hiroshi"]
COMPANIES = [
    ("株式会社サクラテック", "sakuratech.co.jp", "03"),
    ("アオバ商事株式会社", "aoba-shoji.co.jp", "06"),
    ("株式会社ミナトロジスティクス", "minato-logi.jp", "045"),
    ("ヒカリ製作所株式会社", "hikari-ss.co.jp", "052"),
    ("株式会社ツバサ工業", "tsubasa-kogyo.co.jp", "092"),
    ("有限会社カエデ設計", "kaede-sekkei.jp", "011"),
    ("株式会社ホクト精機", "hokuto-seiki.co.jp", "022"),
    ("シラカワ食品株式会社", "shirakawa-foods.co.jp", "075"),
    ("株式会社ナギサ不動産", "nagisa-re.co.jp", "078"),
    ("株式会社アサヒネット", "asahi-net-sol.jp", "03"),
    ("コトブキ電機株式会社", "kotobuki-denki.co.jp", "06"),
    ("株式会社ユウキ医療サービス", "yuki-medical.jp", "03"),
]
CAMPAIGNS = ["2026秋_展示会_DX EXPO", "ホワイトペーパー_SFA活用術", "ウェビナー_営業DX入門",
             "リスティング_営業支援", "メルマガ_10月号"]
SOURCES = ["ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "OFFLINE", "REFERRALS"]
LIFECYCLE = ["subscriber", "lead", "lead", "marketingqualifiedlead",
             "marketingqualifiedlead", "salesqualifiedlead"]
OWNERS = ["営業一課 石井", "営業一課 森", "営業二課 橋本", "営業二課 岡田"]
LOSS_REASONS = ["価格が合わない", "競合に決定", "予算凍結", "時期尚早"]
REJECT_REASONS = ["連絡が取れない", "決裁権なし", "学生・個人", "既存顧客の別部署"]

MA_HEADER = ["hs_object_id", "firstname", "lastname", "email", "phone", "company",
             "lifecyclestage", "hubspotscore", "hs_analytics_source", "campaign",
             "pricing_page_views", "whitepaper_downloads", "webinar_attended",
             "email_clicks", "lastmodifieddate"]
SFA_LEAD_HEADER = ["リードID", "姓", "名", "会社名", "メールアドレス", "電話番号", "ステータス",
                   "担当者", "リードソース", "キャンペーン", "最終更新日時"]
SFA_DEAL_HEADER = ["商談ID", "商談名", "メールアドレス", "会社名", "フェーズ", "金額", "完了日",
                   "失注理由", "対象外理由", "担当者", "最終更新日時"]


def _phone(rng: random.Random, area: str) -> str:
    rest = 10 - len(area)
    digits = f"{rng.randrange(10 ** (rest - 1), 10 ** rest)}"
    mid = 4 if rest == 8 else rest - 4
    return f"{area}-{digits[:mid]}-{digits[mid:]}"


def _people(rng: random.Random) -> list[dict[str, str]]:
    people = []
    base = datetime(2026, 10, 1, 9, 0, tzinfo=JST)
    used_locals: set[tuple[str, str]] = set()
    while len(people) < 285:
        li, fi = rng.randrange(len(LAST)), rng.randrange(len(FIRST))
        company, domain, area = COMPANIES[rng.randrange(len(COMPANIES))]
        local = f"{FIRST_ROMAJI[fi][0]}{LAST_ROMAJI[li]}"
        if (local, domain) in used_locals:
            local = f"{FIRST_ROMAJI[fi]}.{LAST_ROMAJI[li]}"
        if (local, domain) in used_locals:
            continue
        used_locals.add((local, domain))
        stage = LIFECYCLE[rng.randrange(len(LIFECYCLE))]
        score = {"subscriber": 5, "lead": 20, "marketingqualifiedlead": 55,
                 "salesqualifiedlead": 75}[stage] + rng.randrange(0, 25)
        people.append({
            "hs_object_id": str(51000 + len(people) * 7),
            "firstname": FIRST[fi],
            "lastname": LAST[li],
            "email": f"{local}@{domain}",
            "phone": _phone(rng, area) if rng.random() > 0.1 else "",
            "company": company,
            "lifecyclestage": stage,
            "hubspotscore": str(score),
            "hs_analytics_source": SOURCES[rng.randrange(len(SOURCES))],
            "campaign": CAMPAIGNS[rng.randrange(len(CAMPAIGNS))],
            "pricing_page_views": str(rng.choice([0, 0, 0, 1, 2, 4])),
            "whitepaper_downloads": str(rng.choice([0, 0, 1, 1, 2])),
            "webinar_attended": rng.choice(["true", "false", "false"]),
            "email_clicks": str(rng.randrange(0, 8)),
            "lastmodifieddate": (base + timedelta(minutes=37 * len(people)))
            .isoformat(timespec="milliseconds"),
        })
    return people


def _duplicates(rng: random.Random, people: list[dict[str, str]]) -> list[dict[str, str]]:
    """The same people again, as marketing tools really receive them twice."""
    dupes = []
    for n, original in enumerate(rng.sample(people, 15)):
        copy = dict(original)
        copy["hs_object_id"] = str(90000 + n)
        local, domain = original["email"].split("@")
        variant = n % 3
        if variant == 0:
            copy["email"] = f"{local}+event@{domain}"
        elif variant == 1:
            copy["email"] = original["email"].upper()
        else:
            copy["email"] = original["email"].translate(
                {c: c + 0xFEE0 for c in range(0x21, 0x7F)})  # full-width
        copy["company"] = original["company"].replace("株式会社", "(株)")
        copy["lifecyclestage"] = "lead"
        copy["lastmodifieddate"] = (
            datetime(2026, 10, 20, 10, 0, tzinfo=JST) + timedelta(minutes=n)
        ).isoformat(timespec="milliseconds")
        dupes.append(copy)
    return dupes


def _sfa_leads(rng: random.Random, people: list[dict[str, str]]) -> list[dict[str, str]]:
    """Leads sales already has: some of marketing's people, typed by hand."""
    leads = []
    for n, person in enumerate(rng.sample(people, 40)):
        leads.append({
            "リードID": f"L-{1001 + n}",
            "姓": person["lastname"],
            "名": person["firstname"],
            "会社名": person["company"].replace("株式会社", "㈱") if n % 2 else person["company"],
            "メールアドレス": person["email"] if n % 4 else person["email"].capitalize(),
            "電話番号": person["phone"].replace("-", ""),
            "ステータス": rng.choice(["新規", "アポ取得", "商談化"]),
            "担当者": OWNERS[n % len(OWNERS)],
            "リードソース": "展示会",
            "キャンペーン": "",
            "最終更新日時": f"2026/09/{10 + n % 18:02d} 1{n % 9}:00",
        })
    return leads


def _deals(rng: random.Random, people: list[dict[str, str]]) -> list[dict[str, str]]:
    phases = ["アポ取得", "初回商談", "提案・見積", "クロージング", "受注", "受注", "失注", "失注", "対象外"]
    deals = []
    candidates = [p for p in people if p["lifecyclestage"] in
                  ("marketingqualifiedlead", "salesqualifiedlead")]
    for n, person in enumerate(rng.sample(candidates, min(80, len(candidates)))):
        phase = phases[n % len(phases)]
        amount = rng.choice([300_000, 480_000, 1_200_000, 2_500_000, 800_000])
        closed = phase in ("受注", "失注", "対象外")
        deals.append({
            "商談ID": f"D-{5001 + n}",
            "商談名": f"{person['company']} 営業支援ツール導入",
            "メールアドレス": person["email"],
            "会社名": person["company"],
            "フェーズ": phase,
            "金額": f"{amount:,}" if phase != "対象外" else "",
            "完了日": f"2026/11/{1 + n % 20:02d}" if closed else "",
            "失注理由": LOSS_REASONS[n % len(LOSS_REASONS)] if phase == "失注" else "",
            "対象外理由": REJECT_REASONS[n % len(REJECT_REASONS)] if phase == "対象外" else "",
            "担当者": OWNERS[n % len(OWNERS)],
            "最終更新日時": f"2026/11/{1 + n % 20:02d} {9 + n % 9}:{n % 60:02d}",
        })
    return deals


def _write(path: Path, header: list[str], rows: list[dict[str, str]], encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Write the three example exports next to this script."""
    rng = random.Random(SEED)
    people = _people(rng)
    contacts = people + _duplicates(rng, people)
    _write(HERE / "ma_contacts.csv", MA_HEADER, contacts, "utf-8-sig")
    _write(HERE / "sfa_leads.csv", SFA_LEAD_HEADER, _sfa_leads(rng, people), "cp932")
    _write(HERE / "sfa_deals.csv", SFA_DEAL_HEADER, _deals(rng, people), "cp932")
    print(f"wrote {len(contacts)} contacts, and the SFA leads and deals")


if __name__ == "__main__":
    main()
