"""OFAC remarks: the ``; ``-separated free text of the SDN and consolidated lists, parsed once.

The legacy CSV sets (``sdn.csv`` column 12, overflow in ``sdn_comments.csv``) and the classic
``sdn.xml`` ``<remarks>`` carry the same item language, so both parsers call :func:`apply_remarks`.
An item is ``[alt. ]LABEL VALUE``::

    DOB 08 Jan 1984; POB Pyongyang, North Korea; nationality Korea, North; Gender Male;
    Passport 836110034 (Korea, North) expires 2020; Digital Currency Address - ETH 0x...;
    a.k.a. 'BUREAU 39'; Linked To: LAZARUS GROUP.

What each label becomes (the vocabulary was tallied over the SDN sets of 2021-07, 2023 and
2024-05-03 and the consolidated set of 2025-12; every label seen more than a few times is here):

- ``DOB`` -> ``birth_dates`` (ISO, any precision; ``circa`` dropped; ranges of up to 15 years
  expanded to each year); ``POB`` -> ``birth_places`` (+ ``birthCountry`` property when the place
  ends in a country); ``nationality``/``citizen`` -> country codes; ``Gender`` -> gender;
  ``Title``/``Position`` -> titles/positions.
- Identity documents and registry numbers (``Passport``, ``National ID No.``, ``Cedula No.``,
  ``C.U.R.P.``, ``Tax ID No.``, ``Registration Number``, ``SWIFT/BIC``, ``Legal Entity Number``,
  ``Vessel Registration Identification IMO``, ``MMSI``, e-mail, website, phone, crypto addresses,
  aircraft serial and tail numbers ...) -> :class:`Identifier` with ``country`` from the trailing
  ``(Country)`` and ``note`` holding the list's label (when it is not the obvious one for the kind)
  and any ``issued ...``/``expires ...`` text. :func:`id_kind_for_label` maps a label to its kind.
  A BIC's country comes from the code itself (``KDBKKPPY`` -> ``kp``); IMO and MMSI values keep
  their digits only; ``Legal Entity Number`` is an LEI only when it has the LEI shape (OFAC also
  files national company numbers under it).
- ``a.k.a.``/``f.k.a.``/``n.k.a.``/``d.b.a.`` 'NAME' -> weak alias / former / alias / alias names;
  ``Issuer Name`` -> alias. ``Linked To:`` -> ``Relation(LINKED_TO)``; ``Owned or Controlled By:``
  -> ``Relation(OWNED_BY)``; ``Aircraft Operator`` -> ``operator`` property + ``OPERATED_BY``.
- Vessel and aircraft details -> FollowTheMoney-named ``properties`` (``flag``, ``pastFlags``,
  ``type``, ``tonnage``, ``grossRegisteredTonnage``, ``buildDate``, ``model``, ``operator``);
  ``Organization Established Date`` -> ``incorporationDate``; ``Organization Type`` -> ``sector``;
  ``Target Type`` -> ``classification``; ``Equity Ticker`` -> ``ticker``.
- Sanctions information (``Additional Sanctions Information``, ``Secondary sanctions risk``,
  ``Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions``,
  ``Executive Order ... information``, ``CAATSA Section``, ``IFCA Determination``, ``Listing Date``,
  ``Effective Date``, ``For more information ...``) -> ``notes``.
- Whole items that are a rank or honorific (``Brigadier General``, ``Haji``) -> ``titles``;
  a bare e-mail address or URL -> identifier; ``ethnicity`` -> ``ethnicity`` property.
- Anything else (free-text positions such as ``Minister of Finance.``, ``ICTY indictee``, items
  whose value does not parse) -> ``("notes", item)`` in ``properties``. Nothing is dropped, and the
  remarks text itself is kept verbatim in ``entity.remarks``.

The CSV field holds at most 1,000 characters; where the overflow file is missing (the 2024-05-03
set) the text is cut mid-item. A text of exactly 1,000 characters that does not end in ``.`` or
``;`` is taken as cut (see :func:`is_truncated`): its last item is kept only as a
``"truncated: ..."`` note, never parsed into a (wrong) passport number or address.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any, Callable

from moneytrail.countries import country_code
from moneytrail.model import (
    Entity,
    Identifier,
    IdKind,
    Name,
    NameKind,
    Relation,
    RelationKind,
    Schema,
    dedupe,
)
from moneytrail.sources.base import imo_check_digit_ok

__all__ = [
    "MERGED_FIELDS",
    "ParsedRemarks",
    "apply_remarks",
    "id_kind_for_label",
    "is_truncated",
    "merge_fields",
    "parse_date",
    "parse_date_range",
    "parse_remarks",
    "person_name",
    "split_items",
    "strip_period",
]

#: The length at which the legacy CSV cuts the remarks field.
CSV_REMARKS_LIMIT = 1000
#: Year ranges longer than this keep only their end points.
MAX_YEAR_SPAN = 15


@dataclass(slots=True)
class ParsedRemarks:
    """What one remarks text says, field by field, in the order the text gives it."""

    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    gender: str | None = None
    titles: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)
    schema: Schema | None = None  # of the entity, so person aliases split into family/given

    def note(self, text: str) -> None:
        """Keep an item that was not understood (as the FtM ``notes`` property)."""
        text = text.strip()
        if text:
            self.properties.append(("notes", text))


# --------------------------------------------------------------------------------------------
# Splitting and small helpers


# A ';' is inside parentheses when a ')' follows it before any '('. A '(' left open by a cut
# text has no ')' after it, so it does not swallow the items that follow.
_ITEM_SEPARATOR = re.compile(r";(?![^()]*\))")


def split_items(text: str) -> list[str]:
    """Split remarks into items on ``;`` outside parentheses; items come back stripped."""
    parts = _ITEM_SEPARATOR.split(text) if "(" in text else text.split(";")
    return [item for item in (part.strip() for part in parts) if item]


def is_truncated(text: str) -> bool:
    """Whether a remarks text looks cut at the CSV field limit (its last item is incomplete).

    The legacy CSV cuts the field at exactly 1,000 characters; OFAC ends every whole remarks
    text with ``.``. Longer texts (an XML ``<remarks>``, a CSV text joined with its overflow)
    are never taken as cut.
    """
    stripped = text.rstrip()
    return (CSV_REMARKS_LIMIT - 1 <= len(stripped) <= CSV_REMARKS_LIMIT
            and not stripped.endswith((".", ";")))


_ABBREV_WORDS = frozenset(
    "ltd co inc corp ltda jr sr bros no st ave cia dept gen col capt lt sgt mr dr av jsc".split()
)


_DOTTED_ABBREV = re.compile(r"[A-Za-z]|(?:[A-Za-z]{1,3}\.)+[A-Za-z]{1,3}")  # "J", "S.A", "C.V"


def strip_period(text: str) -> str:
    """Drop the item-ending ``.`` unless it ends an abbreviation (``S.A.``, ``LTD.``, ``Jr.``).

    OFAC does not double the period when a name ending in an abbreviation closes the remarks
    (``Linked To: KPD S.A."``), so the abbreviation's own period is kept.
    """
    text = text.strip()
    if not text.endswith("."):
        return text
    body = text[:-1].rstrip()
    last = body.rsplit(None, 1)[-1] if body else ""
    last = last.rsplit(",", 1)[-1].lstrip("(")
    if _DOTTED_ABBREV.fullmatch(last) or last.lower() in _ABBREV_WORDS:
        return text
    return body


_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_DATE = re.compile(r"(?:(\d{1,2})\s+)?(?:([A-Za-z]{3,9})\.?,?\s+)?(\d{4})")
_DATE_PREFIX = re.compile(r"^(?:circa|approximately|approx\.|about|ca\.|c\.)\s*", re.I)
_RANGE_SPLIT = re.compile(
    r"\s+(?:to|-|until)\s+"  # 1960 to 1962, 01 Jan 1960 - 31 Dec 1962
    r"|(?<=\d{4})\s*-\s*(?=(?:\d{1,2}\s+)?[A-Za-z]*\s*\d{4})"  # Jan 1960-Dec 1962
    r"|(?<=\d{4})-(?=\d{4})",  # 1979-1982
    re.I,
)


def parse_date(text: str) -> str | None:
    """``08 Jan 1984`` -> ``1984-01-08``, ``Jan 1984`` -> ``1984-01``, ``1984`` -> ``1984``.

    A leading ``circa`` is dropped; an impossible day keeps the month. None if not a date.
    """
    text = _DATE_PREFIX.sub("", strip_period(text.strip()))
    match = _DATE.fullmatch(text)
    if not match:
        return None
    day, month, year = match.groups()
    if not 1000 <= int(year) <= 2999:
        return None
    if month is None:
        return year if day is None else None
    m = _MONTHS.get(month.lower())
    if m is None:
        return None
    if day is None:
        return f"{year}-{m:02d}"
    try:
        return date(int(year), m, int(day)).isoformat()
    except ValueError:
        return f"{year}-{m:02d}"


def _whole_month(start: str, end: str) -> bool:
    """Whether ``start``..``end`` (same year and month) covers exactly that month."""
    if len(start) == 10 and not start.endswith("-01"):
        return False
    if len(end) == 10:
        year, month = int(end[:4]), int(end[5:7])
        return int(end[8:]) == calendar.monthrange(year, month)[1]
    return True


def parse_date_range(text: str) -> list[str] | None:
    """A date, or a range (``1960 to 1962``, ``01 Jan 1960 to 31 Dec 1962``, ``1979-1982``).

    A range gives each year it covers when it spans at most :data:`MAX_YEAR_SPAN` years (one
    year for a range within a year, the month for a range over exactly one month), else its two
    end points. None if not a date or range.
    """
    text = _DATE_PREFIX.sub("", strip_period(text.strip()))
    single = parse_date(text)
    if single is not None:
        return [single]
    parts = _RANGE_SPLIT.split(text)
    if len(parts) != 2:
        return None
    start, end = parse_date(parts[0]), parse_date(parts[1])
    if start is None or end is None:
        return None
    y1, y2 = int(start[:4]), int(end[:4])
    if y1 == y2:
        if start == end:
            return [start]
        if start[:7] == end[:7] and len(start) >= 7 and _whole_month(start, end):
            return [start[:7]]
        return [str(y1)]
    if y1 < y2 <= y1 + MAX_YEAR_SPAN:
        return [str(y) for y in range(y1, y2 + 1)]
    return [start, end]


def person_name(full: str, kind: NameKind = NameKind.PRIMARY) -> Name:
    """OFAC's ``SURNAME, Given Names`` as a name with family and given parts (as written)."""
    full = full.strip()
    family, sep, given = full.partition(", ")
    if sep and family and given:
        return Name(full=full, kind=kind, family=family.strip(), given=given.strip())
    return Name(full=full, kind=kind)


def _country(text: str) -> str | None:
    text = text.strip()
    code = country_code(text)
    if code is None and text.endswith("."):
        code = country_code(text[:-1])
    return code


def _place_country(place: str) -> str | None:
    """The country a place ends in: ``Pyongyang, Korea, North`` -> ``kp``."""
    parts = [p.strip() for p in place.split(",")]
    for n in (1, 2, 3):
        if len(parts) >= n:
            code = country_code(", ".join(parts[-n:]))
            if code:
                return code
    return None


# --------------------------------------------------------------------------------------------
# Identifier kinds


def _lei_shaped(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Z0-9]{18}[0-9]{2}", value))


#: Labels whose kind the keyword rules would get wrong, or that are worth pinning.
_KIND_OVERRIDES: dict[str, IdKind] = {
    "electoral registry no.": IdKind.NATIONAL_ID,
    "credencial electoral": IdKind.NATIONAL_ID,
    "military registration number": IdKind.OTHER,
    "d-u-n-s number": IdKind.OTHER,
    "bik (ru)": IdKind.OTHER,
    "chinese commercial code": IdKind.OTHER,
    "isin": IdKind.OTHER,
    "license": IdKind.OTHER,
    "trade license no.": IdKind.REGISTRATION,
    "tourism license no.": IdKind.REGISTRATION,
    "msb registration number": IdKind.REGISTRATION,
    "afghan money service provider license number": IdKind.REGISTRATION,
    "driver's license no.": IdKind.OTHER,
    "pilot license number": IdKind.OTHER,
    "seafarer's identification document": IdKind.OTHER,
    "cartilla de servicio militar nacional": IdKind.OTHER,
    "c.u.i.p.": IdKind.OTHER,
    "visanumberid": IdKind.OTHER,
    "sre permit no.": IdKind.OTHER,
    "permit number": IdKind.OTHER,
    "immigration no.": IdKind.OTHER,
    "public security and immigration no.": IdKind.OTHER,
    "temporary suspension of deportation no.": IdKind.OTHER,
    "serial no.": IdKind.OTHER,
    "file number": IdKind.REGISTRATION,
    "le number": IdKind.REGISTRATION,
    "nit": IdKind.TAX_ID,
    "ruc": IdKind.TAX_ID,
    "rif": IdKind.TAX_ID,
    "rfc": IdKind.TAX_ID,
    "r.f.c.": IdKind.TAX_ID,
    "rtn": IdKind.TAX_ID,
    "rsin": IdKind.TAX_ID,
    "inn": IdKind.TAX_ID,
    "c.u.i.t.": IdKind.TAX_ID,
    "c.i.f.": IdKind.TAX_ID,
    "us fein": IdKind.TAX_ID,
    "c.u.i.": IdKind.NATIONAL_ID,
    "d.n.i.": IdKind.NATIONAL_ID,
    "n.i.e.": IdKind.NATIONAL_ID,
    "c.u.r.p.": IdKind.NATIONAL_ID,
    "i.f.e.": IdKind.NATIONAL_ID,
    "ssn": IdKind.NATIONAL_ID,
    "uae identification": IdKind.NATIONAL_ID,
    "cnp (personal numerical code)": IdKind.NATIONAL_ID,
    "romanian permanent resident can": IdKind.NATIONAL_ID,
    "birth certificate number": IdKind.NATIONAL_ID,
    "residency number": IdKind.NATIONAL_ID,
    "c.r. no.": IdKind.REGISTRATION,
    "romanian c.r.": IdKind.REGISTRATION,
    "swift/bic": IdKind.BIC,
    "mmsi": IdKind.MMSI,
    "vessel registration identification": IdKind.REGISTRATION,  # IMO when it says so
    "telex": IdKind.OTHER,
}
_KIND_KEYWORDS: tuple[tuple[IdKind, tuple[str, ...]], ...] = (
    (IdKind.PASSPORT, ("passport", "travel document")),
    (IdKind.TAX_ID, ("tax", "fiscal", "v.a.t", "vat ", "tributar", "fein")),
    (IdKind.NATIONAL_ID, ("national id", "identification", "identity", "identidad", "cedula",
                          "personal id", "id card", "id no", "citizen", "electoral",
                          "national foreign id", "refugee", "stateless")),
    (IdKind.REGISTRATION, ("registr", "company", "commerc", "chamber", "incorporation",
                           "gazette", "credit code", "mercantil", "enterprise", "business",
                           "charity", "organization code", "branch unit", "legal entity")),
)


@lru_cache(maxsize=4096)
def _kind_of(key: str) -> IdKind:
    kind = _KIND_OVERRIDES.get(key)
    if kind is not None:
        return kind
    for kind, words in _KIND_KEYWORDS:
        if any(word in key for word in words):
            return kind
    return IdKind.OTHER


def id_kind_for_label(label: str, value: str = "") -> IdKind:
    """The identifier kind of an OFAC label (``Cedula No.`` -> national id).

    ``value`` refines the labels that OFAC uses loosely: ``Legal Entity Number`` is an LEI only
    when the value has the 20-character LEI shape (many are national company numbers), and any
    label followed by ``IMO 1234567`` is an IMO number.
    """
    key = " ".join(label.lower().split()).rstrip(":")
    if value.upper().startswith("IMO ") or key.endswith(" imo") or key == "imo":
        return IdKind.IMO
    if key.startswith("legal entity number") or key == "lei":
        return IdKind.LEI if _lei_shaped(value) else IdKind.REGISTRATION
    return _kind_of(key)


#: Labels that say nothing beyond the kind, so they are not repeated in ``Identifier.note``.
_PLAIN_LABELS = frozenset({
    "passport", "passport no.", "national id no.", "tax id no.", "registration number",
    "registration id", "swift/bic", "mmsi", "email address", "email",
    "website", "phone number", "telephone", "telephone no.", "phone", "phone no.",
    "vessel registration identification", "identification number", "company number",
    "business registration number", "vessel call sign", "aircraft tail number",
    "aircraft manufacturer's serial number (msn)", "aircraft serial identification",
})


# --------------------------------------------------------------------------------------------
# Item handlers: each gets (parsed, label, value, item); value is the text after the label.

Handler = Callable[[ParsedRemarks, str, str, str], None]

_TAIL = re.compile(r"[\s,]+(?=(?:issued|expires|expired|expire|valid until|valid)\b)", re.I)
_TRAILING_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")


def _id_parts(value: str) -> tuple[str, str | None, list[str]]:
    """Split ``NUM (Country) issued X expires Y`` into (NUM, country code, note parts)."""
    value = value.strip().lstrip(":#").strip()
    notes: list[str] = []
    tail = _TAIL.search(value)
    if tail:
        notes.append(strip_period(value[tail.end():]))
        value = value[:tail.start()]
    value = strip_period(value)
    country: str | None = None
    extra: list[str] = []
    while True:
        match = _TRAILING_PAREN.search(value)
        if not match or match.start() == 0:
            break
        code = _country(match.group(1)) if country is None else None
        if code:
            country = code
        else:
            extra.insert(0, match.group(1))
        value = value[:match.start()]
    value = value.strip().rstrip(",;:").strip()
    return value, country, extra + notes


#: Kinds whose values may lack digits (every other identifier has at least one).
_LETTERS_OK = frozenset({IdKind.BIC, IdKind.CALL_SIGN, IdKind.AIRCRAFT_TAIL})


def _identifier(kind: IdKind | None = None) -> Handler:
    def handle(p: ParsedRemarks, label: str, value: str, item: str) -> None:
        number, country, notes = _id_parts(value)
        number = number.rstrip(".").rstrip()
        found = kind or id_kind_for_label(label, number)
        if not number or not (any(c.isdigit() for c in number) or found in _LETTERS_OK):
            p.note(strip_period(item))  # "Passport issued in Sarajevo", a cut item ...
            return
        key = " ".join(label.lower().split()).rstrip(":")
        if number.upper().startswith("IMO ") or (
                key == "vessel registration identification" and imo_check_digit_ok(number)):
            found = IdKind.IMO
        if found in (IdKind.IMO, IdKind.MMSI):
            digits = re.sub(r"\D", "", number)
            if found is IdKind.IMO and len(digits) != 7:
                found = IdKind.REGISTRATION
            else:
                number = digits
        elif found is IdKind.BIC:
            number = number.replace(" ", "").upper()
            if country is None and len(number) in (8, 11):
                country = country_code(number[4:6])
        if key not in _PLAIN_LABELS and not (found is IdKind.LEI and key == "legal entity number"):
            notes.insert(0, label.rstrip(":"))
        p.identifiers.append(
            Identifier(kind=found, value=number, country=country,
                       note="; ".join(notes) if notes else None))

    return handle


def _contact(kind: IdKind, note: str | None = None) -> Handler:
    def handle(p: ParsedRemarks, label: str, value: str, item: str) -> None:
        value = value.strip().lstrip(":").strip()
        if kind is not IdKind.PHONE:
            value = value.rstrip(".")  # a period never ends an e-mail address or host name
        else:
            value = strip_period(value)
        if not value:
            p.note(item)
            return
        p.identifiers.append(Identifier(kind=kind, value=value, note=note))

    return handle


_CRYPTO = re.compile(r"^-?\s*([A-Za-z0-9]{2,10})\s+(\S+?)\.?$")


def _crypto(p: ParsedRemarks, label: str, value: str, item: str) -> None:
    match = _CRYPTO.match(value.strip())
    if not match:
        p.note(item)
        return
    p.identifiers.append(Identifier(kind=IdKind.CRYPTO, value=match.group(2),
                                    asset=match.group(1).upper()))


def _dob(p: ParsedRemarks, label: str, value: str, item: str) -> None:
    dates = parse_date_range(value.lstrip(":"))
    if dates is None:
        p.note(item)
    else:
        p.birth_dates.extend(dates)


def _pob(p: ParsedRemarks, label: str, value: str, item: str) -> None:
    place = strip_period(value.lstrip(":").strip())
    if not place:
        p.note(item)
        return
    p.birth_places.append(place)
    code = _place_country(place)
    if code:
        p.properties.append(("birthCountry", code))


def _country_list(attr: str) -> Handler:
    def handle(p: ParsedRemarks, label: str, value: str, item: str) -> None:
        text = strip_period(value.lstrip(":").strip())
        text = re.sub(r"^(?:possibly|probably|reportedly)\s+", "", text, flags=re.I)
        code = _country(text)
        if code is None:
            p.note(item)
        else:
            getattr(p, attr).append(code)

    return handle


def _gender(p: ParsedRemarks, label: str, value: str, item: str) -> None:
    text = strip_period(value.lstrip(":").strip()).lower()
    if text in ("male", "female"):
        p.gender = text
    else:
        p.note(item)


_QUOTED = re.compile(r"""^[,:\s]*(['"])(.*)\1\s*\.?$""", re.S)
_NAME_KINDS = {"a.k.a.": NameKind.WEAK_ALIAS, "f.k.a.": NameKind.FORMER,
               "n.k.a.": NameKind.ALIAS, "d.b.a.": NameKind.ALIAS}


def _alias(p: ParsedRemarks, label: str, value: str, item: str) -> None:
    kind = _NAME_KINDS[label.lower()]
    match = _QUOTED.match(value)
    name = match.group(2).strip() if match else None
    if not name:
        p.note(item)
        return
    p.names.append(person_name(name, kind) if p.schema is Schema.PERSON
                   else Name(full=name, kind=kind))


def _name(kind: NameKind) -> Handler:
    def handle(p: ParsedRemarks, label: str, value: str, item: str) -> None:
        name = strip_period(value.lstrip(":").strip())
        if name:
            p.names.append(Name(full=name, kind=kind))
        else:
            p.note(item)

    return handle


def _relation(kind: RelationKind, prop: str | None = None) -> Handler:
    def handle(p: ParsedRemarks, label: str, value: str, item: str) -> None:
        name = strip_period(value.lstrip(":").strip())
        if not name:
            p.note(item)
            return
        p.relations.append(Relation(kind=kind, target_name=name))
        if prop:
            p.properties.append((prop, name))

    return handle


def _prop(name: str, date_value: bool = False) -> Handler:
    def handle(p: ParsedRemarks, label: str, value: str, item: str) -> None:
        text = strip_period(value.lstrip(":").strip())
        if date_value:
            dates = parse_date_range(text)
            text = dates[0] if dates else ""
        if not text:
            p.note(item)
        else:
            p.properties.append((name, text))

    return handle


def _flag(prop: str, also_country: bool) -> Handler:
    def handle(p: ParsedRemarks, label: str, value: str, item: str) -> None:
        code = _country(strip_period(value.lstrip(":").strip()))
        if code is None:
            p.note(item)
            return
        p.properties.append((prop, code))
        if also_country:
            p.countries.append(code)

    return handle


def _text_field(attr: str) -> Handler:
    def handle(p: ParsedRemarks, label: str, value: str, item: str) -> None:
        text = strip_period(value.lstrip(":").strip())
        if text:
            getattr(p, attr).append(text)
        else:
            p.note(item)

    return handle


def _sanction_note(p: ParsedRemarks, label: str, value: str, item: str) -> None:
    p.notes.append(strip_period(label + value))


def _operator(p: ParsedRemarks, label: str, value: str, item: str) -> None:
    _relation(RelationKind.OPERATED_BY, "operator")(p, label, value, item)


# --------------------------------------------------------------------------------------------
# The label table

_HANDLERS: dict[str, Handler] = {
    # people
    "dob": _dob,
    "pob": _pob,
    "nationality": _country_list("nationalities"),
    "citizen": _country_list("citizenships"),
    "citizenship": _country_list("citizenships"),
    "gender": _gender,
    "ethnicity": _prop("ethnicity"),
    "title": _text_field("titles"),
    "position": _text_field("positions"),
    # names and links
    "a.k.a.": _alias,
    "f.k.a.": _alias,
    "n.k.a.": _alias,
    "d.b.a.": _alias,
    "issuer name": _name(NameKind.ALIAS),
    "linked to": _relation(RelationKind.LINKED_TO),
    "owned or controlled by": _relation(RelationKind.OWNED_BY),
    # contact
    "email address": _contact(IdKind.EMAIL),
    "email": _contact(IdKind.EMAIL),
    "website": _contact(IdKind.WEBSITE),
    "phone number": _contact(IdKind.PHONE),
    "phone no.": _contact(IdKind.PHONE),
    "phone": _contact(IdKind.PHONE),
    "telephone": _contact(IdKind.PHONE),
    "telephone no.": _contact(IdKind.PHONE),
    "fax": _contact(IdKind.PHONE, "fax"),
    "fax no.": _contact(IdKind.PHONE, "fax"),
    "telex": _identifier(IdKind.OTHER),
    "digital currency address": _crypto,
    # vessels
    "vessel registration identification": _identifier(),
    "mmsi": _identifier(IdKind.MMSI),
    "vessel call sign": _identifier(IdKind.CALL_SIGN),
    "call sign": _identifier(IdKind.CALL_SIGN),
    "other vessel call sign": _identifier(IdKind.CALL_SIGN),
    "vessel flag": _flag("flag", True),
    "flag": _flag("flag", True),
    "other vessel flag": _flag("flag", True),
    "former vessel flag": _flag("pastFlags", False),
    "vessel type": _prop("type"),
    "other vessel type": _prop("type"),
    "tonnage": _prop("tonnage"),
    "gross registered tonnage": _prop("grossRegisteredTonnage"),
    "grt": _prop("grossRegisteredTonnage"),
    "vessel year of build": _prop("buildDate", date_value=True),
    "year of build": _prop("buildDate", date_value=True),
    "vessel owner": _relation(RelationKind.OWNED_BY, "owner"),
    # aircraft
    "aircraft manufacturer's serial number (msn)": _identifier(IdKind.AIRCRAFT_SERIAL),
    "aircraft construction number (also called l/n or s/n or f/n)":
        _identifier(IdKind.AIRCRAFT_SERIAL),
    "aircraft construction number": _identifier(IdKind.AIRCRAFT_SERIAL),
    "aircraft serial identification": _identifier(IdKind.AIRCRAFT_SERIAL),
    "aircraft serial number": _identifier(IdKind.AIRCRAFT_SERIAL),
    "aircraft tail number": _identifier(IdKind.AIRCRAFT_TAIL),
    "previous aircraft tail number": _identifier(IdKind.AIRCRAFT_TAIL),
    "aircraft mode s transponder code": _identifier(IdKind.OTHER),
    "aircraft model": _prop("model"),
    "aircraft manufacture date": _prop("buildDate", date_value=True),
    "aircraft operator": _operator,
    "nationality of registration": _flag("flag", True),
    # organisations
    "organization established date": _prop("incorporationDate", date_value=True),
    "organization type": _prop("sector"),
    "target type": _prop("classification"),
    "equity ticker": _prop("ticker"),
    # sanctions information -> notes
    "additional sanctions information": _sanction_note,
    "secondary sanctions risk": _sanction_note,
    "transactions prohibited for persons owned or controlled by u.s. financial institutions":
        _sanction_note,
    "executive order": _sanction_note,
    "caatsa section": _sanction_note,
    "ifca determination": _sanction_note,
    "listing date": _sanction_note,
    "effective date": _sanction_note,
    "purchase/sales for divestment date": _sanction_note,
    "for more information": _sanction_note,
}

#: Identity documents and registry numbers: label -> kind (None: decided by id_kind_for_label).
_ID_LABELS = (
    "Passport", "Passport No.", "Diplomatic Passport", "Passport Booklet",
    "British National Overseas Passport", "Stateless Person Passport", "Travel Document Number",
    "National ID No.", "Cedula No.", "Identification Number", "D.N.I.", "C.U.R.P.", "C.U.I.",
    "C.U.I.P.", "I.F.E.", "N.I.E.", "SSN", "Personal ID Card", "Citizen's Card Number",
    "Credencial electoral", "Electoral Registry No.", "Numero de Identidad", "Kenyan ID No.",
    "Tazkira National ID Card", "Turkish Identification Number", "National Foreign ID Number",
    "Residency Number", "Birth Certificate Number", "Bosnian Personal ID No.",
    "Moroccan Personal ID No.", "UAE Identification", "CNP (Personal Numerical Code)",
    "Refugee ID Card", "Stateless Person ID Card", "Romanian Permanent Resident CAN",
    "Public Security and Immigration No.", "Immigration No.", "VisaNumberID",
    "Cartilla de Servicio Militar Nacional", "Military Registration Number",
    "Driver's License No.", "Pilot License Number", "Seafarer's Identification Document",
    "SRE Permit No.", "Permit Number", "Temporary suspension of deportation No.",
    "Tax ID No.", "R.F.C.", "RFC", "NIT", "RUC", "RIF", "RTN", "RSIN", "INN", "C.U.I.T.",
    "C.I.F.", "US FEIN", "V.A.T. Number", "Italian Fiscal Code", "Fiscal Code",
    "Romanian Tax Registration", "Paraguayan tax identification number",
    "Numero Unico de Identificacao Tributaria (NUIT)",
    "Registration Number", "Registration ID", "Business Registration Number",
    "Business Registration Document", "Company Number", "UK Company Number",
    "Government Gazette Number", "Commercial Registry Number", "Folio Mercantil No.",
    "Matricula Mercantil No", "Matricula Mercantil No.", "C.R. No.", "Romanian C.R.",
    "Unified Social Credit Code (USCC)", "United Social Credit Code Certificate (USCCC)",
    "Chamber of Commerce Number", "Istanbul Chamber of Comm. No.",
    "Dubai Chamber of Commerce Membership No.", "Enterprise Number", "Branch Unit Number",
    "Business Number", "Central Registration System Number", "Economic Register Number (CBLS)",
    "Public Registration Number", "Certificate of Incorporation Number", "Trade License No.",
    "Tourism License No.", "Registered Charity No.", "Organization Code", "LE Number",
    "File Number", "MSB Registration Number", "Afghan Money Service Provider License Number",
    "Legal Entity Number", "SWIFT/BIC", "BIK (RU)", "D-U-N-S Number", "ISIN",
    "Chinese Commercial Code", "License", "Serial No.", "Company ID: No.",
)
for _label in _ID_LABELS:
    _HANDLERS.setdefault(" ".join(_label.lower().split()), _identifier())


# Labels by their first word, longest first: a dict lookup and a few ``startswith`` calls are
# several times faster than one regular expression alternating over all the labels.
_BY_FIRST_WORD: dict[str, list[str]] = {}
for _key in sorted(_HANDLERS, key=len, reverse=True):
    _BY_FIRST_WORD.setdefault(_key.split(" ", 1)[0], []).append(_key)
_LABEL_END = frozenset(" \t:#,-'\"(")
_ALT = re.compile(r"^alt\.\s+", re.I)


def _match_label(item: str) -> tuple[str, str] | None:
    """(label as written, the text after it) for a known label at the start of an item."""
    if item.startswith(("alt.", "Alt.", "ALT.")):
        item = _ALT.sub("", item)
    if "  " in item:
        item = " ".join(item.split())
    lowered = item.lower()
    first = lowered.split(" ", 1)[0].rstrip(":,#")
    for key in _BY_FIRST_WORD.get(first, ()):
        n = len(key)
        if lowered.startswith(key) and (len(lowered) == n or lowered[n] in _LABEL_END):
            return item[:n], item[n:]
    return None


#: Whole items that are a rank or an honorific: they go to ``titles``.
_TITLE_ITEMS = frozenset(
    t.lower() for t in (
        "Doctor", "Dr.", "Haji", "Hajji", "Maulana", "Maulawi", "Mawlawi", "Mullah", "Mufti",
        "Hojjatoleslam", "Ayatollah", "Sheikh", "Shaykh", "Shaikh", "Ustad", "Imam", "Qari",
        "General", "Major General", "Brigadier General", "Lieutenant General", "Colonel",
        "Lt. Col.", "Lieutenant Colonel", "Captain", "Major", "Admiral", "Vice Admiral",
        "Rear Admiral", "IRGC Brigadier General", "Professor", "Engineer",
    )
)
_BARE_EMAIL = re.compile(r"^([^\s@;]+@[\w.-]+\.\w+)(?:\s+\(e-?mail\))?\.?$", re.I)
_BARE_URL = re.compile(r"^((?:https?://|www\.)\S+?)(?:\s+\(website\))?\.?$", re.I)


def _parse_item(p: ParsedRemarks, item: str) -> None:
    match = _match_label(item)
    if match is None:
        text = strip_period(item)
        if text.lower() in _TITLE_ITEMS:
            p.titles.append(text)
        elif found := _BARE_EMAIL.match(item):
            p.identifiers.append(Identifier(kind=IdKind.EMAIL, value=found.group(1)))
        elif found := _BARE_URL.match(item):
            p.identifiers.append(Identifier(kind=IdKind.WEBSITE, value=found.group(1)))
        else:
            p.note(text)
        return
    label, value = match
    _HANDLERS[label.lower()](p, label, value, item)


# --------------------------------------------------------------------------------------------
# Public entry points


def parse_remarks(text: str, schema: Schema | None = None, *,
                  truncated: bool | None = None) -> ParsedRemarks:
    """Parse a remarks text into its fields; see the module docstring for the vocabulary.

    ``truncated`` says whether the text was cut mid-item (default: :func:`is_truncated`); the
    last item of a cut text becomes a ``"truncated: ..."`` note instead of a field.
    """
    parsed = ParsedRemarks(schema=schema)
    if not text or text.strip() in ("", "-0-"):
        return parsed
    items = split_items(text)
    if truncated is None:
        truncated = is_truncated(text)
    last = items.pop() if truncated and items else None
    for item in items:
        _parse_item(parsed, item)
    if last is not None:
        parsed.note(f"truncated: {last}")
    return parsed


#: The entity fields remarks add to (tuples), in model order.
MERGED_FIELDS = ("names", "birth_dates", "birth_places", "nationalities", "citizenships",
                 "countries", "titles", "positions", "identifiers", "relations", "notes",
                 "properties")


def merge_fields(fields: dict[str, Any], parsed: ParsedRemarks) -> dict[str, Any]:
    """The entity fields that ``parsed`` changes, each the current value followed by the new.

    ``fields`` maps the names in :data:`MERGED_FIELDS` (and ``gender``, ``titles``,
    ``positions``) to the entity's current values. A free-text item that repeats a title or
    position the entity already has (OFAC repeats the Title column in the remarks) is not kept
    again as a note.
    """
    out: dict[str, Any] = {}
    known = fields.get("titles", ()) + fields.get("positions", ())
    if known:
        lower = {t.lower() for t in known}
        parsed.properties = [(k, v) for k, v in parsed.properties
                             if not (k == "notes" and v.lower() in lower)]
    for name in MERGED_FIELDS:
        new = getattr(parsed, name)
        if new:
            current = fields.get(name, ())
            out[name] = dedupe((*current, *new)) if current or len(new) > 1 else tuple(new)
    if parsed.gender and not fields.get("gender"):
        out["gender"] = parsed.gender
    return out


def apply_remarks(entity: Entity, remarks: str, *, truncated: bool | None = None) -> Entity:
    """The entity with what its OFAC remarks say merged in, and ``remarks`` kept verbatim.

    New values are appended after the entity's own (duplicates dropped); ``gender`` is set only
    where the entity has none. DPRK classification is left to the caller
    (:func:`moneytrail.sources.base.classify_dprk`), which every parser runs last.
    """
    if remarks is None or remarks.strip() in ("", "-0-"):
        return entity
    parsed = parse_remarks(remarks, entity.schema, truncated=truncated)
    fields = {name: getattr(entity, name) for name in MERGED_FIELDS}
    fields["gender"] = entity.gender
    return replace(entity, remarks=remarks, **merge_fields(fields, parsed))
