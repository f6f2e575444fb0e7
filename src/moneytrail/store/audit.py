"""The audit trail: an append-only record of every change that matters, each hashed with the last.

A record is one row of ``audit_log``: ``seq`` (1, 2, 3 ... without gaps), when, who (the
actor), what (the action: ``snapshot.loaded``, ``alert.opened``, ``alert.suppressed``,
``decision.recorded``, ``decision.approved``, ``decision.rejected``, ``case.opened``,
``audit.started``), what about (the subject: ``decision:12``, ``payment:P-1``) and a body of
canonical JSON. Its hash is ``sha256(prev_hash + canonical([seq, at, actor, action, subject,
body]))``, ``prev_hash`` being the hash of record ``seq - 1`` (64 zeros for the first).

A record is appended in the same transaction as the change it records (:func:`append`), so the
change and its record are written together or not at all. A record that changes rows of the
audited tables (:data:`AUDITED`) carries their images after the change (``body["rows"]``); a
snapshot's image adds a digest of which entity versions it holds. :func:`verify` then proves
two things: the chain is whole (no record edited, removed or inserted; each one links to the one
before), and every row of the audited tables is as the chain last recorded it (no decision,
alert, case or snapshot changed, added or removed behind the trail's back; every stored entity
body still hashes to its version).

What it cannot prove on its own: that records were not cut off the end, nor that someone with
write access did not rebuild the whole chain from some record on. Both are caught against an
*anchor*, the ``(seq, hash)`` of a record kept outside the database (``moneytrail audit verify``
prints the head to keep; ``--anchor`` checks one).

Appends are serialised so the chain cannot fork: on PostgreSQL by a transaction-scoped advisory
lock taken before the head is read; on SQLite by the database's single writer (the transactions
of :func:`writing` start with ``BEGIN IMMEDIATE``). ``seq`` being the primary key and
``prev_hash`` unique, two appenders that somehow read the same head cannot both commit.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator

from sqlalchemy import Connection, Engine, Table, func, insert, select

from moneytrail.model import Snapshot, version_of
from moneytrail.store.schema import (
    alerts,
    audit_log,
    cases,
    decisions,
    entity_versions,
    snapshot_entities,
    snapshots,
)

GENESIS = "0" * 64  # the prev_hash of the first record
#: The tables whose rows the trail images; a row of one of these must match its last image.
AUDITED: dict[str, Table] = {"snapshots": snapshots, "cases": cases, "alerts": alerts,
                             "decisions": decisions}
_PG_LOCK = 0x6D74_6175_6474  # any constant: the advisory lock every appender takes ("mtaudt")
_PAGE = 5000


@dataclass(frozen=True)
class AuditRecord:
    """One record of the trail, as stored."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    body: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Problem:
    """One thing :func:`verify` found wrong: at which record (``seq``) and/or which row."""

    kind: str  # chain (a record), anchor (the chain against a kept anchor), row (a table row)
    seq: int | None
    row: str | None  # table:primary key, e.g. decisions:12
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "row": self.row, "reason": self.reason}


@dataclass(frozen=True)
class VerifyResult:
    """What :func:`verify` proved. ``ok`` only if no problem was found. ``first_bad_seq`` is
    the first record the chain breaks at; when the chain is whole but a row is not, the record
    holding that row's last image (None when no problem names a record)."""

    ok: bool
    count: int  # records read
    head_seq: int  # the last record's seq (0: empty trail)
    head_hash: str  # its hash: the anchor to keep outside the database
    problems: tuple[Problem, ...] = ()
    rows_checked: int = 0
    anchors_checked: int = 0

    @property
    def first_problem(self) -> Problem | None:
        # problems are sorted: the chain's (and anchors') first, by seq, then the rows'
        return self.problems[0] if self.problems else None

    @property
    def first_bad_seq(self) -> int | None:
        first = self.first_problem
        if first is not None and first.seq is None:  # a row nobody recorded: maybe a later one
            return next((p.seq for p in self.problems if p.seq is not None), None)
        return first.seq if first is not None else None

    @property
    def reason(self) -> str | None:
        """The first problem, in words (None when ok)."""
        first = self.first_problem
        return first.reason if first is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "count": self.count, "head_seq": self.head_seq,
                "head_hash": self.head_hash, "first_bad_seq": self.first_bad_seq,
                "reason": self.reason, "rows_checked": self.rows_checked,
                "anchors_checked": self.anchors_checked,
                "problems": [p.to_dict() for p in self.problems]}


def canonical(value: Any) -> str:
    """The one serialisation the trail hashes: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str,
                body: str) -> str:
    """The hash of a record: ``sha256(prev_hash + canonical([seq, at, actor, action, subject,
    body]))``, ``body`` being the stored canonical JSON text."""
    payload = canonical([seq, at, actor, action, subject, body])
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def now() -> str:
    """The current time in UTC, ISO, microseconds (records of one second stay apart)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# -- writing ------------------------------------------------------------------------------


def lock_chain(conn: Connection) -> None:
    """Hold the chain's lock until the transaction ends (PostgreSQL; a no-op elsewhere, where
    the caller's transaction must already be the only writer, as SQLite's is once it writes or
    began with ``BEGIN IMMEDIATE``). Taking it twice in one transaction is harmless."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_PG_LOCK)))


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that is the store's only audited writer from its first statement to its
    commit: everything it reads stays true until it commits, and its records extend the chain.

    SQLite: ``BEGIN IMMEDIATE`` (the write lock at once; a second writer waits for it, up to the
    driver's busy timeout). PostgreSQL: the chain's advisory lock (:func:`lock_chain`). Commits
    on leaving, rolls back on an exception.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            lock_chain(conn)
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction that sees the database as it was at its first read."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")  # the driver would run each SELECT on its own
        elif conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        try:
            yield conn
        finally:
            conn.rollback()


def append(conn: Connection, *, actor: str, action: str, subject: str,
           body: dict[str, Any] | None = None,
           rows: Iterable[tuple[Table, Any]] = ()) -> AuditRecord:
    """Append one record in the caller's transaction and return it.

    ``rows`` names the rows of :data:`AUDITED` tables this change wrote, as ``(table, primary
    key)``; their images, read back in this transaction, go into ``body["rows"]`` (so
    :func:`verify` can tell whether they changed since). The first record ever appended is
    preceded by an ``audit.started`` record imaging every audited row that already exists.
    """
    lock_chain(conn)
    images = {_key(table, pk): image(conn, table, pk) for table, pk in rows}
    head = _head(conn)
    if head is None:
        head = _start(conn, actor, exclude=set(images))
    full = dict(body or {})
    if images:
        full["rows"] = images
    return _insert(conn, head, actor, action, subject, full)


def record_snapshot(conn: Connection, snapshot: Snapshot, actor: str = "system") -> AuditRecord:
    """Record a list snapshot just written in ``conn``'s transaction (``snapshot.loaded``): its
    row and a digest of the entity versions it holds."""
    if snapshot.id is None:
        raise ValueError("record_snapshot needs a stored snapshot (with its id)")
    return append(conn, actor=actor, action="snapshot.loaded", subject=f"snapshot:{snapshot.id}",
                  body={"source": snapshot.source, "published": snapshot.published},
                  rows=[(snapshots, snapshot.id)])


def image(conn: Connection, table: Table, pk: Any) -> dict[str, Any] | None:
    """A row as the trail records it: every column, plus for a snapshot the digest of its
    entity versions (``_entities``). None if there is no such row."""
    (key_col,) = table.primary_key.columns
    row = conn.execute(select(table).where(key_col == pk)).mappings().first()
    if row is None:
        return None
    out = {name: _plain(value) for name, value in row.items()}
    if table is snapshots:
        out["_entities"] = _members_digest(conn, pk)
    return out


def _plain(value: Any) -> Any:
    # booleans and numbers as JSON has them; anything else (a driver's own type) as text
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _members_digest(conn: Connection, snapshot_id: Any) -> str:
    digest = hashlib.sha256()
    query = (select(snapshot_entities.c.entity_id, snapshot_entities.c.version,
                    snapshot_entities.c.schema, snapshot_entities.c.caption,
                    snapshot_entities.c.dprk)
             .where(snapshot_entities.c.snapshot_id == snapshot_id)
             .order_by(snapshot_entities.c.entity_id))
    for entity_id, version, schema, caption, dprk in conn.execute(query):
        # canonical() escapes tabs and newlines inside a caption: one line per entity
        digest.update((canonical([entity_id, version, schema, caption, bool(dprk)]) + "\n")
                      .encode("utf-8"))
    return digest.hexdigest()


def _key(table: Table, pk: Any) -> str:
    return f"{table.name}:{pk}"


def _head(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(select(audit_log.c.seq, audit_log.c.hash)
                       .order_by(audit_log.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row is not None else None


def _start(conn: Connection, actor: str, exclude: set[str]) -> tuple[int, str]:
    """The first record: images of every audited row written before the trail began (a store
    older than the trail), so that from here on every row is accounted for."""
    adopted: dict[str, Any] = {}
    for table in AUDITED.values():
        (key_col,) = table.primary_key.columns
        for pk in conn.execute(select(key_col).order_by(key_col)).scalars():
            if _key(table, pk) not in exclude:
                adopted[_key(table, pk)] = image(conn, table, pk)
    body: dict[str, Any] = {"adopted": len(adopted)}
    if adopted:
        body["rows"] = adopted
    record = _insert(conn, None, actor, "audit.started", "audit", body)
    return record.seq, record.hash


def _insert(conn: Connection, head: tuple[int, str] | None, actor: str, action: str,
            subject: str, body: dict[str, Any]) -> AuditRecord:
    seq, prev = (head[0] + 1, head[1]) if head is not None else (1, GENESIS)
    at, text = now(), canonical(body)
    digest = record_hash(prev, seq, at, actor, action, subject, text)
    conn.execute(insert(audit_log).values(seq=seq, at=at, actor=actor, action=action,
                                          subject=subject, body=text, prev_hash=prev,
                                          hash=digest))
    return AuditRecord(seq, at, actor, action, subject, body, prev, digest)


# -- reading and verifying ----------------------------------------------------------------


def records(engine: Engine, *, subject: str | None = None, after: int = 0,
            limit: int = 1000) -> list[AuditRecord]:
    """Records in chain order (of one subject, if given), from ``seq > after``."""
    query = select(audit_log).where(audit_log.c.seq > after).order_by(audit_log.c.seq)
    if subject is not None:
        query = query.where(audit_log.c.subject == subject)
    with engine.connect() as conn:
        return [_record(r) for r in conn.execute(query.limit(limit)).mappings()]


def _record(row: Any) -> AuditRecord:
    return AuditRecord(row["seq"], row["at"], row["actor"], row["action"], row["subject"],
                       json.loads(row["body"]), row["prev_hash"], row["hash"])


def parse_anchor(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` (as ``moneytrail audit verify`` prints the head) -> (seq, hash)."""
    seq, sep, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not sep or not seq.strip().isdigit() or len(digest) != 64 or \
            any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"an anchor is SEQ:HASH (a record number and its 64-hex-digit hash), "
                         f"not {text!r}")
    return int(seq), digest


def verify(engine: Engine, *, anchors: Iterable[tuple[int, str]] = (),
           rows: bool = True) -> VerifyResult:
    """Walk the chain from its first record and say whether it is whole.

    Chain: each record must be numbered one after the one before, hold that one's hash as its
    ``prev_hash``, and hash to its own ``hash``. An edited record fails at its own ``seq``; a
    removed one at the ``seq`` where it is missing; every other record is still checked, so one
    tampering is reported once. ``anchors`` (``(seq, hash)`` pairs kept outside the database)
    must each be in the chain: records cut off the end, or a chain rebuilt from some record
    on, fail against an anchor beyond or at that point.

    Rows (unless ``rows=False``): every row of :data:`AUDITED` must equal the image the chain
    last recorded of it (a row with no image, or an image with no row, is a problem), and
    every stored entity body must hash to its version.

    It reads one consistent view of the database (a single read transaction: repeatable read
    on PostgreSQL, one WAL snapshot on SQLite), so it may run while others write.
    """
    wanted = dict(anchors)
    problems: list[Problem] = []
    with _reading(engine) as conn:
        walk = _walk(conn, wanted, problems)
        for seq, digest in sorted(wanted.items()):
            if seq > walk.head_seq:
                problems.append(Problem(
                    "anchor", walk.head_seq + 1, None,
                    f"the anchor names record {seq} but the chain ends at record "
                    f"{walk.head_seq}: records {walk.head_seq + 1} to {seq} were removed "
                    "from its end"))
            elif walk.anchored.get(seq) != digest.lower():
                problems.append(Problem(
                    "anchor", seq, None,
                    f"record {seq} is not the one anchored (hash {digest[:12]}...): the "
                    "chain was rebuilt from there or before"))
        checked = _check_rows(conn, walk.images, problems) if rows else 0
    problems.sort(key=lambda p: (p.kind == "row", p.seq is None, p.seq or 0, p.row or ""))
    return VerifyResult(ok=not problems, count=walk.count, head_seq=walk.head_seq,
                        head_hash=walk.head_hash, problems=tuple(problems),
                        rows_checked=checked, anchors_checked=len(wanted))


@dataclass
class _Walk:
    count: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    anchored: dict[int, str] = field(default_factory=dict)  # seq -> stored hash
    images: dict[str, tuple[int, Any]] = field(default_factory=dict)  # row -> (seq, last image)


def _walk(conn: Connection, wanted: dict[int, str], problems: list[Problem]) -> _Walk:
    """The chain, record by record, in pages of :data:`_PAGE` (a long trail is not held)."""
    walk = _Walk()
    after = 0
    while True:
        page = conn.execute(select(audit_log).where(audit_log.c.seq > after)
                            .order_by(audit_log.c.seq).limit(_PAGE)).mappings().all()
        if not page:
            return walk
        for r in page:
            seq, expected = r["seq"], walk.head_seq + 1
            walk.count += 1
            # each check compares with the record as stored before it, so an edit or a removal
            # is reported where it happened and the records after it are still checked
            if seq != expected:
                gone = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
                problems.append(Problem("chain", expected, None,
                                        f"record {gone} missing: record {seq} follows record "
                                        f"{expected - 1}"))
            elif r["prev_hash"] != walk.head_hash:
                problems.append(Problem("chain", seq, None,
                                        f"record {seq} does not link to record {seq - 1} (its "
                                        "prev_hash is not that record's hash: one of the two "
                                        "was rewritten)"))
            if record_hash(r["prev_hash"], seq, r["at"], r["actor"], r["action"], r["subject"],
                           r["body"]) != r["hash"]:
                problems.append(Problem("chain", seq, None,
                                        f"record {seq} was changed: its content does not hash "
                                        "to its stored hash"))
            if seq in wanted:
                walk.anchored[seq] = r["hash"]
            for key, value in _row_images(r["body"]).items():
                walk.images[key] = (seq, value)
            walk.head_seq, walk.head_hash = seq, r["hash"]
        after = page[-1]["seq"]


def _row_images(body: str) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:  # an edited body: the hash check has reported it
        return {}
    found = parsed.get("rows") if isinstance(parsed, dict) else None
    return found if isinstance(found, dict) else {}


def _check_rows(conn: Connection, images: dict[str, tuple[int, Any]],
                problems: list[Problem]) -> int:
    """Every audited row against its last image; every entity body against its version."""
    checked = 0
    for table in AUDITED.values():
        (key_col,) = table.primary_key.columns
        prefix = f"{table.name}:"
        unseen = {k for k in images if k.startswith(prefix)}
        for row in _pages(conn, table, key_col):
            checked += 1
            key = f"{prefix}{row[key_col.name]}"
            unseen.discard(key)
            current = {name: _plain(value) for name, value in row.items()}
            if table is snapshots:
                current["_entities"] = _members_digest(conn, row[key_col.name])
            if images.get(key, (0, None))[1] is None:
                problems.append(Problem("row", None, key,
                                        f"{key} is not in the audit trail: it was written "
                                        "behind the trail's back"))
                continue
            seq, was = images[key]
            if current != was:
                changed = sorted(c for c in {*current, *was} if current.get(c) != was.get(c))
                problems.append(Problem("row", seq, key,
                                        f"{key} differs from its image in record {seq} "
                                        f"(column {', '.join(changed)})"))
        for key in sorted(unseen):
            seq, was = images[key]
            if was is not None:
                problems.append(Problem("row", seq, key,
                                        f"{key} was deleted: record {seq} holds it, the table "
                                        "no longer does"))
    for row in _pages(conn, entity_versions, entity_versions.c.version):
        checked += 1
        if version_of(row["body"]) != row["version"]:
            problems.append(Problem("row", None, f"entity_versions:{row['version']}",
                                    f"the stored body of entity version {row['version']} was "
                                    "changed: it no longer hashes to its version"))
    return checked


def _pages(conn: Connection, table: Table, key_col: Any) -> Iterator[Any]:
    after = None
    while True:
        query = select(table).order_by(key_col).limit(_PAGE)
        if after is not None:
            query = query.where(key_col > after)
        page = conn.execute(query).mappings().all()
        if not page:
            return
        yield from page
        after = page[-1][key_col.name]
