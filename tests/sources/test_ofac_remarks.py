"""OFAC remarks parser: every item kind on literal strings taken from (or shaped like) the real
SDN and consolidated remarks, including cut texts, date ranges and repeated items."""

from __future__ import annotations

import pytest

from moneytrail.model import (
    Entity,
    Identifier,
    IdKind,
    Name,
    NameKind,
    Relation,
    RelationKind,
    Schema,
)
from moneytrail.sources.base import classify_dprk
from moneytrail.sources.ofac_remarks import (
    CSV_REMARKS_LIMIT,
    apply_remarks,
    id_kind_for_label,
    is_truncated,
    parse_date,
    parse_date_range,
    parse_remarks,
    person_name,
    split_items,
    strip_period,
)


def person(**kw) -> Entity:
    return Entity(id="ofac_sdn:1", source="ofac_sdn", source_id="1", schema=Schema.PERSON, **kw)


def org(schema: Schema = Schema.ORGANIZATION, **kw) -> Entity:
    return Entity(id="ofac_sdn:2", source="ofac_sdn", source_id="2", schema=schema, **kw)


def notes_of(entity: Entity) -> list[str]:
    return [v for k, v in entity.properties if k == "notes"]


def ids(entity: Entity, kind: IdKind) -> list[Identifier]:
    return [i for i in entity.identifiers if i.kind is kind]


# ------------------------------------------------------------------------------------------
# Splitting, periods, dates


def test_split_items_respects_parentheses_and_odd_separators() -> None:
    text = ("DOB 1969; (Following data derived: Alt. DOB: 10 October 1969; Alt. POB: Keren "
            "Eritrea); a.k.a. 'ABU MANSUR'.")
    assert split_items(text) == [
        "DOB 1969",
        "(Following data derived: Alt. DOB: 10 October 1969; Alt. POB: Keren Eritrea)",
        "a.k.a. 'ABU MANSUR'.",
    ]
    # OFAC sometimes leaves out the space, and ends a text with ";".
    assert split_items("nationality possibly Palestinian;arrested 23 Apr 2002;") == [
        "nationality possibly Palestinian", "arrested 23 Apr 2002"]
    # A parenthesis left open by a cut text does not swallow the items after it.
    assert split_items("Listing Date (EO 14024 Direct; Gender Male") == [
        "Listing Date (EO 14024 Direct", "Gender Male"]


def test_strip_period_keeps_abbreviations() -> None:
    assert strip_period("Gender Male.") == "Gender Male"
    assert strip_period("section 510.214.") == "section 510.214"
    assert strip_period("KPD S.A.") == "KPD S.A."  # OFAC does not double the final period
    assert strip_period("INDUITEX LTDA.") == "INDUITEX LTDA."
    assert strip_period("DELOS REYES, Feliciano, Jr.") == "DELOS REYES, Feliciano, Jr."
    assert strip_period("Moscow, Russia.") == "Moscow, Russia"


@pytest.mark.parametrize("text, expected", [
    ("08 Jan 1984", "1984-01-08"),
    ("Jan 1984", "1984-01"),
    ("1984", "1984"),
    ("circa 1960", "1960"),
    ("10 October 1969", "1969-10-10"),
    ("30 Feb 1960", "1960-02"),  # impossible day: keep the month
    ("1984.", "1984"),
    ("12 Ja", None),
    ("unknown", None),
])
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("1960 to 1962", ["1960", "1961", "1962"]),
    ("01 Jan 1960 to 31 Dec 1962", ["1960", "1961", "1962"]),
    ("circa 1979-1982", ["1979", "1980", "1981", "1982"]),
    ("Mar 1962 to Feb 1963", ["1962", "1963"]),
    ("01 Jan 1958 to 31 Dec 1958", ["1958"]),
    ("26 Sep 1946 to 07 Dec 1946", ["1946"]),
    ("01 Mar 1958 to 31 Mar 1958", ["1958-03"]),
    ("1900 to 1960", ["1900", "1960"]),  # longer than 15 years: end points only
    ("circa 07 Jul 1966", ["1966-07-07"]),
    ("1962 to", None),
])
def test_parse_date_range(text: str, expected: list[str] | None) -> None:
    assert parse_date_range(text) == expected


# ------------------------------------------------------------------------------------------
# People


def test_birth_dates_places_nationality_gender() -> None:
    e = apply_remarks(person(), (
        "DOB 08 Jan 1984; alt. DOB Jan 1985; alt. DOB 1960 to 1962; alt. DOB circa 1950; "
        "POB Pyongyang, Korea, North; alt. POB Moscow, Russia; nationality Korea, North; "
        "alt. nationality possibly Palestinian; citizen Russia; Gender Male."))
    assert e.birth_dates == ("1984-01-08", "1985-01", "1960", "1961", "1962", "1950")
    assert e.birth_places == ("Pyongyang, Korea, North", "Moscow, Russia")
    assert ("birthCountry", "kp") in e.properties and ("birthCountry", "ru") in e.properties
    assert e.nationalities == ("kp", "ps")
    assert e.citizenships == ("ru",)
    assert e.gender == "male"
    assert notes_of(e) == []
    assert classify_dprk(e).dprk


def test_female_title_position_ethnicity() -> None:
    e = apply_remarks(person(), "Gender Female; Title Basij Deputy Commander; Position: Owner; "
                                "Brigadier General; ethnicity Kurdish.")
    assert e.gender == "female"
    assert e.titles == ("Basij Deputy Commander", "Brigadier General")
    assert e.positions == ("Owner",)
    assert ("ethnicity", "Kurdish") in e.properties


def test_unknown_country_and_bad_date_are_kept_as_notes() -> None:
    e = apply_remarks(person(), "nationality Atlantis; DOB sometime in the sixties; Gender X")
    assert e.nationalities == () and e.birth_dates == () and e.gender is None
    assert notes_of(e) == ["nationality Atlantis", "DOB sometime in the sixties", "Gender X"]


# ------------------------------------------------------------------------------------------
# Documents and numbers


def test_passports_with_country_issue_and_expiry() -> None:
    e = apply_remarks(person(), (
        "Passport 836110034 (Korea, North) expires 2020; "
        "alt. Passport G737411 (Tunisia) issued 24 Oct 1990 expires 20 Sep 1997; "
        "Passport 1091875; Diplomatic Passport 008827 (Iran) issued 1999."))
    assert ids(e, IdKind.PASSPORT) == [
        Identifier(IdKind.PASSPORT, "836110034", country="kp", note="expires 2020"),
        Identifier(IdKind.PASSPORT, "G737411", country="tn",
                   note="issued 24 Oct 1990 expires 20 Sep 1997"),
        Identifier(IdKind.PASSPORT, "1091875"),
        Identifier(IdKind.PASSPORT, "008827", country="ir",
                   note="Diplomatic Passport; issued 1999"),
    ]
    assert classify_dprk(e).dprk  # a North Korean passport makes the person DPRK-related


def test_national_and_tax_and_registration_numbers() -> None:
    e = apply_remarks(org(), (
        "National ID No. 660000 73767 (Belgium); Cedula No. 16247821 (Colombia); "
        "Identification Number 2.194.575 (Paraguay); C.U.R.P. AIMM67125HCHRRG06 (Mexico); "
        "Tax ID No. 7734202860 (Russia); R.F.C. DIB-771110-HQ1 (Mexico).; NIT # 800146749-7 "
        "(Colombia); Registration Number 02696754 (United Kingdom); Registration ID 14063277.; "
        "Business Registration Number 1037739709138 (Russia); Company Number 01074897 "
        "(United Kingdom); Registration Number HRA 738077 (Stuttgart) (Germany); "
        "Government Gazette Number 09804148 (Russia)"))
    got = [(i.kind, i.value, i.country, i.note) for i in e.identifiers]
    assert got == [
        (IdKind.NATIONAL_ID, "660000 73767", "be", None),
        (IdKind.NATIONAL_ID, "16247821", "co", "Cedula No."),
        (IdKind.NATIONAL_ID, "2.194.575", "py", None),
        (IdKind.NATIONAL_ID, "AIMM67125HCHRRG06", "mx", "C.U.R.P."),
        (IdKind.TAX_ID, "7734202860", "ru", None),
        (IdKind.TAX_ID, "DIB-771110-HQ1", "mx", "R.F.C."),
        (IdKind.TAX_ID, "800146749-7", "co", "NIT"),
        (IdKind.REGISTRATION, "02696754", "gb", None),
        (IdKind.REGISTRATION, "14063277", None, None),
        (IdKind.REGISTRATION, "1037739709138", "ru", None),
        (IdKind.REGISTRATION, "01074897", "gb", None),
        (IdKind.REGISTRATION, "HRA 738077", "de", "Stuttgart"),
        (IdKind.REGISTRATION, "09804148", "ru", "Government Gazette Number"),
    ]


def test_legal_entity_number_is_an_lei_only_when_it_looks_like_one() -> None:
    e = apply_remarks(org(), "Legal Entity Number 253400WSS48YWMBUA688; "
                             "Legal Entity Number 851683897 (Netherlands)")
    assert e.identifiers == (
        Identifier(IdKind.LEI, "253400WSS48YWMBUA688"),
        Identifier(IdKind.REGISTRATION, "851683897", country="nl",
                   note="Legal Entity Number"),
    )


def test_bic_takes_its_country_from_the_code() -> None:
    e = apply_remarks(org(), "SWIFT/BIC KDBKKPPY; SWIFT/BIC HAVIGB2L")
    assert ids(e, IdKind.BIC) == [Identifier(IdKind.BIC, "KDBKKPPY", country="kp"),
                                  Identifier(IdKind.BIC, "HAVIGB2L", country="gb")]
    assert classify_dprk(e).dprk


def test_contacts() -> None:
    e = apply_remarks(org(), (
        "Website www.ovlas-trading.com.; alt. Website http://sharif.edu/jalili; "
        "Email Address dam.d.free@net.sy.; alt. Email Address 3507656950@qq.com; "
        "Phone Number 982188526300; Telephone: 0097282851500; PHONE 850 2 381 8221; "
        "Fax: 0097282858208.; info@sanabel.org.uk (email); http://www.sara.co.uk (website)"))
    assert [(i.kind, i.value, i.note) for i in e.identifiers] == [
        (IdKind.WEBSITE, "www.ovlas-trading.com", None),
        (IdKind.WEBSITE, "http://sharif.edu/jalili", None),
        (IdKind.EMAIL, "dam.d.free@net.sy", None),
        (IdKind.EMAIL, "3507656950@qq.com", None),
        (IdKind.PHONE, "982188526300", None),
        (IdKind.PHONE, "0097282851500", None),
        (IdKind.PHONE, "850 2 381 8221", None),
        (IdKind.PHONE, "0097282858208", "fax"),
        (IdKind.EMAIL, "info@sanabel.org.uk", None),
        (IdKind.WEBSITE, "http://www.sara.co.uk", None),
    ]


@pytest.mark.parametrize("asset, address", [
    ("XBT", "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"),
    ("XBT", "bc1q5jqgm7nvrhaw2rh2vk0dk8e4gg5g373g0vz07r"),
    ("ETH", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"),
    ("USDT", "0xfec8a60023265364d066a1212fde3930f6ae8da7"),
    ("LTC", "LNwgtMxcKUQ51dw7bQL1yPQjBVZh6QEqsd"),
    ("TRX", "TMeMy8jUfBn7ukpNkbeyZCBfBQsB8Ufyq5"),
    ("XMR", "5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320"),
    ("ZEC", "t1g7wowvQ8jzxvfYQeNSrZkH6sgL2mvEvEF"),
    ("DASH", "XnPFsRWTB8Y7hLs1nqF5GKRLAGGjVa6gTS"),
    ("BTG", "GPwg61XoHqQPNmqnLrs9GFKWA5bn9vQ8xt"),
    ("ETC", "0xd882cfc20f52f2599d84b8e8d58c7fb62cfe344b"),
    ("BSV", "12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9"),
    ("BCH", "qrkemdpeauu9lxwvq2qvnjjtst7w4vj2qsmkadjk4m"),
    ("XVG", "DDqGWVjNDrEQtFKkGjQfUZPJ7Yz3Xk8rWy"),
    ("ARB", "0x3e37627dEAA754090fBFbb8bd226c1CE66D255e9"),
    ("BSC", "0x3e37627dEAA754090fBFbb8bd226c1CE66D255e9"),
    ("USDC", "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40"),
])
def test_digital_currency_addresses(asset: str, address: str) -> None:
    e = apply_remarks(org(), f"alt. Digital Currency Address - {asset} {address}.")
    assert e.identifiers == (Identifier(IdKind.CRYPTO, address, asset=asset),)


def test_several_addresses_and_repeats_are_kept_once() -> None:
    text = ("Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96; "
            "alt. Digital Currency Address - ETH 0xa0e1c89Ef1a489c9C7dE96311eD5Ce5D32c20E4B; "
            "alt. Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96")
    e = apply_remarks(org(), text)
    assert [i.value for i in e.identifiers] == [
        "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
        "0xa0e1c89Ef1a489c9C7dE96311eD5Ce5D32c20E4B"]


@pytest.mark.parametrize("label, kind", [
    ("Passport", IdKind.PASSPORT),
    ("Stateless Person Passport", IdKind.PASSPORT),
    ("Cedula No.", IdKind.NATIONAL_ID),
    ("Electoral Registry No.", IdKind.NATIONAL_ID),
    ("V.A.T. Number", IdKind.TAX_ID),
    ("RUC", IdKind.TAX_ID),
    ("Unified Social Credit Code (USCC)", IdKind.REGISTRATION),
    ("Chamber of Commerce Number", IdKind.REGISTRATION),
    ("SWIFT/BIC", IdKind.BIC),
    ("Driver's License No.", IdKind.OTHER),
    ("D-U-N-S Number", IdKind.OTHER),
    ("Some New Label", IdKind.OTHER),
])
def test_id_kind_for_label(label: str, kind: IdKind) -> None:
    assert id_kind_for_label(label) is kind


def test_id_kind_for_label_looks_at_the_value() -> None:
    assert id_kind_for_label("Identification Number", "IMO 5342883") is IdKind.IMO
    assert id_kind_for_label("Legal Entity Number", "253400WSS48YWMBUA688") is IdKind.LEI
    assert id_kind_for_label("Legal Entity Number", "851683897") is IdKind.REGISTRATION


def test_identifier_without_a_number_is_a_note() -> None:
    e = apply_remarks(person(), "Passport issued in Sarajevo, Bosnia-Herzegovina; NIT Provisional")
    assert e.identifiers == ()
    assert notes_of(e) == ["Passport issued in Sarajevo, Bosnia-Herzegovina", "NIT Provisional"]


# ------------------------------------------------------------------------------------------
# Vessels and aircraft


def test_vessel_items() -> None:
    e = apply_remarks(org(Schema.VESSEL), (
        "Vessel Registration Identification IMO 9187629.; MMSI 572469210; Vessel Call Sign "
        "HPZS; Other Vessel Call Sign 5IM713; Vessel Flag Korea, North; Other Vessel Flag "
        "Tanzania; Former Vessel Flag Malta; alt. Former Vessel Flag None Identified; Vessel "
        "Type Crude Oil Tanker; Other Vessel Type Roll-on Roll-off; Tonnage 3,294; Gross "
        "Registered Tonnage 5,370; Vessel Year of Build 2007; Vessel Registration "
        "Identification RS 150443 (Russia)"))
    assert [(i.kind, i.value, i.country) for i in e.identifiers] == [
        (IdKind.IMO, "9187629", None),
        (IdKind.MMSI, "572469210", None),
        (IdKind.CALL_SIGN, "HPZS", None),
        (IdKind.CALL_SIGN, "5IM713", None),
        (IdKind.REGISTRATION, "RS 150443", "ru"),
    ]
    props = [p for p in e.properties if p[0] != "notes"]
    assert props == [("flag", "kp"), ("flag", "tz"), ("pastFlags", "mt"),
                     ("type", "Crude Oil Tanker"), ("type", "Roll-on Roll-off"),
                     ("tonnage", "3,294"), ("grossRegisteredTonnage", "5,370"),
                     ("buildDate", "2007")]
    assert e.countries == ("kp", "tz")  # current flags only, not former ones
    assert notes_of(e) == ["alt. Former Vessel Flag None Identified"]
    assert classify_dprk(e).dprk


def test_company_imo_numbers() -> None:
    e = apply_remarks(org(), "Identification Number IMO 5342883.; Company Number IMO 5055293")
    assert e.identifiers == (Identifier(IdKind.IMO, "5342883"), Identifier(IdKind.IMO, "5055293"))


def test_bare_vessel_registration_is_imo_only_with_a_valid_check_digit() -> None:
    e = apply_remarks(org(Schema.VESSEL), "Vessel Registration Identification 8606173.; "
                                          "Vessel Registration Identification 8606174")
    assert e.identifiers == (Identifier(IdKind.IMO, "8606173"),
                             Identifier(IdKind.REGISTRATION, "8606174"))


def test_aircraft_items() -> None:
    e = apply_remarks(org(Schema.AIRCRAFT), (
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft "
        "Manufacture Date Sep 1984; Aircraft Model IL76-TD; Aircraft Operator Air Koryo; "
        "Aircraft Manufacturer's Serial Number (MSN) 1023409321; Aircraft Tail Number P-532; "
        "Previous Aircraft Tail Number YI-NAE; Aircraft Mode S Transponder Code 140AE7; "
        "Nationality of Registration Korea, North"))
    assert [(i.kind, i.value, i.note) for i in e.identifiers] == [
        (IdKind.AIRCRAFT_SERIAL, "8401",
         "Aircraft Construction Number (also called L/N or S/N or F/N)"),
        (IdKind.AIRCRAFT_SERIAL, "1023409321", None),
        (IdKind.AIRCRAFT_TAIL, "P-532", None),
        (IdKind.AIRCRAFT_TAIL, "YI-NAE", "Previous Aircraft Tail Number"),
        (IdKind.OTHER, "140AE7", "Aircraft Mode S Transponder Code"),
    ]
    assert ("buildDate", "1984-09") in e.properties
    assert ("model", "IL76-TD") in e.properties
    assert ("operator", "Air Koryo") in e.properties
    assert Relation(RelationKind.OPERATED_BY, target_name="Air Koryo") in e.relations
    assert e.countries == ("kp",)


# ------------------------------------------------------------------------------------------
# Names, links, organisations, sanctions information


def test_aliases_in_remarks() -> None:
    e = apply_remarks(person(names=(Name("KIM, Jong Un", family="KIM", given="Jong Un"),)),
                      "a.k.a. 'KIM, Jong-un'; f.k.a. 'PAK, Un'; n.k.a. 'RI, Su'; "
                      "a.k.a. 'ABU ALI'.")
    assert e.names == (
        Name("KIM, Jong Un", family="KIM", given="Jong Un"),
        Name("KIM, Jong-un", NameKind.WEAK_ALIAS, family="KIM", given="Jong-un"),
        Name("PAK, Un", NameKind.FORMER, family="PAK", given="Un"),
        Name("RI, Su", NameKind.ALIAS, family="RI", given="Su"),
        Name("ABU ALI", NameKind.WEAK_ALIAS),
    )
    # Organisation names are never split at their commas.
    o = apply_remarks(org(), "a.k.a. 'ANGLO-CARIBBEAN CO., LTD.'; d.b.a. 'ANARQUIA PAINTBALL'.")
    assert o.names == (Name("ANGLO-CARIBBEAN CO., LTD.", NameKind.WEAK_ALIAS),
                       Name("ANARQUIA PAINTBALL", NameKind.ALIAS))


def test_person_name() -> None:
    assert person_name("KIM, Jong Un") == Name("KIM, Jong Un", family="KIM", given="Jong Un")
    assert person_name("ZULKARNAEN") == Name("ZULKARNAEN")
    assert person_name("DELOS REYES, Feliciano Semborio, Jr.", NameKind.ALIAS) == Name(
        "DELOS REYES, Feliciano Semborio, Jr.", NameKind.ALIAS, family="DELOS REYES",
        given="Feliciano Semborio, Jr.")


def test_links() -> None:
    e = apply_remarks(org(), "Linked To: LAZARUS GROUP; Linked To: KPD S.A.; "
                             "Owned or Controlled By: KOREA MINING DEVELOPMENT TRADING "
                             "CORPORATION; Linked To: INTERNET RESEARCH AGENCY LLC.")
    assert e.relations == (
        Relation(RelationKind.LINKED_TO, target_name="LAZARUS GROUP"),
        Relation(RelationKind.LINKED_TO, target_name="KPD S.A."),
        Relation(RelationKind.OWNED_BY,
                 target_name="KOREA MINING DEVELOPMENT TRADING CORPORATION"),
        Relation(RelationKind.LINKED_TO, target_name="INTERNET RESEARCH AGENCY LLC"),
    )


def test_organisation_items() -> None:
    e = apply_remarks(org(), (
        "Organization Established Date 17 Dec 2016; Organization Type: Activities of holding "
        "companies; Target Type State-Owned Enterprise.; Equity Ticker PME US; "
        "ISIN RU0007796926; Issuer Name China Telecom Corporation Limited"))
    assert [p for p in e.properties if p[0] != "notes"] == [
        ("incorporationDate", "2016-12-17"),
        ("sector", "Activities of holding companies"),
        ("classification", "State-Owned Enterprise"),
        ("ticker", "PME US"),
    ]
    assert e.identifiers == (Identifier(IdKind.OTHER, "RU0007796926", note="ISIN"),)
    assert Name("China Telecom Corporation Limited", NameKind.ALIAS) in e.names


def test_sanctions_information_goes_to_notes() -> None:
    e = apply_remarks(org(), (
        "Additional Sanctions Information - Subject to Secondary Sanctions; "
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and "
        "510.210; Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
        "Institutions: North Korea Sanctions Regulations section 510.214; "
        "alt. Executive Order 13846 information: BANKING TRANSACTIONS.  Sec. 5(a)(iii); "
        "Executive Order 13662 Directive Determination - Subject to Directive 2; "
        "CAATSA Section 235 Information: FOREIGN EXCHANGE. Sec 235(a)(7); "
        "IFCA Determination - Involved in the Shipping Sector; "
        "Listing Date (EO 14024 Directive 2): 24 Feb 2022; "
        "Effective Date (EO 14024 Directive 2): 26 Mar 2022; "
        "Purchase/Sales For Divestment Date (CMIC) 03 Jun 2022; "
        "For more information on directives, please visit the following link: "
        "http://www.treasury.gov/directives."))
    assert e.notes == (
        "Additional Sanctions Information - Subject to Secondary Sanctions",
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and "
        "510.210",
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
        "Institutions: North Korea Sanctions Regulations section 510.214",
        "Executive Order 13846 information: BANKING TRANSACTIONS. Sec. 5(a)(iii)",
        "Executive Order 13662 Directive Determination - Subject to Directive 2",
        "CAATSA Section 235 Information: FOREIGN EXCHANGE. Sec 235(a)(7)",
        "IFCA Determination - Involved in the Shipping Sector",
        "Listing Date (EO 14024 Directive 2): 24 Feb 2022",
        "Effective Date (EO 14024 Directive 2): 26 Mar 2022",
        "Purchase/Sales For Divestment Date (CMIC) 03 Jun 2022",
        "For more information on directives, please visit the following link: "
        "http://www.treasury.gov/directives",
    )
    assert notes_of(e) == []


def test_free_text_is_never_dropped() -> None:
    e = apply_remarks(person(), "Minister of Finance.; ICTY indictee at large; "
                                "(Following data derived from an Eritrean passport)")
    assert notes_of(e) == ["Minister of Finance", "ICTY indictee at large",
                           "(Following data derived from an Eritrean passport)"]


# ------------------------------------------------------------------------------------------
# Cut texts


def _cut(text: str) -> str:
    """Free-text items in front of ``text`` so the whole is as long as the CSV field limit."""
    head = ""
    while len(head) + len("Member ETA; ") + len(text) <= CSV_REMARKS_LIMIT:
        head += "Member ETA; "
    return "Z" * (CSV_REMARKS_LIMIT - len(head) - len(text)) + head + text


def test_is_truncated() -> None:
    cut = _cut("Gender Male; alt. Digital Currency Address - XBT 1Gq")
    assert len(cut) == CSV_REMARKS_LIMIT
    assert is_truncated(cut)
    assert not is_truncated(cut[:-3] + "Aa.")  # a whole text ends with a period
    assert not is_truncated("Gender Male; Passport 12")  # short texts are whole
    assert not is_truncated("x" * 5000)  # joined with its overflow, or an XML remark


def test_cut_last_item_is_never_parsed() -> None:
    cut = _cut("Gender Male; alt. Digital Currency Address - XBT 1Gq")
    e = apply_remarks(org(), cut)
    assert ids(e, IdKind.CRYPTO) == []  # "1Gq" is not an address
    assert notes_of(e)[-1] == "truncated: alt. Digital Currency Address - XBT 1Gq"
    assert e.remarks == cut  # verbatim
    assert e.gender == "male"  # what came before the cut is kept


@pytest.mark.parametrize("last", [
    "a.k.a. 'snowsjo", "Digital Currency Addres", "alt. Digital", "P", "DOB 12 Ja",
    "Listing Date (EO 14024 Direct", "Linked To: PROMO RAI", "Passport 65432",
])
def test_cut_items_of_every_shape(last: str) -> None:
    e = apply_remarks(person(), _cut("Gender Male; " + last))
    assert e.gender == "male"
    assert e.identifiers == () and e.relations == () and e.birth_dates == ()
    assert e.names == ()
    assert notes_of(e)[-1] == f"truncated: {last}"


def test_explicitly_cut_text_and_broken_items_without_a_cut() -> None:
    e = apply_remarks(person(), "Gender Male; Passport 65432", truncated=True)
    assert e.identifiers == () and notes_of(e) == ["truncated: Passport 65432"]
    # Broken items in a whole text do not crash and are kept as notes.
    e = apply_remarks(person(), "a.k.a. 'unclosed; Digital Currency Address - ; DOB")
    assert e.names == () and e.identifiers == () and e.birth_dates == ()
    assert notes_of(e) == ["a.k.a. 'unclosed", "Digital Currency Address -", "DOB"]


# ------------------------------------------------------------------------------------------
# Merging


def test_apply_remarks_merges_and_keeps_the_text() -> None:
    base = person(names=(Name("KIM, Jong Un", family="KIM", given="Jong Un"),),
                  gender="female", titles=("Chairman of the Workers' Party of Korea",),
                  birth_dates=("1984-01-08",))
    text = ("DOB 08 Jan 1984; alt. DOB 1983; Gender Male; Chairman of the Workers' Party of "
            "Korea; a.k.a. 'KIM, Jong Un'.")
    e = apply_remarks(base, text)
    assert e.remarks == text
    assert e.birth_dates == ("1984-01-08", "1983")
    assert e.gender == "female"  # the entity's own value wins
    assert len(e.names) == 2 and e.names[1].kind is NameKind.WEAK_ALIAS
    assert notes_of(e) == []  # the repeated title is not kept again as a note
    assert e.titles == base.titles


@pytest.mark.parametrize("empty", ["", "-0- ", "-0-", "   "])
def test_empty_remarks_leave_the_entity_alone(empty: str) -> None:
    base = person()
    assert apply_remarks(base, empty) is base


def test_parse_remarks_does_not_need_an_entity() -> None:
    parsed = parse_remarks("DOB 1962; POB Shati.")
    assert parsed.birth_dates == ["1962"] and parsed.birth_places == ["Shati"]
