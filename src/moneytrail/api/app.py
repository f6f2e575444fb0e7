"""The screening service: FastAPI routes over :class:`~moneytrail.api.service.Service`.

A thin face: it checks who calls and what they send, turns requests into
:class:`~moneytrail.screening.Query` objects, calls the Screener of the lists in service and
writes the answer in the caller's dialect (:mod:`moneytrail.api.dialects`: yente's
``/match`` and ``/search``, Watchman's ``/v2/search``; our own ``/v1/screen``).

Routes and the role each needs (``viewer`` < ``analyst`` < ``admin``):

- open: ``/healthz``, ``/readyz``, ``/openapi.json``, ``/docs``;
- viewer: ``/lists``, ``/entities/{id}``, ``/search/{dataset}``, ``/metrics``, ``/algorithms``;
- analyst: ``/match/{dataset}``, ``/v2/search``, ``/v1/screen``;
- admin: ``/admin/reload``;
- cases (:mod:`moneytrail.api.cases`): viewer reads ``/v1/cases``, analyst decides and reviews;
- payments (:mod:`moneytrail.api.payments`): analyst, ``/v1/payments/screen``;
- graph (:mod:`moneytrail.api.graph`): viewer, ``/v1/graph/ownership|exposure|neighbourhood/{id}``.

Every request's body is limited in size (:class:`~moneytrail.api.observe.Guard`); request
models refuse unknown fields; malformed JSON, wrong types and values out of range are ``422``
with the field's location and what is wrong (the value sent is not echoed back).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Annotated, Any, Iterator

import orjson
from fastapi import Depends, FastAPI, HTTPException, Path, Request
from fastapi import Query as Param
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from moneytrail.api import dialects
from moneytrail.api.cases import cases_router
from moneytrail.api.config import (  # noqa: F401  (re-exported)
    ApiConfig,
    config_from_settings,
    configure_logging,
    uvicorn_options,
)
from moneytrail.api.dialects import (
    MatchRequest,
    MatchResponse,
    ScreenRequest,
    SearchResponse,
    WatchmanResponse,
)
from moneytrail.api.graph import graph_router
from moneytrail.api.observe import CallWriter, Guard, Metrics
from moneytrail.api.payments import payments_router
from moneytrail.api.security import LOCAL, KeyChecker, RateLimiter, token_of
from moneytrail.api.service import ReloadError, Service, Serving
from moneytrail.api.steps import Stepper
from moneytrail.screening import STEP_SECONDS
from moneytrail.store.access import ApiKey
from moneytrail.store.store import snapshot_to_dict

log = logging.getLogger("moneytrail.api")

MAX_MATCH_QUERIES = 100
MAX_SCREEN_QUERIES = 10_000


DatasetPath = Annotated[str, Path(max_length=64, description="`default` (every list) or a list "
                                                              "id such as `ofac_sdn`")]
EntityPath = Annotated[str, Path(max_length=255)]

#: How a key is presented, as the OpenAPI document declares it (checked by ``access``).
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API key: `Authorization: Bearer mt_...` (or `ApiKey mt_...`)"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
               "description": "An API key: `X-API-Key: mt_...`"},
}
OPEN_ROUTES = frozenset({"/healthz", "/readyz"})


def create_app(service: Service, config: ApiConfig = ApiConfig()) -> FastAPI:  # noqa: B008
    """The app over a loaded (or loading) service."""
    keys = KeyChecker(service.store)
    limiter = RateLimiter(config.rate)
    calls = CallWriter(service.store) if config.audit else None
    metrics = Metrics(lambda: _state(service))
    stepper = Stepper()  # long /match calls: least-served first (api/steps)
    # /v1/screen batches are screened on one thread of their own, chunk by chunk in turn:
    # each thread that bounds queries keeps a work array of up to 16 MB (match/index.py),
    # and on the shared pool's 40 threads concurrent batches took the process from 320 to
    # 500 MB; the matcher holds the GIL, so more threads never screened more names
    screening_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="moneytrail-screen")

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if not config.auth:
            for line in _NO_AUTH_BANNER:
                log.warning(line)
        if config.reload_every > 0:
            service.watch(config.reload_every)
        yield
        if calls is not None:
            calls.close()
        screening_thread.shutdown(wait=False, cancel_futures=True)
        service.close()

    app = FastAPI(
        title="moneytrail screening service",
        version="1",
        summary="Screen names against every sanctions list in service, in the yente and "
                "Watchman dialects or our own.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.metrics = metrics
    app.state.calls = calls
    app.add_middleware(Guard, max_body=config.max_body, metrics=metrics, calls=calls,
                       after=service.settle)
    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])

    # -- errors ------------------------------------------------------------------------

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""),
                   "type": e.get("type", "")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(ReloadError)
    async def not_ready(request: Request, exc: ReloadError) -> JSONResponse:
        return JSONResponse({"detail": "no lists are in service yet"}, status_code=503)

    # -- who is calling ----------------------------------------------------------------

    def access(role: str):
        async def check(request: Request) -> ApiKey:
            if not config.auth:
                key = LOCAL
                bucket = f"ip:{request.client.host if request.client else '-'}"
            else:
                headers = request.headers
                token = token_of(headers.get("authorization"), headers.get("x-api-key"))
                found = keys.check_cached(token) if token else None
                if found is None and token:
                    found = await run_in_threadpool(keys.check, token)
                if found is None:
                    raise HTTPException(401, "unauthorized",
                                        headers={"WWW-Authenticate": "Bearer"})
                key = found
                bucket = key.id
            request.scope["state"]["key"] = key
            if not key.allows(role):
                raise HTTPException(403, "forbidden")
            wait = limiter.take(bucket, key.rate)
            if wait > 0:
                raise HTTPException(429, "rate limit exceeded",
                                    headers={"Retry-After": str(max(1, round(wait + 0.5)))})
            return key

        return Depends(check)

    viewer, analyst, admin = access("viewer"), access("analyst"), access("admin")

    def serving(request: Request, dataset: str | None = None) -> Serving:
        now = service.current
        state = request.scope["state"]
        state["snapshots"] = now.snapshot_ids
        if dataset is not None:
            state["dataset"] = dataset[:64]
        return now

    def sources_of(now: Serving, dataset: str) -> frozenset[str] | None:
        """The lists a dataset name selects (None: all), or 404."""
        if dataset in dialects.ALL_DATASETS:
            return None
        if dataset in now.sources:
            return frozenset((dataset,))
        raise HTTPException(404, f"unknown dataset {dataset[:64]!r}; known: "
                                 f"{', '.join([*dialects.ALL_DATASETS, *sorted(now.sources)])}")

    def narrowed(now: Serving, sources: frozenset[str] | None, include: list[str],
                 exclude: list[str]) -> frozenset[str] | None:
        """yente's ``include_dataset`` / ``exclude_dataset`` applied to a dataset's lists."""
        unknown = sorted((set(include) | set(exclude)) - now.sources)
        if unknown:
            raise HTTPException(422, [{"loc": ["query", "include_dataset" if unknown[0] in
                                               include else "exclude_dataset"],
                                       "msg": f"unknown dataset {unknown[0][:64]!r}; known: "
                                              f"{', '.join(sorted(now.sources))}",
                                       "type": "value_error"}])
        chosen = now.sources if sources is None else sources
        if include:
            chosen = chosen & frozenset(include)
        chosen = chosen - frozenset(exclude)
        return None if chosen == now.sources else chosen

    async def strict_query(request: Request) -> None:
        """A query parameter the route does not take is a 422, not silently ignored (yente's
        ``topics`` or ``changed_since``, say: ignoring them would widen the answer)."""
        route = request.scope.get("route")
        if route is None or not request.query_params:
            return
        known = _query_names(route)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise HTTPException(422, [{"loc": ["query", name[:64]], "type": "extra_forbidden",
                                       "msg": "unknown or unsupported query parameter; this "
                                              f"route takes: {', '.join(sorted(known)) or 'none'}"}
                                      for name in unknown[:10]])

    app.router.dependencies.append(Depends(strict_query))
    app.include_router(cases_router(service.store, access))  # /v1/cases, decisions (api/cases)
    app.include_router(payments_router(service, access, serving, _json))  # api/payments
    app.include_router(graph_router(service, access, serving, _json))  # api/graph

    # -- probes ------------------------------------------------------------------------

    @app.get("/healthz", tags=["service"], summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"], summary="Lists are loaded; how the last reload went",
             responses={503: {"description": "No lists loaded yet"}})
    async def readyz() -> JSONResponse:
        if not service.ready:
            return JSONResponse({"status": "loading"}, status_code=503)
        now = service.current
        last = service.last_reload
        body = {"status": "ready" if last is None or last.ok else "degraded",
                "snapshots": list(now.snapshot_ids), "generation": now.generation,
                "reloading": service.reloading,
                "last_reload": last.to_dict() if last else None}
        if last is not None and last.error:
            body["last_reload"]["error"] = last.error[:300]
        return JSONResponse(body)

    @app.get("/metrics", tags=["service"], summary="Prometheus metrics",
             response_class=Response, dependencies=[viewer])
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    # -- lists and entities --------------------------------------------------------------

    @app.get("/lists", tags=["lists"], summary="Every snapshot in the store; which are in service",
             dependencies=[viewer])
    async def lists(request: Request) -> Response:
        now = serving(request)
        snaps = await run_in_threadpool(service.store.snapshots)
        in_service = set(now.snapshot_ids)
        return _json({"generation": now.generation,
                      "datasets": [*dialects.ALL_DATASETS, *sorted(now.sources)],
                      "snapshots": [{**snapshot_to_dict(s), "in_service": s.id in in_service}
                                    for s in snaps]})

    @app.get("/algorithms", tags=["yente"], summary="The matching algorithms (yente dialect)",
             dependencies=[viewer])
    async def algorithms() -> dict[str, Any]:
        return dialects.algorithms()

    @app.get("/entities/{entity_id}", tags=["lists"], dependencies=[viewer],
             summary="One entity as the lists in service hold it, with its relations",
             responses={404: {"description": "No list in service holds it"}})
    async def entity(request: Request,
                     entity_id: EntityPath) -> Response:
        now = serving(request)
        found = await run_in_threadpool(service.entity, now, entity_id)
        if found is None:
            raise HTTPException(404, "no list in service holds this entity")
        incoming = await run_in_threadpool(service.relations_in, now)
        body = await run_in_threadpool(dialects.entity_body, service, now, found,
                                       incoming.get(found.id, []))
        return _json(body)

    # -- screening -----------------------------------------------------------------------

    @app.post("/match/{dataset}", tags=["yente"], response_model=MatchResponse,
              summary="Match example entities (yente dialect), up to 100 per call",
              dependencies=[analyst])
    async def match(request: Request, dataset: DatasetPath, body: MatchRequest,
                    limit: Annotated[int, Param(ge=1, le=500)] = 5,
                    threshold: Annotated[float | None, Param(ge=0, le=1)] = None,
                    cutoff: Annotated[float, Param(ge=0, le=1)] = 0.0,
                    algorithm: Annotated[str, Param(max_length=64)] = dialects.DEFAULT_ALGORITHM,
                    include_dataset: Annotated[list[str], Param(max_length=20)] = [],
                    exclude_dataset: Annotated[list[str], Param(max_length=20)] = [],
                    exclude_entity_ids: Annotated[list[str], Param(max_length=50)] = [],
                    ) -> Response:
        dialects.check_algorithm(algorithm)
        now = serving(request, dataset)
        sources = narrowed(now, sources_of(now, dataset), include_dataset, exclude_dataset)
        queries = dialects.match_queries(body)
        request.scope["state"]["queries"] = len(queries)
        steps = dialects.match_response(now, queries, sources, limit, threshold, cutoff,
                                        frozenset(exclude_entity_ids), every=STEP_SECONDS)
        return _json(await stepper.run(steps))

    @app.get("/search/{dataset}", tags=["yente"], response_model=SearchResponse,
             summary="Text search with facets by list, schema, program and country",
             dependencies=[viewer])
    async def search(request: Request, dataset: DatasetPath,
                     q: Annotated[str, Param(min_length=1, max_length=500)],
                     schema: Annotated[str | None, Param(max_length=32)] = None,
                     countries: Annotated[list[str], Param(max_length=20)] = [],
                     programs: Annotated[list[str], Param(max_length=20)] = [],
                     datasets: Annotated[list[str], Param(max_length=20)] = [],
                     include_dataset: Annotated[list[str], Param(max_length=20)] = [],
                     exclude_dataset: Annotated[list[str], Param(max_length=20)] = [],
                     limit: Annotated[int, Param(ge=0, le=500)] = 10,
                     offset: Annotated[int, Param(ge=0, le=9_500)] = 0) -> Response:
        now = serving(request, dataset)
        sources = narrowed(now, sources_of(now, dataset), include_dataset, exclude_dataset)
        request.scope["state"]["queries"] = 1
        out = await run_in_threadpool(dialects.search_response, now, q, schema, sources,
                                      countries, programs, datasets, limit, offset)
        return _json(out)

    @app.get("/v2/search", tags=["watchman"], response_model=WatchmanResponse,
             summary="Search by name and attributes (Moov Watchman v2 dialect)",
             dependencies=[analyst])
    async def watchman(request: Request, params: Annotated[dialects.WatchmanParams,
                                                           Param()]) -> Response:
        now = serving(request, params.source or "default")
        request.scope["state"]["queries"] = 1
        steps = dialects.watchman_response(now, params, every=STEP_SECONDS)
        return _json(await stepper.run(steps))  # (in steps, as /match)

    @app.post("/v1/screen", tags=["moneytrail"],
              summary="Screen up to 10,000 queries; one JSON line per query, streamed",
              response_class=StreamingResponse, dependencies=[analyst],
              responses={200: {"content": {"application/x-ndjson": {}},
                               "description": "One line per query, in order, then a last line "
                                              "`{\"end\": true, \"count\": n}`"}})
    async def screen(request: Request, body: ScreenRequest) -> StreamingResponse:
        now = serving(request, body.dataset)
        sources = sources_of(now, body.dataset)
        queries = dialects.screen_queries(body)
        request.scope["state"]["queries"] = len(queries)
        lines = dialects.screen_lines(now, queries, sources, body)
        return StreamingResponse(_on_thread(_chunks(lines), screening_thread),
                                 media_type="application/x-ndjson",
                                 headers={"X-Moneytrail-Snapshots":
                                          ",".join(map(str, now.snapshot_ids))})

    # -- administration ------------------------------------------------------------------

    @app.post("/admin/reload", tags=["service"], dependencies=[admin],
              summary="Load the newest snapshots beside the lists in service and swap",
              responses={409: {"description": "A reload is already running"},
                         503: {"description": "The reload failed; the old lists stay"}})
    async def reload(request: Request) -> JSONResponse:
        request.scope["state"]["snapshots"] = service.current.snapshot_ids if service.ready \
            else ()
        status = await run_in_threadpool(service.reload, wait=False)
        body = {"status": "reloaded" if status.changed else "unchanged" if status.ok
                else "failed", **status.to_dict()}
        if not status.ok:
            code = 409 if status.error == "a reload is already running" else 503
            return JSONResponse(body, status_code=code)
        return JSONResponse(body)

    def openapi() -> dict[str, Any]:
        """The spec, with the key schemes on every route that needs a key."""
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, summary=app.summary,
                               routes=app.routes)
            spec.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
            for path, item in spec["paths"].items():
                if path not in OPEN_ROUTES:
                    for operation in item.values():
                        operation["security"] = [{"bearer": []}, {"apiKey": []}]
                        operation.setdefault("responses", {}).update({
                            "401": {"description": "No valid API key"},
                            "403": {"description": "The key's role does not allow this"},
                            "429": {"description": "Rate limit exceeded (see Retry-After)"}})
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


_NO_AUTH_BANNER = (
    "*" * 72,
    "AUTHENTICATION IS OFF (--no-auth): anyone who can reach this port may screen names,",
    "read every entity and reload the lists. Use it only on a machine of your own.",
    "*" * 72,
)


def _query_names(route: Any) -> frozenset[str]:
    """Every query parameter a route declares (its own and its dependencies'), cached."""
    names = getattr(route, "_moneytrail_query", None)
    if names is None:
        found: set[str] = set()
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            for param in dependant.query_params:
                model = param.field_info.annotation
                if isinstance(model, type) and issubclass(model, BaseModel):  # a params model
                    found.update(f.alias or n for n, f in model.model_fields.items())
                else:
                    found.add(param.alias)
            stack.extend(dependant.dependencies)
        names = frozenset(found)
        route._moneytrail_query = names
    return names


def _json(body: Any) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


async def _on_thread(chunks: Iterator[bytes], thread: Executor) -> AsyncIterator[bytes]:
    """The chunks, each made on ``thread`` (the loop goes on meanwhile)."""
    loop = asyncio.get_running_loop()
    while (chunk := await loop.run_in_executor(thread, next, chunks, None)) is not None:
        yield chunk


def _chunks(lines: Iterator[bytes], size: int = 64) -> Iterator[bytes]:
    """Lines grouped into chunks: one thread hop per chunk rather than per line."""
    pending: list[bytes] = []
    for line in lines:
        pending.append(line)
        if len(pending) >= size:
            yield b"".join(pending)
            pending = []
    if pending:
        yield b"".join(pending)


def _state(service: Service) -> dict[str, Any]:
    """What the metrics read from the service at each scrape."""
    now = service._current
    last = service.last_reload
    index = now.screener.index if now else None
    ages = []
    if now is not None:
        stamp = time.time()
        for snap in now.snapshots:
            published = _epoch(snap.published or snap.loaded_at)
            if published is not None:
                ages.append((snap.source, snap.id, max(0.0, stamp - published)))
    return {
        "entities": len(index) if index else 0,
        "names": index.name_count if index else 0,
        "keys": index.key_count() if index else 0,
        "generation": now.generation if now else 0,
        "reload_failures": service.reload_failures,
        "last_reload_ok": 1 if last is None or last.ok else 0,
        "last_reload_at": last.at if last else 0,
        "loaded_at": now.loaded_at if now else 0,
        "ages": ages,
    }


def _epoch(text: str | None) -> float | None:
    """Seconds since 1970 of an ISO date or timestamp (naive ones read as UTC)."""
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.timestamp()
