"""Ownership over the graph: OFAC's 50 percent rule, look-through shares, EU/UK "owned or
controlled". Three measures, kept apart because they answer different questions.

- :func:`ofac_blocked`: the rule as OFAC's FAQs 398-401 state it. Ownership only, not control
  or directorship. The stakes of all blocked persons in an entity are added up, whatever their
  programs; an entity whose blocked owners hold 50 percent or more in aggregate is blocked, and
  its own stakes then count in full towards what it owns: shares are *not* multiplied along a
  chain. A stake of a person who is not blocked never counts. A stake whose size the source
  does not give is unknown: it is reported, never read as zero or as enough.
- :func:`lookthrough`: economic ownership, multiplied along each chain and summed over chains
  (60 percent of 60 percent is 36 percent), for the cases the rule does not reach and an
  analyst still wants to see.
- :func:`owned_or_controlled`: the EU and UK test. Ownership of *more than* 50 percent (the
  OFAC rule says 50 percent *or more*), or control, or directorship, at every step of a chain
  from a listed party.

Stakes are read on a date (``as_of``, today by default): an ownership edge that ended before it,
or starts after it, holds nothing (FollowTheMoney registries keep ended stakes with their dates).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from moneytrail.graph.model import Edge, EdgeKind, Graph, Node, NodeKind

THRESHOLD = 50.0  # OFAC: "50 percent or more"
_EPS = 1e-9  # 25.1 + 24.9 must make 50 in floating point
MAX_DEPTH = 12  # look-through and owned-or-controlled chains longer than this are not followed
MAX_PATHS = 10_000  # look-through paths kept per query: dense cross-holdings grow exponentially

Listed = Callable[[Node], bool]


def _is_listed(node: Node) -> bool:
    return node.listed


def _today(as_of: str | None) -> str:
    return as_of or date.today().isoformat()


def _current_stakes(edges: list[Edge], day: str) -> list[Edge]:
    """The ownership edges among ``edges`` that hold on ``day``, each stake once.

    One stake can be stated at both ends (the owner's list entry names its subsidiary, the
    subsidiary's names its parent; FtM's record read twice): the same owner, owned, share and
    dates stated by the other end, or under the same record id, is that stake again and would
    count twice. The same figures stated twice by one entry in two records are two holdings.
    """
    out: list[Edge] = []
    first: dict[tuple[object, ...], tuple[str, str | None]] = {}
    for edge in edges:
        if edge.kind is not EdgeKind.OWNERSHIP or not edge.current(day):
            continue
        sig = (edge.src, edge.dst, edge.share, edge.start_date, edge.end_date)
        prov = edge.provenance
        seen = first.get(sig)
        if seen is not None and (seen[0] != prov.entity_id
                                 or (prov.record is not None and seen[1] == prov.record)):
            continue
        first.setdefault(sig, (prov.entity_id, prov.record))
        out.append(edge)
    return out


@dataclass(frozen=True, slots=True)
class Stake:
    """One ownership edge as a stake: ``owner`` holds ``share`` percent (None: unknown) of
    ``owned``; ``edge`` keeps the dates, the role and the provenance to check it by hand."""

    owner: str
    owned: str
    share: float | None
    edge: Edge

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: owner, owned, share (null when unknown), dates and provenance."""
        out = self.edge.to_dict()
        return {"owner": self.owner, "owned": self.owned, "share": self.share,
                **{k: out[k] for k in ("role", "start_date", "end_date") if k in out},
                "provenance": out["provenance"]}


@dataclass(frozen=True, slots=True)
class BlockStatus:
    """The 50 percent rule's answer for one node.

    ``blocked``: listed, or blocked owners hold 50 percent or more. ``by_listing``: it is on a
    list itself. ``blocked_share``: the sum of the known stakes of blocked owners. ``stakes``:
    those stakes; ``unknown``: stakes of blocked owners whose size is not known. ``undetermined``
    is True when the node is not blocked but would be if the unknown stakes were large enough: an
    analyst must find their size. ``proof``: for a node blocked by ownership, the stakes that
    block it followed down to listed owners (each owner blocked by ownership is proved in turn,
    before the stakes that rely on it), every stake with its provenance.
    """

    id: str
    blocked: bool
    by_listing: bool
    blocked_share: float
    stakes: tuple[Stake, ...] = ()
    unknown: tuple[Stake, ...] = ()
    # the fixed point's state, shared by every status of one run: a proof is walked when asked
    # for, so the rule over a long chain stays linear instead of proving every link's chain
    _proofs: _Proofs | None = field(default=None, repr=False, compare=False)

    @property
    def proof(self) -> tuple[Stake, ...]:
        """The stakes that block this node (empty unless it is blocked by ownership)."""
        if not self.blocked or self.by_listing or self._proofs is None:
            return ()
        return self._proofs.of(self.id)

    @property
    def undetermined(self) -> bool:
        """Not blocked, but blocked owners hold stakes of unknown size that could block it."""
        return not self.blocked and bool(self.unknown)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"id": self.id, "blocked": self.blocked, "by_listing": self.by_listing,
                "blocked_share": round(self.blocked_share, 6),
                "undetermined": self.undetermined,
                "stakes": [s.to_dict() for s in self.stakes],
                "unknown": [s.to_dict() for s in self.unknown],
                "proof": [s.to_dict() for s in self.proof]}


def ofac_blocked(graph: Graph, *, listed: Listed | None = None,
                 as_of: str | None = None) -> dict[str, BlockStatus]:
    """OFAC's 50 percent rule over the whole graph: a :class:`BlockStatus` for every entity,
    name and missing node (value nodes own nothing and are left out).

    ``listed`` says which nodes are blocked by listing (default: any sanctions program; pass a
    narrower test, such as OFAC programs only, to apply the rule strictly to OFAC's lists).
    The result is the least fixed point: starting from the listed nodes, an entity is blocked as
    soon as the stakes of blocked owners reach 50 percent, and each node is blocked at most once,
    so the computation ends on any graph, cycles included, in time linear in the edges.
    """
    listed = listed or _is_listed
    day = _today(as_of)
    how: dict[str, str] = {}  # blocked node -> "listing" | "ownership"
    queue: deque[str] = deque()
    for node in graph.nodes():
        if node.kind is not NodeKind.VALUE and listed(node):
            how[node.id] = "listing"
            queue.append(node.id)
    share: dict[str, float] = {}
    counted: dict[str, list[Stake]] = {}
    unknown: dict[str, list[Stake]] = {}
    while queue:
        owner = queue.popleft()
        for edge in _current_stakes(graph.out_edges(owner), day):
            if edge.dst == owner:
                continue
            stake = Stake(owner, edge.dst, edge.share, edge)
            if edge.share is None:
                unknown.setdefault(edge.dst, []).append(stake)
                continue
            counted.setdefault(edge.dst, []).append(stake)
            share[edge.dst] = share.get(edge.dst, 0.0) + edge.share
            if edge.dst not in how and share[edge.dst] >= THRESHOLD - _EPS:
                how[edge.dst] = "ownership"
                queue.append(edge.dst)

    proofs = _Proofs(how, counted)
    out: dict[str, BlockStatus] = {}
    for node in graph.nodes():
        if node.kind is NodeKind.VALUE:
            continue
        nid = node.id
        blocked_by = how.get(nid)
        out[nid] = BlockStatus(
            id=nid, blocked=blocked_by is not None, by_listing=blocked_by == "listing",
            blocked_share=share.get(nid, 0.0), stakes=tuple(counted.get(nid, ())),
            unknown=tuple(unknown.get(nid, ())), _proofs=proofs)
    return out


class _Proofs:
    """The fixed point's blocked nodes and counted stakes, and the proofs walked so far."""

    __slots__ = ("counted", "how", "memo")

    def __init__(self, how: dict[str, str], counted: dict[str, list[Stake]]) -> None:
        self.how = how
        self.counted = counted
        self.memo: dict[str, tuple[Stake, ...]] = {}

    def of(self, nid: str) -> tuple[Stake, ...]:
        """The proof of one node (see :func:`_proof`), walked once."""
        found = self.memo.get(nid)
        if found is None:
            found = self.memo[nid] = _proof(nid, self.how, self.counted)
        return found


def _proof(nid: str, how: dict[str, str], counted: dict[str, list[Stake]]) -> tuple[Stake, ...]:
    """The stakes that block ``nid``, each owner blocked by ownership proved first.

    Only blocked owners' stakes are in ``counted``. A depth-first walk with its own stack (an
    ownership chain may be longer than Python's recursion limit); an owner already proved, or
    on the current chain (a cross-holding), is not walked again.
    """
    chain: list[Stake] = []
    done: set[str] = set()
    on_path = {nid}
    # (node, its stakes still to emit, the stake to emit once the node is proved)
    stack: list[tuple[str, Iterator[Stake], Stake | None]] = [
        (nid, iter(counted.get(nid, ())), None)]
    while stack:
        node, stakes, then = stack[-1]
        for stake in stakes:
            owner = stake.owner
            if how.get(owner) == "ownership" and owner not in on_path and owner not in done:
                on_path.add(owner)
                stack.append((owner, iter(counted.get(owner, ())), stake))
                break
            chain.append(stake)
        else:
            stack.pop()
            on_path.discard(node)
            done.add(node)
            if then is not None:
                chain.append(then)
    return tuple(chain)


@dataclass(frozen=True, slots=True)
class LookThrough:
    """An owner's economic share of an entity: ``share`` is the sum over ``paths`` of the product
    of the stakes along each (percent); ``unknown_paths`` are chains with a stake of unknown
    size, whose contribution is not known and is not in ``share``."""

    owner: str
    share: float
    paths: tuple[tuple[Stake, ...], ...]
    unknown_paths: tuple[tuple[Stake, ...], ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"owner": self.owner, "share": round(self.share, 6),
                "paths": [[s.to_dict() for s in p] for p in self.paths],
                "unknown_paths": [[s.to_dict() for s in p] for p in self.unknown_paths]}


def lookthrough(graph: Graph, entity_id: str, *, as_of: str | None = None,
                max_depth: int = MAX_DEPTH) -> list[LookThrough]:
    """Every direct and indirect owner of ``entity_id`` with its look-through share: stakes
    multiplied along each chain of current ownership edges and summed over the chains, largest
    first. A chain never passes a node twice (cycles are cut where they close); chains longer
    than ``max_depth`` stakes, and paths past the first ``MAX_PATHS``, are not followed."""
    day = _today(as_of)
    known: dict[str, list[tuple[Stake, ...]]] = {}
    vague: dict[str, list[tuple[Stake, ...]]] = {}
    total: dict[str, float] = {}
    found = 0
    # depth-first over chains upwards: (node, product as a fraction or None, chain so far)
    stack: list[tuple[str, float | None, tuple[Stake, ...]]] = [(entity_id, 1.0, ())]
    while stack and found < MAX_PATHS:
        node, product, chain = stack.pop()
        if len(chain) >= max_depth:
            continue
        on_path = {entity_id, *(s.owner for s in chain)}
        for edge in reversed(_current_stakes(graph.in_edges(node), day)):
            if edge.src in on_path:
                continue
            stake = Stake(edge.src, node, edge.share, edge)
            path = (stake, *chain)  # owner first: read top-down, as a chain of holdings
            value = None if product is None or edge.share is None \
                else product * edge.share / 100.0
            found += 1
            if value is None:
                vague.setdefault(edge.src, []).append(path)
            else:
                known.setdefault(edge.src, []).append(path)
                total[edge.src] = total.get(edge.src, 0.0) + value
            stack.append((edge.src, value, path))
    owners = set(known) | set(vague)
    result = [LookThrough(owner=o, share=total.get(o, 0.0) * 100.0,
                          paths=tuple(known.get(o, ())), unknown_paths=tuple(vague.get(o, ())))
              for o in owners]
    result.sort(key=lambda lt: (-lt.share, lt.owner))
    return result


@dataclass(frozen=True, slots=True)
class OwnedOrControlled:
    """The EU/UK answer for one entity. ``flag``: a listed party reaches it through a chain of
    majority stakes (more than 50 percent), control or directorship; ``path`` is the shortest
    such chain, listed party first. ``possible``: no such chain, but one exists if stakes of
    unknown size are majorities; ``possible_path`` shows it."""

    id: str
    flag: bool
    possible: bool
    path: tuple[Edge, ...] = ()
    possible_path: tuple[Edge, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"id": self.id, "flag": self.flag, "possible": self.possible,
                "path": [e.to_dict() for e in self.path],
                "possible_path": [e.to_dict() for e in self.possible_path]}


_CONTROL_KINDS = (EdgeKind.OWNERSHIP, EdgeKind.CONTROL, EdgeKind.DIRECTORSHIP)


def owned_or_controlled(graph: Graph, entity_id: str, *, listed: Listed | None = None,
                        as_of: str | None = None,
                        max_depth: int = MAX_DEPTH) -> OwnedOrControlled:
    """Whether a listed party owns or controls ``entity_id``, as the EU and UK regimes read it.

    Walks up from the entity, breadth first, over current edges that confer ownership or
    control: a stake of more than 50 percent, a control edge, a directorship (the director
    controls the organisation). A stake of unknown size is followed as "possible" only. The
    entity's own listing is not the question here: a listed entity is flagged only if a listed
    party above it owns or controls it. Stakes of several listed parties are not added up:
    the EU and UK aggregate joint holdings case by case, which no list states.
    """
    listed = listed or _is_listed
    day = _today(as_of)
    # BFS states: (node, chain from node down to the entity, every step certain?)
    queue: deque[tuple[str, tuple[Edge, ...], bool]] = deque([(entity_id, (), True)])
    seen: dict[str, bool] = {entity_id: True}  # node -> reached by a certain chain
    possible: tuple[Edge, ...] | None = None
    while queue:
        node, chain, certain = queue.popleft()
        if len(chain) >= max_depth:
            continue
        for edge in graph.in_edges(node, _CONTROL_KINDS):
            if not edge.current(day) or edge.src == node:
                continue
            if edge.kind is EdgeKind.OWNERSHIP:
                if edge.share is not None and edge.share <= THRESHOLD:
                    continue
                step_certain = certain and edge.share is not None
            else:
                step_certain = certain
            if edge.src in seen and (seen[edge.src] or not step_certain):
                continue
            seen[edge.src] = step_certain
            path = (edge, *chain)
            if edge.src in graph and listed(graph.node(edge.src)):
                if step_certain:
                    return OwnedOrControlled(entity_id, True, False, path)
                if possible is None:
                    possible = path
            queue.append((edge.src, path, step_certain))
    return OwnedOrControlled(entity_id, False, possible is not None, (), possible or ())


@dataclass(frozen=True, slots=True)
class OwnershipReport:
    """Everything ``moneytrail graph ownership`` shows for one entity: its current direct
    ``owners`` (every stake, blocked owner or not, ``blocked_owners`` naming the blocked ones),
    the 50 percent rule's :class:`BlockStatus`, the look-through owners and the EU/UK flag."""

    node: Node
    owners: tuple[Stake, ...]
    blocked_owners: frozenset[str]
    status: BlockStatus
    lookthrough: tuple[LookThrough, ...]
    owned_or_controlled: OwnedOrControlled

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, as ``--json`` prints it."""
        return {"entity": self.node.to_dict(),
                "owners": [{**s.to_dict(), "owner_blocked": s.owner in self.blocked_owners}
                           for s in self.owners],
                "blocked": self.status.blocked, "by_listing": self.status.by_listing,
                "blocked_share": round(self.status.blocked_share, 6),
                "undetermined": self.status.undetermined,
                "unknown": [s.to_dict() for s in self.status.unknown],
                "proof": [s.to_dict() for s in self.status.proof],
                "lookthrough": [lt.to_dict() for lt in self.lookthrough],
                "owned_or_controlled": self.owned_or_controlled.to_dict()}


def ownership_report(graph: Graph, entity_id: str, *, listed: Listed | None = None,
                     as_of: str | None = None,
                     statuses: dict[str, BlockStatus] | None = None) -> OwnershipReport:
    """The ownership picture of one node (``KeyError`` if it is not in the graph).

    ``statuses`` is :func:`ofac_blocked`'s answer when the caller already has it (it covers the
    whole graph; a service computes it once per graph, not per question); otherwise it is
    computed here, with the same ``listed`` and ``as_of``.
    """
    node = graph.node(entity_id)
    day = _today(as_of)
    if statuses is None:
        statuses = ofac_blocked(graph, listed=listed, as_of=day)
    owners = tuple(Stake(e.src, e.dst, e.share, e)
                   for e in _current_stakes(graph.in_edges(entity_id), day))
    blocked = frozenset(s.owner for s in owners
                        if s.owner in statuses and statuses[s.owner].blocked)
    status = statuses.get(entity_id) or BlockStatus(entity_id, False, False, 0.0)
    return OwnershipReport(
        node=node, owners=owners, blocked_owners=blocked, status=status,
        lookthrough=tuple(lookthrough(graph, entity_id, as_of=day)),
        owned_or_controlled=owned_or_controlled(graph, entity_id, listed=listed, as_of=day))
