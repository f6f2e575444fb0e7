"""The graph of the real lists, built once for the graph tests."""

from __future__ import annotations

import pytest

from moneytrail.graph.model import Graph
from moneytrail.sources import detect

LIST_FILES = ("ofac_sdn_2024-05-03/sdn.csv", "un_2026-02-27/consolidated.xml",
              "uk_ofsi_2018-04-13/ConList.csv", "ofac_cons_2025-12/cons_prim.csv")


@pytest.fixture(scope="session")
def list_entities(lists_dir):
    """Every entity of the newest SDN, the UN list, UK OFSI and OFAC consolidated."""
    entities = []
    for rel in LIST_FILES:
        hit = detect(lists_dir / rel)
        entities.extend(hit.format.parse(hit.path))
    return entities


@pytest.fixture(scope="session")
def lists_graph(list_entities) -> Graph:
    return Graph.from_entities(list_entities)
