"""One payment model for every message format: ISO 20022 pacs/pain and SWIFT MT.

Every parser turns one transaction into one :class:`Payment`, whatever the format, so screening
and reporting read parties and agents the same way for a pacs.008 and an MT103. A transaction
that cannot be read becomes a :class:`PaymentError` instead, and the others go on.

Conventions (those of :mod:`moneytrail.model`):

- Country codes are ISO 3166-1 alpha-2 in lower case (``kp``), as everywhere in moneytrail,
  though the messages write them in upper case.
- Dates are ISO 8601 strings (``2026-01-15``); ``created`` keeps the message's date-time.
- Amounts are :class:`~decimal.Decimal`, never floats; currencies three upper-case letters.
- Tuples keep the order of the message.

Roles: one vocabulary for all formats, that of ISO 20022, so nothing downstream branches on the
format. SWIFT MT fields map to it as SWIFT's own MT-to-ISO translation (CBPR+) maps them, and
each party and agent keeps the field it came from (``field``: ``50K``, ``Dbtr``) so the
original is never lost.

Party roles (a person or organisation), with the ISO 20022 element and the MT field:

- ``debtor``: ``Dbtr``; 50a ordering customer (MT101: 50F/G/H)
- ``creditor``: ``Cdtr``; 59a beneficiary customer
- ``ultimate_debtor``, ``ultimate_creditor``: ``UltmtDbtr``, ``UltmtCdtr``
- ``initiating_party``: ``InitgPty``; MT101 50C/L instructing party
- ``cheque_from``, ``cheque_deliver_to``: pain.001 ``ChqInstr/ChqFr``, ``ChqInstr/DlvrTo``

Agent roles (a financial institution):

- ``sender``, ``receiver``: the business application header's ``Fr``/``To``; MT blocks 1 and 2
- ``instructing_agent``, ``instructed_agent``: ``InstgAgt``, ``InstdAgt``
- ``previous_instructing_agent_1`` to ``_3``: ``PrvsInstgAgt1`` to ``3``
- ``debtor_agent``: ``DbtrAgt``; 52a ordering institution (MT103, MT101)
- ``creditor_agent``: ``CdtrAgt``; 57a account with institution
- ``intermediary_agent_1`` to ``_3``: ``IntrmyAgt1`` to ``3``; 56a intermediary (the first)
- ``instructing_reimbursement_agent``: ``SttlmInf/InstgRmbrsmntAgt``; 53a sender's correspondent
- ``instructed_reimbursement_agent``: ``SttlmInf/InstdRmbrsmntAgt``; 54a receiver's
  correspondent
- ``third_reimbursement_agent``: ``SttlmInf/ThrdRmbrsmntAgt``; 55a
- ``forwarding_agent``, ``charges_account_agent``: pain ``FwdgAgt``, ``ChrgsAcctAgt``
- ``debtor_institution``, ``creditor_institution``: pacs.009 ``Dbtr``, ``Cdtr``; MT202 52a
  ordering institution, 58a beneficiary institution
- ``ultimate_debtor_institution``, ``ultimate_creditor_institution``: pacs.009 ``UltmtDbtr``,
  ``UltmtCdtr``

A party element that holds a financial institution (``FinInstnId``) is an agent with the
``_institution`` role. Inside the underlying customer credit transfer of a cover payment
(pacs.009 COV ``UndrlygCstmrCdtTrf``, MT202 COV sequence B) every role carries the prefix
``underlying_`` (``underlying_debtor``, ``underlying_creditor_agent``), because the cover's own
agents use the same names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from moneytrail.model import IdKind, Schema

_BASE_PARTY_ROLES = ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor",
                     "initiating_party", "cheque_from", "cheque_deliver_to")
_BASE_AGENT_ROLES = (
    "sender", "receiver", "instructing_agent", "instructed_agent",
    "previous_instructing_agent_1", "previous_instructing_agent_2",
    "previous_instructing_agent_3", "debtor_agent", "creditor_agent",
    "intermediary_agent_1", "intermediary_agent_2", "intermediary_agent_3",
    "instructing_reimbursement_agent", "instructed_reimbursement_agent",
    "third_reimbursement_agent", "forwarding_agent", "charges_account_agent",
    "debtor_institution", "creditor_institution", "ultimate_debtor_institution",
    "ultimate_creditor_institution")
UNDERLYING = "underlying_"

#: Every role a :class:`Party` can have.
PARTY_ROLES = frozenset(_BASE_PARTY_ROLES) | {UNDERLYING + r for r in _BASE_PARTY_ROLES}
#: Every role an :class:`Agent` can have.
AGENT_ROLES = frozenset(_BASE_AGENT_ROLES) | {UNDERLYING + r for r in _BASE_AGENT_ROLES}


@dataclass(frozen=True, slots=True)
class PartyId:
    """An identifier of a party: ``kind`` is a :class:`~moneytrail.model.IdKind` value (what
    the screener compares), ``scheme`` the message's own code for it (ISO ``NIDN``, ``TXID``,
    ``CUST``; the MT 50F code), ``country`` the issuing country where the message says."""

    kind: IdKind
    value: str
    scheme: str | None = None
    issuer: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """A person or organisation in a payment (see the module docstring for ``role``).

    ``schema`` is Person or Organization where the message says (ISO ``PrvtId`` / ``OrgId``),
    None otherwise. ``country`` is the country of the postal address (MT 50F/59F line 3/),
    ``country_of_residence`` ISO ``CtryOfRes``. ``bic`` is the party's own BIC (ISO ``AnyBIC``,
    MT option A), ``account`` its IBAN or other account number.
    """

    role: str
    field: str
    name: str | None = None
    schema: Schema | None = None
    address_lines: tuple[str, ...] = ()
    country: str | None = None
    country_of_residence: str | None = None
    bic: str | None = None
    account: str | None = None
    ids: tuple[PartyId, ...] = ()
    birth_date: str | None = None
    birth_place: str | None = None
    birth_country: str | None = None


@dataclass(frozen=True, slots=True)
class Agent:
    """A financial institution in a payment (see the module docstring for ``role``).

    ``country`` is that of the postal address, else the country code inside the BIC: a bank is
    where its BIC says, and the BIC is often all a message gives. ``clearing_id`` is a clearing
    system member id (ISO ``ClrSysMmbId``, prefixed with its system code as ``USABA:121000248``;
    MT ``//FW121000358``).
    """

    role: str
    field: str
    bic: str | None = None
    name: str | None = None
    country: str | None = None
    clearing_id: str | None = None
    lei: str | None = None
    account: str | None = None
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment transaction, whatever message carried it.

    ``message_index`` is the transaction's 1-based position in its file, counted over payments
    and rejected messages alike (a pacs.008 with three transactions gives 1, 2, 3; the next
    message in the same file is 4). ``line`` is where it starts in the file. ``format`` names
    the message definition (``pacs.008.001.08``, ``pain.001.001.03``, ``MT103``, ``MT202COV``).

    ``message_id`` is the group header's ``MsgId`` (MT: field 20); ``amount`` the settlement
    amount (pacs ``IntrBkSttlmAmt``, MT 32A) or, where there is none, the instructed amount
    (pain ``InstdAmt`` / ``EqvtAmt``, MT101 32B). ``settlement_date`` is the interbank settlement
    date, ``requested_date`` the requested execution or collection date (pain, MT101 field 30).
    ``remittance`` holds the remittance lines (ISO ``Ustrd``, structured references and
    additional text; MT 70), ``instructions`` the instructions to agents (ISO
    ``InstrForCdtrAgt`` / ``InstrForNxtAgt`` / ``InstrForDbtrAgt``; MT 23E and 72, line by line),
    ``purpose`` the purpose code (ISO ``Purp``).
    """

    source: str
    message_index: int
    format: str
    amount: Decimal
    currency: str
    line: int | None = None
    message_id: str | None = None
    instruction_id: str | None = None
    end_to_end_id: str | None = None
    transaction_id: str | None = None
    uetr: str | None = None
    created: str | None = None
    settlement_date: str | None = None
    requested_date: str | None = None
    parties: tuple[Party, ...] = ()
    agents: tuple[Agent, ...] = ()
    remittance: tuple[str, ...] = ()
    instructions: tuple[str, ...] = ()
    purpose: str | None = None

    def party(self, role: str) -> Party | None:
        """The first party with this role, or None."""
        return next((p for p in self.parties if p.role == role), None)

    def agent(self, role: str) -> Agent | None:
        """The first agent with this role, or None."""
        return next((a for a in self.agents if a.role == role), None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the amount as a string (exact), tuples as lists."""
        return _plain(self)


@dataclass(frozen=True, slots=True)
class PaymentError:
    """Why a message, or a whole file, was rejected.

    ``message_index`` counts as :attr:`Payment.message_index` does; it is None when the whole
    file is rejected (XML not well-formed, a DTD, not a payment file). ``field`` names the MT
    field (``32A``, ``block 2``) or the ISO element path (``CdtTrfTxInf/IntrBkSttlmAmt``).
    """

    source: str
    message_index: int | None
    field: str | None
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.message_index is not None:
            where += f", message {self.message_index}"
        if self.line is not None:
            where += f" (line {self.line})"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if isinstance(value, (Payment, PaymentError, Party, Agent, PartyId)):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (IdKind, Schema)):
        return value.value
    return value


class Rejected(ValueError):
    """A value a parser cannot accept; the parser turns it into a :class:`PaymentError`."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


# The value rules every parser applies, so a BIC or a date means the same from any format.
_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
# ISO 9362: 4 alphanumerics (letters before 2018), country, location, optional branch.
_BIC = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_country(value: str, field: str) -> str:
    """The ISO alpha-2 code in lower case; :class:`Rejected` unless two upper-case letters."""
    if _COUNTRY.fullmatch(value) is None:
        raise Rejected(field, f"country code {value!r} is not two capital letters")
    return value.lower()


def check_currency(value: str, field: str) -> str:
    """The currency code as written; :class:`Rejected` unless three upper-case letters."""
    if _CURRENCY.fullmatch(value) is None:
        raise Rejected(field, f"currency {value!r} is not three capital letters")
    return value


def check_bic(value: str, field: str) -> str:
    """The BIC as written (8 or 11 characters); :class:`Rejected` if it is not one."""
    if _BIC.fullmatch(value) is None:
        raise Rejected(field, f"{value!r} is not a BIC")
    return value


def check_date(value: str, field: str) -> str:
    """The ``YYYY-MM-DD`` date a date or date-time starts with; :class:`Rejected` unless it
    is a real calendar date."""
    head = value[:10]
    if _DATE.fullmatch(head) is not None:
        try:
            date.fromisoformat(head)
            return head
        except ValueError:
            pass
    raise Rejected(field, f"{value!r} is not an ISO date")
