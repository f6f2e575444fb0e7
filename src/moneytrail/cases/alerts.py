"""Hits in, alerts out: one case per payment or customer, one alert per party and entity version,
unless a final false positive for that party and that entity version stands."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, insert, select

from moneytrail.cases.model import RESOLVED, Hit, OpenResult, Suppressed
from moneytrail.cases.records import checked_actor, engine_of, translating
from moneytrail.store import audit
from moneytrail.store.schema import alerts, cases, decisions


def open_alerts(store_or_engine: Any, hits: Iterable[Hit], actor: str = "system") -> OpenResult:
    """Open alerts for a batch of hits, in one transaction, each change recorded in the audit.

    Hits are grouped by subject (``subject_kind``, ``subject_id``) into one case: the subject's
    open case if it has one, else a new one (a closed case is never reopened). Within a case,
    hits of one party on one entity version make one alert (the best score first in its
    evidence); a case that already holds that alert is left as it is (``alerts_existing``).

    A hit is suppressed (no alert; an ``alert.suppressed`` record naming the decision) when
    the last final resolution of the same ``party_key``, ``entity_id`` and
    ``entity_version`` is a false positive. A hit on another version of the entity (it changed
    on a newer list snapshot) is not suppressed: it alerts again. A subject whose hits are all
    suppressed gets no case.

    Raises :class:`~moneytrail.cases.Invalid` (nothing written) if any hit cannot be stored.
    """
    engine, actor = engine_of(store_or_engine), checked_actor(actor)
    subjects: dict[tuple[str, str], dict[tuple[str, str, str], list[Hit]]] = {}
    for hit in hits:
        hit.check()
        key = (hit.party_key, hit.entity_id, hit.entity_version)
        subjects.setdefault((hit.subject_kind, hit.subject_id), {}).setdefault(key, []).append(hit)
    if not subjects:
        return OpenResult()
    case_ids: list[int] = []
    opened: list[int] = []
    existing: list[int] = []
    suppressed: list[Suppressed] = []
    with translating(), audit.writing(engine) as conn:
        for (kind, subject_id), groups in subjects.items():
            case_id = None
            for (party_key, entity_id, version), group in groups.items():
                group.sort(key=lambda h: -h.score)  # stable: equal scores keep their order
                standing = _standing(conn, party_key, entity_id, version)
                if standing is not None and standing["disposition"] == "false_positive":
                    suppressed.append(_suppress(conn, actor, group, standing))
                    continue
                if case_id is None:
                    case_id = _case_for(conn, actor, kind, subject_id)
                    case_ids.append(case_id)
                found = conn.execute(select(alerts.c.id).where(
                    alerts.c.case_id == case_id, alerts.c.party_key == party_key,
                    alerts.c.entity_id == entity_id,
                    alerts.c.entity_version == version)).scalar()
                if found is not None:
                    existing.append(found)
                    continue
                opened.append(_open_alert(conn, actor, case_id, group))
    return OpenResult(case_ids=tuple(case_ids), alerts_opened=tuple(opened),
                      alerts_suppressed=tuple(suppressed), alerts_existing=tuple(existing))


def _standing(conn: Connection, party_key: str, entity_id: str, version: str) -> Any:
    """The last final resolution (true match or false positive) of this party on this entity
    version, in any case, or None. The last one counts: a false positive later overturned by a
    true match on another alert no longer suppresses."""
    query = (select(decisions.c.id, decisions.c.alert_id, decisions.c.disposition)
             .join(alerts, alerts.c.id == decisions.c.alert_id)
             .where(alerts.c.party_key == party_key, alerts.c.entity_id == entity_id,
                    alerts.c.entity_version == version, decisions.c.state == "final",
                    decisions.c.disposition.in_(sorted(RESOLVED)))
             .order_by(decisions.c.reviewed_at.desc(), decisions.c.id.desc()).limit(1))
    return conn.execute(query).mappings().first()


def _suppress(conn: Connection, actor: str, group: list[Hit], standing: Any) -> Suppressed:
    best = group[0]
    record = audit.append(conn, actor=actor, action="alert.suppressed",
                          subject=f"{best.subject_kind}:{best.subject_id}",
                          body={"party_key": best.party_key, "entity_id": best.entity_id,
                                "entity_version": best.entity_version,
                                "evidence": [h.evidence() for h in group],
                                "suppressed_by": standing["id"],
                                "alert_id": standing["alert_id"]})
    return Suppressed(best.subject_kind, best.subject_id, best.party_key, best.entity_id,
                      best.entity_version, standing["id"], standing["alert_id"], record.seq)


def _case_for(conn: Connection, actor: str, kind: str, subject_id: str) -> int:
    """The subject's open case, or a new one."""
    found = conn.execute(select(cases.c.id).where(
        cases.c.subject_kind == kind, cases.c.subject_id == subject_id,
        cases.c.status == "open")).scalar()
    if found is not None:
        return found
    case_id = conn.execute(insert(cases).values(
        subject_kind=kind, subject_id=subject_id, status="open",
        opened_at=audit.now())).inserted_primary_key[0]
    audit.append(conn, actor=actor, action="case.opened", subject=f"case:{case_id}",
                 rows=[(cases, case_id)])
    return case_id


def _open_alert(conn: Connection, actor: str, case_id: int, group: list[Hit]) -> int:
    best = group[0]
    alert_id = conn.execute(insert(alerts).values(
        case_id=case_id, party_key=best.party_key, party_name=best.party_name,
        entity_id=best.entity_id, entity_version=best.entity_version,
        snapshot_id=best.snapshot_id, score=float(best.score), kind=best.kind,
        evidence=audit.canonical([h.evidence() for h in group]), status="open",
        opened_at=audit.now())).inserted_primary_key[0]
    audit.append(conn, actor=actor, action="alert.opened", subject=f"alert:{alert_id}",
                 body={"case_id": case_id}, rows=[(alerts, alert_id)])
    return alert_id
