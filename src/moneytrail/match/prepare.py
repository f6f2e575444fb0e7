"""Names and entities in the comparable forms the index and the scorer use, computed once.

A list entity is prepared when the index is built; a query when it arrives. Both go through the
same functions, so what the index keys on and what the scorer compares can never drift apart.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, replace
from importlib.resources import files

from moneytrail.countries import country_code
from moneytrail.model import Entity, IdKind, NameKind, Schema, fast_unpickling
from moneytrail.names import korean, orgs, text
from moneytrail.names.memo import memo

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


@fast_unpickling
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
    numbers: frozenset[int]  # numbers in the name (digits, Roman numerals past the first word)
    words: tuple[str, ...]  # tokens without the numbers: what the token comparison aligns
    org_words: tuple[str, ...]  # an organisation's distinctive words without numbers
    vessel_words: tuple[str, ...]  # a vessel's words without numbers
    script: str  # the script the name is written in (text.detect_script)
    titled: bool = False  # a person's name written with a title (President Erdogan, Dr. Kim)

    @property
    def weak(self) -> bool:
        return self.kind == NameKind.WEAK_ALIAS.value


@memo(50_000)  # ~1.7 KB a name: a bulk run's names seldom repeat
def prepare_name(full: str, schema: Schema | None, kind: str = "query") -> PreparedName:
    """Prepare one name for a schema (None: unknown, try person and organisation forms)."""
    person = schema in (Schema.PERSON, None)
    norm = text.normalize(split_camel(full) if person else full)
    tokens = tuple(norm.split())
    titled = False
    if schema is Schema.PERSON:
        untitled = strip_titles(tokens)
        titled = len(untitled) < len(tokens)
        tokens = arabic_compounds(untitled)
        norm = " ".join(tokens)
    is_org = schema in (Schema.ORGANIZATION, None)
    kor = tuple(korean.korean_names(full)) if person else ()
    # orgs reads the name as written (parenthesised acronyms such as "(KOMID)"), in Latin letters
    script = text.detect_script(full)
    latin = full if script in ("Latn", "Zyyy") else text.to_latin(full)
    org = orgs.org_name(latin) if is_org and norm else None
    vessel = orgs.vessel_name(latin) if schema is Schema.VESSEL else ()
    if schema is not Schema.PERSON:
        tokens, vessel = number_words(tokens), number_words(vessel)
        if org is not None:
            org = replace(org, tokens=number_words(org.tokens),
                          distinctive=number_words(org.distinctive))
    # an organisation's numbers are read without its legal forms (B.V. is not "B 5")
    numbers = _numbers(org.tokens if org is not None else tokens) | _numbers(vessel)
    org_words = _without_numbers(org.distinctive or org.tokens) if org is not None else ()
    return PreparedName(full, kind, norm, tokens, kor, org, vessel, _keys(tokens, org), numbers,
                        _without_numbers(tokens), org_words, _without_numbers(vessel), script,
                        titled)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xx": 20}


def _is_number(token: str, position: int) -> bool:
    """Digits; a Roman numeral past the first word; I, V and X only after two words (Capital
    Partners V, Trust I), since earlier they are more often an initial (Vladimir V Putin)."""
    if token.isdigit():
        return len(token) < 10
    return token in _ROMAN and position >= (2 if token in ("i", "v", "x") else 1)


# Numbers are not aligned as words but compared on their own. Lists and their users write
# series and vintages loosely (Fund VII / VIII, Trust 2004-1 / 2005-1, Snow Storm 1 / 2 are
# labelled the same in OpenSanctions' test bench): a different number lowers the score a
# little, for a human to look at. An organisation number on one side only usually names a
# sibling (Bowne Global Solutions / ... II, Management Company / ... 23). (The scorer applies
# them, ``score.name_similarity``; the index's bounds too.)
NUMBERS_DIFFER = 0.90
NUMBER_ONE_SIDE_ORG = 0.75


def numbers_key(numbers: frozenset[int]) -> int:
    """A name's numbers as one integer, 0 for none: equal sets give equal keys in every
    process (an int's hash is not salted, unlike a string's); different sets almost always
    differ (where not, the index's bound is only looser)."""
    return (hash(numbers) or 1) if numbers else 0


def _numbers(tokens: tuple[str, ...]) -> frozenset[int]:
    """Numbers in a name: digits and Roman numerals (Fund VIII, Sea Star 7), see _is_number."""
    return frozenset(int(t) if t.isdigit() else _ROMAN[t]
                     for i, t in enumerate(tokens) if _is_number(t, i))


_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_TENS["fourty"] = 40  # a common misspelling


def number_words(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """English number words as digits: ``brigade forty four`` -> ``brigade 44`` (also
    ``forty 4``), ``three percenters`` -> ``3 percenters``. Not applied to persons' names."""
    if not any(t in _UNITS or t in _TENS for t in tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _TENS:
            value = _TENS[token]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            unit = _UNITS.get(nxt, int(nxt) if nxt.isdigit() and len(nxt) == 1 else None)
            if unit is not None and 0 < unit < 10:
                value += unit
                i += 1
            out.append(str(value))
        elif token in _UNITS:
            out.append(str(_UNITS[token]))
        else:
            out.append(token)
        i += 1
    return tuple(out)


def _without_numbers(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a name without its numbers (they are compared on their own)."""
    return tuple(t for i, t in enumerate(tokens) if not _is_number(t, i))


# a lower-case letter after four lower-case letters, then a capital and a lower-case letter
_CAMEL = re.compile(r"(?<=[a-z]{4})(?=[A-Z][a-z])")


def split_camel(name: str) -> str:
    """A person's words written together, each capitalised, as separate words:
    ``FridrichBuchenberg`` -> ``Fridrich Buchenberg``. Only after four lower-case letters, so
    that the prefixes of one word stay on it (McDonald, MacArthur, DeVito, LaToya)."""
    return _CAMEL.sub(" ", name) if name.isascii() else name


def is_country_word(token: str) -> bool:
    """A word that names a country (``china``, ``korea``; not two- or three-letter codes)."""
    return len(token) > 3 and country_code(token) not in (None, "zz")


def acronym_word(tokens: tuple[str, ...]) -> str | None:
    """The word of a name that may be an acronym of another: the name's only word, or its one
    word beside a country (``PLA China``). Beside an acronym a country says where the
    organisation is; it does not name a subsidiary as it does beside the full name
    (``Banco Santander Chile``, see ``score.COUNTRY_QUALIFIER``)."""
    if len(tokens) == 1:
        return tokens[0]
    if len(tokens) == 2:
        countries = [is_country_word(t) for t in tokens]
        if countries.count(True) == 1:
            return tokens[countries.index(False)]
    return None


# The scorer's two acronym rules (``score._org_similarity``), which the index's bounds follow:
# a query that is an acronym of a list name (KOMID, IRGC: what a user types) scores
# ACRONYM_OF; a list name that is an acronym spelt by the query's initials (Linda Jones / LJ,
# Interfood Group / IG) is a coincidence far more often than the organisation, since the
# lists' acronyms are aliases of full names that a full name in a query meets directly:
# SPELT_BY_INITIALS, a candidate to look at, under the threshold. Two full names with the same
# initials (STATE ESTABLISHMENT ... / STEPNYANSKI ELEVATOR) are no rule.
ACRONYM_OF = 0.90
SPELT_BY_INITIALS = 0.75


def _keys(tokens: tuple[str, ...], org: orgs.OrgName | None) -> frozenset[str]:
    """The whole-name keys of one name: its tokens joined without spaces (``c:``), an
    organisation's compact form (``c:``), the acronyms it may be known by (``a:``) and, for a
    name that is itself an acronym, that word (``w:``; see :data:`SPELT_BY_INITIALS`). Token
    keys live in :mod:`moneytrail.match.tokens`, Korean reading keys in the index."""
    keys: set[str] = set()
    if tokens:
        keys.add("c:" + "".join(tokens))
    if org is not None:
        if org.compact:
            keys.add("c:" + org.compact)
        keys.update("a:" + a for a in org.acronyms)
        if (word := acronym_word(tokens)) is not None:
            keys.add("w:" + word)
    return frozenset(keys)


def korean_key(surname: str, given: tuple[str, ...]) -> str:
    return "k:" + surname + "|" + "|".join(given)


def joined_pairs(words: tuple[str, ...]) -> list[str]:
    """Each two neighbouring words written as one (the form a name written run together has)."""
    return [a + b for a, b in zip(words, words[1:]) if not (a.isdigit() or b.isdigit())]


def path_words(name: PreparedName, path: str) -> tuple[str, ...]:
    """The words a name is aligned on along a comparison path (see :func:`name_path`)."""
    if path == "organization":
        return name.org_words
    if path == "vessel":
        return name.vessel_words
    return name.words


# A three-letter word glued by a hyphen to the next one: where the Arabic article stands
# (``al-Assad``).
_GLUED = re.compile(r"(?<![A-Za-z'-])([A-Za-z]{3})-(?=[^\W\d_])")


def article_typos(full: str, known) -> str:
    """A person's name with a mistyped Arabic article written as the article: ``Bashar
    xal-Assad`` -> ``Bashar al-Assad``. A word of three letters glued by a hyphen to the next
    word, that is the article (``al``, ``el``, ``ul``) with one letter added before or after
    it, and that ``known`` (whether the lists use the word) says is no word of any listed
    name. The last test keeps ``Ali-``, ``Gul-``, ``Del-``, ``Ala-`` (names, also glued by
    hyphens) as written; it needs an index, so a caller without one does not rewrite.

    Left as written, the stray word is an unknown, hence the rarest, word of the name and
    costs it most of its weight (0.77 for the example above)."""
    if "-" not in full:
        return full

    def fix(found: re.Match) -> str:
        word = found.group(1)
        low = word.lower()
        for article in ("al", "el", "ul"):
            if article in (low[1:], low[:-1]) and not known(low):
                return (article if word.islower() else article.capitalize()) + "-"
        return found.group(0)

    return _GLUED.sub(fix, full)


_ABD = frozenset({"abdel", "abdal", "abdul", "abdoul", "abdol"})


def arabic_compounds(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """One spelling for the ``Abd al-`` compound of Arabic names: ``abd al aziz``, ``abdel
    aziz``, ``abdoul aziz`` -> ``abdul aziz`` (the lists write all of them)."""
    if not any(t.startswith("abd") for t in tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "abd" and i + 1 < len(tokens) and tokens[i + 1] in ("al", "el", "ul", "ol"):
            out.append("abdul")
            i += 2
            continue
        out.append("abdul" if token in _ABD else token)
        i += 1
    return tuple(out)


@memo(None)
def _titles() -> tuple[tuple[str, ...], ...]:
    raw = files("moneytrail").joinpath("data/person_titles.txt").read_text("utf-8")
    found = {tuple(line.split()) for line in raw.splitlines()
             if line.strip() and not line.startswith("#")}
    return tuple(sorted(found, key=len, reverse=True))  # longest first: "his excellency"


@memo(None)
def _title_ends() -> frozenset[str]:
    """Every first and last word of a title: a name with neither at an end has no title."""
    return frozenset(w for title in _titles() for w in (title[0], title[-1]))


def strip_titles(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A person's name without the titles that lead or end it (President, Dr, Sheikh ...,
    Hungarian ``elnok`` after the name). Never everything: "General" alone stays a name."""
    ends = _title_ends()
    changed = True
    while changed and len(tokens) > 1 and (tokens[0] in ends or tokens[-1] in ends):
        changed = False
        for title in _titles():
            if len(title) < len(tokens) and tokens[:len(title)] == title:
                tokens, changed = tokens[len(title):], True
                break
            if len(title) < len(tokens) and tokens[-len(title):] == title:
                tokens, changed = tokens[:-len(title)], True
                break
    return tokens


@fast_unpickling
@dataclass(frozen=True, slots=True)
class PreparedEntity:
    """An entity with its names prepared and its comparable facts gathered.

    The scorer reads only these facts (and the entity's schema, gender and list, copied here).
    The entity itself may be held as its pickle (``record``: see :meth:`lazy`) and is read
    back when :attr:`entity` is first asked for: the index file keeps entities so, and a
    query scores dozens of entities to return five (the record is 60% of the time to
    unpickle one, ~20 of ~33 us, and most of its size once read)."""

    record: Entity | bytes
    names: tuple[PreparedName, ...]
    birth_years: frozenset[int]
    birth_dates: tuple[str, ...]
    countries: frozenset[str]
    id_keys: frozenset[str]
    schema: Schema
    gender: str | None
    source: str

    @property
    def entity(self) -> Entity:
        record = self.record
        if isinstance(record, bytes):  # (two threads may both read it: equal entities)
            record = pickle.loads(record)
            object.__setattr__(self, "record", record)
        return record

    def lazy(self) -> PreparedEntity:
        """This prepared entity with its record pickled, to be read back when needed."""
        if isinstance(self.record, bytes):
            return self
        return replace(self, record=pickle.dumps(self.record, protocol=pickle.HIGHEST_PROTOCOL))


def entity_countries(entity: Entity) -> frozenset[str]:
    """Every country an entity is tied to: nationality, citizenship, links, addresses."""
    found = set(entity.nationalities) | set(entity.citizenships) | set(entity.countries)
    found.update(a.country for a in entity.addresses if a.country)
    return frozenset(found)


def years(dates: tuple[str, ...]) -> frozenset[int]:
    return frozenset(int(d[:4]) for d in dates if d[:4].isdigit())


def with_parts(name: str) -> tuple[str, ...]:
    """A name, and the names it joins with slashes (``Al-Qa'ida/Islamic Army``): each part
    of three letters or more is a name too. ``A/S``, ``M/V``, ``C/O`` are not split."""
    if "/" not in name:
        return (name,)
    parts = [p.strip() for p in name.split("/")]
    if len(parts) < 2 or any(sum(c.isalpha() for c in p) < 3 for p in parts):
        return (name,)
    return (name, *parts)


def prepare_entity(entity: Entity) -> PreparedEntity:
    """Prepare a list entity (names of every kind but the original script's are transliterated
    by the normaliser; Korean readings come from the name as written, in any script)."""
    names = tuple(prepare_name(text, entity.schema, n.kind.value) for n in entity.names
                  for text in with_parts(n.full) if text.strip())
    ids = frozenset(id_key(i.kind, i.value) for i in entity.identifiers
                    if i.kind in DECISIVE_IDS and i.value.strip())
    return PreparedEntity(entity, names, years(entity.birth_dates), entity.birth_dates,
                          entity_countries(entity), ids, entity.schema, entity.gender,
                          entity.source)


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
