"""Exposure: listed parties reached within a few hops, ranked, each with a path to check."""

from __future__ import annotations

import pytest

from moneytrail.graph.exposure import exposure
from moneytrail.graph.model import EdgeKind, Graph
from moneytrail.model import (
    Address,
    Entity,
    Identifier,
    IdKind,
    Name,
    Program,
    Relation,
    RelationKind,
    Schema,
)

LAZARUS = "ofac_sdn:27307"
# The first ETH address of LAZARUS GROUP's SDN entry, written in lower case: hex addresses are
# compared without case (the case is a checksum)
LAZARUS_WALLET = "0x098b716b8aaf21512996dc57eb0615e2383e2f96"


def user(name: str, *identifiers: Identifier, addresses: tuple[Address, ...] = ()) -> Entity:
    return Entity(id=f"user:{name}", source="user", source_id=name, schema=Schema.PERSON,
                  names=(Name(name),), identifiers=identifiers, addresses=addresses)


def test_a_customer_two_hops_from_lazarus_through_a_shared_wallet(list_entities):
    # No two entries of the lists share a Lazarus wallet (checked: the SDN's only shared wallet
    # is 1H939dom7i4WDLCKyGbXUp3fs9CSTNRzgL, two Iranian cyber actors), so the case is built
    # from the real SDN plus two user-added parties: A paid into a Lazarus wallet, B shares
    # A's e-mail. B is two hops from Lazarus Group, through the wallet.
    a = user("Customer A", Identifier(IdKind.CRYPTO, LAZARUS_WALLET, asset="ETH"),
             Identifier(IdKind.EMAIL, "trader.kim@example.org"))
    b = user("Customer B", Identifier(IdKind.EMAIL, "Trader.Kim@example.org"))
    g = Graph.from_entities([*list_entities, a, b])
    hits = {x.id: x for x in exposure(g, "user:Customer B", max_hops=3)}
    lazarus = hits[LAZARUS]
    assert lazarus.hops == 2
    assert lazarus.via == ("user:Customer B", "user:Customer A", LAZARUS)
    email_hop, wallet_hop = lazarus.edges
    assert [e.kind for e in email_hop] == [EdgeKind.SHARED_EMAIL] * 2
    assert [e.kind for e in wallet_hop] == [EdgeKind.SHARED_CRYPTO] * 2
    # the Lazarus side of the wallet hop names the SDN entry and the value as OFAC wrote it
    sdn_side = wallet_hop[1].provenance
    assert (sdn_side.source, sdn_side.entity_id) == ("ofac_sdn", LAZARUS)
    assert sdn_side.value == "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
    assert sdn_side.field.startswith("identifiers[") and sdn_side.field.endswith(" crypto")
    assert lazarus.score == pytest.approx(0.6 * 0.9 * 0.8)
    # one hop only: A reaches it, B does not
    assert LAZARUS in {x.id for x in exposure(g, "user:Customer A", max_hops=1)}
    assert LAZARUS not in {x.id for x in exposure(g, "user:Customer B", max_hops=1)}


def ent(name, *rels, listed=False, ids=()):
    return Entity(id=f"t:{name}", source="t", source_id=name, schema=Schema.ORGANIZATION,
                  names=(Name(name),), programs=(Program("SDGT"),) if listed else (),
                  relations=rels, identifiers=ids)


def test_stronger_links_rank_first_and_cycles_end():
    phone = Identifier(IdKind.PHONE, "+1 555 0100 200")
    g = Graph.from_entities([
        ent("S", Relation(kind=RelationKind.OWNED_BY, target="t:O", share=30),
            Relation(kind=RelationKind.HAS_DIRECTOR, target="t:D"), ids=(phone,)),
        ent("O", listed=True), ent("D", listed=True), ent("P", listed=True, ids=(phone,)),
        ent("M", Relation(kind=RelationKind.LINKED_TO, target="t:S"),
            Relation(kind=RelationKind.LINKED_TO, target="t:O")),  # a cycle S-M-O-S
    ])
    hits = exposure(g, "t:S")
    assert [h.id for h in hits] == ["t:O", "t:D", "t:P"]  # ownership > directorship > phone
    assert [h.hops for h in hits] == [1, 1, 1]
    assert hits[0].score == 1.0 and hits[2].score == pytest.approx(0.4)
    assert exposure(g, "t:S", limit=1)[0].id == "t:O"
    assert "t:S" not in {h.id for h in exposure(g, "t:S", max_hops=5)}
