"""Script detection, transliteration and the one normaliser every name goes through.

Pure functions: text in, comparable forms out. The only state is memoisation (``lru_cache``)
and tables built once at import; ``pypinyin``'s dictionaries are loaded on the first Han text.

What :func:`normalize` promises (the form the index and the scorer compare):

* ASCII only: ``[a-z0-9]`` words separated by single spaces, no leading/trailing space.
* Apostrophes of every form (``' ’ ‘ ʼ ` ´ ʻ ʹ ′`` ...) are removed **without** a space, so
  McCune-Reischauer syllables stay whole (``CH'OE`` -> ``choe``, ``U'n-so'ng`` -> ``un song``)
  and so do ``O'Brien`` and ``Shia'``. Breves, accents and other marks are dropped
  (``Chŏng`` -> ``chong``, ``Müller`` -> ``muller``).
* Hyphens, dots, commas, slashes and all other punctuation become a space
  (``KIM, Jong-Un`` -> ``kim jong un``; ``J.-C.`` -> ``j c``).
* Other scripts are transliterated by :func:`to_latin` first (Hangul only by a plain
  fallback: Korean readings are the Korean module's job).
* Nothing is dropped for being short: ``un``, ``an``, ``in``, ``do``, ``o``, ``ri``, ``yi``
  are Korean syllables. No stop words, no titles removed.

Transliteration (:func:`to_latin`) and its limits:

* **Cyrillic**: a name-friendly scheme close to how the lists spell Russian names
  (Й y, Х kh, Ж zh, Ц ts, Ч ch, Ш sh, Щ shch, Ю yu, Я ya, Ё yo, Ы y, Ъ/Ь dropped, Е always e).
  Ukrainian (Г h, И y, І i, Ї yi, Є ye, Ґ g) and Belarusian (Г h, Ў u) are chosen when the
  text has letters only they use, or by ``lang="uk"``/``"be"``; Bulgarian (Щ sht, Ъ a) only by
  ``lang="bg"``. Serbian, Macedonian, Kazakh, Mongolian and Tajik letters have fixed values.
* **Greek**: ELOT 743-like (η i, υ y, χ ch, θ th, ου ou); μπ/ντ/γκ read b/d/g at a word
  start, mb/nt/ng inside (so a foreign ``Βλαντίμιρ`` reads ``Vlantimir``).
* **Arabic, Persian, Urdu**: consonantal. Alef is ``a``; waw and yeh are ``w``/``y`` at a word
  start or next to a vowel letter and ``u``/``i`` between consonants; short vowels are read
  only when the text is vocalised. So ``بوتين`` -> ``butin`` and ``محمدي`` -> ``mhmdi``: the
  vowels are missing, which :func:`phonetic_key` (consonants only for long tokens) tolerates,
  but token similarity to a full Latin spelling is lower (``فلادمير`` -> ``fladmir``). About
  forty frequent name words are read from a table (:data:`ARABIC_WORDS`: ``محمد`` muhammad,
  ``بن`` bin, ``عبد`` abd, ``حسين`` husayn ...). A word-initial article is split off as
  ``al-`` (no sun-letter assimilation; a foreign name that starts with ال is misread). Ain is
  ``a`` at a word start or after a consonant, else silent. Persian/Urdu letters
  (پ چ ژ گ ک ی ٹ ڈ ڑ ں ے) are mapped.
* **Hebrew**: consonantal with matres lectionis (ו v/o, י y/i); ב כ פ are b k p at a word
  start and v kh f elsewhere (unpointed text cannot tell); final ה reads ``a``; geresh makes
  ג׳ j, ז׳ zh, צ׳ ch.
* **Japanese kana**: modified Hepburn with the katakana combinations used for foreign names
  (ティ ti, ファ fa, ヴァ va ...); ッ doubles, ー is dropped. Kanji have no reading source
  here: they go to pinyin like Chinese (wrong for Japanese names, but some Latin).
* **Chinese Han**: pypinyin without tones (ü -> u), grouped as the lists write names:
  surname then the given name joined (``习近平`` -> ``Xi Jinping``); compound surnames
  (欧阳, 司马 ...) and a few surname-only readings (单 Shan, 曾 Zeng, 解 Xie ...) are tables;
  four characters split 2+2; names written with a middle dot (foreign names:
  ``弗拉基米尔·普京``) or of five or more characters are joined per word. Tones are lost,
  so two different characters can read the same (石/市 both ``shi``).
  ``lang="ko"`` leaves Han text unchanged (the Korean module reads it as Hanja).
* **Hangul** and every other script: ``anyascii`` (a plain fallback; Hangul is read by RR-like
  syllables, ``김정은`` -> ``GimJeongEun``).
* **Look-alike letters**: a word mixing Latin with Cyrillic or Greek letters (a spoofing trick)
  is first read as the script its look-alikes imitate (``Vladimir Рutin`` with a Cyrillic Р is
  Putin). Han, kana and Hangul written next to another script start a new word.

Person names (:func:`parse_person_name`, :func:`name_variants`) use the order marks the lists
use (comma, ALL-CAPS family name, initials, patronymics) and a table of name particles
(:data:`NAME_PARTICLES`) that is never applied to a name that looks Korean.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii

from moneytrail.names.memo import memo

__all__ = [
    "APOSTROPHES",
    "ARABIC_WORDS",
    "NAME_PARTICLES",
    "PersonName",
    "detect_script",
    "name_variants",
    "normalize",
    "parse_person_name",
    "phonetic_key",
    "scripts_in",
    "strip_marks",
    "to_latin",
    "tokens",
]

# ---------------------------------------------------------------------------------------------
# Script detection
# ---------------------------------------------------------------------------------------------

# The first word of a letter's Unicode name -> ISO 15924 code. Hiragana and katakana are both
# "Kana" (the caller cares about "Japanese syllabary", not which one).
_SCRIPT_BY_NAME = {
    "LATIN": "Latn", "CYRILLIC": "Cyrl", "GREEK": "Grek", "COPTIC": "Copt", "ARMENIAN": "Armn",
    "GEORGIAN": "Geor", "HEBREW": "Hebr", "ARABIC": "Arab", "SYRIAC": "Syrc", "THAANA": "Thaa",
    "NKO": "Nkoo", "DEVANAGARI": "Deva", "BENGALI": "Beng", "GURMUKHI": "Guru",
    "GUJARATI": "Gujr", "ORIYA": "Orya", "TAMIL": "Taml", "TELUGU": "Telu", "KANNADA": "Knda",
    "MALAYALAM": "Mlym", "SINHALA": "Sinh", "THAI": "Thai", "LAO": "Laoo", "TIBETAN": "Tibt",
    "MYANMAR": "Mymr", "KHMER": "Khmr", "ETHIOPIC": "Ethi", "MONGOLIAN": "Mong",
    "CHEROKEE": "Cher", "HANGUL": "Hang", "HIRAGANA": "Kana", "KATAKANA": "Kana",
    "KATAKANA-HIRAGANA": "Kana", "CJK": "Hani", "IDEOGRAPHIC": "Hani", "BOPOMOFO": "Bopo",
    "YI": "Yiii", "TIFINAGH": "Tfng", "CANADIAN": "Cans", "VAI": "Vaii", "JAVANESE": "Java",
    "BALINESE": "Bali", "SUNDANESE": "Sund", "TAI": "Tavt", "LIMBU": "Limb", "OL": "Olck",
}
# Prefixes of compatibility forms, skipped to reach the script word.
_WIDTH_WORDS = ("FULLWIDTH", "HALFWIDTH")


@memo(None)
def _char_script(char: str) -> str | None:
    """ISO 15924 code of one letter; None for anything that is not a letter of a script
    (digits, punctuation, marks, modifier letters such as ʼ)."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    if not name:
        return None
    words = name.split()
    if words[0] in _WIDTH_WORDS and len(words) > 1:
        words = words[1:]
    if words[0] == "MODIFIER":
        return None
    code = _SCRIPT_BY_NAME.get(words[0])
    if code is None:  # ª, mathematical and other compatibility letters: their plain form
        folded = unicodedata.normalize("NFKC", char)
        code = _char_script(folded) if len(folded) == 1 and folded != char else None
    return code or "Zzzz"


def scripts_in(text: str) -> set[str]:
    """Every script (ISO 15924) the letters of ``text`` are written in; marks, digits and
    punctuation belong to none. "Zzzz" stands for a letter of a script without a code here."""
    found: set[str] = set()
    for char in text:
        code = _char_script(char)
        if code:
            found.add(code)
    return found


_ASCII_LETTER = re.compile("[A-Za-z]")


@memo(65_536)
def detect_script(text: str) -> str:
    """The dominant script of the letters: the most frequent one, except that Han with kana is
    "Jpan" and Han with Hangul is "Kore" whatever the counts. "Zyyy" when there is no letter.
    Ties go to the script that appears first."""
    if text.isascii():  # (ASCII letters are Latin; the rest is no letter)
        return "Latn" if _ASCII_LETTER.search(text) else "Zyyy"
    counts: dict[str, int] = {}
    for char in text:
        code = _char_script(char)
        if code:
            counts[code] = counts.get(code, 0) + 1  # dicts keep first-appearance order
    if not counts:
        return "Zyyy"
    if "Hani" in counts and "Kana" in counts:
        return "Jpan"
    if "Hani" in counts and "Hang" in counts:
        return "Kore"
    return max(counts, key=counts.__getitem__)


# ---------------------------------------------------------------------------------------------
# Marks and apostrophes
# ---------------------------------------------------------------------------------------------

# Every apostrophe-like character. Removed without a space: MR romanizations mark aspiration
# and vowel quality with them inside a syllable (CH'OE, U'n, Myo'ng), Arabic ones mark ain and
# hamza ('Abd, Shia'), English ones join (O'Brien).
APOSTROPHES = frozenset(
    "'\u2019\u2018\u201b\u02bc`\u00b4\u02bb\u02b9\u2032\u2035\u02bd\u02be\u02bf\u02c8\u02ca"
    "\u02cb\uff07\ua78c"
)
_DROP_NO_SPACE = {ord(c): None for c in APOSTROPHES}
# Spacing diacritics (category Sk: ¨ ˘ ¯ ¸ ^ ˜ ...) would become "space + mark" under NFKD.
_SPACING_MARKS = "".join(
    chr(cp) for cp in range(0x2FFF) if unicodedata.category(chr(cp)) == "Sk"
)
_DROP_NO_SPACE.update({ord(c): None for c in _SPACING_MARKS})

# Marks kept on a Cyrillic base: the breve of й/ў and the diaeresis of ё/ї/ӧ change the letter.
_CYRILLIC_KEEP = frozenset("\u0306\u0308")
# Bases whose marks are accents/vowel points to drop. Marks on any other script (kana voicing,
# Indic vowel signs and viramas, Thai and Khmer vowels) are part of the letter and are kept.
_STRIP_ALL = frozenset({"Latn", "Grek", "Hebr", "Arab"})


def _strip_marks_nfkd(text: str) -> str:
    out: list[str] = []
    base: str | None = None
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char) or unicodedata.category(char) == "Mn":
            if base in _STRIP_ALL or (base == "Cyrl" and char not in _CYRILLIC_KEEP):
                continue
            out.append(char)
            continue
        base = _char_script(char)
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


@memo(65_536)
def strip_marks(text: str) -> str:
    """Remove every apostrophe form (without inserting a space) and the accents, breves and
    other combining marks of Latin, Greek, Hebrew and Arabic letters; Cyrillic loses stress
    accents but keeps й ў ё ї; kana voicing and the vowel signs of Indic and Southeast Asian
    scripts are kept (they are letters there). Compatibility forms are unfolded (NFKD); the
    result is NFC. ``Chʼŏng`` -> ``Chong``, ``U'n`` -> ``Un``, ``Влади́мир`` -> ``Владимир``."""
    if text.isascii():  # nothing to decompose: only the apostrophes (and ` ^) go
        return text.translate(_DROP_NO_SPACE)
    return _strip_marks_nfkd(text.translate(_DROP_NO_SPACE))


# ---------------------------------------------------------------------------------------------
# Cyrillic
# ---------------------------------------------------------------------------------------------

_CYR_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian, Belarusian
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
    # Serbian, Macedonian
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj",
    "ѕ": "dz",
    # Kazakh, Kyrgyz, Mongolian, Tajik, Bashkir, Tatar
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u", "ҡ": "k", "ҙ": "z", "ҫ": "s", "ӊ": "ng",
    "ӧ": "o", "ӱ": "u", "ӓ": "a", "ӹ": "y", "ҝ": "k", "ҹ": "ch",
}
_CYR_VARIANTS = {
    "uk": {"г": "h", "и": "y"},
    "be": {"г": "h"},
    "bg": {"щ": "sht", "ъ": "a"},
}
_UK_ONLY = frozenset("їєґ")
_BE_ONLY = frozenset("ў")
_NOT_UK = frozenset("ыэъёўәғқңөұүһҳҷ")
# Ukrainian words without a Ukrainian-only letter: -ський surnames (Russian -ский) and the
# Ukrainian forms of frequent given names.
_UK_WORDS = re.compile(r"[сцз]ьк(?:ий|а)\b|\bолекс|\bволодимир|\bмикол|\bдмитро\b|\bюрій")


def _cyrillic_lang(text: str, lang: str | None) -> str | None:
    if lang in _CYR_VARIANTS:
        return lang
    letters = set(text.lower())
    if letters & _BE_ONLY or ("і" in letters and "и" not in letters and letters & set("ыэ")):
        return "be"
    if letters & _UK_ONLY or ("і" in letters and not letters & _NOT_UK):
        return "uk"
    if not letters & _NOT_UK and _UK_WORDS.search(text.lower()):
        return "uk"
    return None


def _cased(out: str, char: str, prev_upper: bool, next_upper: bool) -> str:
    """Case a multi-letter rendering the way its source letter was cased: ``Ш`` in ``Шойгу``
    -> ``Sh``, in ``ШОЙГУ`` -> ``SH``."""
    if not out or not char.isupper():
        return out
    return out.upper() if (prev_upper or next_upper) else out.capitalize()


def _by_table(word: str, table: dict[str, str]) -> str:
    out: list[str] = []
    n = len(word)
    for i, char in enumerate(word):
        low = char.lower()
        rendered = table.get(low)
        if rendered is None:
            out.append(char)
            continue
        prev_upper = i > 0 and word[i - 1].isupper()
        next_upper = i + 1 < n and word[i + 1].isupper()
        out.append(_cased(rendered, char, prev_upper, next_upper))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Greek
# ---------------------------------------------------------------------------------------------

_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r",
    "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
_GREEK_PAIRS = {"ου": "ou", "αυ": "av", "ευ": "ev", "γγ": "ng", "γξ": "nx", "γχ": "nch"}
_GREEK_INITIAL = {"μπ": "b", "ντ": "d", "γκ": "g"}
_GREEK_MEDIAL = {"μπ": "mb", "ντ": "nt", "γκ": "ng"}


def _greek_word(word: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    out: list[str] = []
    i, n = 0, len(plain)
    while i < n:
        pair = plain[i:i + 2].lower()
        rendered = _GREEK_PAIRS.get(pair) or (
            (_GREEK_INITIAL if i == 0 else _GREEK_MEDIAL).get(pair))
        if rendered and len(pair) == 2:
            step = 2
        else:
            rendered, step = _GREEK.get(plain[i].lower(), plain[i]), 1
        char = plain[i]
        prev_upper = i > 0 and plain[i - 1].isupper()
        next_upper = i + step < n and plain[i + step].isupper()
        out.append(_cased(rendered, char, prev_upper, next_upper))
        i += step
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Arabic script (Arabic, Persian, Urdu)
# ---------------------------------------------------------------------------------------------

_ARABIC = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "ة": "a", "ء": "", "ؤ": "", "ئ": "",
    # Persian, Urdu, Pashto
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ۀ": "a", "ہ": "h", "ھ": "h",
    "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ۃ": "a", "ڭ": "ng", "ڤ": "v", "ځ": "dz",
    "څ": "ts", "ښ": "kh", "ږ": "zh", "ګ": "g", "ڼ": "n",
}
_AR_ALEF = {"ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ى": "a", "ٰ": "a"}
_AR_WAW = frozenset("وۄۆۇ")
_AR_YEH = frozenset("يیےۍې")
_AR_AIN = "ع"
# Short vowels, read when the text is vocalised; shadda and sukun add nothing.
_AR_HARAKAT = {"\u064e": "a", "\u0650": "i", "\u064f": "u", "\u064b": "an", "\u064d": "in",
               "\u064c": "un", "\u0652": "", "\u0651": "", "\u0653": "", "\u0654": "",
               "\u0655": ""}
# Whole words read by convention; a handful of the most frequent name words, spelled as the
# lists usually spell them (the phonetic key absorbs the remaining spelling differences).
ARABIC_WORDS = {
    "بن": "bin", "ابن": "ibn", "بنت": "bint", "عبد": "abd", "ابو": "abu", "أبو": "abu",
    "ابي": "abi", "أبي": "abi", "آل": "al", "ال": "al", "الله": "allah", "عبدالله": "abdallah",
    "محمد": "muhammad", "أحمد": "ahmad", "احمد": "ahmad", "محمود": "mahmud", "علي": "ali",
    "عمر": "umar", "عثمان": "uthman", "حسن": "hasan", "حسين": "husayn", "يوسف": "yusuf",
    "إبراهيم": "ibrahim", "ابراهيم": "ibrahim", "إسماعيل": "ismail", "اسماعيل": "ismail",
    "مصطفى": "mustafa", "خالد": "khalid", "سعيد": "said", "صالح": "salih", "عيسى": "isa",
    "موسى": "musa", "أسامة": "usama", "اسامة": "usama", "عبدالعزيز": "abdalaziz",
}

# Persian/Urdu letter forms folded for the word lookup only (علی = علي).
_AR_LOOKUP = str.maketrans({"ی": "ي", "ک": "ك", "ى": "ي", "ۀ": "ة", "ہ": "ه"})


def _arabic_word(word: str) -> str:
    word = word.replace("\u0640", "")  # tatweel
    key = word.translate(_AR_LOOKUP)
    if key in ARABIC_WORDS:
        return ARABIC_WORDS[key]
    prefix = ""
    if len(word) > 3 and word.startswith("ال"):
        prefix, word = "al-", word[2:]
        if key[2:] in ARABIC_WORDS:
            return prefix + ARABIC_WORDS[key[2:]]
    # (letter, short vowels written after it)
    units: list[tuple[str, str]] = []
    for char in word:
        if char in _AR_HARAKAT:
            if units:
                units[-1] = (units[-1][0], units[-1][1] + _AR_HARAKAT[char])
            continue
        units.append((char, ""))
    out: list[str] = []
    prev_vowel = False  # whether the previous letter was read as a vowel
    n = len(units)
    for i, (char, harakat) in enumerate(units):
        nxt = units[i + 1][0] if i + 1 < n else None
        if char in _AR_ALEF:
            # a word-initial bare alef before waw/yeh only carries their vowel (أوباما ubama)
            silent = i == 0 and char in "اأإ" and (nxt in _AR_WAW or nxt in _AR_YEH)
            out.append("" if silent else _AR_ALEF[char])
            prev_vowel = not silent
        elif char in _AR_WAW or char in _AR_YEH:
            seat = i == 1 and units[0][0] in "اأإع"
            consonant = not seat and (i == 0 or prev_vowel or nxt in _AR_ALEF or bool(harakat))
            if char in _AR_WAW:
                out.append("w" if consonant else "u")
            elif char == "ے" and nxt is None:
                out.append("e")
            else:
                out.append("y" if consonant else "i")
            prev_vowel = not consonant
        elif char == _AR_AIN:
            if i == 0:
                out.append("" if nxt in _AR_ALEF or nxt in _AR_WAW or nxt in _AR_YEH else "a")
            elif prev_vowel or nxt is None:
                out.append("")
            else:
                out.append("a")
            prev_vowel = False
        else:
            out.append(_ARABIC.get(char, char))
            prev_vowel = False
        out.append(harakat)
    return prefix + "".join(out)


# ---------------------------------------------------------------------------------------------
# Hebrew
# ---------------------------------------------------------------------------------------------

_HEBREW = {
    "א": "a", "ג": "g", "ד": "d", "ה": "h", "ז": "z", "ח": "kh", "ט": "t", "ך": "kh",
    "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "ע": "a", "ף": "f",
    "צ": "ts", "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
}
_HEBREW_SOFT = {"ב": ("b", "v"), "כ": ("k", "kh"), "פ": ("p", "f")}  # word start, elsewhere
_HEBREW_GERESH = {"ג": "j", "ז": "zh", "צ": "ch", "ץ": "ch", "ת": "th"}
_GERESH = frozenset("\u05f3'\u2019")


def _hebrew_word(word: str) -> str:
    chars = [c for c in word if not unicodedata.combining(c)]
    out: list[str] = []
    n = len(chars)
    i = 0
    while i < n:
        char = chars[i]
        nxt = chars[i + 1] if i + 1 < n else None
        first, last = i == 0, i == n - 1 or (i == n - 2 and nxt in _GERESH)
        if char in _GERESH or char == "\u05f4":
            i += 1
            continue
        if nxt in _GERESH and char in _HEBREW_GERESH:
            out.append(_HEBREW_GERESH[char])
            i += 2
            continue
        if char in ("ו", "י") and nxt == char:  # doubled: the consonant
            out.append("v" if char == "ו" else "y")
            i += 2
            continue
        if char == "ו":
            out.append("v" if first else "o")
        elif char == "י":
            prev_vowel = i > 0 and out and out[-1][-1:] in ("a", "o", "i")
            out.append("y" if first or (prev_vowel and not last) else "i")
        elif char in _HEBREW_SOFT:
            out.append(_HEBREW_SOFT[char][0 if first else 1])
        elif char == "ה" and last and not first:
            out.append("a")
        else:
            out.append(_HEBREW.get(char, char))
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Japanese kana (modified Hepburn)
# ---------------------------------------------------------------------------------------------

def _kana_table() -> dict[str, str]:
    rows = {
        "": "アイウエオ", "k": "カキクケコ", "s": "サシスセソ", "t": "タチツテト",
        "n": "ナニヌネノ", "h": "ハヒフヘホ", "m": "マミムメモ", "r": "ラリルレロ",
        "g": "ガギグゲゴ", "z": "ザジズゼゾ", "d": "ダヂヅデド", "b": "バビブベボ",
        "p": "パピプペポ",
    }
    table: dict[str, str] = {}
    for consonant, kana in rows.items():
        for vowel, char in zip("aiueo", kana, strict=True):
            table[char] = consonant + vowel
    table.update({
        "シ": "shi", "チ": "chi", "ツ": "tsu", "フ": "fu", "ジ": "ji", "ヂ": "ji", "ヅ": "zu",
        "ヤ": "ya", "ユ": "yu", "ヨ": "yo", "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o",
        "ン": "n", "ヴ": "vu", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o",
        "ャ": "ya", "ュ": "yu", "ョ": "yo", "ヮ": "wa", "ヵ": "ka", "ヶ": "ke",
    })
    for char, onset in (("キ", "ky"), ("ギ", "gy"), ("ニ", "ny"), ("ヒ", "hy"), ("ビ", "by"),
                        ("ピ", "py"), ("ミ", "my"), ("リ", "ry"), ("シ", "sh"), ("ジ", "j"),
                        ("チ", "ch"), ("ヂ", "j")):
        for small, vowel in (("ャ", "a"), ("ュ", "u"), ("ョ", "o")):
            table[char + small] = onset + vowel
    for char, onset in (("シ", "sh"), ("ジ", "j"), ("チ", "ch"), ("イ", "y")):
        table[char + "ェ"] = onset + "e"
    for first, onset in (("フ", "f"), ("ヴ", "v"), ("ウ", "w"), ("ツ", "ts"), ("ク", "kw"),
                         ("グ", "gw")):
        for small, vowel in (("ァ", "a"), ("ィ", "i"), ("ェ", "e"), ("ォ", "o")):
            table[first + small] = onset + vowel
    table.update({"ティ": "ti", "ディ": "di", "トゥ": "tu", "ドゥ": "du", "テュ": "tyu",
                  "デュ": "dyu", "フュ": "fyu", "ヴュ": "vyu"})
    # hiragana: same table shifted by 0x60
    for key, value in list(table.items()):
        hira = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in key)
        table.setdefault(hira, value)
    return table


_KANA = _kana_table()
_SOKUON = frozenset("ッっ")
_CHOON = frozenset("ーｰ")


def _kana_word(word: str) -> str:
    out: list[str] = []
    double = False
    i, n = 0, len(word)
    while i < n:
        char = word[i]
        if char in _SOKUON:
            double = True
            i += 1
            continue
        if char in _CHOON or char in "ゝゞヽヾ":
            i += 1
            continue
        pair = word[i:i + 2]
        rendered = _KANA.get(pair) if len(pair) == 2 else None
        step = 2
        if rendered is None:
            rendered, step = _KANA.get(char, char), 1
        if double and rendered and rendered[0] not in "aiueon":
            rendered = ("t" + rendered) if rendered.startswith("ch") else rendered[0] + rendered
        double = False
        out.append(rendered)
        i += step
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Chinese Han
# ---------------------------------------------------------------------------------------------

_COMPOUND_SURNAMES = frozenset(
    "欧阳 歐陽 司马 司馬 诸葛 諸葛 上官 东方 東方 皇甫 令狐 夏侯 尉迟 尉遲 公孙 公孫 慕容 长孙 長孫 "
    "宇文 司徒 西门 西門 端木 独孤 獨孤 南宫 南宮 呼延 澹台 澹臺 万俟 萬俟 轩辕 軒轅 钟离 鍾離 "
    "闻人 聞人 赫连 赫連 单于 單于 申屠 太史 司空 公羊 濮阳 濮陽 淳于 仲孙 仲孫 东郭 東郭".split()
)
# Readings a character has as a surname that pypinyin's everyday reading gets wrong.
_SURNAME_READINGS = {
    "单": "shan", "單": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "區": "ou",
    "朴": "piao", "查": "zha", "乐": "yue", "樂": "yue", "盖": "ge", "蓋": "ge", "缪": "miao",
    "繆": "miao", "翟": "zhai", "柏": "bai", "秘": "bi", "沈": "shen", "长": "chang",
    "長": "chang", "重": "chong", "员": "yun", "員": "yun", "华": "hua", "華": "hua",
    "任": "ren", "种": "chong", "種": "chong", "车": "che", "車": "che", "过": "guo",
    "過": "guo", "召": "shao", "繁": "po", "黑": "he", "覃": "qin", "宁": "ning", "寧": "ning",
    "纪": "ji", "紀": "ji", "薄": "bo", "葛": "ge", "冼": "xian", "洗": "xian", "石": "shi",
    "都": "du", "佘": "she", "尉迟": "yuchi", "尉遲": "yuchi", "万俟": "moqi", "萬俟": "moqi",
    "单于": "chanyu", "單于": "chanyu", "澹台": "tantai", "澹臺": "tantai", "令狐": "linghu",
}
# Scripts whose runs read as separate words when written next to another script.
_WORD_SCRIPTS = frozenset({"Hani", "Kana", "Hang"})
_MIDDLE_DOTS = frozenset("\u00b7\u30fb\u2027\u2022\uff65\u16eb\u2219")


def _pinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin  # loads the dictionaries on first use

    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors=anyascii)
    return strip_marks("".join(syllables))


@memo(65_536)
def _han_word(word: str, foreign: bool) -> str:
    """A run of Han characters as a name is written in Latin letters."""
    if foreign or len(word) >= 5:
        return _pinyin(word).capitalize()
    if len(word) >= 2 and word[:2] in _COMPOUND_SURNAMES:
        surname, given = word[:2], word[2:]
    elif len(word) == 4:
        surname, given = word[:2], word[2:]
    else:
        surname, given = word[:1], word[1:]
    family = _SURNAME_READINGS.get(surname) or _pinyin(surname)
    parts = [family.capitalize()]
    if given:
        parts.append(_pinyin(given).capitalize())
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# to_latin
# ---------------------------------------------------------------------------------------------

# Compatibility blocks folded per character before transliteration: halfwidth kana, fullwidth
# Latin, Arabic presentation forms.
_COMPAT_BLOCKS = ((0xFF01, 0xFFEF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
# Characters that continue a run of their script although they are not letters.
_RUN_CONTINUE = {"Hebr": frozenset("\u05f3\u05f4'\u2019"), "Arab": frozenset("\u0640")}


def _fold_compat(text: str) -> str:
    if text.isascii() or not any(lo <= ord(c) <= hi for c in text for lo, hi in _COMPAT_BLOCKS):
        return text
    return "".join(
        unicodedata.normalize("NFKC", c) if any(lo <= ord(c) <= hi for lo, hi in _COMPAT_BLOCKS)
        else c for c in text)


def _runs(text: str) -> list[tuple[str | None, str]]:
    """Split text into (script, chunk): maximal runs of letters of one script, with their
    combining marks; None for everything in between (spaces, punctuation, digits)."""
    runs: list[tuple[str | None, str]] = []
    current: str | None = None
    buf: list[str] = []
    for char in text:
        code = _char_script(char)
        if code is None and current is not None and (
                unicodedata.category(char).startswith("M")
                or char in _RUN_CONTINUE.get(current, ())):
            buf.append(char)
            continue
        if code != current:
            if buf:
                runs.append((current, "".join(buf)))
            buf, current = [], code
        buf.append(char)
    if buf:
        runs.append((current, "".join(buf)))
    return runs


# Look-alike letters (Unicode confusables) of Latin and Cyrillic/Greek. In a word that mixes
# the scripts, letters are swapped for their look-alikes: to Latin when every Cyrillic/Greek
# letter has a Latin look-alike ("Vladimir Рutin" with a Cyrillic Р is Putin, not Rutin), else
# to Cyrillic/Greek when every Latin letter has one there ("Пyтин" with a Latin y is Путин).
_CYR_LAT = "АВЕКМНОРСТХІЈЅаеорсухіјѕԁԛԝҮӏ", "ABEKMHOPCTXIJSaeopcyxijsdqwYl"
_GRK_LAT = "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιν", "ABEZHIKMNOPTYXoiv"
_TO_LATIN_LOOKALIKE = str.maketrans(_CYR_LAT[0] + _GRK_LAT[0], _CYR_LAT[1] + _GRK_LAT[1])
_TO_CYRILLIC_LOOKALIKE = str.maketrans(_CYR_LAT[1], _CYR_LAT[0])
_TO_GREEK_LOOKALIKE = str.maketrans(_GRK_LAT[1], _GRK_LAT[0])
_WORD = re.compile(r"\w+")


def _fix_lookalikes(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        word = match.group()
        scripts = {c: _char_script(c) for c in word}
        found = set(scripts.values())
        if "Latn" not in found or not found & {"Cyrl", "Grek"}:
            return word
        foreign = [c for c, code in scripts.items() if code in ("Cyrl", "Grek")]
        if all(ord(c) in _TO_LATIN_LOOKALIKE for c in foreign):
            return word.translate(_TO_LATIN_LOOKALIKE)  # a Latin word spoofed
        table = _TO_CYRILLIC_LOOKALIKE if "Cyrl" in found else _TO_GREEK_LOOKALIKE
        latin = [c for c, code in scripts.items() if code == "Latn"]
        if all(ord(c) in table for c in latin):
            return word.translate(table)  # a Cyrillic or Greek word spoofed
        return word

    return _WORD.sub(fix, text)


@memo(65_536)
def to_latin(text: str, lang: str | None = None) -> str:
    """Transliterate every non-Latin letter of ``text`` to Latin letters; Latin text, digits and
    punctuation pass through unchanged (accents are not removed here: see :func:`normalize`).

    ``lang`` (ISO 639-1) refines a script: "uk"/"be"/"bg" pick the Cyrillic variant (otherwise
    guessed from the letters), "ko" leaves Han characters unchanged for the Korean module to
    read as Hanja. A word mixing Latin with Cyrillic or Greek look-alike letters (a spoofing
    trick) is read as the script its look-alikes imitate. See the module docstring for each
    script's scheme and limits.
    ``to_latin("Владимир ПУТИН") == "Vladimir PUTIN"``, ``to_latin("习近平") == "Xi Jinping"``.
    """
    if text.isascii():  # Latin letters and no letters only: unchanged
        return text
    text = unicodedata.normalize("NFC", _fold_compat(text))
    runs = _runs(text)
    if all(script in (None, "Latn") for script, _ in runs):
        return text
    if any(s == "Latn" for s, _ in runs) and any(s in ("Cyrl", "Grek") for s, _ in runs):
        text = _fix_lookalikes(text)
        runs = _runs(text)
    cyr_lang = _cyrillic_lang(text, lang) if any(s == "Cyrl" for s, _ in runs) else None
    cyr_table = dict(_CYR_BASE, **_CYR_VARIANTS.get(cyr_lang or "", {}))
    # a name with a middle dot is foreign; a Han run next to kana is a Japanese word: either
    # way its syllables are joined rather than split as a Chinese surname and given name
    foreign_han = any(s is None and any(c in _MIDDLE_DOTS for c in chunk) for s, chunk in runs) \
        or any(s == "Kana" for s, _ in runs)
    out: list[str] = []
    prev: str | None = None  # script of the previous run, None after a non-letter
    for script, chunk in runs:
        if script is None:
            out.append("".join(" " if c in _MIDDLE_DOTS else c for c in chunk))
            prev = None
            continue
        if script == "Latn":
            rendered = chunk
        elif script == "Cyrl":
            rendered = _by_table(chunk, cyr_table)
        elif script == "Grek":
            rendered = _greek_word(chunk)
        elif script == "Arab":
            rendered = _arabic_word(chunk)
        elif script == "Hebr":
            rendered = _hebrew_word(chunk)
        elif script == "Kana":
            rendered = _kana_word(chunk)
        elif script == "Hani":
            rendered = chunk if lang == "ko" else _han_word(chunk, foreign_han)
        else:
            rendered = anyascii(chunk)
        if prev and {prev, script} & _WORD_SCRIPTS and rendered and out[-1][-1:].strip():
            out.append(" ")  # Han, kana or Hangul next to another script: a new word
        out.append(rendered)
        prev = script
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# normalize / tokens
# ---------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _drop_format(text: str) -> str:
    # zero-width (non-)joiners, bidi marks, soft hyphens: invisible, never a word boundary
    if text.isascii() or not any(unicodedata.category(c) == "Cf" for c in text):
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" and not c.isascii() else c
        for c in text)


@memo(262_144)
def normalize(text: str) -> str:
    """The comparable form of a name: ASCII words ``[a-z0-9]+`` joined by single spaces.

    Apostrophes are removed without a space, marks are stripped, other scripts are
    transliterated (:func:`to_latin`), letters are case-folded and every other character
    (hyphen, dot, comma, slash, bracket ...) separates words.
    ``"KIM, Jong-Un"`` -> ``"kim jong un"``, ``"CH'OE Ryong-hae"`` -> ``"choe ryong hae"``,
    ``"Müller"`` -> ``"muller"``, ``"Владимир Путин"`` -> ``"vladimir putin"``.
    """
    text = _ascii_digits(_drop_format(text)).translate(_DROP_NO_SPACE)
    text = strip_marks(to_latin(text))
    if not text.isascii():
        # ß ł ø ı æ þ and what else is left; đ is dj as the lists write Serbo-Croat names
        text = anyascii(text.replace("đ", "dj").replace("Đ", "Dj")).translate(_DROP_NO_SPACE)
    return _NON_WORD.sub(" ", text.casefold()).strip()


def tokens(text: str) -> list[str]:
    """The words of :func:`normalize`; digits are kept (``SEA STAR 7`` -> sea, star, 7)."""
    return normalize(text).split()


# ---------------------------------------------------------------------------------------------
# phonetic_key
# ---------------------------------------------------------------------------------------------

_VOWELS = frozenset("aeiouy")
_PURE_VOWELS = frozenset("aeiou")
# Multi-letter spellings of one sound, longest first. "X" = ch/kh (Х, Ч, خ; German/Polish ch),
# "S" = s/sh/z (Shin/Sin, Hussein/Huzein), "J" = j/zh/dj/dzh (Zhukov/Jukov).
_CLUSTERS = [
    ("tsch", "X"), ("dzh", "J"), ("sch", "S"), ("tch", "X"), ("tsj", "X"), ("tsh", "X"),
    ("shch", "S"), ("ch", "X"), ("kh", "X"), ("cz", "X"), ("sh", "S"), ("sz", "S"),
    ("zh", "J"), ("dj", "J"), ("ph", "F"), ("th", "T"), ("dh", "T"), ("gh", "K"), ("ck", "K"),
    ("rh", "R"), ("ts", "S"), ("tz", "S"), ("x", "KS"), ("qu", "K"),
]
_SINGLE = {
    "b": "P", "p": "P", "d": "T", "t": "T", "g": "K", "k": "K", "q": "K", "c": "K",
    "f": "F", "v": "F", "w": "F", "s": "S", "z": "S", "j": "J", "l": "L", "r": "R", "m": "M",
    "n": "N", "h": "H",
}
# Vowel classes: o/u merge (Un/On, Song/Sung, John/Juan), ee/ie/y read i (Lee/Li, Aly/Ali),
# eo/eu read o/u (Korean Seong/Song, Eun/Un).
_VOWEL_CLASS = {"a": "A", "e": "E", "i": "I", "y": "I", "o": "O", "u": "O"}
_VOWEL_GROUPS = {"ee": "I", "ie": "I", "ei": "I", "eu": "O", "eo": "O", "ou": "O",
                 "oo": "O"}
# A final ng (or one before a consonant) is one sound: Song/Sang keep their vowels apart.
_CLUSTER_RE = re.compile("|".join(re.escape(c) for c, _ in _CLUSTERS) + "|ng(?![aeiouy])|[a-z]")
_CLUSTER_CODE = dict(_CLUSTERS, ng="NK")
_SHORT_CONSONANTS = 2


@memo(262_144)
def phonetic_key(token: str) -> str:
    """A phonetic code of one Latin name token, merging common transliteration variants.

    Our own scheme, in the spirit of Double Metaphone but tuned for transliterated names:

    * consonants: voiced and voiceless pairs merge (b/p, d/t, g/k/q/c, f/v/w/ph); s, z, sh, sch,
      ts merge; ch, kh, tch, tsch, cz merge; j, zh, dj, dzh merge; x reads ks (s at the start
      before a vowel: pinyin Xi = Si = Shi); th/dh read t;
      a c before e/i/y reads s; doubled letters collapse; ``h`` after a vowel and not before one
      is silent (Ahmed/Ahmad, John/Jon, Abdullah/Abdulla); ``y``/``j`` after a vowel and not
      before one are vowels (Husayn/Hussein, Sergej/Sergey); a final ``ng`` is one sound.
    * vowels, in classes a, e, i (i, y, ee, ie, ei), o (o, u, ou, oo, eo, eu): a token with at
      most two consonants (Korean and Chinese syllables, Ali, Omar, Osama) keeps the class of
      its first vowel group, because short names differ by their vowel (``un``/``an``/``in``,
      ``Song``/``Sang``, ``Kim``/``Kam``); a longer token keeps only an initial vowel, read
      "A" (Osama/Usama, Aleksandr/Oleksandr). Every token keeps the class of a final vowel
      except a lone ``e`` (Olga/Oleg and Aleksandra/Aleksandr differ; Poutine = Putin).

    ``Mohammed``/``Muhammad``/``Mohamed``/``mhmd`` -> ``MHMT``; ``Yusuf``/``Yousef`` -> ``YSF``;
    ``Aleksandr``/``Alexander`` -> ``ALKSNTR``; ``Abdel``/``Abdul`` -> ``APTL``;
    ``Ali``/``Aly`` -> ``ALI`` but ``Alan`` -> ``ALN``; ``un`` -> ``ON``, ``an`` -> ``AN``.
    Returns "" for a token without letters (numbers are compared exactly elsewhere).
    """
    word = normalize(token) if not (token.isascii() and token.isalnum() and token.islower()) \
        else token
    word = "".join(c for c in word if c.isalpha())
    if not word:
        return ""
    codes: list[str] = []  # one entry per sound: a consonant code or a lowercase vowel group
    parts = _CLUSTER_RE.findall(word)
    n = len(parts)
    for i, part in enumerate(parts):
        prev = parts[i - 1] if i else ""
        nxt = parts[i + 1] if i + 1 < n else ""
        next_vowel = nxt[:1] in _PURE_VOWELS and nxt != ""
        if part in _PURE_VOWELS or (part == "y" and not next_vowel) or (
                part == "j" and prev[-1:] in _VOWELS and prev != "" and not next_vowel):
            vowel = "i" if part in ("y", "j") else part
            if codes and codes[-1].islower():
                codes[-1] += vowel
            else:
                codes.append(vowel)
            continue
        if part == "h":
            if prev[-1:] in _VOWELS and prev != "" and not next_vowel:
                continue  # Ahmed/Ahmad, John/Jon, Abdullah/Abdulla
            code = "H"
        elif part == "y":
            code = "Y"
        elif part == "c" and nxt[:1] in ("e", "i", "y") and nxt != "":
            code = "S"
        elif part == "x" and i == 0 and next_vowel:
            code = "S"  # an initial x sounds s/sh/z (pinyin Xi = Si = Shi, Xavier)
        elif part in _CLUSTER_CODE:
            code = _CLUSTER_CODE[part]
        else:
            code = _SINGLE.get(part, part.upper())
        if codes and codes[-1] == code:
            continue  # doubled letters, and clusters that sound like their neighbour
        codes.append(code)
    # a y glide after a consonant (Kyong, Myong, Hyon) does not make a syllable longer
    consonants = [c for i, c in enumerate(codes) if not c.islower()
                  and not (c == "Y" and i and not codes[i - 1].islower())]
    vowel_at = [i for i, c in enumerate(codes) if c.islower()]
    first_vowel = vowel_at[0] if vowel_at else None
    last = len(codes) - 1
    out: list[str] = []
    for i, code in enumerate(codes):
        if not code.islower():
            out.append(code)
        elif i == last and i != first_vowel and code != "e":
            out.append(_vowel_class(code))  # Olga/Oleg, Aleksandra/Aleksandr; silent final e
        elif i == first_vowel and len(consonants) <= _SHORT_CONSONANTS:
            out.append(_vowel_class(code))
        elif i == 0:
            out.append("A")
    return "".join(out)


def _vowel_class(group: str) -> str:
    return _VOWEL_GROUPS.get(group[:2]) or _VOWEL_CLASS[group[0]]


# ---------------------------------------------------------------------------------------------
# Person names
# ---------------------------------------------------------------------------------------------

# Particles of names: Arabic articles and kinship words, European nobiliary particles.
# Used only to generate joined variants (al hassan = alhassan) and to attach a particle to an
# ALL-CAPS family name; never applied to names that look Korean. Korean syllables that are also
# particles elsewhere (do, o, an, un, in) are deliberately absent.
NAME_PARTICLES = frozenset({
    "al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "abu", "abou", "bin", "ben", "ibn",
    "bint", "binti", "abd", "abdel", "abdul", "abdal", "abdol", "abdoul", "abdoel", "abdur",
    "abdar", "van", "von", "der", "den", "de", "del", "della", "dela", "di", "da", "dos", "das",
    "du", "la", "le", "ter", "ten", "zu", "mac", "mc", "ould", "ait",
})

# Spellings of frequent Korean surnames in RR, MR, DPRK and habitual forms.
_KOREAN_SURNAMES = frozenset(
    "kim gim ghim ri yi lee li rhee rhie yee i pak park bak bahk choe choi choy chong jong jung "
    "chung cheong joung jeong kang gang kahng cho jo joe yun yoon youn chang jang jahng rim im "
    "lim yim han hahn o oh so seo suh sin shin kwon gwon kweon hwang whang an ahn song jon chon "
    "jeon chun jun hong yu ryu yoo you ryoo ko go koh mun moon yang ryang son sohn pae bae bai "
    "paek baek paik baik ho heo huh hur nam sim shim ro no roh noh hyon hyun ryom yeom yom ju "
    "chu joo ku gu koo ji chi pang bang kwak gwak cha min sok seok tong dong thae tae u woo "
    "kil gil kye gye pyon pyun byun byeon tak yo ryo yom pong bong chae sol sung ma myong won "
    "wang ha kong gong jin chin pyo pi om eom um yon yeon kuk guk ok ryu"
    .split()
)
_KO_SYLLABLE = re.compile(
    r"(?:kk|tt|pp|ss|jj|ch|kh|th|ph|sh|k|g|n|t|d|r|l|m|p|b|s|j|h|c|y|w)?"
    r"(?:yeo|yae|yai|wae|weo|eui|ae|ai|eo|eu|oe|oi|oo|ou|ui|wa|wo|we|wi|ya|ye|yo|yu|ee|a|e|i|o|u)"
    r"(?:ng|k|n|t|l|m|p|r|g|b|d|s)?"
)
_KO_WORD = re.compile(rf"(?:{_KO_SYLLABLE.pattern}){{1,3}}")


def _looks_korean(text: str) -> bool:
    """Whether a name may be Korean: Hangul, or Latin words that are all Korean syllables
    (joined in at most threes) with a Korean surname spelling first or last."""
    if scripts_in(text) & {"Hang"}:
        return True
    words = normalize(text).split()
    if len(words) < 2 or not all(w in _KOREAN_SURNAMES or _KO_WORD.fullmatch(w) for w in words):
        return False
    return words[0] in _KOREAN_SURNAMES or words[-1] in _KOREAN_SURNAMES


@dataclass(frozen=True)
class PersonName:
    """A person's name split into given and family parts, each a tuple of normalised tokens.

    ``order`` says how the name was written: "family_first" (``PUTIN, Vladimir``;
    ``PUTIN vladimir``; Chinese/Japanese names in Han), "given_first" (``Vladimir PUTIN``;
    ``Vladimir Vladimirovich Putin``) or "unknown" (``KIM JONG UN``). When unknown, ``given``
    and ``family`` hold the western reading (last word = family) and the caller must also try
    the other: :meth:`readings` yields both.
    """

    given: tuple[str, ...]
    family: tuple[str, ...]
    order: str  # "family_first" | "given_first" | "unknown"

    def readings(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Every plausible (given, family) split: one when the order is known, two (western,
        then family-first) when it is not."""
        first = (self.given, self.family)
        if self.order != "unknown":
            return [first]
        words = self.given + self.family
        if len(words) < 2:
            return [first]
        second = (words[1:], words[:1])
        return [first] if second == first else [first, second]


# Russian-style patronymics as the lists and the press transliterate them (not South Slavic
# -ovic, a surname ending).
_PATRONYMIC = re.compile(
    r"[a-z]{2,}(?:ovich|evich|ovitch|evitch|ovitsch|evitsch|owitsch|ewitsch|owicz|ewicz|ovitsj"
    r"|evitsj|ovitj|evitj|ovici|evici|ovics|evics|ovitx|evitx|ovych|evych|ovna|evna|ivna"
    r"|ichna|ogly|oglu|kyzy)"
)
_EAST_ASIAN = frozenset({"Hani", "Jpan", "Kana"})


def _is_caps(word: str) -> bool:
    cased = [c for c in word if c.isalpha() and (c.isupper() or c.islower())]
    return len(cased) >= 2 and all(c.isupper() for c in cased)


def _has_lower(word: str) -> bool:
    return any(c.islower() for c in word)


def _split_words(text: str) -> list[str]:
    # raw words for case analysis: whitespace and hyphens split, dots end an initial
    return [w for w in re.split(r"[\s\-\u2010-\u2015.,;/]+", text) if any(c.isalnum() for c in w)]


def _norm_words(words: list[str]) -> tuple[str, ...]:
    return tuple(t for w in words for t in normalize(w).split())


@memo(65_536)
def parse_person_name(text: str) -> PersonName:
    """Split a person's name into given and family names, saying how sure the order is.

    Rules, first that applies: a comma puts the family name before it (OFAC ``SURNAME, Given``);
    ALL-CAPS words among mixed-case ones are the family name (with a particle right before them:
    ``Bashar al-ASSAD``), before the rest -> family_first, after -> given_first; one full word
    among initials is the family name (``Putin V. V.``, ``V. V. Putin``); a Russian-style
    patronymic last (``Putin Vladimir Vladimirovich``) or second of three
    (``Vladimir Vladimirovich Putin``) fixes the order; a name in Han or kana written with a
    middle dot is a foreign name in its own order (``弗拉基米尔·普京``, ``バラク・オバマ``:
    given_first), other Han names are family-first (``习近平``); otherwise unknown.
    Hangul names are left unknown: the Korean module splits them.
    """
    text = text.replace("\u060c", ",").replace("\uff0c", ",")  # Arabic and fullwidth commas
    if "," in text:
        family_raw, _, given_raw = text.partition(",")
        family, given = _norm_words(_split_words(family_raw)), _norm_words(_split_words(given_raw))
        if family and given:
            return PersonName(given, family, "family_first")
        text = text.replace(",", " ")
    script = detect_script(text)
    if script in _EAST_ASIAN:
        words = normalize(text).split()
        if len(words) >= 2:
            if any(c in _MIDDLE_DOTS for c in text):  # a foreign name keeps its own order
                return PersonName(tuple(words[:-1]), tuple(words[-1:]), "given_first")
            if script != "Kana":
                return PersonName(tuple(words[1:]), tuple(words[:1]), "family_first")
    raw = _split_words(text)
    normed = [normalize(w).split() for w in raw]
    pairs = [(w, t) for w, t in zip(raw, normed, strict=True) if t]
    raw = [w for w, _ in pairs]
    normed = [t for _, t in pairs]
    flat = [t for ts in normed for t in ts]
    if not flat:
        return PersonName((), (), "unknown")

    caps = [_is_caps(w) for w in raw]
    lower = [_has_lower(w) for w in raw]
    if any(caps) and any(lower):
        idx = [i for i, c in enumerate(caps) if c]
        start = idx[0]
        korean = _looks_korean(text)
        while (start > 0 and not korean and not caps[start - 1]
               and normalize(raw[start - 1]) in NAME_PARTICLES):
            start -= 1
            idx.insert(0, start)
        fam = tuple(t for i in idx for t in normed[i])
        giv = tuple(t for i, ts in enumerate(normed) if i not in idx for t in ts)
        if giv:
            return PersonName(giv, fam, "family_first" if idx[0] == 0 else "given_first")

    if len(flat) >= 2:
        single = [len(ts) == 1 and len(ts[0]) == 1 for ts in normed]
        full = [i for i, s in enumerate(single) if not s]
        if len(full) == 1 and len(normed) >= 2:
            i = full[0]
            fam = tuple(normed[i])
            giv = tuple(t for j, ts in enumerate(normed) if j != i for t in ts)
            if i == 0:
                return PersonName(giv, fam, "family_first")
            if i == len(normed) - 1:
                return PersonName(giv, fam, "given_first")
        if len(flat) >= 3:
            if _PATRONYMIC.fullmatch(flat[-1]) and not _PATRONYMIC.fullmatch(flat[1]):
                return PersonName(tuple(flat[1:]), (flat[0],), "family_first")
            if _PATRONYMIC.fullmatch(flat[-2]) and not _PATRONYMIC.fullmatch(flat[-1]):
                return PersonName(tuple(flat[:-1]), (flat[-1],), "given_first")
    return PersonName(tuple(flat[:-1]), tuple(flat[-1:]), "unknown")


def _joined(words: tuple[str, ...], groups: list[tuple[str, ...]], particles: bool) -> str:
    """Join the hyphenated groups (and each particle to the word after it)."""
    out = list(words)
    for group in groups:
        k = len(group)
        for i in range(len(out) - k + 1):
            if tuple(out[i:i + k]) == group:
                out[i:i + k] = ["".join(group)]
                break
    if particles:
        merged: list[str] = []
        carry = ""
        for word in out:
            if word in NAME_PARTICLES:
                carry += word
                continue
            merged.append(carry + word)
            carry = ""
        if carry:
            merged.append(carry)
        out = merged
    return " ".join(out)


_HYPHENATED = re.compile(r"(?<![\w'’ʼ])[\w'’ʼ]++(?:[\-\u2010\u2011][\w'’ʼ]++)+")


@memo(65_536)
def name_variants(text: str) -> list[str]:
    """The normalised full-name strings to compare for one person name, most literal first:
    the name as written; given and family swapped when the order is known (comma, ALL-CAPS
    family, patronymic ...); and for non-Korean names the same with hyphenated words and
    particles joined to the next word (``al-Hassan`` -> ``al hassan`` and ``alhassan``,
    ``Abdul Aziz`` -> ``abdulaziz``). Korean names keep their syllables apart here: joining
    given-name syllables is the Korean module's job.
    """
    base = normalize(text)
    if not base:
        return []
    person = parse_person_name(text)
    orders: list[tuple[str, ...]] = [tuple(base.split())]
    if person.order != "unknown" and person.given and person.family:
        orders.append(person.given + person.family)
        orders.append(person.family + person.given)
    variants: list[str] = [" ".join(words) for words in orders]
    if not _looks_korean(text):
        groups = [tuple(normalize(m.group()).split()) for m in _HYPHENATED.finditer(text)]
        groups = [g for g in groups if len(g) > 1]
        for words in orders:
            variants.append(_joined(words, groups, particles=True))
    seen: set[str] = set()
    return [v for v in variants if v and not (v in seen or seen.add(v))]
