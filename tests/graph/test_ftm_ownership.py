"""A real ownership network: OpenSanctions' export around ZALA AERO (zala_entities.ftm.json),
read with the project's FtM parser. Its Ownership records carry Russian registry dates, so the
answer depends on the day asked: the tests ask on days the file settles."""

from __future__ import annotations

import pytest

from moneytrail.graph.model import EdgeKind, Graph
from moneytrail.graph.ownership import lookthrough, ofac_blocked, ownership_report
from moneytrail.sources import detect

ZAKHAROV = "ftm_zala:NK-aU5ybkbRFJucf8YMwsJvDw"  # Aleksandr Vyacheslavovich Zakharov, listed
CST = "ftm_zala:NK-abdzbEBkqyT29GyREbiURZ"  # LLC "CST" (ZALA AERO GROUP), listed
IZHMASH = "ftm_zala:NK-nR5AXM9AVPq4pQaSPSaVam"  # JSC NPO IZHMASH, not listed
AEROSCAN = "ftm_zala:NK-iE6m5ryPeTAMZozfECVSL7"  # Zakharov 100%, 2024-03-01 to 2024-03-24
RTC = "ftm_zala:NK-ERScv7cLkkvZ3ejz7xiToj"  # Zakharov 100%, 2022-04-22 to 2023-10-22
ZALA_AERO_JSC = "ftm_zala:NK-cPks3aTbes8k4aCerfBAzN"  # Zakharov, no share, 2024-03-22 to -06-24


@pytest.fixture(scope="module")
def zala(data_dir) -> Graph:
    hit = detect(data_dir / "ftm" / "zala_entities.ftm.json")
    return Graph.from_entities(hit.format.parse(hit.path))


def by_listing_or_ownership(zala, day):
    return {k for k, v in ofac_blocked(zala, as_of=day).items() if v.blocked and not v.by_listing}


def test_current_owners_of_cst_are_the_ones_the_file_states(zala):
    rep = ownership_report(zala, CST, as_of="2026-01-01")
    owners = sorted((s.owner, s.share) for s in rep.owners if s.share is not None)
    assert owners == [(ZAKHAROV, 51.0), (IZHMASH, 49.0)]
    # ended stakes (Zakharov's 50 and 48, TransKomplektHolding's 2, Zakharova's 1) are gone
    assert len(zala.in_edges(CST, (EdgeKind.OWNERSHIP,))) == 7
    assert rep.blocked_owners == {ZAKHAROV}
    assert rep.status.blocked and rep.status.by_listing and rep.status.blocked_share == 51
    # IZHMASH's "subsidiary of" record has no share: unknown, and IZHMASH is not blocked
    assert [(s.owner, s.edge.role) for s in rep.owners if s.share is None] == [
        (IZHMASH, "subsidiary of")]
    assert {lt.owner: lt.share for lt in rep.lookthrough} == {ZAKHAROV: 51.0, IZHMASH: 49.0}
    # every stake names the FtM Ownership record it came from
    stake = next(s for s in rep.owners if s.owner == ZAKHAROV)
    assert stake.edge.provenance.record == "ru-dfe0a021cb69f99e198bb8cbbcb93e81130b32a7"


def test_companies_wholly_owned_by_zakharov_are_blocked_while_he_owns_them(zala):
    assert by_listing_or_ownership(zala, "2024-03-10") == {AEROSCAN}
    aeroscan = ofac_blocked(zala, as_of="2024-03-10")[AEROSCAN]
    assert [(s.owner, s.owned, s.share) for s in aeroscan.proof] == [(ZAKHAROV, AEROSCAN, 100.0)]
    assert by_listing_or_ownership(zala, "2023-01-01") == {RTC}
    assert by_listing_or_ownership(zala, "2026-01-01") == set()  # all sold or closed since


def test_a_stake_of_unknown_size_is_reported(zala):
    status = ofac_blocked(zala, as_of="2024-04-01")[ZALA_AERO_JSC]
    assert not status.blocked and status.undetermined
    assert [(s.owner, s.share) for s in status.unknown] == [(ZAKHAROV, None)]
    [lt] = lookthrough(zala, ZALA_AERO_JSC, as_of="2024-04-01")
    assert lt.owner == ZAKHAROV and lt.share == 0 and len(lt.unknown_paths) == 1
