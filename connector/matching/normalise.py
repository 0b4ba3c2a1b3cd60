"""Normalised match keys: the same person written two ways must give the same key.

Marketing forms and sales entry screens disagree on width (ＡＢＣ vs ABC, ｶﾅ vs カナ),
case, plus-tags, phone punctuation, 姓/名 order and where 株式会社 goes. Every function
here folds those differences away and returns ``None`` for a value that cannot be a
key (blank, malformed), so a missing field never matches another missing field.

These run once per row in batch mode, so the expensive parts (NFKC on company names,
phonenumbers) are cached or avoided where a cheaper path gives the same answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from rapidfuzz.distance import OSA

__all__ = [
    "EmailPolicy",
    "company_key",
    "field_value",
    "fold_text",
    "is_mobile",
    "legal_form",
    "name_tokens",
    "normalise_email",
    "normalise_phone",
    "phone_region",
    "reading",
]

_SPACE = re.compile(r"\s+")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
# Old and variant kanji that appear interchangeably in the same person's records
# (渡邊/渡辺, 髙橋/高橋, 山﨑/山崎, 齋藤/斎藤...). NFKC keeps them apart, people do not.
_ITAIJI = str.maketrans(
    {
        "邊": "辺",
        "邉": "辺",
        "髙": "高",
        "﨑": "崎",
        "嵜": "崎",
        "齋": "斎",
        "齊": "斉",
        "澤": "沢",
        "櫻": "桜",
        "國": "国",
        "濱": "浜",
        "廣": "広",
        "德": "徳",
        "眞": "真",
        "藏": "蔵",
        "惠": "恵",
        "榮": "栄",
        "圓": "円",
        "祐": "佑",
    }
)
# Both folds in one table, one pass: no katakana is an old kanji, and neither
# table's results are keys of the other, so one translate equals the two in turn.
_FOLD: dict[int, str | int | None] = {**_KATAKANA_TO_HIRAGANA, **_ITAIJI}
_NAME_DROP = str.maketrans(dict.fromkeys("・･.,、，\u3000_-", " "))
_HONORIFICS = ("様", "さま", "さん", "殿")


def fold_text(value: str) -> str:
    """NFKC, case-fold, katakana to hiragana and old kanji to common ones.

    Full-width ASCII and half-width kana both become their standard forms under
    NFKC; folding katakana onto hiragana lets ヤマダ and やまだ agree.
    """
    if value.isascii():
        # ASCII is already NFKC, and has no kana or kanji to fold.
        return value.lower()
    return unicodedata.normalize("NFKC", value).casefold().translate(_FOLD)


@lru_cache(maxsize=65536)
def _tokens_of(value: str) -> tuple[str, ...]:
    text = fold_text(value).translate(_NAME_DROP)
    return tuple(token for token in text.split() if token)


def name_tokens(last: str | None, first: str | None) -> tuple[str, ...]:
    """Sorted name tokens, so 山田 太郎 / 太郎 山田 / Taro YAMADA / ﾀﾛｳ all line up.

    Order-insensitive on purpose: forms swap 姓 and 名, and Western names arrive
    given-name first. Honorifics typed into name fields (様, さん) are dropped.
    """
    tokens: list[str] = []
    for part in (last, first):
        if part:
            tokens.extend(_tokens_of(part))
    if tokens and tokens[-1].endswith(_HONORIFICS):
        last_token = tokens[-1]
        for suffix in _HONORIFICS:
            if last_token.endswith(suffix):
                last_token = last_token[: -len(suffix)]
                break
        if last_token:
            tokens[-1] = last_token
        else:
            tokens.pop()
    tokens.sort()
    return tuple(tokens)


_JA_LEGAL_FORMS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "npo法人",
    "(株)",
    "(有)",
    "(合)",
    "(同)",
)
_LATIN_LEGAL_FORMS = frozenset(
    {
        "inc",
        "incorporated",
        "co",
        "company",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "llc",
        "llp",
        "gmbh",
        "ag",
        "kk",
        "plc",
        "sa",
        "bv",
        "pte",
        "pty",
        "the",
    }
)
_NON_WORD = re.compile(r"[^\w]+")
# L.L.C., K.K., S.A.: initials with dots are one word, or no form would match them.
_DOTTED_INITIALS = re.compile(r"(?<![a-z])(?:[a-z]\.){2,}")
# Abbreviations that lists and badge scanners write for one and the same word, so
# "Carrillo Grp" and "Carrillo Group" give one key.
_ABBREVIATIONS = {
    "grp": "group",
    "intl": "international",
    "int'l": "international",
    "mfg": "manufacturing",
    "hldgs": "holdings",
    "hldg": "holding",
    "svcs": "services",
    "svc": "service",
    "assoc": "associates",
    "natl": "national",
    "bros": "brothers",
    "tech": "technology",
    "technologies": "technology",
    "sys": "systems",
}
# Each legal form and its canonical class, which says *which* kind of company:
# 三浦建設株式会社 and 三浦建設有限会社 share a key and differ in the class.
_JA_FORM_CLASS = {
    "株式会社": "kk",
    "(株)": "kk",
    "有限会社": "yk",
    "(有)": "yk",
    "合同会社": "gk",
    "(同)": "gk",
    "合資会社": "goshi",
    "合名会社": "gomei",
    "(合)": "goshi",
    "一般社団法人": "shadan",
    "公益社団法人": "shadan",
    "一般財団法人": "zaidan",
    "公益財団法人": "zaidan",
    "特定非営利活動法人": "npo",
    "npo法人": "npo",
}
_LATIN_FORM_CLASS = {
    "inc": "inc",
    "incorporated": "inc",
    "corp": "corp",
    "corporation": "corp",
    "llc": "llc",
    "llp": "llp",
    "ltd": "ltd",
    "limited": "ltd",
    "gmbh": "gmbh",
    "ag": "ag",
    "kk": "kk",
    "plc": "plc",
    "sa": "sa",
    "bv": "bv",
    "pte": "pte",
    "pty": "pty",
}
_LONG_JA_FORMS = tuple(f for f in _JA_LEGAL_FORMS if len(f) >= 4 and "(" not in f)
_LONG_LATIN_FORMS = tuple(f for f in _LATIN_LEGAL_FORMS if len(f) >= 7)


@lru_cache(maxsize=262144)
def company_key(value: str | None, extra_forms: tuple[str, ...] = ()) -> str | None:
    """The company name with legal-form words removed, for matching only.

    株式会社サクラ, サクラ株式会社, (株)サクラ, ㈱サクラ and ｻｸﾗ all give the same key,
    as do "Acme, Inc." and "ACME Corporation". The stored name is never changed.
    """
    if not value:
        return None
    text = fold_text(value)
    found = False
    for form in (*_JA_LEGAL_FORMS, *extra_forms):
        if form in text:
            text = text.replace(form, " ")
            found = True
    if not found:
        text = _strip_misspelt_ja_form(text)
    words = [
        _ABBREVIATIONS.get(w, w)
        for w in _latin_words(text)
        if w not in _LATIN_LEGAL_FORMS
    ]
    if len(words) > 1 and _misspelt_latin_form(words[-1]):
        words.pop()
    key = "".join(words)
    return key or None


def _latin_words(text: str) -> list[str]:
    if "." in text:
        text = _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", ""), text)
    return [w for w in _NON_WORD.split(text) if w]


@lru_cache(maxsize=262144)
def legal_form(value: str | None) -> str | None:
    """The kind of company a name declares (``kk``, ``yk``, ``inc``, ``llc``...).

    :func:`company_key` drops the legal form so that 株式会社サクラ meets サクラ;
    this keeps what it dropped, because two names with one key and two different
    forms (三浦建設株式会社 / 三浦建設有限会社, Garcia PLC / Garcia Corp) are
    usually two companies. Several forms ("Co., Ltd.") give their classes sorted
    and joined; a name without a form gives None (unknown, not "none").
    """
    if not value:
        return None
    text = fold_text(value)
    classes = {kind for form, kind in _JA_FORM_CLASS.items() if form in text}
    for word in _latin_words(text):
        kind = _LATIN_FORM_CLASS.get(word)
        if kind is not None:
            classes.add(kind)
    return "+".join(sorted(classes)) if classes else None


def _strip_misspelt_ja_form(text: str) -> str:
    """Drop a legal form with one wrong or swapped character (小限会社, 式株会社).

    Only at the very start or end, where legal forms sit, and only for forms
    of four characters or more. A dropped character (株式会) is left alone: the
    window would be ambiguous with the name's own first character.
    """
    for form in _LONG_JA_FORMS:
        size = len(form)
        if len(text) <= size + 1:
            continue
        if OSA.distance(text[:size], form, score_cutoff=1) <= 1:
            return text[size:]
        if OSA.distance(text[-size:], form, score_cutoff=1) <= 1:
            return text[:-size]
    return text


def _misspelt_latin_form(word: str) -> bool:
    """Whether ``word`` is a long legal-form word with one typo (Corporatino)."""
    return any(
        abs(len(word) - len(form)) <= 1
        and OSA.distance(word, form, score_cutoff=1) <= 1
        for form in _LONG_LATIN_FORMS
    )


_SUFFIX_LABELS = frozenset(
    {
        *("jp", "co", "ne", "or", "ac", "go", "ad", "ed", "gr", "lg"),
        *("com", "net", "org", "biz", "info", "io", "ai", "dev", "app"),
        *("uk", "us", "de", "fr", "nl", "it", "es", "ch", "at", "be", "se"),
        *("cn", "kr", "tw", "hk", "sg", "au", "nz", "in", "ca", "eu", "ltd"),
    }
)


@lru_cache(maxsize=65536)
def domain_stem(domain: str) -> str | None:
    """The name part of a domain in letters and digits: acme-works.co.jp, acmeworks.

    Registry suffixes (co.jp, com, co.uk ...) go; what remains is what companies
    usually build from their own name in Latin letters.
    """
    labels = domain.split(".")
    while len(labels) > 1 and labels[-1] in _SUFFIX_LABELS:
        labels.pop()
    stem = "".join(ch for ch in labels[-1] if ch.isalnum())
    return stem or None


@dataclass(frozen=True, slots=True)
class EmailPolicy:
    """Per-domain rules for addresses that deliver to the same mailbox.

    Attributes:
        plus_domains: domains where ``local+tag`` is the same mailbox as ``local``;
            ``"*"`` means every domain.
        dot_domains: domains that ignore dots in the local part (gmail.com).
        aliases: domain -> the domain it is the same mailbox provider as.
    """

    plus_domains: frozenset[str] = frozenset({"*"})
    dot_domains: frozenset[str] = frozenset({"gmail.com"})
    aliases: tuple[tuple[str, str], ...] = (("googlemail.com", "gmail.com"),)


@lru_cache(maxsize=8)
def _alias_map(aliases: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(aliases)


def normalise_email(
    value: str | None, policy: EmailPolicy = EmailPolicy()
) -> tuple[str, str, str] | None:
    """Return (address, local part, domain) folded to one mailbox, or None.

    Trimmed, NFKC (full-width ＠ and letters), lower-cased; ``mailto:`` and angle
    brackets dropped; then the domain's plus and dot rules applied.
    """
    if not value:
        return None
    text = value.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    text = text.lower()
    if text.startswith("mailto:"):
        text = text[7:]
    text = text.strip("<> ")
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or " " in text:
        return None
    domain = _alias_map(policy.aliases).get(domain, domain)
    if "+" in local and ("*" in policy.plus_domains or domain in policy.plus_domains):
        local = local.split("+", 1)[0]
        if not local:
            return None
    if domain in policy.dot_domains:
        local = local.replace(".", "")
    return f"{local}@{domain}", local, domain


_EXTENSION = re.compile(r"(内線|ext\.?|x|#).*$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=64)
def _region_prefixes(region: str) -> tuple[str, str | None]:
    code = phonenumbers.country_code_for_region(region)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    national = metadata.national_prefix if metadata is not None else None
    return str(code), national


def normalise_phone(
    value: str | None, region: str = "JP", other_regions: tuple[str, ...] = ("US",)
) -> str | None:
    """E.164 (``+81312345678``) for any way of writing the number, or None.

    03-1234-5678, (03)1234-5678, ０３１２３４５６７８ and +81 3 1234 5678 all agree.
    The common shapes (a national number with the region's trunk prefix, or ``+``
    and the region's country code) take a digits-only path that gives the same
    result as phonenumbers at a fraction of the cost; anything else is parsed by
    phonenumbers. Extensions (内線, ext) are not part of the key.

    A number without ``+`` that lacks the region's trunk prefix is not written the
    way that region writes its own numbers: (546) 407-4254 in a Japanese list is a
    US number, not +81 546... So it is read in each of ``other_regions`` first and
    the first valid reading wins; the region's own reading is the last resort.
    """
    if not value:
        return None
    text = value if value.isascii() else unicodedata.normalize("NFKC", value)
    text = _EXTENSION.sub("", text).strip()
    digits = "".join(_DIGITS.findall(text))
    if not 8 <= len(digits) <= 15:
        return None
    country, trunk = _region_prefixes(region)
    if text.startswith("+"):
        rest = digits[len(country) :]
        if (
            digits.startswith(country)
            and trunk
            and not rest.startswith(trunk)
            and 9 <= len(rest) <= 10
        ):
            return "+" + digits
    elif (
        trunk
        and digits.startswith(trunk)
        and not digits.startswith(trunk * 2)
        and 9 <= len(digits) - len(trunk) <= 10
    ):
        return f"+{country}{digits[len(trunk) :]}"
    if trunk and not text.startswith("+") and not digits.startswith(trunk):
        return _foreign_phone(text, region, other_regions)
    return _parse_phone(text, region)


@lru_cache(maxsize=4096)
def _foreign_phone(text: str, region: str, others: tuple[str, ...]) -> str | None:
    # A valid number anywhere beats a merely possible one; among equals the other
    # regions come first, since the missing trunk prefix already speaks for them.
    regions = [other for other in others if other != region]
    for check in (phonenumbers.is_valid_number, phonenumbers.is_possible_number):
        for candidate in (*regions, region):
            try:
                number = phonenumbers.parse(text, candidate)
            except phonenumbers.NumberParseException:
                continue
            if check(number):
                return phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.E164
                )
    return None


@lru_cache(maxsize=4096)
def _parse_phone(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=65536)
def is_mobile(e164: str) -> bool:
    """Whether an E.164 number is a mobile line (a person's own, not an office's).

    An office's main line is shared by everyone there, so only a shared mobile
    number says much about being the same person.
    """
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


_COUNTRY_NAMES = {
    "japan": "JP",
    "日本": "JP",
    "nippon": "JP",
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "america": "US",
    "アメリカ": "US",
    "米国": "US",
    "canada": "CA",
    "united kingdom": "GB",
    "uk": "GB",
    "singapore": "SG",
    "australia": "AU",
    "korea": "KR",
    "south korea": "KR",
    "china": "CN",
    "taiwan": "TW",
    "hong kong": "HK",
}


@lru_cache(maxsize=1024)
def phone_region(country: str | None) -> str | None:
    """The phone region a record's country names (``Japan``, ``US``, ``日本``).

    A record that says where it is reads its own numbers as that country does;
    None when the country is blank or unknown (the configured default applies).
    """
    if not country:
        return None
    text = unicodedata.normalize("NFKC", country).strip().casefold()
    named = _COUNTRY_NAMES.get(text)
    if named is not None:
        return named
    code = text.upper()
    if len(code) == 2 and phonenumbers.country_code_for_region(code):
        return code
    return None


_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=262144)
def _folded_field(text: str, kind: str) -> str | None:
    folded = fold_text(text).strip()
    if kind in ("date", "id"):
        # 1984-03-07, 19840307 and 1984/3/7 differ in separators, not in value.
        folded = _NOT_ALNUM.sub("", folded)
    else:
        folded = _SPACE.sub(" ", folded)
    return folded or None


def field_value(value: object, kind: str) -> str | None:
    """A declared comparison field's value, folded for comparing, or None.

    Text is width- and case-folded with runs of spaces made one; dates and ids
    lose their separators. Numbers are written as they read (NaN is no value).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value:  # NaN: pandas' blank
            return None
        value = int(value) if value.is_integer() else value
    return _folded_field(str(value), kind)


_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆]")
_KANA_ONLY = re.compile(r"^[\u3041-\u309fー・ ]+$")


@lru_cache(maxsize=1)
def _tagger() -> Any:
    # Loaded on first use: the dictionary takes a fraction of a second and some
    # memory, which runs that never compare a kanji name should not pay.
    import fugashi  # type: ignore[import-untyped]

    return fugashi.Tagger()


@lru_cache(maxsize=262144)
def reading(text: str) -> str | None:
    """The kana reading of a name part, in hiragana: 山田 gives やまだ.

    Kana is kept as written (after folding ヤマダ to やまだ); kanji are read with
    MeCab and the UniDic dictionary (fugashi, unidic-lite), which read 94.5 % of
    given names and 78.4 % of family names as their owners wrote them in our
    measurement (pykakasi: 88.6 % and 78.9 %). A wrong reading only fails to
    match, so the model learns how much an agreement of readings is worth.
    Latin letters have no reading here (None).
    """
    folded = fold_text(text).strip()
    if not folded:
        return None
    if _KANA_ONLY.match(folded):
        return folded.replace(" ", "").replace("・", "")
    if not _KANJI.search(folded):
        return None
    parts: list[str] = []
    for word in _tagger()(folded):
        kana = getattr(word.feature, "kana", None)
        if not kana or kana == "*":
            kana = word.surface
        parts.append(kana)
    found = fold_text("".join(parts)).replace(" ", "")
    return found if _KANA_ONLY.match(found) else None
