"""Text helpers for the held-out lead generator: scripts, widths, noise and phones.

Everything here is a pure function of its arguments and the ``random.Random`` it is
handed, so the generator stays deterministic for a seed.
"""

from __future__ import annotations

import random
import re
import unicodedata
from bisect import bisect
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, TypeAlias, TypeVar

from typing_extensions import override

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class FastRandom(random.Random):
    """``random.Random`` with one-draw ``choice``/``randrange``/``randint``.

    The standard methods draw bits in a rejection loop of Python calls; one float
    per call is exact enough for test data and about twice as fast, which matters
    at millions of calls. Deterministic for a seed, like its base.
    """

    @override
    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]

    @override
    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    @override
    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


Phone: TypeAlias = tuple[str, str, str, str]
"""A phone number: (country code, area or mobile prefix with trunk 0, middle, last)."""

_MONO = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヲ": "o", "ン": "n",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po", "ヴ": "vu",
}  # fmt: skip
_SMALL = {"ャ": "a", "ュ": "u", "ョ": "o", "ァ": "a", "ィ": "i", "ェ": "e", "ォ": "o"}
_LONG_VOWEL = re.compile(r"(o)[ou](?=[^aeiou]|$)|(u)u(?=[^aeiou]|$)")
_N_LABIAL = re.compile(r"n(?=[bmp])")


@lru_cache(maxsize=65_536)
def romaji(kana: str) -> str:
    """Katakana to word-processor romaji (サトウ -> satou); styles shorten it later."""
    out: list[str] = []
    double = False
    for ch in kana:
        if ch == "ッ":
            double = True
            continue
        if ch == "ー":
            if out:
                out.append(out[-1][-1])
            continue
        if ch in _SMALL and out:
            prev = out.pop()
            if prev.endswith(("shi", "chi", "ji")):
                syl = prev[:-1] + _SMALL[ch]
            elif ch in "ャュョ":
                syl = prev[:-1] + "y" + _SMALL[ch]
            else:
                syl = prev[:-1] + _SMALL[ch]
            out.append(syl)
            continue
        syl = _MONO.get(ch, "")
        if double and syl:
            syl = ("t" if syl.startswith("ch") else syl[0]) + syl
        double = False
        out.append(syl)
    return "".join(out)


@lru_cache(maxsize=65_536)
def romaji_style(wapuro: str, style: str) -> str:
    """A spelling of long vowels: plain (Sato), wapuro (Satou) or passport (Satoh)."""
    if style == "wapuro":
        return wapuro
    if style == "passport":
        text = _LONG_VOWEL.sub(lambda m: "oh" if m.group(1) else "u", wapuro)
        return _N_LABIAL.sub("m", text)
    return _LONG_VOWEL.sub(lambda m: m.group(1) or m.group(2), wapuro)


def hiragana(text: str) -> str:
    """Katakana to hiragana; anything else is kept."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _halfwidth_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        half = chr(cp)
        full = unicodedata.normalize("NFKC", half)
        table.setdefault(full, half)
        for mark, half_mark in (("\u3099", "ﾞ"), ("\u309a", "ﾟ")):
            voiced = unicodedata.normalize("NFC", full + mark)
            if len(voiced) == 1:
                table.setdefault(voiced, half + half_mark)
    return table


_HALF = _halfwidth_table()
_WIDE = {i: i + 0xFEE0 for i in range(0x21, 0x7F)} | {0x20: 0x3000}
_WIDE_DIGITS = {i: i + 0xFEE0 for i in range(0x30, 0x3A)}


def halfwidth_kana(text: str) -> str:
    """Katakana as legacy systems store it (ヤマダ -> ﾔﾏﾀﾞ)."""
    return "".join(_HALF.get(c, c) for c in text)


def fullwidth(text: str) -> str:
    """ASCII typed with the Japanese IME still on (03 -> ０３)."""
    return text.translate(_WIDE)


def fullwidth_digits(text: str) -> str:
    """Only the digits full-width, as a form with a number pad in IME mode gives."""
    return text.translate(_WIDE_DIGITS)


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _i, _c in enumerate(_row):
        near = _row[max(0, _i - 1) : _i] + _row[_i + 1 : _i + 2]
        for _other in _ROWS[max(0, _r - 1) : _r] + _ROWS[_r + 1 : _r + 2]:
            near += _other[_i : _i + 1]
        _NEIGHBOURS[_c] = near


def typo(text: str, rng: random.Random) -> str:
    """One slip of a typist: a lost, doubled, swapped or neighbouring key."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.random()
    if op < 0.3:
        return text[:i] + text[i + 1 :]
    if op < 0.5:
        return text[:i] + text[i] + text[i:]
    if op < 0.7:
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    near = _NEIGHBOURS.get(text[i].lower())
    if not near:
        return text[:i] + text[i + 1 :]
    return text[:i] + rng.choice(near) + text[i + 1 :]


_OCR_LATIN = (
    ("rn", "m"), ("m", "rn"), ("0", "O"), ("O", "0"), ("o", "0"), ("1", "l"),
    ("l", "1"), ("I", "l"), ("cl", "d"), ("vv", "w"), ("5", "S"), ("8", "B"),
    ("e", "c"),
)  # fmt: skip


def ocr(text: str, rng: random.Random) -> str:
    """One misread of a scanner: 0/O, 1/l, rn/m, or a character it did not see."""
    found = [(a, b) for a, b in _OCR_LATIN if a in text]
    if found and rng.random() < 0.8:
        a, b = rng.choice(found)
        starts = [m.start() for m in re.finditer(re.escape(a), text)]
        at = rng.choice(starts)
        return text[:at] + b + text[at + len(a) :]
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1 :]


def swap_chars(text: str, table: dict[str, str], rng: random.Random) -> str:
    """Replace one character found in ``table`` (a variant form or a misread shape)."""
    spots = [i for i, c in enumerate(text) if c in table]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + table[text[i]] + text[i + 1 :]


def _jp(p: Phone, style: str) -> str:
    _, a, b, c = p
    if style == "dash":
        return f"{a}-{b}-{c}"
    if style == "plain":
        return a + b + c
    if style == "intl":
        return f"+81-{a[1:]}-{b}-{c}"
    return fullwidth(f"{a}({b}){c}")


def _us(p: Phone, style: str) -> str:
    _, a, b, c = p
    if style == "paren":
        return f"({a}) {b}-{c}"
    if style == "dash":
        return f"{a}-{b}-{c}"
    if style == "intl":
        return f"+1 {a} {b} {c}"
    if style == "one":
        return f"1-{a}-{b}-{c}"
    return a + b + c


def _apac(p: Phone, style: str) -> str:
    cc, a, b, c = p
    if style == "plain":
        return a + b + c
    if cc == "65":
        return {"intl": f"+65 {b} {c}", "dash": f"+65-{b}-{c}"}.get(style, f"{b} {c}")
    if cc == "60":
        if style == "intl":
            return f"+60 {a[1:]}-{b} {c}"
        return f"{a}-{b} {c}"
    if style == "intl":
        return f"+61 {a[1:]} {b} {c}"
    if style == "paren" and len(a) == 2:
        return f"({a}) {b} {c}"
    return f"{a} {b} {c}"


# Format weights by how the number reached us: typed by the person, printed on a
# card or badge, or exported from a CRM that strips punctuation.
_STYLES = {
    "81": {
        "typed": (("dash", 50), ("plain", 20), ("intl", 8), ("wide", 22)),
        "printed": (("dash", 75), ("intl", 20), ("plain", 5)),
    },
    "1": {
        "typed": (
            ("paren", 30),
            ("dash", 35),
            ("intl", 10),
            ("one", 12),
            ("plain", 13),
        ),
        "printed": (("paren", 40), ("dash", 30), ("intl", 25), ("one", 5)),
    },
    "apac": {
        "typed": (("local", 40), ("intl", 30), ("plain", 20), ("dash", 10)),
        "printed": (("intl", 60), ("local", 30), ("paren", 10)),
    },
}
_PICK = {
    cc: {
        how: (tuple(s for s, _ in ws), tuple(accumulate(w for _, w in ws)))
        for how, ws in by_how.items()
    }
    for cc, by_how in _STYLES.items()
}


def render_phone(p: Phone, how: str, rng: random.Random) -> str:
    """Write a number the way it arrives: ``how`` is typed, printed or crm."""
    cc = p[0]
    if how == "crm":
        return p[1] + p[2] + p[3]
    styles, cum = _PICK.get(cc, _PICK["apac"])[how]
    style = styles[bisect(cum, rng.random() * cum[-1])]
    if cc == "81":
        return _jp(p, style)
    if cc == "1":
        return _us(p, style)
    return _apac(p, style)
