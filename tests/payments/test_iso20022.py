"""ISO 20022: real samples of every pacs.008 version, pacs.009, pain.001 and pain.008, and
malformed or hostile documents written here."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from moneytrail.model import IdKind, Schema
from moneytrail.payments import PartyId, parse_bytes, parse_file


@pytest.fixture(scope="module")
def iso_dir(data_dir) -> Path:
    return data_dir / "payments" / "iso20022"


def one(path: Path):
    result = parse_file(path)
    assert result.errors == ()
    [payment] = result.payments
    return payment


def test_pacs008_001_08(iso_dir):
    payment = one(iso_dir / "pacs008" / "pacs.008.001.08.xml")
    assert payment.format == "pacs.008.001.08"
    assert (payment.message_id, payment.end_to_end_id, payment.transaction_id) == \
        ("MSG-CORE-TEST", "E2E-CORE", "TX-CORE")
    assert payment.uetr == "86d7da8e-6e41-4466-b9bb-9b41d5814d5a"
    assert (payment.amount, payment.currency) == (Decimal("1000.00"), "EUR")
    assert payment.settlement_date == "2026-01-15"
    assert payment.created == "2026-01-15T10:30:00"
    assert payment.party("debtor").name == "Debtor Corp"
    assert payment.party("creditor").name == "Creditor Ltd"
    assert payment.agent("debtor_agent").bic == "DEUTDEFF"
    assert payment.agent("debtor_agent").country == "de"  # from the BIC
    assert payment.agent("creditor_agent").bic == "COBADEFF"
    assert payment.line == 20  # where the CdtTrfTxInf starts


@pytest.mark.parametrize("version", [f"{v:02d}" for v in range(1, 14)])
def test_every_pacs008_version_reads_the_same(iso_dir, version):
    # .01 to .04 write BIC, later ones BICFI; .01 names its message element pacs.008.001.01.
    payment = one(iso_dir / "pacs008" / f"pacs.008.001.{version}.xml")
    assert payment.format == f"pacs.008.001.{version}"
    assert [(p.role, p.name) for p in payment.parties] == \
        [("debtor", "Debtor Corp"), ("creditor", "Creditor Ltd")]
    assert [(a.role, a.bic) for a in payment.agents] == \
        [("debtor_agent", "DEUTDEFF"), ("creditor_agent", "COBADEFF")]
    assert payment.amount == Decimal("1000.00")


def test_pacs008_with_application_header(iso_dir):
    payment = one(iso_dir / "pacs008" / "pacs.008.001.07_ClrSysMmbId.xml")
    assert payment.format == "pacs.008.001.07"
    sender, receiver = payment.agent("sender"), payment.agent("receiver")
    assert (sender.bic, sender.clearing_id) == (None, "ABCDEFGH")
    assert (receiver.bic, receiver.country) == ("EFGHUS33XXX", "us")
    instructing = payment.agent("instructing_agent")  # from the group header
    assert (instructing.bic, instructing.name) == ("CITTGB2LPBG", "Lionel Messi")
    assert payment.agent("instructed_agent").address_lines == \
        ("1", "DFGH", "My Street 1122", "10002 Los Angeles", "ABCD")
    debtor = payment.party("debtor")
    assert debtor.name == "Jhon Doe"
    assert debtor.address_lines == ("ABCD", "1", "Foo Street 1", "1234 Buenos Aires", "CABA")
    assert (debtor.country, debtor.country_of_residence) == ("ar", "ar")
    assert payment.agent("debtor_agent").name == "Foo Corp"
    assert (payment.amount, payment.currency) == (Decimal(5000), "USD")
    # The transaction's own settlement date wins over the group header's 2019-10-28.
    assert payment.settlement_date == "2019-07-31"
    assert payment.instruction_id == "2233445566"


def test_pacs009_institutions_are_agents(iso_dir):
    payment = one(iso_dir / "pacs008" / "pacs.009.001.09.xml")
    assert payment.format == "pacs.009.001.09"
    assert payment.parties == ()
    assert [(a.role, a.bic) for a in payment.agents] == [
        ("sender", "TESTARZZXXX"), ("receiver", "AAAAUSXXXXX"),
        ("debtor_institution", "BBBBCAXXXXX"), ("creditor_institution", "CCCCESXXXXX")]
    assert (payment.amount, payment.currency) == (Decimal("12345.67"), "USD")
    assert payment.end_to_end_id == "END2ENDID1234"


@pytest.mark.parametrize("version, requested", [("03", "2026-09-22"), ("09", "2026-09-22")])
def test_pain001_cross_border(iso_dir, version, requested):
    payment = one(iso_dir / "pain001" / "market" / "ch" / "cross-border" /
                  f"ch.international.usd.pain.001.001.{version}.xml")
    assert payment.requested_date == requested  # .03: a date; .09: ReqdExctnDt/Dt
    assert payment.message_id == "AFM-20260921-04"
    assert payment.party("initiating_party").name == "Alpina Feinmechanik AG"
    debtor = payment.party("debtor")
    assert (debtor.name, debtor.account, debtor.country) == \
        ("Alpina Feinmechanik AG", "CH9009808930715794848", "ch")
    assert debtor.address_lines == ("8952 Schlieren", "ZH", "Industriestrasse 14")
    creditor = payment.party("creditor")
    assert (creditor.name, creditor.country, creditor.account) == \
        ("Sierra Optics Inc", "us", "5512345678")
    assert payment.agent("creditor_agent").clearing_id == "USABA:121000248"
    assert (payment.amount, payment.currency) == (Decimal("48200.00"), "USD")
    assert payment.remittance == ("PO 2026-772",)
    assert payment.purpose == "GDDS"


def test_pain001_09_identifies_the_debtor_by_lei(iso_dir):
    payment = one(iso_dir / "pain001" / "market" / "ch" / "cross-border" /
                  "ch.international.usd.pain.001.001.09.xml")
    debtor = payment.party("debtor")
    assert debtor.schema == Schema.ORGANIZATION
    assert debtor.ids == (PartyId(IdKind.LEI, "0000006CAZNK09K2SG52", "LEI"),)
    assert payment.uetr == "939a78eb-9ed2-4fab-bb57-65dc07d0f58d"


def test_pain001_transactions_carry_their_payment_block(iso_dir):
    result = parse_file(iso_dir / "pain001" / "market" / "de" / "sepa-credit-transfer" /
                        "de.sepa.sct-salary.pain.001.001.13.xml")
    assert result.errors == ()
    first, second = result.payments
    for payment in (first, second):
        assert payment.party("debtor").name == "Musterfirma GmbH"
        assert payment.party("debtor").account == "DE09028457998082047609"
        assert payment.party("debtor").address_lines == ("Hauptstraße 12", "80331 München")
        assert payment.agent("debtor_agent").bic == "OPSHDEW0"
        assert payment.requested_date == "2026-09-28"
        assert payment.party("initiating_party").ids[0].scheme == "BANK"
    assert (first.message_index, second.message_index) == (1, 2)
    assert (first.party("creditor").name, second.party("creditor").name) == \
        ("Anna Beispiel", "Max Mustermann")
    assert (first.amount, second.amount) == (Decimal("3250.00"), Decimal("2980.50"))
    assert first.remittance == ("Gehalt September 2026",)
    assert second.remittance == ("RF18539007547034",)  # the structured creditor reference
    assert second.agent("creditor_agent").bic == "DQBJDEN0"


def test_pain008_direct_debit(iso_dir):
    payment = one(iso_dir / "pain001" / "market" / "be" / "sepa-direct-debit" /
                  "be.sepa.sdd-core.pain.008.001.08.xml")
    assert payment.format == "pain.008.001.08"
    creditor, debtor = payment.party("creditor"), payment.party("debtor")
    assert (creditor.name, creditor.account) == ("Telenet Facturatie", "BE66793820621243")
    assert (debtor.name, debtor.account, debtor.country) == \
        ("An Peeters", "BE29795361022164", "be")
    assert payment.agent("creditor_agent").bic == "PXYMBEK0"
    assert payment.agent("debtor_agent").bic == "VVLSBEF0"
    assert (payment.amount, payment.requested_date) == (Decimal("54.99"), "2026-09-25")
    assert payment.remittance == ("090123456744",)


def test_private_identification_with_birth(iso_dir):
    payment = one(iso_dir / "pain001" / "coverage" / "pain.001.001.09" /
                  "06-transfer-UltmtDbtr-Id-PstlAdr.xml")
    ultimate = payment.party("ultimate_debtor")
    assert ultimate.schema == Schema.PERSON
    assert (ultimate.birth_date, ultimate.birth_place, ultimate.birth_country) == \
        ("2026-01-02", "T, T", "de")


def test_every_element_sample_gives_every_agent(iso_dir):
    payment = one(iso_dir / "pain001" / "coverage" / "pain.001.001.13" /
                  "01-transfer-every-element.xml")
    assert [a.role for a in payment.agents] == [
        "forwarding_agent", "debtor_agent", "charges_account_agent", "intermediary_agent_1",
        "intermediary_agent_2", "intermediary_agent_3", "creditor_agent"]
    assert [p.role for p in payment.parties] == [
        "initiating_party", "debtor", "ultimate_debtor", "creditor", "ultimate_creditor"]
    assert payment.agent("creditor_agent").lei == "000000K1PEBE35ILCW94"
    assert payment.party("creditor").bic == "BANKDEFFXXX"  # OrgId/AnyBIC
    assert payment.instructions == ("T", "PHOB T")  # InstrForDbtrAgt, InstrForCdtrAgt


# Documents written here ------------------------------------------------------------------

def pacs008(*transactions: str, header: str = "", namespace: bool = True) -> bytes:
    xmlns = ' xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"' if namespace else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document{xmlns}><FIToFICstmrCdtTrf>\n'
            f"<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-01T09:00:00</CreDtTm>"
            f"<NbOfTxs>{len(transactions)}</NbOfTxs>{header}</GrpHdr>\n"
            + "\n".join(transactions) + "\n</FIToFICstmrCdtTrf></Document>").encode()


def tx(e2e: str, amount: str = '<IntrBkSttlmAmt Ccy="EUR">10.00</IntrBkSttlmAmt>',
       debtor: str = "<Dbtr><Nm>Kim Il</Nm></Dbtr>", extra: str = "") -> str:
    return (f"<CdtTrfTxInf><PmtId><EndToEndId>{e2e}</EndToEndId></PmtId>{amount}{extra}"
            f"{debtor}<DbtrAgt><FinInstnId><BICFI>DEUTDEFF</BICFI></FinInstnId></DbtrAgt>"
            f"<CdtrAgt><FinInstnId><BICFI>COBADEFF</BICFI></FinInstnId></CdtrAgt>"
            f"<Cdtr><Nm>Creditor</Nm></Cdtr></CdtTrfTxInf>")


@pytest.mark.parametrize("bad, field, reason", [
    ('<IntrBkSttlmAmt Ccy="EUR">1,000.00</IntrBkSttlmAmt>', "CdtTrfTxInf/IntrBkSttlmAmt",
     "amount '1,000.00' is not a decimal number"),
    ('<IntrBkSttlmAmt Ccy="EUR">-5</IntrBkSttlmAmt>', "CdtTrfTxInf/IntrBkSttlmAmt",
     "amount '-5' is not a decimal number"),
    ("<IntrBkSttlmAmt>10</IntrBkSttlmAmt>", "CdtTrfTxInf/IntrBkSttlmAmt", "no Ccy attribute"),
    ('<IntrBkSttlmAmt Ccy="eur">10</IntrBkSttlmAmt>', "CdtTrfTxInf/IntrBkSttlmAmt/@Ccy",
     "currency 'eur' is not three capital letters"),
    ("", "CdtTrfTxInf/IntrBkSttlmAmt", "missing"),
    ('<IntrBkSttlmAmt Ccy="EUR">1</IntrBkSttlmAmt><IntrBkSttlmDt>2026-02-30</IntrBkSttlmDt>',
     "CdtTrfTxInf/IntrBkSttlmDt", "'2026-02-30' is not an ISO date"),
])
def test_a_bad_transaction_is_rejected_and_the_others_go_on(bad, field, reason):
    result = parse_bytes(pacs008(tx("A"), tx("B", amount=bad), tx("C")), "batch.xml")
    assert [(p.message_index, p.end_to_end_id) for p in result.payments] == [(1, "A"), (3, "C")]
    [error] = result.errors
    assert (error.source, error.message_index, error.field, error.reason) == \
        ("batch.xml", 2, field, reason)
    assert error.line == 5  # the second transaction's line
    assert str(error) == f"batch.xml, message 2 (line 5), {field}: {reason}"


@pytest.mark.parametrize("debtor, field, reason", [
    ("", "Dbtr", "missing"),
    ("<Dbtr><Nm>X</Nm><PstlAdr><Ctry>Korea</Ctry></PstlAdr></Dbtr>",
     "CdtTrfTxInf/Dbtr/PstlAdr/Ctry", "country code 'Korea' is not two capital letters"),
    ("<Dbtr><Id><OrgId><AnyBIC>NOTABIC</AnyBIC></OrgId></Id></Dbtr>",
     "CdtTrfTxInf/Dbtr/Id/OrgId/AnyBIC", "'NOTABIC' is not a BIC"),
])
def test_bad_parties_are_rejected(debtor, field, reason):
    result = parse_bytes(pacs008(tx("A", debtor=debtor), tx("B")), "x.xml")
    assert [p.end_to_end_id for p in result.payments] == ["B"]
    assert [(e.message_index, e.field, e.reason) for e in result.errors] == [(1, field, reason)]


def test_a_bad_group_header_rejects_each_of_its_transactions():
    bad = "<InstgAgt><FinInstnId><BICFI>BAD</BICFI></FinInstnId></InstgAgt>"
    result = parse_bytes(pacs008(tx("A"), tx("B"), header=bad), "x.xml")
    assert result.payments == ()
    assert [(e.message_index, e.field) for e in result.errors] == \
        [(1, "GrpHdr/InstgAgt/FinInstnId/BICFI"), (2, "GrpHdr/InstgAgt/FinInstnId/BICFI")]


def test_a_document_without_namespace_is_read_by_its_message_element():
    [payment] = parse_bytes(pacs008(tx("A"), namespace=False), "x.xml").payments
    assert payment.format == "pacs.008"
    assert payment.party("debtor").name == "Kim Il"


def test_pacs009_cover_keeps_the_underlying_customer_transfer():
    document = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08">
<FICdtTrf><GrpHdr><MsgId>COV1</MsgId><CreDtTm>2026-03-01T09:00:00</CreDtTm></GrpHdr>
<CdtTrfTxInf><PmtId><EndToEndId>E1</EndToEndId><UETR>4d2a3c38-0000-4000-8000-000000000001</UETR>
</PmtId><IntrBkSttlmAmt Ccy="USD">250000</IntrBkSttlmAmt>
<Dbtr><FinInstnId><BICFI>BANKBEBB</BICFI></FinInstnId></Dbtr>
<DbtrAgt><FinInstnId><BICFI>CITIUS33</BICFI></FinInstnId></DbtrAgt>
<CdtrAgt><FinInstnId><BICFI>CHASUS33</BICFI></FinInstnId></CdtrAgt>
<Cdtr><FinInstnId><BICFI>BANKCNBJ</BICFI></FinInstnId></Cdtr>
<UndrlygCstmrCdtTrf>
 <Dbtr><Nm>Korea Kwangson Banking Corp</Nm><PstlAdr><Ctry>KP</Ctry></PstlAdr></Dbtr>
 <DbtrAgt><FinInstnId><BICFI>KKBCKPPY</BICFI></FinInstnId></DbtrAgt>
 <CdtrAgt><FinInstnId><BICFI>BANKCNBJ</BICFI></FinInstnId></CdtrAgt>
 <Cdtr><Nm>Dalian Trading Co</Nm></Cdtr>
 <RmtInf><Ustrd>INVOICE 77</Ustrd></RmtInf>
 <InstdAmt Ccy="USD">1</InstdAmt>
</UndrlygCstmrCdtTrf></CdtTrfTxInf></FICdtTrf></Document>"""
    [payment] = parse_bytes(document, "cov.xml").payments
    assert [(a.role, a.bic) for a in payment.agents] == [
        ("debtor_institution", "BANKBEBB"), ("debtor_agent", "CITIUS33"),
        ("creditor_agent", "CHASUS33"), ("creditor_institution", "BANKCNBJ"),
        ("underlying_debtor_agent", "KKBCKPPY"), ("underlying_creditor_agent", "BANKCNBJ")]
    assert [(p.role, p.name, p.country) for p in payment.parties] == [
        ("underlying_debtor", "Korea Kwangson Banking Corp", "kp"),
        ("underlying_creditor", "Dalian Trading Co", None)]
    assert payment.amount == Decimal(250000)  # the cover's, not the underlying's
    assert payment.remittance == ("INVOICE 77",)


def test_an_envelope_of_several_messages_keeps_each_header():
    def message(sender: str, e2e: str) -> str:
        body = pacs008(tx(e2e)).decode().split("\n", 1)[1]
        return (f"<AppHdr xmlns='urn:iso:std:iso:20022:tech:xsd:head.001.001.02'><Fr><FIId>"
                f"<FinInstnId><BICFI>{sender}</BICFI></FinInstnId></FIId></Fr>"
                f"<MsgDefIdr>pacs.008.001.08</MsgDefIdr></AppHdr>{body}")
    data = f"<Envelope>{message('AAAADEFF', 'A')}{message('BBBBDEFF', 'B')}</Envelope>"
    result = parse_bytes(data, "env.xml")
    assert [(p.message_index, p.end_to_end_id, p.agent("sender").bic)
            for p in result.payments] == [(1, "A", "AAAADEFF"), (2, "B", "BBBBDEFF")]


def test_an_unsupported_message_type_is_named():
    data = b"""<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt><GrpHdr><MsgId>S</MsgId></GrpHdr></BkToCstmrStmt></Document>"""
    result = parse_bytes(data, "stmt.xml")
    assert result.payments == ()
    [error] = result.errors
    assert (error.message_index, error.field) == (1, "Document")
    assert error.reason == ("unsupported message type camt.053.001.08 "
                            "(read: pacs.008, pacs.009, pain.001, pain.008)")


def test_not_well_formed_xml_is_one_error_for_the_whole_file():
    data = pacs008(tx("A"), tx("B")).replace(b"<Nm>Creditor</Nm></Cdtr></CdtTrfTxInf>\n",
                                             b"<Nm>Creditor</Nm></Cdtr></CdtTrfTx>\n", 1)
    result = parse_bytes(data, "broken.xml")
    assert result.payments == ()  # the first transaction was complete, but the file is broken
    [error] = result.errors
    assert error.message_index is None and error.line == 4
    assert error.reason.startswith("not well-formed XML at line 4, column ")
    assert "CdtTrfTx" in error.reason


def test_an_xml_bomb_is_refused_before_it_expands():
    levels = "\n".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY l0 "lol">\n{levels}]>\n'
            + pacs008(tx("A", debtor="<Dbtr><Nm>&l9;</Nm></Dbtr>")).decode().split("\n", 1)[1])
    started = time.perf_counter()
    result = parse_bytes(bomb, "bomb.xml")
    assert time.perf_counter() - started < 1
    assert result.payments == ()
    [error] = result.errors
    assert error.message_index is None
    assert error.reason == "a DTD (<!DOCTYPE>) is not accepted in a payment message"


def test_an_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (f'<?xml version="1.0"?><!-- a comment first -->\n'
            f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
            + pacs008(tx("A", debtor="<Dbtr><Nm>&x;</Nm></Dbtr>")).decode().split("\n", 1)[1])
    path = tmp_path / "xxe.xml"
    path.write_text(data)
    result = parse_file(path)
    assert result.payments == ()
    assert "DTD" in result.errors[0].reason
