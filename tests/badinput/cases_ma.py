"""Bad input in the MA contacts export: rows, cells, encodings, whole files."""

from __future__ import annotations

import codecs

from tests.badinput.corpus import Case
from tests.badinput.edits import (
    MA,
    both,
    edit_bytes,
    edit_line,
    edit_text,
    line_bytes,
    original_cells,
    reencode,
    set_cell,
    targets_of,
)

ROW = 3
"""The row spoiled by default: 51007, 株式会社ミナトロジスティクス (issue 13, row 1)."""
WHERE = f"ma_contacts.csv:{ROW}"
T = targets_of(MA, ROW)
COMPANY = original_cells(MA, ROW)["company"]


def _cell(name: str, column: str, value: str, expect: str = "dead_letter") -> Case:
    return Case(
        f"ma-{name}",
        set_cell(MA, ROW, column, value),
        expect,  # type: ignore[arg-type]
        T,
        WHERE if expect == "dead_letter" else "",
    )


def _quote_at(line: int) -> Case:
    company = original_cells(MA, line)["company"]
    return Case(
        f"ma-stray-quote-line-{line}",
        edit_line(MA, line, lambda t: t.replace(f",{company},", f',"{company},', 1)),
        "dead_letter",
        targets_of(MA, line),
        f"ma_contacts.csv:{line}",
    )


def _refuse(name: str, mutate: object, where: str = "ma_contacts.csv") -> Case:
    return Case(f"ma-file-{name}", mutate, "refused", (), where)  # type: ignore[arg-type]


def _same(name: str, mutate: object) -> Case:
    return Case(f"ma-file-{name}", mutate, "same")  # type: ignore[arg-type]


CASES = [
    # --- quoting and row shape -------------------------------------------------
    _quote_at(ROW),
    _quote_at(300),
    _quote_at(301),
    _quote_at(150),
    Case(
        "ma-two-stray-quotes-pairing",
        both(
            edit_line(MA, 3, lambda t: t.replace(f",{COMPANY},", f',"{COMPANY},', 1)),
            edit_line(MA, 6, lambda t: t.replace(",marketingqualifiedlead,", ',mq"l,')),
        ),
        "may_differ",
        T + targets_of(MA, 6),
    ),
    Case(
        "ma-quote-inside-cell",
        edit_line(
            MA, ROW, lambda t: t.replace(COMPANY, COMPANY[:2] + '"' + COMPANY[2:])
        ),
        "may_differ",
        T,
    ),
    Case(
        "ma-quoted-newline-in-company",
        set_cell(MA, ROW, "company", COMPANY + "\n本社"),
        "may_differ",
        T,
    ),
    Case(
        "ma-quoted-cr-in-company",
        set_cell(MA, ROW, "company", COMPANY + "\r本社"),
        "may_differ",
        T,
    ),
    Case(
        "ma-too-few-columns",
        edit_line(MA, ROW, lambda t: t.split(",", 5)[0] + ",x,y\n"),
        "dead_letter",
        T,
        WHERE,
    ),
    Case(
        "ma-too-many-columns",
        edit_line(MA, ROW, lambda t: t.rstrip("\n") + ",extra,more\n"),
        "dead_letter",
        T,
        WHERE,
    ),
    Case(
        "ma-100k-columns",
        edit_line(MA, ROW, lambda t: t.rstrip("\n") + ",x" * 100_000 + "\n"),
        "dead_letter",
        T,
        WHERE,
    ),
    Case(
        "ma-truncated-last-row",
        edit_text(MA, lambda t: t[: t.rstrip("\n").rfind(",")]),
        "dead_letter",
        targets_of(MA, 301),
        "ma_contacts.csv:301",
    ),
    # --- bytes and encodings inside one row -----------------------------------
    Case(
        "ma-nul-byte",
        line_bytes(MA, ROW, lambda b: b.replace(b",", b",\x00", 1)),
        "may_differ",
        T,
    ),
    Case(
        "ma-cp932-inside-utf8",
        line_bytes(
            MA, ROW, lambda b: b.replace(COMPANY.encode(), COMPANY.encode("cp932"))
        ),
        "dead_letter",
        T,
        WHERE,
    ),
    Case(
        "ma-lone-ff-byte",
        line_bytes(MA, ROW, lambda b: b.replace(b",", b",\xff", 1)),
        "dead_letter",
        T,
        WHERE,
    ),
    Case(
        "ma-control-char",
        set_cell(MA, ROW, "company", COMPANY + "\x07"),
        "may_differ",
        T,
    ),
    # --- identity ---------------------------------------------------------------
    _cell("id-bom", "hs_object_id", "\ufeff51007", "same"),
    _cell("id-fullwidth", "hs_object_id", "５１００７", "same"),
    _cell("id-zero-width", "hs_object_id", "51007\u200b", "same"),
    _cell("id-spaces", "hs_object_id", " 51007 ", "same"),
    _cell("id-empty", "hs_object_id", ""),
    Case(
        "ma-id-of-another-row",
        set_cell(MA, ROW, "hs_object_id", original_cells(MA, 4)["hs_object_id"]),
        "may_differ",
        T + targets_of(MA, 4),
    ),
    # --- numbers ----------------------------------------------------------------
    _cell("score-nan", "hubspotscore", "NaN"),
    _cell("score-inf", "hubspotscore", "inf"),
    _cell("score-1e400", "hubspotscore", "1e400"),
    _cell("score-minus-1e400", "hubspotscore", "-1e400"),
    _cell("score-text", "hubspotscore", "high"),
    _cell("score-long-digits", "hubspotscore", "9" * 5000),
    _cell("score-markup", "hubspotscore", ":x: [bold red]boom[/]"),
    _cell("score-fullwidth", "hubspotscore", "６７", "same"),
    _cell("score-comma", "hubspotscore", "1,067", "may_differ"),
    _cell("views-1e999999", "pricing_page_views", "1e999999"),
    _cell("views-fraction", "pricing_page_views", "1.5"),
    _cell("views-negative", "pricing_page_views", "-1", "may_differ"),
    _cell("views-empty", "pricing_page_views", "", "may_differ"),
    _cell("downloads-text", "whitepaper_downloads", "two"),
    _cell("clicks-0e999999", "email_clicks", "0e999999", "may_differ"),
    _cell("webinar-maybe", "webinar_attended", "maybe"),
    _cell("webinar-japanese-yes", "webinar_attended", "はい", "may_differ"),
    # --- dates ------------------------------------------------------------------
    _cell("date-20-digits", "lastmodifieddate", "99999999999999999999"),
    _cell("date-12-digits", "lastmodifieddate", "999999999999"),
    _cell("date-text", "lastmodifieddate", "yesterday"),
    _cell("date-year-1", "lastmodifieddate", "0001-01-01T00:00:00+09:00"),
    _cell("date-year-9999", "lastmodifieddate", "9999-12-31T23:59:59-09:00"),
    _cell("date-month-13", "lastmodifieddate", "2026/13/45"),
    _cell("date-2099", "lastmodifieddate", "2099-01-01T00:00:00+09:00", "may_differ"),
    _cell("date-empty", "lastmodifieddate", "", "may_differ"),
    _cell("date-epoch-ms", "lastmodifieddate", "1790813400000", "may_differ"),
    _cell("date-long-text", "lastmodifieddate", "2026-10-01" + "x" * 100_000),
    # --- text values ------------------------------------------------------------
    _cell("stage-unmapped", "lifecyclestage", "vip"),
    _cell("stage-empty", "lifecyclestage", "", "may_differ"),
    _cell("email-invalid", "email", "not-an-email", "may_differ"),
    _cell("email-empty", "email", "", "may_differ"),
    _cell("email-fullwidth", "email", "ｒｉｔｏ＠ｍｉｎａｔｏ－ｌｏｇｉ．ｊｐ", "same"),
    _cell("email-upper-spaces", "email", "  RITO@MINATO-LOGI.JP ", "same"),
    _cell("company-halfwidth-kana", "company", "ｶﾌﾞｼｷｶﾞｲｼｬﾐﾅﾄ", "may_differ"),
    _cell("name-cp932-only", "lastname", "①髙﨑", "may_differ"),
    _cell("name-emoji", "firstname", "蓮🎉", "may_differ"),
    _cell("name-formula", "lastname", '=HYPERLINK("http://evil","x")', "may_differ"),
    _cell("name-at-formula", "firstname", "@SUM(1+1)", "may_differ"),
    _cell("company-10mb", "company", "株" * 3_000_000, "may_differ"),
    _cell("phone-garbage", "phone", "call me maybe", "may_differ"),
    _cell("phone-long", "phone", "0" * 500, "may_differ"),
    _cell("campaign-tab", "campaign", "\tウェビナー", "may_differ"),
    # --- whole-file problems ----------------------------------------------------
    _refuse(
        "duplicate-email-column",
        edit_line(MA, 1, lambda t: t.replace("phone", "email")),
    ),
    _refuse("header-Email", edit_line(MA, 1, lambda t: t.replace("email", "Email", 1))),
    _refuse(
        "header-fullwidth",
        edit_line(MA, 1, lambda t: t.replace("company", "ｃｏｍｐａｎｙ")),
    ),
    _refuse(
        "missing-id-column", edit_line(MA, 1, lambda t: t.replace("hs_object_id", "id"))
    ),
    _refuse(
        "missing-updated-column",
        edit_line(MA, 1, lambda t: t.replace("lastmodifieddate", "modified")),
    ),
    _refuse("empty", edit_bytes(MA, lambda b: b"")),
    _refuse("semicolons", edit_text(MA, lambda t: t.replace(",", ";"))),
    _refuse(
        "utf16-tabs",
        reencode(MA, "utf-16", lambda t: t.replace(",", "\t")),
        "tab-separated",
    ),
    _refuse("binary", edit_bytes(MA, lambda b: bytes(range(256)) * 40)),
    _refuse(
        "nul-in-header", line_bytes(MA, 1, lambda b: b.replace(b"email", b"em\x00ail"))
    ),
    _refuse("missing", lambda p: (p / MA).unlink()),
    _same("utf16", reencode(MA, "utf-16")),
    _same("utf16-be-bom", reencode(MA, "utf-16-be", lambda t: "\ufeff" + t)),
    _same("cp932", reencode(MA, "cp932")),
    _same("utf8-no-bom", reencode(MA, "utf-8")),
    _same("crlf", edit_bytes(MA, lambda b: b.replace(b"\n", b"\r\n"))),
    _same("cr-only", edit_bytes(MA, lambda b: b.replace(b"\n", b"\r"))),
    _same(
        "blank-lines", edit_bytes(MA, lambda b: b.replace(b"\n", b"\n\n", 5) + b"\n\n")
    ),
    _same("bom-twice", edit_bytes(MA, lambda b: codecs.BOM_UTF8 + b)),
    _same("extra-column", edit_text(MA, lambda t: t.replace("\n", ",x\n"))),
    _same(
        "spaces-around-header",
        edit_line(MA, 1, lambda t: t.replace(",email,", ", email ,")),
    ),
]
