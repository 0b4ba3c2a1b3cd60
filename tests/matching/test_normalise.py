from __future__ import annotations

import phonenumbers
import pytest

from connector.matching import load_match_rules
from connector.matching.keys import keys_of
from connector.matching.normalise import (
    EmailPolicy,
    company_key,
    fold_text,
    is_mobile,
    legal_form,
    name_tokens,
    normalise_email,
    normalise_phone,
    phone_region,
    reading,
)
from tests.matching.conftest import RULES_FILE


@pytest.mark.parametrize(
    "raw",
    [
        "taro@example.co.jp",
        "  Taro@Example.CO.JP ",
        "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ",
        "taro+webinar@example.co.jp",
        "mailto:taro@example.co.jp",
        "<taro@example.co.jp>",
    ],
)
def test_email_variants_fold_to_one_address(raw: str) -> None:
    """Case, spaces, full width, plus-tags and mailto: all give the same mailbox."""
    assert normalise_email(raw) == ("taro@example.co.jp", "taro", "example.co.jp")


def test_gmail_dots_and_googlemail_alias_are_one_mailbox() -> None:
    """Provider dot rules and domain aliases apply per domain."""
    assert normalise_email("T.a.r.o@googlemail.com") == normalise_email(
        "taro@gmail.com"
    )


def test_dots_matter_on_other_domains() -> None:
    """Dots are only ignored where the provider ignores them."""
    assert normalise_email("t.aro@example.jp") != normalise_email("taro@example.jp")


def test_plus_addressing_can_be_limited_to_listed_domains() -> None:
    """With plus rules only for gmail.com, a corporate plus-tag is kept."""
    policy = EmailPolicy(plus_domains=frozenset({"gmail.com"}))
    assert normalise_email("a+b@corp.jp", policy) == ("a+b@corp.jp", "a+b", "corp.jp")
    assert normalise_email("a+b@gmail.com", policy) == ("a@gmail.com", "a", "gmail.com")


@pytest.mark.parametrize("raw", [None, "", "   ", "taro", "taro@", "@x.jp", "a b@x.jp"])
def test_unusable_emails_are_no_key(raw: str | None) -> None:
    """A blank or malformed address never becomes a key (so blanks never match)."""
    assert normalise_email(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "03-1234-5678",
        "0312345678",
        "(03)1234-5678",
        "03 1234 5678",
        "０３－１２３４－５６７８",
        "+81 3 1234 5678",
        "+81-3-1234-5678",
        "+81 (0)3 1234 5678",
        "03-1234-5678 内線 123",
        "03-1234-5678 ext. 9",
    ],
)
def test_phone_formats_give_one_e164(raw: str) -> None:
    """Every way of writing a Tokyo number gives +81312345678."""
    assert normalise_phone(raw) == "+81312345678"


@pytest.mark.parametrize(
    "raw",
    [
        "090-1234-5678",
        "0120-123-456",
        "045-123-4567",
        "+81 90 1234 5678",
        "011-222-3333",
    ],
)
def test_fast_phone_path_agrees_with_phonenumbers(raw: str) -> None:
    """The cheap digits path returns exactly what phonenumbers would."""
    expected = phonenumbers.format_number(
        phonenumbers.parse(raw, "JP"), phonenumbers.PhoneNumberFormat.E164
    )
    assert normalise_phone(raw) == expected


def test_foreign_numbers_go_through_phonenumbers() -> None:
    """A number of another country keeps its own country code."""
    assert normalise_phone("+1 (415) 555-2671") == "+14155552671"
    assert normalise_phone("415-555-2671", region="US") == "+14155552671"


@pytest.mark.parametrize("raw", [None, "", "12", "abc", "0000"])
def test_unusable_phones_are_no_key(raw: str | None) -> None:
    """Too short or no digits: no key."""
    assert normalise_phone(raw) is None


def test_mobile_numbers_are_told_from_office_lines() -> None:
    """090 numbers are mobiles; 03 numbers are fixed lines."""
    assert is_mobile("+819012345678")
    assert not is_mobile("+81312345678")


def test_name_order_is_ignored() -> None:
    """姓/名 in either field, or given name first, give the same tokens."""
    assert name_tokens("山田", "太郎") == name_tokens("太郎", "山田")
    assert name_tokens("Yamada", "Taro") == name_tokens(None, "TARO yamada")


def test_name_width_case_and_kana_are_folded() -> None:
    """Half-width kana, katakana vs hiragana and full-width letters all agree."""
    assert name_tokens("ﾔﾏﾀﾞ", "ﾀﾛｳ") == name_tokens("やまだ", "たろう")
    assert name_tokens("ＳＭＩＴＨ", "Ｊｏｈｎ") == name_tokens("smith", "john")


def test_old_kanji_forms_fold_to_common_ones() -> None:
    """渡邊/渡辺 and 髙橋/高橋 are the same family name in practice."""
    assert name_tokens("渡邊", "恵") == name_tokens("渡辺", "恵")
    assert name_tokens("髙橋", "誠") == name_tokens("高橋", "誠")


def test_honorific_typed_into_a_name_is_dropped() -> None:
    """山田 太郎 様 is 山田 太郎."""
    assert name_tokens("山田", "太郎 様") == name_tokens("山田", "太郎")


@pytest.mark.parametrize(
    "raw",
    [
        "株式会社サクラ技研",
        "サクラ技研株式会社",
        "(株)サクラ技研",
        "（株）サクラ技研",
        "㈱サクラ技研",
        "ｻｸﾗ技研",
        "株式会社 サクラ技研",
    ],
)
def test_japanese_legal_forms_are_removed_before_or_after(raw: str) -> None:
    """株式会社 before or after, (株), ㈱ and half-width kana give one company key."""
    assert company_key(raw) == company_key("サクラ技研")


@pytest.mark.parametrize(
    "raw",
    ["Acme Inc.", "ACME, Inc.", "Acme Corporation", "Acme Co., Ltd.", "Acme GmbH"],
)
def test_latin_legal_forms_are_removed(raw: str) -> None:
    """Inc., Co., Ltd., Corp., GmbH are not part of the match key."""
    assert company_key(raw) == "acme"


def test_extra_legal_forms_from_config_are_removed() -> None:
    """Admins can add words such as 医療法人 for their market."""
    assert company_key("医療法人さくら会", ("医療法人",)) == company_key("さくら会")


def test_blank_company_is_no_key() -> None:
    """A company made only of a legal form is no key at all."""
    assert company_key("株式会社") is None
    assert company_key(None) is None


def test_fold_text_is_nfkc_casefold_and_kana() -> None:
    """Full-width Latin becomes ASCII and katakana becomes hiragana."""
    assert fold_text("ＡＢＣ カナ") == "abc かな"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("小限会社ノース東日本ネット", "ノース東日本ネット"),
        ("関西サービス式株会社", "関西サービス"),
        ("Umbrella Holdings 6171 Corporatino", "Umbrella Holdings 6171"),
        ("Dunder Networks Coporation", "Dunder Networks"),
    ],
)
def test_legal_forms_with_one_typo_are_removed(raw: str, clean: str) -> None:
    """A legal form with one wrong or swapped character still goes from the key."""
    assert company_key(raw) == company_key(clean)


@pytest.mark.parametrize("raw", ["合同会館", "Companion", "サクラ会社"])
def test_words_merely_near_a_legal_form_stay(raw: str) -> None:
    """Only a whole form at either end, one edit away, is taken for a legal form."""
    assert company_key(raw) == fold_text(raw)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("(546) 407-4254", "+15464074254"),  # not a US area code: still US-shaped
        ("415-555-0134", "+14155550134"),
        ("1-415-555-0134", "+14155550134"),
        ("03-1234-5678", "+81312345678"),
        ("+81-3-1234-5678", "+81312345678"),
    ],
)
def test_numbers_without_the_trunk_prefix_are_read_as_other_regions(
    raw: str, e164: str
) -> None:
    """A Japanese list writes Japanese numbers with 0; the rest are read as US."""
    assert normalise_phone(raw, "JP", ("US",)) == e164


def test_a_record_with_its_own_country_reads_its_numbers_that_way() -> None:
    """03-1234-5678 from a UK record is a London number, not a Tokyo one."""
    rules = load_match_rules(RULES_FILE)
    tokyo = keys_of(rules, None, "03-1234-5678", "Smith", "Ann", None)
    london = keys_of(rules, None, "020 7946 0958", "Smith", "Ann", None, "UK")
    assert tokyo.phone == "+81312345678"
    assert london.phone == "+442079460958"
    assert phone_region("日本") == "JP"
    assert phone_region("United States") == "US"
    assert phone_region("Atlantis") is None


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Carrillo Group", "Carrillo Grp"),
        ("Torres L.L.C.", "Torres LLC"),
        ("Acme Intl", "ACME International Inc."),
    ],
)
def test_abbreviations_and_dotted_forms_give_one_key(left: str, right: str) -> None:
    """Lists abbreviate; the company key does not care."""
    assert company_key(left) == company_key(right)


@pytest.mark.parametrize(
    ("raw", "form"),
    [
        ("三浦建設株式会社", "kk"),
        ("三浦建設有限会社", "yk"),
        ("㈱サクラ", "kk"),
        ("Garcia PLC", "plc"),
        ("Garcia Corp.", "corp"),
        ("Torres L.L.C.", "llc"),
        ("Marufuku Trading Co., Ltd.", "ltd"),
        ("サクラ", None),
    ],
)
def test_legal_form_keeps_what_the_company_key_drops(
    raw: str, form: str | None
) -> None:
    """Same key, another legal form: 三浦建設株式会社 and 三浦建設有限会社."""
    assert legal_form(raw) == form


@pytest.mark.parametrize(
    ("raw", "kana"),
    [("山田", "やまだ"), ("カトウ", "かとう"), ("ｶﾄｳ", "かとう"), ("髙橋", "たかはし")],
)
def test_name_parts_read_as_hiragana(raw: str, kana: str) -> None:
    """Kana is folded as written; kanji are read with the dictionary."""
    assert reading(raw) == kana


def test_latin_names_have_no_reading() -> None:
    assert reading("Smith") is None


def test_kana_and_kanji_names_share_a_reading_key() -> None:
    """カトウ シゲル and 加藤 茂 read alike; the record's own kana wins."""
    rules = load_match_rules(RULES_FILE)
    kana = keys_of(rules, None, None, "カトウ", "シゲル", None)
    kanji = keys_of(rules, None, None, "加藤", "茂", None)
    assert kana.reading == kanji.reading == "かとう しげる"
    told = keys_of(
        rules,
        None,
        None,
        "達希",
        "菊野",
        None,
        None,
        {"last_name_kana": "タツキ", "first_name_kana": "キクノ"},
    )
    assert told.reading == "きくの たつき"
