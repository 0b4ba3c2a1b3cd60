"""Report labels in Japanese and English.

The readers are Japanese sales and marketing teams, so Japanese is the default;
English is there for shared dashboards and for tests that read the output. Every
label any renderer prints lives here, so a translation is one dictionary.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = ["LANGS", "Lang", "group_label", "label"]

Lang: TypeAlias = Literal["ja", "en"]
"""A report language."""

LANGS: tuple[Lang, ...] = ("ja", "en")
"""Every report language."""

_LABELS: dict[str, tuple[str, str]] = {
    # key: (ja, en)
    "title.funnel": ("ファネルレポート", "Funnel report"),
    "title.sla": ("SLA 達成状況", "SLA attainment"),
    "title.plan": ("目標からの逆算", "Plan from a revenue target"),
    "by.campaign": ("キャンペーン", "Campaign"),
    "by.source": ("流入元", "Source"),
    "by.month": ("月", "Month"),
    "by.owner": ("担当者", "Owner"),
    "model.first_touch": ("ファーストタッチ", "first touch"),
    "model.last_touch_before_mql": ("MQL 直前のタッチ", "last touch before MQL"),
    "stage.lead": ("リード", "Leads"),
    "stage.mql": ("MQL", "MQL"),
    "stage.sql": ("SQL", "SQL"),
    "stage.opportunity": ("商談", "Opportunities"),
    "stage.won": ("受注", "Won"),
    "stage.lost": ("失注", "Lost"),
    "stage.rejected": ("営業差し戻し", "Sales-rejected"),
    "conv.lead->mql": ("リード→MQL", "Lead→MQL"),
    "conv.mql->sql": ("MQL→SQL", "MQL→SQL"),
    "conv.sql->opportunity": ("SQL→商談", "SQL→Opp."),
    "conv.opportunity->won": ("商談→受注", "Opp.→Won"),
    "conv.lead_to_won": ("リード→受注", "Lead→Won"),
    "days": ("平均日数", "Avg days"),
    "days.short": ("日数 L→M/M→S/S→O/O→W", "Days L→M/M→S/S→O/O→W"),
    "revenue": ("受注金額", "Won revenue"),
    "won_deals": ("受注件数", "Won deals"),
    "average_deal": ("平均受注単価", "Avg deal size"),
    "rejected_rate": ("差し戻し率", "Rejected rate"),
    "top_reasons": ("主な差し戻し理由", "Top rejection reasons"),
    "total": ("合計", "Total"),
    "previous": ("前期間", "Previous period"),
    "change": ("前期比", "Change"),
    "period": ("期間", "Period"),
    "model": ("アトリビューション", "Attribution"),
    "fallback_revenue": (
        "フォールバックで帰属した受注金額",
        "Revenue attributed by fallback",
    ),
    "unattributed_revenue": ("帰属先のない受注金額", "Unattributed revenue"),
    "other_currency": ("他通貨の受注 (集計外)", "Won deals in other currencies"),
    "chart.funnel": ("ファネル", "Funnel"),
    "chart.trend": ("月次推移", "Month-over-month trend"),
    "table.groups": ("内訳", "Breakdown"),
    "sla.month": ("月", "Month"),
    "sla.qualified": ("適格リード数", "Qualified leads"),
    "sla.target": ("目標", "Target"),
    "sla.marketing": ("マーケ達成率", "Marketing attainment"),
    "sla.handed_off": ("引き渡し数", "Handed off"),
    "sla.met": ("期限内対応", "Followed up in time"),
    "sla.breached": ("違反", "Breached"),
    "sla.pending": ("対応待ち", "Pending"),
    "sla.sales": ("営業達成率", "Sales attainment"),
    "sla.breaches": ("SLA 違反一覧", "SLA breaches"),
    "sla.commitment": ("区分", "Commitment"),
    "sla.subject": ("対象", "Subject"),
    "sla.owner": ("担当者", "Owner"),
    "sla.detail": ("内容", "Detail"),
    "sla.followup": ("初回対応期限", "Follow-up deadline"),
    "sla.none": ("違反はありません", "No breaches"),
    "sla.open": ("(集計中)", "(in progress)"),
    "sla.late": (
        "初回対応まで {hours:.1f} 時間",
        "first follow-up after {hours:.1f} h",
    ),
    "sla.no_followup": ("未対応", "no follow-up yet"),
    "sla.short": (
        "適格リード {qualified} 件 / 目標 {target} 件",
        "{qualified} of {target} qualified leads",
    ),
    "days.none": (
        "-: 両ステージへの移行を順に観測できた人がいない (受注済みで初めて"
        "取り込んだ商談には商談ステージがなく、MQL として初めて取り込んだ"
        "リードにはリード段階がない)",
        "-: nobody in the row was seen entering both stages one after the other "
        "(a deal first read already won shows no opportunity stage; a lead first "
        "read as an MQL shows no lead stage)",
    ),
    "plan.revenue": ("売上目標", "Revenue target"),
    "plan.deal_size": ("平均受注単価", "Average deal size"),
    "plan.conversion": ("リード→受注率", "Lead-to-customer conversion"),
    "plan.customers": ("必要な受注数", "Customers needed"),
    "plan.stage": ("ステージ", "Stage"),
    "plan.to_won": ("受注までの転換率", "Conversion to won"),
    "plan.needed": ("必要数", "Needed"),
    "plan.given": ("指定値", "given"),
    "plan.measured": ("実績値", "measured"),
    "plan.history": ("実績の期間", "History measured"),
    "group.(none)": ("(なし)", "(none)"),
    "group.(unattributed)": ("(帰属先なし)", "(unattributed)"),
    "na": ("-", "-"),
}


def label(key: str, lang: Lang) -> str:
    """The label of ``key`` in ``lang`` (the key itself when unknown).

    Group names such as ``(none)`` are looked up under ``group.``; any other
    group (a campaign name) is shown as it is.
    """
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "ja" else pair[1]


def group_label(key: str, lang: Lang) -> str:
    """A funnel row's name: placeholders translated, real names unchanged."""
    return label(f"group.{key}", lang) if f"group.{key}" in _LABELS else key
