"""Listed names, IMO numbers, BICs and wallets found in free text (match/textscan.py and
Screener.scan_text), on the real lists."""

from __future__ import annotations

import pytest

from moneytrail.match.textscan import imo_valid, scan
from moneytrail.match.tokens import token_sim


def mentions(screener, text):
    return [(m.kind, m.text, match.entity.caption) for m, match in screener.scan_text(text)]


def test_vessel_by_name_and_by_imo_with_where_it_is_written(lists_screener):
    text = "PAYMENT FOR CARGO ON VESSEL CHON MA SAN IMO 8660313 DISCHARGED NAMPO"
    found = lists_screener.scan_text(text)
    kinds = {(m.kind, m.text) for m, _ in found}
    assert ("name", "CHON MA SAN") in kinds
    assert ("imo", "8660313") in kinds
    for mention, match in found:
        assert text[mention.start:mention.end] == mention.text
        assert match.entity.caption == "CHON MA SAN"
        assert match.match and match.score == 1.0
    imo = next(match for m, match in found if m.kind == "imo")
    assert imo.explanation["method"] == "identifier"


def test_a_bare_imo_number_counts_only_with_its_check_digit():
    assert imo_valid("8660313") and imo_valid("9321483")
    assert not imo_valid("8660314") and not imo_valid("866031") and not imo_valid("86603a3")


def test_bare_seven_digits(lists_screener):
    assert ("imo", "8660313", "CHON MA SAN") in mentions(lists_screener, "ref 8660313 cargo")
    # the same digits with a wrong check digit, or inside a longer number, are not an IMO
    assert not [m for m in scan(lists_screener.index, "ref 8660314 cargo") if m.kind == "imo"]
    assert not [m for m in scan(lists_screener.index, "acct 186603131") if m.kind == "imo"]


def test_names_inside_field_codes_and_across_punctuation(lists_screener):
    found = mentions(lists_screener, "/BNF/KIM JONG UN//INV 2024-113")
    assert ("name", "KIM JONG UN", "KIM, Jong Un") in found
    found = mentions(lists_screener, "FOR KOREA KWANGSON BANKING CORP. SETTLEMENT")
    # one mention (not also its words), as written, the abbreviation's point included
    assert [f for f in found if f[0] == "name"] == [
        ("name", "KOREA KWANGSON BANKING CORP.", "KOREA KWANGSON BANKING CORP")]


def test_wallet_and_bic_in_text(lists_screener):
    wallet = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
    found = mentions(lists_screener, f"top-up to {wallet.lower()} ASAP")
    assert ("crypto", wallet.lower(), "LAZARUS GROUP") in found
    bic = next(k[4:] for k in lists_screener.index.id_postings if k.startswith("bic:"))
    found = lists_screener.scan_text(f"/ACC/{bic}XXX/")
    assert found and all(m.kind == "bic" and m.text == bic + "XXX" for m, _ in found)


@pytest.mark.parametrize("text", [
    "Salary September 2024",  # the compact form of LIMITED LIABILITY COMPANY SEPTEMBER
    "Invoice 1234 payment for goods and services rendered in March",
    "komid fee",  # an acronym counts written in capitals only
    "INVOICE 33/2024 ORDER 5512345",
])
def test_ordinary_text_names_nobody(lists_screener, text):
    assert lists_screener.scan_text(text) == []


def test_single_words_that_are_whole_list_names(lists_screener):
    found = mentions(lists_screener, "donation to HAMAS via KOMID")
    assert ("name", "HAMAS") in {(k, t) for k, t, _ in found}
    assert ("name", "KOMID", "KOREA MINING DEVELOPMENT TRADING CORPORATION") in found


@pytest.mark.parametrize("a,b", [("aaaaaaaaaaaaaaaaaaaaaa", "aaj"), ("ggggggggggggggg", "ck"),
                                 ("testar00axxx", "disdrogas")])
def test_sounding_alike_needs_words_of_letters_of_comparable_length(a, b):
    # each pair has one phonetic key (vowels and doubled letters fall away, d/t and g/k merge)
    assert token_sim(a, b) < 0.8


def test_sounding_alike_still_counts_for_names(lists_screener):
    assert token_sim("mohammed", "muhamad") >= 0.8
    assert token_sim("choe", "choi") >= 0.8
