"""The service's cases routes: read cases (viewer), decide and review alerts (analyst).

- ``GET /v1/cases`` (``status``, ``limit``): cases, newest first, alerts counted by status;
- ``GET /v1/cases/{case_id}``: one case with its alerts and their decisions;
- ``POST /v1/alerts/{alert_id}/decisions`` (``disposition``, ``reason``): a pending decision;
- ``POST /v1/decisions/{decision_id}/approve`` (``note``): makes it final;
- ``POST /v1/decisions/{decision_id}/reject`` (``note``, required): sends the alert back.

The actor of a decision or a review is the calling key's id, so four eyes means two keys: the
key that decided cannot approve. (With ``--no-auth`` every caller is the one key ``local``, so
nothing can be approved through the service.) Errors: ``404`` unknown id, ``403`` the decider
reviewing their own decision, ``409`` a state that does not allow it (already decided, already
final, another analyst got there first), ``422`` a request that is wrong in itself.
"""

from __future__ import annotations

from typing import Annotated, Any, Callable, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from moneytrail import cases
from moneytrail.cases.review import MAX_TEXT
from moneytrail.store import Store
from moneytrail.store.access import ApiKey

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class DecisionRequest(BaseModel):
    """An analyst's disposition of an alert."""

    model_config = ConfigDict(extra="forbid")
    disposition: Literal["true_match", "false_positive", "escalate"]
    reason: str | None = Field(None, max_length=MAX_TEXT,
                               description="Why; required for a false positive")


class ReviewRequest(BaseModel):
    """A second analyst's approval or rejection of a pending decision."""

    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=MAX_TEXT,
                             description="Optional on approval, required on rejection")


def cases_router(store: Store, access: Callable[[str], Any]) -> APIRouter:
    """The routes over ``store``; ``access(role)`` is the app's key check for a role (it
    yields the calling :class:`~moneytrail.store.access.ApiKey`)."""
    router = APIRouter(tags=["cases"])
    viewer, analyst = access("viewer"), access("analyst")

    async def call(fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return await run_in_threadpool(fn, store, *args)
        except cases.CaseError as exc:
            raise HTTPException(_status(exc), str(exc)) from None

    @router.get("/v1/cases", summary="Cases, newest first, with their alerts counted by status")
    async def list_cases(
        status: Annotated[Literal["open", "closed"] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        key: ApiKey = viewer,
    ) -> dict[str, Any]:
        found = await call(lambda s: cases.list_cases(s, status=status, limit=limit))
        return {"cases": [c.to_dict() for c in found]}

    @router.get("/v1/cases/{case_id}", summary="One case: its alerts and their decisions",
                responses={404: {"description": "No such case"}})
    async def get_case(case_id: Id, key: ApiKey = viewer) -> dict[str, Any]:
        return (await call(cases.get_case, case_id)).to_dict()

    @router.post("/v1/alerts/{alert_id}/decisions", status_code=201,
                 summary="Record a disposition of an alert (pending until another key approves)",
                 responses={404: {"description": "No such alert"},
                            409: {"description": "The alert has a decision waiting, or is final"}})
    async def decide(alert_id: Id, body: DecisionRequest, key: ApiKey = analyst) -> dict[str, Any]:
        decision = await call(cases.decide, alert_id, key.id, body.disposition, body.reason)
        return decision.to_dict()

    @router.post("/v1/decisions/{decision_id}/approve",
                 summary="Approve a pending decision (a different key than the one that made it)",
                 responses={403: {"description": "The key that made the decision"},
                            404: {"description": "No such decision"},
                            409: {"description": "The decision is not pending"}})
    async def approve(decision_id: Id, body: ReviewRequest | None = None,
                      key: ApiKey = analyst) -> dict[str, Any]:
        note = body.note if body is not None else None
        return (await call(cases.approve, decision_id, key.id, note)).to_dict()

    @router.post("/v1/decisions/{decision_id}/reject",
                 summary="Reject a pending decision, saying why; the alert goes back for another",
                 responses={403: {"description": "The key that made the decision"},
                            404: {"description": "No such decision"},
                            409: {"description": "The decision is not pending"}})
    async def reject(decision_id: Id, body: ReviewRequest, key: ApiKey = analyst) -> dict[str, Any]:
        return (await call(cases.reject, decision_id, key.id, body.note)).to_dict()

    return router


def _status(exc: cases.CaseError) -> int:
    for kind, status in ((cases.NotFound, 404), (cases.FourEyes, 403), (cases.Conflict, 409),
                         (cases.Invalid, 422)):
        if isinstance(exc, kind):
            return status
    return 503  # the store was busy: try again
