"""Reading cases, alerts and decisions back, and what the writers share (engine, actor, errors)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from moneytrail.cases.model import (
    CASE_STATUSES,
    MAX_ID,
    Alert,
    Case,
    CaseError,
    Conflict,
    Decision,
    Invalid,
    NotFound,
)
from moneytrail.store.schema import alerts, cases, decisions


def engine_of(store_or_engine: Any) -> Engine:
    """The engine of a :class:`~moneytrail.store.Store`, or the engine itself."""
    return getattr(store_or_engine, "engine", store_or_engine)


def checked_actor(actor: Any) -> str:
    """The actor as stored (trimmed); :class:`Invalid` if empty or too long."""
    if not isinstance(actor, str) or not actor.strip() or len(actor.strip()) > MAX_ID:
        raise Invalid(f"the actor must be a name or key id of 1 to {MAX_ID} characters, "
                      f"not {actor!r}")
    return actor.strip()


def same_person(a: str, b: str) -> bool:
    """Whether two actors are one person as far as four eyes goes (case and spaces aside)."""
    return a.strip().casefold() == b.strip().casefold()


@contextmanager
def translating() -> Iterator[None]:
    """The database's refusals as :class:`CaseError`: a constraint (a second decision that
    raced the first past every check) as :class:`Conflict`, a busy SQLite as a retry hint."""
    try:
        yield
    except DBAPIError as exc:
        if _violates_constraint(exc):
            raise Conflict(f"the store refused the change ({_what(exc)}): another writer got "
                           "there first, or it breaks a rule of cases") from exc
        if isinstance(exc, OperationalError) and "locked" in str(exc).lower():
            raise CaseError("the store is busy with another writer; try again") from exc
        raise


def _violates_constraint(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    # pg8000 raises only unique violations as IntegrityError; the SQLSTATE says the rest
    detail = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    return isinstance(detail, dict) and str(detail.get("C", "")).startswith("23")


def _what(exc: DBAPIError) -> str:
    detail = exc.orig.args[0] if exc.orig is not None and exc.orig.args else exc
    if isinstance(detail, dict):
        return str(detail.get("M", ""))[:200]
    text = str(detail).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


# -- reading ------------------------------------------------------------------------------


def list_cases(store_or_engine: Any, *, status: str | None = None,
               limit: int = 100) -> list[Case]:
    """The newest ``limit`` cases (of ``status``, if given), newest first, each with the count
    of its alerts by status (not the alerts themselves: :func:`get_case` reads those)."""
    if status is not None and status not in CASE_STATUSES:
        raise Invalid(f"case status must be one of {', '.join(CASE_STATUSES)}, not {status!r}")
    query = select(cases).order_by(cases.c.id.desc()).limit(limit)
    if status is not None:
        query = query.where(cases.c.status == status)
    with engine_of(store_or_engine).connect() as conn:
        rows = conn.execute(query).mappings().all()
        counts: dict[int, dict[str, int]] = {r["id"]: {} for r in rows}
        if counts:
            tally = (select(alerts.c.case_id, alerts.c.status, func.count())
                     .where(alerts.c.case_id.in_(list(counts)))
                     .group_by(alerts.c.case_id, alerts.c.status))
            for case_id, alert_status, n in conn.execute(tally):
                counts[case_id][alert_status] = n
    return [_case(r, counts[r["id"]]) for r in rows]


def get_case(store_or_engine: Any, case_id: int) -> Case:
    """One case with its alerts (oldest first) and each alert's decisions (oldest first);
    :class:`NotFound` if there is none."""
    with engine_of(store_or_engine).connect() as conn:
        return read_case(conn, case_id)


def get_alert(store_or_engine: Any, alert_id: int) -> Alert:
    """One alert with its decisions; :class:`NotFound` if there is none."""
    with engine_of(store_or_engine).connect() as conn:
        row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).mappings().first()
        if row is None:
            raise NotFound(f"no alert with id {alert_id}")
        return _alert(row, _decisions_of(conn, [alert_id]).get(alert_id, ()))


def get_decision(store_or_engine: Any, decision_id: int) -> Decision:
    """One decision; :class:`NotFound` if there is none."""
    with engine_of(store_or_engine).connect() as conn:
        return read_decision(conn, decision_id)


def read_case(conn: Connection, case_id: int) -> Case:
    """:func:`get_case` in a connection (or transaction) the caller holds."""
    row = conn.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
    if row is None:
        raise NotFound(f"no case with id {case_id}")
    alert_rows = conn.execute(select(alerts).where(alerts.c.case_id == case_id)
                              .order_by(alerts.c.id)).mappings().all()
    by_alert = _decisions_of(conn, [a["id"] for a in alert_rows])
    found = tuple(_alert(a, by_alert.get(a["id"], ())) for a in alert_rows)
    counts: dict[str, int] = {}
    for a in found:
        counts[a.status] = counts.get(a.status, 0) + 1
    return _case(row, counts, found)


def read_decision(conn: Connection, decision_id: int) -> Decision:
    """:func:`get_decision` in a connection (or transaction) the caller holds."""
    row = conn.execute(select(decisions).where(decisions.c.id == decision_id)).mappings().first()
    if row is None:
        raise NotFound(f"no decision with id {decision_id}")
    return _decision(row)


def _decisions_of(conn: Connection, alert_ids: list[int]) -> dict[int, tuple[Decision, ...]]:
    out: dict[int, list[Decision]] = {}
    if alert_ids:
        query = (select(decisions).where(decisions.c.alert_id.in_(alert_ids))
                 .order_by(decisions.c.id))
        for row in conn.execute(query).mappings():
            out.setdefault(row["alert_id"], []).append(_decision(row))
    return {k: tuple(v) for k, v in out.items()}


def _case(row: Any, counts: dict[str, int], found: tuple[Alert, ...] = ()) -> Case:
    return Case(id=row["id"], subject_kind=row["subject_kind"], subject_id=row["subject_id"],
                status=row["status"], opened_at=row["opened_at"], closed_at=row["closed_at"],
                counts=counts, alerts=found)


def _alert(row: Any, found: tuple[Decision, ...]) -> Alert:
    return Alert(id=row["id"], case_id=row["case_id"], party_key=row["party_key"],
                 party_name=row["party_name"], entity_id=row["entity_id"],
                 entity_version=row["entity_version"], snapshot_id=row["snapshot_id"],
                 score=row["score"], kind=row["kind"],
                 evidence=tuple(json.loads(row["evidence"])), status=row["status"],
                 opened_at=row["opened_at"], decisions=found)


def _decision(row: Any) -> Decision:
    return Decision(id=row["id"], alert_id=row["alert_id"], disposition=row["disposition"],
                    reason=row["reason"], decided_by=row["decided_by"],
                    decided_at=row["decided_at"], state=row["state"],
                    reviewed_by=row["reviewed_by"], reviewed_at=row["reviewed_at"],
                    review_note=row["review_note"])
