from __future__ import annotations

from typing import Any

import pytest

from connector.matching import MatchRules, evaluate, parse_match_rules, person_keys
from connector.matching.compare import feature
from tests.matching.conftest import person


def _verdict(rules: MatchRules, a: object, b: object) -> tuple[str, float] | None:
    return evaluate(rules, person_keys(a, rules), person_keys(b, rules))  # type: ignore[arg-type]


def test_exact_email_rule_matches_folded_addresses(rules: MatchRules) -> None:
    """Two spellings of one mailbox match under the exact email rule, score 1."""
    a = person(email="Taro.Yamada+expo@Example.co.jp")
    b = person(email=" taro.yamada@example.co.jp ")
    assert _verdict(rules, a, b) == ("email", 1.0)


def test_exact_rule_needs_every_key_present() -> None:
    """Two people without a phone never match on an exact phone rule."""
    rules = parse_match_rules({"rules": [{"name": "p", "exact": ["phone"]}]}, "t")
    assert _verdict(rules, person(), person()) is None
    assert _verdict(rules, person(phone="03-1234-5678"), person(phone="0312345678"))


def test_fuzzy_rule_matches_typo_in_name_at_same_company(rules: MatchRules) -> None:
    """A one-letter typo in a Western name at the same company is one person."""
    a = person(first_name="Jonathan", last_name="Smith", company="Acme Inc.")
    b = person(first_name="Jonathon", last_name="SMITH", company="ACME Corporation")
    verdict = _verdict(rules, a, b)
    assert verdict is not None
    assert verdict[0] == "name_company"
    assert 0.85 <= verdict[1] < 1.0


def test_swapped_name_order_and_legal_form_variants_match(rules: MatchRules) -> None:
    """姓/名 swapped and 株式会社 moved to (株) is still one person."""
    a = person(last_name="山田", first_name="太郎", company="株式会社サクラ技研")
    b = person(last_name="太郎", first_name="山田", company="(株)ｻｸﾗ技研")
    assert _verdict(rules, a, b) == ("name_company", 1.0)


def test_coworkers_sharing_a_surname_do_not_match(rules: MatchRules) -> None:
    """山本 健太 and 山本 洋子 at one company are two people."""
    a = person(last_name="山本", first_name="健太", company="サクラ技研株式会社")
    b = person(last_name="山本", first_name="洋子", company="サクラ技研株式会社")
    assert _verdict(rules, a, b) is None


def test_different_local_part_at_same_company_domain_vetoes(rules: MatchRules) -> None:
    """kyamamoto@ and yyamamoto@ at one domain are two mailboxes, whatever the name."""
    a = person(email="kyamamoto@sakura.co.jp", last_name="山本", company="サクラ")
    b = person(email="yyamamoto@sakura.co.jp", last_name="山本", company="サクラ")
    assert feature("corporate_local", person_keys(a, rules), person_keys(b, rules)) == 0
    assert _verdict(rules, a, b) is None


def test_namesakes_numbered_by_the_mail_admin_do_not_match(rules: MatchRules) -> None:
    """sato_kenichi and sato_kenichi2 are namesakes, not a typo."""
    common: dict[str, Any] = {
        "last_name": "佐藤",
        "first_name": "健一",
        "company": "サクラ",
    }
    a = person(email="sato_kenichi@sakura.co.jp", **common)
    b = person(email="sato_kenichi2@sakura.co.jp", **common)
    assert feature("corporate_local", person_keys(a, rules), person_keys(b, rules)) == 0
    assert _verdict(rules, a, b) is None


def test_typo_in_local_part_is_not_vetoed(rules: MatchRules) -> None:
    """taro.yamada vs taro.yamda at one domain, same name: one person."""
    common: dict[str, Any] = {
        "last_name": "山田",
        "first_name": "太郎",
        "company": "サクラ",
    }
    a = person(email="taro.yamada@sakura.co.jp", **common)
    b = person(email="taro.yamda@sakura.co.jp", **common)
    assert _verdict(rules, a, b) == ("name_company", 1.0)


def test_free_mail_domain_is_not_company_evidence(rules: MatchRules) -> None:
    """Two people at gmail.com share no employer: the domain feature is absent."""
    a = person_keys(person(email="a.sato@gmail.com", last_name="佐藤"), rules)
    b = person_keys(person(email="b.sato@gmail.com", last_name="佐藤"), rules)
    assert feature("domain", a, b) is None
    assert feature("corporate_local", a, b) is None
    assert not a.corporate


def test_same_corporate_domain_counts_when_company_is_blank(rules: MatchRules) -> None:
    """The name_domain rule links records whose company field is missing."""
    a = person(email="t.yamada@sakura.co.jp", last_name="山田", first_name="太郎")
    b = person(
        email="t.yamada+dl@sakura.co.jp", last_name="山田", first_name="太郎", phone="1"
    )
    assert _verdict(rules, a, b) == ("email", 1.0)
    c = person(email="taro-y@sakura.co.jp", last_name="山田", first_name="太郎")
    d = person(email="taro-yy@sakura.co.jp", last_name="ﾔﾏﾀﾞ", first_name="ﾀﾛｳ")
    assert _verdict(rules, c, d) is None  # kana reading: not the same name key
    e = person(email="taro.y@sakura.co.jp", last_name="太郎", first_name="山田")
    assert _verdict(rules, a, e) is None  # different local parts at one domain


def test_shared_main_line_alone_is_not_a_match(rules: MatchRules) -> None:
    """Coworkers on one office line with different names stay apart."""
    a = person(phone="03-1234-5678", last_name="鈴木", first_name="美穂", company="X")
    b = person(phone="03-1234-5678", last_name="鈴木", first_name="明美", company="X")
    assert _verdict(rules, a, b) is None


def test_same_mobile_with_partial_name_matches(rules: MatchRules) -> None:
    """A shared mobile number and a left-blank given name are one person."""
    a = person(phone="090-1234-5678", last_name="西坂", first_name="慎也")
    b = person(phone="+81 90 1234 5678", last_name="西坂")
    verdict = _verdict(rules, a, b)
    assert verdict is not None
    assert verdict[0] == "mobile_name"
    assert verdict[1] == pytest.approx((1.0 + 2 / 3) / 2)  # mean of mobile and name


def test_same_office_line_with_partial_name_does_not(rules: MatchRules) -> None:
    """The same partial name on an office line could be any 西坂 there."""
    a = person(phone="03-1234-5678", last_name="西坂", first_name="慎也")
    b = person(phone="03-1234-5678", last_name="西坂")
    assert _verdict(rules, a, b) is None


def test_name_in_one_field_matches_split_name(rules: MatchRules) -> None:
    """山田太郎 typed into one field is 山田 / 太郎."""
    a = person_keys(person(last_name="山田太郎"), rules)
    b = person_keys(person(last_name="山田", first_name="太郎"), rules)
    assert feature("name", a, b) == 1.0


def test_rules_are_tried_in_file_order() -> None:
    """When two rules hold, the earlier one names the link."""
    rules = parse_match_rules(
        {
            "rules": [
                {"name": "first", "blocking": ["phone"], "require": {"phone": 1.0}},
                {"name": "second", "exact": ["phone"]},
            ]
        },
        "t",
    )
    assert _verdict(
        rules, person(phone="0312345678"), person(phone="03-1234-5678")
    ) == (
        "first",
        1.0,
    )


def test_veto_ignores_missing_features() -> None:
    """A veto only fires on a feature both sides have."""
    rules = parse_match_rules(
        {
            "rules": [
                {
                    "name": "p",
                    "exact": ["phone"],
                    "veto": {"company": 0.9},
                }
            ]
        },
        "t",
    )
    a = person(phone="0312345678", company="Acme")
    assert _verdict(rules, a, person(phone="0312345678")) == ("p", 1.0)
    assert _verdict(rules, a, person(phone="0312345678", company="Globex")) is None


def test_companies_with_different_numbers_are_two_employers(rules: MatchRules) -> None:
    """Initech 6177 and Initech 3687 are two companies, however close the strings."""
    a = person(first_name="Ella", last_name="Morris", company="Initech Networks 6177")
    b = person(first_name="Ella", last_name="Morris", company="Initech Networks 3687")
    assert feature("company", person_keys(a, rules), person_keys(b, rules)) == 0.0
    assert _verdict(rules, a, b) is None


def test_one_slip_in_a_company_number_is_still_a_typo(rules: MatchRules) -> None:
    """7968 for 7986 is one swapped pair of keys: the same company."""
    a = person(first_name="Ella", last_name="Allen", company="Pied Piper 7968 Corp.")
    b = person(first_name="Ella", last_name="Allen", company="Pied Piper 7986 Corp.")
    verdict = _verdict(rules, a, b)
    assert verdict is not None
    assert verdict[0] == "name_company"


@pytest.mark.parametrize(
    ("first", "other"),
    [("Nina", "Anna"), ("由美", "真由美"), ("美穂", "明美")],
)
def test_given_names_two_edits_apart_are_two_people(
    rules: MatchRules, first: str, other: str
) -> None:
    """Name tokens are compared by edits (swaps count once), not shared letters."""
    a = person(first_name=first, last_name="Richardson", company="Globex 677")
    b = person(first_name=other, last_name="Richardson", company="Globex 677")
    assert _verdict(rules, a, b) is None


def test_english_company_meets_the_japanese_one_through_the_work_domain(
    rules: MatchRules,
) -> None:
    """Kohoku Kogyo West Co., Ltd. and 株式会社港北西日本工業 @kohoku-kogyo-west.jp."""
    a = person(
        last_name="小林", first_name="彩奈", company="Kohoku Kogyo West Co., Ltd."
    )
    b = person(
        last_name="小林",
        first_name="彩奈",
        company="株式会社港北西日本工業",
        email="kobayashi-a@kohoku-kogyo-west.jp",
    )
    assert _verdict(rules, a, b) == ("name_company_domain", 1.0)


def test_company_domain_only_compares_across_scripts(rules: MatchRules) -> None:
    """Two Latin names are compared as companies, never through the domain."""
    a = person(company="Kohoku Kogyo West Co., Ltd.")
    b = person(company="Acme Corp.", email="k@kohoku-kogyo-west.jp")
    assert (
        feature("company_domain", person_keys(a, rules), person_keys(b, rules)) is None
    )


def test_swapped_first_letters_of_a_work_address_are_a_typo(rules: MatchRules) -> None:
    """omrris.rachel@ is morris.rachel@ mistyped; kyamamoto@ is not yyamamoto@."""
    keys = [
        person_keys(person(email=e), rules)
        for e in ("morris.rachel@globex.com", "omrris.rachel@globex.com")
    ]
    assert feature("corporate_local", *keys) > 0.8  # type: ignore[operator]
    coworkers = [
        person_keys(person(email=e), rules)
        for e in ("kyamamoto@globex.com", "yyamamoto@globex.com")
    ]
    assert feature("corporate_local", *coworkers) == 0.0
