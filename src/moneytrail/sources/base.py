"""What every parser shares: the error it raises, the format descriptor, DPRK classification.

A parser module (``ofac_csv.py``, ``un_xml.py``, ...) exposes one :class:`Format` named
``FORMAT``. The registry in :mod:`moneytrail.sources` asks each format in turn whether it
recognises a file by its content (``sniff``), then parses it. Parsers do no I/O beyond reading
the files they are given, and know nothing of the store or the matcher.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from moneytrail.countries import is_north_korea
from moneytrail.model import Entity


class SourceError(Exception):
    """A file could not be read as the format it claims to be.

    The message always names the file and, where known, the line or XML element, so an operator
    can open the file at the right place.
    """

    def __init__(self, path: Path | str, message: str, *, line: int | None = None,
                 element: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.element = element
        self.reason = message
        where = self.path
        if line is not None:
            where += f", line {line}"
        if element is not None:
            where += f", element {element}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Format:
    """A published list format and how to read it.

    - ``sniff(path, head)`` gets a file and its first 64 KiB; it returns the list id
      (``ofac_sdn``, ``ofac_cons``, ``un_sc`` ...) when the file is the *main* file of this format,
      else None. Companion files (OFAC ``alt.csv``) are not main files; ``companions`` finds them.
    - ``parse(path)`` yields entities or raises :class:`SourceError`.
    - ``published(path)`` returns the publication date the content states, or None.
    - ``companions(path)`` lists the other files read with the main one (for the snapshot's sha256).
    """

    name: str
    sniff: Callable[[Path, bytes], str | None]
    parse: Callable[[Path], Iterator[Entity]]
    published: Callable[[Path], str | None] = lambda path: None
    companions: Callable[[Path], list[Path]] = lambda path: []


_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})(?:[-_]?(\d{2}))?(?:[-_]?(\d{2}))?(?!\d)")


def date_from_path(path: Path) -> str | None:
    """A publication date written into a file or folder name (``ofac_sdn_2024-05-03/sdn.csv``).

    Looks at the file name first, then its parent folders; gives the most precise date found in
    the nearest name that has one (``2024-05-03``, ``2021-07`` or ``2023``), or None.
    """
    for part in [path.name, *[p.name for p in path.parents]][:4]:
        for match in _DATE_IN_NAME.finditer(part):
            year, month, day = match.groups()
            if not 1990 <= int(year) <= 2100:
                continue
            if month and not 1 <= int(month) <= 12:
                month = day = None
            if day and not 1 <= int(day) <= 31:
                day = None
            return "-".join(x for x in (year, month, day if month else None) if x)
    return None


def sha256_files(paths: Iterable[Path]) -> str:
    """sha256 over the files' bytes, in the order given (main file first, then companions)."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


_DPRK_PROGRAM = re.compile(
    r"^(DPRK|NKSPEA|PRK\b|KP[IE]?\b|KPe|KPi)|NORTH KOREA|DEMOCRATIC PEOPLE", re.I)


def is_dprk_program(code: str) -> bool:
    """Whether a program code or regime name is a North Korea program.

    OFAC ``DPRK``, ``DPRK2``..``DPRK4``, ``DPRK-NKSPEA``, ``NKSPEA``; EU ``PRK``; UN ``KPi``/``KPe``
    (reference-number prefixes); UK and EU regime names mentioning North Korea or the DPRK.
    """
    return bool(_DPRK_PROGRAM.search(code.strip()))


def dprk_by_content(entity: Entity) -> bool:
    """Whether an entity is North Korean by what it says, whatever program it is filed under.

    North Korean nationality or citizenship, a birth place, address or country link in North
    Korea, an identifier issued by North Korea, or a note naming North Korea (OFAC's
    secondary-sanctions notes). This is what catches the North Korean banks and companies OFAC
    files under NPWMD only.
    """
    if "kp" in entity.nationalities or "kp" in entity.citizenships or "kp" in entity.countries:
        return True
    if any(is_north_korea(place) for place in entity.birth_places):
        return True
    for address in entity.addresses:
        if address.country == "kp" or is_north_korea(address.full):
            return True
    if any(ident.country == "kp" for ident in entity.identifiers):
        return True
    # OFAC's "Secondary sanctions risk: North Korea Sanctions Regulations ..." is how many NPWMD-only
    # North Korean banks show their link when the list carries no address for them.
    return any(is_north_korea(note) for note in entity.notes)


def classify_dprk(entity: Entity) -> Entity:
    """Return the entity with ``dprk`` and ``Program.dprk`` set from its programs and content.

    Every parser calls this last, so the rule is the same for every list.
    """
    # A parser may know more than the code says (UN KPi./KPe. reference numbers, EU "PRK"), so
    # a program it marked DPRK stays DPRK.
    programs = tuple(
        p if p.dprk or not is_dprk_program(p.code) else replace(p, dprk=True)
        for p in entity.programs
    )
    dprk = any(p.dprk for p in programs) or dprk_by_content(entity)
    if programs == entity.programs and dprk == entity.dprk:
        return entity
    return replace(entity, programs=programs, dprk=dprk)


_SEVEN_DIGITS = re.compile(r"\d{7}")


def imo_check_digit_ok(number: str) -> bool:
    """Whether a 7-digit number passes the IMO *ship* number check digit (weights 7..2).

    IMO company numbers (registered owners, managers) do not follow this rule, which is how a
    company number in free text is told from a ship's.
    """
    if not _SEVEN_DIGITS.fullmatch(number):
        return False
    digits = [int(c) for c in number]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True)) % 10 == digits[6]


# "Associated with the Abu Sayyaf Group (QDe.001)", "associated with Khairullah Barakzai." (UN
# comments, UK Other Information): the name runs to the reference in parentheses or to the end
# of its clause.
_ASSOCIATED = re.compile(
    r"\bassociated with\s+(?P<name>[^.;:()\n]+?)\s*"
    r"(?:\((?P<ref>[A-Z][A-Za-z]{1,3}\.\d{3})\)|(?=[.;:(\n,]|$))", re.IGNORECASE)


def associations(text: str | None) -> list[tuple[str, str | None]]:
    """The parties a remark says an entry is "associated with": (name as written, the UN
    reference number given beside it or None), in the order written, each once. Phrases that
    are not a party ("associated with cash transfers", "associated with the group") are left
    out: a name's first word (after "the") has a capital letter, and it has ten words at most."""
    found: list[tuple[str, str | None]] = []
    for m in _ASSOCIATED.finditer(re.sub(r"\s+", " ", text or "")):
        name = _CLAUSE.split(m["name"], maxsplit=1)[0].strip(" ,")
        words = name.split()
        first = words[1] if len(words) > 1 and words[0].lower() == "the" else \
            (words[0] if words else "")
        if first[:1].isupper() and len(words) <= 10 and (name, m["ref"]) not in found:
            found.append((name, m["ref"]))
    return found


# where a name ends and a clause about it begins ("Wael Abdulkarim who is listed as ...")
_CLAUSE = re.compile(r"\s+(?:who|which|that|whose|since|from|as)\b")
