"""The store's tables, declared once with SQLAlchemy Core (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
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
