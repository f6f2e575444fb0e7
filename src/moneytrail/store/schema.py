"""The store's tables, declared once with SQLAlchemy Core (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("format", String(32), nullable=False),
    Column("published", String(32)),
    Column("loaded_at", String(32), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("files", Text, nullable=False),  # JSON list of file names
    Column("counts", Text, nullable=False),  # JSON object
    Column("total", Integer, nullable=False),
)
Index("ix_snapshots_source", snapshots.c.source, snapshots.c.published)

entity_versions = Table(
    "entity_versions",
    metadata,
    Column("version", String(32), primary_key=True),
    Column("body", Text, nullable=False),  # canonical JSON of Entity.to_dict()
)

snapshot_entities = Table(
    "snapshot_entities",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), primary_key=True),
    Column("entity_id", String(255), primary_key=True),
    Column("version", String(32), ForeignKey("entity_versions.version"), nullable=False),
    Column("schema", String(32), nullable=False),
    Column("caption", Text, nullable=False),
    Column("dprk", Boolean, nullable=False),
)
Index("ix_snapshot_entities_entity", snapshot_entities.c.entity_id)

# -- who may call the service, and what they called (the API's keys and its call records) -----

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),  # the public part of the key: mt_<id>_<secret>
    Column("name", String(255), nullable=False),
    Column("role", String(16), nullable=False),  # viewer | analyst | admin
    Column("secret_sha256", String(64), nullable=False),  # the secret itself is never stored
    Column("rate", Float),  # requests per second allowed to this key; NULL: the service default
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

api_calls = Table(
    "api_calls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),  # ISO timestamp, UTC, milliseconds
    Column("request_id", String(32), nullable=False),
    Column("key_id", String(32)),  # NULL: no key (refused, or --no-auth)
    Column("role", String(16)),
    Column("method", String(8), nullable=False),
    Column("route", String(128), nullable=False),  # the route's template, never its values
    Column("dataset", String(64)),
    Column("queries", Integer, nullable=False),
    Column("status", Integer, nullable=False),
    Column("snapshots", String(255)),  # the snapshot ids that answered, comma-separated
    Column("duration_ms", Float, nullable=False),
)
Index("ix_api_calls_at", api_calls.c.at)
