"""Payments: ISO 20022 and SWIFT MT payment messages read into one model, for screening.

``parse_file`` / ``parse_bytes`` / ``iter_payments`` read a file of any supported format
(recognised by content) into :class:`Payment` objects, with a :class:`PaymentError` for each
message that cannot be read. See :mod:`.model` for the model and its role vocabulary,
:mod:`.iso20022` and :mod:`.mt` for what each format covers.
"""

from moneytrail.payments.model import (
    AGENT_ROLES,
    PARTY_ROLES,
    Agent,
    Party,
    PartyId,
    Payment,
    PaymentError,
)
from moneytrail.payments.parse import (
    ParseResult,
    iter_bytes,
    iter_payments,
    parse_bytes,
    parse_file,
)

__all__ = ["AGENT_ROLES", "PARTY_ROLES", "Agent", "ParseResult", "Party", "PartyId", "Payment",
           "PaymentError", "iter_bytes", "iter_payments", "parse_bytes", "parse_file"]
