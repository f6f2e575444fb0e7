"""Every payment sample in the shared data parses; formats are recognised by content."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from moneytrail.payments import (
    AGENT_ROLES,
    PARTY_ROLES,
    iter_bytes,
    iter_payments,
    parse_bytes,
    parse_file,
)
from moneytrail.settings import Settings

# Parametrised at collection, from the same setting the data_dir fixture reads;
# test_samples_are_all_found checks that this found them.
SAMPLE_DIR = Settings.from_env().data_dir / "payments"
SAMPLES = sorted(p for p in SAMPLE_DIR.rglob("*") if p.is_file() and p.suffix != ".xsd")
_DEFINITION = re.compile(r"pa[a-z]{2}\.\d{3}\.\d{3}\.\d{2}|MT\d{3}")


def test_samples_are_all_found(data_dir):
    assert SAMPLE_DIR == data_dir / "payments"
    kinds = {_DEFINITION.findall(str(p.relative_to(SAMPLE_DIR)))[-1][:8] for p in SAMPLES}
    assert len(SAMPLES) >= 230
    assert kinds == {"pacs.008", "pacs.009", "pain.001", "pain.008", "MT101", "MT103"}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(SAMPLE_DIR)))
def test_every_sample_parses(path: Path):
    result = parse_file(path)
    assert result.errors == ()
    assert result.payments
    # The message definition the file's name or folder names is the one read from its content.
    expected = _DEFINITION.findall(str(path.relative_to(SAMPLE_DIR)))[-1]
    for index, payment in enumerate(result.payments, 1):
        assert payment.message_index == index
        assert payment.source == path.name
        assert payment.format == expected
        assert payment.amount > 0 and re.fullmatch(r"[A-Z]{3}", payment.currency)
        assert {p.role for p in payment.parties} <= PARTY_ROLES
        assert {a.role for a in payment.agents} <= AGENT_ROLES
        # Something to screen: a name, a BIC, an identifier (the coverage samples of
        # identifiers have no names).
        assert any(p.name or p.bic or p.ids for p in payment.parties) or \
            any(a.name or a.bic or a.clearing_id for a in payment.agents)


def test_iter_payments_streams_the_same_payments(data_dir):
    path = data_dir / "payments" / "mt" / "MT103-out-ack.rje"
    assert tuple(iter_payments(path)) == parse_file(path).payments


def test_format_is_recognised_by_content_not_name(data_dir):
    mt = (data_dir / "payments" / "mt" / "MT101.fin").read_bytes()
    xml = (data_dir / "payments" / "iso20022" / "pacs008" / "pacs.008.001.08.xml").read_bytes()
    assert [p.format for p in parse_bytes(mt, "upload.xml").payments] == ["MT101"]
    assert [p.format for p in parse_bytes(b"\xef\xbb\xbf" + xml, "upload.txt").payments] \
        == ["pacs.008.001.08"]
    assert [p.source for p in iter_bytes(xml.decode(), "body")] == ["body"]


@pytest.mark.parametrize("data, reason", [
    (b"", "the file is empty"),
    (b"  \n", "the file is empty"),
    (b"name,amount\nACME,10\n", "not a payment file"),
])
def test_a_file_of_no_payment_format_is_one_error(data, reason):
    result = parse_bytes(data, "in.csv")
    assert result.payments == ()
    [error] = result.errors
    assert error.message_index is None and error.source == "in.csv"
    assert error.reason.startswith(reason)


def test_an_xml_file_that_is_no_iso_message_is_one_error(data_dir):
    [error] = parse_file(data_dir / "payments" / "iso20022" / "xsd" / "pacs.008.001.08.xsd").errors
    assert error.message_index is None
    assert error.reason == "not an ISO 20022 message: the root element is <schema>"


def test_to_dict_is_json_with_exact_amounts(data_dir):
    [payment] = parse_file(data_dir / "payments" / "iso20022" / "pacs008" /
                           "pacs.008.001.08.xml").payments
    record = json.loads(json.dumps(payment.to_dict()))
    assert record["amount"] == "1000.00" and Decimal(record["amount"]) == payment.amount
    assert record["parties"][0]["role"] == "debtor"
    assert record["agents"][0]["bic"] == "DEUTDEFF"
