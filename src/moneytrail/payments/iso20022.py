"""ISO 20022 payment messages: pacs.008, pacs.009, pain.001 and pain.008, every version.

Elements are read by their local names, whatever the namespace, so every version of a message
(pacs.008.001.01 to .001.13, pain.001.001.03 to .13, ...) goes through one code path: the
versions rename little that matters here (``BIC`` became ``BICFI``, ``BICOrBEI`` became
``AnyBIC``, ``ReqdExctnDt`` gained a ``Dt`` child), and both spellings are read.

The file is streamed (``lxml.etree.iterparse``): each transaction is turned into a
:class:`Payment` when its end tag is read and then freed, so a file of any size takes little
memory. What a transaction inherits is read once per block: the group header (message id,
creation time, settlement date, instructing/instructed and reimbursement agents, pain's
initiating party) and, in pain, the payment information block (pain.001's debtor, debtor
account and agent; pain.008's creditor side). A transaction's own element wins over an
inherited one of the same name. A business application header (``AppHdr``, in an envelope
beside the ``Document``) gives the sender and receiver.

Safety: a file with a DTD is refused before parsing (no entity can then be declared, so none
can expand: no "billion laughs", no external entities), and lxml runs with entity resolution
and network access off besides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from lxml import etree

from moneytrail.model import IdKind, Schema
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
    check_date,
)

#: Message definitions read (``pacs.008`` covers pacs.008.001.01 to .001.13, and so on).
SUPPORTED = ("pacs.008", "pacs.009", "pain.001", "pain.008")

_DEFINITION = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})")
# The message element under Document, for a Document that has no namespace.
_MESSAGE_ELEMENTS = {"FIToFICstmrCdtTrf": "pacs.008", "FICdtTrf": "pacs.009",
                     "CstmrCdtTrfInitn": "pain.001", "CstmrDrctDbtInitn": "pain.008"}
# A transaction is not a payment without its amount and these parties.
_REQUIRED = {"pacs.008": ("Dbtr", "Cdtr"), "pacs.009": ("Dbtr", "Cdtr"),
             "pain.001": ("Dbtr",), "pain.008": ("Cdtr", "Dbtr")}

_PARTY_ROLES = {"Dbtr": "debtor", "Cdtr": "creditor", "UltmtDbtr": "ultimate_debtor",
                "UltmtCdtr": "ultimate_creditor", "InitgPty": "initiating_party",
                "ChqFr": "cheque_from", "DlvrTo": "cheque_deliver_to"}
_AGENT_ROLES = {
    "InstgAgt": "instructing_agent", "InstdAgt": "instructed_agent",
    "PrvsInstgAgt1": "previous_instructing_agent_1",
    "PrvsInstgAgt2": "previous_instructing_agent_2",
    "PrvsInstgAgt3": "previous_instructing_agent_3",
    "DbtrAgt": "debtor_agent", "CdtrAgt": "creditor_agent",
    "IntrmyAgt1": "intermediary_agent_1", "IntrmyAgt2": "intermediary_agent_2",
    "IntrmyAgt3": "intermediary_agent_3",
    "InstgRmbrsmntAgt": "instructing_reimbursement_agent",
    "InstdRmbrsmntAgt": "instructed_reimbursement_agent",
    "ThrdRmbrsmntAgt": "third_reimbursement_agent",
    "FwdgAgt": "forwarding_agent", "ChrgsAcctAgt": "charges_account_agent"}
_ACTORS = frozenset(_PARTY_ROLES) | frozenset(_AGENT_ROLES)
_ACCOUNTS = {name + "Acct": name for name in _ACTORS}  # DbtrAcct is the account of Dbtr

# Identification scheme codes (ISO external code lists; MT 50F uses the person codes) and the
# identifier kinds the screener compares; any other code is kept as IdKind.OTHER.
SCHEME_KINDS = {"CCPT": IdKind.PASSPORT, "NIDN": IdKind.NATIONAL_ID, "TXID": IdKind.TAX_ID,
                "CINC": IdKind.REGISTRATION, "COID": IdKind.REGISTRATION,
                "SREN": IdKind.REGISTRATION, "SRET": IdKind.REGISTRATION}
# pacs.008.001.01 and the first pain versions name each identifier by its own element.
_OLD_ID_KINDS = {"PsptNb": IdKind.PASSPORT, "IdntyCardNb": IdKind.NATIONAL_ID,
                 "TaxIdNb": IdKind.TAX_ID, "DrvrsLicNb": IdKind.OTHER,
                 "SclSctyNb": IdKind.OTHER, "AlnRegnNb": IdKind.OTHER,
                 "MplyrIdNb": IdKind.OTHER, "BEI": IdKind.OTHER, "IBEI": IdKind.OTHER,
                 "EANGLN": IdKind.OTHER, "USCHU": IdKind.OTHER, "DUNS": IdKind.OTHER,
                 "BkPtyId": IdKind.OTHER}
_BIC_ELEMENTS = frozenset({"BICFI", "BIC", "AnyBIC", "BICOrBEI"})
_AMOUNT = re.compile(r"\d+(?:\.\d*)?|\.\d+")
# How much of a file _refuse_doctype sees: a prolog longer than this is refused.
HEAD_BYTES = 65536


_LOCAL_NAMES: dict[str, str] = {}


def _local(tag: str) -> str:
    """The local name of a tag (``{urn:...}Dbtr`` -> ``Dbtr``), remembered: a file repeats a
    few hundred tags at most, and the lookup is the parser's most frequent call."""
    try:
        return _LOCAL_NAMES[tag]
    except KeyError:
        name = tag[tag.find("}") + 1:]
        if len(_LOCAL_NAMES) < 50_000:  # a file of made-up tags cannot grow it without end
            _LOCAL_NAMES[tag] = name
        return name


def _text(element) -> str:
    return (element.text or "").strip()


@dataclass
class _Fields:
    """What one level of a message (header, payment block, transaction) says; the levels of
    a transaction are merged into one before it becomes a Payment."""

    values: dict[str, object] = field(default_factory=dict)
    actors: dict[str, Party | Agent | None] = field(default_factory=dict)  # None: being read
    remittance: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)

    def merged(self, other: _Fields) -> _Fields:
        return _Fields({**self.values, **other.values}, {**self.actors, **other.actors},
                       self.remittance + other.remittance,
                       self.instructions + other.instructions)


def _read_level(element, path: str, out: _Fields, prefix: str = "") -> None:
    """Reads the children of one level into ``out``; raises Rejected on a bad value."""
    actors: dict[str, object] = {}
    accounts: dict[str, object] = {}
    for child in element:
        name = _local(child.tag)
        if name in _ACTORS:
            actors[name] = child
            out.actors[prefix + name] = None  # holds its place in document order until built
        elif name in _ACCOUNTS:
            accounts[_ACCOUNTS[name]] = child
        else:
            handler = _HANDLERS.get(name)
            if handler is not None:
                handler(child, f"{path}/{name}", out, prefix)
    for name, child in actors.items():
        where = f"{path}/{name}"
        account = _account(accounts[name]) if name in accounts else None
        out.actors[prefix + name] = _actor(child, name, where, account, prefix)


def _actor(element, name: str, path: str, account: str | None, prefix: str) -> Party | Agent:
    if name in _AGENT_ROLES:
        return _agent(element, prefix + _AGENT_ROLES[name], path, account)
    role = prefix + _PARTY_ROLES[name]
    for child in element:
        if _local(child.tag) == "FinInstnId":  # pacs.009: the debtor is itself a bank
            return _agent(element, role + "_institution", path, account)
    return _party(element, role, path, account)


def _party(element, role: str, path: str, account: str | None) -> Party:
    name = residence = bic = None
    schema = None
    lines: tuple[str, ...] = ()
    country = None
    ids: list[PartyId] = []
    birth: dict[str, str] = {}
    for child in element:
        tag = _local(child.tag)
        if tag == "Nm":
            name = _text(child) or None
        elif tag in ("PstlAdr", "Adr"):
            lines, country = _address(child, f"{path}/{tag}")
        elif tag == "Id":
            schema, bic = _identification(child, f"{path}/Id", ids, birth)
        elif tag == "CtryOfRes":
            residence = check_country(_text(child), f"{path}/CtryOfRes")
    return Party(role=role, field=path.rpartition("/")[2], name=name, schema=schema,
                 address_lines=lines, country=country, country_of_residence=residence,
                 bic=bic, account=account, ids=tuple(ids), birth_date=birth.get("date"),
                 birth_place=birth.get("place"), birth_country=birth.get("country"))


def _identification(element, path: str, ids: list[PartyId],
                    birth: dict[str, str]) -> tuple[Schema | None, str | None]:
    """Reads Id/OrgId or Id/PrvtId into ``ids`` and ``birth``; returns the schema and BIC."""
    schema = bic = None
    for kind_element in element:
        kind = _local(kind_element.tag)
        if kind == "OrgId":
            schema = Schema.ORGANIZATION
        elif kind == "PrvtId":
            schema = Schema.PERSON
        else:
            continue
        where = f"{path}/{kind}"
        for child in kind_element:
            tag = _local(child.tag)
            if tag in _BIC_ELEMENTS:
                bic = check_bic(_text(child), f"{where}/{tag}")
            elif tag == "LEI":
                ids.append(PartyId(IdKind.LEI, _text(child), "LEI"))
            elif tag in ("Othr", "PrtryId", "OthrId"):
                ids.append(_generic_id(child))
            elif tag in _OLD_ID_KINDS:
                ids.append(PartyId(_OLD_ID_KINDS[tag], _text(child), tag))
            elif tag == "DtAndPlcOfBirth":
                _birth(child, f"{where}/{tag}", birth)
    return schema, bic


def _generic_id(element) -> PartyId:
    value = scheme = issuer = None
    for child in element:
        tag = _local(child.tag)
        if tag == "Id":
            value = _text(child)
        elif tag in ("SchmeNm", "IdTp"):
            scheme = _code(child) if len(child) else _text(child)
        elif tag == "Issr":
            issuer = _text(child) or None
    return PartyId(SCHEME_KINDS.get(scheme or "", IdKind.OTHER), value or "", scheme, issuer)


def _birth(element, path: str, birth: dict[str, str]) -> None:
    city = province = None
    for child in element:
        tag = _local(child.tag)
        if tag == "BirthDt":
            birth["date"] = check_date(_text(child), f"{path}/BirthDt")
        elif tag == "CityOfBirth":
            city = _text(child)
        elif tag == "PrvcOfBirth":
            province = _text(child)
        elif tag == "CtryOfBirth":
            birth["country"] = check_country(_text(child), f"{path}/CtryOfBirth")
    place = ", ".join(p for p in (city, province) if p)
    if place:
        birth["place"] = place


# How the structured parts of a postal address become lines: each tuple is one line, its
# parts joined by a space, in the order an envelope is written.
_ADDRESS_LINES = (("CareOf",), ("Dept",), ("SubDept",), ("StrtNm", "BldgNb"), ("BldgNm",),
                  ("Flr",), ("UnitNb",), ("Room",), ("PstBx",), ("PstCd", "TwnNm"),
                  ("TwnLctnNm",), ("DstrctNm",), ("CtrySubDvsn",))


def _address(element, path: str) -> tuple[tuple[str, ...], str | None]:
    parts: dict[str, str] = {}
    free: list[str] = []
    country = None
    for child in element:
        tag = _local(child.tag)
        if tag == "AdrLine":
            if line := _text(child):
                free.append(line)
        elif tag == "Ctry":
            country = check_country(_text(child), f"{path}/Ctry")
        elif tag != "AdrTp":
            parts[tag] = _text(child)
    lines = []
    if parts:
        for group in _ADDRESS_LINES:
            line = " ".join(parts[p] for p in group if parts.get(p))
            if line:
                lines.append(line)
    lines.extend(free)
    return tuple(lines), country


def _agent(element, role: str, path: str, account: str | None) -> Agent:
    found: dict[str, object] = {}
    for child in element:
        if _local(child.tag) == "FinInstnId":
            _institution(child, f"{path}/FinInstnId", found)
    bic = found.get("bic")
    country = found.get("country") or (bic[4:6].lower() if bic else None)
    return Agent(role=role, field=path.rpartition("/")[2], bic=bic, name=found.get("name"),
                 country=country, clearing_id=found.get("clearing"), lei=found.get("lei"),
                 account=account, address_lines=found.get("lines", ()))


def _institution(element, path: str, found: dict[str, object]) -> None:
    for child in element:
        tag = _local(child.tag)
        if tag in _BIC_ELEMENTS:
            found["bic"] = check_bic(_text(child), f"{path}/{tag}")
        elif tag == "Nm":
            found["name"] = _text(child) or None
        elif tag == "PstlAdr":
            found["lines"], found["country"] = _address(child, f"{path}/PstlAdr")
        elif tag == "LEI":
            found["lei"] = _text(child)
        elif tag == "ClrSysMmbId":
            system = member = None
            for part in child:
                name = _local(part.tag)
                if name == "ClrSysId":
                    system = _code(part) if len(part) else _text(part)
                elif name in ("MmbId", "Id"):  # Id: pacs.008.001.01
                    member = _text(part)
            if member:
                found["clearing"] = f"{system}:{member}" if system else member
        elif tag in ("NmAndAdr", "CmbndId"):  # pacs.008.001.01's nested forms
            _institution(child, f"{path}/{tag}", found)


def _account(element) -> str | None:
    """The IBAN or other account number of a cash account (or its proxy, if that is all)."""
    proxy = None
    for child in element:
        tag = _local(child.tag)
        if tag == "Id":
            for choice in child:
                name = _local(choice.tag)
                if len(choice):  # Othr/Id, PrtryAcct/Id
                    for part in choice:
                        if _local(part.tag) == "Id":
                            return _text(part) or None
                elif name != "Tp":
                    return _text(choice) or None  # IBAN, BBAN, UPIC
        elif tag == "Prxy":
            proxy = next((_text(p) for p in child if _local(p.tag) == "Id"), None)
    return proxy


def _code(element) -> str | None:
    """The Cd or Prtry of a code-or-proprietary choice."""
    for child in element:
        if _local(child.tag) in ("Cd", "Prtry"):
            return _text(child) or None
    return None


# Handlers of the scalar elements: (element, its path, the level being read, role prefix).
def _set(key: str):
    def handler(element, path, out, prefix):
        if not prefix:
            out.values[key] = _text(element) or None
    return handler


def _date(key: str):
    def handler(element, path, out, prefix):
        if not prefix:
            value = _text(element)
            if not value and len(element):  # ReqdExctnDt/Dt or /DtTm from pain.001.001.08
                value = _text(element[0])
                path = f"{path}/{_local(element[0].tag)}"
            out.values[key] = check_date(value, path)
    return handler


def _created(element, path, out, prefix) -> None:
    value = _text(element)
    check_date(value, path)
    out.values["created"] = value


def _amount(key: str):
    def handler(element, path, out, prefix):
        if prefix:
            return  # the underlying transfer's amount is not the cover's
        if len(element):  # pain.001 Amt: InstdAmt, or EqvtAmt/Amt
            for child in element:
                if _local(child.tag) in ("InstdAmt", "EqvtAmt", "Amt"):
                    handler(child, f"{path}/{_local(child.tag)}", out, prefix)
            return
        text = _text(element)
        if _AMOUNT.fullmatch(text) is None:
            raise Rejected(path, f"amount {text!r} is not a decimal number")
        currency = element.get("Ccy")
        if currency is None:
            raise Rejected(path, "no Ccy attribute")
        out.values[key] = (Decimal(text), check_currency(currency, f"{path}/@Ccy"))
    return handler


def _payment_id(element, path, out, prefix) -> None:
    if prefix:
        return
    for child in element:
        key = _PAYMENT_IDS.get(_local(child.tag))
        if key:
            out.values[key] = _text(child) or None


_PAYMENT_IDS = {"InstrId": "instruction_id", "EndToEndId": "end_to_end_id",
                "TxId": "transaction_id", "UETR": "uetr"}


def _purpose(element, path, out, prefix) -> None:
    if not prefix:
        out.values["purpose"] = _code(element)


def _remittance(element, path, out, prefix) -> None:
    for child in element:
        tag = _local(child.tag)
        if tag == "Ustrd":
            if text := _text(child):
                out.remittance.append(text)
        elif tag == "Strd":
            for part in child.iter():
                name = _local(part.tag)
                wanted = name == "AddtlRmtInf" or (
                    name == "Ref" and _local(part.getparent().tag) == "CdtrRefInf")
                if wanted and (text := _text(part)):
                    out.remittance.append(text)


def _instruction(element, path, out, prefix) -> None:
    """An instruction to an agent: its code and text on one line (``PHOB +49 30 1234``)."""
    parts = [_text(c) for c in element] if len(element) else [_text(element)]
    if text := " ".join(p for p in parts if p):
        out.instructions.append(text)


def _nested(element, path, out, prefix) -> None:
    _read_level(element, path, out, prefix)


def _underlying(element, path, out, prefix) -> None:
    _read_level(element, path, out, UNDERLYING)


_HANDLERS = {
    "MsgId": _set("message_id"), "CreDtTm": _created,
    "IntrBkSttlmDt": _date("settlement_date"), "ReqdExctnDt": _date("requested_date"),
    "ReqdColltnDt": _date("requested_date"),
    "PmtId": _payment_id, "IntrBkSttlmAmt": _amount("settlement_amount"),
    "InstdAmt": _amount("instructed_amount"), "Amt": _amount("instructed_amount"),
    "Purp": _purpose, "RmtInf": _remittance,
    "InstrForCdtrAgt": _instruction, "InstrForNxtAgt": _instruction,
    "InstrForDbtrAgt": _instruction,
    "SttlmInf": _nested, "ChqInstr": _nested, "UndrlygCstmrCdtTrf": _underlying,
}


def _refuse_doctype(head: bytes) -> str | None:
    """Why a document whose first bytes are ``head`` is refused, or None: a DTD anywhere in
    the prolog (before the root element) is refused, as is a prolog too long to check."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("latin-1")
    position = 0
    while True:
        while position < len(text) and text[position] in "\ufeff\xef\xbb\xbf \t\r\n":
            position += 1
        if text.startswith("<?", position):
            close = "?>"
        elif text.startswith("<!--", position):
            close = "-->"
        elif text.startswith("<!DOCTYPE", position):
            return "a DTD (<!DOCTYPE>) is not accepted in a payment message"
        else:
            return None
        end = text.find(close, position)
        if end < 0:
            # A prolog cut off by the end of the head: too long to check. One cut off by the
            # end of the file is lxml's to report as not well-formed.
            return "the XML prolog is longer than 64 KiB" if len(head) >= HEAD_BYTES else None
        position = end + len(close)


_TAGS = ("{*}CdtTrfTxInf", "{*}DrctDbtTxInf", "{*}AppHdr")


def iter_iso20022(stream: BinaryIO, source: str) -> Iterator[Payment | PaymentError]:
    """The payments of one ISO 20022 file, in file order, with a :class:`PaymentError` in place
    of each transaction that cannot be read; the others go on.

    ``stream`` is the file's bytes from its start, and seekable. A document of a message type
    this module does not read gives one error (``field`` ``Document``). A file with a DTD is
    one error with no message index, and so is a file that is not well-formed XML, naming the
    line and column; the payments before that point have been yielded by then.
    """
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    refusal = _refuse_doctype(head)
    if refusal is not None:
        yield PaymentError(source, None, None, refusal)
        return
    yield from _Reader(source).read(stream)


@dataclass
class _Context:
    """What the transactions of one message share."""

    definition: str | None
    kind: str | None
    group: _Fields | Rejected
    reported: bool = False  # an unsupported message is reported once, not per transaction


class _Reader:
    """Reads one file's transactions, keeping what they inherit from the message around them."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.index = 0
        self.header: _Fields | Rejected | None = None  # from the last AppHdr, for the next message
        self.header_definition: str | None = None
        self.message = None  # the message element (FIToFICstmrCdtTrf ...) being read
        self.context: _Context | None = None
        self.block = None  # the PmtInf being read, and what its transactions inherit
        self.block_fields: _Fields | Rejected | None = None
        self.seen: list = []  # message elements read; held so that `is` compares them

    def read(self, stream: BinaryIO) -> Iterator[Payment | PaymentError]:
        events = etree.iterparse(stream, events=("end",), tag=_TAGS, resolve_entities=False,
                                 load_dtd=False, no_network=True, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
        try:
            for _event, element in events:
                if _local(element.tag) == "AppHdr":
                    self._read_app_header(element)
                    continue
                result = self._transaction(element)
                if result is not None:
                    yield result
                # Free what is read: the transaction and everything before it in its parent
                # (header and block fields are kept in the context by now).
                element.clear()
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            line, column = exc.position
            yield PaymentError(self.source, None, None,
                               f"not well-formed XML at line {line}, column {column}: "
                               f"{exc.msg}", line)
            return
        yield from self._unread_documents(events.root)

    def _read_app_header(self, element) -> None:
        header = _Fields()
        self.header_definition = None
        try:
            for child in element:
                tag = _local(child.tag)
                if tag in ("Fr", "To"):
                    role = "sender" if tag == "Fr" else "receiver"
                    # Only a bank sender or receiver (FIId) is an agent; a corporate one
                    # (OrgId) is the initiating party or debtor of the message already.
                    for bank in child:
                        if _local(bank.tag) == "FIId":
                            header.actors[role] = _agent(bank, role, f"AppHdr/{tag}", None)
                elif tag == "MsgDefIdr":
                    self.header_definition = _text(child) or None
        except Rejected as exc:
            self.header = exc
            return
        self.header = header

    def _transaction(self, element) -> Payment | PaymentError | None:
        parent = element.getparent()
        if parent is None:  # a bare transaction, with no message around it
            block, message = None, element
        elif _local(parent.tag) == "PmtInf":
            block, message = parent, parent.getparent()
        else:
            block, message = None, parent
        if message is not self.message:
            self._start_message(message)
        context = self.context
        line = element.sourceline
        if context.kind not in SUPPORTED:
            if context.reported:
                return None
            context.reported = True
            self.index += 1
            return PaymentError(self.source, self.index, "Document",
                                _unsupported(context.definition, message), line)
        self.index += 1
        name = _local(element.tag)
        try:
            if isinstance(context.group, Rejected):
                raise context.group
            fields = context.group
            if block is not None:
                if block is not self.block:
                    self.block, self.block_fields = block, _read_block(block)
                if isinstance(self.block_fields, Rejected):
                    raise self.block_fields
                fields = fields.merged(self.block_fields)
            own = _Fields()
            _read_level(element, name, own)
            return self._payment(fields.merged(own), context, name, line)
        except Rejected as exc:
            return PaymentError(self.source, self.index, exc.field, exc.reason, line)

    def _start_message(self, message) -> None:
        self.message = message
        self.seen.append(message)
        self.block = self.block_fields = None
        definition = self._definition(message)
        kind = definition[:8] if definition else None
        group: _Fields | Rejected = _Fields()
        if isinstance(self.header, Rejected):
            group = self.header
        elif kind in SUPPORTED:
            try:
                for child in message:
                    if _local(child.tag) == "GrpHdr":
                        _read_level(child, "GrpHdr", group)
                if self.header is not None:
                    group = self.header.merged(group)
            except Rejected as exc:
                group = exc
        self.header = self.header_definition = None  # a header belongs to one message
        self.context = _Context(definition, kind, group)

    def _definition(self, message) -> str | None:
        """The message definition (``pacs.008.001.08``): from the Document's namespace, else
        the application header's MsgDefIdr, else the message element's name (no version)."""
        found = _DEFINITION.search(message.tag)
        if found:
            return found.group(1)
        return self.header_definition or _MESSAGE_ELEMENTS.get(_local(message.tag))

    def _payment(self, fields: _Fields, context: _Context, name: str,
                 line: int | None) -> Payment:
        values = fields.values
        amount = values.get("settlement_amount") or values.get("instructed_amount")
        if amount is None:
            element = "IntrBkSttlmAmt" if context.kind.startswith("pacs") else \
                "Amt" if context.kind == "pain.001" else "InstdAmt"
            raise Rejected(f"{name}/{element}", "missing")
        for required in _REQUIRED[context.kind]:
            if required not in fields.actors:
                raise Rejected(required, "missing")
        actors = fields.actors.values()
        return Payment(
            source=self.source, message_index=self.index, format=context.definition,
            amount=amount[0], currency=amount[1], line=line,
            message_id=values.get("message_id"), instruction_id=values.get("instruction_id"),
            end_to_end_id=values.get("end_to_end_id"),
            transaction_id=values.get("transaction_id"), uetr=values.get("uetr"),
            created=values.get("created"), settlement_date=values.get("settlement_date"),
            requested_date=values.get("requested_date"),
            parties=tuple(a for a in actors if isinstance(a, Party)),
            agents=tuple(a for a in actors if isinstance(a, Agent)),
            remittance=tuple(fields.remittance), instructions=tuple(fields.instructions),
            purpose=values.get("purpose"))

    def _unread_documents(self, root) -> Iterator[PaymentError]:
        """Errors for the documents no transaction was read from: an unsupported message
        type, a message without transactions, or a file that holds no ISO document."""
        documents = list(root.iter("{*}Document"))
        if not documents and not self.seen:
            yield PaymentError(self.source, None, None,
                               f"not an ISO 20022 message: the root element is "
                               f"<{_local(root.tag)}>", root.sourceline)
        for document in documents:
            message = document[0] if len(document) else None
            if message is not None and any(message is seen for seen in self.seen):
                continue
            self.index += 1
            if message is None:
                reason = "the Document is empty"
            else:
                definition = self._definition(message)
                reason = _unsupported(definition, message) \
                    if not definition or definition[:8] not in SUPPORTED \
                    else "the message holds no transaction"
            yield PaymentError(self.source, self.index, "Document", reason, document.sourceline)


def _read_block(block) -> _Fields | Rejected:
    """What the transactions of a pain payment information block (PmtInf) inherit."""
    fields = _Fields()
    try:
        _read_level(block, "PmtInf", fields)
    except Rejected as exc:
        return exc
    return fields


def _unsupported(definition: str | None, message) -> str:
    what = definition or f"<{_local(message.tag)}>"
    return f"unsupported message type {what} (read: {', '.join(SUPPORTED)})"
