"""Migration 1: the schema as it stood when migrations were frozen (2026-12-03).

Fixed DDL, one statement list per supported backend, captured once from
``schema.py``; it must never change. Creating from today's ``schema.py`` instead
would give a fresh database a "baseline" that already holds every later change,
and the migration adding that change would then fail. Later changes are new
modules (``v002_...``) appended to :data:`connector.store.migrations.MIGRATIONS`.
The ``meta`` table (which holds the version) is created before any migration runs.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from connector.errors import StateError

__all__ = ["STATEMENTS", "create_baseline"]


STATEMENTS: dict[str, tuple[str, ...]] = {
    "sqlite": (
        """CREATE TABLE cursors (
    flow VARCHAR(64) NOT NULL,
    source VARCHAR(128) NOT NULL,
    value TEXT NOT NULL,
    updated_at DATETIME NOT NULL,
    run_id VARCHAR(36),
    PRIMARY KEY (flow, source)
)""",
        """CREATE TABLE dead_letters (
    id INTEGER NOT NULL,
    flow VARCHAR(64) NOT NULL,
    record_key VARCHAR(255) NOT NULL,
    system VARCHAR(64) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    reason VARCHAR(64) NOT NULL,
    error TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL,
    first_seen DATETIME NOT NULL,
    last_seen DATETIME NOT NULL,
    next_attempt_at DATETIME,
    run_id VARCHAR(36),
    PRIMARY KEY (id),
    CONSTRAINT uq_dead_letters_flow_key UNIQUE (flow, record_key)
)""",
        """CREATE TABLE deals (
    system VARCHAR(64) NOT NULL,
    deal_id VARCHAR(255) NOT NULL,
    canonical_id VARCHAR(36),
    name VARCHAR(255),
    stage VARCHAR(32),
    stage_reason TEXT,
    amount NUMERIC(18, 2),
    currency VARCHAR(8),
    close_date DATETIME,
    company VARCHAR(255),
    owner VARCHAR(255),
    pipeline VARCHAR(255),
    attribution VARCHAR(32),
    person_email VARCHAR(320),
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (system, deal_id)
)""",
        """CREATE INDEX ix_deals_canonical ON deals (canonical_id)""",
        """CREATE TABLE file_ledger (
    system VARCHAR(64) NOT NULL,
    checksum VARCHAR(64) NOT NULL,
    path TEXT NOT NULL,
    rows INTEGER NOT NULL,
    processed_at DATETIME NOT NULL,
    PRIMARY KEY (system, checksum)
)""",
        """CREATE TABLE fingerprints (
    flow VARCHAR(64) NOT NULL,
    record_key VARCHAR(255) NOT NULL,
    fingerprint VARCHAR(64) NOT NULL,
    target_id VARCHAR(255),
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (flow, record_key)
)""",
        """CREATE TABLE identities (
    system VARCHAR(64) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    external_id VARCHAR(255) NOT NULL,
    canonical_id VARCHAR(36) NOT NULL,
    alias_of VARCHAR(255),
    rule VARCHAR(64) NOT NULL,
    score FLOAT,
    linked_at DATETIME NOT NULL,
    run_id VARCHAR(36),
    PRIMARY KEY (system, entity, external_id)
)""",
        """CREATE INDEX ix_identities_canonical ON identities (canonical_id)""",
        """CREATE TABLE leases (
    flow VARCHAR(64) NOT NULL,
    holder VARCHAR(128) NOT NULL,
    token BIGINT NOT NULL,
    expires_at DATETIME NOT NULL,
    PRIMARY KEY (flow)
)""",
        """CREATE TABLE match_keys (
    kind VARCHAR(32) NOT NULL,
    value VARCHAR(255) NOT NULL,
    canonical_id VARCHAR(36) NOT NULL,
    PRIMARY KEY (kind, value, canonical_id)
)""",
        """CREATE INDEX ix_match_keys_canonical ON match_keys (canonical_id)""",
        """CREATE TABLE persons (
    canonical_id VARCHAR(36) NOT NULL,
    email VARCHAR(320),
    first_name VARCHAR(255),
    last_name VARCHAR(255),
    company VARCHAR(255),
    phone VARCHAR(64),
    stage VARCHAR(32),
    stage_reason TEXT,
    score FLOAT,
    campaign VARCHAR(255),
    first_touch VARCHAR(255),
    last_touch_before_mql VARCHAR(255),
    lead_source VARCHAR(255),
    owner VARCHAR(255),
    created_at DATETIME,
    handed_off_at DATETIME,
    first_followup_at DATETIME,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (canonical_id)
)""",
        """CREATE INDEX ix_persons_email ON persons (email)""",
        """CREATE TABLE provenance (
    id INTEGER NOT NULL,
    canonical_id VARCHAR(36),
    target_system VARCHAR(64) NOT NULL,
    record_id VARCHAR(255) NOT NULL,
    field VARCHAR(255) NOT NULL,
    value TEXT,
    origin_system VARCHAR(64) NOT NULL,
    rule VARCHAR(255) NOT NULL,
    run_id VARCHAR(36),
    written_at DATETIME NOT NULL,
    PRIMARY KEY (id)
)""",
        """CREATE INDEX ix_provenance_record
    ON provenance (target_system, record_id, field)""",
        """CREATE TABLE request_budgets (
    system VARCHAR(64) NOT NULL,
    window_start DATETIME NOT NULL,
    used BIGINT NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (system, window_start)
)""",
        """CREATE TABLE runs (
    id VARCHAR(36) NOT NULL,
    flow VARCHAR(64) NOT NULL,
    mode VARCHAR(16) NOT NULL,
    started_at DATETIME NOT NULL,
    ended_at DATETIME,
    status VARCHAR(16) NOT NULL,
    counts TEXT NOT NULL,
    error TEXT,
    mapping_version VARCHAR(64),
    holder VARCHAR(128),
    PRIMARY KEY (id)
)""",
        """CREATE INDEX ix_runs_flow_started ON runs (flow, started_at)""",
        """CREATE TABLE snapshots (
    system VARCHAR(64) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    record_id VARCHAR(255) NOT NULL,
    fields TEXT NOT NULL,
    updated_at DATETIME,
    seen_at DATETIME NOT NULL,
    PRIMARY KEY (system, entity, record_id)
)""",
        """CREATE TABLE stage_events (
    id INTEGER NOT NULL,
    canonical_id VARCHAR(36),
    system VARCHAR(64) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    record_id VARCHAR(255) NOT NULL,
    from_stage VARCHAR(32),
    to_stage VARCHAR(32) NOT NULL,
    reason TEXT,
    occurred_at DATETIME NOT NULL,
    run_id VARCHAR(36),
    PRIMARY KEY (id)
)""",
        """CREATE INDEX ix_stage_events_canonical
    ON stage_events (canonical_id, occurred_at)""",
    ),
    "postgresql": (
        """CREATE TABLE cursors (
    flow VARCHAR(64) NOT NULL,
    source VARCHAR(128) NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id VARCHAR(36),
    PRIMARY KEY (flow, source)
)""",
        """CREATE TABLE dead_letters (
    id BIGSERIAL NOT NULL,
    flow VARCHAR(64) NOT NULL,
    record_key VARCHAR(255) NOT NULL,
    system VARCHAR(64) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    reason VARCHAR(64) NOT NULL,
    error TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL,
    first_seen TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen TIMESTAMP WITH TIME ZONE NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE,
    run_id VARCHAR(36),
    PRIMARY KEY (id),
    CONSTRAINT uq_dead_letters_flow_key UNIQUE (flow, record_key)
)""",
        """CREATE TABLE deals (
    system VARCHAR(64) NOT NULL,
    deal_id VARCHAR(255) NOT NULL,
    canonical_id VARCHAR(36),
    name VARCHAR(255),
    stage VARCHAR(32),
    stage_reason TEXT,
    amount NUMERIC(18, 2),
    currency VARCHAR(8),
    close_date TIMESTAMP WITH TIME ZONE,
    company VARCHAR(255),
    owner VARCHAR(255),
    pipeline VARCHAR(255),
    attribution VARCHAR(32),
    person_email VARCHAR(320),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (system, deal_id)
)""",
        """CREATE INDEX ix_deals_canonical ON deals (canonical_id)""",
        """CREATE TABLE file_ledger (
    system VARCHAR(64) NOT NULL,
    checksum VARCHAR(64) NOT NULL,
    path TEXT NOT NULL,
    rows INTEGER NOT NULL,
    processed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (system, checksum)
)""",
        """CREATE TABLE fingerprints (
    flow VARCHAR(64) NOT NULL,
    record_key VARCHAR(255) NOT NULL,
    fingerprint VARCHAR(64) NOT NULL,
    target_id VARCHAR(255),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (flow, record_key)
)""",
        """CREATE TABLE identities (
    system VARCHAR(64) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    external_id VARCHAR(255) NOT NULL,
    canonical_id VARCHAR(36) NOT NULL,
    alias_of VARCHAR(255),
    rule VARCHAR(64) NOT NULL,
    score FLOAT,
    linked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id VARCHAR(36),
    PRIMARY KEY (system, entity, external_id)
)""",
        """CREATE INDEX ix_identities_canonical ON identities (canonical_id)""",
        """CREATE TABLE leases (
    flow VARCHAR(64) NOT NULL,
    holder VARCHAR(128) NOT NULL,
    token BIGINT NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (flow)
)""",
        """CREATE TABLE match_keys (
    kind VARCHAR(32) NOT NULL,
    value VARCHAR(255) NOT NULL,
    canonical_id VARCHAR(36) NOT NULL,
    PRIMARY KEY (kind, value, canonical_id)
)""",
        """CREATE INDEX ix_match_keys_canonical ON match_keys (canonical_id)""",
        """CREATE TABLE persons (
    canonical_id VARCHAR(36) NOT NULL,
    email VARCHAR(320),
    first_name VARCHAR(255),
    last_name VARCHAR(255),
    company VARCHAR(255),
    phone VARCHAR(64),
    stage VARCHAR(32),
    stage_reason TEXT,
    score FLOAT,
    campaign VARCHAR(255),
    first_touch VARCHAR(255),
    last_touch_before_mql VARCHAR(255),
    lead_source VARCHAR(255),
    owner VARCHAR(255),
    created_at TIMESTAMP WITH TIME ZONE,
    handed_off_at TIMESTAMP WITH TIME ZONE,
    first_followup_at TIMESTAMP WITH TIME ZONE,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (canonical_id)
)""",
        """CREATE INDEX ix_persons_email ON persons (email)""",
        """CREATE TABLE provenance (
    id BIGSERIAL NOT NULL,
    canonical_id VARCHAR(36),
    target_system VARCHAR(64) NOT NULL,
    record_id VARCHAR(255) NOT NULL,
    field VARCHAR(255) NOT NULL,
    value TEXT,
    origin_system VARCHAR(64) NOT NULL,
    rule VARCHAR(255) NOT NULL,
    run_id VARCHAR(36),
    written_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (id)
)""",
        """CREATE INDEX ix_provenance_record
    ON provenance (target_system, record_id, field)""",
        """CREATE TABLE request_budgets (
    system VARCHAR(64) NOT NULL,
    window_start TIMESTAMP WITH TIME ZONE NOT NULL,
    used BIGINT NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (system, window_start)
)""",
        """CREATE TABLE runs (
    id VARCHAR(36) NOT NULL,
    flow VARCHAR(64) NOT NULL,
    mode VARCHAR(16) NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at TIMESTAMP WITH TIME ZONE,
    status VARCHAR(16) NOT NULL,
    counts TEXT NOT NULL,
    error TEXT,
    mapping_version VARCHAR(64),
    holder VARCHAR(128),
    PRIMARY KEY (id)
)""",
        """CREATE INDEX ix_runs_flow_started ON runs (flow, started_at)""",
        """CREATE TABLE snapshots (
    system VARCHAR(64) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    record_id VARCHAR(255) NOT NULL,
    fields TEXT NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE,
    seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (system, entity, record_id)
)""",
        """CREATE TABLE stage_events (
    id BIGSERIAL NOT NULL,
    canonical_id VARCHAR(36),
    system VARCHAR(64) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    record_id VARCHAR(255) NOT NULL,
    from_stage VARCHAR(32),
    to_stage VARCHAR(32) NOT NULL,
    reason TEXT,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id VARCHAR(36),
    PRIMARY KEY (id)
)""",
        """CREATE INDEX ix_stage_events_canonical
    ON stage_events (canonical_id, occurred_at)""",
    ),
}
"""Backend name -> the DDL of version 1, in dependency order."""


def create_baseline(conn: Connection) -> None:
    """Create every table and index of version 1.

    Raises:
        StateError: the backend is neither SQLite nor PostgreSQL.
    """
    dialect = conn.dialect.name
    if dialect not in STATEMENTS:
        raise StateError(
            f"the state store backend {dialect!r} is not supported",
            hint="use a sqlite:/// or postgresql+psycopg:// state.url",
        )
    for statement in STATEMENTS[dialect]:
        conn.execute(text(statement))
