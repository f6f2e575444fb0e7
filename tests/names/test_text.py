"""Tests of moneytrail.names.text: scripts, transliteration, the normaliser, phonetic keys and
person-name parsing, on literal cases and on the shared real data in ../shared/data/names."""

from __future__ import annotations

import csv
import re
import statistics
from pathlib import Path

import pytest
from anyascii import anyascii
from rapidfuzz import fuzz

from moneytrail.names.text import (
    APOSTROPHES,
    NAME_PARTICLES,
    PersonName,
    detect_script,
    name_variants,
    normalize,
    parse_person_name,
    phonetic_key,
    scripts_in,
    strip_marks,
    to_latin,
    tokens,
)

NORMALIZED = re.compile(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?")


@pytest.fixture(scope="module")
def putin_lines(data_dir: Path) -> list[str]:
    path = data_dir / "names" / "one_name_many_scripts.txt"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    assert len(lines) == 81
    return lines


@pytest.fixture(scope="module")
def labelled_pairs(data_dir: Path) -> list[dict[str, str]]:
    path = data_dir / "names" / "name_pairs_labelled.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 826
    return rows


# --- detect_script / scripts_in -------------------------------------------------------------

@pytest.mark.parametrize(("text", "script"), [
    ("Vladimir Putin", "Latn"),
    ("CH'OE Ryong-hae", "Latn"),
    ("Влади́мир Влади́мирович ПУ́ТИН", "Cyrl"),
    ("Путін Володимир Володимирович", "Cyrl"),
    ("Βλαντίμιρ Πούτιν", "Grek"),
    ("فلاديمير بوتين", "Arab"),
    ("ولادیمیر پوٹن", "Arab"),
    ("ולדימיר פוטין", "Hebr"),
    ("ウラジーミル・プーチン", "Kana"),
    ("さとう", "Kana"),
    ("弗拉基米尔·普京", "Hani"),
    ("블라디미르 푸틴", "Hang"),
    ("Վլադիմիր Պուտին", "Armn"),
    ("ვლადიმერ პუტინი", "Geor"),
    ("व्लादिमीर पुतिन", "Deva"),
    ("ভ্লাদিমির পুতিন", "Beng"),
    ("ವ್ಲಾದಿಮಿರ್ ಪುತಿನ್", "Knda"),
    ("ဗလာဒီမီယာ ပူတင်", "Mymr"),
    ("វ៉្លាឌីមៀរ ពូទីន", "Khmr"),
    ("วชิราลงกรณ", "Thai"),
    ("ዐቢይ አሕመድ", "Ethi"),
    ("高市さなえ", "Jpan"),      # Han with kana
    ("金正恩 김정은", "Kore"),     # Han with Hangul
    ("Putin Путин Владимир", "Cyrl"),  # the majority wins
    ("ＰＵＴＩＮ", "Latn"),       # fullwidth Latin is Latin
    ("", "Zyyy"),
    ("123 - !? ʼ", "Zyyy"),     # digits, punctuation and a modifier apostrophe are no letters
])
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_detect_script_every_line_of_the_many_scripts_file(putin_lines: list[str]) -> None:
    found = {line: detect_script(line) for line in putin_lines}
    assert "Zyyy" not in found.values()
    assert "Zzzz" not in found.values()  # every script of the file has its ISO code
    assert found["Vladimir Putin"] == "Latn"
    assert found["ПУТИН владимир владимирович"] == "Cyrl"
    assert found["ولادیمیر پوتین"] == "Arab"
    assert found["弗拉基米尔·普京"] == "Hani"
    assert found["블라디미르 블라디미로비치 푸틴"] == "Hang"
    assert found["ウラジーミル・プーチン"] == "Kana"
    # 15 scripts in the file, Latin the most frequent
    assert set(found.values()) == {"Latn", "Cyrl", "Arab", "Hebr", "Grek", "Armn", "Geor",
                                   "Deva", "Beng", "Knda", "Mymr", "Khmr", "Kana", "Hani",
                                   "Hang"}
    assert sum(s == "Latn" for s in found.values()) == 42
    assert sum(s == "Cyrl" for s in found.values()) == 17


def test_scripts_in() -> None:
    assert scripts_in("Putin Путин") == {"Latn", "Cyrl"}
    assert scripts_in("CH'OE, 7") == {"Latn"}
    assert scripts_in("高市さなえ") == {"Hani", "Kana"}
    assert scripts_in("金正恩 김정은") == {"Hani", "Hang"}
    assert scripts_in("12 -- ") == set()


# --- strip_marks ----------------------------------------------------------------------------

@pytest.mark.parametrize("apostrophe", sorted(APOSTROPHES))
def test_strip_marks_removes_every_apostrophe_without_a_space(apostrophe: str) -> None:
    assert strip_marks(f"CH{apostrophe}OE") == "CHOE"
    assert normalize(f"U{apostrophe}n-so{apostrophe}ng") == "un song"


def test_the_brief_apostrophe_forms_are_all_covered() -> None:
    assert set("'’‘ʼ`´ʻʹ′") <= APOSTROPHES


@pytest.mark.parametrize(("text", "stripped"), [
    ("CH'OE", "CHOE"),
    ("U'n", "Un"),
    ("Myo'ng", "Myong"),
    ("Chʼŏng", "Chong"),
    ("Kim Chʼŏr-wŏn", "Kim Chor-won"),       # the hyphen stays: strip_marks is not normalize
    ("Chǒng Yunhǔi", "Chong Yunhui"),
    ("Müller", "Muller"),
    ("Erdoğan", "Erdogan"),
    ("Vladímír Pútín", "Vladimir Putin"),
    ("e\u0301", "e"),                        # decomposed input, NFC output
    ("U´n", "Un"),                           # spacing acute: no "U n"
    ("Влади́мир ПУ́ТИН", "Владимир ПУТИН"),    # Cyrillic stress accents go ...
    ("Сергей Ёлкин Її", "Сергей Ёлкин Її"),  # ... but й ё ї stay letters
    ("ガ", "ガ"),                            # kana voicing is part of the letter
    ("व्लादिमीर", "व्लादिमीर"),                    # Indic vowel signs and virama stay
    ("Κυριάκος", "Κυριακος"),
])
def test_strip_marks(text: str, stripped: str) -> None:
    assert strip_marks(text) == stripped


# --- normalize / tokens ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "norm"), [
    ("KIM, Jong-Un", "kim jong un"),
    ("CH'OE Ryong-hae", "choe ryong hae"),
    ("U'n-so'ng", "un song"),
    ("CH’OE Myo’ng-ho", "choe myong ho"),
    ("Kim Chʼŏr-wŏn", "kim chor won"),
    ("Müller", "muller"),
    ("Владимир Путин", "vladimir putin"),
    ("ПУ́ТИН Влади́мир", "putin vladimir"),
    ("J.-C. Juncker", "j c juncker"),
    ("'Abd al-Aziz al-Nuristani", "abd al aziz al nuristani"),
    ("Mohammed Shia' al-Sudani", "mohammed shia al sudani"),
    ("O'Brien", "obrien"),
    ("  Frost,   William W.  ", "frost william w"),
    ("Ig0r Sech1n", "ig0r sech1n"),
    ("SEA STAR ٧", "sea star 7"),            # Arabic-Indic digit
    ("Straße Łódź Ørsted", "strasse lodz orsted"),
    ("Đorđe", "djordje"),
    ("مسعود پزشک\u200cفر", "msaud pzshkfr"),  # the zero-width non-joiner joins
    ("ＰＵＴＩＮ", "putin"),
    ("O Un Do Ri Yi An In", "o un do ri yi an in"),  # nothing dropped for being short
    ("", ""),
    ("-- , .", ""),
])
def test_normalize(text: str, norm: str) -> None:
    assert normalize(text) == norm


def test_tokens_keep_digits_and_short_syllables() -> None:
    assert tokens("SEA STAR 7") == ["sea", "star", "7"]
    assert tokens("Kim Jong-un") == ["kim", "jong", "un"]
    assert tokens("RI Yong Do") == ["ri", "yong", "do"]
    assert tokens("") == []


def test_normalize_is_ascii_words_for_every_real_name(putin_lines: list[str],
                                                      labelled_pairs: list[dict[str, str]]) -> None:
    names = putin_lines + [r[k] for r in labelled_pairs for k in ("name1", "name2")]
    bad = [n for n in names if not NORMALIZED.fullmatch(normalize(n))]
    assert bad == []
    # every name with a letter keeps some letter (no script is silently dropped)
    empty = [n for n in names if scripts_in(n) and not re.search(r"[a-z]", normalize(n))]
    assert empty == []


def test_normalize_is_memoised() -> None:
    normalize.cache_clear()
    normalize("Vladimir Putin")
    normalize("Vladimir Putin")
    assert normalize.cache_info().hits >= 1
    assert phonetic_key.cache_info().maxsize >= 100_000


def test_many_scripts_normalise_close_to_the_latin_form(putin_lines: list[str]) -> None:
    """token_sort_ratio of each line against the Latin form (with and without patronymic).

    Measured: 81 lines, mean 82.5, median 89.7; the 39 non-Latin lines mean 80.3, median 86.7.
    What stays low and why:
    - "Presidente/Präsident/Президент Putin", "Putyin elnök" (31-38): titles, not a
      transliteration problem (normalize removes no titles, by design);
    - Hangul (42, 55): the anyascii fallback (``beulladimileu``); Korean readings belong to the
      Korean module;
    - Chinese (45): the Mandarin reading of a transliterated name (``fulajimier pujing``);
    - Devanagari/Bengali ``bhladimir`` and Myanmar (43-48): token_sort sorts "bhladimir" before
      "putin" but "putin" before "vladimir", so one letter of difference reorders the tokens;
    - "В. В. Путин" (61): initials;
    - Japanese (67): katakana ``urajimiru puchin``;
    - Arabic (77-93): consonantal, vowels missing (``fladmir butn``);
    - Ukrainian and Belarusian (72-87): correctly ``volodymyr``, ``uladzimir putsin``.
    """
    refs = [normalize("Vladimir Putin"), normalize("Vladimir Vladimirovich Putin")]
    scores = {line: max(fuzz.token_sort_ratio(normalize(line), ref) for ref in refs)
              for line in putin_lines}
    values = list(scores.values())
    assert statistics.mean(values) >= 82
    assert statistics.median(values) >= 89
    other = [score for line, score in scores.items() if detect_script(line) != "Latn"]
    assert len(other) == 39
    assert statistics.mean(other) >= 80
    assert statistics.median(other) >= 86
    # every Cyrillic line without initials or a title is exact, accents, case and order aside
    for line in putin_lines:
        if detect_script(line) == "Cyrl" and "." not in line and "Президент" not in line \
                and not any(c in line for c in "іІўЎ"):
            assert scores[line] == 100, line
    by_script: dict[str, list[float]] = {}
    for line, score in scores.items():
        by_script.setdefault(detect_script(line), []).append(score)
    assert min(by_script["Arab"]) >= 75
    assert statistics.mean(by_script["Arab"]) >= 83
    for script in ("Grek", "Hebr", "Armn", "Geor", "Khmr"):
        assert min(by_script[script]) >= 80, script
    assert scores["ולדימיר פוטין"] >= 88
    assert scores["ウラジーミル・プーチン"] >= 66


def test_cross_script_labelled_matches_share_tokens(labelled_pairs: list[dict[str, str]]) -> None:
    """True person pairs written in two different scripts: after normalisation their tokens
    should mostly agree phonetically. Measured: 11 pairs, mean share of the shorter name's
    phonetic keys found in the other 0.73; misses are Chinese (beilake aobama), Khmer (bol pt)
    and the typo Serej/Sergey."""
    rows = [r for r in labelled_pairs if r["is_match"] == "true" and r["schema"] == "Person"
            and detect_script(r["name1"]) != detect_script(r["name2"])]
    assert len(rows) >= 10
    overlaps = []
    for row in rows:
        a = {phonetic_key(t) for t in tokens(row["name1"])}
        b = {phonetic_key(t) for t in tokens(row["name2"])}
        overlaps.append(len(a & b) / min(len(a), len(b)))
    assert len(rows) == 11
    assert statistics.mean(overlaps) >= 0.7
    # and a different person in another script shares nothing
    assert not {phonetic_key(t) for t in tokens("Фуад Гулієв")} & {
        phonetic_key(t) for t in tokens("Vita Klave")}


# --- to_latin -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "latin"), [
    # Russian: the letters the brief names
    ("Шойгу", "Shoygu"),
    ("ШОЙГУ", "SHOYGU"),                  # all caps stays all caps, digraphs included
    ("Хрущёв", "Khrushchyov"),
    ("Цой", "Tsoy"),
    ("Жириновский", "Zhirinovskiy"),
    ("Юлия Ярошенко", "Yuliya Yaroshenko"),
    ("Объедков Ульяна", "Obedkov Ulyana"),  # ъ and ь dropped
    ("Чемезов", "Chemezov"),
    ("Глеб", "Gleb"),
    # Ukrainian: by its letters or by its -ський surnames and name forms
    ("Гліб", "Hlib"),
    ("Путін Володимир", "Putin Volodymyr"),
    ("Володимир Зеленський", "Volodymyr Zelenskyy"),
    ("Олександр", "Oleksandr"),
    ("Їжакевич Євген Ґудзь", "Yizhakevych Yevhen Gudz"),
    # Belarusian, Serbian, Kazakh, Mongolian
    ("Ўладзімір Лукашэнка", "Uladzimir Lukashenka"),
    ("Александар Вучић Ђорђе", "Aleksandar Vuchic Djordje"),
    ("Қасым-Жомарт Тоқаев", "Kasym-Zhomart Tokaev"),
    ("Хүрэлсүх", "Khurelsukh"),
    # Greek
    ("Κυριάκος Μητσοτάκης", "Kyriakos Mitsotakis"),
    ("Ντόρα Μπακογιάννη", "Dora Bakogianni"),
    ("Πούτιν", "Poutin"),
    # Arabic, Persian, Urdu
    ("فلاديمير بوتين", "fladimir butin"),
    ("ولادیمیر پوتین", "wladimir putin"),
    ("عبد الفتاح السيسي", "abd al-ftah al-sisi"),
    ("محمد بن سلمان", "muhammad bin slman"),
    ("مسعود", "msaud"),
    ("أوباما", "ubama"),
    ("علی", "ali"),
    # Hebrew
    ("ולדימיר פוטין", "vldimir potin"),
    ("בנימין נתניהו", "bnimin ntniho"),
    ("ג׳ורג׳", "jorj"),
    # kana (Hepburn)
    ("ウラジーミル・プーチン", "urajimiru puchin"),
    ("バラク・オバマ", "baraku obama"),
    ("さとう", "satou"),
    ("ホッカイドウ マッチ ティ ファ ヴァ", "hokkaidou matchi ti fa va"),
    # Chinese
    ("习近平", "Xi Jinping"),
    ("毛泽东", "Mao Zedong"),
    ("欧阳娜娜", "Ouyang Nana"),
    ("曾国藩", "Zeng Guofan"),            # the surname reading, not "ceng"
    ("吕布", "Lu Bu"),                    # ü without its dots
    ("弗拉基米尔·普京", "Fulajimier Pujing"),  # a foreign name: joined per word
    ("高市さなえ", "Gaoshi sanae"),          # Han next to kana: a Japanese word, joined
    # Latin passes through, accents included
    ("Müller, Jean-Marie", "Müller, Jean-Marie"),
    ("CH'OE", "CH'OE"),
])
def test_to_latin(text: str, latin: str) -> None:
    assert to_latin(text) == latin


def test_to_latin_arabic_is_consonantal() -> None:
    # outside the small table of frequent words, vowels are only those written as letters
    assert to_latin("محمد") == "muhammad"               # table
    assert to_latin("محمدي") == "mhmdi"                 # not in the table: the skeleton
    assert phonetic_key(to_latin("محمدي").rstrip("i")) == phonetic_key("Mohammed")


def test_to_latin_lang() -> None:
    assert to_latin("金正恩") == "Jin Zhengen"
    assert to_latin("金正恩", lang="ko") == "金正恩"           # Hanja left for the Korean module
    assert to_latin("金正恩 Kim", lang="ko") == "金正恩 Kim"
    assert to_latin("Владимир", lang="uk") == "Vladymyr"
    assert to_latin("Щит", lang="bg") == "Shtit"
    assert to_latin("Щит") == "Shchit"


@pytest.mark.parametrize(("text", "latin"), [
    ("Vladimir Рutin", "Vladimir Putin"),          # Cyrillic Р in a Latin word
    ("Пyтин", "Putin"),             # Latin y in a Cyrillic word
    ("ΡUΤΙΝ", "PUTIN"),             # Greek capitals spoofing Latin
    ("Ѕеrgеу", "Sergey"),
    ("Pаk Jоng Un", "Pak Jong Un"),
    ("Шoйгу", "Shoygu"),            # Latin o in a Cyrillic word
    ("Путин Putin", "Putin Putin"),                     # separate words are left alone
])
def test_to_latin_reads_lookalike_letters_in_mixed_words(text: str, latin: str) -> None:
    assert to_latin(text) == latin


def test_to_latin_separates_han_and_kana_from_other_scripts() -> None:
    assert to_latin("Kim金正恩") == "Kim Jin Zhengen"
    assert normalize("高市さなえ") == "gaoshi sanae"


def test_hangul_gets_only_the_plain_fallback() -> None:
    assert to_latin("김정은") == anyascii("김정은")
    assert normalize("김정은") == "gimjeongeun"


# --- phonetic_key ---------------------------------------------------------------------------

@pytest.mark.parametrize("variants", [
    ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad", "mhmd"],
    ["Yusuf", "Yousef", "Youssef", "Yousif", "Yusef"],
    ["Aleksandr", "Alexander", "Alexandr", "Aleksander", "Oleksandr"],
    ["Abdel", "Abdul", "Abdal", "Abdoul"],
    ["Abdullah", "Abdulla"],
    ["Osama", "Usama", "Oussama"],
    ["Omar", "Umar"],
    ["Ali", "Aly", "Alí"],
    ["Ahmed", "Ahmad", "Ahmet"],
    ["Mahmoud", "Mahmood", "Mahmud"],
    ["Hussein", "Husayn", "Husein"],
    ["Qaddafi", "Gaddafi", "Qadhafi", "Kadafi"],
    ["Vladimir", "Wladimir", "Władimir"],
    ["Putin", "Poutine", "Poetin"],
    ["Sergei", "Sergey", "Sergej"],
    ["Zelensky", "Zelenskyy", "Selenskyj", "Zelenskiy"],
    ["Vladimirovich", "Vladimirovitch", "Vladimirowitsch", "Vladimirovitsj"],
    ["Scholz", "Scholze", "Schulze"],
    ["Zhukov", "Jukov"],
    ["Nooristani", "Nuristani"],
    ["Ladin", "Laden"],
    ["John", "Jon", "Juan"],
    # Korean spellings that are one syllable
    ["Song", "Sung", "Seong"],
    ["Chol", "Cheol", "Chul"],
    ["Choe", "Choi"],
    ["Kim", "Gim"],
    ["Un", "On", "Eun"],
    ["Lee", "Li"],
    ["Kyong", "Gyeong"],
])
def test_phonetic_key_merges_variants(variants: list[str]) -> None:
    keys = {phonetic_key(v) for v in variants}
    assert len(keys) == 1, {v: phonetic_key(v) for v in variants}
    assert keys != {""}


@pytest.mark.parametrize(("a", "b"), [
    ("Ali", "Alan"),
    ("Ali", "Eli"),
    ("Omar", "Amr"),
    ("Olga", "Oleg"),
    ("Aleksandra", "Aleksandr"),
    ("Barynova", "Baranov"),
    ("Friedrich", "Frederick"),
    ("Putin", "Patrushev"),
    ("Mohammed", "Mahmoud"),
    ("Hasan", "Hashim"),
    ("Ivan", "Ivanov"),
    ("Vladimir", "Vladislav"),
    # Korean syllables that must stay apart
    ("un", "an"),
    ("un", "in"),
    ("an", "in"),
    ("Song", "Sang"),
    ("Kim", "Kam"),
    ("Chol", "Chil"),
    ("Ri", "Yi"),
    ("O", "A"),
])
def test_phonetic_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert phonetic_key(a) != phonetic_key(b)


def test_phonetic_key_literal_codes() -> None:
    assert phonetic_key("Mohammed") == "MHMT"
    assert phonetic_key("Yusuf") == "YSF"
    assert phonetic_key("Aleksandr") == "ALKSNTR"
    assert phonetic_key("Abdul") == "APTL"
    assert phonetic_key("Ali") == "ALI"
    assert phonetic_key("Alan") == "ALN"
    assert phonetic_key("un") == "ON"
    assert phonetic_key("MÜLLER") == phonetic_key("muller") == "MLR"
    assert phonetic_key("7") == ""
    assert phonetic_key("") == ""


# --- parse_person_name ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "given", "family", "order"), [
    # OFAC: SURNAME, Given Names
    ("PUTIN, Vladimir Vladimirovich", ("vladimir", "vladimirovich"), ("putin",), "family_first"),
    ("KIM, Jong Un", ("jong", "un"), ("kim",), "family_first"),
    ("CH'OE, Ryong-hae", ("ryong", "hae"), ("choe",), "family_first"),
    ("AL BEN ALI, Isa Ben Tarif", ("isa", "ben", "tarif"), ("al", "ben", "ali"), "family_first"),
    ("Путин, Владимир", ("vladimir",), ("putin",), "family_first"),
    # UN: all caps, no comma -> the order is unknown (western reading in the fields)
    ("KIM JONG UN", ("kim", "jong"), ("un",), "unknown"),
    ("RI PYONG CHOL", ("ri", "pyong"), ("chol",), "unknown"),
    # western order
    ("Vladimir Putin", ("vladimir",), ("putin",), "unknown"),
    ("Vladimir Vladimirovich Putin", ("vladimir", "vladimirovich"), ("putin",), "given_first"),
    ("Putin Vladimir Vladimirovich", ("vladimir", "vladimirovich"), ("putin",), "family_first"),
    # an ALL-CAPS token among mixed-case ones is the family name
    ("Vladimir Vladimirovich PUTIN", ("vladimir", "vladimirovich"), ("putin",), "given_first"),
    ("PUTIN vladimir vladimirovich", ("vladimir", "vladimirovich"), ("putin",), "family_first"),
    ("ПУТИН владимир владимирович", ("vladimir", "vladimirovich"), ("putin",), "family_first"),
    ("CH'OE Ryong-hae", ("ryong", "hae"), ("choe",), "family_first"),
    ("Bashar al-ASSAD", ("bashar",), ("al", "assad"), "given_first"),
    ("Ludwig van BEETHOVEN", ("ludwig",), ("van", "beethoven"), "given_first"),
    # initials
    ("Putin V. V.", ("v", "v"), ("putin",), "family_first"),
    ("В. В. Путин", ("v", "v"), ("putin",), "given_first"),
    # East Asian scripts
    ("习近平", ("jinping",), ("xi",), "family_first"),
    ("弗拉基米尔·普京", ("fulajimier",), ("pujing",), "given_first"),
    ("バラク・オバマ", ("baraku",), ("obama",), "given_first"),
    # one word
    ("Madonna", (), ("madonna",), "unknown"),
])
def test_parse_person_name(text: str, given: tuple[str, ...], family: tuple[str, ...],
                           order: str) -> None:
    assert parse_person_name(text) == PersonName(given, family, order)


def test_parse_person_name_patronymic_guard() -> None:
    # two patronymic-looking words: the surname Abramovich makes the order undecidable
    assert parse_person_name("Roman Arkadyevich Abramovich").order == "unknown"
    # South Slavic -ović is a surname ending, not a patronymic
    assert parse_person_name("Ivo Josip Plenkovic").order == "unknown"


def test_person_name_readings() -> None:
    unknown = parse_person_name("KIM JONG UN")
    assert unknown.readings() == [(("kim", "jong"), ("un",)), (("jong", "un"), ("kim",))]
    known = parse_person_name("KIM, Jong Un")
    assert known.readings() == [(("jong", "un"), ("kim",))]


# --- name_variants --------------------------------------------------------------------------

def test_name_variants_swaps_a_known_order() -> None:
    assert name_variants("PUTIN, Vladimir") == ["putin vladimir", "vladimir putin"]
    assert name_variants("Vladimir Vladimirovich PUTIN") == [
        "vladimir vladimirovich putin", "putin vladimir vladimirovich"]
    assert name_variants("KIM, Jong Un") == ["kim jong un", "jong un kim"]


def test_name_variants_does_not_swap_an_unknown_order() -> None:
    assert name_variants("KIM JONG UN") == ["kim jong un"]
    assert name_variants("Vladimir Putin") == ["vladimir putin"]


def test_name_variants_joins_hyphens_and_particles() -> None:
    assert name_variants("al-Hassan") == ["al hassan", "alhassan"]
    assert name_variants("Bashar al-Assad") == ["bashar al assad", "bashar alassad"]
    assert name_variants("Abdul Aziz Nooristani") == ["abdul aziz nooristani",
                                                      "abdulaziz nooristani"]
    assert name_variants("Jean-Marie Le Pen") == ["jean marie le pen", "jeanmarie lepen"]
    assert name_variants("Bashar al-ASSAD") == [
        "bashar al assad", "al assad bashar", "bashar alassad", "alassad bashar"]


def test_name_variants_leave_korean_names_alone() -> None:
    # no hyphen join (the Korean module joins given-name syllables) ...
    assert name_variants("Kim Jong-un") == ["kim jong un"]
    assert name_variants("U'n-so'ng KIM") == ["un song kim", "kim un song"]
    # ... and no particle: "da" is a particle elsewhere but a syllable here
    assert "da" in NAME_PARTICLES
    assert name_variants("Kim Da Hye") == ["kim da hye"]
    assert name_variants("Maria Da Silva") == ["maria da silva", "maria dasilva"]


def test_real_dprk_names_get_no_joined_variants(lists_dir: Path) -> None:
    """Every Korean person of the DPRK programs on the 2024 SDN list: the name as written and
    the swap of ``SURNAME, Given`` only; hyphens and apostrophes inside MR syllables intact."""
    path = lists_dir / "ofac_sdn_2024-05-03" / "sdn.csv"
    with path.open(encoding="latin-1", newline="") as fh:
        rows = [r for r in csv.reader(fh) if len(r) > 3 and r[2].strip() == "individual"
                and "DPRK" in r[3]]
    korean_surnames = {"KIM", "RI", "PAK", "CHOE", "JONG", "CHONG", "KANG", "JANG", "CHANG",
                       "YUN", "HAN", "O", "SIN", "KWON", "HWANG", "AN", "SONG", "JON", "HONG",
                       "KO", "MUN", "PAE", "PAEK", "HYON", "RYU", "SON", "CHU", "JU", "KIL"}
    names = [r[1] for r in rows if r[1].split(",")[0].strip() in korean_surnames]
    assert len(names) >= 100
    for name in names:
        variants = name_variants(name)
        assert len(variants) == 2, (name, variants)
        family, given = (part.strip() for part in name.split(",", 1))
        assert variants[1] == normalize(f"{given} {family}")
    assert name_variants("KIM, Tong-Myo'ng") == ["kim tong myong", "tong myong kim"]


def test_particles_never_include_korean_syllables() -> None:
    assert not NAME_PARTICLES & {"un", "an", "in", "do", "o", "ri", "yi", "u", "i", "so", "ho"}


def test_name_variants_empty() -> None:
    assert name_variants("") == []
    assert name_variants(" - ") == []
