"""Bad input in the SFA exports, the mapping files, the config and the state store."""

from __future__ import annotations

from pathlib import Path

from tests.badinput.corpus import Case
from tests.badinput.edits import (
    DEALS,
    LEADS,
    append_text,
    edit_line,
    edit_text,
    line_bytes,
    original_cells,
    set_cell,
    targets_of,
    write_file,
)

LEAD_ROW = 4
DEAL_ROW = 3


def _lead(name: str, column: str, value: str, expect: str = "dead_letter") -> Case:
    return Case(
        f"sfa-lead-{name}",
        set_cell(LEADS, LEAD_ROW, column, value),
        expect,  # type: ignore[arg-type]
        targets_of(LEADS, LEAD_ROW),
        f"sfa_leads.csv:{LEAD_ROW}" if expect == "dead_letter" else "",
    )


def _deals_emptied(project: Path) -> None:
    """The deals export with its header and no rows: lead outcomes alone."""
    path = project / DEALS
    header = path.read_bytes().splitlines(keepends=True)[0]
    path.write_bytes(header)


def _deal(name: str, column: str, value: str, expect: str = "dead_letter") -> Case:
    return Case(
        f"sfa-deal-{name}",
        set_cell(DEALS, DEAL_ROW, column, value),
        expect,  # type: ignore[arg-type]
        targets_of(DEALS, DEAL_ROW),
        original_cells(DEALS, DEAL_ROW)["商談ID"] if expect == "dead_letter" else "",
    )


def _mapping(name: str, file: str, junk: str) -> Case:
    return Case(
        f"mapping-{name}", append_text(f"mappings/{file}", junk), "refused", (), file
    )


def _store(name: str, content: bytes) -> Case:
    return Case(
        f"store-{name}",
        write_file("state/connector.db", content),
        "refused",
        (),
        "state store",
    )


def _db_is_folder(project: Path) -> None:
    (project / "state" / "connector.db").mkdir(parents=True)


LEAD_COMPANY = original_cells(LEADS, LEAD_ROW)["会社名"]
DEAL_NAME = original_cells(DEALS, DEAL_ROW)["商談名"]

CASES = [
    # --- SFA leads (CP932) --------------------------------------------------------
    Case(
        "sfa-lead-stray-quote",
        edit_line(
            LEADS,
            LEAD_ROW,
            lambda t: t.replace(f",{LEAD_COMPANY},", f',"{LEAD_COMPANY},'),
        ),
        "dead_letter",
        targets_of(LEADS, LEAD_ROW),
        f"sfa_leads.csv:{LEAD_ROW}",
    ),
    Case(
        "sfa-lead-too-few-columns",
        edit_line(LEADS, LEAD_ROW, lambda t: t.split(",", 3)[0] + ",x\n"),
        "held",
        targets_of(LEADS, LEAD_ROW),
        f"sfa_leads.csv:{LEAD_ROW}",
        restores=(LEADS,),
    ),
    Case(
        "sfa-lead-bad-byte",
        line_bytes(LEADS, LEAD_ROW, lambda b: b.replace(b",", b",\x81\x20", 1)),
        "dead_letter",
        targets_of(LEADS, LEAD_ROW),
        f"sfa_leads.csv:{LEAD_ROW}",
    ),
    _lead("date-text", "最終更新日時", "昨日"),
    _lead("date-20-digits", "最終更新日時", "99999999999999999999"),
    _lead("id-empty", "リードID", ""),
    _lead("id-fullwidth", "リードID", "Ｌ－１００３", "same"),
    _lead("email-empty", "メールアドレス", "", "may_differ"),
    _lead("status-unmapped", "ステータス", "保留", "may_differ"),
    _lead("phone-garbage", "電話番号", "なし", "may_differ"),
    Case(
        "sfa-lead-file-duplicate-header",
        edit_line(LEADS, 1, lambda t: t.replace("電話番号", "メールアドレス")),
        "refused",
        (),
        "sfa_leads.csv",
    ),
    Case(
        "sfa-lead-file-utf8",
        lambda p: (p / LEADS).write_text(
            (p / LEADS).read_text(encoding="cp932"), encoding="utf-8"
        ),
        "same",
    ),
    # --- SFA deals (CP932) --------------------------------------------------------
    Case(
        "sfa-deal-stray-quote",
        edit_line(
            DEALS, DEAL_ROW, lambda t: t.replace(f",{DEAL_NAME},", f',"{DEAL_NAME},')
        ),
        "dead_letter",
        targets_of(DEALS, DEAL_ROW),
        f"sfa_deals.csv:{DEAL_ROW}",
    ),
    Case(
        "sfa-deal-too-many-columns",
        edit_line(DEALS, DEAL_ROW, lambda t: t.rstrip("\n") + ",x,y\n"),
        "dead_letter",
        targets_of(DEALS, DEAL_ROW),
        f"sfa_deals.csv:{DEAL_ROW}",
    ),
    _deal("phase-unmapped", "フェーズ", "保留"),
    _deal("amount-1e400", "金額", "1e400"),
    _deal("amount-1e999999", "金額", "1e999999"),
    _deal("amount-text", "金額", "未定"),
    _deal("amount-yen", "金額", "￥800,000", "same"),
    _deal("close-date-text", "完了日", "来月"),
    _deal("date-20-digits", "最終更新日時", "99999999999999999999"),
    _deal("date-2099", "最終更新日時", "2099/01/01 00:00", "may_differ"),
    _deal("email-unknown", "メールアドレス", "nobody@nowhere.example", "may_differ"),
    _deal("id-fullwidth", "商談ID", "Ｄ－５００２", "same"),
    Case(
        "sfa-deal-file-header-case",
        edit_line(DEALS, 1, lambda t: t.replace("商談ID", "商談Id")),
        "refused",
        (),
        "sfa_deals.csv",
        refused_flow="outcomes",
        reference=_deals_emptied,
    ),
    Case(
        "sfa-deal-file-missing",
        lambda p: (p / DEALS).unlink(),
        "refused",
        (),
        "sfa_deals.csv",
        refused_flow="outcomes",
        reference=_deals_emptied,
    ),
    # --- mapping files -------------------------------------------------------------
    _mapping("qualification-syntax", "qualification.toml", "\n[oops\n"),
    _mapping("qualification-bad-value", "qualification.toml", "\nmin_score = 'high'\n"),
    _mapping("matching-syntax", "matching.toml", "\n[oops\n"),
    _mapping("matching-unknown-key", "matching.toml", "\nbogus = 1\n"),
    _mapping("reporting-unknown-key", "reporting.toml", "\nbogus = 1\n"),
    _mapping("stages-syntax", "stages.toml", "\n[oops\n"),
    _mapping(
        "fields-deep-array", "fields.toml", "\nx = " + "[" * 100_000 + "]" * 100_000
    ),
    _mapping(
        "fields-deep-table", "fields.toml", "\nx = " + "{a=" * 5000 + "1" + "}" * 5000
    ),
    _mapping("fields-duplicate-key", "fields.toml", "\n[defaults]\ntimezone = 'UTC'\n"),
    Case(
        "mapping-fields-not-utf8",
        lambda p: (p / "mappings/fields.toml").write_bytes(
            (p / "mappings/fields.toml").read_text(encoding="utf-8").encode("cp932")
        ),
        "refused",
        (),
        "fields.toml",
    ),
    # --- config --------------------------------------------------------------------
    Case(
        "config-syntax",
        append_text("config.toml", "\n[oops\n"),
        "refused",
        (),
        "config.toml",
    ),
    Case(
        "config-deep-array",
        append_text("config.toml", "\n[extra]\nx = " + "[" * 100_000 + "]" * 100_000),
        "refused",
        (),
        "config.toml",
    ),
    Case(
        "config-unknown-key",
        edit_text(
            "config.toml", lambda t: t.replace("[ma]\n", "[ma]\ntokn = 'x'\n", 1)
        ),
        "refused",
        (),
        "tokn",
    ),
    # --- state store ---------------------------------------------------------------
    _store("not-sqlite", b"this is not a database\n" * 100),
    _store("corrupt-header", b"SQLite format 3\x00" + b"\xff" * 8000),
    Case("store-is-a-folder", _db_is_folder, "refused", (), "state store"),
]
