"""Screening payments (payments/screen.py) on the real lists: parties, agents' BICs, embargoed
countries and free text; every real sample; one verdict per payment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from moneytrail.payments.parse import parse_bytes, parse_file
from moneytrail.payments.screen import (
    BIC_PREFIX_SCORE,
    PaymentResult,
    PaymentScreener,
    alert_hits,
    payment_id,
)


def pacs008(debtor: str = "Debtor Corp", creditor: str = "Creditor Ltd",
            debtor_bic: str = "DEUTDEFF", creditor_bic: str = "COBADEFF",
            creditor_country: str = "", remittance: str = "", e2e: str = "E2E-1") -> bytes:
    address = (f"<PstlAdr><Ctry>{creditor_country}</Ctry></PstlAdr>" if creditor_country
               else "")
    rmt = f"<RmtInf><Ustrd>{remittance}</Ustrd></RmtInf>" if remittance else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>
<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-01-15T10:30:00</CreDtTm><NbOfTxs>1</NbOfTxs>
<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>
<CdtTrfTxInf><PmtId><EndToEndId>{e2e}</EndToEndId><TxId>TX-1</TxId></PmtId>
<IntrBkSttlmAmt Ccy="EUR">1000.00</IntrBkSttlmAmt><ChrgBr>SHAR</ChrgBr>
<Dbtr><Nm>{debtor}</Nm></Dbtr>
<DbtrAgt><FinInstnId><BICFI>{debtor_bic}</BICFI></FinInstnId></DbtrAgt>
<CdtrAgt><FinInstnId><BICFI>{creditor_bic}</BICFI></FinInstnId></CdtrAgt>
<Cdtr><Nm>{creditor}</Nm>{address}</Cdtr>{rmt}
</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>""".encode()


def screen_one(screener, data: bytes, name: str = "t.xml"):
    result = parse_bytes(data, name)
    assert not result.errors, result.errors
    [verdict] = PaymentScreener(screener).screen(result.payments)
    return verdict


def test_an_ordinary_payment_passes(lists_screener):
    verdict = screen_one(lists_screener, pacs008(debtor="Maria Schneider",
                                                 creditor="Hans Becker GmbH",
                                                 remittance="Invoice 2024-113 March rent"))
    assert verdict.status == "pass" and verdict.hits == ()
    assert verdict.to_dict()["status"] == "pass"


def test_a_listed_creditor_holds_the_payment_with_its_explanation(lists_screener):
    verdict = screen_one(lists_screener, pacs008(creditor="KOREA KWANGSON BANKING CORP"))
    assert verdict.status == "hold"
    names = [h for h in verdict.hits if h.kind == "name"]
    # the bank is on several lists: a hit for each of its entries
    assert {(h.field, h.value) for h in names} == {("creditor.name",
                                                    "KOREA KWANGSON BANKING CORP")}
    assert len({h.entity.id for h in names}) == len(names) >= 2
    hit = next(h for h in names if h.entity.caption == "KOREA KWANGSON BANKING CORP")
    assert hit.score >= 0.8
    assert hit.detail["matched_name"] and hit.detail["features"]
    assert hit.party_key == "name:korea kwangson banking corp"


def test_a_listed_person_in_another_spelling(lists_screener):
    verdict = screen_one(lists_screener, pacs008(debtor="Kim Jong-un"))
    assert [(h.field, h.entity.caption) for h in verdict.hits if h.kind == "name"] == \
        [("debtor.name", "KIM, Jong Un")]


def test_a_listed_bic_by_its_first_eight_characters_and_a_branch(lists_screener):
    # FTBDKPPY: Foreign Trade Bank of the DPRK on the SDN list; XXX is its head office
    verdict = screen_one(lists_screener, pacs008(creditor_bic="FTBDKPPYXXX"))
    bic = [h for h in verdict.hits if h.kind == "bic"]
    assert [(h.field, h.value, h.score) for h in bic] == \
        [("creditor_agent.bic", "FTBDKPPYXXX", 1.0)]
    assert "FOREIGN TRADE BANK" in bic[0].entity.caption.upper()
    # the BIC's country code is North Korea (the agent's country, as no address says
    # otherwise): an embargoed country too, once
    assert [(h.field, h.detail["country"]) for h in verdict.hits if h.kind == "country"] == \
        [("creditor_agent.country", "kp")]


def test_the_same_bank_in_another_location_holds_too(lists_screener):
    verdict = screen_one(lists_screener, pacs008(debtor_bic="FTBDKPP2"))
    [hit] = [h for h in verdict.hits if h.kind == "bic"]
    assert hit.score == BIC_PREFIX_SCORE and hit.detail["method"] == "bic_prefix"
    assert hit.detail["listed_bics"] == ["FTBDKPPY"]


def test_a_bank_of_another_country_with_the_same_bank_code_is_not_the_listed_bank(
        lists_screener):
    verdict = screen_one(lists_screener, pacs008(debtor_bic="FTBDDEFF"))
    assert verdict.status == "pass"


@pytest.mark.parametrize("country", ["KP", "IR"])
def test_embargoed_countries(lists_screener, country):
    verdict = screen_one(lists_screener, pacs008(creditor_country=country))
    assert [(h.kind, h.field, h.detail["country"]) for h in verdict.hits] == \
        [("country", "creditor.country", country.lower())]


def test_free_text_names_a_vessel_by_name_and_imo(lists_screener):
    verdict = screen_one(lists_screener, pacs008(
        remittance="FREIGHT MV CHON MA SAN IMO 8660313 NAMPO"))
    text = [(h.field, h.value, h.detail["mention"]) for h in verdict.hits if h.kind == "text"]
    assert ("remittance", "CHON MA SAN", "name") in text
    assert ("remittance", "8660313", "imo") in text


def test_mt103_beneficiary_field_72_and_address(lists_screener):
    mt = ("{1:F01BANKBEBBAXXX0000000000}{2:O1031200260301BANKDEFFAXXX00000000002603011200N}"
          "{4:\n:20:REF1\n:23B:CRED\n:32A:260301USD1500,\n:50K:/12345\nJOHN SMITH\nLONDON\n"
          ":59:/998877\nKOREA MINING DEVELOPMENT TRADING CORPORATION\nCENTRAL DISTRICT\n"
          "PYONGYANG DPRK\n:71A:SHA\n:72:/INS/WALLET 0x098B716B8Aaf21512996dC57EB0615e2383E2f96\n"
          "-}")
    verdict = screen_one(lists_screener, mt.encode(), "one.fin")
    kinds = {(h.kind, h.field) for h in verdict.hits}
    assert ("name", "creditor.name") in kinds
    assert ("country", "creditor.address") in kinds  # Pyongyang
    assert ("text", "instructions") in kinds  # the Lazarus Group wallet
    assert not [h for h in verdict.hits if h.field.startswith("debtor.")]


def test_each_sample_file_gets_a_verdict(data_dir: Path, lists_screener):
    """Every payment of every real sample is screened; the samples are ordinary payments
    between test banks, so nearly all pass (the few holds are names within a letter of a
    listed one: Foo / FOZ FOR TRADING)."""
    payments = []
    for path in sorted((data_dir / "payments").rglob("*")):
        if path.is_file() and path.suffix in (".xml", ".rje", ".fin"):
            payments += parse_file(path).payments
    verdicts = PaymentScreener(lists_screener).screen(payments)
    assert len(verdicts) == len(payments) > 200
    held = [v for v in verdicts if v.status == "hold"]
    assert len(held) <= 0.02 * len(verdicts)
    assert all(h.kind == "name" and h.score < 0.85 for v in held for h in v.hits)


def test_payment_ids():
    data = pacs008(e2e="E2E-7")
    [p] = parse_bytes(data, "x.xml").payments
    assert payment_id(p) == "MSG-1/E2E-7/TX-1"


def test_alert_keys_stay_within_the_stores_limits(lists_screener):
    long_name = "KOREA KWANGSON BANKING CORP " + "X" * 600
    verdict = screen_one(lists_screener, pacs008(creditor="KOREA KWANGSON BANKING CORP",
                                                 e2e="E" * 35))
    assert verdict.hits
    hit = replace(verdict.hits[0], party_key="name:" + long_name.lower())
    other = replace(hit, party_key=hit.party_key + "y")
    made = alert_hits([PaymentResult(verdict.payment, (hit, other))], {})
    for h in made:
        h.check()  # raises when a field cannot be stored
    assert len({h.party_key for h in made}) == 2 and all(len(h.party_key) <= 512 for h in made)


def test_a_stream_on_two_workers_gives_the_verdicts_of_one_in_order(lists_screener):
    listed = ["KOREA KWANGSON BANKING CORP", "Maria Schneider", "Kim Jong-un", "Hans Becker"]
    items = []
    for i in range(9):
        items += parse_bytes(pacs008(creditor=listed[i % 4], e2e=f"E-{i}"), f"f{i}.xml").payments
        if i == 4:  # a rejected message passes through in its place
            items += parse_bytes(b"<Document><x>", "bad.xml").errors
    one = PaymentScreener(lists_screener).screen_stream(items, chunk_size=4)
    two = PaymentScreener(lists_screener).screen_stream(items, workers=2, chunk_size=4)
    one, two = list(one), list(two)
    assert [type(x).__name__ for x in two] == [type(x).__name__ for x in one]
    assert type(two[5]).__name__ == "PaymentError" and len(two) == 10
    verdicts = [(v.payment_id, v.status, [(h.field, h.entity.id if h.entity else None, h.score)
                                           for h in v.hits]) for v in two if hasattr(v, "hits")]
    assert verdicts == [(v.payment_id, v.status, [(h.field, h.entity.id if h.entity else None,
                                                   h.score) for h in v.hits])
                        for v in one if hasattr(v, "hits")]
    assert [s for _, s, _ in verdicts] == ["hold", "pass", "hold", "pass"] * 2 + ["hold"]
