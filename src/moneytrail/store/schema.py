"""The store's tables, declared once with SQLAlchemy Core (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DDL,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
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

# -- cases: alerts from screening hits, four-eyes decisions (moneytrail.cases) ---------------
# The rules that make four eyes hold are constraints of the database, not only checks in the
# code: a second writer that skips the code still cannot record what the rules forbid.

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_kind", String(16), nullable=False),  # payment | customer
    Column("subject_id", String(255), nullable=False),  # the payment's id, the customer's key
    Column("status", String(16), nullable=False),  # open | closed
    Column("opened_at", String(32), nullable=False),
    Column("closed_at", String(32)),
    CheckConstraint("status IN ('open', 'closed')", name="ck_cases_status"),
)
# one open case per subject: a later hit on the same payment or customer joins it
Index("ux_cases_open_subject", cases.c.subject_kind, cases.c.subject_id, unique=True,
      sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'"))

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("party_key", String(512), nullable=False),  # the screened party, as the caller keys it
    Column("party_name", Text, nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("entity_version", String(64), nullable=False),  # Entity.version() of the listed entity
    # not a foreign key: a screener may answer from an index built without the store
    Column("snapshot_id", Integer, nullable=False),
    Column("score", Float, nullable=False),  # the best score among the alert's hits
    Column("kind", String(16), nullable=False),  # what matched in that best hit: name, bic, ...
    Column("evidence", Text, nullable=False),  # canonical JSON: every hit, best first
    Column("status", String(16), nullable=False),
    Column("opened_at", String(32), nullable=False),
    UniqueConstraint("case_id", "party_key", "entity_id", "entity_version", name="ux_alerts_hit"),
    CheckConstraint("status IN ('open', 'pending', 'escalated', 'true_match', "
                    "'false_positive')", name="ck_alerts_status"),
)
# the look-up that decides whether a false positive suppresses a new hit
Index("ix_alerts_party_entity", alerts.c.party_key, alerts.c.entity_id, alerts.c.entity_version)
Index("ix_alerts_case", alerts.c.case_id)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("disposition", String(16), nullable=False),  # true_match | false_positive | escalate
    Column("reason", Text),
    Column("decided_by", String(255), nullable=False),
    Column("decided_at", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # pending | final | rejected
    Column("reviewed_by", String(255)),  # who approved (final) or rejected it
    Column("reviewed_at", String(32)),
    Column("review_note", Text),
    CheckConstraint("disposition IN ('true_match', 'false_positive', 'escalate')",
                    name="ck_decisions_disposition"),
    CheckConstraint("state IN ('pending', 'final', 'rejected')", name="ck_decisions_state"),
    CheckConstraint("disposition <> 'false_positive' OR "
                    "(reason IS NOT NULL AND length(trim(reason)) > 0)",
                    name="ck_decisions_false_positive_reason"),
    # four eyes: pending has no reviewer; final or rejected has one, and not the decider
    CheckConstraint("(state = 'pending' AND reviewed_by IS NULL) OR (state <> 'pending' AND "
                    "reviewed_by IS NOT NULL AND lower(reviewed_by) <> lower(decided_by))",
                    name="ck_decisions_four_eyes"),
)
Index("ix_decisions_alert", decisions.c.alert_id)
# at most one decision waiting per alert, and at most one that resolves it
Index("ux_decisions_pending", decisions.c.alert_id, unique=True,
      sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'"))
Index("ux_decisions_resolved", decisions.c.alert_id, unique=True,
      sqlite_where=text("state = 'final' AND disposition <> 'escalate'"),
      postgresql_where=text("state = 'final' AND disposition <> 'escalate'"))

# -- the audit trail (moneytrail.store.audit): append-only, each record hashed with the last ---

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 ... no gaps
    Column("at", String(40), nullable=False),  # ISO timestamp, UTC, microseconds
    Column("actor", String(255), nullable=False),
    Column("action", String(32), nullable=False),  # alert.opened, decision.approved, ...
    Column("subject", String(600), nullable=False),  # what it is about: decision:12, payment:P1
    Column("body", Text, nullable=False),  # canonical JSON
    # unique: two appenders that read the same head cannot both write after it (no fork)
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
)

# The database refuses to change or remove a record, so a slip (a stray UPDATE, a clean-up
# script) cannot touch the trail. Someone who drops the triggers can: audit.verify catches that.
_APPEND_ONLY = "audit_log is append-only"
for _ddl in (
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
):
    event.listen(audit_log, "after_create", DDL(_ddl).execute_if(dialect="sqlite"))
for _ddl in (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
):
    event.listen(audit_log, "after_create", DDL(_ddl).execute_if(dialect="postgresql"))
