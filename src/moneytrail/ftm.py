"""FollowTheMoney (FtM) <-> :class:`~moneytrail.model.Entity`, both ways, without loss.

FtM is the entity model of OpenSanctions and Aleph. An FtM file holds one JSON object per entity:
``{"id": ..., "schema": ..., "properties": {prop: [str, ...]}, ...}``. FtM spreads over several
entities what moneytrail keeps on one: a sanctioned company is a ``Company`` plus one
``Sanction`` per designation, one ``Ownership`` per shareholder, ``Address`` and ``Passport``
entities, and so on.

**FtM -> moneytrail** (:func:`ftm_to_entities`) turns every *thing* (Person, Organization, Company,
LegalEntity, PublicBody, Vessel, Airplane, CryptoWallet) into one :class:`Entity`; the property
tables below say which FtM property feeds which field (``name`` -> primary names, ``alias``,
``weakAlias``, ``previousName``, ``birthDate``, ``nationality``, ``passportNumber`` ...
``createdAt`` -> ``listed_on``, ``description`` -> ``remarks``). ``firstName``/``lastName`` are
per entity in FtM; they are given to the names made of them (:func:`_attach_name_parts`). Onto
each thing it folds the entities that belong to it:

- ``Sanction`` (by ``entity``) -> :class:`Program` (``id`` = the Sanction id, ``code`` = its
  ``program``, else its ``programId``);
- ``Ownership``, ``Directorship``, ``Family``, ``Associate``, ``UnknownLink``, ``Employment``,
  ``Membership``, ``Representation``, ``Occupancy`` -> :class:`Relation` (``id`` = the link's id) on
  the first side (owner, director, person, subject, ...) when that is a thing of the batch, else on
  the second side. The other side becomes ``Relation.target`` (``source:ftm_id``) whether or not
  it is in the batch: it may be in another dataset;
- ``Passport`` / ``Identification`` (by ``holder``) and ``Address`` entities (by the first thing
  whose ``addressEntity`` names them) are kept whole, see below. (The thing's own ``address`` and
  ``passportNumber`` values are read as addresses and identifiers.)

Everything the model has no field for is kept in ``Entity.properties``, in four namespaces:

- ``prop`` -> a value of the thing's own FtM property (``innCode``, ``flag``, ``topics``, ...);
- ``$key`` -> a top-level key of the thing's record (``datasets``, ``referents``, ``first_seen``,
  ``last_seen``, ``last_change``, ``target``, ``caption``), as JSON text;
- ``~name`` -> a marker that keeps the mapping exact (``~caption``/``~topics`` = ``none``: the
  record had no caption / topics where moneytrail would derive one);
- ``<ftm id>:prop``, ``<ftm id>:$key``, ``<ftm id>:~name`` -> the same three for an entity folded
  onto this one: the ``Sanction``'s ``provisions``, an ``Ownership``'s ``sharesCount``, a whole
  ``Address`` entity (marker ``~schema``). FtM ids never contain ``:``.

An entity that cannot be folded onto a thing of the batch (an ``Address`` nobody refers to, a
``Sanction`` whose target is elsewhere, a ``Position``) becomes a *carrier*: an Entity with
``schema`` Other, ``ftm_schema`` set to its FtM schema, no names, and all its values in
``properties`` (:func:`is_carrier`). Carriers match nothing; they exist so that nothing is lost.

**moneytrail -> FtM** (:func:`entity_to_ftm`) writes the thing (``topics: sanction`` when it has
programs) plus one FtM entity per program (``Sanction``), relation (``Ownership``, ...,
``UnknownLink`` for linked_to / operated_by / unknown_link), identifier with an issuing country,
note or asset (``Passport``, ``Identification`` with ``type`` = the kind, ``CryptoWallet`` with
``holder``, ``publicKey``, ``currency``; the number is also written on the thing), and address with
parts (``Address``; its full text is also the thing's ``address``). Those not taken from FtM get
deterministic ids derived from their content and holder (``<holder>-sanction-<hash>``); reading
them back recognises them as ours (writing the recognised object again gives the very same record)
and restores ``id=None``. A relation that names its target only by name gets a ``LegalEntity``
stub ``mt-name-<hash>`` holding that name, read back as ``target_name``.

What FtM cannot say (a ``firstName`` that is not visibly part of its name, a name's ``lang``, the
``original_script`` kind, names or identifiers interleaved across kinds, a relation with both target
and target name, a parser's property under a name the model maps) goes into one top-level key
``"moneytrail"`` of the thing's record: the exact model value of each field that reading the FtM
back would otherwise get wrong. FtM tools keep unknown top-level keys as context and ignore them.
It is written only when needed; records read from FtM never need it.

The ``dprk`` flags are not written: :func:`ftm_to_entities` recomputes them with
:func:`~moneytrail.sources.base.classify_dprk`, as every parser does. Where a parser marked a
program DPRK beyond what its code says, the programs go into the extension.

Round trips, both tested: FtM records -> entities -> FtM gives back the same records (same ids,
schemata, top-level keys, property values; FtM values are sets, and ``firstName``/``lastName``
values may come back in another order); entities -> FtM -> entities gives equal entities when they
are read back together, in the same order, under the same ``source``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Iterable, Iterator

from moneytrail.model import (
    Address,
    Entity,
    Identifier,
    IdKind,
    Name,
    NameKind,
    Program,
    Relation,
    RelationKind,
    Schema,
)
from moneytrail.sources.base import classify_dprk

EXTENSION = "moneytrail"  # the top-level key for what FtM cannot say
CORE_KEYS = ("id", "schema", "properties")

# --- the mapping, declared once ------------------------------------------------------------------

#: FtM thing schemata -> model schema. The first one listed for a model schema is its default.
THINGS: dict[str, Schema] = {
    "Person": Schema.PERSON,
    "Organization": Schema.ORGANIZATION,
    "Company": Schema.ORGANIZATION,
    "LegalEntity": Schema.ORGANIZATION,
    "PublicBody": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Airplane": Schema.AIRCRAFT,
    "CryptoWallet": Schema.WALLET,
}
DEFAULT_SCHEMA: dict[Schema, str] = {}
for _name, _schema in THINGS.items():
    DEFAULT_SCHEMA.setdefault(_schema, _name)

#: Name kind -> thing property. ``original_script`` names are written as ``name``; FtM has no
#: such kind, so reading them back needs the extension.
NAME_PROPS: dict[NameKind, str] = {
    NameKind.PRIMARY: "name",
    NameKind.ALIAS: "alias",
    NameKind.WEAK_ALIAS: "weakAlias",
    NameKind.FORMER: "previousName",
    NameKind.ORIGINAL_SCRIPT: "name",
}
NAME_KINDS: dict[str, NameKind] = {
    "name": NameKind.PRIMARY,
    "alias": NameKind.ALIAS,
    "weakAlias": NameKind.WEAK_ALIAS,
    "previousName": NameKind.FORMER,
}
#: Name parts. FtM keeps them per entity, not per name: see _attach_name_parts for how they are
#: given back to names; values no name takes stay in properties.
NAME_PARTS: dict[str, str] = {"given": "firstName", "family": "lastName"}

#: Entity tuple fields -> thing property (every value).
LIST_PROPS: dict[str, str] = {
    "birth_dates": "birthDate",
    "birth_places": "birthPlace",
    "death_dates": "deathDate",
    "nationalities": "nationality",
    "citizenships": "citizenship",
    "countries": "country",
    "titles": "title",
    "positions": "position",
    "notes": "notes",
}
#: Entity single-value fields -> thing property (first value; further values stay in properties).
SCALAR_PROPS: dict[str, str] = {
    "gender": "gender",
    "listed_on": "createdAt",
    "modified_on": "modifiedAt",
    "remarks": "description",
}

#: Identifier kind -> thing property, for identifiers without country, note or asset.
IDENTIFIER_PROPS: dict[IdKind, str] = {
    IdKind.PASSPORT: "passportNumber",
    IdKind.NATIONAL_ID: "idNumber",
    IdKind.IMO: "imoNumber",
    IdKind.MMSI: "mmsi",
    IdKind.CALL_SIGN: "callSign",
    IdKind.BIC: "swiftBic",
    IdKind.LEI: "leiCode",
    IdKind.REGISTRATION: "registrationNumber",
    IdKind.TAX_ID: "taxNumber",
    IdKind.EMAIL: "email",
    IdKind.PHONE: "phone",
    IdKind.WEBSITE: "website",
    IdKind.AIRCRAFT_SERIAL: "serialNumber",
}
#: Per-schema changes to IDENTIFIER_PROPS (None: no property, write an Identification entity).
IDENTIFIER_PROPS_BY_SCHEMA: dict[str, dict[IdKind, str | None]] = {
    "Airplane": {IdKind.AIRCRAFT_TAIL: "registrationNumber", IdKind.REGISTRATION: None},
    "CryptoWallet": {IdKind.CRYPTO: "publicKey"},
}
#: Identifier -> FtM entity, for identifiers that carry a country, note or asset (and crypto
#: addresses): the schema by kind (default Identification, whose ``type`` holds the kind).
IDENTIFICATION_SCHEMA: dict[IdKind, str] = {
    IdKind.PASSPORT: "Passport",
    IdKind.CRYPTO: "CryptoWallet",
}
IDENTIFICATION_PROPS: dict[str, dict[str, str]] = {  # schema -> Identifier field -> property
    "Passport": {"value": "number", "country": "country", "note": "summary"},
    "Identification": {"value": "number", "country": "country", "note": "summary"},
    "CryptoWallet": {"value": "publicKey", "asset": "currency", "country": "country",
                     "note": "summary"},
}
WALLET_ASSET_PROP = "currency"  # on a CryptoWallet thing: the asset of its one address

#: Sanction -> Program. ``code`` falls back to ``programId`` (marker ``~code``) when there is no
#: ``program``; ``dprk`` is derived, never written.
SANCTION = "Sanction"
SANCTION_HOLDER = "entity"
SANCTION_PROPS: dict[str, str] = {
    "code": "program",
    "authority": "authority",
    "listed_on": "startDate",
    "reason": "reason",
}
SANCTION_CODE_FALLBACK = "programId"

#: Address fields -> Address entity properties (for addresses with parts).
ADDRESS = "Address"
ADDRESS_PROPS: dict[str, str] = {
    "full": "full",
    "street": "street",
    "city": "city",
    "region": "region",
    "postal_code": "postalCode",
    "country": "country",
}


@dataclass(frozen=True)
class Link:
    """An FtM link schema: its two sides, the relation kind seen from each, its role property."""

    sides: tuple[str, str]
    kinds: tuple[RelationKind, RelationKind]
    role: str | None
    share: str | None = None


LINKS: dict[str, Link] = {
    "Ownership": Link(("owner", "asset"), (RelationKind.OWNS, RelationKind.OWNED_BY), "role",
                      "percentage"),
    "Directorship": Link(("director", "organization"),
                         (RelationKind.DIRECTOR_OF, RelationKind.HAS_DIRECTOR), "role"),
    "Family": Link(("person", "relative"), (RelationKind.FAMILY,) * 2, "relationship"),
    "Associate": Link(("person", "associate"), (RelationKind.ASSOCIATE,) * 2, "relationship"),
    "UnknownLink": Link(("subject", "object"), (RelationKind.UNKNOWN_LINK,) * 2, "role"),
    "Employment": Link(("employee", "employer"), (RelationKind.UNKNOWN_LINK,) * 2, "role"),
    "Membership": Link(("member", "organization"), (RelationKind.UNKNOWN_LINK,) * 2, "role"),
    "Representation": Link(("agent", "client"), (RelationKind.UNKNOWN_LINK,) * 2, "role"),
    "Occupancy": Link(("holder", "post"), (RelationKind.UNKNOWN_LINK,) * 2, None),
}
#: Relation kind -> (link schema, side of the holder) when writing. Employment, Membership,
#: Representation and Occupancy read as unknown_link with the marker ``~schema``.
KIND_LINKS: dict[RelationKind, tuple[str, int]] = {
    RelationKind.OWNS: ("Ownership", 0),
    RelationKind.OWNED_BY: ("Ownership", 1),
    RelationKind.DIRECTOR_OF: ("Directorship", 0),
    RelationKind.HAS_DIRECTOR: ("Directorship", 1),
    RelationKind.FAMILY: ("Family", 0),
    RelationKind.ASSOCIATE: ("Associate", 0),
    RelationKind.UNKNOWN_LINK: ("UnknownLink", 0),
    RelationKind.LINKED_TO: ("UnknownLink", 0),
    RelationKind.OPERATED_BY: ("UnknownLink", 0),
}
LINK_DATES: dict[str, str] = {"start_date": "startDate", "end_date": "endDate"}
STUB_SCHEMA = "LegalEntity"  # the stub that carries a relation's target_name
SANCTION_TOPIC = "sanction"  # the topic written on a thing with programs

#: Other FtM schemata: accepted and kept whole as carriers. Anything else is an unknown schema.
OTHER_SCHEMATA = frozenset({
    "Article", "Assessment", "Audio", "BankAccount", "Call", "CallForTenders", "Concession",
    "Contract", "ContractAward", "CourtCase", "CourtCaseParty", "Debt", "Document",
    "EconomicActivity", "Email", "Event", "Folder", "HyperText", "Image", "License", "Mention",
    "Message", "Note", "Package", "Page", "Pages", "Payment", "PlainText", "Position", "Project",
    "ProjectParticipant", "RealEstate", "Risk", "Security", "Similar", "Succession", "Table",
    "TaxRoll", "Territory", "Trip", "UserAccount", "Vehicle", "Video", "Workbook",
})
IDENTIFICATIONS = frozenset({"Passport", "Identification"})
KNOWN_SCHEMATA = frozenset(THINGS) | {SANCTION, ADDRESS} | frozenset(LINKS) | IDENTIFICATIONS \
    | OTHER_SCHEMATA


def _identifier_props(schema_name: str) -> dict[IdKind, str]:
    table: dict[IdKind, str | None] = dict(IDENTIFIER_PROPS)
    table.update(IDENTIFIER_PROPS_BY_SCHEMA.get(schema_name, {}))
    out = {kind: prop for kind, prop in table.items() if prop}
    assert len(set(out.values())) == len(out), f"{schema_name}: identifier properties not 1:1"
    return out


_ID_PROPS = {name: _identifier_props(name) for name in THINGS}
_ID_KINDS = {name: {prop: kind for kind, prop in table.items()}
             for name, table in _ID_PROPS.items()}
_LIST_FIELDS = {prop: name for name, prop in LIST_PROPS.items()}
_SCALAR_FIELDS = {prop: name for name, prop in SCALAR_PROPS.items()}
_ENTITY_FIELDS = tuple(f.name for f in fields(Entity))


class FtMError(ValueError):
    """An FtM record that cannot be read; ``index`` is its position in the input (0-based)."""

    def __init__(self, message: str, index: int | None = None) -> None:
        self.index = index
        self.reason = message
        super().__init__(message if index is None else f"record {index}: {message}")


def is_carrier(entity: Entity) -> bool:
    """Whether an entity only carries an FtM entity that is not a thing (see the module doc)."""
    return entity.ftm_schema is not None and entity.ftm_schema not in THINGS


# --- small helpers -------------------------------------------------------------------------------

def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _digest(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _derived_id(holder: str, tag: str, schema: str, props: dict[str, list[str]]) -> str:
    """The id moneytrail gives a sub-entity it writes: holder, kind of entity, content hash."""
    return f"{holder}-{tag}-{_digest(schema, props)[:16]}"


def stub_id(name: str) -> str:
    """The id of the LegalEntity stub that stands for a relation target known only by name."""
    return f"mt-name-{_digest(name)[:16]}"


def _to_ref(target: str, source: str) -> str:
    """Relation.target (``source:id``) -> FtM reference: the bare id within the same source."""
    prefix = source + ":"
    if target.startswith(prefix) and ":" not in target[len(prefix):] and len(target) > len(prefix):
        return target[len(prefix):]
    return target


def _to_target(ref: str, source: str) -> str:
    """FtM reference -> Relation.target. A reference with ``:`` already names its source."""
    return ref if ":" in ref else f"{source}:{ref}"


def _format_share(share: float) -> str:
    return str(int(share)) if share.is_integer() else repr(share)


def _parse_share(text: str) -> float | None:
    """A percentage as a float, only when writing it back gives the same text."""
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or _format_share(value) != text:
        return None
    return value


def _caption(names: Iterable[Name], fid: str) -> str:
    """The caption moneytrail writes: the first primary name, else the first name, else the id."""
    names = list(names)
    for name in names:
        if name.kind is NameKind.PRIMARY:
            return name.full
    return names[0].full if names else fid


def _assemble(mapped: Iterable[tuple[str, Iterable[str | None]]],
              rest: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Build FtM properties from mapped values and kept (prop, value) pairs.

    Mapped properties come first, in the order given, unless a kept pair names them too: then they
    come where the kept pairs put them, the mapped values first. Reading the result back (mapped
    props take their values, the rest is kept in order) restores the kept pairs in their order.
    Values are de-duplicated within a property, as FtM treats them as sets.
    """
    merged: dict[str, list[str]] = {}
    for prop, values in mapped:
        merged.setdefault(prop, []).extend(v for v in values if v is not None and v != "")
    kept: dict[str, list[str]] = {}
    for prop, value in rest:
        kept.setdefault(prop, []).append(value)
    out: dict[str, list[str]] = {}
    for prop, values in merged.items():
        if prop not in kept and values:
            out[prop] = _unique(values)
    for prop, values in kept.items():
        out[prop] = _unique(merged.get(prop, []) + values)
    return out


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _split_properties(pairs: Iterable[tuple[str, str]]):
    """Entity.properties -> own pairs, meta pairs ($), markers (~), folded groups by FtM id."""
    own: list[tuple[str, str]] = []
    meta: list[tuple[str, str]] = []
    marks: dict[str, str] = {}
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, value in pairs:
        if key.startswith("$"):
            meta.append((key[1:], value))
        elif key.startswith("~"):
            marks[key[1:]] = value
        elif ":" in key:
            sub, rest = key.split(":", 1)
            groups.setdefault(sub, []).append((rest, value))
        else:
            own.append((key, value))
    return own, meta, marks, groups


def _decode_meta(key: str, value: str, where: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        raise FtMError(f"{where}: property ${key} is not JSON: {value[:60]!r}") from None


def _record(fid: str, schema: str, props: dict[str, list[str]],
            meta: Iterable[tuple[str, str]] = (), caption: str | None = None,
            where: str = "") -> dict[str, Any]:
    record: dict[str, Any] = {"id": fid}
    if caption is not None:
        record["caption"] = caption
    record["schema"] = schema
    record["properties"] = props
    for key, value in meta:
        record[key] = _decode_meta(key, value, where or fid)
    return record


def _group_parts(group: list[tuple[str, str]]):
    """A folded group -> kept property pairs, meta pairs, markers."""
    return _split_properties(group)[:3]


# --- moneytrail -> FtM ---------------------------------------------------------------------------

def entity_to_ftm(entity: Entity) -> list[dict[str, Any]]:
    """The FtM records for one entity: the thing first, then its sanctions, links, ...

    Reading the records back with :func:`ftm_to_entities` (``source=entity.source``) gives an
    equal entity; whatever the FtM part cannot carry is written into the ``"moneytrail"`` key.
    """
    records = _emit(entity)
    back = list(ftm_to_entities(records, source=entity.source))
    if len(back) != 1:  # pragma: no cover - a bug in this module, not in the data
        raise FtMError(f"{entity.id}: written as {len(back)} entities")
    residual = [name for name in _ENTITY_FIELDS if getattr(back[0], name) != getattr(entity, name)]
    if residual:
        encoded = entity.to_dict()
        defaults = {f.name: f.default for f in fields(Entity)}
        records[0][EXTENSION] = {
            name: encoded.get(name, [] if defaults[name] == () else defaults[name])
            for name in residual
        }
    return records


def thing_record(entity: Entity) -> dict[str, Any]:
    """The FtM record of the thing alone, without its sanctions, links and the extension: how
    an API in yente's dialect shows an entity (``properties`` flat, ``{prop: [str, ...]}``)."""
    return _emit(entity)[0]


def entities_to_ftm(entities: Iterable[Entity]) -> Iterator[dict[str, Any]]:
    """FtM records for many entities, each shared record (a name stub) written once."""
    seen: dict[str, dict[str, Any]] = {}
    for entity in entities:
        for record in entity_to_ftm(entity):
            earlier = seen.get(record["id"])
            if earlier is None:
                seen[record["id"]] = record
                yield record
            elif earlier != record:
                raise FtMError(f"two different FtM records share the id {record['id']!r}")


def _emit(entity: Entity) -> list[dict[str, Any]]:
    fid = entity.source_id
    own, meta, marks, groups = _split_properties(entity.properties)
    if is_carrier(entity):
        props = _assemble((), own)
        return [_record(fid, entity.ftm_schema, props, meta, where=entity.id)]

    schema_name = entity.ftm_schema or DEFAULT_SCHEMA[entity.schema]
    id_props = _ID_PROPS.get(schema_name, _ID_PROPS[DEFAULT_SCHEMA[entity.schema]])
    own_props = {prop for prop, _ in own}
    subs: list[dict[str, Any]] = []
    stubs: dict[str, dict[str, Any]] = {}

    mapped: list[tuple[str, list[str | None]]] = []
    for name in entity.names:
        mapped.append((NAME_PROPS[name.kind], [name.full]))
    for part, prop in NAME_PARTS.items():
        mapped.append((prop, [getattr(n, part) for n in entity.names]))
    for name, prop in LIST_PROPS.items():
        mapped.append((prop, list(getattr(entity, name))))
    for name, prop in SCALAR_PROPS.items():
        mapped.append((prop, [getattr(entity, name)]))

    crypto = [i for i in entity.identifiers if i.kind is IdKind.CRYPTO]
    wallet_asset = (schema_name == "CryptoWallet" and len(crypto) == 1 and crypto[0].asset
                    and crypto[0].country is None and crypto[0].note is None
                    and WALLET_ASSET_PROP not in own_props)
    id_subs: list[Identifier] = []
    for ident in entity.identifiers:
        prop = id_props.get(ident.kind)
        plain = ident.country is None and ident.note is None and ident.asset is None
        if prop and (plain or (wallet_asset and ident is crypto[0])):
            mapped.append((prop, [ident.value]))
            if not plain:
                mapped.append((WALLET_ASSET_PROP, [ident.asset]))
        else:
            if prop:  # the number on the thing too, where FtM tools match it
                mapped.append((prop, [ident.value]))
            id_subs.append(ident)

    mapped.append(("address", [a.full for a in entity.addresses]))
    address_subs = [_emit_address(fid, a) for a in entity.addresses if _has_parts(a)]
    mapped.append(("addressEntity", [r["id"] for r in address_subs]))

    link_relations = entity.relations  # each one written as a link entity
    if entity.programs and "topics" not in own_props and marks.get("topics") != "none":
        mapped.append(("topics", [SANCTION_TOPIC]))

    props = _assemble(mapped, own)
    meta_keys = {key for key, _ in meta}
    caption = None
    if marks.get("caption") != "none" and "caption" not in meta_keys:
        caption = _caption(entity.names, fid)
    thing = _record(fid, schema_name, props, meta, caption=caption, where=entity.id)

    # Folded entities, in an order that keeps programs, relations and kept groups in theirs.
    program_ids = {p.id: i for i, p in enumerate(entity.programs) if p.id}
    relation_ids = {r.id: i for i, r in enumerate(link_relations) if r.id}
    done_p = done_r = 0

    def programs_upto(end: int) -> None:
        nonlocal done_p
        for program in entity.programs[done_p:end]:
            subs.append(_emit_sanction(fid, program, groups.get(program.id or "", []), entity.id))
        done_p = max(done_p, end)

    def relations_upto(end: int) -> None:
        nonlocal done_r
        for rel in link_relations[done_r:end]:
            record, stub = _emit_link(fid, rel, groups.get(rel.id or "", []), entity)
            subs.append(record)
            if stub is not None:
                stubs[stub["id"]] = stub
        done_r = max(done_r, end)

    for sub_id, group in groups.items():
        if sub_id in program_ids:
            programs_upto(program_ids[sub_id] + 1)
        elif sub_id in relation_ids:
            relations_upto(relation_ids[sub_id] + 1)
        else:
            kept, sub_meta, sub_marks = _group_parts(group)
            if "schema" in sub_marks:  # a whole entity kept as it was (Address, Passport, ...)
                subs.append(_record(sub_id, sub_marks["schema"], _assemble((), kept), sub_meta,
                                    where=f"{entity.id} {sub_id}"))
    programs_upto(len(entity.programs))
    relations_upto(len(link_relations))
    subs.extend(_emit_identification(fid, ident) for ident in id_subs)
    subs.extend(address_subs)
    return [thing, *subs, *stubs.values()]


def _has_parts(address: Address) -> bool:
    return any(getattr(address, name) is not None for name in ADDRESS_PROPS if name != "full")


def _with_id(holder: str, tag: str, schema: str, props: dict[str, list[str]],
             given: str | None) -> dict[str, Any]:
    fid = given or _derived_id(holder, tag, schema, props)
    return {"id": fid, "schema": schema, "properties": props}


def _emit_sanction(holder: str, program: Program, group: list[tuple[str, str]],
                   where: str) -> dict[str, Any]:
    kept, meta, marks = _group_parts(group)
    code_prop = SANCTION_CODE_FALLBACK if marks.get("code") == SANCTION_CODE_FALLBACK else "program"
    mapped = [(SANCTION_HOLDER, [holder])]
    for name, prop in SANCTION_PROPS.items():
        mapped.append((code_prop if name == "code" else prop, [getattr(program, name)]))
    record = _with_id(holder, "sanction", SANCTION, _assemble(mapped, kept), program.id)
    for key, value in meta:
        record[key] = _decode_meta(key, value, f"{where} {record['id']}")
    return record


def _emit_stub(name: str) -> dict[str, Any]:
    return {"id": stub_id(name), "schema": STUB_SCHEMA, "properties": {"name": [name]}}


def _link_placement(kind: RelationKind, marks: dict[str, str]) -> tuple[str, int]:
    """Where a relation is written: the link schema and the side of the holder."""
    default_schema, default_side = KIND_LINKS[kind]
    schema = marks.get("schema", default_schema)
    link = LINKS.get(schema)
    if link is None or kind not in link.kinds:
        schema, link = default_schema, LINKS[default_schema]
    side = default_side if schema == default_schema else 0
    if marks.get("holder") in link.sides:
        side = link.sides.index(marks["holder"])
    return schema, side


def _emit_link(holder: str, rel: Relation, group: list[tuple[str, str]], entity: Entity):
    kept, meta, marks = _group_parts(group)
    schema, side = _link_placement(rel.kind, marks)
    link = LINKS[schema]
    stub = None
    if rel.target is not None:
        other = [_to_ref(rel.target, entity.source)]
    elif rel.target_name is not None:
        stub = _emit_stub(rel.target_name)
        other = [stub["id"]]
    else:
        other = []
    mapped: list[tuple[str, list[str | None]]] = [(link.sides[side], [holder]),
                                                   (link.sides[1 - side], other)]
    if link.role:
        mapped.append((link.role, [rel.role]))
    if link.share:
        mapped.append((link.share, [None if rel.share is None else _format_share(rel.share)]))
    for name, prop in LINK_DATES.items():
        mapped.append((prop, [getattr(rel, name)]))
    tag = rel.kind.value.replace("_", "-")
    record = _with_id(holder, tag, schema, _assemble(mapped, kept), rel.id)
    for key, value in meta:
        record[key] = _decode_meta(key, value, f"{entity.id} {record['id']}")
    return record, stub


def _emit_identification(holder: str, ident: Identifier) -> dict[str, Any]:
    schema = IDENTIFICATION_SCHEMA.get(ident.kind, "Identification")
    mapped: list[tuple[str, list[str | None]]] = [("holder", [holder])]
    for name, prop in IDENTIFICATION_PROPS[schema].items():
        mapped.append((prop, [getattr(ident, name)]))
    if schema == "Identification":
        mapped.append(("type", [ident.kind.value]))
    tag = {"Passport": "passport", "CryptoWallet": "wallet"}.get(schema, "id")
    return _with_id(holder, tag, schema, _assemble(mapped, ()), None)


def _emit_address(holder: str, address: Address) -> dict[str, Any]:
    mapped = [(prop, [getattr(address, name)]) for name, prop in ADDRESS_PROPS.items()]
    return _with_id(holder, "address", ADDRESS, _assemble(mapped, ()), None)


# --- FtM -> moneytrail ---------------------------------------------------------------------------

def check_record(record: Any, index: int | None = None) -> dict[str, Any]:
    """Validate one FtM record's shape; raise :class:`FtMError` naming what is wrong."""
    if not isinstance(record, dict):
        raise FtMError(f"not a JSON object but {type(record).__name__}", index)
    fid = record.get("id")
    if fid is None:
        raise FtMError("missing 'id'", index)
    if not isinstance(fid, str) or not fid or ":" in fid or any(c.isspace() for c in fid):
        raise FtMError(f"invalid id {fid!r}", index)
    schema = record.get("schema")
    if schema is None:
        raise FtMError(f"{fid}: missing 'schema'", index)
    if schema not in KNOWN_SCHEMATA:
        raise FtMError(f"{fid}: unknown schema {schema!r}", index)
    props = record.get("properties")
    if not isinstance(props, dict):
        raise FtMError(f"{fid}: missing or invalid 'properties'", index)
    for prop, values in props.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise FtMError(f"{fid}: property {prop!r} is not a list of strings", index)
        if ":" in prop or prop[:1] in ("$", "~"):
            raise FtMError(f"{fid}: invalid property name {prop!r}", index)
    extension = record.get(EXTENSION)
    if extension is not None and not isinstance(extension, dict):
        raise FtMError(f"{fid}: {EXTENSION!r} is not an object", index)
    return record


@dataclass
class _Fold:
    """What one folded FtM entity adds to its holder."""

    kind: str  # program | relation | identifier | address | whole
    value: Any
    kept: list[tuple[str, str]] = field(default_factory=list)  # (key, value), key with id prefix
    ref: str = ""  # the FtM id of the folded record


def ftm_to_entities(records: Iterable[dict[str, Any]], source: str = "ftm") -> Iterator[Entity]:
    """Entities from FtM records, related entities folded onto their things (see the module doc).

    ``source`` is the list id the entities get (``Entity.id`` = ``source:ftm_id``). Entities come
    in the order of their records; each is finished with ``classify_dprk``. Raises
    :class:`FtMError` (with the record's index) for a record that is not an FtM entity.
    """
    yield from _Reader(records, source).entities()


class _Reader:
    def __init__(self, records: Iterable[dict[str, Any]], source: str) -> None:
        self.source = source
        self.records: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.by_id: dict[str, dict[str, Any]] = {}
        for i, record in enumerate(records):
            check_record(record, i)
            earlier = self.by_id.get(record["id"])
            if earlier is not None:
                if earlier != record:
                    raise FtMError(f"{record['id']}: a second, different record with this id", i)
                continue
            self.by_id[record["id"]] = record
            self.index[record["id"]] = i
            self.records.append(record)
        self.stubs = {r["id"]: r["properties"]["name"][0] for r in self.records if _is_stub(r)}
        self.things = {r["id"] for r in self.records
                       if r["schema"] in THINGS and r["id"] not in self.stubs}
        self.folds: dict[str, list[_Fold]] = {}
        self.folded: set[str] = set()
        self.used_stubs: set[str] = set()

    # -- assigning folded entities to their holders

    def entities(self) -> Iterator[Entity]:
        for record in self.records:  # crypto addresses we wrote for a holder
            if record["schema"] == "CryptoWallet" and record["id"] in self.things:
                self._fold_identification(record)
        self.things -= self.folded
        referrers: dict[str, list[str]] = {}
        for record in self.records:
            if record["id"] in self.things:
                for ref in record["properties"].get("addressEntity", []):
                    referrers.setdefault(ref, []).append(record["id"])
        for record in self.records:
            schema = record["schema"]
            if record["id"] in self.things or record["id"] in self.folded:
                continue
            if schema == SANCTION:
                self._fold_sanction(record)
            elif schema in LINKS:
                self._fold_link(record)
            elif schema in IDENTIFICATIONS:
                self._fold_identification(record)
            elif schema == ADDRESS:
                self._fold_address(record, referrers.get(record["id"], []))
        for record in self.records:
            fid = record["id"]
            if fid in self.folded or fid in self.used_stubs:
                continue
            try:
                if fid in self.things or fid in self.stubs:
                    entity = self._thing(record, self.folds.get(fid, []))
                else:
                    entity = self._carrier(record)
                yield _extend(classify_dprk(entity), record.get(EXTENSION))
            except FtMError as exc:
                raise FtMError(exc.reason, self.index[fid]) from None
            except ValueError as exc:
                raise FtMError(f"{fid}: {exc}", self.index[fid]) from None

    def _add(self, holder: str, record: dict[str, Any], fold: _Fold) -> None:
        fold.ref = record["id"]
        self.folds.setdefault(holder, []).append(fold)
        self.folded.add(record["id"])

    def _holder(self, record: dict[str, Any], prop: str) -> str | None:
        values = record["properties"].get(prop, [])
        return values[0] if values and values[0] in self.things else None

    def _fold_sanction(self, record: dict[str, Any]) -> None:
        holder = self._holder(record, SANCTION_HOLDER)
        if holder is None:
            return
        props = record["properties"]
        mine = Program(**{name: _first(props, prop) or ("" if name == "code" else None)
                          for name, prop in SANCTION_PROPS.items()})
        if _same(record, _emit_sanction(holder, mine, [], "")):
            self._add(holder, record, _Fold("program", mine))
            return
        code_prop = "program" if "program" in props or SANCTION_CODE_FALLBACK not in props \
            else SANCTION_CODE_FALLBACK
        spec = {**SANCTION_PROPS, "code": code_prop}
        values, kept = _take(props, spec, holder=(SANCTION_HOLDER, holder))
        program = Program(**{k: v for k, v in values.items() if k != "code"},
                          code=values["code"] or "", id=record["id"])
        marks = [("~code", SANCTION_CODE_FALLBACK)] if code_prop != "program" else []
        self._add(holder, record, _Fold("program", program, _prefix(record, kept, marks)))

    def _relation(self, record: dict[str, Any], link: Link, side: int,
                  kind: RelationKind) -> tuple[Relation, list[tuple[str, str]]]:
        """The relation a link record gives its holder on ``side``, and the values kept aside."""
        props = record["properties"]
        holder = props[link.sides[side]][0]
        spec = dict(LINK_DATES)
        if link.role:
            spec["role"] = link.role
        other_prop = link.sides[1 - side]
        other = props.get(other_prop, [])
        values, kept = _take(props, spec, holder=(link.sides[side], holder),
                             other=(other_prop, other[0] if other else None),
                             share=link.share)
        target = target_name = None
        if other:
            if other[0] in self.stubs:
                target_name = self.stubs[other[0]]
            else:
                target = _to_target(other[0], self.source)
        return Relation(kind=kind, target=target, target_name=target_name, id=record["id"],
                        **values), kept

    def _fold_link(self, record: dict[str, Any]) -> None:
        schema = record["schema"]
        link = LINKS[schema]
        props = record["properties"]
        for side in (0, 1):  # written by moneytrail?
            holder = self._holder(record, link.sides[side])
            if holder is None:
                continue
            for kind, (kind_schema, kind_side) in KIND_LINKS.items():
                if kind_schema != schema or kind_side != side:
                    continue
                rel, kept = self._relation(record, link, side, kind)
                if kept:
                    continue
                mine = replace(rel, id=None)
                fake = Entity(id="", source=self.source, source_id=holder, schema=Schema.PERSON)
                written, stub = _emit_link(holder, mine, [], fake)
                if _same(record, written):
                    self._add(holder, record, _Fold("relation", mine))
                    if stub is not None:
                        self.used_stubs.add(stub["id"])
                    return
        side = 0 if self._holder(record, link.sides[0]) else 1
        if self._holder(record, link.sides[side]) is None:
            return
        holder = props[link.sides[side]][0]
        rel, kept = self._relation(record, link, side, link.kinds[side])
        default_schema, default_side = KIND_LINKS[rel.kind]
        marks = []
        if schema != default_schema:
            marks.append(("~schema", schema))
            default_side = 0
        if side != default_side:
            marks.append(("~holder", link.sides[side]))
        self._add(holder, record, _Fold("relation", rel, _prefix(record, kept, marks)))

    def _fold_identification(self, record: dict[str, Any]) -> None:
        holder = self._holder(record, "holder")
        if holder is None or holder == record["id"]:
            return
        schema = record["schema"]
        props = record["properties"]
        ident = _decode_identification(schema, props)
        if ident is not None and _same(record, _emit_identification(holder, ident)):
            self._add(holder, record, _Fold("identifier", ident))
        elif schema in IDENTIFICATIONS:  # somebody else's: kept whole
            self._add(holder, record, _Fold("whole", None, _whole(record)))

    def _fold_address(self, record: dict[str, Any], referrers: list[str]) -> None:
        props = record["properties"]
        address = Address(**{name: _first(props, prop) for name, prop in ADDRESS_PROPS.items()}
                          | {"full": _first(props, "full") or ""})
        for holder in referrers:
            if _same(record, _emit_address(holder, address)):
                self._add(holder, record, _Fold("address", address))
                return
        if referrers:
            self._add(referrers[0], record, _Fold("whole", None, _whole(record)))

    # -- building entities

    def _thing(self, record: dict[str, Any], folds: list[_Fold]) -> Entity:
        fid, schema_name, props = record["id"], record["schema"], record["properties"]
        schema = THINGS[schema_name]
        id_kinds = _ID_KINDS[schema_name]
        programs = [f.value for f in folds if f.kind == "program"]
        ours_addresses = {f.ref for f in folds if f.kind == "address"}
        names = [Name(v, NAME_KINDS[prop]) for prop, values in props.items()
                 if prop in NAME_KINDS for v in values]
        names, used_parts = _attach_name_parts(names, props)
        wallet_asset = (schema_name == "CryptoWallet" and len(props.get("publicKey", [])) == 1
                        and len(props.get(WALLET_ASSET_PROP, [])) == 1)

        idents: list[Identifier] = []
        addresses: list[Address] = []
        relations: list[Relation] = []
        lists: dict[str, list[str]] = {name: [] for name in LIST_PROPS}
        scalars: dict[str, str | None] = {name: None for name in SCALAR_PROPS}
        own: list[tuple[str, str]] = []
        for prop, values in props.items():
            if prop in NAME_KINDS:
                continue
            elif prop in used_parts:
                own.extend((prop, v) for v in values if v not in used_parts[prop])
            elif prop in _LIST_FIELDS:
                lists[_LIST_FIELDS[prop]].extend(values)
            elif prop in _SCALAR_FIELDS and values:
                scalars[_SCALAR_FIELDS[prop]] = values[0]
                own.extend((prop, v) for v in values[1:])
            elif prop in id_kinds:
                asset = props[WALLET_ASSET_PROP][0] if wallet_asset else None
                idents.extend(Identifier(id_kinds[prop], v, asset=asset) for v in values)
            elif prop == WALLET_ASSET_PROP and wallet_asset:
                continue
            elif prop == "address":
                addresses.extend(Address(v) for v in values)
            elif prop == "addressEntity":
                own.extend((prop, v) for v in values if v not in ours_addresses)
            elif prop == "topics" and programs and values == [SANCTION_TOPIC]:
                continue
            else:
                own.extend((prop, v) for v in values)
        caption = _caption(names, fid)
        for key, value in record.items():
            if key in CORE_KEYS or key == EXTENSION or (key == "caption" and value == caption):
                continue
            own.append(("$" + key, _json(value)))
        if programs and "topics" not in props:
            own.append(("~topics", "none"))
        if "caption" not in record:
            own.append(("~caption", "none"))

        replaced: set[int] = set()
        merged: set[int] = set()
        for fold in folds:
            if fold.kind == "program":
                pass
            elif fold.kind == "relation":
                relations.append(fold.value)
            elif fold.kind == "identifier":  # completes the plain one of the thing property
                plain = Identifier(fold.value.kind, fold.value.value)
                i = next((i for i, x in enumerate(idents) if x == plain and i not in merged), None)
                if i is None:
                    idents.append(fold.value)
                else:
                    idents[i] = fold.value
                    merged.add(i)
            elif fold.kind == "address":
                plain = Address(fold.value.full)
                i = next((i for i, a in enumerate(addresses) if a == plain and i not in replaced),
                         None)
                if i is None:
                    addresses.append(fold.value)
                else:
                    addresses[i] = fold.value
                    replaced.add(i)
            own.extend(fold.kept)

        return Entity(
            id=f"{self.source}:{fid}", source=self.source, source_id=fid, schema=schema,
            names=tuple(names), programs=tuple(programs),
            identifiers=tuple(idents), addresses=tuple(addresses), relations=tuple(relations),
            properties=tuple(own),
            ftm_schema=None if DEFAULT_SCHEMA[schema] == schema_name else schema_name,
            **{name: tuple(values) for name, values in lists.items()}, **scalars,
        )

    def _carrier(self, record: dict[str, Any]) -> Entity:
        fid = record["id"]
        own = [(prop, v) for prop, values in record["properties"].items() for v in values]
        own.extend(("$" + key, _json(value)) for key, value in record.items()
                   if key not in CORE_KEYS and key != EXTENSION)
        return Entity(id=f"{self.source}:{fid}", source=self.source, source_id=fid,
                      schema=Schema.OTHER, properties=tuple(own),
                      ftm_schema=record["schema"])


def _attach_name_parts(names: list[Name], props: dict[str, list[str]]):
    """Give names the ``firstName``/``lastName`` values that are theirs; say which were used.

    FtM keeps name parts per entity. They are attached (1) to the primary name when the thing has
    one ``name`` and at most one value of each part, else (2) to each name whose full text is
    ``FAMILY, Given``, ``Given FAMILY`` or ``FAMILY Given`` for exactly one pair of values.
    """
    parts = {part: props.get(prop, []) for part, prop in NAME_PARTS.items()}
    if not any(parts.values()):
        return names, {}
    firsts, lasts = parts["given"], parts["family"]
    out = list(names)
    if len(props.get("name", [])) == 1 and len(firsts) <= 1 and len(lasts) <= 1:
        i = next(i for i, n in enumerate(out) if n.kind is NameKind.PRIMARY)
        out[i] = replace(out[i], given=firsts[0] if firsts else None,
                         family=lasts[0] if lasts else None)
    else:
        for i, name in enumerate(out):
            pairs = {(g, f) for g in firsts for f in lasts
                     if name.full in (f"{f}, {g}", f"{g} {f}", f"{f} {g}")}
            if len(pairs) == 1:
                given, family = pairs.pop()
                out[i] = replace(name, given=given, family=family)
    used = {prop: {getattr(n, part) for n in out} - {None} for part, prop in NAME_PARTS.items()}
    return out, used


def _is_stub(record: dict[str, Any]) -> bool:
    names = record["properties"].get("name")
    return (record["schema"] == STUB_SCHEMA and set(record) == set(CORE_KEYS)
            and list(record["properties"]) == ["name"] and len(names) == 1
            and record["id"] == stub_id(names[0]))


def _same(record: dict[str, Any], written: dict[str, Any]) -> bool:
    """Whether a record is exactly what moneytrail writes for the object read from it."""
    return set(record) == set(CORE_KEYS) and record == written


def _first(props: dict[str, list[str]], prop: str) -> str | None:
    values = props.get(prop)
    return values[0] if values else None


def _take(props: dict[str, list[str]], spec: dict[str, str], *,
          holder: tuple[str, str] | None = None, other: tuple[str, str | None] | None = None,
          share: str | None = None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Read mapped fields (first value each) and keep every other value in record order.

    ``holder``/``other`` name a side property whose first value is the holder / the target;
    ``share`` a percentage property read into ``share`` only if it writes back the same.
    """
    by_prop = {prop: name for name, prop in spec.items()}
    values: dict[str, Any] = {name: None for name in spec}
    if share:
        values["share"] = None
    kept: list[tuple[str, str]] = []
    for prop, vals in props.items():
        if not vals:
            continue
        if holder and prop == holder[0]:
            kept.extend((prop, v) for v in vals[1:])
        elif other and prop == other[0]:
            kept.extend((prop, v) for v in vals[1:])
        elif prop in by_prop:
            values[by_prop[prop]] = vals[0]
            kept.extend((prop, v) for v in vals[1:])
        elif share and prop == share and _parse_share(vals[0]) is not None:
            values["share"] = _parse_share(vals[0])
            kept.extend((prop, v) for v in vals[1:])
        else:
            kept.extend((prop, v) for v in vals)
    return values, kept


def _prefix(record: dict[str, Any], kept: list[tuple[str, str]],
            marks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Kept values, top-level keys and markers of a folded record, keyed ``<id>:...``."""
    fid = record["id"]
    out = [(f"{fid}:{prop}", value) for prop, value in kept]
    out.extend((f"{fid}:${key}", _json(value)) for key, value in record.items()
               if key not in CORE_KEYS and key != EXTENSION)
    out.extend((f"{fid}:{key}", value) for key, value in marks)
    return out


def _whole(record: dict[str, Any]) -> list[tuple[str, str]]:
    """A folded record kept whole: its schema, every value, every top-level key."""
    kept = [(prop, v) for prop, values in record["properties"].items() for v in values]
    return _prefix(record, kept, [("~schema", record["schema"])])


def _decode_identification(schema: str, props: dict[str, list[str]]) -> Identifier | None:
    table = IDENTIFICATION_PROPS.get(schema)
    if table is None:
        return None
    values = {name: _first(props, prop) for name, prop in table.items()}
    if values["value"] is None:
        return None
    if schema == "Identification":
        kind_text = _first(props, "type")
        if kind_text not in IdKind._value2member_map_:
            return None
        kind = IdKind(kind_text)
    else:
        kind = IdKind.PASSPORT if schema == "Passport" else IdKind.CRYPTO
    return Identifier(kind=kind, **values)


def _extend(entity: Entity, extension: dict[str, Any] | None) -> Entity:
    """Apply the ``"moneytrail"`` key: the exact values of the fields FtM could not carry."""
    if not extension:
        return entity
    data = entity.to_dict()
    data.update(extension)
    try:
        return Entity.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise FtMError(f"{entity.source_id}: invalid {EXTENSION!r} key: {exc}") from None
