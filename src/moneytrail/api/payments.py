"""The service's payments route: ``POST /v1/payments/screen`` (analyst).

The body is a payment file as it comes: ISO 20022 XML (pacs.008, pacs.009, pain.001, pain.008;
one message or several) or SWIFT MT (MT103, MT202, MT101; several messages separated by
``$``), up to the service's body limit. The answer holds each payment's verdict (``pass`` or
``hold`` with its hits: see :mod:`moneytrail.payments.screen`), the messages that could not be
read (message index, field, why), and, with ``alerts`` (the default), the alerts the held
payments opened in the cases store, the calling key as the actor. A body that is not a payment
file at all is a ``422`` naming why.
"""

from __future__ import annotations

from typing import Annotated, Any, Callable

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from moneytrail import cases
from moneytrail.api.service import Service, Serving
from moneytrail.payments.parse import parse_bytes
from moneytrail.payments.screen import PaymentScreener, alert_hits

_BODY = {"content": {media: {"schema": {"type": "string", "format": "binary"}}
                     for media in ("application/xml", "text/plain")},
         "required": True,
         "description": "A payment file: ISO 20022 XML or SWIFT MT"}


def payments_router(service: Service, access: Callable[[str], Any],
                    serving: Callable[[Request], Serving],
                    respond: Callable[[Any], Response]) -> APIRouter:
    """The route over ``service``; ``access(role)`` is the app's key check, ``serving`` gives
    the lists in service for a request (and records their snapshots), ``respond`` makes the
    JSON response."""
    router = APIRouter(tags=["payments"])
    analyst = access("analyst")
    screeners: dict[int, PaymentScreener] = {}  # by generation: the one in service only

    def screener_of(now: Serving) -> PaymentScreener:
        found = screeners.get(now.generation)
        if found is None:
            screeners.clear()
            found = screeners[now.generation] = PaymentScreener(now.screener)
        return found

    def run(now: Serving, data: bytes, name: str, alerts: bool, actor: str) -> dict[str, Any]:
        parsed = parse_bytes(data, name)
        if parsed.errors and parsed.errors[0].message_index is None:
            raise HTTPException(422, str(parsed.errors[0]))
        results = screener_of(now).screen(parsed.payments)
        opened = None
        if alerts and any(r.hits for r in results):
            snapshot_of = {s.source: s.id for s in now.snapshots if s.id is not None}
            try:
                opened = cases.open_alerts(service.store, alert_hits(results, snapshot_of),
                                           actor=actor)
            except cases.CaseError as exc:
                raise HTTPException(503, f"alerts not recorded: {exc}") from None
        return {"payments": [r.to_dict() for r in results],
                "errors": [e.to_dict() for e in parsed.errors],
                "held": sum(1 for r in results if r.hits),
                "alerts": opened.to_dict() if opened is not None else None,
                "snapshots": list(now.snapshot_ids)}

    @router.post("/v1/payments/screen", openapi_extra={"requestBody": _BODY},
                 summary="Screen a payment file (ISO 20022 or SWIFT MT): pass or hold per "
                         "payment; held payments open alerts",
                 responses={422: {"description": "Not a payment file, or an empty body"}})
    async def screen_payments(
        request: Request,
        name: Annotated[str, Query(max_length=255, description="The file's name, for the "
                                                               "errors and the payments' source")
                        ] = "request",
        alerts: Annotated[bool, Query(description="Open alerts for held payments")] = True,
        key: Any = analyst,
    ) -> Response:
        now = serving(request)
        data = await request.body()
        if not data.strip():
            raise HTTPException(422, "the body is empty: send a payment file")
        out = await run_in_threadpool(run, now, data, name, alerts, key.id)
        request.scope["state"]["queries"] = len(out["payments"])
        return respond(out)

    return router
