"""Listed names, vessel IMO numbers, BICs and wallet addresses mentioned in free text.

A payment's remittance information and instructions (MT fields 70 and 72), or a document's
lines, are not names: they are sentences that may hold one. Screening every run of words as a
name would cost a full query per run, a hundred per line. Instead each run of up to
:data:`MAX_WORDS` words is normalised as list names are (:func:`moneytrail.names.text.normalize`)
and looked up, joined, among the index's whole-name keys (``c:``: a name's words written
together; an organisation's name without its legal form; ``a:``: its acronym), one dictionary
lookup per run. What is found there is then scored as a name by the caller, which explains it.

Numbers and codes are looked up exactly among the index's identifier keys: seven-digit IMO
numbers (after ``IMO``, or bare with a valid check digit), BICs (eight or eleven characters in
capitals) and anything shaped like a wallet address (25 to 100 letters and digits).

Single words are where free text meets ordinary vocabulary ("GLORY", "September"), so a run of
one word counts only as a list name that is that one word (not the compact form of a longer
name: ``LIMITED LIABILITY COMPANY SEPTEMBER``) of at least :data:`MIN_SINGLE` letters, or as an
acronym of four letters or more written in capitals in the text (``KOMID``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moneytrail.match.index import Index
from moneytrail.match.prepare import PreparedName, id_key
from moneytrail.model import IdKind
from moneytrail.names.text import normalize

MAX_WORDS = 8  # the longest run of words looked up as one name
MIN_SINGLE = 6  # letters a one-word name needs to count in free text

# words as written: separated by spaces and by the punctuation that separates fields and
# codes in payment text ("/BNF/KIM JONG UN", "NAME:X;"), not by apostrophes or hyphens
# (CH'OE, Jong-un)
_SPAN = re.compile(r"[^\s/,;:()\[\]{}<>|\"]+")
_IMO = re.compile(r"\bIMO\W{0,3}(\d{7})\b", re.IGNORECASE)
_SEVEN = re.compile(r"(?<![\d.,])(\d{7})(?![\d.,]\d)")
_BIC = re.compile(r"\b([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b")
_WALLET = re.compile(r"\b([A-Za-z0-9]{25,100})\b")


@dataclass(frozen=True)
class Mention:
    """A listed entity named in a text: how (``name``, ``imo``, ``bic``, ``crypto``), the text
    as written and where (character offsets), and the index positions of the entities."""

    kind: str
    text: str
    start: int
    end: int
    positions: tuple[int, ...]


def imo_valid(digits: str) -> bool:
    """Whether seven digits carry a valid IMO check digit (the last digit is the sum of the
    first six weighted 7 down to 2, modulo 10)."""
    if len(digits) != 7 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1)))
    return total % 10 == int(digits[6])


def scan(index: Index, text: str) -> list[Mention]:
    """Every mention in ``text`` of an entity of ``index``, in the order of the text; a run
    of words inside a longer run that names an entity is not reported again."""
    found: list[Mention] = []
    found += _names(index, text)
    found += _identifiers(index, text)
    found.sort(key=lambda m: (m.start, -m.end))
    return found


def _names(index: Index, text: str) -> list[Mention]:
    # each span normalised on its own, so that a run of words maps back to the characters it
    # came from (a span may give several words: "JONG-UN")
    words: list[tuple[str, int, int, bool]] = []  # (word, start, end, written in capitals)
    for span in _SPAN.finditer(text):
        raw = span.group()
        capitals = raw.isupper()
        for word in normalize(raw).split():
            words.append((word, span.start(), span.end(), capitals))
    out: list[Mention] = []
    covered_to = -1  # words up to here belong to a longer mention already reported
    name_keys, name_entity = index.name_keys, index.name_entity
    for i in range(len(words)):
        for size in range(min(MAX_WORDS, len(words) - i), 0, -1):
            if i + size - 1 <= covered_to:
                break
            joined = "".join(w for w, _, _, _ in words[i:i + size])
            names: tuple[int, ...] = ()
            if size > 1:
                names = name_keys.get("c:" + joined, ())
            elif len(joined) >= MIN_SINGLE and not joined.isdigit():
                names = tuple(n for n in name_keys.get("c:" + joined, ())
                              if len(_name(index, n).tokens) == 1)
            if size == 1 and len(joined) >= 4 and words[i][3]:
                names = names + name_keys.get("a:" + joined, ()) + name_keys.get("w:" + joined, ())
            if not names:
                continue
            positions = tuple(sorted({int(name_entity[n]) for n in names}))
            start, end = words[i][1], words[i + size - 1][2]
            out.append(Mention("name", text[start:end], start, end, positions))
            covered_to = i + size - 1
            break
    return out


def _name(index: Index, n: int) -> PreparedName:
    """The index's ``n``-th list name (from its entity: a service's index keeps no flat list)."""
    entity = int(index.name_entity[n])
    return index.entities[entity].names[n - int(index.first_name[entity])]


def _identifiers(index: Index, text: str) -> list[Mention]:
    out: list[Mention] = []
    ids = index.id_postings
    seen: set[tuple[int, int]] = set()

    def add(kind: str, key: str, match: re.Match[str]) -> None:
        held = ids.get(key)
        where = (match.start(1), match.end(1))
        if held and where not in seen:
            seen.add(where)
            out.append(Mention(kind, match.group(1), *where, tuple(sorted(set(held)))))

    for match in _IMO.finditer(text):
        add("imo", id_key(IdKind.IMO, match.group(1)), match)
    for match in _SEVEN.finditer(text):
        if imo_valid(match.group(1)):
            add("imo", id_key(IdKind.IMO, match.group(1)), match)
    for match in _BIC.finditer(text):
        add("bic", id_key(IdKind.BIC, match.group(1)), match)
    for match in _WALLET.finditer(text):
        if not match.group(1).isdigit():
            add("crypto", id_key(IdKind.CRYPTO, match.group(1)), match)
    return out
