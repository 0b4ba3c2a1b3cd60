"""Query parameters with placeholders, for APIs whose filter lives inside a text.

kintone keeps its incremental filter and its paging in the text of one ``query``
parameter (``更新日時 >= "…" order by 更新日時 asc, $id asc limit 500``), so a
separate ``updated_since`` parameter cannot express it. A listing's ``params``
may therefore hold ``str.format`` templates; the adapter renders them before
every request from the cursor and the pull's progress:

``{since}``    the watermark time (the cursor's, then each page's newest),
               formatted by ``updated_since_format`` or ``since_strftime``;
               1970-01-01T00:00:00Z on a first pull, so the filter keeps all
``{last_id}``  the largest id handed out at ``{since}`` in this pull ("0" at the
               start of each pull: the stored cursor's ids are dropped instead,
               so a record written later in the boundary second is not skipped)
``{limit}``    ``page_size``
``{offset}``   records read so far in this pull (``style = "offset"``)

``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter
from typing import Any

__all__ = ["PLACEHOLDERS", "ParamTemplates", "placeholders_of"]

PLACEHOLDERS = ("since", "last_id", "limit", "offset")
"""The names a template may use."""
_FIX = "use {since}, {last_id}, {limit} or {offset}; write {{ and }} for braces"


def placeholders_of(key: str, template: str) -> frozenset[str]:
    """The placeholder names in one parameter's template.

    Raises:
        ValueError: a malformed template, an unknown name, or a format spec,
            conversion, index or positional ``{}``; the message names ``key``.
    """
    try:
        parts = list(Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"params.{key}: bad template ({exc}); {_FIX}") from None
    names: set[str] = set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            shown = "{" + name + "}" if name else "{}"
            raise ValueError(f"params.{key}: unknown placeholder {shown}; {_FIX}")
        if spec or conversion:
            raise ValueError(
                f"params.{key}: {{{name}}} takes no format spec or conversion; "
                "set since_strftime or updated_since_format instead"
            )
        names.add(name)
    return frozenset(names)


@dataclass(frozen=True)
class ParamTemplates:
    """A listing's parameters split into fixed values and templates."""

    fixed: Mapping[str, Any]
    templates: Mapping[str, str]

    @classmethod
    def of(cls, params: Mapping[str, Any]) -> ParamTemplates:
        """Split ``params``; text without placeholders is fixed, braces unescaped."""
        fixed: dict[str, Any] = {}
        templates: dict[str, str] = {}
        for key, value in params.items():
            if isinstance(value, str) and placeholders_of(key, value):
                templates[key] = value
            elif isinstance(value, str):
                fixed[key] = value.format()
            else:
                fixed[key] = value
        return cls(fixed, templates)

    @property
    def names(self) -> frozenset[str]:
        """Every placeholder used by any template."""
        found: set[str] = set()
        for key, template in self.templates.items():
            found |= placeholders_of(key, template)
        return frozenset(found)

    def render(self, values: Mapping[str, str]) -> dict[str, Any]:
        """All parameters, templates filled in with ``values``."""
        rendered = {k: t.format(**values) for k, t in self.templates.items()}
        return {**self.fixed, **rendered}
