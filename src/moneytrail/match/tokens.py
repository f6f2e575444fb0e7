"""One name token against another: the keys that find similar tokens, and their similarity.

Both the index (to bound a candidate's score before scoring it) and the scorer (to align name
tokens) use :func:`token_sim`, and the similarity is **gated by the keys**: two tokens that share
none of :func:`token_keys` (same token, same first three or last three letters, one deletion
from each giving one string, same phonetic code, a nickname of one name, both ``bin``/``ibn``,
both an article) and are not an initial and a word starting with it have similarity 0. That
gate is what lets the index find, through the keys alone, every list token the scorer could
align with a query token, so a score bound computed from the keys is a true upper bound.

Written here rather than taken from a library: the similarity is rapidfuzz's (Jaro-Winkler,
edit distances), but the gate, the typo and nickname rules and the phonetic code
(:func:`moneytrail.names.text.phonetic_key`) are tuned for transliterated names.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files

from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.fuzz import ratio

from moneytrail.names import text
from moneytrail.names.memo import memo

TOKEN_FLOOR = 0.80  # token pairs less similar than this count as not matched
INITIAL_SIM = 0.90  # an initial against a word it may stand for (V. / Vladimir)
NICKNAME_SIM = 0.90  # a short form against its full name (Ted / Theodore)
# Without equality, an initial, a shared phonetic code or a single typo, token_sim reaches the
# floor only when Jaro-Winkler (or the edit ratio, for short tokens) is at least this.
AFFIX_CUTOFF = 0.90
AFFIX_EDITS = 2  # ... or the two are at most this many edits apart (see token_sim)
TWO_TYPOS_SIM = 0.80
WEAK_SIM = 0.85  # a pair below this is a weak match: a name may hold one (score.aligned_tokens)
_AFFIX = 3
_TYPO_MIN = 4  # shortest token (both sides) where one typo is forgiven


@memo(None)
def _nicknames() -> dict[str, frozenset[str]]:
    """Each name and short form -> the full names it stands for (data/nicknames.tsv)."""
    found: dict[str, set[str]] = {}
    raw = files("moneytrail").joinpath("data/nicknames.tsv").read_text("utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        full, *short = line.split("\t")
        for name in (full, *short):
            found.setdefault(name, set()).add(full)
    return {k: frozenset(v) for k, v in found.items()}


def nickname_of(a: str, b: str) -> bool:
    """Whether one token is a short form of the other (Ted/Theodore, Bibi/Benjamin), or both
    short forms of one name (Ted/Teddy)."""
    fulls = _nicknames()
    return not fulls.get(a, frozenset()).isdisjoint(fulls.get(b, frozenset()))


@memo(1 << 17)
def token_keys(token: str) -> frozenset[str]:
    """The keys of one token: itself, its first and last three letters, its phonetic code, the
    full names it may be short for (``n:``), and (from three letters) the token with one letter
    deleted, so two tokens one typo apart (``putin``/``pulin``, ``vucic``/``vukic``,
    ``nvidia``/``invidia``) always share a key."""
    keys = {"t:" + token}
    if token.isdigit():
        return frozenset(keys)
    if len(token) > _AFFIX:
        keys.add("b:" + token[:_AFFIX])
        keys.add("e:" + token[-_AFFIX:])
    if len(token) >= 3:
        keys.add("d:" + token)
        keys.update("d:" + token[:i] + token[i + 1:] for i in range(len(token)))
    code = text.phonetic_key(token)
    if code:
        keys.add("p:" + code)
    keys.update("n:" + full for full in _nicknames().get(token, ()))
    if token in LINKS:
        keys.add("n:bin")
    if token in ARTICLES:
        keys.add("n:al")
    return frozenset(keys)


LINKS = frozenset({"bin", "ibn", "ben", "bint", "binti"})  # "son/daughter of": one word
ARTICLES = frozenset({"al", "el", "ul"})  # the Arabic article: one word


def derived_name(a: str, b: str) -> bool:
    """Whether the longer token is the shorter one (less its last letter) with three letters
    or more added: a patronymic (Vladimir / Vladimirovich, in any transliteration: -ovici,
    -owitsch, -ovics ...) or a diminutive (Ronaldo / Ronaldinho); or the shorter one with the
    Spanish patronymic ``-ez`` (Martin / Martinez, Fernando / Fernandez, Sancho / Sanchez):
    another name, not a typo."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 4:
        return False
    if len(long_) - len(short) >= 3 and long_.startswith(short[:-1]):
        return True
    # (not where one letter added makes it: Juare / Juarez is a name cut short)
    return long_.endswith("ez") and (long_[:-2] == short or
                                     long_[:-2] == short[:-1] and short[-1] != "e")


def is_initial(token: str) -> bool:
    return len(token) == 1 and not token.isdigit()


_MASK_BITS = 4096


@memo(1 << 17)
def words_mask(words: tuple[str, ...]) -> int:
    """The keys of a name's words (initials aside) hashed into a 4,096-bit mask: names whose
    masks share no bit have no two words sharing a key, so no two words token_sim scores
    above 0 (a fast test for the many pairs of unrelated names)."""
    bits = bytearray(_MASK_BITS // 8)
    for word in words:
        if not is_initial(word):
            for key in token_keys(word):
                h = hash(key) & (_MASK_BITS - 1)
                bits[h >> 3] |= 1 << (h & 7)
    return int.from_bytes(bits, "little")


# A word of one name that the other lacks costs this times its share of the name when both
# names keep such a word (see moneytrail.match.score.aligned_tokens).
CONFLICT_WEIGHT = 1.0
# A title and one word (``President Erdogan``, ``Minister Lavrov``) is how a person is named by
# surname: when that word is the first or last word of a list name (the surname, in either
# order) and is rare on the lists (the name of at most TITLED_RARE listed entities; a typo of a
# common name, ``Dr. Aomed``, is not), the pair scores at least TITLED_SURNAME. Without the
# title a single word stays weak evidence against a longer name (``WALIJAN`` / ``WALIJAN ABDUL
# GHAFOOR HAQQANI``), and a common surname (``Dr. Kim``) names no one in particular (see
# moneytrail.match.score.name_similarity).
TITLED_SURNAME = 0.85
TITLED_RARE = 5
TITLED_SIM = 0.9  # the query's word is the list's surname, a typo allowed


def titled_rare(word: str, token_df: Mapping[str, int]) -> bool:
    """Whether ``word`` may be a surname for the title rule: not an initial, and the name of at
    most TITLED_RARE listed entities. The scorer (``score._titled_surname``) and the index's
    bound (``Index._titled_names``) both ask this of the query's word and of the list's."""
    return not is_initial(word) and token_df.get(word, 0) <= TITLED_RARE


PATRONYMIC_LINKS = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould", "walad"})


def is_filler(token: str) -> bool:
    """An initial, a patronymic link or an article: left unaligned, it is no conflict."""
    return is_initial(token) or token in PATRONYMIC_LINKS or token in ARTICLES


@memo(1 << 18)  # ~60 MB at most; the list vocabulary repeats across queries
def token_sim(a: str, b: str) -> float:
    """Similarity of two normalised tokens in [0, 1] (see the module doc for the key gate)."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0  # numbers (vessel numbers, years) agree exactly or not at all
    if is_initial(a) or is_initial(b):
        # an initial stands for any name with that first letter (V. Putin, J.-C. Juncker)
        return INITIAL_SIM if a[0] == b[0] and len(a) != len(b) else 0.0
    if token_keys(a).isdisjoint(token_keys(b)):
        return 0.0
    if nickname_of(a, b):
        return NICKNAME_SIM
    if (a in LINKS and b in LINKS) or (a in ARTICLES and b in ARTICLES):
        return 1.0  # bin = ibn = ben (son of); al = el = ul (the Arabic article)
    if derived_name(a, b):
        return 0.0  # Oleksandr is not Oleksandrovych (his father's name), Ronaldo not Ronaldinho
    if min(len(a), len(b)) <= 4:
        # Jaro-Winkler is generous on short tokens (hoe/choe 0.92); count edits instead
        sim = ratio(a, b) / 100.0
    else:
        sim = JaroWinkler.normalized_similarity(a, b)
    # (words that sound alike; not a word of letters against one with digits, nor one against
    # a word more than twice as long: AAAAAAAA / AAJ, GGGGGGGG / CK share a key and nothing else)
    if sim < 0.9 and a.isalpha() and b.isalpha() and \
            max(len(a), len(b)) <= 2 * min(len(a), len(b)) and \
            text.phonetic_key(a) and text.phonetic_key(a) == text.phonetic_key(b):
        sim = max(sim, 0.9)
    # Below 0.95 a pair is more likely two different words than a typo: fall off twice as fast
    # (lazarus/lazurnaya 0.87 -> 0.71, one typo in eight letters 0.96 stays) ...
    sim = sim if sim >= 0.95 else max(0.0, sim - 2 * (0.95 - sim))
    # ... unless it is one typo (an edit or a swap of neighbours) in a word of 4+ letters,
    # where Jaro-Winkler is harsh on an early letter (putin/pulin, messi/bessi); in a word of
    # three letters one changed letter is a weak match (Tim / Tom, Hai / Wai).
    if len(a) == len(b) == 3 and sum(x != y for x, y in zip(a, b)) == 1:
        return max(sim, TWO_TYPOS_SIM)
    if min(len(a), len(b)) >= _TYPO_MIN and sim < 0.95:
        edits = OSA.distance(a, b, score_cutoff=2)
        if edits <= 1:
            sim = max(sim, 1.0 - 0.5 / max(len(a), len(b)))
        elif edits == 2:
            # two typos: still the same word more often than not in a name whose other words
            # agree (Merkur / Merkel, Sechev / Sechin); counted at the floor, never more
            sim = max(sim, TWO_TYPOS_SIM)
    return sim
