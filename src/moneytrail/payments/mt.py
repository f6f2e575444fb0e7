"""SWIFT MT payment messages: MT103, MT202 (and MT202 COV) and MT101, several per file.

A message is its blocks: ``{1:`` basic header (the receiver of an output message, the sender of
an input one), ``{2:`` application header (``I``/``O``, the message type and the other party),
``{3:`` user header (field 121 is the UETR, 119 ``COV`` marks a cover payment), ``{4:`` the
text block of ``:tag:`` fields ending ``-}``, and ``{5:`` the trailer. Messages follow one
another directly or separated by ``$`` (the ``.rje`` exports) or SOH/ETX characters; a new
basic header, or a block that does not follow the one before, starts a new message. Service
messages (acknowledgements, block 1 service id other than 01) that exports put before a
message are skipped: they are not payments.

The fields map to the one payment vocabulary as SWIFT's MT-to-ISO translation maps them (see
:mod:`moneytrail.payments.model`). An MT101 gives one payment per transaction (sequence B,
from each field 21), each carrying what sequence A says. In an MT202 COV, the fields from the
first 50a on are sequence B, the underlying customer transfer: their roles get the
``underlying_`` prefix.

Years of two digits (``YYMMDD``) are read as Python's ``%y`` does: 69-99 are 1969-1999,
00-68 are 2000-2068.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from moneytrail.model import IdKind
from moneytrail.payments.iso20022 import SCHEME_KINDS
from moneytrail.payments.model import (
    UNDERLYING,
    Agent,
    Party,
    PartyId,
    Payment,
    PaymentError,
    Rejected,
    check_bic,
    check_country,
    check_currency,
)

#: Message types read.
SUPPORTED = ("101", "103", "202")

_BLOCK = re.compile(r"\{([1-5S]):")
_BLOCK_ORDER = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "S": 6}
_SEPARATOR = re.compile(r"[$\x01\x03]")
_FIELD = re.compile(r":(\d\d)([A-Z]?):(.*)")
_SUBFIELD = re.compile(r"\{(\w+):([^}]*)\}")
_AMOUNT = re.compile(r"\d+,\d*")
_NUMBERED = re.compile(r"([1-8])/(.*)")
_ACCOUNT = re.compile(r"/(?:[CD]/)?(.*)")  # /C/ and /D/ mark credit and debit accounts

# Per message type: field number -> (party or agent, {option letter: role}); "" is the option
# of a field written without a letter (59).
_PARTY, _AGENT = "party", "agent"
_CUSTOMER = {
    "50": (_PARTY, {"A": "debtor", "F": "debtor", "K": "debtor"}),
    "52": (_AGENT, {"A": "debtor_agent", "D": "debtor_agent"}),
    "56": (_AGENT, {"A": "intermediary_agent_1", "C": "intermediary_agent_1",
                    "D": "intermediary_agent_1"}),
    "57": (_AGENT, {o: "creditor_agent" for o in "ABCD"}),
    "59": (_PARTY, {"": "creditor", "A": "creditor", "F": "creditor"}),
}
_REIMBURSEMENT = {
    "53": (_AGENT, {o: "instructing_reimbursement_agent" for o in "ABD"}),
    "54": (_AGENT, {o: "instructed_reimbursement_agent" for o in "ABD"}),
    "55": (_AGENT, {o: "third_reimbursement_agent" for o in "ABD"}),
}
_ROLES = {
    "103": {**_CUSTOMER, **_REIMBURSEMENT},
    "202": {**_REIMBURSEMENT,
            "52": (_AGENT, {"A": "debtor_institution", "D": "debtor_institution"}),
            "56": (_AGENT, {"A": "intermediary_agent_1", "D": "intermediary_agent_1"}),
            "57": (_AGENT, {o: "creditor_agent" for o in "ABD"}),
            "58": (_AGENT, {"A": "creditor_institution", "D": "creditor_institution"})},
    "101": {**_CUSTOMER,
            "50": (_PARTY, {"C": "initiating_party", "L": "initiating_party",
                            "F": "debtor", "G": "debtor", "H": "debtor"}),
            "52": (_AGENT, {"A": "debtor_agent", "C": "debtor_agent"}),
            "57": (_AGENT, {o: "creditor_agent" for o in "ACD"})},
}
_COVER_ROLES = _CUSTOMER  # MT202 COV sequence B, with the underlying_ prefix

# Fields that must be there, per message type (MT101: per sequence, A then B).
_REQUIRED = {"103": ("20", "32A", "50", "59"), "202": ("20", "21", "32A", "58")}
_REQUIRED_COVER = ("50", "59")
_REQUIRED_101_A = ("20", "30")
_REQUIRED_101_B = ("21", "32B", "59")


@dataclass
class _Raw:
    """One message as split from the file: its blocks, where it starts, what went wrong."""

    line: int
    blocks: dict[str, str] = field(default_factory=dict)
    error: Rejected | None = None


@dataclass
class _Built:
    """What the fields read so far say (an MT101 copies sequence A's into each transaction)."""

    values: dict[str, object] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # fields read, as "32" and as "32A"
    parties: list[Party] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    remittance: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)

    def copy(self) -> _Built:
        return _Built(dict(self.values), set(self.seen), list(self.parties),
                      list(self.agents), list(self.remittance), list(self.instructions))


def iter_mt(text: str, source: str) -> Iterator[Payment | PaymentError]:
    """The payments of one file of SWIFT MT messages, in file order, with a
    :class:`PaymentError` in place of each message (or MT101 transaction) that cannot be read,
    naming the field (``32A``, ``block 2``) and why; the other messages go on."""
    index = 0
    for raw in _split(text.replace("\r\n", "\n")):
        if _is_service_message(raw):
            continue
        try:
            if raw.error is not None:
                raise raw.error
            built = _read_message(raw)
        except Rejected as exc:
            index += 1
            yield PaymentError(source, index, exc.field, exc.reason, raw.line)
            continue
        for item in built:
            index += 1
            if isinstance(item, Rejected):
                yield PaymentError(source, index, item.field, item.reason, raw.line)
            else:
                yield replace(item, source=source, message_index=index)


def _split(text: str) -> Iterator[_Raw]:
    """The messages of a file, each as its blocks."""
    position, line, line_at = 0, 1, 0
    current: _Raw | None = None
    last = 0  # the order of the last block of the current message
    while (found := _BLOCK.search(text, position)) is not None:
        start, block = found.start(), found.group(1)
        order = _BLOCK_ORDER[block]
        gap_separated = _SEPARATOR.search(text, position, start) is not None
        if current is not None and (gap_separated or order <= last):
            yield current
            current = None
        line += text.count("\n", line_at, start)
        line_at = start
        if current is None:
            current = _Raw(line)
        last = order
        end_of_message = _SEPARATOR.search(text, found.end())
        limit = end_of_message.start() if end_of_message else len(text)
        body = found.end()
        if block == "4" and text.startswith("\n", body):  # the text block, up to "-}"
            # Braces are not in SWIFT's character set: one inside a text block is the next
            # block, so an unended text block does not swallow the next message.
            brace = text.find("{", body, limit)
            if brace >= 0:
                limit = brace
            end = text.find("\n-}", body, limit)
            if end < 0:
                current.error = Rejected("block 4", "the text block does not end with '-}'")
                position = limit
                continue
            current.blocks[block] = text[body + 1:end]
            position = end + 3
        else:  # a header, trailer, or a block of {tag:value} sub-blocks: balanced braces
            depth, i = 1, body
            while i < limit and depth:
                if text[i] == "{":
                    depth += 1
                elif text[i] == "}":
                    depth -= 1
                i += 1
            if depth:
                current.error = Rejected(f"block {block}", "the block is not closed by '}'")
                position = limit
                continue
            current.blocks[block] = text[body:i - 1]
            position = i
    if current is not None:
        yield current


def _is_service_message(raw: _Raw) -> bool:
    basic = raw.blocks.get("1", "")
    return len(basic) >= 3 and basic[1:3] != "01"


def _read_message(raw: _Raw) -> list[Payment | Rejected]:
    """The payments of one message (several for an MT101), or Rejected for the message."""
    application = raw.blocks.get("2")
    if application is None:
        raise Rejected("block 2", "no application header {2:...}, so no message type")
    direction, kind = application[:1], application[1:4]
    if direction not in ("I", "O") or not kind.isdigit():
        raise Rejected("block 2", f"{application!r} is not an application header")
    if kind not in SUPPORTED:
        raise Rejected("block 2", f"unsupported message type MT{kind} "
                                  f"(read: {', '.join('MT' + k for k in SUPPORTED)})")
    text = raw.blocks.get("4")
    if text is None:
        raise Rejected("block 4", "no text block {4:...}")
    user = dict(_SUBFIELD.findall(raw.blocks.get("3", "")))
    cover = kind == "202" and user.get("119") == "COV"
    head = _Built()
    head.agents.extend(_correspondents(raw.blocks.get("1", ""), application))
    head.values["uetr"] = user.get("121")
    head.values["format"] = "MT202COV" if cover else f"MT{kind}"
    head.values["line"] = raw.line
    fields = _fields(text)
    if kind != "101":
        built = _read_fields(fields, kind, head)
        required = _REQUIRED[kind] + (_REQUIRED_COVER if cover else ())
        return [_payment(built, required)]
    # MT101: sequence A, then one sequence B per transaction, each starting at field 21.
    starts = [i for i, (tag, option, _lines) in enumerate(fields) if tag == "21" and not option]
    if not starts:
        raise Rejected("21", "missing: an MT101 needs at least one transaction")
    sequence_a = _read_fields(fields[:starts[0]], kind, head)
    for tag in _REQUIRED_101_A:
        if tag not in sequence_a.seen:
            raise Rejected(tag, "missing")
    results: list[Payment | Rejected] = []
    in_a = {p.role for p in sequence_a.parties}
    for begin, end in zip(starts, starts[1:] + [len(fields)]):
        try:
            built = _read_fields(fields[begin:end], kind, sequence_a.copy())
            for party in built.parties[len(sequence_a.parties):]:
                if party.role in in_a:  # the network rule (C2): in sequence A or in B, not both
                    raise Rejected(party.field, f"the {party.role.replace('_', ' ')} is in "
                                                f"sequence A already")
            results.append(_payment(built, _REQUIRED_101_B, debtor_required=True))
        except Rejected as exc:
            results.append(exc)
    return results


def _correspondents(basic: str, application: str) -> list[Agent]:
    """The sender and receiver: of an output message (O), the sender is in block 2 and the
    receiver in block 1; of an input message (I), the other way round."""
    if application[0] == "O":
        sender, receiver = (application[14:26], "block 2"), (basic[3:15], "block 1")
    else:
        sender, receiver = (basic[3:15], "block 1"), (application[4:16], "block 2")
    agents = []
    for role, (address, where) in (("sender", sender), ("receiver", receiver)):
        if not address:
            continue
        if len(address) != 12:
            raise Rejected(where, f"{address!r} is not a 12-character logical terminal address")
        # A logical terminal is the BIC8, a terminal letter, and the branch code.
        bic = check_bic(address[:8] + address[9:], where)
        agents.append(Agent(role=role, field=where, bic=bic, country=bic[4:6].lower()))
    return agents


def _fields(text: str) -> list[tuple[str, str, list[str]]]:
    """The fields of a text block: (number, option letter, lines)."""
    fields: list[tuple[str, str, list[str]]] = []
    for line in text.split("\n"):
        found = _FIELD.match(line)
        if found:
            fields.append((found.group(1), found.group(2), [found.group(3).rstrip()]))
        elif fields:
            fields[-1][2].append(line.rstrip())
        elif line.strip():
            raise Rejected("block 4", f"text before the first field: {line.strip()!r}")
    return fields


def _read_fields(fields, kind: str, built: _Built) -> _Built:
    roles = _ROLES[kind]
    prefix = ""
    for tag, option, lines in fields:
        name = tag + option
        if kind == "202" and tag == "50":  # sequence B of a cover payment begins
            roles, prefix = _COVER_ROLES, UNDERLYING
        built.seen.update((tag, name))
        if tag in roles:
            what, by_option = roles[tag]
            if option not in by_option:
                raise Rejected(name, f"option {option or '(none)'} is not allowed for field "
                                     f"{tag} in MT{kind}")
            role = prefix + by_option[option]
            if what == _PARTY:
                built.parties.append(_party(role, name, option, lines))
            else:
                built.agents.append(_agent(role, name, option, lines))
        elif tag == "20":
            built.values["message_id"] = lines[0].strip()
        elif name == "21":  # MT202: the related reference; MT101: the transaction's
            key = "end_to_end_id" if kind == "202" else "transaction_id"
            built.values[key] = lines[0].strip()
        elif name == "32A":
            value = lines[0].strip()
            if len(value) < 10:
                raise Rejected(name, f"{value!r} is not a date (YYMMDD), currency and amount")
            built.values["settlement_date"] = _yymmdd(value[:6], name)
            built.values["amount"] = (_amount(value[9:], name),
                                      check_currency(value[6:9], name))
        elif name == "32B":
            value = lines[0].strip()
            built.values["amount"] = (_amount(value[3:], name), check_currency(value[:3], name))
        elif tag == "30":
            built.values["requested_date"] = _yymmdd(lines[0].strip(), name)
        elif tag == "70":
            built.remittance.extend(line for line in lines if line.strip())
        elif tag == "72" or name == "23E":
            built.instructions.extend(line for line in lines if line.strip())
    return built


def _payment(built: _Built, required: tuple[str, ...], debtor_required: bool = False) -> Payment:
    for tag in required:
        if tag not in built.seen:
            raise Rejected(tag, "missing")
    if debtor_required and not any(p.role == "debtor" for p in built.parties):
        raise Rejected("50", "missing: no ordering customer (50F, 50G or 50H)")
    values = built.values
    amount, currency = values["amount"]
    return Payment(
        source="", message_index=0, format=values["format"], amount=amount, currency=currency,
        line=values["line"], message_id=values.get("message_id"),
        end_to_end_id=values.get("end_to_end_id"), transaction_id=values.get("transaction_id"),
        uetr=values.get("uetr"), settlement_date=values.get("settlement_date"),
        requested_date=values.get("requested_date"), parties=tuple(built.parties),
        agents=tuple(built.agents), remittance=tuple(built.remittance),
        instructions=tuple(built.instructions))


def _amount(text: str, name: str) -> Decimal:
    """An MT amount: digits with one decimal comma (``1814,28``, ``19999,``)."""
    if _AMOUNT.fullmatch(text) is None or len(text) > 15:
        raise Rejected(name, f"amount {text!r} is not digits with one decimal comma")
    return Decimal(text.replace(",", "."))


def _yymmdd(text: str, name: str) -> str:
    try:
        if len(text) == 6 and text.isdigit():
            return datetime.strptime(text, "%y%m%d").date().isoformat()
    except ValueError:
        pass
    raise Rejected(name, f"{text!r} is not a date YYMMDD")


def _account(line: str) -> str | None:
    """The account of a ``/...`` line, None if it names none (``/-``)."""
    found = _ACCOUNT.fullmatch(line.strip())
    value = found.group(1).strip() if found else line.strip()
    return value if any(c.isalnum() for c in value) else None


def _party(role: str, name: str, option: str, lines: list[str]) -> Party:
    lines = [line for line in lines if line.strip()]
    if option == "F":
        return _structured_party(role, name, lines)
    account = None
    if lines and lines[0].startswith("/"):
        account = _account(lines.pop(0))
    if option in ("A", "C", "G"):  # a BIC
        if not lines:
            raise Rejected(name, "no BIC")
        return Party(role=role, field=name, bic=check_bic(lines[0].strip(), name),
                     account=account)
    if option == "L":  # a party identifier only
        value = " ".join(line.strip() for line in lines)
        return Party(role=role, field=name, ids=(PartyId(IdKind.OTHER, value),))
    # K, H and 59 without a letter: the name, then the address.
    return Party(role=role, field=name, name=lines[0].strip() if lines else None,
                 address_lines=tuple(line.strip() for line in lines[1:]), account=account)


def _structured_party(role: str, name: str, lines: list[str]) -> Party:
    """50F / 59F: a party identifier (or account) line, then numbered lines: 1/ name,
    2/ address, 3/ country and town, 4/ birth date, 5/ birth country and place, 6/ customer
    id (country/issuer/id), 7/ national id (country/id), 8/ the continuation of the line
    before."""
    account = None
    names: list[str] = []
    address: list[str] = []
    ids: list[list] = []  # [kind, value, scheme, issuer, country], frozen at the end
    country = birth_date = birth_place = birth_country = None
    if lines and _NUMBERED.fullmatch(lines[0].strip()) is None:
        first = lines.pop(0).strip()
        if first.startswith("/"):
            account = _account(first)
        else:  # CODE/CC/identifier, or CODE/CC/issuer/identifier for CUST, DRLC, EMPL
            code, _, rest = first.partition("/")
            issuing, _, value = rest.partition("/")
            issuer = None
            if code in ("CUST", "DRLC", "EMPL") and "/" in value:
                issuer, _, value = value.partition("/")
            ids.append([SCHEME_KINDS.get(code, IdKind.OTHER), value, code, issuer,
                        check_country(issuing, name) if issuing else None])
    previous = None
    for line in lines:
        found = _NUMBERED.fullmatch(line.strip())
        if found is None:
            raise Rejected(name, f"line {line.strip()!r} does not start with 1/ to 8/")
        number, text = found.group(1), found.group(2).strip()
        if number == "8":  # continues the line before
            number = previous
            if number is None:
                raise Rejected(name, "8/ has no line before it to continue")
            if number in ("6", "7"):
                ids[-1][1] += text
                continue
            if number == "1":
                names.append(text)
            elif number == "5":
                birth_place = f"{birth_place} {text}".strip()
            else:
                address.append(text)
            continue
        previous = number
        if number == "1":
            names.append(text)
        elif number == "2":
            address.append(text)
        elif number == "3":
            code, _, town = text.partition("/")
            country = check_country(code, name)
            if town:
                address.append(town)
        elif number == "4":
            if len(text) != 8 or not text.isdigit():
                raise Rejected(name, f"birth date {text!r} is not YYYYMMDD")
            try:
                birth_date = datetime.strptime(text, "%Y%m%d").date().isoformat()
            except ValueError:
                raise Rejected(name, f"birth date {text!r} is not a date") from None
        elif number == "5":
            code, _, birth_place = text.partition("/")
            birth_country = check_country(code, name)
        elif number == "6":
            code, _, rest = text.partition("/")
            issuer, _, value = rest.partition("/")
            ids.append([IdKind.OTHER, value, "CUST", issuer or None, check_country(code, name)])
        elif number == "7":
            code, _, value = text.partition("/")
            ids.append([IdKind.NATIONAL_ID, value, "NIDN", None, check_country(code, name)])
    return Party(role=role, field=name, name=" ".join(names) or None,
                 address_lines=tuple(address), country=country, account=account,
                 ids=tuple(PartyId(*i) for i in ids), birth_date=birth_date,
                 birth_place=birth_place or None, birth_country=birth_country)


def _agent(role: str, name: str, option: str, lines: list[str]) -> Agent:
    lines = [line.strip() for line in lines if line.strip()]
    account = clearing = None
    if lines and lines[0].startswith("/"):
        first = lines.pop(0)
        if first.startswith("//"):  # a clearing code: //FW121000358, //RT
            clearing = first[2:]
        else:
            account = _account(first)
    bic = agent_name = None
    address: tuple[str, ...] = ()
    if option == "A":
        if not lines:
            raise Rejected(name, "no BIC")
        bic = check_bic(lines[0], name)
    elif option == "B":  # a location
        address = tuple(lines)
    elif option == "D":
        agent_name = lines[0] if lines else None
        address = tuple(lines[1:])
    return Agent(role=role, field=name, bic=bic, name=agent_name,
                 country=bic[4:6].lower() if bic else None, clearing_id=clearing,
                 account=account, address_lines=address)
