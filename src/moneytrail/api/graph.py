"""The service's graph routes (viewer): ownership, exposure and the neighbourhood of a node.

- ``GET /v1/graph/ownership/{entity_id}`` (``as_of``): the 50 percent rule's verdict with its
  proof, the current owners, look-through shares and the EU/UK flag
  (:func:`moneytrail.graph.ownership.ownership_report`);
- ``GET /v1/graph/exposure/{entity_id}`` (``max_hops``, ``limit``): the listed parties within a
  few hops, best first, each with its path (:func:`moneytrail.graph.exposure.exposure`);
  ``GET /v1/graph/exposure?name=...`` for a name on no list: screened first, it starts from the
  list entities it matches (a graph built for the request: a second or two);
- ``GET /v1/graph/neighbourhood/{entity_id}`` (``hops``): the nodes within ``hops`` links and the
  edges between them, each edge with its provenance; at most :data:`MAX_NODES` nodes and
  :data:`MAX_EDGES` edges, ``truncated`` saying when more were there.

The graph is built from the snapshots of the lists in service (the ``Serving`` a request holds),
on the first graph request of each generation, and kept until the next generation's first
request; so is the 50 percent rule over the whole graph for each day asked (today unless
``as_of``; a few days kept). ``entity_id`` is a node id (``ofac_sdn:27307``, a value node's
``crypto:...``); a name is a ``404`` that says to find the id with ``/search/default``.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from moneytrail.api.service import Service, Serving
from moneytrail.graph.build import build_graph
from moneytrail.graph.exposure import exposure
from moneytrail.graph.model import Graph
from moneytrail.graph.ownership import BlockStatus, ofac_blocked, ownership_report
from moneytrail.graph.user import add_user_data_from_store, name_data, party_id

MAX_NODES = 500
MAX_EDGES = 2_000
DAYS_KEPT = 8  # 50 percent rule answers kept per graph, by day asked

NodeId = Annotated[str, Path(max_length=255, description="A node id, such as `ofac_sdn:27307`")]
AsOf = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$",
                                   description="The day the stakes are read on (ISO date); "
                                               "today by default")]


class _Loaded:
    """One generation's graph and the 50 percent rule's answers over it, by day."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.statuses: dict[str, dict[str, BlockStatus]] = {}
        self.lock = threading.Lock()

    def blocked(self, day: str) -> dict[str, BlockStatus]:
        found = self.statuses.get(day)
        if found is None:
            with self.lock:  # one computation per day, however many requests ask at once
                found = self.statuses.get(day)
                if found is None:
                    if len(self.statuses) >= DAYS_KEPT:
                        self.statuses.pop(next(iter(self.statuses)))
                    found = self.statuses[day] = ofac_blocked(self.graph, as_of=day)
        return found


def graph_router(service: Service, access: Callable[[str], Any],
                 serving: Callable[[Request], Serving],
                 respond: Callable[[Any], Response]) -> APIRouter:
    """The routes over ``service``'s lists; ``access(role)`` is the app's key check,
    ``serving`` gives the lists in service for a request (and records their snapshots),
    ``respond`` makes the JSON response."""
    router = APIRouter(tags=["graph"])
    viewer = access("viewer")
    loaded: dict[int, _Loaded] = {}  # by generation: the one in service only
    lock = threading.Lock()

    def graph_of(now: Serving) -> _Loaded:
        found = loaded.get(now.generation)
        if found is not None:
            return found
        with lock:  # the build takes seconds on every list: once, not once per request
            found = loaded.get(now.generation)
            if found is None:
                store = service.store

                def entities():
                    for snap in now.snapshots:
                        if snap.id is not None:
                            yield from store.entities(snap.id)

                loaded.clear()  # the old generation's graph goes before the new one is built
                found = loaded[now.generation] = _Loaded(build_graph(entities()))
                # the graph lives as long as the generation: out of the collector's walks
                gc.collect(1)
                gc.freeze()
        return found

    def node_of(graph: Graph, entity_id: str) -> str:
        if entity_id in graph:
            return entity_id
        if graph.find(entity_id):
            raise HTTPException(404, f"{entity_id[:100]!r} is a name, not a node id: find the "
                                     "entity's id with /search/default?q=... and ask again")
        raise HTTPException(404, "no node with this id in the graph of the lists in service "
                                 "(ids look like ofac_sdn:27307; find one with /search/default)")

    def ownership_of(now: Serving, entity_id: str, as_of: str | None) -> dict[str, Any]:
        day = as_of or date.today().isoformat()
        got = graph_of(now)
        node_id = node_of(got.graph, entity_id)
        report = ownership_report(got.graph, node_id, as_of=day, statuses=got.blocked(day))
        return {"as_of": day, **report.to_dict(),
                "nodes": _nodes(got.graph, {s.owner for s in report.owners}
                                | {s.owner for s in report.status.proof}
                                | {lt.owner for lt in report.lookthrough}),
                "snapshots": list(now.snapshot_ids)}

    def exposure_of(now: Serving, entity_id: str, max_hops: int, limit: int) -> dict[str, Any]:
        graph = graph_of(now).graph
        node_id = node_of(graph, entity_id)
        found = exposure(graph, node_id, max_hops=max_hops, limit=limit)
        return {"entity": graph.node(node_id).to_dict(), "max_hops": max_hops,
                "exposure": [x.to_dict() for x in found],
                "nodes": _nodes(graph, {v for x in found for v in x.via}),
                "snapshots": list(now.snapshot_ids)}

    def exposure_of_name(now: Serving, name: str, max_hops: int, limit: int) -> dict[str, Any]:
        # a party on no list: screened, then placed beside the lists by what it matches (a
        # graph of its own: the lists' graph is never changed)
        added = add_user_data_from_store(service.store, name_data(name, "request"),
                                         now.screener)
        node_id = party_id(name)
        found = exposure(added.graph, node_id, max_hops=max_hops, limit=limit)
        return {"name": name, "screened": [p.to_dict() for p in added.parties
                                           if p.id == node_id],
                "max_hops": max_hops, "exposure": [x.to_dict() for x in found],
                "nodes": _nodes(added.graph, {v for x in found for v in x.via}),
                "snapshots": list(now.snapshot_ids)}

    def neighbourhood_of(now: Serving, entity_id: str, hops: int) -> dict[str, Any]:
        graph = graph_of(now).graph
        node_id = node_of(graph, entity_id)
        nodes, edges, truncated = _neighbourhood(graph, node_id, hops)
        return {"entity": node_id, "hops": hops, "truncated": truncated,
                "nodes": [graph.node(n).to_dict() for n in nodes],
                "edges": [e.to_dict() for e in edges],
                "snapshots": list(now.snapshot_ids)}

    @router.get("/v1/graph/ownership/{entity_id}", dependencies=[viewer],
                summary="The OFAC 50% rule's verdict for a node, with its proof; owners, "
                        "look-through shares, the EU/UK owned-or-controlled flag",
                responses={404: {"description": "No node with this id (or a name was sent)"}})
    async def ownership(request: Request, entity_id: NodeId, as_of: AsOf = None) -> Response:
        if as_of is not None:
            try:
                date.fromisoformat(as_of)
            except ValueError:
                raise HTTPException(422, [{"loc": ["query", "as_of"], "type": "value_error",
                                           "msg": "not a date"}]) from None
        now = serving(request)
        return respond(await run_in_threadpool(ownership_of, now, entity_id, as_of))

    @router.get("/v1/graph/exposure", dependencies=[viewer],
                summary="The listed parties within a few hops of a name on no list: the name "
                        "is screened and starts from the list entities it matches")
    async def graph_exposure_of_name(request: Request,
                                     name: Annotated[str, Query(min_length=1, max_length=200)],
                                     max_hops: Annotated[int, Query(ge=1, le=4)] = 3,
                                     limit: Annotated[int, Query(ge=1, le=500)] = 50
                                     ) -> Response:
        if not name.strip():
            raise HTTPException(422, [{"loc": ["query", "name"], "type": "value_error",
                                       "msg": "an empty name"}])
        now = serving(request)
        return respond(await run_in_threadpool(exposure_of_name, now, name.strip(), max_hops,
                                               limit))

    @router.get("/v1/graph/exposure/{entity_id}", dependencies=[viewer],
                summary="Listed parties within a few hops of a node, best first, each with "
                        "its path",
                responses={404: {"description": "No node with this id (or a name was sent)"}})
    async def graph_exposure(request: Request, entity_id: NodeId,
                             max_hops: Annotated[int, Query(ge=1, le=4)] = 3,
                             limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
        now = serving(request)
        return respond(await run_in_threadpool(exposure_of, now, entity_id, max_hops, limit))

    @router.get("/v1/graph/neighbourhood/{entity_id}", dependencies=[viewer],
                summary=f"Nodes within a few links of a node and the edges between them, with "
                        f"provenance (at most {MAX_NODES} nodes, {MAX_EDGES} edges)",
                responses={404: {"description": "No node with this id (or a name was sent)"}})
    async def neighbourhood(request: Request, entity_id: NodeId,
                            hops: Annotated[int, Query(ge=1, le=3)] = 2) -> Response:
        now = serving(request)
        return respond(await run_in_threadpool(neighbourhood_of, now, entity_id, hops))

    return router


def _nodes(graph: Graph, ids: set[str]) -> dict[str, dict[str, object]]:
    """The nodes an answer names, by id, so a client can show captions without asking again."""
    return {i: graph.node(i).to_dict() for i in sorted(ids) if i in graph}


def _neighbourhood(graph: Graph, start: str, hops: int) -> tuple[list[str], list[Any], bool]:
    """The nodes within ``hops`` links of ``start`` (breadth first, edges either way, a value
    node counting as a node), at most :data:`MAX_NODES`, and the edges among them, at most
    :data:`MAX_EDGES`; True when either bound cut something off."""
    seen = {start: 0}
    order = [start]
    frontier = [start]
    truncated = False
    for level in range(1, hops + 1):
        nxt = []
        for n in frontier:
            for edge in (*graph.out_edges(n), *graph.in_edges(n)):
                other = edge.dst if edge.src == n else edge.src
                if other in seen:
                    continue
                if len(order) >= MAX_NODES:
                    truncated = True
                    break
                seen[other] = level
                order.append(other)
                nxt.append(other)
        frontier = nxt
    edges = []
    for n in order:
        for edge in graph.out_edges(n):
            if edge.dst in seen:
                if len(edges) >= MAX_EDGES:
                    return order, edges, True
                edges.append(edge)
    return order, edges, truncated
