"""The one vocabulary of moneytrail: entities from every sanctions list, as frozen dataclasses.

Every parser yields :class:`Entity` objects; the store persists them as canonical JSON
(:meth:`Entity.to_dict` / :meth:`Entity.from_dict`), and :mod:`moneytrail.ftm` maps them to and
from FollowTheMoney. This module imports nothing of ours.

Conventions, kept everywhere:
- Country codes are ISO 3166-1 alpha-2 in lower case (``kp``), as in FollowTheMoney.
- Dates are ISO 8601 strings of any precision: ``1984``, ``1984-01``, ``1984-01-08``.
- Every tuple keeps the order the list gave; nothing is sorted away, so a diff shows what moved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cache
from typing import Any, Iterable


class Schema(StrEnum):
    """What kind of thing a list entry is."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    VESSEL = "Vessel"
    AIRCRAFT = "Aircraft"
    WALLET = "Wallet"
    # An FtM record that is not a thing (an Address or Sanction with nothing to attach to),
    # kept whole so that nothing read is lost; it never matches anything.
    OTHER = "Other"


class NameKind(StrEnum):
    """How a name stands on the list."""

    PRIMARY = "primary"
    ALIAS = "alias"  # a.k.a., strong
    WEAK_ALIAS = "weak_alias"  # OFAC "low quality" a.k.a., nicknames
    FORMER = "former"  # f.k.a., former vessel names
    ORIGINAL_SCRIPT = "original_script"  # the name as written in its own script


class IdKind(StrEnum):
    """The type of an identifier; the matcher decides on exact matches of these."""

    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    IMO = "imo"
    MMSI = "mmsi"
    CALL_SIGN = "call_sign"
    BIC = "bic"
    LEI = "lei"
    REGISTRATION = "registration"
    TAX_ID = "tax_id"
    CRYPTO = "crypto"
    EMAIL = "email"
    PHONE = "phone"
    WEBSITE = "website"
    AIRCRAFT_SERIAL = "aircraft_serial"
    AIRCRAFT_TAIL = "aircraft_tail"
    OTHER = "other"


class RelationKind(StrEnum):
    """How two entities are linked. The direction is always entity -> target."""

    LINKED_TO = "linked_to"  # OFAC "Linked To:", direction unknown
    OWNED_BY = "owned_by"  # target owns this entity
    OWNS = "owns"  # this entity owns target
    DIRECTOR_OF = "director_of"
    HAS_DIRECTOR = "has_director"
    FAMILY = "family"
    ASSOCIATE = "associate"
    OPERATED_BY = "operated_by"
    UNKNOWN_LINK = "unknown_link"


def fast_unpickling(cls: type) -> type:
    """A frozen, slotted dataclass that unpickles without ``dataclasses.fields`` per object.

    Such classes pickle their state as the list of their field values; the ``__setstate__``
    that :mod:`dataclasses` writes for them calls ``fields()`` again for every object it
    restores, which was two thirds of the time to unpickle an entity of the index (the
    service unpickles them as queries reach them). This one sets the same fields from the same
    list, with their names looked up once. Used as a decorator above ``@dataclass``."""
    names = tuple(f.name for f in fields(cls))
    assign = object.__setattr__

    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state):
            assign(self, name, value)

    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls


@fast_unpickling
@dataclass(frozen=True, slots=True)
class Name:
    """One written form of an entity's name."""

    full: str
    kind: NameKind = NameKind.PRIMARY
    given: str | None = None  # given name(s), where the list separates them
    family: str | None = None  # surname / family name, where the list separates them
    lang: str | None = None  # ISO 639 code or script tag, where the list says (e.g. "ko", "Hang")


@fast_unpickling
@dataclass(frozen=True, slots=True)
class Identifier:
    """A typed identifier: passport, IMO, BIC, crypto address, e-mail, ..."""

    kind: IdKind
    value: str
    country: str | None = None  # issuing country, lower-case ISO alpha-2
    asset: str | None = None  # crypto: the currency code as the list writes it (XBT, ETH, USDT)
    note: str | None = None  # anything the list adds (issue/expiry dates, "diplomatic")


@fast_unpickling
@dataclass(frozen=True, slots=True)
class Address:
    """A postal address, split where the list splits it."""

    full: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # lower-case ISO alpha-2


@fast_unpickling
@dataclass(frozen=True, slots=True)
class Relation:
    """A link from this entity to another one, on the same list or elsewhere.

    ``target`` is an entity id (``source:source_id``) when the list names the id, otherwise
    ``target_name`` holds the name as the list wrote it (OFAC "Linked To: LAZARUS GROUP.").
    """

    kind: RelationKind
    target: str | None = None
    target_name: str | None = None
    role: str | None = None  # "Director", "Son", "Shareholder"
    share: float | None = None  # ownership share in percent, None when unknown
    start_date: str | None = None
    end_date: str | None = None
    id: str | None = None  # the id of the relationship itself (an FtM Ownership entity)


@fast_unpickling
@dataclass(frozen=True, slots=True)
class Program:
    """A sanctions program (regime) under which an entry is listed.

    ``code`` keeps the list's own code (OFAC ``DPRK3``, UN ``KPi``, UK ``DPRK``); ``dprk`` says
    whether the program itself is a North Korea program.
    """

    code: str
    authority: str | None = None  # "OFAC", "UN Security Council", "HM Treasury", ...
    dprk: bool = False
    listed_on: str | None = None
    reason: str | None = None
    id: str | None = None  # the id of the sanction record (an FtM Sanction entity)


@fast_unpickling
@dataclass(frozen=True, slots=True)
class Snapshot:
    """One load of one list: what was loaded, from where, and when it was published."""

    id: int | None
    source: str  # list id: ofac_sdn, ofac_cons, un_sc, uk_ofsi, uk_fcdo, eu_fsf, or an FtM dataset
    format: str  # parser that read it: ofac_csv, ofac_xml, ofac_advanced, un_xml, ...
    published: str | None  # publication date (ISO) as the list or its file name gives it
    loaded_at: str  # when we loaded it (ISO timestamp, UTC)
    sha256: str  # of the file(s) read, in a stable order
    files: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # by schema, plus "dprk" and "total"


@fast_unpickling
@dataclass(frozen=True, slots=True)
class Entity:
    """One list entry: a person, organisation, vessel, aircraft or wallet.

    ``id`` is stable across list versions: ``source:source_id`` (``ofac_sdn:20157``).
    ``properties`` keeps, under FollowTheMoney property names, what the model has no field for
    (vessel ``flag``, ``tonnage``, ``pastFlags`` ...), so no list value is dropped and the FtM
    mapping stays lossless. ``ftm_schema`` records a finer FtM schema (Company, LegalEntity,
    PublicBody) when the entity came from FtM, for the same reason.
    """

    id: str
    source: str
    source_id: str
    schema: Schema
    names: tuple[Name, ...] = ()
    programs: tuple[Program, ...] = ()
    dprk: bool = False  # DPRK-related by program or by content (nationality, birth place, address)
    birth_dates: tuple[str, ...] = ()
    birth_places: tuple[str, ...] = ()
    death_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    citizenships: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # other country links: jurisdiction, flag state, listed country
    gender: str | None = None  # "male" | "female"
    titles: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    addresses: tuple[Address, ...] = ()
    relations: tuple[Relation, ...] = ()
    listed_on: str | None = None
    modified_on: str | None = None
    remarks: str | None = None  # the list's free text, verbatim
    notes: tuple[str, ...] = ()  # structured notes: secondary sanctions, directives
    properties: tuple[tuple[str, str], ...] = ()
    ftm_schema: str | None = None

    @property
    def caption(self) -> str:
        """The primary name, or the first name of any kind, or the id."""
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.full
        return self.names[0].full if self.names else self.id

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict that :meth:`from_dict` turns back into an equal entity.

        Empty fields are left out so stored bodies stay small and diffs stay readable.
        """
        return _encode(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Entity":
        """Rebuild an entity from :meth:`to_dict` output; raises ``ValueError`` on unknown keys."""
        return _decode(cls, data)

    def canonical_json(self) -> str:
        """The entity as compact JSON with sorted keys: equal entities give equal strings."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def version(self) -> str:
        """A content hash (sha256 of :meth:`canonical_json`, 32 hex chars): the entity's version."""
        return version_of(self.canonical_json())


def version_of(canonical_json: str) -> str:
    """The version hash of an entity body given as :meth:`Entity.canonical_json`."""
    return hashlib.sha256(canonical_json.encode("utf-8")).hexdigest()[:32]


_NESTED: dict[str, type] = {
    "names": Name,
    "programs": Program,
    "identifiers": Identifier,
    "addresses": Address,
    "relations": Relation,
}
_ENUMS: dict[tuple[type, str], type] = {
    (Entity, "schema"): Schema,
    (Name, "kind"): NameKind,
    (Identifier, "kind"): IdKind,
    (Relation, "kind"): RelationKind,
}


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _encode(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _field_names(type(obj)):
        value = getattr(obj, name)
        if value is None or value == () or value is False:
            continue
        if isinstance(value, tuple) and value and hasattr(value[0], "__dataclass_fields__"):
            value = [_encode(v) for v in value]
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        elif isinstance(value, StrEnum):
            value = value.value
        out[name] = value
    return out


def _decode(cls: type, data: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field(s) {sorted(unknown)}")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        enum = _ENUMS.get((cls, key))
        if enum is not None:
            value = enum(value)
        elif key in _NESTED and cls is Entity:
            value = tuple(_decode(_NESTED[key], v) for v in value)
        elif key == "properties":
            value = tuple((str(k), str(v)) for k, v in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    return cls(**kwargs)


def dedupe(items: Iterable[Any]) -> tuple[Any, ...]:
    """Keep the first of equal items, in order (lists repeat aliases and addresses)."""
    seen: set[Any] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return tuple(out)
