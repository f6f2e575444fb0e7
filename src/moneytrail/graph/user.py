"""A user's own data in the graph (issue 7, ``moneytrail graph add FILE``).

Two formats, told apart by content:

- **CSV** with a header row naming the columns ``source,target,relation,share,start_date,
  end_date`` (``share``, ``start_date`` and ``end_date`` may be left out or empty). ``source`` and
  ``target`` are a party's name, or the id of a node already in the graph (``ofac_sdn:27307``),
  which links the row to that node as it is. ``relation`` is one of :data:`RELATIONS`
  (``owns``, ``owned_by``, ``director_of``, ``has_director``, ``controls``, ``controlled_by``,
  ``operates``, ``operated_by``, ``family``, ``associate``, ``linked_to``, ``unknown_link``),
  read "source <relation> target". ``share`` is a percentage (``60``, ``60%``, ``12,5``; ownership
  only; empty = unknown, never zero); dates are ISO of any precision (``2024``, ``2024-03``,
  ``2024-03-10``). A bad row is reported (file, line, column, why) and the other rows are kept.
- **FollowTheMoney JSON lines**, read with the project's FtM parser
  (:mod:`moneytrail.sources.ftm_json`, found by :func:`moneytrail.sources.detect`): its Person,
  Company ... entities become parties with their identifiers and addresses (so a wallet or an
  address they share with a list entity joins them to it), their Ownership, Directorship,
  Family ... links become edges. A ``CryptoWallet`` whose ``holder`` is in the file is read as
  its holder's address, as the lists write wallets, so a wallet a customer shares with Lazarus
  Group is one hop between them. Parties get the id ``user:`` + their FtM id. That parser stops
  at the first bad line: the error names it, and nothing of the file is read.

:func:`add_user_data` screens every party against the lists with the
:class:`~moneytrail.screening.Screener` and returns a new graph: the lists' graph, the parties,
their stated links, and a link from each party that matches a list entity to that entity.

**A match stands for the listed party.** A party whose best match reaches the threshold *is*,
for this graph, that list entity: the links the user states for it are attached to the list
entity, so the 50 percent rule, look-through and exposure count them as the listed party's
(each such edge's provenance says so in its ``note``, with the score). A party below the
threshold keeps its own node and its links; a listed party's stake in a company never comes from
a name that merely resembles a listed one. The party's own node stays too, joined to the list
entity by a ``linked_to`` edge whose ``role`` is ``screened match, score 0.97`` (the graph's edge
kinds are a closed enum: there is no ``match`` kind), so the match is visible and checkable.

User data lists nobody: sanctions programs in a user's FtM file are dropped (a party is blocked
by a list in service, or by the stakes of blocked owners, never by the user's say-so).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.graph.build import RELATION_EDGES, build_graph
from moneytrail.graph.model import Edge, EdgeKind, Graph, Node, NodeKind, Provenance
from moneytrail.model import Entity, Identifier, IdKind, Name, NameKind, Schema
from moneytrail.names.text import normalize

if TYPE_CHECKING:
    from moneytrail.screening import Screener
    from moneytrail.store.store import Store

SOURCE = "user"  # Provenance.source and Node.source of everything a user adds
COLUMNS = ("source", "target", "relation", "share", "start_date", "end_date")
REQUIRED = ("source", "target", "relation")

#: CSV relation -> (edge kind, True when the edge runs target -> source).
RELATIONS: dict[str, tuple[EdgeKind, bool]] = {
    "owns": (EdgeKind.OWNERSHIP, False),
    "owned_by": (EdgeKind.OWNERSHIP, True),
    "director_of": (EdgeKind.DIRECTORSHIP, False),
    "has_director": (EdgeKind.DIRECTORSHIP, True),
    "controls": (EdgeKind.CONTROL, False),
    "controlled_by": (EdgeKind.CONTROL, True),
    "operates": (EdgeKind.OPERATOR, False),
    "operated_by": (EdgeKind.OPERATOR, True),
    "family": (EdgeKind.FAMILY, False),
    "associate": (EdgeKind.ASSOCIATE, False),
    "linked_to": (EdgeKind.LINKED_TO, False),
    "unknown_link": (EdgeKind.UNKNOWN_LINK, False),
}
MATCH_KIND = EdgeKind.LINKED_TO  # the closest kind to "screened as": see the module doc
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_ID = re.compile(r"^[a-z][a-z0-9_]*:\S+$")  # ofac_sdn:27307, ftm_zala:NK-..., user:acme
_SHARE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")


@dataclass(frozen=True, slots=True)
class UserError:
    """A part of a user's file that could not be read: the file, the line (1-based, the header
    is line 1) and the column where known, and why."""

    path: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"path": self.path, "line": self.line, "column": self.column,
                "message": self.message}


@dataclass(frozen=True, slots=True)
class UserLink:
    """One stated link between two parties, as read: ``src`` and ``dst`` are party ids
    (``user:...``) or ids of nodes the user named; ``holder`` is the party whose statement it
    is (the CSV row's source, the FtM entity holding the relation); ``field`` and ``value`` say
    where it was written and how, ``record`` identifies the statement (``file.csv:3``, an FtM
    Ownership id)."""

    src: str
    dst: str
    kind: EdgeKind
    holder: str
    field: str
    value: str | None = None
    record: str | None = None
    share: float | None = None
    role: str | None = None
    start_date: str | None = None
    end_date: str | None = None


@dataclass(frozen=True)
class UserData:
    """What :func:`read_user_edges` read from one file: the ``parties`` (entities with source
    ``user``; from a CSV they have one name and nothing else), the ``links`` between them, and the
    ``errors`` of the rows or lines that could not be read (those rows are left out, the others
    kept). ``format`` is ``csv`` or ``ftm``."""

    path: str
    format: str
    parties: tuple[Entity, ...] = ()
    links: tuple[UserLink, ...] = ()
    errors: tuple[UserError, ...] = ()
    named: frozenset[str] = frozenset()  # parties known by name only (no schema, nothing else)


def party_id(name: str) -> str:
    """The node id of a party the user names: ``user:`` + the name normalised
    (``Kim  Jong-Un`` and ``kim jong un`` are one party)."""
    return f"{SOURCE}:{normalize(name) or name.strip()}"


def name_data(name: str, where: str = "query") -> UserData:
    """One party known by ``name`` alone and no links, as if read from ``where``: what a face
    passes to :func:`add_user_data` to place a name that is not in the graph (the party, its
    screened match edge, and so whatever the match reaches) before asking for its exposure
    from :func:`party_id` of the name."""
    party = _named_party(name)
    return UserData(where, "csv", (party,), named=frozenset((party.id,)))


def read_user_edges(path: Path | str) -> UserData:
    """Read a user's file of parties and links: CSV (see the module doc) or FtM JSON lines.

    Never raises for the content: a file that is neither format, or unreadable, comes back with
    one error and nothing else; a CSV row that is wrong is reported with its line and column
    and the other rows are read. ``OSError`` if the file cannot be opened.
    """
    from moneytrail.sources import SourceError, detect

    path = Path(path)
    try:
        hit = detect(path)
    except (SourceError, ValueError):  # a sniffer choking on a file that is not its format
        hit = None
    if hit is not None and hit.format.name == "ftm_json":
        try:
            return _read_ftm(path)
        except SourceError as exc:
            return UserData(str(path), "ftm", errors=(
                UserError(str(path), exc.line, None, exc.reason),))
    return _read_csv(path)


def _read_csv(path: Path) -> UserData:
    name = str(path)
    errors: list[UserError] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return UserData(name, "csv", errors=(UserError(name, None, None,
                                                       f"not UTF-8: {exc.reason}"),))
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    columns = [c.strip().lower() for c in header] if header else []
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return UserData(name, "csv", errors=(UserError(
            name, 1, None, "neither an FtM JSON file nor a CSV with a header row naming "
                           f"{', '.join(COLUMNS)} (missing: {', '.join(missing)})"),))
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        errors.append(UserError(name, 1, unknown[0], f"unknown column (known: "
                                                     f"{', '.join(COLUMNS)}); ignored"))
    at = {c: columns.index(c) for c in COLUMNS if c in columns}
    parties: dict[str, Entity] = {}
    links: list[UserLink] = []
    file_name = path.name
    for line, row in enumerate(rows, 2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {c: (row[i].strip() if i < len(row) else "") for c, i in at.items()}
        row_errors = []
        for c in REQUIRED:
            if not cell[c]:
                row_errors.append(UserError(name, line, c, "empty"))
        relation = cell["relation"].lower().replace(" ", "_").replace("-", "_")
        if relation and relation not in RELATIONS:
            row_errors.append(UserError(name, line, "relation", f"unknown relation "
                                        f"{cell['relation'][:40]!r}; one of "
                                        f"{', '.join(RELATIONS)}"))
        share = None
        if cell.get("share"):
            found = _SHARE.match(cell["share"])
            value = float(found.group(1).replace(",", ".")) if found else None
            if value is None or not 0 < value <= 100:
                row_errors.append(UserError(name, line, "share", f"{cell['share'][:40]!r} is "
                                            "not a percentage above 0 and at most 100"))
            elif relation in RELATIONS and RELATIONS[relation][0] is not EdgeKind.OWNERSHIP:
                row_errors.append(UserError(name, line, "share", "a share is for owns or "
                                                                 "owned_by only"))
            else:
                share = value
        dates = {}
        for c in ("start_date", "end_date"):
            value = cell.get(c, "")
            if value and not _valid_date(value):
                row_errors.append(UserError(name, line, c, f"{value[:40]!r} is not an ISO "
                                                           "date (2024, 2024-03, 2024-03-10)"))
            dates[c] = value or None
        if not row_errors and dates["start_date"] and dates["end_date"] \
                and dates["end_date"] < dates["start_date"][:len(dates["end_date"])]:
            row_errors.append(UserError(name, line, "end_date", "before start_date"))
        if row_errors:
            errors.extend(row_errors)
            continue
        kind, reverse = RELATIONS[relation]
        ends = []
        for c in ("source", "target"):
            text = cell[c]
            if _ID.match(text):  # a node's id: linked as it is (resolved when added)
                ends.append(text)
                continue
            pid = party_id(text)
            if pid not in parties:
                parties[pid] = _named_party(text)
            ends.append(pid)
        s, t = ends
        src, dst = (t, s) if reverse else (s, t)
        links.append(UserLink(
            src=src, dst=dst, kind=kind, holder=s, field=f"{file_name} line {line} {relation}",
            value=",".join(row), record=f"{file_name}:{line}", share=share,
            start_date=dates["start_date"], end_date=dates["end_date"]))
    return UserData(name, "csv", tuple(parties.values()), tuple(links), tuple(errors),
                    named=frozenset(parties))


def _valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _named_party(text: str) -> Entity:
    """A party known by its name only. A CSV says nothing of what a party is; the model needs a
    schema, but the node is made without one (see add_user_data), so it is never shown."""
    pid = party_id(text)
    return Entity(id=pid, source=SOURCE, source_id=pid.partition(":")[2],
                  schema=Schema.ORGANIZATION, names=(Name(text),))


def _read_ftm(path: Path) -> UserData:
    from moneytrail.sources import ftm_json

    lines = ftm_json.read_lines(path)  # raises SourceError naming the line
    line_of = {str(line.entity.get("id")): line.line for line in lines}
    read = [e for e in ftm_json.parse(path) if e.schema.value != "Other"]
    ours = {e.id: f"{SOURCE}:{e.source_id}" for e in read}
    file_name = path.name
    # A CryptoWallet whose holder is in the file: its address is the holder's, as the lists
    # write a wallet (an identifier of its holder), so a shared address is one hop from the
    # holder, not two. The wallet is then no party of its own.
    wallets: dict[str, list[Identifier]] = {}
    folded: set[str] = set()
    for entity in read:
        holders = [v for k, v in entity.properties if k == "holder"]
        if entity.schema is Schema.WALLET and len(holders) == 1 and not entity.relations:
            holder = f"{entity.source}:{holders[0]}"
            if holder in ours and holder != entity.id:
                wallets.setdefault(holder, []).extend(
                    i for i in entity.identifiers if i.kind is IdKind.CRYPTO)
                folded.add(entity.id)
    read = [e for e in read if e.id not in folded]
    parties: list[Entity] = []
    links: list[UserLink] = []
    named: set[str] = set()
    for entity in read:
        pid = ours[entity.id]
        line = line_of.get(entity.source_id)
        where = f"{file_name} line {line}" if line is not None else file_name
        for i, rel in enumerate(entity.relations):
            kind, reverse = RELATION_EDGES.get(rel.kind, (EdgeKind.UNKNOWN_LINK, False))
            if rel.target:
                # an id in the file is that party; any other id is looked up in the graph when
                # the data is added (it may be a list entity: see add_user_data)
                target = ours.get(rel.target, rel.target)
            elif rel.target_name:
                target = party_id(rel.target_name)
                if target not in ours.values():
                    parties.append(_named_party(rel.target_name))
                    named.add(target)
                    ours[target] = target
            else:
                continue
            if target == pid:
                continue
            src, dst = (target, pid) if reverse else (pid, target)
            # the line of the statement itself (an Ownership record) when it has one
            stated = line_of.get(rel.id) if rel.id else None
            links.append(UserLink(
                src=src, dst=dst, kind=kind, holder=pid,
                field=f"{file_name} line {stated} {rel.kind.value}" if stated is not None
                else f"{where} relations[{i}] {rel.kind.value}",
                value=rel.target_name or rel.target, record=rel.id,
                share=rel.share if kind is EdgeKind.OWNERSHIP else None, role=rel.role,
                start_date=rel.start_date, end_date=rel.end_date))
        # the user's file lists nobody (module doc); relations are kept as links above
        parties.append(replace(entity, id=pid, source=SOURCE, programs=(), relations=(),
                               identifiers=(*entity.identifiers,
                                            *wallets.get(entity.id, ()))))
    return UserData(str(path), "ftm", tuple(_unique(parties)), tuple(links),
                    named=frozenset(named))


def _unique(parties: Iterable[Entity]) -> list[Entity]:
    seen: dict[str, Entity] = {}
    for p in parties:
        seen.setdefault(p.id, p)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class ScreenedParty:
    """One user party after screening: its best candidate on the lists (``candidate``, its
    ``score``; None when nothing scored) and whether it reached the threshold (``matched``:
    the party then stands for ``candidate``; see the module doc)."""

    id: str
    name: str
    candidate: str | None
    score: float | None
    matched: bool
    candidate_name: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"id": self.id, "name": self.name, "candidate": self.candidate,
                "candidate_name": self.candidate_name,
                "score": None if self.score is None else round(self.score, 4),
                "matched": self.matched}


@dataclass(frozen=True)
class AddResult:
    """The graph with the user's data (a new one: the lists' graph is not changed), the
    parties as screened, the number of stated links added, the threshold used, and the errors
    of the file (rows left out)."""

    graph: Graph
    parties: tuple[ScreenedParty, ...]
    links_added: int
    threshold: float
    errors: tuple[UserError, ...] = ()
    unresolved: tuple[str, ...] = field(default=())  # ids named by the user that no list has

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, as ``graph add --json`` would print it (the graph itself left out)."""
        return {"parties": [p.to_dict() for p in self.parties],
                "matched": sum(1 for p in self.parties if p.matched),
                "links_added": self.links_added, "threshold": self.threshold,
                "unresolved": list(self.unresolved),
                "errors": [e.to_dict() for e in self.errors]}


def add_user_data(entities: Iterable[Entity], data: UserData, screener: Screener, *,
                  threshold: float | None = None) -> AddResult:
    """The graph of ``entities`` (the lists' entities, as :func:`build_graph` takes them) with
    the user's ``data`` added, and how each party screened.

    Each party is screened with ``screener`` (its name, and for FtM parties everything else the
    file says: birth dates, countries, identifiers) at ``threshold`` (the screener's own when
    None). A party that matches stands for its best match (module doc); every party gets a node
    ``user:...`` with ``source`` ``user``, and a ``linked_to`` edge (role ``screened match, score
    …``) to the list entity it matches. Each stated link becomes an edge whose provenance names
    ``user``, the holding party, the file and line (``field``), the row as written (``value``),
    and, when an end was replaced by its match, how (``note``). A link to an id that is in
    neither the file nor the lists is kept, to a ``missing`` node, and the id listed in
    ``unresolved``. The lists' entities are needed, not their graph: a wallet, a passport or an
    address a party shares with a single list entity is a hub only once both are read.
    """
    from moneytrail.screening import Query

    threshold = screener.threshold if threshold is None else threshold
    parties = list(data.parties)
    # a party known by name only is screened by name, of any schema; one without a name (an
    # FtM wallet or address with no holder) is not screened
    named = [p for p in parties if p.names]
    queries = [Query(names=tuple(n.full for n in p.names)) if p.id in data.named
               else Query.from_entity(p) for p in named]
    found_for = dict(zip((p.id for p in named),
                         screener.match_many(queries, limit=1, threshold=threshold)
                         if queries else []))
    answers = [found_for.get(p.id, []) for p in parties]

    # FtM parties carry identifiers and addresses: they go through the build, so the shared
    # values join them to the lists. CSV parties carry a name only: their nodes are made here,
    # without a schema the file never gave.
    with_data = [p for p in parties if p.id not in data.named]
    graph = build_graph([*entities, *with_data])
    for p in parties:
        if p.id not in graph:
            graph._add_node(Node(id=p.id, kind=NodeKind.ENTITY, caption=p.caption,
                                 source=SOURCE))
            for n in p.names:
                if n.kind is not NameKind.WEAK_ALIAS:
                    graph._names.setdefault(normalize(n.full), []).append(p.id)

    screened: list[ScreenedParty] = []
    stands_for: dict[str, tuple[str, float]] = {}
    for party, found in zip(parties, answers):
        best = found[0] if found else None
        matched = bool(best and best.match and best.entity.id in graph)
        screened.append(ScreenedParty(
            id=party.id, name=party.caption, candidate=best.entity.id if best else None,
            score=best.score if best else None, matched=matched,
            candidate_name=best.entity.caption if best else None))
        if matched and best is not None:
            stands_for[party.id] = (best.entity.id, best.score)
            graph._add_edge(Edge(
                src=party.id, dst=best.entity.id, kind=MATCH_KIND,
                role=f"screened match, score {best.score:.2f}",
                provenance=Provenance(
                    source=SOURCE, entity_id=party.id, field="names",
                    value=best.query_name or party.caption, record=None,
                    note=f"screened: {best.matched_name or best.entity.caption!s} on "
                         f"{best.entity.source}, score {best.score:.4f} >= {threshold:.2f}")))

    by_suffix: dict[str, list[str]] | None = None
    unresolved: list[str] = []
    added = 0
    for link in data.links:
        ends = []
        notes = []
        for end in (link.src, link.dst):
            if end not in graph:
                # an FtM id from another dataset: the same FtM id on a list in service is that
                # entity (OpenSanctions ids are global); otherwise kept as a missing node
                if by_suffix is None:
                    by_suffix = {}
                    for node in graph.nodes(NodeKind.ENTITY):
                        by_suffix.setdefault(node.id.partition(":")[2], []).append(node.id)
                hits = by_suffix.get(end.partition(":")[2], [])
                if len(hits) == 1:
                    notes.append(f"{end} read as {hits[0]} (same FtM id)")
                    end = hits[0]
                else:
                    unresolved.append(end)
                    graph._add_node(Node(id=end, kind=NodeKind.MISSING, caption=end))
            if end in stands_for:
                target, score = stands_for[end]
                notes.append(f"{graph.node(end).caption!s} screened as {target}, "
                             f"score {score:.4f}")
                end = target
            ends.append(end)
        src, dst = ends
        if src == dst:
            continue  # a party stated to own its own match: no link
        graph._add_edge(Edge(
            src=src, dst=dst, kind=link.kind, share=link.share, role=link.role,
            start_date=link.start_date, end_date=link.end_date,
            provenance=Provenance(source=SOURCE, entity_id=link.holder, field=link.field,
                                  value=link.value, record=link.record,
                                  note="; ".join(notes) or None)))
        added += 1
    return AddResult(graph=graph, parties=tuple(screened), links_added=added,
                     threshold=threshold, errors=data.errors,
                     unresolved=tuple(dict.fromkeys(unresolved)))


def add_user_data_from_store(store: Store, data: UserData, screener: Screener, *,
                             threshold: float | None = None) -> AddResult:
    """:func:`add_user_data` over the snapshots ``screener`` was built from (the lists in
    service when it comes from :meth:`Screener.from_store`), read from ``store``."""
    ids = screener.index.snapshot_ids

    def entities() -> Iterable[Entity]:
        for snapshot_id in ids:
            yield from store.entities(snapshot_id)

    return add_user_data(entities(), data, screener, threshold=threshold)


def combine(datas: Iterable[UserData]) -> UserData:
    """Several files' data as one (what ``moneytrail graph add`` kept, and a name to place):
    each party once (a party only named in one file and described in another is the described
    one; else the first file's), every link and every error, in the order given."""
    datas = list(datas)
    parties: dict[str, Entity] = {}
    named: set[str] = set()
    for data in datas:
        for party in data.parties:
            only_named = party.id in data.named
            if party.id not in parties or (party.id in named and not only_named):
                parties[party.id] = party
                named.discard(party.id)
                if only_named:
                    named.add(party.id)
    formats = {d.format for d in datas}
    return UserData(path="; ".join(d.path for d in datas),
                    format=formats.pop() if len(formats) == 1 else "mixed",
                    parties=tuple(parties.values()),
                    links=tuple(link for d in datas for link in d.links),
                    errors=tuple(e for d in datas for e in d.errors), named=frozenset(named))
