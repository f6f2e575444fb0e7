"""SWIFT MT: the real .rje exports and MT101, and malformed messages written here."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from moneytrail.model import IdKind
from moneytrail.payments import PartyId, parse_bytes, parse_file


@pytest.fixture(scope="module")
def mt_dir(data_dir) -> Path:
    return data_dir / "payments" / "mt"


@pytest.fixture(scope="module")
def out_ack(mt_dir):
    result = parse_file(mt_dir / "MT103-out-ack.rje")
    assert result.errors == ()
    return result.payments


def test_rje_files_hold_their_messages(mt_dir, out_ack):
    assert len(out_ack) == 13
    bulk = parse_file(mt_dir / "MT103-bulk-with-ack.rje")
    # Each message there follows its acknowledgement ({1:F21...}), which is not a payment.
    assert bulk.errors == ()
    assert [(p.message_index, p.line, p.message_id) for p in bulk.payments] == \
        [(1, 1, "234234233"), (2, 20, "C4772342333"), (3, 37, "201904250034434")]


def test_mt103_fields(out_ack):
    payment = out_ack[0]
    assert (payment.format, payment.message_id) == ("MT103", "22342343")
    assert payment.uetr == "8579f4a4-a547-463e-ae63-e7c6620d59b4"
    assert (payment.amount, payment.currency, payment.settlement_date) == \
        (Decimal("1814.28"), "USD", "2019-10-14")
    debtor = payment.party("debtor")
    assert (debtor.field, debtor.name, debtor.account) == ("50K", "FOO CAPITAL MARKETS LP", None)
    assert debtor.address_lines == ("99 WALL ST STE 9999", "NEW YORK, NY 10005-3122")
    creditor = payment.party("creditor")
    assert (creditor.field, creditor.name, creditor.account) == \
        ("59", "MERCADOS Y GESTION DE VALORES SA", "00123456789012345678")
    agent = payment.agent("debtor_agent")
    assert (agent.field, agent.name, agent.bic) == ("52D", "NORTH FOO BANK", None)
    assert agent.address_lines == ("999 BROAD FOO RD", "MELVILLE, NY 11747")
    # An output message: the sender is in block 2, the receiver (us) in block 1.
    assert payment.agent("sender").bic == "BBBBUS3NXXX"
    assert payment.agent("receiver").bic == "BICFOOYYXXX"
    assert payment.remittance[0] == "FINDERS FEES-JULY,2007-  10.00, AUG"
    assert len(payment.remittance) == 4
    assert payment.instructions == ("/ACC/ 00940060752415000231",)


def test_mt103_amounts_dates_and_agents(out_ack):
    second, third, fourth = out_ack[1:4]
    assert (third.amount, third.settlement_date) == (Decimal("54321.23"), "2007-10-28")
    assert (fourth.amount, fourth.currency) == (Decimal(19999), "EUR")  # "19999,"
    assert [(a.role, a.bic) for a in second.agents] == [
        ("sender", "CCCCUSMMXXX"), ("receiver", "BICFOOYYXXX"), ("debtor_agent", "FOODESMM"),
        ("instructing_reimbursement_agent", "FOODESMMXXX"), ("creditor_agent", "BICFOOYY")]
    assert out_ack[4].instructions == ("SDVA",)  # 23E
    with_party_id = out_ack[5].agent("debtor_agent")  # 52A:/0569 then the BIC
    assert (with_party_id.account, with_party_id.bic, with_party_id.country) == \
        ("0569", "FOOBESBBXXX", "es")
    clearing = out_ack[9].agent("instructed_reimbursement_agent")  # 54A://RT then the BIC
    assert (clearing.clearing_id, clearing.bic) == ("RT", "BICFOOYY")
    # The 11th message ends "-}{" before its "$": the stray brace does not disturb it or the next.
    assert out_ack[10].party("debtor").name == "MORGAN STANLEY FOOOOOO CONSERV"
    assert out_ack[11].party("creditor").name == "MS FOOOOOO MODERADO FIMF"


def test_bulk_with_ack_values(mt_dir):
    first, second, third = parse_file(mt_dir / "MT103-bulk-with-ack.rje").payments
    assert first.party("debtor").name == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert first.party("debtor").address_lines == ("NO. 62/64 FOO ROAD BENIN CITY", "EDO STATE")
    assert first.agent("instructing_reimbursement_agent").account == "00000000000000"  # 53B
    assert first.instructions == ("/INS/DEUTSCHE BANK TRUST CO.", "//AMERICAS NEW YORK, NY 10015")
    assert (second.amount, second.party("creditor").name) == (Decimal("1321.00"), "VICTORY FOOBAR")
    assert third.amount == Decimal("1417.8")
    assert third.remittance == ("/RFB/042517478733", "BEING PAYMENT OF FAC RE-INSURANCE",
                                "PREMIUM DUE ON FOO COAL MINING")


def test_mt101(mt_dir):
    result = parse_file(mt_dir / "MT101.fin")
    assert result.errors == ()
    [payment] = result.payments
    assert (payment.format, payment.message_id, payment.transaction_id) == \
        ("MT101", "DG942_171206-004", "010735904")
    assert (payment.amount, payment.currency, payment.requested_date) == \
        (Decimal("14.00"), "CNY", "2017-05-02")
    debtor = payment.party("debtor")
    assert (debtor.field, debtor.account, debtor.name) == ("50H", "344110001637", "TESTAR00AXXX")
    creditor = payment.party("creditor")
    assert (creditor.name, creditor.account) == ("CASH CUSTOMER I", "344110000361")
    assert payment.agent("creditor_agent").bic == "CIBKCNBJ473"
    assert payment.remittance == ("/RFB/C767405OCP021001",)


# Messages written here ---------------------------------------------------------------------

OUTPUT_103 = "O1031200260301BANKDEFFAXXX00000000002603011200N"


def mt103(reference: str, *fields: str, application: str = OUTPUT_103) -> str:
    text = "\n".join(fields)
    return (f"{{1:F01BANKBEBBAXXX0000000000}}{{2:{application}}}"
            f"{{3:{{121:4d2a3c38-0000-4000-8000-00000000000{reference[-1]}}}}}{{4:\n"
            f":20:{reference}\n:23B:CRED\n{text}\n-}}{{5:{{CHK:123456789ABC}}}}")


PARTIES = (":50K:/12345\nKIM IL SONG\nPYONGYANG", ":59:/DE89370400440532013000\nACME GMBH")


def test_three_messages_where_the_second_has_no_32a():
    data = "$".join([mt103("REF1", ":32A:260301EUR100,", *PARTIES),
                     mt103("REF2", *PARTIES),
                     mt103("REF3", ":32A:260302USD5,5", *PARTIES)])
    result = parse_bytes(data, "three.rje")
    assert [(p.message_index, p.message_id, p.amount) for p in result.payments] == \
        [(1, "REF1", Decimal(100)), (3, "REF3", Decimal("5.5"))]
    [error] = result.errors
    assert (error.source, error.message_index, error.field, error.reason) == \
        ("three.rje", 2, "32A", "missing")
    assert error.line == 10  # where the second message starts, after the first's '$'
    assert result.payments[0].uetr == "4d2a3c38-0000-4000-8000-000000000001"


@pytest.mark.parametrize("field, reason", [
    (":32A:260301EUR12,3,4", "amount '12,3,4' is not digits with one decimal comma"),
    (":32A:260301EUR1000.00", "amount '1000.00' is not digits with one decimal comma"),
    (":32A:260301US1100,", "currency 'US1' is not three capital letters"),
    (":32A:261301EUR100,", "'261301' is not a date YYMMDD"),
    (":32A:2603", "'2603' is not a date (YYMMDD), currency and amount"),
])
def test_a_bad_32a_is_rejected(field, reason):
    data = mt103("OK", ":32A:260301EUR1,", *PARTIES) + mt103("BAD", field, *PARTIES)
    result = parse_bytes(data, "x.fin")  # concatenated without separator: block 1 splits them
    assert [p.message_id for p in result.payments] == ["OK"]
    assert [(e.message_index, e.field, e.reason) for e in result.errors] == [(2, "32A", reason)]


@pytest.mark.parametrize("fields, field, reason", [
    ((":32A:260301EUR1,", ":59:X"), "50", "missing"),
    ((":32A:260301EUR1,", ":50D:X", ":59:X"), "50D",
     "option D is not allowed for field 50 in MT103"),
    ((":32A:260301EUR1,", *PARTIES, ":57A:/123\nNOT A BIC"), "57A", "'NOT A BIC' is not a BIC"),
    ((":32A:260301EUR1,", ":50F:/1\n1/KIM\n3/Korea/PYONGYANG", ":59:X"), "50F",
     "country code 'Korea' is not two capital letters"),
])
def test_bad_fields_are_named(fields, field, reason):
    [error] = parse_bytes(mt103("R", *fields), "x.fin").errors
    assert (error.message_index, error.field, error.reason) == (1, field, reason)


def test_unsupported_message_type_and_broken_blocks_do_not_stop_the_file():
    statement = ("{1:F01BANKBEBBAXXX0000000000}{2:O9401200260301BANKDEFFAXXX00000000002603011200N}"
                 "{4:\n:20:STMT\n:25:123\n-}")
    unterminated = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:X\n:32A:260301EUR1,"
    good = mt103("GOOD", ":32A:260301EUR1,", *PARTIES)
    result = parse_bytes(f"{statement}${unterminated}{good}", "mixed.rje")
    assert [(e.message_index, e.field, e.reason) for e in result.errors] == [
        (1, "block 2", "unsupported message type MT940 (read: MT101, MT103, MT202)"),
        (2, "block 4", "the text block does not end with '-}'")]
    assert [(p.message_index, p.message_id) for p in result.payments] == [(3, "GOOD")]


def test_an_input_message_has_its_sender_in_block_1():
    data = mt103("R", ":32A:260301EUR1,", *PARTIES, application="I103BANKDEFFXXXXN")
    [payment] = parse_bytes(data, "x.fin").payments
    assert payment.agent("sender").bic == "BANKBEBBXXX"
    assert payment.agent("receiver").bic == "BANKDEFFXXX"


def test_structured_50f_and_59f():
    data = mt103("R", ":32A:260301USD1,",
                 ":50F:CCPT/KP/P1234567\n1/KIM IL\n1/SONG\n2/MAIN STREET 1\n3/KP/PYONGYANG\n"
                 "4/19480101\n5/KP/MANGYONGDAE\n7/KP/NAT12\n8/345",
                 ":59F:/AC-9\n1/DALIAN TRADING CO\n2/HARBOUR ROAD 2\n3/CN/DALIAN")
    [payment] = parse_bytes(data, "x.fin").payments
    debtor = payment.party("debtor")
    assert (debtor.field, debtor.name, debtor.country) == ("50F", "KIM IL SONG", "kp")
    assert debtor.address_lines == ("MAIN STREET 1", "PYONGYANG")
    assert (debtor.birth_date, debtor.birth_place, debtor.birth_country) == \
        ("1948-01-01", "MANGYONGDAE", "kp")
    assert debtor.ids == (PartyId(IdKind.PASSPORT, "P1234567", "CCPT", None, "kp"),
                          PartyId(IdKind.NATIONAL_ID, "NAT12345", "NIDN", None, "kp"))
    creditor = payment.party("creditor")
    assert (creditor.name, creditor.account, creditor.country) == \
        ("DALIAN TRADING CO", "AC-9", "cn")


def test_mt202_cover():
    data = ("{1:F01BANKBEBBAXXX0000000000}{2:I202BANKDEFFXXXXN}{3:{119:COV}}{4:\n"
            ":20:COVREF\n:21:RELATED1\n:32A:260301USD250000,\n:52A:CITIUS33\n:57A:CHASUS33\n"
            ":58A:/99887766\nBANKCNBJ\n:50K:/KP01\nKOREA KWANGSON BANKING CORP\n:52A:KKBCKPPY\n"
            ":59:DALIAN TRADING CO\n:70:INVOICE 77\n-}")
    [payment] = parse_bytes(data, "cov.fin").payments
    assert (payment.format, payment.message_id, payment.end_to_end_id) == \
        ("MT202COV", "COVREF", "RELATED1")
    assert [(a.role, a.bic) for a in payment.agents] == [
        ("sender", "BANKBEBBXXX"), ("receiver", "BANKDEFFXXX"),
        ("debtor_institution", "CITIUS33"), ("creditor_agent", "CHASUS33"),
        ("creditor_institution", "BANKCNBJ"), ("underlying_debtor_agent", "KKBCKPPY")]
    assert payment.agent("creditor_institution").account == "99887766"
    assert [(p.role, p.name) for p in payment.parties] == [
        ("underlying_debtor", "KOREA KWANGSON BANKING CORP"),
        ("underlying_creditor", "DALIAN TRADING CO")]
    assert payment.remittance == ("INVOICE 77",)


def test_mt202_without_58a_is_rejected():
    data = ("{1:F01BANKBEBBAXXX0000000000}{2:I202BANKDEFFXXXXN}{4:\n"
            ":20:R\n:21:R2\n:32A:260301USD1,\n:57A:CHASUS33\n-}")
    [error] = parse_bytes(data, "x.fin").errors
    assert (error.field, error.reason) == ("58", "missing")


def test_mt101_gives_one_payment_per_transaction():
    data = ("{1:F01BANKBEBBAXXX0000000000}{2:I101BANKDEFFXXXXN}{4:\n"
            ":20:BATCH\n:28D:1/1\n:30:260305\n"
            ":21:T1\n:32B:EUR10,\n:50H:/DE01\nACME GMBH\n:59:/1\nALPHA\n"
            ":21:T2\n:32B:EUR2O,\n:59:/2\nBETA\n"
            ":21:T3\n:32B:USD30,\n:50H:/US02\nACME INC\n:59:/3\nGAMMA\n-}")
    result = parse_bytes(data, "x.fin")
    assert [(p.message_index, p.transaction_id, p.party("debtor").name,
             p.party("creditor").name, p.amount) for p in result.payments] == [
        (1, "T1", "ACME GMBH", "ALPHA", Decimal(10)),
        (3, "T3", "ACME INC", "GAMMA", Decimal(30))]
    assert all(p.message_id == "BATCH" and p.requested_date == "2026-03-05"
               for p in result.payments)
    assert [(e.message_index, e.field) for e in result.errors] == [(2, "32B")]


def test_mt101_ordering_customer_in_both_sequences_is_rejected():
    data = ("{1:F01BANKBEBBAXXX0000000000}{2:I101BANKDEFFXXXXN}{4:\n"
            ":20:BATCH\n:28D:1/1\n:50H:/DE01\nACME GMBH\n:30:260305\n"
            ":21:T1\n:32B:EUR10,\n:59:/1\nALPHA\n"
            ":21:T2\n:32B:EUR20,\n:50H:/US02\nACME INC\n:59:/2\nBETA\n-}")
    result = parse_bytes(data, "x.fin")
    assert [(p.transaction_id, p.party("debtor").name) for p in result.payments] == \
        [("T1", "ACME GMBH")]
    assert [(e.message_index, e.field, e.reason) for e in result.errors] == \
        [(2, "50H", "the debtor is in sequence A already")]
