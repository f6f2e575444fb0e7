"""Korean personal names in every script and romanization, reduced to comparable keys.

Text in, comparable forms out; pure functions. The only state is memoisation and the two tables
read once from the package data (``korean_surnames.tsv``, ``hanja_readings.tsv``).

**Why our own code.** Hangul decomposition is arithmetic (a syllable is
``0xAC00 + (initial * 21 + medial) * 28 + final``) and the three romanizations are small tables.
The libraries are wrong for names: none implements the DPRK system the sanctions lists use;
korean-romanizer (RR) is GPL; ko-pron (MR) applies the sound changes across syllables that are
right for words and wrong for names; ICU's Hangul-Latin gives ``gimjeong-eun``; the ``hanja``
package reads 金 as 금 rather than the surname 김 (and its licence is WTFPL). Hanja readings
come from the Unicode Unihan ``kHangul`` field, generated once into ``hanja_readings.tsv`` by
``scripts/make_hanja_table.py``.

**The key.** A :class:`KoreanName` is ``(surname, given)``: ``surname`` a canonical id from
:func:`surname_id`, ``given`` one *syllable-class key* per given-name syllable, in order. Two
spellings of one name give equal keys when some reading of one equals some reading of the
other. A syllable key is ``onset + vowel + coda`` over lossy classes that absorb every
difference between RR, McCune-Reischauer without marks, the DPRK system and the spellings of
habit (Park, Choi, Hoon, Eun, Kyung):

=========  ==========================================================  ===================
class      Latin spellings                                             Hangul
=========  ==========================================================  ===================
onset k    k g kk kh                                                   ㄱ ㄲ ㅋ
onset t    t d tt th                                                   ㄷ ㄸ ㅌ
onset p    p b pp ph                                                   ㅂ ㅃ ㅍ
onset j    ch j jj tch                                                 ㅈ ㅉ ㅊ
onset s    s ss sh                                                     ㅅ ㅆ
onset r    r l n, **and no onset before i/y vowels**                   ㄹ ㄴ, ㅇ+ㅣㅑㅒㅕㅖㅛㅠㅢ
onset h m  h / m                                                       ㅎ / ㅁ
vowel a    a                                                           ㅏ
vowel ae   ae ai e                                                     ㅐ ㅔ
vowel o    o eo u eu oo ou woo wu (ŏ ŭ without breves)                 ㅓ ㅗ ㅜ ㅡ
vowel yo   yo yeo yu you yoo                                           ㅕ ㅛ ㅠ
vowel i    i ee ui eui yi                                              ㅣ ㅢ
vowel oe   oe oi oy wae we                                             ㅚ ㅙ ㅞ
vowel ...  ya (ㅑ), yae ye (ㅒ ㅖ), wa (ㅘ), wo weo (ㅝ), wi (ㅟ)
coda       k g kk / n / t / l r / m / p b / ng / none                  by the 7 final sounds
=========  ==========================================================  ===================

So Jong = Chong = Jung = Cheong = Chŏng = Ch'ŏng = 정 (key ``jong``); Un = Eun = U'n = Woon =
은/운 (``on``); Kyong = Kyeong = Kyung = Gyeong (``kyong``); Yong = Ryong = Nyong (``ryong``:
the initial-sound law turns 룡 into 용 and 녀 into 여, so an absent onset before i/y joins the
r class) but Jong ≠ Yong, Pak ≠ Paek, Hui (희) ≠ Hwi (휘), Won (원) ≠ Un (운). Why these merges:
MR typed without breves writes ㅓ as o and ㅡ as u, South habit writes ㅓ as u (Sung, Chul) and
ㅕ as yu (Hyun, Kyung), so ㅓ ㅗ ㅜ ㅡ cannot be told apart in Latin, nor ㅕ ㅛ ㅠ, nor a plain
consonant from its aspirated and tense partners once the apostrophes are gone. The key is for
recall: the matcher's score, on the de-marked strings and on dates and documents, decides.

**Reading Latin names.** Marks and apostrophes are removed without splitting a token
(``CH'OE`` -> ``choe``); ``SURNAME, Given`` (OFAC) fixes the order; otherwise surname-first and
surname-last are both tried (a lone all-capitals token among mixed-case ones is the surname).
Given-name syllables are never permuted. A hyphen or a space separates syllables; a joined given
name (``Jongun``, ``Chongil``) is split every plausible way (:func:`split_given`). A name is
Korean only if its surname is in the table, every token splits into Korean syllables, and it has
one to four given syllables.

**Surname ids.** One id per Latin spelling: surnames that a plain spelling confuses share an
id (전/천 ``JON``, 송/성 ``SONG``, 허/호 ``HO``, 서/소 ``SO``, 주/추 ``JU``, 조/초 ``JO``,
손/선 ``SON``, 변/편 ``PYON``), and a DPRK form and its South form are one id (리/이 ``RI``,
류/유 ``YU``, 림/임 ``RIM``, 량/양 ``YANG``, 로/노 ``RO``, 라/나 ``RA``, 렴/염 ``RYOM``).

**Romanization** (:func:`hangul_to_latin`) is for names: each syllable is written on its own,
with no assimilation or other sound change across syllables; the only context rule is voicing
in the DPRK system and MR (ㄱ ㄷ ㅂ ㅈ are g d b j after a vowel or n, m, ng, l inside a word or
given name, k t p ch after k, t, p and at the start). Names come out as the systems write
them: DPRK ``Kim Jong Un`` (breves dropped, as the DPRK and the lists do), MR
``Kim Chŏng-ŭn`` (breves, ASCII apostrophe for aspiration), RR ``Kim Jeong-eun`` (hyphenated
given name, the form the RR rules allow for names). Surnames are read from the table (이: Ri,
Yi, Yi; 김: Kim in all three; 박: Pak, Bak, Pak).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from importlib.resources import files

from moneytrail.names.memo import memo

__all__ = [
    "KoreanName",
    "hangul_to_latin",
    "hanja_to_hangul",
    "is_korean_name",
    "korean_names",
    "split_given",
    "strip_romanization_marks",
    "surname_id",
    "syllable_key",
]


@dataclass(frozen=True)
class KoreanName:
    """One Korean reading of a personal name.

    ``surname``: canonical surname id (``KIM``, ``RI``, ``PAK``, ``CHOE``, ``JONG``, ``JON``...).
    ``given``: the given-name syllables as :func:`syllable_key` keys, in order.
    ``reading``: a human-readable DPRK-style romanization (``Kim Jong Un``); from Latin input it
    is the input's own syllables, de-marked and title-cased, after the surname's DPRK spelling.
    Two spellings name the same person when ``surname`` and ``given`` are equal.
    """

    surname: str
    given: tuple[str, ...]
    reading: str


MAX_GIVEN = 4  # given-name syllables; longer runs are not a Korean personal name

# ---------------------------------------------------------------------------------------------
# Hangul: decomposition and jamo classes
# ---------------------------------------------------------------------------------------------

_S_BASE, _S_COUNT, _N_MEDIAL, _N_FINAL = 0xAC00, 11172, 21, 28

# Indexes into the Unicode order of initials (19), medials (21) and finals (28, 0 = none).
_IOTIZED_MEDIALS = frozenset({2, 3, 6, 7, 12, 17, 19, 20})  # ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅢ ㅣ
_ONSET_CLASS = ("k", "k", "r", "t", "t", "r", "m", "p", "p", "s", "s", "", "j", "j", "j",
                "k", "t", "p", "h")
_VOWEL_CLASS = ("a", "ae", "ya", "ye", "o", "ae", "yo", "ye", "o", "wa", "oe", "oe", "yo", "o",
                "wo", "oe", "wi", "yo", "o", "i", "i")
_CODA_CLASS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
               "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")

# Romanization tables in Unicode jamo order. MR and the DPRK system voice ㄱ ㄷ ㅂ ㅈ between
# voiced sounds (_VOICED); RR writes g d b j at every syllable start.
_RR_INITIAL = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
               "k", "t", "p", "h")
_MR_INITIAL = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch",
               "ch'", "k'", "t'", "p'", "h")
_DPRK_INITIAL = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch",
                 "kh", "th", "ph", "h")
_VOICED = {0: "g", 3: "d", 7: "b", 12: "j"}  # ㄱ ㄷ ㅂ ㅈ between voiced sounds (MR, DPRK)
_RR_MEDIAL = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
              "wo", "we", "wi", "yu", "eu", "ui", "i")
_MR_MEDIAL = ("a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u",
              "wŏ", "we", "wi", "yu", "ŭ", "ŭi", "i")
_DPRK_MEDIAL = ("a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u",
                "wo", "we", "wi", "yu", "u", "ui", "i")
_FINAL = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
          "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t")
_VOICING_FINALS = frozenset({0, 4, 5, 6, 8, 10, 11, 12, 13, 15, 16, 21})  # vowel n m ng l

_SYSTEMS = ("dprk", "rr", "mr")
# hangul_to_latin writes a text as a name up to this length (조선로동당 is not a name); longer
# given names are rare, korean_names still reads them.
_MAX_NAME_SYLLABLES = 4


def _is_hangul(char: str) -> bool:
    return _S_BASE <= ord(char) < _S_BASE + _S_COUNT


def _jamo(char: str) -> tuple[int, int, int]:
    code = ord(char) - _S_BASE
    return code // (_N_MEDIAL * _N_FINAL), (code % (_N_MEDIAL * _N_FINAL)) // _N_FINAL, \
        code % _N_FINAL


def _hangul_key(char: str) -> str:
    initial, medial, final = _jamo(char)
    onset = _ONSET_CLASS[initial]
    if not onset and medial in _IOTIZED_MEDIALS:
        onset = "r"
    return onset + _VOWEL_CLASS[medial] + _CODA_CLASS[final]


def _roman_syllable(char: str, system: str, voiced: bool) -> str:
    initial, medial, final = _jamo(char)
    if system == "rr":
        return _RR_INITIAL[initial] + _RR_MEDIAL[medial] + _FINAL[final]
    if system == "mr":
        onset = _VOICED.get(initial, _MR_INITIAL[initial]) if voiced else _MR_INITIAL[initial]
        if initial == 9 and medial == 16:  # ㅅ before ㅟ
            onset = "sh"
        return onset + _MR_MEDIAL[medial] + _FINAL[final]
    onset = _VOICED.get(initial, _DPRK_INITIAL[initial]) if voiced else _DPRK_INITIAL[initial]
    return onset + _DPRK_MEDIAL[medial] + _FINAL[final]


def _roman_run(chars: str, system: str) -> list[str]:
    """Romanize consecutive syllables, one string each, voicing by the previous final."""
    out: list[str] = []
    voiced = False  # the first syllable of a word or given name
    for char in chars:
        out.append(_roman_syllable(char, system, voiced))
        voiced = _jamo(char)[2] in _VOICING_FINALS
    return out


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:]


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Surname:
    id: str
    hangul: tuple[str, ...]  # DPRK form first
    dprk: str
    rr: str
    mr: str


def _data_rows(name: str) -> list[list[str]]:
    raw = files("moneytrail").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.split("\t") for line in raw.splitlines()
            if line.strip() and not line.startswith("#")]


@memo(None)
def _surnames() -> tuple[dict[str, str], dict[str, _Surname], dict[str, str], dict[str, str]]:
    """(Latin spelling -> id, Hangul -> row, Hanja -> Hangul (DPRK form), id -> DPRK spelling)."""
    rows = _data_rows("korean_surnames.tsv")
    header, rows = rows[0], rows[1:]
    if header[:7] != ["id", "hangul", "hanja", "dprk", "rr", "mr", "variants"]:
        raise ValueError(f"korean_surnames.tsv: unexpected header {header!r}")
    latin: dict[str, str] = {}
    by_hangul: dict[str, _Surname] = {}
    by_hanja: dict[str, str] = {}
    reading: dict[str, str] = {}
    for row in rows:
        sid, hangul, hanja, dprk, rr, mr, variants = row[:7]
        entry = _Surname(sid, tuple(hangul.split("|")), dprk, rr, mr)
        reading.setdefault(sid, dprk)
        for form in entry.hangul:
            by_hangul.setdefault(form, entry)
        for spelling in [*variants.split(), *(_plain(x) for x in (dprk, rr, mr))]:
            if latin.setdefault(spelling, sid) != sid:
                raise ValueError(f"korean_surnames.tsv: {spelling!r} is listed under "
                                 f"{latin[spelling]} and {sid}")
        for chars in hanja.split("|"):
            if chars:
                # The row's form that Unihan gives as a reading of the character, DPRK form
                # first (李 -> 리); the row's DPRK form when Unihan has none of them.
                heard = _hanja().get(chars, ())
                by_hanja.setdefault(chars, next((f for f in entry.hangul if f in heard),
                                                entry.hangul[0]))
    return latin, by_hangul, by_hanja, reading


@memo(None)
def _hanja() -> dict[str, tuple[str, ...]]:
    return {row[0]: tuple(row[1].split()) for row in _data_rows("hanja_readings.tsv")}


# ---------------------------------------------------------------------------------------------
# Marks and apostrophes
# ---------------------------------------------------------------------------------------------

_APOSTROPHES = dict.fromkeys(
    map(ord, "'\u2019\u2018\u02bc\u02bb\u02bd\u02b9\u02c8`\u00b4\u2032\uff07\u201b"), None)
_COMBINING = re.compile("[\u0300-\u036f]")


def strip_romanization_marks(text: str) -> str:
    """Remove MR breves and every other diacritic (``ŏ ŭ ǒ`` -> ``o u o``) and every apostrophe
    form (``' ’ ‘ ʼ ` ´ ʻ ʹ``), without splitting a token: ``Ch'ŏng`` -> ``Chong``,
    ``U'n-so'ng`` -> ``Un-song``. Case, spaces, hyphens and non-Latin letters (Hangul, Hanja)
    are kept as they were.
    """
    if text.isascii():
        return text.translate(_APOSTROPHES) if "'" in text or "`" in text else text
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFD", text)
    text = _COMBINING.sub("", text).translate(_APOSTROPHES)
    return unicodedata.normalize("NFC", text)


# MR puts an apostrophe after a consonant only to mark aspiration (ch' k' t' p') or to separate
# syllables (Sŏn'gu = 선구, not 성우); after a vowel it stands for a breve (typed Cho'ng).
_SYLLABLE_MARK = re.compile(
    r"(?<=[bcdfgjlmnqrsvwxzBCDFGJLMNQRSVWXZ])['\u2019\u2018\u02bc\u02bb`\u00b4](?=[^\W\d_])")


def _mark_boundaries(text: str) -> str:
    """Turn MR's syllable-separating apostrophe (``Sŏn'gu``) into a hyphen."""
    return _SYLLABLE_MARK.sub("-", text)


def _plain(text: str) -> str:
    return strip_romanization_marks(text).lower().replace("-", "").replace(" ", "")


# ---------------------------------------------------------------------------------------------
# Latin syllables
# ---------------------------------------------------------------------------------------------

_ONSETS = {"": "", "k": "k", "g": "k", "kk": "k", "kh": "k", "n": "r", "r": "r", "l": "r",
           "t": "t", "d": "t", "tt": "t", "th": "t", "m": "m", "p": "p", "b": "p", "pp": "p",
           "ph": "p", "s": "s", "ss": "s", "sh": "s", "ch": "j", "j": "j", "jj": "j",
           "tch": "j", "h": "h"}
_VOWELS = {"a": "a", "ae": "ae", "ai": "ae", "e": "ae", "ya": "ya", "yae": "ye", "ye": "ye",
           "o": "o", "eo": "o", "u": "o", "eu": "o", "oo": "o", "ou": "o", "woo": "o", "wu": "o",
           "yo": "yo", "yeo": "yo", "yu": "yo", "you": "yo", "yoo": "yo",
           "i": "i", "ee": "i", "ui": "i", "eui": "i", "yi": "i",
           "oe": "oe", "oi": "oe", "oy": "oe", "wae": "oe", "we": "oe",
           "wa": "wa", "wo": "wo", "weo": "wo", "wi": "wi"}
_CODAS = {"": "", "k": "k", "g": "k", "kk": "k", "n": "n", "t": "t", "l": "l", "r": "l",
          "m": "m", "p": "p", "b": "p", "ng": "ng"}
_IOTIZED = frozenset({"i", "ya", "ye", "yo"})
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_VOWEL_LETTERS = frozenset("aeiouwy")
_R_BEFORE = _VOWEL_LETTERS | {"h"}  # MR writes final ㄹ as r before these
_MAX_SYLLABLE = 8  # "tchyaeng" (쨍 in MR); nothing longer is one syllable


@memo(65536)
def _latin_keys(syllable: str) -> tuple[str, ...]:
    """Every key of one lower-case, de-marked Latin syllable; () when it is not one."""
    keys: list[str] = []
    for i in range(min(len(syllable), 3) + 1):
        onset = _ONSETS.get(syllable[:i])
        if onset is None:
            continue
        for j in range(i + 1, min(len(syllable), i + 3) + 1):
            vowel = _VOWELS.get(syllable[i:j])
            if vowel is None:
                continue
            coda = _CODAS.get(syllable[j:])
            if coda is None:
                continue
            key = ("r" if not onset and vowel in _IOTIZED else onset) + vowel + coda
            if key not in keys:
                keys.append(key)
    return tuple(keys)


def syllable_key(syllable: str) -> str:
    """The syllable-class key of one syllable, Hangul (``정``) or Latin in any romanization
    (``Jong``, ``Chŏng``, ``Ch'ong``, ``JUNG``, ``Cheong`` all give ``jong``).

    The classes are described in the module docstring. Raises ``ValueError`` when the text is
    not one Korean syllable.
    """
    text = syllable.strip()
    if len(text) == 1 and _is_hangul(text):
        return _hangul_key(text)
    keys = _latin_keys(_plain(text))
    if not keys:
        raise ValueError(f"not a Korean syllable: {syllable!r}")
    return keys[0]


def _split(token: str, vowel_next: bool, start: int, parts: tuple[str, ...], cuts: int,
           found: list[tuple[int, tuple[str, ...]]]) -> None:
    """Every split of ``token[start:]`` into syllables after ``parts``, into ``found`` with its
    count of cuts between two vowels (see :func:`_segmentations`). A module function, not a
    closure: a recursive closure refers to itself, a cycle only the collector frees."""
    if start == len(token):
        found.append((cuts, parts))
        return
    if len(parts) == MAX_GIVEN:
        return
    for end in range(start + 1, min(len(token), start + _MAX_SYLLABLE) + 1):
        if not _latin_keys(token[start:end]):
            continue
        last = end == len(token)
        if token[end - 1] == "r" and not (vowel_next if last else token[end] in _R_BEFORE):
            continue
        cut = not last and token[end - 1] in _VOWEL_LETTERS and token[end] in _VOWEL_LETTERS
        _split(token, vowel_next, end, parts + (token[start:end],), cuts + cut, found)


@memo(65536)
def _segmentations(token: str, vowel_next: bool = False) -> tuple[tuple[str, ...], ...]:
    """The plausible splits of one lower-case Latin token into syllables.

    Every split into valid syllables is found; those that cut between two vowel letters the
    fewest times are kept (``hoon`` is one syllable, not ``ho-on``; ``haeun`` is both
    ``hae-un`` and ``ha-eun``). A consonant between vowels may close one syllable or open the
    next, so ``chongil`` gives ``chong-il`` and ``chon-gil``. A syllable may end in ``r`` only
    before a vowel or h, as MR writes ㄹ there (``Ch'ŏr-wŏn``, ``Kirhyŏk``); ``vowel_next``
    says whether the next token starts with one. That keeps English-looking words out
    (``Kardashian``, ``Peter``).
    """
    if not token or len(token) > MAX_GIVEN * _MAX_SYLLABLE or not set(token) <= _LETTERS:
        return ()
    found: list[tuple[int, tuple[str, ...]]] = []
    _split(token, vowel_next, 0, (), 0, found)
    if not found:
        return ()
    fewest = min(cuts for cuts, _ in found)
    # The first split keeps "ng" together (jong-un before jon-gun): the reading shown to people.
    kept = [parts for cuts, parts in found if cuts == fewest]
    kept.sort(key=lambda parts: sum(a.endswith("n") and b.startswith("g")
                                    for a, b in itertools.pairwise(parts)))
    return tuple(kept)


def _vowel_next(tokens: list[str], i: int) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1][:1].lower() in _R_BEFORE


_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u00b7.]+")


def split_given(text: str) -> list[tuple[str, ...]]:
    """Every plausible split of a given name into syllables, each a valid Korean syllable.

    Spaces, hyphens and MR's separating apostrophe (``Sŏn'gu``: an apostrophe after a consonant
    other than the aspirated ch k t p) separate syllables; a joined run is split every
    plausible way (see ``_segmentations``): ``"Jong-un"``, ``"Jong Un"``, ``"Jongun"`` and ``"JONGUN"`` all
    give ``("jong", "un")`` (``"Jongun"`` also ``("jon", "gun")``); ``"Ch'o'l-su"`` gives
    ``[("chol", "su")]``. Latin syllables come back lower case without marks; Hangul syllables
    come back as they are. ``[]`` when some part is not a Korean syllable sequence or the name
    has more than four syllables.
    """
    text = strip_romanization_marks(_mark_boundaries(text))
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if not parts:
        return []
    options: list[tuple[tuple[str, ...], ...]] = []
    for i, part in enumerate(parts):
        if all(_is_hangul(c) for c in part):
            options.append((tuple(part),))
        else:
            split = _segmentations(part.lower(), _vowel_next(parts, i))
            if not split:
                return []
            options.append(split)
    out: list[tuple[str, ...]] = []
    for combo in itertools.product(*options):
        syllables = tuple(itertools.chain.from_iterable(combo))
        if len(syllables) <= MAX_GIVEN and syllables not in out:
            out.append(syllables)
    return out


# ---------------------------------------------------------------------------------------------
# Surnames
# ---------------------------------------------------------------------------------------------

def surname_id(text: str) -> str | None:
    """The canonical id of a Korean surname written in any script, or ``None``.

    ``김``, ``金``, ``Kim``, ``Gim``, ``Ghim`` -> ``KIM``; ``리``, ``이``, ``李``, ``Ri``, ``Lee``,
    ``Li``, ``Yi``, ``I``, ``Rhee`` -> ``RI``; ``Ch'oe``, ``Choi`` -> ``CHOE``; ``CHO'N`` ->
    ``JON``. A spelling has one id; surnames that plain spellings confuse share one (see the
    module docstring and ``korean_surnames.tsv``). Hangul and Hanja are looked up as written
    (one or two syllables/characters); Latin is compared without marks, case, spaces or hyphens.
    """
    text = unicodedata.normalize("NFC", text.strip())
    if not text:
        return None
    latin, by_hangul, by_hanja, _ = _surnames()
    if all(_is_hangul(c) for c in text):
        row = by_hangul.get(text)
        return row.id if row else None
    if text in by_hanja:
        return by_hangul[by_hanja[text]].id
    return latin.get(_plain(text))


# ---------------------------------------------------------------------------------------------
# Hanja
# ---------------------------------------------------------------------------------------------

def _is_han(char: str) -> bool:
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3134F)


def hanja_to_hangul(text: str) -> str:
    """The Korean reading of Hanja, in DPRK orthography (no initial-sound law).

    Each Han character is read by its first Unihan ``kHangul`` reading (``正恩`` -> ``정은``);
    the first character of the text, when it is a surname in the surname table, is read as that
    surname (金 -> 김 not 금, 沈 -> 심, 李 -> 리, 柳 -> 류, 林 -> 림, 梁 -> 량, 盧 -> 로,
    羅 -> 라, 呂 -> 려, 廉 -> 렴); a two-character surname (南宮, 諸葛, 鮮于) likewise.
    Compatibility ideographs are read as their unified forms. Characters without a reading and
    everything that is not Han are kept as they are.
    """
    text = unicodedata.normalize("NFC", text)
    _, _, by_hanja, _ = _surnames()
    readings = _hanja()
    out: list[str] = []
    start = 0
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    if stripped[:2] in by_hanja and len(stripped) >= 2 and all(map(_is_han, stripped[:2])):
        out.append(text[:lead] + by_hanja[stripped[:2]])
        start = lead + 2
    elif stripped[:1] in by_hanja:
        out.append(text[:lead] + by_hanja[stripped[:1]])
        start = lead + 1
    for char in text[start:]:
        found = readings.get(char)
        out.append(found[0] if found else char)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Hangul names
# ---------------------------------------------------------------------------------------------

def _hangul_parses(chars: str) -> list[tuple[str, str]]:
    """(surname, given) splits of an unspaced Hangul name: a two-syllable surname from the
    table, and always the first syllable alone."""
    _, by_hangul, _, _ = _surnames()
    out: list[tuple[str, str]] = []
    if len(chars) >= 3 and chars[:2] in by_hangul:
        out.append((chars[:2], chars[2:]))
    if len(chars) >= 2:
        out.append((chars[:1], chars[1:]))
    return [(s, g) for s, g in out if 1 <= len(g) <= MAX_GIVEN]


def _hangul_surname(hangul: str) -> tuple[str, str, str, str]:
    """(id, dprk, rr, mr) of a Hangul surname. A syllable not in the table is read by the
    general rules; its id is the one its DPRK or RR spelling has in the table (준 -> ``JON``
    as "Jun" is), else its DPRK reading in capitals (은 -> ``UN``)."""
    latin, by_hangul, _, _ = _surnames()
    row = by_hangul.get(hangul)
    if row:
        return row.id, row.dprk, row.rr, row.mr
    dprk, rr, mr = ("".join(_roman_run(hangul, s)) for s in _SYSTEMS)
    sid = latin.get(_plain(dprk)) or latin.get(_plain(rr)) or _plain(dprk).upper()
    return sid, _capitalize(dprk), _capitalize(rr), _capitalize(mr)


def _name_reading(surname: str, given: str, system: str) -> str:
    _, dprk, rr, mr = _hangul_surname(surname)
    syllables = _roman_run(given, system)
    if system == "dprk":
        return " ".join([dprk, *(_capitalize(s) for s in syllables)])
    joined = "-".join(syllables)
    return f"{rr if system == 'rr' else mr} {_capitalize(joined)}"


def hangul_to_latin(text: str, system: str = "dprk") -> str:
    """Romanize Hangul in the DPRK system (``"dprk"``), Revised Romanization (``"rr"``) or
    McCune-Reischauer (``"mr"``).

    A text that is a personal name (two to four syllables, spaced or not, the first one or two
    a surname in the table) is written as that system writes names: ``김정은`` -> ``Kim Jong Un``
    (dprk), ``Kim Jeong-eun`` (rr), ``Kim Chŏng-ŭn`` (mr); ``이`` as a surname is Ri, Yi, Yi.
    Any other text is romanized word by word, syllables joined, the first letter capitalised
    (MR puts an apostrophe between n and g: ``대한민국`` -> ``Taehanmin'guk``). No sound change
    crosses a syllable boundary; DPRK and MR voice ㄱ ㄷ ㅂ ㅈ inside a word or given name after
    a vowel or n, m, ng, l. Characters that are not Hangul syllables are kept as they are.
    """
    if system not in _SYSTEMS:
        raise ValueError(f"unknown romanization system {system!r}; use one of {_SYSTEMS}")
    text = unicodedata.normalize("NFC", text)
    compact = "".join(text.split())
    words = text.split()
    if compact and all(_is_hangul(c) for c in compact) and len(words) <= 2 \
            and len(compact) <= _MAX_NAME_SYLLABLES:
        for surname, given in _hangul_parses(compact):
            if surname in _surnames()[1] and (len(words) == 1 or words[0] == surname):
                return _name_reading(surname, given, system)
    out: list[str] = []
    for piece in re.split(r"(\s+)", text):
        out.append(_romanize_word(piece, system) if piece and not piece.isspace() else piece)
    return "".join(out)


def _romanize_word(word: str, system: str) -> str:
    out: list[str] = []
    run = ""
    for char in word + "\0":
        if _is_hangul(char):
            run += char
            continue
        if run:
            syllables = _roman_run(run, system)
            if system == "mr":
                syllables = [("'" + s if s.startswith("g") and prev.endswith("n")
                              and not prev.endswith("ng") else s)
                             for prev, s in itertools.pairwise(["", *syllables])]
            roman = "".join(syllables)
            out.append(_capitalize(roman) if not out else roman)
            run = ""
        if char != "\0":
            out.append(char)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Names in any script
# ---------------------------------------------------------------------------------------------

_PARENS = re.compile(r"[(\[（［]([^)\]）］]*)[)\]）］]")
_LATIN_SEP = re.compile(r"[\s.\u00b7/_]+")
_HYPHENS = re.compile(r"[\-\u2010-\u2015]+")


def _from_hangul(text: str) -> list[KoreanName]:
    words = text.split()
    compact = "".join(words)
    out: list[KoreanName] = []
    for surname, given in _hangul_parses(compact):
        if len(words) > 1 and words[0] != surname:
            continue  # spaced Hangul: the first word is the surname
        sid = _hangul_surname(surname)[0]
        out.append(KoreanName(sid, tuple(_hangul_key(c) for c in given),
                              _name_reading(surname, given, "dprk")))
    return out


def _given_readings(tokens: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(syllables, keys) for a list of de-marked lower-case given-name tokens."""
    options: list[tuple[tuple[str, ...], ...]] = []
    for i, token in enumerate(tokens):
        split = _segmentations(token, _vowel_next(tokens, i))
        if not split:
            return []
        options.append(split)
    out: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for combo in itertools.product(*options):
        syllables = tuple(itertools.chain.from_iterable(combo))
        if not 1 <= len(syllables) <= MAX_GIVEN:
            continue
        for keys in itertools.product(*(_latin_keys(s) for s in syllables)):
            out.append((syllables, keys))
    return out


# No romanization of Korean doubles u or i, or writes a letter three times: a typo (Jong-uun)
_DOUBLED = re.compile(r"([ui])\1+|([a-z])\2\2+")


def _from_latin(text: str) -> list[KoreanName]:
    text = strip_romanization_marks(_mark_boundaries(text))
    latin, _, _, reading = _surnames()
    head, comma, tail = text.partition(",")
    if comma:
        if "," in tail:
            return []
        orders = [(head, tail)]
    else:
        raw = [t for t in _LATIN_SEP.split(text) if t]
        if len(raw) < 2:
            return []
        # A lone all-capitals word at either end among mixed-case ones is the surname
        # ("KIM Jong Un", "Jong Un KIM"); otherwise both ends are tried.
        caps = [i for i, t in enumerate(raw) if len(t) > 1 and t.isupper()]
        cue = caps[0] if len(caps) == 1 and any(c.islower() for c in text) else None
        orders = []
        if cue != len(raw) - 1:
            orders.append((raw[0], " ".join(raw[1:])))
        if cue != 0:
            orders.append((raw[-1], " ".join(raw[:-1])))
    out: list[KoreanName] = []
    for family, given in orders:
        sid = latin.get(_plain(family))
        if sid is None:
            continue
        tokens = [_DOUBLED.sub(lambda m: m.group(1) or m.group(2), t)
                  for t in _LATIN_SEP.split(_HYPHENS.sub(" ", given).lower()) if t]
        if not tokens:
            continue
        for syllables, keys in _given_readings(tokens):
            read = " ".join([reading[sid], *(s.capitalize() for s in syllables)])
            out.append(KoreanName(sid, keys, read))
    return out


@memo(65536)
def _korean_names(text: str) -> tuple[KoreanName, ...]:
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return ()
    found: list[KoreanName] = []
    inner = _PARENS.findall(text)
    if inner:
        for part in [_PARENS.sub(" ", text), *inner]:
            found.extend(_korean_names(part))
    elif text.isascii():
        found = _from_latin(text)
    elif any(_is_hangul(c) for c in text):
        if all(_is_hangul(c) or c.isspace() for c in text):
            found = _from_hangul(text)
    elif any(_is_han(c) for c in text):
        hangul = hanja_to_hangul(text)
        if all(_is_hangul(c) or c.isspace() for c in hangul):
            found = _from_hangul(hangul)
    else:
        found = _from_latin(text)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    out: list[KoreanName] = []
    for name in found:
        if (name.surname, name.given) not in seen:
            seen.add((name.surname, name.given))
            out.append(name)
    return tuple(out)


def korean_names(text: str) -> list[KoreanName]:
    """All plausible Korean readings of a personal name written in any script.

    Unspaced or spaced Hangul (``김정은``, ``김 정은``), Hanja (``金正恩``) and Latin in any
    romanization and order: ``KIM, Jong Un`` (OFAC), ``KIM JONG UN`` (UN), ``Kim Jong-un``,
    ``Jong Un Kim``, ``CH'OE Ryong-hae``, ``Choi Ryong-hae``. Surname-first and surname-last are
    both tried when nothing fixes the order; given-name syllables are never reordered; a joined
    given name gives every plausible split. Text in parentheses is read as a name of its own.
    Readings are deduplicated on ``(surname, given)``, the first reading kept. ``[]`` when the
    text cannot be a Korean personal name: no surname from the table (Hangul may have any first
    syllable), a token that is not a sequence of Korean syllables, no given name, or more than
    four given syllables.
    """
    return list(_korean_names(text))


def is_korean_name(text: str) -> bool:
    """Whether :func:`korean_names` finds any Korean reading of ``text``."""
    return bool(_korean_names(text))
