"""Organisation and vessel names in the forms the index and the scorer compare.

Pure functions, text in and comparable forms out; the tables are data files in
``moneytrail/data`` read once: ``org_legal_forms.tsv`` (legal forms and their canonical
abbreviations), ``korean_org_glossary.tsv`` (Korean words of organisation names in English,
English abbreviations and spellings, stop words) and ``org_generic_words.txt``.

How an organisation name is read (:func:`org_name`):

1. **ASCII words.** Apostrophes are dropped without a space (``CH'O'NGSONG`` -> ``chongsong``,
   ``PEOPLE'S`` -> ``peoples``); NFKD, combining marks dropped; a run of single letters is one
   word (``S.A.`` -> ``sa``, ``J/V`` -> ``jv``, ``G.m.b.H.`` -> ``gmbh``, ``K K B C`` -> ``kkbc``);
   ``&`` reads ``and``; casefold; every other non-word character is a space. Digits are kept;
   ``No.``/``#`` before a number is dropped (``Office No. 39`` = ``Office 39``). Other scripts
   pass through untouched: the caller transliterates first.
2. **Glossary.** Korean words become English (``unhaeng`` -> bank, ``hoesa`` -> company,
   ``muyok`` -> trading, ``yonhap``/``ryonhap`` -> united, ``choson`` -> korea ...), English
   abbreviations are expanded (``SHPG`` -> shipping, ``TRDG`` -> trading), spellings unified
   (``banking`` -> bank, ``defence`` -> defense) and stop words (of, the, and, for) dropped.
3. **Legal forms** are taken out and reported by canonical form (``Corporation`` -> corp,
   ``Limited`` -> ltd, ``Joint Venture`` -> jv, ``OOO`` -> llc). Unambiguous forms go wherever
   they stand; short ones that are also words or syllables (``sa``, ``as``, ``ag``) only at the
   edges of the name. A name made only of legal forms keeps them as its tokens.
4. **Generic words** (korea, dprk, trading, general, international, group, bureau ...) stay
   in ``tokens`` but not in ``distinctive``: DPRK listings add and drop them freely, and two
   different entities share them. ``bank`` and ``shipping`` are *not* generic: Korea Daesong
   Bank and Korea Daesong General Trading Corporation are two listings, as are Korea Rungrado
   Shipping Co and Korea Rungrado General Trading Corporation (the reasons are in
   ``org_generic_words.txt``). A name made only of generic words is its own distinctive part.
5. **Compact and acronyms.** ``compact`` joins the distinctive tokens without spaces
   (``Namchongang`` = ``Nam Chon Gang``); ``acronyms`` lists the initials a name can be known by
   and an acronym it gives itself in parentheses (``... (KOMID)``).

Vessel names (:func:`vessel_name`) keep their words as written, drop ``M/V``-style prefixes and
``No.``, split numbers from letters and read a final Roman numeral as a number
(``ARK III`` = ``ARK 3``); :func:`vessel_key` joins the words between numbers
(``SEA STAR 7`` = ``SEASTAR 7``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from importlib.resources import files

from rapidfuzz import process
from rapidfuzz.distance import OSA

from moneytrail.names.memo import memo

__all__ = ["OrgName", "org_name", "vessel_name", "vessel_key", "is_acronym_of", "connection"]


@dataclass(frozen=True)
class OrgName:
    """An organisation name in every form the matcher compares.

    ``tokens``: normalised words in order, glossary applied, stop words and legal forms removed.
    ``distinctive``: ``tokens`` without generic words (all of ``tokens`` if nothing else is left).
    ``legal_forms``: canonical legal forms found, in order, without repeats.
    ``compact``: ``distinctive`` joined without spaces.
    ``acronyms``: acronyms the name may be known by, the one it states in parentheses first.
    """

    tokens: tuple[str, ...]
    distinctive: tuple[str, ...]
    legal_forms: tuple[str, ...]
    compact: str
    acronyms: tuple[str, ...]


# -- tables ------------------------------------------------------------------------------------

def _rows(name: str) -> list[list[str]]:
    raw = files("moneytrail").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.split("\t") for line in raw.splitlines()
            if line.strip() and not line.startswith("#")]


def _phrases(variant: str) -> list[tuple[str, ...]]:
    """Expand ``"a|b c; d"`` into ``[("a", "c"), ("b", "c"), ("d",)]``."""
    found = []
    for phrase in variant.split(";"):
        slots = [word.split("|") for word in phrase.split()]
        if slots:
            found.extend(itertools.product(*slots))
    return found


@memo(None)
def _glossary() -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for row in _rows("korean_org_glossary.tsv"):
        english = tuple(row[1].split()) if len(row) > 1 else ()
        for phrase in _phrases(row[0]):
            table[phrase] = english
    return table


@memo(None)
def _legal_forms() -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    table: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {}
    for row in _rows("org_legal_forms.tsv"):
        canonical, where = tuple(row[1].split()), row[2].strip()
        if where not in ("any", "edge", "lead", "trail"):
            raise ValueError(f"org_legal_forms.tsv: bad 'where' {where!r} for {row[0]!r}")
        for phrase in _phrases(row[0]):
            table[phrase] = (canonical, where)
    return table


@memo(None)
def _generic() -> frozenset[str]:
    raw = files("moneytrail").joinpath("data/org_generic_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in raw.splitlines()
                     if line.strip() and not line.startswith("#"))


@memo(None)
def _longest(table_id: str) -> int:
    table = _glossary() if table_id == "glossary" else _legal_forms()
    return max(len(phrase) for phrase in table)


# -- normalisation -----------------------------------------------------------------------------

_APOSTROPHES = dict.fromkeys(map(ord, "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032\u02b9"), None)
# Letters NFKD does not decompose.
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                       "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "þ": "th", "Þ": "TH",
                       "ð": "d", "Ð": "D"})
# Single letters separated by dots or slashes: S.A., J/V, L.L.C., G.m.b.H., M/V, A/S.
_DOTTED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][./]){1,}[^\W\d_](?![^\W\d_])\.?")
_NON_WORD = re.compile(r"[\W_]+")
_NUMBER_WORDS = frozenset({"no", "nr", "nos", "number", "num"})


@memo(65536)
def _words(text: str) -> tuple[str, ...]:
    """ASCII-folded lower-case words of ``text`` (step 1 of the module docstring)."""
    text = text.translate(_APOSTROPHES).translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _DOTTED.sub(lambda m: re.sub(r"[./]", "", m.group()), text)
    text = text.replace("&", " and ").casefold()
    words: list[str] = []
    in_run = False  # whether the last word is made of single letters
    for word in _NON_WORD.sub(" ", text).split():
        # A run of single letters is one word, however it was separated: "S A" (a caller's
        # normaliser may have turned "S.A." into that), "J P Morgan", "K K B C". Not the
        # Spanish "y" (and): "A Y S" reads like "A & S".
        letter = len(word) == 1 and word.isalpha() and word != "y"
        if letter and in_run:
            words[-1] += word
        else:
            words.append(word)
        in_run = letter
    # "No. 39", "Nr 5": the word for "number" before a number carries nothing.
    return tuple(w for i, w in enumerate(words)
                 if not (w in _NUMBER_WORDS and i + 1 < len(words) and words[i + 1].isdigit()))


def _apply_glossary(words: tuple[str, ...]) -> tuple[str, ...]:
    table, longest = _glossary(), _longest("glossary")
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            replacement = table.get(words[i:i + n])
            if replacement is not None:
                out.extend(replacement)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return tuple(out)


@memo(None)
def _long_forms() -> dict[str, tuple[tuple[str, ...], str]]:
    """Legal forms written as one long word (aktiengesellschaft, incorporated, ...)."""
    return {k[0]: v for k, v in _legal_forms().items() if len(k) == 1 and len(k[0]) >= _LONG_FORM}


# A legal form of this many letters or more, and a generic word of _LONG_GENERIC or more, is
# still one with a typo (an edit or a swap of neighbours): Compnay, Limted, Corporaton,
# Internatonal. Shorter ones are not: one letter from them are names (Marina / Marine).
_LONG_FORM = 7
_LONG_GENERIC = 8


def _misspelt_form(word: str) -> tuple[tuple[str, ...], str] | None:
    """A legal form of seven letters or more written with one typo (Compnay, Corporaton)."""
    if len(word) < _LONG_FORM - 1:
        return None
    forms = _long_forms()
    found = process.extractOne(word, list(forms), scorer=OSA.distance, score_cutoff=1)
    return forms[found[0]] if found is not None else None


@memo(None)
def _long_generic() -> tuple[str, ...]:
    return tuple(sorted(w for w in _generic() if len(w) >= _LONG_GENERIC))


@memo(65536)
def _misspelt_generic(word: str) -> bool:
    """A generic word of eight letters or more written with one typo (Internatonal); not its
    plural, which the table leaves distinctive on purpose (Enterprises names a company where
    Enterprise is a word of many)."""
    if len(word) < _LONG_GENERIC - 1 or word in _generic():
        return False
    found = process.extract(word, _long_generic(), scorer=OSA.distance, score_cutoff=1)
    return any(word != g + "s" for g, _, _ in found)


def _split_legal(words: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...],
                                                  tuple[bool, ...]]:
    """Take legal forms out of ``words``: (tokens, canonical legal forms, which word is legal)."""
    table, longest = _legal_forms(), _longest("legal")
    # Segments: (words, canonical or None, where)
    segments: list[tuple[tuple[str, ...], tuple[str, ...] | None, str]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            hit = table.get(words[i:i + n])
            if hit is not None:
                segments.append((words[i:i + n], hit[0], hit[1]))
                i += n
                break
        else:
            hit = _misspelt_form(words[i])
            segments.append(((words[i],), hit[0] if hit else None, hit[1] if hit else ""))
            i += 1
    removed = [False] * len(segments)
    for k, (_, canon, where) in enumerate(segments):  # the leading run
        if canon is None or where == "trail":
            break
        removed[k] = True
    for k in range(len(segments) - 1, -1, -1):  # the trailing run
        _, canon, where = segments[k]
        if canon is None or where == "lead":
            break
        removed[k] = True
    for k, (_, canon, where) in enumerate(segments):  # unambiguous forms anywhere
        if canon is not None and where == "any":
            removed[k] = True
    if all(removed):  # "Limited", "Co Ltd": nothing but legal forms; keep them as the name
        return words, (), tuple(True for _ in words)
    tokens: list[str] = []
    forms: list[str] = []
    legal: list[bool] = []
    for (seg_words, canon, _), gone in zip(segments, removed):
        if gone and canon is not None:
            forms.extend(f for f in canon if f not in forms)
        else:
            tokens.extend(seg_words)
        legal.extend([canon is not None] * len(seg_words))
    return tuple(tokens), tuple(forms), tuple(legal)


# -- organisations -----------------------------------------------------------------------------

_PARENS = re.compile(r"\(([^()]*)\)")
# UN reference numbers written after a name: "(KPe.018)".
_UN_REFERENCE = re.compile(r"^\s*[A-Za-z]{2,4}\.\d{2,4}\s*$")
_TRUNCATE_AT = ("of", "for")


def _initials(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w[0].isalpha())


def _read(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...],
                              tuple[str, ...]]:
    """(glossary words with legal forms, tokens, distinctive, legal forms) of plain text."""
    words = _apply_glossary(_words(text))
    tokens, forms, _ = _split_legal(words)
    generic = _generic()
    distinctive = tuple(t for t in tokens if t not in generic and not _misspelt_generic(t)) \
        or tokens
    return words, tokens, distinctive, forms


def _stated_acronyms(text: str) -> tuple[str, tuple[str, ...]]:
    """Take parenthesised acronyms out of ``text``: (remaining text, acronyms).

    ``(KOMID)`` is an acronym when the rest of the name spells it (:func:`is_acronym_of`) or
    when it is in capitals inside a mixed-case name; ``(Hong Kong)``, ``(Namibia)`` and legal
    forms like ``(PTY)`` stay part of the name; UN reference numbers are dropped.
    """
    found: list[str] = []
    pieces: list[str] = []
    last = 0
    for m in _PARENS.finditer(text):
        content = m.group(1)
        pieces.append(text[last:m.start()])
        last = m.end()
        words = _words(content)
        if not words or _UN_REFERENCE.match(content):
            pieces.append(" ")
            continue
        rest = text[:m.start()] + " " + text[m.end():]
        word = words[0]
        if (len(words) == 1 and word.isalpha() and 2 <= len(word) <= 10
                and (word,) not in _legal_forms()
                and (is_acronym_of(word, rest)
                     or (content.strip().isupper() and any(c.islower() for c in rest)))):
            found.append(word)
            pieces.append(" ")
        else:
            pieces.append(f" {content} ")
    pieces.append(text[last:])
    return "".join(pieces), tuple(found)


@memo(200_000)
def org_name(text: str) -> OrgName:
    """Read an organisation name (see the module docstring for the steps).

    ``org_name("Choson Kwangson Unhaeng").tokens == ("korea", "kwangson", "bank")``, as for
    ``"Korea Kwangson Banking Corp"``, whose ``legal_forms`` are ``("corp",)``, ``distinctive``
    ``("kwangson", "bank")`` and ``acronyms`` ``("kkbc", "kkb", "kb")``. Pass the name as the list
    writes it: a parenthesised acronym is only seen while the parentheses are there.
    """
    if not text or not text.strip():
        return OrgName((), (), (), "", ())
    plain, stated = _stated_acronyms(text)
    words, tokens, distinctive, forms = _read(plain)
    sources = [words, tokens, distinctive]
    raw = _words(plain)
    cut = next((i for i, w in enumerate(raw) if w in _TRUNCATE_AT and i >= 2), None)
    if cut is not None:  # "Central Military Commission of the WPK" is the CMC
        head_words, head_tokens, _, _ = _read(" ".join(raw[:cut]))
        sources += [head_words, head_tokens]
    acronyms = list(stated)
    for source in sources if len(tokens) >= 2 else ():  # "BD plc" is not known as "BP"
        initials = _initials(source)
        if len(initials) >= 2 and initials not in acronyms:
            acronyms.append(initials)
    return OrgName(tokens, distinctive, forms, "".join(distinctive), tuple(acronyms))


# -- acronyms ----------------------------------------------------------------------------------

# One syllable of romanised Korean (DPRK, McCune-Reischauer without marks, Revised): optional
# initial consonant, vowel, optional final consonant. Used only to read NCG out of Namchongang.
_SYLLABLE = re.compile(r"(?:kk|tt|pp|ss|jj|ch|kh|th|ph|[gkndtrlmbpsjh])?"
                       r"(?:yae|yeo|wae|ae|ya|yo|yu|ye|wa|wo|we|wi|ui|oe|eo|eu|a|e|i|o|u)"
                       r"(?:ng|[kntlmp])?")


def _initials_of_readings(word: str, pos: int, initials: str, found: list[str]) -> None:
    """Into ``found``, the initials of each reading of ``word[pos:]`` as syllables after
    ``initials`` (see :func:`_syllable_initials`; a module function: a recursive closure is a
    cycle only the collector frees)."""
    if len(found) >= 8:
        return
    if pos == len(word):
        if len(initials) >= 2 and initials not in found:
            found.append(initials)
        return
    for end in range(min(len(word), pos + 7), pos, -1):
        if _SYLLABLE.fullmatch(word, pos, end):
            _initials_of_readings(word, end, initials + word[pos], found)


@memo(65536)
def _syllable_initials(word: str) -> tuple[str, ...]:
    """Initials of every reading of ``word`` as two or more Korean syllables (at most 8)."""
    if not word.isalpha() or len(word) > 16:
        return ()
    found: list[str] = []
    _initials_of_readings(word, 0, "", found)
    return tuple(found)


def _short_form(short: str) -> str | None:
    words = _split_legal(_words(short))[0]
    if len(words) > 1 and all(len(w) == 1 for w in words):  # "K K B C"
        words = ("".join(words),)
    if len(words) != 1 or not words[0].isalpha() or not 2 <= len(words[0]) <= 12:
        return None
    return words[0]


def _spells(short: str, words: tuple[str, ...], skippable: tuple[bool, ...]) -> bool:
    """Whether ``short`` is a run of word prefixes of ``words`` in order (KOMID = KOrea MIning
    Development), at least two words contributing; words that are skippable may be passed
    over; a romanised Korean word may also give the initials of its syllables (NCG)."""
    return _spelt(short, words, skippable, 0, 0, 0, {})


def _spelt(short: str, words: tuple[str, ...], skippable: tuple[bool, ...], i: int, j: int,
           used: int, seen: dict[tuple[int, int, int], bool]) -> bool:
    """:func:`_spells` from ``short[i:]`` and ``words[j:]``, ``used`` words contributing so
    far (0, 1 or 2 and more); ``seen`` holds the answers already worked out. A module
    function: a recursive closure is a cycle only the collector frees."""
    key = (i, j, used)
    found = seen.get(key)
    if found is None:
        found = seen[key] = _spelt_now(short, words, skippable, i, j, used, seen)
    return found


def _spelt_now(short: str, words: tuple[str, ...], skippable: tuple[bool, ...], i: int,
               j: int, used: int, seen: dict[tuple[int, int, int], bool]) -> bool:
    if i == len(short):
        return used >= 2 and all(skippable[j:])
    if j == len(words):
        return False
    if skippable[j] and _spelt(short, words, skippable, i, j + 1, used, seen):
        return True
    word = words[j]
    k = 0
    while k < len(word) and i + k < len(short) and short[i + k] == word[k]:
        k += 1
        if _spelt(short, words, skippable, i + k, j + 1, min(used + 1, 2), seen):
            return True
    if len(short) >= 3:
        for initials in _syllable_initials(word):
            if short.startswith(initials, i) and \
                    _spelt(short, words, skippable, i + len(initials), j + 1, 2, seen):
                return True
    return False


@memo(65536)
def is_acronym_of(short: str, long: str) -> bool:
    """Whether ``short`` can be an acronym of the organisation name ``long``.

    The letters of ``short`` must be prefixes of the words of ``long`` in order, at least two
    words contributing (``KKBC`` - Korea Kwangson Banking Corporation, ``KOMID`` - KOrea MIning
    Development Trading Corporation); generic words, legal forms and numbers may be passed over
    (``GENCO`` - [Korea] GENeral COrporation); a trailing "of ..."/"for ..." may be left out
    (``CMC`` - Central Military Commission of the Workers' Party of Korea); a romanised Korean
    word may give its syllables' initials (``NCG`` - Nam-Chon-Gang Trading Corporation).
    ``long`` must have two words besides its legal forms.
    ``short`` must be one word of 2-12 letters (legal forms aside: "PML Co Ltd" reads "pml").
    """
    s = _short_form(short)
    if s is None:
        return False
    raw = _words(long)
    generic = _generic()
    variants = [raw]
    cut = next((i for i, w in enumerate(raw) if w in _TRUNCATE_AT and i >= 2), None)
    if cut is not None:
        variants.append(raw[:cut])
    for variant in variants:
        words = _apply_glossary(variant)
        tokens, _, legal = _split_legal(words)
        if len(tokens) < 2:  # one word and a legal form: "BP plc" does not spell "BD"
            continue
        skippable = tuple(lg or w in generic or w.isdigit() for w, lg in zip(words, legal))
        if _spells(s, words, skippable):
            return True
    return False


def _runs(tokens: tuple[str, ...]) -> frozenset[str]:
    """Every run of consecutive tokens joined without spaces."""
    return frozenset("".join(tokens[i:j]) for i in range(len(tokens))
                     for j in range(i + 1, len(tokens) + 1))


def _covered(tokens: tuple[str, ...], runs: frozenset[str]) -> bool:
    """Whether ``tokens`` split into consecutive runs that all appear in ``runs``."""
    reachable = [True] + [False] * len(tokens)
    for i in range(len(tokens)):
        if reachable[i]:
            for j in range(i + 1, len(tokens) + 1):
                if "".join(tokens[i:j]) in runs:
                    reachable[j] = True
    return reachable[-1]


@memo(65536)
def connection(a: str, b: str) -> str | None:
    """How two organisation names, as written, connect without fuzzy comparison; None if not.

    ``"distinctive"``: equal distinctive tokens. ``"compact"``: equal compact forms
    (Namchongang / Nam Chon Gang). ``"subset"``: the distinctive tokens of one are all found in
    the other, in any order and regardless of where spaces fall (Daesong Trading / Korea Daesong
    General Trading Corporation; Yanbian Silver Star / Yanbian Silverstar Network Technology).
    ``"acronym"``: one is a single word the other is known by (KKBC, KOMID, NCG).
    Evidence for the scorer, not a decision: a subset of one common word is weak, and two
    entities of one family (Ministry of State Security / its Prisons Bureau) connect too.
    """
    x, y = org_name(a), org_name(b)
    if not x.tokens or not y.tokens:
        return None
    if x.distinctive == y.distinctive:
        return "distinctive"
    if x.compact == y.compact:
        return "compact"
    if (_covered(x.distinctive, _runs(y.distinctive))
            or _covered(y.distinctive, _runs(x.distinctive))):
        return "subset"
    for one, other, other_text in ((x, y, b), (y, x, a)):
        if len(one.tokens) == 1 and (one.tokens[0] in other.acronyms
                                     or is_acronym_of(one.tokens[0], other_text)):
            return "acronym"
    return None


# -- vessels -----------------------------------------------------------------------------------

# "M/V", "M.T.", "m v" arrive as "mv", "mt": single letters are joined into one word.
_VESSEL_PREFIXES = (("motor", "vessel"), ("motor", "tanker"), ("motor", "ship"),
                    ("mv",), ("mt",), ("ms",), ("mts",), ("ss",), ("fv",))
_ROMAN = re.compile(r"(x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
# Final words that look like Roman numerals but are more likely a syllable or a letter.
_NOT_ROMAN = frozenset({"x", "xi"})
_LETTERS_DIGITS = re.compile(r"\d+|[^\W\d_]+")


def _roman(word: str) -> int | None:
    if not word or word in _NOT_ROMAN or not _ROMAN.fullmatch(word):
        return None
    total = 0
    for i, c in enumerate(word):
        value = _ROMAN_VALUES[c]
        nxt = _ROMAN_VALUES[word[i + 1]] if i + 1 < len(word) else 0
        total += -value if value < nxt else value
    return total


@memo(65536)
def vessel_name(text: str) -> tuple[str, ...]:
    """The normalised words of a vessel name.

    Prefixes ``M/V``, ``MV``, ``M.T.``, ``MT``, ``MS``, ``SS``, ``Motor Vessel`` ... are
    dropped (when a name remains); numbers are separate tokens without leading zeros
    (``JH86`` -> jh 86, ``7-28`` -> 7 28); ``No.``/``#`` before a number is dropped; a final
    Roman numeral after a name is read as a number (``ARK III`` -> ark 3, except ``X`` and
    ``XI``, which are more often a letter or a Chinese syllable). Words are not joined: compare
    :func:`vessel_key` for ``SEA STAR 7`` = ``SEASTAR 7``. The Korean ``-ho`` ("No.") suffix is
    kept, as the lists keep it (``JANG JA SAN CHONG NYON HO``).
    """
    words: list[str] = []
    for word in _words(text):
        words.extend(_LETTERS_DIGITS.findall(word))
    for prefix in _VESSEL_PREFIXES:
        if tuple(words[:len(prefix)]) == prefix and len(words) > len(prefix):
            words = words[len(prefix):]
            break
    words = [w for i, w in enumerate(words)
             if not (w in _NUMBER_WORDS and i + 1 < len(words) and words[i + 1].isdigit())]
    words = [str(int(w)) if w.isdigit() else w for w in words]
    if len(words) >= 2 and (number := _roman(words[-1])) is not None:
        words[-1] = str(number)
    return tuple(words)


@memo(65536)
def vessel_key(text: str) -> str:
    """A vessel name with the words between numbers joined: ``SEA STAR 7`` and ``SEASTAR 7``
    both give ``"seastar 7"``; ``CHONG CHON GANG`` and ``CHONGCHONGANG`` give
    ``"chongchongang"``. An exact-match key for the index."""
    parts: list[str] = []
    for word in vessel_name(text):
        if parts and not word.isdigit() and not parts[-1].isdigit():
            parts[-1] += word
        else:
            parts.append(word)
    return " ".join(parts)
