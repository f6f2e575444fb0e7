"""Four eyes: one analyst decides an alert, a second, different one approves (or rejects).

Every writer here runs in :func:`moneytrail.store.audit.writing`: the store's only audited
writer from its first read to its commit (``BEGIN IMMEDIATE`` on SQLite, the chain's advisory
lock on PostgreSQL), so what it checked is still true when it writes, and two concurrent
decisions on one alert, or two approvals of one decision, are taken one after the other: the
second sees the first and is refused (:class:`~moneytrail.cases.Conflict`). Behind that, the
database's own constraints refuse a second pending decision on an alert, a second resolution,
a final decision without a reviewer, and a reviewer who is the decider (``schema.decisions``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from moneytrail.cases.model import (
    ALERT_STATUS_OF,
    DISPOSITIONS,
    RESOLVED,
    Conflict,
    Decision,
    FourEyes,
    Invalid,
    NotFound,
)
from moneytrail.cases.records import (
    checked_actor,
    engine_of,
    read_decision,
    same_person,
    translating,
)
from moneytrail.store import audit
from moneytrail.store.schema import alerts, cases, decisions

MAX_TEXT = 4000  # a reason or a review note


def decide(store_or_engine: Any, alert_id: int, actor: str, disposition: str,
           reason: str | None = None) -> Decision:
    """Record ``actor``'s disposition of an alert as a pending decision and return it.

    ``disposition`` is ``true_match``, ``false_positive`` (a reason is required: why the party
    is not the listed entity) or ``escalate``. The alert must be open or escalated: an alert
    with a decision waiting, or already resolved, is a :class:`Conflict`. Nothing is final
    until a different person approves it (:func:`approve`).
    """
    engine, actor = engine_of(store_or_engine), checked_actor(actor)
    if disposition not in DISPOSITIONS:
        raise Invalid(f"disposition must be one of {', '.join(DISPOSITIONS)}, "
                      f"not {disposition!r}")
    reason = _text(reason, "reason")
    if disposition == "false_positive" and reason is None:
        raise Invalid("a false positive needs a reason: say why the party is not the listed "
                      "entity (it is remembered, and suppresses this alert from now on)")
    with translating(), audit.writing(engine) as conn:
        alert = conn.execute(select(alerts).where(alerts.c.id == alert_id)
                             .with_for_update()).mappings().first()
        if alert is None:
            raise NotFound(f"no alert with id {alert_id}")
        if alert["status"] == "pending":
            waiting = _pending(conn, alert_id)
            raise Conflict(f"alert {alert_id} already has a decision waiting for approval: "
                           f"decision {waiting['id']} ({waiting['disposition']}) by "
                           f"{waiting['decided_by']}; approve or reject it first")
        if alert["status"] in RESOLVED:
            raise Conflict(f"alert {alert_id} is already final: {alert['status']}")
        decision_id = conn.execute(insert(decisions).values(
            alert_id=alert_id, disposition=disposition, reason=reason, decided_by=actor,
            decided_at=audit.now(), state="pending")).inserted_primary_key[0]
        moved = conn.execute(update(alerts).where(
            alerts.c.id == alert_id, alerts.c.status.in_(("open", "escalated")))
            .values(status="pending"))
        if moved.rowcount != 1:  # only if a writer bypassed the lock: refuse rather than guess
            raise Conflict(f"alert {alert_id} changed while this decision was recorded")
        audit.append(conn, actor=actor, action="decision.recorded",
                     subject=f"decision:{decision_id}",
                     body={"alert_id": alert_id, "disposition": disposition},
                     rows=[(decisions, decision_id), (alerts, alert_id)])
        return read_decision(conn, decision_id)


def approve(store_or_engine: Any, decision_id: int, actor: str,
            note: str | None = None) -> Decision:
    """Make a pending decision final, as ``actor``, who must not be the person who made it
    (:class:`FourEyes`); return it.

    The alert takes the decision's status (``true_match``, ``false_positive``, or
    ``escalated``, which waits for a further decision); a case whose alerts are all resolved
    (true match or false positive) is closed. A decision that is not pending is a
    :class:`Conflict`.
    """
    return _review(store_or_engine, decision_id, actor, note, approving=True)


def reject(store_or_engine: Any, decision_id: int, actor: str, note: str) -> Decision:
    """Reject a pending decision, as ``actor`` (not its maker), saying why (``note`` is
    required); the alert returns to where it was (open, or escalated) for a new decision."""
    return _review(store_or_engine, decision_id, actor, note, approving=False)


def _review(store_or_engine: Any, decision_id: int, actor: str, note: str | None, *,
            approving: bool) -> Decision:
    engine, actor = engine_of(store_or_engine), checked_actor(actor)
    note = _text(note, "note")
    if not approving and note is None:
        raise Invalid("a rejection needs a note: say what is wrong with the decision")
    verb = "approve" if approving else "reject"
    with translating(), audit.writing(engine) as conn:
        found = conn.execute(select(decisions).where(decisions.c.id == decision_id)
                             .with_for_update()).mappings().first()
        if found is None:
            raise NotFound(f"no decision with id {decision_id}")
        if found["state"] != "pending":
            done = "approved" if found["state"] == "final" else "rejected"
            raise Conflict(f"decision {decision_id} is not pending: it was {done} by "
                           f"{found['reviewed_by']} at {found['reviewed_at']}")
        if same_person(actor, found["decided_by"]):
            raise FourEyes(f"decision {decision_id} was made by {found['decided_by']}; a "
                           f"second, different person must {verb} it")
        state = "final" if approving else "rejected"
        moved = conn.execute(update(decisions).where(
            decisions.c.id == decision_id, decisions.c.state == "pending").values(
            state=state, reviewed_by=actor, reviewed_at=audit.now(), review_note=note))
        if moved.rowcount != 1:
            raise Conflict(f"decision {decision_id} changed while it was being reviewed")
        alert_id = found["alert_id"]
        status = ALERT_STATUS_OF[found["disposition"]] if approving else \
            _status_before(conn, alert_id)
        moved = conn.execute(update(alerts).where(alerts.c.id == alert_id,
                                                  alerts.c.status == "pending")
                             .values(status=status))
        if moved.rowcount != 1:
            raise Conflict(f"alert {alert_id} was not waiting for decision {decision_id}")
        rows: list[tuple[Any, Any]] = [(decisions, decision_id), (alerts, alert_id)]
        case_id = conn.execute(select(alerts.c.case_id).where(alerts.c.id == alert_id)).scalar()
        closed = status in RESOLVED and _close_if_resolved(conn, case_id)
        if closed:
            rows.append((cases, case_id))
        action = "decision.approved" if approving else "decision.rejected"
        audit.append(conn, actor=actor, action=action,
                     subject=f"decision:{decision_id}",
                     body={"alert_id": alert_id, "disposition": found["disposition"],
                           "alert_status": status, "case_id": case_id, "case_closed": closed},
                     rows=rows)
        return read_decision(conn, decision_id)


def _pending(conn: Connection, alert_id: int) -> Any:
    return conn.execute(select(decisions).where(decisions.c.alert_id == alert_id,
                                                decisions.c.state == "pending")).mappings().first()


def _status_before(conn: Connection, alert_id: int) -> str:
    """Where a rejected decision leaves its alert: escalated if an approved escalation came
    before, else open."""
    escalated = conn.execute(select(func.count()).select_from(decisions).where(
        decisions.c.alert_id == alert_id, decisions.c.state == "final",
        decisions.c.disposition == "escalate")).scalar_one()
    return "escalated" if escalated else "open"


def _close_if_resolved(conn: Connection, case_id: int) -> bool:
    unresolved = conn.execute(select(func.count()).select_from(alerts).where(
        alerts.c.case_id == case_id, alerts.c.status.not_in(sorted(RESOLVED)))).scalar_one()
    if unresolved:
        return False
    moved = conn.execute(update(cases).where(cases.c.id == case_id, cases.c.status == "open")
                         .values(status="closed", closed_at=audit.now()))
    return moved.rowcount == 1


def _text(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"the {what} must be text")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise Invalid(f"the {what} is too long ({len(value):,} characters; at most {MAX_TEXT:,})")
    return value or None
