"""The request and response shapes the service speaks, and their translation to and from ours.

- **yente** (OpenSanctions, as of yente 5.5.0): ``POST /match/{dataset}`` with ``queries`` of
  FollowTheMoney example entities, ``GET /search/{dataset}``, ``GET /entities/{id}``,
  ``GET /algorithms``. Results carry FtM ``properties``, ``score``, ``match`` and
  ``explanations`` (``{feature: {detail, score, query, candidate}}``); ``total`` counts the
  results at or above the threshold.
- **Watchman** (Moov, v2): ``GET /v2/search?name=&type=&birthDate=&minMatch=&limit=``, answered
  with ``{"query": ..., "entities": [...]}``, each entity in Watchman's JSON (``entityType``,
  ``sourceList``, ``sourceID``, one of ``person``/``business``/``vessel``/``aircraft`` filled,
  ``match`` the score).
- **moneytrail** ``POST /v1/screen``: a list of plain queries, answered one JSON line each.

Where we differ, on purpose: one algorithm (ours) answers whichever ``algorithm`` a yente client
names; a property FtM does not define, a query parameter Watchman does not define, or a field of
our own models we do not know is a ``422`` rather than silently ignored (a misspelt
``birthDate`` would otherwise screen without the date); ``weights`` and ``config`` must be empty
(our scorer has no such knobs).
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Annotated, Any, Iterator, Literal

import orjson
from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from moneytrail.batch.io import parse_date
from moneytrail.countries import country_code
from moneytrail.ftm import DEFAULT_SCHEMA, IDENTIFIER_PROPS, thing_record
from moneytrail.match.index import keep
from moneytrail.match.prepare import entity_countries
from moneytrail.match.score import MIN_SCORE
from moneytrail.model import Entity, IdKind, NameKind, Schema
from moneytrail.screening import Match, Query

if TYPE_CHECKING:
    from moneytrail.api.service import Service, Serving

ALL_DATASETS = ("default", "sanctions", "all")  # every list in service
ALGORITHM = "moneytrail"
DEFAULT_ALGORITHM = "best"
#: yente's algorithm names: accepted, answered by ours (see the module doc).
YENTE_ALGORITHMS = frozenset({"best", "logic-v2", "name-based", "name-qualified", "logic-v1",
                              "regression-v1", ALGORITHM})

Text = Annotated[str, Field(max_length=1000)]
RESPONSES_KEPT = 5_000  # entity answers kept per Serving (~2 KB each)
#: A /match query whose matching took at least this long (seconds of work) has its results
#: kept for its repeats (:class:`~moneytrail.api.service.CostlyAnswers`): payment days and
#: customer books repeat their names, and the names that cost most are the common ones
#: (``Mohamed MOHAMMED``, ``Ali Ali``: 10-60 ms each, most of a p99).
KEEP_ANSWERS_AFTER = 0.002

# -- shared helpers ------------------------------------------------------------------------


def _dates(values: list[str], where: str) -> tuple[str, ...]:
    out = []
    for value in values:
        text = value.strip()
        if "T" in text:  # a date-time: its date
            text = text.split("T", 1)[0]
        try:
            parsed = parse_date(text)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if parsed:
            out.append(parsed)
    return tuple(out)


def _countries(values: list[str], where: str) -> tuple[str, ...]:
    out = []
    for value in values:
        if not value.strip():
            continue
        code = country_code(value)
        if code is None:
            raise ValueError(f"{where}: unknown country {value[:60]!r}")
        out.append(code)
    return tuple(dict.fromkeys(out))


def _schema_name(entity: Entity) -> str:
    return entity.ftm_schema or DEFAULT_SCHEMA.get(entity.schema, "Thing")


def _iso_day(text: str | None) -> str | None:
    """A list date as yente writes timestamps: ``YYYY-MM-DDT00:00:00`` (None when partial)."""
    if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text}T00:00:00"
    return None


# -- yente: /match ------------------------------------------------------------------------

#: FtM thing schemata a query may name -> our schema (None: any).
QUERY_SCHEMATA: dict[str, Schema | None] = {
    "Thing": None, "LegalEntity": None, "Person": Schema.PERSON,
    "Organization": Schema.ORGANIZATION, "Company": Schema.ORGANIZATION,
    "PublicBody": Schema.ORGANIZATION, "Vessel": Schema.VESSEL, "Airplane": Schema.AIRCRAFT,
    "CryptoWallet": Schema.WALLET,
}
NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "abbreviation")
NAME_PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
DATE_PROPS = ("birthDate",)
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry",
                 "birthCountry", "registrationCountry", "flag")
#: FtM property -> identifier kind, for the properties of every thing schema.
ID_PROPS: dict[str, IdKind] = {prop: kind for kind, prop in IDENTIFIER_PROPS.items()}
ID_PROPS.update({"publicKey": IdKind.CRYPTO, "innCode": IdKind.TAX_ID,
                 "vatCode": IdKind.TAX_ID, "ogrnCode": IdKind.REGISTRATION,
                 "okpoCode": IdKind.REGISTRATION, "dunsCode": IdKind.REGISTRATION,
                 "uniqueEntityId": IdKind.REGISTRATION, "bicCode": IdKind.BIC,
                 "socialSecurityNumber": IdKind.NATIONAL_ID})
#: Other FtM properties of things: accepted, not used for matching.
OTHER_PROPS = frozenset({
    "address", "addressEntity", "birthPlace", "deathDate", "gender", "title", "position",
    "topics", "notes", "summary", "description", "sourceUrl", "keywords", "program", "status",
    "sector", "classification", "legalForm", "incorporationDate", "dissolutionDate",
    "religion", "ethnicity", "education", "political", "motherName", "nameSuffix", "weakAlias",
    "buildDate", "type", "model", "tonnage", "grossRegisteredTonnage", "owner", "operator",
    "pastFlags", "currency", "holder", "createdAt", "modifiedAt", "wikidataId", "permId",
    "npiCode", "leiCode", "icaoCode", "registrationNumber", "idNumber", "passportNumber",
    "email", "phone", "website", "imoNumber", "mmsi", "callSign", "serialNumber", "swiftBic",
    "taxNumber", "publicKey", "innCode", "ogrnCode", "vatCode",
})
KNOWN_PROPS = frozenset(NAME_PROPS) | frozenset(NAME_PART_PROPS) | frozenset(DATE_PROPS) \
    | frozenset(COUNTRY_PROPS) | frozenset(ID_PROPS) | OTHER_PROPS


class EntityExample(BaseModel):
    """One query: an FtM example entity (yente's ``EntityExample``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str | None = Field(None, max_length=255, examples=["my-entity-id"])
    schema_: str = Field(alias="schema", max_length=64, examples=["Person"])
    properties: dict[Annotated[str, Field(max_length=64)],
                     Text | Annotated[list[Text], Field(max_length=50)]] = Field(
        examples=[{"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]}])

    @field_validator("schema_")
    @classmethod
    def _schema(cls, value: str) -> str:
        if value not in QUERY_SCHEMATA:
            raise ValueError(f"unknown or non-matchable schema {value[:64]!r}; use one of "
                             f"{', '.join(QUERY_SCHEMATA)}")
        return value

    @field_validator("properties")
    @classmethod
    def _properties(cls, value: dict[str, Any]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - KNOWN_PROPS)
        if unknown:
            raise ValueError(f"unknown FtM properties: {', '.join(p[:64] for p in unknown[:5])}")
        return {k: [v] if isinstance(v, str) else list(v) for k, v in value.items()}


class MatchRequest(BaseModel):
    """yente's ``EntityMatchQuery``: up to 100 queries keyed by the caller's ids."""

    model_config = ConfigDict(extra="forbid")

    queries: dict[Annotated[str, Field(max_length=255)], EntityExample] = Field(
        min_length=1, max_length=100)
    weights: dict[str, float] = Field(default_factory=dict, max_length=0,
                                      description="Not used: must be empty")
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, max_length=0, description="Not used: must be empty")


class Explanation(BaseModel):
    detail: str | None
    score: float
    query: str | None = None
    candidate: str | None = None


class EntityResponse(BaseModel):
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float
    explanations: dict[str, Explanation]
    match: bool


class TotalSpec(BaseModel):
    value: int
    relation: Literal["eq", "gte"] = "eq"


class QueryEcho(BaseModel):
    id: str | None
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: QueryEcho


class MatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int


def check_algorithm(name: str) -> None:
    if name.lower() not in YENTE_ALGORITHMS:
        raise HTTPException(400, f"Invalid algorithm: {name[:64]}; use one of "
                                 f"{', '.join(sorted(YENTE_ALGORITHMS))}")


def algorithms() -> dict[str, Any]:
    doc = ("moneytrail's scorer: names aligned part by part across scripts and romanizations "
           "(Korean first), weighted by rarity; birth dates, countries, gender and "
           "identifiers; one calibrated score with its explanation. yente's algorithm names "
           "are accepted and answered by it.")
    return {"algorithms": [{"name": ALGORITHM, "description": doc, "features": {},
                            "docs": {"name": ALGORITHM, "description": doc, "config": {},
                                     "features": {}}}],
            "default": DEFAULT_ALGORITHM, "best": ALGORITHM}


def example_query(example: EntityExample, where: str) -> tuple[Query, dict[str, list[str]]]:
    """An example entity -> our Query, and its properties as understood (yente's echo)."""
    props = example.properties
    names = [v.strip() for p in NAME_PROPS for v in props.get(p, ()) if v.strip()]
    parts = [" ".join(v.strip() for v in props.get(p, ()) if v.strip()) for p in NAME_PART_PROPS]
    joined = " ".join(p for p in parts if p)
    if joined and joined not in names:
        names.append(joined)
    identifiers = tuple((ID_PROPS[p].value, v.strip()) for p in props if p in ID_PROPS
                        for v in props[p] if v.strip())
    if not names and not identifiers:
        raise ValueError(f"{where}: no name and no identifier to match on")
    dates = _dates([v for p in DATE_PROPS for v in props.get(p, ())], f"{where}.birthDate")
    coded = {p: _countries(props[p], f"{where}.{p}") for p in COUNTRY_PROPS if p in props}
    countries = tuple(dict.fromkeys(code for p, codes in coded.items()
                                    if not (p == "flag" and example.schema_ != "Vessel")
                                    for code in codes))
    gender = next((g.lower() for g in props.get("gender", ())
                   if g.lower() in ("male", "female")), None)
    query = Query(names=tuple(dict.fromkeys(names)), schema=QUERY_SCHEMATA[example.schema_],
                  birth_dates=dates, countries=countries, gender=gender,
                  identifiers=identifiers)
    echo = {k: list(v) for k, v in props.items() if any(x.strip() for x in v)}
    if dates:
        echo["birthDate"] = list(dates)
    echo.update({p: list(codes) for p, codes in coded.items() if codes})
    return query, echo


def match_queries(body: MatchRequest) -> list[tuple[str, EntityExample, Query, dict]]:
    """Each query of a /match body with our Query; 422 naming the query that cannot be read."""
    out, errors = [], []
    for key, example in body.queries.items():
        try:
            query, echo = example_query(example, f"queries.{key}")
        except ValueError as exc:
            errors.append({"loc": ["body", "queries", key], "msg": str(exc),
                           "type": "value_error"})
            continue
        out.append((key, example, query, echo))
    if errors:
        raise HTTPException(422, errors)
    return out


def match_response(serving: Serving, queries: list, sources: frozenset[str] | None,
                   limit: int, threshold: float | None, cutoff: float,
                   excluded: frozenset[str] = frozenset(), *,
                   every: float | None = None) -> Generator[None, None, dict[str, Any]]:
    """yente's answer, as a generator of steps (see
    :meth:`moneytrail.screening.Screener.match_steps`: it yields after each ``every`` seconds
    of matching; None: never) that returns it. ``excluded`` entity ids are left out; asking
    for as many more results keeps the answer exact (they can take at most that many
    places)."""
    screener = serving.screener
    threshold = screener.threshold if threshold is None else threshold
    floor = max(min(cutoff, threshold), min(MIN_SCORE, threshold))
    responses = {}
    for i, (key, example, query, echo) in enumerate(queries):
        if i and every is not None:
            yield  # (between two queries of a batch, too)
        asked = (query, sources, limit, threshold, floor, excluded)
        answer = serving.answers.get(asked)
        if answer is None:
            found, spent = yield from _worked(screener.match_steps(
                query, limit=limit + len(excluded), threshold=threshold, cutoff=floor,
                sources=sources, every=every))
            if excluded:
                found = [m for m in found if m.entity.id not in excluded][:limit]
            answer = (orjson.Fragment(orjson.dumps([scored_entity(serving, m) for m in found])),
                      sum(1 for m in found if m.match))
            if spent >= KEEP_ANSWERS_AFTER:
                serving.answers.keep(asked, answer, spent)
        results, hits = answer
        responses[key] = {
            "status": 200,
            "results": results,
            # every result may be a match when the limit cut the list: then "at least"
            "total": {"value": hits, "relation": "gte" if hits == limit else "eq"},
            "query": {"id": example.id, "schema": example.schema_, "properties": echo},
        }
    return {"responses": responses, "limit": limit}


def _worked(steps: Generator[None, None, Any]) -> Generator[None, None, tuple[Any, float]]:
    """Run a generator of steps, yielding where it yields; its return value and the seconds it
    worked (the time between its steps, spent waiting for the loop, not counted)."""
    clock = time.perf_counter
    spent, started = 0.0, clock()
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value, spent + clock() - started
        spent += clock() - started
        yield
        started = clock()


def entity_response(serving: Serving, entity: Entity) -> dict[str, Any]:
    """An entity in yente's ``EntityResponse`` form (flat FtM properties); a new dict each
    time, over values shared with other answers (never change them)."""
    made = serving.responses.get(entity.id)
    if made is None:
        made = _entity_response(serving, entity)
        keep(serving.responses, entity.id, made, RESPONSES_KEPT)  # (the oldest out past that)
    return dict(made)


def _entity_response(serving: Serving, entity: Entity) -> dict[str, Any]:
    snap = serving.snapshot_of(entity.source)
    return {
        "id": entity.id, "caption": entity.caption, "schema": _schema_name(entity),
        "properties": thing_record(entity)["properties"], "datasets": [entity.source],
        "referents": [], "target": bool(entity.programs),
        "first_seen": _iso_day(entity.listed_on),
        "last_seen": snap.loaded_at.removesuffix("+00:00") if snap else None,
        "last_change": _iso_day(entity.modified_on),
    }


def scored_entity(serving: Serving, m: Match) -> dict[str, Any]:
    out = entity_response(serving, m.entity)
    explanations = {}
    for feature in m.explanation["features"]:
        is_name = feature["feature"] == "name"
        explanations[feature["feature"]] = {
            "detail": feature["detail"], "score": feature["weight"],
            "query": m.query_name if is_name else None,
            "candidate": m.matched_name if is_name else None}
    out.update(score=round(m.score, 4), explanations=explanations, match=m.match)
    return out


# -- yente: /search -----------------------------------------------------------------------

class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int
    offset: int
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]


_SEARCH_POOL = 1000  # candidates a search ranks and counts facets over
_ID_LIKE = re.compile(r"^(?=.*\d)[A-Za-z0-9 .:/-]{5,}$")


def search_response(serving: Serving, q: str, schema: str | None,
                    sources: frozenset[str] | None, countries: list[str],
                    programs: list[str], datasets: list[str], limit: int,
                    offset: int) -> dict[str, Any]:
    """Entities like ``q`` (a name, or an identifier: IMO, BIC, passport, wallet), best first,
    with facets by list, schema, program and country over the whole result set."""
    if schema is not None and schema not in QUERY_SCHEMATA:
        raise HTTPException(422, [{"loc": ["query", "schema"], "type": "value_error",
                                   "msg": "unknown schema; use one of "
                                          f"{', '.join(QUERY_SCHEMATA)}"}])
    try:
        wanted_countries = set(_countries(countries, "countries"))
    except ValueError as exc:
        raise HTTPException(422, [{"loc": ["query", "countries"], "msg": str(exc),
                                   "type": "value_error"}]) from None
    identifiers = ()
    if _ID_LIKE.match(q.strip()):
        value = q.strip()
        identifiers = tuple((k, value) for k in ("passport", "imo", "bic", "registration",
                                                  "crypto", "tax_id"))
    query = Query(names=(q,), schema=QUERY_SCHEMATA[schema] if schema else None,
                  identifiers=identifiers)
    screener = serving.screener
    found = screener.match(query, limit=_SEARCH_POOL, cutoff=MIN_SCORE, sources=sources)
    wanted_programs, wanted_lists = set(programs), set(datasets)
    kept = []
    for m in found:
        e = m.entity
        if wanted_lists and e.source not in wanted_lists:
            continue
        if wanted_programs and not wanted_programs & {p.code for p in e.programs}:
            continue
        if wanted_countries and not wanted_countries & entity_countries(e):
            continue
        kept.append(m)
    facets: dict[str, dict[str, int]] = {"datasets": {}, "schema": {}, "programs": {},
                                         "countries": {}}
    for m in kept:
        e = m.entity
        for name, values in (("datasets", [e.source]), ("schema", [_schema_name(e)]),
                             ("programs", sorted({p.code for p in e.programs})),
                             ("countries", sorted(entity_countries(e)))):
            for value in values:
                facets[name][value] = facets[name].get(value, 0) + 1
    labels = {"datasets": "Data sources", "schema": "Entity types", "programs": "Programs",
              "countries": "Countries"}
    page = kept[offset:offset + limit]
    results = []
    for m in page:
        item = entity_response(serving, m.entity)
        item["score"] = round(m.score, 4)
        results.append(item)
    return {
        "limit": limit, "offset": offset,
        "total": {"value": len(kept), "relation": "gte" if len(found) >= _SEARCH_POOL else "eq"},
        "results": results,
        "facets": {name: {"label": labels[name], "values": [
            {"name": k, "label": k.upper() if name == "countries" else k, "count": n}
            for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]}
            for name, counts in facets.items()},
    }


# -- /entities/{id} ------------------------------------------------------------------------

def entity_body(service: Service, serving: Serving, entity: Entity,
                incoming: list[tuple[str, str]]) -> dict[str, Any]:
    """An entity in yente's form plus ``relations`` (both directions, the other side resolved
    where a list in service holds it) and ``entity``, our own model of it."""
    out = entity_response(serving, entity)
    relations = []
    for rel in entity.relations:
        other = service.entity(serving, rel.target) if rel.target else None
        relations.append({
            "direction": "out", "kind": rel.kind.value, "role": rel.role, "share": rel.share,
            "start_date": rel.start_date, "end_date": rel.end_date,
            "entity": _ref(other) if other else {"id": rel.target, "caption": rel.target_name,
                                                 "schema": None, "in_service": False}})
    for other_id, kind in incoming:
        other = service.entity(serving, other_id)
        if other is not None:
            relations.append({"direction": "in", "kind": kind, "entity": _ref(other)})
    out["relations"] = relations
    out["entity"] = entity.to_dict()
    return out


def _ref(entity: Entity) -> dict[str, Any]:
    return {"id": entity.id, "caption": entity.caption, "schema": _schema_name(entity),
            "in_service": True, "programs": [p.code for p in entity.programs]}


# -- Watchman: /v2/search ------------------------------------------------------------------

WATCHMAN_TYPES: dict[str, Schema] = {"person": Schema.PERSON, "business": Schema.ORGANIZATION,
                                     "organization": Schema.ORGANIZATION,
                                     "aircraft": Schema.AIRCRAFT, "vessel": Schema.VESSEL}
SOURCE_LISTS = {"ofac_sdn": "us_ofac", "ofac_cons": "us_non_sdn", "un_sc": "un_csl",
                "eu_fsf": "eu_csl", "uk_ofsi": "uk_csl", "uk_fcdo": "uk_csl"}
#: Watchman government id types -> our identifier kinds.
GOV_IDS: dict[str, IdKind] = {
    "passport": IdKind.PASSPORT, "diplomatic-passport": IdKind.PASSPORT,
    "national-id": IdKind.NATIONAL_ID, "national": IdKind.NATIONAL_ID,
    "personal-id": IdKind.NATIONAL_ID, "cedula": IdKind.NATIONAL_ID,
    "curp": IdKind.NATIONAL_ID, "ssn": IdKind.NATIONAL_ID, "electoral": IdKind.NATIONAL_ID,
    "refugee-id": IdKind.NATIONAL_ID, "birth-certificate": IdKind.NATIONAL_ID,
    "drivers-license": IdKind.NATIONAL_ID, "tax-id": IdKind.TAX_ID, "tax": IdKind.TAX_ID,
    "cuit": IdKind.TAX_ID, "business-registration": IdKind.REGISTRATION,
    "commercial-registry": IdKind.REGISTRATION,
}
_WATCHMAN_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
Repeat = Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=20)]


class WatchmanParams(BaseModel):
    """The query string of Watchman's ``GET /v2/search``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field("", max_length=500)
    type: Literal["person", "business", "organization", "aircraft", "vessel"] | None = None
    altNames: Repeat = []
    source: str | None = Field(None, max_length=64,
                               description="A list: Watchman's (us_ofac, un_csl, ...) or ours")
    sourceID: str | None = Field(None, max_length=64)
    limit: int = Field(10, description="At most 100; 0 or less means 10 (as Watchman)")
    minMatch: float = Field(0.0, ge=0, le=1)
    birthDate: str | None = Field(None, pattern=_WATCHMAN_DATE)
    deathDate: str | None = Field(None, pattern=_WATCHMAN_DATE)
    gender: str | None = Field(None, max_length=16)
    titles: Repeat = []
    created: str | None = Field(None, pattern=_WATCHMAN_DATE)
    dissolved: str | None = Field(None, pattern=_WATCHMAN_DATE)
    imoNumber: str | None = Field(None, max_length=32)
    mmsi: str | None = Field(None, max_length=32)
    callSign: str | None = Field(None, max_length=32)
    flag: str | None = Field(None, max_length=64)
    serialNumber: str | None = Field(None, max_length=64)
    icaoCode: str | None = Field(None, max_length=32)
    email: Repeat = []
    emailAddress: Repeat = []
    phone: Repeat = []
    phoneNumber: Repeat = []
    website: Repeat = []
    address: Repeat = []
    cryptoAddress: Repeat = []
    gov_passport: str | None = Field(None, max_length=100)
    gov_national_id: str | None = Field(None, alias="gov_national-id", max_length=100)
    gov_national: str | None = Field(None, max_length=100)
    gov_tax_id: str | None = Field(None, alias="gov_tax-id", max_length=100)
    gov_tax: str | None = Field(None, max_length=100)
    gov_cedula: str | None = Field(None, max_length=100)
    gov_business_registration: str | None = Field(None, alias="gov_business-registration",
                                                  max_length=100)
    requestID: str | None = Field(None, max_length=100)
    debug: str | None = Field(None, max_length=16)

    @model_validator(mode="after")
    def _something(self) -> "WatchmanParams":
        if not self.name.strip() and not self.gov_ids() and not self.imoNumber \
                and not self.cryptoAddress and not self.sourceID:
            raise ValueError("give a name (or an identifier: gov_*, imoNumber, cryptoAddress)")
        return self

    def gov_ids(self) -> list[tuple[str, str]]:
        out = []
        for field_name, field in type(self).model_fields.items():
            value = getattr(self, field_name)
            if field_name.startswith("gov_") and value:
                kind = (field.alias or field_name).removeprefix("gov_")
                out.append((GOV_IDS.get(kind, IdKind.OTHER).value,
                            value.split(":", 1)[-1]))
        return out


class WatchmanEntity(BaseModel):
    name: str
    entityType: str
    sourceList: str
    sourceID: str
    person: dict[str, Any] | None = None
    business: dict[str, Any] | None = None
    organization: dict[str, Any] | None = None
    aircraft: dict[str, Any] | None = None
    vessel: dict[str, Any] | None = None
    contact: dict[str, Any]
    addresses: list[dict[str, Any]] | None
    cryptoAddresses: list[dict[str, Any]] | None
    affiliations: list[dict[str, Any]] | None
    sanctionsInfo: dict[str, Any] | None
    historicalInfo: list[dict[str, Any]] | None
    sourceData: dict[str, Any]
    match: float


class WatchmanResponse(BaseModel):
    query: dict[str, Any]
    entities: list[WatchmanEntity]


def _source_filter(serving: Serving, source: str | None) -> frozenset[str] | None:
    if not source:
        return None
    ours = {s for s in serving.sources if s == source or SOURCE_LISTS.get(s) == source}
    if not ours:
        raise HTTPException(400, {"error": f"problem reading v2 search request: unknown "
                                           f"source {source[:64]!r}"})
    return frozenset(ours)


def watchman_response(serving: Serving, p: WatchmanParams, *, every: float | None = None
                      ) -> Generator[None, None, dict[str, Any]]:
    """Watchman's answer, as a generator of steps that returns it (see :func:`match_response`;
    a bad parameter raises on the first step)."""
    schema = WATCHMAN_TYPES.get(p.type) if p.type else None
    identifiers = list(p.gov_ids())
    if p.imoNumber:
        identifiers.append((IdKind.IMO.value, p.imoNumber))
    for kind, field_values in ((IdKind.MMSI, [p.mmsi]), (IdKind.CALL_SIGN, [p.callSign]),
                               (IdKind.EMAIL, p.email + p.emailAddress),
                               (IdKind.PHONE, p.phone + p.phoneNumber),
                               (IdKind.WEBSITE, p.website)):
        identifiers.extend((kind.value, v) for v in field_values if v)
    for value in p.cryptoAddress:
        identifiers.append((IdKind.CRYPTO.value, value.split(":", 1)[-1]))
    names = tuple(n for n in [p.name, *p.altNames] if n.strip())
    dates = tuple(d for d in [p.birthDate] if d)
    countries = ()
    if p.flag:
        code = country_code(p.flag)
        if code is None:
            raise HTTPException(400, {"error": "problem reading v2 search request: unknown "
                                               f"flag {p.flag[:64]!r}"})
        countries = (code,)
    gender = p.gender.lower() if p.gender and p.gender.lower() in ("male", "female") else None
    query = Query(names=names, schema=schema, birth_dates=dates, countries=countries,
                  gender=gender, identifiers=tuple(identifiers))
    limit = 10 if p.limit <= 0 else min(p.limit, 100)
    sources = _source_filter(serving, p.source)
    found = yield from serving.screener.match_steps(
        query, limit=limit, cutoff=max(p.minMatch, MIN_SCORE), sources=sources, every=every)
    if p.sourceID:
        found = [m for m in found if m.list_ref == p.sourceID]
    return {"query": _watchman_query(p), "entities": [watchman_entity(m) for m in found]}


def _watchman_query(p: WatchmanParams) -> dict[str, Any]:
    return {"name": p.name, "entityType": p.type or "", "sourceList": "api-request",
            "sourceID": p.requestID or ""}


def _rfc3339(date: str | None) -> str | None:
    if not date:
        return None
    parts = date.split("-") + ["01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def watchman_entity(m: Match) -> dict[str, Any]:
    """A match in Watchman's v2 ``SearchedEntity`` JSON."""
    e = m.entity
    entity_type = {Schema.PERSON: "person", Schema.ORGANIZATION: "business",
                   Schema.VESSEL: "vessel", Schema.AIRCRAFT: "aircraft"}.get(e.schema, "unknown")
    primary = e.caption
    alt = [n.full for n in e.names if n.full != primary] or None
    ids = {kind: [i for i in e.identifiers if i.kind is kind] for kind in IdKind}
    gov = [{"name": "", "type": {IdKind.PASSPORT: "passport", IdKind.NATIONAL_ID: "national-id",
                                 IdKind.TAX_ID: "tax-id",
                                 IdKind.REGISTRATION: "business-registration"}[i.kind],
            "country": (i.country or "").upper(), "identifier": i.value}
           for i in e.identifiers if i.kind in (IdKind.PASSPORT, IdKind.NATIONAL_ID,
                                                IdKind.TAX_ID, IdKind.REGISTRATION)] or None

    def first(kind: IdKind) -> str:
        return ids[kind][0].value if ids[kind] else ""

    out: dict[str, Any] = {
        "name": primary, "entityType": entity_type,
        "sourceList": SOURCE_LISTS.get(e.source, e.source), "sourceID": m.list_ref,
        "person": None, "business": None, "organization": None, "aircraft": None,
        "vessel": None,
    }
    if entity_type == "person":
        out["person"] = {"name": primary, "altNames": alt, "gender": e.gender or "unknown",
                         "birthDate": _rfc3339(e.birth_dates[0] if e.birth_dates else None),
                         "placeOfBirth": e.birth_places[0] if e.birth_places else "",
                         "deathDate": _rfc3339(e.death_dates[0] if e.death_dates else None),
                         "titles": list(e.titles) or None, "governmentIDs": gov}
    elif entity_type == "business":
        out["business"] = {"name": primary, "altNames": alt, "created": None,
                           "dissolved": None, "governmentIDs": gov}
    elif entity_type == "vessel":
        out["vessel"] = {"name": primary, "altNames": alt, "imoNumber": first(IdKind.IMO),
                         "type": "unknown", "flag": (e.countries[0].upper() if e.countries
                                                     else ""),
                         "built": None, "model": "", "tonnage": 0, "mmsi": first(IdKind.MMSI),
                         "callSign": first(IdKind.CALL_SIGN), "grossRegisteredTonnage": 0,
                         "owner": ""}
    elif entity_type == "aircraft":
        out["aircraft"] = {"name": primary, "altNames": alt, "type": "unknown", "flag": "",
                           "built": None, "icaoCode": "", "model": "",
                           "serialNumber": first(IdKind.AIRCRAFT_SERIAL)}
    out["contact"] = {"emailAddresses": [i.value for i in ids[IdKind.EMAIL]] or None,
                      "phoneNumbers": [i.value for i in ids[IdKind.PHONE]] or None,
                      "faxNumbers": None,
                      "websites": [i.value for i in ids[IdKind.WEBSITE]] or None}
    out["addresses"] = [{"line1": a.street or (a.full if not a.city else ""), "line2": "",
                         "city": a.city or "", "postalCode": a.postal_code or "",
                         "state": a.region or "", "country": (a.country or "").upper(),
                         "latitude": 0, "longitude": 0} for a in e.addresses] or None
    out["cryptoAddresses"] = [{"currency": i.asset or "", "address": i.value}
                              for i in ids[IdKind.CRYPTO]] or None
    out["affiliations"] = [{"entityName": r.target_name or r.target or "",
                            "type": r.role or r.kind.value} for r in e.relations] or None
    out["sanctionsInfo"] = {"programs": [p.code for p in e.programs],
                            "secondary": any("secondary" in n.lower() for n in e.notes),
                            "description": e.remarks or ""} if e.programs else None
    out["historicalInfo"] = [{"type": "Former Name", "value": n.full, "date": None}
                             for n in e.names if n.kind is NameKind.FORMER] or None
    out["sourceData"] = {"entityID": e.id, "source": e.source, "explanation": m.explanation}
    out["match"] = round(m.score, 4)
    return out


# -- moneytrail: /v1/screen ----------------------------------------------------------------

class Identifier(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: IdKind
    value: str = Field(min_length=1, max_length=200)


class ScreenQuery(BaseModel):
    """One name (or several, of one party) and what else is known about it."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=255, description="Yours; echoed on the answer")
    name: str | None = Field(None, max_length=1000)
    names: Annotated[list[Text], Field(max_length=20)] = []
    schema_: Literal["Person", "Organization", "Vessel", "Aircraft", "Wallet"] | None = Field(
        None, alias="schema")
    birth_dates: Annotated[list[Annotated[str, Field(max_length=32)]], Field(max_length=10)] = []
    countries: Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=10)] = []
    gender: Literal["male", "female"] | None = None
    identifiers: Annotated[list[Identifier], Field(max_length=20)] = []


class ScreenRequest(BaseModel):
    """Up to 10,000 queries, answered in order, one JSON line each."""

    model_config = ConfigDict(extra="forbid")

    queries: list[ScreenQuery] = Field(min_length=1, max_length=10_000)
    dataset: str = Field("default", max_length=64)
    limit: int = Field(5, ge=1, le=50)
    threshold: float | None = Field(None, ge=0, le=1)
    matches_only: bool = Field(False, description="Only results at or above the threshold")


def screen_queries(body: ScreenRequest) -> list[tuple[str | None, Query]]:
    """Our Query for each; 422 naming every query that cannot be read."""
    out, errors = [], []
    for i, q in enumerate(body.queries):
        where = ["body", "queries", i]
        names = tuple(n for n in ([q.name] if q.name else []) + q.names if n.strip())
        if not names and not q.identifiers:
            errors.append({"loc": where, "msg": "no name and no identifier",
                           "type": "value_error"})
            continue
        try:
            dates = _dates(q.birth_dates, "birth_dates")
            countries = _countries(q.countries, "countries")
        except ValueError as exc:
            errors.append({"loc": where, "msg": str(exc), "type": "value_error"})
            continue
        out.append((q.id, Query(names=names, schema=Schema(q.schema_) if q.schema_ else None,
                                birth_dates=dates, countries=countries, gender=q.gender,
                                identifiers=tuple((i.kind.value, i.value)
                                                  for i in q.identifiers))))
        if len(errors) >= 20:
            break
    if errors:
        raise HTTPException(422, errors)
    return out


def screen_lines(serving: Serving, queries: list[tuple[str | None, Query]],
                 sources: frozenset[str] | None, body: ScreenRequest) -> Iterator[bytes]:
    """One JSON line per query, in order, then ``{"end": true, "count": n}``: a client that
    sees no end line knows the answer was cut short."""
    screener = serving.screener
    for i, (key, query) in enumerate(queries):
        found = screener.match(query, limit=body.limit, threshold=body.threshold,
                               sources=sources)
        if body.matches_only:
            found = [m for m in found if m.match]
        yield orjson.dumps({"index": i, "id": key, "hit": any(m.match for m in found),
                            "matches": [m.to_dict() for m in found]}) + b"\n"
    yield orjson.dumps({"end": True, "count": len(queries),
                        "snapshots": list(serving.snapshot_ids)}) + b"\n"
