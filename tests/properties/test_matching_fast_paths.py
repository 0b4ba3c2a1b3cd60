"""The match keys' fast paths give what the plain folding gives, on any text.

``fold_text`` skips NFKC for ASCII and folds kana and old kanji in one table;
both only for speed, so it is checked against the definition it replaces.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from connector.matching.normalise import _ITAIJI, _KATAKANA_TO_HIRAGANA, fold_text

KANA = "".join(chr(c) for c in range(0x30A1, 0x30F7))
OLD_KANJI = "邊邉髙﨑嵜齋齊澤櫻國濱廣德眞藏惠榮圓祐辺高崎"
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=KANA + OLD_KANJI + "ｶﾀｶﾅＡＢｃ山田 ab-", max_size=30),
    st.text(alphabet="ABCxyz019 .@+-", max_size=30),
)


@given(TEXT)
def test_fold_text_is_nfkc_casefold_kana_and_kanji(text: str) -> None:
    """Every text folds as NFKC, case-fold, kana to hiragana, old kanji to new."""
    # The folding as written before the fast paths: the two tables in turn.
    plain = unicodedata.normalize("NFKC", text).casefold()
    assert fold_text(text) == plain.translate(_KATAKANA_TO_HIRAGANA).translate(_ITAIJI)
