"""Names and entities in the comparable forms the index and the scorer use, computed once.

A list entity is prepared when the index is built; a query when it arrives. Both go through the
same functions, so what the index keys on and what the scorer compares can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from moneytrail.model import Entity, IdKind, NameKind, Schema
from moneytrail.names import korean, orgs, text

# Which identifier kinds decide a match on their own when equal, and how a value is normalised.
DECISIVE_IDS = frozenset({IdKind.PASSPORT, IdKind.NATIONAL_ID, IdKind.IMO, IdKind.MMSI,
                          IdKind.BIC, IdKind.LEI, IdKind.CRYPTO, IdKind.REGISTRATION,
                          IdKind.TAX_ID, IdKind.AIRCRAFT_SERIAL})


def id_key(kind: IdKind | str, value: str) -> str:
    """The exact-match key of an identifier: kind family plus its value without separators.

    Passports and national ids are compared without type prefixes and punctuation; BICs on
    their first 8 characters (the branch code is optional); crypto addresses case-folded only
    for hex (Ethereum-style) addresses, whose case is a checksum, not part of the address.
    """
    kind = IdKind(kind)
    raw = value.strip()
    if kind is IdKind.CRYPTO:
        return f"crypto:{raw.lower() if raw[:2].lower() == '0x' else raw}"
    clean = "".join(c for c in raw.upper() if c.isalnum())
    if kind is IdKind.IMO:
        clean = clean.removeprefix("IMO")
    if kind is IdKind.BIC:
        clean = clean[:8]
    family = "doc" if kind in (IdKind.PASSPORT, IdKind.NATIONAL_ID) else kind.value
    return f"{family}:{clean}"


WEAK_FACTOR = 0.95  # a weak alias (OFAC's low-quality a.k.a.) counts a little less


@dataclass(frozen=True, slots=True)
class PreparedName:
    """One name of an entity or a query, in every comparable form."""

    original: str
    kind: str  # NameKind value, or "query"
    norm: str  # normalised full name ("kim jong un")
    tokens: tuple[str, ...]
    korean: tuple[korean.KoreanName, ...]  # readings as a Korean personal name (persons only)
    org: orgs.OrgName | None  # organisations
    vessel: tuple[str, ...]  # vessels
    keys: frozenset[str]  # whole-name keys (see _keys), computed once

    @property
    def weak(self) -> bool:
        return self.kind == NameKind.WEAK_ALIAS.value


@lru_cache(maxsize=200_000)
def prepare_name(full: str, schema: Schema | None, kind: str = "query") -> PreparedName:
    """Prepare one name for a schema (None: unknown, try person and organisation forms)."""
    norm = text.normalize(full)
    tokens = tuple(norm.split())
    person = schema in (Schema.PERSON, None)
    if schema is Schema.PERSON:
        tokens = strip_titles(tokens)
        norm = " ".join(tokens)
    is_org = schema in (Schema.ORGANIZATION, None)
    kor = tuple(korean.korean_names(full)) if person else ()
    # orgs reads the name as written (parenthesised acronyms such as "(KOMID)"), in Latin letters
    latin = full if text.detect_script(full) in ("Latn", "Zyyy") else text.to_latin(full)
    org = orgs.org_name(latin) if is_org and norm else None
    vessel = orgs.vessel_name(latin) if schema is Schema.VESSEL else ()
    return PreparedName(full, kind, norm, tokens, kor, org, vessel,
                        _keys(tokens, org))


def _keys(tokens: tuple[str, ...], org: orgs.OrgName | None) -> frozenset[str]:
    """The whole-name keys of one name: its tokens joined without spaces (``c:``), an
    organisation's compact form (``c:``) and acronyms (``a:``). Token keys live in
    :mod:`moneytrail.match.tokens`, Korean reading keys in the index."""
    keys: set[str] = set()
    if tokens:
        keys.add("c:" + "".join(tokens))
    if org is not None:
        if org.compact:
            keys.add("c:" + org.compact)
        keys.update("a:" + a for a in org.acronyms)
        if len(tokens) == 1:  # a query that is itself an acronym
            keys.add("a:" + tokens[0])
    return frozenset(keys)


def korean_key(surname: str, given: tuple[str, ...]) -> str:
    return "k:" + surname + "|" + "|".join(given)


def org_tokens(name: PreparedName) -> tuple[str, ...]:
    """The tokens an organisation name is compared on: its distinctive words, or all of them."""
    assert name.org is not None
    return name.org.distinctive or name.org.tokens


@cache
def _titles() -> tuple[tuple[str, ...], ...]:
    raw = files("moneytrail").joinpath("data/person_titles.txt").read_text("utf-8")
    found = {tuple(line.split()) for line in raw.splitlines()
             if line.strip() and not line.startswith("#")}
    return tuple(sorted(found, key=len, reverse=True))  # longest first: "his excellency"


def strip_titles(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A person's name without the titles that lead it (President, Dr, Sheikh ...).

    Only from the start, and never everything: "General" alone stays a name.
    """
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for title in _titles():
            if len(title) < len(tokens) and tokens[:len(title)] == title:
                tokens, changed = tokens[len(title):], True
                break
    return tokens


@dataclass(frozen=True, slots=True)
class PreparedEntity:
    """An entity with its names prepared and its comparable facts gathered."""

    entity: Entity
    names: tuple[PreparedName, ...]
    birth_years: frozenset[int]
    birth_dates: tuple[str, ...]
    countries: frozenset[str]
    id_keys: frozenset[str]


def entity_countries(entity: Entity) -> frozenset[str]:
    """Every country an entity is tied to: nationality, citizenship, links, addresses."""
    found = set(entity.nationalities) | set(entity.citizenships) | set(entity.countries)
    found.update(a.country for a in entity.addresses if a.country)
    return frozenset(found)


def years(dates: tuple[str, ...]) -> frozenset[int]:
    return frozenset(int(d[:4]) for d in dates if d[:4].isdigit())


def prepare_entity(entity: Entity) -> PreparedEntity:
    """Prepare a list entity (names of every kind but the original script's are transliterated
    by the normaliser; Korean readings come from the name as written, in any script)."""
    names = tuple(prepare_name(n.full, entity.schema, n.kind.value) for n in entity.names
                  if n.full.strip())
    ids = frozenset(id_key(i.kind, i.value) for i in entity.identifiers
                    if i.kind in DECISIVE_IDS and i.value.strip())
    return PreparedEntity(entity, names, years(entity.birth_dates), entity.birth_dates,
                          entity_countries(entity), ids)


def name_path(q: PreparedName, c: PreparedName, schema: Schema) -> str:
    """How a query name is compared with a list name of an entity of ``schema``.

    ``korean`` (both read as Korean personal names), ``organization``, ``vessel`` or ``tokens``.
    The scorer and the index's score bounds both follow this, so they cannot disagree.
    """
    if schema is Schema.PERSON and q.korean and c.korean:
        return "korean"
    if schema is Schema.ORGANIZATION and q.org is not None and c.org is not None:
        return "organization"
    if schema is Schema.VESSEL and q.vessel and c.vessel:
        return "vessel"
    return "tokens"
