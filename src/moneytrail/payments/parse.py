"""Payment files of any supported format, recognised by their content, read into payments.

A file is ISO 20022 XML if it starts (after a byte-order mark and blank space) with ``<``, and
SWIFT MT if it starts with ``{``; the name does not matter. ``iter_payments`` streams a file;
``parse_file`` and ``parse_bytes`` (for a request body) collect it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from moneytrail.payments.iso20022 import iter_iso20022
from moneytrail.payments.model import Payment, PaymentError
from moneytrail.payments.mt import iter_mt

_BLANK = b" \t\r\n\x01"  # SOH starts a message in some MT files
_SNIFF_BYTES = 65536


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The payments of one file, and the messages rejected, each in file order."""

    source: str
    payments: tuple[Payment, ...]
    errors: tuple[PaymentError, ...]


def iter_payments(path: str | Path) -> Iterator[Payment | PaymentError]:
    """The payments of a file, in file order, with a :class:`PaymentError` in place of each
    message that cannot be read (the others go on). An error with no ``message_index`` rejects
    the whole file: not a payment format, a DTD, XML not well-formed (which is found only where
    it happens, so the payments before it have been yielded by then: use :func:`parse_file`
    to have a broken file as one error and nothing else)."""
    path = Path(path)
    with path.open("rb") as handle:
        yield from _iter(handle, path.name)


def iter_bytes(data: bytes | str, name: str) -> Iterator[Payment | PaymentError]:
    """:func:`iter_payments` for a file held in memory; ``name`` is its source name. A ``str``
    is read as UTF-8, so it must not declare another encoding."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _iter(io.BytesIO(data), name)


def parse_file(path: str | Path) -> ParseResult:
    """All the payments and rejected messages of a file. A file rejected as a whole (not a
    payment format, a DTD, XML not well-formed) gives that one error and no payment."""
    return _collect(Path(path).name, iter_payments(path))


def parse_bytes(data: bytes | str, name: str) -> ParseResult:
    """:func:`parse_file` for a file held in memory (a request body); ``name`` is its source."""
    return _collect(name, iter_bytes(data, name))


def _iter(handle: BinaryIO, name: str) -> Iterator[Payment | PaymentError]:
    head = handle.read(_SNIFF_BYTES)
    start = head.lstrip(_BLANK)
    if start.startswith(b"\xef\xbb\xbf"):
        start = start[3:].lstrip(_BLANK)
    if start.startswith((b"<", b"\xff\xfe", b"\xfe\xff")):
        handle.seek(0)
        yield from iter_iso20022(handle, name)
    elif start.startswith(b"{"):
        data = head + handle.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # SWIFT's character set is ASCII; older exports Latin-1
            text = data.decode("latin-1")
        yield from iter_mt(text, name)
    else:
        reason = "the file is empty" if not start else \
            "not a payment file: neither ISO 20022 XML nor SWIFT MT ({1:...} blocks)"
        yield PaymentError(name, None, None, reason)


def _collect(name: str, items: Iterable[Payment | PaymentError]) -> ParseResult:
    payments: list[Payment] = []
    errors: list[PaymentError] = []
    for item in items:
        if isinstance(item, Payment):
            payments.append(item)
        elif item.message_index is None:
            return ParseResult(name, (), (item,))
        else:
            errors.append(item)
    return ParseResult(name, tuple(payments), tuple(errors))
