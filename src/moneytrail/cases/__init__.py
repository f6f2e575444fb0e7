"""Cases: screening hits become alerts, alerts are reviewed with four eyes, all of it audited.

- A screener hands in :class:`Hit` objects (:func:`open_alerts`): one case per payment or
  customer (its open case, else a new one), one alert per party and listed entity version.
- An analyst records a disposition (:func:`decide`: true match, false positive with a
  reason, or escalate); it stays pending until a second, different analyst approves it
  (:func:`approve`) or rejects it (:func:`reject`). A case closes when every alert in it is
  resolved (true match or false positive).
- A final false positive is remembered for the party and the entity **version**: the same
  hit later opens no alert (it is recorded as suppressed), until the entity changes on a new
  list snapshot (a new version), when it alerts again.
- Every change is recorded in the same transaction in the hash-chained audit trail
  (:mod:`moneytrail.store.audit`), which ``moneytrail audit verify`` proves.

Tables: ``cases``, ``alerts``, ``decisions`` (:mod:`moneytrail.store.schema`); SQLite by
default, PostgreSQL by URL. Functions take a :class:`~moneytrail.store.Store` or an engine.
"""

from moneytrail.cases.alerts import open_alerts
from moneytrail.cases.model import (
    DISPOSITIONS,
    Alert,
    Case,
    CaseError,
    Conflict,
    Decision,
    FourEyes,
    Hit,
    Invalid,
    NotFound,
    OpenResult,
    Suppressed,
)
from moneytrail.cases.records import get_alert, get_case, get_decision, list_cases
from moneytrail.cases.review import approve, decide, reject

__all__ = [
    "DISPOSITIONS", "Alert", "Case", "CaseError", "Conflict", "Decision", "FourEyes", "Hit",
    "Invalid", "NotFound", "OpenResult", "Suppressed", "approve", "decide", "get_alert",
    "get_case", "get_decision", "list_cases", "open_alerts", "reject",
]
