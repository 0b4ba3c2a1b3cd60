"""Comparing the stage mappings with what the systems hold now (``--live``).

Each adapter reports the live values of a stage field (``Adapter.vocabulary``).
Values with no mapping would dead-letter records, so they are what the admin must
act on; mapped values that no longer exist are stale and only reported. A value
the connector itself writes (the ``write`` table) is not stale when the system is
read from a file export, which lists only the values in use: it is listed as one to
keep, never as one to remove.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from connector.errors import ConnectorError
from connector.mapping.mappings import Mappings
from connector.mapping.stages import Vocabulary, normalise_value

__all__ = ["LiveReport", "LiveValue", "VocabularySource", "live_check"]


class VocabularySource(Protocol):
    """Anything that can list a stage field's live values (every Adapter can)."""

    def vocabulary(self, field: str) -> list[str]:
        """Return the live values of ``field``."""
        ...


@dataclass(frozen=True, slots=True)
class LiveValue:
    """One live value (or mapped value) of one system's stage field.

    ``pipeline`` is set for per-pipeline vocabularies; ``value`` is then the
    stage id within that pipeline.
    """

    system: str
    entity: str
    field: str
    value: str
    pipeline: str | None = None

    @property
    def label(self) -> str:
        """The value as the live vocabulary spells it."""
        return f"{self.pipeline}:{self.value}" if self.pipeline else self.value


@dataclass
class LiveReport:
    """What ``mappings check --live`` found."""

    unmapped: list[LiveValue] = field(default_factory=list)
    stale: list[LiveValue] = field(default_factory=list)
    kept: list[LiveValue] = field(default_factory=list)
    """Values absent from a file export that the connector writes: keep them."""
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Stage fields whose system reported no values at all (not compared)."""

    def lines(self) -> list[str]:
        """One ``file: key: problem: fix`` line per finding."""
        out: list[str] = []
        for item in self.unmapped:
            out.append(
                f"stages.toml: {_table(item)}: live value {item.label!r} of "
                f"{item.system}.{item.field} has no mapping: map it to a canonical "
                "stage (or run `connector mappings suggest --write`)"
            )
        for item in self.stale:
            out.append(
                f"stages.toml: {_table(item)}.{item.value}: mapped value "
                f"{item.label!r} is not among the live values of "
                f"{item.system}.{item.field}: remove the line if the value is gone "
                "or fix it if it was renamed (file exports list only values in use)"
            )
        for item in self.kept:
            out.append(
                f"stages.toml: {_table(item)}.{item.value}: mapped value "
                f"{item.label!r} is not among the live values of "
                f"{item.system}.{item.field}, but the connector writes it: keep the "
                "line (the file export lists only values in use)"
            )
        out.extend(self.errors)
        return out


def _table(item: LiveValue) -> str:
    if item.pipeline is not None:
        return f"{item.system}.{item.entity}.pipelines.{item.pipeline}"
    return f"{item.system}.{item.entity}.values"


def _split(vocab: Vocabulary, raw: str) -> tuple[str | None, str]:
    if vocab.pipeline_field and ":" in raw:
        pipeline, _, value = raw.partition(":")
        return pipeline, value
    return None, raw


def _compare(
    vocab: Vocabulary, live: list[str], report: LiveReport, *, export: bool
) -> None:
    seen: set[str] = set()
    for raw in live:
        if not str(raw).strip():
            continue
        pipeline, value = _split(vocab, str(raw))
        if vocab.pipeline_field and pipeline is None:
            mapped = any(
                normalise_value(value) in table for table in vocab.pipelines.values()
            )
        else:
            mapped = vocab.lookup(value, pipeline) is not None
        seen.add(normalise_value(f"{pipeline}:{value}" if pipeline else value))
        if not mapped:
            report.unmapped.append(
                LiveValue(vocab.system, vocab.entity, vocab.field, value, pipeline)
            )
    written = {normalise_value(v) for v in vocab.write.values()} if export else set()
    for known in sorted(vocab.known_values()):
        if normalise_value(known) in seen:
            continue
        if normalise_value(known) in written:
            # The connector writes this value itself ([...write], e.g. HubSpot's
            # standard `customer` for won): an export that holds no such record
            # yet does not make it stale, and removing it would break write-back.
            pipeline, value = _split(vocab, known)
            report.kept.append(
                LiveValue(vocab.system, vocab.entity, vocab.field, value, pipeline)
            )
            continue
        pipeline, value = _split(vocab, known)
        if vocab.pipeline_field and pipeline is not None:
            bare = normalise_value(value)
            if bare in seen and not any(":" in s for s in seen):
                continue  # the source lists stage ids without pipelines
        report.stale.append(
            LiveValue(vocab.system, vocab.entity, vocab.field, value, pipeline)
        )


def live_check(
    mappings: Mappings,
    sources: Mapping[str, VocabularySource],
    *,
    exports: frozenset[str] = frozenset(),
) -> LiveReport:
    """Compare every stage vocabulary with its system's live values.

    Args:
        mappings: the loaded mappings.
        sources: system name (``ma``/``sfa``) -> its adapter.
        exports: systems read from file exports, whose "live values" are only
            the values in use; there a value the connector writes is not stale.
    """
    report = LiveReport()
    for (system, entity), vocab in sorted(mappings.vocabularies.items()):
        source = sources.get(system)
        if source is None:
            continue
        try:
            live = source.vocabulary(vocab.field)
        except ConnectorError as exc:
            report.errors.append(
                f"stages.toml: {system}.{entity}.field: cannot read the live values "
                f"of {vocab.field!r}: {exc.hint or 'check the connection'} "
                f"({exc.message})"
            )
            continue
        if not any(str(v).strip() for v in live):
            # No values at all means the system does not expose the field (e.g. a
            # CSV export without that column): there is nothing to compare with.
            report.skipped.append(f"{system}.{vocab.field}")
            continue
        _compare(vocab, live, report, export=system in exports)
    return report
