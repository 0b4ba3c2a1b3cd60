"""Fast paths of the flows' per-record helpers give what their definitions give.

Canonical ids are formatted from the random bytes without a ``uuid.UUID``, and
the payload check encodes a text only when it could be too big; both for speed
only, so each is checked against the definition it replaced.
"""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from connector.flows import push
from connector.flows.push import MAX_FIELD_BYTES, invalid_reason
from connector.store.identity import _uuid4_text


@given(st.binary(min_size=16, max_size=16))
def test_a_canonical_id_is_the_version_4_uuid_of_its_bytes(raw: bytes) -> None:
    """Same text as ``str(uuid.UUID(bytes=..., version=4))``."""
    assert _uuid4_text(bytearray(raw)) == str(uuid.UUID(bytes=raw, version=4))


def _reason_by_encoding(fields: dict[str, Any], email_field: str | None) -> str | None:
    for name, value in fields.items():
        if not isinstance(value, str):
            continue
        size = len(value.encode("utf-8", "surrogatepass"))
        if size > MAX_FIELD_BYTES:
            return f"field {name!r} is {size:,} bytes (limit {MAX_FIELD_BYTES:,})"
        if push._CONTROL.search(value):
            return f"field {name!r} contains control characters"
    if email_field:
        email = str(fields.get(email_field) or "").strip()
        if email and not push._EMAIL.match(email):
            return f"field {email_field!r} is not an email address: {email!r}"
    return None


# Around the limit: 4-byte characters (emoji), 3-byte ones (kana, lone
# surrogates) and ASCII, in runs long enough to cross it or stay just below.
BIG = st.builds(
    lambda char, count, tail: char * count + tail,
    st.sampled_from(["a", "あ", "😀", "\ud800"]),
    st.sampled_from(
        [MAX_FIELD_BYTES // 4, MAX_FIELD_BYTES // 4 + 1, MAX_FIELD_BYTES // 3 + 1]
    ),
    st.text(max_size=3),
)
VALUE = st.one_of(st.none(), st.integers(), st.text(max_size=20), BIG)


@given(st.dictionaries(st.sampled_from(["a", "email", "b"]), VALUE, max_size=3))
def test_the_payload_check_is_the_check_by_encoding(fields: dict[str, Any]) -> None:
    """Same reason (or none) as encoding every text to measure it."""
    for email_field in (None, "email"):
        assert invalid_reason(fields, email_field=email_field) == _reason_by_encoding(
            fields, email_field
        )
