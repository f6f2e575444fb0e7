"""The vocabulary of cases: a hit (what a screener hands in), alerts, decisions, cases, errors."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

SUBJECT_KINDS = ("payment", "customer")
HIT_KINDS = ("name", "bic", "country", "text", "identifier")
DISPOSITIONS = ("true_match", "false_positive", "escalate")
#: What an approved decision makes of its alert. ``escalated`` is not resolved: the alert waits
#: for a further decision (true match or false positive), and its case stays open.
ALERT_STATUS_OF = {"true_match": "true_match", "false_positive": "false_positive",
                   "escalate": "escalated"}
RESOLVED = frozenset({"true_match", "false_positive"})  # alert statuses that are final
ALERT_STATUSES = ("open", "pending", "escalated", "true_match", "false_positive")
CASE_STATUSES = ("open", "closed")
MAX_KEY = 512  # party_key
MAX_ID = 255  # subject_id, entity_id, actor


class CaseError(Exception):
    """A cases operation was refused; nothing was written."""


class NotFound(CaseError):
    """No case, alert or decision with that id."""


class Invalid(CaseError):
    """The request itself is wrong (unknown disposition, a false positive without a reason...)."""


class Conflict(CaseError):
    """The alert or decision is not in a state that allows it (already decided, already final,
    not pending), or another writer got there first."""


class FourEyes(CaseError):
    """The reviewer is the person who made the decision: a second, different person must."""


@dataclass(frozen=True)
class Hit:
    """One screening hit, as a screener hands it to :func:`moneytrail.cases.open_alerts`.

    - ``subject_kind``/``subject_id``: what was screened (``payment`` and the payment's id, or
      ``customer`` and the customer's key); hits of one subject go into one case.
    - ``party_key``: a stable key of the screened party (say its role and casefolded name, or a
      customer id); a false positive is remembered for this key.
    - ``party_name``: the party as screened, for the analyst.
    - ``entity_id``, ``entity_version``: the listed entity (``ofac:12345``) and its content hash
      (:meth:`moneytrail.model.Entity.version`, the store's ``snapshot_entities.version``).
    - ``snapshot_id``: the snapshot that answered; ``score``: the match score.
    - ``kind``: what matched (``name``, ``bic``, ``country``, ``text``, ``identifier``).
    - ``detail``: the explanation, any JSON-able mapping.
    """

    subject_kind: str
    subject_id: str
    party_key: str
    party_name: str
    entity_id: str
    entity_version: str
    snapshot_id: int
    score: float
    kind: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        """Raise :class:`Invalid` naming the first field that cannot be stored."""
        if self.subject_kind not in SUBJECT_KINDS:
            raise Invalid(f"hit subject_kind must be one of {', '.join(SUBJECT_KINDS)}, "
                          f"not {self.subject_kind!r}")
        if self.kind not in HIT_KINDS:
            raise Invalid(f"hit kind must be one of {', '.join(HIT_KINDS)}, not {self.kind!r}")
        for name, limit in (("subject_id", MAX_ID), ("party_key", MAX_KEY),
                            ("entity_id", MAX_ID), ("entity_version", 64)):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip() or len(value) > limit:
                raise Invalid(f"hit {name} must be a non-empty string of at most {limit} "
                              f"characters, not {value!r}")
        if not isinstance(self.party_name, str):
            raise Invalid(f"hit party_name must be a string, not {self.party_name!r}")
        if isinstance(self.snapshot_id, bool) or not isinstance(self.snapshot_id, int):
            raise Invalid(f"hit snapshot_id must be an integer, not {self.snapshot_id!r}")
        if isinstance(self.score, bool) or not isinstance(self.score, (int, float)) or \
                not math.isfinite(self.score):
            raise Invalid(f"hit score must be a finite number, not {self.score!r}")
        try:
            json.dumps(dict(self.detail), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise Invalid(f"hit detail must be a JSON-able mapping: {exc}") from None

    def evidence(self) -> dict[str, Any]:
        """What an alert keeps of this hit (beside the party and entity it is about)."""
        return {"kind": self.kind, "score": float(self.score), "snapshot_id": self.snapshot_id,
                "party_name": self.party_name, "detail": dict(self.detail)}


@dataclass(frozen=True)
class Suppressed:
    """A hit that opened no alert: a final false positive for the same party and the same
    entity version (decision ``decision_id``, on alert ``alert_id``) stands."""

    subject_kind: str
    subject_id: str
    party_key: str
    entity_id: str
    entity_version: str
    decision_id: int
    alert_id: int
    audit_seq: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class OpenResult:
    """What :func:`moneytrail.cases.open_alerts` did with a batch of hits.

    ``case_ids``: the cases that hold the batch's alerts (opened or re-used), in the order of
    their subjects' first hits. ``alerts_opened``: ids of the new alerts.
    ``alerts_suppressed``: the hits a false positive suppressed. ``alerts_existing``: ids of
    alerts the open case already held for the same party and entity version (not opened twice).
    """

    case_ids: tuple[int, ...] = ()
    alerts_opened: tuple[int, ...] = ()
    alerts_suppressed: tuple[Suppressed, ...] = ()
    alerts_existing: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"case_ids": list(self.case_ids), "alerts_opened": list(self.alerts_opened),
                "alerts_suppressed": [s.to_dict() for s in self.alerts_suppressed],
                "alerts_existing": list(self.alerts_existing)}


@dataclass(frozen=True)
class Decision:
    """A disposition of one alert: ``pending`` until a different person approves (``final``)
    or rejects (``rejected``) it."""

    id: int
    alert_id: int
    disposition: str
    reason: str | None
    decided_by: str
    decided_at: str
    state: str
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    review_note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Alert:
    """One listed entity (in one version) hit by one party of a case's subject."""

    id: int
    case_id: int
    party_key: str
    party_name: str
    entity_id: str
    entity_version: str
    snapshot_id: int
    score: float
    kind: str
    evidence: tuple[dict[str, Any], ...]
    status: str
    opened_at: str
    decisions: tuple[Decision, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["evidence"] = list(self.evidence)
        out["decisions"] = [d.to_dict() for d in self.decisions]
        return out


@dataclass(frozen=True)
class Case:
    """The alerts of one payment or customer. ``counts``: its alerts by status; ``alerts``:
    the alerts themselves (with their decisions) when the case was read whole."""

    id: int
    subject_kind: str
    subject_id: str
    status: str
    opened_at: str
    closed_at: str | None
    counts: dict[str, int] = field(default_factory=dict)
    alerts: tuple[Alert, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "alerts"}
        out["counts"] = dict(self.counts)
        out["alerts"] = [a.to_dict() for a in self.alerts]
        return out
