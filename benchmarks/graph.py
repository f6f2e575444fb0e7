"""Benchmark: building the graph of the lists and of a synthetic million-edge ownership network,
and exposure queries at 3 hops on it; baseline networkx on the same edges, in the same run.

1. Every list in ``$MONEYTRAIL_DATA_DIR/lists`` (newest file per list, as the screening
   benchmark reads them) and the FtM networks in ``$MONEYTRAIL_DATA_DIR/ftm``: build time,
   nodes, edges (relations and shared-value edges), peak memory.
2. A synthetic ownership network of 1,000,000 edges: 250,000 companies, each holding four stakes
   (ownership, linked-to, directorship, associate) in others drawn at random, one in twenty
   listed. Build time and memory; :func:`moneytrail.graph.ofac_blocked` over all of it;
   :func:`moneytrail.graph.exposure` at 3 hops from 1,000 random starts: p50, p99,
   queries/s.
3. Baseline: networkx (``pip install -e '.[bench]'``), the library such work reaches for first:
   the same edges in a ``DiGraph``, and the parties within 3 hops of the same starts
   (``single_source_shortest_path_length`` on its undirected view; it finds the reachable set
   only, no scores, no paths), timed the same way.

Run: ``.venv/bin/python benchmarks/graph.py [--companies 250000] [--queries 1000]``.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import time

from moneytrail.graph import Graph, exposure, ofac_blocked
from moneytrail.model import Entity, Name, Program, Relation, RelationKind, Schema
from moneytrail.settings import Settings
from moneytrail.sources import detect
from screening import newest_entities  # noqa: E402  (benchmarks/ is on sys.path as a script)

SEED = 20261129
KINDS = (RelationKind.OWNS, RelationKind.LINKED_TO, RelationKind.DIRECTOR_OF,
         RelationKind.ASSOCIATE)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def synthetic(companies: int, rng: random.Random) -> list[Entity]:
    """Companies each holding one stake of every kind in others; one in twenty listed."""
    return [Entity(id=f"syn:{i}", source="syn", source_id=str(i), schema=Schema.ORGANIZATION,
                   names=(Name(f"COMPANY {i}"),),
                   programs=(Program("SYN"),) if i % 20 == 0 else (),
                   relations=tuple(Relation(kind=kind, target=f"syn:{rng.randrange(companies)}",
                                            share=float(rng.choice((10, 25, 30, 50, 60))))
                                   for kind in KINDS))
            for i in range(companies)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=250_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    data = Settings.from_env().data_dir

    entities = newest_entities(data / "lists")
    for path in sorted((data / "ftm").glob("*.ftm.json")):
        hit = detect(path)
        entities.extend(hit.format.parse(hit.path))
    gc.collect()
    start = time.perf_counter()
    lists = Graph.from_entities(entities)
    seconds = time.perf_counter() - start
    print(f"lists: {len(entities):,} entities -> {len(lists):,} nodes, {lists.edge_count:,} "
          f"edges in {seconds:.2f} s (target <= 10 s); peak memory so far {peak_mb():.0f} MB")
    del lists, entities

    made = synthetic(args.companies, rng)
    gc.collect()
    start = time.perf_counter()
    graph = Graph.from_entities(made)
    build_s = time.perf_counter() - start
    gc.freeze()  # (a long-lived holder freezes what it built: see docs/performance.md)
    print(f"synthetic: {len(graph):,} nodes, {graph.edge_count:,} edges built in {build_s:.1f} s; "
          f"peak memory {peak_mb():.0f} MB")
    start = time.perf_counter()
    statuses = ofac_blocked(graph)
    print(f"ofac_blocked over the whole graph: {time.perf_counter() - start:.2f} s, "
          f"{sum(s.blocked for s in statuses.values()):,} blocked "
          f"({sum(s.by_listing for s in statuses.values()):,} by listing)")

    starts = [f"syn:{rng.randrange(args.companies)}" for _ in range(args.queries)]
    times, reached = [], 0
    for node in starts:
        t = time.perf_counter()
        reached += len(exposure(graph, node, max_hops=3, limit=None))
        times.append(time.perf_counter() - t)
    ours = len(times) / sum(times)
    print(f"exposure, 3 hops, {len(starts):,} starts: p50 {percentile(times, 0.5):.1f} ms, "
          f"p99 {percentile(times, 0.99):.1f} ms (target <= 50 ms), {ours:,.0f} queries/s; "
          f"{reached / len(starts):,.1f} listed parties reached on average")

    try:
        import networkx as nx
    except ImportError:
        print("baseline: networkx not installed (pip install -e '.[bench]')")
        return
    gc.collect()
    start = time.perf_counter()
    nxg = nx.DiGraph()
    nxg.add_edges_from((e.src, e.dst, {"kind": e.kind.value}) for e in graph.edges())
    nx_build = time.perf_counter() - start
    undirected = nxg.to_undirected(as_view=True)
    times = []
    for node in starts:
        t = time.perf_counter()
        nx.single_source_shortest_path_length(undirected, node, cutoff=3)
        times.append(time.perf_counter() - t)
    theirs = len(times) / sum(times)
    print(f"baseline networkx {nx.__version__}: the same edges in {nx_build:.1f} s (ours "
          f"{build_s:.1f} s, from entities); reachable set at 3 hops p50 "
          f"{percentile(times, 0.5):.1f} ms, p99 {percentile(times, 0.99):.1f} ms, "
          f"{theirs:,.0f} queries/s: ours {ours / theirs:.2f}x (with scores and paths)")


if __name__ == "__main__":
    main()
