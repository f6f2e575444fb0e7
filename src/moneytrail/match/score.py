"""The scorer: features of a (query, entity) pair combined into one score in [0, 1], explained.

Features, each reported with its value and weight in the explanation:

- ``name``: the best similarity over every (query name, list name) pair. How two names are
  compared depends on what they are (:func:`moneytrail.match.prepare.name_path`):
  * Korean personal names (both sides read as Korean): equal surname and equal given-name
    syllable classes in the same order score 1.0; anything else stays below the threshold, since
    a different given syllable is a different person (``Kim Jong Un`` / ``Kim Yong Un``).
  * organisations: distinctive words (legal forms and generic words removed, romanized Korean
    glossed), compact forms (``Namchongang`` = ``Nam Chon Gang``) and acronyms; a country on
    one side only names a subsidiary (x0.8);
  * vessels: their words;
  * other names: words aligned one to one (:func:`moneytrail.match.tokens.token_sim`: typos,
    phonetic codes, initials, nicknames), weighted by rarity, the shorter name's coverage
    counting most, less for conflicting words and reversed patronymic chains
    (:func:`aligned_tokens`); a different split into words (``Al Hassan`` / ``Alhassan``) is
    the same name.
  Numbers are compared apart: different numbers x0.9, an organisation number on one side only
  x0.75. Two Hangul (or Han) names that differ in a character score at most 0.6. A weak alias
  (OFAC's low-quality a.k.a.) counts a little less than a strong name.
- ``identifier``: an equal passport, national id, IMO, MMSI, BIC, LEI, registration number or
  crypto address decides the match on its own (score 1.0).
- ``birth_date``: exact date +0.05, same year +0.03, one year apart 0, further apart -0.25
  (namesakes are told apart by birth dates).
- ``country``: a shared country +0.03, none shared -0.05 (when both sides have some).
- ``gender``: different genders -0.2.
- ``schema``: a person never matches an organisation, vessel or aircraft, nor the reverse.

The default threshold is :data:`THRESHOLD`; :data:`EXPLANATION_VERSION` versions the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moneytrail.match.index import Index
from moneytrail.match.prepare import (
    ACRONYM_OF,
    NUMBER_ONE_SIDE_ORG,
    NUMBERS_DIFFER,
    SPELT_BY_INITIALS,
    WEAK_FACTOR,
    PreparedEntity,
    PreparedName,
    acronym_word,
    is_country_word,
    joined_pairs,
    name_path,
    path_words,
)
from moneytrail.match.tokens import (
    CONFLICT_WEIGHT,
    PATRONYMIC_LINKS,
    TITLED_SIM,
    TITLED_SURNAME,
    TOKEN_FLOOR,
    WEAK_SIM,
    is_filler,
    titled_rare,
    token_sim,
    words_mask,
)
from moneytrail.model import Schema
from moneytrail.names.memo import memo

THRESHOLD = 0.80
EXPLANATION_VERSION = 1
SCORE_DIGITS = 6  # scores are rounded to this many decimals
MIN_SCORE = 0.60  # Screener.match reports nothing below this (unless the threshold is lower)
SYLLABIC_CAP = 0.60  # two Hangul (or Han) names that differ in a character score at most this


def schema_compatible(query: Schema | None, entity: Schema) -> bool:
    """Only the same schema matches; a query without a schema is compatible with anything."""
    return query is None or query is entity


@dataclass(frozen=True, slots=True)
class NameResult:
    score: float
    method: str
    query: PreparedName
    matched: PreparedName
    detail: str


def korean_similarity(a: PreparedName, b: PreparedName) -> tuple[float, str]:
    """Compare two names that both read as Korean personal names (see the module doc)."""
    best, detail = 0.0, ""
    for x in a.korean:
        for y in b.korean:
            if x.surname == y.surname and x.given == y.given:
                return 1.0, f"same Korean name: {x.reading} = {y.reading}"
            if x.given == y.given:
                score, why = 0.60, f"same given name, different surname: {x.reading} / {y.reading}"
            elif x.surname == y.surname and len(x.given) == len(y.given):
                same = sum(p == q for p, q in zip(x.given, y.given))
                score = 0.50 + 0.25 * same / max(1, len(x.given))
                why = (f"same surname, given-name syllables differ ({same} of {len(x.given)} "
                       f"agree in order): {x.reading} / {y.reading}")
            elif x.surname == y.surname:
                score, why = 0.45, f"same surname only: {x.reading} / {y.reading}"
            else:
                score, why = 0.0, ""
            if score > best:
                best, detail = score, why
    return best, detail or "different Korean names"


def aligned_tokens(a: tuple[str, ...], b: tuple[str, ...], index: Index,
                   weak_limit: int = 1, joins: bool = False, one_word: float = 0.9) -> float:
    """Align tokens one to one (greedy by similarity), weight by rarity, combine both sides.

    The shorter name's weighted coverage counts 70%, the longer's 30%, so a missing middle name
    costs little while an unmatched given name costs a lot; a one-word name against a longer one
    is discounted by ``one_word`` (one shared word is weak evidence for an organisation; for a
    person the caller passes 1.0: a surname alone, ``Putin``, ``Erdogan``, is how people are
    named). Initials, links and articles alone are no evidence: without one aligned word that
    is none of these (``A. AL-B.`` / ``Ahmed Al-Bashir``) the score is 0.

    A weak match (a word two typos away, see :data:`moneytrail.match.tokens.WEAK_SIM`) counts
    once per name (``weak_limit``; twice for a name read from another script): one misspelt
    word is a misspelling, two are another name (Olga Barynova / Oleg Baranov).

    Two corrections make it tell namesakes apart (each only lowers the score):

    - **conflict**: when both names keep a word the other lacks (``... EL SAYED MOHAMED`` /
      ``... EL SAYED AHMED``), that is a different name in that place, not an omitted one: the
      score loses :data:`CONFLICT_WEIGHT` times the smaller unmatched share of the two.
    - **patronymic chain reversed**: ``SALMAN BIN MUHAMMAD`` is the son of Muhammad,
      ``MUHAMMAD BIN SALMAN`` his father's name in the other place: a word before ``bin``
      (``ibn``, ``ben``, ``bint``, ``ould``) aligned with one after it scores x0.6.
    """
    if not a or not b:
        return 0.0
    if words_mask(a) & words_mask(b):
        pairs = [(sim, i, j) for i, x in enumerate(a) for j, y in enumerate(b)
                 if (sim := token_sim(x, y)) >= TOKEN_FLOOR]
    else:
        pairs = []  # no word of one shares a key with a word of the other: none aligns
    pairs.sort(reverse=True)
    used_a: dict[int, float] = {}
    used_b: dict[int, float] = {}
    aligned: dict[int, int] = {}
    word = False
    weak = 0
    for sim, i, j in pairs:
        if i not in used_a and j not in used_b:
            if sim < WEAK_SIM:
                if weak >= weak_limit:
                    continue  # one word two typos away is a misspelling; two, another name
                weak += 1
            used_a[i] = used_b[j] = sim
            aligned[i] = j
            word = word or not (is_filler(a[i]) or is_filler(b[j]))
    if joins:
        word = _align_joined(a, b, used_a, used_b) or word
    if not word:
        return 0.0
    cover_a, left_a = _shares(a, used_a, index)
    cover_b, left_b = _shares(b, used_b, index)
    short, long_ = (cover_a, cover_b) if len(a) <= len(b) else (cover_b, cover_a)
    score = 0.7 * short + 0.3 * long_
    if min(len(a), len(b)) == 1 < max(len(a), len(b)):
        score *= one_word
    if left_a and left_b:
        score -= CONFLICT_WEIGHT * min(left_a, left_b)
    if _reversed_chain(a, b, aligned):
        score *= 0.6
    return max(0.0, score)


@memo(1 << 16)
def joined_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(joined_pairs(words))


def _align_joined(a: tuple[str, ...], b: tuple[str, ...], used_a: dict[int, float],
                  used_b: dict[int, float]) -> bool:
    """Align two unaligned neighbouring words of one name with an unaligned word of the other
    that is the two written as one (Patr ushev / Patrushev, Mohammad Hasni / Mohammadhasni)."""
    free_a, free_b = len(a) - len(used_a), len(b) - len(used_b)
    if not (free_a >= 2 and free_b or free_b >= 2 and free_a) or \
            joined_set(a).isdisjoint(b) and joined_set(b).isdisjoint(a):
        return False
    found = False
    for x, y, used_x, used_y in ((a, b, used_a, used_b), (b, a, used_b, used_a)):
        if len(x) - len(used_x) < 2 or len(y) == len(used_y):
            continue  # needs two free words on one side and one on the other
        free = {word: j for j, word in enumerate(y) if j not in used_y}
        for i in range(len(x) - 1):
            if i in used_x or i + 1 in used_x or x[i].isdigit() or x[i + 1].isdigit():
                continue  # (numbers are never joined: see prepare.joined_pairs)
            j = free.pop(x[i] + x[i + 1], None)
            if j is not None:
                used_x[i] = used_x[i + 1] = used_y[j] = 1.0
                found = True
    return found


def _shares(tokens: tuple[str, ...], matched: dict[int, float],
            index: Index) -> tuple[float, float]:
    """A name's rarity-weighted coverage (aligned words, by their similarity) and the share of
    its words left unaligned (initials, links and articles not counted)."""
    weights, total = index.weights(tokens)
    if not total:
        return 0.0, 0.0
    covered = sum(w * matched.get(i, 0.0) for i, w in enumerate(weights))
    left = sum(w for i, (t, w) in enumerate(zip(tokens, weights))
               if i not in matched and not is_filler(t))
    return covered / total, left / total


def _reversed_chain(a: tuple[str, ...], b: tuple[str, ...], aligned: dict[int, int]) -> bool:
    """Whether a word before a patronymic link in one name is aligned with a word after one
    in the other (see :func:`aligned_tokens`)."""
    # a link joins two names: first or last, it is not a chain (a shuffled name)
    links_a = [i for i, t in enumerate(a) if t in PATRONYMIC_LINKS and 0 < i < len(a) - 1]
    links_b = [j for j, t in enumerate(b) if t in PATRONYMIC_LINKS and 0 < j < len(b) - 1]
    if not links_a or not links_b:
        return False
    for i, j in aligned.items():
        if a[i] in PATRONYMIC_LINKS:
            continue
        before_a = any(i < k for k in links_a)
        after_a = any(i > k for k in links_a)
        before_b = any(j < k for k in links_b)
        after_b = any(j > k for k in links_b)
        if (before_a and not after_a and after_b and not before_b) or \
                (after_a and not before_a and before_b and not after_b):
            return True
    return False


def name_similarity(q: PreparedName, c: PreparedName, schema: Schema,
                    index: Index) -> NameResult:
    """The similarity of one query name and one list name of an entity of ``schema``."""
    path = name_path(q, c, schema)
    if path == "korean":
        score, detail = korean_similarity(q, c)
        result = NameResult(score, "korean", q, c, detail)
    elif path == "organization":
        result = _org_similarity(q, c, index)
    elif path == "vessel":
        score = aligned_tokens(path_words(q, path), path_words(c, path), index)
        result = NameResult(score, "vessel", q, c, "vessel name words")
    elif len(q.tokens) != len(c.tokens) and "".join(q.tokens) == "".join(c.tokens):
        # a different split into words ("Al Hassan" / "Alhassan", "PolPot" / "Pol Pot")
        result = NameResult(1.0, "compact", q, c, "names equal with spaces removed")
    else:
        # a name read from another script (Arabic, Hebrew: no vowels) may carry two weak words
        score = aligned_tokens(path_words(q, path), path_words(c, path), index,
                               1 if q.script == c.script else 2, joins=True,
                               one_word=1.0 if schema is Schema.PERSON else 0.9)
        result = NameResult(score, "tokens", q, c, "aligned tokens, rarity-weighted")
        if schema is Schema.PERSON and score < TITLED_SURNAME and _titled_surname(q, c, index):
            result = NameResult(TITLED_SURNAME, "tokens", q, c,
                                "a title and a rare surname (the list name's first or last word)")
    numbers_q, numbers_c = q.numbers, c.numbers
    if numbers_q != numbers_c and result.score > 0.0:
        if numbers_q and numbers_c:
            factor, why = NUMBERS_DIFFER, "numbers differ"
        elif path == "organization":
            factor, why = NUMBER_ONE_SIDE_ORG, "a number on one side only"
        else:
            factor, why = 1.0, ""
        if factor < 1.0:
            result = NameResult(result.score * factor, result.method, q, c,
                                f"{result.detail}; {why} {sorted(numbers_q)} / "
                                f"{sorted(numbers_c)}")
    syllabic = _syllabic_difference(q, c)
    if syllabic is not None and result.score > SYLLABIC_CAP:
        result = NameResult(SYLLABIC_CAP, "script", q, c, syllabic)
    return result


def _titled_surname(q: PreparedName, c: PreparedName, index: Index) -> bool:
    """Whether the query is a title and one rare word that is the list name's first or last
    word, a typo allowed, and rare itself (see :data:`moneytrail.match.tokens.TITLED_SURNAME`:
    ``Dr. Aomed`` is a typo of AHMED, which is no one's surname in particular)."""
    if not q.titled or len(q.words) != 1 or len(c.words) < 2:
        return False
    word, df = q.words[0], index.token_df
    return titled_rare(word, df) and any(token_sim(word, end) >= TITLED_SIM and
                                         titled_rare(end, df) for end in (c.words[0], c.words[-1]))


_SYLLABIC = ("Hang", "Hani")


def _syllabic_difference(q: PreparedName, c: PreparedName) -> str | None:
    """Two names both in Hangul, or both in Han characters, that differ in a character.

    One character is one syllable of the name there, and a different syllable is a different
    name (김종은 / 김정은, 习近朋 / 习近平), even where the romanizations merge them.
    """
    script = q.script
    if script not in _SYLLABIC or c.script != script:
        return None
    a, b = "".join(q.original.split()), "".join(c.original.split())
    return None if a == b else f"different {script} characters: {a} / {b}"


COUNTRY_QUALIFIER = 0.80  # Banco Santander / Banco Santander Chile: a subsidiary, not the bank


LEGAL_FORM_CONFLICT = 0.75  # Deutsche Bank AG / Deutsche Bank GmbH: two companies
# Kinds of company a legal form says. Forms of one kind translate each other (Swiss LOGARCHEO AG
# = LOGARCHEO S.A.; a stock company's English name may say Ltd or Corp); forms of different
# kinds name different companies (AG / GmbH, ANO / LLC). English and free-zone forms say no kind.
_FORM_KINDS = {
    "stock": ("ag", "sa", "spa", "nv", "as", "asa", "ab", "oy", "jsc", "ojsc", "cjsc", "pjsc",
              "plc", "kk", "tbk", "pt", "se", "sac", "sa cv", "sas", "uab"),
    "limited": ("gmbh", "sarl", "srl", "sl", "llc", "bv", "bvba", "sprl", "spzoo", "sro", "doo",
                "aps", "lda", "yk", "wll"),
    "partnership": ("kg", "lp", "llp"),
    "nonprofit": ("ano", "ev"),
}
_FORM_KIND = {form: kind for kind, forms in _FORM_KINDS.items() for form in forms}


def _conflicting_forms(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """Stated legal forms of different kinds on the two sides (see _FORM_KINDS), or None."""
    kinds_a = {_FORM_KIND[f] for f in a if f in _FORM_KIND}
    kinds_b = {_FORM_KIND[f] for f in b if f in _FORM_KIND}
    if not kinds_a or not kinds_b or kinds_a & kinds_b:
        return None
    return f"{'/'.join(a)} vs {'/'.join(b)}"


def _country_words(a: tuple[str, ...], b: tuple[str, ...]) -> str | None:
    """A distinctive word of ``a`` naming a country that ``b`` does not have."""
    for token in a:
        if is_country_word(token) and \
                all(token_sim(token, other) < TOKEN_FLOOR for other in b):
            return token
    return None


def _org_similarity(q: PreparedName, c: PreparedName, index: Index) -> NameResult:
    qo, co = q.org, c.org
    assert qo is not None and co is not None
    if qo.compact and qo.compact == co.compact:
        score, detail = 1.0, "same distinctive words"
    elif (word := acronym_word(q.tokens)) in co.acronyms and word not in qo.legal_forms:
        return NameResult(ACRONYM_OF, "organization", q, c, f"acronym of {c.original}")
    elif acronym_word(c.tokens) in qo.acronyms:
        return NameResult(SPELT_BY_INITIALS, "organization", q, c,
                          f"{c.original} is an acronym (the initials of the query)")
    else:
        score = aligned_tokens(path_words(q, "organization"), path_words(c, "organization"),
                               index)
        detail = "distinctive words (legal forms and generic words aside)"
    forms = _conflicting_forms(qo.legal_forms, co.legal_forms)
    if forms and score > 0.0:
        score *= LEGAL_FORM_CONFLICT
        detail += f"; different legal forms {forms}"
    extra = _country_words(q.org_words, c.org_words) or _country_words(c.org_words, q.org_words)
    if extra and score > 0.0:
        score *= COUNTRY_QUALIFIER
        detail += f"; a country on one side only: {extra}"
    return NameResult(score, "organization", q, c, detail)


@dataclass(frozen=True, slots=True)
class Feature:
    feature: str
    value: float  # what the feature measured
    weight: float  # its contribution to the score
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "value": round(self.value, 4),
                "weight": round(self.weight, 4), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Scored:
    """A scored pair: the score, the best name pair, every feature."""

    score: float
    name: NameResult | None
    features: tuple[Feature, ...]


BIRTH_BONUS, COUNTRY_BONUS = 0.05, 0.03


def max_bonus(query_dates: tuple[str, ...], query_countries: frozenset[str]) -> float:
    """The most the non-name features can add to a name score for this query."""
    return (BIRTH_BONUS if query_dates else 0.0) + (COUNTRY_BONUS if query_countries else 0.0)


def entity_bonus(query_dates: tuple[str, ...], query_countries: frozenset[str],
                 entity: PreparedEntity) -> float:
    """What the birth date and country features give this query against this entity (at
    most :func:`max_bonus`; negative where they disagree). The gender feature only lowers."""
    birth = birth_feature(query_dates, entity)
    country = country_feature(query_countries, entity)
    return (birth.weight if birth else 0.0) + (country.weight if country else 0.0)


def country_feature(query_countries: frozenset[str],
                    entity: PreparedEntity) -> Feature | None:
    if not query_countries or not entity.countries:
        return None
    if query_countries & entity.countries:
        return Feature("country", 1.0, COUNTRY_BONUS,
                       f"shared country {sorted(query_countries & entity.countries)}")
    return Feature("country", 0.0, -0.05, "no shared country")


def birth_feature(query_dates: tuple[str, ...], entity: PreparedEntity) -> Feature | None:
    if not query_dates or not entity.birth_dates:
        return None
    if set(query_dates) & set(entity.birth_dates) and any(len(d) == 10 for d in query_dates):
        return Feature("birth_date", 1.0, BIRTH_BONUS, "same date of birth")
    q_years = {int(d[:4]) for d in query_dates if d[:4].isdigit()}
    if q_years & entity.birth_years:
        return Feature("birth_date", 0.9, 0.03, "same year of birth")
    if any(abs(y - z) <= 1 for y in q_years for z in entity.birth_years):
        return Feature("birth_date", 0.5, 0.0, "years of birth one apart (lists differ by one)")
    return Feature("birth_date", 0.0, -0.25,
                   f"different years of birth: {sorted(q_years)} / {sorted(entity.birth_years)}")


def score_pair(query_names: tuple[PreparedName, ...], query_schema: Schema | None,
               query_dates: tuple[str, ...], query_countries: frozenset[str],
               query_gender: str | None, query_ids: frozenset[str],
               entity: PreparedEntity, index: Index,
               name_bounds: list[tuple[float, PreparedName]] | None = None) -> Scored | None:
    """Score a query against one entity; None when the schemas cannot match.

    ``name_bounds``: the entity's names with an upper bound of their (weak-discounted) name
    score, best first (from :meth:`Index.bounds`); names that cannot beat the best found so
    far are not compared. Without it every name is compared.
    """
    schema = entity.schema
    if not schema_compatible(query_schema, schema):
        return None
    shared_ids = query_ids & entity.id_keys
    if shared_ids:
        key = sorted(shared_ids)[0]
        return Scored(1.0, None, (Feature("identifier", 1.0, 1.0, f"same identifier {key}"),))
    best: NameResult | None = None
    listed = name_bounds if name_bounds is not None else [(1.0, c) for c in entity.names]
    for bound, c in listed:
        if best is not None and bound <= best.score:
            break
        for q in query_names:
            result = name_similarity(q, c, schema, index)
            score = result.score * (WEAK_FACTOR if c.weak else 1.0)
            if best is None or score > best.score:
                best = NameResult(score, result.method, q, c, result.detail)
    if best is None or best.score <= 0.0:
        return Scored(0.0, best, ())
    features = [Feature("name", best.score, best.score,
                        f"{best.method}: {best.detail}" + (" (weak alias)" if best.matched.weak
                                                          else ""))]
    birth = birth_feature(query_dates, entity)
    if birth is not None:
        features.append(birth)
    country = country_feature(query_countries, entity)
    if country is not None:
        features.append(country)
    gender = entity.gender
    if query_gender and gender and query_gender != gender:
        features.append(Feature("gender", 0.0, -0.2, f"gender {query_gender} / {gender}"))
    total = sum(f.weight for f in features)
    # rounded, so that a score shown as 0.80 is 0.80 against the threshold (not 0.7999...)
    return Scored(round(min(1.0, max(0.0, total)), SCORE_DIGITS), best, tuple(features))
