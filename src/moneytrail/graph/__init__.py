"""Networks of list entities (issue 7): the graph, ownership under the OFAC 50 percent rule and
the EU/UK "owned or controlled" test, look-through shares, and exposure within a few hops.

- :mod:`~moneytrail.graph.model`: :class:`Graph`, nodes, typed edges with provenance;
- :mod:`~moneytrail.graph.build`: the graph from entities or from the store's lists in service;
- :mod:`~moneytrail.graph.ownership`: :func:`ofac_blocked`, :func:`lookthrough`,
  :func:`owned_or_controlled`, :func:`ownership_report`;
- :mod:`~moneytrail.graph.exposure`: :func:`exposure`.
"""

from moneytrail.graph.exposure import Exposure, exposure
from moneytrail.graph.model import Edge, EdgeKind, Graph, Node, NodeKind, Provenance
from moneytrail.graph.ownership import (
    BlockStatus,
    LookThrough,
    OwnedOrControlled,
    OwnershipReport,
    Stake,
    lookthrough,
    ofac_blocked,
    owned_or_controlled,
    ownership_report,
)

__all__ = [
    "BlockStatus", "Edge", "EdgeKind", "Exposure", "Graph", "LookThrough", "Node", "NodeKind",
    "OwnedOrControlled", "OwnershipReport", "Provenance", "Stake", "exposure", "lookthrough",
    "ofac_blocked", "owned_or_controlled", "ownership_report",
]
