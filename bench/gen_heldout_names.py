"""Names as a touchpoint writes them: scripts, orders, halves, typos and misreads.

A Japanese name may arrive in kanji (an old form, the IME's other homophone, a
misread shape), in kana typed into the name field, in romaji in either order, as
the family or given name alone, or whole in one field; its reading comes in
katakana, hiragana or half-width kana. A Latin name may arrive as a nickname, with
a middle initial, in capitals, swapped, or with a typo or an OCR misread.
"""

from __future__ import annotations

import random

from bench import gen_heldout_vocab as jv
from bench.gen_heldout_people import Person
from bench.gen_heldout_places import Weighted
from bench.gen_heldout_text import halfwidth_kana, hiragana, ocr, swap_chars, typo

_JP_MODES = {
    "webinar": Weighted(
        (
            ("kanji", 72),
            ("kana", 6),
            ("romaji", 5),
            ("swapped", 5),
            ("family", 5),
            ("given", 1.5),
            ("one", 5.5),
        )
    ),
    "freemail_form": Weighted(
        (
            ("kanji", 70),
            ("kana", 8),
            ("romaji", 6),
            ("swapped", 5),
            ("family", 6),
            ("one", 5),
        )
    ),
    "badge": Weighted((("kanji", 90), ("family", 10))),
    "meishi": Weighted((("kanji", 100),)),
    "crm_import": Weighted((("kanji", 85), ("kana", 15))),
}


def _homophones() -> dict[str, list[str]]:
    by_reading: dict[str, list[str]] = {}
    for kanji, kana, _ in jv.SURNAMES + jv.MALE_GIVEN + jv.FEMALE_GIVEN:
        by_reading.setdefault(kana, []).append(kanji)
    out: dict[str, list[str]] = {}
    for group in by_reading.values():
        for kanji in group:
            others = [k for k in group if k != kanji]
            if others:
                out[kanji] = others
    return out


_HOMOPHONES = _homophones()


def case(text: str, rng: random.Random, lower: float, upper: float) -> str:
    """Lower-case with chance ``lower``, upper-case with chance ``upper``."""
    r = rng.random()
    if r < lower:
        return text.lower()
    if r < lower + upper:
        return text.upper()
    return text


def _kana(last: str, first: str, half: float, rng: random.Random) -> tuple[str, str]:
    """A reading as typed, both parts in one script: katakana, hiragana, half-width."""
    r = rng.random()
    if r < half:
        return halfwidth_kana(last), halfwidth_kana(first)
    if r < half + 0.25:
        return hiragana(last), hiragana(first)
    return last, first


def jp_names(
    p: Person, tp: str, latin: bool, kana: float, clean: bool, rng: random.Random
) -> tuple[str, str, str, str]:
    """(last, first, last kana, first kana); ``kana`` is the chance readings are given.

    ``latin`` writes the name in romaji (an English card, a US form); ``clean``
    writes it exactly, for a record that must show a look-alike's name.
    """
    half = 0.4 if tp == "crm_import" else 0.05
    lk, fk = ("", "")
    if rng.random() < kana:
        lk, fk = _kana(p.last_kana, p.first_kana, half, rng)
    if clean:
        return (
            (p.plain_last, p.plain_first, lk, fk)
            if latin
            else (p.last, p.first, lk, fk)
        )
    if latin:
        own = rng.random() < 0.5
        last, first = (
            (p.last_lat, p.first_lat) if own else (p.plain_last, p.plain_first)
        )
        if tp in {"badge", "crm_import"} and rng.random() < 0.6:
            last = last.upper()
            first = first.upper() if tp == "crm_import" else first
        if tp == "badge" and rng.random() < 0.15:
            last, first = (
                (ocr(last, rng), first)
                if rng.random() < 0.5
                else (last, ocr(first, rng))
            )
        if tp == "webinar" and rng.random() < 0.35:
            last, first = first, last
        return last, first, lk, fk
    mode = _JP_MODES[tp].pick(rng)
    last, first = p.last, p.first
    if mode == "kanji":
        return (*_kanji_noise(last, first, tp, rng), lk, fk)
    if mode == "kana":
        return (*_kana(p.last_kana, p.first_kana, half, rng), lk, fk)
    if mode == "romaji":
        return (
            case(p.last_lat, rng, 0.3, 0.15),
            case(p.first_lat, rng, 0.3, 0.05),
            lk,
            fk,
        )
    if mode == "swapped":
        if rng.random() < 0.5:
            lk, fk = fk, lk
        return first, last, lk, fk
    if mode == "family":
        return last, "", lk, ""
    if mode == "given":
        return "", first, "", fk
    sep = rng.choice((" ", "", "\u3000"))
    if lk and rng.random() < 0.5:
        lk, fk = lk + sep + fk, ""
    return last + sep + first, "", lk, fk


def _kanji_noise(last: str, first: str, tp: str, rng: random.Random) -> tuple[str, str]:
    """A misread shape on a badge, an old kanji form, or the IME's other homophone."""
    r = rng.random()
    if tp == "badge" and r < 0.1:
        return swap_chars(last, jv.KANJI_OCR, rng), swap_chars(first, jv.KANJI_OCR, rng)
    if r < 0.04:
        return swap_chars(last, jv.KANJI_VARIANTS, rng), first
    if r < 0.06 and tp in {"webinar", "freemail_form"}:
        if first in _HOMOPHONES:
            return last, rng.choice(_HOMOPHONES[first])
        if last in _HOMOPHONES:
            return rng.choice(_HOMOPHONES[last]), first
    return last, first


def _latin_last(last: str, rng: random.Random) -> str:
    if last.endswith(" Jr.") and rng.random() < 0.5:
        return last[:-4]
    if "'" in last and rng.random() < 0.3:
        return (
            last.replace("'", "")
            if rng.random() < 0.5
            else last.replace("'", "").capitalize()
        )
    if " " in last and rng.random() < 0.3:
        return (
            last.replace(" ", "") if rng.random() < 0.5 else last[0].lower() + last[1:]
        )
    return last


def latin_names(p: Person, tp: str, clean: bool, rng: random.Random) -> tuple[str, str]:
    """(last, first) of a name written in Latin letters; ``clean`` writes it exactly."""
    if clean:
        return p.last, p.first
    last, first = _latin_last(p.last, rng), p.first
    if p.kind == "cn":
        r = rng.random()
        if p.nick and r < 0.45:
            first = p.nick if r < 0.35 else f"{p.nick} {p.first}"
        elif r < 0.55:
            first = first.replace(" ", "") if r < 0.5 else first.replace(" ", "-")
    elif p.kind == "my" and rng.random() < 0.2:
        if rng.random() < 0.5:
            first, last = f"{first} {last}", ""
        else:
            last = last.split()[-1]
    elif p.nick and rng.random() < {"badge": 0.25, "freemail_form": 0.15}.get(tp, 0.08):
        first = p.nick
    if p.middle and rng.random() < (0.15 if tp == "meishi" else 0.05):
        first = f"{first} {p.middle}."
    if tp == "crm_import":
        return case(last, rng, 0.0, 0.6), case(first, rng, 0.0, 0.5)
    if tp == "badge":
        if rng.random() < 0.3:
            last, first = last.upper(), first.upper()
        if rng.random() < 0.12:
            return (
                (ocr(last, rng), first)
                if rng.random() < 0.5
                else (last, ocr(first, rng))
            )
        return last, first
    if tp in {"webinar", "freemail_form"}:
        r = rng.random()
        if r < 0.04:
            return (
                (typo(last, rng), first)
                if rng.random() < 0.6
                else (last, typo(first, rng))
            )
        if r < 0.09:
            return last.lower(), first.lower()
        if r < 0.12:
            return last.upper(), first.upper()
        if r < 0.15 or (p.kind == "cn" and r < 0.22):
            return first, last
        if r < 0.16:
            return "", first
    return last, first
